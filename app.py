"""gridmap — the Streamlit app (faces floor).

Run it with::

    bash scripts/install_assets.sh     # once: the offline map assets into static/vendor
    streamlit run app.py               # settings in .streamlit/config.toml (127.0.0.1:8501)

Everything the browser loads comes from this server: folium's scripts and styles from
``static/vendor`` (served at ``/app/static/vendor``), no tiles unless an intranet tile server is
set, no CDNs. The sidebar switches the language (中文 by default / English) and the page; the map
settings (an intranet tile server, GCJ-02 display) are on the Data page. Pages live in
``app_pages/`` (registry: ``app_pages.PAGE_MODULES``); they show what the ``gridmap`` package
computes and hold no analysis of their own. ``?page=<key>`` opens a page.

The sidebar's choices are read from the session state (where Streamlit keeps widget values
between runs) before anything is drawn; the sidebar holds only the language and page switches,
so a first visit fetches little widget code before the map's (the map settings are on the Data
page).
"""

from __future__ import annotations

import streamlit as st

from app_pages import load_pages
from app_pages.context import PageContext, current_dataset, map_settings
from app_pages.demo_data import DemoUnavailable
from app_pages.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

PAGES = load_pages()

st.set_page_config(page_title="gridmap", layout="wide")

state = st.session_state
if "page" not in state and st.query_params.get("page") in PAGES:
    state["page"] = st.query_params["page"]
lang = state["lang"] if state.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
page = state.get("page") if state.get("page") in PAGES else next(iter(PAGES))
settings, _ = map_settings()


def sidebar() -> None:
    """Language and page (their values are read above, from the session state), and where the
    map settings are: on the Data page, with the other inputs."""
    with st.sidebar:
        st.radio(t("language"), options=list(LANGUAGES), index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                 format_func=LANGUAGES.__getitem__, key="lang", horizontal=True)
        st.radio(t("page", lang), options=list(PAGES), format_func=lambda p: t(f"page_{p}", lang), key="page")
        now = [t("map_state_tiles" if settings.tiles_url else "map_state_vector", lang)]
        if settings.gcj02:
            now.append(t("map_state_gcj02", lang))
        st.caption(t("map_settings_where", lang, state="，".join(now) if lang == "zh" else ", ".join(now)))


if st.query_params.get("page") != page:
    st.query_params["page"] = page

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))

sidebar()
dataset = None
try:
    with st.spinner(t("loading", lang)):
        dataset = current_dataset()
except DemoUnavailable as exc:
    st.error(t("demo_missing", lang, error=exc))
except Exception as exc:  # noqa: BLE001 - show the user what went wrong, not a traceback
    st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))
PAGES[page].render(PageContext(lang=lang, dataset=dataset, maps=settings))
