"""argparse in the user's language: its own words (``usage:``, ``options``, ``-h``, error lines).

argparse writes its words through gettext, which gridmap does not use (one catalog,
:mod:`gridmap.vocab`). :class:`GridmapParser` gives them from the catalog instead, without touching
argparse's module state: the usage prefix through the formatter, the group titles and the ``-h``
line when the parser is made, and an error line by matching argparse's English sentence (the
options, values and choices it names are kept as they are). Subparsers are made of the same class
(``add_subparsers`` uses the parser's own class), so every page of ``gridmap --help`` reads alike.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from gridmap.vocab import text

__all__ = ["GridmapParser", "translate_error"]

#: argparse's error sentences (Python 3.11–3.13) → the catalog id that says them, with named groups
#: for what they name. The first that matches is used; anything else is shown as argparse wrote it.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.S), m) for p, m in (
    (r"the following arguments are required: (?P<args>.*)", "argparse_required"),
    (r"unrecognized arguments: (?P<args>.*)", "argparse_unrecognized"),
    (r"one of the arguments (?P<args>.*) is required", "argparse_one_required"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", "argparse_ambiguous"),
    (r"argument (?P<arg>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", "argparse_choice"),
    (r"argument (?P<arg>\S+): expected one argument", "argparse_expected_one"),
    (r"argument (?P<arg>\S+): expected at least one argument", "argparse_expected_some"),
    (r"argument (?P<arg>\S+): invalid (?P<type>\S+) value: (?P<value>.*)", "argparse_invalid_value"),
    (r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)", "argparse_not_allowed_with"),
    (r"argument (?P<arg>\S+): (?P<message>.*)", "argparse_argument"),
))


def translate_error(message: str) -> str:
    """Return argparse's error ``message`` in the current language (as it is when no pattern knows it)."""
    for pattern, msgid in _ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return text(msgid, **found.groupdict())
    return message


def _with_usage_prefix(formatter_class: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """``formatter_class`` writing ``usage:`` in the current language."""

    class Formatter(formatter_class):  # type: ignore[valid-type, misc]
        def add_usage(self, usage, actions, groups, prefix=None) -> None:
            super().add_usage(usage, actions, groups, text("argparse_usage") if prefix is None else prefix)

    return Formatter


class GridmapParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose own words come from the catalog, in the language current when it is made."""

    def __init__(self, *, add_help: bool = True,
                 formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter, **kwargs: Any):
        super().__init__(add_help=False, formatter_class=_with_usage_prefix(formatter_class), **kwargs)
        self._positionals.title = text("argparse_positionals")
        self._optionals.title = text("argparse_options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=text("argparse_help"))

    def error(self, message: str) -> NoReturn:
        """Print the usage and what is wrong, in the current language, and exit with status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, text("argparse_error", prog=self.prog, message=translate_error(message)))
