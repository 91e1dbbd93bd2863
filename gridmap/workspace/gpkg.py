"""The embedded workspace: a folder of GeoPackages (SQLite) — nothing to install, QGIS opens every file.

Layout::

    DIR/gridmap-workspace.json              marker: format, schema version, created (written last)
    DIR/workspace.gpkg                      accounts, sessions, projects, plans (heads), revisions,
                                            audit, exports — small rows, every commit happens here
    DIR/projects/<folder>/inputs/<file>.gpkg     a project's input layers, one file per import
    DIR/projects/<folder>/osm/<sha256>.osm[.bz2] its OSM street file
    DIR/projects/<folder>/results/<file>.gpkg    its run results (``gridmap run --workspace``): one
                                            layer per table, one file per run
    DIR/projects/<folder>/plans/<file>.gpkg      a plan: ``units`` (written once), ``grids`` (per
                                            revision, a ``data_key`` column), ``assignments``,
                                            ``edit_steps``, ``revision_data`` (keyed by ``data_key``),
                                            ``micro_grids`` (the 微网格 of the revisions that
                                            have them; made at the first such save)

Why this way (docs/design.md §7.1, :mod:`gridmap.workspace.backend` for the semantics):

* **Every visible change is one small SQLite transaction in ``workspace.gpkg``** (``BEGIN
  IMMEDIATE`` with a busy timeout): the compare-and-swap of a plan's head together with the
  revision row and its audit events; an account's read-modify-write; the switch of a project to a
  new inputs file or a new results file. SQLite makes each atomic and durable, also when the process is killed.
* **Large writes happen first, elsewhere, under a fresh key**: a revision's assignment, grids and
  steps go into the plan's file in their own transaction, keyed by a random ``data_key`` that no
  revision row names until the commit; inputs and run results go to a new file. A save killed at any point leaves
  the last revision whole — at worst some unreferenced rows.
* **Files that GDAL reads are never replaced in place**: an inputs file or a plan file is created
  under a temporary name and renamed once, to a name never used before. (Replacing an SQLite file
  that a reader holds open, or that has a ``-wal`` beside it, can corrupt it.) ``workspace.gpkg``
  and the plan files use SQLite's write-ahead log, so readers never wait for a writer.
* Geometry of a revision's grids is written by this module as GeoPackage binary (header + ISO
  WKB) into a layer GDAL created, without a spatial index (its triggers need GDAL's SQL functions);
  GDAL, QGIS and ``geopandas.read_file(where="data_key = …")`` read it as a normal layer.

SQLite allows one writer at a time per file and needs working file locks: never put a workspace on
a network share (SMB/NFS) — use PostgreSQL/PostGIS for several machines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import struct
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from typing_extensions import override  # typing.override from Python 3.12; gridmap supports 3.11

from gridmap.io.files import copy_file_atomic, write_gpkg
from gridmap.plans.micro import MICRO_OUTPUT_COLUMNS, normalize_micro_grids
from gridmap.plans.store import exclusive_lock
from gridmap.vocab import LIST_SEP, Joined, Message
from gridmap.workspace.backend import (
    FORMAT,
    SCHEMA_VERSION,
    AccountChange,
    Backend,
    NewRevision,
    RevisionData,
    where_clause,
)
from gridmap.workspace.errors import AlreadyExists, NotFound, StaleHead, WorkspaceError, WorkspaceFormatError
from gridmap.workspace.model import (
    Account,
    AuditEvent,
    ExportRecord,
    PlanInfo,
    PrincipalKind,
    Project,
    ResultsInfo,
    Revision,
    RevisionKind,
    Role,
    SessionRecord,
    from_text,
    to_text,
    utc_now,
)

__all__ = ["GpkgBackend", "MARKER", "WORKSPACE_FILE", "is_workspace_folder"]

#: The marker file that makes a folder a workspace.
MARKER = "gridmap-workspace.json"
#: The GeoPackage holding every small row of the workspace.
WORKSPACE_FILE = "workspace.gpkg"
#: Seconds a writer waits for another writer of the same file before giving up.
BUSY_TIMEOUT_S = 60.0
#: Seconds a save waits for the other saves of the same plan (:meth:`GpkgBackend.plan_lock`).
PLAN_LOCK_TIMEOUT_S = 120.0

_PK = "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
_WORKSPACE_TABLES = {
    "ws_meta": f"CREATE TABLE ws_meta ({_PK}, key TEXT NOT NULL UNIQUE, value TEXT)",
    "accounts": f"""CREATE TABLE accounts ({_PK}, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
        scopes TEXT NOT NULL DEFAULT '[]', projects TEXT NOT NULL DEFAULT '[]', disabled INTEGER NOT NULL DEFAULT 0,
        password_hash TEXT, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT, created TEXT, updated TEXT,
        source TEXT NOT NULL DEFAULT 'local')""",
    "sessions": f"""CREATE TABLE sessions ({_PK}, token_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        created TEXT NOT NULL, expires TEXT NOT NULL, kind TEXT NOT NULL)""",
    "projects": f"""CREATE TABLE projects ({_PK}, name TEXT NOT NULL UNIQUE, folder TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '', crs TEXT, codes TEXT NOT NULL DEFAULT '[]', layers TEXT NOT NULL DEFAULT '[]',
        osm TEXT, inputs_file TEXT, inputs_version INTEGER NOT NULL DEFAULT 0, created TEXT, created_by TEXT)""",
    "plans": f"""CREATE TABLE plans ({_PK}, project TEXT NOT NULL, name TEXT NOT NULL, file TEXT NOT NULL,
        plan_id TEXT NOT NULL, head INTEGER NOT NULL, last_revision INTEGER NOT NULL, n_units INTEGER NOT NULL,
        created TEXT, created_by TEXT, UNIQUE (project, name))""",
    "revisions": f"""CREATE TABLE revisions ({_PK}, project TEXT NOT NULL, plan TEXT NOT NULL,
        number INTEGER NOT NULL, kind TEXT NOT NULL, author TEXT NOT NULL, time TEXT NOT NULL, base INTEGER,
        message TEXT NOT NULL DEFAULT '', summary TEXT NOT NULL DEFAULT '{{}}', status TEXT NOT NULL DEFAULT '',
        data_key TEXT NOT NULL, history_parent INTEGER, history_keep INTEGER NOT NULL DEFAULT 0,
        UNIQUE (project, plan, number))""",
    "audit": f"""CREATE TABLE audit ({_PK}, time TEXT NOT NULL, user_name TEXT NOT NULL, action TEXT NOT NULL,
        project TEXT NOT NULL DEFAULT '', plan TEXT NOT NULL DEFAULT '', revision INTEGER,
        details TEXT NOT NULL DEFAULT '{{}}')""",
    "results": f"""CREATE TABLE results ({_PK}, project TEXT NOT NULL UNIQUE, file TEXT NOT NULL, crs TEXT,
        meta TEXT NOT NULL DEFAULT '{{}}', tables TEXT NOT NULL DEFAULT '{{}}', written TEXT NOT NULL,
        written_by TEXT NOT NULL DEFAULT '')""",
    "exports": f"""CREATE TABLE exports ({_PK}, time TEXT NOT NULL, user_name TEXT NOT NULL, project TEXT NOT NULL,
        what TEXT NOT NULL, n_rows INTEGER NOT NULL, columns TEXT NOT NULL DEFAULT '[]',
        details TEXT NOT NULL DEFAULT '{{}}')""",
}
_WORKSPACE_INDEXES = (
    "CREATE INDEX audit_where ON audit (project, plan, time)",
    "CREATE INDEX revisions_plan ON revisions (project, plan, number)",
    "CREATE INDEX exports_project ON exports (project, time)",
)
_PLAN_TABLES = {
    "assignments": f"""CREATE TABLE assignments ({_PK}, data_key TEXT NOT NULL, unit_id INTEGER NOT NULL,
        grid_code TEXT NOT NULL)""",
    "edit_steps": f"""CREATE TABLE edit_steps ({_PK}, data_key TEXT NOT NULL, seq INTEGER NOT NULL, op TEXT NOT NULL,
        params TEXT NOT NULL, changed TEXT NOT NULL, n_units INTEGER NOT NULL, time TEXT NOT NULL,
        undo TEXT NOT NULL)""",
    "revision_data": f"""CREATE TABLE revision_data ({_PK}, data_key TEXT NOT NULL UNIQUE, meta TEXT NOT NULL,
        written TEXT NOT NULL)""",
}
_PLAN_INDEXES = (
    "CREATE INDEX assignments_key ON assignments (data_key)",
    "CREATE INDEX edit_steps_key ON edit_steps (data_key)",
    "CREATE INDEX grids_key ON grids (data_key)",
)
_STEP_COLUMNS = ("seq", "op", "params", "changed", "n_units", "time", "undo")
#: The 微网格 of a revision: a feature table made by SQL (any polygonal type), columns as :data:`MICRO_OUTPUT_COLUMNS`.
_MICRO_TABLE = "micro_grids"
_MICRO_TYPES = {"households": "INTEGER", "n_buildings": "INTEGER", "in_band": "BOOLEAN"}
_MICRO_DDL = (f"CREATE TABLE IF NOT EXISTS {_MICRO_TABLE} ({_PK}, geom GEOMETRY, data_key TEXT NOT NULL, "
              + ", ".join(f"{c} {_MICRO_TYPES.get(c, 'TEXT')}" for c in MICRO_OUTPUT_COLUMNS) + ")")


def is_workspace_folder(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a folder holding a workspace (its marker file)."""
    return (Path(path) / MARKER).is_file()


