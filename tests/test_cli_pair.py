"""``gridmap pair``: the files it writes (columns exactly as documented, the workbook's Chinese header
row, RFC 7946 GeoJSON, an offline map), a plan's grid codes, --drop-empty and bad input (exit 2, a
named error, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from gridmap.cli import main
from gridmap.cli.pair import HEADERS_ZH, OUTPUT_FILES
from gridmap.demo import DEMO_OSM, demo_zone_layers
from gridmap.people.pairing import demo_helpers
from gridmap.plans.grids import build_grids
from gridmap.plans.plan import Plan
from gridmap.plans.store import save_plan
from gridmap.plans.units import make_units
from gridmap.present.maps import asset_urls

GROUPS = ["elderly_alone", "left_behind_children", "disabled"]


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory, demo_walk) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("pair_demo")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["pair", "--demo", "--out", str(out), "--cache-dir", str(demo_walk["cache"])])
    assert code == 0, err.getvalue()
    return out, err.getvalue()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, demo_walk) -> dict[str, Path]:
    """The demo's residents and synthetic helpers as files, and a plan of the demo."""
    tmp = tmp_path_factory.mktemp("pair_inputs")
    layers = demo_walk["layers"]
    res = layers["residents"].iloc[:300]
    res.to_file(tmp / "residents.geojson")
    hel = demo_helpers(layers["residents"], layers["centers"]).iloc[::3]
    hel.to_file(tmp / "helpers.geojson")
    hel.rename(columns={"helper_id": "编号"}).assign(phone=[f"0{i:010d}" for i in range(len(hel))]).to_file(
        tmp / "helpers_zh.geojson")  # placeholder numbers with a leading 0, as landlines have
    units = make_units(demo_zone_layers(layers), layers["study_area"], layers["residents"])
    build = build_grids(units, 300, 500, seed=0, study_area=layers["study_area"])
    plan = Plan.from_build(units, build, min_households=300, max_households=500, name="demo")
    save_plan(plan, tmp / "plan.gpkg")
    return {"residents": tmp / "residents.geojson", "helpers": tmp / "helpers.geojson",
            "helpers_zh": tmp / "helpers_zh.geojson", "plan": tmp / "plan.gpkg", "tmp": tmp,
            "grids": plan.grids()}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"helper_id": str, "nearest_helper_id": str,
                                                          "grid_code": str})


