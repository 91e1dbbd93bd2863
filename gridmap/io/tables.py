"""Office tables as point layers: CSV and Excel ``.xlsx`` with coordinate columns.

Residents and service centres often exist only as a 台账 in Excel, or a CSV saved from it — with
经度/纬度 (or lon/lat, lng, longitude/latitude, 东经/北纬, POINT_X/POINT_Y, x/y …) columns. This
module turns such a table into a point GeoDataFrame that the rest of gridmap reads like any layer:

* **CSV**: UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode text") or GBK/GB18030 (Excel
  on Chinese Windows), found by strict decoding (:mod:`gridmap.io.encodings`); comma, semicolon, tab
  or ``|`` separated (sniffed).
* **Excel** ``.xlsx``/``.xlsm`` (openpyxl, cached formula values): one sheet by name
  (``PATH#SHEET``), or the only sheet, or the only sheet with coordinate columns; otherwise a named
  error listing the sheets. ``.xls``, ``.et`` and ``.ods`` are refused with the way out.
* **Header**: the first row among the first 20 that names a coordinate pair, so title rows above
  it (a merged 某某社区住户台账) are skipped; an empty header cell under a merged cell takes the
  name above it. Names are matched after trimming, case-folding and dropping a bracketed unit
  (``经度(°)``, ``经度（WGS84）``).
* **Coordinates**: lon/lat columns are degrees (WGS84 unless ``crs`` names another geographic
  CRS); x/y columns need ``crs`` (a named error otherwise). A projected x/y table whose X holds the
  northings — the Chinese surveying convention, X north and Y east — is recognised from the CRS's
  area of use and swapped, with a note. Numbers stored as text, full-width digits and
  degrees-minutes-seconds (``118°46′30″``) are read; anything else is an error naming the row.
* **Values**: a column whose every value is a number (numbers stored as text and thousands
  separators included) becomes numeric — unless its name says it is an id or a code (``*_id``,
  ``*_code``, 编号, 编码, 代码) or a value has a leading zero or more than 15 digits, which keeps
  codes such as ``001`` or an 18-digit ID number exact as text. Empty trailing rows and columns
  are dropped; an empty row inside the table is kept (a feature without coordinates, which the
  validator names by its row).

The result carries ``attrs``: ``layer`` (sheet name, or file stem), ``encoding`` (CSV),
``first_row`` (the spreadsheet row of the first data row, so messages can name the row the user
sees), ``coordinate_columns`` and ``read_notes`` (what was inferred or repaired, for the report).
The coordinate columns themselves are not kept as attributes: after a GCJ-02 conversion or an X/Y
swap they would contradict the geometry.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.io.encodings import bom_encoding, resolve_encoding
from gridmap.io.validate import LayerError
from gridmap.vocab import LIST_SEP, Joined, Message

__all__ = ["TABLE_SUFFIXES", "COORDINATE_NAMES", "is_table", "list_table_layers", "read_table", "table_columns"]

#: Files read as tables: CSV (and tab/semicolon-separated text) and Excel 2007+ workbooks.
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_EXCEL = (".xlsx", ".xlsm")
_REFUSED = {".xls": "err_kind_xls", ".et": "err_kind_et", ".ods": "err_kind_ods", ".xlsb": "err_kind_xlsb",
            ".numbers": "err_kind_numbers"}  # message ids naming each kind of file

#: Accepted coordinate column names (compared after :func:`_normalise`), per role.
COORDINATE_NAMES: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "经度", "东经", "经度坐标"),
    "lat": ("lat", "latitude", "纬度", "北纬", "纬度坐标"),
    "x": ("x", "x坐标", "坐标x", "point_x", "xcoord", "x_coord", "easting", "东坐标"),
    "y": ("y", "y坐标", "坐标y", "point_y", "ycoord", "y_coord", "northing", "北坐标"),
}
_HEADER_SCAN_ROWS = 20
_ID_NAME = re.compile(r"(^|_)(id|code)$|编号|编码|代码|身份证|电话|手机")
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?")
_DMS = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*[°度]\s*"  # degrees
                  r"(?:(\d+(?:\.\d+)?)\s*['′’分])?\s*"  # minutes
                  r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|”|''|′′|秒))?"  # seconds
                  r"\s*([NSEW东西南北]?)")


def is_table(path: str | os.PathLike) -> bool:
    """Whether ``path`` is read as a table (by its extension), including the refused spreadsheet kinds."""
    suffix = Path(path).suffix.lower()
    return suffix in TABLE_SUFFIXES or suffix in _REFUSED


def _normalise(name: object) -> str:
    """A column name as compared with the accepted ones: NFKC, trimmed, case-folded, no bracketed unit."""
    text = unicodedata.normalize("NFKC", str(name)).strip().casefold()
    text = re.sub(r"\s*[(\[【][^)\]】]*[)\]】]\s*$", "", text)
    return re.sub(r"\s+", "", text.replace("°", ""))


def _excel_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------------------------
# raw cells


def _refuse(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in _REFUSED:
        raise LayerError("err_table_refused", path=path, kind=Message(_REFUSED[suffix]))


def _csv_rows(path: Path, encoding: str | None, label: str, wanted: Mapping[str, str] | None = None
              ) -> tuple[pd.DataFrame | list[list[object]], str, list[dict]]:
    """(cells, encoding used, notes) of a delimited text file."""
    data = path.read_bytes()
    bom = bom_encoding(data)
    if bom == "utf-8-sig":
        data, bom = data[3:], "utf-8"
    declared, declared_as = ((encoding, Message("val_declared_by_option")) if encoding
                             else (bom, Message("val_declared_by_bom")))
    choice = resolve_encoding([data], declared, declared_as)
    if choice.encoding is None:
        raise LayerError("err_csv_encoding", label=label,
                         note=Message("val_in_parens", text=choice.note) if choice.note else "")
    used = choice.encoding
    text = data.decode(used).lstrip("\ufeff")
    sample = "\n".join(text[:65536].splitlines()[:_HEADER_SCAN_ROWS])
    sep = _delimiter(sample, path, wanted)
    notes = [{"severity": "repaired", "code": "encoding_repaired", "message": choice.note}] if choice.note else []
    width = max((len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep)), default=1)
    try:  # pandas' C parser when no row is wider than those at the top (a title row may be narrower)
        grid = pd.read_csv(io.StringIO(text), sep=sep, header=None, names=range(width), dtype=object,
                           na_filter=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL)
        return grid, used, notes
    except (pd.errors.ParserError, ValueError):
        pass
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)], used, notes
    except csv.Error as exc:
        raise LayerError("err_csv_unreadable", label=label, detail=str(exc)) from exc


def _delimiter(sample: str, path: Path, wanted: Mapping[str, str] | None) -> str:
    """The separator under which the header names a coordinate pair; else the one csv.Sniffer finds."""
    for sep in (",", "\t", ";", "|"):
        rows = [list(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep)]
        if _header_row(_trim(rows), wanted) is not None:
            return sep
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return "\t" if path.suffix.lower() == ".tsv" or ("," not in sample and "\t" in sample) else ","


def _workbook(path: Path, label: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise LayerError("err_xlsx_unreadable_hint", label=label, detail=f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises its own exception classes for broken parts
        raise LayerError("err_xlsx_unreadable", label=label, detail=f"{type(exc).__name__}: {exc}") from exc


def _sheet_rows(sheet, limit: int | None = None) -> list[list[object]]:
    sheet.reset_dimensions()  # the stored dimension may be wrong (files written by other programs)
    rows = []
    for k, row in enumerate(sheet.iter_rows(values_only=True)):
        if limit is not None and k >= limit:
            break
        rows.append(list(row))
    return rows


@contextmanager
def _excel_sheets(path: Path, label: str):
    """The worksheets of a workbook by name (chart sheets left out), the file closed afterwards."""
    book = _workbook(path, label)
    try:
        yield {ws.title: ws for ws in book.worksheets}
    finally:
        book.close()


# --------------------------------------------------------------------------------------------
# header and coordinate columns


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _trim(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows padded to one width, without empty trailing rows and columns (for a few header rows)."""
    return _frame(rows).values.tolist()


