"""Argument helpers shared by the subcommands: layer specs, column mappings, progress, outputs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["parse_map", "parse_named_path", "split_layer", "progress", "add_input_options", "Stopwatch",
           "load_walk_inputs", "load_zone_layers", "load_zone_inputs", "input_options", "add_walk_arguments",
           "MAP_LANG", "street_setup", "save_map", "write_map_after_tables"]

#: Language of the labels of the walking commands' offline maps (access, site: no --lang yet).
MAP_LANG = "en"


def parse_map(items: list[str] | None) -> dict[str, str]:
    """``["households=户数", …]`` → ``{"households": "户数"}`` (gridmap's name → the file's)."""
    mapping = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"--map expects OURS=THEIRS (e.g. households=户数), got {item!r}")
        ours, theirs = item.split("=", 1)
        mapping[ours.strip()] = theirs.strip()
    return mapping


def split_layer(spec: str) -> tuple[Path, str | None]:
    """``PATH#LAYER`` → (path, layer); a plain path → (path, None)."""
    path, _, layer = spec.partition("#")
    return Path(path), (layer or None)


def parse_named_path(spec: str, option: str) -> tuple[str, Path, str | None]:
    """``NAME=PATH[#LAYER]`` → (name, path, layer), e.g. ``party=plan.gpkg#zones_party``."""
    name, sep, rest = spec.partition("=")
    if not sep or not name or not rest:
        raise SystemExit(f"{option} expects NAME=PATH (e.g. {option} party=party.geojson), got {spec!r}")
    return (name.strip(), *split_layer(rest.strip()))


class Stopwatch:
    """Prints each stage with the seconds since start, on stderr (stdout stays for results)."""

    def __init__(self, enabled: bool = True):
        self.start = time.perf_counter()
        self.enabled = enabled

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.start:6.1f} s] {message}", file=sys.stderr, flush=True)


