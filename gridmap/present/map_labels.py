"""The texts of the maps in Chinese and English: layer names, legends and tooltip column names.

One table (:data:`MAP_TEXT`, ``key → {"zh": …, "en": …}``) read by every map builder
(:mod:`~gridmap.present.coverage_map`, :mod:`~gridmap.present.access_map`,
:mod:`~gridmap.present.siting_map`, :mod:`~gridmap.present.plan_map`) through :func:`text`,
:func:`field_label` and :func:`layer_label`, and merged into the app's own texts
(:mod:`gridmap.app.i18n`), so a layer or column has one name wherever it is shown. Keys:
``layer_<layer>`` (layer names, ``zones_<name>`` for zone layers), ``field_<column>`` (columns),
and the legends of each map. A language missing falls back to Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAP_TEXT", "DEFAULT_LANGUAGE", "lookup", "text", "field_label", "aliases", "layer_label"]

DEFAULT_LANGUAGE = "zh"

MAP_TEXT: dict[str, dict[str, str]] = {
    # the city page (gridmap.present.city_map)
    "layer_city_streets": {"zh": "街道", "en": "Sub-districts (街道)"},
    "layer_city_communities": {"zh": "社区", "en": "Communities (社区)"},
    "layer_city_selected": {"zh": "所选街道", "en": "Selected sub-district"},
    "layer_grids_in_band": {"zh": "网格（户数在范围内）", "en": "Grids within the band"},
    "layer_grids_outside_band": {"zh": "网格（户数超出范围）", "en": "Grids outside the band"},
    "layer_grids_unstaffed": {"zh": "未配备网格员的网格", "en": "Grids without staff"},
    "layer_beyond_15min": {"zh": "15分钟生活圈外的居民建筑", "en": "Buildings beyond the 15-minute life circle"},
    "field_street_name": {"zh": "街道", "en": "Sub-district"},
    "field_communities": {"zh": "社区数", "en": "Communities"},
    "field_covered_share": {"zh": "覆盖户数占比", "en": "Households covered"},
    "field_gap_households": {"zh": "盲区户数", "en": "Households in gaps"},
    "field_within_share": {"zh": "15分钟生活圈内户数占比", "en": "Households within 15 minutes"},
    "field_grids_outside": {"zh": "户数超出范围的网格数", "en": "Grids outside the band"},
    "field_grids_unstaffed": {"zh": "未配备网格员的网格数", "en": "Grids without staff"},
    "field_grids": {"zh": "网格数", "en": "Grids"},
    "layer_study_area": {"zh": "辖区（社区）", "en": "Study area (communities)"},
    "layer_residents": {"zh": "居民建筑", "en": "Residential buildings"},
    "layer_centers": {"zh": "党群服务中心", "en": "Service centres"},
    "layer_zones_party": {"zh": "党建网格", "en": "Party-building grid"},
    "layer_zones_security": {"zh": "综治网格", "en": "Comprehensive-governance grid"},
    "layer_zones_urban": {"zh": "城管网格", "en": "Urban-management grid"},
    "layer_districts": {"zh": "行政区（参考）", "en": "Districts (reference)"},
    "layer_streets": {"zh": "街道", "en": "Streets"},
    "layer_buildings": {"zh": "建筑", "en": "Buildings"},
    "field_name": {"zh": "名称", "en": "Name"},
    "field_area_id": {"zh": "辖区编号", "en": "Area ID"},
    "field_zone_id": {"zh": "网格编号", "en": "Zone ID"},
    "field_center_id": {"zh": "中心编号", "en": "Centre ID"},
    "field_kind": {"zh": "类型", "en": "Kind"},
    "field_households": {"zh": "户数", "en": "Households"},
    "field_population": {"zh": "人口", "en": "Population"},
    "field_elderly_alone": {"zh": "独居老人", "en": "Elderly living alone"},
    "field_left_behind_children": {"zh": "留守儿童", "en": "Left-behind children"},
    "field_disabled": {"zh": "残疾人", "en": "People with disabilities"},
    "field_n_layers": {"zh": "覆盖系统数", "en": "Systems covering"},
    "field_area_m2": {"zh": "面积(m²)", "en": "Area (m²)"},
    "field_gap_id": {"zh": "盲区编号", "en": "Blind spot"},
    "field_overlap_id": {"zh": "多头编号", "en": "Overlap"},
    "field_layer": {"zh": "网格系统", "en": "Zone layer"},
    "field_zone_ids": {"zh": "重叠网格", "en": "Overlapping zones"},
    "field_n_zones": {"zh": "网格数", "en": "Zones"},
    "field_outside_m2": {"zh": "越界面积(m²)", "en": "Outside (m²)"},
    "field_length_m": {"zh": "长度(m)", "en": "Length (m)"},
    "field_in_study_area": {"zh": "在辖区内", "en": "In study area"},
    "field_uncovered_households": {"zh": "未覆盖户数", "en": "Households not covered"},
    "field_features": {"zh": "建筑数", "en": "Buildings"},
    "field_network_m": {"zh": "步行距离(m)", "en": "Walk (m)"},
    "field_straight_m": {"zh": "直线距离(m)", "en": "Straight line (m)"},
    "field_life_circle": {"zh": "生活圈", "en": "Life circle"},
    "field_special_total": {"zh": "特殊群体人数", "en": "Special-group people"},
    "field_threshold_m": {"zh": "步行距离上限(m)", "en": "Walk limit (m)"},
    "field_units": {"zh": "建筑数", "en": "Buildings"},
    "field_services_list": {"zh": "服务项目", "en": "Services"},
    "field_building_id": {"zh": "建筑编号", "en": "Building"},
    "field_snap_status": {"zh": "道路匹配", "en": "Street match"},
    "field_reason": {"zh": "原因", "en": "Reason"},
    "field_lon": {"zh": "经度", "en": "Longitude"},
    "field_lat": {"zh": "纬度", "en": "Latitude"},
    "field_is_sliver": {"zh": "碎片", "en": "Sliver"},
    "field_source": {"zh": "文件", "en": "File"},
    "field_severity": {"zh": "类别", "en": "Severity"},
    "field_code": {"zh": "代码", "en": "Code"},
    "field_row": {"zh": "行号", "en": "Row"},
    "field_feature_id": {"zh": "编号", "en": "ID"},
    "field_column": {"zh": "字段", "en": "Column"},
    "field_message": {"zh": "说明", "en": "Message"},
    "systems_0": {"zh": "0 个系统覆盖（盲区）", "en": "Covered by no system (blind spot)"},
    "systems_n": {"zh": "{n} 个系统覆盖", "en": "Covered by {n} system(s)"},
    "hex_class": {"zh": "未覆盖 {lo}–{hi} 户", "en": "{lo}–{hi} households not covered"},
    "hex_class_top": {"zh": "未覆盖 {lo} 户以上", "en": "{lo}+ households not covered"},
    "hex_class_zero": {"zh": "全部覆盖", "en": "All covered"},
    "layer_gaps": {"zh": "盲区（无任何网格覆盖）", "en": "Blind spots (no zone covers)"},
    "layer_overlaps": {"zh": "多头（同一系统多个网格）", "en": "Overlaps (same system)"},
    "layer_outside": {"zh": "越界（超出辖区）", "en": "Outside the study area"},
    "layer_edges": {"zh": "待修边界（缝隙/重叠）", "en": "Edges to fix (gaps/slivers)"},
    "minutes": {"zh": " 分钟", "en": " min"},
    "circle_within": {"zh": "{label}内", "en": "within {label}"},
    "circle_beyond": {"zh": "超出 15 分钟", "en": "beyond 15 min"},
    "circle_no_route": {"zh": "无法到达", "en": "no route"},
    "layer_catchments": {"zh": "服务范围（最近中心）", "en": "Catchments (nearest centre)"},
    "layer_isochrone": {"zh": "等时圈：{label}（{m} 米）", "en": "Isochrone: {label} ({m} m)"},
    "layer_visits": {"zh": "上门服务名单（{n}）", "en": "Home-visit list ({n})"},
    "layer_centers_short": {"zh": "服务中心", "en": "Centres"},
    "layer_units": {"zh": "最小单元", "en": "Units"},
    "layer_grids": {"zh": "统一网格", "en": "Unified grids"},
    "layer_changes": {"zh": "与对比方案的差异", "en": "Changes from the compared plan"},
    "band_in_band": {"zh": "区间内", "en": "within the band"},
    "band_below": {"zh": "偏少", "en": "too few"},
    "band_above": {"zh": "偏多", "en": "too many"},
    "band_locked": {"zh": "已锁定", "en": "locked"},
    "band_empty": {"zh": "无单元", "en": "no units"},
    "band_exclusive": {"zh": "专属网格", "en": "exclusive grid"},
    "layer_micro": {"zh": "微网格", "en": "Micro grids"},
    "field_grid_type": {"zh": "网格类型", "en": "Grid type"},
    "field_micro_code": {"zh": "微网格编码", "en": "Micro grid"},
    "field_building_head": {"zh": "楼栋长", "en": "Building head"},
    "field_grid_code": {"zh": "网格编码", "en": "Grid code"},
    "field_n_units": {"zh": "单元数", "en": "Units"},
    "field_status_label": {"zh": "户数状态", "en": "Band status"},
    "field_grid_a": {"zh": "对比方案中的网格", "en": "Grid in the compared plan"},
    "field_grid_b": {"zh": "当前方案中的网格", "en": "Grid in this plan"},
    "field_households_a": {"zh": "对比方案户数", "en": "Households (compared plan)"},
    "field_households_b": {"zh": "当前户数", "en": "Households (this plan)"},
    "field_gained": {"zh": "划入户数", "en": "Households gained"},
    "field_lost": {"zh": "划出户数", "en": "Households lost"},
    "field_net": {"zh": "净变化", "en": "Net change"},
    "field_units_gained": {"zh": "划入单元", "en": "Units gained"},
    "field_units_lost": {"zh": "划出单元", "en": "Units lost"},
    "field_unit_id": {"zh": "单元编号", "en": "Unit"},
    "field_polsby_popper": {"zh": "紧凑度", "en": "Compactness (Polsby–Popper)"},
    "field_locked": {"zh": "锁定", "en": "Locked"},
    "field_in_band": {"zh": "在区间内", "en": "In the band"},
    "field_check": {"zh": "检查项", "en": "Check"},
    "field_status": {"zh": "结果", "en": "Result"},
    "field_n": {"zh": "数量", "en": "Count"},
    "field_grid_codes": {"zh": "涉及网格", "en": "Grids"},
    "layer_picked": {"zh": "选取的单元", "en": "Picked units"},
    "layer_selected_grid": {"zh": "所选网格", "en": "Selected grid"},
    "field_network_m_before": {"zh": "现步行距离(m)", "en": "Walk now (m)"},
    "field_site_m": {"zh": "距新站点(m)", "en": "To the new site (m)"},
    "field_new_site_rank": {"zh": "新增覆盖的站点", "en": "Newly covered by site"},
    "field_rank": {"zh": "排序", "en": "Rank"},
    "field_candidate_id": {"zh": "候选点", "en": "Candidate"},
    "field_gain": {"zh": "新增覆盖", "en": "Gain"},
    "field_covered_after": {"zh": "累计覆盖率(%)", "en": "Covered after (%)"},
    "field_new_households": {"zh": "新增覆盖户数", "en": "Households newly covered"},
    "field_street": {"zh": "最近道路", "en": "Nearest street"},
    "siting_layer_before": {"zh": "已在 {m} 米内的居民（{n}）", "en": "Residents within {m} m already ({n})"},
    "siting_layer_rank": {"zh": "第 {rank} 个新站点新增覆盖（{n}）", "en": "Newly covered by site {rank} ({n})"},
    "siting_layer_beyond": {"zh": "仍超出步行范围（{n}）", "en": "Still beyond the walk ({n})"},
    "siting_layer_user": {"zh": "自定义候选点", "en": "Your candidates"},
    "siting_layer_sites": {"zh": "建议新站点", "en": "Proposed sites"},
}


def lookup(table: dict[str, dict[str, str]], key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The text of ``key`` in ``lang`` in a ``key → {lang: text}`` table (Chinese when that language
    is missing), formatted with ``fmt``; ``KeyError`` if the key is unknown (tests catch typos)."""
    entry = table[key]
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**fmt) if fmt else template


def text(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The map text of ``key`` in ``lang`` (:func:`lookup` in :data:`MAP_TEXT`)."""
    return lookup(MAP_TEXT, key, lang, **fmt)


def field_label(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of a column (``field_<column>``); a column the table does not know keeps its name."""
    key = f"field_{column}"
    return text(key, lang) if key in MAP_TEXT else column


def aliases(columns: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """:func:`field_label` of each column: the tooltip names of a map layer."""
    return [field_label(c, lang) for c in columns]


def layer_label(layer_key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of a layer (``layer_<key>``); a zone layer the table does not know shows the user's
    name for it (``zones_水务`` → ``水务``), any other unknown layer its key."""
    key = f"layer_{layer_key}"
    if key in MAP_TEXT:
        return text(key, lang)
    return layer_key[len("zones_"):] if layer_key.startswith("zones_") else layer_key
