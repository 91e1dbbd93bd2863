"""Argument helpers shared by the subcommands: layer specs, column mappings, progress, outputs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from gridmap.defaults import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, SEED
from gridmap.vocab import Message, text

if TYPE_CHECKING:  # imported where used: a command loads only what it runs
    import geopandas as gpd

    from gridmap.plans.plan import Plan

__all__ = ["add_reading_options", "parse_named_path", "split_layer", "progress", "add_input_options", "Stopwatch",
           "load_walk_inputs", "load_zone_layers", "load_zone_inputs", "input_options", "add_walk_arguments",
           "zone_names", "print_read_notes", "print_error", "read_plan_file", "demo_plan", "street_setup", "save_map",
           "write_map_after_tables", "add_crs_work_option", "choose_working_crs", "network_source"]

def split_layer(spec: str) -> tuple[Path, str | None]:
    """``PATH#LAYER`` → (path, layer); a plain path → (path, None)."""
    path, _, layer = spec.partition("#")
    return Path(path), (layer or None)


def parse_named_path(spec: str, option: str) -> tuple[str, Path, str | None]:
    """``NAME=PATH[#LAYER]`` → (name, path, layer), e.g. ``party=plan.gpkg#zones_party``."""
    name, sep, rest = spec.partition("=")
    if not sep or not name or not rest:
        from gridmap.io.validate import LayerError

        raise LayerError("err_named_path", option=option, got=repr(spec))
    return (name.strip(), *split_layer(rest.strip()))


class Stopwatch:
    """Prints each stage with the seconds since start, on stderr (stdout stays for results)."""

    def __init__(self, enabled: bool = True):
        self.start = time.perf_counter()
        self.enabled = enabled

    def __call__(self, message: object) -> None:
        """Print ``message`` (a text, or a :class:`~gridmap.vocab.Message` rendered in the current language)."""
        if self.enabled:
            print(f"[{time.perf_counter() - self.start:6.1f} s] {message}", file=sys.stderr, flush=True)


def progress(quiet: bool = False) -> Stopwatch:
    """A progress printer for a long command (silent with ``--quiet``)."""
    return Stopwatch(enabled=not quiet)


class _ScopedOption(argparse.Action):
    """Keeps every value of a repeatable option (``<dest>_items``) and the last unscoped one in ``dest``,
    so ``--crs EPSG:4490 --crs residents:EPSG:4547`` leaves ``args.crs == "EPSG:4490"``."""

    def __call__(self, parser, namespace, values, option_string=None):
        from gridmap.io.inputs import looks_scoped

        items = [*(getattr(namespace, f"{self.dest}_items", None) or []), values]
        setattr(namespace, f"{self.dest}_items", items)
        if not looks_scoped(values, crs=self.dest == "crs"):
            setattr(namespace, self.dest, values)


def add_reading_options(parser: argparse.ArgumentParser, scopes: str) -> None:
    """``--crs``, ``--source``, ``--map`` and ``--drop-empty``, each (but the last) scopable to one input."""
    parser.add_argument("--crs", action=_ScopedOption, metavar="[INPUT:]CRS",
                        help=text("help_common_crs", scopes=scopes))
    parser.add_argument("--source", action=_ScopedOption, metavar="[INPUT:]SOURCE",
                        help=text("help_common_source"))
    parser.add_argument("--map", action="append", metavar="[INPUT:]OURS=THEIRS",
                        help=text("help_common_map", scopes=scopes))
    parser.add_argument("--drop-empty", action="store_true",
                        help=text("help_common_drop_empty"))


def add_input_options(parser: argparse.ArgumentParser, scopes: str | None = None) -> None:
    """Options every analysis command shares: CRS, web-map source, column mapping, drop-empty, quiet."""
    add_reading_options(parser, text("help_common_scopes") if scopes is None else scopes)
    parser.add_argument("--quiet", action="store_true", help=text("help_common_quiet"))


def zone_names(specs: list[str] | None) -> list[str]:
    """The names of ``--zones NAME=PATH`` options (the scopes they give), in order."""
    return [spec.partition("=")[0].strip() for spec in specs or [] if "=" in spec]


def print_read_notes(report) -> None:
    """Print what reading an input repaired or inferred (an encoding, a rebuilt .shx, a chosen sheet,
    columns matched…): the report's notes that concern the whole layer, not one row."""
    for problem in report.problems:
        if problem.row is None and problem.severity != "error":
            print(text("val_note", line=report.describe(problem)), file=sys.stderr)


def add_crs_work_option(parser: argparse.ArgumentParser) -> None:
    """``--crs-work``: the projected metric CRS a command computes in (every command that measures)."""
    parser.add_argument("--crs-work", metavar="CRS",
                        help=text("help_common_crs_work"))


