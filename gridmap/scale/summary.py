"""A whole city's results summarised per 街道 and 社区, for officials (the app's city page).

``gridmap run`` writes its results into a folder (:data:`RESULT_FILES`) or stores them in a
workspace project (:data:`RESULT_TABLES`, made by :func:`result_tables`); :func:`load_city_results`
reads the parts a city overview needs from a folder, :func:`project_city_results` from a project,
:func:`city_results` takes them from a run in memory (the demo). :func:`city_summary` aggregates
them per community and per 街道:

* ``covered_share`` — share of the households (of the area where there are none) in faces that
  at least one zone layer covers;
* ``gap_households`` — households in 盲区 (gaps that are not slivers);
* ``within_share`` — share of the households within the largest walking threshold of a centre
  (the 15-minute life circle, 1,000 m by default);
* ``grids_outside`` — grids whose households lie outside the band of the run;
* ``grids_unstaffed`` — grids no staff member is assigned to (only when the results carry a
  staff table, ``staff.csv`` with a ``grid_code`` column).

What is sent to a browser at city zoom is the aggregate only: communities and 街道 as
polygons simplified *as a coverage* (:func:`shapely.coverage_simplify`: shared borders are
simplified once, so neighbours still meet without gaps or overlaps), a few numbers each.
:func:`street_detail` gives the full detail of one 街道 (communities, grids, gaps, residents).
docs/design.md §4.8.1 describes the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.errors import GridmapError
from gridmap.scale.partition import assign_points, partition_keys
from gridmap.vocab import LIST_SEP, Joined

__all__ = ["RESULTS_ENV", "RESULT_FILES", "RESULT_TABLES", "CityResults", "CitySummary", "StreetDetail",
           "CityResultsError", "load_city_results", "project_city_results", "tables_city_results", "result_tables",
           "city_results", "city_summary", "street_detail", "METRICS"]

#: Environment variable naming the ``gridmap run`` output folders the app's city page offers
#: (``os.pathsep``-separated; ``gridmap serve --results DIR`` sets it).
RESULTS_ENV = "GRIDMAP_RESULTS"
#: Files of a ``gridmap run`` output folder the city summary reads (staff.csv is optional).
RESULT_FILES = ("study_area.parquet", "faces.parquet", "grids.parquet", "gaps.geojson", "run.json")
#: The tables of a run's results a project stores (``gridmap run --workspace``; ``residents`` only
#: with access results): :func:`result_tables` makes them, :func:`tables_city_results` reads them.
RESULT_TABLES = ("study_area", "faces", "grids", "gaps", "residents")
#: The per-area figures, in the order the page offers them.
METRICS = ("covered_share", "gap_households", "within_share", "grids_outside", "grids_unstaffed")
#: Largest share of the city's extent a simplified border may move at city zoom.
CITY_TOLERANCE_SHARE = 1 / 2500
#: Most vertices the city-zoom polygons (街道 and 社区 together) may have: ~20 bytes each in
#: GeoJSON, so about 1 MB of coordinates, whatever the size of the city.
CITY_MAX_VERTICES = 50_000


class CityResultsError(GridmapError):
    """A results folder that is not (or not completely) what ``gridmap run`` writes."""


@dataclass(frozen=True, eq=False)
class CityResults:
    """What a city overview needs of a run's results (metric work CRS).

    Attributes
    ----------
    name : where the results come from (folder name, ``demo``).
    communities : ``area_id``, ``name``, ``street_key``, ``street_name``; polygons.
    faces : ``area_id``, ``households``, ``n_layers``, ``area_m2`` of the faces in the study area.
    grids : ``grid_code``, ``area_id``, ``households``; polygons.
    gaps : ``area_id``, ``households``, ``is_sliver``; polygons.
    residents : ``households``, ``within`` (bool: within the largest threshold), ``area_id``;
        points. None without access results.
    band : the households band of the grids (min, max).
    staffed : grid codes somebody is assigned to; None when the results carry no staff table.
    """

    name: str
    communities: gpd.GeoDataFrame
    faces: pd.DataFrame
    grids: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    residents: gpd.GeoDataFrame | None
    band: tuple[int, int]
    staffed: frozenset[str] | None = None


@dataclass(frozen=True, eq=False)
class CitySummary:
    """The aggregates at city zoom, in WGS84: ``streets`` and ``communities`` (simplified
    polygons with :data:`METRICS` and ``households``), and ``totals`` for the whole city.
    """

    streets: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    totals: dict[str, float]


@dataclass(frozen=True, eq=False)
class StreetDetail:
    """One 街道 in full detail, in WGS84: its communities (with their figures), grids (``in_band``,
    ``staffed``), gaps (not slivers) and residents (``within``).
    """

    key: str
    name: str
    communities: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    residents: gpd.GeoDataFrame | None


def _communities(study_area: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """Communities with their 街道 key and name (``street`` column if any, else the key)."""
    sa = study_area.to_crs(crs) if study_area.crs is not None and not study_area.crs.equals(crs) else study_area
    sa = sa.reset_index(drop=True)
    try:
        keys = partition_keys(sa, "street")
    except ValueError:
        keys = np.full(len(sa), "—", dtype=object)  # no 街道 codes: the whole area is one
    names = sa["street"].astype(str).to_numpy() if "street" in sa.columns else keys
    return gpd.GeoDataFrame({"area_id": sa["area_id"].astype(str).to_numpy(),
                             "name": sa["name"].astype(str).to_numpy() if "name" in sa.columns else
                             sa["area_id"].astype(str).to_numpy(),
                             "street_key": keys.astype(str), "street_name": np.asarray(names, dtype=str)},
                            geometry=sa.geometry.to_numpy(), crs=crs)


def _residents(residents: gpd.GeoDataFrame | None, communities: gpd.GeoDataFrame,
               within: np.ndarray | None) -> gpd.GeoDataFrame | None:
    """Residents as points with households, ``within`` and the community holding them."""
    if residents is None or within is None:
        return None
    geoms = residents.geometry.to_numpy()
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    xy = shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
    comm = assign_points(xy, communities.geometry.to_numpy()) if len(xy) == len(pts) else np.full(len(pts), -1)
    area = np.where(comm >= 0, communities["area_id"].to_numpy()[np.clip(comm, 0, None)], "")
    hh = residents["households"].to_numpy(float) if "households" in residents.columns else np.ones(len(pts))
    return gpd.GeoDataFrame({"households": np.nan_to_num(hh), "within": np.asarray(within, bool), "area_id": area},
                            geometry=pts, crs=residents.crs)


def _within(life_circle: pd.Series) -> np.ndarray:
    """Whether each resident's life circle is one of the thresholds (not beyond, not unrouted)."""
    return ~life_circle.astype(str).isin(["beyond", "no_route", "nan", "None"]).to_numpy()


