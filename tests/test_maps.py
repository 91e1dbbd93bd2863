"""gridmap.present.maps: maps that load nothing from the internet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import pytest
import shapely

from gridmap.present import maps

REPO = Path(__file__).resolve().parent.parent
DISTRICTS = REPO / "gridmap" / "data" / "nanjing_xinjiekou" / "nanjing_xinjiekou_districts_clipped.geojson"
BASE = maps.DEFAULT_ASSETS_URL + "/"


@pytest.fixture
def districts_metric() -> gpd.GeoDataFrame:
    """The three real districts, in CGCS2000 GK CM 120°E (metres), so maps must reproject."""
    return gpd.read_file(DISTRICTS).to_crs("EPSG:4549")


@pytest.fixture
def layer_map(districts_metric: gpd.GeoDataFrame) -> folium.Map:
    m = maps.base_map(districts_metric)
    maps.add_layer(m, districts_metric, "行政区", "#d62728", ["name", "name_en"])
    return m


@pytest.fixture
def vendor_dir() -> Path:
    if not (maps.VENDOR_DIR / "leaflet" / "leaflet.js").is_file():
        pytest.fail(f"{maps.VENDOR_DIR} is not installed: run `bash scripts/install_assets.sh` first")
    return maps.VENDOR_DIR


def _geojson_children(m: folium.Map) -> list[folium.GeoJson]:
    found = []

    def walk(el):
        if isinstance(el, folium.GeoJson):
            found.append(el)
        for child in el._children.values():
            walk(child)

    walk(m)
    return found


def _attributions(page: str) -> list[str]:
    return [json.loads(a) for a in re.findall(r"addAttribution\((\".*?\")\)", page)]


def _overlay_names(page: str) -> list[str]:
    block = page[page.index("overlays :") :]
    block = block[: block.index("}")]
    return [json.loads(k) for k in re.findall(r'("(?:[^"\\]|\\.)*")\s*:\s*feature_group_', block)]


def _geojson_payloads(page: str) -> list[dict]:
    return [json.loads(d) for d in re.findall(r"_add\((\{.*?\})\);", page, re.S)]


def _coords(geojson: dict) -> list[tuple[float, float]]:
    out = []
    for feature in geojson["features"]:
        out.extend(shapely.get_coordinates(shapely.geometry.shape(feature["geometry"])).tolist())
    return [tuple(c) for c in out]


def test_scripts_and_styles_are_local_only(layer_map: folium.Map) -> None:
    folium.plugins.Draw().add_to(layer_map)  # the editing pages will use it
    page = layer_map.get_root().render()
    scripts, styles = maps.asset_urls(page)
    assert scripts and styles
    for url in scripts + styles:
        assert url.startswith(BASE), f"asset not served locally: {url}"
        assert "http" not in url
    assert BASE + "leaflet/leaflet.js" in scripts
    assert BASE + "leaflet/leaflet.css" in styles
    assert BASE + "leaflet-draw/leaflet.draw.js" in scripts
    assert BASE + "leaflet-draw/leaflet.draw.css" in styles
    assert maps.external_assets(layer_map) == []
    # every local URL names a file that install_assets.sh installs (same relative paths)
    assert {u[len(BASE):] for u in scripts + styles} <= set(maps.VENDORED.values())


def test_every_cdn_url_of_map_and_draw_is_vendored() -> None:
    """If folium is upgraded and references new versions, this fails until the list is updated."""
    assert maps.offline_assets() == sorted(set(maps.offline_assets()))
    originals = maps._original_lists(folium.Map)[0] + maps._original_lists(folium.Map)[1]
    originals += maps._original_lists(folium.plugins.Draw)[0] + maps._original_lists(folium.plugins.Draw)[1]
    for _, url in originals:
        assert url in maps.VENDORED, f"folium references {url}, which has no local copy"


def test_offline_assets_is_idempotent_and_rebases() -> None:
    try:
        maps.offline_assets("/other/base")
        maps.offline_assets("/other/base")
        assert dict(folium.Map.default_js)["leaflet"] == "/other/base/leaflet/leaflet.js"
    finally:
        maps.offline_assets()
    assert dict(folium.Map.default_js)["leaflet"] == BASE + "leaflet/leaflet.js"


def test_no_tiles_grey_background_and_odbl_attribution(layer_map: folium.Map) -> None:
    page = layer_map.get_root().render()
    assert "L.tileLayer" not in page
    assert "tile.openstreetmap.org" not in page
    assert _attributions(page) == ["© OpenStreetMap contributors (ODbL)"]
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/";' in page


def test_intranet_tiles_are_used_when_given(districts_metric: gpd.GeoDataFrame) -> None:
    url = "http://tiles.intranet.local/{z}/{x}/{y}.png"
    m = maps.base_map(districts_metric, tiles_url=url, tiles_attribution="内网瓦片")
    page = m.get_root().render()
    assert "L.tileLayer" in page
    assert url in page
    assert "© OpenStreetMap contributors (ODbL)" in _attributions(page)


def test_fitted_to_bounds_in_lonlat(layer_map: folium.Map) -> None:
    page = layer_map.get_root().render()
    match = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", page)
    assert match, "map is not fitted to the layer bounds"
    south, west, north, east = (float(v) for v in match.groups())
    assert (south, west, north, east) == pytest.approx((32.0347, 118.7624, 32.0523, 118.7968), abs=1e-6)


def test_geometry_is_4326_rounded_to_6_decimals(layer_map: folium.Map) -> None:
    (gj,) = _geojson_children(layer_map)
    coords = _coords(gj.data)
    assert len(coords) > 10
    for lon, lat in coords:
        assert 118.7 < lon < 118.8 and 32.0 < lat < 32.1, "not lon/lat (EPSG:4326)"
        assert round(lon, 6) == lon and round(lat, 6) == lat, f"not rounded to 6 decimals: {lon}, {lat}"
    # the bbox corner (118.7968, 32.0347) survives 4326 → 4549 → 4326 exactly at 6 decimals
    assert (118.7968, 32.0347) in coords
    # and nothing longer than 6 decimals reaches the page
    page = layer_map.get_root().render()
    (payload,) = _geojson_payloads(page)
    assert _coords(payload) == coords
    text = json.dumps(payload["features"])
    assert not re.search(r"\d\.\d{7,}", text), "a coordinate with more than 6 decimals reached the page"


def test_layer_is_togglable_with_tooltip(layer_map: folium.Map, districts_metric: gpd.GeoDataFrame) -> None:
    maps.add_layer(layer_map, districts_metric.iloc[:1], "Second", "#1f77b4", ["name"], show=False)
    controls = [c for c in layer_map._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    assert list(layer_map._children.values())[-1] is controls[0], "LayerControl must render last"
    page = layer_map.get_root().render()
    assert _overlay_names(page) == ["行政区", "Second"]
    (gj, _) = _geojson_children(layer_map)
    assert set(gj.data["features"][0]["properties"]) == {"name", "name_en"}
    assert "tooltip" in page.lower()


def test_vector_basemap_draws_grey_layers_below(districts_metric: gpd.GeoDataFrame) -> None:
    m = maps.base_map(districts_metric)
    lines = gpd.GeoDataFrame(geometry=districts_metric.boundary, crs=districts_metric.crs)
    maps.vector_basemap(m, streets_gdf=lines, buildings_gdf=districts_metric, streets_name="街道",
                        buildings_name="建筑")
    maps.add_layer(m, districts_metric, "Zones", "#d62728", ["name"])
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [g.layer_name for g in groups] == ["建筑", "街道", "Zones"]
    page = m.get_root().render()
    assert '"color": "#8a8a8a"' in page  # street grey
    assert '"interactive": false' in page


def test_points_become_circle_markers(districts_metric: gpd.GeoDataFrame) -> None:
    pts = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=districts_metric.representative_point(),
                           crs=districts_metric.crs)
    m = maps.base_map(districts_metric)
    maps.add_layer(m, pts, "Centres", "#b10026", ["name"])
    page = m.get_root().render()
    assert "new L.CircleMarker(latlng" in page
    assert "L.marker(" not in page


def test_layer_without_crs_is_an_error(districts_metric: gpd.GeoDataFrame) -> None:
    m = maps.base_map(districts_metric)
    with pytest.raises(ValueError, match="no CRS"):
        maps.add_layer(m, districts_metric.set_crs(None, allow_override=True), "x", "#000", ["name"])


def test_standalone_html_inlines_everything(layer_map: folium.Map, vendor_dir: Path, tmp_path: Path) -> None:
    folium.plugins.Draw().add_to(layer_map)
    page = maps.standalone_html(layer_map, vendor_dir)
    scripts, styles = maps.asset_urls(page)
    assert scripts == [] and styles == [], "standalone page still links external files"
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "/app/static/vendor" not in page
    leaflet_js = (vendor_dir / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet_js[-2000:].strip()[:500] in page, "Leaflet is not inlined"
    assert "window.L=" in page.replace(" ", "")
    assert "data:font/woff2;base64," in page  # font-awesome / glyphicon fonts inlined
    assert "data:image/png;base64," in page  # marker / layer images inlined
    assert "L.Icon.Default.mergeOptions" in page
    out = maps.save_standalone(layer_map, tmp_path / "map.html", vendor_dir)
    saved = out.read_text(encoding="utf-8")
    assert maps.asset_urls(saved) == ([], [])
    assert leaflet_js[-2000:].strip()[:500] in saved


def test_standalone_css_urls_become_data_uris(layer_map: folium.Map, tmp_path: Path) -> None:
    """With a fake vendor folder: every url() in an inlined stylesheet becomes a data URI."""
    for rel in set(maps.VENDORED.values()):
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("/* js */" if rel.endswith(".js") else ".x{color:red}", encoding="utf-8")
    (tmp_path / "leaflet" / "leaflet.css").write_text(
        ".a{background:url(images/layers.png)}.b{behavior:url(#default#VML)}", encoding="utf-8"
    )
    (tmp_path / "fontawesome" / "css" / "all.min.css").write_text(
        '@font-face{font-family:"F";src:url(../webfonts/f.woff2) format("woff2"),'
        'url(../webfonts/f.ttf) format("truetype")}',
        encoding="utf-8",
    )
    (tmp_path / "leaflet" / "images").mkdir()
    (tmp_path / "leaflet" / "images" / "layers.png").write_bytes(b"\x89PNG fake")
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        (tmp_path / "leaflet" / "images" / name).write_bytes(b"\x89PNG fake")
    (tmp_path / "fontawesome" / "webfonts").mkdir()
    (tmp_path / "fontawesome" / "webfonts" / "f.woff2").write_bytes(b"wOF2")
    page = maps.standalone_html(layer_map, tmp_path)
    assert 'url("data:image/png;base64,iVBORyBmYWtl")' in page
    assert "url(#default#VML)" in page
    assert 'src:url("data:font/woff2;base64,d09GMg==") format("woff2")' in page
    assert "f.ttf" not in page  # the truetype fallback is dropped, not left dangling


def test_missing_assets_give_a_clear_error(layer_map: folium.Map, tmp_path: Path) -> None:
    with pytest.raises(maps.AssetsMissingError, match=r"scripts/install_assets\.sh"):
        maps.standalone_html(layer_map, tmp_path / "no-such-vendor")
    (tmp_path / "partial").mkdir()
    with pytest.raises(maps.AssetsMissingError, match=r"leaflet[/\\]leaflet\.js.*install_assets\.sh"):
        maps.standalone_html(layer_map, tmp_path / "partial")
    with pytest.raises(FileNotFoundError):  # AssetsMissingError is a FileNotFoundError
        maps.save_standalone(layer_map, tmp_path / "x.html", tmp_path / "no-such-vendor")
