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

__all__ = ["read_osm_basemap", "osm_file_error", "osm_xml", "OSM_EXPORT_HELP"]


#: What to do about an OSM file gridmap cannot use (also when it holds no walkable ways).
OSM_EXPORT_HELP = ("Export the streets of the study area again as OSM XML (.osm, or .osm.bz2): JOSM File ▸ Save "
                    "As, openstreetmap.org Export, or Overpass `(way[highway](area);>;);out meta;`; a .osm.pbf "
                    "must be converted first (osmium cat streets.osm.pbf -o streets.osm).")


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

    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    unrecognised = "not recognized as being in a supported file format" in detail  # GDAL, with driver advice
    if unrecognised:
        detail = "GDAL does not recognise it as OSM XML"
    path = Path(path)
    if isinstance(exc, (EOFError, OSError)) and path.suffix.lower() == ".bz2":
        return LayerError(f"{path}: the bz2 compression is damaged or the file is cut short ({detail}). Download "
                          "or export it again, or unpack it (bunzip2) and give the .osm file.")
    if isinstance(exc, ET.ParseError) or unrecognised or "parsing" in detail.lower():
        empty = path.exists() and path.stat().st_size == 0
        what = ("the file is empty" if empty else
                f"not readable OSM XML ({detail}): the file is cut short, or not XML (an error page saved "
                "instead of the data?)")
        return LayerError(f"{path}: {what}. {OSM_EXPORT_HELP}")
    if type(exc).__name__ == "InsufficientResponseError":
        return LayerError(f"{path}: the file holds no OSM nodes or ways (an empty <osm> element, or XML of "
                          f"another kind). {OSM_EXPORT_HELP}")
    if "missing nodes" in detail:
        return LayerError(f"{path}: ways refer to nodes that are not in the file (clipped export). Export complete "
                          "ways with their nodes (JOSM downloads them; Overpass: `>;` before `out meta;`).")
    return LayerError(f"{path}: cannot be read as OSM XML ({type(exc).__name__}: {detail}). {OSM_EXPORT_HELP}")


def read_osm_basemap(osm_path: str | os.PathLike) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Streets (``highway`` lines) and buildings (``building`` polygons) of an OSM XML file.

    Read with GDAL's OSM driver, for drawing a vector basemap where no tile server is reachable;
    the walking network itself is built by :mod:`gridmap.access.network` with osmnx.
    """
    path = Path(osm_path)
    if not path.exists():
        raise LayerError(f"{path}: no such file.")
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
