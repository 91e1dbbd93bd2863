"""One module of product defaults: the band rule stated once, and every face reading the same numbers."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap import defaults
from gridmap.analysis.coverage import coverage_report
from gridmap.cli import build_parser
from gridmap.plans.checks import run_checks
from gridmap.plans.grids import build_grids
from gridmap.present.report.gather import band_status_column as report_band_status
from gridmap.present.views import band_status as map_band_status
from gridmap.scale.pipeline import RunParams


def test_the_band_rule_by_hand() -> None:
    """300–500, both bounds inclusive: 299 is below, 300 and 500 within, 501 above; missing counts as 0."""
    got = defaults.band_status([0, 299, 300, 400, 500, 501, None, "x"])
    assert got.tolist() == ["below", "below", "in_band", "in_band", "in_band", "above", "below", "below"]
    assert defaults.band_status([10, 20], 10, 10).tolist() == ["in_band", "above"]


@settings(deadline=None, max_examples=60)  # a loaded machine: time is not what is tested
@given(st.lists(st.integers(0, 2000), min_size=1, max_size=40), st.integers(0, 1000), st.integers(0, 1000))
def test_the_checks_the_maps_and_the_report_place_grids_as_the_rule(households, a, b) -> None:
    """Every user of the rule agrees with it: the plan's households_band check (non-empty grids), the
    grid map's status and the 台账's band status."""
    low, high = min(a, b), max(a, b)
    hh = np.asarray(households, dtype=float)
    rule = defaults.band_status(hh, low, high)
    assert (map_band_status(hh, low, high) == rule).all()
    report = report_band_status(pd.Series(hh), low, high).replace({"within": "in_band"})
    assert (report.to_numpy() == rule).all()
    n = len(hh)  # one unit per grid, no adjacency: only the band decides the households_band check
    table = run_checks(np.arange(n), np.array([f"G{i}" for i in range(n)]), hh, np.zeros(n, dtype=object),
                       (np.zeros(0, int), np.zeros(0, int), np.zeros(0)), np.arange(n), low, high)
    band = table.set_index("check").loc["households_band"]
    assert int(band["n"]) == int((rule != defaults.IN_BAND).sum())


def _defaults_of(command: str) -> dict:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return {a.dest: a.default for a in sub._actions}


def test_the_core_the_cli_and_the_app_start_from_the_same_numbers() -> None:
    cov = inspect.signature(coverage_report).parameters
    assert cov["gap_width"].default == defaults.GAP_WIDTH_M == 5.0
    assert cov["sliver_m2"].default == defaults.SLIVER_M2 == 1.0
    grids = inspect.signature(build_grids).parameters
    assert (grids["min_households"].default, grids["max_households"].default) == defaults.HOUSEHOLD_BAND == (300, 500)
    run = RunParams()
    assert (run.gap_width, run.sliver_m2, run.snap_limit) == (5.0, 1.0, 300.0)
    assert run.thresholds == defaults.LIFE_CIRCLE_M == (300.0, 500.0, 1000.0)
    coverage, unify, access = _defaults_of("coverage"), _defaults_of("unify"), _defaults_of("access")
    assert (coverage["gap_width"], coverage["sliver_area"]) == (defaults.GAP_WIDTH_M, defaults.SLIVER_M2)
    assert (unify["min_households"], unify["max_households"], unify["seed"]) == (300, 500, 0)
    assert tuple(access["thresholds"]) == defaults.LIFE_CIRCLE_M and access["snap_limit"] == defaults.SNAP_LIMIT_M
    assert _defaults_of("site")["radius"] == _defaults_of("report")["radius"] == defaults.SITE_RADIUS_M == 1000.0
    assert len(defaults.LIFE_CIRCLE_MINUTES) == len(defaults.LIFE_CIRCLE_M)
