"""gridmap — plan unified grassroots governance grids (多网合一) from overlapping zone layers.

A flat public API in the manner of osmnx: read and validate layers, choose metric CRSs, convert
web-map coordinates, write GeoJSON (RFC 7946), GeoPackage and zipped Shapefile.
"""

from gridmap.crs import convert_coordinates, metric_crs, to_wgs84_from
from gridmap.io import (
    list_layers,
    load_layer,
    read_layer,
    write_geojson,
    write_gpkg,
    write_layer,
    write_shapefile_zip,
)
from gridmap.validate import LayerError, ValidationReport, validate_layer

__version__ = "0.1.0"

__all__ = [
    "LayerError",
    "ValidationReport",
    "convert_coordinates",
    "list_layers",
    "load_layer",
    "metric_crs",
    "read_layer",
    "to_wgs84_from",
    "validate_layer",
    "write_geojson",
    "write_gpkg",
    "write_layer",
    "write_shapefile_zip",
]
