"""Today's grid building, kept as the reference for ``bench_grids.py`` and the quality test.

This is :func:`gridmap.plans.grids.build_grids` as it stood before the heuristic was compiled
(docs/design.md §4.4): region growing from dicts, local search over Python sets, one scan of every
unit per community, ``np.unique(axis=0)`` for the adjacency, one scan of every grid per community
for the codes. It is not part of the package — nothing in ``gridmap`` imports it — and it is
frozen: the helpers it used that have since been made faster are copied here as they were, so
that timing it measures today's cost. The per-grid statistics and polygons (``GridStats.table``,
``grid_table``) are the package's, unchanged.

The steps are those :mod:`gridmap.plans.regions` now runs compiled, with numpy's generator for
the random numbers; the compiled version draws from splitmix64, adds lineage to the objective and
an iterated local search, so the two give different grids — ``benchmarks/bench_grids.py`` prints
their quality side by side.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.plans.grids import GridBuild, GridStats, community_prefixes, edge_weights, grid_table, reading_order
from gridmap.plans.units import layer_names

__all__ = ["reference_build_grids"]


def _unit_adjacency(geoms: np.ndarray | gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    owner = part_owner[ring_part][ring_idx]
    same = ring_idx[1:] == ring_idx[:-1]
    seg = np.hstack([coords[:-1][same], coords[1:][same]])
    seg_owner = owner[:-1][same]
    keep = (seg[:, 0] != seg[:, 2]) | (seg[:, 1] != seg[:, 3])
    seg, seg_owner = seg[keep], seg_owner[keep]
    flip = (seg[:, 0] > seg[:, 2]) | ((seg[:, 0] == seg[:, 2]) & (seg[:, 1] > seg[:, 3]))
    seg[flip] = seg[flip][:, [2, 3, 0, 1]]
    _, inverse, counts = np.unique(seg, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    shared = counts[inverse] == 2
    order = np.argsort(inverse[shared], kind="stable")
    owners = seg_owner[shared][order].reshape(-1, 2)
    s = seg[shared][order][::2]
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


def _zone_pairs(units: pd.DataFrame, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit index, zone index, zone names) of every (unit, zone) cover pair of a layer."""
    ids = units[f"{layer}_ids"].fillna("").astype(str)
    exploded = ids.str.split(";").explode()
    exploded = exploded[exploded != ""]
    names, zone_idx = np.unique(exploded.to_numpy().astype(str), return_inverse=True)
    unit_idx = units.index.get_indexer(exploded.index)
    return unit_idx, zone_idx.ravel(), names


def _number_grids(units: gpd.GeoDataFrame, labels: np.ndarray, prefixes: Mapping[str, str],
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
                raise ValueError(f"community {a}: more than 999 grids cannot be coded in 3 digits")
            codes[g] = f"{prefix}{seq:03d}"
    return codes[inv]



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
    ks = list(range(kmin, kmax + 1)) if kmin <= kmax else sorted({max(1, kmin - 1), kmin})
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
    gain = [{} for _ in seeds]  # region -> {unit: shared weight}
    for r, s in enumerate(seeds):
        for v, w in zip(c.nbrs[s], c.wts[s], strict=True):
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
        for v, w in zip(c.nbrs[best], c.wts[best], strict=True):
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
            wa = sum(w for v, w in zip(c.nbrs[u], c.wts[u], strict=True) if label[v] == a)
            va = _violation(np.array([h[a], h[a] - c.hh[u]]), lo, hi)
            best, best_key = None, (0, -1e-9)
            for b in sorted(cand):
                wb = sum(w for v, w in zip(c.nbrs[u], c.wts[u], strict=True) if label[v] == b)
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
    return sum(w for u in range(len(c.hh)) for v, w in zip(c.nbrs[u], c.wts[u], strict=True)
               if label[v] != label[u]) / 2.0


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



def reference_build_grids(units: gpd.GeoDataFrame, min_households: int = 300, max_households: int = 500,
                          seed: int = 0, *, study_area: pd.DataFrame | None = None,
                          previous: pd.DataFrame | None = None, zone_weight: float = 1.0, restarts: int = 8,
                          max_passes: int = 30, progress=None) -> GridBuild:
    """The grids as today's pure-Python heuristic builds them (same parameters and result type as
    :func:`gridmap.plans.grids.build_grids`)."""
    if min_households > max_households:
        raise ValueError(f"min_households {min_households} > max_households {max_households}")
    say = progress or (lambda _m: None)
    units = units.reset_index(drop=True)
    n = len(units)
    i, j, length = _unit_adjacency(units.geometry.to_numpy())
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
            for x, y, w in zip(pi, pj, pw, strict=True):
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
    codes = _number_grids(units, labels, prefixes, previous)
    assignment = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": codes.astype(str)})
    stats = GridStats(units, (i, j, length), {layer: _zone_pairs(units, layer) for layer in layer_names(units)})
    grids = grid_table(units, codes, stats)
    status = pd.DataFrame(rows, columns=["area_id", "households", "n_units", "n_grids", "n_in_band", "status",
                                         "reason"])
    return GridBuild(assignment=assignment, grids=grids, status=status)
