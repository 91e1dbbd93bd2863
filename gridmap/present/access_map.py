"""The access map: residents by life circle, the 上门服务名单, centres, catchments and isochrones.

One builder for every face: ``access.html`` of ``gridmap access``, the app's 可达 page and its
export, and the residents and centres of the HTML report. Labels come from
:mod:`gridmap.present.map_labels`; faces differ only in their :class:`~gridmap.present.drawing.MapSetup`.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

from gridmap.access.routing import BEYOND, NO_ROUTE, AccessResult
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.present.drawing import MapSetup, draw, new_map
from gridmap.present.map_labels import text
from gridmap.present.views import web_layer

__all__ = ["CIRCLE_COLOURS", "CENTRE_FILL", "RESIDENT_FIELDS", "circle_label", "access_map"]

#: Colours of the life circles in order, then beyond the largest, then no route.
CIRCLE_COLOURS = ("#1a9641", "#a6d96a", "#fdae61", "#d7191c", "#7f7f7f")
CENTRE_FILL = "#ffeb3b"
#: Tooltip columns of a resident (those present).
RESIDENT_FIELDS = ("building_id", "name", "households", "center_id", "network_m", "straight_m", "life_circle",
                   "snap_status", *SPECIAL_GROUPS)


def circle_label(label: str, lang: str = "zh") -> str:
    """A life circle as people say it: ``5min`` → "5 分钟内", ``beyond`` → "超出 15 分钟", and so on."""
    if label == BEYOND:
        return text("circle_beyond", lang)
    if label == NO_ROUTE:
        return text("circle_no_route", lang)
    return text("circle_within", lang, label=label.replace("min", text("minutes", lang)))


def _as_points(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Buildings at their point on surface (a lighter map: one coordinate per building)."""
    geoms = gdf.geometry.to_numpy()
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return gdf.set_geometry(pts, crs=gdf.crs)


def access_map(
    result: AccessResult,
    *,
    residents: gpd.GeoDataFrame | None = None,
    catchments: gpd.GeoDataFrame | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    visits: gpd.GeoDataFrame | None = None,
    lang: str = "zh",
    setup: MapSetup = MapSetup(),
    bounds: gpd.GeoDataFrame | None = None,
    resident_points: bool = False,
    show_within: bool = True,
    m: folium.Map | None = None,
) -> folium.Map:
    """Walking access on a map: residents coloured by life circle, centres, catchments, isochrones.

    Parameters
    ----------
    result : :func:`gridmap.access.accessibility.compute_access`.
    residents : the residents to draw (default all of ``result.residents``; e.g. those of one grid).
    catchments : :func:`gridmap.access.catchments.catchments` (drawn under the residents).
    isochrones : :func:`gridmap.access.catchments.isochrones`, one layer per threshold (the largest on).
    visits : the 上门服务名单 as points (drawn on top).
    lang : ``"zh"`` or ``"en"``.
    setup : tiles, basemap, display coordinates.
    bounds : what to fit the map to (default: the residents drawn, else the centres).
    resident_points : draw each resident at its point (a lighter map) rather than its building.
    show_within : whether the layers of residents within a life circle are on when the map opens
        (those beyond and with no route always are).
    m : draw on this map instead of a new one.
    """
    res = result.residents if residents is None else residents
    style: dict[str, Any] = {"setup": setup, "lang": lang}
    if m is None:
        m = new_map(bounds if bounds is not None else (res if len(res) else result.centers), setup, lang)
    if catchments is not None and len(catchments):
        draw(m, catchments.assign(area_m2=catchments["area_m2"].round(0)), text("layer_catchments", lang), "#3f51b5",
             ["center_id", "units", "households"], fill_opacity=0.05, dash_array="5 4", **style)
    if isochrones is not None:
        for i, (thr, lab) in enumerate(zip(result.thresholds, result.labels, strict=True)):
            part = isochrones[isochrones["threshold_m"] == thr]
            draw(m, web_layer(part, 2.0) if len(part) else part,
                 text("layer_isochrone", lang, label=circle_label(lab, lang), m=f"{thr:g}"), "#00897b",
                 ["center_id", "threshold_m"], fill_opacity=0.06, weight=1.2,
                 show=i == len(result.thresholds) - 1, **style)
    circle = res["life_circle"].astype(object).to_numpy()
    shown = res.assign(network_m=res["network_m"].round(0), straight_m=res["straight_m"].round(0),
                       life_circle=[circle_label(v, lang) for v in circle])
    if resident_points:
        shown = _as_points(shown)
    within = [CIRCLE_COLOURS[min(i, 2)] for i in range(len(result.labels))]  # more than 3 circles: the last colour
    for label, colour in zip([*result.labels, BEYOND, NO_ROUTE], [*within, *CIRCLE_COLOURS[3:]], strict=True):
        part = shown[circle == label]
        if len(part):
            draw(m, web_layer(part, 0.5), f"{circle_label(label, lang)} ({len(part)})", colour, RESIDENT_FIELDS,
                 fill_opacity=0.75, weight=0.8, point_radius=3,
                 show=show_within or label in (BEYOND, NO_ROUTE), **style)
    if visits is not None and len(visits):
        draw(m, visits, text("layer_visits", lang, n=len(visits)), "#000000",
             ["building_id", "households", "special_total", "network_m"], fill_color="#ff00ff", point_radius=6,
             weight=2.5, **style)
    draw(m, result.centers, text("layer_centers", lang), "#000000",
         ["center_id", "name", "kind", "services_list", "snap_status"], fill_color=CENTRE_FILL, fill_opacity=0.9,
         point_radius=8, weight=2, **style)
    return m
