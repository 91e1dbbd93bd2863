"""The unified grid (多网合一): balanced, contiguous, compact grids built from units (docs/design.md §4.4).

:func:`build_grids` partitions every community into grids of whole units:

* **contiguous** — a grid's units are connected through shared edges (the unit adjacency graph,
  :func:`gridmap.plans.units.unit_adjacency`); a community in several pieces is partitioned piece by piece;
* **inside one community** — communities are partitioned separately;
* **households in the band** (default 300–500) as a hard constraint where the community allows it:
  the number of grids is the one whose mean is nearest the middle of the band among those that can
  fit; a unit alone above the maximum becomes a grid of its own;
* **compact and following the zones** — the objective after the band is the cost of the cut edges,
  each weighted ``1 + zone_weight × (layers in which both sides carry the same zone)``, so grid
  borders prefer existing zone borders (each department recognises its territory) and short
  perimeters, less a bonus for every household living in its grid's main zone of a layer
  (``lineage`` × ``zone_weight`` × the community's cut cost per household).

The heuristic (:mod:`gridmap.plans.regions`, compiled): seeds spread by weighted k-means++ (from a
seeded random stream), region growing (the lightest region takes the frontier unit sharing the most
weighted edge with it, never above the maximum), then local search moving boundary units between
neighbouring grids while it lowers (band violation, cost) lexicographically — each accepted move
strictly lowers it, and passes are capped, so it always ends. The best of ``restarts`` attempts per
grid count (the neighbouring counts too when the band is not met) is then kicked ``polish`` times
per grid — a few units across a border, a local search around them, kept when no worse (iterated
local search). Same units + same seed → same grids.

Where a community cannot meet the band, its status says why: too few households, a unit alone
above the maximum, a disconnected piece too small, no grid count that fits, or the heuristic's
best still outside the band.

Grid codes (:func:`number_grids`) follow DB11/T 2157-2023: county (6) + street (3) + community (3)
+ sequence (3), sequence west→east in rows from north to south within each community; grids whose
unit set is unchanged from a previous assignment keep their code.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.defaults import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, SEED
from gridmap.errors import GridCodeError, ParameterError, check_number
from gridmap.plans.regions import partition_pieces
from gridmap.plans.units import COUNT_COLUMNS, layer_names, unit_adjacency
from gridmap.vocab import Message

__all__ = ["build_grids", "GridBuild", "GridStats", "number_grids", "community_prefixes", "dissolve_grids",
           "grid_table", "CODE_PATTERN", "edge_weights"]

#: A grid code: 15 digits (DB11/T 2157-2023).
CODE_PATTERN = re.compile(r"^\d{15}$")

Progress = Callable[[Message | str], None]  # a progress line, rendered when printed


# --------------------------------------------------------------------------------------------
# codes


def community_prefixes(study_area: pd.DataFrame | None, area_ids: list[str] | np.ndarray) -> dict[str, str]:
    """The 12-digit code prefix (county 6 + street 3 + community 3) of each community.

    Taken from ``county_code`` + ``street_code`` + ``community_code`` of the study area when present,
    else from an ``area_id`` of 12 digits. Communities with neither get ``000000`` + ``000`` + a
    running number in ``area_id`` order, so codes stay 15 digits and unique (say so to the user).

    Parameters
    ----------
    study_area : the study-area table (may be None).
    area_ids : the communities that need a prefix.

    Raises
    ------
    GridCodeError
        when two communities carry the same admin code (their grids would get the same codes and
        be merged), an ``area_id`` lists several communities (``A;B``: they overlap), or more than
        999 communities need a running number (it has 3 digits).
    """
    out: dict[str, str] = {}
    wanted = sorted(set(map(str, area_ids)))
    listed = [a for a in wanted if ";" in a]
    if listed:
        raise GridCodeError("err_codes_overlap", n=len(listed), pieces=", ".join(listed[:5]))
    code_columns = ["area_id", "county_code", "street_code", "community_code"]
    if study_area is not None and set(code_columns) <= set(study_area.columns):
        for row in study_area[code_columns].itertuples(index=False):
            c, s, m = (str(v).strip().removesuffix(".0") if v is not None and v == v else "" for v in row[1:])
            code = f"{c.zfill(6)}{s.zfill(3)}{m.zfill(3)}"
            if len(code) == 12 and code.isdigit():
                out[str(row[0])] = code
    by_code: dict[str, list[str]] = {}
    for a, code in out.items():
        by_code.setdefault(code, []).append(a)
    shared = {code: ids for code, ids in by_code.items() if len(ids) > 1}
    if shared:
        code, ids = next(iter(shared.items()))
        raise GridCodeError("err_codes_shared", n=len(shared), code=code, ids=", ".join(ids[:5]))
    fallback = 0
    used = set(out.values())
    need_number = [a for a in wanted if a not in out and not (len(a) == 12 and a.isdigit() and a not in used)]
    if len(need_number) > 999:
        raise GridCodeError("err_codes_uncoded", n=len(need_number))
    for a in wanted:
        if a in out:
            continue
        if len(a) == 12 and a.isdigit() and a not in used:
            out[a] = a
        else:
            fallback += 1
            while f"000000000{fallback:03d}" in used:
                fallback += 1
            out[a] = f"000000000{fallback:03d}"
        used.add(out[a])
    return out


def reading_order(x: np.ndarray, y: np.ndarray, row_tolerance: float) -> np.ndarray:
    """Indices in reading order: rows north→south (a row = y within ``row_tolerance`` of its first), west→east
    in a row."""
    order = np.lexsort((x, -y))
    rows = np.empty(len(x), dtype=np.int64)
    row, top = -1, np.inf
    for k in order:  # one pass over the grids of one community
        if top - y[k] > row_tolerance or row < 0:
            row, top = row + 1, y[k]
        rows[k] = row
    return np.lexsort((x, rows))


def number_grids(units: gpd.GeoDataFrame, labels: np.ndarray, prefixes: Mapping[str, str],
                 previous: pd.DataFrame | None = None, sequences: range = range(1, 1000)) -> np.ndarray:
    """15-digit grid codes for a labelling of the units.

    Parameters
    ----------
    units : with ``unit_id``, ``area_id`` and geometry (metric CRS).
    labels : an integer grid label per unit (any numbering; a label may not span communities —
        the community of a grid is that of its first unit).
    prefixes : ``{area_id: 12-digit prefix}`` (:func:`community_prefixes`).
    previous : an earlier assignment (``unit_id``, ``grid_code``); a grid whose set of units equals
        a previous grid's keeps that code (when its sequence number is in ``sequences``).
    sequences : the sequence numbers (last 3 digits) these grids may take: 1–999 by default;
        base grids leave the range of the exclusive grids (专属网格, :mod:`gridmap.plans.exclusive`) free.

    Returns
    -------
    The grid code of each unit. New grids take the free sequence numbers of their community in
    reading order (west→east, rows north→south, by area-weighted centroid).
    """
    labels = np.asarray(labels)
    uniq, inv = np.unique(labels, return_inverse=True)
    inv = inv.ravel()
    n = len(uniq)
    area = shapely.area(units.geometry.to_numpy())
    cent = shapely.centroid(units.geometry.to_numpy())
    wx = np.bincount(inv, weights=area * shapely.get_x(cent), minlength=n)
    wy = np.bincount(inv, weights=area * shapely.get_y(cent), minlength=n)
    wa = np.bincount(inv, weights=area, minlength=n)
    gx, gy = wx / np.maximum(wa, 1e-12), wy / np.maximum(wa, 1e-12)
    first = np.full(n, len(labels))
    np.minimum.at(first, inv, np.arange(len(labels)))
    grid_area_id = units["area_id"].astype(str).to_numpy()[first]
    unit_ids = units["unit_id"].to_numpy()
    codes = np.empty(n, dtype=object)
    kept: dict[str, str] = {}
    if previous is not None and len(previous):
        prev = previous.dropna(subset=["grid_code"])
        prev_sets = {frozenset(g["unit_id"].tolist()): str(code) for code, g in prev.groupby("grid_code")}
        members = pd.Series(unit_ids).groupby(inv).agg(frozenset)
        for g, s in members.items():
            code = prev_sets.get(s)
            if code is not None and code[:12] == prefixes[grid_area_id[g]] and int(code[12:]) in sequences:
                codes[g] = code
                kept[code] = code
    by_community = pd.Series(np.arange(n)).groupby(grid_area_id).indices  # one pass, not one scan per community
    for a in sorted(by_community):
        mine = by_community[a]
        prefix = prefixes[a]
        used = {int(codes[g][12:]) for g in mine if codes[g] is not None}
        new = mine[[codes[g] is None for g in mine]]
        if len(new) == 0:
            continue
        tol = 0.5 * float(np.median(np.sqrt(wa[mine])))
        order = new[reading_order(gx[new], gy[new], tol)]
        free = (s for s in sequences if s not in used)
        for g in order:
            seq = next(free, None)
            if seq is None:
                raise GridCodeError("err_grids_community_grids_but_grid_sequence", a=a, n_mine=len(mine),
                                    n_sequences=len(sequences), start=sequences.start, stop=sequences.stop - 1)
            codes[g] = f"{prefix}{seq:03d}"
    return codes[inv]


# --------------------------------------------------------------------------------------------
# statistics and geometry of grids


def _zone_pairs(units: pd.DataFrame, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit index, zone index, zone names) of every (unit, zone) cover pair of a layer.

    Pairs run unit by unit, a unit's zones in the order of its ``;``-separated ids; names sorted.
    Only the ids holding a ``;`` (overlaps) are split — most units carry one zone or none.
    """
    ids = units[f"{layer}_ids"].fillna("").astype(str).to_numpy(dtype=object)
    multi = np.flatnonzero(np.char.find(ids.astype(str), ";") >= 0) if len(ids) else np.empty(0, dtype=np.int64)
    single = np.ones(len(ids), dtype=bool)
    single[multi] = False
    parts = [p.split(";") for p in ids[multi]]
    unit_idx = np.r_[np.flatnonzero(single), np.repeat(multi, [len(p) for p in parts])].astype(np.int64)
    step = np.r_[np.zeros(int(single.sum()), dtype=np.int64),
                 np.concatenate([np.arange(len(p)) for p in parts]) if parts else np.empty(0, dtype=np.int64)]
    values = np.concatenate([ids[single], np.array([z for p in parts for z in p], dtype=object)])
    order = np.lexsort((step, unit_idx))
    unit_idx, values = unit_idx[order], values[order]
    keep = values != ""
    zone_idx, names = pd.factorize(pd.Series(values[keep], dtype=object), sort=True)
    return unit_idx[keep], zone_idx.astype(np.int64), np.asarray(names, dtype=str)


