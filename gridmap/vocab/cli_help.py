"""The command line's help, in Chinese and English (part of :data:`gridmap.vocab.CATALOG`).

Every ``help=``, ``description=`` and ``epilog=`` of ``gridmap --help`` and of each subcommand's
``--help``: ``help_<module>_<option>`` (the option's long name, ``_cmd`` for a subcommand's line in the
list of commands, ``_description``/``_epilog`` for its page). The parser is built in the language
``--lang`` / ``GRIDMAP_LANG`` choose (Chinese by default), so ``gridmap --lang en coverage --help`` reads
in English. Option names, metavars, defaults and choices are the same in both languages: only the prose
is translated. argparse formats these texts with ``%``: a literal per cent sign is ``%%`` in both.
"""

from __future__ import annotations

CLI_HELP: dict[str, dict[str, str]] = {
    # --- gridmap.cli ----------------------------------------------------------------------------------------
    "help_main_description": {
        "zh": "规划统一的基层治理网格（多网合一）。",
        "en": "Plan unified governance grids (多网合一).",
    },
    "help_main_lang": {
        "zh": "消息、地图和报告的语言（默认：${lang_env}，否则 zh）",
        "en": "language of messages, maps and reports (default: ${lang_env}, else zh)",
    },
    # --- gridmap.cli.common ---------------------------------------------------------------------------------
    "help_common_crs": {
        "zh": "未声明坐标参考系的输入及 CSV/Excel 表格 x/y 字段的坐标参考系，例如 EPSG:4490；INPUT:CRS "
        "只用于一个输入（{scopes}），例如 residents:EPSG:4547（可重复）",
        "en": "CRS of inputs that declare none, and of the x/y columns of a CSV/Excel table, e.g. EPSG:4490; "
        "INPUT:CRS for one input only ({scopes}), e.g. residents:EPSG:4547 (repeatable)",
    },
    "help_common_source": {
        "zh": "经纬度坐标的来源：wgs84（默认）、gcj02（高德/腾讯）、bd09（百度）；INPUT:SOURCE 只用于一个输入，例如 "
        "centers:gcj02（可重复）",
        "en": "lon/lat coordinates came from: wgs84 (default), gcj02 (高德/腾讯), bd09 (百度); INPUT:SOURCE for one "
        "input only, e.g. centers:gcj02 (repeatable)",
    },
    "help_common_map": {
        "zh": "字段映射，例如 households=户数（所有含“户数”字段的输入）或 "
        "residents:households=户数（仅该输入；输入：{scopes}）；lon=/lat=（x=/y=）指定表格的坐标字段（可重复）",
        "en": "column mapping, e.g. households=户数 (every input that has 户数) or residents:households=户数 (that "
        "input only; inputs: {scopes}); lon=/lat= (x=/y=) name a table's coordinate columns (repeatable)",
    },
    "help_common_drop_empty": {
        "zh": "略去没有几何的要素（列入问题清单），而不是停止",
        "en": "leave out features with no geometry (listed in the problems) instead of stopping",
    },
    "help_common_quiet": {
        "zh": "不显示进度信息",
        "en": "no progress messages",
    },
    "help_common_crs_work": {
        "zh": "计算所用的投影（米制）坐标参考系，例如 EPSG:4549（默认：输入数据自身的投影坐标参考系，若其在数据所在处"
        "不失真，如高斯-克吕格、UTM 或城市坐标系；否则在中国用 CGCS2000 高斯-克吕格分带，其他地区用 UTM；从不用 Web "
        "墨卡托）",
        "en": "projected metric CRS to compute in, e.g. EPSG:4549 (default: the input's own projected CRS when it is "
        "true to scale at the data, e.g. a Gauss–Krüger, UTM or city grid; else the CGCS2000 Gauss–Krüger zone in "
        "China, UTM elsewhere; never Web Mercator)",
    },
    "help_common_osm": {
        "zh": "OSM XML 路网文件（.osm 或 .osm.bz2）",
        "en": "OSM XML street file (.osm or .osm.bz2)",
    },
    "help_common_residents": {
        "zh": "居民图层（含户数的点或建筑物多边形）；GeoPackage 图层写作 PATH#LAYER",
        "en": "residents layer (points or building polygons with households); PATH#LAYER for a GeoPackage layer",
    },
    "help_common_residents_layer": {
        "zh": "GeoPackage 中的图层名",
        "en": "layer name in a GeoPackage",
    },
    "help_common_centers_layer": {
        "zh": "GeoPackage 中的图层名",
        "en": "layer name in a GeoPackage",
    },
    # --- gridmap.cli.project --------------------------------------------------------------------------------
    "help_project_workspace": {
        "zh": "从该工作空间的某个项目读取输入数据（由 `gridmap workspace init` "
        "创建的文件夹）；命令以本机系统用户身份执行",
        "en": "read the inputs from a project of this workspace (a folder made by `gridmap workspace init`); the "
        "command acts as the local system user",
    },
    "help_project_project": {
        "zh": "--workspace 中的项目",
        "en": "the project of --workspace",
    },
    # --- gridmap.cli.info -----------------------------------------------------------------------------------
    "help_info_info_cmd": {
        "zh": "描述图层文件并列出发现的每个问题",
        "en": "describe a layer file and list every problem found",
    },
    "help_info_info_description": {
        "zh": "显示图层、坐标参考系、要素数、范围、几何类型、字段，以及检查发现的每个问题。文件无法读取时退出状态为 "
        "2；使用 --strict 时，如有须修正的问题则为 1。",
        "en": "Print layers, CRS, feature counts, bounds, geometry types, fields, and every problem the validator "
        "finds. Exit status 2 if the file cannot be read; with --strict, 1 if problems must be fixed.",
    },
    "help_info_path": {
        "zh": "GeoJSON、GeoPackage、Shapefile（.shp）、CSV、Excel（.xlsx）或包含其一的 zip",
        "en": "GeoJSON, GeoPackage, Shapefile (.shp), CSV, Excel (.xlsx) or zip holding one",
    },
    "help_info_layer": {
        "zh": "图层名（GeoPackage）、工作表（Excel）或文件名（zip）；默认：所有图层",
        "en": "layer name (GeoPackage), sheet (Excel) or file stem (zip); default: every layer",
    },
    "help_info_kind": {
        "zh": "按此类型检查（默认：根据字段推断）",
        "en": "check against this schema (default: guessed from columns)",
    },
    "help_info_strict": {
        "zh": "发现错误时以状态 1 退出",
        "en": "exit with status 1 when errors are found",
    },
    # --- gridmap.cli.coverage -------------------------------------------------------------------------------
    "help_coverage_coverage_cmd": {
        "zh": "网格图层的盲区、多头和覆盖率",
        "en": "blind spots (盲区), overlaps (多头) and coverage shares of zone layers",
    },
    "help_coverage_zones": {
        "zh": "一个网格图层，例如 party=party.geojson 或 urban=plan.gpkg#zones_urban（可重复）",
        "en": "a zone layer, e.g. party=party.geojson or urban=plan.gpkg#zones_urban (repeatable)",
    },
    "help_coverage_area": {
        "zh": "辖区多边形（社区），含 area_id、name",
        "en": "study area polygons (communities) with area_id, name",
    },
    "help_coverage_residents": {
        "zh": "居民（点或建筑物），含户数",
        "en": "residents (points or buildings) with households",
    },
    "help_coverage_osm": {
        "zh": "用作地图矢量底图的 OSM XML 文件（可选）",
        "en": "OSM XML file for the map's vector basemap (optional)",
    },
    "help_coverage_gap_width": {
        "zh": "相邻网格之间窄于此宽度的缝隙作为待修正的边界报告（默认 {gap_width_m:g}）",
        "en": "report gaps between neighbouring zones narrower than this as edges to fix (default {gap_width_m:g})",
    },
    "help_coverage_grid_size": {
        "zh": "求交时把所有边界吸附到此精度的格网：对分别数字化的图层得到稳健的面，顶点最多移动其一半（默认 0.001 = 1 "
        "毫米；0：精确求交）",
        "en": "snap-round all boundaries to this grid while noding: robust faces for layers digitised separately, "
        "moving vertices by up to half of it (default 0.001 = 1 mm; 0: exact noding)",
    },
    "help_coverage_sliver_area": {
        "zh": "小于此面积的盲区/多头/越界部分标为碎片（is_sliver；默认 {sliver_m2:g}）",
        "en": "flag gaps/overlaps/outside parts smaller than this as slivers (is_sliver; default {sliver_m2:g})",
    },
    "help_coverage_lang": {
        "zh": "地图的语言（默认：gridmap --lang、$GRIDMAP_LANG，否则 zh）",
        "en": "language of the map (default: gridmap --lang, $GRIDMAP_LANG, else zh)",
    },
    "help_coverage_demo": {
        "zh": "使用内置的南京示例数据",
        "en": "run on the embedded Nanjing demo",
    },
    "help_coverage_out": {
        "zh": "输出文件夹",
        "en": "output folder",
    },
    "help_coverage_description": {
        "zh": "``gridmap coverage``：各网格图层的叠加、盲区、多头、越界及覆盖汇总。",
        "en": "``gridmap coverage``: mosaic of the zone layers, 盲区, 多头, 越界 and the coverage summary.",
    },
    # --- gridmap.cli.access ---------------------------------------------------------------------------------
    "help_access_access_cmd": {
        "zh": "每户居民到服务中心的步行距离；生活圈、服务范围",
        "en": "walking distance of every resident to the service centres; life circles, catchments",
    },
    "help_access_access_description": {
        "zh": "沿 OSM 路网计算每户居民到最近服务中心（及提供各项服务的最近中心）的步行可达性、生活圈（GB "
        "50180-2018）、按网格汇总、上门服务名单、服务范围、等时圈和离线地图。",
        "en": "Walking access along the OSM street network from every resident to the nearest service centre (and to "
        "the nearest offering each service), life circles (GB 50180-2018), summaries per grid, the 上门服务名单, "
        "catchments, isochrones and an offline map.",
    },
    "help_access_grids": {
        "zh": "用于汇总的多边形（网格、社区、区划）",
        "en": "polygons to summarise by (grids, communities, zones)",
    },
    "help_access_grids_layer": {
        "zh": "--grids 中的图层名（使用 --demo 时为示例图层，例如 zones_party）",
        "en": "layer name in --grids (with --demo: a demo layer, e.g. zones_party)",
    },
    "help_access_grid_id": {
        "zh": "网格的编号字段（默认：grid_code、zone_id、area_id 或 unit_id）",
        "en": "id column of the grids (default: grid_code, zone_id, area_id or unit_id)",
    },
    "help_access_thresholds": {
        "zh": "生活圈距离上限（米），递增（默认 {life_circle_m} = 5/10/15 分钟）",
        "en": "life-circle limits in metres, increasing (default {life_circle_m} = 5/10/15 min)",
    },
    "help_access_snap_limit": {
        "zh": "点距街道超过此米数时只报告、不计算路径（默认 {snap_limit_m:g}）",
        "en": "metres from a street beyond which a point is reported, not routed (default {snap_limit_m:g})",
    },
    "help_access_buffer": {
        "zh": "等时圈在可达街道周围的缓冲宽度，米（50）",
        "en": "isochrone buffer around reachable streets, m (50)",
    },
    "help_access_cache_dir": {
        "zh": "步行路网的缓存位置（默认 $GRIDMAP_CACHE 或 ./.gridmap_cache）",
        "en": "where walking networks are cached (default $GRIDMAP_CACHE or ./.gridmap_cache)",
    },
    "help_access_no_cache": {
        "zh": "重新构建路网，不写缓存",
        "en": "rebuild the network and write no cache",
    },
    "help_access_demo": {
        "zh": "使用内置的南京新街口示例数据",
        "en": "use the embedded Nanjing Xinjiekou demo",
    },
    "help_access_out": {
        "zh": "输出文件夹",
        "en": "output folder",
    },
    "help_access_centers": {
        "zh": "服务中心图层（点，含 center_id、name，可选 services）",
        "en": "service centres layer (points with center_id, name, optional services)",
    },
    # --- gridmap.cli.unify ----------------------------------------------------------------------------------
    "help_unify_unify_cmd": {
        "zh": "按户数均衡的统一网格（多网合一）及可编辑的方案",
        "en": "one unified grid (多网合一) balanced by households, and an editable plan",
    },
    "help_unify_zones": {
        "zh": "一个网格图层，例如 party=party.geojson（可重复）",
        "en": "a zone layer, e.g. party=party.geojson (repeatable)",
    },
    "help_unify_area": {
        "zh": "辖区多边形（社区），含 area_id 和编码",
        "en": "study area polygons (communities) with area_id and codes",
    },
    "help_unify_residents": {
        "zh": "居民（点或建筑物），含户数",
        "en": "residents (points or buildings) with households",
    },
    "help_unify_min_households": {
        "zh": "网格最少户数（默认 {min_households}）",
        "en": "smallest grid, households (default {min_households})",
    },
    "help_unify_max_households": {
        "zh": "网格最多户数（默认 {max_households}）",
        "en": "largest grid, households (default {max_households})",
    },
    "help_unify_seed": {
        "zh": "随机种子；种子相同，网格相同（默认 {seed}）",
        "en": "random seed; same seed, same grids (default {seed})",
    },
    "help_unify_min_unit_area": {
        "zh": "小于此面积的面并入相邻的面（默认 50）",
        "en": "faces smaller than this are merged into a neighbour (default 50)",
    },
    "help_unify_min_unit_width": {
        "zh": "窄于此宽度的面并入相邻的面（默认 2）",
        "en": "faces thinner than this are merged into a neighbour (default 2)",
    },
    "help_unify_exclusive": {
        "zh": "专属网格：从普通网格中划出的多边形（学校、医院、公园……；可选 name、kind），或 'osm' 表示取 --osm "
        "中的多边形",
        "en": "专属网格: polygons (schools, hospitals, parks, …; optional name, kind) carved out of the base grids, "
        "or 'osm' for the polygons of --osm",
    },
    "help_unify_osm": {
        "zh": "--exclusive osm 所用的 OSM XML 文件（使用 --demo 时为示例的文件）",
        "en": "OSM XML file for --exclusive osm (the demo's with --demo)",
    },
    "help_unify_exclusive_min_area": {
        "zh": "较小的专属区域留在所在的普通网格中（默认 {default_min_exclusive_area_m2:g}）",
        "en": "smaller exclusive areas stay in their base grid (default {default_min_exclusive_area_m2:g})",
    },
    "help_unify_exclusive_range": {
        "zh": "每个社区中专属网格的序号范围（默认 901-999）",
        "en": "sequence numbers of exclusive grids in each community (default 901-999)",
    },
    "help_unify_micro": {
        "zh": "微网格：把每个普通网格划分为由整栋建筑组成、每组 MIN–MAX 户的微网格，例如 10,70",
        "en": "微网格: split every base grid into groups of whole buildings of MIN–MAX households, e.g. 10,70",
    },
    "help_unify_force": {
        "zh": "即使规划人员编辑过，也替换已有的 plan.gpkg",
        "en": "replace an existing plan.gpkg even if planners edited it",
    },
    "help_unify_demo": {
        "zh": "使用内置的南京示例数据",
        "en": "run on the embedded Nanjing demo",
    },
    "help_unify_out": {
        "zh": "输出文件夹（使用 --workspace 时可省略）",
        "en": "output folder (optional with --workspace)",
    },
    "help_unify_description": {
        "zh": "``gridmap unify``：由各网格图层生成一套按户数均衡的统一网格（多网合一）。",
        "en": "``gridmap unify``: one unified grid (多网合一) from the zone layers, balanced by households.",
    },
    "help_unify_plan": {
        "zh": "使用 --workspace 时：保存到的方案（默认：unified）；新方案，或已有方案的下一个修订版",
        "en": "with --workspace: the plan to save into (default: unified); a new plan, or the next revision of an "
        "existing one",
    },
    # --- gridmap.cli.site -----------------------------------------------------------------------------------
    "help_site_site_cmd": {
        "zh": "新增 k 个服务中心，使步行范围内覆盖的居民最多（选址）",
        "en": "where k new service centres cover the most residents within a walk (选址)",
    },
    "help_site_site_description": {
        "zh": "在保留现有服务中心的前提下选择新的服务中心位置：在 OSM 步行路网上求最大覆盖选址（或 "
        "p-中位），贪心算法（CELF）或精确求解（整数规划）。",
        "en": "Choose new service-centre sites keeping the existing ones: maximal covering location (or p-median) on "
        "the OSM walking network, greedy (CELF) or exact (MILP).",
    },
    "help_site_k": {
        "zh": "新站点的数量",
        "en": "number of new sites",
    },
    "help_site_target": {
        "zh": "代替 --k：达到此覆盖比例所需的最少站点：0–1 的小数（0.95）或带 %% 的百分数（95%%）",
        "en": "instead of --k: the fewest sites reaching this share: a fraction 0–1 (0.95) or a percentage with %% "
        "(95%%)",
    },
    "help_site_radius": {
        "zh": "视为已覆盖的步行米数（{site_radius_m:g} = 15 分钟）",
        "en": "walking metres counted as covered ({site_radius_m:g} = 15 min)",
    },
    "help_site_weight": {
        "zh": "覆盖的对象：households（默认）、population、elderly_alone、left_behind_children、disabled "
        "或任一数值字段",
        "en": "what to cover: households (default), population, elderly_alone, left_behind_children, disabled or any "
        "numeric column",
    },
    "help_site_candidates": {
        "zh": "候选位置：点图层、'nodes'（默认：街道节点）或 'public_buildings'（OSM 公共建筑）",
        "en": "candidate sites: a point layer, 'nodes' (default: street nodes) or 'public_buildings' (OSM public "
        "buildings)",
    },
    "help_site_candidates_layer": {
        "zh": "--candidates 中的图层名",
        "en": "layer name in --candidates",
    },
    "help_site_spacing": {
        "zh": "节点候选：每 SPACING 米见方取一个（100）",
        "en": "node candidates: one per SPACING m square (100)",
    },
    "help_site_method": {
        "zh": "greedy（快速，任意规模）或 milp（精确，小规模）",
        "en": "greedy (fast, any size) or milp (exact, small instances)",
    },
    "help_site_objective": {
        "zh": "coverage（半径内居民最多）或 p_median（步行总距离最短）",
        "en": "coverage (most residents within the radius) or p_median (least total walking)",
    },
    "help_site_snap_limit": {
        "zh": "点距街道超过此米数时不计算路径（{snap_limit_m:g}）",
        "en": "metres from a street beyond which a point is not routed ({snap_limit_m:g})",
    },
    "help_site_cache_dir": {
        "zh": "步行路网的缓存位置（默认 $GRIDMAP_CACHE 或 ./.gridmap_cache）",
        "en": "where walking networks are cached (default $GRIDMAP_CACHE or ./.gridmap_cache)",
    },
    "help_site_no_cache": {
        "zh": "重新构建路网，不写缓存",
        "en": "rebuild the network and write no cache",
    },
    "help_site_demo": {
        "zh": "使用内置的南京新街口示例数据",
        "en": "use the embedded Nanjing Xinjiekou demo",
    },
    "help_site_out": {
        "zh": "输出文件夹",
        "en": "output folder",
    },
    "help_site_centers": {
        "zh": "现有服务中心（点，含 center_id、name）",
        "en": "existing service centres (points with center_id, name)",
    },
    # --- gridmap.cli.pair -----------------------------------------------------------------------------------
    "help_pair_pair_cmd": {
        "zh": "结对帮扶：为每位独居老人/留守儿童/残疾人在步行范围内安排一名帮扶人（个人信息）",
        "en": "结对帮扶: pair every 独居老人/留守儿童/残疾人 with a helper within a walk (personal data)",
    },
    "help_pair_pair_epilog": {
        "zh": "帮扶人：含 helper_id 的点；可选 name、phone 和 capacity（填写的值对该帮扶人取代 --per-helper；留空 = "
        "默认值）。其他字段名用 --map 映射：--map helper_id=编号 在含该字段的输入中改名；--map helpers:name=姓名 或 "
        "--map residents:elderly_alone=独居老人 只用于一个输入。",
        "en": "Helpers: points with helper_id; optional name, phone, and capacity (a value there overrides "
        "--per-helper for that helper; blank = the default). Map other column names with --map: --map helper_id=编号 "
        "renames the column in whichever input has it; --map helpers:name=姓名 or --map "
        "residents:elderly_alone=独居老人 in one input only.",
    },
    "help_pair_osm": {
        "zh": "OSM XML 路网文件（.osm 或 .osm.bz2）",
        "en": "OSM XML street file (.osm or .osm.bz2)",
    },
    "help_pair_residents": {
        "zh": "居民：含特殊群体人数的建筑物或点（使用 --plan 时默认：方案中保存的居民）",
        "en": "residents: buildings or points with the special-group counts (default with --plan: the residents "
        "stored in the plan)",
    },
    "help_pair_helpers": {
        "zh": "帮扶人（党员、志愿者、网格员）：含 helper_id 的点 [name、phone、capacity]",
        "en": "helpers (党员, 志愿者, 网格员): points with helper_id [name, phone, capacity]",
    },
    "help_pair_max_distance": {
        "zh": "步行距离上限（米），含到街道的连接段（默认 1000 = 15 分钟）",
        "en": "walking limit in metres, street snap legs included (default 1000 = 15 min)",
    },
    "help_pair_per_helper": {
        "zh": "帮扶人未填 capacity 时每人帮扶的人数（默认 3）",
        "en": "people per helper when the helper has no capacity of its own (default 3)",
    },
    "help_pair_groups": {
        "zh": "要结对的特殊群体人数字段（默认：elderly_alone、left_behind_children、disabled 中存在的字段）",
        "en": "special-group count columns to pair (default: those of elderly_alone, left_behind_children, disabled "
        "present)",
    },
    "help_pair_plan": {
        "zh": "方案（`gridmap unify` 或应用生成）：每个人和帮扶人的 grid_code；距离相同时优先同一网格内结对；"
        "与 --workspace 同用时为项目中方案的名称（默认：项目唯一的方案）",
        "en": "a plan (from `gridmap unify` or the app): grid_code of every person and helper; pairs inside the same "
        "grid are preferred at equal distance; with --workspace, the name of the project's plan (default: its only "
        "plan)",
    },
    "help_pair_snap_limit": {
        "zh": "点距街道超过此米数时视为不在路网上（默认 {snap_limit_m:g}）",
        "en": "metres from a street beyond which a point is not on the network (default {snap_limit_m:g})",
    },
    "help_pair_cache_dir": {
        "zh": "步行路网的缓存位置（默认 $GRIDMAP_CACHE 或 ./.gridmap_cache）",
        "en": "where walking networks are cached (default $GRIDMAP_CACHE or ./.gridmap_cache)",
    },
    "help_pair_no_cache": {
        "zh": "重新构建路网，不写缓存",
        "en": "rebuild the network and write no cache",
    },
    "help_pair_demo": {
        "zh": "内置的南京示例数据，附虚构的帮扶人（不对应任何真实人员）",
        "en": "the embedded Nanjing demo, with synthetic helpers (no real person behind them)",
    },
    "help_pair_out": {
        "zh": "输出文件夹（与 --workspace 同用时可省略：结果保存在项目中）",
        "en": "output folder (optional with --workspace, where the results are kept in the project)",
    },
    "help_pair_pair_description": {
        "zh": "在 OSM 路网上为每位特殊群体人员（居民图层各群体字段中的人数）安排步行范围内的一名帮扶人，每名帮扶人至多"
        "帮扶 --per-helper 人：精确求解，先使结对人数最多，再使步行总距离最短，再优先同一网格。",
        "en": "Pair every special-group person (the counts in the residents' group columns) with one helper within "
        "walking distance on the OSM network, a helper taking at most --per-helper people: exactly, the most people "
        "paired first, then the least total walking, then the same grid.",
    },
    # --- gridmap.cli.staff ----------------------------------------------------------------------------------
    "help_staff_staff_cmd": {
        "zh": "每个网格的网格员、每个微网格的党员、驻区单位（个人信息）",
        "en": "网格员 for every grid, 党员 in every 微网格, 驻区单位 (personal data)",
    },
    "help_staff_staff_epilog": {
        "zh": "staff：staff_id、name、phone [、staff_type 专职/兼职、capacity（户数）、grid_code（保留；以 ; "
        "分隔）、role 网格长/网格员] 及住址点（lon/lat 字段或点图层；可选）。members：member_id [、name、community] "
        "及住址点。units：unit_id [、name、volunteers] 及位置点。其他字段名用 --map 映射，例如 --map "
        "staff:staff_id=工号。",
        "en": "staff: staff_id, name, phone [, staff_type 专职/兼职, capacity (households), grid_code (kept; "
        ";-separated), role 网格长/网格员] and a home point (lon/lat columns, or a point layer; optional). members: "
        "member_id [, name, community] and a home point. units: unit_id [, name, volunteers] and a point. Map other "
        "column names with --map, e.g. --map staff:staff_id=工号.",
    },
    "help_staff_plan": {
        "zh": "方案文件（`gridmap unify` 生成）；使用 --workspace 时为项目中方案的名称",
        "en": "the plan file (from `gridmap unify`); with --workspace, the name of the project's plan",
    },
    "help_staff_staff": {
        "zh": "网格员表或点图层（使用 --workspace 时默认为项目的 staff 图层）",
        "en": "网格员 table or point layer (with --workspace: default the project's layer staff)",
    },
    "help_staff_members": {
        "zh": "党员（住址点）；需要方案中的微网格",
        "en": "党员 (home points); needs the plan's 微网格",
    },
    "help_staff_units": {
        "zh": "驻区单位（点，志愿者人数）",
        "en": "驻区单位 (points, volunteers)",
    },
    "help_staff_osm": {
        "zh": "OSM XML 路网文件：步行距离（否则用直线距离）",
        "en": "OSM XML street file: walking distances (else straight lines)",
    },
    "help_staff_max_distance": {
        "zh": "新分配时住址到网格的最远距离（默认 {default_staff_distance_m:g}）",
        "en": "farthest home → grid for a new assignment (default {default_staff_distance_m:g})",
    },
    "help_staff_member_distance": {
        "zh": "党员离住址最远可安排的距离（默认 {default_member_distance_m:g}）",
        "en": "farthest a 党员 is moved from home (default {default_member_distance_m:g})",
    },
    "help_staff_snap_limit": {
        "zh": "点距街道超过此米数时视为不在路网上（默认 300）",
        "en": "metres from a street beyond which a point is not on the network (default 300)",
    },
    "help_staff_cache_dir": {
        "zh": "步行路网的缓存位置（默认 $GRIDMAP_CACHE 或 ./.gridmap_cache）",
        "en": "where walking networks are cached (default $GRIDMAP_CACHE or ./.gridmap_cache)",
    },
    "help_staff_out": {
        "zh": "输出文件夹（使用 --workspace 时可省略）",
        "en": "output folder (optional with --workspace)",
    },
    "help_staff_description": {
        "zh": "``gridmap staff``：每个网格的网格员、每个微网格的党员、网格内的驻区单位（个人信息）。",
        "en": "``gridmap staff``: 网格员 for every grid, 党员 in every 微网格, 驻区单位 on the grid (personal data).",
    },
    # --- gridmap.cli.report ---------------------------------------------------------------------------------
    "help_report_report_cmd": {
        "zh": "台账：方案的 Excel 工作簿和离线 HTML 报告",
        "en": "the 台账: an Excel workbook and an offline HTML report of a plan",
    },
    "help_report_plan": {
        "zh": "方案文件（`gridmap unify` 或应用生成的 plan.gpkg）；使用 --workspace 时为项目中某个方案的名称",
        "en": "plan file (plan.gpkg from `gridmap unify` or the app); with --workspace: the name of a plan of the "
        "project",
    },
    "help_report_centers": {
        "zh": "服务中心（点，含 center_id、name）",
        "en": "service centres (points with center_id, name)",
    },
    "help_report_osm": {
        "zh": "OSM XML 路网文件（步行可达性、选址、街道名称）",
        "en": "OSM XML street file (walking access, siting, street names)",
    },
    "help_report_residents": {
        "zh": "居民（含户数的点或建筑物）；默认：方案中保存的居民",
        "en": "residents (points or buildings with households); default: stored in the plan",
    },
    "help_report_zones": {
        "zh": "用于盲区/多头分析的网格图层，例如 party=party.geojson（可重复；默认：方案中保存的图层）",
        "en": "a zone layer for 盲区/多头, e.g. party=party.geojson (repeatable; default: stored in the plan)",
    },
    "help_report_area": {
        "zh": "辖区（社区）；默认：方案中保存的辖区",
        "en": "study area (communities); default: stored in the plan",
    },
    "help_report_sites": {
        "zh": "建议新增站点的数量（默认 3；0：不建议）",
        "en": "number of proposed new sites (default 3; 0: none)",
    },
    "help_report_radius": {
        "zh": "选址时视为 15 分钟内的步行米数（默认 {site_radius_m:g}）",
        "en": "walking metres counted as within 15 minutes for siting (default {site_radius_m:g})",
    },
    "help_report_sliver_area": {
        "zh": "小于此面积的盲区/多头计为碎片，不逐个列出（默认 {sliver_m2:g}）",
        "en": "gaps/overlaps smaller than this are counted as slivers, not listed (default {sliver_m2:g})",
    },
    "help_report_staffing": {
        "zh": "`gridmap staff` 的 --out 文件夹：工作表“网格员配置”及（有党员时）“党员报到”",
        "en": "the --out folder of `gridmap staff`: sheets 网格员配置 and (with members) 党员报到",
    },
    "help_report_pairs": {
        "zh": "`gridmap pair` 的 pairs.csv（或其文件夹）：工作表“结对帮扶”",
        "en": "pairs.csv of `gridmap pair` (or its folder): sheet 结对帮扶",
    },
    "help_report_lang": {
        "zh": "表头和文字的语言（默认：gridmap --lang、$GRIDMAP_LANG，否则 zh）",
        "en": "language of headers and texts (default: gridmap --lang, $GRIDMAP_LANG, else zh)",
    },
    "help_report_cache_dir": {
        "zh": "步行路网的缓存位置（默认 $GRIDMAP_CACHE 或 ./.gridmap_cache）",
        "en": "where walking networks are cached (default $GRIDMAP_CACHE or ./.gridmap_cache)",
    },
    "help_report_no_cache": {
        "zh": "重新构建路网，不写缓存",
        "en": "rebuild the network and write no cache",
    },
    "help_report_demo": {
        "zh": "使用内置的南京示例数据（未给 --plan 时生成方案）",
        "en": "use the embedded Nanjing demo (and build a plan unless --plan)",
    },
    "help_report_out": {
        "zh": "输出文件夹",
        "en": "output folder",
    },
    "help_report_workspace": {
        "zh": "从该工作空间的某个项目读取方案和输入数据",
        "en": "read the plan and the inputs from a project of this workspace",
    },
    "help_report_project": {
        "zh": "--workspace 中的项目",
        "en": "the project of --workspace",
    },
    "help_report_description": {
        "zh": "``gridmap report``：方案的台账——一个 Excel 工作簿和一份离线 HTML 报告。",
        "en": "``gridmap report``: the 台账 of a plan — one Excel workbook and one offline HTML report.",
    },
    # --- gridmap.cli.notice ---------------------------------------------------------------------------------
    "help_notice_notice_cmd": {
        "zh": "公示牌：每个网格一页 A4（PDF 和 PNG），另附一份合订 PDF",
        "en": "公示 notices: one A4 page (PDF and PNG) per grid and one PDF of all",
    },
    "help_notice_plan": {
        "zh": "方案文件（`gridmap unify` 或应用生成的 plan.gpkg）",
        "en": "plan file (plan.gpkg from `gridmap unify` or the app)",
    },
    "help_notice_staff": {
        "zh": "人员表（CSV/xlsx/GeoPackage 图层）：staff_id、name、phone、role、grid_code[、photo]",
        "en": "staff table (CSV/xlsx/GeoPackage layer): staff_id, name, phone, role, grid_code[, photo]",
    },
    "help_notice_micro": {
        "zh": "微网格多边形：micro_code、grid_code、households[、building_head、building_head_phone]",
        "en": "micro-grid polygons: micro_code, grid_code, households[, building_head, building_head_phone]",
    },
    "help_notice_osm": {
        "zh": "网格范围内街道和建筑物的 OSM XML 文件",
        "en": "OSM XML file for the streets and buildings under the grids",
    },
    "help_notice_phone_supervision": {
        "zh": "印在每张公示牌上的监督电话",
        "en": "the 监督电话 printed on every notice",
    },
    "help_notice_grids": {
        "zh": "只生成这些网格（15 位编码，以逗号分隔）",
        "en": "only these grids (15-digit codes separated by commas)",
    },
    "help_notice_lang": {
        "zh": "标注的语言（默认：gridmap --lang、$GRIDMAP_LANG，否则 zh）",
        "en": "language of the labels (default: gridmap --lang, $GRIDMAP_LANG, else zh)",
    },
    "help_notice_dpi": {
        "zh": "PNG 的分辨率（默认 150；打印用 300）",
        "en": "resolution of the PNGs (default 150; 300 for print)",
    },
    "help_notice_workers": {
        "zh": "用 N 个进程生成（默认：每核一个，至多 4 个，8 张公示牌起启用）",
        "en": "render in N processes (default: one per core, up to 4, from 8 notices on)",
    },
    "help_notice_demo": {
        "zh": "使用内置的南京示例数据（未给 --plan 时生成方案）",
        "en": "use the embedded Nanjing demo (and build a plan unless --plan)",
    },
    "help_notice_out": {
        "zh": "输出文件夹",
        "en": "output folder",
    },
    "help_notice_quiet": {
        "zh": "不显示进度信息",
        "en": "no progress messages",
    },
    "help_notice_description": {
        "zh": "``gridmap notice``：每个网格的公示牌——每格一页可直接打印的 A4，PDF 和 PNG。",
        "en": "``gridmap notice``: the 公示 notice of every grid — one print-ready A4 page each, PDF and PNG.",
    },
    # --- gridmap.cli.run ------------------------------------------------------------------------------------
    "help_run_run_cmd": {
        "zh": "按配置文件对大范围区域做完整分析，以分区的 dask 任务运行",
        "en": "the whole analysis of a large area from a config file, as partitioned dask tasks",
    },
    "help_run_config": {
        "zh": "指定输入数据的 TOML 配置文件（见下文）",
        "en": "TOML config naming the inputs (see below)",
    },
    "help_run_scheduler": {
        "zh": "任务在哪里运行（默认 threads）",
        "en": "where the tasks run (default threads)",
    },
    "help_run_out": {
        "zh": "输出文件夹（使用 --workspace 时可省略）",
        "en": "output folder (optional with --workspace)",
    },
    "help_run_workspace": {
        "zh": "把结果保存到该工作空间的某个项目（文件夹或 postgresql:// 地址）；`gridmap serve` 的城市页面显示这些结果",
        "en": "store the results in a project of this workspace (a folder or a postgresql:// URL); the city page of "
        "`gridmap serve` shows them",
    },
    "help_run_project": {
        "zh": "--workspace 中接收结果的项目",
        "en": "the project of --workspace the results go to",
    },
    "help_run_quiet": {
        "zh": "不显示进度信息",
        "en": "no progress messages",
    },
    "help_run_description": {
        "zh": "``gridmap run``：按配置文件对大范围区域做完整分析——覆盖、可达性、网格。",
        "en": "``gridmap run``: the whole analysis of a large area — coverage, access, grids — from a config file.",
    },
    # --- gridmap.cli.serve ----------------------------------------------------------------------------------
    "help_serve_serve_cmd": {
        "zh": "为单位运行网页应用（Streamlit）",
        "en": "run the web app for an office (Streamlit)",
    },
    "help_serve_serve_description": {
        "zh": "运行 gridmap 应用。浏览器加载的一切都来自本服务器（不用 "
        "CDN；除非设置了内网瓦片服务器，否则不加载瓦片）。",
        "en": "Serve the gridmap app. Everything the browser loads comes from this server (no CDN, no tiles unless an "
        "intranet tile server is set).",
    },
    "help_serve_address": {
        "zh": "监听的地址（默认 127.0.0.1；0.0.0.0 表示单位网络的所有网卡）",
        "en": "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface of the office network)",
    },
    "help_serve_port": {
        "zh": "端口（默认 8501）",
        "en": "port (default 8501)",
    },
    "help_serve_results": {
        "zh": "城市页面提供的 gridmap run 输出文件夹（可重复；也可用环境变量 {results_env}，多个文件夹以 {pathsep!r} "
        "分隔）",
        "en": "a gridmap run output folder the city page offers (repeatable; also the {results_env} environment "
        "variable, folders separated by {pathsep!r})",
    },
    "help_serve_workspace": {
        "zh": "要提供的工作空间（由 `gridmap workspace init` 创建的文件夹，不存在时自动创建；默认 $GRIDMAP_WORKSPACE "
        "或用户的默认工作空间，其中有示例数据）",
        "en": "the workspace to serve (a folder made by `gridmap workspace init`, created when missing; default "
        "$GRIDMAP_WORKSPACE or the user's default workspace, which holds the demo)",
    },
    # --- gridmap.cli.assets ---------------------------------------------------------------------------------
    "help_assets_assets_cmd": {
        "zh": "从 npm 仓库安装离线地图资源",
        "en": "install the offline map assets from the npm registry",
    },
    "help_assets_force": {
        "zh": "即使文件夹已是最新也重新安装",
        "en": "reinstall even when the folder is up to date",
    },
    "help_assets_check": {
        "zh": "只检查每个文件是否就位（如有缺失，退出状态为 1）",
        "en": "only say whether every file is in place (exit 1 if not)",
    },
    "help_assets_target": {
        "zh": "安装到的文件夹（默认：应用脚本旁，或 $GRIDMAP_ASSETS_DIR）",
        "en": "folder to install into (default: beside the app script, or $GRIDMAP_ASSETS_DIR)",
    },
    "help_assets_npm": {
        "zh": "npm 可执行文件（默认：PATH 中的 npm）",
        "en": "the npm executable (default: npm on the PATH)",
    },
    "help_assets_description": {
        "zh": "运行时地图无需联网：folium 原本从 CDN 获取的脚本和样式在此一次性从 npm 仓库（或单位的 npm 镜像，沿用 "
        "npm 自身的设置）安装到 Streamlit 提供的文件夹中，独立的 HTML 地图将其内嵌（:mod:`gridmap.present.assets`）。",
        "en": "Maps need no internet at run time: the scripts and styles folium would take from CDNs are installed "
        "once, here, from the npm registry (or the office's npm mirror: npm's own settings apply) into the folder "
        "Streamlit serves and the standalone HTML maps inline (:mod:`gridmap.present.assets`).",
    },
    # --- gridmap.cli.workspace ------------------------------------------------------------------------------
    "help_workspace_workspace_cmd": {
        "zh": "共享工作空间：项目、含全部修订版的方案、账号、审计记录",
        "en": "a shared workspace: projects, plans with every revision, accounts, audit",
    },
    "help_workspace_init_cmd": {
        "zh": "在空的或新的文件夹中创建工作空间",
        "en": "create a workspace in an empty or new folder",
    },
    "help_workspace_dir": {
        "zh": "工作空间文件夹",
        "en": "the workspace folder",
    },
    "help_workspace_import_cmd": {
        "zh": "导入项目的输入图层（经检查）或示例数据",
        "en": "import a project's input layers (validated) or the demo",
    },
    "help_workspace_import_description": {
        "zh": "把项目的输入数据导入工作空间，按各命令相同的规则检查；新的一套数据替换项目原有的输入数据。",
        "en": "Import a project's inputs into a workspace, checked as every command checks them; the new set replaces "
        "the project's previous inputs.",
    },
    "help_workspace_dir_2": {
        "zh": "工作空间文件夹",
        "en": "the workspace folder",
    },
    "help_workspace_project": {
        "zh": "项目（不存在时创建）",
        "en": "the project (created when it does not exist)",
    },
    "help_workspace_title": {
        "zh": "项目的标题（例如 新街口街道 2026）",
        "en": "the project's title (e.g. 新街口街道 2026)",
    },
    "help_workspace_demo": {
        "zh": "导入内置的南京示例数据",
        "en": "import the embedded Nanjing demo",
    },
    "help_workspace_zones": {
        "zh": "一个网格图层，例如 party=party.geojson（可重复）",
        "en": "a zone layer, e.g. party=party.geojson (repeatable)",
    },
    "help_workspace_area": {
        "zh": "辖区多边形（社区），含 area_id、name",
        "en": "study area polygons (communities) with area_id, name",
    },
    "help_workspace_residents": {
        "zh": "居民（点或建筑物），含户数",
        "en": "residents (points or buildings) with households",
    },
    "help_workspace_centers": {
        "zh": "服务中心（点，含 center_id、name）",
        "en": "service centres (points with center_id, name)",
    },
    "help_workspace_osm": {
        "zh": "OSM XML 路网文件（.osm 或 .osm.bz2）",
        "en": "OSM XML street file (.osm or .osm.bz2)",
    },
    "help_workspace_list_cmd": {
        "zh": "工作空间中的项目、方案和修订版",
        "en": "the projects, plans and revisions of a workspace",
    },
    "help_workspace_dir_3": {
        "zh": "工作空间文件夹",
        "en": "the workspace folder",
    },
    "help_workspace_description": {
        "zh": "``gridmap workspace``：创建共享工作空间，把项目的输入数据导入其中，列出其内容。",
        "en": "``gridmap workspace``: create a shared workspace, import a project's inputs into it, list what it "
        "holds.",
    },
    # --- gridmap.cli.users ----------------------------------------------------------------------------------
    "help_users_users_cmd": {
        "zh": "工作空间的账号：添加、改密码、停用、启用、列出",
        "en": "accounts of a workspace: add, passwd, disable, enable, list",
    },
    "help_users_role": {
        "zh": "账号的权限",
        "en": "what the account may do",
    },
    "help_users_scope": {
        "zh": "规划员的街道（9 位）或社区（12 位）代码（可重复；至少一个）",
        "en": "a planner's 街道 (9 digits) or 社区 (12 digits) code (repeatable; at least one)",
    },
    "help_users_project": {
        "zh": "规划员或查看者可打开的项目（可重复）",
        "en": "a project the planner or viewer may open (repeatable)",
    },
    "help_users_workspace": {
        "zh": "工作空间文件夹",
        "en": "the workspace folder",
    },
    "help_users_name": {
        "zh": "账号名",
        "en": "the account name",
    },
    "help_users_password_stdin": {
        "zh": "从标准输入读取一行作为密码（否则在提示符下输入）",
        "en": "read the password as one line of standard input (else: typed at a prompt)",
    },
    "help_users_description": {
        "zh": "``gridmap users``：工作空间的账号——添加、修改密码、停用、启用、列出。",
        "en": "``gridmap users``: the accounts of a workspace — add, change a password, disable, enable, list.",
    },
    "help_users_add_cmd": {
        "zh": "添加账号",
        "en": "add an account",
    },
    "help_users_passwd_cmd": {
        "zh": "设置账号的密码",
        "en": "set an account's password",
    },
    "help_users_disable_cmd": {
        "zh": "停用账号（其会话随即结束）",
        "en": "disable an account (its sessions end)",
    },
    "help_users_enable_cmd": {
        "zh": "重新启用账号并解除锁定",
        "en": "enable an account again and lift a lockout",
    },
    "help_users_list_cmd": {
        "zh": "列出账号",
        "en": "list the accounts",
    },
    # --- gridmap.cli.plan -----------------------------------------------------------------------------------
    "help_plan_plan_cmd": {
        "zh": "工作空间项目的方案：历史记录（log）",
        "en": "plans of a workspace project: their history (log)",
    },
    "help_plan_log_cmd": {
        "zh": "谁在何时保存了什么；改动了什么",
        "en": "who saved what and when; what changed",
    },
    "help_plan_workspace": {
        "zh": "工作空间文件夹",
        "en": "the workspace folder",
    },
    "help_plan_project": {
        "zh": "项目",
        "en": "the project",
    },
    "help_plan_plan": {
        "zh": "一个方案（默认：项目的所有方案）",
        "en": "one plan (default: every plan of the project)",
    },
    "help_plan_limit": {
        "zh": "每个方案至多显示 N 个修订版（最新的）",
        "en": "at most N revisions per plan (newest)",
    },
    "help_plan_description": {
        "zh": "``gridmap plan log``：项目各方案的历史——谁在何时保存了什么，改动了什么。",
        "en": "``gridmap plan log``: the history of a project's plans — who saved what, when, and what changed.",
    },
    # --- gridmap.cli.parser: argparse's own words ------------------------------------------------------
    "argparse_usage": {"zh": "用法：", "en": "usage: "},
    "argparse_positionals": {"zh": "位置参数", "en": "positional arguments"},
    "argparse_options": {"zh": "选项", "en": "options"},
    "argparse_help": {"zh": "显示此帮助信息并退出", "en": "show this help message and exit"},
    "argparse_error": {"zh": "{prog}：错误：{message}\n", "en": "{prog}: error: {message}\n"},
    "argparse_required": {"zh": "缺少必需的参数：{args}", "en": "the following arguments are required: {args}"},
    "argparse_unrecognized": {"zh": "无法识别的参数：{args}", "en": "unrecognized arguments: {args}"},
    "argparse_one_required": {"zh": "须给出参数 {args} 之一", "en": "one of the arguments {args} is required"},
    "argparse_ambiguous": {
        "zh": "选项 {option} 有歧义，可能是 {matches}",
        "en": "ambiguous option: {option} could match {matches}",
    },
    "argparse_choice": {
        "zh": "参数 {arg}：无效的选择 {value}（可选：{choices}）",
        "en": "argument {arg}: invalid choice: {value} (choose from {choices})",
    },
    "argparse_expected_one": {"zh": "参数 {arg}：需要一个值", "en": "argument {arg}: expected one argument"},
    "argparse_expected_some": {
        "zh": "参数 {arg}：至少需要一个值",
        "en": "argument {arg}: expected at least one argument",
    },
    "argparse_invalid_value": {
        "zh": "参数 {arg}：无效的 {type} 值：{value}",
        "en": "argument {arg}: invalid {type} value: {value}",
    },
    "argparse_not_allowed_with": {
        "zh": "参数 {arg}：不能与参数 {other} 同时使用",
        "en": "argument {arg}: not allowed with argument {other}",
    },
    "argparse_argument": {"zh": "参数 {arg}：{message}", "en": "argument {arg}: {message}"},
    # --- gridmap.cli.run: the prose of `gridmap run --help` (its config example is shown as written) ---
    "help_run_epilog_partitions": {
        "zh": "工作按完整的社区划分为分区（默认按街道），作为 dask 任务运行：\n"
        "``threads``（默认）和 ``processes`` 是 dask 的本地调度器，``local:N`` 为本次运行启动有 N 个\n"
        "工作进程的 ``LocalCluster``，地址（``tcp://host:8786``）使用正在运行的 dask 集群，``single`` 对整个\n"
        "区域运行一次核心计算（分区运行须与之完全一致的参照）。进度信息输出到 stderr。",
        "en": "The work is cut into partitions of whole communities (街道 by default) and run as dask tasks:\n"
        "``threads`` (default) and ``processes`` are dask's local schedulers, ``local:N`` starts a\n"
        "``LocalCluster`` of N worker processes for the run, an address (``tcp://host:8786``) uses a\n"
        "running dask cluster, ``single`` runs the core once on the whole area (the reference the\n"
        "partitioned run reproduces exactly). Progress goes to stderr.",
    },
    "help_run_epilog_config": {
        "zh": "配置文件（TOML）指定输入数据——或要求生成合成城市——及参数::",
        "en": "The config (TOML) names the inputs — or asks for a synthetic city — and the parameters::",
    },
    "help_run_epilog_workspace": {
        "zh": "使用 ``--workspace W --project P``（W 为工作空间文件夹或 ``postgresql://`` 地址）时，城市级\n"
        "结果——各社区、叠加面的数据、网格、盲区、各建筑的生活圈及运行的元数据（``run.json``）——以项目的\n"
        "米制坐标参考系保存到项目中，整体替换原有结果（保存中途被终止时原有结果保持不变）；应用的城市页面\n"
        "向所有可打开该项目的人提供这些结果。命令以本机系统用户（管理员）身份执行；存储将其记入审计记录。\n"
        "此时既无 ``[inputs]`` 也无 ``[synthetic]`` 的配置读取项目自己的图层（辖区、网格图层、居民、服务中心，\n"
        "以及作为步行路网的 OSM 文件）。也可同时给出 ``--out``。",
        "en": "With ``--workspace W --project P`` (W a workspace folder or a ``postgresql://`` URL) the city-level\n"
        "results — the communities, the faces' figures, grids, gaps, the buildings' life circles and the\n"
        "run's metadata (``run.json``) — are stored in the project, in its metric CRS, replacing its\n"
        "previous results whole (a run killed while storing leaves them as they were); the app's city page\n"
        "offers them to everyone who may open the project. The command acts as the local system user\n"
        "(an admin); the store records it in the audit trail. A config with neither ``[inputs]`` nor\n"
        "``[synthetic]`` then reads the project's own layers (study area, zones, residents, centres and its\n"
        "OSM file as the walking network). ``--out`` may be given as well.",
    },
    "help_run_epilog_writes": {
        "zh": "写入 DIR：``grids.geojson``、``gaps.geojson``、``overlaps.geojson``、``outside.geojson``、\n"
        "``invalid_edges.geojson``、``access_centers.geojson``（EPSG:4326）；``grids.parquet``、\n"
        "``study_area.parquet``（各社区：应用的城市页面读取的数据）、``faces.parquet``、\n"
        "``units.parquet``、``access_residents.parquet``（GeoParquet，米制计算坐标参考系），行数不超过\n"
        "``geojson_max_rows`` 时各另存为 GeoJSON；``assignment.csv``、``communities.csv``、\n"
        "``coverage_summary.csv``、``partitions.csv`` 和 ``run.json``（参数、数量、耗时）。",
        "en": "Writes into DIR: ``grids.geojson``, ``gaps.geojson``, ``overlaps.geojson``, ``outside.geojson``,\n"
        "``invalid_edges.geojson``, ``access_centers.geojson`` (EPSG:4326); ``grids.parquet``,\n"
        "``study_area.parquet`` (the communities: what the app's city page reads), ``faces.parquet``,\n"
        "``units.parquet``, ``access_residents.parquet`` (GeoParquet, in the metric work CRS), each also as\n"
        "GeoJSON when it has at most ``geojson_max_rows`` rows; ``assignment.csv``, ``communities.csv``,\n"
        "``coverage_summary.csv``, ``partitions.csv`` and ``run.json`` (parameters, counts, timings).\n"
        "",
    },
    # --- gridmap.cli.common/info/notice: which inputs INPUT: names ---------------------------------------
    "help_common_scopes": {
        "zh": "area、residents、centers 或某个网格图层的名称",
        "en": "area, residents, centers, or a zone layer's name",
    },
    "help_info_scopes": {"zh": "图层名或工作表名", "en": "a layer's or sheet's name"},
    "help_notice_scopes": {
        "zh": "人员表（staff）和微网格（micro）",
        "en": "the staff table (staff) and the micro grids (micro)",
    },
    # issue 16 (s21-people) ------------------------------------------------------------------------------------
    "help_workspace_people": {
        "zh": "{what}；只添加或替换已有项目中的这一图层（个人信息）",
        "en": "{what}; adds or replaces only this layer of an existing project (personal data)",
    },
    "help_workspace_people_staff": {
        "zh": "网格员（含 staff_id、name、phone 的点；gridmap staff 读取）",
        "en": "网格员 (points with staff_id, name, phone; read by gridmap staff)",
    },
    "help_workspace_people_members": {
        "zh": "党员（含 member_id 的住址点；gridmap staff 读取）",
        "en": "党员 (home points with member_id; read by gridmap staff)",
    },
    "help_workspace_people_units": {
        "zh": "驻区单位（含 unit_id、volunteers 的点；gridmap staff 读取）",
        "en": "驻区单位 (points with unit_id, volunteers; read by gridmap staff)",
    },
    "help_workspace_people_helpers": {
        "zh": "结对帮扶的帮扶人（含 helper_id 的点；gridmap pair 读取）",
        "en": "结对帮扶 helpers (points with helper_id; read by gridmap pair)",
    },
}
