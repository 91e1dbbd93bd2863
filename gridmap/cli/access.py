"""``gridmap access``: walking access of every resident to the service centres (可达性, 最多跑一地).

    gridmap access --osm streets.osm --residents buildings.gpkg --centers centres.geojson --out out/
    gridmap access --demo --out out/
    gridmap access --workspace DIR --project NAME --out out/   # the inputs of a workspace project

Writes to ``--out``:

* ``residents_access.geojson`` — every resident with ``center_id``, ``network_m``, ``straight_m``,
  ``detour``, ``life_circle``, ``snap_m``, ``snap_status`` and ``network_m_<service>``;
* ``centers_access.geojson`` — the centres with their snap distance and status;
* ``catchments.geojson`` — one polygon per centre (each building to its nearest centre, dissolved);
* ``isochrones.geojson`` — ``center_id``, ``threshold_m``, ``life_circle`` polygons;
* ``summary.csv`` — households and special groups by life circle per grid/community;
* ``home_visit_list.csv`` / ``home_visit_list.xlsx`` — 上门服务名单: special-group residents beyond the
  largest life circle or with no route;
* ``access.html`` — an offline map (residents coloured by life circle, centres, catchments,
  isochrones) that opens with no internet.

Progress goes to stderr. Exit status 0 when everything was written, 1 when the map could not be
(offline assets missing: the other files are written), 2 when an input cannot be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gridmap.cli.checks import parse_thresholds, writing_to
from gridmap.cli.common import (
    add_crs_work_option,
    add_input_options,
    add_walk_arguments,
    choose_working_crs,
    load_walk_inputs,
    network_source,
    print_error,
    print_read_notes,
    progress,
    save_map,
    split_layer,
    street_setup,
    write_map_after_tables,
)
from gridmap.cli.project import add_project_options
from gridmap.defaults import LIFE_CIRCLE_M, SNAP_LIMIT_M
from gridmap.io.files import atomic_write
from gridmap.io.validate import LayerError
from gridmap.vocab import Message, text

__all__ = ["register", "run_access", "OUTPUT_FILES"]

#: Files written by ``gridmap access`` into ``--out``.
OUTPUT_FILES = ("residents_access.geojson", "centers_access.geojson", "catchments.geojson", "isochrones.geojson",
                "summary.csv", "home_visit_list.csv", "home_visit_list.xlsx", "access.html")




def _for_file(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object)
    return out


def _inputs(args: argparse.Namespace, say):
    """(osm path, residents, centres, grids or None, grid id column or None)."""
    from gridmap.io.inputs import InputOptions

    opts = InputOptions.from_args(args, ("residents", "centers", "grids"))
    osm, residents, centers, demo = load_walk_inputs(args, say, opts)
    grids = None
    if demo is not None and not args.grids:
        name = args.grids_layer or "study_area"
        polygons = sorted(k for k, v in demo.items() if k.startswith(("zones_", "study_area")))
        if name not in polygons:
            raise LayerError("err_demo_layer", name=name, layers=", ".join(polygons))
        grids = demo[name]
    if args.grids:
        say(Message("cli_reading_grids", path=args.grids))
        path, layer = split_layer(args.grids)
        grids, report = opts.load(path, None, args.grids_layer or layer, "grids")
        print_read_notes(report)
    opts.check_all_used()
    grid_id = args.grid_id
    if grids is not None:
        if grid_id is None:
            grid_id = next((c for c in ("grid_code", "zone_id", "area_id", "unit_id") if c in grids.columns), None)
        if grid_id is None or grid_id not in grids.columns:
            raise LayerError("err_grid_id", column=repr(grid_id),
                             columns=", ".join(map(str, grids.columns.drop(grids.geometry.name))))
    elif grid_id is None and "area_id" in residents.columns:
        grid_id = "area_id"
    return osm, residents, centers, grids, grid_id


def _write_map(path: Path, net, result, catch: gpd.GeoDataFrame, iso: gpd.GeoDataFrame, lang: str) -> Path:
    from gridmap.present.access_map import access_map

    return save_map(access_map(result, catchments=catch, isochrones=iso, lang=lang, setup=street_setup(net)), path)


def run_access(args: argparse.Namespace) -> int:
    """Run ``gridmap access`` with parsed arguments; return the exit status."""
    from gridmap.access import accessibility as acc
    from gridmap.access.catchments import catchments, isochrones
    from gridmap.access.network import load_walk_network
    from gridmap.io.files import write_geojson

    say = progress(args.quiet)
    out = Path(args.out)
    try:
        osm, residents, centers, grids, grid_id = _inputs(args, say)
        work = choose_working_crs(args, say, residents, centers, grids)
        say(network_source(osm, args.no_cache))
        net = load_walk_network(osm, crs=work, cache=args.cache_dir, use_cache=not args.no_cache)
    except (LayerError, FileNotFoundError, ValueError) as exc:
        print_error(exc)
        return 2
    say(Message("cli_network", nodes=net.n_nodes, edges=net.n_edges, km=net.edge_length.sum() / 1000,
                epsg=net.crs.to_epsg()))
    index = acc.EdgeIndex(net)
    say(Message("cli_access_routing", residents=len(residents), centers=len(centers), snap=args.snap_limit))
    result = acc.compute_access(net, residents, centers, thresholds=args.thresholds, snap_limit=args.snap_limit,
                                index=index)
    res = result.residents
    counts = res["snap_status"].value_counts()
    say(Message("cli_access_snap_status", counts=", ".join(f"{k} {v}" for k, v in counts.items())))
    bad = result.centers[result.centers["snap_status"] != acc.SNAP_OK]
    for row in bad.itertuples():
        say(Message("cli_access_center_not_routed", center=row.center_id, status=row.snap_status, m=row.snap_m))
    circles = res["life_circle"].value_counts(sort=False).items()
    say(Message("cli_access_life_circles", counts=", ".join(f"{k} {v}" for k, v in circles)))

    say(Message("cli_access_catchments"))
    catch = catchments(res.to_crs(net.crs))
    if "capacity" in centers.columns and len(catch):
        capacity = dict(zip(centers["center_id"].astype(str), centers["capacity"], strict=True))
        catch["capacity"] = catch["center_id"].map(capacity)
    iso = isochrones(net, centers, result.thresholds, snap_limit=args.snap_limit, buffer_m=args.buffer,
                         labels=result.labels, index=index)

    say(Message("cli_access_summaries"))
    zones = grids.to_crs(net.crs) if grids is not None else None
    if grid_id is None:
        res_for_summary = res.assign(zone="(all)")
        zone_col = "zone"
    else:
        res_for_summary, zone_col = res, grid_id
    summary = acc.summarize_access(res_for_summary, zones, zone_col, labels=result.labels)
    visits = acc.home_visit_list(res_for_summary, zones, zone_col, labels=result.labels)

    say(Message("cli_writing_to", out=out))
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        write_geojson(_for_file(res), out / "residents_access.geojson")
        write_geojson(_for_file(result.centers), out / "centers_access.geojson")
        write_geojson(catch, out / "catchments.geojson")
        write_geojson(iso, out / "isochrones.geojson")
        atomic_write(out / "summary.csv", lambda p: summary.to_csv(p, index=False, encoding="utf-8-sig"))
        atomic_write(out / "home_visit_list.csv", lambda p: visits.to_csv(p, index=False, encoding="utf-8-sig"))
        atomic_write(out / "home_visit_list.xlsx",
                     lambda p: visits.to_excel(p, index=False, sheet_name="上门服务名单", engine="openpyxl"))
        status = write_map_after_tables(out / "access.html",
                                        lambda p: _write_map(p, net, result, catch, iso, args.lang))
    say(Message("cli_access_done", n=len(visits), files=", ".join(OUTPUT_FILES)))
    return status


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap access`` to the command's subparsers."""
    p = sub.add_parser(
        "access", help=text("help_access_access_cmd"),
        description=text("help_access_access_description"))
    add_walk_arguments(p, text("help_access_centers"))
    p.add_argument("--grids", help=text("help_access_grids"))
    p.add_argument("--grids-layer", help=text("help_access_grids_layer"))
    p.add_argument("--grid-id", help=text("help_access_grid_id"))
    p.add_argument("--thresholds", type=parse_thresholds, default=LIFE_CIRCLE_M,
                   help=text("help_access_thresholds", life_circle_m=','.join(f'{m:g}' for m in LIFE_CIRCLE_M)))
    p.add_argument("--snap-limit", type=float, default=SNAP_LIMIT_M,
                   help=text("help_access_snap_limit", snap_limit_m=SNAP_LIMIT_M))
    p.add_argument("--buffer", type=float, default=50.0, help=text("help_access_buffer"))
    add_crs_work_option(p)
    p.add_argument("--cache-dir", help=text("help_access_cache_dir"))
    p.add_argument("--no-cache", action="store_true", help=text("help_access_no_cache"))
    p.add_argument("--demo", action="store_true", help=text("help_access_demo"))
    p.add_argument("--out", required=True, help=text("help_access_out"))
    add_project_options(p)
    add_input_options(p, "residents, centers, grids")
    p.set_defaults(func=run_access)