class GridStats:
    """Fast per-grid statistics for any labelling of a fixed set of units (no geometry work per call).

    Precomputes the unit counts, areas, perimeters, adjacency (shared edge lengths) and the
    (unit, zone) pairs of each layer; :meth:`table` then sums them per grid with ``bincount``:
    households etc., ``area_m2``, ``perimeter_m`` (unit perimeters minus twice the edges shared
    inside the grid — exact for a noded coverage), ``polsby_popper`` (4πA/P²) and, per layer,
    ``<layer>_main`` / ``<layer>_share`` (the zone holding most of the grid's area and that share).

    Parameters
    ----------
    units : the units (``unit_id``, ``area_id``, counts, ``<layer>_ids``), metric CRS, index 0…n-1.
    adjacency : ``(i, j, length)`` from :func:`gridmap.plans.units.unit_adjacency`, if already computed.
    zones : ``{layer: (unit index, zone index, zone names)}`` — the (unit, zone) pairs of every layer,
        if already computed.
    """

    def __init__(self, units: gpd.GeoDataFrame, adjacency: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                 zones: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None):
        units = units.reset_index(drop=True)
        geoms = units.geometry.to_numpy()
        self.n = len(units)
        self.counts = [c for c in COUNT_COLUMNS if c in units.columns]
        self.count_values = units[self.counts].to_numpy(dtype=np.int64) if self.counts else np.zeros((self.n, 0))
        self.area = shapely.area(geoms)
        self.perimeter = shapely.length(geoms)
        self.area_id = units["area_id"].astype(str).to_numpy()
        self.adjacency = adjacency if adjacency is not None else unit_adjacency(geoms)
        self.layers = layer_names(units)
        self.zones = zones if zones is not None else {layer: _zone_pairs(units, layer) for layer in self.layers}

    def table(self, codes: np.ndarray, grid_codes: np.ndarray | None = None) -> pd.DataFrame:
        """Per-grid statistics for the grid code of each unit (None/"" = unassigned, left out).

        Parameters
        ----------
        codes : grid code per unit.
        grid_codes : the grids to report, in this order (grids with no unit get zeros); default
            the codes present, sorted.
        """
        codes = np.asarray(codes, dtype=object)
        assigned = np.array([c is not None and c == c and c != "" for c in codes]) if len(codes) else np.zeros(0, bool)
        present = np.unique(codes[assigned].astype(str)) if assigned.any() else np.empty(0, dtype=str)
        grid_codes = present if grid_codes is None else np.asarray(grid_codes, dtype=str)
        ng = len(grid_codes)
        lookup = pd.Index(grid_codes)
        g = np.full(self.n, -1, dtype=np.int64)
        if assigned.any():
            g[assigned] = lookup.get_indexer(codes[assigned].astype(str))
        ok = g >= 0
        gi = g[ok]
        out = pd.DataFrame({"grid_code": grid_codes})
        n_units = np.bincount(gi, minlength=ng)
        out["n_units"] = n_units
        # community: the most common area_id of a grid's units, and how many communities it touches
        pairs = pd.DataFrame({"g": gi, "a": self.area_id[ok]})
        by = pairs.groupby(["g", "a"]).size().reset_index(name="k").sort_values(["g", "k", "a"],
                                                                                ascending=[True, False, True])
        main = by.drop_duplicates("g").set_index("g")["a"]
        out["area_id"] = pd.Series(main).reindex(range(ng)).fillna("").to_numpy()
        out["n_communities"] = by.groupby("g").size().reindex(range(ng), fill_value=0).to_numpy()
        for k, col in enumerate(self.counts):
            out[col] = np.bincount(gi, weights=self.count_values[ok, k], minlength=ng).astype(np.int64)
        area = np.bincount(gi, weights=self.area[ok], minlength=ng)
        i, j, length = self.adjacency
        inner = (g[i] == g[j]) & (g[i] >= 0)
        shared = np.bincount(g[i][inner], weights=length[inner], minlength=ng)
        perimeter = np.bincount(gi, weights=self.perimeter[ok], minlength=ng) - 2.0 * shared
        out["area_m2"] = area
        out["perimeter_m"] = perimeter
        with np.errstate(divide="ignore", invalid="ignore"):
            out["polsby_popper"] = np.where(perimeter > 0, 4.0 * np.pi * area / perimeter**2, 0.0)
        for layer, (u, z, names) in self.zones.items():
            gz = g[u]
            sel = gz >= 0
            main_name = np.full(ng, "", dtype=object)
            share = np.zeros(ng)
            if sel.any() and len(names):
                # area per (grid, zone) pair that occurs — never a dense grids × zones matrix, which
                # at city scale (20k grids × 25k zones) would take gigabytes
                key = gz[sel] * len(names) + z[sel]
                pairs, inverse = np.unique(key, return_inverse=True)
                w = np.bincount(inverse, weights=self.area[u[sel]])
                grid_of, zone_of = pairs // len(names), pairs % len(names)
                order = np.lexsort((-w, grid_of))  # per grid the largest first; ties: lowest zone index
                first = order[np.r_[True, grid_of[order][1:] != grid_of[order][:-1]]]
                top = np.zeros(ng)
                top[grid_of[first]] = w[first]
                has = top > 0
                best = np.zeros(ng, dtype=np.int64)
                best[grid_of[first]] = zone_of[first]
                main_name[has] = names[best[has]]
                share = np.where(area > 0, top / np.maximum(area, 1e-12), 0.0)
            out[f"{layer}_main"] = main_name
            out[f"{layer}_share"] = share
        return out


