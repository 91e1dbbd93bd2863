"""End to end on realistic layers (issue 12): ``gridmap coverage`` and ``gridmap unify`` write every
output, and what they write holds — in WGS84, a CGCS2000 Gauss–Krüger zone and UTM:

* written partitions are partitions (faces, units, grids read back from the files: valid, no
  overlap, the union of the inputs, no face lost);
* labels survive the trip (faces.geojson against a brute-force point-in-polygon on the inputs);
* the user's CRS is kept (the working CRS is the input's own; areas are the input's own; the
  plan's GeoPackage keeps it).

The layers (:mod:`tests.realistic_layers`): three layers of 10,000 jittered Voronoi cells, one of
them the same streets traced again (edges 1 mm–1 m apart, vertices missing on one side), zones
that overlap each other and stick out of the study area. The 10,000-cell coverage runs once per
CRS; unify runs on 1,000 cells per CRS (its grid heuristic takes ~80 s on the 10,000-cell city:
set GRIDMAP_SLOW_TESTS=1 to run that too).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).parent))
from realistic_layers import PLACES, assert_partition, own_area, read_back, realistic_city  # noqa: E402

from gridmap.cli import main  # noqa: E402
from gridmap.cli.coverage import OUTPUTS as COVERAGE_OUTPUTS  # noqa: E402
from gridmap.cli.unify import OUTPUTS as UNIFY_OUTPUTS  # noqa: E402

CRSS = ("wgs84", "gk", "utm")
LAYERS = ("party", "urban", "security")


def _write_inputs(city: dict, folder: Path) -> list[str]:
    """The city as the files an office hands over (GeoPackages); the CLI arguments that read them."""
    args = []
    for name, gdf in city["layers"].items():
        gdf.to_file(folder / f"{name}.gpkg", engine="pyogrio")
        args += ["--zones", f"{name}={folder / name}.gpkg"]
    city["study_area"].to_file(folder / "area.gpkg", engine="pyogrio")
    city["residents"].to_file(folder / "residents.gpkg", engine="pyogrio")
    return args + ["--area", str(folder / "area.gpkg"), "--residents", str(folder / "residents.gpkg")]


def _run(argv: list[str], capsys) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def _working_crs(err: str) -> pyproj.CRS:
    """The working CRS the command announced (``working CRS: EPSG:…``)."""
    line = next(line for line in err.splitlines() if "working CRS:" in line)
    return pyproj.CRS.from_user_input(line.split("working CRS:")[1].split("(")[0].strip())


def _inputs_union(city: dict, crs) -> shapely.Geometry:
    """The union of the study area and every zone layer, in ``crs`` (each layer dissolved first)."""
    parts = [shapely.union_all(gdf.to_crs(crs).geometry.to_numpy())
             for gdf in (city["study_area"], *city["layers"].values())]
    return shapely.union_all(parts)


# ------------------------------------------------------------------------------------------------
# gridmap coverage, 3 × 10,000 cells, once per CRS


@pytest.fixture(scope="module", params=CRSS)
def coverage_run(request, tmp_path_factory):
    where = PLACES[request.param]
    city = realistic_city(where, n_cells=10_000, n_residents=2_000)
    folder = tmp_path_factory.mktemp(f"coverage-{request.param}")
    out = folder / "out"
    argv = ["coverage", *_write_inputs(city, folder), "--out", str(out)]
    return {"where": where, "city": city, "out": out, "argv": argv}


@pytest.fixture(scope="module")
def coverage_done(coverage_run):
    """Runs the command once per CRS (the first test of each CRS asks for it), keeping its stderr."""
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(coverage_run["argv"])
    assert code == 0, stderr.getvalue()[-3000:]
    crs = _working_crs(stderr.getvalue())
    return {**coverage_run, "err": stderr.getvalue(), "crs": crs,
            "faces": read_back(coverage_run["out"] / "faces.geojson", crs)}


@pytest.mark.slow  # gridmap coverage end to end on 3 × 10,000 cells, per CRS
def test_coverage_writes_every_output_in_the_inputs_crs(coverage_done) -> None:
    for name in COVERAGE_OUTPUTS:
        assert (coverage_done["out"] / name).stat().st_size > 0, name
    crs = _working_crs(coverage_done["err"])
    where = coverage_done["where"]
    if where.via is None:  # projected input: computed in the input's own CRS
        assert crs.equals(pyproj.CRS.from_user_input(where.crs))
    else:  # lon/lat input: the CGCS2000 Gauss–Krüger zone of the data
        assert crs.to_epsg() == 4549


@pytest.mark.slow  # gridmap coverage end to end on 3 × 10,000 cells, per CRS
def test_coverage_faces_file_is_a_partition_of_the_inputs(coverage_done) -> None:
    crs, faces = coverage_done["crs"], coverage_done["faces"]
    union = _inputs_union(coverage_done["city"], crs)
    core = gpd.GeoDataFrame(geometry=[union], crs=crs)
    report = assert_partition(faces, core)
    # no face over 1 cm² (by the core's own area column) written empty
    empty = faces.geometry.isna() | faces.geometry.is_empty
    assert not (empty & (faces["area_m2"] > 1e-4)).any(), faces.loc[empty, "area_m2"].max()
    # snap rounding puts every vertex on a 1 mm grid: by Pick's theorem no face is under half a
    # grid cell (5e-7 m²) — exact noding leaves faces of 1e-10 m² along edges traced twice
    assert (faces["area_m2"] >= 0.5e-6 * (1 - 1e-6)).all(), faces["area_m2"].min()
    assert report["union_difference"] <= 1e-6


@pytest.mark.slow  # gridmap coverage end to end on 3 × 10,000 cells, per CRS
def test_coverage_labels_survive_the_trip(coverage_done) -> None:
    """Face labels read back from faces.geojson agree with a brute-force point-in-polygon on the
    input layers at ≥ 99.99 % of 10,000 random points."""
    city, crs, faces = coverage_done["city"], coverage_done["crs"], coverage_done["faces"]
    study = city["study_area"].to_crs(crs)
    minx, miny, maxx, maxy = study.total_bounds
    rng = np.random.default_rng(12)
    pts = shapely.points(rng.uniform(minx, maxx, 10_000), rng.uniform(miny, maxy, 10_000))
    geoms = faces.geometry.to_numpy()
    pt_idx, face_idx = shapely.STRtree(geoms).query(pts, predicate="within")
    face_of = np.full(len(pts), -1)
    face_of[pt_idx] = face_idx
    agree = np.ones(len(pts), dtype=bool)
    for name in LAYERS:
        zones = city["layers"][name].to_crs(crs)
        p, z = shapely.STRtree(zones.geometry.to_numpy()).query(pts, predicate="within")
        pairs = pd.DataFrame({"p": p, "id": zones["zone_id"].to_numpy()[z]}).sort_values(["p", "id"])
        expected = pairs.groupby("p")["id"].agg(";".join).reindex(range(len(pts)), fill_value="").to_numpy()
        got = np.where(face_of >= 0, faces[f"{name}_ids"].fillna("").to_numpy()[face_of], "")
        agree &= got == expected
    assert agree.mean() >= 0.9999, f"{(~agree).sum()} of {len(pts)} points disagree"


@pytest.mark.slow  # gridmap coverage end to end on 3 × 10,000 cells, per CRS
def test_coverage_areas_are_the_inputs_own(coverage_done) -> None:
    """The study area's area in summary.csv is its area in its own CRS (geodesic for lon/lat)."""
    summary = pd.read_csv(coverage_done["out"] / "summary.csv", encoding="utf-8-sig").set_index("layer")
    study = coverage_done["city"]["study_area"]
    rel = 1e-6 if coverage_done["where"].via is None else 1e-4  # lon/lat: GK zone vs the ellipsoid
    assert summary.loc["any", "area_m2"] == pytest.approx(own_area(study), rel=rel)
    if coverage_done["where"].via is None:
        party = coverage_done["city"]["layers"]["party"]
        covered = shapely.intersection(shapely.union_all(party.geometry.to_numpy()),
                                       shapely.union_all(study.geometry.to_numpy())).area
        assert summary.loc["party", "covered_m2"] == pytest.approx(covered, rel=1e-6)


