"""The workspace API: every operation checks the principal's rights, stores an audit line, then calls the store.

The app and the command line use only :class:`WorkspaceSession` (from :meth:`Workspace.as_user`,
:meth:`Workspace.as_system`, :meth:`Workspace.open_session` or :meth:`Workspace.session_for`):
a viewer's edit is refused here, a planner's edit outside the scope is refused here, personal
columns are stripped here — so a forged request to the app meets the same checks as a click
(docs/design.md §7.1; the rules themselves are in :mod:`gridmap.workspace.rights`).

Saving a plan (:meth:`WorkspaceSession.save_plan`) is optimistic: the plan remembers the revision
it was opened at (``plan.revision``). When the head is still that revision, the save is committed
as the next revision by a compare-and-swap of the head. When others saved in between, the changes
are merged three-way (:mod:`gridmap.workspace.merge`): different units → a ``merge`` revision
holding both; the same units (or a grid locked or removed on one side and changed on the other)
→ refused with :class:`gridmap.workspace.errors.SaveConflict`, the planner's plan stored whole as
a ``rescue`` revision beside the head. Nothing is ever lost.

Each revision stores the steps of its save; opening a revision restores its undo history by
following ``history_parent`` links back (at most :data:`MAX_HISTORY_REVISIONS` revisions), so undo
reaches into earlier saves as it does for a plan file. A merged revision starts a new undo history:
a step records the whole grid registry around it, and undoing across another planner's save would
put their grids back the way they were before.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj

from gridmap.analysis.mosaic import LAYER_KEY
from gridmap.io.crs import metric_crs
from gridmap.io.validate import LayerError, validate_layer
from gridmap.people.layers import PEOPLE_LAYERS, check_people_layer
from gridmap.plans.micro import (
    changed_micro_grids,
    normalize_micro_grids,
    refresh_plan_micro_grids,
    same_micro_grids,
    touched_grids,
)
from gridmap.plans.plan import Plan, Step
from gridmap.plans.store import steps_from_table, steps_table
from gridmap.vocab import LIST_SEP, Joined, Message
from gridmap.workspace.auth import (
    Authenticator,
    AuthPolicy,
    Login,
    check_password_rules,
    hash_password,
    verify_password,
)
from gridmap.workspace.backend import Backend, NewRevision, RevisionData
from gridmap.workspace.changes import REASON_SEP, changed_units, reason_record, summarize
from gridmap.workspace.errors import (
    NotFound,
    PermissionDenied,
    SaveConflict,
    StaleHead,
    WorkspaceError,
)
from gridmap.workspace.merge import merge_states
from gridmap.workspace.model import (
    Account,
    AuditEvent,
    ExportRecord,
    PlanInfo,
    Principal,
    Project,
    ResultsInfo,
    Revision,
    RevisionKind,
    Role,
    from_timestamp,
)
from gridmap.workspace.rights import (
    MIN_FEATURES_FOR_GROUPS,
    aggregate_counts,
    area_prefixes,
    areas_of_rows,
    is_person_layer,
    may_edit_project,
    may_import,
    may_read_project,
    may_store_results,
    protect_layer,
    protect_micro_grids,
    protect_units,
    scope_of,
    sees_personal,
    valid_scope_code,
)
from gridmap.workspace.state import PlanState, common_steps

__all__ = ["Workspace", "WorkspaceSession", "SaveResult", "MAX_HISTORY_REVISIONS", "INPUT_KINDS"]

#: How many saves back the undo history of an opened revision reaches.
MAX_HISTORY_REVISIONS = 50
#: How often a save is merged again when the head keeps moving while it merges.
MAX_MERGE_ATTEMPTS = 5
#: The kind of validation each input key gets (``zones_<name>`` keys are zone layers; others: generic checks).
INPUT_KINDS = {"study_area": "study_area", "residents": "residents", "centers": "centers"}

_NAME = re.compile(r"^[^\s/\\:*?\"<>|\x00-\x1f][^/\\\x00-\x1f]{0,99}$")
_ACCOUNT = re.compile(r"^[^\s\x00-\x1f:/\\][^\s\x00-\x1f:/\\]{0,63}$")


def _check_name(name: str, what: Message) -> str:
    """A project or plan name: 1–100 characters, no slashes or control characters, not blank."""
    name = str(name).strip()
    if not _NAME.match(name):
        raise WorkspaceError("err_ws_bad_name", "bad_name", name=name, what=what)
    return name


def _check_account_name(name: str) -> str:
    name = str(name).strip()
    if not _ACCOUNT.match(name):
        raise WorkspaceError("err_ws_bad_account_name",
                             "bad_account_name", name=name)
    return name


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise WorkspaceError("err_ws_bad_role", "bad_role",
                             role=str(value), value=value) from None


def _input_kind(key: str) -> str | None:
    """The validation kind of an input key; refuses keys that are not words."""
    if not LAYER_KEY.match(key):
        raise WorkspaceError("err_ws_bad_layer_key",
                             "bad_layer_key", key=key)
    if key.startswith("zones_"):
        return "zones"
    return INPUT_KINDS.get(key)


def _status(plan: Plan) -> dict[str, str]:
    checks = plan.checks()
    failed = checks.loc[checks["status"] != "pass", "check"].tolist()
    return {"status": "work in progress" if failed else "complete", "failed_checks": ";".join(failed)}


def _micro(plan: Plan) -> gpd.GeoDataFrame | None:
    """A plan's 微网格 as stored (None: it has none)."""
    return None if plan.micro_grids is None else normalize_micro_grids(plan.micro_grids)


def _data(plan: Plan, state: PlanState, status: dict[str, str], steps: pd.DataFrame, grids: gpd.GeoDataFrame | None,
          history_parent: int | None = None, history_keep: int = 0) -> RevisionData:
    """What a revision of ``plan`` stores: assignment, settings and status, steps, grids, 微网格."""
    micro = _micro(plan)
    meta = {**state.meta(), **status, "micro_grids": None if micro is None else len(micro)}
    return RevisionData(plan.assignment(), meta, steps, grids, history_parent, history_keep, micro)


def _households(plan_units: pd.DataFrame) -> pd.Series:
    ids = plan_units["unit_id"].to_numpy()
    values = plan_units["households"].to_numpy() if "households" in plan_units else [0] * len(ids)
    return pd.Series(values, index=pd.Index(ids))


@dataclass(frozen=True)
class SaveResult:
    """What a save did.

    Attributes
    ----------
    revision : the revision stored (the head now).
    merged : True when the save was merged with revisions saved since the plan was opened.
    plan : the plan as stored — the caller's plan for a plain save (its ``revision`` updated), the
        merged plan for a merge (continue editing that one).
    unchanged : True when there was nothing to save (``revision`` is the one the plan was at).
    """

    revision: Revision
    merged: bool
    plan: Plan
    unchanged: bool = False


