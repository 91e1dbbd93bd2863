"""Fixtures shared by several test modules."""

from __future__ import annotations

import os

# The tests read messages in English (their assertions quote them): set before gridmap is imported,
# in the environment so that subprocesses (the CLI, the app server, dask workers) inherit it. A test
# of the Chinese default removes it (monkeypatch.delenv) or passes --lang zh.
os.environ["GRIDMAP_LANG"] = "en"

import networkx as nx  # noqa: E402 - after the language is set
import numpy as np
import pyproj
import pytest
from hypothesis import settings

from gridmap.access import accessibility as acc
from gridmap.access.network import load_walk_network, walk_graph_from_xml
from gridmap.demo import DEMO_OSM, load_demo

# Hypothesis: the suite's run (CI, scripts/test.sh) draws the same examples every time, so that a
# red run is one a developer can repeat and nothing lands or stays out by chance; the examples it
# found earlier are kept as @example cases. To search afresh with random draws:
# GRIDMAP_HYPOTHESIS=explore bash scripts/test.sh -k <test> (or --hypothesis-seed=N).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("GRIDMAP_HYPOTHESIS", "repeatable"))


@pytest.fixture(scope="session", autouse=True)
def app_workspace(tmp_path_factory):
    """The workspace the app serves in the tests (AppTest runs it in this process): a folder of the
    test session's own, never the user's default workspace. The app imports the demo into it on first use."""
    folder = tmp_path_factory.mktemp("app-workspace") / "workspace"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRIDMAP_WORKSPACE", str(folder))
        yield folder


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
