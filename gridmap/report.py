"""The 台账: one Excel workbook and one offline HTML report of a plan (presentation floor).

What an official files and forwards: per grid its code, households, band status and lineage
(主网格 of each old layer); the 盲区 and 多头 of the zone layers; walking access per grid; the
上门服务名单 (special-group residents beyond the 15-minute life circle); and the proposed new
service-centre sites. The numbers come from the core (:mod:`gridmap.coverage`,
:mod:`gridmap.access`, :mod:`gridmap.siting`); this module only gathers, labels and lays them out.

API (the workbook is laid out in :mod:`gridmap.report_excel`, the page in
:mod:`gridmap.report_html`; this module gathers and labels)::

    rep = build_report(plan, study_area=…, residents=…, centers=…, zones={…}, osm_path=…, k=3)
    report_excel.write_workbook(rep, "report.xlsx", lang="zh")   # sheets: SHEETS; headers: HEADERS
    html = report_html.report_html(rep, lang="zh")               # one page, every asset inlined
    write_report(rep, out_dir, lang="zh")                        # both files

Sections whose inputs are missing are not computed: their sheet holds a one-line note saying
what is missing, and the same note appears in the 概况 sheet and the HTML. Column headers and
sheet names are Chinese by default, English with ``lang="en"`` (:data:`HEADERS`, :data:`SHEETS`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.plan import Plan

__all__ = ["HEADERS", "LANGS", "LAYER_LABELS", "SECTIONS", "SHEETS", "Report", "build_report", "header", "write_report"]

LANGS = ("zh", "en")

#: Sections of the report, in sheet order.
SECTIONS = ("summary", "grids", "gaps", "overlaps", "access", "home_visits", "sites")

#: Sheet name of each section per language (Excel: ≤ 31 characters, no []:*?/\).
SHEETS: dict[str, dict[str, str]] = {
    "zh": {"summary": "概况", "grids": "网格", "gaps": "盲区", "overlaps": "多头", "access": "可达性",
           "home_visits": "上门服务名单", "sites": "建议选址"},
    "en": {"summary": "summary", "grids": "grids", "gaps": "blind spots", "overlaps": "overlaps",
           "access": "access by grid", "home_visits": "home visits", "sites": "proposed sites"},
}

#: Names of the usual zone layers.
LAYER_LABELS: dict[str, dict[str, str]] = {
    "zh": {"party": "党建网格", "security": "综治网格", "urban": "城管网格", "any": "任一系统"},
    "en": {"party": "party grid", "security": "security grid", "urban": "urban-management grid",
           "any": "any system"},
}

#: Column headers: key → (Chinese, English). Per-layer and per-circle columns are composed by :func:`header`.
HEADERS: dict[str, tuple[str, str]] = {
    # grids
    "grid_code": ("网格编码", "grid code"),
    "area_id": ("社区代码", "community code"),
    "community": ("社区", "community"),
    "n_units": ("单元数", "units"),
    "n_communities": ("涉及社区数", "communities"),
    "households": ("户数", "households"),
    "population": ("人口", "population"),
    "elderly_alone": ("独居老人", "elderly living alone"),
    "left_behind_children": ("留守儿童", "left-behind children"),
    "disabled": ("残疾人", "disabled"),
    "band": ("户数标准", "household band"),
    "band_status": ("户数状态", "band status"),
    "area_m2": ("面积(m²)", "area (m²)"),
    "perimeter_m": ("周长(m)", "perimeter (m)"),
    "polsby_popper": ("紧凑度(Polsby–Popper)", "compactness (Polsby–Popper)"),
    "locked": ("已锁定", "locked"),
    # gaps / overlaps
    "gap_id": ("盲区编号", "blind spot"),
    "overlap_id": ("多头编号", "overlap"),
    "layer": ("系统", "system"),
    "zone_ids": ("重叠网格", "overlapping zones"),
    "n_zones": ("重叠网格数", "zones"),
    "in_study_area": ("在辖区内", "inside the study area"),
    # access
    "residents": ("居民点(栋)数", "residential buildings"),
    # home visits
    "building_id": ("建筑编号", "building"),
    "name": ("名称", "name"),
    "special_total": ("特殊群体合计", "special groups, total"),
    "center_id": ("最近服务中心", "nearest centre"),
    "network_m": ("步行距离(m)", "walking distance (m)"),
    "life_circle": ("生活圈", "life circle"),
    "snap_status": ("路网接入", "street snapping"),
    "reason": ("原因", "reason"),
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    # sites
    "rank": ("序号", "rank"),
    "candidate_id": ("候选点", "candidate"),
    "street": ("最近道路", "nearest street"),
    "street_m": ("距道路(m)", "to street (m)"),
    "covered_after": ("累计15分钟覆盖率(户)", "households within 15 min after"),
    "covered_weight_after": ("累计15分钟覆盖户数", "households within 15 min, cumulative"),
    "snap_m": ("距路网(m)", "to network (m)"),
    # summary / notes
    "item": ("项目", "item"),
    "value": ("数值", "value"),
    "note": ("说明", "note"),
}

_CIRCLES = {
    "zh": {"5min": "5分钟内", "10min": "5–10分钟", "15min": "10–15分钟", "beyond": "15分钟以外",
           "no_route": "无法步行到达"},
    "en": {"5min": "≤ 5 min", "10min": "5–10 min", "15min": "10–15 min", "beyond": "beyond 15 min",
           "no_route": "no walking route"},
}
_BAND = {"zh": {"below": "低于下限", "within": "符合", "above": "高于上限"},
         "en": {"below": "below the band", "within": "within", "above": "above the band"}}
_REASONS = {"zh": {"beyond": "超出15分钟", "too_far_from_street": "距道路过远", "unreachable": "路网不连通",
                   "no_geometry": "无位置"},
            "en": {"beyond": "beyond 15 min", "too_far_from_street": "too far from a street",
                   "unreachable": "not connected to a centre", "no_geometry": "no location"}}
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_NO_GRID = "(none)"

#: Texts of the summary sheet and the HTML: key → (Chinese, English).
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("网格化管理台账", "Grid management report (台账)"),
    "plan": ("方案", "plan"),
    "revision": ("修订号", "revision"),
    "made": ("生成时间", "made"),
    "n_grids": ("网格数", "grids"),
    "households_total": ("总户数", "households, total"),
    "band": ("户数标准", "household band"),
    "in_band": ("符合户数标准的网格", "grids within the band"),
    "below": ("低于下限的网格", "grids below the band"),
    "above": ("高于上限的网格", "grids above the band"),
    "cov_area": ("{layer}覆盖面积占比", "{layer}: area covered"),
    "cov_hh": ("{layer}覆盖户数占比", "{layer}: households covered"),
    "gaps": ("盲区数", "blind spots"),
    "gap_hh": ("盲区户数", "households in blind spots"),
    "overlaps": ("多头数", "overlaps"),
    "slivers": ("另有 {n} 处碎片（< {m:g} m²，数字化误差）未列出", "{n} sliver(s) (< {m:g} m², digitising noise) not listed"),
    "within15": ("15分钟生活圈内户数占比", "households within 15 min walk"),
    "visits": ("上门服务名单（居民点）", "home-visit list (buildings)"),
    "visit_people": ("上门服务名单（特殊群体人数）", "home-visit list (special-group residents)"),
    "sites": ("建议新增服务站点数", "proposed new sites"),
    "within15_after": ("新增站点后15分钟内户数占比", "households within 15 min with the new sites"),
    "omitted": ("本节省略：{why}", "Section omitted: {why}"),
    "error": ("本节未能生成：{why}", "Section could not be made: {why}"),
    "no_zones": ("未提供网格图层（--zones）或辖区范围", "no zone layers (--zones) or study area given"),
    "no_residents": ("未提供居民数据（--residents）", "no residents given (--residents)"),
    "no_centers": ("未提供服务中心（--centers）", "no service centres given (--centers)"),
    "no_osm": ("未提供路网文件（--osm）", "no OSM street file given (--osm)"),
    "no_sites": ("未要求选址（--sites 0）", "no sites asked for (--sites 0)"),
    "sections": ("各部分", "sections"),
    "included": ("已包含", "included"),
    "key_figures": ("主要数据", "Key figures"),
    "map": ("地图", "Map"),
    "legend": ("图层可在右上角切换；颜色：网格边界按户数状态着色，居民点按生活圈着色。",
               ("Layers can be switched in the top-right control; grid outlines are coloured by band status, "
                "residents by life circle.")),
    "map_missing": ("地图未生成：{why}", "map not made: {why}"),
    "centres": ("现有服务中心", "existing centres"),
    "proposed": ("建议选址", "Proposed sites"),
    "residents_circle": ("居民点·{c}", "residents · {c}"),
    "grids_layer": ("网格·{s}", "grids · {s}"),
    "streets": ("道路", "streets"),
    "grids_out": ("户数不符合标准的网格", "Grids outside the band"),
    "coverage_table": ("各系统覆盖情况", "Coverage by system"),
    "attribution": ("底图与示例数据 © OpenStreetMap 贡献者（ODbL）", "Basemap and demo data © OpenStreetMap contributors (ODbL)"),
}


def _t(key: str, lang: str, **kw) -> str:
    text = _TEXT[key][0 if lang == "zh" else 1]
    return text.format(**kw) if kw else text


def _layer_label(layer: str, lang: str) -> str:
    return LAYER_LABELS["zh" if lang == "zh" else "en"].get(layer, layer)


_COUNT_KEYS = ("households", "population", "elderly_alone", "left_behind_children", "disabled")


def header(key: str, lang: str = "zh") -> str:
    """The column header of ``key`` in ``lang``, including composed per-layer and per-circle columns."""
    i = 0 if lang == "zh" else 1
    if key in HEADERS:
        return HEADERS[key][i]
    m = re.fullmatch(r"nearest_(\w+?)(_m)?", key)
    if m:
        lab = _layer_label(m.group(1), lang)
        if lang == "zh":
            return f"距最近{lab}(m)" if m.group(2) else f"最近{lab}"
        return f"nearest {lab} (m)" if m.group(2) else f"nearest {lab}"
    m = re.fullmatch(r"new_(\w+)", key)
    if m and m.group(1) in HEADERS:
        base = HEADERS[m.group(1)][i]
        return f"新增覆盖{base}" if lang == "zh" else f"{base} newly within 15 min"
    m = re.fullmatch(r"(\w+?)_(total|5min|10min|15min|beyond|no_route|within_15min_share)", key)
    if m and m.group(1) in HEADERS:
        base = HEADERS[m.group(1)][i]
        part = m.group(2)
        if part == "total":
            return f"{base}·合计" if lang == "zh" else f"{base}, total"
        if part == "within_15min_share":
            return f"{base}·15分钟内占比" if lang == "zh" else f"{base}: share within 15 min"
        circle = _CIRCLES["zh" if lang == "zh" else "en"][part]
        return f"{base}·{circle}" if lang == "zh" else f"{base}: {circle}"
    m = re.fullmatch(r"(\w+)_(main|share)", key)
    if m and m.group(1) not in _COUNT_KEYS and "_within_" not in key:
        lab = _layer_label(m.group(1), lang)
        if lang == "zh":
            return f"{lab}·主网格" if m.group(2) == "main" else f"{lab}·面积占比"
        return f"{lab}: main zone" if m.group(2) == "main" else f"{lab}: share of area"
    return key


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
    figures: dict[str, object]
    sliver_m2: float = 1.0
    grids_geo: gpd.GeoDataFrame | None = None
    study_area: gpd.GeoDataFrame | None = None
    faces: gpd.GeoDataFrame | None = None
    coverage: object | None = None  # gridmap.coverage.CoverageReport
    coverage_summary: pd.DataFrame | None = None
    access_residents: gpd.GeoDataFrame | None = None
    centers: gpd.GeoDataFrame | None = None
    sites_geo: gpd.GeoDataFrame | None = None
    site_summary: pd.DataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    made_at: str = field(default_factory=lambda: pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"))


def _band_status(households: pd.Series, lo: int, hi: int) -> pd.Series:
    hh = households.to_numpy()
    return pd.Series(np.where(hh < lo, "below", np.where(hh > hi, "above", "within")), index=households.index)


def _grids_table(plan: Plan, study_area: gpd.GeoDataFrame | None) -> pd.DataFrame:
    table = plan.grid_table()
    out = pd.DataFrame({"grid_code": table["grid_code"].astype(str), "area_id": table["area_id"].astype(str)})
    if study_area is not None and "name" in study_area.columns and "area_id" in study_area.columns:
        names = dict(zip(study_area["area_id"].astype(str), study_area["name"].astype(str)))
        out["community"] = out["area_id"].map(names)
    for c in _COUNT_KEYS:
        if c in table.columns:
            out[c] = table[c].astype("int64")
    out["band"] = f"{plan.min_households}–{plan.max_households}"
    out["band_status"] = _band_status(table["households"], plan.min_households, plan.max_households) \
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
    notes[section] = (_t("omitted", "zh", why="；".join(_t(k, "zh") for k in keys)),
                      _t("omitted", "en", why="; ".join(_t(k, "en") for k in keys)))


def _failed(notes: dict, section: str, exc: Exception) -> None:
    why = f"{type(exc).__name__}: {exc}"
    notes[section] = (_t("error", "zh", why=why), _t("error", "en", why=why))


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


def build_report(plan: Plan, *, study_area: gpd.GeoDataFrame | None = None,
                 residents: gpd.GeoDataFrame | None = None, centers: gpd.GeoDataFrame | None = None,
                 zones: Mapping[str, gpd.GeoDataFrame] | None = None, osm_path: str | os.PathLike | None = None,
                 net=None, k: int = 3, radius_m: float = 1000.0, sliver_m2: float = 1.0, crs=None,
                 progress: Callable[[str], None] | None = None) -> Report:
    """Compute every section of the 台账 that its inputs allow.

    Parameters
    ----------
    plan : the plan (its grids and band).
    study_area : communities (``area_id``, ``name``): community names and the coverage analysis.
    residents : buildings/points with ``households`` (and special groups): coverage counts, access, siting.
    centers : existing service centres: access and siting.
    zones : ``{layer: zones}`` — the 盲区 / 多头 sections.
    osm_path : OSM XML street file: the walking network (unless ``net`` is given) and street names.
    net : a prebuilt :class:`gridmap.network.WalkNetwork`.
    k : number of proposed new sites (0: no siting).
    radius_m : the walking distance counted as "within 15 minutes" for siting.
    sliver_m2 : gaps and overlaps smaller than this are counted as slivers, not listed.
    crs : the working CRS for the coverage and the walking network (``--crs-work``); default
        :func:`gridmap.crs.working_crs` of the inputs (the plan's own CRS comes first).
    progress : called with a short message at each stage.
    """
    say = progress or (lambda _msg: None)
    zones = dict(zones or {})
    if crs is None:
        from gridmap.crs import working_crs

        crs = working_crs(plan.units, study_area, *zones.values(), residents, centers)
    tables: dict[str, pd.DataFrame] = {}
    notes: dict[str, tuple[str, str]] = {}
    figures: dict[str, object] = {}
    rep = Report(plan=plan, tables=tables, notes=notes, figures=figures, sliver_m2=sliver_m2,
                 study_area=study_area)

    say("grids")
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

    # ---- coverage: 盲区 and 多头
    if not zones or study_area is None:
        for s in ("gaps", "overlaps"):
            _omit(notes, s, "no_zones")
    else:
        try:
            from gridmap.coverage import coverage_report
            from gridmap.mosaic import build_mosaic

            say(f"coverage of {len(zones)} zone layer(s)")
            faces = build_mosaic(zones, study_area, residents, crs=crs)
            cov = coverage_report(faces, zones, sliver_m2=sliver_m2)
            rep.faces, rep.coverage, rep.coverage_summary = faces, cov, cov.summary
            gaps = cov.gaps[~cov.gaps["is_sliver"]]
            gap_table = pd.DataFrame(gaps.drop(columns=[gaps.geometry.name, "is_sliver"]))
            if "name" in study_area.columns and "area_id" in gap_table.columns:
                names = dict(zip(study_area["area_id"].astype(str), study_area["name"].astype(str)))
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
            say(f"coverage failed: {exc}")
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
        from gridmap import access as acc
        from gridmap.network import load_walk_network

        if net is None:
            say(f"walking network from {osm_path}")
            net = load_walk_network(osm_path, crs=crs)
        if osm_path is not None:
            from gridmap.io import read_osm_basemap

            rep.streets = read_osm_basemap(osm_path)[0]
        say(f"walking access of {len(residents):,} residents to {len(centers):,} centres")
        index = acc.EdgeIndex(net)
        result = acc.compute_access(net, residents, centers, index=index)
        res = result.residents
        rep.access_residents, rep.centers = res, result.centers
        zones_net = geo[["grid_code", geo.geometry.name]].to_crs(net.crs)
        summary = acc.summarize_access(res, zones_net, "grid_code", labels=result.labels)
        summary["grid_code"] = summary["grid_code"].astype(str).replace({"TOTAL": _TOTAL_KEY})
        tables["access"] = _within_share(summary, result.labels)
        visits = acc.home_visit_list(res, zones_net, "grid_code", labels=result.labels)
        tables["home_visits"] = visits
        total = tables["access"].set_index("grid_code").loc[_TOTAL_KEY]
        if "households_within_15min_share" in total:
            figures["within15"] = float(total["households_within_15min_share"])
        figures["visits"] = len(visits)
        figures["visit_people"] = int(visits["special_total"].sum()) if "special_total" in visits else 0
    except Exception as exc:  # noqa: BLE001
        say(f"access failed: {exc}")
        for s in ("access", "home_visits", "sites"):
            _failed(notes, s, exc)
        return rep
    if k <= 0:
        _omit(notes, "sites", "no_sites")
        return rep
    try:
        from gridmap.siting import recommend_sites

        say(f"choosing {k} new site(s) within {radius_m:g} m")
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
        say(f"siting failed: {exc}")
        _failed(notes, "sites", exc)
    return rep


_TOTAL_KEY = "TOTAL"


def write_report(rep: Report, out_dir: str | os.PathLike, lang: str = "zh",
                 names: tuple[str, str] = ("report.xlsx", "report.html")) -> dict[str, Path]:
    """Write the workbook and the HTML report into ``out_dir``; return ``{"xlsx": path, "html": path}``."""
    from gridmap.report_excel import write_workbook
    from gridmap.report_html import report_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = write_workbook(rep, out / names[0], lang)
    html_path = out / names[1]
    tmp = html_path.with_name(f".{html_path.name}.tmp")
    tmp.write_text(report_html(rep, lang), encoding="utf-8")
    os.replace(tmp, html_path)
    return {"xlsx": xlsx, "html": html_path}
