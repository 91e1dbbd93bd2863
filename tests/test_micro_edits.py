"""A plan edit keeps its 微网格 current (issue 16): the grids whose units moved get theirs made anew.

Hand-checked small plan: six 100 m units in a row, two buildings of 20 households in each unit,
grids A = units 1–2, B = units 3–4, C = units 5–6. Moving unit 3 from B to A must put its two
buildings (40 households) into 微网格 of A; every building lies in exactly one 微网格 polygon,
and each 微网格's households equal the recount of the buildings inside it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.errors import GridmapError
from gridmap.plans.micro import build_micro_grids, same_micro_grids
from gridmap.plans.plan import Plan

CRS = 4549
X0, Y0 = 500_000.0, 3_545_000.0
PREFIX = "320102001001"
A, B, C = PREFIX + "001", PREFIX + "002", PREFIX + "003"


def _plan() -> tuple[Plan, gpd.GeoDataFrame]:
    units = gpd.GeoDataFrame(
        {"unit_id": range(1, 7), "area_id": PREFIX, "households": 40},
        geometry=[shapely.box(X0 + k * 100, Y0, X0 + k * 100 + 100, Y0 + 100) for k in range(6)], crs=CRS)
    # two buildings per unit, at a quarter and three quarters of its width
    xy = [(X0 + k * 100 + dx, Y0 + 50) for k in range(6) for dx in (25, 75)]
    residents = gpd.GeoDataFrame({"households": [20] * 12}, geometry=shapely.points(np.array(xy)), crs=CRS)
    assignment = pd.DataFrame({"unit_id": range(1, 7), "grid_code": [A, A, B, B, C, C]})
    plan = Plan(units, assignment, min_households=1, max_households=500, micro_band=(10, 70))
    micro = build_micro_grids(plan.grids()[["grid_code", "geometry"]], residents,
                              min_households=10, max_households=70).micro_grids
    micro["building_head"] = [f"楼栋长{k}" for k in range(len(micro))]
    plan.micro_grids = micro
    return plan, residents


def _recount(micro: gpd.GeoDataFrame, residents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per building: how many 微网格 polygons hold it, and the code of the (first) one."""
    geoms = micro.geometry.to_numpy()
    inside = shapely.contains(geoms[:, None], residents.geometry.to_numpy()[None, :])  # micro × building
    first = inside.argmax(axis=0)
    return pd.DataFrame({"n_micro": inside.sum(axis=0), "micro_code": micro["micro_code"].to_numpy()[first],
                         "households": residents["households"].to_numpy()})


def test_moving_a_unit_remakes_the_micro_grids_of_exactly_the_two_grids_and_undo_restores_them() -> None:
    plan, residents = _plan()
    plan.attach_residents(residents)
    before = plan.micro_grids.copy()
    c_before = before[before["grid_code"] == C].reset_index(drop=True)
    assert plan.checks().set_index("check").loc["micro", "status"] == "pass"

    result = plan.assign([3], A)

    micro = plan.micro_grids
    assert set(result.changed) == {A, B}
    # A holds units 1–3 = 120 households, B unit 4 = 40, C untouched = 80
    sums = micro.groupby("grid_code")["households"].sum().to_dict()
    assert sums == {A: 120, B: 40, C: 80}
    recount = _recount(micro, residents)
    assert (recount["n_micro"] == 1).all()  # every building in exactly one 微网格
    # the moved unit's two buildings (x = +225, +275) now lie in 微网格 of A
    assert recount.loc[[4, 5], "micro_code"].str[:15].eq(A).all()
    by_micro = recount.groupby("micro_code")["households"].sum()
    assert by_micro.reindex(micro["micro_code"]).fillna(0).astype(int).tolist() == micro["households"].tolist()
    assert micro.loc[micro["grid_code"] != C, "households"].between(10, 70).all()
    # C kept its 微网格 and their 楼栋长; the remade ones start without one
    c_after = micro[micro["grid_code"] == C].reset_index(drop=True)
    assert same_micro_grids(c_after, c_before)
    assert c_after["building_head"].tolist() == c_before["building_head"].tolist()
    assert micro.loc[micro["grid_code"] != C, "building_head"].eq("").all()
    assert plan.checks().set_index("check").loc["micro", "status"] == "pass"

    after = plan.micro_grids
    plan.undo()
    assert same_micro_grids(plan.micro_grids, before)
    assert plan.micro_grids["building_head"].tolist() == before["building_head"].tolist()
    plan.redo()
    assert same_micro_grids(plan.micro_grids, after)


def test_a_lock_keeps_the_micro_grids_and_a_merge_drops_the_merged_grids_ones() -> None:
    plan, residents = _plan()
    plan.attach_residents(lambda: residents)  # read when first needed
    heads = plan.micro_grids["building_head"].tolist()
    plan.lock(C)
    assert plan.micro_grids["building_head"].tolist() == heads
    plan.unlock(C)
    plan.merge([A, B])
    assert set(plan.micro_grids["grid_code"]) == {A, C}
    assert plan.micro_grids.groupby("grid_code")["households"].sum().to_dict() == {A: 160, C: 80}
    assert (_recount(plan.micro_grids, residents)["n_micro"] == 1).all()


