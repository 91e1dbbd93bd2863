"""An installable package: a wheel built from the checkout works in a fresh virtualenv.

``pip install .`` (not editable) of the core alone — no [app], no [scale] — must give a working
``gridmap coverage --demo`` with its standalone HTML map, run from a folder outside the checkout:
the demo data and the map assets travel inside the wheel, and neither Streamlit nor dask is
needed. Slow (a virtualenv and an install from pip's cache): marked ``slow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from gridmap.present import assets, maps

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if assets.missing():
        pytest.fail(f"map assets not installed in {assets.VENDOR_DIR}: run `gridmap assets` first")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                    "-w", str(out)], check=True, cwd=out)
    (found,) = out.glob("gridmap-*.whl")
    return found


def test_wheel_carries_the_demo_and_the_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "gridmap/data/demo.gpkg" in names
    assert "gridmap/data/LICENSE-ODbL.md" in names
    assert "gridmap/present/assets.json" in names
    assert "gridmap/app/server/streamlit_app.py" in names
    vendored = {n.split("static/vendor/", 1)[1] for n in names if "app/server/static/vendor/" in n}
    assert set(assets.REQUIRED) <= vendored
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/")) for n in names)


def test_core_install_runs_the_demo_offline(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip_env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, env=pip_env)
    missing = subprocess.run([str(python), "-c", "import importlib.util as u; "
                              "print([m for m in ('streamlit', 'dask', 'distributed') if u.find_spec(m)])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert missing == "[]", f"the core pulled in {missing}"

    work = tmp_path / "elsewhere"
    work.mkdir()
    run = subprocess.run([str(env_dir / "bin" / "gridmap"), "coverage", "--demo", "--out", "out", "--quiet"],
                         cwd=work, capture_output=True, text=True, env=dict(os.environ, GRIDMAP_CACHE=str(tmp_path)))
    assert run.returncode == 0, run.stderr
    page = (work / "out" / "coverage.html").read_text(encoding="utf-8")
    assert maps.asset_urls(page) == ([], [])  # every script and stylesheet inlined: opens with no server
    assert "L.map(" in page.replace(" ", "") or "L.map" in page
    for name in ("faces.geojson", "gaps.geojson", "summary.csv"):
        assert (work / "out" / name).is_file(), name

    serve = subprocess.run([str(env_dir / "bin" / "gridmap"), "serve"], capture_output=True, text=True, cwd=work)
    assert serve.returncode == 2 and "gridmap[app]" in serve.stderr  # says how to get the app