def city_results(result, study_area: gpd.GeoDataFrame, band: tuple[int, int], name: str = "demo",
                 staffed: frozenset[str] | None = None) -> CityResults:
    """The city results of a run in memory (:class:`gridmap.scale.pipeline.RunResult`)."""
    meta = {"params": {"min_households": int(band[0]), "max_households": int(band[1])}}
    return tables_city_results(name, result_tables(result, study_area), meta, staffed)


def result_tables(result, study_area: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """The city-level tables of a run (:class:`gridmap.scale.pipeline.RunResult`), as a project stores them.

    :data:`RESULT_TABLES`, in the run's metric CRS: ``study_area`` (the communities, every column),
    ``faces`` (``area_id``, ``households``, ``n_layers``, ``area_m2`` of the faces inside the study
    area; no geometry), ``grids`` and ``gaps`` (as the run made them) and, with access results,
    ``residents`` (``households``, ``life_circle`` and the building's geometry — no other column of
    the input, so no personal data). Exactly what :func:`tables_city_results` reads back.
    """
    crs = result.faces.crs
    sa = study_area.to_crs(crs) if study_area.crs is not None and not study_area.crs.equals(crs) else study_area
    faces = result.faces.loc[result.faces["in_study_area"].astype(bool), ["area_id", "households", "n_layers",
                                                                          "area_m2"]]
    tables: dict[str, pd.DataFrame] = {"study_area": sa.reset_index(drop=True),
                                       "faces": pd.DataFrame(faces).reset_index(drop=True),
                                       "grids": result.grids.reset_index(drop=True),
                                       "gaps": result.coverage.gaps.reset_index(drop=True)}
    if result.access is not None:
        res = result.access.residents
        tables["residents"] = gpd.GeoDataFrame(
            {"households": res["households"].to_numpy() if "households" in res.columns else np.ones(len(res)),
             "life_circle": res["life_circle"].astype(str).to_numpy()},
            geometry=res.geometry.to_numpy(), crs=res.crs)
    return tables


def tables_city_results(name: str, tables: dict[str, pd.DataFrame], meta: dict,
                        staffed: frozenset[str] | None = None) -> CityResults:
    """City results from a run's tables (:data:`RESULT_TABLES`; ``residents`` optional) and its metadata
    (``run.json``: the band is ``params.min_households``–``params.max_households``).

    One reader for both places results live: a ``gridmap run`` output folder
    (:func:`load_city_results`) and a workspace project (:func:`project_city_results`).

    Raises
    ------
    CityResultsError
        when a table or column the summary needs is missing.
    """
    missing = [t for t in RESULT_TABLES if t != "residents" and t not in tables]
    if missing:
        raise CityResultsError("err_summary_results_lack_table_store_them", name=name, missing=Joined(missing,
                                                                                                      LIST_SEP))
    try:
        band = (int(meta["params"]["min_households"]), int(meta["params"]["max_households"]))
        study_area = tables["study_area"]
        crs = study_area.crs
        faces = tables["faces"]
        if "in_study_area" in faces.columns:  # an output folder keeps every face
            faces = faces[faces["in_study_area"].astype(bool)]
        faces = pd.DataFrame(faces[["area_id", "households", "n_layers", "area_m2"]]).reset_index(drop=True)
        grids = tables["grids"][["grid_code", "area_id", "households", "geometry"]].to_crs(crs)
        gaps = tables["gaps"][["area_id", "households", "is_sliver", "geometry"]].to_crs(crs)
        residents = tables.get("residents")
        within = _within(residents["life_circle"]) if residents is not None else None
    except (KeyError, TypeError, ValueError) as exc:
        raise CityResultsError("err_summary_results_lack_parameters_or_columns", name=name, detail=exc) from exc
    communities = _communities(study_area, crs)
    res = _residents(residents, communities, within)
    return CityResults(name, communities, faces, grids, gaps, res, band, staffed)


def project_city_results(session, project: str) -> CityResults:
    """The city results ``gridmap run --workspace W --project P`` stored in a project.

    ``session`` is a :class:`gridmap.workspace.WorkspaceSession` (anything with its ``results``
    method): it checks that its principal may open the project and reads every table from one
    stored set. Raises the workspace's ``NotFound`` when the project has no results.
    """
    info, tables = session.results(project)
    return tables_city_results(project, tables, info.meta)


def load_city_results(source: str | Path) -> CityResults:
    """Read the results ``gridmap run`` wrote into the folder ``source``.

    Raises
    ------
    CityResultsError
        when the folder or one of :data:`RESULT_FILES` is missing or unreadable (the message
        names the file and says to run ``gridmap run`` again into that folder).
    """
    folder = Path(source)
    if not folder.is_dir():
        raise CityResultsError("err_summary_results_folder_does_not_exist", folder=folder)
    missing = [f for f in RESULT_FILES if not (folder / f).is_file()]
    if missing:
        raise CityResultsError("err_summary_results_folder_lacks_was_not", folder=folder, missing=Joined(missing,
                                                                                                         LIST_SEP))
    try:
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        tables: dict[str, pd.DataFrame] = {
            "study_area": gpd.read_parquet(folder / "study_area.parquet"),
            "faces": pd.read_parquet(folder / "faces.parquet", columns=["area_id", "households", "n_layers",
                                                                       "area_m2", "in_study_area"]),
            "grids": gpd.read_parquet(folder / "grids.parquet", columns=["grid_code", "area_id", "households",
                                                                         "geometry"]),
            "gaps": gpd.read_file(folder / "gaps.geojson", columns=["area_id", "households", "is_sliver"])}
        if (folder / "access_residents.parquet").is_file():
            tables["residents"] = gpd.read_parquet(folder / "access_residents.parquet",
                                                   columns=["households", "life_circle", "geometry"])
        staffed = None
        if (folder / "staff.csv").is_file():
            staff = pd.read_csv(folder / "staff.csv", dtype=str, encoding="utf-8-sig")
            if "grid_code" not in staff.columns:
                raise CityResultsError("err_summary_has_no_grid_code_column", folder=folder / 'staff.csv',
                                       columns=Joined(staff.columns, LIST_SEP))
            staffed = frozenset(staff["grid_code"].dropna().astype(str))
        return tables_city_results(folder.name, tables, meta, staffed)
    except CityResultsError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader's error: the folder is not a complete run output
        raise CityResultsError("err_summary_results_folder_cannot_read_run", folder=folder, kind=type(exc).__name__,
                               value=str(exc).splitlines()[0] if str(exc) else '') \
            from exc


def _per_community(res: CityResults) -> pd.DataFrame:
    """Numerators and denominators of every figure, per community (``area_id`` index)."""
    ids = res.communities["area_id"]
    out = pd.DataFrame(index=pd.Index(ids, name="area_id"))
    f = res.faces
    covered = f["n_layers"].to_numpy() > 0
    out["households"] = f.groupby("area_id")["households"].sum().reindex(ids).fillna(0).to_numpy()
    out["hh_covered"] = f[covered].groupby("area_id")["households"].sum().reindex(ids).fillna(0).to_numpy()
    out["area_m2"] = f.groupby("area_id")["area_m2"].sum().reindex(ids).fillna(0).to_numpy()
    out["area_covered"] = f[covered].groupby("area_id")["area_m2"].sum().reindex(ids).fillna(0).to_numpy()
    gaps = res.gaps[~res.gaps["is_sliver"].astype(bool)] if "is_sliver" in res.gaps.columns else res.gaps
    out["gap_households"] = gaps.groupby("area_id")["households"].sum().reindex(ids).fillna(0).to_numpy()
    if res.residents is not None:
        r = res.residents
        out["hh_routed"] = r.groupby("area_id")["households"].sum().reindex(ids).fillna(0).to_numpy()
        out["hh_within"] = r[r["within"]].groupby("area_id")["households"].sum().reindex(ids).fillna(0).to_numpy()
    lo, hi = res.band
    g = res.grids
    outside = (g["households"] < lo) | (g["households"] > hi)
    out["grids"] = g.groupby("area_id").size().reindex(ids).fillna(0).to_numpy()
    out["grids_outside"] = g[outside].groupby("area_id").size().reindex(ids).fillna(0).to_numpy()
    if res.staffed is not None:
        unstaffed = ~g["grid_code"].astype(str).isin(res.staffed)
        out["grids_unstaffed"] = g[unstaffed].groupby("area_id").size().reindex(ids).fillna(0).to_numpy()
    return out


def _figures(sums: pd.DataFrame) -> pd.DataFrame:
    """The shown figures from summed numerators and denominators (shares in 0–1, NaN when undefined)."""
    out = pd.DataFrame(index=sums.index)
    out["households"] = sums["households"].round().astype(np.int64)
    hh = sums["households"].to_numpy(float)
    by_area = np.divide(sums["area_covered"], sums["area_m2"], out=np.full(len(sums), np.nan),
                        where=sums["area_m2"].to_numpy() > 0)
    by_hh = np.divide(sums["hh_covered"], hh, out=np.full(len(sums), np.nan), where=hh > 0)
    out["covered_share"] = np.where(hh > 0, by_hh, by_area)
    out["gap_households"] = sums["gap_households"].round().astype(np.int64)
    if "hh_routed" in sums.columns:
        routed = sums["hh_routed"].to_numpy(float)
        out["within_share"] = np.divide(sums["hh_within"], routed, out=np.full(len(sums), np.nan), where=routed > 0)
    out["grids"] = sums["grids"].astype(np.int64)
    out["grids_outside"] = sums["grids_outside"].astype(np.int64)
    if "grids_unstaffed" in sums.columns:
        out["grids_unstaffed"] = sums["grids_unstaffed"].astype(np.int64)
    return out


def city_summary(res: CityResults, tolerance_m: float | None = None,
                 max_vertices: int = CITY_MAX_VERTICES) -> CitySummary:
    """Figures per community and per 街道 with simplified polygons, and for the whole city.

    Parameters
    ----------
    res : the results (:func:`load_city_results`, :func:`city_results`).
    tolerance_m : how far (metres) a simplified border may move; default
        :data:`CITY_TOLERANCE_SHARE` of the city's larger side (~10 m for a 25 km city), below
        what a city-zoom map can show.
    max_vertices : the tolerance is doubled until both layers together have at most this many
        vertices, so what a browser gets at city zoom stays small at any city size.

    Returns
    -------
    CitySummary
    """
    comm = res.communities
    sums = _per_community(res)
    keys = comm["street_key"].to_numpy()
    street_keys, first = np.unique(keys, return_index=True)
    street_sums = sums.groupby(keys).sum().reindex(street_keys)
    geoms = comm.geometry.to_numpy()
    if tolerance_m is None:
        x0, y0, x1, y1 = comm.total_bounds
        tolerance_m = max(x1 - x0, y1 - y0) * CITY_TOLERANCE_SHARE
    streets_geom = np.array([shapely.coverage_union_all(geoms[keys == k]) for k in street_keys], dtype=object)
    geoms = shapely.make_valid(geoms)
    while True:
        comm_simple = shapely.coverage_simplify(geoms, tolerance_m)
        street_simple = shapely.coverage_simplify(streets_geom, tolerance_m)
        n = int(shapely.get_num_coordinates(comm_simple).sum() + shapely.get_num_coordinates(street_simple).sum())
        if n <= max_vertices or tolerance_m > 1e5:
            break
        tolerance_m *= 2
    communities = gpd.GeoDataFrame(
        {"area_id": comm["area_id"].to_numpy(), "name": comm["name"].to_numpy(),
         "street_key": keys, "street_name": comm["street_name"].to_numpy(),
         **{c: v.to_numpy() for c, v in _figures(sums).items()}},
        geometry=comm_simple, crs=comm.crs)
    streets = gpd.GeoDataFrame(
        {"street_key": street_keys, "street_name": comm["street_name"].to_numpy()[first],
         "communities": pd.Series(keys).value_counts().reindex(street_keys).to_numpy(),
         **{c: v.to_numpy() for c, v in _figures(street_sums).items()}},
        geometry=street_simple, crs=comm.crs)
    whole = _figures(sums.sum().to_frame().T)
    totals = {c: float(whole[c].iloc[0]) for c in whole.columns}
    totals.update(streets=len(streets), communities=len(communities))
    return CitySummary(streets.to_crs(4326), communities.to_crs(4326), totals)


def street_detail(res: CityResults, key: str) -> StreetDetail:
    """Everything of the 街道 ``key`` in full detail (WGS84), for the maps below the city map.

    Raises
    ------
    CityResultsError
        when no community has that 街道 key.
    """
    comm = res.communities
    mine = comm["street_key"].to_numpy() == key
    if not mine.any():
        raise CityResultsError("err_summary_no_with_key_in_results", key=key, name=res.name)
    ids = set(comm.loc[mine, "area_id"])
    sums = _per_community(res)
    figures = _figures(sums.loc[comm.loc[mine, "area_id"]])
    communities = gpd.GeoDataFrame({**{c: comm.loc[mine, c].to_numpy() for c in ("area_id", "name")},
                                    **{c: v.to_numpy() for c, v in figures.items()}},
                                   geometry=comm.geometry.to_numpy()[mine], crs=comm.crs)
    lo, hi = res.band
    grids = res.grids[res.grids["area_id"].astype(str).isin(ids)][["grid_code", "area_id", "households", "geometry"]]
    grids = grids.assign(in_band=grids["households"].between(lo, hi).to_numpy())
    if res.staffed is not None:
        grids = grids.assign(staffed=grids["grid_code"].astype(str).isin(res.staffed).to_numpy())
    gaps = res.gaps[res.gaps["area_id"].astype(str).isin(ids)]
    if "is_sliver" in gaps.columns:
        gaps = gaps[~gaps["is_sliver"].astype(bool)]
    gaps = gaps[["area_id", "households", "geometry"]]
    residents = None
    if res.residents is not None:
        residents = res.residents[res.residents["area_id"].isin(ids)].to_crs(4326)
    return StreetDetail(key, str(comm.loc[mine, "street_name"].iloc[0]), communities.to_crs(4326),
                        grids.to_crs(4326), gaps.to_crs(4326), residents)
