"""The 台账 of a plan: one Excel workbook and one offline HTML page.

:mod:`~gridmap.present.report.gather` gathers the figures (:func:`build_report`),
:mod:`~gridmap.present.report.labels` names them in Chinese or English, :mod:`~.excel` lays out the
workbook, :mod:`~.html` the page, and :mod:`~.write` writes both (:func:`write_report`)::

    rep = build_report(plan, study_area=…, residents=…, centers=…, zones={…}, osm_path=…, k=3)
    write_workbook(rep, "report.xlsx", lang="zh")   # sheets: SHEETS; headers: HEADERS
    page = report_html(rep, lang="zh")               # one page, every asset inlined
    write_report(rep, out_dir, lang="zh")            # both files

Column headers and sheet names are Chinese by default, English with ``lang="en"``.
"""

from gridmap.present.report.excel import sheet_tables, write_workbook
from gridmap.present.report.gather import Report, build_report
from gridmap.present.report.html import report_html
from gridmap.present.report.labels import HEADERS, LANGS, LAYER_LABELS, SECTIONS, SHEETS, header
from gridmap.present.report.write import write_report

__all__ = ["HEADERS", "LANGS", "LAYER_LABELS", "SECTIONS", "SHEETS", "Report", "build_report", "header",
           "report_html", "sheet_tables", "write_report", "write_workbook"]
