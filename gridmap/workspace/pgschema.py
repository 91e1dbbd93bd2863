"""The PostGIS workspace's schema and its versioned migrations: numbered SQL steps, applied in order, once.

A workspace in PostgreSQL lives in one schema (``gridmap`` unless configured). Its table
``schema_migrations`` lists the steps applied; :func:`migrate` applies the missing ones, each in the
same transaction as its row in that table, under an advisory lock (two servers starting at once do
not both migrate). A newer gridmap upgrades an older schema when it opens it; an older gridmap
refuses a schema with steps it does not know (:func:`check_version`), with a message saying so —
it never writes into a layout it does not understand.

Why numbered SQL and not alembic (docs/design.md §7.2): the store has no SQLAlchemy models to
generate migrations from, the schema name is chosen at run time (alembic would template it in the
same way), and the whole migration machinery is this module — a list of SQL texts and thirty lines
that apply them in a transaction — with no new dependency on SQLAlchemy. A new step is appended to
:data:`MIGRATIONS`, never edited once released.

The steps
---------
1. the tables: accounts, sessions, projects, input layers (features with their attributes as
   ``jsonb`` and geometry in the project's metric CRS, GiST-indexed; ``source_wkb`` keeps the
   geometry exactly as imported when the layer came in another CRS), OSM files, plans (the
   ``head`` column is the revision column of the optimistic concurrency), units, revision data
   (assignments, derived grids with GiST index, edit steps), revisions, audit trail, exports.
2. the views QGIS opens: ``grids_current`` and ``units_current`` — the head revision of every plan,
   geometry in EPSG:4326.
3. the 微网格 of each revision (``micro_grids``: code, grid code, the other columns as ``jsonb``,
   polygons in the plan's CRS, GiST-indexed) and the view ``micro_grids_current``. The 专属网格
   and the 微网格 band need no table: they are kept in ``revision_data.meta``, which older
   revisions simply lack (read as "no 专属网格, default ranges").
4. run results (``gridmap run --workspace``): ``results`` (one row per project: who, when, CRS,
   the run's metadata, each table's columns) and ``result_features`` (the rows of every table,
   attributes as ``jsonb``, geometry in the project's metric CRS, GiST-indexed); a new run
   replaces a project's rows in one transaction.
"""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row

from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.workspace.errors import WorkspaceFormatError

__all__ = ["MIGRATIONS", "LATEST", "migrate", "check_version", "installed_version", "lock_key", "VIEWS"]

#: The views QGIS, ogr2ogr and geopandas open (geometry in EPSG:4326).
VIEWS = ("grids_current", "units_current", "micro_grids_current")

