"""Coverage report from a mosaic: who is covered by which layer, 盲区, 多头, 越界, and narrow gaps.

The first question every official asks: where does no organisation reach (盲区), and where do two
grids of the same department claim the same street (多头)? Everything here is read off the faces of
:func:`gridmap.analysis.mosaic.build_mosaic`, whose areas and resident sums are exact, so the shares add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.analysis.mosaic import layer_columns
from gridmap.defaults import GAP_WIDTH_M, SLIVER_M2
from gridmap.errors import check_number
from gridmap.io.validate import SPECIAL_GROUPS

__all__ = ["CoverageReport", "coverage_report", "summarise_coverage", "find_gaps", "label_gaps", "find_overlaps",
           "find_outside", "find_invalid_edges", "flag_slivers", "dissolve_parts", "number_overlaps",
           "OVERLAP_AREA_DECIMALS", "OVERLAP_COLUMNS", "ANY_LAYER"]

#: The summary row for "covered by at least one layer".
ANY_LAYER = "any"


@dataclass
class CoverageReport:
    """What :func:`coverage_report` finds; every frame is in the mosaic's metric CRS."""

    summary: pd.DataFrame  # one row per layer + "any"
    sliver_m2: float  # parts smaller than this are flagged ``is_sliver`` (digitising noise)
    gaps: gpd.GeoDataFrame  # 盲区
    overlaps: gpd.GeoDataFrame  # 多头
    outside: gpd.GeoDataFrame  # 越界
    invalid_edges: gpd.GeoDataFrame  # narrow gaps and slivers, as lines


def _count_columns(faces: pd.DataFrame) -> list[str]:
    return [c for c in ("households", "population", *SPECIAL_GROUPS) if c in faces.columns]


def summarise_coverage(faces: gpd.GeoDataFrame, layers: list[str]) -> pd.DataFrame:
    """Covered share of the study area, per layer and for any layer, by area and by people.

    Columns: ``layer``, ``area_m2`` (study area), ``covered_m2``, ``area_share``, and for each
    count column present (households, population, special groups) ``<col>``, ``<col>_covered``,
    ``<col>_share``; plus ``overlap_m2`` (area covered by ≥ 2 zones of the layer) and
    ``outside_m2`` (area of the layer's zones outside the study area).
    """
    counts = _count_columns(faces)
    # only the numbers: selecting rows of the faces' geometry too would cost more than the sums
    columns = ["in_study_area", "n_layers", "area_m2", *counts, *(layer_columns(name)[1] for name in layers)]
    faces = pd.DataFrame({c: faces[c].to_numpy() for c in dict.fromkeys(columns)})
    inside = faces[faces["in_study_area"].to_numpy(dtype=bool)]
    outside = faces[~faces["in_study_area"].to_numpy(dtype=bool)]
    rows = []
    for layer in [*layers, ANY_LAYER]:
        if layer == ANY_LAYER:
            covered = inside["n_layers"] > 0
            overlap = np.zeros(len(inside), dtype=bool)
            for name in layers:
                overlap |= inside[layer_columns(name)[1]].to_numpy() >= 2
            out_area = outside.loc[outside["n_layers"] > 0, "area_m2"].sum()
        else:
            count = layer_columns(layer)[1]
            covered = inside[count] > 0
            overlap = inside[count].to_numpy() >= 2
            out_area = outside.loc[outside[count] > 0, "area_m2"].sum()
        total = inside["area_m2"].sum()
        row = {"layer": layer, "area_m2": total, "covered_m2": inside.loc[covered, "area_m2"].sum()}
        row["area_share"] = row["covered_m2"] / total if total else np.nan
        for col in counts:
            all_ = int(inside[col].sum())
            cov = int(inside.loc[covered, col].sum())
            row[col] = all_
            row[f"{col}_covered"] = cov
            row[f"{col}_share"] = cov / all_ if all_ else np.nan
        row["overlap_m2"] = inside.loc[overlap, "area_m2"].sum()
        row["outside_m2"] = out_area
        rows.append(row)
    return pd.DataFrame(rows)


