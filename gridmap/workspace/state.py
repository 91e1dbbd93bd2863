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
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

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
    """

    codes: pd.Series
    registry: dict[str, str]
    locked: frozenset[str]
    prefixes: dict[str, str]
    min_households: int
    max_households: int

    @classmethod
    def from_plan(cls, plan: Plan) -> PlanState:
        """The state of a plan as it is now."""
        table = plan.assignment()
        return cls(pd.Series(table["grid_code"].to_numpy(dtype=object), index=pd.Index(table["unit_id"]),
                             name="grid_code"), dict(plan.registry), frozenset(plan.locked), dict(plan.prefixes),
                   int(plan.min_households), int(plan.max_households))

    @classmethod
    def from_stored(cls, assignment: pd.DataFrame, meta: dict[str, Any]) -> PlanState:
        """A state from a stored assignment (``unit_id``, ``grid_code``) and its :meth:`meta`."""
        codes = assignment["grid_code"].astype(object).where(assignment["grid_code"].notna(), "")
        return cls(pd.Series(codes.to_numpy(dtype=object), index=pd.Index(assignment["unit_id"]), name="grid_code"),
                   {str(k): str(v) for k, v in meta["registry"].items()}, frozenset(meta["locked"]),
                   {str(k): str(v) for k, v in meta["prefixes"].items()}, int(meta["min_households"]),
                   int(meta["max_households"]))

    def meta(self) -> dict[str, Any]:
        """The settings as JSON-able values (stored beside the assignment)."""
        return {"registry": dict(sorted(self.registry.items())), "locked": sorted(self.locked),
                "prefixes": dict(sorted(self.prefixes.items())), "min_households": self.min_households,
                "max_households": self.max_households}

    def assignment(self) -> pd.DataFrame:
        """The unit → grid table (``unit_id``, ``grid_code``)."""
        return pd.DataFrame({"unit_id": self.codes.index.to_numpy(), "grid_code": self.codes.to_numpy(dtype=object)})

    def to_plan(self, units: gpd.GeoDataFrame, *, revision: int = 0, plan_id: str | None = None, name: str = "",
                history: Sequence[Step] = ()) -> Plan:
        """The plan of this state on its units (``history``: the steps undo may take back)."""
        plan = Plan(units, self.assignment(), min_households=self.min_households,
                    max_households=self.max_households, prefixes=self.prefixes, locked=self.locked,
                    grids=self.registry, revision=revision, plan_id=plan_id, name=name)
        plan.history = list(history)
        plan.dirty = False
        return plan

    def same_as(self, other: PlanState) -> bool:
        """Same assignment, grids, locks and band (prefixes aside)."""
        mine, theirs = self.codes, other.codes.reindex(self.codes.index)
        return (bool((mine.to_numpy() == theirs.to_numpy()).all()) and self.registry == other.registry
                and self.locked == other.locked and (self.min_households, self.max_households)
                == (other.min_households, other.max_households))


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
