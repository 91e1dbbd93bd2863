"""City scale: partitioned runs read their partition from the store and give the one-process
results (process pool included); the city summary of a run folder against independent sums; the
city page (AppTest) with a registered results folder and a click on a 街道."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as st_h

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

from apptest_helpers import open_app  # noqa: E402
from test_pipeline import assert_same  # noqa: E402

from gridmap.access.routing import representative_xy  # noqa: E402
from gridmap.cli import main  # noqa: E402
from gridmap.scale.partition import (  # noqa: E402
    OUTSIDE,
    access_weight,
    assign_points,
    group_partitions,
    group_targets,
    partition_keys,
    read_partition,
    remainder_weight,
    split_inputs,
    sticking_out,
    task_weights,
    within_margin,
    write_partitions,
    z_order,
)
from gridmap.scale.pipeline import CityInputs, RunParams, project_inputs, run_partitioned, run_single  # noqa: E402
from gridmap.scale.summary import CityResultsError, city_summary, load_city_results, street_detail  # noqa: E402
from gridmap.scale.synthetic import synthetic_city  # noqa: E402

#: A small city of 4 街道 (and a remainder outside the study area).
CITY = {"n_buildings": 3000, "seed": 3, "street_communities": (1, 2)}


@pytest.fixture(scope="module")
def city():
    return synthetic_city(**CITY)


@pytest.fixture(scope="module")
def single(city):
    return run_single(CityInputs.from_city(city))


@pytest.mark.slow
def test_processes_run_reads_its_partitions_and_is_the_one_process_run(city, single) -> None:
    result = run_partitioned(CityInputs.from_city(city), RunParams(tasks_per_worker=0), scheduler="processes")
    assert len(result.partitions) == 5 and result.partitions["partition"].iloc[-1] == OUTSIDE
    assert {"read_s", "faces_s", "grids_s"} <= set(result.partitions.columns)
    assert_same(single, result)


@pytest.mark.slow
def test_default_processes_run_is_the_one_process_run_and_says_where_its_tasks_ran(city, single) -> None:
    """The default process run — store written aside while the driver warms up, grouped tasks, the
    whole-network access task first with its tables built while the others run — equals the
    one-process run (grids, codes, unit assignment, distances …), and its task table accounts for
    every task, each run by a worker process, not the driver."""
    import os

    result = run_partitioned(CityInputs.from_city(city), RunParams(), scheduler="processes")
    assert_same(single, result)
    tasks = result.tasks
    assert sorted(tasks["task"]) == sorted([*result.partitions["partition"], "_access_whole"])
    assert os.getpid() not in set(tasks["worker"]) and tasks["worker"].nunique() <= (os.cpu_count() or 1)
    assert (tasks["end_s"] >= tasks["start_s"]).all() and (tasks["start_s"] >= result.timings["split"] - 1e-6).all()
    assert (tasks["cpu_s"] > 0).all()
    assert {"split", "tasks", "merge", "total", "split_aside", "warm_up"} <= set(result.cpu)


@pytest.mark.slow
def test_grouped_tasks_give_the_same_results(city, single) -> None:
    """Neighbouring 街道 joined into two tasks: any set of whole communities is a partition."""
    result = run_partitioned(CityInputs.from_city(city), RunParams(tasks_per_worker=2), scheduler="sync")
    assert len(result.partitions) == 3  # 2 groups + the remainder
    assert result.partitions["partition"].iloc[0].count("–") == 1
    assert_same(single, result)


@pytest.mark.slow
def test_halo_access_from_the_store_is_the_one_process_run(city, single) -> None:
    result = run_partitioned(CityInputs.from_city(city), RunParams(halo_access=True), scheduler="threads")
    assert_same(single, result)


def test_an_error_writing_the_store_aside_reaches_the_caller(city) -> None:
    """The store is written by a forked child on the process scheduler: its error is the driver's."""
    with pytest.raises(ValueError, match="unknown partition key 'no_such_column'"):
        run_partitioned(CityInputs.from_city(city), RunParams(partition_by="no_such_column"), scheduler="processes")


