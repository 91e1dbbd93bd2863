"""The partitioned pipeline gives exactly the one-process results (10k synthetic city), on any scheduler."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gridmap.access.accessibility import representative_xy
from gridmap.cli import main
from gridmap.plans.grids import build_grids
from gridmap.scale.partition import OUTSIDE, Partition, halo_network, partition_keys, split_inputs
from gridmap.scale.pipeline import CityInputs, RunParams, run_partitioned, run_single, task_access
from gridmap.scale.synthetic import synthetic_city


@pytest.fixture(scope="module")
def city():
    return synthetic_city(10_000, seed=1)


@pytest.fixture(scope="module")
def single(city):
    return run_single(CityInputs.from_city(city))


@pytest.fixture(scope="module")
def threaded(city):
    # two tasks per worker: at least 4 groups of 街道 even on 2 cores, so that several borders are crossed
    return run_partitioned(CityInputs.from_city(city), RunParams(tasks_per_worker=2), scheduler="threads")


def _labels(faces: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in faces.columns if c.endswith("_ids")] + ["area_id", "in_study_area"]
    return faces.groupby(cols)[["area_m2", "households", "population"]].sum().sort_index()


def assert_same(a, b) -> None:
    """Everything a run produces, compared."""
    la, lb = _labels(a.faces), _labels(b.faces)
    assert la.index.equals(lb.index), "the same face labels"
    assert np.allclose(la["area_m2"], lb["area_m2"], rtol=0, atol=1e-6)
    assert la[["households", "population"]].equals(lb[["households", "population"]])
    assert len(a.faces) == len(b.faces)
    # units, assignment and grids: identical
    assert len(a.units) == len(b.units)
    assert np.allclose(a.units["area_m2"], b.units["area_m2"], rtol=0, atol=1e-6)
    assert a.units["area_id"].equals(b.units["area_id"]) and a.units["households"].equals(b.units["households"])
    assert a.assignment.equals(b.assignment)
    assert a.grids["grid_code"].tolist() == b.grids["grid_code"].tolist()
    assert a.grids["households"].tolist() == b.grids["households"].tolist()
    assert np.allclose(a.grids["area_m2"], b.grids["area_m2"], rtol=0, atol=1e-6)
    assert a.grid_status.equals(b.grid_status)
    # access: the same distances, nearest centres and statuses
    ra, rb = a.access.residents, b.access.residents
    dist_cols = ["network_m", "straight_m", "snap_m"] + [c for c in ra.columns if c.startswith("network_m_")]
    for col in dist_cols:
        x, y = ra[col].to_numpy(), rb[col].to_numpy()
        assert np.array_equal(np.isnan(x), np.isnan(y)), col
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-9), col
    assert ra["center_id"].fillna("").equals(rb["center_id"].fillna(""))
    assert ra["snap_status"].equals(rb["snap_status"]) and ra["life_circle"].equals(rb["life_circle"])
    ca, cb = a.access.centers, b.access.centers
    assert np.allclose(ca["snap_m"], cb["snap_m"], rtol=0, atol=1e-9) and ca["snap_status"].equals(cb["snap_status"])
    # coverage: the same tables
    sa, sb = a.coverage.summary, b.coverage.summary
    assert sa["layer"].equals(sb["layer"])
    assert np.allclose(sa.drop(columns="layer").to_numpy(float), sb.drop(columns="layer").to_numpy(float),
                       rtol=1e-12, atol=1e-6)
    ga, gb = a.coverage.gaps, b.coverage.gaps
    assert ga["area_id"].tolist() == gb["area_id"].tolist() and np.allclose(ga["area_m2"], gb["area_m2"], atol=1e-6)
    near = [c for c in ga.columns if c.startswith("nearest_") and not c.endswith("_m")]
    assert ga[near].equals(gb[near])
    key = ["layer", "zone_ids", "in_study_area"]
    oa = a.coverage.overlaps.groupby(key)["area_m2"].sum()
    ob = b.coverage.overlaps.groupby(key)["area_m2"].sum()
    assert oa.index.equals(ob.index) and np.allclose(oa, ob, rtol=0, atol=1e-6)
    assert len(a.coverage.overlaps) == len(b.coverage.overlaps)
    # and each conflict has the same overlap id in both runs (number_overlaps: an order of the parts alone)
    cols = ["overlap_id", "layer", "zone_ids", "in_study_area"]
    ids_a, ids_b = (r.coverage.overlaps[cols].astype(str).values.tolist() for r in (a, b))
    assert ids_a == ids_b
    xa = a.coverage.outside.set_index(["layer", "zone_id"])["outside_m2"].sort_index()
    xb = b.coverage.outside.set_index(["layer", "zone_id"])["outside_m2"].sort_index()
    assert xa.index.equals(xb.index) and np.allclose(xa, xb, rtol=0, atol=1e-6)
    ea = a.coverage.invalid_edges.groupby(["layer", "zone_id"])["length_m"].sum().sort_index()
    eb = b.coverage.invalid_edges.groupby(["layer", "zone_id"])["length_m"].sum().sort_index()
    assert ea.index.equals(eb.index) and np.allclose(ea, eb, rtol=0, atol=1e-6)


@pytest.mark.slow
def test_partitioned_threads_run_is_the_one_process_run(single, threaded) -> None:
    assert len(threaded.partitions) >= 4
    assert threaded.partitions["partition"].iloc[-1] == OUTSIDE  # zones sticking out of the study area
    assert len(single.coverage.gaps) and len(single.coverage.outside) and len(single.coverage.overlaps)
    assert_same(single, threaded)


@pytest.mark.slow
def test_partitioned_run_on_a_local_cluster_is_the_one_process_run(city, single) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = run_partitioned(CityInputs.from_city(city), scheduler=client)
    assert_same(single, result)


@pytest.mark.slow
def test_partition_by_community_gives_the_same_results(city, single) -> None:
    for by in ("community",):
        # one task per partition (tasks_per_worker=0): the table then lists every community
        result = run_partitioned(CityInputs.from_city(city), RunParams(partition_by=by, tasks_per_worker=0),
                                 scheduler="sync")
        assert len(result.partitions) == len(city.study_area) + 1
        assert_same(single, result)


@pytest.mark.slow
def test_a_centre_across_the_partition_border_counts(city, single, threaded) -> None:
    """Residents whose nearest centre lies in another 街道, within the largest threshold: found through the halo."""
    keys = partition_keys(city.study_area, "street")
    part_of_area = dict(zip(city.study_area["area_id"], keys, strict=True))
    res = threaded.access.residents
    from gridmap.scale.partition import assign_points

    res_comm = assign_points(representative_xy(city.residents, city.network.crs), city.study_area.geometry.to_numpy())
    cen_comm = assign_points(representative_xy(city.centers, city.network.crs), city.study_area.geometry.to_numpy())
    res_part = keys[res_comm]
    cen_part = pd.Series(keys[cen_comm], index=city.centers["center_id"])
    across = (res["network_m"] <= 1000) & (cen_part.reindex(res["center_id"]).to_numpy() != res_part)
    assert across.sum() > 50
    assert np.allclose(res.loc[across, "network_m"], single.access.residents.loc[across, "network_m"], atol=1e-9)
    assert part_of_area  # (keys come from the study area)


@pytest.mark.slow
def test_halo_results_are_certified_only_when_exact(city, single) -> None:
    """A halo far too small for the threshold: whatever the partition certifies is still exact."""
    net = city.network
    params = RunParams()
    cen_xy = representative_xy(city.centers, net.crs)
    parts = split_inputs(city.study_area, city.layers, city.residents, city.centers, net, halo=params.halo,
                         cen_xy=cen_xy)
    import shapely

    edge_tree = shapely.STRtree(net.edge_lines())
    whole = single.access.residents
    checked = rejected = 0
    for part in parts[:3]:
        region = shapely.coverage_union_all(part.study_area.geometry.to_numpy())
        small = Partition(key=part.key, study_area=part.study_area, layers=part.layers, residents=part.residents,
                          net=halo_network(net, edge_tree, region, 400.0), centers=part.centers)
        # a 400 m halo certifies distances up to 400 − 300 (snap limit) = 100 m; all the rest is re-routed
        out = task_access(small, cen_xy, {}, RunParams(thresholds=(100.0,), snap_limit=300.0))
        ok = out["certified"]
        rows = out["rows"][ok]
        assert np.allclose(out["network_m"][ok], whole["network_m"].to_numpy()[rows], atol=1e-9, equal_nan=True)
        checked += ok.sum()
        rejected += (~ok).sum()
    assert checked > 50 and rejected > 1000


@pytest.mark.slow
def test_grids_of_some_communities_match_the_whole_build(single, city) -> None:
    """Each community draws its own random stream (from its id): built alone or with the others, it
    gets the same grids — what makes partitioned grid building identical to one process."""
    units = single.units
    chosen = sorted(units["area_id"].unique())[5:9]
    mine = units[units["area_id"].isin(chosen)]
    build = build_grids(mine, 300, 500, seed=0, study_area=city.study_area)
    whole = single.assignment.merge(units[["unit_id", "area_id"]], on="unit_id")
    expected = whole[whole["area_id"].isin(chosen)][["unit_id", "grid_code"]].reset_index(drop=True)
    assert build.assignment.reset_index(drop=True).equals(expected)
    assert set(build.status["area_id"]) == set(chosen)


def test_partition_keys() -> None:
    sa = pd.DataFrame({"area_id": ["320102001001", "320102001002", "320102002001"],
                       "county_code": ["320102"] * 3, "street_code": ["001", "001", "002"]})
    assert partition_keys(sa, "street").tolist() == ["320102001", "320102001", "320102002"]
    assert partition_keys(sa, "district").tolist() == ["320102"] * 3
    assert partition_keys(sa[["area_id"]], "street").tolist() == ["320102001", "320102001", "320102002"]
    assert partition_keys(sa, "community").tolist() == sa["area_id"].tolist()
    with pytest.raises(ValueError):
        partition_keys(pd.DataFrame({"area_id": ["a", "b"]}), "street")


@pytest.mark.slow
def test_cli_run_writes_geoparquet_and_geojson(tmp_path, capsys) -> None:
    cfg = tmp_path / "run.toml"
    cfg.write_text('[synthetic]\nn_buildings = 3000\nseed = 4\n[run]\npartition_by = "street"\n'
                   '[output]\ngeojson_max_rows = 5000\n', encoding="utf-8")
    assert main(["run", "--config", str(cfg), "--out", str(tmp_path / "out"), "--scheduler", "threads"]) == 0
    out = tmp_path / "out"
    for name in ("grids.geojson", "gaps.geojson", "faces.parquet", "units.parquet", "access_residents.parquet",
                 "assignment.csv", "coverage_summary.csv", "partitions.csv", "run.json"):
        assert (out / name).exists(), name
    res = gpd.read_parquet(out / "access_residents.parquet")
    assert len(res) == 3000 and res.crs.is_projected and "network_m" in res.columns
    assert (out / "access_residents.geojson").exists()  # 3000 rows: under geojson_max_rows
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["counts"]["residents"] == 3000 and meta["timings"]["total"] > 0
    err = capsys.readouterr().err
    assert "tasks:" in err and "partitions" in err
    # the one-process run from the same config writes the same grids
    assert main(["run", "--config", str(cfg), "--out", str(tmp_path / "one"), "--scheduler", "single", "--quiet"]) == 0
    a = pd.read_csv(out / "assignment.csv", dtype=str)
    b = pd.read_csv(tmp_path / "one" / "assignment.csv", dtype=str)
    assert a.equals(b)


@pytest.mark.slow
def test_cli_run_writes_partitions_as_partitions(tmp_path) -> None:
    """faces, units (GeoParquet, and GeoJSON) and grids (GeoJSON) of a partitioned run, read back in
    the working CRS: valid, no overlap, faces covering what the units and grids cover (issue 12)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from realistic_layers import assert_partition, read_back

    cfg = tmp_path / "run.toml"
    cfg.write_text('[synthetic]\nn_buildings = 3000\nseed = 4\n[output]\ngeojson_max_rows = 100000\n', encoding="utf-8")
    assert main(["run", "--config", str(cfg), "--out", str(tmp_path / "out"), "--scheduler", "threads",
                 "--quiet"]) == 0
    out = tmp_path / "out"
    faces = gpd.read_parquet(out / "faces.parquet")
    units = gpd.read_parquet(out / "units.parquet")
    crs = faces.crs
    assert crs.is_projected and units.crs.equals(crs)
    assert_partition(faces, faces, "face_id")
    assert_partition(read_back(out / "faces.geojson", crs), faces, "face_id")
    inside = faces[faces["in_study_area"]]
    assert_partition(units, inside)
    assert_partition(read_back(out / "units.geojson", crs), inside)
    assert_partition(read_back(out / "grids.geojson", crs), inside)


