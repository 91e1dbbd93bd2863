"""The labels of the Streamlit app's pages, in Chinese and English (part of :data:`gridmap.vocab.CATALOG`).

Keys are the page's words (``coverage_header``, ``grid_build``…); layer and column names shared with
the maps are in :mod:`gridmap.vocab.maps`.
"""

from __future__ import annotations

APP_TEXT: dict[str, dict[str, str]] = {
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
        "en": "Feature count, coordinate reference system and geometry type of each layer of the embedded demo "
        "(Nanjing Xinjiekou, OpenStreetMap).",
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
        "en": "Switch layers on and off at the top right. The basemap is vector streets and buildings (no tile server "
        "needed).",
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
        "zh": "离线地图资源未安装，地图无法显示。请在服务器上运行 gridmap assets（源码目录中也可运行 bash "
        "scripts/install_assets.sh），然后刷新页面。",
        "en": "The offline map assets are not installed, so the map cannot show. On the server, run gridmap assets "
        "(in a source checkout, bash scripts/install_assets.sh also works), then reload.",
    },
    "attribution": {
        "zh": "地图数据 © OpenStreetMap 贡献者（ODbL 许可）。行政区界线仅供参考。",
        "en": "Map data © OpenStreetMap contributors (ODbL). District boundaries are for reference only.",
    },


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
    "no_data": {
        "zh": "没有可用的数据：请在“数据”页上传文件。",
        "en": "No data to show: upload files on the Data page.",
    },
    "map_settings": {"zh": "地图设置", "en": "Map settings"},
    "map_settings_where": {
        "zh": "地图设置（内网瓦片、GCJ-02 显示）在“数据”页。当前：{state}",
        "en": "Map settings (intranet tiles, GCJ-02 display) are on the Data page. Now: {state}",
    },
    "map_state_vector": {"zh": "矢量底图", "en": "vector basemap"},
    "map_state_tiles": {"zh": "内网瓦片", "en": "intranet tiles"},
    "map_state_gcj02": {"zh": "GCJ-02 偏移显示", "en": "shown in GCJ-02"},
    "tiles_url": {"zh": "内网瓦片地址（可选）", "en": "Intranet tile URL (optional)"},
    "tiles_url_help": {
        "zh": "XYZ 模板，例如 http://tiles.intra/{z}/{x}/{y}.png。留空则只显示街道和建筑矢量底图。",
        "en": "An XYZ template such as http://tiles.intra/{z}/{x}/{y}.png. Leave empty for the vector basemap of "
        "streets and buildings only.",
    },
    "tiles_url_bad": {
        "zh": "瓦片地址须包含 {z}、{x}、{y}，已忽略。",
        "en": "The tile URL must contain {z}, {x} and {y}; it is ignored.",
    },
    "gcj02": {
        "zh": "数据按 GCJ-02 偏移显示（高德/腾讯瓦片）",
        "en": "Shift data to GCJ-02 for display (AMap/Tencent tiles)",
    },
    "gcj02_help": {
        "zh": "高德、腾讯瓦片使用 GCJ-02 坐标，与 WGS84 "
        "数据相差数百米。勾选后仅在地图上偏移显示，分析和导出仍用原始坐标。",
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
        "zh": "支持 GeoJSON、GeoPackage 和 zip 压缩的 Shapefile（.shp .shx .dbf .prj，可含 .cpg；GBK "
        "编码可自动识别）；居民和服务中心也可用含经纬度列的 CSV（UTF-8 或 GBK）或 Excel（.xlsx）表格。每个文件最大 "
        "{mb} MB；zip 解压后最大 {zip_mb} MB、最多 {zip_files} 个文件，含绝对路径或“..”的 zip "
        "会被拒绝。至少需要辖区和一个网格图层；居民、服务中心和 OSM 文件用于户数和可达性分析。",
        "en": "GeoJSON, GeoPackage and zipped Shapefiles (.shp .shx .dbf .prj, optionally .cpg; GBK text is "
        "detected); residents and centres also as CSV (UTF-8 or GBK) or Excel (.xlsx) tables with longitude/latitude "
        "columns. At most {mb} MB per file; a zip may expand to at most {zip_mb} MB and {zip_files} files, and zips "
        "with absolute or '..' paths are refused. A study area and at least one zone layer are needed; residents, "
        "centres and an OSM file add households and walking access.",
    },
    "upload_in_use": {"zh": "当前使用上传的数据。", "en": "The uploaded data is in use."},
    "back_to_demo": {"zh": "改回演示数据", "en": "Back to the demo data"},
    "up_study_area": {"zh": "辖区（社区）：需含 area_id、name", "en": "Study area (communities): area_id, name"},
    "up_zones": {"zh": "网格图层（可多个）：需含 zone_id、name", "en": "Zone layers (any number): zone_id, name"},
    "up_residents": {
        "zh": "居民（点或建筑）：需含 households、population",
        "en": "Residents (points or buildings): households, population",
    },
    "up_centers": {"zh": "服务中心（点）：需含 center_id、name", "en": "Service centres (points): center_id, name"},
    "up_osm": {
        "zh": "OSM 街道文件（.osm，用于步行距离和底图）",
        "en": "OSM street file (.osm, for walking distances and the basemap)",
    },
    "up_crs": {"zh": "无坐标系文件按此坐标系读取（可选）", "en": "CRS for files that declare none (optional)"},
    "up_crs_help": {
        "zh": "例如 EPSG:4490（CGCS2000 经纬度）、EPSG:4326（WGS84）、EPSG:4549（CGCS2000 高斯-克吕格 120°E）。",
        "en": "E.g. EPSG:4490 (CGCS2000 lon/lat), EPSG:4326 (WGS84), EPSG:4549 (CGCS2000 Gauss–Krüger 120°E).",
    },
    "up_source": {"zh": "经纬度来源", "en": "Coordinates came from"},
    "source_wgs84": {"zh": "WGS84 / CGCS2000（GPS、天地图）", "en": "WGS84 / CGCS2000 (GPS, Tianditu)"},
    "source_gcj02": {"zh": "GCJ-02（高德、腾讯）", "en": "GCJ-02 (AMap, Tencent)"},
    "source_bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
    "zone_name": {
        "zh": "“{file}”的图层名（字母、数字、汉字或下划线）",
        "en": "Layer name for '{file}' (letters, digits, _)",
    },
    "zone_name_bad": {
        "zh": "网格图层名须互不相同，且只含字母、数字、汉字或下划线、不以数字开头：{names}",
        "en": "Zone layer names must be distinct words (letters, digits, _; not starting with a digit): {names}",
    },
    "mapping_title": {"zh": "字段对应：{file}", "en": "Column mapping: {file}"},
    "mapping_help": {
        "zh": "文件中的字段名与要求不同时，在此为每个字段选择文件中的对应列。",
        "en": "Where the file names a column differently, pick the file's column for each field here.",
    },
    "mapping_unreadable": {
        "zh": "无法读取此文件的字段；检查时会说明原因。",
        "en": "Cannot read this file's columns; the check will say why.",
    },
    "mapping_help_table": {
        "zh": "表格的坐标列（经度/纬度、lon/lat、x/y 等）会自动识别；名称不同时在 lon/lat（或 x/y）中选择。",
        "en": "A table's coordinate columns (经度/纬度, lon/lat, x/y …) are found by name; if yours are named "
        "otherwise, pick them as lon/lat (or x/y).",
    },
    "table_sheet": {"zh": "“{file}”中要读取的工作表", "en": "Sheet of '{file}' to read"},
    "table_crs": {
        "zh": "“{file}”坐标列的坐标系（x/y 列必填）",
        "en": "CRS of the coordinates in '{file}' (needed for x/y)",
    },
    "table_crs_help": {
        "zh": "经纬度列默认 WGS84；x/y（米）列须填写，如 EPSG:4547（CGCS2000 高斯-克吕格 114°E）。",
        "en": "Lon/lat columns default to WGS84; x/y columns in metres need one, e.g. EPSG:4547 (CGCS2000 GK 114°E).",
    },
    "table_source": {"zh": "“{file}”的经纬度来源", "en": "Where the coordinates in '{file}' came from"},
    "table_source_same": {"zh": "同上（全部文件的设置）", "en": "As set for all files"},
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
    "kpi_area_share_help": {
        "zh": "辖区内至少被一个网格系统覆盖的面积占比。",
        "en": "Share of the study area covered by at least one zone layer.",
    },
    "kpi_households_share": {"zh": "覆盖率（户数）", "en": "Covered (households)"},
    "kpi_households_share_help": {
        "zh": "至少被一个网格系统覆盖的户数占比。",
        "en": "Share of households covered by at least one zone layer.",
    },
    "kpi_blind_households": {"zh": "盲区户数", "en": "Households in blind spots"},
    "kpi_blind_households_help": {"zh": "没有任何网格覆盖的户数。", "en": "Households no zone layer covers (盲区)."},
    "kpi_within": {"zh": "15 分钟步行可达户数占比", "en": "Households within a 15-minute walk"},
    "kpi_within_help": {
        "zh": "沿街道步行到最近党群服务中心不超过 1000 米的户数占比（GB 50180-2018 生活圈）。",
        "en": "Share of households within 1,000 m walk along streets of the nearest service centre (GB 50180-2018 "
        "life circles).",
    },
    "kpi_within_missing": {
        "zh": "需要居民、服务中心和 OSM 街道文件。",
        "en": "Needs residents, centres and an OSM street file.",
    },
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
        "zh": "把所有网格系统叠加后，每处被几个系统覆盖。盲区 {gaps} 处，多头 {overlaps} 处（另有 {slivers} 处小于 "
        "{sliver:g} m² 的数字化误差碎片，不在地图上显示，仍在导出文件中）。",
        "en": "All zone layers overlaid: how many systems cover each place. {gaps} blind spot(s), {overlaps} "
        "overlap(s) ({slivers} digitising slivers under {sliver:g} m² are left off the map; they stay in the exported "
        "files).",
    },
    "heat_mode": {"zh": "着色方式", "en": "Colour by"},
    "heat_systems": {"zh": "覆盖系统数", "en": "Systems covering"},
    "heat_households": {"zh": "未覆盖户数（六边形）", "en": "Households not covered (hexagons)"},
    "coverage_map_help": {
        "zh": "0 个系统覆盖（盲区）为红色，紫色虚线为多头。点击盲区可在下方查看住户。",
        "en": "Red: covered by no system (blind spot); purple dashes: overlaps. Click a blind spot to see who lives "
        "there below.",
    },
    "selected_gap": {"zh": "选中的盲区", "en": "Selected blind spot"},
    "gaps_header": {"zh": "盲区（{n} 处）", "en": "Blind spots ({n})"},
    "no_gaps": {
        "zh": "没有盲区：辖区全部被至少一个网格覆盖。",
        "en": "No blind spots: every place is covered by at least one zone.",
    },
    "pick_gap": {
        "zh": "查看盲区住户（也可在地图上点击盲区）",
        "en": "Who lives in a blind spot (or click one on the map)",
    },
    "gap_option": {"zh": "{gap}（{hh} 户）", "en": "{gap} ({hh} households)"},
    "who_lives_here": {
        "zh": "盲区 {gap} 内有 {n} 栋居民建筑，共 {hh} 户：",
        "en": "Blind spot {gap}: {n} residential building(s), {hh} households:",
    },
    "no_residents_layer": {"zh": "没有居民图层，无法列出住户。", "en": "No residents layer: nobody can be listed."},
    "click_not_gap": {
        "zh": "点击处不是盲区：被 {n} 个系统覆盖。",
        "en": "The place clicked is not a blind spot: {n} system(s) cover it.",
    },
    "nearest_zone": {"zh": "最近的{layer}", "en": "Nearest {layer}"},
    "nearest_zone_m": {"zh": "距{layer}(m)", "en": "Distance to {layer} (m)"},
    "overlaps_header": {"zh": "多头（{n} 处）", "en": "Overlaps ({n})"},
    "no_overlaps": {
        "zh": "没有多头：同一系统的网格互不重叠。",
        "en": "No overlaps: zones of one system do not overlap.",
    },
    # --- access ---------------------------------------------------------------------------
    "access_header": {"zh": "步行可达性", "en": "Walking access"},
    "access_missing": {
        "zh": "可达性分析需要居民、服务中心和 OSM 街道文件：请在“数据”页上传。",
        "en": "Walking access needs residents, service centres and an OSM street file: upload them on the Data page.",
    },
    "filter_by": {"zh": "按网格或社区筛选", "en": "Filter by grid or community"},
    "filter_value": {"zh": "选择", "en": "Show"},
    "all": {"zh": "全部", "en": "All"},
    "access_map_help": {
        "zh": "居民建筑按生活圈着色；紫色圆点为超出 15 分钟的特殊群体住户（上门服务名单）；黄点为服务中心。",
        "en": "Buildings coloured by life circle; magenta dots: special-group households beyond 15 minutes "
        "(home-visit list); yellow dots: service centres.",
    },
    "visits_header": {"zh": "上门服务名单（{n} 栋）", "en": "Home-visit list ({n} buildings)"},
    "visits_help": {
        "zh": "有独居老人、留守儿童或残疾人，且步行超出{label}范围或无法到达的居民建筑。",
        "en": "Buildings with elderly living alone, left-behind children or people with disabilities that are {label} "
        "or have no route.",
    },
    "access_summary_header": {"zh": "各网格/社区生活圈户数", "en": "Households by life circle per grid / community"},
    "total": {"zh": "合计", "en": "total"},
    "within_pct": {"zh": "{label}占比(%)", "en": "{label} (%)"},
    # --- unified grid (网格) ----------------------------------------------------------------
    "page_grid": {"zh": "网格", "en": "Unified grid"},
    "grid_header": {"zh": "统一网格（多网合一）", "en": "Unified grid"},
    "grid_intro": {
        "zh": "把各网格系统叠加成最小单元，再按户数区间划分为统一网格（每个网格在一个社区内、连片、紧凑）。在地图上点"
        "击选择网格，画多边形把单元划入所选网格，画线拆分网格；每次修改后自动检查。",
        "en": "The zone layers are overlaid into units, and the units grouped into one unified grid balanced by "
        "households (each grid inside one community, in one piece, compact). Click a grid on the map to select it, "
        "draw a polygon to move units into it, draw a line to split it; the checks run after every edit.",
    },
    "grid_needs_residents": {
        "zh": "统一网格按户数划分，需要居民图层：请在“数据”页上传。",
        "en": "The unified grid is balanced by households and needs a residents layer: upload one on the Data page.",
    },
    "grid_build_header": {"zh": "生成网格", "en": "Build the grids"},
    "grid_min": {"zh": "每网格最少户数", "en": "Fewest households per grid"},
    "grid_max": {"zh": "每网格最多户数", "en": "Most households per grid"},
    "grid_seed": {"zh": "随机种子（相同种子得到相同结果）", "en": "Random seed (same seed, same grids)"},
    "grid_band_help": {
        "zh": "300–500 户为常见做法，并非国家标准，可按本地要求调整。",
        "en": "300–500 households is a common practice, not a national norm: set your own.",
    },
    "grid_build": {"zh": "生成网格", "en": "Build grids"},
    "grid_discard": {"zh": "放弃当前 {n} 步修改并重新生成", "en": "Discard the {n} edit(s) made and rebuild"},
    "grid_discard_needed": {
        "zh": "当前方案有 {n} 步修改。重新生成会放弃这些修改：请先勾选确认（或先保存）。",
        "en": "The plan holds {n} edit(s). Rebuilding discards them: tick the box first (or save them).",
    },
    "grid_built": {
        "zh": "已生成 {grids} 个网格（{units} 个单元），其中 {in_band} 个在 {lo}–{hi} 户之间。",
        "en": "Built {grids} grids from {units} units; {in_band} within {lo}–{hi} households.",
    },
    "grid_summary": {
        "zh": "方案：{grids} 个网格，{units} 个单元；户数区间 {lo}–{hi}；{in_band} 个网格在区间内。{source}",
        "en": "Plan: {grids} grids, {units} units; band {lo}–{hi} households; {in_band} grids in the band. {source}",
    },
    "grid_source_built": {"zh": "（随机种子 {seed} 生成）", "en": "(built with seed {seed})"},
    "grid_source_file": {"zh": "（打开自 {path}，版本 {rev}）", "en": "(opened from {path}, revision {rev})"},
    "grid_unsaved": {"zh": "有未保存的修改。", "en": "Unsaved edits."},
    "grid_band_not_met": {
        "zh": "{n} 个社区未能全部满足户数区间（原因）",
        "en": "{n} communit(ies) could not meet the band everywhere (why)",
    },
    "grid_map_help": {
        "zh": "绿色：户数在区间内；橙色：偏少；红色：偏多；紫色：已锁定。灰线为最小单元。左上角工具：画多边形（或矩形"
        "）= 把其中的单元划入所选网格；画线 = 拆分所选网格。",
        "en": "Green: households within the band; orange: too few; red: too many; purple: locked. Grey lines are the "
        "units. Tools at the top left: a polygon (or rectangle) moves the units inside it into the selected grid; a "
        "line splits the selected grid.",
    },
    "grid_selection": {"zh": "选择", "en": "Selection"},
    "grid_click_mode": {"zh": "点击地图选择", "en": "A click on the map selects"},
    "click_grid": {"zh": "网格", "en": "a grid"},
    "click_unit": {"zh": "单元（用于新建网格）", "en": "a unit (for a new grid)"},
    "grid_draw_mode": {"zh": "画多边形用于", "en": "A drawn polygon"},
    "draw_lasso": {"zh": "把单元划入所选网格", "en": "moves units into the selected grid"},
    "draw_pick": {"zh": "选取单元（用于新建网格）", "en": "picks units for a new grid"},
    "grid_selected": {"zh": "所选网格", "en": "Selected grid"},
    "grid_none_selected": {"zh": "未选择网格：在地图上点击一个网格。", "en": "No grid selected: click one on the map."},
    "sel_households": {"zh": "所选网格户数", "en": "Households in the selected grid"},
    "sel_households_help": {"zh": "与上一步修改前相比的变化。", "en": "Change from before the last edit."},
    "sel_facts": {
        "zh": "社区 {area}；{units} 个单元；人口 {pop}；紧凑度 {pp}；{status}",
        "en": "Community {area}; {units} units; population {pop}; compactness {pp}; {status}",
    },
    "merge_with": {
        "zh": "与这些网格合并（保留所选网格编码）",
        "en": "Merge with these grids (the selected grid keeps its code)",
    },
    "btn_merge": {"zh": "合并", "en": "Merge"},
    "btn_lock": {"zh": "锁定", "en": "Lock"},
    "btn_unlock": {"zh": "解锁", "en": "Unlock"},
    "btn_undo": {"zh": "撤销", "en": "Undo"},
    "btn_redo": {"zh": "重做", "en": "Redo"},
    "btn_create": {"zh": "用选取的 {n} 个单元新建网格", "en": "New grid from the {n} picked unit(s)"},
    "btn_clear_pick": {"zh": "清除选取", "en": "Clear the pick"},
    "picked_units": {"zh": "已选取 {n} 个单元，共 {hh} 户。", "en": "{n} unit(s) picked, {hh} households."},
    "need_selection": {"zh": "请先在地图上点击选择一个网格。", "en": "Select a grid first: click it on the map."},
    "edit_refused": {"zh": "无法修改：{error}", "en": "Edit refused: {error}"},
    "edit_lasso": {
        "zh": "已把 {moved} 个单元划入网格 {code}：{before} → {after} 户（{delta:+d}）。",
        "en": "Moved {moved} unit(s) into grid {code}: {before} → {after} households ({delta:+d}).",
    },
    "edit_lasso_none": {"zh": "多边形内没有其他网格的单元。", "en": "No unit of another grid lies inside the polygon."},
    "edit_skipped": {
        "zh": "{n} 个单元属于已锁定网格，未移动。",
        "en": "{n} unit(s) of locked grids were left where they are.",
    },
    "edit_split": {"zh": "已拆分网格 {code}，新网格：{new}。", "en": "Split grid {code}; new grid(s): {new}."},
    "edit_merge": {
        "zh": "已合并为网格 {code}（移动 {moved} 个单元）。",
        "en": "Merged into grid {code} ({moved} unit(s) moved).",
    },
    "edit_create": {"zh": "已新建网格 {code}（{moved} 个单元）。", "en": "Created grid {code} ({moved} unit(s))."},
    "edit_lock": {"zh": "已锁定网格 {code}。", "en": "Locked grid {code}."},
    "edit_unlock": {"zh": "已解锁网格 {code}。", "en": "Unlocked grid {code}."},
    "edit_undo": {"zh": "已撤销：{op}（涉及网格 {grids}）。", "en": "Undone: {op} (grids {grids})."},
    "edit_redo": {"zh": "已重做：{op}（涉及网格 {grids}）。", "en": "Redone: {op} (grids {grids})."},
    "op_lasso": {"zh": "划入单元", "en": "lasso"},
    "op_split": {"zh": "拆分", "en": "split"},
    "op_merge": {"zh": "合并", "en": "merge"},
    "op_create": {"zh": "新建网格", "en": "new grid"},
    "op_lock": {"zh": "锁定", "en": "lock"},
    "op_unlock": {"zh": "解锁", "en": "unlock"},
    "op_assign": {"zh": "划入单元", "en": "assign"},
    "op_unassign": {"zh": "移出单元", "en": "unassign"},
    "op_import": {"zh": "导入分配表", "en": "import"},
    "picked_toggle": {"zh": "单元 {unit}：{state}（已选取 {n} 个）。", "en": "Unit {unit}: {state} ({n} picked)."},
    "picked_added": {"zh": "已选取", "en": "picked"},
    "picked_removed": {"zh": "已取消", "en": "unpicked"},
    "picked_by_polygon": {
        "zh": "多边形选取了 {n} 个单元（共选取 {total} 个）。",
        "en": "The polygon picked {n} unit(s) ({total} picked in all).",
    },
    "draw_other": {"zh": "只能使用多边形、矩形或线。", "en": "Use a polygon, a rectangle or a line."},
    "checks_header": {"zh": "检查", "en": "Checks"},
    "checks_all_pass": {"zh": "全部通过：方案完整。", "en": "Every check passes: the plan is complete."},
    "check_unassigned": {"zh": "每个单元都属于一个网格", "en": "Every unit belongs to a grid"},
    "check_households_band": {"zh": "每个网格户数在区间内", "en": "Every grid's households within the band"},
    "check_contiguity": {"zh": "每个网格连成一片", "en": "Every grid in one piece"},
    "check_community": {"zh": "每个网格不跨社区", "en": "Every grid inside one community"},
    "check_empty": {"zh": "没有空网格", "en": "No grid without units"},
    "status_pass": {"zh": "✅ 通过", "en": "✅ pass"},
    "status_fail": {"zh": "❌ 未通过", "en": "❌ fail"},
    "status_incomplete": {"zh": "⏳ 未完成", "en": "⏳ incomplete"},
    "chart_header": {"zh": "各网格户数", "en": "Households per grid"},
    "chart_grid": {"zh": "网格（按编码排序）", "en": "Grid (by code)"},
    "chart_band": {"zh": "区间 {lo}–{hi} 户（虚线）", "en": "Band {lo}–{hi} households (dashed)"},
    "grid_table_header": {"zh": "网格表", "en": "Grid table"},
    "save_header": {"zh": "保存与打开", "en": "Save and open"},
    "plan_path": {"zh": "方案文件（服务器上的 .gpkg 路径）", "en": "Plan file (a .gpkg path on the server)"},
    "plan_path_help": {
        "zh": "GeoPackage 文件，QGIS/ArcGIS 可直接打开。保存时检查版本：若他人在您打开后保存过，会拒绝覆盖并另存副本。",
        "en": "A GeoPackage that QGIS/ArcGIS open as it is. Saving checks the revision: if someone saved it after you "
        "opened it, your save is refused and a copy of your plan is written beside it.",
    },
    "plan_path_bad": {"zh": "文件名须以 .gpkg 结尾。", "en": "The file name must end in .gpkg."},
    "overwrite": {
        "zh": "覆盖该文件中的其他方案或更新版本",
        "en": "Replace another plan or a newer revision in that file",
    },
    "btn_save": {"zh": "保存", "en": "Save"},
    "btn_open": {"zh": "打开此文件", "en": "Open this file"},
    "saved": {"zh": "已保存为版本 {rev}：{path}", "en": "Saved as revision {rev}: {path}"},
    "save_stale": {
        "zh": "未保存：{path} 在您打开后已被他人保存为版本 {file_rev}（您的是版本 "
        "{rev}）。两个版本都没有丢失：您的修改仍保留在本页面，并已另存到 "
        "{rescue}。请打开该文件查看他人的修改，或把您的方案保存为其他文件名。",
        "en": "Not saved: {path} was saved as revision {file_rev} by someone else after you opened revision {rev}. "
        "Neither version is lost: your edits are still on this page and were written to {rescue}. Open the file to "
        "see the other changes, or save yours under another name.",
    },
    "save_conflict": {
        "zh": "未保存：{path} 中是另一个方案。请换一个文件名，或勾选“覆盖”。",
        "en": "Not saved: {path} holds another plan. Choose another file name, or tick “replace”.",
    },
    "save_failed": {"zh": "保存失败：{error}", "en": "Saving failed: {error}"},
    "open_failed": {"zh": "无法打开方案：{error}", "en": "Cannot open the plan: {error}"},
    "opened": {
        "zh": "已打开 {path}（版本 {rev}，{grids} 个网格）。",
        "en": "Opened {path} (revision {rev}, {grids} grids).",
    },
    "open_discard": {
        "zh": "当前方案有未保存的修改。打开文件会放弃这些修改：请先勾选确认（或先保存）。",
        "en": "The plan has unsaved edits. Opening a file discards them: tick the box first (or save them).",
    },
    "open_confirm": {"zh": "放弃未保存的修改", "en": "Discard the unsaved edits"},
    "no_file": {"zh": "文件不存在：{path}", "en": "No such file: {path}"},
    "dl_plan": {"zh": "下载方案文件（GeoPackage）", "en": "Download the plan file (GeoPackage)"},
    "compare_header": {"zh": "方案对比", "en": "Compare plans"},
    "compare_source": {"zh": "与哪个方案对比", "en": "Compare with"},
    "compare_saved": {"zh": "已保存的方案文件（上面的路径）", "en": "The saved plan file (the path above)"},
    "compare_upload": {"zh": "上传的方案文件", "en": "An uploaded plan file"},
    "compare_file": {"zh": "方案文件（plan.gpkg）", "en": "Plan file (plan.gpkg)"},
    "btn_compare": {"zh": "对比", "en": "Compare"},
    "btn_compare_stop": {"zh": "结束对比", "en": "Stop comparing"},
    "compare_failed": {"zh": "无法对比：{error}", "en": "Cannot compare: {error}"},
    "compare_with": {
        "zh": "正在与 {name} 对比（地图上紫色虚线为变动的单元）。",
        "en": "Comparing with {name} (purple dashes on the map: units that moved).",
    },
    "compare_moved": {"zh": "变动单元", "en": "Units moved"},
    "compare_moved_hh": {"zh": "变动户数", "en": "Households moved"},
    "compare_grids": {"zh": "有变化的网格", "en": "Grids changed"},
    "compare_same": {"zh": "两个方案相同。", "en": "The two plans are the same."},
    "compare_per_grid": {"zh": "各网格户数增减", "en": "Households gained and lost per grid"},
    "compare_moved_units": {"zh": "变动的单元", "en": "Units that moved"},
    "show_changes": {"zh": "在地图上显示差异", "en": "Show the changes on the map"},
    "kpi_grids_outside_help_default": {
        "zh": "默认方案（{lo}–{hi} 户，随机种子 {seed}）中户数偏少或偏多的网格数（共 {n} "
        "个网格）。在“网格”页可调整和编辑。",
        "en": "Grids with too few or too many households in the default plan ({lo}–{hi} households, seed {seed}; {n} "
        "grids). Adjust and edit it on the Unified grid page.",
    },
    "kpi_grids_outside_help_plan": {
        "zh": "“网格”页当前方案中户数不在 {lo}–{hi} 户之间的网格数（共 {n} 个网格）。",
        "en": "Grids outside {lo}–{hi} households in the plan on the Unified grid page ({n} grids).",
    },
    # --- export -----------------------------------------------------------------------------
    "export_header": {"zh": "导出", "en": "Export"},
    "export_intro": {
        "zh": "所有结果均可下载，QGIS、ArcGIS、天地图等可直接打开。GeoJSON 符合 RFC 7946（WGS84 经纬度）。",
        "en": "Every result can be downloaded and opened as it is in QGIS, ArcGIS, Tianditu and others. GeoJSON "
        "follows RFC 7946 (WGS84 lon/lat).",
    },
    "export_layers": {"zh": "图层", "en": "Layers"},
    "export_pick_layer": {"zh": "选择图层", "en": "Layer"},
    "export_formats_help": {
        "zh": "Shapefile 以 zip 提供（含 UTF-8 .cpg；超过 10 字节的字段名已缩短，对照表在 zip 内）。",
        "en": "Shapefiles come zipped (with a UTF-8 .cpg; field names over 10 bytes are shortened, the mapping is in "
        "the zip).",
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
    # 选址 Siting page
    "page_siting": {"zh": "选址", "en": "Siting"},
    "siting_intro": {
        "zh": "在保留现有服务中心的前提下，选出能让最多居民步行可达的新党群服务站位置（贪心算法，已在测试中与精确整数"
        "规划比对）。点击地图可加入自定义候选点；采纳某个站点后可查看可达性的变化。",
        "en": "Where new service stations would bring the most residents within a walk, keeping the existing centres "
        "(greedy, checked against an exact integer programme in the tests). Click the map to add a candidate of your "
        "own; accept a site to see walking access change.",
    },
    "siting_needs_inputs": {
        "zh": "选址需要居民、服务中心和路网（OSM）文件：请在“数据”页上传，或使用内置演示数据。",
        "en": "Siting needs residents, service centres and a street (OSM) file: upload them on the Data page, or use "
        "the embedded demo.",
    },
    "siting_k": {"zh": "新增站点数", "en": "New sites"},
    "siting_radius": {"zh": "步行距离", "en": "Walking distance"},
    "siting_radius_value": {"zh": "{m} 米", "en": "{m} m"},
    "siting_weight": {"zh": "按何覆盖", "en": "Cover the most"},
    "siting_before": {"zh": "现有覆盖（{m} 米内）", "en": "Covered now (within {m} m)"},
    "siting_after": {"zh": "新增 {k} 个站点后", "en": "After {k} new sites"},
    "siting_newly": {"zh": "新增覆盖", "en": "Newly covered"},
    "siting_click_hint": {
        "zh": "点击地图任意位置，把该处加入候选点。",
        "en": "Click anywhere on the map to add it as a candidate.",
    },
    "siting_clear_candidates": {"zh": "清除 {n} 个自定义候选点", "en": "Clear {n} candidate(s) of your own"},
    "siting_accept_pick": {"zh": "采纳第几个站点", "en": "Site to accept"},
    "siting_accept": {"zh": "采纳为新服务站", "en": "Accept as a new centre"},
    "siting_accepted_header": {"zh": "已采纳 {n} 个新站点：各生活圈户数变化",
                               "en": "{n} site(s) accepted: households by life circle"},
    "siting_col_circle": {"zh": "生活圈", "en": "Life circle"},
    "siting_col_before": {"zh": "采纳前", "en": "Before"},
    "siting_col_after": {"zh": "采纳后", "en": "After"},
    "siting_reset": {"zh": "撤销全部采纳", "en": "Undo all accepted sites"},
    "siting_new_centre": {"zh": "新党群服务站 {rank}", "en": "New service station {rank}"},
}

