"""Named errors: what gridmap raises when the input or a parameter cannot be used.

Every error here is a ``ValueError`` whose message says where (file, layer, row, option or
config key), what is wrong and what to do. The command line turns each into exit status 2 and
one ``error:`` line; the app shows the message. Anything else that escapes is a bug in gridmap.

Messages are in the user's language: an error is raised with a message id of the catalog
(:mod:`gridmap.vocab.messages`) and its parameters — ``raise LayerError("err_no_such_file", path=p)``
— and keeps them as a :class:`gridmap.vocab.Message`, which ``str(error)`` renders in the language
current when it is shown (``GRIDMAP_LANG``, the CLI's ``--lang``, the app's switch; Chinese by
default). A plain text with no parameters is kept as it is (the same in every language).

* :class:`GridmapError` — the base of every named error (``LayerError`` in
  :mod:`gridmap.io.validate` is one, for an unusable layer or input file);
* :class:`ParameterError` — a numeric parameter that is not finite or out of its range;
* :class:`GridCodeError` — 15-digit grid codes cannot be made (a code range would overflow its
  digits, two communities share one code);
* :class:`OutputError` — an output folder or file cannot be written.
* :class:`MissingKeyError` — a column, grid code or key the user's data lacks (also a ``KeyError``).

:func:`check_number` is the one place a parameter's range is checked, by the core functions and
the command line alike, so an option means the same everywhere and says its unit when refused.
"""

from __future__ import annotations

import math
import numbers
from typing import cast

from gridmap.vocab import CATALOG, Message, text

__all__ = ["GridmapError", "ParameterError", "LayerError", "GridCodeError", "OutputError", "MissingKeyError",
           "check_number",
           "as_message", "NumberMessage"]


def as_message(message: str | Message, /, **params: object) -> str | Message:
    """Return a :class:`~gridmap.vocab.Message` for a message id (``err_…``) and its parameters.

    Any other text, given without parameters, is returned as it is.
    """
    if isinstance(message, Message):
        return message
    if params or (message.startswith("err_") and message in CATALOG):
        return Message(message, **params)
    return message


class GridmapError(ValueError):
    """An input or parameter gridmap cannot use; the message says where, what and what to do.

    Parameters
    ----------
    message : a message id of the catalog (``err_…``), a :class:`~gridmap.vocab.Message`, or a text.
    **params : the message's parameters (a text takes none).
    """

    def __init__(self, message: str | Message = "", /, **params: object):
        super().__init__(as_message(message, **params))

    @property
    def message(self) -> str | Message:
        """The message as raised: a :class:`~gridmap.vocab.Message` or a plain text."""
        return self.args[0] if self.args else ""

    def render(self, lang: str | None = None) -> str:
        """Render the message in ``lang`` (the current language when ``None``)."""
        message = self.message
        return message.render(lang) if isinstance(message, Message) else str(message)

    def __str__(self) -> str:
        """Render the message in the current language."""
        return self.render()


class ParameterError(GridmapError):
    """A parameter (command-line option, config key, function argument) out of its range."""


class LayerError(GridmapError):
    """A layer (or another input file) cannot be used as it is; the message says where and what to do.

    ``report`` is the :class:`gridmap.io.validate.ValidationReport` behind the refusal, when there is
    one (typed loosely here: the kernel imports nothing of gridmap). It lives in the kernel because
    the CRS choice (:mod:`gridmap.io.crs`) refuses layers too, below the validator.
    """

    def __init__(self, message: str | Message = "", report: object | None = None, /, **params: object):
        super().__init__(message, **params)
        self.report = report


class GridCodeError(GridmapError):
    """Grid codes (county 6 + street 3 + community 3 + sequence 3 digits) cannot be made unique."""


class OutputError(GridmapError):
    """An output folder or file cannot be written (a file in the way, no permission, disk full)."""


