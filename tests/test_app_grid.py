"""The 网格 (unified grid) page without a browser (AppTest): it builds what the core builds, a
drawing on the map moves exactly the units the core's lasso moves, undo restores, saves are
revision-checked, plans compare, and the 总览 KPI counts the grids outside the band.

Map interactions are injected by replacing ``mapkit.send_component`` (AppTest runs no JavaScript): the fake
returns what streamlit-folium would return for a click or a finished drawing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import streamlit as st
from apptest_helpers import open_app
from streamlit.testing.v1 import AppTest

from gridmap.app import grid_page
from gridmap.cli.serve import APP_SCRIPT
from gridmap.present import maps

REPO = Path(__file__).resolve().parent.parent

APP = str(APP_SCRIPT)
HAN = re.compile(r"[\u4e00-\u9fff]")

# the app's pages driven end to end (AppTest) on the real demo: slow
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (REPO / "gridmap" / "data" / "demo.gpkg").is_file(),
                                 reason="data/demo.gpkg not built")]


@pytest.fixture(scope="module")
def core():
    """The demo's units and default build, computed by the core directly (not through the app)."""
    from gridmap.demo import demo_zone_layers, load_demo
    from gridmap.plans.grids import build_grids
    from gridmap.plans.units import make_units

    demo = load_demo()
    units = make_units(demo_zone_layers(demo), demo["study_area"], demo["residents"])
    build = build_grids(units, 300, 500, seed=0, study_area=demo["study_area"])
    return demo, units, build


def _plan(core):
    from gridmap.plans.plan import Plan

    _, units, build = core
    return Plan.from_build(units, build)


def _lasso_case(plan):
    """A target grid T and a unit u of a neighbouring grid of the same community (households > 0)."""
    i, j, _ = plan.adjacency
    for x, y in zip(i, j, strict=True):
        if (plan.codes[x] != plan.codes[y] and plan.area_id[x] == plan.area_id[y] and plan.households[y] > 0
                and plan.households[x] > 0):
            return plan.codes[x], plan.unit_ids[y]
    raise AssertionError("no lasso case in the demo")


def _lonlat(geom, crs) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=crs).to_crs(4326).iloc[0]


def _click(plan, code: str) -> dict:
    p = _lonlat(plan.grids([code]).geometry.iloc[0].point_on_surface(), plan.crs)
    return {"lat": p.y, "lng": p.x}


def _feature(geom: shapely.Geometry) -> dict:
    """A shape as Leaflet.draw reports it (no properties)."""
    return {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}


@pytest.fixture
def fake_map(monkeypatch: pytest.MonkeyPatch):
    """Replace the map component: the grid map returns ``value`` (set by the test), other maps nothing."""
    from gridmap.app import mapkit

    real = mapkit.send_component
    value: dict = {}

    def fake(page_key, **kw):
        kw.pop("on_change", None)
        real(page_key, **kw)
        return dict(value) if page_key == grid_page.MAP_KEY else {}

    monkeypatch.setattr(mapkit, "send_component", fake)
    return value


def _open(lang: str | None = None, page: str = "grid") -> AppTest:
    return open_app(page, lang)


def _state(at: AppTest) -> grid_page.GridSession:
    return at.session_state[grid_page.STATE]