_NUMERIC_KINDS = ("integer", "floating", "mixed-integer-float", "decimal")
#: Text cells as Arrow-backed strings: trimming and regular expressions run in C, not per cell.
_STRING = pd.StringDtype("pyarrow")


def _kind(col: pd.Series) -> str:
    """Pandas' inferred kind of a column's cells (``string``, ``integer``, ``mixed``…), missing skipped."""
    return pd.api.types.infer_dtype(col, skipna=True)


def _arrow_text(col: pd.Series) -> pd.Series:
    """A column of text as pandas strings (Arrow-backed: regular expressions and trimming run in C),
    NFKC-normalised where not ASCII (full-width digits and commas become plain ones)."""
    text = col.astype(_STRING)
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(dtype=bool)
    if wide.any():
        text = text.copy()
        text[wide] = text[wide].str.normalize("NFKC")
    return text


def _blank_mask(col: pd.Series) -> np.ndarray:
    """Empty cells of a column: None, NaN, or text of blanks only."""
    kind = _kind(col)
    if kind == "empty":
        return np.ones(len(col), dtype=bool)
    if kind == "string":
        text = col.astype(_STRING)
        return (text.isna() | text.str.strip().eq("").fillna(True)).to_numpy(dtype=bool)
    if kind in _NUMERIC_KINDS or kind not in ("mixed", "mixed-integer"):
        return col.isna().to_numpy(dtype=bool)
    return col.map(_blank).to_numpy(dtype=bool)


