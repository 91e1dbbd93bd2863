"""Storing plans: one GeoPackage per plan (atomic, revision-checked), unit→grid CSV tables, and
grid layers drawn in another GIS turned into an assignment.

A plan file holds the layers ``units``, ``assignment`` (``unit_id``, ``grid_code``), ``grids`` (the
dissolved polygons with their statistics — for QGIS/ArcGIS users; derived, not read back),
``edit_log`` (the applied steps, with what undoing them needs, so undo works after reopening) and
``meta`` (``key``, ``value``: format, plan id, revision, band, code prefixes, grid registry, locks,
``status`` = complete / work in progress, saved at, the 专属网格 and their sequence range, the 微网格 band) and, when
the plan has them, ``micro_grids`` (the 微网格, :mod:`gridmap.plans.micro`). Optionally it also carries the inputs the
plan was analysed with — study area, residents, centres, zone layers — as layers ``source_<name>``
(:func:`save_plan` ``sources=``, :func:`load_plan_sources`, names from :func:`plan_sources`), so a
report can be made from the plan file alone.

Saving (:func:`save_plan`) is atomic — the file is written beside the target and swapped in with
``os.replace``, so a killed process leaves the previous plan intact — and carries a revision
number. Under an exclusive lock on ``<file>.lock`` (released by the OS if the process dies), the
revision in the file is compared with the one the plan was loaded at: if another planner saved in
between, the save is refused with :class:`StaleRevisionError`, the plan in memory is left as it
is (nothing is lost) and a rescue copy of it is written beside the file.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap.errors import GridmapError
from gridmap.io.files import write_gpkg
from gridmap.plans.exclusive import DEFAULT_EXCLUSIVE_RANGE
from gridmap.plans.grids import CODE_PATTERN, community_prefixes, number_grids
from gridmap.plans.micro import MICRO_LAYER, micro_rows_from_records, micro_rows_to_records
from gridmap.plans.plan import Plan, PlanError, Step
from gridmap.vocab import Message

__all__ = ["save_plan", "load_plan", "read_plan_meta", "StaleRevisionError", "PlanConflictError",
           "write_assignment_csv", "read_assignment_csv", "assignment_from_layer", "FORMAT",
           "plan_sources", "load_plan_sources", "SOURCE_PREFIX", "steps_table", "steps_from_table",
           "exclusive_lock"]

FORMAT = "gridmap-plan"
FORMAT_VERSION = 1
#: Layers holding the analysis inputs are named ``source_<name>``.
SOURCE_PREFIX = "source_"
_SOURCE_NAME = re.compile(r"^\w+$")


class StaleRevisionError(RuntimeError):
    """The file was saved by someone else since this plan was loaded; the save was refused."""

    def __init__(self, message: str | Message, rescue_path: Path | None):
        super().__init__(message)
        self.rescue_path = rescue_path


class PlanConflictError(RuntimeError):
    """The target file holds a different plan; pass ``overwrite=True`` to replace it."""


# ------------------------------------------------------------------------------------------ lock


@contextmanager
def exclusive_lock(path: Path, timeout: float | None = None):
    """An exclusive OS lock on ``<path>.lock``, released automatically if the process dies.

    Threads and processes alike wait for it (each acquisition opens the lock file anew). With
    ``timeout`` (seconds), :class:`TimeoutError` is raised when the lock is not had by then;
    without, it waits as long as it takes (on Windows, at most a minute).
    """
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    # chosen by platform, not by trying to import fcntl: an ImportError raised by the locked code
    # must reach the caller (and mypy checks each branch for the platform that runs it)
    with open(lock_path, "a+b") as fh:
        if sys.platform != "win32":
            import fcntl

            if deadline is None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            else:
                while True:
                    try:
                        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise TimeoutError(Message("err_store_held_by_another_save_for", lock_path=lock_path,
                                                       timeout=timeout)) from None
                        time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        else:
            import msvcrt

            fh.seek(0)
            for _ in range(int((timeout or 60.0) / 0.1)):
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise TimeoutError(Message("err_store_another_process_holds_plan_lock", lock_path=lock_path))
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


# ------------------------------------------------------------------------------------------ steps


def _codes_json(codes: np.ndarray) -> list:
    return [None if c is None else str(c) for c in codes]


def _micro_json(step: Step) -> dict:
    """What undoing a 微网格 edit needs: the rows of its grids before and after (nothing for other steps)."""
    if not step.micro_grids or step.micro_before is None or step.micro_after is None:
        return {}
    return {"micro_grids": list(step.micro_grids), "micro_before": micro_rows_to_records(step.micro_before),
            "micro_after": micro_rows_to_records(step.micro_after)}


def steps_table(plan: Plan, first: int = 0) -> pd.DataFrame:
    """The plan's applied steps from position ``first`` on as the ``edit_log`` table: the columns of
    :meth:`Plan.edit_log` plus ``undo`` (JSON: the units, their grids before and after, the grid
    registry and locks around the step, its time) — what undoing needs after reading it back."""
    log = plan.edit_log().iloc[first:].reset_index(drop=True)
    undo = [json.dumps({"units": plan.unit_ids[s.idx].tolist(), "before": _codes_json(s.before),
                        "after": _codes_json(s.after), "grids_before": s.grids_before, "grids_after": s.grids_after,
                        "locked_before": sorted(s.locked_before), "locked_after": sorted(s.locked_after),
                        "t": s.time, **_micro_json(s)}, ensure_ascii=False) for s in plan.history[first:]]
    log["undo"] = undo
    return log


def steps_from_table(plan: Plan, log: pd.DataFrame) -> list[Step]:
    """The steps of an ``edit_log`` table (:func:`steps_table`) on ``plan``'s units, in ``seq`` order."""
    steps = []
    positions = pd.Index(plan.unit_ids)
    for row in log.sort_values("seq").itertuples(index=False):
        d = json.loads(row.undo)
        micro = {}
        if d.get("micro_grids"):  # a 微网格 edit: the rows of its grids around it
            micro = {"micro_grids": tuple(d["micro_grids"]), "micro_recorded": True,
                     "micro_before": micro_rows_from_records(d["micro_before"], plan.crs),
                     "micro_after": micro_rows_from_records(d["micro_after"], plan.crs)}
        steps.append(Step(row.op, json.loads(row.params), positions.get_indexer(d["units"]),
                          np.array(d["before"], dtype=object), np.array(d["after"], dtype=object),
                          d["grids_before"], d["grids_after"], frozenset(d["locked_before"]),
                          frozenset(d["locked_after"]), d["t"], **micro))
    return steps