def dissolve_grids(units: gpd.GeoDataFrame, codes: np.ndarray, grid_codes: list[str] | None = None) -> gpd.GeoSeries:
    """Grid polygons: the coverage union of each grid's units (exact for a noded coverage).

    Parameters
    ----------
    units : the units (geometry, metric CRS).
    codes : grid code per unit (None/"" = unassigned).
    grid_codes : which grids (default: all present, sorted).

    Returns
    -------
    GeoSeries indexed by grid code (empty polygons for grids with no unit).
    """
    code_of = pd.Series(np.asarray(codes, dtype=object)).replace("", None)
    geoms = units.geometry.to_numpy()
    # positions in the full series (groupby leaves out the unassigned), so they index ``geoms``
    groups = code_of.groupby(code_of).indices
    wanted = sorted(groups) if grid_codes is None else list(grid_codes)
    out = [shapely.coverage_union_all(geoms[groups[c]]) if c in groups else shapely.Polygon() for c in wanted]
    return gpd.GeoSeries(out, index=pd.Index(wanted, name="grid_code"), crs=units.crs)


def grid_table(units: gpd.GeoDataFrame, codes: np.ndarray, stats: GridStats | None = None) -> gpd.GeoDataFrame:
    """The grids as a GeoDataFrame: statistics (:class:`GridStats`) plus the dissolved polygons."""
    stats = stats or GridStats(units)
    table = stats.table(codes)
    geom = dissolve_grids(units, codes, table["grid_code"].tolist())
    return gpd.GeoDataFrame(table, geometry=geom.to_numpy(), crs=units.crs)