def _frame(cells: Sequence[Sequence[object]] | pd.DataFrame) -> pd.DataFrame:
    """All cells as a DataFrame (row k = spreadsheet row k + 1), without empty trailing rows and
    columns; columns of text only as pandas strings (``pd.NA`` when empty), others as objects."""
    if isinstance(cells, pd.DataFrame):
        grid = cells
    else:
        width = max((len(r) for r in cells), default=0)
        grid = pd.DataFrame([list(r) + [None] * (width - len(r)) if len(r) < width else r for r in cells],
                            dtype=object)
    if grid.empty:
        return grid
    grid = pd.DataFrame({c: grid[c].astype(_STRING) if _kind(grid[c]) in ("string", "empty") else grid[c]
                         for c in grid.columns})
    filled = np.column_stack([~_blank_mask(grid[c]) for c in grid.columns])
    used_rows = np.flatnonzero(filled.any(axis=1))
    used_cols = np.flatnonzero(filled.any(axis=0))
    if not len(used_rows):
        return pd.DataFrame(dtype=object)
    return grid.iloc[:used_rows[-1] + 1, :used_cols[-1] + 1].reset_index(drop=True)


def _find_pair(names: Sequence[object], wanted: Mapping[str, str] | None) -> dict[str, list[int]]:
    """Column positions per coordinate role ('lon', 'lat', 'x', 'y') found in one header row (cells of any type)."""
    found: dict[str, list[int]] = {role: [] for role in COORDINATE_NAMES}
    norm = [_normalise(n) if not _blank(n) else "" for n in names]
    for role, accepted in COORDINATE_NAMES.items():
        if wanted:
            target = wanted.get(role)
            if target is None:
                continue
            exact = [i for i, n in enumerate(names) if not _blank(n) and str(n).strip() == target]
            found[role] = exact or [i for i, n in enumerate(norm) if n and n == _normalise(target)]
        else:
            found[role] = [i for i, n in enumerate(norm) if n in accepted]
    return found


def _has_pair(found: dict[str, list[int]]) -> bool:
    return bool((found["lon"] and found["lat"]) or (found["x"] and found["y"]))


def _header_row(rows: list[list[object]], wanted: Mapping[str, str] | None) -> int | None:
    for r, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        if _has_pair(_find_pair(row, wanted)):
            return r
    return None


