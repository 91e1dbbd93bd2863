"""Units (最小单元): the atoms a unified grid is made of (docs/design.md §4.3).

Units are the mosaic faces (:func:`gridmap.analysis.mosaic.build_mosaic`) that lie in the study area — the
mosaic already nodes the community boundaries, so no unit crosses a community. Faces too small or
too thin to be worth a planner's click (the slivers where three disagreeing zone systems almost
meet) are merged into the neighbour, in the same community, that shares the longest edge with them.

A face is a *sliver* when its area is below ``min_area_m2`` and/or (``sliver_rule``) it is thinner
than ``min_width_m``. Thinness is the negative-buffer test: the face vanishes when shrunk by
``min_width_m / 2`` (a strip 1.5 m wide vanishes at −1 m whatever its length), screened first with
the cheap width estimate ``2·area / perimeter`` (exact for long strips, half the side for squares).

Each unit keeps its per-layer zone labels (``<layer>_ids``, ``<layer>_count``: those of its
largest face), sums the households, population and special groups of its faces, and gets a
``unit_id`` (1…n, north→south, west→east).

Adjacency of units (which units share an edge, and how long) is read off the coverage's segments:
in a noded coverage (as polygonize makes it) two neighbours hold the identical segment, so the
shared edges are the segments that occur twice — one ``np.unique``, no geometry predicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.analysis.mosaic import build_mosaic
from gridmap.errors import GridmapError, check_number
from gridmap.io.validate import LIST_SEPARATOR, SPECIAL_GROUPS, LayerError
from gridmap.vocab import Joined, Message

__all__ = ["make_units", "units_from_faces", "unit_adjacency", "layer_names", "find_slivers", "COUNT_COLUMNS"]

#: Count columns summed from residents into units (and from units into grids), when present.
COUNT_COLUMNS: tuple[str, ...] = ("households", "population", *SPECIAL_GROUPS)

Progress = Callable[[Message | str], None]  # a progress line, rendered when printed


def layer_names(units: pd.DataFrame) -> list[str]:
    """Zone layers whose labels a units (or faces) table carries: every ``<layer>_ids`` with ``<layer>_count``."""
    return [c[:-4] for c in units.columns if c.endswith("_ids") and f"{c[:-4]}_count" in units.columns]


def _row_groups(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the rank of its value among the distinct rows (lexicographic order), and how
    often each distinct row occurs — ``np.unique(rows, axis=0, return_inverse=True, return_counts=True)``
    without the values, by one ``lexsort`` of the columns (5× faster than ``np.unique`` with ``axis``,
    and one column at a time: no sorted copy of the rows)."""
    order = np.lexsort(rows.T[::-1])
    new = np.zeros(len(rows), dtype=bool)
    new[0] = True
    for column in rows.T:
        ranked = column[order]
        new[1:] |= ranked[1:] != ranked[:-1]
    rank = np.cumsum(new) - 1
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = rank
    counts = np.diff(np.r_[np.flatnonzero(new), len(rows)])
    return inverse, counts


def _segments(geoms: np.ndarray, chunk: int = 65_536) -> tuple[np.ndarray, np.ndarray]:
    """Every ring segment of non-zero length, oriented (start before end in x, then y), and its polygon.

    Rows ``(x1, y1, x2, y2)`` in ring order. Read ``chunk`` polygons at a time, so the rings shapely
    makes on the way never exist for all polygons at once.
    """
    segs, owners = [], []
    for start in range(0, len(geoms), chunk):
        coords, ring_idx, ring_owner = _ring_coordinates(geoms[start:start + chunk])
        same = ring_idx[1:] == ring_idx[:-1]
        a, b = coords[:-1][same], coords[1:][same]
        owner = ring_owner[ring_idx[:-1][same]] + start
        keep = (a[:, 0] != b[:, 0]) | (a[:, 1] != b[:, 1])
        a, b, owner = a[keep], b[keep], owner[keep]
        flip = ((a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1])))[:, None]
        segs.append(np.hstack([np.where(flip, b, a), np.where(flip, a, b)]))
        owners.append(owner)
    return np.concatenate(segs), np.concatenate(owners)


