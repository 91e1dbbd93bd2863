"""Grid types, and the exclusive grids (专属网格) carved out of the base grids (docs/design.md §7.2).

A plan's grids are of three types (:data:`GRID_TYPES`):

* ``基础网格`` — the base grid, balanced by households (:func:`gridmap.plans.grids.build_grids`);
* ``专属网格`` — a school, hospital, market, park, industrial park or large enterprise as a grid of
  its own, whatever its households (exempt from the household band);
* ``微网格`` — groups of whole buildings inside a base grid (:mod:`gridmap.plans.micro`).

Exclusive areas come from a user's polygon layer or from the OSM file's polygons
(:data:`OSM_EXCLUSIVE_TAGS`: ``amenity=school|university|college|kindergarten|hospital|marketplace``,
``leisure=park``, ``landuse=industrial|commercial|retail``). :func:`prepare_exclusive_areas` keeps
those at least ``min_area_m2`` large inside the study area, and makes them disjoint (a smaller area
keeps its ground: the school inside an industrial estate is the school's grid).
:func:`snap_to_buildings` then moves each area's border onto whole buildings — a building straddling
the border joins the area when most of its footprint lies inside, and leaves it otherwise — so no
building is cut. The areas enter the unit mosaic as one more layer (``exclusive``), so every unit is
inside or outside one area; a unit merged from faces takes the area of its largest face (majority
overlap, :func:`unit_exclusive_ids`).

:func:`build_typed_grids` builds the base grids on the other units and makes one exclusive grid per
(area, community) — an area crossing a community border is one grid on each side, since no grid
crosses a community, and an area in several parts (cut by a street) is one grid per part.
Exclusive grids are numbered in their own range of sequence numbers per community (default
901–999, our convention: 15-digit code = community's 12 digits + 901, 902, … in reading order);
base grids take the numbers below the range.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.errors import ParameterError, check_number
from gridmap.io.osm import osm_file_error, osm_xml
from gridmap.io.validate import LayerError
from gridmap.plans.grids import GridBuild, build_grids, community_prefixes, grid_table, number_grids
from gridmap.plans.units import unit_adjacency
from gridmap.vocab import Message

__all__ = ["BASE", "EXCLUSIVE", "MICRO", "GRID_TYPES", "DEFAULT_EXCLUSIVE_RANGE", "DEFAULT_MIN_EXCLUSIVE_AREA_M2",
           "OSM_EXCLUSIVE_TAGS", "EXCLUSIVE_LAYER", "parse_sequence_range", "exclusive_areas_from_osm",
           "prepare_exclusive_areas", "snap_to_buildings", "exclusive_zone_layer", "unit_exclusive_ids",
           "TypedBuild", "build_typed_grids", "exclusive_areas_for_units"]

BASE, EXCLUSIVE, MICRO = "基础网格", "专属网格", "微网格"
#: The grid types, coarse to fine.
GRID_TYPES = (BASE, EXCLUSIVE, MICRO)
#: Sequence numbers (last 3 code digits) of exclusive grids in each community: our convention.
DEFAULT_EXCLUSIVE_RANGE = (901, 999)
#: Exclusive areas smaller than this (m²) stay in their base grid.
DEFAULT_MIN_EXCLUSIVE_AREA_M2 = 5000.0
#: OSM tags whose polygons are exclusive areas, and the kind each is called.
OSM_EXCLUSIVE_TAGS: dict[str, dict[str, str]] = {
    "amenity": {"school": "school", "university": "school", "college": "school", "kindergarten": "school",
                "hospital": "hospital", "marketplace": "market"},
    "leisure": {"park": "park"},
    "landuse": {"industrial": "industrial", "commercial": "commercial", "retail": "market"},
}
#: Name of the zone layer the exclusive areas become in the unit mosaic.
EXCLUSIVE_LAYER = "exclusive"

Progress = Callable[[Message | str], None]  # a progress line, rendered when printed


def parse_sequence_range(value: tuple[int, int] | str) -> tuple[int, int]:
    """``(first, last)`` sequence numbers from ``"901-999"`` or a pair; both within 1–999, first ≤ last.

    Raises :class:`gridmap.errors.ParameterError` naming the value otherwise.
    """
    if isinstance(value, str):
        parts = value.replace("–", "-").split("-")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise ParameterError("err_exclusive_exclusive_range_give_two_sequence", value=value)
        value = (int(parts[0]), int(parts[1]))
    first, last = (check_number(v, "exclusive range", "sequence number", minimum=1, maximum=999, integer=True)
                   for v in value)
    if first > last:
        raise ParameterError("err_exclusive_exclusive_range_first_number_must", first=first, last=last)
    if first < 2:
        raise ParameterError("err_exclusive_exclusive_range_leave_at_least", first=first, last=last)
    return first, last


def exclusive_areas_from_osm(osm_path: str | os.PathLike) -> gpd.GeoDataFrame:
    """The polygons of an OSM XML file tagged as an exclusive area (:data:`OSM_EXCLUSIVE_TAGS`).

    Returns ``name``, ``kind`` (school, hospital, market, park, industrial, commercial) and
    ``osm_id`` in WGS84, unfiltered by size (see :func:`prepare_exclusive_areas`).
    Raises :class:`gridmap.io.validate.LayerError` for a file that cannot be read.
    """
    path = os.fspath(osm_path)
    if not os.path.exists(path):
        raise LayerError("err_exclusive_no_such_file_osm_file", path=path)
    where = " OR ".join(f"{key} IN ({', '.join(repr(v) for v in values)})"
                        for key, values in OSM_EXCLUSIVE_TAGS.items())
    try:
        with osm_xml(Path(path)) as xml:
            gdf = pyogrio.read_dataframe(xml, layer="multipolygons", where=where,
                                         columns=["osm_id", "osm_way_id", "name", "amenity", "leisure", "landuse"])
    except Exception as exc:  # noqa: BLE001 - GDAL's errors all come from the file's content
        raise osm_file_error(path, exc) from exc
    kind = pd.Series("", index=gdf.index, dtype=object)
    for key, values in OSM_EXCLUSIVE_TAGS.items():  # amenity first: a school on commercial land is a school
        mapped = gdf[key].map(values) if key in gdf else pd.Series(np.nan, index=gdf.index)
        kind = kind.where(kind != "", mapped.fillna(""))
    ids = gdf["osm_id"].fillna(gdf["osm_way_id"]).fillna("").astype(str)
    return gpd.GeoDataFrame({"osm_id": ids, "name": gdf["name"].fillna("").astype(str), "kind": kind},
                            geometry=gdf.geometry.to_numpy(), crs=gdf.crs or 4326)


def prepare_exclusive_areas(areas: gpd.GeoDataFrame, study_area: gpd.GeoDataFrame, crs, *,
                            min_area_m2: float = DEFAULT_MIN_EXCLUSIVE_AREA_M2) -> gpd.GeoDataFrame:
    """Exclusive areas ready for the mosaic: in ``crs`` (metric), valid, inside the study area,
    disjoint, at least ``min_area_m2`` each.

    Parameters
    ----------
    areas : polygons with an optional ``name`` and ``kind`` (and ``exclusive_id``; default 1…n in
        the layer's order, as text), any CRS.
    study_area : the communities (their union clips the areas).
    crs : the plan's metric CRS.
    min_area_m2 : smaller areas (after clipping and removing overlaps) are dropped.

    Returns
    -------
    ``exclusive_id``, ``name``, ``kind``, ``area_m2`` and polygons; overlaps go to the smaller area
    (processed smallest first, each losing what the earlier ones hold).
    """
    min_area_m2 = check_number(min_area_m2, "min_area_m2", "m²", minimum=0)
    if areas.crs is None:
        raise LayerError("err_exclusive_exclusive_areas_layer_has_no")
    out = areas.to_crs(crs).reset_index(drop=True)
    ids = (out["exclusive_id"].astype(str) if "exclusive_id" in out
           else pd.Series(np.arange(1, len(out) + 1)).astype(str))
    names = out["name"].fillna("").astype(str) if "name" in out else pd.Series("", index=out.index)
    kinds = out["kind"].fillna("").astype(str) if "kind" in out else pd.Series("", index=out.index)
    geoms = shapely.make_valid(out.geometry.to_numpy())
    study = shapely.union_all(shapely.make_valid(study_area.to_crs(crs).geometry.to_numpy()))
    geoms = shapely.intersection(geoms, study)
    geoms = _polygonal(geoms)
    order = np.argsort(shapely.area(geoms), kind="stable")
    taken = shapely.Polygon()
    for k in order:  # smallest first; n is the number of exclusive areas, tens to hundreds
        if taken.is_empty:
            taken = geoms[k]
            continue
        geoms[k] = _polygonal(np.array([shapely.difference(geoms[k], taken)]))[0]
        taken = shapely.union(taken, geoms[k])
    area = shapely.area(geoms)
    keep = area >= max(min_area_m2, 1e-6)
    return gpd.GeoDataFrame({"exclusive_id": ids.to_numpy()[keep], "name": names.to_numpy()[keep],
                             "kind": kinds.to_numpy()[keep], "area_m2": area[keep]},
                            geometry=geoms[keep], crs=crs).reset_index(drop=True)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry (lines and points left by an intersection dropped)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    out = np.array([shapely.Polygon()] * len(geoms), dtype=object)
    if poly.any():
        merged = pd.Series(parts[poly]).groupby(index[poly]).agg(lambda s: shapely.union_all(s.to_numpy()))
        out[merged.index.to_numpy()] = merged.to_numpy()
    return out


def snap_to_buildings(areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move the areas' borders onto whole buildings: a building straddling an area's border joins
    the area when more than half of its footprint lies inside, and is taken out of it otherwise.

    Parameters
    ----------
    areas : disjoint polygons (:func:`prepare_exclusive_areas`), metric CRS.
    buildings : building polygons (points are ignored: a point is never cut), any CRS.

    Returns
    -------
    The areas with adjusted polygons (``area_m2`` updated). A building joins at most one area (the
    one holding most of it), so the areas stay disjoint.
    """
    if buildings is None or not len(buildings) or not len(areas):
        return areas
    geoms = buildings.to_crs(areas.crs).geometry.to_numpy()
    geoms = shapely.make_valid(geoms[np.isin(shapely.get_type_id(geoms), (3, 6))])
    if not len(geoms):
        return areas
    area_geoms = areas.geometry.to_numpy()
    b_idx, a_idx = shapely.STRtree(area_geoms).query(geoms, predicate="intersects")
    inside = shapely.area(shapely.intersection(geoms[b_idx], area_geoms[a_idx]))
    share = inside / np.maximum(shapely.area(geoms[b_idx]), 1e-12)
    straddling = (share > 1e-9) & (share < 1 - 1e-9)
    b_idx, a_idx, share = b_idx[straddling], a_idx[straddling], share[straddling]
    # the area holding most of a building keeps it when that is a majority; every other area loses it
    best = pd.DataFrame({"b": b_idx, "a": a_idx, "share": share}).sort_values("share", ascending=False)
    winner = best.drop_duplicates("b")
    winner = winner[winner["share"] > 0.5]
    out = area_geoms.copy()
    for a in np.unique(a_idx):
        mine = np.unique(b_idx[a_idx == a])
        joins = winner.loc[winner["a"] == a, "b"].to_numpy()
        leaves = np.setdiff1d(mine, joins)
        geom = out[a]
        if len(leaves):
            geom = shapely.difference(geom, shapely.union_all(geoms[leaves]))
        if len(joins):
            geom = shapely.union(geom, shapely.union_all(geoms[joins]))
        out[a] = geom
    # a building joining one area leaves the others (their difference above); the areas stay disjoint
    out = _polygonal(shapely.make_valid(out))
    result = areas.copy()
    result = result.set_geometry(gpd.GeoSeries(out, crs=areas.crs, index=areas.index))
    result["area_m2"] = shapely.area(out)
    return result


def exclusive_zone_layer(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The areas as a zone layer for :func:`gridmap.plans.units.make_units` (``zone_id`` = ``exclusive_id``)."""
    return gpd.GeoDataFrame({"zone_id": areas["exclusive_id"].astype(str).to_numpy()},
                            geometry=areas.geometry.to_numpy(), crs=areas.crs)


def unit_exclusive_ids(units: pd.DataFrame, layer: str = EXCLUSIVE_LAYER) -> np.ndarray:
    """The exclusive area of each unit ("" = none): the ``<layer>_ids`` the unit took from its largest
    face (one id, since the areas are disjoint; the first if a hand-made layer overlaps).
    """
    column = f"{layer}_ids"
    if column not in units:
        return np.full(len(units), "", dtype=object)
    ids = units[column].fillna("").astype(str).str.split(";").str[0]
    return ids.to_numpy(dtype=object)


@dataclass
class TypedBuild:
    """What :func:`build_typed_grids` returns: the :class:`~gridmap.plans.grids.GridBuild` of all grids
    (base and exclusive; ``grids`` with ``grid_type``), and ``exclusive`` = ``{grid code: "kind: name"}``.
    """

    build: GridBuild
    exclusive: dict[str, str]


def build_typed_grids(units: gpd.GeoDataFrame, min_households: int = 300, max_households: int = 500, seed: int = 0,
                      *, areas: gpd.GeoDataFrame | None = None, study_area: pd.DataFrame | None = None,
                      previous: pd.DataFrame | None = None,
                      exclusive_range: tuple[int, int] | str = DEFAULT_EXCLUSIVE_RANGE,
                      progress: Progress | None = None, **options) -> TypedBuild:
    """Base grids (balanced) on the units outside exclusive areas, one exclusive grid per (area, community).

    Parameters
    ----------
    units : units whose ``exclusive_ids`` name their exclusive area (:func:`unit_exclusive_ids`).
    min_households, max_households, seed, study_area, previous, progress, options : as
        :func:`gridmap.plans.grids.build_grids` (``options``: ``zone_weight``, ``restarts``, …).
    areas : the exclusive areas (``exclusive_id``, ``name``, ``kind``) for the grids' descriptions.
    exclusive_range : sequence numbers of the exclusive grids (first, last) or ``"901-999"``.

    Returns
    -------
    :class:`TypedBuild`. The community status counts base grids only.
    """
    first, last = parse_sequence_range(exclusive_range)
    units = units.reset_index(drop=True)
    excl = unit_exclusive_ids(units)
    inside = excl != ""
    base = units.loc[~inside].reset_index(drop=True)
    build = build_grids(base, min_households, max_households, seed, study_area=study_area, previous=previous,
                        sequences=range(1, first), progress=progress, **options)
    codes = pd.Series(build.assignment["grid_code"].to_numpy(), index=base["unit_id"].to_numpy())
    all_codes = units["unit_id"].map(codes).to_numpy(dtype=object)
    described: dict[str, str] = {}
    if inside.any():
        mine = units.loc[inside].reset_index(drop=True)
        key = pd.factorize(pd.Series(excl[inside]) + "\x1f" + mine["area_id"].astype(str))[0]
        # one grid per connected part: an area cut in two by a street is two grids, each in one piece
        i, j, _ = unit_adjacency(mine.geometry.to_numpy())
        same = key[i] == key[j]
        n = len(mine)
        _, labels = connected_components(coo_matrix((np.ones(int(same.sum())), (i[same], j[same])), shape=(n, n)),
                                         directed=False)
        prefixes = community_prefixes(study_area, units["area_id"].astype(str).to_numpy())
        ex_codes = number_grids(mine, labels, prefixes, previous, range(first, last + 1))
        all_codes[np.flatnonzero(inside)] = ex_codes
        info = {}
        if areas is not None and len(areas):
            blank = [""] * len(areas)
            info = {str(i): (str(k or ""), str(n or "")) for i, k, n in
                    zip(areas["exclusive_id"], areas.get("kind", blank), areas.get("name", blank), strict=True)}
        for code, ex in zip(ex_codes, excl[inside], strict=True):
            kind, name = info.get(ex, ("", ""))
            described[str(code)] = ": ".join(p for p in (kind, name) if p) or f"exclusive area {ex}"
    assignment = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": all_codes.astype(str)})
    grids = grid_table(units, all_codes.astype(str))
    grids.insert(1, "grid_type", np.where(grids["grid_code"].isin(described), EXCLUSIVE, BASE))
    if "area_id" not in grids:
        grids["area_id"] = ""
    return TypedBuild(GridBuild(assignment=assignment, grids=grids, status=build.status), described)


def exclusive_areas_for_units(areas: gpd.GeoDataFrame, study_area: gpd.GeoDataFrame,
                              residents: gpd.GeoDataFrame | None, crs=None, *,
                              min_area_m2: float = DEFAULT_MIN_EXCLUSIVE_AREA_M2) -> gpd.GeoDataFrame:
    """Exclusive areas ready to enter the unit mosaic: :func:`prepare_exclusive_areas` in ``crs``
    (default: the study area's metric CRS, as :func:`gridmap.plans.units.make_units` chooses it),
    then :func:`snap_to_buildings` on the residents' building polygons.
    """
    from gridmap.io.crs import metric_crs

    crs = crs or metric_crs(study_area)
    prepared = prepare_exclusive_areas(areas, study_area, crs, min_area_m2=min_area_m2)
    return snap_to_buildings(prepared, residents) if residents is not None else prepared
