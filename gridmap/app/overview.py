"""Page "总览 / Overview": the headline figures and a layered map (each zone layer togglable)."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st

from gridmap.app import analysis, grid_page, mapkit
from gridmap.app.context import PageContext
from gridmap.app.data_overview import style_for
from gridmap.app.guard import compute
from gridmap.app.i18n import layer_label, t
from gridmap.present import views

__all__ = ["KEY", "MAP_KEY", "render", "warm", "kpis", "grids_help", "coverage_table", "build_map"]

KEY = "overview"


def kpis(ctx: PageContext) -> views.OverviewKPIs:
    """The figures shown (from the cached core results of the dataset in use).

    Grids outside the band: of the plan on the 网格 page when this session has one for the
    dataset, else of the default build (:data:`analysis.DEFAULT_BAND`, seed 0).
    """
    ds = ctx.data
    cov = analysis.coverage(ds.key, ds)
    acc = analysis.access(ds.key, ds) if ds.has_access_inputs else None
    current = grid_page.current_grids(ctx)
    return views.overview_kpis(
        cov.report.summary,
        acc.result.residents if acc else None,
        acc.within_labels if acc else None,
        grids=current[0] if current else None,
        band=current[1] if current else None,
    )


def grids_help(ctx: PageContext, k: views.OverviewKPIs) -> str:
    """What the grids-outside-the-band figure counts (the session's plan or the default build)."""
    current = grid_page.current_grids(ctx)
    if current is None:
        return t("kpi_grids_outside_help", ctx.lang)
    _, (lo, hi), which = current
    if which == "plan":
        return t("kpi_grids_outside_help_plan", ctx.lang, lo=lo, hi=hi, n=k.grids_total)
    return t("kpi_grids_outside_help_default", ctx.lang, lo=lo, hi=hi, seed=analysis.DEFAULT_SEED, n=k.grids_total)


def coverage_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per zone layer and for any layer: covered share by area and households, overlaps, outside."""
    rows = []
    for r in summary.itertuples(index=False):
        row: dict[str, object] = {
            t("col_layer", lang): t("any_layer", lang) if r.layer == "any" else layer_label(f"zones_{r.layer}", lang),
            t("col_area_share", lang): views.format_share(r.area_share),
        }
        if hasattr(r, "households_share"):
            row[t("col_households_share", lang)] = views.format_share(r.households_share)
            row[t("col_uncovered_households", lang)] = int(r.households) - int(r.households_covered)
        row[t("col_overlap_m2", lang)] = round(float(r.overlap_m2))
        row[t("col_outside_m2", lang)] = round(float(r.outside_m2))
        rows.append(row)
    return pd.DataFrame(rows)


def build_map(ctx: PageContext, cov: analysis.Coverage) -> folium.Map:
    """Zone layers (each togglable), 盲区, communities and centres over the basemap."""
    ds, lang = ctx.data, ctx.lang
    web = analysis.web_layers(ds.key, ds)
    m = mapkit.new_map(ctx, ds.study_area)
    for i, name in enumerate(ds.zones):
        key = f"zones_{name}"
        mapkit.add(m, ctx, web[key], layer_label(key, lang), fields=["zone_id", "name"],
                   **{**style_for(key, i), "show": True})
    gaps = cov.report.gaps[~cov.report.gaps["is_sliver"]]
    mapkit.add(m, ctx, gaps, t("layer_gaps", lang), "#d7191c", ["gap_id", "area_id", "households", "population"],
               fill_opacity=0.75, weight=2.5)
    mapkit.add(m, ctx, web["study_area"], layer_label("study_area", lang), "#252525", ["area_id", "name"],
               fill_opacity=0.0, weight=2.5)
    if ds.centers is not None:
        mapkit.add(m, ctx, ds.centers, layer_label("centers", lang), "#b10026", ["center_id", "name", "kind"],
                   fill_color="#ffeb3b", point_radius=6, weight=2)
    return m


#: The page's map (its key in the session and the prepared-map cache).
MAP_KEY = "overview_map"


def warm(ctx: PageContext) -> None:
    """Prepare the page's map as a first visit draws it (the server's warm-up calls this)."""
    cov = analysis.coverage(ctx.data.key, ctx.data)
    mapkit.prepare(lambda: build_map(ctx, cov), ctx, MAP_KEY, cache=())


def render(ctx: PageContext) -> None:
    """Draw the data page: what each layer holds (features, CRS, geometry) and a map of them all."""
    lang = ctx.lang
    st.header(t("overview_header", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    k = compute(lang, kpis, ctx)
    cov = analysis.coverage(ds.key, ds)
    # the figures sit above the map but are filled in after it: the browser gets the map first
    figures = st.container()
    st.subheader(t("map_header", lang))
    mapkit.section(ctx, "overview_map_help", lambda: build_map(ctx, cov), MAP_KEY, cache=())
    with figures:
        c = st.columns(5)
        c[0].metric(t("kpi_area_share", lang), views.format_share(k.area_share), help=t("kpi_area_share_help", lang))
        c[1].metric(t("kpi_households_share", lang), views.format_share(k.households_share),
                    help=t("kpi_households_share_help", lang))
        c[2].metric(t("kpi_blind_households", lang), views.format_count(k.blind_households),
                    help=t("kpi_blind_households_help", lang))
        c[3].metric(t("kpi_within", lang), views.format_share(k.within_share),
                    help=t("kpi_within_help", lang) if ds.has_access_inputs else t("kpi_within_missing", lang))
        c[4].metric(t("kpi_grids_outside", lang), views.format_count(k.grids_outside_band),
                    help=grids_help(ctx, k))

    st.subheader(t("coverage_by_layer", lang))
    st.dataframe(coverage_table(cov.report.summary, lang), hide_index=True, width="stretch")
