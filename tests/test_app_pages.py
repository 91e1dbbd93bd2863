"""Every page of the app without a browser (AppTest): runs, shows the core's figures, switches
language, handles clicks, uploads and map settings. Most tests use the real demo (skipped when
data/demo.gpkg is not built); a few the stand-in."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

from apptest_helpers import open_app  # noqa: E402

from gridmap.access import accessibility as acc  # noqa: E402
from gridmap.app import PAGE_MODULES, load_pages  # noqa: E402
from gridmap.present import maps, views  # noqa: E402

PAGES = list(load_pages())
HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_MAP_BYTES = 2_000_000

# every page driven end to end (AppTest), mostly on the real demo: slow
pytestmark = pytest.mark.slow

needs_demo = pytest.mark.skipif(not (REPO / "gridmap" / "data" / "demo.gpkg").is_file(),
                                reason="data/demo.gpkg not built")


def _clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRIDMAP_DEMO_MODULE", raising=False)
    yield


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "standin_demo")
    _clear()
    yield
    _clear()


def _open(page: str, lang: str | None = None) -> AppTest:
    return open_app(page, lang, timeout=120)


def _map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1, "expected exactly one map"
    return json.loads(comps[0].proto.json_args)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _core(demo_layers: dict):
    """What the core computes for the demo, independently of the app's caches."""
    from gridmap.access.network import load_walk_network
    from gridmap.analysis.coverage import coverage_report
    from gridmap.analysis.mosaic import build_mosaic
    from gridmap.demo import DEMO_OSM

    zones = {k[len("zones_"):]: v for k, v in demo_layers.items() if k.startswith("zones_")}
    faces = build_mosaic(zones, demo_layers["study_area"], demo_layers["residents"])
    rep = coverage_report(faces, zones, gap_width=5.0, sliver_m2=1.0)
    net = load_walk_network(DEMO_OSM)
    res = acc.compute_access(net, demo_layers["residents"], demo_layers["centers"])
    return faces, rep, res


@pytest.fixture(scope="module")
def core():
    if not (REPO / "gridmap" / "data" / "demo.gpkg").is_file():
        pytest.skip("data/demo.gpkg not built")
    from gridmap.demo import load_demo

    layers = load_demo()
    return (layers, *_core(layers))


def test_registry_lists_the_pages() -> None:
    assert PAGES == ["data", "overview", "city", "coverage", "access", "grid", "siting", "export"]
    assert len(PAGE_MODULES) == len(PAGES)
    with pytest.raises(ValueError, match="share the key"):
        load_pages(("gridmap.app.overview", "gridmap.app.overview"))


@needs_demo
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(demo, page: str) -> None:
    at = _open(page)
    assert not at.error, [e.value for e in at.error]
    zh_header = at.header[0].value
    assert HAN.search(zh_header)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and not at.error
    assert not HAN.search(at.header[0].value), at.header[0].value
    assert at.header[0].value != zh_header
    for m in at.metric:
        assert not HAN.search(m.label), m.label
    for df in at.dataframe:
        assert not any(HAN.search(str(c)) for c in df.value.columns), list(df.value.columns)
    for comp in at.get("component_instance"):
        args = json.loads(comp.proto.json_args)
        assert len(comp.proto.json_args) < MAX_MAP_BYTES, f"{page}: map sends {len(comp.proto.json_args):,} bytes"
        assert not re.search(r"https?://", args["script"])
        assert all(u.startswith(maps.DEFAULT_ASSETS_URL) for u in args["js_links"] + args["css_links"])
        assert "gridmap-view:" in args["script"]  # keeps its position across reruns
        expected = {"coverage": ["last_object_clicked"], "grid": ["last_object_clicked", "last_active_drawing"],
                    "siting": ["last_clicked"], "city": ["last_object_clicked"]}
        assert args["returned_objects"] == expected.get(page, [])


