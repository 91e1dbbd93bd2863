"""Office tables and honest text: CSV/Excel point layers, encodings checked against the bytes,
case-insensitive column names, scoped reading options, Shapefiles missing a part.

Expectations are derived independently: the values written are the values expected back; GCJ-02
and BD-09 coordinates come from published pairs (eviltransform's test suite, Baidu's example);
the bytes of each encoding come from Python's codecs, not from gridmap.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pyproj
import pytest
import shapely

from gridmap.io.columns import match_columns
from gridmap.io.encodings import codec_for_declared, resolve_encoding
from gridmap.io.files import list_layers, load_layer, read_layer
from gridmap.io.inputs import InputOptions
from gridmap.io.tables import read_table
from gridmap.io.validate import LayerError

# Names with characters from GB2312, from GBK only (镕, 祎), and — for GB18030 — from CJK Extension A
# (㐀, 䶮), which GBK cannot encode.
NAMES_GBK = ["新街口社区", "秦淮区·夫子庙网格（一）", "朱镕基路 祎园"]
NAMES_GB18030 = [*NAMES_GBK[:2], "㐀䶮小区"]
LON = [118.7812345, 118.7823456, 118.7834567]
LAT = [32.0412345, 32.0423456, 32.0434567]

# eviltransform's published pair (WGS84 → GCJ-02), Shanghai; Baidu's documented GCJ-02 → BD-09 example.
WGS_SH = (121.5272106, 31.1774276)
GCJ_SH = (121.531541859215, 31.17530398364597)
GCJ_BJ = (116.42703, 39.90245)
BD_BJ = (116.43351, 39.90851)


def _csv_text(names: list[str], sep: str = ",") -> str:
    lines = [sep.join(["编号", "名称", "经度", "纬度", "户数", "人口"])]
    for k, (name, lon, lat) in enumerate(zip(names, LON, LAT, strict=True)):
        lines.append(sep.join([f"00{k + 1}", name, repr(lon), repr(lat), str(100 + k), str(250 + k)]))
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------------------------------------
# CSV encodings


@pytest.mark.parametrize(("encoding", "names", "expected"), [
    ("utf-8", NAMES_GB18030, "UTF-8"),
    ("utf-8-sig", NAMES_GB18030, "UTF-8"),  # Excel's "CSV UTF-8"
    ("gbk", NAMES_GBK, "GB18030"),          # Excel's "CSV" on Chinese Windows
    ("gb18030", NAMES_GB18030, "GB18030"),
    ("utf-16", NAMES_GB18030, "UTF-16"),    # Excel's "Unicode text" (tab separated)
])
def test_csv_in_each_encoding_round_trips_chinese_values_exactly(tmp_path: Path, encoding, names, expected) -> None:
    sep = "\t" if encoding == "utf-16" else ","
    path = tmp_path / f"residents_{encoding}.csv"
    path.write_bytes(_csv_text(names, sep).encode(encoding))
    gdf = read_table(path)
    assert list(gdf["名称"]) == names
    assert list(gdf["编号"]) == ["001", "002", "003"]  # leading zeros kept: codes stay text
    assert list(gdf["户数"]) == [100, 101, 102] and gdf["户数"].dtype == np.int64
    assert [p.x for p in gdf.geometry] == LON and [p.y for p in gdf.geometry] == LAT  # exact, not rounded
    assert gdf.crs.to_epsg() == 4326 and gdf.attrs["encoding"] == expected
    assert "经度" not in gdf.columns and gdf.attrs["coordinate_columns"] == ("经度", "纬度")


def test_gbk_csv_is_a_residents_layer_with_mapped_columns(tmp_path: Path) -> None:
    path = tmp_path / "住户.csv"
    path.write_bytes(_csv_text(NAMES_GBK).encode("gbk"))
    gdf, report = load_layer(path, "residents", column_map={"households": "户数", "population": "人口"})
    assert report.ok and list(gdf["households"]) == [100, 101, 102] and list(gdf["名称"]) == NAMES_GBK


def test_stated_encoding_that_garbles_the_csv_is_repaired_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(_csv_text(NAMES_GB18030).encode("utf-8"))
    assert path.read_bytes().decode("gb18030", errors="replace") != _csv_text(NAMES_GB18030)  # GBK: mojibake
    gdf = read_table(path, encoding="GBK")
    assert list(gdf["名称"]) == NAMES_GB18030
    notes = gdf.attrs["read_notes"]
    assert notes[0]["code"] == "encoding_repaired"
    assert "says GBK/GB18030, but the text is UTF-8" in str(notes[0]["message"])


def test_csv_in_neither_utf8_nor_gbk_is_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,lon,lat\nCafé\xff,118.78,32.04\n".encode("latin-1"))
    with pytest.raises(LayerError, match=r"latin\.csv: the text is neither UTF-8 nor GBK/GB18030.*CSV UTF-8"):
        read_table(path)


def test_semicolon_separated_csv_with_thousands_separators(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text('lng;lat;households;population\n118.78;32.04;"1,234";2000\n118.79;32.05;12;30\n',
                    encoding="utf-8")
    gdf = read_table(path)
    assert list(gdf["households"]) == [1234, 12] and [p.x for p in gdf.geometry] == [118.78, 118.79]


# ---------------------------------------------------------------------------------------------
# Excel


def _workbook(path: Path) -> Path:
    """A 台账 as offices keep it: an explanation sheet, a title row merged over the table, numbers
    stored as text, a thousands separator, a code with leading zeros, empty formatted rows below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "本表为新街口社区住户台账，坐标为 WGS84。"
    ws = wb.create_sheet("住户")
    ws.merge_cells("A1:F1")
    ws["A1"] = "新街口社区住户台账（2024年）"
    ws.append(["楼栋编号", "名称", "经度（°）", "纬度（°）", "Households", "population"])
    ws.append(["001", NAMES_GBK[0], "118.7812345", "32.0412345", "1,234", 3000])  # numbers stored as text
    ws.append(["002", NAMES_GBK[1], LON[1], LAT[1], 12, "30"])
    ws.append(["003", NAMES_GBK[2], LON[2], LAT[2], 0, 0])
    for row in range(6, 12):  # formatted but empty trailing rows
        ws.cell(row=row, column=1).number_format = "@"
    wb.save(path)
    return path


