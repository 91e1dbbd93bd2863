"""Faces of polygon boundaries snap-rounded to a grid, in numpy (docs/design.md §4.1).

The mosaic's default path. GEOS's snap-rounding noder (``union_all(..., grid_size=…)``) costs
about four times its exact noding, and ``polygonize`` as much again; here both are done on whole
arrays, with integer grid coordinates, so every geometric predicate is exact:

1. every boundary segment is rounded to the grid (its ends to the nearest grid point) and kept once;
2. *hot pixels* are the grid cells of every segment end and of every proper crossing of two
   segments (crossings found by an STRtree query of the segments, tested with exact integer
   orientation tests);
3. every segment is cut at the centre of each hot pixel whose closed square it meets, in order
   along it (snap rounding, Hobby 1999: the fragments between consecutive centres cross no other
   fragment); the fragments are checked again against the hot pixels near their segment until
   none passes through a pixel it does not end at (iterated snap rounding, Hershberger 2013), so
   no vertex lies on an edge it does not end at, and fragments either coincide or meet at ends;
4. the noded fragments are a planar graph; dangling edges and bridges (which bound no area) are
   dropped, and its faces are traced through the half-edges (at each vertex the next edge clockwise),
   each bounded face a counter-clockwise ring; the clockwise rings — the outlines of connected
   parts of the linework — become holes of the smallest face around them, or bound nothing.

Every vertex of every face is a grid point, so no face is smaller than half a grid cell (Pick's
theorem), and neighbouring faces share their vertices exactly.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.vocab import Message

__all__ = ["snap_rounded_faces", "GridTooFineError"]

#: Largest extent of the linework, in grid cells, for which integer products stay exact (int64).
_MAX_CELLS = 2**30

#: Distance (grid cells) from a segment within which hot pixels are kept as candidates for the
#: iterated rounding of its fragments: a fragment lies within 0.71 cells of its segment, so a pixel
#: it meets has its centre within 1.42 cells; each further round can add 0.71 — so the list holds
#: every candidate of the first :data:`_NEAR_ROUNDS` rounds (2.13 cells), and later rounds (rare)
#: query the STRtree of hot pixels again.
_NEAR_CELLS = 2.5
_NEAR_ROUNDS = 2


class GridTooFineError(ValueError):
    """The linework spans more grid cells than integer arithmetic keeps exact."""


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find the unique rows of an integer (n × 2) array, and the index of each input row's one."""
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    sorted_rows = rows[order]
    new = np.r_[True, (sorted_rows[1:] != sorted_rows[:-1]).any(axis=1)]
    group = np.cumsum(new) - 1
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = group
    return sorted_rows[new], inverse


