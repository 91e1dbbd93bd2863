"""``gridmap staff``: 网格员 for every grid, 党员 in every 微网格, 驻区单位 on the grid (personal data).

    gridmap staff --plan PLAN.gpkg --staff PATH[#LAYER] [--members PATH[#LAYER]] [--units PATH[#LAYER]]
                  [--osm PATH] [--max-distance 3000] [--member-distance 1000] --out DIR
    gridmap staff --workspace DIR --project NAME [--plan NAME] [--staff PATH] [--members PATH] [--units PATH]
                  [--out DIR]

Writes into DIR (CSV in UTF-8 with BOM, so Excel opens them; codes and phones as text):

``staff.csv``            per 网格员: staff_id, name, phone, staff_type, role, capacity, grid_codes, kept,
                         assigned, n_grids, households, load, assigned_m, has_home
``staff_grids.csv``      per grid: grid_code, grid_type, area_id, households, n_staff, staff_ids,
                         staff_names, households_per_staff, staffed, source, assigned_m, reason
                         (+ units_stationed, volunteers with --units)
``unstaffed.csv``        the grids without a 网格员 and why (no_staff_within_reach / staff_full)
``staff_assignments.csv`` one row per person and grid (staff_id, name, phone, role, grid_code, source):
                         the staff table ``gridmap notice --staff`` reads
``staffing.geojson``     the grids with the staff_grids.csv columns (RFC 7946)
with ``--members``: ``members.csv`` (member_id, name, community, home_area_id, home_micro_code,
micro_code, grid_code, moved, moved_m, registered_here), ``member_micro.csv`` (per 微网格:
micro_code, grid_code, area_id, households, n_members, member_ids), ``member_coverage.csv``
(level grid/community, code, n_micro, n_micro_with_member, micro_share [, n_compounds,
n_compounds_with_member, compound_share]) and ``member_micro.geojson``;
with ``--units``: ``units.csv`` (unit_id, name, volunteers, grid_code, micro_code);
and ``staffing.xlsx`` with one sheet per table (网格员配置, 网格, 未配备网格员, 党员报到, 党员覆盖, 驻区单位).
Distances are walking metres on ``--osm``, else straight-line metres in the plan's CRS.

With ``--workspace DIR --project NAME`` the plan is the head of the project's plan ``--plan NAME``
(default: its only plan, or ``unified``), the staff, members and 驻区单位 are the project's layers
``staff``, ``members`` and ``units`` unless given as files, the walking network is the project's
OSM file, and the results are kept in the project (:func:`gridmap.people.staffing.staffing_layers`:
``staffing_grids`` and ``staffing_micro`` with counts, ``staff_assignments`` and ``members_placed``
with names — read back with the same protection as every layer of people), where the app maps
them; ``--out`` is then optional.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from gridmap.cli.checks import writing_to
from gridmap.cli.common import add_input_options, progress, read_plan_file, split_layer
from gridmap.cli.project import add_project_options, project_plan
from gridmap.errors import GridmapError
from gridmap.io.files import atomic_write, write_geojson
from gridmap.io.inputs import InputOptions
from gridmap.io.validate import LayerError
from gridmap.people.staffing import (
    DEFAULT_MEMBER_DISTANCE_M,
    DEFAULT_STAFF_DISTANCE_M,
    assign_members,
    assign_staff,
    locate_units,
    member_coverage,
    staffing_layers,
)
from gridmap.vocab import Message, text

__all__ = ["register", "run_staff", "OUTPUTS", "SHEETS"]

OUTPUTS = ("staff.csv", "staff_grids.csv", "unstaffed.csv", "staff_assignments.csv", "staffing.geojson",
           "staffing.xlsx")
#: Workbook sheets, by table.
SHEETS = {"staff": "网格员配置", "grids": "网格", "unstaffed": "未配备网格员", "members": "党员报到",
          "coverage": "党员覆盖", "units": "驻区单位"}
#: What the outputs hold and who may have them (printed as they are written, in the run's language).
PRIVACY = Message("cli_staff_privacy")


def _read(options: InputOptions, spec: str, scope: str, say):
    path, layer = split_layer(spec)
    gdf, _ = options.load(path, None, layer, scope)
    gdf.attrs.setdefault("source", str(path))
    say(Message("cli_staff_read", scope=scope, n=len(gdf), path=path))
    return gdf


def _csv(table: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda p: table.to_csv(p, index=False, encoding="utf-8-sig"))


def _xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            for key, table in sheets.items():
                table.to_excel(xl, sheet_name=SHEETS[key], index=False)
                xl.sheets[SHEETS[key]].freeze_panes = "A2"
    atomic_write(path, write)


def _project_inputs(args: argparse.Namespace, options: InputOptions, say):
    """(plan, stored inputs, staff, members, units, OSM path, where to keep the results) from ``--workspace``."""
    from gridmap.workspace import WorkspaceError

    target = project_plan(args, default="unified")
    if target.head is None:
        raise LayerError("err_cli_project_has_no_plan_make", project=target.project, name=target.name,
                         workspace=args.workspace)
    try:
        layers = target.session.inputs(target.project)
        osm = target.session.osm_path(target.project)
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    say(Message("cli_staff_plan_of_project", plan=target.name, project=target.project,
                revision=target.head.revision, grids=len(target.head.registry)))
    found = {}
    for key in ("staff", "members", "units"):
        spec = getattr(args, key)
        found[key] = _read(options, spec, key, say) if spec else layers.get(key)
    if found["staff"] is None:
        raise LayerError("err_cli_project_has_no_layer_staff", project=target.project)
    stored = {k: v for k, v in (("study_area", layers.get("study_area")), ("residents", layers.get("residents")))
              if v is not None}
    return target.head, stored, found["staff"], found["members"], found["units"], osm, target


def _write_outputs(out: Path, say, result, grid_table: pd.DataFrame, unstaffed: pd.DataFrame, grids, member_result,
                   coverage, plan, placed, sheets: dict[str, pd.DataFrame]) -> None:
    """Write the tables, layers and workbook of a staffing run into ``out``."""
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        say(Message("cli_writing_to_private", out=out, privacy=PRIVACY))
        _csv(result.staff, out / "staff.csv")
        _csv(grid_table, out / "staff_grids.csv")
        _csv(unstaffed, out / "unstaffed.csv")
        _csv(result.assignments, out / "staff_assignments.csv")
        write_geojson(grids[["grid_code", "geometry"]].merge(grid_table, on="grid_code"), out / "staffing.geojson")
        if member_result is not None:
            _csv(member_result.members, out / "members.csv")
            _csv(member_result.micro, out / "member_micro.csv")
            _csv(coverage, out / "member_coverage.csv")
            assert plan.micro_grids is not None  # members are placed only in a plan's micro grids (checked above)
            micro = plan.micro_grids[["micro_code", "geometry"]].merge(member_result.micro, on="micro_code")
            write_geojson(micro, out / "member_micro.geojson")
        if placed is not None:
            _csv(placed, out / "units.csv")
        _xlsx(sheets, out / "staffing.xlsx")


def run_staff(args: argparse.Namespace) -> int:
    """Run ``gridmap staff``; return the exit status (errors are raised as GridmapError: status 2)."""
    say = progress(args.quiet)
    if not args.workspace and not args.plan:
        raise LayerError("err_cli_give_plan_plan_gpkg_or")
    if not args.workspace and not args.out:
        raise LayerError("err_cli_give_out_dir_optional_only")
    if not args.workspace and not args.staff:
        raise LayerError("err_cli_give_staff_path")
    out = Path(args.out) if args.out else None
    options = InputOptions.from_args(args, ("staff", "members", "units"))
    target = None
    osm = args.osm
    if args.workspace:
        plan, stored, staff, members, units, osm, target = _project_inputs(args, options, say)
        where = f"project {target.project!r}, plan {target.name!r}"
    else:
        plan, stored = read_plan_file(args.plan, say)
        staff = _read(options, args.staff, "staff", say)
        members = _read(options, args.members, "members", say) if args.members else None
        units = _read(options, args.units, "units", say) if args.units else None
        where = str(args.plan)
    options.check_all_used()
    if members is not None and plan.micro_grids is None:
        raise LayerError("err_cli_plan_has_no_so_members", where=where)
    net = None
    if osm:
        from gridmap.access.network import load_walk_network

        say(Message("cli_staff_network", path=osm))
        net = load_walk_network(osm, cache=args.cache_dir)
    grids = plan.grids()
    result = assign_staff(grids, staff, net=net, max_distance_m=args.max_distance, snap_limit=args.snap_limit)
    grid_table = result.grids
    sheets = {"staff": result.staff, "grids": grid_table}
    unstaffed = grid_table.loc[~grid_table["staffed"], ["grid_code", "grid_type", "area_id", "households", "reason"]]
    sheets["unstaffed"] = unstaffed
    placed = None
    if units is not None:
        placed = locate_units(units, grids, plan.micro_grids)
        per_grid = placed.groupby("grid_code")["volunteers"].agg(["size", "sum"])
        grid_table["units_stationed"] = grid_table["grid_code"].map(per_grid["size"]).fillna(0).astype(int)
        grid_table["volunteers"] = grid_table["grid_code"].map(per_grid["sum"]).fillna(0).astype(int)
        sheets["units"] = placed
    member_result = coverage = None
    if members is not None:
        names = None
        area = stored.get("study_area")
        if area is not None and "name" in area.columns:
            names = dict(zip(area["area_id"].astype(str), area["name"].astype(str), strict=True))
        member_result = assign_members(plan.micro_grids, members, grids, net=net,
                                       max_distance_m=args.member_distance, snap_limit=args.snap_limit,
                                       community_names=names)
        from gridmap.access.routing import representative_xy

        home = representative_xy(members, grids.crs) if members.crs is not None else None
        coverage = member_coverage(member_result.micro, stored.get("residents"), grids, home)
        sheets["members"] = member_result.members
        sheets["coverage"] = coverage
    if target is not None:
        layers = staffing_layers(grids, grid_table, result.assignments, plan.micro_grids,
                                 member_result.micro if member_result is not None else None,
                                 member_result.members if member_result is not None else None,
                                 plan=target.name, revision=plan.revision)
        target.session.store_layers(target.project, "staffing", layers, plan=target.name, revision=plan.revision,
                                     message=f"gridmap staff, {len(staff):,} 网格员")
        say(Message("cli_staff_kept", project=target.project, layers=", ".join(layers), plan=target.name,
                    revision=plan.revision))
    if out is not None:
        _write_outputs(out, say, result, grid_table, unstaffed, grids, member_result, coverage, plan, placed, sheets)
    staffed = int(grid_table["staffed"].sum())
    print(text("cli_staff_result", staffed=staffed, grids=len(grid_table),
               assigned=int((grid_table["source"] == "assigned").sum()), distance=args.max_distance,
               how=Message("cli_staff_walking" if net is not None else "cli_staff_straight"),
               stopped="" if result.optimal else Message("cli_staff_time_limit")))
    if len(unstaffed):
        print(text("cli_staff_unstaffed", n=len(unstaffed)))
    if member_result is not None:
        m = member_result.micro
        print(text("cli_staff_members", members=len(member_result.members), covered=int((m["n_members"] > 0).sum()),
                   micro=len(m), moved=int(member_result.members["moved"].sum())))
    return 0


def _run(args: argparse.Namespace) -> int:
    try:
        return run_staff(args)
    except ValueError as exc:  # a value the core refuses that no option check caught
        raise GridmapError(str(exc)) from exc


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap staff`` to the command's subparsers."""
    p = sub.add_parser("staff", help=text("help_staff_staff_cmd"),
                       description=text("help_staff_description"),
                       epilog=text("help_staff_staff_epilog"))
    p.add_argument("--plan", metavar="PLAN.gpkg|NAME",
                   help=text("help_staff_plan"))
    p.add_argument("--staff", metavar="PATH[#LAYER]", help=text("help_staff_staff"))
    p.add_argument("--members", metavar="PATH[#LAYER]", help=text("help_staff_members"))
    p.add_argument("--units", metavar="PATH[#LAYER]", help=text("help_staff_units"))
    p.add_argument("--osm", metavar="PATH", help=text("help_staff_osm"))
    p.add_argument("--max-distance", type=float, default=DEFAULT_STAFF_DISTANCE_M, metavar="METRES",
                   help=text("help_staff_max_distance", default_staff_distance_m=DEFAULT_STAFF_DISTANCE_M))
    p.add_argument("--member-distance", type=float, default=DEFAULT_MEMBER_DISTANCE_M, metavar="METRES",
                   help=text("help_staff_member_distance", default_member_distance_m=DEFAULT_MEMBER_DISTANCE_M))
    p.add_argument("--snap-limit", type=float, default=300.0, metavar="METRES",
                   help=text("help_staff_snap_limit"))
    p.add_argument("--cache-dir", help=text("help_staff_cache_dir"))
    add_input_options(p, "staff, members, units")
    p.add_argument("--out", metavar="DIR", help=text("help_staff_out"))
    add_project_options(p)
    p.set_defaults(func=_run)
