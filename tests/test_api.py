"""The flat public API: every advertised name resolves, and importing gridmap stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gridmap


def test_every_public_name_resolves() -> None:
    for name in gridmap.__all__:
        assert getattr(gridmap, name) is not None, name


def test_import_does_not_load_osmnx_or_streamlit() -> None:
    code = "import sys, gridmap; print('osmnx' in sys.modules, 'streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.slow
def test_core_never_imports_the_app() -> None:
    """Import every module but the app's own (gridmap.app): neither streamlit nor the app gets loaded."""
    code = ("import sys, importlib, pathlib, gridmap\n"
            "root = pathlib.Path(gridmap.__file__).parent\n"
            "for f in sorted(root.rglob('*.py')):\n"
            "    rel = f.relative_to(root.parent).with_suffix('')\n"
            "    name = '.'.join(rel.parts).removesuffix('.__init__')\n"
            "    if name.endswith('__main__') or name.startswith('gridmap.app'): continue\n"
            "    importlib.import_module(name)\n"
            "print('streamlit' in sys.modules, any(k.startswith('gridmap.app') for k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
