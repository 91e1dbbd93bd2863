"""Benchmark the mosaic: gridmap.build_mosaic vs chained geopandas.overlay(how="union"), in process
and end to end.

    .venv/bin/python benchmarks/bench_mosaic.py [--n 10000] [--repeat 3] [--big 50000] [--no-e2e]

Three layers of N jittered Voronoi cells over a 10 km square (~10 % of cells removed to make
gaps, a different seed per layer), as in docs/design.md §4.1. Each method runs in its own process so peak
memory is its own (max RSS of the process plus its largest worker, an upper bound); times are
medians of ``--repeat`` runs. Both produce the same total area; the overlay also leaves slivers
below 1e-6 m², counted here. ``--big`` runs gridmap alone at a larger N (chained overlay would take
many minutes there).

End to end: the three layers and a study area (the square in four communities) are written once
as GeoPackages; then ``gridmap coverage`` runs as a command (start-up, reading and checking the
layers, mosaic, coverage report, and every output written: faces/gaps/overlaps/outside/edges
GeoJSON, summary.csv, problems.csv, coverage.html) against a script doing what a user would do
without gridmap: read the same files with geopandas, chain ``geopandas.overlay`` and write its
faces as GeoJSON (EPSG:4326). Wall-clock medians of ``--repeat`` runs, each its own process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = (490_000.0, 3_540_000.0)  # EPSG:4549 metres: Nanjing, for the end-to-end inputs


def voronoi_layer(n: int, seed: int, side: float = 10_000.0, remove: float = 0.1):
    """N jittered Voronoi cells over a ``side`` m square with a share ``remove`` taken out."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    k = int(np.ceil(np.sqrt(n)))
    step = side / k
    gx, gy = np.meshgrid(np.arange(k), np.arange(k))
    jitter = rng.uniform(-0.35, 0.35, (2, k * k))
    pts = np.column_stack([(gx.ravel() + 0.5 + jitter[0]) * step, (gy.ravel() + 0.5 + jitter[1]) * step])[:n]
    square = shapely.box(0, 0, side, side)
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts),
                                                                             extend_to=square)), square)
    cells = cells[rng.random(len(cells)) >= remove]
    return gpd.GeoDataFrame({"zone_id": [f"{seed}-{i}" for i in range(len(cells))]},
                            geometry=cells, crs=4549)


def worker(method: str, n: int) -> dict:
    """Run one method once in this process; return seconds, faces, area, slivers, peak RSS."""
    sys.path.insert(0, str(ROOT))
    import geopandas as gpd

    layers = {name: voronoi_layer(n, seed) for name, seed in (("party", 1), ("security", 2), ("urban", 3))}
    start = time.perf_counter()
    if method.startswith("gridmap"):
        from gridmap.analysis.mosaic import build_mosaic

        # the default snap-rounds the noding to 1 mm; "gridmap-exact" nodes in floating point
        faces = build_mosaic(layers, crs=4549, grid_size=None if method == "gridmap-exact" else 0.001)
        area = faces["area_m2"]
    else:
        frames = [g.rename(columns={"zone_id": f"{name}_id"}) for name, g in layers.items()]
        faces = gpd.overlay(frames[0], frames[1], how="union", keep_geom_type=True)
        faces = gpd.overlay(faces, frames[2], how="union", keep_geom_type=True)
        area = faces.area
    seconds = time.perf_counter() - start
    # peak memory: this process plus its largest worker (strip workers run beside it)
    peak_kb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
               + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"seconds": seconds, "faces": int(len(faces)), "area": float(area.sum()),
            "slivers": int((area < 1e-6).sum()), "peak_mb": peak_kb / 1024}


def write_inputs(n: int, folder: Path) -> None:
    """The benchmark's layers and a study area (the square in four communities), as GeoPackages, moved to
    Nanjing (where EPSG:4549 is used: the checks refuse coordinates outside a CRS's area of use)."""
    import geopandas as gpd
    import shapely

    def nanjing(gdf):
        return gdf.set_geometry(gdf.geometry.translate(*ORIGIN))

    for name, seed in (("party", 1), ("security", 2), ("urban", 3)):
        nanjing(voronoi_layer(n, seed).assign(name=lambda g: g["zone_id"])).to_file(folder / f"{name}.gpkg",
                                                                                     engine="pyogrio")
    quarters = [shapely.box(x, y, x + 5_000.0, y + 5_000.0) for x in (0.0, 5_000.0) for y in (0.0, 5_000.0)]
    nanjing(gpd.GeoDataFrame({"area_id": ["A1", "A2", "A3", "A4"], "name": ["一", "二", "三", "四"]},
                             geometry=quarters, crs=4549)).to_file(folder / "area.gpkg", engine="pyogrio")


_OVERLAY_SCRIPT = """
import sys, geopandas as gpd
folder = sys.argv[1]
frames = [gpd.read_file(f"{folder}/{name}.gpkg", engine="pyogrio")[["zone_id", "geometry"]]
          .rename(columns={"zone_id": f"{name}_id"}) for name in ("party", "security", "urban")]
faces = gpd.overlay(frames[0], frames[1], how="union", keep_geom_type=True)
faces = gpd.overlay(faces, frames[2], how="union", keep_geom_type=True)
faces.to_crs(4326).to_file(f"{folder}/overlay_faces.geojson", driver="GeoJSON", engine="pyogrio")
"""


