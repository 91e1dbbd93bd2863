"""Benchmark the city page: time to the first city map and bytes sent, on a gridmap run folder.

    .venv/bin/python -m gridmap run --config CITY.toml --out out/city1m     # e.g. [synthetic] n_buildings = 1000000
    .venv/bin/python benchmarks/bench_city.py out/city1m [--repeat 3]

Starts the app as ``gridmap serve --results out/city1m`` does, then opens ``?page=city`` in
headless Chromium (Debian's /usr/bin/chromium) and chooses the folder: the first time with a cold
server (the folder is read and summarised), then ``--repeat`` times in fresh browser sessions with
the server warm. Reported per opening: seconds from choosing the folder to the city map's polygons
drawn, and the bytes the server sent meanwhile (WebSocket frames and HTTP bodies); also the size
of the summary itself (GeoJSON of the 街道 and 社区 layers).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path, help="output folder of gridmap run")
    ap.add_argument("--repeat", type=int, default=3, help="warm openings (fresh browser sessions)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    from test_app_browser_city import CHROMIUM, CHROMIUM_ARGS, open_city, start_server, stop_server

    from gridmap.scale.summary import city_summary, load_city_results

    results = args.results.resolve()
    t0 = time.perf_counter()
    res = load_city_results(results)
    t1 = time.perf_counter()
    s = city_summary(res)
    t2 = time.perf_counter()
    size = len(s.streets.to_json()) + len(s.communities.to_json())
    print(f"{results.name}: {len(s.streets)} 街道, {len(s.communities)} 社区, {len(res.grids):,} grids, "
          f"{int(s.totals['households']):,} households; in this process: read {t1 - t0:.1f} s, summary "
          f"{t2 - t1:.1f} s, summary GeoJSON {size:,} bytes")
    log = Path(tempfile.mkdtemp()) / "server.log"
    proc, base = start_server(results, log)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            rows = []
            for k in range(args.repeat + 1):
                opened = open_city(browser, base, results)
                opened["context"].close()
                rows.append((opened["seconds"], opened["bytes"]))
                print(f"  {'cold' if k == 0 else 'warm'} opening {k}: first map {opened['seconds']:.2f} s, "
                      f"{opened['bytes']:,} bytes sent", flush=True)
            browser.close()
    finally:
        stop_server(proc)
    warm = rows[1:]
    if warm:
        print(f"warm server, median of {len(warm)}: first map {statistics.median(r[0] for r in warm):.2f} s, "
              f"{statistics.median(r[1] for r in warm):,.0f} bytes sent (cold: {rows[0][0]:.1f} s)")


if __name__ == "__main__":
    main()
