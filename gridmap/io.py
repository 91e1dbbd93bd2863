"""Read and write layers: GeoJSON, GeoPackage, Shapefile (``.shp`` or zipped), all with pyogrio.

Reading takes care of what Chinese data brings: Shapefiles in GBK with no ``.cpg`` (detected from
the DBF bytes), layers with no CRS (an error unless the caller states one), coordinates traced on
高德/腾讯 (GCJ-02) or 百度 (BD-09) maps (converted to WGS84 when the caller says so), and uploaded
zips (entries with absolute paths or ``..`` refused, expansion capped). Writing gives GeoJSON per
RFC 7946 (WGS84 lon/lat, counter-clockwise exteriors, 7 decimals, UTF-8, no ``crs`` member),
GeoPackage (atomically, several layers in one file) and zipped Shapefile with a UTF-8 ``.cpg``.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely

from gridmap.crs import to_wgs84_from
from gridmap.validate import LayerError, ValidationReport, validate_layer

__all__ = [
    "read_osm_basemap",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_FILES",
    "list_layers",
    "read_layer",
    "load_layer",
    "detect_dbf_encoding",
    "write_geojson",
    "write_gpkg",
    "write_shapefile_zip",
    "write_layer",
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


def _layer_file_in(folder: Path, zip_path: Path, layer: str | None) -> Path:
    """The one readable vector file inside an extracted zip (or the one matching ``layer``)."""
    found = sorted(p for p in folder.rglob("*")
                   if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json") and "__MACOSX" not in p.parts)
    if layer is not None:
        named = [p for p in found if p.stem == layer]
        if len(named) == 1:
            return named[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise LayerError(f"{zip_path}: the zip holds no .shp, .gpkg or .geojson file.")
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

    The record bytes are decoded strictly as UTF-8 first (GBK text is almost never valid UTF-8),
    then as GB18030, the superset of GBK/GB2312 that Chinese GIS software writes. ``None`` when
    neither decodes (GDAL's default is used).
    """
    data = Path(dbf_path).read_bytes()
    if len(data) < 32:
        return None
    header_len = struct.unpack("<H", data[8:10])[0]
    body = data[header_len:].rstrip(b"\x1a")
    if not body or body.isascii():
        return "UTF-8"
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "UTF-8" if encoding == "utf-8" else "GB18030"
    return None


# --------------------------------------------------------------------------------------------
# reading


def list_layers(path: str | os.PathLike) -> pd.DataFrame:
    """Layers in a file (``name``, ``geometry_type``); a zip lists the layer files inside it."""
    path = Path(path)
    _require_exists(path)
    if path.suffix.lower() == ".zip":
        with _extracted_zip(path) as folder:
            rows = []
            for p in sorted(folder.rglob("*")):
                if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json") and "__MACOSX" not in p.parts:
                    for name, gtype in pyogrio.list_layers(p):
                        rows.append({"name": p.stem if p.suffix.lower() == ".shp" else name, "geometry_type": gtype})
            return pd.DataFrame(rows, columns=["name", "geometry_type"])
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError & co.
        raise LayerError(f"{path}: cannot be opened as a vector file ({exc}).") from exc
    return pd.DataFrame(layers, columns=["name", "geometry_type"])


def _require_exists(path: Path) -> None:
    if not path.exists():
        raise LayerError(f"{path}: no such file.")


def _read_plain(path: Path, layer: str | None, encoding: str | None, label: str) -> gpd.GeoDataFrame:
    if layer is not None and path.suffix.lower() != ".shp":
        available = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if layer not in available:
            raise LayerError(f"{label}: there is no layer '{layer}'; layers in the file: {', '.join(available)}.")
    elif layer is None and path.suffix.lower() == ".gpkg":
        available = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if len(available) > 1:
            raise LayerError(f"{label}: the GeoPackage holds {len(available)} layers ({', '.join(available)}); "
                             "name one with --layer.")
    detected = None
    if path.suffix.lower() == ".shp" and encoding is None and _sidecar(path, ".cpg") is None:
        dbf = _sidecar(path, ".dbf")
        if dbf is not None:
            detected = detect_dbf_encoding(dbf)
    try:
        gdf = pyogrio.read_dataframe(path, layer=None if path.suffix.lower() == ".shp" else layer,
                                     encoding=encoding or detected)
    except Exception as exc:
        hint = (" A Shapefile needs its .shx and .dbf beside the .shp." if path.suffix.lower() == ".shp" else "")
        raise LayerError(f"{label}: cannot be read ({exc}).{hint}") from exc
    gdf.attrs["encoding"] = encoding or detected
    return gdf