class MissingKeyError(GridmapError, KeyError):
    """A name looked up in the user's data (a column, a grid code, a layer key) that is not there.

    A ``KeyError`` as well, so that callers which catch one keep working; ``str()`` renders the message
    (not its ``repr``, as a plain ``KeyError`` would).
    """


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_number(value, name: str, unit: str = "", *, minimum: float | None = None, maximum: float | None = None,
                 above: float | None = None, integer: bool = False, example: str | None = None):
    """Return ``value`` if it is a finite number in range, else raise :class:`ParameterError`.

    Parameters
    ----------
    value : the value given (a number; ``bool`` and text are refused).
    name : how the user gave it, named in the message: ``--gap-width``, ``[run] snap_limit``,
        ``min_households``.
    unit : the unit said in the message (``metres``, ``m²``, ``households``); empty for a count.
    minimum, maximum : inclusive bounds.
    above : exclusive lower bound (the value must be greater).
    integer : a whole number is required (``3.0`` is accepted and returned as ``3``).
    example : a valid value to suggest (default: the lower bound).

    Returns
    -------
    The value (an ``int`` when ``integer``).

    Examples
    --------
    >>> check_number(5.0, "--gap-width", "metres", minimum=0)
    5.0
    >>> check_number(float("nan"), "--gap-width", "metres", minimum=0)
    Traceback (most recent call last):
    ...
    gridmap.errors.ParameterError: --gap-width must be a finite number of metres ≥ 0, got nan
    """
    def refused(got: str) -> ParameterError:
        bounds = tuple((key, _fmt(bound)) for key, bound in
                       (("err_bound_above", above), ("err_bound_min", minimum), ("err_bound_max", maximum))
                       if bound is not None)
        return ParameterError(NumberMessage(name, unit, integer, bounds, got, example))

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise refused(repr(value))
    number = float(value)
    if not math.isfinite(number):
        raise refused(repr(value))
    if integer:
        if number != math.floor(number):
            raise refused(repr(value))
        value = int(number)
    out_of_range = ((above is not None and not number > above) or (minimum is not None and number < minimum)
                    or (maximum is not None and number > maximum))
    if out_of_range:
        raise refused(_fmt(value))
    return value


class NumberMessage(Message):
    """The message of a number :func:`check_number` refused, its rule composed in the language of display.

    ``--gap-width must be a finite number of metres ≥ 0, got nan`` /
    ``--gap-width 须为 ≥ 0 的有限数（单位：米），实际为 nan``: the kind (whole or finite), the unit
    (translated when the catalog has ``unit_<unit>``), the bounds (``(msgid, value)`` pairs), what was
    given and an example.
    """

    __slots__ = ()

    def __init__(self, name: str, unit: str, integer: bool, bounds: tuple[tuple[str, str], ...], got: str,
                 example: str | None):
        super().__init__("err_number", name=name, unit=unit, integer=integer, bounds=bounds, got=got,
                         example=example)

    def render(self, lang: str | None = None) -> str:
        """Render the message in ``lang`` (the current language when ``None``)."""
        p = self.params
        unit = str(p["unit"])
        unit_text = text(f"unit_{unit}", lang) if f"unit_{unit}" in CATALOG else unit
        kind = text("err_kind_whole" if p["integer"] else "err_kind_finite", lang)
        wanted = text("err_kind_of_unit", lang, kind=kind, unit=unit_text) if unit else kind
        pairs = cast("tuple[tuple[str, str], ...]", p["bounds"])  # as __init__ stored them
        bounds = text("err_bounds_and", lang).join(text(key, lang, value=v) for key, v in pairs)
        rule = text("err_rule_with_bounds", lang, wanted=wanted, bounds=bounds) if bounds else wanted
        hint = text("err_example", lang, example=p["example"]) if p["example"] else ""
        return text("err_number", lang, name=p["name"], rule=rule, got=p["got"], hint=hint)

    def __reduce__(self):
        """Pickle with the rule's parts (a dask worker's error reaches the client whole)."""
        p = self.params
        return (NumberMessage, (p["name"], p["unit"], p["integer"], p["bounds"], p["got"], p["example"]))
