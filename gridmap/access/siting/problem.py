"""The siting problem: snapping, the baseline of the existing centres and the candidate → resident
distances, computed once for every solver (:class:`SitingProblem`, :func:`build_problem`).

Residents are snapped exactly as :func:`gridmap.access.accessibility.compute_access` snaps them for
the existing centres, candidates exactly as it snaps centres (:func:`gridmap.access.routing.snap_centers`),
and the baseline is the very same multi-source Dijkstra and read-off, so with k = 0 the coverage
figures *are* those of the access analysis, bit for bit. Candidate → resident distances come from
:func:`gridmap.access.routing.distances_within`: bounded by the radius (coverage) or by the largest
current distance (p-median), a sparse (candidates × residents) matrix.

Shares are of the total weight of all residents (routed or not), as the ``*_within_*_pct`` figures of
:func:`gridmap.access.accessibility.summarize_access`. Residents too far from every street
(``snap_limit``) or with no geometry can never be covered and stay in the denominator.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import (
    CODE_OK,
    CODE_UNREACHABLE,
    DEFAULT_SNAP_LIMIT,
    distances_within,
    node_distances,
    read_off,
    representative_xy,
    snap_centers,
    snap_residents,
)
from gridmap.access.siting.candidates import (
    DEFAULT_SPACING_M,
    candidate_frame,
    node_candidates,
    public_building_candidates,
)
from gridmap.access.snapping import EdgeIndex, Snap
from gridmap.errors import GridmapError, MissingKeyError, ParameterError, check_number
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.vocab import LIST_SEP, Joined

__all__ = ["DEFAULT_RADIUS_M", "MEASURES", "Objective", "SitingProblem", "build_problem"]

DEFAULT_RADIUS_M = 1000.0  # the 15-minute life circle (GB 50180-2018), docs/design.md §6
#: Count columns reported per site and in the summary, when present.
MEASURES: tuple[str, ...] = ("households", "population", *SPECIAL_GROUPS)

Objective = Literal["coverage", "p_median"]


@dataclass(frozen=True, eq=False)
class SitingProblem:
    """Everything the solvers need, computed once: snapping, the baseline and candidate distances.

    Attributes
    ----------
    radius_m : coverage radius (walking metres).
    weight : name of the weight column.
    measures : {column: float array (n_residents,)} — ``weight`` plus the count columns present.
    baseline_m : float array — walking distance to the nearest existing centre (NaN: not routed);
        identical to ``network_m`` of :func:`gridmap.access.accessibility.compute_access`.
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
        raise MissingKeyError("err_problem_residents_have_no_column_weight", weight=weight,
                              groups=Joined(SPECIAL_GROUPS, LIST_SEP))
    out = {}
    for col in dict.fromkeys([*MEASURES, weight]):
        if col in residents.columns:
            vals = pd.to_numeric(residents[col], errors="coerce")
            if col == weight and vals.notna().sum() < residents[col].notna().sum():
                raise GridmapError("err_problem_weight_column_has_values_that", weight=weight)
            arr = vals.fillna(0).to_numpy(dtype=float)
            if (arr < 0).any():
                raise GridmapError("err_problem_column_has_negative_values", col=col)
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
    index : a prebuilt :class:`~gridmap.access.snapping.EdgeIndex` of ``net``.

    Returns
    -------
    SitingProblem
    """
    if objective not in ("coverage", "p_median"):
        raise ParameterError("err_objective", got=repr(objective))
    check_number(radius_m, "radius_m", "walking metres", above=0)
    check_number(snap_limit, "snap_limit", "metres", above=0)
    if spacing_m is not None:
        check_number(spacing_m, "spacing_m", "metres", minimum=0)
    measures = _weights(residents, weight)
    index = index or EdgeIndex(net)
    res_xy = representative_xy(residents, net.crs)
    cen_xy = representative_xy(centers, net.crs) if centers is not None and len(centers) else np.empty((0, 2))
    csnap0, cstatus0 = snap_centers(net, index, cen_xy, snap_limit)
    which = np.flatnonzero(cstatus0 == CODE_OK)
    rsnap, status = snap_residents(net, index, res_xy, csnap0, which, snap_limit)
    routed = (status == CODE_OK) | (status == CODE_UNREACHABLE)
    dist0, src0 = node_distances(net, csnap0, which)
    baseline, _centre = read_off(net, rsnap, status == CODE_OK, csnap0, which, dist0, src0)
    covered0 = np.nan_to_num(baseline, nan=np.inf) <= radius_m

    # candidates
    if candidates is None or (isinstance(candidates, str) and candidates == "nodes"):
        cand = node_candidates(net, spacing_m)
    elif isinstance(candidates, str) and candidates == "public_buildings":
        if osm_path is None:
            raise ParameterError("err_candidates_osm")
        cand = public_building_candidates(osm_path)
    elif isinstance(candidates, gpd.GeoDataFrame):
        cand = candidate_frame(candidates)
    else:
        raise ParameterError("err_candidates_kind", got=repr(candidates))
    cand = cand.to_crs(net.crs) if cand.crs is not None and not cand.crs.equals(net.crs) else cand
    cand_xy = representative_xy(cand, net.crs) if len(cand) else np.empty((0, 2))
    csnap, cstatus = snap_centers(net, index, cand_xy, snap_limit)
    ok = cstatus == CODE_OK
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
    dist = distances_within(net, csnap, rsnap, target, limit)
    return SitingProblem(radius_m=float(radius_m), weight=weight, measures=measures, baseline_m=baseline,
                         routed=routed, covered0=covered0, dist=dist, limit_m=limit, current_m=current,
                         candidates=cand.reset_index(drop=True), dropped_candidates=int((~ok).sum()), crs=net.crs)
