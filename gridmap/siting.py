"""Where new service centres help most (选址): maximal covering location and p-median on the walking network.

The question planners ask is "where do we open the next k 党群服务站 so that the most households (or
独居老人, 留守儿童, 残疾人 …) are within a 15-minute walk, keeping the centres we have?" (DESIGN §3.5).

Method
------
1. **Snapping, as in** :mod:`gridmap.access`. Residents are snapped to the nearest street exactly as
   :func:`gridmap.access.compute_access` snaps them for the existing centres, and candidates exactly as
   it snaps centres (:func:`gridmap.access._snap_centers`: a virtual node joined to both ends of its
   street, snap distance + offset on each side). The baseline (existing centres) is the very same
   multi-source Dijkstra and read-off, so with k = 0 the coverage figures *are* those of the access
   analysis, bit for bit.
2. **Candidate → resident distances.** One ``scipy.sparse.csgraph.dijkstra(indices=…, limit=…)`` per
   chunk of candidates, bounded by the radius (p-median: by the largest current distance); every
   reached node hands its distance on to the residents snapped to its edges (node → resident
   incidence, vectorised with ``np.repeat``), residents on a candidate's own edge get the direct walk
   along it, both snap legs count, and the minimum per (candidate, resident) pair is kept. The result
   is a sparse (candidates × residents) CSR matrix of walking distances, with the same floating-point
   operations, in the same order, as :mod:`gridmap.access` — so a site accepted as a new centre gives
   the same distances there.
3. **Solvers.** *Coverage* (maximal covering location with the existing centres kept): choose k
   candidates maximising the weight newly within ``radius_m``. Greedy with lazy evaluation (CELF,
   Leskovec et al. 2007) for any size — the objective is monotone submodular, so greedy is
   ≥ (1 − 1/e) of the optimum, and a data-dependent upper bound on the optimum (Minoux/Leskovec: the
   value after each step plus the k largest marginal gains then) is reported with it; an exact MILP
   (``scipy.optimize.milp``, HiGHS) for small instances. *Target*: the fewest sites reaching a target
   share (greedy; or exact set-cover MILP). *p-median*: minimise the total weighted walking distance
   (savings against the current distance, also submodular: CELF greedy or an exact MILP).

Shares are of the total weight of all residents (routed or not), as the ``*_within_*_pct`` figures of
:func:`gridmap.access.summarize_access`. Residents too far from every street (``snap_limit``) or with
no geometry can never be covered and stay in the denominator.

Candidates: every network node of the main network (components of at least
:data:`gridmap.access.MAJOR_COMPONENT_M` of street), thinned to one per ``spacing_m`` square (the node
nearest the square's centre); the public buildings of the OSM file (:data:`PUBLIC_BUILDING_TYPES`); or
any point/polygon layer (e.g. points a planner clicked). The nearest street name comes from the OSM
file's named ``highway`` ways (:func:`gridmap.io.read_osm_basemap`), since the walking network keeps
no names.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass
from typing import Literal, NamedTuple, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import dijkstra

from gridmap.access import (
    _OK,
    _UNREACHABLE,
    DEFAULT_SNAP_LIMIT,
    MAJOR_COMPONENT_M,
    SPECIAL_GROUPS,
    EdgeIndex,
    Snap,
    _csr_with_sources,
    _node_distances,
    _read_off,
    _snap_centers,
    representative_xy,
    snap_residents,
)
from gridmap.errors import ParameterError, check_number
from gridmap.network import WalkNetwork

__all__ = [
    "DEFAULT_RADIUS_M",
    "DEFAULT_SPACING_M",
    "PUBLIC_BUILDING_TYPES",
    "SitingProblem",
    "SitingResult",
    "build_problem",
    "node_candidates",
    "public_building_candidates",
    "nearest_street_names",
    "candidate_distances",
    "greedy_coverage",
    "milp_coverage",
    "greedy_min_sites",
    "milp_min_sites",
    "greedy_p_median",
    "milp_p_median",
    "recommend_sites",
    "sites_for_target",
]

DEFAULT_RADIUS_M = 1000.0  # the 15-minute life circle (GB 50180-2018), DESIGN §6
DEFAULT_SPACING_M = 100.0  # one node candidate per 100 m square: a site within ~70 m of any node
#: OSM ``building=*`` values taken as public buildings that could host a 党群服务站.
PUBLIC_BUILDING_TYPES: tuple[str, ...] = (
    "civic", "public", "government", "community_centre", "townhall", "office", "commercial", "retail",
    "kindergarten", "school", "college", "university", "hospital", "library", "service",
)
#: Count columns reported per site and in the summary, when present.
MEASURES: tuple[str, ...] = ("households", "population", *SPECIAL_GROUPS)
_CHUNK_CELLS = 4_000_000  # dense Dijkstra rows per chunk × nodes: ≤ 32 MB of float64 at a time
_EPS = 1e-9

Objective = Literal["coverage", "p_median"]
Method = Literal["greedy", "milp"]


# ------------------------------------------------------------------------------------------------
# candidates


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
        components with at least :data:`~gridmap.access.MAJOR_COMPONENT_M` of street (or of the
        longest component, if none is that long), like centres.
    """
    comp = net.component
    comp_len = np.bincount(comp[net.edge_u], weights=net.edge_length, minlength=int(comp.max()) + 1)
    major = comp_len >= min(MAJOR_COMPONENT_M, comp_len.max())
    degree = np.bincount(np.concatenate([net.edge_u, net.edge_v]), minlength=net.n_nodes)
    keep = np.flatnonzero(major[comp] & (degree > 0))
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
    from gridmap.io import read_osm_basemap

    _streets, buildings = read_osm_basemap(osm_path)
    sel = buildings[buildings["building"].isin(list(types))].reset_index(drop=True)
    pts = shapely.point_on_surface(shapely.make_valid(sel.geometry.to_numpy()))
    return gpd.GeoDataFrame({"candidate_id": [f"B{i}" for i in range(len(sel))],
                             "building": sel["building"].to_numpy(), "name": sel["name"].to_numpy()},
                            geometry=pts, crs=buildings.crs)