# ------------------------------------------------------------------------------------------------
# gridmap unify, once per CRS


def _unify(where_name: str, tmp_path: Path, capsys, n_cells: int, side: float, n_residents: int) -> dict:
    where = PLACES[where_name]
    city = realistic_city(where, n_cells=n_cells, side=side, n_communities=3, n_residents=n_residents)
    out = tmp_path / "out"
    err = _run(["unify", *_write_inputs(city, tmp_path), "--out", str(out)], capsys)
    return {"where": where, "city": city, "out": out, "crs": _working_crs(err)}


def _check_unify(run: dict) -> None:
    out, crs, city, where = run["out"], run["crs"], run["city"], run["where"]
    for name in UNIFY_OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    if where.via is None:
        assert crs.equals(pyproj.CRS.from_user_input(where.crs))
    study = city["study_area"].to_crs(crs)
    core = gpd.GeoDataFrame(geometry=[shapely.union_all(study.geometry.to_numpy())], crs=crs)
    units = read_back(out / "units.geojson", crs)
    grids = read_back(out / "grids.geojson", crs)
    for written in (units, grids):
        assert_partition(written, core)
        assert not (written.geometry.isna() | written.geometry.is_empty).any()
    # the editable plan keeps the working CRS, and its units are a partition there too
    plan_units = gpd.read_file(out / "plan.gpkg", layer="units", engine="pyogrio")
    assert plan_units.crs.equals(crs)
    assert_partition(plan_units, core)
    # households add up (those of the residents in the study area), and the units cover the study
    # area's own area
    residents = city["residents"].to_crs(crs)
    inside = shapely.STRtree(study.geometry.to_numpy()).query(residents.geometry.to_numpy(), predicate="within")[0]
    assert units["households"].sum() == residents["households"].to_numpy()[np.unique(inside)].sum()
    rel = 1e-6 if where.via is None else 1e-4
    assert units["area_m2"].sum() == pytest.approx(own_area(city["study_area"]), rel=rel)