def _dissolve(frame: gpd.GeoDataFrame, by: list[str] | str) -> gpd.GeoDataFrame:
    """Dissolve mosaic faces as ``frame.dissolve(by, as_index=False)`` does (keys sorted, rows with
    a missing key dropped): the fast coverage union, or the general union where GEOS's coverage
    union refuses faces of a few 1e-9 m² (it can misread them as overlapping).

    The coverage unions of all groups are a few vectorised calls (:func:`_union_groups`), not one
    pandas aggregation per group: a per-group Python call cost ~0.1 ms, which at a few hundred
    groups per layer was most of the time of finding overlaps — and a partitioned run pays it
    once per partition.
    """
    by = [by] if isinstance(by, str) else list(by)
    groups = frame.groupby(by, sort=True)
    codes = groups.ngroup().to_numpy()
    keys = groups.size().reset_index()[by]
    kept = codes >= 0
    try:
        geoms = _union_groups(frame.geometry.to_numpy()[kept], codes[kept], len(keys))
    except shapely.errors.GEOSException:
        return frame.dissolve(by=by, method="unary", as_index=False)
    return gpd.GeoDataFrame(keys, geometry=geoms, crs=frame.crs)


def _union_groups(geoms: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Coverage union of the geometries of each group (``codes``: group 0…n-1 of each; members in
    their order). Groups of about the same size are padded with None into one 2-D array and
    unioned along its rows by one call; sizes are bucketed by powers of two, so the padding at
    most doubles the array."""
    out = np.empty(n_groups, dtype=object)
    if n_groups == 0:
        return out
    order = np.argsort(codes, kind="stable")
    codes, geoms = codes[order], geoms[order]
    counts = np.bincount(codes, minlength=n_groups)
    position = np.arange(len(codes)) - np.repeat(np.cumsum(counts) - counts, counts)
    bucket = np.ceil(np.log2(np.maximum(counts, 1))).astype(np.int64)
    row = np.empty(n_groups, dtype=np.int64)
    for b in np.unique(bucket):
        members = np.flatnonzero(bucket == b)
        row[members] = np.arange(len(members))
        mine = bucket[codes] == b
        grid = np.full((len(members), int(counts[members].max())), None, dtype=object)
        grid[row[codes[mine]], position[mine]] = geoms[mine]
        out[members] = shapely.coverage_union_all(grid, axis=1)
    return out


def dissolve_parts(faces: gpd.GeoDataFrame, by: list[str]) -> gpd.GeoDataFrame:
    """Dissolve faces by ``by`` into connected parts, summing area and people per part.

    Each face counts in the part that holds its point on surface. Faces may themselves be parts
    dissolved before (a partitioned run unions the parts of one conflict found on both sides of a
    border: :func:`gridmap.scale.pipeline.run_partitioned`).

    Returns
    -------
    GeoDataFrame: ``by``, the part's geometry, ``area_m2`` and the people counts of the faces.
    """
    if faces.empty:
        cols = [*by, "area_m2", *_count_columns(faces)]
        return gpd.GeoDataFrame(columns=cols, geometry=[], crs=faces.crs)
    merged = _dissolve(faces[[*by, "geometry"]], by)
    # its connected parts (as GeoDataFrame.explode, on the arrays: one frame built, not several)
    geoms, owner = shapely.get_parts(merged.geometry.to_numpy(), return_index=True)
    columns: dict[str, object] = {c: merged[c].iloc[owner].reset_index(drop=True) for c in by}
    columns["geometry"] = geoms
    # give each face to the part holding its point on surface, then sum
    tree = shapely.STRtree(geoms)
    face_idx, part_idx = tree.query(shapely.point_on_surface(faces.geometry.to_numpy()), predicate="within")
    order = np.argsort(face_idx, kind="stable")
    face_idx, part_idx = face_idx[order], part_idx[order]
    _, first = np.unique(face_idx, return_index=True)
    face_idx, part_idx = face_idx[first], part_idx[first]
    columns["area_m2"] = shapely.area(geoms)
    for col in _count_columns(faces):
        values = faces[col].to_numpy()[face_idx]
        columns[col] = np.bincount(part_idx, weights=values, minlength=len(geoms)).round().astype(np.int64)
    return gpd.GeoDataFrame(columns, geometry="geometry", crs=faces.crs)


def find_gaps(faces: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], zone_id: str = "zone_id"
              ) -> gpd.GeoDataFrame:
    """盲区: connected parts of the study area (per community) that no layer covers.

    Columns: ``gap_id``, ``area_id``, ``area_m2``, people counts, and per layer the nearest zone
    (``nearest_<layer>``) and its distance in metres (``nearest_<layer>_m``) — who should take it.
    """
    blind = faces[faces["in_study_area"] & (faces["n_layers"] == 0)]
    return label_gaps(dissolve_parts(blind, ["area_id"]), layers, zone_id)


def label_gaps(gaps: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], zone_id: str = "zone_id"
               ) -> gpd.GeoDataFrame:
    """Number gap parts largest first and name, per layer, the zone that should take each.

    Shared by :func:`find_gaps` and the partitioned pipeline (which labels the gaps of all its
    partitions together), so both number and label gaps alike.

    Parameters
    ----------
    gaps : gap parts (``area_m2``, geometry; a ``gap_id`` column is replaced), in a metric CRS.
    layers : the whole zone layers (nearest zones are looked up in all of them, any CRS).
    zone_id : id column of the zones.

    Returns
    -------
    GeoDataFrame
        ``gap_id`` (``G0001`` = largest, ties in input order) first, then the parts' columns and per
        layer ``nearest_<layer>`` (the zone at the least distance) and ``nearest_<layer>_m``.
    """
    gaps = gaps.drop(columns="gap_id", errors="ignore")
    gaps = gaps.sort_values("area_m2", ascending=False, kind="stable").reset_index(drop=True)
    gaps.insert(0, "gap_id", [f"G{i:04d}" for i in range(1, len(gaps) + 1)])
    for name, gdf in layers.items():
        zones = gdf.to_crs(gaps.crs)
        col = f"nearest_{name}"
        if gaps.empty or zones.empty:
            gaps[col] = pd.Series(dtype=object)
            gaps[f"{col}_m"] = pd.Series(dtype=float)
            continue
        tree = shapely.STRtree(zones.geometry.to_numpy())
        (gap_idx, zone_idx), dist = tree.query_nearest(gaps.geometry.to_numpy(), return_distance=True,
                                                       all_matches=False)
        gaps.loc[gap_idx, col] = zones[zone_id].astype(str).to_numpy()[zone_idx]
        gaps.loc[gap_idx, f"{col}_m"] = dist
    return gaps


#: The columns every table of overlap parts starts with (then the geometry and people counts).
OVERLAP_COLUMNS = ("overlap_id", "layer", "zone_ids", "n_zones", "in_study_area", "area_m2")


def find_overlaps(faces: gpd.GeoDataFrame, layers: list[str]) -> gpd.GeoDataFrame:
    """多头: connected parts covered by ≥ 2 zones of one layer, with the conflicting zone ids.

    Columns: ``overlap_id``, ``layer``, ``zone_ids`` (``;``-joined), ``n_zones``, ``area_m2``,
    ``in_study_area``, people counts.
    """
    frames = []
    for name in layers:
        ids, count = layer_columns(name)
        keep = [ids, count, "in_study_area", faces.geometry.name, *_count_columns(faces)]
        sub = faces.loc[(faces[count] >= 2).to_numpy(), keep].rename(columns={ids: "zone_ids", count: "n_zones"})
        if sub.empty:
            continue
        parts = dissolve_parts(sub, ["zone_ids", "n_zones", "in_study_area"])
        parts.insert(0, "layer", name)
        frames.append(parts)
    if not frames:
        return gpd.GeoDataFrame(columns=list(OVERLAP_COLUMNS), geometry=[], crs=faces.crs)
    return number_overlaps(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                                            crs=faces.crs))


#: Overlap parts are ordered by their area rounded to this many decimals of a m²: two passes over
#: the same conflict (one process, or partitions merged) differ by float noise of ~1e-9 m².
OVERLAP_AREA_DECIMALS = 3


def number_overlaps(parts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Overlap parts in reading order, numbered ``overlap_id`` O0001…: by layer, the largest first,
    then by zone ids, inside or outside the study area, and the point on each part's surface.

    The order depends only on the parts, not on how they were found, so a run on partitions gives
    every conflict the same id as the one-process run (areas are compared rounded to
    :data:`OVERLAP_AREA_DECIMALS` decimals of a m²). An ``overlap_id`` column already present is
    replaced.
    """
    parts = parts.drop(columns="overlap_id", errors="ignore")
    pts = shapely.point_on_surface(parts.geometry.to_numpy())
    keys = pd.DataFrame({"layer": parts["layer"].astype(str).to_numpy(),
                         "area": -np.round(parts["area_m2"].to_numpy(dtype=float), OVERLAP_AREA_DECIMALS),
                         "ids": parts["zone_ids"].astype(str).to_numpy(),
                         "inside": parts["in_study_area"].astype(bool).to_numpy(),
                         "x": np.round(shapely.get_x(pts), 3), "y": np.round(shapely.get_y(pts), 3)})
    order = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    out = parts.iloc[order].reset_index(drop=True)
    out.insert(0, "overlap_id", [f"O{i:04d}" for i in range(1, len(out) + 1)])
    return gpd.GeoDataFrame(out, geometry=parts.geometry.name, crs=parts.crs)


def find_outside(faces: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], zone_id: str = "zone_id"
                 ) -> gpd.GeoDataFrame:
    """越界: for every zone that sticks out of the study area, the part outside and its area.

    Columns: ``layer``, ``zone_id``, ``outside_m2``, ``zone_m2``, ``outside_share``.
    """
    outside = faces[~faces["in_study_area"] & (faces["n_layers"] > 0)]
    frames = []
    for name, gdf in layers.items():
        ids, count = layer_columns(name)
        sub = outside[outside[count] > 0]
        if sub.empty:
            continue
        pairs = sub[[ids, "geometry"]].assign(zone_id=sub[ids].str.split(";")).explode("zone_id")
        parts = _dissolve(pairs[["zone_id", "geometry"]], "zone_id")
        parts["outside_m2"] = parts.geometry.area
        zone_area = gdf.to_crs(faces.crs).assign(zone_m2=lambda z: z.geometry.area)
        zone_area = zone_area.set_index(zone_area[zone_id].astype(str))["zone_m2"]
        zone_area = zone_area[~zone_area.index.duplicated()]
        parts["zone_m2"] = zone_area.reindex(parts["zone_id"]).to_numpy()
        parts["outside_share"] = parts["outside_m2"] / parts["zone_m2"]
        parts.insert(0, "layer", name)
        frames.append(parts)
    if not frames:
        return gpd.GeoDataFrame(columns=["layer", "zone_id", "outside_m2", "zone_m2", "outside_share"],
                                geometry=[], crs=faces.crs)
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out.sort_values(["layer", "outside_m2"], ascending=[True, False], kind="stable")
                            .reset_index(drop=True), geometry="geometry", crs=faces.crs)