def _metric(at: AppTest, label: str) -> int:
    for m in at.metric:
        if m.label == label:
            return int(m.value.replace(",", ""))
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def _table(at: AppTest, column: str):
    """The first table shown with that column header."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with {column!r}")


def _map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1
    return json.loads(comps[0].proto.json_args)


# ------------------------------------------------------------------------------------------------


def test_grid_page_runs_in_both_languages() -> None:
    at = _open()
    assert not at.error, [e.value for e in at.error]
    zh = at.header[0].value
    assert HAN.search(zh)
    args = _map_args(at)
    assert args["returned_objects"] == ["last_object_clicked", "last_active_drawing"]
    assert all(u.startswith(maps.DEFAULT_ASSETS_URL) for u in args["js_links"] + args["css_links"])
    assert any("leaflet.draw" in u for u in args["js_links"]), "the Draw toolbar's script is local"
    assert not re.search(r"https?://", args["script"] + (args["feature_group"] or ""))
    assert "gridmap-view:" in args["script"]  # keeps its position across reruns
    assert len(_map_args(at)["script"]) + len(args["feature_group"]) < 2_000_000
    assert "L.Control.Draw" in args["script"]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and not at.error
    assert not HAN.search(at.header[0].value) and at.header[0].value != zh
    for df in at.dataframe:
        assert not any(HAN.search(str(c)) for c in df.value.columns), list(df.value.columns)
    checks = _table(at, "Check")
    assert list(checks.columns) == ["Check", "Result", "Count", "Grids"]


def test_building_gives_what_the_core_builds(core) -> None:
    demo, units, build = core
    at = _open()
    plan = _state(at).plan
    table = plan.grid_table()
    assert len(plan.units) == len(units)
    assert len(table) == len(build.grids)
    assert table["grid_code"].tolist() == build.grids["grid_code"].tolist()
    assert table["households"].tolist() == build.grids["households"].tolist()
    assert int(table["households"].sum()) == int(units["households"].sum())
    summary = next(md.value for md in at.markdown if "300–500" in md.value)
    assert f"{len(build.grids)} 个网格" in summary
    # the geometry sent to the map carries every grid code
    fg = _map_args(at)["feature_group"]
    assert all(json.dumps(c) in fg for c in build.grids["grid_code"])
    # rebuild with another band and seed: the core's figures again
    from gridmap.plans.grids import build_grids

    at.number_input(key="grid_min").set_value(250)
    at.number_input(key="grid_max").set_value(450)
    at.number_input(key="grid_seed").set_value(3)
    next(b for b in at.button if b.label == "生成网格").click().run()
    assert not at.exception, [e.value for e in at.exception]
    other = build_grids(units, 250, 450, seed=3, study_area=demo["study_area"])
    table = _state(at).plan.grid_table()
    assert _state(at).plan.min_households == 250 and _state(at).plan.max_households == 450
    assert table["households"].tolist() == other.grids["households"].tolist()


def test_drawn_polygon_moves_what_the_core_moves_and_undo_restores(core, fake_map) -> None:
    ref = _plan(core)
    target, unit = _lasso_case(ref)
    pos = ref._pos.get_loc(unit)
    poly_m = shapely.point_on_surface(ref.units.geometry.iloc[pos]).buffer(3.0)
    poly = _lonlat(poly_m, ref.crs)
    hh0 = int(ref.grid_table().set_index("grid_code").at[target, "households"])

    at = _open()
    before = _state(at).plan.assignment()
    fake_map["last_object_clicked"] = _click(ref, target)
    at.run()
    assert _state(at).selected == target
    assert _metric(at, "所选网格户数") == hh0

    fake_map["last_active_drawing"] = _feature(poly)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    res = ref.lasso(poly, target, crs="EPSG:4326")
    assert res.moved >= 1
    got = _state(at).plan.assignment()
    moved = got[got["grid_code"] != before["grid_code"]]
    assert moved["unit_id"].tolist() == ref.assignment()[ref.assignment()["grid_code"] != before["grid_code"]][
        "unit_id"].tolist()
    assert got.equals(ref.assignment())
    hh1 = int(ref.grid_table().set_index("grid_code").at[target, "households"])
    assert hh1 != hh0
    assert _metric(at, "所选网格户数") == hh1
    assert any(f"{hh0} → {hh1}" in s.value for s in at.success)
    # the checks panel shows the core's checks after the edit
    checks = _table(at, "检查项")
    assert checks["数量"].tolist() == ref.checks()["n"].tolist()
    # the same drawing returned again (the component keeps its last value) is not a second edit
    at.run()
    assert len(_state(at).plan.history) == 1

    at.button(key="grid_undo").click().run()
    assert _state(at).plan.assignment().equals(before)
    assert _metric(at, "所选网格户数") == hh0
    at.button(key="grid_redo").click().run()
    assert _state(at).plan.assignment().equals(ref.assignment())


def test_a_clicked_feature_is_not_a_drawing(core, fake_map) -> None:
    """streamlit-folium reports a clicked feature as ``last_active_drawing``: only a selection."""
    ref = _plan(core)
    target, _ = _lasso_case(ref)
    at = _open()
    grid = ref.grids([target])
    fake_map["last_object_clicked"] = _click(ref, target)
    fake_map["last_active_drawing"] = {"type": "Feature", "properties": {"grid_code": target},
                                       "geometry": shapely.geometry.mapping(_lonlat(grid.geometry.iloc[0], ref.crs))}
    at.run()
    assert _state(at).selected == target
    assert not _state(at).plan.history


def test_split_merge_create_lock(core, fake_map) -> None:
    ref = _plan(core)
    table = ref.grid_table().sort_values("n_units", ascending=False)
    big = table["grid_code"].iloc[0]
    geom = ref.grids([big]).geometry.iloc[0]
    _, miny, _, maxy = geom.bounds
    xs = np.sort(shapely.get_x(ref._points[ref.codes == big]))
    cx = (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2  # between the units' points: both sides hold some
    line_m = shapely.LineString([(cx, miny - 10), (cx, maxy + 10)])
    at = _open()
    fake_map["last_object_clicked"] = _click(ref, big)
    at.run()
    fake_map["last_active_drawing"] = _feature(_lonlat(line_m, ref.crs))
    at.run()
    res = ref.split(big, _lonlat(line_m, ref.crs), crs="EPSG:4326")
    assert _state(at).plan.assignment().equals(ref.assignment())
    assert set(res.new_grids) <= set(_state(at).plan.registry)
    # merge the new piece back through the multiselect
    at.multiselect(key="grid_merge_with").set_value(list(res.new_grids)).run()
    at.button(key="grid_merge").click().run()
    ref.merge([big, *res.new_grids])
    assert _state(at).plan.assignment().equals(ref.assignment())
    # lock: a lasso into a locked grid is refused with a message, nothing moves
    at.button(key="grid_lock").click().run()
    assert big in _state(at).plan.locked
    n = len(_state(at).plan.history)
    fake_map["last_active_drawing"] = _feature(_lonlat(geom.buffer(50), ref.crs))
    at.run()
    assert len(_state(at).plan.history) == n
    assert any("无法修改" in w.value and big in w.value for w in at.warning), [w.value for w in at.warning]
    at.button(key="grid_lock").click().run()
    assert big not in _state(at).plan.locked
    # create: pick units with a polygon, then make a grid of them
    at.radio(key="grid_draw_mode").set_value("pick").run()
    other = table["grid_code"].iloc[1]
    units_poly = _lonlat(ref.grids([other]).geometry.iloc[0].buffer(-5), ref.crs)
    fake_map["last_active_drawing"] = _feature(units_poly)
    at.run()
    picked = list(_state(at).picked)
    assert sorted(picked) == sorted(ref.units_in(units_poly, crs="EPSG:4326").tolist())
    at.button(key="grid_create").click().run()
    res = ref.create(picked)
    assert _state(at).plan.assignment().equals(ref.assignment())
    assert _state(at).selected == res.new_grids[0]


def test_gcj02_click_selects_the_grid_under_the_shifted_map(core, fake_map) -> None:
    from gridmap.io.crs import convert_coordinates

    ref = _plan(core)
    target, _ = _lasso_case(ref)
    p = _lonlat(ref.grids([target]).geometry.iloc[0].point_on_surface(), ref.crs)
    shown = convert_coordinates(gpd.GeoDataFrame(geometry=[p], crs=4326), "wgs84", "gcj02").geometry.iloc[0]
    at = _open(page="data")
    at.checkbox(key="gcj02").check().run()
    at.sidebar.radio(key="page").set_value("grid").run()
    fake_map["last_object_clicked"] = {"lat": shown.y, "lng": shown.x}
    at.run()
    assert _state(at).selected == target


def _workspace():
    """The workspace the app serves in this test session, and the demo's project in it."""
    from gridmap.app.account import demo_project_name, workspace, workspace_location

    return workspace(workspace_location()), demo_project_name()


