"""The app serving a workspace with accounts, in a real headless Chromium (issue 14).

A workspace of a small office (the stand-in demo's three communities as project ``office``, plan
``grids``) with an admin, two planners of community A (``p1``, ``p3``), one of community B
(``p2``) and a viewer is served by ``gridmap serve --workspace`` (:func:`gridmap.cli.serve.streamlit_command`);
Debian's /usr/bin/chromium is driven with Playwright (never ``playwright install``).

* without login, every page shows the login form, and no layer data crosses the WebSocket;
* a viewer gets no editing controls, and a drawing forged through the map component is refused
  by the server (the plan and the workspace stay as they were);
* a planner's edit outside the scope is refused with a message;
* two planners in two browser contexts edit different communities: both saves land (the second
  merged), and the head holds both edits;
* two planners moving the same unit: the second save is refused, kept as a rescue revision, and
  the History panel names everyone.

Every test runs against both workspace backends (issue 15): the GeoPackage folder, and PostGIS —
the same office in a schema of its own in the database named by ``GRIDMAP_TEST_POSTGRES_URL``,
served by ``gridmap serve --workspace postgresql://…?schema=…`` (skipped, saying so, when that
variable is not set; ``bash scripts/test.sh`` always sets it). One server per backend for the module.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import close, drop_postgis, postgis_location, serve, standin_office  # noqa: E402
from test_app_browser import CHROMIUM, MAP_IFRAME, VENDOR, browser, require_browser  # noqa: E402, F401
from test_app_browser_grid import MapDriver, households, lonlat, wait_idle  # noqa: E402

from gridmap.app import load_pages  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "office-pass-2026"
PROJECT, PLAN = "office", "grids"
AREA_A, AREA_B = "320101001", "320102001"
PAGE_KEYS = list(load_pages())


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def office(request, tmp_path_factory):
    """The office's workspace (a folder, or a PostGIS URL): project, plan at revision 1, five accounts."""
    if request.param == "postgis":
        location: str | Path = postgis_location()
        request.addfinalizer(lambda: drop_postgis(str(location)))
    else:
        location = tmp_path_factory.mktemp("office") / "workspace"
    ws, admin, _, _ = standin_office(location, PROJECT, PLAN, micro=False)
    admin.add_user("chief", "admin", PASSWORD)
    for name, scope in (("p1", AREA_A), ("p2", AREA_B), ("p3", AREA_A)):
        admin.add_user(name, "planner", PASSWORD, scopes=[scope], projects=[PROJECT])
    admin.add_user("v1", "viewer", PASSWORD, projects=[PROJECT])
    close(ws)
    return location


@pytest.fixture(scope="module")
def store(office):
    """The workspace as the tests' own system session (to read what the app saved)."""
    from gridmap.workspace import open_workspace

    ws = open_workspace(office)
    yield ws.as_system("test")
    close(ws)


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    """``gridmap serve --workspace`` on the office, one per backend (its warm-up done)."""
    require_browser()
    with serve(office, tmp_path_factory.mktemp("server") / "server.log") as base:
        yield base


def new_page(browser, frames: list | None = None):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    if frames is not None:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    return context, page


def login(browser, server: str, name: str, page_key: str = "grid"):  # noqa: F811
    """A new browser context logged in as ``name`` on ``page_key``."""
    context, page = new_page(browser)
    page.goto(f"{server}/?page={page_key}", wait_until="commit")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_text(f"已登录：{name}").wait_for(timeout=90_000)
    return context, page


def open_plan(page) -> MapDriver:
    """Open plan ``grids`` on the Grid page (by name); wait for its map."""
    page.get_by_role("button", name="打开此文件").wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    page.get_by_role("button", name="打开此文件").click()
    page.get_by_text(f"（方案 {PLAN}，版本").first.wait_for(timeout=90_000)
    page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane svg path").first.wait_for(
        state="attached", timeout=90_000)
    wait_idle(page, 60_000)
    return MapDriver(page)


