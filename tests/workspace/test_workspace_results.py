"""Run results stored in a project (issue 17): ``gridmap run --workspace W --project P`` on both backends.

The same run writes its output folder and stores its results in the project; the city summary read
back from the project equals the one read from the folder (independent readers of two stores: GeoParquet
and GeoJSON files against GeoPackage layers or PostGIS rows). Rights: only an admin, or a planner whose
scope covers the whole project, may store; viewers read them without special-group counts. A rerun
replaces the results whole; a store killed with SIGKILL after writing every table leaves the previous
results whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS
from test_workspace_kill import kill_at_stage
from ws_data import POLICY, Clock

from gridmap.cli import main
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.scale.pipeline import CityInputs
from gridmap.scale.summary import city_summary, load_city_results, project_city_results, street_detail
from gridmap.scale.synthetic import synthetic_city
from gridmap.workspace import NotFound, PermissionDenied, Principal, Role, Workspace
from gridmap.workspace.backend import Backend

#: the whole module is slow: a quick run (-m "not slow") leaves it out
pytestmark = pytest.mark.slow

#: A small city of 4 街道 and 9 communities (the city tests' one).
CITY = {"n_buildings": 3000, "seed": 3, "street_communities": (1, 2)}
PROJECT = "city"
CONFIG = ("[synthetic]\nn_buildings = 3000\nseed = 3\nstreet_communities = [1, 2]\n"
          "[run]\nmin_households = 300\nmax_households = {hi}\n")


@pytest.fixture(scope="module")
def city_layers() -> dict[str, gpd.GeoDataFrame]:
    """The synthetic city's layers as a project imports them."""
    inputs = CityInputs.from_city(synthetic_city(**CITY))
    return {"study_area": inputs.study_area, **{f"zones_{k}": v for k, v in inputs.layers.items()},
            "residents": inputs.residents, "centers": inputs.centers}


@pytest.fixture
def city_ws(backend: Backend, city_layers) -> Workspace:
    """A workspace holding the project ``city`` with the synthetic city's layers (no results yet)."""
    ws = Workspace(backend, clock=Clock(), policy=POLICY)
    ws.as_system("setup").import_inputs(PROJECT, city_layers, title="测试市")
    return ws


def run_into(ws: Workspace, tmp_path: Path, hi: int = 400, out: bool = True) -> Path:
    """``gridmap run`` of the small city into the project (and into a folder when ``out``)."""
    config = tmp_path / f"run-{hi}.toml"
    config.write_text(CONFIG.replace("{hi}", str(hi)), encoding="utf-8")
    folder = tmp_path / f"out-{hi}"
    args = ["run", "--config", str(config), "--workspace", ws.location, "--project", PROJECT,
            "--scheduler", "single", "--quiet"]
    assert main(args + (["--out", str(folder)] if out else [])) == 0
    return folder


