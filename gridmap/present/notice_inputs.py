"""The tables a 公示 notice shows: grid staff (网格长/网格员) and micro grids (微网格, 楼栋长).

Both are inputs issue 16 defines for the staffing work that will produce them; here they are read
and checked, so that a notice can show them and a broken table stops with a message naming the
file, the row and the column.

Staff table (CSV in UTF-8 or GBK/GB18030, Excel ``.xlsx``, or a layer of a GeoPackage/GeoJSON/
Shapefile, whose geometry is ignored), one row per person and grid:

============== ==========================================================================
``staff_id``   the person's id (the same person may serve several grids: one row each)
``name``       name (姓名)
``phone``      phone (电话), kept as text (leading zeros, ``025-…``)
``role``       ``网格长`` or ``网格员``
``grid_code``  the grid's 15-digit code
``photo``      optional: a JPEG/PNG path, relative to the table's folder (or absolute)
============== ==========================================================================

Micro-grid layer (polygons with a CRS): ``micro_code`` (the grid code + 2 digits), ``grid_code``,
``households``, optional ``building_head`` (楼栋长) and ``building_head_phone``.

Rows are named as a spreadsheet shows them: the header is row 1, the first person row 2.
A photo that is missing or cannot be read is a warning (the notice shows a placeholder), never
an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap.io.columns import match_columns
from gridmap.io.validate import LayerError
from gridmap.vocab import Joined, Message

__all__ = ["STAFF_COLUMNS", "STAFF_ROLES", "MICRO_COLUMNS", "StaffTableError", "MicroGridError", "StaffTable",
           "read_staff_table", "check_staff_table", "read_micro_grids", "check_micro_grids", "check_photo"]

#: Required columns of a staff table (``photo`` is optional).
STAFF_COLUMNS = ("staff_id", "name", "phone", "role", "grid_code")
#: The roles a staff row may have, in the order a notice lists them.
STAFF_ROLES = ("网格长", "网格员")
#: Required columns of a micro-grid layer (``building_head``, ``building_head_phone`` are optional).
MICRO_COLUMNS = ("micro_code", "grid_code", "households")

_GRID_CODE = re.compile(r"^\d{15}$")
_MICRO_CODE = re.compile(r"^\d{17}$")
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_TABLE_SUFFIXES = (".csv", ".txt")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_MAX_LISTED = 8


class StaffTableError(LayerError):
    """The staff table cannot be used; the message names the file, rows and columns."""


class MicroGridError(LayerError):
    """The micro-grid layer cannot be used; the message names the file, micro grids and columns."""


@dataclass
class StaffTable:
    """A checked staff table and what looked odd in it.

    ``table`` has the columns of :data:`STAFF_COLUMNS`, ``photo`` (as written) and ``photo_path``
    (absolute path or ``""``) and ``row`` (the spreadsheet row); ``warnings`` are sentences;
    ``column_map_applied`` the column mappings that applied (gridmap's name → the table's).
    """

    table: pd.DataFrame
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    column_map_applied: dict[str, str] = field(default_factory=dict)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text: empty for missing, ``13800000000`` for a number Excel stored as ``13800000000.0``."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    text = text.replace({"nan": "", "None": "", "NaN": ""})
    return text.str.replace(_FLOAT_INT, r"\1", regex=True)


def _rows(rows: np.ndarray) -> Message:
    """``row 7`` or ``rows 2, 5, 9`` (at most :data:`_MAX_LISTED` numbers, then how many more)."""
    shown = ", ".join(str(int(r)) for r in rows[:_MAX_LISTED])
    more = Message("err_and_more", n=len(rows) - _MAX_LISTED) if len(rows) > _MAX_LISTED else ""
    return Message("err_row" if len(rows) == 1 else "err_rows", rows=shown, more=more)


def _read_csv(path: Path) -> pd.DataFrame:
    last: Exception | None = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise StaffTableError("err_staff_csv", path=path, detail=str(exc)) from exc
    raise StaffTableError("err_staff_encoding", path=path, detail=str(last))


def _read_table(path: Path, layer: str | None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        return _read_csv(path)
    if suffix in _EXCEL_SUFFIXES:
        try:
            return pd.read_excel(path, sheet_name=layer or 0, dtype=object)
        except ValueError as exc:  # e.g. no such sheet
            raise StaffTableError("err_staff_sheet", path=path, detail=str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
            raise StaffTableError("err_xlsx_unreadable", label=path, detail=f"{type(exc).__name__}: {exc}") from exc
    if suffix == ".xls":
        raise StaffTableError("err_staff_xls", path=path)
    try:
        if layer is not None:
            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            if layer not in names:
                raise StaffTableError("err_no_such_layer", label=path, layer=layer, layers=", ".join(names))
        return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    except StaffTableError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL's errors for an unreadable file
        raise StaffTableError("err_staff_unreadable", path=path, detail=str(exc)) from exc


def _renamed(frame: pd.DataFrame, column_map: Mapping[str, str] | None, where: str,
             error: type[LayerError], map_if_present: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with the table's column names mapped to gridmap's, by the one column mapping of the
    readers (:func:`gridmap.io.columns.match_columns`: every ``column_map`` entry must find its column,
    a ``map_if_present`` entry applies where its column exists), its refusal raised as ``error``. What
    applied is in ``attrs["column_map_applied"]`` (gridmap's name → the table's)."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    try:
        out, _, applied = match_columns(frame, None, column_map, map_if_present, label=where, match_known=False)
    except LayerError as exc:
        raise error(exc.message) from exc
    out.attrs["column_map_applied"] = dict(applied)
    return out


def check_photo(path: str | os.PathLike) -> str | None:
    """Why the photo at ``path`` cannot be shown (a sentence), or None when Pillow can read it."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        return f"photo {path} not found"
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        return f"photo {path} cannot be read as an image ({exc}); save it as JPEG or PNG"
    return None


