"""Benchmark the mosaic: gridmap.build_mosaic vs chained geopandas.overlay(how="union").

    .venv/bin/python benchmarks/bench_mosaic.py [--n 10000] [--repeat 3] [--big 50000]

Three layers of N jittered Voronoi cells over a 10 km square (~10 % of cells removed to make
gaps, a different seed per layer), as in docs/design.md §4.1. Each method runs in its own process so peak
memory is its own (max RSS of the process plus its largest worker, an upper bound); times are
medians of ``--repeat`` runs. Both produce the same total
area; the overlay also leaves slivers below 1e-6 m², counted here. ``--big`` runs gridmap alone
at a larger N (chained overlay would take many minutes there).
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
    if method == "gridmap":
        from gridmap.analysis.mosaic import build_mosaic

        faces = build_mosaic(layers, crs=4549)
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


def run(method: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", method, "--n", str(n)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(method: str, n: int, repeat: int) -> dict:
    runs = []
    for i in range(repeat):
        print(f"  {method:8s} N={n:,} run {i + 1}/{repeat} …", file=sys.stderr, flush=True)
        runs.append(run(method, n))
    result = dict(runs[-1])
    result["seconds"] = statistics.median(r["seconds"] for r in runs)
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="cells per layer (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=50_000, help="N for gridmap alone (0 to skip)")
    parser.add_argument("--worker", choices=("gridmap", "overlay"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n)))
        return
    ours = measure("gridmap", args.n, args.repeat)
    ref = measure("overlay", args.n, args.repeat)
    print(f"\nmosaic of 3 layers × {args.n:,} Voronoi cells (medians of {args.repeat} runs, own process each)")
    print(f"{'':24s}{'seconds':>10s}{'peak MB':>10s}{'faces':>10s}{'< 1e-6 m²':>11s}{'total km²':>12s}")
    for name, r in (("gridmap.build_mosaic", ours), ("chained gpd.overlay", ref)):
        print(f"{name:24s}{r['seconds']:10.2f}{r['peak_mb']:10.0f}{r['faces']:10,d}{r['slivers']:11,d}"
              f"{r['area'] / 1e6:12.6f}")
    print(f"ratio overlay / gridmap: {ref['seconds'] / ours['seconds']:.1f}× faster "
          f"(area difference {abs(ref['area'] - ours['area']) / ref['area']:.1e} relative)")
    if args.big:
        big = measure("gridmap", args.big, 1)
        print(f"gridmap alone, 3 × {args.big:,} cells: {big['seconds']:.1f} s, peak {big['peak_mb']:,.0f} MB, "
              f"{big['faces']:,} faces")


if __name__ == "__main__":
    main()
