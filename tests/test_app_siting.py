"""The 选址 page: the sites and figures it shows are the core's, clicks add candidates, accepting
a site updates walking access."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from apptest_helpers import open_app  # noqa: E402
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent

# the app's pages driven end to end (AppTest) on the real demo: slow
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (REPO / "gridmap" / "data" / "demo.gpkg").is_file(),
                                 reason="data/demo.gpkg not built")]


@pytest.fixture(autouse=True)
def demo(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRIDMAP_DEMO_MODULE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(scope="module")
def core():
    from gridmap.access.network import load_walk_network
    from gridmap.access.siting import recommend_sites
    from gridmap.demo import DEMO_OSM, load_demo

    demo = load_demo()
    net = load_walk_network(DEMO_OSM)
    return demo, net, recommend_sites(net, demo["residents"], demo["centers"], k=3, radius_m=1000,
                                      osm_path=DEMO_OSM)


def _open(lang: str | None = None) -> AppTest:
    return open_app("siting", lang)


def test_sites_and_figures_are_the_cores(core) -> None:
    _, _, result = core
    at = _open()
    table = at.dataframe[0].value
    assert table["排序"].tolist() == result.sites["rank"].tolist()
    assert table["新增覆盖户数"].tolist() == result.sites["new_households"].tolist()
    summary = result.summary.set_index("measure").loc["households"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["现有覆盖（1000 米内）"] == f"{100 * summary['share_before']:.1f}%"
    assert metrics["新增 3 个站点后"] == f"{100 * summary['share_after']:.1f}%"
    assert metrics["新增覆盖"] == f"{int(summary['newly_covered']):,}"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "Households newly covered" in at.dataframe[0].value.columns


def test_k_changes_the_number_of_sites(core) -> None:
    from gridmap.access.siting import recommend_sites
    from gridmap.demo import DEMO_OSM

    demo, net, _ = core
    five = recommend_sites(net, demo["residents"], demo["centers"], k=5, radius_m=1000, osm_path=DEMO_OSM)
    at = _open()
    at.slider(key="siting_k").set_value(5).run()
    assert not at.exception
    # greedy stops early once a further site would cover nobody new
    assert at.dataframe[0].value["排序"].tolist() == five.sites["rank"].tolist()
    assert len(five.sites) >= 4


def test_a_click_adds_a_candidate(core, monkeypatch: pytest.MonkeyPatch) -> None:
    import gridmap.app.mapkit as mapkit

    demo, _, _ = core
    p = demo["centers"].to_crs(4326).geometry.iloc[0]
    real = mapkit.send_component
    calls = {"n": 0}

    def fake(page_key, **kw):
        real(page_key, **kw)
        calls["n"] += 1
        return {"last_clicked": {"lat": p.y + 0.001, "lng": p.x}} if page_key == "siting_map" else {}

    monkeypatch.setattr(mapkit, "send_component", fake)
    at = _open()
    state = at.session_state["siting_state"]
    assert len(state["candidates"]) == 1
    assert state["candidates"][0] == pytest.approx((p.x, p.y + 0.001))


def test_accepting_a_site_updates_access(core) -> None:
    from gridmap.access.accessibility import compute_access

    demo, net, result = core
    at = _open()
    at.selectbox(key="siting_accept_rank").set_value(1).run()
    at.button[[b.label for b in at.button].index("采纳为新服务站")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["siting_state"]["accepted"]) == 1
    # the page's before/after table equals the core with the rank-1 site added as a centre
    import geopandas as gpd
    import pandas as pd

    site = result.sites[result.sites["rank"] == 1].to_crs(demo["centers"].crs)
    centres = pd.concat([demo["centers"], gpd.GeoDataFrame({"center_id": ["NEW01"]}, geometry=site.geometry.values,
                                                          crs=demo["centers"].crs)], ignore_index=True)
    after = compute_access(net, demo["residents"], centres).residents
    expected = after.groupby("life_circle", observed=True)["households"].sum()
    table = at.dataframe[-1].value
    assert table["采纳后"].astype(int).tolist() == [int(expected.get(k, 0)) for k in table.index]
    assert table["采纳后"].sum() == table["采纳前"].sum() == demo["residents"]["households"].sum() - \
        int(after.loc[after["life_circle"].isna(), "households"].sum())
