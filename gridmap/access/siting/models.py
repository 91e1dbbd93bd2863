"""The siting models behind one contract: ``model(problem, budget, *, method, time_limit) → Solution``.

Like the location models of spopt (MCLP, LSCP, p-median), each question a planner asks is one model
over the same :class:`~gridmap.access.siting.problem.SitingProblem`:

* :func:`maximal_covering` — k new sites newly covering the most weight within the radius;
* :func:`fewest_sites` — the fewest sites bringing the covered share to a target (budget: the share);
* :func:`p_median` — k new sites minimising the total weighted walking distance.

Each solves by ``method="greedy"`` (CELF, any size, with a bound on the optimum) or ``"milp"``
(exact, HiGHS, small instances), from :mod:`gridmap.access.siting.solvers`, and answers alike: the
chosen sites in greedy order of their marginal gains (a MILP's choice is put in that order too), the
gain of each given those before it, and sites that add nothing left out. :data:`MODELS` names them;
:func:`gridmap.access.siting.recommend.recommend_sites` only picks one, so a new model is one
function and one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

import numpy as np
from scipy import sparse

from gridmap.access.siting.problem import SitingProblem
from gridmap.access.siting.solvers import (
    TOLERANCE,
    greedy_coverage,
    greedy_min_sites,
    greedy_p_median,
    milp_coverage,
    milp_min_sites,
    milp_p_median,
)

__all__ = ["Method", "Solution", "Model", "MODELS", "maximal_covering", "fewest_sites", "p_median"]

Method = Literal["greedy", "milp"]


class Solution(NamedTuple):
    """What every siting model returns.

    Attributes
    ----------
    order : candidate indices of the chosen sites, in greedy order of their marginal gains.
    gains : the gain of each given those before it (weight newly covered; p-median: weight × metres
        saved); all positive.
    upper_bound : an upper bound on the optimal value with as many sites (greedy; the value itself
        when the MILP proved optimality; NaN when unknown).
    optimal : whether the answer is proven optimal.
    reached : :func:`fewest_sites` only — whether the target share was reached.
    """

    order: np.ndarray
    gains: np.ndarray
    upper_bound: float
    optimal: bool
    reached: bool | None = None


#: The contract: (problem, budget — k or a target share —, method, MILP time limit in s) → Solution.
Model = Callable[..., Solution]


def maximal_covering(problem: SitingProblem, k: int, *, method: Method = "greedy",
                     time_limit: float | None = 60.0) -> Solution:
    """Maximal covering location with the existing centres kept: ``k`` sites newly covering the most weight."""
    cover, w = problem.cover(), problem.w
    if method == "milp":
        chosen, value, optimal = milp_coverage(cover, w, k, problem.covered0, time_limit=time_limit)
        return _solution(problem, cover, _order_by_gain(cover, w, problem.covered0, chosen), "coverage", method,
                         value if optimal else np.nan, optimal)
    g = greedy_coverage(cover, w, k, problem.covered0)
    return _solution(problem, cover, g.order, "coverage", method, g.upper_bound, False)


def fewest_sites(problem: SitingProblem, target_share: float, *, method: Method = "greedy",
                 time_limit: float | None = 60.0) -> Solution:
    """The fewest sites bringing the covered share of the weight to ``target_share`` (0–1).

    When the target cannot be reached (too much weight beyond every candidate), every site that
    helps is taken and ``reached`` is False.
    """
    cover, w = problem.cover(), problem.w
    need = target_share * float(w.sum()) - float(w[problem.covered0].sum())
    reached, optimal = None, False
    if method == "milp":
        try:
            chosen, _value, optimal = milp_min_sites(cover, w, need, problem.covered0, time_limit=time_limit)
            order = _order_by_gain(cover, w, problem.covered0, chosen)
            reached = True
        except ValueError:  # unreachable: take everything that helps, as greedy does
            order = greedy_min_sites(cover, w, need, problem.covered0).order
            reached = False
    else:
        order = greedy_min_sites(cover, w, need, problem.covered0).order
    sol = _solution(problem, cover, order, "coverage", method, np.nan, optimal)
    if reached is None:
        covered_w = float(w[problem.covered0].sum()) + float(sol.gains.sum())
        reached = covered_w >= target_share * float(w.sum()) - TOLERANCE
    return sol._replace(reached=bool(reached))


def p_median(problem: SitingProblem, k: int, *, method: Method = "greedy", time_limit: float | None = 60.0) -> Solution:
    """p-median with the existing centres kept: ``k`` sites minimising the total weighted walking distance
    (distances capped at ``problem.limit_m``)."""
    cover, w = problem.cover(), problem.w
    if method == "milp":
        chosen, value, optimal = milp_p_median(problem.dist, w, problem.current_m, k, time_limit=time_limit)
        return _solution(problem, cover, _order_p_median(problem, chosen), "p_median", method,
                         value if optimal else np.nan, optimal)
    g = greedy_p_median(problem.dist, w, problem.current_m, k)
    return _solution(problem, cover, g.order, "p_median", method, g.upper_bound, False)


#: Model of each question: ``coverage`` (k sites), ``target`` (a share), ``p_median`` (k sites).
MODELS: dict[str, Model] = {"coverage": maximal_covering, "target": fewest_sites, "p_median": p_median}


def _solution(problem: SitingProblem, cover: sparse.csr_matrix, order: np.ndarray, objective: str, method: str,
              bound: float, optimal: bool) -> Solution:
    """The sites in ``order`` with their marginal gains; a MILP's sites adding nothing are left out
    (it may fill its budget with them)."""
    gains = _marginal_gains(problem, cover, order, objective)
    if method == "milp":
        keep = gains > 0
        order, gains = order[keep], gains[keep]
    return Solution(order, gains, float(bound), bool(optimal))


def _order_by_gain(cover: sparse.csr_matrix, w: np.ndarray, covered0: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The chosen candidates in greedy order of their marginal gains (largest first)."""
    if len(chosen) == 0:
        return chosen
    sub = greedy_coverage(cover[chosen], w, len(chosen), covered0, bound=False).order
    rest = np.setdiff1d(np.arange(len(chosen)), sub)  # adding nothing: last, in index order
    return chosen[np.concatenate([sub, rest])]


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
