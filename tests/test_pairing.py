"""结对帮扶 (gridmap.people.pairing): optimal against an exact MILP and brute force, capacities and the
walking limit never exceeded (hypothesis), distances equal networkx and the access analysis, the
tie-break, the reasons for the unpaired, and named errors for bad input."""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from gridmap.access import accessibility as acc
from gridmap.access.network import WalkNetwork
from gridmap.io.validate import LayerError
from gridmap.people import pairing as pr

METRIC = "EPSG:4549"
X0, Y0 = 500_000.0, 3_500_000.0
GROUPS = ("elderly_alone", "left_behind_children", "disabled")


# ------------------------------------------------------------------------------------------------
# helpers: small networks, layers and the exact references


def grid_network(n: int = 6, block: float = 100.0, jitter: float = 0.0, seed: int = 0) -> WalkNetwork:
    """An n × n street grid (block metres), optionally jittered so that distances differ."""
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(n) * block, np.arange(n) * block)
    xy = np.column_stack([xs.ravel(), ys.ravel()]) + rng.uniform(-jitter, jitter, (n * n, 2)) + (X0, Y0)
    idx = np.arange(n * n).reshape(n, n)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    return WalkNetwork.from_arrays(xy, u, v, METRIC)


def residents_at(points, counts) -> gpd.GeoDataFrame:
    counts = np.asarray(counts, dtype=np.int64).reshape(len(points), -1)
    cols = {g: counts[:, j] for j, g in enumerate(GROUPS[: counts.shape[1]])}
    geoms = [None if p is None else shapely.Point(X0 + p[0], Y0 + p[1]) for p in points]
    return gpd.GeoDataFrame({"building_id": [f"B{i}" for i in range(len(points))], **cols}, geometry=geoms,
                            crs=METRIC)


def helpers_at(points, capacity=None) -> gpd.GeoDataFrame:
    cols = {"helper_id": [f"H{i}" for i in range(len(points))]}
    if capacity is not None:
        cols["capacity"] = pd.array(capacity, dtype="Int64")
    return gpd.GeoDataFrame(cols, geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in points], crs=METRIC)


def milp_reference(supply, capacity, arc_t, arc_h, arc_m, arc_pen=None) -> tuple[int, float, int]:
    """Exact lexicographic optimum with HiGHS: the most people paired, then the least total metres,
    then the least total penalty. Returns (paired, total metres, total penalty)."""
    n = len(arc_t)
    if n == 0:
        return 0, 0.0, 0
    supply, capacity = np.asarray(supply), np.asarray(capacity)
    rows_t = csr_matrix((np.ones(n), (arc_t, np.arange(n))), shape=(len(supply), n))
    rows_h = csr_matrix((np.ones(n), (arc_h, np.arange(n))), shape=(len(capacity), n))
    cons = [LinearConstraint(rows_t, 0, supply), LinearConstraint(rows_h, 0, capacity)]
    bounds = Bounds(0, np.minimum(supply[arc_t], capacity[arc_h]))
    integ = np.ones(n)
    first = milp(-np.ones(n), constraints=cons, bounds=bounds, integrality=integ)
    paired = int(round(-first.fun))
    cons.append(LinearConstraint(np.ones((1, n)), paired, paired))
    second = milp(np.asarray(arc_m, float), constraints=cons, bounds=bounds, integrality=integ)
    total = float(second.fun)
    if arc_pen is None:
        return paired, total, 0
    cons.append(LinearConstraint(np.asarray(arc_m, float)[None, :], -np.inf, total + 1e-6))
    third = milp(np.asarray(arc_pen, float), constraints=cons, bounds=bounds, integrality=integ)
    return paired, total, int(round(third.fun))