def _candidate_frame(candidates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with a unique string ``candidate_id`` (kept, or from ``site_id`` / ``name`` / the row)."""
    out = candidates.copy()
    if "candidate_id" not in out.columns:
        src = next((c for c in ("site_id", "name") if c in out.columns and out[c].notna().all()
                    and out[c].is_unique), None)
        out["candidate_id"] = out[src].astype(str) if src else [f"P{i + 1}" for i in range(len(out))]
    out["candidate_id"] = out["candidate_id"].astype(str)
    if not out["candidate_id"].is_unique:
        raise ValueError("candidate_id values must be unique")
    return out


def nearest_street_names(xy: np.ndarray, streets: gpd.GeoDataFrame, crs) -> tuple[np.ndarray, np.ndarray]:
    """Name of, and distance to, the nearest *named* street of each point.

    Parameters
    ----------
    xy : float array (n, 2) in ``crs``.
    streets : lines with a ``name`` column (e.g. from :func:`gridmap.io.read_osm_basemap`), any CRS.
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


# ------------------------------------------------------------------------------------------------
# distances


def candidate_distances(net: WalkNetwork, csnap: Snap, rsnap: Snap, residents: np.ndarray, limit: float,
                        *, chunk: int | None = None) -> sparse.csr_matrix:
    """Walking distances from every candidate to the given residents, where at most ``limit``.

    Parameters
    ----------
    net : WalkNetwork
    csnap : Snap of the candidates (all routable: ``edge >= 0``).
    rsnap : Snap of all residents.
    residents : int array — the residents (indices into ``rsnap``) to measure; others get no entries.
    limit : metres; pairs farther apart are left out.
    chunk : candidates per Dijkstra call (default: about :data:`_CHUNK_CELLS` / nodes).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (candidates, len(rsnap)), float64 distances in metres including both snap legs;
        explicit zeros are real zero distances (built from index arrays, never summed).
    """
    n, n_cand, m = net.n_nodes, len(csnap.edge), len(rsnap.edge)
    residents = np.sort(np.asarray(residents, dtype=np.int64))
    if n_cand == 0 or len(residents) == 0:
        return sparse.csr_matrix((n_cand, m))
    graph = _csr_with_sources(net, csnap, np.arange(n_cand))
    e = rsnap.edge[residents]
    t = rsnap.offset[residents]
    ru, rv = net.edge_u[e], net.edge_v[e]
    back = net.edge_length[e] - t
    snap_r = rsnap.dist[residents]
    # residents on a candidate's own edge walk directly along it: all such pairs, found by a sort
    c_order = np.argsort(csnap.edge, kind="stable")
    r_order = np.argsort(e, kind="stable")
    lo = np.searchsorted(e[r_order], csnap.edge[c_order], side="left")
    cnt = np.searchsorted(e[r_order], csnap.edge[c_order], side="right") - lo
    rep = np.repeat(np.arange(n_cand), cnt)
    same_j = c_order[rep]
    same_col = r_order[np.repeat(lo - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(len(rep))]
    same_d = np.abs(t[same_col] - csnap.offset[same_j]) + csnap.dist[same_j]
    by_j = np.argsort(same_j, kind="stable")
    same_j, same_col, same_d = same_j[by_j], same_col[by_j], same_d[by_j]
    cut = limit * (1 + 1e-12) + _EPS  # csgraph's limit is strict: keep nodes at exactly `limit`
    chunk = chunk or max(1, min(n_cand, _CHUNK_CELLS // max(n, len(residents), 1)))
    counts = np.zeros(n_cand, dtype=np.int64)
    parts_i, parts_d = [], []
    for a in range(0, n_cand, chunk):
        b = min(a + chunk, n_cand)
        d = dijkstra(graph, directed=True, indices=n + np.arange(a, b), limit=cut)
        # the same operations, in the same order, as access._read_off: min over both ends, then the snap
        best = np.minimum(d[:, ru] + t, d[:, rv] + back)
        s0, s1 = np.searchsorted(same_j, [a, b])
        if s1 > s0:
            rows, cols = same_j[s0:s1] - a, same_col[s0:s1]
            best[rows, cols] = np.minimum(best[rows, cols], same_d[s0:s1])
        best += snap_r
        jj, cc = np.nonzero(best <= limit)
        counts[a:b] = np.bincount(jj, minlength=b - a)
        parts_i.append(residents[cc])
        parts_d.append(best[jj, cc])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((np.concatenate(parts_d), np.concatenate(parts_i), indptr), shape=(n_cand, m))


# ------------------------------------------------------------------------------------------------
# the problem


@dataclass(frozen=True, eq=False)
class SitingProblem:
    """Everything the solvers need, computed once: snapping, the baseline and candidate distances.

    Attributes
    ----------
    radius_m : coverage radius (walking metres).
    weight : name of the weight column.
    measures : {column: float array (n_residents,)} — ``weight`` plus the count columns present.
    baseline_m : float array — walking distance to the nearest existing centre (NaN: not routed);
        identical to ``network_m`` of :func:`gridmap.access.compute_access`.
    routed : bool array — residents within the snap limit of a street (coverable in principle).
    covered0 : bool array — ``baseline_m <= radius_m``.
    dist : csr_matrix (n_candidates, n_residents) — walking distances up to ``limit_m``.
    limit_m : the bound of ``dist`` (``radius_m`` for coverage; the largest current distance for
        p-median).
    current_m : float array — the p-median's current distance (baseline, capped at ``limit_m``;
        ``limit_m`` where not reached); NaN where not routed.
    candidates : GeoDataFrame in the network's CRS — the routable candidates, with ``snap_m``.
    dropped_candidates : number of candidates farther than the snap limit from every street.
    crs : the network's CRS.
    """

    radius_m: float
    weight: str
    measures: dict[str, np.ndarray]
    baseline_m: np.ndarray
    routed: np.ndarray
    covered0: np.ndarray
    dist: sparse.csr_matrix
    limit_m: float
    current_m: np.ndarray
    candidates: gpd.GeoDataFrame
    dropped_candidates: int
    crs: object

    @property
    def w(self) -> np.ndarray:
        """The weight of every resident."""
        return self.measures[self.weight]

    def cover(self, radius_m: float | None = None) -> sparse.csr_matrix:
        """Boolean-valued (0/1 float) CSR of candidate → resident within ``radius_m`` (default the radius)."""
        r = self.radius_m if radius_m is None else radius_m
        d = self.dist
        ok = d.data <= r
        rows = np.repeat(np.arange(d.shape[0]), np.diff(d.indptr))[ok]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=d.shape[0]))])
        return sparse.csr_matrix((np.ones(int(ok.sum())), d.indices[ok], indptr), shape=d.shape)


