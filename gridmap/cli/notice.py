r"""``gridmap notice``: the 公示 notice of every grid — one print-ready A4 page each, PDF and PNG.

    gridmap notice --plan out/plan.gpkg --osm streets.osm --staff staff.xlsx --micro micro.gpkg \
                   --phone-supervision 025-84201234 --out notices/
    gridmap notice --plan out/plan.gpkg --grids 320102001001001,320102001001002 --out notices/
    gridmap notice --demo --out notices/          # a plan built on the fly from the demo

Writes to ``--out``: ``notice_<grid_code>.pdf`` and ``notice_<grid_code>.png`` per grid (A4
portrait; PNG at ``--dpi``, default 150 → 1240 × 1754 px) and ``notices.pdf`` (one page per grid,
in code order, bookmarked). Each shows the grid's boundary over streets and buildings (the
``--osm`` file; without it the buildings of the residents stored in the plan, if polygons), its
neighbours with their codes, name and 15-digit code, 网格长/网格员 with phone and photo
(``--staff``), 监督电话, households and population, its 微网格 and 楼栋长 (``--micro``), legend,
scale bar, north arrow, date and attribution. Missing staff or micro grids read 未配置; without
``--micro`` the micro grids stored in the plan (``gridmap unify --micro``) are shown.

``--staff``: CSV/xlsx/GeoPackage layer (``PATH#LAYER`` or ``PATH#SHEET``) with ``staff_id``,
``name``, ``phone``, ``role`` (网格长 or 网格员), ``grid_code``, optional ``photo`` (JPEG/PNG path
relative to the table's folder). ``--micro``: polygons with ``micro_code`` (grid code + 2 digits),
``grid_code``, ``households``, optional ``building_head``, ``building_head_phone``. ``--map
name=姓名`` maps a column of either.

Chinese text is set in an installed CJK font with TrueType outlines, embedded in the PDF (set
``GRIDMAP_CJK_FONT`` to choose one; ``scripts/setup.sh`` installs fonts-wqy-microhei on Debian).
Progress goes to stderr. Exit status 0 when every notice was written, 2 when an input cannot be
used (plan, staff table, micro grids, unknown ``--grids`` code) or no CJK font is installed.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from gridmap.cli.common import add_reading_options, demo_plan, print_error, progress, read_plan_file, split_layer
from gridmap.errors import GridmapError
from gridmap.io.validate import LayerError
from gridmap.vocab import Message, text

__all__ = ["register", "run_notice"]


def _grid_codes(spec: str | None) -> list[str] | None:
    if not spec:
        return None
    codes = [c.strip() for c in spec.split(",") if c.strip()]
    if not codes:
        raise LayerError("err_grids_codes")
    return codes


def _inputs(args: argparse.Namespace, say) -> dict:
    """The plan's grids, study area, basemap, staff and micro grids named by the options."""
    import shapely

    from gridmap.present.notice import Basemap, osm_basemap
    from gridmap.present.notice_inputs import read_micro_grids, read_staff_table

    if not args.plan and not args.demo:
        raise LayerError("err_notice_needs_plan")
    found: dict = {"communities": None, "residents": None, "osm": Path(args.osm) if args.osm else None}
    if args.demo:
        from gridmap.demo import DEMO_OSM, load_demo

        say(Message("cli_loading_demo"))
        demo = load_demo()
        found.update(communities=demo["study_area"], residents=demo["residents"])
        found["osm"] = found["osm"] or DEMO_OSM
    if args.plan:
        plan, stored = read_plan_file(args.plan, say)
        for name, key in (("study_area", "communities"), ("residents", "residents")):
            if name in stored:
                found[key] = stored[name]
    else:
        plan = demo_plan(demo, say)
    found["grids"] = plan.grids()
    if found["osm"] is not None:
        if not found["osm"].exists():
            raise LayerError("err_osm_not_found", path=found["osm"])
        say(Message("cli_notice_basemap", path=found["osm"]))
        found["basemap"] = osm_basemap(found["osm"])
    else:
        residents = found["residents"]
        polygons = bool(residents is not None and len(residents)
                        and shapely.get_type_id(residents.geometry.to_numpy()).min() >= 3)
        found["basemap"] = Basemap(buildings=residents) if polygons else None
        say(Message("cli_notice_no_osm_buildings" if polygons else "cli_notice_no_osm"))
    from gridmap.io.inputs import InputOptions

    opts = InputOptions.from_args(args, ("staff", "micro"))
    found["staff"] = None
    if args.staff:
        spath, layer = split_layer(args.staff)
        required, optional = opts.maps("staff")
        staff = read_staff_table(spath, layer, column_map=required or None, map_if_present=optional or None)
        opts.record_applied("staff", staff.column_map_applied)
        say(Message("cli_notice_staff", n=len(staff.table), path=spath))
        found["staff"] = staff
    found["micro"] = None
    if args.micro:
        mpath, layer = split_layer(args.micro)
        required, optional = opts.maps("micro")
        found["micro"] = read_micro_grids(mpath, layer, crs=opts.crs("micro"), source=opts.source("micro"),
                                          column_map=required or None, map_if_present=optional or None)
        opts.record_applied("micro", found["micro"].attrs.get("column_map_applied", {}))
        say(Message("cli_notice_micro_file", n=len(found["micro"]), path=mpath))
    elif plan.micro_grids is not None:
        from gridmap.present.notice_inputs import check_micro_grids

        found["micro"] = check_micro_grids(plan.micro_grids, source=f"{args.plan}#micro_grids")
        say(Message("cli_notice_micro_plan", n=len(found["micro"])))
    opts.check_all_used()
    return found


