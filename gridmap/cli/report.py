"""``gridmap report``: the 台账 of a plan — one Excel workbook and one offline HTML report.

    gridmap report --plan out/plan.gpkg --centers centres.geojson --osm streets.osm --out report/
    gridmap report --demo --out report/                    # a plan built on the fly from the demo
    gridmap report --demo --plan out/plan.gpkg --lang en --out report/
    gridmap report --workspace DIR --project NAME [--plan NAME] --out report/

Writes to ``--out``:

* ``report.xlsx`` — sheets 概况 (key figures, what was left out and why), 网格 (codes, households,
  population, special groups, band status, area, Polsby–Popper, main zone and share per old layer),
  盲区, 多头, 可达性 (households and special groups by life circle per grid), 上门服务名单
  (special-group residents beyond 15 minutes, per grid), 建议选址 (proposed sites); with
  ``--staffing DIR`` (from ``gridmap staff``) 网格员配置 and 党员报到, with ``--pairs`` (from
  ``gridmap pair``) 结对帮扶;
* ``report.html`` — key figures and one map (grids, coverage, access, sites) that open offline.

The inputs come from, in this order: the options (``--residents``, ``--centers``, ``--area``,
``--zones NAME=PATH``, ``--osm``), the sources stored in the plan file by ``gridmap unify``, and with
``--demo`` the embedded demo. A section whose inputs are missing is left out with a note saying so.
Headers are Chinese by default (``--lang en`` for English). Progress goes to stderr. Exit status 0
when both files were written, 1 when the HTML has no map (offline assets missing), 2 when an input
cannot be used.

With ``--workspace DIR --project NAME`` the plan (``--plan NAME``, or the project's only plan, at
its head) and every input come from the project instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridmap.cli.checks import writing_to
from gridmap.cli.common import (
    add_crs_work_option,
    add_input_options,
    choose_working_crs,
    demo_plan,
    input_options,
    load_zone_layers,
    network_source,
    print_error,
    print_read_notes,
    progress,
    read_plan_file,
    split_layer,
)
from gridmap.defaults import SITE_RADIUS_M, SLIVER_M2
from gridmap.io.validate import LayerError
from gridmap.vocab import Message, text

__all__ = ["OUTPUT_FILES", "register", "run_report"]

#: Files written by ``gridmap report`` into ``--out``.
OUTPUT_FILES = ("report.xlsx", "report.html")


def _project_inputs(args: argparse.Namespace, say) -> dict:
    """The plan (at its head) and every input, from ``--workspace``/``--project``."""
    from gridmap.cli.project import project_layers, project_plan

    target = project_plan(args)
    if target.head is None:
        raise LayerError("err_cli_project_has_no_plan", project=target.project, name=target.name)
    _, layers, osm = project_layers(args, say)
    say(Message("cli_plan_read", name=target.name, revision=target.head.revision, n=len(target.head.registry),
                stored=""))
    return {"study_area": layers["study_area"], "residents": layers.get("residents"),
            "centers": layers.get("centers"), "osm": osm, "plan": target.head,
            "zones": {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}}


def _inputs(args: argparse.Namespace, say) -> dict:
    """The plan and every input found: the project; or options, then the plan's stored sources, then the demo."""
    if getattr(args, "workspace", None) or getattr(args, "project", None):
        return _project_inputs(args, say)
    if not args.plan and not args.demo:
        raise LayerError("err_report_needs_plan")
    common = input_options(args)
    found: dict = {"study_area": None, "residents": None, "centers": None, "zones": {}, "osm": None}
    demo = None
    if args.demo:
        from gridmap.demo import DEMO_OSM, demo_zone_layers, load_demo

        say(Message("cli_loading_demo"))
        demo = load_demo()
        found.update(study_area=demo["study_area"], residents=demo["residents"], centers=demo["centers"],
                     zones=demo_zone_layers(demo), osm=DEMO_OSM)
    if args.plan:
        plan, stored = read_plan_file(args.plan, say)
        stored_zones = {n[len("zones_"):]: g for n, g in stored.items() if n.startswith("zones_")}
        if stored_zones:
            found["zones"] = stored_zones
        for name in ("study_area", "residents", "centers"):
            if name in stored:
                found[name] = stored[name]
    else:
        assert demo is not None  # without --plan, --demo (err_report_needs_plan above)
        plan = demo_plan(demo, say)
    if args.zones:
        found["zones"] = load_zone_layers(args.zones, common, say)
    for option, kind, key in (("area", "study_area", "study_area"), ("residents", "residents", "residents"),
                              ("centers", "centers", "centers")):
        spec = getattr(args, option)
        if spec:
            lpath, layer = split_layer(spec)
            found[key], report = common.load(lpath, kind, layer, option)
            print_read_notes(report)
            say(Message("cli_read_layer", key=key, n=len(found[key]), path=lpath))
    common.check_all_used()
    if args.osm:
        found["osm"] = Path(args.osm)
        if not found["osm"].exists():
            raise LayerError("err_osm_not_found", path=found["osm"])
    found["plan"] = plan
    return found


_TEXT_COLUMNS = dict.fromkeys(("grid_code", "area_id", "staff_ids", "staff_names", "member_id", "micro_code",
                               "home_micro_code", "home_area_id", "community", "helper_id", "name", "phone"), str)


