"""Micro grids (微网格): whole neighbouring buildings of 10–70 households inside each base grid (docs/design.md §7.2).

A base grid of 300–500 households is split into micro grids, each a group of whole buildings that
are neighbours, with a household total in a band (default 10–70, configurable), each led by a
楼栋长 (``building_head``). Method, per base grid:

1. every resident feature (building polygon or point) is taken at its point on surface; features at
   the same spot form one *site* (they cannot be told apart, so they go together);
2. the sites' Voronoi cells, clipped to the grid polygon, partition the grid: each building gets
   the ground nearest to it, so the micro grids partition their base grid exactly;
3. two sites are neighbours when their clipped cells share an edge (its length is the cut cost);
4. the sites are partitioned into connected groups within the band by the same compiled heuristic
   as the grids themselves (:func:`gridmap.plans.regions.partition_pieces`): region growing from
   spread seeds, then local search on (band violation, cut length); a building alone above the
   maximum is a micro grid of its own (a building is never split);
5. micro codes are the grid code + 2 digits (01–99), west→east in rows north→south.

:func:`check_micro_grids` is the plan check ``micro``: every household in exactly one micro grid —
per base grid, the micro grids' households add up to the grid's, and every micro grid belongs to
a base grid of the plan by its code.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.errors import GridCodeError, GridmapError, ParameterError, check_number
from gridmap.plans.grids import reading_order
from gridmap.plans.regions import partition_pieces

__all__ = ["MICRO_LAYER", "DEFAULT_MICRO_BAND", "MICRO_OUTPUT_COLUMNS", "MICRO_TEXT_COLUMNS", "parse_micro_band",
           "resident_points", "resident_grid_codes", "MicroBuild", "build_micro_grids", "check_micro_grids",
           "normalize_micro_grids", "touched_grids", "rebuild_micro_grids", "refresh_plan_micro_grids",
           "same_micro_grids", "micro_rows", "replace_micro_rows", "with_building_head", "move_micro_buildings",
           "micro_rows_to_records", "micro_rows_from_records", "changed_micro_grids"]

#: Layer name of the micro grids in a plan file.
MICRO_LAYER = "micro_grids"
#: Households of a micro grid (inclusive).
DEFAULT_MICRO_BAND = (10, 70)
#: Columns of the micro-grid layer (then geometry); compatible with :mod:`gridmap.present.notice_inputs`.
MICRO_OUTPUT_COLUMNS = ("micro_code", "grid_code", "grid_type", "households", "n_buildings", "in_band",
                        "building_head", "building_head_phone")
#: The text columns of :data:`MICRO_OUTPUT_COLUMNS` (codes keep their leading zeros).
MICRO_TEXT_COLUMNS = ("micro_code", "grid_code", "grid_type", "building_head", "building_head_phone")


def parse_micro_band(value: str | tuple[int, int]) -> tuple[int, int]:
    """``(min, max)`` households from ``"10,70"`` or a pair; raises :class:`ParameterError` otherwise."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace("，", ",").split(",")]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ParameterError("err_micro_micro_give_smallest_and_largest", value=value)
        value = (int(parts[0]), int(parts[1]))
    lo = check_number(value[0], "--micro MIN", "households", minimum=1, integer=True)
    hi = check_number(value[1], "--micro MAX", "households", minimum=1, integer=True)
    if lo > hi:
        raise ParameterError("err_micro_micro_min_must_not_exceed", lo=lo, hi=hi)
    return lo, hi


def resident_points(residents: gpd.GeoDataFrame, crs) -> np.ndarray:
    """Each resident feature as a point in ``crs``: points as they are, polygons at their point on surface
    (the rule the unit mosaic counts households by).
    """
    geoms = residents.to_crs(crs).geometry.to_numpy()
    return np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))


def resident_grid_codes(points: np.ndarray, units: gpd.GeoDataFrame, unit_codes: np.ndarray) -> np.ndarray:
    """The grid code of each resident point: that of the first unit it lies in or on (as the mosaic
    counts it), "" outside every unit.
    """
    tree = shapely.STRtree(units.geometry.to_numpy())
    res_idx, unit_idx = tree.query(points, predicate="intersects")
    first = pd.Series(unit_idx).groupby(res_idx).min()
    out = np.full(len(points), "", dtype=object)
    out[first.index.to_numpy()] = np.asarray(unit_codes, dtype=object)[first.to_numpy()]
    return out