def test_cli_run_rejects_a_bad_config(tmp_path, capsys) -> None:
    """A bad config stops with exit status 2 and a message naming the file and the key (no SystemExit
    escapes main: the console script and in-process callers see the same status)."""
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[run]\nno_such_key = 1\n[synthetic]\nn_buildings = 100\n", encoding="utf-8")
    assert main(["run", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 2
    assert "bad.toml [run]: unknown keys ['no_such_key']" in capsys.readouterr().err
    assert main(["run", "--config", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "missing.toml not found" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, message", [
    ({"thresholds": 500}, "thresholds must be a list of walking metres"),
    ({"thresholds": "300,500"}, "thresholds must be a list of walking metres"),
    ({"thresholds": [300, float("nan")]}, "each of thresholds must be a finite number of walking metres > 0, got nan"),
    ({"thresholds": [500, 300]}, "thresholds must increase"),
    ({"min_households": 0, "max_households": 0}, "min_households must be a whole number of households ≥ 1, got 0"),
    ({"min_households": 600}, "min_households 600 is above max_households 500"),
    ({"seed": -1}, "seed must be a whole number ≥ 0, got -1"),
    ({"snap_limit": float("inf")}, "snap_limit must be a finite number of metres > 0, got inf"),
    ({"grid_size": 2.0}, "grid_size must be a finite number of metres ≥ 0 and ≤ 1, got 2"),
])
def test_run_params_out_of_range_are_refused(kwargs, message) -> None:
    from gridmap.errors import ParameterError

    with pytest.raises(ParameterError) as info:
        RunParams(**kwargs)
    assert message in str(info.value)


@pytest.mark.slow
def test_a_city_without_centres_runs_the_same_partitioned_and_whole() -> None:
    """No centre at all: every resident is out of reach (no index error at the last step), and the
    partitioned run agrees with the one-process reference."""
    city = synthetic_city(300, seed=2, centers_per_community=0.0)
    assert len(city.centers) == 0
    inputs = CityInputs.from_city(city)
    one = run_single(inputs, RunParams())
    many = run_partitioned(inputs, RunParams(), scheduler="sync")
    for result in (one, many):
        res = result.access.residents
        assert res["center_id"].isna().all() and (res["life_circle"].astype(str) == "no_route").all()
    assert one.assignment.equals(many.assignment)
