"""The package's structure, checked from its source: no private name crosses a module, no import cycle.

Both checks read every ``.py`` file under ``gridmap/`` with :mod:`ast` (nothing is imported), so they
see imports inside functions too — a deferred import is how a cycle usually hides.

* **Private names.** A module may use its own ``_helpers``; another module may not. Flagged:
  ``from gridmap.x import _y``, and ``m._y`` where ``m`` names a gridmap module imported with
  ``import gridmap.x as m`` or ``from gridmap import x as m``. Public names of a private module
  (``from gridmap.x._y import z``) are fine: the module's package owns it.
* **Cycles.** The module graph is the one import-linter (grimp) builds: ``from p import n`` is an
  import of ``p.n`` when that is a module, else of ``p``; ``import a.b`` is an import of ``a.b``.
  Imports under ``if TYPE_CHECKING:`` are left out: they never run. Every strongly connected
  component of more than one module (Tarjan) is a cycle, reported with one path around it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gridmap"


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: Path = PACKAGE, root: Path = ROOT) -> dict[str, Path]:
    """Module name → file, for every ``.py`` file of the package."""
    return {_module_name(p, root): p for p in sorted(package.rglob("*.py"))}


MODULES = _modules()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    inside.update(id(n) for n in ast.walk(child))
    return inside


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[int, str, str | None, str | None]]:
    """(line, imported module, imported name or None, local alias) of every gridmap import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_nodes(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gridmap":
                    out.append((node.lineno, alias.name, None, alias.asname))
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, path, node)
            if target.split(".")[0] != "gridmap":
                continue
            for alias in node.names:
                out.append((node.lineno, target, alias.name, alias.asname or alias.name))
    return out


def private_imports(modules: dict[str, Path] = MODULES, root: Path = ROOT) -> list[str]:
    """``file:line: what`` for every private name one gridmap module takes from another."""
    found = []
    for module, path in modules.items():
        rel = path.relative_to(root).as_posix()
        module_aliases: dict[str, str] = {}
        for line, target, name, alias in _imports(module, path, modules):
            if name is None:
                if alias:  # import gridmap.x.y as m
                    module_aliases[alias] = target
                continue
            full = f"{target}.{name}"
            if full in modules:
                module_aliases[alias] = full
            if _is_private(name) and target != module:
                found.append(f"{rel}:{line}: from {target} import {name}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and _is_private(node.attr)
                    and module_aliases[node.value.id] != module):
                found.append(f"{rel}:{node.lineno}: {module_aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def import_graph(modules: dict[str, Path] = MODULES) -> dict[str, set[str]]:
    """module → the gridmap modules it imports (at any depth of the file, TYPE_CHECKING left out)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for _line, target, name, _alias in _imports(module, path, modules):
            imported = target
            if name is not None and f"{target}.{name}" in modules:
                imported = f"{target}.{name}"
            while imported not in modules and "." in imported:  # a name inside a module
                imported = imported.rsplit(".", 1)[0]
            if imported in modules and imported != module:
                graph[module].add(imported)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a path that returns to its start) per strongly connected component of ≥ 2 modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):  # iterative Tarjan: no recursion limit on a deep package
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    components.append(sorted(comp))
    return [_path_around(comp, graph) for comp in components]


def _path_around(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {start: start}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:  # back home: start → … → v → start
                    path = [v]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if w not in parent:
                    parent[w] = v
                    nxt.append(w)
        frontier = nxt
    return component


# ------------------------------------------------------------------------------------------------
# the checks themselves, first on small made-up packages (so they can fail), then on gridmap


def _fake_package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = tmp_path / "gridmap" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return _modules(tmp_path / "gridmap", tmp_path)


def _private_in(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return private_imports(_fake_package(tmp_path, files), tmp_path)


def test_the_private_name_check_finds_each_form(tmp_path: Path) -> None:
    found = _private_in(tmp_path, {
        "__init__.py": "",
        "a/__init__.py": "",
        "a/one.py": "_x = 1\ndef _f():\n    return _x\n",
        "a/two.py": "def g():\n    from gridmap.a.one import _f\n    return _f()\n",  # deferred
        "a/three.py": "from gridmap.a import one as o\n\ndef h():\n    return o._x\n",
        "a/four.py": "import gridmap.a.one as m\nY = m._x\n",
        "a/five.py": "from . import one\nZ = one._f\n",  # relative
        "a/_private.py": "def ok():\n    return 1\n",
        "a/six.py": "from gridmap.a._private import ok\nfrom gridmap.a.one import _f as __f__\n",
    })
    assert found == [
        "gridmap/a/five.py:2: gridmap.a.one._f",
        "gridmap/a/four.py:2: gridmap.a.one._x",
        "gridmap/a/six.py:2: from gridmap.a.one import _f",
        "gridmap/a/three.py:4: gridmap.a.one._x",
        "gridmap/a/two.py:2: from gridmap.a.one import _f",
    ]


def test_the_cycle_check_finds_a_deferred_cycle_and_ignores_type_checking(tmp_path: Path) -> None:
    modules = _fake_package(tmp_path, {
        "__init__.py": "",
        "p/__init__.py": "from gridmap.p.gather import build\n",
        "p/gather.py": "def write():\n    from gridmap.p.excel import sheet\n    return sheet\n",
        "p/excel.py": "from gridmap.p.gather import write\nsheet = 1\n",
        "p/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from gridmap.p.plain import X\n",
        "p/plain.py": "from gridmap.p import typed\n",
        "q.py": "from gridmap.p import gather\n",
    })
    graph = import_graph(modules)
    assert graph["gridmap.p"] == {"gridmap.p.gather"}
    assert graph["gridmap.q"] == {"gridmap.p.gather"}
    assert graph["gridmap.p.typed"] == set()
    assert cycles(graph) == [["gridmap.p.excel", "gridmap.p.gather", "gridmap.p.excel"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.slow
def test_every_module_is_parsed() -> None:
    assert "gridmap.access.routing" in MODULES and "gridmap.cli" in MODULES
    assert len(MODULES) > 40
    graph = import_graph()
    assert "gridmap.access.routing" in graph["gridmap.access.accessibility"]


@pytest.mark.slow
def test_no_module_imports_a_private_name_of_another() -> None:
    found = private_imports()
    assert not found, "private names used across modules (make them public or move them):\n" + "\n".join(found)


@pytest.mark.slow
def test_no_import_cycle_among_gridmap_modules() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" → ".join(c) for c in found)


@pytest.mark.slow
@pytest.mark.parametrize("floor, forbidden", [
    ("gridmap.io", ("gridmap.analysis", "gridmap.access", "gridmap.plans", "gridmap.present", "gridmap.scale",
                    "gridmap.app", "gridmap.cli")),
    ("gridmap.access", ("gridmap.plans", "gridmap.present", "gridmap.scale", "gridmap.app", "gridmap.cli")),
    ("gridmap.present", ("gridmap.app", "gridmap.cli")),
])
def test_lower_floors_do_not_import_higher_ones(floor: str, forbidden: tuple[str, ...]) -> None:
    graph = import_graph()
    bad = sorted(f"{m} → {t}" for m, targets in graph.items() if m == floor or m.startswith(floor + ".")
                 for t in targets if any(t == f or t.startswith(f + ".") for f in forbidden))
    assert not bad, "\n".join(bad)