def _unit_polygon(plan, unit) -> shapely.Geometry:
    """A 3 m disc around a unit's point on surface, in lon/lat: a lasso that takes exactly that unit."""
    pos = plan._pos.get_loc(unit)
    return _lonlat(shapely.point_on_surface(plan.units.geometry.iloc[pos]).buffer(3.0), plan.crs)


def test_saves_go_into_the_project_by_name_and_a_conflicting_save_is_kept_as_a_rescue(core, fake_map) -> None:
    from uuid import uuid4

    ref = _plan(core)
    target, unit = _lasso_case(ref)
    name = f"plan-{uuid4().hex[:8]}"  # the test session's workspace is shared by the tests
    at = _open()
    assert not [w for w in at.text_input if "路径" in w.label or "path" in w.label.lower()]  # no server path
    at.text_input(key="grid_plan_name").set_value(name).run()
    at.button(key="grid_save").click().run()
    assert any(f"方案 {name} 版本 1" in s.value for s in at.success), [s.value for s in at.success]
    ws, project = _workspace()
    # someone else opens the plan, locks the target grid and saves (revision 2)
    other = ws.as_system("someone")
    theirs = other.open_plan(project, name)
    theirs.lock(target)
    assert other.save_plan(project, name, theirs).revision.number == 2
    # our lasso moves a unit into that grid, then our save: refused, kept whole as rescue revision 3
    fake_map["last_object_clicked"] = _click(ref, target)
    at.run()
    fake_map["last_active_drawing"] = _feature(_unit_polygon(ref, unit))
    at.run()
    mine = _state(at).plan
    assert mine.dirty and mine.assignment().set_index("unit_id").at[unit, "grid_code"] == target
    at.button(key="grid_save").click().run()
    errors = [e.value for e in at.error]
    assert errors and "未保存" in errors[0] and "救援版本 3" in errors[0] and "版本 2" in errors[0], errors
    revisions = other.revisions(project, name)
    assert [(r.number, str(r.kind)) for r in revisions] == [(1, "build"), (2, "save"), (3, "rescue")]
    assert other.plan_info(project, name).head == 2
    rescue = other.plan_at(project, name, 3)
    assert rescue.assignment().sort_values("unit_id").reset_index(drop=True).equals(
        _state(at).plan.assignment().sort_values("unit_id").reset_index(drop=True))
    assert _state(at).other is not None and _state(at).other.revision == 2  # the saved one beside mine
    history = next(tb.value for tb in at.table if "修改人" in tb.value.columns)
    assert list(history.index) == [3, 2, 1] and list(history["修改人"]) == ["open", "system:someone", "open"]
    assert list(history["类型"]) == ["救援版本", "保存", "生成"]  # rescue, save, build in Chinese
    # open the plan again (discarding ours after confirming): revision 2 with their lock
    at.checkbox(key="grid_open_confirm").check().run()
    at.selectbox(key="grid_open_name").set_value(name).run()
    at.button(key="grid_open").click().run()
    assert _state(at).plan.revision == 2 and target in _state(at).plan.locked