def test_xlsx_with_title_row_text_numbers_and_a_notes_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "residents.xlsx")
    layers = list_layers(path)
    assert list(layers["name"]) == ["说明", "住户"] and list(layers["geometry_type"].isna()) == [True, False]
    gdf, report = load_layer(path, "residents")  # the only sheet with coordinates is chosen
    assert gdf.attrs["layer"] == "住户" and len(gdf) == 3
    assert list(gdf["households"]) == [1234, 12, 0] and list(gdf["population"]) == [3000, 30, 0]
    assert list(gdf["楼栋编号"]) == ["001", "002", "003"] and list(gdf["名称"]) == NAMES_GBK
    assert [p.x for p in gdf.geometry] == LON and gdf.attrs["first_row"] == 3
    codes = [p.code for p in report.problems]
    assert "sheet_chosen" in codes and "column_matched" in codes  # 'Households' used as households, reported


def test_xlsx_with_several_coordinate_sheets_needs_the_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("服务中心")
    ws.append(["center_id", "name", "lon", "lat"])
    ws.append(["C1", "新街口党群服务中心", 118.78, 32.04])
    wb.save(path)
    with pytest.raises(LayerError, match=r"3 sheets \(说明, 住户 \(coordinates\), 服务中心 \(coordinates\)\); name the "
                                         r"one to read as two\.xlsx#SHEET"):
        read_layer(path)
    gdf, _ = load_layer(path, "centers", "服务中心")
    assert list(gdf["center_id"]) == ["C1"] and gdf.geometry.iloc[0].equals(shapely.Point(118.78, 32.04))
    with pytest.raises(LayerError, match=r"no sheet '住房'; sheets: 说明, 住户, 服务中心"):
        read_layer(path, "住房")


