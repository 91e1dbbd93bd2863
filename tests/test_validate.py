"""Each bad input gets its own message naming file, layer, row, id, column, problem and fix."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.io.files import load_layer, write_gpkg
from gridmap.io.validate import LayerError, guess_kind, validate_layer

X0, Y0 = 118.78, 32.04


def zones(**overrides) -> gpd.GeoDataFrame:
    data = {"zone_id": ["Z1", "Z2", "Z3"], "name": ["华侨路网格", "汉中路网格", "丰富路网格"]}
    geoms = [shapely.box(X0 + i * 0.002, Y0, X0 + (i + 1) * 0.002, Y0 + 0.002) for i in range(3)]
    data.update({k: v for k, v in overrides.items() if k != "geometry"})
    return gpd.GeoDataFrame(data, geometry=overrides.get("geometry", geoms), crs=4326)


def residents(households, population=None) -> gpd.GeoDataFrame:
    n = len(households)
    return gpd.GeoDataFrame(
        {"building_id": [f"way/{100 + i}" for i in range(n)], "households": households,
         "population": population if population is not None else [3] * n},
        geometry=[shapely.Point(X0 + 0.001 * i, Y0) for i in range(n)], crs=4326,
    )


def load_bad(tmp_path: Path, gdf: gpd.GeoDataFrame, kind: str, layer: str = "bad"):
    path = write_gpkg(gdf, tmp_path / "bad.gpkg", layer)
    with pytest.raises(LayerError) as info:
        load_layer(path, kind, layer)
    return str(info.value), info.value.report, path


def test_duplicate_ids(tmp_path: Path) -> None:
    msg, report, path = load_bad(tmp_path, zones(zone_id=["Z1", "Z2", "Z1"]), "zones")
    assert f"{path}, layer 'bad', row 1 (id Z1), column 'zone_id'" in msg
    assert "zone_id 'Z1' is used by 2 features (rows 1, 3)" in msg
    assert "must be unique" in msg
    assert [p.code for p in report.errors] == ["duplicate_id"]


def test_missing_id_value(tmp_path: Path) -> None:
    msg, report, _ = load_bad(tmp_path, zones(zone_id=["Z1", None, "Z3"]), "zones")
    assert "row 2, column 'zone_id': 'zone_id' is empty" in msg


def test_negative_households(tmp_path: Path) -> None:
    msg, report, _ = load_bad(tmp_path, residents([10, -4, 7]), "residents")
    assert "row 2 (id way/101), column 'households': value -4 is negative" in msg
    assert [p.code for p in report.errors] == ["negative"]


def test_non_numeric_households(tmp_path: Path) -> None:
    msg, report, _ = load_bad(tmp_path, residents(["12", "约30户", "8"]), "residents")
    assert "row 2 (id way/101), column 'households': value '约30户' is not a number" in msg
    assert [p.code for p in report.errors] == ["not_numeric"]


def test_fractional_households(tmp_path: Path) -> None:
    msg, _, _ = load_bad(tmp_path, residents([12.0, 2.5, 8.0]), "residents")
    assert "row 2 (id way/101), column 'households': value 2.5 is not a whole number" in msg


def test_numeric_text_households_become_integers(tmp_path: Path) -> None:
    path = write_gpkg(residents(["12", "30", "8"], ["30", "80", "20"]), tmp_path / "r.gpkg", "r")
    gdf, report = load_layer(path, "residents")
    assert report.ok
    assert gdf["households"].tolist() == [12, 30, 8] and str(gdf["households"].dtype) == "int64"


def test_points_in_a_zone_layer(tmp_path: Path) -> None:
    geoms = [shapely.box(X0, Y0, X0 + 0.001, Y0 + 0.001), shapely.Point(X0, Y0), shapely.Point(X0 + 1e-3, Y0)]
    path = tmp_path / "mixed.geojson"
    gdf = zones(geometry=geoms)
    gdf.to_file(path)  # GeoJSON can mix geometry types, as real uploads do
    with pytest.raises(LayerError) as info:
        load_layer(path, "zones")
    msg = str(info.value)
    assert "row 2 (id Z2): geometry is a Point, but a zone layer (网格) needs Polygon or MultiPolygon" in msg
    assert "Points cannot be zones" in msg
    assert [p.row for p in info.value.report.errors] == [2, 3]


def test_null_and_empty_geometry(tmp_path: Path) -> None:
    gdf = zones(geometry=[shapely.box(X0, Y0, X0 + 0.001, Y0 + 0.001), None, shapely.Polygon()])
    path = tmp_path / "holes.geojson"
    gdf.to_file(path)
    with pytest.raises(LayerError) as info:
        load_layer(path, "zones")
    codes = [(p.row, p.feature_id, p.code) for p in info.value.report.errors]
    assert codes == [(2, "Z2", "null_geometry"), (3, "Z3", "null_geometry")] or codes == [
        (2, "Z2", "null_geometry"), (3, "Z3", "empty_geometry")]
    assert "feature has no geometry (null). Draw its geometry or delete the feature" in str(info.value)
    # asked to, they are left out — and listed, never silently
    kept, report = load_layer(path, "zones", drop_empty=True)
    assert kept["zone_id"].tolist() == ["Z1"]
    assert [(p.row, p.code) for p in report.repairs] == [(2, "dropped_empty"), (3, "dropped_empty")]


def test_empty_geometry_in_memory_has_its_own_message() -> None:
    gdf = zones(geometry=[shapely.box(X0, Y0, X0 + 0.001, Y0 + 0.001), shapely.Polygon(), shapely.Point()])
    _, report = validate_layer(gdf, "zones", source="mem")
    assert [(p.row, p.code) for p in report.errors] == [(2, "empty_geometry"), (3, "empty_geometry")]
    assert "feature has an empty geometry" in report.format_problem(report.errors[0])


def test_z_coordinates_are_dropped_and_reported(tmp_path: Path) -> None:
    geoms = [shapely.force_3d(shapely.box(X0, Y0, X0 + 0.001, Y0 + 0.001), 12.5),
             shapely.box(X0 + 0.001, Y0, X0 + 0.002, Y0 + 0.001), shapely.box(X0 + 0.002, Y0, X0 + 0.003, Y0 + 0.001)]
    path = write_gpkg(zones(geometry=geoms), tmp_path / "z.gpkg", "zones3d")
    gdf, report = load_layer(path, "zones")
    assert not shapely.has_z(gdf.geometry.to_numpy()).any()
    assert [(p.row, p.code) for p in report.repairs] == [(1, "z_dropped")]
    assert "Z (height) coordinates" in report.format_problem(report.repairs[0])


def test_invalid_polygon_is_repaired_and_listed(tmp_path: Path) -> None:
    d = 0.002
    bowtie = shapely.Polygon([(X0, Y0), (X0 + d, Y0 + d), (X0 + d, Y0), (X0, Y0 + d), (X0, Y0)])
    geoms = [shapely.box(X0 - d, Y0, X0, Y0 + d), bowtie, shapely.box(X0 + d, Y0, X0 + 2 * d, Y0 + d)]
    path = tmp_path / "bowtie.geojson"
    zones(geometry=geoms).to_file(path)
    gdf, report = load_layer(path, "zones")
    assert len(gdf) == 3  # never dropped
    fixed = gdf.geometry.iloc[1]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(d * d / 2, rel=1e-9)  # two triangles of d²/4 each
    [repair] = report.repairs
    assert (repair.row, repair.feature_id, repair.code) == (2, "Z2", "invalid_geometry")
    assert "Self-intersection" in str(repair.message) and "make_valid" in str(repair.message)


def test_unrepairable_polygon_is_an_error() -> None:
    flat = shapely.Polygon([(X0, Y0), (X0 + 1e-3, Y0), (X0 + 2e-3, Y0), (X0, Y0)])  # collapsed to a line
    gdf = zones(geometry=[flat, shapely.box(X0, Y0, X0 + 1e-3, Y0 + 1e-3), shapely.box(X0, Y0, X0 + 2e-3, Y0 + 1e-3)])
    _, report = validate_layer(gdf, "zones", source="f.geojson")
    [error] = report.errors
    assert (error.row, error.code) == (1, "unrepairable_geometry")
    assert "Redraw this feature" in str(error.message)


def test_swapped_latitude_and_longitude(tmp_path: Path) -> None:
    swapped = [shapely.Point(Y0, X0 + 0.001 * i) for i in range(3)]  # (32.04, 118.78): lat, lon
    gdf = residents([1, 2, 3]).set_geometry(swapped)
    msg, report, _ = load_bad(tmp_path, gdf, "residents")
    assert "row 1 (id way/100): coordinates (32.040000, 118.780000) are outside longitude/latitude range: " \
           "latitude and longitude look swapped" in msg
    assert {p.code for p in report.errors} == {"swapped_axes"}


def test_metres_labelled_as_degrees(tmp_path: Path) -> None:
    gdf = zones().to_crs(4549).set_crs(4326, allow_override=True)
    msg, report, _ = load_bad(tmp_path, gdf, "zones")
    assert "look like metres, but the layer says it is in degrees" in msg
    assert {p.code for p in report.errors} == {"projected_as_geographic"}


def test_gauss_kruger_eastings_with_zone_number(tmp_path: Path) -> None:
    # Eastings in EPSG:4549 (CM 120E) carry no zone number; EPSG:4528 (zone 40) writes 40xxxxxx.
    gdf = zones().to_crs(4528).set_crs(4549, allow_override=True)
    msg, report, _ = load_bad(tmp_path, gdf, "zones")
    assert "fall outside where CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549) is used" in msg
    assert "that is EPSG:4528 (CGCS2000 3-degree GK zone 40), not EPSG:4549" in msg


def test_missing_required_column(tmp_path: Path) -> None:
    gdf = residents([1, 2, 3]).rename(columns={"households": "户数"})
    msg, report, _ = load_bad(tmp_path, gdf, "residents")
    assert "column 'households': required column 'households' is missing" in msg
    assert "--map households=<your column>" in msg
    # with the mapping the same file loads
    path = write_gpkg(gdf, tmp_path / "mapped.gpkg", "r")
    loaded, _ = load_layer(path, "residents", column_map={"households": "户数"})
    assert loaded["households"].tolist() == [1, 2, 3]


def test_bad_admin_code(tmp_path: Path) -> None:
    area = gpd.GeoDataFrame({"area_id": ["A1"], "name": ["华侨路社区"], "county_code": ["32012"],
                             "community_code": ["007"]}, geometry=[shapely.box(X0, Y0, X0 + 0.01, Y0 + 0.01)], crs=4326)
    msg, _, _ = load_bad(tmp_path, area, "study_area")
    assert "row 1 (id A1), column 'county_code': value '32012' is not a 6-digit code" in msg


def test_population_below_households_is_a_warning() -> None:
    _, report = validate_layer(residents([5, 2], [3, 6]), "residents", source="r.geojson")
    assert report.ok
    [warning] = report.warnings
    assert (warning.row, warning.column, warning.code) == (1, "population", "population_below_households")


def test_every_error_is_listed_not_just_the_first(tmp_path: Path) -> None:
    gdf = residents([-1, "x", 3, -2])
    msg, report, _ = load_bad(tmp_path, gdf, "residents")
    assert "3 problem(s) must be fixed" in msg
    assert [p.row for p in report.errors] == [2, 1, 4]


def test_guess_kind() -> None:
    assert guess_kind(["zone_id", "name"]) == "zones"
    assert guess_kind(["center_id", "name"]) == "centers"
    assert guess_kind(["households", "population"]) == "residents"
    assert guess_kind(["area_id", "name"]) == "study_area"
    assert guess_kind(["foo"]) is None


# ---------------------------------------------------------------------------------------------
# property: repair never loses a feature and always leaves valid polygons

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ring = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=3, max_size=9)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(ring, min_size=1, max_size=6))
def test_repair_keeps_every_feature_and_leaves_valid_polygons(rings) -> None:
    geoms = [shapely.Polygon([(X0 + x * 1e-4, Y0 + y * 1e-4) for x, y in r]) for r in rings]
    gdf = gpd.GeoDataFrame({"zone_id": [f"Z{i}" for i in range(len(geoms))], "name": ["网格"] * len(geoms)},
                           geometry=geoms, crs=4326)
    out, report = validate_layer(gdf, "zones", source="random")
    assert len(out) == len(gdf)  # never dropped
    unrepairable = {p.row for p in report.errors if p.code == "unrepairable_geometry"}
    repaired = {p.row for p in report.repairs if p.code == "invalid_geometry"}
    was_invalid = {i + 1 for i, g in enumerate(geoms) if not g.is_valid}
    assert repaired | unrepairable == was_invalid and not (repaired & unrepairable)
    for i, geom in enumerate(out.geometry):
        if i + 1 in unrepairable:
            continue
        assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon")
        if i + 1 not in was_invalid:
            assert geom.equals_exact(geoms[i], tolerance=0)  # valid input is left alone


def test_repair_of_a_nearly_collinear_ring_is_valid() -> None:
    """GEOS's make_valid returns a self-intersecting MultiPolygon for this ring (found by hypothesis);
    the repair must still hand on a valid polygon of the same area."""
    ring = [(0, 7), (10, 9), (0, 5), (5, 8), (20, 11)]
    geom = shapely.Polygon([(X0 + x * 1e-4, Y0 + y * 1e-4) for x, y in ring])
    assert not shapely.make_valid(geom, method="structure", keep_collapsed=False).is_valid
    gdf = gpd.GeoDataFrame({"zone_id": ["Z0"], "name": ["网格"]}, geometry=[geom], crs=4326)
    out, report = validate_layer(gdf, "zones", source="random")
    fixed = out.geometry.iloc[0]
    assert fixed.is_valid and fixed.geom_type in ("Polygon", "MultiPolygon")
    assert [p.code for p in report.repairs] == ["invalid_geometry"] and not report.errors
    # the same area as GEOS's other repair (linework), which is valid here: nothing lost or added
    reference = shapely.make_valid(geom, method="linework")
    assert reference.is_valid and fixed.area == pytest.approx(reference.area, rel=1e-9)


# --------------------------------------------------------------------------------------------
# study areas: admin codes, overlapping communities; ids with the list separator; lon/lat as metres


def communities(geoms, crs=4549, **columns) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {"area_id": [f"A{k + 1}" for k in range(n)], "name": [f"社区{k + 1}" for k in range(n)],
            "county_code": ["320102"] * n, "street_code": ["001"] * n,
            "community_code": [f"{k + 1:03d}" for k in range(n)]}
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


GK_X, GK_Y = 500_000.0, 3_545_000.0


def test_communities_sharing_an_admin_code_are_an_error() -> None:
    squares = [shapely.box(GK_X + 100 * k, GK_Y, GK_X + 100 * (k + 1), GK_Y + 100) for k in range(4)]
    # codes written as numbers (leading zeros lost) still compare as codes: 1 == "001"
    area = communities(squares, community_code=["001", "002", 1, "002"])
    _, report = validate_layer(area, "study_area", source="area.gpkg")
    dup = [p for p in report.errors if p.code == "duplicate_admin_code"]
    assert [(p.row, p.feature_id) for p in dup] == [(1, "A1"), (2, "A2")]
    assert "320102001001 is used by 2 communities (rows 1, 3; ids A1, A3)" in str(dup[0].message)
    assert "320102001002 is used by 2 communities (rows 2, 4; ids A2, A4)" in str(dup[1].message)


def test_a_large_overlap_between_communities_is_an_error_naming_both_and_the_area() -> None:
    # A1 = 100 × 100 m; A2 = 100 × 100 m shifted 30 m into A1: the overlap is 30 × 100 = 3000 m² (30 %)
    area = communities([shapely.box(GK_X, GK_Y, GK_X + 100, GK_Y + 100),
                        shapely.box(GK_X + 70, GK_Y, GK_X + 170, GK_Y + 100)])
    _, report = validate_layer(area, "study_area", source="area.gpkg")
    [err] = report.errors
    assert (err.code, err.row, err.feature_id) == ("overlapping_areas", 2, "A2")
    assert "overlaps community A1 (row 1) by 3,000 m² (30.0% of the smaller of the two)" in str(err.message)


def test_a_sliver_overlap_is_removed_from_the_later_community_and_listed() -> None:
    # A2 reaches 0.5 m into A1 along a 100 m edge: 50 m², 0.5 % of A1 (10,000 m²)
    area = communities([shapely.box(GK_X, GK_Y, GK_X + 100, GK_Y + 100),
                        shapely.box(GK_X + 99.5, GK_Y, GK_X + 200, GK_Y + 100)])
    fixed, report = validate_layer(area, "study_area", source="area.gpkg")
    assert report.ok
    [rep] = report.repairs
    assert (rep.code, rep.row, rep.feature_id) == ("overlapping_areas_repaired", 2, "A2")
    assert "by 50.00 m² (0.500% of the smaller" in str(rep.message)
    a1, a2 = fixed.geometry
    assert a1.equals(area.geometry.iloc[0])  # the first keeps the overlap
    assert a2.area == pytest.approx(100.0 * 100.0) and shapely.intersection(a1, a2).area == pytest.approx(0, abs=1e-9)


def test_overlap_areas_are_measured_in_metres_for_lonlat_layers() -> None:
    metric = communities([shapely.box(GK_X, GK_Y, GK_X + 100, GK_Y + 100),
                          shapely.box(GK_X + 70, GK_Y, GK_X + 170, GK_Y + 100)])
    _, report = validate_layer(metric.to_crs(4326), "study_area", source="area.geojson")
    [err] = report.errors
    assert "by 3,000 m²" in str(err.message)  # metric_crs of the layer is EPSG:4549, where the boxes were drawn


def test_more_than_999_communities_without_codes_are_refused() -> None:
    squares = [shapely.box(GK_X + 10 * k, GK_Y, GK_X + 10 * (k + 1), GK_Y + 10) for k in range(1000)]
    area = gpd.GeoDataFrame({"area_id": [f"C{k}" for k in range(1000)], "name": "社区"}, geometry=squares, crs=4549)
    _, report = validate_layer(area, "study_area")
    assert [p.code for p in report.errors] == ["too_many_uncoded"]
    assert "1000 communities have no county_code" in str(report.errors[0].message)
    _, report = validate_layer(area.iloc[:999], "study_area")
    assert report.ok


@pytest.mark.parametrize("kind, column", [("zones", "zone_id"), ("study_area", "area_id"), ("centers", "center_id")])
def test_ids_containing_the_list_separator_are_refused(kind, column) -> None:
    if kind == "centers":
        gdf = gpd.GeoDataFrame({"center_id": ["C1", "C;2"], "name": ["a", "b"]},
                               geometry=[shapely.Point(X0, Y0), shapely.Point(X0 + 0.01, Y0)], crs=4326)
    elif kind == "zones":
        gdf = zones(zone_id=["Z1", "Z;2", "Z3"])
    else:
        gdf = communities([shapely.box(GK_X, GK_Y, GK_X + 10, GK_Y + 10),
                           shapely.box(GK_X + 10, GK_Y, GK_X + 20, GK_Y + 10)], area_id=["A1", "A;2"])
    _, report = validate_layer(gdf, kind, source="x.gpkg")
    [err] = report.errors
    assert (err.code, err.row, err.column) == ("list_separator_in_id", 2, column)
    assert "contains ';'" in str(err.message)


def test_lonlat_coordinates_under_a_projected_crs_are_named_with_the_fix() -> None:
    """A GeoJSON whose legacy crs member says EPSG:3857 over lon/lat coordinates: read as metres it
    would lie within 200 m of (0°, 0°)."""
    gdf = zones().set_crs(3857, allow_override=True)
    _, report = validate_layer(gdf, "zones", source="z.geojson")
    [err] = report.errors
    assert err.code == "lonlat_in_projected_crs" and "(EPSG:3857)" in str(err.message)
    assert 'delete the old "crs" member' in str(err.message)
    # the same under a Gauss–Krüger zone (whose area of use would otherwise report every row)
    _, report = validate_layer(zones().set_crs(4549, allow_override=True), "zones")
    assert [p.code for p in report.errors] == ["lonlat_in_projected_crs"]
    # real metres near a projected CRS's origin are not lon/lat: a layer wider than 360 m there
    wide = zones(geometry=[shapely.box(0, 0, 400, 50), shapely.box(0, 50, 400, 100), shapely.box(0, 100, 400, 150)])
    _, report = validate_layer(wide.set_crs(3857, allow_override=True), "zones")
    assert "lonlat_in_projected_crs" not in [p.code for p in report.errors]
