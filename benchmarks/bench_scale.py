"""Benchmark the whole analysis at city → province scale: one process vs partitioned dask runs.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 100000] [--modes single processes] [--repeat 3]
                                               [--by street] [--json PATH] [--command]

The runs of the modes alternate (single, processes, single, processes, …: the machine is shared,
so each pair sees about the same load); for each size the table gives the median wall time of
each mode, the ratio of the medians (partitioned / one process), and two serial shares over the
one-process time:

* the driver's serial work, splitting and merging: the store of partitioned inputs written (by a
  forked child, its CPU seconds) plus the merge;
* the serial part of the run, which bounds its speed-up: the split stage — the longer of the
  store's writing and the driver's warm-up (loading numba's grid search, the first PROJ
  transformer: first calls the one-process run pays inside its own stages), which overlap — plus
  the merge; and the speed-up that share allows on 16 and 64 cores by Amdahl's law,
  1 / (s + (1 − s) / N).

The machine is shared, so the wall times follow its load: each run records the load average
before and after it, and the CPU seconds — of the one process; of the partitioned run's driver
per stage (the store written by a forked child while the driver warms up counts as the driver's)
and of its workers, in each task and per worker, and per partition stage. The same share and
Amdahl bounds are printed from the driver's serial CPU seconds (the critical path: the longer of
the warm-up and the store's writing, plus the merge) over the one-process CPU seconds, which a
loaded machine disturbs much less.

With ``--command`` the whole command is timed instead, as a user runs it:
``gridmap run --config C --out DIR --scheduler single|processes`` on ``[synthetic] n_buildings =
SIZE`` (seed 1), Python's start-up, generating the city and writing the output files included,
the two schedulers alternating; the table gives the median of each and their ratio.

For each size a synthetic city (gridmap.scale.synthetic, seed 1) is analysed — mosaic, units, grids,
coverage, access — by

* ``single``  — :func:`gridmap.scale.pipeline.run_single`: the core on the whole area, one process;
* ``processes`` — :func:`gridmap.scale.pipeline.run_partitioned` on a pool of one process per core
  (what ``gridmap run --scheduler processes`` runs);
* ``threads`` — the same on dask's threads scheduler;
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
import os
import resource
import statistics
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
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        cpu0, kids0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        if mode == "single":
            result = run_single(inputs, params)
        elif mode in ("threads", "processes"):
            result = run_partitioned(inputs, params, scheduler=mode)
        elif mode == "cluster":
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                t0 = time.perf_counter()  # the cluster's start-up (~2 s) is not the analysis
                result = run_partitioned(inputs, params, scheduler=client)
        else:
            raise SystemExit(f"unknown mode {mode}")
        wall = time.perf_counter() - t0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu0
        worker_cpu = (kids.ru_utime + kids.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    serial_stages = ("split", "merge", "access", "access_global")
    serial = sum(v for k, v in result.timings.items() if k in serial_stages)
    # the driver's own serial work, splitting and merging: the store's writing (by a forked child, its
    # CPU seconds; else the split stage) plus the merge — without the warm-up that overlaps the store
    store_s = result.cpu.get("split_aside") or result.timings.get("split", 0.0)
    split_merge = store_s + sum(v for k, v in result.timings.items() if k in serial_stages and k != "split")
    # the store may be written by a forked child of the driver (while the driver warms up): its CPU is
    # the driver's serial work, not a worker's
    # the driver's warm-up runs meanwhile, so the critical path of the split is the longer of the two
    aside, warm = result.cpu.get("split_aside", 0.0), result.cpu.get("warm_up", 0.0)
    serial_cpu = sum(v for k, v in result.cpu.items() if k in serial_stages) - warm + max(warm, aside)
    cpu += aside
    worker_cpu -= aside
    tasks = {}
    if result.tasks is not None and len(result.tasks):
        per_worker = result.tasks.groupby("worker")["cpu_s"].sum().sort_values(ascending=False)
        stage_cols = [c for c in result.partitions.columns if c.endswith("_s")]
        tasks = {"task_cpu_s": round(float(result.tasks["cpu_s"].sum()), 2),
                 "per_worker_cpu_s": [round(float(v), 2) for v in per_worker],
                 "stage_cpu_s": {c[:-2]: round(float(result.partitions[c].sum()), 2) for c in stage_cols},
                 "n_tasks": len(result.tasks),
                 "last_task_end_s": round(float(result.tasks["end_s"].max()), 2)}
    return {"size": size, "mode": mode, "by": by, "generate_s": round(gen, 2), "wall_s": round(wall, 2),
            "serial_s": round(serial, 2) if result.partitions is not None else None,
            "split_merge_s": round(split_merge, 3) if result.partitions is not None else None,
            "store_s": round(store_s, 3), "warm_up_s": round(result.cpu.get("warm_up", 0.0), 3),
            "merge_s": round(result.timings.get("merge", 0.0), 3),
            "serial_cpu_s": round(serial_cpu, 2) if result.partitions is not None else None,
            "driver_cpu_s": round(cpu, 2), "worker_cpu_s": round(worker_cpu, 2),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
            "cpu": {k: round(v, 2) for k, v in result.cpu.items()}, **tasks,
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
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--modes", nargs="+", default=["single", "processes"],
                    help="single, processes, threads, cluster (run in this order, interleaved)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each mode per size (medians are reported)")
    ap.add_argument("--by", default="street", help="partition by street (街道), district or community")
    ap.add_argument("--json", help="also append the rows to this JSON-lines file")
    ap.add_argument("--command", action="store_true",
                    help="time the whole `gridmap run` command on each scheduler instead (outputs written)")
    ap.add_argument("--worker", nargs=3, metavar=("SIZE", "MODE", "BY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(int(args.worker[0]), args.worker[1], args.worker[2])))
        return
    if args.command:
        command_report(args.sizes, args.repeat, args.by)
        return
    rows = []
    for size in args.sizes:
        for k in range(args.repeat):
            for mode in args.modes:  # interleaved: each mode sees the same load, on average
                proc = subprocess.run([sys.executable, __file__, "--worker", str(size), mode, args.by],
                                      capture_output=True, text=True, cwd=ROOT)
                if proc.returncode != 0:
                    print(f"{size} {mode}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                    continue
                row = json.loads(proc.stdout.strip().splitlines()[-1])
                row["run"] = k + 1
                rows.append(row)
                print(f"  {size:>9,} {mode:<9} run {k + 1}: {row['wall_s']:8.1f} s  {row['peak_gb']:6.2f} GB  "
                      f"load {row['load_before']:.1f}→{row['load_after']:.1f}  (wall {row['timings']}; "
                      f"driver CPU {row['cpu']}; workers CPU {row['worker_cpu_s']}"
                      + (f", tasks {row['task_cpu_s']} by worker {row['per_worker_cpu_s']}, stages "
                         f"{row['stage_cpu_s']}" if "task_cpu_s" in row else "") + ")", file=sys.stderr, flush=True)
                if args.json:
                    with open(args.json, "a", encoding="utf-8") as f:
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    report(rows, args.modes, args.by)


def time_command(config: Path, scheduler: str, folder: Path) -> float:
    """Wall seconds of ``gridmap run --config config`` on ``scheduler``, outputs written into ``folder``."""
    out = folder / f"out_{scheduler}"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gridmap", "run", "--config", str(config), "--out", str(out),
                           "--scheduler", scheduler, "--quiet"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"gridmap run --scheduler {scheduler} failed:\n{proc.stderr[-2000:]}")
    return wall


def command_report(sizes: list[int], repeat: int, by: str) -> None:
    """The whole command on each scheduler, alternating, then the medians and their ratio."""
    import tempfile

    print(" buildings   single s   processes s   ratio of medians   per pair")
    for size in sizes:
        walls: dict[str, list[float]] = {"single": [], "processes": []}
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / f"city_{size}.toml"
            config.write_text(f"[synthetic]\nn_buildings = {size}\nseed = 1\n[run]\npartition_by = \"{by}\"\n",
                              encoding="utf-8")
            for k in range(repeat):
                for scheduler in walls:
                    walls[scheduler].append(time_command(config, scheduler, Path(tmp)))
                print(f"  {size:>9,} run {k + 1}: single {walls['single'][-1]:.2f} s, "
                      f"processes {walls['processes'][-1]:.2f} s  (load {os.getloadavg()[0]:.1f})",
                      file=sys.stderr, flush=True)
        one, par = statistics.median(walls["single"]), statistics.median(walls["processes"])
        pairs = ", ".join(f"{p / s:.2f}" for s, p in zip(walls["single"], walls["processes"], strict=True))
        print(f" {size:>9,}   {one:8.2f}   {par:11.2f}   {par / one:16.2f}   {pairs}")


def amdahl(serial_share: float, cores: int) -> float:
    """Speed-up on ``cores`` of a run whose serial part is ``serial_share`` of the one-process time."""
    return 1.0 / (serial_share + (1.0 - serial_share) / cores)


def report(rows: list[dict], modes: list[str], by: str) -> None:
    """Medians per size and mode, side by side, with ratio, serial share and Amdahl speed-ups."""
    sizes = sorted({r["size"] for r in rows})
    modes = [m for m in modes if any(r["mode"] == m for r in rows)]
    med = {}
    for s in sizes:
        for m in modes:
            mine = [r for r in rows if r["size"] == s and r["mode"] == m]
            if mine:
                med[(s, m)] = {"wall_s": statistics.median(r["wall_s"] for r in mine),
                               "peak_gb": statistics.median(r["peak_gb"] for r in mine), "n": len(mine),
                               "serial_s": (statistics.median(r["serial_s"] for r in mine)
                                            if mine[0].get("serial_s") is not None else None),
                               "walls": [r["wall_s"] for r in mine]}
    print(f"\nmedian wall time (s) and peak memory (GB, process + workers), partitions by {by}; runs interleaved")
    print(f"{'buildings':>10} " + " ".join(f"{m + ' s':>13} {m + ' GB':>13}" for m in modes))
    for s in sizes:
        cells = [f"{med[(s, m)]['wall_s']:>13.1f} {med[(s, m)]['peak_gb']:>13.2f}" if (s, m) in med
                 else f"{'–':>13} {'–':>13}" for m in modes]
        print(f"{s:>10,} " + " ".join(cells))
    for s in sizes:
        if (s, "single") not in med:
            continue
        one = med[(s, "single")]
        for m in modes:
            if m == "single" or (s, m) not in med or med[(s, m)]["serial_s"] is None:
                continue
            part = med[(s, m)]
            share = part["serial_s"] / one["wall_s"]
            pairs = [r for r in rows if r["size"] == s and r["mode"] in ("single", m)]
            ratios = [b["wall_s"] / a["wall_s"] for a, b in zip(
                [r for r in pairs if r["mode"] == "single"], [r for r in pairs if r["mode"] == m], strict=False)]
            cpu_one = statistics.median(r["driver_cpu_s"] for r in pairs if r["mode"] == "single")
            cpu_driver = statistics.median(r["driver_cpu_s"] for r in pairs if r["mode"] == m)
            cpu_workers = statistics.median(r["worker_cpu_s"] for r in pairs if r["mode"] == m)
            print(f"{s:>10,} {m}: CPU seconds: one process {cpu_one:.1f}; partitioned: driver {cpu_driver:.1f} "
                  f"({cpu_driver / cpu_one:.1%} of the one-process CPU) + workers {cpu_workers:.1f} = "
                  f"{(cpu_driver + cpu_workers) / cpu_one:.2f}× the one-process CPU")
            mine = [r for r in pairs if r["mode"] == m and "task_cpu_s" in r]
            if mine:
                in_tasks = statistics.median(r["task_cpu_s"] for r in mine)
                busiest = statistics.median(r["per_worker_cpu_s"][0] for r in mine)
                stages = {k: statistics.median(r["stage_cpu_s"].get(k, 0.0) for r in mine)
                          for k in mine[0]["stage_cpu_s"]}
                print(f"{s:>10,} {m}: workers' CPU in tasks {in_tasks:.1f} s (busiest worker {busiest:.1f} s), "
                      f"outside tasks (start-up, warm-up, results) {cpu_workers - in_tasks:.1f} s; partition stages "
                      + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
                single_cpu = {k: statistics.median(r["cpu"].get(k, 0.0) for r in pairs if r["mode"] == "single")
                              for k in ("mosaic", "units", "grids", "coverage", "access")}
                print(f"{s:>10,} single: stages CPU " + ", ".join(f"{k} {v:.2f}" for k, v in single_cpu.items()))
            serial_cpu = statistics.median(r["serial_cpu_s"] for r in pairs if r["mode"] == m)
            loads = [r["load_before"] for r in pairs] + [r["load_after"] for r in pairs]
            split = {k: statistics.median(r["cpu"].get(k, 0.0) for r in pairs if r["mode"] == m)
                     for k in ("split", "warm_up", "split_aside", "merge", "access", "access_global")}
            print(f"{s:>10,} {m}: driver CPU: split {split['split']:.2f} s (of it warm-up {split['warm_up']:.2f} s, "
                  f"while a child wrote the store: {split['split_aside']:.2f} s), merge {split['merge']:.2f} s, "
                  f"access tables after the tasks {split['access'] + split['access_global']:.2f} s")
            print(f"{s:>10,} {m}: driver serial CPU {serial_cpu:.2f} s = {serial_cpu / cpu_one:.1%} of the one-process "
                  f"CPU (Amdahl ≤ {amdahl(serial_cpu / cpu_one, 16):.1f}× on 16 cores, "
                  f"≤ {amdahl(serial_cpu / cpu_one, 64):.1f}× on 64); load average (1 min) while measuring "
                  f"{min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}")
            mine_m = [r for r in pairs if r["mode"] == m]
            store = statistics.median(r["store_s"] for r in mine_m)
            warm = statistics.median(r["warm_up_s"] for r in mine_m)
            merge = statistics.median(r["merge_s"] for r in mine_m)
            split_merge = statistics.median(r["split_merge_s"] for r in mine_m)
            print(f"{s:>10,} {m}: ratio of medians {part['wall_s'] / one['wall_s']:.2f} "
                  f"(per interleaved pair: {', '.join(f'{x:.2f}' for x in ratios)})")
            print(f"{s:>10,} {m}: driver's serial work, splitting (the store written: {store:.2f} s) + merging "
                  f"({merge:.2f} s) = {split_merge:.2f} s = {split_merge / one['wall_s']:.1%} of the one-process time")
            print(f"{s:>10,} {m}: serial part of the run (wall: the split stage — the longer of the store and the "
                  f"driver's warm-up, {warm:.2f} s of first calls that the one-process run pays too — plus the "
                  f"merge) {part['serial_s']:.2f} s = {share:.1%} of the one-process time; Amdahl speed-up "
                  f"≤ {amdahl(share, 16):.1f}× on 16 cores, ≤ {amdahl(share, 64):.1f}× on 64")
    for m in modes:
        pts = [(s, med[(s, m)]["wall_s"]) for s in sizes if (s, m) in med]
        if len(pts) >= 2:
            print(f"growth exponent ({m}): time ∝ n^{fit_exponent(*zip(*pts, strict=True)):.2f}")


if __name__ == "__main__":
    main()
