"""The ``gridmap`` command: one module per subcommand, each with a ``register(subparsers)``.

``info`` describes and checks layer files; the analysis modules add ``coverage``, ``access``,
``unify``, ``site``, ``report`` and ``run``; ``workspace``, ``users`` and ``plan`` manage a shared
workspace (:mod:`gridmap.workspace`). Only this floor (and the app) prints or parses
arguments; the work itself is done by the core modules.
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main", "build_parser"]

#: Subcommand modules, in the order ``gridmap --help`` lists them.
SUBCOMMANDS = ("info", "coverage", "access", "unify", "site", "report", "run", "serve", "assets", "workspace", "users",
               "plan")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gridmap`` command with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="gridmap", description="Plan unified governance grids (多网合一).")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"gridmap.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gridmap`` console script."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
