"""The default workspace: where it lives, and the demo imported into it once, so the app opens on it."""

from __future__ import annotations

from pathlib import Path

from gridmap.workspace import default_location, default_workspace, init_workspace
from gridmap.workspace.connect import ENV_WORKSPACE
from gridmap.workspace.demo import DEMO_PROJECT


def test_default_location(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_WORKSPACE, str(tmp_path / "mine"))
    assert default_location() == tmp_path / "mine"
    monkeypatch.delenv(ENV_WORKSPACE)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_location() == tmp_path / "data" / "gridmap" / "workspace"


def test_the_demo_is_imported_once(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_WORKSPACE, str(tmp_path / "default"))
    workspace = default_workspace()
    session = workspace.open_session()
    demo = session.project(DEMO_PROJECT)
    assert demo.inputs_version == 1 and demo.crs == "EPSG:4549"
    assert set(demo.layers) >= {"study_area", "zones_party", "zones_security", "zones_urban", "residents", "centers"}
    assert session.osm_path(DEMO_PROJECT).is_file()
    assert len(session.layer(DEMO_PROJECT, "residents")) == 893
    again = default_workspace()
    assert again.open_session().project(DEMO_PROJECT).inputs_version == 1  # not imported again
    imports = [e for e in again.backend.list_audit(project=DEMO_PROJECT) if e.action == "import"]
    assert len(imports) == 1


def test_a_workspace_with_projects_of_its_own_gets_no_demo(tmp_path: Path) -> None:
    from ws_data import make_inputs

    init_workspace(tmp_path / "office").as_system().import_inputs("office", make_inputs())
    workspace = default_workspace(tmp_path / "office")
    assert [p.name for p in workspace.as_system().projects()] == ["office"]
