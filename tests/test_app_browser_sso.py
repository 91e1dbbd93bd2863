"""Single sign-on in a real headless Chromium (issue 14): Streamlit's OIDC login against a local identity provider.

A local OpenID Connect provider (``oidc-provider-mock``, in a thread on a loopback port) knows two
people: ``alice`` in the group ``gridmap-viewers`` and ``mallory`` in no gridmap group. The app is
served by ``gridmap serve --workspace`` from a folder whose ``.streamlit/secrets.toml`` configures
Streamlit's ``[auth]`` (the provider's discovery URL) and gridmap's ``[gridmap.oidc]`` mapping
(``gridmap-viewers`` → viewer of project ``office``), exactly as the README tells an office to.

* alice clicks 用单位统一身份认证登录, picks herself at the provider and comes back logged in as a
  viewer: the workspace now has her account, made by single sign-on, with the role the claims map to;
* mallory comes back refused, with the message that her account has no gridmap role, and sees no page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from browser_support import free_port, serve  # noqa: E402
from test_app_browser import CHROMIUM, MAP_IFRAME, VENDOR, browser, require_browser  # noqa: E402, F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECT = "office"
SSO_BUTTON = "用单位统一身份认证登录"


@pytest.fixture(scope="module")
def identity_provider():
    """The local OpenID Connect provider's base URL (stopped after the module)."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock", reason="pip install 'oidc-provider-mock>=0.3'")
    pytest.importorskip("authlib", reason="Streamlit's st.login needs Authlib: pip install 'authlib>=1.3.2'")
    people = [oidc_provider_mock.User(sub="alice", claims={"preferred_username": "alice",
                                                             "groups": ["gridmap-viewers"]}),
              oidc_provider_mock.User(sub="mallory", claims={"preferred_username": "mallory", "groups": ["others"]})]
    with oidc_provider_mock.run_server_in_thread(user_claims=people) as idp:
        yield f"http://127.0.0.1:{idp.server_port}"


@pytest.fixture(scope="module")
def sso_server(identity_provider: str, tmp_path_factory):
    """The office (a folder workspace with one local admin) served with single sign-on configured."""
    require_browser()
    import standin_demo

    from gridmap.workspace import init_workspace

    folder = tmp_path_factory.mktemp("sso")
    ws = init_workspace(folder / "workspace")
    admin = ws.as_system("setup")
    admin.import_inputs(PROJECT, standin_demo.load_demo(), standin_demo.DEMO_OSM, title="测试街道")
    admin.add_user("chief", "admin", "sso-test-pass-2026")
    port = free_port()
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(f"""\
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-this-module-only"
client_id = "gridmap"
client_secret = "gridmap-test-secret"
server_metadata_url = "{identity_provider}/.well-known/openid-configuration"

[gridmap.oidc]
name_claim = "preferred_username"
role_claim = "groups"
default_projects = ["{PROJECT}"]

[gridmap.oidc.roles]
gridmap-viewers = "viewer"
""", encoding="utf-8")
    with serve(folder / "workspace", folder / "server.log", port=port, cwd=folder) as base:
        yield base, ws


def sign_on(browser, base: str, who: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/?page=overview", wait_until="commit")
    page.get_by_role("button", name=SSO_BUTTON).click(timeout=90_000)
    page.get_by_role("button", name=who, exact=True).click(timeout=60_000)  # the provider's page: a known person
    return context, page


def test_a_person_in_a_gridmap_group_signs_on_with_the_role_it_maps_to(sso_server, browser) -> None:  # noqa: F811
    base, ws = sso_server
    context, page = sign_on(browser, base, "alice")
    try:
        page.get_by_text("已登录：alice（查看者）").wait_for(timeout=90_000)
        page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane svg path").first.wait_for(
            state="attached", timeout=90_000)
        account = ws.backend.get_account("alice")
        assert account is not None and account.source == "oidc" and str(account.role) == "viewer"
        assert list(account.projects) == [PROJECT] and account.password_hash is None
    finally:
        context.close()


def test_a_person_in_no_gridmap_group_is_refused_and_sees_no_page(sso_server, browser) -> None:  # noqa: F811
    base, ws = sso_server
    context, page = sign_on(browser, base, "mallory")
    try:
        page.get_by_text("no gridmap role").wait_for(timeout=90_000)
        page.wait_for_timeout(1000)
        assert page.get_by_text("已登录").count() == 0
        assert page.locator(MAP_IFRAME).count() == 0
        assert ws.backend.get_account("mallory") is None
    finally:
        context.close()
