"""Reading and writing layers: round trips with Chinese text, encodings, CRS rules, safe zips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from gridmap.io.files import (
    MAX_ZIP_BYTES,
    atomic_write,
    detect_dbf_encoding,
    list_layers,
    load_layer,
    read_layer,
    write_geojson,
    write_gpkg,
    write_layer,
    write_shapefile_zip,
)
from gridmap.io.validate import LayerError

NAMES = ["新街口社区", "秦淮区·夫子庙网格", "鼓楼区 华侨路（一）"]


def zones_4326() -> gpd.GeoDataFrame:
    """Three zones near Xinjiekou, Nanjing; one with a hole, one MultiPolygon, clockwise shells."""
    x0, y0 = 118.78, 32.04
    a = shapely.Polygon([(x0, y0), (x0, y0 + 0.002), (x0 + 0.002, y0 + 0.002), (x0 + 0.002, y0)])  # clockwise
    hole = [(x0 + 0.0005, y0 + 0.0005), (x0 + 0.0015, y0 + 0.0005), (x0 + 0.0015, y0 + 0.0015),
            (x0 + 0.0005, y0 + 0.0015)]
    a = shapely.Polygon(a.exterior.coords, [hole])
    b = shapely.box(x0 + 0.002, y0, x0 + 0.004, y0 + 0.002)
    c = shapely.MultiPolygon([shapely.box(x0 + 0.005, y0, x0 + 0.006, y0 + 0.001),
                              shapely.box(x0 + 0.007, y0, x0 + 0.008, y0 + 0.001)])
    return gpd.GeoDataFrame(
        {"zone_id": ["P001", "P002", "P003"], "name": NAMES, "households": [312, 0, 45],
         "负责人": ["张伟", "李娜", "王芳"]},
        geometry=[a, b, c], crs=4326,
    )


def _ring_is_ccw(coords: list) -> bool:
    xs, ys = np.array(coords).T
    return float(np.sum(xs[:-1] * ys[1:] - xs[1:] * ys[:-1])) > 0


# ---------------------------------------------------------------------------------------------
# round trips


def test_geojson_is_rfc7946(tmp_path: Path) -> None:
    path = write_geojson(zones_4326().to_crs(4549), tmp_path / "zones.geojson")
    raw = path.read_bytes()
    assert "新街口社区".encode() in raw  # UTF-8, not \u escapes
    doc = json.loads(raw.decode("utf-8"))
    assert "crs" not in doc
    for feature in doc["features"]:
        geom = feature["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            assert _ring_is_ccw(poly[0]), "exterior rings must be counter-clockwise"
            for hole in poly[1:]:
                assert not _ring_is_ccw(hole), "holes must be clockwise"
            for x, y in poly[0]:
                assert 118 < x < 119 and 32 < y < 33  # lon/lat order
                assert len(repr(x).split(".")[1]) <= 7 and len(repr(y).split(".")[1]) <= 7


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".zip"])
def test_round_trip_keeps_geometry_and_chinese_text(tmp_path: Path, suffix: str) -> None:
    original = zones_4326()
    path = write_layer(original, tmp_path / f"zones{suffix}", layer="zones")
    back = read_layer(path, "zones" if suffix == ".gpkg" else None)
    assert back.crs.to_epsg() == 4326
    assert list(back["name"]) == NAMES
    assert list(back["负责人"]) == ["张伟", "李娜", "王芳"]
    assert list(back["zone_id"]) == ["P001", "P002", "P003"]
    assert list(back["households"]) == [312, 0, 45]
    # GeoJSON keeps 7 decimals (5e-8 degree rounding); GeoPackage and Shapefile keep doubles.
    # (Both may store a Polygon as a one-part MultiPolygon: same shape, so compare shapes.)
    tolerance = 5e-8 if suffix == ".geojson" else 1e-12
    for got, want in zip(back.geometry, original.geometry, strict=True):
        assert shapely.hausdorff_distance(got, want) <= tolerance
        assert shapely.area(got) == pytest.approx(shapely.area(want), rel=1e-6)


def test_shapefile_zip_has_utf8_cpg_and_maps_long_names(tmp_path: Path) -> None:
    gdf = zones_4326()
    gdf["special_group_total"] = [1, 2, 3]
    gdf["special_group_total_2"] = [4, 5, 6]
    path = write_shapefile_zip(gdf, tmp_path / "zones.zip")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"zones.shp", "zones.shx", "zones.dbf", "zones.prj", "zones.cpg"} <= names
        assert zf.read("zones.cpg").decode() == "UTF-8"
        mapping = pd.read_csv(zf.open("zones_fields.csv"), encoding="utf-8-sig")
    assert dict(zip(mapping["column"], mapping["field"], strict=True)) == {
        "special_group_total": "special_gr", "special_group_total_2": "special__1"}
    back = read_layer(path)
    assert list(back["special_gr"]) == [1, 2, 3] and list(back["special__1"]) == [4, 5, 6]


def test_gpkg_holds_several_layers_and_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    zones = zones_4326()
    table = pd.DataFrame({"unit_id": ["U1", "U2"], "grid_code": ["320102001001001", "320102001001002"]})
    write_gpkg({"zones": zones, "assignment": table}, path)
    assert set(list_layers(path)["name"]) == {"zones", "assignment"}
    write_gpkg({"zones": zones.iloc[:1]}, path)  # the file now holds exactly this
    assert list(list_layers(path)["name"]) == ["zones"]
    assert len(read_layer(path)) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file left behind"


def test_gpkg_with_several_layers_needs_a_layer_name(tmp_path: Path) -> None:
    path = write_gpkg({"a": zones_4326(), "b": zones_4326()}, tmp_path / "two.gpkg")
    with pytest.raises(LayerError, match=r"holds 2 layers \(a, b\); name one with --layer"):
        read_layer(path)
    with pytest.raises(LayerError, match=r"no layer 'c'; layers in the file: a, b"):
        read_layer(path, "c")
    assert len(read_layer(path, "b")) == 3


# ---------------------------------------------------------------------------------------------
# encodings


def _gbk_shapefile(folder: Path, with_cpg: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / "网格.shp"
    pyogrio.write_dataframe(zones_4326(), shp, encoding="GBK")
    if not with_cpg:
        (folder / "网格.cpg").unlink()
    return shp


def test_gbk_dbf_without_cpg_is_detected(tmp_path: Path) -> None:
    shp = _gbk_shapefile(tmp_path / "gbk", with_cpg=False)
    assert detect_dbf_encoding(shp.with_suffix(".dbf")) == "GB18030"
    # GDAL alone garbles it (reads Latin-1) — the reason detection exists:
    assert list(pyogrio.read_dataframe(shp)["name"]) != NAMES
    gdf = read_layer(shp)
    assert list(gdf["name"]) == NAMES
    assert gdf.attrs["encoding"] == "GB18030"


def test_utf8_dbf_without_cpg_is_detected(tmp_path: Path) -> None:
    folder = tmp_path / "utf8"
    folder.mkdir()
    shp = folder / "zones.shp"
    pyogrio.write_dataframe(zones_4326(), shp, encoding="UTF-8")
    (folder / "zones.cpg").unlink()
    assert detect_dbf_encoding(shp.with_suffix(".dbf")) == "UTF-8"
    assert list(read_layer(shp)["name"]) == NAMES


def test_zipped_gbk_shapefile(tmp_path: Path) -> None:
    shp = _gbk_shapefile(tmp_path / "gbk", with_cpg=False)
    zpath = tmp_path / "upload.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, arcname=f"folder/{f.name}")
    gdf = read_layer(zpath)
    assert list(gdf["name"]) == NAMES
    assert gdf.attrs["layer"] == "网格"


# ---------------------------------------------------------------------------------------------
# CRS


def _no_crs_shapefile(tmp_path: Path) -> Path:
    shp = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(zones_4326(), shp, encoding="UTF-8")
    shp.with_suffix(".prj").unlink()
    return shp


def test_missing_crs_is_an_error_that_says_how_to_fix(tmp_path: Path) -> None:
    shp = _no_crs_shapefile(tmp_path)
    with pytest.raises(LayerError) as info:
        load_layer(shp, "zones")
    msg = str(info.value)
    assert str(shp) in msg and "no coordinate reference system" in msg
    assert "--crs EPSG:4490" in msg and ".prj" in msg


def test_stated_crs_is_used_when_the_file_has_none(tmp_path: Path) -> None:
    gdf, report = load_layer(_no_crs_shapefile(tmp_path), "zones", crs="EPSG:4490")
    assert gdf.crs.to_epsg() == 4490
    assert report.ok


def test_stated_crs_that_contradicts_the_file_is_refused(tmp_path: Path) -> None:
    path = write_gpkg(zones_4326().to_crs(4549), tmp_path / "z.gpkg", "zones")
    with pytest.raises(LayerError, match=r"declares CGCS2000 / 3-degree Gauss-Kruger CM 120E .* but WGS 84"):
        read_layer(path, crs="EPSG:4326")
    # WGS84 stated for CGCS2000 lon/lat is not a contradiction (< 1 m apart)
    path = write_gpkg(zones_4326().set_crs(4490, allow_override=True), tmp_path / "c.gpkg", "zones")
    assert read_layer(path, crs=4326).crs.to_epsg() == 4490


def test_gcj02_input_is_converted_to_wgs84(tmp_path: Path) -> None:
    # eviltransform's published Shanghai pair:
    # WGS84 (121.5272106, 31.1774276) ↔ GCJ-02 (121.531541859215, 31.17530398364597)
    traced = gpd.GeoDataFrame({"center_id": ["C1"], "name": ["陆家嘴党群服务中心"]},
                              geometry=[shapely.Point(121.531541859215, 31.17530398364597)], crs=4326)
    path = write_geojson(traced, tmp_path / "amap.geojson", precision=12)
    gdf, _ = load_layer(path, "centers", source="amap")
    assert gdf.geometry.iloc[0].x == pytest.approx(121.5272106, abs=1e-8)
    assert gdf.geometry.iloc[0].y == pytest.approx(31.1774276, abs=1e-8)
    assert gdf.attrs["converted_from"] == "amap"


def test_web_map_source_on_projected_data_is_refused(tmp_path: Path) -> None:
    path = write_gpkg(zones_4326().to_crs(4549), tmp_path / "z.gpkg", "zones")
    with pytest.raises(LayerError, match="longitude/latitude"):
        read_layer(path, source="gcj02")


# ---------------------------------------------------------------------------------------------
# zips


def test_zip_with_parent_path_is_refused(tmp_path: Path) -> None:
    zpath = tmp_path / "evil.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("../../etc/zones.geojson", "{}")
    with pytest.raises(LayerError, match=r"'\.\./\.\./etc/zones\.geojson' points outside the zip"):
        read_layer(zpath)
    assert not (tmp_path.parent / "etc").exists()


def test_zip_with_absolute_path_is_refused(tmp_path: Path) -> None:
    zpath = tmp_path / "abs.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("/tmp/zones.geojson", "{}")
    with pytest.raises(LayerError, match="absolute path"):
        read_layer(zpath)


@pytest.mark.slow
def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    zpath = tmp_path / "bomb.zip"
    with (zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf,
          zf.open("zones.geojson", "w", force_zip64=True) as member):
        block = b"\0" * (1 << 24)
        for _ in range(MAX_ZIP_BYTES // len(block) + 1):
            member.write(block)
    assert zpath.stat().st_size < 2_000_000  # tiny on disk, > 512 MB expanded
    with pytest.raises(LayerError, match="would expand to 554 MB, more than the limit of 537 MB"):
        read_layer(zpath)


def test_zip_with_several_layers_asks_for_one(tmp_path: Path) -> None:
    zpath = tmp_path / "two.zip"
    write_geojson(zones_4326(), tmp_path / "party.geojson")
    write_geojson(zones_4326(), tmp_path / "urban.geojson")
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(tmp_path / "party.geojson", "party.geojson")
        zf.write(tmp_path / "urban.geojson", "urban.geojson")
    with pytest.raises(LayerError, match=r"several layers \(party.geojson, urban.geojson\); name one with --layer"):
        read_layer(zpath)
    assert read_layer(zpath, "urban").attrs["layer"] == "urban"


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match=r"nope\.geojson: no such file"):
        read_layer(tmp_path / "nope.geojson")


def test_geojson_rounding_keeps_polygons_valid_and_never_writes_lines(tmp_path: Path) -> None:
    x0, y0 = 118.78, 32.04
    sliver = shapely.Polygon([(x0, y0), (x0 + 0.001, y0 + 2e-9), (x0 + 0.002, y0), (x0, y0)])  # 0.2 mm wide
    # a notch 4 mm above the bottom edge: plain rounding to 7 decimals pinches it onto the edge
    waist = shapely.Polygon([(x0, y0), (x0 + 1e-3, y0), (x0 + 1e-3, y0 + 1e-3), (x0 + 5.3e-4, y0 + 4e-8),
                             (x0 + 4.7e-4, y0 + 4e-8), (x0, y0 + 1e-3), (x0, y0)])
    assert not shapely.set_precision(waist, 1e-7, mode="pointwise").is_valid
    gdf = gpd.GeoDataFrame({"id": ["sliver", "waist", "box"]},
                           geometry=[sliver, waist, shapely.box(x0, y0, x0 + 1e-3, y0 + 1e-3)], crs=4326)
    assert gdf.is_valid.all()
    back = read_layer(write_geojson(gdf, tmp_path / "r.geojson"))
    assert back["id"].tolist() == ["sliver", "waist", "box"]  # attributes kept for every row
    types = [None if g is None or g.is_empty else g.geom_type for g in back.geometry]
    assert types[0] is None  # thinner than the precision: no geometry, not a LineString
    assert types[1] in ("Polygon", "MultiPolygon") and types[2] == "Polygon"
    assert back.geometry.iloc[1:].is_valid.all()


def test_atomic_write_replaces_whole_or_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "table.csv"
    assert atomic_write(path, lambda tmp: tmp.write_text("v1", encoding="utf-8")) == path
    assert path.read_text(encoding="utf-8") == "v1"

    def half_then_fail(tmp: Path) -> None:
        assert tmp.suffix == ".csv" and tmp.parent == path.parent and tmp != path
        tmp.write_text("half of v2", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(path, half_then_fail)
    assert path.read_text(encoding="utf-8") == "v1"
    assert sorted(p.name for p in path.parent.iterdir()) == ["table.csv"]  # nothing left behind
# ---------------------------------------------------------------------------------------------
# partitions stay partitions in every file (issue 12)

import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from realistic_layers import (  # noqa: E402
    Place,
    area_frame,
    assert_partition,
    jittered_voronoi,
    local_grid,
    merged,
    overlapping_polygons,
    place,
    read_back,
    redigitised,
    zone_frame,
)

from gridmap.analysis.mosaic import build_mosaic  # noqa: E402
from gridmap.io.files import round_coverage, write_geoparquet  # noqa: E402


def test_round_coverage_keeps_a_coverage_a_partition_where_pointwise_rounding_breaks_it() -> None:
    """400 cells in a 10 × 10 square rounded to a 0.2 grid (a cell is ~2.5 grid cells wide): plain
    rounding makes polygons invalid and neighbours overlap; rounding as one topology gives valid
    polygons, no overlap, and still exactly the square (its corners are on the grid)."""
    cells = jittered_voronoi(400, seed=5, side=10.0, jitter=0.45)
    pointwise = shapely.set_precision(cells, 0.2, mode="pointwise")
    assert not shapely.is_valid(pointwise).all() and not shapely.coverage_is_valid(pointwise)  # the test bites
    rounded = round_coverage(cells, 0.2)
    kept = rounded[~shapely.is_empty(rounded)]
    assert shapely.is_valid(kept).all()
    assert shapely.coverage_is_valid(kept)  # neighbours edge to edge: no overlap at all
    assert shapely.area(kept).sum() == pytest.approx(100.0, abs=1e-9)
    assert shapely.equals(shapely.coverage_union_all(kept), shapely.box(0, 0, 10, 10))
    on_grid = shapely.get_coordinates(kept) * 5
    assert np.allclose(on_grid, np.round(on_grid), atol=1e-6)
    collapsed = shapely.is_empty(rounded)
    assert shapely.is_empty(shapely.buffer(cells[collapsed], -0.2)).all()  # only cells narrower than the grid


def test_geojson_partition_keeps_every_coordinate_and_other_layers_seven_decimals(tmp_path: Path) -> None:
    """A partition is written as reprojected (no face of it can vanish; GDAL prints 15 decimals, and
    may turn 120.00000000000001 into 120.0: 1e-14°, a nanometre); any other layer with 7 decimals
    (~1 cm), as RFC 7946 suggests."""
    cells = place(jittered_voronoi(30, seed=1, side=500.0), Place("gk", "EPSG:4549", (500_000.0, 3_545_000.0)))
    faces = zone_frame(cells, "F")
    lonlat = np.unique(shapely.get_coordinates(faces.to_crs(4326).geometry.to_numpy()), axis=0)
    back = read_layer(write_geojson(faces, tmp_path / "p.geojson", partition=True))
    written = np.unique(shapely.get_coordinates(back.geometry.to_numpy()), axis=0)
    assert written.shape == lonlat.shape  # shared vertices stay shared, none merged
    assert np.abs(written - lonlat).max() < 1e-13
    doc = json.loads(write_geojson(faces, tmp_path / "z.geojson").read_text(encoding="utf-8"))
    xs = [x for f in doc["features"] for ring in f["geometry"]["coordinates"] for x, _ in ring]
    assert max(len(repr(x).split(".")[1]) for x in xs) <= 7


@pytest.mark.slow
def test_the_writer_crash_of_issue_12_is_gone(tmp_path: Path) -> None:
    """Faces of layers digitised separately (1 mm–1 m apart) in UTM: ``set_precision(valid_output)``
    threw "TopologyException: unable to assign free hole to a shell" on such faces."""
    where = Place("utm", "EPSG:32650", (666_000.0, 3_545_000.0))
    party = jittered_voronoi(300, seed=11, side=2_000.0)
    urban = redigitised(merged(party, 120, seed=12), seed=13, spacing=10.0)
    layers = {"party": zone_frame(place(party, where), "P"), "urban": zone_frame(place(urban, where), "U")}
    faces = build_mosaic(layers)
    assert faces.crs.to_epsg() == 32650  # the user's CRS is kept
    back = read_back(write_geojson(faces, tmp_path / "faces.geojson", partition=True), faces.crs)
    assert_partition(back, faces, "face_id")


def _crs_places():
    """Places in every kind of CRS an office uses (hypothesis strategy)."""
    gk = st.builds(lambda k, dx, y: Place("gk", f"EPSG:{4534 + k}", (500_000.0 + dx, y)),
                   st.integers(0, 20), st.floats(-120_000, 120_000), st.floats(2_300_000, 5_000_000))
    utm = st.builds(lambda zone, south, x, y: Place("utm", f"EPSG:{(32700 if south else 32600) + zone}",
                                                    (x, y + (1_000_000 if south else 0))),
                    st.integers(1, 60), st.booleans(), st.floats(350_000, 650_000), st.floats(100_000, 8_000_000))
    local = st.builds(lambda lon, lat: Place("local", local_grid(lon / 100, lat / 100), (45_000.0, 45_000.0)),
                      st.integers(-17_000, 17_000), st.integers(-6_000, 6_000))  # origins to 0.01°, as city grids
    wgs84 = st.builds(lambda zone, x, y: Place("wgs84", "EPSG:4326", (x, y), via=f"EPSG:{32600 + zone}"),
                      st.integers(1, 60), st.floats(350_000, 650_000), st.floats(100_000, 7_000_000))
    return st.one_of(gk, utm, local, wgs84)


@st.composite
def random_case(draw):
    """Two or three zone layers of random kinds (Voronoi cells, the same traced again, polygons that
    overlap each other), a study area, all in a random CRS."""
    where = draw(_crs_places())
    seed = draw(st.integers(0, 100_000))
    side = 600.0
    base = jittered_voronoi(draw(st.integers(4, 40)), seed, side)
    kinds = draw(st.lists(st.sampled_from(["voronoi", "redigitised", "overlapping"]), min_size=1, max_size=2))
    layers = {"l0": zone_frame(place(base, where), "A")}
    for k, kind in enumerate(kinds, start=1):
        if kind == "voronoi":
            geoms = jittered_voronoi(draw(st.integers(3, 40)), seed + k, side)
        elif kind == "redigitised":
            geoms = redigitised(merged(base, max(1, len(base) // 3), seed + k), seed + k, spacing=15.0)
        else:
            geoms = overlapping_polygons(draw(st.integers(2, 8)), seed + k, side)
        layers[f"l{k}"] = zone_frame(place(geoms, where), f"Z{k}")
    study = area_frame(place(merged(jittered_voronoi(12, seed + 7, side), 3, seed + 8), where))
    return layers, study


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(random_case())
def test_written_faces_are_partitions_in_every_format(tmp_path_factory, case) -> None:
    """build_mosaic → faces written as GeoJSON, GeoPackage, zipped Shapefile and GeoParquet → read
    back and projected to the working CRS: valid, overlap ≤ 1e-8 of the area, the same union within
    1e-6, no face over 1 cm² written empty."""
    layers, study = case
    faces = build_mosaic(layers, study)
    folder = tmp_path_factory.mktemp("written")
    for path in (write_geojson(faces, folder / "faces.geojson", partition=True),
                 write_gpkg(faces, folder / "faces.gpkg", layer="faces"),
                 write_shapefile_zip(faces, folder / "faces.zip"),
                 write_geoparquet(faces, folder / "faces.parquet")):
        back = read_back(path, faces.crs)
        assert len(back) == len(faces), path.name
        assert_partition(back, faces, "face_id")


def test_geojson_keeps_coordinates_next_to_a_round_number(tmp_path: Path) -> None:
    """On a Gauss–Krüger central meridian (117°, 120°…) coordinates such as 117.0000003 are common;
    GDAL's own 7–9-decimal output turned them into 117.0 (a run of zeros or nines taken for noise),
    moving vertices by up to 1e-7° and making polygons invalid. They are written as rounded."""
    ring = [(117.0, 39.9), (117.0000003, 39.9002), (116.9999, 39.9003), (116.9999, 39.9)]
    gdf = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[shapely.Polygon(ring), shapely.Point(120.9999996, 31.9999999)],
                           crs=4326)
    back = read_layer(write_geojson(gdf, tmp_path / "cm.geojson"))
    xy = shapely.get_coordinates(back.geometry.to_numpy())
    assert 117.0000003 in xy[:, 0] and 120.9999996 in xy[:, 0] and 31.9999999 in xy[:, 1]
    assert back.geometry.is_valid.all()
