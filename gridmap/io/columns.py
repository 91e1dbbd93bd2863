"""Column names of a layer as gridmap knows them: the user's mapping, then case-insensitive matching.

A layer from KML has ``Name``, an Excel 台账 ``Households`` or `` households `` (a stray space), a
Shapefile ``ZONE_ID``: gridmap's names (docs/design.md §2) are matched to the file's by
:func:`match_columns` after the user's own mapping (``--map households=户数``):

* an exact name always wins;
* otherwise a column whose name equals gridmap's after trimming and case-folding (NFKC, so
  full-width letters too) is renamed, and the renaming is reported;
* two or more such columns (``NAME`` and ``Name``) and no exact one is a named error — gridmap
  does not guess which one holds the data; when the exact name is there too (``name`` and
  ``Name``) the exact one is used and the other is reported as left as it is.

A mapping's source column (``户数`` in ``households=户数``) is found the same way: exactly, else
case-insensitively when that is unambiguous. Mapped ``lon``/``lat``/``x``/``y`` name the coordinate
columns of a table (:func:`gridmap.io.tables.read_table`) and are not renamed here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import geopandas as gpd

from gridmap.io.validate import KINDS, SPECIAL_GROUPS, LayerError
from gridmap.vocab import Message

__all__ = ["COORDINATE_ROLES", "known_columns", "find_column", "match_columns"]

#: Mapping targets that name a table's coordinate columns instead of renaming a column.
COORDINATE_ROLES = ("lon", "lat", "x", "y")

#: Optional columns the core reads from each kind of layer, beyond the schema's own.
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "study_area": ("street", "district", "county_code", "street_code", "community_code"),
    "zones": (),
    "residents": (*SPECIAL_GROUPS, "building_id", "resident_id", "area_id", "name", "address"),
    "centers": ("kind", "capacity", "services", "area_id"),
}


def known_columns(kind: str | None) -> tuple[str, ...]:
    """Gridmap's column names for a kind of layer (every kind's when ``kind`` is None)."""
    kinds = [kind] if kind else list(KINDS)
    names: list[str] = []
    for k in kinds:
        schema = KINDS[k]
        for col in (*schema.required, *([schema.id_column] if schema.id_column else []), *schema.counts,
                    *schema.codes, *_OPTIONAL.get(k, ())):
            if col not in names:
                names.append(col)
    return tuple(names)


def _fold(name: object) -> str:
    return unicodedata.normalize("NFKC", str(name)).strip().casefold()


def find_column(columns, wanted: str) -> tuple[str | None, list[str]]:
    """(the column to use for ``wanted``, every column that matches it when folded).

    The exact name if present; else the one column equal after trimming and case-folding; None
    when there is none or several (the second item then lists them).
    """
    names = [str(c) for c in columns]
    folded = [c for c in names if _fold(c) == _fold(wanted)]
    if wanted in names:
        return wanted, folded
    return (folded[0] if len(folded) == 1 else None), folded


def _note(severity: str, code: str, message: Message, column: str | None = None) -> dict:
    return {"severity": severity, "code": code, "message": message, "column": column}


def match_columns(
    gdf: gpd.GeoDataFrame,
    kind: str | None,
    column_map: Mapping[str, str] | None = None,
    map_if_present: Mapping[str, str] | None = None,
    *,
    label: str = "<data>",
    match_known: bool = True,
) -> tuple[gpd.GeoDataFrame, list[dict], dict[str, str]]:
    """Apply the user's mapping, then match gridmap's names case-insensitively.

    Parameters
    ----------
    gdf : the layer as read (a plain DataFrame too: a table of people has no geometry).
    kind : the kind of layer (its schema's names are matched), or None for every kind's names.
    column_map : gridmap's name → the file's; each source column must be in the file.
    map_if_present : the same, applied only where the source column is in the file (a mapping
        given for every input at once).
    label : the file (and layer) named in messages.
    match_known : also match gridmap's names of ``kind`` case-insensitively (off for tables that are
        not layers of a kind, such as the notices' staff table, which only take the user's mapping).

    Returns
    -------
    (renamed copy, notes for the report, the mapping applied ``{ours: theirs}``). Coordinate
    roles (``lon``, ``lat``, ``x``, ``y``) are left to the table reader and never renamed.

    Raises
    ------
    LayerError
        A mapped column missing from the file, a mapped name the file already holds under another
        column, or a name that matches several columns only case-insensitively.
    """
    geometry = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
    columns = [c for c in gdf.columns if c != geometry]
    renames: dict[str, str] = {}
    applied: dict[str, str] = {}
    notes: list[dict] = []
    entries = [(ours, theirs, True) for ours, theirs in (column_map or {}).items()]
    entries += [(ours, theirs, False) for ours, theirs in (map_if_present or {}).items()
                if ours not in (column_map or {})]
    coordinates = set(gdf.attrs.get("coordinate_columns") or ())
    for ours, theirs, required in entries:
        if ours in COORDINATE_ROLES and gdf.attrs.get("table"):
            if theirs in coordinates or find_column(coordinates, theirs)[0] is not None:
                applied[ours] = theirs
            continue
        found, candidates = find_column(columns, theirs)
        if found is None:
            if len(candidates) > 1:
                raise LayerError("err_mapped_case", label=label, theirs=theirs, candidates=", ".join(candidates))
            if required:
                raise LayerError("err_mapped_missing", label=label, theirs=theirs, ours=ours,
                                 columns=", ".join(map(str, columns)))
            continue
        if ours in columns and ours != found:
            if required:
                raise LayerError("err_mapped_clash", label=label, ours=ours, found=found)
            raise LayerError("err_mapped_clash_scope", label=label, ours=ours, found=found, theirs=theirs)
        if ours in renames.values():
            raise LayerError("err_mapped_twice", label=label, ours=ours)
        renames[found] = ours
        applied[ours] = theirs
    renamed = set(renames.values())
    taken = set(columns) - set(renames) | renamed
    for ours in known_columns(kind) if match_known else ():
        if ours in taken:
            others = [c for c in columns if c not in renames and c != ours and _fold(c) == _fold(ours)]
            if others and ours not in renamed:
                also = ", ".join(map(repr, others))
                notes.append(_note("warning", "column_case", Message("val_column_case", ours=ours, also=also), ours))
            continue
        free = [c for c in columns if c not in renames]
        found, candidates = find_column(free, ours)
        if found is None and len(candidates) > 1:
            raise LayerError("err_columns_case", label=label, candidates=", ".join(map(repr, candidates)), ours=ours)
        if found is not None:
            renames[found] = ours
            taken.add(ours)
            notes.append(_note("repaired", "column_matched", Message("val_column_matched", found=found, ours=ours),
                               ours))
    out = gdf.rename(columns=renames) if renames else gdf
    return out, notes, applied
