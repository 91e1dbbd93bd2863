"""Page "数据 / Data": the layers in use (the embedded demo or the user's files) and a map of them
with each layer togglable; below, uploads of the user's own files."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.app import mapkit
from gridmap.app.context import GCJ02_STATE, TILES_STATE, PageContext, map_settings
from gridmap.app.i18n import layer_label, t
from gridmap.app.uploads import problems_table, render_uploads

__all__ = ["KEY", "render", "warm", "MAP_KEY", "layer_summary", "LAYER_STYLE", "style_for", "build_map",
           "render_map_settings"]

KEY = "data"

#: Map style per demo layer (colour-blind-safe-ish palette; grids outlined, buildings filled).
LAYER_STYLE: dict[str, dict] = {
    "districts": {"color": "#6a3d9a", "fill_opacity": 0.0, "weight": 2.0, "dash_array": "6 4"},
    "study_area": {"color": "#252525", "fill_opacity": 0.0, "weight": 2.5},
    "zones_party": {"color": "#d62728", "fill_opacity": 0.06, "weight": 2.0},
    "zones_security": {"color": "#1f77b4", "fill_opacity": 0.06, "weight": 2.0, "dash_array": "4 3"},
    # hundreds of small cells: off at first so the other layers stay readable
    "zones_urban": {"color": "#2ca02c", "fill_opacity": 0.06, "weight": 1.5, "dash_array": "1 4", "show": False},
    "residents": {"color": "#e6550d", "fill_opacity": 0.55, "weight": 0.6},
    "centers": {"color": "#b10026", "fill_opacity": 0.9, "weight": 1.5, "point_radius": 6.0},
}
_DEFAULT_STYLE = {"color": "#636363", "fill_opacity": 0.1, "weight": 1.5}
_EXTRA_ZONE_COLOURS = ("#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")

#: Attribute columns shown on hover when a layer has them.
TOOLTIP_CANDIDATES = (
    "name", "area_id", "zone_id", "center_id", "kind",
    "households", "population", "elderly_alone", "left_behind_children", "disabled",
)  # fmt: skip


def style_for(key: str, position: int = 0) -> dict:
    """Map style of a layer key; further zone layers get colours of their own."""
    if key in LAYER_STYLE:
        return LAYER_STYLE[key]
    if key.startswith("zones_"):
        return {"color": _EXTRA_ZONE_COLOURS[position % len(_EXTRA_ZONE_COLOURS)], "fill_opacity": 0.06,
                "weight": 2.0}
    return _DEFAULT_STYLE


def _crs_label(gdf: gpd.GeoDataFrame, lang: str) -> str:
    if gdf.crs is None:
        return t("no_crs", lang)
    epsg = gdf.crs.to_epsg()
    return f"EPSG:{epsg} — {gdf.crs.name}" if epsg else gdf.crs.name


def layer_summary(layers: dict[str, gpd.GeoDataFrame], lang: str) -> pd.DataFrame:
    """One row per layer: label, key, feature count, CRS, geometry types."""
    rows = []
    for key, gdf in layers.items():
        types = sorted(str(g) for g in gdf.geom_type.dropna().unique())
        rows.append(
            {
                t("col_layer", lang): layer_label(key, lang),
                t("col_key", lang): key,
                t("col_count", lang): int(len(gdf)),
                t("col_crs", lang): _crs_label(gdf, lang),
                t("col_geom", lang): ", ".join(types),
            }
        )
    return pd.DataFrame(rows)


def build_map(ctx: PageContext, layers: dict[str, gpd.GeoDataFrame]) -> folium.Map:
    """Every layer of the dataset as loaded (each togglable) over the basemap."""
    ds = ctx.data
    m = mapkit.new_map(ctx, ds.study_area if len(ds.study_area) else next(iter(layers.values())))
    for i, (key, gdf) in enumerate(layers.items()):
        if gdf.empty or gdf.crs is None:
            continue
        fields = [c for c in TOOLTIP_CANDIDATES if c in gdf.columns]
        mapkit.add(m, ctx, gdf, layer_label(key, ctx.lang), fields=fields, **style_for(key, i))
    return m


def _keep(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


def render_map_settings(lang: str) -> None:
    """Intranet tile server and GCJ-02 display, kept for the session (every page's maps use them).

    The values live in plain session-state keys (:data:`TILES_STATE`, :data:`GCJ02_STATE`): a
    widget's own state is dropped on pages that do not draw it.
    """
    st.subheader(t("map_settings", lang))
    for widget_key, state_key, default in (("tiles_url", TILES_STATE, ""), ("gcj02", GCJ02_STATE, False)):
        if widget_key not in st.session_state:
            st.session_state[widget_key] = st.session_state.get(state_key, default)
    st.text_input(t("tiles_url", lang), key="tiles_url", placeholder="http://tiles.intra/{z}/{x}/{y}.png",
                  help=t("tiles_url_help", lang), on_change=_keep, args=("tiles_url", TILES_STATE))
    if not map_settings()[1]:
        st.warning(t("tiles_url_bad", lang))
    st.checkbox(t("gcj02", lang), key="gcj02", help=t("gcj02_help", lang), on_change=_keep,
                args=("gcj02", GCJ02_STATE))


#: The page's map (its key in the session and the prepared-map cache).
MAP_KEY = "data_map"


def warm(ctx: PageContext) -> None:
    """Prepare the page's map as a first visit draws it (the server's warm-up calls this)."""
    layers = ctx.data.layers()
    mapkit.prepare(lambda: build_map(ctx, layers), ctx, MAP_KEY, cache=())


def render(ctx: PageContext) -> None:
    """Draw the page."""
    lang = ctx.lang
    st.header(t("data_header", lang))
    ds = ctx.dataset
    if ds is not None:
        if ds.source == "project" and ctx.session is not None:
            project = ctx.session.project(ds.project)
            st.write(t("data_intro_project", lang, title=project.title or project.name,
                       version=project.inputs_version))
        else:
            st.write(t("data_intro" if ds.source == "demo" else "data_intro_upload", lang))
        if ctx.role == "viewer":
            st.caption(t("viewer_no_personal", lang))
        layers = ds.layers()
        # the map before the tables: the browser then fetches the map's code first
        st.subheader(t("map_header", lang))
        mapkit.section(ctx, "map_help", lambda: build_map(ctx, layers), MAP_KEY, cache=())
        st.dataframe(layer_summary(layers, lang), hide_index=True, width="stretch")
        notes = [r for r in ds.reports if r.problems]
        if notes:
            with st.expander(t("upload_notes", lang, n=sum(len(r.problems) for r in notes))):
                for r in notes:
                    st.caption(r.source)
                    st.dataframe(problems_table(r, lang), hide_index=True, width="stretch")
    render_map_settings(lang)
    render_uploads(lang, ctx)
