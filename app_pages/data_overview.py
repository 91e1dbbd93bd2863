"""Page "数据 / Data": what the demo layers are, and a map of them with each layer togglable."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.demo_data import DemoUnavailable, demo_module_name, load_layers, load_osm_basemap
from app_pages.i18n import layer_label, t
from gridmap import maps

__all__ = ["render", "layer_summary", "build_map"]

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

#: Attribute columns shown on hover when a layer has them.
TOOLTIP_CANDIDATES = (
    "name", "area_id", "zone_id", "center_id", "kind",
    "households", "population", "elderly_alone", "left_behind_children", "disabled",
)  # fmt: skip


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


def build_map(
    layers: dict[str, gpd.GeoDataFrame],
    lang: str,
    streets: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """The overview map: vector basemap, then every layer as a togglable group."""
    bounds_layer = layers.get("study_area")
    if bounds_layer is None or bounds_layer.empty:
        bounds_layer = next(g for g in layers.values() if not g.empty)
    m = maps.base_map(bounds_layer)
    maps.vector_basemap(
        m,
        streets_gdf=streets,
        buildings_gdf=buildings,
        streets_name=t("layer_streets", lang),
        buildings_name=t("layer_buildings", lang),
    )
    for key, gdf in layers.items():
        if gdf.empty or gdf.crs is None:
            continue
        fields = [c for c in TOOLTIP_CANDIDATES if c in gdf.columns and gdf[c].notna().any()]
        aliases = [t(f"field_{c}", lang) for c in fields]
        maps.add_layer(
            m,
            gdf,
            layer_label(key, lang),
            tooltip_fields=fields,
            tooltip_aliases=aliases,
            **LAYER_STYLE.get(key, _DEFAULT_STYLE),
        )
    return m


def render(lang: str) -> None:
    """Draw the page."""
    st.header(t("data_header", lang))
    st.write(t("data_intro", lang))

    module = demo_module_name()
    try:
        with st.spinner():
            layers = load_layers(module)
    except DemoUnavailable as exc:
        st.error(t("demo_missing", lang, error=exc))
        return
    except Exception as exc:  # noqa: BLE001 - show the user what went wrong, not a traceback
        st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))
        return

    st.dataframe(layer_summary(layers, lang), hide_index=True, width="stretch")

    st.subheader(t("map_header", lang))
    if not maps.VENDOR_DIR.is_dir():
        st.error(t("assets_missing", lang))
        return
    st.caption(t("map_help", lang))
    streets, buildings = load_osm_basemap(module)
    m = build_map(layers, lang, streets, buildings)
    st_folium(m, key="data_map", height=620, use_container_width=True, returned_objects=[])
    st.caption(t("attribution", lang))
