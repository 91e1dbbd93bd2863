"""``gridmap workspace``: create a shared workspace, import a project's inputs into it, list what it holds.

    gridmap workspace init DIR
    gridmap workspace import DIR --project NAME --demo
    gridmap workspace import DIR --project NAME --zones party=PATH [--zones NAME=PATH …] --area PATH
                             [--residents PATH] [--centers PATH] [--osm PATH] [--title TEXT]
    gridmap workspace import DIR --project NAME [--staff PATH] [--members PATH] [--units PATH] [--helpers PATH]
    gridmap workspace list DIR

A workspace (docs/design.md §7.1) is a folder of GeoPackages holding projects — one 街道 or 区 each:
its validated input layers, its OSM street file and its plans with every revision — plus accounts
and the audit trail. ``import`` reads and checks the files exactly as the analyses do (the same
loaders, the same reading options ``--crs``, ``--source``, ``--map``, ``--drop-empty``) and
refuses unusable input with the same named errors; the new inputs replace the project's previous
ones as a whole (plans keep their own units). The layers of people (``--staff``, ``--members``,
``--units``, ``--helpers``) are imported on their own into a project that has inputs: each is
checked as ``gridmap staff`` / ``gridmap pair`` check it and added or replaces only that layer;
only admins and planners in scope read their names and phones.

The command line acts as the local *system* principal, named after the OS user: whoever can open
the workspace folder administers it (keep the folder's permissions to the office's admins); every
change is recorded in the audit trail under that name. Never put a workspace on a network share.
Every error exits with status 2 and one ``error:`` line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gridmap.cli.common import add_input_options, input_options, load_zone_inputs, progress, split_layer
from gridmap.cli.project import guarded
from gridmap.io.validate import LayerError
from gridmap.people.layers import PEOPLE_LAYERS
from gridmap.vocab import LIST_SEP, Joined, Message, text

__all__ = ["register", "run_init", "run_import", "run_list"]


@guarded
def run_init(args: argparse.Namespace) -> int:
    """Create a workspace (or say that one is there already)."""
    from gridmap.workspace import WorkspaceFormatError, backend_for, init_workspace

    try:
        backend_for(args.dir).check()
        existed = True
    except WorkspaceFormatError:
        existed = False
    workspace = init_workspace(args.dir)
    info = workspace.describe()
    accounts = workspace.backend.count_accounts()
    kind = (Message("cli_ws_kind_postgis", schema=info["schema"]) if info.get("backend") == "postgis"
            else Message("cli_ws_kind_gpkg"))
    where = Message("cli_ws_exists" if existed else "cli_ws_created", location=workspace.location)
    print(text("cli_ws_init", where=where, kind=kind, version=info["schema_version"],
               accounts=Message("cli_ws_accounts", n=accounts) if accounts else Message("cli_ws_open_until")))
    return 0


def _check_osm(path: Path) -> Path:
    if not path.is_file():
        raise LayerError("err_cli_osm_file_not_found", path=path)
    name = path.name.lower()
    if not (name.endswith(".osm") or name.endswith(".osm.bz2")):
        raise LayerError("err_cli_osm_street_file_osm_xml", path=path)
    return path


@guarded
def run_import(args: argparse.Namespace) -> int:
    """Import a project's inputs (or the demo) into a workspace."""
    from gridmap.workspace import open_workspace
    from gridmap.workspace.demo import import_demo

    say = progress(args.quiet)
    session = open_workspace(args.dir).as_system()
    people = [key for key in PEOPLE_LAYERS if getattr(args, key)]
    if people:
        inputs = [f"--{n}" for n in ("demo", "zones", "area", "residents", "centers", "osm") if getattr(args, n)]
        if inputs:
            raise LayerError("err_ws_import_people_apart", given=" ".join(f"--{k} PATH" for k in people))
        return _import_people(args, session, people, say)
    if args.demo:
        given = [f"--{n}" for n in ("zones", "area", "residents", "centers", "osm") if getattr(args, n)]
        if given:
            raise LayerError("err_cli_demo_imports_demo_own_layers", given=Joined(given, LIST_SEP))
        say(Message("cli_ws_importing_demo"))
        project = import_demo(session, args.import_project)
    else:
        if not args.zones or not args.area:
            raise LayerError("err_cli_gridmap_workspace_import_needs_zones")
        scopes = ("area", "residents", "centers")
        zones, area, residents, reports, _ = load_zone_inputs(args, say, "workspace import", scopes=scopes)
        layers = {"study_area": area, **{f"zones_{name}": gdf for name, gdf in zones.items()}}
        if residents is not None:
            layers["residents"] = residents
        if args.centers:
            path, layer = split_layer(args.centers)
            layers["centers"], report = input_options(args, scopes).load(path, "centers", layer, "centers")
            reports.append(report)
            say(Message("cli_ws_read_centers", n=len(layers["centers"]), path=path))
        osm = _check_osm(Path(args.osm)) if args.osm else None
        project = session.import_inputs(args.import_project, layers, osm, title=args.title, reports=reports)
    print(text("cli_ws_imported", name=project.name, version=project.inputs_version, crs=project.crs,
               layers=", ".join(project.layers), osm=Message("cli_ws_with_osm") if project.osm else ""))
    return 0


