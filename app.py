"""gridmap — the Streamlit app (faces floor).

Run it with::

    bash scripts/install_assets.sh     # once: the offline map assets into static/vendor
    streamlit run app.py               # settings in .streamlit/config.toml (127.0.0.1:8501)

Everything the browser loads comes from this server: folium's scripts and styles from
``static/vendor`` (served at ``/app/static/vendor``), no tiles, no CDNs. The sidebar switches the
language (中文 by default / English) and the page. Pages live in ``app_pages/``; they show what the
``gridmap`` package computes and hold no analysis of their own.
"""

from __future__ import annotations

import streamlit as st

from app_pages import data_overview
from app_pages.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

PAGES = {"data": data_overview.render}

st.set_page_config(page_title="gridmap", layout="wide")

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

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))
PAGES[page](lang)
