"""The staffing map (力量下沉到网格): counts per grid and per 微网格 of a ``gridmap staff`` run, never names.

Layers (each togglable; :func:`staffing_map`), from the layers a project keeps of a staffing run
(:func:`gridmap.people.staffing.staffing_layers`) and of a pairing run:

* households per 网格员 — the staffed grids filled by ``households_per_staff`` in classes around
  the capacity of a full-time 网格员 (:data:`LOAD_BREAKS`);
* grids without a 网格员 — red, with the reason in the tooltip;
* members per 微网格 — the 微网格 filled by ``n_members`` (none, one, two or three, four or more);
* people not paired — grids filled by ``n_unpaired`` (结对帮扶), when a pairing layer is given.

Only counts are drawn: the map is what every reader of a project may see.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np

from gridmap.present import maps
from gridmap.present.drawing import ClassLegend, MapSetup, new_map
from gridmap.present.map_labels import field_label, text
from gridmap.present.views import for_display, web_layer

__all__ = ["LOAD_BREAKS", "MEMBER_BREAKS", "UNPAIRED_BREAKS", "LOAD_COLORS", "COUNT_COLORS", "UNSTAFFED_COLOR",
           "classify", "staffing_map"]

#: Class limits of households per 网格员 (a full-time 网格员 serves 500 by default).
LOAD_BREAKS = (250.0, 400.0, 500.0, 750.0)
#: Green (light load) to red (overloaded), one colour per class of :data:`LOAD_BREAKS`.
LOAD_COLORS = ("#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c")
#: Class limits of 党员 per 微网格: none, one, two or three, four or more.
MEMBER_BREAKS = (0.5, 1.5, 3.5)
#: Class limits of people not paired per grid: none, 1–2, 3–9, ten or more.
UNPAIRED_BREAKS = (0.5, 2.5, 9.5)
#: Few (light) to many (dark) for the member counts; for the unpaired the order is reversed (none is good).
COUNT_COLORS = ("#fee5d9", "#c7e9c0", "#74c476", "#238b45")
#: Fill of a grid without a 网格员.
UNSTAFFED_COLOR = "#e31a1c"


def classify(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """The class of each value: how many breaks lie below it (a value on a break is in the lower class); −1 for none."""
    values = np.asarray(values, dtype=float)
    out = np.searchsorted(np.asarray(breaks, dtype=float), values, side="left").astype(np.int64)
    out[~np.isfinite(values)] = -1
    return out


def _labels(breaks: Sequence[float], integer: bool) -> list[str]:
    """The legend text of each class of :func:`classify` (counts: the whole numbers in each class)."""
    if not integer:
        edges = [f"{b:,.0f}" for b in breaks]
        return [f"≤ {edges[0]}", *[f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)], f"> {edges[-1]}"]
    lows = [0, *(int(np.floor(b)) + 1 for b in breaks)]
    highs = [int(np.floor(b)) for b in breaks]
    out = [str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in zip(lows, highs, strict=False)]
    return [*out, f"≥ {lows[-1]}"]


def _filled(gdf: gpd.GeoDataFrame, classes: np.ndarray, colors: Sequence[str], fields: Sequence[str], *, name: str,
            lang: str, setup: MapSetup, show: bool, weight: float, decimals: int) -> folium.FeatureGroup:
    """A group of polygons filled by class, with ``fields`` in the tooltip."""
    palette = np.array([*colors, "#bdbdbd"], dtype=object)
    present = [f for f in fields if f in gdf.columns]
    data = maps.to_web(for_display(gdf.assign(_fill=palette[np.where(classes >= 0, classes, len(colors))]),
                                   setup.display_system), [*present, "_fill"], decimals=decimals)
    group = folium.FeatureGroup(name=name, show=show)
    if len(data):
        tip = folium.GeoJsonTooltip(fields=present, aliases=[field_label(f, lang) for f in present], sticky=True,
                                    localize=True) if present else None
        folium.GeoJson(maps.geo_dict(data), tooltip=tip, embed=True,
                       style_function=lambda f, w=weight: {"color": "#525252", "weight": w, "opacity": 0.9,
                                                           "fillColor": f["properties"]["_fill"], "fillOpacity": 0.65}
                       ).add_to(group)
    return group


def staffing_map(grids: gpd.GeoDataFrame, micro: gpd.GeoDataFrame | None = None,
                 pairing: gpd.GeoDataFrame | None = None, *, lang: str = "zh", setup: MapSetup | None = None,
                 bounds: gpd.GeoDataFrame | None = None, tolerance_m: float = 1.0, decimals: int = 6) -> folium.Map:
    """The staffing of a plan's grids on a map (see the module docstring).

    Parameters
    ----------
    grids : the ``staffing_grids`` layer (``grid_code``, ``households``, ``n_staff``,
        ``households_per_staff``, ``staffed``, ``reason``…, polygons, any CRS).
    micro : the ``staffing_micro`` layer (``micro_code``, ``households``, ``n_members``), or None.
    pairing : grids with ``n_unpaired`` (and ``n_paired``) of a pairing run, or None.
    lang, setup : labels; tiles, basemap and display coordinates.
    bounds : what to fit the map to (default: the grids).
    tolerance_m, decimals : lightening of the polygons for the browser (display only).
    """
    setup = setup or MapSetup()
    m = new_map(bounds if bounds is not None else grids, setup, lang)
    fields = [c for c in ("grid_code", "grid_type", "households", "n_staff", "households_per_staff", "n_micro",
                          "n_micro_with_member") if c in grids.columns]
    web = web_layer(grids[[*fields, *(c for c in ("staffed", "reason") if c in grids.columns), grids.geometry.name]],
                    tolerance_m, decimals=decimals, coverage=True)
    blocks: list[tuple[str, Sequence[str], Sequence[str]]] = []
    if "households_per_staff" in web.columns:  # absent when a project keeps a pairing run only
        staffed = web["staffed"].astype(bool).to_numpy() if "staffed" in web.columns else np.ones(len(web), bool)
        load = web[staffed]
        _filled(load, classify(load["households_per_staff"].to_numpy(float), LOAD_BREAKS), LOAD_COLORS, fields,
                name=text("layer_staff_load", lang), lang=lang, setup=setup, show=True, weight=1.0,
                decimals=decimals).add_to(m)
        blocks.append((field_label("households_per_staff", lang), LOAD_COLORS, _labels(LOAD_BREAKS, integer=False)))
        missing = web[~staffed]
        _filled(missing, np.zeros(len(missing), np.int64), (UNSTAFFED_COLOR,),
                [*fields, *(["reason"] if "reason" in web.columns else [])],
                name=text("layer_grids_unstaffed", lang), lang=lang, setup=setup, show=True, weight=2.0,
                decimals=decimals).add_to(m)
        blocks.append((text("layer_grids_unstaffed", lang), (UNSTAFFED_COLOR,), (f"{len(missing):,}",)))
    if micro is not None and len(micro):
        cols = [c for c in ("micro_code", "households", "n_members") if c in micro.columns]
        mweb = web_layer(micro[[*cols, micro.geometry.name]], min(tolerance_m, 0.5), decimals=decimals,
                         coverage=True)
        _filled(mweb, classify(mweb["n_members"].to_numpy(float), MEMBER_BREAKS), COUNT_COLORS, cols,
                name=text("layer_micro_members", lang), lang=lang, setup=setup, show=False, weight=0.6,
                decimals=decimals).add_to(m)
        blocks.append((field_label("n_members", lang), COUNT_COLORS, _labels(MEMBER_BREAKS, integer=True)))
    if pairing is not None and len(pairing) and "n_unpaired" in pairing.columns:
        cols = [c for c in ("grid_code", "n_paired", "n_unpaired") if c in pairing.columns]
        pweb = web_layer(pairing[[*cols, pairing.geometry.name]], tolerance_m, decimals=decimals, coverage=True)
        colors = COUNT_COLORS[::-1]
        _filled(pweb, classify(pweb["n_unpaired"].to_numpy(float), UNPAIRED_BREAKS), colors, cols,
                name=text("layer_unpaired", lang), lang=lang, setup=setup, show=not blocks, weight=1.0,
                decimals=decimals).add_to(m)
        blocks.append((field_label("n_unpaired", lang), colors, _labels(UNPAIRED_BREAKS, integer=True)))
    ClassLegend(blocks, position="bottomright", css_class="gridmap-staffing-legend").add_to(m)
    maps.ensure_layer_control(m)
    return m
