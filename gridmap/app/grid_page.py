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

import copy
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
from gridmap.app.context import Dataset, PageContext, session_choice
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, t
from gridmap.app.micro_panel import MICRO_TARGET, render_micro
from gridmap.app.staffing_panel import render_staffing
from gridmap.errors import GridmapError
from gridmap.plans.compare import PlanComparison, compare_plans
from gridmap.plans.plan import EditResult, Plan
from gridmap.plans.store import load_plan, save_plan
from gridmap.present import maps, views
from gridmap.present.plan_map import BAND_COLORS, grid_layer, micro_layer, plan_grids, plan_map
from gridmap.workspace import PermissionDenied, SaveConflict, WorkspaceError
from gridmap.workspace.changes import REASON_SEP, describe, kind_label

__all__ = ["KEY", "render", "STATE", "MAP_KEY", "GridSession", "build_plan", "current_grids", "handle_map_value",
           "BAND_COLORS", "history_table"]

KEY = "grid"
STATE = "grid_state"  # session-state key of the GridSession
MAP_KEY = "grid_map"
WGS84 = "EPSG:4326"
RETURNED = ("last_object_clicked", "last_active_drawing")

HISTORY_ROWS = 50  # revisions listed in the History panel (newest first); every one stays in the workspace
CHANGE_COLOR = "#c51b7d"
PICK_COLOR = "#2c7bb6"


@dataclass
class GridSession:
    """The plan being edited and the page's state around it (one per browser session)."""

    dataset_key: str
    plan: Plan
    seed: int | None = None  # None: opened from the workspace (or a file)
    plan_name: str | None = None  # the workspace plan it was opened from / last saved to
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
    if s is None or s.dataset_key != ctx.data.key:
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
    except GridmapError as exc:  # a PlanError, or a 微网格 edit the core refuses
        s.message = ("warning", t("edit_refused", lang, error=exc))
        s.version += 1
        return None
    refused = _refused_by_rights(ctx, s)
    if refused is not None:
        s.plan.undo()
        s.message = ("error", t("edit_outside_scope", lang, error=refused))
        s.version += 1
        return None
    s.before = before
    s.version += 1
    after = _households(s.plan)
    code = s.selected or ""  # every edit but create acts on the selected grid
    if op == "lasso":
        if res.moved:
            s.message = ("success", t("edit_lasso", lang, moved=res.moved, code=code, before=before.get(code, 0),
                                      after=after.get(code, 0), delta=after.get(code, 0) - before.get(code, 0)))
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


def _refused_by_rights(ctx: PageContext, s: GridSession) -> PermissionDenied | None:
    """The workspace's refusal of the plan's edits since it was opened (a planner outside the scope), or None.

    The rights are the store's (:meth:`gridmap.workspace.WorkspaceSession.check_edits`), the same
    check every save runs again; a plan not yet saved in the workspace is a proposal, checked when saved.
    """
    if ctx.session is None or ctx.project is None or s.plan_name is None or s.plan.revision < 1:
        return None
    if ctx.session.principal.is_admin:  # nothing is outside an admin's scope
        return None
    try:
        ctx.session.check_edits(ctx.project, s.plan_name, s.plan)
    except PermissionDenied as exc:
        return exc
    except WorkspaceError:
        return None
    return None


_OPS = {f"op_{k}" for k in ("lasso", "split", "merge", "create", "lock", "unlock", "assign", "unassign", "import",
                             "micro_head", "micro_move", "micro_rebuild")}


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
    if drawing and drawing != s.seen.get("drawing") and not changed and not ctx.may_edit:
        s.seen["drawing"] = drawing  # a drawing from a session that may not edit (a forged message): refused
        s.message = ("error", t("viewer_read_only", lang))
        s.version += 1
        return True
    if changed or (drawing and drawing.get("properties")):
        # streamlit-folium also reports a clicked feature as the "active drawing": only a shape
        # drawn with the toolbar (no properties, no click with it) is an edit
        s.seen["drawing"] = drawing
    elif drawing and drawing != s.seen.get("drawing"):
        s.seen["drawing"] = drawing
        geom = _drawn_geometry(drawing, system)
        kind = geom.geom_type if geom is not None else ""
        if kind in ("Polygon", "MultiPolygon"):
            mode = st.session_state.get("grid_draw_mode", "lasso")
            if mode == "micro":
                _micro_lasso(ctx, s, geom)
            elif mode == "pick":
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


