"""``gridmap site``: where new service centres help most (选址), keeping the existing ones.

    gridmap site --osm streets.osm --residents buildings.gpkg --centers centres.geojson --k 3 --out out/
    gridmap site --demo --k 3 --weight elderly_alone --out out/
    gridmap site --demo --target 0.95 --out out/          # the fewest sites for 95 % within 15 minutes
    gridmap site --workspace DIR --project NAME --k 3 --out out/   # the inputs of a workspace project

Writes to ``--out``:

* ``sites.geojson`` — the proposed sites in order of gain: ``rank``, ``candidate_id``, ``gain``,
  ``covered_after`` (cumulative share of the weight within the radius, 0–1), ``new_households``,
  ``new_population``, ``new_<special group>``, ``street`` (nearest named OSM street), ``snap_m`` …;
* ``summary.csv`` — per measure (households, population, special groups): total, covered before and
  after, shares, newly covered;
* ``sites.html`` — an offline map: existing centres, the proposed sites numbered by rank, the
  residents each newly covers, those still beyond.

Progress goes to stderr. Exit status 0 when everything was written, 1 when the map could not be
(offline assets missing: the other files are written), 2 when an input cannot be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gridmap.cli.checks import parse_share, writing_to
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
from gridmap.defaults import SITE_RADIUS_M, SNAP_LIMIT_M
from gridmap.io.files import atomic_write
from gridmap.io.validate import LayerError, ValidationReport
from gridmap.vocab import Message, text

__all__ = ["register", "run_site", "OUTPUT_FILES"]

#: Files written by ``gridmap site`` into ``--out``.
OUTPUT_FILES = ("sites.geojson", "summary.csv", "sites.html")


def _inputs(args: argparse.Namespace, say):
    """(osm path, residents, centres, candidates)."""
    from gridmap.io.inputs import InputOptions

    opts = InputOptions.from_args(args, ("residents", "centers", "candidates"))
    osm, residents, centers, _ = load_walk_inputs(args, say, opts)
    candidates = args.candidates or "nodes"
    if candidates not in ("nodes", "public_buildings"):
        say(Message("cli_reading_candidates", path=candidates))
        path, layer = split_layer(candidates)
        try:
            candidates, report = opts.load(path, None, args.candidates_layer or layer, "candidates")
        except LayerError as exc:
            if isinstance(exc.report, ValidationReport) and {p.code for p in exc.report.errors} == {"no_features"}:
                raise LayerError("err_no_candidates", path=args.candidates) from exc
            raise
        print_read_notes(report)
    opts.check_all_used()
    if args.weight not in residents.columns:
        numeric = [c for c in residents.columns if c != residents.geometry.name
                   and pd.api.types.is_numeric_dtype(residents[c])]
        raise LayerError("err_weight_column", weight=repr(args.weight), numeric=", ".join(map(str, numeric)))
    return osm, residents, centers, candidates


def _write_map(path: Path, net, result, centers: gpd.GeoDataFrame, radius: float, lang: str) -> Path:
    from gridmap.present.siting_map import siting_map

    return save_map(siting_map(result.sites, residents=result.residents, centers=centers, radius_m=radius,
                               lang=lang, setup=street_setup(net)), path)


def run_site(args: argparse.Namespace) -> int:
    """Run ``gridmap site`` with parsed arguments; return the exit status."""
    from gridmap.access import accessibility as acc
    from gridmap.access import siting
    from gridmap.access.network import load_walk_network
    from gridmap.io.files import write_geojson

    say = progress(args.quiet)
    out = Path(args.out)
    try:
        if (args.k is None) == (args.target is None):
            raise LayerError("err_k_or_target_cli")
        if args.target is not None and args.objective != "coverage":
            raise LayerError("err_target_cli")
        osm, residents, centers, candidates = _inputs(args, say)
        work = choose_working_crs(args, say, residents, centers,
                                  None if isinstance(candidates, str) else candidates)
        say(network_source(osm, args.no_cache))
        net = load_walk_network(osm, crs=work, cache=args.cache_dir, use_cache=not args.no_cache)
        say(Message("cli_site_network", nodes=net.n_nodes, edges=net.n_edges, epsg=net.crs.to_epsg()))
        named = candidates if isinstance(candidates, str) else Message("cli_site_candidates_from_file",
                                                                      n=len(candidates))
        say(Message("cli_site_routing", candidates=named, residents=len(residents), centers=len(centers),
                    radius=args.radius))
        problem = siting.build_problem(net, residents, centers, radius_m=args.radius, weight=args.weight,
                                       candidates=candidates, spacing_m=args.spacing, objective=args.objective,
                                       snap_limit=args.snap_limit, osm_path=osm, index=acc.EdgeIndex(net))
    except (LayerError, FileNotFoundError, ValueError, KeyError) as exc:
        print_error(exc.args[0] if isinstance(exc, KeyError) else exc)
        return 2
    say(Message("cli_site_problem", n=len(problem.candidates), dropped=problem.dropped_candidates,
                pairs=problem.dist.nnz, limit=problem.limit_m))
    result = siting.recommend_sites(net, residents, centers, args.k, target_share=args.target, method=args.method,
                                    objective=args.objective, problem=problem, osm_path=osm)
    sites, summary = result.sites, result.summary
    row = summary[summary["measure"] == args.weight].iloc[0]
    say(Message("cli_site_result", weight=args.weight, radius=args.radius, before=row["share_before"],
                after=row["share_after"], n=len(sites), method=args.method, objective=args.objective))
    if args.target is not None and not result.reached:
        say(Message("cli_site_target_unreached", target=args.target))
    if args.k is not None and len(sites) < args.k:
        say(Message("cli_site_fewer", n=len(sites)))
    if args.method == "greedy" and args.k and result.upper_bound > 0 and args.objective == "coverage":
        say(Message("cli_site_greedy_bound", share=result.value / result.upper_bound, k=args.k))
    say(Message("cli_writing_to", out=out))
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)
        write_geojson(sites, out / "sites.geojson")
        atomic_write(out / "summary.csv", lambda p: summary.to_csv(p, index=False, encoding="utf-8-sig"))
        status = write_map_after_tables(out / "sites.html",
                                        lambda p: _write_map(p, net, result, centers, args.radius, args.lang))
    for r in sites.itertuples():
        say(Message("cli_site_row", rank=r.rank, candidate=r.candidate_id,
                    street=r.street or Message("cli_site_unnamed_street"), gain=r.gain, after=r.covered_after))
    say(Message("cli_done_files", files=", ".join(OUTPUT_FILES)))
    return status


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap site`` to the command's subparsers."""
    p = sub.add_parser(
        "site", help=text("help_site_site_cmd"),
        description=text("help_site_site_description"))
    add_walk_arguments(p, text("help_site_centers"))
    p.add_argument("--k", type=int, help=text("help_site_k"))
    p.add_argument("--target", type=parse_share,
                   help=text("help_site_target"))
    p.add_argument("--radius", type=float, default=SITE_RADIUS_M,
                   help=text("help_site_radius", site_radius_m=SITE_RADIUS_M))
    p.add_argument("--weight", default="households",
                   help=text("help_site_weight"))
    p.add_argument("--candidates", help=text("help_site_candidates"))
    p.add_argument("--candidates-layer", help=text("help_site_candidates_layer"))
    p.add_argument("--spacing", type=float, default=100.0, help=text("help_site_spacing"))
    p.add_argument("--method", choices=("greedy", "milp"), default="greedy",
                   help=text("help_site_method"))
    p.add_argument("--objective", choices=("coverage", "p_median"), default="coverage",
                   help=text("help_site_objective"))
    p.add_argument("--snap-limit", type=float, default=SNAP_LIMIT_M,
                   help=text("help_site_snap_limit", snap_limit_m=SNAP_LIMIT_M))
    add_crs_work_option(p)
    p.add_argument("--cache-dir", help=text("help_site_cache_dir"))
    p.add_argument("--no-cache", action="store_true", help=text("help_site_no_cache"))
    p.add_argument("--demo", action="store_true", help=text("help_site_demo"))
    p.add_argument("--out", required=True, help=text("help_site_out"))
    add_project_options(p)
    add_input_options(p, "residents, centers, candidates")
    p.set_defaults(func=run_site)
