"""The app's side of the workspace without a browser (AppTest): the login gate, roles, sessions
ending, personal lists recorded, the warm-up. The browser tests (test_app_browser_workspace.py)
drive the same in Chromium.

Each test serves a workspace of its own (``$GRIDMAP_WORKSPACE``) holding the tests' stand-in demo
as project ``standin-demo`` and, when accounts are asked for, an admin, a planner of the first
community and a viewer.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gridmap.app import account
from gridmap.cli.serve import APP_SCRIPT
from gridmap.workspace import Principal, Role, init_workspace
from gridmap.workspace.auth import token_hash

#: the whole module is slow: a quick run (-m "not slow") leaves it out
pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
PASSWORD = "app-test-pass-1"
PROJECT = "standin-demo"


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workspace with the stand-in project, served to AppTest; ``accounts(ws)`` adds the accounts."""
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    folder = tmp_path / "workspace"
    monkeypatch.setenv("GRIDMAP_WORKSPACE", str(folder))
    import standin_demo

    ws = init_workspace(folder)
    admin = ws.as_system("setup")
    admin.import_inputs(PROJECT, standin_demo.load_demo(), standin_demo.DEMO_OSM, title="stand-in")
    return ws


def add_accounts(ws) -> str:
    admin = ws.as_system("setup")
    area = str(admin.layer(PROJECT, "study_area")["area_id"].iloc[0])
    admin.add_user("chief", "admin", PASSWORD)
    admin.add_user("li", "planner", PASSWORD, scopes=[area], projects=[PROJECT])
    admin.add_user("wang", "viewer", PASSWORD, projects=[PROJECT])
    return area


def run(page: str = "data") -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=240)
    at.query_params["page"] = page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def log_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_login_only(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input}
    return {"login_name", "login_password"} <= keys and [r.key for r in at.sidebar.radio] == ["lang"] \
        and not at.sidebar.selectbox and not at.get("component_instance") \
        and not at.dataframe and not at.get("download_button")


def test_open_workspace_says_so_and_serves_the_project(office) -> None:
    at = run("data")
    assert any("开放模式" in i.value for i in at.info)
    assert at.sidebar.selectbox(key=account.PROJECT_STATE).value == PROJECT
    assert "zones_party" in list(at.dataframe[0].value["图层键"])


@pytest.mark.parametrize("page", ["data", "overview", "coverage", "access", "grid", "siting", "export"])
def test_with_accounts_every_page_shows_the_login_form_and_nothing_else(office, page: str) -> None:
    add_accounts(office)
    at = run(page)
    assert shows_login_only(at)
    log_in(at, "li", "wrong password!")
    assert shows_login_only(at) and any("登录失败" in e.value for e in at.error)


def test_login_roles_and_logout(office) -> None:
    add_accounts(office)
    at = log_in(run("grid"), "wang")
    assert not shows_login_only(at)
    assert any("已登录：wang（查看者）" in c.value for c in at.sidebar.caption)
    assert any("查看者" in i.value for i in at.info)  # the grid page says viewers do not edit
    keys = {b.key for b in at.button}
    assert not keys & {"grid_save", "grid_lock", "grid_undo", "grid_redo", "grid_hist_restore"}
    assert "grid_plan_name" not in {w.key for w in at.text_input}
    at.sidebar.button(key="logout").click().run()
    assert shows_login_only(at)


def test_a_session_ended_in_the_store_ends_in_the_app(office) -> None:
    add_accounts(office)
    at = log_in(run("data"), "chief")
    assert not shows_login_only(at)
    office.backend.delete_sessions(name="chief")  # e.g. the account disabled, or 8 hours over
    at.run()
    assert shows_login_only(at)
    assert any("重新登录" in w.value for w in at.warning)
    assert at.session_state[account.COOKIE_STATE] == {}  # the browser's cookie is deleted too


