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
    "list_layers": "gridmap.io.files",
    "read_layer": "gridmap.io.files",
    "load_layer": "gridmap.io.files",
    "read_table": "gridmap.io.tables",
    "InputOptions": "gridmap.io.inputs",
    "read_osm_basemap": "gridmap.io.osm",
    "write_geojson": "gridmap.io.files",
    "write_gpkg": "gridmap.io.files",
    "write_layer": "gridmap.io.files",
    "write_shapefile_zip": "gridmap.io.files",
    "LayerError": "gridmap.io.validate",
    "GridmapError": "gridmap.errors",
    "ParameterError": "gridmap.errors",
    "GridCodeError": "gridmap.errors",
    "OutputError": "gridmap.errors",
    "ValidationReport": "gridmap.io.validate",
    "validate_layer": "gridmap.io.validate",
    "metric_crs": "gridmap.io.crs",
    "convert_coordinates": "gridmap.io.crs",
    "to_wgs84_from": "gridmap.io.crs",
    # the embedded demo
    "load_demo": "gridmap.demo",
    "demo_zone_layers": "gridmap.demo",
    # analysis (floor 2)
    "build_mosaic": "gridmap.analysis.mosaic",
    "coverage_report": "gridmap.analysis.coverage",
    "CoverageReport": "gridmap.analysis.coverage",
    "load_walk_network": "gridmap.access.network",
    "WalkNetwork": "gridmap.access.network",
    "snap_points": "gridmap.access.snapping",
    "compute_access": "gridmap.access.accessibility",
    "summarize_access": "gridmap.access.accessibility",
    "home_visit_list": "gridmap.access.accessibility",
    "catchments": "gridmap.access.catchments",
    "isochrones": "gridmap.access.catchments",
    "recommend_sites": "gridmap.access.siting",
    # people on the grid
    "pair_residents": "gridmap.people.pairing",
    "demo_helpers": "gridmap.people.pairing",
    # unified grid and plans (floor 3)
    "make_units": "gridmap.plans.units",
    "build_grids": "gridmap.plans.grids",
    "Plan": "gridmap.plans.plan",
    "save_plan": "gridmap.plans.store",
    "load_plan": "gridmap.plans.store",
    "compare_plans": "gridmap.plans.compare",
    # presentation (floor 4)
    "coverage_map": "gridmap.present.coverage_map",
    "access_map": "gridmap.present.access_map",
    "siting_map": "gridmap.present.siting_map",
    "plan_map": "gridmap.present.plan_map",
    "save_standalone": "gridmap.present.maps",
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
        # contract: valid use never gets here; English on purpose (not a user's message)
        raise AttributeError(f"module 'gridmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