@pytest.mark.slow  # gridmap unify end to end, per CRS
@pytest.mark.parametrize("where_name", CRSS)
def test_unify_writes_partitions_in_the_inputs_crs(where_name, tmp_path, capsys) -> None:
    _check_unify(_unify(where_name, tmp_path, capsys, n_cells=1_000, side=3_000.0, n_residents=400))


@pytest.mark.skipif(not os.environ.get("GRIDMAP_SLOW_TESTS"), reason="~80 s a CRS: set GRIDMAP_SLOW_TESTS=1")
@pytest.mark.parametrize("where_name", CRSS)
def test_unify_on_ten_thousand_cells(where_name, tmp_path, capsys) -> None:
    _check_unify(_unify(where_name, tmp_path, capsys, n_cells=10_000, side=10_000.0, n_residents=300))


# ------------------------------------------------------------------------------------------------
# every command that computes in a metric CRS takes --crs-work


@pytest.mark.parametrize("command", [["coverage"], ["unify"], ["access"], ["site", "--k", "1"], ["report"]])
def test_every_computing_command_takes_crs_work_and_refuses_web_mercator(command, tmp_path, capsys) -> None:
    code = main([*command, "--demo", "--crs-work", "EPSG:3857", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "EPSG:3857" in err and "web-map projection" in err and "EPSG:4549" in err  # the CRS that would do


@pytest.mark.slow  # gridmap access end to end on the demo network
def test_access_routes_in_the_working_crs_asked_for(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["access", "--demo", "--crs-work", "EPSG:32650", "--cache-dir", str(tmp_path / "cache"),
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "working CRS: EPSG:32650" in err and "EPSG:32650" in err.split("network:")[1].splitlines()[0]
    catchments = gpd.read_file(out / "catchments.geojson")
    assert catchments.crs.to_epsg() == 4326 and (catchments["area_m2"] > 0).all()
