"""Floor 2 — walking access on the street network (可达性) and siting (选址).

Holds :mod:`~gridmap.access.network` (the walking network from an OSM file, cached),
:mod:`~gridmap.access.snapping` (exact nearest-edge snapping), :mod:`~gridmap.access.routing` (the
routing kernel: snapping of centres and residents, one multi-source Dijkstra, read-off, bounded
pairs, the per-resident table — every walking distance is computed there),
:mod:`~gridmap.access.accessibility` (distances to the nearest centre, life circles, summaries, the
上门服务名单), :mod:`~gridmap.access.catchments` (catchments and isochrones) and the
:mod:`~gridmap.access.siting` family (where new centres help most: candidates, problem, solvers,
models, recommendations).

May import: :mod:`gridmap.io` and the kernel modules. Never plans, presentation or faces.
"""
