"""Grid types: exclusive grids (专属网格) carved out of the base grids, micro grids (微网格) inside them.

Hand-computed small cases, and hypothesis for the partition invariants: micro grids partition
their base grid; exclusive and base grids partition the study area without cutting a building.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap.errors import ParameterError
from gridmap.plans.exclusive import (
    BASE,
    EXCLUSIVE,
    build_typed_grids,
    exclusive_areas_for_units,
    exclusive_zone_layer,
    parse_sequence_range,
    prepare_exclusive_areas,
    snap_to_buildings,
)
from gridmap.plans.micro import build_micro_grids, check_micro_grids, parse_micro_band
from gridmap.plans.plan import Plan
from gridmap.plans.store import load_plan, save_plan
from gridmap.plans.units import make_units

CRS = 4549
X0, Y0 = 500_000.0, 3_545_000.0
PREFIX = "320102001001"


def lattice(nx: int, ny: int, hh: int, exclusive: dict[int, str] | None = None, area_id: str = PREFIX,
            x_off: float = 0.0, first_id: int = 1) -> gpd.GeoDataFrame:
    """Nx × ny units of 100 m (row-major from the north-west); ``exclusive`` maps unit positions to area ids."""
    rows, geoms = [], []
    for k in range(nx * ny):
        r, c = divmod(k, nx)
        x, y = X0 + x_off + c * 100.0, Y0 + (ny - 1 - r) * 100.0
        geoms.append(shapely.box(x, y, x + 100, y + 100))
        rows.append({"unit_id": first_id + k, "area_id": area_id, "households": hh,
                     "exclusive_ids": (exclusive or {}).get(k, ""), "exclusive_count": int(k in (exclusive or {}))})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS)


# ------------------------------------------------------------------------------------------ parsing


def test_ranges_and_bands_are_parsed_and_bad_ones_named() -> None:
    assert parse_sequence_range("901-999") == (901, 999)
    assert parse_sequence_range((801, 850)) == (801, 850)
    assert parse_micro_band("10,70") == (10, 70)
    for bad in ("901", "999-901", "0-5", "1-5", "901-1000"):
        with pytest.raises(ParameterError):
            parse_sequence_range(bad)
    for bad in ("10", "70,10", "a,b", "0,5"):
        with pytest.raises(ParameterError):
            parse_micro_band(bad)


# ------------------------------------------------------------------------------------------ exclusive


def test_buildings_straddling_the_border_go_whole_to_the_side_holding_most_of_them() -> None:
    area = gpd.GeoDataFrame({"exclusive_id": ["1"], "name": ["一中"], "kind": ["school"]},
                            geometry=[shapely.box(0, 0, 100, 100)], crs=CRS)
    mostly_in = shapely.box(85, 10, 105, 20)  # 75 % inside: joins
    mostly_out = shapely.box(95, 30, 115, 40)  # 25 % inside: leaves
    inside = shapely.box(10, 10, 20, 20)
    buildings = gpd.GeoDataFrame({"households": [1, 1, 1]}, geometry=[mostly_in, mostly_out, inside], crs=CRS)
    snapped = snap_to_buildings(area, buildings).geometry.iloc[0]
    assert shapely.area(shapely.difference(mostly_in, snapped)) == pytest.approx(0, abs=1e-9)
    assert shapely.area(shapely.intersection(mostly_out, snapped)) == pytest.approx(0, abs=1e-9)
    # 10,000 m² + 5×10 joined − 5×10 left
    assert snapped.area == pytest.approx(10_000 + 50 - 50)


def test_overlapping_areas_leave_the_overlap_to_the_smaller_and_tiny_ones_are_dropped() -> None:
    study = gpd.GeoDataFrame({"area_id": [PREFIX]}, geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)], crs=CRS)
    park = shapely.box(X0, Y0, X0 + 500, Y0 + 500)
    school = shapely.box(X0 + 400, Y0 + 400, X0 + 600, Y0 + 600)  # overlaps the park by 100 × 100
    kiosk = shapely.box(X0 + 900, Y0 + 900, X0 + 910, Y0 + 910)  # 100 m²
    outside = shapely.box(X0 + 950, Y0 + 100, X0 + 1100, Y0 + 200)  # half outside the study area
    raw = gpd.GeoDataFrame({"name": ["park", "school", "kiosk", "half"]}, geometry=[park, school, kiosk, outside],
                           crs=CRS)
    out = prepare_exclusive_areas(raw, study, CRS, min_area_m2=1000)
    by_name = dict(zip(out["name"], out["area_m2"], strict=True))
    assert set(by_name) == {"park", "school", "half"}
    assert by_name["school"] == pytest.approx(40_000)
    assert by_name["park"] == pytest.approx(250_000 - 10_000)
    assert by_name["half"] == pytest.approx(50 * 100)
    assert out["exclusive_id"].tolist() == ["1", "2", "4"]


def test_exclusive_grids_take_their_units_and_their_own_numbers() -> None:
    # 4 × 4 units of 50 households; the north-west 2 × 2 block is a school, the south-east unit a park
    units = lattice(4, 4, 50, exclusive={0: "1", 1: "1", 4: "1", 5: "1", 15: "2"})
    areas = pd.DataFrame({"exclusive_id": ["1", "2"], "kind": ["school", "park"], "name": ["一中", ""]})
    typed = build_typed_grids(units, 100, 300, areas=areas)
    codes = typed.build.assignment.set_index("unit_id")["grid_code"]
    assert set(codes[[1, 2, 5, 6]]) == {PREFIX + "901"}  # north-west first in reading order
    assert codes[16] == PREFIX + "902"
    base = codes.drop([1, 2, 5, 6, 16])
    assert all(int(c[12:]) < 901 for c in base)
    assert typed.exclusive == {PREFIX + "901": "school: 一中", PREFIX + "902": "park"}
    grids = typed.build.grids.set_index("grid_code")
    assert grids.loc[PREFIX + "901", "grid_type"] == EXCLUSIVE and grids.loc[PREFIX + "901", "households"] == 200
    assert (grids.loc[grids.index.isin(base), "grid_type"] == BASE).all()
    # a partition: every unit once, the grid polygons tile the lattice
    assert codes.notna().all() and len(codes) == 16
    assert grids.geometry.area.sum() == pytest.approx(16 * 100 * 100)
    assert shapely.union_all(grids.geometry.to_numpy()).area == pytest.approx(16 * 100 * 100)
    # base grids of 100–300 households from 11 units of 50: all in the band
    assert grids.loc[grids["grid_type"] == BASE, "households"].between(100, 300).all()


def test_an_exclusive_area_across_two_communities_is_one_grid_on_each_side_numbered_in_the_range() -> None:
    west = lattice(2, 2, 100, exclusive={1: "7", 3: "7"}, area_id="320102001001")
    east = lattice(2, 2, 100, exclusive={0: "7", 2: "7"}, area_id="320102001002", x_off=200, first_id=5)
    units = pd.concat([west, east], ignore_index=True)
    typed = build_typed_grids(units, 100, 300, exclusive_range="801-899")
    codes = typed.build.assignment.set_index("unit_id")["grid_code"]
    assert codes[2] == codes[4] == "320102001001801"
    assert codes[5] == codes[7] == "320102001002801"


def test_the_plan_exempts_exclusive_grids_from_the_band_creates_base_codes_below_the_range_and_stores_types(
        tmp_path) -> None:
    units = lattice(4, 2, 50, exclusive={0: "1"})
    typed = build_typed_grids(units, 100, 200)
    plan = Plan.from_build(units, typed.build, min_households=100, max_households=200, exclusive=typed.exclusive)
    checks = plan.checks().set_index("check")
    assert checks.loc["households_band", "status"] == "pass"  # the school holds 50 households: exempt
    table = plan.grid_table().set_index("grid_code")
    assert table.loc[PREFIX + "901", "grid_type"] == EXCLUSIVE
    new = plan.create([8]).new_grids[0]
    assert int(new[12:]) < 901
    save_plan(plan, tmp_path / "p.gpkg")
    again = load_plan(tmp_path / "p.gpkg")
    assert again.exclusive == plan.exclusive and again.exclusive_range == (901, 999)
    assert again.grid_table().set_index("grid_code").loc[PREFIX + "901", "grid_type"] == EXCLUSIVE


# ------------------------------------------------------------------------------------------ micro


def _grid(box, code=PREFIX + "001") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"grid_code": [code]}, geometry=[box], crs=CRS)


def _points(xy, hh) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"households": hh}, geometry=shapely.points(np.asarray(xy, dtype=float)), crs=CRS)


def test_three_buildings_in_a_row_make_two_micro_grids_of_whole_neighbours() -> None:
    grid = shapely.box(0, 0, 300, 100)
    built = build_micro_grids(_grid(grid), _points([(50, 50), (150, 50), (250, 50)], [30, 30, 30]),
                              min_households=10, max_households=70)
    micro = built.micro_grids
    assert micro["micro_code"].tolist() == [PREFIX + "00101", PREFIX + "00102"]
    # 90 households, at most 70 each: two micro grids, the middle building with one neighbour;
    # the Voronoi cells are the thirds of the grid, so a micro grid is 100 or 200 m wide
    widths = sorted(round(g.bounds[2] - g.bounds[0]) for g in micro.geometry)
    assert widths == [100, 200]
    assert sorted(micro["households"]) == [30, 60]
    assert micro.geometry.area.sum() == pytest.approx(30_000)
    assert built.membership["micro_code"].str.len().eq(17).all()


def test_a_building_above_the_maximum_is_a_micro_grid_of_its_own_and_a_grid_without_residents_one_empty() -> None:
    grids = pd.concat([_grid(shapely.box(0, 0, 100, 100)), _grid(shapely.box(100, 0, 200, 100), PREFIX + "002")])
    built = build_micro_grids(grids.reset_index(drop=True), _points([(20, 50), (80, 50)], [100, 20]),
                              min_households=10, max_households=70)
    micro = built.micro_grids.set_index("micro_code")
    assert len(micro) == 3
    assert micro.loc[PREFIX + "00201", "households"] == 0
    assert micro.loc[PREFIX + "00201"].geometry.equals(shapely.box(100, 0, 200, 100))
    status = built.status.set_index("grid_code")
    assert "a building alone above the maximum" in status.loc[PREFIX + "001", "reason"]


def test_the_micro_check_fails_for_a_grid_whose_households_changed() -> None:
    micro = pd.DataFrame({"micro_code": [PREFIX + "00101", PREFIX + "00102"], "grid_code": [PREFIX + "001"] * 2,
                          "households": [30, 40]})
    ok = check_micro_grids(micro, pd.Series([70], index=[PREFIX + "001"]))
    assert ok["status"].item() == "pass"
    bad = check_micro_grids(micro, pd.Series([71, 5], index=[PREFIX + "001", PREFIX + "002"]))
    assert bad["status"].item() == "fail" and bad["grid_codes"].item() == f"{PREFIX}001;{PREFIX}002"


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(points=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10), st.integers(0, 40)), min_size=1,
                       max_size=60),
       notch=st.booleans())
def test_micro_grids_partition_their_base_grid_and_hold_every_household_once(points, notch) -> None:
    # two grids side by side; the west one is L-shaped when ``notch`` (a concave grid)
    west = shapely.box(0, 0, 200, 100)
    if notch:
        west = shapely.difference(west, shapely.box(100, 50, 200, 100))
    east = shapely.box(200, 0, 420, 100)
    grids = gpd.GeoDataFrame({"grid_code": [PREFIX + "001", PREFIX + "002"]}, geometry=[west, east], crs=CRS)
    xy = np.array([(x * 20 + 5, y * 9 + 5) for x, y, _ in points], dtype=float)  # duplicates on purpose
    hh = np.array([h for _, _, h in points])
    residents = _points(xy, hh)
    built = build_micro_grids(grids, residents, min_households=10, max_households=70)
    micro = built.micro_grids
    for code, grid in zip(grids["grid_code"], grids.geometry, strict=True):
        mine = micro[micro["grid_code"] == code]
        assert mine["micro_code"].str.startswith(code).all() and mine["micro_code"].str.len().eq(17).all()
        assert mine.geometry.area.sum() == pytest.approx(grid.area, rel=1e-9)  # no overlap …
        assert shapely.union_all(mine.geometry.to_numpy()).symmetric_difference(grid).area < 1e-6  # … no gap
    assert micro["micro_code"].is_unique
    member = built.membership
    inside = member["grid_code"] != ""
    assert member.loc[inside, "micro_code"].ne("").all()
    # every resident in its micro grid's polygon, every household counted once
    geom = micro.set_index("micro_code").geometry
    held = shapely.intersects(geom.loc[member.loc[inside, "micro_code"]].to_numpy(),
                              residents.geometry.to_numpy()[inside.to_numpy()])
    assert held.all()
    assert micro["households"].sum() == hh[inside.to_numpy()].sum()
    grid_hh = member[inside].groupby("grid_code")["households"].sum().reindex(grids["grid_code"]).fillna(0)
    assert check_micro_grids(micro, grid_hh)["status"].item() == "pass"


# ------------------------------------------------------------------------------------------ whole pipeline


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ex=st.tuples(st.integers(0, 700), st.integers(0, 700), st.integers(150, 300), st.integers(150, 300)),
       seed=st.integers(0, 10_000))
def test_exclusive_and_base_grids_partition_the_area_without_cutting_a_building(ex, seed) -> None:
    rng = np.random.default_rng(seed)
    study = gpd.GeoDataFrame({"area_id": [PREFIX]}, geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)], crs=CRS)
    halves = [shapely.box(X0, Y0, X0 + 500, Y0 + 1000), shapely.box(X0 + 500, Y0, X0 + 1000, Y0 + 1000)]
    zones = {"party": gpd.GeoDataFrame({"zone_id": ["A", "B"]}, geometry=halves, crs=CRS)}
    # one building per 50 m cell, 10–30 m wide, never overlapping
    cx, cy = np.meshgrid(np.arange(20), np.arange(20))
    x = X0 + cx.ravel() * 50 + rng.uniform(2, 15, 400)
    y = Y0 + cy.ravel() * 50 + rng.uniform(2, 15, 400)
    w = rng.uniform(10, 30, 400)
    buildings = gpd.GeoDataFrame({"households": rng.integers(1, 12, 400)}, geometry=shapely.box(x, y, x + w, y + w),
                                 crs=CRS)
    raw = gpd.GeoDataFrame({"name": ["school"]}, geometry=[shapely.box(X0 + ex[0], Y0 + ex[1], X0 + ex[0] + ex[2],
                                                                       Y0 + ex[1] + ex[3])], crs=CRS)
    areas = exclusive_areas_for_units(raw, study, buildings, CRS, min_area_m2=0)
    units = make_units({**zones, "exclusive": exclusive_zone_layer(areas)}, study, buildings, crs=CRS)
    typed = build_typed_grids(units, 300, 500, areas=areas, restarts=2, polish=0)
    grids = typed.build.grids
    assert grids.geometry.area.sum() == pytest.approx(1e6, rel=1e-9)
    assert shapely.union_all(grids.geometry.to_numpy()).area == pytest.approx(1e6, rel=1e-9)
    assert grids["households"].sum() == buildings["households"].sum()
    school = grids.loc[grids["grid_type"] == EXCLUSIVE].geometry
    assert len(school) == 1
    share = shapely.area(shapely.intersection(buildings.geometry.to_numpy(), school.iloc[0])) / buildings.area
    # no building cut by the exclusive grid's border: the units' mosaic is snap-rounded to a 1 mm grid, so a
    # border along a building's outline may run up to half a millimetre off it, never across the building
    from gridmap.analysis.mosaic import DEFAULT_GRID_SIZE

    tol = (buildings.length * DEFAULT_GRID_SIZE / buildings.area).to_numpy()
    assert ((share < tol) | (share > 1 - tol)).all()


def test_an_exclusive_area_in_two_parts_is_two_grids_each_in_one_piece() -> None:
    units = lattice(3, 1, 200, exclusive={0: "5", 2: "5"})  # the middle unit (a street block) is not the park's
    typed = build_typed_grids(units, 100, 300)
    codes = typed.build.assignment["grid_code"].tolist()
    assert codes == [PREFIX + "901", PREFIX + "001", PREFIX + "902"]


# ------------------------------------------------------------------------------------------ command


@pytest.mark.parametrize(("extra", "message"), [
    (["--micro", "70,10"], "--micro 70,10: MIN must not exceed MAX"),
    (["--micro", "ten"], "--micro 'ten': give the smallest and largest households"),
    (["--exclusive-range", "901"], "exclusive range '901': give two sequence numbers as FIRST-LAST"),
    (["--exclusive", "nowhere.geojson"], "nowhere.geojson"),
])
def test_unify_says_what_is_wrong_with_the_grid_type_options(tmp_path, capsys, extra, message) -> None:
    from gridmap.cli import main

    assert main(["unify", "--demo", "--quiet", "--out", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.slow
def test_unify_writes_grid_types_and_micro_grids_on_the_demo(tmp_path) -> None:
    from gridmap.cli import main

    assert main(["unify", "--demo", "--quiet", "--exclusive", "osm", "--micro", "10,70", "--out", str(tmp_path)]) == 0
    grids = gpd.read_file(tmp_path / "grids.geojson")
    micro = gpd.read_file(tmp_path / "micro_grids.geojson")
    assert set(grids["grid_type"]) == {BASE, EXCLUSIVE}
    exclusive = grids[grids["grid_type"] == EXCLUSIVE]
    assert exclusive["grid_code"].str[12:].astype(int).between(901, 999).all()
    assert grids.loc[grids["grid_type"] == BASE, "grid_code"].str[12:].astype(int).lt(901).all()
    # micro grids: 17 digits, inside base grids only, every base grid's households held exactly
    assert micro["micro_code"].str.len().eq(17).all() and set(micro["grid_type"]) == {"微网格"}
    base = grids[grids["grid_type"] == BASE].set_index("grid_code")
    assert set(micro["micro_code"].str[:15]) == set(base.index)
    sums = micro.groupby(micro["micro_code"].str[:15])["households"].sum()
    assert (sums.reindex(base.index) == base["households"]).all()
    # the partition, exactly, in the plan file's metric CRS (GeoJSON rounds coordinates to ~1 cm)
    plan = load_plan(tmp_path / "plan.gpkg")
    plan_grids = plan.grids().set_index("grid_code")
    for code, parts in plan.micro_grids.groupby("grid_code"):
        assert parts.geometry.area.sum() == pytest.approx(plan_grids.loc[code].geometry.area, rel=1e-9)
    checks = pd.read_csv(tmp_path / "checks.csv").set_index("check")
    assert checks.loc["micro", "status"] == "pass" and checks.loc["contiguity", "status"] == "pass"
    membership = pd.read_csv(tmp_path / "micro_membership.csv", dtype={"micro_code": str, "grid_code": str})
    assert list(membership.columns) == ["resident_index", "grid_code", "micro_code", "households"]
    assert len(plan.micro_grids) == len(micro)
    assert set(plan.exclusive) == set(exclusive["grid_code"])


# ------------------------------------------------------------------------------------------ 台账


def test_the_report_gains_the_people_sheets_only_when_their_tables_are_given(tmp_path) -> None:
    from gridmap.present.report import build_report
    from gridmap.present.report.excel import write_workbook

    units = lattice(4, 2, 50)
    plan = Plan.from_build(units, build_typed_grids(units, 100, 200).build, min_households=100, max_households=200)
    codes = sorted(plan.registry)
    n = len(codes)  # 400 households in grids of 100–200: 2 to 4 grids
    staff = pd.DataFrame({"grid_code": codes, "grid_type": BASE, "households": 100, "n_staff": [1] + [0] * (n - 1),
                          "staff_ids": ["s1"] + [""] * (n - 1), "staffed": [True] + [False] * (n - 1),
                          "reason": [""] + ["no_staff_within_reach"] * (n - 1)})
    pairs = pd.DataFrame({"resident_index": [0, 3], "group": ["elderly_alone", "disabled"], "helper_id": ["h1", "h1"],
                          "network_m": [120.5, 80.0]})
    plain = build_report(plan)
    write_workbook(plain, tmp_path / "plain.xlsx")
    assert "网格员配置" not in pd.ExcelFile(tmp_path / "plain.xlsx").sheet_names
    rep = build_report(plan, people={"staff": staff, "pairs": pairs})
    assert rep.figures["staffed_share"] == pytest.approx(1 / n) and rep.figures["pairs_n"] == 2
    write_workbook(rep, tmp_path / "r.xlsx")
    book = pd.ExcelFile(tmp_path / "r.xlsx")
    assert book.sheet_names[-2:] == ["网格员配置", "结对帮扶"] and "党员报到" not in book.sheet_names
    sheet = book.parse("网格员配置", dtype=str)
    assert list(sheet.columns[:2]) == ["网格编码", "网格类型"] and set(sheet["已配备网格员"]) == {"是", "否"}
    assert "附近无网格员" in set(sheet["原因"])
    summary = book.parse("概况")
    assert "配备网格员的网格占比" in set(summary.iloc[:, 0])
    with pytest.raises(ValueError, match="people tables must be among"):
        build_report(plan, people={"volunteers": staff})
