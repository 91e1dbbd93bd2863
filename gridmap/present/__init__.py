"""Floor 4 — presentation: offline maps, the 台账 report, display helpers.

Holds :mod:`~gridmap.present.maps` (folium with no internet: local assets, vector basemap,
standalone HTML), one map builder per analysis (:mod:`~gridmap.present.coverage_map`, …),
:mod:`~gridmap.present.views` (figures and downloads the app shows) and
:mod:`gridmap.present.report` (Excel workbook and HTML page).

May import: every floor below (plans, access, analysis, io, kernel). Never streamlit, the app
or the command line.
"""