def _weights(residents: gpd.GeoDataFrame, weight: str) -> dict[str, np.ndarray]:
    if weight not in residents.columns:
        raise KeyError(f"residents have no {weight!r} column (weight: households, population or a "
                       f"special-group column such as {', '.join(SPECIAL_GROUPS)})")
    out = {}
    for col in dict.fromkeys([*MEASURES, weight]):
        if col in residents.columns:
            vals = pd.to_numeric(residents[col], errors="coerce")
            if col == weight and vals.notna().sum() < residents[col].notna().sum():
                raise ValueError(f"weight column {weight!r} has values that are not numbers")
            arr = vals.fillna(0).to_numpy(dtype=float)
            if (arr < 0).any():
                raise ValueError(f"column {col!r} has negative values")
            out[col] = arr
    return out


def build_problem(net: WalkNetwork, residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame | None, *,
                  radius_m: float = DEFAULT_RADIUS_M, weight: str = "households",
                  candidates: str | gpd.GeoDataFrame | None = None, spacing_m: float | None = DEFAULT_SPACING_M,
                  objective: Objective = "coverage", snap_limit: float = DEFAULT_SNAP_LIMIT,
                  max_distance_m: float | None = None, osm_path: str | os.PathLike | None = None,
                  index: EdgeIndex | None = None) -> SitingProblem:
    """Snap, route the existing centres and measure candidate → resident distances, once.

    Parameters
    ----------
    net : WalkNetwork
    residents : points or building polygons with the weight column (any CRS).
    centers : existing centres (kept), or ``None`` / empty to site from scratch.
    radius_m : coverage radius in walking metres (default 1000 = the 15-minute life circle).
    weight : column to maximise: ``households``, ``population`` or a special-group column.
    candidates : ``None`` / ``"nodes"`` (network nodes thinned to ``spacing_m``), ``"public_buildings"``
        (needs ``osm_path``) or a GeoDataFrame of points (polygons are taken at their point on surface).
    spacing_m : thinning of node candidates (``None``/0: every node).
    objective : ``"coverage"`` or ``"p_median"`` (decides how far distances are measured).
    snap_limit : metres; residents and candidates farther from every street are not routed.
    max_distance_m : p-median only: distances are capped here (default: the largest current distance
        of a routed resident, at least ``radius_m``), so the p-median is exact below the cap.
    osm_path : the OSM file, for public-building candidates.
    index : a prebuilt :class:`~gridmap.access.EdgeIndex` of ``net``.

    Returns
    -------
    SitingProblem
    """
    if objective not in ("coverage", "p_median"):
        raise ParameterError(f"objective must be 'coverage' or 'p_median', got {objective!r}")
    check_number(radius_m, "radius_m", "walking metres", above=0)
    check_number(snap_limit, "snap_limit", "metres", above=0)
    if spacing_m is not None:
        check_number(spacing_m, "spacing_m", "metres", minimum=0)
    measures = _weights(residents, weight)
    index = index or EdgeIndex(net)
    res_xy = representative_xy(residents, net.crs)
    if centers is not None and len(centers):
        cen_xy = representative_xy(centers, net.crs)
    else:
        cen_xy = np.empty((0, 2))
    csnap0, cstatus0 = _snap_centers(net, index, cen_xy, snap_limit) if len(cen_xy) else (
        Snap(np.empty(0, np.int64), np.empty(0), np.empty(0)), np.empty(0, np.int64))
    which = np.flatnonzero(cstatus0 == _OK)
    rsnap, status = snap_residents(net, index, res_xy, csnap0, which, snap_limit)
    routed = (status == _OK) | (status == _UNREACHABLE)
    dist0, src0 = _node_distances(net, csnap0, which)
    baseline, _centre = _read_off(net, rsnap, status == _OK, csnap0, which, dist0, src0)
    covered0 = np.nan_to_num(baseline, nan=np.inf) <= radius_m

    # candidates
    if candidates is None or (isinstance(candidates, str) and candidates == "nodes"):
        cand = node_candidates(net, spacing_m)
    elif isinstance(candidates, str) and candidates == "public_buildings":
        if osm_path is None:
            raise ParameterError("candidates='public_buildings' needs osm_path (the OSM file)")
        cand = public_building_candidates(osm_path)
    elif isinstance(candidates, gpd.GeoDataFrame):
        cand = _candidate_frame(candidates)
    else:
        raise ParameterError(f"candidates must be 'nodes', 'public_buildings' or a GeoDataFrame, got {candidates!r}")
    cand = cand.to_crs(net.crs) if cand.crs is not None and not cand.crs.equals(net.crs) else cand
    cand_xy = representative_xy(cand, net.crs) if len(cand) else np.empty((0, 2))
    if len(cand):
        csnap, cstatus = _snap_centers(net, index, cand_xy, snap_limit)
    else:
        csnap, cstatus = Snap(np.empty(0, np.int64), np.empty(0), np.empty(0)), np.empty(0, np.int64)
    ok = cstatus == _OK
    cand = cand[ok].copy()
    cand = cand.set_geometry(shapely.points(cand_xy[ok]), crs=net.crs)
    cand["snap_m"] = csnap.dist[ok]
    csnap = Snap(csnap.edge[ok], csnap.offset[ok], csnap.dist[ok])

    if objective == "coverage":
        limit = float(radius_m)
        target = np.flatnonzero(routed & ~covered0)
        current = np.where(routed, np.nan_to_num(baseline, nan=np.inf), np.nan)
    else:
        finite = baseline[routed & np.isfinite(baseline)]
        limit = float(max_distance_m) if max_distance_m else max(float(finite.max()) if len(finite) else 0.0,
                                                                 float(radius_m))
        limit = max(limit, float(radius_m))
        target = np.flatnonzero(routed)
        current = np.where(routed, np.minimum(np.nan_to_num(baseline, nan=np.inf), limit), np.nan)
    dist = candidate_distances(net, csnap, rsnap, target, limit)
    return SitingProblem(radius_m=float(radius_m), weight=weight, measures=measures, baseline_m=baseline,
                         routed=routed, covered0=covered0, dist=dist, limit_m=limit, current_m=current,
                         candidates=cand.reset_index(drop=True), dropped_candidates=int((~ok).sum()), crs=net.crs)


