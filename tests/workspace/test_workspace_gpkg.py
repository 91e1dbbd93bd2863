"""The GeoPackage-folder backend in particular: what the folder holds, what GDAL and QGIS see, what it refuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from ws_data import ADMIN, POLICY

from gridmap.workspace import Workspace, WorkspaceFormatError, init_workspace, open_workspace
from gridmap.workspace.gpkg import MARKER, GpkgBackend


@pytest.fixture
def backend_kind() -> str:
    """These tests are about the GeoPackage folder alone (test_workspace_postgis.py has the PostGIS ones)."""
    return "gpkg"


def test_init_refuses_a_folder_holding_other_things(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(WorkspaceFormatError, match="not empty"):
        init_workspace(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(WorkspaceFormatError, match="is a file"):
        init_workspace(tmp_path / "afile")
    with pytest.raises(WorkspaceFormatError, match="gridmap workspace init"):
        open_workspace(tmp_path / "nothing-here")


def test_init_twice_is_harmless_and_a_newer_layout_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    init_workspace(folder)
    assert init_workspace(folder).describe()["schema_version"] == 1
    assert (folder / MARKER).is_file()
    with sqlite3.connect(folder / "workspace.gpkg") as con:
        con.execute("UPDATE ws_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(WorkspaceFormatError, match="newer gridmap"):
        open_workspace(folder)


def test_gdal_sees_the_tables_and_the_grids_of_every_revision(workspace) -> None:
    backend = workspace.backend
    assert isinstance(backend, GpkgBackend)
    names = set(pyogrio.list_layers(backend.db)[:, 0])
    assert {"accounts", "projects", "plans", "revisions", "audit", "exports"} <= names
    audit = pyogrio.read_dataframe(backend.db, layer="audit", read_geometry=False)
    assert set(audit["action"]) >= {"create_project", "import", "create_plan"}
    plan_file = next((backend.folder / "projects").glob("*/plans/*.gpkg"))
    assert {"units", "grids", "assignments", "edit_steps", "revision_data"} <= set(pyogrio.list_layers(plan_file)[:, 0])
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([2], plan.assignment()["grid_code"][0])
    admin.save_plan("office", "grids", plan)
    grids = gpd.read_file(plan_file, layer="grids")
    assert grids.crs.to_epsg() == 4549 and grids["data_key"].nunique() == 2 and len(grids) == 8
    assert grids.geometry.geom_type.eq("MultiPolygon").all() and grids.geometry.is_valid.all()


def test_no_password_is_written_anywhere(workspace) -> None:
    secret = "Gulou-Secret-2026"
    admin = workspace.as_user(ADMIN)
    admin.add_user("li", "viewer", secret, projects=["office"])
    workspace.login("li", secret)
    admin.set_password("li", secret + "-2")
    for path in Path(workspace.location).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode() not in data and secret.encode("utf-16-le") not in data, path


def test_project_and_plan_names_may_be_chinese(tmp_path: Path) -> None:
    from ws_data import make_inputs, make_plan

    session = Workspace(init_workspace(tmp_path / "ws").backend, policy=POLICY).as_system()
    session.import_inputs("新街口街道", make_inputs())
    session.create_plan("新街口街道", "二〇二六年方案", make_plan())
    assert [p.name for p in session.plans("新街口街道")] == ["二〇二六年方案"]
    assert any("新街口街道" in p.name for p in (tmp_path / "ws" / "projects").iterdir())
