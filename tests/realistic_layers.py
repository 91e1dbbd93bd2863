"""Realistic test layers: zone layers as offices hand them over, in any CRS.

Real zone layers are not the tidy boxes of unit tests. They are thousands of irregular cells
(jittered Voronoi cells are a fair stand-in: 3–10 sides, edges from centimetres to hundreds of
metres), layers that follow the same streets but were traced separately (their edges nearly
coincide: offsets of a millimetre to a metre, the vertices of one missing on the other), with gaps
and zones sticking out of the study area, in whatever CRS the office works in (WGS84 lon/lat, a
CGCS2000 Gauss–Krüger zone, UTM, a local city grid).

Everything is built in local metres (x, y from 0 to ``side``) and then *placed* in a CRS with
:func:`place`; every generator is deterministic in its seed. The pieces:

* :func:`jittered_voronoi` — a coverage of N irregular cells over a square;
* :func:`redigitised` — the same boundaries traced again by someone else: edges densified (a
  digitiser's clicks), some of those vertices left out, every vertex moved 1 mm–1 m — the same
  way in every polygon that holds it, so the result is still a clean coverage;
* :func:`merged` — neighbouring cells merged into larger zones (communities, streets);
* :func:`overlapping_polygons` — polygons that overlap each other (a security layer whose zones
  overlap and cross the boundary);
* :func:`zone_frame`, :func:`area_frame`, :func:`resident_frame` — GeoDataFrames with the columns
  gridmap's layers need;
* :func:`realistic_city` — a study area, three zone layers and residents in one CRS;
* :data:`PLACES` and :func:`place` — where and in which CRS (:func:`own_area` gives an input's
  own area in its CRS: planar in a projected CRS, geodesic on the ellipsoid in lon/lat).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely

__all__ = ["Place", "PLACES", "jittered_voronoi", "redigitised", "merged", "overlapping_polygons", "place",
           "densified", "zone_frame", "area_frame", "resident_frame", "realistic_city", "own_area", "local_grid"]


@dataclass(frozen=True)
class Place:
    """Where local metres go: a CRS and the CRS coordinates of the local origin.

    For a geographic CRS the layers are made in ``via`` (a metric CRS around the place) at
    ``origin`` and then transformed to lon/lat, as a layer digitised on a lon/lat map would be.
    """

    name: str
    crs: str
    origin: tuple[float, float]
    via: str | None = None


def local_grid(lon: float, lat: float) -> str:
    """A local city grid (城市独立坐标系) as offices use them: a transverse Mercator on the city's own
    meridian, scale 1, small false origin — a projected metric CRS that no EPSG code names."""
    return (f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=50000 +y_0=50000 +ellps=GRS80 "
            "+towgs84=0,0,0,0,0,0,0 +units=m +no_defs")


#: Nanjing in four CRSs an office might use, and a UTM place outside China.
PLACES: dict[str, Place] = {
    "wgs84": Place("wgs84", "EPSG:4326", (497_000.0, 3_540_000.0), via="EPSG:4549"),
    "gk": Place("gk", "EPSG:4549", (497_000.0, 3_540_000.0)),  # CGCS2000 3° GK CM 120E
    "utm": Place("utm", "EPSG:32650", (666_000.0, 3_545_000.0)),  # WGS 84 / UTM 50N (Nanjing is near its edge)
    "local": Place("local", local_grid(118.78, 32.04), (45_000.0, 45_000.0)),
}


def jittered_voronoi(n: int, seed: int, side: float = 10_000.0, jitter: float = 0.35) -> np.ndarray:
    """``n`` jittered Voronoi cells covering the square ``[0, side]²`` exactly (a clean coverage).

    Seeds sit on a ``⌈√n⌉``-square lattice, each moved by up to ``jitter`` of the spacing, so the
    cells are irregular (3–10 sides, some edges a few centimetres long) but of similar size.
    """
    rng = np.random.default_rng(seed)
    k = int(np.ceil(np.sqrt(n)))
    step = side / k
    gx, gy = np.meshgrid(np.arange(k), np.arange(k))
    offsets = rng.uniform(-jitter, jitter, (2, k * k))
    pts = np.column_stack([(gx.ravel() + 0.5 + offsets[0]) * step, (gy.ravel() + 0.5 + offsets[1]) * step])
    pts = pts[rng.permutation(len(pts))[:n]]
    square = shapely.box(0.0, 0.0, side, side)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=square))
    # cut by the square as one noded arrangement (not cell by cell), so neighbours share vertices exactly
    lines = shapely.union_all(np.concatenate([shapely.boundary(cells), [square.exterior]]))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    inside = shapely.contains_properly(square, shapely.point_on_surface(faces))
    return shapely.normalize(faces[inside])


def _combine(polys: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """One geometry per owner: its polygon, or a MultiPolygon of its polygons."""
    counts = np.bincount(owner, minlength=n)
    out = np.empty(n, dtype=object)
    single = counts[owner] == 1
    out[owner[single]] = polys[single]
    if (~single).any():
        owners, compact = np.unique(owner[~single], return_inverse=True)
        out[owners] = shapely.multipolygons(polys[~single], indices=compact.ravel())
    return out


def _rebuild(coords: np.ndarray, ring_idx: np.ndarray, ring_part: np.ndarray, part_owner: np.ndarray,
             n: int) -> np.ndarray:
    """Geometries from ring coordinates: rings → polygons (first ring the shell) → one per owner."""
    rings = shapely.linearrings(coords, indices=ring_idx)
    return _combine(shapely.polygons(rings, indices=ring_part), part_owner, n)


def densified(geoms: np.ndarray, spacing: float) -> np.ndarray:
    """A vertex at least every ``spacing`` metres along every edge, the same points on both sides
    of a shared edge (``shapely.segmentize`` computes them from each ring's own direction, which
    differs in the last bit between neighbours and so breaks a coverage)."""
    geoms = np.asarray(geoms, dtype=object)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    same = ring_idx[1:] == ring_idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    seg_ring = ring_idx[:-1][same]
    n = np.maximum(np.ceil(np.hypot(*(b - a).T) / spacing).astype(np.int64), 1)
    forward = (a[:, 0] < b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] < b[:, 1]))
    lo = np.where(forward[:, None], a, b)
    hi = np.where(forward[:, None], b, a)
    seg = np.repeat(np.arange(len(a)), n)  # each segment: its start, then n - 1 points inside
    k = np.arange(len(seg)) - np.repeat(np.cumsum(n) - n, n)
    j = np.where(forward[seg], k, n[seg] - k)  # position from the lexicographically smaller end
    pts = lo[seg] + (j / n[seg])[:, None] * (hi[seg] - lo[seg])
    pts[k == 0] = a[seg[k == 0]]  # vertices exactly as they were
    # close every ring with its first point
    last = np.r_[np.flatnonzero(np.diff(seg_ring[seg]) != 0), len(seg) - 1]
    all_pts = np.insert(pts, last + 1, pts[np.r_[0, last[:-1] + 1]], axis=0)
    all_ring = np.insert(seg_ring[seg], last + 1, seg_ring[seg][last])
    return _rebuild(all_pts, all_ring, ring_part, part_owner, len(geoms))


def merged(cells: np.ndarray, n_groups: int, seed: int) -> np.ndarray:
    """Merge neighbouring cells into about ``n_groups`` larger zones (each cell joins the zone of its
    nearest of ``n_groups`` random centres); the result is still a clean coverage."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    xy = shapely.get_coordinates(shapely.point_on_surface(cells))
    pick = xy[rng.choice(len(xy), size=min(n_groups, len(xy)), replace=False)]
    owner = cKDTree(pick).query(xy)[1]
    order = np.argsort(owner, kind="stable")
    bounds = np.flatnonzero(np.r_[True, owner[order][1:] != owner[order][:-1], True])
    out = [shapely.coverage_union_all(cells[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return np.array([shapely.normalize(g) for g in out], dtype=object)


def redigitised(geoms: np.ndarray, seed: int, *, spacing: float = 25.0, keep: float = 0.5,
                min_offset: float = 0.001, max_offset: float = 1.0) -> np.ndarray:
    """The same boundaries traced again by someone else.

    Edges are densified every ``spacing`` metres (the clicks of a digitiser following a street);
    of the vertices along straight runs (not corners) a share ``1 - keep`` is left out (the other layer holds vertices
    this one does not); then every vertex is moved by an offset drawn log-uniformly between
    ``min_offset`` and ``max_offset`` metres in a random direction. A vertex moves the same way in
    every polygon that holds it, so a coverage stays a clean coverage; where a move would make a
    polygon invalid (a very short edge), that vertex stays put.
    """
    rng = np.random.default_rng(seed)
    geoms = np.asarray(geoms, dtype=object)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    corners = np.unique(shapely.get_coordinates(shapely.simplify(parts, 1e-6, preserve_topology=False)), axis=0)
    dense = densified(parts, spacing)
    rings, ring_part = shapely.get_rings(dense, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    vertices, vid = np.unique(coords, axis=0, return_inverse=True)
    vid = vid.ravel()
    on_a_straight_run = ~_rows_in(vertices, corners)  # a click along an edge, not a corner
    dropped = on_a_straight_run & (rng.random(len(vertices)) > keep)
    magnitude = np.exp(rng.uniform(np.log(min_offset), np.log(max_offset), len(vertices)))
    angle = rng.uniform(0.0, 2.0 * np.pi, len(vertices))
    shift = np.column_stack([magnitude * np.cos(angle), magnitude * np.sin(angle)])
    keep_row = ~dropped[vid]
    n_parts = len(parts)
    for _ in range(20):
        moved = vertices + shift
        polys = _rebuild(moved[vid][keep_row], ring_idx[keep_row], ring_part, np.arange(n_parts), n_parts)
        bad = ~shapely.is_valid(polys)
        if not bad.any():
            break
        # the vertices of invalid polygons stay where they were, in every polygon holding them
        bad_rings = np.flatnonzero(np.isin(ring_part, np.flatnonzero(bad)))
        shift[vid[np.isin(ring_idx, bad_rings)]] = 0.0
    return _combine(polys, part_owner, len(geoms))


def _rows_in(rows: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which rows of ``rows`` (n × 2) occur in ``table`` (m × 2), exactly."""
    both = np.concatenate([table, rows])
    _, inverse = np.unique(both, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return np.isin(inverse[len(table):], inverse[:len(table)])


def overlapping_polygons(n: int, seed: int, side: float = 10_000.0, size: tuple[float, float] = (0.05, 0.25),
                         spill: float = 0.1) -> np.ndarray:
    """``n`` irregular polygons (convex hulls of random points) that overlap each other and stick
    out of ``[0, side]²`` by up to ``spill`` of its side — zones of a layer nobody kept clean."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        cx, cy = rng.uniform(-spill * side, (1 + spill) * side, 2)
        r = rng.uniform(*size) * side / 2
        ang = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(5, 12)))
        rad = r * rng.uniform(0.5, 1.0, len(ang))
        out.append(shapely.Polygon(np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])).convex_hull)
    return np.array(out, dtype=object)


def place(geoms: np.ndarray, where: Place) -> gpd.GeoSeries:
    """Local metres → a GeoSeries in ``where.crs`` (translated to its origin; for lon/lat, made in
    ``where.via`` and transformed, vertex by vertex, as a digitiser on a lon/lat map would have)."""
    x0, y0 = where.origin
    moved = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: xy + np.array([x0, y0]))
    if where.via is None:
        return gpd.GeoSeries(moved, crs=where.crs)
    return gpd.GeoSeries(moved, crs=where.via).to_crs(where.crs)


