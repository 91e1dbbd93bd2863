"""The embedded demo (data/demo.gpkg): reproducible from the OSM extract, and internally consistent."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap import demo as gd

METRIC = 4549  # CGCS2000 3° GK, CM 120°E (docs/design.md §5.1)


@pytest.fixture(scope="module")
def committed() -> dict[str, gpd.GeoDataFrame]:
    return gd.load_demo(gd.DEMO_GPKG)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict[str, gpd.GeoDataFrame]:
    out = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    gd.build_demo(out_path=out)
    return gd.load_demo(out)


@pytest.fixture(scope="module")
def study_union(committed) -> shapely.Geometry:
    return shapely.union_all(committed["study_area"].to_crs(METRIC).geometry.to_numpy())


def _same_geometries(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    return shapely.equals_exact(shapely.normalize(a.to_numpy()), shapely.normalize(b.to_numpy()), tolerance=1e-7)


# (1) reproducible --------------------------------------------------------------------------------
@pytest.mark.slow
def test_rebuild_matches_committed(committed, rebuilt):
    assert list(committed) == list(gd.DEMO_LAYERS)
    assert list(rebuilt) == list(committed)
    for name in committed:
        a, b = committed[name], rebuilt[name]
        assert list(a.columns) == list(b.columns), name
        assert len(a) == len(b), name
        assert a.crs.to_epsg() == b.crs.to_epsg() == 4326, name
        pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"), obj=name)
        same = _same_geometries(a.geometry, b.geometry)
        assert same.all(), f"{name}: rows {np.flatnonzero(~same)[:5]} differ"


def test_layer_keys_and_columns(committed):
    zones = gd.demo_zone_layers(committed)
    assert set(zones) == {"party", "security", "urban"}
    required = {
        "study_area": {"area_id", "name", "district", "county_code", "street_code", "community_code"},
        "residents": {"building_id", "name", "levels", "levels_source", "footprint_m2", "households", "population",
                      "elderly_alone", "left_behind_children", "disabled", "area_id"},
        "centers": {"center_id", "name", "kind", "osm_source", "services", "capacity"},
        "districts": {"name", "county_code"},
    }
    for name, cols in required.items():
        assert cols <= set(committed[name].columns), name
    for layer in zones.values():
        assert {"zone_id", "name"} <= set(layer.columns)


# (2) the study area tiles the bbox, communities inside one district -------------------------------
def test_study_area_tiles_bbox(committed, study_union):
    sa = committed["study_area"]
    assert sa["area_id"].is_unique
    assert sa.geom_type.eq("Polygon").all() and sa.is_valid.all()
    assert bool(shapely.coverage_is_valid(sa.geometry.to_numpy()))
    bbox = gpd.GeoSeries([shapely.box(*gd.BBOX)], crs=4326).to_crs(METRIC).iloc[0]
    areas = sa.to_crs(METRIC).area
    assert study_union.area == pytest.approx(bbox.area, rel=1e-6)
    assert areas.sum() == pytest.approx(study_union.area, rel=1e-6)  # no overlaps
    assert sa["county_code"].str.fullmatch(r"\d{6}").all()
    assert sa["street_code"].str.fullmatch(r"\d{3}").all()
    assert sa["community_code"].str.fullmatch(r"\d{3}").all()
    assert (sa["county_code"] == sa["district"].map({"玄武区": "320102", "秦淮区": "320104", "鼓楼区": "320106"})).all()


def test_each_community_in_one_district(committed):
    sa = committed["study_area"].to_crs(METRIC)
    dist = committed["districts"].to_crs(METRIC).set_index("name").geometry
    own = shapely.intersection(sa.geometry.to_numpy(), dist.loc[sa["district"]].to_numpy())
    share = shapely.area(own) / sa.area.to_numpy()
    assert (share >= 0.999).all(), sa.loc[share < 0.999, "name"].tolist()


# (3) households and population -------------------------------------------------------------------
def test_household_invariants(committed):
    r = committed["residents"]
    assert r["building_id"].is_unique
    assert r["building_id"].str.fullmatch(r"(way|relation)/\d+").all()
    assert r.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    for col in ("households", "population", "elderly_alone", "left_behind_children", "disabled", "levels"):
        assert pd.api.types.is_integer_dtype(r[col]), col
        assert (r[col] >= 0).all(), col
    expected_hh = np.floor(r["footprint_m2"].to_numpy() * r["levels"].to_numpy() / 90.0).astype(np.int64)
    np.testing.assert_array_equal(r["households"].to_numpy(), expected_hh)
    np.testing.assert_array_equal(r["population"].to_numpy(), np.round(r["households"].to_numpy() * 2.62))
    for col in ("elderly_alone", "left_behind_children", "disabled"):
        assert (r[col] <= r["households"]).all(), col
    assert set(r["levels_source"]) <= {"osm", "default"}
    assert (r.loc[r["levels_source"] == "default", "levels"] == 6).all()
    # the footprint column is the stored footprint's area
    np.testing.assert_allclose(r.to_crs(METRIC).area, r["footprint_m2"], rtol=1e-3, atol=0.5)
    # every building sits (by point on surface) in the community it names
    pos = gpd.GeoDataFrame(r[["area_id"]], geometry=r.representative_point(), crs=r.crs)
    hit = pos.sjoin(committed["study_area"][["area_id", "geometry"]], predicate="within")
    assert (hit["area_id_left"] == hit["area_id_right"]).all()
    assert hit.index.nunique() == len(r)
    assert 5_000 <= r["households"].sum() <= 60_000


# (4) zone layers: ids, validity, deliberate overlaps and gaps ------------------------------------
@pytest.mark.parametrize("key", ["party", "security", "urban"])
def test_zone_layer(committed, study_union, key):
    z = gd.demo_zone_layers(committed)[key]
    assert z["zone_id"].is_unique and z["zone_id"].notna().all()
    assert z["name"].notna().all()
    assert z.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert z.is_valid.all() and not z.is_empty.any()
    g = z.to_crs(METRIC).geometry.to_numpy()
    assert shapely.is_valid(g).all()
    i, j = shapely.STRtree(g).query(g, predicate="intersects")
    keep = i < j
    overlap = shapely.area(shapely.intersection(g[i[keep]], g[j[keep]]))
    assert overlap.max() > 100.0, "no deliberate same-layer overlap"
    layer_union = shapely.union_all(g)
    gaps = shapely.get_parts(shapely.difference(study_union, layer_union))
    assert shapely.area(gaps).max() > 1000.0, "no deliberate gap"
    covered = shapely.intersection(layer_union, study_union).area / study_union.area
    assert 0.85 <= covered <= 0.97



def test_blind_spot_no_layer_covers(committed, study_union):
    """盲区: some sizeable, inhabited part of the study area is covered by none of the three layers."""
    zones = gd.demo_zone_layers(committed)
    all_zones = np.concatenate([z.to_crs(METRIC).geometry.to_numpy() for z in zones.values()])
    uncovered = shapely.get_parts(shapely.difference(study_union, shapely.union_all(all_zones)))
    r = committed["residents"].to_crs(METRIC)
    pts = shapely.point_on_surface(r.geometry.to_numpy())
    hh = r["households"].to_numpy()
    inhabited = [(p.area, int(hh[shapely.within(pts, p)].sum())) for p in uncovered if p.area > 5_000.0]
    assert any(n > 100 for _, n in inhabited), f"no blind spot > 5,000 m² with > 100 households: {inhabited}"

# (5) centres sit at the real OSM features they name ------------------------------------------------
def test_centers_at_osm_features(committed):
    import osmnx as ox

    c = committed["centers"]
    assert 5 <= len(c) <= 8
    assert c["center_id"].is_unique and c.geom_type.eq("Point").all()
    minx, miny, maxx, maxy = gd.BBOX
    assert (c.geometry.x.between(minx, maxx) & c.geometry.y.between(miny, maxy)).all()
    assert c["kind"].isin(["党群服务中心", "党群服务站"]).all()
    assert c["name"].str.endswith(("党群服务中心", "党群服务站")).all()
    assert (c["capacity"] > 0).all() and c["services"].str.len().gt(0).all()
    feats = ox.features.features_from_xml(gd.DEMO_OSM, tags={"amenity": True})
    feats.index = [f"{e}/{i}" for e, i in feats.index]
    feats = feats.to_crs(METRIC)
    pts = c.to_crs(METRIC).geometry
    for k, src in enumerate(c["osm_source"]):
        m = re.match(r"((?:node|way|relation)/\d+) amenity=(\w+)", src)
        assert m, src
        feat = feats.loc[m.group(1)]
        assert feat["amenity"] == m.group(2)
        assert feat.geometry.distance(pts.iloc[k]) <= 30.0, src


@pytest.mark.parametrize(
    ("layer", "kind"),
    [("study_area", "study_area"), ("residents", "residents"), ("centers", "centers"),
     ("zones_party", "zones"), ("zones_security", "zones"), ("zones_urban", "zones")],
)
def test_demo_layers_pass_the_validator_untouched(layer, kind):
    from gridmap.io.files import load_layer

    gdf, report = load_layer(gd.DEMO_GPKG, kind, layer)
    assert report.problems == [], report.lines()
    assert len(gdf) == len(gd.load_demo()[layer])