class Workspace:
    """A workspace: its store, its clock and its login rules. Hand out sessions; do nothing else.

    Parameters
    ----------
    backend : the store (:class:`gridmap.workspace.gpkg.GpkgBackend`, or PostGIS).
    clock : seconds since the epoch (``time.time``); tests pass their own.
    policy : lockout and session rules (:class:`gridmap.workspace.auth.AuthPolicy`).
    """

    def __init__(self, backend: Backend, *, clock: Callable[[], float] = time.time, policy: AuthPolicy | None = None):
        self.backend = backend
        self.clock = clock
        self.auth = Authenticator(backend, policy, clock)

    @property
    def location(self) -> str:
        """Where the workspace is (folder or database URL without password)."""
        return self.backend.location

    def now(self) -> datetime:
        """The workspace clock's time, aware UTC."""
        return from_timestamp(self.clock())

    def describe(self) -> dict[str, Any]:
        """Format, layout version, creation time, location and backend of the store."""
        return self.backend.check()

    def is_open(self) -> bool:
        """True when the workspace has no accounts: it runs open (everyone an admin), and the app says so."""
        return self.backend.count_accounts() == 0

    def as_user(self, principal: Principal) -> WorkspaceSession:
        """A session acting as ``principal`` (from a validated login, or the system principal)."""
        return WorkspaceSession(self, principal)

    def as_system(self, name: str | None = None) -> WorkspaceSession:
        """The command line's session: the local system principal (whoever can open the folder administers it)."""
        return WorkspaceSession(self, Principal.system(name))

    def open_session(self) -> WorkspaceSession:
        """The session of an open workspace (no accounts). Raises :class:`PermissionDenied` once accounts exist."""
        if not self.is_open():
            raise PermissionDenied("err_ws_login_required", "login_required")
        return WorkspaceSession(self, Principal.open())

    def login(self, name: str, password: str) -> Login:
        """Log in with a name and password (:meth:`gridmap.workspace.auth.Authenticator.login`)."""
        return self.auth.login(name, password)

    def session_for(self, token: str | None) -> WorkspaceSession:
        """The session of a login token; raises :class:`gridmap.workspace.errors.SessionExpired`."""
        return WorkspaceSession(self, self.auth.validate(token))


