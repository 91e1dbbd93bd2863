"""Accounts' passwords, logins with lockout, expiring sessions, and single sign-on claims → roles.

* **Passwords** are hashed with argon2id (``argon2-cffi``'s :class:`argon2.PasswordHasher`, a
  maintained library with memory-hard defaults); the hash string carries its own salt and
  parameters, so stronger defaults later only need :func:`needs_rehash`. A password is never
  stored, logged, put in a message or an audit event; an unknown name is checked against a dummy
  hash so the answer takes as long as for a real one.
* **Lockout**: :data:`AuthPolicy.max_failures` (5) failed logins in a row lock the account for
  :data:`AuthPolicy.lockout` (15 minutes); a login while locked is refused without checking the
  password; a success resets the count. The count is changed in one transaction
  (:meth:`gridmap.workspace.backend.Backend.modify_account`), so parallel attempts all count.
* **Sessions** last :data:`AuthPolicy.session_length` (8 hours) from the login, not renewed by
  activity. The token (``secrets.token_urlsafe``) goes to the browser; the store keeps only its
  sha256, so a copy of the workspace gives no session away. Disabling an account or changing its
  password ends its sessions.
* **Single sign-on**: the app lets Streamlit's ``st.login`` talk OIDC to the office's identity
  provider; :func:`map_claims` turns the ID token's claims into a role, scopes and projects after
  a :class:`ClaimMapping` read from ``.streamlit/secrets.toml`` (small claims only: Streamlit keeps
  them in a cookie, and cookies over 4 KB fail silently).

The clock is injectable (``clock`` returns seconds since the epoch), so tests can walk through a
lockout without waiting.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gridmap.vocab import LIST_SEP, Joined, Message
from gridmap.workspace.backend import Backend
from gridmap.workspace.errors import AccountLocked, AlreadyExists, LoginFailed, SessionExpired, WorkspaceError
from gridmap.workspace.model import (
    Account,
    AuditEvent,
    Principal,
    PrincipalKind,
    Role,
    SessionRecord,
    from_timestamp,
)

__all__ = ["AuthPolicy", "Authenticator", "Login", "ClaimMapping", "Grant", "hash_password", "verify_password",
           "needs_rehash", "map_claims", "token_hash", "check_password_rules", "DEFAULT_HASHER"]

#: argon2-cffi's defaults: argon2id, 64 MiB, 3 passes, 4 lanes (RFC 9106's second recommendation).
DEFAULT_HASHER = PasswordHasher()
_DUMMY_HASH = DEFAULT_HASHER.hash(secrets.token_hex(16))


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """The argon2id hash of a password (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``)."""
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the hash (False for no hash, a wrong password or a damaged hash).

    The hash carries its own parameters; with no hash a dummy one is checked, taking as long.
    """
    try:
        return DEFAULT_HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """Whether a hash was made with other parameters than ``hasher``'s (then it is redone at the next login)."""
    return hasher.check_needs_rehash(password_hash)


