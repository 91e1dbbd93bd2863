"""Floor 2 — analysis of zone layers: the mosaic (叠加) and coverage (盲区, 多头, 越界).

Holds :mod:`~gridmap.analysis.mosaic` (faces of any number of layers) and
:mod:`~gridmap.analysis.coverage` (gaps, overlaps, parts outside, coverage shares).
Pure functions: GeoDataFrames in, GeoDataFrames or plain tables out.

May import: :mod:`gridmap.io` and the kernel modules. Never plans, presentation or faces.
"""