def test_five_failures_lock_the_account_in_the_app_too(office) -> None:
    add_accounts(office)
    at = run("data")
    for _ in range(5):
        log_in(at, "li", "not the password")
    log_in(at, "li")  # the right password, but locked now
    assert shows_login_only(at) and any("locked" in e.value for e in at.error)


def test_planner_edit_outside_the_scope_is_undone_with_a_message(office) -> None:
    from gridmap.app import grid_page

    area = add_accounts(office)
    at = log_in(run("grid"), "li")
    assert any(area in c.value for c in at.caption)  # the scope is stated
    s = at.session_state[grid_page.STATE]
    name = "p"
    office.as_system("setup").create_plan(PROJECT, name, copy.deepcopy(s.plan))
    at.run()
    at.selectbox(key="grid_open_name").set_value(name).run()
    at.button(key="grid_open").click().run()
    s = at.session_state[grid_page.STATE]
    assert s.plan_name == name and s.plan.revision == 1
    outside = next(c for c, a in s.plan.registry.items() if a != area)
    s.selected = outside
    at.run()
    at.button(key="grid_lock").click().run()
    s = at.session_state[grid_page.STATE]
    assert outside not in s.plan.locked  # undone
    assert any("修改被拒绝" in e.value and outside in e.value for e in at.error), [e.value for e in at.error]
    inside = next(c for c, a in s.plan.registry.items() if a == area)
    s.selected = inside
    at.run()
    at.button(key="grid_lock").click().run()
    assert inside in at.session_state[grid_page.STATE].plan.locked
    at.button(key="grid_save").click().run()
    assert office.as_system().plan_at(PROJECT, name).locked == frozenset({inside})
    assert office.as_system().revisions(PROJECT, name)[-1].author == "li"


