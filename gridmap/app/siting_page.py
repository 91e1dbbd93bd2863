"""Page "选址 / Siting": where new 党群服务站 would bring the most residents within a walk.

Choose k, the radius and what to weigh (households, population or a special group); see the
proposed sites in order of gain and coverage before/after; click the map to add a candidate of
your own; accept a site as a new centre and see walking access update. The page only calls
:mod:`gridmap.access.siting` and :mod:`gridmap.access.accessibility`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from gridmap.access import accessibility as acc
from gridmap.access import siting
from gridmap.app import analysis, mapkit
from gridmap.app.context import PageContext, session_choice
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, t
from gridmap.defaults import LIFE_CIRCLE_M
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.present import views
from gridmap.present.siting_map import siting_map

__all__ = ["KEY", "render", "STATE"]

KEY = "siting"
STATE = "siting_state"  # session: {"dataset": key, "candidates": [(lon, lat)], "accepted": [site rows]}
#: New sites proposed when the page opens.
DEFAULT_K = 3
#: The map's key (in the session and the prepared-map cache).
MAP_KEY = "siting_map"
RADII = tuple(int(m) for m in LIFE_CIRCLE_M)  # the life circles of gridmap.defaults: 300, 500, 1000 m


def _state(ctx: PageContext) -> dict:
    state = st.session_state.get(STATE)
    if state is None or state.get("dataset") != ctx.data.key:
        state = {"dataset": ctx.data.key, "candidates": [], "accepted": []}
        st.session_state[STATE] = state
    return state


def _user_candidates(points: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"candidate_id": [f"U{i + 1}" for i in range(len(points))], "source": "user"},
                            geometry=[shapely.Point(lon, lat) for lon, lat in points], crs=4326)


def _centres(ctx: PageContext, accepted: list[dict]) -> gpd.GeoDataFrame:
    """The dataset's centres plus the sites accepted on this page (as new 党群服务站)."""
    centres = ctx.data.centers
    assert centres is not None  # the page draws only with access inputs (Dataset.has_access_inputs)
    if not accepted:
        return centres
    new = gpd.GeoDataFrame(accepted, geometry=[shapely.Point(a["lon"], a["lat"]) for a in accepted], crs=4326)
    new = new.assign(name=[t("siting_new_centre", ctx.lang, rank=a["rank"]) for a in accepted], kind="党群服务站")
    return pd.concat([centres, new[["center_id", "name", "kind", "geometry"]].to_crs(centres.crs)],
                     ignore_index=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def _recommend(key: str, _ctx_dataset, _centres: gpd.GeoDataFrame, k: int, radius: int, weight: str,
               candidates: tuple[tuple[float, float], ...]) -> siting.SitingResult:
    """Sites for these settings; cached per (dataset, accepted centres, k, radius, weight, clicks)."""
    ds = _ctx_dataset
    net = analysis.walk_network(str(ds.osm_path))
    cands = None
    if candidates:
        nodes = siting.node_candidates(net)
        cands = pd.concat([nodes.assign(source="nodes"), _user_candidates(list(candidates)).to_crs(nodes.crs)],
                          ignore_index=True)
    return siting.recommend_sites(net, ds.residents, _centres, k=k, radius_m=radius, weight=weight,
                                  candidates=cands, osm_path=ds.osm_path)


def _weights(ctx: PageContext) -> list[str]:
    residents = ctx.data.residents
    assert residents is not None  # the page draws only with access inputs (Dataset.has_access_inputs)
    cols = residents.columns
    return [c for c in ("households", "population", *SPECIAL_GROUPS) if c in cols]


def _sites_map(ctx: PageContext, result: siting.SitingResult, centres: gpd.GeoDataFrame, user: gpd.GeoDataFrame,
               radius: int):
    """The core's :func:`~gridmap.present.siting_map.siting_map` on this page's setup."""
    return siting_map(result.sites, residents=result.residents, centers=centres, candidates=user, radius_m=radius,
                      lang=ctx.lang, setup=mapkit.setup(ctx), bounds=ctx.data.study_area)


def warm(ctx: PageContext) -> None:
    """Prepare the map a first visit draws (the default count, radius and weight, no site accepted,
    no candidate clicked; the server's warm-up calls this), with the cache keys :func:`render` uses."""
    ds = ctx.data
    if not ds.has_access_inputs:
        return
    k, radius, weight = DEFAULT_K, RADII[-1], _weights(ctx)[0]
    centres = _centres(ctx, [])
    result = _recommend(f"{ds.key}|{()}", ds, centres, k, radius, weight, ())
    mapkit.prepare(lambda: _sites_map(ctx, result, centres, _user_candidates([]), radius), ctx, MAP_KEY,
                   cache=((), k, radius, weight, ()))


def render(ctx: PageContext) -> None:
    """Draw the siting page: the best new service-station sites for the chosen count, radius and weight,
    candidates of the user's own, and the effect of accepting them."""
    lang = ctx.lang
    st.header(t("page_siting", lang))
    st.caption(t("siting_intro", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    if not ds.has_access_inputs:
        st.info(t("siting_needs_inputs", lang))
        return
    state = _state(ctx)
    # the settings and figures sit above the map but are drawn after it (the browser gets the map
    # first); their values come from the session state, where the widgets keep them
    weights = _weights(ctx)
    k = session_choice("siting_k", range(1, 11), DEFAULT_K)
    radius = session_choice("siting_radius", RADII, RADII[-1])
    weight = session_choice("siting_weight", weights)
    centres = _centres(ctx, state["accepted"])
    accepted_key = tuple(a["center_id"] for a in state["accepted"])
    result = compute(lang, _recommend, f"{ds.key}|{accepted_key}", ds, centres, k, radius, weight,
                     tuple(state["candidates"]))
    summary = result.summary.set_index("measure").loc[weight]
    controls = st.container()

    user = _user_candidates(state["candidates"])
    st.caption(t("siting_click_hint", lang))
    out = mapkit.show(lambda: _sites_map(ctx, result, centres, user, radius), ctx, MAP_KEY,
                      cache=(accepted_key, k, radius, weight, tuple(state["candidates"])),
                      returned_objects=["last_clicked"])
    with controls:
        c1, c2, c3 = st.columns(3)
        c1.slider(t("siting_k", lang), 1, 10, key="siting_k")
        c2.selectbox(t("siting_radius", lang), RADII, key="siting_radius",
                     format_func=lambda r: t("siting_radius_value", lang, m=r))
        c3.selectbox(t("siting_weight", lang), weights, key="siting_weight",
                     format_func=lambda c: t(f"field_{c}", lang))
        m1, m2, m3 = st.columns(3)
        m1.metric(t("siting_before", lang, m=radius), views.format_share(summary["share_before"]))
        m2.metric(t("siting_after", lang, k=len(result.sites)), views.format_share(summary["share_after"]),
                  delta=views.format_share(summary["share_after"] - summary["share_before"]))
        m3.metric(t("siting_newly", lang), views.format_count(int(summary["newly_covered"])))
    clicked = (out or {}).get("last_clicked")
    if clicked and (clicked["lng"], clicked["lat"]) != st.session_state.get("siting_last_click"):
        st.session_state["siting_last_click"] = (clicked["lng"], clicked["lat"])
        lon, lat = views.from_display(clicked["lng"], clicked["lat"], ctx.maps.display_system)
        state["candidates"].append((lon, lat))
        st.rerun()
    if state["candidates"] and st.button(t("siting_clear_candidates", lang, n=len(state["candidates"]))):
        state["candidates"].clear()
        st.rerun()

    table = result.sites[["rank", "gain", "covered_after", "new_households", "street"]].copy()
    table["covered_after"] = (table["covered_after"] * 100).round(1)
    st.dataframe(columns(table, lang), hide_index=True, width="stretch")
    if len(result.sites):
        pick = st.selectbox(t("siting_accept_pick", lang), list(result.sites["rank"]), key="siting_accept_rank")
        if st.button(t("siting_accept", lang), type="primary"):
            row = result.sites[result.sites["rank"] == pick].to_crs(4326).iloc[0]
            state["accepted"].append({"center_id": f"NEW{len(state['accepted']) + 1:02d}", "rank": int(pick),
                                      "lon": row.geometry.x, "lat": row.geometry.y})
            st.rerun()
    if state["accepted"]:
        st.subheader(t("siting_accepted_header", lang, n=len(state["accepted"])))
        net = analysis.walk_network(str(ds.osm_path))
        before = analysis.access(ds.key, ds).result.residents
        after = compute(lang, acc.compute_access, net, ds.residents, centres)
        by_circle = pd.DataFrame({
            t("siting_col_before", lang): before.groupby("life_circle", observed=True)["households"].sum(),
            t("siting_col_after", lang): after.residents.groupby("life_circle", observed=True)["households"].sum(),
        }).fillna(0).astype(int)
        st.dataframe(by_circle.rename_axis(t("siting_col_circle", lang)))
        if st.button(t("siting_reset", lang)):
            state["accepted"].clear()
            st.rerun()
