"""The unified grid (多网合一): balanced, contiguous, compact grids built from units (DESIGN §3.2).

:func:`build_grids` partitions every community into grids of whole units:

* **contiguous** — a grid's units are connected through shared edges (the unit adjacency graph,
  :func:`gridmap.units.unit_adjacency`); a community in several pieces is partitioned piece by piece;
* **inside one community** — communities are partitioned separately;
* **households in the band** (default 300–500) as a hard constraint where the community allows it:
  the number of grids is the one whose mean is nearest the middle of the band among those that can
  fit; a unit alone above the maximum becomes a grid of its own;
* **compact and following the zones** — the objective after the band is the length of cut edges,
  each weighted ``1 + zone_weight × (layers in which both sides carry the same zone)``, so grid
  borders prefer existing zone borders (each department recognises its territory) and short
  perimeters.

The heuristic: seeds spread by weighted k-means++ (from a seeded generator), region growing (the
lightest region takes the frontier unit sharing the most weighted edge with it, never above the
maximum), then local search moving boundary units between neighbouring grids while it lowers
(band violation, weighted cut) lexicographically — each accepted move strictly lowers it, and
passes are capped, so it always ends. A few restarts (and the neighbouring grid counts) are tried
when the band is not met. Same units + same seed → same grids.

Where a community cannot meet the band, its status says why: too few households, a unit alone
above the maximum, a disconnected piece too small, no grid count that fits, or the heuristic's
best still outside the band.

Grid codes (:func:`number_grids`) follow DB11/T 2157-2023: county (6) + street (3) + community (3)
+ sequence (3), sequence west→east in rows from north to south within each community; grids whose
unit set is unchanged from a previous assignment keep their code.
"""

from __future__ import annotations

import heapq
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

from gridmap.errors import GridCodeError, ParameterError, check_number
from gridmap.units import COUNT_COLUMNS, layer_names, unit_adjacency

__all__ = ["build_grids", "GridBuild", "GridStats", "number_grids", "community_prefixes", "dissolve_grids",
           "grid_table", "CODE_PATTERN", "edge_weights"]

#: A grid code: 15 digits (DB11/T 2157-2023).
CODE_PATTERN = re.compile(r"^\d{15}$")

Progress = Callable[[str], None]


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
        raise GridCodeError(f"{len(listed)} piece(s) of the study area belong to several communities at once "
                            f"({', '.join(listed[:5])}): the communities overlap there. Fix their boundaries so "
                            "that every place belongs to one community.")
    if study_area is not None and {"area_id", "county_code", "street_code", "community_code"} <= set(study_area.columns):
        for row in study_area[["area_id", "county_code", "street_code", "community_code"]].itertuples(index=False):
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
        raise GridCodeError(f"{len(shared)} admin code(s) are shared by several communities, e.g. {code} (county + "
                            f"street + community code) by {', '.join(ids[:5])}: their grids would get the same codes. "
                            "Give every community its own county_code + street_code + community_code.")
    fallback = 0
    used = set(out.values())
    need_number = [a for a in wanted if a not in out and not (len(a) == 12 and a.isdigit() and a not in used)]
    if len(need_number) > 999:
        raise GridCodeError(f"{len(need_number)} communities have no county_code/street_code/community_code (nor a "
                            "12-digit area_id): their running numbers 000000000001… would need more than the 3 "
                            "digits of a community code. Add the codes of each community to the study area.")
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
    """Indices in reading order: rows north→south (a row = y within ``row_tolerance`` of its first), west→east in a row."""
    order = np.lexsort((x, -y))
    rows = np.empty(len(x), dtype=np.int64)
    row, top = -1, np.inf
    for k in order:  # one pass over the grids of one community
        if top - y[k] > row_tolerance or row < 0:
            row, top = row + 1, y[k]
        rows[k] = row
    return np.lexsort((x, rows))


