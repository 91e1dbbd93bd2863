"""Page "可达 / Access": walking distance to the service centres — residents coloured by life
circle, centres, catchments, isochrones; special-group residents beyond the largest life circle
(上门服务名单) as a table and on the map; everything filtered by community or by a zone layer."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.access import accessibility as acc
from gridmap.app import analysis, mapkit
from gridmap.app.context import PageContext, session_choice
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, layer_label, t
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.present import views
from gridmap.present.access_map import CIRCLE_COLOURS, access_map, circle_label

__all__ = ["KEY", "render", "build_map", "CIRCLE_COLOURS", "grouping", "filtered", "visit_points", "access_labels"]

KEY = "access"

ALL = "__all__"
#: The map's key (in the session and the prepared-map cache).
MAP_KEY = "access_map"


def grouping(ctx: PageContext) -> dict[str, tuple[gpd.GeoDataFrame, str]]:
    """What residents can be grouped by: communities (study area) and each zone layer."""
    ds = ctx.data
    out = {"study_area": (ds.study_area, "area_id")}
    for name, zones in ds.zones.items():
        out[f"zones_{name}"] = (zones, "zone_id")
    return out


def filtered(residents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, zone_id: str, value: str) -> gpd.GeoDataFrame:
    """The residents whose point lies in the zone ``value`` (all when ``value`` is ``ALL``)."""
    if value == ALL:
        return residents
    labels = views.zone_of(residents, zones, zone_id).astype(object)
    return residents[(labels.astype(str) == str(value)).to_numpy()]


def build_map(ctx: PageContext, a: analysis.Access, residents: gpd.GeoDataFrame, visits: gpd.GeoDataFrame,
              base: tuple | None = None) -> folium.Map:
    """Residents by life circle, the 上门服务名单 points, centres, catchments and isochrones (the
    core's :func:`~gridmap.present.access_map.access_map` on this page's setup)."""
    return access_map(a.result, residents=residents, catchments=a.catchments, isochrones=a.isochrones,
                      visits=visits, lang=ctx.lang, setup=mapkit.setup(ctx, base=base),
                      bounds=residents if len(residents) else ctx.data.study_area)


def warm(ctx: PageContext) -> None:
    """Prepare the map a first visit draws (grouped by the first grouping, every zone; the server's
    warm-up calls this): the same analysis, visit list and map cache key as :func:`render` then uses."""
    ds = ctx.data
    if not ds.has_access_inputs:
        return
    a = analysis.access(ds.key, ds)
    res = a.result.residents
    groups = grouping(ctx)
    by = next(iter(groups))
    zones, zone_id = groups[by]
    visits = acc.home_visit_list(res, zones, zone_id, labels=a.result.labels)
    mapkit.prepare(lambda: build_map(ctx, a, res, visit_points(visits)), ctx, MAP_KEY, cache=(by, ALL))


def render(ctx: PageContext) -> None:
    """Draw the walking-access page: life-circle shares, the access map and the home-visit list."""
    lang = ctx.lang
    st.header(t("access_header", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    if not ds.has_access_inputs:
        st.info(t("access_missing", lang))
        return
    a = compute(lang, analysis.access, ds.key, ds)
    res = a.result.residents
    groups = grouping(ctx)
    # the filters and figures sit above the map but are drawn after it (the browser gets the map
    # first); their values come from the session state, where the widgets keep them
    by = session_choice("acc_by", groups)
    zones, zone_id = groups[by]
    names = (dict(zip(zones[zone_id].astype(str), zones["name"].astype(str), strict=True))
             if "name" in zones.columns else {})
    options = [ALL, *sorted(zones[zone_id].astype(str).unique())]
    value = session_choice("acc_zone", options)
    sel = filtered(res, zones, zone_id, value)
    visits_all = acc.home_visit_list(res, zones, zone_id, labels=a.result.labels)
    visits = visits_all if value == ALL else visits_all[visits_all[zone_id].astype(str) == str(value)]
    controls = st.container()

    mapkit.section(ctx, "access_map_help", lambda: build_map(ctx, a, sel, visit_points(visits)), MAP_KEY,
                   cache=(by, value))

    with controls:
        c1, c2 = st.columns(2)
        c1.selectbox(t("filter_by", lang), list(groups), key="acc_by", format_func=lambda k: layer_label(k, lang))
        c2.selectbox(t("filter_value", lang), options, key="acc_zone",
                     format_func=lambda v: t("all", lang) if v == ALL else f"{v} {names.get(v, '')}".strip())
        hh = pd.to_numeric(sel["households"], errors="coerce").fillna(0)
        cols = st.columns(4)
        cols[0].metric(t("kpi_residents", lang), views.format_count(len(sel)))
        cols[1].metric(t("field_households", lang), views.format_count(int(hh.sum())))
        cols[2].metric(t("kpi_within", lang), views.format_share(views.households_within(sel, a.within_labels)))
        cols[3].metric(t("kpi_visits", lang), views.format_count(len(visits)))

    st.subheader(t("visits_header", lang, n=len(visits)))
    st.caption(t("visits_help", lang, label=circle_label(a.result.labels[-1], lang)))
    shown = visits.assign(life_circle=visits["life_circle"].map(lambda v: circle_label(v, lang)))
    st.dataframe(columns(shown, lang), hide_index=True, width="stretch")

    st.subheader(t("access_summary_header", lang))
    summary = acc.summarize_access(sel if value != ALL else res, zones, zone_id, labels=a.result.labels)
    st.dataframe(columns(summary, lang, access_labels(summary.columns, a.result.labels, lang)), hide_index=True,
                 width="stretch")


def access_labels(cols, labels, lang: str) -> dict[str, str]:
    """Headers of summarize_access columns: ``households_5min`` → "户数 · 5分钟内", and so on."""
    out = {"residents": t("kpi_residents", lang)}
    circles = [*labels, acc.BEYOND, acc.NO_ROUTE]
    for c in cols:
        for group in ("households", *SPECIAL_GROUPS):
            if not c.startswith(group + "_"):
                continue
            rest = c[len(group) + 1:]
            g = t(f"field_{group}", lang)
            if rest == "total":
                out[c] = f"{g} · {t('total', lang)}"
            elif rest in circles:
                out[c] = f"{g} · {circle_label(rest, lang)}"
            elif rest.startswith("within_") and rest.endswith("_pct"):
                out[c] = f"{g} · {t('within_pct', lang, label=circle_label(rest[7:-4], lang))}"
    return out



def visit_points(visits: pd.DataFrame) -> gpd.GeoDataFrame:
    """The 上门服务名单 as points (its lon/lat columns, WGS84)."""
    return gpd.GeoDataFrame(visits, geometry=gpd.points_from_xy(visits["lon"], visits["lat"]), crs="EPSG:4326")
