"""Integrity checks of a plan (docs/design.md §4.5, after Esri Redistricting and DistrictBuilder).

Each check is ``pass``, ``fail`` (with the offending grid codes) or ``incomplete`` (nothing wrong
found, but units are still unassigned, so the answer may change):

===================  ===========================================================================
``unassigned``       every unit belongs to a grid
``households_band``  every grid's households lie within [min, max] (exclusive grids, 专属网格, exempt)
``contiguity``       no grid is in more than one part (units connected through shared edges)
``community``        no grid crosses a community (社区) border — every grid inside one community
``empty``            no grid without units
===================  ===========================================================================

All are vectorised over units and edges (``bincount``, one ``connected_components``): a few
milliseconds for 5,000 units, so they run after every edit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.defaults import IN_BAND, band_status

__all__ = ["run_checks", "CHECKS", "CHECK_COLUMNS"]

#: The checks, in the order they are reported, with a one-line description.
CHECKS: dict[str, str] = {
    "unassigned": "every unit belongs to a grid",
    "households_band": "households of every grid within the band",
    "contiguity": "every grid in one part",
    "community": "every grid inside one community",
    "empty": "no grid without units",
}
CHECK_COLUMNS = ["check", "status", "n", "grid_codes", "detail"]


def run_checks(g: np.ndarray, grid_codes: np.ndarray, households: np.ndarray, area_id: np.ndarray,
               adjacency: tuple[np.ndarray, np.ndarray, np.ndarray], unit_ids: np.ndarray,
               min_households: int, max_households: int, exempt: np.ndarray | None = None) -> pd.DataFrame:
    """Run every check.

    Parameters
    ----------
    g : per unit, the index of its grid in ``grid_codes`` (−1 = unassigned).
    grid_codes : the grids of the plan (including empty ones).
    households : households per unit.
    area_id : community per unit.
    adjacency : ``(i, j, length)`` unit pairs sharing an edge.
    unit_ids : unit ids (for the unassigned detail).
    min_households, max_households : the band.
    exempt : per grid, True when the band does not apply (a 专属网格: a school or a park is one grid
        whatever its households); default none exempt.

    Returns
    -------
    DataFrame with ``check``, ``status`` (pass/fail/incomplete), ``n`` (offending grids or units),
    ``grid_codes`` (``;``-joined), ``detail`` (a sentence).
    """
    ng = len(grid_codes)
    ok = g >= 0
    gi = g[ok]
    n_unassigned = int((~ok).sum())
    rows = []

    def add(check: str, bad: np.ndarray, detail: str) -> None:
        codes = [str(c) for c in grid_codes[bad]]
        if codes:
            status = "fail"
        elif n_unassigned and check != "unassigned":
            status = "incomplete"
            detail = f"{n_unassigned} unit(s) still unassigned: may change once they are"
        else:
            status = "pass"
        rows.append({"check": check, "status": status, "n": len(codes), "grid_codes": ";".join(codes),
                     "detail": detail if codes or status == "incomplete" else CHECKS[check]})

    # unassigned
    ids = unit_ids[~ok]
    rows.append({"check": "unassigned", "status": "fail" if n_unassigned else "pass", "n": n_unassigned,
                 "grid_codes": "",
                 "detail": (f"{n_unassigned} unit(s) in no grid: " + ", ".join(map(str, ids[:10]))
                            + (" …" if n_unassigned > 10 else "")) if n_unassigned else CHECKS["unassigned"]})
    size = np.bincount(gi, minlength=ng)
    hh = np.bincount(gi, weights=households[ok], minlength=ng)
    out_band = (size > 0) & (band_status(hh, min_households, max_households) != IN_BAND)
    if exempt is not None:
        out_band &= ~np.asarray(exempt, dtype=bool)
    add("households_band", np.flatnonzero(out_band),
        f"{int(out_band.sum())} grid(s) outside {min_households}–{max_households} households")
    # contiguity: components of the graph of same-grid edges, counted per grid
    i, j, _ = adjacency
    inner = ok[i] & ok[j] & (g[i] == g[j]) if len(i) else np.zeros(0, dtype=bool)
    n = len(g)
    graph = coo_matrix((np.ones(int(inner.sum())), (i[inner], j[inner])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    pairs = np.unique(np.column_stack([gi, comp[ok]]), axis=0) if ok.any() else np.empty((0, 2), dtype=np.int64)
    parts = np.bincount(pairs[:, 0], minlength=ng) if len(pairs) else np.zeros(ng, dtype=np.int64)
    add("contiguity", np.flatnonzero(parts > 1), f"{int((parts > 1).sum())} grid(s) in more than one part")
    # community
    _, area_codes = np.unique(area_id, return_inverse=True)
    ga = np.unique(np.column_stack([gi, area_codes.ravel()[ok]]), axis=0) if ok.any() else np.empty((0, 2), np.int64)
    n_comm = np.bincount(ga[:, 0], minlength=ng) if len(ga) else np.zeros(ng, dtype=np.int64)
    add("community", np.flatnonzero(n_comm > 1), f"{int((n_comm > 1).sum())} grid(s) crossing a community border")
    add("empty", np.flatnonzero(size == 0), f"{int((size == 0).sum())} grid(s) without units")
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)
