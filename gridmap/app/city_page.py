"""Page "全市 / City": a whole city's results for officials — 街道 and 社区 coloured by one figure,
the city's totals, and one 街道 in detail (click it on the map or pick it below).

The results come from :func:`load_city_results`: the demo (the pipeline run on the embedded demo,
once per server), a ``gridmap run`` output folder registered when the server starts
(``gridmap serve --results DIR``, or the :data:`RESULTS_ENV` variable: folders separated by
``os.pathsep``), or the results stored in a workspace project (``gridmap run --workspace W
--project P``) — those of every project the logged-in user may open, viewers included (figures per
area, no lists of people), read through the user's workspace session. No widget takes a path on
the server. A first visit opens the open project's results, else the first registered folder.
The map at city zoom carries only the aggregates (:func:`gridmap.scale.summary.city_summary`):
the first map the 街道 alone, the 社区 when asked for; the detail is built for the selected 街道
only, so the first map stays small and fast at any city size. The server's warm-up computes the
summaries and first maps beforehand (:func:`warm_results`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

from gridmap.app import analysis, mapkit
from gridmap.app.context import PageContext, demo_dataset, session_choice
from gridmap.app.guard import compute
from gridmap.app.i18n import columns, t
from gridmap.errors import GridmapError
from gridmap.present import maps, views
from gridmap.present.city_map import CITY_METRICS, city_map, street_map
from gridmap.scale.pipeline import CityInputs, RunParams, run_single
from gridmap.scale.summary import (
    RESULTS_ENV,
    CityResults,
    CitySummary,
    StreetDetail,
    city_results,
    city_summary,
    project_city_results,
    street_detail,
)
from gridmap.scale.summary import (
    load_city_results as load_results_folder,
)

__all__ = ["KEY", "RESULTS_ENV", "DEMO", "PROJECT_SOURCE", "LEVELS", "CACHED_SOURCES", "render", "sources",
           "versions", "default_source", "load_city_results", "summary", "detail", "prepare_city_map", "warm_results"]

KEY = "city"
#: The source key of the demo's results.
DEMO = "demo"
STATE_STREET = "city_street"
STATE_SOURCE = "city_source"
STATE_METRIC = "city_metric"
STATE_LEVEL = "city_level"
#: What the city map shows: the 街道 (the first map, small at any city size) or their 社区 too.
LEVELS = ("streets", "communities")
#: Source keys of projects' stored results start with this (the project's name follows).
PROJECT_SOURCE = "project:"


def _folders() -> dict[str, str]:
    """Each registered results folder (its absolute path) → its name."""
    out = {}
    for raw in os.environ.get(RESULTS_ENV, "").split(os.pathsep):
        if raw.strip():
            path = str(Path(raw.strip()).expanduser().resolve())
            out[path] = Path(path).name
    return out


def sources(session=None) -> dict[str, str]:
    """Source key → label: the demo, each registered results folder (by its name), then each project
    with stored results that ``session`` (a :class:`gridmap.workspace.WorkspaceSession`) may open
    (key :data:`PROJECT_SOURCE` + name, labelled by the project's name)."""
    out = {DEMO: DEMO, **_folders()}
    if session is not None:
        out.update({PROJECT_SOURCE + r.project: r.project for r in session.results_list()})
    return out


def versions(session=None) -> dict[str, str]:
    """Project source key → the version of its stored results (workspace and time of the store): a cache key."""
    if session is None:
        return {}
    return {PROJECT_SOURCE + r.project: f"{session.workspace.location}|{r.written.isoformat()}"
            for r in session.results_list()}


#: Sources whose results and summary the server keeps (a 1,000,000-building city's results take
#: about a gigabyte); the warm-up computes no more than these.
CACHED_SOURCES = 4


@st.cache_resource(show_spinner=False, max_entries=CACHED_SOURCES)
def load_city_results(source: str, version: str = "", _session=None) -> CityResults:
    """The city results of ``source``: a registered ``gridmap run`` folder, a project's stored results
    (read through ``_session``, which checks the user may open it; ``version`` tells stores apart in
    the cache), or :data:`DEMO` — the pipeline run once on the embedded demo (its zones, residents,
    centres and walking network).
    """
    if source.startswith(PROJECT_SOURCE):
        if _session is None:
            raise GridmapError("err_city_page_project_results_read_through_workspace", source=source)
        return project_city_results(_session, source[len(PROJECT_SOURCE):])
    if source != DEMO:
        if source not in _folders():
            raise GridmapError("err_city_page_not_registered_results_folder", source=source)
        return load_results_folder(source)
    ds = demo_dataset()
    net = analysis.walk_network(str(ds.osm_path)) if ds.has_access_inputs else None
    params = RunParams(min_households=analysis.DEFAULT_BAND[0], max_households=analysis.DEFAULT_BAND[1],
                       gap_width=analysis.GAP_WIDTH_M, sliver_m2=analysis.SLIVER_M2)
    inputs = CityInputs(ds.study_area, dict(ds.zones), ds.residents, ds.centers if net is not None else None, net)
    result = run_single(inputs, params)
    return city_results(result, ds.study_area, analysis.DEFAULT_BAND, name=DEMO)


@st.cache_resource(show_spinner=False, max_entries=CACHED_SOURCES)
def summary(source: str, version: str = "", _session=None) -> CitySummary:
    """Figures per 街道 and 社区 of ``source`` (cached for every session)."""
    return city_summary(load_city_results(source, version, _session))


@st.cache_resource(show_spinner=False, max_entries=16)
def detail(source: str, street: str, version: str = "", _session=None) -> StreetDetail:
    """The 街道 ``street`` of ``source`` in full detail (cached)."""
    return street_detail(load_city_results(source, version, _session), street)


def default_source(found: dict[str, str], project: str | None) -> str:
    """The source a first visit sees: the open project's stored results, else the first registered
    results folder (a server started with ``--results`` is there for that city), else the demo."""
    mine = PROJECT_SOURCE + project if project else None
    if mine in found:
        return mine
    return next((k for k in found if k != DEMO and not k.startswith(PROJECT_SOURCE)), next(iter(found)))


def _map_args(ctx: PageContext, s: CitySummary, source: str, version: str, metric: str, level: str):
    """The city map's builder, page key, cache key and context: one place for the page and the warm-up,
    so that a map the warm-up prepared is the one a first visit gets. The context carries no
    dataset: the map depends on the results only, not on the project open in the sidebar."""
    plain = replace(ctx, dataset=None)
    build = lambda: city_map(s.streets, s.communities if level == "communities" else None, metric,  # noqa: E731
                             lang=ctx.lang, setup=mapkit.setup(plain, basemap=False))
    return build, f"city_map_{metric}_{level}", (source, version, metric, level), plain


def prepare_city_map(ctx: PageContext, source: str, version: str = "") -> None:
    """Summarise ``source`` and prepare its first map (the 街道 by the first figure), as a first visit
    draws it: what the server's warm-up runs for each source it warms."""
    s = summary(source, version, ctx.session)
    metrics = [m for m in CITY_METRICS if m in s.streets.columns]
    build, key, cache, plain = _map_args(ctx, s, source, version, metrics[0], LEVELS[0])
    mapkit.prepare(build, plain, key, cache)


def warm_results(ctx: PageContext) -> list[str]:
    """Compute the city summaries and first maps of the stored results ``ctx.session`` may open and of
    the registered results folders (not the demo, which computes its run), at most
    :data:`CACHED_SOURCES` — the projects' first, newest first — so that the first official after a
    restart does not wait for a million buildings to be read. Returns the sources warmed."""
    stored = versions(ctx.session)
    projects = sorted(stored, key=lambda k: stored[k].rsplit("|", 1)[1], reverse=True)
    chosen = [*projects, *_folders()][:CACHED_SOURCES]
    for source in chosen:
        prepare_city_map(ctx, source, stored.get(source, ""))
    return chosen


def _label(source: str, found: dict[str, str], stored: dict[str, str], lang: str) -> str:
    """How a source is offered: the demo, a folder's name, a project's name with the time of its results."""
    if source == DEMO:
        return t("city_demo", lang)
    if source in stored:
        written = stored[source].rsplit("|", 1)[1]
        return t("city_project", lang, name=found[source], time=written[:16].replace("T", " ") + " UTC")
    return found[source]


def _pick_street(ctx: PageContext, out: dict, streets) -> None:
    """A click on the city map selects the 街道 under it."""
    click = out.get("last_object_clicked")
    if not click or click == st.session_state.get("city_last_click"):
        return
    st.session_state["city_last_click"] = click
    lon, lat = views.from_display(click["lng"], click["lat"], ctx.maps.display_system)
    i = views.feature_at(streets, lon, lat)
    if i is not None:
        st.session_state[STATE_STREET] = str(streets["street_key"].iloc[i])


def _kpis(lang: str, totals: dict, metrics: list[str]) -> None:
    cols = st.columns(2 + len(metrics))
    cols[0].metric(t("field_communities", lang), f"{int(totals['communities']):,}")
    cols[1].metric(t("field_households", lang), f"{int(totals['households']):,}")
    for c, m in zip(cols[2:], metrics, strict=True):
        v = totals.get(m)
        c.metric(t(f"field_{m}", lang), "—" if v is None or v != v else
                 (f"{v:.1%}" if m.endswith("_share") else f"{int(v):,}"))


def render(ctx: PageContext) -> None:
    """Draw the city page."""
    lang = ctx.lang
    st.header(t("city_header", lang))
    found = sources(ctx.session)
    if ctx.dataset is None:  # no demo (said above the page): the stored results and folders are still offered
        found.pop(DEMO, None)
    if not found:
        st.info(t("no_data", lang))
        return
    stored = versions(ctx.session)
    source = session_choice(STATE_SOURCE, list(found), default=default_source(found, ctx.project))
    if len(found) > 1:
        source = st.selectbox(t("city_source", lang), list(found), key=STATE_SOURCE,
                              format_func=lambda s: _label(s, found, stored, lang))
    version = stored.get(source, "")
    s = compute(lang, summary, source, version, ctx.session)
    metrics = [m for m in CITY_METRICS if m in s.streets.columns]
    st.caption(t("city_intro", lang, streets=len(s.streets), communities=len(s.communities),
                 grids=int(s.totals.get("grids", 0))))
    _kpis(lang, s.totals, metrics)
    metric = session_choice(STATE_METRIC, metrics)
    metric = st.radio(t("city_metric", lang), metrics, key=STATE_METRIC, horizontal=True,
                      format_func=lambda m: t(f"field_{m}", lang))
    level = session_choice(STATE_LEVEL, LEVELS)
    level = st.radio(t("city_level", lang), LEVELS, key=STATE_LEVEL, horizontal=True,
                     format_func=lambda v: t(f"city_level_{v}", lang))
    keys = list(s.streets["street_key"])
    chosen = st.session_state.get(STATE_STREET)
    highlight = None
    if chosen in keys:
        highlight = folium.FeatureGroup(name=t("layer_city_selected", lang))
        g = views.for_display(s.streets[s.streets["street_key"] == chosen][["geometry"]], ctx.maps.display_system)
        folium.GeoJson(maps.to_web(g, decimals=5).to_geo_dict(show_bbox=False), interactive=False,
                       style_function=lambda _f: {"color": "#08519c", "weight": 4, "fillOpacity": 0.0},
                       ).add_to(highlight)
    build, key, cache, plain = _map_args(ctx, s, source, version, metric, level)
    out = mapkit.section(plain, "city_map_help", build, key, cache=cache,
                         returned_objects=["last_object_clicked"], feature_group=highlight)
    if out is not None:
        _pick_street(ctx, out, s.streets)

    table = s.streets.drop(columns="geometry").sort_values(metric, ascending=metric.endswith("_share"))
    st.subheader(t("city_streets_header", lang))
    st.dataframe(columns(pd.DataFrame(table.drop(columns="street_key")), lang), hide_index=True, width="stretch",
                 key="city_streets_table")
    names = dict(zip(s.streets["street_key"], s.streets["street_name"], strict=True))
    options = ["", *sorted(keys, key=lambda k: names[k])]
    if st.session_state.get(STATE_STREET) not in options:
        st.session_state[STATE_STREET] = ""
    street = st.selectbox(t("city_pick_street", lang), options, key=STATE_STREET,
                          format_func=lambda k: t("city_no_street", lang) if k == "" else f"{names[k]} ({k})")
    if not street:
        st.info(t("city_click_hint", lang))
        return
    d = compute(lang, detail, source, street, version, ctx.session)
    st.subheader(t("city_street_header", lang, name=d.name))
    mapkit.section(ctx, "city_street_help",
                   lambda: street_map(d.communities, d.grids, d.gaps, d.residents, lang=lang,
                                      setup=mapkit.setup(ctx, basemap=False)),
                   "city_street_map", cache=(source, version, street))
    st.dataframe(columns(pd.DataFrame(d.communities.drop(columns="geometry")), lang), hide_index=True,
                 width="stretch", key="city_street_table")
