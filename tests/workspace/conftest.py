"""Fixtures of the workspace tests: every store test runs against each backend in :data:`BACKENDS`.

Two kinds: ``gpkg`` (a GeoPackage folder under pytest's ``tmp_path``) and ``postgis`` (a fresh schema
of the database named by ``GRIDMAP_TEST_POSTGRES_URL``, :mod:`pg_support`); every test that takes the
``backend`` or ``workspace`` fixture runs against both. The data is in :mod:`ws_data`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pg_support
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
    afresh for each test. ``drop(backend)``, when given, releases a test's backend (connections, schema).
    """

    make: Callable[[Path], Backend]
    clone: Callable[[Backend, Path], Backend] | None = None
    drop: Callable[[Backend], None] | None = None


def _clone_folder(template: Backend, folder: Path) -> Backend:
    assert isinstance(template, GpkgBackend)
    shutil.copytree(template.folder, folder / "workspace")
    return GpkgBackend(folder / "workspace")


#: name → how to make a backend of that kind.
BACKENDS: dict[str, BackendKind] = {
    "gpkg": BackendKind(lambda folder: GpkgBackend(folder / "workspace"), _clone_folder),
    "postgis": BackendKind(lambda _folder: pg_support.new_schema_backend(), lambda template, _folder:
                           pg_support.clone(template), pg_support.drop),
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
def backend(backend_kind: str, tmp_path: Path) -> Iterator[Backend]:
    """An empty, initialised backend of each kind."""
    kind = BACKENDS[backend_kind]
    store = kind.make(tmp_path)
    try:
        store.initialize()
        yield store
    finally:
        if kind.drop:
            kind.drop(store)


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory) -> Iterator[dict[str, Backend]]:
    """One built office per backend kind that can be cloned (built on first use)."""
    templates: dict[str, Backend] = {}
    yield templates
    for name, template in templates.items():
        if BACKENDS[name].drop:
            BACKENDS[name].drop(template)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspace(backend_kind: str, office_templates: dict, tmp_path_factory, tmp_path: Path,
              clock: Clock) -> Iterator[Workspace]:
    """A workspace with the project ``office`` (the hand-made inputs) and the plan ``grids`` (revision 1)."""
    kind = BACKENDS[backend_kind]
    if kind.clone is None:
        store = kind.make(tmp_path)
        store.initialize()
        build_office(store)
    else:
        if backend_kind not in office_templates:
            template = kind.make(tmp_path_factory.mktemp(f"office-{backend_kind}"))
            template.initialize()
            office_templates[backend_kind] = build_office(template)
        store = kind.clone(office_templates[backend_kind], tmp_path)
    try:
        yield Workspace(store, clock=clock, policy=POLICY)
    finally:
        if kind.drop:
            kind.drop(store)