def choose_working_crs(args: argparse.Namespace, say, *layers):
    """The working CRS for ``layers`` (most important first) and ``--crs-work``, announced with
    ``say``; raises :class:`gridmap.io.validate.LayerError` when the asked-for CRS cannot be one."""
    from gridmap.io.crs import describe_crs, working_crs

    crs = working_crs(*layers, crs=getattr(args, "crs_work", None))
    say(Message("cli_working_crs", crs=describe_crs(crs)))
    return crs


def network_source(osm: object, no_cache: bool) -> Message:
    """The progress line saying where the walking network comes from and whether the cache is used."""
    return Message("cli_walking_network", path=osm, cache=Message("cli_cache_off" if no_cache else "cli_cache_on"))


def add_walk_arguments(parser: argparse.ArgumentParser, centers_help: str) -> None:
    """The inputs of the walking commands (access, site), read by :func:`load_walk_inputs`."""
    parser.add_argument("--osm", help=text("help_common_osm"))
    parser.add_argument("--residents", help=text("help_common_residents"))
    parser.add_argument("--residents-layer", help=text("help_common_residents_layer"))
    parser.add_argument("--centers", help=centers_help)
    parser.add_argument("--centers-layer", help=text("help_common_centers_layer"))


def load_walk_inputs(args: argparse.Namespace, say, opts=None
                     ) -> tuple[Path, gpd.GeoDataFrame, gpd.GeoDataFrame, dict | None]:
    """The inputs of the walking commands (access, site): OSM file, residents, centres.

    With ``--workspace``/``--project`` they come from the project (:mod:`gridmap.cli.project`; its
    layers in place of the demo's). With ``--demo`` they come from the embedded demo unless given; otherwise ``--osm``,
    ``--residents`` and ``--centers`` (``PATH[#LAYER]``, or ``--residents-layer`` /
    ``--centers-layer``) are read and checked with the reading options ``opts``
    (:class:`gridmap.io.inputs.InputOptions`, scopes ``residents`` and ``centers``). Returns (osm,
    residents, centres, demo layers or None). Raises :class:`gridmap.io.validate.LayerError` for
    missing or unusable input.
    """
    from gridmap.io.inputs import InputOptions
    from gridmap.io.validate import LayerError

    if getattr(args, "workspace", None) or getattr(args, "project", None):
        from gridmap.cli.project import project_walk_inputs

        return project_walk_inputs(args, say)
    opts = opts or InputOptions.from_args(args, ("residents", "centers"))
    demo = None
    residents = centers = None
    if args.demo:
        from gridmap.demo import DEMO_OSM, load_demo

        say(Message("cli_loading_demo"))
        demo = load_demo()
        osm = Path(args.osm) if args.osm else DEMO_OSM
        residents = None if args.residents else demo["residents"]
        centers = None if args.centers else demo["centers"]
    else:
        missing = [flag for flag, v in (("--osm", args.osm), ("--residents", args.residents),
                                        ("--centers", args.centers)) if not v]
        if missing:
            raise LayerError("err_missing_inputs", options=", ".join(missing))
        osm = Path(args.osm)
    if residents is None:
        say(Message("cli_reading_residents", path=args.residents))
        path, layer = split_layer(args.residents)
        residents, report = opts.load(path, "residents", getattr(args, "residents_layer", None) or layer, "residents")
        print_read_notes(report)
    if centers is None:
        say(Message("cli_reading_centers", path=args.centers))
        path, layer = split_layer(args.centers)
        centers, report = opts.load(path, "centers", getattr(args, "centers_layer", None) or layer, "centers")
        print_read_notes(report)
    return osm, residents, centers, demo


def input_options(args: argparse.Namespace, scopes=("area", "residents", "centers")):
    """The reading options of a zone command (:class:`gridmap.io.inputs.InputOptions`): ``scopes``
    plus the names of its ``--zones``."""
    from gridmap.io.inputs import InputOptions

    return InputOptions.from_args(args, [*scopes, *zone_names(getattr(args, "zones", None))])


def load_zone_layers(specs: list[str], options, say, reports: list | None = None) -> dict:
    """``--zones NAME=PATH[#LAYER]`` options → ``{name: checked zones}`` (names must be words, once each);
    ``options`` is the run's :class:`gridmap.io.inputs.InputOptions` (each layer's scope is its name)."""
    from gridmap.analysis.mosaic import LAYER_KEY
    from gridmap.io.validate import LayerError

    layers = {}
    for spec in specs:
        name, path, layer = parse_named_path(spec, "--zones")
        if not LAYER_KEY.match(name):
            raise LayerError("err_zones_name", spec=spec, name=repr(name))
        if name in layers:
            raise LayerError("err_zones_twice", spec=spec, name=repr(name))
        layers[name], report = options.load(path, "zones", layer, name)
        print_read_notes(report)
        if reports is not None:
            reports.append(report)
        say(Message("cli_read_zones", name=name, n=len(layers[name]), path=path))
    return layers