@needs_demo
def test_overview_kpis_equal_the_core(demo, core) -> None:
    layers, faces, rep, res = core
    at = _open("overview")
    got = _metrics(at)
    row = rep.summary.set_index("layer").loc["any"]
    assert got["覆盖率（面积）"] == f"{100 * row['area_share']:.1f}%"
    assert got["覆盖率（户数）"] == f"{100 * row['households_share']:.1f}%"
    assert got["盲区户数"] == f"{int(row['households'] - row['households_covered']):,}"
    total = acc.summarize_access(res.residents, labels=res.labels, zone_id="area_id").set_index("area_id").loc["TOTAL"]
    assert got["15 分钟步行可达户数占比"] == f"{total['households_within_15min_pct']:.1f}%"
    # no plan edited in this session: the default build (300–500 households, seed 0) is counted
    from gridmap.demo import demo_zone_layers
    from gridmap.plans.grids import build_grids
    from gridmap.plans.units import make_units

    build = build_grids(make_units(demo_zone_layers(layers), layers["study_area"], layers["residents"]), 300, 500, 0,
                        study_area=layers["study_area"])
    outside = int((~build.grids["households"].between(300, 500)).sum())
    assert got["户数超出区间的网格"] == f"{outside:,}"
    # the per-layer table and the map's layers: each zone layer is in the layer control script
    table = at.dataframe[0].value
    assert list(table["图层"]) == ["党建网格", "综治网格", "城管网格", "任一系统"]
    script = _map_args(at)["script"]
    for name in ("党建网格", "综治网格", "城管网格"):
        assert json.dumps(name) in script
    at.sidebar.radio(key="lang").set_value("en").run()
    assert _metrics(at)["Households in blind spots"] == got["盲区户数"]


@needs_demo
def test_coverage_gaps_and_who_lives_there(demo, core) -> None:
    layers, faces, rep, res = core
    at = _open("coverage")
    gaps = rep.gaps[~rep.gaps["is_sliver"]].reset_index(drop=True)
    table = at.dataframe[0].value
    assert list(table["盲区编号"]) == list(gaps["gap_id"])
    assert list(table["户数"]) == list(gaps["households"])
    # pick the largest-household gap: its residents are those whose point on surface lies in it
    g = gaps.sort_values("households", ascending=False).iloc[0]
    at.selectbox(key="cov_gap").set_value(g["gap_id"]).run()
    people = at.dataframe[1].value
    resid = layers["residents"].to_crs(gaps.crs)
    inside = resid[shapely.within(resid.geometry.representative_point().to_numpy(), g.geometry)]
    assert sorted(people["建筑编号"]) == sorted(inside["building_id"])
    assert int(people["户数"].sum()) == int(g["households"])
    script = _map_args(at)["script"]
    assert "#d7191c" in script  # 盲区 in the strong red
    assert json.dumps("多头（同一系统多个网格）") in script


@needs_demo
def test_clicking_a_gap_on_the_map_selects_it(demo, core, monkeypatch: pytest.MonkeyPatch) -> None:
    import gridmap.app.mapkit as mapkit

    layers, faces, rep, res = core
    gaps = rep.gaps[~rep.gaps["is_sliver"]].reset_index(drop=True)
    target = gaps.iloc[-1]
    p = gpd.GeoSeries([target.geometry.representative_point()], crs=gaps.crs).to_crs(4326).iloc[0]
    real = mapkit.send_component

    def fake(page_key, **kw):
        real(page_key, **kw)
        return {"last_object_clicked": {"lat": p.y, "lng": p.x}} if page_key.startswith("coverage_map") else {}

    monkeypatch.setattr(mapkit, "send_component", fake)
    at = _open("coverage")
    assert at.selectbox(key="cov_gap").value == target["gap_id"]
    assert any(target["gap_id"] in md.value for md in at.markdown)


@needs_demo
def test_coverage_household_heat(demo, core) -> None:
    layers, faces, rep, res = core
    at = _open("coverage")
    at.radio(key="cov_heat").set_value("households").run()
    assert not at.exception
    script = _map_args(at)["script"]
    assert json.dumps("全部覆盖") in script and "#a50026" in script or "#f46d43" in script
    hexes = views.hex_bins(views.households_by_coverage(layers["residents"], faces),
                           ["households", "uncovered_households"], 80.0)
    assert hexes["uncovered_households"].sum() == int(rep.summary.set_index("layer").loc["any", "households"]
                                                      - rep.summary.set_index("layer").loc["any", "households_covered"])


@needs_demo
def test_access_filter_and_home_visit_list(demo, core) -> None:
    layers, faces, rep, res = core
    at = _open("access")
    m = _metrics(at)
    assert m["居民建筑"] == f"{len(layers['residents']):,}"
    visits = acc.home_visit_list(res.residents, layers["study_area"], "area_id", labels=res.labels)
    assert m["上门服务名单"] == f"{len(visits):,}"
    assert len(at.dataframe[0].value) == len(visits)
    area = visits["area_id"].value_counts().index[0]
    at.selectbox(key="acc_zone").set_value(area).run()
    assert _metrics(at)["上门服务名单"] == f"{int((visits['area_id'] == area).sum()):,}"
    assert set(at.dataframe[0].value["辖区编号"]) == {area}
    in_area = res.residents[res.residents["area_id"] == area]
    assert _metrics(at)["居民建筑"] == f"{len(in_area):,}"
    # group by a zone layer instead
    at.selectbox(key="acc_by").set_value("zones_party").run()
    assert not at.exception and at.selectbox(key="acc_zone").value == "__all__"
    script = _map_args(at)["script"]
    assert json.dumps("超出 15 分钟")[1:-1] in script  # the layer name, JSON-escaped in the script


