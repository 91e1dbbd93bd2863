"""The app in a real headless Chromium: the map shows, and nothing leaves this machine.

Starts ``streamlit run app.py`` on a free port (module fixture) and drives Debian's
/usr/bin/chromium with Playwright (never ``playwright install``). Runs on the real demo when
``gridmap.demo`` and ``data/demo.gpkg`` exist, else on tests/standin_demo.py.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
VENDOR = REPO / "static" / "vendor"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _real_demo_available() -> bool:
    return importlib.util.find_spec("gridmap.demo") is not None and (REPO / "data" / "demo.gpkg").is_file()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    if not (VENDOR / "leaflet" / "leaflet.js").is_file():
        pytest.fail("static/vendor is missing: run `bash scripts/install_assets.sh` before the browser tests")

    port = _free_port()
    env = dict(os.environ)
    if _real_demo_available():
        demo = "gridmap.demo"
        env.pop("GRIDMAP_DEMO_MODULE", None)
    else:
        demo = "standin_demo"
        env["GRIDMAP_DEMO_MODULE"] = demo
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer /_stcore/health in 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        print(f"\nstreamlit on {base} (demo module: {demo})")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def loaded(server: str, browser):
    """The app opened once; every request and response recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    responses: list[tuple[str, int]] = []
    failed: list[tuple[str, str]] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on("response", lambda r: responses.append((r.url, r.status)))
    context.on("requestfailed", lambda r: failed.append((r.url, r.failure or "")))

    t0 = time.perf_counter()
    page.goto(server, wait_until="commit")
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".leaflet-container").wait_for(state="visible", timeout=90_000)
    frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=90_000)
    seconds = time.perf_counter() - t0
    print(f"\ntime from goto to first map visible (vector layers drawn): {seconds:.2f} s")
    # let late requests (fonts, images) finish before the checks
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    try:
        yield {
            "page": page,
            "frame": frame,
            "requests": requests,
            "responses": responses,
            "failed": failed,
            "seconds": seconds,
        }
    finally:
        context.close()


def test_map_shows_vector_layers(loaded) -> None:
    frame = loaded["frame"]
    assert frame.locator(".leaflet-container").is_visible()
    paths = frame.locator(".leaflet-overlay-pane svg path")
    assert paths.count() > 100, "expected the buildings, streets and zones as SVG paths"
    assert frame.locator(".leaflet-tile").count() == 0, "no tile layer expected offline"
    labels = [s.strip() for s in frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    for name in ("党建网格", "综治网格", "城管网格", "居民建筑", "街道", "建筑"):
        assert name in labels, f"layer {name} not in the layer control: {labels}"
    assert "OpenStreetMap contributors (ODbL)" in frame.locator(".leaflet-control-attribution").inner_text()
    assert loaded["seconds"] < 60


def test_layers_toggle(loaded) -> None:
    frame = loaded["frame"]
    paths = frame.locator(".leaflet-overlay-pane svg path")
    before = paths.count()
    box = frame.locator(".leaflet-control-layers-overlays label", has_text="居民建筑").locator("input")
    box.uncheck()
    after = paths.count()
    assert after < before - 100, f"switching residents off removed too few paths ({before} → {after})"
    box.check()
    assert paths.count() == before


def test_no_request_leaves_localhost(loaded) -> None:
    outside = []
    for url in loaded["requests"]:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
            continue
        if parsed.hostname not in LOCAL_HOSTS:
            outside.append(url)
    assert not outside, f"requests to other hosts: {outside[:10]}"
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in loaded["requests"])


def test_no_asset_request_fails(loaded) -> None:
    bad = [(u, s) for u, s in loaded["responses"] if s >= 400]
    assert not bad, f"HTTP errors: {bad}"
    failed = [(u, why) for u, why in loaded["failed"] if not u.startswith("data:")]
    assert not failed, f"failed requests: {failed}"
    vendor = {urlparse(u).path: s for u, s in loaded["responses"] if "/app/static/vendor/" in u}
    for asset in ("leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js", "fontawesome/css/all.min.css"):
        assert vendor.get(f"/app/static/vendor/{asset}") in (200, 304), f"{asset} not served: {vendor}"
