"""The coverage map: how many systems cover each place, 盲区 in a strong colour, 多头 highlighted.

Presentation floor: builds a folium map from a mosaic and its coverage report — the standalone
``coverage.html`` of ``gridmap coverage``, the app's 覆盖 page and its export, and the base of the
HTML report (no tiles, no CDN: see :mod:`gridmap.present.maps`; faces differ only in their
:class:`~gridmap.present.drawing.MapSetup`). Labels come from :mod:`gridmap.present.map_labels`.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

from gridmap.analysis.coverage import CoverageReport
from gridmap.analysis.mosaic import layer_columns
from gridmap.present.drawing import MapSetup, draw, new_map
from gridmap.present.map_labels import layer_label, text

__all__ = ["COVERAGE_COLORS", "OVERLAP_COLOR", "HEX_CLASSES", "MAX_MAP_FACES", "coverage_map"]

#: Beyond this many faces in the study area, each coverage class (0, 1, 2, 3+ systems) is drawn as
#: its dissolved parts rather than face by face: 100,000 faces make a 60 MB page that no browser
#: draws; the faces themselves stay in faces.geojson.
MAX_MAP_FACES = 20_000

#: Fill colour by number of systems covering a place: 0 = 盲区 (strong red) … 3+ (deep green).
COVERAGE_COLORS = {0: "#d7191c", 1: "#fdae61", 2: "#a6d96a", 3: "#1a9641"}
OVERLAP_COLOR = "#7b3294"
#: Hexagon colour by uncovered households: (low, high inclusive or None, colour).
HEX_CLASSES = ((0, 0, "#c7e9c0"), (1, 20, "#fdae61"), (21, 100, "#f46d43"), (101, None, "#a50026"))


def _rounded(gdf: gpd.GeoDataFrame, column: str, decimals: int = 1) -> gpd.GeoDataFrame:
    """``column`` rounded for the tooltip (an empty layer as it is: it is not drawn)."""
    return gdf.assign(**{column: gdf[column].astype(float).round(decimals)}) if len(gdf) else gdf


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
    lang: str = "zh",
    setup: MapSetup = MapSetup(),
    hexes: gpd.GeoDataFrame | None = None,
    with_edges: bool = True,
    m: folium.Map | None = None,
) -> folium.Map:
    """A layered map of a coverage analysis: faces by number of systems, gaps, overlaps, edges.

    Parameters
    ----------
    faces : mosaic faces (:func:`gridmap.analysis.mosaic.build_mosaic`; a lightened copy for the
        browser is fine); with more than :data:`MAX_MAP_FACES` in the study area, each coverage
        class is drawn dissolved.
    report : :func:`gridmap.analysis.coverage.coverage_report` of those faces (parts flagged
        ``is_sliver`` are left off the map; they stay in the files).
    study_area : community outlines drawn on top (optional); the map fits them when given.
    lang : ``"zh"`` or ``"en"`` for layer names and tooltips.
    setup : tiles, vector basemap and display coordinates (:class:`~gridmap.present.drawing.MapSetup`).
    hexes : hexagons with ``uncovered_households`` (:func:`gridmap.present.views.hex_bins`): drawn
        by :data:`HEX_CLASSES` instead of the faces (household-weighted heat).
    with_edges : add the edges to fix between neighbouring zones (off when the map opens).
    m : draw on this map instead of a new one.
    """
    inside = faces[faces["in_study_area"]] if "in_study_area" in faces else faces
    if m is None:
        bounds = study_area if study_area is not None and len(study_area) else (inside if len(inside) else faces)
        m = new_map(bounds, setup, lang)
    layer_names = [c[: -len("_count")] for c in faces.columns if c.endswith("_count")]
    id_labels = {layer_columns(name)[0]: layer_label(f"zones_{name}", lang) for name in layer_names}
    style: dict[str, Any] = {"setup": setup, "lang": lang}
    if hexes is not None:
        u = hexes["uncovered_households"]
        for lo, hi, colour in HEX_CLASSES:
            sel = hexes[(u >= lo) & ((u <= hi) if hi is not None else True)]
            name = (text("hex_class_zero", lang) if lo == hi == 0 else text("hex_class", lang, lo=lo, hi=hi)
                    if hi is not None else text("hex_class_top", lang, lo=lo))
            draw(m, sel, name, colour, ["households", "uncovered_households", "features"],
                 fill_opacity=0.6 if lo else 0.25, weight=0.8, **style)
    else:
        top = max(COVERAGE_COLORS)
        dissolve = len(inside) > MAX_MAP_FACES
        for n, colour in COVERAGE_COLORS.items():
            sel = inside[inside["n_layers"] >= n] if n == top else inside[inside["n_layers"] == n]
            name = text("systems_0", lang) if n == 0 else text("systems_n", lang, n=f"{n}+" if n == top else n)
            if dissolve:
                if len(sel):
                    parts = _dissolved(sel, f"{n}+" if n == top else str(n))
                    draw(m, parts, name, colour, [c for c in ("n_layers", "households", "area_m2") if c in parts],
                         fill_opacity=0.55, weight=0.3 if n else 1.0, **style)
                continue
            draw(m, _rounded(sel, "area_m2"), name, colour,
                 ["n_layers", *id_labels, "households", "area_m2"], labels=id_labels, fill_opacity=0.55,
                 weight=0.3 if n else 1.0, **style)
    gaps = report.gaps[~report.gaps["is_sliver"]]
    draw(m, _rounded(gaps, "area_m2"), text("layer_gaps", lang), COVERAGE_COLORS[0],
         ["gap_id", "area_id", "area_m2", "households", "population"], fill_opacity=0.8, weight=3, **style)
    overlaps = report.overlaps[~report.overlaps["is_sliver"]]
    overlap_layer = overlaps["layer"].map(lambda n: layer_label(f"zones_{n}", lang))
    draw(m, _rounded(overlaps, "area_m2").assign(layer=overlap_layer),
         text("layer_overlaps", lang), OVERLAP_COLOR, ["layer", "zone_ids", "area_m2", "households"],
         fill_opacity=0.45, weight=1.5, dash_array="4 3", **style)
    outside = report.outside[~report.outside["is_sliver"]]
    draw(m, _rounded(outside, "outside_m2"), text("layer_outside", lang), "#404040",
         ["layer", "zone_id", "outside_m2"], fill_opacity=0.3, show=False, **style)
    if with_edges:  # diagnostics for the GIS staff: in files and exported maps, not on the app's page
        draw(m, _rounded(report.invalid_edges, "length_m"), text("layer_edges", lang), "#e7298a",
             ["layer", "zone_id", "length_m"], weight=3, show=False, **style)
    if study_area is not None:
        draw(m, study_area, layer_label("study_area", lang), "#2c7bb6", ["area_id", "name"], fill_opacity=0.0,
             weight=2, **style)
    return m