def _unique_edges(a: np.ndarray, b: np.ndarray, n_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct undirected edges (lower id first) among vertex-id pairs, zero-length ones dropped."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    key = np.unique(lo[keep] * np.int64(n_vertices) + hi[keep])
    return key // n_vertices, key % n_vertices


def _orient(o: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Sign of the turn o → p → q (exact on integers)."""
    return np.sign((p[:, 0] - o[:, 0]) * (q[:, 1] - o[:, 1]) - (p[:, 1] - o[:, 1]) * (q[:, 0] - o[:, 0]))


def _boxes(seg: np.ndarray, margin: float) -> np.ndarray:
    lo = np.minimum(seg[:, :2], seg[:, 2:]) - margin
    hi = np.maximum(seg[:, :2], seg[:, 2:]) + margin
    return shapely.box(lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1])


def _crossings(seg: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Find the grid cells (n × 2 integers) where segments ``seg`` (n × 4 integers) cross properly.

    ``boxes`` are the segments' envelopes, the STRtree's candidates.
    """
    a, b = shapely.STRtree(boxes).query(boxes)
    keep = a < b
    a, b = a[keep], b[keep]
    p, q, r, s = seg[a, :2], seg[a, 2:], seg[b, :2], seg[b, 2:]
    proper = (_orient(p, q, r) * _orient(p, q, s) < 0) & (_orient(r, s, p) * _orient(r, s, q) < 0)
    p, q, r, s = (x[proper].astype(float) for x in (p, q, r, s))
    d, e = q - p, s - r
    t = ((r[:, 0] - p[:, 0]) * e[:, 1] - (r[:, 1] - p[:, 1]) * e[:, 0]) / (d[:, 0] * e[:, 1] - d[:, 1] * e[:, 0])
    return np.floor(p + t[:, None] * d + 0.5).astype(np.int64)


def _meets_pixel(p: np.ndarray, q: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Whether segment p–q meets the closed unit square centred on grid point c (exact on integers)."""
    d = q - p
    cross = d[:, 0] * (c[:, 1] - p[:, 1]) - d[:, 1] * (c[:, 0] - p[:, 0])
    near_line = 2 * np.abs(cross) <= np.abs(d[:, 0]) + np.abs(d[:, 1])
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    in_box = ((2 * c >= 2 * lo - 1) & (2 * c <= 2 * hi + 1)).all(axis=1)
    return near_line & in_box


def _split(parent: np.ndarray, p: np.ndarray, q: np.ndarray, owner: np.ndarray, pixel: np.ndarray,
           hot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut each segment p–q at the hot pixels it meets, in order along it.

    ``owner`` → ``pixel`` pairs name the pixels of each segment, its ends included. Returns the
    fragments as (parent, start pixel, end pixel).
    """
    c = hot[pixel]
    t = ((c - p[owner]) * (q[owner] - p[owner])).sum(axis=1)
    order = np.lexsort((t, owner))
    owner, pixel = owner[order], pixel[order]
    same = owner[1:] == owner[:-1]
    return parent[owner[1:][same]], pixel[:-1][same], pixel[1:][same]


def _snap_round(seg: np.ndarray, max_rounds: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snap-round integer segments, iterated: (hot pixels, fragment start ids, fragment end ids)."""
    p, q = seg[:, :2], seg[:, 2:]
    hot, end_id = _unique_rows(np.vstack([p, q, _crossings(seg, _boxes(seg, 0.0))]))
    p_id, q_id = end_id[: len(seg)], end_id[len(seg): 2 * len(seg)]
    tree = shapely.STRtree(shapely.points(hot.astype(float)))
    s_idx, h_idx = tree.query(_boxes(seg, _NEAR_CELLS))
    # hot pixels near each segment, other than its ends (candidates for every round) …
    d = (q - p)[s_idx].astype(float)
    rel = (hot[h_idx] - p[s_idx]).astype(float)
    dist = np.abs(d[:, 0] * rel[:, 1] - d[:, 1] * rel[:, 0]) / np.hypot(d[:, 0], d[:, 1])
    near = (dist <= _NEAR_CELLS) & (h_idx != p_id[s_idx]) & (h_idx != q_id[s_idx])
    s_idx, h_idx = s_idx[near], h_idx[near]
    # … and those it meets now; every segment meets the pixels of its ends
    meets = _meets_pixel(p[s_idx], q[s_idx], hot[h_idx])
    every = np.arange(len(seg))
    owner = np.concatenate([every, every, s_idx[meets]])
    parent, a, b = _split(every, p, q, owner, np.concatenate([p_id, q_id, h_idx[meets]]), hot)
    split = np.bincount(parent, minlength=len(seg)) > 1
    # near pixels grouped by segment, to test the fragments of each segment against
    order = np.argsort(s_idx, kind="stable")
    near_of = h_idx[order]
    first = np.searchsorted(s_idx[order], np.arange(len(seg)))
    count = np.bincount(s_idx, minlength=len(seg))
    for round_ in range(max_rounds):
        fa, fb = hot[a], hot[b]
        if round_ < _NEAR_ROUNDS:
            # a segment not cut is one fragment, already tested against every pixel near it
            n_tests = np.where(split[parent], count[parent], 0)
            frag = np.repeat(np.arange(len(parent)), n_tests)
            offset = np.arange(len(frag)) - np.repeat(np.cumsum(n_tests) - n_tests, n_tests)
            pix = near_of[first[parent][frag] + offset]
        else:  # fragments may now stray beyond the pixels listed near their segment: ask the tree
            pool = np.flatnonzero(split[parent])
            frag, pix = tree.query(_boxes(np.hstack([fa[pool], fb[pool]]), 0.5))
            frag = pool[frag]
        other = (pix != a[frag]) & (pix != b[frag])
        frag, pix = frag[other], pix[other]
        hit = _meets_pixel(fa[frag], fb[frag], hot[pix])
        if not hit.any():
            return hot, a, b
        # fragments that pass through another hot pixel are cut there too (ends included)
        cut = np.unique(frag[hit])
        is_cut = np.zeros(len(parent), dtype=bool)
        is_cut[cut] = True
        owner = np.concatenate([frag[hit], cut, cut])
        pixel = np.concatenate([pix[hit], a[cut], b[cut]])
        local = np.full(len(parent), -1)
        local[cut] = np.arange(len(cut))
        new_parent, new_a, new_b = _split(parent[cut], fa[cut], fb[cut], local[owner], pixel, hot)
        parent = np.concatenate([parent[~is_cut], new_parent])
        a = np.concatenate([a[~is_cut], new_a])
        b = np.concatenate([b[~is_cut], new_b])
    # iterated snap rounding ends: each round only adds pixels, from a finite set, to the paths
    # contract: valid use never gets here; English on purpose (not a user's message)
    raise RuntimeError("snap rounding did not settle")  # pragma: no cover


def _without_dangles(u: np.ndarray, v: np.ndarray, n_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop edges with an end of degree 1, again and again until none is left."""
    keep = np.ones(len(u), dtype=bool)
    while True:
        degree = np.bincount(u[keep], minlength=n_vertices) + np.bincount(v[keep], minlength=n_vertices)
        dangling = keep & ((degree[u] == 1) | (degree[v] == 1))
        if not dangling.any():
            return u[keep], v[keep]
        keep &= ~dangling


def _trace(u: np.ndarray, v: np.ndarray, xy: np.ndarray):
    """Half-edges of the planar graph (edges u–v) and the cycles of its faces.

    Returns origin and next half-edge per half-edge, the cycle id of each, and the number of
    cycles. Half-edge ``i < m`` runs u[i] → v[i], ``i + m`` back. Tracing turns at each vertex to
    the next outgoing edge clockwise from the one it came along, so a bounded face is traced
    counter-clockwise with the face on its left. Bridges (both half-edges in one cycle) bound no
    area: they are dropped and the graph traced again.
    """
    while True:
        u, v = _without_dangles(u, v, len(xy))
        m = len(u)
        origin, target = np.concatenate([u, v]), np.concatenate([v, u])
        direction = xy[target] - xy[origin]
        angle = np.arctan2(direction[:, 1], direction[:, 0])
        order = np.lexsort((angle, origin))  # outgoing half-edges, counter-clockwise around each vertex
        position = np.empty(2 * m, dtype=np.int64)
        position[order] = np.arange(2 * m)
        sorted_origin = origin[order]
        starts = np.r_[True, sorted_origin[1:] != sorted_origin[:-1]]
        group = np.cumsum(starts) - 1
        group_first = np.flatnonzero(starts)[group]
        group_last = np.flatnonzero(np.r_[starts[1:], True])[group]
        twin = np.concatenate([np.arange(m, 2 * m), np.arange(m)])
        back = position[twin]  # the twin, leaving the end vertex
        clockwise = np.where(back == group_first[back], group_last[back], back - 1)
        nxt = order[clockwise]
        graph = coo_matrix((np.ones(2 * m, dtype=np.int8), (np.arange(2 * m), nxt)), shape=(2 * m, 2 * m))
        n_cycles, cycle = connected_components(graph, directed=True, connection="weak")
        bridge = cycle[:m] == cycle[m:]
        if not bridge.any():
            return origin, nxt, cycle, n_cycles
        u, v = u[~bridge], v[~bridge]


def _ring_order(nxt: np.ndarray, cycle: np.ndarray, n_cycles: int) -> np.ndarray:
    """Half-edges sorted by cycle, each cycle in its order of traversal (by pointer doubling)."""
    n = len(nxt)
    start = np.full(n_cycles, n, dtype=np.int64)
    np.minimum.at(start, cycle, np.arange(n))
    is_start = np.zeros(n, dtype=bool)
    is_start[start] = True
    jump, steps = nxt.copy(), np.ones(n, dtype=np.int64)  # steps to the cycle's last half-edge
    last = is_start[nxt]
    jump[last], steps[last] = np.flatnonzero(last), 0
    while (jump != jump[jump]).any():
        steps = steps + steps[jump]
        jump = jump[jump]
    steps = steps + steps[jump]
    return np.lexsort((-steps, cycle))


def snap_rounded_faces(geoms: np.ndarray, grid_size: float) -> np.ndarray:
    """Cut the plane by the boundaries of polygons ``geoms``, snap-rounded to ``grid_size``: the faces.

    Parameters
    ----------
    geoms : (Multi)Polygons in a metric CRS; empty and missing ones are skipped.
    grid_size : the grid, in the units of the coordinates (e.g. 0.001 = 1 mm).

    Returns
    -------
    Polygons (with holes) that partition the plane's bounded parts cut out by the boundaries,
    every vertex on the grid (``round(x / grid_size) · grid_size``, as GEOS's precision model).
    Which polygons cover each face is for the caller to find (a point in each face).

    Raises
    ------
    GridTooFineError
        When the linework spans more than 2^30 grid cells (exact integer arithmetic would overflow).
    """
    scale = 1.0 / grid_size
    rings = shapely.get_rings(shapely.get_parts(geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return np.empty(0, dtype=object)
    cells = np.floor(coords * scale + 0.5)  # GEOS's rounding (half up), so the vertices match its grid
    origin = cells.min(axis=0)
    if (cells.max(axis=0) - origin).max() > _MAX_CELLS:
        raise GridTooFineError(Message("err_planar_boundaries_span_more_than_cells", max_cells=_MAX_CELLS,
                                       grid_size=grid_size))
    cells = (cells - origin).astype(np.int64)
    same = ring[1:] == ring[:-1]
    ends, end_id = _unique_rows(np.vstack([cells[:-1][same], cells[1:][same]]))
    half = int(same.sum())
    a, b = _unique_edges(end_id[:half], end_id[half:], len(ends))
    if len(a) == 0:
        return np.empty(0, dtype=object)
    hot, fa, fb = _snap_round(np.hstack([ends[a], ends[b]]))
    u, v = _unique_edges(fa, fb, len(hot))
    xy = hot.astype(float)
    origin_of, nxt, cycle, n_cycles = _trace(u, v, xy)
    order = _ring_order(nxt, cycle, n_cycles)
    # signed area of each cycle (twice), relative to one of its vertices: exact for small faces
    base = np.zeros((n_cycles, 2))
    base[cycle[order]] = xy[origin_of[order]]
    here = xy[origin_of] - base[cycle]
    there = xy[origin_of[nxt]] - base[cycle]
    area2 = np.bincount(cycle, weights=here[:, 0] * there[:, 1] - here[:, 1] * there[:, 0], minlength=n_cycles)
    shell = area2 > 0
    # rings as coordinate runs: each cycle's vertices in order, closed
    sorted_cycle = cycle[order]
    first = np.flatnonzero(np.r_[True, sorted_cycle[1:] != sorted_cycle[:-1]])
    length = np.diff(np.r_[first, len(order)])
    ring_vertices = np.insert(origin_of[order], first + length, origin_of[order][first])
    ring_coords = (hot[ring_vertices] + origin) / scale
    ring_offsets = np.r_[0, np.cumsum(length + 1)]
    ring_cycle = sorted_cycle[first]
    # faces without their holes first: one counter-clockwise ring each
    shell_rings = np.flatnonzero(shell[ring_cycle])
    faces = _polygons(ring_coords, ring_offsets, shell_rings, np.arange(len(shell_rings) + 1))
    # each clockwise cycle is a hole of the smallest face whose outline holds one of its vertices
    # (no vertex of it lies on that outline: they would be one connected part), or bounds nothing
    hole_rings = np.flatnonzero(~shell[ring_cycle])
    probe = shapely.points(ring_coords[ring_offsets[hole_rings]])
    hole_i, face_j = shapely.STRtree(faces).query(probe, predicate="within")
    pick = np.lexsort((area2[ring_cycle[shell_rings[face_j]]], hole_i))
    hole_i, face_j = hole_i[pick], face_j[pick]
    smallest = np.r_[True, hole_i[1:] != hole_i[:-1]][: len(hole_i)]
    hole_rings, face_j = hole_rings[hole_i[smallest]], face_j[smallest]
    if len(hole_rings):
        with_holes = np.unique(face_j)
        rings = np.concatenate([shell_rings[with_holes], hole_rings])
        owner = np.concatenate([with_holes, face_j])
        order = np.lexsort((np.r_[np.zeros(len(with_holes)), np.ones(len(hole_rings))], owner))
        rings, owner = rings[order], owner[order]
        geom_offsets = np.r_[np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]), len(rings)]
        faces[with_holes] = _polygons(ring_coords, ring_offsets, rings, geom_offsets)
        pinched = _pinched(ring_vertices, ring_offsets, np.concatenate([shell_rings, hole_rings]),
                           np.concatenate([np.arange(len(shell_rings)), face_j]), len(faces))
    else:
        pinched = _pinched(ring_vertices, ring_offsets, shell_rings, np.arange(len(shell_rings)), len(faces))
    if pinched.any():
        # a face whose rings touch themselves or each other at a vertex (a hole attached to the
        # outline at one point, traced as part of it) is re-made valid around that vertex
        fixed = shapely.make_valid(faces[pinched], method="structure", keep_collapsed=False)
        fixed = shapely.get_parts(fixed)
        faces = np.concatenate([faces[~pinched], fixed[shapely.get_type_id(fixed) == 3]])
    return faces


def _polygons(ring_coords: np.ndarray, ring_offsets: np.ndarray, rings: np.ndarray,
              geom_offsets: np.ndarray) -> np.ndarray:
    """Polygons from the coordinate runs of ``rings`` (grouped by ``geom_offsets``, shell first)."""
    lengths = np.diff(ring_offsets)[rings]
    starts = ring_offsets[rings]
    index = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    return shapely.from_ragged_array(shapely.GeometryType.POLYGON, ring_coords[index],
                                     (np.r_[0, np.cumsum(lengths)], geom_offsets))


def _pinched(ring_vertices: np.ndarray, ring_offsets: np.ndarray, rings: np.ndarray, face: np.ndarray,
             n_faces: int) -> np.ndarray:
    """Faces whose rings (``rings`` of ``face``) pass a vertex twice."""
    lengths = np.diff(ring_offsets)[rings] - 1  # without the closing vertex
    index = np.repeat(ring_offsets[rings] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    n_vertices = np.int64(ring_vertices.max() + 1)
    key, count = np.unique(np.repeat(face, lengths) * n_vertices + ring_vertices[index], return_counts=True)
    out = np.zeros(n_faces, dtype=bool)
    out[key[count > 1] // n_vertices] = True
    return out