def _import_people(args: argparse.Namespace, session, keys: list[str], say) -> int:
    """Add or replace the project's layers of people named by ``keys`` (``--staff`` …), checked as the commands do."""
    from gridmap.io.inputs import InputOptions

    options = InputOptions.from_args(args, PEOPLE_LAYERS)
    layers, reports = {}, []
    for key in keys:
        path, layer = split_layer(getattr(args, key))
        layers[key], report = options.load(path, None, layer, key)
        layers[key].attrs.setdefault("source", str(path))
        reports.append(report)
        say(Message("cli_ws_read_people", key=key, n=len(layers[key]), path=path))
    options.check_all_used()
    project = session.import_people(args.import_project, layers, reports=reports)
    print(text("cli_ws_imported_people", name=project.name, layers=", ".join(keys),
               all=", ".join(project.layers)))
    return 0


@guarded
def run_list(args: argparse.Namespace) -> int:
    """Print the projects, their plans and each plan's revisions."""
    from gridmap.workspace import open_workspace
    from gridmap.workspace.changes import kind_label, status_label

    workspace = open_workspace(args.dir)
    session = workspace.as_system()
    projects = session.projects()
    accounts = workspace.backend.count_accounts()
    print(text("cli_ws_list", location=workspace.location, n=len(projects),
               accounts=Message("cli_ws_accounts", n=accounts) if accounts else Message("cli_ws_runs_open")))
    results = {r.project: r for r in session.results_list()}
    for project in projects:
        print(text("cli_ws_project", name=project.name,
                   title=f" — {project.title}" if project.title != project.name else "",
                   crs=project.crs or Message("cli_ws_no_inputs"), version=project.inputs_version))
        if project.layers:
            print(text("cli_ws_layers", layers=", ".join(project.layers),
                       osm=Message("cli_ws_osm" if project.osm else "cli_ws_no_osm")))
        if project.name in results:
            r = results[project.name]
            print(text("cli_ws_run_results", written=r.written, by=r.written_by,
                       tables=", ".join(f"{k} {v:,}" for k, v in r.tables.items())))
        plans = session.plans(project.name)
        if not plans:
            print(text("cli_ws_no_plans"))
        for info in plans:
            print(text("cli_ws_plan", name=info.name, head=info.head, last=info.last_revision, units=info.n_units))
            for rev in session.revisions(project.name, info.name):
                mark = text("cli_plan_head_mark") if rev.number == info.head else ""
                print("  " + text("cli_rev_line", number=rev.number, kind=kind_label(rev.kind), base="",
                                  time=f"{rev.time:%Y-%m-%d %H:%M}", author=rev.author,
                                  status=status_label(rev.status), mark=mark)
                      + (f"  “{rev.message}”" if rev.message else ""))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``gridmap workspace`` (init, import, list) to the command's subparsers."""
    p = sub.add_parser("workspace", help=text("help_workspace_workspace_cmd"),
                       description=text("help_workspace_description"))
    actions = p.add_subparsers(dest="action", required=True)

    init = actions.add_parser("init", help=text("help_workspace_init_cmd"))
    init.add_argument("dir", metavar="DIR", help=text("help_workspace_dir"))
    init.set_defaults(func=run_init)

    imp = actions.add_parser("import", help=text("help_workspace_import_cmd"),
                             description=text("help_workspace_import_description"))
    imp.add_argument("dir", metavar="DIR", help=text("help_workspace_dir_2"))
    imp.add_argument("--project", dest="import_project", required=True, metavar="NAME",
                     help=text("help_workspace_project"))
    imp.add_argument("--title", help=text("help_workspace_title"))
    imp.add_argument("--demo", action="store_true", help=text("help_workspace_demo"))
    imp.add_argument("--zones", action="append", metavar="NAME=PATH[#LAYER]",
                     help=text("help_workspace_zones"))
    imp.add_argument("--area", metavar="PATH[#LAYER]", help=text("help_workspace_area"))
    imp.add_argument("--residents", metavar="PATH[#LAYER]", help=text("help_workspace_residents"))
    imp.add_argument("--centers", metavar="PATH[#LAYER]", help=text("help_workspace_centers"))
    imp.add_argument("--osm", metavar="PATH", help=text("help_workspace_osm"))
    for key in PEOPLE_LAYERS:
        imp.add_argument(f"--{key}", metavar="PATH[#LAYER]",
                         help=text("help_workspace_people", what=Message(f"help_workspace_people_{key}")))
    add_input_options(imp)
    imp.set_defaults(func=run_import)

    lst = actions.add_parser("list", help=text("help_workspace_list_cmd"))
    lst.add_argument("dir", metavar="DIR", help=text("help_workspace_dir_3"))
    lst.set_defaults(func=run_list)
