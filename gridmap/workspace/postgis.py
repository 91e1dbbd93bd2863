"""The workspace in PostgreSQL/PostGIS: projects, plans, revisions, audit trail and accounts in a database.

The same data as the GeoPackage folder, in a real database — many planners saving at once, GIS
staff reading the live plan in QGIS.

Named by a URL anywhere a workspace is named: ``postgresql://USER@HOST:PORT/DB`` (the password from
``PGPASSWORD`` or ``~/.pgpass``, or in the URL), the schema ``gridmap`` unless the URL says
``?schema=NAME``. The semantics are those of :class:`gridmap.workspace.backend.Backend` — what the
GeoPackage folder does with SQLite transactions and fresh files, this does with PostgreSQL
transactions:

* **Optimistic concurrency on a revision column**: ``plans.head`` is compared and moved in the
  commit transaction (``SELECT … FOR UPDATE``, compare with the expected head, insert the revision
  row, update the head, insert the audit events, ``COMMIT``): of two saves on one base exactly one
  wins, the other gets :class:`gridmap.workspace.errors.StaleHead` and is merged or refused one
  floor up (:mod:`gridmap.workspace.workspace`), exactly as in the GeoPackage folder.
* **A save killed half way leaves the last revision whole**: a revision's data (assignment, grids,
  edit steps) is written in its own transaction under a fresh ``data_key`` no revision names yet; a
  client killed mid-write loses its connection, and PostgreSQL rolls the open transaction back.
* **Saves of one plan queue** on a session advisory lock (released by the server when the client
  dies), so twenty planners saving at once do not merge again and again.
* **A project's run results are replaced in one transaction**: the old rows deleted, the new ones
  copied in, the audit line written, ``COMMIT`` — a run killed while storing leaves the previous
  results whole.
* **Readers see whole states**: reads that span several statements run in one ``REPEATABLE READ``
  transaction (an import that replaces a project's inputs is never seen half done).

Geometry is stored in each project's metric CRS (its SRID; a CRS without an EPSG code is added to
``spatial_ref_sys`` under a gridmap SRID), with GiST indexes — an input layer imported in another
CRS (WGS84, CGCS2000 degrees) also keeps its geometry exactly as given, which is what reads
return; attributes are ``jsonb`` beside it, with each layer's column names and types kept so a
layer reads back as it was written (as a GeoPackage folder gives it: lists joined with ``;``).
The views ``grids_current`` and ``units_current`` (:mod:`gridmap.workspace.pgschema`) give the
head revision of every plan in EPSG:4326 for QGIS, ``ogr2ogr`` and ``geopandas.read_postgis``.

Connections come from a :class:`psycopg_pool.ConnectionPool` per backend (opened on first use;
:meth:`PostgisBackend.close` closes it).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Json, Jsonb
from psycopg_pool import ConnectionPool
from pyproj import CRS
from typing_extensions import override  # typing.override from Python 3.12; gridmap supports 3.11

from gridmap.plans.micro import MICRO_OUTPUT_COLUMNS, normalize_micro_grids
from gridmap.vocab import LIST_SEP, Joined, Message
from gridmap.workspace.backend import FORMAT, AccountChange, Backend, NewRevision, RevisionData, where_clause
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
    to_text,
    utc_now,
)
from gridmap.workspace.pgschema import LATEST, check_version, installed_version, lock_key, migrate

__all__ = ["PostgisBackend", "DEFAULT_SCHEMA", "split_url"]

#: A connection of the pool: its rows are dicts (``dict_row``), read by column name.
_DictConnection = psycopg.Connection[DictRow]

#: The schema holding the workspace unless the URL names another (``?schema=NAME``).
DEFAULT_SCHEMA = "gridmap"
#: Seconds a save waits for the other saves of the same plan.
PLAN_LOCK_TIMEOUT_S = 120.0
#: Seconds to wait for the server when connecting.
CONNECT_TIMEOUT_S = 10
#: The first SRID gridmap gives a CRS that has no EPSG code (PostGIS keeps 900000–998999 for users).
USER_SRID_MIN, USER_SRID_MAX = 910000, 998999
_STEP_COLUMNS = ("seq", "op", "params", "changed", "n_units", "time", "undo")


def split_url(url: str, schema: str | None = None) -> tuple[str, str, str]:
    """A workspace URL → (connection URL for libpq, schema, location shown to people: no password).

    ``?schema=NAME`` in the URL chooses the schema (an explicit ``schema`` argument wins); every
    other query parameter goes to libpq (``sslmode``, ``connect_timeout``, …).
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    named = [v for k, v in query if k == "schema"]
    rest = [(k, v) for k, v in query if k != "schema"]
    schema = schema or (named[-1] if named else DEFAULT_SCHEMA)
    if not schema or "\x00" in schema:
        raise WorkspaceError("err_ws_bad_schema", "bad_schema", url=url)
    scheme = "postgresql"
    conninfo = urlunsplit((scheme, parts.netloc, parts.path, urlencode(rest), ""))
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2 and ":" in netloc[0]:  # user:password@host → user@host
        netloc = [netloc[0].split(":", 1)[0], netloc[1]]
    shown_query = urlencode(rest + ([("schema", schema)] if schema != DEFAULT_SCHEMA else []))
    location = urlunsplit((scheme, "@".join(netloc), parts.path, shown_query, ""))
    return conninfo, schema, location


# ---------------------------------------------------------------------------------- values


