"""Benchmark the city page: time to the first city map and bytes sent, from a results folder or a project.

    .venv/bin/python -m gridmap run --config CITY.toml --out out/city1m     # e.g. [synthetic] n_buildings = 1000000
    .venv/bin/python benchmarks/bench_city.py --results out/city1m [--repeat 3] [--warm-up both]
    .venv/bin/python benchmarks/bench_city.py --workspace W [--store out/city1m --project city1m]

``--results DIR`` serves ``gridmap serve --results DIR`` on a temporary workspace (one empty project,
so the page opens with the folder); ``--workspace W`` serves ``gridmap serve --workspace W``, whose
first project holds the stored results (``gridmap run --workspace W --project P``; ``--store DIR``
first stores a run folder's results into project ``--project``, as ``gridmap run --workspace``
stores them). For each warm-up mode — ``off``: the server started with ``GRIDMAP_NO_WARM_UP=1``, the
first visit reads and summarises the results; ``on``: the server's warm-up done before the first
visit — the server is (re)started and ``?page=city`` opened in headless Chromium (Debian's
/usr/bin/chromium) once after the restart, then ``--repeat`` times in fresh browser sessions
(``--browser-cache``: new pages of one browser context, so Streamlit's bundle comes from its cache).

Reported per opening: seconds from navigation (``page.goto``) to the first city map drawn (the
caption of this source and one polygon per 街道), and the bytes the server sent meanwhile: the
WebSocket frames' payloads plus the map component's HTTP bodies as they came over the wire — what a
first map costs — and, apart, Streamlit's own page and static bundle, the same for every page and
kept by a browser's cache after its first visit (HTTP bodies the cache served count 0); the
server's CPU seconds meanwhile (what the opening costs it, whatever else loads the machine). Also: the
load average, and the summary's size as GeoJSON before simplification and of the 街道 layer as the
first map carries it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def store_folder(folder: Path, workspace: str, project: str) -> None:
    """Store the results of the ``gridmap run`` output ``folder`` into ``project`` of ``workspace``
    (created when missing): the tables ``gridmap run --workspace`` stores
    (:data:`gridmap.scale.summary.RESULT_TABLES`), read back from the files that run wrote."""
    import geopandas as gpd
    import pandas as pd

    from gridmap.workspace import init_workspace

    faces = pd.read_parquet(folder / "faces.parquet", columns=["area_id", "households", "n_layers", "area_m2",
                                                               "in_study_area"])
    tables = {"study_area": gpd.read_parquet(folder / "study_area.parquet"),
              "faces": faces[faces["in_study_area"].astype(bool)].drop(columns="in_study_area").reset_index(drop=True),
              "grids": gpd.read_parquet(folder / "grids.parquet"), "gaps": gpd.read_file(folder / "gaps.geojson")}
    if (folder / "access_residents.parquet").is_file():
        res = gpd.read_parquet(folder / "access_residents.parquet", columns=["households", "life_circle", "geometry"])
        tables["residents"] = res.assign(life_circle=res["life_circle"].astype(str))
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    admin = init_workspace(workspace).as_system("bench-city")
    if project not in {p.name for p in admin.projects()}:
        admin.create_project(project, f"results of {folder.name}")
    t = time.perf_counter()
    admin.store_results(project, tables, meta)
    print(f"stored {folder} into project {project} of {workspace} in {time.perf_counter() - t:.1f} s")


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def describe(res, s) -> None:
    """The summary's size: as GeoJSON before simplification, and the 街道 layer as the first map sends it."""
    from gridmap.present import maps
    from gridmap.present.city_map import CITY_DECIMALS

    comm = res.communities
    raw = len(comm.dissolve("street_key").to_crs(4326).to_json()) + len(comm.to_crs(4326).to_json())
    simplified = len(s.streets.to_json()) + len(s.communities.to_json())
    sent = maps.to_web(s.streets, ["street_name", "communities", "households", "covered_share"],
                       decimals=CITY_DECIMALS).to_geo_dict(show_bbox=False)
    comm_sent = maps.to_web(s.communities, ["name", "street_name", "households", "covered_share"],
                            decimals=CITY_DECIMALS).to_geo_dict(show_bbox=False)
    print(f"街道 and 社区 as GeoJSON: {raw:,} bytes before simplification, {simplified:,} simplified (full "
          f"precision, every figure); as the map sends them (5 decimals, the tooltip's figures): 街道 "
          f"{len(json.dumps(sent, ensure_ascii=False).encode()):,} bytes (first map), 社区 "
          f"{len(json.dumps(comm_sent, ensure_ascii=False).encode()):,} bytes (on request)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=Path, help="a gridmap run output folder, served with --results")
    ap.add_argument("--workspace", help="a workspace whose first project holds stored results, served with --workspace")
    ap.add_argument("--store", type=Path, metavar="DIR",
                    help="first store this run folder into --project of --workspace")
    ap.add_argument("--project", default="city", help="the project --store writes (default: city)")
    ap.add_argument("--repeat", type=int, default=3, help="openings after the first, in fresh browser sessions")
    ap.add_argument("--warm-up", choices=("off", "on", "both"), default="both",
                    help="restart without the warm-up (the first visit reads the results), with it, or both")
    ap.add_argument("--browser-cache", action="store_true",
                    help="open the page again in the same browser context (its HTTP cache kept: an official's next "
                         "visit) instead of a fresh one each time")
    args = ap.parse_args()
    if (args.results is None) == (args.workspace is None):
        raise SystemExit("give --results DIR or --workspace W")
    if args.store is not None:
        if args.workspace is None:
            raise SystemExit("--store needs --workspace")
        store_folder(args.store.resolve(), args.workspace, args.project)

    from bench_app_load import cpu_seconds
    from browser_support import serve
    from playwright.sync_api import sync_playwright
    from test_app_browser_city import CHROMIUM, CHROMIUM_ARGS, open_city

    from gridmap.app.account import ENV_NO_WARM_UP
    from gridmap.scale.summary import city_summary, load_city_results, project_city_results

    print(load())
    t0 = time.perf_counter()
    if args.results is not None:
        source = args.results.resolve()
        res = load_city_results(source)
        tmp = Path(tempfile.mkdtemp(prefix="bench-city-"))
        from gridmap.workspace import init_workspace

        init_workspace(tmp / "workspace").as_system("bench-city").create_project("city", "results folder")
        location, folders, what = str(tmp / "workspace"), [source], f"folder {source}"
    else:
        from gridmap.workspace import open_workspace

        tmp = Path(tempfile.mkdtemp(prefix="bench-city-"))
        admin = open_workspace(args.workspace).as_system("bench-city")
        project = admin.projects()[0].name
        res = project_city_results(admin, project)
        location, folders, what = args.workspace, [], f"project {project} of {args.workspace}"
    t1 = time.perf_counter()
    s = city_summary(res)
    t2 = time.perf_counter()
    print(f"{what}: {len(s.streets)} 街道, {len(s.communities)} 社区, {len(res.grids):,} grids, "
          f"{int(s.totals['households']):,} households; in this process: read {t1 - t0:.1f} s, summary {t2 - t1:.1f} s")
    describe(res, s)
    modes = ("off", "on") if args.warm_up == "both" else (args.warm_up,)
    firsts = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for mode in modes:
            env = {ENV_NO_WARM_UP: "1" if mode == "off" else "0"}
            log = tmp / f"server-{mode}.log"
            began = time.perf_counter()
            server: list = []
            with serve(location, log, wait_warm=True, timeout=1800, results=folders, extra_env=env,
                       started=server.append) as base:
                print(f"server (warm-up {mode}) ready in {time.perf_counter() - began:.1f} s; {load()}", flush=True)
                rows = []
                kept = None  # with --browser-cache, one browser context: Streamlit's bundle cached after the first
                for k in range(args.repeat + 1):
                    cpu = cpu_seconds(server[0].pid)
                    opened = open_city(browser, base, len(s.streets), len(s.communities), context=kept)
                    opened["server_cpu"] = cpu_seconds(server[0].pid) - cpu
                    if args.browser_cache:
                        kept = opened["context"]
                        opened["page"].close()
                    else:
                        opened["context"].close()
                    rows.append(opened)
                    print(f"  {'first after restart' if k == 0 else 'server warm'} (warm-up {mode}): first map "
                          f"{opened['seconds']:.2f} s (caption {opened['caption_seconds']:.2f} s; server CPU "
                          f"{opened['server_cpu']:.2f} s), "
                          f"{opened['bytes']:,} bytes (WebSocket {opened['ws']:,} + map "
                          f"component {opened['map_http']:,}); Streamlit's bundle {opened['streamlit_http']:,} bytes "
                          f"(cached by a browser); {load()}", flush=True)
                if kept is not None:
                    kept.close()
            firsts[mode] = rows[0]
            warm = rows[1:]
            if warm:
                print(f"warm-up {mode}, server warm, median of {len(warm)}: first map "
                      f"{statistics.median(r['seconds'] for r in warm):.2f} s, "
                      f"{statistics.median(r['bytes'] for r in warm):,.0f} bytes")
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("gridmap: "):
                    print("  server: " + line)
        browser.close()
    print("first map after a restart: " + "; ".join(f"warm-up {m}: {r['seconds']:.2f} s, {r['bytes']:,} bytes"
                                                     for m, r in firsts.items()))


if __name__ == "__main__":
    main()
