"""gridmap — the Streamlit app (faces floor).

Run it with::

    bash scripts/install_assets.sh     # once: the offline map assets into static/vendor
    streamlit run app.py               # settings in .streamlit/config.toml (127.0.0.1:8501)

Everything the browser loads comes from this server: folium's scripts and styles from
``static/vendor`` (served at ``/app/static/vendor``), no tiles unless an intranet tile server is
set, no CDNs. The sidebar switches the language (中文 by default / English), the page, and the map
settings. Pages live in ``app_pages/`` (registry: ``app_pages.PAGE_MODULES``); they show what the
``gridmap`` package computes and hold no analysis of their own. ``?page=<key>`` opens a page.
"""

from __future__ import annotations

import streamlit as st

from app_pages import load_pages
from app_pages.context import MapSettings, PageContext, current_dataset
from app_pages.demo_data import DemoUnavailable
from app_pages.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

PAGES = load_pages()

st.set_page_config(page_title="gridmap", layout="wide")

if "page" not in st.session_state and st.query_params.get("page") in PAGES:
    st.session_state["page"] = st.query_params["page"]

with st.sidebar:
    lang = st.radio(
        t("language"),
        options=list(LANGUAGES),
        index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
        format_func=LANGUAGES.__getitem__,
        key="lang",
        horizontal=True,
    )
    page = st.radio(
        t("page", lang),
        options=list(PAGES),
        format_func=lambda p: t(f"page_{p}", lang),
        key="page",
    )
    with st.expander(t("map_settings", lang)):
        tiles_url = st.text_input(t("tiles_url", lang), key="tiles_url", placeholder="http://tiles.intra/{z}/{x}/{y}.png",
                                  help=t("tiles_url_help", lang)).strip()
        if tiles_url and not all(p in tiles_url for p in ("{z}", "{x}", "{y}")):
            st.warning(t("tiles_url_bad", lang))
            tiles_url = ""
        gcj02 = st.checkbox(t("gcj02", lang), key="gcj02", help=t("gcj02_help", lang))
if st.query_params.get("page") != page:
    st.query_params["page"] = page

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))

dataset = None
try:
    with st.spinner(t("loading", lang)):
        dataset = current_dataset()
except DemoUnavailable as exc:
    st.error(t("demo_missing", lang, error=exc))
except Exception as exc:  # noqa: BLE001 - show the user what went wrong, not a traceback
    st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))

PAGES[page].render(PageContext(lang=lang, dataset=dataset, maps=MapSettings(tiles_url or None, gcj02)))
