"""Rights are checked in the workspace API, not only in a user interface (issue 14, docs/design.md §7.1).

Each test acts as a principal on the hand-made office of :mod:`ws_data` and checks what the API
refuses, what it strips and what it records — the same calls a forged request to the app would make.
"""

from __future__ import annotations

import pandas as pd
import pytest
from ws_data import A1, A2, ADMIN, B1, B2, PLANNER_A, PLANNER_B, VIEWER, Principal, Role, make_plan

from gridmap.plans.plan import Plan
from gridmap.workspace import NotFound, PermissionDenied


def test_viewer_cannot_edit_import_create_or_restore(workspace) -> None:
    viewer = workspace.as_user(VIEWER)
    plan = viewer.open_plan("office", "grids")  # reading is allowed
    plan.assign([1], A2)
    with pytest.raises(PermissionDenied, match="may not change plans"):
        viewer.save_plan("office", "grids", plan)
    with pytest.raises(PermissionDenied):
        viewer.check_edits("office", "grids", plan)
    with pytest.raises(PermissionDenied):
        viewer.create_plan("office", "copy", plan)
    with pytest.raises(PermissionDenied):
        viewer.restore("office", "grids", 1)
    with pytest.raises(PermissionDenied):
        viewer.import_inputs("office", {})
    assert [r.number for r in viewer.revisions("office", "grids")] == [1]  # nothing was stored
    assert viewer.outside_scope(plan) == frozenset({A1, A2, B1, B2})


def test_planner_edit_outside_scope_is_refused_naming_units_and_grids(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)  # scope 320102001: community A only
    plan = planner.open_plan("office", "grids")
    assert planner.outside_scope(plan) == frozenset({B1, B2})
    plan.assign([3], B2)  # u3 is in B
    with pytest.raises(PermissionDenied) as refused:
        planner.check_edits("office", "grids", plan)
    assert refused.value.code == "edit_outside_scope"
    assert refused.value.params["units"] == [3] and refused.value.params["grids"] == [B1, B2]
    with pytest.raises(PermissionDenied, match="outside your scope"):
        planner.save_plan("office", "grids", plan)
    assert workspace.as_user(ADMIN).plan_info("office", "grids").head == 1