def load_zone_inputs(args: argparse.Namespace, say, command: str, need_residents: bool = False,
                     scopes: tuple[str, ...] = ("area", "residents")):
    """The inputs of the zone commands (coverage, unify): zone layers, study area, residents.

    With ``--workspace``/``--project`` they come from the project (:mod:`gridmap.cli.project`),
    with ``--demo`` from the embedded demo. Returns (layers, study area, residents or None,
    validation reports, the demo's or project's OSM path or None). ``scopes``: the inputs the
    reading options may name (a command reading more inputs itself, e.g. ``centers``, adds them).
    Raises :class:`gridmap.io.validate.LayerError` for missing or unusable input, and for a ``--map``
    that applied to no input.
    """
    from gridmap.io.validate import LayerError

    if getattr(args, "workspace", None) or getattr(args, "project", None):
        from gridmap.cli.project import project_zone_inputs

        return project_zone_inputs(args, say, command, need_residents)
    options = input_options(args, scopes)
    if args.demo:
        from gridmap.demo import DEMO_GPKG, DEMO_OSM, demo_zone_layers, load_demo

        demo = load_demo()
        say(Message("cli_demo_file", name=DEMO_GPKG.name))
        options.check_all_used()
        return demo_zone_layers(demo), demo["study_area"], demo["residents"], [], DEMO_OSM
    needed = ["--zones NAME=PATH (one or more)", "--area PATH"] + (["--residents PATH"] if need_residents else [])
    if not args.zones or not args.area or (need_residents and not args.residents):
        raise LayerError("err_command_needs", command=command, needed=", ".join(needed))
    reports: list = []
    layers = load_zone_layers(args.zones, options, say, reports)
    path, layer = split_layer(args.area)
    area, report = options.load(path, "study_area", layer, "area")
    print_read_notes(report)
    reports.append(report)
    say(Message("cli_read_study_area", n=len(area), path=path))
    residents = None
    if args.residents:
        path, layer = split_layer(args.residents)
        residents, report = options.load(path, "residents", layer, "residents")
        print_read_notes(report)
        reports.append(report)
        say(Message("cli_read_residents", n=len(residents), households=int(residents["households"].sum())))
    options.check_all_used()
    return layers, area, residents, reports, None


def read_plan_file(spec: str, say) -> tuple[Plan, dict[str, gpd.GeoDataFrame]]:
    """The plan of a plan file and the inputs stored in it (:func:`gridmap.plans.store.load_plan_sources`),
    or :class:`gridmap.io.validate.LayerError` saying why the file cannot be used."""
    from gridmap.errors import GridmapError
    from gridmap.io.validate import LayerError
    from gridmap.plans.store import load_plan, load_plan_sources

    path = Path(spec)
    if not path.exists():
        raise LayerError("err_plan_not_found", path=path)
    try:
        plan = load_plan(path)
        stored = load_plan_sources(path)
    except ValueError as exc:
        raise LayerError(exc.message if isinstance(exc, GridmapError) else str(exc)) from exc
    listed = Message("cli_plan_stored", names=", ".join(stored)) if stored else Message("cli_plan_no_stored")
    say(Message("cli_plan_read", name=path.name, revision=plan.revision, n=len(plan.registry), stored=listed))
    return plan, stored


def demo_plan(demo: dict, say) -> Plan:
    """The demo's plan as ``gridmap unify --demo`` builds it (the default band and seed),
    for the commands that take ``--demo`` without a ``--plan`` (report, notice)."""
    from gridmap.demo import demo_zone_layers
    from gridmap.plans.grids import build_grids
    from gridmap.plans.plan import Plan
    from gridmap.plans.units import make_units

    say(Message("cli_demo_plan", low=MIN_HOUSEHOLDS, high=MAX_HOUSEHOLDS))
    units = make_units(demo_zone_layers(demo), demo["study_area"], demo["residents"])
    build = build_grids(units, MIN_HOUSEHOLDS, MAX_HOUSEHOLDS, seed=SEED, study_area=demo["study_area"])
    return Plan.from_build(units, build, min_households=MIN_HOUSEHOLDS, max_households=MAX_HOUSEHOLDS, name="demo")


def print_error(message: object) -> None:
    """Print one ``error:`` line (``错误：`` in Chinese) on stderr: a message rendered in the current language."""
    from gridmap.vocab import text

    print(text("err_prefix") + str(message), file=sys.stderr, flush=True)


def write_map_after_tables(path: Path, write) -> int:
    """Write an offline HTML map once the command's tables are written: a failure (the map assets
    not installed, say) is printed, not raised, and gives exit status 1 (else 0)."""
    try:
        write(path)
    except Exception as exc:  # noqa: BLE001 - the tables are written; the map needs installed assets
        from gridmap.vocab import Message

        print_error(Message("err_map_not_written", name=path.name, detail=str(exc)))
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
