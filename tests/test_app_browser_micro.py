"""The Grid page's 微网格 section in a real headless Chromium (issue 16).

A workspace of the stand-in demo whose plan has 微网格, served by ``gridmap serve --workspace``;
Debian's /usr/bin/chromium driven with Playwright. A planner clicks a grid of their community on
the map, sets the 楼栋长 of its first 微网格 and saves; the workspace's head holds the name and the
edit log names the step; reopened in a new browser session, the plan shows the name again. A
planner draws a polygon around a building in the 微网格 draw mode: the chosen 微网格 gets the
households the core gives for that polygon, on the page and in the map's 微网格 layer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import close, serve, standin_office  # noqa: E402
from test_app_browser import CHROMIUM, MAP_IFRAME, VENDOR, browser, require_browser  # noqa: E402, F401
from test_app_browser_grid import MapDriver, lonlat, wait_idle  # noqa: E402
from test_app_browser_workspace import login, open_plan  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "office-pass-2026"  # the password login() of the workspace browser tests types
PROJECT, PLAN = "office", "grids"
AREA_A = "320101001"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """The workspace folder: the stand-in project, its plan with 微网格 at revision 1, a planner of community A."""
    folder = tmp_path_factory.mktemp("micro") / "workspace"
    ws, admin, _, _ = standin_office(folder, PROJECT, PLAN)
    admin.add_user("p1", "planner", PASSWORD, scopes=[AREA_A], projects=[PROJECT])
    close(ws)
    return folder


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    require_browser()
    with serve(office, tmp_path_factory.mktemp("server") / "server.log") as base:
        yield base


def grid_with_micro(plan, at_least: int) -> str:
    """The first base grid of community A (the planner's scope) with at least ``at_least`` 微网格."""
    return next(c for c, a in sorted(plan.registry.items()) if a == AREA_A and c not in plan.exclusive
                and len(plan.micro_of(c)) >= at_least)


def select_grid(page, plan, code: str) -> None:
    """Click grid ``code`` on the map; wait until the page names it as selected."""
    drv = open_plan(page)
    p = lonlat(plan, plan.grids([code]).geometry.iloc[0].point_on_surface())
    drv.view(p, 17)
    page.mouse.click(*drv.screen(p))
    page.locator('[data-testid="stCode"]', has_text=code).wait_for(state="visible", timeout=60_000)
    wait_idle(page, 60_000)


def test_a_planner_sets_a_building_head_saves_and_sees_it_after_reopening(
        office, server: str, browser) -> None:  # noqa: F811
    from gridmap.workspace import open_workspace

    ws = open_workspace(office)
    store = ws.as_system("test")
    plan = store.plan_at(PROJECT, PLAN)
    code = grid_with_micro(plan, 1)
    first = plan.micro_of(code)["micro_code"].iloc[0]
    context, page = login(browser, server, "p1")
    try:
        select_grid(page, plan, code)
        name = page.get_by_label("楼栋长姓名")
        name.fill("赵楼长")
        page.get_by_label("楼栋长电话").fill("02584000000")
        page.get_by_role("button", name="保存楼栋长", exact=True).click()
        page.get_by_text(f"已设置微网格 {first} 的楼栋长").wait_for(timeout=60_000)
        wait_idle(page, 60_000)
        page.get_by_role("button", name="保存", exact=True).click()
        page.get_by_text(f"已保存：方案 {PLAN} 版本 2").wait_for(timeout=60_000)
    finally:
        context.close()
    head = store.plan_at(PROJECT, PLAN)
    assert head.micro_of(code).set_index("micro_code").at[first, "building_head"] == "赵楼长"
    assert head.edit_log()["op"].tolist()[-1] == "micro_head"
    assert store.revisions(PROJECT, PLAN)[-1].author == "p1"
    context, page = login(browser, server, "p1")  # a new browser session: the saved plan again
    try:
        select_grid(page, plan, code)
        expect(page.get_by_label("楼栋长姓名")).to_have_value("赵楼长", timeout=30_000)
    finally:
        context.close()
    close(ws)


def test_a_planner_draws_around_a_building_and_it_joins_the_chosen_micro_grid(
        office, server: str, browser) -> None:  # noqa: F811
    import copy

    import shapely

    from gridmap.errors import GridmapError
    from gridmap.workspace import open_workspace

    ws = open_workspace(office)
    store = ws.as_system("test")
    plan = store.plan_at(PROJECT, PLAN)
    code = grid_with_micro(plan, 2)
    micro = plan.micro_of(code)
    target, shape = micro["micro_code"].iloc[0], micro.geometry.iloc[0]  # the panel's first choice
    points = plan.micro_residents().to_crs(plan.crs).geometry.representative_point()
    grid = plan.grids([code]).geometry.iloc[0]
    others = points[points.within(grid) & ~points.within(shape)]
    context, page = login(browser, server, "p1")
    try:
        select_grid(page, plan, code)
        page.get_by_text("把楼栋划入所选微网格").click()
        page.get_by_text("圈选的楼栋并入微网格").wait_for(timeout=60_000)
        wait_idle(page, 60_000)
        drv = MapDriver(page)
        for i in others.distance(shape).sort_values().index[:10]:  # the buildings nearest the target first
            p = lonlat(plan, points[i])
            drv.view(p, 18)
            cx, cy = drv.screen(p)
            square = [(cx - 10, cy - 10), (cx + 10, cy - 10), (cx + 10, cy + 10), (cx - 10, cy + 10)]
            polygon = shapely.Polygon(drv.lonlat(square))
            trial = copy.deepcopy(plan)
            try:
                trial.move_micro(target, polygon=polygon, crs="EPSG:4326")  # the core's figure for that polygon
            except GridmapError:
                continue
            break
        else:
            raise AssertionError("no building next to the target 微网格")
        before = int(micro.set_index("micro_code").at[target, "households"])
        after = int(trial.micro_of(code).set_index("micro_code").at[target, "households"])
        assert after > before
        drv.draw_polygon(square)
        page.get_by_text(f"{before} → {after} 户").wait_for(timeout=60_000)
        drv.frame.wait_for_function(
            """([code, hh]) => { for (const k in map._layers) { const f = map._layers[k].feature;
                 if (f && f.properties && f.properties.micro_code === code && f.properties.households === hh)
                   return true; } return false; }""", arg=[target, after], timeout=30_000, polling="raf")
        assert not page.locator('[data-testid="stException"]').count()
        assert page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane").count()
    finally:
        context.close()
    close(ws)
