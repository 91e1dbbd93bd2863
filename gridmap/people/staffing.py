"""力量下沉到网格: 网格员 for every grid, 党员 in every 微网格, 驻区单位 on the grid (docs/design.md §7.2).

Three tables meet a plan (:class:`gridmap.plans.plan.Plan`, with its grid types and micro grids):

**网格员** (:func:`assign_staff`). Input rows: ``staff_id``, ``name``, ``phone``, optional
``staff_type`` (专职 / 兼职), ``capacity`` (households one person can serve; default by type,
:data:`DEFAULT_CAPACITY`), ``grid_code`` (existing assignments, ``;``-separated; kept as they are),
``role`` (网格长 / 网格员) and a home point (the geometry; optional). Existing assignments are kept;
each grid that has nobody then gets one 网格员 with a home point, exactly optimal for the
lexicographic objective *most grids staffed, then least total walking distance* from home to the
grid's point on surface: a 0/1 programme solved by HiGHS (``scipy.optimize.milp``) on the
candidate pairs within ``max_distance_m`` — each grid at most one new person, each person at most
their free capacity in households (capacity minus the households of the grids they keep; a grid
shared by k people counts households/k for each). It is solved in two well-scaled stages (the most
grids, then the least walk with that many), each from every person's and every grid's
:data:`DEFAULT_K_NEAREST` nearest pairs, priced with the LP duals and closed by reduced-cost fixing,
so the optimum over all pairs is reached without handing HiGHS all of them (1,000 grids × 800
网格员: ``benchmarks/bench_staff.py``). Distances are walking metres on the OSM network
(the routing kernel, :func:`gridmap.access.routing.distances_within`) or, without a network,
straight-line metres in the plan's metric CRS. A grid left without anyone is listed with the
reason: ``no_staff_within_reach``, ``staff_full`` (people within reach, but their capacity went to
other grids or is too small for this grid).

**党员报到** (:func:`assign_members`). Input rows: ``member_id``, ``name``, optional ``community``
(the community — area_id or its name — where the member registered, 双报到) and a home point.
Each member serves the 微网格 their home is in. Micro grids with nobody then get members from
nearby homes, where possible: the members beyond the first of a micro grid (the one living
nearest its centre stays) and members living outside every micro grid are the *spare* members;
an optimal assignment (``scipy.optimize.linear_sum_assignment``: most micro grids covered, then
least total distance) moves spare members, within ``max_distance_m``, to uncovered micro grids of
their own community. :func:`member_coverage` then gives, per grid and per community, the share of
micro grids with at least one member (党组织进楼院) and — when the residents carry a ``compound``
(小区) column — the share of 小区 with at least one member living in it.

**驻区单位** (:func:`locate_units`): ``unit_id``, ``name``, ``volunteers`` and a point; each is
placed in its grid and micro grid, and volunteers are summed per grid.

All functions are pure: GeoDataFrames in, tables out; no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp
from scipy.spatial import cKDTree

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import (
    CODE_OK,
    DEFAULT_SNAP_LIMIT,
    distances_within,
    representative_xy,
    snap_centers,
    snap_residents,
)
from gridmap.access.snapping import EdgeIndex, Snap
from gridmap.errors import check_number
from gridmap.io.validate import LayerError, ValidationReport
from gridmap.people.pairing import id_text, zone_codes
from gridmap.vocab import LIST_SEP, Joined, Message

__all__ = ["STAFF_TYPES", "DEFAULT_CAPACITY", "DEFAULT_STAFF_DISTANCE_M", "DEFAULT_K_NEAREST",
           "DEFAULT_MEMBER_DISTANCE_M",
           "UNSTAFFED_REASONS", "check_staff", "check_members", "check_units", "pair_distances", "StaffResult",
           "assign_staff", "MemberResult", "assign_members", "member_coverage", "locate_units", "staffing_layers",
           "STAFFING_LAYERS"]

#: 专职 (full-time) and 兼职 (part-time) 网格员, and the spellings read as each.
STAFF_TYPES: dict[str, tuple[str, ...]] = {
    "专职": ("专职", "full-time", "full_time", "fulltime", "ft"),
    "兼职": ("兼职", "part-time", "part_time", "parttime", "pt"),
}
#: Households one 网格员 serves unless the row's ``capacity`` says otherwise.
DEFAULT_CAPACITY: dict[str, int] = {"专职": 500, "兼职": 250}
#: Farthest walk from a 网格员's home to a grid assigned to them (metres).
DEFAULT_STAFF_DISTANCE_M = 3000.0
#: The pairs the 网格员 programme starts from: each person's and each grid's this many nearest
#: (the rest join only when pricing shows they could matter; the result is exact either way).
DEFAULT_K_NEAREST = 8
#: Farthest walk from a 党员's home to a micro grid they are moved to (metres).
DEFAULT_MEMBER_DISTANCE_M = 1000.0
#: The layers a project keeps of a staffing run (:func:`staffing_layers`): counts per grid and per 微网格,
#: and the two lists of people (keys naming people: their personal columns are protected on reading).
STAFFING_LAYERS = ("staffing_grids", "staffing_micro", "staff_assignments", "members_placed")
#: Why a grid has no 网格员.
UNSTAFFED_REASONS = ("no_staff_within_reach", "staff_full")


# ------------------------------------------------------------------------------------------ input checks


def _report(gdf: pd.DataFrame, label: str) -> ValidationReport:
    return ValidationReport(source=str(gdf.attrs.get("source", label)), layer=gdf.attrs.get("layer"), kind=None)


def _ids(table: pd.DataFrame, column: str, report: ValidationReport, what: str) -> pd.Series:  # what: 网格员 …
    """The id column as text, every id filled in and unique (problems added to ``report``)."""
    if column not in table.columns:
        present = ", ".join(str(c) for c in table.columns if c != getattr(table, "_geometry_column_name", None))
        raise LayerError("val_no_id_column", where=report.where, col=column, present=present, what=what)
    ids = pd.Series([id_text(v) for v in table[column].tolist()], index=table.index, dtype=object)
    blank = ids.isna() | (ids == "")
    for pos in np.flatnonzero(blank.to_numpy()):
        report.add("error", "missing_id", Message("val_missing_id_table", col=column, what=what), row=pos + 2,
                   column=column)
    dup = ids.duplicated(keep=False) & ~blank
    for value in sorted(set(ids[dup])):
        rows = [int(p) + 2 for p in np.flatnonzero((ids == value).to_numpy())]
        report.add("error", "duplicate_id", Message("val_duplicate_id_table", col=column, value=value,
                                                    rows=Joined(rows[:5], LIST_SEP)),
                   row=rows[0], feature_id=value, column=column)
    return ids


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series("", index=table.index, dtype=object)
    return pd.Series([id_text(v) or "" for v in table[column].tolist()], index=table.index, dtype=object)


def _home_xy(table: pd.DataFrame, crs) -> np.ndarray:
    """Home points in ``crs`` (NaN rows: no home given); a table without geometry has none."""
    if not isinstance(table, gpd.GeoDataFrame) or table.geometry.name not in table or table.crs is None:
        return np.full((len(table), 2), np.nan)
    return representative_xy(table, crs)


def _whole(values: pd.Series, column: str, report: ValidationReport, ids: pd.Series, meaning: Message) -> np.ndarray:
    """Whole numbers ≥ 0 (blanks NaN); problems added to ``report``."""
    num = pd.to_numeric(values, errors="coerce")
    blank = values.isna() | (values.astype(str).str.strip() == "")
    bad = ~blank & (num.isna() | (num < 0) | (num % 1 != 0))
    for pos in np.flatnonzero(bad.to_numpy()):
        report.add("error", "bad_number",
                   Message("val_bad_number", col=column, value=values.iloc[pos], meaning=meaning), row=pos + 2,
                   feature_id=ids.iloc[pos], column=column)
    return np.where(blank | bad, np.nan, num).astype(float)


def check_staff(staff: pd.DataFrame, grid_codes: Sequence[str] | None) -> pd.DataFrame:
    """The 网格员 table checked and normalised (see the module docstring for its columns).

    ``grid_codes``: the plan's grid codes, which kept assignments (``grid_code``) must name; None
    when no plan is at hand (a layer imported into a project): those codes are then not checked.

    Returns ``staff_id``, ``name``, ``phone``, ``staff_type`` (专职/兼职), ``role``, ``capacity``
    (households), ``kept_grids`` (list of codes). Rows are named as a spreadsheet shows them (the
    header is row 1). Raises :class:`LayerError` naming the file, rows, ids and columns.
    """
    report = _report(staff, "staff")
    ids = _ids(staff, "staff_id", report, "网格员")
    for column in ("name", "phone"):
        if column not in staff.columns:
            report.add("error", "missing_column", Message("val_missing_column_staff", col=column), column=column)
    kinds = _text(staff, "staff_type")
    lookup = {alias.lower(): kind for kind, aliases in STAFF_TYPES.items() for alias in aliases}
    staff_type = kinds.str.lower().map(lookup)
    for pos in np.flatnonzero((staff_type.isna() & (kinds != "")).to_numpy()):
        report.add("error", "bad_value", Message("val_bad_value_staff_type", value=kinds.iloc[pos]), row=pos + 2,
                   feature_id=ids.iloc[pos], column="staff_type")
    staff_type = staff_type.fillna("专职")
    cap = (_whole(staff["capacity"], "capacity", report, ids, Message("val_meaning_staff_capacity"))
           if "capacity" in staff.columns else np.full(len(staff), np.nan))
    cap = np.where(np.isnan(cap), staff_type.map(DEFAULT_CAPACITY).to_numpy(dtype=float), cap).astype(np.int64)
    known = None if grid_codes is None else set(map(str, grid_codes))
    kept = []
    for i, text in enumerate(_text(staff, "grid_code")):
        codes = [c.strip() for c in text.replace("；", ";").replace(",", ";").split(";") if c.strip()]
        unknown = [] if known is None else [c for c in codes if c not in known]
        if unknown:
            report.add("error", "unknown_grid", Message("val_unknown_grid", codes=", ".join(unknown)), row=i + 2,
                       feature_id=ids.iloc[i], column="grid_code")
        kept.append(codes)
    role = _text(staff, "role").replace("", "网格员")
    bad_role = ~role.isin(["网格长", "网格员"])
    for pos in np.flatnonzero(bad_role.to_numpy()):
        report.add("error", "bad_value", Message("val_bad_value_role", value=role.iloc[pos]), row=pos + 2,
                   feature_id=ids.iloc[pos], column="role")
    report.raise_for_errors()
    return pd.DataFrame({"staff_id": ids.to_numpy(), "name": _text(staff, "name").to_numpy(),
                         "phone": _text(staff, "phone").to_numpy(), "staff_type": staff_type.to_numpy(),
                         "role": role.to_numpy(), "capacity": cap, "kept_grids": kept})


def check_members(members: pd.DataFrame) -> pd.DataFrame:
    """The 党员 table checked: ``member_id``, ``name``, ``community`` (text, may be empty)."""
    report = _report(members, "members")
    ids = _ids(members, "member_id", report, "党员")
    report.raise_for_errors()
    return pd.DataFrame({"member_id": ids.to_numpy(), "name": _text(members, "name").to_numpy(),
                         "community": _text(members, "community").to_numpy()})


def check_units(units: pd.DataFrame) -> pd.DataFrame:
    """The 驻区单位 table checked: ``unit_id``, ``name``, ``volunteers`` (whole number ≥ 0, blank 0)."""
    report = _report(units, "units")
    ids = _ids(units, "unit_id", report, "驻区单位")
    vol = (_whole(units["volunteers"], "volunteers", report, ids, Message("val_meaning_volunteers"))
           if "volunteers" in units.columns else np.zeros(len(units)))
    report.raise_for_errors()
    return pd.DataFrame({"unit_id": ids.to_numpy(), "name": _text(units, "name").to_numpy(),
                         "volunteers": np.nan_to_num(vol).astype(np.int64)})


# ------------------------------------------------------------------------------------------ distances


def pair_distances(source_xy: np.ndarray, target_xy: np.ndarray, limit_m: float, net: WalkNetwork | None = None,
                   *, snap_limit: float = DEFAULT_SNAP_LIMIT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (source, target) pair within ``limit_m``: walking metres on ``net`` (snap legs included,
    the routing kernel), or straight-line metres without a network; coordinates in the metric CRS
    (``net.crs`` with a network). NaN rows (no point) and points farther than ``snap_limit`` from
    every street have no pairs.

    Returns
    -------
    (source index, target index, metres), sorted by source then target.
    """
    ok_s = np.flatnonzero(np.isfinite(source_xy).all(axis=1))
    ok_t = np.flatnonzero(np.isfinite(target_xy).all(axis=1))
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if not len(ok_s) or not len(ok_t):
        return empty
    if net is None:
        pairs = cKDTree(source_xy[ok_s]).sparse_distance_matrix(cKDTree(target_xy[ok_t]), limit_m,
                                                                output_type="ndarray")
        s, t, d = ok_s[pairs["i"]], ok_t[pairs["j"]], pairs["v"].astype(float)
        # sparse_distance_matrix leaves out pairs at exactly 0 m: add points that coincide
        same_s, same_t = _coincident(source_xy[ok_s], target_xy[ok_t])
        s, t, d = np.r_[s, ok_s[same_s]], np.r_[t, ok_t[same_t]], np.r_[d, np.zeros(len(same_s))]
        pairs = pd.DataFrame({"s": s, "t": t, "d": d}).drop_duplicates(["s", "t"]).sort_values(["s", "t"])
        return pairs["s"].to_numpy(np.int64), pairs["t"].to_numpy(np.int64), pairs["d"].to_numpy(float)
    index = EdgeIndex(net)
    ssnap, sstatus = snap_centers(net, index, source_xy, snap_limit)
    routable = np.flatnonzero(sstatus == CODE_OK)
    if not len(routable):
        return empty
    tsnap, tstatus = snap_residents(net, index, target_xy, ssnap, routable, snap_limit)
    targets = np.flatnonzero(tstatus == CODE_OK)
    sub = Snap(ssnap.edge[routable], ssnap.offset[routable], ssnap.dist[routable])
    dist = distances_within(net, sub, tsnap, targets, limit_m).tocoo()
    order = np.lexsort((dist.col, dist.row))
    return routable[dist.row[order]].astype(np.int64), dist.col[order].astype(np.int64), dist.data[order]


