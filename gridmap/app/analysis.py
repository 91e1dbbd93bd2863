"""The core's analyses for the app, cached per dataset (``Dataset.key``) across reruns and sessions.

Nothing is computed here: each function calls :mod:`gridmap` and keeps the result
(``st.cache_resource``: one shared object, no copy per rerun — pages must not modify what they
get). The underscore arguments are not hashed; the key before them names their content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from gridmap.access import accessibility as acc
from gridmap.access.catchments import catchments, isochrones
from gridmap.access.network import WalkNetwork, load_walk_network
from gridmap.analysis.coverage import CoverageReport, coverage_report
from gridmap.analysis.mosaic import build_mosaic
from gridmap.app.context import Dataset
from gridmap.defaults import GAP_WIDTH_M, HOUSEHOLD_BAND, SEED, SLIVER_M2
from gridmap.io.osm import read_osm_basemap
from gridmap.plans.grids import GridBuild, build_grids
from gridmap.plans.units import make_units
from gridmap.present import views

__all__ = ["Coverage", "Access", "coverage", "access", "basemap", "walk_network", "GAP_WIDTH_M", "SLIVER_M2",
           "FACE_TOLERANCE_M", "HEX_SIZE_M", "web_layers", "units", "grid_build", "units_web", "DEFAULT_BAND",
           "DEFAULT_SEED"]

FACE_TOLERANCE_M = 1.0  # simplification of polygon coverages sent to the browser
BASEMAP_TOLERANCE_M = 0.5
HEX_SIZE_M = 80.0  # circumradius of the household heat hexagons
DEFAULT_BAND = HOUSEHOLD_BAND  # households per grid: the product default (gridmap.defaults), as the CLI's
DEFAULT_SEED = SEED
WEB_DECIMALS = 5  # lon/lat decimals of polygon coverages sent to the browser (~1 m; shared edges stay shared)

#: st.cache_resource's arguments for every result here (a bool and an int: typed Any to unpack as keywords)
_CACHE: dict[str, Any] = {"show_spinner": False, "max_entries": 8}


@dataclass(frozen=True)
class Coverage:
    """Coverage results of one data set, cached by its key for every page: mosaic, report, residents, heat."""

    faces: gpd.GeoDataFrame  # mosaic faces, metric CRS
    report: CoverageReport
    residents: gpd.GeoDataFrame | None  # residents with n_layers, uncovered_households
    hexes: gpd.GeoDataFrame | None  # household heat: households, uncovered_households per hexagon
    faces_web: gpd.GeoDataFrame  # faces simplified as a coverage, EPSG:4326, rounded


@dataclass(frozen=True)
class Access:
    """Walking-access results of one data set, cached by its key for every page: routing, catchments, isochrones."""

    result: acc.AccessResult
    catchments: gpd.GeoDataFrame
    isochrones: gpd.GeoDataFrame
    within_labels: tuple[str, ...]  # the life circles (within the largest threshold)


@st.cache_resource(**_CACHE)
def coverage(key: str, _ds: Dataset) -> Coverage:
    """Mosaic of the zone layers, coverage report, residents by coverage, hexagon heat."""
    faces = build_mosaic(_ds.zones, _ds.study_area, _ds.residents)
    report = coverage_report(faces, _ds.zones)  # the product defaults: 5 m gap width, 1 m² slivers
    residents = hexes = None
    if _ds.residents is not None:
        residents = views.households_by_coverage(_ds.residents, faces)
        hexes = views.hex_bins(residents, ["households", "uncovered_households"], HEX_SIZE_M)
    web = views.web_layer(faces, FACE_TOLERANCE_M, decimals=WEB_DECIMALS, coverage=True)
    return Coverage(faces, report, residents, hexes, web)


@st.cache_resource(**_CACHE)
def walk_network(osm: str) -> WalkNetwork:
    """The walking network of an OSM file (also cached on disk by file hash, see gridmap.access.network)."""
    return load_walk_network(Path(osm))


@st.cache_resource(**_CACHE)
def access(key: str, _ds: Dataset) -> Access:
    """Walking access of every resident, catchments and isochrones (default 300/500/1000 m)."""
    net = walk_network(str(_ds.osm_path))
    index = acc.EdgeIndex(net)
    result = acc.compute_access(net, _ds.residents, _ds.centers, index=index)
    catch = catchments(result.residents.to_crs(net.crs))
    iso = isochrones(net, _ds.centers, result.thresholds, labels=result.labels, index=index)
    return Access(result, catch, iso, tuple(result.labels))


@st.cache_resource(**_CACHE)
def basemap(osm: str | None) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Streets and buildings of the OSM file, lightened for the browser (display only)."""
    if osm is None or not Path(osm).is_file():
        return None, None
    streets, buildings = read_osm_basemap(Path(osm))
    return (views.single_feature(views.web_layer(streets[["geometry"]], BASEMAP_TOLERANCE_M, decimals=5)),
            views.single_feature(views.web_layer(buildings[["geometry"]], BASEMAP_TOLERANCE_M, decimals=5)))


@st.cache_resource(**_CACHE)
def web_layers(key: str, _ds: Dataset) -> dict[str, gpd.GeoDataFrame]:
    """Study area and zone layers lightened for the browser (EPSG:4326, simplified, rounded).

    Keys: ``study_area`` and ``zones_<name>``. Layers that are polygon coverages keep their
    shared edges (:func:`gridmap.present.views.web_layer` with ``coverage=True``).
    """
    out = {"study_area": views.web_layer(_ds.study_area, FACE_TOLERANCE_M, decimals=WEB_DECIMALS, coverage=True)}
    for name, zones in _ds.zones.items():
        out[f"zones_{name}"] = views.web_layer(zones, FACE_TOLERANCE_M, decimals=WEB_DECIMALS, coverage=True)
    return out


@st.cache_resource(**_CACHE)
def units(key: str, _ds: Dataset) -> gpd.GeoDataFrame:
    """The units of the unified grid (:func:`gridmap.plans.units.make_units`, the CLI's defaults)."""
    return make_units(_ds.zones, _ds.study_area, _ds.residents)


@st.cache_resource(**_CACHE)
def grid_build(key: str, _ds: Dataset, min_households: int, max_households: int, seed: int) -> GridBuild:
    """Grids balanced by households (:func:`gridmap.plans.grids.build_grids`); a page makes its own
    :class:`gridmap.plans.plan.Plan` from it (plans are edited, the build is shared)."""
    return build_grids(units(key, _ds), int(min_households), int(max_households), seed=int(seed),
                       study_area=_ds.study_area)


@st.cache_resource(**_CACHE)
def units_web(key: str, _ds: Dataset) -> gpd.GeoDataFrame:
    """Unit outlines for the browser: one multi-polygon feature, simplified as a coverage."""
    return views.single_feature(views.web_layer(units(key, _ds)[["geometry"]], FACE_TOLERANCE_M,
                                                decimals=WEB_DECIMALS, coverage=True))
