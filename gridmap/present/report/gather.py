"""Gathering the 台账 of a plan: the figures and tables of every section its inputs allow (:func:`build_report`).

What an official files and forwards: per grid its code, households, band status and lineage
(主网格 of each old layer); the 盲区 and 多头 of the zone layers; walking access per grid; the
上门服务名单 (special-group residents beyond the 15-minute life circle); and the proposed new
service-centre sites. The numbers come from the core (:mod:`gridmap.analysis.coverage`,
:mod:`gridmap.access.accessibility`, :mod:`gridmap.access.siting`); this module only gathers them into
a :class:`Report` whose tables keep the internal column keys. It knows nothing of the writers
(:mod:`~gridmap.present.report.excel`, :mod:`~gridmap.present.report.html`), which read a
:class:`Report`; labels come from :mod:`~gridmap.present.report.labels`.

Sections whose inputs are missing are not computed: :attr:`Report.notes` holds, per omitted section,
a one-line note (Chinese, English) saying what is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.defaults import IN_BAND, SITE_RADIUS_M, SLIVER_M2, band_status
from gridmap.errors import GridmapError
from gridmap.plans.plan import Plan
from gridmap.present.report.labels import COUNT_KEYS, PEOPLE_SECTIONS, TOTAL_KEY, text
from gridmap.vocab import Message

if TYPE_CHECKING:  # imported when a section is computed (build_report), named here for the types
    from gridmap.access.routing import AccessResult
    from gridmap.analysis.coverage import CoverageReport

__all__ = ["Report", "build_report", "band_status_column"]

# ------------------------------------------------------------------------------------------------
# building


@dataclass
class Report:
    """Everything the workbook and the HTML show; tables keep the internal column keys (see :func:`header`).

    ``tables`` holds a DataFrame per computed section (``grids`` always); ``notes`` holds, per
    omitted section, the reason as ``(Chinese, English)``. The geo attributes feed the map.
    """

    plan: Plan
    tables: dict[str, pd.DataFrame]
    notes: dict[str, tuple[str, str]]
    figures: dict[str, Any]  # by key: counts, shares, the coverage table (a DataFrame), None when not computed
    sliver_m2: float = SLIVER_M2
    grids_geo: gpd.GeoDataFrame | None = None
    study_area: gpd.GeoDataFrame | None = None
    faces: gpd.GeoDataFrame | None = None
    coverage: CoverageReport | None = None
    coverage_summary: pd.DataFrame | None = None
    access: AccessResult | None = None
    access_residents: gpd.GeoDataFrame | None = None
    centers: gpd.GeoDataFrame | None = None
    sites_geo: gpd.GeoDataFrame | None = None
    site_summary: pd.DataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    made_at: str = field(default_factory=lambda: pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"))


def band_status_column(households: pd.Series, lo: int, hi: int) -> pd.Series:
    """The band rule (:func:`gridmap.defaults.band_status`), its in-band status named ``within`` as the report's."""
    status = band_status(households, lo, hi)
    return pd.Series(np.where(status == IN_BAND, "within", status), index=households.index)


def _grids_table(plan: Plan, study_area: gpd.GeoDataFrame | None) -> pd.DataFrame:
    table = plan.grid_table()
    out = pd.DataFrame({"grid_code": table["grid_code"].astype(str), "area_id": table["area_id"].astype(str)})
    if study_area is not None and "name" in study_area.columns and "area_id" in study_area.columns:
        names = dict(zip(study_area["area_id"].astype(str), study_area["name"].astype(str), strict=True))
        out["community"] = out["area_id"].map(names)
    for c in COUNT_KEYS:
        if c in table.columns:
            out[c] = table[c].astype("int64")
    out["band"] = f"{plan.min_households}–{plan.max_households}"
    out["band_status"] = band_status_column(table["households"], plan.min_households, plan.max_households) \
        if "households" in table else "within"
    for c in ("area_m2", "polsby_popper", "n_units", "n_communities"):
        if c in table.columns:
            out[c] = table[c]
    for c in table.columns:
        if c.endswith("_main") or (c.endswith("_share") and c[: -len("_share")] + "_main" in table.columns):
            out[c] = table[c]
    out["locked"] = table["locked"].astype(bool)
    return out


