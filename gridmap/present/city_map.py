"""Maps of a whole city for officials: 街道 and 社区 coloured by one figure, and one 街道 in detail.

:func:`city_map` draws the aggregates only (the polygons of :func:`gridmap.scale.summary.city_summary`,
simplified as a coverage, a few numbers each), so the map sent to a browser stays small at any
city size; :func:`street_map` draws one 街道 in full: its communities, grids (in or out of the
band, staffed or not), 盲区 and the residents beyond the 15-minute life circle.
Both take WGS84 GeoDataFrames and draw through :mod:`gridmap.present.drawing`.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np

from gridmap.present import drawing, maps
from gridmap.present.drawing import MapSetup
from gridmap.present.map_labels import field_label, text

__all__ = ["CITY_METRICS", "WORSE_WHEN_LOW", "PALETTE", "classes", "colour_of", "city_map", "street_map",
           "CITY_DECIMALS"]

#: The figures a city map can show, in the order offered.
CITY_METRICS = ("covered_share", "gap_households", "within_share", "grids_outside", "grids_unstaffed")
#: Figures where a low value is the problem (shares); for the others a high value is.
WORSE_WHEN_LOW = frozenset({"covered_share", "within_share"})
#: Five classes from good (light) to bad (dark red).
PALETTE = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
#: Fixed class limits of the shares: below 50 %, 50–70, 70–85, 85–95, 95 % and above.
SHARE_LIMITS = (0.5, 0.7, 0.85, 0.95)
#: lon/lat decimals of the city-zoom polygons (~1 m; shared borders stay shared).
CITY_DECIMALS = 5


def classes(values: np.ndarray, metric: str) -> tuple[np.ndarray, list[str]]:
    """Class (0 = best … 4 = worst, -1 = no value) of each value, and the legend's labels.

    Shares use fixed limits (:data:`SHARE_LIMITS`), counts 0 and then quartiles of the non-zero
    values, so the worst areas of any city stand out.
    """
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), -1, dtype=np.int64)
    ok = np.isfinite(v)
    if metric in WORSE_WHEN_LOW:
        limits = np.array(SHARE_LIMITS)
        out[ok] = 4 - np.searchsorted(limits, v[ok], side="right")
        pct = [f"{x:.0%}" for x in SHARE_LIMITS]
        labels = [f"≥ {pct[3]}", f"{pct[2]}–{pct[3]}", f"{pct[1]}–{pct[2]}", f"{pct[0]}–{pct[1]}", f"< {pct[0]}"]
        return out, labels
    positive = v[ok & (v > 0)]
    out[ok & (v <= 0)] = 0
    if len(positive) == 0:
        return out, ["0", "", "", "", ""]
    q = np.unique(np.quantile(positive, [0.25, 0.5, 0.75]))
    out[ok & (v > 0)] = 1 + np.searchsorted(q, v[ok & (v > 0)], side="left").clip(0, 3)
    edges = [float(positive.min()), *q.tolist(), float(positive.max())]
    labels = ["0"] + [f"{edges[i]:,.0f}–{edges[i + 1]:,.0f}" for i in range(len(edges) - 1)]
    return out, (labels + [""] * 5)[:5]


def colour_of(cls: np.ndarray) -> np.ndarray:
    """The fill colour of each class (grey for no value)."""
    palette = np.array([*PALETTE, "#bdbdbd"], dtype=object)
    return palette[np.where(cls >= 0, cls, len(PALETTE))]


def _choropleth(gdf: gpd.GeoDataFrame, metric: str, fields: Sequence[str], lang: str, *, weight: float,
                name: str, show: bool) -> folium.FeatureGroup:
    """A layer of polygons filled by the class of ``metric``, with ``fields`` as tooltip."""
    cls, _ = classes(gdf[metric].to_numpy(float) if metric in gdf.columns else np.full(len(gdf), np.nan), metric)
    present = [f for f in fields if f in gdf.columns]
    data = maps.to_web(gdf.assign(_fill=colour_of(cls)), [*present, "_fill"], decimals=CITY_DECIMALS)
    for share in WORSE_WHEN_LOW & set(present):
        data[share] = [None if v is None else f"{v:.1%}" for v in data[share]]
    tip = folium.GeoJsonTooltip(fields=present, aliases=[field_label(f, lang) for f in present], sticky=True)
    group = folium.FeatureGroup(name=name, show=show)
    folium.GeoJson(data.to_geo_dict(show_bbox=False), tooltip=tip, embed=True,
                   style_function=lambda f, w=weight: {"color": "#525252", "weight": w, "opacity": 0.9,
                                                       "fillColor": f["properties"]["_fill"], "fillOpacity": 0.7},
                   highlight_function=lambda _f: {"weight": 3, "color": "#08519c"}).add_to(group)
    return group


def city_map(streets: gpd.GeoDataFrame, communities: gpd.GeoDataFrame | None, metric: str, *, lang: str = "zh",
             setup: MapSetup | None = None, selected: str | None = None) -> folium.Map:
    """The city at a glance: 街道 coloured by ``metric``; with ``communities``, the 社区 too (shown,
    the 街道 then off in the layer control).

    The first map of the city page carries the 街道 only: the 社区 are ten times as many polygons
    and the bulk of the bytes, so they are sent when asked for (``communities`` given).

    Parameters
    ----------
    streets, communities : :class:`gridmap.scale.summary.CitySummary` layers (WGS84); ``communities``
        None for the 街道 alone.
    metric : one of :data:`CITY_METRICS` present in the layers.
    lang : language of the tooltips and legend.
    setup : tiles and display system (no vector basemap at city zoom: it would not be small).
    selected : the 街道 key drawn with a thick outline.
    """
    setup = setup or MapSetup()
    m = drawing.new_map(streets, MapSetup(tiles_url=setup.tiles_url, display_system=setup.display_system), lang)
    fields = ["street_name", "communities", "households", metric]
    if communities is not None:
        _choropleth(communities, metric, ["name", "street_name", "households", metric], lang, weight=0.5,
                    name=text("layer_city_communities", lang), show=True).add_to(m)
    _choropleth(streets, metric, fields, lang, weight=1.5, name=text("layer_city_streets", lang),
                show=communities is None).add_to(m)
    if selected is not None and (streets["street_key"] == selected).any():
        drawing.draw(m, streets[streets["street_key"] == selected], text("layer_city_selected", lang), "#08519c",
                     setup=setup, lang=lang, fill_opacity=0.0, weight=4)
    _, labels = classes(streets[metric].to_numpy(float) if metric in streets.columns else np.empty(0), metric)
    drawing.ClassLegend([(field_label(metric, lang), PALETTE, labels)], position="bottomleft").add_to(m)
    if not any(isinstance(c, folium.LayerControl) for c in m._children.values()):
        folium.LayerControl(collapsed=False).add_to(m)
    return m


def street_map(communities: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, gaps: gpd.GeoDataFrame,
               residents: gpd.GeoDataFrame | None, *, lang: str = "zh", setup: MapSetup | None = None) -> folium.Map:
    """One 街道 in detail (:class:`gridmap.scale.summary.StreetDetail` layers, WGS84): its grids
    (green in the band, orange outside it, hatched red outline when nobody staffs them), 盲区
    and the residents beyond the 15-minute life circle.
    """
    setup = setup or MapSetup()
    m = drawing.new_map(communities, setup, lang)
    draw = lambda gdf, name, color, fields, **style: drawing.draw(  # noqa: E731
        m, gdf, name, color, fields, setup=setup, lang=lang, **style)
    in_band = grids["in_band"].to_numpy(bool) if len(grids) else np.zeros(0, bool)
    draw(grids[in_band], text("layer_grids_in_band", lang), "#1a9850", ["grid_code", "households"], weight=1)
    draw(grids[~in_band], text("layer_grids_outside_band", lang), "#f46d43", ["grid_code", "households"], weight=1.5,
         fill_opacity=0.35)
    if "staffed" in grids.columns:
        draw(grids[~grids["staffed"].to_numpy(bool)], text("layer_grids_unstaffed", lang), "#a50026",
             ["grid_code", "households"], weight=3, fill_opacity=0.0, dash_array="6 4")
    draw(gaps, text("layer_gaps", lang), "#d7191c", ["area_id", "households"], fill_opacity=0.75, weight=2)
    if residents is not None and len(residents):
        draw(residents[~residents["within"].to_numpy(bool)], text("layer_beyond_15min", lang), "#6a51a3",
             ["households"], point_radius=2.5, weight=1)
    draw(communities, text("layer_study_area", lang), "#252525", ["name", "households", "covered_share"],
         fill_opacity=0.0, weight=2.5)
    return m
