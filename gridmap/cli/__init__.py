"""The ``gridmap`` command: one module per subcommand, each with a ``register(subparsers)``.

``info`` describes and checks layer files; the analysis modules add ``coverage``, ``access``,
``unify``, ``site``, ``pair``, ``staff``, ``report``, ``notice`` and ``run``; ``workspace``, ``users`` and
``plan`` manage a shared workspace (:mod:`gridmap.workspace`). Only this floor (and the app) prints or parses
arguments; the work itself is done by the core modules.

One language: ``gridmap --lang zh|en <command>`` (or ``GRIDMAP_LANG``; Chinese by default) sets the
language of the messages, and of the maps, reports and notices of a command that has no ``--lang`` of
its own given (:mod:`gridmap.vocab`).

No traceback, ever: :func:`main` checks the arguments first (:mod:`gridmap.cli.checks`), turns
every named error (:class:`gridmap.errors.GridmapError`, ``LayerError`` among them) into one
``error:`` line and exit status 2, and — a last resort for bugs, not a way of handling input —
any other exception into a short message asking to report it (``GRIDMAP_DEBUG=1`` shows the
traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from gridmap.vocab import LANG_ENV, LANGUAGES, resolve_language, text, using_language

__all__ = ["main", "build_parser", "language_of"]

#: Subcommand modules, in the order ``gridmap --help`` lists them.
SUBCOMMANDS = ("info", "coverage", "access", "unify", "site", "pair", "staff", "report", "notice", "run", "serve",
               "assets", "workspace", "users", "plan")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``gridmap`` command with every subcommand registered.

    With ``only`` (a subcommand name) just that one is registered: each subcommand module imports
    what its work needs (folium, dask, numba…), and a command should not pay for the others'
    imports at start-up (~0.3 s of CPU).
    """
    from gridmap.cli.parser import GridmapParser

    parser = GridmapParser(prog="gridmap", description=text("help_main_description"))
    parser.add_argument("--lang", choices=tuple(LANGUAGES), default=None,
                        help=text("help_main_lang", lang_env=LANG_ENV))
    sub = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS if only is None else (only,):
        importlib.import_module(f"gridmap.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gridmap`` console script; returns the exit status.

    0 done, 1 done with a warning the command documents (e.g. a map not written), 2 the input,
    an option or the output folder cannot be used (the message says which and what to do).
    """
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    given = sys.argv[1:] if argv is None else argv
    # the help is written in the user's language: known before the parser is built
    with using_language(language_of(given)):
        try:
            # a known subcommand first: only its module is imported (help and errors stay the same)
            command = _command_of(given)
            args = build_parser(command if command in SUBCOMMANDS else None).parse_args(given)
        except SystemExit as exc:  # argparse has printed the usage and what is wrong (or the help)
            return _exit_status(exc)
    with using_language(args.lang) as lang:  # for this command only: main() may be called again in one process
        args.lang = lang
        return _run(args)


def language_of(argv: list[str]) -> str:
    """The language a command line asks for: its last ``--lang X`` / ``--lang=X``, else ``GRIDMAP_LANG``, else zh.

    The last one, as argparse takes it: a subcommand's ``--lang`` (the language of its maps and
    reports) overrides ``gridmap --lang``. An unknown value gives the default (argparse refuses it then).
    """
    chosen = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    return resolve_language(chosen or os.environ.get(LANG_ENV))


def _command_of(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` after the global options (``--lang X``), if any."""
    rest = list(argv)
    while rest and rest[0].startswith("--lang"):
        rest = rest[2:] if rest[0] == "--lang" else rest[1:]
    return rest[0] if rest else None


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command: its status, or 2 with one ``error:`` line for anything it could not do."""
    from gridmap.cli.checks import check_arguments
    from gridmap.errors import GridmapError

    try:
        check_arguments(args)
        return args.func(args)
    except GridmapError as exc:
        _error(str(exc))
    except SystemExit as exc:
        return _exit_status(exc)
    except KeyboardInterrupt:
        _error(text("err_interrupted"))
        return 130
    except MemoryError:
        _error(text("err_out_of_memory"))
    except OSError as exc:
        if exc.filename is None:
            _unexpected(exc)
        else:
            _error(text("err_os", path=exc.filename, reason=exc.strerror or exc))
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug must still not end in a traceback
        _unexpected(exc)
    return 2


def _error(message: object) -> None:
    from gridmap.cli.common import print_error

    print_error(message)


def _exit_status(exc: SystemExit) -> int:
    """The status of a SystemExit: its number; a message is printed and gives 2."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    message = str(exc.code)
    _error(message.removeprefix("error: "))
    return 2


def _unexpected(exc: BaseException) -> None:
    """Report an exception no check foresaw: short, with what to do, the traceback only on request."""
    from gridmap import __version__

    if os.environ.get("GRIDMAP_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    _error(text("err_unexpected", kind=type(exc).__name__, detail=f": {detail}" if detail else "", version=__version__))


if __name__ == "__main__":
    sys.exit(main())
