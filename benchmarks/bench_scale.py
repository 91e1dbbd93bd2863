"""Benchmark the whole analysis at city → province scale: one process vs partitioned dask runs.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--modes single threads cluster]
                                               [--by street] [--json PATH]

For each size a synthetic city (gridmap.scale.synthetic, seed 1) is analysed — mosaic, units, grids,
coverage, access — by

* ``single``  — :func:`gridmap.scale.pipeline.run_single`: the core on the whole area, one process;
* ``threads`` — :func:`gridmap.scale.pipeline.run_partitioned` on dask's threads scheduler;
* ``cluster`` — the same on a ``distributed.LocalCluster`` of 2 worker processes × 1 thread.

Each (size, mode) runs in a fresh process, which also generates the city (its time is reported
apart, its memory is part of the peak: a real run holds its inputs too). Peak memory is the
largest sum of the resident set sizes of the process and all its children (the cluster's
scheduler runs in the process, its workers are children), sampled every 0.1 s. The growth exponent
b of time ≈ a·nᵇ is fitted over the sizes run (least squares in log–log).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class PeakMemory:
    """Largest RSS of this process plus all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(Exception):  # a child that just ended
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def worker(size: int, mode: str, by: str) -> dict:
    """One measurement (runs in its own process)."""
    with PeakMemory() as mem:
        from gridmap.scale.pipeline import CityInputs, RunParams, run_partitioned, run_single
        from gridmap.scale.synthetic import synthetic_city

        t0 = time.perf_counter()
        city = synthetic_city(size, seed=1)
        gen = time.perf_counter() - t0
        inputs = CityInputs.from_city(city)
        params = RunParams(partition_by=by)
        t0 = time.perf_counter()
        if mode == "single":
            result = run_single(inputs, params)
        elif mode == "threads":
            result = run_partitioned(inputs, params, scheduler="threads")
        elif mode == "cluster":
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                t0 = time.perf_counter()  # the cluster's start-up (~2 s) is not the analysis
                result = run_partitioned(inputs, params, scheduler=client)
        else:
            raise SystemExit(f"unknown mode {mode}")
        wall = time.perf_counter() - t0
    return {"size": size, "mode": mode, "by": by, "generate_s": round(gen, 2), "wall_s": round(wall, 2),
            "peak_gb": round(mem.peak / 1e9, 3), "timings": {k: round(v, 2) for k, v in result.timings.items()},
            "faces": len(result.faces), "units": len(result.units), "grids": len(result.grids),
            "communities": len(result.grid_status), "partitions": 0 if result.partitions is None else
            len(result.partitions), "households": int(city.residents["households"].sum()),
            "population": int(city.residents["population"].sum())}


def fit_exponent(sizes: list[int], times: list[float]) -> float:
    """b in t ≈ a·nᵇ by least squares on log t = log a + b log n."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--modes", nargs="+", default=["single", "threads", "cluster"])
    ap.add_argument("--by", default="street", help="partition by street (街道), district or community")
    ap.add_argument("--json", help="also append the rows to this JSON-lines file")
    ap.add_argument("--worker", nargs=3, metavar=("SIZE", "MODE", "BY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(int(args.worker[0]), args.worker[1], args.worker[2])))
        return
    rows = []
    for size in args.sizes:
        for mode in args.modes:
            proc = subprocess.run([sys.executable, __file__, "--worker", str(size), mode, args.by],
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                print(f"{size} {mode}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"  {size:>9,} {mode:<8} {row['wall_s']:8.1f} s  {row['peak_gb']:6.2f} GB  "
                  f"(generate {row['generate_s']} s; {row['timings']})", file=sys.stderr, flush=True)
            if args.json:
                with open(args.json, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    by = {(r["size"], r["mode"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    modes = [m for m in args.modes if any(r["mode"] == m for r in rows)]
    print(f"\nwall time (s) and peak memory (GB, process + workers), partitions by {args.by}")
    print(f"{'buildings':>10} {'households':>11} {'units':>8} {'grids':>7} " +
          " ".join(f"{m + ' s':>10} {m + ' GB':>10}" for m in modes))
    for s in sizes:
        any_row = next(r for (sz, _), r in by.items() if sz == s)
        cells = []
        for m in modes:
            r = by.get((s, m))
            cells.append(f"{r['wall_s']:>10.1f} {r['peak_gb']:>10.2f}" if r else f"{'–':>10} {'–':>10}")
        print(f"{s:>10,} {any_row['households']:>11,} {any_row['units']:>8,} {any_row['grids']:>7,} " + " ".join(cells))
    for m in modes:
        pts = [(s, by[(s, m)]["wall_s"]) for s in sizes if (s, m) in by]
        if len(pts) >= 2:
            print(f"growth exponent ({m}): time ∝ n^{fit_exponent(*zip(*pts, strict=True)):.2f}")


if __name__ == "__main__":
    main()