def find_invalid_edges(layers: Mapping[str, gpd.GeoDataFrame], crs, gap_width: float = 0.0,
                       zone_id: str = "zone_id", report: Mapping[str, np.ndarray] | None = None) -> gpd.GeoDataFrame:
    """Edges to fix between neighbouring zones of one layer: narrow gaps (< ``gap_width`` m) and
    slivers/overlaps, from ``shapely.coverage_invalid_edges``.

    Columns: ``layer``, ``zone_id``, ``length_m``; LineString geometry (one row per line).

    ``report``: per layer, a boolean mask of the zones whose edges are reported (the others only
    take part as neighbours: a partition reports the zones it owns, tested against their
    neighbours in other partitions); default all.
    """
    frames = []
    for name, gdf in layers.items():
        zones = gdf if gdf.crs is not None and gdf.crs.equals(crs) else gdf.to_crs(crs)
        edges = shapely.coverage_invalid_edges(zones.geometry.to_numpy(), gap_width=gap_width)
        has = ~(shapely.is_missing(edges) | shapely.is_empty(edges))
        if report is not None and name in report:
            has &= np.asarray(report[name], dtype=bool)
        if not has.any():
            continue
        lines, owner = shapely.get_parts(edges[has], return_index=True)  # as GeoDataFrame.explode, on the arrays
        ids = zones[zone_id].astype(str).to_numpy()[has][owner]
        frames.append(gpd.GeoDataFrame({"layer": name, "zone_id": ids, "length_m": shapely.length(lines)},
                                       geometry=lines, crs=crs))
    if not frames:
        return gpd.GeoDataFrame(columns=["layer", "zone_id", "length_m"], geometry=[], crs=crs)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)