def _coincident(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of identical points in ``a`` and ``b``."""
    fa = pd.DataFrame({"x": a[:, 0], "y": a[:, 1], "i": np.arange(len(a))})
    fb = pd.DataFrame({"x": b[:, 0], "y": b[:, 1], "j": np.arange(len(b))})
    m = fa.merge(fb, on=["x", "y"])
    return m["i"].to_numpy(np.int64), m["j"].to_numpy(np.int64)


# ------------------------------------------------------------------------------------------ 网格员


@dataclass
class StaffResult:
    """What :func:`assign_staff` returns.

    Attributes
    ----------
    staff : per person: ``staff_id``, ``name``, ``phone``, ``staff_type``, ``role``, ``capacity``,
        ``grid_codes`` (``;``-joined), ``kept``, ``assigned`` (codes kept / newly assigned),
        ``n_grids``, ``households`` (their share: a grid of k people counts 1/k), ``load``
        (households / capacity), ``assigned_m`` (walk to the grid assigned), ``has_home``.
    grids : per grid: ``grid_code``, ``grid_type``, ``area_id``, ``households``, ``n_staff``,
        ``staff_ids``, ``staff_names``, ``households_per_staff`` (empty when unstaffed),
        ``staffed``, ``source`` (kept / assigned / ""), ``assigned_m``, ``reason``.
    assignments : one row per person and grid (``staff_id``, ``name``, ``phone``, ``role``,
        ``grid_code``, ``source``) — the staff table ``gridmap notice --staff`` reads.
    optimal : whether HiGHS proved the assignment optimal (False: its best within the time limit).
    """

    staff: pd.DataFrame
    grids: pd.DataFrame
    assignments: pd.DataFrame
    optimal: bool


def _rows(idx: np.ndarray, g: np.ndarray, s: np.ndarray, households: np.ndarray, free: np.ndarray,
          most: np.ndarray, n_grids: int, n_staff: int, min_count: int | None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``A x ≤ b`` of the pairs ``idx``: each grid at most one new person, each person at most their free
    households and at most ``most`` grids (the cardinality their capacity allows: a valid cut that
    makes the relaxation of the usual one-grid-per-person case integral), and (``min_count``) at
    least that many pairs (as −Σx ≤ −min_count)."""
    n = len(idx)
    rows = [g[idx], n_grids + s[idx], n_grids + n_staff + s[idx]]
    values = [np.ones(n), households[g[idx]].astype(float), np.ones(n)]
    b = [np.ones(n_grids), np.asarray(free, dtype=float), np.asarray(most, dtype=float)]
    if min_count is not None:
        rows.append(np.full(n, n_grids + 2 * n_staff))
        values.append(-np.ones(n))
        b.append(np.array([-float(min_count)]))
    cols = np.tile(np.arange(n), len(rows))
    a = sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), cols)),
                          shape=(n_grids + 2 * n_staff + (min_count is not None), n))
    return a, np.concatenate(b)