# ------------------------------------------------------------------------------------------------
# solvers on arrays


class Greedy(NamedTuple):
    """What the greedy solvers return."""

    order: np.ndarray
    gains: np.ndarray
    upper_bound: float


def _celf(n_cand: int, initial: np.ndarray, regain, select, k: int, stop=None) -> tuple[list[int], list[float]]:
    """Lazy greedy (CELF): pop the best upper bound; recompute it if stale; take it if fresh."""
    heap = [(-g, j) for j, g in enumerate(initial.tolist()) if g > 0]
    heapq.heapify(heap)
    stamp = np.zeros(n_cand, dtype=np.int64)
    chosen: list[int] = []
    gains: list[float] = []
    while heap and len(chosen) < k and not (stop and stop()):
        neg, j = heapq.heappop(heap)
        if stamp[j] == len(chosen):
            chosen.append(j)
            gains.append(-neg)
            select(j)
        else:
            g = regain(j)
            stamp[j] = len(chosen)
            if g > 0:
                heapq.heappush(heap, (-g, j))
    return chosen, gains


def greedy_coverage(cover: sparse.csr_matrix, w: np.ndarray, k: int, covered0: np.ndarray | None = None, *,
                    target_weight: float | None = None, bound: bool = True) -> Greedy:
    """Maximal covering location by lazy greedy (CELF).

    Parameters
    ----------
    cover : csr_matrix (n_candidates, n_demand), nonzero where the candidate covers the demand point.
    w : demand weights (≥ 0).
    k : number of sites (at most).
    covered0 : demand already covered (by the existing centres).
    target_weight : stop as soon as this much weight is newly covered.
    bound : compute the data-dependent upper bound on the optimum (one sparse product per step).

    Returns
    -------
    Greedy
        ``order`` (candidate indices in the order chosen; stops early when no candidate adds
        anything), ``gains`` (newly covered weight of each), ``upper_bound`` on the optimal newly
        covered weight with ``k`` sites (``min_i f(S_i) + the k largest marginal gains given S_i``;
        NaN when not computed).
    """
    cover = sparse.csr_matrix(cover)
    live = np.asarray(w, dtype=float) * (1.0 if covered0 is None else ~np.asarray(covered0, bool))
    indptr, indices = cover.indptr, cover.indices
    total = [0.0]
    ub = [np.inf]

    def regain(j: int) -> float:
        return float(live[indices[indptr[j]:indptr[j + 1]]].sum())

    def track_bound() -> None:
        if bound and k > 0:
            g = cover @ live
            top = np.partition(g, len(g) - min(k, len(g)))[len(g) - min(k, len(g)):] if len(g) else g
            ub[0] = min(ub[0], total[0] + float(top.sum()))

    def select(j: int) -> None:
        idx = indices[indptr[j]:indptr[j + 1]]
        total[0] += float(live[idx].sum())
        live[idx] = 0.0
        track_bound()

    track_bound()
    stop = (lambda: total[0] >= target_weight - _EPS) if target_weight is not None else None
    chosen, gains = _celf(cover.shape[0], cover @ live, regain, select, k, stop)
    return Greedy(np.asarray(chosen, np.int64), np.asarray(gains),
                  (float(ub[0]) if k > 0 else 0.0) if bound else np.nan)


def _milp_options(time_limit: float | None) -> dict:
    return {"disp": False, **({"time_limit": float(time_limit)} if time_limit else {})}


