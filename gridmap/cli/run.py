"""``gridmap run``: the whole analysis of a large area — coverage, access, grids — from a config file.

    gridmap run --config PATH [--scheduler threads|processes|sync|single|local:N|ADDRESS] --out DIR

The work is cut into partitions of whole communities (街道 by default) and run as dask tasks:
``threads`` (default) and ``processes`` are dask's local schedulers, ``local:N`` starts a
``LocalCluster`` of N worker processes for the run, an address (``tcp://host:8786``) uses a
running dask cluster, ``single`` runs the core once on the whole area (the reference the
partitioned run reproduces exactly). Progress goes to stderr.

The config (TOML) names the inputs — or asks for a synthetic city — and the parameters::

    [inputs]                       # paths relative to the config file; PATH#LAYER for GeoPackages
    study_area = "study_area.parquet"
    residents = "residents.parquet"
    centers = "centers.parquet"
    network = "network.npz"        # a WalkNetwork .npz (gridmap.synthetic.save_network) or an .osm file
    [inputs.zones]                 # any number of layers
    party = "zones_party.parquet"
    security = "zones_security.parquet"
    urban = "zones_urban.parquet"

    [synthetic]                    # instead of [inputs]: gridmap.synthetic.CityParams fields
    n_buildings = 10000
    seed = 1

    [run]                          # gridmap.pipeline.RunParams fields (all optional)
    partition_by = "street"        # street (街道) | district | community | a study-area column
    thresholds = [300, 500, 1000]
    snap_limit = 300
    min_households = 300
    max_households = 500
    seed = 0
    crs = "EPSG:4490"              # optional: the CRS of input files that declare none
    crs_work = "EPSG:4549"         # optional metric CRS to compute in (default: the inputs' own projected
                                   # CRS when true to scale at the data, else the Gauss–Krüger/UTM zone)

    [output]
    geojson_max_rows = 200000      # larger layers are written as GeoParquet only

Writes into DIR: ``grids.geojson``, ``gaps.geojson``, ``overlaps.geojson``, ``outside.geojson``,
``invalid_edges.geojson``, ``access_centers.geojson`` (EPSG:4326); ``faces.parquet``,
``units.parquet``, ``access_residents.parquet`` (GeoParquet, in the metric work CRS), each also as
GeoJSON when it has at most ``geojson_max_rows`` rows; ``assignment.csv``, ``communities.csv``,
``coverage_summary.csv``, ``partitions.csv`` and ``run.json`` (parameters, counts, timings).
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from dataclasses import asdict, fields
from pathlib import Path

from gridmap.cli._common import progress, split_layer

__all__ = ["register", "run_run", "load_config", "OUTPUTS"]

OUTPUTS = ("grids.geojson", "gaps.geojson", "overlaps.geojson", "outside.geojson", "invalid_edges.geojson",
           "access_centers.geojson", "faces.parquet", "units.parquet", "access_residents.parquet", "assignment.csv",
           "communities.csv", "coverage_summary.csv", "partitions.csv", "run.json")


def _read(path: Path, kind: str, layer: str | None, crs):
    import geopandas as gpd

    from gridmap.io import load_layer

    if path.suffix.lower() == ".parquet":
        if not path.exists():
            raise SystemExit(f"error: {path}: file not found")
        return gpd.read_parquet(path)
    gdf, _ = load_layer(path, kind, layer, crs=crs)
    return gdf


def _work_crs(crs_work, crs, *layers):
    """The working CRS of a run: ``[run] crs_work``, else a projected ``[run] crs`` (its meaning before
    ``crs_work`` existed), else :func:`gridmap.crs.working_crs` of the inputs."""
    import pyproj

    from gridmap.crs import working_crs
    from gridmap.validate import LayerError

    try:
        if crs_work is None and crs is not None and pyproj.CRS.from_user_input(crs).is_projected:
            crs_work = crs
        return working_crs(*layers, crs=crs_work)
    except (LayerError, pyproj.exceptions.CRSError) as exc:
        raise SystemExit(f"error: config [run] crs_work: {exc}") from None


def load_config(path: str | Path, say=lambda _m: None):
    """Read a run config: returns (:class:`~gridmap.pipeline.CityInputs`, RunParams, crs, output options)."""
    from gridmap.pipeline import CityInputs, RunParams

    path = Path(path)
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"error: config {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SystemExit(f"error: config {path}: {exc}") from None
    run = dict(cfg.get("run", {}))
    crs = run.pop("crs", None)
    crs_work = run.pop("crs_work", None)
    known = {f.name for f in fields(RunParams)}
    unknown = set(run) - known
    if unknown:
        raise SystemExit(f"error: config [run]: unknown keys {sorted(unknown)} (known: {sorted(known)})")
    if "thresholds" in run:
        run["thresholds"] = tuple(float(t) for t in run["thresholds"])
    params = RunParams(**run)
    output = {"geojson_max_rows": 200_000, **cfg.get("output", {})}
    if "synthetic" in cfg:
        from gridmap.synthetic import CityParams, synthetic_city

        syn = dict(cfg["synthetic"])
        for key in ("community_blocks", "street_communities", "district_streets", "origin"):
            if key in syn:
                syn[key] = tuple(syn[key])
        bad = set(syn) - {f.name for f in fields(CityParams)}
        if bad:
            raise SystemExit(f"error: config [synthetic]: unknown keys {sorted(bad)}")
        start = time.perf_counter()
        city = synthetic_city(params=CityParams(**syn))
        say(f"synthetic city: {city.summary()} ({time.perf_counter() - start:.1f} s)")
        return CityInputs.from_city(city), params, _work_crs(crs_work, crs, city.study_area), output
    if "inputs" not in cfg:
        raise SystemExit(f"error: config {path} needs an [inputs] or a [synthetic] section")
    inp = cfg["inputs"]
    base = path.parent
    missing = [k for k in ("study_area", "residents", "zones") if k not in inp]
    if missing:
        raise SystemExit(f"error: config [inputs] lacks {', '.join(missing)}")

    def layer(spec: str, kind: str):
        p, lay = split_layer(spec)
        p = p if p.is_absolute() else base / p
        gdf = _read(p, kind, lay, crs)
        say(f"read {kind}: {len(gdf):,} rows from {p.name}")
        return gdf

    zones = {name: layer(spec, "zones") for name, spec in inp["zones"].items()}
    study_area = layer(inp["study_area"], "study_area")
    residents = layer(inp["residents"], "residents")
    centers = layer(inp["centers"], "centers") if "centers" in inp else None
    work = _work_crs(crs_work, crs, study_area, *zones.values(), residents, centers)
    say(f"working CRS: {work.to_string()}")
    network = None
    if "network" in inp:
        net_path = Path(inp["network"])
        net_path = net_path if net_path.is_absolute() else base / net_path
        if net_path.suffix == ".npz":
            from gridmap.synthetic import load_network

            network = load_network(net_path)
        else:
            from gridmap.network import load_walk_network

            network = load_walk_network(net_path, crs=work)
        say(f"read network: {network.n_nodes:,} nodes, {network.n_edges:,} edges from {net_path.name}")
    return CityInputs(study_area, zones, residents, centers, network), params, work, output


def _write_outputs(result, out: Path, geojson_max_rows: int, say) -> list[str]:
    import pandas as pd

    from gridmap.io import write_geojson, write_geoparquet

    written = []

    def geojson(gdf, name, partition=False):
        write_geojson(gdf, out / name, partition=partition)
        written.append(name)

    def big(gdf, stem, partition=False):
        write_geoparquet(gdf, out / f"{stem}.parquet")
        written.append(f"{stem}.parquet")
        if len(gdf) <= geojson_max_rows:
            geojson(gdf, f"{stem}.geojson", partition)

    geojson(result.grids, "grids.geojson", partition=True)
    cov = result.coverage
    for name, frame in (("gaps", cov.gaps), ("overlaps", cov.overlaps), ("outside", cov.outside),
                        ("invalid_edges", cov.invalid_edges)):
        geojson(frame, f"{name}.geojson")
    big(result.faces, "faces", partition=True)
    big(result.units.merge(result.assignment, on="unit_id", how="left"), "units", partition=True)
    if result.access is not None:
        res = result.access.residents.copy()
        res["life_circle"] = res["life_circle"].astype(str)
        big(res, "access_residents")
        geojson(result.access.centers, "access_centers.geojson")
    result.assignment.to_csv(out / "assignment.csv", index=False, encoding="utf-8-sig")
    result.grid_status.to_csv(out / "communities.csv", index=False, encoding="utf-8-sig")
    cov.summary.to_csv(out / "coverage_summary.csv", index=False, encoding="utf-8-sig")
    written += ["assignment.csv", "communities.csv", "coverage_summary.csv"]
    if result.partitions is not None:
        pd.DataFrame(result.partitions).to_csv(out / "partitions.csv", index=False, encoding="utf-8-sig")
        written.append("partitions.csv")
    return written


def _scheduler(name: str, say):
    """(scheduler for run_partitioned, cleanup) — ``local:N`` starts a LocalCluster that cleanup closes."""
    if name.startswith("local:"):
        from distributed import Client, LocalCluster

        n = int(name.split(":", 1)[1] or 2)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        say(f"LocalCluster: {n} worker processes")

        def close():
            client.close()
            cluster.close()

        return client, close
    return name, (lambda: None)


def run_run(args: argparse.Namespace) -> int:
    """Load the config, run, write every output; return the exit status."""
    from gridmap.pipeline import run_partitioned, run_single

    say = progress(args.quiet)
    inputs, params, crs, output = load_config(args.config, say)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if args.scheduler == "single":
        result = run_single(inputs, params, crs=crs, progress=say)
    else:
        scheduler, close = _scheduler(args.scheduler, say)
        try:
            result = run_partitioned(inputs, params, scheduler=scheduler, crs=crs, progress=say)
        finally:
            close()
    elapsed = time.perf_counter() - start
    written = _write_outputs(result, out, int(output["geojson_max_rows"]), say)
    acc = result.access
    counts = {"faces": len(result.faces), "units": len(result.units), "grids": len(result.grids),
              "communities": len(result.grid_status), "residents": len(inputs.residents),
              "gaps": len(result.coverage.gaps), "overlaps": len(result.coverage.overlaps)}
    if acc is not None:
        counts["life_circles"] = {str(k): int(v) for k, v in acc.residents["life_circle"].value_counts().items()}
    meta = {"config": str(args.config), "scheduler": args.scheduler, "params": asdict(params), "crs": str(crs),
            "seconds": round(elapsed, 2), "timings": {k: round(v, 3) for k, v in result.timings.items()},
            "counts": counts}
    (out / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    written.append("run.json")
    say(f"wrote {len(written)} files to {out}")
    in_band = int((result.grid_status["status"] == "ok").sum())
    print(f"{len(result.faces):,} faces, {len(result.units):,} units → {len(result.grids):,} grids "
          f"({in_band}/{len(result.grid_status)} communities within {params.min_households}–{params.max_households}); "
          f"{len(result.coverage.gaps)} gaps, {len(result.coverage.overlaps)} overlaps; {elapsed:.1f} s "
          f"on {args.scheduler}")
    if acc is not None:
        share = (acc.residents["network_m"] <= max(params.thresholds)).mean()
        print(f"access: {share:.1%} of buildings within {max(params.thresholds):g} m of a centre")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap run`` to the command's subparsers."""
    p = sub.add_parser("run", help="the whole analysis of a large area from a config file, as partitioned dask tasks",
                       description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--config", required=True, metavar="PATH", help="TOML config naming the inputs (see below)")
    p.add_argument("--scheduler", default="threads", metavar="threads|processes|sync|single|local:N|ADDRESS",
                   help="where the tasks run (default threads)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=run_run)