def _people_tables(args: argparse.Namespace, say) -> dict:
    """The tables of ``--staffing DIR`` (staff_grids.csv, members.csv) and ``--pairs`` (pairs.csv or its folder)."""
    import pandas as pd

    wanted = []
    if args.staffing:
        folder = Path(args.staffing)
        if not (folder / "staff_grids.csv").exists():
            raise LayerError("err_cli_staffing_no_staff_grids_csv", folder=folder)
        wanted.append(("staff", folder / "staff_grids.csv"))
        if (folder / "members.csv").exists():
            wanted.append(("members", folder / "members.csv"))
    if args.pairs:
        path = Path(args.pairs)
        path = path / "pairs.csv" if path.is_dir() else path
        if not path.exists():
            raise LayerError("err_cli_pairs_no_pairs_csv_give", pairs=args.pairs)
        wanted.append(("pairs", path))
    tables = {}
    for section, path in wanted:
        try:
            tables[section] = pd.read_csv(path, dtype=_TEXT_COLUMNS, keep_default_na=False, na_values=[""],
                                          encoding="utf-8-sig")
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise LayerError("err_cli_cannot_read_as_csv_table", path=path, detail=exc) from exc
        say(Message("cli_report_table", section=section, n=len(tables[section]), path=path))
    return tables


def run_report(args: argparse.Namespace) -> int:
    """Run ``gridmap report`` with parsed arguments; return the exit status."""
    from gridmap.present.report import build_report, write_report

    say = progress(args.quiet)
    try:
        found = _inputs(args, say)
        work = choose_working_crs(args, say, found["plan"].units, found["study_area"], *found["zones"].values(),
                                  found["residents"], found["centers"])
    except (LayerError, FileNotFoundError) as exc:
        print_error(exc)
        return 2
    net = None
    if found["osm"] is not None and found["residents"] is not None and found["centers"] is not None:
        from gridmap.access.network import load_walk_network

        say(network_source(found["osm"], args.no_cache))
        try:
            net = load_walk_network(found["osm"], crs=work, cache=args.cache_dir, use_cache=not args.no_cache)
        except (FileNotFoundError, ValueError) as exc:
            print_error(exc)
            return 2
    try:
        people = _people_tables(args, say)
    except LayerError as exc:
        print_error(exc)
        return 2
    rep = build_report(found["plan"], study_area=found["study_area"], residents=found["residents"],
                       centers=found["centers"], zones=found["zones"], osm_path=found["osm"], net=net,
                       k=args.sites, radius_m=args.radius, sliver_m2=args.sliver_area, crs=work, people=people,
                       progress=say)
    i = 0 if args.lang == "zh" else 1
    say(Message("cli_report_writing", files=", ".join(OUTPUT_FILES), out=args.out))
    with writing_to(args.out):
        paths = write_report(rep, args.out, lang=args.lang)
    f = rep.figures
    print(text("cli_report_grids", grids=f["n_grids"], households=f["households_total"], in_band=f["in_band"],
               band=f["band"], below=f["below"], above=f["above"]))
    if "gap_hh" in f and f["gap_hh"] is not None:
        print(text("cli_report_gaps", gaps=f["gaps"], households=f["gap_hh"], overlaps=f["overlaps"]))
    if "within15" in f:
        print(text("cli_report_access", share=f["within15"], visits=f["visits"]))
    if "within15_after" in f:
        print(text("cli_report_sites", n=f["sites"], radius=args.radius, share=f["within15_after"]))
    for section, note in rep.notes.items():
        print(text("cli_report_note", section=section, note=note[i]))
    html = paths["html"].read_text(encoding="utf-8")
    status = 0
    if 'class="folium-map"' not in html:
        print(text("cli_report_no_map"), file=sys.stderr)
        status = 1
    say(Message("cli_report_done", xlsx=paths["xlsx"], html=paths["html"]))
    return status


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap report`` to the command's subparsers."""
    p = sub.add_parser("report", help=text("help_report_report_cmd"),
                       description=text("help_report_description"))
    p.add_argument("--plan", metavar="PATH", help=text("help_report_plan"))
    p.add_argument("--centers", metavar="PATH[#LAYER]", help=text("help_report_centers"))
    p.add_argument("--osm", metavar="PATH", help=text("help_report_osm"))
    p.add_argument("--residents", metavar="PATH[#LAYER]",
                   help=text("help_report_residents"))
    p.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                   help=text("help_report_zones"))
    p.add_argument("--area", metavar="PATH[#LAYER]", help=text("help_report_area"))
    p.add_argument("--sites", type=int, default=3, metavar="K",
                   help=text("help_report_sites"))
    p.add_argument("--radius", type=float, default=SITE_RADIUS_M, metavar="METRES",
                   help=text("help_report_radius", site_radius_m=SITE_RADIUS_M))
    p.add_argument("--sliver-area", type=float, default=SLIVER_M2, metavar="M2",
                   help=text("help_report_sliver_area", sliver_m2=SLIVER_M2))
    p.add_argument("--staffing", metavar="DIR",
                   help=text("help_report_staffing"))
    p.add_argument("--pairs", metavar="PATH",
                   help=text("help_report_pairs"))
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                   help=text("help_report_lang"))
    p.add_argument("--cache-dir", help=text("help_report_cache_dir"))
    p.add_argument("--no-cache", action="store_true", help=text("help_report_no_cache"))
    p.add_argument("--demo", action="store_true", help=text("help_report_demo"))
    p.add_argument("--out", required=True, metavar="DIR", help=text("help_report_out"))
    add_input_options(p)
    add_crs_work_option(p)
    p.add_argument("--workspace", metavar="DIR", help=text("help_report_workspace"))
    p.add_argument("--project", metavar="NAME", help=text("help_report_project"))
    p.set_defaults(func=run_report)
