"""The app's server process: Streamlit in this process, with the warm-up started beside it.

``gridmap serve`` (:mod:`gridmap.cli.serve`) checks its arguments and the workspace, then executes

    python -m gridmap.app.serve --workspace LOCATION --option server.port=8501 …

which runs Streamlit here (:func:`streamlit.web.bootstrap.run`), so the warm-up thread
(:func:`gridmap.app.account.start`: each project's analyses computed at start) fills the very
caches the sessions read. The options are given as Streamlit's command-line flags would be, so
they win over any ``.streamlit/config.toml`` of the directory the server runs in.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

__all__ = ["APP_SCRIPT", "flag_options", "main"]

#: The script Streamlit executes on every rerun; ``static/`` beside it holds the map assets.
APP_SCRIPT = Path(__file__).resolve().parent / "server" / "streamlit_app.py"


def _value(text: str):
    """A Streamlit option's value with its type (its command line would parse "true" and "200" so)."""
    if text in ("true", "false"):
        return text == "true"
    return int(text) if text.isdigit() else text


def flag_options(options: list[str]) -> dict[str, object]:
    """``["server.port=8501", …]`` → Streamlit's flag options ``{"server_port": 8501, …}``."""
    flags: dict[str, object] = {}
    for item in options:
        key, _, value = item.partition("=")
        flags[key.strip().replace(".", "_")] = _value(value.strip())
    return flags


def main(argv: list[str] | None = None) -> None:
    """Serve the app on the workspace given, the warm-up started first."""
    from streamlit.web import bootstrap

    from gridmap.app import account
    from gridmap.workspace.connect import ENV_WORKSPACE

    parser = argparse.ArgumentParser(prog="python -m gridmap.app.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", required=True, help="the workspace (folder or database URL)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="a Streamlit option")
    args = parser.parse_args(argv)
    os.environ[ENV_WORKSPACE] = args.workspace  # every session opens this workspace
    flags = flag_options(args.option)
    bootstrap.load_config_options(flags)
    account.start(args.workspace)
    bootstrap.run(str(APP_SCRIPT), False, [], flags)


if __name__ == "__main__":
    main()