def zone_frame(geoms: gpd.GeoSeries, prefix: str) -> gpd.GeoDataFrame:
    """A zone layer: ``zone_id`` (``<prefix>0001``…) and ``name``."""
    ids = [f"{prefix}{i:04d}" for i in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame({"zone_id": ids, "name": [f"{prefix} 网格 {i}" for i in ids]}, geometry=geoms.values,
                            crs=geoms.crs)


def area_frame(geoms: gpd.GeoSeries) -> gpd.GeoDataFrame:
    """A study area of communities with ``area_id``, ``name`` and GB/T 2260-style codes."""
    n = len(geoms)
    return gpd.GeoDataFrame({"area_id": [f"C{i:02d}" for i in range(1, n + 1)],
                             "name": [f"第{i}社区" for i in range(1, n + 1)],
                             "county_code": "320102", "street_code": "001",
                             "community_code": [f"{i:03d}" for i in range(1, n + 1)]},
                            geometry=geoms.values, crs=geoms.crs)


def resident_frame(n: int, seed: int, side: float, where: Place, households: tuple[int, int] = (5, 60)
                   ) -> gpd.GeoDataFrame:
    """``n`` buildings as points with ``households`` and ``population`` over ``[0, side]²``."""
    rng = np.random.default_rng(seed)
    pts = shapely.points(rng.uniform(0.0, side, (n, 2)))
    hh = rng.integers(households[0], households[1] + 1, n)
    return gpd.GeoDataFrame({"building_id": [f"B{i:06d}" for i in range(n)], "households": hh,
                             "population": (hh * rng.uniform(2.0, 3.2, n)).round().astype(int)},
                            geometry=place(pts, where).values, crs=where.crs)


@functools.lru_cache(maxsize=4)
def _local_city(n_cells: int, side: float, seed: int, n_communities: int) -> dict[str, np.ndarray]:
    """The geometries of :func:`realistic_city` in local metres (made once, placed in any CRS)."""
    rng = np.random.default_rng(seed)
    party = densified(jittered_voronoi(n_cells, seed + 1, side), 50.0)
    party = party[rng.random(len(party)) >= 0.05]
    urban = redigitised(merged(party, max(1, len(party) * 2 // 5), seed + 2), seed + 3, spacing=50.0)
    n_loose = max(2, n_cells // 50)
    security = np.concatenate([jittered_voronoi(n_cells, seed + 4, side)[: n_cells - n_loose],
                               overlapping_polygons(n_loose, seed + 5, side, size=(0.01, 0.04))])
    communities = redigitised(merged(jittered_voronoi(max(n_communities * 8, 16), seed + 6, side), n_communities,
                                     seed + 7), seed + 8, spacing=50.0)
    return {"party": party, "urban": urban, "security": security, "communities": communities}


def realistic_city(where: Place, n_cells: int = 10_000, side: float = 10_000.0, seed: int = 0,
                   n_communities: int = 6, n_residents: int = 4_000) -> dict:
    """A study area, three zone layers and residents as an office would hand them over.

    * ``party``: ``n_cells`` jittered Voronoi cells with a vertex every 50 m along their edges, 5 % of
      them missing (blind spots);
    * ``urban``: the party cells merged two to three at a time and traced again
      (:func:`redigitised`): its edges nearly coincide with party's (1 mm–1 m), vertices missing;
    * ``security``: ``n_cells`` independent Voronoi cells, 2 % of them replaced by zones that overlap
      each other and stick out of the study area;
    * ``study_area``: the square in ``n_communities`` communities, traced again;
    * ``residents``: ``n_residents`` building points with households.

    The geometries are made once per size and seed (cached) and placed in ``where``'s CRS.
    Returns ``{"layers": {name: zones}, "study_area": …, "residents": …, "where": where}``.
    """
    local = _local_city(n_cells, side, seed, n_communities)
    layers = {"party": zone_frame(place(local["party"], where), "P"),
              "urban": zone_frame(place(local["urban"], where), "U"),
              "security": zone_frame(place(local["security"], where), "S")}
    return {"layers": layers, "study_area": area_frame(place(local["communities"], where)),
            "residents": resident_frame(n_residents, seed + 9, side, where), "where": where}


_GEOD = pyproj.Geod(ellps="WGS84")


def own_area(gdf: gpd.GeoDataFrame) -> float:
    """The total area of a layer as its own CRS measures it: planar in a projected CRS, geodesic
    (on the WGS84 ellipsoid) for lon/lat."""
    if gdf.crs.is_geographic:
        return float(sum(abs(_GEOD.geometry_area_perimeter(g)[0]) for g in gdf.geometry if g is not None))
    return float(gdf.geometry.area.sum())


# ------------------------------------------------------------------------------------------------
# what a written partition must be


def read_back(path, crs) -> gpd.GeoDataFrame:
    """A written layer read back (GeoJSON, GeoPackage, zipped Shapefile or GeoParquet) and projected
    to ``crs``."""
    from pathlib import Path

    from gridmap.io.files import read_layer

    path = Path(path)
    back = gpd.read_parquet(path) if path.suffix == ".parquet" else read_layer(path)
    return back.to_crs(crs)


def _union(geoms: np.ndarray) -> shapely.Geometry:
    try:
        return shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:
        return shapely.union_all(geoms)


def partition_report(written: gpd.GeoDataFrame, core: gpd.GeoDataFrame, key: str | None = None) -> dict:
    """How far a partition read back from a file is from the core's, both in the core's CRS.

    Returns ``invalid`` (count of invalid geometries), ``overlap`` (total pairwise overlap area
    over the total area), ``union_difference`` (area of the symmetric difference of the two
    unions over the core's union area) and, with ``key`` (an id column both hold), ``lost``
    (faces over 1 cm² in the core written empty).
    """
    geoms = written.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms = geoms[present]
    invalid = int((~shapely.is_valid(geoms)).sum())
    if not invalid and shapely.coverage_is_valid(geoms):
        overlap = 0.0  # a valid coverage: neighbours meet edge to edge, no interiors intersect
    else:
        tree = shapely.STRtree(geoms)
        i, j = tree.query(geoms, predicate="intersects")
        pair = i < j
        i, j = i[pair], j[pair]
        inner = shapely.relate_pattern(geoms[i], geoms[j], "2********")
        overlap = float(shapely.area(shapely.intersection(geoms[i[inner]], geoms[j[inner]])).sum())
    total = float(shapely.area(geoms).sum())
    core_union = _union(core.geometry.to_numpy())
    written_union = _union(shapely.make_valid(geoms)) if invalid else _union(geoms)
    difference = float(shapely.area(shapely.symmetric_difference(core_union, written_union)))
    out = {"invalid": invalid, "overlap": overlap / total if total else 0.0,
           "union_difference": difference / float(shapely.area(core_union))}
    if key is not None:
        empty = dict(zip(written[key], shapely.is_missing(written.geometry.to_numpy())
                         | shapely.is_empty(written.geometry.to_numpy()), strict=True))
        big = core.loc[core.geometry.area > 1e-4, key]
        out["lost"] = int(sum(bool(empty.get(k, True)) for k in big))
    return out


def assert_partition(written: gpd.GeoDataFrame, core: gpd.GeoDataFrame, key: str | None = None) -> dict:
    """Assert the partition invariants of issue 12 (no invalid geometry; pairwise overlap ≤ 1e-8 of
    the area; union within 1e-6 of the core's; no face over 1 cm² written empty); returns the report."""
    report = partition_report(written, core, key)
    report["file"] = written.attrs.get("source")
    assert report["invalid"] == 0, report
    assert report["overlap"] <= 1e-8, report
    assert report["union_difference"] <= 1e-6, report
    assert report.get("lost", 0) == 0, report
    return report