def run_notice(args: argparse.Namespace) -> int:
    """Run ``gridmap notice`` with parsed arguments; return the exit status."""
    from gridmap.present.notice import NoticeFontError, find_cjk_font, prepare_notices, write_notices

    say = progress(args.quiet)
    if args.dpi < 50 or args.dpi > 600:
        print_error(Message("err_dpi_range"))
        return 2
    try:
        font = find_cjk_font()
        say(Message("cli_notice_font", family=font.family, path=font.path))
        codes = _grid_codes(args.grids)
        found = _inputs(args, say)
    except (LayerError, NoticeFontError, FileNotFoundError) as exc:
        print_error(exc)
        return 2
    grids = found["grids"]
    if codes is not None:
        known = set(grids["grid_code"].astype(str))
        unknown = [c for c in codes if c not in known]
        if unknown:
            print_error(Message("err_grids_unknown", codes=", ".join(unknown[:10]), n=len(known),
                                examples=", ".join(sorted(known)[:3])))
            return 2
    staff = found["staff"]
    for warning in (staff.warnings if staff is not None else []):
        print(text("cli_warning", text=warning), file=sys.stderr)
    try:
        ns = prepare_notices(grids, basemap=found["basemap"], staff=staff.table if staff is not None else None,
                             micro=found["micro"], communities=found["communities"],
                             phone_supervision=args.phone_supervision, lang=args.lang, codes=codes, font=font)
    except (KeyError, ValueError) as exc:
        print_error(exc if isinstance(exc, GridmapError) else exc.args[0] if exc.args else exc)
        return 2
    say(Message("cli_notice_rendering", n=len(ns.codes), out=args.out))
    try:
        run = write_notices(ns, args.out, dpi=args.dpi, workers=args.workers, progress=say)
    except ValueError as exc:
        print_error(exc)
        return 2
    except (OSError, BrokenProcessPool) as exc:
        died = Message("err_worker_died") if isinstance(exc, BrokenProcessPool) else ""
        print_error(Message("err_notices_unwritable", out=args.out, detail=f"{type(exc).__name__}: {exc}", died=died))
        return 2
    for warning in run.warnings:
        print(text("cli_warning", text=warning), file=sys.stderr)
    contents = [ns.contents[c] for c in ns.codes]
    unstaffed = [c.grid_code for c in contents if not any(s.name and s.role == "网格员" for s in c.staff)]
    print(text("cli_notice_wrote", n=len(run.files), out=args.out, dpi=args.dpi, combined=run.combined.name,
               seconds=run.seconds, workers=run.workers))
    examples = f" ({', '.join(unstaffed[:5])}{' …' if len(unstaffed) > 5 else ''})" if unstaffed else ""
    print(text("cli_notice_unstaffed", n=len(unstaffed), examples=examples))
    if found["micro"] is not None:
        without = [c.grid_code for c in contents if not c.micro]
        print(text("cli_notice_no_micro", n=len(without)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap notice`` to the command's subparsers."""
    p = sub.add_parser("notice", help=text("help_notice_notice_cmd"),
                       description=text("help_notice_description"))
    p.add_argument("--plan", metavar="PATH", help=text("help_notice_plan"))
    p.add_argument("--staff", metavar="PATH[#LAYER]",
                   help=text("help_notice_staff"))
    p.add_argument("--micro", metavar="PATH[#LAYER]",
                   help=text("help_notice_micro"))
    p.add_argument("--osm", metavar="PATH", help=text("help_notice_osm"))
    p.add_argument("--phone-supervision", metavar="TEXT", help=text("help_notice_phone_supervision"))
    p.add_argument("--grids", metavar="CODE,…", help=text("help_notice_grids"))
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                   help=text("help_notice_lang"))
    p.add_argument("--dpi", type=float, default=150.0, help=text("help_notice_dpi"))
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help=text("help_notice_workers"))
    p.add_argument("--demo", action="store_true", help=text("help_notice_demo"))
    p.add_argument("--out", required=True, metavar="DIR", help=text("help_notice_out"))
    add_reading_options(p, text("help_notice_scopes"))
    p.add_argument("--quiet", action="store_true", help=text("help_notice_quiet"))
    p.set_defaults(func=run_notice)
