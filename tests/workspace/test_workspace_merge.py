"""The three-way merge of plan states (pure): invariants by hypothesis, and the conflict rules by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.workspace.merge import merge_states
from gridmap.workspace.state import PlanState

PREFIX = "320102001001"
GRIDS = [f"{PREFIX}{k:03d}" for k in range(1, 6)]


def state(codes: list[str], registry: set[str] | None = None, locked=(), band=(1, 1000)) -> PlanState:
    registry = set(GRIDS) if registry is None else registry
    return PlanState(pd.Series(codes, index=pd.Index(range(1, len(codes) + 1)), dtype=object),
                     dict.fromkeys(registry, PREFIX), frozenset(locked), {PREFIX: PREFIX}, *band)


@st.composite
def disjoint_edits(draw):
    n = draw(st.integers(2, 30))
    base = draw(st.lists(st.sampled_from(GRIDS), min_size=n, max_size=n))
    owner = draw(st.lists(st.sampled_from(["none", "mine", "theirs"]), min_size=n, max_size=n))
    mine, theirs = list(base), list(base)
    for i, who in enumerate(owner):
        target = draw(st.sampled_from([g for g in GRIDS if g != base[i]]))
        if who == "mine":
            mine[i] = target
        elif who == "theirs":
            theirs[i] = target
    return base, mine, theirs


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(disjoint_edits())
def test_disjoint_edits_merge_into_both(edits) -> None:
    base, mine, theirs = edits
    result = merge_states(state(base), state(mine), state(theirs))
    assert result.ok and not result.conflict_units
    merged = result.state.codes.tolist()
    for b, m, t, r in zip(base, mine, theirs, merged, strict=True):
        assert r == (m if m != b else t)  # each unit: the side that changed it, else as it was
    # merging is the same whichever save came first
    assert merge_states(state(base), state(theirs), state(mine)).state.codes.tolist() == merged


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(disjoint_edits(), st.data())
def test_a_unit_changed_on_both_sides_is_always_a_conflict(edits, data) -> None:
    base, mine, theirs = edits
    i = data.draw(st.integers(0, len(base) - 1))
    mine[i] = data.draw(st.sampled_from([g for g in GRIDS if g != base[i]]))
    theirs[i] = data.draw(st.sampled_from([g for g in GRIDS if g != base[i]]))
    result = merge_states(state(base), state(mine), state(theirs))
    assert not result.ok and (i + 1) in result.conflict_units


def test_removed_grid_that_gained_units_on_the_other_side_is_a_conflict() -> None:
    g1, g2, g3 = GRIDS[:3]
    base = state([g1, g2, g3, g3])
    mine = state([g1, g1, g3, g3], registry=set(GRIDS) - {g2})  # I merged g2 into g1
    theirs = state([g1, g2, g3, g2])  # they moved u4 into g2
    result = merge_states(base, mine, theirs)
    assert not result.ok and result.conflict_grids == (g2,) and "removed" in str(result.reasons[0])


def test_both_removing_the_same_empty_grid_is_fine() -> None:
    g1, g2, g5 = GRIDS[0], GRIDS[1], GRIDS[4]
    base = state([g1, g2])
    mine = state([g2, g2], registry=set(GRIDS) - {g5})
    theirs = state([g1, g1], registry=set(GRIDS) - {g5})
    result = merge_states(base, mine, theirs)
    assert result.ok and g5 not in result.state.registry and result.state.codes.tolist() == [g2, g1]


def test_lock_changes_merge_unless_the_other_side_changed_that_grid() -> None:
    g1, g2, g3 = GRIDS[:3]
    base = state([g1, g2, g3], locked={g3})
    mine = state([g1, g2, g3], locked={g3, g1})  # I locked g1, nothing else
    theirs = state([g1, g3, g3], locked=set())  # they unlocked g3 and moved u2 from g2 into it
    result = merge_states(base, mine, theirs)
    assert result.ok and result.state.codes.tolist() == [g1, g3, g3] and result.state.locked == frozenset({g1})
    theirs = state([g2, g2, g3], locked={g3})  # they moved u1 out of g1, which I locked
    result = merge_states(base, mine, theirs)
    assert not result.ok and result.conflict_grids == (g1,) and "locked" in str(result.reasons[0])


def test_band_changed_differently_on_both_sides_is_a_conflict() -> None:
    g1 = GRIDS[0]
    base = state([g1], band=(300, 500))
    assert not merge_states(base, state([g1], band=(200, 500)), state([g1], band=(300, 600))).ok
    merged = merge_states(base, state([g1], band=(200, 500)), state([g1], band=(300, 500)))
    assert (merged.state.min_households, merged.state.max_households) == (200, 500)
