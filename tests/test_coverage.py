"""Coverage report on hand-built layers (shares, 盲区, 多头, 越界, edges) and the coverage CLI."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.analysis.coverage import ANY_LAYER, coverage_report, find_overlaps, flag_slivers, label_gaps
from gridmap.analysis.mosaic import build_mosaic
from gridmap.cli import main
from gridmap.io.files import write_geojson, write_gpkg

CRS = 4549
X, Y = 500_000.0, 3_545_000.0


def box(x0, y0, x1, y1):
    return shapely.box(X + x0, Y + y0, X + x1, Y + y1)


def zones(geoms, ids):
    return gpd.GeoDataFrame({"zone_id": ids, "name": [f"网格{i}" for i in ids]}, geometry=geoms, crs=CRS)


@pytest.fixture()
def case():
    """A 100 × 100 m study area of two communities (west A1: x < 50, east A2).

    party: P1 = [0,60]×[0,100], P2 = [40,100]×[0,80]  → overlap [40,60]×[0,80] = 1600 m²;
           uncovered by party: [60,100]×[80,100] = 800 m².
    urban: U1 = [0,50]×[0,50], U2 = [120,140]×[0,20] (entirely outside: 400 m²), and
           U3 = [95,105]×[0,10] sticking out by 50 m².
    No layer covers [60,100]×[80,100] → one 盲区 of 800 m² in A2.
    Residents: 10 households at (70, 90) in the gap; 20 at (10, 10) (P1 + U1);
               30 at (50, 40) (P1∩P2, the overlap; on the A1/A2 border, counted once); 5 at (30, 90).
    """
    area = gpd.GeoDataFrame({"area_id": ["A1", "A2"], "name": ["西社区", "东社区"]},
                            geometry=[box(0, 0, 50, 100), box(50, 0, 100, 100)], crs=CRS)
    party = zones([box(0, 0, 60, 100), box(40, 0, 100, 80)], ["P1", "P2"])
    urban = zones([box(0, 0, 50, 50), box(120, 0, 140, 20), box(95, 0, 105, 10)], ["U1", "U2", "U3"])
    residents = gpd.GeoDataFrame(
        {"households": [10, 20, 30, 5], "population": [25, 50, 80, 12], "elderly_alone": [2, 0, 1, 0]},
        geometry=[shapely.Point(X + 70, Y + 90), shapely.Point(X + 10, Y + 10), shapely.Point(X + 50.5, Y + 40),
                  shapely.Point(X + 30, Y + 90)], crs=CRS)
    return {"party": party, "urban": urban}, area, residents


def test_summary_shares_by_area_and_people(case) -> None:
    layers, area, residents = case
    faces = build_mosaic(layers, area, residents, crs=CRS)
    summary = coverage_report(faces, layers).summary.set_index("layer")
    assert list(summary.index) == ["party", "urban", ANY_LAYER]
    assert summary.loc["party", "area_m2"] == pytest.approx(10_000)
    assert summary.loc["party", "covered_m2"] == pytest.approx(9_200)
    assert summary.loc["party", "area_share"] == pytest.approx(0.92)
    assert summary.loc["party", "overlap_m2"] == pytest.approx(1_600)
    assert summary.loc["party", "households"] == 65
    assert summary.loc["party", "households_covered"] == 55
    assert summary.loc["party", "households_share"] == pytest.approx(55 / 65)
    # urban: U1 (2500) + the part of U3 inside (5 × 10 = 50)
    assert summary.loc["urban", "covered_m2"] == pytest.approx(2_550)
    assert summary.loc["urban", "households_covered"] == 20
    assert summary.loc["urban", "outside_m2"] == pytest.approx(400 + 50)
    assert summary.loc[ANY_LAYER, "area_share"] == pytest.approx(0.92)
    assert summary.loc[ANY_LAYER, "elderly_alone_covered"] == 1 and summary.loc[ANY_LAYER, "elderly_alone"] == 3


def test_gaps_overlaps_outside(case) -> None:
    layers, area, residents = case
    faces = build_mosaic(layers, area, residents, crs=CRS)
    report = coverage_report(faces, layers)
    [gap] = report.gaps.itertuples()
    assert (gap.gap_id, gap.area_id, gap.households, gap.population) == ("G0001", "A2", 10, 25)
    assert gap.area_m2 == pytest.approx(800)
    assert gap.nearest_party == "P2" and gap.nearest_party_m == pytest.approx(0.0)
    assert gap.nearest_urban == "U1" and gap.nearest_urban_m == pytest.approx(1000 ** 0.5)  # corner (50,50)→(60,80)
    assert gap.geometry.equals(box(60, 80, 100, 100))
    [overlap] = report.overlaps.itertuples()
    assert (overlap.layer, overlap.zone_ids, overlap.n_zones, overlap.households) == ("party", "P1;P2", 2, 30)
    assert overlap.area_m2 == pytest.approx(1_600) and not overlap.is_sliver
    outside = report.outside.set_index("zone_id")
    assert set(outside.index) == {"U2", "U3"}
    assert outside.loc["U2", "outside_m2"] == pytest.approx(400) and outside.loc["U2", "outside_share"] == 1.0
    assert outside.loc["U3", "outside_m2"] == pytest.approx(50) and outside.loc["U3", "outside_share"] == 0.5


def test_touching_zones_give_no_overlap_and_narrow_gaps_become_edges() -> None:
    layer = zones([box(0, 0, 50, 100), box(50, 0, 100, 100), box(101, 0, 150, 100)], ["A", "B", "C"])
    faces = build_mosaic({"party": layer}, crs=CRS)
    report = coverage_report(faces, {"party": layer}, gap_width=2.0)
    assert report.overlaps.empty
    edges = report.invalid_edges
    assert set(edges["zone_id"]) == {"B", "C"}  # the 1 m gap between B and C, not the shared A|B edge
    assert edges.groupby("zone_id")["length_m"].sum().to_dict() == pytest.approx({"B": 100.0, "C": 100.0})
    assert coverage_report(faces, {"party": layer}, gap_width=0.5).invalid_edges.empty


def test_slivers_are_flagged_not_dropped() -> None:
    area = gpd.GeoDataFrame({"area_id": ["A1"], "name": ["社区"]}, geometry=[box(0, 0, 100, 100)], crs=CRS)
    layer = zones([box(0, 0, 50, 100), box(50.001, 0, 100, 100)], ["A", "B"])  # 0.1 m² gap
    faces = build_mosaic({"party": layer}, area, crs=CRS)
    gaps = coverage_report(faces, {"party": layer}, sliver_m2=1.0).gaps
    assert len(gaps) == 1 and bool(gaps["is_sliver"].iloc[0])
    assert gaps["area_m2"].iloc[0] == pytest.approx(0.1, rel=1e-6)


# ---------------------------------------------------------------------------------------------
# the CLI


def _exteriors_ccw(geometry: dict) -> bool:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return all(shapely.LinearRing(poly[0]).is_ccw for poly in polygons)


def test_cli_writes_every_file_with_the_contract_columns(case, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("GRIDMAP_LANG", raising=False)  # the map in the default language, Chinese (conftest sets en)
    layers, area, residents = case
    # exact coordinates (GeoPackage, metric): GeoJSON's 7 decimals would add slivers between layers
    party = write_gpkg(layers["party"], tmp_path / "party.gpkg", "party")
    plan = write_gpkg({"urban_grid": layers["urban"], "communities": area}, tmp_path / "plan.gpkg")
    res = write_geojson(residents, tmp_path / "res.geojson")
    out = tmp_path / "out"
    status = main(["coverage", "--zones", f"party={party}", "--zones", f"urban={plan}#urban_grid",
                   "--area", f"{plan}#communities", "--residents", str(res), "--gap-width", "2", "--out", str(out),
                   "--quiet"])
    assert status == 0
    assert "任一图层覆盖 92.00%" in capsys.readouterr().out  # the summary too is in the default language
    for name in ("faces.geojson", "gaps.geojson", "overlaps.geojson", "summary.csv", "coverage.html"):
        assert (out / name).stat().st_size > 0, name
    for name in ("faces.geojson", "gaps.geojson", "overlaps.geojson", "outside.geojson", "edges.geojson"):
        back = gpd.read_file(out / name)
        assert back.is_valid.all() and back.crs.to_epsg() == 4326, name
    faces = json.loads((out / "faces.geojson").read_text(encoding="utf-8"))
    assert "crs" not in faces
    props = faces["features"][0]["properties"]
    assert {"party_ids", "party_count", "urban_ids", "urban_count", "n_layers", "in_study_area", "area_m2",
            "households", "population", "elderly_alone"} <= set(props)
    assert all(_exteriors_ccw(f["geometry"]) for f in faces["features"])
    overlap = json.loads((out / "overlaps.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["zone_ids"] for f in overlap] == ["P1;P2"]
    gaps = gpd.read_file(out / "gaps.geojson")
    assert gaps["households"].tolist() == [10] and gaps.crs.to_epsg() == 4326
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert summary["layer"].tolist() == ["party", "urban", "any"]
    assert {"area_share", "households_share", "population_share", "elderly_alone_share"} <= set(summary.columns)
    html = (out / "coverage.html").read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "<link href=\"http" not in html
    assert "G0001" in html and "\\u76f2\\u533a" in html  # the gap, and the 盲区 layer name (JSON-escaped)


def test_cli_bad_input_names_the_file_and_row(case, tmp_path: Path, capsys) -> None:
    layers, area, _ = case
    bad = layers["party"].copy()
    bad.loc[1, "zone_id"] = "P1"
    party = write_geojson(bad, tmp_path / "dup.geojson")
    areafile = write_geojson(area, tmp_path / "area.geojson")
    assert main(["coverage", "--zones", f"party={party}", "--area", str(areafile), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "dup.geojson" in err and "zone_id 'P1' is used by 2 features (rows 1, 2)" in err


@pytest.mark.slow
def test_cli_computes_in_the_inputs_crs_or_the_one_asked_for(case, tmp_path: Path, capsys) -> None:
    """Input in a Gauss–Krüger zone is computed there (areas are the input's own); ``--crs-work``
    chooses another working CRS, and one that distorts (Web Mercator) is refused with the reason."""
    layers, area, _ = case
    party = write_gpkg(layers["party"], tmp_path / "party.gpkg", "party")
    areafile = write_gpkg(area, tmp_path / "area.gpkg", "area")
    args = ["coverage", "--zones", f"party={party}", "--area", str(areafile)]
    assert main([*args, "--out", str(tmp_path / "own")]) == 0
    assert "working CRS: EPSG:4549" in capsys.readouterr().err
    summary = pd.read_csv(tmp_path / "own" / "summary.csv", encoding="utf-8-sig").set_index("layer")
    assert summary.loc["any", "area_m2"] == pytest.approx(10_000.0, rel=1e-9)  # 100 m × 100 m in EPSG:4549
    assert main([*args, "--crs-work", "EPSG:32650", "--out", str(tmp_path / "utm")]) == 0
    assert "working CRS: EPSG:32650" in capsys.readouterr().err
    utm = pd.read_csv(tmp_path / "utm" / "summary.csv", encoding="utf-8-sig").set_index("layer")
    assert utm.loc["any", "area_m2"] == pytest.approx(10_000.0, rel=2e-3)  # UTM 50N scale near Nanjing
    assert main([*args, "--crs-work", "EPSG:3857", "--out", str(tmp_path / "web")]) == 2
    err = capsys.readouterr().err
    assert "EPSG:3857" in err and "web-map projection" in err and "EPSG:4549" in err


@pytest.mark.slow
def test_cli_demo(tmp_path: Path, capsys) -> None:
    assert main(["coverage", "--demo", "--out", str(tmp_path), "--quiet"]) == 0
    summary = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig").set_index("layer")
    gaps = gpd.read_file(tmp_path / "gaps.geojson")
    real = gaps[~gaps["is_sliver"]]
    # the demo's two deliberate 盲区 (data/README.md): a new compound (383 households) and a border strip
    assert len(real) == 2 and real["households"].sum() == 383 + 73
    assert summary.loc["any", "households"] - summary.loc["any", "households_covered"] == 383 + 73


def test_report_survives_faces_of_a_few_nanometres_squared() -> None:
    """Layers digitised apart leave faces of ~1e-9 m² that GEOS's coverage union refuses."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import standin_demo

    demo = standin_demo.load_demo()
    faces = build_mosaic({"s": demo["zones_security"]}, demo["study_area"], grid_size=None)  # exact noding
    assert faces["area_m2"].min() < 1e-6  # the case at hand
    report = coverage_report(faces, {"s": demo["zones_security"]})
    blind = faces.loc[faces["in_study_area"] & (faces["n_layers"] == 0), "area_m2"].sum()
    assert report.gaps["area_m2"].sum() == pytest.approx(blind, rel=1e-9)


def test_label_gaps_numbers_largest_first_and_names_the_nearest_zone() -> None:
    """Three gaps (areas 100, 400, 100 m²) and two layers: ids by area (ties in input order), the
    nearest zone and its distance measured by hand; a gap_id already present is replaced."""
    from shapely import box

    gaps = gpd.GeoDataFrame({"gap_id": ["x", "y", "z"], "area_id": ["A", "B", "C"], "area_m2": [100.0, 400.0, 100.0]},
                            geometry=[box(0, 0, 10, 10), box(100, 0, 120, 20), box(0, 100, 10, 110)], crs=CRS)
    party = gpd.GeoDataFrame({"zone_id": ["P1", "P2"]}, geometry=[box(20, 0, 30, 10), box(0, 130, 10, 140)], crs=CRS)
    urban = gpd.GeoDataFrame({"zone_id": ["U1"]}, geometry=[box(100, 50, 120, 60)], crs=CRS).to_crs(4326)
    out = label_gaps(gaps, {"party": party, "urban": urban})
    assert out["gap_id"].tolist() == ["G0001", "G0002", "G0003"]
    assert out["area_id"].tolist() == ["B", "A", "C"]
    assert out["nearest_party"].tolist() == ["P1", "P1", "P2"]
    assert out["nearest_party_m"].tolist() == pytest.approx([70.0, 10.0, 20.0])
    assert out["nearest_urban"].tolist() == ["U1", "U1", "U1"]
    assert out["nearest_urban_m"].tolist() == pytest.approx([30.0, 9700 ** 0.5, 9700 ** 0.5], rel=1e-6)  # 90 × 40
    flagged = flag_slivers(out, "area_m2", 150.0)
    assert flagged["is_sliver"].tolist() == [False, True, True] and "is_sliver" not in out


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["", "a;b", "a;c"]), min_size=42, max_size=42),
       st.lists(st.integers(0, 5), min_size=42, max_size=42))