def _micro_lasso(ctx: PageContext, s: GridSession, geom: shapely.Geometry) -> None:
    """A drawn polygon in the 微网格 mode: the buildings inside it, within the selected base grid, join
    the 微网格 chosen in the 微网格 panel (:meth:`gridmap.plans.plan.Plan.move_micro`); the core's
    refusals (not neighbours, nothing inside, outside the scope) become messages."""
    lang, plan = ctx.lang, s.plan
    target = st.session_state.get(MICRO_TARGET)
    if s.selected is None or not target or not str(target).startswith(s.selected):
        s.message = ("warning", t("micro_lasso_need_target", lang))
        s.version += 1
        return
    hh_before, n_before = _micro_counts(plan, target)
    if _edit(ctx, s, "micro_move", lambda: plan.move_micro(target, polygon=geom, crs=WGS84)) is None:
        return
    hh_after, n_after = _micro_counts(plan, target)
    s.message = ("success", t("edit_micro_lasso", lang, n=n_after - n_before, target=target, before=hh_before,
                              after=hh_after, delta=hh_after - hh_before))


def _micro_counts(plan: Plan, micro_code: str) -> tuple[int, int]:
    """(households, buildings) of one 微网格 of the plan; (0, 0) when there is no such 微网格."""
    if plan.micro_grids is None:
        return 0, 0
    rows = plan.micro_grids[plan.micro_grids["micro_code"] == micro_code]
    return int(rows["households"].sum()), int(rows["n_buildings"].sum())


def _on_map_change(ctx: PageContext) -> None:
    handle_map_value(ctx, st.session_state.get(MAP_KEY))


# ------------------------------------------------------------------------------------------------
# button callbacks (run before the script, so the map drawn in that run shows the edit)


def _cb_lock(ctx: PageContext) -> None:
    if not ctx.may_edit:
        return
    s = st.session_state[STATE]
    if s.selected:
        op = "unlock" if s.selected in s.plan.locked else "lock"
        _edit(ctx, s, op, getattr(s.plan, op), s.selected)


def _cb_merge(ctx: PageContext) -> None:
    if not ctx.may_edit:
        return
    s = st.session_state[STATE]
    others = [c for c in st.session_state.get("grid_merge_with", []) if c != s.selected]
    if s.selected and others:
        _edit(ctx, s, "merge", s.plan.merge, [s.selected, *others])
        st.session_state["grid_merge_with"] = []


def _cb_create(ctx: PageContext) -> None:
    if not ctx.may_edit:
        return
    s = st.session_state[STATE]
    if s.picked:
        _edit(ctx, s, "create", s.plan.create, list(s.picked))


def _cb_clear_pick(ctx: PageContext) -> None:
    s = st.session_state[STATE]
    s.picked = []
    s.message = None
    s.version += 1


def _cb_undo(ctx: PageContext) -> None:
    if not ctx.may_edit:
        return
    s = st.session_state[STATE]
    _edit(ctx, s, "undo", s.plan.undo)


def _cb_redo(ctx: PageContext) -> None:
    if not ctx.may_edit:
        return
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
    ds = ctx.data
    web = analysis.web_layers(ds.key, ds)
    m = plan_map(units=s.units_web, study_area=web["study_area"], lang=ctx.lang, setup=mapkit.setup(ctx),
                 bounds=ds.study_area)
    if not ctx.may_edit:  # viewers: no drawing tools
        return m
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
    micro = micro_layer(plan.micro_grids, lang=ctx.lang, setup=mapkit.setup(ctx, basemap=False))
    if micro is not None:
        micro.add_to(fg)
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