def brute_force(supply, capacity, arc_t, arc_h, arc_m) -> tuple[int, float]:
    """Every integer flow, tried: (most paired, least metres among those)."""
    best = (-1, np.inf)
    ranges = [range(min(supply[t], capacity[h]) + 1) for t, h in zip(arc_t, arc_h, strict=True)]
    for f in itertools.product(*ranges):
        f = np.asarray(f)
        if ((np.bincount(arc_t, f, len(supply)) > supply).any()
                or (np.bincount(arc_h, f, len(capacity)) > capacity).any()):
            continue
        key = (int(f.sum()), float(f @ arc_m))
        if key[0] > best[0] or (key[0] == best[0] and key[1] < best[1] - 1e-9):
            best = key
    return best


def reference_distances(net: WalkNetwork, graph: nx.Graph, hsnap, helpers, rsnap, targets, limit: float):
    """Helper → target walking metres with networkx: a virtual node on the helper's edge, Dijkstra,
    then the best edge end of the target (or the direct walk along a shared edge), snap legs added."""
    length = net.edge_length
    out = {}
    for h in helpers:
        e, off, snap = hsnap.edge[h], hsnap.offset[h], hsnap.dist[h]
        g = graph.copy()
        g.add_edge("src", int(net.edge_u[e]), length=snap + off)
        g.add_edge("src", int(net.edge_v[e]), length=snap + length[e] - off)
        d = nx.single_source_dijkstra_path_length(g, "src", weight="length")
        for t in targets:
            te, t_off = rsnap.edge[t], rsnap.offset[t]
            cand = [d.get(int(net.edge_u[te]), np.inf) + t_off, d.get(int(net.edge_v[te]), np.inf) + length[te] - t_off]
            if te == e:
                cand.append(abs(t_off - off) + snap)
            total = min(cand) + rsnap.dist[t]
            if total <= limit:
                out[(h, t)] = total
    return out


# ------------------------------------------------------------------------------------------------
# the solver on its own


def _random_instance(rng, n_t, n_h, density):
    supply = rng.integers(1, 5, n_t)
    capacity = rng.integers(0, 5, n_h)
    mask = rng.random((n_t, n_h)) < density
    arc_t, arc_h = np.nonzero(mask)
    arc_m = np.round(rng.uniform(0, 1000, len(arc_t)), 3)  # whole millimetres: the solver is exact on these
    return supply, capacity, arc_t, arc_h, arc_m


@pytest.mark.slow
def test_solver_equals_milp_and_brute_force_on_random_instances() -> None:
    rng = np.random.default_rng(16)
    brute_checked = 0
    for k in range(50):
        supply, capacity, arc_t, arc_h, arc_m = _random_instance(rng, rng.integers(1, 9), rng.integers(1, 7),
                                                                 rng.uniform(0.2, 0.8))
        flow = pr.solve_pairing(supply, capacity, arc_t, arc_h, arc_m)
        paired, total, _ = milp_reference(supply, capacity, arc_t, arc_h, arc_m)
        assert flow.sum() == paired, k
        assert float(flow @ arc_m) == pytest.approx(total, abs=1e-6), k
        assert (np.bincount(arc_t, flow, len(supply)) <= supply).all()
        assert (np.bincount(arc_h, flow, len(capacity)) <= capacity).all()
        if np.prod([min(supply[t], capacity[h]) + 1 for t, h in zip(arc_t, arc_h, strict=True)], dtype=float) <= 20_000:
            assert brute_force(supply, capacity, arc_t, arc_h, arc_m) == pytest.approx((paired, total), abs=1e-6)
            brute_checked += 1
    assert brute_checked >= 10


def test_solver_tie_break_is_exact_and_never_costs_distance() -> None:
    rng = np.random.default_rng(7)
    for k in range(30):
        supply, capacity, arc_t, arc_h, _ = _random_instance(rng, rng.integers(2, 8), rng.integers(2, 6), 0.6)
        arc_m = rng.choice([100.0, 150.0, 200.0], len(arc_t))  # many equal distances: the tie-break decides
        pen = rng.integers(0, 3, len(arc_t))
        flow = pr.solve_pairing(supply, capacity, arc_t, arc_h, arc_m, pen)
        paired, total, penalty = milp_reference(supply, capacity, arc_t, arc_h, arc_m, pen)
        assert (flow.sum(), float(flow @ arc_m), int(flow @ pen)) == (paired, pytest.approx(total), penalty), k


