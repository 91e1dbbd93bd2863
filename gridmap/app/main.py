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

from gridmap.app import account, load_pages
from gridmap.app.context import MapSettings, PageContext, current_dataset, map_settings
from gridmap.app.demo_data import DemoUnavailable
from gridmap.app.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from gridmap.vocab import set_language
from gridmap.workspace import WorkspaceError, WorkspaceSession

PAGES = load_pages()


def _who(session: WorkspaceSession, lang: str) -> None:
    """Who is logged in (or that the workspace runs open), and the log-out button."""
    p = session.principal
    if session.workspace.is_open():
        st.caption(t("open_mode", lang))
        return
    scopes = f" · {', '.join(p.scopes)}" if p.scopes else ""
    st.caption(t("logged_in_as", lang, name=p.name, role=t(f"role_{p.role}", lang)) + scopes)
    if st.button(t("logout", lang), key="logout"):
        account.logout()
        st.rerun()


def language_switch() -> None:
    """The language switch, first in the sidebar (also beside the login form: it shows no data)."""
    with st.sidebar:
        st.radio(t("language"), options=list(LANGUAGES), index=list(LANGUAGES).index(DEFAULT_LANGUAGE),
                 format_func=LANGUAGES.__getitem__, key="lang", horizontal=True)


def sidebar(lang: str, settings: MapSettings, session: WorkspaceSession | None = None) -> None:
    """Page (its value is read before, from the session state), who is logged in, and where the
    map settings are: on the Data page, with the other inputs."""
    with st.sidebar:
        st.radio(t("page", lang), options=list(PAGES), format_func=lambda p: t(f"page_{p}", lang), key="page")
        now = [t("map_state_tiles" if settings.tiles_url else "map_state_vector", lang)]
        if settings.gcj02:
            now.append(t("map_state_gcj02", lang))
        st.caption(t("map_settings_where", lang, state="，".join(now) if lang == "zh" else ", ".join(now)))
        if session is not None:
            _who(session, lang)


def run() -> None:
    """Draw the app once (Streamlit calls the entry script, and so this, on every rerun)."""
    st.set_page_config(page_title="gridmap", layout="wide")

    state = st.session_state
    lang = state["lang"] if state.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
    language_switch()
    session = account.gate(lang)  # the login form and a stop when nobody is logged in: nothing else is sent
    if "page" not in state and st.query_params.get("page") in PAGES:
        state["page"] = st.query_params["page"]
    lang = state["lang"] if state.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
    set_language(lang)  # the core's messages (errors shown on the pages) read in the language of the switch
    requested = state.get("page")
    page = requested if isinstance(requested, str) and requested in PAGES else next(iter(PAGES))
    settings, _ = map_settings()

    if st.query_params.get("page") != page:
        st.query_params["page"] = page

    st.title(t("app_title", lang))
    st.caption(t("app_caption", lang))

    sidebar(lang, settings, session)
    if session.workspace.is_open():
        st.info(t("open_mode_banner", lang))
    if state.get(account.DEMO_MISSING_STATE):  # said above; the pages say what they need (uploads offered)
        PAGES[page].render(PageContext(lang=lang, dataset=None, maps=settings, session=session))
        return
    project = account.choose_project(session, lang)
    if project is None:
        st.info(t("no_projects", lang))
        return
    dataset = None
    try:
        with st.spinner(t("loading", lang)):
            dataset = current_dataset(account.project_dataset(session, project))
    except DemoUnavailable as exc:
        st.error(t("demo_missing", lang, error=exc))
    except WorkspaceError as exc:
        st.error(t("project_failed", lang, project=project.name, error=exc))
    except Exception as exc:  # noqa: BLE001 - show the user what went wrong, not a traceback
        st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))
    PAGES[page].render(PageContext(lang=lang, dataset=dataset, maps=settings, session=session, project=project.name))
