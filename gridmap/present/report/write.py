"""Writing the 台账: the workbook and the page side by side (:func:`write_report`).

Here, not in :mod:`~gridmap.present.report.gather`, so that gathering knows nothing of the writers
and no module of the report imports another in a circle: gather ← excel, html ← write.
"""

from __future__ import annotations

import os
from pathlib import Path

from gridmap.io.files import atomic_write
from gridmap.present.report.excel import write_workbook
from gridmap.present.report.gather import Report
from gridmap.present.report.html import report_html

__all__ = ["write_report"]


def write_report(rep: Report, out_dir: str | os.PathLike, lang: str = "zh",
                 names: tuple[str, str] = ("report.xlsx", "report.html")) -> dict[str, Path]:
    """Write the workbook and the HTML report into ``out_dir`` (each atomically).

    Returns ``{"xlsx": path, "html": path}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = write_workbook(rep, out / names[0], lang)
    page = report_html(rep, lang)
    html_path = atomic_write(out / names[1], lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return {"xlsx": xlsx, "html": html_path}