def milp_coverage(cover: sparse.csr_matrix, w: np.ndarray, k: int, covered0: np.ndarray | None = None, *,
                  time_limit: float | None = 60.0) -> tuple[np.ndarray, float, bool]:
    """Exact maximal covering location (existing coverage kept) by ``scipy.optimize.milp`` (HiGHS).

    max Σ w_i z_i  s.t.  z_i ≤ Σ_j a_ji y_j,  Σ_j y_j ≤ k,  y ∈ {0, 1},  0 ≤ z ≤ 1
    (z is integral at an optimum), over the demand not yet covered.

    Returns
    -------
    (chosen candidate indices, optimal newly covered weight, proven optimal)
    """
    cover = sparse.csr_matrix(cover)
    n_cand = cover.shape[0]
    live = np.asarray(w, dtype=float) * (1.0 if covered0 is None else ~np.asarray(covered0, bool))
    cols = np.flatnonzero((live > 0) & (np.asarray(cover.sum(axis=0)).ravel() > 0))
    if n_cand == 0 or len(cols) == 0 or k <= 0:
        return np.empty(0, np.int64), 0.0, True
    a = (cover[:, cols] != 0).astype(float).T.tocsr()  # demand × candidates
    n_z = len(cols)
    c = np.concatenate([np.zeros(n_cand), -live[cols]])
    rows = sparse.hstack([-a, sparse.identity(n_z, format="csr")], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_z)])[None, :])
    cons = [LinearConstraint(rows, -np.inf, 0.0), LinearConstraint(budget, -np.inf, float(min(k, n_cand)))]
    integrality = np.concatenate([np.ones(n_cand), np.zeros(n_z)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1), options=_milp_options(time_limit))
    if res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    value = float(live[cols][np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0].sum())
    return chosen, value, bool(res.status == 0)


def greedy_min_sites(cover: sparse.csr_matrix, w: np.ndarray, target_weight: float,
                     covered0: np.ndarray | None = None) -> Greedy:
    """The fewest sites (greedy) newly covering ``target_weight``: greedy until reached or stuck."""
    return greedy_coverage(cover, w, cover.shape[0], covered0, target_weight=target_weight, bound=False)


def milp_min_sites(cover: sparse.csr_matrix, w: np.ndarray, target_weight: float,
                   covered0: np.ndarray | None = None, *, time_limit: float | None = 60.0
                   ) -> tuple[np.ndarray, float, bool]:
    """Exact fewest sites newly covering at least ``target_weight`` (weighted partial set cover, MILP).

    min Σ y_j  s.t.  Σ w_i z_i ≥ target,  z_i ≤ Σ_j a_ji y_j,  y ∈ {0, 1},  0 ≤ z ≤ 1.

    Returns
    -------
    (chosen indices, newly covered weight, proven optimal); raises ``ValueError`` if infeasible.
    """
    cover = sparse.csr_matrix(cover)
    n_cand = cover.shape[0]
    live = np.asarray(w, dtype=float) * (1.0 if covered0 is None else ~np.asarray(covered0, bool))
    if target_weight <= _EPS:
        return np.empty(0, np.int64), 0.0, True
    cols = np.flatnonzero((live > 0) & (np.asarray(cover.sum(axis=0)).ravel() > 0))
    if live[cols].sum() < target_weight - _EPS:
        raise ValueError("the target cannot be reached with these candidates")
    a = (cover[:, cols] != 0).astype(float).T.tocsr()
    n_z = len(cols)
    c = np.concatenate([np.ones(n_cand), np.zeros(n_z)])
    rows = sparse.hstack([-a, sparse.identity(n_z, format="csr")], format="csr")
    reach = sparse.csr_matrix(np.concatenate([np.zeros(n_cand), live[cols]])[None, :])
    # z may be fractional where the weight constraint binds: require integral z as well
    cons = [LinearConstraint(rows, -np.inf, 0.0), LinearConstraint(reach, target_weight - _EPS, np.inf)]
    res = milp(c, constraints=cons, integrality=np.ones(n_cand + n_z), bounds=Bounds(0, 1),
               options=_milp_options(time_limit))
    if res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    value = float(live[cols][np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0].sum())
    return chosen, value, bool(res.status == 0)


def _savings(dist: sparse.csr_matrix, current: np.ndarray, w: np.ndarray) -> sparse.csr_matrix:
    """w_i × (current_i − d_ji) where positive, as a CSR of the same pattern (zeros elsewhere)."""
    cur = np.nan_to_num(current, nan=0.0)
    s = np.asarray(w, float)[dist.indices] * np.maximum(cur[dist.indices] - dist.data, 0.0)
    return sparse.csr_matrix((s, dist.indices, dist.indptr), shape=dist.shape)


def greedy_p_median(dist: sparse.csr_matrix, w: np.ndarray, current: np.ndarray, k: int, *,
                    bound: bool = True) -> Greedy:
    """p-median with existing centres kept, by lazy greedy on the savings (submodular).

    Minimise Σ_i w_i min(current_i, min_{j ∈ S} d_ji) over |S| ≤ k.

    Parameters
    ----------
    dist : csr_matrix (n_candidates, n_demand) of walking distances (pairs absent: no saving).
    w : demand weights.
    current : current distance of every demand point (NaN: left out).
    k : number of sites.

    Returns
    -------
    Greedy
        ``gains`` are the reductions of the total weighted distance (weight × metres); the bound is
        on the optimal total reduction.
    """
    dist = sparse.csr_matrix(dist)
    cur = np.nan_to_num(np.asarray(current, float), nan=0.0).copy()
    w = np.asarray(w, float)
    indptr, indices, data = dist.indptr, dist.indices, dist.data
    total = [0.0]
    ub = [np.inf]

    def regain(j: int) -> float:
        idx = indices[indptr[j]:indptr[j + 1]]
        return float((w[idx] * np.maximum(cur[idx] - data[indptr[j]:indptr[j + 1]], 0.0)).sum())

    def track_bound() -> None:
        if bound and k > 0:
            g = np.asarray(_savings(dist, cur, w).sum(axis=1)).ravel()
            kk = min(k, len(g))
            ub[0] = min(ub[0], total[0] + float(np.partition(g, len(g) - kk)[len(g) - kk:].sum()) if len(g) else 0.0)

    def select(j: int) -> None:
        sl = slice(indptr[j], indptr[j + 1])
        idx = indices[sl]
        new = np.minimum(cur[idx], data[sl])
        total[0] += float((w[idx] * (cur[idx] - new)).sum())
        cur[idx] = new
        track_bound()

    track_bound()
    initial = np.asarray(_savings(dist, cur, w).sum(axis=1)).ravel()
    chosen, gains = _celf(dist.shape[0], initial, regain, select, k)
    return Greedy(np.asarray(chosen, np.int64), np.asarray(gains),
                  (float(ub[0]) if k > 0 else 0.0) if bound else np.nan)


