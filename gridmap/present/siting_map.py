"""The siting map: proposed sites numbered by rank, the residents each newly covers, those still beyond.

One builder for every face: ``sites.html`` of ``gridmap site``, the app's 选址 page and the
proposed sites of the HTML report. Labels come from :mod:`gridmap.present.map_labels`; faces differ
only in their :class:`~gridmap.present.drawing.MapSetup`.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd

from gridmap.present import maps
from gridmap.present.access_map import CENTRE_FILL
from gridmap.present.drawing import MapSetup, draw, new_map
from gridmap.present.map_labels import text
from gridmap.present.views import for_display, web_layer

__all__ = ["RANK_COLOURS", "SITE_COLOUR", "BEYOND_COLOUR", "siting_map"]

#: Residents newly covered, by the rank of the site covering them (red is kept for "still beyond").
RANK_COLOURS = ("#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#17becf", "#999999")
SITE_COLOUR = "#c2185b"
BEYOND_COLOUR = "#d7191c"
_RESIDENT_FIELDS = ["building_id", "households", "network_m_before", "site_m", "new_site_rank"]


def _rank_markers(group: folium.FeatureGroup, sites: gpd.GeoDataFrame, setup: MapSetup) -> None:
    """The rank written on each site (white on the site's disc; clicks go through)."""
    web = maps.to_web(for_display(sites, setup.display_system), ["rank"])
    for rank, geom in zip(web["rank"].tolist(), web.geometry.tolist(), strict=True):
        folium.Marker([geom.y, geom.x], icon=folium.DivIcon(
            html=f'<div style="font:bold 12px sans-serif;color:#fff;text-align:center;width:22px;'
                 f'line-height:22px;margin:-11px 0 0 -11px;pointer-events:none">{rank}</div>',
            icon_size=(0, 0)), interactive=False).add_to(group)


def siting_map(
    sites: gpd.GeoDataFrame,
    *,
    residents: gpd.GeoDataFrame | None = None,
    centers: gpd.GeoDataFrame | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    radius_m: float | None = None,
    lang: str = "zh",
    setup: MapSetup = MapSetup(),
    bounds: gpd.GeoDataFrame | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """Proposed sites on a map, with whom they newly cover.

    Parameters
    ----------
    sites : ``SitingResult.sites`` (:func:`gridmap.access.siting.recommend_sites`), numbered by ``rank``.
    residents : ``SitingResult.residents``: those within ``radius_m`` already (off at first), those
        newly covered by each site (one layer per rank) and those still beyond.
    centers : the existing centres.
    candidates : candidate points of the user's own (e.g. clicked on the map).
    radius_m : the walking radius of the analysis (for the layer names).
    lang : ``"zh"`` or ``"en"``.
    setup : tiles, basemap, display coordinates.
    bounds : what to fit the map to (default: residents, else centres, else sites).
    m : draw on this map instead of a new one.
    """
    style: dict[str, Any] = {"setup": setup, "lang": lang}
    if m is None:
        if bounds is None:
            bounds = next((g for g in (residents, centers, sites) if g is not None and len(g)), sites)
        m = new_map(bounds, setup, lang)
    if residents is not None and len(residents):
        shown = web_layer(residents.assign(network_m_before=residents["network_m_before"].round(0),
                                           site_m=residents["site_m"].round(0)), 0.5)
        radius = f"{radius_m:g}" if radius_m is not None else ""
        before = shown[shown["covered_before"].astype(bool)]
        draw(m, before, text("siting_layer_before", lang, m=radius, n=len(before)), "#9e9e9e", _RESIDENT_FIELDS,
             fill_opacity=0.5, weight=0.5, point_radius=2, show=False, **style)
        beyond = shown[~shown["covered_after"].astype(bool)]
        draw(m, beyond, text("siting_layer_beyond", lang, n=len(beyond)), BEYOND_COLOUR, _RESIDENT_FIELDS,
             fill_opacity=0.7, weight=1.0, point_radius=3, **style)
        rank_of = shown["new_site_rank"].fillna(0).astype(int)
        for rank in sites["rank"].astype(int).tolist():
            part = shown[rank_of == rank]
            draw(m, part, text("siting_layer_rank", lang, rank=rank, n=len(part)),
                 RANK_COLOURS[(rank - 1) % len(RANK_COLOURS)], _RESIDENT_FIELDS, fill_opacity=0.7, weight=1.0,
                 point_radius=3, **style)
    if centers is not None:
        draw(m, centers, text("layer_centers", lang), "#000000", ["center_id", "name", "kind"],
             fill_color=CENTRE_FILL, fill_opacity=0.9, point_radius=7, weight=2, **style)
    if candidates is not None:
        draw(m, candidates, text("siting_layer_user", lang), "#ff7f00", ["candidate_id"], point_radius=6, **style)
    if len(sites):
        shown_sites = sites.assign(covered_after=(sites["covered_after"] * 100).round(1))
        group = draw(m, shown_sites, text("siting_layer_sites", lang), "#000000",
                     ["rank", "candidate_id", "gain", "covered_after", "new_households", "street"],
                     fill_color=SITE_COLOUR, fill_opacity=0.95, point_radius=11, weight=2, **style)
        if group is not None:
            _rank_markers(group, sites, setup)
    return m
