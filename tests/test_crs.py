"""Metric CRS choice and the GCJ-02 / BD-09 conversions against published reference coordinates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.io.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert_coordinates,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    metric_crs,
    metric_crs_for_lonlat,
    wgs84_to_bd09,
    wgs84_to_gcj02,
    working_crs,
    working_crs_problem,
)
from gridmap.io.validate import LayerError

# Published pairs from the eviltransform project's test suite: (wgs lon, wgs lat, gcj lon, gcj lat).
WGS_GCJ = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]
# Baidu's own documented example (Tiananmen area), published to 5 decimals: gcj → bd.
GCJ_BD = [(116.42703, 39.90245, 116.43351, 39.90851)]

_GEOD = pyproj.Geod(ellps="WGS84")


def metres_apart(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.abs(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_published(wlon, wlat, glon, glat) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9) and lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), WGS_GCJ)
def test_gcj02_to_wgs84_matches_published(wlon, wlat, glon, glat) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert metres_apart(lon, lat, wlon, wlat) < 0.01  # the inverse is iterated, not the 1–2 m guess


@pytest.mark.parametrize(("glon", "glat", "blon", "blat"), GCJ_BD)
def test_bd09_matches_baidu_example(glon, glat, blon, blat) -> None:
    # Both sides are rounded to 5 decimals (≤ 0.6 m each way), so allow 1.5 m.
    lon, lat = gcj02_to_bd09(glon, glat)
    assert metres_apart(lon, lat, blon, blat) < 1.5
    lon, lat = bd09_to_gcj02(blon, blat)
    assert metres_apart(lon, lat, glon, glat) < 1.5


def test_offsets_are_hundreds_of_metres_in_nanjing() -> None:
    lon, lat = 118.7795, 32.0416  # Xinjiekou
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = wgs84_to_bd09(lon, lat)
    assert 300 < metres_apart(lon, lat, glon, glat) < 700
    assert 900 < metres_apart(lon, lat, blon, blat) < 1500


def test_outside_china_is_unchanged() -> None:
    lon, lat = wgs84_to_gcj02([2.3522, -74.006], [48.8566, 40.7128])
    np.testing.assert_array_equal(lon, [2.3522, -74.006])
    np.testing.assert_array_equal(lat, [48.8566, 40.7128])


china = st.tuples(st.floats(74.0, 134.0), st.floats(18.0, 53.0))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(china)
def test_gcj02_round_trip_under_a_metre(point) -> None:
    lon, lat = point
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert metres_apart(lon, lat, *back) < 1.0
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert metres_apart(lon, lat, *back) < 1.0


@settings(max_examples=300, deadline=None)
@given(china)
def test_bd09_round_trip_under_a_metre(point) -> None:
    lon, lat = point
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert metres_apart(lon, lat, *back) < 1.0
    back = wgs84_to_bd09(*bd09_to_wgs84(lon, lat))
    assert metres_apart(lon, lat, *back) < 1.0


def test_convert_coordinates_moves_every_vertex() -> None:
    poly = shapely.Polygon([(p[2], p[3]) for p in WGS_GCJ])
    gdf = gpd.GeoDataFrame({"name": ["三城"]}, geometry=[poly], crs=4326)
    out = convert_coordinates(gdf, "高德", "wgs84")
    got = shapely.get_coordinates(out.geometry.iloc[0])[:3]
    np.testing.assert_allclose(got, [(p[0], p[1]) for p in WGS_GCJ], atol=1e-7)
    assert out.crs.to_epsg() == 4326 and out["name"].tolist() == ["三城"]


def test_unknown_source_names_the_choices() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(118.78, 32.04)], crs=4326)
    with pytest.raises(ValueError, match=r"Unknown coordinate source 'google'.*高德/腾讯 = gcj02, 百度 = bd09"):
        convert_coordinates(gdf, "google")


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (118.78, 32.04, 4549),  # Nanjing → CM 120E
        (104.07, 30.67, 4544),  # Chengdu → CM 105E (EPSG:4547 is CM 114E only)
        (107.80, 30.00, 4545),  # Chongqing municipality's centre → CM 108E
        (114.06, 22.54, 4547),  # Shenzhen → CM 114E
        (116.40, 39.90, 4548),  # Beijing → CM 117E
        (87.62, 43.83, 4538),  # Urumqi → CM 87E
        (2.35, 48.86, 32631),  # Paris → UTM 31N
        (151.21, -33.87, 32756),  # Sydney → UTM 56S
    ],
)
def test_metric_crs(lon, lat, epsg) -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat).buffer(0.01)], crs=4326)
    chosen = metric_crs(gdf)
    assert chosen.to_epsg() == epsg
    assert chosen.axis_info[0].unit_name == "metre"
    # the same answer from a projected input
    assert metric_crs(gdf.to_crs(3857)).to_epsg() == epsg


def test_metric_crs_needs_a_crs() -> None:
    with pytest.raises(ValueError, match="no CRS"):
        metric_crs(gpd.GeoDataFrame(geometry=[shapely.Point(1, 1)]))


def test_area_in_metric_crs_matches_geodesic_area() -> None:
    # 1 km² square near Xinjiekou: GK zone area agrees with the ellipsoidal area to 0.01 %.
    square = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 3_545_000, 501_000, 3_546_000)], crs=4549)
    lonlat = square.to_crs(4326).geometry.iloc[0]
    geodesic = abs(_GEOD.geometry_area_perimeter(lonlat)[0])
    assert square.area.iloc[0] == pytest.approx(1e6)
    assert geodesic == pytest.approx(1e6, rel=1e-4)


# ---------------------------------------------------------------------------------------------
# the working CRS: the user's own kept, lon/lat and distorting projections reprojected


def _square(lon: float, lat: float, crs, half: float = 0.01) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(lon - half, lat - half, lon + half, lat + half)],
                            crs=4326).to_crs(crs)


@pytest.mark.parametrize(("lon", "lat", "epsg"), [
    (126.98, 37.57, 32652),  # Seoul: inside the old lon/lat box, outside China → UTM 52N
    (105.85, 21.03, 32648),  # Hanoi → UTM 48N
    (106.92, 47.92, 32648),  # Ulaanbaatar → UTM 48N
    (77.21, 28.61, 32643),  # Delhi → UTM 43N
    (125.75, 39.03, 32651),  # Pyongyang → UTM 51N
    (124.38, 40.13, 4550),  # Dandong, on the border → CGCS2000 GK CM 123E
    (109.51, 18.25, 4546),  # Sanya, Hainan → CGCS2000 GK CM 111E
    (75.99, 39.47, 4534),  # Kashgar → CM 75E
    (15.0, 85.0, 5041),  # beyond UTM's 84°N: UPS North
])
def test_metric_crs_is_gauss_kruger_in_china_and_utm_elsewhere(lon, lat, epsg) -> None:
    assert metric_crs_for_lonlat(lon, lat).to_epsg() == epsg


@pytest.mark.parametrize("crs", [
    "EPSG:4549",  # CGCS2000 GK CM 120E, the zone of the data
    "EPSG:4548",  # the neighbouring GK zone (CM 117E, 1.8° away: 0.05 % in length)
    "EPSG:32650",  # UTM 50N
    "EPSG:32651",  # UTM 51N
    "+proj=tmerc +lat_0=32 +lon_0=118.8 +k=1 +x_0=50000 +y_0=50000 +ellps=GRS80 +units=m +no_defs",  # city grid
])
def test_projected_input_true_to_scale_is_kept(crs) -> None:
    gdf = _square(118.78, 32.04, crs)
    assert working_crs(gdf).equals(pyproj.CRS.from_user_input(crs))


@pytest.mark.parametrize(("crs", "why"), [
    ("EPSG:4326", "not a projected CRS"),
    ("EPSG:4490", "not a projected CRS"),
    ("EPSG:3857", "web-map projection"),  # Web Mercator: spherical formulas, and 18 % long at 32°N
    ("EPSG:3395", "not true to scale"),  # World Mercator: conformal, but 18 % long at 32°N
    ("EPSG:4554", "not true to scale"),  # GK CM 135E: 16° away from Nanjing
    ("EPSG:2263", "not metres"),  # New York State Plane, US feet
])
def test_distorting_or_geographic_input_is_reprojected_to_the_zone(crs, why) -> None:
    gdf = _square(118.78, 32.04, crs)
    assert working_crs(gdf).to_epsg() == 4549
    assert why.split()[-1] in str(working_crs_problem(pyproj.CRS.from_user_input(crs), [gdf]))


def test_a_zone_in_paris_is_measured_true_not_51_percent_too_large() -> None:
    """The sweep's Paris zone: EPSG:4549 (GK CM 120E, 118° of longitude away) made it 51 % too large.
    No chosen, kept or asked-for CRS may be that far from the data."""
    paris = _square(2.35, 48.86, 4326)
    geodesic = abs(_GEOD.geometry_area_perimeter(paris.geometry.iloc[0])[0])
    chosen = working_crs(paris)
    assert chosen.to_epsg() == 32631
    assert paris.to_crs(chosen).area.iloc[0] == pytest.approx(geodesic, rel=1e-3)
    assert paris.to_crs(4549).area.iloc[0] / geodesic == pytest.approx(1.51, abs=0.01)  # the bug, measured
    assert working_crs(paris.to_crs(4549)).to_epsg() == 32631  # data handed over in that zone: reprojected
    with pytest.raises(LayerError, match=r"EPSG:4549.*areas by up to 51%.*EPSG:32631"):
        working_crs(paris, crs="EPSG:4549")


def test_asked_for_working_crs_is_used_or_refused_with_the_reason() -> None:
    nanjing = _square(118.78, 32.04, 4326)
    assert working_crs(nanjing, crs="EPSG:32650").to_epsg() == 32650
    with pytest.raises(LayerError, match="web-map projection"):
        working_crs(nanjing, crs="EPSG:3857")
    with pytest.raises(LayerError, match="not a CRS pyproj knows"):
        working_crs(nanjing, crs="EPSG:999999")
    with pytest.raises(LayerError, match="not a projected CRS"):
        working_crs(nanjing, crs="EPSG:4490")


def test_the_first_layer_with_a_suitable_own_crs_decides() -> None:
    lonlat = _square(118.78, 32.04, 4326)
    utm = _square(118.79, 32.05, 32650)
    web = _square(118.77, 32.03, 3857)
    assert working_crs(lonlat, web, utm).to_epsg() == 32650  # the only input in a working CRS
    assert working_crs(_square(118.78, 32.04, 4548), utm).to_epsg() == 4548  # the study area's first
    assert working_crs(None, lonlat).to_epsg() == 4549


@settings(max_examples=60, deadline=None)
@given(st.floats(-179.9, 179.9), st.floats(-79.0, 83.5))
def test_the_chosen_crs_is_true_to_scale_anywhere(lon, lat) -> None:
    """Wherever the data is, the CRS chosen for it measures lengths within 0.5 % (areas 1 %)."""
    gdf = _square(lon, lat, 4326, half=0.005)
    chosen = working_crs(gdf)
    assert working_crs_problem(chosen, [gdf]) is None
    factors = pyproj.Proj(chosen).get_factors(lon, lat)
    assert abs(factors.areal_scale - 1.0) < 0.01
