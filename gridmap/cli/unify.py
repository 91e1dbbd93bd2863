"""``gridmap unify``: one unified grid (多网合一) from the zone layers, balanced by households.

    gridmap unify --zones party=PATH --zones security=PATH --zones urban=PATH --area PATH --residents PATH
                  [--min-households 300] [--max-households 500] [--seed N] --out DIR
    gridmap unify --demo --out DIR

Writes ``grids.geojson``, ``units.geojson``, ``assignment.csv`` (unit_id,grid_code), ``checks.csv``,
``communities.csv`` (per-community status and reason) and ``plan.gpkg`` (the editable plan, which
also stores the inputs — study area, residents, zone layers — for ``gridmap report``) into DIR.
If DIR already holds a ``plan.gpkg``, grids whose units did not change keep their codes; a plan
with planners' edits in it is not replaced without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridmap.cli._checks import writing_to
from gridmap.cli._common import add_input_options, load_zone_inputs, progress
from gridmap.io.files import write_geojson
from gridmap.io.validate import LayerError
from gridmap.plans.grids import build_grids
from gridmap.plans.plan import Plan
from gridmap.plans.store import load_plan, plan_sources, save_plan, write_assignment_csv
from gridmap.plans.units import COUNT_COLUMNS, layer_names, make_units

__all__ = ["register", "run_unify", "OUTPUTS"]

OUTPUTS = ("grids.geojson", "units.geojson", "assignment.csv", "checks.csv", "communities.csv", "plan.gpkg")


def run_unify(args: argparse.Namespace) -> int:
    """Build units and grids, write every output; return the exit status."""
    say = progress(args.quiet)
    try:
        layers, area, residents, _, _ = load_zone_inputs(args, say, "unify", need_residents=True)
    except LayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    plan_path = out / "plan.gpkg"
    old = None
    if plan_path.exists():
        try:
            old = load_plan(plan_path)
        except ValueError as exc:
            print(f"error: {exc}; move it away or choose another --out", file=sys.stderr)
            return 2
        if old.history and not args.force:
            print(f"error: {plan_path} holds {len(old.history)} edit(s) by planners (revision {old.revision}); "
                  "it is not replaced without --force", file=sys.stderr)
            return 2
    units = make_units(layers, area, residents, min_area_m2=args.min_unit_area, min_width_m=args.min_unit_width,
                       progress=say)
    previous = old.assignment() if old is not None else None
    build = build_grids(units, args.min_households, args.max_households, seed=args.seed, study_area=area,
                        previous=previous, progress=say)
    plan = Plan.from_build(units, build, min_households=args.min_households, max_households=args.max_households)
    if old is not None:  # the next revision of the same plan file
        plan.plan_id, plan.revision = old.plan_id, old.revision
    checks = plan.checks()
    grids = plan.grids()
    counts = [c for c in COUNT_COLUMNS if c in grids.columns]
    zone_cols = [f"{layer}_{k}" for layer in layer_names(units) for k in ("main", "share")]
    grids = grids[["grid_code", "area_id", *counts, "area_m2", "polsby_popper", *zone_cols, "n_units",
                   "perimeter_m", "in_band", "geometry"]]
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        write_geojson(grids, out / "grids.geojson")
        unit_out = units.merge(build.assignment, on="unit_id")
        write_geojson(unit_out, out / "units.geojson")
        write_assignment_csv(build.assignment, out / "assignment.csv")
        checks.to_csv(out / "checks.csv", index=False, encoding="utf-8-sig")
        build.status.to_csv(out / "communities.csv", index=False, encoding="utf-8-sig")
        rev = save_plan(plan, plan_path, overwrite=True,
                        sources=plan_sources(study_area=area, residents=residents, zones=layers))
    say(f"wrote {', '.join(OUTPUTS)} to {out} (plan revision {rev})")
    hh = grids["households"]
    in_band = int(((hh >= args.min_households) & (hh <= args.max_households)).sum())
    print(f"{len(units):,} units → {len(grids):,} grids in {len(build.status)} communities; "
          f"{in_band} within {args.min_households}–{args.max_households} households")
    for row in build.status.itertuples():
        if row.status != "ok":
            print(f"  {row.area_id}: {row.n_in_band}/{row.n_grids} grids in the band — {row.reason}")
    print("checks: " + ", ".join(f"{r.check} {r.status}" for r in checks.itertuples()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap unify`` to the command's subparsers."""
    p = sub.add_parser("unify", help="one unified grid (多网合一) balanced by households, and an editable plan",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                   help="a zone layer, e.g. party=party.geojson (repeatable)")
    p.add_argument("--area", metavar="PATH[#LAYER]", help="study area polygons (communities) with area_id and codes")
    p.add_argument("--residents", metavar="PATH[#LAYER]", help="residents (points or buildings) with households")
    p.add_argument("--min-households", type=int, default=300, help="smallest grid, households (default 300)")
    p.add_argument("--max-households", type=int, default=500, help="largest grid, households (default 500)")
    p.add_argument("--seed", type=int, default=0, help="random seed; same seed, same grids (default 0)")
    p.add_argument("--min-unit-area", type=float, default=50.0, metavar="M2",
                   help="faces smaller than this are merged into a neighbour (default 50)")
    p.add_argument("--min-unit-width", type=float, default=2.0, metavar="METRES",
                   help="faces thinner than this are merged into a neighbour (default 2)")
    p.add_argument("--force", action="store_true", help="replace an existing plan.gpkg even if planners edited it")
    p.add_argument("--demo", action="store_true", help="run on the embedded Nanjing demo")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_input_options(p)
    p.set_defaults(func=run_unify)
