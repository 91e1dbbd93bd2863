"""The storage interface of a workspace: primitives that keep accounts, projects, plans, revisions,
the audit trail and export records — and check no rights.

Two implementations hold the same data with the same semantics: :class:`gridmap.workspace.gpkg.GpkgBackend`
(a folder of GeoPackages, the embedded default) and a PostGIS backend (issue 15). Rights, merges and
audit texts live one floor up, in :class:`gridmap.workspace.workspace.Workspace`; a backend only
stores and reads, so every rule is written once.

What must be one transaction
----------------------------
* **Every mutating primitive takes the audit events that describe it** (``audit=``) and stores
  them in the same transaction as the change: there is no change without its audit line, and no
  audit line for a change that did not happen.
* **A revision becomes visible in one small transaction** (:meth:`Backend.commit_revision`): the
  compare-and-swap of the plan's head (``expected_head``), the revision row, the head pointer and
  the audit events. Its data — assignment, derived grids, edit steps — is written *before*, by
  :meth:`Backend.write_revision_data`, under a fresh key that nothing refers to yet; a process
  killed during that write leaves only unreferenced rows, never half a revision. In PostGIS:
  ``UPDATE plans SET head = … WHERE project = … AND name = … AND head = :expected`` in the commit
  transaction; in SQLite: ``BEGIN IMMEDIATE``, read, compare, write, ``COMMIT``.
* **Account changes are read-modify-write in one transaction** (:meth:`Backend.modify_account`):
  two failed logins at once both count (PostGIS: ``SELECT … FOR UPDATE``).
* **A project's inputs are replaced whole** (:meth:`Backend.replace_inputs`): readers see the old
  set or the new one.
* **A project's run results are replaced whole** (:meth:`Backend.replace_results`): readers see
  the previous set or the new one, and a run killed while storing leaves the previous set whole.
* **Creating a plan** stores its units, its first revision and its registration together
  (:meth:`Backend.create_plan`).
* **Saves of one plan queue** (:meth:`Backend.plan_lock`): not needed for correctness, but twenty
  planners saving at once would otherwise merge again and again as the head moves under each.

Revision numbers are assigned by :meth:`Backend.commit_revision` (the plan's last number + 1);
the head is a pointer, so a ``rescue`` revision gets a number without becoming the head.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from gridmap.workspace.model import (
    Account,
    AuditEvent,
    ExportRecord,
    PlanInfo,
    Project,
    ResultsInfo,
    Revision,
    RevisionKind,
    SessionRecord,
)

__all__ = ["Backend", "RevisionData", "NewRevision", "AccountChange", "FORMAT", "SCHEMA_VERSION", "where_clause"]

#: The format name written into every workspace (a folder's marker file, a database's meta table).
FORMAT = "gridmap-workspace"
#: The version of the stored layout; a newer gridmap upgrades an older layout, an older one refuses a newer.
SCHEMA_VERSION = 1

#: A read-modify-write of an account: given the stored account, the new account and the audit events to store.
AccountChange = Callable[[Account], tuple[Account, Sequence[AuditEvent]]]


def where_clause(conditions: Sequence[tuple[str, str, Any]], mark: str) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of a filtered read or delete, and its parameters; both backends use it.

    Parameters
    ----------
    conditions : ``(column, operator, value)``; a condition whose value is None is left out.
    mark : the driver's placeholder (``?`` for sqlite3, ``%s`` for psycopg).

    Returns
    -------
    ``("WHERE a = ? AND b < ?", [x, y])``, or ``("", [])`` when every value is None.
    """
    kept = [(column, op, value) for column, op, value in conditions if value is not None]
    if not kept:
        return "", []
    return "WHERE " + " AND ".join(f"{column} {op} {mark}" for column, op, _ in kept), [v for _, _, v in kept]


@dataclass
class RevisionData:
    """What a revision holds, besides its metadata.

    Attributes
    ----------
    assignment : ``unit_id``, ``grid_code`` (``""`` = unassigned) for every unit of the plan.
    meta : the plan's settings (:meth:`gridmap.workspace.state.PlanState.meta`) plus ``status`` and
        ``failed_checks``; JSON-able.
    steps : the edit steps of this save (columns of :func:`gridmap.plans.store.steps_table`).
    grids : the derived grids with their statistics (stored for GIS users; never read back to
        rebuild a plan). None when not written or not read.
    history_parent, history_keep : the undo history of this revision is the first
        ``history_keep`` steps of ``history_parent``'s history followed by ``steps``
        (``history_parent`` None: ``steps`` alone). Set by the workspace, stored by the backend.
    micro_grids : the 微网格 (:data:`gridmap.plans.micro.MICRO_OUTPUT_COLUMNS` + polygons, the
        plan's CRS), or None when the plan has none. Stored when ``meta["micro_grids"]`` (their
        number) is not None; read back only when asked (``read_revision(micro=True)``).
    """

    assignment: pd.DataFrame
    meta: dict[str, Any]
    steps: pd.DataFrame
    grids: gpd.GeoDataFrame | None = None
    history_parent: int | None = None
    history_keep: int = 0
    micro_grids: gpd.GeoDataFrame | None = None


