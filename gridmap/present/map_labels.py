"""The texts of the maps in Chinese and English: layer names, legends and tooltip column names.

The texts themselves are in the one catalog, :data:`gridmap.vocab.CATALOG` (the map part is
:data:`gridmap.vocab.maps.MAP_TEXT`, re-exported here); every map builder
(:mod:`~gridmap.present.coverage_map`, :mod:`~gridmap.present.access_map`,
:mod:`~gridmap.present.siting_map`, :mod:`~gridmap.present.plan_map`) reads them through :func:`text`,
:func:`field_label` and :func:`layer_label`, as does the app, so a layer or column has one name
wherever it is shown. Keys: ``layer_<layer>`` (layer names, ``zones_<name>`` for zone layers),
``field_<column>`` (columns), and the legends of each map. A language missing falls back to Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence

from gridmap.vocab import CATALOG, DEFAULT_LANGUAGE
from gridmap.vocab import text as vocab_text
from gridmap.vocab.maps import MAP_TEXT

__all__ = ["MAP_TEXT", "DEFAULT_LANGUAGE", "text", "field_label", "aliases", "layer_label"]


def text(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (:func:`gridmap.vocab.text`, Chinese by default)."""
    return vocab_text(key, lang, **fmt)


def field_label(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of a column (``field_<column>``); a column the table does not know keeps its name."""
    key = f"field_{column}"
    return text(key, lang) if key in CATALOG else column


def aliases(columns: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """:func:`field_label` of each column: the tooltip names of a map layer."""
    return [field_label(c, lang) for c in columns]


def layer_label(layer_key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name of a layer (``layer_<key>``); a zone layer the table does not know shows the user's
    name for it (``zones_水务`` → ``水务``), any other unknown layer its key."""
    key = f"layer_{layer_key}"
    if key in CATALOG:
        return text(key, lang)
    return layer_key[len("zones_"):] if layer_key.startswith("zones_") else layer_key
