"""The findings of checking a layer and the command line's lines speak the user's language.

A finding is ``Message("val_<code>", …)`` rendered where it is shown (the printed report, problems.csv,
the app); the ``code`` and the CSV's columns stay as scripts read them; the CLI's progress and
summary lines come from the catalog too."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.cli import main
from gridmap.io.validate import Problem, ValidationReport, validate_layer
from gridmap.vocab import CATALOG, Message, placeholders, using_language
from gridmap.vocab.cli import CLI_TEXT
from gridmap.vocab.validation import VALIDATION

GRIDMAP = Path(__file__).resolve().parents[1] / "gridmap"
X0, Y0 = 118.78, 32.04
D = 0.002
#: A bow-tie: one ring crossing itself (invalid), repaired into two triangles.
BOWTIE = shapely.Polygon([(X0 + D, Y0), (X0 + 2 * D, Y0 + D), (X0 + 2 * D, Y0), (X0 + D, Y0 + D), (X0 + D, Y0)])
PROBLEM_COLUMNS = ["source", "layer", "severity", "code", "row", "feature_id", "column", "message"]


def _zones(ids: list[str]) -> gpd.GeoDataFrame:
    """Three zones side by side; the second is the bow-tie."""
    geoms = [shapely.box(X0, Y0, X0 + D, Y0 + D), BOWTIE, shapely.box(X0 + 2 * D, Y0, X0 + 3 * D, Y0 + D)]
    return gpd.GeoDataFrame({"zone_id": ids, "name": ["华侨路", "汉中路", "丰富路"]}, geometry=geoms, crs=4326)


def _study_area() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_id": ["320102001001"], "name": ["华侨路社区"]},
                            geometry=[shapely.box(X0, Y0, X0 + 3 * D, Y0 + D)], crs=4326)


def _calls(tree: ast.AST, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
            yield node


def test_every_finding_has_both_languages_with_the_same_parameters() -> None:
    assert VALIDATION and CLI_TEXT
    for msgid, entry in {**VALIDATION, **CLI_TEXT}.items():
        assert msgid.startswith(("val_", "cli_", "prog_")), msgid
        assert CATALOG[msgid] is entry, msgid
        assert set(entry) == {"zh", "en"} and entry["zh"].strip() and entry["en"].strip(), msgid
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), msgid


def test_every_finding_in_the_readers_is_a_catalog_message_named_by_its_code() -> None:
    """``report.add(severity, "code", Message("val_code…", …))`` everywhere in gridmap.io and gridmap.people:
    no text built in English only (an f-string or a literal), and the message id is the code's own."""
    seen = set()
    for path in sorted([*(GRIDMAP / "io").glob("*.py"), *(GRIDMAP / "people").glob("*.py")]):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8")), "add"):
            if not (isinstance(call.func.value, ast.Name) and call.func.value.id == "report"):
                continue
            code, message = call.args[1], call.args[2]
            where = f"{path.name}:{call.lineno}"
            assert not isinstance(message, ast.JoinedStr | ast.Constant), where
            if isinstance(code, ast.Constant) and isinstance(message, ast.Call):
                assert isinstance(message.func, ast.Name) and message.func.id == "Message", where
                assert message.args[0].value.startswith(f"val_{code.value}"), where
                seen.add(code.value)
        text = path.read_text(encoding="utf-8")
        assert '"message": f"' not in text and '"message": "' not in text, path.name  # the notes of reading
    assert {"duplicate_id", "missing_column", "overlapping_areas", "lonlat_in_projected_crs", "unknown_grid"} <= seen


def test_a_finding_renders_when_shown_pickles_and_compares() -> None:
    with using_language("zh"):
        _, report = validate_layer(_zones(["Z1", "Z1", "Z3"]), "zones", source="z.gpkg", layer="zones")
    dup = next(p for p in report.problems if p.code == "duplicate_id")
    assert dup.message == Message("val_duplicate_id", col="zone_id", value="Z1", n=2, rows=dup.message.params["rows"])
    assert dup.message.render("en") == "zone_id 'Z1' is used by 2 features (rows 1, 2). Each zone_id must be unique " \
                                       "within the layer: renumber or merge them."
    assert dup.message.render("zh") == "zone_id“Z1”被 2 个要素重复使用（第 1、2 行）。同一图层内每个 zone_id " \
                                       "须唯一：请重新编号或合并这些要素。"
    with using_language("en"):
        assert report.format_problem(dup).startswith("[error] z.gpkg, layer 'zones', row 1 (id Z1), column 'zone_id': ")
        assert report.to_frame()["message"].iloc[0] == str(dup.message)
    with using_language("zh"):
        assert report.format_problem(dup).startswith("[错误] z.gpkg，图层“zones”，第 1 行（编号 Z1），字段“zone_id”：")
    assert report.to_frame("zh")["message"].iloc[0] == dup.message.render("zh")
    again = pickle.loads(pickle.dumps(report))  # a dask worker's report reaches the client whole
    assert again.problems == report.problems and again.problems[0] is not report.problems[0]


