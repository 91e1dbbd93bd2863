"""Projects: inputs imported validated and replaced as a whole; reading them back; lists located by lon/lat."""

from __future__ import annotations

import pandas as pd
import pytest
from ws_data import ADMIN, PLANNER_A, PLANNER_B, make_inputs

from gridmap.io.validate import LayerError
from gridmap.workspace import NotFound, PermissionDenied, WorkspaceError


def test_import_validates_and_names_the_problem(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    inputs = make_inputs()
    inputs["residents"].loc[3, "households"] = -1
    with pytest.raises(LayerError, match="households"):
        admin.import_inputs("office", inputs)
    with pytest.raises(WorkspaceError, match="study area"):
        admin.import_inputs("office", {"zones_party": make_inputs()["zones_party"]})
    with pytest.raises(WorkspaceError, match="zone layer"):
        admin.import_inputs("office", {"study_area": make_inputs()["study_area"]})
    with pytest.raises(WorkspaceError, match="must be a word"):
        admin.import_inputs("office", {**make_inputs(), "zones party": make_inputs()["zones_party"]})
    assert admin.project("office").inputs_version == 1  # nothing changed


def test_a_new_import_replaces_the_inputs_as_a_whole(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    inputs = make_inputs()
    del inputs["centers"]
    inputs["residents"] = inputs["residents"].iloc[:4]
    project = admin.import_inputs("office", inputs)
    assert project.inputs_version == 2 and "centers" not in project.layers and project.title == "测试街道"
    assert len(admin.layer("office", "residents")) == 4
    with pytest.raises(NotFound, match="no input layer 'centers'"):
        admin.layer("office", "centers")
    assert admin.open_plan("office", "grids").revision == 1  # plans keep their own units
    assert [e.details["version"] for e in admin.log("office") if e.action == "import"] == [2, 1]


def test_planners_import_only_into_their_projects_and_never_create_one(workspace) -> None:
    planner = workspace.as_user(PLANNER_A)
    assert planner.import_inputs("office", make_inputs()).inputs_version == 2
    with pytest.raises(PermissionDenied, match="only an admin creates projects"):
        planner.import_inputs("elsewhere", make_inputs())
    with pytest.raises(PermissionDenied):
        planner.create_project("elsewhere")


def test_project_record(workspace) -> None:
    project = workspace.as_user(ADMIN).project("office")
    assert project.crs == "EPSG:4549" and project.codes == ("320102001001", "320102002001")
    assert project.layers == ("study_area", "zones_party", "residents", "centers") and project.osm is None
    assert project.created_by == "system:admin-cli"


def test_a_list_located_by_lon_lat_is_cut_to_the_scope(workspace) -> None:
    admin = workspace.as_user(ADMIN)
    residents = admin.layer("office", "residents").to_crs(4326)
    table = pd.DataFrame({"building_id": residents["building_id"], "lon": residents.geometry.x,
                          "lat": residents.geometry.y, "elderly_alone": residents["elderly_alone"]})
    rows = workspace.as_user(PLANNER_A).personal_rows("office", table)
    assert sorted(rows["building_id"]) == ["b1", "b2", "b5", "b6"]
    by_area = pd.DataFrame({"area_id": ["320102002001", "320102001001"], "name": ["x", "y"]})
    assert workspace.as_user(PLANNER_B).personal_rows("office", by_area)["name"].tolist() == ["x"]
    assert admin.exports() == []  # looking is not exporting
