r"""``gridmap users``: the accounts of a workspace — add, change a password, disable, enable, list.

    gridmap users add NAME --workspace DIR --role admin|planner|viewer [--scope CODE]… [--project NAME]…
                      --password-stdin
    gridmap users passwd NAME --workspace DIR --password-stdin
    gridmap users disable NAME --workspace DIR
    gridmap users enable NAME --workspace DIR          (also lifts a lockout after failed logins)
    gridmap users list --workspace DIR

Roles (docs/design.md §7.1): ``admin`` — accounts, projects, imports; ``planner`` — edits the units
and grids inside its scope (``--scope``: a 街道 code of 9 digits, a 社区 code of 12 digits, a 区
code of 6 digits, or an ``area_id``; at least one) in the projects granted (``--project``, repeatable)
and sees personal lists inside the scope; ``viewer`` — maps, reports and counts of the projects
granted, never lists of people. Once a workspace has an account, the app shows nothing before a login.

The password is read from standard input with ``--password-stdin`` (``printf '%s\n' "$PW" | gridmap
users add …``), or typed twice at a prompt that does not echo; it is never taken as an argument
(arguments show up in process lists and shell histories), never printed and never stored in clear
(argon2id). The command line acts as the local system principal: whoever can open the workspace
folder manages its accounts. Every error exits with status 2 and one ``error:`` line.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from gridmap.cli.project import guarded
from gridmap.io.validate import LayerError
from gridmap.vocab import text

__all__ = ["register", "read_password"]


def read_password(args: argparse.Namespace) -> str:
    """The new password: one line of standard input (``--password-stdin``), or typed twice without echo."""
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise LayerError("err_cli_password_stdin_standard_input_holds")
        return password
    if not sys.stdin.isatty():
        raise LayerError("err_cli_give_password_on_standard_input")
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise LayerError("err_cli_two_passwords_differ_nothing_was")
    return first


def _session(args: argparse.Namespace):
    from gridmap.workspace import open_workspace

    return open_workspace(args.workspace).as_system()


@guarded
def run_add(args: argparse.Namespace) -> int:
    """Add an account."""
    session = _session(args)
    password = read_password(args)
    account = session.add_user(args.name, args.role, password, scopes=args.scope or (), projects=args.project or ())
    grants = []
    if account["scopes"]:
        grants.append(f"scope {', '.join(account['scopes'])}")
    if account["projects"]:
        grants.append(f"projects {', '.join(account['projects'])}")
    print(text("cli_users_added", role=account["role"], name=account["name"],
               grants=f" ({'; '.join(grants)})" if grants else ""))
    if account["role"] != "admin" and not account["projects"]:
        print(text("cli_users_sees_nothing", name=account["name"]), file=sys.stderr)
    return 0


@guarded
def run_passwd(args: argparse.Namespace) -> int:
    """Set an account's password (its sessions end, a lockout is lifted)."""
    session = _session(args)
    session.set_password(args.name, read_password(args))
    print(text("cli_users_passwd", name=args.name))
    return 0


@guarded
def run_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    _session(args).disable_user(args.name)
    print(text("cli_users_disabled", name=args.name))
    return 0


@guarded
def run_enable(args: argparse.Namespace) -> int:
    """Enable an account and lift a lockout."""
    _session(args).enable_user(args.name)
    print(text("cli_users_enabled", name=args.name))
    return 0


@guarded
def run_list(args: argparse.Namespace) -> int:
    """List the accounts (never their password hashes)."""
    users = _session(args).users()
    if not users:
        print(text("cli_users_none"))
        return 0
    for u in users:
        state = (text("cli_users_state_disabled") if u["disabled"] else
                 text("cli_users_state_locked", until=u["locked_until"][:16]) if u["locked_until"] else
                 text("cli_users_state_active"))
        grants = text("cli_users_grant_sep").join(
            part for part in (text("cli_users_grant_scope", codes=", ".join(u["scopes"])) if u["scopes"] else "",
                              text("cli_users_grant_projects", names=", ".join(u["projects"])) if u["projects"] else "")
            if part)
        print(f"{u['name']:<20} {u['role']:<8} {state:<26} {u['source']:<6} {grants}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap users`` (add, passwd, disable, enable, list) to the command's subparsers."""
    p = sub.add_parser("users", help=text("help_users_users_cmd"),
                       description=text("help_users_description"))
    actions = p.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, run, with_name: bool = True, password: bool = False):
        a = actions.add_parser(name, help=help_text)
        if with_name:
            a.add_argument("name", metavar="NAME", help=text("help_users_name"))
        a.add_argument("--workspace", required=True, metavar="DIR", help=text("help_users_workspace"))
        if password:
            a.add_argument("--password-stdin", action="store_true",
                           help=text("help_users_password_stdin"))
        a.set_defaults(func=run)
        return a

    add = action("add", text("help_users_add_cmd"), run_add, password=True)
    add.add_argument("--role", required=True, choices=("admin", "planner", "viewer"), help=text("help_users_role"))
    add.add_argument("--scope", action="append", metavar="CODE",
                     help=text("help_users_scope"))
    add.add_argument("--project", action="append", metavar="NAME",
                     help=text("help_users_project"))
    action("passwd", text("help_users_passwd_cmd"), run_passwd, password=True)
    action("disable", text("help_users_disable_cmd"), run_disable)
    action("enable", text("help_users_enable_cmd"), run_enable)
    action("list", text("help_users_list_cmd"), run_list, with_name=False)