_CHECK_KEYS = {f"check_{c}" for c in ("unassigned", "households_band", "contiguity", "community", "empty", "micro")}


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
                table = new.plan.grid_table()
                new.message = ("success", t("grid_built", lang, grids=len(table), units=len(new.plan.units),
                                            in_band=int(table["in_band"].sum()), lo=int(lo), hi=int(hi)))
                st.session_state[STATE] = new
                st.rerun()


def _selection_panel(ctx: PageContext, s: GridSession, table: pd.DataFrame) -> None:
    lang, plan = ctx.lang, s.plan
    if not ctx.may_edit:
        st.info(t("viewer_read_only", lang))
    elif ctx.session is not None and ctx.session.principal.scopes:
        st.caption(t("planner_scope", lang, scopes="、".join(ctx.session.principal.scopes)))
    st.radio(t("grid_click_mode", lang), ["grid", "unit"], key="grid_click_mode", horizontal=True,
             format_func=lambda k: t(f"click_{k}", lang))
    if ctx.may_edit:
        modes = ["lasso", "pick", "micro"] if plan.micro_grids is not None else ["lasso", "pick"]
        session_choice("grid_draw_mode", modes)  # "micro" left over from a plan with 微网格: back to "lasso"
        st.radio(t("grid_draw_mode", lang), modes, key="grid_draw_mode", horizontal=True,
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
        if "grid_type" in row.index:
            st.caption(t("sel_type", lang, kind=row["grid_type"]) + (f" · {row['exclusive_name']}"
                                                                      if row.get("exclusive_name") else ""))
        pop = int(row["population"]) if "population" in row.index else None
        st.caption(t("sel_facts", lang, area=row["area_id"], units=int(row["n_units"]), pop=views.format_count(pop),
                     pp=f"{float(row['polsby_popper']):.2f}", status=t(f"band_{row['band_status']}", lang)))
        _notice_button(ctx, s, code)
        if not ctx.may_edit:
            return
        locked = code in plan.locked
        st.button(t("btn_unlock" if locked else "btn_lock", lang), key="grid_lock", on_click=_cb_lock, args=(ctx,),
                  width="stretch")
        options = [c for c in table["grid_code"] if c != code]
        st.multiselect(t("merge_with", lang), options, key="grid_merge_with",
                       format_func=lambda c: f"{c} ({int(table.set_index('grid_code').at[c, 'households'])})")
        st.button(t("btn_merge", lang), key="grid_merge", on_click=_cb_merge, args=(ctx,), width="stretch",
                  disabled=not st.session_state.get("grid_merge_with"))
    if not ctx.may_edit:
        return
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


def _notice_button(ctx: PageContext, s: GridSession, code: str) -> None:
    """The 公示 notice of the selected grid: made on request (a few seconds), then offered for download."""
    lang = ctx.lang
    if st.button(t("btn_notice", lang), key="grid_notice", width="stretch"):
        from gridmap.present.notice import plan_notice_pdf

        ds = ctx.data
        try:
            pdf = plan_notice_pdf(s.plan, code, communities=ds.study_area, residents=ds.residents, lang=lang)
            st.session_state["grid_notice_pdf"] = (code, s.plan.revision, pdf)
        except (GridmapError, ValueError, KeyError) as exc:
            st.error(t("notice_failed", lang, why=exc.args[0] if exc.args else exc))
    made = st.session_state.get("grid_notice_pdf")
    if made is not None and made[0] == code:
        st.download_button(t("dl_notice", lang), made[2], file_name=f"notice_{code}.pdf", mime="application/pdf",
                           key="grid_notice_dl", width="stretch")


def _plan_bytes(plan: Plan) -> bytes:
    """The plan as a GeoPackage file's bytes (a download through the browser; nothing kept on the server)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        save_plan(copy.copy(plan), path, overwrite=True)  # a copy: the file's revision is not the workspace's
        return path.read_bytes()


def _open_workspace_plan(ctx: PageContext, name: str, number: int | None = None) -> GridSession:
    """A session on a workspace plan at its head (or a revision), units outlined for the map."""
    plan = ctx.session.plan_at(ctx.project, name, number)
    web = views.single_feature(views.web_layer(plan.units[["geometry"]], analysis.FACE_TOLERANCE_M,
                                               decimals=analysis.WEB_DECIMALS, coverage=True))
    return GridSession(ctx.data.key, plan, seed=None, plan_name=name, units_web=web)


def _save(ctx: PageContext, s: GridSession, name: str, message: str) -> None:
    """Save the plan into the project under ``name``: a new plan, or a new revision (merged or refused)."""
    lang, session, project, plan = ctx.lang, ctx.session, ctx.project, s.plan
    try:
        if s.plan_name == name and plan.revision >= 1:
            result = session.save_plan(project, name, plan, message=message)
            if result.unchanged:
                s.message = ("info", t("saved_unchanged", lang, rev=result.revision.number))
            elif result.merged:
                s.plan = result.plan
                s.plan.dirty = False
                others = "、".join(map(str, result.revision.summary.get("merged_with", [])))
                s.message = ("success", t("saved_merged", lang, plan=name, rev=result.revision.number, others=others))
            else:
                s.message = ("success", t("saved_ws", lang, plan=name, rev=result.revision.number))
        else:
            rev = session.create_plan(project, name, plan, message=message)
            s.plan_name, s.seed = name, None
            s.message = ("success", t("saved_ws", lang, plan=name, rev=rev.number))
    except SaveConflict as exc:
        rescue = exc.rescue.number if exc.rescue is not None else "—"
        try:  # the saved revision beside mine on the map
            s.other, s.other_name = session.plan_at(project, name, exc.head, history=False), \
                t("compare_revision", lang, plan=name, rev=exc.head)
        except WorkspaceError:
            s.other = None
        s.message = ("error", t("save_rescued", lang, head=exc.head, rescue=rescue, error=exc))
    except WorkspaceError as exc:  # PermissionDenied among them: the store's refusal, named
        s.message = ("error", t("save_refused", lang, error=exc))
    s.version += 1


def _save_panel(ctx: PageContext, s: GridSession) -> None:
    """Save and open plans by name in the project; download the plan through the browser."""
    lang, plan = ctx.lang, s.plan
    st.subheader(t("save_header", lang))
    session, project = ctx.session, ctx.project
    if session is None or project is None:
        return
    names = [p.name for p in session.plans(project)]
    if ctx.may_edit:
        if ctx.data.project != project:
            st.info(t("save_needs_project", lang))
        else:
            if "grid_plan_name" not in st.session_state or st.session_state.get("grid_plan_for") != s.plan_name:
                st.session_state["grid_plan_name"] = s.plan_name or "plan"
                st.session_state["grid_plan_for"] = s.plan_name
            c = st.columns([2, 3, 1])
            name = c[0].text_input(t("plan_name", lang), key="grid_plan_name", help=t("plan_name_help", lang))
            message = c[1].text_input(t("plan_message", lang), key="grid_plan_message")
            c[2].write("")
            # the button first: it is drawn on every run, whatever the name
            if c[2].button(t("btn_save", lang), key="grid_save", type="primary", width="stretch") and name.strip():
                _save(ctx, s, name.strip(), message.strip())
                st.rerun()
    if names:
        c = st.columns([2, 1, 1])
        pick = c[0].selectbox(t("plan_open_pick", lang), names, key="grid_open_name")
        if plan.dirty:
            c[2].checkbox(t("open_confirm", lang), key="grid_open_confirm")
        if c[1].button(t("btn_open", lang), key="grid_open", width="stretch"):
            if plan.dirty and not st.session_state.get("grid_open_confirm"):
                st.warning(t("open_discard", lang))
            else:
                try:
                    new = compute(lang, _open_workspace_plan, ctx, pick)
                except WorkspaceError as exc:
                    st.error(t("open_failed", lang, error=exc))
                else:
                    new.message = ("success", t("opened", lang, path=pick, rev=new.plan.revision,
                                                grids=len(new.plan.registry)))
                    st.session_state[STATE] = new
                    st.rerun()
    else:
        st.caption(t("plan_none_saved", lang))
    st.download_button(t("dl_plan", lang), data=partial(_plan_bytes, plan),
                       file_name=f"{s.plan_name or 'plan'}.gpkg", mime="application/geopackage+sqlite3",
                       key="grid_dl_plan", on_click="ignore")


def history_table(revisions, lang: str) -> pd.DataFrame:
    """One row per revision, newest first: number, kind, who, when, what changed (in words), note."""
    rows = [{t("history_rev", lang): r.number, t("history_kind", lang): kind_label(r.kind, lang),
             t("history_author", lang): r.author, t("history_time", lang): f"{r.time:%Y-%m-%d %H:%M}",
             t("history_what", lang): REASON_SEP[lang].join(line.strip()
                                                        for line in describe(r.summary, limit=3, lang=lang)[:4]),
             t("history_message", lang): r.message} for r in reversed(revisions)]
    return pd.DataFrame(rows, columns=[t(k, lang) for k in ("history_rev", "history_kind", "history_author",
                                                            "history_time", "history_what", "history_message")])


def _history_panel(ctx: PageContext, s: GridSession) -> None:
    """The plan's revisions (who, when, what); show one beside mine on the map; restore one as a new revision."""
    lang, session, project = ctx.lang, ctx.session, ctx.project
    st.subheader(t("history_header", lang))
    if session is None or project is None or s.plan_name is None:
        st.caption(t("history_empty", lang))
        return
    try:
        revisions = session.revisions(project, s.plan_name)
    except WorkspaceError as exc:
        st.error(t("open_failed", lang, error=exc))
        return
    st.table(history_table(revisions[-HISTORY_ROWS:], lang).set_index(t("history_rev", lang)))
    numbers = [r.number for r in reversed(revisions)]
    c = st.columns([1, 2, 2])
    pick = c[0].selectbox(t("history_pick", lang), numbers, key="grid_hist_pick")
    if c[1].button(t("history_show", lang), key="grid_hist_show", width="stretch"):
        try:
            s.other = session.plan_at(project, s.plan_name, int(pick), history=False)
            s.other_name = t("compare_revision", lang, plan=s.plan_name, rev=pick)
        except WorkspaceError as exc:
            s.message = ("error", t("open_failed", lang, error=exc))
        s.version += 1
        st.rerun()
    if ctx.may_edit and c[2].button(t("history_restore", lang), key="grid_hist_restore", width="stretch"):
        try:
            rev = session.restore(project, s.plan_name, int(pick))
        except WorkspaceError as exc:
            s.message = ("error", t("restore_refused", lang, error=exc))
            s.version += 1
        else:
            new = _open_workspace_plan(ctx, s.plan_name) if not s.plan.dirty else s
            new.message = ("success", t("restored", lang, rev=pick, new=rev.number))
            new.version = s.version + 1
            st.session_state[STATE] = new
        st.rerun()


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
                if ctx.session is None or s.plan_name is None:
                    raise ValueError(t("plan_none_saved", lang))
                other = ctx.session.plan_at(ctx.project, s.plan_name, history=False)
                name = t("compare_revision", lang, plan=s.plan_name, rev=other.revision)
            compare_plans(other, s.plan)  # raises if the units differ
        except (ValueError, OSError, WorkspaceError) as exc:
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
    """Draw the grid page: build or open a plan, edit it on the map; its checks, chart, saving, history and
    comparison with another plan."""
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
    if ctx.may_edit:
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
              else t("grid_source_ws", lang, plan=s.plan_name, rev=plan.revision))
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
        render_micro(ctx, plan, s.selected, partial(_edit, ctx, s))
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
        keep = [c for c in ("grid_code", "grid_type", "area_id", "households", "population", "n_units", "area_m2",
                            "polsby_popper", "status_label", "locked") if c in table.columns]
        view = table[keep].assign(area_m2=table["area_m2"].round(0), polsby_popper=table["polsby_popper"].round(2))
        st.dataframe(columns(view, lang), hide_index=True, width="stretch", key="grid_table")
    _save_panel(ctx, s)
    _history_panel(ctx, s)
    _compare_panel(ctx, s, comparison)
    render_staffing(ctx)