#: Labels of the office workspace (accounts, roles, history, uploads into a project), the grid
#: types and people on the grid, and the city page.
APP_TEXT.update({
    'page_city': {"zh": "全市", "en": "City"},
    'city_header': {"zh": "全市概览（街道与社区）", "en": "The whole city by sub-district and community"},
    'city_source': {"zh": "成果来源", "en": "Results"},
    'city_demo': {"zh": "演示数据（现场计算）", "en": "Demo (computed here)"},
    'city_project': {"zh": "项目 {name} 的成果（{time}）", "en": "Project {name}: results of {time}"},
    'city_intro': {
        "zh": "{streets} 个街道、{communities} 个社区、{grids} 个网格。"
        "地图按所选指标为街道着色（选择“地图显示：社区”可看各社区）；点击街道查看详情。",
        "en": "{streets} sub-districts, {communities} communities, {grids} grids. The map colours the sub-districts "
        "by the figure chosen (choose \"Map shows: communities\" to see each community); click a sub-district for "
        "its detail.",
    },
    'city_metric': {"zh": "指标", "en": "Figure"},
    'city_map_help': {
        "zh": "颜色越深问题越大；灰色为无数据。点击街道即在下方显示其网格、盲区和15分钟生活圈外的居民。",
        "en": "The darker, the worse; grey: no data. Click a sub-district to see its grids, gaps and the residents "
        "beyond the 15-minute life circle below.",
    },
    'city_streets_header': {"zh": "各街道指标", "en": "Figures per sub-district"},
    'city_pick_street': {"zh": "街道", "en": "Sub-district"},
    'city_no_street': {"zh": "（未选择）", "en": "(none selected)"},
    'city_click_hint': {
        "zh": "在地图上点击一个街道，或在上方选择。",
        "en": "Click a sub-district on the map, or pick one above.",
    },
    'city_street_header': {"zh": "{name}：详情", "en": "{name}: detail"},
    'city_street_help': {
        "zh": "绿色：户数在范围内的网格；橙色：超出范围；红色虚线：未配备网格员；红色：盲区；紫色点："
        "15分钟生活圈外的居民建筑。",
        "en": "Green: grids within the band; orange: outside it; dashed red: no staff; red: gaps; purple dots: "
        "buildings beyond the 15-minute life circle.",
    },
    'btn_notice': {"zh": "生成本网格公示牌（PDF）", "en": "Make this grid's notice (PDF)"},
    'dl_notice': {"zh": "下载公示牌 PDF", "en": "Download the notice PDF"},
    'notice_failed': {"zh": "公示牌未能生成：{why}", "en": "The notice could not be made: {why}"},
    'sel_type': {"zh": "网格类型：{kind}", "en": "Grid type: {kind}"},
    'check_micro': {"zh": "每户恰属一个微网格", "en": "Every household in exactly one micro grid"},
    'login_header': {"zh": "登录", "en": "Log in"},
    'login_name': {"zh": "用户名", "en": "User name"},
    'login_password': {"zh": "密码", "en": "Password"},
    'login_button': {"zh": "登录", "en": "Log in"},
    'login_sso': {"zh": "用单位统一身份认证登录", "en": "Log in with the office's identity provider"},
    'login_refused': {"zh": "登录失败：{error}", "en": "Login refused: {error}"},
    'login_again': {"zh": "请重新登录（{error}）。", "en": "Please log in again ({error})."},
    'logout': {"zh": "退出登录", "en": "Log out"},
    'logged_in_as': {"zh": "已登录：{name}（{role}）", "en": "Logged in as {name} ({role})"},
    'role_admin': {"zh": "管理员", "en": "admin"},
    'role_planner': {"zh": "规划员", "en": "planner"},
    'role_viewer': {"zh": "查看者", "en": "viewer"},
    'open_mode': {"zh": "开放模式：无账户", "en": "Open mode: no accounts"},
    'open_mode_banner': {
        "zh": "此工作区没有账户，以开放模式运行：能访问本端口的人都可以查看和修改全部数据。用 `gridmap users add` "
        "创建账户后，需登录才能使用。",
        "en": "This workspace has no accounts and runs open: anyone who reaches this port can see and change "
        "everything. Once `gridmap users add` creates an account, the app asks everyone to log in.",
    },
    'workspace_failed': {
        "zh": "无法打开工作区 {location}：{error}",
        "en": "Cannot open the workspace {location}: {error}",
    },
    'project': {"zh": "项目 / Project", "en": "项目 / Project"},
    'no_projects': {
        "zh": "您还没有可打开的项目：请管理员授权（gridmap users add … --project NAME）。",
        "en": "No project is open to you yet: ask an admin to grant one (gridmap users add … --project NAME).",
    },
    'project_failed': {"zh": "无法读取项目 {project}：{error}", "en": "Cannot read project {project}: {error}"},
    'data_intro_project': {
        "zh": "项目“{title}”（输入版本 {version}）各图层的要素数量、坐标系和几何类型。",
        "en": "Feature count, coordinate reference system and geometry type of each layer of project “{title}” "
        "(inputs version {version}).",
    },
    'viewer_no_personal': {
        "zh": "查看者只能看到统计数，看不到居民个人信息。",
        "en": "Viewers see counts, never lists of people.",
    },
    'import_header': {"zh": "导入到项目", "en": "Import into a project"},
    'import_project': {"zh": "导入到哪个项目（名称）", "en": "Import into project (name)"},
    'import_button': {
        "zh": "导入这些文件（替换该项目的输入数据）",
        "en": "Import these files (they replace the project's inputs)",
    },
    'imported': {
        "zh": "已导入项目 {project}（输入版本 {version}）。",
        "en": "Imported into project {project} (inputs version {version}).",
    },
    'import_refused': {"zh": "未导入：{error}", "en": "Not imported: {error}"},
    'upload_viewer': {"zh": "查看者不能上传数据。", "en": "Viewers cannot upload data."},
    'plan_name': {"zh": "方案名称", "en": "Plan name"},
    'plan_name_help': {
        "zh": "方案保存在工作区的项目中，按名称保存和打开；每次保存都是一个新版本。",
        "en": "Plans are kept in the project of the workspace, saved and opened by name; every save is a new revision.",
    },
    'plan_message': {"zh": "保存说明（可选）", "en": "Note for the history (optional)"},
    'plan_open_pick': {"zh": "打开方案", "en": "Open a plan"},
    'plan_none_saved': {"zh": "该项目还没有保存的方案。", "en": "The project has no saved plan yet."},
    'saved_ws': {"zh": "已保存：方案 {plan} 版本 {rev}。", "en": "Saved: plan {plan}, revision {rev}."},
    'saved_merged': {
        "zh": "已保存：方案 {plan} 版本 {rev}，已与他人此后保存的修改合并（{others}）。",
        "en": "Saved: plan {plan}, revision {rev}, merged with the saves made since ({others}).",
    },
    'saved_unchanged': {"zh": "没有需要保存的修改（版本 {rev}）。", "en": "Nothing to save (revision {rev})."},
    'save_refused': {"zh": "未保存：{error}", "en": "Not saved: {error}"},
    'save_rescued': {
        "zh": "未保存：他人已修改了相同的单元（版本 {head}）。您的修改已完整保留为救援版本 {rescue}，见下方历史；"
        "地图上标出了两者的差别。{error}",
        "en": "Not saved: someone changed the same units (revision {head}). Your edits are kept whole as rescue "
        "revision {rescue}, beside it in the history below; the map marks where they differ. {error}",
    },
    'edit_outside_scope': {"zh": "修改被拒绝：{error}", "en": "Edit refused: {error}"},
    'grid_source_ws': {"zh": "（方案 {plan}，版本 {rev}）", "en": "(plan {plan}, revision {rev})"},
    'viewer_read_only': {
        "zh": "您是查看者：可以查看地图、统计和下载，不能修改方案。",
        "en": "You are a viewer: maps, figures and downloads, no editing.",
    },
    'planner_scope': {
        "zh": "您可以修改范围 {scopes} 内的单元和网格；其他网格已锁定。",
        "en": "You may edit the units and grids inside {scopes}; the other grids are locked for you.",
    },
    'save_needs_project': {
        "zh": "这些是本次会话中试用的上传文件：先把它们导入项目，再保存方案。",
        "en": "These are files tried in this session: import them into the project before saving a plan.",
    },
    'history_header': {"zh": "历史", "en": "History"},
    'history_empty': {
        "zh": "保存后这里会列出每个版本：谁、何时、改了什么。",
        "en": "Once saved, every revision is listed here: who, when, what.",
    },
    'history_rev': {"zh": "版本", "en": "Revision"},
    'history_kind': {"zh": "类型", "en": "Kind"},
    'history_author': {"zh": "修改人", "en": "Who"},
    'history_time': {"zh": "时间（UTC）", "en": "When (UTC)"},
    'history_what': {"zh": "改了什么", "en": "What"},
    'history_message': {"zh": "说明", "en": "Note"},
    'history_pick': {"zh": "选择版本", "en": "Revision"},
    'history_show': {"zh": "在地图上与此版本对比", "en": "Show this revision beside mine on the map"},
    'history_restore': {"zh": "恢复为新版本", "en": "Restore it as a new revision"},
    'restored': {"zh": "已将版本 {rev} 恢复为新版本 {new}。", "en": "Revision {rev} restored as revision {new}."},
    'restore_refused': {"zh": "未恢复：{error}", "en": "Not restored: {error}"},
    'compare_revision': {"zh": "方案 {plan} 版本 {rev}", "en": "plan {plan}, revision {rev}"},
    'compare_saved_ws': {"zh": "工作区中的已保存版本", "en": "A saved revision in the workspace"},
    'staffing_header': {"zh": "力量下沉：网格员、党员、结对帮扶",
                        "en": "Staff on the grids: staff, party members, pairs"},
    'staffing_source': {
        "zh": "由 gridmap staff 根据方案 {plan} 版本 {rev} 计算；共 {grids} 个网格，"
              "{staffed} 个已配备网格员，{unstaffed} 个未配备。",
        "en": "Computed by gridmap staff on plan {plan}, revision {rev}: {grids} grids, {staffed} with staff, "
              "{unstaffed} without."},
    'staffing_map_help': {
        "zh": "颜色：每名网格员服务的户数（绿色较少，红色超负荷）；红色：未配备网格员的网格；"
              "图层控件中可打开每个微网格的党员数和未结对人数。仅显示数量。",
        "en": "Colour: households per staff member (green light, red overloaded); red: grids without staff; the "
              "layer control adds party members per micro grid and people not paired. Counts only."},
    'staffing_people_header': {"zh": "网格员名单（仅限您负责的范围）", "en": "Staff list (your scope only)"},
    'staffing_viewer_note': {"zh": "查看者只能看到数量，不显示人员名单。",
                             "en": "Viewers see counts only, never lists of people."},
    'personal_export_note': {
        "zh": "个人信息名单：每次下载都会记录（谁、何时、哪份名单）。",
        "en": "A list of people: every download is recorded (who, when, which list).",
    },
    # issue 17 (s21-city)
    'city_level': {"zh": "地图显示", "en": "Map shows"},
    'city_level_streets': {"zh": "街道", "en": "Sub-districts"},
    'city_level_communities': {"zh": "社区（数据量较大）", "en": "Communities (more data)"},
    # issue 16 (s21-people) ------------------------------------------------------------------------------------
    'micro_header': {"zh": "本网格的微网格（{n} 个）", "en": "Micro grids (微网格) of this grid ({n})"},
    'micro_viewer_note': {"zh": "只读：查看者看不到楼栋长姓名和电话。",
                          "en": "Read-only: viewers see no building heads' names or phones."},
    'micro_pick': {"zh": "微网格", "en": "Micro grid"},
    'micro_head_name': {"zh": "楼栋长姓名", "en": "Building head (楼栋长)"},
    'micro_head_phone': {"zh": "楼栋长电话", "en": "Building head's phone"},
    'btn_micro_head': {"zh": "保存楼栋长", "en": "Set building head"},
    'micro_move_source': {"zh": "把这个微网格的楼栋", "en": "Move the buildings of"},
    'micro_move_target': {"zh": "并入相邻的微网格", "en": "into the neighbouring micro grid"},
    'btn_micro_move': {"zh": "移动楼栋", "en": "Move buildings"},
    'btn_micro_rebuild': {"zh": "按 {lo}–{hi} 户重新划分本网格的微网格", "en": "Make this grid's micro grids anew "
                                                                          "({lo}–{hi} households)"},
    'edit_micro_head': {"zh": "已设置微网格 {code} 的楼栋长（保存方案后生效）",
                        "en": "Building head of {code} set (kept when the plan is saved)"},
    'edit_micro_move': {"zh": "已把微网格 {source} 的楼栋并入 {target}",
                        "en": "Buildings of {source} moved into {target}"},
    'edit_micro_rebuild': {"zh": "已重新划分网格 {code} 的微网格（楼栋长需重新填写）",
                           "en": "Micro grids of {code} made anew (building heads to be filled in again)"},
    'op_micro_head': {"zh": "设置楼栋长", "en": "set building head"},
    'op_micro_move': {"zh": "移动楼栋", "en": "move buildings"},
    'op_micro_rebuild': {"zh": "重新划分微网格", "en": "remake micro grids"},
    'pairing_source': {
        "zh": "由 gridmap pair 按方案 {plan} 版本 {rev} 计算：{grids} 个网格，已结对 {paired} 人，"
              "未结对 {unpaired} 人。",
        "en": "Computed by gridmap pair on plan {plan}, revision {rev}: {grids} grids, {paired} people paired, "
              "{unpaired} not paired."},
    # issue 16 (s21-lasso) -------------------------------------------------------------------------------------
    'draw_micro': {"zh": "把楼栋划入所选微网格", "en": "moves buildings into the chosen micro grid"},
    'micro_lasso_target': {"zh": "圈选的楼栋并入微网格", "en": "Drawn buildings join the micro grid"},
    'micro_lasso_help': {"zh": "在地图上画多边形圈住本网格的楼栋，它们将并入这个微网格（须与之相邻）。",
                         "en": "Draw a polygon around buildings of this grid on the map: they join this micro grid "
                               "(they must be next to it)."},
    'micro_lasso_need_target': {"zh": "请先选择一个网格，并在右侧选择楼栋要并入的微网格。",
                                "en": "Select a grid first, then choose on the right the micro grid the buildings "
                                      "join."},
    'edit_micro_lasso': {"zh": "已把 {n} 栋楼划入微网格 {target}：{before} → {after} 户（{delta:+d}）。",
                         "en": "{n} building(s) moved into micro grid {target}: {before} → {after} households "
                               "({delta:+d})."},
})
