"""The coverage map: how many systems cover each place, 盲区 in a strong colour, 多头 highlighted.

Presentation floor: builds a folium map from a mosaic and its coverage report, for the app and
for the standalone ``coverage.html`` the CLI writes (no tiles, no CDN: see :mod:`gridmap.maps`).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from gridmap.coverage import CoverageReport
from gridmap.maps import add_layer, base_map, vector_basemap
from gridmap.mosaic import layer_columns

__all__ = ["COVERAGE_COLORS", "coverage_map", "MAX_MAP_FACES"]

#: Beyond this many faces in the study area, each coverage class (0, 1, 2, 3+ systems) is drawn as
#: its dissolved parts rather than face by face: 100,000 faces make a 60 MB page that no browser
#: draws; the faces themselves stay in faces.geojson.
MAX_MAP_FACES = 20_000

#: Fill colour by number of systems covering a place: 0 = 盲区 (strong red) … 3+ (deep green).
COVERAGE_COLORS = {0: "#d7191c", 1: "#fdae61", 2: "#a6d96a", 3: "#1a9641"}

_LABELS = {
    "zh": {"n": "覆盖系统数", "gaps": "盲区（无任何网格覆盖）", "overlaps": "多头（同一系统多个网格）",
           "outside": "越界（超出辖区）", "edges": "待修边界（缝隙/重叠）", "area": "面积(m²)", "hh": "户数",
           "pop": "人口", "ids": "网格", "layer": "系统", "systems": "{n} 个系统覆盖", "study": "辖区（社区）"},
    "en": {"n": "systems covering", "gaps": "Blind spots (no grid covers)", "overlaps": "Overlaps (same system)",
           "outside": "Outside the study area", "edges": "Edges to fix (gaps/slivers)", "area": "area (m²)",
           "hh": "households", "pop": "population", "ids": "zones", "layer": "system",
           "systems": "covered by {n} systems", "study": "Study area (communities)"},
}


def _present(gdf: gpd.GeoDataFrame, columns: list[str]) -> list[str]:
    return [c for c in columns if c in gdf.columns]


def _dissolved(faces: gpd.GeoDataFrame, n_label: str) -> gpd.GeoDataFrame:
    """The connected parts of a set of faces (coverage union), with area and households per part."""
    geoms = faces.geometry.to_numpy()
    try:
        union = shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:  # faces of ~1e-9 m² GEOS's coverage union misreads
        union = shapely.union_all(geoms)
    parts = shapely.get_parts(union)
    out = gpd.GeoDataFrame({"n_layers": n_label, "area_m2": np.round(shapely.area(parts), 1)}, geometry=parts,
                           crs=faces.crs)
    if "households" in faces.columns and len(parts):
        face_idx, part_idx = shapely.STRtree(parts).query(shapely.point_on_surface(geoms), predicate="within")
        face_idx, first = np.unique(face_idx, return_index=True)
        weights = faces["households"].to_numpy(dtype=float)[face_idx]
        out["households"] = np.bincount(part_idx[first], weights=weights, minlength=len(parts)).astype(np.int64)
    return out


def coverage_map(
    faces: gpd.GeoDataFrame,
    report: CoverageReport,
    study_area: gpd.GeoDataFrame | None = None,
    *,
    streets: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    lang: str = "zh",
    tiles_url: str | None = None,
) -> folium.Map:
    """A layered map of a coverage analysis: faces by number of systems, gaps, overlaps, edges.

    Parameters
    ----------
    faces : mosaic faces (:func:`gridmap.mosaic.build_mosaic`); with more than
        :data:`MAX_MAP_FACES` in the study area, each coverage class is drawn dissolved.
    report : :func:`gridmap.coverage.coverage_report` of those faces (parts flagged
        ``is_sliver`` are left off the map; they stay in the files).
    study_area : community outlines drawn on top (optional).
    streets, buildings : vector basemap (optional; no tiles are needed).
    lang : ``"zh"`` or ``"en"`` for layer names and tooltips.
    """
    text = _LABELS["en" if lang == "en" else "zh"]
    inside = faces[faces["in_study_area"]] if "in_study_area" in faces else faces
    m = base_map(inside if len(inside) else faces, tiles_url)
    if streets is not None or buildings is not None:
        vector_basemap(m, streets, buildings)
    layer_names = [c[: -len("_count")] for c in faces.columns if c.endswith("_count")]
    id_columns = [layer_columns(name)[0] for name in layer_names]
    tooltip = _present(faces, ["n_layers", *id_columns, "households", "area_m2"])
    dissolve = len(inside) > MAX_MAP_FACES
    for n, color in COVERAGE_COLORS.items():
        sel = inside[inside["n_layers"] >= n] if n == max(COVERAGE_COLORS) else inside[inside["n_layers"] == n]
        if sel.empty:
            continue
        n_label = f"{n}+" if n == max(COVERAGE_COLORS) else str(n)
        label = text["systems"].format(n=n_label)
        if dissolve:
            parts = _dissolved(sel, n_label)
            add_layer(m, parts, label, color, _present(parts, ["n_layers", "households", "area_m2"]),
                      fill_opacity=0.55, weight=0.3 if n else 1.0)
            continue
        add_layer(m, sel.assign(area_m2=sel["area_m2"].round(1)), label, color, tooltip, fill_opacity=0.55,
                  weight=0.3 if n else 1.0)
    gaps = report.gaps[~report.gaps["is_sliver"]]
    overlaps = report.overlaps[~report.overlaps["is_sliver"]]
    outside = report.outside[~report.outside["is_sliver"]]
    if not gaps.empty:
        add_layer(m, gaps.assign(area_m2=gaps["area_m2"].round(1)), text["gaps"], COVERAGE_COLORS[0],
                  _present(gaps, ["gap_id", "area_id", "area_m2", "households", "population"]),
                  fill_opacity=0.8, weight=3)
    if not overlaps.empty:
        add_layer(m, overlaps.assign(area_m2=overlaps["area_m2"].round(1)), text["overlaps"],
                  "#7b3294", _present(overlaps, ["layer", "zone_ids", "area_m2", "households"]),
                  fill_opacity=0.45, weight=1.5, dash_array="4 3")
    if not outside.empty:
        add_layer(m, outside, text["outside"], "#404040",
                  _present(outside, ["layer", "zone_id", "outside_m2"]), fill_opacity=0.3, show=False)
    if not report.invalid_edges.empty:
        add_layer(m, report.invalid_edges, text["edges"], "#e7298a", ["layer", "zone_id", "length_m"], weight=3,
                  show=False)
    if study_area is not None:
        add_layer(m, study_area, text["study"], "#2c7bb6", _present(study_area, ["area_id", "name"]),
                  fill_opacity=0.0, weight=2)
    return m