def _column_names(rows: list[list[object]], header: int) -> tuple[list[str], list[dict]]:
    """Names of the header row; an empty cell takes the name above it (a merged header), else its letter."""
    notes = []
    names = []
    above = [r for r in rows[:header] if sum(not _blank(v) for v in r) >= 2]  # title rows have one cell
    for c, value in enumerate(rows[header]):
        if _blank(value):
            filled = next((r[c] for r in reversed(above) if not _blank(r[c])), None)
            value = filled if filled is not None else f"column_{_excel_letter(c)}"
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        names.append(text)
    seen: dict[str, int] = {"geometry": 1}  # the points' own column
    for c, name in enumerate(names):
        if name in seen:
            seen[name] += 1
            new = f"{name}_{seen[name]}"
            why = (Message("val_why_geometry_name") if name == "geometry" else Message("val_why_repeats", name=name))
            notes.append({"severity": "warning", "code": "duplicate_column",
                          "message": Message("val_duplicate_column", letter=_excel_letter(c), why=why, new=new)})
            names[c] = new
        else:
            seen[name] = 1
    return names, notes


def _accepted_names() -> str:
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in COORDINATE_NAMES.items())


def _no_coordinates(label: str, rows: list[list[object]], wanted: Mapping[str, str] | None) -> LayerError:
    first = next((r for r in rows[:_HEADER_SCAN_ROWS] if sum(not _blank(v) for v in r) >= 2), rows[0] if rows else [])
    present = ", ".join(str(v).strip() for v in first if not _blank(v)) or "(none)"
    if wanted:
        asked = ", ".join(f"{k}={v}" for k, v in wanted.items())
        return LayerError("err_mapped_coordinates_missing", label=label, asked=asked, present=present)
    return LayerError("err_no_coordinates", label=label, present=present, accepted=_accepted_names())


def _choose_pair(found: dict[str, list[int]], names: list[str], crs: pyproj.CRS | None, label: str
                 ) -> tuple[str, int, int]:
    """('lonlat' | 'xy', x column, y column), or a named error when ambiguous."""
    projected = crs is not None and not crs.is_geographic
    has_ll = bool(found["lon"] and found["lat"])
    has_xy = bool(found["x"] and found["y"])
    kind = "xy" if (has_xy and (projected or not has_ll)) else "lonlat"
    if kind == "lonlat" and not has_ll:
        raise LayerError("err_no_lonlat", label=label)  # unreachable: _has_pair holds
    roles = ("x", "y") if kind == "xy" else ("lon", "lat")
    for role in roles:
        if len(found[role]) > 1:
            cols = [Message("err_column_at", name=names[i], letter=_excel_letter(i)) for i in found[role]]
            raise LayerError("err_coordinate_ambiguous", label=label, role=role, columns=cols)
    if kind == "lonlat" and projected and crs is not None:
        raise LayerError("err_lonlat_projected", label=label, lon=names[found["lon"][0]], lat=names[found["lat"][0]],
                         crs=crs.name)
    if kind == "xy" and crs is None:
        raise LayerError("err_xy_no_crs", label=label, x=names[found["x"][0]], y=names[found["y"][0]])
    return kind, found[roles[0]][0], found[roles[1]][0]


# --------------------------------------------------------------------------------------------
# values


