"""The embedded demo plan: Nanjing Xinjiekou (新街口), derived reproducibly from real OSM data.

``build_demo`` turns the OSM extract in ``data/nanjing_xinjiekou/`` (© OpenStreetMap contributors,
ODbL) into the layers of docs/design.md §2 — communities (study area), residential buildings with
estimated households, 党群服务中心 and three disagreeing zone layers — and ``python -m
gridmap.demo`` writes them to ``data/demo.gpkg``. Every assumption (household floor area, default
levels, rates, names, codes, the deliberate gaps, overlaps and 盲区) is a constant below and is
documented in ``data/README.md``. The build is offline (osmnx reads the XML file, nothing is
fetched) and deterministic: same input → same rows, attributes and geometries.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap.demo import zones as dz
from gridmap.errors import GridmapError
from gridmap.io.crs import working_crs
from gridmap.vocab import Message

__all__ = [
    "DEMO_GPKG",
    "DEMO_OSM",
    "DEMO_DISTRICTS",
    "DEMO_LAYERS",
    "ZONE_LAYERS",
    "build_demo",
    "write_demo",
    "load_demo",
    "demo_zone_layers",
    "summary",
    "BBOX",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_GPKG: Path = DATA_DIR / "demo.gpkg"
DEMO_OSM: Path = DATA_DIR / "nanjing_xinjiekou" / "nanjing_xinjiekou_osm_2021-06-12.osm"
DEMO_DISTRICTS: Path = DATA_DIR / "nanjing_xinjiekou" / "nanjing_xinjiekou_districts_clipped.geojson"

#: Layer names in the GeoPackage, in writing order.
DEMO_LAYERS: tuple[str, ...] = (
    "study_area", "residents", "centers", "zones_party", "zones_security", "zones_urban", "districts",
)
#: Canonical zone-layer key (docs/design.md §2) → GeoPackage layer.
ZONE_LAYERS: dict[str, str] = {"party": "zones_party", "security": "zones_security", "urban": "zones_urban"}

BBOX = (118.7624, 32.0347, 118.7968, 32.0523)  # lon/lat of the OSM extract
SEED = 20210612  # the OSM snapshot date
COORD_DECIMALS = 7  # ~1 cm in EPSG:4326

# --- assumptions: households -------------------------------------------------------------------
FLOOR_AREA_PER_HOUSEHOLD_M2 = 90.0  # gross floor area per household
DEFAULT_LEVELS = 6  # typical 多层 walk-up where OSM has no building:levels
HOUSEHOLD_SIZE = 2.62  # 2020 census, China average persons per household
RATES = {"elderly_alone": 0.05, "left_behind_children": 0.01, "disabled": 0.04}  # per household
RESIDENTIAL_TYPES = ("residential", "apartments", "house", "dormitory")
MIN_FOOTPRINT_RULE3_M2 = 200.0
NON_RESIDENTIAL_TAGS = ("amenity", "shop", "office", "tourism", "leisure", "healthcare", "public_transport")
NON_RESIDENTIAL_LANDUSE = ("commercial", "retail", "military")

# --- assumptions: administration ----------------------------------------------------------------
COUNTY_CODES = {"玄武区": "320102", "秦淮区": "320104", "鼓楼区": "320106"}  # GB/T 2260
# One 街道 per district in the demo; names are real 街道 of the area, the codes are assumed.
STREETS = {"玄武区": ("新街口街道", "001"), "秦淮区": ("洪武路街道", "002"), "鼓楼区": ("华侨路街道", "003")}
COMMUNITY_AREA_M2 = (250_000.0, 500_000.0)  # target band when grouping street blocks into 社区
MAJOR_HIGHWAYS = ("trunk", "primary", "secondary", "tertiary", "trunk_link", "primary_link",
                  "secondary_link", "tertiary_link")
MINOR_HIGHWAYS = ("residential", "living_street", "unclassified", "service", "pedestrian")

# --- assumptions: centres (OSM feature → kind, services, capacity) ------------------------------
CENTER_SITES = (
    ("relation/2171965", "amenity=townhall", "党群服务中心", "政务;就业;法律援助;养老;党员活动", 300),
    ("node/2327962138", "amenity=townhall", "党群服务中心", "政务;医疗;养老;就业;法律援助", 300),
    ("way/94327966", "amenity=library", "党群服务中心", "阅读;党员活动;青少年;志愿服务", 250),
    ("node/1069278232", "amenity=post_office", "党群服务站", "政务;就业;快递代收", 80),
    ("node/1069288496", "amenity=theatre", "党群服务站", "文体;党员活动;志愿服务", 120),
    ("way/322654943", "amenity=marketplace", "党群服务站", "养老;助餐;便民维修", 60),
    ("node/4697397790", "amenity=clinic", "党群服务站", "医疗;妇幼;养老", 60),
)
# --- assumptions: police stations (OSM police features within 50 m form one station) ----------
STATION_NAMES = {"node/3245676480": "五老村派出所", "node/4405637928": "交警新街口中队"}
PARK_GAP_MIN_M2 = 10_000.0  # party layer: parks ≥ 1 ha unclaimed
CAMPUS_GAP_MIN_M2 = 15_000.0  # urban layer: school/university/sports grounds ≥ 1.5 ha self-managed
# --- assumptions: 盲区 — places cut out of all three zone layers (covered by no layer) -----------
BLIND_COMPOUND_HH = (150, 600)  # 新建小区: an OSM landuse=residential compound with this many households
# 两不管 strip: (side district, other district, third district at the start, width m, stretch m, step m)
BLIND_STRIP = ("玄武区", "秦淮区", "鼓楼区", 40.0, 500.0, 100.0)

_TAGS: dict[str, bool | str | list[str]] = {
    "building": True, "landuse": True, "amenity": True, "leisure": True, "highway": True}


def _osm_id(index: pd.Index) -> np.ndarray:
    """'way/123'-style ids from osmnx's (element, id) index."""
    return np.array([f"{e}/{i}" for e, i in index], dtype=object)