@dataclass(frozen=True)
class NewRevision:
    """The metadata of a revision about to be committed (the backend adds its number)."""

    kind: RevisionKind
    author: str
    time: Any  # datetime (aware UTC)
    base: int | None = None
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    history_parent: int | None = None
    history_keep: int = 0


class Backend(ABC):
    """Storage primitives of a workspace; no rights checks (see the module docstring for the semantics)."""

    #: Where the workspace is: a folder path or a database URL (without password).
    location: str

    # ------------------------------------------------------------------ the store

    @abstractmethod
    def initialize(self) -> None:
        """Create an empty workspace here; do nothing when one exists.

        Raises :class:`gridmap.workspace.errors.WorkspaceFormatError` when the place holds
        something else (a non-empty folder that is no workspace, a newer layout).
        """

    @abstractmethod
    def check(self) -> dict[str, Any]:
        """Verify an existing workspace and return its description (``format``, ``schema_version``, ``created``).

        Raises :class:`gridmap.workspace.errors.WorkspaceFormatError` when there is none or its
        layout is newer than :data:`SCHEMA_VERSION`.
        """

    # ------------------------------------------------------------------ accounts

    @abstractmethod
    def count_accounts(self) -> int:
        """How many accounts exist (0: the workspace runs open)."""

    @abstractmethod
    def get_account(self, name: str) -> Account | None:
        """The account named ``name``, or None."""

    @abstractmethod
    def list_accounts(self) -> list[Account]:
        """Every account, by name."""

    @abstractmethod
    def insert_account(self, account: Account, audit: Sequence[AuditEvent] = ()) -> None:
        """Store a new account. Raises :class:`gridmap.workspace.errors.AlreadyExists`."""

    @abstractmethod
    def modify_account(self, name: str, change: AccountChange) -> Account:
        """Read, change and write an account in one transaction; store the audit events ``change`` returns.

        Raises :class:`gridmap.workspace.errors.NotFound`. Returns the account as stored.
        """

    # ------------------------------------------------------------------ sessions

    @abstractmethod
    def insert_session(self, record: SessionRecord) -> None:
        """Store a login session (keyed by the sha256 of its token)."""

    @abstractmethod
    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The session with this token hash, or None."""

    @abstractmethod
    def delete_sessions(self, *, token_hash: str | None = None, name: str | None = None,
                        expired_before: Any = None) -> int:
        """Delete one session, every session of an account, or every session expired before a time; return how many."""

    # ------------------------------------------------------------------ projects

    @abstractmethod
    def list_projects(self) -> list[Project]:
        """Every project, by name."""

    @abstractmethod
    def get_project(self, name: str) -> Project | None:
        """The project named ``name``, or None."""

    @abstractmethod
    def insert_project(self, project: Project, audit: Sequence[AuditEvent] = ()) -> None:
        """Register a new project (no inputs yet). Raises :class:`gridmap.workspace.errors.AlreadyExists`."""

    @abstractmethod
    def replace_inputs(self, project: Project, layers: Mapping[str, gpd.GeoDataFrame], osm: Path | None,
                       audit: Sequence[AuditEvent] = ()) -> Project:
        """Replace a project's input layers (and OSM file) as a whole; store ``project``'s new record.

        Readers see the old set or the new one, never a mix. ``project.inputs_version`` is
        assigned here (the stored one + 1). Returns the stored record.
        """

    @abstractmethod
    def read_layer(self, project: str, key: str) -> gpd.GeoDataFrame:
        """One input layer of a project. Raises :class:`gridmap.workspace.errors.NotFound`."""

    @abstractmethod
    def osm_path(self, project: str) -> Path | None:
        """A local path of the project's OSM file (a cached copy for a database), or None."""

    # ------------------------------------------------------------------ run results

    @abstractmethod
    def replace_results(self, info: ResultsInfo, tables: Mapping[str, pd.DataFrame],
                        audit: Sequence[AuditEvent] = (), progress: Callable[[str], None] | None = None
                        ) -> ResultsInfo:
        """Store a project's run results, replacing the previous set as a whole.

        Parameters
        ----------
        info : the project, who and when, the CRS of every geometry (already in it) and the run's
            metadata; ``info.tables`` is filled in here.
        tables : ``{name: table}``; GeoDataFrames keep their geometry, DataFrames are attribute tables.
        audit : stored in the same transaction as the switch to the new set.
        progress : called as the write goes on — ``tables written`` once every table is written and
            before the switch (tests use it to kill a store half-way).

        Readers see the previous set or the new one, never a mix; a process killed before the end
        leaves the previous set whole. Raises :class:`gridmap.workspace.errors.NotFound` when the
        project does not exist. Returns the stored record.
        """

    @abstractmethod
    def list_results(self) -> list[ResultsInfo]:
        """The stored run results of every project (records only), by project name."""

    @abstractmethod
    def read_results(self, project: str, tables: Sequence[str] | None = None
                     ) -> tuple[ResultsInfo, dict[str, pd.DataFrame]]:
        """A project's run results: the record and the tables named (all when None), read from one set.

        Raises :class:`gridmap.workspace.errors.NotFound` when the project has none (or lacks a table).
        """

    # ------------------------------------------------------------------ plans

    @abstractmethod
    def list_plans(self, project: str) -> list[PlanInfo]:
        """The plans of a project, by name."""

    @abstractmethod
    def get_plan(self, project: str, plan: str) -> PlanInfo | None:
        """A plan's registration, or None."""

    @abstractmethod
    def create_plan(self, project: str, plan: str, plan_id: str, units: gpd.GeoDataFrame, data: RevisionData,
                    entry: NewRevision, audit: Sequence[AuditEvent] = ()) -> Revision:
        """Store a new plan: its units (constant from now on) and its first revision, as the head.

        Raises :class:`gridmap.workspace.errors.AlreadyExists`. Returns revision 1.
        """

    @abstractmethod
    def plan_lock(self, project: str, plan: str) -> AbstractContextManager[None]:
        """Hold a plan's save lock: saves of one plan, from any thread or process, run one at a time.

        The compare-and-swap keeps saves correct without it; the lock keeps many simultaneous saves
        from merging again and again as the head moves under each (PostGIS: an advisory lock).
        Raises :class:`gridmap.workspace.errors.WorkspaceError` when it cannot be had within a minute or two.
        """

    @abstractmethod
    def read_units(self, project: str, plan: str) -> gpd.GeoDataFrame:
        """The units of a plan (metric CRS), in ``unit_id`` order as stored."""

    @abstractmethod
    def write_revision_data(self, project: str, plan: str, data: RevisionData,
                            progress: Callable[[str], None] | None = None) -> str:
        """Write a revision's data under a fresh key and return the key; nothing refers to it yet.

        ``progress`` is called between the parts of a long write (tests use it to kill a save
        half-way).
        """

    @abstractmethod
    def commit_revision(self, project: str, plan: str, data_key: str, entry: NewRevision, *,
                        expected_head: int | None, move_head: bool = True,
                        audit: Callable[[int], Sequence[AuditEvent]] | Sequence[AuditEvent] = ()) -> Revision:
        """Make written data a revision, in one transaction.

        Parameters
        ----------
        data_key : from :meth:`write_revision_data`.
        entry : the revision's metadata.
        expected_head : the head the caller's revision was computed on; None skips the comparison.
        move_head : make it the head (False for a ``rescue`` revision).
        audit : the audit events, or a function of the new revision number returning them.

        Raises
        ------
        StaleHead : the head is not ``expected_head`` (nothing was written).
        """

    @abstractmethod
    def list_revisions(self, project: str, plan: str) -> list[Revision]:
        """Every revision of a plan, oldest first."""

    @abstractmethod
    def get_revision(self, project: str, plan: str, number: int) -> Revision:
        """One revision's metadata. Raises :class:`gridmap.workspace.errors.NotFound`."""

    @abstractmethod
    def read_revision(self, project: str, plan: str, number: int, *, grids: bool = False,
                      assignment: bool = True, micro: bool = False) -> RevisionData:
        """A revision's data: its assignment (unless ``assignment=False``), meta, steps, history
        links, its grids when ``grids`` and its 微网格 when ``micro`` (None when it has none).
        Raises :class:`gridmap.workspace.errors.NotFound`.
        """

    # ------------------------------------------------------------------ audit and exports

    @abstractmethod
    def append_audit(self, events: Sequence[AuditEvent]) -> None:
        """Store audit events that go with no other change (a login, a refused save)."""

    @abstractmethod
    def list_audit(self, *, project: str | None = None, plan: str | None = None, user: str | None = None,
                   limit: int | None = None) -> list[AuditEvent]:
        """Audit events, newest first, filtered by project, plan and user."""

    @abstractmethod
    def insert_export(self, record: ExportRecord, audit: Sequence[AuditEvent] = ()) -> None:
        """Store the record of a personal list handed out."""

    @abstractmethod
    def list_exports(self, *, project: str | None = None) -> list[ExportRecord]:
        """Export records, newest first."""
