"""Where new service centres help most (选址): the public API of the siting family.

:func:`recommend_sites` builds the :class:`~gridmap.access.siting.problem.SitingProblem` (or takes
one), asks the model for the question (:data:`gridmap.access.siting.models.MODELS`) and lays the
answer out as tables a planner reads: the sites in order with what each adds, the coverage before
and after per measure, and every resident with its distances before and after.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import DEFAULT_SNAP_LIMIT
from gridmap.access.siting.candidates import DEFAULT_SPACING_M, nearest_street_names, street_lines
from gridmap.access.siting.models import MODELS, Method, Solution
from gridmap.access.siting.problem import DEFAULT_RADIUS_M, Objective, SitingProblem, build_problem
from gridmap.access.snapping import EdgeIndex
from gridmap.errors import ParameterError, check_number

__all__ = ["SitingResult", "recommend_sites", "sites_for_target"]


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


def _assemble(problem: SitingProblem, residents: gpd.GeoDataFrame, order: np.ndarray, gains: np.ndarray,
              objective: str, streets: gpd.GeoDataFrame | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame,
                                                                         gpd.GeoDataFrame]:
    """The tables of :class:`SitingResult` (sites, summary, residents) for the sites in ``order``."""
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
    index : prebuilt :class:`~gridmap.access.snapping.EdgeIndex`.
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
        raise ParameterError("err_k_or_target")
    if k is not None:
        k = check_number(k, "k", "new sites", minimum=0, integer=True)
    if target_share is not None:
        check_number(target_share, "target_share", "", above=0, maximum=1, example="0.95")
    if target_share is not None and objective != "coverage":
        raise ParameterError("err_target_needs_coverage")
    if method not in ("greedy", "milp"):
        raise ParameterError("err_method", got=repr(method))
    if objective not in ("coverage", "p_median"):
        raise ParameterError("err_objective", got=repr(objective))
    if problem is None:
        problem = build_problem(net, residents, centers, radius_m=radius_m, weight=weight, candidates=candidates,
                                spacing_m=spacing_m, objective=objective, snap_limit=snap_limit,
                                max_distance_m=max_distance_m, osm_path=osm_path, index=index)
    if target_share is not None:
        sol: Solution = MODELS["target"](problem, target_share, method=method, time_limit=time_limit)
    else:
        sol = MODELS[objective](problem, k, method=method, time_limit=time_limit)
    order, gains = sol.order, sol.gains
    sites, summary, res = _assemble(problem, residents, order, gains, objective, street_lines(osm_path, streets))
    return SitingResult(sites, summary, res, objective, method, float(gains.sum()), sol.upper_bound, sol.optimal,
                        target_share, sol.reached, problem)


def sites_for_target(net: WalkNetwork, residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame | None,
                     target_share: float = 0.95, **kwargs) -> SitingResult:
    """The fewest new sites bringing the covered share of the weight to ``target_share`` (e.g. 95 % of
    households within 15 minutes). Same parameters as :func:`recommend_sites`; ``result.reached`` says
    whether the target was met (it cannot be when too many residents are beyond every candidate)."""
    return recommend_sites(net, residents, centers, None, target_share=target_share, **kwargs)
