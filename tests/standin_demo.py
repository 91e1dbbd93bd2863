"""A small stand-in for ``gridmap.demo`` with the same contract, built from the real Nanjing files.

``load_demo()`` returns the seven demo layers (``study_area``, ``residents``, ``centers``,
``zones_party``, ``zones_security``, ``zones_urban``, ``districts``) and ``DEMO_OSM`` is the OSM XML
path. Layers are in EPSG:4549 (CGCS2000 3-degree GK, CM 120°E) except ``districts`` (EPSG:4326), so
the maps' reprojection is exercised. The app uses it when ``GRIDMAP_DEMO_MODULE=standin_demo``.
Households here are a crude footprint/80 m² estimate: test data, not the demo's method.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

DATA = Path(__file__).resolve().parent.parent / "gridmap" / "data" / "nanjing_xinjiekou"
DEMO_OSM = DATA / "nanjing_xinjiekou_osm_2021-06-12.osm"
DISTRICTS = DATA / "nanjing_xinjiekou_districts_clipped.geojson"
METRIC = "EPSG:4549"

#: Expected feature counts (tests compare the app's table with these).
EXPECTED_COUNTS = {
    "districts": 3,
    "study_area": 3,
    "zones_party": 6,
    "zones_security": 6,
    "zones_urban": 4,
    "centers": 6,
}


def _grid(area: shapely.Geometry, nx: int, ny: int, prefix: str) -> gpd.GeoDataFrame:
    minx, miny, maxx, maxy = area.bounds
    xs = np.linspace(minx, maxx, nx + 1)
    ys = np.linspace(maxy, miny, ny + 1)
    cells, ids = [], []
    for j in range(ny):
        for i in range(nx):
            cell = shapely.box(xs[i], ys[j + 1], xs[i + 1], ys[j]).intersection(area)
            if not cell.is_empty:
                cells.append(cell)
                ids.append(f"{prefix}{len(ids) + 1:02d}")
    return gpd.GeoDataFrame({"zone_id": ids, "name": [f"{prefix} 网格 {k[-2:]}" for k in ids]}, geometry=cells,
                            crs=METRIC)


def load_demo() -> dict[str, gpd.GeoDataFrame]:
    districts = gpd.read_file(DISTRICTS)[["name", "name_en", "geometry"]]
    study = districts.to_crs(METRIC).reset_index(drop=True)
    study.insert(0, "area_id", [f"32010{k}001" for k in range(1, len(study) + 1)])
    study = study[["area_id", "name", "geometry"]]
    whole = shapely.union_all(study.geometry.values)

    halves, ids = [], []
    for row in study.itertuples():
        minx, miny, maxx, maxy = row.geometry.bounds
        mid = (minx + maxx) / 2
        for side, box in (("W", shapely.box(minx, miny, mid, maxy)), ("E", shapely.box(mid, miny, maxx, maxy))):
            part = row.geometry.intersection(box)
            if not part.is_empty:
                halves.append(part)
                ids.append(f"P{row.area_id[-4:-3]}{side}")
    party = gpd.GeoDataFrame({"zone_id": ids, "name": [f"党建网格 {i}" for i in ids]}, geometry=halves, crs=METRIC)

    centers = gpd.GeoDataFrame(
        {
            "center_id": [f"C{k + 1}" for k in range(len(party))],
            "name": [f"党群服务中心 {k + 1}" for k in range(len(party))],
            "kind": "党群服务中心",
        },
        geometry=party.geometry.representative_point().values,
        crs=METRIC,
    )

    b = pyogrio.read_dataframe(DEMO_OSM, layer="multipolygons", where="building IS NOT NULL", columns=["osm_way_id"])
    b = b.to_crs(METRIC)
    b = b[b.geometry.representative_point().within(whole)].reset_index(drop=True)
    households = np.maximum(1, (b.geometry.area / 80.0).round().astype(int))
    residents = gpd.GeoDataFrame(
        {"households": households, "population": (households * 2.62).round().astype(int)},
        geometry=b.geometry.values,
        crs=METRIC,
    )

    return {
        "study_area": study,
        "residents": residents,
        "centers": centers,
        "zones_party": party,
        "zones_security": _grid(whole, 3, 2, "S"),
        "zones_urban": _grid(whole, 2, 2, "U"),
        "districts": districts,
    }
