"""The workspace's records: who acts (accounts, principals, roles), what is kept (projects, plans,
revisions) and what is recorded (audit events, exports of personal lists).

These are plain frozen dataclasses shared by the storage backends (:mod:`gridmap.workspace.backend`)
and the rights-checking API (:mod:`gridmap.workspace.workspace`), so both implementations of the
store (GeoPackage folder, PostGIS) exchange the same values. Times are timezone-aware UTC
``datetime``; a stored time is ISO 8601 text (:func:`to_text`, :func:`from_text`), readable in QGIS
or any SQL client. A password hash is held only by :class:`Account`, is left out of its ``repr`` and
of :meth:`Account.public`, and never reaches a :class:`Principal`.

Roles (docs/design.md §7.1): ``admin`` (accounts, projects, imports), ``planner`` (edits and
personal lists inside a scope of 街道/社区 codes, in the projects granted), ``viewer`` (maps,
reports and counts of the projects granted; never lists of people). Two principals have no
account: the local *system* principal of the command line (whoever can open the workspace folder
administers it) and the *open* principal of a workspace with no accounts (demo, single user).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = ["Role", "PrincipalKind", "RevisionKind", "Account", "Principal", "Project", "PlanInfo", "Revision",
           "AuditEvent", "ExportRecord", "SessionRecord", "ResultsInfo", "utc_now", "to_text", "from_text",
           "from_timestamp"]


def from_timestamp(seconds: float) -> datetime:
    """Seconds since the epoch → an aware UTC datetime (what the injectable clocks return)."""
    return datetime.fromtimestamp(seconds, tz=UTC)


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(tz=UTC)


def to_text(moment: datetime | None) -> str | None:
    """An aware datetime → ISO 8601 UTC text with microseconds (sorts as text in time order)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    """ISO 8601 text (as written by :func:`to_text`) → an aware UTC datetime."""
    if text is None or text == "":
        return None
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Role(StrEnum):
    """What an account may do (docs/design.md §7.1)."""

    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"


class PrincipalKind(StrEnum):
    """How a principal came to act: a logged-in account, the local command line, an open workspace, SSO."""

    ACCOUNT = "account"
    SYSTEM = "system"
    OPEN = "open"
    SSO = "sso"


class RevisionKind(StrEnum):
    """How a plan revision came about.

    ``build`` — made by an analysis (``gridmap unify``) or created from a plan;
    ``save`` — a planner's save on the head it was opened at;
    ``merge`` — a save on an older revision merged with the saves since (different units);
    ``rescue`` — a refused save, kept whole beside the head (never the head itself);
    ``restore`` — an earlier revision made the head again;
    ``import`` — a plan brought in from a file.
    """

    BUILD = "build"
    SAVE = "save"
    MERGE = "merge"
    RESCUE = "rescue"
    RESTORE = "restore"
    IMPORT = "import"


@dataclass(frozen=True)
class Principal:
    """Who acts, as the rights checks see it: a name, a role, scope codes and granted projects.

    Attributes
    ----------
    name : the account name (or the OS user for the system principal).
    role : the role.
    scopes : 街道 (9-digit) or 社区 (12-digit) codes — or 区 (6-digit) codes, or ``area_id`` values —
        inside which a planner edits and sees personal data; ignored for admins.
    projects : project names a planner or viewer may open (an empty tuple: none); admins see all.
    kind : account, system, open or sso.
    """

    name: str
    role: Role
    scopes: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    kind: PrincipalKind = PrincipalKind.ACCOUNT

    @classmethod
    def system(cls, name: str | None = None) -> Principal:
        """The local command line's principal: an administrator named ``system:<OS user>``.

        Whoever can open the workspace folder (or holds the database credentials) can read and
        write it anyway; the system principal makes that explicit and still leaves an audit trail
        with the OS user's name. (Account names cannot hold ``:``, so it is never an account's.)
        """
        if name is None:
            try:
                name = getpass.getuser()
            except (KeyError, OSError):  # no passwd entry (containers)
                name = os.environ.get("USER") or "system"
        return cls(name=f"system:{name}", role=Role.ADMIN, kind=PrincipalKind.SYSTEM)

    @classmethod
    def open(cls) -> Principal:
        """Everyone, in a workspace that has no accounts yet (the demo, a single user): admin rights."""
        return cls(name="open", role=Role.ADMIN, kind=PrincipalKind.OPEN)

    @property
    def is_admin(self) -> bool:
        """True for admins, the system principal and the open principal."""
        return self.role == Role.ADMIN


