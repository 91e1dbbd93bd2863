"""User-facing strings of the app in Chinese (default) and English.

Every label on every page goes through :func:`t`, which reads the one catalog of gridmap
(:data:`gridmap.vocab.CATALOG`: the app's labels, the maps' layer and column names, the core's
error messages); a key missing from a language falls back to Chinese, and a key missing altogether
raises ``KeyError`` (tests catch typos). This module does not import streamlit, so it can be tested
and reused on its own.
"""

from __future__ import annotations

from gridmap.present.map_labels import field_label, layer_label
from gridmap.vocab import DEFAULT_LANGUAGE, LANGUAGES, text
from gridmap.vocab.app import APP_TEXT
from gridmap.vocab.maps import MAP_TEXT

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "TEXT", "t", "layer_label", "columns"]

#: The app's own labels and the maps' (the parts of the catalog written for the pages); :func:`t` reads
#: the whole catalog, so the core's messages show in the app too.
TEXT: dict[str, dict[str, str]] = {**MAP_TEXT, **APP_TEXT}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to Chinese), formatted with ``fmt``.

    Raises
    ------
    KeyError
        If ``key`` is unknown.
    """
    return text(key, lang, **fmt)


def columns(table, lang: str = DEFAULT_LANGUAGE, extra: dict[str, str] | None = None):
    """``table`` with its headers translated (``field_<column>`` keys, then ``extra``); columns
    the table does not know keep their names."""
    extra = extra or {}

    def label(c: object) -> object:
        if c in extra:
            return extra[c]
        return field_label(c, lang) if isinstance(c, str) else c

    return table.rename(columns={c: label(c) for c in table.columns})
