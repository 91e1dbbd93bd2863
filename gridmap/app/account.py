"""The workspace behind the app: which workspace it serves, who is logged in, which project is open.

``gridmap serve --workspace DIR`` passes the workspace in ``$GRIDMAP_WORKSPACE``; without it the
app serves the default workspace (:func:`gridmap.workspace.default_location`), which gets the demo
as a project on first use, so the app opens on the demo with no set-up.

Every script run starts with :func:`gate`: when the workspace has accounts and this browser
session holds no live login, the login form is the only thing drawn and the run stops there — no
page, no map, no download button, no layer data reaches the browser. A login's token is kept in
the (server-side) session state and checked against the workspace on every run, so an expired
session (8 h) or a disabled account ends at the next click. Without accounts the workspace runs
open (everyone acts as an admin) and a banner says so.

A login survives a page reload: the token — random (``secrets.token_urlsafe``), of which the
workspace keeps only the sha256 — is also put in the browser's cookie :data:`SESSION_COOKIE`
(``Path=/; SameSite=Strict``, ``Secure`` over https, ``Max-Age`` the session's remaining time) by
a JavaScript-only component (Streamlit's ``st.components.v2``; no iframe, no third-party code),
and a new browser session reads it from the request that opened its WebSocket
(``st.context.cookies``) and checks it against the workspace like any token: an expired session,
a disabled account, a changed password or a logout refuses it. Logging out deletes the session
in the workspace and the cookie in the browser. The cookie holds no name, role or password.

Single sign-on: when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC
login, :func:`streamlit.login`) and a ``[gridmap.oidc]`` table (claims → role and scopes,
:class:`gridmap.workspace.ClaimMapping`), the login form offers the identity provider too.

The session (:class:`gridmap.workspace.WorkspaceSession`) is what pages call for anything in the
workspace: rights are checked there, never only here. The project's layers come back as the
principal may see them (personal columns of people protected), cached per project, inputs version
and *view* (all / viewer / a planner's scopes), so sessions with the same rights share one copy
and one set of analyses. At server start a background thread warms each project's analyses for
every view in use (:func:`warm_up`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

import streamlit as st

from gridmap.app.context import Dataset
from gridmap.app.demo_data import DemoUnavailable, demo_module_name, load_layers, osm_path
from gridmap.app.i18n import t
from gridmap.workspace import (
    ClaimMapping,
    Principal,
    Project,
    Role,
    Workspace,
    WorkspaceError,
    WorkspaceSession,
    default_location,
    init_workspace,
)
from gridmap.workspace.connect import ENV_WORKSPACE
from gridmap.workspace.demo import DEMO_PROJECT, DEMO_TITLE
from gridmap.workspace.errors import AlreadyExists, SessionExpired

__all__ = ["TOKEN_STATE", "SESSION_STATE", "PROJECT_STATE", "PROJECT_NEXT_STATE", "DEMO_MISSING_STATE", "DEMO_IMPORTER",
           "SESSION_COOKIE", "COOKIE_STATE", "cookie_token",
           "workspace_location", "workspace",
           "with_demo", "gate", "logout", "choose_project", "project_dataset", "view_key", "demo_project_name",
           "may_edit", "warm_up", "warm_maps", "warm_city", "start", "oidc_mapping", "WARM_UP_DONE"]

log = logging.getLogger(__name__)

#: Session-state key of the login token (server side; never sent to the browser).
TOKEN_STATE = "ws_token"
#: Session-state key of the workspace session kept across runs (:func:`_kept`).
SESSION_STATE = "ws_session"
#: Session-state key of the open project's name.
PROJECT_STATE = "ws_project"
#: Session-state key: True in a run where the demo the workspace was to get could not be read.
DEMO_MISSING_STATE = "ws_demo_missing"
#: Session-state key of a project to switch to on the next run (set where the project widget is drawn already).
PROJECT_NEXT_STATE = "ws_project_next"
#: The browser cookie holding the session token (so that a reload keeps the login).
SESSION_COOKIE = "gridmap_session"
#: Session-state key of what the browser's cookie must become: ``{"token", "expires"}`` after a login,
#: ``{}`` (delete it) after a logout or when the cookie's session has ended.
COOKIE_STATE = "ws_cookie"
#: Session-state key of a cookie token found ended in this browser session (the WebSocket's
#: request keeps offering it until the page reloads: it is not checked again).
DEAD_COOKIE_STATE = "ws_cookie_dead"

#: What sets (or deletes) the cookie in the browser: the component's data is ``{"name", "token",
#: "max_age"}``; no token (or a max age of 0) deletes it.
_COOKIE_JS = """
export default function (component) {
  const data = component.data || {};
  if (!data.name) { return; }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const keep = data.token && data.max_age > 0;
  const value = keep ? encodeURIComponent(data.token) : "";
  const age = keep ? Math.floor(data.max_age) : 0;
  document.cookie = data.name + "=" + value + "; Path=/; Max-Age=" + age + "; SameSite=Strict" + secure;
}
"""


def workspace_location() -> str:
    """The workspace served: ``$GRIDMAP_WORKSPACE`` (set by ``gridmap serve --workspace``) or the default."""
    return os.environ.get(ENV_WORKSPACE) or str(default_location())


def demo_project_name() -> str:
    """The demo's project: ``demo``; another demo module (``$GRIDMAP_DEMO_MODULE``, the tests' stand-in) its own."""
    module = demo_module_name()
    return DEMO_PROJECT if module == "gridmap.demo" else module.replace("_", "-").replace(".", "-")


#: Who imports the demo into a workspace (the audit trail's name; also how a demo-only workspace is told apart).
DEMO_IMPORTER = "gridmap-serve"


def _ensure_demo(ws: Workspace) -> None:
    """Give a workspace with no project of its own the demo project (of the demo module in use).

    An office's workspace — any project imported by someone else — never gets the demo added.
    """
    name = demo_project_name()
    projects = ws.backend.list_projects()
    if name in {p.name for p in projects} or any(p.created_by != f"system:{DEMO_IMPORTER}" for p in projects):
        return
    layers = load_layers(demo_module_name())
    with contextlib.suppress(AlreadyExists):  # another server process imported it meanwhile
        ws.as_system(DEMO_IMPORTER).import_inputs(name, dict(layers), osm_path(demo_module_name()), title=DEMO_TITLE)


@st.cache_resource(show_spinner=False)
def workspace(location: str) -> Workspace:
    """The served workspace (one object for every session), created when new (with the demo: :func:`with_demo`)."""
    return init_workspace(location)


@st.cache_resource(show_spinner=False)
def with_demo(location: str, module: str) -> Workspace:
    """The served workspace, its demo project imported when it is new (once per workspace and demo module)."""
    ws = workspace(location)
    _ensure_demo(ws)
    return ws


#: What the server prints (stderr) when the warm-up is done: the sign (for an admin, a test) that a first visit is fast.
WARM_UP_DONE = "gridmap: warm-up done"
#: Set to 1 to start the server without its warm-up (a benchmark measures what a first visit costs without it).
ENV_NO_WARM_UP = "GRIDMAP_NO_WARM_UP"
#: Seconds the warm-up waits for Streamlit's runtime (created right after the warm-up thread starts).
RUNTIME_WAIT_S = 60.0


def start(location: str) -> threading.Thread:
    """What ``gridmap serve`` runs at start: open the workspace (the demo imported when new), then warm it up.

    Prints ``gridmap: warm-up done in N s`` to stderr when every project's analyses and the city
    summaries (:func:`warm_city`) are cached; with :data:`ENV_NO_WARM_UP` set to 1, at once.
    """
    def run() -> None:
        from streamlit import runtime

        began = time.perf_counter()
        while not runtime.exists() and time.perf_counter() - began < RUNTIME_WAIT_S:
            time.sleep(0.05)  # the maps warmed need the server's component registry (mapkit.register_component)
        if os.environ.get(ENV_NO_WARM_UP, "").strip() == "1":
            print(f"{WARM_UP_DONE} in 0.0 s (skipped: {ENV_NO_WARM_UP}=1)", file=sys.stderr, flush=True)
            return
        try:
            ws = with_demo(location, demo_module_name())
            warm_up(ws)
            warm_city(ws)
        except Exception:  # noqa: BLE001 - the workspace could not be opened: the first page says what is wrong
            log.exception("warm-up of workspace %s failed", location)
        print(f"{WARM_UP_DONE} in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)

    thread = threading.Thread(target=run, name="gridmap-warm-up", daemon=True)
    thread.start()
    return thread


def view_key(principal: Principal) -> str:
    """What a principal may see of people's data: ``all``, ``viewer`` or ``planner:<scopes>`` (cache keys)."""
    if principal.role == Role.VIEWER:
        return "viewer"
    if principal.role == Role.PLANNER:
        return "planner:" + ",".join(sorted(principal.scopes))
    return "all"


