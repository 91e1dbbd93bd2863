"""``gridmap staff`` end to end on a demo plan with 微网格: files, columns, the notice reading the staff table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.cli import main
from gridmap.cli.staff import OUTPUTS, SHEETS


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("unify")
    assert main(["unify", "--demo", "--quiet", "--exclusive", "osm", "--micro", "10,70", "--out", str(out)]) == 0
    return out


def _people(demo_plan, tmp_path):
    grids = gpd.read_file(demo_plan / "grids.geojson")
    micro = gpd.read_file(demo_plan / "micro_grids.geojson")
    rng = np.random.default_rng(1)
    homes = shapely.point_on_surface(grids.geometry.to_numpy())
    lon, lat = shapely.get_x(homes), shapely.get_y(homes)
    n = len(grids)
    staff = pd.DataFrame({"工号": [f"S{k:03d}" for k in range(n)], "name": [f"网格员{k}" for k in range(n)],
                          "phone": [f"0258000{k:04d}" for k in range(n)], "staff_type": ["专职", "兼职"] * (n // 2)
                          + ["专职"] * (n % 2), "lon": lon + rng.normal(0, 0.002, n),
                          "lat": lat + rng.normal(0, 0.002, n), "grid_code": ""})
    staff.loc[0, "grid_code"] = grids["grid_code"].iloc[0]
    staff.to_csv(tmp_path / "staff.csv", index=False, encoding="utf-8-sig")
    mh = shapely.point_on_surface(micro.geometry.to_numpy())[::3]
    members = gpd.GeoDataFrame({"member_id": [f"M{k}" for k in range(len(mh))], "name": "党员",
                                "community": micro["grid_code"].str[:12].to_numpy()[::3]}, geometry=mh, crs=4326)
    members.to_file(tmp_path / "members.geojson")
    units = gpd.GeoDataFrame({"unit_id": ["U1", "U2"], "name": ["银行", "医院"], "volunteers": [10, 25]},
                             geometry=list(homes[:2]), crs=4326)
    units.to_file(tmp_path / "units.geojson")
    return grids, micro


@pytest.mark.slow
@pytest.mark.parametrize("walk", [False, True])
def test_staff_writes_every_table_and_the_notice_reads_its_staff(demo_plan, tmp_path, walk) -> None:
    grids, micro = _people(demo_plan, tmp_path)
    out = tmp_path / "out"
    args = ["staff", "--plan", str(demo_plan / "plan.gpkg"), "--staff", str(tmp_path / "staff.csv"),
            "--members", str(tmp_path / "members.geojson"), "--units", str(tmp_path / "units.geojson"),
            "--map", "staff:staff_id=工号", "--quiet", "--out", str(out)]
    if walk:
        from gridmap.demo import DEMO_OSM

        args += ["--osm", str(DEMO_OSM)]
    assert main(args) == 0
    for name in (*OUTPUTS, "members.csv", "member_micro.csv", "member_coverage.csv", "units.csv"):
        assert (out / name).exists(), name
    g = pd.read_csv(out / "staff_grids.csv", dtype={"grid_code": str, "staff_ids": str})
    assert set(g["grid_code"]) == set(grids["grid_code"])
    assert g.loc[g["grid_code"] == grids["grid_code"].iloc[0], "source"].item() == "kept"
    assert g["staffed"].sum() > len(g) / 2
    s = pd.read_csv(out / "staff.csv", dtype={"phone": str, "kept": str})
    new = s["kept"].isna()  # kept assignments stay whatever their load (load > 1 shows it); new ones fit
    assert (s.loc[new, "households"] <= s.loc[new, "capacity"] + 1e-6).all() and s["phone"].str.startswith("0").all()
    assert s.loc[~new, "load"].item() == pytest.approx(s.loc[~new, "households"].item() / 500, abs=1e-3)
    unstaffed = pd.read_csv(out / "unstaffed.csv")
    assert set(unstaffed["reason"]) <= {"no_staff_within_reach", "staff_full"}
    assert len(unstaffed) == int((~g["staffed"]).sum())
    m = pd.read_csv(out / "member_micro.csv", dtype={"micro_code": str})
    assert set(m["micro_code"]) == set(micro["micro_code"]) and m["n_members"].sum() == len(pd.read_csv(
        out / "members.csv"))
    cov = pd.read_csv(out / "member_coverage.csv", dtype={"code": str})
    assert set(cov["level"]) == {"grid", "community"} and cov["micro_share"].between(0, 1).all()
    assert pd.ExcelFile(out / "staffing.xlsx").sheet_names == [SHEETS[k] for k in
                                                               ("staff", "grids", "unstaffed", "units", "members",
                                                                "coverage")]
    from gridmap.present.notice_inputs import read_staff_table

    table = read_staff_table(out / "staff_assignments.csv")
    assert len(table.table) == g["n_staff"].sum() and set(table.table["role"]) == {"网格员"}


def test_staff_without_a_plan_file_or_with_a_bad_row_says_so(tmp_path, capsys) -> None:
    pd.DataFrame({"staff_id": ["a"], "name": ["x"], "phone": ["1"], "lon": [118.78], "lat": [32.04]}).to_csv(
        tmp_path / "s.csv", index=False)
    assert main(["staff", "--plan", str(tmp_path / "none.gpkg"), "--staff", str(tmp_path / "s.csv"),
                 "--out", str(tmp_path / "o")]) == 2
    assert "none.gpkg: plan file not found" in capsys.readouterr().err


@pytest.mark.slow
def test_staff_names_the_row_of_an_unknown_grid(demo_plan, tmp_path, capsys) -> None:
    pd.DataFrame({"staff_id": ["a", "b"], "name": ["x", "y"], "phone": ["1", "2"], "lon": [118.78, 118.78],
                  "lat": [32.04, 32.04], "grid_code": ["", "123"]}).to_csv(tmp_path / "s.csv", index=False)
    assert main(["staff", "--plan", str(demo_plan / "plan.gpkg"), "--staff", str(tmp_path / "s.csv"),
                 "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "grid_code 123 is not a grid of the plan" in err and "Traceback" not in err


@pytest.mark.slow
def test_the_report_takes_the_staffing_folder_and_the_pairs(demo_plan, tmp_path) -> None:
    _people(demo_plan, tmp_path)
    staffing = tmp_path / "staffing"
    assert main(["staff", "--plan", str(demo_plan / "plan.gpkg"), "--staff", str(tmp_path / "staff.csv"),
                 "--members", str(tmp_path / "members.geojson"), "--map", "staff:staff_id=工号", "--quiet",
                 "--out", str(staffing)]) == 0
    pd.DataFrame({"resident_index": [1], "group": ["disabled"], "helper_id": ["h9"], "network_m": [50.0]}).to_csv(
        tmp_path / "pairs.csv", index=False)
    out = tmp_path / "report"
    assert main(["report", "--plan", str(demo_plan / "plan.gpkg"), "--staffing", str(staffing), "--pairs",
                 str(tmp_path / "pairs.csv"), "--sites", "0", "--lang", "zh", "--quiet", "--out", str(out)]) in (0, 1)
    book = pd.ExcelFile(out / "report.xlsx")
    assert book.sheet_names[-3:] == ["网格员配置", "党员报到", "结对帮扶"]
    staff = book.parse("网格员配置", dtype=str)
    assert staff["网格编码"].str.len().eq(15).all()  # codes stay text


@pytest.mark.slow
def test_notices_show_the_micro_grids_stored_in_the_plan(demo_plan, tmp_path, capsys) -> None:
    import subprocess

    grids = gpd.read_file(demo_plan / "grids.geojson")
    base = grids.loc[grids["grid_type"] == "基础网格"].iloc[0]
    out = tmp_path / "notice"
    assert main(["--lang", "zh", "notice", "--plan", str(demo_plan / "plan.gpkg"), "--grids", base["grid_code"],
                 "--out", str(out)]) in (0, 1)
    assert "个，存于方案中" in capsys.readouterr().err  # "micro grids: N stored in the plan", in the run's language
    text = subprocess.run(["pdftotext", str(out / f"notice_{base['grid_code']}.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    micro = gpd.read_file(demo_plan / "micro_grids.geojson")
    n = int((micro["grid_code"] == base["grid_code"]).sum())
    assert f"{n} 个 · 户数 {int(base['households'])}" in text  # the micro-grid table of this grid