def test_shifting_moves_the_rows_a_finding_names() -> None:
    """A table's report counts rows as the spreadsheet does: the row and the rows in the message move."""
    with using_language("en"):
        _, report = validate_layer(_zones(["Z1", "Z2", "Z1"]), "zones")
    dup = next(p for p in report.problems if p.code == "duplicate_id")
    moved = dup.shifted(1)
    assert (dup.row, moved.row) == (1, 2)
    assert "(rows 2, 4)" in moved.message.render("en") and "（第 2、4 行）" in moved.message.render("zh")
    assert moved.shifted(-1) == dup
    plain = Problem("warning", "x", "see rows 3, 5 and row 7", row=3)
    assert plain.shifted(2) == Problem("warning", "x", "see rows 5, 7 and row 9", row=5)


def test_an_empty_report_says_so_in_both_languages() -> None:
    report = ValidationReport("a.geojson", None, "zones")
    assert report.where.render("en") == "a.geojson"
    with using_language("zh"):
        assert str(report) == "a.geojson：未发现问题"
    assert list(report.to_frame().columns) == PROBLEM_COLUMNS


def test_gridmap_info_in_chinese_lists_the_findings_in_chinese(tmp_path: Path, capsys) -> None:
    path = tmp_path / "zones.geojson"
    _zones(["Z1", "Z1", "Z3"]).to_file(path)
    assert main(["--lang", "zh", "info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "检查依据：网格图层" in out and "问题：错误 1 个，已修复 1 个" in out, out
    assert "[错误] " in out and "第 1 行（编号 Z1），字段“zone_id”：zone_id“Z1”被 2 个要素重复使用（第 1、2 行）" in out
    assert "[已修复] " in out and "第 2 行（编号 Z1）：无效多边形（Self-intersection" in out
    assert "已用 make_valid 修复，保留多边形部分" in out
    for english in ("is used by", "repaired with make_valid", "checked as", "[error]", "row 1"):
        assert english not in out, english
    assert main(["--lang", "en", "info", str(path)]) == 0  # the same file, in English
    out = capsys.readouterr().out
    assert "checked as: zone layer (网格)" in out and "problems: 1 error, 1 repaired" in out
    assert "row 2 (id Z1): invalid polygon (Self-intersection" in out


@pytest.mark.slow
def test_gridmap_coverage_in_chinese_writes_the_findings_in_chinese(tmp_path: Path, capsys) -> None:
    area, zones = tmp_path / "area.geojson", tmp_path / "zones.geojson"
    _study_area().to_file(area)
    _zones(["Z1", "Z2", "Z3"]).to_file(zones)
    args = ["coverage", "--zones", f"party={zones}", "--area", str(area)]
    assert main(["--lang", "zh", *args, "--out", str(tmp_path / "zh")]) == 0
    captured = capsys.readouterr()
    assert "覆盖分析：盲区" in captured.err and "已写入 faces.geojson" in captured.err, captured.err
    assert "辖区面积" in captured.out and "任一图层覆盖" in captured.out, captured.out
    problems = pd.read_csv(tmp_path / "zh" / "problems.csv", encoding="utf-8-sig")
    assert list(problems.columns) == PROBLEM_COLUMNS
    [repair] = problems[problems["code"] == "invalid_geometry"].itertuples()
    assert (repair.severity, repair.row, repair.feature_id) == ("repaired", 2, "Z2")
    assert repair.message.startswith("无效多边形（Self-intersection") and "已用 make_valid 修复" in repair.message
    assert main(["--lang", "en", *args, "--out", str(tmp_path / "en"), "--quiet"]) == 0
    capsys.readouterr()
    english = pd.read_csv(tmp_path / "en" / "problems.csv", encoding="utf-8-sig")
    assert english.drop(columns="message").equals(problems.drop(columns="message"))  # only the words differ
    assert "repaired with make_valid" in english.loc[english["code"] == "invalid_geometry", "message"].iloc[0]


def test_gridmap_coverage_in_chinese_stops_on_a_duplicate_id_in_chinese(tmp_path: Path, capsys) -> None:
    area, zones = tmp_path / "area.geojson", tmp_path / "zones.geojson"
    _study_area().to_file(area)
    _zones(["Z1", "Z1", "Z3"]).to_file(zones)
    status = main(["--lang", "zh", "coverage", "--zones", f"party={zones}", "--area", str(area), "--out",
                   str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert err.startswith("错误：") and "有 1 个问题须修正后才能使用该图层" in err, err
    assert "[错误] " in err and "zone_id“Z1”被 2 个要素重复使用（第 1、2 行）" in err
    assert "is used by" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_of_layer_is_named_in_the_language(lang: str) -> None:
    from gridmap.io.validate import KINDS

    with using_language(lang):
        labels = [str(schema.label) for schema in KINDS.values()]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in label) for label in labels)  # 辖区 … in both
