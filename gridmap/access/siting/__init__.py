"""Where new service centres help most (选址): maximal covering location and p-median on the walking network.

The question planners ask is "where do we open the next k 党群服务站 so that the most households (or
独居老人, 留守儿童, 残疾人 …) are within a 15-minute walk, keeping the centres we have?" (docs/design.md §4.7).

The family, one concept per module:

* :mod:`~gridmap.access.siting.candidates` — where a site could go: network nodes thinned to a
  spacing, the OSM file's public buildings, or any layer; the street each lies on.
* :mod:`~gridmap.access.siting.problem` — :class:`SitingProblem`, computed once by
  :func:`build_problem`: residents and candidates snapped as the access analysis snaps them, the
  baseline of the existing centres (bit for bit the access figures) and the candidate → resident
  walking distances of the routing kernel (:func:`gridmap.access.routing.distances_within`).
* :mod:`~gridmap.access.siting.solvers` — the algorithms on arrays: CELF greedy (≥ 1 − 1/e of the
  optimum, with a data-dependent upper bound) and exact MILPs (``scipy.optimize.milp``, HiGHS) for
  maximal covering, fewest sites for a target and p-median.
* :mod:`~gridmap.access.siting.models` — the contract: every model is
  ``model(problem, budget, *, method, time_limit) → Solution`` (sites in order of gain).
* :mod:`~gridmap.access.siting.recommend` — the public API: :func:`recommend_sites`,
  :func:`sites_for_target` and their :class:`SitingResult` tables.

Shares are of the total weight of all residents, routed or not (see :mod:`~gridmap.access.siting.problem`).
"""

from gridmap.access.siting.candidates import (
    DEFAULT_SPACING_M,
    PUBLIC_BUILDING_TYPES,
    nearest_street_names,
    node_candidates,
    public_building_candidates,
)
from gridmap.access.siting.models import MODELS, Solution, fewest_sites, maximal_covering, p_median
from gridmap.access.siting.problem import DEFAULT_RADIUS_M, MEASURES, SitingProblem, build_problem
from gridmap.access.siting.recommend import SitingResult, recommend_sites, sites_for_target
from gridmap.access.siting.solvers import (
    Exact,
    Greedy,
    greedy_coverage,
    greedy_min_sites,
    greedy_p_median,
    milp_coverage,
    milp_min_sites,
    milp_p_median,
)

__all__ = [
    "DEFAULT_RADIUS_M",
    "DEFAULT_SPACING_M",
    "PUBLIC_BUILDING_TYPES",
    "MEASURES",
    "SitingProblem",
    "SitingResult",
    "Solution",
    "MODELS",
    "build_problem",
    "node_candidates",
    "public_building_candidates",
    "nearest_street_names",
    "maximal_covering",
    "fewest_sites",
    "p_median",
    "Greedy",
    "Exact",
    "greedy_coverage",
    "milp_coverage",
    "greedy_min_sites",
    "milp_min_sites",
    "greedy_p_median",
    "milp_p_median",
    "recommend_sites",
    "sites_for_target",
]
