"""``gridmap assets``: install the offline map assets (Leaflet & co.) from the npm registry.

Maps need no internet at run time: the scripts and styles folium would take from CDNs are
installed once, here, from the npm registry (or the office's npm mirror: npm's own settings
apply) into the folder Streamlit serves and the standalone HTML maps inline
(:mod:`gridmap.present.assets`).
"""

from __future__ import annotations

import argparse
import sys

from gridmap.vocab import text

__all__ = ["register"]


def run_assets(args: argparse.Namespace) -> int:
    """Install (or check) the assets; exit status 2 with the reason when that fails."""
    from gridmap.cli.common import print_error
    from gridmap.present import assets
    from gridmap.vocab import text

    if args.check:
        absent = assets.missing(args.target)
        for rel in absent:
            print(text("cli_assets_missing_file", path=rel))
        target = assets.VENDOR_DIR if args.target is None else args.target
        print(text("cli_assets_complete", target=target) if not absent
              else text("cli_assets_incomplete", target=target, n=len(absent)))
        return 0 if not absent else 1
    try:
        assets.install(args.target, force=args.force, npm=args.npm,
                       say=lambda msg: print(msg, file=sys.stderr, flush=True))
    except (assets.AssetsInstallError, OSError) as exc:
        print_error(exc)
        return 2
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap assets`` to the command's subparsers."""
    p = sub.add_parser("assets", help=text("help_assets_assets_cmd"),
                       description=text("help_assets_description"))
    p.add_argument("--force", action="store_true", help=text("help_assets_force"))
    p.add_argument("--check", action="store_true", help=text("help_assets_check"))
    p.add_argument("--target", help=text("help_assets_target"))
    p.add_argument("--npm", default="npm", help=text("help_assets_npm"))
    p.set_defaults(func=run_assets)
