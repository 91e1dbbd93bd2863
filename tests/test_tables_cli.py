"""Every command, end to end, with residents or centres given as an office table (CSV in GBK, Excel
with several sheets), and the app's Data page taking the same tables.

The expectation of each run is the same run on the same points given as a GeoPackage: a table is
only another way to hand over the data, so every output must be identical.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit as st

from gridmap.cli import main
from gridmap.demo import DEMO_OSM, load_demo
from gridmap.io.crs import wgs84_to_gcj02

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from apptest_helpers import open_app  # noqa: E402


def _points(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residents as points (a table holds one coordinate pair per row), in WGS84."""
    out = gdf.to_crs(4326).copy()
    out["geometry"] = out.geometry.representative_point()
    return out


def _residents_csv(res: gpd.GeoDataFrame, path: Path, encoding: str = "gbk") -> Path:
    """The residents as a 台账 CSV: Chinese headers, coordinates written exactly (repr), GBK."""
    table = pd.DataFrame({"楼栋编号": res["building_id"].astype(str), "户数": res["households"],
                          "人口": res["population"], "经度": [repr(p.x) for p in res.geometry],
                          "纬度": [repr(p.y) for p in res.geometry]})
    for group in ("elderly_alone", "left_behind_children", "disabled"):
        table[group] = res[group]
    path.write_bytes(table.to_csv(index=False, lineterminator="\r\n").encode(encoding))
    return path


def _centers_xlsx(cen: gpd.GeoDataFrame, path: Path, lonlat=None) -> Path:
    """The centres as an Excel workbook: a notes sheet first, then the table (numbers as text)."""
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "经纬度为 WGS84。"
    ws = wb.create_sheet("服务中心")
    ws.append(["center_id", "Name", "kind", "services", "capacity", "lng", "lat"])
    xs, ys = lonlat if lonlat is not None else (cen.geometry.x.to_numpy(), cen.geometry.y.to_numpy())
    for row, x, y in zip(cen.itertuples(), xs, ys, strict=True):
        ws.append([row.center_id, row.name, row.kind, row.services, str(row.capacity), repr(float(x)),
                   repr(float(y))])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("tables")
    demo = load_demo()
    res = _points(demo["residents"])
    cen = demo["centers"].to_crs(4326)
    out = {"demo": demo, "res": res, "cen": cen, "folder": folder}
    for name in ("study_area", "zones_party", "zones_security", "zones_urban"):
        out[name] = folder / f"{name}.gpkg"
        demo[name].to_file(out[name], driver="GPKG", engine="pyogrio")
    out["res_gpkg"] = folder / "residents.gpkg"
    res.to_file(out["res_gpkg"], driver="GPKG", engine="pyogrio")
    out["cen_gpkg"] = folder / "centers.gpkg"
    cen.to_file(out["cen_gpkg"], driver="GPKG", engine="pyogrio")
    out["res_csv"] = _residents_csv(res, folder / "住户台账.csv")
    out["cen_xlsx"] = _centers_xlsx(cen, folder / "服务中心.xlsx")
    return out


def _zone_args(f: dict) -> list[str]:
    return ["--zones", f"party={f['zones_party']}", "--zones", f"security={f['zones_security']}",
            "--zones", f"urban={f['zones_urban']}", "--area", str(f["study_area"])]


# ---------------------------------------------------------------------------------------------
# info


def test_info_on_xlsx_and_csv_describes_the_points(files, capsys) -> None:
    assert main(["info", str(files["cen_xlsx"])]) == 0
    out = capsys.readouterr().out
    assert "layers (2): 填表说明 [no coordinate columns], 服务中心 [Point]" in out
    assert "points from columns lng, lat (data from row 2)" in out and f"features: {len(files['cen'])}" in out
    assert "checked as: service centres" in out and "column 'Name' is used as 'name'" in out
    assert main(["info", str(files["res_csv"]), "--map", "households=户数", "--map", "population=人口"]) == 0
    out = capsys.readouterr().out
    assert "text encoding (detected from the bytes): GB18030" in out and "checked as: residents" in out
    assert f"features: {len(files['res'])}" in out
    assert main(["info", str(files["res_csv"]), "--map", "households=户"]) == 2
    assert "--map households=户: no input has a column '户'" in capsys.readouterr().err


def test_info_on_a_table_without_coordinates_is_a_named_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "地址"])
    wb.active.append(["张三", "华侨路1号"])
    wb.save(path)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no coordinate columns found" in err and "Columns found: 姓名, 地址" in err and "Traceback" not in err


