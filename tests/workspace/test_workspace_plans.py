"""Plans in a workspace: saves, the three-way merge of two planners' saves, refusal with a rescue
revision, restore, the audit trail's contents and the undo history across saves (issue 14).

Expected figures come from the hand-made office of :mod:`ws_data` (u_i has 10·i households).
"""

from __future__ import annotations

import pytest
import shapely
from ws_data import A1, A2, ADMIN, B1, B2, PLANNER_A, PLANNER_B, SIDE, VIEWER, X0, Y0, A

from gridmap.workspace import NotFound, RevisionKind, SaveConflict, WorkspaceError
from gridmap.workspace.changes import describe


def codes(plan) -> dict[int, str]:
    return dict(zip(plan.assignment()["unit_id"], plan.assignment()["grid_code"], strict=True))


def test_two_planners_on_different_communities_both_land(workspace) -> None:
    a, b = workspace.as_user(PLANNER_A), workspace.as_user(PLANNER_B)
    plan_a, plan_b = a.open_plan("office", "grids"), b.open_plan("office", "grids")
    plan_a.assign([2], A1)  # A2 loses u2 (20 households)
    plan_b.assign([7], B2)  # B1 loses u7 (70 households)
    first = a.save_plan("office", "grids", plan_a, message="a")
    second = b.save_plan("office", "grids", plan_b, message="b")
    assert (first.revision.number, first.merged) == (2, False)
    assert (second.revision.number, second.merged, second.revision.kind) == (3, True, RevisionKind.MERGE)
    assert second.revision.summary["merged_with"] == [2] and second.revision.base == 1
    head = workspace.as_user(VIEWER).open_plan("office", "grids")
    assert head.revision == 3
    assert codes(head) == {1: A1, 2: A1, 3: B1, 4: B2, 5: A1, 6: A2, 7: B2, 8: B2}  # both edits
    assert codes(second.plan) == codes(head) and second.plan.revision == 3
    # the merge revision describes what it added on top of revision 2: u7 from B1 to B2
    assert second.revision.summary["moved"] == [{"from": B1, "to": B2, "units": 1, "households": 70}]


def test_same_units_are_refused_and_kept_as_a_rescue_revision(workspace) -> None:
    admin, planner = workspace.as_user(ADMIN), workspace.as_user(PLANNER_A)
    theirs, mine = admin.open_plan("office", "grids"), planner.open_plan("office", "grids")
    theirs.assign([5], A2)
    mine.assign([5, 1], A2)
    admin.save_plan("office", "grids", theirs)
    with pytest.raises(SaveConflict) as refused:
        planner.save_plan("office", "grids", mine, message="mine")
    conflict = refused.value
    assert conflict.units == (5,) and conflict.head == 2
    rescue = conflict.rescue
    assert (rescue.number, rescue.kind, rescue.author, rescue.base) == (3, RevisionKind.RESCUE, "planner_a", 1)
    info = admin.plan_info("office", "grids")
    assert (info.head, info.last_revision) == (2, 3)  # the head did not move
    kept = admin.plan_at("office", "grids", 3)  # nothing lost: the planner's plan, whole
    assert codes(kept) == {**codes(mine)} and codes(kept)[1] == A2
    assert codes(admin.open_plan("office", "grids"))[1] == A1
    assert rescue.summary["conflict"]["units"] == ["5"] and "revision 3 (rescue)" in str(conflict)
    assert [e.action for e in admin.log("office", "grids")][:2] == ["rescue", "save"]
    assert any("refused" in line for line in describe(rescue.summary))


def test_a_grid_locked_on_one_side_and_changed_on_the_other_is_a_conflict(workspace) -> None:
    admin, planner = workspace.as_user(ADMIN), workspace.as_user(PLANNER_A)
    theirs, mine = admin.open_plan("office", "grids"), planner.open_plan("office", "grids")
    theirs.lock(A1)
    mine.assign([2], A1)  # u2 joins A1, which the other save locked
    admin.save_plan("office", "grids", theirs)
    with pytest.raises(SaveConflict) as refused:
        planner.save_plan("office", "grids", mine)
    assert refused.value.grids == (A1,) and refused.value.units == ()