def may_edit(session: WorkspaceSession, project: str) -> bool:
    """Whether the session may change plans (and import inputs) of ``project`` (admins, planners granted it)."""
    from gridmap.workspace.rights import may_edit_project

    return may_edit_project(session.principal, project)


@st.cache_resource(show_spinner=False, max_entries=16)
def _dataset(created: str, project: str, version: int, view: str, _session: WorkspaceSession) -> Dataset:
    """The layers of one project version as one view sees them.

    The key names exactly that (the creation time tells apart two projects of one name in two
    workspaces, e.g. the tests' copies).
    """
    layers = _session.inputs(project)
    zones = {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}
    extra = {k: v for k, v in layers.items()
             if k not in ("study_area", "residents", "centers") and not k.startswith("zones_")}
    return Dataset(key=f"ws:{project}:{created}:v{version}:{view}", source="project", zones=zones,
                   study_area=layers["study_area"], residents=layers.get("residents"), centers=layers.get("centers"),
                   osm_path=_session.osm_path(project), extra=extra, project=project)


def project_dataset(session: WorkspaceSession, project: Project) -> Dataset | None:
    """The project's input layers as ``session`` may see them (None when it has no inputs yet)."""
    if not project.layers:
        return None
    created = f"{project.created:%Y%m%d%H%M%S%f}" if project.created else ""
    return _dataset(created, project.name, project.inputs_version, view_key(session.principal), session)