def number_grids(units: gpd.GeoDataFrame, labels: np.ndarray, prefixes: Mapping[str, str],
                 previous: pd.DataFrame | None = None) -> np.ndarray:
    """15-digit grid codes for a labelling of the units.

    Parameters
    ----------
    units : with ``unit_id``, ``area_id`` and geometry (metric CRS).
    labels : an integer grid label per unit (any numbering; a label may not span communities —
        the community of a grid is that of its first unit).
    prefixes : ``{area_id: 12-digit prefix}`` (:func:`community_prefixes`).
    previous : an earlier assignment (``unit_id``, ``grid_code``); a grid whose set of units equals
        a previous grid's keeps that code.

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
            if code is not None and code[:12] == prefixes[grid_area_id[g]]:
                codes[g] = code
                kept[code] = code
    for a in np.unique(grid_area_id):
        mine = np.flatnonzero(grid_area_id == a)
        prefix = prefixes[a]
        used = {int(codes[g][12:]) for g in mine if codes[g] is not None}
        new = mine[[codes[g] is None for g in mine]]
        if len(new) == 0:
            continue
        tol = 0.5 * float(np.median(np.sqrt(wa[mine])))
        order = new[reading_order(gx[new], gy[new], tol)]
        free = (s for s in range(1, 1000) if s not in used)
        for g in order:
            seq = next(free, None)
            if seq is None:
                raise GridCodeError(f"community {a}: {len(mine)} grids, but a grid's sequence number has 3 digits "
                                    "(at most 999 grids per community). Raise --min-households/--max-households, "
                                    "or split the community in the study area.")
            codes[g] = f"{prefix}{seq:03d}"
    return codes[inv]


# --------------------------------------------------------------------------------------------
# statistics and geometry of grids


def _zone_pairs(units: pd.DataFrame, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit index, zone index, zone names) of every (unit, zone) cover pair of a layer."""
    ids = units[f"{layer}_ids"].fillna("").astype(str)
    exploded = ids.str.split(";").explode()
    exploded = exploded[exploded != ""]
    names, zone_idx = np.unique(exploded.to_numpy().astype(str), return_inverse=True)
    unit_idx = units.index.get_indexer(exploded.index)
    return unit_idx, zone_idx.ravel(), names


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
    adjacency : ``(i, j, length)`` from :func:`gridmap.units.unit_adjacency`, if already computed.
    """

    def __init__(self, units: gpd.GeoDataFrame, adjacency: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None):
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
        self.zones = {layer: _zone_pairs(units, layer) for layer in self.layers}

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
    codes = pd.Series(np.asarray(codes, dtype=object)).replace("", None)
    geoms = units.geometry.to_numpy()
    groups = codes.dropna().groupby(codes.dropna()).indices
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


@dataclass
class _Community:
    """The graph of one community (or one connected piece of it), local indices 0…n-1."""

    hh: np.ndarray  # households per unit
    nbrs: list[np.ndarray]  # neighbour indices per unit
    wts: list[np.ndarray]  # cut cost per neighbour
    xy: np.ndarray  # unit centroids


def _violation(h: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.maximum(lo - h, 0) + np.maximum(h - hi, 0)


def _choose_k(total: int, lo: int, hi: int) -> list[int]:
    """Grid counts to try, best first: those that can fit the band, nearest the band's middle."""
    mid = (lo + hi) / 2.0
    kmin, kmax = max(1, -(-total // hi)), total // lo if lo > 0 else max(1, -(-total // hi))
    if kmin <= kmax:
        ks = list(range(kmin, kmax + 1))
    else:
        ks = sorted({max(1, kmin - 1), kmin})
    return sorted(ks, key=lambda k: (abs(total / k - mid), k))


def _seeds(c: _Community, k: int, fixed: list[int], rng: np.random.Generator) -> list[int]:
    """k seeds: the fixed ones (big units) then weighted k-means++ on centroids."""
    seeds = list(fixed)
    n = len(c.hh)
    weight = c.hh.astype(float) + 1.0
    weight[fixed] = 0.0
    if not seeds:
        p = weight / weight.sum()
        seeds.append(int(rng.choice(n, p=p)))
    while len(seeds) < k:
        d2 = ((c.xy[:, None, :] - c.xy[None, seeds, :]) ** 2).sum(axis=2).min(axis=1)
        score = d2 * weight
        score[seeds] = 0.0
        if score.sum() <= 0:
            rest = [u for u in range(n) if u not in seeds]
            if not rest:
                break
            seeds.append(int(rng.choice(rest)))
            continue
        seeds.append(int(rng.choice(n, p=score / score.sum())))
    return seeds


def _grow(c: _Community, seeds: list[int], hi: int, full: set[int]) -> np.ndarray:
    """Region growing: the lightest open region takes its best frontier unit, never above ``hi``."""
    n = len(c.hh)
    label = np.full(n, -1, dtype=np.int64)
    h = np.zeros(len(seeds), dtype=np.int64)
    for r, s in enumerate(seeds):
        label[s] = r
        h[r] = c.hh[s]
    gain = [dict() for _ in seeds]  # region -> {unit: shared weight}
    for r, s in enumerate(seeds):
        for v, w in zip(c.nbrs[s], c.wts[s]):
            if label[v] < 0:
                gain[r][v] = gain[r].get(v, 0.0) + w
    open_ = [r for r in range(len(seeds)) if r not in full]
    heap = [(int(h[r]), r) for r in open_]
    heapq.heapify(heap)
    while heap:
        hr, r = heapq.heappop(heap)
        if hr != h[r]:
            continue
        best, best_w = -1, -1.0
        for v, w in gain[r].items():
            if label[v] < 0 and h[r] + c.hh[v] <= hi and (w > best_w or (w == best_w and v < best)):
                best, best_w = v, w
        if best < 0:
            continue  # region closed
        label[best] = r
        h[r] += c.hh[best]
        for rr in range(len(seeds)):
            gain[rr].pop(best, None)
        for v, w in zip(c.nbrs[best], c.wts[best]):
            if label[v] < 0:
                gain[r][v] = gain[r].get(v, 0.0) + w
        heapq.heappush(heap, (int(h[r]), r))
    # units no region could take without passing the maximum: to the lightest adjacent region
    pending = list(np.flatnonzero(label < 0))
    while pending:
        rest = []
        for u in pending:
            adj = [label[v] for v in c.nbrs[u] if label[v] >= 0]
            if adj:
                r = min(adj, key=lambda rr: (h[rr], rr))
                label[u] = r
                h[r] += c.hh[u]
            else:
                rest.append(u)
        if len(rest) == len(pending):  # not connected to any region (cannot happen in one piece)
            for u in rest:
                label[u] = 0
            break
        pending = rest
    return label


def _connected_without(c: _Community, label: np.ndarray, u: int, size: int) -> bool:
    """Does u's region stay connected when u leaves it?"""
    r = label[u]
    start = next((v for v in c.nbrs[u] if label[v] == r), None)
    if start is None:
        return size == 1
    seen = {u, start}
    stack = [start]
    while stack:
        x = stack.pop()
        for v in c.nbrs[x]:
            if label[v] == r and v not in seen:
                seen.add(v)
                stack.append(v)
    return len(seen) == size


def _local_search(c: _Community, label: np.ndarray, k: int, lo: int, hi: int, fixed: set[int],
                  rng: np.random.Generator, max_passes: int) -> np.ndarray:
    """Move boundary units to neighbouring regions while (violation, weighted cut) decreases."""
    label = label.copy()
    n = len(c.hh)
    h = np.bincount(label, weights=c.hh, minlength=k).astype(np.int64)
    size = np.bincount(label, minlength=k)
    for _ in range(max_passes):
        moved = 0
        for u in rng.permutation(n):
            if u in fixed:
                continue
            a = label[u]
            if size[a] == 1:
                continue
            cand = {label[v] for v in c.nbrs[u]} - {a}
            if not cand:
                continue
            wa = sum(w for v, w in zip(c.nbrs[u], c.wts[u]) if label[v] == a)
            va = _violation(np.array([h[a], h[a] - c.hh[u]]), lo, hi)
            best, best_key = None, (0, -1e-9)
            for b in sorted(cand):
                wb = sum(w for v, w in zip(c.nbrs[u], c.wts[u]) if label[v] == b)
                vb = _violation(np.array([h[b], h[b] + c.hh[u]]), lo, hi)
                dv = int(va[1] - va[0] + vb[1] - vb[0])
                dcut = wa - wb
                key = (dv, dcut)
                if key < best_key:
                    best, best_key = b, key
            if best is None or not _connected_without(c, label, u, int(size[a])):
                continue
            label[u] = best
            h[a] -= c.hh[u]
            h[best] += c.hh[u]
            size[a] -= 1
            size[best] += 1
            moved += 1
        if moved == 0:
            break
    return label


def _cut(c: _Community, label: np.ndarray) -> float:
    return sum(w for u in range(len(c.hh)) for v, w in zip(c.nbrs[u], c.wts[u]) if label[v] != label[u]) / 2.0


def _partition_piece(c: _Community, lo: int, hi: int, rng: np.random.Generator, restarts: int,
                     max_passes: int) -> tuple[np.ndarray, list[str]]:
    """Partition one connected piece; returns (labels 0…k-1, reasons the band is not met)."""
    n = len(c.hh)
    total = int(c.hh.sum())
    big = [int(u) for u in np.flatnonzero(c.hh > hi)]
    reasons = [f"unit alone above the maximum ({int(c.hh[u])} households > {hi})" for u in big]
    rest_total = total - int(c.hh[big].sum())
    if n == 1:
        return np.zeros(1, dtype=np.int64), reasons
    if rest_total < lo:
        if not big:
            if total < lo:
                reasons.append(f"too few households ({total} < {lo})")
            return np.zeros(n, dtype=np.int64), reasons
        ks = [0, 1]  # the rest joins the big grids, or makes a small grid of its own
    else:
        ks = _choose_k(rest_total, lo, hi)
        if -(-rest_total // hi) > (rest_total // lo):
            reasons.append(f"no number of grids fits {rest_total} households into {lo}–{hi}")
        ks = ks[:3]
    best, best_key = None, None
    for kr in ks:
        k = len(big) + kr
        for _ in range(restarts):
            seeds = _seeds(c, max(k, 1), big, rng) if k > 0 else [0]
            lab = _grow(c, seeds, hi, set(range(len(big))))
            k_eff = len(seeds)
            lab = _local_search(c, lab, k_eff, lo, hi, set(big), rng, max_passes)
            h = np.bincount(lab, weights=c.hh, minlength=k_eff)
            # violation beyond the unavoidable: a big unit's grid only counts what it took on
            excess = _violation(h, lo, hi)
            excess[: len(big)] = h[: len(big)] - c.hh[big]
            key = (int((excess > 0).sum()), int(excess.sum()), _cut(c, lab))
            if best_key is None or key < best_key:
                best, best_key = lab, key
        if best_key is not None and best_key[0] == 0:
            break
    _, best = np.unique(best, return_inverse=True)
    return best.ravel(), reasons


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


def build_grids(units: gpd.GeoDataFrame, min_households: int = 300, max_households: int = 500, seed: int = 0, *,
                study_area: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                zone_weight: float = 1.0, restarts: int = 8, max_passes: int = 30,
                progress: Progress | None = None) -> GridBuild:
    """Partition every community into contiguous, compact grids within the household band.

    Parameters
    ----------
    units : from :func:`gridmap.units.make_units` (``unit_id``, ``area_id``, ``households``,
        ``<layer>_ids``), metric CRS, forming a noded coverage.
    min_households, max_households : the band (inclusive).
    seed : the random seed; the same units and seed give the same grids.
    study_area : communities with ``county_code``/``street_code``/``community_code`` for the codes
        (else a 12-digit ``area_id`` is the prefix).
    previous : an earlier assignment: unchanged grids keep their codes.
    zone_weight : how much more a cut through a zone costs than one along a zone border, per layer.
    restarts : attempts per grid count when the band is not met.
    max_passes : cap on local-search passes per attempt.
    progress : called with a message per community.

    Returns
    -------
    :class:`GridBuild` with the assignment, the grids and the per-community status.
    """
    min_households = check_number(min_households, "min_households", "households", minimum=1, integer=True)
    max_households = check_number(max_households, "max_households", "households", minimum=1, integer=True)
    seed = check_number(seed, "seed", minimum=0, integer=True)
    if min_households > max_households:
        raise ParameterError(f"min_households {min_households} > max_households {max_households}: the band must "
                             "run from the smaller number of households to the larger")
    say = progress or (lambda _m: None)
    units = units.reset_index(drop=True)
    n = len(units)
    i, j, length = unit_adjacency(units.geometry.to_numpy())
    area_id = units["area_id"].astype(str).to_numpy()
    same = area_id[i] == area_id[j]
    wts = edge_weights(units, i, j, length, zone_weight)
    hh = units["households"].to_numpy(dtype=np.int64) if "households" in units.columns else np.zeros(n, np.int64)
    cent = shapely.centroid(units.geometry.to_numpy())
    xy_all = np.column_stack([shapely.get_x(cent), shapely.get_y(cent)])
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    rows = []
    for a in sorted(np.unique(area_id)):
        idx = np.flatnonzero(area_id == a)
        local = np.full(n, -1)
        local[idx] = np.arange(len(idx))
        m = same & (area_id[i] == a)
        li, lj, lw = local[i[m]], local[j[m]], wts[m]
        graph = coo_matrix((np.ones(len(li)), (li, lj)), shape=(len(idx), len(idx)))
        n_pieces, piece = connected_components(graph, directed=False)
        # each community's own random stream, from its id: the same community gets the same grids
        # whichever others are built with it (partitioned runs, re-runs of one community)
        rng = np.random.default_rng([seed, zlib.crc32(str(a).encode("utf-8"))])
        reasons: list[str] = []
        total = int(hh[idx].sum())
        for p in range(n_pieces):
            members = np.flatnonzero(piece == p)
            pl = np.full(len(idx), -1)
            pl[members] = np.arange(len(members))
            em = (piece[li] == p)
            pi, pj, pw = pl[li[em]], pl[lj[em]], lw[em]
            nb = [[] for _ in members]
            ww = [[] for _ in members]
            for x, y, w in zip(pi, pj, pw):
                nb[x].append(y)
                ww[x].append(w)
                nb[y].append(x)
                ww[y].append(w)
            c = _Community(hh=hh[idx[members]], nbrs=[np.array(v, dtype=np.int64) for v in nb],
                           wts=[np.array(v) for v in ww], xy=xy_all[idx[members]])
            lab, why = _partition_piece(c, min_households, max_households, rng, restarts, max_passes)
            piece_hh = int(c.hh.sum())
            if n_pieces > 1 and piece_hh < min_households and total >= min_households:
                why = [w for w in why if not w.startswith("too few")]
                why.append(f"disconnected piece of {len(members)} unit(s) with {piece_hh} households")
            reasons.extend(why)
            labels[idx[members]] = lab + next_label
            next_label += int(lab.max()) + 1
        g_hh = np.bincount(labels[idx] - labels[idx].min(), weights=hh[idx])
        g_hh = g_hh[np.unique(labels[idx] - labels[idx].min())]
        in_band = int(((g_hh >= min_households) & (g_hh <= max_households)).sum())
        if in_band < len(g_hh) and not reasons:
            reasons.append("the heuristic found no partition within the band")
        rows.append({"area_id": a, "households": total, "n_units": len(idx), "n_grids": len(g_hh),
                     "n_in_band": in_band, "status": "ok" if in_band == len(g_hh) else "band not met",
                     "reason": "; ".join(dict.fromkeys(reasons)) if in_band < len(g_hh) else ""})
        say(f"grids: community {a}: {len(g_hh)} grid(s), {in_band} within {min_households}–{max_households}"
            + (f" — {rows[-1]['reason']}" if rows[-1]["reason"] else ""))
    prefixes = community_prefixes(study_area, area_id)
    codes = number_grids(units, labels, prefixes, previous)
    assignment = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": codes.astype(str)})
    stats = GridStats(units, (i, j, length))
    grids = grid_table(units, codes, stats)
    status = pd.DataFrame(rows, columns=["area_id", "households", "n_units", "n_grids", "n_in_band", "status", "reason"])
    return GridBuild(assignment=assignment, grids=grids, status=status)