def _safe_name(name: str) -> str:
    """A file-name-safe form of a name, unique by a short hash (Chinese kept; case and odd characters folded)."""
    word = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._")[:40] or "x"
    return f"{word}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), waiting for other writers."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    con.execute("PRAGMA synchronous = FULL")
    return con


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    con = _connect(path)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (the write lock is taken at the start, so a read-then-write cannot race).

    A writer that waited :data:`BUSY_TIMEOUT_S` in vain gets a :class:`WorkspaceError`, not SQLite's own.
    """
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise WorkspaceError("err_ws_busy",
                             "busy", detail=exc, seconds=BUSY_TIMEOUT_S) from exc
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _register_attributes(con: sqlite3.Connection, tables: Sequence[str]) -> None:
    """List attribute tables in ``gpkg_contents`` so QGIS and GDAL show them."""
    now = utc_now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for table in tables:
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                    "VALUES (?, 'attributes', ?, '', ?)", (table, table, now))


def _gpkg_blob(geom, srs_id: int) -> bytes | None:
    """A geometry as GeoPackage binary: ``GP``, version 0, flags (little endian, xy envelope), srs id, WKB."""
    if geom is None or shapely.is_empty(geom):
        return None
    minx, miny, maxx, maxy = shapely.bounds(geom)
    header = b"GP" + bytes((0, 0x03)) + struct.pack("<i", srs_id) + struct.pack("<4d", minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, flavor="iso", output_dimension=2)


def _from_gpkg_blob(blob: bytes | None):
    """GeoPackage binary (any envelope) → a geometry; None for none."""
    if blob is None:
        return None
    blob = bytes(blob)
    envelope = (blob[3] >> 1) & 0x07
    return shapely.from_wkb(blob[8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope]:])


def _multi(geoms: np.ndarray) -> np.ndarray:
    """Polygons as one-part MultiPolygons (the grids layer declares MULTIPOLYGON)."""
    out = np.array(geoms, dtype=object)
    single = shapely.get_type_id(out) == 3
    out[single] = [shapely.MultiPolygon([g]) for g in out[single]]
    return out


def _python_values(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows of plain Python values (None for missing) for sqlite3."""
    cols = []
    for col in columns:
        series = frame[col]
        values = series.astype(object).where(series.notna(), None).tolist()
        cols.append([v.item() if isinstance(v, np.generic) else v for v in values])
    return list(zip(*cols, strict=True)) if cols else [() for _ in range(len(frame))]


