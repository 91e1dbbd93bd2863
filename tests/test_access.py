"""gridmap.access.accessibility and ``gridmap access``: exact walking distances, life circles, services, catchments,
isochrones, summaries and the 上门服务名单."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_network import METRIC, X0, Y0, grid_osm

from gridmap.access import accessibility as acc
from gridmap.access.catchments import catchments, isochrones
from gridmap.access.network import WalkNetwork, load_walk_network, network_from_graph
from gridmap.cli import main
from gridmap.demo import DEMO_OSM


def _pts(coords, **cols) -> gpd.GeoDataFrame:
    geoms = [None if c is None else shapely.Point(X0 + c[0], Y0 + c[1]) for c in coords]
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=METRIC)


def _centres(coords, services=None) -> gpd.GeoDataFrame:
    ids = [f"C{i + 1}" for i in range(len(coords))]
    cols = {"center_id": ids, "name": ids}
    if services is not None:
        cols["services"] = services
    return _pts(coords, **cols)


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> WalkNetwork:
    tmp = tmp_path_factory.mktemp("grid")
    return load_walk_network(grid_osm(tmp / "grid.osm"), cache=tmp / "cache")


# ------------------------------------------------------------------------------------------------
# exact, hand-computed distances on the test grid (100 m blocks; see tests/test_network.py)


def test_distance_against_a_one_way_street_with_both_snap_offsets(grid: WalkNetwork) -> None:
    # resident 10 m south of the one-way street y=100 (westward only), at x=50;
    # centre 5 m east of the street x=200, at y=150.
    # walk: 10 (snap) + 50 east to (100,100) + 100 east to (200,100) against the one-way
    #       + 50 north to (200,150) + 5 (centre's snap) = 215 m
    res = _pts([(50, 90)], households=[10])
    out = acc.compute_access(grid, res, _centres([(205, 150)])).residents.iloc[0]
    assert out["network_m"] == pytest.approx(215.0, abs=1e-6)
    assert out["snap_m"] == pytest.approx(10.0, abs=1e-6)
    assert out["straight_m"] == pytest.approx(np.hypot(155, 60), abs=1e-6)
    assert out["detour"] == pytest.approx(215.0 / np.hypot(155, 60))
    assert out["center_id"] == "C1" and out["snap_status"] == "ok" and out["life_circle"] == "5min"


def test_resident_and_centre_on_the_same_edge_walk_directly(grid: WalkNetwork) -> None:
    # both on the street y=200 between x=100 and x=200: 5 + |170 − 130| + 5 = 50 m,
    # not 5 + 70 + 30 + 5 = 110 m through the node (100, 200)
    res = _pts([(170, 195), (110, 195)], households=[1, 1])
    out = acc.compute_access(grid, res, _centres([(130, 205), (0, -30)])).residents
    assert out["network_m"].tolist() == pytest.approx([50.0, 30.0], abs=1e-6)
    assert out["center_id"].tolist() == ["C1", "C1"]
    # the same with the centre on the other side of the resident along the edge
    out = acc.compute_access(grid, _pts([(130, 205)]), _centres([(170, 195)])).residents
    assert out["network_m"].iloc[0] == pytest.approx(50.0, abs=1e-6)


def test_every_centre_on_the_residents_edge_is_tried_not_only_the_adjacent_one(grid: WalkNetwork) -> None:
    # street y=200, x 100..200; resident at x=190 (5 m off). Centre A at x=150, 30 m off: 40 + 30 + 5 = 75 m;
    # centre B at x=140, 2 m off: 50 + 2 + 5 = 57 m — B is nearer though A lies between them on the edge
    res = _pts([(190, 195)], households=[1])
    out = acc.compute_access(grid, res, _centres([(150, 230), (140, 202)])).residents.iloc[0]
    assert out["network_m"] == pytest.approx(57.0, abs=1e-6) and out["center_id"] == "C2"
    # and ahead of the resident, mirrored: x=110, A at x=150 (30 m off), B at x=160 (2 m off)
    out = acc.compute_access(grid, _pts([(110, 195)], households=[1]),
                             _centres([(150, 230), (160, 202)])).residents.iloc[0]
    assert out["network_m"] == pytest.approx(57.0, abs=1e-6) and out["center_id"] == "C2"


def test_nearest_of_several_centres_and_node_snaps(grid: WalkNetwork) -> None:
    # resident exactly on node (0, 0); centres exactly on nodes (200, 200) and (100, 100)
    out = acc.compute_access(grid, _pts([(0, 0)]), _centres([(200, 200), (100, 100)])).residents.iloc[0]
    assert out["network_m"] == pytest.approx(200.0, abs=1e-6) and out["center_id"] == "C2"
    assert out["snap_m"] == pytest.approx(0.0, abs=1e-6) and out["straight_m"] == pytest.approx(np.hypot(100, 100))


def test_snap_limit_unreachable_no_geometry_and_far_centres_are_reported(grid: WalkNetwork) -> None:
    res = _pts([(700, 700), (50, 505), None, (50, 210)], households=[5, 6, 7, 8])
    result = acc.compute_access(grid, res, _centres([(0, 0), (1500, 1500)]), snap_limit=300)
    out = result.residents
    assert out["snap_status"].tolist() == ["too_far_from_street", "unreachable", "no_geometry", "ok"]
    assert out["network_m"].isna().tolist() == [True, True, True, False]
    assert out["life_circle"].astype(str).tolist() == ["no_route", "no_route", "no_route", "5min"]
    assert out["snap_m"].iloc[0] == pytest.approx(np.hypot(300, 500), abs=1e-6)  # to the trunk's end (400, 200)
    assert out["snap_m"].iloc[1] == pytest.approx(5.0, abs=1e-6)  # the isolated footway at y=500
    assert out["network_m"].iloc[3] == pytest.approx(10 + 50 + 200, abs=1e-6)
    assert not np.isinf(out[["network_m", "detour"]].to_numpy(dtype=float)).any()
    assert result.centers["snap_status"].tolist() == ["ok", "too_far_from_street"]
    # with a larger limit the resident on the fragment is moved to the centres' network instead
    out = acc.compute_access(grid, res, _centres([(0, 0)]), snap_limit=350).residents
    assert out["snap_status"].iloc[1] == "ok"
    assert out["network_m"].iloc[1] == pytest.approx(305 + 50 + 200, abs=1e-6)


def test_per_service_distances(grid: WalkNetwork) -> None:
    cen = _centres([(100, 0), (200, 200)], services=["医疗;就业", "养老；医疗"])
    result = acc.compute_access(grid, _pts([(0, 0)]), cen)
    out = result.residents.iloc[0]
    assert result.services == ("养老", "医疗", "就业")
    assert out["network_m"] == pytest.approx(100.0)
    assert out["network_m_医疗"] == pytest.approx(100.0) and out["network_m_就业"] == pytest.approx(100.0)
    assert out["network_m_养老"] == pytest.approx(400.0)
    assert result.centers["services_list"].tolist() == ["医疗;就业", "养老;医疗"]


def test_life_circles_thresholds_and_labels() -> None:
    d = [0, 300, 300.0001, 500, 999, 1000, 1000.5, np.nan]
    assert list(acc.life_circles(d)) == ["5min", "5min", "10min", "10min", "15min", "15min", "beyond", "no_route"]
    assert list(acc.life_circles([100, 500], (200, 400))) == ["200m", "beyond"]
    assert list(acc.life_circles([100, 700], (300, 500, 800))) == ["5min", "15min"]
    with pytest.raises(ValueError):
        acc.life_circle_labels((500, 300))


def test_isochrones_on_the_grid_cut_at_the_exact_distance(grid: WalkNetwork) -> None:
    # centre on node (100, 100): within 150 m lie the 4 incident edges whole (400 m) and 50 m of
    # each of the 8 edges beyond (400 m); (0, 100)–(0, 0) etc. are reached from both corners.
    iso = isochrones(grid, _centres([(100, 100)]), (150.0, 300.0), buffer_m=1.0)
    assert iso["threshold_m"].tolist() == [150.0, 300.0]
    assert iso["street_m"].iloc[0] == pytest.approx(800.0, abs=1e-6)
    # within 300 m: the whole grid (1200 m) and 100 m of the primary road from (0, 0) and from (0, 200)
    assert iso["street_m"].iloc[1] == pytest.approx(1400.0, abs=1e-6)
    assert iso.geometry.iloc[1].contains(iso.geometry.iloc[0].buffer(-1e-6))
    assert iso.geometry.iloc[0].contains(shapely.Point(X0 + 150, Y0 + 100))
    assert iso.geometry.iloc[0].contains(shapely.Point(X0 + 149.5, Y0 + 200))  # 149.5 m: in
    assert not iso.geometry.iloc[0].contains(shapely.Point(X0 + 152, Y0 + 200))  # 152 m: out (buffer 1 m)


# ------------------------------------------------------------------------------------------------
# the demo


@pytest.mark.slow
def test_demo_residents_on_nodes_match_networkx(demo_walk, demo_osm_graph) -> None:
    """Residents and centres placed exactly on nodes: our distances equal networkx's multi-source
    Dijkstra on the osmnx graph (lengths from its own projected coordinates) to 1e-6 m."""
    net: WalkNetwork = demo_walk["net"]
    h, pos = demo_osm_graph
    main_comp = max(nx.connected_components(h), key=len)
    rng = np.random.default_rng(4)
    nodes = np.array(sorted(main_comp))
    centre_nodes = rng.choice(nodes, 7, replace=False)
    res_nodes = rng.choice(nodes, 300, replace=False)
    expected = nx.multi_source_dijkstra_path_length(h, set(centre_nodes.tolist()), weight="length")
    res = gpd.GeoDataFrame({"households": 1}, index=range(len(res_nodes)),
                           geometry=[shapely.Point(pos[n]) for n in res_nodes], crs=net.crs)
    cen = gpd.GeoDataFrame({"center_id": [str(n) for n in centre_nodes]},
                           geometry=[shapely.Point(pos[n]) for n in centre_nodes], crs=net.crs)
    out = acc.compute_access(net, res, cen, index=demo_walk["index"], services_col=None).residents
    assert (out["snap_status"] == "ok").all()
    assert np.allclose(out["snap_m"], 0.0, atol=1e-6)
    want = np.array([expected[n] for n in res_nodes])
    assert np.max(np.abs(out["network_m"].to_numpy() - want)) < 1e-6


def test_demo_columns_services_and_statuses(demo_walk) -> None:
    result = demo_walk["access"]
    res = result.residents
    for col in ("center_id", "network_m", "straight_m", "detour", "life_circle", "snap_m", "snap_status"):
        assert col in res.columns
    assert set(res["snap_status"]) <= {"ok", "too_far_from_street", "unreachable", "no_geometry"}
    assert not np.isinf(res.select_dtypes("number").to_numpy(dtype=float)).any()
    assert len(result.services) >= 5
    for s in result.services:
        col = res[f"network_m_{s}"].to_numpy()
        both = ~np.isnan(col) & ~np.isnan(res["network_m"].to_numpy())
        assert (col[both] >= res["network_m"].to_numpy()[both] - 1e-9).all(), s
    assert (res["detour"].dropna() >= 1 - 1e-12).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=40),
       st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=5))
def test_network_distance_is_never_shorter_than_straight(demo_walk, res_unit, cen_unit) -> None:
    net: WalkNetwork = demo_walk["net"]
    (x0, y0), (x1, y1) = net.node_xy.min(axis=0), net.node_xy.max(axis=0)

    def place(unit):
        return [shapely.Point(x0 + a * (x1 - x0), y0 + b * (y1 - y0)) for a, b in unit]

    res = gpd.GeoDataFrame({"households": 1}, index=range(len(res_unit)), geometry=place(res_unit), crs=net.crs)
    cen = gpd.GeoDataFrame({"center_id": [f"C{i}" for i in range(len(cen_unit))]}, geometry=place(cen_unit),
                           crs=net.crs)
    out = acc.compute_access(net, res, cen, index=demo_walk["index"], services_col=None).residents
    ok = out["network_m"].notna()
    assert (out.loc[ok, "network_m"] >= out.loc[ok, "straight_m"] - 1e-9).all()
    assert (out.loc[ok, "snap_status"] == "ok").all() and out.loc[~ok, "snap_status"].ne("ok").all()


def test_demo_catchments_partition_what_they_cover(demo_walk) -> None:
    res = demo_walk["access"].residents.to_crs(demo_walk["net"].crs)
    catch = catchments(res)
    assert catch["center_id"].is_unique and set(catch["center_id"]) == set(res["center_id"].dropna())
    geoms = catch.geometry.to_numpy()
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-9)  # no overlaps
    covered = shapely.union_all(shapely.make_valid(res.geometry[res["center_id"].notna()].to_numpy()))
    assert shapely.symmetric_difference(union, covered).area < 1e-6 * covered.area
    assert catch["households"].sum() == res.loc[res["center_id"].notna(), "households"].sum()
    # each building lies in the catchment of its own centre
    inside = gpd.sjoin(res.set_geometry(res.geometry.representative_point()), catch[["center_id", "geometry"]],
                       predicate="within", lsuffix="res", rsuffix="catch")
    assert (inside["center_id_res"] == inside["center_id_catch"]).mean() > 0.99


def test_point_catchments_are_voronoi_cells() -> None:
    pts = gpd.GeoDataFrame({"center_id": ["A", "A", "B", None]},
                           geometry=shapely.points([[0, 0], [10, 0], [100, 0], [50, 50]]), crs=METRIC)
    catch = catchments(pts)
    assert catch["center_id"].tolist() == ["A", "B"] and catch["units"].tolist() == [2, 1]
    assert catch.geometry.iloc[0].intersection(catch.geometry.iloc[1]).area == pytest.approx(0.0, abs=1e-9)
    assert catch.geometry.iloc[0].contains(shapely.Point(5, 0))
    assert catch.geometry.iloc[1].contains(shapely.Point(90, 0))


def test_demo_isochrones_contain_the_residents_they_reach(demo_walk) -> None:
    net = demo_walk["net"]
    iso = isochrones(net, demo_walk["layers"]["centers"], index=demo_walk["index"], buffer_m=50.0)
    assert set(iso["threshold_m"]) == {300.0, 500.0, 1000.0}
    assert iso.groupby("center_id")["area_m2"].apply(lambda a: a.is_monotonic_increasing).all()
    res = demo_walk["access"].residents
    xy = acc.representative_xy(res, net.crs)
    by_key = {(r.center_id, r.threshold_m): r.geometry for r in iso.itertuples()}
    for t in (300.0, 1000.0):
        sel = np.flatnonzero((res["network_m"] <= t).to_numpy() & (res["snap_m"] <= 45).to_numpy())
        assert len(sel) > 20
        polys = np.array([by_key[(c, t)] for c in res["center_id"].to_numpy()[sel]], dtype=object)
        assert shapely.contains_xy(polys, xy[sel, 0], xy[sel, 1]).all()


def test_summary_and_home_visit_list(demo_walk) -> None:
    res = demo_walk["access"].residents
    summary = acc.summarize_access(res)  # by the residents' area_id
    total = summary[summary["area_id"] == "TOTAL"].iloc[0]
    assert total["households_total"] == res["households"].sum()
    circles = ["5min", "10min", "15min", "beyond", "no_route"]
    for col in ("households", "elderly_alone", "left_behind_children", "disabled"):
        assert sum(total[f"{col}_{c}"] for c in circles) == total[f"{col}_total"] == res[col].sum()
    body = summary[summary["area_id"] != "TOTAL"]
    assert body["households_15min"].sum() == total["households_15min"]
    # by a polygon layer (the communities), same totals
    by_poly = acc.summarize_access(res, demo_walk["layers"]["study_area"], "area_id")
    assert by_poly.iloc[-1]["households_total"] <= total["households_total"]
    visits = acc.home_visit_list(res)
    far = res["life_circle"].astype(str).isin(["beyond", "no_route"])
    special = res[["elderly_alone", "left_behind_children", "disabled"]].sum(axis=1) > 0
    assert len(visits) == int((far & special).sum()) > 0
    assert (visits["special_total"] > 0).all() and set(visits["reason"]) <= {"beyond", "too_far_from_street",
                                                                             "unreachable", "no_geometry"}
    assert (visits.loc[visits["reason"] == "beyond", "network_m"] > 1000).all()
    assert visits["lon"].between(118, 119).all() and visits["lat"].between(31, 33).all()


def test_network_from_simplified_graph_splits_curved_edges() -> None:
    g = nx.MultiDiGraph(crs=METRIC)
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2, x=100.0, y=0.0)
    g.add_edge(1, 2, geometry=shapely.LineString([(0, 0), (50, 50), (100, 0)]), highway="footway")
    net = network_from_graph(g)
    assert net.n_nodes == 3 and net.n_edges == 2 and net.edge_length.sum() == pytest.approx(2 * np.hypot(50, 50))


# ------------------------------------------------------------------------------------------------
# the command


@pytest.mark.slow
def test_cli_access_demo_writes_every_file(demo_walk, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["access", "--demo", "--out", str(out), "--cache-dir", str(demo_walk["cache"]),
                 "--thresholds", "300,500,1000"])
    assert code == 0
    err = capsys.readouterr().err
    n_res, n_cen = len(demo_walk["layers"]["residents"]), len(demo_walk["layers"]["centers"])
    assert f"routing {n_res:,} residents to {n_cen:,} centres" in err and "snap status" in err
    res = gpd.read_file(out / "residents_access.geojson")
    assert res.crs.to_epsg() == 4326 and len(res) == n_res
    for col in ("center_id", "network_m", "straight_m", "detour", "life_circle", "snap_m", "snap_status",
                "network_m_养老", "network_m_医疗"):
        assert col in res.columns, col
    catch = gpd.read_file(out / "catchments.geojson")
    assert {"center_id", "units", "households", "area_m2"} <= set(catch.columns)
    iso = gpd.read_file(out / "isochrones.geojson")
    assert {"center_id", "threshold_m"} <= set(iso.columns) and set(iso["threshold_m"]) == {300, 500, 1000}
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", dtype={"area_id": str})
    assert "households_15min" in summary.columns and summary["area_id"].iloc[-1] == "TOTAL"
    visits_csv = pd.read_csv(out / "home_visit_list.csv", encoding="utf-8-sig")
    visits_xlsx = pd.read_excel(out / "home_visit_list.xlsx", sheet_name="上门服务名单")
    assert len(visits_csv) == len(visits_xlsx) > 0 and "reason" in visits_xlsx.columns
    html = (out / "access.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and "cdn.jsdelivr" not in html
    assert json.loads((out / "centers_access.geojson").read_text(encoding="utf-8"))["type"] == "FeatureCollection"


@pytest.mark.slow
def test_cli_access_with_files_and_bad_input(demo_walk, tmp_path: Path, capsys) -> None:
    layers = demo_walk["layers"]
    res_path, cen_path, grid_path = tmp_path / "r.geojson", tmp_path / "c.geojson", tmp_path / "g.geojson"
    layers["residents"].iloc[:60].to_file(res_path)
    layers["centers"].to_file(cen_path)
    layers["zones_party"].to_file(grid_path)
    out = tmp_path / "o"
    code = main(["access", "--osm", str(DEMO_OSM), "--residents", str(res_path), "--centers", str(cen_path),
                 "--grids", str(grid_path), "--grid-id", "zone_id", "--snap-limit", "150", "--out", str(out),
                 "--cache-dir", str(demo_walk["cache"]), "--quiet"])
    assert code == 0
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert summary.columns[0] == "zone_id" and summary["residents"].iloc[-1] == 60
    assert main(["access", "--residents", str(res_path), "--out", str(out)]) == 2
    assert "--osm" in capsys.readouterr().err


def test_access_with_no_centre_reports_everyone_without_a_route(demo_walk) -> None:
    layers = demo_walk["layers"]
    result = acc.compute_access(demo_walk["net"], layers["residents"], layers["centers"].iloc[:0],
                                index=demo_walk["index"])
    res = result.residents
    assert len(res) == len(layers["residents"]) and res["center_id"].isna().all()
    assert (res["life_circle"].astype(str) == acc.NO_ROUTE).all()


@pytest.mark.parametrize("thresholds", [[300, float("nan")], [500, 300], [], "300", [0, 300], 500])
def test_thresholds_that_are_not_increasing_finite_metres_are_refused(demo_walk, thresholds) -> None:
    from gridmap.errors import ParameterError

    layers = demo_walk["layers"]
    with pytest.raises(ParameterError, match="thresholds"):
        acc.compute_access(demo_walk["net"], layers["residents"], layers["centers"], thresholds=thresholds,
                           index=demo_walk["index"])
