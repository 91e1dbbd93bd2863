"""The Streamlit app without a browser (streamlit.testing.v1.AppTest), on the stand-in demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridmap.app import i18n
from gridmap.cli.serve import APP_SCRIPT
from gridmap.present import maps

REPO = Path(__file__).resolve().parent.parent
APP = str(APP_SCRIPT)
TESTS = Path(__file__).resolve().parent
LOCAL = maps.DEFAULT_ASSETS_URL + "/"


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch):
    """Run the app on tests/standin_demo.py (same contract as gridmap.demo)."""
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _run(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    if lang is not None:
        at.sidebar.radio(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _folium_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1, "expected exactly one st_folium component"
    return json.loads(comps[0].proto.json_args)


@pytest.mark.slow
def test_app_runs_in_chinese_by_default(standin) -> None:
    import standin_demo

    at = _run()
    assert at.title[0].value == "网格化管理规划"
    assert at.header[0].value == "数据概览"
    assert at.sidebar.radio(key="lang").value == "zh"
    table = at.dataframe[0].value
    assert list(table.columns) == ["图层", "图层键", "要素数", "坐标系", "几何类型"]
    counts = dict(zip(table["图层键"], table["要素数"], strict=True))
    for key, n in standin_demo.EXPECTED_COUNTS.items():
        assert counts[key] == n, key
    assert counts["residents"] > 1000
    labels = dict(zip(table["图层键"], table["图层"], strict=True))
    assert labels["zones_party"] == "党建网格" and labels["centers"] == "党群服务中心"
    crs = dict(zip(table["图层键"], table["坐标系"], strict=True))
    assert crs["study_area"].startswith("EPSG:4549")
    assert crs["districts"].startswith("EPSG:4326")
    geom = dict(zip(table["图层键"], table["几何类型"], strict=True))
    assert geom["centers"] == "Point" and geom["residents"] == "MultiPolygon"
    assert not at.error


@pytest.mark.slow
def test_language_switch_changes_every_label(standin) -> None:
    at = _run("en")
    assert at.title[0].value == "Grid planning for grassroots governance"
    assert at.header[0].value == "Data overview"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Layer", "Key", "Features", "CRS", "Geometry type"]
    assert "Party-building grid" in set(table["Layer"])
    assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in table["Layer"])
    assert "Map" in [h.value for h in at.subheader]
    # layer names inside the map follow the language too
    script = _folium_args(at)["script"]
    assert "Party-building grid" in script and "Streets" in script
    # and back
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "网格化管理规划"
    assert list(at.dataframe[0].value.columns)[0] == "图层"
    assert "\\u515a\\u5efa\\u7f51\\u683c" in _folium_args(at)["script"]  # 党建网格, JSON-escaped


def test_folium_component_loads_only_local_assets(standin) -> None:
    args = _folium_args(_run())
    links = args["js_links"] + args["css_links"]
    assert LOCAL + "leaflet/leaflet.js" in args["js_links"]
    assert LOCAL + "leaflet/leaflet.css" in args["css_links"]
    for url in links:
        assert url.startswith(LOCAL), f"non-local asset: {url}"
        assert (maps.VENDOR_DIR / url[len(LOCAL) :]).is_file(), f"{url} is not installed"
    assert not re.search(r"https?://", args["header"])
    assert not re.search(r"<script[^>]*src=|<link[^>]*href=", args["header"])
    # no tile layer, explicit marker image path, ODbL attribution, the layers themselves
    script = args["script"]
    assert "L.tileLayer" not in script
    assert not re.search(r"https?://", script)
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/";' in script
    assert "OpenStreetMap contributors (ODbL)" in script
    assert script.count("L.geoJson(") == 9  # 7 demo layers + streets + buildings
    assert args["returned_objects"] == []


def test_missing_demo_shows_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "gridmap_no_such_demo_module")
    st.cache_data.clear()
    at = _run()
    assert len(at.error) == 1
    assert "未找到演示数据" in at.error[0].value and "data/demo.gpkg" in at.error[0].value
    assert not at.get("component_instance")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "Demo data not found" in at.error[0].value


def test_missing_demo_file_shows_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    module = tmp_path / "broken_demo.py"
    module.write_text(
        "def load_demo():\n    raise FileNotFoundError('data/demo.gpkg does not exist')\nDEMO_OSM = None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "broken_demo")
    st.cache_data.clear()
    at = _run()
    assert len(at.error) == 1 and "data/demo.gpkg does not exist" in at.error[0].value


def test_missing_assets_say_how_to_install(standin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(maps, "VENDOR_DIR", tmp_path / "nothing")
    at = _run()
    assert any("scripts/install_assets.sh" in e.value for e in at.error)
    assert not at.get("component_instance")


@pytest.mark.slow
def test_real_demo_runs_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real gridmap.demo, when it and data/demo.gpkg exist: same page, same guarantees."""
    import importlib.util

    if importlib.util.find_spec("gridmap.demo") is None or not (REPO / "gridmap" / "data" / "demo.gpkg").is_file():
        pytest.skip("gridmap.demo / data/demo.gpkg not built")
    monkeypatch.delenv("GRIDMAP_DEMO_MODULE", raising=False)
    st.cache_data.clear()
    at = _run()
    assert not at.error, [e.value for e in at.error]
    keys = list(at.dataframe[0].value["图层键"])
    for key in ("study_area", "residents", "centers", "zones_party", "zones_security", "zones_urban", "districts"):
        assert key in keys
    args = _folium_args(at)
    assert all(u.startswith(LOCAL) for u in args["js_links"] + args["css_links"])
    assert not re.search(r"https?://", args["script"])


def test_every_text_has_both_languages() -> None:
    for key, entry in i18n.TEXT.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
    assert i18n.t("demo_missing", "en", error="x").startswith("Demo data not found: x")
    with pytest.raises(KeyError):
        i18n.t("no_such_key")
