"""Issue 16 in a workspace: ``unify --workspace … --exclusive osm --micro 10,70`` keeps the grid types in
the project's plan exactly as in a plan file, and ``staff --workspace`` reads that plan and keeps its
results in the project, read back with the rights of every layer of people.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.cli import main
from gridmap.plans.micro import normalize_micro_grids
from gridmap.plans.store import load_plan
from gridmap.workspace import Principal, Role, open_workspace


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> tuple[str, Path]:
    """The demo project with its plan ``unified`` built with 专属网格 and 微网格; the same plan as a file."""
    base = tmp_path_factory.mktemp("people")
    folder = str(base / "ws")
    assert main(["workspace", "init", folder]) == 0
    assert main(["workspace", "import", folder, "--project", "demo", "--demo", "--quiet"]) == 0
    assert main(["unify", "--workspace", folder, "--project", "demo", "--exclusive", "osm", "--micro", "10,70",
                 "--quiet"]) == 0
    assert main(["unify", "--demo", "--exclusive", "osm", "--micro", "10,70", "--quiet", "--out",
                 str(base / "file")]) == 0
    return folder, base / "file" / "plan.gpkg"


def people_files(plan, folder: Path) -> tuple[Path, Path, int]:
    """网格员 near the grids' points (every third grid has none nearby) and 党员 in every other 微网格."""
    grids = plan.grids().to_crs(4326)
    homes = shapely.point_on_surface(grids.geometry.to_numpy())[::3]
    rng = np.random.default_rng(7)
    n = len(homes)
    staff = pd.DataFrame({"staff_id": [f"S{k:03d}" for k in range(n)], "name": [f"网格员{k}" for k in range(n)],
                          "phone": [f"0258000{k:04d}" for k in range(n)], "staff_type": "专职",
                          "lon": shapely.get_x(homes) + rng.normal(0, 0.001, n),
                          "lat": shapely.get_y(homes) + rng.normal(0, 0.001, n)})
    staff.to_csv(folder / "staff.csv", index=False, encoding="utf-8-sig")
    micro = plan.micro_grids.to_crs(4326)
    mh = shapely.point_on_surface(micro.geometry.to_numpy())[::2]
    members = gpd.GeoDataFrame({"member_id": [f"M{k}" for k in range(len(mh))], "name": "党员"}, geometry=mh,
                               crs=4326)
    members.to_file(folder / "members.geojson")
    return folder / "staff.csv", folder / "members.geojson", len(mh)


@pytest.mark.slow
def test_unify_into_a_project_keeps_the_grid_types_as_a_plan_file_does(demo_ws) -> None:
    folder, plan_file = demo_ws
    stored = open_workspace(folder).as_system().open_plan("demo", "unified")
    reference = load_plan(plan_file)
    assert stored.exclusive == reference.exclusive and len(stored.exclusive) > 0
    assert stored.micro_band == reference.micro_band == (10, 70)
    got, expected = stored.micro_grids, normalize_micro_grids(reference.micro_grids)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(expected.drop(columns="geometry")))
    # the plan file stores polygons as one-part MultiPolygons; the workspace keeps them as made: same coordinates
    a, b = got.geometry.to_numpy(), expected.geometry.to_numpy()
    assert np.array_equal(shapely.get_coordinates(a), shapely.get_coordinates(b)) and shapely.equals(a, b).all()
    assert stored.checks().set_index("check").loc["micro", "status"] == "pass"


