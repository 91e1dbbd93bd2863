"""What changed between two revisions of a plan, as data and in words: the audit trail's content.

A save is described by comparing the plan it stores with the revision it was based on (the
*assignment diff*) and by the edit steps the planner applied in between (the plan's *edit log*):

* units moved between which grids — from the diff, grouped by (from grid, to grid), with their
  households;
* grids created and removed — from the diff of the grid registries;
* grids merged and split — from the log's ``merge`` and ``split`` steps; where the log says
  nothing (a restore, a merge of two saves) a removed grid whose units all went to one grid counts
  as merged into it, and a new grid whose units all came from one grid that still exists as split
  from it;
* grids locked and unlocked — from the diff of the lock sets;
* households per changed grid, before and after.

:func:`summarize` returns a JSON-able dict stored with each revision and its audit event;
:func:`describe` turns one into lines of text (``gridmap plan log``, the History panel).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from gridmap.workspace.state import PlanState

__all__ = ["summarize", "describe", "changed_units"]


def changed_units(base: PlanState, other: PlanState) -> pd.Index:
    """Unit ids whose grid differs between two states of the same plan."""
    theirs = other.codes.reindex(base.codes.index).fillna("")
    return base.codes.index[(base.codes.to_numpy(dtype=object) != theirs.to_numpy(dtype=object))]


def _log_ops(steps: pd.DataFrame | None) -> tuple[Counter, list[dict], list[dict]]:
    """Counts of ops, and the merges and splits the edit log records."""
    ops: Counter = Counter()
    merged: list[dict] = []
    split: list[dict] = []
    if steps is None or not len(steps):
        return ops, merged, split
    for row in steps.sort_values("seq").itertuples(index=False):
        ops[str(row.op)] += 1
        params = json.loads(row.params) if isinstance(row.params, str) else dict(row.params)
        if row.op == "merge":
            codes = list(params.get("grid_codes", []))
            merged.append({"into": codes[0] if codes else "", "from": codes[1:]})
        elif row.op == "split":
            split.append({"grid": params.get("grid_code", ""), "into": list(params.get("new", []))})
    return ops, merged, split


def summarize(base: PlanState | None, new: PlanState, households: pd.Series | None = None,
              steps: pd.DataFrame | None = None) -> dict[str, Any]:
    """What changed from ``base`` to ``new``, as JSON-able values.

    Parameters
    ----------
    base : the revision the change started from (None: a first revision, described by its size).
    new : the stored state.
    households : households per unit (indexed by ``unit_id``); 0 when None.
    steps : the edit steps of this change (columns of :func:`gridmap.plans.store.steps_table`).

    Returns
    -------
    dict with ``n_units_moved``, ``moved`` (list of ``{from, to, units, households}``, most units
    first), ``created``, ``removed``, ``merged`` (``{into, from}``), ``split`` (``{grid, into}``),
    ``locked``, ``unlocked``, ``households`` (``{grid: [before, after]}`` of the grids that changed),
    ``ops`` (edit steps by kind), ``band`` (``[min, max]`` when it changed), ``n_grids``.
    """
    ops, merged, split = _log_ops(steps)
    n_grids = len(new.registry)
    if base is None:  # a first revision: its size, not a list of every grid as "created"
        return {"n_units_moved": 0, "moved": [], "created": [], "removed": [], "merged": [], "split": [],
                "locked": sorted(new.locked), "unlocked": [], "households": {}, "ops": dict(ops),
                "n_grids": n_grids, "n_units": int(len(new.codes)),
                "n_unassigned": int((new.codes.to_numpy(dtype=object) == "").sum())}
    units = base.codes.index
    before = base.codes.to_numpy(dtype=object)
    after = new.codes.reindex(units).fillna("").to_numpy(dtype=object)
    hh = (households.reindex(units).fillna(0).to_numpy(dtype=np.int64) if households is not None
          else np.zeros(len(units), dtype=np.int64))
    moved_mask = before != after
    moved = pd.DataFrame({"from": before[moved_mask], "to": after[moved_mask], "households": hh[moved_mask]})
    groups = (moved.groupby(["from", "to"], sort=True)
              .agg(units=("households", "size"), households=("households", "sum"))
              .reset_index().sort_values(["units", "from", "to"], ascending=[False, True, True]))
    created = sorted(set(new.registry) - set(base.registry))
    removed = sorted(set(base.registry) - set(new.registry))
    if not merged:  # infer from the diff: a removed grid whose units all went to one grid
        for code in removed:
            went = set(after[before == code]) - {""}
            if len(went) == 1:
                merged.append({"into": went.pop(), "from": [code]})
    if not split:  # a new grid whose units all came from one grid that still exists
        sources: dict[str, list[str]] = {}
        for code in created:
            came = set(before[after == code]) - {""}
            if len(came) == 1 and (src := came.pop()) in new.registry:
                sources.setdefault(src, []).append(code)
        split = [{"grid": g, "into": sorted(c)} for g, c in sorted(sources.items())]
    touched = sorted((set(moved["from"]) | set(moved["to"]) | set(created) | set(removed)) - {""})
    per_before = pd.Series(hh).groupby(before).sum()
    per_after = pd.Series(hh).groupby(after).sum()
    households_per = {g: [int(per_before.get(g, 0)), int(per_after.get(g, 0))] for g in touched}
    out: dict[str, Any] = {
        "n_units_moved": int(moved_mask.sum()),
        "moved": [{"from": r["from"], "to": r["to"], "units": int(r["units"]), "households": int(r["households"])}
                  for r in groups.to_dict("records")],
        "created": created, "removed": removed, "merged": merged, "split": split,
        "locked": sorted(new.locked - base.locked), "unlocked": sorted(base.locked - new.locked),
        "households": households_per, "ops": dict(ops), "n_grids": n_grids,
    }
    if (base.min_households, base.max_households) != (new.min_households, new.max_households):
        out["band"] = [new.min_households, new.max_households]
    return out


def _grid(code: str) -> str:
    return code if code else "(unassigned)"


def describe(summary: dict[str, Any], limit: int = 10) -> list[str]:
    """Lines of text saying what a summary holds (most important first; at most ``limit`` moves listed)."""
    lines: list[str] = []
    if "n_units" in summary:
        lines.append(f"{summary['n_units']} units in {summary.get('n_grids', 0)} grids"
                     + (f", {summary['n_unassigned']} unassigned" if summary.get("n_unassigned") else ""))
    moved = summary.get("moved", [])
    if summary.get("n_units_moved"):
        lines.append(f"{summary['n_units_moved']} unit(s) moved")
    for m in moved[:limit]:
        lines.append(f"  {m['units']} unit(s), {m['households']} households: {_grid(m['from'])} → {_grid(m['to'])}")
    if len(moved) > limit:
        lines.append(f"  … and {len(moved) - limit} more move(s)")
    for m in summary.get("merged", []):
        lines.append(f"grids {', '.join(m['from'])} merged into {m['into']}")
    for s in summary.get("split", []):
        lines.append(f"grid {s['grid']} split: new {', '.join(s['into'])}")
    merged_away = {c for m in summary.get("merged", []) for c in m["from"]}
    split_new = {c for s in summary.get("split", []) for c in s["into"]}
    created = [c for c in summary.get("created", []) if c not in split_new]
    removed = [c for c in summary.get("removed", []) if c not in merged_away]
    if created:
        lines.append(f"grid(s) created: {', '.join(created[:limit])}" + (" …" if len(created) > limit else ""))
    if removed:
        lines.append(f"grid(s) removed: {', '.join(removed[:limit])}" + (" …" if len(removed) > limit else ""))
    if summary.get("locked"):
        lines.append(f"grid(s) locked: {', '.join(summary['locked'])}")
    if summary.get("unlocked"):
        lines.append(f"grid(s) unlocked: {', '.join(summary['unlocked'])}")
    if "band" in summary:
        lines.append(f"household band now {summary['band'][0]}–{summary['band'][1]}")
    if summary.get("renumbered"):
        lines.append("new grid(s) renumbered to fit beside the other save: "
                     + ", ".join(f"{a} → {b}" for a, b in summary["renumbered"].items()))
    if summary.get("micro_rebuilt"):
        codes = summary["micro_rebuilt"]
        lines.append(f"微网格 made anew (whole buildings, inside the grid; 楼栋长 to be named again) in grid(s) "
                     f"{', '.join(codes[:limit])}" + (" …" if len(codes) > limit else ""))
    if summary.get("micro_dropped"):
        codes = summary["micro_dropped"]
        lines.append(f"微网格 dropped (the project has no residents to make them from) in grid(s) "
                     f"{', '.join(codes[:limit])}" + (" …" if len(codes) > limit else ""))
    if summary.get("merged_with"):
        lines.append(f"merged with revision(s) {', '.join(map(str, summary['merged_with']))}")
    if summary.get("restored"):
        lines.append(f"revision {summary['restored']} restored")
    if summary.get("conflict"):
        c = summary["conflict"]
        lines.append(f"refused: conflicts with revision {c['head']} — " + "; ".join(c.get("reasons", [])))
    if not lines:
        lines.append("no change")
    return lines
