"""The flat public API: every advertised name resolves, and importing gridmap stays light."""

from __future__ import annotations

import subprocess
import sys

import gridmap


def test_every_public_name_resolves() -> None:
    for name in gridmap.__all__:
        assert getattr(gridmap, name) is not None, name


def test_import_does_not_load_osmnx_or_streamlit() -> None:
    code = "import sys, gridmap; print('osmnx' in sys.modules, 'streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_core_never_imports_the_app() -> None:
    code = ("import sys, importlib, pkgutil, gridmap\n"
            "for m in pkgutil.walk_packages(gridmap.__path__, 'gridmap.'):\n"
            "    if m.name.endswith('__main__'): continue\n"
            "    importlib.import_module(m.name)\n"
            "print('streamlit' in sys.modules, any(k == 'app' or k.startswith('app_pages') for k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
