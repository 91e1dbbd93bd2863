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
GeoPackage (atomically, several layers in one file), zipped Shapefile with a UTF-8 ``.cpg`` and
GeoParquet.

Partitions (mosaic faces, units, grids) stay partitions in every format: GeoPackage, Shapefile
and GeoParquet keep the working CRS and its coordinates as they are; GeoJSON, which must be
lon/lat, writes them as reprojected at full precision (no face is lost, shared vertices stay
shared), or, at a chosen precision, rounds them as one topology (:func:`round_coverage`): other
layers are rounded to 7 decimals, a valid coverage as one topology, anything else polygon by
polygon, always valid and never with GEOS's polygon overlay.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Mapping
from contextlib import ExitStack, contextmanager
from json.encoder import encode_basestring
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from gridmap.errors import GridmapError
from gridmap.io.background import BackgroundWrite
from gridmap.io.columns import COORDINATE_ROLES, match_columns
from gridmap.io.crs import to_wgs84_from
from gridmap.io.encodings import dbf_text_values, resolve_encoding
from gridmap.io.tables import TABLE_SUFFIXES, is_table, list_table_layers, read_table
from gridmap.io.validate import LayerError, Problem, ValidationReport, guess_kind, validate_layer
from gridmap.vocab import Message

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
    "BackgroundWrite",
    "copy_file_atomic",
    "write_geoparquet",
    "round_coverage",
    "GEOJSON_PRECISION",
]

#: Uploaded zips may expand to at most this many bytes (and entries) before reading is refused.
MAX_ZIP_BYTES = 512 * 1024 * 1024
MAX_ZIP_FILES = 2000

GEOJSON_PRECISION = 7  # decimals of a degree: ~1 cm
#: decimals GDAL prints coordinates with: 15 reproduce every double of a lon/lat exactly (the
#: coordinates are rounded by us first, or, for a partition, not at all)
_GDAL_DECIMALS = 15


# --------------------------------------------------------------------------------------------
# zips


def _check_zip_member(name: str, zip_path: Path) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise LayerError("err_zip_absolute", zip=zip_path, name=name)
    if ".." in pure.parts:
        raise LayerError("err_zip_parent", zip=zip_path, name=name)


@contextmanager
def _extracted_zip(zip_path: Path, max_bytes: int = MAX_ZIP_BYTES, max_files: int = MAX_ZIP_FILES):
    """Extract a zip into a temporary folder safely, yielding the folder; removed afterwards.

    Refuses absolute or ``..`` entries, more than ``max_files`` entries, and expansion past
    ``max_bytes`` (by the declared sizes, which bound what ``zipfile`` will decompress).
    """
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise LayerError("err_zip_unreadable", zip=zip_path, detail=str(exc)) from exc
    with zf, tempfile.TemporaryDirectory(prefix="gridmap-zip-") as tmp:
        infos = zf.infolist()
        if len(infos) > max_files:
            raise LayerError("err_zip_too_many", zip=zip_path, n=len(infos), limit=max_files)
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise LayerError("err_zip_too_big", zip=zip_path, mb=declared / 1e6, limit_mb=max_bytes / 1e6)
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
            raise LayerError("err_zip_no_shp", zip=zip_path, files=", ".join(orphans))
        raise LayerError("err_zip_no_layer", zip=zip_path)
    names = ", ".join(str(p.relative_to(folder)) for p in found)
    raise LayerError("err_zip_several", zip=zip_path, names=names)


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
    choice = resolve_encoding(dbf_text_values(dbf), declared or None,
                              Message("val_declared_by_cpg", name=cpg.name) if cpg else None)
    if choice.encoding is None:
        if cpg is not None:
            raise LayerError("err_dbf_encoding", label=label, note=choice.note, cpg=cpg.name)
        return None, {"severity": "warning", "code": "encoding_unknown", "message": Message("val_encoding_unknown")}
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
        raise LayerError("err_not_vector", path=path, detail=str(exc)) from exc