_TABLES = """
CREATE TABLE {s}.meta (key text PRIMARY KEY, value text);
CREATE TABLE {s}.accounts (
    name text PRIMARY KEY, role text NOT NULL CHECK (role IN ('admin', 'planner', 'viewer')),
    scopes jsonb NOT NULL DEFAULT '[]', projects jsonb NOT NULL DEFAULT '[]', disabled boolean NOT NULL DEFAULT false,
    password_hash text, failed_logins integer NOT NULL DEFAULT 0, locked_until timestamptz, created timestamptz,
    updated timestamptz, source text NOT NULL DEFAULT 'local');
CREATE TABLE {s}.sessions (
    token_hash text PRIMARY KEY, name text NOT NULL, created timestamptz NOT NULL, expires timestamptz NOT NULL,
    kind text NOT NULL);
CREATE INDEX sessions_name ON {s}.sessions (name);
CREATE TABLE {s}.projects (
    name text PRIMARY KEY, title text NOT NULL DEFAULT '', crs text, srid integer,
    codes jsonb NOT NULL DEFAULT '[]', layers jsonb NOT NULL DEFAULT '[]', osm text,
    inputs_version integer NOT NULL DEFAULT 0, created timestamptz, created_by text NOT NULL DEFAULT '');
CREATE TABLE {s}.osm_files (file_name text PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE {s}.input_layers (
    project text NOT NULL REFERENCES {s}.projects (name) ON DELETE CASCADE, version integer NOT NULL,
    layer text NOT NULL, crs text, srid integer, columns jsonb NOT NULL, geometry_name text,
    n_features integer NOT NULL, PRIMARY KEY (project, version, layer));
CREATE TABLE {s}.input_features (
    project text NOT NULL, version integer NOT NULL, layer text NOT NULL, fid integer NOT NULL,
    attributes jsonb NOT NULL, geom geometry, source_wkb bytea, PRIMARY KEY (project, version, layer, fid),
    FOREIGN KEY (project, version, layer) REFERENCES {s}.input_layers ON DELETE CASCADE);
CREATE INDEX input_features_geom ON {s}.input_features USING gist (geom);
CREATE TABLE {s}.plans (
    id bigserial PRIMARY KEY, project text NOT NULL REFERENCES {s}.projects (name), name text NOT NULL,
    plan_id text NOT NULL, head integer NOT NULL, last_revision integer NOT NULL, n_units integer NOT NULL,
    crs text, srid integer, unit_columns jsonb NOT NULL,
    created timestamptz, created_by text NOT NULL DEFAULT '', UNIQUE (project, name));
CREATE TABLE {s}.units (
    plan bigint NOT NULL REFERENCES {s}.plans (id) ON DELETE CASCADE, seq integer NOT NULL, unit_id bigint NOT NULL,
    attributes jsonb NOT NULL, geom geometry NOT NULL, PRIMARY KEY (plan, seq), UNIQUE (plan, unit_id));
CREATE INDEX units_geom ON {s}.units USING gist (geom);
CREATE TABLE {s}.revision_data (
    data_key uuid PRIMARY KEY, plan bigint NOT NULL REFERENCES {s}.plans (id) ON DELETE CASCADE,
    meta json NOT NULL, grid_columns jsonb NOT NULL DEFAULT '[]', written timestamptz NOT NULL);
CREATE TABLE {s}.assignments (
    data_key uuid NOT NULL REFERENCES {s}.revision_data ON DELETE CASCADE, seq integer NOT NULL,
    unit_id bigint NOT NULL, grid_code text NOT NULL, PRIMARY KEY (data_key, seq));
CREATE TABLE {s}.grids (
    data_key uuid NOT NULL REFERENCES {s}.revision_data ON DELETE CASCADE, seq integer NOT NULL,
    grid_code text NOT NULL, attributes jsonb NOT NULL, geom geometry, PRIMARY KEY (data_key, seq));
CREATE INDEX grids_geom ON {s}.grids USING gist (geom);
CREATE TABLE {s}.edit_steps (
    data_key uuid NOT NULL REFERENCES {s}.revision_data ON DELETE CASCADE, seq integer NOT NULL,
    step json NOT NULL, PRIMARY KEY (data_key, seq));
CREATE TABLE {s}.revisions (
    plan bigint NOT NULL REFERENCES {s}.plans (id) ON DELETE CASCADE, number integer NOT NULL,
    kind text NOT NULL, author text NOT NULL, time timestamptz NOT NULL, base integer,
    message text NOT NULL DEFAULT '', summary json NOT NULL DEFAULT '{{}}', status text NOT NULL DEFAULT '',
    data_key uuid NOT NULL REFERENCES {s}.revision_data, history_parent integer,
    history_keep integer NOT NULL DEFAULT 0, PRIMARY KEY (plan, number));
CREATE TABLE {s}.audit (
    id bigserial PRIMARY KEY, time timestamptz NOT NULL, user_name text NOT NULL, action text NOT NULL,
    project text NOT NULL DEFAULT '', plan text NOT NULL DEFAULT '', revision integer,
    details json NOT NULL DEFAULT '{{}}');
CREATE INDEX audit_where ON {s}.audit (project, plan, time);
CREATE INDEX audit_user ON {s}.audit (user_name, time);
CREATE TABLE {s}.exports (
    id bigserial PRIMARY KEY, time timestamptz NOT NULL, user_name text NOT NULL, project text NOT NULL,
    what text NOT NULL, n_rows integer NOT NULL, columns jsonb NOT NULL DEFAULT '[]',
    details json NOT NULL DEFAULT '{{}}');
CREATE INDEX exports_project ON {s}.exports (project, time);
"""


def _counts(alias: str) -> str:
    """The count columns of a view, read from a row's ``attributes`` (absent → NULL)."""
    return ",\n    ".join(f"({alias}.attributes ->> '{c}')::double precision AS {c}"
                           for c in ("households", "population", *SPECIAL_GROUPS))


_VIEWS = f"""
CREATE VIEW {{s}}.grids_current AS
SELECT p.project, p.name AS plan, r.number AS revision, g.grid_code,
    {_counts("g")},
    ST_Multi(ST_Transform(g.geom, 4326))::geometry(MultiPolygon, 4326) AS geometry
FROM {{s}}.plans p
JOIN {{s}}.revisions r ON r.plan = p.id AND r.number = p.head
JOIN {{s}}.grids g ON g.data_key = r.data_key;
COMMENT ON VIEW {{s}}.grids_current IS
    'gridmap: the grids of the current (head) revision of every plan, EPSG:4326; key: project, plan, grid_code';
CREATE VIEW {{s}}.units_current AS
SELECT p.project, p.name AS plan, r.number AS revision, u.unit_id, u.attributes ->> 'area_id' AS area_id,
    a.grid_code,
    {_counts("u")},
    ST_Multi(ST_Transform(u.geom, 4326))::geometry(MultiPolygon, 4326) AS geometry
FROM {{s}}.plans p
JOIN {{s}}.revisions r ON r.plan = p.id AND r.number = p.head
JOIN {{s}}.assignments a ON a.data_key = r.data_key
JOIN {{s}}.units u ON u.plan = p.id AND u.unit_id = a.unit_id;
COMMENT ON VIEW {{s}}.units_current IS
    'gridmap: the units of every plan with their grid in the current (head) revision, EPSG:4326; '
    'key: project, plan, unit_id';
"""

