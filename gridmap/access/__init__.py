"""Floor 2 — walking access on the street network (可达性) and siting (选址).

Holds :mod:`~gridmap.access.network` (the walking network from an OSM file, cached),
:mod:`~gridmap.access.snapping` (exact nearest-edge snapping), :mod:`~gridmap.access.accessibility`
(distances to the nearest centre, life circles, catchments, isochrones) and
:mod:`~gridmap.access.siting` (where new centres help most).

May import: :mod:`gridmap.io` and the kernel modules. Never plans, presentation or faces.
"""