def _require_exists(path: Path) -> None:
    if not path.exists():
        raise LayerError("err_no_such_file", path=path)


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
            raise LayerError("err_no_such_layer", label=label, layer=layer, layers=", ".join(available))
    elif layer is None and suffix == ".gpkg":
        available = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if len(available) > 1:
            raise LayerError("err_gpkg_several", label=label, n=len(available), layers=", ".join(available))
    notes: list[dict] = []
    detected = None
    if suffix == ".shp":
        if _sidecar(path, ".dbf") is None:
            raise LayerError("err_dbf_missing", label=label, stem=path.stem)
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
                                  "message": Message("val_shx_restored", stem=path.stem)})
            gdf = pyogrio.read_dataframe(target, layer=None if suffix == ".shp" else layer,
                                         encoding=encoding or detected)
    except LayerError:
        raise
    except Exception as exc:
        raise LayerError("err_unreadable_shp" if suffix == ".shp" else "err_unreadable", label=label,
                         detail=str(exc)) from exc
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
            raise LayerError("err_crs_conflict", label=label, declared=gdf.crs.name, declared_code=gdf.crs.to_string(),
                             stated=stated.name, stated_code=stated.to_string())
    if source is not None and gdf.crs is not None:
        if not gdf.crs.is_geographic:
            raise LayerError("err_source_not_lonlat", label=label, source=source, crs=gdf.crs.name)
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
        report.problems = [p.shifted(offset) for p in report.problems]
    read = [Problem(n["severity"], n["code"], n["message"], None, None, n.get("column"))
            for n in [*attrs.get("read_notes", []), *notes]]
    report.problems = read + report.problems
    return gdf, report


# --------------------------------------------------------------------------------------------
# writing


