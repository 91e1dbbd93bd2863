"""pyproject.toml and environment.yml must list the same packages with the same lower bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"]) + [r for group in project["optional-dependencies"].values() for r in group]
    parsed = [Requirement(r) for r in reqs]
    # an extra that pulls in other extras (test = gridmap[app,scale]) names the project itself
    return {r.name.lower(): str(r.specifier) for r in parsed if r.name.lower() != project["name"]}


def _environment_yml() -> dict[str, str]:
    deps: dict[str, str] = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^dependencies:\s*$", line):
            in_deps = True
            continue
        if in_deps and re.match(r"^\S", line):
            break
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$", line.split("#")[0].rstrip())
        if in_deps and m:
            deps[m.group(1).lower()] = (m.group(2) or "").replace(" ", "")
    deps.pop("python", None)
    deps.pop("pip", None)
    return deps


def test_same_packages_and_bounds() -> None:
    py, env = _pyproject(), _environment_yml()
    assert set(py) == set(env), \
        f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    differing = {name: (py[name], env[name]) for name in py if py[name] != env[name]}
    assert not differing, f"lower bounds differ (pyproject, environment.yml): {differing}"


def test_every_dependency_has_a_lower_bound() -> None:
    unbounded = [name for name, spec in _pyproject().items() if ">=" not in spec]
    assert not unbounded, f"pin a lower bound for: {unbounded}"


def test_required_stack_is_declared() -> None:
    needed = {"geopandas", "shapely", "pyogrio", "pyproj", "osmnx", "networkx", "scipy", "rtree", "folium",
              "branca", "streamlit", "streamlit-folium"}
    assert needed <= set(_pyproject())
    assert _pyproject()["shapely"] == ">=2.1"