def test_info_on_a_table_with_a_row_without_coordinates(tmp_path: Path, capsys) -> None:
    path = tmp_path / "e.csv"
    path.write_text("name,lon,lat,households,population\nA,118.78,32.04,3,5\nB,,,4,6\n", encoding="utf-8")
    assert main(["info", str(path), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "geometry types: (null) 1, Point 1" in out
    assert "row 3 (id B): feature has no geometry" in out  # the CSV's own line: header is row 1
    assert main(["info", str(path), "--drop-empty", "--strict"]) == 0
    assert "row 3 (id B): feature has no geometry (null); it was left out" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# coverage and unify: residents from a GBK CSV, the mapping given once for every input


@pytest.mark.slow  # two gridmap coverage runs end to end
def test_coverage_with_csv_residents_equals_the_geopackage_run(files, tmp_path: Path, capsys) -> None:
    ref, got = tmp_path / "ref", tmp_path / "csv"
    assert main(["coverage", *_zone_args(files), "--residents", str(files["res_gpkg"]), "--out", str(ref),
                 "--quiet"]) == 0
    # 户数/人口 exist only in the residents: an unscoped mapping applies there and nowhere else
    assert main(["coverage", *_zone_args(files), "--residents", str(files["res_csv"]), "--map", "households=户数",
                 "--map", "population=人口", "--out", str(got), "--quiet"]) == 0
    a = pd.read_csv(ref / "summary.csv", encoding="utf-8-sig")
    b = pd.read_csv(got / "summary.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(a, b)
    assert int(b.set_index("layer").loc["any", "households"]) == int(files["res"]["households"].sum())
    fa, fb = gpd.read_file(ref / "faces.geojson"), gpd.read_file(got / "faces.geojson")
    assert fa["households"].tolist() == fb["households"].tolist()
    capsys.readouterr()


@pytest.mark.slow
def test_coverage_map_errors_are_named(files, tmp_path: Path, capsys) -> None:
    base = ["coverage", *_zone_args(files), "--residents", str(files["res_csv"]), "--out", str(tmp_path), "--quiet"]
    assert main([*base, "--map", "zones:households=户数"]) == 2
    assert "'zones' is not an input of this command; scopes: area, residents, party, security, urban" in \
        capsys.readouterr().err
    assert main([*base, "--map", "residents:households=户数", "--map", "residents:population=人口",
                 "--map", "name=名字"]) == 2
    assert "--map name=名字: no input has a column '名字'" in capsys.readouterr().err
    # mapped for the zone layer 'party', which lacks the column
    assert main([*base, "--map", "party:households=户数"]) == 2
    assert "zones_party.gpkg" in capsys.readouterr().err
    # a table of x/y in a GK zone: its CRS scoped to it, the GeoPackages keep theirs
    gk = files["res"].to_crs(4549)
    table = pd.DataFrame({"households": gk["households"], "population": gk["population"],
                          "X": [repr(p.y) for p in gk.geometry], "Y": [repr(p.x) for p in gk.geometry]})
    xy = tmp_path / "xy.csv"
    table.to_csv(xy, index=False, encoding="utf-8-sig")
    args = ["coverage", *_zone_args(files), "--residents", str(xy), "--out", str(tmp_path / "xy"), "--quiet"]
    assert main([*args, "--crs", "EPSG:4549"]) == 2  # stated for every input: the zones say otherwise
    assert "--crs INPUT:CRS" in capsys.readouterr().err
    assert main([*args, "--crs", "residents:EPSG:4549"]) == 0
    assert "column 'X' holds northings" in capsys.readouterr().err  # the surveying X/Y, swapped and reported
    summary = pd.read_csv(tmp_path / "xy" / "summary.csv", encoding="utf-8-sig").set_index("layer")
    assert int(summary.loc["any", "households"]) == int(files["res"]["households"].sum())


@pytest.mark.slow  # two gridmap unify runs end to end
def test_unify_with_xlsx_residents_equals_the_geopackage_run(files, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住户"
    res = files["res"]
    ws.append(["building_id", "Households", "POPULATION", "经度", "纬度"])
    for row in res.itertuples():
        ws.append([str(row.building_id), row.households, str(row.population), row.geometry.x, row.geometry.y])
    xlsx = tmp_path / "residents.xlsx"
    wb.save(xlsx)
    ref, got = tmp_path / "ref", tmp_path / "xlsx"
    assert main(["unify", *_zone_args(files), "--residents", str(files["res_gpkg"]), "--out", str(ref), "--quiet"]) == 0
    assert main(["unify", *_zone_args(files), "--residents", f"{xlsx}#住户", "--out", str(got), "--quiet"]) == 0
    a = pd.read_csv(ref / "assignment.csv", dtype=str)
    b = pd.read_csv(got / "assignment.csv", dtype=str)
    pd.testing.assert_frame_equal(a, b)
    ga, gb = gpd.read_file(ref / "grids.geojson"), gpd.read_file(got / "grids.geojson")
    assert ga["households"].tolist() == gb["households"].tolist()
    assert int(gb["households"].sum()) == int(res["households"].sum())


# ---------------------------------------------------------------------------------------------
# access, site, report: centres from Excel, from a GCJ-02 CSV


@pytest.mark.slow  # two gridmap access runs end to end
def test_access_with_table_residents_and_centres_equals_the_geopackage_run(files, demo_walk, tmp_path: Path) -> None:
    common = ["--osm", str(DEMO_OSM), "--cache-dir", str(demo_walk["cache"]), "--quiet"]
    ref, got = tmp_path / "ref", tmp_path / "tables"
    assert main(["access", "--residents", str(files["res_gpkg"]), "--centers", str(files["cen_gpkg"]),
                 "--out", str(ref), *common]) in (0, 1)
    assert main(["access", "--residents", str(files["res_csv"]), "--centers", str(files["cen_xlsx"]),
                 "--map", "residents:households=户数", "--map", "residents:population=人口",
                 "--out", str(got), *common]) in (0, 1)
    a = gpd.read_file(ref / "residents_access.geojson")
    b = gpd.read_file(got / "residents_access.geojson")
    np.testing.assert_array_equal(a["network_m"].to_numpy(), b["network_m"].to_numpy())
    assert a["center_id"].tolist() == b["center_id"].tolist()
    va = pd.read_csv(ref / "home_visit_list.csv", encoding="utf-8-sig")
    vb = pd.read_csv(got / "home_visit_list.csv", encoding="utf-8-sig")
    assert len(va) == len(vb) and va["households"].sum() == vb["households"].sum()


@pytest.mark.slow
def test_site_with_gcj02_centres_equals_the_wgs84_run(files, demo_walk, tmp_path: Path) -> None:
    cen = files["cen"]
    glon, glat = wgs84_to_gcj02(cen.geometry.x.to_numpy(), cen.geometry.y.to_numpy())
    table = pd.DataFrame({"center_id": cen["center_id"], "名称": cen["name"], "经度": [repr(float(v)) for v in glon],
                          "纬度": [repr(float(v)) for v in glat]})
    gcj = tmp_path / "centres_amap.csv"
    gcj.write_bytes(table.to_csv(index=False).encode("gb18030"))
    common = ["--demo", "--k", "2", "--cache-dir", str(demo_walk["cache"]), "--quiet"]
    ref, got = tmp_path / "ref", tmp_path / "gcj"
    assert main(["site", "--centers", str(files["cen_gpkg"]), "--out", str(ref), *common]) in (0, 1)
    assert main(["site", "--centers", str(gcj), "--source", "centers:gcj02", "--map", "centers:name=名称",
                 "--out", str(got), *common]) in (0, 1)
    a, b = gpd.read_file(ref / "sites.geojson"), gpd.read_file(got / "sites.geojson")
    assert a["candidate_id"].tolist() == b["candidate_id"].tolist() and len(b) == 2
    np.testing.assert_allclose(a["covered_after"], b["covered_after"], rtol=0, atol=1e-12)


@pytest.mark.slow  # two gridmap report runs end to end
def test_report_with_xlsx_centres_equals_the_geopackage_run(files, demo_walk, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GRIDMAP_LANG", raising=False)  # the report in the default language: Chinese sheet names
    ref, got = tmp_path / "ref", tmp_path / "xlsx"
    common = ["--demo", "--osm", str(DEMO_OSM), "--sites", "1", "--cache-dir", str(demo_walk["cache"]), "--quiet"]
    assert main(["report", "--centers", str(files["cen_gpkg"]), "--out", str(ref), *common]) in (0, 1)
    assert main(["report", "--centers", f"{files['cen_xlsx']}#服务中心", "--out", str(got), *common]) in (0, 1)
    for sheet in ("可达性", "建议选址"):
        a = pd.read_excel(ref / "report.xlsx", sheet_name=sheet)
        b = pd.read_excel(got / "report.xlsx", sheet_name=sheet)
        pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------------------------
# run: a config whose residents are an x/y CSV in the city's Gauss–Krüger zone


@pytest.mark.slow
def test_run_config_with_csv_residents_equals_the_parquet_run(tmp_path: Path, capsys) -> None:
    from gridmap.scale.synthetic import CityParams, save_network, synthetic_city

    city = synthetic_city(params=CityParams(n_buildings=1500, seed=4))
    city.study_area.to_parquet(tmp_path / "study_area.parquet")
    city.centers.to_parquet(tmp_path / "centers.parquet")
    for name in ("party", "security", "urban"):
        city.layers[name].to_parquet(tmp_path / f"zones_{name}.parquet")
    save_network(city.network, tmp_path / "network.npz")
    city.residents.to_parquet(tmp_path / "residents.parquet")
    res = city.residents
    table = pd.DataFrame({"楼号": res["building_id"], "户数": res["households"], "人口": res["population"],
                          "x": [repr(p.x) for p in res.geometry], "y": [repr(p.y) for p in res.geometry]})
    (tmp_path / "residents.csv").write_bytes(table.to_csv(index=False).encode("gbk"))
    zones = "\n".join(f'{n} = "zones_{n}.parquet"' for n in ("party", "security", "urban"))

    def config(name: str, residents: str, extra: str = "") -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(f'[inputs]\nstudy_area = "study_area.parquet"\nresidents = "{residents}"\n'
                        f'centers = "centers.parquet"\nnetwork = "network.npz"\n{extra}[inputs.zones]\n{zones}\n'
                        '[run]\npartition_by = "street"\n', encoding="utf-8")
        return path

    ref = config("ref", "residents.parquet")
    csv = config("csv", "residents.csv", 'crs = "residents:EPSG:4549"\n'
                                         'map = ["residents:households=户数", "residents:population=人口"]\n')
    assert main(["run", "--config", str(ref), "--out", str(tmp_path / "ref"), "--scheduler", "single", "--quiet"]) == 0
    assert main(["run", "--config", str(csv), "--out", str(tmp_path / "csv"), "--scheduler", "single", "--quiet"]) == 0
    a = pd.read_csv(tmp_path / "ref" / "assignment.csv", dtype=str)
    b = pd.read_csv(tmp_path / "csv" / "assignment.csv", dtype=str)
    pd.testing.assert_frame_equal(a, b)
    # the same through the command line's options instead of the config's
    plain = config("plain", "residents.csv")
    assert main(["run", "--config", str(plain), "--out", str(tmp_path / "cli"), "--scheduler", "single", "--quiet",
                 "--crs", "residents:EPSG:4549", "--map", "households=户数", "--map", "population=人口"]) == 0
    c = pd.read_csv(tmp_path / "cli" / "assignment.csv", dtype=str)
    pd.testing.assert_frame_equal(a, c)
    capsys.readouterr()
    assert main(["run", "--config", str(plain), "--out", str(tmp_path / "bad"), "--scheduler", "single",
                 "--quiet"]) == 2
    assert re.search(r"x/y\), whose CRS a table cannot declare", capsys.readouterr().err)


# ---------------------------------------------------------------------------------------------
# the app's Data page


class _Upload:
    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def getvalue(self) -> bytes:
        return self.data


@pytest.mark.slow  # the app's data page driven end to end
def test_data_page_accepts_csv_residents_and_xlsx_centres(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    st.cache_data.clear()
    import standin_demo

    layers = standin_demo.load_demo()
    res = _points(layers["residents"])
    csv = pd.DataFrame({"Households": res["households"], "Population": res["population"],
                        "经度": [repr(p.x) for p in res.geometry], "纬度": [repr(p.y) for p in res.geometry]})
    cen = layers["centers"]  # in EPSG:4549: the workbook holds x/y in metres, the CRS given for it alone
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("中心")
    ws.append(["编号", "名称", "x", "y"])
    for row in cen.itertuples():
        ws.append([row.center_id, row.name, row.geometry.x, row.geometry.y])
    xlsx = tmp_path / "c.xlsx"
    wb.save(xlsx)
    files = {
        "up_study_area": _Upload("communities.geojson", layers["study_area"].to_crs(4326).to_json().encode()),
        "up_zones": [_Upload("party.geojson", layers["zones_party"].to_crs(4326).to_json().encode())],
        "up_residents": _Upload("住户.csv", csv.to_csv(index=False).encode("gbk")),
        "up_centers": _Upload("中心.xlsx", xlsx.read_bytes()),
    }
    monkeypatch.setattr(st, "file_uploader", lambda label, *a, key=None, **kw: files.get(key))
    at = open_app("data")
    assert at.selectbox(key="table_centers:sheet").value == "中心"  # the sheet with coordinates
    at.text_input(key="table_centers:crs").input("EPSG:4549").run()
    at.selectbox(key="map_centers:map:center_id").set_value("编号").run()
    at.selectbox(key="map_centers:map:name").set_value("名称").run()
    at.button(key="use_files").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    counts = dict(zip(table["图层键"], table["要素数"], strict=True))
    assert counts["residents"] == len(res) and counts["centers"] == len(cen)
    from gridmap.app.context import UPLOAD_STATE

    ds = at.session_state[UPLOAD_STATE]
    assert int(ds.residents["households"].sum()) == int(res["households"].sum())  # 'Households' found, any case
    assert ds.centers.crs.to_epsg() == 4549 and list(ds.centers["center_id"]) == list(cen["center_id"])
    assert (ds.centers.geometry.distance(cen.geometry.reset_index(drop=True)) < 1e-6).all()  # xlsx keeps ~15 digits
    st.cache_data.clear()