def lasso_case(plan, area: str, skip: set = frozenset()):
    """(target grid, unit of a neighbouring grid) inside community ``area``, both with households."""
    i, j, _ = plan.adjacency
    for x, y in zip(i, j, strict=True):
        if (plan.codes[x] != plan.codes[y] and plan.area_id[x] == plan.area_id[y] == area
                and plan.households[x] > 0 and plan.households[y] > 0 and plan.unit_ids[y] not in skip
                and plan.codes[x] not in plan.locked and plan.codes[y] not in plan.locked):
            return plan.codes[x], plan.unit_ids[y]
    raise AssertionError(f"no lasso case in {area}")


def select_and_lasso(drv: MapDriver, plan, target: str, unit) -> shapely.Polygon:
    """Click the target grid, then draw a 20-pixel square around the unit; returns the drawn polygon."""
    page = drv.page
    p = lonlat(plan, plan.grids([target]).geometry.iloc[0].point_on_surface())
    drv.view(p, 17)
    page.mouse.click(*drv.screen(p))
    page.locator('[data-testid="stCode"]', has_text=target).wait_for(state="visible", timeout=60_000)
    wait_idle(page, 60_000)
    pu = lonlat(plan, shapely.point_on_surface(plan.units.geometry.iloc[plan._pos.get_loc(unit)]))
    drv.view(pu, 18)
    cx, cy = drv.screen(pu)
    square = [(cx - 10, cy - 10), (cx + 10, cy - 10), (cx + 10, cy + 10), (cx - 10, cy + 10)]
    polygon = shapely.Polygon(drv.lonlat(square))
    drv.draw_polygon(square)
    return polygon