def _most_grids(g: np.ndarray, s: np.ndarray, households: np.ndarray, free: np.ndarray, n_staff: int) -> np.ndarray:
    """Per person, the most of their candidate grids that fit in their free households together (smallest first)."""
    order = np.lexsort((households[g], s))
    hh = households[g][order].astype(float)
    person = s[order]
    first = np.r_[0, np.flatnonzero(np.diff(person)) + 1]
    starts = np.repeat(first, np.diff(np.r_[first, len(order)]))
    running = np.cumsum(hh) - np.r_[0.0, np.cumsum(hh)][starts]
    fits = running <= free[person] + 1e-9
    return np.bincount(person[fits], minlength=n_staff).astype(float)


def _milp(cost: np.ndarray, idx: np.ndarray, g: np.ndarray, s: np.ndarray, households: np.ndarray, free: np.ndarray,
          most: np.ndarray, n_grids: int, n_staff: int, min_count: int | None, time_limit: float
          ) -> tuple[np.ndarray, float, bool]:
    """The 0/1 programme on the pairs ``idx``: (chosen among them, objective, proved optimal)."""
    a, b = _rows(idx, g, s, households, free, most, n_grids, n_staff, min_count)
    res = milp(cost[idx], integrality=np.ones(len(idx)), bounds=Bounds(0, 1),
               constraints=[LinearConstraint(a, -np.inf, b)],
               options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    if res.x is None:  # no solution within the time limit (a loaded machine): the greedy one, not proved
        chosen = _greedy(cost[idx], g[idx], s[idx], households, free, most, n_grids, n_staff)
        return chosen, float(cost[idx][chosen].sum()), False
    chosen = res.x > 0.5
    return chosen, float(cost[idx][chosen].sum()), res.status == 0


def _greedy(cost: np.ndarray, g: np.ndarray, s: np.ndarray, households: np.ndarray, free: np.ndarray,
            most: np.ndarray, n_grids: int, n_staff: int) -> np.ndarray:
    """A feasible assignment, cheapest pairs first: what is used when HiGHS finds none in time."""
    room, left, open_grid = np.asarray(free, dtype=float).copy(), np.asarray(most, dtype=float).copy(), \
        np.ones(n_grids, dtype=bool)
    chosen = np.zeros(len(g), dtype=bool)
    for k in np.lexsort((np.arange(len(g)), cost)):
        gi, si = g[k], s[k]
        if open_grid[gi] and left[si] >= 1 and households[gi] <= room[si] + 1e-9:
            chosen[k], open_grid[gi] = True, False
            room[si] -= households[gi]
            left[si] -= 1
    return chosen


def _nearest(group: np.ndarray, d: np.ndarray, k: int) -> np.ndarray:
    """Per value of ``group``, its ``k`` pairs of least ``d`` (ties by position)."""
    order = np.lexsort((np.arange(len(d)), d, group))
    first = np.r_[0, np.flatnonzero(np.diff(group[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    keep = np.zeros(len(d), dtype=bool)
    keep[order[rank < k]] = True
    return keep


def _priced(cost: np.ndarray, active: np.ndarray, g: np.ndarray, s: np.ndarray, households: np.ndarray,
            free: np.ndarray, most: np.ndarray, n_grids: int, n_staff: int, min_count: int | None
            ) -> tuple[np.ndarray, float] | None:
    """The LP relaxation on the active pairs: the reduced cost of every pair, and a lower bound of the full programme.

    With the row duals y ≤ 0 of the relaxation on the active pairs, every 0/1 solution x of the
    programme on all pairs has cost·x ≥ y·b + Σ min(0, rc) + rc_k for each pair k it uses with
    rc_k ≥ 0 (rc = cost − Aᵀy). None when the LP solver gives no duals.
    """
    idx = np.flatnonzero(active)
    a, b = _rows(idx, g, s, households, free, most, n_grids, n_staff, min_count)
    res = linprog(cost[idx], A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    if res.status != 0 or getattr(res, "ineqlin", None) is None:
        return None
    y = np.asarray(res.ineqlin.marginals, dtype=float)
    rc = cost - y[g] - households[g] * y[n_grids + s] - y[n_grids + n_staff + s]
    if min_count is not None:
        rc = rc + y[n_grids + 2 * n_staff]
    return rc, float(y @ b + np.minimum(rc, 0.0).sum())


def _exact(cost: np.ndarray, g: np.ndarray, s: np.ndarray, d: np.ndarray, households: np.ndarray,
           free: np.ndarray, most: np.ndarray, n_grids: int, n_staff: int, min_count: int | None,
           time_limit: float, k_nearest: int | None, start: np.ndarray | None = None) -> tuple[np.ndarray, float, bool]:
    """One stage of :func:`_solve_assignment`: the optimum of ``cost`` over every pair, from few pairs
    (``start``: pairs of a feasible solution, made active from the beginning)."""
    everything = np.arange(len(g))
    if k_nearest is None:
        chosen, z, optimal = _milp(cost, everything, g, s, households, free, most, n_grids, n_staff, min_count,
                                   time_limit)
        return chosen, z, optimal
    active = _nearest(s, d, k_nearest) | _nearest(g, d, k_nearest)
    if start is not None:
        active |= start
    priced = None
    for _ in range(50):  # column generation: pairs that could lower the relaxation join
        priced = _priced(cost, active, g, s, households, free, most, n_grids, n_staff, min_count)
        if priced is None:
            break
        entering = ~active & (priced[0] < -1e-9)
        if not entering.any():
            break
        active |= entering
    if priced is not None:
        rc, bound = priced
        idx = np.flatnonzero(active)
        sub, z, optimal = _milp(cost, idx, g, s, households, free, most, n_grids, n_staff, min_count, time_limit)
        # reduced-cost fixing: only pairs that could beat the incumbent join
        more = ~active & (rc <= z - bound + 1e-6 * (1.0 + abs(z)))
        if not more.any():
            chosen = np.zeros(len(g), dtype=bool)
            chosen[idx[sub]] = True
            return chosen, z, optimal
        active |= more
    idx = np.flatnonzero(active) if priced is not None else everything
    sub, z, optimal = _milp(cost, idx, g, s, households, free, most, n_grids, n_staff, min_count, time_limit)
    chosen = np.zeros(len(g), dtype=bool)
    chosen[idx[sub]] = True
    return chosen, z, optimal


def _solve_assignment(g: np.ndarray, s: np.ndarray, d: np.ndarray, households: np.ndarray, free: np.ndarray,
                      n_grids: int, n_staff: int, time_limit: float, k_nearest: int | None = None
                      ) -> tuple[np.ndarray, bool]:
    """0/1 programme: most grids staffed, then least distance; each grid ≤ 1, each person ≤ free households.

    Two stages, each well scaled for HiGHS: the most pairs N (cost −1 each), then the least total
    distance among solutions of N pairs (a row Σx ≥ N). With ``k_nearest`` each stage is solved on
    few pairs and proved optimal for all of them (:func:`_exact`):

    1. the active pairs are each person's ``k_nearest`` nearest grids and each grid's
       ``k_nearest`` nearest people (by the distances given: walking metres with a network);
    2. the LP relaxation on the active pairs is solved and every pair priced with its duals;
       pairs of negative reduced cost join until none is left — its bound is then the full
       relaxation's;
    3. the 0/1 programme on the active pairs gives an incumbent z; every pair left out whose
       reduced cost is at most z − bound joins (reduced-cost fixing: any solution using a pair of
       larger reduced cost costs more than z), and the programme is solved once more with them.

    Without ``k_nearest`` each stage is solved on every pair (the reference).
    """
    n = len(g)
    if n == 0:
        return np.zeros(0, dtype=bool), True
    most = _most_grids(g, s, households, free, n_staff)
    most_pairs, top, first_optimal = _exact(-np.ones(n), g, s, d, households, free, most, n_grids, n_staff, None,
                                            time_limit, k_nearest)
    count = int(round(-top))
    chosen, _, optimal = _exact(d.astype(float), g, s, d, households, free, most, n_grids, n_staff, count,
                                time_limit, k_nearest, most_pairs)
    return chosen, first_optimal and optimal


def assign_staff(grids: gpd.GeoDataFrame, staff: pd.DataFrame, *, net: WalkNetwork | None = None,
                 max_distance_m: float = DEFAULT_STAFF_DISTANCE_M, snap_limit: float = DEFAULT_SNAP_LIMIT,
                 time_limit: float = 60.0, k_nearest: int | None = DEFAULT_K_NEAREST) -> StaffResult:
    """Keep the existing assignments and give every other grid one 网格员, optimally (module docstring).

    Parameters
    ----------
    grids : the plan's grids (``grid_code``, ``grid_type``, ``area_id``, ``households``, polygons),
        metric CRS.
    staff : the 网格员 (GeoDataFrame with home points, or a table without); checked by :func:`check_staff`.
    net : the walking network (distances in walking metres) or None (straight line).
    max_distance_m : farthest home → grid.
    snap_limit : metres from a street beyond which a point is not on the network.
    time_limit : seconds HiGHS may take.
    k_nearest : solve on each person's and each grid's nearest pairs, proved optimal for all pairs
        (:func:`_solve_assignment`); None: the programme on every pair within reach (the reference).
    """
    max_distance_m = check_number(max_distance_m, "--max-distance", "metres", above=0)
    grids = grids.reset_index(drop=True)
    codes = grids["grid_code"].astype(str).to_numpy()
    table = check_staff(staff, codes)
    hh = grids["households"].to_numpy(dtype=np.int64) if "households" in grids else np.zeros(len(grids), np.int64)
    pos = pd.Index(codes)
    # kept assignments: a grid of k people counts households / k for each
    kept_pairs = [(p, pos.get_loc(c)) for p, codes_p in enumerate(table["kept_grids"]) for c in dict.fromkeys(codes_p)]
    kp = np.array(kept_pairs, dtype=np.int64).reshape(-1, 2)
    n_kept = np.bincount(kp[:, 1], minlength=len(grids))
    share = np.where(n_kept > 0, hh / np.maximum(n_kept, 1), 0.0)
    used = np.bincount(kp[:, 0], weights=share[kp[:, 1]], minlength=len(table))
    free = np.maximum(table["capacity"].to_numpy(float) - used, 0.0)
    # candidates: grids nobody keeps × people with a home
    crs = net.crs if net is not None else grids.crs
    home = _home_xy(staff.reset_index(drop=True), crs)
    target = shapely.point_on_surface(grids.to_crs(crs).geometry.to_numpy())
    target_xy = shapely.get_coordinates(target)
    s, g, d = pair_distances(home, target_xy, max_distance_m, net, snap_limit=snap_limit)
    open_grid = n_kept == 0
    fits = open_grid[g] & (hh[g] <= free[s] + 1e-9)
    reachable = np.zeros(len(grids), dtype=bool)
    reachable[g[open_grid[g]]] = True
    s, g, d = s[fits], g[fits], d[fits]
    chosen, optimal = _solve_assignment(g, s, d, hh, free, len(grids), len(table), time_limit, k_nearest)
    s, g, d = s[chosen], g[chosen], d[chosen]
    new_of_grid = np.full(len(grids), -1, dtype=np.int64)
    new_of_grid[g] = s
    new_m = np.full(len(grids), np.nan)
    new_m[g] = d
    # tables
    members: list[list[int]] = [[] for _ in range(len(grids))]  # per grid, positions in the staff table
    for p, gi in kp:
        members[gi].append(p)
    for gi, p in zip(g, s, strict=True):
        members[gi].append(p)
    n_staff = np.array([len(m) for m in members], dtype=np.int64)
    ids, names = table["staff_id"].to_numpy(), table["name"].to_numpy()
    staffed = n_staff > 0
    reason = np.where(staffed, "", np.where(reachable, "staff_full", "no_staff_within_reach"))
    grid_out = pd.DataFrame({
        "grid_code": codes,
        "grid_type": grids["grid_type"].to_numpy() if "grid_type" in grids else "基础网格",
        "area_id": grids["area_id"].astype(str).to_numpy() if "area_id" in grids else "",
        "households": hh, "n_staff": n_staff,
        "staff_ids": [";".join(ids[m]) for m in members],
        "staff_names": [";".join(names[m]) for m in members],
        "households_per_staff": np.where(staffed, hh / np.maximum(n_staff, 1), np.nan).round(1),
        "staffed": staffed,
        "source": np.where(n_kept > 0, "kept", np.where(new_of_grid >= 0, "assigned", "")),
        "assigned_m": new_m.round(1), "reason": reason,
    })
    per_share = np.where(staffed, hh / np.maximum(n_staff, 1), 0.0)
    rows = [(p, codes[gi], "kept") for p, gi in kp] + [(p, codes[gi], "assigned") for gi, p in zip(g, s, strict=True)]
    assign = pd.DataFrame(rows, columns=["p", "grid_code", "source"])
    assign["households"] = per_share[pos.get_indexer(assign["grid_code"])] if len(assign) else []
    by_person = assign.groupby("p")
    staff_out = table.drop(columns=["kept_grids"]).copy()
    staff_out["grid_codes"] = by_person["grid_code"].agg(";".join).reindex(range(len(table))).fillna("").to_numpy()
    for what in ("kept", "assigned"):
        mine = assign[assign["source"] == what].groupby("p")["grid_code"].agg(";".join)
        staff_out[what] = mine.reindex(range(len(table))).fillna("").to_numpy()
    staff_out["n_grids"] = by_person.size().reindex(range(len(table))).fillna(0).astype(int).to_numpy()
    staff_out["households"] = by_person["households"].sum().reindex(range(len(table))).fillna(0).round(1).to_numpy()
    staff_out["load"] = (staff_out["households"] / staff_out["capacity"].replace(0, np.nan)).round(3)
    walk = pd.Series(d, index=s).groupby(level=0).sum()
    staff_out["assigned_m"] = walk.reindex(range(len(table))).round(1).to_numpy()
    staff_out["has_home"] = np.isfinite(home).all(axis=1)
    assignments = pd.DataFrame({
        "staff_id": ids[assign["p"].to_numpy()] if len(assign) else [],
        "name": names[assign["p"].to_numpy()] if len(assign) else [],
        "phone": table["phone"].to_numpy()[assign["p"].to_numpy()] if len(assign) else [],
        "role": table["role"].to_numpy()[assign["p"].to_numpy()] if len(assign) else [],
        "grid_code": assign["grid_code"].to_numpy(), "source": assign["source"].to_numpy()})
    return StaffResult(staff=staff_out, grids=grid_out, assignments=assignments, optimal=optimal)


# ------------------------------------------------------------------------------------------ 党员


@dataclass
class MemberResult:
    """What :func:`assign_members` returns.

    Attributes
    ----------
    members : per member: ``member_id``, ``name``, ``community`` (registered), ``home_area_id``,
        ``home_micro_code``, ``micro_code`` (the micro grid served; "" none), ``grid_code``,
        ``moved`` (serves a micro grid other than the home's), ``moved_m``, ``registered_here``
        (registered in the community they live in; empty when no community given).
    micro : per micro grid: ``micro_code``, ``grid_code``, ``area_id``, ``households``,
        ``n_members``, ``member_ids``.
    """

    members: pd.DataFrame
    micro: pd.DataFrame


def assign_members(micro_grids: gpd.GeoDataFrame, members: pd.DataFrame, grids: gpd.GeoDataFrame, *,
                   net: WalkNetwork | None = None, max_distance_m: float = DEFAULT_MEMBER_DISTANCE_M,
                   snap_limit: float = DEFAULT_SNAP_LIMIT, community_names: dict[str, str] | None = None
                   ) -> MemberResult:
    """Members serve the micro grid of their home; uncovered micro grids get spare members nearby.

    Parameters
    ----------
    micro_grids : ``micro_code``, ``grid_code``, ``households``, polygons (metric CRS).
    members : home points with ``member_id`` (checked by :func:`check_members`).
    grids : the plan's grids (``grid_code``, ``area_id``, polygons) — the community of each micro grid
        and of each home.
    net, max_distance_m, snap_limit : as :func:`assign_staff`, for the moves.
    community_names : ``{area_id: name}``, so a registered ``community`` may be given by name.
    """
    max_distance_m = check_number(max_distance_m, "--member-distance", "metres", above=0)
    table = check_members(members)
    crs = micro_grids.crs
    home = _home_xy(members.reset_index(drop=True), crs)
    micro = micro_grids.reset_index(drop=True)
    grid_area = dict(zip(grids["grid_code"].astype(str), grids["area_id"].astype(str), strict=True))
    m_area = micro["grid_code"].astype(str).map(grid_area).fillna("").to_numpy()
    home_micro = zone_codes(home, micro, "micro_code", crs)
    home_micro = np.array([c or "" for c in home_micro], dtype=object)
    home_area = zone_codes(home, grids.to_crs(crs), "area_id", crs)
    home_area = np.array([c or "" for c in home_area], dtype=object)
    names = {str(k): str(v) for k, v in (community_names or {}).items()}
    registered = np.array([names.get(c, c) if c else "" for c in table["community"]], dtype=object)
    reg_id = np.array([next((a for a, n in names.items() if n == c), c) for c in table["community"]], dtype=object)
    # who stays home: in each micro grid, the member living nearest its centre
    centre = shapely.get_coordinates(shapely.point_on_surface(micro.geometry.to_numpy()))
    m_pos = pd.Index(micro["micro_code"].astype(str)).get_indexer(home_micro)
    d_centre = np.where(m_pos >= 0, np.hypot(*(home - centre[np.maximum(m_pos, 0)]).T), np.inf)
    order = np.lexsort((np.arange(len(table)), d_centre, m_pos))
    first = np.zeros(len(table), dtype=bool)
    seen = set()
    for i in order:
        if m_pos[i] >= 0 and m_pos[i] not in seen:
            first[i] = True
            seen.add(m_pos[i])
    covered = np.zeros(len(micro), dtype=bool)
    covered[m_pos[first]] = True
    spare = np.flatnonzero(~first & np.isfinite(home).all(axis=1))
    empty = np.flatnonzero(~covered)
    serve = np.where(first, home_micro, "").astype(object)
    moved_m = np.full(len(table), np.nan)
    if len(spare) and len(empty):
        s, t, d = pair_distances(home[spare], centre[empty], max_distance_m, net, snap_limit=snap_limit)
        # a member serves in the community they live in, or the one they registered in
        member_area = np.where(reg_id[spare] != "", reg_id[spare], home_area[spare])
        same = (member_area[s] == m_area[empty][t]) | (home_area[spare][s] == m_area[empty][t])
        s, t, d = s[same], t[same], d[same]
        if len(s):
            rows, cols = np.unique(s, return_inverse=True)
            kcols, kinv = np.unique(t, return_inverse=True)
            big = (min(len(rows), len(kcols)) + 1) * (max_distance_m + 1.0)
            cost = np.zeros((len(rows), len(kcols)))
            cost[cols.ravel(), kinv.ravel()] = d - big  # feasible pairs negative: the most pairs first
            r, c = linear_sum_assignment(cost)
            ok = cost[r, c] < 0
            who = spare[rows[r[ok]]]
            where = empty[kcols[c[ok]]]
            serve[who] = micro["micro_code"].astype(str).to_numpy()[where]
            moved_m[who] = cost[r[ok], c[ok]] + big
    micro_code = micro["micro_code"].astype(str).to_numpy()
    serve_grid = np.array([c[:15] if c else "" for c in serve], dtype=object)
    out = pd.DataFrame({
        "member_id": table["member_id"], "name": table["name"], "community": registered,
        "home_area_id": home_area, "home_micro_code": home_micro, "micro_code": serve, "grid_code": serve_grid,
        "moved": (serve != "") & (serve != home_micro), "moved_m": moved_m.round(1),
        "registered_here": np.where(reg_id == "", "", np.where(reg_id == home_area, "yes", "no")),
    })
    serving = out[out["micro_code"] != ""].groupby("micro_code")["member_id"]
    micro_out = pd.DataFrame({
        "micro_code": micro_code, "grid_code": micro["grid_code"].astype(str).to_numpy(), "area_id": m_area,
        "households": micro["households"].to_numpy() if "households" in micro else 0,
        "n_members": serving.size().reindex(micro_code).fillna(0).astype(int).to_numpy(),
        "member_ids": serving.agg(";".join).reindex(micro_code).fillna("").to_numpy(),
    })
    return MemberResult(members=out, micro=micro_out)


def member_coverage(micro: pd.DataFrame, residents: gpd.GeoDataFrame | None = None,
                    grids: gpd.GeoDataFrame | None = None, home_xy: np.ndarray | None = None, *,
                    compound_column: str = "compound", near_m: float = 30.0) -> pd.DataFrame:
    """Share of micro grids (and 小区) with at least one member, per grid and per community.

    Parameters
    ----------
    micro : :attr:`MemberResult.micro` (``grid_code``, ``area_id``, ``n_members``).
    residents : the plan's residents; with a ``compound`` column (小区 name), 小区 coverage is
        counted too: a 小区 has a member when a member's home lies within ``near_m`` of one of its
        buildings; it belongs to the grid (and community) holding its first building.
    grids : the plan's grids (``grid_code``, ``area_id``, polygons, metric CRS), for the 小区.
    home_xy : the members' home points in the grids' CRS (NaN: none), for the 小区.

    Returns
    -------
    ``level`` (grid / community), ``code``, ``n_micro``, ``n_micro_with_member``, ``micro_share``
    and, with 小区, ``n_compounds``, ``n_compounds_with_member``, ``compound_share``.
    """
    has = micro["n_members"] > 0
    rows = []
    for level, key in (("grid", "grid_code"), ("community", "area_id")):
        grouped = pd.DataFrame({"code": micro[key].astype(str), "has": has}).groupby("code")["has"]
        frame = pd.DataFrame({"level": level, "n_micro": grouped.size(), "n_micro_with_member": grouped.sum()})
        frame["micro_share"] = (frame["n_micro_with_member"] / frame["n_micro"]).round(4)
        rows.append(frame.rename_axis("code").reset_index())
    out = pd.concat(rows, ignore_index=True)[["level", "code", "n_micro", "n_micro_with_member", "micro_share"]]
    if residents is None or compound_column not in residents.columns or grids is None or home_xy is None:
        return out
    crs = grids.crs
    res = residents.to_crs(crs).reset_index(drop=True)
    names = pd.Series([id_text(v) or "" for v in res[compound_column].tolist()], dtype=object)
    pts = shapely.points(home_xy[np.isfinite(home_xy).all(axis=1)])
    near = (shapely.STRtree(res.geometry.to_numpy()).query(pts, predicate="dwithin", distance=near_m)[1]
            if len(pts) else np.empty(0, np.int64))
    with_member = set(names.iloc[np.unique(near)]) - {""}
    xy = representative_xy(res, crs)
    frame = pd.DataFrame({"compound": names, "grid_code": [c or "" for c in zone_codes(xy, grids, "grid_code", crs)],
                          "area_id": [c or "" for c in zone_codes(xy, grids, "area_id", crs)]})
    frame = frame[frame["compound"] != ""].drop_duplicates("compound")
    frame["has"] = frame["compound"].isin(with_member)
    extra = []
    for level, key in (("grid", "grid_code"), ("community", "area_id")):
        g = frame.groupby(key)["has"]
        extra.append(pd.DataFrame({"level": level, "code": g.size().index.astype(str),
                                   "n_compounds": g.size().to_numpy(), "n_compounds_with_member": g.sum().to_numpy()}))
    ext = pd.concat(extra, ignore_index=True)
    ext["compound_share"] = (ext["n_compounds_with_member"] / ext["n_compounds"]).round(4)
    return out.merge(ext, on=["level", "code"], how="outer").fillna({"n_micro": 0, "n_micro_with_member": 0})


# ------------------------------------------------------------------------------------------ 驻区单位


def locate_units(units: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, micro_grids: gpd.GeoDataFrame | None = None
                 ) -> pd.DataFrame:
    """Each 驻区单位 in its grid and micro grid: ``unit_id``, ``name``, ``volunteers``, ``grid_code``,
    ``micro_code`` ("" outside)."""
    table = check_units(units)
    crs = grids.crs
    xy = _home_xy(units.reset_index(drop=True), crs)
    grid = zone_codes(xy, grids, "grid_code", crs)
    table["grid_code"] = [c or "" for c in grid]
    if micro_grids is not None and len(micro_grids):
        table["micro_code"] = [c or "" for c in zone_codes(xy, micro_grids, "micro_code", crs)]
    else:
        table["micro_code"] = ""
    return table


def staffing_layers(grids: gpd.GeoDataFrame, grid_table: pd.DataFrame, assignments: pd.DataFrame,
                    micro_grids: gpd.GeoDataFrame | None = None, member_micro: pd.DataFrame | None = None,
                    members: pd.DataFrame | None = None, *, plan: str = "", revision: int | None = None
                    ) -> dict[str, gpd.GeoDataFrame]:
    """The results of a staffing run as the layers a project keeps (:data:`STAFFING_LAYERS`), for the map.

    Counts and lists are kept apart, so each reader gets what they may see:

    * ``staffing_grids`` — the grid polygons with :attr:`StaffResult.grids`' counts (households,
      ``n_staff``, ``households_per_staff``, ``staffed``, ``reason``…; no names or ids) and, with
      members, ``n_micro`` and ``n_micro_with_member``;
    * ``staffing_micro`` (with members) — the 微网格 polygons with ``households`` and ``n_members``;
    * ``staff_assignments`` — one row per 网格员 and grid (names, phones) at the grid's point on surface;
    * ``members_placed`` (with members) — one row per 党员 at the point of the 微网格 served (or of
      the home 微网格; none when neither).

    Every layer carries ``plan`` and ``revision``: the plan revision the run was made on.
    """
    crs = grids.crs
    keep = [c for c in grid_table.columns if c not in ("staff_ids", "staff_names")]
    grid_layer = grids[["grid_code", "geometry"]].merge(grid_table[keep], on="grid_code", how="left")
    if member_micro is not None:
        per_grid = member_micro.assign(covered=member_micro["n_members"] > 0).groupby("grid_code")
        grid_layer["n_micro"] = grid_layer["grid_code"].map(per_grid.size()).fillna(0).astype(np.int64)
        grid_layer["n_micro_with_member"] = grid_layer["grid_code"].map(per_grid["covered"].sum()).fillna(0) \
            .astype(np.int64)
    points = dict(zip(grids["grid_code"].astype(str), shapely.point_on_surface(grids.geometry.to_numpy()),
                      strict=True))
    at_grid = [points.get(str(c)) for c in assignments["grid_code"]]
    layers = {"staffing_grids": gpd.GeoDataFrame(grid_layer, geometry="geometry", crs=crs),
              "staff_assignments": gpd.GeoDataFrame(assignments.reset_index(drop=True),
                                                    geometry=gpd.GeoSeries(at_grid, crs=crs), crs=crs)}
    if micro_grids is not None and member_micro is not None:
        micro = micro_grids[["micro_code", "geometry"]].merge(
            member_micro[["micro_code", "grid_code", "area_id", "households", "n_members"]], on="micro_code")
        layers["staffing_micro"] = gpd.GeoDataFrame(micro, geometry="geometry", crs=micro_grids.crs).to_crs(crs)
        micro_points = dict(zip(micro["micro_code"].astype(str),
                                shapely.point_on_surface(layers["staffing_micro"].geometry.to_numpy()), strict=True))
        if members is not None:
            served = zip(members["micro_code"], members["home_micro_code"], strict=True)
            where = [micro_points.get(str(m) or str(h)) for m, h in served]
            layers["members_placed"] = gpd.GeoDataFrame(members.reset_index(drop=True),
                                                        geometry=gpd.GeoSeries(where, crs=crs), crs=crs)
    for layer in layers.values():
        layer["plan"] = plan
        layer["revision"] = -1 if revision is None else int(revision)
    return layers