def fake_grid_map(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Replace the map component (AppTest runs no JavaScript): the grid map returns the dict returned
    here — what streamlit-folium would send for a click or a finished drawing, set by the test —, other maps nothing."""
    from gridmap.app import grid_page, mapkit

    value: dict = {}
    real = mapkit.send_component

    def fake(page_key, **kw):
        kw.pop("on_change", None)
        real(page_key, **kw)
        return dict(value) if page_key == grid_page.MAP_KEY else {}

    monkeypatch.setattr(mapkit, "send_component", fake)
    return value


def test_a_viewers_forged_drawing_is_refused(office, monkeypatch: pytest.MonkeyPatch) -> None:
    from gridmap.app import grid_page

    add_accounts(office)
    value = fake_grid_map(monkeypatch)
    at = log_in(run("grid"), "wang")
    s = at.session_state[grid_page.STATE]
    before = s.plan.assignment()
    code = next(iter(s.plan.registry))
    s.selected = code
    geom = s.plan.grids([code]).to_crs(4326).geometry.iloc[0].buffer(0.0005)
    value["last_active_drawing"] = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}
    at.run()
    s = at.session_state[grid_page.STATE]
    assert s.plan.assignment().equals(before) and not s.plan.history
    assert any("查看者" in e.value for e in at.error)


def test_personal_list_downloads_are_recorded(office) -> None:
    from gridmap.app.context import MapSettings, PageContext
    from gridmap.app.export_page import recorded

    admin = office.as_user(Principal("chief", Role.ADMIN))
    visits = pd.DataFrame({"area_id": ["A"], "households": [3], "elderly_alone": [1],
                                             "lon": [118.78], "lat": [32.04]})
    ctx = PageContext("zh", None, MapSettings(), session=admin, project=PROJECT)
    out = recorded(ctx, {"home_visit_list": visits, "gaps": visits[["area_id"]]}, "csv")
    assert len(out["home_visit_list"]) == 1 and "lon" not in out["home_visit_list"].columns  # headers translated
    assert out["gaps"] is not None
    records = office.as_system().exports(PROJECT)
    assert [(r.user, r.what, r.n_rows) for r in records] == [("chief", "home_visit_list", 1)]
    assert office.as_system().log(PROJECT)[0].action == "export"


def test_warm_up_computes_each_view_in_use(office) -> None:
    add_accounts(office)
    seen: list[str] = []
    account.warm_up(office, compute=lambda ds: seen.append(ds.key.split(":v1:", 1)[1]))
    area = str(office.as_system().layer(PROJECT, "study_area")["area_id"].iloc[0])
    assert sorted(seen) == sorted(["all", "viewer", f"planner:{area}"])


def test_warm_up_prepares_the_maps_a_first_visit_sends(office, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the warm-up, a first visit to the data, overview, coverage, access and siting pages builds
    no map: it sends the one the warm-up prepared (building and rendering a map is what made first
    maps slow; the siting page's recommendation is computed by the warm-up too)."""
    from gridmap.app import mapkit

    built: list[str] = []
    prepare = mapkit._prepare
    monkeypatch.setattr(mapkit, "_prepare", lambda m, key: built.append(key) or prepare(m, key))
    account.warm_up(account.workspace(account.workspace_location()))
    assert {"data_map", "overview_map", "coverage_map_systems", "access_map", "siting_map"} <= set(built)
    built.clear()
    for page in ("data", "overview", "coverage", "access", "siting"):
        at = run(page)
        assert at.get("component_instance"), page  # the map was sent
    assert built == []


def test_a_reload_takes_up_the_login_from_the_session_cookie(office, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new browser session (a reload) whose request carries a live session cookie is logged in
    without the form; logging out ends the session in the workspace and deletes the cookie."""
    add_accounts(office)
    at = log_in(run("data"), "wang")
    token = at.session_state[account.TOKEN_STATE]
    cookie = at.session_state[account.COOKIE_STATE]  # what the browser is told to keep
    assert cookie["token"] == token and cookie["expires"] > pd.Timestamp.now(tz="UTC")
    assert office.backend.get_session(token_hash(token)) is not None  # the workspace keeps its hash only
    monkeypatch.setattr(account, "cookie_token", lambda: token)
    reloaded = run("data")  # a new session: nothing in its state but the cookie
    assert not shows_login_only(reloaded)
    assert any("已登录：wang（查看者）" in c.value for c in reloaded.sidebar.caption)
    reloaded.sidebar.button(key="logout").click().run()
    assert {w.key for w in reloaded.text_input} >= {"login_name", "login_password"}
    assert reloaded.session_state[account.COOKIE_STATE] == {}  # the browser deletes its cookie
    assert office.backend.get_session(token_hash(token)) is None
    assert not any("重新登录" in w.value for w in reloaded.warning)  # the stale request cookie is not retried
    again = run("data")  # a reload that still sent the old cookie: refused, the cookie deleted
    assert not again.sidebar.selectbox and not again.dataframe
    assert {w.key for w in again.text_input} >= {"login_name", "login_password"}
    assert again.session_state[account.COOKIE_STATE] == {}


@pytest.mark.parametrize("ended", ["disabled", "expired"])
def test_a_session_cookie_of_a_disabled_account_or_an_expired_session_is_refused(
        office, monkeypatch: pytest.MonkeyPatch, ended: str) -> None:
    import time

    from gridmap.workspace.auth import Authenticator

    add_accounts(office)
    if ended == "expired":  # a login of nine hours ago: over the 8-hour session
        token = Authenticator(office.backend, clock=lambda: time.time() - 9 * 3600).login("li", PASSWORD).token
    else:
        token = office.login("li", PASSWORD).token
        office.as_system("setup").disable_user("li")
    monkeypatch.setattr(account, "cookie_token", lambda: token)
    at = run("data")
    assert {w.key for w in at.text_input} >= {"login_name", "login_password"}
    assert not at.sidebar.selectbox and not at.dataframe
    assert any("重新登录" in w.value for w in at.warning)
    assert at.session_state[account.COOKIE_STATE] == {}
