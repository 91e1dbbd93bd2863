"""Mosaic (叠加) of any number of zone layers and the study area into labelled faces.

Chained ``geopandas.overlay`` intersects two frames at a time and leaves thousands of ~1e-10 m²
slivers. Here all boundaries are noded at once and cut the plane into faces, and every face is
labelled by the zones whose polygons contain its point on surface (docs/design.md §4.1):

1. by default the boundaries are snap-rounded to a 1 mm grid and the faces traced, all in numpy
   (:func:`gridmap.analysis.planar.snap_rounded_faces`); with exact noding (``grid_size=0``) the
   plane is cut into vertical strips with equal numbers of segments, each noded (``union_all``)
   and polygonized (``polygonize``) by GEOS in its own worker process, and the faces a strip line
   cut in two are put back together (same labels, sharing an edge on the line);
2. faces are labelled per layer by an STRtree ``within`` query of their ``point_on_surface``;
3. faces covered by nothing (holes of the union) are dropped; what is left partitions the union
   of the study area and all zones, with no gaps, no overlaps and no slivers of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.analysis.planar import GridTooFineError, snap_rounded_faces
from gridmap.errors import GridmapError
from gridmap.io.crs import working_crs
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.vocab import Message

__all__ = ["build_mosaic", "layer_columns", "number_faces", "LAYER_KEY", "DEFAULT_GRID_SIZE"]

#: Snap-rounding grid of the noding, metres: vertices move by at most 0.5 mm, and the slivers
#: thinner than that which exact noding leaves along edges digitised separately (faces under
#: 1e-6 m² that depend on how the plane is cut into strips) collapse. GeoPackage, Shapefile and
#: GeoParquet keep such coordinates exactly in the working CRS; GeoJSON writes partitions at full
#: precision (gridmap.io.files.write_geojson), so every face survives there too.
DEFAULT_GRID_SIZE = 0.001

#: What a layer name may look like: it prefixes column names (``<layer>_ids``, ``<layer>_count``).
LAYER_KEY = re.compile(r"^[^\W\d]\w*$")

Progress = Callable[[Message | str], None]  # a progress line, rendered when printed


def layer_columns(layer: str) -> tuple[str, str]:
    """The (ids, count) column names a layer gets in the mosaic."""
    return f"{layer}_ids", f"{layer}_count"


def _segments(geoms: np.ndarray) -> np.ndarray:
    """Unique undirected segments (n × 4: x1 y1 x2 y2) of all rings of ``geoms``."""
    rings = shapely.get_rings(shapely.get_parts(geoms))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    same = index[1:] == index[:-1]
    seg = np.hstack([coords[:-1][same], coords[1:][same]])
    seg = seg[(seg[:, 0] != seg[:, 2]) | (seg[:, 1] != seg[:, 3])]
    flip = (seg[:, 0] > seg[:, 2]) | ((seg[:, 0] == seg[:, 2]) & (seg[:, 1] > seg[:, 3]))
    seg[flip] = seg[flip][:, [2, 3, 0, 1]]
    return np.unique(seg, axis=0)


def _strip_edges(seg: np.ndarray, n_strips: int, bounds: tuple[float, float, float, float],
                 grid_size: float | None = None) -> np.ndarray:
    """X positions of strip lines that split the segments into ``n_strips`` about equal shares.

    Each line is put halfway between two neighbouring vertex x coordinates, so no input vertex or
    vertical edge lies on it: every point where it cuts the linework is a crossing of one segment,
    computed identically from both sides. With snap rounding (``grid_size``) the lines sit on the
    grid, where snapping leaves them, and off every snapped vertex.
    """
    minx, _, maxx, _ = bounds
    outer = [minx - 1.0, maxx + 1.0]
    if n_strips <= 1:
        return np.array(outer)
    mids = (seg[:, 0] + seg[:, 2]) / 2.0
    wanted = np.quantile(mids, np.linspace(0, 1, n_strips + 1)[1:-1])
    xs = np.unique(seg[:, [0, 2]])
    i = np.clip(np.searchsorted(xs, wanted), 1, len(xs) - 1)
    inner = (xs[i - 1] + xs[i]) / 2.0
    if grid_size:
        scale = 1.0 / grid_size  # as GEOS's precision model rounds: round(x · scale) / scale
        snapped_xs = np.unique(np.round(xs * scale) / scale)
        inner = np.round(inner * scale) / scale
        for _ in range(16):  # step along the grid off any snapped vertex
            clash = np.isin(inner, snapped_xs)
            if not clash.any():
                break
            inner[clash] = np.round((inner[clash] + grid_size) * scale) / scale
        xs = snapped_xs
    inner = np.unique(inner)
    inner = inner[(inner > minx) & (inner < maxx) & ~np.isin(inner, xs)]
    return np.concatenate([[outer[0]], inner, [outer[1]]])


def _faces_in_strip(lines_wkb: np.ndarray, xa: float, xb: float, ymin: float, ymax: float, cut_left: bool,
                    cut_right: bool, grid_size: float | None) -> np.ndarray:
    """Node and polygonize the linework inside one vertical strip; faces as WKB.

    Runs in a worker process (GEOS polygonize holds the GIL, so threads would not help): input
    and output travel as WKB.
    """
    lines = shapely.from_wkb(lines_wkb)
    clipped = shapely.clip_by_rect(lines, xa, ymin, xb, ymax)
    clipped = clipped[~shapely.is_empty(clipped)]
    cuts = []
    if cut_left:
        cuts.append(shapely.LineString([(xa, ymin), (xa, ymax)]))
    if cut_right:
        cuts.append(shapely.LineString([(xb, ymin), (xb, ymax)]))
    work = np.concatenate([clipped, np.array(cuts, dtype=object)]) if cuts else clipped
    if len(work) == 0:
        return np.empty(0, dtype=object)
    noded = shapely.union_all(work, grid_size=grid_size)
    # polygonize the noded linework as one geometry: merging it into lines first (line_merge) or
    # splitting it into parts costs more than it saves (3 × 10k Voronoi cells: 0.34 s, 0.20 s and
    # 0.18 s a strip)
    return shapely.to_wkb(shapely.get_parts(shapely.polygonize([noded])))


def _polygonize_strips(lines: np.ndarray, edges: np.ndarray, ymin: float, ymax: float, n_jobs: int,
                       grid_size: float | None) -> np.ndarray:
    """Faces of the noded linework, one strip per task; strips run in worker processes."""
    jobs = []
    tree = shapely.STRtree(lines)
    for i in range(len(edges) - 1):
        xa, xb = edges[i], edges[i + 1]
        mine = lines[tree.query(shapely.box(xa, ymin, xb, ymax))]
        jobs.append((shapely.to_wkb(mine), xa, xb, ymin, ymax, i > 0, i < len(edges) - 2, grid_size))
    if len(jobs) == 1 or n_jobs == 1:
        results = [_faces_in_strip(*job) for job in jobs]
    else:
        # fork is cheapest and safe in a single-threaded process (CLI, scripts); a threaded one (the
        # app's server) gets a fork server instead, as forking threads can deadlock.
        context = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(jobs)), mp_context=context) as pool:
            results = list(pool.map(_faces_in_strip, *zip(*jobs, strict=True)))
    return shapely.from_wkb(np.concatenate(results)) if results else np.empty(0, dtype=object)


def _label_pairs(points: np.ndarray, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point index, polygon index) for every polygon that contains each point."""
    tree = shapely.STRtree(geoms)
    pts, polys = tree.query(points, predicate="within")
    return pts, polys


