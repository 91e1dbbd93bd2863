"""Benchmark ``build_grids`` against today's algorithm: time, peak memory and the quality of the grids.

    .venv/bin/python benchmarks/bench_grids.py [--cities demo 10k 100k] [--seeds 0 1 2 3 4] [--million]
                                               [--million-runs 3] [--million-reference-runs 2] [--json PATH]

Cities: the embedded demo (units from the mosaic of its three zone layers) and synthetic cities of
10,000 and 100,000 buildings (``--million`` adds 1,000,000), seed 1, units built as ``gridmap run``
builds them (mosaic snapped to 1 mm, slivers merged). Each city's units are made once and saved;
every measurement then runs in a fresh process that reads them and builds the grids, so the first
call's time includes what a real run pays (imports, loading the compiled code from numba's cache —
compiled once per install, before any timing) and the peak memory is the whole process's (units
included); below a million buildings the process builds them a second time, timed apart. The
reference is today's pure-Python algorithm, frozen in ``benchmarks/reference_grids.py``; the two
run interleaved (the order alternating), one run per seed, and the table gives medians of the
times and means of the quality over the seeds. At a million buildings all runs use seed 0: ours
``--million-runs`` times (3) with the reference's ``--million-reference-runs`` (2, ≈ 3–4 minutes
each) between them. Every run of ours with seed 0 must give the same grids.

Quality, per city (higher is better unless marked ↓):

* **band** — share of grids within 300–500 households;
* **Polsby–Popper** — mean 4πA/P² of the grids (1 = a disc);
* **cut km ↓** — total length of the borders between grids (shared unit edges in different grids);
* **weighted cut km ↓** — the same, each edge weighted 1 + number of layers whose zone it cuts
  through (the reference's whole objective after the band; ours also rewards lineage);
* **lineage <layer>** — share of households living in the main zone of their grid in that layer
  (a grid's main zone: the zone holding most of its households).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
LO, HI = 300, 500


def quality(units: pd.DataFrame, codes: np.ndarray, grids: pd.DataFrame, lo: int = LO, hi: int = HI) -> dict:
    """The quality measures of one set of grids (see the module docstring)."""
    from gridmap.plans.grids import edge_weights
    from gridmap.plans.units import layer_names, unit_adjacency

    codes = np.asarray(codes)
    hh = grids["households"].to_numpy()
    i, j, length = unit_adjacency(units.geometry.to_numpy())
    cut = codes[i] != codes[j]
    out = {"grids": len(grids), "band": float(((hh >= lo) & (hh <= hi)).mean()),
           "polsby_popper": float(grids["polsby_popper"].mean()), "cut_km": float(length[cut].sum() / 1000),
           "weighted_cut_km": float(edge_weights(units, i, j, length, 1.0)[cut].sum() / 1000)}
    _, grid_of = np.unique(codes, return_inverse=True)
    unit_hh = units["households"].to_numpy(dtype=np.int64)
    for layer in layer_names(units):
        ids = units[f"{layer}_ids"].fillna("").astype(str).str.split(";").explode()
        ids = ids[ids != ""]
        u = units.index.get_indexer(ids.index)
        pairs = pd.DataFrame({"grid": grid_of.ravel()[u], "zone": ids.to_numpy(), "hh": unit_hh[u]})
        kept = pairs.groupby(["grid", "zone"])["hh"].sum().groupby(level=0).max().sum()
        out[f"lineage_{layer}"] = float(kept / max(unit_hh.sum(), 1))
    return out


# ------------------------------------------------------------------------------------------------
# the cities


def make_units(city: str, folder: Path) -> Path:
    """Units (and study area) of a city, saved as GeoParquet in ``folder``; returns the units file."""
    path = folder / f"units_{city}.parquet"
    if path.exists():
        return path
    if city == "demo":
        from gridmap.demo import demo_zone_layers, load_demo
        from gridmap.plans.units import make_units as units_of

        demo = load_demo()
        units = units_of(demo_zone_layers(demo), demo["study_area"], demo["residents"])
        area = demo["study_area"]
    else:
        from gridmap.analysis.mosaic import build_mosaic
        from gridmap.plans.units import units_from_faces
        from gridmap.scale.pipeline import CityInputs, RunParams, project_inputs
        from gridmap.scale.synthetic import synthetic_city

        inputs, crs = project_inputs(CityInputs.from_city(synthetic_city(SIZES[city], seed=1)))
        params = RunParams()
        faces = build_mosaic(inputs.layers, inputs.study_area, inputs.residents, crs=crs, n_jobs=1, n_strips=1,
                             grid_size=params.grid_size)
        units = units_from_faces(faces, min_area_m2=params.min_unit_area, min_width_m=params.min_unit_width)
        area = inputs.study_area
    units.to_parquet(path)
    area.to_parquet(folder / f"area_{city}.parquet")
    return path


def peak_rss() -> int:
    """Peak resident memory of this process, bytes: VmHWM (Linux; unlike ``ru_maxrss`` it does not
    carry over the parent's peak through fork and exec), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def measure(city: str, folder: Path, which: str, seed: int) -> dict:
    """One build in this (fresh) process: time, peak memory, quality, a hash of the assignment."""
    import geopandas as gpd

    units = gpd.read_parquet(folder / f"units_{city}.parquet")
    area = gpd.read_parquet(folder / f"area_{city}.parquet")
    if which == "ours":
        from gridmap.plans.grids import build_grids as build
    else:
        from reference_grids import reference_build_grids as build
    t0 = time.perf_counter()
    result = build(units, LO, HI, seed=seed, study_area=area)
    seconds = time.perf_counter() - t0
    warm = float("nan")
    if city != "1m":  # once more in the same process: no import, no cache to load
        t0 = time.perf_counter()
        build(units, LO, HI, seed=seed, study_area=area)
        warm = time.perf_counter() - t0
    peak = peak_rss()
    codes = result.assignment["grid_code"].to_numpy()
    digest = hashlib.sha256("\n".join(codes).encode()).hexdigest()[:16]
    return {"city": city, "which": which, "seed": seed, "seconds": seconds, "warm_seconds": warm,
            "peak_gb": peak / 1e9,
            "units": len(units), "hash": digest, **quality(units, codes, result.grids)}


def run_child(city: str, folder: Path, which: str, seed: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", city, str(folder), which, str(seed)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{city} {which} seed {seed} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
# the table


MEASURES = [("seconds", "time, s, first call in a fresh process (median)", "↓"),
            ("warm_seconds", "time, s, second call (median)", "↓"), ("peak_gb", "peak memory, GB (median)", "↓"),
            ("grids", "grids", ""), ("band", "share in 300–500", "↑"), ("polsby_popper", "Polsby–Popper (mean)", "↑"),
            ("cut_km", "cut, km", "↓"), ("weighted_cut_km", "weighted cut, km", "↓")]


def table(rows: list[dict], city: str) -> pd.DataFrame:
    ref = [r for r in rows if r["city"] == city and r["which"] == "reference"]
    ours = [r for r in rows if r["city"] == city and r["which"] == "ours"]
    lineage = sorted(k for k in rows[0] if k.startswith("lineage_"))
    out = []
    for key, label, better in MEASURES + [(k, f"lineage {k[8:]}", "↑") for k in lineage]:
        agg = statistics.median if key in ("seconds", "warm_seconds", "peak_gb") else statistics.fmean
        a, b = agg([r[key] for r in ref]), agg([r[key] for r in ours])
        if key in ("seconds", "warm_seconds"):
            verdict = f"{a / b:.1f}× faster" if b > 0 else ""
        elif better == "↑":
            verdict = "better" if b > a else "equal" if b == a else "WORSE"
        elif better == "↓":
            verdict = "better" if b < a else "equal" if b == a else "WORSE"
        else:
            verdict = ""
        out.append({"measure": label, "reference": a, "ours": b, "ours vs reference": verdict})
    return pd.DataFrame(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cities", nargs="+", default=["demo", "10k", "100k"], choices=["demo", "10k", "100k", "1m"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="one interleaved run per seed")
    ap.add_argument("--million", action="store_true", help="add the 1,000,000-building city")
    ap.add_argument("--million-runs", type=int, default=3, help="runs of ours at 1M")
    ap.add_argument("--million-reference-runs", type=int, default=2,
                    help="runs of the reference at 1M (≈ 3–4 minutes each), between ours")
    ap.add_argument("--units", help="folder to keep the cities' units in (default: a temporary folder)")
    ap.add_argument("--json", help="also write every run as JSON lines to this file")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        city, folder, which, seed = args.child
        print(json.dumps(measure(city, Path(folder), which, int(seed))))
        return
    cities = list(dict.fromkeys(args.cities + (["1m"] if args.million else [])))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.units or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        load_before = os.getloadavg()
        rows = []
        for city in cities:
            t0 = time.perf_counter()
            make_units(city, folder)
            print(f"{city}: units ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            run_child(city, folder, "ours", 0)  # warm numba's cache (compiled once per install), untimed
            if city == "1m":  # interleaved too: ours, reference, ours, …, ours
                plan = [("ours", 0)]
                for k in range(max(args.million_runs, args.million_reference_runs + 1) - 1):
                    plan += ([("reference", 0)] if k < args.million_reference_runs else []) + [("ours", 0)]
            else:
                plan = []
                for k, seed in enumerate(args.seeds):  # interleaved, the order alternating
                    pair = [("reference", seed), ("ours", seed)]
                    plan += pair if k % 2 == 0 else pair[::-1]
                plan.append(("ours", args.seeds[0]))  # once more: same seed, same grids?
            city_rows = []
            for which, seed in plan:
                row = run_child(city, folder, which, seed)
                city_rows.append(row)
                print(f"  {city} {which:<9} seed {seed}: {row['seconds']:.2f} s, {row['peak_gb']:.2f} GB, "
                      f"{row['grids']} grids, band {row['band']:.4f}", file=sys.stderr, flush=True)
                if args.json:
                    with open(args.json, "a", encoding="utf-8") as f:
                        f.write(json.dumps(row) + "\n")
            first = [r["hash"] for r in city_rows if r["which"] == "ours" and r["seed"] == plan[-1][1]]
            deterministic = len(set(first)) == 1
            # quality over the seeds once each (the repeat run only checks determinism)
            seen, unique_rows = set(), []
            for r in city_rows:
                if (r["which"], r["seed"]) not in seen:
                    seen.add((r["which"], r["seed"]))
                    unique_rows.append(r)
            timing = {w: [r["seconds"] for r in city_rows if r["which"] == w] for w in ("reference", "ours")}
            result = table(unique_rows, city)
            result.loc[0, "reference"] = statistics.median(timing["reference"])  # times: every run, repeats too
            result.loc[0, "ours"] = statistics.median(timing["ours"])
            result.loc[0, "ours vs reference"] = f"{result.loc[0, 'reference'] / result.loc[0, 'ours']:.1f}× faster"
            if city == "1m":
                result = result[result["measure"] != MEASURES[1][1]]
            seeds = sorted({r["seed"] for r in unique_rows})
            print(f"\n{city}: {city_rows[0]['units']:,} units; times over {len(timing['reference'])} + "
                  f"{len(timing['ours'])} runs, quality mean over seeds {seeds}; "
                  f"same seed → same grids: {'yes' if deterministic else 'NO'}")
            print(result.to_string(index=False, float_format=lambda v: f"{v:,.4f}"))
            rows += unique_rows
        load_after = os.getloadavg()
    print(f"\nload average (1, 5, 15 min): before {' '.join(f'{v:.2f}' for v in load_before)}, "
          f"after {' '.join(f'{v:.2f}' for v in load_after)} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
