"""``gridmap serve``: run the web app (Streamlit) for an office, on an address and port, serving a workspace.

    gridmap serve [--workspace DIR] [--address 127.0.0.1] [--port 8501]

Every session sees the workspace's projects and plans (the default workspace holds the demo); at
start a background thread warms each project's analyses, so a first visit finds them computed.

The app script is ``gridmap/app/server/streamlit_app.py`` inside the installed package, so the
command works the same from a checkout, an editable install or a wheel. Streamlit runs in the
process of ``python -m gridmap.app.serve`` (the app's floor, which also starts the
warm-up); its settings (:data:`STREAMLIT_OPTIONS`) are given as its command-line flags would be, so
they win over any ``.streamlit/config.toml`` in the directory the command runs in (only
``.streamlit/secrets.toml`` is read from there: the optional single sign-on, see the README).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from gridmap.cli.common import print_error
from gridmap.scale.summary import RESULTS_ENV
from gridmap.vocab import Message, text

__all__ = ["APP_SCRIPT", "STREAMLIT_OPTIONS", "streamlit_command", "register"]

#: The script Streamlit executes on every rerun; ``static/`` beside it holds the map assets.
APP_SCRIPT = Path(__file__).resolve().parent.parent / "app" / "server" / "streamlit_app.py"

#: Streamlit settings for an intranet deployment (option → value), and why.
STREAMLIT_OPTIONS: dict[str, str] = {
    # serves app/server/static at /app/static: the map assets (Leaflet & co.) live in static/vendor
    "server.enableStaticServing": "true",
    "server.headless": "true",
    # an intranet server does not change its code while it runs; with the virtualenv inside the
    # project, watching files re-scanned every installed module on each run and made every first
    # map about a third slower (benchmarks/bench_app.py, side by side)
    "server.fileWatcherType": "none",
    # largest upload in MB (the Data page states it; zips are capped again when extracted)
    "server.maxUploadSize": "200",
    # no telemetry, no "Deploy" button pointing at an unreachable cloud
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
}


def streamlit_command(address: str = "127.0.0.1", port: int = 8501, python: str | None = None,
                      workspace: str | os.PathLike | None = None,
                      results: Sequence[str | os.PathLike] = ()) -> list[str]:
    """The command line that serves the app: ``python -m gridmap serve --address … --port … [--workspace …]
    [--results DIR …]``.

    Tests and benchmarks start the server with exactly this command, so what they measure is what
    ``gridmap serve`` runs (the warm-up at start included).
    """
    cmd = [python or sys.executable, "-m", "gridmap", "serve", "--address", address, "--port", str(port)]
    if workspace is not None:
        cmd += ["--workspace", str(workspace)]
    for folder in results:
        cmd += ["--results", str(folder)]
    return cmd


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(Message("err_cli_port_expects_whole_number_from_2", text=text)) from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(Message("err_cli_port_expects_whole_number_from", port=port))
    return port


def run_serve(args: argparse.Namespace) -> int:
    """Open (or create) the workspace, start the warm-up, then run Streamlit in this process."""
    from gridmap.workspace import WorkspaceError, default_location, init_workspace
    from gridmap.workspace.connect import ENV_WORKSPACE

    if not APP_SCRIPT.is_file():
        print_error(Message("err_app_script", path=APP_SCRIPT))
        return 2
    if importlib.util.find_spec("streamlit") is None:
        print_error(Message("err_app_streamlit"))
        return 2
    folders = [Path(f).expanduser().resolve() for f in args.results or []]
    for folder in folders:
        if not (folder / "run.json").is_file():
            print_error(Message("cli_serve_not_results", folder=folder))
            return 2
    if folders:  # the city page offers them (gridmap.app.city_page.RESULTS_ENV)
        os.environ[RESULTS_ENV] = os.pathsep.join(str(f) for f in folders)
    location = str(args.workspace or os.environ.get(ENV_WORKSPACE) or default_location())
    try:
        init_workspace(location)
    except (WorkspaceError, OSError) as exc:
        print_error(Message("cli_serve_workspace", location=location, error=exc))
        return 2
    options = {**STREAMLIT_OPTIONS, "server.address": args.address, "server.port": str(args.port)}
    cmd = [sys.executable, "-m", "gridmap.app.serve", "--workspace", location]
    for key, value in options.items():
        cmd += ["--option", f"{key}={value}"]
    print(text("cli_serve_serving", location=location, address=args.address, port=args.port), file=sys.stderr,
          flush=True)
    if os.name == "posix":
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap serve`` to the command's subparsers."""
    p = sub.add_parser("serve", help=text("help_serve_serve_cmd"),
                       description=text("help_serve_serve_description"))
    p.add_argument("--address", default="127.0.0.1", help=text("help_serve_address"))
    p.add_argument("--port", type=_port, default=8501, help=text("help_serve_port"))
    p.add_argument("--results", action="append", metavar="DIR",
                   help=text("help_serve_results", results_env=RESULTS_ENV, pathsep=os.pathsep))
    p.add_argument("--workspace", metavar="DIR",
                   help=text("help_serve_workspace"))
    p.set_defaults(func=run_serve)
