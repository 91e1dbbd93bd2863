"""One vocabulary: every label and message gridmap shows, in Chinese and English, and the current language.

The catalog (:data:`CATALOG`, ``msgid → {"zh": …, "en": …}``) is the union of its parts, one module
each so that a translator finds a text by where it is shown, merged here with a check that no
message id is defined twice:

* :mod:`gridmap.vocab.messages` — the core's error messages (:class:`gridmap.errors.GridmapError`
  and its subclasses, raised by io, analysis, access, plans, people, present, scale and the CLI);
* :mod:`gridmap.vocab.validation` — the findings of checking a layer (a
  :class:`gridmap.io.validate.Problem`'s message, what reading repaired or inferred);
* :mod:`gridmap.vocab.cli` — the command line's progress lines and summaries;
* :mod:`gridmap.vocab.cli_help` — the command line's ``--help`` (every option, command and page);
* :mod:`gridmap.vocab.maps` — layer names, column names and legends of the offline maps;
* :mod:`gridmap.vocab.report` — sheets, headers, values and texts of the 台账 and of the notices;
* :mod:`gridmap.vocab.app` — the labels of the Streamlit app's pages.

The **current language** is, first to last: the one set by :func:`set_language` (the CLI's ``--lang``,
the app's language switch; per thread, so two app sessions do not share it), the environment
variable ``GRIDMAP_LANG`` (``zh`` or ``en``), Chinese. Texts are rendered at display time: a
:class:`Message` keeps its id and parameters, and ``str()`` renders it in the language current then —
so an error raised deep in the core reads in the user's language wherever it is printed.

This package imports nothing from gridmap: it is the floor below :mod:`gridmap.errors`.
"""

from __future__ import annotations

import contextlib
import os
import string
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

from gridmap.vocab.app import APP_TEXT
from gridmap.vocab.cli import CLI_TEXT
from gridmap.vocab.cli_help import CLI_HELP
from gridmap.vocab.maps import MAP_TEXT
from gridmap.vocab.messages import MESSAGES
from gridmap.vocab.report import REPORT_TEXT
from gridmap.vocab.validation import VALIDATION

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LANG_ENV", "CATALOG", "current_language", "set_language",
           "using_language", "resolve_language", "text", "render", "Message", "Joined", "LIST_SEP", "placeholders"]

#: Language code → its name in the language switch.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
#: The language when nothing says otherwise: the users are Chinese planners.
DEFAULT_LANGUAGE = "zh"
#: How the items of a list inside a text are joined, per language ("1、3" / "1, 3").
LIST_SEP: dict[str, str] = {"zh": "、", "en": ", "}
#: The environment variable that sets the language of the command line (and of a process's messages).
LANG_ENV = "GRIDMAP_LANG"


