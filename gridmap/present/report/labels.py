"""Labels of the 台账 in Chinese and English: sheet names, column headers, summary texts, values.

Shared by :mod:`~gridmap.present.report.gather` (notes of omitted sections), the workbook
(:mod:`~gridmap.present.report.excel`) and the page (:mod:`~gridmap.present.report.html`): every
label of the report is looked up here. The texts are in the one catalog
(:mod:`gridmap.vocab.report`); the tables below are read off it, keyed as the report's code wants
them, and :func:`header` composes the per-layer and per-circle headers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from gridmap.vocab import CATALOG
from gridmap.vocab import text as vocab_text

__all__ = ["LANGS", "SECTIONS", "SHEETS", "PEOPLE_SECTIONS", "PEOPLE_SHEETS", "LAYER_LABELS", "HEADERS", "CIRCLES", "BAND", "REASONS", "YES_NO",
           "NO_GRID", "TOTAL_KEY", "TEXT", "COUNT_KEYS", "text", "layer_label", "header", "translate_values"]

LANGS = ("zh", "en")

#: Sections of the report, in sheet order.
SECTIONS = ("summary", "grids", "gaps", "overlaps", "access", "home_visits", "sites")


def _per_language(prefix: str, keys) -> dict[str, dict[str, str]]:
    """``{lang: {key: catalog text of prefix+key}}`` — the report's lookup tables, read off the catalog."""
    return {lang: {k: vocab_text(prefix + k, lang) for k in keys} for lang in LANGS}


def _keys(prefix: str) -> list[str]:
    return [k[len(prefix):] for k in CATALOG if k.startswith(prefix)]


#: Sheet name of each section per language (Excel: ≤ 31 characters, no []:*?/\).
SHEETS: dict[str, dict[str, str]] = _per_language("sheet_", SECTIONS)

#: Sections of the people on the grid (gridmap staff, gridmap pair): sheets only when their data is given.
PEOPLE_SECTIONS = ("staff", "members", "pairs")
PEOPLE_SHEETS: dict[str, dict[str, str]] = _per_language("sheet_", PEOPLE_SECTIONS)

#: Names of the usual zone layers.
LAYER_LABELS: dict[str, dict[str, str]] = _per_language("report_layer_", _keys("report_layer_"))

#: Column headers: key → (Chinese, English). Per-layer and per-circle columns are composed by :func:`header`.
HEADERS: dict[str, tuple[str, str]] = {k: (CATALOG["header_" + k]["zh"], CATALOG["header_" + k]["en"])
                                       for k in _keys("header_")}

CIRCLES = _per_language("report_circle_", _keys("report_circle_"))
BAND = _per_language("report_band_", _keys("report_band_"))
REASONS = _per_language("report_reason_", _keys("report_reason_"))
YES_NO = {lang: (vocab_text("report_yes", lang), vocab_text("report_no", lang)) for lang in LANGS}
NO_GRID = "(none)"  # the zone label of a resident in no grid (see gridmap.access.accessibility)
TOTAL_KEY = "TOTAL"  # the total row of the access summary

#: Texts of the summary sheet and the HTML: key → (Chinese, English).
TEXT: dict[str, tuple[str, str]] = {k: (CATALOG["report_" + k]["zh"], CATALOG["report_" + k]["en"])
                                    for k in _keys("report_")
                                    if not k.startswith(("layer_", "circle_", "band_", "reason_"))
                                    and k not in ("yes", "no")}


def text(key: str, lang: str, **kw) -> str:
    """The summary/HTML text ``key`` in ``lang``, formatted with ``kw``."""
    template = TEXT[key][0 if lang == "zh" else 1]
    return template.format(**kw) if kw else template


def layer_label(layer: str, lang: str) -> str:
    """The name of a zone layer (``party`` → 党建网格); unknown layers keep their key."""
    return LAYER_LABELS["zh" if lang == "zh" else "en"].get(layer, layer)


COUNT_KEYS = ("households", "population", "elderly_alone", "left_behind_children", "disabled")


def header(key: str, lang: str = "zh") -> str:
    """The column header of ``key`` in ``lang``, including composed per-layer and per-circle columns."""
    i = 0 if lang == "zh" else 1
    if key in HEADERS:
        return HEADERS[key][i]
    m = re.fullmatch(r"nearest_(\w+?)(_m)?", key)
    if m:
        lab = layer_label(m.group(1), lang)
        if lang == "zh":
            return f"距最近{lab}(m)" if m.group(2) else f"最近{lab}"
        return f"nearest {lab} (m)" if m.group(2) else f"nearest {lab}"
    m = re.fullmatch(r"new_(\w+)", key)
    if m and m.group(1) in HEADERS:
        base = HEADERS[m.group(1)][i]
        return f"新增覆盖{base}" if lang == "zh" else f"{base} newly within 15 min"
    m = re.fullmatch(r"(\w+?)_(total|5min|10min|15min|beyond|no_route|within_15min_share)", key)
    if m and m.group(1) in HEADERS:
        base = HEADERS[m.group(1)][i]
        part = m.group(2)
        if part == "total":
            return f"{base}·合计" if lang == "zh" else f"{base}, total"
        if part == "within_15min_share":
            return f"{base}·15分钟内占比" if lang == "zh" else f"{base}: share within 15 min"
        circle = CIRCLES["zh" if lang == "zh" else "en"][part]
        return f"{base}·{circle}" if lang == "zh" else f"{base}: {circle}"
    m = re.fullmatch(r"(\w+)_(main|share)", key)
    if m and m.group(1) not in COUNT_KEYS and "_within_" not in key:
        lab = layer_label(m.group(1), lang)
        if lang == "zh":
            return f"{lab}·主网格" if m.group(2) == "main" else f"{lab}·面积占比"
        return f"{lab}: main zone" if m.group(2) == "main" else f"{lab}: share of area"
    return key


def translate_values(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy with the values officials read translated: band status, life circle, reason, snap status,
    layer names, yes/no, and the total / no-grid rows of the grid and community columns."""
    out = table.copy()
    key = "zh" if lang == "zh" else "en"
    if "band_status" in out:
        out["band_status"] = out["band_status"].map(BAND[key]).fillna(out["band_status"])
    if "life_circle" in out:
        lc = out["life_circle"].astype(object)
        out["life_circle"] = lc.map(CIRCLES[key]).fillna(lc)
    if "reason" in out:
        out["reason"] = out["reason"].map(REASONS[key]).fillna(out["reason"])
    if "snap_status" in out:
        out["snap_status"] = out["snap_status"].map({"ok": "正常" if key == "zh" else "ok", **REASONS[key]}) \
            .fillna(out["snap_status"])
    if "layer" in out:
        out["layer"] = out["layer"].map(lambda v: layer_label(str(v), lang))
    yes, no = YES_NO[key]
    for c in ("locked", "in_study_area", "staffed", "moved"):
        if c in out:
            out[c] = np.where(out[c].astype(bool), yes, no)
    for c in ("grid_code", "area_id"):
        if c in out:
            total = "合计" if key == "zh" else "total"
            none = "（不在任何网格内）" if key == "zh" else "(in no grid)"
            out[c] = out[c].astype(str).replace({TOTAL_KEY: total, NO_GRID: none, "None": ""})
    return out
