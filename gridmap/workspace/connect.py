r"""Opening a workspace by its location, and the default workspace that holds the demo.

A location is a folder path (the embedded GeoPackage folder, :class:`gridmap.workspace.gpkg.GpkgBackend`)
or a ``postgresql://USER@HOST:PORT/DB`` URL (PostGIS, issue 15). :func:`open_workspace` reads an
existing one, :func:`init_workspace` creates one (or opens it when it exists).

The *default workspace* is where ``gridmap serve`` and ``bash scripts/app.sh`` open when no
workspace is named: ``$GRIDMAP_WORKSPACE`` when set, else a per-user data folder
(``~/.local/share/gridmap/workspace`` on Linux, ``~/Library/Application Support/gridmap/workspace``
on macOS, ``%LOCALAPPDATA%\gridmap\workspace`` on Windows). :func:`default_workspace` creates it
on first use and imports the demo project once (:mod:`gridmap.workspace.demo`), so the app opens
on the demo with no set-up.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from gridmap.workspace.auth import AuthPolicy
from gridmap.workspace.backend import Backend
from gridmap.workspace.errors import AlreadyExists, WorkspaceError
from gridmap.workspace.gpkg import GpkgBackend
from gridmap.workspace.workspace import Workspace

__all__ = ["open_workspace", "init_workspace", "default_location", "default_workspace", "backend_for",
           "ENV_WORKSPACE", "is_database_url"]

#: The environment variable naming the default workspace.
ENV_WORKSPACE = "GRIDMAP_WORKSPACE"


def is_database_url(location: str | os.PathLike) -> bool:
    """Whether a location names a PostgreSQL database rather than a folder."""
    return str(location).startswith(("postgresql://", "postgres://"))


def backend_for(location: str | os.PathLike) -> Backend:
    """The storage backend of a location: a folder → GeoPackage folder; ``postgresql://…`` → PostGIS."""
    if is_database_url(location):
        try:  # imported only when a database is named: psycopg loads libpq
            postgis = importlib.import_module("gridmap.workspace.postgis")
        except ImportError as exc:
            raise WorkspaceError("err_ws_postgis_unavailable", "postgis_unavailable", detail=exc) from None
        return postgis.PostgisBackend(str(location))
    return GpkgBackend(location)


def open_workspace(location: str | os.PathLike, *, clock: Callable[[], float] | None = None,
                   policy: AuthPolicy | None = None) -> Workspace:
    """Open an existing workspace. Raises :class:`gridmap.workspace.errors.WorkspaceFormatError` when there is none."""
    backend = backend_for(location)
    backend.check()
    return Workspace(backend, **({"clock": clock} if clock else {}), policy=policy)


def init_workspace(location: str | os.PathLike, *, clock: Callable[[], float] | None = None,
                   policy: AuthPolicy | None = None) -> Workspace:
    """Create a workspace (an empty or new folder, or an empty database schema), or open the one there."""
    backend = backend_for(location)
    backend.initialize()
    return Workspace(backend, **({"clock": clock} if clock else {}), policy=policy)


def default_location() -> Path | str:
    """Where the default workspace lives: ``$GRIDMAP_WORKSPACE`` (a folder or a database URL), else a data folder."""
    env = os.environ.get(ENV_WORKSPACE)
    if env and is_database_url(env):
        return env  # a URL, not a path (a Path would fold its '//')
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "gridmap" / "workspace"


def default_workspace(location: str | os.PathLike | None = None, *, demo: bool = True) -> Workspace:
    """Open the default workspace (:func:`default_location`), creating it on first use.

    With ``demo``, a workspace that holds no project yet gets the demo project (Nanjing 新街口):
    once, when it is new — an office that removes or never wanted the demo is not given it again
    once it has projects of its own.
    """
    from gridmap.workspace.demo import import_demo

    workspace = init_workspace(location if location is not None else default_location())
    if demo and not workspace.backend.list_projects():
        with contextlib.suppress(AlreadyExists):  # another process imported it meanwhile
            import_demo(workspace.as_system())
    return workspace
