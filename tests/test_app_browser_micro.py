"""The Grid page's 微网格 section in a real headless Chromium (issue 16).

A workspace of the stand-in demo whose plan has 微网格, served by ``gridmap serve --workspace``;
Debian's /usr/bin/chromium driven with Playwright. A planner clicks a grid of their community on
the map, sets the 楼栋长 of its first 微网格 and saves; the workspace's head holds the name and the
edit log names the step; reopened in a new browser session, the plan shows the name again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import close, serve, standin_micro_office  # noqa: E402
from test_app_browser import CHROMIUM, VENDOR, browser  # noqa: E402, F401
from test_app_browser_grid import lonlat, wait_idle  # noqa: E402
from test_app_browser_workspace import login, open_plan  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "office-pass-2026"  # the password login() of the workspace browser tests types
PROJECT, PLAN = "office", "grids"
AREA_A = "320101001"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """The workspace folder: the stand-in project, its plan with 微网格 at revision 1, a planner of community A."""
    folder = tmp_path_factory.mktemp("micro") / "workspace"
    ws, admin, _, _ = standin_micro_office(folder, PROJECT, PLAN)
    admin.add_user("p1", "planner", PASSWORD, scopes=[AREA_A], projects=[PROJECT])
    close(ws)
    return folder


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    if not (VENDOR / "leaflet" / "leaflet.js").is_file():
        pytest.fail("static/vendor is missing: run `bash scripts/install_assets.sh` before the browser tests")
    with serve(office, tmp_path_factory.mktemp("server") / "server.log") as base:
        yield base


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
    code = next(c for c, a in sorted(plan.registry.items()) if a == AREA_A and c not in plan.exclusive
                and len(plan.micro_of(c)) > 0)
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
