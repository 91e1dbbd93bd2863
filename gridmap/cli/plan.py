"""``gridmap plan log``: the history of a project's plans — who saved what, when, and what changed.

    gridmap plan log --workspace DIR --project NAME [--plan NAME] [--limit N]

For each plan, newest first: every revision (number, kind — build, save, merge, rescue, restore,
import —, time, author, status, message, the head marked) and what changed (units moved between
which grids with their households; grids created, merged, split, removed, locked, unlocked; the
revisions a merge joined; the conflict that made a save a rescue). Without ``--plan``, the
project's other events follow (imports, exports of personal lists). The command acts as the local
system principal; every error exits with status 2 and one ``error:`` line.
"""

from __future__ import annotations

import argparse

from gridmap.cli.project import guarded
from gridmap.vocab import text

__all__ = ["register", "run_log"]


@guarded
def run_log(args: argparse.Namespace) -> int:
    """Print the revisions of one plan or of every plan of a project."""
    from gridmap.workspace import open_workspace
    from gridmap.workspace.changes import describe, kind_label, status_label

    session = open_workspace(args.workspace).as_system()
    project = session.project(args.project)
    infos = [session.plan_info(project.name, args.plan)] if args.plan else session.plans(project.name)
    if not infos:
        print(text("cli_plan_none", name=project.name))
    for info in infos:
        revisions = session.revisions(project.name, info.name)[::-1]
        if args.limit:
            revisions = revisions[: args.limit]
        print(text("cli_plan_head", name=info.name, project=project.name, head=info.head, last=info.last_revision))
        for rev in revisions:
            mark = text("cli_plan_head_mark") if rev.number == info.head else ""
            base = text("cli_rev_on_base", base=rev.base) if rev.base is not None else ""
            print(text("cli_rev_line", number=rev.number, kind=kind_label(rev.kind), base=base,
                       time=f"{rev.time:%Y-%m-%d %H:%M:%S}", author=rev.author, status=status_label(rev.status),
                       mark=mark))
            if rev.message:
                print(f"      “{rev.message}”")
            for line in describe(rev.summary):
                print(f"      {line}")
        print()
    if not args.plan:
        others = [e for e in session.log(project.name, limit=args.limit)
                  if e.action in ("import", "export", "create_project")]
        if others:
            print(text("cli_plan_other_events", name=project.name))
        for event in others:
            what = ", ".join(f"{k}={v}" for k, v in event.details.items() if k not in ("layers",))
            print(f"  {event.time:%Y-%m-%d %H:%M:%S} UTC  {event.user}  {event.action}  {what}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap plan log`` to the command's subparsers."""
    p = sub.add_parser("plan", help=text("help_plan_plan_cmd"),
                       description=text("help_plan_description"))
    actions = p.add_subparsers(dest="action", required=True)
    log = actions.add_parser("log", help=text("help_plan_log_cmd"))
    log.add_argument("--workspace", required=True, metavar="DIR", help=text("help_plan_workspace"))
    log.add_argument("--project", required=True, metavar="NAME", help=text("help_plan_project"))
    log.add_argument("--plan", metavar="NAME", help=text("help_plan_plan"))
    log.add_argument("--limit", type=int, metavar="N", help=text("help_plan_limit"))
    log.set_defaults(func=run_log)
