"""OpenStreetMap XML files: the vector basemap, bz2 unpacking, and what to say when a file is bad.

gridmap reads OSM data offline only, from files an office exported (JOSM, openstreetmap.org
Export, Overpass): the walking network through osmnx (:mod:`gridmap.access.network`) and the
basemap of streets and buildings through GDAL's OSM driver (:func:`read_osm_basemap`). Both name
a broken file the same way (:func:`osm_file_error`): empty, cut short, not XML, a damaged bz2,
no elements, ways without their nodes — each with how to export it again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pyogrio

from gridmap.io.validate import LayerError
from gridmap.vocab import Message

__all__ = ["read_osm_basemap", "osm_file_error", "osm_xml", "OSM_EXPORT_HELP"]


#: What to do about an OSM file that cannot be used (a message of the catalog, said after what is wrong).
OSM_EXPORT_HELP = Message("err_osm_export_help")


def osm_file_error(path: str | os.PathLike, exc: BaseException) -> LayerError:
    """The :class:`LayerError` for an OSM file that cannot be read: what is wrong with it and what to do.

    Parameters
    ----------
    path : the OSM file.
    exc : what the parser raised: an XML ``ParseError`` (empty, truncated or not XML), ``EOFError``
        / ``OSError`` (a damaged ``.bz2``), osmnx's ``InsufficientResponseError`` (no elements),
        a ``ValueError`` about ways whose nodes are missing, or anything else from the reader.
    """
    import xml.etree.ElementTree as ET

    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    unrecognised = "not recognized as being in a supported file format" in first_line  # GDAL, with driver advice
    # what the user reads: GDAL's driver advice does not apply to OSM files, so it is replaced
    detail: str | Message = Message("err_osm_gdal") if unrecognised else first_line
    path = Path(path)
    if isinstance(exc, (EOFError, OSError)) and path.suffix.lower() == ".bz2":
        return LayerError("err_osm_bz2", path=path, detail=detail)
    if isinstance(exc, ET.ParseError) or unrecognised or "parsing" in first_line.lower():
        empty = path.exists() and path.stat().st_size == 0
        what = Message("err_osm_empty") if empty else Message("err_osm_not_xml", detail=detail)
        return LayerError("err_osm_unusable", path=path, what=what, help=OSM_EXPORT_HELP)
    if type(exc).__name__ == "InsufficientResponseError":
        return LayerError("err_osm_no_elements", path=path, help=OSM_EXPORT_HELP)
    if "missing nodes" in first_line:
        return LayerError("err_osm_missing_nodes", path=path)
    return LayerError("err_osm_unreadable", path=path, kind=type(exc).__name__, detail=detail, help=OSM_EXPORT_HELP)


def read_osm_basemap(osm_path: str | os.PathLike) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Streets (``highway`` lines) and buildings (``building`` polygons) of an OSM XML file.

    Read with GDAL's OSM driver, for drawing a vector basemap where no tile server is reachable;
    the walking network itself is built by :mod:`gridmap.access.network` with osmnx.
    """
    path = Path(osm_path)
    if not path.exists():
        raise LayerError("err_no_such_file", path=path)
    try:
        with osm_xml(path) as xml:
            streets = pyogrio.read_dataframe(xml, layer="lines", where="highway IS NOT NULL",
                                             columns=["highway", "name"])
            buildings = pyogrio.read_dataframe(xml, layer="multipolygons", where="building IS NOT NULL",
                                               columns=["building", "name"])
    except Exception as exc:  # noqa: BLE001 - GDAL's and bz2's errors all come from the file's content
        raise osm_file_error(path, exc) from exc
    return streets, buildings


@contextmanager
def osm_xml(path: Path):
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
