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

from gridmap.vocab import CATALOG, LIST_SEP, Joined, Message, text
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


def _grid(code: str, lang: str | None) -> str:
    return code if code else text("cli_rev_unassigned", lang)


def _codes(codes: list[str], lang: str | None, limit: int | None = None) -> str:
    """The codes (up to ``limit``) joined in the language's way, with an ellipsis when there are more."""
    shown = codes if limit is None else codes[:limit]
    return Joined(shown, LIST_SEP).render(lang) + (" …" if len(codes) > len(shown) else "")


#: How the reasons of a refused save are joined, per language.
REASON_SEP: dict[str, str] = {"zh": "；", "en": "; "}


def reason_record(reason: Message) -> dict[str, Any]:
    """A merge's conflict reason as the revision summary stores it (JSON: its message id and parameters,
    lists of grid codes as lists), so that it reads in each reader's language."""
    return {"msgid": reason.msgid,
            "params": {k: v.items if isinstance(v, Joined) else v for k, v in reason.params.items()}}


def reason_text(reason: dict[str, Any] | str, lang: str | None = None) -> str:
    """A stored conflict reason in ``lang`` (a text stored by an earlier version is kept as written)."""
    if isinstance(reason, str):
        return reason
    params = {k: Joined(v, LIST_SEP) if isinstance(v, list) else v for k, v in reason.get("params", {}).items()}
    return text(reason["msgid"], lang, **params)


def _label(prefix: str, value: str, lang: str | None) -> str:
    key = f"{prefix}{value}"
    return text(key, lang) if key in CATALOG else str(value)


def kind_label(kind: str, lang: str | None = None) -> str:
    """A revision kind (``save``, ``merge``, ``rescue`` …) in ``lang``; an unknown kind as written."""
    return _label("cli_rev_kind_", kind, lang)


def status_label(status: str, lang: str | None = None) -> str:
    """A revision status (``complete``, ``work in progress``) in ``lang``; an unknown one as written."""
    return _label("cli_rev_status_", status, lang)


def describe(summary: dict[str, Any], limit: int = 10, lang: str | None = None) -> list[str]:
    """Lines of text saying what a summary holds (most important first; at most ``limit`` moves listed).

    In ``lang`` (the current language when ``None``): the History panel and ``gridmap plan log`` show
    them to the planner. The reasons of a refused save are kept as the merge wrote them.
    """
    lines: list[str] = []

    def say(msgid: str, **params: object) -> None:
        lines.append(text(msgid, lang, **params))

    if "n_units" in summary:
        say("cli_rev_units_in_grids", units=summary["n_units"], grids=summary.get("n_grids", 0))
        if summary.get("n_unassigned"):
            lines[-1] += text("cli_rev_unassigned_count", lang, n=summary["n_unassigned"])
    moved = summary.get("moved", [])
    if summary.get("n_units_moved"):
        say("cli_rev_units_moved", n=summary["n_units_moved"])
    for m in moved[:limit]:
        say("cli_rev_move", units=m["units"], households=m["households"], source=_grid(m["from"], lang),
            target=_grid(m["to"], lang))
    if len(moved) > limit:
        say("cli_rev_more_moves", n=len(moved) - limit)
    for m in summary.get("merged", []):
        say("cli_rev_merged", grids=_codes(list(m["from"]), lang), into=m["into"])
    for s in summary.get("split", []):
        say("cli_rev_split", grid=s["grid"], into=_codes(list(s["into"]), lang))
    merged_away = {c for m in summary.get("merged", []) for c in m["from"]}
    split_new = {c for s in summary.get("split", []) for c in s["into"]}
    created = [c for c in summary.get("created", []) if c not in split_new]
    removed = [c for c in summary.get("removed", []) if c not in merged_away]
    if created:
        say("cli_rev_created", grids=_codes(created, lang, limit))
    if removed:
        say("cli_rev_removed", grids=_codes(removed, lang, limit))
    if summary.get("locked"):
        say("cli_rev_locked", grids=_codes(list(summary["locked"]), lang))
    if summary.get("unlocked"):
        say("cli_rev_unlocked", grids=_codes(list(summary["unlocked"]), lang))
    if "band" in summary:
        say("cli_rev_band", low=summary["band"][0], high=summary["band"][1])
    if summary.get("renumbered"):
        pairs = [f"{a} → {b}" for a, b in summary["renumbered"].items()]
        say("cli_rev_renumbered", pairs=_codes(pairs, lang))
    if summary.get("micro_rebuilt"):
        say("cli_rev_micro_rebuilt", grids=_codes(list(summary["micro_rebuilt"]), lang, limit))
    if summary.get("micro_dropped"):
        say("cli_rev_micro_dropped", grids=_codes(list(summary["micro_dropped"]), lang, limit))
    if summary.get("merged_with"):
        say("cli_rev_merged_with", revisions=_codes([str(r) for r in summary["merged_with"]], lang))
    if summary.get("restored"):
        say("cli_rev_restored", revision=summary["restored"])
    if summary.get("conflict"):
        c = summary["conflict"]
        reasons = Joined([reason_text(r, lang) for r in c.get("reasons", [])], REASON_SEP)
        say("cli_rev_refused", head=c["head"], reasons=reasons.render(lang))
    if not lines:
        say("cli_rev_no_change")
    return lines
