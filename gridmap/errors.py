"""Named errors: what gridmap raises when the input or a parameter cannot be used.

Every error here is a ``ValueError`` whose message says where (file, layer, row, option or
config key), what is wrong and what to do. The command line turns each into exit status 2 and
one ``error:`` line; the app shows the message. Anything else that escapes is a bug in gridmap.

* :class:`GridmapError` — the base of every named error (``LayerError`` in
  :mod:`gridmap.io.validate` is one, for an unusable layer or input file);
* :class:`ParameterError` — a numeric parameter that is not finite or out of its range;
* :class:`GridCodeError` — 15-digit grid codes cannot be made (a code range would overflow its
  digits, two communities share one code);
* :class:`OutputError` — an output folder or file cannot be written.

:func:`check_number` is the one place a parameter's range is checked, by the core functions and
the command line alike, so an option means the same everywhere and says its unit when refused.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["GridmapError", "ParameterError", "GridCodeError", "OutputError", "check_number"]


class GridmapError(ValueError):
    """An input or parameter gridmap cannot use; the message says where, what and what to do."""


class ParameterError(GridmapError):
    """A parameter (command-line option, config key, function argument) out of its range."""


class GridCodeError(GridmapError):
    """Grid codes (county 6 + street 3 + community 3 + sequence 3 digits) cannot be made unique."""


class OutputError(GridmapError):
    """An output folder or file cannot be written (a file in the way, no permission, disk full)."""


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
    kind = "a whole number" if integer else "a finite number"
    wanted = kind + (f" of {unit}" if unit else "")
    bounds = []
    if above is not None:
        bounds.append(f"> {_fmt(above)}")
    if minimum is not None:
        bounds.append(f"≥ {_fmt(minimum)}")
    if maximum is not None:
        bounds.append(f"≤ {_fmt(maximum)}")
    rule = wanted + (" " + " and ".join(bounds) if bounds else "")
    hint = f" (e.g. {example})" if example else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be {rule}, got {value!r}{hint}")
    number = float(value)
    if not math.isfinite(number):
        raise ParameterError(f"{name} must be {rule}, got {value!r}{hint}")
    if integer:
        if number != math.floor(number):
            raise ParameterError(f"{name} must be {rule}, got {value!r}{hint}")
        value = int(number)
    out_of_range = ((above is not None and not number > above) or (minimum is not None and number < minimum)
                    or (maximum is not None and number > maximum))
    if out_of_range:
        raise ParameterError(f"{name} must be {rule}, got {_fmt(value)}{hint}")
    return value