def test_solver_rounds_to_the_resolution_and_refuses_overflowing_costs() -> None:
    # 100.0004 and 100.0001 m are equal to the millimetre: the penalty decides
    flow = pr.solve_pairing([1], [1, 1], [0, 0], [0, 1], [100.0001, 100.0004], [1, 0])
    assert flow.tolist() == [0, 1]
    flow = pr.solve_pairing([1], [1, 1], [0, 0], [0, 1], [100.0001, 100.0004], [1, 0], resolution_m=1e-4)
    assert flow.tolist() == [1, 0]
    with pytest.raises(ValueError, match="coarser resolution"):
        pr.solve_pairing([1], [1], [0], [0], [1e9], resolution_m=1e-9)


# ------------------------------------------------------------------------------------------------
# the whole pass: optimal on 50 random instances on the OSM test network


@pytest.mark.slow
def test_pairing_equals_milp_on_50_random_instances_on_the_osm_network(demo_walk) -> None:
    """End to end on the demo's OSM network: candidate pairs equal networkx distances, and the pairing
    equals the exact MILP on those distances in people paired and total metres."""
    net: WalkNetwork = demo_walk["net"]
    graph = net.to_networkx()
    rng = np.random.default_rng(2016)
    (x0, y0), (x1, y1) = net.node_xy.min(axis=0), net.node_xy.max(axis=0)
    for k in range(50):
        cx, cy = rng.uniform(x0 + 300, x1 - 300), rng.uniform(y0 + 300, y1 - 300)
        n_r, n_h = rng.integers(2, 10), rng.integers(1, 7)
        rxy = np.column_stack([cx + rng.uniform(-400, 400, n_r), cy + rng.uniform(-400, 400, n_r)])
        hxy = np.column_stack([cx + rng.uniform(-400, 400, n_h), cy + rng.uniform(-400, 400, n_h)])
        counts = rng.integers(0, 3, (n_r, 3))
        cap = rng.integers(0, 4, n_h)
        limit = float(rng.uniform(150, 700))
        res = gpd.GeoDataFrame({g: counts[:, j] for j, g in enumerate(GROUPS)}, geometry=shapely.points(rxy),
                               crs=net.crs)
        hel = gpd.GeoDataFrame({"helper_id": [f"H{i}" for i in range(n_h)], "capacity": cap},
                               geometry=shapely.points(hxy), crs=net.crs)
        out = pr.pair_residents(net, res, hel, max_distance_m=limit, index=demo_walk["index"])
        # the reference: networkx distances between the same snapped points, then the MILP
        hsnap, hstatus = acc.snap_centers(net, demo_walk["index"], hxy, acc.DEFAULT_SNAP_LIMIT)
        routable = np.flatnonzero(hstatus == 0)
        homes = np.flatnonzero(counts.sum(axis=1) > 0)
        rsnap, rstatus = acc.snap_residents(net, demo_walk["index"], rxy[homes], hsnap, routable,
                                            acc.DEFAULT_SNAP_LIMIT)
        ref = reference_distances(net, graph, hsnap, routable, rsnap, np.flatnonzero(rstatus == 0), limit)
        near_limit = [d for d in ref.values() if abs(d - limit) < 1e-6]
        assert not near_limit  # (a pair within 1e-6 m of the limit would make the comparison ambiguous)
        ours = pr.candidate_pairs(net, hsnap, routable, rsnap, np.flatnonzero(rstatus == 0), limit)
        pairs = zip(ours.helper.tolist(), ours.target.tolist(), strict=True)
        got = dict(zip(pairs, ours.network_m.tolist(), strict=True))
        assert got.keys() == ref.keys(), k
        assert max((abs(got[p] - ref[p]) for p in ref), default=0.0) < 1e-6, k
        keys = list(ref)
        arc_h = np.array([h for h, _ in keys], dtype=np.int64)
        arc_t = np.array([t for _, t in keys], dtype=np.int64)
        paired, total, _ = milp_reference(counts[homes].sum(axis=1), cap, arc_t, arc_h,
                                          np.array([ref[p] for p in keys]))
        assert out.stats["paired"] == len(out.pairs) == paired, k
        # optimal for distances rounded to 1 mm: within 1 mm per person of the exact optimum
        assert out.pairs["network_m"].sum() == pytest.approx(total, abs=1e-3 * paired + 1e-6), k
        assert len(out.pairs) + len(out.unpaired) == counts.sum()