def test_overlap_parts_are_the_connected_cells_of_each_conflict(labels, households) -> None:
    """Overlaps of a 6 × 7 grid of unit cells, each in conflict "a;b", "a;c" or none: the parts are the
    4-connected components of each conflict's cells (scipy.ndimage.label; cells meeting at a corner
    only are separate parts), with their cell counts as areas and their households summed."""
    from scipy import ndimage

    grid = np.array(labels, dtype=object).reshape(6, 7)
    hh = np.array(households).reshape(6, 7)
    rows, cols = np.indices(grid.shape)
    faces = gpd.GeoDataFrame({"party_ids": grid.ravel(), "party_count": np.where(grid.ravel() == "", 1, 2),
                              "in_study_area": True, "households": hh.ravel()},
                             geometry=shapely.box(cols.ravel(), rows.ravel(), cols.ravel() + 1, rows.ravel() + 1),
                             crs=3857)
    want = []
    for key in ("a;b", "a;c"):
        comp, n = ndimage.label(grid == key)
        want += [(key, float((comp == c).sum()), int(hh[comp == c].sum())) for c in range(1, n + 1)]
    got = find_overlaps(faces, ["party"])
    rows = zip(got["zone_ids"], got["area_m2"].round(9), got["households"], strict=True) if len(got) else []
    assert sorted(rows) == sorted(want)
