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
    "err_ws_import_needs": {
        "zh": "gridmap workspace import 需要 --zones NAME=PATH（一个或多个）和 --area PATH，或 --demo，"
        "或人员图层（--staff、--members、--units、--helpers）",
        "en": "gridmap workspace import needs --zones NAME=PATH (one or more) and --area PATH, or --demo, or layers "
        "of people (--staff, --members, --units, --helpers)",
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
