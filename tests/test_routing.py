"""gridmap.access.routing: the routing kernel every walking distance comes from.

The bounded pairs (:func:`distances_within`: candidate sites → residents for siting, helpers →
the people they visit for a pairing) are checked against networkx's Dijkstra on the same graph with
the snap legs added by hand, and against the nearest-centre pass of the same kernel.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from gridmap.access import routing
from gridmap.access.network import WalkNetwork
from gridmap.access.snapping import EdgeIndex

METRIC = "EPSG:4549"
X0, Y0 = 500_000.0, 3_540_000.0


def _grid(seed: int, side: int = 8, spacing: float = 100.0, keep: float = 0.8) -> WalkNetwork:
    """A jittered street grid with some streets missing (so some pieces are cut off)."""
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(side) * spacing, np.arange(side) * spacing)
    xy = np.column_stack([xs.ravel(), ys.ravel()]) + rng.uniform(-10, 10, (side * side, 2))
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    mask = rng.random(len(u)) < keep
    used, inv = np.unique(np.r_[u[mask], v[mask]], return_inverse=True)
    return WalkNetwork.from_arrays(xy[used] + [X0, Y0], inv[: mask.sum()], inv[mask.sum():], METRIC)


def _instance(seed: int):
    net = _grid(seed)
    rng = np.random.default_rng(seed + 1)
    helpers = rng.uniform(-20, 720, (9, 2)) + [X0, Y0]
    people = rng.uniform(-40, 740, (70, 2)) + [X0, Y0]
    people[3] = np.nan  # no geometry
    index = EdgeIndex(net)
    hsnap, hcode = routing.snap_centers(net, index, helpers, 60.0)
    which = np.flatnonzero(hcode == routing.CODE_OK)
    psnap, pcode = routing.snap_residents(net, index, people, hsnap, which, 60.0)
    return net, helpers, people, hsnap, hcode, which, psnap, pcode


def _networkx_pairs(net: WalkNetwork, hsnap, which, psnap, targets) -> np.ndarray:
    """Walking metres helper → person by networkx: a virtual node per helper joined to its edge's
    ends (snap + offset on each side), node distances by Dijkstra, then the person's edge read by
    hand (both ends, or along the edge when the helper is on it) plus the person's snap leg."""
    g = nx.Graph()
    for a, b, w in zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist(), strict=True):
        if not g.has_edge(a, b) or g[a][b]["w"] > w:
            g.add_edge(a, b, w=w)
    out = np.full((len(which), len(psnap.edge)), np.inf)
    for row, h in enumerate(which.tolist()):
        e, t, s = int(hsnap.edge[h]), float(hsnap.offset[h]), float(hsnap.dist[h])
        d = dict.fromkeys(g.nodes, np.inf)
        d.update(nx.single_source_dijkstra_path_length(g, int(net.edge_u[e]), weight="w"))
        du = d
        dv = dict.fromkeys(g.nodes, np.inf)
        dv.update(nx.single_source_dijkstra_path_length(g, int(net.edge_v[e]), weight="w"))
        length = float(net.edge_length[e])
        for p in targets.tolist():
            pe, pt, ps = int(psnap.edge[p]), float(psnap.offset[p]), float(psnap.dist[p])
            to = {n: min(s + t + du[n], s + length - t + dv[n]) for n in (int(net.edge_u[pe]), int(net.edge_v[pe]))}
            best = min(to[int(net.edge_u[pe])] + pt, to[int(net.edge_v[pe])] + float(net.edge_length[pe]) - pt)
            if pe == e:
                best = min(best, s + abs(pt - t))
            out[row, p] = best + ps
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bounded_pairs_equal_networkx_with_both_snap_legs(seed: int) -> None:
    net, _h, _p, hsnap, _hc, which, psnap, pcode = _instance(seed)
    targets = np.flatnonzero(pcode == routing.CODE_OK)
    limit = 450.0
    sub = type(hsnap)(hsnap.edge[which], hsnap.offset[which], hsnap.dist[which])
    got = routing.distances_within(net, sub, psnap, targets, limit).toarray()
    present = np.zeros(got.shape, bool)
    mat = routing.distances_within(net, sub, psnap, targets, limit)
    present[np.repeat(np.arange(mat.shape[0]), np.diff(mat.indptr)), mat.indices] = True
    want = _networkx_pairs(net, hsnap, which, psnap, targets)
    assert np.array_equal(present, want <= limit)  # exactly the pairs within the limit
    np.testing.assert_allclose(got[present], want[present], rtol=0, atol=1e-6)
    others = np.setdiff1d(np.arange(len(psnap.edge)), targets)
    assert not present[:, others].any()  # only the targets asked for
    assert present.any() and (~present).any()


@pytest.mark.parametrize("seed", [4, 5])
def test_nearest_of_the_bounded_pairs_is_the_read_off_bit_for_bit(seed: int) -> None:
    """Without a limit, the nearest helper of each person by the bounded pairs is the one the
    multi-source pass finds, at the very same distance (same operations, same order)."""
    net, helpers, people, hsnap, _hc, which, psnap, pcode = _instance(seed)
    rr = routing.nearest_center_arrays(net, people, helpers, snap_limit=60.0)
    routed = np.flatnonzero(rr.status == routing.CODE_OK)
    sub = type(hsnap)(hsnap.edge[which], hsnap.offset[which], hsnap.dist[which])
    mat = routing.distances_within(net, sub, psnap, routed, np.inf).tocsc()
    for p in routed.tolist():
        col = mat.data[mat.indptr[p]:mat.indptr[p + 1]]
        assert col.min() == rr.network_m[p]
    assert np.isnan(rr.network_m[rr.status != routing.CODE_OK]).all()  # NaN, never inf
    assert rr.status[3] == routing.CODE_NO_GEOMETRY and routing.SNAP_STATUS[rr.status[3]] == "no_geometry"


def test_centre_on_a_fragment_moves_to_the_main_network() -> None:
    """A 40 m footway not joined to the street (a fragment) next to a long street: a centre 5 m from
    the footway and 30 m from the street is snapped to the street; beyond the limit it stays."""
    xy = np.array([[0, 0], [1200, 0], [500, 35], [540, 35]], float) + [X0, Y0]
    net = WalkNetwork.from_arrays(xy, np.array([0, 2]), np.array([1, 3]), METRIC)
    assert routing.main_components(net).tolist() == [True, False]
    np.testing.assert_allclose(sorted(routing.component_lengths(net)), [40.0, 1200.0])
    centre = np.array([[520.0, 30.0]]) + [X0, Y0]
    snap, code = routing.snap_centers(net, EdgeIndex(net), centre, snap_limit=100.0)
    assert code.tolist() == [routing.CODE_OK] and snap.dist[0] == pytest.approx(30.0)
    snap, code = routing.snap_centers(net, EdgeIndex(net), centre, snap_limit=20.0)
    assert snap.dist[0] == pytest.approx(5.0)  # no main street within 20 m: the fragment it is


def test_centre_services_parse_every_separator() -> None:
    s = routing.centre_services(pd.DataFrame({"services": ["政务；就业", None, "就业,养老、政务"]}))
    assert s.lists == [["政务", "就业"], [], ["就业", "养老", "政务"]]
    assert s.names == ["养老", "就业", "政务"]  # sorted (by code point: 养 U+517B < 就 U+5C31 < 政 U+653F)
    assert s.offers["政务"].tolist() == [True, False, True]
    assert routing.centre_services(pd.DataFrame({"x": [1]}), "services").names == []