def _plain(value: Any) -> Any:
    """A cell as a JSON value: numpy scalars as Python, NaN/NaT as null, lists joined with ``;`` (as a GeoPackage)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return ";".join(map(str, value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if value is pd.NaT or (not isinstance(value, (str, bytes, bool, int, float)) and pd.isna(value) is True):
        return None
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    """JSON text for PostgreSQL (which refuses NaN): Chinese kept, numpy values as numbers, NaN as null."""
    try:
        return json.dumps(value, ensure_ascii=False, default=_json_default, allow_nan=False)
    except ValueError:
        return json.dumps(_no_nan(json.loads(json.dumps(value, default=_json_default))), ensure_ascii=False,
                          allow_nan=False)


def _json(value: Any) -> Json:
    """A ``json`` parameter (key order kept, unlike ``jsonb``: summaries and audit details read as written)."""
    return Json(value, dumps=_dumps)


def _jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_dumps)


def _columns_spec(frame: pd.DataFrame) -> list[dict[str, str]]:
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [{"name": str(c), "dtype": str(frame[c].dtype)} for c in frame.columns if c != geom]


def _attribute_rows(frame: pd.DataFrame, spec: Sequence[Mapping[str, str]]) -> list[str]:
    """Each row's attributes as JSON text (``{column: value}``), for the ``attributes`` column."""
    names = [c["name"] for c in spec]
    columns = [[_plain(v) for v in frame[name].astype(object).tolist()] for name in names]
    return [_dumps(dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)] if names else \
        ["{}"] * len(frame)


def _frame(records: Sequence[Mapping[str, Any]], spec: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """Attribute records read back as a DataFrame with the stored column types (as a GeoPackage reads them)."""
    names = [c["name"] for c in spec]
    table = pd.DataFrame.from_records(list(records), columns=names) if len(records) else \
        pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    out = {}
    for column in spec:
        name, dtype = column["name"], column["dtype"]
        values = table[name]
        missing = values.isna().any()
        try:
            if dtype.startswith(("int", "uint", "Int", "UInt")):
                out[name] = values.astype("float64") if missing else values.astype(dtype.lower())
            elif dtype.startswith(("float", "Float")):
                out[name] = values.astype(dtype.lower())
            elif dtype in ("bool", "boolean"):
                out[name] = values.astype(object) if missing else values.astype(bool)
            elif dtype.startswith("datetime64"):
                utc = "," in dtype
                stamps = pd.to_datetime(values, utc=utc, format="ISO8601")
                out[name] = stamps.dt.tz_convert(dtype.split(",", 1)[1].strip(" ]")) if utc else stamps
            elif dtype == "string":
                out[name] = values.astype("string")
            else:  # text: pandas' own inference, as pyogrio reads a GeoPackage (str type in pandas 3)
                out[name] = values
        except (ValueError, TypeError):  # a value that does not fit the type: keep it as read
            out[name] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(table)), columns=names)


def _crs_text(crs: CRS | None) -> str | None:
    """A CRS as text: ``AUTH:CODE`` when it is exactly an authority's, else its WKT."""
    if crs is None:
        return None
    auth = crs.to_authority(min_confidence=100)
    return f"{auth[0]}:{auth[1]}" if auth else crs.to_wkt()


def _ewkb(geoms: np.ndarray, srid: int) -> list[str | None]:
    """Geometries as hex EWKB with their SRID (what PostGIS reads in COPY); None for missing ones."""
    out: list[str | None] = [None] * len(geoms)
    arr = np.asarray(geoms, dtype=object)
    present = ~(shapely.is_missing(arr))
    if present.any():
        hexes = shapely.to_wkb(shapely.set_srid(arr[present], srid), hex=True, include_srid=True,
                               output_dimension=2)
        for i, h in zip(np.flatnonzero(present), hexes, strict=True):
            out[i] = h
    return out


def _geoframe(records: Sequence[Mapping[str, Any]], wkbs: Sequence[bytes | None], spec: Sequence[Mapping[str, str]],
              crs: str | None) -> gpd.GeoDataFrame:
    table = _frame(records, spec)
    geoms = shapely.from_wkb(np.array([w if w is None else bytes(w) for w in wkbs], dtype=object))
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, crs=crs, index=table.index), crs=crs)


def _osm_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gridmap" / "osm"


# ---------------------------------------------------------------------------------- records


def _account(r: Mapping[str, Any]) -> Account:
    return Account(name=r["name"], role=Role(r["role"]), scopes=tuple(r["scopes"]), projects=tuple(r["projects"]),
                   disabled=bool(r["disabled"]), password_hash=r["password_hash"],
                   failed_logins=int(r["failed_logins"]), locked_until=r["locked_until"], created=r["created"],
                   updated=r["updated"], source=r["source"])


def _project(r: Mapping[str, Any]) -> Project:
    return Project(name=r["name"], title=r["title"] or "", crs=r["crs"], codes=tuple(r["codes"]),
                   layers=tuple(r["layers"]), osm=r["osm"], inputs_version=int(r["inputs_version"]),
                   created=r["created"], created_by=r["created_by"] or "")


def _plan_info(r: Mapping[str, Any]) -> PlanInfo:
    return PlanInfo(project=r["project"], name=r["name"], plan_id=r["plan_id"], head=int(r["head"]),
                    last_revision=int(r["last_revision"]), n_units=int(r["n_units"]), created=r["created"],
                    created_by=r["created_by"] or "")


def _revision(r: Mapping[str, Any], project: str, plan: str) -> Revision:
    return Revision(project=project, plan=plan, number=int(r["number"]), kind=RevisionKind(r["kind"]),
                    author=r["author"], time=r["time"], base=None if r["base"] is None else int(r["base"]),
                    message=r["message"], summary=r["summary"], status=r["status"])


