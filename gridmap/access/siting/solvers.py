"""Siting solvers on arrays: maximal covering, fewest sites for a target, p-median — greedy and exact.

Inputs are plain matrices, so the solvers serve any demand and any distances (the siting problem of
:mod:`gridmap.access.siting.problem`, a benchmark's random instance):

* *Coverage* (maximal covering location with the existing centres kept): choose k candidates
  maximising the weight newly covered. Greedy with lazy evaluation (CELF, Leskovec et al. 2007) for
  any size — the objective is monotone submodular, so greedy is ≥ (1 − 1/e) of the optimum, and a
  data-dependent upper bound on the optimum (Minoux/Leskovec: the value after each step plus the k
  largest marginal gains then) is reported with it; an exact MILP (``scipy.optimize.milp``, HiGHS)
  for small instances.
* *Target*: the fewest sites reaching a target weight (greedy; or exact partial set-cover MILP).
* *p-median*: minimise the total weighted walking distance (savings against the current distance,
  also submodular: CELF greedy or an exact MILP).

Greedy solvers return :class:`Greedy` (order, gains, bound); MILP solvers return :class:`Exact`
(chosen, value, proven optimal). :mod:`gridmap.access.siting.models` puts both behind one contract.
"""

from __future__ import annotations

import heapq
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from gridmap.errors import GridmapError
from gridmap.vocab import Message

__all__ = ["TOLERANCE", "Greedy", "Exact", "greedy_coverage", "milp_coverage", "greedy_min_sites", "milp_min_sites",
           "greedy_p_median", "milp_p_median", "savings"]

#: Weights closer than this count as equal (a target within it is reached).
TOLERANCE = 1e-9


class Greedy(NamedTuple):
    """What the greedy solvers return."""

    order: np.ndarray
    gains: np.ndarray
    upper_bound: float


class Exact(NamedTuple):
    """What the MILP solvers return (a tuple, so ``chosen, value, optimal = milp_…(…)`` works)."""

    chosen: np.ndarray
    value: float
    optimal: bool


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
    stop = (lambda: total[0] >= target_weight - TOLERANCE) if target_weight is not None else None
    chosen, gains = _celf(cover.shape[0], cover @ live, regain, select, k, stop)
    return Greedy(np.asarray(chosen, np.int64), np.asarray(gains),
                  (float(ub[0]) if k > 0 else 0.0) if bound else np.nan)


def _milp_options(time_limit: float | None) -> dict:
    return {"disp": False, **({"time_limit": float(time_limit)} if time_limit else {})}


def milp_coverage(cover: sparse.csr_matrix, w: np.ndarray, k: int, covered0: np.ndarray | None = None, *,
                  time_limit: float | None = 60.0) -> Exact:
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
        return Exact(np.empty(0, np.int64), 0.0, True)
    a = (cover[:, cols] != 0).astype(float).T.tocsr()  # demand × candidates
    n_z = len(cols)
    c = np.concatenate([np.zeros(n_cand), -live[cols]])
    rows = sparse.hstack([-a, sparse.identity(n_z, format="csr")], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_z)])[None, :])
    cons = [LinearConstraint(rows, -np.inf, 0.0), LinearConstraint(budget, -np.inf, float(min(k, n_cand)))]
    integrality = np.concatenate([np.ones(n_cand), np.zeros(n_z)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1), options=_milp_options(time_limit))
    if res.x is None:
        raise RuntimeError(Message("err_solvers_milp_failed", message=res.message))
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    value = float(live[cols][np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0].sum())
    return Exact(chosen, value, bool(res.status == 0))


def greedy_min_sites(cover: sparse.csr_matrix, w: np.ndarray, target_weight: float,
                     covered0: np.ndarray | None = None) -> Greedy:
    """The fewest sites (greedy) newly covering ``target_weight``: greedy until reached or stuck."""
    return greedy_coverage(cover, w, cover.shape[0], covered0, target_weight=target_weight, bound=False)