# ------------------------------------------------------------------------------------------------
# invariants (hypothesis)


@st.composite
def instances(draw):
    n_r = draw(st.integers(1, 8))
    n_h = draw(st.integers(1, 6))
    coord = st.tuples(st.floats(-80, 580), st.floats(-80, 580))
    rpts = draw(st.lists(coord, min_size=n_r, max_size=n_r))
    hpts = draw(st.lists(coord, min_size=n_h, max_size=n_h))
    counts = draw(st.lists(st.tuples(*[st.integers(0, 3)] * 3), min_size=n_r, max_size=n_r))
    caps = draw(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=n_h, max_size=n_h))
    per_helper = draw(st.integers(1, 3))
    limit = draw(st.floats(20, 900))
    return rpts, hpts, counts, caps, per_helper, limit


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instances())
def test_capacities_and_the_limit_are_never_exceeded(instance) -> None:
    rpts, hpts, counts, caps, per_helper, limit = instance
    net = grid_network(6, jitter=8.0, seed=3)
    res = residents_at(rpts, counts)
    hel = helpers_at(hpts, caps)
    out = pr.pair_residents(net, res, hel, max_distance_m=limit, per_helper=per_helper, snap_limit=60.0)
    cap = np.array([per_helper if c is None else c for c in caps])
    load = out.pairs["helper_id"].map({f"H{i}": i for i in range(len(hpts))}).value_counts()
    assert all(load.get(i, 0) <= cap[i] for i in range(len(hpts)))
    assert (out.pairs["network_m"] <= limit).all()
    # every person exactly once, in pairs or unpaired, per resident and group
    both = pd.concat([out.pairs[["resident_index", "group"]], out.unpaired[["resident_index", "group"]]])
    got = both.value_counts().to_dict()
    want = {(i, g): c[j] for i, c in enumerate(counts) for j, g in enumerate(GROUPS) if c[j]}
    assert got == want
    # as many paired as a maximum flow on the candidate pairs allows (networkx, independently)
    index = acc.EdgeIndex(net)
    hxy = np.array([(X0 + x, Y0 + y) for x, y in hpts])
    rxy = np.array([(X0 + x, Y0 + y) for x, y in rpts])
    hsnap, hstatus = acc.snap_centers(net, index, hxy, 60.0)
    routable = np.flatnonzero(hstatus == 0)
    rsnap, rstatus = acc.snap_residents(net, index, rxy, hsnap, routable, 60.0)
    ref = reference_distances(net, net.to_networkx(), hsnap, routable, rsnap, np.flatnonzero(rstatus == 0), limit)
    g = nx.DiGraph()
    for i, c in enumerate(counts):
        g.add_edge("s", ("r", i), capacity=int(sum(c)))
    for h in range(len(hpts)):
        g.add_edge(("h", h), "t", capacity=int(cap[h]))
    for h, t in ref:
        g.add_edge(("r", t), ("h", h), capacity=10**6)
    assert len(out.pairs) == (nx.maximum_flow_value(g, "s", "t") if g.has_node("t") and g.has_node("s") else 0)
    # and each pair's distance is the reference distance of that pair
    for row in out.pairs.itertuples():
        assert row.network_m == pytest.approx(ref[(int(row.helper_id[1:]), row.resident_index)], abs=1e-6)
    # reasons agree with the reference: helpers_full only with someone in reach, and conversely
    in_reach = {t for _, t in ref}
    for row in out.unpaired.itertuples():
        if row.reason == pr.HELPERS_FULL:
            assert row.resident_index in in_reach
        else:
            assert row.resident_index not in in_reach


