"""The map builders of gridmap.present: one per analysis, shared by the command line, the app and the report.

Each builder is checked on the demo for the layers it must draw (names from the one label table,
in both languages; counts in the layer names equal to the rows of the analysis), for the display
shift the app uses on GCJ-02 tiles, and for drawing onto a given map (how the report composes them).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.access.catchments import catchments, isochrones
from gridmap.access.siting import recommend_sites
from gridmap.analysis.coverage import coverage_report
from gridmap.analysis.mosaic import build_mosaic
from gridmap.demo import demo_zone_layers
from gridmap.plans.grids import build_grids
from gridmap.plans.plan import Plan
from gridmap.plans.units import make_units
from gridmap.present import drawing, map_labels, views
from gridmap.present.access_map import access_map, circle_label
from gridmap.present.coverage_map import coverage_map
from gridmap.present.drawing import MapSetup
from gridmap.present.plan_map import BAND_COLORS, grid_layer, plan_grids, plan_map
from gridmap.present.siting_map import siting_map


def _layers(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.FeatureGroup)}


def _features(group: folium.FeatureGroup) -> list[dict]:
    out = []
    for child in group._children.values():
        if isinstance(child, folium.GeoJson):
            out.extend(child.data["features"])
    return out


def _first_xy(group: folium.FeatureGroup) -> np.ndarray:
    geom = shapely.geometry.shape(_features(group)[0]["geometry"])
    return np.asarray(shapely.get_coordinates(geom)[0])


def test_every_map_text_has_both_languages_and_lookups_fall_back() -> None:
    for key, entry in map_labels.MAP_TEXT.items():
        assert entry.get("zh") and entry.get("en"), key
    assert map_labels.field_label("households", "en") == "Households"
    assert map_labels.field_label("no_such_column", "zh") == "no_such_column"
    assert map_labels.layer_label("zones_水务") == "水务" and map_labels.layer_label("zones_party") == "党建网格"
    assert circle_label("10min", "zh") == "10 分钟内" and circle_label("no_route", "en") == "no route"


def test_draw_skips_empty_layers_and_columns_with_no_value(demo_walk) -> None:
    centers = demo_walk["layers"]["centers"]
    m = drawing.new_map(centers)
    assert drawing.draw(m, centers.iloc[:0], "empty", "#000000") is None
    assert drawing.draw(m, None, "none", "#000000") is None
    fields, names = drawing.tooltip(centers.assign(blank=np.nan), ["center_id", "blank", "absent"], "en")
    assert fields == ["center_id"] and names == ["Centre ID"]
    assert list(_layers(m)) == []


@pytest.mark.slow
def test_access_map_draws_each_life_circle_with_its_count_in_both_languages(demo_walk) -> None:
    net, layers, result = demo_walk["net"], demo_walk["layers"], demo_walk["access"]
    catch = catchments(result.residents.to_crs(net.crs))
    iso = isochrones(net, layers["centers"], result.thresholds, labels=result.labels, index=demo_walk["index"])
    counts = result.residents["life_circle"].astype(object).value_counts()
    for lang in ("zh", "en"):
        m = access_map(result, catchments=catch, isochrones=iso, lang=lang)
        names = list(_layers(m))
        for label, n in counts.items():
            assert f"{circle_label(label, lang)} ({n})" in names
        assert map_labels.text("layer_centers", lang) in names
        assert map_labels.text("layer_catchments", lang) in names
        assert sum(name.startswith(map_labels.text("layer_isochrone", lang, label="", m="")[:3]) for name in names) == 3
        centres = _layers(m)[map_labels.text("layer_centers", lang)]
        assert len(_features(centres)) == len(layers["centers"])
        # every resident drawn exactly once, in the layer of its circle
        for label, n in counts.items():
            assert len(_features(_layers(m)[f"{circle_label(label, lang)} ({n})"])) == n


@pytest.mark.slow
def test_display_shift_moves_every_layer_onto_gcj02_tiles(demo_walk) -> None:
    """The app on 高德/腾讯 tiles: the same layers, each point some hundred metres off (GCJ-02's
    offset in eastern China is 100–700 m), and what is clicked there maps back to the data."""
    result = demo_walk["access"]
    plain = access_map(result, lang="en")
    shifted = access_map(result, lang="en", setup=MapSetup(display_system="gcj02"))
    assert list(_layers(plain)) == list(_layers(shifted))
    name = map_labels.text("layer_centers", "en")
    a, b = _first_xy(_layers(plain)[name]), _first_xy(_layers(shifted)[name])
    metres = np.hypot((b[0] - a[0]) * 111_320 * np.cos(np.radians(a[1])), (b[1] - a[1]) * 110_574)
    assert 100 < metres < 700
    back = views.from_display(b[0], b[1], "gcj02")
    assert back == pytest.approx(tuple(a), abs=2e-6)


def test_siting_map_numbers_the_sites_and_shows_whom_each_newly_covers(demo_walk) -> None:
    net, layers = demo_walk["net"], demo_walk["layers"]
    result = recommend_sites(net, layers["residents"], layers["centers"], 2, index=demo_walk["index"])
    m = siting_map(result.sites, residents=result.residents, centers=layers["centers"], radius_m=1000, lang="en")
    groups = _layers(m)
    sites = groups[map_labels.text("siting_layer_sites", "en")]
    markers = [c for c in sites._children.values() if isinstance(c, folium.Marker)]
    numbers = [next(i for i in mk._children.values() if isinstance(i, folium.DivIcon)).options["html"]
               for mk in markers]
    assert len(markers) == len(result.sites) == 2
    assert [h.rsplit("</div>", 1)[0].rsplit(">", 1)[1] for h in numbers] == ["1", "2"]
    rank = result.residents["new_site_rank"]
    for r in (1, 2):
        n = int((rank == r).sum())
        if n:
            assert len(_features(groups[map_labels.text("siting_layer_rank", "en", rank=r, n=n)])) == n
    beyond = int((~result.residents["covered_after"]).sum())
    assert map_labels.text("siting_layer_beyond", "en", n=beyond) in groups


@pytest.fixture(scope="module")
def demo_plan(demo_walk) -> Plan:
    layers = demo_walk["layers"]
    zones = demo_zone_layers(layers)
    units = make_units(zones, layers["study_area"], layers["residents"])
    build = build_grids(units, 300, 500, seed=0, study_area=layers["study_area"])
    return Plan.from_build(units, build, min_households=300, max_households=500, name="demo")


def test_plan_map_has_one_layer_per_band_status_and_every_grid_once(demo_walk, demo_plan: Plan) -> None:
    grids = plan_grids(demo_plan, "en")
    hh = grids["households"].to_numpy()
    expected = np.where(grids["locked"], "locked", np.where(hh < 300, "below", np.where(hh > 500, "above", "in_band")))
    assert (grids["band_status"].to_numpy() == expected).all()  # no grid is empty in a fresh build
    m = plan_map(grids, units=demo_plan.units, study_area=demo_walk["layers"]["study_area"], lang="en")
    grid_layers = {n: g for n, g in _layers(m).items() if n.startswith(map_labels.text("layer_grids", "en"))}
    assert sum(len(_features(g)) for g in grid_layers.values()) == len(grids)
    for name, g in grid_layers.items():
        assert name.endswith(f"({len(_features(g))})")
    group = grid_layer(grids, lang="en")
    assert sum(len(child.data["features"]) for child in group._children.values()
               if isinstance(child, folium.GeoJson)) == len(grids)
    assert set(grids["band_status"]) <= set(BAND_COLORS)


@pytest.mark.slow
def test_coverage_map_in_english_with_hexagons_and_onto_a_given_map(demo_walk) -> None:
    layers = demo_walk["layers"]
    zones = demo_zone_layers(layers)
    faces = build_mosaic(zones, layers["study_area"], layers["residents"])
    rep = coverage_report(faces, zones, gap_width=5.0)
    m = coverage_map(faces, rep, layers["study_area"], lang="en", with_edges=False)
    names = list(_layers(m))
    assert map_labels.text("systems_0", "en") in names and map_labels.text("layer_gaps", "en") in names
    assert map_labels.text("layer_edges", "en") not in names
    gaps = _layers(m)[map_labels.text("layer_gaps", "en")]
    assert len(_features(gaps)) == int((~rep.gaps["is_sliver"]).sum())
    # a second builder on the same map (how the report composes them)
    x0, y0 = faces.total_bounds[:2]
    hexes = gpd.GeoDataFrame({"households": [5, 50], "uncovered_households": [0, 50], "features": [1, 3]},
                             geometry=[shapely.Point(x0 + 50, y0 + 50).buffer(30),
                                       shapely.Point(x0 + 150, y0 + 50).buffer(30)], crs=faces.crs)
    both = coverage_map(faces, rep, lang="en", hexes=hexes, m=m)
    assert both is m
    assert map_labels.text("hex_class", "en", lo=21, hi=100) in _layers(m)