def test_compare_with_the_saved_plan(core, fake_map, tmp_path: Path) -> None:
    from gridmap.plans.compare import compare_plans

    ref = _plan(core)
    saved = _plan(core)
    target, unit = _lasso_case(ref)
    pos = ref._pos.get_loc(unit)
    poly = _lonlat(shapely.point_on_surface(ref.units.geometry.iloc[pos]).buffer(3.0), ref.crs)
    at = _open()
    at.text_input(key="grid_plan_name").set_value(f"cmp-{tmp_path.name}"[:60]).run()
    at.button(key="grid_save").click().run()
    fake_map["last_object_clicked"] = _click(ref, target)
    at.run()
    fake_map["last_active_drawing"] = _feature(poly)
    at.run()
    ref.lasso(poly, target, crs="EPSG:4326")
    at.button(key="grid_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    cmp = compare_plans(saved, ref)
    assert _metric(at, "变动单元") == len(cmp.moved)
    assert _metric(at, "变动户数") == int(cmp.moved["households"].sum())
    per = _table(at, "划入户数")
    exp = cmp.per_grid[(cmp.per_grid["gained"] != 0) | (cmp.per_grid["lost"] != 0)]
    assert per["网格编码"].tolist() == exp["grid_code"].tolist()
    assert per["划入户数"].tolist() == exp["gained"].tolist()
    assert per["划出户数"].tolist() == exp["lost"].tolist()
    assert grid_page.CHANGE_COLOR in _map_args(at)["feature_group"]


def test_overview_counts_grids_outside_the_band(core, fake_map) -> None:
    build = core[2]
    hh = build.grids["households"]
    expected = int(((hh < 300) | (hh > 500)).sum())
    at = _open(page="overview")
    got = {m.label: m.value for m in at.metric}
    assert got["户数超出区间的网格"] == f"{expected:,}"
    # after editing on the grid page, the overview counts that plan
    at.query_params["page"] = "grid"
    at.sidebar.radio(key="page").set_value("grid").run()
    ref = _plan(core)
    bad = ref.grid_table()
    code = bad.loc[(bad["households"] < 300) | (bad["households"] > 500), "grid_code"].iloc[0]
    fake_map["last_object_clicked"] = _click(ref, code)
    at.run()
    at.button(key="grid_lock").click().run()
    at.sidebar.radio(key="page").set_value("overview").run()
    s = _state(at)
    table = s.plan.grid_table()
    now = int(((table["households"] < 300) | (table["households"] > 500)).sum())
    assert {m.label: m.value for m in at.metric}["户数超出区间的网格"] == f"{now:,}"


def test_without_residents_the_page_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from gridmap.app import account

    real = account.project_dataset

    def no_residents(session, project):
        ds = real(session, project)
        return replace(ds, key=ds.key + ":no-residents", residents=None)

    monkeypatch.setattr(account, "project_dataset", no_residents)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "grid"
    at.run()
    assert not at.exception
    assert any("居民" in i.value for i in at.info)
    st.cache_resource.clear()


@pytest.mark.slow
def test_grid_types_micro_grids_and_the_notice_of_the_selected_grid(fake_map, tmp_path: Path) -> None:
    from gridmap.cli import main
    from gridmap.plans.store import load_plan

    assert main(["unify", "--demo", "--quiet", "--exclusive", "osm", "--micro", "10,70", "--out", str(tmp_path)]) == 0
    path = tmp_path / "plan.gpkg"
    plan = load_plan(path)
    exclusive = sorted(plan.exclusive)[0]
    from uuid import uuid4

    name = f"types-{uuid4().hex[:8]}"  # plans are opened by name from the workspace the app serves
    at = _open()  # the app's workspace gets its demo project
    ws, project = _workspace()
    ws.as_system("test").create_plan(project, name, plan, message="unify --exclusive osm --micro 10,70")
    at.run()
    at.selectbox(key="grid_open_name").set_value(name).run()
    at.button(key="grid_open").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _state(at).plan.micro_grids is not None
    group = _map_args(at)["feature_group"]
    assert plan.micro_grids["micro_code"].iloc[0] in group  # the 微网格 layer, with codes in its tooltips
    fake_map["last_object_clicked"] = _click(plan, exclusive)
    at.run()
    assert _state(at).selected == exclusive
    assert any("专属网格" in c.value for c in at.caption), [c.value for c in at.caption]
    at.button(key="grid_notice").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    code, _, pdf = at.session_state["grid_notice_pdf"]
    assert code == exclusive and pdf.startswith(b"%PDF")