def token_hash(token: str) -> str:
    """The sha256 (hex) of a session token: what the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuthPolicy:
    """How logins and sessions behave.

    Attributes
    ----------
    max_failures : failed logins in a row that lock an account (5).
    lockout : how long a locked account stays locked (15 minutes).
    session_length : how long a session lasts from its login (8 hours).
    min_password_length : the shortest password accepted (8 characters).
    hasher : the argon2 hasher of new passwords (:data:`DEFAULT_HASHER`; tests pass a cheap one).
    """

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_length: timedelta = timedelta(hours=8)
    min_password_length: int = 8
    hasher: PasswordHasher = field(default=DEFAULT_HASHER, repr=False, compare=False)


def check_password_rules(password: str, policy: AuthPolicy = AuthPolicy()) -> None:
    """Refuse a password that is too short or blank (the message never repeats the password)."""
    if not isinstance(password, str) or len(password.strip()) < policy.min_password_length:
        raise WorkspaceError("err_ws_password_too_short", "password_too_short", minimum=policy.min_password_length)


@dataclass(frozen=True)
class Login:
    """A successful login: the session token (for the browser), who, and until when."""

    token: str = field(repr=False)
    principal: Principal
    expires: datetime


@dataclass(frozen=True)
class Grant:
    """What single sign-on claims grant: an account name, a role, scopes and projects."""

    name: str
    role: Role
    scopes: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimMapping:
    """How an identity provider's claims map to gridmap roles (the ``[gridmap.oidc]`` table of secrets.toml).

    Attributes
    ----------
    name_claims : claims tried in turn for the account name.
    role_claim : the claim holding groups or roles (a list or one text).
    roles : ``{claim value: role}``; the strongest matched role wins (admin > planner > viewer).
    scope_claim : the claim holding a planner's scope codes (list, or text separated by commas or spaces).
    project_claim : the claim holding the projects granted.
    default_projects : projects granted to everyone who signs on (besides the claim's).
    """

    name_claims: tuple[str, ...] = ("preferred_username", "email", "sub")
    role_claim: str = "groups"
    roles: Mapping[str, str] = field(default_factory=dict)
    scope_claim: str = "gridmap_scopes"
    project_claim: str = "gridmap_projects"
    default_projects: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ClaimMapping:
        """A mapping from a config table (e.g. ``st.secrets["gridmap"]["oidc"]``); unknown keys are refused."""
        known = {"name_claims", "name_claim", "role_claim", "roles", "scope_claim", "project_claim", "default_projects"}
        unknown = set(config) - known
        if unknown:
            raise WorkspaceError("err_ws_oidc_config", "oidc_config", keys=sorted(unknown),
                                 unknown=Joined(sorted(unknown), LIST_SEP), known=Joined(sorted(known), LIST_SEP))
        values: dict[str, Any] = {}
        if "name_claim" in config:
            values["name_claims"] = (str(config["name_claim"]),)
        if "name_claims" in config:
            values["name_claims"] = tuple(map(str, config["name_claims"]))
        for key in ("role_claim", "scope_claim", "project_claim"):
            if key in config:
                values[key] = str(config[key])
        if "roles" in config:
            roles = {str(k): str(v) for k, v in dict(config["roles"]).items()}
            bad = {k: v for k, v in roles.items() if v not in {r.value for r in Role}}
            if bad:
                raise WorkspaceError("err_ws_oidc_config_2", "oidc_config", roles=bad,
                                     value=Joined((f'{k} = {v!r}' for k, v in bad.items()), LIST_SEP))
            values["roles"] = roles
        if "default_projects" in config:
            values["default_projects"] = tuple(map(str, config["default_projects"]))
        return cls(**values)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


_STRENGTH = {Role.ADMIN: 3, Role.PLANNER: 2, Role.VIEWER: 1}


def map_claims(claims: Mapping[str, Any], mapping: ClaimMapping) -> Grant | None:
    """The grant of an identity token's claims, or None when they map to no role (the login is refused).

    Pure: the same claims and mapping always give the same grant. A planner needs at least one
    scope code; without one the claims grant nothing.
    """
    name = next((str(claims[c]) for c in mapping.name_claims if claims.get(c)), "")
    if not name:
        return None
    matched = [Role(mapping.roles[v]) for v in _as_list(claims.get(mapping.role_claim)) if v in mapping.roles]
    if not matched:
        return None
    role = max(matched, key=_STRENGTH.__getitem__)
    scopes = tuple(dict.fromkeys(_as_list(claims.get(mapping.scope_claim)))) if role == Role.PLANNER else ()
    if role == Role.PLANNER and not scopes:
        return None
    projects = tuple(dict.fromkeys([*mapping.default_projects, *_as_list(claims.get(mapping.project_claim))]))
    return Grant(name, role, scopes, projects if role != Role.ADMIN else ())


class Authenticator:
    """Logins, sessions and single sign-on over a workspace's accounts.

    Parameters
    ----------
    backend : where accounts and sessions are stored.
    policy : lockout and session rules.
    clock : seconds since the epoch (``time.time``; tests pass their own).
    """

    def __init__(self, backend: Backend, policy: AuthPolicy | None = None, clock: Callable[[], float] = time.time):
        self.backend = backend
        self.policy = policy or AuthPolicy()
        self.clock = clock

    def now(self) -> datetime:
        """The clock's time, aware UTC."""
        return from_timestamp(self.clock())

    def _start_session(self, account: Account, kind: PrincipalKind) -> Login:
        token = secrets.token_urlsafe(32)
        now = self.now()
        expires = now + self.policy.session_length
        self.backend.insert_session(SessionRecord(token_hash(token), account.name, now, expires, kind))
        return Login(token, account.principal(kind), expires)

    def login(self, name: str, password: str) -> Login:
        """Check a name and password; start a session.

        Raises
        ------
        AccountLocked : too many failed logins; says until when.
        LoginFailed : wrong name or password, or a disabled account (one message for all).
        """
        refused = LoginFailed("err_ws_login_failed", "login_failed")
        account = self.backend.get_account(name)
        if account is None:
            verify_password(None, password)  # the same time as for a real account
            raise refused
        now = self.now()
        if account.locked_until is not None and account.locked_until > now:
            self.backend.append_audit([AuditEvent(now, name, "login_refused_locked",
                                                  details={"locked_until": account.locked_until.isoformat()})])
            raise AccountLocked(Message("err_ws_account_locked_after_failed_logins", name=name,
                                        max_failures=self.policy.max_failures, locked_until=account.locked_until),
                                account.locked_until)
        good = not account.disabled and verify_password(account.password_hash, password)
        outcome: dict[str, Any] = {}

        def record(stored: Account) -> tuple[Account, list[AuditEvent]]:
            if good:
                changed = replace(stored, failed_logins=0, locked_until=None, updated=stored.updated)
                if stored.password_hash and needs_rehash(stored.password_hash, self.policy.hasher):
                    changed = replace(changed, password_hash=hash_password(password, self.policy.hasher))
                return changed, [AuditEvent(now, name, "login")]
            if stored.locked_until is not None and stored.locked_until > now:  # locked meanwhile
                outcome["locked"] = stored.locked_until
                return stored, [AuditEvent(now, name, "login_refused_locked")]
            failures = stored.failed_logins + 1
            if failures >= self.policy.max_failures:
                until = now + self.policy.lockout
                outcome["locked"] = until
                return (replace(stored, failed_logins=0, locked_until=until),
                        [AuditEvent(now, name, "account_locked", details={"failures": failures,
                                                                           "locked_until": until.isoformat()})])
            return (replace(stored, failed_logins=failures, locked_until=None),
                    [AuditEvent(now, name, "login_failed", details={"failures": failures,
                                                                     "disabled": stored.disabled})])

        stored = self.backend.modify_account(name, record)
        if good:
            return self._start_session(stored, PrincipalKind.ACCOUNT)
        if "locked" in outcome:
            until = outcome["locked"]
            raise AccountLocked(Message("err_ws_account_locked_after_failed_logins_2", name=name,
                                        max_failures=self.policy.max_failures, until=until), until)
        raise refused

    def validate(self, token: str | None) -> Principal:
        """The principal of a live session. Raises :class:`SessionExpired` (unknown, expired, disabled)."""
        if not token:
            raise SessionExpired("err_ws_not_logged_in", "not_logged_in")
        record = self.backend.get_session(token_hash(token))
        now = self.now()
        if record is None:
            raise SessionExpired("err_ws_session_unknown", "session_unknown")
        if record.expires <= now:
            self.backend.delete_sessions(token_hash=record.token_hash)
            raise SessionExpired("err_ws_session_expired",
                                 "session_expired", expires=record.expires)
        account = self.backend.get_account(record.name)
        if account is None or account.disabled:
            self.backend.delete_sessions(token_hash=record.token_hash)
            raise SessionExpired("err_ws_account_disabled", "account_disabled")
        return account.principal(record.kind)

    def expired(self, login_time: datetime) -> bool:
        """Whether a session started at ``login_time`` is over (for an app that keeps the login time itself)."""
        return login_time + self.policy.session_length <= self.now()

    def logout(self, token: str) -> None:
        """End a session (nothing happens for an unknown token)."""
        self.backend.delete_sessions(token_hash=token_hash(token))

    def purge_expired(self) -> int:
        """Delete expired sessions; return how many."""
        return self.backend.delete_sessions(expired_before=self.now())

    def login_sso(self, claims: Mapping[str, Any], mapping: ClaimMapping) -> Login:
        """Start a session for a user the identity provider authenticated (``st.user`` claims).

        The account named by the claims is created, or updated to the role, scopes and projects
        the claims grant now (the identity provider is the authority), with no password. A
        disabled account stays refused.

        Raises
        ------
        LoginFailed : the claims grant no role, or the account is disabled.
        """
        grant = map_claims(claims, mapping)
        if grant is None:
            raise LoginFailed("err_ws_sso_no_role", "sso_no_role")
        now = self.now()
        details = {"role": str(grant.role), "scopes": list(grant.scopes), "projects": list(grant.projects)}
        if self.backend.get_account(grant.name) is None:
            with contextlib.suppress(AlreadyExists):  # created meanwhile by a parallel login: updated below
                self.backend.insert_account(Account(grant.name, grant.role, grant.scopes, grant.projects,
                                                    created=now, updated=now, source="oidc"),
                                            [AuditEvent(now, grant.name, "sso_account_created", details=details)])

        def update(stored: Account) -> tuple[Account, list[AuditEvent]]:
            if stored.source != "oidc":  # a local account is never taken over by a name from outside
                outcome["local"] = True
                return stored, [AuditEvent(now, grant.name, "login_failed", details={"sso": True, "local": True})]
            if stored.disabled:
                return stored, [AuditEvent(now, grant.name, "login_failed", details={"sso": True, "disabled": True})]
            return (replace(stored, role=grant.role, scopes=grant.scopes, projects=grant.projects, updated=now),
                    [AuditEvent(now, grant.name, "login", details={"sso": True, **details})])

        outcome: dict[str, bool] = {}
        stored = self.backend.modify_account(grant.name, update)
        if outcome.get("local"):
            raise LoginFailed("err_ws_sso_local_account", "sso_local_account", name=grant.name)
        if stored.disabled:
            raise LoginFailed("err_ws_account_disabled", "login_failed")
        return self._start_session(stored, PrincipalKind.SSO)
