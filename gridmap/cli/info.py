"""``gridmap info PATH [--layer NAME]``: describe a file — its layers, CRS, feature counts, bounds,
geometry types, fields — and every problem the validator finds."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pyproj

from gridmap.cli._common import parse_map
from gridmap.io import list_layers, read_layer
from gridmap.validate import KINDS, LayerError, guess_kind, validate_layer

__all__ = ["register", "describe_layer"]


def describe_layer(path: Path, layer: str | None, kind: str | None, crs: str | None, source: str | None,
                   column_map: dict[str, str], out=None) -> int:
    """Print one layer's description and problems; return the number of errors."""
    out = out or sys.stdout
    gdf = read_layer(path, layer, crs=crs, source=source)
    if column_map:
        gdf = gdf.rename(columns={theirs: ours for ours, theirs in column_map.items()})
    name = gdf.attrs.get("layer")
    kind = kind or guess_kind(gdf.columns)
    print(f"\nlayer: {name}", file=out)
    if gdf.attrs.get("encoding"):
        print(f"  text encoding (detected, no .cpg): {gdf.attrs['encoding']}", file=out)
    if gdf.attrs.get("converted_from"):
        print(f"  converted from {gdf.attrs['converted_from']} to WGS84", file=out)
    if gdf.crs is None:
        print("  CRS: none declared", file=out)
    else:
        epsg = gdf.crs.to_epsg()
        print(f"  CRS: {gdf.crs.name}" + (f" (EPSG:{epsg})" if epsg else f" ({gdf.crs.to_string()})"), file=out)
    print(f"  features: {len(gdf)}", file=out)
    types = Counter(t if isinstance(t, str) else "(null)" for t in gdf.geometry.geom_type)  # null: NaN or None
    print("  geometry types: " + ", ".join(f"{t} {n}" for t, n in sorted(types.items())), file=out)
    valid = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if len(valid):
        minx, miny, maxx, maxy = valid.total_bounds
        print(f"  bounds: {minx:.6f}, {miny:.6f} – {maxx:.6f}, {maxy:.6f}", file=out)
        if gdf.crs is not None and not gdf.crs.is_geographic:
            try:
                lon, lat = pyproj.Transformer.from_crs(gdf.crs, 4326, always_xy=True).transform(
                    [minx, maxx], [miny, maxy])
                print(f"  bounds (lon/lat): {lon[0]:.6f}, {lat[0]:.6f} – {lon[1]:.6f}, {lat[1]:.6f}", file=out)
            except Exception:  # noqa: BLE001 - the validator reports coordinates that do not fit the CRS
                pass
    fields = [f"{c} ({gdf[c].dtype})" for c in gdf.columns if c != gdf.geometry.name]
    print("  fields: " + (", ".join(fields) if fields else "(none)"), file=out)
    print(f"  checked as: {KINDS[kind].label if kind else 'generic layer (geometry and CRS only)'}", file=out)
    _, report = validate_layer(gdf, kind, source=str(path), layer=name)
    if not report.problems:
        print("  problems: none", file=out)
    else:
        counts = Counter(p.severity for p in report.problems)
        print("  problems: " + ", ".join(f"{n} {s}" for s, n in counts.items()), file=out)
        for line in report.lines():
            print("    " + line, file=out)
    return len(report.errors)


def _cmd_info(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        layers = list_layers(path)
        print(f"file: {path}")
        print(f"layers ({len(layers)}): " + ", ".join(f"{r.name} [{r.geometry_type}]" for r in layers.itertuples()))
        names = [args.layer] if args.layer else ([None] if path.suffix.lower() != ".gpkg" and len(layers) <= 1
                                                 else list(layers["name"]))
        errors = 0
        for name in names:
            errors += describe_layer(path, name, args.kind, args.crs, args.source, parse_map(args.map))
    except LayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if (errors and args.strict) else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap info`` to the command's subparsers."""
    info = sub.add_parser("info", help="describe a layer file and list every problem found",
                          description="Print layers, CRS, feature counts, bounds, geometry types, fields, and every "
                                      "problem the validator finds. Exit status 2 if the file cannot be read; with "
                                      "--strict, 1 if problems must be fixed.")
    info.add_argument("path", help="GeoJSON, GeoPackage, Shapefile (.shp) or zip holding one")
    info.add_argument("--layer", help="layer name (GeoPackage) or file stem (zip); default: every layer")
    info.add_argument("--kind", choices=sorted(KINDS), help="check against this schema (default: guessed from columns)")
    info.add_argument("--crs", help="CRS to assume when the file declares none, e.g. EPSG:4490")
    info.add_argument("--source", help="coordinates came from: wgs84, gcj02 (高德/腾讯), bd09 (百度)")
    info.add_argument("--map", action="append", metavar="OURS=THEIRS", help="column mapping, e.g. households=户数")
    info.add_argument("--strict", action="store_true", help="exit with status 1 when errors are found")
    info.set_defaults(func=_cmd_info)