# ------------------------------------------------------------------------------------------ gpkg


def read_plan_meta(path: str | os.PathLike) -> dict[str, str]:
    """The ``meta`` table of a plan file as a dict (raises ValueError if it is not a plan file)."""
    path = Path(path)
    try:
        meta = pyogrio.read_dataframe(path, layer="meta", read_geometry=False)
    except Exception as exc:
        raise GridmapError("err_store_not_gridmap_plan_file_no", path=path, detail=exc) from exc
    out = dict(zip(meta["key"].astype(str), meta["value"].astype(str), strict=True))
    if out.get("format") != FORMAT:
        raise GridmapError("err_store_not_gridmap_plan_file", path=path)
    return out


def plan_sources(study_area: gpd.GeoDataFrame | None = None, residents: gpd.GeoDataFrame | None = None,
                 centers: gpd.GeoDataFrame | None = None, zones: Mapping[str, gpd.GeoDataFrame] | None = None
                 ) -> dict[str, gpd.GeoDataFrame]:
    """The ``sources`` of :func:`save_plan` under their usual names: ``study_area``, ``residents``,
    ``centers`` and ``zones_<layer>`` per zone layer (inputs given as None are left out)."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, gdf in (("study_area", study_area), ("residents", residents), ("centers", centers)):
        if gdf is not None:
            out[name] = gdf
    for layer, gdf in (zones or {}).items():
        out[f"zones_{layer}"] = gdf
    return out


def _check_sources(sources: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for name, gdf in sources.items():
        if not _SOURCE_NAME.match(str(name)):
            raise GridmapError("err_store_source_name_must_word_letters", name=name)
        if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
            raise GridmapError("err_store_source_must_geodataframe_with_crs", name=name)
        out[f"{SOURCE_PREFIX}{name}"] = gdf
    return out


def _source_layer_names(path: Path) -> list[str]:
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    return [n for n in names if n.startswith(SOURCE_PREFIX)]


def load_plan_sources(path: str | os.PathLike) -> dict[str, gpd.GeoDataFrame]:
    """The analysis inputs stored in a plan file, ``{name: GeoDataFrame}`` (``{}`` when there are none).

    Names as given to :func:`save_plan` (e.g. ``study_area``, ``residents``, ``centers``,
    ``zones_party``), in the order they were stored.
    """
    path = Path(path)
    read_plan_meta(path)  # a plan file, or ValueError
    return {n[len(SOURCE_PREFIX):]: gpd.read_file(path, layer=n, engine="pyogrio") for n in _source_layer_names(path)}


def _stored_sources(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """The ``source_*`` layers of an existing plan file, as they are (to carry them into a new revision)."""
    return {n: gpd.read_file(path, layer=n, engine="pyogrio") for n in _source_layer_names(path)}


def _layers(plan: Plan, revision: int) -> dict[str, pd.DataFrame]:
    checks = plan.checks()
    complete = bool((checks["status"] == "pass").all())
    meta = {
        "format": FORMAT, "format_version": str(FORMAT_VERSION), "plan_id": plan.plan_id, "name": plan.name,
        "revision": str(revision), "min_households": str(plan.min_households),
        "max_households": str(plan.max_households), "prefixes": json.dumps(plan.prefixes),
        "grids": json.dumps(plan.registry), "locked": json.dumps(sorted(plan.locked)),
        "exclusive": json.dumps(plan.exclusive, ensure_ascii=False),
        "exclusive_range": f"{plan.exclusive_range[0]}-{plan.exclusive_range[1]}",
        "micro_band": f"{plan.micro_band[0]},{plan.micro_band[1]}",
        "status": "complete" if complete else "work in progress",
        "failed_checks": ";".join(checks.loc[checks["status"] != "pass", "check"]),
        "saved_at": pd.Timestamp.now(tz="UTC").isoformat(),
    }
    grids = plan.grids()
    layers = {
        "units": plan.units,
        "assignment": plan.assignment(),
        "grids": grids,
        "edit_log": steps_table(plan),
        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())}),
    }
    if plan.micro_grids is not None:
        layers[MICRO_LAYER] = plan.micro_grids
    return layers


def save_plan(plan: Plan, path: str | os.PathLike, *, overwrite: bool = False, rescue: bool = True,
              sources: Mapping[str, gpd.GeoDataFrame] | None = None) -> int:
    """Save a plan atomically as a new revision; return that revision (also set on ``plan``).

    Parameters
    ----------
    plan : the plan (a plan failing checks is saved too, marked ``work in progress``).
    path : the ``.gpkg`` file.
    overwrite : replace a file holding a different plan, or a newer revision of this one.
    rescue : on a stale revision, write the unsaved plan to ``<stem>.unsaved-r<rev>-<time>.gpkg``.
    sources : optional analysis inputs stored beside the plan as layers ``source_<name>`` (names
        are words, e.g. from :func:`plan_sources`; read back with :func:`load_plan_sources`).
        ``None`` keeps the sources already stored in the file when it holds this plan; ``{}``
        stores none.

    Raises
    ------
    StaleRevisionError : the file was saved (revision > the plan's) since this plan was loaded.
    PlanConflictError : the file holds another plan.
    """
    path = Path(path)
    extra = _check_sources(sources) if sources is not None else {}
    with exclusive_lock(path):
        file_rev = 0
        if path.exists():
            meta = read_plan_meta(path)
            file_rev = int(meta.get("revision", "0"))
            if not overwrite and meta.get("plan_id") != plan.plan_id:
                raise PlanConflictError(Message("err_store_holds_another_plan_save_under", path=path,
                                                value=meta.get('name') or meta.get('plan_id')))
            if not overwrite and file_rev != plan.revision:
                rescue_path = None
                if rescue:
                    stamp = time.strftime("%Y%m%d-%H%M%S")
                    rescue_path = path.with_name(f"{path.stem}.unsaved-r{plan.revision}-{stamp}{path.suffix}")
                    write_gpkg({**_layers(plan, plan.revision), **extra}, rescue_path)
                raise StaleRevisionError(
                    Message("err_store_stale_revision", path=path, file_rev=file_rev, revision=plan.revision,
                            rescue=Message("err_store_rescue_file", name=rescue_path.name) if rescue_path else ""),
                    rescue_path)
            if sources is None and meta.get("plan_id") == plan.plan_id:
                extra = _stored_sources(path)
        new_rev = max(file_rev, plan.revision) + 1
        write_gpkg({**_layers(plan, new_rev), **extra}, path)
    plan.revision = new_rev
    plan.dirty = False
    return new_rev


def _micro_layer(path: Path) -> gpd.GeoDataFrame | None:
    """The plan's 微网格 layer, when it has one (codes kept as text)."""
    if MICRO_LAYER not in {str(n) for n in pyogrio.list_layers(path)[:, 0]}:
        return None
    micro = gpd.read_file(path, layer=MICRO_LAYER, engine="pyogrio")
    for column in ("micro_code", "grid_code", "building_head", "building_head_phone"):
        if column in micro:
            micro[column] = micro[column].fillna("").astype(str)
    return micro


def load_plan(path: str | os.PathLike) -> Plan:
    """Open a plan file (the edit log is restored, so undo reaches back into earlier sessions)."""
    path = Path(path)
    meta = read_plan_meta(path)
    units = gpd.read_file(path, layer="units", engine="pyogrio")
    assignment = pyogrio.read_dataframe(path, layer="assignment", read_geometry=False)
    assignment["grid_code"] = assignment["grid_code"].astype(str).replace({"None": "", "nan": ""})
    plan = Plan(units, assignment, min_households=int(meta["min_households"]),
                max_households=int(meta["max_households"]), prefixes=json.loads(meta["prefixes"]),
                locked=json.loads(meta["locked"]), grids=json.loads(meta["grids"]),
                revision=int(meta["revision"]), plan_id=meta["plan_id"], name=meta.get("name", ""),
                exclusive=json.loads(meta.get("exclusive", "{}")),
                exclusive_range=meta.get("exclusive_range") or DEFAULT_EXCLUSIVE_RANGE,
                micro_grids=_micro_layer(path), micro_band=meta.get("micro_band") or None)
    log = pyogrio.read_dataframe(path, layer="edit_log", read_geometry=False)
    if len(log):
        plan.history = steps_from_table(plan, log)
    if plan.micro_grids is not None and f"{SOURCE_PREFIX}residents" in _source_layer_names(path):
        # edits make the 微网格 of the grids they touch anew from the residents stored with the plan
        plan.attach_residents(lambda: gpd.read_file(path, layer=f"{SOURCE_PREFIX}residents", engine="pyogrio"))
    plan.dirty = False
    return plan


# ------------------------------------------------------------------------------------------ csv


def write_assignment_csv(assignment: pd.DataFrame | Plan, path: str | os.PathLike) -> Path:
    """Write the unit→grid table (``unit_id,grid_code``; a block-equivalency file), atomically."""
    table = assignment.assignment() if isinstance(assignment, Plan) else assignment[["unit_id", "grid_code"]]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    table.to_csv(tmp, index=False, encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_assignment_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a unit→grid table; grid codes stay text (leading zeros kept). Duplicate units raise."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.columns = [c.strip() for c in table.columns]
    missing = {"unit_id", "grid_code"} - set(table.columns)
    if missing:
        raise PlanError("err_assignment_columns", path=path, missing=", ".join(sorted(missing)))
    table = table[["unit_id", "grid_code"]].copy()
    numeric = pd.to_numeric(table["unit_id"], errors="coerce")
    if numeric.notna().all():
        table["unit_id"] = numeric.astype(np.int64)
    table["grid_code"] = table["grid_code"].str.strip()
    dup = table["unit_id"][table["unit_id"].duplicated()]
    if len(dup):
        raise PlanError("err_assignment_twice", path=path, ids=", ".join(map(str, dup.head(10))))
    return table


# ------------------------------------------------------------------------------------------ layers


def assignment_from_layer(units: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, code_column: str | None = "grid_code",
                          *, study_area: pd.DataFrame | None = None, sure_share: float = 0.99
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a grid layer drawn in another GIS into an assignment of the units.

    Each unit goes to the grid holding most of its area. Units split between grids (largest share
    below ``sure_share``) are guesses; units no grid touches stay unassigned. Both are reported.

    Parameters
    ----------
    units : the plan's units (metric CRS).
    grids : the drawn grid polygons (any CRS).
    code_column : the column with 15-digit grid codes; if None, missing or not all 15-digit codes,
        grids are numbered afresh per community (west→east, north→south).
    study_area : for the code prefixes when numbering afresh.
    sure_share : a unit with at least this share of its area in one grid is not a guess.

    Returns
    -------
    (assignment, report) : ``unit_id, grid_code`` for every unit (``""`` where none), and the units
    that were guessed or left out: ``unit_id, grid_code, share, reason``.
    """
    units = units.reset_index(drop=True)
    drawn = grids.to_crs(units.crs).reset_index(drop=True)
    ug = units.geometry.to_numpy()
    dg = drawn.geometry.to_numpy()
    tree = shapely.STRtree(dg)
    ui, gi = tree.query(ug, predicate="intersects")
    share = shapely.area(shapely.intersection(ug[ui], dg[gi])) / np.maximum(shapely.area(ug[ui]), 1e-12)
    pairs = pd.DataFrame({"u": ui, "g": gi, "share": share}).sort_values(["u", "share", "g"],
                                                                        ascending=[True, False, True])
    best = pairs.drop_duplicates("u").set_index("u")
    best = best[best["share"] > 0]
    labels = np.full(len(units), -1, dtype=np.int64)
    labels[best.index.to_numpy()] = best["g"].to_numpy()
    codes_ok = (code_column is not None and code_column in drawn.columns
                and drawn[code_column].astype(str).str.fullmatch(CODE_PATTERN.pattern).all()
                and not drawn[code_column].astype(str).duplicated().any())
    codes = np.full(len(units), "", dtype=object)
    has = labels >= 0
    if codes_ok:
        codes[has] = drawn[code_column].astype(str).to_numpy()[labels[has]]
    elif has.any():
        # one new grid per (drawn polygon, community) piece, numbered per community
        sub = units[has].reset_index(drop=True)
        piece = pd.factorize(pd.Series(labels[has]).astype(str) + "|" + sub["area_id"].astype(str))[0]
        prefixes = community_prefixes(study_area, units["area_id"].astype(str).unique())
        codes[has] = number_grids(sub, piece, prefixes)
    assignment = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": codes})
    s = np.zeros(len(units))
    s[best.index.to_numpy()] = best["share"].to_numpy()
    guessed = has & (s < sure_share)
    report = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "grid_code": codes, "share": s})
    report["reason"] = np.where(~has, "no drawn grid covers it: left unassigned",
                                "split between drawn grids (or partly uncovered): took the largest share")
    report = report[guessed | ~has].reset_index(drop=True)
    return assignment, report