# --------------------------------------------------------------------------------------------
# the partition heuristic (one community at a time)


def edge_weights(units: pd.DataFrame, i: np.ndarray, j: np.ndarray, length: np.ndarray,
                 zone_weight: float = 1.0) -> np.ndarray:
    """Cut cost of each shared edge: its length × (1 + zone_weight × layers where both sides share the zone)."""
    same = np.zeros(len(i))
    for layer in layer_names(units):
        lab = units[f"{layer}_ids"].fillna("").astype(str).to_numpy()
        same += (lab[i] == lab[j]) & (lab[i] != "")
    return length * (1.0 + zone_weight * same)


def _pieces(comm: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The connected pieces of every community, in a fixed order.

    Parameters
    ----------
    comm : community number of each unit.
    i, j : the edges between units of the same community.

    Returns
    -------
    (order, piece_ptr, piece_comm) : the units piece by piece (communities in number order, a
    community's pieces in order of their lowest unit, a piece's units in index order); piece p is
    ``order[piece_ptr[p]:piece_ptr[p + 1]]``; the community of each piece. The order depends only on
    the relative order of a community's own units, so a community is cut the same way whichever
    others come with it.
    """
    n = len(comm)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_pieces, piece = connected_components(graph, directed=False)
    lowest = np.full(n_pieces, n, dtype=np.int64)
    np.minimum.at(lowest, piece, np.arange(n))
    order = np.lexsort((np.arange(n), lowest[piece], comm))
    sorted_piece = piece[order]
    starts = np.flatnonzero(np.r_[True, sorted_piece[1:] != sorted_piece[:-1]]) if n else np.empty(0, np.int64)
    piece_ptr = np.r_[starts, n].astype(np.int64)
    return order, piece_ptr, comm[order[starts]]


def _unit_zones(zones: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], n: int,
                position: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The zones of every unit in every layer, as :func:`gridmap.plans.regions.partition_pieces` takes them.

    Parameters
    ----------
    zones : ``{layer: (unit index, zone index, zone names)}`` (:func:`_zone_pairs` of each layer).
    n : number of units.
    position : where each unit stands in the piece order.

    Returns
    -------
    (zptr, zone, layer_of_zone) : unit at position p has, in layer l, the zones
    ``zone[zptr[p·L + l] : zptr[p·L + l + 1]]``, numbered across layers; the layer of each zone.
    """
    n_layers = len(zones)
    keys, zone_no, layer_of_zone = [], [], []
    offset = 0
    for layer_no, (unit_idx, zone_idx, names) in enumerate(zones.values()):
        keys.append(position[unit_idx] * n_layers + layer_no)
        zone_no.append(zone_idx + offset)
        layer_of_zone.append(np.full(len(names), layer_no, dtype=np.int64))
        offset += len(names)
    if not n_layers:
        return np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    key, zone = np.concatenate(keys), np.concatenate(zone_no)
    by_key = np.lexsort((zone, key))
    zptr = np.r_[0, np.cumsum(np.bincount(key, minlength=n * n_layers))].astype(np.int64)
    return zptr, zone[by_key].astype(np.int64), np.concatenate(layer_of_zone)


def _piece_reasons(hh: np.ndarray, lo: int, hi: int) -> list[str]:
    """Why one connected piece (households of its units) may miss the band, before any grid is built."""
    big = hh[hh > hi]
    reasons = [f"unit alone above the maximum ({int(h)} households > {hi})" for h in big]
    if len(hh) == 1:
        return reasons
    total, rest = int(hh.sum()), int(hh.sum() - big.sum())
    if rest < lo:
        if len(big) == 0 and total < lo:
            reasons.append(f"too few households ({total} < {lo})")
    elif -(-rest // hi) > rest // lo:
        reasons.append(f"no number of grids fits {rest} households into {lo}–{hi}")
    return reasons


def _community_reasons(pieces: list[np.ndarray], total: int, lo: int, hi: int) -> list[str]:
    """Why a community (households of the units of each of its pieces) may miss the band."""
    reasons: list[str] = []
    for hh in pieces:
        why = _piece_reasons(hh, lo, hi)
        piece_hh = int(hh.sum())
        if len(pieces) > 1 and piece_hh < lo and total >= lo:
            why = [w for w in why if not w.startswith("too few")]
            why.append(f"disconnected piece of {len(hh)} unit(s) with {piece_hh} households")
        reasons.extend(why)
    return reasons


@dataclass
class GridBuild:
    """What :func:`build_grids` returns.

    Attributes
    ----------
    assignment : ``unit_id``, ``grid_code`` (every unit).
    grids : the grids (:func:`grid_table` columns + geometry), metric CRS.
    status : per community: ``area_id``, ``households``, ``n_units``, ``n_grids``, ``n_in_band``,
        ``status`` (``ok`` / ``band not met``), ``reason`` (why, ``;``-separated; empty if ok).
    """

    assignment: pd.DataFrame
    grids: gpd.GeoDataFrame
    status: pd.DataFrame


def build_grids(units: gpd.GeoDataFrame, min_households: int = MIN_HOUSEHOLDS, max_households: int = MAX_HOUSEHOLDS,
                seed: int = SEED, *, study_area: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                zone_weight: float = 1.0, restarts: int = 16, max_passes: int = 30, polish: int = 10,
                lineage: float = 0.2, sequences: range = range(1, 1000), progress: Progress | None = None) -> GridBuild:
    """Partition every community into contiguous, compact grids within the household band.

    Parameters
    ----------
    units : from :func:`gridmap.plans.units.make_units` (``unit_id``, ``area_id``, ``households``,
        ``<layer>_ids``), metric CRS, forming a noded coverage.
    min_households, max_households : the band (inclusive).
    seed : the random seed; the same units and seed give the same grids.
    study_area : communities with ``county_code``/``street_code``/``community_code`` for the codes
        (else a 12-digit ``area_id`` is the prefix).
    previous : an earlier assignment: unchanged grids keep their codes.
    zone_weight : how much more a cut through a zone costs than one along a zone border, per layer;
        0 asks for compact grids only.
    restarts : attempts (seeds, growing, local search) per grid count; the best is kept.
    max_passes : cap on local-search passes per attempt.
    polish : kicks of the iterated local search per grid, after the restarts (0: none).
    lineage : weight of keeping households in their grid's main zone of each layer, as a multiple of
        ``zone_weight`` × the community's cut cost per household (0: the cut alone).
    sequences : the sequence numbers the grids may take (:func:`number_grids`).
    progress : called with a message per community.

    Returns
    -------
    :class:`GridBuild` with the assignment, the grids and the per-community status.
    """
    min_households = check_number(min_households, "min_households", "households", minimum=1, integer=True)
    max_households = check_number(max_households, "max_households", "households", minimum=1, integer=True)
    seed = check_number(seed, "seed", minimum=0, integer=True)
    if min_households > max_households:
        raise ParameterError("err_band_order", low=min_households, high=max_households)
    restarts = check_number(restarts, "restarts", minimum=1, integer=True)
    max_passes = check_number(max_passes, "max_passes", minimum=0, integer=True)
    polish = check_number(polish, "polish", minimum=0, integer=True)
    lineage = check_number(lineage, "lineage", minimum=0)
    say = progress or (lambda _m: None)
    units = units.reset_index(drop=True)
    n = len(units)
    geoms = units.geometry.to_numpy()
    i, j, length = unit_adjacency(geoms)
    area_id = units["area_id"].astype(str).to_numpy()
    communities, comm = np.unique(area_id, return_inverse=True)
    comm = comm.ravel()
    wts = edge_weights(units, i, j, length, zone_weight)
    hh = units["households"].to_numpy(dtype=np.int64) if "households" in units.columns else np.zeros(n, np.int64)
    cent = shapely.centroid(geoms)
    xy = np.column_stack([shapely.get_x(cent), shapely.get_y(cent)])
    same = comm[i] == comm[j]
    order, piece_ptr, piece_comm = _pieces(comm, i[same], j[same])
    # the graph inside the pieces as CSR, rows and columns in piece order
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    si, sj, sw = position[i[same]], position[j[same]], wts[same]
    src, dst, w = np.r_[si, sj], np.r_[sj, si], np.r_[sw, sw]
    by_row = np.lexsort((dst, src))
    indptr = np.r_[0, np.cumsum(np.bincount(src, minlength=n))].astype(np.int64)
    # each community's own random stream, from its id: the same community gets the same grids
    # whichever others are built with it (partitioned runs, re-runs of one community)
    streams = np.array([np.random.default_rng([seed, zlib.crc32(str(a).encode("utf-8"))]).integers(2**63)
                        for a in communities], dtype=np.uint64)
    zones = {layer: _zone_pairs(units, layer) for layer in layer_names(units)}
    zptr, zone, layer_of_zone = _unit_zones(zones, n, position)
    local = partition_pieces(hh[order], xy[order], indptr, dst[by_row], w[by_row], piece_ptr, piece_comm, streams,
                             min_households, max_households, restarts, max_passes, polish, zptr, zone, layer_of_zone,
                             lineage * zone_weight)
    piece_of = np.repeat(np.arange(len(piece_ptr) - 1), np.diff(piece_ptr))
    n_regions = np.zeros(len(piece_ptr) - 1, dtype=np.int64)
    np.maximum.at(n_regions, piece_of, local + 1)
    labels = np.empty(n, dtype=np.int64)
    labels[order] = local + np.r_[0, np.cumsum(n_regions)[:-1]][piece_of]
    # per community: grids, grids in the band, and why not all
    g_hh = np.bincount(labels, weights=hh).astype(np.int64)
    g_comm = np.empty(len(g_hh), dtype=np.int64)
    g_comm[labels] = comm
    g_in = (g_hh >= min_households) & (g_hh <= max_households)
    n_grids = np.bincount(g_comm, minlength=len(communities))
    n_in = np.bincount(g_comm, weights=g_in, minlength=len(communities)).astype(np.int64)
    c_hh = np.bincount(comm, weights=hh, minlength=len(communities)).astype(np.int64)
    c_units = np.bincount(comm, minlength=len(communities))
    c_pieces = np.r_[0, np.cumsum(np.bincount(piece_comm, minlength=len(communities)))]
    hh_ordered = hh[order]
    rows = []
    for c, a in enumerate(communities):
        reason = ""
        if n_in[c] < n_grids[c]:
            pieces = [hh_ordered[piece_ptr[p]:piece_ptr[p + 1]] for p in range(c_pieces[c], c_pieces[c + 1])]
            reasons = _community_reasons(pieces, int(c_hh[c]), min_households, max_households)
            reason = "; ".join(dict.fromkeys(reasons or ["the heuristic found no partition within the band"]))
        rows.append({"area_id": a, "households": int(c_hh[c]), "n_units": int(c_units[c]),
                     "n_grids": int(n_grids[c]), "n_in_band": int(n_in[c]),
                     "status": "ok" if not reason else "band not met", "reason": reason})
        why = Message("prog_reason", reason=reason) if reason else ""
        say(Message("prog_grids_community", area_id=a, grids=int(n_grids[c]), in_band=int(n_in[c]),
                    low=min_households, high=max_households, reason=why))
    prefixes = community_prefixes(study_area, area_id)
    codes = number_grids(units, labels, prefixes, previous, sequences)
    assignment = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": codes.astype(str)})
    stats = GridStats(units, (i, j, length), zones)
    grids = grid_table(units, codes, stats)
    status = pd.DataFrame(rows, columns=["area_id", "households", "n_units", "n_grids", "n_in_band", "status",
                                         "reason"])
    return GridBuild(assignment=assignment, grids=grids, status=status)
