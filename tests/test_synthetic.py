"""The synthetic city: reproducible, complete (data model columns, codes), irregular, with gaps and overlaps."""

from __future__ import annotations

import time

import numpy as np
import pytest
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.analysis.coverage import coverage_report
from gridmap.analysis.mosaic import build_mosaic
from gridmap.scale.synthetic import CityParams, load_network, save_network, synthetic_city, write_city


@pytest.fixture(scope="module")
def city():
    return synthetic_city(10_000, seed=1)


@pytest.mark.slow
def test_same_seed_same_city_other_seed_other_city(city) -> None:
    again = synthetic_city(10_000, seed=1)
    assert again.residents.geometry.equals(city.residents.geometry)
    assert again.residents.drop(columns="geometry").equals(city.residents.drop(columns="geometry"))
    assert again.study_area.geom_equals(city.study_area).all()
    for name in city.layers:
        assert again.layers[name].geometry.equals(city.layers[name].geometry)
    assert np.array_equal(again.network.node_xy, city.network.node_xy)
    assert np.array_equal(again.network.edge_u, city.network.edge_u)
    other = synthetic_city(10_000, seed=2)
    assert not np.array_equal(other.network.node_xy, city.network.node_xy)


def test_tables_follow_the_data_model(city) -> None:
    assert len(city.residents) == 10_000
    res = city.residents
    for col in ("households", "population", "elderly_alone", "left_behind_children", "disabled"):
        assert res[col].dtype.kind == "i" and (res[col] >= 0).all()
    assert (res["households"] >= 1).all() and (res["population"] >= res["households"]).all()
    sa = city.study_area
    assert {"area_id", "name", "county_code", "street_code", "community_code"} <= set(sa.columns)
    assert sa["area_id"].is_unique and sa["area_id"].str.fullmatch(r"\d{12}").all()
    assert (sa["county_code"] + sa["street_code"] + sa["community_code"] == sa["area_id"]).all()
    assert sa["county_code"].str.fullmatch(r"\d{6}").all() and sa["street_code"].str.fullmatch(r"\d{3}").all()
    assert len(city.streets) >= 3, "several 街道 to partition by"
    assert {"center_id", "name", "services"} <= set(city.centers.columns) and city.centers["center_id"].is_unique
    for name, zones in city.layers.items():
        assert {"zone_id", "name"} <= set(zones.columns) and zones["zone_id"].is_unique, name
        assert zones.geometry.is_valid.all(), name
    assert all(g.crs is not None and g.crs.is_projected for g in (sa, res, city.centers, *city.layers.values()))


def test_communities_tile_the_city_and_buildings_are_inside(city) -> None:
    geoms = city.study_area.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    outline = shapely.coverage_union_all(geoms)
    assert abs(shapely.area(outline) - shapely.area(geoms).sum()) < 1e-3 * shapely.area(outline)
    assert shapely.contains(outline, city.residents.geometry.to_numpy()).all()
    # every community inside exactly one 街道
    key = city.study_area["county_code"] + city.study_area["street_code"]
    assert set(key) == set(city.streets["street_key"])


def test_street_grid_is_irregular_and_returned_as_arrays(city) -> None:
    net = city.network
    assert isinstance(net, WalkNetwork) and net.crs.is_projected
    p = city.params
    lengths = net.edge_length[net.edge_highway == "residential"]
    assert lengths.std() > 1.0, "jittered nodes"
    assert (net.edge_highway == "footway").any(), "diagonal footpaths and fragments"
    diag = net.edge_length[(net.edge_highway == "footway") & (net.edge_length > 1.2 * p.block_m)]
    assert len(diag) > 0
    # missing segments: fewer grid segments than a full grid has
    nx1 = round((net.node_xy[:, 0].max() - net.node_xy[:, 0].min()) / p.block_m) + 1
    assert (net.edge_highway == "residential").sum() < 2 * net.n_nodes
    comp_sizes = np.bincount(net.component)
    assert comp_sizes.max() > 0.95 * net.n_nodes and len(comp_sizes) > 1, "one main network plus fragments"
    assert nx1 > 10


def test_zone_layers_have_gaps_overlaps_and_stick_out(city) -> None:
    faces = build_mosaic(city.layers, city.study_area, city.residents, n_jobs=1)
    cov = coverage_report(faces, city.layers)
    assert len(cov.gaps) > 0 and cov.gaps["households"].sum() >= 0  # 盲区
    assert set(cov.overlaps["layer"]) == {"party", "security", "urban"}  # 多头 in every layer
    assert (cov.outside["layer"] == "urban").any()  # 越界
    summary = cov.summary.set_index("layer")
    assert all(0.85 < summary.loc[name, "area_share"] < 1.0 for name in city.layers)


def test_network_file_round_trip_and_city_files(city, tmp_path) -> None:
    net = load_network(save_network(city.network, tmp_path / "net.npz"))
    assert np.array_equal(net.node_xy, city.network.node_xy) and np.array_equal(net.edge_v, city.network.edge_v)
    assert net.crs.equals(city.network.crs)
    paths = write_city(city, tmp_path / "city")
    assert all(p.exists() for p in paths.values())


@pytest.mark.slow
def test_parameters_are_honoured_and_generation_is_fast() -> None:
    small = synthetic_city(params=CityParams(n_buildings=2_000, seed=3, centers_per_community=0.0))
    assert len(small.residents) == 2_000 and len(small.centers) == 0
    start = time.perf_counter()
    big = synthetic_city(100_000, seed=0)
    assert len(big.residents) == 100_000
    assert time.perf_counter() - start < 15.0


@pytest.mark.slow
def test_streets_written_as_osm_xml_read_back_as_the_same_network(city, tmp_path) -> None:
    """save_osm_xml → load_walk_network (osmnx, the reader of the CLI) gives the same street lengths,
    to the rounding of 1e-9 degrees per node, plain and bz2."""
    from gridmap.access.network import load_walk_network
    from gridmap.scale.synthetic import save_osm_xml

    for name in ("streets.osm", "streets.osm.bz2"):
        net = load_walk_network(save_osm_xml(city.network, tmp_path / name), crs=city.network.crs, use_cache=False)
        assert (net.n_nodes, net.n_edges) == (city.network.n_nodes, city.network.n_edges)
        assert net.edge_length.sum() == pytest.approx(city.network.edge_length.sum(), abs=1e-3)


@pytest.mark.parametrize("overrides, message", [
    ({"n_buildings": 0}, "n_buildings must be a whole number of buildings ≥ 1, got 0"),
    ({"n_buildings": 2.5}, "n_buildings must be a whole number of buildings ≥ 1, got 2.5"),
    ({"block_m": float("nan")}, "block_m must be a finite number of metres ≥ 20, got nan"),
    ({"gap_share": 1.5}, "gap_share must be a finite number ≥ 0 and ≤ 1, got 1.5"),
    ({"community_blocks": (7, 4)}, "community_blocks must be (min, max) with min ≤ max"),
    ({"crs": "EPSG:4326"}, "crs 'EPSG:4326' is not projected"),
])
def test_city_parameters_out_of_range_are_refused(overrides, message) -> None:
    from gridmap.errors import ParameterError

    with pytest.raises(ParameterError) as info:
        CityParams(**overrides)
    assert message in str(info.value)