@pytest.mark.slow
def test_warm_up_loads_the_grid_search_in_a_fresh_process() -> None:
    """A worker's warm-up runs the partition stages for real: numba's grid search is loaded after it
    (a warm-up that failed silently would leave the dispatcher without a compiled signature)."""
    import subprocess

    code = ("from gridmap.plans import regions\n"
            "from gridmap.scale.pipeline import CityInputs, RunParams, project_inputs, warm_up\n"
            "from gridmap.access.routing import representative_xy\n"
            "from gridmap.scale.synthetic import synthetic_city\n"
            f"inputs, crs = project_inputs(CityInputs.from_city(synthetic_city(**{CITY!r})))\n"
            "before = len(regions._partition_all.signatures)\n"
            "warm_up(inputs, representative_xy(inputs.residents, crs), crs, RunParams())\n"
            "print(before, len(regions._partition_all.signatures))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == ["0", "1"]


def test_read_partition_is_the_split(city) -> None:
    """What a worker reads from the store is exactly the driver's in-memory split."""
    inputs, crs = project_inputs(CityInputs.from_city(city))
    params = RunParams()
    res_xy = representative_xy(inputs.residents, crs)
    cen_xy = representative_xy(inputs.centers, crs)
    parts = split_inputs(inputs.study_area, inputs.layers, inputs.residents, inputs.centers, inputs.network,
                         halo=params.halo, res_xy=res_xy, cen_xy=cen_xy)
    with tempfile.TemporaryDirectory() as folder:
        store = write_partitions(folder, inputs.study_area, inputs.layers, inputs.residents, res_xy, inputs.network,
                                 halo=params.halo)
        for want in parts:
            got = read_partition(store, want.key, crs, cen_xy)
            assert got is not None and got.key == want.key
            assert got.study_area["area_id"].tolist() == want.study_area["area_id"].tolist()
            assert got.residents["_row"].tolist() == want.residents["_row"].tolist()
            for name in inputs.layers:
                assert got.layers[name]["zone_id"].tolist() == want.layers[name]["zone_id"].tolist(), name
                assert sorted(got.owned_zones[name]) == sorted(want.owned_zones[name]), name
                assert (got.context_zones[name]["zone_id"].tolist()
                        == want.context_zones[name]["zone_id"].tolist()), name
            if want.net is None:
                assert got.net is None
                continue
            assert np.array_equal(got.net.node_id, want.net.node_id)
            assert np.array_equal(got.net.node_xy, want.net.node_xy)
            assert np.array_equal(got.net.edge_u, want.net.edge_u) and np.array_equal(got.net.edge_v, want.net.edge_v)
            assert np.array_equal(got.centers, want.centers)


def test_z_order_keeps_neighbours_together() -> None:
    """Points on a 64 × 64 lattice: consecutive runs of 64 in Z-order each cover an 8 × 8 block."""
    x, y = np.meshgrid(np.arange(64.0), np.arange(64.0))
    pts = np.column_stack([x.ravel(), y.ravel()])
    order = z_order(np.column_stack([pts, pts]))
    assert sorted(order.tolist()) == list(range(64 * 64))
    for run in order.reshape(-1, 64):
        span = pts[run].max(axis=0) - pts[run].min(axis=0)
        assert (span == 7).all(), span
    assert z_order(np.full((3, 4), np.nan)).tolist() == [0, 1, 2]  # no boxes: input order


def test_groups_are_whole_partitions_of_about_equal_weight(city) -> None:
    keys = partition_keys(city.study_area)
    xy = representative_xy(city.residents, city.study_area.crs)
    groups = group_partitions(city.study_area, keys, xy, 2)
    assert len(set(groups)) == 2
    for k in set(keys):  # a 街道 is never cut
        assert len(set(groups[keys == k])) == 1
    assert (group_partitions(city.study_area, keys, xy, 10) == keys).all()  # more groups than 街道: unchanged


def test_the_remainder_takes_the_zones_sticking_out_or_near_the_outline() -> None:
    """By hand, in a 100 m square study area: a zone well inside stays; one 0.5 m from the edge
    (within the 1 m snap margin), one crossing the edge and one wholly outside go to the remainder."""
    outline = shapely.box(0, 0, 100, 100)
    zones = np.array([shapely.box(10, 10, 20, 20), shapely.box(10, 10, 99.5, 20), shapely.box(90, 10, 110, 20),
                      shapely.box(200, 0, 210, 10), shapely.box(10, 10, 98.9, 20)])
    assert sticking_out(zones, outline).tolist() == [False, True, True, True, False]


@settings(max_examples=60, deadline=None)
@given(st_h.lists(st_h.tuples(st_h.integers(-30, 130), st_h.integers(-30, 130), st_h.integers(1, 40),
                              st_h.integers(1, 40), st_h.integers(0, 3)), min_size=1, max_size=25),
       st_h.booleans())
def test_sticking_out_and_within_margin_are_their_definitions(boxes, holed) -> None:
    """Against the definitions, zone by zone: the remainder's zones are those not covered by the
    outline or within SNAP_MARGIN (1 m) of its boundary, a partition's those within 1 m of it — for
    polygons, polygons with a hole, two-part zones and empty ones, on whole metres so that many lie
    exactly 1 m from the boundary or touch it; the outline an L-shape, with a hole or not."""
    outline = shapely.union(shapely.box(0, 0, 100, 50), shapely.box(0, 50, 40, 100))
    if holed:
        outline = shapely.difference(outline, shapely.box(10, 10, 30, 30))
    zones = []
    for x, y, w, h, kind in boxes:
        box = shapely.box(x, y, x + w, y + h)
        zones.append([box, shapely.difference(box, shapely.box(x + w / 4, y + h / 4, x + w / 2, y + h / 2)),
                      shapely.multipolygons([box, shapely.box(x + w + 60, y, x + w + 61, y + 1)]),
                      shapely.Polygon()][kind])
    zones = np.array(zones, dtype=object)
    want = ~shapely.covered_by(zones, outline) | shapely.dwithin(zones, shapely.boundary(outline), 1.0)
    assert sticking_out(zones, outline).tolist() == want.tolist()
    assert within_margin(zones, outline).tolist() == shapely.dwithin(zones, outline, 1.0).tolist()


@settings(max_examples=60, deadline=None)
@given(st_h.lists(st_h.tuples(st_h.integers(0, 20), st_h.integers(0, 20)), min_size=0, max_size=60),
       st_h.lists(st_h.tuples(st_h.integers(0, 16), st_h.integers(0, 16), st_h.integers(1, 8), st_h.integers(1, 8),
                              st_h.booleans()), min_size=1, max_size=8))
def test_assign_points_is_the_lowest_polygon_intersecting_each_point(points, boxes) -> None:
    """Against the definition, point by point (STRtree query, intersects): overlapping polygons
    (the lowest wins), points on edges and corners (whole numbers), triangles beside boxes, empty
    polygons, a NaN point."""
    polygons = np.array([shapely.Polygon() if w == 1 and h == 1 else
                         shapely.Polygon([(x, y), (x + w, y), (x, y + h)]) if tri else shapely.box(x, y, x + w, y + h)
                         for x, y, w, h, tri in boxes], dtype=object)
    xy = np.array([*points, (np.nan, 1.0)], dtype=float)
    want = np.full(len(xy), -1)
    hits = shapely.STRtree(polygons).query(shapely.points(xy[:-1]), predicate="intersects")
    for pt, poly in zip(*hits, strict=True):
        want[pt] = poly if want[pt] < 0 else min(want[pt], poly)
    assert assign_points(xy, polygons).tolist() == want.tolist()


def test_group_targets_even_out_the_tasks_beside_the_groups() -> None:
    """By hand. 100 units in 2 groups beside tasks of 30 and 10: each worker should do (100 + 40) / 2
    = 70, so the group beside the 10 takes 60 and the one beside the 30 takes 40 (largest first)."""
    assert group_targets(100.0, 2, (30.0, 10.0)).tolist() == [60.0, 40.0]
    assert group_targets(100.0, 2).tolist() == [50.0, 50.0]  # nothing beside: equal shares
    # 3 groups beside one task of 50: (100 + 50) / 3 = 50 each, so the group beside it takes nothing
    assert group_targets(100.0, 3, (50.0,)).tolist() == [50.0, 50.0, 0.0]
    # a beside task heavier than a share: the other group takes all the work
    assert group_targets(100.0, 2, (200.0,)).tolist() == [100.0, 0.0]
    # more beside tasks than groups: dealt heaviest first to the least loaded (40 | 30 + 20)
    assert group_targets(90.0, 2, (40.0, 30.0, 20.0)).tolist() == [50.0, 40.0]


def test_groups_are_cut_for_the_work_beside_them(city) -> None:
    """With a beside task of a third of the work and 2 groups, the groups' weights follow
    group_targets: (W + W/3) / 2 = 2W/3 for the group beside nothing, W/3 for the other — give or
    take half a 街道, the unit the cut cannot split."""
    keys = partition_keys(city.study_area)
    xy = representative_xy(city.residents, city.study_area.crs)
    weights = np.ones(len(city.study_area))
    total = weights.sum()
    groups = group_partitions(city.study_area, keys, xy, 2, weights, beside=(total / 3,))
    half_street = pd.Series(weights).groupby(keys).sum().max() / 2
    got = sorted(pd.Series(weights).groupby(groups).sum().tolist(), reverse=True)
    assert got[0] == pytest.approx(2 * total / 3, abs=half_street)
    assert got[1] == pytest.approx(total / 3, abs=half_street)


def test_beside_task_estimates() -> None:
    """By hand: the remainder, 3/4 per zone plus residents / 50 (100 zones, 500 residents: 85); routing,
    430 units at size 2e5 (residents + 5 edges) growing as size ** 1.17 (twice the size: 430 · 2 ** 1.17)."""
    assert remainder_weight(100, 500) == pytest.approx(85.0)
    assert access_weight(100_000, 20_000) == pytest.approx(430.0)
    assert access_weight(200_000, 40_000) == pytest.approx(430.0 * 2 ** 1.17)
    assert access_weight(0, 0) == 0.0


def test_task_weights_count_zones_and_residents_per_community() -> None:
    """By hand: 3 communities; 100 residents in the first, 50 in the third, 10 outside (-1);
    zones 2, 0, 1 (and one outside): 1 + zones + residents / 50."""
    residents = np.array([0] * 100 + [2] * 50 + [-1] * 10)
    zones = np.array([0, 0, 2, -1])
    assert task_weights(3, residents, zones).tolist() == [1 + 2 + 2, 1, 1 + 1 + 1]
    assert task_weights(2, np.empty(0, np.int64)).tolist() == [1, 1]


def test_the_store_starts_the_heaviest_task_first(city, tmp_path) -> None:
    """The store's weight of a task is the sum of its communities' weights (recounted here from
    the split in memory), so the largest task is known before any runs."""
    inputs, crs = project_inputs(CityInputs.from_city(city))
    xy = representative_xy(inputs.residents, crs)
    store = write_partitions(str(tmp_path), inputs.study_area, inputs.layers, inputs.residents, xy, None, n_groups=2)
    assert len(store.weights) == len(store.keys) and store.routing_weight == 0.0  # no network: no routing task
    parts = {p.key: p for p in split_inputs(inputs.study_area, inputs.layers, inputs.residents, None, None)}
    rest = parts[OUTSIDE]  # the remainder's work: the zones it takes (sticking out or its own) and its residents
    taken = sum(len(set(rest.layers[n]["zone_id"].astype(str)) | set(rest.owned_zones[n])) for n in inputs.layers)
    assert taken > 0 and store.weights[0] == pytest.approx(0.75 * taken + len(rest.residents) / 50)
    keys = partition_keys(inputs.study_area)
    groups = gpd.read_parquet(tmp_path / "study_area.parquet")["_part"].to_numpy()  # each community's task
    for key, weight in zip(store.keys[1:], store.weights[1:], strict=True):
        members = set(keys[groups == key])
        n_comm = sum(len(parts[k].study_area) for k in members)
        n_res = sum(len(parts[k].residents) for k in members)
        n_zones = sum(int(sum(len(v) for v in parts[k].owned_zones.values())) for k in members)
        assert weight == pytest.approx(n_comm + n_zones + n_res / 50)


# ------------------------------------------------------------------------------------------------
# the city summary of a run folder


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city") / "out"
    config = folder.parent / "run.toml"
    config.write_text("[synthetic]\nn_buildings = 3000\nseed = 3\nstreet_communities = [1, 2]\n"
                      "[run]\nmin_households = 300\nmax_households = 400\n", encoding="utf-8")
    assert main(["run", "--config", str(config), "--out", str(folder), "--scheduler", "processes", "--quiet"]) == 0
    return folder


@pytest.mark.slow
def test_summary_equals_independent_sums(run_folder, city) -> None:
    res = load_city_results(run_folder)
    s = city_summary(res)
    study = city.study_area
    # households per community: the residents inside it (a spatial join, not the faces)
    joined = gpd.sjoin(city.residents, study[["area_id", "geometry"]], predicate="within")
    hh = joined.groupby("area_id")["households"].sum()
    comm = s.communities.set_index("area_id")
    assert comm["households"].reindex(hh.index).tolist() == hh.tolist()
    # grids outside the band 300–400, counted from the GeoJSON the run wrote
    grids = gpd.read_file(run_folder / "grids.geojson")
    outside = grids[(grids["households"] < 300) | (grids["households"] > 400)].groupby("area_id").size()
    assert comm["grids_outside"].reindex(outside.index).tolist() == outside.tolist()
    assert comm["grids"].sum() == len(grids)
    # 盲区 households: the non-sliver gaps of the run
    gaps = gpd.read_file(run_folder / "gaps.geojson")
    gaps = gaps[~gaps["is_sliver"].astype(bool)]
    assert comm["gap_households"].sum() == gaps["households"].sum()
    # within 15 minutes: buildings whose life circle is one of the thresholds, households-weighted
    acc = gpd.read_parquet(run_folder / "access_residents.parquet")
    within = ~acc["life_circle"].astype(str).isin(["beyond", "no_route"])
    assert s.totals["within_share"] == pytest.approx(acc.loc[within, "households"].sum() / acc["households"].sum())
    # a 街道's counts are the sums of its communities'; shares are recomputed, not averaged
    streets = s.streets.set_index("street_key")
    for key, part in s.communities.groupby("street_key"):
        for c in ("households", "gap_households", "grids", "grids_outside"):
            assert streets.loc[key, c] == part[c].sum(), (key, c)
    assert len(streets) == len(set(partition_keys(study)))
    assert "grids_unstaffed" not in s.streets.columns  # no staff table in a plain run folder


def test_simplified_borders_still_meet(run_folder) -> None:
    s = city_summary(load_city_results(run_folder), tolerance_m=40.0)
    for layer in (s.communities, s.streets):
        geoms = layer.to_crs(layer.estimate_utm_crs()).geometry.to_numpy()
        assert shapely.is_valid(geoms).all()
        assert shapely.coverage_is_valid(geoms)  # no overlaps, no gaps along shared borders
        union = shapely.union_all(geoms)
        assert union.area == pytest.approx(sum(g.area for g in geoms), rel=1e-9)
        assert len(shapely.get_parts(union)) == 1  # neighbours still touch: one piece


def test_vertex_budget_bounds_what_a_browser_gets(run_folder) -> None:
    res = load_city_results(run_folder)
    full = city_summary(res, tolerance_m=0.0, max_vertices=10**9)
    n_full = sum(shapely.get_num_coordinates(g.geometry.to_numpy()).sum() for g in (full.streets, full.communities))
    small = city_summary(res, tolerance_m=1.0, max_vertices=n_full // 3)
    layers = (small.streets, small.communities)
    assert sum(shapely.get_num_coordinates(g.geometry.to_numpy()).sum() for g in layers) <= n_full // 3
    for layer in layers:
        assert shapely.coverage_is_valid(layer.to_crs(layer.estimate_utm_crs()).geometry.to_numpy())
    assert small.communities.drop(columns="geometry").equals(full.communities.drop(columns="geometry"))


def test_staff_table_counts_unstaffed_grids(run_folder, tmp_path) -> None:
    folder = tmp_path / "staffed"
    folder.mkdir()
    for f in run_folder.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    grids = pd.read_parquet(run_folder / "grids.parquet", columns=["grid_code", "area_id"])
    staffed = grids["grid_code"].iloc[::2]
    pd.DataFrame({"grid_code": staffed, "name": "张三"}).to_csv(folder / "staff.csv", index=False)
    res = load_city_results(folder)
    s = city_summary(res)
    assert s.totals["grids_unstaffed"] == len(grids) - len(staffed)
    key = s.streets["street_key"].iloc[0]
    d = street_detail(res, key)
    assert d.grids["staffed"].sum() == d.grids["grid_code"].isin(set(staffed)).sum()


def test_incomplete_results_folder_is_named(run_folder, tmp_path) -> None:
    with pytest.raises(CityResultsError, match="does not exist"):
        load_city_results(tmp_path / "nowhere")
    (tmp_path / "run.json").write_text(json.dumps({"params": {}}), encoding="utf-8")
    with pytest.raises(CityResultsError, match="study_area.parquet"):
        load_city_results(tmp_path)
    with pytest.raises(CityResultsError, match="no 街道"):
        street_detail(load_city_results(run_folder), "999999999")


# ------------------------------------------------------------------------------------------------
# the page


@pytest.mark.slow
def test_city_page_shows_a_registered_folder_and_a_click_picks_a_street(run_folder, monkeypatch) -> None:
    import gridmap.app.mapkit as mapkit

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    monkeypatch.setenv("GRIDMAP_RESULTS", str(run_folder))
    st.cache_resource.clear()
    s = city_summary(load_city_results(run_folder))
    target = s.streets.iloc[-1]
    p = target.geometry.representative_point()
    real = mapkit.send_component

    folder = str(run_folder.resolve())

    def fake(page_key, **kw):  # the user clicks on the city map of the registered folder
        real(page_key, **kw)
        clicked = page_key.startswith("city_map") and st.session_state.get("city_source") == folder
        return {"last_object_clicked": {"lat": p.y, "lng": p.x}} if clicked else {}

    monkeypatch.setattr(mapkit, "send_component", fake)
    at = open_app("city")
    at.selectbox(key="city_source").set_value(folder).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["户数"] == f"{int(s.totals['households']):,}"
    assert metrics["户数超出范围的网格数"] == f"{int(s.totals['grids_outside']):,}"
    assert at.selectbox(key="city_street").value == target["street_key"]
    assert any(target["street_name"] in h.value for h in at.subheader)
    comps = at.get("component_instance")
    assert len(comps) == 2  # the city map and the 街道's detail map
    city_args = json.loads(comps[0].proto.json_args)
    assert city_args["returned_objects"] == ["last_object_clicked"]
    assert len(comps[0].proto.json_args) < 2_000_000
    st.cache_resource.clear()


@pytest.mark.slow
def test_city_page_offers_a_projects_stored_results_to_its_viewer(run_folder, city, tmp_path, monkeypatch) -> None:
    """``gridmap run --workspace``: the page of a viewer granted the project offers its results (chosen
    first, as the open project's) and draws their city map; a viewer of another project is not offered them."""
    from gridmap.workspace import init_workspace

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    monkeypatch.delenv("GRIDMAP_RESULTS", raising=False)
    folder = tmp_path / "workspace"
    monkeypatch.setenv("GRIDMAP_WORKSPACE", str(folder))
    ws = init_workspace(folder)
    admin = ws.as_system("setup")
    inputs = CityInputs.from_city(city)
    admin.import_inputs("city", {"study_area": inputs.study_area, "residents": inputs.residents,
                                 "centers": inputs.centers, **{f"zones_{k}": v for k, v in inputs.layers.items()}})
    admin.import_inputs("other", {"study_area": inputs.study_area, "zones_party": inputs.layers["party"]})
    config = run_folder.parent / "run.toml"
    assert main(["run", "--config", str(config), "--workspace", str(folder), "--project", "city", "--quiet",
                 "--scheduler", "single"]) == 0
    admin.add_user("wang", "viewer", "app-test-pass-1", projects=["city"])
    admin.add_user("zhou", "viewer", "app-test-pass-1", projects=["other"])
    s = city_summary(load_city_results(run_folder))  # the same config's run written to a folder
    st.cache_resource.clear()

    def log_in(name: str):
        at = open_app("city")
        at.text_input(key="login_name").input(name)
        at.text_input(key="login_password").input("app-test-pass-1")
        at.button[0].click().run()
        assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
        return at

    at = log_in("wang")
    picker = at.selectbox(key="city_source")
    assert picker.value == "project:city" and picker.options[-1].startswith("项目 city 的成果")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["户数"] == f"{int(s.totals['households']):,}"
    assert metrics["盲区户数"] == f"{int(s.totals['gap_households']):,}"
    comps = at.get("component_instance")
    assert len(comps) == 1  # the city map, nothing selected yet
    args = comps[0].proto.json_args
    script = json.loads(args)["script"]
    assert len(args) < 2_000_000
    assert all(name in script or json.dumps(name)[1:-1] in script for name in s.streets["street_name"])
    at.selectbox(key="city_street").set_value(s.streets["street_key"].iloc[0]).run()
    assert not at.exception and len(at.get("component_instance")) == 2  # and the 街道's detail map

    other = log_in("zhou")
    offered = [w.options for w in other.selectbox if w.key == "city_source"]
    assert not any("city" in o for options in offered for o in options)
    st.cache_resource.clear()


def test_warm_up_prepares_the_city_map_a_first_visit_gets(run_folder, tmp_path, monkeypatch) -> None:
    """The server's warm-up summarises a registered folder and prepares its first map; the first visit
    then opens that folder (a project with no inputs of its own: no demo offered) and builds nothing."""
    import gridmap.app.city_page as city_page
    from gridmap.app import account
    from gridmap.workspace import init_workspace

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    monkeypatch.setenv("GRIDMAP_RESULTS", str(run_folder))
    folder = tmp_path / "workspace"
    monkeypatch.setenv("GRIDMAP_WORKSPACE", str(folder))
    ws = init_workspace(folder)
    ws.as_system("setup").create_project("city", "results only")
    calls = {"summary": 0, "map": 0}

    def counted(name, real):
        def call(*a, **kw):
            calls[name] += 1
            return real(*a, **kw)
        return call

    monkeypatch.setattr(city_page, "city_summary", counted("summary", city_page.city_summary))
    monkeypatch.setattr(city_page, "city_map", counted("map", city_page.city_map))
    st.cache_resource.clear()
    account.warm_city(ws)
    assert calls == {"summary": 1, "map": 1}
    s = city_summary(load_city_results(run_folder))
    at = open_app("city")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["city_source"] == str(run_folder.resolve())
    assert any(f"{len(s.streets)} 个街道、{len(s.communities)} 个社区" in c.value for c in at.caption)
    assert len(at.get("component_instance")) == 1
    assert calls == {"summary": 1, "map": 1}  # the first visit found the summary and the map prepared

    def sent(name: str, script: str) -> bool:
        return name in script or json.dumps(name)[1:-1] in script

    first = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert all(sent(n, first) for n in s.streets["street_name"])
    assert not any(sent(n, first) for n in s.communities["name"])  # the 社区 only when asked for
    at.radio(key="city_level").set_value("communities").run()
    assert not at.exception
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert all(sent(n, script) for n in s.communities["name"])
    st.cache_resource.clear()
