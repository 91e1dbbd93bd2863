"""Floor 1 — data in and out: reading, checking and writing layers; coordinate systems.

Holds :mod:`~gridmap.io.files` (GeoJSON, GeoPackage, Shapefile, zips; RFC 7946 writing),
:mod:`~gridmap.io.validate` (the data-model checks and repairs, :class:`LayerError`) and
:mod:`~gridmap.io.crs` (the metric CRS for a layer; GCJ-02 / BD-09 offsets).

May import: the kernel modules (:mod:`gridmap.defaults`, :mod:`gridmap.i18n`) and third-party
libraries only. Knows nothing of mosaics, grids, plans or maps.
"""
