"""The grid-plan map: unified grids coloured by their household band status, units, communities.

One builder for every face: the app's 网格 page (whose grids go in a group it swaps in place on
every edit, :func:`grid_layer`) and the grids of the HTML report (:func:`plan_map`). Labels come from
:mod:`gridmap.present.map_labels`; faces differ only in their :class:`~gridmap.present.drawing.MapSetup`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import folium
import geopandas as gpd

from gridmap.plans.plan import Plan
from gridmap.present.drawing import MapSetup, draw, feature, new_map
from gridmap.present.map_labels import layer_label, text
from gridmap.present.views import band_status, web_layer

__all__ = ["BAND_COLORS", "GRID_EDGE", "GRID_FIELDS", "MICRO_EDGE", "plan_grids", "grid_layer", "micro_layer",
           "plan_map"]

#: Grid colour by band status (:func:`gridmap.present.views.band_status`), in legend order.
BAND_COLORS = {"in_band": "#1a9641", "below": "#fdae61", "above": "#d7191c", "locked": "#5e3c99",
               "empty": "#969696", "exclusive": "#2c7fb8"}
#: Outline of a micro grid (微网格).
MICRO_EDGE = "#4d4d4d"
GRID_EDGE = "#1b1b1b"
#: Tooltip columns of a grid.
GRID_FIELDS = ("grid_code", "grid_type", "households", "n_units", "status_label")


def plan_grids(plan: Plan, lang: str = "zh") -> gpd.GeoDataFrame:
    """The plan's grids with ``band_status`` (against the plan's band; locked and empty grids apart)
    and its name ``status_label`` in ``lang``."""
    grids = plan.grids()
    grids["band_status"] = band_status(grids["households"], plan.min_households, plan.max_households,
                                       locked=grids["locked"], n_units=grids["n_units"])
    # a 专属网格 has no household band: it is coloured as what it is (unless locked)
    exclusive = grids["grid_code"].isin(set(plan.exclusive)).to_numpy() & ~grids["locked"].to_numpy(dtype=bool)
    grids.loc[exclusive, "band_status"] = "exclusive"
    grids["status_label"] = [text(f"band_{k}", lang) for k in grids["band_status"]]
    return grids


def _by_status(grids: gpd.GeoDataFrame, tolerance_m: float, decimals: int) -> Iterator[tuple[str, gpd.GeoDataFrame]]:
    """The grids lightened for the browser (a coverage: no gap opens between neighbours), per status."""
    cols = [c for c in GRID_FIELDS if c in grids.columns]
    web = web_layer(grids[[*cols, "band_status", grids.geometry.name]], tolerance_m, decimals=decimals, coverage=True)
    for status in BAND_COLORS:
        yield status, web[web["band_status"] == status]


def grid_layer(grids: gpd.GeoDataFrame, *, lang: str = "zh", setup: MapSetup = MapSetup(), tolerance_m: float = 1.0,
               decimals: int = 5) -> folium.FeatureGroup:
    """One group holding the grids coloured by band status (locked ones dashed), to be swapped in
    place by the caller (not added to a map). ``grids`` as :func:`plan_grids` returns them."""
    group = folium.FeatureGroup(name=text("layer_grids", lang))
    for status, part in _by_status(grids, tolerance_m, decimals):
        layer = feature(part, GRID_EDGE, GRID_FIELDS, setup=setup, lang=lang, fill_color=BAND_COLORS[status],
                        fill_opacity=0.4, weight=1.5, dash_array="5 3" if status == "locked" else None)
        if layer is not None:
            layer.add_to(group)
    return group


def micro_layer(micro: gpd.GeoDataFrame | None, *, lang: str = "zh", setup: MapSetup = MapSetup(),
                tolerance_m: float = 0.5, decimals: int = 6) -> folium.FeatureGroup | None:
    """The 微网格 as thin dashed outlines (code, households, 楼栋长 in the tooltip); None without any."""
    if micro is None or not len(micro):
        return None
    cols = [c for c in ("micro_code", "households", "building_head") if c in micro.columns]
    web = web_layer(micro[[*cols, micro.geometry.name]], tolerance_m, decimals=decimals, coverage=True)
    group = folium.FeatureGroup(name=text("layer_micro", lang), show=True)
    layer = feature(web, MICRO_EDGE, cols, setup=setup, lang=lang, fill_opacity=0.0, weight=0.8, dash_array="3 3")
    if layer is not None:
        layer.add_to(group)
    return group


def plan_map(
    grids: gpd.GeoDataFrame | None = None,
    *,
    units: gpd.GeoDataFrame | None = None,
    study_area: gpd.GeoDataFrame | None = None,
    lang: str = "zh",
    setup: MapSetup = MapSetup(),
    bounds: gpd.GeoDataFrame | None = None,
    fill_opacity: float = 0.4,
    tolerance_m: float = 1.0,
    decimals: int = 5,
    m: folium.Map | None = None,
) -> folium.Map:
    """A grid plan on a map: unit outlines, communities and one layer of grids per band status.

    Parameters
    ----------
    grids : :func:`plan_grids` (``None``: only units and communities — the app adds the grids as a
        group of its own, :func:`grid_layer`).
    units : the plan's units (thin outlines).
    study_area : the communities (outlines).
    lang, setup : labels; tiles, basemap and display coordinates.
    bounds : what to fit the map to (default: the communities, else the grids, else the units).
    fill_opacity : of the grids (0: outlines only, to show another analysis underneath).
    tolerance_m, decimals : lightening of the grids for the browser (display only).
    m : draw on this map instead of a new one.
    """
    style: dict[str, Any] = {"setup": setup, "lang": lang}
    if m is None:
        if bounds is None:
            bounds = next(g for g in (study_area, grids, units) if g is not None and len(g))
        m = new_map(bounds, setup, lang)
    draw(m, units, text("layer_units", lang), "#4d4d4d", [], fill_opacity=0.0, weight=0.6, **style)
    draw(m, study_area, layer_label("study_area", lang), "#252525", ["area_id", "name"], fill_opacity=0.0, weight=2.5,
         **style)
    if grids is not None:
        for status, part in _by_status(grids, tolerance_m, decimals):
            label = part["status_label"].iloc[0] if len(part) else status
            draw(m, part, f"{text('layer_grids', lang)} · {label} ({len(part)})", GRID_EDGE, GRID_FIELDS,
                 fill_color=BAND_COLORS[status], fill_opacity=fill_opacity, weight=1.5 if status == "in_band" else 2.5,
                 dash_array="5 3" if status == "locked" else None, **style)
    return m