def milp_min_sites(cover: sparse.csr_matrix, w: np.ndarray, target_weight: float,
                   covered0: np.ndarray | None = None, *, time_limit: float | None = 60.0
                   ) -> Exact:
    """Exact fewest sites newly covering at least ``target_weight`` (weighted partial set cover, MILP).

    min Σ y_j  s.t.  Σ w_i z_i ≥ target,  z_i ≤ Σ_j a_ji y_j,  y ∈ {0, 1},  0 ≤ z ≤ 1.

    Returns
    -------
    (chosen indices, newly covered weight, proven optimal); raises ``ValueError`` if infeasible.
    """
    cover = sparse.csr_matrix(cover)
    n_cand = cover.shape[0]
    live = np.asarray(w, dtype=float) * (1.0 if covered0 is None else ~np.asarray(covered0, bool))
    if target_weight <= TOLERANCE:
        return Exact(np.empty(0, np.int64), 0.0, True)
    cols = np.flatnonzero((live > 0) & (np.asarray(cover.sum(axis=0)).ravel() > 0))
    if live[cols].sum() < target_weight - TOLERANCE:
        raise GridmapError("err_solvers_target_cannot_reached_with_these")
    a = (cover[:, cols] != 0).astype(float).T.tocsr()
    n_z = len(cols)
    c = np.concatenate([np.ones(n_cand), np.zeros(n_z)])
    rows = sparse.hstack([-a, sparse.identity(n_z, format="csr")], format="csr")
    reach = sparse.csr_matrix(np.concatenate([np.zeros(n_cand), live[cols]])[None, :])
    # z may be fractional where the weight constraint binds: require integral z as well
    cons = [LinearConstraint(rows, -np.inf, 0.0), LinearConstraint(reach, target_weight - TOLERANCE, np.inf)]
    res = milp(c, constraints=cons, integrality=np.ones(n_cand + n_z), bounds=Bounds(0, 1),
               options=_milp_options(time_limit))
    if res.x is None:
        raise RuntimeError(Message("err_solvers_milp_failed", message=res.message))
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    value = float(live[cols][np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0].sum())
    return Exact(chosen, value, bool(res.status == 0))


def savings(dist: sparse.csr_matrix, current: np.ndarray, w: np.ndarray) -> sparse.csr_matrix:
    """The p-median savings ``w_i × (current_i − d_ji)`` where positive, as a CSR of the pattern of
    ``dist`` (zeros elsewhere; NaN current distances count as 0: nothing to save)."""
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
            g = np.asarray(savings(dist, cur, w).sum(axis=1)).ravel()
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
    initial = np.asarray(savings(dist, cur, w).sum(axis=1)).ravel()
    chosen, gains = _celf(dist.shape[0], initial, regain, select, k)
    return Greedy(np.asarray(chosen, np.int64), np.asarray(gains),
                  (float(ub[0]) if k > 0 else 0.0) if bound else np.nan)


def milp_p_median(dist: sparse.csr_matrix, w: np.ndarray, current: np.ndarray, k: int, *,
                  time_limit: float | None = 60.0) -> Exact:
    """Exact p-median with existing centres kept (savings form), by ``scipy.optimize.milp``.

    max Σ s_ji x_ji  s.t.  Σ_j x_ji ≤ 1 per demand i,  x_ji ≤ y_j,  Σ y_j ≤ k,  y ∈ {0,1},
    0 ≤ x ≤ 1, with s_ji = w_i (current_i − d_ji) > 0.

    Returns
    -------
    (chosen indices, optimal total reduction of the weighted distance, proven optimal)
    """
    s = savings(sparse.csr_matrix(dist), current, w).tocoo()
    keep = s.data > 0
    j, i, val = s.row[keep], s.col[keep], s.data[keep]
    n_cand, n_x = dist.shape[0], len(val)
    if n_x == 0 or k <= 0:
        return Exact(np.empty(0, np.int64), 0.0, True)
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
        raise RuntimeError(Message("err_solvers_milp_failed", message=res.message))
    chosen = np.flatnonzero(res.x[:n_cand] > 0.5)
    return Exact(chosen, float(-res.fun), bool(res.status == 0))