def _read_osm(osm_path: Path) -> gpd.GeoDataFrame:
    """All OSM features the build uses, with an ``osm_id`` column, sorted by (element, id)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feats = _features_from_xml(osm_path)
    feats = feats.sort_index()
    feats["osm_id"] = _osm_id(feats.index)
    return feats.reset_index(drop=True)


def _features_from_xml(osm_path: Path) -> gpd.GeoDataFrame:
    """Osmnx's offline reader (imported lazily: osmnx is slow to import)."""
    import osmnx as ox

    return ox.features.features_from_xml(osm_path, tags=_TAGS)


def _communities(fine: gpd.GeoDataFrame, streets: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Group street blocks into communities (area band ``COMMUNITY_AREA_M2``, never across a district).

    Returns (communities sorted by ``area_id``, the ``area_id`` of each block).
    """
    fine_label = dz.merge_regions(fine.geometry.to_numpy(), fine.geometry.area.to_numpy(),
                                  fine["district"].to_numpy(), *COMMUNITY_AREA_M2)
    uniq, geoms = dz.dissolve(fine.geometry.to_numpy(), fine_label)
    comm = gpd.GeoDataFrame({"_label": uniq, "district": fine["district"].to_numpy()[uniq], "geometry": geoms},
                            crs=fine.crs)
    pts = comm.geometry.representative_point()
    comm = comm.assign(_x=pts.x.round(3), _y=-pts.y.round(3)).sort_values(["district", "_y", "_x"])
    comm["county_code"] = comm["district"].map(COUNTY_CODES)
    comm["street"] = comm["district"].map(lambda d: STREETS[d][0])
    comm["street_code"] = comm["district"].map(lambda d: STREETS[d][1])
    comm["community_code"] = (comm.groupby("district").cumcount() + 1).map("{:03d}".format)
    comm["area_id"] = comm["county_code"] + comm["street_code"] + comm["community_code"]
    comm = comm.sort_values("area_id").reset_index(drop=True)
    comm["name"] = _community_names(comm, streets)
    area_of_label = pd.Series(comm["area_id"].to_numpy(), index=comm["_label"].to_numpy())
    cols = ["area_id", "name", "district", "county_code", "street", "street_code", "community_code", "geometry"]
    return comm[cols], area_of_label.reindex(fine_label).to_numpy()


def _community_names(comm: gpd.GeoDataFrame, streets: gpd.GeoDataFrame) -> list[str]:
    """'<street>社区' after the named street with the most length in (or within 30 m of) each community."""
    named = streets[streets["name"].notna() & streets["name"].str.contains("[路街巷]$", regex=True)]
    zone = comm.geometry.buffer(30.0).to_numpy()
    ci, si = shapely.STRtree(named.geometry.values).query(zone, predicate="intersects")
    length = shapely.length(shapely.intersection(named.geometry.values[si], zone[ci]))
    tab = pd.DataFrame({"c": ci, "name": named["name"].to_numpy()[si], "len": length})
    tab = tab.groupby(["c", "name"], as_index=False)["len"].sum()
    tab["len"] = tab["len"].round(1)
    used: set[str] = set()
    names = []
    for c in range(len(comm)):
        options = tab[tab["c"] == c].sort_values(["len", "name"], ascending=[False, True])["name"]
        pick = next((f"{n}社区" for n in options if f"{n}社区" not in used), f"{comm['district'].iat[c]}第{c + 1}社区")
        used.add(pick)
        names.append(pick)
    return names


def _residents(feats: gpd.GeoDataFrame, comm: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residential buildings (three stated rules) with estimated households and special groups."""
    polys = feats[feats.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    bld = polys[polys["building"].notna()].copy()
    pos = bld.geometry.representative_point().to_numpy()

    def inside(mask: pd.Series) -> np.ndarray:
        areas = polys.geometry.to_numpy()[mask.to_numpy()]
        hit = np.zeros(len(bld), dtype=bool)
        hit[shapely.STRtree(areas).query(pos, predicate="within")[0]] = True
        return hit

    in_res = inside(polys["landuse"] == "residential")
    in_nonres = inside(polys["landuse"].isin(NON_RESIDENTIAL_LANDUSE) | polys["amenity"].notna()
                       | polys["leisure"].notna())
    tagged = np.zeros(len(bld), dtype=bool)
    for col in NON_RESIDENTIAL_TAGS:
        if col in bld:
            tagged |= bld[col].notna().to_numpy()
    footprint = bld.geometry.area.round(2).to_numpy()
    kind = bld["building"].to_numpy()
    rule1 = np.isin(kind, RESIDENTIAL_TYPES)
    rule2 = (kind == "yes") & in_res & ~tagged
    rule3 = ((kind == "yes") & ~in_res & ~in_nonres & ~tagged & bld["name"].isna().to_numpy()
             & (footprint >= MIN_FOOTPRINT_RULE3_M2))
    rule = np.select([rule1, rule2, rule3], ["building_type", "residential_landuse", "plain_building"], "")
    osm_levels = pd.to_numeric(bld.get("building:levels"), errors="coerce").to_numpy()
    res = gpd.GeoDataFrame({
        "building_id": bld["osm_id"].to_numpy(),
        "name": bld["name"].to_numpy(),
        "building": kind,
        "rule": rule,
        "levels": np.where(np.isnan(osm_levels), DEFAULT_LEVELS, np.floor(osm_levels)).astype(np.int64),
        "levels_source": np.where(np.isnan(osm_levels), "default", "osm"),
        "footprint_m2": footprint,
        "geometry": bld.geometry.to_numpy(),
    }, crs=bld.crs)[rule != ""]
    pos = gpd.GeoDataFrame(res[["building_id"]], geometry=res.geometry.representative_point(), crs=res.crs)
    joined = pos.sjoin(comm[["area_id", "geometry"]], predicate="within").sort_values(["building_id", "area_id"])
    area_id = joined.groupby(level=0)["area_id"].first()
    res = res.loc[area_id.index].assign(area_id=area_id)  # buildings outside the study area drop out
    res["households"] = np.floor(res["footprint_m2"] * res["levels"] / FLOOR_AREA_PER_HOUSEHOLD_M2).astype(np.int64)
    res["population"] = np.round(res["households"] * HOUSEHOLD_SIZE).astype(np.int64)
    rng = np.random.default_rng(SEED)
    for col, p in RATES.items():
        res[col] = rng.binomial(res["households"].to_numpy(), p).astype(np.int64)
    cols = ["building_id", "name", "building", "rule", "levels", "levels_source", "footprint_m2", "households",
            "population", *RATES, "area_id", "geometry"]
    return res[cols].reset_index(drop=True)


def _centers(feats: gpd.GeoDataFrame, comm: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """党群服务中心/站 placed at the real OSM public buildings listed in ``CENTER_SITES``."""
    by_id = feats.set_index("osm_id")
    rows = []
    for k, (osm_id, tag, kind, services, capacity) in enumerate(CENTER_SITES, start=1):
        feat = by_id.loc[osm_id]
        rows.append({"center_id": f"C{k:02d}", "kind": kind, "osm_source": f"{osm_id} {tag} {feat['name']}",
                     "services": services, "capacity": capacity, "geometry": feat.geometry.representative_point()})
    cen = gpd.GeoDataFrame(rows, crs=feats.crs)
    cen = cen.sjoin(comm[["area_id", "name", "geometry"]], predicate="within").sort_values("center_id")
    cen["name"] = cen["name"] + cen["kind"]
    dup = cen["name"].duplicated(keep=False)
    cen.loc[dup, "name"] = cen.loc[dup, "name"] + cen.loc[dup, "center_id"].str[1:].map("（{}）".format)
    cols = ["center_id", "name", "kind", "osm_source", "services", "capacity", "area_id", "geometry"]
    return cen[cols].reset_index(drop=True)


def _stations(feats: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Police stations: amenity=police features within 50 m of each other form one station."""
    pol = feats[feats["amenity"] == "police"]
    pts = pol.geometry.representative_point().to_numpy()
    station = np.full(len(pol), -1)
    for k in range(len(pol)):  # a handful of features
        if station[k] < 0:
            station[(station < 0) & (shapely.distance(pts, pts[k]) <= 50.0)] = station.max() + 1
    rows = []
    for s in range(station.max() + 1):
        ids = pol["osm_id"].to_numpy()[station == s]
        named = [i for i in ids if i in STATION_NAMES]
        ref = named[0] if named else ids[0]
        rows.append({"name": STATION_NAMES.get(ref, f"派出所{s + 1}"), "osm_ids": ";".join(ids),
                     "geometry": pts[station == s][list(ids).index(ref)]})
    return gpd.GeoDataFrame(rows, crs=feats.crs)


def _label_by(points: np.ndarray, polys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Value of the polygon containing each point (None where none does; first polygon on ties)."""
    pi, qi = shapely.STRtree(polys).query(points, predicate="within")
    first = pd.DataFrame({"p": pi, "q": qi}).sort_values(["p", "q"]).drop_duplicates("p")
    out = np.full(len(points), None, dtype=object)
    out[first["p"].to_numpy()] = np.asarray(values)[first["q"].to_numpy()]
    return out


def _internal_borders(polys: np.ndarray, extend: float = 5.0) -> np.ndarray:
    """The lines between adjacent districts, each end pushed ``extend`` m outwards.

    The districts' outer edges lie on the bbox in EPSG:4326, which is up to ~0.1 m off the
    projected bbox: their own outer edges would leave slivers, and borders ending short of the
    frame would not split it. Extended internal borders, clipped by the frame, do neither.
    """
    i, j = np.triu_indices(len(polys), k=1)
    shared = shapely.intersection(shapely.boundary(polys[i]), shapely.boundary(polys[j]))
    parts = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.get_parts(shared)[
        shapely.get_type_id(shapely.get_parts(shared)) == 1])))
    out = []
    for line in parts:  # two or three border lines
        c = shapely.get_coordinates(line)
        head = c[0] + (c[0] - c[1]) / np.hypot(*(c[0] - c[1])) * extend
        tail = c[-1] + (c[-1] - c[-2]) / np.hypot(*(c[-1] - c[-2])) * extend
        out.append(shapely.linestrings(np.vstack([head, c, tail])))
    return np.array(out, dtype=object)


def _blind_spots(zone_geoms: list[np.ndarray], polys: gpd.GeoDataFrame, hh_pts: np.ndarray, hh: np.ndarray,
                 districts_m: gpd.GeoDataFrame, frame: shapely.Polygon) -> gpd.GeoDataFrame:
    """The 盲区 cut out of all three layers: a new compound and a strip along a district border.

    1. 新建小区 (grids predate it): among the OSM ``landuse=residential`` polygons lying inside the
       study area, holding ``BLIND_COMPOUND_HH`` households (buildings by point on surface), wholly
       covered by each layer today (≥ 99.9 %) and whose removal leaves every zone of every layer
       ≥ 50 m², the one with the most households (ties: lowest osm_id).
    2. 两不管 strip: a ``width`` m strip on the side district's side of its border with the other
       district, along the ``stretch`` m of that border (stretches start every ``step`` m from the
       end at the third district) holding the most households (ties: nearest that end).

    Returns a GeoDataFrame (metric CRS) with ``kind``, ``osm_id``, ``households``, ``area_m2``.
    """
    unions = [shapely.union_all(g) for g in zone_geoms]
    land = polys[(polys["landuse"] == "residential") & polys.within(frame)]
    lg = land.geometry.to_numpy()
    pi, qi = shapely.STRtree(lg).query(hh_pts, predicate="within")
    land_hh = np.bincount(qi, weights=hh[pi], minlength=len(lg)).astype(np.int64)
    lo, hi = BLIND_COMPOUND_HH
    order = sorted(np.flatnonzero((land_hh >= lo) & (land_hh <= hi)),
                   key=lambda k: (-land_hh[k], land["osm_id"].iat[k]))
    compound = next(k for k in order
                    if all(shapely.intersection(u, lg[k]).area >= 0.999 * lg[k].area for u in unions)
                    and dz.keeps_every_zone(zone_geoms, lg[k]))
    side, other, third, width, stretch, step = BLIND_STRIP
    dist = districts_m.set_index("name").geometry
    border = shapely.line_merge(shapely.intersection(dist[side].boundary, dist[other].boundary))
    if border.geom_type == "MultiLineString":  # keep the longest piece
        border = max(border.geoms, key=lambda g: g.length)
    if dist[third].distance(shapely.Point(border.coords[-1])) < dist[third].distance(shapely.Point(border.coords[0])):
        border = shapely.reverse(border)
    strip, start = dz.border_strip(border, shapely.intersection(dist[side], frame), width, stretch, step, hh_pts, hh)
    if not dz.keeps_every_zone(zone_geoms, strip):
        raise GridmapError("err___init___border_strip_would_empty_zone")
    geoms = [lg[compound], strip]
    return gpd.GeoDataFrame({
        "kind": ["新建小区 (grids predate it)",
                 f"{side}/{other} border strip, {width:.0f} m on the {side} side, "
                 f"{start:.0f}–{start + stretch:.0f} m from the {third} end"],
        "osm_id": [land["osm_id"].iat[compound], ""],
        "households": [int(hh[shapely.within(hh_pts, g)].sum()) for g in geoms],
        "area_m2": [round(g.area) for g in geoms],
    }, geometry=geoms, crs=polys.crs)


def _zones(fine: gpd.GeoDataFrame, residents: gpd.GeoDataFrame, feats: gpd.GeoDataFrame,
           frame: shapely.Polygon, districts_m: gpd.GeoDataFrame) -> tuple[dict[str, gpd.GeoDataFrame], pd.DataFrame]:
    """The three zone layers, each with its deliberate gaps and overlaps (see ``data/README.md``).

    Returns (layer name → zones in the metric CRS, table of the deliberate gaps).
    """
    crs = fine.crs
    polys = feats[feats.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    area = polys.geometry.area
    # 党建网格 --------------------------------------------------------------------------------
    parks = polys[(polys["leisure"] == "park") & (area >= PARK_GAP_MIN_M2)]
    hh_pts = residents.geometry.representative_point().to_numpy()
    fine_hh = dz.sum_at(fine.geometry.to_numpy(), hh_pts, residents["households"].to_numpy())
    largest_empty = fine.geometry.area[fine_hh == 0].idxmax()
    party_gaps = np.concatenate([parks.geometry.to_numpy(), [fine.geometry[largest_empty]]])
    party = dz.party_zones(fine, hh_pts, residents["households"].to_numpy(), frame, party_gaps)
    party["seq"] = party.groupby("area_id").cumcount() + 1
    party_gdf = gpd.GeoDataFrame({
        "zone_id": [f"DJ{k:03d}" for k in range(1, len(party) + 1)],
        "name": party["community"] + "第" + party["seq"].astype(str) + "党建网格",
        "area_id": party["area_id"],
        "demo_note": np.where(party["overlap"], f"deliberate overlap: grown {dz.OVERLAP_BUFFER_M:.0f} m over "
                              "its neighbours", ""),
    }, geometry=party["geometry"].to_numpy(), crs=crs)
    # 综治网格 --------------------------------------------------------------------------------
    stations = _stations(feats)
    military = polys[polys["landuse"] == "military"].geometry.to_numpy()
    sec, unclaimed = dz.security_zones(fine.geometry.to_numpy(), stations.geometry.to_numpy(), frame, military)
    sec["seq"] = sec.groupby("station").cumcount() + 1
    st_name = stations["name"].to_numpy()[sec["station"].to_numpy()]
    sec_gdf = gpd.GeoDataFrame({
        "zone_id": [f"ZZ{k:03d}" for k in range(1, len(sec) + 1)],
        "name": st_name + "第" + sec["seq"].astype(str).to_numpy() + "警务区",
        "station": st_name,
        "station_osm_ids": stations["osm_ids"].to_numpy()[sec["station"].to_numpy()],
        "demo_note": np.where(sec["overlap"], f"deliberate overlap: grown {dz.OVERLAP_BUFFER_M:.0f} m across "
                              "the station border", ""),
    }, geometry=sec["geometry"].to_numpy(), crs=crs)
    # 城管万米单元网格 ------------------------------------------------------------------------
    campus = polys[(polys["amenity"].isin(["school", "university"])
                    | polys["leisure"].isin(["stadium", "sports_centre"])) & (area >= CAMPUS_GAP_MIN_M2)]
    urb = dz.urban_zones(fine, frame, campus.geometry.to_numpy(), overlap_district="鼓楼区")
    urb_gdf = gpd.GeoDataFrame({
        "zone_id": [f"CG{k:04d}" for k in range(1, len(urb) + 1)],
        "name": urb["district"] + "万米单元" + pd.Series(np.arange(1, len(urb) + 1)).map("{:04d}".format),
        "district": urb["district"],
        "demo_note": np.where(urb["overlap"], f"deliberate overlap: grown {dz.OVERLAP_BUFFER_M:.0f} m across "
                              "the district border", ""),
    }, geometry=urb["geometry"].to_numpy(), crs=crs)
    # 盲区: cut out of all three layers alike (no zone is lost: each keeps ≥ 50 m²) ----------------
    zones = {"zones_party": party_gdf, "zones_security": sec_gdf, "zones_urban": urb_gdf}
    blind = _blind_spots([z.geometry.to_numpy() for z in zones.values()], polys, hh_pts,
                         residents["households"].to_numpy(), districts_m, frame)
    holes = shapely.union_all(blind.geometry.to_numpy())
    for z in zones.values():
        z.geometry = gpd.GeoSeries(dz.cut_out(z.geometry.to_numpy(), holes), index=z.index, crs=crs)
    gap_rows = [("zones_party", "leisure=park ≥ 1 ha", parks),
                ("zones_party", "largest street block without residents", fine.loc[[largest_empty]]),
                ("zones_security", "landuse=military", polys[polys["landuse"] == "military"]),
                ("zones_security", "largest block on the station border (unclaimed)",
                 gpd.GeoDataFrame(geometry=[unclaimed], crs=crs)),
                ("zones_urban", "school/university/stadium/sports_centre ≥ 1.5 ha", campus),
                *[("all three (盲区)", f"{r.kind}, {r.households} households", blind.iloc[[k]])
                  for k, r in enumerate(blind.itertuples())]]
    gaps = pd.DataFrame([{
        "layer": layer, "rule": rule, "osm_id": row.get("osm_id", ""), "name": row.get("name", ""),
        "area_in_study_m2": round(row.geometry.intersection(frame).area),
    } for layer, rule, frame_rows in gap_rows for _, row in frame_rows.iterrows()])
    return zones, gaps


def _to_output(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """EPSG:4326 with coordinates rounded to 7 decimals (shared vertices stay shared).

    Rounding can leave a near-degenerate polygon invalid in EPSG:4326 or once projected back to the
    metric CRS; those few rows are repaired in the metric CRS (make_valid, 5 cm precision grid) and
    rounded again, so every polygon is valid in both CRSs.
    """
    def rounded(g: gpd.GeoSeries) -> np.ndarray:
        return shapely.transform(g.to_crs(4326).to_numpy(), lambda c: np.round(c, COORD_DECIMALS))

    metric = gdf.geometry.copy()
    geoms = rounded(metric)
    if gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        for _ in range(5):
            back = gpd.GeoSeries(geoms, crs=4326).to_crs(metric.crs).to_numpy()
            bad = ~(shapely.is_valid(geoms) & shapely.is_valid(back))
            if not bad.any():
                break
            fixed = shapely.set_precision(dz.polygonal(metric.to_numpy()[bad]), 0.05)
            metric.iloc[np.flatnonzero(bad)] = dz.polygonal(fixed)
            geoms[bad] = rounded(metric.iloc[np.flatnonzero(bad)])
    out = gdf.drop(columns=gdf.geometry.name).assign(geometry=geoms)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326).reset_index(drop=True)


def build_demo(osm_path: Path = DEMO_OSM, districts_path: Path = DEMO_DISTRICTS,
               out_path: Path | None = DEMO_GPKG) -> dict[str, gpd.GeoDataFrame]:
    """Derive the demo layers from the OSM extract and write them to a GeoPackage.

    Parameters
    ----------
    osm_path : OSM XML extract (read offline by osmnx).
    districts_path : the districts clipped to the extract's bbox (GeoJSON).
    out_path : GeoPackage to (over)write; ``None`` builds without writing.

    Returns
    -------
    dict layer name → GeoDataFrame (EPSG:4326), keys and order as ``DEMO_LAYERS``. Deterministic.
    """
    layers, _ = _build(Path(osm_path), Path(districts_path))
    if out_path is not None:
        write_demo(layers, out_path)
    return layers


def _build(osm_path: Path, districts_path: Path) -> tuple[dict[str, gpd.GeoDataFrame], pd.DataFrame]:
    """Build the layers (EPSG:4326) and the table of deliberate gaps; see :func:`build_demo`."""
    districts = gpd.read_file(districts_path, engine="pyogrio").sort_values("osm_relation_id")
    crs = working_crs(districts)
    districts_m = districts.to_crs(crs).reset_index(drop=True)
    feats = _read_osm(osm_path).to_crs(crs)
    frame = gpd.GeoSeries([shapely.box(*BBOX)], crs=4326).to_crs(crs).iloc[0]

    lines = feats[feats.geometry.geom_type.isin(["LineString", "MultiLineString"]) & feats["highway"].notna()]
    major = lines[lines["highway"].isin(MAJOR_HIGHWAYS)].geometry.to_numpy()
    minor = lines[lines["highway"].isin(MINOR_HIGHWAYS)].geometry.to_numpy()
    borders = _internal_borders(districts_m.geometry.to_numpy())
    dnames = districts_m["name"].to_numpy()
    fine_geoms = dz.polygonize_faces(np.concatenate([major, minor, borders]), frame)
    fine = gpd.GeoDataFrame({"district": _label_by(shapely.point_on_surface(fine_geoms),
                                                   districts_m.geometry.to_numpy(), dnames)},
                            geometry=fine_geoms, crs=crs)

    comm, fine_area = _communities(fine, lines)
    fine["area_id"] = fine_area
    fine["community"] = fine["area_id"].map(dict(zip(comm["area_id"], comm["name"], strict=True)))
    residents = _residents(feats, comm)
    centers = _centers(feats, comm)
    zones, gaps = _zones(fine, residents, feats, frame, districts_m)
    districts_out = districts_m.assign(county_code=districts_m["name"].map(COUNTY_CODES),
                                       note="OpenStreetMap boundary, reference only (非官方界线)")
    districts_out = districts_out[["name", "name_en", "osm_relation_id", "county_code", "note", "geometry"]]
    layers = {"study_area": comm, "residents": residents, "centers": centers,
              **{k: zones[k] for k in ZONE_LAYERS.values()},
              "districts": districts_out.sort_values("county_code")}
    return {name: _to_output(layers[name]) for name in DEMO_LAYERS}, gaps


def write_demo(layers: dict[str, gpd.GeoDataFrame], path: Path = DEMO_GPKG) -> Path:
    """Write the layers to a fresh GeoPackage (the file is replaced whole), with pyogrio."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, gdf in layers.items():
        gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    tmp.replace(path)
    return path


def load_demo(path: Path = DEMO_GPKG) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of the demo GeoPackage; keys are the layer names (see ``DEMO_LAYERS``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(Message("err___init___not_found_rebuild_with_python", path=path))
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    return {n: gpd.read_file(path, layer=n, engine="pyogrio") for n in names}


def demo_zone_layers(demo: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """The zone layers under their canonical keys: ``party``, ``security``, ``urban``."""
    return {key: demo[layer] for key, layer in ZONE_LAYERS.items()}


def summary(layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Per-layer counts and totals (areas measured in the metric CRS)."""
    study = layers["study_area"]
    crs = working_crs(study)
    study_m = study.to_crs(crs).geometry
    total = shapely.union_all(study_m.to_numpy())
    rows = []
    for name, gdf in layers.items():
        row: dict[str, object] = {"layer": name, "rows": len(gdf)}
        if name.startswith("zones_"):
            g = gdf.to_crs(crs).geometry.to_numpy()
            row["covered_share"] = round(shapely.intersection(shapely.union_all(g), total).area / total.area, 4)
            row["overlap_m2"] = round(float(shapely.area(g).sum() - shapely.union_all(g).area), 1)
        if name == "residents":
            for col in ("households", "population", *RATES):
                row[col] = int(gdf[col].sum())
        if name == "study_area":
            row["area_km2"] = round(total.area / 1e6, 4)
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    """Rebuild ``data/demo.gpkg`` from the OSM extract and print what it holds (``python -m gridmap.demo``)."""
    t0 = time.perf_counter()
    built, gap_table = _build(DEMO_OSM, DEMO_DISTRICTS)
    write_demo(built, DEMO_GPKG)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summary(built).to_string(index=False))
        print("\ndeliberate gaps:")
        print(gap_table.to_string(index=False))
    print(f"wrote {DEMO_GPKG} in {time.perf_counter() - t0:.1f} s")