def _ring_coordinates(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ring's vertices: (x/y of each vertex, its ring, each ring's polygon), rings in order
    (exterior then holes, part by part). Read off ``to_ragged_array`` for (multi)polygons — a
    quarter of the memory of cloning every part and ring as a geometry, which is the fallback for
    anything else."""
    try:
        kind, coords, offsets = shapely.to_ragged_array(geoms, include_z=False)
    except ValueError:  # not all polygons (a collection, lines…)
        kind = None
    if kind in (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON):
        rings_of = offsets[-1]  # rings (polygons) or parts (multipolygons) of each geometry
        ring_owner = np.repeat(np.arange(len(geoms)), np.diff(rings_of))
        if kind == shapely.GeometryType.MULTIPOLYGON:
            ring_owner = np.repeat(ring_owner, np.diff(offsets[1]))
        ring_idx = np.repeat(np.arange(len(offsets[0]) - 1), np.diff(offsets[0]))
        return coords, ring_idx, ring_owner
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    return coords, ring_idx, part_owner[ring_part]


def unit_adjacency(geoms: np.ndarray | gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of polygons of a noded coverage that share an edge, with the shared length.

    Parameters
    ----------
    geoms : polygons forming a noded coverage (neighbours hold identical vertices along their
        common edges, as ``polygonize`` output and its dissolves do).

    Returns
    -------
    (i, j, length) : int arrays ``i < j`` and the total length of the edges they share (> 0).
    Polygons touching at a point only are not neighbours.
    """
    geoms = np.asarray(geoms.to_numpy() if hasattr(geoms, "to_numpy") else geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    seg, seg_owner = _segments(geoms)
    inverse, counts = _row_groups(seg)
    shared = np.flatnonzero(counts[inverse] == 2)
    shared = shared[np.argsort(inverse[shared], kind="stable")]  # the two holders of each segment, together
    owners = seg_owner[shared].reshape(-1, 2)
    s = seg[shared[::2]]
    lengths = np.hypot(s[:, 2] - s[:, 0], s[:, 3] - s[:, 1])
    a, b = owners.min(axis=1), owners.max(axis=1)
    ok = a != b
    if not ok.any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    key = a[ok].astype(np.int64) * n + b[ok]
    ukey, inv = np.unique(key, return_inverse=True)
    total = np.bincount(inv.ravel(), weights=lengths[ok])
    return ukey // n, ukey % n, total


def find_slivers(geoms: np.ndarray, min_area_m2: float = 50.0, min_width_m: float = 2.0,
                 sliver_rule: str = "or") -> np.ndarray:
    """Which polygons are slivers: area below ``min_area_m2`` and/or thinner than ``min_width_m``.

    Parameters
    ----------
    geoms : polygons in a metric CRS.
    min_area_m2 : a face smaller than this is small (0 disables the area test).
    min_width_m : a face that vanishes under a negative buffer of half this is thin (0 disables).
    sliver_rule : ``"or"`` — small or thin is a sliver (default); ``"and"`` — only small *and* thin.

    Returns
    -------
    Boolean array.
    """
    check_number(min_area_m2, "min_area_m2", "m²", minimum=0)
    check_number(min_width_m, "min_width_m", "metres", minimum=0)
    if sliver_rule not in ("or", "and"):
        raise GridmapError("err_units_sliver_rule_must_or_or", sliver_rule=sliver_rule)
    geoms = np.asarray(geoms, dtype=object)
    area = shapely.area(geoms)
    small = area < min_area_m2 if min_area_m2 > 0 else np.zeros(len(geoms), dtype=bool)
    thin = np.zeros(len(geoms), dtype=bool)
    if min_width_m > 0 and len(geoms):
        perimeter = shapely.length(geoms)
        # screen: a polygon with 2A/P ≥ 2w is far from thin; test the rest exactly
        cand = np.flatnonzero(2.0 * area < 2.0 * min_width_m * np.maximum(perimeter, 1e-12))
        shrunk = shapely.buffer(geoms[cand], -min_width_m / 2.0, quad_segs=2)
        thin[cand] = shapely.is_empty(shrunk) | (shapely.area(shrunk) <= 0)
    if min_area_m2 <= 0:
        return thin
    if min_width_m <= 0:
        return small
    return (small | thin) if sliver_rule == "or" else (small & thin)


def _merge_round(geoms: np.ndarray, area_ids: np.ndarray, sliver: np.ndarray) -> np.ndarray | None:
    """One round: every sliver points to its same-community neighbour with the longest shared edge.

    Returns the group of each polygon (groups are merged next), or None when no sliver can merge.
    """
    n = len(geoms)
    i, j, length = unit_adjacency(geoms)
    same = area_ids[i] == area_ids[j]
    i, j, length = i[same], j[same], length[same]
    # directed candidates: sliver -> neighbour
    src = np.concatenate([i, j])
    dst = np.concatenate([j, i])
    ln = np.concatenate([length, length])
    cand = sliver[src]
    src, dst, ln = src[cand], dst[cand], ln[cand]
    if len(src) == 0:
        return None
    # prefer non-sliver neighbours only through the edge length (the rule is "longest shared edge");
    # ties broken by the larger neighbour, then the lower index — deterministic
    area = shapely.area(geoms)
    order = np.lexsort((dst, -area[dst], -ln, src))
    src, dst = src[order], dst[order]
    first = np.r_[True, src[1:] != src[:-1]]
    src, dst = src[first], dst[first]
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    return group


#: Faces in two communities at once smaller than this (m²) are floating-point residue of boundaries
#: that meet (or of an overlap the validator removed); they go to the first community listed.
OVERLAP_RESIDUE_M2 = 1.0


def _and_list(ids: list[str]) -> Message | str:
    """``a and b`` / ``a、b 与 c``: ids joined as a sentence says them, in the language of display."""
    return Message("err_and_list", head=", ".join(ids[:-1]), last=ids[-1]) if len(ids) > 1 else ids[0]


def _one_community_each(area_ids: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    """The community of each face; a face the mosaic found in several (``A;B``) is residue or an error.

    Raises
    ------
    LayerError
        when communities overlap by more than :data:`OVERLAP_RESIDUE_M2`: their faces would become
        pseudo-communities with made-up grid codes.
    """
    listed = np.char.find(area_ids.astype(str), LIST_SEPARATOR) >= 0
    if not listed.any():
        return area_ids
    big = listed & (area_m2 >= OVERLAP_RESIDUE_M2)
    if big.any():
        pairs = pd.Series(area_m2[big]).groupby(area_ids[big]).sum().sort_values(ascending=False)
        shown = [Message("err_overlap_group", ids=_and_list(k.split(LIST_SEPARATOR)), area=f"{v:,.0f}")
                 for k, v in pairs.head(5).items()]
        raise LayerError("err_communities_overlap", n=len(pairs), shown=Joined(shown, {"zh": "；", "en": "; "}))
    out = area_ids.copy()
    out[listed] = [a.split(LIST_SEPARATOR)[0] for a in area_ids[listed]]
    return out


def units_from_faces(faces: gpd.GeoDataFrame, *, min_area_m2: float = 50.0, min_width_m: float = 2.0,
                     sliver_rule: str = "or", max_rounds: int = 20) -> gpd.GeoDataFrame:
    """Units from mosaic faces: keep the faces in the study area, merge slivers into neighbours.

    Parameters
    ----------
    faces : output of :func:`gridmap.analysis.mosaic.build_mosaic` with a study area (``in_study_area``,
        ``area_id``), in a metric CRS.
    min_area_m2, min_width_m, sliver_rule : what a sliver is (:func:`find_slivers`).
    max_rounds : merging repeats while slivers remain that can merge (a sliver merged with
        slivers only can still be one); bounded, so it always ends.

    Returns
    -------
    GeoDataFrame in the faces' CRS: ``unit_id`` (1…n, north→south, west→east), ``area_id``, per
    layer ``<layer>_ids`` / ``<layer>_count`` (of the unit's largest face), ``n_layers``, the count
    columns present (summed), ``area_m2``, ``n_faces`` (faces merged into it) and ``is_sliver``
    (True for a sliver that had no neighbour in its community to merge into).
    """
    if "in_study_area" not in faces.columns or "area_id" not in faces.columns:
        raise GridmapError("err_units_units_need_mosaic_faces_built")
    inside = faces[faces["in_study_area"].astype(bool)].reset_index(drop=True)
    if faces.crs is not None and not pyproj.CRS.from_user_input(faces.crs).is_projected:
        raise GridmapError("err_units_units_need_faces_in_projected")
    geoms = inside.geometry.to_numpy()
    area_ids = _one_community_each(inside["area_id"].astype(str).to_numpy(), shapely.area(geoms))
    counts = [c for c in COUNT_COLUMNS if c in inside.columns]
    sums = inside[counts].to_numpy(dtype=np.int64) if counts else np.zeros((len(inside), 0), dtype=np.int64)
    n_faces = np.ones(len(inside), dtype=np.int64)
    rep = np.arange(len(inside))  # the face whose labels a unit carries: that of its largest member
    for _ in range(max_rounds):
        sliver = find_slivers(geoms, min_area_m2, min_width_m, sliver_rule)
        if not sliver.any():
            break
        group = _merge_round(geoms, area_ids, sliver)
        if group is None:
            break
        n_groups = group.max() + 1
        if n_groups == len(geoms):
            break
        sizes = np.bincount(group, minlength=n_groups)
        merged = np.empty(n_groups, dtype=object)
        single = sizes[group] == 1
        merged[group[single]] = geoms[single]
        multi = np.flatnonzero(~single)
        order = multi[np.argsort(group[multi], kind="stable")]
        bounds = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1], True])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # one coverage union per merged group
            merged[group[order[a]]] = shapely.coverage_union_all(geoms[order[a:b]])
        # the largest member gives its labels
        member_area = shapely.area(geoms)
        order_area = np.lexsort((np.arange(len(geoms)), -member_area))
        for_group = group[order_area]
        _, first = np.unique(for_group, return_index=True)
        best = np.empty(n_groups, dtype=np.int64)
        best[for_group[first]] = order_area[first]
        new_sums = np.zeros((n_groups, sums.shape[1]), dtype=np.int64)
        np.add.at(new_sums, group, sums)
        new_faces = np.bincount(group, weights=n_faces, minlength=n_groups).astype(np.int64)
        rep = rep[best]
        area_ids = area_ids[best]
        geoms, sums, n_faces = merged, new_sums, new_faces
    still = find_slivers(geoms, min_area_m2, min_width_m, sliver_rule)
    labels = [c for c in inside.columns if c not in (*counts, "face_id", "area_m2", inside.geometry.name,
                                                     "in_study_area", "area_id")]
    out = inside.iloc[rep][labels].reset_index(drop=True)
    out.insert(0, "area_id", area_ids)
    for k, col in enumerate(counts):
        out[col] = sums[:, k]
    units = gpd.GeoDataFrame(out, geometry=shapely.normalize(geoms), crs=faces.crs)
    units["area_m2"] = shapely.area(geoms)
    units["n_faces"] = n_faces
    units["is_sliver"] = still
    pts = shapely.point_on_surface(geoms)
    order = np.lexsort((np.round(shapely.get_x(pts), 6), -np.round(shapely.get_y(pts), 6)))
    units = units.iloc[order].reset_index(drop=True)
    units.insert(0, "unit_id", np.arange(1, len(units) + 1, dtype=np.int64))
    return units


