"""The city page in a real headless Chromium: a registered ``gridmap run`` folder, the 街道
choropleth with its legend, a click on a 街道 opening its detail map, and what the first map costs.

The server is started as ``gridmap serve --results DIR`` would (the folder in
``GRIDMAP_RESULTS``); Debian's /usr/bin/chromium is driven by Playwright (never
``playwright install``). :func:`open_city` is shared with ``benchmarks/bench_city.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))

from test_app_browser import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, browser  # noqa: E402, F401 - browser: a fixture
from test_app_browser_grid import wait_idle  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    """A free TCP port on this machine."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(results: Path, log: Path, demo_module: str | None = "standin_demo") -> tuple[subprocess.Popen, str]:
    """Streamlit as ``gridmap serve --results`` runs it, on a free port; waits for its health check."""
    from gridmap.cli.serve import streamlit_command
    from gridmap.scale.summary import RESULTS_ENV

    port = free_port()
    env = dict(os.environ, **{RESULTS_ENV: str(results)})
    if demo_module:
        env["GRIDMAP_DEMO_MODULE"] = demo_module
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    with open(log, "wb") as out:
        proc = subprocess.Popen(streamlit_command("127.0.0.1", port, python=sys.executable), cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError(f"streamlit did not answer in 90 s:\n{log.read_text(errors='replace')}")
        time.sleep(0.25)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def open_city(chromium, base: str, results: Path, timeout_ms: int = 600_000) -> dict:
    """Open ``?page=city`` in a fresh browser context, choose the results folder, and wait for the
    city map's polygons. Returns the page, its map frame, the seconds from choosing the folder
    to the map drawn, and the bytes the server sent meanwhile (WebSocket frames and HTTP bodies).
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sent = {"bytes": 0}

    def on_ws(ws) -> None:
        ws.on("framereceived", lambda payload: sent.__setitem__("bytes", sent["bytes"] + len(payload)))

    def on_response(r) -> None:
        try:
            sent["bytes"] += len(r.body())
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            pass

    page.on("websocket", on_ws)
    page.on("response", on_response)
    page.goto(base + "/?page=city", wait_until="commit")
    page.get_by_text("全市概览").first.wait_for(timeout=timeout_ms)
    choose = page.locator('[data-testid="stSelectbox"]').filter(has_text="成果来源")
    choose.click()
    before = sent["bytes"]
    t0 = time.perf_counter()
    page.get_by_role("option", name=results.name).click()
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".gridmap-legend").wait_for(timeout=timeout_ms)
    frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=timeout_ms)
    seconds = time.perf_counter() - t0
    page.wait_for_timeout(500)
    return {"context": context, "page": page, "frame": frame, "seconds": seconds, "bytes": sent["bytes"] - before}


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
    proc, base = start_server(results, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield base
    finally:
        stop_server(proc)


def test_city_map_then_a_click_opens_the_street(server, browser, results) -> None:  # noqa: F811 - the fixture
    from gridmap.scale.summary import city_summary, load_city_results

    s = city_summary(load_city_results(results))
    opened = open_city(browser, server, results)
    try:
        page, frame = opened["page"], opened["frame"]
        labels = [x.strip() for x in frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
        assert "街道" in labels and "社区" in labels, labels
        assert frame.locator(".leaflet-overlay-pane svg path").count() >= len(s.streets)
        assert opened["bytes"] < 2_000_000, f"the first city map cost {opened['bytes']:,} bytes"
        print(f"\ncity map: {opened['seconds']:.2f} s, {opened['bytes']:,} bytes")
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
