"""The first map after a restart (issue 14): a freshly started ``gridmap serve``, a person logs in.

    .venv/bin/python benchmarks/bench_first_map.py [--runs 5] [--url postgresql://…] [--backend gpkg|postgis|both]

An office workspace holding the real demo (project ``demo``) and one admin account is made once
per backend — a temporary GeoPackage folder, and a fresh schema of the database named by ``--url``
(default ``$GRIDMAP_TEST_POSTGRES_URL``; dropped afterwards) — then, ``--runs`` times, the server
is started afresh (``gridmap serve --workspace …``, exactly the command of the deployment), and
once it prints that its warm-up is done, each page (``--pages``; by default every page that draws a
map: data, overview, coverage, access, grid, siting) is opened in a new
headless Chromium context (empty browser cache, Debian's /usr/bin/chromium; never ``playwright
install``) and the person logs in. The figure is the seconds from the click on 登录 to the map's
first polygon drawn. Also printed: the seconds from the start to the warm-up done, and the same
page opened again in another new context on the same server (what a second person sees).

Target (issue 14): first map ≤ 3 s. Prints the median of the runs per backend and page.
Shares :func:`demo_office` and :func:`first_map_seconds` with tests/test_app_browser_first_map.py,
and :func:`serve` (the server's start) with the browser tests (tests/browser_support.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import ENV_POSTGRES_URL, drop_postgis, serve, with_schema  # noqa: E402
from test_app_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_app_browser_first_map import FIRST_MAP_TARGET_S, demo_office, first_map_seconds  # noqa: E402

#: The app's pages that draw a map (the city page has its own benchmark, bench_city.py).
MAP_PAGES = ("data", "overview", "coverage", "access", "grid", "siting")


def _locations(backends: list[str], url: str | None, folder: Path) -> dict[str, str | Path]:
    out: dict[str, str | Path] = {}
    for backend in backends:
        if backend == "gpkg":
            out[backend] = folder / "workspace"
        elif not url:
            print(f"postgis: skipped (give --url or set {ENV_POSTGRES_URL}; bash scripts/postgis.sh start prints one)")
        else:
            out[backend] = with_schema(url, "bench_first_map")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh server starts per backend (default 5)")
    parser.add_argument("--url", default=os.environ.get(ENV_POSTGRES_URL), help="PostgreSQL database with PostGIS")
    parser.add_argument("--backend", choices=("gpkg", "postgis", "both"), default="both")
    parser.add_argument("--pages", default=",".join(MAP_PAGES),
                        help=f"comma-separated page keys, opened in this order (default {','.join(MAP_PAGES)})")
    args = parser.parse_args()
    pages = tuple(k.strip() for k in args.pages.split(",") if k.strip())
    unknown = sorted(set(pages) - set(MAP_PAGES))
    if unknown or not pages:
        parser.error(f"--pages: unknown page key(s) {', '.join(unknown) or '(none given)'}; "
                     f"choose from {', '.join(MAP_PAGES)}")
    from playwright.sync_api import sync_playwright

    backends = ["gpkg", "postgis"] if args.backend == "both" else [args.backend]
    folder = Path(tempfile.mkdtemp(prefix="gridmap-bench-first-map-"))
    locations = _locations(backends, args.url, folder)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for backend, location in locations.items():
                demo_office(location)
                first: dict[str, list[float]] = {k: [] for k in pages}
                again: dict[str, list[float]] = {k: [] for k in pages}
                warm: list[float] = []
                for run in range(args.runs):
                    t0 = time.perf_counter()
                    with serve(location, folder / f"server-{backend}-{run}.log") as base:
                        warm.append(time.perf_counter() - t0)
                        for key in pages:
                            first[key].append(first_map_seconds(browser, base, key))
                        for key in pages:
                            again[key].append(first_map_seconds(browser, base, key))
                    print(f"{backend} run {run + 1}: warm-up {warm[-1]:.1f} s; "
                          + ", ".join(f"{k} {first[k][-1]:.2f} s (again {again[k][-1]:.2f} s)" for k in pages),
                          flush=True)
                for key in pages:
                    rows.append((backend, key, statistics.median(first[key]), max(first[key]),
                                 statistics.median(again[key]), statistics.median(warm)))
            browser.close()
    finally:
        for location in locations.values():
            if isinstance(location, str):
                drop_postgis(location)
    print(f"\nfirst map after a restart, {args.runs} fresh starts (seconds from the login click to the first polygon)")
    print(f"{'backend':<8} {'page':<9} {'median':>7} {'max':>6} {'again':>6} {'warm-up':>8}")
    for backend, key, median, worst, again_median, warm_median in rows:
        print(f"{backend:<8} {key:<9} {median:>7.2f} {worst:>6.2f} {again_median:>6.2f} {warm_median:>8.1f}")
    slowest = max((r[2] for r in rows), default=float("nan"))
    print(f"slowest median: {slowest:.2f} s (target ≤ {FIRST_MAP_TARGET_S} s: "
          f"{'met' if slowest <= FIRST_MAP_TARGET_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