def check_staff_table(frame: pd.DataFrame, *, source: str = "<staff>", base: str | os.PathLike | None = None,
                      column_map: Mapping[str, str] | None = None, check_photos: bool = True,
                      map_if_present: Mapping[str, str] | None = None) -> StaffTable:
    """Check a staff table already read (see the module docstring); raise :class:`StaffTableError`.

    Parameters
    ----------
    frame : the table as read, one row per person and grid (row ``i`` is spreadsheet row ``i + 2``).
    source : the file named in messages.
    base : the folder relative photo paths start from (default: the current folder).
    column_map : gridmap's column name → the table's (e.g. ``{"name": "姓名"}``).
    check_photos : open every photo once, so missing ones are warned about before rendering.
    map_if_present : mappings that apply only where the table has the column (an unscoped ``--map``).
    """
    frame = _renamed(frame, column_map, source, StaffTableError, map_if_present)
    applied = frame.attrs["column_map_applied"]
    frame = frame.reset_index(drop=True)
    missing = [c for c in STAFF_COLUMNS if c not in frame.columns]
    if missing:
        raise StaffTableError("err_staff_columns", source=source, missing=", ".join(missing),
                              needed=", ".join(STAFF_COLUMNS),
                              present=", ".join(map(str, frame.columns)) or Message("err_none"))
    table = pd.DataFrame({c: _as_text(frame[c]) for c in STAFF_COLUMNS})
    table["photo"] = _as_text(frame["photo"]) if "photo" in frame.columns else ""
    table["row"] = np.arange(len(table)) + 2
    problems = []
    for column in ("staff_id", "name", "role", "grid_code"):
        empty = table["row"].to_numpy()[table[column].eq("").to_numpy()]
        if len(empty):
            problems.append(Message("err_staff_empty", rows=_rows(empty), column=column))
    bad_role = table["role"].ne("") & ~table["role"].isin(STAFF_ROLES)
    if bad_role.any():
        found = ", ".join(sorted(set(table.loc[bad_role, "role"]))[:5])
        problems.append(Message("err_staff_role", rows=_rows(table.loc[bad_role, "row"].to_numpy()), found=found))
    bad_code = table["grid_code"].ne("") & ~table["grid_code"].str.match(_GRID_CODE)
    if bad_code.any():
        codes = table.loc[bad_code, "grid_code"]
        hint = Message("err_staff_scientific") if codes.str.match(_SCIENTIFIC).any() else ""
        problems.append(Message("err_staff_code", rows=_rows(table.loc[bad_code, "row"].to_numpy()),
                                found=", ".join(codes.head(3)), hint=hint))
    dup = table.duplicated(["staff_id", "grid_code"], keep=False) & table["staff_id"].ne("")
    if dup.any():
        problems.append(Message("err_staff_twice", rows=_rows(table.loc[dup, "row"].to_numpy())))
    names = table[table["staff_id"].ne("")].groupby("staff_id")["name"].nunique()
    for staff_id in names.index[names > 1][:_MAX_LISTED]:
        rows = table.loc[table["staff_id"].eq(staff_id), "row"].to_numpy()
        names_given = ", ".join(sorted(set(table.loc[table["staff_id"].eq(staff_id), "name"])))
        problems.append(Message("err_staff_names", rows=_rows(rows), staff_id=staff_id, names=names_given))
    if problems:
        raise StaffTableError("err_staff_problems", source=source, problems=Joined(problems, "\n  "))
    warnings = []
    no_phone = table["phone"].eq("")
    if no_phone.any():
        warnings.append(f"{source}: {_rows(table.loc[no_phone, 'row'].to_numpy())}: no phone; "
                        "the notice shows 未填写")
    folder = Path(base) if base is not None else Path.cwd()
    has_photo = table["photo"].ne("")
    table["photo_path"] = ""
    table.loc[has_photo, "photo_path"] = [str((folder / p).resolve()) for p in table.loc[has_photo, "photo"]]
    if check_photos:
        for row, path in zip(table.loc[has_photo, "row"], table.loc[has_photo, "photo_path"], strict=True):
            why = check_photo(path)
            if why:
                warnings.append(f"{source}: row {row}: {why}; the notice shows a placeholder")
    return StaffTable(table=table, source=source, warnings=warnings, column_map_applied=dict(applied))


