"""Benchmark the workspace store: saving a plan of 6,000 units after a lasso, merges, parallel saves.

    .venv/bin/python benchmarks/bench_workspace.py [--workspace LOCATION] [--nx 120] [--ny 50] [--repeat 10]
                                                   [--parallel 20]

On the synthetic plan of ``bench_plan.py`` (nx × ny square units, default 6,000, 300 grids), in a
fresh workspace (a temporary GeoPackage folder unless ``--workspace`` names an empty location):

1. ``create_plan`` — the units and revision 1 stored;
2. ``open_plan`` — the head read back (assignment, units, undo history);
3. lasso + ``save_plan`` on the head (the compare-and-swap path) — median and max over ``--repeat``;
4. a save on an old revision merged with the head (another planner saved different units);
5. ``--parallel`` sessions saving at once, each a lasso in its own part of the plan: all must land
   (each a save or a merge); the wall time and the revisions stored are reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_plan import SIZE, X0, Y0, synthetic_plan  # noqa: E402

from gridmap.workspace import init_workspace  # noqa: E402


def _lasso_box(c: int, r: int, w: int = 2, h: int = 3) -> shapely.Polygon:
    x, y = X0 + c * SIZE, Y0 + r * SIZE
    return shapely.box(x + 1, y + 1, x + w * SIZE - 1, y + h * SIZE - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", help="an empty location (default: a temporary folder)")
    parser.add_argument("--nx", type=int, default=120)
    parser.add_argument("--ny", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=20)
    args = parser.parse_args()
    location = args.workspace or str(Path(tempfile.mkdtemp(prefix="gridmap-bench-")) / "workspace")
    session = init_workspace(location).as_system("bench")
    session.create_project("bench")
    plan = synthetic_plan(args.nx, args.ny)
    rows = []

    t0 = time.perf_counter()
    session.create_plan("bench", "plan", plan)
    rows.append(("create_plan", (time.perf_counter() - t0) * 1000, float("nan"), 1))

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        plan = session.open_plan("bench", "plan")
        times.append((time.perf_counter() - t0) * 1000)
    rows.append(("open_plan", statistics.median(times), max(times), len(times)))

    plan.grids()  # as the app: the polygons are drawn once on opening
    times = []
    for k in range(args.repeat):
        c, r = 4 * (k % (args.nx // 4 - 1)) + 3, 5 * (k % (args.ny // 5))
        target = plan.codes[c + 1 + r * args.nx]
        plan.lasso(_lasso_box(c, r), target)
        t0 = time.perf_counter()
        session.save_plan("bench", "plan", plan)
        times.append((time.perf_counter() - t0) * 1000)
    rows.append(("lasso + save_plan", statistics.median(times), max(times), len(times)))

    old = session.open_plan("bench", "plan")
    new = session.open_plan("bench", "plan")
    new.lasso(_lasso_box(3, 20), new.codes[4 + 20 * args.nx])  # column 3 joins the grid east of it
    session.save_plan("bench", "plan", new)
    c = 4 * (args.nx // 4 - 2) + 3
    old.lasso(_lasso_box(c, 30), old.codes[c + 1 + 30 * args.nx])  # far away, in another grid
    t0 = time.perf_counter()
    result = session.save_plan("bench", "plan", old)
    rows.append(("save merged with the head", (time.perf_counter() - t0) * 1000, float("nan"), 1))
    assert result.merged

    n = args.parallel
    plans = [session.open_plan("bench", "plan") for _ in range(n)]
    for k, p in enumerate(plans):  # each at the east edge of its own grid (rows the lassos above left alone)
        c, r = 4 * (k % (args.nx // 4 - 1)) + 3, 5 * (k // (args.nx // 4 - 1)) + 3  # rows 3–4 of a grid row
        p.lasso(_lasso_box(c, r, 1, 2), p.codes[c + 1 + r * args.nx])
    before = session.plan_info("bench", "plan").last_revision
    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(lambda p: session.save_plan("bench", "plan", p), plans))
    wall = (time.perf_counter() - t0) * 1000
    landed = session.plan_info("bench", "plan").last_revision - before
    rows.append((f"{n} parallel saves (wall)", wall, float("nan"), n))
    print(f"workspace {location}: {len(plan.units):,} units, {len(plan.registry)} grids")
    print(f"{'operation':<32} {'median_ms':>10} {'max_ms':>10} {'runs':>5}")
    for name, median, worst, runs in rows:
        print(f"{name:<32} {median:10.1f} {worst:10.1f} {runs:5d}")
    print(f"parallel saves: {landed} of {n} landed ({sum(r.merged for r in results)} merged, "
          f"{sum(not r.merged and not r.unchanged for r in results)} on the head, "
          f"{sum(r.unchanged for r in results)} with nothing to save)")


if __name__ == "__main__":
    main()
