"""Page "网格 / Unified grid": build the unified grid (多网合一), edit it on the map, check it, save
and compare it.

The plan (:class:`gridmap.plans.plan.Plan`) lives in ``st.session_state[STATE]`` (a :class:`GridSession`):
every edit is the core's (``lasso``, ``split``, ``merge``, ``create``, ``lock``, ``undo`` …), the
page only turns clicks and drawings into those calls and shows the result.

The map is sent in two parts so an edit never rebuilds it: the base (vector basemap, communities,
unit outlines, the Draw toolbar) stays the same across reruns — the browser keeps it, with its
position — and the grids go in a feature group that streamlit-folium swaps in place. Map
interactions (a click, a finished drawing) are handled in the component's ``on_change`` callback,
before the rerun, so one script run shows the edit; the same handler runs after the map is drawn
for values that arrive otherwise (tests), deduplicated.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import altair as alt
import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template

from gridmap.app import analysis, mapkit
from gridmap.app.context import Dataset, PageContext
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, t
from gridmap.plans.compare import PlanComparison, compare_plans
from gridmap.plans.plan import EditResult, Plan, PlanError
from gridmap.plans.store import (
    PlanConflictError,
    StaleRevisionError,
    load_plan,
    read_plan_meta,
    save_plan,
)
from gridmap.present import maps, views
from gridmap.present.plan_map import BAND_COLORS, grid_layer, plan_grids, plan_map

__all__ = ["KEY", "render", "STATE", "MAP_KEY", "GridSession", "build_plan", "current_grids", "handle_map_value",
           "BAND_COLORS", "default_path"]

KEY = "grid"
STATE = "grid_state"  # session-state key of the GridSession
MAP_KEY = "grid_map"
WGS84 = "EPSG:4326"
RETURNED = ("last_object_clicked", "last_active_drawing")

CHANGE_COLOR = "#c51b7d"
PICK_COLOR = "#2c7bb6"


@dataclass
class GridSession:
    """The plan being edited and the page's state around it (one per browser session)."""

    dataset_key: str
    plan: Plan
    seed: int | None = None  # None: opened from a file
    path: str | None = None  # the file it was opened from / last saved to
    units_web: gpd.GeoDataFrame | None = None  # unit outlines for the map
    status: pd.DataFrame | None = None  # per community: band met or why not (from the build)
    selected: str | None = None
    picked: list = field(default_factory=list)  # unit ids picked for a new grid
    seen: dict = field(default_factory=dict)  # map values already handled (click, drawing)
    message: tuple[str, str] | None = None  # (kind, text) shown above the map
    before: dict = field(default_factory=dict)  # households per grid before the last edit
    other: Plan | None = None  # the plan compared with
    other_name: str = ""
    version: int = 0  # bumped on every change the map shows


# ------------------------------------------------------------------------------------------------
# the plan


def build_plan(ds: Dataset, min_households: int, max_households: int, seed: int) -> GridSession:
    """A fresh plan from the cached units and build of the dataset (the core's defaults otherwise)."""
    units = analysis.units(ds.key, ds)
    build = analysis.grid_build(ds.key, ds, int(min_households), int(max_households), int(seed))
    plan = Plan.from_build(units, build, min_households=int(min_households), max_households=int(max_households))
    return GridSession(ds.key, plan, seed=int(seed), units_web=analysis.units_web(ds.key, ds), status=build.status)


def _session(ctx: PageContext) -> GridSession:
    s = st.session_state.get(STATE)
    if s is None or s.dataset_key != ctx.dataset.key:
        lo, hi = analysis.DEFAULT_BAND
        s = compute(ctx.lang, build_plan, ctx.dataset, lo, hi, analysis.DEFAULT_SEED)
        st.session_state[STATE] = s
    return s


def current_grids(ctx: PageContext) -> tuple[pd.DataFrame, tuple[int, int], str] | None:
    """The grids the 总览 page counts: this session's plan when there is one for the dataset, else
    the default build. Returns (grid table, band, ``"plan"`` or ``"default"``); None without
    residents (no households to balance)."""
    ds = ctx.dataset
    if ds is None or ds.residents is None:
        return None
    s = st.session_state.get(STATE)
    if s is not None and s.dataset_key == ds.key:
        return s.plan.grid_table(), (s.plan.min_households, s.plan.max_households), "plan"
    lo, hi = analysis.DEFAULT_BAND
    return analysis.grid_build(ds.key, ds, lo, hi, analysis.DEFAULT_SEED).grids, (lo, hi), "default"


