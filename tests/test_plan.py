"""Plans: edits, locks, undo/redo, checks, atomic revisioned saves, CSV/layer import, comparison, CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap.plans.compare import compare_plans
from gridmap.plans.plan import Plan, PlanError
from gridmap.plans.store import (
    StaleRevisionError,
    assignment_from_layer,
    load_plan,
    read_assignment_csv,
    read_plan_meta,
    save_plan,
    write_assignment_csv,
)

X0, Y0 = 500_000.0, 3_545_000.0
A, B = "320102001001", "320102001002"


def _units() -> gpd.GeoDataFrame:
    """Community A: 4 × 2 units of 100 m (ids 1-8, row-major from the north-west); B: 2 × 2 east of it (9-12).

    Households: A 100 each; B 150 each.
    """
    geoms, rows = [], []
    for k in range(8):
        r, c = divmod(k, 4)
        geoms.append(shapely.box(X0 + c * 100, Y0 + (1 - r) * 100, X0 + c * 100 + 100, Y0 + (2 - r) * 100))
        rows.append({"unit_id": k + 1, "area_id": A, "households": 100, "population": 250})
    for k in range(4):
        r, c = divmod(k, 2)
        geoms.append(shapely.box(X0 + 400 + c * 100, Y0 + (1 - r) * 100, X0 + 500 + c * 100, Y0 + (2 - r) * 100))
        rows.append({"unit_id": k + 9, "area_id": B, "households": 150, "population": 400})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4549)


G1, G2, G3 = f"{A}001", f"{A}002", f"{B}001"


def _plan() -> Plan:
    """A: west 2 × 2 = G1 (units 1 2 5 6), east 2 × 2 = G2 (3 4 7 8); B: all 4 = G3 (600 households)."""
    codes = {1: G1, 2: G1, 5: G1, 6: G1, 3: G2, 4: G2, 7: G2, 8: G2, 9: G3, 10: G3, 11: G3, 12: G3}
    table = pd.DataFrame({"unit_id": list(codes), "grid_code": list(codes.values())})
    return Plan(_units(), table, min_households=300, max_households=500)


def _status(plan: Plan) -> dict[str, tuple[str, str]]:
    return {r.check: (r.status, r.grid_codes) for r in plan.checks().itertuples()}


def _grid_of(plan: Plan) -> dict[int, str]:
    return dict(zip(plan.unit_ids.tolist(), plan.codes.tolist(), strict=True))


def test_checks_on_a_fresh_plan_name_the_offending_grids() -> None:
    plan = _plan()
    assert _status(plan) == {"unassigned": ("pass", ""), "households_band": ("fail", G3),
                             "contiguity": ("pass", ""), "community": ("pass", ""), "empty": ("pass", "")}
    table = plan.grid_table().set_index("grid_code")
    assert table.loc[G1, "households"] == 400 and table.loc[G3, "households"] == 600
    assert table.loc[G1, "polsby_popper"] == pytest.approx(np.pi / 4)


def test_assign_lasso_split_merge_create_and_their_checks() -> None:
    plan = _plan()
    res = plan.assign([3], G1)  # G2 now 7-shaped around... still connected; G1 500, G2 300
    assert res.changed == (G1, G2) and res.moved == 1
    assert plan.grid_table().set_index("grid_code")["households"].to_dict() == {G1: 500, G2: 300, G3: 600}
    res = plan.assign([9], G1)  # across the community border, and G1 in two parts? no: 9 touches 4 only
    assert _status(plan)["community"] == ("fail", G1)
    assert _status(plan)["contiguity"] == ("fail", G1)  # unit 9 touches G2's unit 4, not G1
    plan.undo()
    # lasso: a polygon around the points of units 4 and 8 (centres x = 350)
    res = plan.lasso(shapely.box(X0 + 320, Y0 + 10, X0 + 380, Y0 + 190), G1)
    assert res.moved == 2 and _grid_of(plan)[4] == G1 and _grid_of(plan)[8] == G1
    assert _status(plan)["empty"] == ("pass", "")
    assert plan.grid_table().set_index("grid_code").loc[G2, "households"] == 100
    plan.undo()
    plan.undo()
    assert _grid_of(plan) == _grid_of(_plan())
    # split G3 by a vertical line: the west column (9, 11) and the east column (10, 12); tie → first side keeps
    res = plan.split(G3, shapely.LineString([(X0 + 500, Y0 - 10), (X0 + 500, Y0 + 210)]))
    new = res.new_grids[0]
    assert new == f"{B}002" and res.changed == (G3, new)
    assert {_grid_of(plan)[u] for u in (9, 11)} != {_grid_of(plan)[u] for u in (10, 12)}
    assert _status(plan)["households_band"] == ("pass", "")
    with pytest.raises(PlanError, match="does not cross"):
        plan.split(G1, shapely.LineString([(X0 + 50, Y0 + 50), (X0 + 60, Y0 + 60)]))
    res = plan.merge([G3, new])
    assert res.changed == (G3, new) and new not in plan.registry and _status(plan)["households_band"][1] == G3
    res = plan.create([1, 5])
    assert res.new_grids == (f"{A}003",) and plan.registry[f"{A}003"] == A
    assert plan.grid_table().set_index("grid_code").loc[G1, "households"] == 200
    plan.assign([2, 6], f"{A}003")
    assert _status(plan)["empty"] == ("fail", G1)


def test_locked_grids_neither_gain_nor_lose_and_undo_redo_any_depth() -> None:
    plan = _plan()
    start = _grid_of(plan)
    plan.lock(G1)
    with pytest.raises(PlanError, match="locked"):
        plan.assign([3], G1)
    res = plan.assign([1, 2, 9], G2)  # 1 and 2 are held by the locked G1
    assert res.skipped == (1, 2) and res.moved == 1
    with pytest.raises(PlanError, match="locked"):
        plan.merge([G2, G1])
    with pytest.raises(PlanError, match="locked"):
        plan.split(G1, shapely.LineString([(X0 + 100, Y0 - 10), (X0 + 100, Y0 + 210)]))
    res = plan.lasso(shapely.box(X0, Y0, X0 + 400, Y0 + 200), G2)
    assert set(res.skipped) == {1, 2, 5, 6} and res.moved == 0 and res.changed == ()  # a no-op: no step
    snapshots = [_grid_of(plan)]
    plan.unlock(G1)
    plan.merge([G1, G2])
    plan.create([8])
    snapshots.append(_grid_of(plan))
    for _ in range(5):
        assert plan.undo() is not None
    assert _grid_of(plan) == start and plan.undo() is None and plan.locked == frozenset()
    for _ in range(5):
        plan.redo()
    assert _grid_of(plan) == snapshots[-1] and not plan.can_redo


def test_unassigned_units_make_other_checks_incomplete() -> None:
    plan = _plan()
    plan.unassign([9, 10, 11, 12])
    s = _status(plan)
    assert s["unassigned"][0] == "fail" and s["empty"] == ("fail", G3)
    assert s["households_band"] == ("incomplete", "")  # an empty grid is not judged on households
    plan.undo()
    plan.unassign([12])
    s = _status(plan)
    assert s["households_band"] == ("incomplete", "")  # G3 holds 450 now, but 12 may still join it
    assert s["contiguity"][0] == "incomplete" and s["unassigned"] == ("fail", "")
    assert "1 unit(s) in no grid: 12" in plan.checks().set_index("check").loc["unassigned", "detail"]


def test_save_load_revisions_and_a_stale_save_is_refused_keeping_the_edits(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    plan = _plan()
    plan.assign([3], G1)
    assert save_plan(plan, path) == 1 and not plan.dirty
    meta = read_plan_meta(path)
    assert meta["revision"] == "1" and meta["status"] == "work in progress"
    assert "households_band" in meta["failed_checks"]
    other = load_plan(path)  # a second planner
    assert _grid_of(other) == _grid_of(plan) and other.revision == 1
    other.undo()  # undo reaches into the saved history
    assert _grid_of(other) == _grid_of(_plan())
    other.assign([12], G2)
    assert save_plan(other, path) == 2
    plan.assign([4], G1)  # the first planner, still on revision 1
    mine = _grid_of(plan)
    with pytest.raises(StaleRevisionError, match="revision 2 by someone else") as err:
        save_plan(plan, path)
    assert _grid_of(plan) == mine and plan.revision == 1 and plan.dirty  # nothing lost in the session
    assert _grid_of(load_plan(err.value.rescue_path)) == mine  # nor on disk
    assert read_plan_meta(path)["revision"] == "2"
    layers = set(gpd.list_layers(path)["name"])
    assert layers == {"units", "assignment", "grids", "edit_log", "meta"}


@pytest.mark.slow
def test_a_save_killed_midway_leaves_the_previous_plan_intact(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    plan = _plan()
    save_plan(plan, path)
    before = path.read_bytes()
    child = textwrap.dedent(f"""
        import sys, time, pyogrio
        from gridmap.plans.store import load_plan, save_plan
        plan = load_plan({str(path)!r})
        plan.assign([3], {G1!r})
        real = pyogrio.write_dataframe
        def slow(*args, **kwargs):
            real(*args, **kwargs)
            print("writing", flush=True)
            time.sleep(60)
        pyogrio.write_dataframe = slow
        save_plan(plan, {str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"  # one layer written into the temp file
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert path.read_bytes() == before
    again = load_plan(path)
    assert again.revision == 1 and _grid_of(again) == _grid_of(_plan())
    again.assign([3], G1)
    assert save_plan(again, path) == 2  # the dead process's lock is gone


def test_csv_round_trip_and_import_as_one_undoable_step(tmp_path: Path) -> None:
    plan = _plan()
    plan.assign([3], G1)
    write_assignment_csv(plan, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text().splitlines()[:2] == ["unit_id,grid_code", f"1,{G1}"]
    table = read_assignment_csv(tmp_path / "a.csv")
    fresh = _plan()
    fresh.lock(G3)
    table.loc[table["unit_id"] == 12, "grid_code"] = G2  # G3 is locked here: refused
    res = fresh.import_assignment(table)
    assert res.skipped == (12,) and _grid_of(fresh) == _grid_of(plan)
    fresh.undo()
    assert _grid_of(fresh) == _grid_of(_plan())
    (tmp_path / "dup.csv").write_text("unit_id,grid_code\n1,x\n1,y\n")
    with pytest.raises(PlanError, match="listed twice"):
        read_assignment_csv(tmp_path / "dup.csv")


def test_grid_layer_drawn_elsewhere_becomes_an_assignment_with_guesses_reported() -> None:
    units = _units()
    # drawn in lon/lat: G1 reaches 30 m into units 3 and 7 (they stay with G2: 70 %), B as one grid
    drawn = gpd.GeoDataFrame({"grid_code": [G1, G2, G3]}, geometry=[
        shapely.box(X0, Y0, X0 + 230, Y0 + 200), shapely.box(X0 + 230, Y0, X0 + 400, Y0 + 200),
        shapely.box(X0 + 400, Y0, X0 + 600, Y0 + 150)], crs=4549).to_crs(4326)
    assignment, report = assignment_from_layer(units, drawn)
    assert dict(zip(assignment["unit_id"], assignment["grid_code"], strict=True)) == {
        **dict.fromkeys((1, 2, 5, 6), G1), **dict.fromkeys((3, 4, 7, 8), G2), **dict.fromkeys((9, 10, 11, 12), G3)}
    assert sorted(report["unit_id"]) == [3, 7, 9, 10]  # 3 and 7 split; 9 and 10 half uncovered
    assert report.set_index("unit_id").loc[3, "share"] == pytest.approx(0.7, abs=1e-6)
    renumbered, _ = assignment_from_layer(units, drawn.drop(columns="grid_code"), code_column=None)
    assert sorted(renumbered["grid_code"].unique()) == [G1, G2, G3]


def test_compare_two_plans() -> None:
    a, b = _plan(), _plan()
    b.assign([3, 7], G1)
    b.split(G3, shapely.LineString([(X0 + 500, Y0 - 10), (X0 + 500, Y0 + 210)]))
    cmp = compare_plans(a, b)
    assert sorted(cmp.moved["unit_id"]) == [3, 7, 10, 12]
    per = cmp.per_grid.set_index("grid_code")
    assert per.loc[G1, ["households_a", "households_b", "gained", "lost", "net"]].tolist() == [400, 600, 200, 0, 200]
    assert per.loc[G2, "lost"] == 200 and per.loc[G3, "lost"] == 300 and per.loc[f"{B}002", "gained"] == 300
    assert not per.loc[f"{B}002", "in_a"]
    assert len(cmp.changes) == 2 and cmp.changes["area_m2"].sum() == pytest.approx(40_000)


# ---------------------------------------------------------------------------------------------- properties

OPS = st.lists(st.tuples(st.sampled_from(["assign", "lasso", "split", "merge", "create", "lock", "unlock", "undo",
                                          "redo"]), st.integers(0, 10_000), st.integers(0, 10_000),
                         st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=12)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_random_edits_keep_the_tiling_totals_locks_and_undo_identity(ops) -> None:
    plan = _plan()
    study = shapely.union_all(plan.units.geometry.to_numpy()).area
    total = int(plan.households.sum())
    snaps = {0: list(plan.codes)}  # the assignment when the history had k steps
    for op, a, b, fx, fy in ops:
        codes = sorted(plan.registry)
        code = codes[a % len(codes)]
        other = codes[b % len(codes)]
        units = [int(plan.unit_ids[a % 12]), int(plan.unit_ids[b % 12])]
        locked_before = {c: set(np.flatnonzero(plan.codes == c)) for c in plan.locked}
        n_before = len(plan.history)
        try:
            if op == "assign":
                plan.assign(units, code)
            elif op == "lasso":
                x, y = X0 + fx * 600, Y0 + fy * 200
                plan.lasso(shapely.box(x - 120, y - 80, x + 120, y + 80), code)
            elif op == "split":
                x = X0 + fx * 600
                plan.split(code, shapely.LineString([(x, Y0 - 1), (x + (fy - 0.5) * 50, Y0 + 201)]))
            elif op == "merge":
                plan.merge([code, other])
            elif op == "create":
                plan.create(units)
            else:
                getattr(plan, op)(*([code] if op in ("lock", "unlock") else []))
        except PlanError:
            pass
        n = len(plan.history)
        if op in ("undo", "redo"):
            assert list(plan.codes) == snaps[n]  # identical to the assignment of that step
        elif n > n_before:
            snaps = {k: v for k, v in snaps.items() if k < n}
        snaps[n] = list(plan.codes)
        if op != "unlock":  # locked grids never change
            for c, members in locked_before.items():
                assert set(np.flatnonzero(plan.codes == c)) == members
        grids = plan.grids()
        geoms = grids.geometry[~grids.geometry.is_empty].to_numpy()
        assert all(c is not None for c in plan.codes)  # no operation here unassigns
        assert shapely.coverage_is_valid(geoms)
        assert abs(shapely.area(geoms).sum() - study) <= 1e-9 * study
        assert abs(shapely.union_all(geoms).area - study) <= 1e-9 * study
        assert int(grids["households"].sum()) == total
    # undo of every step returns the identical assignment, step by step, back to the start
    while plan.can_undo:
        plan.undo()
        assert list(plan.codes) == snaps[len(plan.history)]
    assert list(plan.codes) == list(_plan().codes)


# ---------------------------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_unify_on_the_demo_writes_every_file_with_the_right_columns(tmp_path: Path) -> None:
    from gridmap.cli import main

    assert main(["unify", "--demo", "--out", str(tmp_path), "--quiet"]) == 0
    grids = gpd.read_file(tmp_path / "grids.geojson")
    for col in ("grid_code", "area_id", "households", "population", "elderly_alone", "left_behind_children",
                "disabled", "area_m2", "polsby_popper", "party_main", "party_share", "security_main",
                "security_share", "urban_main", "urban_share"):
        assert col in grids.columns
    assert grids["grid_code"].str.fullmatch(r"\d{15}").all() and grids["grid_code"].is_unique
    units = gpd.read_file(tmp_path / "units.geojson")
    assert {"unit_id", "area_id", "grid_code", "households"} <= set(units.columns)
    assignment = pd.read_csv(tmp_path / "assignment.csv", dtype={"grid_code": str})
    assert list(assignment.columns) == ["unit_id", "grid_code"] and len(assignment) == len(units)
    checks = pd.read_csv(tmp_path / "checks.csv", encoding="utf-8-sig")
    assert list(checks["check"]) == ["unassigned", "households_band", "contiguity", "community", "empty"]
    assert set(checks["status"]) <= {"pass", "fail", "incomplete"}
    plan = load_plan(tmp_path / "plan.gpkg")
    assert plan.revision == 1 and len(plan.registry) == len(grids)
    assert grids["households"].sum() == 36446
    # a second run keeps every code (nothing changed) and saves the next revision
    assert main(["unify", "--demo", "--out", str(tmp_path), "--quiet"]) == 0
    again = pd.read_csv(tmp_path / "assignment.csv", dtype={"grid_code": str})
    assert (again["grid_code"] == assignment["grid_code"]).all()
    assert json.loads(read_plan_meta(tmp_path / "plan.gpkg")["revision"]) == 2
