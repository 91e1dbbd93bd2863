"""The product's defaults: the numbers a planner gets when they set nothing, in one place.

The core's functions default to them, the command line's options and the config file of
``gridmap run`` show them, the app's controls start from them and the report states them; change
one here and it changes everywhere. Each says what it is and where it comes from
(``docs/design.md`` gives the reasoning).

* The **household band** of a grid, 300–500 households: a common practice of street offices, not a
  national norm (local rules differ; every tool lets the user set their own).
* **Gap width**, 5 m: slits between neighbouring zones narrower than this are reported as edges to
  fix (digitising seams), not as blind spots.
* **Sliver area**, 1 m²: gaps and overlaps smaller than this are digitising noise — kept and flagged,
  not listed.
* **Life circles** (GB 50180-2018 《城市居住区规划设计标准》): the 5-, 10- and 15-minute circles are
  walks of 300, 500 and 1,000 m. The standard gives distances, not a speed (the implied paces,
  60, 50 and 67 m/min, differ), so gridmap routes distances and never converts minutes.
* **Snap limit**, 300 m: a resident or centre farther than this from every street is not routed
  (reported ``too_far_from_street``) rather than joined to a street it cannot reach.
* **Special groups**: the residents' count columns of people the home-visit list serves.
* :func:`band_status` — the one rule that places a grid's households below, within or above the
  band (inclusive bounds), used by the plan's checks, the maps, the app and the report.

This module imports nothing from gridmap: it is a floor of its own beside :mod:`gridmap.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["MIN_HOUSEHOLDS", "MAX_HOUSEHOLDS", "HOUSEHOLD_BAND", "SEED", "GAP_WIDTH_M", "SLIVER_M2",
           "LIFE_CIRCLE_MINUTES", "LIFE_CIRCLE_M", "SNAP_LIMIT_M", "SITE_RADIUS_M", "SPECIAL_GROUPS",
           "BELOW", "IN_BAND", "ABOVE", "band_status"]

#: Fewest and most households per grid (inclusive): a common practice, not a national norm.
MIN_HOUSEHOLDS = 300
MAX_HOUSEHOLDS = 500
HOUSEHOLD_BAND: tuple[int, int] = (MIN_HOUSEHOLDS, MAX_HOUSEHOLDS)
#: Seed of the grid heuristic: the same inputs and seed give the same grids.
SEED = 0

#: Metres: slits between neighbouring zones narrower than this are edges to fix, not blind spots.
GAP_WIDTH_M = 5.0
#: Square metres: gaps and overlaps smaller than this are digitising noise (kept, flagged ``is_sliver``).
SLIVER_M2 = 1.0

#: The life circles of GB 50180-2018: minutes, and the walking distance (metres) the standard gives each.
LIFE_CIRCLE_MINUTES: tuple[int, ...] = (5, 10, 15)
LIFE_CIRCLE_M: tuple[float, ...] = (300.0, 500.0, 1000.0)
#: Metres from the nearest street beyond which a point is not routed.
SNAP_LIMIT_M = 300.0
#: Walking metres a proposed service station should serve (the 15-minute circle).
SITE_RADIUS_M = LIFE_CIRCLE_M[-1]

#: Count columns of residents in special groups (独居老人, 留守儿童, 残疾人): the home-visit list.
SPECIAL_GROUPS: tuple[str, ...] = ("elderly_alone", "left_behind_children", "disabled")

#: The band statuses :func:`band_status` gives.
BELOW, IN_BAND, ABOVE = "below", "in_band", "above"


def band_status(households: Sequence[float] | np.ndarray | pd.Series, low: float = MIN_HOUSEHOLDS,
                high: float = MAX_HOUSEHOLDS) -> np.ndarray:
    """Per grid, where its households lie against the band [``low``, ``high``] (both inclusive).

    Parameters
    ----------
    households : households per grid (missing or non-numeric counts as 0).
    low, high : the band; default the product's 300–500.

    Returns
    -------
    numpy.ndarray of object
        ``"below"`` (fewer than ``low``), ``"above"`` (more than ``high``), else ``"in_band"``.

    Examples
    --------
    >>> band_status([299, 300, 500, 501]).tolist()
    ['below', 'in_band', 'in_band', 'above']
    """
    h = np.asarray(pd.to_numeric(pd.Series(np.asarray(households, dtype=object)), errors="coerce").fillna(0),
                   dtype=float)
    return np.where(h < low, BELOW, np.where(h > high, ABOVE, IN_BAND)).astype(object)
