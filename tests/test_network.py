"""gridmap.access.network: the walking network from an OSM XML file — filter, projection, arrays, cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest

from gridmap.access import network
from gridmap.access.network import WalkNetwork, load_walk_network, walkable_mask
from gridmap.io.validate import LayerError

METRIC = "EPSG:4549"  # CGCS2000 GK CM 120°E
X0, Y0 = 500_000.0, 3_540_000.0  # on the central meridian, ~32°N: the test grid lies here

#: id → metric (x, y) offsets from (X0, Y0): a 3 × 3 street grid with 100 m blocks, plus extras.
NODES = {
    1: (0, 0), 2: (100, 0), 3: (200, 0),
    4: (0, 100), 5: (100, 100), 6: (200, 100),
    7: (0, 200), 8: (100, 200), 9: (200, 200),
    20: (0, 500), 21: (100, 500),  # an isolated footway 300 m north of the grid
    30: (300, 0), 31: (300, 200),  # a motorway east of the grid
    40: (200, -100),  # a private service road
    41: (100, -100),  # a footway with foot=no
    50: (-100, 0), 51: (-100, 200),  # a primary road, access=no but foot=yes: kept
    60: (400, 0), 61: (400, 200),  # a trunk with sidewalks: kept, but joined to nothing else
    70: (50, 50), 71: (150, 50), 72: (150, 150), 73: (50, 150),  # a building outline (not a street)
}
#: (way id, node ids, tags)
WAYS = [
    (100, [1, 2, 3], {"highway": "residential"}),
    (101, [6, 5, 4], {"highway": "residential", "oneway": "yes"}),  # one-way westward
    (102, [7, 8, 9], {"highway": "living_street"}),
    (103, [1, 4, 7], {"highway": "footway"}),
    (104, [2, 5, 8], {"highway": "residential"}),
    (105, [3, 6, 9], {"highway": "service"}),
    (106, [20, 21], {"highway": "footway"}),
    (107, [3, 30, 31, 9], {"highway": "motorway", "oneway": "yes"}),
    (108, [3, 40], {"highway": "service", "access": "private"}),
    (109, [2, 41], {"highway": "footway", "foot": "no"}),
    (110, [1, 50, 51, 7], {"highway": "primary", "access": "no", "foot": "yes"}),
    (111, [60, 61], {"highway": "trunk", "sidewalk": "both"}),
    (112, [70, 71, 72, 73, 70], {"building": "yes"}),
    (113, [4, 5], {"highway": "construction"}),
]


def grid_osm(path: Path, ways=WAYS, nodes=NODES) -> Path:
    """Write the test street grid as OSM XML; node coordinates are exact metric points of EPSG:4549."""
    to_ll = pyproj.Transformer.from_crs(METRIC, "EPSG:4326", always_xy=True)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="gridmap-tests">']
    for nid, (dx, dy) in nodes.items():
        lon, lat = to_ll.transform(X0 + dx, Y0 + dy)
        lines.append(f'  <node id="{nid}" version="1" lat="{lat:.12f}" lon="{lon:.12f}"/>')
    for wid, refs, tags in ways:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def osm_file(tmp_path: Path) -> Path:
    return grid_osm(tmp_path / "grid.osm")


def _edge_set(net: WalkNetwork) -> set[tuple[int, int]]:
    return {tuple(sorted(p))
            for p in zip(net.node_id[net.edge_u].tolist(), net.node_id[net.edge_v].tolist(), strict=True)}


def test_walkable_mask_follows_the_pedestrian_rules() -> None:
    tags = pd.DataFrame([
        {"highway": "residential"},
        {"highway": "motorway"},
        {"highway": "trunk_link"},
        {"highway": "trunk", "foot": "yes"},
        {"highway": "trunk", "sidewalk": "both"},
        {"highway": "footway", "foot": "no"},
        {"highway": "service", "access": "private"},
        {"highway": "primary", "access": "no", "foot": "designated"},
        {"highway": "construction"},
        {"highway": None},
        {"highway": "cycleway", "foot": "use_sidepath"},
        {"highway": "steps", "oneway": "yes"},
    ])
    assert walkable_mask(tags).tolist() == [True, False, False, True, True, False, False, True, False, False,
                                            False, True]


def test_network_from_xml_filters_projects_and_ignores_oneway(osm_file: Path, tmp_path: Path) -> None:
    net = load_walk_network(osm_file, cache=tmp_path / "cache")
    assert net.crs.to_epsg() == 4549
    edges = _edge_set(net)
    grid = {(1, 2), (2, 3), (4, 5), (5, 6), (7, 8), (8, 9), (1, 4), (4, 7), (2, 5), (5, 8), (3, 6), (6, 9)}
    assert grid <= edges
    assert (20, 21) in edges  # isolated pieces are kept (and reported later), not dropped
    assert {(1, 50), (50, 51), (7, 51)} <= edges  # foot=yes overrides access=no
    assert (60, 61) in edges  # trunk with sidewalks
    for gone in [(3, 30), (30, 31), (9, 31), (3, 40), (2, 41), (70, 71)]:
        assert gone not in edges, gone
    assert set(net.node_id.tolist()).isdisjoint({30, 31, 40, 41, 70, 71, 72, 73})
    # exact metric coordinates and lengths
    xy = dict(zip(net.node_id.tolist(), map(tuple, net.node_xy - [X0, Y0]), strict=True))
    assert np.allclose(xy[9], (200, 200), atol=1e-6) and np.allclose(xy[1], (0, 0), atol=1e-6)
    grid_mask = np.array([p in grid for p in zip(*sorted_pairs(net), strict=True)])
    assert np.allclose(net.edge_length[grid_mask], 100.0, atol=1e-6)
    # undirected: the one-way street (6 → 5 → 4) is in the CSR both ways
    i4, i5 = (int(np.flatnonzero(net.node_id == k)[0]) for k in (4, 5))
    assert net.csr[i4, i5] == pytest.approx(100.0) and net.csr[i5, i4] == pytest.approx(100.0)
    assert (net.csr != net.csr.T).nnz == 0


def sorted_pairs(net: WalkNetwork) -> tuple[list[int], list[int]]:
    a, b = net.node_id[net.edge_u], net.node_id[net.edge_v]
    return np.minimum(a, b).tolist(), np.maximum(a, b).tolist()


def test_network_is_cached_by_file_hash_atomically(osm_file: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = load_walk_network(osm_file, cache=cache)
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].suffix == ".npz" and network.file_sha256(osm_file) in files[0].name

    def boom(*_a, **_k):
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(network, "walk_graph_from_xml", boom)
    again = load_walk_network(osm_file, cache=cache)
    assert np.array_equal(again.node_xy, first.node_xy) and np.array_equal(again.edge_u, first.edge_u)
    assert again.crs == first.crs and list(again.edge_highway) == list(first.edge_highway)
    monkeypatch.undo()
    # an edited file gets its own entry; no temporary files are left behind
    grid_osm(osm_file, ways=WAYS[:6])
    smaller = load_walk_network(osm_file, cache=cache)
    assert smaller.n_edges == 12
    assert len(list(cache.iterdir())) == 2 and not list(cache.glob(".*"))
    # a damaged cache file is rebuilt, not trusted
    for f in cache.iterdir():
        f.write_bytes(b"not a zip")
    assert load_walk_network(osm_file, cache=cache).n_edges == 12


def test_cache_dir_defaults_to_env_then_cwd(tmp_path: Path, monkeypatch, osm_file: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRIDMAP_CACHE", raising=False)
    assert network.cache_dir() == tmp_path / ".gridmap_cache"
    monkeypatch.setenv("GRIDMAP_CACHE", str(tmp_path / "envcache"))
    assert network.cache_dir() == tmp_path / "envcache"
    load_walk_network(osm_file)
    assert len(list((tmp_path / "envcache").glob("*.npz"))) == 1
    assert network.cache_dir(tmp_path / "x") == tmp_path / "x"


def test_from_arrays_drops_loops_and_duplicates_and_keeps_zero_length_edges() -> None:
    xy = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0]])
    net = WalkNetwork.from_arrays(xy, [0, 1, 1, 0, 1], [1, 0, 1, 1, 2], METRIC)
    assert net.n_edges == 2 and sorted(net.edge_length.tolist()) == [0.0, 5.0]
    assert net.csr.nnz == 4  # the zero-length edge is an explicit entry, both ways
    with pytest.raises(ValueError, match="projected"):
        WalkNetwork.from_arrays(xy, [0], [1], "EPSG:4326")


def test_to_networkx_and_gdfs_match_the_arrays(osm_file: Path, tmp_path: Path) -> None:
    net = load_walk_network(osm_file, cache=tmp_path)
    g = net.to_networkx()
    assert g.number_of_nodes() == net.n_nodes and g.number_of_edges() == net.n_edges
    edges = net.edges_gdf()
    assert len(edges) == net.n_edges and np.allclose(edges.length, net.edge_length)
    assert edges.crs == net.crs and len(net.nodes_gdf()) == net.n_nodes


def test_missing_or_streetless_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_walk_network(tmp_path / "nope.osm", use_cache=False)
    only_building = grid_osm(tmp_path / "b.osm", ways=[WAYS[12]], nodes={k: NODES[k] for k in (70, 71, 72, 73)})
    with pytest.raises(LayerError):
        load_walk_network(only_building, use_cache=False)


def test_csr_keeps_the_shortest_of_parallel_entries_and_zero_lengths() -> None:
    """Repeated node pairs (a network built directly, or extra edges repeating a street) keep their
    minimum, never the sum scipy would make; zero-length edges stay as explicit zeros."""
    xy = np.array([[X0, Y0], [X0 + 100.0, Y0], [X0 + 100.0, Y0]])  # nodes 1 and 2 coincide
    direct = WalkNetwork(crs=pyproj.CRS(METRIC), node_id=np.arange(3), node_xy=xy, edge_u=np.array([0, 0, 1]),
                         edge_v=np.array([1, 1, 2]), edge_length=np.array([120.0, 100.0, 0.0]))
    csr = direct.csr
    assert csr[0, 1] == 100.0 and csr[1, 0] == 100.0 and csr.nnz == 4
    assert csr[1, 2] == 0.0 and 2 in csr.indices[csr.indptr[1]:csr.indptr[2]]  # the explicit zero
    extra = network.csr_with_extra(direct, np.array([3, 3, 3]), np.array([0, 2, 2]), np.array([7.0, 9.0, 4.0]), 1)
    assert extra.shape == (4, 4) and extra[3, 2] == 4.0 and extra[3, 0] == 7.0 and extra[0, 1] == 100.0
    plain = WalkNetwork.from_arrays(xy, [0, 1, 1, 0], [1, 2, 0, 0], METRIC)  # repeats and a self-loop dropped
    assert plain.n_edges == 2 and plain.csr.nnz == 4 and plain.csr[2, 1] == 0.0


# --------------------------------------------------------------------------------------------
# OSM files that cannot be read: a LayerError naming the file, what is wrong and what to do


@pytest.mark.parametrize("name, data, message", [
    ("empty.osm", b"", "the file is empty"),
    ("cut.osm", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="3', "not readable OSM XML (unclosed token"),
    ("page.osm", b"<!DOCTYPE html><p>rate limited", "not readable OSM XML"),
    ("nothing.osm", b'<?xml version="1.0"?><osm version="0.6"></osm>', "the file holds no OSM nodes or ways"),
    ("gone.osm", b'<?xml version="1.0"?><osm version="0.6"><way id="5"><nd ref="1"/><nd ref="2"/>'
                 b'<tag k="highway" v="footway"/></way></osm>', "ways refer to nodes that are not in the file"),
    ("nolat.osm", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lon="118"/><node id="2" lat="32" lon="118"/>'
                  b'<way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>',
     "cannot be read as OSM XML (KeyError"),
    ("empty.osm.bz2", b"", "the bz2 compression is damaged or the file is cut short"),
    ("noise.osm.bz2", b"BZh91AY&SY not compressed", "the bz2 compression is damaged or the file is cut short"),
])
def test_unreadable_osm_files_are_named(tmp_path: Path, name, data, message) -> None:
    from gridmap.io.validate import LayerError

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LayerError) as info:
        load_walk_network(path, use_cache=False)
    assert str(info.value).startswith(f"{path}: {message}")


def test_a_file_with_only_unwalkable_ways_is_named(tmp_path: Path) -> None:
    from gridmap.io.validate import LayerError

    only_motorway = grid_osm(tmp_path / "m.osm", ways=[WAYS[7]], nodes={k: NODES[k] for k in WAYS[7][1]})
    with pytest.raises(LayerError, match="no walkable ways in the file"):
        load_walk_network(only_motorway, use_cache=False)


def test_the_basemap_reads_bz2_like_plain_xml(osm_file: Path, tmp_path: Path) -> None:
    """GDAL's OSM driver does not read .bz2: the basemap reader unpacks it, and gets the same streets."""
    import bz2

    from gridmap.io.osm import read_osm_basemap

    packed = tmp_path / "grid.osm.bz2"
    packed.write_bytes(bz2.compress(osm_file.read_bytes()))
    streets, buildings = read_osm_basemap(osm_file)
    streets_bz2, buildings_bz2 = read_osm_basemap(packed)
    assert len(streets) > 0 and len(streets_bz2) == len(streets) and len(buildings_bz2) == len(buildings)
    assert sorted(streets_bz2["highway"]) == sorted(streets["highway"])