def _households(plan: Plan) -> dict[str, int]:
    table = plan.grid_table()
    return dict(zip(table["grid_code"], table["households"].astype(int), strict=True))


def _edit(ctx: PageContext, s: GridSession, op: str, fn, *args) -> EditResult | None:
    """Run one core edit; a refusal becomes a message. Returns the result (None if refused)."""
    lang = ctx.lang
    before = _households(s.plan)
    try:
        res = fn(*args)
    except PlanError as exc:
        s.message = ("warning", t("edit_refused", lang, error=exc))
        s.version += 1
        return None
    s.before = before
    s.version += 1
    after = _households(s.plan)
    code = s.selected
    if op == "lasso":
        if res.moved:
            hh_before, hh_after = (before.get(code, 0), after.get(code, 0)) if code is not None else (0, 0)
            s.message = ("success", t("edit_lasso", lang, moved=res.moved, code=code, before=hh_before,
                                      after=hh_after, delta=hh_after - hh_before))
        else:
            s.message = ("info", t("edit_lasso_none", lang))
    elif op == "split":
        s.message = ("success", t("edit_split", lang, code=code, new="、".join(res.new_grids)))
    elif op == "merge":
        s.message = ("success", t("edit_merge", lang, code=code, moved=res.moved))
    elif op == "create":
        s.selected = res.new_grids[0] if res.new_grids else s.selected
        s.picked = []
        s.message = ("success", t("edit_create", lang, code=s.selected, moved=res.moved))
    elif op in ("lock", "unlock"):
        s.message = ("success", t(f"edit_{op}", lang, code=code))
    elif op in ("undo", "redo"):
        if res is None:
            return None
        name = res.op.split(" ", 1)[-1]
        label = t(f"op_{name}", lang) if f"op_{name}" in _OPS else name
        s.message = ("success", t(f"edit_{op}", lang, op=label, grids="、".join(res.changed[:8]) or "—"))
    if res is not None and res.skipped and s.message is not None:
        s.message = (s.message[0], s.message[1] + " " + t("edit_skipped", lang, n=len(res.skipped)))
    return res


_OPS = {f"op_{k}" for k in ("lasso", "split", "merge", "create", "lock", "unlock", "assign", "unassign", "import")}


# ------------------------------------------------------------------------------------------------
# map interactions


def _drawn_geometry(feature: dict, system: str | None) -> shapely.Geometry | None:
    try:
        geom = shapely.geometry.shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    geom = views.geometry_from_display(geom, system)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def handle_map_value(ctx: PageContext, value: dict | None) -> bool:
    """Turn what the map returned (a click, a finished drawing) into a selection or an edit.

    Each value is handled once (the component keeps returning the last one). Returns True when
    something changed.
    """
    s = st.session_state.get(STATE)
    if s is None or not value:
        return False
    lang, system = ctx.lang, ctx.maps.display_system
    changed = False
    click = value.get("last_object_clicked")
    if click and click != s.seen.get("click"):
        s.seen["click"] = click
        lon, lat = views.from_display(click["lng"], click["lat"], system)
        if st.session_state.get("grid_click_mode", "grid") == "unit":
            unit = s.plan.unit_at(lon, lat, crs=WGS84)
            if unit is not None:
                unit = unit.item() if hasattr(unit, "item") else unit
                added = unit not in s.picked
                s.picked = [*s.picked, unit] if added else [u for u in s.picked if u != unit]
                s.message = ("info", t("picked_toggle", lang, unit=unit, n=len(s.picked),
                                       state=t("picked_added" if added else "picked_removed", lang)))
        else:
            s.selected = s.plan.grid_at(lon, lat, crs=WGS84)
            s.message = None
        s.version += 1
        changed = True
    drawing = value.get("last_active_drawing")
    if changed or (drawing and drawing.get("properties")):
        # streamlit-folium also reports a clicked feature as the "active drawing": only a shape
        # drawn with the toolbar (no properties, no click with it) is an edit
        s.seen["drawing"] = drawing
    elif drawing and drawing != s.seen.get("drawing"):
        s.seen["drawing"] = drawing
        geom = _drawn_geometry(drawing, system)
        kind = geom.geom_type if geom is not None else ""
        if kind in ("Polygon", "MultiPolygon"):
            if st.session_state.get("grid_draw_mode", "lasso") == "pick":
                ids = [u.item() if hasattr(u, "item") else u for u in s.plan.units_in(geom, crs=WGS84)]
                new = [u for u in ids if u not in set(s.picked)]
                s.picked = [*s.picked, *new]
                s.message = ("info", t("picked_by_polygon", lang, n=len(new), total=len(s.picked)))
                s.version += 1
            elif s.selected is None:
                s.message = ("warning", t("need_selection", lang))
                s.version += 1
            else:
                _edit(ctx, s, "lasso", s.plan.lasso, geom, s.selected, WGS84)
        elif kind in ("LineString", "MultiLineString"):
            if s.selected is None:
                s.message = ("warning", t("need_selection", lang))
                s.version += 1
            else:
                _edit(ctx, s, "split", s.plan.split, s.selected, geom, WGS84)
        else:
            s.message = ("warning", t("draw_other", lang))
            s.version += 1
        changed = True
    return changed