def make_units(layers: Mapping[str, gpd.GeoDataFrame], study_area: gpd.GeoDataFrame,
               residents: gpd.GeoDataFrame | None = None, *, crs: pyproj.CRS | str | int | None = None,
               min_area_m2: float = 50.0, min_width_m: float = 2.0, sliver_rule: str = "or",
               progress: Progress | None = None) -> gpd.GeoDataFrame:
    """Units straight from zone layers, the study area and residents (mosaic, then :func:`units_from_faces`).

    Parameters
    ----------
    layers : ``{layer: zones with zone_id}`` (``party``, ``security``, ``urban``, …).
    study_area : communities with ``area_id``.
    residents : points or building polygons with ``households`` etc.
    crs : metric CRS (default: chosen for the study area).
    min_area_m2, min_width_m, sliver_rule : what a sliver is (:func:`find_slivers`).
    progress : called with short stage messages.

    Returns
    -------
    The units GeoDataFrame (see :func:`units_from_faces`).
    """
    say = progress or (lambda _m: None)
    faces = build_mosaic(layers, study_area, residents, crs=crs, progress=progress)
    units = units_from_faces(faces, min_area_m2=min_area_m2, min_width_m=min_width_m, sliver_rule=sliver_rule)
    say(Message("prog_units", faces=int(faces["in_study_area"].sum()), units=len(units), min_area=min_area_m2,
                min_width=min_width_m, unmerged=int(units["is_sliver"].sum())))
    return units