def _as_number(value: object) -> float | None:
    """A cell as a number: numbers, numbers stored as text (full-width digits, thousands separators)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text and _NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text):
            return float(text.replace(",", ""))
    return None


def _text_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, is a number, looks like a code) of text cells (see :func:`_numbers`)."""
    raw = _arrow_text(text).str.strip()
    number = (raw.str.fullmatch(_NUMBER.pattern) & raw.str.contains(r"\d")).fillna(False).to_numpy(dtype=bool)
    plain = raw.str.replace(",", "", regex=False)
    values = pd.to_numeric(plain.where(number).astype(object), errors="coerce").to_numpy(dtype=float, copy=True)
    code = (raw.str.match(r"[+-]?0\d") | plain.str.match(r"[+-]?\d{16}")).fillna(False).to_numpy(dtype=bool)
    return values, number, code


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, is a number, looks like a code) of the cells of a column, vectorised.

    Numbers are numeric cells and text that is a number (full-width digits and thousands
    separators allowed). A code is text with a leading zero (``001``) or more than 15 digits (an
    ID card number): such a column must stay text.
    """
    kind = _kind(col)
    if kind in _NUMERIC_KINDS:
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, copy=True)
        return values, ~np.isnan(values), np.zeros(len(col), dtype=bool)
    if kind in ("string", "empty"):
        return _text_numbers(col)
    values = np.full(len(col), np.nan)
    ok = np.zeros(len(col), dtype=bool)
    code = np.zeros(len(col), dtype=bool)
    cells = col.map(lambda v: 1 if isinstance(v, str) else 2 if isinstance(v, (int, float, np.integer, np.floating))
                    and not isinstance(v, bool) else 0).to_numpy()
    numeric = cells == 2
    values[numeric] = col[numeric].astype(float).to_numpy()
    ok[numeric] = ~np.isnan(values[numeric])
    text = cells == 1
    if text.any():
        values[text], ok[text], code[text] = _text_numbers(col[text])
    return values, ok, code


def _coordinate(value: object) -> float | None:
    """A coordinate cell in decimal degrees or metres; degrees-minutes-seconds are converted."""
    number = _as_number(value)
    if number is not None or _blank(value):
        return number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for word, letter in (("东经", "E"), ("西经", "W"), ("北纬", "N"), ("南纬", "S")):
        text = text.replace(word, letter)
    text = re.sub(r"^([NSEW东西南北])\s*(.*)$", r"\2\1", text)  # N32°…  →  32°…N
    match = _DMS.fullmatch(text)
    if match is None:
        stripped = re.sub(r"\s*[°度]?\s*[NSEW东西南北]?$", "", text)
        number = _as_number(stripped)
        if number is None:
            raise ValueError(value)
        hemisphere = text[-1] if text and text[-1] in "NSEW东西南北" else ""
        return -number if hemisphere in ("S", "W", "南", "西") else number
    deg, minutes, seconds, hemisphere = match.groups()
    sign = -1.0 if deg.startswith("-") or hemisphere in ("S", "W", "南", "西") else 1.0
    return sign * (abs(float(deg)) + float(minutes or 0) / 60 + float(seconds or 0) / 3600)


def _coordinates(col: pd.Series, name: str, first_row: int) -> tuple[np.ndarray, list[tuple[int, str, object]]]:
    """(values, bad cells as (row, column, value)) of a coordinate column: numbers fast, the rest
    (degrees-minutes-seconds) one by one."""
    values, ok, _ = _numbers(col)
    values = values.copy()
    blank = _blank_mask(col)
    bad = []
    for k in np.flatnonzero(~ok & ~blank):
        try:
            values[k] = _coordinate(col.iloc[k])
        except ValueError:
            bad.append((int(k) + first_row, name, col.iloc[k]))
    return values, bad


def _text(value: object) -> object:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip() if isinstance(value, str) else str(value)


def _column(name: str, col: pd.Series) -> pd.Series:
    """One attribute column: numeric where every value is a number (and the column is no id/code), else text."""
    col = col.reset_index(drop=True)
    blank = _blank_mask(col)
    if (~blank).any() and not _ID_NAME.search(_normalise(name)):
        values, ok, code = _numbers(col)
        if ok[~blank].all() and not code[~blank].any():
            values[blank] = np.nan
            if np.isfinite(values).all() and (values == np.round(values)).all() and np.abs(values).max() < 2 ** 53:
                return pd.Series(values.astype(np.int64), name=name)
            return pd.Series(values, name=name)
        if col[~blank].map(lambda v: isinstance(v, bool)).all() and not blank.any():
            return col.astype(bool).rename(name)
    if _kind(col) == "string":
        text = col.astype(_STRING).str.strip()
        return pd.Series(text.where(~blank).astype(object).where(~blank, None).to_numpy(), name=name, dtype=object)
    return pd.Series(col.map(_text).to_numpy(dtype=object), name=name, dtype=object)


def _fits_area(crs: pyproj.CRS, x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the median point lies within the CRS's area of use (3° margin)."""
    area = crs.area_of_use
    if area is None or not len(x):
        return True
    lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(np.nanmedian(x), np.nanmedian(y),
                                                                                 errcheck=False)
    return bool(np.isfinite(lon) and np.isfinite(lat) and area.west - 3 <= lon <= area.east + 3
                and area.south - 3 <= lat <= area.north + 3)


# --------------------------------------------------------------------------------------------
# public


