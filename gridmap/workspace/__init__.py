"""The shared workspace (floor: workspace, beside present and scale): projects, plans with every
revision, accounts and roles, the audit trail — in a folder of GeoPackages or in PostGIS.

One office keeps its data and plans in one place; people with different rights work on them
(docs/design.md §7.1). The modules, one concept each:

* :mod:`~gridmap.workspace.model` — the records (accounts, principals, projects, plans, revisions,
  audit events, export records);
* :mod:`~gridmap.workspace.backend` — the storage interface and what must be one transaction;
  :mod:`~gridmap.workspace.gpkg` — its GeoPackage-folder implementation;
* :mod:`~gridmap.workspace.workspace` — :class:`Workspace` and :class:`WorkspaceSession`: every
  operation checks rights (:mod:`~gridmap.workspace.rights`), writes its audit line, then stores;
* :mod:`~gridmap.workspace.auth` — passwords (argon2), logins with lockout, sessions, OIDC claims;
* :mod:`~gridmap.workspace.state`, :mod:`~gridmap.workspace.changes`,
  :mod:`~gridmap.workspace.merge` — a revision's state, what changed, the three-way merge;
* :mod:`~gridmap.workspace.connect` — open or create a workspace by location; the default
  workspace with the demo (:mod:`~gridmap.workspace.demo`).

This floor imports only from the floors below (plans, access, analysis, demo, io) and never from
streamlit: the app and the command line call it.
"""

from __future__ import annotations

from gridmap.workspace.auth import AuthPolicy, ClaimMapping, Grant, Login, map_claims
from gridmap.workspace.backend import Backend, NewRevision, RevisionData
from gridmap.workspace.connect import (
    backend_for,
    default_location,
    default_workspace,
    init_workspace,
    is_database_url,
    open_workspace,
)
from gridmap.workspace.errors import (
    AccountLocked,
    AlreadyExists,
    LoginFailed,
    NotFound,
    PermissionDenied,
    SaveConflict,
    SessionExpired,
    StaleHead,
    WorkspaceError,
    WorkspaceFormatError,
)
from gridmap.workspace.model import (
    Account,
    AuditEvent,
    ExportRecord,
    PlanInfo,
    Principal,
    PrincipalKind,
    Project,
    ResultsInfo,
    Revision,
    RevisionKind,
    Role,
)
from gridmap.workspace.workspace import SaveResult, Workspace, WorkspaceSession

__all__ = [
    "Workspace", "WorkspaceSession", "SaveResult", "Backend", "RevisionData", "NewRevision",
    "open_workspace", "init_workspace", "default_workspace", "default_location", "backend_for", "is_database_url",
    "AuthPolicy", "ClaimMapping", "Grant", "Login", "map_claims",
    "Account", "AuditEvent", "ExportRecord", "PlanInfo", "Principal", "PrincipalKind", "Project", "ResultsInfo",
    "Revision",
    "RevisionKind", "Role",
    "WorkspaceError", "PermissionDenied", "NotFound", "AlreadyExists", "SaveConflict", "StaleHead", "LoginFailed",
    "AccountLocked", "SessionExpired", "WorkspaceFormatError",
]
