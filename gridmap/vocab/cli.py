"""The command line's progress lines and summaries, in Chinese and English (part of :data:`gridmap.vocab.CATALOG`).

``gridmap --lang zh|en`` (or ``GRIDMAP_LANG``; Chinese by default) chooses the language. Progress lines
(stderr, ``[  1.2 s] …``) are ``cli_<what>``; the lines a command prints at its end (stdout) are
``cli_<command>_…``; both languages take the same parameters (a test checks). File names, option
names, column names and codes stay as they are in both languages: they are what the user types or
finds on disk.

Terms: 图层 layer, 字段 column, 要素 feature, 坐标参考系 CRS, 辖区 study area, 社区 community,
户数 households, 网格 grid/zone, 盲区 blind spot, 多头 overlap, 路网 street network,
服务中心 service centre, 生活圈 life circle.
"""

from __future__ import annotations

CLI_TEXT: dict[str, dict[str, str]] = {
    # --- shared by the commands (gridmap.cli.common) ---------------------------------------------------
    "cli_working_crs": {"zh": "计算用坐标参考系：{crs}", "en": "working CRS: {crs}"},
    "cli_loading_demo": {
        "zh": "正在载入示例数据（南京新街口，© OpenStreetMap 贡献者，ODbL）",
        "en": "loading the demo (Nanjing 新街口, © OpenStreetMap contributors, ODbL)",
    },
    "cli_demo_file": {
        "zh": "示例数据：{name}（南京新街口，© OpenStreetMap 贡献者，ODbL）",
        "en": "demo: {name} (Nanjing 新街口, © OpenStreetMap contributors, ODbL)",
    },
    "cli_reading_residents": {"zh": "正在读取住户 {path}", "en": "reading residents {path}"},
    "cli_reading_centers": {"zh": "正在读取服务中心 {path}", "en": "reading centres {path}"},
    "cli_reading_grids": {"zh": "正在读取网格 {path}", "en": "reading grids {path}"},
    "cli_reading_candidates": {"zh": "正在读取候选点 {path}", "en": "reading candidates {path}"},
    "cli_read_zones": {"zh": "已读取 {name}：{n:,} 个网格，来自 {path}", "en": "read {name}: {n:,} zones from {path}"},
    "cli_read_study_area": {
        "zh": "已读取辖区：{n:,} 个多边形，来自 {path}",
        "en": "read study area: {n:,} polygons from {path}",
    },
    "cli_read_residents": {
        "zh": "已读取住户：{n:,} 个要素，共 {households:,} 户",
        "en": "read residents: {n:,} features, {households:,} households",
    },
    "cli_read_layer": {"zh": "已读取 {key}：{n:,} 个要素，来自 {path}", "en": "read {key}: {n:,} features from {path}"},
    "cli_plan_read": {
        "zh": "方案 {name}：第 {revision} 版，{n:,} 个网格{stored}",
        "en": "plan {name}: revision {revision}, {n:,} grids{stored}",
    },
    "cli_plan_stored": {"zh": "；存有输入：{names}", "en": "; stored inputs: {names}"},
    "cli_plan_no_stored": {"zh": "；未存输入数据", "en": "; no stored inputs"},
    "cli_demo_plan": {
        "zh": "正在由示例数据生成方案（每个网格 {low}–{high} 户）",
        "en": "building a plan from the demo ({low}–{high} households per grid)",
    },
    "cli_walking_network": {
        "zh": "正在读取步行路网 {path}（缓存：{cache}）",
        "en": "walking network from {path} (cache: {cache})",
    },
    "cli_cache_on": {"zh": "开", "en": "on"},
    "cli_cache_off": {"zh": "关", "en": "off"},
    "cli_writing_to": {"zh": "正在写入 {out}", "en": "writing to {out}"},
    "cli_wrote_to": {"zh": "已写入 {files} 到 {out}", "en": "wrote {files} to {out}"},
    "cli_done_files": {"zh": "完成：{files}", "en": "done: {files}"},
    "cli_warning": {"zh": "警告：{text}", "en": "warning: {text}"},
    # --- gridmap info ----------------------------------------------------------------------------------
    "cli_info_file": {"zh": "文件：{path}", "en": "file: {path}"},
    "cli_info_layers": {"zh": "图层（{n} 个）：{layers}", "en": "layers ({n}): {layers}"},
    "cli_info_no_xy": {"zh": "无坐标列", "en": "no coordinate columns"},
    "cli_info_layer": {"zh": "\n图层：{name}", "en": "\nlayer: {name}"},
    "cli_info_encoding_table": {
        "zh": "  文本编码（由字节判断）：{encoding}",
        "en": "  text encoding (detected from the bytes): {encoding}",
    },
    "cli_info_encoding_shp": {
        "zh": "  文本编码（自动判断，无 .cpg）：{encoding}",
        "en": "  text encoding (detected, no .cpg): {encoding}",
    },
    "cli_info_points_from": {
        "zh": "  点由字段 {x}、{y} 生成（数据自第 {row} 行起）",
        "en": "  points from columns {x}, {y} (data from row {row})",
    },
    "cli_info_converted": {"zh": "  已由 {source} 转换为 WGS84", "en": "  converted from {source} to WGS84"},
    "cli_info_no_crs": {"zh": "  坐标参考系：未声明", "en": "  CRS: none declared"},
    "cli_info_crs": {"zh": "  坐标参考系：{name} ({code})", "en": "  CRS: {name} ({code})"},
    "cli_info_features": {"zh": "  要素数：{n}", "en": "  features: {n}"},
    "cli_info_types": {"zh": "  几何类型：{types}", "en": "  geometry types: {types}"},
    "cli_info_bounds": {
        "zh": "  范围：{minx:.6f}, {miny:.6f} – {maxx:.6f}, {maxy:.6f}",
        "en": "  bounds: {minx:.6f}, {miny:.6f} – {maxx:.6f}, {maxy:.6f}",
    },
    "cli_info_bounds_lonlat": {
        "zh": "  范围（经纬度）：{minx:.6f}, {miny:.6f} – {maxx:.6f}, {maxy:.6f}",
        "en": "  bounds (lon/lat): {minx:.6f}, {miny:.6f} – {maxx:.6f}, {maxy:.6f}",
    },
    "cli_info_fields": {"zh": "  字段：{fields}", "en": "  fields: {fields}"},
    "cli_info_none": {"zh": "（无）", "en": "(none)"},
    "cli_info_checked_as": {"zh": "  检查依据：{kind}", "en": "  checked as: {kind}"},
    "cli_info_no_problems": {"zh": "  问题：无", "en": "  problems: none"},
    "cli_info_problems": {"zh": "  问题：{counts}", "en": "  problems: {counts}"},
    "cli_info_count": {"zh": "{severity} {n} 个", "en": "{n} {severity}"},
    # --- gridmap coverage ------------------------------------------------------------------------------
    "cli_coverage_found": {
        "zh": "覆盖分析：盲区 {gaps}，多头 {overlaps}，网格超出辖区的部分 {outside}，待修正的边 {edges} 条",
        "en": "coverage: {gaps} blind spot(s), {overlaps} overlap(s), {outside} zone part(s) outside the study area, "
        "{edges} edge(s) to fix",
    },
    "cli_coverage_count": {"zh": "{n} 处{slivers}", "en": "{n}{slivers}"},
    "cli_coverage_slivers": {
        "zh": "（另有 {n} 处小于 {area:g} 平方米的碎片）",
        "en": " (+{n} sliver(s) < {area:g} m²)",
    },
    "cli_coverage_map_missing": {
        "zh": "警告：未写出 coverage.html：{error}",
        "en": "warning: coverage.html not written: {error}",
    },
    "cli_coverage_total": {
        "zh": "辖区面积 {km2:.3f} 平方公里；任一图层覆盖 {share:.2%}{households}",
        "en": "study area {km2:.3f} km²; covered by any layer {share:.2%}{households}",
    },
    "cli_coverage_households": {"zh": "，户数覆盖 {share:.2%}", "en": ", households {share:.2%}"},
    "cli_coverage_layer": {
        "zh": "  {layer}：面积覆盖 {share:.2%}{households}，多头 {overlap_m2:,.0f} 平方米",
        "en": "  {layer}: area {share:.2%}{households}, overlaps {overlap_m2:,.0f} m²",
    },
    # --- gridmap unify ---------------------------------------------------------------------------------
    "cli_unify_exclusive_areas": {
        "zh": "专属区域：{source} 中 {n_raw:,} 个多边形 → 辖区内不小于 {min_area:g} 平方米的 {n:,} 个，"
        "边界已调整到整栋建筑",
        "en": "exclusive areas: {n_raw:,} polygons in {source} → {n:,} of at least {min_area:g} m² in the study area, "
        "borders moved onto whole buildings",
    },
    "cli_unify_wrote": {
        "zh": "已写入 {files} 到 {out}（方案第 {rev} 版）",
        "en": "wrote {files} to {out} (plan revision {rev})",
    },
    "cli_unify_grids": {
        "zh": "{units:,} 个单元 → {communities} 个社区中的 {grids:,} 个网格；{in_band} 个在 {low}–{high} 户之间",
        "en": "{units:,} units → {grids:,} grids in {communities} communities; {in_band} within {low}–{high} "
        "households",
    },
    "cli_unify_exclusive": {
        "zh": "{n} 个专属网格，编号 {first}–{last}",
        "en": "{n} exclusive grid(s) (专属网格), numbered {first}–{last}",
    },
    "cli_unify_micro": {
        "zh": "{base:,} 个基础网格中划分 {n:,} 个微网格；{in_band:,} 个在 {low}–{high} 户之间",
        "en": "{n:,} micro grids (微网格) in {base:,} base grids; {in_band:,} within {low}–{high} households",
    },
    "cli_unify_community": {
        "zh": "  {area_id}：{n_in_band}/{n_grids} 个网格在户数区间内 — {reason}",
        "en": "  {area_id}: {n_in_band}/{n_grids} grids in the band — {reason}",
    },
    "cli_unify_checks": {"zh": "检查：{checks}", "en": "checks: {checks}"},
    "cli_unify_save_message": {
        "zh": "gridmap unify {low}–{high} 户，随机种子 {seed}",
        "en": "gridmap unify {low}–{high} households, seed {seed}",
    },
    # --- gridmap access --------------------------------------------------------------------------------
    "cli_network": {
        "zh": "路网：{nodes:,} 个节点，{edges:,} 条边，{km:.1f} 公里，EPSG:{epsg}",
        "en": "network: {nodes:,} nodes, {edges:,} edges, {km:.1f} km, EPSG:{epsg}",
    },
    "cli_access_routing": {
        "zh": "正在计算 {residents:,} 处住户到 {centers:,} 个服务中心的路径（吸附距离上限 {snap:g} 米）",
        "en": "routing {residents:,} residents to {centers:,} centres (snap limit {snap:g} m)",
    },
    "cli_access_snap_status": {"zh": "吸附状态：{counts}", "en": "snap status: {counts}"},
    "cli_access_center_not_routed": {
        "zh": "警告：服务中心 {center} 未能计算路径（{status}，距街道 {m:.0f} 米）",
        "en": "warning: centre {center} not routed ({status}, {m:.0f} m from a street)",
    },
    "cli_access_life_circles": {"zh": "生活圈：{counts}", "en": "life circles: {counts}"},
    "cli_access_catchments": {"zh": "服务范围和等时圈", "en": "catchments and isochrones"},
    "cli_access_summaries": {"zh": "汇总", "en": "summaries"},
    "cli_access_done": {
        "zh": "完成：上门服务名单共 {n} 处住户；文件：{files}",
        "en": "done: {n} residents on the 上门服务名单; files: {files}",
    },
    # --- gridmap site ----------------------------------------------------------------------------------
    "cli_site_network": {
        "zh": "路网：{nodes:,} 个节点，{edges:,} 条边，EPSG:{epsg}",
        "en": "network: {nodes:,} nodes, {edges:,} edges, EPSG:{epsg}",
    },
    "cli_site_candidates_from_file": {"zh": "{n:,} 个（来自文件）", "en": "{n:,} from file"},
    "cli_site_routing": {
        "zh": "候选点：{candidates}；计算 {residents:,} 处住户、{centers:,} 个现有服务中心，半径 {radius:g} 米",
        "en": "candidates: {candidates}; routing {residents:,} residents, {centers:,} existing centres, radius "
        "{radius:g} m",
    },
    "cli_site_problem": {
        "zh": "路网上有 {n:,} 个候选点（{dropped} 个离街道太远）；{pairs:,} 对候选点与住户相距不超过 {limit:g} 米",
        "en": "{n:,} candidates on the network ({dropped} too far from a street); {pairs:,} candidate–resident pairs "
        "within {limit:g} m",
    },
    "cli_site_result": {
        "zh": "{radius:g} 米内的 {weight}：{before:.1%} → {after:.1%}，新增 {n} 个站点（{method}，{objective}）",
        "en": "{weight} within {radius:g} m: {before:.1%} → {after:.1%} with {n} new site(s) ({method}, {objective})",
    },
    "cli_site_target_unreached": {
        "zh": "警告：用这些候选点达不到目标 {target:.0%}",
        "en": "warning: the target {target:.0%} cannot be reached with these candidates",
    },
    "cli_site_fewer": {
        "zh": "提示：只有 {n} 个站点有新增覆盖，其余站点不会覆盖新的人",
        "en": "note: only {n} site(s) add anything; the others would cover no one new",
    },
    "cli_site_greedy_bound": {
        "zh": "贪心算法用 {k} 个站点至少达到最优解的 {share:.1%}",
        "en": "greedy reaches ≥ {share:.1%} of the best possible with {k} site(s)",
    },
    "cli_site_row": {
        "zh": "  {rank}. {candidate}（{street}附近）：+{gain:,.0f} → {after:.1%}",
        "en": "  {rank}. {candidate} near {street}: +{gain:,.0f} → {after:.1%}",
    },
    "cli_site_unnamed_street": {"zh": "无名道路", "en": "(unnamed street)"},
    # --- gridmap run -----------------------------------------------------------------------------------
    "cli_run_synthetic": {
        "zh": "合成城市：{summary}（{seconds:.1f} 秒）",
        "en": "synthetic city: {summary} ({seconds:.1f} s)",
    },
    "cli_run_read": {"zh": "已读取 {kind}：{n:,} 行，来自 {path}", "en": "read {kind}: {n:,} rows from {path}"},
    "cli_run_read_network": {
        "zh": "已读取路网：{nodes:,} 个节点，{edges:,} 条边，来自 {path}",
        "en": "read network: {nodes:,} nodes, {edges:,} edges from {path}",
    },
    "cli_run_local_cluster": {"zh": "LocalCluster：{n} 个工作进程", "en": "LocalCluster: {n} worker processes"},
    "cli_run_connected": {"zh": "已连接 dask 调度器 {name}", "en": "connected to the dask scheduler at {name}"},
    "cli_run_wrote": {"zh": "已写入 {n} 个文件到 {out}", "en": "wrote {n} files to {out}"},
    "cli_run_result": {
        "zh": "{faces:,} 个面，{units:,} 个单元 → {grids:,} 个网格（{in_band}/{communities} 个社区"
        "在 {low}–{high} 户之间）；盲区 {gaps} 处，多头 {overlaps} 处；用时 {seconds:.1f} 秒，调度方式 {scheduler}",
        "en": "{faces:,} faces, {units:,} units → {grids:,} grids ({in_band}/{communities} communities within "
        "{low}–{high}); {gaps} gaps, {overlaps} overlaps; {seconds:.1f} s on {scheduler}",
    },
    "cli_run_access": {
        "zh": "可达性：{share:.1%} 的建筑距服务中心不超过 {metres:g} 米",
        "en": "access: {share:.1%} of buildings within {metres:g} m of a centre",
    },
    # --- gridmap report --------------------------------------------------------------------------------
    "cli_report_table": {"zh": "{section}：{n:,} 行，来自 {path}", "en": "{section}: {n:,} rows from {path}"},
    "cli_report_writing": {"zh": "正在写入 {files} 到 {out}", "en": "writing {files} to {out}"},
    "cli_report_grids": {
        "zh": "{grids:,} 个网格，{households:,} 户；{in_band} 个在 {band} 之间，{below} 个偏少，{above} 个偏多",
        "en": "{grids:,} grids, {households:,} households; {in_band} within {band}, {below} below, {above} above",
    },
    "cli_report_gaps": {
        "zh": "盲区：{gaps} 处（{households:,} 户）；多头：{overlaps} 处",
        "en": "blind spots: {gaps} ({households:,} households); overlaps: {overlaps}",
    },
    "cli_report_access": {
        "zh": "15 分钟内可达的户数：{share:.1%}；上门服务名单：{visits} 栋建筑",
        "en": "households within 15 min: {share:.1%}; home-visit list: {visits} buildings",
    },
    "cli_report_sites": {
        "zh": "{n} 个拟建站点：{radius:g} 米内的户数 → {share:.1%}",
        "en": "{n} proposed site(s): households within {radius:g} m → {share:.1%}",
    },
    "cli_report_note": {"zh": "  {section}：{note}", "en": "  {section}: {note}"},
    "cli_report_no_map": {
        "zh": "警告：report.html 中没有地图（缺少离线地图资源：请运行 scripts/install_assets.sh）",
        "en": "warning: report.html has no map (offline map assets missing: run scripts/install_assets.sh)",
    },
    "cli_report_done": {"zh": "完成：{xlsx}，{html}", "en": "done: {xlsx}, {html}"},
    # --- progress lines of the core's long functions (``progress=``) --------------------------------------
    "prog_mosaic_polygons": {"zh": "叠加：{n:,} 个多边形", "en": "mosaic: {n:,} polygons"},
    "prog_mosaic_snapped": {
        "zh": "叠加：按 {grid_size:g} 的格网捕捉取整，追踪出 {faces:,} 个面（{seconds:.1f} 秒）",
        "en": "mosaic: snap-rounded to {grid_size:g} and traced into {faces:,} faces ({seconds:.1f} s)",
    },
    "prog_mosaic_noded": {
        "zh": "叠加：{segments:,} 条不重复的边界线段经打断、构面得到 {faces:,} 个面，分 {strips} "
        "个条带（{seconds:.1f} 秒）",
        "en": "mosaic: {segments:,} distinct boundary segments noded and polygonized into {faces:,} faces in {strips} "
        "strip(s) ({seconds:.1f} s)",
    },
    "prog_mosaic_labelled": {
        "zh": "叠加：已为 {faces:,} 个面标注所属图层（{seconds:.1f} 秒）",
        "en": "mosaic: labelled {faces:,} faces ({seconds:.1f} s)",
    },
    "prog_mosaic_kept": {
        "zh": "叠加：保留 {faces:,} 个面（{seconds:.1f} 秒）",
        "en": "mosaic: {faces:,} faces kept ({seconds:.1f} s)",
    },
    "prog_units": {
        "zh": "单元：辖区内 {faces:,} 个面 → {units:,} 个单元（小于 {min_area:g} 平方米或窄于 {min_width:g} 米的"
        "碎片已合并；{unmerged} 个无法合并）",
        "en": "units: {faces:,} faces in the study area → {units:,} units (slivers < {min_area:g} m² or thinner than "
        "{min_width:g} m merged; {unmerged} could not merge)",
    },
    "prog_grids_community": {
        "zh": "网格：社区 {area_id}：{grids} 个网格，{in_band} 个在 {low}–{high} 户之间{reason}",
        "en": "grids: community {area_id}: {grids} grid(s), {in_band} within {low}–{high}{reason}",
    },
    "prog_reason": {"zh": " — {reason}", "en": " — {reason}"},
    "prog_report_grids": {"zh": "网格", "en": "grids"},
    "prog_report_coverage": {"zh": "{n} 个网格图层的覆盖分析", "en": "coverage of {n} zone layer(s)"},
    "prog_report_coverage_failed": {"zh": "覆盖分析失败：{error}", "en": "coverage failed: {error}"},
    "prog_report_network": {"zh": "正在读取步行路网 {path}", "en": "walking network from {path}"},
    "prog_report_access": {
        "zh": "计算 {residents:,} 处住户到 {centers:,} 个服务中心的步行可达性",
        "en": "walking access of {residents:,} residents to {centers:,} centres",
    },
    "prog_report_access_failed": {"zh": "可达性分析失败：{error}", "en": "access failed: {error}"},
    "prog_report_siting": {
        "zh": "在 {radius:g} 米范围内选择 {k} 个新站点",
        "en": "choosing {k} new site(s) within {radius:g} m",
    },
    "prog_report_siting_failed": {"zh": "选址失败：{error}", "en": "siting failed: {error}"},
    "prog_notices_rendered": {"zh": "已生成 {done}/{total} 个网格公示牌", "en": "{done}/{total} notices rendered"},
    # --- gridmap notice ---------------------------------------------------------------------------------
    "cli_notice_basemap": {"zh": "底图来自 {path}", "en": "basemap from {path}"},
    "cli_notice_no_osm_buildings": {
        "zh": "未给出 --osm：建筑取自方案中的住户，没有街道",
        "en": "no --osm: buildings from the plan's residents, no streets",
    },
    "cli_notice_no_osm": {
        "zh": "未给出 --osm：没有底图（给出 --osm 可显示街道和建筑）",
        "en": "no --osm: no basemap (give --osm for streets and buildings)",
    },
    "cli_notice_staff": {"zh": "网格员：{n:,} 行，来自 {path}", "en": "staff: {n:,} rows from {path}"},
    "cli_notice_micro_file": {"zh": "微网格：{n:,} 个，来自 {path}", "en": "micro grids: {n:,} from {path}"},
    "cli_notice_micro_plan": {"zh": "微网格：{n:,} 个，存于方案中", "en": "micro grids: {n:,} stored in the plan"},
    "cli_notice_font": {"zh": "字体：{family}（{path}）", "en": "font: {family} ({path})"},
    "cli_notice_rendering": {
        "zh": "正在生成 {n:,} 个网格公示牌，写入 {out}",
        "en": "rendering {n:,} notices into {out}",
    },
    "cli_notice_wrote": {
        "zh": "已写入 {n:,} 个网格公示牌到 {out}：notice_<grid_code>.pdf/.png（A4，PNG {dpi:g} dpi）及 {combined}"
        "（共 {n:,} 页），用时 {seconds:.1f} 秒，{workers} 个进程",
        "en": "wrote {n:,} notices to {out}: notice_<grid_code>.pdf/.png (A4, PNG {dpi:g} dpi) and {combined} ({n:,} "
        "pages) in {seconds:.1f} s with {workers} process(es)",
    },
    "cli_notice_unstaffed": {
        "zh": "没有网格员的网格：{n:,} 个{examples}",
        "en": "grids without a 网格员: {n:,}{examples}",
    },
    "cli_notice_no_micro": {"zh": "没有微网格的网格：{n:,} 个", "en": "grids without 微网格: {n:,}"},
    # --- gridmap pair ----------------------------------------------------------------------------------
    "cli_pair_privacy": {
        "zh": "个人信息：这些输出文件标明了弱势群体（独居老人、留守儿童、残疾人）的住址。只提供给为他们服务的人"
        "（最小权限原则）；不要放在共享盘或公开渠道。",
        "en": "PERSONAL DATA: the outputs say where vulnerable people (独居老人, 留守儿童, 残疾人) live. Give them "
        "only to those who serve them (least privilege); keep them off shared drives and public channels.",
    },
    "cli_pair_grids": {
        "zh": "{n:,} 个网格：距离相等时优先同一网格",
        "en": "{n:,} grids: the same grid is preferred at equal distance",
    },
    "cli_pair_residents_stored": {
        "zh": "住户：使用方案中存的住户（{n:,} 个要素）",
        "en": "residents: stored in the plan ({n:,} features)",
    },
    "cli_pair_loading_demo": {
        "zh": "正在载入示例数据（南京新街口，© OpenStreetMap 贡献者，ODbL）；帮扶人为合成数据",
        "en": "loading the demo (Nanjing 新街口, © OpenStreetMap contributors, ODbL); helpers are synthetic",
    },
    "cli_pair_reading": {"zh": "正在读取 {what} {path}", "en": "reading {what} {path}"},
    "cli_pair_within": {
        "zh": "在 {distance:g} 米步行范围内结对，每位帮扶人负责 {per_helper} 人（其 capacity 另有规定的除外）；"
        "住户要素 {residents:,} 个，帮扶人 {helpers:,} 位",
        "en": "pairing within {distance:g} m, {per_helper} people per helper unless its capacity says otherwise; "
        "{residents:,} resident features, {helpers:,} helpers",
    },
    "cli_note": {"zh": "提示：{text}", "en": "note: {text}"},
    "cli_pair_paired": {
        "zh": "{groups} 中 {people:,} 人已结对 {paired:,} 人（{share:.1%}）；候选配对 {candidates:,} 对；"
        "{helpers:,} 位帮扶人中 {used:,} 位承担帮扶",
        "en": "paired {paired:,} of {people:,} people ({share:.1%}) in {groups}; {candidates:,} candidate pairs; "
        "{used:,} of {helpers:,} helpers used",
    },
    "cli_pair_walking": {
        "zh": "步行距离：合计 {km:,.1f} 公里，平均 {mean:,.0f} 米，最长 {longest:,.0f} 米",
        "en": "walking: total {km:,.1f} km, mean {mean:,.0f} m, longest {longest:,.0f} m",
    },
    "cli_pair_same_grid": {
        "zh": "同一网格：{paired:,} 对中有 {same:,} 对",
        "en": "same grid: {same:,} of {paired:,} pairs",
    },
    "cli_pair_unpaired": {"zh": "未结对：{counts}", "en": "unpaired: {counts}"},
    "cli_writing_to_private": {"zh": "正在写入 {out} — {privacy}", "en": "writing to {out} — {privacy}"},
    # --- gridmap staff ---------------------------------------------------------------------------------
    "cli_staff_privacy": {
        "zh": "输出文件含姓名、电话和住址：只提供给需要的人",
        "en": "the outputs hold names, phones and homes: give them only to those who need them",
    },
    "cli_staff_read": {"zh": "已读取 {scope}：{n:,} 行，来自 {path}", "en": "read {scope}: {n:,} rows from {path}"},
    "cli_staff_network": {"zh": "正在读取步行路网 {path}", "en": "walking network from {path}"},
    "cli_staff_result": {
        "zh": "{grids:,} 个网格中 {staffed:,} 个配有网格员（新分配 {assigned:,} 个，{how} {distance:g} "
        "米以内）{stopped}",
        "en": "{staffed:,} of {grids:,} grids have a 网格员 ({assigned:,} newly assigned, within {distance:g} m{how})"
        "{stopped}",
    },
    "cli_staff_walking": {"zh": "步行", "en": " walking"},
    "cli_staff_straight": {"zh": "直线距离", "en": " in a straight line"},
    "cli_staff_time_limit": {
        "zh": "；HiGHS 已到时间上限：采用找到的最佳分配",
        "en": "; HiGHS stopped at its time limit: the best assignment found is used",
    },
    "cli_staff_unstaffed": {
        "zh": "  没有网格员的网格：{n:,} 个 — 见 unstaffed.csv",
        "en": "  without a 网格员: {n:,} grid(s) — see unstaffed.csv",
    },
    "cli_staff_members": {
        "zh": "党员：{members:,} 名；{micro:,} 个微网格中 {covered:,} 个至少有一名党员（{moved:,} "
        "名调整到住址附近的微网格）",
        "en": "党员: {members:,}; {covered:,} of {micro:,} 微网格 with at least one ({moved:,} moved to a 微网格 near "
        "home)",
    },
    # --- the command line's own refusals (printed after 错误： / error:) -------------------------------------
    "cli_err_unify_no_out": {
        "zh": "请给出 --out DIR，或用 --workspace DIR --project NAME 把方案保存到项目中",
        "en": "give --out DIR, or --workspace DIR --project NAME to save the plan into a project",
    },
    "cli_err_exclusive_clash": {
        "zh": "--zones {layer}=… 与 --exclusive 冲突；请给该网格图层另取一个名称",
        "en": "--zones {layer}=… clashes with --exclusive; name that zone layer otherwise",
    },
    "cli_err_units_differ": {
        "zh": "方案 {plan!r} 的单元与项目现有输入数据的单元不同（输入已重新导入，或 --min-unit-area/--min-unit-width "
        "不同）：方案的单元保持不变，请用 --plan 新名称 另建一个方案",
        "en": "the units of plan {plan!r} differ from those of the project's inputs now (inputs re-imported, or other "
        "--min-unit-area/--min-unit-width): a plan keeps its units, so build a new plan with --plan NEW_NAME",
    },
    # --- gridmap workspace, plan, users, serve, assets -------------------------------------------------
    "cli_ws_created": {"zh": "已在 {location} 创建工作区", "en": "workspace created at {location}"},
    "cli_ws_exists": {"zh": "工作区已在 {location}", "en": "workspace already at {location}"},
    "cli_ws_init": {
        "zh": "{where}（{kind}，结构版本 {version}）；{accounts}",
        "en": "{where} ({kind}, layout {version}); {accounts}",
    },
    "cli_ws_kind_postgis": {"zh": "PostGIS，模式 {schema!r}", "en": "PostGIS, schema {schema!r}"},
    "cli_ws_kind_gpkg": {"zh": "GeoPackage 文件夹", "en": "GeoPackage folder"},
    "cli_ws_accounts": {"zh": "{n} 个账户", "en": "{n} account(s)"},
    "cli_ws_open_until": {
        "zh": "在 `gridmap users add` 创建账户之前以开放模式运行（无账户）",
        "en": "it runs open (no accounts) until `gridmap users add` creates one",
    },
    "cli_ws_importing_demo": {
        "zh": "正在导入示例数据（南京新街口，© OpenStreetMap 贡献者，ODbL）",
        "en": "importing the demo (Nanjing 新街口, © OpenStreetMap contributors, ODbL)",
    },
    "cli_ws_read_centers": {"zh": "已读取服务中心：{n:,} 个，来自 {path}", "en": "read centres: {n:,} from {path}"},
    "cli_ws_imported": {
        "zh": "项目 {name!r}（输入数据第 {version} 版，{crs}）：{layers}{osm}",
        "en": "project {name!r} (inputs version {version}, {crs}): {layers}{osm}",
    },
    "cli_ws_with_osm": {"zh": "，OSM 文件", "en": ", OSM file"},
    "cli_ws_list": {
        "zh": "工作区 {location}：{n} 个项目，{accounts}",
        "en": "workspace {location}: {n} project(s), {accounts}",
    },
    "cli_ws_runs_open": {"zh": "无账户（开放模式）", "en": "no accounts (runs open)"},
    "cli_ws_project": {
        "zh": "\n项目 {name}{title} [{crs}；输入数据第 {version} 版]",
        "en": "\nproject {name}{title} [{crs}; inputs version {version}]",
    },
    "cli_ws_no_inputs": {"zh": "无输入数据", "en": "no inputs"},
    "cli_ws_layers": {"zh": "  图层：{layers}{osm}", "en": "  layers: {layers}{osm}"},
    "cli_ws_osm": {"zh": "；有 OSM 文件", "en": "; OSM file"},
    "cli_ws_no_osm": {"zh": "；无 OSM 文件", "en": "; no OSM file"},
    "cli_ws_no_plans": {"zh": "  无方案", "en": "  no plans"},
    "cli_ws_plan": {
        "zh": "  方案 {name}：当前第 {head} 版（共 {last} 版），{units:,} 个单元",
        "en": "  plan {name}: head revision {head} of {last}, {units:,} units",
    },
    "cli_ws_project_of": {
        "zh": "项目 {name}（{workspace}）：输入数据第 {version} 版（{layers}）{osm}",
        "en": "project {name} of {workspace}: inputs version {version} ({layers}){osm}",
    },
    "cli_plan_none": {"zh": "项目 {name!r} 还没有方案", "en": "project {name!r} has no plans yet"},
    "cli_plan_head": {
        "zh": "方案 {name}（项目 {project}）：当前第 {head} 版（共 {last} 版）",
        "en": "plan {name} (project {project}): head revision {head} of {last}",
    },
    "cli_plan_head_mark": {"zh": "  ← 当前版本", "en": "  ← head"},
    "cli_plan_other_events": {"zh": "项目 {name}：其他事件", "en": "project {name}: other events"},
    "cli_users_added": {"zh": "已添加{role} {name}{grants}", "en": "added {role} {name}{grants}"},
    "cli_users_sees_nothing": {
        "zh": "提示：在授权项目之前，{name} 看不到任何项目（gridmap users add … --project NAME）",
        "en": "note: {name} sees no project until one is granted (gridmap users add … --project NAME)",
    },
    "cli_users_passwd": {
        "zh": "{name} 的密码已更改；其登录会话已结束",
        "en": "password of {name} changed; its sessions have ended",
    },
    "cli_users_disabled": {"zh": "{name} 已停用；其登录会话已结束", "en": "{name} disabled; its sessions have ended"},
    "cli_users_enabled": {"zh": "{name} 已启用", "en": "{name} enabled"},
    "cli_users_none": {
        "zh": "没有账户：工作区以开放模式运行（能访问本应用的人都是管理员）",
        "en": "no accounts: the workspace runs open (everyone who reaches the app is an admin)",
    },
    "cli_serve_not_results": {
        "zh": "--results {folder}：不是 gridmap run 的输出文件夹（其中没有 run.json）；请给出 gridmap run 的 --out "
        "文件夹",
        "en": "--results {folder}: not the output folder of a gridmap run (no run.json there); give the --out folder "
        "of gridmap run",
    },
    "cli_serve_workspace": {"zh": "工作区 {location}：{error}", "en": "workspace {location}: {error}"},
    "cli_serve_serving": {
        "zh": "gridmap：正在 http://{address}:{port} 提供工作区 {location}",
        "en": "gridmap: serving workspace {location} at http://{address}:{port}",
    },
    "cli_assets_missing_file": {"zh": "缺少：{path}", "en": "missing: {path}"},
    "cli_assets_complete": {"zh": "{target}：完整", "en": "{target}: complete"},
    "cli_assets_incomplete": {"zh": "{target}：缺少 {n} 个文件", "en": "{target}: {n} file(s) missing"},
    # ======== the rest of the command line's lines (issue 13: one vocabulary) ========
    # --- gridmap.scale.pipeline (gridmap run's progress) -----------------------------------------------
    "prog_run_mosaic": {"zh": "叠加：{n:,} 个面（{seconds:.1f} 秒）", "en": "mosaic: {n:,} faces ({seconds:.1f} s)"},
    "prog_run_grids": {
        "zh": "网格：{units:,} 个单元 → {grids:,} 个网格（{seconds:.1f} 秒）",
        "en": "grids: {units:,} units → {grids:,} grids ({seconds:.1f} s)",
    },
    "prog_run_access": {
        "zh": "可达性：{n:,} 户居民（{seconds:.1f} 秒）",
        "en": "access: {n:,} residents ({seconds:.1f} s)",
    },
    "prog_run_tasks_done": {"zh": "任务：已完成 {done}/{total}", "en": "tasks: {done}/{total} done"},
    "prog_run_tasks_gathered": {
        "zh": "任务：已收集 {done}/{total} 个结果",
        "en": "tasks: {done}/{total} results gathered",
    },
    "prog_run_partitions": {
        "zh": "已按 {by} 写出 {n} 个分区及其余部分到 {folder}（{seconds:.1f} 秒）；缓冲带 {halo:g} 米",
        "en": "wrote {n} partitions by {by} and the remainder to {folder} ({seconds:.1f} s); halo {halo:g} m",
    },
    "prog_run_running": {"zh": "正在 {scheduler} 上运行 {n} 个任务", "en": "running {n} tasks on {scheduler}"},
    "prog_run_access_halo": {
        "zh": "可达性：{exact:,} 户居民在各自分区的缓冲路网上精确计算；{rest:,} 户在整个路网上计算",
        "en": "access: {exact:,} residents exact on their partition's halo network; {rest:,} routed on the whole "
        "network",
    },
    "prog_run_merged": {
        "zh": "已合并：{faces:,} 个面、{units:,} 个单元、{grids:,} 个网格（{seconds:.1f} 秒）",
        "en": "merged: {faces:,} faces, {units:,} units, {grids:,} grids ({seconds:.1f} s)",
    },
    # --- gridmap.cli.run ------------------------------------------------------------------------------
    "cli_run_project_inputs": {
        "zh": "项目的输入数据：{layers}{network}",
        "en": "inputs from the project: {layers}{network}",
    },
    "cli_run_project_network": {"zh": "；路网 {n:,} 个节点", "en": "; network {n:,} nodes"},
    "cli_run_stored": {
        "zh": "已将结果保存到 {location} 的项目 {project}（{rows}；{seconds:.1f} 秒）",
        "en": "stored the results in project {project} of {location} ({rows}; {seconds:.1f} s)",
    },
    # --- gridmap.cli.staff ----------------------------------------------------------------------------
    "cli_staff_plan_of_project": {
        "zh": "项目“{project}”的方案“{plan}”：修订版 {revision}，{grids:,} 个网格",
        "en": "plan {plan!r} of project {project!r}: revision {revision}, {grids:,} grids",
    },
    "cli_staff_kept": {
        "zh": "已保存到项目“{project}”：{layers}（方案“{plan}”，修订版 {revision}）",
        "en": "kept in project {project!r}: {layers} (plan {plan!r}, revision {revision})",
    },
    # --- gridmap.cli.workspace ------------------------------------------------------------------------
    "cli_ws_run_results": {
        "zh": "  运行结果：{written:%Y-%m-%d %H:%M} UTC  {by}  {tables}",
        "en": "  run results: {written:%Y-%m-%d %H:%M} UTC  {by}  {tables}",
    },
    # --- gridmap.present.assets -----------------------------------------------------------------------
    "prog_assets_up_to_date": {"zh": "地图资源：{target} 已是最新", "en": "assets: {target} is up to date"},
    "prog_assets_fetching": {
        "zh": "地图资源：正在从 npm 仓库获取 {n} 个包",
        "en": "assets: fetching {n} packages from the npm registry",
    },
    "prog_assets_installed": {
        "zh": "地图资源：已安装到 {target}（{megabytes:.1f} MB）",
        "en": "assets: installed into {target} ({megabytes:.1f} MB)",
    },
    # issue 16 (s21-people) ------------------------------------------------------------------------------------
    "cli_ws_read_people": {"zh": "已读取 {key}：{n:,} 个要素（{path}）", "en": "read {key}: {n:,} features ({path})"},
    "cli_ws_imported_people": {
        "zh": "项目 {name}：已导入人员图层 {layers}（仅管理员和范围内的规划人员可查看名单）；项目图层：{all}",
        "en": "project {name}: layers of people {layers} imported (only admins and planners in scope read the "
        "lists); the project's layers: {all}",
    },
    "cli_pair_kept": {
        "zh": "已保存到项目 {project}：{layers}（方案 {plan}，版本 {revision}）",
        "en": "kept in project {project}: {layers} (plan {plan}, revision {revision})",
    },
    "cli_pair_kept_message": {
        "zh": "gridmap pair：{people:,} 人中 {paired:,} 人已结对",
        "en": "gridmap pair: {paired:,} of {people:,} people paired",
    },

    # ---- revision summaries: gridmap.workspace.changes.describe (the History panel, gridmap plan log)
    "cli_rev_unassigned": {"zh": "（未分配）", "en": "(unassigned)"},
    "cli_rev_units_in_grids": {"zh": "{units} 个单元，{grids} 个网格", "en": "{units} units in {grids} grids"},
    "cli_rev_unassigned_count": {"zh": "，{n} 个未分配", "en": ", {n} unassigned"},
    "cli_rev_units_moved": {"zh": "移动了 {n} 个单元", "en": "{n} unit(s) moved"},
    "cli_rev_move": {"zh": "  {units} 个单元、{households} 户：{source} → {target}",
                 "en": "  {units} unit(s), {households} households: {source} → {target}"},
    "cli_rev_more_moves": {"zh": "  ……另有 {n} 处移动", "en": "  … and {n} more move(s)"},
    "cli_rev_merged": {"zh": "网格 {grids} 合并入 {into}", "en": "grids {grids} merged into {into}"},
    "cli_rev_split": {"zh": "网格 {grid} 拆分：新网格 {into}", "en": "grid {grid} split: new {into}"},
    "cli_rev_created": {"zh": "新建网格：{grids}", "en": "grid(s) created: {grids}"},
    "cli_rev_removed": {"zh": "删除网格：{grids}", "en": "grid(s) removed: {grids}"},
    "cli_rev_locked": {"zh": "锁定网格：{grids}", "en": "grid(s) locked: {grids}"},
    "cli_rev_unlocked": {"zh": "解锁网格：{grids}", "en": "grid(s) unlocked: {grids}"},
    "cli_rev_band": {"zh": "户数区间改为 {low}–{high}", "en": "household band now {low}–{high}"},
    "cli_rev_renumbered": {"zh": "新网格为与另一次保存并存而重新编号：{pairs}",
                       "en": "new grid(s) renumbered to fit beside the other save: {pairs}"},
    "cli_rev_micro_rebuilt": {"zh": "以下网格的微网格已重新划分（整栋楼宇、不出网格；楼栋长需重新指定）：{grids}",
                          "en": "微网格 made anew (whole buildings, inside the grid; 楼栋长 to be named again) "
                                "in grid(s) {grids}"},
    "cli_rev_micro_dropped": {"zh": "以下网格的微网格已撤销（项目中没有可据以划分的居民数据）：{grids}",
                          "en": "微网格 dropped (the project has no residents to make them from) in grid(s) {grids}"},
    "cli_rev_merged_with": {"zh": "与修订版 {revisions} 合并", "en": "merged with revision(s) {revisions}"},
    "cli_rev_restored": {"zh": "恢复了修订版 {revision}", "en": "revision {revision} restored"},
    "cli_rev_refused": {"zh": "被拒绝：与修订版 {head} 冲突——{reasons}",
                    "en": "refused: conflicts with revision {head} — {reasons}"},
    "cli_rev_no_change": {"zh": "无改动", "en": "no change"},
    # ---- revision kinds and statuses (gridmap plan log, the History panel)
    "cli_rev_kind_build": {"zh": "生成", "en": "build"},
    "cli_rev_kind_save": {"zh": "保存", "en": "save"},
    "cli_rev_kind_merge": {"zh": "合并保存", "en": "merge"},
    "cli_rev_kind_rescue": {"zh": "救援版本", "en": "rescue"},
    "cli_rev_kind_restore": {"zh": "恢复", "en": "restore"},
    "cli_rev_kind_import": {"zh": "导入", "en": "import"},
    "cli_rev_status_complete": {"zh": "完整", "en": "complete"},
    "cli_rev_status_work in progress": {"zh": "未完成", "en": "work in progress"},
    "cli_rev_on_base": {"zh": "（基于第 {base} 版）", "en": " on r{base}"},
    "cli_rev_line": {"zh": "  第 {number} 版 {kind}{base}  {time} UTC  {author}  [{status}]{mark}",
                 "en": "  r{number} {kind}{base}  {time} UTC  {author}  [{status}]{mark}"},
    # ---- gridmap users list
    "cli_users_state_active": {"zh": "正常", "en": "active"},
    "cli_users_state_disabled": {"zh": "已停用", "en": "disabled"},
    "cli_users_state_locked": {"zh": "锁定至 {until}", "en": "locked until {until}"},
    "cli_users_grant_sep": {"zh": "；", "en": "; "},
    "cli_users_grant_scope": {"zh": "范围 {codes}", "en": "scope {codes}"},
    "cli_users_grant_projects": {"zh": "项目 {names}", "en": "projects {names}"},
    # ---- why two saves conflict: gridmap.workspace.merge (stored in the rescue revision's summary)
    "cli_rev_conflict_units": {"zh": "{n} 个单元在两次保存中都被改动", "en": "{n} unit(s) changed in both saves"},
    "cli_rev_conflict_locks": {"zh": "网格在一次保存中被锁定或解锁、在另一次中被改动：{grids}",
                           "en": "grid(s) locked or unlocked in one save and changed in the other: {grids}"},
    "cli_rev_conflict_removed": {"zh": "网格在一次保存中被删除、在另一次中被改动：{grids}",
                             "en": "grid(s) removed in one save and changed in the other: {grids}"},
    "cli_rev_conflict_missing": {"zh": "合并后用到的网格已不存在：{grids}",
                             "en": "grid(s) used but no longer existing: {grids}"},
    "cli_rev_conflict_band": {"zh": "两次保存都改了户数区间（{mine_low}–{mine_high} 与 {theirs_low}–{theirs_high}）",
                          "en": "the household band changed in both saves ({mine_low}–{mine_high} and "
                                "{theirs_low}–{theirs_high})"},
}