def _merge(*parts: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise RuntimeError(f"message ids defined twice in the vocabulary: {sorted(twice)}")
        merged.update(part)
    return merged


#: Every text of gridmap: message id → {language: template}; templates use ``str.format`` fields.
CATALOG: dict[str, dict[str, str]] = _merge(MESSAGES, VALIDATION, CLI_TEXT, CLI_HELP, MAP_TEXT, REPORT_TEXT,
                                             APP_TEXT)

_chosen: ContextVar[str | None] = ContextVar("gridmap_language", default=None)


def resolve_language(lang: str | None) -> str:
    """``lang`` if it is a known language code, else :data:`DEFAULT_LANGUAGE` (``zh-CN`` → ``zh``)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language texts render in now: :func:`set_language`, else ``GRIDMAP_LANG``, else Chinese."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    return resolve_language(os.environ.get(LANG_ENV))


def set_language(lang: str | None) -> str:
    """Make ``lang`` (``zh``/``en``; ``None`` clears the choice) the current language of this thread.

    Returns the language now current.
    """
    _chosen.set(None if lang is None else resolve_language(lang))
    return current_language()


@contextlib.contextmanager
def using_language(lang: str | None) -> Iterator[str]:
    """Render in ``lang`` inside a ``with`` block (the current language when ``None``)."""
    token = _chosen.set(resolve_language(lang) if lang else current_language())
    try:
        yield _chosen.get() or DEFAULT_LANGUAGE
    finally:
        _chosen.reset(token)


def text(msgid: str, lang: str | None = None, /, **params: object) -> str:
    """Return the text of ``msgid`` in ``lang`` (the current language when ``None``), formatted with ``params``.

    A language missing from an entry falls back to Chinese (an empty text is a text: the English
    notice prints no unit word after a count); parameters that are :class:`Message` (or lists of
    them, joined) render in the same language.

    Raises
    ------
    KeyError
        If ``msgid`` is not in the catalog (tests catch typos).
    """
    lang = resolve_language(lang) if lang else current_language()
    entry = CATALOG[msgid]
    template = entry[lang] if lang in entry else entry[DEFAULT_LANGUAGE]
    if not params:
        return template
    return template.format(**{k: _render_param(v, lang) for k, v in params.items()})


def render(value: object, lang: str | None = None) -> str:
    """``value`` as text in ``lang`` (the current language when ``None``).

    A :class:`Message` or :class:`Joined` is rendered in that language; anything else (a text kept as
    written) is ``str(value)``.
    """
    if isinstance(value, Message | Joined):
        return value.render(lang)
    return str(value)


def _render_param(value: object, lang: str) -> object:
    """Give a parameter as the template gets it.

    A :class:`Message` or :class:`Joined` rendered in ``lang``, a list or tuple of messages rendered and
    joined (``、`` in Chinese, ``, `` in English), anything else as it is.
    """
    if isinstance(value, Message | Joined):
        return value.render(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Message) for v in value):
        return LIST_SEP[lang].join(v.render(lang) for v in value)
    return value


def placeholders(template: str) -> set[str]:
    """Return the names of the format fields of ``template`` (``"{n} 户"`` → ``{"n"}``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


class Message:
    """A text to show later: a message id and its parameters.

    It is rendered in the language current at display time (``str(message)``) or in a given one
    (:meth:`render`).

    Parameters are kept as given (numbers stay numbers, so ``{n:,}`` formats them); a parameter that
    is itself a :class:`Message` renders in the same language. Messages compare equal when their id
    and parameters are equal, and pickle (a dask worker's error reaches the client whole).

    Examples
    --------
    >>> m = Message("err_no_such_file", path="a.shp")
    >>> m.render("en")
    'a.shp: no such file.'
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object):
        if msgid not in CATALOG:
            raise KeyError(f"unknown message id {msgid!r}")
        self.msgid = msgid
        self.params = params

    def render(self, lang: str | None = None) -> str:
        """Render the message in ``lang`` (the current language when ``None``)."""
        return text(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        """Render in the current language."""
        return self.render()

    def __repr__(self) -> str:
        """Show the id and the parameters."""
        return f"Message({self.msgid!r}, {', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    def __eq__(self, other: object) -> bool:
        """Compare id and parameters."""
        return isinstance(other, Message) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        """Hash the id (parameters may be unhashable)."""
        return hash(self.msgid)

    def __reduce__(self):
        """Pickle as id and parameters."""
        return (_rebuild, (self.msgid, self.params))


class Joined:
    """Texts and messages joined by ``sep`` (one for all languages, or one per language) once rendered.

    The lines of a list of problems, say, as a parameter of a :class:`Message`.

    Examples
    --------
    >>> Joined([Message("err_os_disk_full"), "x"], " / ").render("zh")
    '磁盘已满 / x'
    """

    __slots__ = ("items", "sep")

    def __init__(self, items, sep: str | Mapping[str, str]):
        self.items = list(items)
        self.sep = sep

    def render(self, lang: str | None = None) -> str:
        """Each item rendered in ``lang`` (text kept as it is), joined by the separator of ``lang``."""
        lang = resolve_language(lang) if lang else current_language()
        sep = self.sep if isinstance(self.sep, str) else self.sep[lang]
        return sep.join(str(_render_param(item, lang)) for item in self.items)

    def __str__(self) -> str:
        """Render in the current language."""
        return self.render()

    def __eq__(self, other: object) -> bool:
        """Compare items and separator."""
        return isinstance(other, Joined) and (self.items, self.sep) == (other.items, other.sep)

    # no __hash__: defining __eq__ sets it to None, so a Joined (a mutable list inside) is unhashable

    def __reduce__(self):
        """Pickle as items and separator."""
        return (Joined, (self.items, self.sep))


def _rebuild(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)