def test_stored_results_give_the_folders_city_summary(city_ws: Workspace, tmp_path: Path) -> None:
    folder = run_into(city_ws, tmp_path)
    session = city_ws.as_system("reader")
    stored = city_summary(project_city_results(session, PROJECT))
    files = city_summary(load_city_results(folder))
    for mine, theirs in ((stored.communities, files.communities), (stored.streets, files.streets)):
        a, b = mine.drop(columns="geometry"), theirs.drop(columns="geometry")
        assert list(a.columns) == list(b.columns) and len(a) == len(b)
        for col in a.columns:
            if pd.api.types.is_float_dtype(b[col]):  # shares (ratios of areas or households)
                np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-6)
            else:  # counts, codes and names: exact
                assert a[col].tolist() == b[col].tolist(), col
    assert set(stored.totals) == set(files.totals)
    for key, value in files.totals.items():
        assert stored.totals[key] == pytest.approx(value, rel=1e-6), key
    # the stored tables hold what the folder holds, row for row
    info, tables = session.results(PROJECT)
    assert len(tables["grids"]) == len(gpd.read_parquet(folder / "grids.parquet"))
    assert sorted(tables["grids"]["grid_code"]) == sorted(gpd.read_file(folder / "grids.geojson")["grid_code"])
    assert len(tables["residents"]) == len(pd.read_parquet(folder / "access_residents.parquet"))
    faces = pd.read_parquet(folder / "faces.parquet")
    inside = faces[faces["in_study_area"]]
    assert len(tables["faces"]) == len(inside)
    assert tables["faces"]["area_m2"].sum() == pytest.approx(inside["area_m2"].sum(), rel=1e-6)
    assert info.meta == json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert info.tables == {k: len(v) for k, v in tables.items()}
    # every geometry in the project's metric CRS
    project_crs = CRS.from_user_input(session.project(PROJECT).crs)
    assert project_crs.is_projected and CRS.from_user_input(info.crs).equals(project_crs)
    for name, table in tables.items():
        if isinstance(table, gpd.GeoDataFrame):
            assert table.crs.equals(project_crs), name
    # a 街道's detail from the project: its grids are the folder's grids of that 街道
    key = files.streets["street_key"].iloc[0]
    mine = street_detail(project_city_results(session, PROJECT), key)
    theirs = street_detail(load_city_results(folder), key)
    assert sorted(mine.grids["grid_code"]) == sorted(theirs.grids["grid_code"])
    # recorded in the audit trail
    event = session.log(PROJECT, limit=1)[0]
    assert event.action == "store_results" and event.details["tables"]["grids"] == len(tables["grids"])


def test_a_rerun_replaces_the_results_whole(city_ws: Workspace, tmp_path: Path, capsys) -> None:
    run_into(city_ws, tmp_path, hi=400, out=False)
    folder = run_into(city_ws, tmp_path, hi=600)  # a wider band: other grids
    session = city_ws.as_system("reader")
    info, tables = session.results(PROJECT)
    assert info.meta["params"]["max_households"] == 600
    assert sorted(tables["grids"]["grid_code"]) == sorted(gpd.read_parquet(folder / "grids.parquet")["grid_code"])
    assert [r.project for r in session.results_list()] == [PROJECT]
    capsys.readouterr()
    assert main(["workspace", "list", city_ws.location]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if "run results:" in line]
    assert len(listed) == 1 and f"grids {len(tables['grids']):,}" in listed[0]
    backend = city_ws.backend
    if hasattr(backend, "folder"):  # the GeoPackage folder keeps at most the current and the previous file
        assert len(list(backend.folder.glob("projects/*/results/results-*.gpkg"))) <= 2


def test_only_admins_and_planners_covering_the_project_store(city_ws: Workspace, tmp_path: Path) -> None:
    run_into(city_ws, tmp_path, out=False)
    admin = city_ws.as_system("setup")
    info, tables = admin.results(PROJECT)
    area = tables["study_area"]
    county = str(area["county_code"].iloc[0])
    street = str(area["street_code"].iloc[0])
    viewer = city_ws.as_user(Principal("wang", Role.VIEWER, projects=(PROJECT,)))
    with pytest.raises(PermissionDenied, match="may not store run results"):
        viewer.store_results(PROJECT, tables, info.meta)
    one_street = city_ws.as_user(Principal("li", Role.PLANNER, scopes=(street,), projects=(PROJECT,)))
    with pytest.raises(PermissionDenied, match="covers every community"):
        one_street.store_results(PROJECT, tables, info.meta)
    elsewhere = city_ws.as_user(Principal("zhao", Role.PLANNER, scopes=(county,), projects=("other",)))
    with pytest.raises(NotFound):
        elsewhere.store_results(PROJECT, tables, info.meta)
    refused = [e for e in admin.log(PROJECT) if e.action == "store_results"]
    assert len(refused) == 1  # nothing stored by the refused ones
    whole = city_ws.as_user(Principal("chen", Role.PLANNER, scopes=(county,), projects=(PROJECT,)))
    stored = whole.store_results(PROJECT, tables, info.meta)
    assert stored.written_by == "chen"
    assert [e.user for e in admin.log(PROJECT) if e.action == "store_results"].count("chen") == 1
    # viewers read the results (aggregates), without special-group counts
    assert [r.project for r in viewer.results_list()] == [PROJECT]
    assert viewer.results_list()[0].tables == stored.tables
    _, seen = viewer.results(PROJECT)
    assert not any(c in t.columns for t in seen.values() for c in SPECIAL_GROUPS)
    assert len(seen["grids"]) == len(tables["grids"])
    stranger = city_ws.as_user(Principal("qian", Role.VIEWER, projects=("other",)))
    assert stranger.results_list() == []
    with pytest.raises(NotFound):
        stranger.results(PROJECT)