def progress(quiet: bool = False) -> Stopwatch:
    """A progress printer for a long command (silent with ``--quiet``)."""
    return Stopwatch(enabled=not quiet)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Options every analysis command shares: CRS, web-map source, column mapping, quiet."""
    parser.add_argument("--crs", help="CRS to assume for files that declare none, e.g. EPSG:4490")
    parser.add_argument("--source", help="lon/lat coordinates came from: wgs84 (default), gcj02 (高德/腾讯), bd09 (百度)")
    parser.add_argument("--map", action="append", metavar="OURS=THEIRS",
                        help="column mapping applied to every input, e.g. households=户数 (repeatable)")
    parser.add_argument("--drop-empty", action="store_true",
                        help="leave out features with no geometry (listed in problems.csv) instead of stopping")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def add_walk_arguments(parser: argparse.ArgumentParser, centers_help: str) -> None:
    """The inputs of the walking commands (access, site), read by :func:`load_walk_inputs`."""
    parser.add_argument("--osm", help="OSM XML street file (.osm or .osm.bz2)")
    parser.add_argument("--residents", help="residents layer (points or building polygons with households); "
                                            "PATH#LAYER for a GeoPackage layer")
    parser.add_argument("--residents-layer", help="layer name in a GeoPackage")
    parser.add_argument("--centers", help=centers_help)
    parser.add_argument("--centers-layer", help="layer name in a GeoPackage")


def load_walk_inputs(args: argparse.Namespace, say) -> tuple[Path, object, object, dict | None]:
    """The inputs of the walking commands (access, site): OSM file, residents, centres.

    With ``--workspace``/``--project`` they come from the project (:mod:`gridmap.cli._project`; its
    layers in place of the demo's). With ``--demo`` they come from the embedded demo unless given; otherwise ``--osm``,
    ``--residents`` and ``--centers`` (``PATH[#LAYER]``, or ``--residents-layer`` /
    ``--centers-layer``) are read and checked. Returns (osm, residents, centres, demo layers or
    None). Raises :class:`gridmap.io.validate.LayerError` for missing or unusable input.
    """
    from gridmap.io.files import load_layer
    from gridmap.io.validate import LayerError

    if getattr(args, "workspace", None) or getattr(args, "project", None):
        from gridmap.cli._project import project_walk_inputs

        return project_walk_inputs(args, say)
    demo = None
    residents = centers = None
    if args.demo:
        from gridmap.demo import DEMO_OSM, load_demo

        say("loading the demo (Nanjing 新街口, © OpenStreetMap contributors, ODbL)")
        demo = load_demo()
        osm = Path(args.osm) if args.osm else DEMO_OSM
        residents = None if args.residents else demo["residents"]
        centers = None if args.centers else demo["centers"]
    else:
        missing = [flag for flag, v in (("--osm", args.osm), ("--residents", args.residents),
                                        ("--centers", args.centers)) if not v]
        if missing:
            raise LayerError(f"missing {', '.join(missing)} (or use --demo)")
        osm = Path(args.osm)
    if residents is None:
        say(f"reading residents {args.residents}")
        path, layer = split_layer(args.residents)
        residents, _ = load_layer(path, "residents", getattr(args, "residents_layer", None) or layer,
                                  crs=args.crs, source=args.source)
    if centers is None:
        say(f"reading centres {args.centers}")
        path, layer = split_layer(args.centers)
        centers, _ = load_layer(path, "centers", getattr(args, "centers_layer", None) or layer,
                                crs=args.crs, source=args.source)
    return osm, residents, centers, demo


def input_options(args: argparse.Namespace) -> dict:
    """The reading options every input shares (``load_layer`` keywords) from the parsed arguments."""
    return dict(crs=args.crs, source=args.source, column_map=parse_map(args.map), drop_empty=args.drop_empty)


def load_zone_layers(specs: list[str], options: dict, say, reports: list | None = None) -> dict:
    """``--zones NAME=PATH[#LAYER]`` options → ``{name: checked zones}`` (names must be words, once each)."""
    from gridmap.io.files import load_layer
    from gridmap.analysis.mosaic import LAYER_KEY
    from gridmap.io.validate import LayerError

    layers = {}
    for spec in specs:
        name, path, layer = parse_named_path(spec, "--zones")
        if not LAYER_KEY.match(name):
            raise LayerError(f"--zones {spec}: the name {name!r} must be a word (letters, digits, _), e.g. party")
        if name in layers:
            raise LayerError(f"--zones {spec}: the layer name {name!r} is given twice")
        layers[name], report = load_layer(path, "zones", layer, **options)
        if reports is not None:
            reports.append(report)
        say(f"read {name}: {len(layers[name]):,} zones from {path}")
    return layers


def load_zone_inputs(args: argparse.Namespace, say, command: str, need_residents: bool = False):
    """The inputs of the zone commands (coverage, unify): zone layers, study area, residents.

    With ``--workspace``/``--project`` they come from the project (:mod:`gridmap.cli._project`),
    with ``--demo`` from the embedded demo. Returns (layers, study area, residents or None,
    validation reports, the demo's or project's OSM path or None). Raises
    :class:`gridmap.io.validate.LayerError` for missing or unusable input.
    """
    from gridmap.io.files import load_layer
    from gridmap.io.validate import LayerError

    if getattr(args, "workspace", None) or getattr(args, "project", None):
        from gridmap.cli._project import project_zone_inputs

        return project_zone_inputs(args, say, command, need_residents)
    if args.demo:
        from gridmap.demo import DEMO_GPKG, DEMO_OSM, demo_zone_layers, load_demo

        demo = load_demo()
        say(f"demo: {DEMO_GPKG.name} (Nanjing 新街口, © OpenStreetMap contributors, ODbL)")
        return demo_zone_layers(demo), demo["study_area"], demo["residents"], [], DEMO_OSM
    needed = ["--zones NAME=PATH (one or more)", "--area PATH"] + (["--residents PATH"] if need_residents else [])
    if not args.zones or not args.area or (need_residents and not args.residents):
        raise LayerError(f"gridmap {command} needs {', '.join(needed)}, or --demo")
    options = input_options(args)
    reports: list = []
    layers = load_zone_layers(args.zones, options, say, reports)
    path, layer = split_layer(args.area)
    area, report = load_layer(path, "study_area", layer, **options)
    reports.append(report)
    say(f"read study area: {len(area):,} polygons from {path}")
    residents = None
    if args.residents:
        path, layer = split_layer(args.residents)
        residents, report = load_layer(path, "residents", layer, **options)
        reports.append(report)
        say(f"read residents: {len(residents):,} features, {int(residents['households'].sum()):,} households")
    return layers, area, residents, reports, None


def write_map_after_tables(path: Path, write) -> int:
    """Write an offline HTML map once the command's tables are written: a failure (the map assets
    not installed, say) is printed, not raised, and gives exit status 1 (else 0)."""
    try:
        write(path)
    except Exception as exc:  # noqa: BLE001 - the tables are written; the map needs installed assets
        print(f"error: {path.name} not written: {exc}", file=sys.stderr)
        return 1
    return 0


def street_setup(net):
    """The map setup of a walking command: the walking network's streets as the vector basemap."""
    from gridmap.present.drawing import MapSetup

    return MapSetup(streets=net.edges_gdf()[["geometry"]])


def save_map(m, path: Path) -> Path:
    """Write a map as one standalone HTML file (every asset inlined), atomically."""
    from gridmap.io.files import atomic_write
    from gridmap.present.maps import save_standalone

    return atomic_write(path, lambda tmp: save_standalone(m, tmp))
