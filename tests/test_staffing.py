"""网格员, 党员 and 驻区单位 on the grid: hand-computed cases, brute force, and the input checks."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap.io.validate import LayerError
from gridmap.people.staffing import assign_members, assign_staff, locate_units, member_coverage, pair_distances

CRS = 4549
P = "320102001001"


def grids_row(xs, hh, width=100.0) -> gpd.GeoDataFrame:
    """Grids side by side along x, ``width`` wide, starting at each x; codes P+001…"""
    return gpd.GeoDataFrame({"grid_code": [f"{P}{k + 1:03d}" for k in range(len(xs))], "grid_type": "基础网格",
                             "area_id": P, "households": hh},
                            geometry=[shapely.box(x, 0, x + width, 100) for x in xs], crs=CRS)


def staff_at(points, capacity, kept=None) -> gpd.GeoDataFrame:
    n = len(points)
    return gpd.GeoDataFrame({"staff_id": [f"s{k + 1}" for k in range(n)], "name": [f"网格员{k + 1}" for k in range(n)],
                             "phone": [f"0251234567{k}" for k in range(n)], "capacity": capacity,
                             "grid_code": kept or [""] * n},
                            geometry=[shapely.Point(p) if p is not None else None for p in points], crs=CRS)


def test_kept_assignments_stay_and_the_rest_go_to_the_nearest_with_room() -> None:
    grids = grids_row([0, 100, 200], [300, 300, 300])
    staff = staff_at([(50, 50), (150, 50), (1000, 50)], [500, 500, 500], kept=[f"{P}003", "", ""])
    res = assign_staff(grids, staff, max_distance_m=500)
    g = res.grids.set_index("grid_code")
    # s1 keeps 003 (200 households left: too few for another grid of 300); s2 takes one grid, the
    # nearest (002 at 0 m rather than 001 at 100 m); s3 lives 950 m from 001, beyond the 500 m limit
    assert g.loc[f"{P}003", "staff_ids"] == "s1" and g.loc[f"{P}003", "source"] == "kept"
    assert g.loc[f"{P}002", "staff_ids"] == "s2" and g.loc[f"{P}002", "assigned_m"] == 0
    assert not g.loc[f"{P}001", "staffed"] and g.loc[f"{P}001", "reason"] == "staff_full"
    s = res.staff.set_index("staff_id")
    assert s.loc["s1", "households"] == 300 and s.loc["s1", "load"] == pytest.approx(0.6)
    assert s.loc["s3", "n_grids"] == 0 and res.optimal
    assert list(res.assignments.columns) == ["staff_id", "name", "phone", "role", "grid_code", "source"]
    assert res.assignments["phone"].iloc[0].startswith("0")  # leading zero kept


def test_more_grids_staffed_beats_a_shorter_walk() -> None:
    # greedy nearest-first would give grid X to b (0 m) and leave Y without anyone
    grids = gpd.GeoDataFrame({"grid_code": [f"{P}001", f"{P}002"], "households": [300, 300], "area_id": P},
                             geometry=[shapely.box(-1, -1, 1, 1), shapely.box(299, -1, 301, 1)], crs=CRS)
    staff = staff_at([(-150, 0), (0, 0)], [300, 300])
    res = assign_staff(grids, staff, max_distance_m=320)
    assert res.grids["staff_ids"].tolist() == ["s1", "s2"]
    assert res.grids["assigned_m"].sum() == pytest.approx(150 + 300)


def test_a_grid_nobody_reaches_and_a_shared_grid() -> None:
    grids = grids_row([0, 5000], [400, 100])
    staff = staff_at([(50, 50), (60, 50)], [300, 300], kept=[f"{P}001", f"{P}001"])
    res = assign_staff(grids, staff, max_distance_m=1000)
    g = res.grids.set_index("grid_code")
    assert g.loc[f"{P}001", "n_staff"] == 2 and g.loc[f"{P}001", "households_per_staff"] == 200
    assert g.loc[f"{P}002", "reason"] == "no_staff_within_reach"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_x=st.lists(st.integers(0, 10), min_size=1, max_size=4),
       hh=st.lists(st.integers(50, 400), min_size=4, max_size=4),
       homes=st.lists(st.tuples(st.integers(0, 10), st.integers(100, 600)), min_size=1, max_size=3),
       limit=st.sampled_from([150.0, 400.0, 2000.0]))
def test_the_assignment_equals_brute_force(grid_x, hh, homes, limit) -> None:
    xs = [x * 100.0 for x in grid_x]
    grids = gpd.GeoDataFrame({"grid_code": [f"{P}{k + 1:03d}" for k in range(len(xs))], "area_id": P,
                              "households": hh[:len(xs)]},
                             geometry=[shapely.box(x, 0, x + 10, 10) for x in xs], crs=CRS)
    staff = staff_at([(h[0] * 100.0 + 37, 5) for h in homes], [h[1] for h in homes])
    res = assign_staff(grids, staff, max_distance_m=limit)
    # brute force: every grid → nobody or one person; capacity and distance respected
    centre = shapely.get_coordinates(shapely.point_on_surface(grids.geometry.to_numpy()))
    home = np.array([(h[0] * 100.0 + 37, 5) for h in homes])
    dist = np.hypot(centre[:, None, 0] - home[None, :, 0], centre[:, None, 1] - home[None, :, 1])
    best = (0, 0.0)
    for choice in itertools.product(range(-1, len(homes)), repeat=len(xs)):
        load = np.zeros(len(homes))
        total, n, ok = 0.0, 0, True
        for gi, p in enumerate(choice):
            if p < 0:
                continue
            if dist[gi, p] > limit:
                ok = False
                break
            load[p] += hh[gi]
            total += dist[gi, p]
            n += 1
        if ok and (load <= [h[1] for h in homes]).all() and (n > best[0] or (n == best[0] and total < best[1])):
            best = (n, total)
    got = res.grids
    assert int(got["staffed"].sum()) == best[0]
    assert got["assigned_m"].fillna(0).sum() == pytest.approx(best[1], abs=0.5)  # the table rounds to 0.1 m
    # capacity and limit never exceeded
    assert (res.staff["households"] <= res.staff["capacity"] + 1e-9).all()
    assert (got["assigned_m"].dropna() <= limit + 1e-9).all()


def test_straight_line_pairs_include_coinciding_points() -> None:
    s, t, d = pair_distances(np.array([[0.0, 0.0], [np.nan, np.nan]]), np.array([[0.0, 0.0], [3.0, 4.0]]), 5.0)
    assert s.tolist() == [0, 0] and t.tolist() == [0, 1] and d.tolist() == [0.0, 5.0]


def test_the_staff_table_errors_name_rows_columns_and_ids() -> None:
    grids = grids_row([0], [100])
    staff = staff_at([(0, 0), (0, 0), (0, 0)], [300, 300, 300], kept=["", "999999999999999", ""])
    staff["staff_id"] = ["a", "b", "a"]
    staff["staff_type"] = ["专职", "临时", ""]
    with pytest.raises(LayerError) as err:
        assign_staff(grids, staff)
    text = str(err.value)
    assert "staff_id 'a' is used by rows 2, 4" in text
    assert "grid_code 999999999999999 is not a grid of the plan" in text
    assert "'staff_type' is '临时'; write 专职 or 兼职" in text


def _micro_row() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    grids = grids_row([0], [90], width=300)
    micro = gpd.GeoDataFrame({"micro_code": [f"{P}00101", f"{P}00102", f"{P}00103"], "grid_code": f"{P}001",
                              "households": [30, 30, 30]},
                             geometry=[shapely.box(x, 0, x + 100, 100) for x in (0, 100, 200)], crs=CRS)
    return grids, micro


def test_a_micro_grid_without_members_gets_a_spare_one_from_nearby() -> None:
    grids, micro = _micro_row()
    members = gpd.GeoDataFrame({"member_id": ["m1", "m2", "m3"], "name": ["甲", "乙", "丙"],
                                "community": [P, P, "other"]},
                               geometry=[shapely.Point(50, 50), shapely.Point(95, 50), shapely.Point(40, 40)], crs=CRS)
    res = assign_members(micro, members, grids, max_distance_m=500)
    m = res.members.set_index("member_id")
    # all three live in micro 01; m1 nearest its centre stays, m2 and m3 are spare. Moves: m2→02 55 m,
    # m2→03 155 m, m3→02 110.45 m, m3→03 210.24 m: the least total is m2→02 + m3→03 (265.24 < 265.45)
    assert m.loc["m1", "micro_code"] == f"{P}00101" and not m.loc["m1", "moved"]
    assert m.loc["m2", "micro_code"] == f"{P}00102" and m.loc["m2", "moved_m"] == pytest.approx(55.0)
    assert m.loc["m3", "registered_here"] == "no"
    # m3 registered elsewhere but lives in P, so it may serve there
    assert m.loc["m3", "micro_code"] == f"{P}00103"
    assert m.loc["m3", "moved_m"] == pytest.approx(np.hypot(250 - 40, 50 - 40), abs=0.1)
    cov = member_coverage(res.micro).set_index(["level", "code"])
    assert cov.loc[("grid", f"{P}001"), "micro_share"] == 1.0


def test_members_beyond_reach_leave_micro_grids_uncovered_and_the_share_says_so() -> None:
    grids, micro = _micro_row()
    members = gpd.GeoDataFrame({"member_id": ["m1", "m2"]},
                               geometry=[shapely.Point(10, 50), shapely.Point(20, 50)], crs=CRS)
    res = assign_members(micro, members, grids, max_distance_m=150)
    assert res.micro["n_members"].tolist() == [1, 1, 0]  # 03's centre is 230 m from m2
    cov = member_coverage(res.micro).set_index(["level", "code"])
    assert cov.loc[("community", P), "micro_share"] == pytest.approx(2 / 3, abs=1e-4)


def test_compound_coverage_counts_a_compound_with_a_member_living_in_it() -> None:
    grids, micro = _micro_row()
    residents = gpd.GeoDataFrame({"households": [10, 10, 10], "compound": ["梅园", "梅园", "竹园"]},
                                 geometry=[shapely.box(10, 10, 20, 20), shapely.box(110, 10, 120, 20),
                                           shapely.box(210, 10, 220, 20)], crs=CRS)
    members = gpd.GeoDataFrame({"member_id": ["m1"]}, geometry=[shapely.Point(115, 15)], crs=CRS)
    res = assign_members(micro, members, grids)
    cov = member_coverage(res.micro, residents, grids, np.array([[115.0, 15.0]]))
    row = cov.set_index(["level", "code"]).loc[("grid", f"{P}001")]
    assert row["n_compounds"] == 2 and row["n_compounds_with_member"] == 1 and row["compound_share"] == 0.5


def test_units_are_placed_in_their_grid_and_micro_grid() -> None:
    grids, micro = _micro_row()
    units = gpd.GeoDataFrame({"unit_id": ["u1", "u2"], "name": ["银行", "外面"], "volunteers": [12, ""]},
                             geometry=[shapely.Point(150, 50), shapely.Point(900, 50)], crs=CRS)
    out = locate_units(units, grids, micro)
    assert out["micro_code"].tolist() == [f"{P}00102", ""] and out["volunteers"].tolist() == [12, 0]
    assert out["grid_code"].tolist() == [f"{P}001", ""]


def _random_instance(seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """8–24 grids of 150–500 households on a 2 km square and 3–16 网格员 of 250 (兼职) or 500 (专职)
    households, some with room for two or three grids."""
    rng = np.random.default_rng([seed, 16])
    n_grids, n_staff = int(rng.integers(8, 25)), int(rng.integers(3, 17))
    corners = rng.uniform(0, 2000, size=(n_grids, 2))
    grids = gpd.GeoDataFrame({"grid_code": [f"{P}{k + 1:03d}" for k in range(n_grids)], "area_id": P,
                              "households": rng.integers(150, 501, n_grids)},
                             geometry=[shapely.box(x, y, x + 30, y + 30) for x, y in corners], crs=CRS)
    staff = staff_at([tuple(p) for p in rng.uniform(0, 2000, size=(n_staff, 2))],
                     rng.choice([250, 500, 500, 1000], n_staff).tolist())
    return grids, staff


#: the issue asks for 50 random instances; a quick run (-m "not slow") checks the first 6 of them
@pytest.mark.parametrize("seed", [s if s < 6 else pytest.param(s, marks=pytest.mark.slow) for s in range(50)])
def test_pruned_candidates_give_the_optimum_of_every_pair(seed) -> None:
    """Starting from each person's and grid's nearest grid only (k = 1, the most pruning), the pricing and
    reduced-cost fixing reach the optimum of the programme on every pair within reach: the same
    number of grids staffed and the same total walk as the unpruned MILP."""
    grids, staff = _random_instance(seed)
    for limit in (600.0, 3000.0):
        ours = assign_staff(grids, staff, max_distance_m=limit, k_nearest=1, time_limit=20)
        reference = assign_staff(grids, staff, max_distance_m=limit, k_nearest=None, time_limit=20)
        assert ours.optimal and reference.optimal  # both proved optimal by HiGHS: the comparison means something
        pruned, full = ours.grids, reference.grids
        assert int(pruned["staffed"].sum()) == int(full["staffed"].sum())
        assert pruned["assigned_m"].fillna(0).sum() == pytest.approx(full["assigned_m"].fillna(0).sum(), abs=0.05 *
                                                                     len(grids))  # the tables round to 0.1 m
