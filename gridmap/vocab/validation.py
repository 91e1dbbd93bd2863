"""The findings of checking a layer, in Chinese and English (part of :data:`gridmap.vocab.CATALOG`).

Each finding is a :class:`gridmap.io.validate.Problem` whose ``message`` is ``Message("val_<code>", …)``
(``code`` is the problem's code, which scripts read and which stays English); it is rendered in the
user's language where it is shown: the command line's report, ``problems.csv``, the app's upload
page. A finding says what is wrong and what to do; both languages take the same parameters (a test
checks). Parameters named ``row``, ``rows`` and ``other_row`` hold file row numbers
(:meth:`gridmap.io.validate.Problem.shifted` moves them to a spreadsheet's own numbering).

Terms: 图层 layer, 字段 column, 要素 feature, 几何 geometry, 坐标参考系 CRS, 辖区 study area,
社区 community, 户数 households, 网格 zone/grid. QGIS menus are named as the Chinese QGIS shows them.
"""

from __future__ import annotations

VALIDATION: dict[str, dict[str, str]] = {
    # --- how a finding is shown ---------------------------------------------------------------------
    "val_where": {"zh": "{source}", "en": "{source}"},
    "val_where_layer": {"zh": "{source}，图层“{layer}”", "en": "{source}, layer '{layer}'"},
    "val_row": {"zh": "第 {row} 行", "en": "row {row}"},
    "val_row_id": {"zh": "第 {row} 行（编号 {id}）", "en": "row {row} (id {id})"},
    "val_column": {"zh": "字段“{column}”", "en": "column '{column}'"},
    "val_severity_error": {"zh": "错误", "en": "error"},
    "val_severity_repaired": {"zh": "已修复", "en": "repaired"},
    "val_severity_warning": {"zh": "警告", "en": "warning"},
    "val_problem_line": {"zh": "[{severity}] {where}：{message}", "en": "[{severity}] {where}: {message}"},
    "val_more_problems": {"zh": "……另有 {n} 个问题", "en": "... and {n} more problems"},
    "val_no_problems": {"zh": "{where}：未发现问题", "en": "{where}: no problems found"},
    "val_note": {"zh": "提示：{line}", "en": "note: {line}"},
    "val_examples": {"zh": "{shown}{more}", "en": "{shown}{more}"},
    "val_in_all": {"zh": " …（共 {n} 个）", "en": " … ({n} in all)"},
    "val_in_parens": {"zh": "（{text}）", "en": " ({text})"},
    # --- the kinds of layer ---------------------------------------------------------------------------
    "val_kind_study_area": {"zh": "辖区", "en": "study area (辖区)"},
    "val_kind_zones": {"zh": "网格图层", "en": "zone layer (网格)"},
    "val_kind_residents": {"zh": "住户", "en": "residents (住户)"},
    "val_kind_centers": {"zh": "服务中心", "en": "service centres (服务中心)"},
    "val_kind_generic": {"zh": "通用图层（仅检查几何与坐标参考系）", "en": "generic layer (geometry and CRS only)"},
    # --- columns, ids, counts, codes ------------------------------------------------------------------
    "val_missing_column": {
        "zh": "{kind}缺少必需字段“{col}”；现有字段：{present}。请在源数据中重命名该字段，或指定字段映射"
        "（gridmap：--map {col}=<您的字段名>）。",
        "en": "required column '{col}' is missing for a {kind}; columns present: {present}. Rename the column in the "
        "source, or map it (gridmap: --map {col}=<your column>).",
    },
    "val_missing_id": {
        "zh": "“{col}”为空。每个要素都须有自己的 {col}，请补填。",
        "en": "'{col}' is empty. Every feature needs its own {col}; fill it in.",
    },
    "val_list_separator_in_id": {
        "zh": "{col}“{value}”含有“{sep}”，而 gridmap 用该符号在一个单元格中列出多个编号（被两个网格覆盖的面、"
        "网格的主网格、outside.geojson），该编号会被读成两个。请替换编号中的“{sep}”（例如改为“-”或“/”）。",
        "en": "{col} '{value}' contains '{sep}', which gridmap uses to list several ids in one cell (a face covered by "
        "two zones, a grid's main zone, outside.geojson): the id would be read as two. Replace '{sep}' in the id "
        "(e.g. with '-' or '/').",
    },
    "val_duplicate_id": {
        "zh": "{col}“{value}”被 {n} 个要素重复使用（第 {rows} 行）。同一图层内每个 {col} 须唯一："
        "请重新编号或合并这些要素。",
        "en": "{col} '{value}' is used by {n} features (rows {rows}). Each {col} must be unique within the layer: "
        "renumber or merge them.",
    },
    "val_not_numeric": {
        "zh": "值 {value!r} 不是数字。“{col}”须为 ≥ 0 的整数。",
        "en": "value {value!r} is not a number. '{col}' must be a whole number ≥ 0.",
    },
    "val_missing_value": {
        "zh": "“{col}”为空。请填入 ≥ 0 的整数（没有则填 0）。",
        "en": "'{col}' is empty. Enter a whole number ≥ 0 (0 if none).",
    },
    "val_negative": {
        "zh": "值 {value:g} 为负数。“{col}”是人数或户数，须 ≥ 0。",
        "en": "value {value:g} is negative. '{col}' counts people or households and must be ≥ 0.",
    },
    "val_not_whole": {
        "zh": "值 {value:g} 不是整数。“{col}”须为 ≥ 0 的整数。",
        "en": "value {value:g} is not a whole number. '{col}' must be a whole count ≥ 0.",
    },
    "val_population_below_households": {
        "zh": "人口 {population:g} 少于户数 {households:g}，而每户至少有一人。请核对这两个字段。",
        "en": "population {population:g} is below households {households:g}; every household has at least one "
        "person. Check both columns.",
    },
    "val_bad_code": {
        "zh": "值 {value!r} 不是 {digits} 位代码（GB/T 2260 县级代码 6 位，街道 3 位，社区 3 位）。请保留前导零："
        "把代码存为文本。",
        "en": "value {value!r} is not a {digits}-digit code (GB/T 2260 county code 6 digits, street 3, community 3). "
        "Keep leading zeros: store codes as text.",
    },
    "val_duplicate_admin_code": {
        "zh": "县级 + 街道 + 社区代码 {code} 被 {n} 个社区重复使用（第 {rows} 行；编号 {ids}）：这些社区的网格会得到"
        "相同的 15 位编码而被合并。请为每个社区赋予各自的代码（GB/T 2260 县级、街道和社区代码）。",
        "en": "county + street + community code {code} is used by {n} communities (rows {rows}; ids {ids}): their "
        "grids would get the same 15-digit codes and be merged. Give every community its own code (GB/T 2260 "
        "county, street and community codes).",
    },
    "val_too_many_uncoded": {
        "zh": "{n} 个社区没有 county_code/street_code/community_code（也没有 12 位的 area_id）：网格编码会把它们依次"
        "编为 000000000001…{most:03d}，而三位数字最多只能容纳 {most} 个。请添加字段 county_code（6 位）、"
        "street_code（3 位）和 community_code（3 位）。",
        "en": "{n} communities have no county_code/street_code/community_code (nor a 12-digit area_id): grid codes "
        "number them 000000000001…{most:03d}, and three digits hold at most {most}. Add the columns county_code "
        "(6 digits), street_code (3) and community_code (3).",
    },
    # --- communities of the study area -----------------------------------------------------------------
    "val_overlapping_areas_repaired": {
        "zh": "与社区 {other}（第 {other_row} 行）重叠 {m2:,.2f} 平方米（占两者中较小者的 {share:.3%}）：一处地方只属于"
        "一个社区，因此本社区让出了重叠部分。如果重叠部分应属于本社区，请修正两者的共同边界。",
        "en": "overlaps community {other} (row {other_row}) by {m2:,.2f} m² ({share:.3%} of the smaller of the two): "
        "a place belongs to one community, so this community gave the overlap up. If the overlap belongs here, "
        "fix the shared boundary.",
    },
    "val_overlapping_areas": {
        "zh": "与社区 {other}（第 {other_row} 行）重叠 {m2:,.0f} 平方米（占两者中较小者的 {share:.1%}）。一处地方只能"
        "属于一个社区：请修正两者的共同边界（QGIS：矢量 ▸ 地理处理工具 ▸ 差异，或使用拓扑检查器的“不得重叠”规则）。"
        "不超过较小社区面积 {limit:.0%} 的重叠会被自动去除并列出。",
        "en": "overlaps community {other} (row {other_row}) by {m2:,.0f} m² ({share:.1%} of the smaller of the two). "
        "A place belongs to exactly one community: fix the shared boundary (QGIS: Vector ▸ Geoprocessing ▸ "
        "Difference, or the Topology Checker rule 'must not overlap'). Overlaps up to {limit:.0%} of the smaller "
        "community are removed and listed instead.",
    },
    # --- coordinates and CRS ----------------------------------------------------------------------------
    "val_swapped_axes": {
        "zh": "坐标 ({x:.6f}, {y:.6f}) 超出经纬度范围：经度和纬度似乎颠倒了（x 应为经度，y 应为纬度）。请对调"
        "两列（两轴）后重新读取。",
        "en": "coordinates ({x:.6f}, {y:.6f}) are outside longitude/latitude range: latitude and longitude look "
        "swapped (x must be longitude, y latitude). Swap the columns/axes and read again.",
    },
    "val_projected_as_geographic": {
        "zh": "坐标 ({x:.1f}, {y:.1f}) 看起来以米为单位，但图层声明的是以度为单位的 {crs}。请指定数据制作时所用的投影"
        "坐标参考系（例如 --crs EPSG:4547，即 CGCS2000 3 度带高斯-克吕格，中央经线 114°E）。",
        "en": "coordinates ({x:.1f}, {y:.1f}) look like metres, but the layer says it is in degrees ({crs}). State "
        "the projected CRS the data was made in (e.g. --crs EPSG:4547 for CGCS2000 / 3-degree GK CM 114E).",
    },
    "val_out_of_range": {
        "zh": "坐标 ({x:.6f}, {y:.6f}) 超出有效范围（经度 ±180，纬度 ±90）。",
        "en": "coordinates ({x:.6f}, {y:.6f}) are outside the valid range (longitude ±180, latitude ±90).",
    },
    "val_lonlat_in_projected_crs": {
        "zh": "所有坐标都在 ±180、±90 以内（第 {row} 行：{x:.6f}, {y:.6f}）：这是以度为单位的经纬度，但图层声明的是以米"
        "为单位的 {crs}{epsg}。若按米读取，整个图层会落在该坐标参考系原点 200 米以内{origin}，不会与任何数据重叠。"
        "请声明为经纬度：GeoJSON 文件请删除旧的 \"crs\" 成员（RFC 7946 GeoJSON 一律为 WGS84 经纬度）；其他文件请把"
        "坐标参考系设为 EPSG:4326 或 EPSG:4490（QGIS：图层 ▸ 设置图层坐标参考系，然后保存）。",
        "en": "every coordinate lies within ±180, ±90 (row {row}: {x:.6f}, {y:.6f}): these are longitude/latitude "
        "degrees, but the layer declares {crs}{epsg}, in metres: read as metres the whole layer would lie within "
        "200 m of that CRS's origin{origin}, and nothing would cover it. Declare lon/lat: in a GeoJSON delete the "
        "old \"crs\" member (RFC 7946 GeoJSON is always WGS84 lon/lat); in other files set the CRS to EPSG:4326 or "
        "EPSG:4490 (QGIS: Layer ▸ Set CRS, then save).",
    },
    "val_origin_web_mercator": {
        "zh": "（对 Web 墨卡托而言，即非洲西海岸外的 0°, 0° 附近）",
        "en": " — near 0°, 0° off West Africa for Web Mercator",
    },
    "val_outside_crs_area": {
        "zh": "坐标 ({x:.1f}, {y:.1f}) 超出 {crs}（EPSG:{epsg}）的适用范围（东经 {west:.0f}°–{east:.0f}°，北纬 "
        "{south:.0f}°–{north:.0f}°）：所声明的坐标参考系很可能有误。{hint}",
        "en": "coordinates ({x:.1f}, {y:.1f}) fall outside where {crs} (EPSG:{epsg}) is used ({west:.0f}–{east:.0f}E, "
        "{south:.0f}–{north:.0f}N): the stated CRS is probably wrong.{hint}",
    },
    "val_hint_zone_prefix": {
        "zh": "东坐标前带有带号（{easting:.0f}）：应为 EPSG:{right}（CGCS2000 3 度带高斯-克吕格第 {zone} 带），"
        "而不是 EPSG:{epsg}。",
        "en": " The eastings carry a zone number in front ({easting:.0f}): that is EPSG:{right} (CGCS2000 3-degree "
        "GK zone {zone}), not EPSG:{epsg}.",
    },
    "val_hint_no_zone_prefix": {
        "zh": "东坐标前没有带号：应为 EPSG:{right}（CGCS2000 3 度带高斯-克吕格，中央经线 {cm}°E）。",
        "en": " The eastings have no zone number in front: that is EPSG:{right} (CGCS2000 3-degree GK CM {cm}E).",
    },
    "val_missing_crs": {
        "zh": "图层没有坐标参考系（例如缺少 .prj 文件）。请指定坐标参考系（gridmap：--crs EPSG:4490 表示 CGCS2000 "
        "经纬度，EPSG:4326 表示 WGS84，EPSG:4547 表示 CGCS2000 3 度带高斯-克吕格中央经线 114°E……），或补上 .prj "
        "文件（QGIS：图层 ▸ 设置图层坐标参考系，然后保存）。",
        "en": "the layer has no coordinate reference system (e.g. the .prj file is missing). State it (gridmap: --crs "
        "EPSG:4490 for CGCS2000 lon/lat, EPSG:4326 for WGS84, EPSG:4547 for CGCS2000 3-degree GK CM 114E …) or add "
        "the .prj (QGIS: Layer ▸ Set CRS, then save).",
    },
    "val_no_features": {"zh": "图层没有要素。", "en": "the layer has no features."},
    # --- geometry ----------------------------------------------------------------------------------------
    "val_dropped_empty": {
        "zh": "要素{what}；已按要求（--drop-empty）略去。",
        "en": "feature has {what}; it was left out as asked (--drop-empty).",
    },
    "val_what_null": {"zh": "没有几何（null）", "en": "no geometry (null)"},
    "val_what_empty": {"zh": "的几何为空", "en": "an empty geometry"},
    "val_null_geometry": {
        "zh": "要素没有几何（null）。请绘制其几何或删除该要素（也可加 --drop-empty 略去此类要素，略去的要素会"
        "列在报告中）。读取器无法转换为多边形的曲线（例如弧段不闭合的 CurvePolygon）读入后也为 null："
        "请在 GIS 中把曲线转换为多边形。",
        "en": "feature has no geometry (null). Draw its geometry or delete the feature (or pass --drop-empty to leave "
        "such features out, listed in the report). A curve the reader cannot turn into a polygon (e.g. a "
        "CurvePolygon whose arcs do not close) also arrives as null: convert curves to polygons in a GIS.",
    },
    "val_empty_geometry": {
        "zh": "要素的几何为空。请绘制其几何或删除该要素（也可加 --drop-empty 略去此类要素，略去的要素会列在报告中）。",
        "en": "feature has an empty geometry. Draw its geometry or delete the feature (or pass --drop-empty to leave "
        "such features out, listed in the report).",
    },
    "val_z_dropped": {
        "zh": "几何含 Z（高程）坐标；gridmap 按二维处理，已去掉 Z 值。",
        "en": "geometry has Z (height) coordinates; gridmap works in 2D, so Z was dropped.",
    },
    "val_wrong_geometry_type_polygon": {
        "zh": "几何类型为 {type}，但{kind}须为 Polygon 或 MultiPolygon。{extra}",
        "en": "geometry is a {type}, but a {kind} needs Polygon or MultiPolygon.{extra}",
    },
    "val_points_not_zones": {
        "zh": "点不能作为网格：请为每个网格提供其边界多边形（例如数字化绘制，或由地块拼合而成），而不是中心点。",
        "en": " Points cannot be zones: give each zone its boundary polygon (e.g. digitise it, or build it from "
        "blocks), not a centre point.",
    },
    "val_lines_not_zones": {
        "zh": "线不能作为网格：请把线闭合为多边形（QGIS：矢量 ▸ 几何工具 ▸ 线转多边形）。",
        "en": " Lines cannot be zones: close them into polygons (QGIS: Lines to polygons).",
    },
    "val_wrong_geometry_type_point": {
        "zh": "几何类型为 {type}，但{kind}须为点（或建筑物多边形，取其面上一点）。",
        "en": "geometry is a {type}, but {kind} must be points (or building polygons, taken at a point on their "
        "surface).",
    },
    "val_wrong_geometry_type_point_or_polygon": {
        "zh": "几何类型为 {type}，但{kind}须为点或建筑物多边形（每栋建筑或每个地址一个要素）。",
        "en": "geometry is a {type}, but {kind} must be points or building polygons (one feature per building or "
        "address).",
    },
    "val_polygon_to_point": {
        "zh": "给出的是多边形；按其面上一点使用。",
        "en": "a polygon was given; it is used at its point on surface.",
    },
    "val_unrepairable_geometry": {
        "zh": "无效多边形（{reason}）修复后没有剩余面积。请重新绘制该要素。",
        "en": "invalid polygon ({reason}) has no area left after repair. Redraw this feature.",
    },
    "val_invalid_geometry": {
        "zh": "无效多边形（{reason}）已用 make_valid 修复，保留多边形部分{change}（面积按图层自身单位计）。请在 GIS 中"
        "检查其形状。",
        "en": "invalid polygon ({reason}) repaired with make_valid, keeping the polygonal part{change} (area in the "
        "layer's own units). Check the shape in a GIS.",
    },
    "val_area_changed": {"zh": "，面积变化 {pct:+.3g}%", "en": "; area changed by {pct:+.3g}%"},
    # --- what reading found (gridmap.io.files, tables, columns, encodings) ------------------------------
    "val_encoding_unknown": {
        "zh": ".dbf 中的文本既不是 UTF-8 也不是 GBK/GB18030，且没有 .cpg 文件；已按 GDAL 的默认方式读取（DBF 的语言"
        "驱动，否则为 ISO-8859-1）。如果名称显示为乱码，请添加注明编码的 .cpg 文件。",
        "en": "the text of the .dbf is neither UTF-8 nor GBK/GB18030 and there is no .cpg; it was read with GDAL's "
        "default (the DBF's language driver, else ISO-8859-1). If names look wrong, add a .cpg naming the encoding.",
    },
    "val_shx_restored": {
        "zh": ".shp 旁的 .shx（索引）文件缺失；GDAL 已根据 .shp 重建（SHAPE_RESTORE_SHX）。请把 {stem}.shx 加入数据，"
        "以免再次重建。",
        "en": "the .shx (index) beside the .shp was missing; GDAL rebuilt it from the .shp (SHAPE_RESTORE_SHX). Add "
        "{stem}.shx to the data to avoid this.",
    },
    "val_duplicate_column": {
        "zh": "第 {letter} 列{why}；已读作“{new}”。",
        "en": "column {letter} {why}; it is read as '{new}'.",
    },
    "val_why_geometry_name": {
        "zh": "名为“geometry”，与点的几何字段同名",
        "en": "is named 'geometry', the name of the points' own column",
    },
    "val_why_repeats": {"zh": "与前面的“{name}”重名", "en": "repeats the name '{name}'"},
    "val_sheet_chosen": {
        "zh": "工作簿有 {n} 个工作表（{sheets}）；只有“{name}”含坐标列，已读取该表（可用 路径#工作表名 指定工作表）。",
        "en": "the workbook has {n} sheets ({sheets}); '{name}' is the only one with coordinate columns and was read "
        "(name a sheet with PATH#SHEET).",
    },
    "val_xy_swapped": {
        "zh": "字段“{x}”存放的是北坐标、“{y}”存放的是东坐标（测量惯例：X 指北、Y 指东），坐标参考系为 {crs}；"
        "已将两者对调。",
        "en": "column '{x}' holds northings and '{y}' eastings (the surveying convention, X north and Y east) for "
        "{crs}; they were swapped.",
    },
    "val_column_case": {
        "zh": "文件中既有“{ours}”又有 {also}；使用名称完全一致的“{ours}”，其他字段保持原样。",
        "en": "the file has '{ours}' and {also}; '{ours}' is used (exact name), the other is kept as it is.",
    },
    "val_column_matched": {
        "zh": "字段“{found}”被用作“{ours}”（字段名匹配时不区分大小写，并忽略首尾空格）。",
        "en": "column '{found}' is used as '{ours}' (names are matched regardless of case and surrounding spaces).",
    },
    # encodings: ``where`` says how the encoding was declared
    "val_declared_by_cpg": {"zh": ".cpg 文件（{name}）", "en": "the .cpg file ({name})"},
    "val_declared_by_option": {"zh": "所指定的编码", "en": "the stated encoding"},
    "val_declared_by_bom": {"zh": "字节顺序标记（BOM）", "en": "the byte-order mark"},
    "val_declared_by_file": {"zh": "文件", "en": "the file"},
    "val_encoding_unknown_name_ascii": {
        "zh": "{where}注明的编码 {declared!r} 是 gridmap 不认识的编码；但文本是纯 ASCII，因此没有影响。",
        "en": "{where} names the encoding {declared!r}, which gridmap does not know; the text is plain ASCII, so "
        "that does not matter.",
    },
    "val_encoding_unknown_name": {
        "zh": "{where}注明的编码 {declared!r} 是 gridmap 不认识的编码；文本可按 {label} 解码，已按此读取。请把{where}"
        "改为 {codec}。",
        "en": "{where} names the encoding {declared!r}, which gridmap does not know; the text decodes as {label} and "
        "was read so. Correct {where} to say {codec}.",
    },
    "val_encoding_unknown_name_undecodable": {
        "zh": "{where}注明的编码 {declared!r} 是 gridmap 不认识的编码，且文本既不是 UTF-8 也不是 GBK/GB18030。",
        "en": "{where} names the encoding {declared!r}, which gridmap does not know, and the text is neither UTF-8 "
        "nor GBK/GB18030.",
    },
    "val_encoding_is_utf8": {
        "zh": "{where}注明为 {label}，但文本是 UTF-8（按 {label} 读取会出现乱码）；已按 UTF-8 读取。"
        "请把{where}改为 UTF-8。",
        "en": "{where} says {label}, but the text is UTF-8 (read as {label} it would be garbled); it was read as "
        "UTF-8. Correct {where} to say UTF-8.",
    },
    "val_encoding_is_gbk": {
        "zh": "{where}注明为 {label}，但非 ASCII 文本是 GBK 双字节字符（按 {label} 读取会出现乱码）；已按 GBK/GB18030 "
        "读取。请把{where}改为 GBK。",
        "en": "{where} says {label}, but the non-ASCII text is GBK double-byte characters (read as {label} the text "
        "would be garbled); it was read as GBK/GB18030. Correct {where} to say GBK.",
    },
    "val_encoding_decodes_as": {
        "zh": "{where}注明为 {label}，但文本不能按 {label} 解码；它可按 {other} 解码，已按此读取。"
        "请把{where}改为 {codec}。",
        "en": "{where} says {label}, but the text does not decode as {label}; it decodes as {other} and was read so. "
        "Correct {where} to say {codec}.",
    },
    "val_encoding_undecodable": {
        "zh": "{where}注明为 {label}，但文本既不能按 {label} 解码，也不能按 UTF-8 或 GBK/GB18030 解码。",
        "en": "{where} says {label}, but the text does not decode as {label}, nor as UTF-8 or GBK/GB18030.",
    },
    # --- people: residents' special groups, helpers (gridmap.people.pairing) ----------------------------
    "val_wrong_geometry_type_home": {
        "zh": "几何类型为 {type}，但{what}须为点或建筑物多边形（取其面上一点）。",
        "en": "geometry is a {type}, but {what} must be points or building polygons (taken at a point on their "
        "surface).",
    },
    "val_what_residents": {"zh": "住户", "en": "residents"},
    "val_what_helpers": {"zh": "帮扶人", "en": "helpers"},
    "val_not_numeric_meaning": {
        "zh": "值 {value!r} 不是数字。“{col}”{meaning}。",
        "en": "value {value!r} is not a number. '{col}' {meaning}.",
    },
    "val_not_whole_meaning": {
        "zh": "值 {value!r} 不是 ≥ 0 的整数。“{col}”{meaning}。",
        "en": "value {value!r} is not a whole number ≥ 0. '{col}' {meaning}.",
    },
    "val_meaning_group": {
        "zh": "是该要素中这一群体的人数：须为 ≥ 0 的整数",
        "en": "counts people of this group in the feature: a whole number ≥ 0",
    },
    "val_meaning_helper_capacity": {
        "zh": "是这位帮扶人可联系的人数：须为 ≥ 0 的整数（留空则用默认值）",
        "en": "is how many people this helper takes: a whole number ≥ 0 (leave it blank for the default)",
    },
    "val_missing_id_helper": {
        "zh": "“{col}”为空。每位帮扶人都须有自己的编号，请补填。",
        "en": "'{col}' is empty. Every helper needs its own id; fill it in.",
    },
    "val_duplicate_id_helper": {
        "zh": "{col}“{value}”被 {n} 位帮扶人重复使用（第 {rows} 行）。每位帮扶人须有唯一的编号。",
        "en": "{col} '{value}' is used by {n} helpers (rows {rows}). Each helper needs a unique id.",
    },
    # --- people: the tables of 网格员, 党员, 驻区单位 (gridmap.people.staffing) ------------------------------
    "val_no_id_column": {
        "zh": "{where}：没有“{col}”字段（现有字段：{present}）。每个{what}都须有编号：请添加该字段或映射您的字段，"
        "例如 --map {col}=编号。",
        "en": "{where}: no '{col}' column (columns: {present}). Every {what} needs an id: add the column or map "
        "yours, e.g. --map {col}=编号.",
    },
    "val_missing_id_table": {
        "zh": "“{col}”为空；每个{what}都须有编号。",
        "en": "'{col}' is empty; every {what} needs an id.",
    },
    "val_duplicate_id_table": {
        "zh": "{col}“{value}”在第 {rows} 行重复出现；每行须有各自的编号。",
        "en": "{col} '{value}' is used by rows {rows}; each needs its own id.",
    },
    "val_bad_number": {
        "zh": "“{col}”为 {value!r}；它{meaning}，须为 ≥ 0 的整数。",
        "en": "'{col}' is {value!r}; it {meaning}: a whole number ≥ 0.",
    },
    "val_meaning_staff_capacity": {"zh": "是此人可服务的户数", "en": "is the households this person can serve"},
    "val_meaning_volunteers": {"zh": "是志愿者人数", "en": "is the number of volunteers"},
    "val_missing_column_staff": {
        "zh": "没有“{col}”字段；网格员表须有 staff_id、name、phone（可用 --map 映射您的字段，例如 --map name=姓名）。",
        "en": "no '{col}' column; a 网格员 table needs staff_id, name, phone (map yours with --map, e.g. "
        "--map name=姓名).",
    },
    "val_bad_value_staff_type": {
        "zh": "“staff_type”为 {value!r}；请填写 专职 或 兼职。",
        "en": "'staff_type' is {value!r}; write 专职 or 兼职.",
    },
    "val_bad_value_role": {
        "zh": "“role”为 {value!r}；请填写 网格长 或 网格员。",
        "en": "'role' is {value!r}; write 网格长 or 网格员.",
    },
    "val_unknown_grid": {
        "zh": "grid_code {codes} 不是本方案中的网格；请填写方案中某个网格的 15 位编码，或留空由系统分配。",
        "en": "grid_code {codes} is not a grid of the plan; give the 15-digit code of a grid in it, or leave it blank "
        "to have one assigned.",
    },

    # ---- why a CRS cannot be the working CRS: gridmap.io.crs.working_crs_problem
    "val_crs_problem_not_projected": {"zh": "{crs} 不是投影坐标系（以度为单位的坐标无法量算米）",
                                  "en": "{crs} is not a projected CRS (coordinates in degrees cannot measure metres)"},
    "val_crs_problem_not_metres": {"zh": "{crs} 的坐标单位是 {unit}，不是米",
                               "en": "{crs} has its coordinates in {unit}, not metres"},
    "val_crs_problem_web_map": {"zh": "{crs} 是网络地图投影（{method}）：在椭球上用球面公式，比例不准",
                            "en": "{crs} is a web-map projection ({method}): spherical formulas on the ellipsoid, "
                                  "not true to scale"},
    "val_crs_problem_outside": {"zh": "{crs} 无法投影这些数据（数据在其适用范围之外）",
                            "en": "{crs} cannot project the data (the data lies outside its area of use)"},
    "val_crs_problem_scale": {"zh": "{crs} 在数据所在处比例不准：长度误差最大 {worst:.1%}，面积误差最大 {area:.0%}"
                                "（工作坐标系须在 {limit:.1%} 以内）",
                          "en": "{crs} is not true to scale at the data: lengths err by up to {worst:.1%} and areas "
                                "by up to {area:.0%} there (a working CRS must stay within {limit:.1%})"},
    "val_crs_problem_hint": {"zh": "；这些数据可用例如 {crs}", "en": "; for this data use e.g. {crs}"},
}
