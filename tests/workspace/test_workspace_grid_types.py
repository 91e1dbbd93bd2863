"""Grid types in the workspace (issue 16): revisions keep the 专属网格, their range, the 微网格 and their band
on both stores, and saves, merges and restores keep the 微网格 consistent with the grids.

The office of :mod:`ws_data`: one resident point per unit, u_i with 10·i households; the plan
``typed`` makes B2 (u4, u8) a 专属网格 ``B + 901`` and splits the other three grids into 微网格 of
10–70 households. Each micro grid holds whole buildings of its grid: checked against the
resident points, not against the code that made them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from ws_data import A1, A2, ADMIN, B1, PLANNER_A, PLANNER_B, VIEWER, B, make_inputs, make_units

from gridmap.plans.exclusive import BASE
from gridmap.plans.micro import build_micro_grids, normalize_micro_grids, resident_grid_codes, resident_points
from gridmap.plans.plan import Plan
from gridmap.workspace import RevisionKind
from gridmap.workspace.changes import describe

#: the whole module is slow: a quick run (-m "not slow") leaves it out
pytestmark = pytest.mark.slow

SCHOOL = B + "901"
NAME = "typed"


def typed_plan() -> Plan:
    """The office's grids with B2 as the 专属网格 ``SCHOOL`` and 微网格 of 10–70 households in the base grids."""
    units = make_units()
    assignment = pd.DataFrame({"unit_id": [1, 5, 2, 6, 3, 7, 4, 8],
                               "grid_code": [A1, A1, A2, A2, B1, B1, SCHOOL, SCHOOL]})
    plan = Plan(units, assignment, min_households=1, max_households=1000, name="typed",
                exclusive={SCHOOL: "school: 南京一中"}, exclusive_range=(901, 989), micro_band=(10, 70))
    grids = plan.grids()
    base = grids[grids["grid_type"] == BASE]
    residents = make_inputs()["residents"]
    owner = resident_grid_codes(resident_points(residents, units.crs), units,
                                plan.assignment()["grid_code"].to_numpy(dtype=object))
    micro = build_micro_grids(base, residents, owner, min_households=10, max_households=70).micro_grids
    micro.loc[0, "building_head"], micro.loc[0, "building_head_phone"] = "王楼长", "13900000000"
    plan.micro_grids = micro
    return plan


def assert_same_micro(got: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    """Every attribute equal (types too), every geometry equal coordinate for coordinate, same CRS."""
    expected = normalize_micro_grids(expected)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(expected.drop(columns="geometry")))
    assert shapely.equals_exact(got.geometry.to_numpy(), expected.geometry.to_numpy(), tolerance=0).all()
    assert got.crs == expected.crs


def whole_buildings_inside_their_grid(plan: Plan) -> None:
    """Each resident of a base grid lies in exactly one 微网格, of its own grid; each 微网格 lies in its grid."""
    residents = make_inputs()["residents"]
    points = resident_points(residents, plan.crs)
    grid_of = resident_grid_codes(points, plan.units, np.array([c or "" for c in plan.codes], dtype=object))
    micro = plan.micro_grids
    for point, grid in zip(points, grid_of, strict=True):
        if grid in plan.exclusive:
            assert not shapely.intersects(micro.geometry.to_numpy(), point).any()
            continue
        holding = micro[shapely.intersects(micro.geometry.to_numpy(), point)]
        assert len(holding) >= 1 and set(holding["grid_code"]) == {grid}  # on a shared edge: two of one grid
    for row in micro.itertuples():
        grid = plan.grids([row.grid_code]).geometry.iloc[0]
        if grid.is_empty:  # a grid left without units: one 微网格 of no households, no polygon
            assert row.households == 0 and row.geometry is None
            continue
        assert shapely.covers(grid.buffer(1e-6), row.geometry)
        assert row.micro_code[:15] == row.grid_code and len(row.micro_code) == 17


