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

from gridmap.defaults import GAP_WIDTH_M, SLIVER_M2
from gridmap.cli.project import add_project_options
from gridmap.analysis.coverage import coverage_report, find_invalid_edges
from gridmap.analysis.mosaic import DEFAULT_GRID_SIZE, build_mosaic
from gridmap.cli.checks import writing_to
from gridmap.cli.common import (add_crs_work_option, add_input_options, choose_working_crs, load_zone_inputs,
                                print_error, progress)
from gridmap.io.background import BackgroundCall, BackgroundWrite
from gridmap.io.files import write_geojson
from gridmap.io.osm import read_osm_basemap
from gridmap.io.validate import LayerError, ValidationReport

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


def _write_map(faces, report, area, lang: str | None, streets, buildings, path: Path) -> None:
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

    def count(frame) -> str:
        slivers = int(frame["is_sliver"].sum())
        return f"{len(frame) - slivers}" + (f" (+{slivers} sliver(s) < {args.sliver_area:g} m²)" if slivers else "")

    say(f"coverage: {count(report.gaps)} blind spot(s), {count(report.overlaps)} overlap(s), "
        f"{count(report.outside)} zone part(s) outside the study area, {len(report.invalid_edges)} edge(s) to fix")
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
        frames = [r.to_frame() for r in reports] or [ValidationReport("", None, None).to_frame()]
        pd.concat(frames, ignore_index=True).to_csv(out / "problems.csv", index=False, encoding="utf-8-sig")
        try:
            page.finish()
        except AssetsMissingError as exc:
            missing = exc
    if missing is not None:
        print(f"warning: coverage.html not written: {missing}", file=sys.stderr)
    say(f"wrote {', '.join(OUTPUTS)} to {out}")
    any_row = report.summary.set_index("layer").loc["any"]
    print(f"study area {any_row['area_m2'] / 1e6:.3f} km²; covered by any layer {any_row['area_share']:.2%}"
          + (f", households {any_row['households_share']:.2%}" if "households_share" in any_row else ""))
    for row in report.summary.itertuples():
        if row.layer != "any":
            print(f"  {row.layer}: area {row.area_share:.2%}"
                  + (f", households {row.households_share:.2%}" if hasattr(row, "households_share") else "")
                  + f", overlaps {row.overlap_m2:,.0f} m²")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap coverage`` to the command's subparsers."""
    p = sub.add_parser("coverage", help="blind spots (盲区), overlaps (多头) and coverage shares of zone layers",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                   help="a zone layer, e.g. party=party.geojson or urban=plan.gpkg#zones_urban (repeatable)")
    p.add_argument("--area", metavar="PATH[#LAYER]", help="study area polygons (communities) with area_id, name")
    p.add_argument("--residents", metavar="PATH[#LAYER]", help="residents (points or buildings) with households")
    p.add_argument("--osm", metavar="PATH", help="OSM XML file for the map's vector basemap (optional)")
    p.add_argument("--gap-width", type=float, default=GAP_WIDTH_M, metavar="METRES",
                   help="report gaps between neighbouring zones narrower than this as edges to fix "
                        f"(default {GAP_WIDTH_M:g})")
    p.add_argument("--grid-size", type=float, default=DEFAULT_GRID_SIZE, metavar="METRES",
                   help="snap-round all boundaries to this grid while noding: robust faces for layers digitised "
                        "separately, moving vertices by up to half of it (default 0.001 = 1 mm; 0: exact noding)")
    p.add_argument("--sliver-area", type=float, default=SLIVER_M2, metavar="M2",
                   help="flag gaps/overlaps/outside parts smaller than this as slivers "
                        f"(is_sliver; default {SLIVER_M2:g})")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                   help="language of the map (default: gridmap --lang, $GRIDMAP_LANG, else zh)")
    p.add_argument("--demo", action="store_true", help="run on the embedded Nanjing demo")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_input_options(p)
    add_crs_work_option(p)
    add_project_options(p)
    p.set_defaults(func=run_coverage)
