"""The city page in a real headless Chromium: a registered ``gridmap run`` folder, the 街道
choropleth with its legend, the 社区 on request, a click on a 街道 opening its detail map, and what
the first map costs.

The server is ``gridmap serve --results DIR`` (:func:`browser_support.serve`); Debian's
/usr/bin/chromium is driven by Playwright (never ``playwright install``). :func:`open_city` is
shared with ``benchmarks/bench_city.py``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))

from browser_support import serve  # noqa: E402
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, browser  # noqa: E402, F401 - browser: a fixture
from test_app_browser_grid import wait_idle  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Environment of a server whose demo is the tests' small stand-in (``tests/standin_demo.py``).
STANDIN_ENV = {"GRIDMAP_DEMO_MODULE": "standin_demo",
               "PYTHONPATH": os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)}


def byte_kind(url: str) -> str:
    """Which part of the app an HTTP response belongs to: ``map`` (the map component's page and
    scripts, the map assets under /app/static), or ``streamlit`` (Streamlit's own page and static
    bundle: the same for every page, and kept by a browser's cache after the first visit)."""
    path = urlsplit(url).path
    return "map" if path.startswith(("/component/", "/app/static/")) else "streamlit"


def open_city(chromium, base: str, streets: int, communities: int, timeout_ms: int = 600_000, *,
              context=None) -> dict:
    """Open ``?page=city`` in a fresh browser context (or a new page of ``context``, whose cache may
    already hold Streamlit's bundle and the map's scripts) and wait for the first city map of the source
    the page opens with (the open project's results, else the first ``--results`` folder): the
    caption naming its ``streets`` 街道 and ``communities`` 社区, the map's legend and one drawn
    polygon per 街道.

    Returns the page, its map frame, ``seconds`` from navigation to that map drawn
    (``caption_seconds`` to the caption, before the map), and the bytes
    the server sent meanwhile: ``ws`` of the WebSocket frames' payloads (the page and the map's
    data, uncompressed), ``map_http`` of the map component's HTTP bodies as they came over the wire
    (its page, scripts and the Leaflet assets; 0 when the browser's cache served them), ``bytes``
    their sum — what a first map costs — and ``streamlit_http``, Streamlit's own page and static
    bundle (a browser caches it).
    """
    context = context or chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sent = {"ws": 0, "map": 0, "streamlit": 0}

    def on_ws(ws) -> None:
        ws.on("framereceived", lambda payload: sent.__setitem__("ws", sent["ws"] + len(payload)))

    def on_response(r) -> None:
        with contextlib.suppress(Exception):  # redirects and aborted requests have no body
            # the body as it came over the wire (compressed, 0 when the browser's cache served it)
            sent[byte_kind(r.url)] += max(0, r.request.sizes()["responseBodySize"])  # -1: unknown (a cache)

    page.on("websocket", on_ws)
    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(base + "/?page=city", wait_until="commit")
    page.get_by_text(f"{streets} 个街道、{communities} 个社区").first.wait_for(timeout=timeout_ms)
    caption_seconds = time.perf_counter() - t0
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".gridmap-legend").wait_for(timeout=timeout_ms)
    frame.locator(".leaflet-overlay-pane svg path").nth(streets - 1).wait_for(state="attached", timeout=timeout_ms)
    seconds = time.perf_counter() - t0
    at_map = dict(sent)
    page.wait_for_timeout(500)
    return {"context": context, "page": page, "frame": frame, "seconds": seconds, "caption_seconds": caption_seconds,
            "ws": at_map["ws"],
            "map_http": at_map["map"], "bytes": at_map["ws"] + at_map["map"], "streamlit_http": at_map["streamlit"]}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    from gridmap.cli import main

    folder = tmp_path_factory.mktemp("city_browser") / "city_run"
    config = folder.parent / "run.toml"
    config.write_text("[synthetic]\nn_buildings = 3000\nseed = 3\nstreet_communities = [1, 2]\n", encoding="utf-8")
    assert main(["run", "--config", str(config), "--out", str(folder), "--scheduler", "single", "--quiet"]) == 0
    return folder


@pytest.fixture(scope="module")
def server(results, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    folder = tmp_path_factory.mktemp("streamlit")
    with serve(folder / "workspace", folder / "server.log", timeout=600, results=[results],
               extra_env=STANDIN_ENV) as base:
        yield base


def test_city_map_then_a_click_opens_the_street(server, browser, results) -> None:  # noqa: F811 - the fixture
    from gridmap.scale.summary import city_summary, load_city_results

    s = city_summary(load_city_results(results))
    opened = open_city(browser, server, len(s.streets), len(s.communities))
    try:
        page, frame = opened["page"], opened["frame"]
        assert frame.locator(".leaflet-overlay-pane svg path").count() >= len(s.streets)
        assert opened["bytes"] < 2_000_000, f"the first city map cost {opened['bytes']:,} bytes"
        print(f"\ncity map: {opened['seconds']:.2f} s, {opened['bytes']:,} bytes (WebSocket {opened['ws']:,}, map "
              f"component {opened['map_http']:,}; Streamlit's bundle {opened['streamlit_http']:,})")
        # the 社区 on request: the map then offers both layers
        wait_idle(page, 120_000)
        page.get_by_text("社区（数据量较大）").click()
        frame.locator(".leaflet-control-layers-overlays label").filter(has_text="社区").wait_for(timeout=120_000)
        labels = [x.strip() for x in frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
        assert "街道" in labels and "社区" in labels, labels
        # click the middle of the map — some 街道 is there (they tile the city): its detail opens below
        container = frame.locator(".leaflet-container")
        box = container.bounding_box()
        assert box is not None
        # the click counts once the page's run is over (a click while the script reruns for the
        # map's first value may be taken by the old map); one retry if no detail came in 60 s
        detail = page.get_by_text("：详情").first
        for attempt in range(2):
            wait_idle(page, 120_000)
            container.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
            try:
                detail.wait_for(timeout=60_000 if attempt == 0 else 180_000)
                break
            except PlaywrightTimeout:
                if attempt:
                    raise
                print("no detail 60 s after the click: clicking again")
        assert any(page.get_by_text(f"{name}：详情").count() for name in s.streets["street_name"])
        page.frame_locator(MAP_IFRAME).nth(1).locator(".leaflet-overlay-pane svg path").first.wait_for(
            state="attached", timeout=120_000)
    finally:
        opened["context"].close()
