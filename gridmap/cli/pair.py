r"""``gridmap pair``: 结对帮扶 — pair every special-group resident with a helper within a walk.

    gridmap pair --osm streets.osm --residents buildings.gpkg --helpers helpers.geojson --out out/
    gridmap pair --osm streets.osm --residents buildings.gpkg --helpers helpers.geojson \
                 --max-distance 800 --per-helper 2 --groups elderly_alone,disabled --plan plan.gpkg --out out/
    gridmap pair --demo --out out/          # the Nanjing demo with synthetic helpers
    gridmap pair --workspace DIR --project NAME [--plan NAME] [--helpers PATH] [--out out/]

Every 独居老人 / 留守儿童 / 残疾人 counted in the residents' group columns is paired with one helper
(points with ``helper_id``; optional ``name``, ``phone`` and ``capacity`` — a capacity filled in
overrides ``--per-helper`` for that helper) within ``--max-distance`` walking metres on the OSM
network; most people paired first, then the least total walking, then (with ``--plan``) pairs
inside the same grid. See :mod:`gridmap.people.pairing` for the method.

Writes to ``--out``:

* ``pairs.csv`` — one row per person paired: ``resident_index`` (0-based row of the residents
  layer), ``group``, ``helper_id``, ``network_m``, and ``grid_code`` with ``--plan``;
* ``pairs.xlsx`` — the same with a second header row in Chinese (plus the helper's name and phone
  when given), and the sheets ``unpaired`` and ``helpers``;
* ``unpaired.csv`` — one row per person not paired: ``resident_index``, ``group``, ``reason``
  (``no_helper_within_reach``, ``helpers_full``, ``not_on_network``), ``detail``,
  ``nearest_helper_id``, ``nearest_helper_m`` (and ``grid_code``);
* ``helpers.geojson`` — every helper with ``capacity``, ``assigned``, ``free`` and
  ``assigned_<group>`` (RFC 7946);
* ``problems.csv`` — what reading the inputs repaired or left out (``--drop-empty``);
* ``pairs.html`` — an offline map: residents by status, a line from each person to the helper,
  helpers sized by load.

With ``--workspace DIR --project NAME`` the residents, the helpers (unless ``--helpers PATH``) and
the OSM file are the project's, the plan is the head of ``--plan NAME`` (default: its only plan),
and the results are kept in the project (:func:`gridmap.people.layers.pairing_layers`):
``pairing_grids`` (``n_paired``, ``n_unpaired`` and the unpaired by reason per grid — counts, for
everyone who may open the project; the app maps the people not paired from it) and
``pairing_people`` (the pairs, read only by admins and by planners inside their scope), with a line
in the audit trail; ``--out`` is then optional.

PERSONAL DATA: these files say where vulnerable people live. Give them only to those who serve
them (least privilege); keep them off shared drives and public channels.

Exit status 0 when everything was written, 1 when the map could not be (offline assets missing: the
other files are written), 2 when an input or option cannot be used.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from gridmap.cli.common import (
    add_crs_work_option,
    add_input_options,
    choose_working_crs,
    network_source,
    print_error,
    print_read_notes,
    progress,
    read_plan_file,
    save_map,
    split_layer,
    write_map_after_tables,
)
from gridmap.cli.project import add_project_options
from gridmap.defaults import SNAP_LIMIT_M
from gridmap.io.files import atomic_write
from gridmap.io.validate import LayerError
from gridmap.vocab import Message, text

__all__ = ["register", "run_pair", "OUTPUT_FILES", "HEADERS_ZH"]

#: Files written by ``gridmap pair`` into ``--out``.
OUTPUT_FILES = ("pairs.csv", "pairs.xlsx", "unpaired.csv", "helpers.geojson", "problems.csv", "pairs.html")
#: What the outputs hold and who may have them (printed as they are written, in the run's language).
PRIVACY = Message("cli_pair_privacy")
#: The second (Chinese) header row of pairs.xlsx.
HEADERS_ZH = {
    "resident_index": "住户行号(从0起)", "group": "帮扶对象类别", "helper_id": "帮扶人编号",
    "network_m": "步行距离(米)",
    "grid_code": "网格编码", "micro_code": "微网格编码", "helper_name": "帮扶人姓名", "helper_phone": "帮扶人电话",
    "reason": "未结对原因", "detail": "说明", "nearest_helper_id": "最近帮扶人编号",
    "nearest_helper_m": "最近帮扶人步行距离(米)", "name": "名称", "capacity": "可帮扶人数", "assigned": "已结对人数",
    "free": "剩余名额", "snap_m": "距道路(米)", "snap_status": "路网状态",
}
_MAX_DISTANCE_M = 10_000.0
_MAX_SNAP_M = 5_000.0
_MAX_PER_HELPER = 1_000


# ------------------------------------------------------------------------------------------------
# options


def _metres(option: str, upper: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(Message("err_cli_expects_walking_metres_e_g", option=option,
                                                     text=text)) from None
        if not math.isfinite(value) or not 0 < value <= upper:
            raise argparse.ArgumentTypeError(Message("err_cli_must_finite_number_metres_above", option=option,
                                                     upper=upper, text=text))
        return value
    return parse


def _per_helper(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(Message("err_cli_per_helper_expects_whole_number", text=text)) \
            from None
    if not math.isfinite(value) or value != int(value) or not 1 <= value <= _MAX_PER_HELPER:
        raise argparse.ArgumentTypeError(Message("err_cli_per_helper_must_whole_number", most=_MAX_PER_HELPER,
                                                 text=text))
    return int(value)


def _groups(text: str) -> tuple[str, ...]:
    names = tuple(g.strip() for g in text.replace("，", ",").split(",") if g.strip())
    if not names:
        raise argparse.ArgumentTypeError(Message("err_cli_groups_expects_column_names_e"))
    return names


# ------------------------------------------------------------------------------------------------
# inputs


_INPUTS = ("residents", "helpers")


def _project_inputs(args: argparse.Namespace, say):
    """(osm path, residents, helpers, zone layers, reports, where to keep the results, grids) from ``--workspace``.

    The plan is the head of ``--plan NAME`` (default: the project's only plan); residents, helpers
    and the OSM file are the project's (helpers from ``--helpers PATH`` when given).
    """
    from gridmap.cli.project import project_plan
    from gridmap.io.inputs import InputOptions
    from gridmap.workspace import WorkspaceError

    target = project_plan(args)
    if target.head is None:
        raise LayerError("err_pair_workspace_needs", project=target.project, layer="plan")
    try:
        layers = target.session.inputs(target.project)
        osm = target.session.osm_path(target.project)
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    plan = target.head
    grids = plan.grids()[["grid_code", "geometry"]]
    zone_layers = {"grid_code": grids}
    if plan.micro_grids is not None:
        zone_layers["micro_code"] = plan.micro_grids[["micro_code", "geometry"]]
    say(Message("cli_pair_grids", n=len(grids)))
    residents = layers.get("residents")
    if residents is None:
        raise LayerError("err_pair_workspace_needs", project=target.project, layer="residents")
    reports: list = []
    if args.helpers:
        path, layer = split_layer(args.helpers)
        say(Message("cli_pair_reading", what="helpers", path=args.helpers))
        helpers, report = InputOptions.from_args(args, ("helpers",)).load(path, None, layer, "helpers")
        reports.append(report)
    else:
        helpers = layers.get("helpers")
        if helpers is None:
            raise LayerError("err_pair_workspace_needs", project=target.project, layer="helpers")
    if osm is None:
        raise LayerError("err_pair_workspace_no_osm", project=target.project)
    return Path(osm), residents, helpers, zone_layers, reports, target, grids


def _inputs(args: argparse.Namespace, say):
    """(osm path, residents, helpers, zone layers or None, validation reports).

    Reading options are scoped as for every command: ``--map helpers:name=姓名`` maps one input's
    column, a plain ``--map helper_id=编号`` applies to whichever input has the column.
    """
    from gridmap.io.inputs import InputOptions
    from gridmap.people.pairing import demo_helpers

    options = InputOptions.from_args(args, _INPUTS)
    reports: list = []
    residents = helpers = None
    osm = Path(args.osm) if args.osm else None
    zone_layers = None
    if args.plan:
        plan, stored = read_plan_file(args.plan, say)
        grids = plan.grids()[["grid_code", "geometry"]]
        zone_layers = {"grid_code": grids}
        if plan.micro_grids is not None:  # the 微网格 of the plan rank first in the tie-break
            zone_layers["micro_code"] = plan.micro_grids[["micro_code", "geometry"]]
        say(Message("cli_pair_grids", n=len(grids)))
        if not args.residents and "residents" in stored:
            residents = stored["residents"]
            say(Message("cli_pair_residents_stored", n=len(residents)))
    if args.demo:
        from gridmap.demo import DEMO_OSM, load_demo

        say(Message("cli_pair_loading_demo"))
        demo = load_demo()
        osm = osm or DEMO_OSM
        if residents is None and not args.residents:
            residents = demo["residents"]
        if not args.helpers:
            helpers = demo_helpers(demo["residents"], demo["centers"])
    missing = [flag for flag, ok in (("--osm", osm), ("--residents", residents is not None or args.residents),
                                     ("--helpers", helpers is not None or args.helpers)) if not ok]
    if missing:
        raise LayerError("err_pair_needs", needed=", ".join(missing))
    assert osm is not None  # else --osm is missing above
    if not osm.exists():
        raise LayerError("err_osm_not_found", path=osm)
    for what in _INPUTS:
        spec = getattr(args, what)
        if (residents if what == "residents" else helpers) is None:
            path, layer = split_layer(spec)
            say(Message("cli_pair_reading", what=what, path=spec))
            gdf, report = options.load(path, None, layer, what)
            print_read_notes(report)
            reports.append(report)
            if what == "residents":
                residents = gdf
            else:
                helpers = gdf
    options.check_all_used()
    return osm, residents, helpers, zone_layers, reports


# ------------------------------------------------------------------------------------------------
# outputs


def _xlsx_value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _write_xlsx(path: Path, sheets: list[tuple[str, pd.DataFrame]], groups: tuple[str, ...]) -> None:
    """One sheet per table: the CSV's column names, then a row of Chinese headers, then the data."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    from gridmap.people.pairing import GROUP_LABELS

    labels = dict(HEADERS_ZH)
    for g in groups:
        labels[f"assigned_{g}"] = f"已结对{GROUP_LABELS.get(g, g)}"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for name, table in sheets:
        ws = wb.create_sheet(name)
        ws.append([str(c) for c in table.columns])
        ws.append([labels.get(str(c), "") for c in table.columns])
        for row in table.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in row])
        for cell in (*ws[1], *ws[2]):
            cell.font = bold
            cell.fill = grey
        ws.freeze_panes = "A3"
        for i, col in enumerate(table.columns, start=1):
            width = max(len(str(col)), 2 * len(labels.get(str(col), "")), 8)
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = min(width + 2, 40)
    wb.save(path)


