"""The compiled regionalisation heuristic behind :func:`gridmap.plans.grids.build_grids` (docs/design.md §4.4).

Every connected piece of every community is cut into ``k`` regions of whole units:

1. ``k``: among the counts that can fit the band, those whose mean region is nearest the band's
   middle (up to three are tried, the next only when the band is not met). A unit alone above the
   maximum is a region of its own (*fixed*).
2. Seeds: household-weighted k-means++ on unit centroids.
3. Region growing: the lightest open region takes the frontier unit sharing the most cut cost with
   it, never above the maximum; a region with no such unit closes. Units left over join the
   lightest adjacent region.
4. Local search: units move to a neighbouring region when that lowers (band violation, cost)
   lexicographically and their region stays connected. The cost is the cut cost less
   ``lineage`` × the households living in their region's main zone, summed over the layers — so
   grids follow the old zones by their households, not only by their borders. Every accepted move
   strictly lowers the objective and passes are capped, so it always ends.
5. ``restarts`` attempts per count; the best (regions outside the band, households outside it,
   cost) wins.
6. Iterated local search (``polish`` kicks per region): a small connected blob of units is pushed
   across a border (every region staying connected), the local search runs again on the units
   within :data:`KICK_HOPS` edges of it, and the result is kept when it is no worse — else every
   move is undone from a log. Each kick costs the neighbourhood it touches, not the piece.

With ``polish = 0`` and ``lineage = 0`` the steps are exactly those of the pure-Python heuristic
this module replaced (``benchmarks/reference_grids.py``): given the same random numbers both make
the same moves (a test checks it).

The whole piece loop is one numba function (``nogil``: dask threads may run several at once;
no ``parallel``: it starts no threads of its own), on a CSR graph of the pieces in order. Random
numbers come from a splitmix64 stream per community, seeded by the caller, so a community's
regions depend on its units and its seed only — not on which other communities are built with it,
nor on the platform's numpy.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["partition_pieces"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0

#: A kick of the iterated local search moves 1…KICK_UNITS connected units across a region border…
KICK_UNITS = 4
#: …and the descent after it visits the units within KICK_HOPS edges of the kick.
KICK_HOPS = 4


# ------------------------------------------------------------------------------------------------
# random numbers: splitmix64 (Steele, Lea & Flood 2014), state in a one-element uint64 array


@numba.njit(cache=True, nogil=True)
def _next_u64(state: np.ndarray) -> np.uint64:
    s = state[0] + _GOLDEN
    state[0] = s
    z = (s ^ (s >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True)
def _uniform(state: np.ndarray) -> float:
    """A double in [0, 1)."""
    return np.float64(_next_u64(state) >> np.uint64(11)) * _TWO_TO_MINUS_53


@numba.njit(cache=True, nogil=True)
def _below(state: np.ndarray, n: int) -> int:
    """An integer in [0, n)."""
    return min(int(_uniform(state) * n), n - 1)


@numba.njit(cache=True, nogil=True)
def _weighted_pick(score: np.ndarray, total: float, state: np.ndarray) -> int:
    """An index drawn with probability score / total (score ≥ 0, total = its sum > 0)."""
    target = _uniform(state) * total
    acc = 0.0
    last = -1
    for u in range(len(score)):
        if score[u] > 0.0:
            acc += score[u]
            last = u
            if acc > target:
                return u
    return last  # rounding: the last unit with weight


# ------------------------------------------------------------------------------------------------
# the steps


@numba.njit(cache=True, nogil=True)
def _violation(h: int, lo: int, hi: int) -> int:
    return max(lo - h, 0) + max(h - hi, 0)


@numba.njit(cache=True, nogil=True)
def _counts_to_try(total: int, lo: int, hi: int, most: int) -> np.ndarray:
    """Up to ``most`` region counts to try, best first: those that can fit the band, mean nearest the
    band's middle (ties: the smaller count first)."""
    mid = (lo + hi) / 2.0
    kmin = max(1, -(-total // hi))
    kmax = total // lo if lo > 0 else kmin
    if kmin <= kmax:
        ks = np.arange(kmin, kmax + 1)
    elif kmin > 1:
        ks = np.array([kmin - 1, kmin])
    else:
        ks = np.array([kmin])
    key = np.abs(total / ks - mid)
    taken = np.zeros(len(ks), dtype=np.bool_)
    out = np.empty(min(most, len(ks)), dtype=np.int64)
    for t in range(len(out)):
        best = -1
        for q in range(len(ks)):
            if not taken[q] and (best < 0 or key[q] < key[best]):
                best = q
        taken[best] = True
        out[t] = ks[best]
    return out


@numba.njit(cache=True, nogil=True)
def _seeds(hh: np.ndarray, xy: np.ndarray, k: int, big: np.ndarray, state: np.ndarray) -> np.ndarray:
    """K seeds: the fixed units first, then household-weighted k-means++ on centroids."""
    n = len(hh)
    seeds = np.empty(max(k, len(big)), dtype=np.int64)
    weight = hh.astype(np.float64) + 1.0
    is_seed = np.zeros(n, dtype=np.bool_)
    d2 = np.full(n, np.inf)
    count = 0
    for b in big:
        weight[b] = 0.0
    for b in big:
        seeds[count] = b
        count += 1
    if count == 0:
        seeds[0] = _weighted_pick(weight, weight.sum(), state)
        count = 1
    for s in range(count):
        is_seed[seeds[s]] = True
        for u in range(n):
            d = (xy[u, 0] - xy[seeds[s], 0]) ** 2 + (xy[u, 1] - xy[seeds[s], 1]) ** 2
            if d < d2[u]:
                d2[u] = d
    score = np.empty(n)
    while count < k:
        total = 0.0
        for u in range(n):
            score[u] = 0.0 if is_seed[u] else d2[u] * weight[u]
            total += score[u]
        if total > 0.0:
            s = _weighted_pick(score, total, state)
        else:  # every candidate weightless or on a seed: any unit not yet a seed
            rest = n - count
            if rest <= 0:
                break
            pick = _below(state, rest)
            s = -1
            for u in range(n):
                if not is_seed[u]:
                    if pick == 0:
                        s = u
                        break
                    pick -= 1
        seeds[count] = s
        count += 1
        is_seed[s] = True
        for u in range(n):
            d = (xy[u, 0] - xy[s, 0]) ** 2 + (xy[u, 1] - xy[s, 1]) ** 2
            if d < d2[u]:
                d2[u] = d
    return seeds[:count]


@numba.njit(cache=True, nogil=True)
def _grow(hh: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, seeds: np.ndarray,
          n_fixed: int, hi: int) -> np.ndarray:
    """Region growing from the seeds; the first ``n_fixed`` regions (big units) take nothing."""
    n = len(hh)
    k = len(seeds)
    label = np.full(n, -1, dtype=np.int64)
    h = np.zeros(k, dtype=np.int64)
    head = np.full(k, -1, dtype=np.int64)  # members of each region as a linked list
    nxt = np.full(n, -1, dtype=np.int64)
    open_ = np.ones(k, dtype=np.bool_)
    gain = np.zeros(n)
    stamp = np.zeros(n, dtype=np.int64)
    tick = 0
    cand = np.empty(n, dtype=np.int64)
    for r in range(k):
        s = seeds[r]
        label[s] = r
        h[r] = hh[s]
        head[r] = s
        if r < n_fixed:
            open_[r] = False
    while True:
        r = -1  # the lightest open region (lowest number on ties)
        for q in range(k):
            if open_[q] and (r < 0 or h[q] < h[r]):
                r = q
        if r < 0:
            break
        tick += 1
        nc = 0
        u = head[r]
        while u >= 0:  # shared cost of every unlabelled neighbour of the region
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if label[v] < 0:
                    if stamp[v] != tick:
                        stamp[v] = tick
                        gain[v] = 0.0
                        cand[nc] = v
                        nc += 1
                    gain[v] += wts[e]
            u = nxt[u]
        best, best_w = -1, -1.0
        for c in range(nc):
            v = cand[c]
            if h[r] + hh[v] <= hi and (gain[v] > best_w or (gain[v] == best_w and v < best)):
                best, best_w = v, gain[v]
        if best < 0:
            open_[r] = False
            continue
        label[best] = r
        h[r] += hh[best]
        nxt[best] = head[r]
        head[r] = best
    # units no region could take without passing the maximum: to the lightest adjacent region
    while True:
        left, placed = 0, 0
        for u in range(n):
            if label[u] >= 0:
                continue
            left += 1
            r = -1
            for e in range(indptr[u], indptr[u + 1]):
                q = label[indices[e]]
                if q >= 0 and (r < 0 or h[q] < h[r] or (h[q] == h[r] and q < r)):
                    r = q
            if r >= 0:
                label[u] = r
                h[r] += hh[u]
                placed += 1
        if left == 0:
            break
        if placed == 0:  # not connected to any region (cannot happen in one piece)
            for u in range(n):
                if label[u] < 0:
                    label[u] = 0
            break
    return label


@numba.njit(cache=True, nogil=True)
def _connected_without(indptr: np.ndarray, indices: np.ndarray, label: np.ndarray, u: int, size: int,
                       mark: np.ndarray, tick: int, stack: np.ndarray) -> bool:
    """Whether u's region (``size`` units) stays connected when u leaves it (``mark``/``tick``: visited)."""
    r = label[u]
    start = -1
    for e in range(indptr[u], indptr[u + 1]):
        if label[indices[e]] == r:
            start = indices[e]
            break
    if start < 0:
        return size == 1
    mark[u] = tick
    return 1 + _reach(indptr, indices, label, start, mark, tick, stack) == size


@numba.njit(cache=True, nogil=True)
def _reach(indptr: np.ndarray, indices: np.ndarray, label: np.ndarray, start: int, mark: np.ndarray, tick: int,
           stack: np.ndarray) -> int:
    """How many units of start's region are reachable from it inside the region, not passing units
    already marked ``tick`` (those it reaches are marked too)."""
    r = label[start]
    mark[start] = tick
    seen, top = 1, 1
    stack[0] = start
    while top > 0:
        top -= 1
        x = stack[top]
        for e in range(indptr[x], indptr[x + 1]):
            v = indices[e]
            if label[v] == r and mark[v] != tick:
                mark[v] = tick
                seen += 1
                stack[top] = v
                top += 1
    return seen


# ------------------------------------------------------------------------------------------------
# lineage: households of each region in each zone of each layer
#
# A piece's zones are numbered 0…Z-1, layer by layer (layer l owns zones block[l] … block[l+1]-1);
# unit u's zones in layer l are zloc[zptr[u·L + l] : zptr[u·L + l + 1]] (none in a gap, several in an
# overlap). ``count[r, z]`` are the households of region r in zone z, ``main[l, r]`` the largest count
# of region r in layer l: the households a region keeps in its main zone. With L = 0 all of this is
# skipped.


@numba.njit(cache=True, nogil=True)
def _zone_table(hh: np.ndarray, label: np.ndarray, k: int, zptr: np.ndarray, zloc: np.ndarray,
                block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_layers = len(block) - 1
    count = np.zeros((k, block[-1]), dtype=np.int64)
    main = np.zeros((n_layers, k), dtype=np.int64)
    if n_layers == 0:
        return count, main
    for u in range(len(hh)):
        for t in range(zptr[u * n_layers], zptr[(u + 1) * n_layers]):
            count[label[u], zloc[t]] += hh[u]
    for layer in range(n_layers):
        for r in range(k):
            main[layer, r] = _largest(count, r, block[layer], block[layer + 1])
    return count, main


@numba.njit(cache=True, nogil=True)
def _largest(count: np.ndarray, r: int, first: int, last: int) -> int:
    """Region r's largest zone count among zones first … last-1 (one layer); 0 if none."""
    top = 0
    for z in range(first, last):
        top = max(top, count[r, z])
    return top


@numba.njit(cache=True, nogil=True)
def _kept_change(u: int, a: int, b: int, hh: np.ndarray, zptr: np.ndarray, zloc: np.ndarray, block: np.ndarray,
                 count: np.ndarray, main: np.ndarray) -> int:
    """Change in households kept in main zones (all layers) when unit u moves from region a to b."""
    n_layers = len(block) - 1
    if hh[u] == 0 or n_layers == 0:
        return 0
    change = 0
    for layer in range(n_layers):
        s, e = zptr[u * n_layers + layer], zptr[u * n_layers + layer + 1]
        if s == e:
            continue
        for t in range(s, e):
            count[a, zloc[t]] -= hh[u]
        top = _largest(count, a, block[layer], block[layer + 1])
        for t in range(s, e):
            count[a, zloc[t]] += hh[u]
        change += top - main[layer, a]
        top = main[layer, b]
        for t in range(s, e):
            top = max(top, count[b, zloc[t]] + hh[u])
        change += top - main[layer, b]
    return change


@numba.njit(cache=True, nogil=True)
def _move(u: int, b: int, hh: np.ndarray, label: np.ndarray, h: np.ndarray, size: np.ndarray, zptr: np.ndarray,
          zloc: np.ndarray, block: np.ndarray, count: np.ndarray, main: np.ndarray) -> None:
    """Move unit u to region b, keeping households, sizes and zone counts up to date."""
    a = label[u]
    label[u] = b
    h[a] -= hh[u]
    h[b] += hh[u]
    size[a] -= 1
    size[b] += 1
    n_layers = len(block) - 1
    if hh[u] == 0 or n_layers == 0:
        return
    for layer in range(n_layers):
        s, e = zptr[u * n_layers + layer], zptr[u * n_layers + layer + 1]
        if s == e:
            continue
        for t in range(s, e):
            count[a, zloc[t]] -= hh[u]
            count[b, zloc[t]] += hh[u]
            main[layer, b] = max(main[layer, b], count[b, zloc[t]])
        main[layer, a] = _largest(count, a, block[layer], block[layer + 1])


@numba.njit(cache=True, nogil=True)
def _shared(u: int, r: int, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, label: np.ndarray) -> float:
    """Cut cost between unit u and region r."""
    w = 0.0
    for e in range(indptr[u], indptr[u + 1]):
        if label[indices[e]] == r:
            w += wts[e]
    return w


@numba.njit(cache=True, nogil=True)
def _cost(indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, label: np.ndarray, main: np.ndarray,
          lineage: float) -> float:
    """The objective's second part: cut cost minus ``lineage`` × households kept in main zones."""
    total = 0.0
    for u in range(len(indptr) - 1):
        for e in range(indptr[u], indptr[u + 1]):
            if indices[e] > u and label[indices[e]] != label[u]:
                total += wts[e]
    return total - lineage * main.sum()


@numba.njit(cache=True, nogil=True)
def _band(h: np.ndarray, hh: np.ndarray, big: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """(regions outside the band, households outside it) — a big unit's region counts only what it
    took on beyond the unit: the rest is unavoidable."""
    n_out, excess = 0, 0
    for r in range(len(h)):
        x = h[r] - hh[big[r]] if r < len(big) else _violation(h[r], lo, hi)
        if x > 0:
            n_out += 1
            excess += x
    return n_out, excess


@numba.njit(cache=True, nogil=True)
def _better(a: tuple[int, int, float], b: tuple[int, int, float]) -> bool:
    """Whether score a is lower than b (lexicographically; costs within 1e-9 are equal)."""
    if a[0] != b[0]:
        return a[0] < b[0]
    if a[1] != b[1]:
        return a[1] < b[1]
    return a[2] < b[2] - 1e-9


# ------------------------------------------------------------------------------------------------
# local search and its kicks


@numba.njit(cache=True, nogil=True)
def _local_search(hh: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, label: np.ndarray,
                  h: np.ndarray, size: np.ndarray, zptr: np.ndarray, zloc: np.ndarray, block: np.ndarray,
                  count: np.ndarray, main: np.ndarray, lineage: float, lo: int, hi: int, fixed: np.ndarray,
                  state: np.ndarray, max_passes: int, visit: np.ndarray, m: int, scratch: tuple, log: np.ndarray,
                  n_log: int) -> tuple[float, int]:
    """Move units to neighbouring regions while (violation, cost) decreases and regions stay connected.

    Each pass visits the units ``visit[:m]`` in a fresh random order; the state (labels, households,
    sizes, zone counts) is updated in place. Moves are appended to ``log`` (unit, region left) from
    ``n_log`` on, when it has room (a log of length 0 records nothing).

    Returns (change in cost, new log length).
    """
    cand, cand_w, mark, stack, ticker = scratch
    order = np.empty(m, dtype=np.int64)
    change = 0.0
    tick = ticker[0]
    for _ in range(max_passes):
        for i in range(m):
            order[i] = visit[i]
        for i in range(m - 1, 0, -1):  # Fisher–Yates: a fresh random order every pass
            j = _below(state, i + 1)
            order[i], order[j] = order[j], order[i]
        moved = 0
        for u in order:
            if fixed[u]:
                continue
            a = label[u]
            if size[a] == 1:
                continue
            wa = 0.0
            nc = 0
            for e in range(indptr[u], indptr[u + 1]):
                q = label[indices[e]]
                if q == a:
                    wa += wts[e]
                    continue
                c = 0
                while c < nc and cand[c] != q:
                    c += 1
                if c == nc:
                    cand[nc] = q
                    cand_w[nc] = 0.0
                    nc += 1
                cand_w[c] += wts[e]
            if nc == 0:
                continue
            dva = _violation(h[a] - hh[u], lo, hi) - _violation(h[a], lo, hi)
            best, best_dv, best_dc = -1, 0, -1e-9
            for c in range(nc):
                b = cand[c]
                dv = dva + _violation(h[b] + hh[u], lo, hi) - _violation(h[b], lo, hi)
                dc = wa - cand_w[c]
                if lineage > 0.0:
                    dc -= lineage * _kept_change(u, a, b, hh, zptr, zloc, block, count, main)
                if dv < best_dv or (dv == best_dv and (dc < best_dc or (dc == best_dc and best >= 0 and b < best))):
                    best, best_dv, best_dc = b, dv, dc
            if best < 0:
                continue
            tick += 1
            if not _connected_without(indptr, indices, label, u, size[a], mark, tick, stack):
                continue
            if n_log < len(log):
                log[n_log, 0] = u
                log[n_log, 1] = a
                n_log += 1
            _move(u, best, hh, label, h, size, zptr, zloc, block, count, main)
            change += best_dc
            moved += 1
        if moved == 0:
            break
    ticker[0] = tick
    return change, n_log


@numba.njit(cache=True, nogil=True)
def _kick(hh: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, label: np.ndarray,
          h: np.ndarray, size: np.ndarray, zptr: np.ndarray, zloc: np.ndarray, block: np.ndarray,
          count: np.ndarray, main: np.ndarray, lineage: float, fixed: np.ndarray, max_blob: int,
          state: np.ndarray, scratch: tuple, log: np.ndarray) -> tuple[float, int, int]:
    """Move a small connected blob of units across a region border, every region staying connected.

    The blob (1…``max_blob`` units, breadth first from a random unit) goes to a random neighbouring
    region of its first unit. Moves are logged in ``log`` from 0.

    Returns (change in cost, log length, first unit of the blob); the unit is -1 when no move was
    found in a few tries.
    """
    cand, cand_w, mark, stack, ticker = scratch
    n = len(hh)
    tick = ticker[0]
    for _ in range(8):
        u = _below(state, n)
        if fixed[u]:
            continue
        a = label[u]
        n_other = 0
        for e in range(indptr[u], indptr[u + 1]):
            if label[indices[e]] != a:
                n_other += 1
        if n_other == 0:
            continue
        pick = _below(state, n_other)
        b = -1
        for e in range(indptr[u], indptr[u + 1]):
            if label[indices[e]] != a:
                if pick == 0:
                    b = label[indices[e]]
                    break
                pick -= 1
        want = 1 + _below(state, max_blob)
        tick += 1
        stack[0] = u  # the blob, breadth first inside region a
        mark[u] = tick
        m, head = 1, 0
        while head < m and m < want:
            x = stack[head]
            head += 1
            for e in range(indptr[x], indptr[x + 1]):
                v = indices[e]
                if m < want and label[v] == a and mark[v] != tick and not fixed[v]:
                    mark[v] = tick
                    stack[m] = v
                    m += 1
        ticker[0] = tick
        if m >= size[a]:
            continue
        start = -1  # the rest of region a must stay connected: search it from a neighbour of the blob
        for q in range(m):
            for e in range(indptr[stack[q]], indptr[stack[q] + 1]):
                v = indices[e]
                if label[v] == a and mark[v] != tick:
                    start = v
                    break
            if start >= 0:
                break
        if start < 0:
            continue
        blob = stack[:m].copy()
        if _reach(indptr, indices, label, start, mark, tick, stack) != size[a] - m:
            continue
        change = 0.0
        for q in range(m):
            x = blob[q]
            dc = _shared(x, a, indptr, indices, wts, label) - _shared(x, b, indptr, indices, wts, label)
            if lineage > 0.0:
                dc -= lineage * _kept_change(x, a, b, hh, zptr, zloc, block, count, main)
            log[q, 0] = x
            log[q, 1] = a
            _move(x, b, hh, label, h, size, zptr, zloc, block, count, main)
            change += dc
        return change, m, u
    return 0.0, 0, -1


@numba.njit(cache=True, nogil=True)
def _around(indptr: np.ndarray, indices: np.ndarray, u: int, hops: int, scratch: tuple, out: np.ndarray) -> int:
    """The units within ``hops`` edges of u, into ``out``; returns how many."""
    mark, ticker = scratch[2], scratch[4]
    ticker[0] += 1
    tick = ticker[0]
    mark[u] = tick
    out[0] = u
    m, head = 1, 0
    for _ in range(hops):
        end = m
        while head < end:
            x = out[head]
            head += 1
            for e in range(indptr[x], indptr[x + 1]):
                v = indices[e]
                if mark[v] != tick:
                    mark[v] = tick
                    out[m] = v
                    m += 1
    return m


@numba.njit(cache=True, nogil=True)
def _tally(hh: np.ndarray, label: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Households and units of each region."""
    h = np.zeros(k, dtype=np.int64)
    size = np.zeros(k, dtype=np.int64)
    for u in range(len(hh)):
        h[label[u]] += hh[u]
        size[label[u]] += 1
    return h, size


@numba.njit(cache=True, nogil=True)
def _restarts(hh: np.ndarray, xy: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray,
              zptr: np.ndarray, zloc: np.ndarray, block: np.ndarray, lineage: float, lo: int, hi: int,
              ks: np.ndarray, big: np.ndarray, fixed: np.ndarray, restarts: int, max_passes: int,
              state: np.ndarray, scratch: tuple) -> tuple[np.ndarray, int, tuple[int, int, float]]:
    """The best of ``restarts`` attempts (seeds, growing, local search) for each count of free regions
    in ``ks`` in turn, until one meets the band: (labels, number of regions, score)."""
    n = len(hh)
    every = np.arange(n)
    no_log = np.empty((0, 2), dtype=np.int64)
    best_lab = np.zeros(n, dtype=np.int64)
    best_k = 1
    best = (-1, 0, 0.0)
    for kr in ks:
        k = len(big) + kr
        for _ in range(restarts):
            seeds = _seeds(hh, xy, max(k, 1), big, state)
            k_eff = len(seeds)
            lab = _grow(hh, indptr, indices, wts, seeds, len(big), hi)
            h, size = _tally(hh, lab, k_eff)
            count, main = _zone_table(hh, lab, k_eff, zptr, zloc, block)
            _local_search(hh, indptr, indices, wts, lab, h, size, zptr, zloc, block, count, main, lineage, lo, hi,
                          fixed, state, max_passes, every, n, scratch, no_log, 0)
            n_out, excess = _band(h, hh, big, lo, hi)
            score = (n_out, excess, _cost(indptr, indices, wts, lab, main, lineage))
            if best[0] < 0 or _better(score, best):
                best_lab, best_k, best = lab, k_eff, score
        if best[0] == 0:
            break
    return best_lab, best_k, best


@numba.njit(cache=True, nogil=True)
def _polish(hh: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray, zptr: np.ndarray,
            zloc: np.ndarray, block: np.ndarray, lineage: float, lo: int, hi: int, big: np.ndarray,
            fixed: np.ndarray, label: np.ndarray, k: int, score: tuple[int, int, float], kicks: int,
            max_passes: int, state: np.ndarray, scratch: tuple) -> None:
    """Iterated local search on ``label`` (in place): kick (a few units across a border), descend again
    near the kick, keep the result when it is no worse, else undo its moves."""
    n = len(hh)
    h, size = _tally(hh, label, k)
    count, main = _zone_table(hh, label, k, zptr, zloc, block)
    near = np.empty(n, dtype=np.int64)
    log = np.empty((64, 2), dtype=np.int64)  # (unit, region it left) of every move of one kick
    best = score
    for _ in range(kicks):
        change, n_log, u = _kick(hh, indptr, indices, wts, label, h, size, zptr, zloc, block, count, main,
                                 lineage, fixed, KICK_UNITS, state, scratch, log)
        if u < 0:
            break
        m = _around(indptr, indices, u, KICK_HOPS, scratch, near)
        if len(log) < n_log + max_passes * m:  # room to undo every move the descent may make
            grown = np.empty((n_log + max_passes * m + 64, 2), dtype=np.int64)
            for q in range(n_log):
                grown[q, 0] = log[q, 0]
                grown[q, 1] = log[q, 1]
            log = grown
        more, n_log = _local_search(hh, indptr, indices, wts, label, h, size, zptr, zloc, block, count, main,
                                    lineage, lo, hi, fixed, state, max_passes, near, m, scratch, log, n_log)
        n_out, excess = _band(h, hh, big, lo, hi)
        score = (n_out, excess, best[2] + change + more)
        if not _better(best, score):
            best = score
            continue
        for q in range(n_log - 1, -1, -1):  # worse: undo, last move first
            _move(log[q, 0], log[q, 1], hh, label, h, size, zptr, zloc, block, count, main)


@numba.njit(cache=True, nogil=True)
def _partition_piece(hh: np.ndarray, xy: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray,
                     zptr: np.ndarray, zloc: np.ndarray, block: np.ndarray, lineage: float, lo: int, hi: int,
                     restarts: int, max_passes: int, polish: int, state: np.ndarray) -> np.ndarray:
    """Regions 0…k-1 of one connected piece (local indices)."""
    n = len(hh)
    out = np.zeros(n, dtype=np.int64)
    if n == 1:
        return out
    fixed = hh > hi
    big = np.flatnonzero(fixed)
    rest_total = 0
    for u in range(n):
        if not fixed[u]:
            rest_total += hh[u]
    if rest_total < lo:
        if len(big) == 0:
            return out  # too few households: one region
        ks = np.arange(2)  # the rest joins the big units' regions, or makes a small region of its own
    else:
        ks = _counts_to_try(rest_total, lo, hi, 3)
    scratch = (np.empty(n, dtype=np.int64), np.empty(n), np.zeros(n, dtype=np.int64), np.empty(n, dtype=np.int64),
               np.zeros(1, dtype=np.int64))  # candidates, their costs, visit marks, a stack, the mark counter
    label, k, score = _restarts(hh, xy, indptr, indices, wts, zptr, zloc, block, lineage, lo, hi, ks, big, fixed,
                                restarts, max_passes, state, scratch)
    if polish > 0 and k > 1:
        _polish(hh, indptr, indices, wts, zptr, zloc, block, lineage, lo, hi, big, fixed, label, k, score,
                polish * k, max_passes, state, scratch)
    # regions numbered 0…k-1 in order of their lowest unit
    remap = np.full(n, -1, dtype=np.int64)
    nxt = 0
    for u in range(n):
        r = label[u]
        if remap[r] < 0:
            remap[r] = nxt
            nxt += 1
        out[u] = remap[r]
    return out


@numba.njit(cache=True, nogil=True)
def _partition_all(hh: np.ndarray, xy: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray,
                   zptr: np.ndarray, zone: np.ndarray, layer_of_zone: np.ndarray, n_layers: int, lineage: float,
                   piece_ptr: np.ndarray, piece_stream: np.ndarray, streams: np.ndarray, lo: int, hi: int,
                   restarts: int, max_passes: int, polish: int) -> np.ndarray:
    labels = np.empty(len(hh), dtype=np.int64)
    state = np.empty(1, dtype=np.uint64)
    local_of = np.full(len(layer_of_zone), -1, dtype=np.int64)
    for p in range(len(piece_ptr) - 1):
        s, e = piece_ptr[p], piece_ptr[p + 1]
        state[0] = streams[piece_stream[p]]
        sub_ptr = indptr[s:e + 1] - indptr[s]
        sub_idx = indices[indptr[s]:indptr[e]] - s
        sub_w = wts[indptr[s]:indptr[e]]
        # the piece's zones, numbered layer by layer in order of first appearance
        sub_zptr = zptr[s * n_layers:e * n_layers + 1] - zptr[s * n_layers]
        glob = zone[zptr[s * n_layers]:zptr[e * n_layers]]
        block = np.zeros(n_layers + 1, dtype=np.int64)
        seen = 0
        for layer in range(n_layers):
            for t in range(len(glob)):
                z = glob[t]
                if layer_of_zone[z] == layer and local_of[z] < 0:
                    local_of[z] = seen
                    seen += 1
            block[layer + 1] = seen
        sub_zone = np.empty(len(glob), dtype=np.int64)
        for t in range(len(glob)):
            sub_zone[t] = local_of[glob[t]]
        for t in range(len(glob)):
            local_of[glob[t]] = -1
        # the lineage weight: metres of cut cost per household, times the caller's factor
        piece_lineage = 0.0
        total_hh = hh[s:e].sum()
        if lineage > 0.0 and total_hh > 0:
            piece_lineage = lineage * sub_w.sum() / 2.0 / total_hh
        labels[s:e] = _partition_piece(hh[s:e], xy[s:e], sub_ptr, sub_idx, sub_w, sub_zptr, sub_zone, block,
                                       piece_lineage, lo, hi, restarts, max_passes, polish, state)
        streams[piece_stream[p]] = state[0]  # the community's next piece continues its stream
    return labels


def partition_pieces(hh: np.ndarray, xy: np.ndarray, indptr: np.ndarray, indices: np.ndarray, wts: np.ndarray,
                     piece_ptr: np.ndarray, piece_stream: np.ndarray, streams: np.ndarray, min_households: int,
                     max_households: int, restarts: int, max_passes: int, polish: int = 0,
                     zptr: np.ndarray | None = None, zone: np.ndarray | None = None,
                     layer_of_zone: np.ndarray | None = None, lineage: float = 0.0) -> np.ndarray:
    """Regions of every connected piece, each numbered 0…k-1 from its lowest unit.

    Parameters
    ----------
    hh : households per unit, units ordered piece by piece.
    xy : unit centroids (n × 2).
    indptr, indices, wts : the unit graph in CSR form (rows and columns in the same order; edges
        only inside a piece; ``wts`` the cut cost of each edge, both directions equal).
    piece_ptr : piece p is units ``piece_ptr[p]`` … ``piece_ptr[p + 1] - 1``.
    piece_stream : the random stream of each piece (its community's); pieces of one stream are
        drawn from it in order.
    streams : the initial state of each stream (uint64; not modified).
    min_households, max_households : the band.
    restarts : attempts per region count.
    max_passes : cap on local-search passes per attempt.
    polish : kicks of the iterated local search per region (0: none).
    zptr, zone, layer_of_zone : the zones of each unit per layer — unit u's zones in layer l are
        ``zone[zptr[u·L + l] : zptr[u·L + l + 1]]`` (L layers), each zone numbered across layers
        with its layer in ``layer_of_zone``; None: no layers.
    lineage : weight of the households kept in their region's main zone against the cut cost, as a
        multiple of the piece's cut cost per household (0: cut cost alone).

    Returns
    -------
    The region of each unit within its piece.
    """
    n = len(hh)
    if zptr is None:
        zptr, zone, layer_of_zone = np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, np.int64)
    n_layers = (len(zptr) - 1) // n if n else 0
    return _partition_all(np.ascontiguousarray(hh, dtype=np.int64), np.ascontiguousarray(xy, dtype=np.float64),
                          np.ascontiguousarray(indptr, dtype=np.int64), np.ascontiguousarray(indices, dtype=np.int64),
                          np.ascontiguousarray(wts, dtype=np.float64), np.ascontiguousarray(zptr, dtype=np.int64),
                          np.ascontiguousarray(zone, dtype=np.int64), np.ascontiguousarray(layer_of_zone, np.int64),
                          int(n_layers), float(lineage), np.ascontiguousarray(piece_ptr, dtype=np.int64),
                          np.ascontiguousarray(piece_stream, dtype=np.int64),
                          np.array(streams, dtype=np.uint64), int(min_households), int(max_households),
                          int(restarts), int(max_passes), int(polish))
