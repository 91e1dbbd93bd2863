"""Floor 4 — city and province scale: partitions, the dask pipeline, synthetic cities.

Holds :mod:`~gridmap.scale.partition` (cutting an area into partitions of whole communities,
with walking halos), :mod:`~gridmap.scale.pipeline` (the whole analysis in one process or as
dask tasks, with identical results), :mod:`~gridmap.scale.outputs` (a run's files, written by one
process or several), :mod:`~gridmap.scale.summary` (the city page's figures of a run) and
:mod:`~gridmap.scale.synthetic` (generated cities for tests and benchmarks).

May import: plans, access, analysis, io and the kernel modules. Never presentation or faces.
"""
