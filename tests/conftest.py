"""Fixtures shared by several test modules."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyproj
import pytest

from gridmap.access import accessibility as acc
from gridmap.access.network import load_walk_network, walk_graph_from_xml
from gridmap.demo import DEMO_OSM, load_demo


@pytest.fixture(scope="session")
def demo_walk(tmp_path_factory):
    """The demo's walking network (cached in a temporary folder), layers, edge index and access result:
    computed once for the access and siting tests."""
    cache = tmp_path_factory.mktemp("cache")
    net = load_walk_network(DEMO_OSM, cache=cache)
    layers = load_demo()
    index = acc.EdgeIndex(net)
    access = acc.compute_access(net, layers["residents"], layers["centers"], index=index)
    return {"net": net, "layers": layers, "index": index, "access": access, "cache": cache}



@pytest.fixture(scope="session")
def demo_osm_graph(demo_walk):
    """The demo's walkable ways as read by osmnx, as an undirected networkx graph keyed by OSM node id,
    lengths from its own projected coordinates (shortest of parallel ways); and those coordinates.
    An independent reference for the walking distances."""
    net = demo_walk["net"]
    g = walk_graph_from_xml(DEMO_OSM)
    tr = pyproj.Transformer.from_crs("EPSG:4326", net.crs, always_xy=True)
    pos = {n: tr.transform(d["x"], d["y"]) for n, d in g.nodes(data=True)}
    h = nx.Graph()
    for u, v in g.edges():
        if u != v:
            w = float(np.hypot(pos[u][0] - pos[v][0], pos[u][1] - pos[v][1]))
            if not h.has_edge(u, v) or h[u][v]["length"] > w:
                h.add_edge(u, v, length=w)
    return h, pos