@needs_demo
def test_export_offers_every_format(demo) -> None:
    at = _open("export")
    buttons = at.get("download_button")
    assert len(buttons) == 7  # 3 layer formats, CSV, Excel, 2 HTML maps
    assert at.selectbox(key="exp_layer").options[0].startswith("盲区")
    at.selectbox(key="exp_table").set_value("home_visit_list").run()
    assert not at.exception and at.selectbox(key="exp_table").value == "home_visit_list"
    assert "上门服务名单" in at.selectbox(key="exp_table").format_func("home_visit_list")


def test_map_settings_tiles_and_gcj02(standin) -> None:
    """The settings on the Data page change every page's map, and stay set on other pages."""
    at = _open("data")
    plain = _map_args(at)["script"]
    at.text_input(key="tiles_url").input("http://tiles.intra/{z}/{x}/{y}.png").run()
    script = _map_args(at)["script"]
    assert "L.tileLayer" in script and "http://tiles.intra/{z}/{x}/{y}.png" in script
    at.sidebar.radio(key="page").set_value("overview").run()
    assert "http://tiles.intra/{z}/{x}/{y}.png" in _map_args(at)["script"]  # kept on another page
    assert "内网瓦片" in at.sidebar.caption[0].value
    at.sidebar.radio(key="page").set_value("data").run()
    assert at.text_input(key="tiles_url").value == "http://tiles.intra/{z}/{x}/{y}.png"
    at.text_input(key="tiles_url").input("not a template").run()
    assert "L.tileLayer" not in _map_args(at)["script"] and at.warning
    at.checkbox(key="gcj02").check().run()
    shifted = _map_args(at)["script"]

    def bounds(s: str) -> list[float]:
        found = re.search(r"fitBounds\(\s*\[\[([^\]]+)\],\s*\[([^\]]+)\]", s)
        return [float(v) for v in found.group(1, 2)[0].split(",")]

    (lat0, lon0), (lat1, lon1) = bounds(plain), bounds(shifted)
    assert 0.001 < abs(lon1 - lon0) < 0.01 and 0.0005 < abs(lat1 - lat0) < 0.01  # a few hundred metres


def test_pages_without_data_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDMAP_DEMO_MODULE", "gridmap_no_such_demo_module")
    _clear()
    for page in PAGES:
        at = _open(page)
        assert len(at.error) == 1 and "未找到演示数据" in at.error[0].value
    at = _open("data")
    assert "使用自己的数据" in [s.value for s in at.subheader]  # uploads are still offered


class _Upload(SimpleNamespace):
    def getvalue(self) -> bytes:
        return self.data


def _geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_crs(4326).to_json().encode()


