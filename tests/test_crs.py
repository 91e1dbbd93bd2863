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
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

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