def _tables(result, helpers_in) -> dict[str, pd.DataFrame]:
    """The CSV tables (columns exactly as documented) and the workbook's sheets."""
    from gridmap.people.pairing import id_text

    pairs = result.pairs.assign(network_m=result.pairs["network_m"].round(2))
    unpaired = result.unpaired.assign(nearest_helper_m=result.unpaired["nearest_helper_m"].round(2))
    hel = pd.DataFrame(result.helpers.drop(columns=result.helpers.geometry.name))
    hel["snap_m"] = hel["snap_m"].round(2)
    sheet_pairs = pairs.copy()
    extra = {"helper_name": "name", "helper_phone": "phone"}
    by_id = helpers_in.assign(_id=result.helpers["helper_id"].to_numpy()).set_index("_id")
    for ours, theirs in extra.items():
        if theirs in helpers_in.columns:  # as text: a phone number keeps its leading 0
            sheet_pairs[ours] = sheet_pairs["helper_id"].map(by_id[theirs].map(id_text))
    return {"pairs": pairs, "unpaired": unpaired, "helpers": hel, "sheet_pairs": sheet_pairs}


def _write_map(path: Path, net, result, lang: str) -> Path:
    from gridmap.present.pair_map import pair_map

    return save_map(pair_map(result, streets=net.edges_gdf()[["highway", "geometry"]], lang=lang), path)