def test_new_grids_made_on_both_sides_are_renumbered(workspace) -> None:
    a, b = workspace.as_user(ADMIN), workspace.as_user(PLANNER_A)
    plan_a, plan_b = a.open_plan("office", "grids"), b.open_plan("office", "grids")
    assert plan_a.create([1]).new_grids == (A + "003",)
    assert plan_b.create([6]).new_grids == (A + "003",)  # the same next free number
    a.save_plan("office", "grids", plan_a)
    result = b.save_plan("office", "grids", plan_b)
    assert result.merged and result.revision.summary["renumbered"] == {A + "003": A + "004"}
    merged = codes(result.plan)
    assert (merged[1], merged[6]) == (A + "003", A + "004")
    assert set(result.plan.registry) == {A1, A2, B1, B2, A + "003", A + "004"}


@pytest.mark.slow
def test_restore_makes_an_old_revision_the_head_and_keeps_the_rest(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([2, 6], A1)
    admin.save_plan("office", "grids", plan)
    rev = admin.restore("office", "grids", 1, message="back")
    assert (rev.number, rev.kind, rev.base) == (3, RevisionKind.RESTORE, 1)
    assert codes(admin.open_plan("office", "grids")) == codes(admin.plan_at("office", "grids", 1))
    assert [r.number for r in admin.revisions("office", "grids")] == [1, 2, 3]
    assert codes(admin.plan_at("office", "grids", 2))[2] == A1  # still there
    assert rev.summary["moved"] == [{"from": A1, "to": A2, "units": 2, "households": 80}]
    assert rev.summary["restored"] == 1
    with pytest.raises(NotFound):
        admin.restore("office", "grids", 99)


def test_planner_may_restore_only_inside_the_scope(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([3], B2)
    admin.save_plan("office", "grids", plan)
    with pytest.raises(Exception, match="outside your scope"):
        workspace.as_user(PLANNER_A).restore("office", "grids", 1)
    assert workspace.as_user(PLANNER_B).restore("office", "grids", 1).kind == RevisionKind.RESTORE


def test_audit_names_moves_creations_splits_merges_and_locks(workspace, clock) -> None:
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([2], A1)  # u2 (20 households) A2 → A1
    line = shapely.LineString([(X0 + 2 * SIDE - 5, Y0 - SIDE), (X0 + 4 * SIDE + 5, Y0 - SIDE)])
    plan.merge([B1, B2])  # B2 (u4, u8) merged into B1
    new = plan.split(B1, line).new_grids  # north row u3, u4 (70 hh) vs south row u7, u8 (150 hh): south keeps B1
    plan.lock(A1)
    clock.advance(60)
    result = admin.save_plan("office", "grids", plan, message="reorganise")
    summary = result.revision.summary
    assert new == (B2,)  # the freed number is taken again
    assert summary["merged"] == [{"into": B1, "from": [B2]}]
    assert summary["split"] == [{"grid": B1, "into": [B2]}]
    assert summary["locked"] == [A1] and summary["ops"] == {"assign": 1, "merge": 1, "split": 1, "lock": 1}
    moved = {(m["from"], m["to"]): (m["units"], m["households"]) for m in summary["moved"]}
    assert moved == {(A2, A1): (1, 20), (B1, B2): (1, 30), (B2, B1): (1, 80)}  # u3 → B2, u8 → B1
    assert summary["households"][A1] == [60, 80] and summary["households"][B1] == [100, 150]
    event = admin.log("office", "grids")[0]
    assert (event.action, event.user, event.revision) == ("save", "boss", 2)
    assert event.time.timestamp() == pytest.approx(clock.t)
    assert event.details["summary"] == summary and event.details["message"] == "reorganise"
    text = "\n".join(describe(summary))
    assert f"grids {B2} merged into {B1}" in text and f"grid {B1} split: new {B2}" in text
    assert f"grid(s) locked: {A1}" in text and f"1 unit(s), 20 households: {A2} → {A1}" in text


@pytest.mark.slow
def test_undo_reaches_back_into_earlier_saves(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([2], A1)
    admin.save_plan("office", "grids", plan)
    plan.assign([6], A1)
    admin.save_plan("office", "grids", plan)
    reopened = admin.open_plan("office", "grids")
    assert [s.op for s in reopened.history] == ["assign", "assign"]
    reopened.undo()
    reopened.undo()
    assert codes(reopened) == codes(admin.plan_at("office", "grids", 1))
    result = admin.save_plan("office", "grids", reopened)  # undoing is a change too
    assert result.revision.summary["moved"] == [{"from": A1, "to": A2, "units": 2, "households": 80}]
    assert admin.open_plan("office", "grids").history == []


def test_a_save_with_nothing_changed_stores_nothing(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    result = admin.save_plan("office", "grids", admin.open_plan("office", "grids"))
    assert result.unchanged and result.revision.number == 1
    assert len(admin.revisions("office", "grids")) == 1


def test_plans_are_named_and_kept_apart(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    with pytest.raises(WorkspaceError, match="has a plan named"):
        admin.create_plan("office", "grids", plan)
    copy = admin.plan_at("office", "grids", 1, history=False)
    rev = admin.create_plan("office", "方案二", copy, message="a copy")
    assert rev.number == 1 and [p.name for p in admin.plans("office")] == ["grids", "方案二"]
    stored = admin.grids_at("office", "方案二")
    assert sorted(stored["grid_code"]) == [A1, A2, B1, B2]
    assert stored.crs.to_epsg() == 4549 and stored.geometry.area.round(6).tolist() == [20_000.0] * 4
    with pytest.raises(WorkspaceError, match="not opened from"):
        other = admin.plan_at("office", "grids", 1)
        other.revision = 7
        admin.save_plan("office", "方案二", other)
    with pytest.raises(WorkspaceError, match="cannot be used"):
        admin.create_plan("office", "a/b", copy)


def test_planner_may_store_a_new_plan_and_viewer_may_read_history(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    plan = planner.plan_at("office", "grids", 1, history=False)
    assert planner.create_plan("office", "proposal", plan).author == "planner_a"
    viewer = workspace.as_user(VIEWER)
    assert [r.number for r in viewer.revisions("office", "proposal")] == [1]
    assert viewer.log("office", "proposal")[0].action == "create_plan"


@pytest.mark.slow
def test_parallel_saves_of_different_units_all_land(workspace) -> None:
    """Four sessions save at once, each moving a different unit: every save lands (merged), none is lost."""
    from concurrent.futures import ThreadPoolExecutor

    moves = {1: A2, 6: A1, 3: B2, 8: B1}  # unit → new grid; A moves by planner A, B moves by planner B
    sessions = {1: PLANNER_A, 6: PLANNER_A, 3: PLANNER_B, 8: PLANNER_B}
    plans = {}
    for unit, grid in moves.items():
        plans[unit] = workspace.as_user(sessions[unit]).open_plan("office", "grids")
        plans[unit].assign([unit], grid)

    def save(unit: int):
        return workspace.as_user(sessions[unit]).save_plan("office", "grids", plans[unit], message=f"u{unit}")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(save, moves))
    assert sorted(r.revision.number for r in results) == [2, 3, 4, 5]
    assert sum(r.merged for r in results) == 3  # the first lands on revision 1, the others merge
    head = workspace.as_user(ADMIN).open_plan("office", "grids")
    assert all(codes(head)[unit] == grid for unit, grid in moves.items())
