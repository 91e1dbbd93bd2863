"""The app in a real headless Chromium: the map shows, and nothing leaves this machine.

Starts the app as ``gridmap serve`` does (:func:`gridmap.cli.serve.streamlit_command`) on a free
port (module fixture) and drives Debian's /usr/bin/chromium with Playwright (never
``playwright install``). Runs on the real demo when ``gridmap.demo`` and ``data/demo.gpkg`` exist,
else on tests/standin_demo.py.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from gridmap.present.maps import VENDOR_DIR

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import REPO, free_port, serve  # noqa: E402, F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
VENDOR = VENDOR_DIR
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


_free_port = free_port  # the name the browser benchmarks and other test modules import


def _real_demo_available() -> bool:
    return importlib.util.find_spec("gridmap.demo") is not None and (REPO / "gridmap" / "data" / "demo.gpkg").is_file()


def require_browser() -> None:
    """Skip when Debian's chromium is missing; fail when the offline map assets are (every browser test
    needs both: the map would not draw)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    if not (VENDOR / "leaflet" / "leaflet.js").is_file():
        pytest.fail("static/vendor is missing: run `bash scripts/install_assets.sh` before the browser tests")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    require_browser()
    env = dict(os.environ)
    if _real_demo_available():
        demo = "gridmap.demo"
        env.pop("GRIDMAP_DEMO_MODULE", None)
    else:
        demo = "standin_demo"
        env["GRIDMAP_DEMO_MODULE"] = demo
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    folder = tmp_path_factory.mktemp("streamlit")
    # a new workspace: the demo, open; the pages asked for before the warm-up ends compute what they need
    with serve(folder / "workspace", folder / "server.log", wait_warm=False, timeout=60, env=env) as base:
        print(f"\nstreamlit on {base} (demo module: {demo})")
        yield base


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
    # only Leaflet: the pages use no jQuery/Bootstrap/Font Awesome feature (gridmap.app.mapkit.lean_assets)
    for asset in ("leaflet/leaflet.js", "leaflet/leaflet.css"):
        assert vendor.get(f"/app/static/vendor/{asset}") in (200, 304), f"{asset} not served: {vendor}"


# ------------------------------------------------------------------------------------------------
# every page, as a person would open it

SCREENSHOTS = REPO / "artifacts" / "screenshots"
PAGES = ("data", "overview", "coverage", "access", "grid", "siting", "export")