def test_without_residents_an_edit_drops_the_touched_micro_grids_and_the_check_names_them() -> None:
    plan, _ = _plan()
    plan.assign([3], A)
    assert set(plan.micro_grids["grid_code"]) == {C}
    check = plan.checks().set_index("check").loc["micro"]
    assert check["status"] == "fail" and set(check["grid_codes"].split(";")) == {A, B}
    plan.undo()
    assert plan.checks().set_index("check").loc["micro", "status"] == "pass"


# ------------------------------------------------------------------------------------------ 微网格 edits


def _two(plan: Plan, grid: str) -> tuple[str, str]:
    codes = plan.micro_of(grid)["micro_code"].tolist()
    assert len(codes) >= 2
    return codes[0], codes[1]


def test_setting_a_building_head_is_an_undoable_step_that_logs_no_name() -> None:
    plan, residents = _plan()
    plan.attach_residents(residents)
    first, _ = _two(plan, A)
    before = plan.micro_grids.copy()
    result = plan.set_building_head(first, "王楼长", "13900000000")
    row = plan.micro_grids.set_index("micro_code").loc[first]
    assert (row["building_head"], row["building_head_phone"]) == ("王楼长", "13900000000")
    assert result.changed == (A,) and plan.checks().set_index("check").loc["micro", "status"] == "pass"
    log = plan.edit_log()
    assert log["op"].tolist() == ["micro_head"] and "王楼长" not in log["params"].iloc[0]
    plan.undo()
    assert same_micro_grids(plan.micro_grids, before)
    assert plan.micro_grids["building_head"].tolist() == before["building_head"].tolist()
    plan.redo()
    assert plan.micro_grids.set_index("micro_code").loc[first, "building_head"] == "王楼长"


def test_moving_buildings_between_micro_grids_keeps_every_household_in_exactly_one() -> None:
    plan, residents = _plan()
    plan.attach_residents(residents)
    a, b = _two(plan, A)
    rows = plan.micro_of(A).set_index("micro_code")
    recount = _recount(plan.micro_grids, residents)
    n = recount["micro_code"].value_counts()
    big, small = (a, b) if n[a] >= n[b] else (b, a)
    # the big one's buildings, nearest to the small one first
    mine = recount.index[recount["micro_code"] == big]
    dist = residents.geometry.iloc[mine].distance(rows.geometry[small]).sort_values()
    near, far = dist.index[0], dist.index[-1]
    lasso = residents.geometry.iloc[far].buffer(5)
    with pytest.raises(GridmapError, match="fall apart"):
        plan.move_micro(small, polygon=lasso)
    before_hh = rows["households"].to_dict()
    plan.move_micro(small, polygon=residents.geometry.iloc[near].buffer(5))
    after = plan.micro_of(A).set_index("micro_code")
    assert after.loc[small, "households"] == before_hh[small] + 20
    assert after.loc[big, "households"] == before_hh[big] - 20
    recount = _recount(plan.micro_grids, residents)
    assert (recount["n_micro"] == 1).all() and recount.loc[near, "micro_code"] == small
    by_micro = recount.groupby("micro_code")["households"].sum()
    assert by_micro.reindex(plan.micro_grids["micro_code"]).fillna(0).astype(int).tolist() == \
        plan.micro_grids["households"].tolist()
    assert plan.checks().set_index("check").loc["micro", "status"] == "pass"
    # a whole 微网格 into its neighbour: one left, holding the grid's 80 households (out of the band)
    plan.move_micro(small, source_code=big)
    whole = plan.micro_of(A)
    assert whole["micro_code"].tolist() == [small] and whole["households"].tolist() == [80]
    assert not whole["in_band"].item() and plan.checks().set_index("check").loc["micro", "status"] == "pass"
    with pytest.raises(GridmapError, match="not a 微网格 of grid"):
        plan.move_micro(plan.micro_of(B)["micro_code"].iloc[0], source_code=small)
    plan.undo()
    plan.undo()
    assert plan.micro_of(A)["households"].to_dict() == {0: before_hh[min(a, b)], 1: before_hh[max(a, b)]}


def test_rebuild_and_micro_edits_survive_saving_and_reopening(tmp_path) -> None:
    from gridmap.plans.store import load_plan, plan_sources, save_plan

    plan, residents = _plan()
    plan.attach_residents(residents)
    a, b = _two(plan, A)
    plan.move_micro(a, source_code=b)
    plan.rebuild_micro(A)
    rebuilt = plan.micro_of(A)
    assert rebuilt["households"].sum() == 80 and rebuilt["households"].between(10, 70).all()
    plan.set_building_head(rebuilt["micro_code"].iloc[0], "李楼长", "025")
    save_plan(plan, tmp_path / "plan.gpkg", sources=plan_sources(residents=residents))
    again = load_plan(tmp_path / "plan.gpkg")
    assert again.edit_log()["op"].tolist() == ["micro_move", "micro_rebuild", "micro_head"]
    assert again.micro_of(A).set_index("micro_code")["building_head"].iloc[0] == "李楼长"
    again.undo()
    assert (again.micro_of(A)["building_head"] == "").all()
    again.undo()
    assert len(again.micro_of(A)) == 1  # the move undone last: one 微网格 of 80
    again.undo()
    assert sorted(again.micro_of(A)["micro_code"]) == sorted([a, b])
