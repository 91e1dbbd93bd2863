"""Read and write layers: GeoJSON, GeoPackage, Shapefile (``.shp`` or zipped) with pyogrio, and
office tables (CSV, Excel ``.xlsx`` with coordinate columns, :mod:`gridmap.io.tables`) as point layers.

Reading takes care of what Chinese data brings: Shapefiles in GBK with no ``.cpg`` or a ``.cpg``
that names the wrong encoding (checked against the DBF bytes, :mod:`gridmap.io.encodings`), a
Shapefile without its ``.shx`` (rebuilt, reported) or ``.dbf`` (a named error), layers with no
CRS (an error unless the caller states one), column names in another case (``Name`` for
``name``, :mod:`gridmap.io.columns`), coordinates traced on 高德/腾讯 (GCJ-02) or 百度 (BD-09) maps
(converted to WGS84 when the caller says so), and uploaded zips (entries with absolute paths or
``..`` refused, expansion capped). Writing gives GeoJSON per
RFC 7946 (WGS84 lon/lat, counter-clockwise exteriors, 7 decimals, UTF-8, no ``crs`` member),
GeoPackage (atomically, several layers in one file) and zipped Shapefile with a UTF-8 ``.cpg``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely

from gridmap.io.columns import COORDINATE_ROLES, match_columns
from gridmap.io.crs import to_wgs84_from
from gridmap.io.encodings import dbf_text_values, resolve_encoding
from gridmap.io.tables import TABLE_SUFFIXES, is_table, list_table_layers, read_table
from gridmap.io.validate import LayerError, Problem, ValidationReport, guess_kind, validate_layer

__all__ = [
    "MAX_ZIP_BYTES",
    "MAX_ZIP_FILES",
    "list_layers",
    "read_layer",
    "load_layer",
    "check_layer",
    "detect_dbf_encoding",
    "write_geojson",
    "write_gpkg",
    "write_shapefile_zip",
    "write_layer",
    "atomic_write",
    "copy_file_atomic",
]

#: Uploaded zips may expand to at most this many bytes (and entries) before reading is refused.
MAX_ZIP_BYTES = 512 * 1024 * 1024
MAX_ZIP_FILES = 2000

GEOJSON_PRECISION = 7  # decimals of a degree: ~1 cm


# --------------------------------------------------------------------------------------------
# zips


def _check_zip_member(name: str, zip_path: Path) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise LayerError(f"{zip_path}: the zip entry '{name}' has an absolute path; such zips are refused for "
                         "safety. Re-create the zip from the folder holding the files.")
    if ".." in pure.parts:
        raise LayerError(f"{zip_path}: the zip entry '{name}' points outside the zip ('..'); such zips are refused "
                         "for safety. Re-create the zip from the folder holding the files.")


@contextmanager
def _extracted_zip(zip_path: Path, max_bytes: int = MAX_ZIP_BYTES, max_files: int = MAX_ZIP_FILES):
    """Extract a zip into a temporary folder safely, yielding the folder; removed afterwards.

    Refuses absolute or ``..`` entries, more than ``max_files`` entries, and expansion past
    ``max_bytes`` (by the declared sizes, which bound what ``zipfile`` will decompress).
    """
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise LayerError(f"{zip_path}: not a readable zip file ({exc}).") from exc
    with zf, tempfile.TemporaryDirectory(prefix="gridmap-zip-") as tmp:
        infos = zf.infolist()
        if len(infos) > max_files:
            raise LayerError(f"{zip_path}: the zip holds {len(infos)} entries, more than the limit of {max_files}.")
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise LayerError(f"{zip_path}: the zip would expand to {declared / 1e6:.0f} MB, more than the limit of "
                             f"{max_bytes / 1e6:.0f} MB. Upload only the layer's files (.shp .shx .dbf .prj .cpg).")
        root = Path(tmp)
        for info in infos:
            _check_zip_member(info.filename, zip_path)
            target = root / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)  # zipfile never yields more than the declared size
        yield root


_ZIP_VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
#: Tables read from a zip that holds no vector file (a .txt there is more often a read-me than a
#: table; a CSV beside a Shapefile is its field list, as write_shapefile_zip writes it).
_ZIP_TABLE_SUFFIXES = tuple(s for s in TABLE_SUFFIXES if s != ".txt")


def _zip_layer_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__MACOSX" not in p.parts)
    vectors = [p for p in files if p.suffix.lower() in _ZIP_VECTOR_SUFFIXES]
    return vectors or [p for p in files if p.suffix.lower() in _ZIP_TABLE_SUFFIXES]


def _layer_file_in(folder: Path, zip_path: Path, layer: str | None) -> Path:
    """The one readable vector file inside an extracted zip (or the one matching ``layer``)."""
    found = _zip_layer_files(folder)
    if layer is not None:
        named = [p for p in found if p.stem == layer]
        if len(named) == 1:
            return named[0]
    if len(found) == 1:
        return found[0]
    if not found:
        orphans = sorted(p.name for p in folder.rglob("*") if p.suffix.lower() in (".dbf", ".shx", ".prj"))
        if orphans:
            raise LayerError(f"{zip_path}: the zip holds {', '.join(orphans)} but no .shp (the geometry of a "
                             "Shapefile); add the .shp with the same name.")
        raise LayerError(f"{zip_path}: the zip holds no .shp, .gpkg, .geojson, .csv or .xlsx file.")
    names = ", ".join(str(p.relative_to(folder)) for p in found)
    raise LayerError(f"{zip_path}: the zip holds several layers ({names}); name one with --layer "
                     f"(the file name without extension).")


# --------------------------------------------------------------------------------------------
# encodings


def _sidecar(path: Path, suffix: str) -> Path | None:
    for cand in path.parent.glob(path.stem + ".*"):
        if cand.suffix.lower() == suffix:
            return cand
    return None


def detect_dbf_encoding(dbf_path: str | os.PathLike) -> str | None:
    """Guess the text encoding of a DBF with no ``.cpg``: ``"UTF-8"``, ``"GB18030"`` (GBK) or None.

    The character fields are decoded strictly as UTF-8 first (GBK text is almost never valid
    UTF-8), then as GB18030, the superset of GBK/GB2312 that Chinese GIS software writes. ``None``
    when neither decodes (GDAL's default is used).
    """
    return resolve_encoding(dbf_text_values(dbf_path), None).encoding


def _dbf_encoding(path: Path, label: str) -> tuple[str | None, dict | None]:
    """(encoding to read a Shapefile's DBF with, a note when the ``.cpg`` is wrong or missing and
    nothing decodes). Raises :class:`LayerError` when a ``.cpg`` is given and nothing decodes."""
    dbf = _sidecar(path, ".dbf")
    if dbf is None:
        return None, None
    cpg = _sidecar(path, ".cpg")
    declared = cpg.read_bytes().decode("ascii", errors="replace").strip() if cpg is not None else None
    choice = resolve_encoding(dbf_text_values(dbf), declared or None, f"the .cpg file ({cpg.name})" if cpg else None)
    if choice.encoding is None:
        if cpg is not None:
            raise LayerError(f"{label}: {choice.note} Write the encoding the DBF was saved in into {cpg.name} "
                             "(UTF-8, GBK, …) and read it again.")
        return None, {"severity": "warning", "code": "encoding_unknown",
                      "message": "the text of the .dbf is neither UTF-8 nor GBK/GB18030 and there is no .cpg; it was "
                                 "read with GDAL's default (the DBF's language driver, else ISO-8859-1). If names look "
                                 "wrong, add a .cpg naming the encoding."}
    if choice.note:
        return choice.encoding, {"severity": "repaired", "code": "encoding_repaired", "message": choice.note}
    return choice.encoding, None


# --------------------------------------------------------------------------------------------
# reading


def list_layers(path: str | os.PathLike) -> pd.DataFrame:
    """Layers in a file (``name``, ``geometry_type``); a zip lists the layer files inside it, a
    workbook its sheets (``Point`` where coordinate columns are found)."""
    path = Path(path)
    _require_exists(path)
    if is_table(path):
        return list_table_layers(path)
    if path.suffix.lower() == ".zip":
        with _extracted_zip(path) as folder:
            rows = []
            for p in _zip_layer_files(folder):
                if is_table(p):
                    rows.append({"name": p.stem, "geometry_type": "Point"})
                    continue
                for name, gtype in _vector_layers(p, scratch=True):
                    rows.append({"name": p.stem if p.suffix.lower() == ".shp" else name, "geometry_type": gtype})
            return pd.DataFrame(rows, columns=["name", "geometry_type"])
    return pd.DataFrame(_vector_layers(path), columns=["name", "geometry_type"])


def _vector_layers(path: Path, scratch: bool = False):
    """Pyogrio's layer list of a vector file (a Shapefile without its .shx through a rebuilt copy)."""
    try:
        if path.suffix.lower() == ".shp":
            with _restored_shx(path, scratch) as (target, _):
                return pyogrio.list_layers(target)
        return pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError & co.
        raise LayerError(f"{path}: cannot be opened as a vector file ({exc}).") from exc


def _require_exists(path: Path) -> None:
    if not path.exists():
        raise LayerError(f"{path}: no such file.")


_GDAL_CONFIG_LOCK = threading.Lock()


@contextmanager
def _restored_shx(path: Path, scratch: bool):
    """Yield a ``.shp`` that has its ``.shx``: the path itself, or — when the ``.shx`` is missing —
    a copy whose index GDAL rebuilds from the ``.shp`` (``SHAPE_RESTORE_SHX``), in place only when
    the folder is gridmap's own (an extracted zip), never beside the user's file."""
    if _sidecar(path, ".shx") is not None:
        yield path, False
        return
    with tempfile.TemporaryDirectory(prefix="gridmap-shx-") as tmp:
        target = path
        if not scratch:
            for part in path.parent.glob(glob.escape(path.stem) + ".*"):
                shutil.copyfile(part, Path(tmp) / part.name)
            target = Path(tmp) / path.name
        with _GDAL_CONFIG_LOCK:
            before = pyogrio.get_gdal_config_option("SHAPE_RESTORE_SHX")
            pyogrio.set_gdal_config_options({"SHAPE_RESTORE_SHX": "YES"})
            try:
                pyogrio.read_info(target)  # opening restores the index
            finally:
                pyogrio.set_gdal_config_options({"SHAPE_RESTORE_SHX": before})
        yield target, True


def _read_plain(path: Path, layer: str | None, encoding: str | None, label: str,
                scratch: bool = False) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    if layer is not None and suffix != ".shp":
        available = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if layer not in available:
            raise LayerError(f"{label}: there is no layer '{layer}'; layers in the file: {', '.join(available)}.")
    elif layer is None and suffix == ".gpkg":
        available = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if len(available) > 1:
            raise LayerError(f"{label}: the GeoPackage holds {len(available)} layers ({', '.join(available)}); "
                             "name one with --layer.")
    notes: list[dict] = []
    detected = None
    if suffix == ".shp":
        if _sidecar(path, ".dbf") is None:
            raise LayerError(f"{label}: the .dbf beside the .shp is missing — it holds the attributes (ids, names, "
                             f"households). Add {path.stem}.dbf (a Shapefile is at least .shp, .shx and .dbf).")
        if encoding is None:
            detected, note = _dbf_encoding(path, label)
            notes += [note] if note else []
    try:
        with ExitStack() as stack:
            target = path
            if suffix == ".shp":
                target, restored = stack.enter_context(_restored_shx(path, scratch))
                if restored:
                    notes.append({"severity": "repaired", "code": "shx_restored",
                                  "message": f"the .shx (index) beside the .shp was missing; GDAL rebuilt it from the "
                                             f".shp (SHAPE_RESTORE_SHX). Add {path.stem}.shx to the data "
                                             "to avoid this."})
            gdf = pyogrio.read_dataframe(target, layer=None if suffix == ".shp" else layer,
                                         encoding=encoding or detected)
    except LayerError:
        raise
    except Exception as exc:
        hint = (" A Shapefile needs its .shx and .dbf beside the .shp." if suffix == ".shp" else "")
        raise LayerError(f"{label}: cannot be read ({exc}).{hint}") from exc
    if suffix == ".shp" and encoding is None and _sidecar(path, ".cpg") is None:
        gdf.attrs["encoding"] = detected
    elif encoding is not None:
        gdf.attrs["encoding"] = encoding
    gdf.attrs["read_notes"] = notes
    return gdf


def _read_any(path: Path, layer: str | None, encoding: str | None, label: str, crs, coordinates,
              scratch: bool = False) -> gpd.GeoDataFrame:
    """A table (CSV/Excel, as points) or a vector file, as read."""
    if is_table(path):
        return read_table(path, layer, crs=crs, encoding=encoding, coordinates=coordinates)
    return _read_plain(path, layer, encoding, label, scratch)


def read_layer(
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    crs: str | int | pyproj.CRS | None = None,
    source: str | None = None,
    encoding: str | None = None,
    coordinates: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer (GeoJSON, GeoPackage, Shapefile, CSV, Excel, or a zip holding one), without validation.

    Parameters
    ----------
    path : ``.geojson``/``.json``, ``.gpkg``, ``.shp``, ``.kml``, ``.csv``, ``.xlsx`` or ``.zip``.
    layer : layer name in a GeoPackage (required when it has several), sheet of a workbook, or
        file stem in a zip.
    crs : the CRS to assume when the file declares none (e.g. ``"EPSG:4490"``); for a table, the
        CRS of its coordinate columns (lon/lat default to WGS84, x/y need it). If the file declares
        a different one, that is an error: the caller and the file disagree.
    source : where lon/lat coordinates came from: ``"wgs84"`` (default), ``"gcj02"``/``"amap"``/
        ``"tencent"`` (高德/腾讯) or ``"bd09"``/``"baidu"`` (百度); offset data is converted to WGS84
        (EPSG:4326).
    encoding : text encoding of a Shapefile's DBF or a CSV; by default from the ``.cpg`` (checked
        against the bytes), else detected.
    coordinates : a table's coordinate columns when not named as :data:`gridmap.io.tables.COORDINATE_NAMES`
        (``{"lon": "GPS经度", "lat": "GPS纬度"}``).

    Returns
    -------
    GeoDataFrame with ``attrs["source"]`` (path), ``attrs["layer"]`` and ``attrs["read_notes"]``
    (encodings repaired, a ``.shx`` rebuilt, a sheet chosen…). A layer with no CRS keeps
    ``crs=None`` (validation reports it) unless ``crs`` is given.
    """
    path = Path(path)
    _require_exists(path)
    label = f"{path}" + (f", layer '{layer}'" if layer else "")
    if path.suffix.lower() == ".zip":
        with _extracted_zip(path) as folder:
            inner = _layer_file_in(folder, path, layer)
            inner_layer = None if inner.stem == layer else layer
            gdf = _read_any(inner, inner_layer, encoding, f"{path} ▸ {inner.relative_to(folder)}", crs, coordinates,
                            scratch=True)
            layer = layer or gdf.attrs.get("layer") or inner.stem
    else:
        gdf = _read_any(path, layer, encoding, label, crs, coordinates)
        if gdf.attrs.get("table"):
            layer = gdf.attrs["layer"]
        elif layer is None:
            layer = path.stem if path.suffix.lower() in (".shp", ".geojson", ".json") else str(
                pyogrio.list_layers(path)[0, 0])
    gdf.attrs["source"] = str(path)
    gdf.attrs["layer"] = layer
    if crs is not None:
        stated = pyproj.CRS.from_user_input(crs)
        if gdf.crs is None:
            gdf = gdf.set_crs(stated)
        elif not gdf.crs.equals(stated) and not _same_lonlat(gdf.crs, stated):
            raise LayerError(
                f"{label}: the file declares {gdf.crs.name} ({gdf.crs.to_string()}) but {stated.name} "
                f"({stated.to_string()}) was stated. If the file's CRS is wrong, fix its .prj (QGIS: Layer ▸ Set "
                "CRS, then save); otherwise leave out the stated CRS, or state it for one input only "
                "(--crs INPUT:CRS, e.g. --crs residents:EPSG:4547)."
            )
    if source is not None and gdf.crs is not None:
        if not gdf.crs.is_geographic:
            raise LayerError(f"{label}: coordinates from {source} maps are longitude/latitude, but the layer is in "
                             f"{gdf.crs.name}. Leave out the source, give the data as lon/lat, or state the source "
                             "for one input only (--source INPUT:SOURCE, e.g. --source centers:gcj02).")
        if gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        attrs = dict(gdf.attrs)
        gdf = to_wgs84_from(gdf, source)
        gdf.attrs.update(attrs)
        gdf.attrs["converted_from"] = source
    return gdf


def _same_lonlat(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    """WGS84 and CGCS2000 lon/lat agree to < 1 m (docs/design.md §5.1): stating one for a file in the other is fine."""
    def is_lonlat(crs: pyproj.CRS) -> bool:
        return crs.is_geographic and (crs.to_epsg() in (4326, 4490) or crs.name in ("WGS 84", "WGS 84 (CRS84)"))

    return is_lonlat(a) and is_lonlat(b)


def load_layer(
    path: str | os.PathLike,
    kind: str | None,
    layer: str | None = None,
    *,
    crs: str | int | pyproj.CRS | None = None,
    source: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str] | None = None,
    map_if_present: Mapping[str, str] | None = None,
    drop_empty: bool = False,
    raise_errors: bool = True,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read, map columns, validate and repair a layer; raise :class:`LayerError` on errors.

    ``kind`` is a key of :data:`gridmap.io.validate.KINDS`, None (generic checks only) or
    ``"auto"`` (guessed from the columns after mapping, as ``gridmap info`` does).
    ``column_map`` maps gridmap's column names to the file's (e.g. ``{"households": "户数"}``);
    each mapped column must be in the file. ``map_if_present`` is applied only where the file has
    the column (a mapping given for several inputs at once). ``lon``/``lat``/``x``/``y`` name a
    table's coordinate columns. Returns the repaired layer (``attrs["column_map_applied"]`` holds
    the mapping used) and the report of what was repaired or looks odd; with
    ``raise_errors=False`` errors stay in the report instead of being raised.
    """
    required_xy = {k: v for k, v in (column_map or {}).items() if k in COORDINATE_ROLES}
    optional_xy = {k: v for k, v in (map_if_present or {}).items() if k in COORDINATE_ROLES and k not in required_xy}
    try:
        gdf = read_layer(path, layer, crs=crs, source=source, encoding=encoding,
                         coordinates={**optional_xy, **required_xy} or None)
    except LayerError:
        if required_xy or not optional_xy:
            raise
        # coordinate columns mapped for every input, and this table names its own as usual
        gdf = read_layer(path, layer, crs=crs, source=source, encoding=encoding)
    gdf, report = check_layer(gdf, kind, column_map=column_map, map_if_present=map_if_present, drop_empty=drop_empty)
    if raise_errors:
        report.raise_for_errors()
    return gdf, report


_ROW_IN_TEXT = re.compile(r"\b(rows?) (\d+(?:, \d+)*)")


def _shift_rows(problem: Problem, by: int) -> Problem:
    """The problem with its row numbers (the field and those in the message) moved by ``by``."""
    message = _ROW_IN_TEXT.sub(lambda m: f"{m.group(1)} " + ", ".join(str(int(n) + by) for n in m.group(2).split(", ")),
                               problem.message)
    row = None if problem.row is None else problem.row + by
    return Problem(problem.severity, problem.code, message, row, problem.feature_id, problem.column)


def check_layer(
    gdf: gpd.GeoDataFrame,
    kind: str | None,
    *,
    column_map: Mapping[str, str] | None = None,
    map_if_present: Mapping[str, str] | None = None,
    drop_empty: bool = False,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Map and match the columns of a layer as read, then validate it (without raising).

    The report starts with what reading found (``attrs["read_notes"]``: an encoding repaired, a
    ``.shx`` rebuilt, a sheet chosen, X/Y swapped) and the columns matched
    (:func:`gridmap.io.columns.match_columns`). ``kind="auto"`` guesses the kind from the columns
    after mapping and matching (:func:`gridmap.io.validate.guess_kind`). For a table, row numbers are
    the spreadsheet's own (the header row counted), so a message points at the row the user sees in
    Excel.
    """
    source = str(gdf.attrs.get("source", "<data>"))
    layer = gdf.attrs.get("layer")
    label = source + (f", layer '{layer}'" if layer else "")
    if kind == "auto":
        kind = guess_kind(match_columns(gdf, None, column_map, map_if_present, label=label)[0].columns)
    gdf, notes, applied = match_columns(gdf, kind, column_map, map_if_present, label=label)
    attrs = dict(gdf.attrs)
    gdf, report = validate_layer(gdf, kind, source=source, layer=layer, drop_empty=drop_empty)
    gdf.attrs.update(attrs)
    gdf.attrs["column_map_applied"] = applied
    offset = int(attrs.get("first_row", 1)) - 1
    if offset:
        report.problems = [_shift_rows(p, offset) for p in report.problems]
    read = [Problem(n["severity"], n["code"], n["message"], None, None, n.get("column"))
            for n in [*attrs.get("read_notes", []), *notes]]
    report.problems = read + report.problems
    return gdf, report


# --------------------------------------------------------------------------------------------
# writing


def _for_output(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise LayerError("cannot write a layer with no CRS: every output of gridmap declares its CRS.")
    return gdf


def _atomic_target(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # let the driver create it
    return Path(tmp)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Write a file so that readers see the old file or the whole new one, never half of it.

    ``write(tmp)`` creates the file at ``tmp`` — a fresh name beside ``path``, with the same suffix
    (so writers that choose a format by extension work) — which then replaces ``path`` in one
    ``os.replace``. If ``write`` raises, ``path`` is untouched and nothing is left behind. Parent
    folders are created.

    Returns ``path``.
    """
    path = Path(path)
    tmp = _atomic_target(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_geojson(gdf: gpd.GeoDataFrame, path: str | os.PathLike, precision: int = GEOJSON_PRECISION) -> Path:
    """Write RFC 7946 GeoJSON: EPSG:4326 lon/lat, CCW exteriors, ``precision`` decimals, UTF-8, no ``crs``.

    Polygons stay valid after rounding (a sliver thinner than the precision is written with an
    empty geometry, its attributes kept). List-valued columns are joined with ``;``. The file is
    replaced atomically.
    """
    path = Path(path)
    out = _join_lists(_for_output(gdf).to_crs(4326))
    out[out.geometry.name] = shapely.orient_polygons(_rounded(out.geometry.to_numpy(), precision),
                                                     exterior_cw=False)
    return atomic_write(path, lambda tmp: pyogrio.write_dataframe(
        out, tmp, driver="GeoJSON", RFC7946="YES", COORDINATE_PRECISION=precision, WRITE_NAME="NO"))


def _rounded(geoms, precision: int):
    """Coordinates rounded to ``precision`` decimals, every polygon still valid.

    Plain rounding keeps shared vertices shared (a partition stays a partition); the few polygons
    it makes invalid are snap-rounded instead, and a polygon thinner than the precision (a sliver
    under ~1 cm) collapses to an empty geometry rather than a line.
    """
    grid = 10.0 ** -precision
    rounded = shapely.set_precision(geoms, grid, mode="pointwise")
    polygonal = shapely.get_type_id(rounded) == 3
    polygonal |= shapely.get_type_id(rounded) == 6
    bad = polygonal & ~shapely.is_valid(rounded)
    if bad.any():
        rounded[bad] = shapely.set_precision(geoms[bad], grid, mode="valid_output")
    return rounded


def _join_lists(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    for col in out.columns:
        if (col != out.geometry.name and out[col].dtype == object
                and out[col].map(lambda v: isinstance(v, (list, tuple, set))).any()):
                out[col] = out[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
    return out


def write_gpkg(layers: Mapping[str, gpd.GeoDataFrame] | gpd.GeoDataFrame, path: str | os.PathLike,
               layer: str | None = None) -> Path:
    """Write one or several layers into a GeoPackage, atomically (a reader never sees half a file).

    ``layers`` is a dict ``{name: GeoDataFrame}`` (the file then holds exactly these), or one
    GeoDataFrame with ``layer`` naming it. Non-spatial tables (plain DataFrames) are written as
    attribute tables.
    """
    if isinstance(layers, (gpd.GeoDataFrame, pd.DataFrame)):
        layers = {layer or Path(path).stem: layers}

    def write(tmp: Path) -> None:
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(_join_lists(_for_output(frame)), tmp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(pd.DataFrame(frame), tmp, layer=name, driver="GPKG")

    return atomic_write(path, write)


def _shapefile_names(columns: list[str]) -> dict[str, str]:
    """Unique DBF field names of at most 10 bytes (UTF-8), for columns that need shortening."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        name = col
        if len(col.encode("utf-8")) > 10:
            base = col.encode("utf-8")[:10].decode("utf-8", errors="ignore")
            name, k = base, 1
            while name.lower() in used:
                suffix = f"_{k}"
                name = base.encode("utf-8")[: 10 - len(suffix)].decode("utf-8", errors="ignore") + suffix
                k += 1
        used.add(name.lower())
        mapping[col] = name
    return mapping


def write_shapefile_zip(gdf: gpd.GeoDataFrame, path: str | os.PathLike, name: str | None = None) -> Path:
    """Write a zipped Shapefile (``.shp .shx .dbf .prj`` + ``.cpg`` saying UTF-8).

    Field names longer than 10 bytes are shortened uniquely; the zip then also holds
    ``<name>_fields.csv`` mapping the short names back to the full ones.
    """
    path = Path(path)
    name = name or path.stem
    out = _join_lists(_for_output(gdf))
    columns = [c for c in out.columns if c != out.geometry.name]
    mapping = _shapefile_names(columns)
    renamed = {c: s for c, s in mapping.items() if c != s}
    out = out.rename(columns=renamed)
    with tempfile.TemporaryDirectory(prefix="gridmap-shp-") as tmp:
        shp = Path(tmp) / f"{name}.shp"
        pyogrio.write_dataframe(out, shp, driver="ESRI Shapefile", encoding="UTF-8")
        (Path(tmp) / f"{name}.cpg").write_text("UTF-8", encoding="ascii")
        if renamed:
            pd.DataFrame({"field": list(renamed.values()), "column": list(renamed.keys())}).to_csv(
                Path(tmp) / f"{name}_fields.csv", index=False, encoding="utf-8-sig")

        def write(zip_tmp: Path) -> None:
            with zipfile.ZipFile(zip_tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(tmp).iterdir()):
                    zf.write(f, arcname=f.name)

        return atomic_write(path, write)


def write_layer(gdf: gpd.GeoDataFrame, path: str | os.PathLike, layer: str | None = None) -> Path:
    """Write by extension: ``.geojson``/``.json`` (RFC 7946), ``.gpkg``, ``.zip`` (zipped Shapefile)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".json"):
        return write_geojson(gdf, path)
    if suffix == ".gpkg":
        return write_gpkg(gdf, path, layer)
    if suffix == ".zip":
        return write_shapefile_zip(gdf, path, layer)
    raise ValueError(f"{path}: unknown output format '{suffix}'; use .geojson, .gpkg or .zip (Shapefile).")


def copy_file_atomic(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a file so the destination is replaced in one step."""
    return atomic_write(dst, lambda tmp: shutil.copyfile(src, tmp))
