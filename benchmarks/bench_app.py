"""The app in headless Chromium: time to the first map, and bytes each page sends.

    .venv/bin/python benchmarks/bench_app.py [--runs 3]

Starts the app as ``gridmap serve`` does on a free port (the embedded demo), drives Debian's
/usr/bin/chromium with Playwright (never ``playwright install``), and for every page prints

* seconds from ``page.goto`` to the map's first vector path drawn: the first open on a freshly
  started server (cold: demo read, analyses computed); the median of later opens in new browser
  contexts (warm: the server's caches hold the results, the browser's cache is empty, as on a
  first visit); and the median of reopens in one context (the browser has Streamlit's and
  Leaflet's files cached, as a returning user). Timed opens are not instrumented;
* bytes sent for the page, counted in one more open through the DevTools protocol: the WebSocket
  frames of the script run (the app's payload: map script, tables, widgets) and the HTTP bodies
  (scripts, styles, fonts; cached by a browser after the first page).

Target (issue 6): first map visible ≤ 3 s; the heaviest page sends < 2 MB. Stops the server and
the browser when done.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from gridmap.cli.serve import streamlit_command

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = ("data", "overview", "coverage", "access", "grid", "siting", "export")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("GRIDMAP_DEMO_MODULE", None)
    env.pop("GRIDMAP_WORKSPACE", None)
    workspace = Path(tempfile.mkdtemp(prefix="gridmap-bench-app-")) / "workspace"  # new: the demo, open
    proc = subprocess.Popen(streamlit_command("127.0.0.1", port, workspace=workspace), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("streamlit did not start in 60 s")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server started by :func:`_start` (killed if it does not stop within 15 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _first_map(page, url: str, page_key: str) -> float:
    """Seconds from ``page.goto`` to the map's first vector path (or the export page's first download button)."""
    t0 = time.perf_counter()
    page.goto(f"{url}/?page={page_key}", wait_until="commit")
    if page_key == "export":
        page.locator('[data-testid="stDownloadButton"]').first.wait_for(state="visible", timeout=120_000)
    else:
        page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane svg path").first.wait_for(
            state="attached", timeout=120_000)
    return time.perf_counter() - t0


def _open(browser, url: str, page_key: str) -> float:
    """Seconds to the first map in a new browser context (empty cache, as a first visit)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        return _first_map(context.new_page(), url, page_key)
    finally:
        context.close()


def _bytes(browser, url: str, page_key: str) -> tuple[int, int]:
    """(WebSocket bytes, HTTP bytes) of one open, counted through the DevTools protocol.

    A separate open: relaying every frame to the benchmark slows the browser, so the timed opens
    are left uninstrumented, as a user's browser is.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    ws = [0]
    http = [0]

    def frame(e: dict) -> None:  # binary frames (opcode 2) arrive base64-encoded
        data = e["response"]["payloadData"]
        ws[0] += len(base64.b64decode(data)) if e["response"].get("opcode") == 2 else len(data.encode())

    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.loadingFinished", lambda e: http.__setitem__(0, http[0] + int(e.get("encodedDataLength", 0))))
    try:
        _first_map(page, url, page_key)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        return ws[0], http[0]
    finally:
        context.close()


def _warm_reopen(browser, url: str, page_key: str, runs: int) -> float:
    """Median seconds to the first map when the browser has the app's files cached (a returning user)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        _first_map(context.new_page(), url, page_key)
        times = []
        for _ in range(runs):
            page = context.new_page()
            times.append(_first_map(page, url, page_key))
            page.close()
        return statistics.median(times)
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="warm opens per page (default 3)")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages (default: all)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = _start(port)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for key in args.pages.split(","):
                    cold = _open(browser, url, key)
                    warm = [_open(browser, url, key) for _ in range(args.runs)]
                    cached = _warm_reopen(browser, url, key, args.runs)
                    ws, http = _bytes(browser, url, key)
                    rows.append((key, cold, statistics.median(warm), cached, ws, http))
            finally:
                browser.close()
    finally:
        _stop(proc)
    print(f"{'page':<10} {'first map cold (s)':>19} {'warm median (s)':>16} {'cached browser (s)':>19} "
          f"{'app payload (MB)':>17} {'HTTP (MB)':>10}")
    for key, cold, warm, cached, ws, http in rows:
        print(f"{key:<10} {cold:>19.2f} {warm:>16.2f} {cached:>19.2f} {ws / 1e6:>17.2f} {http / 1e6:>10.2f}")
    heaviest = max(rows, key=lambda r: r[4])
    worst = max(r[2] for r in rows if r[0] != "export")
    print(f"\nheaviest page: {heaviest[0]} sends {heaviest[4] / 1e6:.2f} MB over the WebSocket "
          f"(target < 2 MB: {'ok' if heaviest[4] < 2e6 else 'MISSED'})")
    print(f"slowest warm first map (empty browser cache): {worst:.2f} s (target ≤ 3 s: "
          f"{'ok' if worst <= 3 else 'MISSED'}); with the browser's cache: "
          f"{max(r[3] for r in rows if r[0] != 'export'):.2f} s; first map of a freshly started server "
          f"({rows[0][0]} page, cold): {rows[0][1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