def _open_page(browser, server: str, page_key: str) -> dict:
    """Open ``?page=<key>`` in a fresh context; record console errors, page errors, failed requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    rec: dict = {"context": context, "page": page, "console": [], "failed": [], "bad": []}
    page.on("console", lambda m: rec["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: rec["console"].append(f"pageerror: {e}"))
    context.on("requestfailed", lambda r: rec["failed"].append((r.url, r.failure or "")))
    context.on("response", lambda r: rec["bad"].append((r.url, r.status)) if r.status >= 400 else None)
    page.goto(f"{server}/?page={page_key}", wait_until="commit")
    page.locator('[data-testid="stHeading"] h2').first.wait_for(state="visible", timeout=90_000)
    if page_key != "export":
        frame = page.frame_locator(MAP_IFRAME)
        frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=90_000)
    else:
        page.locator('[data-testid="stDownloadButton"]').first.wait_for(state="visible", timeout=90_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    return rec


@pytest.mark.parametrize("page_key", PAGES)
def test_every_page_opens_with_no_errors(server: str, browser, page_key: str) -> None:
    rec = _open_page(browser, server, page_key)
    try:
        page = rec["page"]
        assert not page.locator('[data-testid="stException"]').count(), "the page shows a traceback"
        assert not page.locator('[data-testid="stAlertContentError"]').count(), "the page shows an error"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{page_key}.png"), full_page=True)
        assert not rec["console"], f"console errors: {rec['console'][:5]}"
        failed = [(u, w) for u, w in rec["failed"] if not u.startswith("data:")]
        assert not failed, f"failed requests: {failed[:5]}"
        assert not rec["bad"], f"HTTP errors: {rec['bad'][:5]}"
        if page_key != "export":
            frame = page.frame_locator(MAP_IFRAME)
            assert frame.locator(".leaflet-tile").count() == 0
            assert frame.locator(".leaflet-control-layers-overlays label").count() >= 3
    finally:
        rec["context"].close()


def test_map_keeps_its_position_across_reruns(server: str, browser) -> None:
    rec = _open_page(browser, server, "coverage")
    try:
        page, frame = rec["page"], rec["page"].frame_locator(MAP_IFRAME)
        zoom_in = frame.locator(".leaflet-control-zoom-in")
        zoom_in.click()
        page.wait_for_timeout(400)
        zoom_in.click()
        page.wait_for_timeout(600)
        before = frame.locator(".leaflet-container").evaluate(
            "el => JSON.parse(window.sessionStorage.getItem(Object.keys(window.sessionStorage)"
            ".find(k => k.startsWith('gridmap-view:coverage_map'))))")
        # a rerun that rebuilds the map: switch the heat mode and back
        page.get_by_text("未覆盖户数（六边形）").click()
        frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=60_000)
        page.get_by_text("覆盖系统数", exact=True).click()
        page.wait_for_timeout(1500)
        frame = page.frame_locator(MAP_IFRAME)
        frame.locator(".leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(500)
        zoom = frame.locator(".leaflet-container").evaluate(
            "el => { const k = Object.keys(window.sessionStorage).find(k => k.startsWith('gridmap-view:coverage_map'));"
            " return JSON.parse(window.sessionStorage.getItem(k)).zoom; }")
        assert zoom == before["zoom"], (zoom, before)
        assert not rec["console"], rec["console"][:5]
    finally:
        rec["context"].close()


def _ring_area(ring) -> float:
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:], strict=True):
        s += x1 * y2 - x2 * y1
    return s / 2


def test_geojson_download_is_rfc7946_and_loads_back(server: str, browser, tmp_path: Path) -> None:
    import json

    import geopandas as gpd

    if not _real_demo_available():
        pytest.skip("checks the figures against the real demo")
    from gridmap.analysis.coverage import coverage_report
    from gridmap.analysis.mosaic import build_mosaic
    from gridmap.demo import demo_zone_layers, load_demo

    rec = _open_page(browser, server, "export")
    try:
        page = rec["page"]
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="下载 GeoJSON").click()
        download = info.value
        assert download.suggested_filename == "gaps.geojson"
        path = tmp_path / "gaps.geojson"
        download.save_as(path)
        assert not rec["console"], rec["console"][:5]
    finally:
        rec["context"].close()
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        if not g["coordinates"]:  # a sliver < 1 m² that collapses at 7 decimals (flagged, see report)
            assert f["properties"]["is_sliver"], f["properties"]
            continue
        for poly in polys:
            assert _ring_area(poly[0]) > 0, "exterior ring not counter-clockwise"
            for hole in poly[1:]:
                assert _ring_area(hole) < 0, "hole not clockwise"
            for lon, lat in poly[0]:
                assert 118.7 < lon < 118.9 and 32.0 < lat < 32.1, "not lon/lat (or swapped)"
    back = gpd.read_file(path)
    demo = load_demo()
    zones = demo_zone_layers(demo)
    faces = build_mosaic(zones, demo["study_area"], demo["residents"])
    gaps = coverage_report(faces, zones, gap_width=5.0, sliver_m2=1.0).gaps
    assert list(back["gap_id"]) == list(gaps["gap_id"])
    assert list(back["households"]) == list(gaps["households"])
    metric = back.to_crs(gaps.crs)
    assert metric.geometry.area.sum() == pytest.approx(gaps.geometry.area.sum(), rel=1e-4)  # 7 decimals ≈ 1 cm
