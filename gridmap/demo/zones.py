"""Geometry helpers for the demo build: street blocks, region merging and the three zone layers.

Private to :mod:`gridmap.demo`. Everything here works on metric geometries (EPSG:4549 for the
Xinjiekou demo) and is deterministic: no randomness, and every tie is broken by an explicit key.
The three zone layers imitate what three departments' grids look like when laid over each other:
each is a near-partition of the study area drawn by its own rule, plus deliberate gaps and
deliberate same-layer overlaps (each chosen by a stated rule, listed in ``data/README.md``).
Finally a few 盲区 (blind spots) are cut out of all three layers alike (:func:`cut_out`), so that
some places are covered by no layer at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
import shapely.ops
from shapely import Polygon

from gridmap.errors import GridmapError

__all__ = [
    "polygonize_faces",
    "sum_at",
    "merge_regions",
    "dissolve",
    "polygonal",
    "party_zones",
    "security_zones",
    "urban_zones",
    "border_strip",
    "cut_out",
    "keeps_every_zone",
]

#: Deliberate same-layer overlaps: a zone is grown by this many metres over its neighbours.
OVERLAP_BUFFER_M = 20.0


def polygonize_faces(lines: np.ndarray, frame: Polygon) -> np.ndarray:
    """Node street lines (plus the frame's boundary) and return the faces that tile ``frame``.

    Parameters
    ----------
    lines : array of LineString/MultiLineString in a metric CRS (streets, boundaries).
    frame : the polygon to tile (the study-area bbox).

    Returns
    -------
    numpy.ndarray of Polygon — faces whose union is ``frame`` exactly, in a deterministic order
    (north→south, west→east by representative point).
    """
    clipped = shapely.intersection(np.asarray(lines, dtype=object), frame)
    clipped = clipped[~shapely.is_empty(clipped)]
    noded = shapely.union_all(np.concatenate([clipped, [frame.boundary]]))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0]
    return faces[north_west_order(faces)]


def north_west_order(geoms: np.ndarray) -> np.ndarray:
    """Indices that sort geometries north→south, then west→east, by their point on surface."""
    pts = shapely.point_on_surface(geoms)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    return np.lexsort((np.round(x, 3), -np.round(y, 3)))


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Make geometries valid and keep only their polygonal parts (Polygon or MultiPolygon)."""
    geoms = np.array(geoms, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    geoms = np.where(shapely.is_missing(geoms), shapely.Polygon(), geoms)
    mixed = np.flatnonzero(shapely.get_type_id(geoms) == 7)  # GeometryCollection: keep its polygons
    for k in mixed:  # rare: what make_valid returns for a polygon with a collapsed spike
        parts = shapely.get_parts(geoms[k])
        geoms[k] = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
    lines_or_points = ~np.isin(shapely.get_type_id(geoms), (3, 6))
    geoms[lines_or_points] = shapely.Polygon()
    return geoms


def _adjacency(geoms: np.ndarray, groups: np.ndarray) -> dict[int, dict[int, float]]:
    """Shared-edge lengths between faces of the same group (faces touching along a line)."""
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = (i < j) & (groups[i] == groups[j])
    i, j = i[keep], j[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(geoms[j])))
    adj: dict[int, dict[int, float]] = {k: {} for k in range(len(geoms))}
    for a, b, s in zip(i.tolist(), j.tolist(), shared.tolist(), strict=True):
        if s > 1e-6:
            adj[a][b] = adj[a].get(b, 0.0) + s
            adj[b][a] = adj[b].get(a, 0.0) + s
    return adj


def merge_regions(
    geoms: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    minimum: float,
    maximum: float,
) -> np.ndarray:
    """Agglomerate adjacent faces into regions whose weight reaches ``minimum``.

    Repeatedly takes the lightest region below ``minimum`` (ties: lowest label) and merges it into
    the neighbour of the same group that keeps the sum ≤ ``maximum`` and shares the longest edge
    (if no neighbour keeps it under ``maximum``: the one giving the lightest sum). Deterministic.

    Parameters
    ----------
    geoms : faces (metric CRS) that touch along shared edges.
    weights : weight per face (area, households…).
    groups : group key per face; regions never cross groups (district, community…).
    minimum, maximum : the target band of region weight.

    Returns
    -------
    numpy.ndarray of int — region label per face (the smallest face index in the region).
    """
    n = len(geoms)
    adj = _adjacency(geoms, np.asarray(groups))
    label = np.arange(n)
    weight = {k: float(w) for k, w in enumerate(weights)}
    members = {k: [k] for k in range(n)}
    stuck: set[int] = set()
    while True:
        light = [(w, r) for r, w in weight.items() if w < minimum and r not in stuck]
        if not light:
            break
        w, r = min(light)
        nbrs = adj[r]
        if not nbrs:
            stuck.add(r)
            continue
        s = min(nbrs, key=lambda t: (w + weight[t] > maximum, -round(nbrs[t], 3), w + weight[t], t))
        keep, gone = min(r, s), max(r, s)
        total = w + weight[s]
        weight.pop(gone)
        weight[keep] = total
        members[keep].extend(members.pop(gone))
        for t, length in adj.pop(gone).items():
            adj[t].pop(gone, None)
            if t != keep:
                adj[keep][t] = adj[keep].get(t, 0.0) + length
                adj[t][keep] = adj[t].get(keep, 0.0) + length
        adj[keep].pop(keep, None)
        stuck.discard(gone)
    for r, ms in members.items():
        label[ms] = r
    return label


def dissolve(geoms: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union faces per label (faces that tile without overlaps). Returns (unique labels, geometries)."""
    labels = np.asarray(labels)
    uniq = np.unique(labels)
    return uniq, np.array([_union(geoms[labels == u]) for u in uniq], dtype=object)


def _union(geoms: np.ndarray) -> shapely.Geometry:
    """Coverage union (fast, exact) where the faces share their vertices, overlay union otherwise."""
    if len(geoms) == 1:
        return geoms[0]
    try:
        return shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:  # lattice pieces next to uncut blocks: not noded alike
        return shapely.union_all(geoms)


def _grow_into_neighbours(
    geoms: np.ndarray, chosen: np.ndarray, frame: Polygon, distance: float = OVERLAP_BUFFER_M
) -> np.ndarray:
    """Grow the chosen zones by ``distance`` m (mitred), clipped to the study area: deliberate overlaps."""
    out = geoms.copy()
    grown = shapely.intersection(shapely.buffer(geoms[chosen], distance, join_style="mitre"), frame)
    out[chosen] = polygonal(grown)
    return out


def cut_blocks(
    geoms: np.ndarray,
    frame: Polygon,
    cell: float,
    offset: float = 0.0,
    min_piece_m2: float = 4_000.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut blocks by a square lattice; small pieces rejoin a bigger piece of their block.

    Parameters
    ----------
    geoms : blocks to cut (metric).
    frame : the study area; the lattice starts at its south-west corner shifted by ``offset`` m.
    cell : lattice spacing (m).
    min_piece_m2 : pieces smaller than this join the piece ≥ it of the same block that shares
        the longest edge with them (if there is one).

    Returns
    -------
    (pieces, block index of each piece) — the pieces of each block tile it exactly.
    """
    x0, y0, x1, y1 = frame.bounds
    xs = np.arange(x0 - offset, x1 + cell, cell)
    ys = np.arange(y0 - offset, y1 + cell, cell)
    gx, gy = np.meshgrid(xs, ys)
    lattice = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell, gy.ravel() + cell)
    bi, li = shapely.STRtree(lattice).query(geoms, predicate="intersects")
    pieces = polygonal(shapely.intersection(geoms[bi], lattice[li]))
    ok = shapely.area(pieces) > 1e-3
    pieces, block_idx = pieces[ok], bi[ok]
    small = shapely.area(pieces) < min_piece_m2
    target = np.arange(len(pieces))
    si, sj = shapely.STRtree(pieces).query(pieces[small], predicate="intersects")
    si = np.flatnonzero(small)[si]
    ok = (block_idx[si] == block_idx[sj]) & ~small[sj]
    si, sj = si[ok], sj[ok]
    shared = shapely.length(shapely.intersection(shapely.boundary(pieces[si]), shapely.boundary(pieces[sj])))
    cand = pd.DataFrame({"s": si, "t": sj, "len": np.round(shared, 3)})
    cand = cand[cand["len"] > 0].sort_values(["s", "len", "t"], ascending=[True, False, True])
    best = cand.drop_duplicates("s")
    target[best["s"].to_numpy()] = best["t"].to_numpy()
    uniq, cells = dissolve(pieces, target)
    return cells, block_idx[uniq]


def party_zones(
    faces: pd.DataFrame,
    hh_points: np.ndarray,
    hh_values: np.ndarray,
    frame: Polygon,
    gap_polys: np.ndarray,
    band: tuple[int, int] = (300, 600),
) -> pd.DataFrame:
    """党建网格: street blocks grouped into grids of ~300–600 households inside each community.

    Blocks with more than ``band[1]`` households are first cut by a 150 m lattice (offset 50 m
    from the urban grid's) so a grid can take part of a big compound; the units are then merged
    by :func:`merge_regions` inside each community.

    Parameters
    ----------
    faces : columns ``geometry`` (fine street blocks, metric), ``area_id``, ``community``.
    hh_points, hh_values : residential buildings' points on surface and households.
    frame : the study area polygon (metric).
    gap_polys : polygons left unclaimed on purpose.

    Returns
    -------
    DataFrame with ``geometry``, ``area_id``, ``community``, ``households``, ``overlap`` (bool).
    """
    geoms = faces["geometry"].to_numpy()
    hh = sum_at(geoms, hh_points, hh_values)
    big = np.flatnonzero(hh > band[1])
    pieces, parent = cut_blocks(geoms[big], frame, 150.0, offset=50.0)
    keep = np.setdiff1d(np.arange(len(geoms)), big)
    units = np.concatenate([geoms[keep], pieces])
    src = np.concatenate([keep, big[parent]])
    order = north_west_order(units)
    units, src = units[order], src[order]
    unit_hh = sum_at(units, hh_points, hh_values)
    area_id = faces["area_id"].to_numpy()[src]
    label = merge_regions(units, unit_hh, area_id, *band)
    uniq, zone_geoms = dissolve(units, label)
    out = pd.DataFrame({"geometry": zone_geoms, "area_id": area_id[uniq],
                        "community": faces["community"].to_numpy()[src[uniq]],
                        "households": pd.Series(unit_hh).groupby(label).sum().reindex(uniq).to_numpy()})
    out = out.iloc[north_west_order(out["geometry"].to_numpy())].reset_index(drop=True)
    # Deliberate overlap: in every third community (by area_id) with ≥ 2 grids, its grid with the
    # most households reaches 20 m over its neighbours (the busy grid "helps out" across streets).
    comms = sorted(out["area_id"].unique())[::3]
    sub = out[out["area_id"].isin(comms) & (out.groupby("area_id")["area_id"].transform("size") >= 2)]
    chosen = np.zeros(len(out), dtype=bool)
    chosen[sub.groupby("area_id")["households"].idxmax().to_numpy()] = True
    geoms = _grow_into_neighbours(out["geometry"].to_numpy(), chosen, frame)
    geoms = polygonal(shapely.difference(geoms, shapely.union_all(gap_polys)))
    out["geometry"] = geoms
    out["overlap"] = chosen
    return out[shapely.area(geoms) >= 50.0].reset_index(drop=True)


def sum_at(polys: np.ndarray, points: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` of the points inside each polygon (first polygon wins on a shared edge)."""
    pi, qi = shapely.STRtree(polys).query(points, predicate="within")
    first = pd.DataFrame({"p": pi, "q": qi}).sort_values(["p", "q"]).drop_duplicates("p")
    return np.bincount(first["q"].to_numpy(), weights=np.asarray(values)[first["p"].to_numpy()],
                       minlength=len(polys)).astype(np.int64)


def security_zones(
    blocks: np.ndarray,
    stations: np.ndarray,
    frame: Polygon,
    gap_polys: np.ndarray,
    sectors: int = 8,
    ring_m: float = 700.0,
) -> tuple[pd.DataFrame, shapely.Geometry | None]:
    """综治网格: police beats — street blocks split among the stations, then by sector and ring.

    Each street block goes to the station nearest its point on surface (the Voronoi rule, but
    following streets); inside a station's jurisdiction a block's beat is given by its bearing from
    the station (``sectors`` equal sectors, sector 0 starting due east, counter-clockwise) and its
    distance ring (``ring_m`` m wide).

    Parameters
    ----------
    blocks : street blocks (metric).
    stations : police station points (metric), in station order.
    frame : study area polygon (metric).
    gap_polys : areas outside civil policing (military land).

    Returns
    -------
    (beats, unclaimed block) — beats: DataFrame with ``geometry``, ``station`` (index), ``ring``,
    ``sector``, ``overlap`` (bool); the unclaimed block's geometry (or None).
    """
    pts = shapely.point_on_surface(blocks)
    px, py = shapely.get_x(pts), shapely.get_y(pts)
    sx, sy = shapely.get_x(stations), shapely.get_y(stations)
    d2 = (px[:, None] - sx[None, :]) ** 2 + (py[:, None] - sy[None, :]) ** 2
    station = np.argmin(d2, axis=1)
    bearing = np.arctan2(py - sy[station], px - sx[station]) % (2 * np.pi)
    sector = np.minimum((bearing / (2 * np.pi / sectors)).astype(int), sectors - 1)
    ring = (np.sqrt(d2[np.arange(len(blocks)), station]) // ring_m).astype(int)
    key = (station * 100 + ring) * sectors + sector
    # Deliberate gap: the largest block on the border between two stations' jurisdictions is
    # claimed by neither (each station believes the other patrols it).
    bi, bj = shapely.STRtree(blocks).query(blocks, predicate="touches")
    border = np.unique(bi[station[bi] != station[bj]])
    unclaimed = border[np.argmax(shapely.area(blocks[border]))] if len(border) else -1
    claimed = np.arange(len(blocks)) != unclaimed
    uniq, geoms = dissolve(blocks[claimed], key[claimed])
    out = pd.DataFrame({"geometry": geoms, "station": uniq // sectors // 100,
                        "ring": uniq // sectors % 100, "sector": uniq % sectors})
    # Deliberate overlap: the beats of station 0 that touch another station's jurisdiction reach
    # 20 m over that border (both stations patrol the boundary streets).
    juris = [shapely.coverage_union_all(blocks[station == k]) for k in range(len(stations))]
    others = shapely.union_all([j for k, j in enumerate(juris) if k != 0]) if len(juris) > 1 else Polygon()
    chosen = (out["station"].to_numpy() == 0) & shapely.intersects(
        shapely.buffer(out["geometry"].to_numpy(), 1.0), others) if len(juris) > 1 else np.zeros(len(out), bool)
    geoms = _grow_into_neighbours(out["geometry"].to_numpy(), np.asarray(chosen), frame)
    geoms = polygonal(shapely.difference(geoms, shapely.union_all(gap_polys)))
    out["geometry"] = geoms
    out["overlap"] = np.asarray(chosen)
    return out[~shapely.is_empty(geoms)].reset_index(drop=True), (blocks[unclaimed] if unclaimed >= 0 else None)


def urban_zones(
    faces: pd.DataFrame,
    frame: Polygon,
    gap_polys: np.ndarray,
    overlap_district: str,
    cell: float = 100.0,
    whole_block_m2: float = 15_000.0,
    min_piece_m2: float = 4_000.0,
) -> pd.DataFrame:
    """城管万米单元网格: fine street blocks cut into ~1 ha cells by a 100 m lattice.

    Blocks ≤ ``whole_block_m2`` stay whole; bigger blocks are cut by a ``cell`` m square lattice
    (origin at the frame's south-west corner) and pieces < ``min_piece_m2`` join the bigger piece
    of the same block that shares the longest edge with them.

    Parameters
    ----------
    faces : columns ``geometry`` (fine blocks, metric), ``district``.
    frame : study area polygon (metric).
    gap_polys : self-managed campuses left out (school/university/sports grounds ≥ 1.5 ha).
    overlap_district : the district whose cells on the district border reach 20 m across it.

    Returns
    -------
    DataFrame with ``geometry``, ``district``, ``overlap`` (bool).
    """
    geoms = faces["geometry"].to_numpy()
    district = faces["district"].to_numpy()
    big = shapely.area(geoms) > whole_block_m2
    cells, parent = cut_blocks(geoms[big], frame, cell, min_piece_m2=min_piece_m2)
    cell_geoms = np.concatenate([geoms[~big], cells])
    cell_district = np.concatenate([district[~big], district[big][parent]])
    out = pd.DataFrame({"geometry": cell_geoms, "district": cell_district})
    out = out.iloc[north_west_order(cell_geoms)].reset_index(drop=True)
    # Deliberate overlap: cells of one district touching the district border reach 20 m across it
    # (both districts' 城管 claim the boundary street).
    g = out["geometry"].to_numpy()
    dist = out["district"].to_numpy()
    other = shapely.union_all(g[dist != overlap_district])
    chosen = (dist == overlap_district) & shapely.intersects(shapely.buffer(g, 1.0), other)
    g = _grow_into_neighbours(g, chosen, frame)
    g = polygonal(shapely.difference(g, shapely.union_all(gap_polys)))
    # drop crumbs the campus cut-outs leave behind
    keep = shapely.area(g) >= 50.0
    out["geometry"] = g
    out["overlap"] = chosen
    return out[keep].reset_index(drop=True)


def border_strip(
    border: shapely.LineString,
    side: shapely.Geometry,
    width: float,
    length: float,
    step: float,
    points: np.ndarray,
    values: np.ndarray,
) -> tuple[shapely.Geometry, float]:
    """A ``width`` m strip on one ``side`` of a border, along the stretch holding the most ``values``.

    The candidate stretches are ``length`` m long and start every ``step`` m from the start of
    ``border`` (the last one ends at its end); each strip is the flat-capped buffer of the stretch
    clipped to ``side``. The strip whose ``points`` (inside it) sum the most ``values`` wins; ties:
    the stretch starting nearest the start of the border.

    Returns
    -------
    (strip polygon, start of its stretch along the border in m).
    """
    starts = np.arange(0.0, max(border.length - length, 0.0) + 1e-9, step)
    best, best_start, best_sum = None, 0.0, -1.0
    for s in starts:
        seg = shapely.ops.substring(border, s, min(s + length, border.length))
        strip = polygonal(np.array([shapely.intersection(shapely.buffer(seg, width, cap_style="flat"), side)]))[0]
        total = float(np.asarray(values)[shapely.within(points, strip)].sum())
        if total > best_sum:
            best, best_start, best_sum = strip, float(s), total
    return best, best_start


def cut_out(geoms: np.ndarray, holes: shapely.Geometry, min_left_m2: float = 50.0) -> np.ndarray:
    """Subtract ``holes`` from every zone; every zone must keep at least ``min_left_m2`` (no zone is lost).

    Raises
    ------
    ValueError if a zone would be left smaller than ``min_left_m2``: the blind spot must then be
    chosen differently (see ``data/README.md``).
    """
    out = polygonal(shapely.difference(np.asarray(geoms, dtype=object), holes))
    small = shapely.area(out) < min_left_m2
    if small.any():
        raise GridmapError("err_zones_blind_spot_would_empty_zones", value=np.flatnonzero(small).tolist())
    return out


def keeps_every_zone(layers: list[np.ndarray], hole: shapely.Geometry, min_left_m2: float = 50.0) -> bool:
    """True if subtracting ``hole`` leaves every zone of every layer at least ``min_left_m2``."""
    for geoms in layers:
        hit = shapely.intersects(geoms, hole)
        if hit.any() and shapely.area(shapely.difference(geoms[hit], hole)).min() < min_left_m2:
            return False
    return True