def _joined_ids(face: np.ndarray, ids: np.ndarray, n_faces: int) -> np.ndarray:
    """Per face, the ``;``-joined sorted ids of its (face, id) pairs; ``""`` where there are none."""
    out = np.full(n_faces, "", dtype=object)
    counts = np.bincount(face, minlength=n_faces)
    single = counts[face] == 1
    out[face[single]] = ids[single]  # the common case, without a Python call per face
    if (~single).any():
        frame = pd.DataFrame({"face": face[~single], "id": ids[~single]}).sort_values(["face", "id"])
        joined = frame.groupby("face")["id"].agg(";".join)
        out[joined.index.to_numpy()] = joined.to_numpy()
    return out


def _rejoin_cut_faces(faces: np.ndarray, labels: list[tuple[np.ndarray, np.ndarray]],
                      cut_xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the face pieces that a strip line split: same labels, sharing an edge on the line.

    Parameters
    ----------
    faces : the pieces from all strips.
    labels : per labelling layer, (piece index, polygon index) pairs.
    cut_xs : x of the strip lines.

    Returns
    -------
    (faces, piece) — the merged faces and, for each, the index of one of its pieces, whose
    labels it carries.
    """
    n = len(faces)
    if len(cut_xs) == 0 or n == 0:
        return faces, np.arange(n)
    bounds = shapely.bounds(faces)
    cand = np.flatnonzero(np.isin(bounds[:, 0], cut_xs) | np.isin(bounds[:, 2], cut_xs))
    if len(cand) == 0:
        return faces, np.arange(n)
    is_cand = np.zeros(n, dtype=bool)
    is_cand[cand] = True
    key = np.full(n, "", dtype=object)
    for k, (pts, polys) in enumerate(labels):
        sel = is_cand[pts]
        joined = _joined_ids(pts[sel], polys[sel].astype(str), n)
        key[cand] = key[cand] + f"|{k}:" + joined[cand]
    tree = shapely.STRtree(faces[cand])
    a, b = tree.query(faces[cand], predicate="touches")
    a, b = cand[a], cand[b]
    keep = (a < b) & (key[a] == key[b])
    a, b = a[keep], b[keep]
    shared = shapely.intersection(shapely.boundary(faces[a]), shapely.boundary(faces[b]))
    along = shapely.length(shared) > 0  # an edge, not a point
    a, b = a[along], b[along]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    n_comp, comp = connected_components(graph, directed=False)
    first = np.full(n_comp, n)
    np.minimum.at(first, comp, np.arange(n))
    sizes = np.bincount(comp, minlength=n_comp)
    single = sizes[comp] == 1
    out = np.empty(n_comp, dtype=object)
    out[comp[single]] = faces[single]
    multi = np.flatnonzero(~single)
    if len(multi):
        # pieces of one face: their union (overlay, robust to vertices only one side has)
        merged = gpd.GeoSeries(faces[multi]).groupby(comp[multi]).agg(lambda s: shapely.union_all(s.to_numpy()))
        out[merged.index.to_numpy()] = merged.to_numpy()
    return out, first


def build_mosaic(
    layers: Mapping[str, gpd.GeoDataFrame],
    study_area: gpd.GeoDataFrame | None = None,
    residents: gpd.GeoDataFrame | None = None,
    *,
    crs: pyproj.CRS | str | int | None = None,
    zone_id: str = "zone_id",
    area_id: str = "area_id",
    n_jobs: int | None = None,
    n_strips: int | None = None,
    grid_size: float | None = DEFAULT_GRID_SIZE,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Overlay any number of zone layers and the study area into labelled faces.

    Parameters
    ----------
    layers : ``{layer name: zones}``, each with a ``zone_id`` column (e.g. ``party``, ``security``,
        ``urban``; any number). Layer names prefix the output columns.
    study_area : polygons with ``area_id`` (communities); optional.
    residents : points or building polygons (taken at their point on surface) with
        ``households``, ``population`` and optional special-group counts; summed per face.
    crs : the metric CRS to work in (``--crs-work``); by default :func:`gridmap.io.crs.working_crs`
        of the inputs: the study area's (else a zone layer's) own projected CRS when it is true to
        scale at the data, else the Gauss–Krüger/UTM zone of the data. Areas are then the input's own.
    n_jobs : worker processes for exact noding; default: all cores.
    n_strips : for exact noding (and snap rounding by GEOS, used when the linework spans more
        than 2^30 grid cells), the vertical strips the plane is cut into, each noded and
        polygonized as one task; default one per ~10,000 boundary segments. Faces cut by a strip
        line are put back together. Snap rounding in numpy (the default) needs no strips.
    grid_size : snap-rounding precision in metres for noding; default 1 mm
        (:data:`DEFAULT_GRID_SIZE`), done in numpy (:mod:`gridmap.analysis.planar`); ``None`` or
        0 = exact floating point. Exact noding keeps
        every input vertex where it is; on layers digitised separately, whose edges nearly
        coincide, it leaves faces under 1e-6 m² that depend on how the plane is cut into strips,
        and slivers thinner than any file format's rounding. 1 mm removes them and makes the faces
        independent of how the plane is cut into strips up to the grid, moving vertices by at most
        0.5 mm (a zone's area changes by about 1e-6 of itself, a layer's total by ~1e-9).
    progress : called with a short message at each stage (the CLI prints them).

    Returns
    -------
    GeoDataFrame of faces in the working CRS that partition the union of the study area and all
    zones (write them with ``partition=True``, :func:`gridmap.io.files.write_geojson`):
    ``face_id``; per layer ``<layer>_ids`` (``;``-joined zone ids, sorted; empty if none) and
    ``<layer>_count``; ``n_layers`` (layers covering the face); ``in_study_area``; ``area_id``
    (the community, empty outside); ``area_m2``; with residents ``households``, ``population``
    and each special-group column present.
    """
    say = progress or (lambda _msg: None)
    start = time.perf_counter()
    grid_size = grid_size or None
    if not layers:
        raise GridmapError("err_mosaic_build_mosaic_needs_at_least")
    for name, gdf in layers.items():
        if not LAYER_KEY.match(name):
            raise GridmapError("err_mosaic_layer_name_must_word_letters", name=name)
        if zone_id not in gdf.columns:
            raise GridmapError("err_mosaic_layer_has_no_column", name=name, zone_id=zone_id)
        if gdf.crs is None:
            raise GridmapError("err_mosaic_layer_has_no_crs", name=name)
    work_crs = working_crs(study_area, *layers.values(), residents, crs=crs)
    projected = {name: gdf.to_crs(work_crs) for name, gdf in layers.items()}
    area = study_area.to_crs(work_crs) if study_area is not None else None

    all_geoms = np.concatenate([g.geometry.to_numpy() for g in projected.values()]
                               + ([area.geometry.to_numpy()] if area is not None else []))
    all_geoms = all_geoms[~(shapely.is_missing(all_geoms) | shapely.is_empty(all_geoms))]
    say(Message("prog_mosaic_polygons", n=len(all_geoms)))
    faces = None
    if grid_size:
        try:
            faces = snap_rounded_faces(all_geoms, grid_size)
            edges = np.empty(0)
            say(Message("prog_mosaic_snapped", grid_size=grid_size, faces=len(faces),
                        seconds=time.perf_counter() - start))
        except GridTooFineError:  # a province at 1 µm: GEOS's noder, strip by strip
            pass
    if faces is None:
        seg = _segments(all_geoms)
        lines = shapely.linestrings(seg.reshape(-1, 2, 2))
        minx, miny, maxx, maxy = shapely.total_bounds(lines)
        n_jobs = n_jobs or os.cpu_count() or 1
        if n_strips is None:
            # ~10,000 segments a strip: polygonize grows faster than linearly, so smaller strips pay
            # even on one core (3 × 10k Voronoi cells: 1 strip 4.4 s, 8 strips 3.3 s, 8 on 2 cores 1.7 s)
            n_strips = int(np.clip(len(seg) // 10_000, 1, 64))
        edges = _strip_edges(seg, n_strips, (minx, miny, maxx, maxy), grid_size)
        faces = _polygonize_strips(lines, edges, miny - 1.0, maxy + 1.0, n_jobs, grid_size)
        say(Message("prog_mosaic_noded", segments=len(seg), faces=len(faces), strips=len(edges) - 1,
                    seconds=time.perf_counter() - start))

    points = shapely.point_on_surface(faces)
    layer_pairs = {name: _label_pairs(points, gdf.geometry.to_numpy()) for name, gdf in projected.items()}
    area_pairs = _label_pairs(points, area.geometry.to_numpy()) if area is not None else None
    faces, piece = _rejoin_cut_faces(faces, list(layer_pairs.values()) + ([area_pairs] if area_pairs else []),
                                     edges[1:-1])
    say(Message("prog_mosaic_labelled", faces=len(faces), seconds=time.perf_counter() - start))

    # each final face carries the labels of its representative piece
    remap = np.full(len(points), -1)
    remap[piece] = np.arange(len(piece))
    n_faces = len(faces)
    out = pd.DataFrame(index=pd.RangeIndex(n_faces))
    n_layers = np.zeros(n_faces, dtype=np.int64)
    for name, gdf in projected.items():
        pts, polys = layer_pairs[name]
        fid = remap[pts]
        ok = fid >= 0
        ids_col, count_col = layer_columns(name)
        out[ids_col] = _joined_ids(fid[ok], gdf[zone_id].astype(str).to_numpy()[polys[ok]], n_faces)
        counts = np.bincount(fid[ok], minlength=n_faces)
        out[count_col] = counts
        n_layers += counts > 0
    out["n_layers"] = n_layers
    covered_by_any = n_layers > 0
    if area_pairs is not None:
        assert area is not None  # area_pairs come from the study area
        pts, polys = area_pairs
        fid = remap[pts]
        ok = fid >= 0
        in_area = np.bincount(fid[ok], minlength=n_faces) > 0
        names = area[area_id].astype(str).to_numpy() if area_id in area.columns else np.arange(len(area)).astype(str)
        out["in_study_area"] = in_area
        out["area_id"] = _joined_ids(fid[ok], names[polys[ok]], n_faces)
    else:
        in_area = np.zeros(n_faces, dtype=bool)
        out["in_study_area"] = in_area
        out["area_id"] = ""
    keep = covered_by_any | in_area
    result = gpd.GeoDataFrame(out[keep].reset_index(drop=True), geometry=faces[keep], crs=work_crs)
    result["area_m2"] = result.geometry.area
    if residents is not None:
        result = _add_residents(result, residents.to_crs(work_crs))
    result = number_faces(result)
    say(Message("prog_mosaic_kept", faces=len(result), seconds=time.perf_counter() - start))
    return result


def _add_residents(faces: gpd.GeoDataFrame, residents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sum households, population and special groups of the residents inside each face."""
    geoms = residents.geometry.to_numpy()
    points = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    tree = shapely.STRtree(faces.geometry.to_numpy())
    res_idx, face_idx = tree.query(points, predicate="intersects")
    # a point on a shared edge touches two faces: count it once, in the first
    first = pd.Series(face_idx).groupby(res_idx).min()
    columns = [c for c in ("households", "population", *SPECIAL_GROUPS) if c in residents.columns]
    out = faces.copy()
    for col in columns:
        values = pd.to_numeric(residents[col], errors="coerce").fillna(0).to_numpy()
        sums = np.bincount(first.to_numpy(), weights=values[first.index.to_numpy()], minlength=len(faces))
        out[col] = np.rint(sums).astype(np.int64)
    return out


def number_faces(faces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Faces in an order that does not depend on tiling or partitioning, numbered ``face_id`` 1…n.

    By top edge north to south, then left edge west to east, then bottom edge: the one-process
    mosaic and the faces merged from partitions (:mod:`gridmap.scale.pipeline`) get the same ids.
    A ``face_id`` column already present is replaced.
    """
    faces = faces.drop(columns="face_id", errors="ignore")
    bounds = shapely.bounds(faces.geometry.to_numpy())
    order = np.lexsort((bounds[:, 1], bounds[:, 0], -bounds[:, 3]))
    out = faces.iloc[order].reset_index(drop=True)
    out.insert(0, "face_id", np.arange(1, len(out) + 1))
    return out
