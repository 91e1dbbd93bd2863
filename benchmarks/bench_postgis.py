"""Benchmark the PostGIS workspace beside the GeoPackage folder: lasso saves, 20 planners at once.

A lasso save on a 6,000-unit plan, and 20 planners saving at once on disjoint communities.

    bash scripts/postgis.sh start            # prints the URL as its last line
    .venv/bin/python benchmarks/bench_postgis.py --url postgresql://gridmap@127.0.0.1:PORT/gridmap
        [--nx 120] [--ny 50] [--repeat 10] [--parallel 20] [--keep]

(``--url`` defaults to ``$GRIDMAP_POSTGRES_URL``, then ``$GRIDMAP_TEST_POSTGRES_URL``.) The same
steps run on both stores — a temporary GeoPackage folder, and a fresh schema of the database
(dropped afterwards unless ``--keep``) — on a synthetic plan of nx × ny square units of 50 m in 20
communities (10 × 2 blocks of 12 × 25 units; grids of 4 × 5 units, 300 in all):

1. ``create_plan`` — units and revision 1 stored;
2. ``open_plan`` — the head read back (median of 3);
3. a lasso (a strip of 1 × 2 units into the neighbouring grid) + ``save_plan`` on the head — median
   and max over ``--repeat``;
4. ``--parallel`` planners, each with the scope of one community, open the plan, lasso in their own
   community and save at the same instant (threads): every save must land (one on the head, the
   others merged), and the head must hold every planner's edit; wall time and per-save times.

The table gives milliseconds per store and the ratio PostGIS / GeoPackage. Measure on a cluster
started without ``GRIDMAP_PG_FAST`` (fsync on), as a real server runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import psycopg
import shapely
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_plan import SIZE, X0, Y0, synthetic_plan  # noqa: E402

from gridmap.plans.plan import Plan  # noqa: E402
from gridmap.workspace import Principal, Role, Workspace, init_workspace  # noqa: E402
from gridmap.workspace.postgis import PostgisBackend  # noqa: E402

COMMUNITY_COLS, COMMUNITY_ROWS = 10, 2  # 20 communities


def community_plan(nx: int, ny: int, seed: int = 0) -> Plan:
    """The units of ``bench_plan.synthetic_plan`` in 10 × 2 communities; grids of 4 × 5 units within each."""
    units = synthetic_plan(nx, ny, seed).units.copy()
    position = units["unit_id"].to_numpy() - 1
    cols, rows = position % nx, position // nx
    community = (cols * COMMUNITY_COLS // nx) + COMMUNITY_COLS * (rows * COMMUNITY_ROWS // ny)
    units["area_id"] = [f"320102001{c + 1:03d}" for c in community]
    block = (cols // 4) * 1000 + (rows // 5)
    per_comm = pd.Series(block).groupby(community).transform(lambda s: pd.factorize(s, sort=True)[0] + 1)
    codes = [f"{a}{k:03d}" for a, k in zip(units["area_id"], per_comm, strict=True)]
    return Plan(units, pd.DataFrame({"unit_id": units["unit_id"], "grid_code": codes}),
                min_households=1, max_households=10_000)


def strip(nx: int, ny: int, community: int, grid_row: int) -> tuple[shapely.Polygon, int, list[int]]:
    """A lasso in a community: the east column (1 × 2 units) of its first grid in ``grid_row``.

    Returns the lasso, the position of a unit of the grid east of it (the target) and the unit ids it takes.
    """
    width, height = nx // COMMUNITY_COLS, ny // COMMUNITY_ROWS
    c = (community % COMMUNITY_COLS) * width + 3
    r = (community // COMMUNITY_COLS) * height + 5 * grid_row + 1
    x, y = X0 + c * SIZE, Y0 + r * SIZE
    box = shapely.box(x + 1, y + 1, x + SIZE - 1, y + 2 * SIZE - 1)
    return box, c + 1 + r * nx, [c + r * nx + 1, c + (r + 1) * nx + 1]


def run(workspace: Workspace, nx: int, ny: int, repeat: int, parallel: int) -> dict[str, float]:
    """The steps of the module docstring on one store; returns milliseconds per measure."""
    session = workspace.as_system("bench")
    session.create_project("bench")
    plan = community_plan(nx, ny)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    session.create_plan("bench", "plan", plan)
    out["create_plan"] = (time.perf_counter() - t0) * 1000

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        plan = session.open_plan("bench", "plan")
        times.append((time.perf_counter() - t0) * 1000)
    out["open_plan"] = statistics.median(times)

    plan.grids()  # as the app: the polygons are drawn once on opening
    times = []
    for k in range(repeat):
        box, target, _ = strip(nx, ny, k % 20, 0)
        plan.lasso(box, plan.codes[target])
        t0 = time.perf_counter()
        result = session.save_plan("bench", "plan", plan)
        times.append((time.perf_counter() - t0) * 1000)
        assert not result.unchanged and not result.merged
    out["lasso + save (median)"] = statistics.median(times)
    out["lasso + save (max)"] = max(times)

    n = min(parallel, COMMUNITY_COLS * COMMUNITY_ROWS)
    sessions, plans, expected = [], [], {}
    for k in range(n):
        code = f"320102001{k + 1:03d}"
        planner = workspace.as_user(Principal(f"planner{k + 1}", Role.PLANNER, scopes=(code,), projects=("bench",)))
        mine = planner.open_plan("bench", "plan")
        box, target, taken = strip(nx, ny, k, 1)
        mine.lasso(box, mine.codes[target])
        expected.update(dict.fromkeys(taken, mine.codes[target]))
        sessions.append(planner)
        plans.append(mine)
    before = session.plan_info("bench", "plan").last_revision
    start = threading.Barrier(n)
    latencies = [0.0] * n

    def save(k: int):
        start.wait()
        t = time.perf_counter()
        result = sessions[k].save_plan("bench", "plan", plans[k], message=f"planner {k + 1}")
        latencies[k] = (time.perf_counter() - t) * 1000
        return result

    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(save, range(n)))
    out[f"{n} planners at once (wall)"] = (time.perf_counter() - t0) * 1000
    out["  one planner's save (median)"] = statistics.median(latencies)
    out["  one planner's save (max)"] = max(latencies)
    landed = session.plan_info("bench", "plan").last_revision - before
    head = session.open_plan("bench", "plan")
    codes = dict(zip(head.assignment()["unit_id"], head.assignment()["grid_code"], strict=True))
    missing = [u for u, code in expected.items() if codes[u] != code]
    assert landed == n and not missing, f"{landed} of {n} saves landed; edits missing for units {missing[:10]}"
    out["saves landed"] = landed
    out["saves merged"] = sum(r.merged for r in results)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("GRIDMAP_POSTGRES_URL")
                        or os.environ.get("GRIDMAP_TEST_POSTGRES_URL"),
                        help="a PostgreSQL database with PostGIS (bash scripts/postgis.sh start prints one)")
    parser.add_argument("--nx", type=int, default=120)
    parser.add_argument("--ny", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's schema in the database")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url postgresql://USER@HOST:PORT/DB (bash scripts/postgis.sh start prints one)")

    folder = Path(tempfile.mkdtemp(prefix="gridmap-bench-")) / "workspace"
    results = {"GeoPackage": run(init_workspace(folder), args.nx, args.ny, args.repeat, args.parallel)}
    backend = PostgisBackend(args.url, schema=f"bench_{uuid.uuid4().hex[:8]}")
    try:
        backend.initialize()
        results["PostGIS"] = run(Workspace(backend), args.nx, args.ny, args.repeat, args.parallel)
    finally:
        backend.close()
        if not args.keep:
            with psycopg.connect(backend.conninfo, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(backend.schema)))

    with psycopg.connect(backend.conninfo) as conn:
        server = conn.execute("SELECT current_setting('server_version'), current_setting('fsync'), "
                              "postgis_lib_version()").fetchone()
    print(f"plan: {args.nx * args.ny:,} units, 20 communities, 300 grids; PostgreSQL {server[0]} (fsync {server[1]}), "
          f"PostGIS {server[2]}; {backend.location}{' (kept)' if args.keep else ''}")
    print(f"{'measure':<34} {'GeoPackage':>11} {'PostGIS':>11} {'ratio':>7}")
    for name in results["GeoPackage"]:
        gpkg, pg = results["GeoPackage"][name], results["PostGIS"][name]
        unit = "" if name.startswith("saves") else " ms"
        ratio = f"{pg / gpkg:7.2f}" if gpkg and unit else ""
        print(f"{name + unit:<34} {gpkg:11.1f} {pg:11.1f} {ratio:>7}")


if __name__ == "__main__":
    main()
