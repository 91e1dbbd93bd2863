"""Nearest-street snapping: exact against GEOS on every edge, whichever stage answers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.access import snapping
from gridmap.access.network import WalkNetwork
from gridmap.access.snapping import EdgeIndex, snap_points

CRS = "EPSG:4549"
X0, Y0 = 500_000.0, 3_500_000.0


def brute_force(net: WalkNetwork, xy: np.ndarray, edges: np.ndarray | None = None) -> np.ndarray:
    """Distance from every point to its nearest edge, by GEOS against every edge."""
    edges = np.arange(net.n_edges) if edges is None else edges
    lines = net.edge_lines()[edges]
    return shapely.distance(shapely.points(xy)[:, None], lines[None, :]).min(axis=1)


def check_snap(net: WalkNetwork, xy: np.ndarray, snap, edges: np.ndarray | None = None) -> None:
    """The snap's distance is the brute-force minimum, and its (edge, offset) is a point that far away."""
    np.testing.assert_allclose(snap.dist, brute_force(net, xy, edges), rtol=0, atol=1e-7)
    a, b = net.node_xy[net.edge_u[snap.edge]], net.node_xy[net.edge_v[snap.edge]]
    frac = np.divide(snap.offset, net.edge_length[snap.edge], out=np.zeros(len(xy)),
                     where=net.edge_length[snap.edge] > 0)
    foot = a + (b - a) * frac[:, None]
    np.testing.assert_allclose(np.hypot(*(foot - xy).T), snap.dist, rtol=0, atol=1e-7)
    assert ((snap.offset >= 0) & (snap.offset <= net.edge_length[snap.edge] + 1e-9)).all()
    if edges is not None:
        assert np.isin(snap.edge, edges).all()


coord = st.floats(-2_000, 2_000, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(nodes=st.lists(st.tuples(coord, coord), min_size=2, max_size=25),
       pairs=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24)), min_size=1, max_size=40),
       points=st.lists(st.tuples(st.floats(-30_000, 30_000), st.floats(-30_000, 30_000)), min_size=1,
                       max_size=30),
       cell=st.one_of(st.none(), st.floats(1.0, 3_000.0)))
def test_snap_is_the_nearest_edge_anywhere(nodes, pairs, points, cell) -> None:
    """Random segments (long, short, collinear, repeated nodes) and points near and far (the far ones
    go to the KD-tree fallback): the distance is GEOS's minimum over all edges."""
    xy = np.array(nodes) + (X0, Y0)
    u = np.array([p[0] % len(nodes) for p in pairs])
    v = np.array([p[1] % len(nodes) for p in pairs])
    if (u == v).all():
        v = (u + 1) % len(nodes)
    net = WalkNetwork.from_arrays(xy, u, v, CRS)
    pts = np.array(points) + (X0, Y0)
    check_snap(net, pts, EdgeIndex(net, cell=cell).nearest(pts))


def street_grid(side: int = 12, spacing: float = 100.0) -> WalkNetwork:
    xs, ys = np.meshgrid(np.arange(side) * spacing, np.arange(side) * spacing)
    xy = np.column_stack([xs.ravel(), ys.ravel()]) + (X0, Y0)
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    return WalkNetwork.from_arrays(xy, u, v, CRS)


def test_hand_computed_snaps_on_a_street_grid() -> None:
    """A 100 m grid: a point 30 m north of the street y=0 at x=140 is 30 m from edge (1,0)-(2,0),
    40 m along it; a point at a block centre is 50 m from four edges and takes the lowest index."""
    net = street_grid()
    snap = snap_points(net, np.array([[X0 + 140.0, Y0 + 30.0], [X0 + 150.0, Y0 + 150.0]]))
    e0 = int(snap.edge[0])
    assert {int(net.edge_u[e0]), int(net.edge_v[e0])} == {1, 2}
    assert snap.dist[0] == pytest.approx(30.0) and snap.offset[0] == pytest.approx(40.0)
    assert snap.dist[1] == pytest.approx(50.0)
    d_all = brute_force(net, np.array([[X0 + 150.0, Y0 + 150.0]]))
    lines = net.edge_lines()
    ties = np.flatnonzero(np.isclose(shapely.distance(shapely.points(X0 + 150.0, Y0 + 150.0), lines), d_all[0]))
    assert len(ties) == 4 and snap.edge[1] == ties.min()


def test_far_points_use_the_fallback_and_stay_exact() -> None:
    """Points farther than MAX_RINGS cells from every street are answered by the KD-tree, exactly."""
    net = street_grid()
    index = EdgeIndex(net)
    far = np.array([[X0 - 50_000.0, Y0 + 500.0], [X0 + 600.0, Y0 + 90_000.0], [X0 + 20_000.0, Y0 - 20_000.0]])
    assert snapping.MAX_RINGS * index._cell < 40_000.0  # beyond what the ring search certifies
    snap = index.nearest(far)
    assert index._kd is not None
    check_snap(net, far, snap)
    assert snap.dist[0] == pytest.approx(50_000.0)


def test_subset_of_edges_nan_rows_and_empty_inputs() -> None:
    net = street_grid()
    some = np.flatnonzero(net.node_xy[net.edge_u][:, 0] >= X0 + 500.0)  # streets east of x = 500 m
    pts = np.array([[X0 + 120.0, Y0 + 310.0], [np.nan, Y0], [X0 + 900.0, Y0 + 920.0]])
    snap = EdgeIndex(net, some).nearest(pts)
    assert snap.edge[1] == -1 and np.isnan(snap.dist[1]) and np.isnan(snap.offset[1])
    ok = np.array([0, 2])
    check_snap(net, pts[ok], type(snap)(snap.edge[ok], snap.offset[ok], snap.dist[ok]), some)
    assert snap.dist[0] == pytest.approx(380.0)  # to the street x = 500 m, not the nearer x = 100 m
    empty = EdgeIndex(net, np.empty(0, dtype=np.int64)).nearest(pts)
    assert (empty.edge == -1).all()
    assert len(EdgeIndex(net).nearest(np.empty((0, 2))).edge) == 0


def test_ring_search_answers_near_points_without_the_fallback() -> None:
    """Residents among the streets are certified by the bucket grid alone (no KD-tree is built)."""
    net = street_grid()
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 1_100, (2_000, 2)) + (X0, Y0)
    index = EdgeIndex(net)
    snap = index.nearest(pts)
    assert index._kd is None
    check_snap(net, pts, snap)
