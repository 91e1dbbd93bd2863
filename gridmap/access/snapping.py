"""Exact nearest-street snapping for many points at once.

Every resident and centre is projected onto the nearest edge of a
:class:`~gridmap.access.network.WalkNetwork`: which edge, the offset along it from its ``edge_u`` end, and
the perpendicular distance. The answer is exact (the same edge distance a brute-force scan over all
edges gives), found in two stages:

1. **Bucket grid** (compiled with numba). Edges are registered in the square cells of a uniform
   grid that they pass through (cell ≈ the median edge length). A point scans the cells in rings
   of growing Chebyshev radius around its own cell; after ring ``r`` every edge not yet seen lies
   wholly outside the ``(2r+1)²`` square, hence at least as far as the square's border, so the search
   stops — certified — once the best edge is no farther than that border. Costs a few dozen
   point–segment distances per point and no tree.
2. **KD-tree fallback** for points still uncertified after :data:`MAX_RINGS` rings (far from every
   street): edges are cut into pieces whose midpoints go into a ``cKDTree``; the k nearest
   midpoints name candidate edges, certified when the best candidate is no farther than the k-th
   midpoint distance minus half the longest piece; uncertified points are asked again with 4× more
   candidates, then against every edge.

Why not ``shapely.STRtree.query_nearest`` (what ``osmnx.distance.nearest_edges`` uses): it gives
the same edges but costs ~10× more on 100,000 points (``benchmarks/bench_access.py`` prints both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.spatial import cKDTree

from gridmap.access.network import WalkNetwork

MAX_RINGS = 16
"""Rings of cells the bucket grid scans before a point is handed to the KD-tree fallback."""


@dataclass(frozen=True)
class Snap:
    """Where points meet the network.

    Attributes
    ----------
    edge : int64 array — index of the nearest edge (``-1`` for a point with no coordinates).
    offset : float array — distance along the edge from its ``edge_u`` end to the projection (m).
    dist : float array — distance from the point to the edge (m); NaN where ``edge == -1``.
    """

    edge: np.ndarray
    offset: np.ndarray
    dist: np.ndarray


# ------------------------------------------------------------------------------------------------
# compiled kernels (plain loops are what numba is for: no temporaries, a few dozen segments per point)


@numba.njit(cache=True, nogil=True)
def _cell_range(lo: float, hi: float, origin: float, cell: float, n: int) -> tuple[int, int]:
    """First and last cell index (clipped to 0..n-1) of the interval [lo, hi], padded by a hair."""
    pad = cell * 1e-9
    a = int(np.floor((lo - pad - origin) / cell))
    b = int(np.floor((hi + pad - origin) / cell))
    return max(a, 0), min(b, n - 1)


@numba.njit(cache=True, nogil=True)
def _segment_meets_box(ax: float, ay: float, abx: float, aby: float, xmin: float, ymin: float, xmax: float,
                       ymax: float) -> bool:
    """Whether the segment a → a + ab meets the box (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    for p, q in ((-abx, ax - xmin), (abx, xmax - ax), (-aby, ay - ymin), (aby, ymax - ay)):
        if p == 0.0:
            if q < 0.0:
                return False
        else:
            r = q / p
            if p < 0.0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return False
    return True


@numba.njit(cache=True, nogil=True)
def _register(ax, ay, abx, aby, x0, y0, cell, nx, ny, counts, fill, out):
    """One pass over the segments' cells: count them (``fill`` empty) or write them into ``out``
    (segment index, then ax, ay, abx, aby — copies in bucket order)."""
    pad = cell * 1e-9
    writing = len(fill) > 0
    for s in range(len(ax)):
        bx, by = ax[s] + abx[s], ay[s] + aby[s]
        i0, i1 = _cell_range(min(ax[s], bx), max(ax[s], bx), x0, cell, nx)
        j0, j1 = _cell_range(min(ay[s], by), max(ay[s], by), y0, cell, ny)
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                # a long segment's bounding box holds cells it does not pass through: skip those
                if (i1 > i0 + 1 or j1 > j0 + 1) and not _segment_meets_box(
                        ax[s], ay[s], abx[s], aby[s], x0 + i * cell - pad, y0 + j * cell - pad,
                        x0 + (i + 1) * cell + pad, y0 + (j + 1) * cell + pad):
                    continue
                c = j * nx + i
                if writing:
                    k = fill[c]
                    out[0, k] = s
                    out[1, k], out[2, k], out[3, k], out[4, k] = ax[s], ay[s], abx[s], aby[s]
                    fill[c] += 1
                else:
                    counts[c + 1] += 1


@numba.njit(cache=True, nogil=True)
def _bucket(ax, ay, abx, aby, x0, y0, cell, nx, ny):
    """Cell → segments passing through it: ``indptr`` (nx*ny + 1) and a (5, k) array of segment
    index, ax, ay, abx, aby in bucket order, so each cell's segments sit side by side in memory."""
    counts = np.zeros(nx * ny + 1, dtype=np.int64)
    _register(ax, ay, abx, aby, x0, y0, cell, nx, ny, counts, np.empty(0, dtype=np.int64), np.empty((5, 0)))
    for c in range(nx * ny):
        counts[c + 1] += counts[c]
    out = np.empty((5, counts[nx * ny]))
    if out.shape[1]:
        _register(ax, ay, abx, aby, x0, y0, cell, nx, ny, counts, counts[:-1].copy(), out)
    return counts, out


@numba.njit(cache=True, nogil=True)
def _scan_cell(x, y, c, indptr, seg, ax, ay, abx, aby, best2, best_s, best_t):
    """Closest of the segments registered in cell ``c`` (arrays in bucket order) vs. the best so far."""
    for k in range(indptr[c], indptr[c + 1]):
        apx, apy = x - ax[k], y - ay[k]
        t = 0.0
        l2 = abx[k] * abx[k] + aby[k] * aby[k]
        if l2 > 0.0:
            t = (apx * abx[k] + apy * aby[k]) / l2
            t = min(max(t, 0.0), 1.0)
        dx, dy = apx - t * abx[k], apy - t * aby[k]
        d2 = dx * dx + dy * dy
        if d2 < best2 or (d2 == best2 and seg[k] < best_s):
            best2, best_s, best_t = d2, int(seg[k]), t
    return best2, best_s, best_t


@numba.njit(cache=True, nogil=True)
def _nearest_in_grid(px, py, indptr, seg, ax, ay, abx, aby, x0, y0, cell, nx, ny, max_rings):
    """Nearest segment of every point by ring search; ``ok[i]`` is False where not certified."""
    n = len(px)
    out_s = np.full(n, -1, dtype=np.int64)
    out_t = np.zeros(n)
    out_d = np.full(n, np.inf)
    ok = np.zeros(n, dtype=np.bool_)
    # visit points cell by cell (a counting sort): neighbouring points read the same buckets
    key = np.empty(n, dtype=np.int64)
    for p in range(n):
        i = min(max(int(np.floor((px[p] - x0) / cell)), 0), nx - 1)
        j = min(max(int(np.floor((py[p] - y0) / cell)), 0), ny - 1)
        key[p] = j * nx + i
    start = np.zeros(nx * ny + 1, dtype=np.int64)
    for p in range(n):
        start[key[p] + 1] += 1
    for c in range(nx * ny):
        start[c + 1] += start[c]
    order = np.empty(n, dtype=np.int64)
    for p in range(n):
        order[start[key[p]]] = p
        start[key[p]] += 1
    for q in range(n):
        p = order[q]
        x, y = px[p], py[p]
        ci = int(np.floor((x - x0) / cell))
        cj = int(np.floor((y - y0) / cell))
        best2, best_s, best_t = np.inf, -1, 0.0
        for r in range(max_rings + 1):
            j_lo, j_hi = max(cj - r, 0), min(cj + r, ny - 1)
            i_lo, i_hi = max(ci - r, 0), min(ci + r, nx - 1)
            for j in range(j_lo, j_hi + 1):
                if j == cj - r or j == cj + r:  # a full row of the ring
                    for i in range(i_lo, i_hi + 1):
                        best2, best_s, best_t = _scan_cell(x, y, j * nx + i, indptr, seg, ax, ay, abx, aby,
                                                           best2, best_s, best_t)
                else:  # only the ring's two columns
                    if ci - r >= 0 and ci - r < nx:
                        best2, best_s, best_t = _scan_cell(x, y, j * nx + ci - r, indptr, seg, ax, ay, abx, aby,
                                                           best2, best_s, best_t)
                    if r > 0 and ci + r >= 0 and ci + r < nx:
                        best2, best_s, best_t = _scan_cell(x, y, j * nx + ci + r, indptr, seg, ax, ay, abx, aby,
                                                           best2, best_s, best_t)
            if ci - r <= 0 and ci + r >= nx - 1 and cj - r <= 0 and cj + r >= ny - 1:
                ok[p] = best_s >= 0  # the square holds the whole grid: every segment was seen
                break
            # every unseen segment lies outside the square of rings 0..r: at least its border away
            border = min(x - (x0 + (ci - r) * cell), x0 + (ci + r + 1) * cell - x,
                         y - (y0 + (cj - r) * cell), y0 + (cj + r + 1) * cell - y)
            if best_s >= 0 and np.sqrt(best2) <= border:
                ok[p] = True
                break
        out_s[p], out_t[p], out_d[p] = best_s, best_t, np.sqrt(best2)
    return out_s, out_t, out_d, ok


# ------------------------------------------------------------------------------------------------


class EdgeIndex:
    """Exact nearest-edge search for many points at once (see the module docstring for the method).

    Parameters
    ----------
    net : WalkNetwork
    edges : int array, optional
        The edges to search (default all), e.g. only those of the centres' components.
    cell : float, optional
        Bucket cell size in metres (default: the median edge length, within 5–500 m, grown when
        the grid would have more than four cells per edge).
    """

    def __init__(self, net: WalkNetwork, edges: np.ndarray | None = None, cell: float | None = None):
        self.net = net
        self.edges = np.arange(net.n_edges) if edges is None else np.asarray(edges, dtype=np.int64)
        x, y = np.ascontiguousarray(net.node_xy[:, 0]), np.ascontiguousarray(net.node_xy[:, 1])
        u, v = net.edge_u[self.edges], net.edge_v[self.edges]
        self._ax, self._ay = x[u], y[u]
        bx, by = x[v], y[v]
        self._abx, self._aby = bx - self._ax, by - self._ay
        self._kd: tuple[cKDTree, np.ndarray, float] | None = None
        if len(self.edges) == 0:
            return
        lo = np.array([min(self._ax.min(), bx.min()), min(self._ay.min(), by.min())])
        hi = np.array([max(self._ax.max(), bx.max()), max(self._ay.max(), by.max())])
        if cell is None:
            cell = float(np.clip(np.median(net.edge_length[self.edges]), 5.0, 500.0))
            while np.prod(np.floor((hi - lo) / cell) + 1) > 4 * len(self.edges) + 64:
                cell *= 2.0
        self._cell = float(max(cell, 1e-3))
        self._origin = lo
        self._shape = (int((hi[0] - lo[0]) // self._cell) + 1, int((hi[1] - lo[1]) // self._cell) + 1)
        self._indptr, self._bucketed = _bucket(self._ax, self._ay, self._abx, self._aby,
                                               float(lo[0]), float(lo[1]), self._cell, *self._shape)

    def nearest(self, xy: np.ndarray) -> Snap:
        """The nearest edge of every point.

        Parameters
        ----------
        xy : float array (n, 2) in the network's CRS; rows with NaN get ``edge = -1``.

        Returns
        -------
        Snap
        """
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        n = len(xy)
        edge = np.full(n, -1, dtype=np.int64)
        offset = np.full(n, np.nan)
        dist = np.full(n, np.nan)
        todo = np.flatnonzero(np.isfinite(xy).all(axis=1))
        if len(self.edges) == 0 or len(todo) == 0:
            return Snap(edge, offset, dist)
        s, t, d, ok = _nearest_in_grid(np.ascontiguousarray(xy[todo, 0]), np.ascontiguousarray(xy[todo, 1]),
                                       self._indptr, *self._bucketed,
                                       float(self._origin[0]), float(self._origin[1]), self._cell, *self._shape,
                                       MAX_RINGS)
        if not ok.all():
            far = ~ok
            s[far], t[far], d[far] = self._kd_nearest(xy[todo[far]])
        edge[todo] = self.edges[s]
        offset[todo] = t * self.net.edge_length[edge[todo]]
        dist[todo] = d
        return Snap(edge, offset, dist)

    # -- fallback for points far from every street -------------------------------------------------

    def _kd_build(self) -> tuple[cKDTree, np.ndarray, float]:
        self._l2 = self._abx * self._abx + self._aby * self._aby
        length = np.sqrt(self._l2)
        piece_len = max(float(np.percentile(length, 90)), 1e-3)
        n_pieces = np.maximum(1, np.ceil(length / piece_len)).astype(np.int64)
        piece_seg = np.repeat(np.arange(len(self.edges)), n_pieces)
        first = np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
        frac = (np.arange(len(piece_seg)) - first + 0.5) / np.repeat(n_pieces, n_pieces)
        mid = np.column_stack([self._ax[piece_seg] + self._abx[piece_seg] * frac,
                               self._ay[piece_seg] + self._aby[piece_seg] * frac])
        half = float((length / n_pieces).max() / 2.0)
        self._kd = (cKDTree(mid, balanced_tree=False, compact_nodes=False), piece_seg, half)
        return self._kd

    def _kd_candidates(self, kd: tuple[cKDTree, np.ndarray, float], xy: np.ndarray, k: int):
        tree, piece_seg, half = kd
        k = min(k, len(piece_seg))
        dk, ik = tree.query(xy, k=k, workers=-1)
        if k == 1:
            dk, ik = dk[:, None], ik[:, None]
        if np.isinf(dk[:, -1]).any():  # fewer pieces than k: pad with the first
            ik = np.where(np.isinf(dk), ik[:, :1], ik)
        sk = piece_seg[ik]
        abx, aby, l2 = self._abx[sk], self._aby[sk], self._l2[sk]
        apx, apy = xy[:, 0:1] - self._ax[sk], xy[:, 1:2] - self._ay[sk]
        t = np.where(l2 > 0, np.clip((apx * abx + apy * aby) / np.where(l2 > 0, l2, 1.0), 0.0, 1.0), 0.0)
        dx, dy = apx - t * abx, apy - t * aby
        d2 = dx * dx + dy * dy
        j = np.argmin(d2, axis=1)
        rows = np.arange(len(xy))
        best = np.sqrt(d2[rows, j])
        certified = (best <= dk[:, -1] - half) | (k >= len(piece_seg))
        return sk[rows, j], t[rows, j], best, certified

    def _kd_nearest(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Segment index, fraction along it and distance, by the KD-tree over piece midpoints."""
        kd = self._kd if self._kd is not None else self._kd_build()
        n = len(xy)
        s, t, d = np.full(n, -1, dtype=np.int64), np.zeros(n), np.full(n, np.inf)
        todo, k = np.arange(n), 8
        while len(todo):
            sk, tk, dk, ok = self._kd_candidates(kd, xy[todo], k)
            s[todo[ok]], t[todo[ok]], d[todo[ok]] = sk[ok], tk[ok], dk[ok]
            todo = todo[~ok]
            k = max(k * 4, 16)
            if len(todo) and k > 256:  # compare with every edge
                k = len(kd[1])
        return s, t, d


def snap_points(net: WalkNetwork, xy: np.ndarray, edges: np.ndarray | None = None) -> Snap:
    """Snap points to the nearest edge of ``net`` (among ``edges`` if given). See :class:`EdgeIndex`."""
    return EdgeIndex(net, edges).nearest(xy)
