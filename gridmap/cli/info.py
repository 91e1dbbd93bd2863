"""``gridmap info PATH [--layer NAME]``: describe a file — its layers, CRS, feature counts, bounds,
geometry types, fields — and every problem the validator finds."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pyproj

from gridmap.cli.common import add_reading_options, print_error
from gridmap.io.files import list_layers, load_layer
from gridmap.io.inputs import InputOptions
from gridmap.io.tables import is_table
from gridmap.io.validate import KINDS, LayerError
from gridmap.vocab import Joined, Message, text

#: The severities of a finding, each with its word in the catalog (``val_severity_<severity>``).
_SEVERITIES = ("error", "repaired", "warning")

__all__ = ["register", "describe_layer"]


def describe_layer(path: Path, layer: str | None, kind: str | None, options: InputOptions, scope: str,
                   out=None) -> int:
    """Print one layer's description and problems; return the number of errors.

    ``options`` are the run's reading options; ``scope`` is this layer's name among them.
    """
    out = out or sys.stdout
    gdf, report = load_layer(path, kind or "auto", layer, raise_errors=False, **options.layer_options(scope))
    options.record_applied(scope, gdf.attrs.get("column_map_applied", {}))
    name = gdf.attrs.get("layer")
    print(text("cli_info_layer", name=name), file=out)
    if gdf.attrs.get("encoding"):
        how = "cli_info_encoding_table" if gdf.attrs.get("table") else "cli_info_encoding_shp"
        print(text(how, encoding=gdf.attrs["encoding"]), file=out)
    if gdf.attrs.get("coordinate_columns"):
        x, y = gdf.attrs["coordinate_columns"]
        print(text("cli_info_points_from", x=x, y=y, row=gdf.attrs.get("first_row", 2)), file=out)
    if gdf.attrs.get("converted_from"):
        print(text("cli_info_converted", source=gdf.attrs["converted_from"]), file=out)
    if gdf.crs is None:
        print(text("cli_info_no_crs"), file=out)
    else:
        epsg = gdf.crs.to_epsg()
        print(text("cli_info_crs", name=gdf.crs.name, code=f"EPSG:{epsg}" if epsg else gdf.crs.to_string()), file=out)
    print(text("cli_info_features", n=len(gdf)), file=out)
    types = Counter(t if isinstance(t, str) else "(null)" for t in gdf.geometry.geom_type)  # null: NaN or None
    print(text("cli_info_types", types=", ".join(f"{t} {n}" for t, n in sorted(types.items()))), file=out)
    valid = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if len(valid):
        minx, miny, maxx, maxy = valid.total_bounds
        print(text("cli_info_bounds", minx=minx, miny=miny, maxx=maxx, maxy=maxy), file=out)
        if gdf.crs is not None and not gdf.crs.is_geographic:
            try:
                lon, lat = pyproj.Transformer.from_crs(gdf.crs, 4326, always_xy=True).transform(
                    [minx, maxx], [miny, maxy])
                print(text("cli_info_bounds_lonlat", minx=lon[0], miny=lat[0], maxx=lon[1], maxy=lat[1]), file=out)
            except Exception:  # noqa: BLE001 - the validator reports coordinates that do not fit the CRS
                pass
    fields = [f"{c} ({gdf[c].dtype})" for c in gdf.columns if c != gdf.geometry.name]
    print(text("cli_info_fields", fields=", ".join(fields) if fields else Message("cli_info_none")), file=out)
    checked = report.kind
    print(text("cli_info_checked_as", kind=KINDS[checked].label if checked else Message("val_kind_generic")), file=out)
    if not report.problems:
        print(text("cli_info_no_problems"), file=out)
    else:
        counts = Counter(p.severity for p in report.problems)
        print(text("cli_info_problems", counts=Joined(
            [Message("cli_info_count", n=n, severity=Message(f"val_severity_{s}") if s in _SEVERITIES else s)
             for s, n in counts.items()], {"zh": "，", "en": ", "})), file=out)
        for line in report.lines():
            print("    " + line, file=out)
    return len(report.errors)


def _cmd_info(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        layers = list_layers(path)
        print(text("cli_info_file", path=path))
        no_xy = text("cli_info_no_xy")
        print(text("cli_info_layers", n=len(layers), layers=", ".join(
            f"{r.name} [{no_xy if is_table(path) and pd.isna(r.geometry_type) else r.geometry_type}]"
            for r in layers.itertuples())))
        if args.layer:
            names = [args.layer]
        elif is_table(path) and len(layers) > 1 and layers["geometry_type"].notna().any():
            names = [str(n) for n in layers.loc[layers["geometry_type"].notna(), "name"]]  # sheets with coordinates
        elif path.suffix.lower() != ".gpkg" and len(layers) <= 1:
            names = [None]
        else:
            names = list(layers["name"])
        scopes = [str(n) for n in layers["name"]] + ([args.layer] if args.layer else [])
        options = InputOptions.from_args(args, scopes)
        errors = 0
        for name in names:
            scope = name or (str(layers["name"].iloc[0]) if len(layers) else path.stem)
            errors += describe_layer(path, name, args.kind, options, scope)
        options.check_all_used()
    except LayerError as exc:
        print_error(exc)
        return 2
    return 1 if (errors and args.strict) else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap info`` to the command's subparsers."""
    info = sub.add_parser("info", help=text("help_info_info_cmd"),
                          description=text("help_info_info_description"))
    info.add_argument("path", help=text("help_info_path"))
    info.add_argument("--layer", help=text("help_info_layer"))
    info.add_argument("--kind", choices=sorted(KINDS), help=text("help_info_kind"))
    add_reading_options(info, text("help_info_scopes"))
    info.add_argument("--strict", action="store_true", help=text("help_info_strict"))
    info.set_defaults(func=_cmd_info)
