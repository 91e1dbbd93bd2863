"""Issue 16, layers of people in a project: ``gridmap workspace import --staff/--helpers`` and
``gridmap pair --workspace``, on both backends (the ``workspace`` fixture).

The hand-made office (:mod:`ws_data`): resident u_i at the centre of unit i holds ``elderly_alone``
= i and ``disabled`` = 1, so the special-group people per grid are, by hand, A1 = {u1, u5}: 2 + 6 = 8,
A2: 3 + 7 = 10, B1: 4 + 8 = 12, B2: 5 + 9 = 14 (44 in all). Two helpers take 3 people each. The counts
the project keeps per grid must equal a recount of ``pairs.csv`` / ``unpaired.csv`` written by the
folder mode of ``gridmap pair`` on the same files, each person placed in its grid by hand.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
from ws_data import A1, A2, ADMIN, B1, B2, CRS, PLANNER_A, PLANNER_B, VIEWER, X0, Y0, B, make_inputs, make_plan

from gridmap.cli import main
from gridmap.plans.store import save_plan
from gridmap.workspace import PermissionDenied, Workspace
from gridmap.workspace.gpkg import GpkgBackend

#: The grid of each resident (0-based row of the residents layer = unit i − 1), from ws_data's layout.
GRID_OF_ROW = {0: A1, 4: A1, 1: A2, 5: A2, 2: B1, 6: B1, 3: B2, 7: B2}
PEOPLE_BY_HAND = {A1: 8, A2: 10, B1: 12, B2: 14}


def location(workspace: Workspace) -> str:
    """What the command line names the workspace by: its folder, or its database URL with the schema."""
    backend = workspace.backend
    if isinstance(backend, GpkgBackend):
        return str(backend.folder)
    from pg_support import test_url

    url = test_url()
    return f"{url}{'&' if '?' in url else '?'}schema={backend.schema}"  # type: ignore[attr-defined]


def street_osm(path: Path) -> Path:
    """Streets along both rows of unit centres and three cross streets (exact metric points of the office CRS)."""
    to_ll = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    nodes, ways = {}, []
    for r, y in enumerate((Y0 - 50, Y0 - 150)):
        ids = []
        for c, x in enumerate((X0, X0 + 50, X0 + 150, X0 + 200, X0 + 250, X0 + 350, X0 + 400)):
            nodes[100 * (r + 1) + c] = (x, y)
            ids.append(100 * (r + 1) + c)
        ways.append(ids)
    ways += [[100, 200], [103, 203], [106, 206]]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="gridmap-tests">']
    for nid, (x, y) in nodes.items():
        lon, lat = to_ll.transform(x, y)
        lines.append(f'  <node id="{nid}" version="1" lat="{lat:.12f}" lon="{lon:.12f}"/>')
    for k, refs in enumerate(ways):
        lines.append(f'  <way id="{k + 1}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines.append('    <tag k="highway" v="residential"/>')
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def people_files(tmp: Path) -> dict[str, Path]:
    to_ll = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform([X0 + 50, X0 + 350], [Y0 - 50, Y0 - 150])
    staff = pd.DataFrame({"staff_id": ["S1", "S2"], "name": ["网格员甲", "网格员乙"], "phone": ["025001", "025002"],
                          "lon": lon, "lat": lat})
    staff.to_csv(tmp / "staff.csv", index=False, encoding="utf-8-sig")
    helpers = gpd.GeoDataFrame({"helper_id": ["H1", "H2"], "name": ["帮扶人甲", "帮扶人乙"]},
                               geometry=gpd.points_from_xy(lon, lat), crs=4326)
    helpers.to_file(tmp / "helpers.geojson")
    helpers.assign(helper_id=["H1", "H1"]).to_file(tmp / "helpers_twice.geojson")
    make_inputs()["residents"].to_file(tmp / "residents.geojson")
    save_plan(make_plan(), tmp / "plan.gpkg")
    return {"staff": tmp / "staff.csv", "helpers": tmp / "helpers.geojson", "twice": tmp / "helpers_twice.geojson",
            "residents": tmp / "residents.geojson", "plan": tmp / "plan.gpkg", "osm": street_osm(tmp / "streets.osm")}


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def recount(table: pd.DataFrame) -> dict[str, int]:
    grids = table["resident_index"].map(GRID_OF_ROW)
    return {g: int((grids == g).sum()) for g in PEOPLE_BY_HAND}


@pytest.mark.slow
def test_people_layers_are_imported_checked_and_pair_keeps_counts_and_lists_apart(workspace, tmp_path,
                                                                                   capsys) -> None:
    files = people_files(tmp_path)
    admin = workspace.as_system("admin-cli")
    admin.import_inputs("office", make_inputs(), osm=files["osm"])  # the office with its streets
    loc = location(workspace)
    residents_before = admin.layer("office", "residents")
    cache = ["--cache-dir", str(tmp_path / "cache")]

    # pair before any helpers: a named error
    code, _, err = run(["pair", "--workspace", loc, "--project", "office", "--plan", "grids", *cache], capsys)
    assert code == 2 and "has no layer helpers" in err
    # people layers: refused when bad (the staff command's own check), named; nothing stored
    code, _, err = run(["workspace", "import", loc, "--project", "office", "--helpers", str(files["twice"])], capsys)
    assert code == 2 and "H1" in err and "helpers" not in admin.layer_keys("office")
    code, _, err = run(["workspace", "import", loc, "--project", "nowhere", "--staff", str(files["staff"])], capsys)
    assert code == 2 and "nowhere" in err
    code, _, err = run(["workspace", "import", loc, "--project", "office", "--staff", str(files["staff"]),
                        "--area", str(files["residents"])], capsys)
    assert code == 2 and "--staff PATH" in err
    # imported: added beside the inputs, which stay as they were
    code, out, err = run(["workspace", "import", loc, "--project", "office", "--staff", str(files["staff"]),
                          "--helpers", str(files["helpers"])], capsys)
    assert code == 0, err
    assert {"staff", "helpers", "residents", "study_area", "zones_party"} <= set(admin.layer_keys("office"))
    pd.testing.assert_frame_equal(pd.DataFrame(admin.layer("office", "residents")), pd.DataFrame(residents_before))
    assert admin.layer("office", "staff")["name"].tolist() == ["网格员甲", "网格员乙"]
    assert any(e.action == "import_people" for e in admin.log("office", limit=5))
    # the staff command reads the project's staff layer when no path is given
    code, out, err = run(["staff", "--workspace", loc, "--project", "office", "--plan", "grids"], capsys)
    assert code == 0, err
    assert admin.layer("office", "staffing_grids")["n_staff"].sum() >= 1

    # pair in the project, and the folder mode on the same inputs
    code, out, err = run(["pair", "--workspace", loc, "--project", "office", "--plan", "grids", *cache], capsys)
    assert code == 0, err
    assert "paired 6 of 44 people" in err and "helpers_full 38" in err
    folder = tmp_path / "folder"
    code, _, err = run(["pair", "--osm", str(files["osm"]), "--residents", str(files["residents"]), "--helpers",
                        str(files["helpers"]), "--plan", str(files["plan"]), "--out", str(folder), *cache], capsys)
    assert code == 0, err
    pairs = pd.read_csv(folder / "pairs.csv", encoding="utf-8-sig")
    unpaired = pd.read_csv(folder / "unpaired.csv", encoding="utf-8-sig")
    grids = admin.layer("office", "pairing_grids").set_index("grid_code")
    assert grids["n_unpaired"].to_dict() == recount(unpaired)
    assert grids["n_paired"].to_dict() == recount(pairs)
    assert (grids["n_paired"] + grids["n_unpaired"]).to_dict() == PEOPLE_BY_HAND
    assert grids["n_helpers_full"].sum() == 38 and (grids["revision"] == 1).all()
    listed = admin.layer("office", "pairing_people")
    assert len(listed) == len(pairs) == 6 and set(listed["helper_id"]) == {"H1", "H2"}
    assert any(e.action == "results" and e.details["analysis"] == "pairing" for e in admin.log("office", limit=5))

    # rights: the counts for everyone, the list of pairs only in scope, names of staff not for viewers
    viewer, planner = workspace.as_user(VIEWER), workspace.as_user(PLANNER_B)
    assert viewer.layer("office", "pairing_grids")["n_unpaired"].sum() == 38
    assert len(viewer.layer("office", "pairing_people")) == 0
    seen = planner.layer("office", "pairing_people")
    in_b = listed["grid_code"].astype(str).str.startswith(B)
    assert len(seen) == int(in_b.sum()) and seen["grid_code"].astype(str).str.startswith(B).all()
    assert "name" not in viewer.layer("office", "staff").columns
    with pytest.raises(PermissionDenied):
        viewer.import_people("office", {"staff": admin.layer("office", "staff")})


def test_micro_edits_are_saved_inside_the_scope_only_and_kept_in_the_history(workspace) -> None:
    from gridmap.plans.micro import build_micro_grids

    plan = make_plan()
    residents = make_inputs()["residents"]
    plan.micro_grids = build_micro_grids(plan.grids()[["grid_code", "geometry"]], residents, min_households=10,
                                         max_households=70).micro_grids
    workspace.as_user(ADMIN).create_plan("office", "micro", plan, message="with 微网格")
    planner = workspace.as_user(PLANNER_A)  # scope: community A (grids A1, A2)
    mine = planner.open_plan("office", "micro")
    in_scope, outside = mine.micro_of(A1)["micro_code"].iloc[0], mine.micro_of(B1)["micro_code"].iloc[0]
    mine.set_building_head(outside, "外楼长", "1")
    with pytest.raises(PermissionDenied, match=B1):
        planner.save_plan("office", "micro", mine)
    mine.undo()
    mine.set_building_head(in_scope, "张楼长", "025")
    saved = planner.save_plan("office", "micro", mine, message="楼栋长")
    assert saved.revision.number == 2
    again = workspace.as_user(ADMIN).open_plan("office", "micro")
    assert again.micro_of(A1).set_index("micro_code").loc[in_scope, "building_head"] == "张楼长"
    assert again.edit_log()["op"].tolist() == ["micro_head"]
    assert (workspace.as_user(VIEWER).open_plan("office", "micro").micro_grids["building_head"] == "").all()
    again.undo()  # the history reaches back into the save
    assert again.micro_of(A1).set_index("micro_code").loc[in_scope, "building_head"] == ""