@dataclass
class MicroBuild:
    """What :func:`build_micro_grids` returns.

    Attributes
    ----------
    micro_grids : :data:`MICRO_OUTPUT_COLUMNS` + polygons, the grids' CRS; per base grid they partition it.
    membership : per resident feature: ``resident_index`` (0-based row), ``grid_code``, ``micro_code``
        ("" outside every base grid), ``households``.
    status : per base grid: ``grid_code``, ``households``, ``n_micro``, ``n_in_band``, ``reason``.
    """

    micro_grids: gpd.GeoDataFrame
    membership: pd.DataFrame
    status: pd.DataFrame


def _cells(grid: shapely.Geometry, sites: np.ndarray) -> np.ndarray:
    """Voronoi cells of the sites (in their order) clipped to the grid polygon."""
    if len(sites) == 1:
        return np.array([grid], dtype=object)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=grid, ordered=True))
    if len(cells) != len(sites):  # defensive: GEOS returns one cell per distinct site
        tree = shapely.STRtree(cells)
        s_idx, c_idx = tree.query(sites, predicate="intersects")
        cells = cells[pd.Series(c_idx).groupby(s_idx).min().reindex(range(len(sites))).to_numpy()]
    return shapely.intersection(cells, grid)


def _neighbours(cells: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of cells of the same grid sharing an edge, with its length."""
    tree = shapely.STRtree(cells)
    i, j = tree.query(cells, predicate="intersects")
    keep = (i < j) & (owner[i] == owner[j])
    i, j = i[keep], j[keep]
    length = shapely.length(shapely.intersection(shapely.boundary(cells[i]), shapely.boundary(cells[j])))
    edge = length > 1e-6
    return i[edge], j[edge], length[edge]


def build_micro_grids(grids: gpd.GeoDataFrame, residents: gpd.GeoDataFrame, resident_grid: np.ndarray | None = None,
                      *, min_households: int = DEFAULT_MICRO_BAND[0], max_households: int = DEFAULT_MICRO_BAND[1],
                      seed: int = 0, restarts: int = 8, max_passes: int = 30, polish: int = 4) -> MicroBuild:
    """Partition every base grid into micro grids of whole neighbouring buildings (see the module docstring).

    Parameters
    ----------
    grids : the base grids (``grid_code``, polygons) in a metric CRS; exclusive grids are left out by the caller.
    residents : building polygons or points with ``households``, any CRS.
    resident_grid : the grid code of each resident ("" = none), e.g. :func:`resident_grid_codes`
        from the plan's units, so the micro grids count the households exactly as the grids do;
        default: the first grid polygon containing its point.
    min_households, max_households : the band of a micro grid.
    seed, restarts, max_passes, polish : of the partition heuristic; same inputs and seed, same micro grids.

    Returns
    -------
    :class:`MicroBuild`. Raises :class:`gridmap.errors.GridCodeError` when a grid would need more
    than 99 micro grids (2 code digits).
    """
    min_households, max_households = parse_micro_band((min_households, max_households))
    grids = grids.reset_index(drop=True)
    crs = grids.crs
    codes = grids["grid_code"].astype(str).to_numpy()
    points = resident_points(residents, crs)
    hh_res = (pd.to_numeric(residents["households"], errors="coerce").fillna(0).to_numpy().astype(np.int64)
              if "households" in residents else np.zeros(len(residents), np.int64))
    if resident_grid is None:
        resident_grid = resident_grid_codes(points, grids, codes)
    resident_grid = np.asarray(resident_grid, dtype=object)
    grid_pos = pd.Index(codes).get_indexer(resident_grid)  # −1: outside, or in an exclusive grid
    inside = np.flatnonzero(grid_pos >= 0)
    # sites: residents of one grid at the same spot (mm)
    xy = shapely.get_coordinates(points[inside]) if len(inside) else np.empty((0, 2))
    key = pd.DataFrame({"g": grid_pos[inside], "x": np.round(xy[:, 0], 3), "y": np.round(xy[:, 1], 3)})
    site_of, site_keys = pd.factorize(pd.MultiIndex.from_frame(key), sort=True) if len(key) else (np.empty(0, int), [])
    n_sites = len(site_keys)
    site_grid = np.array([k[0] for k in site_keys], dtype=np.int64)
    site_xy = np.array([[k[1], k[2]] for k in site_keys], dtype=np.float64).reshape(-1, 2)
    site_hh = np.bincount(site_of, weights=hh_res[inside], minlength=n_sites).astype(np.int64)
    # cells per grid (sites are sorted by grid)
    geoms = grids.geometry.to_numpy()
    bounds = np.searchsorted(site_grid, np.arange(len(grids) + 1))
    cells = np.empty(n_sites, dtype=object)
    for g in range(len(grids)):
        a, b = bounds[g], bounds[g + 1]
        if b > a:
            cells[a:b] = _cells(geoms[g], shapely.points(site_xy[a:b]))
    i, j, length = _neighbours(cells, site_grid) if n_sites else (np.empty(0, int),) * 2 + (np.empty(0),)
    # pieces: connected components of each grid's site graph (a concave grid can cut a cell off)
    _, comp = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(n_sites, n_sites)), directed=False)
    order = np.lexsort((np.arange(n_sites), comp, site_grid))
    position = np.empty(n_sites, dtype=np.int64)
    position[order] = np.arange(n_sites)
    piece_key = site_grid[order] * (n_sites + 1) + comp[order]
    piece_start = np.flatnonzero(np.r_[True, piece_key[1:] != piece_key[:-1]]) if n_sites else np.empty(0, int)
    piece_ptr = np.r_[piece_start, n_sites].astype(np.int64)
    piece_grid = site_grid[order][piece_start] if n_sites else np.empty(0, np.int64)
    si, sj = position[i], position[j]
    src, dst, w = np.r_[si, sj], np.r_[sj, si], np.r_[length, length]
    by_row = np.lexsort((dst, src))
    indptr = np.r_[0, np.cumsum(np.bincount(src, minlength=n_sites))].astype(np.int64)
    streams = np.array([np.random.default_rng([seed, zlib.crc32(c.encode())]).integers(2**63) for c in codes],
                       dtype=np.uint64)
    local = partition_pieces(site_hh[order], site_xy[order], indptr, dst[by_row], w[by_row], piece_ptr,
                             piece_grid, streams, min_households, max_households, restarts, max_passes, polish)
    # number the regions of each grid across its pieces
    piece_of = np.repeat(np.arange(len(piece_ptr) - 1), np.diff(piece_ptr))
    n_regions = np.zeros(len(piece_ptr) - 1, dtype=np.int64)
    np.maximum.at(n_regions, piece_of, local + 1)
    label_sorted = local + np.r_[0, np.cumsum(n_regions)[:-1]][piece_of] if n_sites else local
    site_label = np.empty(n_sites, dtype=np.int64)
    site_label[order] = label_sorted
    n_labels = int(site_label.max()) + 1 if n_sites else 0
    label_grid = np.zeros(n_labels, dtype=np.int64)
    label_grid[site_label] = site_grid
    members = pd.Series(np.arange(n_sites)).groupby(site_label).indices if n_sites else {}
    label_geom = np.array([shapely.union_all(cells[members[k]]) for k in range(n_labels)], dtype=object)
    label_hh = np.bincount(site_label, weights=site_hh, minlength=n_labels).astype(np.int64)
    label_sites = np.bincount(site_label, weights=np.bincount(site_of, minlength=n_sites), minlength=n_labels)
    # codes: grid code + 2 digits in reading order
    label_code = np.empty(n_labels, dtype=object)
    rows, status = [], []
    area = shapely.area(label_geom) if n_labels else np.empty(0)
    cent = shapely.centroid(label_geom) if n_labels else np.empty(0)
    by_grid = pd.Series(np.arange(n_labels)).groupby(label_grid).indices if n_labels else {}
    for g, code in enumerate(codes):
        mine = by_grid.get(g)
        if mine is None:  # no resident: the grid is one micro grid of 0 households
            rows.append((f"{code}01", code, 0, 0, geoms[g]))
            status.append((code, 0, 1, int(min_households <= 0), "no households in the grid"))
            continue
        if len(mine) > 99:
            raise GridCodeError("err_micro_grid_micro_grids_but_micro", code=code, n_mine=len(mine),
                                min_households=min_households, larger=max_households * 2)
        tol = 0.5 * float(np.median(np.sqrt(area[mine])))
        ranked = mine[reading_order(shapely.get_x(cent[mine]), shapely.get_y(cent[mine]), tol)]
        for k, lab in enumerate(ranked, start=1):
            label_code[lab] = f"{code}{k:02d}"
            rows.append((label_code[lab], code, int(label_hh[lab]), int(label_sites[lab]), label_geom[lab]))
        hh = label_hh[mine]
        in_band = (hh >= min_households) & (hh <= max_households)
        reason = ""
        if not in_band.all():
            big = site_hh[np.isin(site_label, mine)] > max_households
            reason = "; ".join(r for r, on in (
                ("a building alone above the maximum", big.any()),
                ("too few households for the band", hh.sum() < min_households),
                ("the heuristic found no partition within the band", not big.any() and hh.sum() >= min_households),
            ) if on)
        status.append((code, int(hh.sum()), len(mine), int(in_band.sum()), reason))
    micro = pd.DataFrame(rows, columns=["micro_code", "grid_code", "households", "n_buildings", "geometry"])
    micro.insert(2, "grid_type", "微网格")
    micro["in_band"] = (micro["households"] >= min_households) & (micro["households"] <= max_households)
    micro["building_head"] = ""
    micro["building_head_phone"] = ""
    micro = gpd.GeoDataFrame(micro[[*MICRO_OUTPUT_COLUMNS, "geometry"]], geometry="geometry", crs=crs)
    res_micro = np.full(len(residents), "", dtype=object)
    if len(inside):
        res_micro[inside] = label_code[site_label[site_of]]
    membership = pd.DataFrame({"resident_index": np.arange(len(residents)),
                               "grid_code": np.where(grid_pos >= 0, resident_grid, ""),
                               "micro_code": res_micro, "households": hh_res})
    status = pd.DataFrame(status, columns=["grid_code", "households", "n_micro", "n_in_band", "reason"])
    return MicroBuild(micro_grids=micro, membership=membership, status=status)


def check_micro_grids(micro: pd.DataFrame, grid_households: pd.Series) -> pd.DataFrame:
    """The plan check ``micro``: every household in exactly one micro grid.

    Parameters
    ----------
    micro : the micro grids (``micro_code``, ``grid_code``, ``households``).
    grid_households : households of each base grid, indexed by grid code.

    Returns
    -------
    One row with the check columns (``check``, ``status``, ``n``, ``grid_codes``, ``detail``): fail
    lists the base grids whose micro grids' households differ from theirs (a grid edited since its
    micro grids were made, or one without micro grids) and the grids named by micro grids that the
    plan does not have (or whose micro code does not start with the grid code, or is used twice).
    """
    codes = micro["grid_code"].astype(str)
    micro_codes = micro["micro_code"].astype(str)
    sums = pd.to_numeric(micro["households"], errors="coerce").fillna(-1).groupby(codes).sum()
    expected = grid_households.astype(np.int64)
    got = sums.reindex(expected.index).fillna(0).astype(np.int64)
    differ = expected.index[(got != expected).to_numpy()].tolist()
    stray = sorted(set(codes[~codes.isin(expected.index)]))
    bad_code = sorted(set(codes[(micro_codes.str[:15] != codes) | micro_codes.duplicated(keep=False)]))
    bad = sorted(set(differ) | set(stray) | set(bad_code))
    parts = []
    if differ:
        parts.append(f"{len(differ)} grid(s) whose micro grids do not hold exactly their households")
    if stray:
        parts.append(f"micro grids of {len(stray)} grid(s) not in the plan")
    if bad_code:
        parts.append(f"{len(bad_code)} grid(s) with a micro code not its grid code + 2 digits, or used twice")
    detail = "; ".join(parts) if parts else "every household in exactly one micro grid"
    return pd.DataFrame([{"check": "micro", "status": "fail" if bad else "pass", "n": len(bad),
                          "grid_codes": ";".join(bad), "detail": detail}])


def normalize_micro_grids(micro: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The micro grids as every store keeps them: :data:`MICRO_OUTPUT_COLUMNS` with fixed types, then polygons.

    Codes and names are text (``""`` for missing), ``households`` and ``n_buildings`` 64-bit
    integers, ``in_band`` boolean, an empty polygon (a grid without units) None; rows in
    ``micro_code`` order. Columns other than these are
    dropped (a store keeps exactly these, so what is read back equals what was saved).
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(micro)))
    frame = micro.reset_index(drop=True)
    for column in MICRO_OUTPUT_COLUMNS:
        values = frame[column] if column in frame else pd.Series([None] * len(frame), dtype=object)
        if column in MICRO_TEXT_COLUMNS:
            default = "微网格" if column == "grid_type" else ""
            out[column] = [default if v is None or v != v else str(v) for v in values.tolist()]
        elif column == "in_band":
            out[column] = np.array([bool(v) if v == v and v is not None else False for v in values.tolist()],
                                   dtype=bool)
        else:
            out[column] = pd.to_numeric(values, errors="coerce").fillna(0).to_numpy().astype(np.int64)
    geoms = np.array(frame.geometry.to_numpy(), dtype=object)
    geoms[shapely.is_empty(geoms)] = None  # the 微网格 of a grid left without units: no geometry
    geoms = gpd.GeoSeries(geoms, crs=micro.crs)
    result = gpd.GeoDataFrame(out, geometry=geoms, crs=micro.crs)
    return result.sort_values("micro_code", kind="stable").reset_index(drop=True)


def same_micro_grids(a: gpd.GeoDataFrame | None, b: gpd.GeoDataFrame | None) -> bool:
    """True when two micro-grid layers hold the same rows (after :func:`normalize_micro_grids`) and geometries."""
    if a is None or b is None:
        return a is None and b is None
    a, b = normalize_micro_grids(a), normalize_micro_grids(b)
    if len(a) != len(b) or not a.drop(columns="geometry").equals(b.drop(columns="geometry")):
        return False
    return bool(shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), tolerance=0.0).all())


def touched_grids(before: pd.Series, after: pd.Series) -> set[str]:
    """Grid codes that gained or lost units between two assignments (``grid_code`` per unit, indexed by ``unit_id``).

    Their micro grids no longer cover exactly their buildings; every other grid keeps its units and
    so its micro grids.
    """
    b = before.reindex(after.index).fillna("").astype(object).to_numpy()
    a = after.fillna("").astype(object).to_numpy()
    changed = b != a
    return (set(b[changed]) | set(a[changed])) - {"", None}


def rebuild_micro_grids(micro: gpd.GeoDataFrame, base_codes, targets: gpd.GeoDataFrame,
                        residents: gpd.GeoDataFrame | None, resident_grid: np.ndarray | None, *,
                        band: tuple[int, int] = DEFAULT_MICRO_BAND, seed: int = 0
                        ) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """Micro grids made anew for the grids ``targets`` (e.g. :func:`touched_grids` of an edit); the others kept.

    Parameters
    ----------
    micro : the micro grids before (of any grids).
    base_codes : the codes of the plan's base grids now; micro grids of other grids (merged away,
        now exclusive) are dropped.
    targets : the grids whose micro grids are made anew (``grid_code``, polygons, metric CRS); those
        not among ``base_codes`` are ignored.
    residents : the residents the micro grids were made from (buildings or points with
        ``households``); None when they are not at hand: the micro grids of ``targets`` are then
        dropped (the ``micro`` check names those grids until they are rebuilt).
    resident_grid : the grid code of each resident (:func:`resident_grid_codes` of the plan's units).
    band, seed : as :func:`build_micro_grids`.

    Returns
    -------
    (micro grids, codes rebuilt, codes dropped): whole buildings, each micro grid inside its grid,
    codes = grid code + 2 digits; the building heads (楼栋长) of rebuilt grids are cleared.
    """
    base = set(map(str, base_codes))
    targets = targets[targets["grid_code"].astype(str).isin(base)]
    codes = sorted(targets["grid_code"].astype(str))
    kept = normalize_micro_grids(micro[micro["grid_code"].astype(str).isin(base - set(codes))])
    if not codes:
        return kept, [], []
    if residents is None:
        return kept, [], codes
    built = build_micro_grids(targets, residents, resident_grid, min_households=band[0], max_households=band[1],
                              seed=seed)
    fresh = normalize_micro_grids(built.micro_grids.to_crs(kept.crs) if kept.crs is not None else built.micro_grids)
    joined = pd.concat([kept, fresh], ignore_index=True)
    return normalize_micro_grids(gpd.GeoDataFrame(joined, geometry="geometry", crs=fresh.crs)), codes, []


def refresh_plan_micro_grids(plan, codes, residents: gpd.GeoDataFrame | None, *, seed: int = 0
                             ) -> tuple[list[str], list[str]]:
    """Make the 微网格 of a plan's grids ``codes`` anew, in place (:func:`rebuild_micro_grids`).

    ``plan`` is a :class:`gridmap.plans.plan.Plan` with micro grids (nothing happens without); its
    ``micro_band`` is the band. Micro grids of grids gone or now exclusive are dropped. Returns
    (codes rebuilt, codes whose micro grids were dropped because ``residents`` is None).
    """
    if plan.micro_grids is None:
        return [], []
    base_codes = [c for c in plan.registry if c not in plan.exclusive]
    wanted = set(map(str, codes)) & set(base_codes)
    stale = set(plan.micro_grids["grid_code"].astype(str)) - set(base_codes)
    if not wanted and not stale:
        return [], []
    targets = plan.grids(sorted(wanted))[["grid_code", "geometry"]]
    resident_grid = None
    if residents is not None and len(wanted):
        unit_codes = np.array([c or "" for c in plan.codes], dtype=object)
        resident_grid = resident_grid_codes(resident_points(residents, plan.crs), plan.units, unit_codes)
    micro, rebuilt, dropped = rebuild_micro_grids(plan.micro_grids, base_codes, targets, residents, resident_grid,
                                                  band=plan.micro_band, seed=seed)
    plan.micro_grids = micro
    return rebuilt, dropped


# ------------------------------------------------------------------------------------------ edits (issue 16)


def micro_rows(micro: gpd.GeoDataFrame, codes) -> gpd.GeoDataFrame:
    """The 微网格 of the base grids ``codes`` (normalised, :func:`normalize_micro_grids`)."""
    micro = normalize_micro_grids(micro)
    return micro[micro["grid_code"].isin(set(map(str, codes)))].reset_index(drop=True)


def replace_micro_rows(micro: gpd.GeoDataFrame, codes, rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``micro`` with the 微网格 of the base grids ``codes`` replaced by ``rows`` (the others untouched)."""
    micro = normalize_micro_grids(micro)
    kept = micro[~micro["grid_code"].isin(set(map(str, codes)))]
    rows = normalize_micro_grids(rows.to_crs(micro.crs) if rows.crs is not None and micro.crs is not None else rows)
    return normalize_micro_grids(gpd.GeoDataFrame(pd.concat([kept, rows], ignore_index=True), geometry="geometry",
                                                  crs=micro.crs))


def _micro_of(micro: gpd.GeoDataFrame, micro_code: str) -> pd.Series:
    hit = micro[micro["micro_code"].astype(str) == str(micro_code)]
    if not len(hit):
        raise GridmapError("err_micro_unknown", code=micro_code)
    return hit.iloc[0]


def with_building_head(micro: gpd.GeoDataFrame, micro_code: str, name: str, phone: str = "") -> gpd.GeoDataFrame:
    """The 微网格 with the 楼栋长 (``building_head``) and phone of ``micro_code`` set (blank clears them)."""
    micro = normalize_micro_grids(micro)
    _micro_of(micro, micro_code)
    name, phone = str(name or "").strip(), str(phone or "").strip()
    if len(name) > 50 or len(phone) > 30:
        raise GridmapError("err_micro_head_long", code=micro_code)
    hit = micro["micro_code"] == str(micro_code)
    micro.loc[hit, "building_head"] = name
    micro.loc[hit, "building_head_phone"] = phone
    return micro


def move_micro_buildings(micro: gpd.GeoDataFrame, grid: shapely.Geometry, grid_code: str, points: np.ndarray,
                         households: np.ndarray, picked: np.ndarray, target_code: str,
                         band: tuple[int, int] = DEFAULT_MICRO_BAND) -> gpd.GeoDataFrame:
    """The 微网格 of one base grid after moving the picked buildings into the 微网格 ``target_code``.

    Parameters
    ----------
    micro : the plan's 微网格 (any grids; only ``grid_code``'s change).
    grid : the base grid's polygon (the plan's metric CRS).
    grid_code : the base grid; ``target_code`` must be one of its 微网格.
    points, households : the grid's residents as points (metric CRS) and their households.
    picked : which of them move (e.g. those inside a drawn polygon, or all of one 微网格).
    band : households of a 微网格 (``in_band``).

    Returns
    -------
    The 微网格 of ``grid_code`` only (:data:`MICRO_OUTPUT_COLUMNS` + polygons): each building's
    ground (its Voronoi cell in the grid, as :func:`build_micro_grids` makes it) goes whole with
    it, so the grid stays partitioned and every household is in exactly one 微网格; a 微网格
    left without buildings is dropped; 楼栋长 are kept. Raises :class:`GridmapError` when the
    target is not a 微网格 of the grid, nothing is picked, or the target would not be one piece
    (its buildings must be neighbours).
    """
    grid_code, target_code = str(grid_code), str(target_code)
    rows = micro_rows(micro, [grid_code])
    target = _micro_of(rows, target_code) if target_code.startswith(grid_code) else None
    if target is None:
        raise GridmapError("err_micro_target", target=target_code, grid=grid_code)
    picked = np.asarray(picked, dtype=bool)
    if not picked.any() or len(points) == 0:
        raise GridmapError("err_micro_nothing_picked", grid=grid_code)
    xy = np.round(shapely.get_coordinates(points), 3)
    site_of, keys = pd.factorize(pd.MultiIndex.from_arrays([xy[:, 0], xy[:, 1]]), sort=True)
    site_xy = np.array([[k[0], k[1]] for k in keys], dtype=np.float64)
    sites = shapely.points(site_xy)
    cells = _cells(grid, sites)
    tree = shapely.STRtree(rows.geometry.to_numpy())
    s_idx, m_idx = tree.query(sites, predicate="intersects")
    current = np.full(len(sites), "", dtype=object)
    first = pd.Series(m_idx).groupby(s_idx).min()
    current[first.index.to_numpy()] = rows["micro_code"].to_numpy()[first.to_numpy()]
    moved = np.zeros(len(sites), dtype=bool)
    moved[site_of[picked]] = True
    label = np.where(moved, target_code, current)
    out = []
    heads = rows.set_index("micro_code")
    n_res = np.bincount(site_of, minlength=len(sites))
    hh = np.bincount(site_of, weights=np.asarray(households, dtype=float), minlength=len(sites)).astype(np.int64)
    for code in sorted(set(label) - {""}):
        mine = label == code
        geom = shapely.union_all(cells[mine])
        if code == target_code and len(shapely.get_parts(geom)) > 1:
            raise GridmapError("err_micro_not_neighbours", target=target_code)
        households_here = int(hh[mine].sum())
        out.append({"micro_code": code, "grid_code": grid_code, "grid_type": "微网格", "households": households_here,
                    "n_buildings": int(n_res[mine].sum()), "in_band": band[0] <= households_here <= band[1],
                    "building_head": heads.loc[code, "building_head"] if code in heads.index else "",
                    "building_head_phone": heads.loc[code, "building_head_phone"] if code in heads.index else "",
                    "geometry": geom})
    return normalize_micro_grids(gpd.GeoDataFrame(out, geometry="geometry", crs=rows.crs))


def micro_rows_to_records(rows: gpd.GeoDataFrame) -> list[dict]:
    """The 微网格 rows as JSON-able records (geometry as WKT), e.g. for a plan's edit log."""
    rows = normalize_micro_grids(rows)
    records = pd.DataFrame(rows.drop(columns="geometry")).to_dict(orient="records")
    for record, geom in zip(records, rows.geometry.to_numpy(), strict=True):
        record["in_band"] = bool(record["in_band"])
        record["households"], record["n_buildings"] = int(record["households"]), int(record["n_buildings"])
        record["geometry"] = None if geom is None else shapely.to_wkt(geom, rounding_precision=-1)
    return records


def micro_rows_from_records(records: list[dict], crs) -> gpd.GeoDataFrame:
    """The rows :func:`micro_rows_to_records` wrote, in ``crs``."""
    frame = pd.DataFrame(records, columns=[*MICRO_OUTPUT_COLUMNS, "geometry"])
    geoms = shapely.from_wkt(frame["geometry"].to_numpy(dtype=object))
    return normalize_micro_grids(gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geoms, crs=crs))


def changed_micro_grids(before: gpd.GeoDataFrame | None, after: gpd.GeoDataFrame | None) -> set[str]:
    """Base grid codes whose 微网格 differ between two layers (rows, 楼栋长 or polygons); None counts as none."""
    a = normalize_micro_grids(before) if before is not None else None
    b = normalize_micro_grids(after) if after is not None else None
    codes = set(a["grid_code"]) if a is not None else set()
    codes |= set(b["grid_code"]) if b is not None else set()
    out = set()
    for code in codes:
        rows_a = a[a["grid_code"] == code] if a is not None else None
        rows_b = b[b["grid_code"] == code] if b is not None else None
        if rows_a is None or rows_b is None or not same_micro_grids(rows_a, rows_b):
            out.add(code)
    return out
