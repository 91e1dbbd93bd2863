"""Benchmark 网格员配置: 1,000 grids × 800 网格员 on a 100,000-node walking network, ours against the unpruned MILP.

    .venv/bin/python benchmarks/bench_staff.py [--grids 1000] [--staff 800] [--k 8] [--max-distance 3000]
                                               [--time-limit 60] [--repeat 3] [--seed 16]

The city is :func:`gridmap.scale.synthetic.synthetic_city` with 60 m blocks and ≈ 100,000 street
nodes (as in ``bench_pairing.py``). The grids are a ``--grids`` cell lattice over the city's
buildings, 300–500 households each (uniform, seeded); the 网格员 live in buildings drawn in
proportion to households, seven in ten 专职 (500 households), three in ten 兼职 (250). Every grid
is open (no kept assignments); a 网格员 may take a grid within ``--max-distance`` walking metres.

Printed side by side, medians of ``--repeat`` runs after one warm-up, with the walking distances
computed once for both (the routing kernel; its time printed apart):

1. **ours** — :func:`gridmap.people.staffing.assign_staff` as the command runs it: two stages (most
   grids staffed, then least total walk), each started from every person's and every grid's ``--k``
   nearest pairs, priced with the LP duals and closed by reduced-cost fixing, so the result is the
   optimum over every pair;
2. **reference** — the same two-stage programme on every pair within reach (``k_nearest=None``),
   HiGHS limited to ``--time-limit`` s per stage.

Both must staff the same number of grids with the same total walk (when HiGHS proves the reference
optimal); the ratio reference / ours of the solve times is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gridmap.people import staffing  # noqa: E402
from gridmap.scale.synthetic import synthetic_city  # noqa: E402


def make_instance(n_grids: int, n_staff: int, seed: int):
    """(network, grids, staff) of the module docstring."""
    city = synthetic_city(n_buildings=20_000, seed=seed, buildings_per_block=0.2, block_m=60.0)
    rng = np.random.default_rng(seed)
    res = city.residents
    x0, y0, x1, y1 = res.total_bounds
    nx = max(1, round(np.sqrt(n_grids * (x1 - x0) / (y1 - y0))))
    ny = int(np.ceil(n_grids / nx))
    xs, ys = np.linspace(x0, x1, nx + 1), np.linspace(y0, y1, ny + 1)
    boxes = [shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for j in range(ny) for i in range(nx)][:n_grids]
    grids = gpd.GeoDataFrame({"grid_code": [f"320102001{k // 999 + 1:03d}{k % 999 + 1:03d}" for k in range(n_grids)],
                              "grid_type": "基础网格", "area_id": "320102001001",
                              "households": rng.integers(300, 501, n_grids)}, geometry=boxes, crs=res.crs)
    hh = res["households"].to_numpy(dtype=float)
    at = rng.choice(len(res), n_staff, p=hh / hh.sum())
    xy = shapely.get_coordinates(res.geometry.to_numpy()[at]) + rng.normal(0.0, 10.0, (n_staff, 2))
    staff = gpd.GeoDataFrame({"staff_id": [f"S{i:04d}" for i in range(n_staff)],
                              "name": [f"网格员{i}" for i in range(n_staff)],
                              "phone": [f"1390000{i:04d}" for i in range(n_staff)],
                              "staff_type": np.where(rng.random(n_staff) < 0.7, "专职", "兼职")},
                             geometry=shapely.points(xy), crs=res.crs)
    return city.network, grids, staff


def solve(inputs, k: int | None, time_limit: float):
    """The programme of :func:`assign_staff` on the pairs computed once (what it solves after routing)."""
    g, s, d, hh, free, n_grids, n_staff = inputs
    start = time.perf_counter()
    chosen, optimal = staffing._solve_assignment(g, s, d, hh, free, n_grids, n_staff, time_limit, k)
    return time.perf_counter() - start, chosen, optimal


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grids", type=int, default=1000)
    ap.add_argument("--staff", type=int, default=800)
    ap.add_argument("--k", type=int, default=staffing.DEFAULT_K_NEAREST)
    ap.add_argument("--max-distance", type=float, default=staffing.DEFAULT_STAFF_DISTANCE_M)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()

    net, grids, staff = make_instance(args.grids, args.staff, args.seed)
    print(f"city: {net.n_nodes:,} street nodes; {len(grids):,} grids of 300–500 households, {len(staff):,} 网格员 "
          f"(专职 500 / 兼职 250 households), reach {args.max_distance:g} m walking")
    table = staffing.check_staff(staff, grids["grid_code"].astype(str).to_numpy())
    home = shapely.get_coordinates(staff.to_crs(net.crs).geometry.to_numpy())
    target = shapely.get_coordinates(shapely.point_on_surface(grids.to_crs(net.crs).geometry.to_numpy()))
    start = time.perf_counter()
    s, g, d = staffing.pair_distances(home, target, args.max_distance, net)
    routing = time.perf_counter() - start
    hh = grids["households"].to_numpy(dtype=np.int64)
    free = table["capacity"].to_numpy(float)
    fits = hh[g] <= free[s]
    inputs = (g[fits], s[fits], d[fits], hh, free, len(grids), len(table))
    print(f"walking distances (routing kernel): {routing:.2f} s, {int(fits.sum()):,} pairs within reach that fit")

    solve(inputs, args.k, args.time_limit)  # warm-up
    ours = [solve(inputs, args.k, args.time_limit) for _ in range(args.repeat)]
    ref = [solve(inputs, None, args.time_limit) for _ in range(args.repeat)]
    rows = []
    for name, runs in (("ours (k nearest + pricing)", ours), ("reference (every pair)", ref)):
        seconds = statistics.median(r[0] for r in runs)
        chosen, optimal = runs[0][1], all(r[2] for r in runs)
        rows.append((name, seconds, int(chosen.sum()), float(inputs[2][chosen].sum()), optimal))
    print(f"\n{'':28} {'seconds':>9} {'grids staffed':>14} {'total walk m':>14} {'proved optimal':>15}")
    for name, seconds, n, walk, optimal in rows:
        print(f"{name:28} {seconds:9.2f} {n:14,} {walk:14,.1f} {str(optimal):>15}")
    same = rows[0][2] == rows[1][2] and abs(rows[0][3] - rows[1][3]) <= 1e-3 * max(1, rows[1][2])
    print(f"\nratio reference / ours: {rows[1][1] / rows[0][1]:.1f}× ; same optimum: {same}")


if __name__ == "__main__":
    main()
