"""The staffing layers of the Grid page in a real headless Chromium (issue 16).

A workspace of the stand-in demo (project ``office``) whose plan has 微网格 and whose staffing run
(网格员 for two grids in three, 党员 in every other 微网格) is kept in the project, as
``gridmap staff --workspace`` keeps it; ``gridmap serve --workspace`` serves it, Debian's
/usr/bin/chromium is driven with Playwright.

* a viewer sees the staffing map with its layers (households per 网格员, grids without one, 党员
  per 微网格) and their legend — and no name of a 网格员 anywhere on the page or in what the
  server sent;
* a planner sees the same map and the list of the 网格员 of the grids inside the scope only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import serve, standin_office  # noqa: E402
from test_app_browser import CHROMIUM, MAP_IFRAME, VENDOR, browser, require_browser  # noqa: E402, F401
from test_app_browser_grid import wait_idle  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "staff-pass-2026"
PROJECT, PLAN = "office", "grids"
AREA_A = "320101001"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The workspace folder, and the staff list the run assigned (to look for names on the page)."""
    from gridmap.people.staffing import assign_members, assign_staff, staffing_layers

    folder = tmp_path_factory.mktemp("staffing") / "workspace"
    ws, admin, plan, _ = standin_office(folder, PROJECT, PLAN)
    grids = plan.grids()
    homes = shapely.point_on_surface(grids.geometry.to_numpy())
    keep = np.arange(len(grids)) % 3 != 2  # every third grid has nobody near
    n = int(keep.sum())
    staff = gpd.GeoDataFrame({"staff_id": [f"S{k:03d}" for k in range(n)], "name": [f"张网格{k:02d}" for k in range(n)],
                              "phone": [f"1390000{k:04d}" for k in range(n)], "staff_type": "专职",
                              "capacity": 1000},
                             geometry=list(homes[keep]), crs=grids.crs)
    result = assign_staff(grids, staff, max_distance_m=50)
    micro_points = shapely.point_on_surface(plan.micro_grids.geometry.to_numpy())[::2]
    members = gpd.GeoDataFrame({"member_id": [f"M{k}" for k in range(len(micro_points))], "name": "党员"},
                               geometry=list(micro_points), crs=grids.crs)
    placed = assign_members(plan.micro_grids, members, grids)
    admin.store_layers(PROJECT, "staffing", staffing_layers(grids, result.grids, result.assignments,
                                                             plan.micro_grids, placed.micro, placed.members,
                                                             plan=PLAN, revision=1))
    admin.add_user("p1", "planner", PASSWORD, scopes=[AREA_A], projects=[PROJECT])
    admin.add_user("v1", "viewer", PASSWORD, projects=[PROJECT])
    assert (~result.grids["staffed"]).any() and result.grids["staffed"].any()
    from gridmap.workspace import Principal, Role

    planner = ws.as_user(Principal("p1", Role.PLANNER, scopes=(AREA_A,), projects=(PROJECT,)))
    seen = planner.layer(PROJECT, "staff_assignments")  # the workspace's rule: names of the grids in scope
    inside = result.assignments["staff_id"].isin(set(seen.loc[seen["name"].notna(), "staff_id"]))
    return folder, result.assignments.assign(inside=inside.to_numpy())


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    folder, _ = office
    require_browser()
    # the office's server as every browser test starts it (browser_support.serve); health only: this
    # module's pages build their maps on first visit
    with serve(folder, tmp_path_factory.mktemp("server") / "server.log", wait_warm=False, timeout=90) as base:
        yield base


def login(browser, server: str, name: str, frames: list):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.errors = errors
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(f"{server}/?page=grid", wait_until="commit")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_text(f"已登录：{name}").wait_for(timeout=90_000)
    return context, page


def staffing_frame(page):
    """The staffing section's map (the last map of the Grid page), once its layers are drawn."""
    page.get_by_text("力量下沉：网格员、党员、结对帮扶").wait_for(timeout=180_000)
    wait_idle(page, 180_000)
    page.locator(MAP_IFRAME).nth(1).wait_for(state="attached", timeout=90_000)  # after the Grid page's own map
    frame = page.frame_locator(MAP_IFRAME).nth(1)
    frame.locator(".gridmap-staffing-legend").wait_for(state="attached", timeout=90_000)
    frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=90_000)
    return frame


def _text(frames: list) -> str:
    return "".join(f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in frames)


def test_a_viewer_sees_the_staffing_layers_and_no_names(server: str, browser, office) -> None:  # noqa: F811
    _, assignments = office
    frames: list = []
    context, page = login(browser, server, "v1", frames)
    try:
        frame = staffing_frame(page)
        control = frame.locator(".leaflet-control-layers").inner_text(timeout=30_000)
        for layer in ("网格员人均服务户数", "未配备网格员的网格", "微网格党员数"):
            assert layer in control, control
        assert frame.locator(".gridmap-staffing-legend").count() == 1
        n_paths = frame.locator(".leaflet-overlay-pane svg path").count()
        assert n_paths > 12 and not page.errors, page.errors  # at least the grids, drawn without a script error
        page.get_by_text("查看者只能看到数量，不显示人员名单。").wait_for(timeout=30_000)
        sent = _text(frames) + page.content()
        names = assignments["name"].tolist()
        assert names and not any(name in sent for name in names)
        assert not any(phone in sent for phone in assignments["phone"])
    finally:
        context.close()


def test_a_planner_sees_the_staff_of_the_grids_in_scope_only(server: str, browser, office) -> None:  # noqa: F811
    _, assignments = office
    frames: list = []
    context, page = login(browser, server, "p1", frames)
    try:
        staffing_frame(page)
        page.get_by_text("网格员名单（仅限您负责的范围）").click()
        table = page.get_by_test_id("stDataFrame").last
        table.wait_for(timeout=30_000)
        inside, outside = assignments[assignments["inside"]], assignments[~assignments["inside"]]
        assert len(inside) and len(outside)
        sent = _text(frames)
        assert all(name in sent for name in inside["name"])
        assert not any(name in sent for name in outside["name"])
    finally:
        context.close()