@pytest.mark.slow
def test_staff_reads_the_project_s_plan_and_keeps_its_results_with_the_rights_of_people(demo_ws, tmp_path,
                                                                                     capsys) -> None:
    folder, _ = demo_ws
    admin = open_workspace(folder).as_system()
    plan = admin.open_plan("demo", "unified")
    staff_csv, members_file, n_members = people_files(plan, tmp_path)
    code, out, err = run(["staff", "--workspace", folder, "--project", "demo", "--staff", str(staff_csv),
                          "--members", str(members_file)], capsys)
    assert code == 0, err
    assert f"of {len(plan.registry):,} grids have a 网格员" in out
    keys = set(admin.layer_keys("demo"))
    assert {"staffing_grids", "staffing_micro", "staff_assignments", "members_placed"} <= keys
    grids = admin.layer("demo", "staffing_grids")
    assert set(grids["grid_code"]) == set(plan.registry) and (grids["revision"] == plan.revision).all()
    staffed = grids[grids["staffed"].astype(bool)]
    assert np.allclose(staffed["households_per_staff"], (staffed["households"] / staffed["n_staff"]).round(1))
    assert not {"staff_names", "staff_ids"} & set(grids.columns)  # counts only in the layer everyone reads
    micro = admin.layer("demo", "staffing_micro")
    assert set(micro["micro_code"]) == set(plan.micro_grids["micro_code"])
    placed = admin.layer("demo", "members_placed")
    assert len(placed) == n_members and micro["n_members"].sum() == int((placed["micro_code"] != "").sum())
    assert (grids["n_micro_with_member"] <= grids["n_micro"]).all()
    # rights: a viewer gets the counts and the lists without names; a planner names only inside the scope
    ws = open_workspace(folder)
    viewer = ws.as_user(Principal("v", Role.VIEWER, projects=("demo",)))
    seen = viewer.layer("demo", "staff_assignments")
    assert "name" not in seen.columns and "phone" not in seen.columns and len(seen) == len(
        admin.layer("demo", "staff_assignments"))
    assert viewer.layer("demo", "staffing_grids")["n_staff"].sum() == grids["n_staff"].sum()
    community = sorted(plan.prefixes.values())[0]
    planner = ws.as_user(Principal("p", Role.PLANNER, scopes=(community,), projects=("demo",)))
    names = planner.layer("demo", "staff_assignments")
    inside = names["grid_code"].str.startswith(community)
    assert names.loc[inside, "name"].notna().all() and names.loc[~inside, "name"].isna().all()
    assert inside.any() and (~inside).any()
    audit = admin.log("demo", limit=5)
    assert any(e.action == "results" and e.details["analysis"] == "staffing" for e in audit)


@pytest.mark.slow
def test_staff_in_a_project_says_what_is_missing(demo_ws, tmp_path, capsys) -> None:
    folder, _ = demo_ws
    code, _, err = run(["staff", "--workspace", folder, "--project", "demo"], capsys)
    assert code == 2 and "has no layer 'staff'" in err
    code, _, err = run(["staff", "--workspace", folder, "--project", "demo", "--plan", "nope", "--staff",
                        str(tmp_path / "x.csv")], capsys)
    assert code == 2 and "has no plan 'nope'" in err
    code, _, err = run(["staff", "--staff", str(tmp_path / "x.csv"), "--out", str(tmp_path)], capsys)
    assert code == 2 and "give --plan PLAN.gpkg, or --workspace DIR --project NAME" in err


def test_results_join_the_project_and_only_editors_keep_them(workspace) -> None:
    from ws_data import ADMIN, PLANNER_A, VIEWER, make_inputs

    from gridmap.workspace import PermissionDenied, WorkspaceError

    area = make_inputs()["study_area"]
    counts = area[["area_id", "geometry"]].assign(n_staff=[1, 0])
    planner = workspace.as_user(PLANNER_A)
    before = planner.layer("office", "residents")
    record = planner.store_layers("office", "staffing", {"staffing_grids": counts}, plan="grids", revision=1)
    assert record.layers[-1] == "staffing_grids" and "residents" in record.layers
    pd.testing.assert_frame_equal(pd.DataFrame(planner.layer("office", "residents")), pd.DataFrame(before))
    again = planner.store_layers("office", "staffing", {"staffing_grids": counts.assign(n_staff=[2, 2])})
    assert again.layers.count("staffing_grids") == 1
    assert workspace.as_user(VIEWER).layer("office", "staffing_grids")["n_staff"].tolist() == [2, 2]
    with pytest.raises(PermissionDenied):
        workspace.as_user(VIEWER).store_layers("office", "staffing", {"staffing_grids": counts})
    with pytest.raises(WorkspaceError, match="would replace an input layer"):
        workspace.as_user(ADMIN).store_layers("office", "staffing", {"residents": counts})