def _gpkg_bytes(gdf: gpd.GeoDataFrame, tmp: Path) -> bytes:
    path = tmp / "layer.gpkg"
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def test_bad_upload_shows_the_problem_with_its_row_id(standin, monkeypatch: pytest.MonkeyPatch) -> None:
    import standin_demo

    layers = standin_demo.load_demo()
    bad_zones = layers["zones_party"].copy()
    bad_zones.loc[bad_zones.index[2], "zone_id"] = bad_zones["zone_id"].iloc[0]  # duplicate id in row 3
    files = {
        "up_study_area": _Upload(name="communities.geojson", data=_geojson_bytes(layers["study_area"])),
        "up_zones": [_Upload(name="党建.geojson", data=_geojson_bytes(bad_zones))],
    }
    monkeypatch.setattr(st, "file_uploader", lambda label, *a, key=None, **kw: files.get(key))
    at = _open("data")
    at.text_input(key=[w.key for w in at.text_input if w.key.startswith("zone_name_")][0]).input("党建").run()
    at.button(key="use_files").click().run()
    assert not at.exception
    dup = bad_zones["zone_id"].iloc[0]
    errors = " ".join(e.value for e in at.error)
    assert "党建.geojson" in errors and "第 1 行" in errors and f"编号 {dup}" in errors, errors
    problems = at.dataframe[-1].value
    assert list(problems.columns) == ["类别", "行号", "编号", "字段", "说明"]
    assert list(problems["行号"]) == [1] and list(problems["编号"]) == [dup] and list(problems["字段"]) == ["zone_id"]
    # the core's finding, in the app's language (Chinese by default), names both rows
    assert f"zone_id“{dup}”被 2 个要素重复使用（第 1、3 行）" in problems["说明"].iloc[0]
    assert "is used by" not in errors and "is used by" not in problems["说明"].iloc[0]
    at.sidebar.radio(key="lang").set_value("en").run()  # the error is gone after a rerun; apply again
    at.button(key="use_files").click().run()
    assert "row 1" in " ".join(e.value for e in at.error) and f"id {dup}" in " ".join(e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert f"zone_id '{dup}' is used by 2 features (rows 1, 3)" in problems["Message"].iloc[0]


@needs_demo
def test_good_upload_replaces_the_demo_on_every_page(demo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from gridmap.demo import load_demo

    layers = load_demo()
    zones = layers["zones_security"].rename(columns={"zone_id": "编号", "name": "名称"})
    files = {
        "up_study_area": _Upload(name="communities.gpkg", data=_gpkg_bytes(layers["study_area"], tmp_path)),
        "up_zones": [_Upload(name="water.geojson", data=_geojson_bytes(zones))],
    }
    monkeypatch.setattr(st, "file_uploader", lambda label, *a, key=None, **kw: files.get(key))
    at = _open("data")
    # the file calls its columns 编号 / 名称: map them
    zone_keys = [w.key for w in at.selectbox if w.key.startswith("map_zone_")]
    at.selectbox(key=[k for k in zone_keys if k.endswith(":map:zone_id")][0]).set_value("编号").run()
    at.selectbox(key=[k for k in zone_keys if k.endswith(":map:name")][0]).set_value("名称").run()
    at.button(key="use_files").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    keys = list(at.dataframe[0].value["图层键"])
    assert keys == ["study_area", "zones_water"]
    at.sidebar.radio(key="page").set_value("overview").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    m = _metrics(at)
    assert m["15 分钟步行可达户数占比"] == "—" and m["盲区户数"] == "—"  # no residents uploaded
    cover = shapely.union_all(zones.to_crs(4549).geometry.values)
    study = shapely.union_all(layers["study_area"].to_crs(4549).geometry.values)
    assert m["覆盖率（面积）"] == f"{100 * cover.intersection(study).area / study.area:.1f}%"
    assert list(at.dataframe[0].value["图层"]) == ["water", "任一系统"]
    at.sidebar.radio(key="page").set_value("access").run()
    assert not at.exception and any("OSM" in i.value for i in at.info)
    at.sidebar.radio(key="page").set_value("data").run()
    at.button(key="back_to_demo").click().run()
    assert "zones_party" in list(at.dataframe[0].value["图层键"])


def test_a_failing_analysis_is_a_message_not_a_traceback(standin, monkeypatch: pytest.MonkeyPatch) -> None:
    import gridmap.app.analysis as analysis

    def boom(*_a, **_k):
        raise RuntimeError("TopologyException: something")

    monkeypatch.setattr(analysis, "build_mosaic", boom)
    for page in ("overview", "coverage", "export"):
        at = _open(page)
        assert len(at.error) == 1 and "分析未能完成" in at.error[0].value and "TopologyException" in at.error[0].value


@needs_demo
def test_prepared_maps_send_what_st_folium_sends_and_are_built_once(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached path (mapkit.show with ``cache``) gives the browser exactly the arguments
    streamlit-folium's ``st_folium`` derives from the same map, and a second session opening the
    page builds no map at all."""
    from gridmap.app import mapkit, overview

    monkeypatch.setattr(mapkit, "_FAST_PATH", False)
    plain = _map_args(_open("overview"))
    monkeypatch.setattr(mapkit, "_FAST_PATH", True)
    mapkit._prepared.clear()
    builds = {"n": 0}
    real_build = overview.build_map

    def counting(*args, **kw):
        builds["n"] += 1
        return real_build(*args, **kw)

    monkeypatch.setattr(overview, "build_map", counting)
    first = _map_args(_open("overview"))
    second = _map_args(_open("overview"))
    assert builds["n"] == 1
    assert first == second
    for name in ("script", "header", "html", "css_links", "js_links", "default", "returned_objects", "id"):
        assert first[name] == plain[name], name
    assert len(first["script"]) > 100_000  # the map with its layers, not an empty frame
