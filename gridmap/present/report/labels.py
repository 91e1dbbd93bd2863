"""Labels of the 台账 in Chinese and English: sheet names, column headers, summary texts, values.

Shared by :mod:`~gridmap.present.report.gather` (notes of omitted sections), the workbook
(:mod:`~gridmap.present.report.excel`) and the page (:mod:`~gridmap.present.report.html`), and by
nothing else: every label of the report is looked up here (a later zh/en catalog replaces the
tables, not their callers).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["LANGS", "SECTIONS", "SHEETS", "PEOPLE_SECTIONS", "PEOPLE_SHEETS", "LAYER_LABELS", "HEADERS", "CIRCLES",
           "BAND", "REASONS", "YES_NO",
           "NO_GRID", "TOTAL_KEY", "TEXT", "COUNT_KEYS", "text", "layer_label", "header", "translate_values"]

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

#: Sections of the people on the grid (gridmap staff, gridmap pair): sheets only when their data is given.
PEOPLE_SECTIONS = ("staff", "members", "pairs")
PEOPLE_SHEETS: dict[str, dict[str, str]] = {
    "zh": {"staff": "网格员配置", "members": "党员报到", "pairs": "结对帮扶"},
    "en": {"staff": "grid staff", "members": "party members", "pairs": "helper pairs"},
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
    "grid_type": ("网格类型", "grid type"),
    # people on the grid (gridmap staff, gridmap pair)
    "n_staff": ("网格员人数", "staff"),
    "staff_ids": ("网格员编号", "staff ids"),
    "staff_names": ("网格员", "staff"),
    "households_per_staff": ("人均服务户数", "households per staff"),
    "staffed": ("已配备网格员", "staffed"),
    "source": ("配备方式", "how assigned"),
    "assigned_m": ("住处至网格距离(米)", "home to grid (m)"),
    "units_stationed": ("驻区单位数", "units stationed"),
    "volunteers": ("志愿者人数", "volunteers"),
    "member_id": ("党员编号", "member id"),
    "home_area_id": ("居住社区代码", "home community"),
    "home_micro_code": ("居住微网格", "home micro grid"),
    "micro_code": ("微网格编码", "micro grid"),
    "moved": ("就近调配", "moved"),
    "moved_m": ("调配距离(米)", "moved (m)"),
    "registered_here": ("在居住社区报到", "registered where living"),
    "resident_index": ("居民要素行号", "resident row"),
    "group": ("帮扶对象类别", "group"),
    "helper_id": ("帮扶人编号", "helper id"),
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

CIRCLES = {
    "zh": {"5min": "5分钟内", "10min": "5–10分钟", "15min": "10–15分钟", "beyond": "15分钟以外",
           "no_route": "无法步行到达"},
    "en": {"5min": "≤ 5 min", "10min": "5–10 min", "15min": "10–15 min", "beyond": "beyond 15 min",
           "no_route": "no walking route"},
}
BAND = {"zh": {"below": "低于下限", "within": "符合", "above": "高于上限"},
         "en": {"below": "below the band", "within": "within", "above": "above the band"}}
REASONS = {"zh": {"beyond": "超出15分钟", "too_far_from_street": "距道路过远", "unreachable": "路网不连通",
                   "no_geometry": "无位置", "no_staff_within_reach": "附近无网格员",
                   "staff_full": "附近网格员已满负荷"},
            "en": {"beyond": "beyond 15 min", "too_far_from_street": "too far from a street",
                   "unreachable": "not connected to a centre", "no_geometry": "no location",
                   "no_staff_within_reach": "no staff member within reach",
                   "staff_full": "staff within reach are full"}}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
NO_GRID = "(none)"  # the zone label of a resident in no grid (see gridmap.access.accessibility)
TOTAL_KEY = "TOTAL"  # the total row of the access summary

#: Texts of the summary sheet and the HTML: key → (Chinese, English).
TEXT: dict[str, tuple[str, str]] = {
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
    "staffed_share": ("配备网格员的网格占比", "grids with a staff member"),
    "micro_member_share": ("有党员的微网格占比", "micro grids with a party member"),
    "pairs_n": ("结对帮扶人数", "people paired with a helper"),
    "included": ("已包含", "included"),
    "key_figures": ("主要数据", "Key figures"),
    "map": ("地图", "Map"),
    "legend": ("图层可在右上角切换；颜色：网格边界按户数状态着色，居民点按生活圈着色。",
               ("Layers can be switched in the top-right control; grid outlines are coloured by band status, "
                "residents by life circle.")),
    "map_missing": ("地图未生成：{why}", "map not made: {why}"),
    "proposed": ("建议选址", "Proposed sites"),
    "grids_out": ("户数不符合标准的网格", "Grids outside the band"),
    "coverage_table": ("各系统覆盖情况", "Coverage by system"),
    "attribution": ("底图与示例数据 © OpenStreetMap 贡献者（ODbL）", "Basemap and demo data © OpenStreetMap contributors (ODbL)"),
}


def text(key: str, lang: str, **kw) -> str:
    """The summary/HTML text ``key`` in ``lang``, formatted with ``kw``."""
    template = TEXT[key][0 if lang == "zh" else 1]
    return template.format(**kw) if kw else template


def layer_label(layer: str, lang: str) -> str:
    """The name of a zone layer (``party`` → 党建网格); unknown layers keep their key."""
    return LAYER_LABELS["zh" if lang == "zh" else "en"].get(layer, layer)


COUNT_KEYS = ("households", "population", "elderly_alone", "left_behind_children", "disabled")


def header(key: str, lang: str = "zh") -> str:
    """The column header of ``key`` in ``lang``, including composed per-layer and per-circle columns."""
    i = 0 if lang == "zh" else 1
    if key in HEADERS:
        return HEADERS[key][i]
    m = re.fullmatch(r"nearest_(\w+?)(_m)?", key)
    if m:
        lab = layer_label(m.group(1), lang)
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
        circle = CIRCLES["zh" if lang == "zh" else "en"][part]
        return f"{base}·{circle}" if lang == "zh" else f"{base}: {circle}"
    m = re.fullmatch(r"(\w+)_(main|share)", key)
    if m and m.group(1) not in COUNT_KEYS and "_within_" not in key:
        lab = layer_label(m.group(1), lang)
        if lang == "zh":
            return f"{lab}·主网格" if m.group(2) == "main" else f"{lab}·面积占比"
        return f"{lab}: main zone" if m.group(2) == "main" else f"{lab}: share of area"
    return key


def translate_values(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy with the values officials read translated: band status, life circle, reason, snap status,
    layer names, yes/no, and the total / no-grid rows of the grid and community columns."""
    out = table.copy()
    key = "zh" if lang == "zh" else "en"
    if "band_status" in out:
        out["band_status"] = out["band_status"].map(BAND[key]).fillna(out["band_status"])
    if "life_circle" in out:
        lc = out["life_circle"].astype(object)
        out["life_circle"] = lc.map(CIRCLES[key]).fillna(lc)
    if "reason" in out:
        out["reason"] = out["reason"].map(REASONS[key]).fillna(out["reason"])
    if "snap_status" in out:
        out["snap_status"] = out["snap_status"].map({"ok": "正常" if key == "zh" else "ok", **REASONS[key]}) \
            .fillna(out["snap_status"])
    if "layer" in out:
        out["layer"] = out["layer"].map(lambda v: layer_label(str(v), lang))
    yes, no = YES_NO[key]
    for c in ("locked", "in_study_area", "staffed", "moved"):
        if c in out:
            out[c] = np.where(out[c].astype(bool), yes, no)
    for c in ("grid_code", "area_id"):
        if c in out:
            total = "合计" if key == "zh" else "total"
            none = "（不在任何网格内）" if key == "zh" else "(in no grid)"
            out[c] = out[c].astype(str).replace({TOTAL_KEY: total, NO_GRID: none, "None": ""})
    return out
