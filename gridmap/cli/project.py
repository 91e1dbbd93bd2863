"""The command line's side of a workspace: ``--workspace DIR --project NAME`` on the analyses (inputs
read from a project, plans saved into it), and named errors turned into exit status 2.

The command line acts as the local *system* principal
(:meth:`gridmap.workspace.Workspace.as_system`, named after the OS user): whoever can open the
workspace folder can read and write its files anyway, so the command administers it — and every
change it makes is still in the audit trail under that name.

A project's layers were validated when they were imported, so the reading options (``--crs``,
``--source``, ``--map``, ``--drop-empty``) and input files are refused beside ``--workspace``:
inputs come from one place. Workspace errors are turned into :class:`gridmap.io.validate.LayerError`
(the named error every analysis reports with exit status 2).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from gridmap.io.validate import LayerError
from gridmap.vocab import LIST_SEP, Joined, Message, text

if TYPE_CHECKING:
    from gridmap.plans.plan import Plan
    from gridmap.workspace import Project, WorkspaceSession

__all__ = ["add_project_options", "project_session", "project_layers", "project_zone_inputs",
           "project_walk_inputs", "project_plan", "save_project_plan", "same_units", "guarded", "FILE_OPTIONS"]

#: Options naming input files or reading them, refused beside --workspace (when the command has them).
FILE_OPTIONS = ("zones", "area", "residents", "centers", "osm", "demo", "crs", "source", "map", "drop_empty",
                "residents_layer", "centers_layer")


def add_project_options(parser: argparse.ArgumentParser, plan_help: str | None = None) -> None:
    """``--workspace DIR --project NAME`` (and ``--plan NAME`` when ``plan_help`` is given)."""
    parser.add_argument("--workspace", metavar="DIR",
                        help=text("help_project_workspace"))
    parser.add_argument("--project", metavar="NAME", help=text("help_project_project"))
    if plan_help:
        parser.add_argument("--plan", metavar="NAME", help=plan_help)


def _check(args: argparse.Namespace) -> None:
    if not getattr(args, "workspace", None) and not getattr(args, "project", None):
        return
    if not args.workspace or not args.project:
        raise LayerError("err_cli_workspace_dir_and_project_name")
    given = [f"--{name.replace('_', '-')}" for name in FILE_OPTIONS if getattr(args, name, None)]
    if given:
        raise LayerError("err_cli_with_workspace_inputs_come_from", project=args.project, given=Joined(given, LIST_SEP))


def project_session(args: argparse.Namespace) -> tuple[WorkspaceSession, Project]:
    """(system session, project record) of ``--workspace``/``--project``; LayerError when unusable."""
    from gridmap.workspace import WorkspaceError, open_workspace

    _check(args)
    try:
        session = open_workspace(args.workspace).as_system()
        return session, session.project(args.project)
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc


def project_layers(args: argparse.Namespace, say) -> tuple[WorkspaceSession, dict[str, gpd.GeoDataFrame], Path | None]:
    """(session, every input layer of the project by key, its OSM file or None)."""
    from gridmap.workspace import WorkspaceError

    session, project = project_session(args)
    try:
        layers = session.inputs(project.name)
        osm = session.osm_path(project.name)
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    if not layers:
        raise LayerError("err_cli_project_has_no_inputs_yet", name=project.name, workspace=args.workspace)
    say(Message("cli_ws_project_of", name=project.name, workspace=args.workspace, version=project.inputs_version,
                layers=", ".join(layers), osm=f", OSM {osm.name[:12]}…" if osm else ""))
    return session, layers, osm


def project_zone_inputs(args: argparse.Namespace, say, command: str, need_residents: bool = False):
    """What :func:`gridmap.cli.common.load_zone_inputs` returns, from the project."""
    _, layers, osm = project_layers(args, say)
    zones = {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}
    if need_residents and "residents" not in layers:
        raise LayerError("err_cli_gridmap_needs_residents_and_project", command=command, project=args.project)
    return zones, layers["study_area"], layers.get("residents"), [], osm


def project_walk_inputs(args: argparse.Namespace, say):
    """What :func:`gridmap.cli.common.load_walk_inputs` returns, read from the project (its layers as "demo")."""
    _, layers, osm = project_layers(args, say)
    missing = [Message(name) for name, have in (("err_cli_lacks_osm", osm is not None),
                                                ("err_cli_lacks_residents", "residents" in layers),
                                                ("err_cli_lacks_centers", "centers" in layers)) if not have]
    if missing:
        raise LayerError("err_cli_project_has_no_import_them", project=args.project, missing=Joined(missing, LIST_SEP),
                         workspace=args.workspace)
    return osm, layers["residents"], layers["centers"], layers


@dataclass
class ProjectPlan:
    """Where ``unify`` saves: the session, the project and plan names, and the plan's head (None: a new plan)."""

    session: WorkspaceSession
    project: str
    name: str
    head: Plan | None