def milp_p_median(dist: sparse.csr_matrix, w: np.ndarray, current: np.ndarray, k: int, *,
                  time_limit: float | None = 60.0) -> tuple[np.ndarray, float, bool]:
    """Exact p-median with existing centres kept (savings form), by ``scipy.optimize.milp``.

    max Σ s_ji x_ji  s.t.  Σ_j x_ji ≤ 1 per demand i,  x_ji ≤ y_j,  Σ y_j ≤ k,  y ∈ {0,1},
    0 ≤ x ≤ 1, with s_ji = w_i (current_i − d_ji) > 0.

    Returns
    -------
    (chosen indices, optimal total reduction of the weighted distance, proven optimal)
    """
    s = _savings(sparse.csr_matrix(dist), current, w).tocoo()
    keep = s.data > 0
    j, i, val = s.row[keep], s.col[keep], s.data[keep]
    n_cand, n_x = dist.shape[0], len(val)
    if n_x == 0 or k <= 0:
        return np.empty(0, np.int64), 0.0, True
    _, ii = np.unique(i, return_inverse=True)
    n_i = int(ii.max()) + 1
    one_each = sparse.csr_matrix((np.ones(n_x), (ii, n_cand + np.arange(n_x))), shape=(n_i, n_cand + n_x))
    link = sparse.csr_matrix((np.concatenate([np.ones(n_x), -np.ones(n_x)]),
                              (np.concatenate([np.arange(n_x)] * 2), np.concatenate([n_cand + np.arange(n_x), j]))),
                             shape=(n_x, n_cand + n_x))
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_x)])[None, :])
    cons = [LinearConstraint(one_each, -np.inf, 1.0), LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(budget, -np.inf, float(min(k, n_cand)))]
    res = milp(np.concatenate([np.zeros(n_cand), -val]), constraints=cons,
               integrality=np.concatenate([np.ones(n_cand), np.zeros(n_x)]), bounds=Bounds(0, 1),
               options=_milp_options(time_limit))
    if res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    return chosen, float(-res.fun), bool(res.status == 0)


# ------------------------------------------------------------------------------------------------
# GeoDataFrame in, GeoDataFrame out


class SitingResult(NamedTuple):
    """What :func:`recommend_sites` returns.

    Attributes
    ----------
    sites : GeoDataFrame (residents' CRS), one row per proposed site in order of gain: ``rank``,
        ``candidate_id``, ``gain`` (weight newly covered; p-median: weight × metres saved),
        ``covered_after`` (share of the weight within the radius after this site, 0–1),
        ``covered_weight_after``, ``new_<measure>`` for households/population/special groups present
        (newly within the radius thanks to this site, not to an earlier one), ``street`` (nearest
        named OSM street), ``street_m``, ``snap_m``, the candidate's own columns; p-median adds
        ``mean_m_after`` (weighted mean walking distance of routed residents, capped).
    summary : DataFrame, one row per measure: ``measure``, ``total``, ``covered_before``,
        ``share_before``, ``covered_after``, ``share_after``, ``newly_covered``, ``radius_m``.
    residents : copy of the residents with ``network_m_before`` (existing centres), ``site_m`` (to the
        nearest proposed site, where within the measured limit), ``covered_before``,
        ``covered_after``, ``new_site_rank`` (rank of the site that newly covers it; 0 = none).
    objective, method : what was solved and how.
    value : the objective reached (weight newly covered, or weighted metres saved).
    upper_bound : an upper bound on the optimal value with as many sites (greedy; the value itself
        when the MILP proved optimality; NaN for the target variant).
    optimal : whether the answer is proven optimal.
    target_share, reached : for the target variant: the share asked for and whether it was reached.
    problem : the :class:`SitingProblem` (reuse it to try other k quickly).
    """

    sites: gpd.GeoDataFrame
    summary: pd.DataFrame
    residents: gpd.GeoDataFrame
    objective: str
    method: str
    value: float
    upper_bound: float
    optimal: bool
    target_share: float | None
    reached: bool | None
    problem: SitingProblem


