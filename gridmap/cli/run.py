"""``gridmap run``: the whole analysis of a large area — coverage, access, grids — from a config file.

    gridmap run --config PATH [--scheduler threads|processes|sync|single|local:N|ADDRESS] --out DIR
    gridmap run --config PATH [--scheduler …] --workspace W --project P [--out DIR]

The work is cut into partitions of whole communities (街道 by default) and run as dask tasks:
``threads`` (default) and ``processes`` are dask's local schedulers, ``local:N`` starts a
``LocalCluster`` of N worker processes for the run, an address (``tcp://host:8786``) uses a
running dask cluster, ``single`` runs the core once on the whole area (the reference the
partitioned run reproduces exactly). Progress goes to stderr.

The config (TOML) names the inputs — or asks for a synthetic city — and the parameters::

    [inputs]                       # paths relative to the config file; PATH#LAYER for GeoPackages/sheets
    study_area = "study_area.parquet"
    residents = "residents.parquet"  # or a CSV / Excel table with 经度/纬度 (lon/lat) columns
    centers = "centers.parquet"
    network = "network.npz"        # a WalkNetwork .npz (gridmap.scale.synthetic.save_network) or an .osm file
    # reading options (optional; --crs/--source/--map/--drop-empty on the command line win per input):
    # crs = "residents:EPSG:4547"  source = "centers:gcj02"  map = ["residents:households=户数"]
    # drop_empty = true
    [inputs.zones]                 # any number of layers
    party = "zones_party.parquet"
    security = "zones_security.parquet"
    urban = "zones_urban.parquet"

    [synthetic]                    # instead of [inputs]: gridmap.scale.synthetic.CityParams fields
    n_buildings = 10000
    seed = 1

    [run]                          # gridmap.scale.pipeline.RunParams fields (all optional)
    partition_by = "street"        # street (街道) | district | community | a study-area column
    thresholds = [300, 500, 1000]
    snap_limit = 300
    min_households = 300
    max_households = 500
    seed = 0
    crs_work = "EPSG:4549"         # optional metric CRS to compute in (``crs`` is read the same way); default:
                                   # the inputs' own projected CRS when true to scale at the data, else the
                                   # Gauss–Krüger zone (China) or UTM zone of the data — checked at the data

    [output]
    geojson_max_rows = 200000      # larger layers are written as GeoParquet only

With ``--workspace W --project P`` (W a workspace folder or a ``postgresql://`` URL) the city-level
results — the communities, the faces' figures, grids, gaps, the buildings' life circles and the
run's metadata (``run.json``) — are stored in the project, in its metric CRS, replacing its
previous results whole (a run killed while storing leaves them as they were); the app's city page
offers them to everyone who may open the project. The command acts as the local system user
(an admin); the store records it in the audit trail. A config with neither ``[inputs]`` nor
``[synthetic]`` then reads the project's own layers (study area, zones, residents, centres and its
OSM file as the walking network). ``--out`` may be given as well.

Writes into DIR: ``grids.geojson``, ``gaps.geojson``, ``overlaps.geojson``, ``outside.geojson``,
``invalid_edges.geojson``, ``access_centers.geojson`` (EPSG:4326); ``grids.parquet``,
``study_area.parquet`` (the communities: what the app's city page reads), ``faces.parquet``,
``units.parquet``, ``access_residents.parquet`` (GeoParquet, in the metric work CRS), each also as
GeoJSON when it has at most ``geojson_max_rows`` rows; ``assignment.csv``, ``communities.csv``,
``coverage_summary.csv``, ``partitions.csv`` and ``run.json`` (parameters, counts, timings).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import tomllib
from dataclasses import asdict, fields
from pathlib import Path

from gridmap.cli.checks import check_crs_text, writing_to
from gridmap.cli.common import add_reading_options, print_read_notes, progress, split_layer
from gridmap.errors import GridmapError, ParameterError, check_number
from gridmap.io.validate import LayerError
from gridmap.vocab import Message, text

__all__ = ["register", "run_run", "load_config", "OUTPUTS"]

OUTPUTS = ("grids.geojson", "gaps.geojson", "overlaps.geojson", "outside.geojson", "invalid_edges.geojson",
           "access_centers.geojson", "grids.parquet", "study_area.parquet", "faces.parquet", "units.parquet",
           "access_residents.parquet", "assignment.csv",
           "communities.csv", "coverage_summary.csv", "partitions.csv", "run.json")


def _read(path: Path, kind: str, layer: str | None, options, scope: str, where: str):
    """A config input: GeoParquet (read, then checked like any layer) or any format the readers take.

    ``options`` are the inputs' reading options (:func:`_reading_options`), ``scope`` this input's
    name among them, ``where`` the config file and key for messages.
    """
    import geopandas as gpd

    from gridmap.io.validate import validate_layer

    if not path.exists():
        raise LayerError("err_config_no_file", where=where, path=path)
    if path.suffix.lower() != ".parquet":
        gdf, report = options.load(path, kind, layer, scope)
        print_read_notes(report)
        return gdf
    try:
        gdf = gpd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow's and geopandas' errors all mean: not a usable GeoParquet
        raise LayerError("err_geoparquet", where=where, path=path, detail=str(exc).splitlines()[0]) from exc
    crs = options.crs(scope)
    if gdf.crs is None and crs is not None:
        gdf = gdf.set_crs(crs)
    gdf, report = validate_layer(gdf, kind, source=str(path))
    report.raise_for_errors()
    return gdf


def _work_crs(path: Path, crs_work, crs, *layers):
    """The working CRS of a run: ``[run] crs_work``, else a projected ``[run] crs`` (its meaning before
    ``crs_work`` existed), else :func:`gridmap.io.crs.working_crs` of the inputs — checked at the data."""
    import pyproj

    from gridmap.io.crs import working_crs

    try:
        if crs_work is None and crs is not None and pyproj.CRS.from_user_input(crs).is_projected:
            crs_work = crs
        return working_crs(*layers, crs=crs_work)
    except (LayerError, pyproj.exceptions.CRSError) as exc:
        raise ParameterError("err_cli_config_run_crs_work", path=path, detail=exc) from None


def _config_error(path: Path, section: str, exc: Exception) -> ParameterError:
    """A config value refused by the core, with the file and section in front."""
    return ParameterError("err_config_value", path=path, section=section,
                          detail=exc.message if isinstance(exc, GridmapError) else str(exc))


def _reading_options(inp: dict, args, run_crs, scopes: list[str]):
    """The inputs' reading options: ``[inputs]`` keys ``crs``, ``source``, ``map``, ``drop_empty``,
    overridden (per scope) by the command's ``--crs``, ``--source``, ``--map``, ``--drop-empty``;
    with no CRS stated for every input, the ``[run]`` crs (the work CRS) is assumed for them."""
    from gridmap.io.inputs import InputOptions, looks_scoped

    def listed(key: str) -> list[str]:
        value = inp.get(key)
        items = [value] if isinstance(value, str) else value
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise ParameterError("err_config_strings", key=key, got=repr(value))
        return items

    def head(text: str, key: str) -> str | None:
        return text.partition(":")[0].strip() if looks_scoped(text, crs=key == "crs") else None

    merged = {}
    for key in ("crs", "source"):
        cli = list(getattr(args, f"{key}_items", None) or []) if args is not None else []
        cli_scopes = {head(t, key) for t in cli}
        merged[key] = [t for t in listed(key) if head(t, key) not in cli_scopes] + cli
    if run_crs is not None and not any(head(t, "crs") is None for t in merged["crs"]):
        merged["crs"].append(str(run_crs))
    maps = listed("map") + list(getattr(args, "map", None) or [] if args is not None else [])
    drop_empty = bool(inp.get("drop_empty", False)) or bool(getattr(args, "drop_empty", False))
    return InputOptions(scopes, crs=merged["crs"], source=merged["source"], maps=maps, drop_empty=drop_empty)


def load_config(path: str | Path, say=lambda _m: None, args: argparse.Namespace | None = None, project=None):
    """Read a run config: returns (:class:`~gridmap.scale.pipeline.CityInputs`, RunParams, crs, output options).

    ``args`` (the parsed command line) adds its reading options to the config's ``[inputs]`` ones.
    ``project`` — a function returning a workspace project's ``({key: layer}, OSM path or None)`` —
    gives the inputs of a config with neither ``[inputs]`` nor ``[synthetic]``.

    Raises
    ------
    ParameterError
        for a missing or malformed config, an unknown key, or a value out of range (the message
        names the file, the section and the key).
    LayerError
        for an input file that is missing or cannot be used.
    """
    from gridmap.scale.pipeline import CityInputs, RunParams

    path = Path(path)
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError("err_config_not_found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError("err_config_unreadable", path=path, detail=str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("err_config_toml", path=path, detail=str(exc)) from None
    for section in ("run", "synthetic", "inputs", "output"):
        if section in cfg and not isinstance(cfg[section], dict):
            raise ParameterError("err_config_section", path=path, section=section, got=repr(cfg[section]))
    run = dict(cfg.get("run", {}))
    crs = run.pop("crs", None)
    if crs is not None:
        check_crs_text(crs, f"config {path} [run] crs")
    crs_work = run.pop("crs_work", None)
    if crs_work is not None:
        check_crs_text(crs_work, f"config {path} [run] crs_work")
    known = {f.name for f in fields(RunParams)}
    unknown = set(run) - known
    if unknown:
        raise ParameterError("err_config_keys", path=path, section="run", unknown=sorted(unknown), known=sorted(known))
    try:
        params = RunParams(**run)
    except ParameterError as exc:
        raise _config_error(path, "run", exc) from None
    output = {"geojson_max_rows": 200_000, **cfg.get("output", {})}
    unknown = set(output) - {"geojson_max_rows"}
    if unknown:
        raise ParameterError("err_config_keys", path=path, section="output", unknown=sorted(unknown),
                             known=["geojson_max_rows"])
    output["geojson_max_rows"] = check_number(output["geojson_max_rows"], f"config {path} [output] geojson_max_rows",
                                              "rows", minimum=0, integer=True, example="200000")
    if "synthetic" in cfg:
        from gridmap.scale.synthetic import CityParams, synthetic_city

        given = [o for o in ("crs_items", "source_items", "map") if getattr(args, o, None)]
        if given:
            options = ", ".join("--" + o.split("_")[0] for o in given)
            raise ParameterError("err_config_synthetic_inputs", options=options, path=path)

        syn = dict(cfg["synthetic"])
        bad = set(syn) - {f.name for f in fields(CityParams)}
        if bad:
            raise ParameterError("err_config_keys", path=path, section="synthetic", unknown=sorted(bad),
                                 known=sorted(f.name for f in fields(CityParams)))
        try:
            city_params = CityParams(**syn)
        except ParameterError as exc:
            raise _config_error(path, "synthetic", exc) from None
        start = time.perf_counter()
        city = synthetic_city(params=city_params)
        say(Message("cli_run_synthetic", summary=city.summary(), seconds=time.perf_counter() - start))
        work = _work_crs(path, crs_work, crs or city.params.crs, city.study_area)
        return CityInputs.from_city(city), params, work, output
    if "inputs" not in cfg and project is not None:
        inputs, work = _project_inputs(path, project, crs_work, crs, say)
        return inputs, params, work, output
    if "inputs" not in cfg:
        raise ParameterError("err_config_no_inputs", path=path)
    inp = cfg["inputs"]
    base = path.parent
    missing = [k for k in ("study_area", "residents", "zones") if k not in inp]
    if missing:
        raise ParameterError("err_config_lacks", path=path, missing=", ".join(missing))
    if not isinstance(inp["zones"], dict) or not inp["zones"]:
        raise ParameterError("err_config_zones", path=path)
    for key, spec in [*((k, inp[k]) for k in ("study_area", "residents", "centers", "network") if k in inp),
                      *((f"zones.{k}", v) for k, v in inp["zones"].items())]:
        if not isinstance(spec, str) or not spec.strip():
            raise ParameterError("err_config_path", path=path, key=key, got=repr(spec))

    options = _reading_options(inp, args, crs, ["area", "residents", "centers", *inp["zones"]])

    def layer(spec: str, kind: str, scope: str, key: str):
        p, lay = split_layer(spec)
        p = p if p.is_absolute() else base / p
        gdf = _read(p, kind, lay, options, scope, f"config {path.name} [inputs] {key}")
        say(Message("cli_run_read", kind=kind, n=len(gdf), path=p.name))
        return gdf

    zones = {name: layer(spec, "zones", name, f"zones.{name}") for name, spec in inp["zones"].items()}
    study_area = layer(inp["study_area"], "study_area", "area", "study_area")
    residents = layer(inp["residents"], "residents", "residents", "residents")
    centers = layer(inp["centers"], "centers", "centers", "centers") if "centers" in inp else None
    options.check_all_used()
    work = _work_crs(path, crs_work, crs, study_area, *zones.values(), residents, centers)
    say(Message("cli_working_crs", crs=work.to_string()))
    network = None
    if "network" in inp:
        net_path = Path(inp["network"])
        net_path = net_path if net_path.is_absolute() else base / net_path
        if not net_path.exists():
            raise LayerError("err_config_network_missing", name=path.name, path=net_path)
        if net_path.suffix == ".npz":
            from gridmap.scale.synthetic import load_network

            try:
                network = load_network(net_path)
            except Exception as exc:  # noqa: BLE001 - numpy's and pyproj's errors all mean: not a saved network
                raise LayerError("err_config_network_bad", name=path.name, path=net_path, detail=str(exc)) from exc
        else:
            from gridmap.access.network import load_walk_network

            network = load_walk_network(net_path, crs=work)
        say(Message("cli_run_read_network", nodes=network.n_nodes, edges=network.n_edges, path=net_path.name))
    return CityInputs(study_area, zones, residents, centers, network), params, work, output


def _project_inputs(path: Path, project, crs_work, crs, say):
    """The run's inputs from a workspace project's layers (validated when imported) and its OSM file."""
    from gridmap.access.network import load_walk_network
    from gridmap.scale.pipeline import CityInputs

    layers, osm = project()
    zones = {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}
    if "residents" not in layers:
        raise LayerError("err_cli_project_has_no_residents_layer")
    centers = layers.get("centers")
    work = _work_crs(path, crs_work, crs, layers["study_area"], *zones.values(), layers["residents"], centers)
    network = load_walk_network(osm, crs=work) if osm is not None and centers is not None else None
    say(Message("cli_run_project_inputs", layers=", ".join(layers),
                network=Message("cli_run_project_network", n=network.n_nodes) if network else ""))
    return CityInputs(layers["study_area"], zones, layers["residents"], centers, network), work


#: How long ``gridmap run`` waits to reach a dask scheduler given by address.
SCHEDULER_TIMEOUT_S = 10
_LOCAL_SCHEDULERS = ("threads", "processes", "sync", "single")


def check_scheduler(name: str) -> None:
    """Refuse a ``--scheduler`` that is none of the accepted forms, before any work is done."""
    if name in _LOCAL_SCHEDULERS or "://" in name.strip("/") and name.split("://", 1)[1]:
        return
    if name.startswith("local:"):
        count = name.split(":", 1)[1]
        if count.isdigit() and int(count) >= 1:
            return
        raise ParameterError("err_scheduler_local", name=name)
    raise ParameterError("err_scheduler_unknown", name=repr(name))


def _scheduler(name: str, say):
    """(scheduler for run_partitioned, cleanup) — ``local:N`` starts a LocalCluster, an address is connected
    to here (so an unreachable one is named at once); cleanup closes what was started."""
    if name in _LOCAL_SCHEDULERS:
        return name, (lambda: None)
    from distributed import Client, LocalCluster

    if name.startswith("local:"):
        n = int(name.split(":", 1)[1])
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        say(Message("cli_run_local_cluster", n=n))

        def close():
            client.close()
            cluster.close()

        return client, close
    try:
        client = Client(name, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ParameterError("err_scheduler_silent", name=name, seconds=SCHEDULER_TIMEOUT_S,
                             kind=type(exc).__name__,
                             detail=str(exc).splitlines()[0] if str(exc) else Message("err_no_answer")) from exc
    say(Message("cli_run_connected", name=name))
    return client, client.close


def _open_project(args: argparse.Namespace):
    """The system session and project name of ``--workspace``/``--project`` (None without them), checked first."""
    if not args.workspace and not args.project:
        if not args.out:
            raise ParameterError("err_cli_gridmap_run_needs_out_dir")
        return None
    if not args.workspace or not args.project:
        raise ParameterError("err_cli_workspace_w_and_project_p")
    from gridmap.workspace import WorkspaceError, open_workspace

    try:
        session = open_workspace(args.workspace).as_system()
        return session, session.project(args.project).name
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc


def run_run(args: argparse.Namespace) -> int:
    """Load the config, run, write every output and/or store the results in a project; return the exit status."""
    from gridmap.scale.outputs import run_output_files, write_files
    from gridmap.scale.pipeline import run_partitioned, run_single

    say = progress(args.quiet)
    check_scheduler(args.scheduler)
    target = _open_project(args)
    reader = None
    if target is not None:
        session, name = target

        def reader():
            layers = session.inputs(name)
            if not layers:
                raise LayerError("err_cli_project_has_no_inputs_and", name=name)
            return layers, session.osm_path(name)

    inputs, params, crs, output = load_config(args.config, say, args, reader)
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
    acc = result.access
    counts: dict[str, object] = {"faces": len(result.faces), "units": len(result.units), "grids": len(result.grids),
              "communities": len(result.grid_status), "residents": len(inputs.residents),
              "gaps": len(result.coverage.gaps), "overlaps": len(result.coverage.overlaps)}
    if acc is not None:
        counts["life_circles"] = {str(k): int(v) for k, v in acc.residents["life_circle"].value_counts().items()}
    meta = {"config": str(args.config), "scheduler": args.scheduler, "params": asdict(params),
            "crs": str(crs), "seconds": round(elapsed, 2),
            "timings": {k: round(v, 3) for k, v in result.timings.items()}, "counts": counts}
    if args.out:
        out = Path(args.out)
        with writing_to(out):
            out.mkdir(parents=True, exist_ok=True)
            # on processes the files are written by as many processes as the analysis ran on
            writers = (os.cpu_count() or 1) if args.scheduler == "processes" else 1
            written = write_files(run_output_files(result, out, int(output["geojson_max_rows"]), inputs.study_area),
                                  processes=writers)
            (out / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append("run.json")
        say(Message("cli_run_wrote", n=len(written), out=out))
    if target is not None:
        _store(target, result, inputs.study_area, meta, say)
    in_band = int((result.grid_status["status"] == "ok").sum())
    print(text("cli_run_result", faces=len(result.faces), units=len(result.units), grids=len(result.grids),
               in_band=in_band, communities=len(result.grid_status), low=params.min_households,
               high=params.max_households, gaps=len(result.coverage.gaps), overlaps=len(result.coverage.overlaps),
               seconds=elapsed, scheduler=args.scheduler))
    if acc is not None:
        share = (acc.residents["network_m"] <= max(params.thresholds)).mean()
        print(text("cli_run_access", share=share, metres=max(params.thresholds)))
    return 0


def _store(target, result, study_area, meta: dict, say) -> None:
    """Store the city-level results in the project (:func:`gridmap.scale.summary.result_tables`)."""
    from gridmap.scale.summary import result_tables
    from gridmap.workspace import WorkspaceError

    session, name = target
    start = time.perf_counter()
    try:
        info = session.store_results(name, result_tables(result, study_area), meta)
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    rows = ", ".join(f"{k} {v:,}" for k, v in info.tables.items())
    say(Message("cli_run_stored", project=name, location=session.workspace.location, rows=rows,
                seconds=time.perf_counter() - start))


def _epilog() -> str:
    """The usage lines and the config example of this module's docstring, its prose in the current language."""
    _, usage, _, _, *config, _, _ = __doc__.split("\n\n")
    return "\n\n".join([usage, text("help_run_epilog_partitions"), text("help_run_epilog_config"), *config,
                        text("help_run_epilog_workspace"), text("help_run_epilog_writes")])


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap run`` to the command's subparsers."""
    p = sub.add_parser("run", help=text("help_run_run_cmd"),
                       description=text("help_run_description"), formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=_epilog())
    p.add_argument("--config", required=True, metavar="PATH", help=text("help_run_config"))
    p.add_argument("--scheduler", default="threads", metavar="threads|processes|sync|single|local:N|ADDRESS",
                   help=text("help_run_scheduler"))
    p.add_argument("--out", metavar="DIR", help=text("help_run_out"))
    p.add_argument("--workspace", metavar="W", help=text("help_run_workspace"))
    p.add_argument("--project", metavar="P", help=text("help_run_project"))
    p.add_argument("--quiet", action="store_true", help=text("help_run_quiet"))
    add_reading_options(p, text("help_common_scopes"))
    p.set_defaults(func=run_run)
