"""Page "导出 / Export": every result as files other systems open as they are.

Layers as GeoJSON (RFC 7946, :func:`gridmap.io.files.write_geojson`), GeoPackage or zipped Shapefile;
tables as CSV (UTF-8 with BOM) and one Excel workbook; the maps as standalone HTML files that open
with no server and no internet (:func:`gridmap.present.maps.standalone_html`). Files are made when the
button is pressed (deferred downloads: opening the page costs nothing).
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.access import accessibility as acc
from gridmap.app import access_page, analysis, coverage_page, mapkit
from gridmap.app.context import MapSettings, PageContext
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, t
from gridmap.app.overview import coverage_table
from gridmap.present import maps, views

__all__ = ["KEY", "render", "export_layers", "export_tables", "recorded", "recorded_layer", "PERSONAL_TABLES",
           "PERSONAL_LAYERS"]

KEY = "export"
#: Layers that partition the area (written as one topology, gridmap.io.files.write_geojson).
PARTITIONS = ("faces", "units", "grids")


def export_layers(ctx: PageContext) -> dict[str, gpd.GeoDataFrame]:
    """Layer file stem → GeoDataFrame, for the dataset in use."""
    ds = ctx.data
    cov = analysis.coverage(ds.key, ds)
    out = {"gaps": cov.report.gaps, "overlaps": cov.report.overlaps, "faces": cov.faces,
           "outside": cov.report.outside, "edges": cov.report.invalid_edges}
    if cov.hexes is not None:
        out["household_hexagons"] = cov.hexes
    if ds.has_access_inputs:
        a = analysis.access(ds.key, ds)
        out.update({"residents_access": a.result.residents, "centers_access": a.result.centers,
                    "catchments": a.catchments, "isochrones": a.isochrones})
    return out


def export_tables(ctx: PageContext) -> dict[str, pd.DataFrame]:
    """Table name → table (headers in the page's language), for CSV and the workbook."""
    ds, lang = ctx.data, ctx.lang
    cov = analysis.coverage(ds.key, ds)
    gaps = cov.report.gaps[~cov.report.gaps["is_sliver"]]
    out = {
        "coverage_summary": coverage_table(cov.report.summary, lang),
        "gaps": coverage_page.gap_table(ctx, gaps),
        "overlaps": columns(pd.DataFrame(cov.report.overlaps.drop(columns="geometry")), lang),
    }
    if ds.has_access_inputs:
        a = analysis.access(ds.key, ds)
        res = a.result.residents
        summary = acc.summarize_access(res, ds.study_area, "area_id", labels=a.result.labels)
        out["access_summary"] = columns(summary, lang,
                                        access_page.access_labels(summary.columns, a.result.labels, lang))
        if ctx.role != "viewer":  # a list of people: viewers get counts only (their layers hold no groups)
            visits = acc.home_visit_list(res, ds.study_area, "area_id", labels=a.result.labels)
            out["home_visit_list"] = visits  # headers translated when shown (rows located by lon/lat first)
    reports = [r for r in ds.reports if r.problems]
    if reports:
        out["validation_problems"] = pd.concat([r.to_frame(lang) for r in reports], ignore_index=True)
    return out


#: Tables that list people (rows are residents or buildings with special groups): every export is recorded.
PERSONAL_TABLES = ("home_visit_list",)
#: Layers that list people with personal columns (residents per building, special groups included).
PERSONAL_LAYERS = ("residents_access",)


def _button(label: str, data: Callable[[], bytes | str], file_name: str, mime: str, key: str) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore")


def recorded(ctx: PageContext, tables: dict[str, pd.DataFrame], fmt: str) -> dict[str, pd.DataFrame]:
    """``tables`` with each personal list handed out through the workspace: limited to the rows the
    principal may see, and recorded (who, when, which list, how many rows; never the rows themselves).

    Called when a download is made (the buttons' data is deferred), so opening the page records nothing.
    """
    out = dict(tables)
    for name in PERSONAL_TABLES:
        if name in out:
            rows = out[name]
            if ctx.session is not None and ctx.project is not None:
                rows = ctx.session.export_personal(ctx.project, name, rows, {"format": fmt})
            out[name] = columns(rows, ctx.lang)
    return out


def recorded_layer(ctx: PageContext, name: str, layer: gpd.GeoDataFrame, fmt: str) -> gpd.GeoDataFrame:
    """A layer handed out as a file; residents per building with their special groups are a personal
    list: limited to the rows the principal may see and recorded, like :func:`recorded`."""
    if name not in PERSONAL_LAYERS or ctx.session is None or ctx.project is None or ctx.role == "viewer":
        return layer  # a viewer's residents carry no personal columns (the store left them out)
    return ctx.session.export_personal(ctx.project, name, layer, {"format": fmt})


def shown(ctx: PageContext, tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A table as the page shows it (a personal list with its headers translated, nothing recorded)."""
    return columns(tables[name], ctx.lang) if name in PERSONAL_TABLES else tables[name]


def render(ctx: PageContext) -> None:
    """Draw the export page: every layer and table of the analyses as files, and the standalone HTML maps."""
    lang = ctx.lang
    st.header(t("export_header", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    st.write(t("export_intro", lang))
    layers = compute(lang, export_layers, ctx)
    tables = compute(lang, export_tables, ctx)

    st.subheader(t("export_layers", lang))
    name = st.selectbox(t("export_pick_layer", lang), list(layers), key="exp_layer",
                        format_func=lambda k: f"{t(f'export_{k}', lang)} ({len(layers[k])})")
    gdf = layers[name]
    cols = st.columns(len(views.EXPORT_FORMATS))
    for col, fmt in zip(cols, views.EXPORT_FORMATS, strict=True):
        suffix, mime = views.EXPORT_FORMATS[fmt]
        with col:
            def layer_file(g: gpd.GeoDataFrame = gdf, f: str = fmt, n: str = name) -> bytes:
                return views.layer_bytes(recorded_layer(ctx, n, g, f), f, n, partition=n in PARTITIONS)

            _button(t(f"fmt_{fmt}", lang), layer_file, f"{name}{suffix}", mime, f"dl_{fmt}")
    st.caption(t("export_formats_help", lang))

    st.subheader(t("export_tables", lang))
    tname = st.selectbox(t("export_pick_table", lang), list(tables), key="exp_table",
                         format_func=lambda k: t(f"table_{k}", lang))
    st.dataframe(shown(ctx, tables, tname).head(200), hide_index=True, width="stretch")
    if tname in PERSONAL_TABLES:
        st.caption(t("personal_export_note", lang))
    c1, c2 = st.columns(2)
    with c1:
        def csv_file(n: str = tname) -> bytes:
            return views.csv_bytes(recorded(ctx, {n: tables[n]}, "csv")[n])

        _button(t("dl_csv", lang), csv_file, f"{tname}.csv", "text/csv", "dl_csv")
    with c2:
        def workbook() -> bytes:
            return views.excel_workbook({t(f"table_{k}", lang): v for k, v in recorded(ctx, tables, "xlsx").items()})

        _button(t("dl_xlsx", lang), workbook, "gridmap_tables.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "dl_xlsx")

    st.subheader(t("export_maps", lang))
    if not maps.VENDOR_DIR.is_dir():
        st.error(t("assets_missing", lang))
        return
    st.caption(t("export_maps_help", lang))
    plain = PageContext(lang, ds, MapSettings())  # files: WGS84, no tile server
    base = mapkit.basemap_layers(plain)
    cov = analysis.coverage(ds.key, ds)
    web = analysis.web_layers(ds.key, ds)
    c1, c2 = st.columns(2)
    with c1:
        _button(t("dl_coverage_html", lang),
                lambda: maps.standalone_html(coverage_page.build_map(plain, cov, "systems", web=web, base=base,
                                                                     with_edges=True)),
                "coverage_map.html", "text/html", "dl_cov_html")
    if ds.has_access_inputs:
        a = analysis.access(ds.key, ds)
        visits = access_page.visit_points(acc.home_visit_list(a.result.residents, ds.study_area, "area_id",
                                                              labels=a.result.labels))
        with c2:
            _button(t("dl_access_html", lang),
                    lambda: maps.standalone_html(access_page.build_map(plain, a, a.result.residents, visits,
                                                                       base=base)),
                    "access_map.html", "text/html", "dl_acc_html")

