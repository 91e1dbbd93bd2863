"""User-facing strings of the app in Chinese (default) and English.

Every label on every page goes through :func:`t`; a key missing from a language falls back to
Chinese, and a key missing altogether raises ``KeyError`` (tests catch typos). This module does not
import streamlit, so it can be tested and reused on its own.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "TEXT", "t", "layer_label", "columns"]

#: Language code → name shown in the language switch.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"zh": "网格化管理规划", "en": "Grid planning for grassroots governance"},
    "app_caption": {
        "zh": "多网合一 · 覆盖 · 可达性 · 网格编辑（离线运行，无需互联网）",
        "en": "Unified grids · coverage · walking access · grid editing (runs offline, no internet needed)",
    },
    "language": {"zh": "语言 / Language", "en": "语言 / Language"},
    "page": {"zh": "页面", "en": "Page"},
    "page_data": {"zh": "数据", "en": "Data"},
    "data_header": {"zh": "数据概览", "en": "Data overview"},
    "data_intro": {
        "zh": "内置演示数据（南京新街口，OpenStreetMap）各图层的要素数量、坐标系和几何类型。",
        "en": "Feature count, coordinate reference system and geometry type of each layer of the "
        "embedded demo (Nanjing Xinjiekou, OpenStreetMap).",
    },
    "col_layer": {"zh": "图层", "en": "Layer"},
    "col_key": {"zh": "图层键", "en": "Key"},
    "col_count": {"zh": "要素数", "en": "Features"},
    "col_crs": {"zh": "坐标系", "en": "CRS"},
    "col_geom": {"zh": "几何类型", "en": "Geometry type"},
    "no_crs": {"zh": "未设置", "en": "not set"},
    "map_header": {"zh": "地图", "en": "Map"},
    "map_help": {
        "zh": "右上角可开关各图层。底图为街道和建筑矢量（无需瓦片服务）。",
        "en": "Switch layers on and off at the top right. The basemap is vector streets and "
        "buildings (no tile server needed).",
    },
    "demo_missing": {
        "zh": "未找到演示数据：{error}。请先生成 data/demo.gpkg（见 README）。",
        "en": "Demo data not found: {error}. Build data/demo.gpkg first (see the README).",
    },
    "demo_failed": {
        "zh": "读取演示数据失败：{error}",
        "en": "Could not read the demo data: {error}",
    },
    "assets_missing": {
        "zh": "离线地图资源未安装，地图无法显示。请运行 bash scripts/install_assets.sh。",
        "en": "The offline map assets are not installed, so the map cannot show. Run "
        "bash scripts/install_assets.sh.",
    },
    "attribution": {
        "zh": "地图数据 © OpenStreetMap 贡献者（ODbL 许可）。行政区界线仅供参考。",
        "en": "Map data © OpenStreetMap contributors (ODbL). District boundaries are for reference only.",
    },
    # layer names
    "layer_study_area": {"zh": "辖区（社区）", "en": "Study area (communities)"},
    "layer_residents": {"zh": "居民建筑", "en": "Residential buildings"},
    "layer_centers": {"zh": "党群服务中心", "en": "Service centres"},
    "layer_zones_party": {"zh": "党建网格", "en": "Party-building grid"},
    "layer_zones_security": {"zh": "综治网格", "en": "Comprehensive-governance grid"},
    "layer_zones_urban": {"zh": "城管网格", "en": "Urban-management grid"},
    "layer_districts": {"zh": "行政区（参考）", "en": "Districts (reference)"},
    "layer_streets": {"zh": "街道", "en": "Streets"},
    "layer_buildings": {"zh": "建筑", "en": "Buildings"},
    # attribute names shown in tooltips
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

    # --- app frame ---------------------------------------------------------------------------
    "page_overview": {"zh": "总览", "en": "Overview"},
    "page_coverage": {"zh": "覆盖", "en": "Coverage"},
    "page_access": {"zh": "可达", "en": "Access"},
    "page_export": {"zh": "导出", "en": "Export"},
    "loading": {"zh": "正在读取数据…", "en": "Reading the data…"},
    "computing": {"zh": "正在计算…", "en": "Computing…"},
    "analysis_failed": {
        "zh": "分析未能完成：{error}。请检查上传的数据（图层是否有效、坐标系是否正确），或把此信息告知技术人员。",
        "en": "The analysis could not finish: {error}. Check the uploaded data (valid layers, the right CRS) or pass "
        "this message to your technical staff.",
    },
    "no_data": {"zh": "没有可用的数据：请在“数据”页上传文件。", "en": "No data to show: upload files on the Data page."},
    "map_settings": {"zh": "地图设置", "en": "Map settings"},
    "tiles_url": {"zh": "内网瓦片地址（可选）", "en": "Intranet tile URL (optional)"},
    "tiles_url_help": {
        "zh": "XYZ 模板，例如 http://tiles.intra/{z}/{x}/{y}.png。留空则只显示街道和建筑矢量底图。",
        "en": "An XYZ template such as http://tiles.intra/{z}/{x}/{y}.png. Leave empty for the vector "
        "basemap of streets and buildings only.",
    },
    "tiles_url_bad": {
        "zh": "瓦片地址须包含 {z}、{x}、{y}，已忽略。",
        "en": "The tile URL must contain {z}, {x} and {y}; it is ignored.",
    },
    "gcj02": {"zh": "数据按 GCJ-02 偏移显示（高德/腾讯瓦片）", "en": "Shift data to GCJ-02 for display (AMap/Tencent tiles)"},
    "gcj02_help": {
        "zh": "高德、腾讯瓦片使用 GCJ-02 坐标，与 WGS84 数据相差数百米。勾选后仅在地图上偏移显示，分析和导出仍用原始坐标。",
        "en": "AMap and Tencent tiles are in GCJ-02, hundreds of metres off WGS84 data. When ticked the data is "
        "shifted on the map only; analyses and exports keep the true coordinates.",
    },
    "attribution_short": {"zh": "© OpenStreetMap 贡献者", "en": "© OpenStreetMap contributors"},
    # --- data page: uploads --------------------------------------------------------------------
    "data_intro_upload": {
        "zh": "正在使用上传的文件：各图层的要素数量、坐标系和几何类型。",
        "en": "Using the uploaded files: feature count, coordinate reference system and geometry type of each layer.",
    },
    "upload_header": {"zh": "使用自己的数据", "en": "Use your own data"},
    "upload_limits": {
        "zh": "支持 GeoJSON、GeoPackage 和 zip 压缩的 Shapefile（.shp .shx .dbf .prj，可含 .cpg；GBK 编码可自动识别）。"
        "每个文件最大 {mb} MB；zip 解压后最大 {zip_mb} MB、最多 {zip_files} 个文件，含绝对路径或“..”的 zip 会被拒绝。"
        "至少需要辖区和一个网格图层；居民、服务中心和 OSM 文件用于户数和可达性分析。",
        "en": "GeoJSON, GeoPackage and zipped Shapefiles (.shp .shx .dbf .prj, optionally .cpg; GBK text is detected). "
        "At most {mb} MB per file; a zip may expand to at most {zip_mb} MB and {zip_files} files, and zips with "
        "absolute or '..' paths are refused. A study area and at least one zone layer are needed; residents, "
        "centres and an OSM file add households and walking access.",
    },
    "upload_in_use": {"zh": "当前使用上传的数据。", "en": "The uploaded data is in use."},
    "back_to_demo": {"zh": "改回演示数据", "en": "Back to the demo data"},
    "up_study_area": {"zh": "辖区（社区）：需含 area_id、name", "en": "Study area (communities): area_id, name"},
    "up_zones": {"zh": "网格图层（可多个）：需含 zone_id、name", "en": "Zone layers (any number): zone_id, name"},
    "up_residents": {"zh": "居民（点或建筑）：需含 households、population", "en": "Residents (points or buildings): households, population"},
    "up_centers": {"zh": "服务中心（点）：需含 center_id、name", "en": "Service centres (points): center_id, name"},
    "up_osm": {"zh": "OSM 街道文件（.osm，用于步行距离和底图）", "en": "OSM street file (.osm, for walking distances and the basemap)"},
    "up_crs": {"zh": "无坐标系文件按此坐标系读取（可选）", "en": "CRS for files that declare none (optional)"},
    "up_crs_help": {
        "zh": "例如 EPSG:4490（CGCS2000 经纬度）、EPSG:4326（WGS84）、EPSG:4549（CGCS2000 高斯-克吕格 120°E）。",
        "en": "E.g. EPSG:4490 (CGCS2000 lon/lat), EPSG:4326 (WGS84), EPSG:4549 (CGCS2000 Gauss–Krüger 120°E).",
    },
    "up_source": {"zh": "经纬度来源", "en": "Coordinates came from"},
    "source_wgs84": {"zh": "WGS84 / CGCS2000（GPS、天地图）", "en": "WGS84 / CGCS2000 (GPS, Tianditu)"},
    "source_gcj02": {"zh": "GCJ-02（高德、腾讯）", "en": "GCJ-02 (AMap, Tencent)"},
    "source_bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
    "zone_name": {"zh": "“{file}”的图层名（字母、数字、汉字或下划线）", "en": "Layer name for '{file}' (letters, digits, _)"},
    "zone_name_bad": {
        "zh": "网格图层名须互不相同，且只含字母、数字、汉字或下划线、不以数字开头：{names}",
        "en": "Zone layer names must be distinct words (letters, digits, _; not starting with a digit): {names}",
    },
    "mapping_title": {"zh": "字段对应：{file}", "en": "Column mapping: {file}"},
    "mapping_help": {
        "zh": "文件中的字段名与要求不同时，在此为每个字段选择文件中的对应列。",
        "en": "Where the file names a column differently, pick the file's column for each field here.",
    },
    "mapping_unreadable": {"zh": "无法读取此文件的字段；检查时会说明原因。", "en": "Cannot read this file's columns; the check will say why."},
    "required": {"zh": "必需", "en": "required"},
    "optional": {"zh": "可选", "en": "optional"},
    "not_mapped": {"zh": "（不对应）", "en": "(not mapped)"},
    "upload_need": {"zh": "请至少上传辖区和一个网格图层。", "en": "Upload at least a study area and one zone layer."},
    "use_files": {"zh": "检查并使用这些文件", "en": "Check and use these files"},
    "checking": {"zh": "正在检查文件…", "en": "Checking the files…"},
    "upload_invalid": {
        "zh": "文件“{file}”有 {n} 个问题，需修正后才能使用：",
        "en": "The file '{file}' has {n} problem(s) to fix before it can be used:",
    },
    "upload_unreadable": {"zh": "无法读取文件“{file}”：{error}", "en": "Cannot read the file '{file}': {error}"},
    "upload_notes": {"zh": "检查记录（已修复或提示，共 {n} 条）", "en": "Check notes (repaired or warnings: {n})"},
    "where_row": {"zh": "第 {row} 行", "en": "row {row}"},
    "where_id": {"zh": "编号 {id}", "en": "id {id}"},
    "where_column": {"zh": "字段“{column}”", "en": "column '{column}'"},
    "colon": {"zh": "：", "en": ": "},
    "more_problems": {"zh": "另有 {n} 个问题，见下表", "en": "and {n} more problems, see the table"},
    "sev_error": {"zh": "错误", "en": "error"},
    "sev_repaired": {"zh": "已修复", "en": "repaired"},
    "sev_warning": {"zh": "提示", "en": "warning"},
    "col_severity": {"zh": "类别", "en": "Severity"},
    "col_row": {"zh": "行号", "en": "Row"},
    "col_feature_id": {"zh": "编号", "en": "ID"},
    "col_column": {"zh": "字段", "en": "Column"},
    "col_message": {"zh": "说明", "en": "Message"},
    # --- overview ---------------------------------------------------------------------------
    "overview_header": {"zh": "总览", "en": "Overview"},
    "kpi_area_share": {"zh": "覆盖率（面积）", "en": "Covered (area)"},
    "kpi_area_share_help": {"zh": "辖区内至少被一个网格系统覆盖的面积占比。", "en": "Share of the study area covered by at least one zone layer."},
    "kpi_households_share": {"zh": "覆盖率（户数）", "en": "Covered (households)"},
    "kpi_households_share_help": {"zh": "至少被一个网格系统覆盖的户数占比。", "en": "Share of households covered by at least one zone layer."},
    "kpi_blind_households": {"zh": "盲区户数", "en": "Households in blind spots"},
    "kpi_blind_households_help": {"zh": "没有任何网格覆盖的户数。", "en": "Households no zone layer covers (盲区)."},
    "kpi_within": {"zh": "15 分钟步行可达户数占比", "en": "Households within a 15-minute walk"},
    "kpi_within_help": {
        "zh": "沿街道步行到最近党群服务中心不超过 1000 米的户数占比（GB 50180-2018 生活圈）。",
        "en": "Share of households within 1,000 m walk along streets of the nearest service centre (GB 50180-2018 life circles).",
    },
    "kpi_within_missing": {"zh": "需要居民、服务中心和 OSM 街道文件。", "en": "Needs residents, centres and an OSM street file."},
    "kpi_grids_outside": {"zh": "户数超出区间的网格", "en": "Grids outside the household band"},
    "kpi_grids_outside_help": {"zh": "建立统一网格方案后显示。", "en": "Shown once a unified grid plan exists."},
    "kpi_residents": {"zh": "居民建筑", "en": "Residential buildings"},
    "kpi_visits": {"zh": "上门服务名单", "en": "Home-visit list"},
    "coverage_by_layer": {"zh": "各网格系统覆盖情况", "en": "Coverage by zone layer"},
    "any_layer": {"zh": "任一系统", "en": "Any layer"},
    "col_area_share": {"zh": "面积覆盖率", "en": "Area covered"},
    "col_households_share": {"zh": "户数覆盖率", "en": "Households covered"},
    "col_uncovered_households": {"zh": "未覆盖户数", "en": "Households not covered"},
    "col_overlap_m2": {"zh": "多头面积(m²)", "en": "Overlap (m²)"},
    "col_outside_m2": {"zh": "越界面积(m²)", "en": "Outside (m²)"},
    "overview_map_help": {
        "zh": "右上角可分别开关各网格系统、盲区、辖区和服务中心。",
        "en": "Switch each zone layer, the blind spots, the study area and the centres on and off at the top right.",
    },
    # --- coverage ---------------------------------------------------------------------------
    "coverage_header": {"zh": "覆盖分析", "en": "Coverage"},
    "coverage_intro": {
        "zh": "把所有网格系统叠加后，每处被几个系统覆盖。盲区 {gaps} 处，多头 {overlaps} 处（另有 {slivers} 处小于 {sliver:g} m² 的数字化误差碎片，不在地图上显示，仍在导出文件中）。",
        "en": "All zone layers overlaid: how many systems cover each place. {gaps} blind spot(s), {overlaps} overlap(s) "
        "({slivers} digitising slivers under {sliver:g} m² are left off the map; they stay in the exported files).",
    },
    "heat_mode": {"zh": "着色方式", "en": "Colour by"},
    "heat_systems": {"zh": "覆盖系统数", "en": "Systems covering"},
    "heat_households": {"zh": "未覆盖户数（六边形）", "en": "Households not covered (hexagons)"},
    "coverage_map_help": {
        "zh": "0 个系统覆盖（盲区）为红色，紫色虚线为多头。点击盲区可在下方查看住户。",
        "en": "Red: covered by no system (blind spot); purple dashes: overlaps. Click a blind spot to see who lives there below.",
    },
    "systems_0": {"zh": "0 个系统覆盖（盲区）", "en": "Covered by no system (blind spot)"},
    "systems_n": {"zh": "{n} 个系统覆盖", "en": "Covered by {n} system(s)"},
    "hex_class": {"zh": "未覆盖 {lo}–{hi} 户", "en": "{lo}–{hi} households not covered"},
    "hex_class_top": {"zh": "未覆盖 {lo} 户以上", "en": "{lo}+ households not covered"},
    "hex_class_zero": {"zh": "全部覆盖", "en": "All covered"},
    "layer_gaps": {"zh": "盲区（无任何网格覆盖）", "en": "Blind spots (no zone covers)"},
    "layer_overlaps": {"zh": "多头（同一系统多个网格）", "en": "Overlaps (same system)"},
    "layer_outside": {"zh": "越界（超出辖区）", "en": "Outside the study area"},
    "layer_edges": {"zh": "待修边界（缝隙/重叠）", "en": "Edges to fix (gaps/slivers)"},
    "selected_gap": {"zh": "选中的盲区", "en": "Selected blind spot"},
    "gaps_header": {"zh": "盲区（{n} 处）", "en": "Blind spots ({n})"},
    "no_gaps": {"zh": "没有盲区：辖区全部被至少一个网格覆盖。", "en": "No blind spots: every place is covered by at least one zone."},
    "pick_gap": {"zh": "查看盲区住户（也可在地图上点击盲区）", "en": "Who lives in a blind spot (or click one on the map)"},
    "gap_option": {"zh": "{gap}（{hh} 户）", "en": "{gap} ({hh} households)"},
    "who_lives_here": {"zh": "盲区 {gap} 内有 {n} 栋居民建筑，共 {hh} 户：", "en": "Blind spot {gap}: {n} residential building(s), {hh} households:"},
    "no_residents_layer": {"zh": "没有居民图层，无法列出住户。", "en": "No residents layer: nobody can be listed."},
    "click_not_gap": {"zh": "点击处不是盲区：被 {n} 个系统覆盖。", "en": "The place clicked is not a blind spot: {n} system(s) cover it."},
    "nearest_zone": {"zh": "最近的{layer}", "en": "Nearest {layer}"},
    "nearest_zone_m": {"zh": "距{layer}(m)", "en": "Distance to {layer} (m)"},
    "overlaps_header": {"zh": "多头（{n} 处）", "en": "Overlaps ({n})"},
    "no_overlaps": {"zh": "没有多头：同一系统的网格互不重叠。", "en": "No overlaps: zones of one system do not overlap."},
    # --- access ---------------------------------------------------------------------------
    "access_header": {"zh": "步行可达性", "en": "Walking access"},
    "access_missing": {
        "zh": "可达性分析需要居民、服务中心和 OSM 街道文件：请在“数据”页上传。",
        "en": "Walking access needs residents, service centres and an OSM street file: upload them on the Data page.",
    },
    "filter_by": {"zh": "按网格或社区筛选", "en": "Filter by grid or community"},
    "filter_value": {"zh": "选择", "en": "Show"},
    "all": {"zh": "全部", "en": "All"},
    "minutes": {"zh": " 分钟", "en": " min"},
    "circle_within": {"zh": "{label}内", "en": "within {label}"},
    "circle_beyond": {"zh": "超出 15 分钟", "en": "beyond 15 min"},
    "circle_no_route": {"zh": "无法到达", "en": "no route"},
    "access_map_help": {
        "zh": "居民建筑按生活圈着色；紫色圆点为超出 15 分钟的特殊群体住户（上门服务名单）；黄点为服务中心。",
        "en": "Buildings coloured by life circle; magenta dots: special-group households beyond 15 minutes (home-visit "
        "list); yellow dots: service centres.",
    },
    "layer_catchments": {"zh": "服务范围（最近中心）", "en": "Catchments (nearest centre)"},
    "layer_isochrone": {"zh": "等时圈：{label}（{m} 米）", "en": "Isochrone: {label} ({m} m)"},
    "layer_visits": {"zh": "上门服务名单（{n}）", "en": "Home-visit list ({n})"},
    "layer_centers_short": {"zh": "服务中心", "en": "Centres"},
    "visits_header": {"zh": "上门服务名单（{n} 栋）", "en": "Home-visit list ({n} buildings)"},
    "visits_help": {
        "zh": "有独居老人、留守儿童或残疾人，且步行超出{label}范围或无法到达的居民建筑。",
        "en": "Buildings with elderly living alone, left-behind children or people with disabilities that are {label} or have no route.",
    },
    "access_summary_header": {"zh": "各网格/社区生活圈户数", "en": "Households by life circle per grid / community"},
    "total": {"zh": "合计", "en": "total"},
    "within_pct": {"zh": "{label}占比(%)", "en": "{label} (%)"},
    # --- export -----------------------------------------------------------------------------
    "export_header": {"zh": "导出", "en": "Export"},
    "export_intro": {
        "zh": "所有结果均可下载，QGIS、ArcGIS、天地图等可直接打开。GeoJSON 符合 RFC 7946（WGS84 经纬度）。",
        "en": "Every result can be downloaded and opened as it is in QGIS, ArcGIS, Tianditu and others. GeoJSON follows RFC 7946 (WGS84 lon/lat).",
    },
    "export_layers": {"zh": "图层", "en": "Layers"},
    "export_pick_layer": {"zh": "选择图层", "en": "Layer"},
    "export_formats_help": {
        "zh": "Shapefile 以 zip 提供（含 UTF-8 .cpg；超过 10 字节的字段名已缩短，对照表在 zip 内）。",
        "en": "Shapefiles come zipped (with a UTF-8 .cpg; field names over 10 bytes are shortened, the mapping is in the zip).",
    },
    "fmt_geojson": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
    "fmt_gpkg": {"zh": "下载 GeoPackage", "en": "Download GeoPackage"},
    "fmt_shp": {"zh": "下载 Shapefile (zip)", "en": "Download Shapefile (zip)"},
    "export_tables": {"zh": "表格", "en": "Tables"},
    "export_pick_table": {"zh": "选择表格", "en": "Table"},
    "dl_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "dl_xlsx": {"zh": "下载全部表格（Excel）", "en": "Download all tables (Excel)"},
    "export_maps": {"zh": "离线地图", "en": "Offline maps"},
    "export_maps_help": {
        "zh": "单个 HTML 文件，无需服务器和互联网即可打开（可用 U 盘拷贝）。",
        "en": "A single HTML file that opens with no server and no internet (copy it on a USB stick).",
    },
    "dl_coverage_html": {"zh": "下载覆盖地图（HTML）", "en": "Download the coverage map (HTML)"},
    "dl_access_html": {"zh": "下载可达性地图（HTML）", "en": "Download the access map (HTML)"},
    "export_gaps": {"zh": "盲区", "en": "Blind spots"},
    "export_overlaps": {"zh": "多头", "en": "Overlaps"},
    "export_faces": {"zh": "叠加面（全部网格系统）", "en": "Mosaic faces (all zone layers)"},
    "export_outside": {"zh": "越界部分", "en": "Parts outside the study area"},
    "export_edges": {"zh": "待修边界", "en": "Edges to fix"},
    "export_household_hexagons": {"zh": "户数六边形", "en": "Household hexagons"},
    "export_residents_access": {"zh": "居民可达性", "en": "Residents' access"},
    "export_centers_access": {"zh": "服务中心", "en": "Service centres"},
    "export_catchments": {"zh": "服务范围", "en": "Catchments"},
    "export_isochrones": {"zh": "等时圈", "en": "Isochrones"},
    "table_coverage_summary": {"zh": "覆盖汇总", "en": "Coverage summary"},
    "table_gaps": {"zh": "盲区", "en": "Blind spots"},
    "table_overlaps": {"zh": "多头", "en": "Overlaps"},
    "table_access_summary": {"zh": "生活圈户数", "en": "Households by life circle"},
    "table_home_visit_list": {"zh": "上门服务名单", "en": "Home-visit list"},
    "table_validation_problems": {"zh": "数据检查记录", "en": "Validation problems"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Chinese), formatted with ``fmt``.

    Raises
    ------
    KeyError
        If ``key`` is unknown.
    """
    entry = TEXT[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**fmt) if fmt else text


def layer_label(layer_key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Display name of a layer; a zone layer the table does not know shows the user's name for it
    (``zones_水务`` → ``水务``), any other unknown layer its key."""
    key = f"layer_{layer_key}"
    if key in TEXT:
        return t(key, lang)
    return layer_key[len("zones_"):] if layer_key.startswith("zones_") else layer_key


def columns(table, lang: str = DEFAULT_LANGUAGE, extra: dict[str, str] | None = None):
    """``table`` with its headers translated (``field_<column>`` keys, then ``extra``); columns
    the table does not know keep their names."""
    extra = extra or {}

    def label(c: object) -> object:
        if c in extra:
            return extra[c]
        return t(f"field_{c}", lang) if f"field_{c}" in TEXT else c

    return table.rename(columns={c: label(c) for c in table.columns})
