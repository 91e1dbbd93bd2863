"""Reading options for the named inputs of one run: each given for every input, or scoped to one.

A command reads several inputs — ``residents``, ``centers``, ``area`` (the study area), each zone
layer by its name (``--zones party=…`` is ``party``), ``grids``, ``candidates`` — and the user's
options may concern only one of them:

* ``--map residents:households=户数`` renames 户数 in the residents only (and 户数 must be there);
  ``--map households=户数`` applies to every input that has a column 户数, and is an error when
  none has it (a mapping that changed nothing is a mistake the user must hear about);
* ``--crs residents:EPSG:4547`` states the CRS of one input (the x/y columns of a table, say,
  while the zone layers declare theirs); ``--crs EPSG:4490`` states it for every input;
* ``--source centers:gcj02`` converts one input traced on 高德/腾讯 maps; ``--source gcj02`` all.

A scope is the word before the first ``:`` when it names an input of the command; a scope that
names none is an error listing the valid ones. ``EPSG:4547`` (any CRS authority, or ``urn:``) is
never read as a scope. A scoped option wins over an unscoped one for its input.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pyproj

from gridmap.io.files import load_layer
from gridmap.io.validate import LayerError, ValidationReport
from gridmap.vocab import Joined, Message

__all__ = ["InputOptions", "split_scope", "looks_scoped"]

_WORD = re.compile(r"^\w+$")
_CRS_PREFIXES = {"epsg", "esri", "iau_2015", "ignf", "nkg", "nrcan", "ogc", "proj", "urn", "http", "https"}


def looks_scoped(text: str, *, crs: bool = False) -> bool:
    """Whether ``text`` starts with ``WORD:`` that can only be a scope (not a CRS authority)."""
    head, sep, rest = text.partition(":")
    if not sep or not rest or not _WORD.match(head.strip()):
        return False
    return not (crs and head.strip().casefold() in _CRS_PREFIXES)


def split_scope(text: str, scopes: Iterable[str], option: str, *, crs: bool = False,
                shown: str | None = None) -> tuple[str | None, str]:
    """``SCOPE:VALUE`` → (scope, value); an unscoped value → (None, value).

    Raises :class:`LayerError` for a scope that is none of ``scopes`` (naming the option value
    ``shown``, by default ``text``).
    """
    if not looks_scoped(text, crs=crs):
        return None, text.strip()
    head, _, rest = text.partition(":")
    head = head.strip()
    valid = list(scopes)
    if head not in valid:
        raise LayerError("err_scope_unknown", option=option, given=shown or text, head=head,
                         scopes=", ".join(valid) or Message("err_none_paren"))
    return head, rest.strip()


@dataclass
class _MapEntry:
    scope: str | None
    ours: str
    theirs: str
    text: str
    used: bool = False


def _parse_map(item: str, scopes: list[str]) -> _MapEntry:
    left, eq, theirs = item.partition("=")
    if not eq or not left.strip() or not theirs.strip():
        raise LayerError("err_map_syntax", item=repr(item))
    scope, ours = split_scope(left, scopes, "--map", shown=item)
    return _MapEntry(scope, ours.strip(), theirs.strip(), item)


class InputOptions:
    """The reading options (``--crs``, ``--source``, ``--map``, ``--drop-empty``) of one command run.

    Parameters
    ----------
    scopes : the names of the command's inputs (``residents``, ``centers``, ``area``, zone names…).
    crs, source : the option values as given (a string or a list of them), each unscoped or
        ``SCOPE:VALUE``.
    maps : the ``--map`` values, ``OURS=THEIRS`` or ``SCOPE:OURS=THEIRS``.
    drop_empty : leave out features with no geometry (listed) in every input.

    Raises
    ------
    LayerError
        A malformed mapping, an unknown scope, a CRS pyproj does not know, the same column or
        option given twice for one scope.
    """

    def __init__(self, scopes: Iterable[str], *, crs: str | list[str] | None = None,
                 source: str | list[str] | None = None, maps: Iterable[str] | None = None, drop_empty: bool = False):
        self.scopes = list(dict.fromkeys(scopes))
        self.drop_empty = drop_empty
        self._columns: dict[str, list[str]] = {}  # the columns of each input read, for messages
        self._crs = self._scoped_values(crs, "--crs", crs=True)
        for scope, value in self._crs.items():
            try:
                pyproj.CRS.from_user_input(value)
            except pyproj.exceptions.CRSError as exc:
                where = Message("err_for_input", scope=scope) if scope else ""
                raise LayerError("err_crs_option", value=value, where=where, detail=str(exc)) from exc
        self._source = self._scoped_values(source, "--source")
        self._maps = [_parse_map(item, self.scopes) for item in (maps or [])]
        seen: set[tuple[str | None, str]] = set()
        for entry in self._maps:
            key = (entry.scope, entry.ours)
            if key in seen:
                where = Message("err_for_input_plain", scope=entry.scope) if entry.scope else ""
                raise LayerError("err_map_twice", ours=entry.ours, where=where, text=entry.text)
            seen.add(key)

    @classmethod
    def from_args(cls, args, scopes: Iterable[str]) -> InputOptions:
        """From parsed arguments (``crs``/``crs_items``, ``source``/``source_items``, ``map``, ``drop_empty``)."""
        return cls(scopes, crs=getattr(args, "crs_items", None) or getattr(args, "crs", None),
                   source=getattr(args, "source_items", None) or getattr(args, "source", None),
                   maps=getattr(args, "map", None), drop_empty=bool(getattr(args, "drop_empty", False)))

    def _scoped_values(self, values: str | list[str] | None, option: str, *, crs: bool = False
                       ) -> dict[str | None, str]:
        out: dict[str | None, str] = {}
        for text in [values] if isinstance(values, str) else (values or []):
            scope, value = split_scope(text, self.scopes, option, crs=crs)
            if scope in out and out[scope] != value:
                where = Message("err_for_input_plain", scope=scope) if scope else ""
                raise LayerError("err_option_twice", option=option, where=where, first=out[scope], second=value)
            out[scope] = value
        return out

    def crs(self, scope: str) -> str | None:
        """The CRS stated for ``scope`` (its own, else the unscoped one)."""
        return self._crs.get(scope, self._crs.get(None))

    def source(self, scope: str) -> str | None:
        """The web-map source stated for ``scope`` (``wgs84`` means none)."""
        value = self._source.get(scope, self._source.get(None))
        return None if value in (None, "", "wgs84") else value

    def maps(self, scope: str) -> tuple[dict[str, str], dict[str, str]]:
        """(mapping that must apply, mapping that applies where the column exists) for ``scope``."""
        required = {e.ours: e.theirs for e in self._maps if e.scope == scope}
        optional = {e.ours: e.theirs for e in self._maps if e.scope is None and e.ours not in required}
        return required, optional

    def layer_options(self, scope: str) -> dict:
        """:func:`gridmap.io.files.load_layer` keywords for the input ``scope``."""
        required, optional = self.maps(scope)
        return {"crs": self.crs(scope), "source": self.source(scope), "column_map": required or None,
                "map_if_present": optional or None, "drop_empty": self.drop_empty}

    def record_applied(self, scope: str, applied: dict[str, str]) -> None:
        """Mark the mappings applied to the input ``scope`` (``attrs['column_map_applied']`` of a layer read)."""
        for entry in self._maps:
            if entry.scope in (None, scope) and applied.get(entry.ours) == entry.theirs:
                entry.used = True

    def load(self, path: str | os.PathLike, kind: str | None, layer: str | None, scope: str
             ) -> tuple[gpd.GeoDataFrame, ValidationReport]:
        """Read and check the input ``scope`` (:func:`gridmap.io.files.load_layer`) with its options."""
        gdf, report = load_layer(path, kind, layer, **self.layer_options(scope))
        self.record_applied(scope, gdf.attrs.get("column_map_applied", {}))
        self._columns[scope] = [str(c) for c in gdf.columns if c != gdf.geometry.name]
        return gdf, report

    def read(self, path: str | os.PathLike, layer: str | None, scope: str) -> gpd.GeoDataFrame:
        """Read the input ``scope`` that has no schema (grids to summarise by, candidate sites): its
        CRS, source and mapping apply, columns are matched regardless of case, and the generic
        checks (CRS, geometry, coordinates) run."""
        return self.load(path, None, layer, scope)[0]

    def check_all_used(self) -> None:
        """Raise :class:`LayerError` for a mapping that applied to no input (after every input is read)."""
        unused = [e for e in self._maps if not e.used]
        if not unused:
            return
        lines = [Message("err_map_unused_scope", text=e.text, scope=e.scope) if e.scope
                 else Message("err_map_unused", text=e.text, theirs=e.theirs) for e in unused]
        found = [Message("err_columns_of", scope=scope, columns=", ".join(cols))
                 for scope, cols in self._columns.items()]
        semicolons = {"zh": "；", "en": "; "}
        raise LayerError("err_map_unused_all", lines=Joined(lines, semicolons),
                         found=Message("err_in_brackets", text=Joined(found, semicolons)) if found else "")
