"""Benchmark plan editing and grid building.

    .venv/bin/python benchmarks/bench_plan.py [--nx 120] [--ny 50] [--repeat 30]

1. A synthetic plan of nx × ny square units (default 6,000) in 3 communities and 300 grids of
   4 × 5 units: every edit operation timed as the app would run it — the edit, all checks, the
   polygons of the changed grids and the rtree update (``grid_at``) — median and max ms over
   ``--repeat`` runs (each undone untimed before the next).
2. ``build_grids`` on the embedded demo (units from the mosaic, then the grids), seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gridmap.plans.plan import Plan  # noqa: E402

X0, Y0, SIZE = 500_000.0, 3_545_000.0, 50.0


def synthetic_plan(nx: int, ny: int, seed: int = 0) -> Plan:
    """nx × ny units of 50 m, 3 communities (vertical thirds), grids of 4 × 5 units."""
    rng = np.random.default_rng(seed)
    cols, rows = np.meshgrid(np.arange(nx), np.arange(ny))
    cols, rows = cols.ravel(), rows.ravel()
    geoms = shapely.box(X0 + cols * SIZE, Y0 + rows * SIZE, X0 + (cols + 1) * SIZE, Y0 + (rows + 1) * SIZE)
    community = cols * 3 // nx
    area_id = np.array([f"320102001{c + 1:03d}" for c in community])
    units = gpd.GeoDataFrame({"unit_id": np.arange(1, len(cols) + 1), "area_id": area_id,
                              "households": rng.integers(10, 31, len(cols)),
                              "population": rng.integers(25, 80, len(cols))}, geometry=geoms, crs=4549)
    block = (cols // 4) * 1000 + (rows // 5)
    per_comm = pd.Series(block).groupby(community).transform(lambda s: pd.factorize(s, sort=True)[0] + 1)
    codes = [f"{a}{k:03d}" for a, k in zip(area_id, per_comm, strict=True)]
    return Plan(units, pd.DataFrame({"unit_id": units["unit_id"], "grid_code": codes}))


def _time(plan: Plan, name: str, make, repeat: int, rng: np.random.Generator) -> dict:
    times = []
    for _ in range(repeat):
        args = make(rng)
        t0 = time.perf_counter()
        res = getattr(plan, name)(*args)
        plan.grids(res.changed)  # polygons of the changed grids, for the map
        x, y = shapely.point_on_surface(plan.units.geometry.iloc[0]).coords[0]
        plan.grid_at(x, y)  # the rtree brought up to date
        times.append((time.perf_counter() - t0) * 1000)
        if name not in ("undo", "redo"):
            plan.undo()
    return {"operation": name, "median_ms": statistics.median(times), "max_ms": max(times), "runs": repeat}


def bench_edits(nx: int, ny: int, repeat: int) -> pd.DataFrame:
    plan = synthetic_plan(nx, ny)
    plan.grids()  # warm: every polygon computed once, as the app does on opening
    plan.grid_at(X0, Y0)
    codes = sorted(plan.registry)
    print(f"plan: {len(plan.units):,} units, {len(codes)} grids, {len(plan.adjacency[0]):,} shared edges",
          file=sys.stderr)
    def unit(c, r):
        return int(c + r * nx + 1)

    def boundary_units(rng):  # 3 units of a grid's east column into its eastern neighbour
        c = int(rng.integers(0, nx // 4 - 2)) * 4 + 3
        r = int(rng.integers(0, ny // 5)) * 5
        target = plan.codes[unit(c + 1, r) - 1]
        return [unit(c, r), unit(c, r + 1), unit(c, r + 2)], target

    def lasso(rng):
        c, r = int(rng.integers(1, nx - 4)), int(rng.integers(1, ny - 4))
        x, y = X0 + c * SIZE, Y0 + r * SIZE
        return shapely.box(x, y, x + 2 * SIZE, y + 3 * SIZE), plan.codes[unit(c - 1, r) - 1]

    def split(rng):
        code = codes[int(rng.integers(0, len(codes)))]
        b = shapely.bounds(plan._geometry(code))
        xm = (b[0] + b[2]) / 2
        return code, shapely.LineString([(xm, b[1] - 1), (xm, b[3] + 1)])

    def merge(rng):
        c = int(rng.integers(0, nx // 4 - 1)) * 4
        r = int(rng.integers(0, ny // 5)) * 5
        a, b = plan.codes[unit(c, r) - 1], plan.codes[unit(c + 4, r) - 1]
        return ([a, b],)

    def create(rng):
        c, r = int(rng.integers(0, nx - 2)), int(rng.integers(0, ny - 2))
        return ([unit(c, r), unit(c + 1, r), unit(c, r + 1), unit(c + 1, r + 1)],)

    def lock(rng):
        return (codes[int(rng.integers(0, len(codes)))],)

    rng = np.random.default_rng(1)
    rows_out = [_time(plan, "assign", boundary_units, repeat, rng), _time(plan, "lasso", lasso, repeat, rng),
                _time(plan, "split", split, repeat, rng), _time(plan, "merge", merge, repeat, rng),
                _time(plan, "create", create, repeat, rng), _time(plan, "lock", lock, repeat, rng)]
    for _ in range(10 * repeat):  # a history to undo and redo
        if len(plan.history) >= repeat:
            break
        plan.assign(*boundary_units(rng))
    rows_out.append(_time(plan, "undo", lambda _r: (), repeat, rng))
    rows_out.append(_time(plan, "redo", lambda _r: (), repeat, rng))
    t0 = time.perf_counter()
    for _ in range(repeat):
        plan.checks()
    rows_out.append({"operation": "checks alone", "median_ms": (time.perf_counter() - t0) * 1000 / repeat,
                     "max_ms": float("nan"), "runs": repeat})
    return pd.DataFrame(rows_out)


def bench_build() -> tuple[float, float, pd.DataFrame]:
    from gridmap.demo import demo_zone_layers, load_demo
    from gridmap.plans.grids import build_grids
    from gridmap.plans.units import make_units

    demo = load_demo()
    t0 = time.perf_counter()
    units = make_units(demo_zone_layers(demo), demo["study_area"], demo["residents"])
    t1 = time.perf_counter()
    build = build_grids(units, 300, 500, seed=0, study_area=demo["study_area"])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nx", type=int, default=120)
    parser.add_argument("--ny", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    edits = bench_edits(args.nx, args.ny, args.repeat)
    print(f"\nedit operations on {args.nx * args.ny:,} units / {(args.nx // 4) * (args.ny // 5)} grids "
          "(edit + all checks + changed polygons + rtree), ms:")
    print(edits.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    t_units, t_build, build = bench_build()
    g = build.grids
    in_band = int(((g["households"] >= 300) & (g["households"] <= 500)).sum())
    print(f"\ndemo: units (mosaic + slivers) {t_units:.2f} s → {len(g)} grids by build_grids in {t_build:.2f} s; "
          f"{in_band}/{len(g)} within 300–500 households; "
          f"{int((build.status['status'] == 'ok').sum())}/{len(build.status)} communities ok")


if __name__ == "__main__":
    main()