def _for_output(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise LayerError("err_write_no_crs")
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


def write_geojson(gdf: gpd.GeoDataFrame, path: str | os.PathLike, precision: int | None = None, *,
                  partition: bool = False) -> Path:
    """Write RFC 7946 GeoJSON: EPSG:4326 lon/lat, CCW exteriors, ``precision`` decimals, UTF-8, no ``crs``.

    Parameters
    ----------
    gdf : any layer with a CRS.
    path : the file, replaced atomically.
    precision : decimals of a degree; default :data:`GEOJSON_PRECISION` (7, ~1 cm) — and for a
        partition none: its coordinates are written exactly as reprojected (15 decimals).
    partition : the layer is a partition (mosaic faces, units, grids). Written at full precision
        it stays exactly the core's partition — no vertex moves, shared vertices stay shared, no
        face is lost however thin: the mosaic's faces sit on a 1 mm grid in the working CRS, which
        no fixed number of decimals of a degree keeps (7 decimals are ~1 cm; a face 1 cm² in area
        can be 0.03 mm wide). With a ``precision`` it is rounded as one topology
        (:func:`round_coverage`). Any other polygon layer found to be a valid coverage (no
        overlaps, neighbours edge to edge) is rounded that way too; the rest polygon by polygon,
        each kept valid.

    A polygon thinner than the precision is written with an empty geometry, its attributes kept.
    List-valued columns are joined with ``;``.
    """
    path = Path(path)
    out = _join_lists(_for_output(gdf).to_crs(4326))
    geoms = out.geometry.to_numpy()
    if partition and precision is None:
        written = geoms
    else:
        precision = GEOJSON_PRECISION if precision is None else precision
        grid = 10.0 ** -precision
        written = round_coverage(geoms, grid) if partition or _is_coverage(geoms) else _rounded(geoms, precision)
    out[out.geometry.name] = shapely.orient_polygons(written, exterior_cw=False)
    if partition and precision is None:
        properties = _json_properties(out)
        lon = shapely.bounds(written)[:, [0, 2]]
        if properties is not None and not (np.abs(lon[np.isfinite(lon)]) >= 180.0).any():
            return atomic_write(path, lambda tmp: _write_features(tmp, properties, out.geometry.to_numpy()))
    # GDAL's own rounding to 7-9 decimals would move values such as 117.0000003 to 117.0 (a run
    # of zeros or nines read as noise: up to 1e-7° off, which breaks polygons along a
    # Gauss-Krüger central meridian); with 15 decimals it prints each double as it is
    options = {"driver": "GeoJSON", "RFC7946": "YES", "COORDINATE_PRECISION": _GDAL_DECIMALS, "WRITE_NAME": "NO"}

    def write(tmp: Path) -> None:
        try:  # through Arrow: a sixth faster for 100,000 faces
            pyogrio.write_dataframe(out, tmp, use_arrow=True, **options)
        except Exception:  # noqa: BLE001 - a column Arrow cannot type (mixed objects): the plain path
            tmp.unlink(missing_ok=True)
            pyogrio.write_dataframe(out, tmp, **options)

    return atomic_write(path, write)


def _json_values(values: pd.Series) -> np.ndarray | None:
    """Encode each value of a column as JSON text: floats to the last digit, NaN as null.

    None for a column of another kind (dates, mixed objects: left to GDAL).
    """
    kind = values.dtype.kind
    if kind == "b":
        return np.where(values.to_numpy(), "true", "false").astype(object)
    if kind in "iu":
        return np.array(list(map(str, values.to_numpy().tolist())), dtype=object)
    if kind == "f":
        numbers = values.to_numpy(dtype=float)
        out = np.array(list(map(repr, numbers.tolist())), dtype=object)
        out[~np.isfinite(numbers)] = "null"
        return out
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    present = values.notna().to_numpy()
    out = np.full(len(values), "null", dtype=object)
    out[present] = list(map(encode_basestring, values.to_numpy(dtype=object)[present].tolist()))
    return out


def _json_properties(gdf: gpd.GeoDataFrame) -> np.ndarray | None:
    """Encode the ``properties`` object of each row as JSON text.

    None when a column is not plain numbers, booleans or text.
    """
    text = np.full(len(gdf), "{", dtype=object)
    for i, col in enumerate(c for c in gdf.columns if c != gdf.geometry.name):
        values = _json_values(gdf[col])
        if values is None:
            return None
        text = text + (("," if i else "") + encode_basestring(str(col)) + ":") + values
    return text + "}"


def _write_features(path: Path, properties: np.ndarray, geoms: np.ndarray) -> None:
    """Write a FeatureCollection from each feature's properties (JSON text) and geometry.

    Geometries are written by GEOS (``shapely.to_geojson``), each coordinate as the shortest text
    that reads back as the same double: a partition stays exactly the partition, which GDAL's
    fixed decimals would not keep (15 decimals turn 119.99999999999999 into 120) — and 100,000
    faces take a quarter of GDAL's time.
    """
    texts = shapely.to_geojson(geoms)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(f'{{"type":"Feature","properties":{p},"geometry":{g if g is not None else "null"}}}'
                             for p, g in zip(properties, texts, strict=True)))
        fh.write("\n]}\n")


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Non-empty (Multi)Polygons."""
    types = shapely.get_type_id(geoms)
    return ((types == 3) | (types == 6)) & ~shapely.is_empty(geoms)


def _is_coverage(geoms: np.ndarray) -> bool:
    """A polygon layer whose polygons are valid and meet edge to edge without overlapping."""
    poly = _polygonal(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not poly.any() or (present & ~poly).any():
        return False
    try:
        return bool(shapely.is_valid(geoms[poly]).all() and shapely.coverage_is_valid(geoms[poly]))
    except shapely.errors.GEOSException:
        return False


def _rounded(geoms: np.ndarray, precision: int) -> np.ndarray:
    """Coordinates rounded to ``precision`` decimals, polygon by polygon, every polygon still valid.

    Plain rounding keeps shared vertices shared; the few polygons it makes invalid are re-made
    from their own snap-rounded rings (:func:`_renode`, never GEOS's polygon overlay, which can
    throw on such input), and a polygon thinner than the precision (a sliver under ~1 cm)
    collapses to an empty geometry rather than a line.
    """
    grid = 10.0 ** -precision
    rounded = shapely.set_precision(geoms, grid, mode="pointwise")
    bad = np.flatnonzero(_polygonal(geoms) & ~shapely.is_valid(rounded))
    for i in bad:
        rounded[i] = _renode(geoms[i:i + 1], grid)[0]
    return rounded


def _renode(geoms: np.ndarray, grid: float, others: np.ndarray | None = None) -> np.ndarray:
    """Polygons re-made together from their snap-rounded linework: valid, on the grid, a partition.

    The rings of all ``geoms`` are noded at once with snap rounding on the grid (GEOS's
    snap-rounding noder: every vertex and every crossing lands on the grid, no two segments cross
    or come within half a cell of a vertex they do not hold), the noded lines are polygonized,
    and each polygon is re-made as the union of the faces whose point on surface it contains
    (for a face thinner than a cell, whose point may fall just outside, the nearest polygon
    within two cells — unless the point lies in one of ``others``, the polygons around that are
    not re-made, whose holes in the linework these faces are). Neighbours thus get the very same
    edges, and a face narrower than the grid collapses away — to an empty polygon if nothing of
    it is left. No polygon overlay is used, so nothing here can throw a TopologyException on a
    degenerate polygon.
    """
    n = len(geoms)
    out = np.array([shapely.Polygon() for _ in range(n)], dtype=object)
    noded = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    if len(faces) == 0:
        return out
    points = shapely.point_on_surface(faces)
    tree = shapely.STRtree(geoms)
    face_idx, owner = tree.query(points, predicate="within")
    order = np.lexsort((owner, face_idx))  # a face in two overlapping polygons goes to the first
    face_idx, owner = face_idx[order], owner[order]
    first = np.r_[True, face_idx[1:] != face_idx[:-1]][: len(face_idx)]
    face_idx, owner = face_idx[first], owner[first]
    unlabelled = np.setdiff1d(np.arange(len(faces)), face_idx)
    if len(unlabelled) and others is not None and len(others):
        theirs = shapely.STRtree(others).query(points[unlabelled], predicate="within")[0]
        unlabelled = np.delete(unlabelled, np.unique(theirs))
    if len(unlabelled):
        (near_face, near_owner) = tree.query_nearest(points[unlabelled], max_distance=2.0 * grid, all_matches=False)
        face_idx = np.concatenate([face_idx, unlabelled[near_face]])
        owner = np.concatenate([owner, near_owner])
    if len(owner) == 0:
        return out
    order = np.argsort(owner, kind="stable")
    face_idx, owner = face_idx[order], owner[order]
    bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        pieces = faces[face_idx[a:b]]
        if len(pieces) == 1:
            out[owner[a]] = pieces[0]
            continue
        try:  # the pieces of one noded arrangement meet exactly: the coverage union is exact
            out[owner[a]] = shapely.coverage_union_all(pieces)
        except shapely.errors.GEOSException:
            out[owner[a]] = shapely.union_all(pieces, grid_size=grid)
    return out


def _coverage_problems(geoms: np.ndarray, originals: np.ndarray) -> np.ndarray:
    """Which rounded polygons break the partition: invalid, collapsed (empty where the original
    was not), or meeting a neighbour otherwise than edge to edge (an overlap)."""
    bad = ~shapely.is_valid(geoms) | (shapely.is_empty(geoms) & ~shapely.is_empty(originals))
    ok = np.flatnonzero(~bad & ~shapely.is_empty(geoms))
    if len(ok) > 1:
        try:
            edges = shapely.coverage_invalid_edges(geoms[ok])
            bad[ok] |= ~(shapely.is_missing(edges) | shapely.is_empty(edges))
        except shapely.errors.GEOSException:
            bad[ok] = True
    return bad


def round_coverage(geoms: np.ndarray, grid_size: float, max_rounds: int = 6) -> np.ndarray:
    """Round a partition's coordinates to a grid as one topology: what is written is still a partition.

    Rounding every vertex to the grid keeps shared vertices shared, so neighbours keep identical
    edges almost everywhere. Where it breaks the partition — a polygon made invalid, collapsed, or
    overlapping a neighbour because a vertex crossed a nearby edge — those polygons are re-noded
    *together with their neighbours* (:func:`_renode`, snap rounding on the same grid), and the
    neighbourhood grows until the partition holds (at worst the whole layer is re-noded at once,
    which is a partition by construction). Polygons narrower than the grid collapse to empty;
    their neighbours take the area. Points and lines are rounded vertex by vertex.

    Parameters
    ----------
    geoms : geometries of a partition (any CRS; typically EPSG:4326 before writing GeoJSON).
    grid_size : the grid, in the geometries' units (``1e-9`` for 9 decimals of a degree).
    max_rounds : how often the neighbourhood may grow before the whole layer is re-noded.

    Returns
    -------
    Array of geometries on the grid, in the same order.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = shapely.set_precision(geoms, grid_size, mode="pointwise")
    idx = np.flatnonzero(_polygonal(geoms))
    if len(idx) == 0:
        return out
    originals = geoms[idx]
    rounded = out[idx]
    # polygons narrower than two cells somewhere (a vertex that close to an edge can cross it when
    # rounded) are re-noded up front with their neighbours, with those rounding did break
    bad = _coverage_problems(rounded, originals) | (shapely.minimum_clearance(originals) < 2.0 * grid_size)
    if bad.any():
        tree = shapely.STRtree(originals)

        def around(mask: np.ndarray) -> np.ndarray:
            grown = mask.copy()
            grown[tree.query(originals[mask], predicate="intersects")[1]] = True
            return grown

        for _ in range(max_rounds):
            cluster = around(bad)
            ring = around(cluster) & ~cluster
            rounded[cluster] = _renode(originals[cluster], grid_size, originals[ring])
            check = np.flatnonzero(cluster | ring)
            again = np.zeros(len(rounded), dtype=bool)
            again[check] = _coverage_problems(rounded[check], originals[check])
            again &= ~(shapely.is_empty(rounded) & cluster)  # collapsed by re-noding: narrower than the grid
            if not again.any():
                break
            bad = cluster | again
        else:
            rounded = _renode(originals, grid_size)
    out[idx] = rounded
    return out


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