def _moment(text: str) -> datetime:
    """A time of a NOT NULL column (a revision's, a session's, an audit event's): never None."""
    moment = from_text(text)
    if moment is None:
        raise WorkspaceFormatError("err_ws_unreadable", "unreadable", text=text)
    return moment


def _account(row: sqlite3.Row) -> Account:
    return Account(name=row["name"], role=Role(row["role"]), scopes=tuple(json.loads(row["scopes"])),
                   projects=tuple(json.loads(row["projects"])), disabled=bool(row["disabled"]),
                   password_hash=row["password_hash"], failed_logins=int(row["failed_logins"]),
                   locked_until=from_text(row["locked_until"]), created=from_text(row["created"]),
                   updated=from_text(row["updated"]), source=row["source"])


def _project(row: sqlite3.Row) -> Project:
    return Project(name=row["name"], title=row["title"] or "", crs=row["crs"], codes=tuple(json.loads(row["codes"])),
                   layers=tuple(json.loads(row["layers"])), osm=row["osm"], inputs_version=int(row["inputs_version"]),
                   created=from_text(row["created"]), created_by=row["created_by"] or "")


def _plan_info(row: sqlite3.Row) -> PlanInfo:
    return PlanInfo(project=row["project"], name=row["name"], plan_id=row["plan_id"], head=int(row["head"]),
                    last_revision=int(row["last_revision"]), n_units=int(row["n_units"]),
                    created=from_text(row["created"]), created_by=row["created_by"] or "")


def _revision(row: sqlite3.Row) -> Revision:
    return Revision(project=row["project"], plan=row["plan"], number=int(row["number"]), kind=RevisionKind(row["kind"]),
                    author=row["author"], time=_moment(row["time"]),
                    base=None if row["base"] is None else int(row["base"]), message=row["message"],
                    summary=json.loads(row["summary"]), status=row["status"])


def _results_info(row: sqlite3.Row) -> ResultsInfo:
    return ResultsInfo(project=row["project"], written=from_text(row["written"]) or utc_now(),
                       written_by=row["written_by"], crs=row["crs"], meta=json.loads(row["meta"]),
                       tables=json.loads(row["tables"]))


