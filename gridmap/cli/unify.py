"""``gridmap unify``: one unified grid (多网合一) from the zone layers, balanced by households.

    gridmap unify --zones party=PATH --zones security=PATH --zones urban=PATH --area PATH --residents PATH
                  [--min-households 300] [--max-households 500] [--seed N]
                  [--exclusive PATH[#LAYER]|osm [--osm PATH] [--exclusive-min-area 5000] [--exclusive-range 901-999]]
                  [--micro 10,70] --out DIR
    gridmap unify --demo [--exclusive osm] [--micro 10,70] --out DIR
    gridmap unify --workspace DIR --project NAME [--plan NAME] [--out DIR]

Writes ``grids.geojson``, ``units.geojson``, ``assignment.csv`` (unit_id,grid_code), ``checks.csv``,
``communities.csv`` (per-community status and reason) and ``plan.gpkg`` (the editable plan, which
also stores the inputs — study area, residents, zone layers — for ``gridmap report``) into DIR.
``--exclusive`` carves 专属网格 (schools, hospitals, markets, parks, industrial parks, enterprises)
out of the base grids, from a polygon layer (optional ``name``, ``kind``) or ``osm`` (the polygons of
``--osm``); they are numbered per community in ``--exclusive-range``. ``--micro MIN,MAX`` splits
every base grid into 微网格 of whole buildings and writes ``micro_grids.geojson`` and
``micro_membership.csv`` (resident_index, grid_code, micro_code, households). ``grids.geojson``
carries ``grid_type`` (基础网格 / 专属网格) and ``exclusive_name``.
If DIR already holds a ``plan.gpkg``, grids whose units did not change keep their codes; a plan
with planners' edits in it is not replaced without ``--force``.

With ``--workspace DIR --project NAME`` the inputs come from the project and the plan is saved
into it: as a new plan (``--plan NAME``, default ``unified``), or — when the project has that plan
— as its next revision (kind ``build``; grids whose units did not change keep their codes, and
the planners' revisions stay in its history). ``--out`` is then optional.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gridmap.cli.checks import writing_to
from gridmap.cli.common import (
    add_crs_work_option,
    add_input_options,
    choose_working_crs,
    load_zone_inputs,
    print_error,
    progress,
    split_layer,
)
from gridmap.cli.project import add_project_options, project_plan, same_units, save_project_plan
from gridmap.defaults import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, SEED
from gridmap.errors import GridmapError
from gridmap.io.files import load_layer, write_geojson
from gridmap.plans.exclusive import (
    BASE,
    DEFAULT_EXCLUSIVE_RANGE,
    DEFAULT_MIN_EXCLUSIVE_AREA_M2,
    EXCLUSIVE_LAYER,
    build_typed_grids,
    exclusive_areas_for_units,
    exclusive_areas_from_osm,
    exclusive_zone_layer,
    parse_sequence_range,
)
from gridmap.plans.grids import build_grids
from gridmap.plans.micro import build_micro_grids, parse_micro_band, resident_grid_codes, resident_points
from gridmap.plans.plan import Plan
from gridmap.plans.store import load_plan, plan_sources, save_plan, write_assignment_csv
from gridmap.plans.units import COUNT_COLUMNS, layer_names, make_units
from gridmap.vocab import Message, text

__all__ = ["register", "run_unify", "OUTPUTS"]

OUTPUTS = ("grids.geojson", "units.geojson", "assignment.csv", "checks.csv", "communities.csv", "plan.gpkg")
MICRO_OUTPUTS = ("micro_grids.geojson", "micro_membership.csv")


def _exclusive_areas(args: argparse.Namespace, area, residents, demo_osm, say):
    """The exclusive areas of ``--exclusive`` (a layer, or ``osm``), prepared for the mosaic; None without it."""
    if not args.exclusive:
        return None
    if args.exclusive.strip().lower() == "osm":
        osm = args.osm or demo_osm
        if not osm:
            raise GridmapError("err_cli_exclusive_osm_needs_osm_path")
        raw = exclusive_areas_from_osm(osm)
        source = str(osm)
    else:
        path, layer = split_layer(args.exclusive)
        raw, _ = load_layer(path, None, layer)
        source = str(path)
    areas = exclusive_areas_for_units(raw, area, residents, min_area_m2=args.exclusive_min_area)
    say(Message("cli_unify_exclusive_areas", n_raw=len(raw), source=source, n=len(areas),
                min_area=args.exclusive_min_area))
    return areas


def run_unify(args: argparse.Namespace) -> int:
    """Build units and grids, write every output; return the exit status."""
    say = progress(args.quiet)
    if not args.out and not args.workspace:
        print_error(Message("cli_err_unify_no_out"))
        return 2
    target = None
    try:
        exclusive_range = parse_sequence_range(args.exclusive_range)
        micro_band = parse_micro_band(args.micro) if args.micro else None
        layers, area, residents, _, demo_osm = load_zone_inputs(args, say, "unify", need_residents=True)
        work = choose_working_crs(args, say, area, *layers.values(), residents)
        areas = _exclusive_areas(args, area, residents, demo_osm, say)
        if args.workspace:
            target = project_plan(args, default="unified")
    except GridmapError as exc:
        print_error(exc)
        return 2
    if areas is not None:
        if EXCLUSIVE_LAYER in layers:
            print_error(Message("cli_err_exclusive_clash", layer=EXCLUSIVE_LAYER))
            return 2
        layers = {**layers, EXCLUSIVE_LAYER: exclusive_zone_layer(areas)}
    out = Path(args.out) if args.out else None
    plan_path = out / "plan.gpkg" if out is not None else None
    old = target.head if target is not None else None
    if old is None and plan_path is not None and plan_path.exists():
        try:
            old = load_plan(plan_path)
        except ValueError as exc:
            detail = exc.message if isinstance(exc, GridmapError) else str(exc)
            print_error(Message("err_plan_in_the_way", detail=detail))
            return 2
        if old.history and not args.force:
            print_error(Message("err_plan_has_edits", path=plan_path, n=len(old.history), revision=old.revision))
            return 2
    units = make_units(layers, area, residents, crs=work, min_area_m2=args.min_unit_area,
                       min_width_m=args.min_unit_width, progress=say)
    if target is not None and old is not None and not same_units(old.units, units):
        print_error(Message("cli_err_units_differ", plan=target.name))
        return 2
    previous = old.assignment() if old is not None else None
    exclusive: dict[str, str] = {}
    if areas is not None:
        typed = build_typed_grids(units, args.min_households, args.max_households, seed=args.seed, areas=areas,
                                  study_area=area, previous=previous, exclusive_range=exclusive_range, progress=say)
        build, exclusive = typed.build, typed.exclusive
    else:
        build = build_grids(units, args.min_households, args.max_households, seed=args.seed, study_area=area,
                            previous=previous, progress=say)
    plan = Plan.from_build(units, build, min_households=args.min_households, max_households=args.max_households,
                           exclusive=exclusive, exclusive_range=exclusive_range)
    micro = None
    if micro_band is not None:
        base = plan.grids()
        base = base[base["grid_type"] == BASE]
        unit_codes = plan.assignment().set_index("unit_id")["grid_code"].reindex(units["unit_id"]).to_numpy()
        resident_grid = resident_grid_codes(resident_points(residents, units.crs), units, unit_codes)
        try:
            micro = build_micro_grids(base, residents, resident_grid, min_households=micro_band[0],
                                      max_households=micro_band[1], seed=args.seed)
        except GridmapError as exc:
            print_error(exc)
            return 2
        plan.micro_grids = micro.micro_grids
        plan.micro_band = micro_band
    if old is not None and target is None:  # the next revision of the same plan file
        plan.plan_id, plan.revision = old.plan_id, old.revision
    checks = plan.checks()
    grids = plan.grids()
    counts = [c for c in COUNT_COLUMNS if c in grids.columns]
    zone_cols = [f"{layer}_{k}" for layer in layer_names(units) for k in ("main", "share")]
    grids = grids[["grid_code", "grid_type", "exclusive_name", "area_id", *counts, "area_m2", "polsby_popper",
                   *zone_cols, "n_units", "perimeter_m", "in_band", "geometry"]]
    if target is not None:
        try:
            say(save_project_plan(target, plan, message=text("cli_unify_save_message", low=args.min_households,
                                                             high=args.max_households, seed=args.seed)))
        except GridmapError as exc:
            print_error(exc)
            return 2
    if out is not None and plan_path is not None:  # (plan_path is set with out)
        with writing_to(out):
            out.mkdir(parents=True, exist_ok=True)
            write_geojson(grids, out / "grids.geojson", partition=True)
            unit_out = units.merge(build.assignment, on="unit_id")
            write_geojson(unit_out, out / "units.geojson", partition=True)
            write_assignment_csv(build.assignment, out / "assignment.csv")
            checks.to_csv(out / "checks.csv", index=False, encoding="utf-8-sig")
            build.status.to_csv(out / "communities.csv", index=False, encoding="utf-8-sig")
            if micro is not None:
                write_geojson(micro.micro_grids, out / "micro_grids.geojson")
                micro.membership.to_csv(out / "micro_membership.csv", index=False, encoding="utf-8-sig")
            rev = save_plan(plan, plan_path, overwrite=True,
                            sources=plan_sources(study_area=area, residents=residents, zones=layers))
        written = OUTPUTS + (MICRO_OUTPUTS if micro is not None else ())
        say(Message("cli_unify_wrote", files=", ".join(written), out=out, rev=rev))
    base_grids = grids[grids["grid_type"] == BASE]
    hh = base_grids["households"]
    in_band = int(((hh >= args.min_households) & (hh <= args.max_households)).sum())
    print(text("cli_unify_grids", units=len(units), grids=len(base_grids), communities=len(build.status),
               in_band=in_band, low=args.min_households, high=args.max_households))
    if exclusive:
        print(text("cli_unify_exclusive", n=len(exclusive), first=exclusive_range[0], last=exclusive_range[1]))
    if micro is not None and micro_band is not None:  # (micro grids are made only with a band)
        m = micro.micro_grids
        print(text("cli_unify_micro", n=len(m), base=len(base_grids), in_band=int(m["in_band"].sum()),
                   low=micro_band[0], high=micro_band[1]))
    for row in build.status.itertuples():
        if row.status != "ok":
            print(text("cli_unify_community", area_id=row.area_id, n_in_band=row.n_in_band, n_grids=row.n_grids,
                       reason=row.reason))
    print(text("cli_unify_checks", checks=", ".join(f"{r.check} {r.status}" for r in checks.itertuples())))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap unify`` to the command's subparsers."""
    p = sub.add_parser("unify", help=text("help_unify_unify_cmd"),
                       description=text("help_unify_description"))
    p.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                   help=text("help_unify_zones"))
    p.add_argument("--area", metavar="PATH[#LAYER]", help=text("help_unify_area"))
    p.add_argument("--residents", metavar="PATH[#LAYER]", help=text("help_unify_residents"))
    p.add_argument("--min-households", type=int, default=MIN_HOUSEHOLDS,
                   help=text("help_unify_min_households", min_households=MIN_HOUSEHOLDS))
    p.add_argument("--max-households", type=int, default=MAX_HOUSEHOLDS,
                   help=text("help_unify_max_households", max_households=MAX_HOUSEHOLDS))
    p.add_argument("--seed", type=int, default=SEED, help=text("help_unify_seed", seed=SEED))
    p.add_argument("--min-unit-area", type=float, default=50.0, metavar="M2",
                   help=text("help_unify_min_unit_area"))
    p.add_argument("--min-unit-width", type=float, default=2.0, metavar="METRES",
                   help=text("help_unify_min_unit_width"))
    p.add_argument("--exclusive", metavar="PATH[#LAYER]|osm",
                   help=text("help_unify_exclusive"))
    p.add_argument("--osm", metavar="PATH", help=text("help_unify_osm"))
    p.add_argument("--exclusive-min-area", type=float, default=DEFAULT_MIN_EXCLUSIVE_AREA_M2, metavar="M2",
                   help=text("help_unify_exclusive_min_area",
                             default_min_exclusive_area_m2=DEFAULT_MIN_EXCLUSIVE_AREA_M2))
    p.add_argument("--exclusive-range", default="{}-{}".format(*DEFAULT_EXCLUSIVE_RANGE), metavar="FIRST-LAST",
                   help=text("help_unify_exclusive_range"))
    p.add_argument("--micro", metavar="MIN,MAX",
                   help=text("help_unify_micro"))
    p.add_argument("--force", action="store_true", help=text("help_unify_force"))
    p.add_argument("--demo", action="store_true", help=text("help_unify_demo"))
    p.add_argument("--out", metavar="DIR", help=text("help_unify_out"))
    add_input_options(p)
    add_crs_work_option(p)
    add_project_options(p, plan_help=text("help_unify_plan"))
    p.set_defaults(func=run_unify)