def _sheets_with_coordinates(sheets: dict[str, object], wanted: Mapping[str, str] | None) -> list[str]:
    return [name for name, ws in sheets.items()
            if _header_row(_trim(_sheet_rows(ws, _HEADER_SCAN_ROWS)), wanted) is not None]


def list_table_layers(path: str | os.PathLike) -> pd.DataFrame:
    """The layers of a table file (``name``, ``geometry_type``): its sheets (an Excel workbook) or
    the file itself (CSV); ``Point`` where coordinate columns are found, else None."""
    path = Path(path)
    _refuse(path)
    if path.suffix.lower() in _EXCEL:
        with _excel_sheets(path, str(path)) as sheets:
            with_xy = _sheets_with_coordinates(sheets, None)
        rows = [{"name": name, "geometry_type": "Point" if name in with_xy else None} for name in sheets]
    else:
        rows_ = _head(_frame(_csv_rows(path, None, str(path))[0]))
        rows = [{"name": path.stem, "geometry_type": "Point" if _header_row(rows_, None) is not None else None}]
    return pd.DataFrame(rows, columns=["name", "geometry_type"])


def table_columns(path: str | os.PathLike, layer: str | None = None) -> list[str]:
    """The column names of a table (its header: the coordinate row, else the first row of two or more
    names) — for mapping widgets, which need them even when no coordinate columns are found."""
    path = Path(path)
    rows = _head(_raw(path, layer, None, str(path), None)[0])
    header = _header_row(rows, None)
    if header is None:
        header = next((r for r, row in enumerate(rows[:_HEADER_SCAN_ROWS]) if sum(not _blank(v) for v in row) >= 2),
                      None)
    return [] if header is None else _column_names(rows, header)[0]


def _raw(path: Path, layer: str | None, encoding: str | None, label: str, wanted: Mapping[str, str] | None
         ) -> tuple[pd.DataFrame, str, str | None, list[dict]]:
    """(cells, layer name, encoding, notes) of a CSV or of one sheet of a workbook."""
    _refuse(path)
    if path.suffix.lower() not in _EXCEL:
        if layer is not None and layer != path.stem:
            raise LayerError("err_csv_one_table", label=label, stem=path.stem, layer=layer)
        rows, used, notes = _csv_rows(path, encoding, label, wanted)
        return _frame(rows), path.stem, used, notes
    with _excel_sheets(path, label) as sheets:
        if not sheets:
            raise LayerError("err_xlsx_no_sheets", label=label)
        if layer is not None:
            if layer not in sheets:
                raise LayerError("err_xlsx_no_such_sheet", label=label, layer=layer, sheets=", ".join(sheets))
            return _frame(_sheet_rows(sheets[layer])), layer, None, []
        if len(sheets) == 1:
            name = next(iter(sheets))
            return _frame(_sheet_rows(sheets[name])), name, None, []
        with_xy = _sheets_with_coordinates(sheets, wanted)
        if len(with_xy) == 1:
            name = with_xy[0]
            note = {"severity": "warning", "code": "sheet_chosen",
                    "message": Message("val_sheet_chosen", n=len(sheets), name=name,
                                       sheets=Joined(list(sheets), LIST_SEP))}
            return _frame(_sheet_rows(sheets[name])), name, None, [note]
        listed = [Message("err_sheet_with_xy" if n in with_xy else "err_sheet", name=n) for n in sheets]
        raise LayerError("err_xlsx_several", label=label, n=len(sheets), sheets=listed, file=path.name,
                         example=(with_xy or list(sheets))[0])


def _head(grid: pd.DataFrame) -> list[list[object]]:
    """The rows where a header can be (the first few), as lists."""
    return grid.iloc[:_HEADER_SCAN_ROWS].values.tolist()


