"""The state of a plan at one revision — assignment, grid registry, locks, band, code prefixes —
as plain values, so revisions can be stored, compared and merged without building a
:class:`gridmap.plans.plan.Plan` (whose constructor indexes the unit geometry).

A :class:`PlanState` is what a revision *is*: the units of a plan never change, so the assignment
plus these few values rebuild the plan exactly (:meth:`PlanState.to_plan`). The edit steps of a
save travel beside it as a table in the same
columns as the ``edit_log`` layer of a plan file (docs/design.md §2.5), written and read by
:func:`gridmap.plans.store.steps_table` and :func:`gridmap.plans.store.steps_from_table`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from gridmap.plans.exclusive import DEFAULT_EXCLUSIVE_RANGE, parse_sequence_range
from gridmap.plans.micro import DEFAULT_MICRO_BAND, parse_micro_band
from gridmap.plans.plan import Plan, Step

__all__ = ["PlanState", "step_key", "common_steps"]

@dataclass(frozen=True)
class PlanState:
    """A plan's assignment and settings at one revision.

    Attributes
    ----------
    codes : grid code per unit, indexed by ``unit_id`` (``""`` = unassigned), in unit order.
    registry : ``{grid code: area_id}`` of the grids that exist (also empty ones).
    locked : locked grid codes.
    prefixes : ``{area_id: 12-digit code prefix}`` for new grid codes.
    min_households, max_households : the household band of the checks.
    exclusive : ``{grid code: what it is}`` of the 专属网格 (the other grids are 基础网格).
    exclusive_range : the sequence numbers of the 专属网格, ``(first, last)``.
    micro_band : households of a 微网格, ``(min, max)``. The 微网格 themselves are polygons and
        travel beside the state (:attr:`gridmap.workspace.backend.RevisionData.micro_grids`).
    """

    codes: pd.Series
    registry: dict[str, str]
    locked: frozenset[str]
    prefixes: dict[str, str]
    min_households: int
    max_households: int
    exclusive: dict[str, str] = field(default_factory=dict)
    exclusive_range: tuple[int, int] = DEFAULT_EXCLUSIVE_RANGE
    micro_band: tuple[int, int] = DEFAULT_MICRO_BAND

    @classmethod
    def from_plan(cls, plan: Plan) -> PlanState:
        """The state of a plan as it is now."""
        table = plan.assignment()
        return cls(pd.Series(table["grid_code"].to_numpy(dtype=object), index=pd.Index(table["unit_id"]),
                             name="grid_code"), dict(plan.registry), frozenset(plan.locked), dict(plan.prefixes),
                   int(plan.min_households), int(plan.max_households), dict(plan.exclusive),
                   _pair(plan.exclusive_range), _pair(plan.micro_band))

    @classmethod
    def from_stored(cls, assignment: pd.DataFrame, meta: dict[str, Any]) -> PlanState:
        """A state from a stored assignment (``unit_id``, ``grid_code``) and its :meth:`meta`.

        Revisions stored before grid types were kept have no ``exclusive``, ``exclusive_range`` or
        ``micro_band``: every grid is then a 基础网格 and the ranges are the defaults.
        """
        codes = assignment["grid_code"].astype(object).where(assignment["grid_code"].notna(), "")
        return cls(pd.Series(codes.to_numpy(dtype=object), index=pd.Index(assignment["unit_id"]), name="grid_code"),
                   {str(k): str(v) for k, v in meta["registry"].items()}, frozenset(meta["locked"]),
                   {str(k): str(v) for k, v in meta["prefixes"].items()}, int(meta["min_households"]),
                   int(meta["max_households"]),
                   {str(k): str(v) for k, v in (meta.get("exclusive") or {}).items()},
                   parse_sequence_range(tuple(meta.get("exclusive_range") or DEFAULT_EXCLUSIVE_RANGE)),
                   parse_micro_band(tuple(meta.get("micro_band") or DEFAULT_MICRO_BAND)))

    def meta(self) -> dict[str, Any]:
        """The settings as JSON-able values (stored beside the assignment)."""
        return {"registry": dict(sorted(self.registry.items())), "locked": sorted(self.locked),
                "prefixes": dict(sorted(self.prefixes.items())), "min_households": self.min_households,
                "max_households": self.max_households, "exclusive": dict(sorted(self.exclusive.items())),
                "exclusive_range": list(self.exclusive_range), "micro_band": list(self.micro_band)}

    def assignment(self) -> pd.DataFrame:
        """The unit → grid table (``unit_id``, ``grid_code``)."""
        return pd.DataFrame({"unit_id": self.codes.index.to_numpy(), "grid_code": self.codes.to_numpy(dtype=object)})

    def to_plan(self, units: gpd.GeoDataFrame, *, revision: int = 0, plan_id: str | None = None, name: str = "",
                history: Sequence[Step] = (), micro_grids: gpd.GeoDataFrame | None = None) -> Plan:
        """The plan of this state on its units (``history``: the steps undo may take back; ``micro_grids``:
        its 微网格, stored beside the state)."""
        plan = Plan(units, self.assignment(), min_households=self.min_households,
                    max_households=self.max_households, prefixes=self.prefixes, locked=self.locked,
                    grids=self.registry, revision=revision, plan_id=plan_id, name=name, exclusive=self.exclusive,
                    exclusive_range=self.exclusive_range, micro_grids=micro_grids, micro_band=self.micro_band)
        plan.history = list(history)
        plan.dirty = False
        return plan

    def same_as(self, other: PlanState) -> bool:
        """Same assignment, grids, locks, band and grid types (prefixes aside; the 微网格 are compared
        apart, :func:`gridmap.plans.micro.same_micro_grids`)."""
        mine, theirs = self.codes, other.codes.reindex(self.codes.index)
        return (bool((mine.to_numpy() == theirs.to_numpy()).all()) and self.registry == other.registry
                and self.locked == other.locked and (self.min_households, self.max_households)
                == (other.min_households, other.max_households) and self.exclusive == other.exclusive
                and self.exclusive_range == other.exclusive_range and self.micro_band == other.micro_band)


def _pair(values: Sequence[int]) -> tuple[int, int]:
    """A ``(first, last)`` range as two ints (a plan keeps them as a sequence)."""
    first, last = values
    return int(first), int(last)


def step_key(step: Step) -> tuple[str, str, float]:
    """What identifies a step across storing and reading back: its op, parameters and time."""
    return step.op, json.dumps(step.params, ensure_ascii=False, sort_keys=True), float(step.time)


def common_steps(a: Sequence[Step], b: Sequence[Step]) -> int:
    """How many leading steps two histories share (the steps of ``b`` after them are new in ``b``)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x is not y and step_key(x) != step_key(y):
            break
        n += 1
    return n