# ------------------------------------------------------------------------------------------------
# warm-up


def warm_up(ws: Workspace, compute: Callable[[Dataset], None] | None = None) -> None:
    """Compute each project's analyses and map layers in the background, for every view in use.

    A first visit after a restart then finds them cached (the analyses are keyed by the dataset,
    :mod:`gridmap.app.analysis`). Failures are logged, never raised: the page that needs the
    analysis computes it again and shows what went wrong.
    """
    from gridmap.workspace.model import PrincipalKind

    compute = compute or _warm_dataset
    system = ws.as_system("gridmap-warm-up")
    principals = {"all": system.principal}
    for account in ws.backend.list_accounts():
        if not account.disabled:
            principals.setdefault(view_key(account.principal()), account.principal(PrincipalKind.ACCOUNT))
    for project in system.projects():
        for view, principal in principals.items():
            if view != "all" and not (principal.is_admin or project.name in principal.projects):
                continue
            try:
                ds = project_dataset(ws.as_user(principal), project)
                if ds is not None:
                    compute(ds)
            except Exception:  # noqa: BLE001 - a warm-up failure must not stop the server; the page reports it
                log.exception("warm-up of project %s (%s) failed", project.name, view)


def warm_city(ws: Workspace) -> None:
    """Compute the city page's summaries and first maps of the projects' stored run results and of the
    registered results folders (:func:`gridmap.app.city_page.warm_results`: bounded by the page's
    cache, once per source and version), so that the first official to open the city page after a
    restart does not wait for the results to be read. Failures are logged: the page reports them."""
    from gridmap.app import city_page, mapkit
    from gridmap.app.context import MapSettings, PageContext
    from gridmap.app.i18n import DEFAULT_LANGUAGE

    mapkit.register_component()
    ctx = PageContext(lang=DEFAULT_LANGUAGE, dataset=None, maps=MapSettings(),
                      session=ws.as_system("gridmap-warm-up"))
    try:
        began = time.perf_counter()
        warmed = city_page.warm_results(ctx)
        if warmed:
            print(f"gridmap: city summaries warmed in {time.perf_counter() - began:.1f} s: {', '.join(warmed)}",
                  file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001 - a warm-up failure must not stop the server; the page reports it
        log.exception("warm-up of the city summaries failed")


def _warm_dataset(ds: Dataset) -> None:
    from gridmap.app import analysis

    analysis.web_layers(ds.key, ds)
    analysis.basemap(str(ds.osm_path) if ds.osm_path else None)
    analysis.coverage(ds.key, ds)
    if ds.residents is not None:
        lo, hi = analysis.DEFAULT_BAND
        analysis.units_web(ds.key, ds)
        analysis.grid_build(ds.key, ds, lo, hi, analysis.DEFAULT_SEED)
    if ds.has_access_inputs:
        analysis.access(ds.key, ds)
    warm_maps(ds)


def warm_maps(ds: Dataset) -> None:
    """Prepare the maps a first visit draws (each page's ``warm``), in the default language and map settings."""
    from gridmap.app import load_pages, mapkit
    from gridmap.app.context import MapSettings, PageContext
    from gridmap.app.i18n import DEFAULT_LANGUAGE

    mapkit.register_component()
    ctx = PageContext(lang=DEFAULT_LANGUAGE, dataset=ds, maps=MapSettings())
    for page in load_pages().values():
        warm = getattr(page, "warm", None)
        if warm is not None:
            warm(ctx)


# ------------------------------------------------------------------------------------------------
# login


def oidc_mapping() -> ClaimMapping | None:
    """The claims mapping of single sign-on, when secrets.toml configures both ``[auth]`` and ``[gridmap.oidc]``."""
    try:
        secrets = st.secrets
        if "auth" not in secrets or "gridmap" not in secrets or "oidc" not in secrets["gridmap"]:
            return None
        return ClaimMapping.from_config(secrets["gridmap"]["oidc"])
    except (FileNotFoundError, KeyError, WorkspaceError):
        return None
    except Exception:  # noqa: BLE001 - a broken secrets.toml: no single sign-on, logged for the admin
        log.exception("secrets.toml could not be read")
        return None


def _login_form(ws: Workspace, lang: str, notice: str | None) -> None:
    """Draw the login form; a login that succeeds reruns the script (the page then takes the form's
    place: drawn in the same run, every element after the form would sit at another position than
    in the runs that follow, and the map would be made anew on the next one)."""
    st.title(t("app_title", lang))
    st.subheader(t("login_header", lang))
    if notice:
        st.warning(notice)
    with st.form("login_form"):
        name = st.text_input(t("login_name", lang), key="login_name")
        password = st.text_input(t("login_password", lang), type="password", key="login_password")
        go = st.form_submit_button(t("login_button", lang), type="primary")
    if go:
        try:
            login = ws.login(name.strip(), password)
        except WorkspaceError as exc:
            st.error(t("login_refused", lang, error=exc))
        else:
            st.session_state[TOKEN_STATE] = login.token
            st.session_state[COOKIE_STATE] = {"token": login.token, "expires": login.expires}
            st.session_state.pop("login_password", None)
            st.rerun()
    if oidc_mapping() is not None:
        st.divider()
        if st.button(t("login_sso", lang), key="login_sso"):
            st.login()


def _sso_session(ws: Workspace, lang: str) -> str | None:
    """A login token for a user the identity provider signed in (None when single sign-on is off or refused)."""
    mapping = oidc_mapping()
    if mapping is None or not getattr(st.user, "is_logged_in", False):
        return None
    try:
        return ws.auth.login_sso(st.user.to_dict(), mapping).token
    except WorkspaceError as exc:
        st.error(t("login_refused", lang, error=exc))
        return None


def cookie_token() -> str | None:
    """The session token the browser's cookie offered when this browser session opened (None without one)."""
    try:
        value = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # noqa: BLE001 - no client context (a bare run): no cookie
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _cookie_component():
    """The JavaScript-only component that writes :data:`SESSION_COOKIE` (registered once per server)."""
    from streamlit.components import v2 as components

    return components.component("gridmap_session_cookie", js=_COOKIE_JS)


def _sync_cookie(ws: Workspace) -> None:
    """Make the browser's cookie what :data:`COOKIE_STATE` says (drawn on every run while it says
    something, so the browser gets it whichever run it renders)."""
    want = st.session_state.get(COOKIE_STATE)
    if want is None:
        return
    data: dict[str, object] = {"name": SESSION_COOKIE}
    if want.get("token"):
        data["token"] = want["token"]
        data["max_age"] = max(0, int((want["expires"] - ws.auth.now()).total_seconds()))
    with st.sidebar:
        _cookie_component()(key="gridmap_session_cookie", data=data)


def _kept(ws: Workspace, principal: Principal) -> WorkspaceSession:
    """The workspace session of this browser session, kept across runs while the principal is the same
    (it caches the plan revisions it read, so an edit's rights check reads nothing again)."""
    session = st.session_state.get(SESSION_STATE)
    if session is None or session.workspace is not ws or session.principal != principal:
        session = ws.as_user(principal)
        st.session_state[SESSION_STATE] = session
    return session


def gate(lang: str) -> WorkspaceSession:
    """The session of this browser session; without one, draw the login form and stop the run."""
    st.session_state[DEMO_MISSING_STATE] = False
    try:
        try:
            ws = with_demo(workspace_location(), demo_module_name())
        except DemoUnavailable as exc:  # the demo this workspace was to get is not there: said, and no data
            st.error(t("demo_missing", lang, error=exc))
            st.session_state[DEMO_MISSING_STATE] = True
            ws = workspace(workspace_location())
    except (WorkspaceError, OSError) as exc:
        st.error(t("workspace_failed", lang, location=workspace_location(), error=exc))
        st.stop()
    except Exception as exc:  # noqa: BLE001 - the demo could not be read: say so, no traceback
        st.error(t("demo_failed", lang, error=f"{type(exc).__name__}: {exc}"))
        st.stop()
    if ws.is_open():
        st.session_state.pop(TOKEN_STATE, None)
        return _kept(ws, ws.open_session().principal)
    notice = None
    token = st.session_state.get(TOKEN_STATE)
    if not token:  # a reload: the browser's cookie may hold a login of this browser
        cookie = cookie_token()
        if cookie == st.session_state.get(DEAD_COOKIE_STATE):
            cookie = None
        token = cookie or _sso_session(ws, lang)
    if token:
        try:
            principal = ws.auth.validate(token)  # every run: expiry, a disabled account, a logout elsewhere
        except SessionExpired as exc:
            st.session_state.pop(TOKEN_STATE, None)
            st.session_state.pop(SESSION_STATE, None)
            # the session has ended: the browser's cookie (which holds it, or an older one) goes too,
            # and this token, which the WebSocket's request may keep offering, is not tried again
            st.session_state[DEAD_COOKIE_STATE] = token
            st.session_state[COOKIE_STATE] = {}
            notice = t("login_again", lang, error=exc)
        else:
            st.session_state[TOKEN_STATE] = token
            _sync_cookie(ws)
            return _kept(ws, principal)
    _sync_cookie(ws)
    _login_form(ws, lang, notice)
    st.stop()
    # contract: valid use never gets here; English on purpose (not a user's message)
    raise AssertionError("unreachable: st.stop() raises")


def logout() -> None:
    """End this browser session's login: the session is deleted in the workspace, the cookie in the browser."""
    token = st.session_state.pop(TOKEN_STATE, None)
    st.session_state.pop(SESSION_STATE, None)
    st.session_state[COOKIE_STATE] = {}
    cookie = cookie_token()
    if cookie:  # this browser session's request still carries it: never take it up again here
        st.session_state[DEAD_COOKIE_STATE] = cookie
    if token:
        workspace(workspace_location()).auth.logout(token)
    if cookie and cookie != token:
        workspace(workspace_location()).auth.logout(cookie)
    if getattr(st.user, "is_logged_in", False):
        st.logout()


def choose_project(session: WorkspaceSession, lang: str) -> Project | None:
    """The project open in this session (sidebar choice among those the principal may open)."""
    projects = session.projects()
    if not projects:
        return None
    names = [p.name for p in projects]
    if st.session_state.get(PROJECT_NEXT_STATE) in names:
        st.session_state[PROJECT_STATE] = st.session_state.pop(PROJECT_NEXT_STATE)
    if st.session_state.get(PROJECT_STATE) not in names:
        demo = demo_project_name()
        st.session_state[PROJECT_STATE] = demo if demo in names else names[0]
    # distinct labels: Streamlit matches a choice by its label
    titles = {p.name: p.name if not p.title or p.title == p.name else f"{p.title} ({p.name})" for p in projects}
    st.sidebar.selectbox(t("project", lang), names, key=PROJECT_STATE, format_func=titles.__getitem__)
    return projects[names.index(st.session_state[PROJECT_STATE])]
