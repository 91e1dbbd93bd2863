"""gridmap — plan unified grassroots governance grids (多网合一) from overlapping zone layers.

A flat public API in the manner of osmnx: ``import gridmap as gm`` then ``gm.load_layer``,
``gm.build_mosaic``, ``gm.coverage_report``, ``gm.load_walk_network``, ``gm.compute_access`` …
Names are imported on first use (PEP 562), so ``import gridmap`` stays fast for the command line
and heavy dependencies such as osmnx load only when the network functions are used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name → module that defines it
_API: dict[str, str] = {
    # reading, checking, writing (floor 1)
    "list_layers": "gridmap.io",
    "read_layer": "gridmap.io",
    "load_layer": "gridmap.io",
    "read_table": "gridmap.tables",
    "InputOptions": "gridmap.inputs",
    "read_osm_basemap": "gridmap.io",
    "write_geojson": "gridmap.io",
    "write_gpkg": "gridmap.io",
    "write_layer": "gridmap.io",
    "write_shapefile_zip": "gridmap.io",
    "LayerError": "gridmap.validate",
    "GridmapError": "gridmap.errors",
    "ParameterError": "gridmap.errors",
    "GridCodeError": "gridmap.errors",
    "OutputError": "gridmap.errors",
    "ValidationReport": "gridmap.validate",
    "validate_layer": "gridmap.validate",
    "metric_crs": "gridmap.crs",
    "convert_coordinates": "gridmap.crs",
    "to_wgs84_from": "gridmap.crs",
    # the embedded demo
    "load_demo": "gridmap.demo",
    "demo_zone_layers": "gridmap.demo",
    # analysis (floor 2)
    "build_mosaic": "gridmap.mosaic",
    "coverage_report": "gridmap.coverage",
    "CoverageReport": "gridmap.coverage",
    "load_walk_network": "gridmap.network",
    "WalkNetwork": "gridmap.network",
    "snap_points": "gridmap.snapping",
    "compute_access": "gridmap.access",
    "summarize_access": "gridmap.access",
    "home_visit_list": "gridmap.access",
    "catchments": "gridmap.access",
    "isochrones": "gridmap.access",
    "recommend_sites": "gridmap.siting",
    # people on the grid
    "pair_residents": "gridmap.people.pairing",
    "demo_helpers": "gridmap.people.pairing",
    # unified grid and plans (floor 3)
    "make_units": "gridmap.units",
    "build_grids": "gridmap.grids",
    "Plan": "gridmap.plan",
    "save_plan": "gridmap.plan_io",
    "load_plan": "gridmap.plan_io",
    "compare_plans": "gridmap.plan_compare",
    # presentation (floor 4)
    "coverage_map": "gridmap.coverage_map",
    "save_standalone": "gridmap.maps",
    "prepare_notices": "gridmap.present.notice",
    "write_notices": "gridmap.present.notice",
    "notice_pdf_bytes": "gridmap.present.notice",
    "notice_png_bytes": "gridmap.present.notice",
    "osm_basemap": "gridmap.present.notice",
    "find_cjk_font": "gridmap.present.notice",
    "read_staff_table": "gridmap.present.notice_inputs",
    "read_micro_grids": "gridmap.present.notice_inputs",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'gridmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
