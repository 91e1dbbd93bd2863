"""Serving the app for the browser tests and benchmarks: ``gridmap serve`` on a free port, and the
PostGIS workspaces they serve (each in a schema of its own).

:func:`serve` starts exactly the command of a deployment (:func:`gridmap.cli.serve.streamlit_command`),
so what the tests measure is what an office runs. ``GRIDMAP_TEST_POSTGRES_URL`` names the test
database (``bash scripts/test.sh`` always sets it); without it :func:`postgis_location` skips the
test, saying how to get one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from gridmap.app.account import WARM_UP_DONE
from gridmap.cli.serve import streamlit_command

REPO = Path(__file__).resolve().parent.parent
#: The test database (a PostgreSQL with PostGIS the tests may fill); ``scripts/test.sh`` sets it.
ENV_POSTGRES_URL = "GRIDMAP_TEST_POSTGRES_URL"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(location: str | Path | None, log: Path, wait_warm: bool = True, timeout: float = 180, *,
          port: int | None = None, cwd: Path = REPO, env: Mapping[str, str] | None = None,
          results: Sequence[str | Path] = (), extra_env: Mapping[str, str] | None = None,
          started: Callable[[subprocess.Popen], None] | None = None) -> Iterator[str]:
    """``gridmap serve [--workspace location] [--results DIR …]`` on ``port`` (default: a free one), run
    in ``cwd`` (where it reads ``.streamlit/secrets.toml``) with ``env`` (default: this process's,
    without a demo module or default workspace) updated by ``extra_env``; yields its base URL once
    it answers (and, with ``wait_warm``, once it has printed that its warm-up is done); stopped
    afterwards. ``location`` None serves the default workspace (``$GRIDMAP_WORKSPACE`` of ``env``,
    else the user's); ``results`` are the ``gridmap run`` folders the city page offers;
    ``started`` is called with the server's process as soon as it runs (a benchmark reads its CPU
    time). Raises RuntimeError, with the server's output, when it exits or is not ready within
    ``timeout`` seconds."""
    port = port or free_port()
    if env is None:
        env = {k: v for k, v in os.environ.items() if k not in ("GRIDMAP_DEMO_MODULE", "GRIDMAP_WORKSPACE")}
    env = {**env, **(extra_env or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen(streamlit_command("127.0.0.1", port, workspace=location, results=results), cwd=cwd,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        if started is not None:
            started(proc)
        deadline = time.monotonic() + timeout
        healthy = False
        while not healthy or (wait_warm and WARM_UP_DONE not in log.read_text(errors="replace")):
            if proc.poll() is not None:
                raise RuntimeError(f"gridmap serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base} not ready in {timeout:.0f} s:\n{log.read_text(errors='replace')}")
            if not healthy:
                try:
                    with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                        healthy = r.status == 200
                except OSError:
                    pass
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def postgis_location(prefix: str = "t_browser") -> str:
    """A workspace URL of the test database naming a new schema (so each test module's data is its own).

    Skips the test, saying how to get a database, when ``GRIDMAP_TEST_POSTGRES_URL`` is not set.
    """
    url = os.environ.get(ENV_POSTGRES_URL, "").strip()
    if not url:
        pytest.skip(f"{ENV_POSTGRES_URL} is not set, so the PostGIS workspace is not served here: run `bash "
                    f"scripts/test.sh`, or `export {ENV_POSTGRES_URL}=$(bash scripts/postgis.sh start | tail -n1)`")
    return with_schema(url, prefix)


def with_schema(url: str, prefix: str) -> str:
    """``url`` naming a new schema ``<prefix>_<random>``."""
    return f"{url}{'&' if '?' in url else '?'}schema={prefix}_{uuid.uuid4().hex[:12]}"


def close(ws) -> None:
    """Release a workspace's connections (a PostGIS backend's pool; a folder holds none open)."""
    if hasattr(ws.backend, "close"):
        ws.backend.close()


def drop_postgis(location: str) -> None:
    """Drop the schema a PostGIS workspace URL names (a test's or a benchmark's office)."""
    import psycopg
    from psycopg import sql

    from gridmap.workspace.postgis import split_url

    conninfo, schema, _ = split_url(location)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def standin_office(location: Path | str, project: str, plan_name: str, *, micro: bool = True):
    """A workspace at ``location`` (a folder or a PostGIS URL) with the stand-in demo as ``project``
    and plan ``plan_name`` (revision 1) built on it, with 微网格 when ``micro``; returns (workspace,
    system session, the plan, the demo's layers)."""
    import standin_demo

    from gridmap.plans.exclusive import BASE
    from gridmap.plans.grids import build_grids
    from gridmap.plans.micro import build_micro_grids, resident_grid_codes, resident_points
    from gridmap.plans.plan import Plan
    from gridmap.plans.units import make_units
    from gridmap.workspace import init_workspace

    ws = init_workspace(location)
    admin = ws.as_system("setup")
    layers = standin_demo.load_demo()
    admin.import_inputs(project, layers, standin_demo.DEMO_OSM, title="测试街道")
    zones = {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}
    units = make_units(zones, layers["study_area"], layers["residents"])
    plan = Plan.from_build(units, build_grids(units, 300, 500, seed=0, study_area=layers["study_area"]))
    if micro:
        grids = plan.grids()
        owner = resident_grid_codes(resident_points(layers["residents"], units.crs), units,
                                    plan.assignment()["grid_code"].to_numpy(dtype=object))
        plan.micro_grids = build_micro_grids(grids[grids["grid_type"] == BASE], layers["residents"],
                                             owner).micro_grids
    admin.create_plan(project, plan_name, plan, message="with 微网格" if micro else "first build")
    return ws, admin, plan, layers