@dataclass(frozen=True)
class Account:
    """An account stored in the workspace.

    Attributes
    ----------
    name : login name (unique).
    role : admin, planner or viewer.
    scopes, projects : see :class:`Principal`.
    disabled : a disabled account cannot log in, and its sessions end.
    password_hash : argon2id hash (:mod:`gridmap.workspace.auth`); None for an account that logs in
        only through single sign-on. Never printed.
    failed_logins : consecutive failed logins since the last success.
    locked_until : no login accepted before this time (after too many failures).
    created, updated : times of creation and last change.
    source : ``local`` (password) or ``oidc`` (single sign-on).
    """

    name: str
    role: Role
    scopes: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    disabled: bool = False
    password_hash: str | None = field(default=None, repr=False)
    failed_logins: int = 0
    locked_until: datetime | None = None
    created: datetime | None = None
    updated: datetime | None = None
    source: str = "local"

    def principal(self, kind: PrincipalKind = PrincipalKind.ACCOUNT) -> Principal:
        """The principal this account acts as."""
        return Principal(self.name, Role(self.role), tuple(self.scopes), tuple(self.projects), kind)

    def public(self) -> dict[str, Any]:
        """Everything but the password hash, as plain values (for listings)."""
        out = asdict(self)
        out.pop("password_hash")
        out["role"] = str(self.role)
        out["scopes"] = list(self.scopes)
        out["projects"] = list(self.projects)
        out["locked_until"] = to_text(self.locked_until)
        out["created"] = to_text(self.created)
        out["updated"] = to_text(self.updated)
        out["has_password"] = self.password_hash is not None
        return out


@dataclass(frozen=True)
class SessionRecord:
    """A login session as stored: the sha256 of its token (never the token), whose, when, until when."""

    token_hash: str
    name: str
    created: datetime
    expires: datetime
    kind: PrincipalKind = PrincipalKind.ACCOUNT


@dataclass(frozen=True)
class Project:
    """One 街道 or 区: its validated input layers, its OSM file, its plans.

    Attributes
    ----------
    name : the project's name (unique; any text, e.g. ``新街口街道``).
    title : a longer title for display.
    crs : the metric CRS its analyses use (``EPSG:…`` text), from its study area.
    codes : the 12-digit code prefixes of its communities (county 6 + street 3 + community 3).
    layers : the keys of its input layers (``study_area``, ``zones_<name>``, ``residents``, …).
    osm : file name of its OSM street file (``<sha256>.osm[.bz2]``), or None.
    inputs_version : how many times inputs were imported (0: none yet).
    created, created_by : when and by whom the project was created.
    """

    name: str
    title: str = ""
    crs: str | None = None
    codes: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    osm: str | None = None
    inputs_version: int = 0
    created: datetime | None = None
    created_by: str = ""


@dataclass(frozen=True)
class PlanInfo:
    """A plan of a project: its head revision and how many revisions it has.

    Attributes
    ----------
    project, name : where it is and what it is called (unique per project).
    plan_id : a stable identifier (the ``plan_id`` of :class:`gridmap.plans.plan.Plan`).
    head : the current revision number.
    last_revision : the highest revision number (a rescue revision may be above the head).
    n_units : the number of units (constant for a plan).
    created, created_by : when and by whom.
    """

    project: str
    name: str
    plan_id: str
    head: int
    last_revision: int
    n_units: int
    created: datetime | None = None
    created_by: str = ""


@dataclass(frozen=True)
class Revision:
    """One stored state of a plan.

    Attributes
    ----------
    project, plan : the plan.
    number : the revision number (1, 2, …; unique per plan).
    kind : build, save, merge, rescue, restore or import (:class:`RevisionKind`).
    author : the principal's name.
    time : when it was stored.
    base : the revision the author's plan was opened at (None for the first); for a restore, the
        revision restored.
    message : the author's note.
    summary : what changed from ``base`` (:func:`gridmap.workspace.changes.summarize`); a merge
        also names the revisions it merged with (``merged_with``).
    status : ``complete`` (every check passes) or ``work in progress``.
    """

    project: str
    plan: str
    number: int
    kind: RevisionKind
    author: str
    time: datetime
    base: int | None = None
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    status: str = ""


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit trail: who did what, when, where.

    ``action`` is a short verb (``save``, ``merge``, ``rescue``, ``restore``, ``build``, ``import``,
    ``create_project``, ``add_user``, ``set_password``, ``disable_user``, ``login``, ``login_failed``,
    ``export``, …); ``details`` holds what changed (never a password).
    """

    time: datetime
    user: str
    action: str
    project: str = ""
    plan: str = ""
    revision: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportRecord:
    """A personal list handed out: who, when, what (which list, how many rows, which columns)."""

    time: datetime
    user: str
    project: str
    what: str
    n_rows: int
    columns: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultsInfo:
    """The run results stored in a project (``gridmap run --workspace``): what, when, by whom.

    A project holds at most one set; a new run replaces it whole.

    Attributes
    ----------
    project : the project.
    written, written_by : when and by whom the results were stored.
    crs : the metric CRS of every geometry in the tables (``EPSG:…`` text or WKT).
    meta : the run's metadata, as ``run.json`` of an output folder (parameters, counts, timings).
    tables : ``{table: number of rows}`` of the stored tables.
    """

    project: str
    written: datetime
    written_by: str
    crs: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
