"""The whole analysis of a large area — coverage, access, grids — in one process or as tasks per partition.

:func:`run_single` calls the core on the whole area in one process. :func:`run_partitioned`
writes the inputs once into a store of GeoParquet (:func:`gridmap.scale.partition.write_partitions`),
cuts the area into partitions of whole communities (街道 by default, or districts; neighbouring
ones joined into a few tasks per worker) and runs one task per partition — it reads its own
inputs from the store, then builds the mosaic, the units, the grids and the coverage parts — plus
one task routing every resident on the whole network; on a pool of forked processes
(``"processes"``) or any dask scheduler: ``"threads"``, ``"sync"``, a ``dask.distributed.Client``
or a scheduler address. With ``halo_access`` each partition routes on its halo network instead,
and what it cannot prove exact is routed again on the whole network. The merged results
are the one-process results: the same faces (same labels, areas and people), units, grids and
grid codes, the same access distances and nearest centres, the same coverage tables.

Identity, not approximation, is the contract; ``tests/test_pipeline.py`` checks it on the 10k
synthetic city.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.access.accessibility import compute_access
from gridmap.access.network import WalkNetwork
from gridmap.access.routing import (
    CODE_NO_GEOMETRY,
    DEFAULT_SNAP_LIMIT,
    DEFAULT_THRESHOLDS,
    MAJOR_COMPONENT_M,
    AccessResult,
    CentreServices,
    RoutingResult,
    access_tables,
    centre_services,
    check_thresholds,
    nearest_center_arrays,
    representative_xy,
    values_at,
)
from gridmap.access.snapping import EdgeIndex
from gridmap.analysis.coverage import (
    OVERLAP_COLUMNS,
    CoverageReport,
    coverage_report,
    dissolve_parts,
    find_gaps,
    find_invalid_edges,
    find_outside,
    find_overlaps,
    flag_slivers,
    label_gaps,
    number_overlaps,
    summarise_coverage,
)
from gridmap.analysis.mosaic import build_mosaic, layer_columns, number_faces
from gridmap.defaults import GAP_WIDTH_M, MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, SEED, SLIVER_M2
from gridmap.errors import GridmapError, ParameterError, check_number
from gridmap.io.crs import working_crs
from gridmap.plans.grids import build_grids
from gridmap.plans.units import units_from_faces
from gridmap.scale.partition import (
    OUTSIDE,
    Partition,
    PartitionStore,
    certified,
    read_network,
    read_partition,
    read_resident_points,
    write_partitions,
)
from gridmap.vocab import Message

__all__ = ["CityInputs", "RunParams", "RunResult", "run_single", "run_partitioned", "project_inputs", "warm_up",
           "forks", "call_aside"]

Progress = Callable[[str | Message], None]


@dataclass
class CityInputs:
    """Everything an analysis of an area needs (docs/design.md §2 tables; any CRS, each declared)."""

    study_area: gpd.GeoDataFrame
    layers: dict[str, gpd.GeoDataFrame]
    residents: gpd.GeoDataFrame
    centers: gpd.GeoDataFrame | None = None
    network: WalkNetwork | None = None

    @classmethod
    def from_city(cls, city) -> CityInputs:
        """From a :class:`gridmap.scale.synthetic.SyntheticCity`."""
        return cls(city.study_area, dict(city.layers), city.residents, city.centers, city.network)


@dataclass(frozen=True)
class RunParams:
    """Parameters of a run (each defaults to the core's default)."""

    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS
    snap_limit: float = DEFAULT_SNAP_LIMIT
    min_households: int = MIN_HOUSEHOLDS
    max_households: int = MAX_HOUSEHOLDS
    seed: int = SEED
    min_unit_area: float = 50.0
    min_unit_width: float = 2.0
    gap_width: float = GAP_WIDTH_M
    sliver_m2: float = SLIVER_M2
    partition_by: str = "street"
    #: noding snaps to this grid (metres): floating-point noding of different subsets of the
    #: linework can differ by 1e-9 m² slivers, which change unit adjacency and so the grids;
    #: snap-rounding to 1 mm makes the faces a function of the local linework only.
    grid_size: float = 0.001
    #: partitions are joined into this many tasks per worker (0: one task per partition). Each
    #: task has fixed costs (reading, frames, noding the borders it shares with its neighbours,
    #: pandas calls per layer), so a few large tasks per worker are faster than many small ones.
    #: Groups cut for equal work per worker (:func:`gridmap.scale.partition.group_targets`, counting
    #: the remainder and whole-network access tasks started beside them) keep the workers busy
    #: with one each: on 100,000 buildings and 2 workers, medians of 6 alternating runs,
    #: 1.97 s with one task per worker against 2.08 s with two.
    tasks_per_worker: int = 1
    #: route access per partition on its halo network (plus one task on the whole network for the
    #: residents a halo cannot prove exact) instead of one task on the whole network beside the
    #: partitions' tasks: for areas whose network and residents are too large for one worker.
    halo_access: bool = False

    def __post_init__(self) -> None:
        """Refuse a parameter that is not finite or out of range (:class:`gridmap.errors.ParameterError`)."""
        set_ = object.__setattr__  # frozen: normalise once, here
        set_(self, "thresholds", check_thresholds(self.thresholds))
        check_number(self.snap_limit, "snap_limit", "metres", above=0)
        for name in ("min_households", "max_households"):
            set_(self, name, check_number(getattr(self, name), name, "households", minimum=1, integer=True))
        if self.min_households > self.max_households:
            raise ParameterError("err_run_band_order", low=self.min_households, high=self.max_households)
        set_(self, "seed", check_number(self.seed, "seed", minimum=0, integer=True))
        set_(self, "tasks_per_worker", check_number(self.tasks_per_worker, "tasks_per_worker", "tasks", minimum=0,
                                                     integer=True))
        for name, unit in (("min_unit_area", "m²"), ("min_unit_width", "metres"), ("gap_width", "metres"),
                           ("sliver_m2", "m²")):
            check_number(getattr(self, name), name, unit, minimum=0)
        if self.grid_size is not None:
            check_number(self.grid_size, "grid_size", "metres", minimum=0, maximum=1)
        if not isinstance(self.halo_access, bool):
            raise ParameterError("err_pipeline_halo_access_must_true_or", halo_access=self.halo_access)
        if not isinstance(self.partition_by, str) or not self.partition_by:
            raise ParameterError("err_partition_by", got=repr(self.partition_by))

    @property
    def halo(self) -> float:
        """How far a partition's network reaches beyond it: largest threshold + snap limit."""
        return float(max(self.thresholds)) + float(self.snap_limit)


@dataclass
class RunResult:
    """What a run produces (metric CRS), plus timings and, when partitioned, the partition table."""

    faces: gpd.GeoDataFrame
    units: gpd.GeoDataFrame
    assignment: pd.DataFrame
    grids: gpd.GeoDataFrame
    grid_status: pd.DataFrame
    coverage: CoverageReport
    access: AccessResult | None
    timings: dict[str, float] = field(default_factory=dict)
    partitions: pd.DataFrame | None = None
    #: when partitioned: one row per task — ``task``, ``worker`` (process id), ``start_s`` and ``end_s``
    #: (wall seconds from the start of the run), ``cpu_s`` (the task's CPU seconds)
    tasks: pd.DataFrame | None = None
    #: CPU seconds of the driver process per stage (the keys of ``timings``)
    cpu: dict[str, float] = field(default_factory=dict)


def project_inputs(inputs: CityInputs, crs=None) -> tuple[CityInputs, pyproj.CRS]:
    """All layers in one metric CRS: ``crs`` (checked at the data), else the network's, else
    :func:`gridmap.io.crs.working_crs` of the inputs (their own projected CRS when true to scale)."""
    layers = (inputs.study_area, *inputs.layers.values(), inputs.residents, inputs.centers)
    crs = inputs.network.crs if crs is None and inputs.network is not None else working_crs(*layers, crs=crs)
    crs = pyproj.CRS.from_user_input(crs)
    if inputs.network is not None and not inputs.network.crs.equals(crs):
        raise GridmapError("err_pipeline_network_in_another_crs_than")

    def to(g):
        if g is None:
            return None
        if g.crs is None:
            raise GridmapError("err_pipeline_every_input_layer_needs_crs")
        return g if g.crs.equals(crs) else g.to_crs(crs)

    return CityInputs(to(inputs.study_area), {k: to(v) for k, v in inputs.layers.items()}, to(inputs.residents),
                      to(inputs.centers), inputs.network), crs


class _Stages:
    """Wall and CPU seconds of a run's consecutive stages (``wall`` is the run's ``timings``).

    The CPU seconds are the driver process's (its threads included, not its worker processes):
    on a shared machine the wall time of a stage depends on the load, its CPU time much less.
    """

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.start = self._wall = time.perf_counter()
        self._cpu0 = self._cpu = time.process_time()

    def lap(self, stage: str) -> None:
        """Close ``stage``: the seconds since the previous one ended."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[stage], self.cpu[stage] = wall - self._wall, cpu - self._cpu
        self._wall, self._cpu = wall, cpu

    def finish(self) -> None:
        """Add the ``total``."""
        self.wall["total"] = time.perf_counter() - self.start
        self.cpu["total"] = time.process_time() - self._cpu0


# ------------------------------------------------------------------------------------------------
# one process


def run_single(inputs: CityInputs, params: RunParams = RunParams(), *, crs=None,
               progress: Progress | None = None) -> RunResult:
    """The whole analysis in this process, by the core functions on the whole area (the reference)."""
    say = progress or (lambda _m: None)
    inputs, crs = project_inputs(inputs, crs)
    stages = _Stages()
    t = stages.wall
    faces = build_mosaic(inputs.layers, inputs.study_area, inputs.residents, crs=crs, n_jobs=1, n_strips=1,
                         grid_size=params.grid_size)
    stages.lap("mosaic")
    say(Message("prog_run_mosaic", n=len(faces), seconds=t["mosaic"]))
    units = units_from_faces(faces, min_area_m2=params.min_unit_area, min_width_m=params.min_unit_width)
    stages.lap("units")
    build = build_grids(units, params.min_households, params.max_households, seed=params.seed,
                        study_area=inputs.study_area)
    stages.lap("grids")
    say(Message("prog_run_grids", units=len(units), grids=len(build.grids), seconds=t["grids"]))
    cov = coverage_report(faces, inputs.layers, gap_width=params.gap_width, sliver_m2=params.sliver_m2)
    stages.lap("coverage")
    acc = None
    if inputs.network is not None and inputs.centers is not None:
        acc = compute_access(inputs.network, inputs.residents, inputs.centers, thresholds=params.thresholds,
                             snap_limit=params.snap_limit)
        stages.lap("access")
        say(Message("prog_run_access", n=len(acc.residents), seconds=t["access"]))
    stages.finish()
    return RunResult(faces, units, build.assignment, build.grids, build.status, cov, acc, t, cpu=stages.cpu)


# ------------------------------------------------------------------------------------------------
# the tasks (module-level functions: picklable for process and distributed workers)


def _empty_like(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.iloc[:0]


def task_faces(part: Partition, crs, layer_order: Sequence[str], params: RunParams) -> gpd.GeoDataFrame:
    """Mosaic faces of a partition: those inside its communities (outside the study area for the remainder)."""
    layers = {name: part.layers[name] for name in layer_order}
    residents = part.residents.drop(columns="_row")
    faces = build_mosaic(layers, part.study_area, residents, crs=crs, n_jobs=1, n_strips=1,
                         grid_size=params.grid_size)
    if part.key == OUTSIDE:
        faces = faces[~faces["in_study_area"]].copy()
        faces["area_id"] = ""
    else:
        faces = faces[faces["in_study_area"]]
    return faces.reset_index(drop=True)


def task_units(faces: gpd.GeoDataFrame, params: RunParams) -> gpd.GeoDataFrame:
    """Units of a partition's faces (slivers merged within each community)."""
    return units_from_faces(faces, min_area_m2=params.min_unit_area, min_width_m=params.min_unit_width)


def task_grids(units: gpd.GeoDataFrame, part: Partition, params: RunParams):
    """Grids of a partition's communities, as the one-process run builds them."""
    return build_grids(units, params.min_households, params.max_households, seed=params.seed,
                       study_area=part.study_area)


def task_coverage(faces: gpd.GeoDataFrame, part: Partition, layer_order: Sequence[str], params: RunParams,
                  crs) -> dict[str, gpd.GeoDataFrame]:
    """Coverage parts of a partition: gaps, overlaps (re-dissolved at the merge), outside, invalid edges."""
    out = {"gaps": find_gaps(faces, {}), "overlaps": find_overlaps(faces, list(layer_order))}
    if part.key == OUTSIDE:
        out["outside"] = find_outside(faces, part.layers)
    owned = {name: zones["zone_id"].astype(str).isin(set(part.owned_zones.get(name, ()))).to_numpy()
             for name, zones in part.context_zones.items()}
    out["invalid_edges"] = find_invalid_edges(part.context_zones, crs, params.gap_width, report=owned)
    return out


def task_access(part: Partition, cen_xy: np.ndarray, service_sets: dict[str, np.ndarray],
                params: RunParams) -> dict[str, np.ndarray]:
    """Access of a partition's residents on its halo network; with the mask of provably exact rows."""
    net = part.net
    if net is None:
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise ValueError("task_access needs a partition read with its halo network (network=True)")
    rows = part.residents["_row"].to_numpy()
    res_xy = representative_xy(part.residents, net.crs) if len(rows) else np.empty((0, 2))
    sel = part.centers
    sub_xy = cen_xy[sel]
    sets = {name: offers[sel] for name, offers in service_sets.items()}
    index = EdgeIndex(net) if net.n_edges else None
    if index is None or len(rows) == 0:
        return {"rows": rows, "certified": np.zeros(len(rows), dtype=bool)}
    rr = nearest_center_arrays(net, res_xy, sub_xy, snap_limit=params.snap_limit, service_sets=sets,
                               index=index)
    ok = certified(net, rr, res_xy, sub_xy, float(max(params.thresholds)), params.halo, index,
                   MAJOR_COMPONENT_M)
    out = {"rows": rows, "certified": ok, "network_m": rr.network_m, "center": values_at(sel, rr.center, -1),
           "snap_m": rr.snap_m, "status": rr.status}
    for name, (d, c) in rr.per_service.items():
        out[f"network_m_{name}"] = d
        out[f"center_{name}"] = values_at(sel, c, -1)
    return out


def task_access_global(net: WalkNetwork, res_xy: np.ndarray, rows: np.ndarray, cen_xy: np.ndarray,
                       service_sets: dict[str, np.ndarray], params: RunParams) -> dict[str, np.ndarray]:
    """The whole network: snaps the centres and routes the residents no partition could prove exact."""
    rr = nearest_center_arrays(net, res_xy, cen_xy, snap_limit=params.snap_limit, service_sets=service_sets)
    out = {"rows": rows, "network_m": rr.network_m, "center": rr.center, "snap_m": rr.snap_m, "status": rr.status,
           "center_snap_m": rr.center_snap_m, "center_status": rr.center_status}
    for name, (d, c) in rr.per_service.items():
        out[f"network_m_{name}"] = d
        out[f"center_{name}"] = c
    return out


#: Task key of the access routed on the whole network.
_WHOLE = "_access_whole"


def task_access_whole(store: PartitionStore, crs, cen_xy: np.ndarray, service_sets: dict[str, np.ndarray],
                      params: RunParams) -> dict[str, np.ndarray]:
    """Route every resident on the whole network, read from the store (a task beside the partitions').

    ``_task`` in the result says which worker ran it and its CPU and wall times (:func:`_task_clock`).
    """
    started = _task_clock()
    res_xy = read_resident_points(store)
    out: dict[str, Any] = task_access_global(read_network(store, crs), res_xy, np.arange(len(res_xy)), cen_xy,
                                             service_sets, params)
    out["_task"] = _task_clock(started)
    return out


def _task_clock(started: dict[str, float] | None = None) -> dict[str, float]:
    """Where and how long a task ran: its worker's process id, its start and end on the monotonic
    clock (shared by every process of the machine) and the CPU seconds of its thread."""
    now = {"worker": float(os.getpid()), "start": time.perf_counter(), "cpu_s": time.thread_time()}
    if started is None:
        return now
    return {"worker": started["worker"], "start": started["start"], "end": now["start"],
            "cpu_s": now["cpu_s"] - started["cpu_s"]}


def task_partition(store: PartitionStore, key: str, crs, layer_order: Sequence[str], cen_xy: np.ndarray | None,
                   service_sets: dict[str, np.ndarray], params: RunParams) -> dict | None:
    """Everything of one partition in one task: read its inputs from the store, then faces,
    coverage, units, grids (and, with ``halo_access``, access). None for an empty remainder.

    One task, not one per stage: a local process pool sends every task's result back to the
    driver and the next task's inputs out again, so stages in separate tasks would carry the
    faces and units through the driver twice.
    """
    started = _task_clock()
    clock = [time.thread_time()]
    seconds = {}

    def lap(stage: str) -> None:
        clock.append(time.thread_time())
        seconds[f"{stage}_s"] = round(clock[-1] - clock[-2], 3)

    part = read_partition(store, key, crs, cen_xy, network=params.halo_access)
    if part is None:
        return None
    lap("read")
    faces = task_faces(part, crs, layer_order, params)
    lap("faces")
    out = {"faces": faces, "coverage": task_coverage(faces, part, layer_order, params, crs)}
    lap("coverage")
    if key != OUTSIDE:
        out["units"] = task_units(faces, params)
        lap("units")
        out["grids"] = task_grids(out["units"], part, params)
        lap("grids")
        out["unit_points"] = unit_points(out["units"])
    if part.net is not None and cen_xy is not None:
        out["access"] = task_access(part, cen_xy, service_sets, params)
        lap("access")
    out["sizes"] = {**part.sizes(), **seconds}
    out["_task"] = _task_clock(started)
    return out


@contextlib.contextmanager
def _system_allocator() -> Iterator[None]:
    """Arrow allocates with the C library's allocator during the run (its default, mimalloc, restored after).

    Measured on a 100,000-building city: in forked workers mimalloc gives its pages back to the
    system and takes them again on every read of the store (system time), so that reading a
    partition took about twice as long as with the C library's allocator (0.2 s against 0.1 s).
    """
    import pyarrow as pa

    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


@contextlib.contextmanager
def _store_folder(store: str | Path | None) -> Iterator[str]:
    """The folder for the pre-partitioned inputs: ``store`` (created, kept), else a temporary one."""
    if store is not None:
        Path(store).mkdir(parents=True, exist_ok=True)
        yield str(store)
        return
    folder = tempfile.mkdtemp(prefix="gridmap-partitions-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------------
# merging


def unit_points(units: gpd.GeoDataFrame) -> np.ndarray:
    """The points the units are numbered by (N→S, W→E), as :func:`gridmap.plans.units.units_from_faces`
    numbers them: their points on surface, rounded to 1 µm. Computed by each partition's task, so
    that the driver only sorts."""
    pts = shapely.point_on_surface(units.geometry.to_numpy())
    return np.column_stack([np.round(shapely.get_x(pts), 6), np.round(shapely.get_y(pts), 6)])


def _renumber_units(parts: list[gpd.GeoDataFrame], points: list[np.ndarray] | None = None
                    ) -> tuple[gpd.GeoDataFrame, list[np.ndarray]]:
    """Concatenate the partitions' units and number them as the one-process run does (N→S, W→E);
    ``points``: each part's :func:`unit_points`, when its task computed them."""
    units = pd.concat(parts, ignore_index=True)
    xy = np.concatenate(points) if points is not None else unit_points(units)
    order = np.lexsort((xy[:, 0], -xy[:, 1]))
    new_id = np.empty(len(units), dtype=np.int64)
    new_id[order] = np.arange(1, len(units) + 1)
    maps, start = [], 0
    for p in parts:
        local = p["unit_id"].to_numpy()
        m = np.zeros(local.max() + 1 if len(local) else 1, dtype=np.int64)
        m[local] = new_id[start:start + len(p)]
        maps.append(m)
        start += len(p)
    units["unit_id"] = new_id
    units = units.iloc[order].reset_index(drop=True)
    return gpd.GeoDataFrame(units, geometry=units.geometry.name, crs=parts[0].crs), maps


def _merge_overlaps(frames: list[gpd.GeoDataFrame], layer_order: Sequence[str], crs) -> gpd.GeoDataFrame:
    """Dissolve again the overlap parts that several partitions share (a part may cross a border).

    A conflict (layer, zone ids) found in one partition only has all its faces there: its parts
    are final. Only the conflicts found in several partitions are dissolved again, here.
    """
    frames = [f.assign(_frame=k) for k, f in enumerate(frames) if len(f)]
    if not frames:
        return find_overlaps(gpd.GeoDataFrame({**{c: [] for name in layer_order for c in layer_columns(name)},
                                               "in_study_area": []}, geometry=[], crs=crs), list(layer_order))
    parts = pd.concat(frames, ignore_index=True)
    key = ["layer", "zone_ids", "n_zones", "in_study_area"]
    shared = (parts.groupby(key, sort=False)["_frame"].transform("nunique") > 1).to_numpy()
    kept = parts[~shared].drop(columns=["_frame", "overlap_id"])
    again = parts[shared].drop(columns=["_frame"])
    if len(again):  # the parts of one conflict, unioned across the borders and split into connected parts
        merged = dissolve_parts(gpd.GeoDataFrame(again.drop(columns=["overlap_id", "area_m2"], errors="ignore"),
                                                 geometry="geometry", crs=crs), key)
        kept = pd.concat([kept, merged[kept.columns]], ignore_index=True)
    out = number_overlaps(gpd.GeoDataFrame(kept, geometry="geometry", crs=crs))  # the one-process ids
    first = [c for c in (*OVERLAP_COLUMNS, "geometry") if c in out.columns]  # as find_overlaps orders them
    return gpd.GeoDataFrame(out[first + [c for c in out.columns if c not in first]], geometry="geometry", crs=crs)


def _merge_gaps(frames: list[gpd.GeoDataFrame], layers: Mapping[str, gpd.GeoDataFrame], crs) -> gpd.GeoDataFrame:
    """Concatenate per-community gaps and label them together, as :func:`coverage.find_gaps` does."""
    frames = [f for f in frames if len(f)] or frames[:1]  # empty frames carry object columns
    gaps = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    return label_gaps(gaps, layers)


def _merged_routing(cols: dict[str, np.ndarray], glob: dict[str, np.ndarray],
                    services: CentreServices) -> RoutingResult:
    """The routing arrays merged from the partitions and the global task, as one pass would give them."""
    return RoutingResult(cols["network_m"], cols["center"], cols["snap_m"], cols["status"], glob["center_snap_m"],
                         glob["center_status"],
                         {s: (cols[f"network_m_{s}"], cols[f"center_{s}"]) for s in services.names})


# ------------------------------------------------------------------------------------------------
# running on dask


class _TaskCounter:
    """Progress of a local dask scheduler: a message every ~10 % of finished tasks."""

    def __init__(self, say: Progress, total: int):
        from dask.callbacks import Callback

        counter = self

        class _CB(Callback):
            def _posttask(self, key, result, dsk, state, worker_id):
                counter.done += 1
                step = max(1, counter.total // 10)
                if counter.done % step == 0 or counter.done == counter.total:
                    counter.say(Message("prog_run_tasks_done", done=counter.done, total=counter.total))

        self.say, self.total, self.done = say, total, 0
        self.callback = _CB()


def warm_up(inputs: CityInputs, res_xy: np.ndarray, crs, params: RunParams) -> None:
    """Run a partition's stages once on one community and discard the result (the first call's costs).

    A process pays, on its first faces and grids, for loading numba's grid search from its cache
    and building its typing context, the first coordinate transformer, modules imported on first
    use: about 0.55 s of CPU at any city size. The driver pays it here, while a forked child
    writes the store; the workers forked after it start warm, instead of each paying it again on
    its first task. Nothing here changes any result; an error is left for the real tasks to
    report.
    """
    with contextlib.suppress(Exception):  # noqa: BLE001 - only a warm-up; the tasks report real problems
        study_area = inputs.study_area.iloc[:1]
        geom = study_area.geometry.iloc[0]
        layers = {name: gdf[gdf.intersects(geom).to_numpy()] for name, gdf in inputs.layers.items()}
        inside = shapely.contains_xy(geom, res_xy[:, 0], res_xy[:, 1])
        part = Partition(key=str(study_area["area_id"].iloc[0]), study_area=study_area, layers=layers,
                         residents=inputs.residents[inside].assign(_row=np.flatnonzero(inside)),
                         context_zones=layers)
        faces = task_faces(part, crs, list(layers), params)  # coverage is left out: it has no first-call cost
        task_grids(task_units(faces, params), part, params)


def forks() -> bool:
    """Whether child processes are forked here (Linux): they then start with this process's memory."""
    import sys

    return sys.platform.startswith("linux")


def call_aside(call: Callable[[], Any]) -> Callable[[], tuple[Any, float]]:
    """Start ``call`` in a forked child process; return a function waiting for (its result, its CPU seconds).

    The child starts with this process's memory, so nothing is sent to it; only the result comes
    back, pickled. Should the child fail or die, the call is made again here, which raises the
    error as this process would have (an exception need not survive pickling). Only where
    :func:`forks`.
    """
    import multiprocessing
    import sys

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # a child flushes what it inherited: empty it first
        stream.flush()

    def run() -> None:
        cpu = time.process_time()
        try:
            value = call()
        except BaseException:  # noqa: BLE001 - the driver makes the call again and raises the error itself
            send.send(("error", None, time.process_time() - cpu))
        else:
            send.send(("ok", value, time.process_time() - cpu))

    child = context.Process(target=run, daemon=True)
    child.start()
    send.close()

    def result() -> tuple[Any, float]:
        try:
            kind, value, cpu = receive.recv()
        except EOFError:  # the child died without answering
            kind, value, cpu = "error", None, 0.0
        child.join()
        if kind == "error":
            return call(), 0.0
        return value, cpu

    return result


@contextlib.contextmanager
def _process_pool(scheduler) -> Iterator[object]:
    """Return, for ``"processes"``, a pool of one worker process per core; None for any other scheduler.

    On Linux the workers are forked: they start with the driver's modules already imported and
    warmed up (a spawned worker would import gridmap, geopandas, numba … again: seconds per
    worker); the run keeps the driver's objects out of the garbage collector meanwhile
    (:func:`_frozen_heap`). Elsewhere the workers are spawned.
    """
    if scheduler != "processes":
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if forks() else "spawn"
    pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=multiprocessing.get_context(method))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[Callable[[], None]]:
    """Yield a function that freezes the objects alive at the time of its call out of the garbage
    collector (:func:`gc.freeze`) until the ``with`` block ends: a run on forked processes calls it
    before it forks the child writing the store, and again before it forks the workers.

    The inputs, the modules and the split's tables live through the whole run, so a collection
    could free none of them; but each full collection would walk all of them — in the driver, and
    in every forked process, where writing an object's header also copies the page it shares with
    the driver. Measured on 100,000 buildings (medians of 6 alternating runs): 2.06 s with the
    child's and the workers' heaps frozen, 2.28 s with the workers' only.
    """
    frozen = []

    def freeze() -> None:
        gc.freeze()
        frozen.append(True)

    try:
        yield freeze
    finally:
        if frozen:
            gc.unfreeze()


def _worker_count(scheduler) -> int:
    """How many tasks ``scheduler`` runs at once: its worker threads (a client's, summed) or the cores."""
    if scheduler in ("sync", "single-threaded"):
        return 1
    if scheduler is not None and not isinstance(scheduler, str):
        with contextlib.suppress(Exception):
            return max(1, sum(scheduler.nthreads().values()))
    return os.cpu_count() or 1


def _run_on_pool(pool, calls: dict, say: Progress, then: Mapping[str, Callable[[Any], None]] | None = None) -> dict:
    """Run independent calls (key → (function, args)) on a process pool, in that order, with progress.

    The partitions' tasks depend on nothing but the store, so a plain pool runs them: no task
    graph to build, and no scheduler to import (dask's local scheduler imports distributed to
    look for a client: a second of the driver's serial time). ``then`` (key → function of the
    result) is the driver's own work on a result, done as soon as that result arrives — while
    the workers run the other tasks, not after them.
    """
    from concurrent.futures import as_completed

    futures = {pool.submit(fn, *args): key for key, (fn, args) in calls.items()}
    done = {}
    for k, fut in enumerate(as_completed(futures), 1):
        done[futures[fut]] = fut.result()
        if then is not None and futures[fut] in then:
            then[futures[fut]](done[futures[fut]])
        if k % max(1, len(futures) // 10) == 0 or k == len(futures):
            say(Message("prog_run_tasks_done", done=k, total=len(futures)))
    return done


def _compute(tasks: dict, scheduler, say: Progress) -> dict:
    """Compute a dict of dask delayed objects on ``scheduler`` (name, Client or address), with progress."""
    import dask

    names = list(tasks)
    values = [tasks[n] for n in names]
    client = None
    own_client = False
    if scheduler is not None and not isinstance(scheduler, str):
        client = scheduler
    elif isinstance(scheduler, str) and scheduler not in ("threads", "processes", "sync", "single-threaded"):
        from distributed import Client

        client, own_client = Client(scheduler), True
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
        warnings.filterwarnings("ignore", message=".*Sending large graph.*")
        if client is not None:
            from distributed import as_completed

            try:
                futures = client.compute(values)
                index = {f.key: i for i, f in enumerate(futures)}
                results = [None] * len(futures)
                total = len(futures)
                for k, fut in enumerate(as_completed(futures), 1):
                    results[index[fut.key]] = fut.result()
                    if k % max(1, total // 10) == 0 or k == total:
                        say(Message("prog_run_tasks_gathered", done=k, total=total))
            finally:
                if own_client:
                    client.close()
        else:
            try:
                n_tasks = len(dask.base.collections_to_expr(values).__dask_graph__())
            except Exception:  # noqa: BLE001 - only for the progress count
                n_tasks = len(values)
            counter = _TaskCounter(say, n_tasks)
            with counter.callback:
                results = list(dask.compute(*values, scheduler=scheduler or "threads"))
    return dict(zip(names, results, strict=True))


def run_partitioned(inputs: CityInputs, params: RunParams = RunParams(), *, scheduler="threads", crs=None,
                    progress: Progress | None = None, store: str | Path | None = None) -> RunResult:
    """The whole analysis as dask tasks per partition, merged into the one-process results.

    Parameters
    ----------
    inputs : the area's layers (:class:`CityInputs`).
    params : :class:`RunParams` (``partition_by``: ``street`` — 街道 —, ``district``, ``community``).
    scheduler : ``"threads"`` (default), ``"processes"``, ``"sync"``, a ``dask.distributed.Client``
        or the address of a dask scheduler (``tcp://host:8786``).
    crs : the metric CRS to work in (default: the network's, else chosen for the study area).
    progress : called with short messages.
    store : the folder the pre-partitioned inputs are written to, which every worker must be able
        to read (on a cluster of several machines: a shared path); default a temporary folder,
        removed after the run. A given folder is kept.

    Returns
    -------
    :class:`RunResult`, with ``partitions`` (one row per partition: its sizes).
    """
    with _frozen_heap() as freeze:
        return _run_partitioned(inputs, params, scheduler, crs, progress, store, freeze)


def _run_partitioned(inputs: CityInputs, params: RunParams, scheduler, crs, progress: Progress | None,
                     store: str | Path | None, freeze: Callable[[], None]) -> RunResult:
    """:func:`run_partitioned`; ``freeze`` (:func:`_frozen_heap`) is called before workers are forked."""
    say = progress or (lambda _m: None)
    stages = _Stages()
    start = stages.start
    inputs, crs = project_inputs(inputs, crs)
    layer_order = list(inputs.layers)
    net = inputs.network
    has_access = net is not None and inputs.centers is not None
    # access routed on the whole network in a task beside the partitions': the store weighs it
    # when it cuts the groups, and the pool runs it
    route_whole = has_access and not params.halo_access
    cen_xy = representative_xy(inputs.centers, crs) if has_access else None
    res_xy = representative_xy(inputs.residents, crs)
    services = centre_services(inputs.centers if has_access else pd.DataFrame())
    service_sets = services.offers
    with _store_folder(store) as folder, _system_allocator(), contextlib.ExitStack() as later:
        write = functools.partial(write_partitions, folder, inputs.study_area, inputs.layers, inputs.residents,
                                  res_xy, net if has_access else None, by=params.partition_by, halo=params.halo,
                                  gap_width=params.gap_width,
                                  n_groups=None if params.tasks_per_worker == 0 else
                                  params.tasks_per_worker * _worker_count(scheduler),
                                  route_whole=route_whole)
        if scheduler == "processes" and forks():
            # a forked child writes the store while the driver warms up; the pool's workers, forked
            # next, start warm: numba's grid search is loaded once, not once per worker
            freeze()
            written = call_aside(write)
            warm_cpu = time.process_time()
            warm_up(inputs, res_xy, crs, params)
            warm_cpu = time.process_time() - warm_cpu
            parts, aside_cpu = written()
        else:
            parts, aside_cpu, warm_cpu = write(), 0.0, 0.0
        stages.lap("split")
        # CPU of the split's two overlapping halves: the child writing the store, the driver's warm-up
        stages.cpu["split_aside"], stages.cpu["warm_up"] = aside_cpu, warm_cpu
        if scheduler == "processes" and forks():
            freeze()  # and what the split made (numba's typing tables, ...): the workers keep them
        pool = later.enter_context(_process_pool(scheduler))
        t = stages.wall
        say(Message("prog_run_partitions", n=len(parts.keys) - 1, by=params.partition_by, folder=folder,
                    seconds=t["split"], halo=params.halo))
        # the tasks beside the groups first, heaviest first — the whole-network access (its tables
        # are then built while the others run) and the remainder — then the groups, largest first:
        # the order partition.group_targets cut the groups for, so that the workers end together
        every: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
            key: (task_partition, (parts, key, crs, layer_order, cen_xy, service_sets, params)) for key in parts.keys}
        work = dict(zip(parts.keys, parts.weights, strict=True)) if parts.weights else {}
        beside = [OUTSIDE]
        if route_whole:
            every[_WHOLE] = (task_access_whole, (parts, crs, cen_xy, service_sets, params))
            work[_WHOLE] = parts.routing_weight
            beside.insert(0, _WHOLE)  # on a tie, first: its tables are built while the others run
        order = sorted(beside, key=lambda k: -work.get(k, 0.0)) + sorted(
            (k for k in parts.keys if k != OUTSIDE), key=lambda k: -work.get(k, 0.0))
        calls = {key: every[key] for key in order}
        say(Message("prog_run_running", n=len(calls),
                    scheduler=scheduler if isinstance(scheduler, str) else type(scheduler).__name__))
        access_now: dict[str, AccessResult] = {}

        def tables(whole: dict[str, np.ndarray]) -> None:
            assert cen_xy is not None  # the whole-network task runs only with access inputs
            access_now["result"] = access_tables(inputs.residents, inputs.centers,
                                                 _merged_routing(whole, whole, services), res_xy, cen_xy, services,
                                                 thresholds=params.thresholds)

        if pool is not None:
            done = _run_on_pool(pool, calls, say, then={_WHOLE: tables})
        else:
            from dask import delayed

            done = _compute({key: delayed(fn, pure=False)(*args, dask_key_name=f"task-{k}")
                             for k, (key, (fn, args)) in enumerate(calls.items())}, scheduler, say)
    stages.lap("tasks")
    clocks = [{"task": key, **out.pop("_task")} for key, out in done.items() if out is not None and "_task" in out]
    tasks = pd.DataFrame(clocks, columns=["task", "worker", "start", "end", "cpu_s"])
    tasks = tasks.assign(worker=tasks["worker"].astype(np.int64), start_s=tasks.pop("start") - start,
                         end_s=tasks.pop("end") - start).sort_values("start_s", kind="stable").reset_index(drop=True)
    whole = done.pop(_WHOLE, None)
    results, sizes = {}, []
    for k, key in enumerate(parts.keys):
        out = done[key]
        if out is None:  # nothing outside every community
            continue
        sizes.append({"partition": key, **out.pop("sizes")})
        for kind, value in out.items():
            results[(kind, k)] = value
    table = pd.DataFrame(sizes[1:] + sizes[:1] if sizes and sizes[0]["partition"] == OUTSIDE else sizes)

    # access: what no partition could prove exact is routed on the whole network, here
    acc = None
    if whole is not None:
        if "result" not in access_now:  # not built yet while the tasks ran
            tables(whole)
        acc = access_now["result"]
        stages.lap("access")
    elif has_access:
        assert net is not None and cen_xy is not None  # what has_access means
        n_res = len(inputs.residents)
        cols = {"network_m": np.full(n_res, np.nan), "center": np.full(n_res, -1, np.int64),
                "snap_m": np.full(n_res, np.nan), "status": np.full(n_res, CODE_NO_GEOMETRY, np.int64)}
        for s in services.names:
            cols[f"network_m_{s}"] = np.full(n_res, np.nan)
            cols[f"center_{s}"] = np.full(n_res, -1, np.int64)
        done_rows = np.zeros(n_res, dtype=bool)
        for (kind, _k), out in results.items():
            if kind != "access" or "network_m" not in out:
                continue
            ok = out["certified"]
            rows = out["rows"][ok]
            for c in cols:
                cols[c][rows] = out[c][ok]
            done_rows[rows] = True
        rest = np.flatnonzero(~done_rows)
        say(Message("prog_run_access_halo", exact=int(done_rows.sum()), rest=len(rest)))
        g = task_access_global(net, res_xy[rest], rest, cen_xy, service_sets, params)
        for c in cols:
            cols[c][rest] = g[c]
        acc = access_tables(inputs.residents, inputs.centers, _merged_routing(cols, g, services), res_xy, cen_xy,
                            services, thresholds=params.thresholds)
        stages.lap("access_global")

    # faces, units, grids
    keys = sorted(k for kind, k in results if kind == "faces")
    face_frames = [results[("faces", k)] for k in keys]
    faces = pd.concat([f for f in face_frames if len(f)] or face_frames[:1], ignore_index=True)
    faces = number_faces(gpd.GeoDataFrame(faces, geometry="geometry", crs=crs))
    unit_keys = sorted(k for kind, k in results if kind == "units")
    units, maps = _renumber_units([results[("units", k)] for k in unit_keys],
                                  [results[("unit_points", k)] for k in unit_keys])
    builds = [results[("grids", k)] for k in unit_keys]
    assignment = pd.concat([b.assignment.assign(unit_id=m[b.assignment["unit_id"].to_numpy()])
                            for b, m in zip(builds, maps, strict=True)], ignore_index=True)
    assignment = assignment.sort_values("unit_id", kind="stable").reset_index(drop=True)
    grids = pd.concat([b.grids for b in builds], ignore_index=True).sort_values("grid_code", kind="stable")
    grids = gpd.GeoDataFrame(grids.reset_index(drop=True), geometry="geometry", crs=crs)
    status = pd.concat([b.status for b in builds], ignore_index=True).sort_values("area_id", kind="stable")
    status = status.reset_index(drop=True)

    # coverage
    cov_parts = [results[("coverage", k)] for k in keys]
    empty_outside = find_outside(faces.iloc[:0], {})
    outside = next((c["outside"] for c in cov_parts if "outside" in c), empty_outside)
    edges = pd.concat([c["invalid_edges"] for c in cov_parts if len(c["invalid_edges"])]
                      or [cov_parts[0]["invalid_edges"]], ignore_index=True)
    edges = edges.sort_values(["layer", "zone_id"], kind="stable").reset_index(drop=True) if len(edges) else edges
    cov = CoverageReport(
        summary=summarise_coverage(faces, layer_order),
        sliver_m2=params.sliver_m2,
        gaps=flag_slivers(_merge_gaps([c["gaps"] for c in cov_parts], inputs.layers, crs), "area_m2", params.sliver_m2),
        overlaps=flag_slivers(_merge_overlaps([c["overlaps"] for c in cov_parts], layer_order, crs), "area_m2",
                       params.sliver_m2),
        outside=flag_slivers(outside, "outside_m2", params.sliver_m2),
        invalid_edges=gpd.GeoDataFrame(edges, geometry="geometry", crs=crs),
    )
    stages.lap("merge")
    stages.finish()
    say(Message("prog_run_merged", faces=len(faces), units=len(units), grids=len(grids), seconds=t["total"]))
    return RunResult(faces, units, assignment, grids, status, cov, acc, t, table, tasks, stages.cpu)
