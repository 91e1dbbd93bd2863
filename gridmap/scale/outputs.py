"""The files of a run (``gridmap run --out DIR``), written by one process or by several at once.

Every layer is written as GeoParquet and, up to ``geojson_max_rows``, as RFC 7946 GeoJSON; the
tables as CSV (UTF-8 with BOM, for Excel). :func:`run_output_files` lists them, each with an
estimate of its cost; :func:`write_files` writes them.

Writing takes longer than the analysis it follows: on a 100,000-building city, 3.3 s of GeoJSON
and GeoParquet after 2.7 s of analysis in one process. The files are independent of one another,
so a run on ``processes`` also writes them on forked processes, the largest first: each child
starts with the results in its memory (nothing is sent to it) and writes its share, each file
atomically (:func:`gridmap.io.files.atomic_write`). A child that fails has its files written
again by the parent, which then raises the error itself, in the user's language.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from gridmap.io.files import write_geojson, write_geoparquet
from gridmap.scale.pipeline import call_aside, forks

__all__ = ["OutputFile", "run_output_files", "write_files", "share_out", "GEOJSON_COST"]

#: Cost of a GeoJSON row against a GeoParquet row (reprojecting, formatting every coordinate as
#: text): measured on the 100,000-building city's faces, units and residents, 2.9 s of GeoJSON
#: against 0.3 s of GeoParquet for the same rows.
GEOJSON_COST = 8.0


@dataclass(frozen=True)
class OutputFile:
    """One file of a run: its name in the output folder, an estimate of its cost (rows, a GeoJSON
    row counting :data:`GEOJSON_COST`), and the call that writes it."""

    name: str
    cost: float
    write: Callable[[], Any]


def run_output_files(result, out: str | Path, geojson_max_rows: int,
                     study_area: gpd.GeoDataFrame | None = None) -> list[OutputFile]:
    """The files of a :class:`gridmap.scale.pipeline.RunResult` in ``out``, in the order they are listed.

    Parameters
    ----------
    result : the run's results (metric CRS).
    out : the output folder (existing).
    geojson_max_rows : faces, units and residents with more rows are written as GeoParquet only.
    study_area : the communities, for the app's city page (``study_area.parquet``).

    Returns
    -------
    list of OutputFile: ``grids`` (GeoJSON, GeoParquet), ``study_area.parquet``, the coverage
    layers (``gaps``, ``overlaps``, ``outside``, ``invalid_edges``), ``faces``, ``units`` (with
    their grid), ``access_residents`` and ``access_centers``, and the tables ``assignment.csv``,
    ``communities.csv``, ``coverage_summary.csv``, ``partitions.csv``.
    """
    out = Path(out)
    files: list[OutputFile] = []

    def geojson(gdf: gpd.GeoDataFrame, name: str, partition: bool = False) -> None:
        files.append(OutputFile(name, GEOJSON_COST * len(gdf),
                                lambda: write_geojson(gdf, out / name, partition=partition)))

    def parquet(gdf: gpd.GeoDataFrame, name: str) -> None:
        files.append(OutputFile(name, float(len(gdf)), lambda: write_geoparquet(gdf, out / name)))

    def big(gdf: gpd.GeoDataFrame, stem: str, partition: bool = False) -> None:
        parquet(gdf, f"{stem}.parquet")
        if len(gdf) <= geojson_max_rows:
            geojson(gdf, f"{stem}.geojson", partition)

    def csv(frame: pd.DataFrame, name: str) -> None:
        files.append(OutputFile(name, float(len(frame)),
                                lambda: frame.to_csv(out / name, index=False, encoding="utf-8-sig")))

    geojson(result.grids, "grids.geojson", partition=True)
    parquet(result.grids, "grids.parquet")
    if study_area is not None:  # the communities, for the app's city page (gridmap.scale.summary)
        parquet(study_area.to_crs(result.faces.crs), "study_area.parquet")
    cov = result.coverage
    for name, frame in (("gaps", cov.gaps), ("overlaps", cov.overlaps), ("outside", cov.outside),
                        ("invalid_edges", cov.invalid_edges)):
        geojson(frame, f"{name}.geojson")
    big(result.faces, "faces", partition=True)
    big(result.units.merge(result.assignment, on="unit_id", how="left"), "units", partition=True)
    if result.access is not None:
        residents = result.access.residents.copy()
        residents["life_circle"] = residents["life_circle"].astype(str)
        big(residents, "access_residents")
        geojson(result.access.centers, "access_centers.geojson")
    csv(result.assignment, "assignment.csv")
    csv(result.grid_status, "communities.csv")
    csv(cov.summary, "coverage_summary.csv")
    if result.partitions is not None:
        csv(pd.DataFrame(result.partitions), "partitions.csv")
    return files


def write_files(files: Sequence[OutputFile], processes: int = 1) -> list[str]:
    """Write ``files``; return their names, in their order.

    With ``processes`` > 1 (where processes are forked: :func:`gridmap.scale.pipeline.forks`) the
    files are shared out, the largest first, each to the process with the least work so far: this
    process writes one share, a forked child each other share
    (:func:`gridmap.scale.pipeline.call_aside`). An error raises here as it would in one process:
    the files of a child that failed are written again by this process.
    """
    shares = share_out(files, processes if forks() else 1)
    if len(shares) == 1:
        _write_all(shares[0])
        return [file.name for file in files]
    gc.freeze()  # children share the results' pages; a collection in them would copy them all
    try:
        waits = [call_aside(functools.partial(_write_all, share)) for share in shares[1:]]
        _write_all(shares[0])
        for wait in waits:
            wait()
    finally:
        gc.unfreeze()
    return [file.name for file in files]


def share_out(files: Sequence[OutputFile], processes: int) -> list[list[OutputFile]]:
    """``files`` in at most ``processes`` shares of about equal cost (largest first to the lightest
    share); empty shares dropped."""
    shares: list[list[OutputFile]] = [[] for _ in range(max(1, processes))]
    load = [0.0] * len(shares)
    for file in sorted(files, key=lambda f: -f.cost):
        k = load.index(min(load))
        shares[k].append(file)
        load[k] += file.cost
    return [share for share in shares if share] or [[]]


def _write_all(share: Sequence[OutputFile]) -> None:
    """Write the files of one share, in order."""
    for file in share:
        file.write()