def test_a_plan_with_micro_and_exclusive_grids_reads_back_exactly(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    plan = typed_plan()
    admin.create_plan("office", NAME, plan, message="unify --exclusive --micro 10,70")
    back = admin.open_plan("office", NAME)
    assert back.exclusive == {SCHOOL: "school: 南京一中"}
    assert back.exclusive_range == (901, 989) and back.micro_band == (10, 70)
    assert_same_micro(back.micro_grids, plan.micro_grids)
    assert back.micro_grids.loc[0, "building_head"] == "王楼长"
    assert back.checks().set_index("check").loc["micro", "status"] == "pass"
    assert back.grid_type(SCHOOL) == "专属网格" and back.grid_type(A1) == "基础网格"
    # a save that changes nothing of the grids stores nothing; a lock is a new revision carrying both
    assert admin.save_plan("office", NAME, back).unchanged
    back.lock(A1)
    saved = admin.save_plan("office", NAME, back, message="lock")
    assert saved.revision.number == 2 and "micro_rebuilt" not in saved.revision.summary
    again = admin.open_plan("office", NAME)
    assert_same_micro(again.micro_grids, plan.micro_grids)
    assert again.exclusive == {SCHOOL: "school: 南京一中"}


def test_plans_without_grid_types_read_back_as_before(workspace) -> None:
    plan = workspace.as_user(ADMIN).open_plan("office", "grids")  # stored without 专属网格 or 微网格
    assert plan.micro_grids is None and plan.exclusive == {} and plan.exclusive_range == (901, 999)


def test_viewers_get_the_micro_grids_without_building_heads(workspace) -> None:
    workspace.as_user(ADMIN).create_plan("office", NAME, typed_plan())
    seen = workspace.as_user(VIEWER).open_plan("office", NAME)
    assert len(seen.micro_grids) == len(typed_plan().micro_grids)
    assert set(seen.micro_grids["building_head"]) == {""} and set(seen.micro_grids["building_head_phone"]) == {""}


def test_moving_units_between_grids_rebuilds_the_micro_grids_of_those_grids_only(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    admin.create_plan("office", NAME, typed_plan())
    plan = admin.open_plan("office", NAME)
    before = plan.micro_grids
    plan.assign([2], A1)  # u2 (20 households) from A2 to A1: A1 = 10 + 50 + 20, A2 = 60
    saved = admin.save_plan("office", NAME, plan, message="u2 to A1")
    assert saved.revision.summary["micro_rebuilt"] == [A1, A2]
    assert any("微网格 made anew" in line and A1 in line for line in describe(saved.revision.summary))
    back = admin.open_plan("office", NAME)
    assert back.checks().set_index("check").loc["micro", "status"] == "pass"
    whole_buildings_inside_their_grid(back)
    a_hh = back.micro_grids.groupby("grid_code")["households"].sum()
    assert a_hh[A1] == 80 and a_hh[A2] == 60  # by hand: u1 + u5 + u2, u6
    untouched = before[before["grid_code"] == B1]
    assert_same_micro(back.micro_grids[back.micro_grids["grid_code"] == B1].reset_index(drop=True), untouched)


def test_a_merge_takes_each_side_s_micro_grids_and_a_restore_brings_back_the_old_ones(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    admin.create_plan("office", NAME, typed_plan())
    first = admin.open_plan("office", NAME)
    a, b = workspace.as_user(PLANNER_A), workspace.as_user(PLANNER_B)
    plan_a, plan_b = a.open_plan("office", NAME), b.open_plan("office", NAME)
    plan_a.assign([2], A1)
    plan_b.lock(B1)
    a.save_plan("office", NAME, plan_a)
    result = b.save_plan("office", NAME, plan_b)  # on revision 1, merged with A's save
    assert result.merged and result.revision.kind == RevisionKind.MERGE
    head = admin.open_plan("office", NAME)
    assert head.checks().set_index("check").loc["micro", "status"] == "pass"
    whole_buildings_inside_their_grid(head)
    assert_same_micro(head.micro_grids, plan_a.micro_grids)  # B's save changed no grid's units
    assert head.exclusive == {SCHOOL: "school: 南京一中"} and head.locked == {B1}
    restored = admin.restore("office", NAME, 1)
    assert restored.kind == RevisionKind.RESTORE
    assert_same_micro(admin.open_plan("office", NAME).micro_grids, first.micro_grids)


def test_moving_units_between_grids_of_two_planners_rebuilds_the_grids_both_touched(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    admin.create_plan("office", NAME, typed_plan())
    one, two = admin.open_plan("office", NAME), admin.open_plan("office", NAME)
    one.assign([2], A1)  # A1 gains u2
    two.assign([6], A1)  # A1 gains u6 (another unit): A2 is left empty of units
    admin.save_plan("office", NAME, one)
    merged = admin.save_plan("office", NAME, two)
    assert merged.merged and A1 in merged.revision.summary["micro_rebuilt"]
    head = admin.open_plan("office", NAME)
    assert head.checks().set_index("check").loc["micro", "status"] == "pass"
    assert head.micro_grids.groupby("grid_code")["households"].sum()[A1] == 10 + 50 + 20 + 60
    whole_buildings_inside_their_grid(head)


def test_without_residents_the_micro_grids_of_changed_grids_are_dropped_and_named(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    inputs = {k: v for k, v in make_inputs().items() if k != "residents"}
    admin.import_inputs("bare", inputs, title="无住户")
    admin.create_plan("bare", NAME, typed_plan())
    plan = admin.open_plan("bare", NAME)
    plan.assign([2], A1)
    saved = admin.save_plan("bare", NAME, plan)
    assert saved.revision.summary["micro_dropped"] == [A1, A2]
    assert saved.revision.status == "work in progress"
    checks = admin.open_plan("bare", NAME).checks().set_index("check")
    assert checks.loc["micro", "status"] == "fail" and set(checks.loc["micro", "grid_codes"].split(";")) == {A1, A2}
