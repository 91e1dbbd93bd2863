"""The staffing section of the Grid page (力量下沉到网格): what ``gridmap staff --workspace`` kept in the project.

Everyone who may open the project sees the counts as map layers (:func:`gridmap.present.staff_map.staffing_map`:
households per 网格员, grids without one, 党员 per 微网格, people not paired); the list of 网格员 with
names and phones is shown to admins whole and to planners for the grids inside their scope (the
workspace empties the personal cells outside it, :func:`gridmap.workspace.rights.protect_layer`);
viewers get no list at all.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gridmap.app import mapkit
from gridmap.app.context import PageContext
from gridmap.app.i18n import columns, t
from gridmap.people.layers import PAIRING_LAYERS
from gridmap.people.staffing import STAFFING_LAYERS
from gridmap.present.staff_map import staffing_map
from gridmap.workspace import WorkspaceError

__all__ = ["render_staffing", "PAIRING_LAYER"]

#: The layer of a pairing run a project may keep (grids with ``n_paired``, ``n_unpaired``;
#: :func:`gridmap.people.layers.pairing_layers`, ``gridmap pair --workspace``).
PAIRING_LAYER = PAIRING_LAYERS[0]
#: The key of the section's map.
MAP_KEY = "staffing_map"


def _people(ctx: PageContext, keys: tuple[str, ...]) -> pd.DataFrame | None:
    """The 网格员 list this principal may see (rows inside the scope), or None for a viewer."""
    if ctx.role == "viewer" or "staff_assignments" not in keys:
        return None
    table = pd.DataFrame(ctx.session.layer(ctx.project, "staff_assignments")).drop(columns="geometry",
                                                                                    errors="ignore")
    if "name" in table.columns:
        table = table[table["name"].notna()]
    keep = [c for c in ("grid_code", "staff_id", "name", "phone", "role", "source") if c in table.columns]
    return table[keep].reset_index(drop=True)


def render_staffing(ctx: PageContext) -> None:
    """The section, when the open project holds staffing or pairing results (nothing otherwise)."""
    session, project, lang = ctx.session, ctx.project, ctx.lang
    if session is None or project is None:
        return
    try:
        record = session.project(project)
        keys = tuple(record.layers)
        if STAFFING_LAYERS[0] not in keys and PAIRING_LAYER not in keys:
            return
        pairing = session.layer(project, PAIRING_LAYER) if PAIRING_LAYER in keys else None
        pairing_only = STAFFING_LAYERS[0] not in keys  # its grids carry the counts (no staffing layers to draw)
        grids = session.layer(project, PAIRING_LAYER if pairing_only else STAFFING_LAYERS[0])
        micro = session.layer(project, "staffing_micro") if "staffing_micro" in keys else None
        people = _people(ctx, keys)
    except WorkspaceError as exc:
        st.error(str(exc))
        return
    st.subheader(t("staffing_header", lang))
    staffed = grids["staffed"].astype(bool) if "staffed" in grids.columns else pd.Series(True, index=grids.index)
    plan = str(grids["plan"].iloc[0]) if len(grids) and "plan" in grids.columns else ""
    rev = int(grids["revision"].iloc[0]) if len(grids) and "revision" in grids.columns else 0
    if pairing_only:
        st.caption(t("pairing_source", lang, plan=plan, rev=rev, grids=len(grids),
                     paired=int(grids["n_paired"].sum()), unpaired=int(grids["n_unpaired"].sum())))
    else:
        st.caption(t("staffing_source", lang, plan=plan, rev=rev, grids=len(grids), staffed=int(staffed.sum()),
                     unstaffed=int((~staffed).sum())))
    mapkit.section(ctx, "staffing_map_help",
                   lambda: staffing_map(grids, micro, pairing, lang=lang, setup=mapkit.setup(ctx),
                                        bounds=ctx.data.study_area),
                   MAP_KEY, cache=("staffing", record.inputs_version))
    if people is None:
        st.caption(t("staffing_viewer_note", lang))
        return
    with st.expander(t("staffing_people_header", lang)):
        st.dataframe(columns(people, lang), hide_index=True, width="stretch", key="staffing_people")