def test_planner_may_not_pull_a_unit_of_its_scope_into_a_grid_outside(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    plan = planner.open_plan("office", "grids")
    plan.assign([2], B1)  # u2 is in A, B1 is not
    with pytest.raises(PermissionDenied) as refused:
        planner.save_plan("office", "grids", plan)
    assert refused.value.params["units"] == [] and refused.value.params["grids"] == [B1]


def test_planner_edit_inside_scope_is_saved(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    plan = planner.open_plan("office", "grids")
    plan.assign([2], A1)
    planner.check_edits("office", "grids", plan)
    result = planner.save_plan("office", "grids", plan, message="u2 to A1")
    assert result.revision.number == 2 and result.revision.author == "planner_a"
    assert not result.merged and plan.revision == 2


def test_projects_are_visible_only_when_granted(workspace) -> None:
    stranger = workspace.as_user(Principal("stranger", Role.PLANNER, scopes=("320102001",), projects=()))
    assert stranger.projects() == []
    with pytest.raises(NotFound, match="among the projects you may open"):
        stranger.open_plan("office", "grids")
    with pytest.raises(PermissionDenied):
        stranger.import_inputs("office", {})
    assert [p.name for p in workspace.as_user(VIEWER).projects()] == ["office"]


def test_viewer_gets_residents_without_personal_columns(workspace) -> None:
    residents = workspace.as_user(VIEWER).layer("office", "residents")
    for column in ("name", "phone", "address", "elderly_alone", "left_behind_children", "disabled"):
        assert column not in residents.columns
    assert residents["households"].tolist() == [10, 20, 30, 40, 50, 60, 70, 80]  # counts stay for maps
    assert "name" in workspace.as_user(VIEWER).layer("office", "centers").columns  # a centre is no person


def test_planner_sees_personal_cells_inside_the_scope_only(workspace) -> None:
    residents = workspace.as_user(PLANNER_A).layer("office", "residents").set_index("building_id")
    inside, outside = ["b1", "b2", "b5", "b6"], ["b3", "b4", "b7", "b8"]  # community A: columns 1–2
    assert residents.loc[inside, "phone"].tolist() == ["13900000001", "13900000002", "13900000005", "13900000006"]
    assert residents.loc[inside, "elderly_alone"].tolist() == [1, 2, 5, 6]
    assert residents.loc[outside, ["name", "phone", "address", "elderly_alone"]].isna().all().all()
    assert residents["households"].sum() == 360  # every row kept


def test_viewer_plan_units_carry_no_special_groups(workspace) -> None:
    admin, viewer = workspace.as_user(ADMIN), workspace.as_user(VIEWER)
    base = make_plan()
    plan = Plan(base.units.assign(elderly_alone=range(1, 9)), base.assignment(), min_households=1,
                max_households=1000)
    admin.create_plan("office", "with_groups", plan)
    assert "elderly_alone" in admin.open_plan("office", "with_groups").units.columns
    units = viewer.open_plan("office", "with_groups").units
    assert "elderly_alone" not in units.columns and units["households"].sum() == 360
    grids = viewer.grids_at("office", "with_groups").set_index("grid_code")
    assert grids.loc[A1, "elderly_alone"] == 1 + 5  # per grid: an aggregate


def test_admin_sees_everything(workspace) -> None:
    residents = workspace.as_user(ADMIN).layer("office", "residents")
    assert residents["phone"].notna().all() and residents["elderly_alone"].sum() == 36


def test_counts_per_area_for_a_viewer_hide_small_special_groups(workspace) -> None:
    viewer = workspace.as_user(VIEWER)
    grids = workspace.as_user(ADMIN).grids_at("office", "grids")
    counts = viewer.counts("office", grids, "grid_code").set_index("grid_code")
    # A1 = u1 + u5: households 10 + 50; two buildings < 3: special groups withheld
    assert counts.loc[A1, "households"] == 60 and counts.loc[A1, "n_features"] == 2
    assert pd.isna(counts.loc[A1, "elderly_alone"])
    area = workspace.as_user(ADMIN).layer("office", "study_area")
    by_community = viewer.counts("office", area, "area_id").set_index("area_id")
    assert by_community.loc["320102001001", "elderly_alone"] == 1 + 2 + 5 + 6  # four buildings: shown
    assert by_community.loc["320102002001", "households"] == 30 + 40 + 70 + 80


def test_export_of_a_personal_list_is_limited_to_the_scope_and_recorded(workspace, clock) -> None:
    admin = workspace.as_user(ADMIN)
    visits = admin.layer("office", "residents")[["building_id", "name", "phone", "elderly_alone", "geometry"]]
    rows = workspace.as_user(PLANNER_B).export_personal("office", "home_visits", visits, {"format": "xlsx"})
    assert sorted(rows["building_id"]) == ["b3", "b4", "b7", "b8"]  # B only
    record = admin.exports("office")[0]
    assert (record.user, record.project, record.what, record.n_rows) == ("planner_b", "office", "home_visits", 4)
    assert record.columns == ("building_id", "name", "phone", "elderly_alone") and record.details == {"format": "xlsx"}
    assert record.time.timestamp() == pytest.approx(clock.t)
    event = admin.log("office")[0]
    assert (event.action, event.user, event.details["n_rows"]) == ("export", "planner_b", 4)


def test_viewer_export_is_refused_and_not_recorded(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    table = admin.layer("office", "residents")
    with pytest.raises(PermissionDenied, match="viewers see counts"):
        workspace.as_user(VIEWER).export_personal("office", "residents", table)
    assert admin.exports() == []


def test_a_list_without_location_cannot_be_scoped(workspace) -> None:
    table = pd.DataFrame({"name": ["x"], "phone": ["1"]})
    with pytest.raises(Exception, match="no location"):
        workspace.as_user(PLANNER_A).personal_rows("office", table)


def test_only_admins_manage_accounts_and_read_exports(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    for call in (planner.users, planner.exports, lambda: planner.add_user("x", "viewer", "password-1"),
                 lambda: planner.disable_user("x"), lambda: planner.audit()):
        with pytest.raises(PermissionDenied, match="only an admin"):
            call()


def test_planner_may_not_change_the_band(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    plan = planner.open_plan("office", "grids")
    plan.min_households = 5
    with pytest.raises(PermissionDenied, match="household band"):
        planner.save_plan("office", "grids", plan)