# ------------------------------------------------------------------------------------------------
# distances: networkx on the OSM network, and the access analysis


@pytest.mark.slow
def test_distances_equal_networkx_on_the_osm_network(demo_walk, demo_osm_graph) -> None:
    """People and helpers on OSM nodes: every pair within the limit, at networkx's shortest-path length
    on the osmnx graph (lengths from its own projected coordinates), to 1e-6 m; none beyond."""
    net: WalkNetwork = demo_walk["net"]
    h, pos = demo_osm_graph
    main_comp = np.array(sorted(max(nx.connected_components(h), key=len)))
    rng = np.random.default_rng(16)
    helper_nodes = rng.choice(main_comp, 25, replace=False)
    res_nodes = rng.choice(main_comp, 200, replace=False)
    limit = 600.0
    res = gpd.GeoDataFrame({"elderly_alone": 1}, index=range(len(res_nodes)),
                           geometry=[shapely.Point(pos[n]) for n in res_nodes], crs=net.crs)
    hel = gpd.GeoDataFrame({"helper_id": [str(n) for n in helper_nodes]},
                           geometry=[shapely.Point(pos[n]) for n in helper_nodes], crs=net.crs)
    index = demo_walk["index"]
    hsnap, _ = acc.snap_centers(net, index, acc.representative_xy(hel, net.crs), 300.0)
    rsnap, _ = acc.snap_residents(net, index, acc.representative_xy(res, net.crs), hsnap, np.arange(25), 300.0)
    assert np.allclose(hsnap.dist, 0, atol=1e-6) and np.allclose(rsnap.dist, 0, atol=1e-6)
    pairs = pr.candidate_pairs(net, hsnap, np.arange(25), rsnap, np.arange(200), limit)
    got = {(int(a), int(b)): d for a, b, d in zip(pairs.helper, pairs.target, pairs.network_m, strict=True)}
    n_checked = 0
    for i, hn in enumerate(helper_nodes):
        want = nx.single_source_dijkstra_path_length(h, hn, weight="length")
        for j, rn in enumerate(res_nodes):
            d = want.get(rn, np.inf)
            if d <= limit - 1e-6:
                assert got[(i, j)] == pytest.approx(d, abs=1e-6)
                n_checked += 1
            elif d > limit + 1e-6:
                assert (i, j) not in got
    assert n_checked > 200


