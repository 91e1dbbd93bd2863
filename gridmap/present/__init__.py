"""presentation: maps, reports, notices; may import everything below it, never the app or streamlit.

:mod:`gridmap.present.notice` lays out the 公示 notice of a grid (one A4 page, PDF and PNG);
:mod:`gridmap.present.notice_inputs` reads the tables a notice shows (staff, micro grids).
"""
