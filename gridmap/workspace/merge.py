"""Three-way merge of plan saves: two planners, one plan, nothing lost (docs/design.md §7.1).

A planner opens revision *base* and saves *mine*; meanwhile others saved up to *theirs* (the
head). The merge compares both with the base:

* units changed by *mine* (grid differs from base) and by *theirs* must be disjoint — a unit
  changed by both is a conflict, even when both moved it to the same grid (the rule is simple to
  state and to check, and a refused save loses nothing: it is kept as a rescue revision);
* grids: a grid one side locked or unlocked must not have gained or lost units on the other
  side; a grid one side removed (merged away) must not have gained units or changed its lock on
  the other side; the household band must not have changed differently on both sides;
* grid codes created on both sides with the same number (both took the next free code of a
  community) stay theirs, and mine are renumbered to the next free codes, so two new grids never
  share a code.

Without conflicts the merged state is *theirs* with *mine*'s changes applied: mine's unit moves,
mine's new and removed grids, mine's lock changes, mine's changes of grid types (专属网格 made,
renamed or turned back into 基础网格) and of the 专属网格 range and 微网格 band. The functions are
pure: states in, a state out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gridmap.errors import GridmapError
from gridmap.vocab import LIST_SEP, Joined, Message
from gridmap.workspace.state import PlanState

__all__ = ["MergeResult", "merge_states"]


@dataclass(frozen=True)
class MergeResult:
    """The outcome of :func:`merge_states`.

    Attributes
    ----------
    state : the merged state (None when there are conflicts).
    conflict_units : unit ids changed on both sides.
    conflict_grids : grid codes in conflict (lock or removal on one side, units changed on the other).
    reasons : one message per kind of conflict (rendered in the reader's language).
    renumbered : ``{my new code: code it got}`` for new grids whose code the other side took.
    """

    state: PlanState | None
    conflict_units: tuple = ()
    conflict_grids: tuple[str, ...] = ()
    reasons: tuple[Message, ...] = ()
    renumbered: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the saves merged."""
        return self.state is not None


def _aligned(state: PlanState, index: pd.Index) -> np.ndarray:
    return state.codes.reindex(index).fillna("").to_numpy(dtype=object)


def _touched(before: np.ndarray, after: np.ndarray, changed: np.ndarray) -> set[str]:
    """Grids that gained or lost units where ``changed``."""
    return (set(before[changed]) | set(after[changed])) - {""}


def _free_codes(prefix: str, taken: set[str], k: int) -> list[str]:
    used = {int(c[12:]) for c in taken if c.startswith(prefix) and c[12:].isdigit() and len(c) == 15}
    free = [s for s in range(1, 1000) if s not in used][:k]
    if len(free) < k:
        raise GridmapError("err_ws_no_free_grid_code_left", prefix=prefix)
    return [f"{prefix}{s:03d}" for s in free]


def merge_states(base: PlanState, mine: PlanState, theirs: PlanState) -> MergeResult:
    """Merge the changes ``base → mine`` into ``theirs``; see the module docstring for the rules.

    Parameters
    ----------
    base : the revision mine was opened at.
    mine : the plan being saved.
    theirs : the head saved since (by others).

    Returns
    -------
    MergeResult — ``state`` None when the saves conflict.
    """
    index = base.codes.index
    b, m, t = base.codes.to_numpy(dtype=object), _aligned(mine, index), _aligned(theirs, index)
    mine_changed, theirs_changed = m != b, t != b
    both = mine_changed & theirs_changed
    reasons: list[Message] = []
    conflict_units = tuple(index[both].tolist())
    if conflict_units:
        reasons.append(Message("cli_rev_conflict_units", n=len(conflict_units)))

    mine_touched, theirs_touched = _touched(b, m, mine_changed), _touched(b, t, theirs_changed)
    base_grids = set(base.registry)
    mine_created, theirs_created = set(mine.registry) - base_grids, set(theirs.registry) - base_grids
    mine_removed, theirs_removed = base_grids - set(mine.registry), base_grids - set(theirs.registry)
    mine_locks = (mine.locked - base.locked) | (base.locked - mine.locked)
    theirs_locks = (theirs.locked - base.locked) | (base.locked - theirs.locked)
    both_removed = mine_removed & theirs_removed
    grids: set[str] = set()
    lock_clash = (mine_locks & (theirs_touched | (theirs_removed - both_removed))) | (
        theirs_locks & (mine_touched | (mine_removed - both_removed)))
    if lock_clash:
        grids |= lock_clash
        reasons.append(Message("cli_rev_conflict_locks", grids=Joined(sorted(lock_clash), LIST_SEP)))
    removed_clash = ((mine_removed - both_removed) & (theirs_touched | theirs_locks)) | (
        (theirs_removed - both_removed) & (mine_touched | mine_locks))
    if removed_clash:
        grids |= removed_clash
        reasons.append(Message("cli_rev_conflict_removed", grids=Joined(sorted(removed_clash), LIST_SEP)))
    base_band = (base.min_households, base.max_households)
    mine_band, theirs_band = (mine.min_households, mine.max_households), (theirs.min_households, theirs.max_households)
    if mine_band != base_band and theirs_band != base_band and mine_band != theirs_band:
        reasons.append(Message("cli_rev_conflict_band", mine_low=mine_band[0], mine_high=mine_band[1],
                               theirs_low=theirs_band[0], theirs_high=theirs_band[1]))
    if reasons:
        return MergeResult(None, conflict_units, tuple(sorted(grids)), tuple(reasons))

    # renumber my new grids whose codes the other side also created
    prefixes = {**theirs.prefixes, **mine.prefixes}
    renumbered: dict[str, str] = {}
    taken = set(theirs.registry) | set(mine.registry) | set(t) | set(m)
    for code in sorted(mine_created & theirs_created):
        area = mine.registry[code]
        prefix = prefixes.get(area, code[:12])
        new_code = _free_codes(prefix, taken, 1)[0]
        taken.add(new_code)
        renumbered[code] = new_code
    merged = t.copy()
    mine_values = m[mine_changed]
    if renumbered:
        mine_values = np.array([renumbered.get(c, c) for c in mine_values], dtype=object)
    merged[mine_changed] = mine_values
    registry = {c: a for c, a in theirs.registry.items() if c not in mine_removed}
    for code in mine_created:
        registry[renumbered.get(code, code)] = mine.registry[code]
    locked_added = {renumbered.get(c, c) for c in mine.locked - base.locked}
    locked = frozenset((theirs.locked | locked_added) - (base.locked - mine.locked))
    band = mine_band if mine_band != base_band else theirs_band
    exclusive = {c: kind for c, kind in theirs.exclusive.items() if c not in mine_removed}
    for code, kind in mine.exclusive.items():  # mine's 专属网格 made or renamed
        if base.exclusive.get(code) != kind:
            exclusive[renumbered.get(code, code)] = kind
    for code in set(base.exclusive) - set(mine.exclusive):  # mine's 专属网格 turned into 基础网格
        exclusive.pop(code, None)
    exclusive = {c: kind for c, kind in exclusive.items() if c in registry}
    exclusive_range = (mine.exclusive_range if mine.exclusive_range != base.exclusive_range
                       else theirs.exclusive_range)
    micro_band = mine.micro_band if mine.micro_band != base.micro_band else theirs.micro_band
    missing = (set(merged) - {""}) - set(registry)
    if missing:  # a safety net: every rule above should have caught it
        return MergeResult(None, (), tuple(sorted(missing)),
                           (Message("cli_rev_conflict_missing", grids=Joined(sorted(missing), LIST_SEP)),))
    state = PlanState(pd.Series(merged, index=index, name="grid_code"), registry, locked, prefixes, band[0], band[1],
                      exclusive, exclusive_range, micro_band)
    return MergeResult(state, renumbered=renumbered)