def _omit(notes: dict, section: str, *keys: str) -> None:
    notes[section] = (text("omitted", "zh", why="；".join(text(k, "zh") for k in keys)),
                      text("omitted", "en", why="; ".join(text(k, "en") for k in keys)))


def _failed(notes: dict, section: str, exc: Exception) -> None:
    why = f"{type(exc).__name__}: {exc}"
    notes[section] = (text("error", "zh", why=why), text("error", "en", why=why))


def _within_share(summary: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    """``*_within_<c>_pct`` (percent, rounded) → ``*_within_15min_share`` (0–1, exact)."""
    out = summary.copy()
    for c in list(out.columns):
        m = re.fullmatch(r"(\w+)_within_\w+_pct", c)
        if m:
            base = m.group(1)
            total = out[f"{base}_total"].astype(float)
            within = sum(out[f"{base}_{lab}"].astype(float) for lab in labels)
            out.insert(out.columns.get_loc(c), f"{base}_within_15min_share",
                       (within / total.where(total > 0)).to_numpy())
            out = out.drop(columns=c)
    return out


def _people_tables(rep: Report, people: Mapping[str, pd.DataFrame]) -> None:
    """The sheets 网格员配置, 党员报到, 结对帮扶 from the tables given, with their key figures."""
    unknown = set(people) - set(PEOPLE_SECTIONS)
    if unknown:
        raise GridmapError("err_gather_people_tables_must_among_got", sections=PEOPLE_SECTIONS, unknown=sorted(unknown))
    for section in PEOPLE_SECTIONS:
        table = people.get(section)
        if table is None:
            continue
        rep.tables[section] = table.reset_index(drop=True)
    staff = people.get("staff")
    if staff is not None and "staffed" in staff and len(staff):
        rep.figures["staffed_share"] = float(staff["staffed"].astype(bool).mean())
    members = people.get("members")
    if members is not None and "micro_code" in members:
        micro = rep.plan.micro_grids
        if micro is not None and len(micro):
            served = set(members["micro_code"].astype(str)) - {"", "nan"}
            rep.figures["micro_member_share"] = float(micro["micro_code"].astype(str).isin(served).mean())
    pairs = people.get("pairs")
    if pairs is not None:
        rep.figures["pairs_n"] = len(pairs)


def build_report(plan: Plan, *, study_area: gpd.GeoDataFrame | None = None,
                 residents: gpd.GeoDataFrame | None = None, centers: gpd.GeoDataFrame | None = None,
                 zones: Mapping[str, gpd.GeoDataFrame] | None = None, osm_path: str | os.PathLike | None = None,
                 net=None, k: int = 3, radius_m: float = SITE_RADIUS_M, sliver_m2: float = SLIVER_M2, crs=None,
                 people: Mapping[str, pd.DataFrame] | None = None,
                 progress: Callable[[Message | str], None] | None = None) -> Report:
    """Compute every section of the 台账 that its inputs allow.

    Parameters
    ----------
    plan : the plan (its grids and band).
    study_area : communities (``area_id``, ``name``): community names and the coverage analysis.
    residents : buildings/points with ``households`` (and special groups): coverage counts, access, siting.
    centers : existing service centres: access and siting.
    zones : ``{layer: zones}`` — the 盲区 / 多头 sections.
    osm_path : OSM XML street file: the walking network (unless ``net`` is given) and street names.
    net : a prebuilt :class:`gridmap.access.network.WalkNetwork`.
    k : number of proposed new sites (0: no siting).
    radius_m : the walking distance counted as "within 15 minutes" for siting.
    sliver_m2 : gaps and overlaps smaller than this are counted as slivers, not listed.
    crs : the working CRS for the coverage and the walking network (``--crs-work``); default
        :func:`gridmap.io.crs.working_crs` of the inputs (the plan's own CRS comes first).
    people : tables of the people on the grid, each giving its sheet when present: ``staff`` (per
        grid, ``staff_grids.csv`` of ``gridmap staff``), ``members`` (``members.csv``) and ``pairs``
        (``pairs.csv`` of ``gridmap pair``).
    progress : called with a short message at each stage.
    """
    say = progress or (lambda _msg: None)
    zones = dict(zones or {})
    if crs is None:
        from gridmap.io.crs import working_crs

        crs = working_crs(plan.units, study_area, *zones.values(), residents, centers)
    tables: dict[str, pd.DataFrame] = {}
    notes: dict[str, tuple[str, str]] = {}
    figures: dict[str, object] = {}
    rep = Report(plan=plan, tables=tables, notes=notes, figures=figures, sliver_m2=sliver_m2,
                 study_area=study_area)

    say(Message("prog_report_grids"))
    grids = _grids_table(plan, study_area)
    tables["grids"] = grids
    geo = plan.grids()
    geo = geo.assign(grid_code=geo["grid_code"].astype(str))
    geo["band_status"] = grids.set_index("grid_code")["band_status"].reindex(geo["grid_code"]).to_numpy()
    rep.grids_geo = geo
    status = grids["band_status"]
    figures.update(n_grids=len(grids), households_total=int(grids["households"].sum()) if "households" in grids else 0,
                   band=f"{plan.min_households}–{plan.max_households}", in_band=int((status == "within").sum()),
                   below=int((status == "below").sum()), above=int((status == "above").sum()))

    _people_tables(rep, people or {})

    # ---- coverage: 盲区 and 多头
    if not zones or study_area is None:
        for s in ("gaps", "overlaps"):
            _omit(notes, s, "no_zones")
    else:
        try:
            from gridmap.analysis.coverage import coverage_report
            from gridmap.analysis.mosaic import build_mosaic

            say(Message("prog_report_coverage", n=len(zones)))
            faces = build_mosaic(zones, study_area, residents, crs=crs)
            cov = coverage_report(faces, zones, sliver_m2=sliver_m2)
            rep.faces, rep.coverage, rep.coverage_summary = faces, cov, cov.summary
            gaps = cov.gaps[~cov.gaps["is_sliver"]]
            gap_table = pd.DataFrame(gaps.drop(columns=[gaps.geometry.name, "is_sliver"]))
            if "name" in study_area.columns and "area_id" in gap_table.columns:
                names = dict(zip(study_area["area_id"].astype(str), study_area["name"].astype(str), strict=True))
                gap_table.insert(gap_table.columns.get_loc("area_id") + 1, "community",
                                 gap_table["area_id"].astype(str).map(names))
            tables["gaps"] = gap_table.reset_index(drop=True)
            ov = cov.overlaps[~cov.overlaps["is_sliver"]]
            tables["overlaps"] = pd.DataFrame(ov.drop(columns=[ov.geometry.name, "is_sliver"])).reset_index(drop=True)
            figures["coverage"] = cov.summary
            figures["gaps"] = len(gaps)
            figures["gap_slivers"] = int(cov.gaps["is_sliver"].sum())
            figures["gap_hh"] = int(gaps["households"].sum()) if "households" in gaps else None
            figures["overlaps"] = len(ov)
            figures["overlap_slivers"] = int(cov.overlaps["is_sliver"].sum())
        except Exception as exc:  # noqa: BLE001 - a report is made with what works; the reason is shown
            say(Message("prog_report_coverage_failed", error=exc))
            for s in ("gaps", "overlaps"):
                _failed(notes, s, exc)

    # ---- access and siting
    missing = [key for key, absent in (("no_residents", residents is None), ("no_centers", centers is None),
                                       ("no_osm", net is None and osm_path is None)) if absent]
    if missing:
        for s in ("access", "home_visits", "sites"):
            _omit(notes, s, *missing)
        return rep
    try:
        from gridmap.access import accessibility as acc
        from gridmap.access.network import load_walk_network

        assert residents is not None and centers is not None  # else listed as missing above
        if net is None:
            assert osm_path is not None  # else listed as missing above
            say(Message("prog_report_network", path=osm_path))
            net = load_walk_network(osm_path, crs=crs)
        if osm_path is not None:
            from gridmap.io.osm import read_osm_basemap

            rep.streets = read_osm_basemap(osm_path)[0]
        say(Message("prog_report_access", residents=len(residents), centers=len(centers)))
        index = acc.EdgeIndex(net)
        result = acc.compute_access(net, residents, centers, index=index)
        res = result.residents
        rep.access, rep.access_residents, rep.centers = result, res, result.centers
        zones_net = geo[["grid_code", geo.geometry.name]].to_crs(net.crs)
        summary = acc.summarize_access(res, zones_net, "grid_code", labels=result.labels)
        summary["grid_code"] = summary["grid_code"].astype(str).replace({"TOTAL": TOTAL_KEY})
        tables["access"] = _within_share(summary, result.labels)
        visits = acc.home_visit_list(res, zones_net, "grid_code", labels=result.labels)
        tables["home_visits"] = visits
        total = tables["access"].set_index("grid_code").loc[TOTAL_KEY]
        if "households_within_15min_share" in total:
            figures["within15"] = float(total["households_within_15min_share"])
        figures["visits"] = len(visits)
        figures["visit_people"] = int(visits["special_total"].sum()) if "special_total" in visits else 0
    except Exception as exc:  # noqa: BLE001
        say(Message("prog_report_access_failed", error=exc))
        for s in ("access", "home_visits", "sites"):
            _failed(notes, s, exc)
        return rep
    if k <= 0:
        _omit(notes, "sites", "no_sites")
        return rep
    try:
        from gridmap.access.siting import recommend_sites

        say(Message("prog_report_siting", k=k, radius=radius_m))
        sr = recommend_sites(net, residents, centers, k=k, radius_m=radius_m, streets=rep.streets, index=index)
        sites = sr.sites
        rep.sites_geo, rep.site_summary = sites, sr.summary
        xy = shapely.get_coordinates(sites.to_crs("EPSG:4326").geometry.to_numpy()) if len(sites) else np.empty((0, 2))
        table = pd.DataFrame({"rank": sites["rank"].astype(int).to_numpy(),
                              "candidate_id": sites["candidate_id"].astype(str).to_numpy()})
        table["street"] = sites["street"].to_numpy()
        table["grid_code"] = [plan.grid_at(x, y, crs=sites.crs) for x, y in
                              shapely.get_coordinates(sites.geometry.to_numpy())] if len(sites) else []
        for c in sites.columns:
            if c.startswith("new_"):
                table[c] = sites[c].to_numpy()
        table["covered_after"] = sites["covered_after"].to_numpy()
        table["covered_weight_after"] = sites["covered_weight_after"].to_numpy()
        table["street_m"] = sites["street_m"].to_numpy()
        table["lon"] = np.round(xy[:, 0], 7)
        table["lat"] = np.round(xy[:, 1], 7)
        tables["sites"] = table
        figures["sites"] = len(sites)
        hh = sr.summary.set_index("measure")
        if "households" in hh.index:
            figures["within15_after"] = float(hh.loc["households", "share_after"])
            figures["within15_before_sites"] = float(hh.loc["households", "share_before"])
    except Exception as exc:  # noqa: BLE001
        say(Message("prog_report_siting_failed", error=exc))
        _failed(notes, "sites", exc)
    return rep