def run_pair(args: argparse.Namespace) -> int:
    """Run ``gridmap pair`` with parsed arguments; return the exit status."""
    from gridmap.access.accessibility import EdgeIndex
    from gridmap.access.network import load_walk_network
    from gridmap.io.files import write_geojson
    from gridmap.io.validate import ValidationReport
    from gridmap.people.pairing import pair_residents

    say = progress(args.quiet)
    target = grids = None
    workspace = bool(args.workspace or args.project)
    try:
        if workspace and not args.project:
            raise LayerError("err_pair_workspace_out")
        if not workspace and not args.out:
            raise LayerError("err_pair_workspace_out")
        if workspace:
            osm, residents, helpers, zone_layers, reports, target, grids = _project_inputs(args, say)
        else:
            osm, residents, helpers, zone_layers, reports = _inputs(args, say)
        work = choose_working_crs(args, say, residents, helpers)
        say(network_source(osm, args.no_cache))
        net = load_walk_network(osm, crs=work, cache=args.cache_dir, use_cache=not args.no_cache)
        say(Message("cli_site_network", nodes=net.n_nodes, edges=net.n_edges, epsg=net.crs.to_epsg()))
        say(Message("cli_pair_within", distance=args.max_distance, per_helper=args.per_helper,
                    residents=len(residents), helpers=len(helpers)))
        result = pair_residents(net, residents, helpers, groups=args.groups, max_distance_m=args.max_distance,
                                per_helper=args.per_helper, zone_layers=zone_layers, snap_limit=args.snap_limit,
                                resident_index=residents.index.to_numpy(), helper_rows=helpers.index.to_numpy(),
                                index=EdgeIndex(net))
    except (LayerError, FileNotFoundError, ValueError) as exc:
        print_error(exc)
        return 2
    s = result.stats
    for note in result.notes:
        say(Message("cli_note", text=note))
    share = s["paired"] / s["people"] if s["people"] else 1.0
    say(Message("cli_pair_paired", paired=s["paired"], people=s["people"], share=share, groups=", ".join(result.groups),
                candidates=s["candidate_pairs"], used=s["helpers_used"], helpers=s["helpers"]))
    if s["paired"]:
        say(Message("cli_pair_walking", km=s["total_m"] / 1000, mean=s["mean_m"], longest=s["max_m"]))
    if "paired_same_grid_code" in s:
        say(Message("cli_pair_same_grid", same=s["paired_same_grid_code"], paired=s["paired"]))
    if s["unpaired"]:
        reasons = ("helpers_full", "no_helper_within_reach", "not_on_network")
        say(Message("cli_pair_unpaired", counts=", ".join(f"{r} {s[f'unpaired_{r}']:,}" for r in reasons
                                                           if s[f"unpaired_{r}"])))
    if target is not None:
        from gridmap.people.layers import pairing_layers

        plan = target.head
        assert plan is not None and grids is not None  # _project_inputs refuses a project without the plan
        layers = pairing_layers(result, grids, plan=target.name, revision=plan.revision)
        try:
            target.session.store_layers(target.project, "pairing", layers, plan=target.name,
                                         revision=plan.revision,
                                         message=text("cli_pair_kept_message", paired=s["paired"],
                                                      people=s["people"]))
        except ValueError as exc:  # a workspace refusal (rights, a busy store): named, exit 2
            print_error(exc)
            return 2
        say(Message("cli_pair_kept", project=target.project, layers=", ".join(layers), plan=target.name,
                    revision=plan.revision))
    if not args.out:
        return 0
    out = Path(args.out)
    tables = _tables(result, helpers)
    say(Message("cli_writing_to_private", out=out, privacy=PRIVACY))
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "pairs.csv", lambda p: tables["pairs"].to_csv(p, index=False, encoding="utf-8-sig"))
    atomic_write(out / "unpaired.csv", lambda p: tables["unpaired"].to_csv(p, index=False, encoding="utf-8-sig"))
    atomic_write(out / "pairs.xlsx", lambda p: _write_xlsx(p, [("pairs", tables["sheet_pairs"]),
                                                               ("unpaired", tables["unpaired"]),
                                                               ("helpers", tables["helpers"])], result.groups))
    write_geojson(result.helpers.assign(snap_m=tables["helpers"]["snap_m"].to_numpy()), out / "helpers.geojson")
    frames = [r.to_frame(args.lang) for r in reports] or [ValidationReport("", None, None).to_frame()]
    atomic_write(out / "problems.csv", lambda p: pd.concat(frames, ignore_index=True).to_csv(
        p, index=False, encoding="utf-8-sig"))
    status = write_map_after_tables(out / "pairs.html", lambda p: _write_map(p, net, result, args.lang))
    say(Message("cli_done_files", files=", ".join(OUTPUT_FILES)))
    return status


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap pair`` to the command's subparsers."""
    p = sub.add_parser(
        "pair", help=text("help_pair_pair_cmd"),
        description=text("help_pair_pair_description") + " " + PRIVACY.render(),
        epilog=text("help_pair_pair_epilog"))
    p.add_argument("--osm", help=text("help_pair_osm"))
    p.add_argument("--residents", metavar="PATH[#LAYER]",
                   help=text("help_pair_residents"))
    p.add_argument("--helpers", metavar="PATH[#LAYER]",
                   help=text("help_pair_helpers"))
    p.add_argument("--max-distance", type=_metres("--max-distance", _MAX_DISTANCE_M), default=1000.0,
                   metavar="METRES", help=text("help_pair_max_distance"))
    p.add_argument("--per-helper", type=_per_helper, default=3, metavar="N",
                   help=text("help_pair_per_helper"))
    p.add_argument("--groups", type=_groups, default=None, metavar="COL,COL",
                   help=text("help_pair_groups"))
    p.add_argument("--plan", metavar="PLAN.gpkg|NAME",
                   help=text("help_pair_plan"))
    p.add_argument("--snap-limit", type=_metres("--snap-limit", _MAX_SNAP_M), default=SNAP_LIMIT_M, metavar="METRES",
                   help=text("help_pair_snap_limit", snap_limit_m=SNAP_LIMIT_M))
    add_input_options(p)
    add_crs_work_option(p)
    p.add_argument("--cache-dir", help=text("help_pair_cache_dir"))
    p.add_argument("--no-cache", action="store_true", help=text("help_pair_no_cache"))
    p.add_argument("--demo", action="store_true",
                   help=text("help_pair_demo"))
    p.add_argument("--out", help=text("help_pair_out"))
    add_project_options(p)
    p.set_defaults(func=run_pair)
