"""Accounts: argon2 hashes never in clear, lockout after 5 failures for 15 minutes, sessions that
expire after 8 hours, disabled accounts, and the OIDC claim → role mapping (issue 14).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from ws_data import ADMIN, POLICY, Clock

from gridmap.workspace import (
    AccountLocked,
    AlreadyExists,
    ClaimMapping,
    LoginFailed,
    PermissionDenied,
    Role,
    SessionExpired,
    Workspace,
    WorkspaceError,
    map_claims,
)
from gridmap.workspace.auth import DEFAULT_HASHER, hash_password, verify_password

PASSWORD = "Xinjiekou-2026!"


@pytest.fixture
def accounts(workspace):
    admin = workspace.as_user(ADMIN)
    admin.add_user("li", "planner", PASSWORD, scopes=["320102001"], projects=["office"])
    admin.add_user("wang", "viewer", PASSWORD, projects=["office"])
    return workspace


def test_hash_is_argon2id_salted_and_never_the_password(accounts) -> None:
    stored = accounts.backend.get_account("li")
    assert stored.password_hash.startswith("$argon2id$v=19$")
    assert PASSWORD not in stored.password_hash and PASSWORD not in repr(stored)
    assert "password_hash" not in stored.public() and stored.public()["has_password"]
    assert hash_password(PASSWORD, POLICY.hasher) != hash_password(PASSWORD, POLICY.hasher)  # salted
    assert verify_password(stored.password_hash, PASSWORD) and not verify_password(stored.password_hash, "wrong")
    assert all("password_hash" not in u and PASSWORD not in str(u) for u in accounts.as_user(ADMIN).users())


def test_the_default_hasher_is_argon2id_at_full_strength() -> None:
    digest = hash_password(PASSWORD)
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and DEFAULT_HASHER.verify(digest, PASSWORD)


def test_no_password_in_the_audit_trail(accounts) -> None:
    accounts.login("li", PASSWORD)
    with pytest.raises(LoginFailed):
        accounts.login("li", "a-wrong-" + PASSWORD)
    accounts.as_user(ADMIN).set_password("li", "another-" + PASSWORD)
    text = repr(accounts.backend.list_audit())
    assert PASSWORD not in text


def test_login_gives_a_session_the_workspace_validates(accounts) -> None:
    login = accounts.login("li", PASSWORD)
    assert login.principal.role == Role.PLANNER and login.principal.scopes == ("320102001",)
    assert len(login.token) >= 40 and login.token not in repr(login)
    session = accounts.session_for(login.token)
    assert session.principal.name == "li"
    assert accounts.backend.get_session(login.token) is None  # only the token's hash is stored


def test_unknown_name_and_wrong_password_get_the_same_refusal(accounts) -> None:
    with pytest.raises(LoginFailed) as unknown:
        accounts.login("nobody", PASSWORD)
    with pytest.raises(LoginFailed) as wrong:
        accounts.login("li", "wrong-password")
    assert str(unknown.value) == str(wrong.value)


def test_five_failures_lock_for_fifteen_minutes(accounts, clock: Clock) -> None:
    for attempt in range(4):
        with pytest.raises(LoginFailed):
            accounts.login("li", f"wrong-{attempt}")
    assert accounts.backend.get_account("li").failed_logins == 4
    with pytest.raises(AccountLocked) as locked:
        accounts.login("li", "wrong-5")
    assert locked.value.until.timestamp() == pytest.approx(clock.t + 15 * 60)
    with pytest.raises(AccountLocked):  # the right password is refused while locked
        accounts.login("li", PASSWORD)
    clock.advance(15 * 60 - 1)
    with pytest.raises(AccountLocked):
        accounts.login("li", PASSWORD)
    clock.advance(1)
    assert accounts.login("li", PASSWORD).principal.name == "li"
    actions = [e.action for e in accounts.backend.list_audit(user="li")][::-1]
    assert actions == ["login_failed"] * 4 + ["account_locked", "login_refused_locked", "login_refused_locked",
                                               "login"]


def test_a_success_resets_the_count(accounts) -> None:
    for attempt in range(4):
        with pytest.raises(LoginFailed):
            accounts.login("li", f"wrong-{attempt}")
    accounts.login("li", PASSWORD)
    assert accounts.backend.get_account("li").failed_logins == 0
    for attempt in range(4):  # four more failures do not lock
        with pytest.raises(LoginFailed):
            accounts.login("li", f"wrong-{attempt}")


def test_admin_unlocks_with_enable(accounts) -> None:
    for attempt in range(5):
        with pytest.raises((LoginFailed, AccountLocked)):
            accounts.login("li", f"wrong-{attempt}")
    accounts.as_user(ADMIN).enable_user("li")
    assert accounts.login("li", PASSWORD)


def test_sessions_expire_after_eight_hours(accounts, clock: Clock) -> None:
    login = accounts.login("wang", PASSWORD)
    assert login.expires.timestamp() == pytest.approx(clock.t + 8 * 3600)
    clock.advance(8 * 3600 - 1)
    assert accounts.session_for(login.token).principal.role == Role.VIEWER
    assert not accounts.auth.expired(login.expires - timedelta(hours=8))
    clock.advance(1)
    with pytest.raises(SessionExpired, match="expired"):
        accounts.session_for(login.token)
    assert accounts.auth.expired(login.expires - timedelta(hours=8))
    with pytest.raises(SessionExpired):
        accounts.session_for(None)


def test_disable_and_new_password_end_sessions(accounts) -> None:
    admin = accounts.as_user(ADMIN)
    token = accounts.login("wang", PASSWORD).token
    admin.disable_user("wang")
    with pytest.raises(SessionExpired):
        accounts.session_for(token)
    with pytest.raises(LoginFailed):
        accounts.login("wang", PASSWORD)
    token = accounts.login("li", PASSWORD).token
    admin.set_password("li", "a-new-password")
    with pytest.raises(SessionExpired):
        accounts.session_for(token)
    assert accounts.login("li", "a-new-password")


def test_logout_ends_the_session(accounts) -> None:
    token = accounts.login("li", PASSWORD).token
    accounts.auth.logout(token)
    with pytest.raises(SessionExpired):
        accounts.session_for(token)


def test_change_own_password_needs_the_old_one(accounts) -> None:
    session = accounts.session_for(accounts.login("li", PASSWORD).token)
    with pytest.raises(PermissionDenied):
        session.change_password("wrong", "brand-new-pass")
    session.change_password(PASSWORD, "brand-new-pass")
    assert accounts.login("li", "brand-new-pass")


def test_open_until_the_first_account(backend, clock: Clock) -> None:
    workspace = Workspace(backend, clock=clock, policy=POLICY)
    assert workspace.is_open() and workspace.open_session().principal.kind == "open"
    workspace.open_session().add_user("first", "admin", PASSWORD)
    assert not workspace.is_open()
    with pytest.raises(PermissionDenied, match="log in"):
        workspace.open_session()


def test_account_rules(accounts) -> None:
    admin = accounts.as_user(ADMIN)
    with pytest.raises(AlreadyExists):
        admin.add_user("li", "viewer", PASSWORD, projects=["office"])
    with pytest.raises(WorkspaceError, match="at least 8"):
        admin.add_user("zhao", "viewer", "short", projects=["office"])
    with pytest.raises(WorkspaceError, match="at least one scope"):
        admin.add_user("zhao", "planner", PASSWORD, projects=["office"])
    with pytest.raises(WorkspaceError, match="cannot be used"):
        admin.add_user("zhao", "planner", PASSWORD, scopes=["12 34"], projects=["office"])
    with pytest.raises(WorkspaceError, match="scope codes are for planners"):
        admin.add_user("zhao", "viewer", PASSWORD, scopes=["320102001"])
    with pytest.raises(WorkspaceError, match="none of admin"):
        admin.add_user("zhao", "boss", PASSWORD)
    with pytest.raises(WorkspaceError, match="no project"):
        admin.add_user("zhao", "viewer", PASSWORD, projects=["elsewhere"])
    assert admin.grant("wang", role="planner", scopes=["320102002001"])["role"] == "planner"


MAPPING = ClaimMapping.from_config({"role_claim": "groups", "roles": {"gm-admins": "admin", "gm-planners": "planner",
                                                                      "gm-viewers": "viewer"},
                                    "default_projects": ["office"]})


def test_claims_map_to_the_strongest_role() -> None:
    grant = map_claims({"preferred_username": "zhou", "groups": ["gm-viewers", "gm-planners"],
                        "gridmap_scopes": "320102001, 320102002001"}, MAPPING)
    assert (grant.name, grant.role, grant.scopes, grant.projects) == (
        "zhou", Role.PLANNER, ("320102001", "320102002001"), ("office",))
    assert map_claims({"email": "a@b", "groups": "gm-admins"}, MAPPING).role == Role.ADMIN
    assert map_claims({"sub": "x", "groups": ["others"]}, MAPPING) is None
    assert map_claims({"sub": "x", "groups": ["gm-planners"]}, MAPPING) is None  # a planner needs a scope
    assert map_claims({"groups": ["gm-admins"]}, MAPPING) is None  # no name
    with pytest.raises(WorkspaceError, match="unknown key"):
        ClaimMapping.from_config({"rolez": "x"})
    with pytest.raises(WorkspaceError, match="admin, planner or viewer"):
        ClaimMapping.from_config({"roles": {"g": "superuser"}})


def test_sso_login_creates_and_updates_the_account(accounts) -> None:
    claims = {"preferred_username": "zhou", "groups": ["gm-viewers"]}
    login = accounts.auth.login_sso(claims, MAPPING)
    assert login.principal.kind == "sso" and login.principal.projects == ("office",)
    stored = accounts.backend.get_account("zhou")
    assert stored.source == "oidc" and stored.password_hash is None
    with pytest.raises(LoginFailed):  # no password login for an SSO account
        accounts.login("zhou", "")
    login = accounts.auth.login_sso({**claims, "groups": ["gm-admins"]}, MAPPING)
    assert accounts.session_for(login.token).principal.role == Role.ADMIN
    with pytest.raises(LoginFailed, match="local gridmap account"):  # a local account is not taken over
        accounts.auth.login_sso({"preferred_username": "li", "groups": ["gm-admins"]}, MAPPING)
    with pytest.raises(LoginFailed, match="no gridmap role"):
        accounts.auth.login_sso({"preferred_username": "x", "groups": []}, MAPPING)
