"""Catchments (服务范围) and walking isochrones (等时圈) of service centres.

Catchments (ArcGIS Network Analyst's "split" service areas) give each building or unit to its
nearest centre by network distance — the ``center_id`` of
:func:`gridmap.access.accessibility.compute_access` — and dissolve them per centre, non-overlapping.
Isochrones are the area within each life-circle distance of each centre, cut from the street
network at the exact remaining distance (the routing kernel, :mod:`gridmap.access.routing`, snaps
the centres and builds the graph with their virtual source nodes).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import (
    CODE_OK,
    DEFAULT_SNAP_LIMIT,
    DEFAULT_THRESHOLDS,
    graph_with_sources,
    life_circle_labels,
    representative_xy,
    snap_centers,
)
from gridmap.access.snapping import EdgeIndex
from gridmap.io.validate import SPECIAL_GROUPS

__all__ = ["catchments", "isochrones"]



def _disjoint(geoms: np.ndarray) -> np.ndarray:
    """Make polygons pairwise disjoint: each loses what earlier ones cover (``g_i − ∪_{j<i} g_j``)."""
    geoms = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    earlier = right < left
    out = geoms.copy()
    for i in np.unique(left[earlier]):
        others = shapely.union_all(geoms[right[earlier & (left == i)]])
        out[i] = shapely.difference(geoms[i], others)
    return out


def catchments(units: gpd.GeoDataFrame, *, center_col: str = "center_id", clip=None,
               sums: Sequence[str] = ("households", "population", *SPECIAL_GROUPS)) -> gpd.GeoDataFrame:
    """Catchments: every building/unit to its nearest centre by network distance, dissolved per centre.

    Like ArcGIS Network Analyst's "split" service areas: one polygon per centre, and no two
    overlap (where units overlap, the centre listed first keeps the overlap), so together they
    partition the area of the units that reach a centre.

    Parameters
    ----------
    units : GeoDataFrame with ``center_col`` (e.g. the ``residents`` of :func:`compute_access`).
        Polygons are dissolved as they are; points are first given their Voronoi cell, clipped to
        ``clip`` (default: the points' convex hull buffered by 100 m).
    center_col : the assigned centre; rows where it is missing are left out.
    clip : polygon limiting the Voronoi cells of point units.
    sums : count columns summed per centre (those present).

    Returns
    -------
    GeoDataFrame
        ``center_id``, ``units``, the sums, ``area_m2``; in the units' CRS.
    """
    has = units[center_col].notna().to_numpy() & ~(units.geometry.isna() | units.geometry.is_empty).to_numpy()
    sel = units[has]
    geoms = sel.geometry.to_numpy()
    if len(sel) and (shapely.get_type_id(geoms) == 0).all():
        uniq, first = np.unique(shapely.get_coordinates(geoms), axis=0, return_index=True)
        sel = sel.iloc[np.sort(first)]
        geoms = sel.geometry.to_numpy()
        mp = shapely.multipoints(geoms)
        if clip is None:
            clip = shapely.buffer(shapely.convex_hull(mp), 100.0)
        cells = shapely.get_parts(shapely.voronoi_polygons(mp, extend_to=clip, ordered=True))
        geoms = shapely.intersection(cells, clip)
    else:
        geoms = shapely.make_valid(geoms)
    keys = sel[center_col].astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    uniq, start = np.unique(keys[order], return_index=True)
    bounds = np.append(start, len(order))
    dissolved = np.array([shapely.union_all(geoms[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
                         dtype=object)
    if len(dissolved):
        dissolved = _disjoint(dissolved)
    data: dict[str, object] = {"center_id": uniq, "units": np.diff(bounds)}
    for c in sums:
        if c in sel.columns:
            vals = pd.to_numeric(sel[c], errors="coerce").fillna(0).to_numpy()[order]
            data[c] = np.add.reduceat(vals, start) if len(vals) else np.array([])
    out = gpd.GeoDataFrame(data, geometry=list(dissolved), crs=units.crs)
    out["area_m2"] = shapely.area(dissolved) if units.crs is None or not units.crs.is_geographic else np.nan
    return out


def isochrones(net: WalkNetwork, centers: gpd.GeoDataFrame, thresholds: Sequence[float] = DEFAULT_THRESHOLDS, *,
               center_id: str = "center_id", snap_limit: float = DEFAULT_SNAP_LIMIT, buffer_m: float = 50.0,
               labels: Sequence[str] | None = None, index: EdgeIndex | None = None) -> gpd.GeoDataFrame:
    """Walking isochrones: per centre and threshold, the area within that walking distance.

    Method: from each centre (snapped to its street, its snap distance counted), one Dijkstra
    bounded by the largest threshold gives the distance ``d`` of every node. For a threshold
    ``T`` an edge (u, v) of length L is reachable from u up to ``T − d[u]`` and from v up to
    ``T − d[v]``; it is kept whole when those reaches meet, and otherwise cut at the exact remaining
    distance on each side (the centre's own edge is reachable ``T − snap`` either way from the
    centre). The reachable segments are buffered by ``buffer_m`` and unioned. So every resident
    with ``network_m ≤ T`` whose own snap distance is at most ``buffer_m`` lies inside the
    polygon (its street point is reached), and the polygon reaches at most ``buffer_m`` beyond the
    exact walking limit; a larger ``buffer_m`` covers buildings set farther back.

    Returns
    -------
    GeoDataFrame
        ``center_id``, ``threshold_m``, ``life_circle``, ``street_m`` (reachable street length),
        ``area_m2``; in the network's CRS. Centres not routable (too far from any street) are left
        out; thresholds are nested (smaller inside larger).
    """
    thresholds = tuple(float(t) for t in thresholds)
    labels = life_circle_labels(thresholds, labels)
    index = index or EdgeIndex(net)
    cen_xy = representative_xy(centers, net.crs)
    csnap, cstatus = snap_centers(net, index, cen_xy, snap_limit)
    which = np.flatnonzero(cstatus == CODE_OK)
    graph = graph_with_sources(net, csnap, which)
    n = net.n_nodes
    a_xy, b_xy = net.node_xy[net.edge_u], net.node_xy[net.edge_v]
    length = net.edge_length
    safe_len = np.where(length > 0, length, 1.0)
    rows = []
    ids = centers[center_id].to_numpy(dtype=object)
    for k, ci in enumerate(which):
        d = dijkstra(graph, directed=True, indices=n + k, limit=max(thresholds))[:n]
        for t_m, lab in zip(thresholds, labels, strict=True):
            ru, rv = t_m - d[net.edge_u], t_m - d[net.edge_v]
            full = (ru >= 0) & (rv >= 0) & (ru + rv >= length)
            su = np.flatnonzero(~full & (ru > 0))
            sv = np.flatnonzero(~full & (rv > 0))
            fe = np.flatnonzero(full)
            e_all = np.concatenate([fe, su, sv])
            t0 = np.concatenate([np.zeros(len(fe)), np.zeros(len(su)), length[sv] - rv[sv]])
            t1 = np.concatenate([length[fe], np.minimum(ru[su], length[su]), length[sv]])
            budget = t_m - csnap.dist[ci]
            if budget > 0:  # the centre's own edge: merge its direct reach with the reach from the ends
                e0 = csnap.edge[ci]
                own = e_all == e0
                spans = sorted([*zip(t0[own].tolist(), t1[own].tolist(), strict=True),
                                (max(csnap.offset[ci] - budget, 0.0), min(csnap.offset[ci] + budget, length[e0]))])
                merged = [list(spans[0])]
                for a, b in spans[1:]:
                    if a <= merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], b)
                    else:
                        merged.append([a, b])
                e_all = np.append(e_all[~own], [e0] * len(merged))
                t0 = np.append(t0[~own], [m[0] for m in merged])
                t1 = np.append(t1[~own], [m[1] for m in merged])
            keep = t1 > t0
            e_all, t0, t1 = e_all[keep], np.maximum(t0[keep], 0.0), t1[keep]
            if not len(e_all):
                continue
            f0, f1 = t0 / safe_len[e_all], t1 / safe_len[e_all]
            vec = b_xy[e_all] - a_xy[e_all]
            p0 = a_xy[e_all] + vec * f0[:, None]
            p1 = a_xy[e_all] + vec * f1[:, None]
            lines = shapely.linestrings(np.stack([p0, p1], axis=1))
            # ~30× faster than buffering a MultiLineString
            poly = shapely.union_all(shapely.buffer(lines, buffer_m, quad_segs=4))
            rows.append({"center_id": ids[ci], "threshold_m": t_m, "life_circle": lab,
                         "street_m": float((t1 - t0).sum()), "area_m2": float(shapely.area(poly)),
                         "geometry": poly})
    if not rows:
        return gpd.GeoDataFrame({"center_id": [], "threshold_m": [], "life_circle": [], "street_m": [],
                                 "area_m2": []}, geometry=[], crs=net.crs)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=net.crs)
