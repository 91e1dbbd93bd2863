"""gridmap.present.views: the figures, cells and files the app shows, checked against the core."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from gridmap.analysis.coverage import coverage_report
from gridmap.analysis.mosaic import build_mosaic
from gridmap.present import views

CRS = "EPSG:4549"  # CGCS2000 GK CM 120°E (Nanjing)
X0, Y0 = 500_000.0, 3_545_000.0


def _box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


@pytest.fixture
def world():
    """Two communities side by side; zone layer a covers all but a 100×100 m corner, layer b
    covers the left community twice over (an overlap); residents on a 50 m lattice."""
    study = gpd.GeoDataFrame({"area_id": ["A1", "A2"], "name": ["东", "西"]},
                             geometry=[_box(0, 0, 500, 500), _box(500, 0, 1000, 500)], crs=CRS)
    a = gpd.GeoDataFrame({"zone_id": ["a1", "a2"], "name": ["a1", "a2"]},
                         geometry=[_box(0, 0, 500, 500), shapely.difference(_box(500, 0, 1000, 500),
                                                                            _box(900, 400, 1000, 500))], crs=CRS)
    b = gpd.GeoDataFrame({"zone_id": ["b1", "b2"], "name": ["b1", "b2"]},
                         geometry=[_box(0, 0, 300, 500), _box(200, 0, 500, 500)], crs=CRS)
    xs, ys = np.meshgrid(np.arange(25, 1000, 50), np.arange(25, 500, 50))
    pts = shapely.points(X0 + xs.ravel(), Y0 + ys.ravel())
    residents = gpd.GeoDataFrame({"building_id": [f"r{i}" for i in range(len(pts))],
                                  "households": np.arange(len(pts)) % 7 + 1, "population": 3},
                                 geometry=pts, crs=CRS)
    layers = {"a": a, "b": b}
    faces = build_mosaic(layers, study, residents)
    return study, layers, residents, faces, coverage_report(faces, layers)


def test_overview_kpis_read_the_core_summary(world) -> None:
    _, _, residents, faces, rep = world
    k = views.overview_kpis(rep.summary)
    row = rep.summary.set_index("layer").loc["any"]
    assert k.area_share == pytest.approx(row["area_share"]) == pytest.approx(1 - 100 * 100 / 500_000)
    assert k.households_share == pytest.approx(row["households_share"])
    corner = residents[residents.geometry.x > X0 + 900][lambda r: r.geometry.y > Y0 + 400]
    assert k.blind_households == int(corner["households"].sum()) > 0
    assert k.households_total == int(residents["households"].sum())
    assert k.within_share is None and k.grids_outside_band is None
    assert views.format_share(k.within_share) == "—" and views.format_count(None) == "—"
    assert views.format_share(0.99472) == "99.5%" and views.format_count(36446) == "36,446"


def test_overview_kpis_access_and_band(world) -> None:
    _, _, _, _, rep = world
    res = pd.DataFrame({"households": [10, 20, 30, 40], "life_circle": ["5min", "15min", "beyond", "no_route"]})
    k = views.overview_kpis(rep.summary, res, ("5min", "10min", "15min"),
                            grids=pd.DataFrame({"households": [299, 300, 500, 501, 400]}), band=(300, 500))
    assert k.within_share == pytest.approx(30 / 100) and k.within_label == "15min"
    assert k.grids_total == 5 and k.grids_outside_band == 2


def test_households_by_coverage_and_hexagons_add_up(world) -> None:
    _, _, residents, faces, rep = world
    lab = views.households_by_coverage(residents, faces)
    row = rep.summary.set_index("layer").loc["any"]
    assert lab["uncovered_households"].sum() == row["households"] - row["households_covered"]
    assert set(lab["n_layers"]) == {0, 1, 2}  # corner 0, right 1, left 2 (the b overlap is still one system)
    hexes = views.hex_bins(lab, ["households", "uncovered_households"], 60.0)
    assert hexes["households"].sum() == residents["households"].sum()
    assert hexes["uncovered_households"].sum() == lab["uncovered_households"].sum()
    assert hexes["features"].sum() == len(residents)
    # every resident lies in the hexagon it was counted in; hexagons do not overlap
    tree = shapely.STRtree(hexes.geometry.to_numpy())
    pi, hi = tree.query(residents.geometry.to_numpy(), predicate="within")
    assert len(np.unique(pi)) == len(residents)
    assert shapely.coverage_is_valid(hexes.geometry.to_numpy())
    assert hexes.geometry.area.iloc[0] == pytest.approx(3 * np.sqrt(3) / 2 * 60.0**2)


def test_coverage_simplify_keeps_a_partition_without_gaps(world) -> None:
    _, _, _, faces, _ = world
    wiggly = faces.copy()
    wiggly["geometry"] = shapely.segmentize(wiggly.geometry.to_numpy(), 5.0)  # many collinear vertices
    simple = views.coverage_simplify_layer(wiggly, 1.0)
    assert shapely.coverage_is_valid(simple.geometry.to_numpy())
    assert shapely.get_num_coordinates(simple.geometry.to_numpy()).sum() < shapely.get_num_coordinates(
        wiggly.geometry.to_numpy()).sum() / 4
    assert simple.geometry.area.sum() == pytest.approx(faces.geometry.area.sum(), rel=1e-9)
    web = views.web_layer(wiggly, 1.0, decimals=5, coverage=True)
    assert web.crs.equals("EPSG:4326") and len(web) == len(faces)
    coords = shapely.get_coordinates(web.geometry.to_numpy())
    assert np.allclose(coords, np.round(coords, 5))
    # overlapping zones are not a coverage: simplified one by one, still valid
    over = gpd.GeoDataFrame(geometry=[_box(0, 0, 300, 500), _box(200, 0, 500, 500)], crs=CRS)
    assert views.coverage_simplify_layer(over, 1.0).is_valid.all()


def test_display_shift_round_trip_and_clicks(world) -> None:
    study, _, residents, _, rep = world
    shifted = views.for_display(study, "gcj02")
    plain = views.for_display(study, None)
    d = np.abs(shapely.get_coordinates(shifted.geometry.values) - shapely.get_coordinates(plain.geometry.values))
    assert 0.001 < d.max() < 0.01  # hundreds of metres, as GCJ-02 is near Nanjing
    c = shifted.geometry.iloc[0].centroid
    lon, lat = views.from_display(c.x, c.y, "gcj02")
    assert views.feature_at(study, lon, lat) == 0
    assert views.from_display(1.0, 2.0, None) == (1.0, 2.0)
    gap = rep.gaps.iloc[0]
    p = gpd.GeoSeries([gap.geometry.representative_point()], crs=rep.gaps.crs).to_crs(4326).iloc[0]
    assert views.feature_at(rep.gaps, p.x, p.y) == 0
    assert views.feature_at(rep.gaps, 0.0, 0.0) is None
    inside = views.residents_within(residents, gap.geometry, rep.gaps.crs)
    assert int(inside["households"].sum()) == int(gap["households"])


def test_zone_of_labels_points(world) -> None:
    _, layers, residents, _, _ = world
    z = views.zone_of(residents, layers["a"], "zone_id")
    assert z.index.equals(residents.index)
    assert z.isna().sum() == 4  # the 100×100 m corner: four lattice points
    assert set(z.dropna()) == {"a1", "a2"}


def test_single_feature_collects_parts() -> None:
    g = gpd.GeoDataFrame({"x": [1, 2]}, geometry=[_box(0, 0, 1, 1), _box(2, 2, 3, 3)], crs=CRS)
    one = views.single_feature(g)
    assert len(one) == 1 and one.geometry.iloc[0].geom_type == "MultiPolygon"
    assert one.geometry.iloc[0].area == pytest.approx(2.0)


def _ring_area(ring) -> float:
    xy = np.asarray(ring)
    return 0.5 * float(np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]))


def test_layer_bytes_writes_rfc7946_geopackage_and_shapefile(world) -> None:
    _, _, _, faces, rep = world
    data = views.layer_bytes(rep.gaps, "geojson", "gaps")
    doc = json.loads(data)
    assert "crs" not in doc and doc["type"] == "FeatureCollection"
    for f in doc["features"]:
        for poly in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon"
                     else f["geometry"]["coordinates"]):
            assert _ring_area(poly[0]) > 0  # exterior counter-clockwise
            lon, lat = poly[0][0]
            assert 118 < lon < 122 and 31 < lat < 33
    back = gpd.read_file(io.BytesIO(data))
    assert len(back) == len(rep.gaps) and list(back["gap_id"]) == list(rep.gaps["gap_id"])
    gpkg = views.layer_bytes(faces.assign(cat=pd.Categorical(["x"] * len(faces))), "gpkg", "faces")
    assert gpkg[:16] == b"SQLite format 3\x00"
    shp = views.layer_bytes(rep.gaps, "shp", "gaps")
    names = zipfile.ZipFile(io.BytesIO(shp)).namelist()
    assert {"gaps.shp", "gaps.dbf", "gaps.prj", "gaps.cpg"} <= set(names)
    with pytest.raises(ValueError):
        views.layer_bytes(rep.gaps, "kml", "gaps")


def test_excel_workbook_and_csv() -> None:
    long_name = "x" * 40
    book = views.excel_workbook({"盲区": pd.DataFrame({"户数": [1, 2]}), long_name: pd.DataFrame({"a": [1]}),
                                 "x" * 31 + "y": pd.DataFrame({"b": [2]})})
    wb = openpyxl.load_workbook(io.BytesIO(book))
    assert wb.sheetnames[0] == "盲区" and len(wb.sheetnames) == 3
    assert all(len(n) <= 31 for n in wb.sheetnames) and len(set(wb.sheetnames)) == 3
    assert wb["盲区"]["A1"].value == "户数" and wb["盲区"]["A3"].value == 2
    csv = views.csv_bytes(pd.DataFrame({"名称": ["东"]}))
    assert csv.startswith(b"\xef\xbb\xbf") and "名称".encode() in csv


def test_drawn_geometry_back_from_display() -> None:
    poly = shapely.Polygon([(118.78, 32.04), (118.79, 32.04), (118.79, 32.05), (118.78, 32.05)])
    shown = views.for_display(gpd.GeoDataFrame(geometry=[poly], crs="EPSG:4326"), "gcj02").geometry.iloc[0]
    assert shapely.hausdorff_distance(shown, poly) > 1e-3  # hundreds of metres off on purpose
    back = views.geometry_from_display(shown, "gcj02")
    assert shapely.hausdorff_distance(back, poly) < 1e-6  # below 0.1 m
    for i, (x, y) in enumerate(shapely.get_coordinates(shown)):  # the same as clicking each vertex
        assert np.allclose(shapely.get_coordinates(back)[i], views.from_display(x, y, "gcj02"))
    line = shapely.LineString([(118.78, 32.04), (118.79, 32.05)])
    assert views.geometry_from_display(line, None) is line
    assert views.geometry_from_display(line, "wgs84") is line


def test_band_status() -> None:
    st = views.band_status([299, 300, 500, 501, 0, 700], 300, 500,
                           locked=[False, False, False, False, False, True], n_units=[3, 4, 5, 6, 0, 9])
    assert st.tolist() == ["below", "in_band", "in_band", "above", "empty", "locked"]
    assert views.band_status([10, 400], 300, 500).tolist() == ["below", "in_band"]
    assert set(st) <= set(views.BAND_STATUSES)
