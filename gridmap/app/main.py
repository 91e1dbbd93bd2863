"""gridmap — the Streamlit app (faces floor).

Run it with ``gridmap serve`` (or ``bash scripts/app.sh``); Streamlit executes
``gridmap/app/server/streamlit_app.py``, which calls :func:`run` on every rerun.

Everything the browser loads comes from this server: folium's scripts and styles from
``static/vendor`` (served at ``/app/static/vendor``), no tiles unless an intranet tile server is
set, no CDNs. The sidebar switches the language (中文 by default / English) and the page; the map
settings (an intranet tile server, GCJ-02 display) are on the Data page. Pages live in
``gridmap.app/`` (registry: ``gridmap.app.PAGE_MODULES``); they show what the ``gridmap`` package
computes and hold no analysis of their own. ``?page=<key>`` opens a page.

The sidebar's choices are read from the session state (where Streamlit keeps widget values
between runs) before anything is drawn; the sidebar holds only the language and page switches,
so a first visit fetches little widget code before the map's (the map settings are on the Data
page).
"""

from __future__ import annotations

import streamlit as st

from gridmap.app import load_pages
from gridmap.app.context import MapSettings, PageContext, current_dataset, map_settings
from gridmap.app.demo_data import DemoUnavailable
from gridmap.app.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

PAGES = load_pages()


def sidebar(lang: str, settings: MapSettings) -> None:
    """Language and page (their values are read before, from the session state), and where the
    map settings are: on the Data page, with the other inputs."""
    with st.sidebar:
        st.radio(t("language"), options=list(LANGUAGES), index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                 format_func=LANGUAGES.__getitem__, key="lang", horizontal=True)
        st.radio(t("page", lang), options=list(PAGES), format_func=lambda p: t(f"page_{p}", lang), key="page")
        now = [t("map_state_tiles" if settings.tiles_url else "map_state_vector", lang)]
        if settings.gcj02:
            now.append(t("map_state_gcj02", lang))
        st.caption(t("map_settings_where", lang, state="，".join(now) if lang == "zh" else ", ".join(now)))


def run() -> None:
    """Draw the app once (Streamlit calls the entry script, and so this, on every rerun)."""
    st.set_page_config(page_title="gridmap", layout="wide")

    state = st.session_state
    if "page" not in state and st.query_params.get("page") in PAGES:
        state["page"] = st.query_params["page"]
    lang = state["lang"] if state.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
    page: str = state["page"] if state.get("page") in PAGES else next(iter(PAGES))
    settings, _ = map_settings()

    if st.query_params.get("page") != page:
        st.query_params["page"] = page

    st.title(t("app_title", lang))
    st.caption(t("app_caption", lang))

    sidebar(lang, settings)
    dataset = None
    try:
        with st.spinner(t("loading", lang)):
            dataset = current_dataset()
    except DemoUnavailable as exc:
        st.error(t("demo_missing", lang, error=exc))
    except Exception as exc:  # noqa: BLE001 - show the user what went wrong, not a traceback
        st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))
    # every page shows t("no_data") when there is no dataset (PageContext.dataset is None then)
    PAGES[page].render(PageContext(lang=lang, dataset=dataset, maps=settings))  # type: ignore[arg-type]
