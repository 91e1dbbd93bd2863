"""The routing kernel: snapping, one multi-source Dijkstra, read-off, and the per-resident table.

Every walking distance gridmap reports — access (:mod:`gridmap.access.accessibility`), siting
(:mod:`gridmap.access.siting`), isochrones (:mod:`gridmap.access.catchments`), the partitioned
pipeline (:mod:`gridmap.scale.pipeline`, :mod:`gridmap.scale.partition`) — is computed here, by the
same floating-point operations in the same order, so the figures of one analysis are those of
another bit for bit (siting with k = 0 gives the access coverage; a partition's certified distances
are the whole network's).

Method
------
1. **Snapping** (:func:`snap_centers`, :func:`snap_residents`). A point (a building at its point on
   surface, :func:`representative_xy`) is projected onto its nearest street edge, found exactly by
   :class:`~gridmap.access.snapping.EdgeIndex`: the edge, the offset along it from ``edge_u`` and the
   perpendicular distance. A centre on a fragment shorter than :data:`MAJOR_COMPONENT_M` (a
   courtyard footway not joined to the street) moves to the nearest street of the main network
   within the snap limit; a resident whose nearest street is on a piece no centre is on moves to the
   nearest street of the centres' network within the limit (disconnected fragments are common in OSM).
2. **One multi-source Dijkstra** (:func:`graph_with_sources`, :func:`node_distances`). Each routable
   centre becomes a virtual node with two directed edges to its edge's ends, weighted by its snap
   distance plus the offset on each side; nothing points back to it, so no path passes through a
   centre. ``scipy.sparse.csgraph.dijkstra(min_only=True)`` from all of them gives every node its
   distance from the nearest centre and which centre that is.
3. **Read-off** (:func:`read_off`). A resident on edge (u, v) at offset t is
   ``snap + min(d[u] + t, d[v] + L − t)`` from the nearest centre, or ``snap + |t − t_c| + snap_c``
   along the edge when a centre sits on the same edge and that is shorter (found for all residents
   at once by a sort along each edge).
4. **Bounded pairs** (:func:`distances_within`): the same distances from every source to every
   target, kept where at most a limit, as a sparse matrix — candidate sites → residents for
   siting, helpers → the people they visit for a pairing.
5. **The table** (:func:`access_tables`): routing arrays → the per-resident and per-centre columns
   (``center_id``, ``network_m``, ``straight_m``, ``detour``, ``life_circle``, ``snap_m``,
   ``snap_status``, ``network_m_<service>``).

Invariants
----------
* Distances include both snap legs (resident → street and street → centre), so
  ``network_m ≥ straight_m`` holds by the triangle inequality.
* A distance that does not exist is NaN, never ``inf``; its status says why (:data:`SNAP_STATUS`):
  ``too_far_from_street`` (farther than the snap limit from every street), ``unreachable`` (only
  streets of a piece no centre is on within the limit), ``no_geometry``. Its life circle is
  :data:`NO_ROUTE`.
* Centres farther than the snap limit from every street are not routed to, and are reported so.

Distances are metres in the network's metric CRS. Life circles follow GB 50180-2018 (5 / 10 /
15-minute walks ≈ 300 / 500 / 1000 m by default).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from gridmap.access.network import WalkNetwork
from gridmap.access.snapping import EdgeIndex, Snap
from gridmap.defaults import LIFE_CIRCLE_M, SNAP_LIMIT_M
from gridmap.errors import GridmapError, ParameterError, check_number
from gridmap.vocab import Message

__all__ = [
    "DEFAULT_SNAP_LIMIT",
    "MAJOR_COMPONENT_M",
    "SNAP_OK",
    "SNAP_TOO_FAR",
    "SNAP_UNREACHABLE",
    "SNAP_NO_GEOMETRY",
    "SNAP_STATUS",
    "CODE_OK",
    "CODE_TOO_FAR",
    "CODE_UNREACHABLE",
    "CODE_NO_GEOMETRY",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_LABELS",
    "BEYOND",
    "NO_ROUTE",
    "RoutingResult",
    "AccessResult",
    "CentreServices",
    "representative_xy",
    "component_lengths",
    "main_components",
    "snap_centers",
    "snap_residents",
    "graph_with_sources",
    "node_distances",
    "read_off",
    "nearest_center_arrays",
    "distances_within",
    "check_thresholds",
    "values_at",
    "life_circle_labels",
    "life_circles",
    "parse_services",
    "centre_services",
    "access_tables",
]

DEFAULT_SNAP_LIMIT = SNAP_LIMIT_M  # the product default (gridmap.defaults)
#: Street components shorter than this (metres) are fragments centres are not snapped to if a
#: street of a larger component is within the snap limit.
MAJOR_COMPONENT_M = 1000.0

# --- the status vocabulary: an integer code per point in the arrays, its name in the tables -----
SNAP_OK = "ok"
SNAP_TOO_FAR = "too_far_from_street"
SNAP_UNREACHABLE = "unreachable"
SNAP_NO_GEOMETRY = "no_geometry"
CODE_OK, CODE_TOO_FAR, CODE_UNREACHABLE, CODE_NO_GEOMETRY = 0, 1, 2, 3
#: Name of each status code (``SNAP_STATUS[codes]`` turns a code array into the table column).
SNAP_STATUS = np.array([SNAP_OK, SNAP_TOO_FAR, SNAP_UNREACHABLE, SNAP_NO_GEOMETRY], dtype=object)

# --- life circles (GB 50180-2018) ---------------------------------------------------------------
DEFAULT_THRESHOLDS: tuple[float, ...] = LIFE_CIRCLE_M  # 5/10/15 minutes (gridmap.defaults)
DEFAULT_LABELS: tuple[str, ...] = ("5min", "10min", "15min")
BEYOND = "beyond"
NO_ROUTE = "no_route"

_SERVICE_SPLIT = re.compile(r"[;；,，、]")
_CHUNK_CELLS = 4_000_000  # dense Dijkstra rows per chunk × nodes: ≤ 32 MB of float64 at a time
_EPS = 1e-9


# ------------------------------------------------------------------------------------------------
# points and the network's pieces


def representative_xy(gdf: gpd.GeoDataFrame, crs) -> np.ndarray:
    """Coordinates of the point each feature is routed from.

    Points as they are, polygons (buildings) at their point on surface — inside the polygon,
    unlike the centroid of an L-shaped block.

    Parameters
    ----------
    gdf : GeoDataFrame with a CRS.
    crs : the CRS of the coordinates (the network's).

    Returns
    -------
    float array (n, 2); NaN rows for missing or empty geometry.
    """
    g = gdf.geometry
    if gdf.crs is None:
        raise GridmapError("err_routing_layer_has_no_crs")
    if not gdf.crs.equals(crs):
        g = g.to_crs(crs)
    geoms = g.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    pts = geoms.copy()
    pts[missing] = None
    not_point = ~missing & (shapely.get_type_id(pts) != 0)
    pts[not_point] = shapely.point_on_surface(pts[not_point])
    xy = np.full((len(geoms), 2), np.nan)
    ok = ~missing
    xy[ok] = shapely.get_coordinates(pts[ok])
    return xy


def component_lengths(net: WalkNetwork) -> np.ndarray:
    """Street length (metres) of each connected component, indexed by ``net.component`` labels."""
    comp = net.component
    size = int(comp.max()) + 1 if net.n_nodes else 1
    return np.bincount(comp[net.edge_u], weights=net.edge_length, minlength=size)


def main_components(net: WalkNetwork, major_m: float = MAJOR_COMPONENT_M) -> np.ndarray:
    """Which components are main network: at least ``major_m`` of street, or the longest one if
    none is that long (bool per component label)."""
    comp_len = component_lengths(net)
    return comp_len >= min(major_m, comp_len.max())


# ------------------------------------------------------------------------------------------------
# snapping


def _snap_codes(snap: Snap, snap_limit: float) -> np.ndarray:
    """Each snap's status code (ok, too far, no geometry), from its distance to the street."""
    return np.where(snap.edge < 0, CODE_NO_GEOMETRY, np.where(snap.dist <= snap_limit, CODE_OK, CODE_TOO_FAR))


def _resnap(snap: Snap, index: np.ndarray, again: Snap, move: np.ndarray) -> np.ndarray:
    """Replace, in place, the snaps of points ``index[move]`` by ``again[move]``; return those points."""
    idx = index[move]
    snap.edge[idx], snap.offset[idx], snap.dist[idx] = again.edge[move], again.offset[move], again.dist[move]
    return idx


def snap_centers(net: WalkNetwork, index: EdgeIndex, cen_xy: np.ndarray,
                 snap_limit: float = DEFAULT_SNAP_LIMIT) -> tuple[Snap, np.ndarray]:
    """Snap centres (or candidate sites, or helpers) to the street, preferring the main network.

    A centre whose nearest street belongs to a component shorter than :data:`MAJOR_COMPONENT_M`
    (in OSM: a courtyard footway not joined to the street, say) is snapped to the nearest street
    of a larger component instead when one is within ``snap_limit``: a centre routed from a
    fragment would reach no one.

    Parameters
    ----------
    net : WalkNetwork
    index : :class:`~gridmap.access.snapping.EdgeIndex` over all edges of ``net``.
    cen_xy : float array (k, 2) in ``net.crs``; NaN rows have no geometry.
    snap_limit : metres; centres farther from every street are not routed.

    Returns
    -------
    (Snap, codes) : the snaps, and a status code per centre (:data:`CODE_OK`,
    :data:`CODE_TOO_FAR` or :data:`CODE_NO_GEOMETRY`).
    """
    cen_xy = np.asarray(cen_xy, dtype=float).reshape(-1, 2)
    csnap = index.nearest(cen_xy)
    edge_major = main_components(net)[net.component[net.edge_u]]
    minor = np.flatnonzero((csnap.edge >= 0) & ~edge_major[np.clip(csnap.edge, 0, None)])
    if len(minor):
        again = EdgeIndex(net, np.flatnonzero(edge_major)).nearest(cen_xy[minor])
        _resnap(csnap, minor, again, again.dist <= snap_limit)
    return csnap, _snap_codes(csnap, snap_limit)


def snap_residents(net: WalkNetwork, index: EdgeIndex, res_xy: np.ndarray, csnap: Snap, which: np.ndarray,
                   snap_limit: float) -> tuple[Snap, np.ndarray]:
    """Snap residents to the nearest street — or, when that street is on a piece of network no
    centre is on, to the nearest street of the centres' network within the snap limit.

    Access and siting both snap with this, so both measure from the same points.

    Parameters
    ----------
    net, index : the network and its :class:`~gridmap.access.snapping.EdgeIndex`.
    res_xy : float array (n, 2) in ``net.crs``; NaN rows have no geometry.
    csnap, which : the centres' snaps and the indices of the routable ones.
    snap_limit : metres.

    Returns
    -------
    (Snap, codes) : the snaps, and a status code per resident (ok, too far from a street,
    unreachable — only streets no centre reaches within the limit —, no geometry).
    """
    comp = net.component
    reached_comp = np.unique(comp[net.edge_u[csnap.edge[which]]])
    edge_reached = np.isin(comp[net.edge_u], reached_comp)
    rsnap = index.nearest(res_xy)
    status = _snap_codes(rsnap, snap_limit)
    off_net = np.flatnonzero((status == CODE_OK) & ~edge_reached[np.clip(rsnap.edge, 0, None)])
    if len(off_net):
        status[off_net] = CODE_UNREACHABLE
        if edge_reached.any():
            again = EdgeIndex(net, np.flatnonzero(edge_reached)).nearest(res_xy[off_net])
            status[_resnap(rsnap, off_net, again, again.dist <= snap_limit)] = CODE_OK
    return rsnap, status


# ------------------------------------------------------------------------------------------------
# shortest paths


def graph_with_sources(net: WalkNetwork, snap: Snap, which: np.ndarray) -> sparse.csr_matrix:
    """The network's CSR with one virtual source node per snapped point in ``which``.

    Virtual node ``net.n_nodes + i`` (for ``which[i]``) has two directed edges: to its edge's
    ``u`` (snap + offset) and ``v`` (snap + length − offset). Nothing points back to it, so no
    path passes through a source, and a Dijkstra from it counts the source's snap leg.

    Parameters
    ----------
    net : WalkNetwork
    snap : snaps of the sources (e.g. from :func:`snap_centers`).
    which : int array — the sources to add (all routable: ``edge >= 0``).

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_nodes + len(which),) * 2.
    """
    base = net.csr
    e = snap.edge[which]
    off = np.clip(snap.offset[which], 0.0, net.edge_length[e])
    cols = np.column_stack([net.edge_u[e], net.edge_v[e]]).ravel()
    w = np.column_stack([snap.dist[which] + off, snap.dist[which] + net.edge_length[e] - off]).ravel()
    n, k = net.n_nodes, len(which)
    indptr = np.concatenate([base.indptr, base.indptr[-1] + 2 * np.arange(1, k + 1)])
    return sparse.csr_matrix((np.concatenate([base.data, w]), np.concatenate([base.indices, cols]), indptr),
                             shape=(n + k, n + k))


def node_distances(net: WalkNetwork, snap: Snap, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the nearest of the sources ``which`` to every node, and that source.

    One ``dijkstra(min_only=True)`` from all virtual source nodes of :func:`graph_with_sources`.

    Returns
    -------
    (dist, src) : float array (n_nodes,), ``inf`` where no source reaches; int array of the
    nearest source (an index into the snaps, ``-1`` where none).
    """
    n = net.n_nodes
    if len(which) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    graph = graph_with_sources(net, snap, which)
    dist, _pred, sources = dijkstra(graph, directed=True, indices=n + np.arange(len(which)), min_only=True,
                                    return_predecessors=True)
    src = np.where(sources[:n] >= n, which[np.clip(sources[:n] - n, 0, len(which) - 1)], -1)
    return dist[:n], src.astype(np.int64)


def read_off(net: WalkNetwork, rsnap: Snap, routed: np.ndarray, csnap: Snap, which: np.ndarray,
             dist: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each resident's distance to the nearest source, from the node distances.

    ``snap + min(d[u] + t, d[v] + L − t)`` over the resident's edge (u, v) at offset t, or the
    direct walk ``snap + |t − t_c| + snap_c`` along the edge when sources sit on the same edge and
    that is shorter — the least over every source of the edge, not only the ones next to the
    resident along it (a farther one may sit closer to the street), found by running minima over
    one sort along each edge.

    Parameters
    ----------
    net : WalkNetwork
    rsnap, routed : snaps of the residents and which of them to route (status ok).
    csnap, which : snaps of the sources and the routed ones (as given to :func:`node_distances`).
    dist, src : :func:`node_distances`.

    Returns
    -------
    (network_m, source) : float array, NaN where not routed or not reached (never ``inf``); int
    array of the nearest source, ``-1`` there.
    """
    m = len(rsnap.edge)
    out = np.full(m, np.nan)
    centre = np.full(m, -1, dtype=np.int64)
    r = np.flatnonzero(routed)
    if len(r) == 0 or len(which) == 0:
        return out, centre
    e = rsnap.edge[r]
    t = rsnap.offset[r]
    u, v, length = net.edge_u[e], net.edge_v[e], net.edge_length[e]
    du, dv = dist[u] + t, dist[v] + (length - t)
    best = np.minimum(du, dv)
    who = np.where(du <= dv, src[u], src[v])
    # centres on the same edge: the direct walk along it, |t − t_c| + snap_c, least over every centre
    # of the edge — behind the resident (t_c ≤ t: least snap_c − t_c) or ahead (least snap_c + t_c);
    # found for all residents at once by running minima over a sort along each edge
    ce = csnap.edge[which]
    on_centre_edge = np.flatnonzero(np.isin(e, ce))
    if len(on_centre_edge):
        k = len(which)
        ca = csnap.offset[which]
        cd = csnap.dist[which]
        edges = np.concatenate([ce, e[on_centre_edge]])
        offs = np.concatenate([ca, t[on_centre_edge]])
        is_c = np.concatenate([np.ones(k, bool), np.zeros(len(on_centre_edge), bool)])
        order = np.lexsort((offs, edges))  # centres come before residents at the same offset
        se, sc = edges[order], is_c[order]
        seg = np.concatenate([[0], np.cumsum(se[1:] != se[:-1])]).astype(np.int64)  # rank of the edge
        res_pos = np.flatnonzero(~sc)
        res_orig = order[res_pos] - k  # index into on_centre_edge
        res_t = offs[order[res_pos]]
        direct = np.full(len(res_pos), np.inf)
        direct_who = np.full(len(res_pos), -1, dtype=np.int64)
        never = np.iinfo(np.int64).max
        for key, behind in ((cd - ca, True), (cd + ca, False)):
            by_rank = np.argsort(key, kind="stable")
            rank = np.empty(k, dtype=np.int64)
            rank[by_rank] = np.arange(k)
            # running minimum of the centres' ranks along the sort; shifted by (k + 1) per edge so that
            # an edge's own centres always win over those of the edges passed before
            code = np.full(len(order), never, dtype=np.int64)
            c_sorted = np.flatnonzero(sc)
            if behind:
                code[c_sorted] = rank[order[c_sorted]] - seg[c_sorted] * (k + 1)
                run = np.minimum.accumulate(code)[res_pos]
                x = np.where(run == never, -1, run + seg[res_pos] * (k + 1))
            else:
                code[c_sorted] = rank[order[c_sorted]] + seg[c_sorted] * (k + 1)
                run = np.minimum.accumulate(code[::-1])[::-1][res_pos]
                x = np.where(run == never, -1, run - seg[res_pos] * (k + 1))
            valid = (x >= 0) & (x < k)
            ci = by_rank[np.clip(x, 0, k - 1)]
            cand = np.where(valid, np.abs(res_t - ca[ci]) + cd[ci], np.inf)
            better = cand < direct
            direct = np.where(better, cand, direct)
            direct_who = np.where(better, which[ci], direct_who)
        idx = on_centre_edge[res_orig]
        better = direct < best[idx]
        best[idx[better]] = direct[better]
        who[idx[better]] = direct_who[better]
    reached = np.isfinite(best)
    out[r[reached]] = best[reached] + rsnap.dist[r[reached]]
    centre[r[reached]] = who[reached]
    return out, centre


class RoutingResult(NamedTuple):
    """Arrays of :func:`nearest_center_arrays`, one entry per resident (or per centre).

    Attributes
    ----------
    network_m : walking metres to the nearest centre (NaN: not routed).
    center : index of that centre into the centres (``-1``: none).
    snap_m : metres from each resident to the street it was snapped to.
    status : status code of each resident (:data:`SNAP_STATUS` names them).
    center_snap_m, center_status : the same for the centres.
    per_service : ``{service: (network_m, center)}`` to the nearest centre offering it.
    """

    network_m: np.ndarray
    center: np.ndarray
    snap_m: np.ndarray
    status: np.ndarray
    center_snap_m: np.ndarray
    center_status: np.ndarray
    per_service: dict[str, tuple[np.ndarray, np.ndarray]]


def nearest_center_arrays(net: WalkNetwork, res_xy: np.ndarray, cen_xy: np.ndarray, *,
                          snap_limit: float = DEFAULT_SNAP_LIMIT,
                          service_sets: dict[str, np.ndarray] | None = None,
                          index: EdgeIndex | None = None) -> RoutingResult:
    """The whole pass on plain arrays: snap, one multi-source Dijkstra, read off every resident.

    Parameters
    ----------
    net : WalkNetwork
    res_xy, cen_xy : float arrays (n, 2), (k, 2) in ``net.crs``; NaN rows have no geometry.
    snap_limit : metres; points farther from every street are not routed.
    service_sets : {service: bool array (k,)} — which centres offer each service; one more
        Dijkstra pass per service.
    index : a prebuilt :class:`EdgeIndex` over all edges (rebuilt when omitted).

    Returns
    -------
    RoutingResult
        A resident routed but reached by no centre (a piece of network no routable centre is on)
        gets the status ``unreachable``.
    """
    index = index or EdgeIndex(net)
    res_xy = np.asarray(res_xy, dtype=float).reshape(-1, 2)
    cen_xy = np.asarray(cen_xy, dtype=float).reshape(-1, 2)
    csnap, cstatus = snap_centers(net, index, cen_xy, snap_limit)
    which = np.flatnonzero(cstatus == CODE_OK)
    rsnap, status = snap_residents(net, index, res_xy, csnap, which, snap_limit)
    routed = status == CODE_OK

    dist, src = node_distances(net, csnap, which)
    network_m, centre = read_off(net, rsnap, routed, csnap, which, dist, src)
    lost = routed & ~np.isfinite(network_m)
    status[lost] = CODE_UNREACHABLE

    per_service = {}
    for name, offers in (service_sets or {}).items():
        sw = which[np.asarray(offers, bool)[which]]
        d_s, src_s = node_distances(net, csnap, sw)
        per_service[name] = read_off(net, rsnap, routed, csnap, sw, d_s, src_s)
    return RoutingResult(network_m, centre, rsnap.dist, status, csnap.dist, cstatus, per_service)


def distances_within(net: WalkNetwork, source_snap: Snap, target_snap: Snap, targets: np.ndarray, limit: float,
                     *, chunk: int | None = None) -> sparse.csr_matrix:
    """Walking distances from every source to the given targets, where at most ``limit``.

    What siting needs (candidate sites → residents) and what a pairing needs (helpers → the
    people they visit): every pair within a walk, not only the nearest source. One
    ``dijkstra(indices=…, limit=…)`` per chunk of sources (virtual nodes of
    :func:`graph_with_sources`); every reached node hands its distance on to the targets snapped to
    its edges; targets on a source's own edge get the direct walk along it; the target's snap leg
    is added. These are the floating-point operations of :func:`read_off`, in the same order, so a
    source accepted as a centre gives the same distances there, bit for bit.

    Parameters
    ----------
    net : WalkNetwork
    source_snap : snaps of the sources (all routable: ``edge >= 0``; e.g. :func:`snap_centers`).
    target_snap : snaps of all targets (e.g. :func:`snap_residents`).
    targets : int array — the targets (indices into ``target_snap``) to measure; others get no entries.
    limit : metres; pairs farther apart are left out.
    chunk : sources per Dijkstra call (default: about 4 million dense cells per call).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (sources, len(target_snap)), float64 metres including both snap legs; explicit zeros
        are real zero distances (built from index arrays, never summed).
    """
    n, n_src, m = net.n_nodes, len(source_snap.edge), len(target_snap.edge)
    targets = np.sort(np.asarray(targets, dtype=np.int64))
    if n_src == 0 or len(targets) == 0:
        return sparse.csr_matrix((n_src, m))
    graph = graph_with_sources(net, source_snap, np.arange(n_src))
    e = target_snap.edge[targets]
    t = target_snap.offset[targets]
    ru, rv = net.edge_u[e], net.edge_v[e]
    back = net.edge_length[e] - t
    snap_r = target_snap.dist[targets]
    # targets on a source's own edge walk directly along it: all such pairs, found by a sort
    c_order = np.argsort(source_snap.edge, kind="stable")
    r_order = np.argsort(e, kind="stable")
    lo = np.searchsorted(e[r_order], source_snap.edge[c_order], side="left")
    cnt = np.searchsorted(e[r_order], source_snap.edge[c_order], side="right") - lo
    rep = np.repeat(np.arange(n_src), cnt)
    same_j = c_order[rep]
    same_col = r_order[np.repeat(lo - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(len(rep))]
    same_d = np.abs(t[same_col] - source_snap.offset[same_j]) + source_snap.dist[same_j]
    by_j = np.argsort(same_j, kind="stable")
    same_j, same_col, same_d = same_j[by_j], same_col[by_j], same_d[by_j]
    cut = limit * (1 + 1e-12) + _EPS  # csgraph's limit is strict: keep nodes at exactly `limit`
    chunk = chunk or max(1, min(n_src, _CHUNK_CELLS // max(n, len(targets), 1)))
    counts = np.zeros(n_src, dtype=np.int64)
    parts_i, parts_d = [], []
    for a in range(0, n_src, chunk):
        b = min(a + chunk, n_src)
        d = dijkstra(graph, directed=True, indices=n + np.arange(a, b), limit=cut)
        # the same operations, in the same order, as read_off: min over both ends, then the snap
        best = np.minimum(d[:, ru] + t, d[:, rv] + back)
        s0, s1 = np.searchsorted(same_j, [a, b])
        if s1 > s0:
            rows, cols = same_j[s0:s1] - a, same_col[s0:s1]
            best[rows, cols] = np.minimum(best[rows, cols], same_d[s0:s1])
        best += snap_r
        jj, cc = np.nonzero(best <= limit)
        counts[a:b] = np.bincount(jj, minlength=b - a)
        parts_i.append(targets[cc])
        parts_d.append(best[jj, cc])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((np.concatenate(parts_d), np.concatenate(parts_i), indptr), shape=(n_src, m))


# ------------------------------------------------------------------------------------------------
# life circles and services


def check_thresholds(thresholds, name: str = "thresholds") -> tuple[float, ...]:
    """Life-circle limits as a tuple of floats: finite walking metres, positive, increasing.

    Raises
    ------
    ParameterError
        naming ``name`` (``--thresholds``, ``[run] thresholds``) for a scalar, text, an empty list,
        a value that is not a finite positive number, or limits that do not increase.
    """
    example = Message("err_thresholds_example")
    if isinstance(thresholds, (str, bytes)) or np.ndim(thresholds) != 1 or len(thresholds) == 0:
        raise ParameterError("err_thresholds_list", name=name, example=example, got=repr(thresholds))
    values = tuple(float(check_number(t, f"each of {name}", "walking metres", above=0)) for t in thresholds)
    if any(b <= a for a, b in pairwise(values)):
        raise ParameterError("err_thresholds_increase", name=name, example=example, got=list(values))
    return values


def values_at(values: np.ndarray, index: np.ndarray, missing):
    """``values[index]`` where ``index ≥ 0``, else ``missing`` — also when ``values`` is empty (a run
    with no centre at all, where every index is -1)."""
    if len(values) == 0:
        return np.full(len(index), missing, dtype=object if missing is None else np.asarray(values).dtype)
    return np.where(index >= 0, values[np.clip(index, 0, None)], missing)


def life_circle_labels(thresholds: Sequence[float], labels: Sequence[str] | None = None) -> tuple[str, ...]:
    """Labels of the life circles: given, or ``5min/10min/15min`` for three thresholds, else ``<t>m``.

    Raises :class:`~gridmap.errors.ParameterError` unless the thresholds are positive and
    increasing (:func:`check_thresholds`), ``ValueError`` unless there is one label each.
    """
    thresholds = check_thresholds(thresholds)
    if labels is not None:
        if len(labels) != len(thresholds):
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise ValueError("one label per threshold")
        return tuple(labels)
    if len(thresholds) == len(DEFAULT_LABELS):
        return DEFAULT_LABELS
    return tuple(f"{t:g}m" for t in thresholds)


def life_circles(network_m: np.ndarray | pd.Series, thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                 labels: Sequence[str] | None = None) -> pd.Categorical:
    """The life circle of each distance: the first label whose threshold it does not exceed.

    Beyond the last threshold → :data:`BEYOND`; NaN (not routed) → :data:`NO_ROUTE`. The
    categories are the labels, then ``beyond``, ``no_route``, in that order.
    """
    labels = life_circle_labels(thresholds, labels)
    d = np.asarray(network_m, dtype=float)
    k = np.searchsorted(np.asarray(thresholds, float), d, side="left")  # d <= t_i  →  i
    names = np.array([*labels, BEYOND, NO_ROUTE], dtype=object)
    k = np.where(np.isnan(d), len(labels) + 1, k)
    return pd.Categorical(names[k], categories=list(names))


def parse_services(values: pd.Series) -> list[list[str]]:
    """Each centre's services from a ``;``-joined column (also ``；``, ``,``, ``，``, ``、``)."""
    out: list[list[str]] = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append([])
        else:
            out.append([s.strip() for s in _SERVICE_SPLIT.split(str(v)) if s.strip()])
    return out


class CentreServices(NamedTuple):
    """The 基本服务清单 of the centres (:func:`centre_services`)."""

    lists: list[list[str]]  # per centre, its services
    names: list[str]  # every service, sorted
    offers: dict[str, np.ndarray]  # per service, which centres offer it (bool per centre)


def centre_services(centers: pd.DataFrame, column: str | None = "services") -> CentreServices:
    """Which centre offers which service, from ``column`` (empty when ``None`` or absent)."""
    lists: list[list[str]] = [[] for _ in range(len(centers))]
    if column and column in centers.columns:
        lists = parse_services(centers[column])
    names = sorted({s for lst in lists for s in lst})
    return CentreServices(lists, names, {s: np.array([s in lst for lst in lists]) for s in names})


# ------------------------------------------------------------------------------------------------
# the per-resident table


class AccessResult(NamedTuple):
    """What :func:`gridmap.access.accessibility.compute_access` returns (see :func:`access_tables`)."""

    residents: gpd.GeoDataFrame
    centers: gpd.GeoDataFrame
    thresholds: tuple[float, ...]
    labels: tuple[str, ...]
    services: tuple[str, ...]


def access_tables(residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame, routing: RoutingResult,
                  res_xy: np.ndarray, cen_xy: np.ndarray, services: CentreServices, *,
                  thresholds: Sequence[float] = DEFAULT_THRESHOLDS, labels: Sequence[str] | None = None,
                  center_id: str = "center_id") -> AccessResult:
    """Routing arrays → the per-resident and per-centre tables of an access analysis.

    One place turns :class:`RoutingResult` into columns, whether the arrays come from one pass over
    the whole network (:func:`gridmap.access.accessibility.compute_access`) or are merged from
    partitions (:mod:`gridmap.scale.pipeline`): both runs give the same tables.

    Parameters
    ----------
    residents, centers : the layers routed (copied, never modified).
    routing : the arrays, one entry per resident (``per_service`` for every service in ``services``).
    res_xy, cen_xy : the points routed (:func:`representative_xy`, the network's CRS).
    services : :func:`centre_services` of the centres.
    thresholds, labels : the life circles.
    center_id : id column of ``centers``.

    Returns
    -------
    AccessResult
        ``residents``: a copy with ``center_id``, ``network_m``, ``straight_m`` (to the nearest
        centre as the crow flies, KD-tree), ``detour`` (``network_m / straight_m``; 1 where both
        are 0), ``life_circle``, ``snap_m``, ``snap_status`` and ``network_m_<service>``;
        ``centers``: a copy with ``snap_m``, ``snap_status`` and ``services_list``.
    """
    thresholds = check_thresholds(thresholds)
    labels = life_circle_labels(thresholds, labels)
    ids = centers[center_id].to_numpy(dtype=object)
    out = residents.copy()
    out["center_id"] = values_at(ids, routing.center, None)
    out["network_m"] = routing.network_m
    cen_ok = np.isfinite(cen_xy).all(axis=1)
    straight = np.full(len(res_xy), np.nan)
    has = np.isfinite(res_xy).all(axis=1)
    if cen_ok.any() and has.any():
        straight[has] = cKDTree(cen_xy[cen_ok]).query(res_xy[has], workers=-1)[0]
    out["straight_m"] = straight
    with np.errstate(divide="ignore", invalid="ignore"):
        out["detour"] = np.where(straight > 0, routing.network_m / straight,
                                 np.where(routing.network_m == 0, 1.0, np.nan))
    out["life_circle"] = life_circles(routing.network_m, thresholds, labels)
    out["snap_m"] = routing.snap_m
    out["snap_status"] = SNAP_STATUS[routing.status]
    for s in services.names:
        out[f"network_m_{s}"] = routing.per_service[s][0]
    cen = centers.copy()
    cen["snap_m"] = routing.center_snap_m
    cen["snap_status"] = SNAP_STATUS[routing.center_status]
    cen["services_list"] = [";".join(lst) for lst in services.lists]
    return AccessResult(out, cen, thresholds, labels, tuple(services.names))