def _audit_event(r: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(r["time"], r["user_name"], r["action"], r["project"], r["plan"],
                      None if r["revision"] is None else int(r["revision"]), r["details"])


class PostgisBackend(Backend):
    """A workspace in a PostgreSQL database with PostGIS (see the module docstring).

    Parameters
    ----------
    url : ``postgresql://USER[:PASSWORD]@HOST:PORT/DB[?schema=NAME&…]``.
    schema : the schema holding the workspace (default: the URL's ``schema``, else ``gridmap``).
    max_connections : the size limit of the connection pool.
    """

    def __init__(self, url: str, schema: str | None = None, *, max_connections: int = 10):
        self.conninfo, self.schema, self.location = split_url(str(url), schema)
        self.s = '"' + self.schema.replace('"', '""') + '"'  # the schema, quoted for SQL text
        self.max_connections = max_connections
        self._pool: ConnectionPool[_DictConnection] | None = None
        self._pool_guard = threading.Lock()
        self._srids: dict[str, int] = {}

    # ------------------------------------------------------------------ connections

    def _connect_error(self, exc: Exception) -> WorkspaceError:
        return WorkspaceError("err_ws_unreachable", "unreachable", location=self.location, detail=str(exc).strip())

    def _configure(self, conn: _DictConnection) -> None:
        conn.execute("SET TIME ZONE 'UTC'")

    def _get_pool(self) -> ConnectionPool[_DictConnection]:
        with self._pool_guard:
            if self._pool is None:
                try:  # one direct connection first: a wrong URL is named now, not after the pool's timeout
                    psycopg.connect(self.conninfo, connect_timeout=CONNECT_TIMEOUT_S).close()
                except psycopg.Error as exc:
                    raise self._connect_error(exc) from exc
                pool: ConnectionPool[_DictConnection]  # the kwargs' dict_row makes each connection's rows dicts
                pool = ConnectionPool(self.conninfo, min_size=1, max_size=self.max_connections, open=True,
                                      kwargs={"autocommit": True, "row_factory": dict_row,
                                              "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "gridmap"},
                                      configure=self._configure, name=f"gridmap {self.location}", timeout=60)
                weakref.finalize(self, pool.close)
                self._pool = pool
            return self._pool

    def close(self) -> None:
        """Close the connections (the backend reconnects if used again)."""
        with self._pool_guard:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    @contextmanager
    def _conn(self) -> Iterator[_DictConnection]:
        try:
            with self._get_pool().connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:
            raise self._connect_error(exc) from exc

    @contextmanager
    def _tx(self, snapshot: bool = False) -> Iterator[_DictConnection]:
        """A transaction (``snapshot``: REPEATABLE READ, for reads spanning several statements)."""
        with self._conn() as conn, conn.transaction():
            if snapshot:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield conn

    def _srid(self, conn: _DictConnection, crs_input: Any) -> int:
        """The SRID of a CRS in this database; a CRS without an EPSG code gets a gridmap SRID (added once)."""
        crs = CRS.from_user_input(crs_input)
        wkt = crs.to_wkt("WKT1_GDAL")
        if wkt in self._srids:
            return self._srids[wkt]
        auth = crs.to_authority(min_confidence=100)
        srid = None
        if auth and auth[0] == "EPSG":
            row = conn.execute("SELECT srid FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = %s",
                               (int(auth[1]),)).fetchone()
            srid = None if row is None else int(row["srid"])
        if srid is None:
            row = conn.execute("SELECT srid FROM spatial_ref_sys WHERE srtext = %s ORDER BY srid LIMIT 1",
                               (wkt,)).fetchone()
            srid = None if row is None else int(row["srid"])
        if srid is None:
            with conn.transaction():
                conn.execute("LOCK TABLE spatial_ref_sys IN SHARE ROW EXCLUSIVE MODE")
                row = conn.execute("SELECT coalesce(max(srid) + 1, %s) AS srid FROM spatial_ref_sys WHERE srid "
                                   "BETWEEN %s AND %s", (USER_SRID_MIN, USER_SRID_MIN, USER_SRID_MAX)).fetchone()
                assert row is not None  # an aggregate gives one row
                srid = int(row["srid"])
                conn.execute("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
                             "VALUES (%s, 'gridmap', %s, %s, %s)", (srid, srid, wkt, crs.to_proj4()))
        self._srids[wkt] = srid
        return srid

    # ------------------------------------------------------------------ the store

    @override
    def initialize(self) -> None:
        """Create the schema and its tables (migrations up to the newest); upgrade an older one; refuse a newer."""
        self.migrate(create=True)

    def migrate(self, *, create: bool = False, upto: int = LATEST) -> int:
        """Apply the missing schema migrations (see :mod:`gridmap.workspace.pgschema`); return the version."""
        from gridmap import __version__

        with self._conn() as conn:
            if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
                try:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                except psycopg.Error as exc:
                    raise WorkspaceError("err_ws_no_postgis", "no_postgis", location=self.location,
                                         detail=str(exc).strip()) from exc
            if create:
                self._refuse_foreign_schema(conn)
            try:
                version = migrate(conn, self.schema, self.location, create=create, upto=upto,
                                  gridmap_version=__version__)
            except psycopg.errors.InsufficientPrivilege as exc:
                raise WorkspaceError("err_ws_no_privilege", "no_privilege", location=self.location,
                                     schema=self.schema, detail=str(exc).strip()) from exc
            if create:
                conn.execute(f"INSERT INTO {self.s}.meta (key, value) VALUES ('format', %s), ('created', %s) "
                             "ON CONFLICT (key) DO NOTHING", (FORMAT, to_text(utc_now())))
        return version

    def _refuse_foreign_schema(self, conn: _DictConnection) -> None:
        """A schema of that name holding other tables, and no workspace, is not ours to fill."""
        if installed_version(conn, self.schema) is not None:
            return
        row = conn.execute("SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = %s", (self.schema,)).fetchone()
        assert row is not None  # an aggregate gives one row
        if row["n"]:
            raise WorkspaceFormatError("err_ws_schema_not_empty",
                                       "schema_not_empty", location=self.location, schema=self.schema)

    @override
    def check(self) -> dict[str, Any]:
        """The workspace's description; upgrades an older schema, refuses a newer one or none."""
        with self._conn() as conn:
            version = installed_version(conn, self.schema)
        check_version(version, self.location)
        if version is not None and version < LATEST:
            version = self.migrate()
        with self._conn() as conn:
            meta = {r["key"]: r["value"] for r in conn.execute(f"SELECT key, value FROM {self.s}.meta")}
        if meta.get("format") != FORMAT:
            raise WorkspaceFormatError("err_ws_not_a_workspace_5",
                                       "not_a_workspace", location=self.location, schema=self.schema)
        return {"format": FORMAT, "schema_version": version, "created": meta.get("created"),
                "location": self.location, "backend": "postgis", "schema": self.schema}

    # ------------------------------------------------------------------ accounts

    @override
    def count_accounts(self) -> int:
        with self._conn() as conn:
            row = conn.execute(f"SELECT count(*) AS n FROM {self.s}.accounts").fetchone()
        assert row is not None  # an aggregate gives one row
        return int(row["n"])

    @override
    def get_account(self, name: str) -> Account | None:
        with self._conn() as conn:
            row = conn.execute(f"SELECT * FROM {self.s}.accounts WHERE name = %s", (name,)).fetchone()
        return None if row is None else _account(row)

    @override
    def list_accounts(self) -> list[Account]:
        with self._conn() as conn:
            return [_account(r) for r in conn.execute(f"SELECT * FROM {self.s}.accounts ORDER BY name")]

    @staticmethod
    def _account_values(a: Account) -> dict[str, Any]:
        return {"name": a.name, "role": str(a.role), "scopes": _jsonb(list(a.scopes)),
                "projects": _jsonb(list(a.projects)), "disabled": bool(a.disabled), "password_hash": a.password_hash,
                "failed_logins": int(a.failed_logins), "locked_until": a.locked_until, "created": a.created,
                "updated": a.updated, "source": a.source}

    def _insert_audit(self, conn: _DictConnection, events: Sequence[AuditEvent]) -> None:
        if events:
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {self.s}.audit (time, user_name, action, project, plan, revision, "
                                "details) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                                [(e.time, e.user, e.action, e.project, e.plan, e.revision, _json(e.details))
                                 for e in events])

    @override
    def insert_account(self, account: Account, audit: Sequence[AuditEvent] = ()) -> None:
        with self._tx() as conn:
            cur = conn.execute(f"INSERT INTO {self.s}.accounts (name, role, scopes, projects, disabled, password_hash, "
                               "failed_logins, locked_until, created, updated, source) VALUES (%(name)s, %(role)s, "
                               "%(scopes)s, %(projects)s, %(disabled)s, %(password_hash)s, %(failed_logins)s, "
                               "%(locked_until)s, %(created)s, %(updated)s, %(source)s) ON CONFLICT (name) DO NOTHING",
                               self._account_values(account))
            if cur.rowcount != 1:
                raise AlreadyExists("err_ws_account_exists", "account_exists",
                                    name=account.name)
            self._insert_audit(conn, audit)

    @override
    def modify_account(self, name: str, change: AccountChange) -> Account:
        with self._tx() as conn:
            row = conn.execute(f"SELECT * FROM {self.s}.accounts WHERE name = %s FOR UPDATE", (name,)).fetchone()
            if row is None:
                raise NotFound("err_ws_no_account", "no_account", name=name)
            new, events = change(_account(row))
            values = self._account_values(new)
            values["name"] = name
            conn.execute(f"UPDATE {self.s}.accounts SET role = %(role)s, scopes = %(scopes)s, "
                         "projects = %(projects)s, disabled = %(disabled)s, password_hash = %(password_hash)s, "
                         "failed_logins = %(failed_logins)s, locked_until = %(locked_until)s, "
                         "created = %(created)s, updated = %(updated)s, source = %(source)s "
                         "WHERE name = %(name)s", values)
            self._insert_audit(conn, events)
        return new

    # ------------------------------------------------------------------ sessions

    @override
    def insert_session(self, record: SessionRecord) -> None:
        with self._conn() as conn:
            conn.execute(f"INSERT INTO {self.s}.sessions (token_hash, name, created, expires, kind) "
                         "VALUES (%s, %s, %s, %s, %s)",
                         (record.token_hash, record.name, record.created, record.expires, str(record.kind)))

    @override
    def get_session(self, token_hash: str) -> SessionRecord | None:
        with self._conn() as conn:
            row = conn.execute(f"SELECT * FROM {self.s}.sessions WHERE token_hash = %s", (token_hash,)).fetchone()
        if row is None:
            return None
        return SessionRecord(row["token_hash"], row["name"], row["created"], row["expires"], PrincipalKind(row["kind"]))

    @override
    def delete_sessions(self, *, token_hash: str | None = None, name: str | None = None,
                        expired_before: datetime | None = None) -> int:
        where, params = where_clause([("token_hash", "=", token_hash), ("name", "=", name),
                                      ("expires", "<", expired_before)], "%s")
        if not where:
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise ValueError("delete_sessions needs token_hash, name or expired_before")
        with self._conn() as conn:
            return conn.execute(f"DELETE FROM {self.s}.sessions {where}", params).rowcount

    # ------------------------------------------------------------------ projects

    @override
    def list_projects(self) -> list[Project]:
        with self._conn() as conn:
            return [_project(r) for r in conn.execute(f"SELECT * FROM {self.s}.projects ORDER BY name")]

    @override
    def get_project(self, name: str) -> Project | None:
        with self._conn() as conn:
            row = conn.execute(f"SELECT * FROM {self.s}.projects WHERE name = %s", (name,)).fetchone()
        return None if row is None else _project(row)

    @override
    def insert_project(self, project: Project, audit: Sequence[AuditEvent] = ()) -> None:
        with self._tx() as conn:
            cur = conn.execute(f"INSERT INTO {self.s}.projects (name, title, crs, codes, created, created_by) "
                               "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
                               (project.name, project.title, project.crs, _jsonb(list(project.codes)), project.created,
                                project.created_by))
            if cur.rowcount != 1:
                raise AlreadyExists("err_ws_project_exists", "project_exists",
                                    project=project.name, name=project.name)
            self._insert_audit(conn, audit)

    def _write_features(self, conn: _DictConnection, table: str, fixed: Sequence[Any], fixed_columns: Sequence[str],
                        frame: gpd.GeoDataFrame, spec: Sequence[Mapping[str, str]], srid: int | None,
                        extra: Sequence[Sequence[Any]] = (), extra_columns: Sequence[str] = (),
                        metric: tuple[Any, int] | None = None) -> None:
        """COPY a layer's rows into ``table``: fixed values, ``seq``/``fid``, extra columns, attributes, geometry.

        ``metric`` = (CRS, SRID): store ``geom`` in that CRS and the geometry as given, exactly, in
        ``source_wkb`` (input layers imported in another CRS than their project's metric one).
        """
        attributes = _attribute_rows(frame, spec)
        extra = list(extra) if extra_columns else [()] * len(frame)
        columns = [*fixed_columns, *extra_columns, "attributes", "geom"]
        rows: list[tuple[Any, ...]]  # (attributes, geometry[, source WKB]) per feature
        if metric is None:
            geoms = _ewkb(frame.geometry.to_numpy(), srid or 0)
            rows = [(attrs, geom) for attrs, geom in zip(attributes, geoms, strict=True)]
        else:
            crs, metric_srid = metric
            geoms = _ewkb(frame.geometry.to_crs(crs).to_numpy(), metric_srid)
            source = shapely.to_wkb(np.asarray(frame.geometry.to_numpy(), dtype=object), output_dimension=2)
            rows = [(attrs, geom, None if geom is None else wkb)
                    for attrs, geom, wkb in zip(attributes, geoms, source, strict=True)]
            columns.append("source_wkb")
        names = ", ".join(columns)
        with conn.cursor() as cur, cur.copy(f"COPY {self.s}.{table} ({names}) FROM STDIN") as copy:
            for i, (more, row) in enumerate(zip(extra, rows, strict=True)):
                copy.write_row((*fixed, i, *more, *row))

    @override
    def replace_inputs(self, project: Project, layers: Mapping[str, gpd.GeoDataFrame], osm: Path | None,
                       audit: Sequence[AuditEvent] = ()) -> Project:
        osm_name, osm_bytes = None, None
        if osm is not None:
            osm_bytes = Path(osm).read_bytes()
            suffix = ".osm.bz2" if Path(osm).name.lower().endswith(".bz2") else ".osm"
            osm_name = f"{hashlib.sha256(osm_bytes).hexdigest()}{suffix}"
        with self._tx() as conn:
            row = conn.execute(f"SELECT inputs_version FROM {self.s}.projects WHERE name = %s FOR UPDATE",
                               (project.name,)).fetchone()
            if row is None:
                raise NotFound("err_ws_no_project", "no_project", project=project.name, name=project.name)
            version = int(row["inputs_version"]) + 1
            project_srid = self._srid(conn, project.crs) if project.crs else None
            for key, frame in layers.items():
                if frame.crs is None:
                    raise WorkspaceError("err_ws_no_crs_2",
                                         "no_crs", layer=key, key=key)
                srid = self._srid(conn, frame.crs)
                spec = _columns_spec(frame)
                conn.execute(f"INSERT INTO {self.s}.input_layers (project, version, layer, crs, srid, columns, "
                             "geometry_name, n_features) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                             (project.name, version, key, _crs_text(frame.crs), srid, _jsonb(spec),
                              frame.geometry.name, int(len(frame))))
                metric = None if project_srid in (None, srid) else (project.crs, project_srid)
                self._write_features(conn, "input_features", (project.name, version, key),
                                     ("project", "version", "layer", "fid"), frame, spec, srid, metric=metric)
            if osm_bytes is not None:
                conn.execute(f"INSERT INTO {self.s}.osm_files (file_name, data) VALUES (%s, %s) "
                             "ON CONFLICT (file_name) DO NOTHING", (osm_name, osm_bytes))
            conn.execute(f"UPDATE {self.s}.projects SET title = %s, crs = %s, srid = %s, codes = %s, layers = %s, "
                         "osm = %s, inputs_version = %s WHERE name = %s",
                         (project.title, project.crs, project_srid, _jsonb(list(project.codes)), _jsonb(list(layers)),
                          osm_name, version, project.name))
            # the previous inputs go in the same transaction: readers hold a snapshot (see read_layer)
            conn.execute(f"DELETE FROM {self.s}.input_layers WHERE project = %s AND version < %s",
                         (project.name, version))
            self._insert_audit(conn, audit)
        stored = self.get_project(project.name)
        assert stored is not None
        return stored

    @override
    def read_layer(self, project: str, key: str) -> gpd.GeoDataFrame:
        with self._tx(snapshot=True) as conn:
            layer = conn.execute(f"SELECT l.crs, l.columns FROM {self.s}.projects p JOIN {self.s}.input_layers l "
                                 "ON l.project = p.name AND l.version = p.inputs_version AND l.layer = %s "
                                 "WHERE p.name = %s", (key, project)).fetchone()
            if layer is None:
                if self.get_project(project) is None:
                    raise NotFound("err_ws_no_project_2", "no_project", project=project)
                raise NotFound("err_ws_no_layer", "no_layer", project=project,
                               layer=key, key=key)
            rows = conn.execute(f"SELECT f.attributes, coalesce(f.source_wkb, ST_AsBinary(f.geom)) AS wkb "
                                f"FROM {self.s}.input_features f "
                                f"JOIN {self.s}.projects p ON p.name = f.project AND p.inputs_version = f.version "
                                "WHERE f.project = %s AND f.layer = %s ORDER BY f.fid", (project, key)).fetchall()
        return _geoframe([r["attributes"] for r in rows], [r["wkb"] for r in rows], layer["columns"], layer["crs"])

    @override
    def osm_path(self, project: str) -> Path | None:
        """The project's OSM file, copied once into the local cache (``~/.cache/gridmap/osm``, named by its sha256)."""
        stored = self.get_project(project)
        if stored is None:
            raise NotFound("err_ws_no_project_2", "no_project", project=project)
        if not stored.osm:
            return None
        target = _osm_cache() / stored.osm
        if not target.is_file():
            with self._conn() as conn:
                row = conn.execute(f"SELECT data FROM {self.s}.osm_files WHERE file_name = %s",
                                   (stored.osm,)).fetchone()
            if row is None:
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
            tmp.write_bytes(bytes(row["data"]))
            os.replace(tmp, target)
        return target

    # ------------------------------------------------------------------ run results

    def replace_results(self, info: ResultsInfo, tables: Mapping[str, pd.DataFrame],
                        audit: Sequence[AuditEvent] = (), progress: Callable[[str], None] | None = None
                        ) -> ResultsInfo:
        """Delete the project's results and copy the new tables in, in one transaction (see the module docstring)."""
        say = progress or (lambda _message: None)
        counts = {name: int(len(frame)) for name, frame in tables.items()}
        with self._tx() as conn:
            if conn.execute(f"SELECT 1 FROM {self.s}.projects WHERE name = %s FOR UPDATE",
                            (info.project,)).fetchone() is None:  # also queues two stores of one project
                raise NotFound("err_ws_no_project_2", "no_project", project=info.project)
            srid = self._srid(conn, info.crs) if info.crs else None
            specs: dict[str, dict[str, Any]] = {}
            for name, frame in tables.items():
                geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
                specs[name] = {"columns": _columns_spec(frame), "rows": counts[name], "geometry": geometry}
            conn.execute(f"DELETE FROM {self.s}.results WHERE project = %s", (info.project,))
            conn.execute(f"INSERT INTO {self.s}.results (project, crs, srid, meta, tables, written, written_by) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         (info.project, info.crs, srid, _json(info.meta), _jsonb(specs), info.written,
                          info.written_by))
            for name, frame in tables.items():
                if not isinstance(frame, gpd.GeoDataFrame):
                    frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), index=frame.index))
                self._write_features(conn, "result_features", (info.project, name), ("project", "layer", "seq"),
                                     frame, specs[name]["columns"], srid)
                say(f"{name} written")
            say("tables written")
            self._insert_audit(conn, audit)
        return replace(info, tables=counts)

    def list_results(self) -> list[ResultsInfo]:
        """Every project's results record (:meth:`Backend.list_results`)."""
        with self._conn() as conn:
            rows = conn.execute(f"SELECT * FROM {self.s}.results ORDER BY project").fetchall()
        return [self._results_info(r) for r in rows]

    @staticmethod
    def _results_info(r: Mapping[str, Any]) -> ResultsInfo:
        return ResultsInfo(project=r["project"], written=r["written"], written_by=r["written_by"], crs=r["crs"],
                           meta=r["meta"], tables={k: int(v["rows"]) for k, v in r["tables"].items()})

    def read_results(self, project: str, tables: Sequence[str] | None = None
                     ) -> tuple[ResultsInfo, dict[str, pd.DataFrame]]:
        """The tables, read in one snapshot (:meth:`Backend.read_results`)."""
        with self._tx(snapshot=True) as conn:
            row = conn.execute(f"SELECT * FROM {self.s}.results WHERE project = %s", (project,)).fetchone()
            if row is None:
                if self.get_project(project) is None:
                    raise NotFound("err_ws_no_project_2", "no_project", project=project)
                raise NotFound("err_ws_no_results", "no_results", project=project, location=self.location)
            specs = row["tables"]
            names = list(specs) if tables is None else list(tables)
            missing = [n for n in names if n not in specs]
            if missing:
                raise NotFound("err_ws_no_results_table",
                               "no_results_table", project=project, tables=missing, missing=Joined(missing, LIST_SEP))
            frames: dict[str, pd.DataFrame] = {}
            for name in names:
                spec = specs[name]
                rows = conn.execute(f"SELECT attributes, ST_AsBinary(geom) AS wkb FROM {self.s}.result_features "
                                    "WHERE project = %s AND layer = %s ORDER BY seq", (project, name)).fetchall()
                records = [r["attributes"] for r in rows]
                if spec["geometry"] is None:
                    frames[name] = _frame(records, spec["columns"])
                else:
                    frame = _geoframe(records, [r["wkb"] for r in rows], spec["columns"], row["crs"])
                    frames[name] = frame.rename_geometry(spec["geometry"]) if spec["geometry"] != "geometry" \
                        else frame
        return self._results_info(row), frames

    # ------------------------------------------------------------------ plans

    _PLAN_COLUMNS = "project, name, plan_id, head, last_revision, n_units, created, created_by"

    @override
    def list_plans(self, project: str) -> list[PlanInfo]:
        with self._conn() as conn:
            return [_plan_info(r) for r in conn.execute(
                f"SELECT {self._PLAN_COLUMNS} FROM {self.s}.plans WHERE project = %s ORDER BY name", (project,))]

    @override
    def get_plan(self, project: str, plan: str) -> PlanInfo | None:
        with self._conn() as conn:
            row = conn.execute(f"SELECT {self._PLAN_COLUMNS} FROM {self.s}.plans WHERE project = %s AND name = %s",
                               (project, plan)).fetchone()
        return None if row is None else _plan_info(row)

    def _plan_row(self, conn: _DictConnection, project: str, plan: str, *, lock: bool = False) -> dict[str, Any]:
        lock_clause = " FOR UPDATE" if lock else ""
        row = conn.execute(f"SELECT id, head, last_revision, crs, srid, unit_columns FROM {self.s}.plans "
                           f"WHERE project = %s AND name = %s{lock_clause}", (project, plan)).fetchone()
        if row is None:
            raise NotFound("err_ws_no_plan", "no_plan", project=project, plan=plan)
        return row

    @override
    def create_plan(self, project: str, plan: str, plan_id: str, units: gpd.GeoDataFrame, data: RevisionData,
                    entry: NewRevision, audit: Sequence[AuditEvent] = ()) -> Revision:
        if self.get_project(project) is None:
            raise NotFound("err_ws_no_project_2", "no_project", project=project)
        if units.crs is None:
            raise WorkspaceError("err_ws_no_crs", "no_crs", plan=plan)
        spec = _columns_spec(units)
        with self._tx() as conn:
            srid = self._srid(conn, units.crs)
            row = conn.execute(f"INSERT INTO {self.s}.plans (project, name, plan_id, head, last_revision, n_units, "
                               "crs, srid, unit_columns, created, created_by) "
                               "VALUES (%s, %s, %s, 1, 1, %s, %s, %s, %s, %s, %s) "
                               "ON CONFLICT (project, name) DO NOTHING RETURNING id",
                               (project, plan, plan_id, int(len(units)), _crs_text(units.crs), srid, _jsonb(spec),
                                entry.time, entry.author)).fetchone()
            if row is None:
                raise AlreadyExists("err_ws_plan_exists", "plan_exists",
                                    project=project, plan=plan)
            plan_pk = int(row["id"])
            unit_ids = [int(u) for u in units["unit_id"].tolist()]
            self._write_features(conn, "units", (plan_pk,), ("plan", "seq"), units, spec, srid,
                                 [(u,) for u in unit_ids], ("unit_id",))
            key = self._write_data(conn, plan_pk, srid, data, None)
            self._insert_revision(conn, plan_pk, 1, key, entry)
            self._insert_audit(conn, [e if e.revision is not None else AuditEvent(
                e.time, e.user, e.action, e.project, e.plan, 1, e.details) for e in audit])
        return self.get_revision(project, plan, 1)

    @override
    @contextmanager
    def plan_lock(self, project: str, plan: str) -> Iterator[None]:
        """A session advisory lock on its own connection (the server releases it if this process dies)."""
        if self.get_plan(project, plan) is None:
            raise NotFound("err_ws_no_plan", "no_plan", project=project, plan=plan)
        try:
            conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                   application_name="gridmap plan lock")
        except psycopg.Error as exc:
            raise self._connect_error(exc) from exc
        key = lock_key(self.schema, project, plan)
        try:
            conn.execute(f"SET lock_timeout = '{int(PLAN_LOCK_TIMEOUT_S * 1000)}ms'")
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            except psycopg.errors.LockNotAvailable as exc:
                raise WorkspaceError("err_ws_plan_busy_2", "plan_busy", project=project, plan=plan,
                                     seconds=PLAN_LOCK_TIMEOUT_S) from exc
            try:
                yield
            finally:
                if not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        finally:
            conn.close()

    @override
    def read_units(self, project: str, plan: str) -> gpd.GeoDataFrame:
        with self._tx(snapshot=True) as conn:
            row = self._plan_row(conn, project, plan)
            rows = conn.execute(f"SELECT attributes, ST_AsBinary(geom) AS wkb FROM {self.s}.units WHERE plan = %s "
                                "ORDER BY seq", (row["id"],)).fetchall()
        return _geoframe([r["attributes"] for r in rows], [r["wkb"] for r in rows], row["unit_columns"], row["crs"])

    def _write_data(self, conn: _DictConnection, plan_pk: int, srid: int, data: RevisionData,
                    progress: Callable[[str], None] | None) -> str:
        """Write a revision's rows under a fresh key (inside the caller's transaction); return the key."""
        key = uuid.uuid4()
        say = progress or (lambda _message: None)
        grid_spec = _columns_spec(data.grids) if data.grids is not None else []
        conn.execute(f"INSERT INTO {self.s}.revision_data (data_key, plan, meta, grid_columns, written) "
                     "VALUES (%s, %s, %s, %s, %s)", (key, plan_pk, _json(data.meta), _jsonb(grid_spec), utc_now()))
        units = [int(u) for u in data.assignment["unit_id"].tolist()]
        codes = ["" if c is None or c != c else str(c) for c in data.assignment["grid_code"].tolist()]
        half = len(units) // 2
        with conn.cursor() as cur:
            for start, stop, stage in ((0, half, "assignment half written"), (half, len(units), "assignment written")):
                with cur.copy(f"COPY {self.s}.assignments (data_key, seq, unit_id, grid_code) FROM STDIN") as copy:
                    for i in range(start, stop):
                        copy.write_row((key, i, units[i], codes[i]))
                say(stage)
        if data.grids is not None and len(data.grids):
            grids = data.grids.copy()  # one geometry type per layer, as in the GeoPackage folder:
            geoms = np.array(grids.geometry.to_numpy(), dtype=object)  # polygons as one-part
            geoms[shapely.is_empty(geoms)] = None  # MultiPolygons, empty grids without geometry
            single = shapely.get_type_id(geoms) == 3
            geoms[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
            grids[grids.geometry.name] = gpd.GeoSeries(geoms, index=grids.index, crs=grids.crs)
            self._write_features(conn, "grids", (key,), ("data_key", "seq"), grids, grid_spec, srid,
                                 [("" if c is None else str(c),) for c in grids["grid_code"].tolist()], ("grid_code",))
        say("grids written")
        if data.micro_grids is not None and len(data.micro_grids):
            micro = normalize_micro_grids(data.micro_grids)
            self._write_features(conn, "micro_grids", (key,), ("data_key", "seq"), micro, _columns_spec(micro), srid,
                                 list(zip(micro["micro_code"].tolist(), micro["grid_code"].tolist(), strict=True)),
                                 ("micro_code", "grid_code"))
        if len(data.steps):
            steps = data.steps.copy()
            for col in _STEP_COLUMNS:
                if col not in steps.columns:
                    steps[col] = ""
            rows = [_dumps({c: _plain(v) for c, v in zip(_STEP_COLUMNS, values, strict=True)})
                    for values in steps[list(_STEP_COLUMNS)].itertuples(index=False, name=None)]
            with conn.cursor() as cur, cur.copy(f"COPY {self.s}.edit_steps (data_key, seq, step) FROM STDIN") as copy:
                for i, step in enumerate(rows):
                    copy.write_row((key, i, step))
        say("data written")
        return key.hex

    @override
    def write_revision_data(self, project: str, plan: str, data: RevisionData,
                            progress: Callable[[str], None] | None = None) -> str:
        with self._tx() as conn:
            row = self._plan_row(conn, project, plan)
            key = self._write_data(conn, int(row["id"]), int(row["srid"]), data, progress)
        if progress:
            progress("data committed")
        return key

    def _insert_revision(self, conn: _DictConnection, plan_pk: int, number: int, key: str, entry: NewRevision
                         ) -> None:
        conn.execute(f"INSERT INTO {self.s}.revisions (plan, number, kind, author, time, base, message, summary, "
                     "status, data_key, history_parent, history_keep) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                     "%s, %s)", (plan_pk, number, str(entry.kind), entry.author, entry.time, entry.base, entry.message,
                                 _json(entry.summary), entry.status, uuid.UUID(str(key)), entry.history_parent,
                                 int(entry.history_keep)))

    @override
    def commit_revision(self, project: str, plan: str, data_key: str, entry: NewRevision, *,
                        expected_head: int | None, move_head: bool = True,
                        audit: Callable[[int], Sequence[AuditEvent]] | Sequence[AuditEvent] = ()) -> Revision:
        with self._tx() as conn:
            row = self._plan_row(conn, project, plan, lock=True)  # the compare-and-swap holds the plan's row
            if conn.execute(f"SELECT 1 FROM {self.s}.revision_data WHERE data_key = %s AND plan = %s",
                            (uuid.UUID(str(data_key)), row["id"])).fetchone() is None:
                raise WorkspaceError("err_ws_no_data", "no_data", data_key=data_key, plan=plan)
            head, last = int(row["head"]), int(row["last_revision"])
            if expected_head is not None and head != expected_head:
                raise StaleHead(Message("err_ws_plan_at_revision_not", plan=plan, head=head,
                                        expected_head=expected_head), head)
            number = last + 1
            self._insert_revision(conn, int(row["id"]), number, data_key, entry)
            conn.execute(f"UPDATE {self.s}.plans SET last_revision = %s, head = %s WHERE id = %s",
                         (number, number if move_head else head, row["id"]))
            self._insert_audit(conn, audit(number) if callable(audit) else audit)
        return self.get_revision(project, plan, number)

    _REVISION_COLUMNS = "r.number, r.kind, r.author, r.time, r.base, r.message, r.summary, r.status"

    @override
    def get_revision(self, project: str, plan: str, number: int) -> Revision:
        with self._conn() as conn:
            row = conn.execute(f"SELECT {self._REVISION_COLUMNS} FROM {self.s}.revisions r JOIN {self.s}.plans p "
                               "ON p.id = r.plan WHERE p.project = %s AND p.name = %s AND r.number = %s",
                               (project, plan, int(number))).fetchone()
        if row is None:
            raise NotFound("err_ws_no_revision", "no_revision",
                           project=project, plan=plan, revision=int(number), number=number)
        return _revision(row, project, plan)

    @override
    def list_revisions(self, project: str, plan: str) -> list[Revision]:
        with self._conn() as conn:
            return [_revision(r, project, plan) for r in conn.execute(
                f"SELECT {self._REVISION_COLUMNS} FROM {self.s}.revisions r JOIN {self.s}.plans p ON p.id = r.plan "
                "WHERE p.project = %s AND p.name = %s ORDER BY r.number", (project, plan))]

    @override
    def read_revision(self, project: str, plan: str, number: int, *, grids: bool = False,
                      assignment: bool = True, micro: bool = False) -> RevisionData:
        with self._tx(snapshot=True) as conn:
            row = conn.execute(f"SELECT r.data_key, r.history_parent, r.history_keep, d.meta, d.grid_columns, p.crs "
                               f"FROM {self.s}.revisions r JOIN {self.s}.plans p ON p.id = r.plan "
                               f"JOIN {self.s}.revision_data d ON d.data_key = r.data_key "
                               "WHERE p.project = %s AND p.name = %s AND r.number = %s",
                               (project, plan, int(number))).fetchone()
            if row is None:
                raise NotFound("err_ws_no_revision", "no_revision",
                               project=project, plan=plan, revision=int(number), number=number)
            key = row["data_key"]
            table = pd.DataFrame(conn.execute(
                f"SELECT unit_id, grid_code FROM {self.s}.assignments WHERE data_key = %s ORDER BY seq",
                (key,)).fetchall() if assignment else [], columns=["unit_id", "grid_code"])
            if assignment and len(table):
                table["unit_id"] = table["unit_id"].astype("int64")
            steps = pd.DataFrame([r["step"] for r in conn.execute(
                f"SELECT step FROM {self.s}.edit_steps WHERE data_key = %s ORDER BY seq", (key,))],
                columns=list(_STEP_COLUMNS))
            frame = None
            if grids:
                rows = conn.execute(f"SELECT attributes, ST_AsBinary(geom) AS wkb FROM {self.s}.grids "
                                    "WHERE data_key = %s ORDER BY seq", (key,)).fetchall()
                frame = _geoframe([r["attributes"] for r in rows], [r["wkb"] for r in rows], row["grid_columns"],
                                  row["crs"])
            micro_frame = None
            if micro and row["meta"].get("micro_grids") is not None:
                rows = conn.execute(f"SELECT attributes, ST_AsBinary(geom) AS wkb FROM {self.s}.micro_grids "
                                    "WHERE data_key = %s ORDER BY seq", (key,)).fetchall()
                spec = [{"name": c, "dtype": "object"} for c in MICRO_OUTPUT_COLUMNS]
                micro_frame = normalize_micro_grids(_geoframe([r["attributes"] for r in rows],
                                                              [r["wkb"] for r in rows], spec, row["crs"]))
        return RevisionData(table, row["meta"], steps, frame,
                            None if row["history_parent"] is None else int(row["history_parent"]),
                            int(row["history_keep"]), micro_frame)

    # ------------------------------------------------------------------ audit and exports

    @override
    def append_audit(self, events: Sequence[AuditEvent]) -> None:
        with self._tx() as conn:
            self._insert_audit(conn, events)

    @override
    def list_audit(self, *, project: str | None = None, plan: str | None = None, user: str | None = None,
                   limit: int | None = None) -> list[AuditEvent]:
        where, params = where_clause([("project", "=", project), ("plan", "=", plan), ("user_name", "=", user)],
                                     "%s")
        tail = f" LIMIT {int(limit)}" if limit else ""
        with self._conn() as conn:
            rows = conn.execute(f"SELECT * FROM {self.s}.audit {where} ORDER BY time DESC, id DESC{tail}",
                                params).fetchall()
        return [_audit_event(r) for r in rows]

    @override
    def insert_export(self, record: ExportRecord, audit: Sequence[AuditEvent] = ()) -> None:
        with self._tx() as conn:
            conn.execute(f"INSERT INTO {self.s}.exports (time, user_name, project, what, n_rows, columns, details) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         (record.time, record.user, record.project, record.what, int(record.n_rows),
                          _jsonb(list(record.columns)), _json(record.details)))
            self._insert_audit(conn, audit)

    @override
    def list_exports(self, *, project: str | None = None) -> list[ExportRecord]:
        where, params = ("WHERE project = %s", [project]) if project is not None else ("", [])
        with self._conn() as conn:
            rows = conn.execute(f"SELECT * FROM {self.s}.exports {where} ORDER BY time DESC, id DESC",
                                params).fetchall()
        return [ExportRecord(r["time"], r["user_name"], r["project"], r["what"], int(r["n_rows"]), tuple(r["columns"]),
                             r["details"]) for r in rows]
