"""The PostGIS side of the workspace tests: where the test database is, and how a test gets its own workspace.

``GRIDMAP_TEST_POSTGRES_URL`` names a PostgreSQL database with PostGIS that the tests may fill
(``bash scripts/test.sh`` starts a throwaway cluster with ``scripts/postgis.sh`` and sets it). Every
test gets a workspace of its own in a fresh schema of that database, dropped afterwards; the test
office is built once and copied table by table into each test's schema (much faster than importing
and building it again).

Without the URL the PostGIS tests fail, saying how to get one — unless ``GRIDMAP_ALLOW_NO_POSTGRES=1``
allows running the GeoPackage side alone: then they are skipped with that reason.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from psycopg import sql

from gridmap.workspace.pgschema import LATEST
from gridmap.workspace.postgis import PostgisBackend

ENV_URL = "GRIDMAP_TEST_POSTGRES_URL"
ENV_ALLOW = "GRIDMAP_ALLOW_NO_POSTGRES"

#: The workspace's tables in an order that respects their foreign keys (parents first).
TABLES = ("meta", "accounts", "sessions", "projects", "osm_files", "input_layers", "input_features", "plans", "units",
          "revision_data", "assignments", "grids", "micro_grids", "edit_steps", "revisions", "audit", "exports",
          "results", "result_features")
SERIALS = (("plans", "id"), ("audit", "id"), ("exports", "id"))


def test_url() -> str:
    """The test database's URL; fails (or skips, when allowed) without one."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    reason = (f"{ENV_URL} is not set: the PostGIS workspace tests need a database — run `bash scripts/test.sh`, or "
              f"`export {ENV_URL}=$(bash scripts/postgis.sh start | tail -n1)`")
    if os.environ.get(ENV_ALLOW) == "1":
        pytest.skip(reason + f" (skipped: {ENV_ALLOW}=1)")
    pytest.fail(reason + f"; set {ENV_ALLOW}=1 to skip them instead", pytrace=False)


def new_schema_backend() -> PostgisBackend:
    """A backend on a new, not yet initialised schema of the test database."""
    return PostgisBackend(test_url(), schema=f"t_{uuid.uuid4().hex[:16]}")


def clone(template: PostgisBackend) -> PostgisBackend:
    """A copy of a workspace in a new schema of the same database: the newest schema, then every row."""
    copy = new_schema_backend()
    copy.initialize()
    src, dst = sql.Identifier(template.schema), sql.Identifier(copy.schema)
    with psycopg.connect(copy.conninfo, autocommit=True) as conn, conn.transaction():
        conn.execute(sql.SQL("DELETE FROM {}.meta").format(dst))
        for table in TABLES:
            conn.execute(sql.SQL("INSERT INTO {}.{} SELECT * FROM {}.{}").format(dst, sql.Identifier(table), src,
                                                                                 sql.Identifier(table)))
        for table, column in SERIALS:
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({}), 0) + 1, false) "
                                 "FROM {}.{}").format(sql.Identifier(column), dst, sql.Identifier(table)),
                         (f"{copy.s}.{table}", column))
    return copy


def drop(backend: PostgisBackend) -> None:
    """Close a test backend's connections and drop its schema."""
    backend.close()
    with psycopg.connect(backend.conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(backend.schema)))


assert LATEST >= 2  # the views exist from schema version 2 on (tests of the views rely on it)
