"""Candidate sites for new service centres, and the street each lies on.

Candidates: every network node of the main network (components of at least
:data:`gridmap.access.routing.MAJOR_COMPONENT_M` of street), thinned to one per ``spacing_m`` square
(the node nearest the square's centre); the public buildings of the OSM file
(:data:`PUBLIC_BUILDING_TYPES`); or any point/polygon layer (e.g. points a planner clicked). The
nearest street name comes from the OSM file's named ``highway`` ways
(:func:`gridmap.io.osm.read_osm_basemap`), since the walking network keeps no names.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import main_components
from gridmap.errors import GridmapError

__all__ = ["DEFAULT_SPACING_M", "PUBLIC_BUILDING_TYPES", "node_candidates", "public_building_candidates",
           "candidate_frame", "nearest_street_names", "street_lines"]

DEFAULT_SPACING_M = 100.0  # one node candidate per 100 m square: a site within ~70 m of any node
#: OSM ``building=*`` values taken as public buildings that could host a 党群服务站.
PUBLIC_BUILDING_TYPES: tuple[str, ...] = (
    "civic", "public", "government", "community_centre", "townhall", "office", "commercial", "retail",
    "kindergarten", "school", "college", "university", "hospital", "library", "service",
)


def node_candidates(net: WalkNetwork, spacing_m: float | None = DEFAULT_SPACING_M) -> gpd.GeoDataFrame:
    """Network nodes of the main network as candidate sites, thinned to one per ``spacing_m`` square.

    Parameters
    ----------
    net : WalkNetwork
    spacing_m : float or None
        Side of the squares (metres); in each, the node nearest the square's centre is kept.
        ``None`` or ``0``: every node.

    Returns
    -------
    GeoDataFrame
        ``candidate_id`` (``N<osm node id>``), ``node_id``; points in ``net.crs``. Only nodes of
        components with at least :data:`~gridmap.access.routing.MAJOR_COMPONENT_M` of street (or of the
        longest component, if none is that long), like centres.
    """
    degree = np.bincount(np.concatenate([net.edge_u, net.edge_v]), minlength=net.n_nodes)
    keep = np.flatnonzero(main_components(net)[net.component] & (degree > 0))
    if spacing_m:
        xy = net.node_xy[keep]
        cell = np.floor(xy / spacing_m).astype(np.int64)
        centre = (cell + 0.5) * spacing_m
        off = np.hypot(*(xy - centre).T)
        key = (cell[:, 0] - cell[:, 0].min()) * np.int64(cell[:, 1].max() - cell[:, 1].min() + 1) + (
            cell[:, 1] - cell[:, 1].min())
        order = np.lexsort((keep, off, key))  # per square: nearest its centre, ties by node index
        first = np.ones(len(order), bool)
        first[1:] = key[order][1:] != key[order][:-1]
        keep = np.sort(keep[order[first]])
    ids = net.node_id[keep]
    return gpd.GeoDataFrame({"candidate_id": [f"N{i}" for i in ids.tolist()], "node_id": ids},
                            geometry=shapely.points(net.node_xy[keep]), crs=net.crs)


def public_building_candidates(osm_path: str | os.PathLike,
                               types: Sequence[str] = PUBLIC_BUILDING_TYPES) -> gpd.GeoDataFrame:
    """Public buildings of an OSM XML file as candidate sites (their points on surface).

    Parameters
    ----------
    osm_path : OSM XML file.
    types : ``building=*`` values that count as public (default :data:`PUBLIC_BUILDING_TYPES`).

    Returns
    -------
    GeoDataFrame
        ``candidate_id`` (``B<row>``), ``building``, ``name``; points in EPSG:4326.
    """
    from gridmap.io.osm import read_osm_basemap

    _streets, buildings = read_osm_basemap(osm_path)
    sel = buildings[buildings["building"].isin(list(types))].reset_index(drop=True)
    pts = shapely.point_on_surface(shapely.make_valid(sel.geometry.to_numpy()))
    return gpd.GeoDataFrame({"candidate_id": [f"B{i}" for i in range(len(sel))],
                             "building": sel["building"].to_numpy(), "name": sel["name"].to_numpy()},
                            geometry=pts, crs=buildings.crs)


def candidate_frame(candidates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a planner's candidate layer with a unique string ``candidate_id`` (kept, or made from
    ``site_id`` / ``name`` / the row number); ``ValueError`` when the ids are not unique."""
    out = candidates.copy()
    if "candidate_id" not in out.columns:
        src = next((c for c in ("site_id", "name") if c in out.columns and out[c].notna().all()
                    and out[c].is_unique), None)
        out["candidate_id"] = out[src].astype(str) if src else [f"P{i + 1}" for i in range(len(out))]
    out["candidate_id"] = out["candidate_id"].astype(str)
    if not out["candidate_id"].is_unique:
        raise GridmapError("err_candidates_candidate_id_values_must_unique")
    return out


def nearest_street_names(xy: np.ndarray, streets: gpd.GeoDataFrame, crs) -> tuple[np.ndarray, np.ndarray]:
    """Name of, and distance to, the nearest *named* street of each point.

    Parameters
    ----------
    xy : float array (n, 2) in ``crs``.
    streets : lines with a ``name`` column (e.g. from :func:`gridmap.io.osm.read_osm_basemap`), any CRS.
    crs : the metric CRS of ``xy``.

    Returns
    -------
    (names, metres) : object array (``None`` where no named street) and float array (NaN there).
    """
    names = np.full(len(xy), None, dtype=object)
    dist = np.full(len(xy), np.nan)
    named = streets[streets["name"].notna() & (streets["name"].astype(str).str.strip() != "")]
    if not len(named) or not len(xy):
        return names, dist
    geoms = named.to_crs(crs).geometry.to_numpy()
    (src, tgt), d = shapely.STRtree(geoms).query_nearest(shapely.points(xy), return_distance=True, all_matches=False)
    names[src] = named["name"].astype(str).to_numpy()[tgt]
    dist[src] = d
    return names, dist


def street_lines(osm_path: str | os.PathLike | None, streets: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The named street lines for :func:`nearest_street_names`: ``streets`` when given, else read from
    the OSM file (``None`` without either)."""
    if streets is not None:
        return streets
    if osm_path is None:
        return None
    from gridmap.io.osm import read_osm_basemap

    return read_osm_basemap(osm_path)[0]