def _ensure_results_table(con: sqlite3.Connection) -> None:
    """Add the ``results`` table to a workspace made before run results were stored in projects."""
    if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'results'").fetchone():
        return
    with _transaction(con):
        con.execute(_WORKSPACE_TABLES["results"].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
        _register_attributes(con, ["results"])


def _audit_rows(events: Sequence[AuditEvent]) -> list[tuple]:
    return [(to_text(e.time), e.user, e.action, e.project, e.plan, e.revision,
             json.dumps(e.details, ensure_ascii=False, default=str)) for e in events]


def _insert_audit(con: sqlite3.Connection, events: Sequence[AuditEvent]) -> None:
    if events:
        con.executemany("INSERT INTO audit (time, user_name, action, project, plan, revision, details) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", _audit_rows(events))


class GpkgBackend(Backend):
    """A workspace in a folder of GeoPackages (see the module docstring).

    Parameters
    ----------
    folder : the workspace folder (created by :meth:`initialize`).
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder).expanduser().resolve()
        self.location = str(self.folder)
        self.db = self.folder / WORKSPACE_FILE

    # ------------------------------------------------------------------ connections

    @contextmanager
    def _ws(self) -> Iterator[sqlite3.Connection]:
        if not self.db.is_file():
            raise WorkspaceFormatError("err_ws_not_a_workspace", "not_a_workspace",
                                       location=self.location, folder=self.folder, marker=WORKSPACE_FILE)
        with _open(self.db) as con:
            con.row_factory = sqlite3.Row
            yield con

    def _plan_file(self, project: str, plan: str) -> Path:
        with self._ws() as con:
            row = con.execute("SELECT p.file AS file, j.folder AS folder FROM plans p JOIN projects j "
                              "ON j.name = p.project WHERE p.project = ? AND p.name = ?", (project, plan)).fetchone()
        if row is None:
            raise NotFound("err_ws_no_plan", "no_plan", project=project, plan=plan)
        return self.folder / "projects" / row["folder"] / "plans" / row["file"]

    # ------------------------------------------------------------------ the store

    @override
    def initialize(self) -> None:
        """Create the folder, ``workspace.gpkg`` and the marker; nothing when a workspace is here already."""
        if (self.folder / MARKER).is_file():
            self.check()
            return
        if self.folder.exists() and not self.folder.is_dir():
            raise WorkspaceFormatError("err_ws_not_a_folder",
                                       "not_a_folder", location=self.location, folder=self.folder)
        leftovers = list(self.folder.iterdir()) if self.folder.is_dir() else []
        ours = {WORKSPACE_FILE, "projects"}
        if any(p.name not in ours and not p.name.startswith(".workspace-") for p in leftovers):
            raise WorkspaceFormatError("err_ws_folder_not_empty", "folder_not_empty", location=self.location,
                                       folder=self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        created = utc_now()
        if not self.db.is_file():
            tmp = self.folder / f".workspace-{uuid.uuid4().hex}.gpkg"
            try:
                pyogrio.write_dataframe(pd.DataFrame({"key": ["format"], "value": [FORMAT]}), tmp, layer="gdal_seed",
                                        driver="GPKG")
                with _open(tmp) as con:
                    with _transaction(con):
                        con.execute("DROP TABLE gdal_seed")
                        con.execute("DELETE FROM gpkg_contents WHERE table_name = 'gdal_seed'")
                        con.execute("DELETE FROM gpkg_ogr_contents WHERE table_name = 'gdal_seed'")
                        for ddl in _WORKSPACE_TABLES.values():
                            con.execute(ddl)
                        for ddl in _WORKSPACE_INDEXES:
                            con.execute(ddl)
                        _register_attributes(con, list(_WORKSPACE_TABLES))
                        con.executemany("INSERT INTO ws_meta (key, value) VALUES (?, ?)",
                                        [("format", FORMAT), ("schema_version", str(SCHEMA_VERSION)),
                                         ("created", to_text(created))])
                    con.execute("PRAGMA journal_mode = WAL")
                os.replace(tmp, self.db)
            finally:
                tmp.unlink(missing_ok=True)
        (self.folder / "projects").mkdir(exist_ok=True)
        marker = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "created": to_text(created),
                  "store": WORKSPACE_FILE}
        tmp_marker = self.folder / f".workspace-{uuid.uuid4().hex}.json"
        tmp_marker.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp_marker, self.folder / MARKER)

    @override
    def check(self) -> dict[str, Any]:
        """The workspace's description; refuses a folder that is none, or a newer layout."""
        if not (self.folder / MARKER).is_file():
            raise WorkspaceFormatError("err_ws_not_a_workspace_2", "not_a_workspace",
                                       location=self.location, folder=self.folder, marker=MARKER)
        with self._ws() as con:
            try:
                meta = dict(con.execute("SELECT key, value FROM ws_meta").fetchall())
            except sqlite3.DatabaseError as exc:
                raise WorkspaceFormatError("err_ws_unreadable_2", "unreadable",
                                           location=self.location, db=self.db, detail=exc) from exc
        version = int(meta.get("schema_version", "0"))
        if meta.get("format") != FORMAT:
            raise WorkspaceFormatError("err_ws_not_a_workspace_3", "not_a_workspace",
                                       location=self.location, db=self.db)
        if version > SCHEMA_VERSION:
            raise WorkspaceFormatError("err_ws_newer_layout",
                                       "newer_layout", version=version, folder=self.folder, latest=SCHEMA_VERSION)
        return {"format": FORMAT, "schema_version": version, "created": meta.get("created"),
                "location": self.location, "backend": "gpkg"}

    # ------------------------------------------------------------------ accounts

    @override
    def count_accounts(self) -> int:
        with self._ws() as con:
            return int(con.execute("SELECT count(*) FROM accounts").fetchone()[0])

    @override
    def get_account(self, name: str) -> Account | None:
        with self._ws() as con:
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        return None if row is None else _account(row)

    @override
    def list_accounts(self) -> list[Account]:
        with self._ws() as con:
            return [_account(r) for r in con.execute("SELECT * FROM accounts ORDER BY name")]

    @staticmethod
    def _account_values(a: Account) -> tuple:
        return (str(a.role), json.dumps(list(a.scopes), ensure_ascii=False),
                json.dumps(list(a.projects), ensure_ascii=False), int(a.disabled), a.password_hash,
                int(a.failed_logins), to_text(a.locked_until), to_text(a.created), to_text(a.updated), a.source)

    @override
    def insert_account(self, account: Account, audit: Sequence[AuditEvent] = ()) -> None:
        with self._ws() as con, _transaction(con):
            if con.execute("SELECT 1 FROM accounts WHERE name = ?", (account.name,)).fetchone():
                raise AlreadyExists("err_ws_account_exists", "account_exists",
                                    name=account.name)
            con.execute("INSERT INTO accounts (role, scopes, projects, disabled, password_hash, failed_logins, "
                        "locked_until, created, updated, source, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*self._account_values(account), account.name))
            _insert_audit(con, audit)

    @override
    def modify_account(self, name: str, change: AccountChange) -> Account:
        with self._ws() as con, _transaction(con):
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound("err_ws_no_account", "no_account", name=name)
            new, events = change(_account(row))
            con.execute("UPDATE accounts SET role = ?, scopes = ?, projects = ?, disabled = ?, password_hash = ?, "
                        "failed_logins = ?, locked_until = ?, created = ?, updated = ?, source = ? WHERE name = ?",
                        (*self._account_values(new), name))
            _insert_audit(con, events)
        return new

    # ------------------------------------------------------------------ sessions

    @override
    def insert_session(self, record: SessionRecord) -> None:
        with self._ws() as con, _transaction(con):
            con.execute("INSERT INTO sessions (token_hash, name, created, expires, kind) VALUES (?, ?, ?, ?, ?)",
                        (record.token_hash, record.name, to_text(record.created), to_text(record.expires),
                         str(record.kind)))

    @override
    def get_session(self, token_hash: str) -> SessionRecord | None:
        with self._ws() as con:
            row = con.execute("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()
        if row is None:
            return None
        return SessionRecord(row["token_hash"], row["name"], _moment(row["created"]), _moment(row["expires"]),
                             PrincipalKind(row["kind"]))

    @override
    def delete_sessions(self, *, token_hash: str | None = None, name: str | None = None,
                        expired_before: datetime | None = None) -> int:
        where, params = where_clause([("token_hash", "=", token_hash), ("name", "=", name),
                                      ("expires", "<", to_text(expired_before))], "?")
        if not where:
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise ValueError("delete_sessions needs token_hash, name or expired_before")
        with self._ws() as con, _transaction(con):
            return con.execute(f"DELETE FROM sessions {where}", params).rowcount

    # ------------------------------------------------------------------ projects

    @override
    def list_projects(self) -> list[Project]:
        with self._ws() as con:
            return [_project(r) for r in con.execute("SELECT * FROM projects ORDER BY name")]

    @override
    def get_project(self, name: str) -> Project | None:
        with self._ws() as con:
            row = con.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
        return None if row is None else _project(row)

    def _project_row(self, name: str) -> sqlite3.Row:
        with self._ws() as con:
            row = con.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound("err_ws_no_project", "no_project", project=name, name=name)
        return row

    @override
    def insert_project(self, project: Project, audit: Sequence[AuditEvent] = ()) -> None:
        folder = _safe_name(project.name)
        with self._ws() as con, _transaction(con):
            if con.execute("SELECT 1 FROM projects WHERE name = ?", (project.name,)).fetchone():
                raise AlreadyExists("err_ws_project_exists", "project_exists",
                                    project=project.name, name=project.name)
            con.execute("INSERT INTO projects (name, folder, title, crs, codes, layers, osm, inputs_file, "
                        "inputs_version, created, created_by) VALUES (?, ?, ?, ?, ?, '[]', NULL, NULL, 0, ?, ?)",
                        (project.name, folder, project.title, project.crs,
                         json.dumps(list(project.codes), ensure_ascii=False), to_text(project.created),
                         project.created_by))
            _insert_audit(con, audit)
        for sub in ("inputs", "osm", "plans"):
            (self.folder / "projects" / folder / sub).mkdir(parents=True, exist_ok=True)

    @override
    def replace_inputs(self, project: Project, layers: Mapping[str, gpd.GeoDataFrame], osm: Path | None,
                       audit: Sequence[AuditEvent] = ()) -> Project:
        row = self._project_row(project.name)
        base = self.folder / "projects" / row["folder"]
        file_name = f"inputs-{uuid.uuid4().hex[:12]}.gpkg"
        write_gpkg(dict(layers), base / "inputs" / file_name)  # a new file, renamed into place whole
        osm_name = None
        if osm is not None:
            osm = Path(osm)
            digest = hashlib.sha256(osm.read_bytes()).hexdigest()
            suffix = ".osm.bz2" if osm.name.lower().endswith(".bz2") else ".osm"
            osm_name = f"{digest}{suffix}"
            if not (base / "osm" / osm_name).is_file():
                copy_file_atomic(osm, base / "osm" / osm_name)
        with self._ws() as con, _transaction(con):
            version = int(con.execute("SELECT inputs_version FROM projects WHERE name = ?",
                                      (project.name,)).fetchone()[0]) + 1
            con.execute("UPDATE projects SET title = ?, crs = ?, codes = ?, layers = ?, osm = ?, inputs_file = ?, "
                        "inputs_version = ? WHERE name = ?",
                        (project.title, project.crs, json.dumps(list(project.codes), ensure_ascii=False),
                         json.dumps(list(layers), ensure_ascii=False), osm_name, file_name, version, project.name))
            _insert_audit(con, audit)
        stored = self.get_project(project.name)
        assert stored is not None
        return stored

    @override
    def read_layer(self, project: str, key: str) -> gpd.GeoDataFrame:
        row = self._project_row(project)
        if key not in json.loads(row["layers"]) or not row["inputs_file"]:
            raise NotFound("err_ws_no_layer", "no_layer", project=project, layer=key, key=key)
        path = self.folder / "projects" / row["folder"] / "inputs" / row["inputs_file"]
        return gpd.read_file(path, layer=key, engine="pyogrio")

    @override
    def osm_path(self, project: str) -> Path | None:
        row = self._project_row(project)
        if not row["osm"]:
            return None
        return self.folder / "projects" / row["folder"] / "osm" / row["osm"]

    # ------------------------------------------------------------------ run results

    def replace_results(self, info: ResultsInfo, tables: Mapping[str, pd.DataFrame],
                        audit: Sequence[AuditEvent] = (), progress: Callable[[str], None] | None = None
                        ) -> ResultsInfo:
        """Write the tables into a new file (renamed into place whole), then point the project at it.

        The previous file stays until the one before it is removed by the next store, so a reader
        that looked up the old file a moment ago still finds it.
        """
        row = self._project_row(info.project)
        folder = self.folder / "projects" / row["folder"] / "results"
        folder.mkdir(parents=True, exist_ok=True)
        file_name = f"results-{uuid.uuid4().hex[:12]}.gpkg"
        write_gpkg(dict(tables), folder / file_name)
        if progress:
            progress("tables written")
        counts = {name: int(len(frame)) for name, frame in tables.items()}
        with self._ws() as con:
            _ensure_results_table(con)
            with _transaction(con):
                old = con.execute("SELECT file FROM results WHERE project = ?", (info.project,)).fetchone()
                con.execute("DELETE FROM results WHERE project = ?", (info.project,))
                con.execute("INSERT INTO results (project, file, crs, meta, tables, written, written_by) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (info.project, file_name, info.crs, json.dumps(info.meta, ensure_ascii=False, default=str),
                             json.dumps(counts, ensure_ascii=False), to_text(info.written), info.written_by))
                _insert_audit(con, audit)
        keep = {file_name, old["file"] if old else None}
        for stale in folder.glob("results-*.gpkg"):
            if stale.name not in keep:
                with contextlib.suppress(OSError):  # still open elsewhere (Windows): removed next time
                    stale.unlink()
        return replace(info, tables=counts)

    def list_results(self) -> list[ResultsInfo]:
        """Every project's results record (:meth:`Backend.list_results`)."""
        with self._ws() as con:
            _ensure_results_table(con)
            return [_results_info(r) for r in con.execute("SELECT * FROM results ORDER BY project")]

    def _results_row(self, project: str) -> tuple[ResultsInfo, Path]:
        row = self._project_row(project)
        with self._ws() as con:
            _ensure_results_table(con)
            found = con.execute("SELECT * FROM results WHERE project = ?", (project,)).fetchone()
        if found is None:
            raise NotFound("err_ws_no_results", "no_results", project=project, location=self.location)
        return _results_info(found), self.folder / "projects" / row["folder"] / "results" / found["file"]

    def read_results(self, project: str, tables: Sequence[str] | None = None
                     ) -> tuple[ResultsInfo, dict[str, pd.DataFrame]]:
        """The tables of the file the project points at (:meth:`Backend.read_results`); the file never changes."""
        for attempt in range(3):
            info, path = self._results_row(project)
            names = list(info.tables) if tables is None else list(tables)
            missing = [n for n in names if n not in info.tables]
            if missing:
                raise NotFound("err_ws_no_results_table",
                               "no_results_table", project=project, tables=missing, missing=Joined(missing, LIST_SEP))
            try:
                return info, {n: gpd.read_file(path, layer=n, engine="pyogrio") for n in names}
            except Exception:  # the file went away under this reader (two stores meanwhile): look it up again
                if path.is_file() or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ plans

    @override
    def list_plans(self, project: str) -> list[PlanInfo]:
        with self._ws() as con:
            return [_plan_info(r) for r in con.execute("SELECT * FROM plans WHERE project = ? ORDER BY name",
                                                       (project,))]

    @override
    def get_plan(self, project: str, plan: str) -> PlanInfo | None:
        with self._ws() as con:
            row = con.execute("SELECT * FROM plans WHERE project = ? AND name = ?", (project, plan)).fetchone()
        return None if row is None else _plan_info(row)

    @override
    def create_plan(self, project: str, plan: str, plan_id: str, units: gpd.GeoDataFrame, data: RevisionData,
                    entry: NewRevision, audit: Sequence[AuditEvent] = ()) -> Revision:
        row = self._project_row(project)
        if self.get_plan(project, plan) is not None:
            raise AlreadyExists("err_ws_plan_exists", "plan_exists",
                                project=project, plan=plan)
        plans_dir = self.folder / "projects" / row["folder"] / "plans"
        plans_dir.mkdir(parents=True, exist_ok=True)
        file_name = f"{_safe_name(plan)}-{uuid.uuid4().hex[:8]}.gpkg"
        tmp = plans_dir / f".tmp-{file_name}"
        try:
            write_gpkg({"units": units}, tmp)  # lists joined, CRS required, as every GeoPackage gridmap writes
            grids = data.grids if data.grids is not None else gpd.GeoDataFrame(
                {"grid_code": pd.Series([], dtype=str)}, geometry=gpd.GeoSeries([], crs=units.crs), crs=units.crs)
            schema = grids.iloc[:0].copy()
            schema.insert(0, "data_key", pd.Series([], dtype=str))
            pyogrio.write_dataframe(schema, tmp, layer="grids", driver="GPKG", geometry_type="MultiPolygon",
                                    layer_options={"SPATIAL_INDEX": "NO"})
            with _open(tmp) as con:
                with _transaction(con):
                    for ddl in _PLAN_TABLES.values():
                        con.execute(ddl)
                    for ddl in _PLAN_INDEXES:
                        con.execute(ddl)
                    _register_attributes(con, list(_PLAN_TABLES))
                con.execute("PRAGMA journal_mode = WAL")
                key = self._write_data(con, data, None)
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA journal_mode = DELETE")  # no -wal beside the file while it is renamed
            os.rename(tmp, plans_dir / file_name)
        finally:
            tmp.unlink(missing_ok=True)
        final = plans_dir / file_name
        with _open(final) as con:
            con.execute("PRAGMA journal_mode = WAL")
        with self._ws() as con, _transaction(con):
            if con.execute("SELECT 1 FROM plans WHERE project = ? AND name = ?", (project, plan)).fetchone():
                final.unlink(missing_ok=True)
                raise AlreadyExists("err_ws_plan_exists", "plan_exists",
                                    project=project, plan=plan)
            con.execute("INSERT INTO plans (project, name, file, plan_id, head, last_revision, n_units, created, "
                        "created_by) VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)",
                        (project, plan, file_name, plan_id, int(len(units)), to_text(entry.time), entry.author))
            self._insert_revision(con, project, plan, 1, key, entry)
            _insert_audit(con, [e if e.revision is not None else _with_revision(e, 1) for e in audit])
        return self.get_revision(project, plan, 1)

    @override
    @contextmanager
    def plan_lock(self, project: str, plan: str) -> Iterator[None]:
        try:
            with exclusive_lock(self._plan_file(project, plan), timeout=PLAN_LOCK_TIMEOUT_S):
                yield
        except TimeoutError as exc:
            raise WorkspaceError("err_ws_plan_busy", "plan_busy",
                                 project=project, plan=plan, detail=exc) from exc

    @override
    def read_units(self, project: str, plan: str) -> gpd.GeoDataFrame:
        return gpd.read_file(self._plan_file(project, plan), layer="units", engine="pyogrio")

    def _write_data(self, con: sqlite3.Connection, data: RevisionData,
                    progress: Callable[[str], None] | None) -> str:
        """Write a revision's rows under a fresh key in one transaction of the plan file; return the key."""
        key = uuid.uuid4().hex
        say = progress or (lambda _message: None)
        with _transaction(con):
            units = [r[0] for r in _python_values(data.assignment, ["unit_id"])]
            codes = ["" if c is None or c != c else str(c) for c in data.assignment["grid_code"].tolist()]
            rows = [(key, u, c) for u, c in zip(units, codes, strict=True)]
            half = len(rows) // 2
            insert = "INSERT INTO assignments (data_key, unit_id, grid_code) VALUES (?, ?, ?)"
            con.executemany(insert, rows[:half])
            say("assignment half written")
            con.executemany(insert, rows[half:])
            say("assignment written")
            if data.grids is not None and len(data.grids):
                self._write_grids(con, key, data.grids)
            say("grids written")
            if data.micro_grids is not None and len(data.micro_grids):
                self._write_micro(con, key, data.micro_grids)
            if len(data.steps):
                steps = data.steps.copy()
                for col in _STEP_COLUMNS:
                    if col not in steps.columns:
                        steps[col] = ""
                con.executemany("INSERT INTO edit_steps (data_key, seq, op, params, changed, n_units, time, undo) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                [(key, *r) for r in _python_values(steps, _STEP_COLUMNS)])
            con.execute("INSERT INTO revision_data (data_key, meta, written) VALUES (?, ?, ?)",
                        (key, json.dumps(data.meta, ensure_ascii=False, default=str), to_text(utc_now())))
            say("data written")
        say("data committed")
        return key

    @staticmethod
    def _write_grids(con: sqlite3.Connection, key: str, grids: gpd.GeoDataFrame) -> None:
        srs_id, geom_col = con.execute("SELECT srs_id, column_name FROM gpkg_geometry_columns "
                                       "WHERE table_name = 'grids'").fetchone()
        stored = [r[1] for r in con.execute("PRAGMA table_info(grids)")]
        columns = [c for c in grids.columns if c in stored and c not in ("fid", "data_key", geom_col)
                   and c != grids.geometry.name]
        geoms = _multi(grids.geometry.to_numpy())
        blobs = [_gpkg_blob(g, int(srs_id)) for g in geoms]
        values = _python_values(pd.DataFrame(grids[columns]), columns)
        names = ", ".join(f'"{c}"' for c in ["data_key", geom_col, *columns])
        marks = ", ".join("?" for _ in range(len(columns) + 2))
        con.executemany(f"INSERT INTO grids ({names}) VALUES ({marks})",
                        [(key, b, *v) for b, v in zip(blobs, values, strict=True)])

    @staticmethod
    def _write_micro(con: sqlite3.Connection, key: str, micro: gpd.GeoDataFrame) -> None:
        """The 微网格 of a revision, in the table ``micro_grids`` (made, and registered for QGIS, at the first use)."""
        srs_id = int(con.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'grids'").fetchone()[0])
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (_MICRO_TABLE,)).fetchone() is None:
            con.execute(_MICRO_DDL)
            con.execute(f"CREATE INDEX {_MICRO_TABLE}_key ON {_MICRO_TABLE} (data_key)")
            now = utc_now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, "
                        "srs_id) VALUES (?, 'features', ?, '微网格 of every revision (data_key)', ?, ?)",
                        (_MICRO_TABLE, _MICRO_TABLE, now, srs_id))
            con.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
                        "VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)", (_MICRO_TABLE, srs_id))
        frame = normalize_micro_grids(micro)
        blobs = [_gpkg_blob(g, srs_id) for g in frame.geometry.to_numpy()]
        values = _python_values(pd.DataFrame(frame[list(MICRO_OUTPUT_COLUMNS)]), MICRO_OUTPUT_COLUMNS)
        names = ", ".join(["data_key", "geom", *MICRO_OUTPUT_COLUMNS])
        marks = ", ".join("?" for _ in range(len(MICRO_OUTPUT_COLUMNS) + 2))
        con.executemany(f"INSERT INTO {_MICRO_TABLE} ({names}) VALUES ({marks})",
                        [(key, b, *v) for b, v in zip(blobs, values, strict=True)])

    @staticmethod
    def _read_micro(con: sqlite3.Connection, key: str, crs: Any) -> gpd.GeoDataFrame:
        """The 微网格 of a revision, as written (:func:`normalize_micro_grids`)."""
        rows = con.execute(f"SELECT geom, {', '.join(MICRO_OUTPUT_COLUMNS)} FROM {_MICRO_TABLE} WHERE data_key = ? "
                           "ORDER BY fid", (key,)).fetchall()
        table = pd.DataFrame([tuple(r[1:]) for r in rows], columns=list(MICRO_OUTPUT_COLUMNS))
        geoms = gpd.GeoSeries([_from_gpkg_blob(r[0]) for r in rows], crs=crs)
        return normalize_micro_grids(gpd.GeoDataFrame(table, geometry=geoms, crs=crs))

    @override
    def write_revision_data(self, project: str, plan: str, data: RevisionData,
                            progress: Callable[[str], None] | None = None) -> str:
        with _open(self._plan_file(project, plan)) as con:
            return self._write_data(con, data, progress)

    @staticmethod
    def _insert_revision(con: sqlite3.Connection, project: str, plan: str, number: int, key: str,
                         entry: NewRevision) -> None:
        con.execute("INSERT INTO revisions (project, plan, number, kind, author, time, base, message, summary, "
                    "status, data_key, history_parent, history_keep) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (project, plan, number, str(entry.kind), entry.author, to_text(entry.time), entry.base,
                     entry.message, json.dumps(entry.summary, ensure_ascii=False, default=str), entry.status, key,
                     entry.history_parent, int(entry.history_keep)))

    @override
    def commit_revision(self, project: str, plan: str, data_key: str, entry: NewRevision, *,
                        expected_head: int | None, move_head: bool = True,
                        audit: Callable[[int], Sequence[AuditEvent]] | Sequence[AuditEvent] = ()) -> Revision:
        with _open(self._plan_file(project, plan)) as con:
            if con.execute("SELECT 1 FROM revision_data WHERE data_key = ?", (data_key,)).fetchone() is None:
                raise WorkspaceError("err_ws_no_data", "no_data", data_key=data_key, plan=plan)
        with self._ws() as con, _transaction(con):
            row = con.execute("SELECT head, last_revision FROM plans WHERE project = ? AND name = ?",
                              (project, plan)).fetchone()
            if row is None:
                raise NotFound("err_ws_no_plan", "no_plan", project=project, plan=plan)
            head, last = int(row["head"]), int(row["last_revision"])
            if expected_head is not None and head != expected_head:
                raise StaleHead(Message("err_ws_plan_at_revision_not", plan=plan, head=head,
                                        expected_head=expected_head), head)
            number = last + 1
            self._insert_revision(con, project, plan, number, data_key, entry)
            con.execute("UPDATE plans SET last_revision = ?, head = ? WHERE project = ? AND name = ?",
                        (number, number if move_head else head, project, plan))
            events = audit(number) if callable(audit) else audit
            _insert_audit(con, events)
        return self.get_revision(project, plan, number)

    @override
    def get_revision(self, project: str, plan: str, number: int) -> Revision:
        """One revision's metadata. Raises :class:`NotFound`."""
        with self._ws() as con:
            row = con.execute("SELECT * FROM revisions WHERE project = ? AND plan = ? AND number = ?",
                              (project, plan, int(number))).fetchone()
        if row is None:
            raise NotFound("err_ws_no_revision", "no_revision",
                           project=project, plan=plan, revision=int(number), number=number)
        return _revision(row)

    @override
    def list_revisions(self, project: str, plan: str) -> list[Revision]:
        with self._ws() as con:
            return [_revision(r) for r in con.execute(
                "SELECT * FROM revisions WHERE project = ? AND plan = ? ORDER BY number", (project, plan))]

    @override
    def read_revision(self, project: str, plan: str, number: int, *, grids: bool = False,
                      assignment: bool = True, micro: bool = False) -> RevisionData:
        with self._ws() as con:
            row = con.execute("SELECT data_key, history_parent, history_keep FROM revisions WHERE project = ? AND "
                              "plan = ? AND number = ?", (project, plan, int(number))).fetchone()
        if row is None:
            raise NotFound("err_ws_no_revision", "no_revision",
                           project=project, plan=plan, revision=int(number), number=number)
        key = row["data_key"]
        path = self._plan_file(project, plan)
        with _open(path) as con:
            meta = json.loads(con.execute("SELECT meta FROM revision_data WHERE data_key = ?", (key,)).fetchone()[0])
            table = pd.DataFrame(con.execute("SELECT unit_id, grid_code FROM assignments WHERE data_key = ? "
                                             "ORDER BY fid", (key,)).fetchall() if assignment else [],
                                 columns=["unit_id", "grid_code"])
            steps = pd.DataFrame(con.execute(f"SELECT {', '.join(_STEP_COLUMNS)} FROM edit_steps WHERE data_key = ? "
                                             "ORDER BY seq", (key,)).fetchall(), columns=list(_STEP_COLUMNS))
            micro_frame = None
            if micro and meta.get("micro_grids") is not None:
                org, org_id, wkt = con.execute(
                    "SELECT s.organization, s.organization_coordsys_id, s.definition FROM gpkg_geometry_columns g "
                    "JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE g.table_name = 'grids'").fetchone()
                crs = f"EPSG:{org_id}" if str(org).upper() == "EPSG" else wkt
                has_table = con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (_MICRO_TABLE,)).fetchone()
                micro_frame = (self._read_micro(con, key, crs) if has_table else normalize_micro_grids(
                    gpd.GeoDataFrame({c: [] for c in MICRO_OUTPUT_COLUMNS}, geometry=gpd.GeoSeries([], crs=crs))))
        frame = None
        if grids:
            frame = gpd.read_file(path, layer="grids", where=f"data_key = '{key}'", engine="pyogrio")
            frame = frame.drop(columns=["data_key"])
        return RevisionData(table, meta, steps, frame, None if row["history_parent"] is None
                            else int(row["history_parent"]), int(row["history_keep"]), micro_frame)

    # ------------------------------------------------------------------ audit and exports

    @override
    def append_audit(self, events: Sequence[AuditEvent]) -> None:
        with self._ws() as con, _transaction(con):
            _insert_audit(con, events)

    @override
    def list_audit(self, *, project: str | None = None, plan: str | None = None, user: str | None = None,
                   limit: int | None = None) -> list[AuditEvent]:
        where, params = where_clause([("project", "=", project), ("plan", "=", plan), ("user_name", "=", user)], "?")
        tail = f" LIMIT {int(limit)}" if limit else ""
        with self._ws() as con:
            rows = con.execute(f"SELECT * FROM audit {where} ORDER BY time DESC, fid DESC{tail}", params).fetchall()
        return [AuditEvent(_moment(r["time"]), r["user_name"], r["action"], r["project"], r["plan"],
                           None if r["revision"] is None else int(r["revision"]), json.loads(r["details"]))
                for r in rows]

    @override
    def insert_export(self, record: ExportRecord, audit: Sequence[AuditEvent] = ()) -> None:
        with self._ws() as con, _transaction(con):
            con.execute("INSERT INTO exports (time, user_name, project, what, n_rows, columns, details) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (to_text(record.time), record.user, record.project, record.what, int(record.n_rows),
                         json.dumps(list(record.columns), ensure_ascii=False),
                         json.dumps(record.details, ensure_ascii=False, default=str)))
            _insert_audit(con, audit)

    @override
    def list_exports(self, *, project: str | None = None) -> list[ExportRecord]:
        where, params = ("WHERE project = ?", [project]) if project is not None else ("", [])
        with self._ws() as con:
            rows = con.execute(f"SELECT * FROM exports {where} ORDER BY time DESC, fid DESC", params).fetchall()
        return [ExportRecord(_moment(r["time"]), r["user_name"], r["project"], r["what"], int(r["n_rows"]),
                             tuple(json.loads(r["columns"])), json.loads(r["details"])) for r in rows]


def _with_revision(event: AuditEvent, number: int) -> AuditEvent:
    return AuditEvent(event.time, event.user, event.action, event.project, event.plan, number, event.details)
