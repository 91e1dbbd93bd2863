"""The 台账 (``gridmap report``): the workbook's sheets and headers, its numbers against the core,
the offline HTML, a plan with no stored inputs, and the plan file carrying its inputs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

from gridmap.analysis.coverage import coverage_report
from gridmap.analysis.mosaic import build_mosaic
from gridmap.cli import main
from gridmap.demo import demo_zone_layers, load_demo
from gridmap.plans.grids import build_grids
from gridmap.plans.plan import Plan
from gridmap.plans.store import load_plan, load_plan_sources, plan_sources, save_plan
from gridmap.plans.units import make_units
from gridmap.present.maps import asset_urls
from gridmap.present.report import SHEETS, header

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo():
    layers = load_demo()
    return layers, demo_zone_layers(layers)


@pytest.fixture(scope="module")
def plan(demo) -> Plan:
    layers, zones = demo
    units = make_units(zones, layers["study_area"], layers["residents"])
    build = build_grids(units, 300, 500, seed=0, study_area=layers["study_area"])
    return Plan.from_build(units, build, min_households=300, max_households=500, name="demo")


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory, demo, plan) -> Path:
    layers, zones = demo
    path = tmp_path_factory.mktemp("plan") / "plan.gpkg"
    save_plan(plan, path, sources=plan_sources(study_area=layers["study_area"], residents=layers["residents"],
                                               zones=zones))
    return path


def _run(args: list[str]) -> int:
    return main(["report", *args, "--quiet"])


@pytest.fixture(scope="module")
def zh_out(tmp_path_factory, plan_file) -> Path:
    out = tmp_path_factory.mktemp("zh")
    # inputs stored in the plan; centres and streets from the demo
    with pytest.MonkeyPatch.context() as env:
        env.delenv("GRIDMAP_LANG", raising=False)  # the default language of a user who sets none (conftest sets en)
        assert _run(["--plan", str(plan_file), "--demo", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def en_out(tmp_path_factory, plan_file) -> Path:
    out = tmp_path_factory.mktemp("en")
    assert _run(["--plan", str(plan_file), "--demo", "--lang", "en", "--out", str(out)]) == 0
    return out


def _sheets(out: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(out / "report.xlsx", sheet_name=None, dtype={"网格编码": str, "grid code": str})


@pytest.mark.slow
def test_sheets_and_headers_are_chinese_by_default(zh_out: Path) -> None:
    sheets = _sheets(zh_out)
    assert list(sheets) == ["概况", "网格", "盲区", "多头", "可达性", "上门服务名单", "建议选址"]
    assert list(sheets) == list(SHEETS["zh"].values())
    grids = sheets["网格"]
    for col in ("网格编码", "户数", "人口", "独居老人", "留守儿童", "残疾人", "户数状态", "面积(m²)",
                "紧凑度(Polsby–Popper)", "党建网格·主网格", "党建网格·面积占比", "城管网格·主网格"):
        assert col in grids.columns
    for name, frame in sheets.items():
        for col in frame.columns:  # every header translated: no internal key left
            assert CJK.search(str(col)), (name, col)
    wb = openpyxl.load_workbook(zh_out / "report.xlsx")
    ws = wb["网格"]
    assert ws.freeze_panes == "A2"
    share_col = list(grids.columns).index("党建网格·面积占比") + 1
    assert ws.cell(row=2, column=share_col).number_format == "0.0%"
    assert ws.column_dimensions["A"].width >= 15  # 15-digit codes fit
    sites = wb["建议选址"]
    col = [c.value for c in sites[1]].index("累计15分钟覆盖率(户)") + 1
    assert sites.cell(row=2, column=col).number_format == "0.0%"


@pytest.mark.slow
def test_english_with_lang_en(en_out: Path) -> None:
    sheets = _sheets(en_out)
    assert list(sheets) == ["summary", "grids", "blind spots", "overlaps", "access by grid", "home visits",
                            "proposed sites"]
    for name, frame in sheets.items():
        for col in frame.columns:
            assert not CJK.search(str(col)) and "_" not in str(col), (name, col)
    assert {"grid code", "households", "band status", "party grid: main zone"} <= set(sheets["grids"].columns)
    assert set(sheets["grids"]["band status"]) <= {"below the band", "within", "above the band"}


@pytest.mark.slow
def test_grid_sheet_matches_the_plan(zh_out: Path, plan: Plan) -> None:
    grids = _sheets(zh_out)["网格"]
    table = plan.grid_table()
    assert grids["网格编码"].tolist() == table["grid_code"].astype(str).tolist()
    assert grids["户数"].tolist() == table["households"].tolist()
    assert (grids["户数标准"] == "300–500").all()
    status = dict(zip(grids["网格编码"], grids["户数状态"], strict=True))
    # hand-checked on the demo: a single-unit grid of 718 households, above the 300–500 band
    assert table.set_index("grid_code").loc["320102001001001", "households"] == 718
    assert status["320102001001001"] == "高于上限"
    hh = dict(zip(table["grid_code"].astype(str), table["households"], strict=True))
    for code, s in status.items():
        expected = "低于下限" if hh[code] < 300 else "高于上限" if hh[code] > 500 else "符合"
        assert s == expected, code
    assert set(status.values()) == {"低于下限", "符合", "高于上限"}


@pytest.mark.slow
def test_gap_sheet_equals_the_coverage_report(zh_out: Path, demo) -> None:
    layers, zones = demo
    faces = build_mosaic(zones, layers["study_area"], layers["residents"])
    real = coverage_report(faces, zones).gaps.query("~is_sliver")
    gaps = _sheets(zh_out)["盲区"]
    assert sorted(gaps["户数"].tolist()) == sorted(real["households"].tolist()) == [73, 383]
    summary = _sheets(zh_out)["概况"].set_index("项目")
    assert summary.loc["盲区户数", "数值"] == 383 + 73
    assert "碎片" in str(summary.loc["盲区数", "说明"])  # the slivers are counted, not listed


def test_access_by_grid_adds_up_to_the_plan(zh_out: Path, plan: Plan) -> None:
    access = _sheets(zh_out)["可达性"]
    total_hh = int(plan.grid_table()["households"].sum())
    total = access[access["网格编码"] == "合计"].iloc[0]
    assert total["户数·合计"] == total_hh
    rows = access[access["网格编码"] != "合计"]
    assert rows["户数·合计"].sum() == total_hh
    assert set(rows["网格编码"]) <= set(plan.grid_table()["grid_code"].astype(str))
    circles = ["户数·5分钟内", "户数·5–10分钟", "户数·10–15分钟", "户数·15分钟以外", "户数·无法步行到达"]
    assert (rows[circles].sum(axis=1) == rows["户数·合计"]).all()
    visits = _sheets(zh_out)["上门服务名单"]
    assert len(visits) and (visits["特殊群体合计"] > 0).all()
    assert set(visits["生活圈"]) <= {"15分钟以外", "无法步行到达"}


def test_sites_are_ranked_with_coverage_increasing(zh_out: Path) -> None:
    sites = _sheets(zh_out)["建议选址"]
    assert sites["序号"].tolist() == [1, 2, 3]
    after = sites["累计15分钟覆盖率(户)"].to_numpy()
    assert (np.diff(after) > 0).all() and after[0] > 0 and after[-1] <= 1
    assert sites["网格编码"].str.fullmatch(r"\d{15}").all()


def test_html_is_offline_and_shows_the_key_figures(zh_out: Path) -> None:
    page = (zh_out / "report.html").read_text(encoding="utf-8")
    scripts, links = asset_urls(page)
    assert not [u for u in [*scripts, *links] if re.match(r"^(https?:)?//", u)]
    assert 'class="folium-map"' in page
    summary = _sheets(zh_out)["概况"].set_index("项目")["数值"]
    assert "456" in page  # households in blind spots
    assert f"{100 * float(summary['15分钟生活圈内户数占比']):.1f}%" in page
    assert f"{100 * float(summary['新增站点后15分钟内户数占比']):.1f}%" in page
    assert f"{100 * float(summary['任一系统覆盖户数占比']):.1f}%" in page
    assert "符合户数标准的网格" in page and f">{int(summary['符合户数标准的网格'])}<" in page
    assert "建议选址" in page
    assert (zh_out / "report.html").stat().st_size < 6_000_000


def test_a_plan_without_inputs_still_gives_the_grid_sheet(tmp_path: Path, plan: Plan, monkeypatch) -> None:
    monkeypatch.delenv("GRIDMAP_LANG", raising=False)  # the report in the default language, Chinese
    bare = tmp_path / "bare.gpkg"
    save_plan(plan, bare)
    assert load_plan_sources(bare) == {}
    out = tmp_path / "out"
    assert _run(["--plan", str(bare), "--out", str(out)]) in (0, 1)  # 1: no map assets installed
    sheets = _sheets(out)
    assert list(sheets) == list(SHEETS["zh"].values())
    assert len(sheets["网格"]) == len(plan.grid_table())
    for name in ("盲区", "多头", "可达性", "上门服务名单", "建议选址"):
        assert list(sheets[name].columns) == ["说明"]
        assert sheets[name]["说明"].iloc[0].startswith("本节省略")
    assert "服务中心" in sheets["可达性"]["说明"].iloc[0] and "路网" in sheets["可达性"]["说明"].iloc[0]
    summary = sheets["概况"]
    assert summary["数值"].astype(str).str.startswith("本节省略").sum() == 5
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "本节省略" in page


@pytest.mark.slow
def test_save_and_load_plan_round_trip_the_sources(tmp_path: Path, demo, plan: Plan) -> None:
    layers, zones = demo
    path = tmp_path / "p.gpkg"
    sources = plan_sources(study_area=layers["study_area"], residents=layers["residents"],
                           centers=layers["centers"], zones=zones)
    assert list(sources) == ["study_area", "residents", "centers", "zones_party", "zones_security", "zones_urban"]
    save_plan(plan, path, sources=sources)
    back = load_plan_sources(path)
    assert list(back) == list(sources)
    for name, gdf in sources.items():
        got = back[name]
        assert len(got) == len(gdf) and got.crs.equals(gdf.crs)
        assert got.geometry.geom_equals_exact(gdf.geometry, tolerance=1e-9).all()
    assert back["residents"]["households"].tolist() == layers["residents"]["households"].tolist()
    again = load_plan(path)
    assert again.assignment().equals(plan.assignment())
    save_plan(again, path)  # sources=None: the stored inputs are kept
    assert list(load_plan_sources(path)) == list(sources)
    save_plan(again, path, sources={})  # {}: none
    assert load_plan_sources(path) == {}
    assert {str(n) for n in pyogrio.list_layers(path)[:, 0]} == {"units", "assignment", "grids", "edit_log", "meta"}
    with pytest.raises(ValueError, match="word"):
        save_plan(again, path, sources={"bad name": layers["centers"]})
    not_a_plan = tmp_path / "not-a-plan.gpkg"
    layers["centers"].to_file(not_a_plan, layer="centers")
    with pytest.raises(ValueError, match="not a gridmap plan"):
        load_plan_sources(not_a_plan)


@pytest.mark.slow
def test_unify_stores_its_inputs_in_the_plan(tmp_path: Path) -> None:
    assert main(["unify", "--demo", "--out", str(tmp_path), "--quiet"]) == 0
    stored = load_plan_sources(tmp_path / "plan.gpkg")
    assert set(stored) == {"study_area", "residents", "zones_party", "zones_security", "zones_urban"}
    assert int(stored["residents"]["households"].sum()) == int(load_plan(tmp_path / "plan.gpkg")
                                                               .grid_table()["households"].sum())


def test_headers_dictionary() -> None:
    assert header("grid_code") == "网格编码" and header("grid_code", "en") == "grid code"
    assert header("households_within_15min_share") == "户数·15分钟内占比"
    assert header("security_main", "en") == "security grid: main zone"
    assert header("nearest_urban_m") == "距最近城管网格(m)"
    assert header("new_elderly_alone") == "新增覆盖独居老人"