def _on_map_change(ctx: PageContext) -> None:
    handle_map_value(ctx, st.session_state.get(MAP_KEY))


# ------------------------------------------------------------------------------------------------
# button callbacks (run before the script, so the map drawn in that run shows the edit)


def _cb_lock(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    if s.selected:
        op = "unlock" if s.selected in s.plan.locked else "lock"
        _edit(ctx, s, op, getattr(s.plan, op), s.selected)


def _cb_merge(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    others = [c for c in st.session_state.get("grid_merge_with", []) if c != s.selected]
    if s.selected and others:
        _edit(ctx, s, "merge", s.plan.merge, [s.selected, *others])
        st.session_state["grid_merge_with"] = []


def _cb_create(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    if s.picked:
        _edit(ctx, s, "create", s.plan.create, list(s.picked))


def _cb_clear_pick(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    s.picked = []
    s.message = None
    s.version += 1


def _cb_undo(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    _edit(ctx, s, "undo", s.plan.undo)


def _cb_redo(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    _edit(ctx, s, "redo", s.plan.redo)


# ------------------------------------------------------------------------------------------------
# the map


class _GridLayerScript(MacroElement):
    """Runs each time the grid layer is swapped in: clears the drawing just handled (it is now an
    edit on the map) and records the layer's version (``window.gridmapVersion``, for tests)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
if (window.drawnItems && typeof window.drawnItems.clearLayers === "function") { window.drawnItems.clearLayers(); }
window.gridmapVersion = {{ this.version|tojson }};
{% endmacro %}"""
    )

    def __init__(self, version: int) -> None:
        super().__init__()
        self._name = "GridLayerScript"
        self.version = int(version)


def _base_map(ctx: PageContext, s: GridSession) -> folium.Map:
    """What stays the same across edits: basemap, communities, unit outlines, Draw toolbar."""
    ds = ctx.dataset
    web = analysis.web_layers(ds.key, ds)
    m = plan_map(units=s.units_web, study_area=web["study_area"], lang=ctx.lang, setup=mapkit.setup(ctx),
                 bounds=ds.study_area)
    folium.plugins.Draw(
        export=False,
        position="topleft",
        draw_options={
            "polyline": {"shapeOptions": {"color": "#000000", "weight": 3}},
            "polygon": {"allowIntersection": False, "showArea": False,
                        "shapeOptions": {"color": "#000000", "weight": 2, "fillOpacity": 0.1}},
            "rectangle": {"showArea": False, "shapeOptions": {"color": "#000000", "weight": 2, "fillOpacity": 0.1}},
            "circle": False, "marker": False, "circlemarker": False,
        },
        edit_options={"edit": False, "remove": False},
    ).add_to(m)
    return m


def _grid_layer(ctx: PageContext, s: GridSession, grids: gpd.GeoDataFrame,
                comparison: PlanComparison | None) -> folium.FeatureGroup:
    """The part of the map that changes with each edit: grids coloured by band status, the
    selection, the picked units, the changes from a compared plan."""
    plan = s.plan
    fg = grid_layer(grids, lang=ctx.lang, setup=mapkit.setup(ctx, basemap=False),
                    tolerance_m=analysis.FACE_TOLERANCE_M, decimals=analysis.WEB_DECIMALS)
    if s.picked:
        units = plan.units[plan.units["unit_id"].isin(set(s.picked))][["unit_id", "households", "geometry"]]
        layer = mapkit.geojson(ctx, units, PICK_COLOR, ["unit_id", "households"], fill_opacity=0.55, weight=1.5)
        if layer is not None:
            layer.add_to(fg)
    if comparison is not None and st.session_state.get("grid_show_changes", True) and len(comparison.changes):
        ch = comparison.changes
        fields = [c for c in ("grid_a", "grid_b", "n_units", "households") if c in ch.columns]
        layer = mapkit.geojson(ctx, ch, CHANGE_COLOR, fields, fill_opacity=0.45, weight=2.0, dash_array="4 3")
        if layer is not None:
            layer.add_to(fg)
    if s.selected in plan.registry:
        sel = grids[grids["grid_code"] == s.selected][["geometry"]]
        layer = mapkit.geojson(ctx, sel, "#000000", fill_opacity=0.0, weight=4.0, interactive=False)
        if layer is not None:
            layer.add_to(fg)
    _GridLayerScript(s.version).add_to(fg)
    return fg


# ------------------------------------------------------------------------------------------------
# panels


def households_chart(table: pd.DataFrame, band: tuple[int, int], lang: str) -> alt.LayerChart:
    """Bars of households per grid (coloured by band status) with the band drawn as dashed rules."""
    lo, hi = band
    labels = {k: t(f"band_{k}", lang) for k in BAND_COLORS}
    data = pd.DataFrame({"grid": table["grid_code"].astype(str), "households": table["households"].astype(int),
                         "status": [labels[k] for k in table["band_status"]]})
    present = [k for k in BAND_COLORS if labels[k] in set(data["status"])]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("grid:N", sort=None, title=t("chart_grid", lang), axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("households:Q", title=t("field_households", lang)),
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[labels[k] for k in present], range=[BAND_COLORS[k] for k in present])),
        tooltip=[alt.Tooltip("grid:N", title=t("field_grid_code", lang)),
                 alt.Tooltip("households:Q", title=t("field_households", lang)),
                 alt.Tooltip("status:N", title=t("field_status_label", lang))],
    )
    rules = alt.Chart(pd.DataFrame({"y": [lo, hi]})).mark_rule(color="#333333", strokeDash=[6, 4], size=1.5).encode(
        y="y:Q")
    return (bars + rules).properties(height=280, title=t("chart_band", lang, lo=lo, hi=hi))


def checks_table(checks: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The core's checks with translated names and results."""
    out = pd.DataFrame({
        "check": [t(f"check_{c}", lang) if f"check_{c}" in _CHECK_KEYS else c for c in checks["check"]],
        "status": [t(f"status_{v}", lang) for v in checks["status"]],
        "n": checks["n"].astype(int),
        "grid_codes": checks["grid_codes"].astype(str).str.replace(";", "、" if lang == "zh" else ", "),
    })
    return columns(out, lang)


_CHECK_KEYS = {f"check_{c}" for c in ("unassigned", "households_band", "contiguity", "community", "empty")}


def default_path(ds: Dataset) -> str:
    """Where the plan is saved unless the user says otherwise (``out/`` is git-ignored)."""
    name = "demo" if ds.source == "demo" else ds.key.replace(":", "-")[:24]
    return f"out/plans/{name}-plan.gpkg"


def _build_panel(ctx: PageContext, s: GridSession) -> None:
    lang, plan = ctx.lang, s.plan
    with st.expander(t("grid_build_header", lang), expanded=False):
        with st.form("grid_build_form", border=False):
            c = st.columns(3)
            lo = c[0].number_input(t("grid_min", lang), min_value=1, max_value=100_000, step=10,
                                   value=int(plan.min_households), key="grid_min", help=t("grid_band_help", lang))
            hi = c[1].number_input(t("grid_max", lang), min_value=1, max_value=100_000, step=10,
                                   value=int(plan.max_households), key="grid_max")
            seed = c[2].number_input(t("grid_seed", lang), min_value=0, max_value=2**31 - 1, step=1,
                                     value=int(s.seed or 0), key="grid_seed")
            n_edits = len(plan.history)
            discard = st.checkbox(t("grid_discard", lang, n=n_edits), key="grid_discard") if plan.dirty else True
            go = st.form_submit_button(t("grid_build", lang), type="primary")
        if go:
            if lo > hi:
                st.error(t("grid_max", lang) + " < " + t("grid_min", lang))
            elif not discard:
                st.warning(t("grid_discard_needed", lang, n=n_edits))
            else:
                new = compute(lang, build_plan, ctx.dataset, int(lo), int(hi), int(seed))
                new.path = s.path
                table = new.plan.grid_table()
                new.message = ("success", t("grid_built", lang, grids=len(table), units=len(new.plan.units),
                                            in_band=int(table["in_band"].sum()), lo=int(lo), hi=int(hi)))
                st.session_state[STATE] = new
                st.rerun()


def _selection_panel(ctx: PageContext, s: GridSession, table: pd.DataFrame) -> None:
    lang, plan = ctx.lang, s.plan
    st.radio(t("grid_click_mode", lang), ["grid", "unit"], key="grid_click_mode", horizontal=True,
             format_func=lambda k: t(f"click_{k}", lang))
    st.radio(t("grid_draw_mode", lang), ["lasso", "pick"], key="grid_draw_mode", horizontal=True,
             format_func=lambda k: t(f"draw_{k}", lang))
    st.markdown(f"**{t('grid_selected', lang)}**")
    code = s.selected if s.selected in plan.registry else None
    if code is None:
        st.caption(t("grid_none_selected", lang))
    else:
        row = table.set_index("grid_code").loc[code]
        hh = int(row["households"])
        before = s.before.get(code)
        st.metric(t("sel_households", lang), views.format_count(hh),
                  delta=(hh - before) if before is not None and before != hh else None,
                  help=t("sel_households_help", lang))
        st.code(code, language=None)
        pop = int(row["population"]) if "population" in row.index else None
        st.caption(t("sel_facts", lang, area=row["area_id"], units=int(row["n_units"]), pop=views.format_count(pop),
                     pp=f"{float(row['polsby_popper']):.2f}", status=t(f"band_{row['band_status']}", lang)))
        locked = code in plan.locked
        st.button(t("btn_unlock" if locked else "btn_lock", lang), key="grid_lock", on_click=_cb_lock, args=(ctx,),
                  width="stretch")
        options = [c for c in table["grid_code"] if c != code]
        st.multiselect(t("merge_with", lang), options, key="grid_merge_with",
                       format_func=lambda c: f"{c} ({int(table.set_index('grid_code').at[c, 'households'])})")
        st.button(t("btn_merge", lang), key="grid_merge", on_click=_cb_merge, args=(ctx,), width="stretch",
                  disabled=not st.session_state.get("grid_merge_with"))
    if s.picked:
        hh = int(plan.units.loc[plan.units["unit_id"].isin(set(s.picked)), "households"].sum())
        st.caption(t("picked_units", lang, n=len(s.picked), hh=views.format_count(hh)))
        st.button(t("btn_create", lang, n=len(s.picked)), key="grid_create", on_click=_cb_create, args=(ctx,),
                  width="stretch")
        st.button(t("btn_clear_pick", lang), key="grid_clear_pick", on_click=_cb_clear_pick, args=(ctx,),
                  width="stretch")
    c = st.columns(2)
    c[0].button(t("btn_undo", lang), key="grid_undo", on_click=_cb_undo, args=(ctx,), disabled=not plan.can_undo,
                width="stretch")
    c[1].button(t("btn_redo", lang), key="grid_redo", on_click=_cb_redo, args=(ctx,), disabled=not plan.can_redo,
                width="stretch")


def _save_panel(ctx: PageContext, s: GridSession) -> None:
    lang, plan = ctx.lang, s.plan
    st.subheader(t("save_header", lang))
    if "grid_path" not in st.session_state:
        st.session_state["grid_path"] = s.path or default_path(ctx.dataset)
    path_text = st.text_input(t("plan_path", lang), key="grid_path", help=t("plan_path_help", lang)).strip()
    overwrite = st.checkbox(t("overwrite", lang), key="grid_overwrite")
    c = st.columns([1, 1, 2])
    save = c[0].button(t("btn_save", lang), key="grid_save", type="primary", width="stretch")
    opener = c[1].button(t("btn_open", lang), key="grid_open", width="stretch")
    if not path_text.lower().endswith(".gpkg"):
        if save or opener:
            st.error(t("plan_path_bad", lang))
        return
    path = Path(path_text)
    if save:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            rev = save_plan(plan, path, overwrite=overwrite)
        except StaleRevisionError as exc:
            try:
                file_rev = read_plan_meta(path).get("revision", "?")
            except ValueError:
                file_rev = "?"
            st.error(t("save_stale", lang, path=path, file_rev=file_rev, rev=plan.revision,
                       rescue=exc.rescue_path or "—"))
        except PlanConflictError:
            st.error(t("save_conflict", lang, path=path))
        except OSError as exc:
            st.error(t("save_failed", lang, error=exc))
        else:
            s.path = str(path)
            st.success(t("saved", lang, rev=rev, path=path))
    if opener:
        if not path.is_file():
            st.error(t("no_file", lang, path=path))
        elif plan.dirty and not st.session_state.get("grid_open_confirm"):
            st.warning(t("open_discard", lang))
        else:
            try:
                loaded = load_plan(path)
            except (ValueError, OSError) as exc:
                st.error(t("open_failed", lang, error=exc))
            else:
                web = views.single_feature(views.web_layer(loaded.units[["geometry"]], analysis.FACE_TOLERANCE_M,
                                                           decimals=analysis.WEB_DECIMALS, coverage=True))
                new = GridSession(ctx.dataset.key, loaded, seed=None, path=str(path), units_web=web)
                new.message = ("success", t("opened", lang, path=path, rev=loaded.revision, grids=len(loaded.registry)))
                st.session_state[STATE] = new
                st.rerun()
    if plan.dirty:
        st.checkbox(t("open_confirm", lang), key="grid_open_confirm")
    if s.path and Path(s.path).is_file() and not plan.dirty:
        st.download_button(t("dl_plan", lang), Path(s.path).read_bytes(), file_name=Path(s.path).name,
                           mime="application/geopackage+sqlite3", key="grid_dl_plan")


def _compare_panel(ctx: PageContext, s: GridSession, comparison: PlanComparison | None) -> None:
    lang = ctx.lang
    st.subheader(t("compare_header", lang))
    source = st.radio(t("compare_source", lang), ["saved", "upload"], key="grid_cmp_source", horizontal=True,
                      format_func=lambda k: t(f"compare_{k}", lang))
    upload = None
    if source == "upload":
        upload = st.file_uploader(t("compare_file", lang), type=["gpkg"], key="grid_cmp_upload")
    c = st.columns([1, 1, 2])
    if c[0].button(t("btn_compare", lang), key="grid_compare", width="stretch"):
        try:
            if source == "upload":
                if upload is None:
                    raise ValueError(t("compare_file", lang))
                with tempfile.TemporaryDirectory() as tmp:
                    p = Path(tmp) / "other.gpkg"
                    p.write_bytes(upload.getvalue())
                    other, name = load_plan(p), upload.name
            else:
                p = Path(st.session_state.get("grid_path", "") or "")
                if not p.is_file():
                    raise ValueError(t("no_file", lang, path=p))
                other, name = load_plan(p), str(p)
            compare_plans(other, s.plan)  # raises if the units differ
        except (ValueError, OSError) as exc:
            st.error(t("compare_failed", lang, error=exc))
        else:
            s.other, s.other_name = other, name
            s.version += 1
            st.rerun()
    if s.other is not None and c[1].button(t("btn_compare_stop", lang), key="grid_compare_stop", width="stretch"):
        s.other, s.other_name = None, ""
        s.version += 1
        st.rerun()
    if comparison is None:
        return
    st.caption(t("compare_with", lang, name=s.other_name))
    moved = comparison.moved
    per = comparison.per_grid
    changed = per[(per["gained"] != 0) | (per["lost"] != 0) | (per["in_a"] != per["in_b"])]
    m = st.columns(3)
    m[0].metric(t("compare_moved", lang), views.format_count(len(moved)))
    m[1].metric(t("compare_moved_hh", lang),
                views.format_count(int(moved["households"].sum()) if "households" in moved else None))
    m[2].metric(t("compare_grids", lang), views.format_count(len(changed)))
    if moved.empty:
        st.success(t("compare_same", lang))
        return
    st.checkbox(t("show_changes", lang), value=True, key="grid_show_changes")
    st.markdown(f"**{t('compare_per_grid', lang)}**")
    keep = ["grid_code", "households_a", "households_b", "gained", "lost", "net", "units_gained", "units_lost"]
    st.dataframe(columns(changed[keep].reset_index(drop=True), lang), hide_index=True, width="stretch",
                 key="grid_cmp_table")
    st.markdown(f"**{t('compare_moved_units', lang)}**")
    keep = [c for c in ("unit_id", "grid_a", "grid_b", "households", "population") if c in moved.columns]
    st.dataframe(columns(moved[keep].reset_index(drop=True), lang), hide_index=True, width="stretch",
                 key="grid_cmp_moved")


# ------------------------------------------------------------------------------------------------
# the page


def _show_message(s: GridSession) -> None:
    if s.message:
        kind, text = s.message
        getattr(st, kind)(text)


def render(ctx: PageContext) -> None:
    """Draw the grid page: build unified grids, edit the plan on the map, check and save it."""
    lang = ctx.lang
    st.header(t("grid_header", lang))
    ds = ctx.dataset
    if ds is None:
        st.info(t("no_data", lang))
        return
    if ds.residents is None:
        st.info(t("grid_needs_residents", lang))
        return
    st.caption(t("grid_intro", lang))
    s = _session(ctx)
    plan = s.plan
    _build_panel(ctx, s)

    t0 = time.perf_counter()
    grids = plan_grids(plan, lang)
    table = pd.DataFrame(grids.drop(columns="geometry"))
    comparison = None
    if s.other is not None:
        try:
            comparison = compare_plans(s.other, plan)
        except ValueError:
            s.other = None

    in_band = int((table["band_status"] == "in_band").sum())
    source = (t("grid_source_built", lang, seed=s.seed) if s.seed is not None
              else t("grid_source_file", lang, path=s.path, rev=plan.revision))
    st.write(t("grid_summary", lang, grids=len(table), units=len(plan.units), lo=plan.min_households,
               hi=plan.max_households, in_band=in_band, source=source)
             + (" " + t("grid_unsaved", lang) if plan.dirty else ""))
    with st.container():
        if s.status is not None and (s.status["status"] != "ok").any():
            bad = s.status[s.status["status"] != "ok"]
            with st.expander(t("grid_band_not_met", lang, n=len(bad))):
                st.dataframe(columns(bad.reset_index(drop=True), lang), hide_index=True, width="stretch")

    if not maps.VENDOR_DIR.is_dir():
        st.error(t("assets_missing", lang))
        return
    # a fixed slot: a message appearing must not shift the map (that would reload it in the browser)
    with st.container():
        _show_message(s)
    col_map, col_side = st.columns([3, 1])
    with col_map:  # the map before the panel beside it: the browser gets the map first
        st.caption(t("grid_map_help", lang))
        outlines = s.units_web.geometry.to_numpy() if s.units_web is not None else []
        units_print = hashlib.sha1(b"".join(shapely.to_wkb(outlines))).hexdigest()  # which units the map shows
        value = mapkit.show(lambda: _base_map(ctx, s), ctx, MAP_KEY, cache=("base", units_print),
                            returned_objects=RETURNED,
                            feature_group=_grid_layer(ctx, s, grids, comparison),
                            on_change=partial(_on_map_change, ctx))
        st.caption(t("attribution", lang))
    with col_side:
        _selection_panel(ctx, s, table)
    st.session_state["grid_render_s"] = time.perf_counter() - t0
    if handle_map_value(ctx, value):  # values that did not come through on_change (e.g. tests)
        st.rerun()

    c1, c2 = st.columns([2, 3])
    with c1:
        st.subheader(t("checks_header", lang))
        checks = plan.checks()
        if (checks["status"] == "pass").all():
            st.success(t("checks_all_pass", lang))
        st.dataframe(checks_table(checks, lang), hide_index=True, width="stretch", key="grid_checks")
    with c2:
        st.subheader(t("chart_header", lang))
        st.altair_chart(households_chart(table, (plan.min_households, plan.max_households), lang),
                        width="stretch")
    with st.expander(t("grid_table_header", lang)):
        keep = [c for c in ("grid_code", "area_id", "households", "population", "n_units", "area_m2", "polsby_popper",
                            "status_label", "locked") if c in table.columns]
        view = table[keep].assign(area_m2=table["area_m2"].round(0), polsby_popper=table["polsby_popper"].round(2))
        st.dataframe(columns(view, lang), hide_index=True, width="stretch", key="grid_table")
    _save_panel(ctx, s)
    _compare_panel(ctx, s, comparison)