class WorkspaceSession:
    """What one principal may do in a workspace; every method checks rights first.

    Raises :class:`PermissionDenied` for what the principal may not do, :class:`NotFound` for a
    project or plan that does not exist *or is not visible to the principal* (so names of other
    projects are not given away).
    """

    def __init__(self, workspace: Workspace, principal: Principal):
        self.workspace = workspace
        self.backend = workspace.backend
        self.principal = principal
        self._states: OrderedDict[tuple[str, str, int], PlanState] = OrderedDict()
        self._states_lock = threading.Lock()

    # ------------------------------------------------------------------ helpers

    def _event(self, action: str, project: str = "", plan: str = "", revision: int | None = None,
               **details: Any) -> AuditEvent:
        return AuditEvent(self.workspace.now(), self.principal.name, action, project, plan, revision, details)

    def _audit(self, action: str, project: str, plan: str, **details: Any) -> Callable[[int], list[AuditEvent]]:
        """The audit line of a revision not numbered yet (the store calls it with the number it assigns)."""
        return lambda number: [self._event(action, project, plan, number, **details)]

    def _require_admin(self, what: Message) -> None:
        if self.principal.role != Role.ADMIN:
            raise PermissionDenied("err_ws_admin_only", "admin_only", what=what)

    def _visible(self, project: str) -> Project:
        stored = self.backend.get_project(project)
        if stored is None or not may_read_project(self.principal, project):
            raise NotFound("err_ws_no_project_visible", "no_project", project=project,
                           among="" if self.principal.is_admin else Message("err_ws_among_yours"))
        return stored

    def _require_edit(self, project: str) -> Project:
        stored = self._visible(project)
        if not may_edit_project(self.principal, project):
            raise PermissionDenied("err_ws_edit_denied", "edit_denied", project=project, name=self.principal.name,
                                   role=self.principal.role)
        return stored

    # ------------------------------------------------------------------ projects

    def projects(self) -> list[Project]:
        """The projects this principal may open."""
        return [p for p in self.backend.list_projects() if may_read_project(self.principal, p.name)]

    def project(self, name: str) -> Project:
        """One project (NotFound when it does not exist or is not granted)."""
        return self._visible(name)

    def create_project(self, name: str, title: str = "") -> Project:
        """A new, empty project (admins only)."""
        self._require_admin(Message("err_ws_do_create_projects"))
        name = _check_name(name, Message("err_ws_what_project"))
        project = Project(name=name, title=title or name, created=self.workspace.now(), created_by=self.principal.name)
        self.backend.insert_project(project, [self._event("create_project", name, title=project.title)])
        stored = self.backend.get_project(name)
        assert stored is not None
        return stored

    def import_inputs(self, project: str, layers: Mapping[str, gpd.GeoDataFrame], osm: str | Path | None = None, *,
                      title: str | None = None, reports: Sequence[Any] = ()) -> Project:
        """Store a project's input layers (the whole set), validated as every command validates.

        Parameters
        ----------
        project : the project; created when it does not exist (admins only).
        layers : ``{key: layer}`` with keys ``study_area`` (required), ``zones_<name>`` (one or
            more), ``residents``, ``centers`` and others (``helpers``, ``staff``, ``districts``…).
        osm : the OSM street file (``.osm`` / ``.osm.bz2``), optional.
        title : the project's title (kept when None).
        reports : validation reports of the loaders that read the layers, kept in the audit line.

        Raises
        ------
        PermissionDenied : a viewer, a planner importing into a project not granted, a non-admin
            creating a project.
        gridmap.io.validate.LayerError : a layer that fails validation (the message names it).
        """
        project = _check_name(project, Message("err_ws_what_project"))
        existing = self.backend.get_project(project)
        if not may_import(self.principal, project, existing is not None):
            raise PermissionDenied("err_ws_import_denied", "import_denied", project=project, name=self.principal.name,
                                   role=self.principal.role,
                                   only_admin="" if existing else Message("err_ws_only_admin_creates"))
        if "study_area" not in layers:
            raise WorkspaceError("err_ws_no_study_area",
                                 "no_study_area", project=project)
        if not any(k.startswith("zones_") for k in layers):
            raise WorkspaceError("err_ws_no_zones",
                                 "no_zones", project=project)
        checked: dict[str, gpd.GeoDataFrame] = {}
        for key, gdf in layers.items():
            kind = _input_kind(key)
            fixed, report = validate_layer(gdf, kind, source=str(gdf.attrs.get("source", f"{project}:{key}")),
                                           layer=key)
            report.raise_for_errors()
            checked[key] = fixed
        osm_path = Path(osm) if osm is not None else None
        if osm_path is not None and not osm_path.is_file():
            raise WorkspaceError("err_ws_no_osm", "no_osm", path=str(osm_path), osm_path=osm_path)
        area = checked["study_area"]
        now = self.workspace.now()
        if existing is None:
            self.backend.insert_project(Project(name=project, title=title or project, created=now,
                                                created_by=self.principal.name),
                                        [self._event("create_project", project, title=title or project)])
            existing = self.backend.get_project(project)
            assert existing is not None
        record = replace(existing, title=title if title is not None else existing.title,
                         crs=metric_crs(area).to_string(), codes=tuple(sorted(set(area_prefixes(area).values()))))
        details: dict[str, Any] = {"layers": {k: int(len(v)) for k, v in checked.items()},
                                   "osm": osm_path.name if osm_path is not None else None,
                                   "problems": sum(len(getattr(r, "problems", ())) for r in reports)}
        return self.backend.replace_inputs(record, checked, osm_path,
                                           [self._event("import", project, version=existing.inputs_version + 1,
                                                        **details)])

    def store_layers(self, project: str, analysis: str, layers: Mapping[str, gpd.GeoDataFrame], *,
                     plan: str = "", revision: int | None = None, message: str = "") -> Project:
        """Keep an analysis' results with the project's layers, so the app can show them (admins and planners).

        The layers join the project's inputs under their keys (replacing layers of those keys,
        e.g. the results of the previous run); readers get them through :meth:`layer` with the
        same protection as inputs — a key naming people (``staff_…``, ``members_…``) loses its
        personal columns for viewers and outside a planner's scope. The input layers proper are
        refused as keys, so results never replace what analyses read.

        Parameters
        ----------
        project : the project.
        analysis : what made them (``staffing``…), for the audit trail.
        layers : ``{key: layer}``, GeoDataFrames with a CRS; keys are words starting with the
            analysis name or naming people (``staffing_grids``, ``staff_assignments``…).
        plan, revision : the plan revision they were computed on (audit trail).
        message : a note for the audit trail.
        """
        record = self._require_edit(project)
        for key, gdf in layers.items():
            kind = _input_kind(key)  # refuses keys that are not words
            if kind is not None or key in ("study_area",):
                raise WorkspaceError("err_ws_result_is_input", "result_is_input", key=key, analysis=analysis)
            if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
                raise WorkspaceError("err_ws_result_no_crs", "result_no_crs",
                                     key=key)
        current = {k: self.backend.read_layer(project, k) for k in record.layers if k not in layers}
        osm = self.backend.osm_path(project)
        details = {"analysis": analysis, "message": message, "layers": {k: int(len(v)) for k, v in layers.items()}}
        return self.backend.replace_inputs(record, {**current, **layers}, osm,
                                           [self._event("results", project, plan, revision, **details)])

    def import_people(self, project: str, layers: Mapping[str, gpd.GeoDataFrame], *,
                      reports: Sequence[Any] = ()) -> Project:
        """Add or replace a project's layers of people (staff, members, units, helpers); the others are kept.

        Each layer is checked as every command checks its input
        (:func:`gridmap.io.validate.validate_layer`: geometry, CRS) and as the command that reads it checks it
        (:func:`gridmap.people.layers.check_people_layer`; kept grid codes of ``staff`` against the
        project's plans, when it has any). They are layers of people: read back through
        :meth:`layer` / :meth:`inputs`, only admins and planners in scope get their names and phones.

        Parameters
        ----------
        project : an existing project with inputs (import its inputs first).
        layers : ``{key: layer}``, keys among :data:`gridmap.people.layers.PEOPLE_LAYERS`.
        reports : validation reports of the loaders that read them, counted in the audit line.

        Raises
        ------
        PermissionDenied : as :meth:`import_inputs` (a viewer; a planner not granted the project).
        WorkspaceError : no such project, or one without inputs.
        gridmap.io.validate.LayerError : a key that is not a layer of people, a layer that fails its checks.
        """
        project = _check_name(project, Message("err_ws_what_project"))
        existing = self.backend.get_project(project)
        if existing is None or "study_area" not in existing.layers:
            raise WorkspaceError("err_ws_people_no_inputs", "people_no_inputs", project=project)
        if not may_import(self.principal, project, True):
            raise PermissionDenied("err_ws_people_denied", "import_denied", who=self.principal.name,
                                   role=str(self.principal.role), project=project)
        codes = {c for info in self.backend.list_plans(project)
                 for c in self._state(project, info.name, info.head).registry} or None
        checked: dict[str, gpd.GeoDataFrame] = {}
        for key, gdf in layers.items():
            if key not in PEOPLE_LAYERS:
                raise LayerError("err_people_layer_key", key=key, keys=", ".join(PEOPLE_LAYERS))
            fixed, report = validate_layer(gdf, None, source=str(gdf.attrs.get("source", f"{project}:{key}")),
                                           layer=key)
            report.raise_for_errors()
            fixed.attrs["source"] = gdf.attrs.get("source", f"{project}:{key}")
            check_people_layer(key, fixed, sorted(codes) if codes else None)
            checked[key] = fixed
        current = {k: self.backend.read_layer(project, k) for k in existing.layers if k not in checked}
        osm = self.backend.osm_path(project)
        details: dict[str, Any] = {"layers": {k: int(len(v)) for k, v in checked.items()},
                                   "problems": sum(len(getattr(r, "problems", ())) for r in reports)}
        return self.backend.replace_inputs(existing, {**current, **checked}, osm,
                                           [self._event("import_people", project, **details)])

    def layer_keys(self, project: str) -> tuple[str, ...]:
        """The keys of a project's input layers."""
        return self._visible(project).layers

    def layer(self, project: str, key: str) -> gpd.GeoDataFrame:
        """One input layer, as this principal may see it (personal columns of people protected)."""
        self._visible(project)
        frame = self.backend.read_layer(project, key)
        area = self.backend.read_layer(project, "study_area") if self.principal.role == Role.PLANNER else None
        return protect_layer(frame, key, self.principal, area)

    def inputs(self, project: str) -> dict[str, gpd.GeoDataFrame]:
        """Every input layer of a project, ``{key: layer}``, as this principal may see them."""
        stored = self._visible(project)
        frames = {k: self.backend.read_layer(project, k) for k in stored.layers}
        area = frames.get("study_area")
        return {k: protect_layer(v, k, self.principal, area) for k, v in frames.items()}

    def osm_path(self, project: str) -> Path | None:
        """A local path of the project's OSM street file, or None."""
        self._visible(project)
        return self.backend.osm_path(project)

    def counts(self, project: str, areas: gpd.GeoDataFrame, id_column: str, layer: str = "residents") -> pd.DataFrame:
        """Counts of people per area (grids, communities, hexagons): households, population, special groups.

        Everyone who may open the project gets them; special-group sums of areas holding fewer than
        :data:`gridmap.workspace.rights.MIN_FEATURES_FOR_GROUPS` features are left empty for
        everyone but admins (:func:`gridmap.workspace.rights.aggregate_counts`).
        """
        self._visible(project)
        people = self.backend.read_layer(project, layer)
        minimum = 0 if self.principal.role == Role.ADMIN else MIN_FEATURES_FOR_GROUPS
        return aggregate_counts(people, areas, id_column, minimum)

    def personal_rows(self, project: str, table: pd.DataFrame) -> pd.DataFrame:
        """The rows of a personal list (上门服务名单, pairs, a residents table) this principal may see.

        Admins see every row; planners the rows inside their scope (located by geometry, lon/lat or
        ``area_id``); viewers none (:class:`PermissionDenied`).
        """
        self._visible(project)
        if not sees_personal(self.principal):
            raise PermissionDenied("err_ws_personal_denied",
                                   "personal_denied", project=project)
        if self.principal.role == Role.ADMIN:
            return table
        area = self.backend.read_layer(project, "study_area")
        if not (isinstance(table, gpd.GeoDataFrame) or {"lon", "lat"} <= set(table.columns)
                or "area_id" in table.columns):
            raise WorkspaceError("err_ws_personal_unlocated", "personal_unlocated", project=project)
        inside = scope_of(self.principal).area_mask(areas_of_rows(table, area), area_prefixes(area))
        return table[inside]

    def export_personal(self, project: str, what: str, table: pd.DataFrame,
                        details: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Hand out a personal list: the rows this principal may see, with an export record (who, when, what).

        ``what`` names the list (``home_visits``, ``pairs``, ``residents``…); ``details`` may say
        more (file format, filters) but never holds the rows themselves.
        """
        rows = self.personal_rows(project, table)
        now = self.workspace.now()
        extra = dict(details or {})
        record = ExportRecord(now, self.principal.name, project, what, int(len(rows)),
                              tuple(str(c) for c in rows.columns if c != "geometry"), extra)
        self.backend.insert_export(record, [self._event("export", project, what=what, n_rows=int(len(rows)), **extra)])
        return rows

    def exports(self, project: str | None = None) -> list[ExportRecord]:
        """Records of personal lists handed out (admins only)."""
        self._require_admin(Message("err_ws_do_read_exports"))
        return self.backend.list_exports(project=project)

    # ------------------------------------------------------------------ run results

    def store_results(self, project: str, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any], *,
                      progress: Callable[[str], None] | None = None) -> ResultsInfo:
        """Store a run's results in a project, replacing its previous results whole (``gridmap run --workspace``).

        Parameters
        ----------
        project : the project (it must exist).
        tables : ``{name: table}`` (names are words); GeoDataFrames are stored in the project's
            metric CRS (reprojected when in another), DataFrames as attribute tables. A table
            ``study_area`` names the communities the results cover.
        meta : the run's metadata (as ``run.json``), JSON-able.
        progress : passed to the store (tests kill a store half-way with it).

        Raises
        ------
        PermissionDenied : anyone but an admin or a planner granted the project whose scope
            covers all its communities (those of the results and of the project's study area).
        """
        stored = self._visible(project)
        for name in tables:
            if not LAYER_KEY.match(str(name)):
                raise WorkspaceError("err_ws_bad_results_table",
                                     "bad_results_table", table=str(name), name=name)
        areas = [t for t in (tables.get("study_area"),
                             self.backend.read_layer(project, "study_area") if "study_area" in stored.layers else None)
                 if t is not None and "area_id" in t.columns]
        ids = [a for t in areas for a in t["area_id"].astype(str)]
        prefixes = {k: v for t in areas for k, v in area_prefixes(t).items()}
        if not may_store_results(self.principal, project, ids, prefixes):
            raise PermissionDenied("err_ws_results_denied", "results_denied", project=project,
                                   name=self.principal.name, role=self.principal.role)
        geo = [t for t in tables.values() if isinstance(t, gpd.GeoDataFrame)]
        if any(t.crs is None for t in geo):
            raise WorkspaceError("err_ws_no_crs_3", "no_crs",
                                 project=project)
        crs = pyproj.CRS.from_user_input(stored.crs) if stored.crs else (geo[0].crs if geo else None)
        if crs is not None and not crs.is_projected:
            crs = metric_crs(geo[0])
        same = {name: t.to_crs(crs) if isinstance(t, gpd.GeoDataFrame) and not t.crs.equals(crs) else t
                for name, t in tables.items()}
        auth = crs.to_authority(min_confidence=100) if crs is not None else None
        crs_text = None if crs is None else (f"{auth[0]}:{auth[1]}" if auth else crs.to_wkt())
        counts = {name: int(len(t)) for name, t in same.items()}
        info = ResultsInfo(project, self.workspace.now(), self.principal.name, crs_text, dict(meta))
        event = self._event("store_results", project, tables=counts, crs=crs_text,
                            **{k: meta[k] for k in ("scheduler", "seconds", "counts") if k in meta})
        return self.backend.replace_results(info, same, [event], progress)

    def results_list(self) -> list[ResultsInfo]:
        """The records of the run results stored in the projects this principal may open (viewers included)."""
        return [r for r in self.backend.list_results() if may_read_project(self.principal, r.project)]

    def results(self, project: str, tables: Sequence[str] | None = None
                ) -> tuple[ResultsInfo, dict[str, pd.DataFrame]]:
        """A project's run results (the record and the tables named, all when None), read from one stored set.

        Everyone who may open the project reads them: they are figures per area, grids, gaps and
        buildings, no lists of people (a table of people would come back protected as any layer;
        a viewer's tables carry no special-group counts, as a viewer's plan units).
        Raises :class:`NotFound` when the project has no results.
        """
        self._visible(project)
        info, frames = self.backend.read_results(project, tables)
        area = frames.get("study_area")
        if area is None and self.principal.role == Role.PLANNER and any(is_person_layer(k) for k in frames):
            area = self.backend.read_results(project, ["study_area"])[1]["study_area"]
        # people's columns as on any layer; a viewer gets no special-group counts (a gap may be one building)
        return info, {k: protect_units(protect_layer(v, k, self.principal, area), self.principal)
                      for k, v in frames.items()}

    # ------------------------------------------------------------------ plans: reading

    def plans(self, project: str) -> list[PlanInfo]:
        """The plans of a project."""
        self._visible(project)
        return self.backend.list_plans(project)

    def plan_info(self, project: str, name: str) -> PlanInfo:
        """One plan's registration (head, number of revisions)."""
        self._visible(project)
        info = self.backend.get_plan(project, name)
        if info is None:
            raise NotFound("err_ws_no_plan_2", "no_plan", project=project, plan=name, name=name)
        return info

    def revisions(self, project: str, name: str) -> list[Revision]:
        """Every revision of a plan, oldest first (rescue revisions included, never the head)."""
        self.plan_info(project, name)
        return self.backend.list_revisions(project, name)

    def revision(self, project: str, name: str, number: int) -> Revision:
        """One revision's metadata."""
        self.plan_info(project, name)
        return self.backend.get_revision(project, name, number)

    def _state(self, project: str, name: str, number: int) -> PlanState:
        """A revision's state; the last few are kept (a revision never changes), safely across threads."""
        key = (project, name, int(number))
        with self._states_lock:
            state = self._states.get(key)
            if state is not None:
                self._states.move_to_end(key)
                return state
        data = self.backend.read_revision(project, name, number)
        state = PlanState.from_stored(data.assignment, data.meta)
        with self._states_lock:
            self._states[key] = state
            while len(self._states) > 8:
                self._states.popitem(last=False)
        return state

    def _history(self, project: str, name: str, number: int, plan: Plan, first: RevisionData | None = None
                 ) -> list[Step]:
        """The undo history of a revision: its steps after the kept steps of its history parents."""
        chain = []
        data = first or self.backend.read_revision(project, name, number, assignment=False)
        while True:
            chain.append(data)
            if data.history_parent is None or len(chain) >= MAX_HISTORY_REVISIONS:
                break
            data = self.backend.read_revision(project, name, data.history_parent, assignment=False)
        steps: list[Step] = []
        for data in reversed(chain):
            steps = steps[: data.history_keep] + steps_from_table(plan, data.steps)
        return steps

    def plan_at(self, project: str, name: str, number: int | None = None, *, history: bool = True) -> Plan:
        """The plan at a revision (the head when None), ready to edit; ``plan.revision`` is that revision.

        A viewer's plan has no special-group counts on its units (:func:`gridmap.workspace.rights.protect_units`).

        Saving it later (:meth:`save_plan`) merges with whatever was saved since. ``history``:
        restore the undo history (reaching back into earlier saves).
        """
        info = self.plan_info(project, name)
        number = info.head if number is None else int(number)
        data = self.backend.read_revision(project, name, number, micro=True)
        state = PlanState.from_stored(data.assignment, data.meta)
        units = protect_units(self.backend.read_units(project, name), self.principal)
        plan = state.to_plan(units, revision=number, plan_id=info.plan_id, name=name,
                             micro_grids=protect_micro_grids(data.micro_grids, self.principal))
        if plan.micro_grids is not None:  # edits keep the 微网格 current from the project's residents
            plan.attach_residents(lambda: self._residents(project))
        if history:
            plan.history = self._history(project, name, number, plan, data)
        return plan

    def open_plan(self, project: str, name: str) -> Plan:
        """The plan at its head, ready to edit (see :meth:`plan_at`)."""
        return self.plan_at(project, name)

    def grids_at(self, project: str, name: str, number: int | None = None) -> gpd.GeoDataFrame:
        """The grids stored with a revision (dissolved polygons and statistics, in the plan's CRS)."""
        info = self.plan_info(project, name)
        return self.backend.read_revision(project, name, info.head if number is None else number, grids=True).grids

    def outside_scope(self, plan: Plan) -> frozenset[str]:
        """Grid codes of a plan this principal may not change (every grid for a viewer, none for an admin)."""
        if self.principal.role == Role.ADMIN:
            return frozenset()
        scope = scope_of(self.principal)
        return frozenset(code for code, area in plan.registry.items()
                         if not scope.contains(area, plan.prefixes.get(area, code[:12])))

    # ------------------------------------------------------------------ plans: rights of an edit

    def _check_scope(self, project: str, name: str, areas: pd.Series, base: PlanState, mine: PlanState) -> None:
        """Refuse changes outside the principal's scope, naming the units and grids."""
        scope = scope_of(self.principal)
        if scope.everything:
            return
        prefixes = {**base.prefixes, **mine.prefixes}
        changed = changed_units(base, mine)
        unit_areas = areas.reindex(changed).astype(str).to_numpy()
        bad_units = changed[~scope.area_mask(unit_areas, prefixes)].tolist() if len(changed) else []
        before = base.codes.reindex(changed).to_numpy(dtype=object)
        after = mine.codes.reindex(changed).fillna("").to_numpy(dtype=object)
        grids = (set(before) | set(after) | (set(base.registry) ^ set(mine.registry)) | (base.locked ^ mine.locked))
        grids -= {""}
        registry = {**base.registry, **mine.registry}
        bad_grids = sorted(g for g in grids if not scope.contains(registry.get(g, ""),
                                                                  prefixes.get(registry.get(g, ""), g[:12])))
        band = (base.min_households, base.max_households) != (mine.min_households, mine.max_households)
        if bad_units or bad_grids or band:
            parts: list[Message] = []
            if bad_units:
                parts.append(Message("err_ws_part_units", n=len(bad_units), more=" …" if len(bad_units) > 10 else "",
                                     units=Joined(map(str, bad_units[:10]), LIST_SEP)))
            if bad_grids:
                parts.append(Message("err_ws_part_grids", grids=Joined(bad_grids[:10], LIST_SEP),
                                     more=" …" if len(bad_grids) > 10 else ""))
            if band:
                parts.append(Message("err_ws_part_band"))
            where = (Message("err_ws_scope_all") if scope.everything
                     else Joined(scope.codes, LIST_SEP) if scope.codes else Message("err_ws_scope_none"))
            raise PermissionDenied("err_ws_edit_outside_scope",
                                   "edit_outside_scope", project=project, plan=name, units=bad_units[:100],
                                   grids=bad_grids[:100], band=band, name=self.principal.name, value=where,
                                   parts=Joined(parts, {"zh": "；", "en": "; "}))

    def check_edits(self, project: str, name: str, plan: Plan) -> None:
        """Refuse a plan whose changes since its revision go outside the principal's rights.

        The app calls it after every edit (and undoes a refused one); :meth:`save_plan` calls it too.
        Raises :class:`PermissionDenied` naming the units and grids.
        """
        self._require_edit(project)
        base = self._state(project, name, plan.revision)
        self._check_scope(project, name, plan.units.set_index("unit_id")["area_id"].astype(str), base,
                          PlanState.from_plan(plan))
        self._check_micro_scope(project, name, plan)

    def _check_micro_scope(self, project: str, name: str, plan: Plan) -> set[str]:
        """The base grids whose 微网格 the plan changed since its revision; refused outside the scope.

        Raises :class:`PermissionDenied` naming the grids when a 微网格 edit (楼栋长, buildings moved)
        or a rebuild touches a grid outside the principal's scope.
        """
        base_micro = self.backend.read_revision(project, name, int(plan.revision), assignment=False,
                                                micro=True).micro_grids
        edited = changed_micro_grids(base_micro, _micro(plan))
        outside = sorted(edited & self.outside_scope(plan))
        if outside:
            raise PermissionDenied("err_micro_outside_scope", "micro_outside_scope", project=project, plan=name,
                                   grids=", ".join(outside[:10]))
        return edited

    # ------------------------------------------------------------------ plans: writing

    def create_plan(self, project: str, name: str, plan: Plan, *, message: str = "",
                    kind: RevisionKind = RevisionKind.BUILD) -> Revision:
        """Store a new plan (its units and revision 1); admins and planners of the project.

        A new plan changes nobody's plan, so a planner may store one covering every community (a
        proposal); editing it later is limited to the scope. Sets ``plan.revision`` to 1.
        """
        self._require_edit(project)
        name = _check_name(name, Message("err_ws_what_plan"))
        if self.backend.get_plan(project, name) is not None:
            raise WorkspaceError("err_ws_plan_exists_2", "plan_exists", project=project, plan=name, name=name)
        state = PlanState.from_plan(plan)
        status = _status(plan)
        steps = steps_table(plan)
        summary = summarize(None, state, _households(plan.units), steps)
        data = _data(plan, state, status, steps, plan.grids())
        entry = NewRevision(RevisionKind(kind), self.principal.name, self.workspace.now(), None, message, summary,
                            status["status"])
        rev = self.backend.create_plan(project, name, plan.plan_id, plan.units, data, entry,
                                       [self._event("create_plan", project, name, None, kind=str(kind),
                                                    message=message, summary=summary)])
        plan.revision, plan.name, plan.dirty = rev.number, name, False
        return rev

    def save_plan(self, project: str, name: str, plan: Plan, *, message: str = "",
                  kind: RevisionKind = RevisionKind.SAVE, progress: Callable[[str], None] | None = None) -> SaveResult:
        """Save a plan opened from this workspace as a new revision (see the module docstring).

        Parameters
        ----------
        project, name : the plan's project and name.
        plan : the edited plan; ``plan.revision`` is the revision it was opened at.
        message : the author's note for the history.
        kind : ``save`` (a planner's edits), ``build`` (an analysis rebuilt it), ``import``.
        progress : called between the parts of the write.

        Returns
        -------
        SaveResult

        Raises
        ------
        PermissionDenied : a viewer; a planner's change outside the scope (nothing is stored).
        SaveConflict : the same units (or grids) changed since; the plan is kept as ``.rescue``.
        """
        self._require_edit(project)
        info = self.plan_info(project, name)
        base_no = int(plan.revision)
        if not 1 <= base_no <= info.last_revision:
            raise WorkspaceError("err_ws_not_from_plan", "not_from_plan", project=project, plan=name, name=name,
                                 base_no=base_no)
        base = self._state(project, name, base_no)
        mine = PlanState.from_plan(plan)
        if len(mine.codes) != len(base.codes) or not mine.codes.index.isin(base.codes.index).all():
            raise WorkspaceError("err_ws_other_units",
                                 "other_units", project=project, plan=name, name=name)
        self._check_scope(project, name, plan.units.set_index("unit_id")["area_id"].astype(str), base, mine)
        kind = RevisionKind(kind)
        base_micro = self.backend.read_revision(project, name, base_no, assignment=False, micro=True).micro_grids
        micro_edited = self._check_micro_scope(project, name, plan)  # 微网格 edits outside the scope: refused
        touched = touched_grids(base.codes, mine.codes) | (set(base.exclusive) ^ set(mine.exclusive))
        micro_note = self._refresh_micro(project, plan, touched)
        if mine.same_as(base) and same_micro_grids(_micro(plan), base_micro):  # nothing to save: hand back the head
            if info.head == base_no:
                return SaveResult(self.backend.get_revision(project, name, base_no), False, plan, unchanged=True)
            return SaveResult(self.backend.get_revision(project, name, info.head), False,
                              self.plan_at(project, name, info.head), unchanged=True)
        keep = common_steps(self._history(project, name, base_no, plan), plan.history)
        steps = steps_table(plan, keep)
        households = _households(plan.units)
        status = _status(plan)
        grids = plan.grids()
        with self.backend.plan_lock(project, name):  # saves of this plan queue here
            key = None
            head = self.plan_info(project, name).head
            if head == base_no:
                summary = {**summarize(base, mine, households, steps), **micro_note}
                key = self.backend.write_revision_data(
                    project, name, _data(plan, mine, status, steps, grids, base_no, keep), progress)
                entry = NewRevision(kind, self.principal.name, self.workspace.now(), base_no, message, summary,
                                    status["status"], base_no, keep)
                try:
                    rev = self.backend.commit_revision(
                        project, name, key, entry, expected_head=base_no,
                        audit=self._audit(str(kind), project, name, base=base_no, message=message, summary=summary))
                except StaleHead as exc:  # a save from outside the lock (another kind of store client)
                    head = exc.head
                else:
                    plan.revision, plan.name, plan.plan_id, plan.dirty = rev.number, name, info.plan_id, False
                    return SaveResult(rev, False, plan)
            return self._merge_save(project, name, plan, info, base_no, base, mine, head, steps, keep, key,
                                    message, progress, micro_note, micro_edited)

    def _merge_save(self, project: str, name: str, plan: Plan, info: PlanInfo, base_no: int, base: PlanState,
                    mine: PlanState, head: int, steps: pd.DataFrame, keep: int, key: str | None, message: str,
                    progress: Callable[[str], None] | None, micro_note: dict[str, Any],
                    micro_edited: frozenset[str] | set[str] = frozenset()) -> SaveResult:
        """Merge a save on an old revision with the head; store a merge revision, or a rescue one and refuse.

        The merged 微网格: theirs for the grids mine did not touch, mine for the grids mine touched,
        made anew for grids both touched (or renumbered, or left without any) from the residents.
        """
        households = _households(plan.units)
        for _ in range(MAX_MERGE_ATTEMPTS):
            theirs = self._state(project, name, head)
            result = merge_states(base, mine, theirs)
            if not result.ok:
                status = _status(plan)
                summary = {**summarize(base, mine, households, steps), **micro_note}
                conflict = {"head": head, "units": list(map(str, result.conflict_units[:200])),
                            "n_units": len(result.conflict_units), "grids": list(result.conflict_grids),
                            "reasons": [reason_record(r) for r in result.reasons]}
                summary["conflict"] = conflict
                if key is None:
                    key = self.backend.write_revision_data(
                        project, name, _data(plan, mine, status, steps, plan.grids(), base_no, keep), progress)
                entry = NewRevision(RevisionKind.RESCUE, self.principal.name, self.workspace.now(), base_no, message,
                                    summary, status["status"], base_no, keep)
                rescue = self.backend.commit_revision(
                    project, name, key, entry, expected_head=None, move_head=False,
                    audit=self._audit("rescue", project, name, base=base_no, message=message, conflict=conflict,
                                      summary=summary))
                units = result.conflict_units
                what = Joined(result.reasons, REASON_SEP)
                raise SaveConflict(
                    Message("err_ws_save_conflict", base_no=base_no, name=name, head=head, what=what,
                            rescue=rescue.number,
                            units=Message("err_ws_conflict_units", units=Joined(map(str, units[:10]), LIST_SEP),
                                          more=" …" if len(units) > 10 else "") if units else ""),
                    units=units, grids=result.conflict_grids, head=head, rescue=rescue)
            merged = result.state
            assert merged is not None
            merged_plan = merged.to_plan(plan.units, revision=head, plan_id=info.plan_id, name=name)
            merged_note = self._merge_micro(project, name, head, plan, merged_plan, base, mine, theirs,
                                            set(result.renumbered.values()), micro_edited)
            status = _status(merged_plan)
            summary = {**summarize(theirs, merged, households, steps), **merged_note}
            summary["merged_with"] = [r.number for r in self.backend.list_revisions(project, name)
                                      if base_no < r.number <= head and r.kind != RevisionKind.RESCUE]
            summary["base"] = base_no
            if result.renumbered:
                summary["renumbered"] = result.renumbered
            merged_key = self.backend.write_revision_data(
                project, name, _data(merged_plan, merged, status, steps, merged_plan.grids()), progress)
            entry = NewRevision(RevisionKind.MERGE, self.principal.name, self.workspace.now(), base_no, message,
                                summary, status["status"])
            try:
                rev = self.backend.commit_revision(
                    project, name, merged_key, entry, expected_head=head,
                    audit=self._audit("merge", project, name, base=base_no, message=message, summary=summary))
            except StaleHead as exc:
                head = exc.head
                continue
            merged_plan.revision = rev.number
            return SaveResult(rev, True, merged_plan)
        raise WorkspaceError("err_ws_merge_busy",
                             "merge_busy", project=project, plan=name, name=name)

    def _residents(self, project: str) -> gpd.GeoDataFrame | None:
        """The project's residents layer as stored (None when it has none): what 微网格 are made from."""
        project_record = self.backend.get_project(project)
        if project_record is None or "residents" not in project_record.layers:
            return None
        return self.backend.read_layer(project, "residents")

    def _refresh_micro(self, project: str, plan: Plan, codes: set[str]) -> dict[str, Any]:
        """Make the 微网格 of the grids ``codes`` anew on ``plan`` (in place); what to say in the summary.

        An edit that moves units between grids leaves the 微网格 of those grids covering other
        buildings than the grid's; they are made anew from the project's residents (whole buildings,
        inside their grid, the plan's band), or dropped when the project has no residents layer (the
        ``micro`` check then names those grids).
        """
        if plan.micro_grids is None or not codes:
            return {}
        base = {c for c in codes if c in plan.registry and c not in plan.exclusive}
        if plan.keeps_micro_current and plan.micro_residents() is not None:
            # the edits made them anew already (and a 楼栋长 set since must stay): only name them
            return {"micro_rebuilt": sorted(base)} if base else {}
        stale = set(plan.micro_grids["grid_code"].astype(str)) - (set(plan.registry) - set(plan.exclusive))
        if not base and not stale:
            return {}
        rebuilt, dropped = refresh_plan_micro_grids(plan, base, self._residents(project) if base else None)
        note: dict[str, Any] = {}
        if rebuilt:
            note["micro_rebuilt"] = rebuilt
        if dropped:
            note["micro_dropped"] = dropped
        return note

    def _merge_micro(self, project: str, name: str, head: int, mine_plan: Plan, merged_plan: Plan, base: PlanState,
                     mine: PlanState, theirs: PlanState, renumbered: set[str],
                     micro_edited: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        """Give ``merged_plan`` the 微网格 of a merge (see :meth:`_merge_save`); what to say in the summary."""
        theirs_micro = self.backend.read_revision(project, name, head, assignment=False, micro=True).micro_grids
        mine_micro = _micro(mine_plan)
        if theirs_micro is None and mine_micro is None:
            return {}
        # grids whose 微网格 mine changed (by moving units, or by a 微网格 edit: 楼栋长, buildings moved)
        mine_touched = (touched_grids(base.codes, mine.codes) | (set(base.exclusive) ^ set(mine.exclusive))
                        | set(micro_edited))
        theirs_touched = touched_grids(base.codes, theirs.codes) | (set(base.exclusive) ^ set(theirs.exclusive))
        parts = []
        if theirs_micro is not None:
            parts.append(theirs_micro[~theirs_micro["grid_code"].isin(mine_touched)])
        if mine_micro is not None:
            parts.append(mine_micro[mine_micro["grid_code"].isin(mine_touched - theirs_touched)])
        crs = merged_plan.crs
        merged_plan.micro_grids = normalize_micro_grids(gpd.GeoDataFrame(
            pd.concat([p.to_crs(crs) for p in parts], ignore_index=True), geometry="geometry", crs=crs))
        base_codes = set(merged_plan.registry) - set(merged_plan.exclusive)
        without = base_codes - set(merged_plan.micro_grids["grid_code"])
        return self._refresh_micro(project, merged_plan, (mine_touched & theirs_touched) | renumbered | without
                                   | set(merged_plan.micro_grids["grid_code"]) - base_codes)

    def restore(self, project: str, name: str, number: int, *, message: str = "") -> Revision:
        """Make revision ``number`` the head again, as a new ``restore`` revision (nothing is deleted).

        A planner may restore only when everything that changes lies inside the scope.
        """
        self._require_edit(project)
        self.plan_info(project, name)  # NotFound
        self.backend.get_revision(project, name, number)  # NotFound
        units = self.backend.read_units(project, name)
        areas = units.set_index("unit_id")["area_id"].astype(str)
        with self.backend.plan_lock(project, name):
            return self._restore(project, name, int(number), message, units, areas)

    def _restore(self, project: str, name: str, number: int, message: str, units: gpd.GeoDataFrame,
                 areas: pd.Series) -> Revision:
        """Restore under the plan's lock (see :meth:`restore`)."""
        info = self.plan_info(project, name)
        for _ in range(MAX_MERGE_ATTEMPTS):
            head_state = self._state(project, name, info.head)
            target = self._state(project, name, number)
            self._check_scope(project, name, areas, head_state, target)
            micro = self.backend.read_revision(project, name, number, assignment=False, micro=True).micro_grids
            plan = target.to_plan(units, revision=number, plan_id=info.plan_id, name=name, micro_grids=micro)
            keep = len(self._history(project, name, number, plan))
            status = _status(plan)
            summary = summarize(head_state, target, _households(units), None)
            summary["restored"] = int(number)
            key = self.backend.write_revision_data(
                project, name, _data(plan, target, status, steps_table(plan), plan.grids(), int(number), keep))
            entry = NewRevision(RevisionKind.RESTORE, self.principal.name, self.workspace.now(), int(number), message,
                                summary, status["status"], int(number), keep)
            head = info.head
            try:
                return self.backend.commit_revision(
                    project, name, key, entry, expected_head=head,
                    audit=self._audit("restore", project, name, restored=int(number), head=head, message=message,
                                      summary=summary))
            except StaleHead:
                info = self.plan_info(project, name)
        raise WorkspaceError("err_ws_restore_busy", "restore_busy",
                             project=project, plan=name, name=name)

    # ------------------------------------------------------------------ audit trail

    def log(self, project: str, plan: str | None = None, limit: int | None = None) -> list[AuditEvent]:
        """The audit trail of a project (or one plan), newest first."""
        self._visible(project)
        return self.backend.list_audit(project=project, plan=plan, limit=limit)

    def audit(self, *, user: str | None = None, limit: int | None = None) -> list[AuditEvent]:
        """The whole audit trail (logins, accounts, every project), newest first; admins only."""
        self._require_admin(Message("err_ws_do_read_audit"))
        return self.backend.list_audit(user=user, limit=limit)

    # ------------------------------------------------------------------ accounts

    def users(self) -> list[dict[str, Any]]:
        """Every account, without password hashes (admins only)."""
        self._require_admin(Message("err_ws_do_list_accounts"))
        return [a.public() for a in self.backend.list_accounts()]

    def _check_grant(self, role: Role, scopes: Iterable[str], projects: Iterable[str]) -> tuple[tuple, tuple]:
        scopes = tuple(dict.fromkeys(str(s).strip() for s in scopes))
        projects = tuple(dict.fromkeys(str(p).strip() for p in projects))
        bad = [s for s in scopes if not valid_scope_code(s)]
        if bad:
            raise WorkspaceError("err_ws_bad_scope",
                                 "bad_scope", scopes=bad, bad=Joined(map(repr, bad), LIST_SEP))
        if role == Role.PLANNER and not scopes:
            raise WorkspaceError("err_ws_planner_without_scope",
                                 "planner_without_scope")
        if role != Role.PLANNER and scopes:
            raise WorkspaceError("err_ws_scope_not_planner_admin" if role == Role.ADMIN else "err_ws_scope_not_planner",
                                 "scope_not_planner", role=role)
        if role == Role.ADMIN and projects:
            raise WorkspaceError("err_ws_admin_projects",
                                 "admin_projects")
        missing = [p for p in projects if self.backend.get_project(p) is None]
        if missing:
            raise NotFound("err_ws_no_project_3", "no_project", projects=missing, missing=Joined(map(repr, missing),
                                                                                                 LIST_SEP))
        return scopes, projects

    def add_user(self, name: str, role: Role | str, password: str | None, *, scopes: Iterable[str] = (),
                 projects: Iterable[str] = ()) -> dict[str, Any]:
        """Add an account (admins only). ``password`` None: the account logs in only through single sign-on."""
        self._require_admin(Message("err_ws_do_add_accounts"))
        name = _check_account_name(name)
        role = _role(role)
        scopes, projects = self._check_grant(role, scopes, projects)
        if password is not None:
            check_password_rules(password, self.workspace.auth.policy)
        now = self.workspace.now()
        hasher = self.workspace.auth.policy.hasher
        account = Account(name, role, scopes, projects,
                          password_hash=None if password is None else hash_password(password, hasher),
                          created=now, updated=now, source="local" if password is not None else "oidc")
        self.backend.insert_account(account, [self._event("add_user", name=name, role=str(role), scopes=list(scopes),
                                                          projects=list(projects))])
        return account.public()

    def set_password(self, name: str, password: str) -> None:
        """Give an account a new password (admins only); its sessions end and its lockout is lifted."""
        self._require_admin(Message("err_ws_do_set_passwords"))
        check_password_rules(password, self.workspace.auth.policy)
        new_hash = hash_password(password, self.workspace.auth.policy.hasher)
        now = self.workspace.now()

        def change(stored: Account) -> tuple[Account, list[AuditEvent]]:
            return (replace(stored, password_hash=new_hash, failed_logins=0, locked_until=None, updated=now,
                            source="local"), [self._event("set_password", name=name)])

        self.backend.modify_account(name, change)
        self.backend.delete_sessions(name=name)

    def change_password(self, old: str, new: str) -> None:
        """Change one's own password (the old one is asked again)."""
        account = self.backend.get_account(self.principal.name)
        if account is None or not verify_password(account.password_hash, old):
            raise PermissionDenied("err_ws_wrong_password", "wrong_password")
        check_password_rules(new, self.workspace.auth.policy)
        new_hash = hash_password(new, self.workspace.auth.policy.hasher)
        now = self.workspace.now()
        self.backend.modify_account(account.name, lambda a: (replace(a, password_hash=new_hash, updated=now),
                                                             [self._event("change_password", name=a.name)]))
        self.backend.delete_sessions(name=account.name)

    def disable_user(self, name: str) -> None:
        """Disable an account (admins only): it cannot log in, and its sessions end now."""
        self._require_admin(Message("err_ws_do_disable_accounts"))
        now = self.workspace.now()
        self.backend.modify_account(name, lambda a: (replace(a, disabled=True, updated=now),
                                                     [self._event("disable_user", name=name)]))
        self.backend.delete_sessions(name=name)

    def enable_user(self, name: str) -> None:
        """Enable an account again and lift a lockout (admins only)."""
        self._require_admin(Message("err_ws_do_enable_accounts"))
        now = self.workspace.now()
        self.backend.modify_account(name, lambda a: (replace(a, disabled=False, failed_logins=0, locked_until=None,
                                                             updated=now), [self._event("enable_user", name=name)]))

    def grant(self, name: str, *, role: Role | str | None = None, scopes: Iterable[str] | None = None,
              projects: Iterable[str] | None = None) -> dict[str, Any]:
        """Change an account's role, scopes or projects (admins only); its sessions end."""
        self._require_admin(Message("err_ws_do_change_accounts"))
        stored = self.backend.get_account(name)
        if stored is None:
            raise NotFound("err_ws_no_account", "no_account", name=name)
        new_role = _role(role) if role is not None else stored.role
        new_scopes, new_projects = self._check_grant(new_role, stored.scopes if scopes is None else scopes,
                                                     stored.projects if projects is None else projects)
        now = self.workspace.now()
        account = self.backend.modify_account(name, lambda a: (
            replace(a, role=new_role, scopes=new_scopes, projects=new_projects, updated=now),
            [self._event("grant", name=name, role=str(new_role), scopes=list(new_scopes),
                         projects=list(new_projects))]))
        self.backend.delete_sessions(name=name)
        return account.public()
