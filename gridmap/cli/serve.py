"""``gridmap serve``: run the web app (Streamlit) for an office, on an address and port.

The app script is ``gridmap/app/server/streamlit_app.py`` inside the installed package, so the
command works the same from a checkout, an editable install or a wheel. Streamlit's settings are
passed on its command line (:data:`STREAMLIT_OPTIONS`), not read from a ``.streamlit`` folder in
whatever directory the command happens to run in.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from gridmap.cli.common import print_error
from gridmap.vocab import Message

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
                      extra: dict[str, str] | None = None) -> list[str]:
    """The command line that serves the app: ``python -m streamlit run <app script> --option value …``.

    Tests and benchmarks start the server with exactly this command, so what they measure is what
    ``gridmap serve`` runs.
    """
    options = {**STREAMLIT_OPTIONS, "server.address": address, "server.port": str(port), **(extra or {})}
    cmd = [python or sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT)]
    for key, value in options.items():
        cmd += [f"--{key}", value]
    return cmd


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port expects a whole number from 1 to 65535, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port expects a whole number from 1 to 65535, got {port}")
    return port


def run_serve(args: argparse.Namespace) -> int:
    """Start Streamlit in the foreground (replacing this process where the OS allows)."""
    if not APP_SCRIPT.is_file():
        print_error(Message("err_app_script", path=APP_SCRIPT))
        return 2
    if importlib.util.find_spec("streamlit") is None:
        print_error(Message("err_app_streamlit"))
        return 2
    cmd = streamlit_command(args.address, args.port)
    print(f"gridmap: serving the app at http://{args.address}:{args.port}", file=sys.stderr, flush=True)
    if os.name == "posix":
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap serve`` to the command's subparsers."""
    p = sub.add_parser("serve", help="run the web app for an office (Streamlit)",
                       description="Serve the gridmap app. Everything the browser loads comes from this server "
                                   "(no CDN, no tiles unless an intranet tile server is set).")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1; "
                                                          "0.0.0.0 for every interface of the office network)")
    p.add_argument("--port", type=_port, default=8501, help="port (default 8501)")
    p.set_defaults(func=run_serve)
