"""The 微网格 of the selected base grid on the Grid page (issue 16): listed for everyone, edited by editors.

Everyone who may open the plan sees the selected grid's 微网格 (code, households, 楼栋长, phone; a
viewer's plan carries no names or phones, :func:`gridmap.workspace.rights.protect_micro_grids`).
Admins and planners may set a 楼栋长 and phone, move the buildings of one 微网格 into a
neighbouring one of the same grid, or make the grid's 微网格 anew with the plan's band. Each is a
core edit (:meth:`gridmap.plans.plan.Plan.set_building_head`, :meth:`~gridmap.plans.plan.Plan.move_micro`,
:meth:`~gridmap.plans.plan.Plan.rebuild_micro`) run through the page's edit function, so it is
undoable, re-runs the checks, and is refused after the fact when outside a planner's scope (the
workspace's :meth:`~gridmap.workspace.WorkspaceSession.check_edits`, again at every save). In the
page's 微网格 draw mode the panel offers the 微网格 that buildings drawn around on the map join
(:data:`MICRO_TARGET`; the page runs ``move_micro(target, polygon=…)``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from gridmap.app.context import PageContext, session_choice
from gridmap.app.i18n import columns, t
from gridmap.plans.plan import Plan

__all__ = ["render_micro", "micro_table", "MICRO_TARGET"]

#: session-state key of the 微网格 that buildings drawn around on the map join (the page's 微网格 draw mode)
MICRO_TARGET = "micro_lasso_target"

#: An edit run by the page: ``edit(op, function, *args)`` returns the result, or None when refused.
Edit = Callable[..., object]


def micro_table(plan: Plan, grid_code: str) -> pd.DataFrame:
    """The 微网格 of one base grid as listed: code, households, in band, 楼栋长, phone."""
    rows = pd.DataFrame(plan.micro_of(grid_code).drop(columns="geometry"))
    return rows[["micro_code", "households", "n_buildings", "in_band", "building_head",
                 "building_head_phone"]].reset_index(drop=True)


def _set_head(plan: Plan, edit: Edit, lang: str) -> None:
    code = st.session_state.get("micro_pick")
    if code and edit("micro_head", plan.set_building_head, code, st.session_state.get("micro_head_name", ""),
            st.session_state.get("micro_head_phone", "")) is not None:
        st.session_state["micro_message"] = t("edit_micro_head", lang, code=code)


def _move(plan: Plan, edit: Edit, lang: str) -> None:
    source, target = st.session_state.get("micro_source"), st.session_state.get("micro_target")
    if not source or not target or source == target:
        return
    if edit("micro_move", lambda: plan.move_micro(target, source_code=source)) is not None:
        st.session_state["micro_message"] = t("edit_micro_move", lang, source=source, target=target)


def _rebuild(plan: Plan, edit: Edit, grid_code: str, lang: str) -> None:
    if edit("micro_rebuild", plan.rebuild_micro, grid_code) is not None:
        st.session_state["micro_message"] = t("edit_micro_rebuild", lang, code=grid_code)


def render_micro(ctx: PageContext, plan: Plan, grid_code: str | None, edit: Edit) -> None:
    """The section for the selected grid (nothing when the plan has no 微网格 or no base grid is selected)."""
    lang = ctx.lang
    if plan.micro_grids is None or grid_code is None or grid_code not in plan.registry \
            or grid_code in plan.exclusive:
        return
    table = micro_table(plan, grid_code)
    st.markdown(f"**{t('micro_header', lang, n=len(table))}**")
    st.dataframe(columns(table, lang), hide_index=True, width="stretch", key="micro_table")
    if not ctx.may_edit:
        st.caption(t("micro_viewer_note", lang))
        return
    message = st.session_state.pop("micro_message", None)
    if message:
        st.success(message)
    codes = table["micro_code"].tolist()
    if not codes:
        return
    if st.session_state.get("grid_draw_mode") == "micro":
        session_choice(MICRO_TARGET, codes)  # another grid selected, or the 微网格 moved away: the first
        st.selectbox(t("micro_lasso_target", lang), codes, key=MICRO_TARGET)
        st.caption(t("micro_lasso_help", lang))
    heads = table.set_index("micro_code")
    with st.form("micro_head_form"):
        pick = st.selectbox(t("micro_pick", lang), codes, key="micro_pick")
        st.text_input(t("micro_head_name", lang), value=str(heads.at[pick, "building_head"]), key="micro_head_name",
                      max_chars=50)
        st.text_input(t("micro_head_phone", lang), value=str(heads.at[pick, "building_head_phone"]),
                      key="micro_head_phone", max_chars=30)
        st.form_submit_button(t("btn_micro_head", lang), on_click=_set_head, args=(plan, edit, lang),
                              width="stretch")
    if len(codes) > 1:
        st.selectbox(t("micro_move_source", lang), codes, key="micro_source")
        st.selectbox(t("micro_move_target", lang), codes, index=1, key="micro_target")
        st.button(t("btn_micro_move", lang), key="micro_move", on_click=_move, args=(plan, edit, lang),
                  width="stretch")
    st.button(t("btn_micro_rebuild", lang, lo=plan.micro_band[0], hi=plan.micro_band[1]), key="micro_rebuild",
              on_click=_rebuild, args=(plan, edit, grid_code, lang), width="stretch")