def test_pairing_distances_equal_access_distances(demo_walk) -> None:
    """With the helpers as centres, each resident's nearest candidate helper is exactly (bit for bit)
    the access analysis's network_m — the same snapping, snap legs and arithmetic."""
    net, index = demo_walk["net"], demo_walk["index"]
    res = demo_walk["layers"]["residents"]
    hel = pr.demo_helpers(res, demo_walk["layers"]["centers"]).iloc[::7].reset_index(drop=True)
    access = acc.compute_access(net, res, hel.rename(columns={"helper_id": "center_id"}), services_col=None,
                                index=index).residents
    rxy, hxy = acc.representative_xy(res, net.crs), acc.representative_xy(hel, net.crs)
    hsnap, hstatus = acc.snap_centers(net, index, hxy)
    routable = np.flatnonzero(hstatus == 0)
    rsnap, rstatus = acc.snap_residents(net, index, rxy, hsnap, routable, acc.DEFAULT_SNAP_LIMIT)
    limit = 10_000.0  # the whole demo: every routed resident has its nearest helper among the pairs
    pairs = pr.candidate_pairs(net, hsnap, routable, rsnap, np.flatnonzero(rstatus == 0), limit)
    nearest = pd.Series(pairs.network_m).groupby(pairs.target).min()
    want = access["network_m"].to_numpy()
    assert len(nearest) == int(np.isfinite(want).sum()) > 800
    assert (nearest.to_numpy() == want[nearest.index.to_numpy()]).all()  # exactly equal floats
    # and the pairing's own distances are those pairs' distances
    out = pr.pair_residents(net, res, hel, max_distance_m=limit, per_helper=1000, index=index)
    first = out.pairs.drop_duplicates("resident_index").set_index("resident_index")["network_m"]
    assert (first.to_numpy() == want[first.index.to_numpy()]).all()  # unlimited capacity: everyone's nearest


# ------------------------------------------------------------------------------------------------
# the tie-break


def _line_street() -> WalkNetwork:
    xy = np.array([[X0, Y0], [X0 + 100, Y0], [X0 + 200, Y0], [X0 + 300, Y0]])
    return WalkNetwork.from_arrays(xy, [0, 1, 2], [1, 2, 3], METRIC)