def read_staff_table(path: str | os.PathLike, layer: str | None = None, *,
                     column_map: Mapping[str, str] | None = None, check_photos: bool = True,
                     map_if_present: Mapping[str, str] | None = None) -> StaffTable:
    """Read and check a staff table (CSV, ``.xlsx`` sheet, or a layer: ``layer`` names the sheet or
    layer); photo paths are taken relative to the table's folder. Raises :class:`StaffTableError`."""
    path = Path(path)
    if not path.is_file():
        raise StaffTableError("err_staff_no_file", path=path, columns=", ".join(STAFF_COLUMNS))
    frame = _read_table(path, layer)
    return check_staff_table(frame, source=str(path) + (f"#{layer}" if layer else ""), base=path.parent,
                             column_map=column_map, check_photos=check_photos, map_if_present=map_if_present)


def check_micro_grids(gdf: gpd.GeoDataFrame, *, source: str = "<micro grids>",
                      column_map: Mapping[str, str] | None = None,
                      map_if_present: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """Check a micro-grid layer already read (see the module docstring); raise :class:`MicroGridError`.

    Returns a copy with ``micro_code``, ``grid_code``, ``building_head``, ``building_head_phone`` as
    text (empty where absent) and ``households`` as integers. Geometry must be (multi)polygons in a
    declared CRS; the generic checks and repairs are :func:`gridmap.io.validate.validate_layer`'s.
    """
    from gridmap.io.validate import validate_layer

    gdf = _renamed(gdf, column_map, source, MicroGridError, map_if_present)
    applied = gdf.attrs["column_map_applied"]
    missing = [c for c in MICRO_COLUMNS if c not in gdf.columns]
    if missing:
        raise MicroGridError("err_micro_columns", source=source, missing=", ".join(missing),
                             needed=", ".join(MICRO_COLUMNS), present=", ".join(map(str, gdf.columns)))
    gdf, report = validate_layer(gdf, None, source=source)
    try:
        report.raise_for_errors()
    except LayerError as exc:
        raise MicroGridError(exc.message, exc.report) from exc
    out = gdf.copy()
    for column in ("micro_code", "grid_code", "building_head", "building_head_phone"):
        out[column] = _as_text(out[column]) if column in out.columns else ""
    problems = []
    bad = ~out["micro_code"].str.match(_MICRO_CODE)
    if bad.any():
        problems.append(Message("err_micro_code", codes=", ".join(out.loc[bad, "micro_code"].head(5))))
    bad = ~out["grid_code"].str.match(_GRID_CODE)
    if bad.any():
        problems.append(Message("err_micro_grid_code", codes=", ".join(out.loc[bad, "grid_code"].head(5))))
    prefix = out["micro_code"].str[:15] != out["grid_code"]
    if prefix.any():
        shown = out.loc[prefix, ["micro_code", "grid_code"]].head(5)
        pairs = [Message("err_micro_in_grid", micro=m, grid=g) for m, g in shown.itertuples(index=False)]
        problems.append(Message("err_micro_prefix", pairs=pairs))
    dup = out["micro_code"].duplicated(keep=False)
    if dup.any():
        problems.append(Message("err_micro_twice", codes=", ".join(sorted(set(out.loc[dup, "micro_code"]))[:5])))
    households = pd.to_numeric(out["households"], errors="coerce")
    bad = households.isna() | (households < 0) | (households != np.floor(households))
    if bad.any():
        problems.append(Message("err_micro_households", codes=", ".join(out.loc[bad, "micro_code"].head(5))))
    kinds = shapely.get_type_id(out.geometry.to_numpy())
    bad = ~np.isin(kinds, (3, 6))
    if bad.any():
        problems.append(Message("err_micro_polygons", codes=", ".join(out.loc[bad, "micro_code"].head(5))))
    if problems:
        raise MicroGridError("err_micro_problems", source=source, problems=Joined(problems, "\n  "))
    out["households"] = households.astype(np.int64)
    out.attrs["column_map_applied"] = dict(applied)
    return out


def read_micro_grids(path: str | os.PathLike, layer: str | None = None, *, crs=None, source: str | None = None,
                     column_map: Mapping[str, str] | None = None,
                     map_if_present: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """Read and check a micro-grid layer (GeoPackage ``layer``, GeoJSON, Shapefile …); ``crs`` is the
    CRS to assume when the file has none, ``source`` the web map lon/lat came from (as for
    :func:`gridmap.io.files.read_layer`). Raises :class:`MicroGridError`."""
    from gridmap.io.files import read_layer

    try:
        gdf = read_layer(path, layer, crs=crs, source=source)
    except LayerError as exc:
        raise MicroGridError(exc.message) from exc
    return check_micro_grids(gdf, source=str(path) + (f"#{layer}" if layer else ""), column_map=column_map,
                             map_if_present=map_if_present)
