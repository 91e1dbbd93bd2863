"""``gridmap coverage``: mosaic of the zone layers, 盲区, 多头, 越界 and the coverage summary.

    gridmap coverage --zones party=PATH --zones security=PATH --zones urban=PATH --area PATH
                     [--residents PATH] [--gap-width METRES] --out DIR
    gridmap coverage --demo --out DIR
    gridmap coverage --workspace DIR --project NAME --out DIR     # the inputs of a workspace project

Writes ``faces.geojson``, ``gaps.geojson``, ``overlaps.geojson``, ``outside.geojson``,
``edges.geojson``, ``summary.csv``, ``problems.csv`` and ``coverage.html`` into DIR.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import pandas as pd

from gridmap.analysis.coverage import coverage_report, find_invalid_edges
from gridmap.analysis.mosaic import DEFAULT_GRID_SIZE, build_mosaic
from gridmap.cli.checks import writing_to
from gridmap.cli.common import (
    add_crs_work_option,
    add_input_options,
    choose_working_crs,
    load_zone_inputs,
    print_error,
    progress,
)
from gridmap.cli.project import add_project_options
from gridmap.defaults import GAP_WIDTH_M, SLIVER_M2
from gridmap.io.background import BackgroundCall, BackgroundWrite
from gridmap.io.files import write_geojson
from gridmap.io.osm import read_osm_basemap
from gridmap.io.validate import LayerError, ValidationReport
from gridmap.vocab import Message, text

__all__ = ["register", "run_coverage"]

OUTPUTS = ("faces.geojson", "gaps.geojson", "overlaps.geojson", "outside.geojson", "edges.geojson", "summary.csv",
           "problems.csv", "coverage.html")


def run_coverage(args: argparse.Namespace) -> int:
    """Run the coverage analysis and write every output; return the exit status."""
    say = progress(args.quiet)
    try:
        layers, area, residents, reports, osm = load_zone_inputs(args, say, "coverage")
        osm = Path(args.osm) if args.osm else osm
        streets = buildings = None
        if osm is not None:  # read before the analysis: a broken file stops the command at once
            streets, buildings = read_osm_basemap(osm)
        work = choose_working_crs(args, say, area, *layers.values(), residents)
    except LayerError as exc:
        print_error(exc)
        return 2
    out = Path(args.out)
    # On a second core while this one works: the edges to fix (they depend on the layers only)
    # during the mosaic, then faces.geojson (the largest file) and coverage.html (folium is
    # imported there) while the report is made and the small files are written.
    edges = BackgroundCall(partial(find_invalid_edges, layers, work, args.gap_width))
    faces = build_mosaic(layers, area, residents, crs=work, grid_size=args.grid_size, progress=say)
    faces_file = BackgroundWrite(partial(write_geojson, faces, out / "faces.geojson", partition=True))
    try:
        return _report_and_write(args, say, out, faces, faces_file, edges, layers, area, reports, streets, buildings)
    finally:
        edges.join()
        faces_file.join()


def _write_map(faces, report, area, lang: str, streets, buildings, path: Path) -> None:
    """Draw the coverage map and write it as a standalone page (folium is imported only here)."""
    from gridmap.present.coverage_map import coverage_map
    from gridmap.present.drawing import MapSetup
    from gridmap.present.maps import save_standalone

    page = coverage_map(faces, report, area, lang=lang, setup=MapSetup(streets=streets, buildings=buildings))
    save_standalone(page, path)


def _report_and_write(args, say, out: Path, faces, faces_file: BackgroundWrite, edges: BackgroundCall, layers,
                      area, reports, streets, buildings) -> int:
    """Compute the coverage report and write every output (faces.geojson in the background)."""
    from gridmap.present.maps import AssetsMissingError

    report = coverage_report(faces, layers, gap_width=args.gap_width, sliver_m2=args.sliver_area,
                             invalid_edges=edges.result())

    def count(frame) -> Message:
        slivers = int(frame["is_sliver"].sum())
        more = Message("cli_coverage_slivers", n=slivers, area=args.sliver_area) if slivers else ""
        return Message("cli_coverage_count", n=len(frame) - slivers, slivers=more)

    say(Message("cli_coverage_found", gaps=count(report.gaps), overlaps=count(report.overlaps),
                outside=count(report.outside), edges=len(report.invalid_edges)))
    missing = None
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        page = BackgroundWrite(partial(_write_map, faces, report, area, args.lang, streets, buildings,
                                       out / "coverage.html"))
        faces_file.finish()
        write_geojson(report.gaps, out / "gaps.geojson")
        write_geojson(report.overlaps, out / "overlaps.geojson")
        write_geojson(report.outside, out / "outside.geojson")
        write_geojson(report.invalid_edges, out / "edges.geojson")
        report.summary.to_csv(out / "summary.csv", index=False, encoding="utf-8-sig")
        frames = [r.to_frame(args.lang) for r in reports] or [ValidationReport("", None, None).to_frame()]
        pd.concat(frames, ignore_index=True).to_csv(out / "problems.csv", index=False, encoding="utf-8-sig")
        try:
            page.finish()
        except AssetsMissingError as exc:
            missing = exc
    if missing is not None:
        print(text("cli_coverage_map_missing", error=missing), file=sys.stderr)
    say(Message("cli_wrote_to", files=", ".join(OUTPUTS), out=out))
    any_row = report.summary.set_index("layer").loc["any"]

    def households(row) -> Message | str:
        share = row.get("households_share") if isinstance(row, pd.Series) else getattr(row, "households_share", None)
        return "" if share is None else Message("cli_coverage_households", share=share)

    print(text("cli_coverage_total", km2=any_row["area_m2"] / 1e6, share=any_row["area_share"],
               households=households(any_row)))
    for row in report.summary.itertuples():
        if row.layer != "any":
            print(text("cli_coverage_layer", layer=row.layer, share=row.area_share, households=households(row),
                       overlap_m2=row.overlap_m2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap coverage`` to the command's subparsers."""
    p = sub.add_parser("coverage", help=text("help_coverage_coverage_cmd"),
                       description=text("help_coverage_description"))
    p.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                   help=text("help_coverage_zones"))
    p.add_argument("--area", metavar="PATH[#LAYER]", help=text("help_coverage_area"))
    p.add_argument("--residents", metavar="PATH[#LAYER]", help=text("help_coverage_residents"))
    p.add_argument("--osm", metavar="PATH", help=text("help_coverage_osm"))
    p.add_argument("--gap-width", type=float, default=GAP_WIDTH_M, metavar="METRES",
                   help=text("help_coverage_gap_width", gap_width_m=GAP_WIDTH_M))
    p.add_argument("--grid-size", type=float, default=DEFAULT_GRID_SIZE, metavar="METRES",
                   help=text("help_coverage_grid_size"))
    p.add_argument("--sliver-area", type=float, default=SLIVER_M2, metavar="M2",
                   help=text("help_coverage_sliver_area", sliver_m2=SLIVER_M2))
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                   help=text("help_coverage_lang"))
    p.add_argument("--demo", action="store_true", help=text("help_coverage_demo"))
    p.add_argument("--out", required=True, metavar="DIR", help=text("help_coverage_out"))
    add_input_options(p)
    add_crs_work_option(p)
    add_project_options(p)
    p.set_defaults(func=run_coverage)