def _boxes(col: str, spans: dict[str, tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({col: list(spans)}, geometry=[shapely.box(X0 + a, Y0 - 100, X0 + b, Y0 + 100)
                                                          for a, b in spans.values()], crs=METRIC)


def test_same_grid_wins_at_equal_distance_and_never_against_distance() -> None:
    net = _line_street()
    res = residents_at([(150, 10)], [[1, 0, 0]])
    hel = helpers_at([(100, 10), (200, 10)])  # both 10 + 50 + 10 = 70 m away
    for person_zone_with in (0, 1):
        split = 160 if person_zone_with == 0 else 140
        spans = {"G1": (-50, split), "G2": (split, 350)} if person_zone_with == 0 else \
            {"G2": (-50, split), "G1": (split, 350)}
        out = pr.pair_residents(net, res, hel, zone_layers={"grid_code": _boxes("grid_code", spans)})
        assert out.pairs["network_m"].tolist() == [70.0]
        assert out.pairs["helper_id"].tolist() == [f"H{person_zone_with}"]
        assert out.pairs["grid_code"].tolist() == ["G1"] and out.stats["paired_same_grid_code"] == 1
    # a nearer helper in another grid still wins
    hel = helpers_at([(105, 10), (200, 10)])
    out = pr.pair_residents(net, res, hel, zone_layers={"grid_code": _boxes("grid_code", {"A": (-50, 120),
                                                                                           "B": (120, 350)})})
    assert out.pairs["helper_id"].tolist() == ["H0"] and out.pairs["network_m"].iloc[0] == pytest.approx(65.0)
    assert out.stats["paired_same_grid_code"] == 0


def test_micro_grid_ranks_before_grid_and_is_just_another_layer() -> None:
    net = _line_street()
    res = residents_at([(150, 10)], [[1, 0, 0]])
    hel = helpers_at([(100, 10), (200, 10)])
    grids = _boxes("grid_code", {"G1": (-50, 350)})  # one grid holds everyone
    micro = _boxes("micro_code", {"M1": (-50, 120), "M2": (120, 350)})  # the person and H1 share M2
    out = pr.pair_residents(net, res, hel, zone_layers={"grid_code": grids, "micro_code": micro})
    assert out.pairs["helper_id"].tolist() == ["H1"]
    assert list(out.pairs.columns) == ["resident_index", "group", "helper_id", "network_m", "micro_code", "grid_code"]
    assert out.stats["tie_break"] == "micro_code, grid_code"


# ------------------------------------------------------------------------------------------------
# reasons, read-off, helpers' load


def test_reasons_for_the_unpaired_and_the_nearest_helper() -> None:
    # street 0–300 m plus a separate fragment far east (no helper on it)
    xy = np.array([[X0, Y0], [X0 + 100, Y0], [X0 + 200, Y0], [X0 + 300, Y0], [X0 + 900, Y0], [X0 + 920, Y0]])
    net = WalkNetwork.from_arrays(xy, [0, 1, 2, 4], [1, 2, 3, 5], METRIC)
    res = residents_at([(10, 5), (20, 5), (290, 5), (150, 400), (910, 5), None],
                       [[1, 0, 0], [0, 1, 0], [0, 0, 2], [1, 0, 0], [1, 0, 0], [1, 0, 0]])
    hel = helpers_at([(0, 5)], [1])
    out = pr.pair_residents(net, res, hel, max_distance_m=100.0, snap_limit=300.0)
    assert out.pairs[["resident_index", "group", "helper_id"]].values.tolist() == [[0, "elderly_alone", "H0"]]
    assert out.pairs["network_m"].iloc[0] == pytest.approx(5 + 10 + 5)
    why = {(r.resident_index, r.group): r for r in out.unpaired.itertuples()}
    assert why[(1, "left_behind_children")].reason == "helpers_full"  # 30 m away, but H0 takes one person
    assert why[(1, "left_behind_children")].nearest_helper_m == pytest.approx(30.0)
    assert why[(2, "disabled")].reason == "no_helper_within_reach"  # 300 m > 100 m
    assert why[(2, "disabled")].nearest_helper_m == pytest.approx(300.0)
    assert why[(2, "disabled")].nearest_helper_id == "H0"
    assert out.unpaired["resident_index"].tolist().count(2) == 2
    assert why[(3, "elderly_alone")].reason == "not_on_network" and "limit 300 m" in why[(3, "elderly_alone")].detail
    assert why[(4, "elderly_alone")].reason == "no_helper_within_reach"
    assert "no helper is on" in why[(4, "elderly_alone")].detail
    assert why[(5, "elderly_alone")].reason == "not_on_network" and why[(5, "elderly_alone")].detail == "no geometry"
    assert np.isnan(why[(5, "elderly_alone")].nearest_helper_m)
    assert out.stats["unpaired_helpers_full"] == 1 and out.stats["unpaired_not_on_network"] == 2
    h = out.helpers.iloc[0]
    assert (h["capacity"], h["assigned"], h["free"], h["assigned_elderly_alone"]) == (1, 1, 0, 1)
    assert out.links["people"].tolist() == [1]


def test_people_of_one_building_are_handed_out_in_group_order_nearest_first() -> None:
    net = _line_street()
    res = residents_at([(150, 10)], [[2, 1, 1]])
    hel = helpers_at([(140, 10), (300, 10)], [3, 3])  # H0: 30 m, H1: 10 + 150 + 10 = 170 m
    out = pr.pair_residents(net, res, hel)
    assert out.pairs[["group", "helper_id"]].values.tolist() == [
        ["elderly_alone", "H0"], ["elderly_alone", "H0"], ["left_behind_children", "H0"], ["disabled", "H1"]]
    assert out.pairs["network_m"].tolist() == pytest.approx([30, 30, 30, 170])
    assert out.helpers["assigned_disabled"].tolist() == [0, 1]


def test_resident_index_is_the_file_row_when_rows_were_dropped() -> None:
    net = _line_street()
    res = residents_at([(50, 5), (150, 5)], [[1, 0, 0], [0, 1, 0]])
    res.index = [3, 7]  # rows 3 and 7 of the file (others left out with --drop-empty)
    out = pr.pair_residents(net, res, helpers_at([(100, 5)]), resident_index=res.index.to_numpy())
    assert sorted(out.pairs["resident_index"]) == [3, 7]


def test_demo_helpers_are_deterministic_and_synthetic(demo_walk) -> None:
    layers = demo_walk["layers"]
    a = pr.demo_helpers(layers["residents"], layers["centers"])
    b = pr.demo_helpers(layers["residents"], layers["centers"])
    assert a.equals(b) and a["helper_id"].is_unique
    n_vol = int(layers["residents"]["households"].sum() // pr.DEMO_HOUSEHOLDS_PER_HELPER)
    assert len(a) == n_vol + len(layers["centers"])
    assert a["name"].str.contains("synthetic").all() and "phone" not in a.columns
    assert a["capacity"].dropna().eq(pr.DEMO_CENTER_CAPACITY).all()


# ------------------------------------------------------------------------------------------------
# bad input: named errors


def test_bad_counts_and_missing_columns_are_named() -> None:
    net = _line_street()
    res = residents_at([(50, 5), (150, 5), (250, 5)], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    res["elderly_alone"] = pd.Series(["1", "two", "-1"], dtype=object)
    res["disabled"] = [0, 1.5, 1]
    res.attrs["source"] = "buildings.geojson"
    with pytest.raises(LayerError) as err:
        pr.pair_residents(net, res, helpers_at([(100, 5)]))
    msg = str(err.value)
    assert "buildings.geojson" in msg and "row 2 (id B1), column 'elderly_alone'" in msg and "'two'" in msg
    assert "row 3 (id B2), column 'elderly_alone'" in msg and "row 2 (id B1), column 'disabled'" in msg
    with pytest.raises(LayerError, match="special-group column\\(s\\) orphans not found.*--map orphans="):
        pr.pair_residents(net, residents_at([(50, 5)], [[1, 0, 0]]), helpers_at([(100, 5)]), groups=["orphans"])
    bare = residents_at([(50, 5)], [[1, 0, 0]]).drop(columns=list(GROUPS))
    with pytest.raises(LayerError, match="none of the special-group columns"):
        pr.pair_residents(net, bare, helpers_at([(100, 5)]))
    line = residents_at([(50, 5)], [[1, 0, 0]])
    line.geometry = [shapely.LineString([(X0, Y0), (X0 + 1, Y0)])]
    with pytest.raises(LayerError, match="row 1 .*LineString"):
        pr.pair_residents(net, line, helpers_at([(100, 5)]))


def test_blank_counts_are_zero_and_said() -> None:
    res = residents_at([(50, 5), (150, 5)], [[1, 0, 0], [0, 1, 0]])
    res["elderly_alone"] = pd.array([1, None], dtype="Int64")
    out = pr.pair_residents(_line_street(), res, helpers_at([(100, 5)]))
    assert out.stats["people"] == 2 and out.notes == ("1 blank special-group value(s) counted as 0",)


def test_bad_helpers_are_named() -> None:
    net = _line_street()
    res = residents_at([(50, 5)], [[1, 0, 0]])
    hel = helpers_at([(100, 5), (120, 5), (140, 5)])
    hel["helper_id"] = ["A", "A", None]
    hel["capacity"] = pd.Series([2, "lots", 0.5], dtype=object)
    hel.attrs["source"] = "helpers.geojson"
    with pytest.raises(LayerError) as err:
        pr.pair_residents(net, res, hel)
    msg = str(err.value)
    assert "helpers.geojson" in msg and "row 3, column 'helper_id'" in msg and "'A' is used by 2 helpers" in msg
    assert "column 'capacity'" in msg and "'lots'" in msg and "0.5" in msg
    with pytest.raises(LayerError, match="no 'helper_id' column.*--map helper_id="):
        pr.pair_residents(net, res, helpers_at([(100, 5)]).drop(columns=["helper_id"]))
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="max_distance_m must be a finite number of metres"):
            pr.pair_residents(net, res, helpers_at([(100, 5)]), max_distance_m=bad)