@pytest.mark.slow
def test_demo_writes_every_file_with_the_documented_columns(demo_out, demo_walk) -> None:
    out, err = demo_out
    for name in OUTPUT_FILES:
        assert (out / name).exists(), name
    assert "PERSONAL DATA" in err and "paired" in err
    pairs, unpaired = _csv(out / "pairs.csv"), _csv(out / "unpaired.csv")
    assert list(pairs.columns) == ["resident_index", "group", "helper_id", "network_m"]
    assert list(unpaired.columns)[:3] == ["resident_index", "group", "reason"]
    res = demo_walk["layers"]["residents"]
    # every special-group person exactly once, in one of the two tables
    both = pd.concat([pairs[["resident_index", "group"]], unpaired[["resident_index", "group"]]]).value_counts()
    want = res[GROUPS].stack()
    want = want[want > 0]
    assert both.sort_index().to_dict() == {(int(i), g): int(n) for (i, g), n in want.sort_index().items()}
    assert set(unpaired["reason"]) <= {"no_helper_within_reach", "helpers_full", "not_on_network"}
    assert (pairs["network_m"] <= 1000).all() and len(pairs) > 0.8 * int(want.sum())
    # helpers: RFC 7946, loads add up, nobody above capacity
    doc = json.loads((out / "helpers.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    hel = gpd.read_file(out / "helpers.geojson")
    assert hel.crs.to_epsg() == 4326
    assert hel["assigned"].sum() == len(pairs) and (hel["assigned"] <= hel["capacity"]).all()
    assert (hel[[f"assigned_{g}" for g in GROUPS]].sum(axis=1) == hel["assigned"]).all()
    load = pairs["helper_id"].value_counts()
    assert (hel.set_index("helper_id")["assigned"].reindex(load.index) == load).all()
    # the map opens offline
    html = (out / "pairs.html").read_text(encoding="utf-8")
    scripts, styles = asset_urls(html)
    assert not scripts and not styles and "cdn." not in html


@pytest.mark.slow  # reads the end-to-end demo run
def test_workbook_has_the_csv_columns_then_chinese_headers(demo_out) -> None:
    out, _ = demo_out
    wb = openpyxl.load_workbook(out / "pairs.xlsx", read_only=True)
    assert wb.sheetnames == ["pairs", "unpaired", "helpers"]
    rows = list(wb["pairs"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert list(rows[0][:4]) == ["resident_index", "group", "helper_id", "network_m"]
    assert list(rows[1][:4]) == [HEADERS_ZH[c] for c in rows[0][:4]]
    assert "helper_name" in rows[0]  # the demo helpers carry a name (the CSV keeps its four columns)
    sheet = pd.read_excel(out / "pairs.xlsx", sheet_name="pairs", skiprows=[1], dtype={"helper_id": str})
    csv = _csv(out / "pairs.csv")
    assert sheet[list(csv.columns)].equals(csv)
    helpers_row2 = next(wb["helpers"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert "已结对独居老人" in helpers_row2


@pytest.mark.slow
def test_files_plan_groups_limits_and_mapped_columns(inputs, demo_walk, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["pair", "--osm", str(DEMO_OSM), "--residents", str(inputs["residents"]), "--helpers",
                 str(inputs["helpers_zh"]), "--map", "helper_id=编号", "--plan", str(inputs["plan"]),
                 "--groups", "elderly_alone,disabled", "--per-helper", "2", "--max-distance", "400",
                 "--cache-dir", str(demo_walk["cache"]), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "same grid:" in err
    pairs, unpaired = _csv(out / "pairs.csv"), _csv(out / "unpaired.csv")
    assert list(pairs.columns) == ["resident_index", "group", "helper_id", "network_m", "grid_code"]
    assert "grid_code" in unpaired.columns
    assert set(pairs["group"]) | set(unpaired["group"]) == {"elderly_alone", "disabled"}
    assert (pairs["network_m"] <= 400).all() and pairs["resident_index"].max() < 300
    sheet = pd.read_excel(out / "pairs.xlsx", sheet_name="pairs", skiprows=[1], dtype=str)
    assert sheet["helper_phone"].str.startswith("0").all() and len(sheet) == len(pairs)  # text, leading 0 kept
    hel = gpd.read_file(out / "helpers.geojson")
    assert "phone" not in hel.columns  # phone numbers only in the workbook, for the coordinator
    assert (hel.loc[hel["capacity"] == 2, "assigned"] <= 2).all()
    # the grid code is the plan's grid under the resident's point on surface
    res = gpd.read_file(inputs["residents"]).to_crs(inputs["grids"].crs)
    pts = gpd.GeoDataFrame({"resident_index": range(len(res))}, geometry=res.geometry.representative_point(),
                           crs=res.crs)
    hit = gpd.sjoin(pts, inputs["grids"][["grid_code", "geometry"]], predicate="intersects").drop_duplicates(
        "resident_index").set_index("resident_index")["grid_code"]
    sample = pairs.drop_duplicates("resident_index")
    assert (sample["grid_code"].to_numpy() == hit.reindex(sample["resident_index"]).to_numpy()).all()


@pytest.mark.slow
def test_drop_empty_keeps_file_rows_and_lists_what_was_left_out(inputs, demo_walk, tmp_path, capsys) -> None:
    res = gpd.read_file(inputs["residents"])
    res.loc[2, "geometry"] = None
    path = tmp_path / "holes.geojson"
    res.to_file(path)
    args = ["pair", "--osm", str(DEMO_OSM), "--residents", str(path), "--helpers", str(inputs["helpers"]),
            "--cache-dir", str(demo_walk["cache"]), "--quiet", "--out", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "holes.geojson" in err and "row 3" in err and "--drop-empty" in err and "Traceback" not in err
    assert main([*args, "--drop-empty"]) == 0
    both = pd.concat([_csv(tmp_path / "o" / "pairs.csv"), _csv(tmp_path / "o" / "unpaired.csv")])
    rows = set(both["resident_index"])
    assert 2 not in rows and rows <= set(range(len(res))) and max(rows) > 2
    with_people = set(np.flatnonzero(res[GROUPS].sum(axis=1).to_numpy() > 0)) - {2}
    assert rows == with_people  # the row numbers are those of the file
    problems = pd.read_csv(tmp_path / "o" / "problems.csv", encoding="utf-8-sig")
    assert (problems["code"] == "dropped_empty").sum() == 1 and problems["row"].tolist() == [3]


def _run_bad(args: list[str], capsys) -> str:
    code = main(["pair", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("error: ")
    return err


@pytest.mark.slow
def test_bad_input_exits_2_with_a_named_error(inputs, demo_walk, tmp_path, capsys) -> None:
    base = ["--osm", str(DEMO_OSM), "--cache-dir", str(demo_walk["cache"]), "--quiet", "--out", str(tmp_path / "o")]
    err = _run_bad([*base, "--residents", str(inputs["residents"])], capsys)
    assert "--helpers" in err
    hel = gpd.read_file(inputs["helpers"])
    hel.loc[4, "helper_id"] = hel.loc[1, "helper_id"]
    hel["capacity"] = hel["capacity"].astype(object)
    hel.loc[6, "capacity"] = "many"
    hel.to_file(tmp_path / "dup.geojson")
    err = _run_bad([*base, "--residents", str(inputs["residents"]), "--helpers", str(tmp_path / "dup.geojson")],
                   capsys)
    assert "dup.geojson" in err and "(rows 2, 5)" in err and "column 'helper_id'" in err and "unique" in err
    assert "row 7" in err and "column 'capacity'" in err and "'many'" in err
    res = gpd.read_file(inputs["residents"])
    res["elderly_alone"] = res["elderly_alone"].astype(object)
    res.loc[9, "elderly_alone"] = "two"
    res.to_file(tmp_path / "bad.geojson")
    err = _run_bad([*base, "--residents", str(tmp_path / "bad.geojson"), "--helpers", str(inputs["helpers"])], capsys)
    assert "bad.geojson" in err and "row 10" in err and "column 'elderly_alone'" in err and "'two'" in err
    err = _run_bad([*base, "--residents", str(inputs["residents"]), "--helpers", str(inputs["helpers"]),
                    "--groups", "orphans"], capsys)
    assert "orphans" in err and "--map" in err
    both = [*base, "--residents", str(inputs["residents"]), "--helpers", str(inputs["helpers"])]
    err = _run_bad([*both, "--map", "elderly_alone=独居老人"], capsys)
    assert "no input has a column '独居老人'" in err and "helpers columns: helper_id" in err
    err = _run_bad([*both, "--map", "helpers:helper_id=编号"], capsys)  # scoped: only the helpers are searched
    assert "mapped column '编号' (for helper_id) is not in the file" in err and "helpers.geojson" in err
    err = _run_bad([*both, "--map", "centres:helper_id=编号"], capsys)
    assert "'centres' is not an input of this command; scopes: residents, helpers" in err
    err = _run_bad([*base, "--demo", "--plan", str(tmp_path / "none.gpkg")], capsys)
    assert "none.gpkg" in err and "not found" in err
    err = _run_bad([*base, "--demo", "--plan", str(inputs["residents"])], capsys)
    assert "not a gridmap plan file" in err
    err = _run_bad(["--osm", str(tmp_path / "none.osm"), "--demo", "--quiet", "--out", str(tmp_path / "o")], capsys)
    assert "none.osm" in err and "not found" in err


@pytest.mark.parametrize("option, value, words", [
    ("--max-distance", "nan", "finite number of metres"), ("--max-distance", "-5", "above 0"),
    ("--max-distance", "inf", "finite"), ("--max-distance", "1e9", "at most 10,000 m"),
    ("--max-distance", "far", "walking metres"), ("--per-helper", "0", "from 1 to"),
    ("--per-helper", "2.5", "whole number"), ("--snap-limit", "0", "above 0"), ("--groups", ",", "column names"),
])
def test_numeric_options_are_checked(option, value, words, tmp_path, capsys) -> None:
    assert main(["pair", "--demo", option, value, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert option in err and words in err and "Traceback" not in err


def test_help_warns_about_personal_data(capsys) -> None:
    assert main(["pair", "--help"]) == 0
    text = capsys.readouterr().out
    assert "PERSONAL DATA" in text and "least privilege" in text and "capacity" in text
