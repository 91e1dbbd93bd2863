"""The core's error messages, in Chinese and English (part of :data:`gridmap.vocab.CATALOG`).

Each is raised as ``SomeError("err_…", **params)`` (:class:`gridmap.errors.GridmapError`) and rendered
in the user's language when shown. A message says where (file, layer, row, option), what is wrong
and what to do; both languages take the same parameters (a test checks). Keys: ``err_<what>``;
``unit_<unit>`` translates the units :func:`gridmap.errors.check_number` names.

Terms: 图层 layer, 字段 column, 要素 feature, 几何 geometry, 坐标参考系 CRS, 网格 grid/zone,
辖区 study area, 社区 community, 户数 households, 服务中心 service centre, 路网 street network.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the command line's own lines -----------------------------------------------------------
    "err_prefix": {"zh": "错误：", "en": "error: "},
    "err_interrupted": {"zh": "已中断；输出可能不完整。", "en": "interrupted; the outputs may be incomplete."},
    "err_out_of_memory": {
        "zh": "内存不足。请缩小辖区范围，或改用 `gridmap run`（分区计算）。",
        "en": "out of memory. Run on a smaller study area, or use `gridmap run`, which works in partitions.",
    },
    "err_os": {"zh": "{path}：{reason}。", "en": "{path}: {reason}."},
    "err_unexpected": {
        "zh": "意外的 {kind}{detail}。\n  这是 gridmap {version} "
        "的程序缺陷，不是您的操作错误。请报告所运行的命令（如可提供，附上输入文件）；设置 GRIDMAP_DEBUG=1 "
        "可显示详细信息。",
        "en": "unexpected {kind}{detail}.\n  This is a bug in gridmap {version}, not something you did wrong. Please "
        "report it with the command you ran (and the input files if you can share them); GRIDMAP_DEBUG=1 shows the "
        "details.",
    },
    # --- numbers (gridmap.errors.check_number) ------------------------------------------------------
    "err_number": {"zh": "{name} 须为{rule}，实际为 {got}{hint}", "en": "{name} must be {rule}, got {got}{hint}"},
    "err_kind_finite": {"zh": "有限数", "en": "a finite number"},
    "err_kind_whole": {"zh": "整数", "en": "a whole number"},
    "err_kind_of_unit": {"zh": "{kind}（单位：{unit}）", "en": "{kind} of {unit}"},
    "err_rule_with_bounds": {"zh": " {bounds} 的{wanted}", "en": "{wanted} {bounds}"},
    "err_bounds_and": {"zh": " 且 ", "en": " and "},
    "err_bound_above": {"zh": "> {value}", "en": "> {value}"},
    "err_bound_min": {"zh": "≥ {value}", "en": "≥ {value}"},
    "err_bound_max": {"zh": "≤ {value}", "en": "≤ {value}"},
    "err_example": {"zh": "（例如 {example}）", "en": " (e.g. {example})"},
    "unit_metres": {"zh": "米", "en": "metres"},
    "unit_walking metres": {"zh": "步行米", "en": "walking metres"},
    "unit_m²": {"zh": "平方米", "en": "m²"},
    "unit_households": {"zh": "户", "en": "households"},
    "unit_minutes": {"zh": "分钟", "en": "minutes"},
    "unit_seconds": {"zh": "秒", "en": "seconds"},
    "unit_rows": {"zh": "行", "en": "rows"},
    "unit_new sites": {"zh": "个新站点", "en": "new sites"},
    "unit_people": {"zh": "人", "en": "people"},
    "unit_dots per inch": {"zh": "点/英寸", "en": "dots per inch"},
    "unit_processes": {"zh": "个进程", "en": "processes"},
    # --- files ----------------------------------------------------------------------------------------
    "err_no_such_file": {"zh": "{path}：文件不存在。", "en": "{path}: no such file."},
    # --- options and output folders (gridmap.cli) ------------------------------------------------------
    "err_crs_unknown": {
        "zh": "{name} {text} 不是 pyproj 能识别的坐标参考系（{detail}）。请给出 EPSG 代码，例如 EPSG:4490（CGCS2000 "
        "经纬度）、EPSG:4326（WGS84 经纬度）、EPSG:4547（CGCS2000 3 度带高斯-克吕格，中央经线 114°E）或 "
        "EPSG:32650（UTM 50N）。",
        "en": "{name} {text} is not a coordinate reference system pyproj knows ({detail}). Give an EPSG code, e.g. "
        "EPSG:4490 (CGCS2000 lon/lat), EPSG:4326 (WGS84 lon/lat), EPSG:4547 (CGCS2000 3-degree Gauss–Krüger CM 114E) "
        "or EPSG:32650 (UTM 50N).",
    },
    "err_source_unknown": {
        "zh": "{name} {text} 不是 gridmap 认识的坐标来源：请用 "
        "wgs84（GPS、OpenStreetMap、天地图）、gcj02（高德/腾讯，也可写 amap、gaode、tencent、qq）或 "
        "bd09（百度，也可写 baidu）。",
        "en": "{name} {text} is not a coordinate source gridmap knows: use wgs84 (GPS, OpenStreetMap, 天地图), gcj02 "
        "(高德/腾讯: also amap, gaode, tencent, qq) or bd09 (百度: also baidu).",
    },
    "err_band_reversed": {
        "zh": "--min-households {low} 大于 --max-households {high}：每个网格的户数区间须从小到大（例如 {example_low} "
        "和 {example_high}）。",
        "en": "--min-households {low} is above --max-households {high}: the band of households per grid must run from "
        "the smaller to the larger (e.g. {example_low} and {example_high}).",
    },
    "err_os_file_in_way": {"zh": "该位置已有同名文件（不是文件夹）", "en": "a file (not a folder) is in the way"},
    "err_os_no_permission": {"zh": "没有写入权限", "en": "no permission to write there"},
    "err_os_read_only": {"zh": "磁盘为只读", "en": "the disk is read-only"},
    "err_os_disk_full": {"zh": "磁盘已满", "en": "the disk is full"},
    "err_out_is_file": {
        "zh": "{option} {folder}：这是一个文件，不是文件夹。请为输出指定一个文件夹（不存在时会自动创建），例如 "
        "{option} {example}。",
        "en": "{option} {folder}: this is a file, not a folder. Give a folder for the outputs (it is created if "
        "missing), e.g. {option} {example}.",
    },
    "err_out_blocked": {
        "zh": "{option} {folder}：{blocker} 是一个文件，无法在其下创建文件夹。请选择其他输出文件夹。",
        "en": "{option} {folder}: {blocker} is a file, so no folder can be made under it. Choose another output "
        "folder.",
    },
    "err_out_unwritable": {
        "zh": "{option} {folder}：无法写入（{reason}：{detail}）。请选择一个有写入权限的文件夹。",
        "en": "{option} {folder}: cannot write there ({reason}: {detail}). Choose a folder you can write to.",
    },
    "err_out_write_failed": {
        "zh": "无法写入 {target}（{reason}：{detail}）；{folder} 中的输出不完整。请释放磁盘空间或另选 "
        "{option}，然后重新运行。",
        "en": "cannot write {target} ({reason}: {detail}); the outputs in {folder} are incomplete. Free some space or "
        "choose another {option}, and run again.",
    },
    "err_missing_inputs": {"zh": "缺少 {options}（或使用 --demo）", "en": "missing {options} (or use --demo)"},
    "err_zones_name": {
        "zh": "--zones {spec}：图层名 {name} 须为一个词（字母、数字、下划线），例如 party",
        "en": "--zones {spec}: the name {name} must be a word (letters, digits, _), e.g. party",
    },
    "err_zones_twice": {
        "zh": "--zones {spec}：图层名 {name} 重复给出",
        "en": "--zones {spec}: the layer name {name} is given twice",
    },
    "err_command_needs": {
        "zh": "gridmap {command} 需要 {needed}，或使用 --demo",
        "en": "gridmap {command} needs {needed}, or --demo",
    },
    "err_plan_not_found": {"zh": "{path}：找不到方案文件", "en": "{path}: plan file not found"},
    # --- reading files (gridmap.io.files) ------------------------------------------------------------
    "err_zip_absolute": {
        "zh": "{zip}：zip 中的条目“{name}”使用绝对路径，出于安全考虑拒绝此类 zip。请从存放这些文件的文件夹重新打包。",
        "en": "{zip}: the zip entry '{name}' has an absolute path; such zips are refused for safety. Re-create the "
        "zip from the folder holding the files.",
    },
    "err_zip_parent": {
        "zh": "{zip}：zip 中的条目“{name}”指向 zip 之外（“..”），出于安全考虑拒绝此类 "
        "zip。请从存放这些文件的文件夹重新打包。",
        "en": "{zip}: the zip entry '{name}' points outside the zip ('..'); such zips are refused for safety. "
        "Re-create the zip from the folder holding the files.",
    },
    "err_zip_unreadable": {
        "zh": "{zip}：不是可读取的 zip 文件（{detail}）。",
        "en": "{zip}: not a readable zip file ({detail}).",
    },
    "err_zip_too_many": {
        "zh": "{zip}：zip 中有 {n} 个条目，超过上限 {limit} 个。",
        "en": "{zip}: the zip holds {n} entries, more than the limit of {limit}.",
    },
    "err_zip_too_big": {
        "zh": "{zip}：zip 解压后将达 {mb:.0f} MB，超过上限 {limit_mb:.0f} MB。请只上传该图层的文件（.shp .shx .dbf "
        ".prj .cpg）。",
        "en": "{zip}: the zip would expand to {mb:.0f} MB, more than the limit of {limit_mb:.0f} MB. Upload only the "
        "layer's files (.shp .shx .dbf .prj .cpg).",
    },
    "err_zip_no_shp": {
        "zh": "{zip}：zip 中有 {files}，但没有 .shp（Shapefile 的几何文件）；请加入同名的 .shp。",
        "en": "{zip}: the zip holds {files} but no .shp (the geometry of a Shapefile); add the .shp with the same "
        "name.",
    },
    "err_zip_no_layer": {
        "zh": "{zip}：zip 中没有 .shp、.gpkg、.geojson、.csv 或 .xlsx 文件。",
        "en": "{zip}: the zip holds no .shp, .gpkg, .geojson, .csv or .xlsx file.",
    },
    "err_zip_several": {
        "zh": "{zip}：zip 中有多个图层（{names}）；请用 --layer 指定其中一个（不含扩展名的文件名）。",
        "en": "{zip}: the zip holds several layers ({names}); name one with --layer (the file name without extension).",
    },
    "err_dbf_encoding": {
        "zh": "{label}：{note} 请把 DBF 保存时所用的编码（UTF-8、GBK 等）写入 {cpg}，然后重新读取。",
        "en": "{label}: {note} Write the encoding the DBF was saved in into {cpg} (UTF-8, GBK, …) and read it again.",
    },
    "err_not_vector": {
        "zh": "{path}：无法作为矢量文件打开（{detail}）。",
        "en": "{path}: cannot be opened as a vector file ({detail}).",
    },
    "err_no_such_layer": {
        "zh": "{label}：没有名为“{layer}”的图层；文件中的图层：{layers}。",
        "en": "{label}: there is no layer '{layer}'; layers in the file: {layers}.",
    },
    "err_gpkg_several": {
        "zh": "{label}：该 GeoPackage 有 {n} 个图层（{layers}）；请用 --layer 指定其中一个。",
        "en": "{label}: the GeoPackage holds {n} layers ({layers}); name one with --layer.",
    },
    "err_dbf_missing": {
        "zh": "{label}：.shp 旁缺少 .dbf，它存放属性（编号、名称、户数）。请补上 {stem}.dbf（Shapefile 至少包括 "
        ".shp、.shx 和 .dbf）。",
        "en": "{label}: the .dbf beside the .shp is missing — it holds the attributes (ids, names, households). Add "
        "{stem}.dbf (a Shapefile is at least .shp, .shx and .dbf).",
    },
    "err_unreadable": {"zh": "{label}：无法读取（{detail}）。", "en": "{label}: cannot be read ({detail})."},
    "err_unreadable_shp": {
        "zh": "{label}：无法读取（{detail}）。Shapefile 的 .shp 旁须有 .shx 和 .dbf。",
        "en": "{label}: cannot be read ({detail}). A Shapefile needs its .shx and .dbf beside the .shp.",
    },
    "err_crs_conflict": {
        "zh": "{label}：文件声明的坐标参考系为 {declared}（{declared_code}），但指定的是 "
        "{stated}（{stated_code}）。若文件的坐标参考系有误，请修正其 .prj（QGIS：图层 ▸ "
        "设置坐标参考系，然后保存）；否则请去掉指定的坐标参考系，或只为一个输入指定（--crs 输入:坐标系，例如 --crs "
        "residents:EPSG:4547）。",
        "en": "{label}: the file declares {declared} ({declared_code}) but {stated} ({stated_code}) was stated. If "
        "the file's CRS is wrong, fix its .prj (QGIS: Layer ▸ Set CRS, then save); otherwise leave out the stated "
        "CRS, or state it for one input only (--crs INPUT:CRS, e.g. --crs residents:EPSG:4547).",
    },
    "err_source_not_lonlat": {
        "zh": "{label}：来自 {source} 地图的坐标是经纬度，但该图层的坐标参考系为 "
        "{crs}。请去掉坐标来源、以经纬度提供数据，或只为一个输入指定来源（--source 输入:来源，例如 --source "
        "centers:gcj02）。",
        "en": "{label}: coordinates from {source} maps are longitude/latitude, but the layer is in {crs}. Leave out "
        "the source, give the data as lon/lat, or state the source for one input only (--source INPUT:SOURCE, e.g. "
        "--source centers:gcj02).",
    },
    "err_write_no_crs": {
        "zh": "无法写出没有坐标参考系的图层：gridmap 的每个输出都声明其坐标参考系。",
        "en": "cannot write a layer with no CRS: every output of gridmap declares its CRS.",
    },
    # --- reading tables (gridmap.io.tables) ------------------------------------------------------------
    "err_kind_xls": {"zh": "Excel 97–2003 工作簿", "en": "an Excel 97–2003 workbook"},
    "err_kind_et": {"zh": "WPS 表格文件", "en": "a WPS spreadsheet"},
    "err_kind_ods": {"zh": "OpenDocument 电子表格", "en": "an OpenDocument spreadsheet"},
    "err_kind_xlsb": {"zh": "Excel 二进制工作簿", "en": "a binary Excel workbook"},
    "err_kind_numbers": {"zh": "Apple Numbers 文件", "en": "an Apple Numbers file"},
    "err_table_refused": {
        "zh": "{path}：无法读取{kind}；请在 Excel 或 WPS 中打开，另存为 Excel 工作簿（.xlsx）或 CSV UTF-8。",
        "en": "{path}: {kind} cannot be read; open it in Excel or WPS and save it as Excel Workbook (.xlsx) or as CSV "
        "UTF-8.",
    },
    "err_csv_encoding": {
        "zh": "{label}：文本既不是 UTF-8 也不是 GBK/GB18030{note}。请在 Excel 中用 文件 ▸ 另存为 ▸“CSV "
        "UTF-8（逗号分隔）”保存后读取该文件。",
        "en": "{label}: the text is neither UTF-8 nor GBK/GB18030{note}. In Excel use File ▸ Save As ▸ 'CSV UTF-8 "
        "(comma delimited)' and read that file.",
    },
    "err_csv_unreadable": {
        "zh": "{label}：不是可读取的 CSV（{detail}）。请在 Excel 中打开并另存为“CSV UTF-8”。",
        "en": "{label}: not a readable CSV ({detail}). Open it in Excel and save it as 'CSV UTF-8'.",
    },
    "err_xlsx_unreadable_hint": {
        "zh": "{label}：无法作为 Excel 工作簿（.xlsx）读取（{detail}）。设有密码的工作簿须先取消密码保存；旧的 .xls "
        "须另存为 .xlsx。",
        "en": "{label}: cannot be read as an Excel workbook (.xlsx) ({detail}). A password-protected workbook must be "
        "saved without its password; an old .xls must be saved as .xlsx.",
    },
    "err_xlsx_unreadable": {
        "zh": "{label}：无法作为 Excel 工作簿（.xlsx）读取（{detail}）。",
        "en": "{label}: cannot be read as an Excel workbook (.xlsx) ({detail}).",
    },
    "err_mapped_coordinates_missing": {
        "zh": "{label}：指定的坐标列（{asked}）不在表头中；找到的列：{present}。",
        "en": "{label}: the coordinate columns mapped ({asked}) are not in the header; columns found: {present}.",
    },
    "err_no_coordinates": {
        "zh": "{label}：未找到坐标列，该表格无法作为点图层。找到的列：{present}。可识别的列名（不分大小写，可带括号中"
        "的单位）：{accepted}。请重命名这两列，或用 --map lon=<列名> --map lat=<列名> 指定（投影坐标用 x=/y= 并给出 "
        "--crs）。",
        "en": "{label}: no coordinate columns found, so the table cannot be a point layer. Columns found: {present}. "
        "Names accepted (in any case, with or without a unit in brackets): {accepted}. Rename the two columns, or "
        "name them with --map lon=<column> --map lat=<column> (or x=/y= with --crs for projected coordinates).",
    },
    "err_no_lonlat": {"zh": "{label}：没有经纬度列", "en": "{label}: no lon/lat columns"},
    "err_column_at": {"zh": "“{name}”（第 {letter} 列）", "en": "'{name}' (column {letter})"},
    "err_coordinate_ambiguous": {
        "zh": "{label}：有多列可能是 {role} 坐标：{columns}。请只保留一列，或用 --map {role}=<列名> 指定要用的列。",
        "en": "{label}: several columns could hold the {role} coordinate: {columns}. Keep one, or name the one to use "
        "with --map {role}=<column>.",
    },
    "err_lonlat_projected": {
        "zh": "{label}：列“{lon}”/“{lat}”是以度为单位的经纬度，但指定的坐标参考系（{crs}）是投影坐标系。请去掉该坐标参"
        "考系（经纬度默认按 WGS84），或把投影坐标列命名为 x/y。",
        "en": "{label}: the columns '{lon}'/'{lat}' are longitude/latitude in degrees, but the CRS stated ({crs}) is "
        "projected. Leave out the CRS (WGS84 is assumed for lon/lat), or name projected coordinates x/y.",
    },
    "err_xy_no_crs": {
        "zh": "{label}：坐标在列“{x}”/“{y}”（x/y）中，表格无法声明其坐标参考系，请指定，例如 --crs "
        "EPSG:4547（CGCS2000 3 度带高斯-克吕格，中央经线 114°E）、--crs EPSG:4527（高斯-克吕格 39 "
        "带，横坐标前含带号）、--crs EPSG:32650（UTM 50N），若为度则用 --crs EPSG:4326。",
        "en": "{label}: the coordinates are in columns '{x}'/'{y}' (x/y), whose CRS a table cannot declare: state it, "
        "e.g. --crs EPSG:4547 (CGCS2000 3-degree GK CM 114E), --crs EPSG:4527 (GK zone 39, eastings with the zone "
        "number in front), --crs EPSG:32650 (UTM 50N) or --crs EPSG:4326 if they are degrees.",
    },
    "err_csv_one_table": {
        "zh": "{label}：CSV 文件只有一个表，名为“{stem}”；没有图层“{layer}”。",
        "en": "{label}: a CSV file holds one table, named '{stem}'; there is no layer '{layer}'.",
    },
    "err_xlsx_no_sheets": {
        "zh": "{label}：工作簿中没有工作表（只有图表）；请把表格放在工作表中。",
        "en": "{label}: the workbook has no worksheets (only charts); put the table on a worksheet.",
    },
    "err_xlsx_no_such_sheet": {
        "zh": "{label}：工作簿中没有工作表“{layer}”；现有工作表：{sheets}。",
        "en": "{label}: the workbook has no sheet '{layer}'; sheets: {sheets}.",
    },
    "err_sheet": {"zh": "{name}", "en": "{name}"},
    "err_sheet_with_xy": {"zh": "{name}（含坐标）", "en": "{name} (coordinates)"},
    "err_xlsx_several": {
        "zh": "{label}：工作簿有 {n} 个工作表（{sheets}）；请以 {file}#工作表名 指定要读取的一个（例如 "
        "{file}#{example}）。",
        "en": "{label}: the workbook has {n} sheets ({sheets}); name the one to read as {file}#SHEET (for example "
        "{file}#{example}).",
    },
    "err_map_both_coordinates": {
        "zh": "{label}：请同时指定两列坐标，lon= 和 lat=（或 x= 和 y=）；实际给出 {got}。",
        "en": "{label}: map both coordinate columns, lon= and lat= (or x= and y=); got {got}.",
    },
    "err_table_empty": {"zh": "{label}：表格为空。", "en": "{label}: the table is empty."},
    "err_cell": {"zh": "第 {row} 行、列“{column}”：{value}", "en": "row {row}, column '{column}': {value}"},
    "err_more_in_all": {"zh": " …（共 {n} 处）", "en": " … ({n} in all)"},
    "err_coordinates_not_numbers": {
        "zh": "{label}：坐标不是数字——{cells}{more}。请填写十进制度（如 "
        "118.7812）或度分秒（118°46′52″E）；以米为单位的坐标请用 x/y 列并给出 --crs。",
        "en": "{label}: coordinates that are not numbers — {cells}{more}. Enter decimal degrees (e.g. 118.7812) or "
        "degrees-minutes-seconds (118°46′52″E); for metres, x/y with --crs.",
    },
    "err_coordinates_empty": {
        "zh": "{label}：坐标列“{x}”/“{y}”每一行都为空。若其中是公式，请在 Excel 中打开工作簿并保存，使其值被存储。",
        "en": "{label}: the coordinate columns '{x}'/'{y}' are empty in every row. If they hold formulas, open the "
        "workbook in Excel and save it, so their values are stored.",
    },
    # --- reading options and column mappings (gridmap.io.inputs, gridmap.io.columns, gridmap.io.validate) -------
    "err_scope_unknown": {
        "zh": "{option} {given}：“{head}”不是本命令的输入；可用范围：{scopes}（或去掉范围，使其适用于所有输入）。",
        "en": "{option} {given}: '{head}' is not an input of this command; scopes: {scopes} (or leave out the scope "
        "to apply it to every input).",
    },
    "err_map_syntax": {
        "zh": "--map 的格式应为 我方=对方 或 输入:我方=对方（例如 households=户数 或 "
        "residents:households=户数），实际为 {item}",
        "en": "--map expects OURS=THEIRS or INPUT:OURS=THEIRS (e.g. households=户数 or residents:households=户数), "
        "got {item}",
    },
    "err_for_input": {"zh": "（用于 {scope}）", "en": " (for {scope})"},
    "err_crs_option": {
        "zh": "--crs {value}{where}：不是 pyproj 能识别的坐标参考系（{detail}）；请给出 EPSG 代码，例如 "
        "EPSG:4490（CGCS2000 经纬度）、EPSG:4326（WGS84）或 EPSG:4547（CGCS2000 高斯-克吕格，中央经线 114°E）。",
        "en": "--crs {value}{where}: not a CRS pyproj knows ({detail}); give an EPSG code such as EPSG:4490 (CGCS2000 "
        "lon/lat), EPSG:4326 (WGS84) or EPSG:4547 (CGCS2000 GK CM 114E).",
    },
    "err_map_twice": {
        "zh": "--map：“{ours}”被重复对应{where}（{text}）。",
        "en": "--map: '{ours}' is mapped twice{where} ({text}).",
    },
    "err_option_twice": {
        "zh": "{option} 重复给出{where}：{first} 和 {second}。",
        "en": "{option} is given twice{where}: {first} and {second}.",
    },
    "err_map_unused_scope": {
        "zh": "--map {text}：没有从文件读取 {scope} 输入，因此它没有对应任何字段",
        "en": "--map {text}: no {scope} input was read from a file, so it maps nothing",
    },
    "err_map_unused": {
        "zh": "--map {text}：没有任何输入含有字段“{theirs}”",
        "en": "--map {text}: no input has a column '{theirs}'",
    },
    "err_columns_of": {"zh": "{scope} 的字段：{columns}", "en": "{scope} columns: {columns}"},
    "err_in_brackets": {"zh": "（{text}）", "en": " ({text})"},
    "err_map_unused_all": {
        "zh": "{lines}{found}。请检查字段名（与文件表头一致），或去掉该对应。",
        "en": "{lines}{found}. Check the column name (as in the file's header), or leave the mapping out.",
    },
    "err_mapped_case": {
        "zh": "{label}：对应的字段“{theirs}”与 {candidates} 都匹配（名称只差大小写）；请写出确切的名称。",
        "en": "{label}: the mapped column '{theirs}' matches {candidates} (names differ only in case); map the exact "
        "name.",
    },
    "err_mapped_missing": {
        "zh": "{label}：对应的字段“{theirs}”（用于 {ours}）不在文件中；现有字段：{columns}。",
        "en": "{label}: mapped column '{theirs}' (for {ours}) is not in the file; columns present: {columns}.",
    },
    "err_mapped_clash": {
        "zh": "{label}：文件既有字段“{ours}”，又有对应到 {ours} 的“{found}”；请删除或重命名其中一个。",
        "en": "{label}: the file has a column '{ours}' and '{found}', mapped to {ours}; remove or rename one of them.",
    },
    "err_mapped_clash_scope": {
        "zh": "{label}：文件既有字段“{ours}”，又有对应到 {ours} "
        "的“{found}”；请删除或重命名其中一个，或把该对应限定到另一个输入（--map 输入:{ours}={theirs}）。",
        "en": "{label}: the file has a column '{ours}' and '{found}', mapped to {ours}; remove or rename one of them, "
        "or scope the mapping to another input (--map INPUT:{ours}={theirs}).",
    },
    "err_mapped_twice": {
        "zh": "{label}：有两个字段对应到“{ours}”。",
        "en": "{label}: two columns are mapped to '{ours}'.",
    },
    "err_columns_case": {
        "zh": "{label}：忽略大小写时，字段 {candidates} 都与“{ours}”匹配；请只保留一个名称，或用 --map "
        "{ours}=<字段名> 指定其中一个。",
        "en": "{label}: the columns {candidates} all match '{ours}' when case is ignored; rename all but one, or "
        "choose one with --map {ours}=<column>.",
    },
    "err_more_errors": {"zh": "\n……另有 {n} 个错误", "en": "\n... and {n} more errors"},
    "err_layer_problems": {
        "zh": "{where}：有 {n} 个问题须修正后才能使用该图层：\n{lines}{more}",
        "en": "{where}: {n} problem(s) must be fixed before this layer can be used:\n{lines}{more}",
    },
    # --- plans (gridmap.plans) ---------------------------------------------------------------------------
    "err_plan_unknown_units": {"zh": "未知的单元编号：{ids}", "en": "unknown unit id(s): {ids}"},
    "err_plan_no_grid": {"zh": "没有网格 {code}", "en": "there is no grid {code}"},
    "err_role_target": {"zh": "目标网格", "en": "target"},
    "err_role_a merge member": {"zh": "合并对象", "en": "a merge member"},
    "err_role_a split": {"zh": "拆分对象", "en": "a split"},
    "err_plan_locked": {
        "zh": "网格 {code} 已锁定：请先解锁，再将其用作{role}",
        "en": "grid {code} is locked: unlock it before using it as {role}",
    },
    "err_plan_no_prefix": {"zh": "社区 {area} 没有网格编码前缀", "en": "no code prefix for community {area}"},
    "err_plan_codes_full": {
        "zh": "社区 {area} 已没有可用的网格编码（999 个已用完）",
        "en": "community {area} has no free grid code left (999 used)",
    },
    "err_plan_create_empty": {
        "zh": "新建网格至少需要一个不在已锁定网格中的单元",
        "en": "a new grid needs at least one unit that is not in a locked grid",
    },
    "err_plan_merge_two": {"zh": "合并至少需要两个网格", "en": "merge needs at least two grids"},
    "err_plan_split_cross": {
        "zh": "所画的线没有从一边到另一边穿过网格 {code}",
        "en": "the line does not cross grid {code} from edge to edge",
    },
    "err_plan_split_side": {
        "zh": "所画的线把网格 {code} 的全部单元都留在同一侧",
        "en": "the line leaves every unit of grid {code} on one side",
    },
    "err_plan_table_unknown_units": {
        "zh": "表中有未知的单元编号：{ids}",
        "en": "unknown unit id(s) in the table: {ids}",
    },
    "err_assignment_columns": {
        "zh": "{path}：需要字段 unit_id、grid_code（缺少：{missing}）",
        "en": "{path}: needs the columns unit_id,grid_code (missing: {missing})",
    },
    "err_assignment_twice": {"zh": "{path}：单元重复列出：{ids}", "en": "{path}: unit(s) listed twice: {ids}"},
    "err_codes_overlap": {
        "zh": "辖区中有 {n} 块同时属于多个社区（{pieces}）：这些社区在此处重叠。请修正社区边界，使每处只属于一个社区。",
        "en": "{n} piece(s) of the study area belong to several communities at once ({pieces}): the communities "
        "overlap there. Fix their boundaries so that every place belongs to one community.",
    },
    "err_codes_shared": {
        "zh": "有 {n} 个行政区划代码被多个社区共用，例如 {code}（区县 + 街道 + 社区代码）被 {ids} "
        "共用：它们的网格会得到相同的编码。请为每个社区设置各自的 county_code + street_code + community_code。",
        "en": "{n} admin code(s) are shared by several communities, e.g. {code} (county + street + community code) by "
        "{ids}: their grids would get the same codes. Give every community its own county_code + street_code + "
        "community_code.",
    },
    "err_codes_uncoded": {
        "zh": "有 {n} 个社区没有 county_code/street_code/community_code（也没有 12 位 area_id）：它们的顺序号 "
        "000000000001… 将超出社区代码的 3 位数字。请在辖区图层中补上各社区的代码。",
        "en": "{n} communities have no county_code/street_code/community_code (nor a 12-digit area_id): their running "
        "numbers 000000000001… would need more than the 3 digits of a community code. Add the codes of each community "
        "to the study area.",
    },
    "err_codes_sequence": {
        "zh": "社区 {area}：有 {n} 个网格，但网格顺序号只有 3 位（每个社区最多 999 个网格）。请调大 "
        "--min-households/--max-households，或在辖区图层中拆分该社区。",
        "en": "community {area}: {n} grids, but a grid's sequence number has 3 digits (at most 999 grids per "
        "community). Raise --min-households/--max-households, or split the community in the study area.",
    },
    "err_band_order": {
        "zh": "min_households {low} 大于 max_households {high}：户数区间须从小到大",
        "en": "min_households {low} > max_households {high}: the band must run from the smaller number of households "
        "to the larger",
    },
    "err_and_list": {"zh": "{head} 与 {last}", "en": "{head} and {last}"},
    "err_overlap_group": {"zh": "{ids}：{area} 平方米", "en": "{ids}: {area} m²"},
    "err_communities_overlap": {
        "zh": "辖区：有 {n} 组社区相互重叠（{shown}）。每处只能属于一个社区：请修正其边界（对辖区图层运行 gridmap "
        "info 可列出每处重叠及其所在行）。",
        "en": "study area: {n} group(s) of communities overlap ({shown}). A place belongs to exactly one community: "
        "fix their boundaries (gridmap info on the study area lists every overlap with its rows).",
    },
    # --- OSM files and walking (gridmap.io.osm, gridmap.access) ---------------------------------------------
    "err_osm_export_help": {
        "zh": "请重新把辖区的街道导出为 OSM XML（.osm 或 .osm.bz2）：JOSM 文件 ▸ 另存为、openstreetmap.org 导出，或 "
        "Overpass `(way[highway](area);>;);out meta;`；.osm.pbf 须先转换（osmium cat streets.osm.pbf -o "
        "streets.osm）。",
        "en": "Export the streets of the study area again as OSM XML (.osm, or .osm.bz2): JOSM File ▸ Save As, "
        "openstreetmap.org Export, or Overpass `(way[highway](area);>;);out meta;`; a .osm.pbf must be converted "
        "first (osmium cat streets.osm.pbf -o streets.osm).",
    },
    "err_osm_gdal": {"zh": "GDAL 无法识别其为 OSM XML", "en": "GDAL does not recognise it as OSM XML"},
    "err_osm_bz2": {
        "zh": "{path}：bz2 压缩已损坏或文件不完整（{detail}）。请重新下载或导出，或解压（bunzip2）后提供 .osm 文件。",
        "en": "{path}: the bz2 compression is damaged or the file is cut short ({detail}). Download or export it "
        "again, or unpack it (bunzip2) and give the .osm file.",
    },
    "err_osm_empty": {"zh": "文件为空", "en": "the file is empty"},
    "err_osm_not_xml": {
        "zh": "不是可读取的 OSM XML（{detail}）：文件不完整，或不是 XML（是否把错误页面当作数据保存了？）",
        "en": "not readable OSM XML ({detail}): the file is cut short, or not XML (an error page saved instead of the "
        "data?)",
    },
    "err_osm_unusable": {"zh": "{path}：{what}。{help}", "en": "{path}: {what}. {help}"},
    "err_osm_no_elements": {
        "zh": "{path}：文件中没有 OSM 节点或路段（<osm> 元素为空，或是其他类型的 XML）。{help}",
        "en": "{path}: the file holds no OSM nodes or ways (an empty <osm> element, or XML of another kind). {help}",
    },
    "err_osm_missing_nodes": {
        "zh": "{path}：路段引用的节点不在文件中（裁剪导出所致）。请导出完整路段及其节点（JOSM "
        "会一并下载；Overpass：在 `out meta;` 前加 `>;`）。",
        "en": "{path}: ways refer to nodes that are not in the file (clipped export). Export complete ways with their "
        "nodes (JOSM downloads them; Overpass: `>;` before `out meta;`).",
    },
    "err_osm_unreadable": {
        "zh": "{path}：无法作为 OSM XML 读取（{kind}：{detail}）。{help}",
        "en": "{path}: cannot be read as OSM XML ({kind}: {detail}). {help}",
    },
    "err_osm_folder": {
        "zh": "{path}：这是一个文件夹；请给出其中的 OSM 街道文件（.osm 或 .osm.bz2）。",
        "en": "{path}: this is a folder; give the OSM street file in it (.osm or .osm.bz2).",
    },
    "err_osm_no_walkable": {
        "zh": "{path}：文件中没有可步行的路段（标有 highway=* 的路段，机动车专用道和禁止行人的路段除外）。{help}",
        "en": "{path}: no walkable ways in the file (ways tagged highway=*, other than motorways and ways closed to "
        "pedestrians). {help}",
    },
    "err_thresholds_example": {
        "zh": "例如 300, 500, 1000，对应 5/10/15 分钟生活圈",
        "en": "e.g. 300, 500, 1000 for the 5/10/15-minute life circles",
    },
    "err_thresholds_list": {
        "zh": "{name} 须为步行距离（米）的列表（{example}），实际为 {got}",
        "en": "{name} must be a list of walking metres ({example}), got {got}",
    },
    "err_thresholds_increase": {
        "zh": "{name} 须递增且每个距离只出现一次（{example}），实际为 {got}",
        "en": "{name} must increase, each limit once ({example}), got {got}",
    },
    "err_objective": {
        "zh": "objective 须为 'coverage'（覆盖）或 'p_median'（总步行距离最短），实际为 {got}",
        "en": "objective must be 'coverage' or 'p_median', got {got}",
    },
    "err_candidates_osm": {
        "zh": "candidates='public_buildings' 需要 osm_path（OSM 文件）",
        "en": "candidates='public_buildings' needs osm_path (the OSM file)",
    },
    "err_candidates_kind": {
        "zh": "candidates 须为 'nodes'、'public_buildings' 或一个 GeoDataFrame，实际为 {got}",
        "en": "candidates must be 'nodes', 'public_buildings' or a GeoDataFrame, got {got}",
    },
    "err_k_or_target": {"zh": "k 和 target_share 须且只能给出一个", "en": "give exactly one of k and target_share"},
    "err_target_needs_coverage": {
        "zh": "目标覆盖率（target_share、--target）只适用于 coverage 目标；使用 p_median 时请给出站点数（k、--k）",
        "en": "a target share (target_share, --target) works with the coverage objective only; with p_median give a "
        "number of sites (k, --k)",
    },
    "err_method": {
        "zh": "method 须为 'greedy'（贪心）或 'milp'（精确整数规划），实际为 {got}",
        "en": "method must be 'greedy' or 'milp', got {got}",
    },
    # --- pairing helpers with residents (gridmap.people) ---------------------------------------------------
    "err_groups_none": {
        "zh": "{where}：没有任何特殊群体字段 {groups}（现有字段：{columns}）。请对应您的字段，例如 --map "
        "elderly_alone=独居老人，或用 --groups 指定。",
        "en": "{where}: none of the special-group columns {groups} is present (columns: {columns}). Map yours, e.g. "
        "--map elderly_alone=独居老人, or name them with --groups.",
    },
    "err_groups_twice": {"zh": "--groups 重复给出了字段：{groups}", "en": "--groups names a column twice: {groups}"},
    "err_groups_missing": {
        "zh": "{where}：找不到特殊群体字段 {missing}（现有字段：{columns}）。请对应字段，例如 --map "
        "{first}=<您的字段>，或从 --groups 中去掉。",
        "en": "{where}: special-group column(s) {missing} not found (columns: {columns}). Map them, e.g. --map "
        "{first}=<your column>, or leave them out of --groups.",
    },
    "err_helper_id": {
        "zh": "{where}：没有字段“{column}”（现有字段：{columns}）。每位帮扶人员都需要编号：请添加该字段或对应您的字段"
        "，例如 --map {column}=编号。",
        "en": "{where}: no '{column}' column (columns: {columns}). Every helper needs an id: add the column or map "
        "yours, e.g. --map {column}=编号.",
    },
    "err_zone_column": {
        "zh": "网格图层没有字段“{column}”（现有字段：{columns}）",
        "en": "zone layer has no '{column}' column (columns: {columns})",
    },
    "err_pair_no_crs": {
        "zh": "居民和帮扶人员图层都需要坐标参考系（用 --crs 指定，例如 EPSG:4490）",
        "en": "residents and helpers need a CRS (state it with --crs, e.g. EPSG:4490)",
    },
    # --- staff tables and micro grids of the notices (gridmap.present.notice_inputs) -------------------------
    "err_row": {"zh": "第 {rows} 行{more}", "en": "row {rows}{more}"},
    "err_rows": {"zh": "第 {rows} 行{more}", "en": "rows {rows}{more}"},
    "err_and_more": {"zh": "等（另有 {n} 行）", "en": " and {n} more"},
    "err_staff_csv": {
        "zh": "{path}：无法作为 CSV 表格读取（{detail}）。请在 Excel 中另存为“CSV UTF-8”，只保留一行表头。",
        "en": "{path}: cannot be read as a CSV table ({detail}). Save it from Excel as 'CSV UTF-8' with one header "
        "row.",
    },
    "err_staff_encoding": {
        "zh": "{path}：文本既不是 UTF-8 也不是 GBK（{detail}）。请另存为“CSV UTF-8”。",
        "en": "{path}: the text is neither UTF-8 nor GBK ({detail}). Save it as 'CSV UTF-8'.",
    },
    "err_staff_sheet": {
        "zh": "{path}：{detail}。请以 路径#工作表名 指定工作表。",
        "en": "{path}: {detail}. Name the sheet as PATH#SHEET.",
    },
    "err_staff_xls": {
        "zh": "{path}：不读取旧版 Excel .xls 文件；请另存为 .xlsx 或 CSV UTF-8。",
        "en": "{path}: old Excel .xls files are not read; save it as .xlsx or CSV UTF-8.",
    },
    "err_staff_unreadable": {
        "zh": "{path}：无法作为表格或图层读取（{detail}）。请提供 CSV、.xlsx 或 GeoPackage 图层（路径#图层名）。",
        "en": "{path}: cannot be read as a table or layer ({detail}). Give a CSV, an .xlsx or a GeoPackage layer "
        "(PATH#LAYER).",
    },
    "err_staff_columns": {
        "zh": "{source}：缺少字段 {missing}；人员表需要 {needed}（photo 可选）。现有字段：{present}。请重命名，或用 "
        "--map name=姓名 对应。",
        "en": "{source}: missing column(s) {missing}; a staff table needs {needed} (and optionally photo). Columns "
        "present: {present}. Rename them, or map them with --map name=姓名.",
    },
    "err_staff_empty": {"zh": "{rows}：{column} 为空", "en": "{rows}: {column} is empty"},
    "err_staff_role": {
        "zh": "{rows}：role 须为 网格长 或 网格员（实际为 {found}）",
        "en": "{rows}: role must be 网格长 or 网格员 (found {found})",
    },
    "err_staff_scientific": {
        "zh": "——Excel 把编码转成了数字（如 3.20102E+14）：请把该列设为文本格式后重新输入",
        "en": " — Excel turned the codes into numbers (e.g. 3.20102E+14): format the column as text and type them "
        "again",
    },
    "err_staff_code": {
        "zh": "{rows}：grid_code 须为网格的 15 位编码（实际为 {found}）{hint}",
        "en": "{rows}: grid_code must be the grid's 15 digits (found {found}){hint}",
    },
    "err_staff_twice": {
        "zh": "{rows}：同一网格中同一 staff_id 出现两次",
        "en": "{rows}: the same staff_id is listed twice for the same grid",
    },
    "err_staff_names": {
        "zh": "{rows}：staff_id {staff_id} 对应不同的姓名（{names}）",
        "en": "{rows}: staff_id {staff_id} has different names ({names})",
    },
    "err_staff_problems": {
        "zh": "{source}：人员表无法使用：\n  {problems}\n（行号按电子表格计：表头为第 1 行）",
        "en": "{source}: the staff table cannot be used:\n  {problems}\n(rows counted as in a spreadsheet: the header "
        "is row 1)",
    },
    "err_staff_no_file": {
        "zh": "{path}：文件不存在（人员表：{columns}、photo）。",
        "en": "{path}: no such file (the staff table: {columns}, photo).",
    },
    "err_micro_columns": {
        "zh": "{source}：缺少字段 {missing}；微网格图层需要 {needed}（building_head、building_head_phone "
        "可选）。现有字段：{present}。",
        "en": "{source}: missing column(s) {missing}; a micro-grid layer needs {needed} (and optionally "
        "building_head, building_head_phone). Columns present: {present}.",
    },
    "err_micro_code": {
        "zh": "micro_code 须为 17 位（网格编码 + 2 位）：{codes}",
        "en": "micro_code must be 17 digits (the grid code + 2): {codes}",
    },
    "err_micro_grid_code": {"zh": "grid_code 须为 15 位：{codes}", "en": "grid_code must be 15 digits: {codes}"},
    "err_micro_in_grid": {"zh": "{micro}（网格 {grid}）", "en": "{micro} (grid {grid})"},
    "err_micro_prefix": {
        "zh": "micro_code 须以其 grid_code 开头：{pairs}",
        "en": "micro_code must start with its grid_code: {pairs}",
    },
    "err_micro_twice": {"zh": "micro_code 重复：{codes}", "en": "micro_code listed twice: {codes}"},
    "err_micro_households": {
        "zh": "户数须为不小于 0 的整数：微网格 {codes}",
        "en": "households must be whole numbers ≥ 0: micro grids {codes}",
    },
    "err_micro_polygons": {"zh": "微网格须为面：{codes} 不是", "en": "micro grids must be polygons: {codes} are not"},
    "err_micro_problems": {
        "zh": "{source}：微网格图层无法使用：\n  {problems}",
        "en": "{source}: the micro-grid layer cannot be used:\n  {problems}",
    },
    # --- the config file of gridmap run (gridmap.cli.run) ---------------------------------------------------
    "err_config_no_file": {
        "zh": "{where}：{path}：文件不存在。配置中的路径相对于配置文件所在位置。",
        "en": "{where}: {path}: no such file. Paths in the config are relative to the config file.",
    },
    "err_geoparquet": {
        "zh": "{where}：{path}：无法作为 GeoParquet 读取（{detail}）。请用 geopandas 的 to_parquet 写出，或提供 "
        "GeoPackage/GeoJSON/Shapefile。",
        "en": "{where}: {path}: cannot be read as GeoParquet ({detail}). Write it with geopandas' to_parquet, or give "
        "a GeoPackage/GeoJSON/Shapefile.",
    },
    "err_config_value": {"zh": "配置 {path} [{section}]：{detail}", "en": "config {path} [{section}]: {detail}"},
    "err_config_strings": {
        "zh": "配置 [inputs] {key} 须为文本或文本列表，实际为 {got}",
        "en": "config [inputs] {key} must be a string or a list of strings, got {got}",
    },
    "err_config_not_found": {"zh": "找不到配置文件 {path}", "en": "config {path} not found"},
    "err_config_unreadable": {
        "zh": "无法读取配置文件 {path}（{detail}）；请保存为 UTF-8 文本",
        "en": "config {path} cannot be read ({detail}); save it as UTF-8 text",
    },
    "err_config_toml": {
        "zh": "配置文件 {path} 不是有效的 TOML（{detail}）",
        "en": "config {path} is not valid TOML ({detail})",
    },
    "err_config_section": {
        "zh": "配置 {path}：[{section}] 须为由键组成的小节，实际为 {got}",
        "en": "config {path}: [{section}] must be a section of keys, got {got}",
    },
    "err_config_keys": {
        "zh": "配置 {path} [{section}]：未知的键 {unknown}（可用的键：{known}）",
        "en": "config {path} [{section}]: unknown keys {unknown} (known: {known})",
    },
    "err_config_synthetic_inputs": {
        "zh": "{options}：这些是输入文件的选项，但配置 {path} 生成 [synthetic] 模拟城市，不读取任何文件",
        "en": "{options}: options for input files, but the config {path} generates a [synthetic] city and reads none",
    },
    "err_config_no_inputs": {
        "zh": "配置 {path} 需要 [inputs] 或 [synthetic] 小节",
        "en": "config {path} needs an [inputs] or a [synthetic] section",
    },
    "err_config_lacks": {"zh": "配置 {path} [inputs] 缺少 {missing}", "en": "config {path} [inputs] lacks {missing}"},
    "err_config_zones": {
        "zh": '配置 {path} [inputs.zones] 须列出一个或多个网格图层，例如 party = "zones_party.parquet"',
        "en": 'config {path} [inputs.zones] must name one or more zone layers, e.g. party = "zones_party.parquet"',
    },
    "err_config_path": {
        "zh": "配置 {path} [inputs] {key} 须为文件路径（文本），实际为 {got}",
        "en": "config {path} [inputs] {key} must be a file path (text), got {got}",
    },
    "err_config_network_missing": {
        "zh": "配置 {name} [inputs] network：{path}：文件不存在",
        "en": "config {name} [inputs] network: {path}: no such file",
    },
    "err_config_network_bad": {
        "zh": "配置 {name} [inputs] network：{path}：不是由 gridmap.scale.synthetic.save_network "
        "保存的路网（{detail}）；请改为提供 .osm 文件。",
        "en": "config {name} [inputs] network: {path}: not a network saved by gridmap.scale.synthetic.save_network "
        "({detail}); give an .osm file instead.",
    },
    "err_scheduler_local": {
        "zh": "--scheduler {name}：local:N 的冒号后须为不小于 1 的整数（工作进程数），例如 local:2",
        "en": "--scheduler {name}: local:N needs a whole number of worker processes ≥ 1 after the colon, e.g. local:2",
    },
    "err_scheduler_unknown": {
        "zh": "--scheduler {name} 不是 gridmap 认识的调度器：请用 "
        "threads（默认）、processes、sync、single、local:N（N 个工作进程）或正在运行的 dask 调度器地址，例如 "
        "tcp://10.0.0.5:8786",
        "en": "--scheduler {name} is not a scheduler gridmap knows: use threads (default), processes, sync, single, "
        "local:N (N worker processes) or the address of a running dask scheduler, e.g. tcp://10.0.0.5:8786",
    },
    "err_scheduler_silent": {
        "zh": "--scheduler {name}：{seconds} 秒内该地址没有 dask 调度器响应（{kind}：{detail}）。请先启动（dask "
        "scheduler；dask worker 地址），检查地址和端口，或用 --scheduler threads 在本机运行。",
        "en": "--scheduler {name}: no dask scheduler answers there within {seconds} s ({kind}: {detail}). Start it "
        "(dask scheduler; dask worker ADDRESS), check the address and port, or run here with --scheduler threads.",
    },
    # --- partitioned runs and the synthetic city (gridmap.scale) -------------------------------------------
    "err_partition_by": {
        "zh": "partition_by 须为辖区图层的一个字段（street、district、community 等），实际为 {got}",
        "en": "partition_by must name a study-area column (street, district, community …), got {got}",
    },
    "err_pair_numbers": {
        "zh": "{name} 须为两个整数（最小, 最大），例如 [4, 7]，实际为 {got}",
        "en": "{name} must be two whole numbers (min, max), e.g. [4, 7], got {got}",
    },
    "err_pair_order": {
        "zh": "{name} 须为（最小, 最大）且最小 ≤ 最大，实际为 {got}",
        "en": "{name} must be (min, max) with min ≤ max, got {got}",
    },
    "err_origin": {
        "zh": "origin 须为以米为单位的两个坐标 (x, y)，实际为 {got}",
        "en": "origin must be two coordinates (x, y) in metres, got {got}",
    },
    "err_synthetic_crs_unknown": {
        "zh": "crs {crs} 不是 pyproj 能识别的坐标参考系；请给出以米为单位的投影坐标系，例如 EPSG:4549（CGCS2000 3 "
        "度带高斯-克吕格，中央经线 120°E）",
        "en": "crs {crs} is not a CRS pyproj knows; give a projected metric CRS such as EPSG:4549 (CGCS2000 3-degree "
        "Gauss–Krüger CM 120E)",
    },
    "err_synthetic_crs_degrees": {
        "zh": "crs {crs} 不是投影坐标系：模拟城市以米为单位布局（例如 EPSG:4549）",
        "en": "crs {crs} is not projected: the synthetic city is laid out in metres (e.g. EPSG:4549)",
    },
    # --- the other commands (gridmap.cli) ----------------------------------------------------------------
    "err_no_candidates": {"zh": "{path}：没有候选点要素", "en": "{path}: no candidate features"},
    "err_weight_column": {
        "zh": "居民图层没有用于 --weight 的字段 {weight}（数值字段：{numeric}）",
        "en": "residents have no column {weight} for --weight (numeric columns: {numeric})",
    },
    "err_k_or_target_cli": {
        "zh": "请给出 --k N（新增站点数）或 --target 比例（例如 0.95）之一，不能同时给出",
        "en": "give either --k N (number of new sites) or --target SHARE (e.g. 0.95), and not both",
    },
    "err_target_cli": {
        "zh": "--target 只适用于 --objective coverage；使用 p_median 时请给出 --k N",
        "en": "--target works with --objective coverage only; with p_median give --k N",
    },
    "err_osm_not_found": {"zh": "{path}：找不到 OSM 文件", "en": "{path}: OSM file not found"},
    "err_report_needs_plan": {
        "zh": "请给出 --plan 路径（由 `gridmap unify` 写出的 plan.gpkg）或 --demo",
        "en": "give --plan PATH (a plan.gpkg written by `gridmap unify`) or --demo",
    },
    "err_grids_codes": {
        "zh": "--grids 须为以逗号分隔的网格编码，例如 --grids 320102001001001,320102001001002",
        "en": "--grids expects grid codes separated by commas, e.g. --grids 320102001001001,320102001001002",
    },
    "err_notice_needs_plan": {
        "zh": "请给出 --plan 路径（由 `gridmap unify` 或应用写出的 plan.gpkg）或 --demo",
        "en": "give --plan PATH (a plan.gpkg written by `gridmap unify` or the app) or --demo",
    },
    "err_demo_layer": {
        "zh": "--grids-layer {name}：演示数据中没有该图层；其面图层有：{layers}",
        "en": "--grids-layer {name}: the demo has no such layer; its polygon layers: {layers}",
    },
    "err_grid_id": {
        "zh": "网格图层没有字段 {column}；请用 --grid-id 选择一个（现有字段：{columns}）",
        "en": "grid layer has no column {column}; choose one with --grid-id (columns: {columns})",
    },
    "err_named_path": {
        "zh": "{option} 的格式应为 名称=路径（例如 {option} party=party.geojson），实际为 {got}",
        "en": "{option} expects NAME=PATH (e.g. {option} party=party.geojson), got {got}",
    },
    "err_map_not_written": {"zh": "未写出 {name}：{detail}", "en": "{name} not written: {detail}"},
    "err_run_band_order": {
        "zh": "min_households {low} 大于 max_households {high}：户数区间须从小到大",
        "en": "min_households {low} is above max_households {high}: the band must run from the smaller to the larger",
    },
    "err_for_input_plain": {"zh": "（用于 {scope}）", "en": " for {scope}"},
    "err_none": {"zh": "无", "en": "none"},
    "err_none_paren": {"zh": "（无）", "en": "(none)"},
    "err_no_answer": {"zh": "无应答", "en": "no answer"},
    "err_pair_needs": {
        "zh": "gridmap pair 需要 {needed}（或使用 --demo）",
        "en": "gridmap pair needs {needed} (or --demo)",
    },
    "err_plan_in_the_way": {
        "zh": "{detail}；请把它移走，或另选 --out",
        "en": "{detail}; move it away or choose another --out",
    },
    "err_plan_has_edits": {
        "zh": "{path} 中有规划人员做的 {n} 步修改（版本 {revision}）；不加 --force 不会覆盖它",
        "en": "{path} holds {n} edit(s) by planners (revision {revision}); it is not replaced without --force",
    },
    "err_dpi_range": {"zh": "--dpi 须在 50 到 600 之间", "en": "--dpi must be between 50 and 600"},
    "err_grids_unknown": {
        "zh": "--grids：方案中没有网格 {codes}（方案共有 {n:,} 个网格，例如 {examples}）",
        "en": "--grids: no grid {codes} in the plan (it has {n:,} grids, e.g. {examples})",
    },
    "err_worker_died": {
        "zh": "（有工作进程意外退出：请尝试 --workers 1）",
        "en": " (a worker process died: try --workers 1)",
    },
    "err_notices_unwritable": {
        "zh": "无法把公示写入 {out}：{detail}。请确认它是有空闲空间且可写入的文件夹{died}",
        "en": "cannot write the notices to {out}: {detail}. Check that it is a writable folder with free space{died}",
    },
    "err_app_script": {
        "zh": "找不到应用脚本 {path}：请连同 [app] 附加组件重新安装 gridmap",
        "en": "the app script {path} is missing: reinstall gridmap with its [app] extra",
    },
    "err_app_streamlit": {
        "zh": "应用需要 Streamlit：pip install 'gridmap[app]'",
        "en": "the app needs Streamlit: pip install 'gridmap[app]'",
    },
    # ======== the rest of the core's messages (issue 13: one vocabulary), one block per module ========
    # --- gridmap.access.accessibility -----------------------------------------------------------------------
    "err_accessibility_centres_have_no_column": {
        "zh": "服务中心图层没有“{center_id}”字段",
        "en": "centres have no {center_id!r} column",
    },
    "err_accessibility_zone_layer_has_no_column": {
        "zh": "网格图层没有“{zone_id}”字段",
        "en": "zone layer has no {zone_id!r} column",
    },
    "err_accessibility_residents_have_no_column_pass": {
        "zh": "居民图层没有“{zone_id}”字段；请提供网格图层",
        "en": "residents have no {zone_id!r} column; pass a zone layer",
    },
    # --- gridmap.access.network -----------------------------------------------------------------------------
    "err_network_osm_file_not_found": {
        "zh": "{osm_path}：找不到 OSM 文件",
        "en": "{osm_path}: OSM file not found",
    },
    "err_network_walknetwork_needs_projected_metric_crs": {
        "zh": "步行路网须使用投影（米制）坐标参考系，不能是经纬度",
        "en": "a WalkNetwork needs a projected metric CRS, not lon/lat degrees",
    },
    # --- gridmap.access.routing -----------------------------------------------------------------------------
    "err_routing_layer_has_no_crs": {
        "zh": "图层没有坐标参考系",
        "en": "layer has no CRS",
    },
    # --- gridmap.access.siting.candidates -------------------------------------------------------------------
    "err_candidates_candidate_id_values_must_unique": {
        "zh": "candidate_id 的值须唯一",
        "en": "candidate_id values must be unique",
    },
    # --- gridmap.access.siting.problem ----------------------------------------------------------------------
    "err_problem_residents_have_no_column_weight": {
        "zh": "居民图层没有“{weight}”字段（权重：户数、人口，或特殊群体字段，如 {groups}）",
        "en": "residents have no {weight!r} column (weight: households, population or a special-group column such as "
        "{groups})",
    },
    "err_problem_weight_column_has_values_that": {
        "zh": "权重字段“{weight}”有非数字的值",
        "en": "weight column {weight!r} has values that are not numbers",
    },
    "err_problem_column_has_negative_values": {
        "zh": "字段“{col}”有负值",
        "en": "column {col!r} has negative values",
    },
    # --- gridmap.access.siting.solvers ----------------------------------------------------------------------
    "err_solvers_milp_failed": {
        "zh": "整数规划求解失败：{message}",
        "en": "MILP failed: {message}",
    },
    "err_solvers_target_cannot_reached_with_these": {
        "zh": "用这些候选点达不到目标覆盖率",
        "en": "the target cannot be reached with these candidates",
    },
    # --- gridmap.analysis.mosaic ----------------------------------------------------------------------------
    "err_mosaic_build_mosaic_needs_at_least": {
        "zh": "叠加分析至少需要一个网格图层",
        "en": "build_mosaic needs at least one zone layer",
    },
    "err_mosaic_layer_name_must_word_letters": {
        "zh": "图层名“{name}”须为一个词（字母、数字、下划线，不以数字开头）：它用作字段名的前缀",
        "en": "layer name {name!r} must be a word (letters, digits, _; not starting with a digit): it prefixes column "
        "names",
    },
    "err_mosaic_layer_has_no_column": {
        "zh": "图层“{name}”没有“{zone_id}”字段",
        "en": "layer {name!r} has no '{zone_id}' column",
    },
    "err_mosaic_layer_has_no_crs": {
        "zh": "图层“{name}”没有坐标参考系",
        "en": "layer {name!r} has no CRS",
    },
    # --- gridmap.analysis.planar ----------------------------------------------------------------------------
    "err_planar_boundaries_span_more_than_cells": {
        "zh": "边界跨越超过 {max_cells:,} 个边长 {grid_size:g} 的格子",
        "en": "the boundaries span more than {max_cells:,} cells of {grid_size:g}",
    },
    # --- gridmap.app.city_page ------------------------------------------------------------------------------
    "err_city_page_project_results_read_through_workspace": {
        "zh": "{source}：项目的结果须通过工作空间会话读取",
        "en": "{source}: a project's results are read through a workspace session",
    },
    "err_city_page_not_registered_results_folder": {
        "zh": "{source} 不是已登记的结果文件夹",
        "en": "{source} is not a registered results folder",
    },
    # --- gridmap.app.demo_data ------------------------------------------------------------------------------
    "err_demo_data_module_not_available": {
        "zh": "模块 {name} 不可用",
        "en": "module {name} is not available",
    },
    # --- gridmap.cli.checks ---------------------------------------------------------------------------------
    "err_cli_must_share_above_0_and": {
        "zh": "须为大于 0、至多 1（或 100%）的比例，实际为“{text}”",
        "en": "must be a share above 0 and at most 1 (or 100%), got {text!r}",
    },
    "err_cli_expects_share_like_0_95": {
        "zh": "须为比例，如 0.95 或 95%，实际为“{text}”",
        "en": "expects a share like 0.95 or 95%, got {text!r}",
    },
    "err_cli_above_1_give_fraction_from": {
        "zh": "“{text}”大于 1：请给出 0 到 1 之间的小数（0.95）或带 % 的百分数（95%）；如指百分之 {value:g}，请写 "
        "{value:g}%。",
        "en": "{text!r} is above 1: give a fraction from 0 to 1 (0.95) or a percentage with % (95%); write {value:g}% "
        "if you meant {value:g} per cent.",
    },
    # --- gridmap.cli.pair -----------------------------------------------------------------------------------
    "err_cli_per_helper_must_whole_number": {
        "zh": "--per-helper 须为 1 到 {most} 之间的整数（人），实际为“{text}”",
        "en": "--per-helper must be a whole number of people from 1 to {most}, got {text!r}",
    },
    "err_cli_groups_expects_column_names_e": {
        "zh": "--groups 须为字段名，例如 elderly_alone,left_behind_children,disabled",
        "en": "--groups expects column names, e.g. elderly_alone,left_behind_children,disabled",
    },
    "err_cli_must_finite_number_metres_above": {
        "zh": "{option} 须为大于 0、至多 {upper:,.0f} 米的有限数（单位：米），实际为“{text}”",
        "en": "{option} must be a finite number of metres above 0 and at most {upper:,.0f} m, got {text!r}",
    },
    "err_cli_per_helper_expects_whole_number": {
        "zh": "--per-helper 须为整数（人），例如 3，实际为“{text}”",
        "en": "--per-helper expects a whole number of people, e.g. 3, got {text!r}",
    },
    "err_cli_expects_walking_metres_e_g": {
        "zh": "{option} 须为步行距离（米），例如 1000，实际为“{text}”",
        "en": "{option} expects walking metres, e.g. 1000, got {text!r}",
    },
    # --- gridmap.cli.project --------------------------------------------------------------------------------
    "err_cli_workspace_dir_and_project_name": {
        "zh": "--workspace DIR 与 --project NAME 须同时给出",
        "en": "--workspace DIR and --project NAME go together",
    },
    "err_cli_with_workspace_inputs_come_from": {
        "zh": "使用 --workspace 时，输入数据来自项目“{project}”；请去掉 {given}（新的输入数据请用 `gridmap workspace "
        "import` 导入）",
        "en": "with --workspace the inputs come from project {project!r}; leave out {given} (import new inputs with "
        "`gridmap workspace import`)",
    },
    "err_cli_project_has_no_inputs_yet": {
        "zh": "项目“{name}”还没有输入数据：请用 `gridmap workspace import {workspace} --project {name} …` 导入",
        "en": "project {name!r} has no inputs yet: import them with `gridmap workspace import {workspace} --project "
        "{name} …`",
    },
    "err_cli_gridmap_needs_residents_and_project": {
        "zh": "gridmap {command} 需要居民数据，而项目“{project}”没有：请用 `gridmap workspace import … --residents "
        "PATH` 导入",
        "en": "gridmap {command} needs residents, and project {project!r} has none: import them with `gridmap "
        "workspace import … --residents PATH`",
    },
    "err_cli_project_has_no_import_them": {
        "zh": "项目“{project}”缺少：{missing}；请用 `gridmap workspace import {workspace} --project {project} …` 导入",
        "en": "project {project!r} has no {missing}: import them with `gridmap workspace import {workspace} --project "
        "{project} …`",
    },
    "err_cli_project_has_plans_name_one": {
        "zh": "项目“{name}”有 {n_names} 个方案（{names}）：请用 --plan NAME 指定一个",
        "en": "project {name!r} has {n_names} plans ({names}): name one with --plan NAME",
    },
    "err_cli_none": {
        "zh": "无",
        "en": "none",
    },
    # --- gridmap.cli.report ---------------------------------------------------------------------------------
    "err_cli_project_has_no_plan": {
        "zh": "项目“{project}”没有方案“{name}”",
        "en": "project {project!r} has no plan {name!r}",
    },
    "err_cli_staffing_no_staff_grids_csv": {
        "zh": "--staffing {folder}：该处没有 staff_grids.csv；请给出 `gridmap staff` 的 --out 文件夹",
        "en": "--staffing {folder}: no staff_grids.csv there; give the --out folder of `gridmap staff`",
    },
    "err_cli_pairs_no_pairs_csv_give": {
        "zh": "--pairs {pairs}：没有 pairs.csv；请给出 `gridmap pair` 的 --out 文件夹或其中的 pairs.csv",
        "en": "--pairs {pairs}: no pairs.csv; give the --out folder of `gridmap pair` or its pairs.csv",
    },
    "err_cli_cannot_read_as_csv_table": {
        "zh": "{path}：无法作为 CSV 表格读取（{detail}）",
        "en": "{path}: cannot be read as a CSV table ({detail})",
    },
    # --- gridmap.cli.run ------------------------------------------------------------------------------------
    "err_cli_project_has_no_residents_layer": {
        "zh": "项目没有居民图层，配置文件也没有指定输入：请把居民数据导入项目（gridmap workspace import … --residents "
        "PATH），或在配置中给出 [inputs]",
        "en": "the project has no residents layer, and the config names no inputs: import residents into the project "
        "(gridmap workspace import … --residents PATH) or give [inputs]",
    },
    "err_cli_workspace_w_and_project_p": {
        "zh": "--workspace W 与 --project P 须同时给出：结果保存在工作空间 W 的项目 P 中",
        "en": "--workspace W and --project P go together: the results are stored in project P of workspace W",
    },
    "err_cli_config_run_crs_work": {
        "zh": "配置文件 {path} [run] crs_work：{detail}",
        "en": "config {path} [run] crs_work: {detail}",
    },
    "err_cli_gridmap_run_needs_out_dir": {
        "zh": "gridmap run 需要 --out DIR，或 --workspace W --project P 以把结果保存到项目中（也可两者都给）",
        "en": "gridmap run needs --out DIR, or --workspace W --project P to store the results in a project (or both)",
    },
    "err_cli_project_has_no_inputs_and": {
        "zh": "项目“{name}”没有输入数据，配置文件也没有指定：请给出 [inputs] 或 "
        "[synthetic]，或先导入项目的图层（gridmap workspace import）",
        "en": "project {name!r} has no inputs, and the config names none: give [inputs] or [synthetic], or import the "
        "project's layers first (gridmap workspace import)",
    },
    # --- gridmap.cli.serve ----------------------------------------------------------------------------------
    "err_cli_port_expects_whole_number_from": {
        "zh": "--port 须为 1 到 65535 之间的整数，实际为 {port}",
        "en": "--port expects a whole number from 1 to 65535, got {port}",
    },
    "err_cli_port_expects_whole_number_from_2": {
        "zh": "--port 须为 1 到 65535 之间的整数，实际为“{text}”",
        "en": "--port expects a whole number from 1 to 65535, got {text!r}",
    },
    # --- gridmap.cli.staff ----------------------------------------------------------------------------------
    "err_cli_project_has_no_plan_make": {
        "zh": "项目“{project}”没有方案“{name}”：请用 `gridmap unify --workspace {workspace} --project {project} "
        "--micro 10,70` 生成",
        "en": "project {project!r} has no plan {name!r}: make one with `gridmap unify --workspace {workspace} "
        "--project {project} --micro 10,70`",
    },
    "err_cli_project_has_no_layer_staff": {
        "zh": "项目“{project}”没有 staff 图层（网格员）：请用 --staff PATH 给出",
        "en": "project {project!r} has no layer 'staff' (the 网格员): give them with --staff PATH",
    },
    "err_cli_give_plan_plan_gpkg_or": {
        "zh": "请给出 --plan PLAN.gpkg，或 --workspace DIR --project NAME [--plan NAME]",
        "en": "give --plan PLAN.gpkg, or --workspace DIR --project NAME [--plan NAME]",
    },
    "err_cli_give_out_dir_optional_only": {
        "zh": "请给出 --out DIR（只有使用 --workspace 时可省略，结果保存在项目中）",
        "en": "give --out DIR (optional only with --workspace, where the results are kept in the project)",
    },
    "err_cli_give_staff_path": {
        "zh": "请给出 --staff PATH（网格员名单）",
        "en": "give --staff PATH (the 网格员)",
    },
    "err_cli_plan_has_no_so_members": {
        "zh": "{where}：该方案没有微网格，无法把党员安排进微网格；请用 `gridmap unify … --micro 10,70` "
        "生成微网格，或去掉 --members",
        "en": "{where}: the plan has no 微网格, so members cannot be placed in them; make them with `gridmap unify … "
        "--micro 10,70`, or leave out --members",
    },
    # --- gridmap.cli.unify ----------------------------------------------------------------------------------
    "err_cli_exclusive_osm_needs_osm_path": {
        "zh": "--exclusive osm 需要 --osm PATH（OSM XML "
        "文件，其中的学校、医院、市场、公园和工业用地多边形成为专属网格）",
        "en": "--exclusive osm needs --osm PATH (the OSM XML file whose school, hospital, market, park and industrial "
        "polygons become exclusive grids)",
    },
    # --- gridmap.cli.users ----------------------------------------------------------------------------------
    "err_cli_give_password_on_standard_input": {
        "zh": "请用 --password-stdin 从标准输入给出密码（密码从不作为命令行参数）",
        "en": "give the password on standard input with --password-stdin (it is never an argument)",
    },
    "err_cli_two_passwords_differ_nothing_was": {
        "zh": "两次输入的密码不一致；未作任何更改",
        "en": "the two passwords differ; nothing was changed",
    },
    "err_cli_password_stdin_standard_input_holds": {
        "zh": "--password-stdin：标准输入中没有密码（请作为一行给出）",
        "en": "--password-stdin: standard input holds no password (give it as one line)",
    },
    # --- gridmap.cli.workspace ------------------------------------------------------------------------------
    "err_cli_osm_file_not_found": {
        "zh": "{path}：找不到 OSM 文件",
        "en": "{path}: OSM file not found",
    },
    "err_cli_osm_street_file_osm_xml": {
        "zh": "{path}：OSM 路网文件须为 OSM XML（.osm 或 .osm.bz2）；请从 openstreetmap.org 导出，或用 osmium 转换 "
        ".pbf（osmium cat in.pbf -o out.osm）",
        "en": "{path}: an OSM street file is OSM XML (.osm or .osm.bz2); export one from openstreetmap.org or convert "
        "a .pbf with osmium (osmium cat in.pbf -o out.osm)",
    },
    "err_cli_demo_imports_demo_own_layers": {
        "zh": "--demo 导入示例自带的图层；请去掉 {given}",
        "en": "--demo imports the demo's own layers; leave out {given}",
    },
    "err_cli_gridmap_workspace_import_needs_zones": {
        "zh": "gridmap workspace import 需要 --zones NAME=PATH（一个或多个）和 --area PATH，或 --demo，"
        "或人员图层（--staff、--members、--units、--helpers）",
        "en": "gridmap workspace import needs --zones NAME=PATH (one or more) and --area PATH, or --demo, or layers "
        "of people (--staff, --members, --units, --helpers)",
    },
    # --- gridmap.demo ---------------------------------------------------------------------------------------
    "err___init___border_strip_would_empty_zone": {
        "zh": "边界条带会使某个网格变空：请换一种取法",
        "en": "the border strip would empty a zone: choose it differently",
    },
    "err___init___not_found_rebuild_with_python": {
        "zh": "找不到 {path}：请用 `python -m gridmap.demo` 重新生成",
        "en": "{path} not found: rebuild it with `python -m gridmap.demo`",
    },
    # --- gridmap.demo.zones ---------------------------------------------------------------------------------
    "err_zones_blind_spot_would_empty_zones": {
        "zh": "盲区会使网格 {value} 变空",
        "en": "blind spot would empty zones {value}",
    },
    # --- gridmap.io.crs -------------------------------------------------------------------------------------
    "err_crs_unknown_coordinate_source_use_one": {
        "zh": "未知的坐标来源“{name}”：请用 {systems} 之一（高德/腾讯 = gcj02，百度 = bd09）。",
        "en": "Unknown coordinate source {name!r}: use one of {systems} (高德/腾讯 = gcj02, 百度 = bd09).",
    },
    "err_crs_coordinates_must_longitude_latitude_but": {
        "zh": "{source} 坐标须为经纬度，但图层的坐标参考系是 {crs}：网络地图（高德/腾讯/百度）坐标从不是投影坐标。",
        "en": "{source} coordinates must be longitude/latitude, but the layer's CRS is {crs}: web-map "
        "(高德/腾讯/百度) coordinates are never projected.",
    },
    "err_crs_no_layer_with_crs_and": {
        "zh": "没有既有坐标参考系又有几何的图层可用来选择工作坐标参考系",
        "en": "no layer with a CRS and geometry to choose a working CRS for",
    },
    "err_crs_layer_has_no_crs_metric": {
        "zh": "图层没有坐标参考系：只有带地理参照的数据才能选择米制坐标参考系。",
        "en": "The layer has no CRS: a metric CRS can only be chosen for georeferenced data.",
    },
    "err_crs_layer_has_no_geometry_choose": {
        "zh": "图层没有几何，无法选择米制坐标参考系。",
        "en": "The layer has no geometry to choose a metric CRS for.",
    },
    "err_crs_coordinates_that_do_not_reach": {
        "zh": "坐标无法转换为经纬度",
        "en": "coordinates that do not reach lon/lat",
    },
    "err_crs_working_crs_or_leave_working": {
        "zh": "工作坐标参考系 {crs}：{problem}{hint}，或不指定工作坐标参考系，由 gridmap 自动选择",
        "en": "the working CRS {crs}: {problem}{hint}, or leave the working CRS out to have gridmap choose",
    },
    "err_crs_working_crs_not_crs_pyproj": {
        "zh": "工作坐标参考系“{crs}”不是 pyproj 能识别的坐标参考系（{detail}）；请给出 EPSG 代码，例如 "
        "EPSG:4549（CGCS2000 高斯-克吕格，中央经线 120°E）或 EPSG:32650（UTM 50N）",
        "en": "the working CRS {crs!r} is not a CRS pyproj knows ({detail}); give an EPSG code such as EPSG:4549 "
        "(CGCS2000 Gauss–Krüger CM 120°E) or EPSG:32650 (UTM 50N)",
    },
    # --- gridmap.io.files -----------------------------------------------------------------------------------
    "err_files_unknown_output_format_use_geojson": {
        "zh": "{path}：未知的输出格式“{suffix}”；请用 .geojson、.gpkg、.zip（Shapefile）或 .parquet。",
        "en": "{path}: unknown output format '{suffix}'; use .geojson, .gpkg, .zip (Shapefile) or .parquet.",
    },
    # --- gridmap.io.validate --------------------------------------------------------------------------------
    "err_validate_unknown_layer_kind_expected_one": {
        "zh": "未知的图层类型“{kind}”；应为 {kinds} 之一",
        "en": "unknown layer kind {kind!r}; expected one of {kinds}",
    },
    # --- gridmap.people.pairing -----------------------------------------------------------------------------
    "err_pairing_per_helper_must_whole_number": {
        "zh": "per_helper 须为 ≥ 0 的整数，实际为 {per_helper!r}",
        "en": "per_helper must be a whole number ≥ 0, got {per_helper!r}",
    },
    "err_pairing_resolution_m_must_positive_got": {
        "zh": "resolution_m 须为正数，实际为 {resolution_m}",
        "en": "resolution_m must be positive, got {resolution_m}",
    },
    "err_pairing_supplies_capacities_distances_and_penalties": {
        "zh": "供给、容量、距离和惩罚值须 ≥ 0",
        "en": "supplies, capacities, distances and penalties must be ≥ 0",
    },
    "err_pairing_walking_distances_up_m_at": {
        "zh": "步行距离最大 {arc_m:,.0f} 米，按 {resolution_m} 米的精度超出求解器的 64 位成本范围；请选用更粗的精度",
        "en": "walking distances up to {arc_m:,.0f} m at a resolution of {resolution_m} m do not fit the solver's "
        "64-bit costs; choose a coarser resolution",
    },
    "err_pairing_must_finite_number_metres_0": {
        "zh": "{name} 须为大于 0 的有限数（单位：米），实际为 {value!r}",
        "en": "{name} must be a finite number of metres > 0, got {value!r}",
    },
    # --- gridmap.plans.compare ------------------------------------------------------------------------------
    "err_compare_plans_on_different_units_compare": {
        "zh": "两个方案基于不同的基本单元；请比较由同一套单元生成的方案",
        "en": "the plans are on different units; compare plans made from the same units",
    },
    # --- gridmap.plans.exclusive ----------------------------------------------------------------------------
    "err_exclusive_exclusive_range_first_number_must": {
        "zh": "专属网格编号范围 {first}-{last}：起始号不能大于结束号",
        "en": "exclusive range {first}-{last}: the first number must not exceed the last",
    },
    "err_exclusive_exclusive_range_leave_at_least": {
        "zh": "专属网格编号范围 {first}-{last}：至少须为普通网格留出 001",
        "en": "exclusive range {first}-{last}: leave at least 001 to the base grids",
    },
    "err_exclusive_no_such_file_osm_file": {
        "zh": "{path}：文件不存在（读取专属区域所用的 OSM 文件）。",
        "en": "{path}: no such file (the OSM file the exclusive areas are read from).",
    },
    "err_exclusive_exclusive_areas_layer_has_no": {
        "zh": "专属区域：图层没有坐标参考系；请声明（例如 --crs EPSG:4490），或带坐标参考系重新保存",
        "en": "exclusive areas: the layer has no CRS; declare it (e.g. --crs EPSG:4490) or save it with one",
    },
    "err_exclusive_exclusive_range_give_two_sequence": {
        "zh": "专属网格编号范围“{value}”：请以“起始-结束”给出两个序号，例如 901-999",
        "en": "exclusive range {value!r}: give two sequence numbers as FIRST-LAST, e.g. 901-999",
    },
    # --- gridmap.plans.grids --------------------------------------------------------------------------------
    "err_grids_community_grids_but_grid_sequence": {
        "zh": "社区 {a}：{n_mine} 个网格，但网格序号只有 3 位（每个社区至多 {n_sequences} 个网格，编号 "
        "{start:03d}–{stop:03d}）。请调大 --min-households/--max-households，或在辖区图层中拆分该社区。",
        "en": "community {a}: {n_mine} grids, but a grid's sequence number has 3 digits (at most {n_sequences} grids "
        "per community, numbered {start:03d}–{stop:03d}). Raise --min-households/--max-households, or split the "
        "community in the study area.",
    },
    # --- gridmap.plans.micro --------------------------------------------------------------------------------
    "err_micro_micro_min_must_not_exceed": {
        "zh": "--micro {lo},{hi}：MIN 不能大于 MAX",
        "en": "--micro {lo},{hi}: MIN must not exceed MAX",
    },
    "err_micro_micro_give_smallest_and_largest": {
        "zh": "--micro“{value}”：请以 MIN,MAX 给出微网格的最少和最多户数，例如 --micro 10,70",
        "en": "--micro {value!r}: give the smallest and largest households of a micro grid as MIN,MAX, e.g. --micro "
        "10,70",
    },
    "err_micro_grid_micro_grids_but_micro": {
        "zh": "网格 {code}：{n_mine} 个微网格，但微网格编号只有 2 位（至多 99 个）；请调大微网格的户数上限（--micro "
        "{min_households},{larger}）",
        "en": "grid {code}: {n_mine} micro grids, but a micro code has 2 digits (at most 99); raise the largest micro "
        "grid (--micro {min_households},{larger})",
    },
    # --- gridmap.plans.plan ---------------------------------------------------------------------------------
    "err_plan_plan_needs_units_in_projected": {
        "zh": "方案的基本单元须使用投影（米制）坐标参考系",
        "en": "a plan needs units in a projected (metric) CRS",
    },
    "err_plan_unit_id_must_unique": {
        "zh": "unit_id 须唯一",
        "en": "unit_id must be unique",
    },
    "err_plan_community_has_no_free_grid": {
        "zh": "社区 {area_id} 已没有空闲的网格编号（001–{last_free:03d} 已全部使用；{first_exclusive} 起为专属网格）",
        "en": "community {area_id} has no free grid code left (all of 001–{last_free:03d} used; {first_exclusive}– "
        "are exclusive grids)",
    },
    "err_plan_cannot_derive_code_prefix_for": {
        "zh": "无法推导社区 {a} 的编码前缀；请传入 prefixes=",
        "en": "cannot derive a code prefix for community {a}; pass prefixes=",
    },
    # --- gridmap.plans.store --------------------------------------------------------------------------------
    "err_store_not_gridmap_plan_file": {
        "zh": "{path} 不是 gridmap 方案文件",
        "en": "{path} is not a gridmap plan file",
    },
    "err_store_not_gridmap_plan_file_no": {
        "zh": "{path} 不是 gridmap 方案文件（没有可读的 meta 图层：{detail}）",
        "en": "{path} is not a gridmap plan file (no readable 'meta' layer: {detail})",
    },
    "err_store_source_name_must_word_letters": {
        "zh": "来源名“{name}”须为一个词（字母、数字、下划线），例如 zones_party",
        "en": "source name {name!r} must be a word (letters, digits, _), e.g. zones_party",
    },
    "err_store_source_must_geodataframe_with_crs": {
        "zh": "来源“{name}”须为带坐标参考系的 GeoDataFrame",
        "en": "source {name!r} must be a GeoDataFrame with a CRS",
    },
    "err_store_another_process_holds_plan_lock": {
        "zh": "{lock_path}：另一个进程正持有方案锁",
        "en": "{lock_path}: another process holds the plan lock",
    },
    "err_store_holds_another_plan_save_under": {
        "zh": "{path} 中是另一个方案（{value}）；请另存为其他名称，或传入 overwrite=True 覆盖",
        "en": "{path} holds another plan ({value}); save under another name or pass overwrite=True to replace it",
    },
    "err_store_held_by_another_save_for": {
        "zh": "{lock_path}：已被另一次保存占用超过 {timeout:g} 秒",
        "en": "{lock_path}: held by another save for over {timeout:g} s",
    },
    # --- gridmap.plans.units --------------------------------------------------------------------------------
    "err_units_sliver_rule_must_or_or": {
        "zh": "sliver_rule 须为 'or' 或 'and'，实际为 {sliver_rule!r}",
        "en": "sliver_rule must be 'or' or 'and', got {sliver_rule!r}",
    },
    "err_units_units_need_mosaic_faces_built": {
        "zh": "基本单元需要带辖区构建的叠加面（字段 in_study_area、area_id）",
        "en": "units need mosaic faces built with a study area (columns in_study_area, area_id)",
    },
    "err_units_units_need_faces_in_projected": {
        "zh": "基本单元需要投影（米制）坐标参考系中的叠加面",
        "en": "units need faces in a projected (metric) CRS",
    },
    # --- gridmap.present.assets -----------------------------------------------------------------------------
    "err_assets_package_has_no_check_assets": {
        "zh": "{package}：该包中没有 {pattern}；请检查 assets.json",
        "en": "{package}: the package has no {pattern}; check assets.json",
    },
    "err_assets_npm_required_install_map_assets": {
        "zh": "安装地图资源需要 npm（从 npm 仓库或单位的镜像获取）；请安装 Node.js 和 npm 后重新运行",
        "en": "npm is required to install the map assets (it fetches them from the npm registry or the office's "
        "mirror); install Node.js and npm, then run again",
    },
    "err_assets_npm_pack_failed": {
        "zh": "npm pack 失败（{returncode}）：{stderr}",
        "en": "npm pack failed ({returncode}): {stderr}",
    },
    "err_assets_not_installed_check_assets_json": {
        "zh": "未安装：{absent}；请检查 assets.json",
        "en": "not installed: {absent}; check assets.json",
    },
    # --- gridmap.present.maps -------------------------------------------------------------------------------
    "err_maps_layer_has_no_crs_set": {
        "zh": "图层没有坐标参考系：制图前请先设置（例如 gdf.set_crs('EPSG:4326')）",
        "en": "layer has no CRS: set one (e.g. gdf.set_crs('EPSG:4326')) before mapping it",
    },
    "err_maps_columns_not_in_layer": {
        "zh": "图层中没有这些字段：{missing}",
        "en": "columns not in layer: {missing}",
    },
    "err_maps_empty_bounds_layer_has_no": {
        "zh": "范围为空：图层没有几何",
        "en": "empty bounds: the layer has no geometry",
    },
    "err_maps_offline_map_assets_not_installed": {
        "zh": "离线地图资源未安装：{vendor_dir} 不存在；请运行 `gridmap assets` 或 `bash "
        "scripts/install_assets.sh`（从 npm 仓库安装）",
        "en": "offline map assets are not installed: {vendor_dir} does not exist; run `gridmap assets` or `bash "
        "scripts/install_assets.sh` (they install them from the npm registry)",
    },
    "err_maps_offline_map_asset_missing": {
        "zh": "缺少离线地图资源：{path}；请运行 `gridmap assets` 或 `bash scripts/install_assets.sh`（从 npm "
        "仓库安装）",
        "en": "offline map asset missing: {path}; run `gridmap assets` or `bash scripts/install_assets.sh` (they "
        "install them from the npm registry)",
    },
    "err_maps_offline_map_assets_not_installed_2": {
        "zh": "离线地图资源未安装：{vendor} 不存在；请运行 `gridmap assets` 或 `bash scripts/install_assets.sh`（从 "
        "npm 仓库安装）",
        "en": "offline map assets are not installed: {vendor} does not exist; run `gridmap assets` or `bash "
        "scripts/install_assets.sh` (they install them from the npm registry)",
    },
    "err_maps_bounds_layer_has_no_crs": {
        "zh": "范围图层没有坐标参考系",
        "en": "bounds layer has no CRS",
    },
    "err_maps_references_external_resource": {
        "zh": "{rel} 引用了外部资源：{target}",
        "en": "{rel} references an external resource: {target}",
    },
    "err_maps_no_local_copy_add_gridmap": {
        "zh": "{url} 没有本地副本：请把它加入 gridmap/present/assets.json",
        "en": "no local copy of {url}: add it to gridmap/present/assets.json",
    },
    # --- gridmap.present.notice -----------------------------------------------------------------------------
    "err_notice_basemap_or_micro_grid_layer": {
        "zh": "底图或微网格图层没有坐标参考系",
        "en": "a basemap or micro-grid layer has no CRS",
    },
    "err_notice_lang_must_one": {
        "zh": "lang 须为 {langs} 之一",
        "en": "lang must be one of {langs}",
    },
    "err_notice_notices_need_grids_in_projected": {
        "zh": "公示牌需要投影（米制）坐标参考系中的网格，例如 Plan.grids()",
        "en": "notices need the grids in a projected (metric) CRS, e.g. Plan.grids()",
    },
    "err_notice_no_such_non_empty_grid": {
        "zh": "没有这些（非空）网格：{unknown}",
        "en": "no such (non-empty) grid: {unknown}",
    },
    "err_notice_grid_not_in_plan": {
        "zh": "网格 {grid_code} 不在方案中",
        "en": "grid {grid_code} is not in the plan",
    },
    "err_notice_no_notice_prepared_for_grid": {
        "zh": "没有为这些网格准备公示牌：{unknown}",
        "en": "no notice prepared for grid(s) {unknown}",
    },
    "err_notice_no_grid_write_notice_for": {
        "zh": "没有可生成公示牌的网格（方案中没有非空网格）",
        "en": "no grid to write a notice for (the plan has no non-empty grid)",
    },
    "err_notice_point_at_ttf_ttc_with": {
        "zh": "{env}={chosen}：{why}。请指向含 TrueType 轮廓和中文字形的 .ttf/.ttc "
        "字体，或取消该设置以使用已安装的字体。",
        "en": "{env}={chosen}: {why}. Point it at a .ttf/.ttc with TrueType outlines and Chinese glyphs, or unset it "
        "to use an installed font.",
    },
    # --- gridmap.present.report.excel -----------------------------------------------------------------------
    "err_excel_lang_must_one_got": {
        "zh": "lang 须为 {langs} 之一，实际为 {lang!r}",
        "en": "lang must be one of {langs}, got {lang!r}",
    },
    # --- gridmap.present.report.gather ----------------------------------------------------------------------
    "err_gather_people_tables_must_among_got": {
        "zh": "人员表须为 {sections} 之一，实际为 {unknown}",
        "en": "people tables must be among {sections}, got {unknown}",
    },
    # --- gridmap.present.report.html ------------------------------------------------------------------------
    "err_html_lang_must_one_got": {
        "zh": "lang 须为 {langs} 之一，实际为 {lang!r}",
        "en": "lang must be one of {langs}, got {lang!r}",
    },
    # --- gridmap.present.views ------------------------------------------------------------------------------
    "err_views_size_m_must_positive": {
        "zh": "size_m 须为正数",
        "en": "size_m must be positive",
    },
    "err_views_unknown_format_use_one": {
        "zh": "未知的格式“{fmt}”；请用 {formats} 之一",
        "en": "unknown format {fmt!r}; use one of {formats}",
    },
    # --- gridmap.scale.partition ----------------------------------------------------------------------------
    "err_partition_unknown_partition_key_street_district": {
        "zh": "未知的分区依据“{by}”：请用 street、district、community 或辖区图层的某个字段",
        "en": "unknown partition key {by!r}: street, district, community or a study-area column",
    },
    "err_partition_partition_by_study_area_needs": {
        "zh": "按 {by} 分区：辖区图层需要 county_code/street_code 字段或 12 位 area_id",
        "en": "partition by {by}: the study area needs county_code/street_code or 12-digit area_id",
    },
    # --- gridmap.scale.pipeline -----------------------------------------------------------------------------
    "err_pipeline_network_in_another_crs_than": {
        "zh": "路网所用坐标参考系与要求的不同：请给出路网的坐标参考系",
        "en": "the network is in another CRS than the one asked for: give the network's CRS",
    },
    "err_pipeline_halo_access_must_true_or": {
        "zh": "halo_access 须为 true 或 false，实际为 {halo_access!r}",
        "en": "halo_access must be true or false, got {halo_access!r}",
    },
    "err_pipeline_every_input_layer_needs_crs": {
        "zh": "每个输入图层都须有坐标参考系",
        "en": "every input layer needs a CRS",
    },
    # --- gridmap.scale.summary ------------------------------------------------------------------------------
    "err_summary_results_lack_table_store_them": {
        "zh": "结果 {name} 缺少表 {missing}：请用 gridmap run 重新保存",
        "en": "the results {name} lack the table(s) {missing}: store them again with gridmap run",
    },
    "err_summary_results_folder_does_not_exist": {
        "zh": "结果文件夹 {folder} 不存在：请给出 gridmap run 的 --out 文件夹",
        "en": "results folder {folder} does not exist: give the --out folder of a gridmap run",
    },
    "err_summary_results_folder_lacks_was_not": {
        "zh": "结果文件夹 {folder} 缺少 {missing}：它不是由此版本的 gridmap run 写出的；请以 --out 指向该处重新运行",
        "en": "results folder {folder} lacks {missing}: it was not written by this version of gridmap run; run it "
        "again with --out pointing there",
    },
    "err_summary_no_with_key_in_results": {
        "zh": "结果 {name} 中没有键为“{key}”的街道",
        "en": "no 街道 with key {key!r} in the results {name}",
    },
    "err_summary_results_lack_parameters_or_columns": {
        "zh": "结果 {name} 缺少 {detail}（gridmap run 写出的参数或字段）；请重新运行 gridmap run",
        "en": "the results {name} lack {detail} (parameters or columns gridmap run writes); run gridmap run again",
    },
    "err_summary_results_folder_cannot_read_run": {
        "zh": "无法读取结果文件夹 {folder}（{kind}：{value}）；请对该文件夹重新运行 gridmap run",
        "en": "results folder {folder} cannot be read ({kind}: {value}); run gridmap run again into it",
    },
    "err_summary_has_no_grid_code_column": {
        "zh": "{folder} 没有 grid_code 字段（现有字段：{columns}）；请把网格编码所在的字段命名为 grid_code",
        "en": "{folder} has no grid_code column (columns: {columns}); name the column of the grid codes grid_code",
    },
    # --- gridmap.workspace.auth -----------------------------------------------------------------------------
    "err_ws_password_too_short": {
        "zh": "密码至少需要 {minimum} 个字符",
        "en": "a password needs at least {minimum} characters",
    },
    "err_ws_oidc_config": {
        "zh": "[gridmap.oidc]：未知的键 {unknown}；已知的键：{known}",
        "en": "[gridmap.oidc]: unknown key(s) {unknown}; known: {known}",
    },
    "err_ws_account_locked_after_failed_logins": {
        "zh": "账号“{name}”连续 {max_failures} 次登录失败，已锁定至 {locked_until:%Y-%m-%d "
        "%H:%M}（UTC）；请稍后再试，或联系管理员",
        "en": "account {name!r} is locked after {max_failures} failed logins until {locked_until:%Y-%m-%d %H:%M} UTC; "
        "try again later or ask an admin",
    },
    "err_ws_account_locked_after_failed_logins_2": {
        "zh": "账号“{name}”连续 {max_failures} 次登录失败，已锁定至 {until:%Y-%m-%d "
        "%H:%M}（UTC）；请稍后再试，或联系管理员",
        "en": "account {name!r} is locked after {max_failures} failed logins until {until:%Y-%m-%d %H:%M} UTC; try "
        "again later or ask an admin",
    },
    "err_ws_not_logged_in": {
        "zh": "尚未登录",
        "en": "not logged in",
    },
    "err_ws_session_unknown": {
        "zh": "会话已结束：请重新登录",
        "en": "the session has ended: log in again",
    },
    "err_ws_session_expired": {
        "zh": "会话已于 {expires:%Y-%m-%d %H:%M}（UTC）过期：请重新登录",
        "en": "the session expired at {expires:%Y-%m-%d %H:%M} UTC: log in again",
    },
    "err_ws_account_disabled": {
        "zh": "账号已停用：请联系管理员",
        "en": "the account is disabled: ask an admin",
    },
    "err_ws_sso_no_role": {
        "zh": "您在身份认证系统中的账号没有 gridmap 角色（请管理员把您加入某个 gridmap 用户组）",
        "en": "your identity provider's account has no gridmap role (ask an admin to add you to a gridmap group)",
    },
    "err_ws_sso_local_account": {
        "zh": "“{name}”是 gridmap 本地账号：请用其密码登录，或请管理员为其改名",
        "en": "{name!r} is a local gridmap account: log in with its password, or ask an admin to rename it",
    },
    "err_ws_oidc_config_2": {
        "zh": "[gridmap.oidc.roles]：{value}：角色须为 admin、planner 或 viewer",
        "en": "[gridmap.oidc.roles]: {value}: a role is admin, planner or viewer",
    },
    # --- gridmap.workspace.connect --------------------------------------------------------------------------
    "err_ws_postgis_unavailable": {
        "zh": "PostgreSQL 工作空间需要 psycopg 驱动（{detail}）：pip install 'psycopg[binary]' psycopg-pool",
        "en": "PostgreSQL workspaces need the psycopg driver ({detail}): pip install 'psycopg[binary]' psycopg-pool",
    },
    # --- gridmap.workspace.gpkg -----------------------------------------------------------------------------
    "err_ws_unreadable": {
        "zh": "工作空间存储中有一个必填的时间为空（{text!r}）",
        "en": "a required time is empty in the workspace store ({text!r})",
    },
    "err_ws_busy": {
        "zh": "工作空间正忙（{detail}）：另一个程序已占用超过 {seconds:g} "
        "秒；请重试（放在网络共享上的工作空间无法使用）",
        "en": "the workspace is busy ({detail}): another program has held it for over {seconds:g} s; try again (a "
        "workspace on a network share never works)",
    },
    "err_ws_not_a_workspace": {
        "zh": "{folder} 不是 gridmap 工作空间（没有 {marker}）；请用 `gridmap workspace init {folder}` 创建",
        "en": "{folder} is not a gridmap workspace (no {marker}); create one with `gridmap workspace init {folder}`",
    },
    "err_ws_no_plan": {
        "zh": "项目“{project}”没有方案“{plan}”",
        "en": "project {project!r} has no plan {plan!r}",
    },
    "err_ws_not_a_folder": {
        "zh": "{folder} 是文件而不是文件夹；请为工作空间选择一个文件夹",
        "en": "{folder} is a file, not a folder; choose a folder for the workspace",
    },
    "err_ws_folder_not_empty": {
        "zh": "{folder} 不是空文件夹，也不是 gridmap 工作空间；请选择空的或新的文件夹",
        "en": "{folder} is not empty and is not a gridmap workspace; choose an empty or new folder",
    },
    "err_ws_not_a_workspace_2": {
        "zh": "{folder} 不是 gridmap 工作空间（没有 {marker}）；请用 `gridmap workspace init {folder}` 创建",
        "en": "{folder} is not a gridmap workspace (no {marker}); create one with `gridmap workspace init {folder}`",
    },
    "err_ws_not_a_workspace_3": {
        "zh": "{db} 不是 gridmap 工作空间存储",
        "en": "{db} is not a gridmap workspace store",
    },
    "err_ws_newer_layout": {
        "zh": "{folder} 由更新版本的 gridmap 写出（工作空间格式 {version}；本版 gridmap 最高读取 {latest}）：请升级 "
        "gridmap 后再打开",
        "en": "{folder} was written by a newer gridmap (workspace layout {version}; this gridmap reads up to "
        "{latest}): upgrade gridmap to open it",
    },
    "err_ws_no_project": {
        "zh": "没有名为“{name}”的项目",
        "en": "no project named {name!r}",
    },
    "err_ws_no_layer": {
        "zh": "项目“{project}”没有输入图层“{key}”",
        "en": "project {project!r} has no input layer {key!r}",
    },
    "err_ws_no_results": {
        "zh": "项目“{project}”没有运行结果；请用 `gridmap run --config FILE --workspace {location} --project "
        "{project}` 保存",
        "en": "project {project!r} has no run results; store them with `gridmap run --config FILE --workspace "
        "{location} --project {project}`",
    },
    "err_ws_plan_exists": {
        "zh": "项目“{project}”已有名为“{plan}”的方案",
        "en": "project {project!r} has a plan named {plan!r} already",
    },
    "err_ws_no_revision": {
        "zh": "项目“{project}”的方案“{plan}”没有修订版 {number}",
        "en": "plan {plan!r} of project {project!r} has no revision {number}",
    },
    "err_ws_account_exists": {
        "zh": "已有名为“{name}”的账号",
        "en": "an account named {name!r} exists already",
    },
    "err_ws_no_account": {
        "zh": "没有名为“{name}”的账号",
        "en": "no account named {name!r}",
    },
    "err_ws_project_exists": {
        "zh": "已有名为“{name}”的项目",
        "en": "a project named {name!r} exists already",
    },
    "err_ws_no_results_table": {
        "zh": "项目“{project}”的运行结果中没有表 {missing}",
        "en": "the run results of project {project!r} have no table {missing}",
    },
    "err_ws_plan_busy": {
        "zh": "方案“{plan}”正被其他保存占用（{detail}）；请重试",
        "en": "plan {plan!r} is busy with other saves ({detail}); try again",
    },
    "err_ws_no_data": {
        "zh": "方案“{plan}”没有写入修订数据 {data_key}",
        "en": "no revision data {data_key} written for plan {plan!r}",
    },
    "err_ws_plan_at_revision_not": {
        "zh": "方案“{plan}”当前是修订版 {head}，不是 {expected_head}",
        "en": "plan {plan!r} is at revision {head}, not {expected_head}",
    },
    "err_ws_unreadable_2": {
        "zh": "{db} 无法作为工作空间读取：{detail}",
        "en": "{db} cannot be read as a workspace: {detail}",
    },
    # --- gridmap.workspace.merge ----------------------------------------------------------------------------
    "err_ws_no_free_grid_code_left": {
        "zh": "{prefix} 下已没有空闲的网格编码",
        "en": "no free grid code left under {prefix}",
    },
    # --- gridmap.workspace.pgschema -------------------------------------------------------------------------
    "err_ws_not_a_workspace_4": {
        "zh": "{location} 中没有 gridmap 工作空间；请用 `gridmap workspace init {location}` 创建",
        "en": "{location} holds no gridmap workspace; create one with `gridmap workspace init {location}`",
    },
    "err_ws_newer_layout_2": {
        "zh": "{location} 由更新版本的 gridmap 写出（数据库结构版本 {version}；本版 gridmap 最高识别 "
        "{latest}）：请升级 gridmap 后再打开",
        "en": "{location} was written by a newer gridmap (database schema version {version}; this gridmap knows up to "
        "{latest}): upgrade gridmap to open it",
    },
    # --- gridmap.workspace.postgis --------------------------------------------------------------------------
    "err_ws_bad_schema": {
        "zh": "{url}：schema 名为空；请写 ?schema=NAME，或省略",
        "en": "{url}: the schema name is empty; write ?schema=NAME or leave it out",
    },
    "err_ws_schema_not_empty": {
        "zh": "{location} 的 schema“{schema}”中有其他表，不是 gridmap 工作空间；请用 ?schema=NAME 另选 schema",
        "en": "schema {schema!r} of {location} holds other tables and is not a gridmap workspace; choose another "
        "schema with ?schema=NAME",
    },
    "err_ws_not_a_workspace_5": {
        "zh": "{location} 的 schema“{schema}”不是 gridmap 工作空间存储",
        "en": "schema {schema!r} of {location} is not a gridmap workspace store",
    },
    "err_ws_no_project_2": {
        "zh": "没有名为“{project}”的项目",
        "en": "no project named {project!r}",
    },
    "err_ws_no_crs": {
        "zh": "方案“{plan}”的基本单元没有坐标参考系",
        "en": "the units of plan {plan!r} have no CRS",
    },
    "err_ws_no_privilege": {
        "zh": "{location}：该用户无权修改 schema“{schema}”（{detail}）；请由其所有者运行 `gridmap workspace init`",
        "en": "{location}: this user may not change schema {schema!r} ({detail}); let an owner run `gridmap workspace "
        "init`",
    },
    "err_ws_no_crs_2": {
        "zh": "图层“{key}”没有坐标参考系：gridmap 保存的每个图层都须声明坐标参考系",
        "en": "layer {key!r} has no CRS: every layer gridmap stores declares its CRS",
    },
    "err_ws_plan_busy_2": {
        "zh": "方案“{plan}”正被其他保存占用（已等待 {seconds:g} 秒）；请重试",
        "en": "plan {plan!r} is busy with other saves (waited {seconds:g} s); try again",
    },
    "err_ws_no_postgis": {
        "zh": "{location}：数据库没有 PostGIS，该用户也无法添加（{detail}）；请数据库管理员在其中运行 CREATE "
        "EXTENSION postgis",
        "en": "{location}: the database has no PostGIS and this user cannot add it ({detail}); ask its administrator "
        "to run CREATE EXTENSION postgis in it",
    },
    # --- gridmap.workspace.workspace ------------------------------------------------------------------------
    "err_ws_bad_name": {
        "zh": "{what}名“{name}”不可用：请给出 1–100 个字符，不含 / \\ 或控制字符",
        "en": "{what} name {name!r} cannot be used: give 1–100 characters without / \\ or control characters",
    },
    "err_ws_bad_account_name": {
        "zh": "账号名“{name}”不可用：请给出 1–64 个字符，不含空格、: / 或 \\",
        "en": "account name {name!r} cannot be used: give 1–64 characters without spaces, : / or \\",
    },
    "err_ws_bad_layer_key": {
        "zh": "输入图层键“{key}”须为一个词（字母、数字、下划线），例如 zones_party",
        "en": "input layer key {key!r} must be a word (letters, digits, _), e.g. zones_party",
    },
    "err_ws_merge_busy": {
        "zh": "合并您的保存时方案“{name}”一直在变化；请再保存一次",
        "en": "plan {name!r} kept changing while your save was merged; save again",
    },
    "err_ws_restore_busy": {
        "zh": "恢复时方案“{name}”一直在变化；请重试",
        "en": "plan {name!r} kept changing while restoring; try again",
    },
    "err_ws_bad_role": {
        "zh": "角色“{value}”不是 admin、planner、viewer 之一",
        "en": "role {value!r} is none of admin, planner, viewer",
    },
    "err_ws_login_required": {
        "zh": "该工作空间设有账号：请先登录",
        "en": "this workspace has accounts: log in first",
    },
    "err_ws_admin_only": {
        "zh": "只有管理员可以{what}",
        "en": "only an admin may {what}",
    },
    "err_ws_edit_denied": {
        "zh": "{name}（{role}）无权修改项目“{project}”的方案",
        "en": "{name} ({role}) may not change plans of project {project!r}",
    },
    "err_ws_no_study_area": {
        "zh": "项目的输入数据需要辖区图层（键 study_area：各社区）",
        "en": "a project's inputs need a study area (key study_area: the communities)",
    },
    "err_ws_no_zones": {
        "zh": "项目的输入数据至少需要一个网格图层（键 zones_<name>，例如 zones_party）",
        "en": "a project's inputs need at least one zone layer (key zones_<name>, e.g. zones_party)",
    },
    "err_ws_no_osm": {
        "zh": "{osm_path}：找不到 OSM 文件",
        "en": "{osm_path}: OSM file not found",
    },
    "err_ws_personal_denied": {
        "zh": "人员名单仅供管理员和本辖区的规划员查看；查看者只能看到人数",
        "en": "lists of people are for admins and planners in their scope; viewers see counts",
    },
    "err_ws_personal_unlocated": {
        "zh": "该名单没有位置信息（几何、经纬度或 area_id），无法限定在您的辖区范围内",
        "en": "the list has no location (geometry, lon/lat or area_id), so it cannot be limited to your scope",
    },
    "err_ws_results_denied": {
        "zh": "{name}（{role}）无权在项目“{project}”中保存运行结果：只有管理员，或辖区覆盖该项目所有社区的规划员可以",
        "en": "{name} ({role}) may not store run results in project {project!r}: only an admin, or a planner whose "
        "scope covers every community of the project",
    },
    "err_ws_no_crs_3": {
        "zh": "结果表没有坐标参考系：gridmap 保存的每个图层都须声明坐标参考系",
        "en": "a results table has no CRS: every layer gridmap stores declares its CRS",
    },
    "err_ws_no_plan_2": {
        "zh": "项目“{project}”没有方案“{name}”",
        "en": "project {project!r} has no plan {name!r}",
    },
    "err_ws_edit_outside_scope": {
        "zh": "{name} 只能在 {value} 范围内编辑；此次修改涉及 {parts}。请撤销这些修改，或联系管理员。",
        "en": "{name} may edit only inside {value}; this change touches {parts}. Undo those edits, or ask an admin.",
    },
    "err_ws_plan_exists_2": {
        "zh": "项目“{project}”已有名为“{name}”的方案：请保存到该方案中，或另选名称",
        "en": "project {project!r} has a plan named {name!r} already: save into it, or choose another name",
    },
    "err_ws_not_from_plan": {
        "zh": "当前方案不是从方案“{name}”（修订版 {base_no}）打开的；请另存为新方案",
        "en": "this plan was not opened from plan {name!r} (revision {base_no}); save it as a new plan instead",
    },
    "err_ws_other_units": {
        "zh": "当前方案与方案“{name}”的基本单元不同；请另存为新方案",
        "en": "this plan is on other units than plan {name!r}; save it as a new plan instead",
    },
    "err_ws_bad_scope": {
        "zh": "辖区代码 {bad} 不可用：请给出街道代码（9 位）、社区代码（12 位）、区代码（6 位）或 area_id",
        "en": "scope code(s) {bad} cannot be used: give a 街道 code (9 digits), a 社区 code (12 digits), a 区 code (6 "
        "digits) or an area_id",
    },
    "err_ws_planner_without_scope": {
        "zh": "规划员至少需要一个辖区代码（--scope CODE：街道或社区代码）",
        "en": "a planner needs at least one scope code (--scope CODE: a 街道 or 社区 code)",
    },
    "err_ws_admin_projects": {
        "zh": "管理员可查看所有项目；--project 只用于规划员和查看者",
        "en": "an admin sees every project; give --project only to planners and viewers",
    },
    "err_ws_no_project_3": {
        "zh": "没有名为 {missing} 的项目；请先导入（gridmap workspace import）",
        "en": "no project named {missing}; import it first (gridmap workspace import)",
    },
    "err_ws_wrong_password": {
        "zh": "当前密码不正确",
        "en": "the current password is wrong",
    },
    "err_ws_result_is_input": {
        "zh": "结果图层“{key}”会覆盖输入图层；请以分析名称命名，例如 {analysis}_{key}",
        "en": "result layer {key!r} would replace an input layer; name it after the analysis, e.g. {analysis}_{key}",
    },
    "err_ws_result_no_crs": {
        "zh": "结果图层“{key}”须为带坐标参考系的 GeoDataFrame",
        "en": "result layer {key!r} must be a GeoDataFrame with a CRS",
    },
    "err_ws_bad_results_table": {
        "zh": "结果表名“{name}”须为一个词（字母、数字、下划线）",
        "en": "results table name {name!r} must be a word (letters, digits, _)",
    },
    "err_ws_part_units": {
        "zh": "{n} 个单元超出您的辖区（{units}{more}）",
        "en": "{n} unit(s) outside your scope ({units}{more})",
    },
    "err_ws_part_grids": {
        "zh": "超出您辖区的网格（{grids}{more}）",
        "en": "grid(s) outside your scope ({grids}{more})",
    },
    "err_ws_part_band": {
        "zh": "户数区间（须由管理员修改）",
        "en": "the household band (an admin changes it)",
    },
    "err_ws_scope_all": {
        "zh": "全部",
        "en": "everything",
    },
    "err_ws_scope_none": {
        "zh": "无",
        "en": "nothing",
    },
    "err_ws_do_create_projects": {
        "zh": "创建项目",
        "en": "create projects",
    },
    "err_ws_do_read_exports": {
        "zh": "查看导出记录",
        "en": "read export records",
    },
    "err_ws_do_read_audit": {
        "zh": "查看完整的审计记录",
        "en": "read the whole audit trail",
    },
    "err_ws_do_list_accounts": {
        "zh": "列出账号",
        "en": "list accounts",
    },
    "err_ws_do_add_accounts": {
        "zh": "添加账号",
        "en": "add accounts",
    },
    "err_ws_do_set_passwords": {
        "zh": "设置密码",
        "en": "set passwords",
    },
    "err_ws_do_disable_accounts": {
        "zh": "停用账号",
        "en": "disable accounts",
    },
    "err_ws_do_enable_accounts": {
        "zh": "启用账号",
        "en": "enable accounts",
    },
    "err_ws_do_change_accounts": {
        "zh": "修改账号",
        "en": "change accounts",
    },
    "err_ws_what_project": {
        "zh": "项目",
        "en": "project",
    },
    "err_ws_what_plan": {
        "zh": "方案",
        "en": "plan",
    },
    # --- gridmap.cli.checks (built from parts) --------------------------------------------------------------
    "err_cli_expects_limits": {
        "zh": "须为步行米数，如 300,500,1000，实际为“{text}”{detail}",
        "en": "expects walking metres like 300,500,1000, got {text!r}{detail}",
    },
    # --- gridmap.plans.store (built from parts) -------------------------------------------------------------
    "err_store_stale_revision": {
        "zh": "{path} 在您打开修订版 {revision} 之后已被他人保存为修订版 "
        "{file_rev}；您的保存被拒绝，两个版本都没有丢失。您的编辑保留在本次会话中{rescue}：请重新打开文件查看对方的改"
        "动，或把您的方案另存为其他名称。",
        "en": "{path} was saved as revision {file_rev} by someone else since you opened revision {revision}; your "
        "save was refused so neither version is lost. Your edits are kept in this session{rescue}: reopen the file to "
        "see the other changes, or save yours under another name.",
    },
    # --- gridmap.plans.store (built from parts) -------------------------------------------------------------
    "err_store_rescue_file": {
        "zh": "，并保存在 {name} 中",
        "en": " and in {name}",
    },
    # --- gridmap.present.notice (built from parts) ----------------------------------------------------------
    "err_notice_no_cjk_font": {
        "zh": "没有安装带 TrueType 轮廓的中文（CJK）字体，无法排版公示牌。请从发行版的软件包安装一种——Debian/Ubuntu：a"
        "pt-get install fonts-wqy-microhei（scripts/setup.sh 会安装）；Fedora/RHEL：dnf install "
        "wqy-microhei-fonts——或设置 {env}=/path/to/font.ttf。已尝试：{tried}",
        "en": "no Chinese (CJK) font with TrueType outlines is installed, so notices cannot be set. Install one from "
        "the distribution's packages — Debian/Ubuntu: apt-get install fonts-wqy-microhei (scripts/setup.sh does "
        "this); Fedora/RHEL: dnf install wqy-microhei-fonts — or set {env}=/path/to/font.ttf. Tried: {tried}",
    },
    # --- gridmap.workspace.postgis (built from parts) -------------------------------------------------------
    "err_ws_unreachable": {
        "zh": "无法使用位于 {location} 的 PostgreSQL 工作空间：{detail}。请检查服务器是否运行且可以连接、该用户是否有"
        "权限、密码是否在 PGPASSWORD 或 ~/.pgpass 中。",
        "en": "cannot use the PostgreSQL workspace at {location}: {detail}. Is the server running and reachable, the "
        "user allowed, the password in PGPASSWORD or ~/.pgpass?",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_no_project_visible": {
        "zh": "没有名为“{project}”的项目{among}",
        "en": "no project named {project!r}{among}",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_among_yours": {
        "zh": "（在您可以打开的项目中）",
        "en": " among the projects you may open",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_import_denied": {
        "zh": "{name}（{role}）无权向项目“{project}”导入数据{only_admin}",
        "en": "{name} ({role}) may not import into project {project!r}{only_admin}",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_only_admin_creates": {
        "zh": "（只有管理员可以创建项目）",
        "en": " (only an admin creates projects)",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_save_conflict": {
        "zh": "未保存：您打开“{name}”的修订版 {base_no} 之后，修订版 {head} "
        "改动了您也改动的内容（{what}{units}）。您的方案已完整保留为修订版 {rescue}（rescue），与修订版 {head} "
        "并存：请比较两者，再在当前方案上重做您的编辑。",
        "en": "not saved: since you opened revision {base_no} of {name!r}, revision {head} changed what you changed "
        "({what}{units}). Your plan is kept whole as revision {rescue} (rescue), beside revision {head}: compare "
        "them, then redo your edits on the current plan.",
    },
    # --- gridmap.workspace.workspace (built from parts) -----------------------------------------------------
    "err_ws_conflict_units": {
        "zh": "：单元 {units}{more}",
        "en": ": units {units}{more}",
    },
    # --- gridmap.workspace.auth (built from parts) ----------------------------------------------------------
    "err_ws_login_failed": {
        "zh": "账号名或密码错误（或账号已停用）",
        "en": "wrong name or password (or the account is disabled)",
    },
    # --- gridmap.app.uploads (built from parts) -------------------------------------------------------------
    "err_app_upload_unreadable": {
        "zh": "{name}：{kind}：{detail}",
        "en": "{name}: {kind}: {detail}",
    },
    # --- gridmap.cli.project (what a project lacks) -----------------------------------------------------
    "err_cli_lacks_osm": {"zh": "OSM 文件（--osm）", "en": "an OSM file (--osm)"},
    "err_cli_lacks_residents": {"zh": "居民（--residents）", "en": "residents (--residents)"},
    "err_cli_lacks_centers": {"zh": "服务中心（--centers）", "en": "centres (--centers)"},
    # --- gridmap.workspace.workspace (scope codes of a role) --------------------------------------------
    "err_ws_scope_not_planner_admin": {
        "zh": "辖区代码只用于规划员；管理员没有辖区代码",
        "en": "scope codes are for planners; an admin has none",
    },
    "err_ws_scope_not_planner": {
        "zh": "辖区代码只用于规划员；{role} 没有辖区代码",
        "en": "scope codes are for planners; a {role} has none",
    },
    # issue 16 (s21-people) ------------------------------------------------------------------------------------
    "err_people_layer_key": {
        "zh": "人员图层 {key} 无法导入：项目可保存的人员图层为 {keys}",
        "en": "layer of people {key} cannot be imported: the people layers a project keeps are {keys}",
    },
    "err_ws_people_no_inputs": {
        "zh": "项目 {project} 不存在或还没有输入数据：请先用 gridmap workspace import DIR --project {project} "
        "--zones … --area …（或 --demo）导入，再导入人员图层",
        "en": "project {project} does not exist or has no inputs yet: import them first with gridmap workspace "
        "import DIR --project {project} --zones … --area … (or --demo), then its layers of people",
    },
    "err_ws_people_denied": {
        "zh": "{who}（{role}）无权向项目 {project} 导入人员图层",
        "en": "{who} ({role}) may not import layers of people into project {project}",
    },
    "err_pair_workspace_needs": {
        "zh": "项目 {project} 没有图层 {layer}：请用 gridmap workspace import DIR --project {project} --{layer} PATH "
        "导入，或给出 --{layer} PATH",
        "en": "project {project} has no layer {layer}: import it with gridmap workspace import DIR --project "
        "{project} --{layer} PATH, or give --{layer} PATH",
    },
    "err_pair_workspace_no_osm": {
        "zh": "项目 {project} 没有 OSM 路网文件：请用 gridmap workspace import … --osm PATH 导入，或给出 --osm PATH",
        "en": "project {project} has no OSM street file: import one with gridmap workspace import … --osm PATH, or "
        "give --osm PATH",
    },
    "err_pair_workspace_out": {
        "zh": "给出 --workspace 时同时需要 --project NAME；不带 --workspace 时需要 --out DIR",
        "en": "--workspace needs --project NAME; without --workspace, give --out DIR",
    },
    "err_ws_import_people_apart": {
        "zh": "人员图层（{given}）请在导入输入数据之后单独导入：gridmap workspace import DIR --project NAME {given} …",
        "en": "import the layers of people ({given}) on their own, after the inputs: gridmap workspace import DIR "
        "--project NAME {given} …",
    },
    "err_micro_none": {
        "zh": "该方案没有微网格：请用 gridmap unify … --micro 10,70 生成",
        "en": "this plan has no 微网格: make them with gridmap unify … --micro 10,70",
    },
    "err_micro_unknown": {"zh": "方案中没有微网格 {code}", "en": "the plan has no 微网格 {code}"},
    "err_micro_head_long": {
        "zh": "微网格 {code}：楼栋长姓名最多 50 个字符，电话最多 30 个字符",
        "en": "微网格 {code}: a 楼栋长 name takes at most 50 characters, a phone at most 30",
    },
    "err_micro_target": {
        "zh": "{target} 不是网格 {grid} 的微网格：楼栋只能在同一基础网格的微网格之间移动",
        "en": "{target} is not a 微网格 of grid {grid}: buildings move only between 微网格 of the same base grid",
    },
    "err_micro_nothing_picked": {
        "zh": "网格 {grid}：所选范围内没有楼栋；请圈选楼栋，或选择要并入的微网格",
        "en": "grid {grid}: no building picked; draw around buildings, or choose the 微网格 to move",
    },
    "err_micro_not_neighbours": {
        "zh": "微网格 {target} 会被分成几块：只能并入与它相邻的楼栋",
        "en": "微网格 {target} would fall apart in pieces: only buildings next to it can join it",
    },
    "err_micro_needs_residents": {
        "zh": "移动楼栋或重新划分微网格需要住户图层（方案所属项目的 residents）",
        "en": "moving buildings or making 微网格 anew needs the residents (the project's residents layer)",
    },
    "err_micro_pick": {
        "zh": "请给出圈选范围或一个来源微网格（二者选一）",
        "en": "give either a drawn polygon or a source 微网格 (one of the two)",
    },
    "err_micro_outside_scope": {
        "zh": "未保存：您修改了范围外网格 {grids} 的微网格",
        "en": "not saved: you changed the 微网格 of grid(s) {grids} outside your scope",
    },
}