def save(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()


def test_without_login_every_page_shows_the_login_form_and_no_layer_data(server: str, browser, store) -> None:  # noqa: F811
    names = [str(n) for n in store.layer("office", "study_area")["name"]]
    for key in PAGE_KEYS:
        frames: list = []
        context, page = new_page(browser, frames)
        media: list[str] = []
        context.on("request", lambda r, media=media: media.append(r.url)  # Streamlit's files for downloads, images
                   if r.url.split("/", 3)[3].startswith("media/") else None)
        try:
            page.goto(f"{server}/?page={key}", wait_until="commit")
            page.get_by_label("用户名").wait_for(timeout=90_000)
            page.wait_for_timeout(1500)
            assert page.get_by_label("密码").count() == 1
            assert page.locator(MAP_IFRAME).count() == 0, key
            assert page.locator('[data-testid="stDownloadButton"]').count() == 0, key
            assert page.locator('[data-testid="stSidebar"]').count() == 0 or \
                page.get_by_text("页面").count() == 0, key
            assert not media, media
            data = b"".join(f if isinstance(f, bytes) else f.encode() for f in frames)
            assert frames and b"FeatureCollection" not in data and b"coordinates" not in data, key
            assert not [n for n in names if n.encode() in data], key
        finally:
            context.close()


def test_viewer_has_no_editing_controls_and_a_forged_edit_is_refused(server: str, browser, store) -> None:  # noqa: F811
    head = store.plan_info(PROJECT, PLAN).head
    before = store.plan_at(PROJECT, PLAN).assignment()
    context, page = login(browser, server, "v1")
    try:
        page.get_by_text("您是查看者").first.wait_for(timeout=90_000)
        drv = open_plan(page)
        frame = page.frame_locator(MAP_IFRAME)
        assert frame.locator(".leaflet-draw-draw-polygon").count() == 0  # no drawing tools
        for label in ("保存", "锁定", "撤销", "重做", "生成网格", "恢复为新版本"):
            assert page.get_by_role("button", name=label, exact=True).count() == 0, label
        assert page.get_by_label("方案名称").count() == 0
        assert page.get_by_text("改了什么").count() >= 1  # the History panel is there to read
        # a drawing sent through the map component although the page offers no tool for it
        plan = store.plan_at(PROJECT, PLAN)
        target, unit = lasso_case(plan, AREA_A)
        p = lonlat(plan, plan.grids([target]).geometry.iloc[0].point_on_surface())
        drv.view(p, 17)
        page.mouse.click(*drv.screen(p))
        page.locator('[data-testid="stCode"]', has_text=target).wait_for(state="visible", timeout=60_000)
        wait_idle(page, 60_000)
        pu = lonlat(plan, shapely.point_on_surface(plan.units.geometry.iloc[plan._pos.get_loc(unit)]))
        drv.frame.evaluate("([lat, lng]) => { const d = 0.00005; const poly = L.polygon([[lat - d, lng - d], "
                           "[lat - d, lng + d], [lat + d, lng + d], [lat + d, lng - d]]);"
                           " map.fire('draw:created', {layer: poly, layerType: 'polygon'}); }", [pu.y, pu.x])
        page.get_by_text("您是查看者").nth(1).wait_for(timeout=60_000)  # the refusal, above the map
        wait_idle(page, 60_000)
        drv.wait_grid_households(target, households(plan, target))
        assert store.plan_info(PROJECT, PLAN).head == head
        assert store.plan_at(PROJECT, PLAN).assignment().equals(before)
    finally:
        context.close()


def test_planner_edit_outside_the_scope_is_refused_with_a_message(server: str, browser, store) -> None:  # noqa: F811
    head = store.plan_info(PROJECT, PLAN).head
    plan = store.plan_at(PROJECT, PLAN)
    target, unit = lasso_case(plan, AREA_B)
    context, page = login(browser, server, "p1")
    try:
        page.get_by_text("您可以修改范围 320101001").wait_for(timeout=90_000)
        drv = open_plan(page)
        select_and_lasso(drv, plan, target, unit)
        message = page.get_by_text("修改被拒绝")
        message.first.wait_for(timeout=60_000)
        assert "outside your scope" in message.first.inner_text() or "范围" in message.first.inner_text()
        wait_idle(page, 60_000)
        drv.wait_grid_households(target, households(plan, target))  # undone on the map too
        save(page)
        page.get_by_text("没有需要保存的修改").wait_for(timeout=60_000)
        assert store.plan_info(PROJECT, PLAN).head == head
    finally:
        context.close()


def test_two_planners_edit_different_communities_and_both_saves_land(server: str, browser, store) -> None:  # noqa: F811
    head = store.plan_info(PROJECT, PLAN).head
    plan = store.plan_at(PROJECT, PLAN)
    cases = {"p1": lasso_case(plan, AREA_A), "p2": lasso_case(plan, AREA_B)}
    sessions = {name: login(browser, server, name) for name in cases}
    try:
        expected = {}
        for name, (_context, page) in sessions.items():
            drv = open_plan(page)
            target, unit = cases[name]
            polygon = select_and_lasso(drv, plan, target, unit)
            mine = store.plan_at(PROJECT, PLAN)
            res = mine.lasso(polygon, target, crs="EPSG:4326")  # the core's figure for that drawing
            assert res.moved >= 1
            expected[name] = mine.assignment().set_index("unit_id")["grid_code"]
            drv.wait_grid_households(target, households(mine, target))
            wait_idle(page, 60_000)
        page1, page2 = sessions["p1"][1], sessions["p2"][1]
        save(page1)
        page1.get_by_text(f"已保存：方案 {PLAN} 版本 {head + 1}").wait_for(timeout=60_000)
        save(page2)
        page2.get_by_text(f"已保存：方案 {PLAN} 版本 {head + 2}，已与他人此后保存的修改合并").wait_for(timeout=60_000)
        revisions = store.revisions(PROJECT, PLAN)
        assert [(r.author, str(r.kind)) for r in revisions[-2:]] == [("p1", "save"), ("p2", "merge")]
        final = store.plan_at(PROJECT, PLAN).assignment().set_index("unit_id")["grid_code"]
        base = plan.assignment().set_index("unit_id")["grid_code"]
        for name in ("p1", "p2"):
            changed = expected[name][expected[name] != base].index
            assert len(changed) and (final[changed] == expected[name][changed]).all(), name  # both edits held
    finally:
        for context, _ in sessions.values():
            context.close()


def test_same_units_refused_with_a_rescue_revision_and_history_names_everyone(server: str, browser, store) -> None:  # noqa: F811
    head = store.plan_info(PROJECT, PLAN).head
    plan = store.plan_at(PROJECT, PLAN)
    target, unit = lasso_case(plan, AREA_A)
    sessions = {name: login(browser, server, name) for name in ("p1", "p3")}
    try:
        for _, page in sessions.values():
            drv = open_plan(page)
            select_and_lasso(drv, plan, target, unit)
            wait_idle(page, 60_000)
        page1, page3 = sessions["p1"][1], sessions["p3"][1]
        save(page1)
        page1.get_by_text(f"已保存：方案 {PLAN} 版本 {head + 1}").wait_for(timeout=60_000)
        save(page3)
        refusal = page3.get_by_text("未保存：他人已修改了相同的单元")
        refusal.wait_for(timeout=60_000)
        rescue = store.revisions(PROJECT, PLAN)[-1]
        assert str(rescue.kind) == "rescue" and rescue.author == "p3" and rescue.number == head + 2
        assert f"救援版本 {rescue.number}" in refusal.inner_text()
        assert store.plan_info(PROJECT, PLAN).head == head + 1
        history = page3.locator('[data-testid="stTable"]').filter(has_text="改了什么")
        # the page first shows the History of the run before the refusal; wait for the rerun's table
        for word in ("救援版本", "合并保存", "p1", "p2", "p3", "setup"):  # kinds in the page's language
            expect(history).to_contain_text(word, timeout=60_000)
    finally:
        for context, _ in sessions.values():
            context.close()


def test_a_login_survives_a_reload_and_a_logout_ends_it(server: str, browser, store) -> None:  # noqa: F811
    """Log in, reload: still logged in (the session cookie); log out, reload: the login form."""
    context, page = login(browser, server, "v1", page_key="overview")
    try:
        page.wait_for_function("() => document.cookie.includes('gridmap_session=')", timeout=30_000)
        cookies = {c["name"]: c for c in context.cookies()}
        cookie = cookies.get("gridmap_session")
        assert cookie is not None, cookies
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert "v1" not in cookie["value"] and PASSWORD not in cookie["value"]  # a random token, nothing else
        assert 7.5 * 3600 < cookie["expires"] - time.time() <= 8 * 3600  # the session's 8 hours
        page.reload(wait_until="commit")
        page.get_by_text("已登录：v1").wait_for(timeout=90_000)
        page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane svg path").first.wait_for(
            state="attached", timeout=90_000)
        assert page.get_by_label("密码").count() == 0
        page.get_by_role("button", name="退出登录").click()
        page.get_by_label("用户名").wait_for(timeout=60_000)
        page.wait_for_function("() => !document.cookie.includes('gridmap_session=')", timeout=30_000)
        page.reload(wait_until="commit")
        page.get_by_label("用户名").wait_for(timeout=90_000)
        page.wait_for_timeout(1000)
        assert page.get_by_text("已登录：v1").count() == 0
        assert page.locator(MAP_IFRAME).count() == 0
        # the old token, put back by hand, opens nothing: the logout ended the session in the workspace
        context.add_cookies([{**cookie, "expires": cookie["expires"]}])
        page.reload(wait_until="commit")
        page.get_by_label("用户名").wait_for(timeout=90_000)
        page.get_by_text("请重新登录").wait_for(timeout=30_000)
        assert page.locator(MAP_IFRAME).count() == 0
    finally:
        context.close()