def test_two_row_header_with_merged_cells(tmp_path: Path) -> None:
    """坐标 merged over two columns above 经度/纬度, and 户数 merged down over both header rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["楼栋", "坐标", None, "户数"])
    ws.append([None, "经度", "纬度", None])
    ws.merge_cells("B1:C1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("D1:D2")
    ws.append(["一号楼", LON[0], LAT[0], 12])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    gdf = read_table(path)
    assert list(gdf.columns) == ["楼栋", "户数", "geometry"] and list(gdf["户数"]) == [12]
    assert gdf.geometry.iloc[0].equals(shapely.Point(LON[0], LAT[0])) and gdf.attrs["first_row"] == 3


def test_excel_row_numbers_in_messages_are_the_spreadsheet_rows(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["住户"]["E5"] = -3  # the third data row, Excel row 5
    wb["住户"]["C4"] = None  # the second data row has no longitude
    wb.save(path)
    with pytest.raises(LayerError) as info:
        load_layer(path, "residents")
    report = info.value.report
    rows = {p.code: p.row for p in report.errors}
    assert rows == {"negative": 5, "null_geometry": 4}


def test_table_coordinates_in_dms_and_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "dms.csv"
    path.write_text("name,经度,纬度\nA,118°46′52.2″E,北纬32°2′28.5″\nB,118.5,32.1\n", encoding="utf-8")
    gdf = read_table(path)
    assert gdf.geometry.iloc[0].x == pytest.approx(118 + 46 / 60 + 52.2 / 3600, abs=1e-12)
    assert gdf.geometry.iloc[0].y == pytest.approx(32 + 2 / 60 + 28.5 / 3600, abs=1e-12)
    path.write_text("name,经度,纬度\nA,118.5,32.1\nB,东经一百一十八度,32.1\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"row 3, column '经度': '东经一百一十八度'"):
        read_table(path)


def test_refused_spreadsheet_kinds_say_how_to_save(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(LayerError, match=r"Excel 97–2003 workbook cannot be read.*\(\.xlsx\)"):
        read_layer(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(LayerError, match=r"cannot be read as an Excel workbook"):
        read_layer(broken)


# ---------------------------------------------------------------------------------------------
# coordinate columns


def test_absent_coordinate_columns_list_the_columns_found_and_the_names_accepted(tmp_path: Path) -> None:
    path = tmp_path / "no_xy.csv"
    path.write_text("编号,地址,户数\n1,华侨路1号,30\n", encoding="utf-8")
    with pytest.raises(LayerError) as info:
        read_table(path)
    msg = str(info.value)
    assert "no coordinate columns found" in msg and "Columns found: 编号, 地址, 户数" in msg
    for accepted in ("经度", "纬度", "lon", "lat", "lng", "longitude", "latitude", "东经", "北纬", "x", "y"):
        assert accepted in msg
    # the same table read as residents through the CLI path says so too (not a traceback)
    with pytest.raises(LayerError, match="no coordinate columns found"):
        load_layer(path, "residents")


def test_ambiguous_coordinate_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "two_lon.csv"
    path.write_text("经度,lng,纬度\n118.78,118.78,32.04\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"several columns could hold the lon coordinate: '经度' \(column A\), 'lng' "
                                         r"\(column B\).*--map lon=<column>"):
        read_table(path)
    gdf, _ = load_layer(path, None, column_map={"lon": "lng", "lat": "纬度"})
    assert gdf.geometry.iloc[0].equals(shapely.Point(118.78, 32.04)) and list(gdf.columns) == ["经度", "geometry"]


def test_coordinate_columns_with_other_names_can_be_mapped(tmp_path: Path) -> None:
    path = tmp_path / "gps.csv"
    path.write_text("center_id,name,GPS经度,GPS纬度\nC1,中心,118.78,32.04\n", encoding="utf-8")
    with pytest.raises(LayerError, match="no coordinate columns found"):
        read_table(path)
    gdf, _ = load_layer(path, "centers", column_map={"lon": "GPS经度", "lat": "GPS纬度"})
    assert gdf.geometry.iloc[0].equals(shapely.Point(118.78, 32.04))
    assert gdf.attrs["column_map_applied"] == {"lon": "GPS经度", "lat": "GPS纬度"}


def test_xy_columns_need_a_crs_and_surveying_xy_is_swapped(tmp_path: Path) -> None:
    # CGCS2000 GK CM 120E (EPSG:4549): a point in Nanjing, as a surveyor writes it (X north, Y east)
    to_gk = pyproj.Transformer.from_crs(4326, 4549, always_xy=True)
    east, north = to_gk.transform(118.78, 32.04)
    path = tmp_path / "survey.csv"
    path.write_text(f"ID,X,Y\n1,{north!r},{east!r}\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"'X'/'Y' \(x/y\), whose CRS a table cannot declare: state it, e\.g\. --crs"):
        read_table(path)
    gdf = read_table(path, crs="EPSG:4549")
    assert gdf.crs.to_epsg() == 4549
    assert gdf.geometry.iloc[0].x == pytest.approx(east, abs=1e-6) and gdf.geometry.iloc[0].y == pytest.approx(north)
    assert gdf.attrs["read_notes"][0]["code"] == "xy_swapped"
    # eastings first (x = east) are read as they are
    path.write_text(f"ID,x,y\n1,{east!r},{north!r}\n", encoding="utf-8")
    gdf = read_table(path, crs="EPSG:4549")
    assert gdf.geometry.iloc[0].x == pytest.approx(east, abs=1e-6) and not gdf.attrs["read_notes"]
    # lon/lat columns with a projected CRS contradict each other
    path.write_text("lon,lat\n118.78,32.04\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"longitude/latitude in degrees, but the CRS stated .* is projected"):
        read_table(path, crs="EPSG:4549")


@pytest.mark.parametrize(("source", "given", "expected", "tolerance_m"), [
    ("gcj02", GCJ_SH, WGS_SH, 0.01),  # published pair; the inverse is iterated to ~1e-10°
    ("bd09", BD_BJ, None, 1.5),       # Baidu's example, rounded to 5 decimals (≤ 0.6 m each way)
])
def test_web_map_coordinates_in_a_table_are_converted(tmp_path: Path, source, given, expected, tolerance_m) -> None:
    path = tmp_path / f"{source}.csv"
    path.write_text(f"center_id,name,经度,纬度\nC1,中心,{given[0]!r},{given[1]!r}\n", encoding="utf-8")
    gdf = read_layer(path, source=source)
    if expected is None:  # BD-09 → GCJ-02 is Baidu's pair; GCJ-02 → WGS84 then as the published inverse
        from gridmap.io.crs import gcj02_to_wgs84

        expected = tuple(float(v) for v in gcj02_to_wgs84(*GCJ_BJ))
    point = gdf.geometry.iloc[0]
    metres = pyproj.Geod(ellps="WGS84").inv(point.x, point.y, *expected)[2]
    assert abs(metres) < tolerance_m and gdf.attrs["converted_from"] == source


# ---------------------------------------------------------------------------------------------
# case-insensitive column names


def test_kml_name_column_is_matched_to_name(tmp_path: Path) -> None:
    zones = gpd.GeoDataFrame({"Name": ["党建一网格", "党建二网格"], "ZONE_ID": ["P1", "P2"]},
                             geometry=[shapely.box(118.78, 32.04, 118.79, 32.05),
                                       shapely.box(118.79, 32.04, 118.8, 32.05)],
                             crs=4326)
    path = tmp_path / "zones.kml"
    pyogrio.write_dataframe(zones, path, driver="KML")
    raw = read_layer(path)
    assert "Name" in raw.columns and "name" not in raw.columns  # what GDAL gives for KML
    gdf, report = load_layer(path, "zones")
    assert list(gdf["name"]) == ["党建一网格", "党建二网格"] and list(gdf["zone_id"]) == ["P1", "P2"]
    assert {p.column for p in report.repairs if p.code == "column_matched"} == {"name", "zone_id"}


def test_exact_name_wins_and_two_case_variants_are_an_error() -> None:
    base = {"geometry": [shapely.Point(0, 0)]}
    both = gpd.GeoDataFrame({"name": ["a"], "Name": ["b"], "zone_id": ["1"], **base}, crs=4326)
    out, notes, _ = match_columns(both, "zones")
    assert list(out["name"]) == ["a"] and list(out["Name"]) == ["b"]
    assert [n["code"] for n in notes] == ["column_case"]
    two = gpd.GeoDataFrame({"NAME": ["a"], "Name": ["b"], "zone_id": ["1"], **base}, crs=4326)
    with pytest.raises(LayerError, match=r"'NAME', 'Name' all match 'name' when case is ignored.*--map name="):
        match_columns(two, "zones")
    spaced = gpd.GeoDataFrame({" Households ": [3], "POPULATION": [9], **base}, crs=4326)
    out, _, _ = match_columns(spaced, "residents")
    assert list(out.columns) == ["households", "population", "geometry"]


# ---------------------------------------------------------------------------------------------
# .cpg that lies, Shapefiles missing a part


def _shapefile(folder: Path, encoding: str, cpg: str | None, names=NAMES_GBK) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    zones = gpd.GeoDataFrame({"zone_id": ["Z1", "Z2", "Z3"], "name": names},
                             geometry=[shapely.box(118.78 + k * 0.01, 32.04, 118.79 + k * 0.01, 32.05)
                                       for k in range(3)],
                             crs=4326)
    shp = folder / "zones.shp"
    pyogrio.write_dataframe(zones, shp, encoding=encoding)
    cpg_path = folder / "zones.cpg"
    cpg_path.unlink(missing_ok=True)
    if cpg is not None:
        cpg_path.write_text(cpg, encoding="ascii")
    return shp


@pytest.mark.parametrize(("written", "cpg", "read_as"), [
    ("UTF-8", "GBK", "UTF-8"),        # the .cpg says GBK on a UTF-8 DBF
    ("UTF-8", "ANSI 936", "UTF-8"),   # ArcGIS's way of saying GBK
    ("UTF-8", "FOO", "UTF-8"),        # an encoding nobody knows
    ("GBK", "UTF-8", "GB18030"),      # the .cpg says UTF-8 on a GBK DBF
    ("GBK", "1252", "GB18030"),       # the .cpg says Western European on a GBK DBF
    ("GBK", "FOO", "GB18030"),
])
def test_a_cpg_that_lies_is_caught_and_reported(tmp_path: Path, written, cpg, read_as) -> None:
    shp = _shapefile(tmp_path / "shp", written, cpg)
    try:  # GDAL alone trusts the .cpg (or falls back to Latin-1): mojibake, or a decoding error
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's "could not be converted"
            assert pyogrio.read_dataframe(shp)["name"].tolist() != NAMES_GBK
    except UnicodeDecodeError:
        pass
    gdf, report = load_layer(shp, "zones")
    assert list(gdf["name"]) == NAMES_GBK
    notes = [p for p in report.repairs if p.code == "encoding_repaired"]
    assert len(notes) == 1 and "zones.cpg" in str(notes[0].message)
    assert read_as.split("-")[0][:2] in str(notes[0].message)


def test_a_true_cpg_is_used_without_a_note(tmp_path: Path) -> None:
    for written, cpg in (("UTF-8", "UTF-8"), ("GBK", "GBK"), ("GBK", "936")):
        shp = _shapefile(tmp_path / f"{written}{cpg}", written, cpg)
        gdf, report = load_layer(shp, "zones")
        assert list(gdf["name"]) == NAMES_GBK and not report.problems


def test_a_cpg_over_undecodable_text_is_a_named_error(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "bad", "ISO-8859-1", "FOO", names=["Z\xff\xfe", "b", "c"])
    with pytest.raises(LayerError, match=r"zones\.shp: the \.cpg file \(zones\.cpg\) names the encoding 'FOO'.*neither "
                                         r"UTF-8 nor GBK/GB18030.*into zones\.cpg"):
        read_layer(shp)


def test_encoding_names_as_written_in_cpg_files() -> None:
    assert [codec_for_declared(n) for n in ("UTF-8", "utf8", "65001", "GBK", "GB2312", "CP936", "ANSI 936", "936",
                                            "88591", "BIG5", "nonsense")] == \
        ["UTF-8", "UTF-8", "UTF-8", "GB18030", "GB18030", "GB18030", "GB18030", "GB18030", "iso8859-1", "big5", None]
    # a Latin-1 text with single accented letters is not taken for GBK
    french = ["Café", "Genève"]
    assert resolve_encoding([s.encode("latin-1") for s in french], "1252").encoding == "cp1252"


def test_missing_shx_is_rebuilt_with_a_note_and_the_users_folder_is_left_alone(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "noshx", "UTF-8", "UTF-8")
    shp.with_suffix(".shx").unlink()
    before = sorted(p.name for p in shp.parent.iterdir())
    gdf, report = load_layer(shp, "zones")
    assert list(gdf["zone_id"]) == ["Z1", "Z2", "Z3"] and gdf.geometry.is_valid.all()
    assert [p.code for p in report.repairs] == ["shx_restored"] and "zones.shx" in str(report.repairs[0].message)
    assert sorted(p.name for p in shp.parent.iterdir()) == before  # no .shx written beside the user's file
    assert list(list_layers(shp)["name"]) == ["zones"]
    zpath = tmp_path / "noshx.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, arcname=f.name)
    gdf, report = load_layer(zpath, "zones")
    assert len(gdf) == 3 and [p.code for p in report.repairs] == ["shx_restored"]


def test_missing_dbf_or_shp_is_a_named_error(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "nodbf", "UTF-8", "UTF-8")
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(LayerError, match=r"the \.dbf beside the \.shp is missing.*Add zones\.dbf"):
        read_layer(shp)
    zpath = tmp_path / "nodbf.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, arcname=f.name)
    with pytest.raises(LayerError, match=r"nodbf\.zip ▸ zones\.shp: the \.dbf beside the \.shp is missing"):
        read_layer(zpath)
    shp = _shapefile(tmp_path / "noshp", "UTF-8", "UTF-8")
    zpath = tmp_path / "noshp.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.parent.iterdir():
            if f.suffix != ".shp":
                zf.write(f, arcname=f.name)
    with pytest.raises(LayerError, match=r"holds zones\.dbf, zones\.prj, zones\.shx but no \.shp"):
        read_layer(zpath)


def test_a_table_in_a_zip_is_read(tmp_path: Path) -> None:
    zpath = tmp_path / "upload.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("住户/residents.csv", _csv_text(NAMES_GBK).encode("gbk"))
    gdf = read_layer(zpath)
    assert list(gdf["名称"]) == NAMES_GBK and gdf.attrs["layer"] == "residents"


# ---------------------------------------------------------------------------------------------
# reading options scoped to one input


def _point_files(tmp_path: Path) -> tuple[Path, Path]:
    res = tmp_path / "residents.csv"
    res.write_bytes(_csv_text(NAMES_GBK).encode("gbk"))  # 户数, 人口
    cen = tmp_path / "centers.geojson"
    gpd.GeoDataFrame({"center_id": ["C1"], "名称": ["中心"]}, geometry=[shapely.Point(118.78, 32.04)],
                     crs=4326).to_file(cen)
    return res, cen


def test_unscoped_map_applies_where_the_column_exists(tmp_path: Path) -> None:
    res, cen = _point_files(tmp_path)
    opts = InputOptions(["residents", "centers"], maps=["households=户数", "population=人口", "name=名称"])
    residents, _ = opts.load(res, "residents", None, "residents")  # 名称 is renamed here too
    centers, _ = opts.load(cen, "centers", None, "centers")
    opts.check_all_used()
    assert list(residents["households"]) == [100, 101, 102] and list(centers["name"]) == ["中心"]
    assert list(residents["name"]) == NAMES_GBK


def test_scoped_map_applies_to_its_input_only(tmp_path: Path) -> None:
    res, cen = _point_files(tmp_path)
    opts = InputOptions(["residents", "centers"], maps=["residents:households=户数", "residents:population=人口",
                                                        "centers:name=名称"])
    residents, _ = opts.load(res, "residents", None, "residents")
    centers, _ = opts.load(cen, "centers", None, "centers")
    opts.check_all_used()
    assert "名称" in residents.columns and list(centers["name"]) == ["中心"]
    # scoped to an input that lacks the column: named error naming the file and the columns present
    opts = InputOptions(["residents", "centers"], maps=["centers:households=户数"])
    with pytest.raises(LayerError,
                       match=r"centers\.geojson.*mapped column '户数' \(for households\) is not in the file"):
        opts.load(cen, "centers", None, "centers")


def test_a_map_that_applies_to_no_input_is_an_error(tmp_path: Path) -> None:
    res, cen = _point_files(tmp_path)
    opts = InputOptions(["residents", "centers"], maps=["residents:households=户数", "residents:population=人口",
                                                        "centers:name=名称", "name=负责人"])
    opts.load(res, "residents", None, "residents")
    opts.load(cen, "centers", None, "centers")
    with pytest.raises(LayerError, match=r"--map name=负责人: no input has a column '负责人'"):
        opts.check_all_used()


def test_unknown_scope_lists_the_valid_ones() -> None:
    with pytest.raises(LayerError, match=r"--map zones:name=名称: 'zones' is not an input of this command; scopes: "
                                         r"area, residents, party, urban"):
        InputOptions(["area", "residents", "party", "urban"], maps=["zones:name=名称"])
    with pytest.raises(LayerError, match=r"--source resident:gcj02: 'resident' is not an input"):
        InputOptions(["residents"], source=["resident:gcj02"])
    with pytest.raises(LayerError, match=r"--crs EPSG:999999: not a CRS pyproj knows"):
        InputOptions(["residents"], crs=["EPSG:999999"])


def test_scoped_crs_and_source(tmp_path: Path) -> None:
    opts = InputOptions(["residents", "centers", "party"], crs=["EPSG:4490", "residents:EPSG:4547"],
                        source=["centers:gcj02"])
    assert opts.crs("residents") == "EPSG:4547" and opts.crs("party") == "EPSG:4490"
    assert opts.source("centers") == "gcj02" and opts.source("residents") is None
    opts = InputOptions(["residents"], crs="urn:ogc:def:crs:EPSG::4326")  # an authority, not a scope
    assert opts.crs("residents") == "urn:ogc:def:crs:EPSG::4326"
