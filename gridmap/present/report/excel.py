"""The 台账 workbook: one sheet per section, headers in Chinese or English (see :mod:`gridmap.present.report`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from gridmap.errors import GridmapError
from gridmap.io.files import atomic_write
from gridmap.present.report.gather import Report
from gridmap.present.report.labels import (
    COUNT_KEYS,
    LANGS,
    PEOPLE_SECTIONS,
    PEOPLE_SHEETS,
    SECTIONS,
    SHEETS,
    header,
    layer_label,
    text,
    translate_values,
)

__all__ = ["sheet_tables", "write_workbook"]


def _summary_rows(rep: Report, lang: str) -> list[tuple[str, object, str, str]]:
    """(item, value, format, note) rows of the 概况 sheet; format ``int`` / ``pct`` / ``text``."""
    f = rep.figures
    rows: list[tuple[str, object, str, str]] = [
        (text("plan", lang), rep.plan.name or rep.plan.plan_id, "text", ""),
        (text("revision", lang), int(rep.plan.revision), "int", ""),
        (text("made", lang), rep.made_at, "text", ""),
        (text("n_grids", lang), f["n_grids"], "int", ""),
        (text("households_total", lang), f["households_total"], "int", ""),
        (text("band", lang), f["band"], "text", ""),
        (text("in_band", lang), f["in_band"], "int", ""),
        (text("below", lang), f["below"], "int", ""),
        (text("above", lang), f["above"], "int", ""),
    ]
    cov = f.get("coverage")
    if cov is not None:
        for r in cov.itertuples():
            lab = layer_label(r.layer, lang)
            rows.append((text("cov_area", lang, layer=lab), float(r.area_share), "pct", ""))
            if hasattr(r, "households_share"):
                rows.append((text("cov_hh", lang, layer=lab), float(r.households_share), "pct", ""))
        m2 = rep.sliver_m2
        rows.append((text("gaps", lang), f["gaps"], "int",
                     text("slivers", lang, n=f["gap_slivers"], m=m2) if f["gap_slivers"] else ""))
        if f.get("gap_hh") is not None:
            rows.append((text("gap_hh", lang), f["gap_hh"], "int", ""))
        rows.append((text("overlaps", lang), f["overlaps"], "int",
                     text("slivers", lang, n=f["overlap_slivers"], m=m2) if f["overlap_slivers"] else ""))
    if "within15" in f:
        rows.append((text("within15", lang), f["within15"], "pct", ""))
    if "visits" in f:
        rows.append((text("visits", lang), f["visits"], "int", ""))
        rows.append((text("visit_people", lang), f["visit_people"], "int", ""))
    if "sites" in f:
        rows.append((text("sites", lang), f["sites"], "int", ""))
        if "within15_after" in f:
            rows.append((text("within15_after", lang), f["within15_after"], "pct", ""))
    for key, fmt in (("staffed_share", "pct"), ("micro_member_share", "pct"), ("pairs_n", "int")):
        if key in f:
            rows.append((text(key, lang), f[key], fmt, ""))
    i = 0 if lang == "zh" else 1
    for s in SECTIONS[1:]:
        note = rep.notes.get(s)
        rows.append((f"{text('sections', lang)}: {SHEETS[lang][s]}", note[i] if note else text("included", lang),
                     "text", ""))
    for s in PEOPLE_SECTIONS:
        if s in rep.tables:
            rows.append((f"{text('sections', lang)}: {PEOPLE_SHEETS[lang][s]}", text("included", lang), "text", ""))
    return rows


def sheet_tables(rep: Report, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """``{sheet name: table with translated headers}`` in sheet order (a note table for omitted sections)."""
    if lang not in LANGS:
        raise GridmapError("err_excel_lang_must_one_got", langs=LANGS, lang=lang)
    out: dict[str, pd.DataFrame] = {}
    rows = _summary_rows(rep, lang)
    out[SHEETS[lang]["summary"]] = pd.DataFrame([r[:1] + r[1:2] + r[3:] for r in rows],
                                                columns=[header("item", lang), header("value", lang),
                                                         header("note", lang)])
    i = 0 if lang == "zh" else 1
    for s in SECTIONS[1:]:
        if s in rep.tables:
            table = translate_values(rep.tables[s], lang)
            out[SHEETS[lang][s]] = table.rename(columns={c: header(c, lang) for c in table.columns})
        else:
            note = rep.notes.get(s, ("", ""))[i]
            out[SHEETS[lang][s]] = pd.DataFrame({header("note", lang): [note]})
    for s in PEOPLE_SECTIONS:  # only when given
        if s in rep.tables:
            table = translate_values(rep.tables[s], lang)
            out[PEOPLE_SHEETS[lang][s]] = table.rename(columns={c: header(c, lang) for c in table.columns})
    return out


def _number_format(key: str) -> str | None:
    if key in ("covered_after",) or key.endswith("_share"):
        return "0.0%"
    if key == "polsby_popper":
        return "0.000"
    if key in ("lon", "lat"):
        return "0.0000000"
    if key in ("area_m2", "perimeter_m") or key.endswith("_m"):
        return "#,##0"
    if key in COUNT_KEYS or key.startswith("new_") or re.fullmatch(
            r"\w+_(total|5min|10min|15min|beyond|no_route)", key) or key in (
            "residents", "special_total", "n_units", "covered_weight_after"):
        return "#,##0"
    return None


def _display_width(value) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_workbook(rep: Report, path: str | os.PathLike, lang: str = "zh") -> Path:
    """Write the workbook (openpyxl): one sheet per section, header row frozen, filters on,
    columns sized, shares as %, counts with thousands separators. Written atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tables = sheet_tables(rep, lang)
    keys = {SHEETS[lang][s]: (list(rep.tables[s].columns) if s in rep.tables else ["note"]) for s in SECTIONS[1:]}
    keys.update({PEOPLE_SHEETS[lang][s]: list(rep.tables[s].columns) for s in PEOPLE_SECTIONS if s in rep.tables})
    rows = _summary_rows(rep, lang)
    return atomic_write(path, lambda tmp: _fill_workbook(tmp, tables, keys, rows, lang))


def _fill_workbook(tmp: Path, tables: dict[str, pd.DataFrame], keys: dict[str, list[str]],
                   rows: list[tuple[str, object, str, str]], lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for sheet, frame in tables.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font, cell.fill = bold, fill
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            n = len(frame)
            if sheet == SHEETS[lang]["summary"]:
                for r, row in enumerate(rows, start=2):
                    fmt = {"pct": "0.0%", "int": "#,##0"}.get(row[2])
                    if fmt:
                        ws.cell(row=r, column=2).number_format = fmt
                    ws.cell(row=r, column=2).alignment = Alignment(horizontal="left")
            else:
                for j, key in enumerate(keys[sheet], start=1):
                    fmt = _number_format(key)
                    if fmt:
                        for r in range(2, n + 2):
                            ws.cell(row=r, column=j).number_format = fmt
                if n and keys[sheet] != ["note"]:
                    ws.auto_filter.ref = ws.dimensions
            for j, col in enumerate(frame.columns, start=1):
                values = frame[col].head(300).tolist()
                width = max([_display_width(col) if keys.get(sheet) != ["note"] else 10]
                            + [_display_width(round(v, 3) if isinstance(v, float) else v) for v in values])
                ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(60, max(8, width + 2))
