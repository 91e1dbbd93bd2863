"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from gridmap.access import accessibility as acc
from gridmap.demo import DEMO_OSM, load_demo
from gridmap.access.network import load_walk_network


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

