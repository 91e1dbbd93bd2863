"""The 台账 of a plan: one Excel workbook and one offline HTML page.

:mod:`~gridmap.present.report.gather` gathers and labels the figures, :mod:`~.excel` lays out the
workbook and :mod:`~.html` the page. ``build_report`` then ``write_report``.
"""

from gridmap.present.report.gather import (
    HEADERS,
    LANGS,
    LAYER_LABELS,
    SECTIONS,
    SHEETS,
    Report,
    build_report,
    header,
    write_report,
)

__all__ = ["HEADERS", "LANGS", "LAYER_LABELS", "SECTIONS", "SHEETS", "Report", "build_report", "header", "write_report"]
