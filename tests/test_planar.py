"""Snap-rounded faces in numpy (gridmap.analysis.planar), held to GEOS and to invariants.

Every face valid, faces a coverage (no overlap, neighbours edge to edge), every vertex on the grid,
their union the union of the inputs up to the grid, each point further than two cells from every
boundary in exactly the faces GEOS's own snap rounding (``union_all(..., grid_size)`` +
``polygonize``) puts it in, holes and islands and pinches and collapsing corridors handled.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely import box

from gridmap.analysis.mosaic import build_mosaic
from gridmap.analysis.planar import GridTooFineError, snap_rounded_faces

CRS = 4549
GRID = 1e-3


def _on_grid(faces: np.ndarray, grid: float) -> bool:
    coords = shapely.get_coordinates(faces)
    return bool(np.all(np.abs(coords / grid - np.round(coords / grid)) < 1e-6))


def _geos_faces(geoms: np.ndarray, grid: float) -> np.ndarray:
    noded = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    return shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))


def _check(geoms: np.ndarray, grid: float = GRID) -> np.ndarray:
    faces = snap_rounded_faces(geoms, grid)
    assert (shapely.get_type_id(faces) == 3).all()
    assert shapely.is_valid(faces).all()
    assert shapely.coverage_is_valid(faces)
    assert _on_grid(faces, grid)
    assert (shapely.area(faces) >= 0.5 * grid**2 * (1 - 1e-9)).all()  # Pick's theorem
    # the faces fill every bounded part the boundaries cut out, holes included — also a gap enclosed by
    # inputs that touch at one point (GEOS's union then keeps it as an inverted shell, not a hole, so the
    # reference is the area GEOS's own snap rounding and polygonize give)
    # (snap rounding may also close a gap narrower than the grid, so exact noding is no reference)
    ref = _geos_faces(geoms, grid)
    # vertices move by at most half a cell along each axis: the area by at most the perimeter times that
    assert shapely.area(faces).sum() == pytest.approx(shapely.area(ref).sum(),
                                                      abs=shapely.length(ref).sum() * grid + 1e-9)
    # points clear of every boundary lie in one face exactly where GEOS's snap rounding has one
    rng = np.random.default_rng(len(faces))
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    pts = shapely.points(rng.uniform(xmin - 1, xmax + 1, 400), rng.uniform(ymin - 1, ymax + 1, 400))
    pts = pts[shapely.distance(pts, shapely.union_all(shapely.boundary(geoms))) > 2 * grid]
    ours = shapely.contains(faces[:, None], pts[None, :])
    theirs = shapely.contains(ref[:, None], pts[None, :])
    assert (ours.sum(axis=0) <= 1).all()
    np.testing.assert_array_equal(ours.any(axis=0), theirs.any(axis=0))
    # the same points share a face in ours exactly when they do in GEOS's
    ours_face = np.where(ours.any(axis=0), ours.argmax(axis=0), -1)
    theirs_face = np.where(theirs.any(axis=0), theirs.argmax(axis=0), -1)
    same_ours = ours_face[:, None] == ours_face[None, :]
    same_theirs = theirs_face[:, None] == theirs_face[None, :]
    np.testing.assert_array_equal(same_ours, same_theirs)
    return faces


@st.composite
def polygons(draw):
    """Draw boxes and triangles on a coarse lattice, some nudged or rotated, some with holes.

    Nudges of a fraction of a cell or a few cells: edges that cross, touch, overlap and nearly coincide.
    """
    geoms = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["box", "triangle", "holed"]))
        x0, y0 = draw(st.integers(0, 30)), draw(st.integers(0, 30))
        if kind == "triangle":
            pts = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=3, max_size=3))
            g = shapely.Polygon(pts)
            if g.area < 1:
                continue
            g = g.normalize()
        else:
            g = box(x0, y0, x0 + draw(st.integers(1, 20)), y0 + draw(st.integers(1, 20)))
            if kind == "holed" and g.area >= 9:
                g = g.difference(shapely.centroid(g).buffer(0.8, quad_segs=2))
        nudge = draw(st.sampled_from([0.0, 1e-4, 3e-4, 4.9e-4, 7e-4, 2.3e-3]))
        angle = draw(st.sampled_from([0.0, 0.0, 17.0]))
        g = shapely.affinity.rotate(g, angle, origin=(20, 20))
        geoms.append(shapely.affinity.translate(g, nudge, -nudge / 3))
    if not geoms:
        geoms.append(box(0, 0, 1, 1))
    return np.array(geoms, dtype=object)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(polygons())
# found by CI's random runs: a gap enclosed by inputs touching at one point; a sub-grid offset that snap
# rounding closes (both give GEOS's own faces; the test's area reference was what failed)
@example(np.array([box(1, 2, 2, 3), shapely.Polygon([(0, 0), (0, 1), (2, 2)]), box(0, 0, 1, 2)], dtype=object))
@example(np.array([shapely.Polygon([(0, 0), (0, 1), (2, 0)]),
                   shapely.Polygon([(0.0001, 2), (0.0001, 3), (2, -3.333e-5)]), box(0, 0, 1, 1)], dtype=object))
def test_random_polygons_give_the_faces_of_geos_snap_rounding(geoms) -> None:
    """Every invariant of :func:`_check`, on random polygons."""
    _check(geoms)


def test_nested_islands_become_holes_of_the_face_around_them() -> None:
    """An island in a lake in a park: three faces, the ring faces with one hole each."""
    park = box(0, 0, 10, 10).difference(box(2, 2, 8, 8))
    island = box(4, 4, 6, 6)
    lake = box(2, 2, 8, 8).difference(island)
    faces = _check(np.array([park, lake, island], dtype=object))
    assert len(faces) == 3
    assert sorted(shapely.get_num_interior_rings(faces)) == [0, 1, 1]
    assert sorted(np.round(shapely.area(faces), 9)) == [4.0, 32.0, 64.0]


def test_separate_parts_and_a_hole_touching_its_outline() -> None:
    """Two squares far apart, and a square whose hole touches its outline at one vertex.

    That face's ring passes one vertex twice: faces stay valid and cover what the inputs cover.
    """
    touching = shapely.Polygon([(20, 0), (30, 0), (30, 10), (20, 10)], holes=[[(20, 5), (25, 3), (25, 7)]])
    assert touching.is_valid
    faces = _check(np.array([box(0, 0, 5, 5), box(100, 100, 101, 101), touching], dtype=object))
    assert shapely.area(faces).sum() == pytest.approx(25 + 1 + 100, abs=1e-9)  # the hole is a face too
    assert len(faces) == 4


def test_corridor_thinner_than_the_grid_collapses_without_a_line_left() -> None:
    """Two rooms joined by a corridor 0.2 mm wide: the rooms stay, the corridor goes.

    It collapses to a line, which bounds no area and is dropped.
    """
    rooms = shapely.union_all([box(0, 0, 1, 1), box(2, 0, 3, 1), box(1, 0.5, 2, 0.5002)])
    faces = _check(np.array([rooms], dtype=object))
    assert len(faces) == 2
    assert shapely.area(faces).sum() == pytest.approx(2.0, abs=1e-9)


def test_a_grid_too_fine_for_the_extent_falls_back_to_geos() -> None:
    """0.1 µm over 2 km: more cells than integers keep exact; the mosaic still works (GEOS)."""
    x, y = 500_000.0, 3_500_000.0
    layers = {"a": gpd.GeoDataFrame({"zone_id": ["w", "e"]}, crs=CRS,
                                    geometry=[box(x, y, x + 1e3, y + 1e3), box(x + 1e3, y, x + 2e3, y + 1e3)])}
    with pytest.raises(GridTooFineError):
        snap_rounded_faces(layers["a"].geometry.to_numpy(), 1e-7)
    faces = build_mosaic(layers, crs=CRS, grid_size=1e-7, n_jobs=1)
    assert sorted(faces["a_ids"]) == ["e", "w"]
    assert faces["area_m2"].sum() == pytest.approx(2e6)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polygons(), polygons())
def test_mosaic_labels_with_snap_rounding_match_brute_force(a, b) -> None:
    """The default mosaic (1 mm) labels every point clear of the boundaries by the zones holding it."""
    layers = {name: gpd.GeoDataFrame({"zone_id": [f"{name}{i}" for i in range(len(g))]}, geometry=g, crs=CRS)
              for name, g in (("a", a), ("b", b))}
    faces = build_mosaic(layers, crs=CRS)
    geoms = faces.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms) and _on_grid(geoms, GRID)
    everything = np.concatenate([a, b])
    rng = np.random.default_rng(7)
    xmin, ymin, xmax, ymax = shapely.total_bounds(everything)
    pts = shapely.points(rng.uniform(xmin, xmax, 300), rng.uniform(ymin, ymax, 300))
    pts = pts[shapely.distance(pts, shapely.union_all(shapely.boundary(everything))) > 2 * GRID]
    hits = shapely.contains(geoms[:, None], pts[None, :])
    for name, g in (("a", a), ("b", b)):
        inside = shapely.contains(g[:, None], pts[None, :])
        ids = np.array([f"{name}{i}" for i in range(len(g))])
        for j in range(len(pts)):
            expected = ";".join(sorted(ids[inside[:, j]]))
            found = faces[f"{name}_ids"].to_numpy()[hits[:, j]]
            assert list(found) == ([expected] if inside[:, j].any() or hits[:, j].any() else [])


def test_later_rounds_of_snap_rounding_ask_the_tree_and_find_the_same(monkeypatch) -> None:
    """Rounds beyond the near lists query the hot pixels' STRtree, and find the same.

    Forced from the first round, the faces of edges 0.1–0.9 mm apart are the same.
    """
    from gridmap.analysis import planar

    rng = np.random.default_rng(5)
    base = [box(x, y, x + 7, y + 5) for x in range(0, 70, 7) for y in range(0, 50, 5)]
    tilted = [shapely.affinity.rotate(shapely.affinity.translate(g, *rng.uniform(1e-4, 9e-4, 2)), 0.01, origin=(0, 0))
              for g in base]
    geoms = np.array(base + tilted, dtype=object)
    listed = snap_rounded_faces(geoms, GRID)
    monkeypatch.setattr(planar, "_NEAR_ROUNDS", 0)
    queried = _check(geoms)
    assert sorted(shapely.to_wkb(shapely.normalize(listed))) == sorted(shapely.to_wkb(shapely.normalize(queried)))
