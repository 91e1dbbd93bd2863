"""Floor 4 — presentation: offline maps, the 台账 report, display helpers.

Holds :mod:`~gridmap.present.maps` (folium with no internet: local assets, vector basemap,
standalone HTML), :mod:`~gridmap.present.drawing` (drawing layers on a
:class:`~gridmap.present.drawing.MapSetup`: tiles, basemap, display coordinates),
:mod:`~gridmap.present.map_labels` (the zh/en names of layers and columns on maps), one map builder
per analysis — pure functions returning a folium map, shared by the command line, the app and the
HTML report: :mod:`~gridmap.present.coverage_map`, :mod:`~gridmap.present.access_map`,
:mod:`~gridmap.present.siting_map`, :mod:`~gridmap.present.plan_map` —,
:mod:`~gridmap.present.views` (figures and downloads the app shows),
:mod:`gridmap.present.report` (Excel workbook and HTML page), :mod:`~gridmap.present.notice` (the
公示 notice of a grid: one A4 page, PDF and PNG) with :mod:`~gridmap.present.notice_inputs` (the
staff and micro-grid tables it shows).

May import: every floor below (plans, access, analysis, io, kernel). Never streamlit, the app
or the command line.
"""
