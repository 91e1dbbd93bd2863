"""Floor 1 — data in and out: reading, checking and writing layers; coordinate systems.

Holds :mod:`~gridmap.io.files` (GeoJSON, GeoPackage, Shapefile, zips; RFC 7946 writing;
partitions kept partitions), :mod:`~gridmap.io.tables` (CSV and Excel tables as point layers),
:mod:`~gridmap.io.encodings` (GBK and other DBF/CSV encodings checked against the bytes),
:mod:`~gridmap.io.columns` (column matching and the user's mapping), :mod:`~gridmap.io.inputs`
(per-input reading options), :mod:`~gridmap.io.validate` (the data-model checks and repairs),
:mod:`~gridmap.io.crs` with :mod:`~gridmap.io.transformers` and
:mod:`~gridmap.io.china_outline` (the metric CRS for a layer; GCJ-02 / BD-09 offsets),
:mod:`~gridmap.io.osm` (OSM XML: basemap, bz2, errors) and :mod:`~gridmap.io.background`
(work on a second core in a forked child).

May import: the kernel (:mod:`gridmap.errors`, :mod:`gridmap.defaults`, :mod:`gridmap.vocab`)
and third-party libraries only. Knows nothing of mosaics, grids, plans or maps.
"""