def flag_slivers(parts: gpd.GeoDataFrame, area_column: str, sliver_m2: float) -> gpd.GeoDataFrame:
    """A copy with ``is_sliver``: ``area_column`` below ``sliver_m2`` (digitising noise, kept but set apart)."""
    parts = parts.copy()
    parts["is_sliver"] = parts[area_column].astype(float) < sliver_m2
    return parts


def coverage_report(faces: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], *, gap_width: float = GAP_WIDTH_M,
                    sliver_m2: float = SLIVER_M2, zone_id: str = "zone_id",
                    invalid_edges: gpd.GeoDataFrame | None = None) -> CoverageReport:
    """Everything an official asks of a mosaic: shares covered, 盲区, 多头, 越界, edges to fix.

    Parameters
    ----------
    faces : from :func:`gridmap.analysis.mosaic.build_mosaic` (with the study area, and residents for the
        people counts).
    layers : the same zone layers, for nearest-zone look-ups, zone areas and edge checks.
    gap_width : report gaps between neighbouring zones narrower than this (metres) as edges; the
        product default (:data:`gridmap.defaults.GAP_WIDTH_M`, 5 m), as the CLI and the app.
    sliver_m2 : gaps, overlaps and outside parts smaller than this (default
        :data:`gridmap.defaults.SLIVER_M2`, 1 m²) are kept but flagged
        ``is_sliver`` — the noise of layers digitised separately — so maps and counts can set them
        apart without losing them.
    invalid_edges : the edges to fix, when already computed from the same ``layers``,
        ``gap_width`` and ``zone_id`` in the faces' CRS (:func:`find_invalid_edges`): they depend on
        the layers only, so ``gridmap coverage`` finds them on its second core while the mosaic is
        built.
    """
    check_number(gap_width, "gap_width", "metres", minimum=0)
    check_number(sliver_m2, "sliver_m2", "m²", minimum=0)
    names = list(layers)
    return CoverageReport(
        summary=summarise_coverage(faces, names),
        sliver_m2=sliver_m2,
        gaps=flag_slivers(find_gaps(faces, layers, zone_id), "area_m2", sliver_m2),
        overlaps=flag_slivers(find_overlaps(faces, names), "area_m2", sliver_m2),
        outside=flag_slivers(find_outside(faces, layers, zone_id), "outside_m2", sliver_m2),
        invalid_edges=(find_invalid_edges(layers, faces.crs, gap_width, zone_id) if invalid_edges is None
                       else invalid_edges),
    )