def _order_by_gain(cover: sparse.csr_matrix, w: np.ndarray, covered0: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The chosen candidates in greedy order of their marginal gains (largest first)."""
    if len(chosen) == 0:
        return chosen
    sub = greedy_coverage(cover[chosen], w, len(chosen), covered0, bound=False).order
    rest = np.setdiff1d(np.arange(len(chosen)), sub)  # adding nothing: last, in index order
    return chosen[np.concatenate([sub, rest])]


def _assemble(problem: SitingProblem, residents: gpd.GeoDataFrame, order: np.ndarray, gains: np.ndarray,
              objective: str, streets: gpd.GeoDataFrame | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame,
                                                                         gpd.GeoDataFrame]:
    cover = problem.cover()
    m = len(problem.w)
    covered = problem.covered0.copy()
    rank_of = np.zeros(m, dtype=np.int64)
    total_w = float(problem.w.sum())
    cur = problem.current_m.copy()
    routed_w = problem.w * problem.routed
    rows: list[dict] = []
    for r, j in enumerate(order.tolist(), start=1):
        idx = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        new = idx[~covered[idx]]
        covered[new] = True
        rank_of[new] = r
        row: dict[str, object] = {"rank": r, "candidate_id": problem.candidates["candidate_id"].iloc[j],
                                  "gain": float(gains[r - 1])}
        cw = float(problem.w[covered].sum())
        row["covered_after"] = cw / total_w if total_w else np.nan
        row["covered_weight_after"] = cw
        for name, vals in problem.measures.items():
            row[f"new_{name}"] = float(vals[new].sum())
        if objective == "p_median":
            sl = slice(problem.dist.indptr[j], problem.dist.indptr[j + 1])
            di = problem.dist.indices[sl]
            cur[di] = np.minimum(cur[di], problem.dist.data[sl])
            tw = float(routed_w.sum())
            row["mean_m_after"] = float(np.nansum(routed_w * cur) / tw) if tw else np.nan
        rows.append(row)
    cand = problem.candidates.iloc[order] if len(order) else problem.candidates.iloc[:0]
    xy = shapely.get_coordinates(cand.geometry.to_numpy()) if len(cand) else np.empty((0, 2))
    if streets is not None:
        names, street_m = nearest_street_names(xy, streets, problem.crs)
    else:
        names, street_m = np.full(len(cand), None, dtype=object), np.full(len(cand), np.nan)
    table = pd.DataFrame(rows, columns=["rank", "candidate_id", "gain", "covered_after", "covered_weight_after",
                                        *[f"new_{n}" for n in problem.measures],
                                        *(["mean_m_after"] if objective == "p_median" else [])])
    for c in table.columns:
        if c.startswith("new_") and len(table) and np.allclose(table[c], table[c].round()):
            table[c] = table[c].round().astype("int64")
    table["street"] = names
    table["street_m"] = np.round(street_m, 1)
    table["snap_m"] = cand["snap_m"].to_numpy() if len(cand) else np.empty(0)
    extra = [c for c in cand.columns if c not in table.columns and c != cand.geometry.name]
    for c in extra:
        table[c] = cand[c].to_numpy()
    sites = gpd.GeoDataFrame(table, geometry=list(cand.geometry.to_numpy()), crs=problem.crs)
    if residents.crs is not None and not residents.crs.equals(problem.crs):
        sites = sites.to_crs(residents.crs)

    summary_rows = []
    for name, vals in problem.measures.items():
        tot = float(vals.sum())
        before = float(vals[problem.covered0].sum())
        after = float(vals[covered].sum())
        summary_rows.append({"measure": name, "total": tot, "covered_before": before,
                             "share_before": before / tot if tot else np.nan, "covered_after": after,
                             "share_after": after / tot if tot else np.nan, "newly_covered": after - before,
                             "radius_m": problem.radius_m})
    summary = pd.DataFrame(summary_rows)
    for c in ("total", "covered_before", "covered_after", "newly_covered"):
        if len(summary) and np.allclose(summary[c], summary[c].round()):
            summary[c] = summary[c].round().astype("int64")

    res = residents.copy()
    res["network_m_before"] = problem.baseline_m
    site_m = np.full(m, np.nan)
    if len(order):
        sub = problem.dist[order].tocoo()
        site_m_all = np.full(m, np.inf)
        np.minimum.at(site_m_all, sub.col, sub.data)
        site_m = np.where(np.isfinite(site_m_all), site_m_all, np.nan)
    res["site_m"] = site_m
    res["covered_before"] = problem.covered0
    res["covered_after"] = covered
    res["new_site_rank"] = rank_of
    return sites, summary, res


def _streets(osm_path, streets):
    if streets is not None:
        return streets
    if osm_path is None:
        return None
    from gridmap.io import read_osm_basemap

    return read_osm_basemap(osm_path)[0]


def recommend_sites(net: WalkNetwork, residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame | None,
                    k: int | None = None, *, radius_m: float = DEFAULT_RADIUS_M, weight: str = "households",
                    candidates: str | gpd.GeoDataFrame | None = None, spacing_m: float | None = DEFAULT_SPACING_M,
                    method: Method = "greedy", objective: Objective = "coverage",
                    target_share: float | None = None, snap_limit: float = DEFAULT_SNAP_LIMIT,
                    max_distance_m: float | None = None, osm_path: str | os.PathLike | None = None,
                    streets: gpd.GeoDataFrame | None = None, index: EdgeIndex | None = None,
                    problem: SitingProblem | None = None, time_limit: float | None = 60.0) -> SitingResult:
    """Choose new service-centre sites, keeping the existing centres (选址).

    Parameters
    ----------
    net : WalkNetwork
    residents : points or building polygons with ``households`` (and ``population``, special groups).
    centers : existing centres (kept; ``None`` or empty: site from scratch).
    k : number of new sites (or give ``target_share``).
    radius_m : walking metres within which a resident counts as covered (default 1000, 15 minutes).
    weight : ``"households"``, ``"population"`` or a special-group column (``elderly_alone`` …).
    candidates : ``None``/``"nodes"`` (network nodes, one per ``spacing_m`` square), ``"public_buildings"``
        (OSM ``building=*`` in :data:`PUBLIC_BUILDING_TYPES`, needs ``osm_path``) or a GeoDataFrame.
    spacing_m : thinning of node candidates in metres (``None``/0: every node).
    method : ``"greedy"`` (CELF, any size) or ``"milp"`` (exact, HiGHS; small instances).
    objective : ``"coverage"`` (maximal covering) or ``"p_median"`` (minimise total weighted walking
        distance; coverage figures are still reported).
    target_share : instead of ``k``: the fewest sites bringing the covered share of ``weight`` to at
        least this (0–1), e.g. 0.95 (coverage objective only).
    snap_limit : metres from a street beyond which residents and candidates are not routed.
    max_distance_m : p-median distance cap (see :func:`build_problem`).
    osm_path : the OSM file: street names of the sites, public-building candidates.
    streets : named street lines (instead of reading ``osm_path``).
    index : prebuilt :class:`~gridmap.access.EdgeIndex`.
    problem : a :class:`SitingProblem` from an earlier call (same inputs): skips all routing.
    time_limit : seconds for the MILP.

    Returns
    -------
    SitingResult

    Notes
    -----
    Greedy stops early when no candidate adds anything, so fewer than ``k`` sites can come back. A
    resident newly covered is credited to the first site (by rank) that covers it.
    """
    if (k is None) == (target_share is None):
        raise ParameterError("give exactly one of k and target_share")
    if k is not None:
        k = check_number(k, "k", "new sites", minimum=0, integer=True)
    if target_share is not None:
        check_number(target_share, "target_share", "", above=0, maximum=1, example="0.95")
    if target_share is not None and objective != "coverage":
        raise ParameterError("a target share (target_share, --target) works with the coverage objective only; "
                             "with p_median give a number of sites (k, --k)")
    if method not in ("greedy", "milp"):
        raise ParameterError(f"method must be 'greedy' or 'milp', got {method!r}")
    if problem is None:
        problem = build_problem(net, residents, centers, radius_m=radius_m, weight=weight, candidates=candidates,
                                spacing_m=spacing_m, objective=objective, snap_limit=snap_limit,
                                max_distance_m=max_distance_m, osm_path=osm_path, index=index)
    w = problem.w
    cover = problem.cover()
    reached = None
    optimal = False
    if target_share is not None:
        need = target_share * float(w.sum()) - float(w[problem.covered0].sum())
        if method == "milp":
            try:
                chosen, value, optimal = milp_min_sites(cover, w, need, problem.covered0, time_limit=time_limit)
                order = _order_by_gain(cover, w, problem.covered0, chosen)
                reached = True
            except ValueError:  # unreachable: take everything that helps, as greedy does
                order = greedy_min_sites(cover, w, need, problem.covered0).order
                reached = False
        else:
            order = greedy_min_sites(cover, w, need, problem.covered0).order
        bound = np.nan
    elif objective == "coverage":
        if method == "milp":
            chosen, value, optimal = milp_coverage(cover, w, k, problem.covered0, time_limit=time_limit)
            order = _order_by_gain(cover, w, problem.covered0, chosen)
            bound = value if optimal else np.nan
        else:
            g = greedy_coverage(cover, w, k, problem.covered0)
            order, bound = g.order, g.upper_bound
    else:
        if method == "milp":
            chosen, value, optimal = milp_p_median(problem.dist, w, problem.current_m, k, time_limit=time_limit)
            order = _order_p_median(problem, chosen)
            bound = value if optimal else np.nan
        else:
            g = greedy_p_median(problem.dist, w, problem.current_m, k)
            order, bound = g.order, g.upper_bound
    gains = _marginal_gains(problem, cover, order, objective)
    if method == "milp":  # the MILP may fill its budget with sites adding nothing: leave them out
        keep = gains > 0
        order, gains = order[keep], gains[keep]
    if target_share is not None and reached is None:
        covered_w = float(w[problem.covered0].sum()) + float(gains.sum())
        reached = covered_w >= target_share * float(w.sum()) - _EPS
    value = float(gains.sum())
    sites, summary, res = _assemble(problem, residents, order, gains, objective, _streets(osm_path, streets))
    return SitingResult(sites, summary, res, objective, method, value, float(bound), bool(optimal),
                        target_share, reached, problem)


def _order_p_median(problem: SitingProblem, chosen: np.ndarray) -> np.ndarray:
    """The chosen p-median sites in greedy order of their savings."""
    if len(chosen) == 0:
        return chosen
    sub = greedy_p_median(problem.dist[chosen], problem.w, problem.current_m, len(chosen), bound=False).order
    rest = np.setdiff1d(np.arange(len(chosen)), sub)
    return chosen[np.concatenate([sub, rest])]


def _marginal_gains(problem: SitingProblem, cover: sparse.csr_matrix, order: np.ndarray, objective: str) -> np.ndarray:
    """Gain of each site given those before it: weight newly covered, or weighted metres saved."""
    gains = np.zeros(len(order))
    if objective == "coverage":
        live = problem.w * ~problem.covered0
        for r, j in enumerate(order.tolist()):
            idx = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
            gains[r] = live[idx].sum()
            live[idx] = 0.0
    else:
        cur = np.nan_to_num(problem.current_m, nan=0.0).copy()
        d = problem.dist
        for r, j in enumerate(order.tolist()):
            sl = slice(d.indptr[j], d.indptr[j + 1])
            idx = d.indices[sl]
            new = np.minimum(cur[idx], d.data[sl])
            gains[r] = (problem.w[idx] * (cur[idx] - new)).sum()
            cur[idx] = new
    return gains


def sites_for_target(net: WalkNetwork, residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame | None,
                     target_share: float = 0.95, **kwargs) -> SitingResult:
    """The fewest new sites bringing the covered share of the weight to ``target_share`` (e.g. 95 % of
    households within 15 minutes). Same parameters as :func:`recommend_sites`; ``result.reached`` says
    whether the target was met (it cannot be when too many residents are beyond every candidate)."""
    return recommend_sites(net, residents, centers, None, target_share=target_share, **kwargs)