def read_table(
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    crs: str | int | pyproj.CRS | None = None,
    encoding: str | None = None,
    coordinates: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read a CSV or one sheet of an Excel workbook as a point layer.

    Parameters
    ----------
    path : ``.csv``/``.tsv``/``.txt`` or ``.xlsx``/``.xlsm``.
    layer : the sheet of a workbook (required when several sheets have coordinate columns).
    crs : the CRS of the coordinates. Lon/lat columns default to WGS84 (EPSG:4326) and accept a
        geographic CRS (e.g. EPSG:4490); x/y columns require it.
    encoding : the text encoding of a CSV (checked against the bytes; by default detected).
    coordinates : the coordinate columns by role, ``{"lon": …, "lat": …}`` or ``{"x": …, "y": …}``,
        when they have other names than :data:`COORDINATE_NAMES`.

    Returns
    -------
    GeoDataFrame of points (None where a row has no coordinates) with the other columns as
    attributes, in ``crs``; ``attrs`` as described in the module docstring.

    Raises
    ------
    LayerError
        No coordinate columns (listing the columns found and the names accepted), ambiguous ones,
        a sheet to choose, x/y without a CRS, a coordinate that is not a number (naming its row),
        an encoding that does not decode.
    """
    path = Path(path)
    label = f"{path}" + (f", sheet '{layer}'" if layer else "")
    stated = pyproj.CRS.from_user_input(crs) if crs is not None else None
    wanted = dict(coordinates) if coordinates else None
    if wanted and not ({"lon", "lat"} <= set(wanted) or {"x", "y"} <= set(wanted)):
        raise LayerError("err_map_both_coordinates", label=label, got=", ".join(f"{k}={v}" for k, v in wanted.items()))
    grid, name, used_encoding, notes = _raw(path, layer, encoding, label, wanted)
    if path.suffix.lower() in _EXCEL:
        label = f"{path}, sheet '{name}'"
    if grid.empty:
        raise LayerError("err_table_empty", label=label)
    rows = _head(grid)
    header = _header_row(rows, wanted)
    if header is None:
        raise _no_coordinates(label, rows, wanted)
    names, name_notes = _column_names(rows, header)
    notes += name_notes
    kind, xcol, ycol = _choose_pair(_find_pair(rows[header], wanted), names, stated, label)
    data = grid.iloc[header + 1:].reset_index(drop=True)
    first_row = header + 2  # spreadsheet row of the first data row (rows are 1-based)
    xs, bad_x = _coordinates(data[data.columns[xcol]], names[xcol], first_row)
    ys, bad_y = _coordinates(data[data.columns[ycol]], names[ycol], first_row)
    bad = sorted(bad_x + bad_y, key=lambda b: b[0])
    if bad:
        listed = [Message("err_cell", row=r, column=c, value=repr(v)) for r, c, v in bad[:10]]
        more = Message("err_more_in_all", n=len(bad)) if len(bad) > 10 else ""
        raise LayerError("err_coordinates_not_numbers", label=label, cells=Joined(listed, {"zh": "；", "en": "; "}),
                         more=more)
    if len(data) and np.isnan(xs).all() and np.isnan(ys).all():
        raise LayerError("err_coordinates_empty", label=label, x=names[xcol], y=names[ycol])
    if kind == "lonlat":
        target = stated or pyproj.CRS.from_epsg(4326)
    else:
        assert stated is not None  # _choose_pair refuses x/y columns without a stated CRS
        target = stated
        if not stated.is_geographic and not _fits_area(stated, xs, ys) and _fits_area(stated, ys, xs):
            xs, ys = ys, xs
            notes.append({"severity": "repaired", "code": "xy_swapped",
                          "message": Message("val_xy_swapped", x=names[xcol], y=names[ycol], crs=stated.name)})
    attributes = {}
    for c, col_name in enumerate(names):
        if c in (xcol, ycol):
            continue
        attributes[col_name] = _column(col_name, data[data.columns[c]])
    present = np.isfinite(xs) & np.isfinite(ys)
    geoms = np.full(len(data), None, dtype=object)
    geoms[present] = shapely.points(xs[present], ys[present])
    gdf = gpd.GeoDataFrame(pd.DataFrame(attributes, index=pd.RangeIndex(len(data))), geometry=geoms, crs=target)
    gdf.attrs.update(layer=name, first_row=first_row, coordinate_columns=(names[xcol], names[ycol]),
                     read_notes=notes, table=True)
    if used_encoding is not None:
        gdf.attrs["encoding"] = used_encoding.upper().replace("-SIG", "")
    return gdf