def project_plan(args: argparse.Namespace, default: str | None = None) -> ProjectPlan:
    """The plan ``--plan`` names in the project (``default`` when not given; the only plan if there is one)."""
    from gridmap.workspace import WorkspaceError

    session, project = project_session(args)
    try:
        names = [p.name for p in session.plans(project.name)]
        name = args.plan or default or (names[0] if len(names) == 1 else None)
        if name is None:
            raise LayerError("err_cli_project_has_plans_name_one", name=project.name, n_names=len(names),
                             names=Joined(names, LIST_SEP) if names else Message("err_cli_none"))
        head = session.open_plan(project.name, name) if name in names else None
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    return ProjectPlan(session, project.name, name, head)


def same_units(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> bool:
    """Whether two unit layers are the same units (ids, communities and shapes to a millimetre)."""
    if len(a) != len(b):
        return False
    a = a.sort_values("unit_id").reset_index(drop=True)
    b = b.sort_values("unit_id").reset_index(drop=True)
    if not (a["unit_id"].to_numpy() == b["unit_id"].to_numpy()).all():
        return False
    if not (a["area_id"].astype(str).to_numpy() == b["area_id"].astype(str).to_numpy()).all():
        return False
    b_geoms = b.geometry.to_crs(a.crs).to_numpy() if b.crs != a.crs else b.geometry.to_numpy()
    return bool(np.all(shapely.equals_exact(a.geometry.to_numpy(), b_geoms, tolerance=1e-3)))


def save_project_plan(target: ProjectPlan, plan: Plan, message: str) -> str:
    """Save a built plan into the project (a new plan, or a ``build`` revision of the plan); say what happened."""
    from gridmap.workspace import RevisionKind, SaveConflict, WorkspaceError

    try:
        if target.head is None:
            rev = target.session.create_plan(target.project, target.name, plan, message=message,
                                             kind=RevisionKind.BUILD)
            return f"new plan {target.name!r} in project {target.project!r} (revision {rev.number})"
        plan.plan_id, plan.revision = target.head.plan_id, target.head.revision
        result = target.session.save_plan(target.project, target.name, plan, message=message, kind=RevisionKind.BUILD)
    except SaveConflict as exc:
        raise LayerError(str(exc)) from exc
    except WorkspaceError as exc:
        raise LayerError(str(exc)) from exc
    if result.unchanged:
        return f"plan {target.name!r} of project {target.project!r} unchanged (revision {result.revision.number})"
    how = "merged with the saves since, " if result.merged else ""
    return f"plan {target.name!r} of project {target.project!r}: {how}revision {result.revision.number}"


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A subcommand that prints a named error (workspace, layer) as one ``error:`` line and exits with status 2."""
    from gridmap.workspace import WorkspaceError

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (WorkspaceError, LayerError) as exc:
            print(text("err_prefix") + str(exc), file=sys.stderr)  # not cli.common.print_error: common imports us
            return 2
        except OSError as exc:  # a folder that cannot be read or written (permissions, disk full)
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            print(text("err_prefix") + where + str(exc.strerror or exc), file=sys.stderr)
            return 2

    return wrapper
