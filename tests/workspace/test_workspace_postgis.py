"""The PostGIS workspace in particular: what only a database has (issue 15).

The QGIS views, geometry and indexes, migrations, connections, the compare-and-swap under
threads, the command line with a ``postgresql://`` URL.

The store's behaviour (rights, merges, rescue, audit, killed saves, parallel saves) is tested for
both backends by the parametrized suite; here is what only a database has. Expected figures come
from the hand-made office of :mod:`ws_data` (u_i has 10·i households, 100 m squares in EPSG:4549).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pg_support
import psycopg
import pyogrio
import pytest
import shapely
from psycopg import sql
from ws_data import A1, A2, ADMIN, B1, B2, CRS, SIDE, X0, Y0, make_inputs, make_plan, make_units

from gridmap.cli import main
from gridmap.io.files import write_gpkg
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.plans.plan import Plan
from gridmap.workspace import NewRevision, RevisionKind, StaleHead, WorkspaceError, WorkspaceFormatError, open_workspace
from gridmap.workspace.connect import ENV_WORKSPACE, default_location, default_workspace
from gridmap.workspace.demo import DEMO_PROJECT
from gridmap.workspace.gpkg import GpkgBackend
from gridmap.workspace.model import Project, utc_now
from gridmap.workspace.pgschema import LATEST
from gridmap.workspace.postgis import PostgisBackend, split_url

VIEW_COLUMNS = ["project", "plan", "revision", "grid_code", "households", "population", *SPECIAL_GROUPS, "geometry"]


@pytest.fixture
def backend_kind() -> str:
    """These tests are about the PostGIS backend alone."""
    return "postgis"


def _connect(backend: PostgisBackend) -> psycopg.Connection:
    return psycopg.connect(backend.conninfo, autocommit=True)


def _read_view(backend: PostgisBackend, view: str, order: str) -> gpd.GeoDataFrame:
    with _connect(backend) as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pandas only supports SQLAlchemy.*")
        query = sql.SQL("SELECT * FROM {}.{} ORDER BY {}").format(sql.Identifier(backend.schema),
                                                                  sql.Identifier(view), sql.SQL(order))
        return gpd.read_postgis(query.as_string(conn), conn, geom_col="geometry")


def _moved_u2_u6(workspace) -> None:
    """Revision 2: units 2 and 6 (households 20 + 60) move from A2 to A1; A2 is left empty."""
    admin = workspace.as_user(ADMIN)
    plan = admin.open_plan("office", "grids")
    plan.assign([2, 6], A1)
    assert admin.save_plan("office", "grids", plan, message="u2 u6 to A1").revision.number == 2


def test_views_hold_the_head_revision_in_wgs84(workspace) -> None:
    _moved_u2_u6(workspace)
    grids = _read_view(workspace.backend, "grids_current", "grid_code")
    assert list(grids.columns) == VIEW_COLUMNS
    assert grids.crs.to_epsg() == 4326
    assert grids["grid_code"].tolist() == [A1, A2, B1, B2]
    assert set(grids["project"]) == {"office"} and set(grids["plan"]) == {"grids"} and set(grids["revision"]) == {2}
    # households by hand: A1 = u1 + u2 + u5 + u6 = 10 + 20 + 50 + 60; A2 empty; B1 = u3 + u7; B2 = u4 + u8
    assert grids["households"].tolist() == [140, 0, 100, 120]
    assert grids["population"].tolist() == [420, 0, 300, 360]
    assert grids[list(SPECIAL_GROUPS)].isna().all().all()  # these units count no special groups
    # A1 is the western 200 m x 200 m square, back in the metric CRS to within a millimetre
    a1 = gpd.GeoSeries([grids.geometry.iloc[0]], crs=4326).to_crs(CRS).iloc[0]
    expected = shapely.box(X0, Y0 - 2 * SIDE, X0 + 2 * SIDE, Y0)
    assert a1.symmetric_difference(expected).area < 1e-3 and abs(a1.area - 40_000) < 1e-2
    assert grids.geometry.iloc[1] is None  # an empty grid has no geometry
    units = _read_view(workspace.backend, "units_current", "unit_id")
    assert units["unit_id"].tolist() == list(range(1, 9))
    assert units["grid_code"].tolist() == [A1, A1, B1, B2, A1, A1, B1, B2]
    assert units["households"].tolist() == [10 * i for i in range(1, 9)]
    assert set(units["revision"]) == {2} and units.crs.to_epsg() == 4326
    assert units.geometry.geom_type.eq("MultiPolygon").all()


def test_views_carry_the_special_groups_of_every_plan(workspace) -> None:
    units = make_units()
    units["elderly_alone"] = list(range(1, 9))  # u_i has i
    plan = Plan(units, make_plan().assignment(), min_households=1, max_households=1000)
    workspace.as_user(ADMIN).create_plan("office", "groups", plan)
    grids = _read_view(workspace.backend, "grids_current", "plan, grid_code")
    groups = grids[grids["plan"] == "groups"]
    assert groups["elderly_alone"].tolist() == [1 + 5, 2 + 6, 3 + 7, 4 + 8]
    assert grids[grids["plan"] == "grids"]["elderly_alone"].isna().all() and set(grids["revision"]) == {1}
    units_view = _read_view(workspace.backend, "units_current", "plan, unit_id")
    assert units_view[units_view["plan"] == "groups"]["elderly_alone"].tolist() == list(range(1, 9))


@pytest.mark.slow
def test_views_follow_a_restore_and_ignore_a_rescue(workspace) -> None:
    _moved_u2_u6(workspace)
    admin = workspace.as_user(ADMIN)
    admin.restore("office", "grids", 1)
    grids = _read_view(workspace.backend, "grids_current", "grid_code")
    assert set(grids["revision"]) == {3} and grids["households"].tolist() == [60, 80, 100, 120]


def test_ogr_opens_the_views_as_qgis_would(workspace, tmp_path: Path) -> None:
    """GDAL's PostgreSQL driver (what QGIS uses): pyogrio when its GDAL has it, else Debian's ogr2ogr."""
    _moved_u2_u6(workspace)
    backend = workspace.backend
    dsn = psycopg.conninfo.make_conninfo(backend.conninfo)
    pg = f"PG:{dsn}"
    layer = f"{backend.schema}.grids_current"
    if "PostgreSQL" in pyogrio.list_drivers():
        frame = pyogrio.read_dataframe(pg, layer=layer)
    elif shutil.which("ogr2ogr"):
        out = tmp_path / "grids.gpkg"
        done = subprocess.run(["ogr2ogr", "-f", "GPKG", str(out), pg, layer, "-nln", "grids"], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        frame = gpd.read_file(out, layer="grids")
    else:
        pytest.skip("no GDAL with a PostgreSQL driver: pyogrio's wheel has none; install Debian's gdal-bin")
    frame = frame.sort_values("grid_code").reset_index(drop=True)
    assert frame["grid_code"].tolist() == [A1, A2, B1, B2]
    assert frame["households"].tolist() == [140, 0, 100, 120]
    assert frame.crs.to_epsg() == 4326
    assert {"project", "plan", "revision"} <= set(frame.columns)


def test_geometry_in_the_metric_crs_with_gist_indexes(workspace) -> None:
    backend = workspace.backend
    s = sql.Identifier(backend.schema)
    with _connect(backend) as conn:
        for table in ("input_features", "units", "grids"):
            srids = conn.execute(sql.SQL("SELECT DISTINCT ST_SRID(geom) FROM {}.{} WHERE geom IS NOT NULL").format(
                s, sql.Identifier(table))).fetchall()
            assert srids == [(4549,)], table
        gist = {r[0] for r in conn.execute("SELECT tablename FROM pg_indexes WHERE schemaname = %s AND indexdef "
                                           "LIKE '%%USING gist%%'", (backend.schema,))}
        assert {"input_features", "units", "grids"} <= gist
        head = conn.execute(sql.SQL("SELECT head FROM {}.plans WHERE project = 'office' AND name = 'grids'").format(s)
                            ).fetchone()
    assert head == (1,)


def test_a_layer_in_degrees_is_stored_in_the_metric_crs_and_read_back_exactly(backend) -> None:
    area = make_inputs()["study_area"]
    degrees = area.to_crs(4326)
    backend.insert_project(Project(name="p", created=utc_now()))
    backend.replace_inputs(Project(name="p", crs=CRS), {"study_area": degrees}, None)
    back = backend.read_layer("p", "study_area")
    assert back.crs.to_epsg() == 4326
    assert back.geometry.geom_equals_exact(degrees.geometry, tolerance=0).all()  # bit for bit as imported
    with _connect(backend) as conn:
        rows = conn.execute(sql.SQL("SELECT ST_SRID(geom), ST_AsBinary(geom) FROM {}.input_features ORDER BY fid")
                            .format(sql.Identifier(backend.schema))).fetchall()
    assert {r[0] for r in rows} == {4549}  # QGIS and SQL see the metric CRS
    metric = shapely.from_wkb([bytes(r[1]) for r in rows])
    assert all(m.symmetric_difference(a).area < 1e-3 for m, a in zip(metric, area.geometry, strict=True))


@pytest.mark.slow
def test_a_crs_without_an_epsg_code_gets_a_gridmap_srid(backend) -> None:
    custom = "+proj=tmerc +lat_0=0 +lon_0=118.8 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"
    layer = gpd.GeoDataFrame({"zone_id": ["Z1"]}, geometry=[shapely.box(0, 0, 100, 50)], crs=custom)
    backend.insert_project(Project(name="p", created=utc_now()))
    backend.replace_inputs(Project(name="p", crs=custom), {"zones_x": layer}, None)
    back = backend.read_layer("p", "zones_x")
    assert back.crs == layer.crs
    assert back.geometry.iloc[0].equals(layer.geometry.iloc[0])
    with _connect(backend) as conn:
        srid = conn.execute(sql.SQL("SELECT DISTINCT ST_SRID(geom) FROM {}.input_features").format(
            sql.Identifier(backend.schema))).fetchone()[0]
        auth = conn.execute("SELECT auth_name FROM spatial_ref_sys WHERE srid = %s", (srid,)).fetchone()[0]
    assert srid >= 910000 and auth == "gridmap"


def test_layers_read_back_as_from_a_geopackage_folder(backend, tmp_path: Path) -> None:
    """The same layer through both stores reads back the same: types, missing values, Chinese text, lists."""
    layer = gpd.GeoDataFrame(
        {"name": ["华侨路", None, "洪武路"], "count": [1, 2, 3], "share": [0.1, np.nan, 1 / 3],
         "gaps": pd.array([1, None, 3], dtype="Int64"), "flag": [True, False, True],
         "codes": [["a", "b"], ["c"], []], "big": [2**53 + 1, 0, -1]},
        geometry=[shapely.Point(X0, Y0), None, shapely.box(X0, Y0, X0 + 1, Y0 + 1)], crs=CRS)
    folder = GpkgBackend(tmp_path / "ws")
    folder.initialize()
    for store in (backend, folder):
        store.insert_project(Project(name="p", created=utc_now()))
        store.replace_inputs(Project(name="p", crs=CRS), {"zones_x": layer}, None)
    pd.testing.assert_frame_equal(backend.read_layer("p", "zones_x"), folder.read_layer("p", "zones_x"),
                                  check_like=False)


def test_an_older_schema_is_upgraded_and_a_newer_one_refused() -> None:
    old = pg_support.new_schema_backend()
    try:
        assert old.migrate(create=True, upto=1) == 1  # as an older gridmap left it: no views yet
        info = open_workspace(old.location).describe()
        assert info["schema_version"] == LATEST == 4 and info["backend"] == "postgis"
        with _connect(old) as conn:
            applied = [r[0] for r in conn.execute(sql.SQL("SELECT version FROM {}.schema_migrations ORDER BY 1")
                                                  .format(sql.Identifier(old.schema)))]
            assert applied == [1, 2, 3, 4]
            assert conn.execute("SELECT to_regclass(%s)", (f"{old.schema}.grids_current",)).fetchone()[0]
            assert conn.execute("SELECT to_regclass(%s)", (f"{old.schema}.micro_grids_current",)).fetchone()[0]
            assert conn.execute("SELECT to_regclass(%s)", (f"{old.schema}.result_features",)).fetchone()[0]
            conn.execute(sql.SQL("INSERT INTO {}.schema_migrations (version, what) VALUES (99, 'from the future')")
                         .format(sql.Identifier(old.schema)))
        with pytest.raises(WorkspaceFormatError, match="newer gridmap .*version 99.* upgrade gridmap"):
            open_workspace(old.location)
        with pytest.raises(WorkspaceFormatError, match="newer gridmap"):
            PostgisBackend(old.location).initialize()
    finally:
        pg_support.drop(old)


def test_init_is_idempotent_and_refuses_a_schema_that_is_not_a_workspace() -> None:
    store = pg_support.new_schema_backend()
    try:
        with pytest.raises(WorkspaceFormatError, match="holds no gridmap workspace.*gridmap workspace init"):
            open_workspace(store.location)
        store.initialize()
        store.initialize()
        assert open_workspace(store.location).describe()["schema_version"] == LATEST
        with _connect(store) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(store.schema + "_other")))
            conn.execute(sql.SQL("CREATE TABLE {}.roads (id int)").format(sql.Identifier(store.schema + "_other")))
        other = PostgisBackend(store.location, schema=store.schema + "_other")
        with pytest.raises(WorkspaceFormatError, match="holds other tables"):
            other.initialize()
        pg_support.drop(other)
    finally:
        pg_support.drop(store)


def test_urls_name_the_schema_and_never_show_the_password() -> None:
    conninfo, schema, location = split_url("postgresql://li:s3cret@db.example:5433/city?schema=jiedao&sslmode=require")
    assert (schema, location) == ("jiedao", "postgresql://li@db.example:5433/city?sslmode=require&schema=jiedao")
    assert "s3cret" in conninfo and "schema" not in conninfo
    assert split_url("postgres://u@h/db")[1:] == ("gridmap", "postgresql://u@h/db")


def test_an_unreachable_server_is_a_named_error() -> None:
    with pytest.raises(WorkspaceError, match="cannot use the PostgreSQL workspace at postgresql://nobody@127.0.0.1:1/x"
                       ) as err:
        open_workspace("postgresql://nobody:pw@127.0.0.1:1/x")
    assert err.value.code == "unreachable" and "pw" not in str(err.value)


def test_of_many_commits_on_one_base_exactly_one_wins(workspace) -> None:
    """Eight writers commit on revision 1 at the same instant: one becomes revision 2, seven get StaleHead."""
    backend = workspace.backend
    base = backend.read_revision("office", "grids", 1)
    keys = [backend.write_revision_data("office", "grids", base) for _ in range(8)]
    start = threading.Barrier(8)
    outcomes: list[object] = [None] * 8

    def commit(i: int) -> None:
        entry = NewRevision(RevisionKind.SAVE, f"writer{i}", utc_now(), 1)
        start.wait()
        try:
            outcomes[i] = backend.commit_revision("office", "grids", keys[i], entry, expected_head=1).number
        except StaleHead as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=commit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2]
    assert sum(isinstance(o, StaleHead) and o.head == 2 for o in outcomes) == 7
    info = backend.get_plan("office", "grids")
    assert (info.head, info.last_revision) == (2, 2)
    assert [r.number for r in backend.list_revisions("office", "grids")] == [1, 2]


def test_no_password_is_stored_in_clear(workspace) -> None:
    secret = "Gulou-Secret-2026"
    admin = workspace.as_user(ADMIN)
    admin.add_user("li", "viewer", secret, projects=["office"])
    workspace.login("li", secret)
    admin.set_password("li", secret + "-2")
    s = sql.Identifier(workspace.backend.schema)
    with _connect(workspace.backend) as conn:
        for table in pg_support.TABLES:
            text = conn.execute(sql.SQL("SELECT coalesce(string_agg(t::text, ''), '') FROM {}.{} t").format(
                s, sql.Identifier(table))).fetchone()[0]
            assert secret not in text, table


def test_the_command_line_takes_a_database_url(tmp_path: Path, capsys) -> None:
    store = pg_support.new_schema_backend()
    url = store.location
    path = write_gpkg(make_inputs(), tmp_path / "office.gpkg")
    try:
        assert main(["workspace", "init", url]) == 0
        assert main(["workspace", "import", url, "--project", "office", "--zones", f"party={path}#zones_party",
                     "--area", f"{path}#study_area", "--residents", f"{path}#residents", "--quiet"]) == 0
        assert main(["workspace", "list", url]) == 0
        out = capsys.readouterr()
        assert "office" in out.out and "Traceback" not in out.err and "PostGIS" in out.out
        session = open_workspace(url).as_system()
        assert session.layer_keys("office") == ("study_area", "zones_party", "residents")
        assert main(["workspace", "list", "postgresql://nobody@127.0.0.1:1/x"]) == 2
        assert "error:" in capsys.readouterr().err
    finally:
        pg_support.drop(store)


def test_grids_of_every_revision_stay_readable(workspace) -> None:
    _moved_u2_u6(workspace)
    admin = workspace.as_user(ADMIN)
    first, second = admin.grids_at("office", "grids", 1), admin.grids_at("office", "grids", 2)
    assert first["grid_code"].tolist() == [A1, A2, B1, B2] and second["grid_code"].tolist() == [A1, A2, B1, B2]
    assert first.geometry.geom_type.eq("MultiPolygon").all() and first.crs == CRS
    assert second.geometry.iloc[1] is None and abs(second.geometry.iloc[0].area - 40_000) < 1e-6
    assert B1 in first["grid_code"].tolist() and B2 in second["grid_code"].tolist()


def test_the_default_workspace_may_be_a_database(monkeypatch) -> None:
    url = "postgresql://li@db.example:5432/city?schema=jiedao"
    monkeypatch.setenv(ENV_WORKSPACE, url)
    assert default_location() == url  # a URL, not a Path (which would fold its '//')


@pytest.mark.slow
def test_the_demo_in_postgis_reads_back_as_in_a_folder(tmp_path: Path) -> None:
    """The real demo (Chinese names, WGS84 layers of a CGCS2000 project, an OSM file) through both stores."""
    store = pg_support.new_schema_backend()
    try:
        database = default_workspace(store.location).as_system()
        folder = default_workspace(tmp_path / "ws").as_system()
        project = database.project(DEMO_PROJECT)
        assert project.layers == folder.project(DEMO_PROJECT).layers and project.crs == "EPSG:4549"
        for key in project.layers:
            pd.testing.assert_frame_equal(database.layer(DEMO_PROJECT, key), folder.layer(DEMO_PROJECT, key))
        assert database.osm_path(DEMO_PROJECT).read_bytes() == folder.osm_path(DEMO_PROJECT).read_bytes()
    finally:
        pg_support.drop(store)