def write_geoparquet(gdf: gpd.GeoDataFrame, path: str | os.PathLike) -> Path:
    """Write GeoParquet in the layer's own (working) CRS, atomically.

    Coordinates are stored as they are (doubles, no rounding, no reprojection), so a partition
    written here is the core's partition exactly, as in GeoPackage and Shapefile.
    """
    path = Path(path)
    tmp = _atomic_target(path)
    try:
        _for_output(gdf).to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_layer(gdf: gpd.GeoDataFrame, path: str | os.PathLike, layer: str | None = None, *,
                partition: bool = False) -> Path:
    """Write by extension: ``.geojson``/``.json`` (RFC 7946), ``.gpkg``, ``.zip`` (zipped Shapefile),
    ``.parquet`` (GeoParquet). ``partition`` as in :func:`write_geojson` (the other formats keep
    coordinates as they are, so a partition stays one)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".json"):
        return write_geojson(gdf, path, partition=partition)
    if suffix == ".gpkg":
        return write_gpkg(gdf, path, layer)
    if suffix == ".zip":
        return write_shapefile_zip(gdf, path, layer)
    if suffix == ".parquet":
        return write_geoparquet(gdf, path)
    raise GridmapError("err_files_unknown_output_format_use_geojson", path=path, suffix=suffix)


def copy_file_atomic(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a file so the destination is replaced in one step."""
    return atomic_write(dst, lambda tmp: shutil.copyfile(src, tmp))
