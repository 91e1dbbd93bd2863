"""结对帮扶: pair every special-group resident with one helper within a walk, exactly.

独居老人, 留守儿童 and 残疾人 get 上门式 "零距离" service from a named helper (a 党员, 志愿者 or
网格员). Given the residents layer (buildings or points with the counts of each special group) and
the helpers (points with ``helper_id``), :func:`pair_residents` pairs every special-group person
with one helper within ``max_distance_m`` walking metres on the OSM network, each helper taking at
most ``per_helper`` people (or the helper's own ``capacity``), and says why anyone is left unpaired.

Method
------
1. **Snapping, as in** :mod:`gridmap.access.accessibility`. Helpers are snapped as the access analysis snaps its
   centres (:func:`gridmap.access.accessibility.snap_centers`: the nearest street, preferring the main network
   over disconnected fragments), residents as it snaps residents
   (:func:`gridmap.access.accessibility.snap_residents`), each within ``snap_limit`` of a street. Distances include
   both snap legs, computed with the same floating-point operations in the same order, so a
   pairing distance *equals* the ``network_m`` the access analysis reports for that resident when
   the helper is the nearest centre (the tests check it bit for bit).
2. **Candidate pairs: a bounded multi-source Dijkstra** (compiled with numba). From every helper,
   a Dijkstra that settles only nodes within ``max_distance_m`` (its heap and distance stamps are
   reused from helper to helper, so nothing of size nodes × helpers is ever allocated); each
   settled node hands its distance to the residents snapped to its edges (plus the offset along
   the edge), residents on the helper's own edge get the direct walk along it, and pairs within the
   limit are kept. Only these pairs become arcs, so the flow network stays sparse (5,000 helpers on
   a 100,000-node network: one pass of a few seconds at most, ``benchmarks/bench_pairing.py``).
3. **Min-cost flow** (OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``). One supply
   node per resident feature (building) with the number of its special-group people as integer
   supply, one demand node per helper with its capacity, one arc per candidate pair. The solver
   returns a *maximum* flow (the most people paired) of *minimum* cost among maximum flows. The
   cost of an arc is ``round(network_m / resolution_m) · K + penalty``: distances in whole
   millimetres by default, and ``penalty`` counts the tie-break levels (:data:`TIE_BREAK_LEVELS`:
   ``micro_code``, ``grid_code``) on which person and helper differ; ``K`` exceeds the largest
   possible penalty sum, so distance is minimised first and, among equally long pairings (to the
   millimetre), the one with the most pairs inside the same 微网格, then the same grid, wins.
   The result is optimal exactly for the rounded distances, hence within ``resolution_m`` per
   person of the exact optimum in metres.

   People of one building are aggregated, across groups, into one supply node: nothing in the
   problem depends on the group (a helper serves any group; distance and grid are the building's),
   so this is the same problem as one node per building and group, with up to 3× fewer arcs. After
   solving, the building's people are handed out in the order of ``groups`` to its helpers, nearest
   first (any split of an optimal flow is optimal).
4. **Read-off and reasons.** One row per person paired (``resident_index`` — the 0-based row of the
   residents layer — ``group``, ``helper_id``, ``network_m`` and the tie-break codes), one per
   person not paired with the reason: ``not_on_network`` (no geometry, or farther than
   ``snap_limit`` from every street), ``no_helper_within_reach`` (no helper within
   ``max_distance_m``, including residents on a piece of network no helper is on), ``helpers_full``
   (helpers within reach, but all taken by others in the optimal pairing), with the nearest
   helper and its distance (one multi-source Dijkstra, :func:`gridmap.access.accessibility.nearest_center_arrays`).

Tie-break levels
----------------
``zone_layers`` maps a code column to polygons carrying it, e.g. ``{"grid_code": plan.grids()}``.
Each person and helper takes the code of the polygon its point falls in. 微网格 do not exist yet: a
``micro_code`` layer is simply one more entry, and :data:`TIE_BREAK_LEVELS` already ranks it.

Personal data
-------------
The outputs list where vulnerable people live. Give them only to those who serve them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import geopandas as gpd
import numba
import numpy as np
import pandas as pd
import shapely

from gridmap.access.accessibility import (
    DEFAULT_SNAP_LIMIT,
    SNAP_NO_GEOMETRY,
    SNAP_OK,
    SNAP_TOO_FAR,
    SNAP_UNREACHABLE,
    SPECIAL_GROUPS,
    EdgeIndex,
    Snap,
    nearest_center_arrays,
    representative_xy,
    snap_centers,
    snap_residents,
)
from gridmap.access.network import WalkNetwork
from gridmap.errors import GridmapError
from gridmap.io.validate import LayerError, ValidationReport
from gridmap.vocab import LIST_SEP, Joined, Message

__all__ = [
    "DEFAULT_MAX_DISTANCE_M",
    "DEFAULT_PER_HELPER",
    "DEFAULT_RESOLUTION_M",
    "GROUP_LABELS",
    "REASONS",
    "TIE_BREAK_LEVELS",
    "CandidatePairs",
    "PairingResult",
    "candidate_pairs",
    "demo_helpers",
    "helper_capacities",
    "id_text",
    "pair_residents",
    "solve_pairing",
    "special_group_counts",
    "zone_codes",
]

DEFAULT_MAX_DISTANCE_M = 1000.0  # the 15-minute walk of GB 50180-2018
DEFAULT_PER_HELPER = 3
DEFAULT_RESOLUTION_M = 0.001  # distances enter the min-cost flow in whole millimetres
#: Why a person is not paired.
REASONS: tuple[str, ...] = ("no_helper_within_reach", "helpers_full", "not_on_network")
NO_HELPER, HELPERS_FULL, NOT_ON_NETWORK = REASONS
#: Codes preferred equal between person and helper at equal distance, finest first.
TIE_BREAK_LEVELS: tuple[str, ...] = ("micro_code", "grid_code")
#: Chinese names of the special groups (headers, map legends).
GROUP_LABELS: dict[str, str] = {"elderly_alone": "独居老人", "left_behind_children": "留守儿童", "disabled": "残疾人"}
#: Demo helpers (synthetic): one volunteer per this many households, at a residential building …
DEMO_HOUSEHOLDS_PER_HELPER = 35
#: … and one social worker (社工) per 党群服务中心, taking this many people.
DEMO_CENTER_CAPACITY = 10

# snap status codes of gridmap.access.accessibility (documented in nearest_center_arrays)
_SNAP_NAMES = np.array([SNAP_OK, SNAP_TOO_FAR, SNAP_UNREACHABLE, SNAP_NO_GEOMETRY], dtype=object)
_OK, _TOO_FAR, _UNREACHABLE, _NO_GEOM = 0, 1, 2, 3
_INT64_SAFE = 2**62


# ------------------------------------------------------------------------------------------------
# checking the inputs


def _report(gdf: gpd.GeoDataFrame, label: str) -> ValidationReport:
    return ValidationReport(source=str(gdf.attrs.get("source", label)), layer=gdf.attrs.get("layer"), kind=None)


def _feature_ids(gdf: gpd.GeoDataFrame, columns: Sequence[str]) -> pd.Series:
    for col in columns:
        if col in gdf.columns:
            return gdf[col].astype(object).where(gdf[col].notna(), None)
    return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)


def _check_geometry_types(gdf: gpd.GeoDataFrame, what: Message, report: ValidationReport, rows: np.ndarray,
                          ids: pd.Series) -> None:
    """Points or (multi)polygons only: a line or collection has no home to walk to."""
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = shapely.get_type_id(geoms)
    bad = present & ~np.isin(types, [0, 3, 6])
    for pos in np.flatnonzero(bad):
        report.add("error", "wrong_geometry_type",
                   Message("val_wrong_geometry_type_home", type=geoms[pos].geom_type, what=what),
                   row=int(rows[pos]) + 1, feature_id=ids.iloc[pos])


def _whole_counts(values: pd.Series, column: str, report: ValidationReport, rows: np.ndarray, ids: pd.Series,
                  meaning: Message) -> tuple[np.ndarray, np.ndarray]:
    """A column of whole numbers ≥ 0: (values with blanks as 0, blank mask); errors go to ``report``."""
    numeric = pd.to_numeric(values, errors="coerce")
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    blank = values.isna().to_numpy() | (text == "").to_numpy()
    num = numeric.to_numpy(dtype=float)
    not_numeric = np.isnan(num) & ~blank
    for pos in np.flatnonzero(not_numeric):
        report.add("error", "not_numeric",
                   Message("val_not_numeric_meaning", value=values.iloc[pos], col=column, meaning=meaning),
                   row=int(rows[pos]) + 1, feature_id=ids.iloc[pos], column=column)
    finite = np.isfinite(num)
    bad = ~np.isnan(num) & (~finite | (num < 0) | (finite & (num != np.floor(np.where(finite, num, 0)))))
    for pos in np.flatnonzero(bad):
        report.add("error", "not_whole",
                   Message("val_not_whole_meaning", value=values.iloc[pos], col=column, meaning=meaning),
                   row=int(rows[pos]) + 1, feature_id=ids.iloc[pos], column=column)
    out = np.where(np.isfinite(num) & ~bad, num, 0.0).astype(np.int64)
    return out, blank


def special_group_counts(residents: gpd.GeoDataFrame, groups: Sequence[str] | None = None, *,
                         rows: np.ndarray | None = None) -> tuple[np.ndarray, tuple[str, ...], int]:
    """The number of people of each special group in every resident feature, checked.

    Parameters
    ----------
    residents : buildings or points; one count column per group.
    groups : the count columns (``None``: those of :data:`gridmap.access.accessibility.SPECIAL_GROUPS` present;
        given explicitly, every one must exist).
    rows : 0-based row of each feature in its file (for messages; default positions).

    Returns
    -------
    (counts, groups, blanks)
        int64 array (features × groups), the groups used, and how many blank values counted as 0.

    Raises
    ------
    LayerError
        Naming file, row, id and column: a missing column, a value that is not a whole number ≥ 0,
        a geometry that is neither point nor polygon.
    """
    report = _report(residents, "residents")
    rows = np.arange(len(residents)) if rows is None else np.asarray(rows)
    present = [c for c in residents.columns if c != residents.geometry.name]
    if groups is None:
        groups = tuple(g for g in SPECIAL_GROUPS if g in residents.columns)
        if not groups:
            raise LayerError("err_groups_none", where=report.where, groups=", ".join(SPECIAL_GROUPS),
                             columns=", ".join(map(str, present)))
    groups = tuple(groups)
    if len(set(groups)) != len(groups):
        raise LayerError("err_groups_twice", groups=", ".join(groups))
    missing = [g for g in groups if g not in residents.columns]
    if missing:
        raise LayerError("err_groups_missing", where=report.where, missing=", ".join(missing),
                         columns=", ".join(map(str, present)), first=missing[0])
    ids = _feature_ids(residents, ("building_id", "resident_id", "id", "name"))
    _check_geometry_types(residents, Message("val_what_residents"), report, rows, ids)
    counts = np.zeros((len(residents), len(groups)), dtype=np.int64)
    blanks = 0
    for j, g in enumerate(groups):
        counts[:, j], blank = _whole_counts(residents[g], g, report, rows, ids, Message("val_meaning_group"))
        blanks += int(blank.sum())
    report.raise_for_errors()
    return counts, groups, blanks


def id_text(value) -> str | None:
    """An id (or phone number) as text: ``None`` when missing, whole floats without ``.0`` (as read
    from Excel or a DBF)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def helper_capacities(helpers: gpd.GeoDataFrame, per_helper: int = DEFAULT_PER_HELPER, *,
                      helper_id: str = "helper_id", capacity: str | None = "capacity",
                      rows: np.ndarray | Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each helper's id and capacity, checked.

    A ``capacity`` column, where filled in, overrides ``per_helper`` for that helper (a 社工 may
    take 10 people, a volunteer on leave 0); blanks take ``per_helper``.

    Returns
    -------
    (ids, capacity) : object array of ids as text, int64 array.

    Raises
    ------
    LayerError
        A missing ``helper_id`` column, an empty or repeated id, a capacity that is not a whole
        number ≥ 0, a geometry that is neither point nor polygon (file, row, id, column named).
    """
    if not (isinstance(per_helper, (int, np.integer)) and per_helper >= 0):
        raise GridmapError("err_pairing_per_helper_must_whole_number", per_helper=per_helper)
    report = _report(helpers, "helpers")
    rows = np.arange(len(helpers)) if rows is None else np.asarray(rows)
    if helper_id not in helpers.columns:
        present = [c for c in helpers.columns if c != helpers.geometry.name]
        raise LayerError("err_helper_id", where=report.where, column=helper_id, columns=", ".join(map(str, present)))
    ids = pd.Series([id_text(v) for v in helpers[helper_id].tolist()], index=helpers.index, dtype=object)
    blank = ids.isna() | (ids == "")
    for pos in np.flatnonzero(blank.to_numpy()):
        report.add("error", "missing_id", Message("val_missing_id_helper", col=helper_id),
                   row=int(rows[pos]) + 1, column=helper_id)
    dup = ids.duplicated(keep=False) & ~blank
    for value, group in ids[dup].groupby(ids[dup]).groups.items():
        where = [int(rows[helpers.index.get_loc(r)]) + 1 for r in group]
        report.add("error", "duplicate_id", Message("val_duplicate_id_helper", col=helper_id, value=value,
                                                    n=len(where), rows=Joined(where[:5], LIST_SEP)),
                   row=where[0], feature_id=value, column=helper_id)
    _check_geometry_types(helpers, Message("val_what_helpers"), report, rows, ids)
    cap = np.full(len(helpers), int(per_helper), dtype=np.int64)
    if capacity and capacity in helpers.columns:
        given, blank_cap = _whole_counts(helpers[capacity], capacity, report, rows, ids,
                                         Message("val_meaning_helper_capacity"))
        cap = np.where(blank_cap, cap, given)
    report.raise_for_errors()
    return ids.to_numpy(dtype=object), cap


def zone_codes(xy: np.ndarray, zones: gpd.GeoDataFrame, column: str, crs) -> np.ndarray:
    """The ``column`` value of the polygon each point falls in (on its boundary counts), ``None`` if none.

    Where polygons overlap, the first listed wins. ``xy`` is in ``crs``; NaN rows get ``None``.
    """
    if column not in zones.columns:
        raise LayerError("err_zone_column", column=column,
                         columns=", ".join(map(str, zones.columns.drop(zones.geometry.name))))
    z = zones if zones.crs is None or zones.crs.equals(crs) else zones.to_crs(crs)
    out = np.full(len(xy), None, dtype=object)
    ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    if not len(ok) or not len(z):
        return out
    geoms = z.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    pt_i, zone_i = tree.query(shapely.points(xy[ok]), predicate="intersects")
    order = np.lexsort((zone_i, pt_i))
    first_pt, first = np.unique(pt_i[order], return_index=True)
    values = z[column].astype(object).where(z[column].notna(), None).to_numpy()
    out[ok[first_pt]] = values[zone_i[order][first]]
    return out


# ------------------------------------------------------------------------------------------------
# candidate pairs: a bounded Dijkstra from every helper (compiled)


@numba.njit(cache=True, nogil=True)
def _heap_push(keys, nodes, size, key, node):
    """Push onto a binary min-heap held in two arrays; returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        nodes[i] = nodes[parent]
        i = parent
    keys[i] = key
    nodes[i] = node
    return size + 1


@numba.njit(cache=True, nogil=True)
def _heap_pop(keys, nodes, size):
    """Pop the smallest key; returns (key, node, new size)."""
    key, node = keys[0], nodes[0]
    size -= 1
    if size > 0:
        last_k, last_n = keys[size], nodes[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and keys[c + 1] < keys[c]:
                c += 1
            if keys[c] >= last_k:
                break
            keys[i] = keys[c]
            nodes[i] = nodes[c]
            i = c
        keys[i] = last_k
        nodes[i] = last_n
    return key, node, size


@numba.njit(cache=True, nogil=True)
def _offer(t, c, h, best, best_of, touched, n_touched):
    """Target ``t`` reached at ``c`` metres by helper ``h``: keep the least; returns the touched count."""
    if best_of[t] != h:
        best_of[t] = h
        best[t] = c
        touched[n_touched] = t
        return n_touched + 1
    if c < best[t]:
        best[t] = c
    return n_touched


@numba.njit(cache=True, nogil=True)
def _bounded_pairs(indptr, indices, weights, src_u, src_v, src_wu, src_wv, src_edge, src_off, src_snap,
                   at_ptr, at_target, at_extra, on_ptr, on_target, t_off, t_snap, limit):
    """Every (helper, target) pair within ``limit``: one Dijkstra per helper, settling only nodes
    within the limit; scratch arrays are stamped with the helper's number instead of being reset."""
    n = len(indptr) - 1
    n_t = len(t_snap)
    dist = np.empty(n)
    seen = np.full(n, -1, dtype=np.int64)
    settled = np.full(n, -1, dtype=np.int64)
    best = np.empty(n_t)
    best_of = np.full(n_t, -1, dtype=np.int64)
    touched = np.empty(n_t, dtype=np.int64)
    heap_k = np.empty(len(indices) + 2)
    heap_n = np.empty(len(indices) + 2, dtype=np.int64)
    cap = 1 << 16
    out_h = np.empty(cap, dtype=np.int64)
    out_t = np.empty(cap, dtype=np.int64)
    out_d = np.empty(cap)
    m = 0
    for h in range(len(src_u)):
        size = 0
        n_touched = 0
        for side in range(2):
            x = src_u[h] if side == 0 else src_v[h]
            w = src_wu[h] if side == 0 else src_wv[h]
            if w <= limit and (seen[x] != h or w < dist[x]):
                dist[x] = w
                seen[x] = h
                size = _heap_push(heap_k, heap_n, size, w, x)
        while size > 0:
            d, x, size = _heap_pop(heap_k, heap_n, size)
            if settled[x] == h or d > dist[x]:
                continue
            settled[x] = h
            for k in range(at_ptr[x], at_ptr[x + 1]):  # residents on the edges of x
                n_touched = _offer(at_target[k], d + at_extra[k], h, best, best_of, touched, n_touched)
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                nd = d + weights[k]
                if nd <= limit and settled[y] != h and (seen[y] != h or nd < dist[y]):
                    dist[y] = nd
                    seen[y] = h
                    size = _heap_push(heap_k, heap_n, size, nd, y)
        e = src_edge[h]
        for k in range(on_ptr[e], on_ptr[e + 1]):  # residents on the helper's own edge: the direct walk
            t = on_target[k]
            n_touched = _offer(t, abs(t_off[t] - src_off[h]) + src_snap[h], h, best, best_of, touched, n_touched)
        for i in range(n_touched):
            t = touched[i]
            total = best[t] + t_snap[t]
            if total <= limit:
                if m == cap:
                    cap *= 2
                    grown_h = np.empty(cap, dtype=np.int64)
                    grown_t = np.empty(cap, dtype=np.int64)
                    grown_d = np.empty(cap)
                    grown_h[:m] = out_h[:m]
                    grown_t[:m] = out_t[:m]
                    grown_d[:m] = out_d[:m]
                    out_h, out_t, out_d = grown_h, grown_t, grown_d
                out_h[m] = h
                out_t[m] = t
                out_d[m] = total
                m += 1
    return out_h[:m], out_t[:m], out_d[:m]


def _z_order(xy: np.ndarray) -> np.ndarray:
    """Morton (Z-order) keys of points: 16-bit quantised x and y with their bits interleaved."""
    lo, span = xy.min(axis=0), np.maximum(np.ptp(xy, axis=0), 1e-9)
    q = ((xy - lo) / span * 65535.0).astype(np.uint64)

    def spread(v: np.ndarray) -> np.ndarray:
        v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
        v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
        return (v | (v << np.uint64(1))) & np.uint64(0x55555555)

    return spread(q[:, 0]) | (spread(q[:, 1]) << np.uint64(1))


def _spatial_csr(net: WalkNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The network's CSR with nodes renumbered in Z-order: (indptr, indices, weights, new id of each node).

    Each row keeps its entries in their order, so every search relaxes the same edges in the same
    order and computes the same distances as on the original numbering.
    """
    csr = net.csr
    perm = np.argsort(_z_order(net.node_xy), kind="stable")
    new_id = np.empty(net.n_nodes, dtype=np.int64)
    new_id[perm] = np.arange(net.n_nodes)
    deg = np.diff(csr.indptr).astype(np.int64)[perm]
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    take = np.repeat(csr.indptr[perm].astype(np.int64) - indptr[:-1], deg) + np.arange(indptr[-1])
    return indptr, new_id[csr.indices[take]], np.ascontiguousarray(csr.data[take], dtype=float), new_id


class CandidatePairs(NamedTuple):
    """Helper–target pairs within the walking limit (parallel arrays)."""

    helper: np.ndarray  # index into the helpers' snaps
    target: np.ndarray  # index into the targets' snaps
    network_m: np.ndarray  # walking metres, both snap legs included


def candidate_pairs(net: WalkNetwork, hsnap: Snap, helpers: np.ndarray, tsnap: Snap, targets: np.ndarray,
                    limit_m: float) -> CandidatePairs:
    """Every helper–target pair at most ``limit_m`` apart on the network (a bounded Dijkstra per helper).

    Parameters
    ----------
    net : WalkNetwork
    hsnap : snaps of the helpers (as :func:`gridmap.access.accessibility.snap_centers` gives them).
    helpers : indices into ``hsnap`` of the helpers to route from (snapped: ``edge >= 0``).
    tsnap : snaps of the targets (residents).
    targets : indices into ``tsnap`` of the targets to reach (snapped).
    limit_m : walking metres.

    Returns
    -------
    CandidatePairs
        Grouped by helper, then in the order targets were reached; ``helper``/``target`` index
        ``hsnap``/``tsnap``. Distances are those of :mod:`gridmap.access.accessibility` for the same points:
        helper snap + offset to an edge end, the network path, the offset to the target, the
        target's snap; or the direct walk along a shared edge.
    """
    helpers = np.asarray(helpers, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    empty = CandidatePairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if not len(helpers) or not len(targets) or not limit_m >= 0:
        return empty
    length = net.edge_length
    # nodes renumbered along a Z-order curve, helpers taken in that order: consecutive searches touch
    # neighbouring memory (≈ 2× faster on 100k nodes; distances are unchanged, only visiting order)
    indptr, indices, weights, new_id = _spatial_csr(net)
    helpers = helpers[np.argsort(new_id[net.edge_u[hsnap.edge[helpers]]], kind="stable")]
    # helper ends: the weights of gridmap.access.accessibility's virtual source edges, the same expressions
    he = hsnap.edge[helpers]
    off = np.clip(hsnap.offset[helpers], 0.0, length[he])
    wu = hsnap.dist[helpers] + off
    wv = hsnap.dist[helpers] + length[he] - off
    # targets registered at both ends of their edge, with the offset still to walk
    te = tsnap.edge[targets]
    t_off = np.ascontiguousarray(tsnap.offset[targets])
    nodes = new_id[np.concatenate([net.edge_u[te], net.edge_v[te]])]
    extra = np.concatenate([t_off, length[te] - t_off])
    tgt = np.concatenate([np.arange(len(targets)), np.arange(len(targets))])
    order = np.argsort(nodes, kind="stable")
    at_ptr = np.concatenate([[0], np.cumsum(np.bincount(nodes, minlength=net.n_nodes))]).astype(np.int64)
    on_order = np.argsort(te, kind="stable")
    on_ptr = np.concatenate([[0], np.cumsum(np.bincount(te, minlength=net.n_edges))]).astype(np.int64)
    h, t, d = _bounded_pairs(indptr, indices, weights, new_id[net.edge_u[he]], new_id[net.edge_v[he]], wu, wv, he,
                             hsnap.offset[helpers], hsnap.dist[helpers], at_ptr, tgt[order], extra[order], on_ptr,
                             on_order.astype(np.int64), t_off, np.ascontiguousarray(tsnap.dist[targets]),
                             float(limit_m))
    return CandidatePairs(helpers[h], targets[t], d)


# ------------------------------------------------------------------------------------------------
# the min-cost flow


def solve_pairing(supply: np.ndarray, capacity: np.ndarray, arc_target: np.ndarray, arc_helper: np.ndarray,
                  arc_m: np.ndarray, arc_penalty: np.ndarray | None = None, *,
                  resolution_m: float = DEFAULT_RESOLUTION_M) -> np.ndarray:
    """How many people each arc carries in an optimal pairing (maximum flow of minimum cost).

    Parameters
    ----------
    supply : int array — people at each target (building).
    capacity : int array — people each helper can take.
    arc_target, arc_helper : int arrays — the arcs (candidate pairs).
    arc_m : float array — walking metres of each arc.
    arc_penalty : int array ≥ 0, optional — tie-break penalty of each arc (levels that differ).
    resolution_m : distances are compared in whole multiples of this (default 1 mm).

    Returns
    -------
    int64 array
        Flow on every arc: the most people paired, then the least total rounded distance, then the
        least total penalty. Arcs from empty targets or to helpers with no capacity carry 0.

    Raises
    ------
    ValueError
        When the costs could overflow the solver's 64-bit arithmetic (choose a coarser resolution).
    """
    from ortools.graph.python import min_cost_flow

    supply = np.asarray(supply, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    arc_target = np.asarray(arc_target, dtype=np.int64)
    arc_helper = np.asarray(arc_helper, dtype=np.int64)
    arc_m = np.asarray(arc_m, dtype=float)
    pen = np.zeros(len(arc_target), np.int64) if arc_penalty is None else np.asarray(arc_penalty, np.int64)
    if not resolution_m > 0:
        raise GridmapError("err_pairing_resolution_m_must_positive_got", resolution_m=resolution_m)
    if (pen < 0).any() or (supply < 0).any() or (capacity < 0).any() or (arc_m < 0).any():
        raise GridmapError("err_pairing_supplies_capacities_distances_and_penalties")
    flow = np.zeros(len(arc_target), dtype=np.int64)
    use = np.flatnonzero((supply[arc_target] > 0) & (capacity[arc_helper] > 0)) if len(arc_target) else \
        np.empty(0, np.int64)
    if not len(use):
        return flow
    t_used, t_node = np.unique(arc_target[use], return_inverse=True)
    h_used, h_node = np.unique(arc_helper[use], return_inverse=True)
    units = np.rint(arc_m[use] / resolution_m)
    max_pen = int(pen[use].max())
    bound = int(min(supply[t_used].sum(), capacity[h_used].sum()))
    scale = max_pen * bound + 1  # above any penalty total: distance first, penalties break ties
    n_nodes = len(t_used) + len(h_used)
    if units.max() * scale + max_pen >= _INT64_SAFE // (4 * (n_nodes + 1)):
        raise GridmapError("err_pairing_walking_distances_up_m_at", arc_m=arc_m[use].max(), resolution_m=resolution_m)
    cost = units.astype(np.int64) * scale + pen[use]
    caps = np.minimum(supply[arc_target[use]], capacity[arc_helper[use]])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(t_node.astype(np.int64), (len(t_used) + h_node).astype(np.int64),
                                              caps, cost)
    smcf.set_nodes_supplies(np.arange(n_nodes, dtype=np.int64),
                            np.concatenate([supply[t_used], -capacity[h_used]]))
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise RuntimeError(f"the min-cost flow solver returned status {status} (expected OPTIMAL)")
    flow[use] = smcf.flows(np.arange(len(use), dtype=np.int64))
    return flow


# ------------------------------------------------------------------------------------------------
# the whole pass


@dataclass(frozen=True)
class PairingResult:
    """What :func:`pair_residents` returns.

    Attributes
    ----------
    pairs : one row per person paired — ``resident_index``, ``group``, ``helper_id``, ``network_m``
        and the tie-break code columns given (``grid_code`` …) of the person.
    unpaired : one row per person not paired — ``resident_index``, ``group``, ``reason``
        (:data:`REASONS`), ``detail``, ``nearest_helper_id``, ``nearest_helper_m`` (walking, any
        capacity; NaN when none is reachable), the code columns.
    helpers : the helpers (points, in their own CRS) with ``helper_id``, ``name`` (if given),
        ``capacity``, ``assigned``, ``free``, ``assigned_<group>`` per group, ``snap_m``,
        ``snap_status``, the code columns.
    links : one line per (resident feature, helper) pair used, person → helper, in the network's
        CRS — ``resident_index``, ``helper_id``, ``people``, ``network_m``.
    residents : the resident features with special-group people, as points in the network's CRS —
        ``resident_index``, ``people``, ``paired``, ``unpaired``, ``reason`` (of the unpaired).
    groups : the groups paired, in order.
    stats : figures of the run (people, paired, by reason, total and mean metres, arcs …).
    notes : things the user should know (blank counts taken as 0, helpers not on the network …).
    """

    pairs: pd.DataFrame
    unpaired: pd.DataFrame
    helpers: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    residents: gpd.GeoDataFrame
    groups: tuple[str, ...]
    stats: dict
    notes: tuple[str, ...]


def _points(xy: np.ndarray) -> np.ndarray:
    """Points from coordinates; ``None`` where a row is NaN (no geometry)."""
    out = np.full(len(xy), None, dtype=object)
    ok = np.isfinite(xy).all(axis=1)
    out[ok] = shapely.points(xy[ok])
    return out


def _penalties(res_codes: Sequence[np.ndarray], hel_codes: Sequence[np.ndarray], arc_res: np.ndarray,
               arc_hel: np.ndarray) -> np.ndarray:
    """Per arc, on how many tie-break levels the person's and the helper's codes differ (unknown differs)."""
    pen = np.zeros(len(arc_res), dtype=np.int64)
    for rc, hc in zip(res_codes, hel_codes, strict=True):
        keys, _ = pd.factorize(pd.Series(np.concatenate([rc, hc]), dtype=object), use_na_sentinel=True)
        a, b = keys[: len(rc)][arc_res], keys[len(rc):][arc_hel]
        pen += ((a < 0) | (b < 0) | (a != b)).astype(np.int64)
    return pen


def _ordered_levels(zone_layers: Mapping[str, gpd.GeoDataFrame] | None) -> list[str]:
    """Tie-break levels in order: the known ones finest first, then any others as given."""
    names = list(zone_layers or {})
    return [lv for lv in TIE_BREAK_LEVELS if lv in names] + [lv for lv in names if lv not in TIE_BREAK_LEVELS]


class _HandOut(NamedTuple):
    """The arcs that carry people, in hand-out order, and every person's lot."""

    arc_home: np.ndarray  # the arcs with flow, grouped by home, nearest helper first
    arc_helper: np.ndarray
    arc_m: np.ndarray
    arc_flow: np.ndarray
    person_home: np.ndarray  # every person: home, group (in group order within the home)
    person_group: np.ndarray
    paired: np.ndarray  # bool per person
    person_arc: np.ndarray  # per paired person (in order): index into the arcs above
    paired_of_home: np.ndarray


def _hand_out(pairs: CandidatePairs, flow: np.ndarray, penalty: np.ndarray | None,
              home_counts: np.ndarray) -> _HandOut:
    """Give each home's people, in group order, to the helpers its flow goes to, nearest first
    (then same-zone first, then helper order): the k-th paired person of a home takes the arc
    whose cumulative flow first exceeds k. Any split of an optimal flow is optimal."""
    n_homes, n_groups = home_counts.shape
    used = np.flatnonzero(flow > 0)
    pen = penalty[used] if penalty is not None else np.zeros(len(used), np.int64)
    order = used[np.lexsort((pairs.helper[used], pen, pairs.network_m[used], pairs.target[used]))]
    a_home, a_flow = pairs.target[order], flow[order]
    paired_of_home = np.bincount(a_home, weights=a_flow, minlength=n_homes).astype(np.int64)
    people = home_counts.sum(axis=1)
    person_home = np.repeat(np.repeat(np.arange(n_homes), n_groups), home_counts.ravel())
    person_group = np.repeat(np.tile(np.arange(n_groups), n_homes), home_counts.ravel())
    rank = np.arange(len(person_home)) - np.repeat(np.cumsum(people) - people, people)  # within its home
    paired = rank < paired_of_home[person_home]
    a_start = np.cumsum(a_flow) - a_flow
    first_arc = np.zeros(n_homes, dtype=np.int64)
    if len(a_home):
        first = np.flatnonzero(np.r_[True, a_home[1:] != a_home[:-1]])
        first_arc[a_home[first]] = first
    pp = np.flatnonzero(paired)
    person_arc = np.searchsorted(a_start + a_flow, a_start[first_arc[person_home[pp]]] + rank[pp], side="right")
    return _HandOut(a_home, pairs.helper[order], pairs.network_m[order], a_flow, person_home, person_group, paired,
                    person_arc.astype(np.int64), paired_of_home)


def _reasons(rsnap: Snap, rstatus: np.ndarray, in_reach: np.ndarray, max_distance_m: float,
             snap_limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Why people of each home may be left: (reason code, a sentence) per home."""
    reason = np.where(np.isin(rstatus, [_TOO_FAR, _NO_GEOM]), NOT_ON_NETWORK,
                      np.where(in_reach, HELPERS_FULL, NO_HELPER)).astype(object)
    detail = np.full(len(rstatus), f"no helper within {max_distance_m:g} m walking", dtype=object)
    detail[rstatus == _UNREACHABLE] = "on a piece of street network no helper is on"
    detail[in_reach] = (f"every helper within {max_distance_m:g} m is taken: the pairing that pairs the most "
                        "people with the least walking gives them to others")
    detail[rstatus == _NO_GEOM] = "no geometry"
    far = rstatus == _TOO_FAR
    detail[far] = [f"{d:,.0f} m from the nearest street (limit {snap_limit:g} m)" for d in rsnap.dist[far]]
    return reason, detail


def pair_residents(net: WalkNetwork, residents: gpd.GeoDataFrame, helpers: gpd.GeoDataFrame, *,
                   groups: Sequence[str] | None = None, max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
                   per_helper: int = DEFAULT_PER_HELPER, helper_id: str = "helper_id",
                   capacity: str | None = "capacity",
                   zone_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
                   snap_limit: float = DEFAULT_SNAP_LIMIT, resident_index: Sequence[int] | None = None,
                   helper_rows: Sequence[int] | None = None, index: EdgeIndex | None = None,
                   resolution_m: float = DEFAULT_RESOLUTION_M) -> PairingResult:
    """Pair every special-group person with one helper within a walk, optimally (see the module docstring).

    Parameters
    ----------
    net : WalkNetwork
    residents : buildings or points (any CRS) with one count column per group.
    helpers : points (or building polygons) with ``helper_id``; optional ``name``, ``phone``,
        ``capacity``.
    groups : count columns to pair (default: the special groups present).
    max_distance_m : walking limit in metres (snap legs included).
    per_helper : people per helper where ``capacity`` is not given.
    helper_id, capacity : column names in ``helpers`` (``capacity=None``: ignore any such column).
    zone_layers : ``{code column: polygons}`` for the tie-break (``grid_code``; later ``micro_code``).
    snap_limit : metres from a street beyond which a point is not on the network.
    resident_index : the 0-based file row of each resident feature (default positions; pass the
        index as read when rows were dropped, e.g. with ``--drop-empty``).
    helper_rows : the 0-based file row of each helper (for messages).
    index : a prebuilt :class:`~gridmap.access.accessibility.EdgeIndex` of ``net``.
    resolution_m : distance resolution of the optimisation (default 1 mm).

    Returns
    -------
    PairingResult

    Raises
    ------
    LayerError
        Unusable input (missing columns, bad counts or ids), naming file, row and column.
    ValueError
        A limit that is not a finite positive number of metres.
    """
    for name, value in (("max_distance_m", max_distance_m), ("snap_limit", snap_limit)):
        if not (isinstance(value, (int, float, np.floating, np.integer)) and np.isfinite(value) and value > 0):
            raise GridmapError("err_pairing_must_finite_number_metres_0", name=name, value=value)
    if residents.crs is None or helpers.crs is None:
        raise LayerError("err_pair_no_crs")
    n_res = len(residents)
    res_rows = np.arange(n_res) if resident_index is None else np.asarray(resident_index, dtype=np.int64)
    if len(res_rows) != n_res:
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise ValueError("resident_index must have one entry per resident feature")
    counts, groups, blanks = special_group_counts(residents, groups, rows=res_rows)
    ids, cap = helper_capacities(helpers, per_helper, helper_id=helper_id, capacity=capacity, rows=helper_rows)
    notes: list[str] = []
    if blanks:
        notes.append(f"{blanks} blank special-group value(s) counted as 0")
    index = index or EdgeIndex(net)
    res_xy = representative_xy(residents, net.crs)
    hel_xy = representative_xy(helpers, net.crs)

    # snapping (as gridmap.access.accessibility)
    hsnap, hstatus = snap_centers(net, index, hel_xy, snap_limit)
    routable = np.flatnonzero(hstatus == _OK)
    people = counts.sum(axis=1)
    homes = np.flatnonzero(people > 0)
    rsnap, rstatus = snap_residents(net, index, res_xy[homes], hsnap, routable, snap_limit)
    routed = np.flatnonzero(rstatus == _OK)

    # candidate pairs, tie-break penalties, the flow
    pairs = candidate_pairs(net, hsnap, routable, rsnap, routed, max_distance_m)
    levels = _ordered_levels(zone_layers)
    zones = zone_layers or {}
    res_codes = {lv: zone_codes(res_xy[homes], zones[lv], lv, net.crs) for lv in levels}
    hel_codes = {lv: zone_codes(hel_xy, zones[lv], lv, net.crs) for lv in levels}
    penalty = _penalties([res_codes[lv] for lv in levels], [hel_codes[lv] for lv in levels], pairs.target,
                         pairs.helper) if levels else None
    flow = solve_pairing(people[homes], cap, pairs.target, pairs.helper, pairs.network_m, penalty,
                         resolution_m=resolution_m)

    # read-off: one row per person, the unpaired with their reasons, the helpers' loads
    ho = _hand_out(pairs, flow, penalty, counts[homes])
    group_names = np.array(groups, dtype=object)
    paired_people = np.flatnonzero(ho.paired)
    p_home, p_arc = ho.person_home[paired_people], ho.person_arc
    pair_table = pd.DataFrame({
        "resident_index": res_rows[homes[p_home]],
        "group": group_names[ho.person_group[paired_people]],
        "helper_id": ids[ho.arc_helper[p_arc]],
        "network_m": ho.arc_m[p_arc],
    })
    for lv in levels:
        pair_table[lv] = res_codes[lv][p_home]

    home_reason, detail = _reasons(rsnap, rstatus, np.isin(np.arange(len(homes)), pairs.target), max_distance_m,
                                   snap_limit)
    left = np.flatnonzero(~ho.paired)
    left_home = ho.person_home[left]
    near_m = np.full(len(homes), np.nan)
    near_id = np.full(len(homes), None, dtype=object)
    with_left = np.unique(left_home)
    if len(with_left) and len(routable):  # the nearest helper, any capacity: one multi-source Dijkstra
        rr = nearest_center_arrays(net, res_xy[homes[with_left]], hel_xy, snap_limit=snap_limit, index=index)
        near_m[with_left] = rr.network_m
        near_id[with_left] = np.where(rr.center >= 0, ids[np.clip(rr.center, 0, None)], None)
    unpaired_table = pd.DataFrame({
        "resident_index": res_rows[homes[left_home]],
        "group": group_names[ho.person_group[left]],
        "reason": home_reason[left_home],
        "detail": detail[left_home],
        "nearest_helper_id": near_id[left_home],
        "nearest_helper_m": near_m[left_home],
    })
    for lv in levels:
        unpaired_table[lv] = res_codes[lv][left_home]

    assigned = np.bincount(ho.arc_helper, weights=ho.arc_flow, minlength=len(helpers)).astype(np.int64)
    hel_out = gpd.GeoDataFrame({"helper_id": ids}, geometry=_points(hel_xy), crs=net.crs)
    if "name" in helpers.columns:
        hel_out["name"] = helpers["name"].astype(object).where(helpers["name"].notna(), None).to_numpy()
    hel_out["capacity"] = cap
    hel_out["assigned"] = assigned
    hel_out["free"] = np.where(hstatus == _OK, cap - assigned, 0)
    for j, g in enumerate(groups):
        of_group = ho.person_group[paired_people] == j
        hel_out[f"assigned_{g}"] = np.bincount(ho.arc_helper[p_arc[of_group]], minlength=len(helpers)).astype(np.int64)
    hel_out["snap_m"] = hsnap.dist
    hel_out["snap_status"] = _SNAP_NAMES[hstatus]
    for lv in levels:
        hel_out[lv] = hel_codes[lv]
    hel_out = hel_out.to_crs(helpers.crs)

    # lines person → helper, and the homes
    a_home, a_hel = ho.arc_home, ho.arc_helper
    line_geoms = shapely.linestrings(np.stack([res_xy[homes[a_home]], hel_xy[a_hel]], axis=1)) if len(a_home) \
        else np.empty(0, dtype=object)
    links = gpd.GeoDataFrame({"resident_index": res_rows[homes[a_home]], "helper_id": ids[a_hel],
                              "people": ho.arc_flow, "network_m": ho.arc_m}, geometry=line_geoms, crs=net.crs)
    n_left = people[homes] - ho.paired_of_home
    homes_out = gpd.GeoDataFrame({"resident_index": res_rows[homes], "people": people[homes],
                                  "paired": ho.paired_of_home, "unpaired": n_left,
                                  "reason": np.where(n_left > 0, home_reason, None)},  # type: ignore[call-overload]
                                 geometry=_points(res_xy[homes]), crs=net.crs)

    off_net = np.flatnonzero(hstatus != _OK)
    if len(off_net):
        notes.append(f"{len(off_net)} helper(s) not on the network (farther than {snap_limit:g} m from a street or "
                     f"without geometry), so not paired: {', '.join(map(str, ids[off_net][:5]))}"
                     + (" …" if len(off_net) > 5 else ""))
    n_people = int(people.sum())
    n_paired = int(ho.arc_flow.sum())
    by_reason = unpaired_table["reason"].value_counts()
    stats = {
        "people": n_people, "paired": n_paired, "unpaired": n_people - n_paired,
        **{f"unpaired_{r}": int(by_reason.get(r, 0)) for r in REASONS},
        "total_m": float(pair_table["network_m"].sum()), "mean_m": float(pair_table["network_m"].mean())
        if n_paired else float("nan"),
        "max_m": float(pair_table["network_m"].max()) if n_paired else float("nan"),
        "resident_features": int(len(homes)), "helpers": int(len(helpers)), "helpers_on_network": int(len(routable)),
        "helpers_used": int((assigned > 0).sum()), "capacity": int(cap[routable].sum()),
        "candidate_pairs": int(len(pairs.helper)), "max_distance_m": float(max_distance_m),
        "tie_break": ", ".join(levels) if levels else "none",
    }
    for lv in levels:  # pairs whose person and helper share the code
        mine, theirs = res_codes[lv][p_home], hel_codes[lv][ho.arc_helper[p_arc]]
        stats[f"paired_same_{lv}"] = int(sum(a is not None and a == b for a, b in zip(mine, theirs, strict=True)))
    return PairingResult(pair_table, unpaired_table, hel_out, links, homes_out, groups, stats, tuple(notes))


# ------------------------------------------------------------------------------------------------
# demo


def demo_helpers(residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame | None = None, *,
                 households_per_helper: int = DEMO_HOUSEHOLDS_PER_HELPER,
                 center_capacity: int = DEMO_CENTER_CAPACITY) -> gpd.GeoDataFrame:
    """Synthetic helpers for the demo — no real person behind any of them.

    Volunteers (志愿者) live in the residential buildings: walking the buildings in file order,
    one volunteer every ``households_per_helper`` households (a systematic sample proportional to
    households), placed at the building's point on surface, ids ``V0001`` …; and one social worker
    (社工) at each 党群服务中心 with capacity ``center_capacity``, ids ``S-<center_id>``. No names or
    phone numbers are invented: ``name`` says what the helper is. Deterministic.
    """
    hh = pd.to_numeric(residents["households"], errors="coerce").fillna(0).to_numpy(dtype=float)
    cum = np.cumsum(hh)
    k = np.floor(cum / households_per_helper).astype(np.int64)
    per_building = np.diff(np.concatenate([[0], k]))
    at = np.repeat(np.arange(len(residents)), per_building)
    pts = residents.geometry.to_numpy()[at]
    pts = np.where(shapely.get_type_id(pts) == 0, pts, shapely.point_on_surface(pts))
    vol = gpd.GeoDataFrame({"helper_id": [f"V{i + 1:04d}" for i in range(len(at))],
                            "name": "志愿者 (synthetic demo volunteer)", "capacity": pd.array([pd.NA] * len(at),
                                                                                           dtype="Int64")},
                           geometry=list(pts), crs=residents.crs)
    if centers is None or not len(centers):
        return vol
    soc = gpd.GeoDataFrame({"helper_id": [f"S-{c}" for c in centers["center_id"]],
                            "name": [f"社工 (synthetic) {n}" for n in centers["name"]],
                            "capacity": pd.array([center_capacity] * len(centers), dtype="Int64")},
                           geometry=list(centers.geometry.to_numpy()), crs=centers.crs)
    if not soc.crs.equals(vol.crs):
        soc = soc.to_crs(vol.crs)
    return pd.concat([vol, soc], ignore_index=True)
