"""Page "覆盖 / Coverage": how many systems cover each place (0 = 盲区 in a strong colour), 多头
overlaps, household-weighted heat in hexagons, and who lives in a gap (click it on the map)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.app import analysis, mapkit
from gridmap.app.context import PageContext
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, layer_label, t
from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.present import maps, views
from gridmap.present.coverage_map import HEX_CLASSES, coverage_map

__all__ = ["KEY", "render", "warm", "map_key", "HEAT_MODES", "build_map", "gap_table", "HEX_CLASSES", "gap_residents"]

KEY = "coverage"



def build_map(ctx: PageContext, cov: analysis.Coverage, heat: str, web: dict | None = None,
              base: tuple | None = None, with_edges: bool = False) -> folium.Map:
    """The coverage map: faces by systems covering (or hexagons by uncovered households), gaps,
    overlaps, zones outside the study area and edges to fix (off at first), communities — the
    core's :func:`~gridmap.present.coverage_map.coverage_map` on this page's setup.

    ``web`` and ``base`` are the prefetched web layers and basemap (else fetched from the cache).
    """
    ds = ctx.data
    web = web if web is not None else analysis.web_layers(ds.key, ds)
    hexes = cov.hexes if heat == "households" else None
    return coverage_map(cov.faces_web, cov.report, web["study_area"], lang=ctx.lang, setup=mapkit.setup(ctx, base=base),
                        hexes=hexes, with_edges=with_edges)


def gap_table(ctx: PageContext, gaps: gpd.GeoDataFrame) -> pd.DataFrame:
    """盲区 as a table: id, community, area, people, the nearest zone of each layer and its distance."""
    lang, ds = ctx.lang, ctx.data
    names = dict(zip(ds.study_area["area_id"].astype(str), ds.study_area["name"].astype(str), strict=True))
    out = pd.DataFrame({"gap_id": gaps["gap_id"], "area_id": gaps["area_id"],
                        "community": gaps["area_id"].astype(str).map(names), "area_m2": gaps["area_m2"].round(0)})
    for c in ("households", "population", *SPECIAL_GROUPS):
        if c in gaps.columns:
            out[c] = gaps[c]
    extra = {"community": t("field_name", lang)}
    for name in ds.zones:
        col = f"nearest_{name}"
        if col in gaps.columns:
            out[col] = gaps[col]
            out[f"{col}_m"] = gaps[f"{col}_m"].round(0)
            label = layer_label(f"zones_{name}", lang)
            extra[col] = t("nearest_zone", lang, layer=label)
            extra[f"{col}_m"] = t("nearest_zone_m", lang, layer=label)
    return columns(out.reset_index(drop=True), lang, extra)


def gap_residents(cov: analysis.Coverage, gap: pd.Series, crs) -> gpd.GeoDataFrame:
    """The residents whose point lies in the gap (the core's rule: point on surface)."""
    if cov.residents is None:
        return cov.residents
    return views.residents_within(cov.residents, gap.geometry, crs)


def _handle_click(ctx: PageContext, out: dict, gaps: gpd.GeoDataFrame, cov: analysis.Coverage) -> None:
    """A click on the map picks the gap under it (or says how many systems cover the place)."""
    click = out.get("last_object_clicked")
    if not click or click == st.session_state.get("cov_last_click"):
        return
    st.session_state["cov_last_click"] = click
    lon, lat = views.from_display(click["lng"], click["lat"], ctx.maps.display_system)
    i = views.feature_at(gaps, lon, lat, tolerance_m=2.0)
    if i is not None:
        st.session_state["cov_gap"] = str(gaps["gap_id"].iloc[i])
        st.session_state["cov_click_note"] = None
        return
    j = views.feature_at(cov.faces, lon, lat)
    n = int(cov.faces["n_layers"].iloc[j]) if j is not None else 0
    st.session_state["cov_click_note"] = t("click_not_gap", ctx.lang, n=n)


#: The heat modes of the map, the first shown by default.
HEAT_MODES = ("systems", "households")


def map_key(heat: str) -> str:
    """The map's key for a heat mode (in the session and the prepared-map cache)."""
    return f"coverage_map_{heat}"


def warm(ctx: PageContext) -> None:
    """Prepare the map a first visit draws (default heat mode; the server's warm-up calls this)."""
    cov = analysis.coverage(ctx.data.key, ctx.data)
    heat = HEAT_MODES[0]
    mapkit.prepare(lambda: build_map(ctx, cov, heat), ctx, map_key(heat), cache=(heat,))


def render(ctx: PageContext) -> None:
    """Draw the coverage page: coverage per layer, the 盲区/多头 map and their tables."""
    lang = ctx.lang
    st.header(t("coverage_header", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    cov = compute(lang, analysis.coverage, ds.key, ds)
    rep = cov.report
    gaps = rep.gaps[~rep.gaps["is_sliver"]].reset_index(drop=True)
    overlaps = rep.overlaps[~rep.overlaps["is_sliver"]].reset_index(drop=True)
    st.write(t("coverage_intro", lang, gaps=len(gaps), overlaps=len(overlaps),
               slivers=int(rep.gaps["is_sliver"].sum() + rep.overlaps["is_sliver"].sum()), sliver=rep.sliver_m2))

    modes = list(HEAT_MODES) if cov.hexes is not None else list(HEAT_MODES[:1])
    heat = st.radio(t("heat_mode", lang), modes, key="cov_heat", horizontal=True,
                    format_func=lambda k: t(f"heat_{k}", lang))
    selected = st.session_state.get("cov_gap")
    highlight = None
    if selected in set(gaps["gap_id"]):
        highlight = folium.FeatureGroup(name=t("selected_gap", lang))
        g = views.for_display(gaps[gaps["gap_id"] == selected][["geometry"]], ctx.maps.display_system)
        folium.GeoJson(maps.geo_dict(maps.to_web(g)),
                       style_function=lambda _f: {"color": "#000000", "weight": 4, "fillOpacity": 0.0,
                                                  "dashArray": "6 4"}).add_to(highlight)
    out = mapkit.section(ctx, "coverage_map_help", lambda: build_map(ctx, cov, heat), map_key(heat),
                         cache=(heat,), returned_objects=["last_object_clicked"], feature_group=highlight)
    if out is not None:
        _handle_click(ctx, out, gaps, cov)

    st.subheader(t("gaps_header", lang, n=len(gaps)))
    if gaps.empty:
        st.success(t("no_gaps", lang))
    else:
        st.dataframe(gap_table(ctx, gaps), hide_index=True, width="stretch")
        note = st.session_state.get("cov_click_note")
        if note:
            st.info(note)
        options = list(gaps["gap_id"])
        if st.session_state.get("cov_gap") not in options:
            st.session_state["cov_gap"] = options[0]
        hh = dict(zip(gaps["gap_id"], gaps["households"], strict=True)) if "households" in gaps.columns else {}
        gap_id = st.selectbox(t("pick_gap", lang), options, key="cov_gap",
                              format_func=lambda g: t("gap_option", lang, gap=g, hh=hh.get(g, "—")))
        gap = gaps[gaps["gap_id"] == gap_id].iloc[0]
        people = gap_residents(cov, gap, gaps.crs)
        if people is None:
            st.caption(t("no_residents_layer", lang))
        else:
            st.write(t("who_lives_here", lang, gap=gap_id, n=len(people),
                       hh=int(people["households"].sum()) if len(people) else 0))
            keep = [c for c in ("building_id", "name", "households", "population", *SPECIAL_GROUPS, "area_id")
                    if c in people.columns]
            st.dataframe(columns(pd.DataFrame(people[keep]).reset_index(drop=True), lang), hide_index=True,
                         width="stretch", key="gap_people")

    st.subheader(t("overlaps_header", lang, n=len(overlaps)))
    if overlaps.empty:
        st.success(t("no_overlaps", lang))
    else:
        table = overlaps.drop(columns="geometry").assign(
            layer=overlaps["layer"].map(lambda n: layer_label(f"zones_{n}", lang)),
            area_m2=overlaps["area_m2"].round(0))
        keep = [c for c in ("overlap_id", "layer", "zone_ids", "n_zones", "area_m2", "households", "population",
                            "in_study_area") if c in table.columns]
        st.dataframe(columns(pd.DataFrame(table[keep]), lang), hide_index=True, width="stretch")
