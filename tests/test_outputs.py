"""The files of a run (gridmap.scale.outputs): written by several processes, they are those of one."""

from __future__ import annotations

import sys

import pytest

from gridmap.errors import GridmapError
from gridmap.scale.outputs import GEOJSON_COST, OutputFile, run_output_files, share_out, write_files
from gridmap.scale.pipeline import CityInputs, RunParams, run_single
from gridmap.scale.synthetic import synthetic_city

forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes are forked on Linux only")


@pytest.fixture(scope="module")
def result():
    city = synthetic_city(1500, seed=3)
    return run_single(CityInputs.from_city(city), RunParams()), city.study_area


@forks
def test_files_written_by_three_processes_are_byte_for_byte_those_of_one(result, tmp_path) -> None:
    run, study_area = result
    (tmp_path / "one").mkdir()
    (tmp_path / "three").mkdir()
    one = write_files(run_output_files(run, tmp_path / "one", 100_000, study_area), processes=1)
    three = write_files(run_output_files(run, tmp_path / "three", 100_000, study_area), processes=3)
    assert one == three  # the same names, in the listed order
    assert {p.name for p in (tmp_path / "three").iterdir()} == set(one)  # every file, and no temporary left
    expected = {"grids.geojson", "grids.parquet", "study_area.parquet", "gaps.geojson", "overlaps.geojson",
                "outside.geojson", "invalid_edges.geojson", "faces.parquet", "faces.geojson", "units.parquet",
                "units.geojson", "access_residents.parquet", "access_residents.geojson", "access_centers.geojson",
                "assignment.csv", "communities.csv", "coverage_summary.csv"}
    assert set(one) == expected
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "three" / name).read_bytes(), name


def test_large_layers_past_the_limit_are_geoparquet_only(result, tmp_path) -> None:
    run, _ = result
    names = [f.name for f in run_output_files(run, tmp_path, geojson_max_rows=len(run.units) - 1)]
    assert "units.parquet" in names and "units.geojson" not in names
    assert "faces.geojson" not in names  # more faces than units
    assert "grids.geojson" in names  # grids and coverage layers are always GeoJSON too
    units = next(f for f in run_output_files(run, tmp_path, 10**9) if f.name == "units.geojson")
    assert units.cost == GEOJSON_COST * len(run.units)


@forks
def test_a_file_that_fails_in_a_child_raises_in_the_parent(tmp_path) -> None:
    def fail() -> None:
        raise GridmapError("err_zip_unreadable", zip="x", detail="test")

    files = [OutputFile("a.txt", 5.0, lambda: (tmp_path / "a.txt").write_text("a")),
             OutputFile("bad", 4.0, fail),
             OutputFile("c.txt", 1.0, lambda: (tmp_path / "c.txt").write_text("c"))]
    with pytest.raises(GridmapError):
        write_files(files, processes=2)
    assert (tmp_path / "a.txt").read_text() == "a"  # this process's share was written


def test_shares_give_the_largest_file_to_the_lightest_process() -> None:
    """By hand: costs 5, 4, 3, 3, 1 on two processes → 5 | 4; the first 3 → second (4 < 5, then 7); the
    other 3 → first (5 < 7, then 8); 1 → second (7 < 8)."""
    files = [OutputFile(str(c) + n, float(c), lambda: None) for c, n in ((3, "a"), (5, ""), (1, ""), (4, ""), (3, "b"))]
    shares = share_out(files, 2)
    assert [[f.name for f in s] for s in shares] == [["5", "3b"], ["4", "3a", "1"]]
    assert [[f.name for f in s] for s in share_out(files, 1)] == [["5", "4", "3a", "3b", "1"]]
    assert share_out([], 4) == [[]]