def read_layer(
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    crs: str | int | pyproj.CRS | None = None,
    source: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer (GeoJSON, GeoPackage, Shapefile, or a zip holding one), without validation.

    Parameters
    ----------
    path : ``.geojson``/``.json``, ``.gpkg``, ``.shp`` or ``.zip``.
    layer : layer name in a GeoPackage (required when it has several), or file stem in a zip.
    crs : the CRS to assume when the file declares none (e.g. ``"EPSG:4490"``). If the file
        declares a different one, that is an error: the caller and the file disagree.
    source : where lon/lat coordinates came from: ``"wgs84"`` (default), ``"gcj02"``/``"amap"``/
        ``"tencent"`` (高德/腾讯) or ``"bd09"``/``"baidu"`` (百度); offset data is converted to WGS84
        (EPSG:4326).
    encoding : text encoding of a Shapefile's DBF; by default from its ``.cpg``, else detected.

    Returns
    -------
    GeoDataFrame with ``attrs["source"]`` (path) and ``attrs["layer"]``. A layer with no CRS
    keeps ``crs=None`` (validation reports it) unless ``crs`` is given.
    """
    path = Path(path)
    _require_exists(path)
    label = f"{path}" + (f", layer '{layer}'" if layer else "")
    if path.suffix.lower() == ".zip":
        with _extracted_zip(path) as folder:
            inner = _layer_file_in(folder, path, layer)
            inner_layer = None if inner.stem == layer else layer
            gdf = _read_plain(inner, inner_layer, encoding, f"{path} ▸ {inner.relative_to(folder)}")
            layer = layer or inner.stem
    else:
        gdf = _read_plain(path, layer, encoding, label)
        if layer is None:
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
                "CRS, then save); otherwise leave out the stated CRS."
            )
    if source is not None and gdf.crs is not None:
        if not gdf.crs.is_geographic:
            raise LayerError(f"{label}: coordinates from {source} maps are longitude/latitude, but the layer is in "
                             f"{gdf.crs.name}. Leave out the source, or give the data as lon/lat.")
        if gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        attrs = dict(gdf.attrs)
        gdf = to_wgs84_from(gdf, source)
        gdf.attrs.update(attrs)
        gdf.attrs["converted_from"] = source
    return gdf


def _same_lonlat(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    """WGS84 and CGCS2000 lon/lat agree to < 1 m (DESIGN §5): stating one for a file in the other is fine."""
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
    drop_empty: bool = False,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read, map columns, validate and repair a layer; raise :class:`LayerError` on errors.

    ``column_map`` maps gridmap's column names to the file's (e.g. ``{"households": "户数"}``).
    Returns the repaired layer and the report of what was repaired or looks odd.
    """
    gdf = read_layer(path, layer, crs=crs, source=source, encoding=encoding)
    if column_map:
        missing = [theirs for theirs in column_map.values() if theirs not in gdf.columns]
        if missing:
            raise LayerError(f"{path}: mapped column(s) {', '.join(missing)} not in the file; columns present: "
                             f"{', '.join(map(str, gdf.columns))}.")
        gdf = gdf.rename(columns={theirs: ours for ours, theirs in column_map.items()})
    attrs = dict(gdf.attrs)
    gdf, report = validate_layer(gdf, kind, source=str(path), layer=gdf.attrs.get("layer"), drop_empty=drop_empty)
    gdf.attrs.update(attrs)
    report.raise_for_errors()
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
    tmp = _atomic_target(path)
    try:
        pyogrio.write_dataframe(out, tmp, driver="GeoJSON", RFC7946="YES", COORDINATE_PRECISION=precision,
                                WRITE_NAME="NO")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


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
        if col != out.geometry.name and out[col].dtype == object:
            if out[col].map(lambda v: isinstance(v, (list, tuple, set))).any():
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
    path = Path(path)
    tmp = _atomic_target(path)
    try:
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(_join_lists(_for_output(frame)), tmp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(pd.DataFrame(frame), tmp, layer=name, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


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
        zip_tmp = _atomic_target(path)
        try:
            with zipfile.ZipFile(zip_tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(tmp).iterdir()):
                    zf.write(f, arcname=f.name)
            os.replace(zip_tmp, path)
        finally:
            zip_tmp.unlink(missing_ok=True)
    return path


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
    dst = Path(dst)
    tmp = _atomic_target(dst)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    return dst


def read_osm_basemap(osm_path: str | os.PathLike) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Streets (``highway`` lines) and buildings (``building`` polygons) of an OSM XML file.

    Read with GDAL's OSM driver, for drawing a vector basemap where no tile server is reachable;
    the walking network itself is built by :mod:`gridmap.network` with osmnx.
    """
    from gridmap.network import osm_file_error

    path = Path(osm_path)
    _require_exists(path)
    try:
        with _osm_xml(path) as xml:
            streets = pyogrio.read_dataframe(xml, layer="lines", where="highway IS NOT NULL",
                                             columns=["highway", "name"])
            buildings = pyogrio.read_dataframe(xml, layer="multipolygons", where="building IS NOT NULL",
                                               columns=["building", "name"])
    except Exception as exc:  # noqa: BLE001 - GDAL's and bz2's errors all come from the file's content
        raise osm_file_error(path, exc) from exc
    return streets, buildings


@contextmanager
def _osm_xml(path: Path):
    """The OSM XML file GDAL reads: ``path`` itself, or a ``.osm.bz2`` unpacked into a temporary file
    (GDAL's OSM driver does not read bz2)."""
    if path.suffix.lower() != ".bz2":
        yield path
        return
    import bz2

    with tempfile.TemporaryDirectory(prefix="gridmap-osm-") as tmp:
        plain = Path(tmp) / (path.stem if path.stem.lower().endswith(".osm") else path.stem + ".osm")
        with bz2.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        yield plain
