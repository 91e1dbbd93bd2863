"""Plans (规划方案): units + an assignment that planners edit, with checks and undo (docs/design.md §4.5).

The assignment (unit → grid code) is the source of truth; grid polygons are derived from it
(coverage union of the units, so they tile the study area exactly). A :class:`Plan` is a mutable
session object: every edit changes the assignment in place, is recorded as a reversible step, and
returns an :class:`EditResult` naming the grids it changed so a map redraws only those.

API (all coordinates in the plan's metric CRS unless ``crs=`` is given)::

    plan = Plan(units, assignment, min_households=300, max_households=500, prefixes=None, locked=())
    plan = Plan.from_build(units, build)                 # build = gridmap.plans.grids.build_grids(...)
    plan.assign(unit_ids, grid_code)          -> EditResult   # move units (locked grids skipped)
    plan.unassign(unit_ids)                   -> EditResult
    plan.lasso(polygon, grid_code, crs=None)  -> EditResult   # units whose point on surface is inside
    plan.split(grid_code, line, crs=None)     -> EditResult   # the side with most households keeps the code
    plan.merge([code_kept, code, ...])        -> EditResult
    plan.create(unit_ids)                     -> EditResult   # a new grid, next free code of the community
    plan.lock(grid_code) / plan.unlock(grid_code) -> EditResult
    plan.import_assignment(table)             -> EditResult   # a whole unit→grid table, as one step
    plan.undo() / plan.redo()                 -> EditResult | None   # any depth
    plan.can_undo / plan.can_redo             -> bool
    plan.checks()                             -> DataFrame check, status, n, grid_codes, detail
    plan.assignment()                         -> DataFrame unit_id, grid_code ("" = unassigned)
    plan.grid_table()                         -> DataFrame per grid (households, area, Polsby–Popper, zones, locked)
    plan.grids(codes=None)                    -> GeoDataFrame per grid with polygons (cached per grid)
    plan.unit_at(x, y, crs=None) / plan.grid_at(x, y, crs=None) -> unit id / grid code or None
    plan.grids_in(bounds, crs=None)           -> grid codes whose box meets bounds (rtree)
    plan.edit_log()                           -> DataFrame of the applied steps
    plan.revision, plan.plan_id, plan.dirty

Storage (one GeoPackage, atomic, revision-checked), CSV tables and layer import live in
:mod:`gridmap.plans.store`; plan comparison in :mod:`gridmap.plans.compare`; the checks in
:mod:`gridmap.plans.checks`.

Grid types (docs/design.md §7.2): ``exclusive`` names the 专属网格 (a school, hospital, park… as its
own grid, numbered in ``exclusive_range``, default 901–999; exempt from the household band), every
other grid is a 基础网格; ``micro_grids`` (optional) holds the 微网格 of the base grids
(:mod:`gridmap.plans.micro`), checked by the ``micro`` check. ``grid_table()`` carries ``grid_type``.

A locked grid neither gains nor loses units: edits skip the units of locked grids (and say so in
``EditResult.skipped``) and refuse a locked grid as a target, a merge member or a split.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from rtree import index as rtree_index
from shapely.ops import split as split_geometry

from gridmap.defaults import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS
from gridmap.errors import GridmapError
from gridmap.plans.checks import run_checks
from gridmap.plans.exclusive import BASE, DEFAULT_EXCLUSIVE_RANGE, EXCLUSIVE, parse_sequence_range
from gridmap.plans.grids import GridBuild, GridStats, community_prefixes
from gridmap.plans.micro import (
    DEFAULT_MICRO_BAND,
    check_micro_grids,
    micro_rows,
    move_micro_buildings,
    parse_micro_band,
    rebuild_micro_grids,
    refresh_plan_micro_grids,
    replace_micro_rows,
    resident_grid_codes,
    resident_points,
    with_building_head,
)
from gridmap.plans.units import unit_adjacency
from gridmap.vocab import Message

__all__ = ["Plan", "PlanError", "EditResult", "Step"]


class PlanError(GridmapError):
    """An edit that cannot be made (locked grid, unknown grid, a line that does not cross, …)."""


@dataclass
class Step:
    """One reversible edit: which units changed from what to what, and the grid registry around it."""

    op: str
    params: dict
    idx: np.ndarray  # unit positions
    before: np.ndarray  # their grid codes before (None = unassigned)
    after: np.ndarray
    grids_before: dict[str, str]  # grid code -> area_id
    grids_after: dict[str, str]
    locked_before: frozenset[str]
    locked_after: frozenset[str]
    time: float = field(default_factory=time.time)
    #: The plan's 微网格 before and after the step, once it has been applied (undo/redo restore them).
    micro_before: gpd.GeoDataFrame | None = None
    micro_after: gpd.GeoDataFrame | None = None
    micro_recorded: bool = False
    #: Base grids whose 微网格 a 微网格 edit changed (empty for edits of the assignment); for such a
    #: step ``micro_before``/``micro_after`` hold the rows of those grids only.
    micro_grids: tuple[str, ...] = ()

    def moved_grids(self) -> set[str]:
        """Grid codes that gained or lost units, or came or went: their 微网格 no longer fit them."""
        codes = {c for c in np.concatenate([self.before, self.after]) if c}
        return codes | (set(self.grids_before) ^ set(self.grids_after))

    def changed(self) -> tuple[str, ...]:
        """Grid codes whose units, existence or lock changed."""
        codes = self.moved_grids() | set(self.micro_grids)
        codes |= set(self.locked_before) ^ set(self.locked_after)
        return tuple(sorted(codes))


@dataclass
class EditResult:
    """What an edit did: the op, the grids it changed, units moved, units skipped (locked), the checks."""

    op: str
    changed: tuple[str, ...]
    moved: int
    skipped: tuple = ()
    checks: pd.DataFrame | None = None
    new_grids: tuple[str, ...] = ()


def _as_code(c) -> str | None:
    if c is None or (isinstance(c, float) and np.isnan(c)):
        return None
    c = str(c).strip()
    return c or None


class Plan:
    """Units + assignment + edit history + revision; see the module docstring for the API.

    Parameters
    ----------
    units : units (``unit_id``, ``area_id``, ``households``, …) in a metric CRS, a noded coverage.
    assignment : ``unit_id``, ``grid_code`` (units missing or with an empty code are unassigned).
    min_households, max_households : the band the checks use.
    prefixes : ``{area_id: 12-digit code prefix}`` for new grids; default from the codes in the
        assignment, else :func:`gridmap.plans.grids.community_prefixes`.
    locked : grid codes locked from the start.
    grids : ``{grid code: area_id}`` of grids that exist (also empty ones); default from the assignment.
    exclusive : ``{grid code: what it is}`` of the 专属网格 (e.g. ``school: 南京一中``); the others are 基础网格.
    exclusive_range : the sequence numbers of exclusive grids, ``(first, last)``; new base grids
        (:meth:`create`) take numbers below it.
    micro_grids : the 微网格 (``micro_code``, ``grid_code``, ``households``, ``building_head``…), or None.
    micro_band : households of a 微网格, ``(min, max)`` (what they were built with, and rebuilt with
        after an edit moves units between grids).
    """

    def __init__(self, units: gpd.GeoDataFrame, assignment: pd.DataFrame | None = None, *,
                 min_households: int = MIN_HOUSEHOLDS, max_households: int = MAX_HOUSEHOLDS,
                 prefixes: Mapping[str, str] | None = None,
                 locked: Iterable[str] = (), grids: Mapping[str, str] | None = None,
                 revision: int = 0, plan_id: str | None = None, name: str = "",
                 exclusive: Mapping[str, str] | None = None,
                 exclusive_range: tuple[int, int] | str = DEFAULT_EXCLUSIVE_RANGE,
                 micro_grids: gpd.GeoDataFrame | None = None,
                 micro_band: tuple[int, int] | str | None = None):
        if units.crs is None or not pyproj.CRS.from_user_input(units.crs).is_projected:
            raise GridmapError("err_plan_plan_needs_units_in_projected")
        self.units = units.reset_index(drop=True)
        if self.units["unit_id"].duplicated().any():
            raise GridmapError("err_plan_unit_id_must_unique")
        self.crs = self.units.crs
        self.min_households, self.max_households = int(min_households), int(max_households)
        self.unit_ids = self.units["unit_id"].to_numpy()
        self._pos = pd.Index(self.unit_ids)
        self.area_id = self.units["area_id"].astype(str).to_numpy()
        self.households = (self.units["households"].to_numpy(dtype=np.int64) if "households" in self.units
                           else np.zeros(len(self.units), dtype=np.int64))
        geoms = self.units.geometry.to_numpy()
        self.adjacency = unit_adjacency(geoms)
        self.stats = GridStats(self.units, self.adjacency)
        self._points = shapely.point_on_surface(geoms)
        self._point_tree = shapely.STRtree(self._points)
        self._unit_tree = shapely.STRtree(geoms)
        self.codes = np.full(len(self.units), None, dtype=object)
        if assignment is not None and len(assignment):
            pos = self._pos.get_indexer(assignment["unit_id"])
            ok = pos >= 0
            self.codes[pos[ok]] = [_as_code(c) for c in assignment["grid_code"].to_numpy()[ok]]
        self.registry: dict[str, str] = dict(grids) if grids is not None else {}
        for code, a in self._majority_area(self.codes).items():
            self.registry.setdefault(code, a)
        self.locked: frozenset[str] = frozenset(locked)
        self.prefixes = dict(prefixes) if prefixes else self._derive_prefixes()
        self.history: list[Step] = []
        self.future: list[Step] = []
        self.revision = int(revision)
        self.plan_id = plan_id or uuid.uuid4().hex
        self.name = name
        self.exclusive: dict[str, str] = dict(exclusive or {})
        self.exclusive_range = parse_sequence_range(exclusive_range)
        self.micro_grids = micro_grids
        self.micro_band = parse_micro_band(micro_band) if micro_band is not None else DEFAULT_MICRO_BAND
        self._micro_residents: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame | None] | None = None
        self.dirty = False
        self._geom_cache: dict[str, shapely.Geometry] = {}
        self._rtree = rtree_index.Index()
        self._rtree_ids: dict[str, int] = {}
        self._rtree_boxes: dict[int, tuple] = {}
        self._rtree_codes: dict[int, str] = {}
        self._rtree_dirty: set[str] = set(self.registry)

    # ---------------------------------------------------------------------------------- building

    @classmethod
    def from_build(cls, units: gpd.GeoDataFrame, build: GridBuild, *, min_households: int = MIN_HOUSEHOLDS,
                   max_households: int = MAX_HOUSEHOLDS, prefixes: Mapping[str, str] | None = None, name: str = "",
                   exclusive: Mapping[str, str] | None = None,
                   exclusive_range: tuple[int, int] | str = DEFAULT_EXCLUSIVE_RANGE,
                   micro_grids: gpd.GeoDataFrame | None = None) -> Plan:
        """A plan from :func:`gridmap.plans.grids.build_grids` (or
        :func:`gridmap.plans.exclusive.build_typed_grids`) output."""
        if prefixes is None:
            prefixes = {a: str(c)[:12] for a, c in zip(build.grids["area_id"], build.grids["grid_code"], strict=True)}
        return cls(units, build.assignment, min_households=min_households, max_households=max_households,
                   prefixes=prefixes, name=name, exclusive=exclusive, exclusive_range=exclusive_range,
                   micro_grids=micro_grids)

    def _majority_area(self, codes: np.ndarray) -> dict[str, str]:
        ok = np.array([c is not None for c in codes], dtype=bool)
        if not ok.any():
            return {}
        frame = pd.DataFrame({"code": codes[ok].astype(str), "area": self.area_id[ok]})
        return frame.groupby("code")["area"].agg(lambda s: s.value_counts().index[0]).to_dict()

    def _derive_prefixes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for code, a in self.registry.items():
            if len(code) == 15 and code.isdigit():
                out.setdefault(a, code[:12])
        missing = [a for a in np.unique(self.area_id) if a not in out]
        if missing:
            fill = community_prefixes(None, missing)
            taken = set(out.values())
            for a in missing:
                if fill[a] in taken:
                    raise GridmapError("err_plan_cannot_derive_code_prefix_for", a=a)
                out[a] = fill[a]
        return out

    def attach_residents(self, residents: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame | None] | None) -> None:
        """Give the plan the residents its 微网格 are made from (or a function that reads them when first needed).

        With them, every edit that moves units between grids makes the 微网格 of exactly those
        grids anew (:func:`gridmap.plans.micro.refresh_plan_micro_grids`, the function a save
        uses), so the map, the ``micro`` check and a save agree at once. Without them such an edit
        drops the 微网格 of the grids it touched (the ``micro`` check names them) and the save
        makes them from the project's residents.
        """
        self._micro_residents = residents

    @property
    def keeps_micro_current(self) -> bool:
        """True when edits make the 微网格 of the grids they touch anew (residents attached)."""
        return self._micro_residents is not None

    def micro_residents(self) -> gpd.GeoDataFrame | None:
        """The attached residents (read now if a reader was attached), or None."""
        if callable(self._micro_residents):
            self._micro_residents = self._micro_residents()
        return self._micro_residents

    # ---------------------------------------------------------------------------------- state

    @property
    def can_undo(self) -> bool:
        """Whether an edit can be undone (the app greys its undo button otherwise)."""
        return bool(self.history)

    @property
    def can_redo(self) -> bool:
        """Whether an undone edit can be redone; a new edit clears what could be redone."""
        return bool(self.future)

    def _grid_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted grid codes of the registry, per unit the index of its grid or −1)."""
        grid_codes = np.array(sorted(self.registry), dtype=object)
        g = np.full(len(self.codes), -1, dtype=np.int64)
        ok = np.array([c is not None for c in self.codes], dtype=bool)
        if ok.any():
            g[ok] = pd.Index(grid_codes).get_indexer(self.codes[ok])
        return grid_codes, g

    def checks(self) -> pd.DataFrame:
        """Every check (:mod:`gridmap.plans.checks`): check, status, n, grid_codes, detail."""
        grid_codes, g = self._grid_index()
        exempt = np.array([c in self.exclusive for c in grid_codes], dtype=bool)
        checks = run_checks(g, grid_codes, self.households, self.area_id, self.adjacency, self.unit_ids,
                            self.min_households, self.max_households, exempt)
        if self.micro_grids is not None:
            base = grid_codes[~exempt]
            households = np.bincount(g[g >= 0], weights=self.households[g >= 0], minlength=len(grid_codes))
            micro = check_micro_grids(self.micro_grids, pd.Series(households[~exempt].astype(np.int64), index=base))
            checks = pd.concat([checks, micro], ignore_index=True)
        return checks

    def grid_type(self, code: str) -> str:
        """``专属网格`` for an exclusive grid, else ``基础网格``."""
        return EXCLUSIVE if code in self.exclusive else BASE

    def is_complete(self) -> bool:
        """True when every check passes (else the plan is work in progress)."""
        return bool((self.checks()["status"] == "pass").all())

    def assignment(self) -> pd.DataFrame:
        """The unit → grid table (``grid_code`` "" for unassigned units)."""
        return pd.DataFrame({"unit_id": self.unit_ids,
                             "grid_code": [c or "" for c in self.codes]})

    def grid_table(self) -> pd.DataFrame:
        """Per grid: counts, ``area_m2``, ``polsby_popper``, per-layer main zone and share, ``locked``, ``in_band``."""
        table = self.stats.table(self.codes, np.array(sorted(self.registry), dtype=str))
        table["locked"] = table["grid_code"].isin(self.locked)
        hh = table.get("households", 0)
        table["in_band"] = (hh >= self.min_households) & (hh <= self.max_households)
        table["grid_type"] = [self.grid_type(c) for c in table["grid_code"]]
        table["exclusive_name"] = [self.exclusive.get(c, "") for c in table["grid_code"]]
        return table

    def _geometry(self, code: str) -> shapely.Geometry:
        geom = self._geom_cache.get(code)
        if geom is None:
            idx = np.flatnonzero(self.codes == code)
            geom = (shapely.coverage_union_all(self.units.geometry.to_numpy()[idx]) if len(idx)
                    else shapely.Polygon())
            self._geom_cache[code] = geom
        return geom

    def grids(self, codes: Iterable[str] | None = None) -> gpd.GeoDataFrame:
        """Grids with polygons (dissolved from the assignment; only changed grids are recomputed)."""
        table = self.grid_table()
        if codes is not None:
            table = table[table["grid_code"].isin(set(codes))].reset_index(drop=True)
        geoms = [self._geometry(c) for c in table["grid_code"]]
        return gpd.GeoDataFrame(table, geometry=geoms, crs=self.crs)

    # ---------------------------------------------------------------------------------- look-ups

    def _to_plan_crs(self, geom: shapely.Geometry, crs) -> shapely.Geometry:
        if crs is None:
            return geom
        return gpd.GeoSeries([geom], crs=crs).to_crs(self.crs).iloc[0]

    def _refresh_rtree(self) -> None:
        for code in self._rtree_dirty:
            rid = self._rtree_ids.get(code)
            if rid is not None and rid in self._rtree_boxes:
                self._rtree.delete(rid, self._rtree_boxes.pop(rid))
                del self._rtree_codes[rid]
            if code in self.registry:
                geom = self._geometry(code)
                if not geom.is_empty:
                    rid = self._rtree_ids.setdefault(code, len(self._rtree_ids))
                    box = tuple(shapely.bounds(geom))
                    self._rtree.insert(rid, box)
                    self._rtree_boxes[rid] = box
                    self._rtree_codes[rid] = code
        self._rtree_dirty = set()

    def grids_in(self, bounds: tuple[float, float, float, float], crs=None) -> list[str]:
        """Grid codes whose bounding box meets ``bounds`` (minx, miny, maxx, maxy) — the dynamic rtree."""
        if crs is not None:
            bounds = tuple(shapely.bounds(self._to_plan_crs(shapely.box(*bounds), crs)))
        self._refresh_rtree()
        return sorted(self._rtree_codes[r] for r in self._rtree.intersection(bounds))

    def grid_at(self, x: float, y: float, crs=None) -> str | None:
        """The grid at a point (None if none)."""
        pt = self._to_plan_crs(shapely.Point(x, y), crs)
        for code in self.grids_in((pt.x, pt.y, pt.x, pt.y)):
            if self._geometry(code).intersects(pt):
                return code
        return None

    def unit_at(self, x: float, y: float, crs=None):
        """The unit id at a point (None if none)."""
        pt = self._to_plan_crs(shapely.Point(x, y), crs)
        hits = self._unit_tree.query(pt, predicate="intersects")
        return self.unit_ids[hits.min()] if len(hits) else None

    def units_in(self, polygon: shapely.Geometry, crs=None) -> np.ndarray:
        """Unit ids whose point on surface lies inside ``polygon``."""
        poly = self._to_plan_crs(polygon, crs)
        return self.unit_ids[np.sort(self._point_tree.query(poly, predicate="contains"))]

    # ---------------------------------------------------------------------------------- edits

    def _positions(self, unit_ids: Iterable) -> np.ndarray:
        ids = np.atleast_1d(np.asarray(list(unit_ids) if not isinstance(unit_ids, np.ndarray) else unit_ids))
        if len(ids) == 0:
            return np.empty(0, dtype=np.int64)
        pos = self._pos.get_indexer(ids)
        if (pos < 0).any():
            raise PlanError("err_plan_unknown_units", ids=", ".join(map(str, ids[pos < 0][:10])))
        return np.unique(pos)

    def _require_grid(self, code: str, role: str = "target") -> None:
        if code not in self.registry:
            raise PlanError("err_plan_no_grid", code=code)
        if code in self.locked:
            raise PlanError("err_plan_locked", code=code, role=Message(f"err_role_{role}"))

    def _commit(self, op: str, params: dict, idx: np.ndarray, after: np.ndarray,
                grids_after: dict[str, str] | None = None, locked_after: frozenset[str] | None = None,
                skipped: tuple = (), new_grids: tuple[str, ...] = ()) -> EditResult:
        before = self.codes[idx].copy()
        change = np.array([b != a for b, a in zip(before, after, strict=True)], dtype=bool)
        idx, before, after = idx[change], before[change], np.asarray(after, dtype=object)[change]
        step = Step(op, params, idx, before, after, dict(self.registry),
                    dict(self.registry if grids_after is None else grids_after),
                    self.locked, self.locked if locked_after is None else locked_after)
        if not len(idx) and step.grids_before == step.grids_after and step.locked_before == step.locked_after:
            return EditResult(op, (), 0, skipped, self.checks())
        self._apply(step, forward=True)
        self.history.append(step)
        self.future.clear()
        return EditResult(op, step.changed(), len(idx), skipped, self.checks(), new_grids)

    def _apply(self, step: Step, forward: bool) -> None:
        micro_then = self.micro_grids
        self.codes[step.idx] = step.after if forward else step.before
        self.registry = dict(step.grids_after if forward else step.grids_before)
        self.locked = step.locked_after if forward else step.locked_before
        for code in step.changed():
            self._geom_cache.pop(code, None)
            self._rtree_dirty.add(code)
        if step.micro_grids:  # a 微网格 edit: the rows of its grids swapped
            rows = step.micro_after if forward else step.micro_before
            if self.micro_grids is not None and rows is not None:
                self.micro_grids = replace_micro_rows(self.micro_grids, step.micro_grids, rows)
        elif step.micro_recorded:
            self.micro_grids = step.micro_after if forward else step.micro_before
        elif self.micro_grids is not None:
            moved = step.moved_grids()
            if moved:
                refresh_plan_micro_grids(self, moved, self.micro_residents())
            step.micro_before, step.micro_after = (micro_then, self.micro_grids) if forward \
                else (self.micro_grids, micro_then)
            step.micro_recorded = True
        self.dirty = True

    def _movable(self, idx: np.ndarray) -> tuple[np.ndarray, tuple]:
        """Split positions into those that may move and the unit ids held by locked grids."""
        held = np.array([c in self.locked for c in self.codes[idx]], dtype=bool) if len(idx) else np.zeros(0, bool)
        return idx[~held], tuple(self.unit_ids[idx[held]].tolist())

    def assign(self, unit_ids: Iterable, grid_code: str) -> EditResult:
        """Move units into ``grid_code`` (units of locked grids are skipped)."""
        self._require_grid(grid_code)
        idx, skipped = self._movable(self._positions(unit_ids))
        return self._commit("assign", {"units": self.unit_ids[idx].tolist(), "grid_code": grid_code}, idx,
                            np.full(len(idx), grid_code, dtype=object), skipped=skipped)

    def unassign(self, unit_ids: Iterable) -> EditResult:
        """Take units out of their grids (they fail the ``unassigned`` check until assigned)."""
        idx, skipped = self._movable(self._positions(unit_ids))
        return self._commit("unassign", {"units": self.unit_ids[idx].tolist()}, idx,
                            np.full(len(idx), None, dtype=object), skipped=skipped)

    def lasso(self, polygon: shapely.Geometry, grid_code: str, crs=None) -> EditResult:
        """Move the units whose point on surface falls inside a drawn polygon into ``grid_code``."""
        self._require_grid(grid_code)
        poly = self._to_plan_crs(polygon, crs)
        idx, skipped = self._movable(np.sort(self._point_tree.query(poly, predicate="contains")))
        return self._commit("lasso", {"polygon": poly.wkt, "grid_code": grid_code}, idx,
                            np.full(len(idx), grid_code, dtype=object), skipped=skipped)

    def _next_codes(self, area_id: str, k: int, taken: Iterable[str] = ()) -> list[str]:
        prefix = self.prefixes.get(area_id)
        if prefix is None:
            raise PlanError("err_plan_no_prefix", area=area_id)
        used = {int(c[12:]) for c in [*self.registry, *taken] if c.startswith(prefix) and c[12:].isdigit()}
        free = [s for s in range(1, self.exclusive_range[0]) if s not in used][:k]
        if len(free) < k:
            raise PlanError("err_plan_community_has_no_free_grid", area_id=area_id,
                            last_free=self.exclusive_range[0] - 1, first_exclusive=self.exclusive_range[0])
        return [f"{prefix}{s:03d}" for s in free]

    def create(self, unit_ids: Iterable) -> EditResult:
        """A new grid from units (its community: that of most of them; the next free code there)."""
        idx, skipped = self._movable(self._positions(unit_ids))
        if not len(idx):
            raise PlanError("err_plan_create_empty")
        area = pd.Series(self.area_id[idx]).value_counts().index[0]
        code = self._next_codes(area, 1)[0]
        grids = dict(self.registry)
        grids[code] = area
        return self._commit("create", {"units": self.unit_ids[idx].tolist(), "grid_code": code}, idx,
                            np.full(len(idx), code, dtype=object), grids_after=grids, skipped=skipped,
                            new_grids=(code,))

    def merge(self, grid_codes: Iterable[str]) -> EditResult:
        """Merge grids into the first one given (it keeps its code; the others cease to exist)."""
        codes = list(dict.fromkeys(grid_codes))
        if len(codes) < 2:
            raise PlanError("err_plan_merge_two")
        for c in codes:
            self._require_grid(c, "a merge member")
        keep = codes[0]
        idx = np.flatnonzero(pd.Series(self.codes).isin(codes[1:]).to_numpy())
        grids = {c: a for c, a in self.registry.items() if c not in codes[1:]}
        return self._commit("merge", {"grid_codes": codes}, idx, np.full(len(idx), keep, dtype=object),
                            grids_after=grids)

    def split(self, grid_code: str, line: shapely.Geometry, crs=None) -> EditResult:
        """Split a grid by a drawn line: units go to the side holding their point on surface.

        The side with the most households keeps the code; every other side becomes a new grid.
        """
        self._require_grid(grid_code, "a split")
        line = self._to_plan_crs(line, crs)
        idx = np.flatnonzero(self.codes == grid_code)
        pieces = shapely.get_parts(split_geometry(self._geometry(grid_code), line).geoms) \
            if len(idx) else np.empty(0, dtype=object)
        if len(pieces) < 2:
            raise PlanError("err_plan_split_cross", code=grid_code)
        pts = self._points[idx]
        inside = np.stack([shapely.contains(p, pts) for p in pieces])  # pieces × units (few pieces)
        near = np.stack([shapely.distance(p, pts) for p in pieces]).argmin(axis=0)
        side = np.where(inside.any(axis=0), inside.argmax(axis=0), near)
        sides = np.unique(side)
        if len(sides) < 2:
            raise PlanError("err_plan_split_side", code=grid_code)
        hh = np.bincount(side, weights=self.households[idx], minlength=len(pieces))
        n = np.bincount(side, minlength=len(pieces))
        keeper = max(sides, key=lambda s: (hh[s], n[s], -s))
        others = [s for s in sides if s != keeper]
        new_codes = self._next_codes(self.registry[grid_code], len(others))
        after = np.full(len(idx), grid_code, dtype=object)
        grids = dict(self.registry)
        for s, code in zip(others, new_codes, strict=True):
            after[side == s] = code
            grids[code] = self.registry[grid_code]
        return self._commit("split", {"grid_code": grid_code, "line": line.wkt, "new": new_codes}, idx, after,
                            grids_after=grids, new_grids=tuple(new_codes))

    def lock(self, grid_code: str) -> EditResult:
        """Lock a grid: it neither gains nor loses units until unlocked."""
        if grid_code not in self.registry:
            raise PlanError("err_plan_no_grid", code=grid_code)
        return self._commit("lock", {"grid_code": grid_code}, np.empty(0, dtype=np.int64), np.empty(0, dtype=object),
                            locked_after=self.locked | {grid_code})

    def unlock(self, grid_code: str) -> EditResult:
        """Unlock a grid."""
        return self._commit("unlock", {"grid_code": grid_code}, np.empty(0, dtype=np.int64),
                            np.empty(0, dtype=object), locked_after=self.locked - {grid_code})

    def import_assignment(self, table: pd.DataFrame, op: str = "import") -> EditResult:
        """Replace the whole assignment by a unit→grid table, as one undoable step.

        Units absent from the table become unassigned; units of locked grids keep their grid, and
        units the table puts into a locked grid stay where they are (both listed in ``skipped``).
        Unknown unit ids raise :class:`PlanError`. Codes new to the plan become grids.
        """
        pos = self._pos.get_indexer(table["unit_id"])
        if (pos < 0).any():
            raise PlanError("err_plan_table_unknown_units", ids=", ".join(map(str, table["unit_id"][pos < 0].head(10))))
        new = np.full(len(self.codes), None, dtype=object)
        new[pos] = [_as_code(c) for c in table["grid_code"]]
        held = np.array([c in self.locked for c in self.codes]) | np.array([c in self.locked for c in new])
        refused = held & (self.codes != new)
        new[held] = self.codes[held]
        keep = {c: a for c, a in self.registry.items() if c in self.locked}
        grids = {**self._majority_area(new), **keep}
        idx = np.arange(len(self.codes))
        return self._commit(op, {"n_rows": int(len(table))}, idx, new, grids_after=grids,
                            skipped=tuple(self.unit_ids[refused].tolist()))

    # ---------------------------------------------------------------------------------- 微网格 edits

    def micro_of(self, grid_code: str) -> gpd.GeoDataFrame:
        """The 微网格 of one base grid (code, households, 楼栋长, phone, polygons); empty without any."""
        if self.micro_grids is None:
            raise PlanError("err_micro_none")
        return micro_rows(self.micro_grids, [grid_code])

    def _micro_grid(self, micro_code: str) -> str:
        """The base grid of a 微网格 code, checked: the plan has 微网格, the grid exists and is a base grid."""
        if self.micro_grids is None:
            raise PlanError("err_micro_none")
        grid = str(micro_code)[:15]
        if grid not in self.registry or grid in self.exclusive:
            raise PlanError("err_micro_unknown", code=micro_code)
        return grid

    def _micro_step(self, op: str, params: dict, grid: str, rows: gpd.GeoDataFrame) -> EditResult:
        """Apply a 微网格 edit of one base grid as an undoable step (recorded in the edit log)."""
        assert self.micro_grids is not None
        empty = np.empty(0, dtype=object)
        step = Step(op, params, np.empty(0, dtype=np.int64), empty, empty, dict(self.registry), dict(self.registry),
                    self.locked, self.locked, micro_before=micro_rows(self.micro_grids, [grid]), micro_after=rows,
                    micro_recorded=True, micro_grids=(grid,))
        self._apply(step, forward=True)
        self.history.append(step)
        self.future.clear()
        return EditResult(op, step.changed(), 0, (), self.checks())

    def _located_residents(self) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
        """(attached residents, their points in the plan's CRS, the grid code of each now); refused without."""
        residents = self.micro_residents()
        if residents is None:
            raise PlanError("err_micro_needs_residents")
        points = resident_points(residents, self.crs)
        codes = resident_grid_codes(points, self.units, np.array([c or "" for c in self.codes], dtype=object))
        return residents, points, codes

    def _grid_residents(self, grid: str) -> tuple[np.ndarray, np.ndarray]:
        """(points, households) of the attached residents counted in base grid ``grid``."""
        residents, points, codes = self._located_residents()
        mine = codes == grid
        households = (pd.to_numeric(residents["households"], errors="coerce").fillna(0).to_numpy()
                      if "households" in residents else np.zeros(len(residents)))
        return points[mine], households[mine].astype(np.int64)

    def set_building_head(self, micro_code: str, name: str, phone: str = "") -> EditResult:
        """Set (or, blank, clear) the 楼栋长 and phone of a 微网格; undoable. The edit log names the 微网格 only."""
        grid = self._micro_grid(micro_code)
        assert self.micro_grids is not None
        rows = with_building_head(micro_rows(self.micro_grids, [grid]), micro_code, name, phone)
        return self._micro_step("micro_head", {"micro_code": str(micro_code)}, grid, rows)

    def move_micro(self, target_code: str, *, polygon: shapely.Geometry | None = None, source_code: str | None = None,
                   crs=None) -> EditResult:
        """Move buildings into the 微网格 ``target_code`` from the others of its base grid; undoable.

        The buildings are those whose point lies inside ``polygon`` (a drawn lasso, ``crs`` its CRS)
        or in the 微网格 ``source_code`` (all of it); see :func:`gridmap.plans.micro.move_micro_buildings`.
        Needs the residents (:meth:`attach_residents`).
        """
        grid = self._micro_grid(target_code)
        if (polygon is None) == (source_code is None):
            raise PlanError("err_micro_pick")
        points, households = self._grid_residents(grid)
        if polygon is not None:
            shape = self._to_plan_crs(polygon, crs)
            params: dict = {"target": str(target_code), "polygon": shape.wkt}
        else:
            if self._micro_grid(str(source_code)) != grid:
                raise PlanError("err_micro_target", target=target_code, grid=str(source_code)[:15])
            shape = self.micro_of(grid).set_index("micro_code").geometry.get(str(source_code))
            if shape is None:
                raise PlanError("err_micro_unknown", code=source_code)
            params = {"target": str(target_code), "source": str(source_code)}
        picked = shapely.intersects(shape, points) if len(points) else np.zeros(0, dtype=bool)
        assert self.micro_grids is not None
        rows = move_micro_buildings(self.micro_grids, self._geometry(grid), grid, points, households, picked,
                                    str(target_code), self.micro_band)
        return self._micro_step("micro_move", params, grid, rows)

    def rebuild_micro(self, grid_code: str) -> EditResult:
        """Make the 微网格 of one base grid anew with the plan's band (their 楼栋长 cleared); undoable."""
        grid = self._micro_grid(f"{grid_code}00")
        residents, _, codes = self._located_residents()
        assert self.micro_grids is not None
        base = [c for c in self.registry if c not in self.exclusive]
        micro, _, _ = rebuild_micro_grids(self.micro_grids, base, self.grids([grid])[["grid_code", "geometry"]],
                                          residents, codes, band=self.micro_band)
        return self._micro_step("micro_rebuild", {"grid_code": grid}, grid, micro_rows(micro, [grid]))

    def undo(self) -> EditResult | None:
        """Undo the last applied step (any depth); None when there is nothing to undo."""
        if not self.history:
            return None
        step = self.history.pop()
        self._apply(step, forward=False)
        self.future.append(step)
        return EditResult(f"undo {step.op}", step.changed(), len(step.idx), (), self.checks())

    def redo(self) -> EditResult | None:
        """Redo the last undone step; None when there is nothing to redo."""
        if not self.future:
            return None
        step = self.future.pop()
        self._apply(step, forward=True)
        self.history.append(step)
        return EditResult(f"redo {step.op}", step.changed(), len(step.idx), (), self.checks())

    def edit_log(self) -> pd.DataFrame:
        """The applied steps: ``seq``, ``op``, ``params`` (JSON), ``changed`` grids, ``n_units``, ``time``."""
        import json

        rows = [{"seq": k + 1, "op": s.op, "params": json.dumps(s.params, ensure_ascii=False),
                 "changed": ";".join(s.changed()), "n_units": len(s.idx),
                 "time": pd.Timestamp(s.time, unit="s").isoformat()} for k, s in enumerate(self.history)]
        return pd.DataFrame(rows, columns=["seq", "op", "params", "changed", "n_units", "time"])
