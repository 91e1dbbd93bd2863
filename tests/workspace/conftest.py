"""Fixtures of the workspace tests: every store test runs against each backend in :data:`BACKENDS`.

The PostGIS backend (issue 15) adds itself to :data:`BACKENDS` (a factory taking pytest's
``tmp_path`` and returning an empty backend, :class:`BackendKind`); every test that takes the ``backend`` or
``workspace`` fixture then runs against it too. The data is in :mod:`ws_data`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from ws_data import POLICY, Clock, make_inputs, make_plan

from gridmap.workspace import Workspace
from gridmap.workspace.backend import Backend
from gridmap.workspace.gpkg import GpkgBackend


@dataclass(frozen=True)
class BackendKind:
    """How the tests make a backend of one kind.

    ``make(folder)`` returns an empty backend keeping its files (if any) under ``folder``;
    ``clone(template, folder)``, when given, returns a copy of an existing backend (much faster than
    importing and building the test office again for every test); without it the office is built
    afresh for each test.
    """

    make: Callable[[Path], Backend]
    clone: Callable[[Backend, Path], Backend] | None = None


def _clone_folder(template: Backend, folder: Path) -> Backend:
    assert isinstance(template, GpkgBackend)
    shutil.copytree(template.folder, folder / "workspace")
    return GpkgBackend(folder / "workspace")


#: name → how to make a backend of that kind. The PostGIS helper adds "postgis".
BACKENDS: dict[str, BackendKind] = {
    "gpkg": BackendKind(lambda folder: GpkgBackend(folder / "workspace"), _clone_folder),
}


def build_office(backend: Backend) -> Backend:
    """Put the test office into an empty backend: project ``office`` and plan ``grids`` at revision 1."""
    admin = Workspace(backend, clock=Clock()).as_system("admin-cli")
    admin.import_inputs("office", make_inputs(), title="测试街道")
    admin.create_plan("office", "grids", make_plan(), message="first")
    return backend


@pytest.fixture(params=sorted(BACKENDS))
def backend_kind(request) -> str:
    return request.param


@pytest.fixture
def backend(backend_kind: str, tmp_path: Path) -> Backend:
    """An empty, initialised backend of each kind."""
    store = BACKENDS[backend_kind].make(tmp_path)
    store.initialize()
    return store


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory) -> dict[str, Backend]:
    """One built office per backend kind that can be cloned (built on first use)."""
    return {}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspace(backend_kind: str, office_templates: dict, tmp_path_factory, tmp_path: Path, clock: Clock) -> Workspace:
    """A workspace with the project ``office`` (the hand-made inputs) and the plan ``grids`` (revision 1)."""
    kind = BACKENDS[backend_kind]
    if kind.clone is None:
        store = kind.make(tmp_path)
        store.initialize()
        return Workspace(build_office(store), clock=clock, policy=POLICY)
    if backend_kind not in office_templates:
        template = kind.make(tmp_path_factory.mktemp(f"office-{backend_kind}"))
        template.initialize()
        office_templates[backend_kind] = build_office(template)
    return Workspace(kind.clone(office_templates[backend_kind], tmp_path), clock=clock, policy=POLICY)