STORER = """
import sys, time
from gridmap.workspace import open_workspace

location = sys.argv[1]
session = open_workspace(location).as_system("doomed")
info, tables = session.results("city")
tables["grids"] = tables["grids"].iloc[:5]

def progress(message):
    if message == "tables written":
        print("STAGE", flush=True)
        time.sleep(600)

session.store_results("city", tables, {**info.meta, "doomed": True}, progress=progress)
"""


def test_a_store_killed_half_way_leaves_the_previous_results_whole(city_ws: Workspace, tmp_path: Path) -> None:
    run_into(city_ws, tmp_path, out=False)
    session = city_ws.as_system("reader")
    before_info, before = session.results(PROJECT)
    summary_before = city_summary(project_city_results(session, PROJECT)).totals
    kill_at_stage(STORER, city_ws.location)
    after_info, after = session.results(PROJECT)
    assert "doomed" not in after_info.meta and after_info.tables == before_info.tables
    assert len(after["grids"]) == len(before["grids"])
    assert city_summary(project_city_results(session, PROJECT)).totals == summary_before
    assert not [e for e in session.log(PROJECT) if e.user == "system:doomed"]
    run_into(city_ws, tmp_path, hi=600, out=False)  # and the next store works
    assert session.results(PROJECT)[0].meta["params"]["max_households"] == 600


def test_a_config_without_inputs_runs_on_the_projects_layers(city_ws: Workspace, city_layers, tmp_path: Path) -> None:
    """``[run]`` alone: the inputs are the project's layers; the households per community stored are the
    residents inside it (a spatial join of the layers imported, not the run's faces)."""
    config = tmp_path / "project.toml"
    config.write_text("[run]\nmin_households = 300\nmax_households = 400\n", encoding="utf-8")
    assert main(["run", "--config", str(config), "--workspace", city_ws.location, "--project", PROJECT,
                 "--scheduler", "single", "--quiet"]) == 0
    session = city_ws.as_system("reader")
    info, tables = session.results(PROJECT)
    assert "residents" not in tables  # the project has no OSM file: no walking network, no access results
    summary = city_summary(project_city_results(session, PROJECT))
    area, residents = city_layers["study_area"], city_layers["residents"]
    joined = gpd.sjoin(residents.to_crs(area.crs), area[["area_id", "geometry"]], predicate="within")
    expected = joined.groupby("area_id")["households"].sum()
    got = summary.communities.set_index("area_id")["households"]
    assert got.reindex(expected.index).tolist() == expected.tolist()
    assert info.meta["counts"]["residents"] == len(residents)


def test_run_names_what_is_missing(tmp_path: Path, capsys) -> None:
    config = tmp_path / "run.toml"
    config.write_text(CONFIG.replace("{hi}", "400"), encoding="utf-8")
    folder = tmp_path / "ws"
    assert main(["workspace", "init", str(folder)]) == 0
    for args, words in ((["--config", str(config)], "--out DIR, or --workspace W --project P"),
                        (["--config", str(config), "--workspace", str(folder)], "go together"),
                        (["--config", str(config), "--workspace", str(folder), "--project", "nowhere"],
                         "no project named 'nowhere'")):
        capsys.readouterr()
        assert main(["run", *args, "--quiet"]) == 2
        assert words in capsys.readouterr().err