def end_to_end(method: str, folder: Path) -> tuple[float, str]:
    """Wall-clock seconds of one end-to-end run in a fresh process, and its progress messages."""
    if method == "cli":
        cmd = [str(Path(sys.executable).parent / "gridmap"), "coverage", "--out", str(folder / "out")]
        for name in ("party", "security", "urban"):
            cmd += ["--zones", f"{name}={folder / name}.gpkg"]
        cmd += ["--area", str(folder / "area.gpkg")]
    else:
        cmd = [sys.executable, "-c", _OVERLAY_SCRIPT, str(folder)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{method} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stderr


def measure_end_to_end(n: int, repeat: int) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-mosaic-") as tmp:
        folder = Path(tmp)
        write_inputs(n, folder)
        times: dict[str, list[float]] = {"cli": [], "overlay": []}
        stages = ""
        for i in range(repeat):
            for method in ("cli", "overlay"):  # interleaved: both see the same machine load
                print(f"  end to end {method:8s} N={n:,} run {i + 1}/{repeat} …", file=sys.stderr, flush=True)
                seconds, messages = end_to_end(method, folder)
                times[method].append(seconds)
                stages = messages if method == "cli" else stages
        sizes = {name: (folder / "out" / name).stat().st_size for name in ("faces.geojson", "coverage.html")}
    return {"times": times, "sizes": sizes, "stages": stages}


def run(method: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", method, "--n", str(n)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(methods: tuple[str, ...], n: int, repeat: int) -> dict[str, dict]:
    """Median seconds (and the rest of the last run) per method; runs interleaved, so every method
    sees the same machine load."""
    runs: dict[str, list[dict]] = {m: [] for m in methods}
    for i in range(repeat):
        for method in methods:
            print(f"  {method:14s} N={n:,} run {i + 1}/{repeat} …", file=sys.stderr, flush=True)
            runs[method].append(run(method, n))
    out = {}
    for method, rs in runs.items():
        result = dict(rs[-1])
        result["seconds"] = statistics.median(r["seconds"] for r in rs)
        result["all"] = [r["seconds"] for r in rs]
        result["peak_mb"] = max(r["peak_mb"] for r in rs)
        out[method] = result
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="cells per layer (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=50_000, help="N for gridmap alone (0 to skip)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end runs")
    parser.add_argument("--worker", choices=("gridmap", "gridmap-exact", "overlay"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n)))
        return
    got = measure(("gridmap", "gridmap-exact", "overlay"), args.n, args.repeat)
    ours, exact, ref = got["gridmap"], got["gridmap-exact"], got["overlay"]
    print(f"\nmosaic of 3 layers × {args.n:,} Voronoi cells (medians of {args.repeat} runs, own process each, "
          "interleaved)")
    print(f"{'':34s}{'seconds':>10s}{'peak MB':>10s}{'faces':>10s}{'< 1e-6 m²':>11s}{'total km²':>12s}   runs")
    for name, r in (("gridmap.build_mosaic (1 mm, default)", ours), ("gridmap.build_mosaic (exact)", exact),
                    ("chained gpd.overlay", ref)):
        print(f"{name:34s}{r['seconds']:10.2f}{r['peak_mb']:10.0f}{r['faces']:10,d}{r['slivers']:11,d}"
              f"{r['area'] / 1e6:12.6f}   " + ", ".join(f"{t:.2f}" for t in r["all"]))
    print(f"ratio overlay / gridmap: {ref['seconds'] / ours['seconds']:.1f}× faster with the default 1 mm snap "
          f"rounding, {ref['seconds'] / exact['seconds']:.1f}× with exact noding (target ≥ 6×; area difference "
          f"{abs(ref['area'] - ours['area']) / ref['area']:.1e} relative)")
    if not args.no_e2e:
        e2e = measure_end_to_end(args.n, args.repeat)
        cli, ovl = (statistics.median(e2e["times"][k]) for k in ("cli", "overlay"))
        print(f"\nend to end, 3 layers × {args.n:,} cells (wall clock, medians of {args.repeat} runs, interleaved)")
        print(f"{'gridmap coverage (every output)':40s}{cli:8.2f} s   runs: "
              + ", ".join(f"{t:.2f}" for t in e2e["times"]["cli"]))
        print(f"{'read + chained overlay + its GeoJSON':40s}{ovl:8.2f} s   runs: "
              + ", ".join(f"{t:.2f}" for t in e2e["times"]["overlay"]))
        print(f"ratio overlay / gridmap end to end: {ovl / cli:.1f}× (target ≥ 4×); faces.geojson "
              f"{e2e['sizes']['faces.geojson'] / 1e6:.1f} MB, "
              f"coverage.html {e2e['sizes']['coverage.html'] / 1e6:.1f} MB")
        print("stages of the last gridmap run (its own progress messages):")
        print("".join(f"    {line}\n" for line in e2e["stages"].splitlines()), end="")
    if args.big:
        big = measure(("gridmap",), args.big, 1)["gridmap"]
        print(f"gridmap alone, 3 × {args.big:,} cells: {big['seconds']:.1f} s, peak {big['peak_mb']:,.0f} MB, "
              f"{big['faces']:,} faces")


if __name__ == "__main__":
    main()