_MICRO = """
CREATE TABLE {s}.micro_grids (
    data_key uuid NOT NULL REFERENCES {s}.revision_data ON DELETE CASCADE, seq integer NOT NULL,
    micro_code text NOT NULL, grid_code text NOT NULL, attributes jsonb NOT NULL, geom geometry,
    PRIMARY KEY (data_key, seq));
CREATE INDEX micro_grids_geom ON {s}.micro_grids USING gist (geom);
CREATE VIEW {s}.micro_grids_current AS
SELECT p.project, p.name AS plan, r.number AS revision, m.micro_code, m.grid_code,
    (m.attributes ->> 'households')::integer AS households, (m.attributes ->> 'n_buildings')::integer AS n_buildings,
    m.attributes ->> 'building_head' AS building_head,
    ST_Multi(ST_Transform(m.geom, 4326))::geometry(MultiPolygon, 4326) AS geometry
FROM {s}.plans p
JOIN {s}.revisions r ON r.plan = p.id AND r.number = p.head
JOIN {s}.micro_grids m ON m.data_key = r.data_key;
COMMENT ON VIEW {s}.micro_grids_current IS
    'gridmap: the 微网格 of the current (head) revision of every plan, EPSG:4326; key: project, plan, micro_code';
"""

_RESULTS = """
CREATE TABLE {s}.results (
    project text PRIMARY KEY REFERENCES {s}.projects (name) ON DELETE CASCADE, crs text, srid integer,
    meta json NOT NULL DEFAULT '{{}}', tables jsonb NOT NULL DEFAULT '{{}}', written timestamptz NOT NULL,
    written_by text NOT NULL DEFAULT '');
CREATE TABLE {s}.result_features (
    project text NOT NULL REFERENCES {s}.results (project) ON DELETE CASCADE, layer text NOT NULL,
    seq integer NOT NULL, attributes jsonb NOT NULL, geom geometry, PRIMARY KEY (project, layer, seq));
CREATE INDEX result_features_geom ON {s}.result_features USING gist (geom);
"""

#: The steps, in order: (version, what it does, SQL with ``{s}`` for the schema). Append only.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "tables of the workspace", _TABLES),
    (2, "QGIS views grids_current and units_current", _VIEWS),
    (3, "the 微网格 of each revision, view micro_grids_current", _MICRO),
    (4, "run results of projects", _RESULTS),
)
#: The newest schema version this gridmap knows.
LATEST = MIGRATIONS[-1][0]


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key naming ``parts`` (e.g. schema and plan)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def installed_version(conn: psycopg.Connection[Any], schema: str) -> int | None:
    """The schema's version (highest applied step), or None when the schema holds no workspace.

    Any row factory: the rows are read through a tuple cursor of its own.
    """
    with conn.cursor(row_factory=tuple_row) as cur:
        found = cur.execute("SELECT to_regclass(%s)",
                            (f"{sql.Identifier(schema).as_string(conn)}.schema_migrations",)).fetchone()
        if found is None or found[0] is None:
            return None
        row = cur.execute(sql.SQL("SELECT max(version) FROM {}.schema_migrations").format(sql.Identifier(schema))
                          ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def check_version(version: int | None, location: str) -> None:
    """Refuse a database without a workspace, or one written by a newer gridmap."""
    if version is None:
        raise WorkspaceFormatError("err_ws_not_a_workspace_4", "not_a_workspace", location=location)
    if version > LATEST:
        raise WorkspaceFormatError("err_ws_newer_layout_2",
                                   "newer_layout", version=version, location=location, latest=LATEST)


def migrate(conn: psycopg.Connection[Any], schema: str, location: str, *, create: bool, upto: int = LATEST,
            gridmap_version: str = "") -> int:
    """Bring the schema up to version ``upto``; return the version it is at now.

    Parameters
    ----------
    conn : an autocommit connection (each step runs in its own transaction).
    schema : the schema holding the workspace.
    location : the workspace's URL (for messages).
    create : make the schema when there is none (``workspace init``); else refuse a database without one.
    upto : the version to stop at (tests build an old schema to upgrade).
    gridmap_version : recorded beside each step applied.
    """
    ident = sql.Identifier(schema)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("gridmap-migrate", schema),))
        version = installed_version(conn, schema)
        if version is None:
            if not create:
                check_version(None, location)
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ident))
            conn.execute(sql.SQL("CREATE TABLE {}.schema_migrations (version integer PRIMARY KEY, what text NOT NULL, "
                                 "applied timestamptz NOT NULL DEFAULT now(), gridmap text NOT NULL DEFAULT '')"
                                 ).format(ident))
            version = 0
        check_version(version, location)
        for number, what, text in MIGRATIONS:
            if version < number <= upto:
                conn.execute(text.format(s=ident.as_string(conn)))
                conn.execute(sql.SQL("INSERT INTO {}.schema_migrations (version, what, gridmap) VALUES (%s, %s, %s)"
                                     ).format(ident), (number, what, gridmap_version))
                version = number
    return version
