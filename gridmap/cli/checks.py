"""Checks of the command-line arguments, before any data is read.

Every numeric option of every subcommand is listed in :data:`NUMERIC_OPTIONS` with its unit and
range: :func:`check_arguments` refuses a value that is not finite or out of range with a message
naming the option and its unit (``--gap-width must be a finite number of metres ≥ 0, got nan``),
so an option means the same in every command. ``--crs`` and ``--source`` are checked the same
way, and the output folder is made (or found writable) before the work starts, so a typo in
``--out`` is reported in a second, not after an hour of computing.

``--thresholds`` and ``--target`` are parsed by :func:`parse_thresholds` and :func:`parse_share`
(argparse types). The share rule: a bare number is a fraction from 0 to 1 (``0.95``), a
percentage carries ``%`` (``95%``); anything else (``1.5``, ``95``) is refused rather than guessed.
"""

from __future__ import annotations

import argparse
import errno
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gridmap.defaults import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS
from gridmap.errors import OutputError, ParameterError, check_number
from gridmap.vocab import Joined, Message

__all__ = ["NUMERIC_OPTIONS", "NumberRule", "check_arguments", "check_output_folder", "parse_share",
           "parse_thresholds", "writing_to", "WALK_LIMIT_M"]

#: The longest walking distance an option may ask for (metres): 100 km is far past any 15-minute
#: life circle, and larger values only make the shortest-path search cover a whole province.
WALK_LIMIT_M = 100_000.0


@dataclass(frozen=True)
class NumberRule:
    """Range and unit of one numeric option (see :func:`gridmap.errors.check_number`)."""

    unit: str
    minimum: float | None = None
    above: float | None = None
    maximum: float | None = None
    integer: bool = False
    example: str | None = None

    def check(self, value, name: str):
        """``value`` as a number within the rule; a :class:`gridmap.errors.ParameterError` naming the option
        ``name``, its range and unit, and an example otherwise (the CLI prints it and exits with status 2)."""
        return check_number(value, name, self.unit, minimum=self.minimum, above=self.above, maximum=self.maximum,
                            integer=self.integer, example=self.example)


#: Every numeric option of every subcommand, by its argparse ``dest`` (``--gap-width`` → ``gap_width``).
#: A test walks the parsers and fails if a numeric option is missing here.
NUMERIC_OPTIONS: dict[str, NumberRule] = {
    "gap_width": NumberRule("metres", minimum=0, maximum=1000, example="5"),
    "grid_size": NumberRule("metres", minimum=0, maximum=1, example="0.001"),
    "sliver_area": NumberRule("m²", minimum=0, example="1"),
    "snap_limit": NumberRule("metres", above=0, maximum=WALK_LIMIT_M, example="300"),
    "buffer": NumberRule("metres", above=0, maximum=1000, example="50"),
    "radius": NumberRule("walking metres", above=0, maximum=WALK_LIMIT_M, example="1000"),
    "spacing": NumberRule("metres", above=0, maximum=WALK_LIMIT_M, example="100"),
    "k": NumberRule("new sites", minimum=1, integer=True, example="3"),
    "sites": NumberRule("new sites", minimum=0, integer=True, example="3"),
    "min_households": NumberRule("households", minimum=1, integer=True, example="300"),
    "max_households": NumberRule("households", minimum=1, integer=True, example="500"),
    "seed": NumberRule("", minimum=0, integer=True, example="0"),
    "min_unit_area": NumberRule("m²", minimum=0, example="50"),
    "min_unit_width": NumberRule("metres", minimum=0, maximum=1000, example="2"),
    "exclusive_min_area": NumberRule("m²", minimum=0, example="5000"),
    "max_distance": NumberRule("walking metres", above=0, maximum=10_000, example="1000"),
    "member_distance": NumberRule("walking metres", above=0, maximum=10_000, example="1000"),
    "per_helper": NumberRule("people", minimum=1, integer=True, example="3"),
    "dpi": NumberRule("dots per inch", minimum=50, maximum=600, example="150"),
    "workers": NumberRule("processes", minimum=1, maximum=64, integer=True, example="2"),
    "port": NumberRule("", minimum=1, maximum=65535, integer=True, example="8501"),
}


def _option(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def check_crs_text(text: str, name: str) -> None:
    """Refuse a CRS that pyproj does not know, naming the option and giving valid examples."""
    import pyproj

    try:
        pyproj.CRS.from_user_input(text)
    except (pyproj.exceptions.CRSError, TypeError, ValueError) as exc:
        raise ParameterError("err_crs_unknown", name=name, text=repr(text),
                             detail=str(exc).splitlines()[0]) from exc


def check_source_text(text: str, name: str = "--source") -> None:
    """Refuse an unknown web-map coordinate source (wgs84, gcj02/高德/腾讯, bd09/百度)."""
    from gridmap.io.crs import SOURCE_SYSTEMS

    if text.strip().lower() not in SOURCE_SYSTEMS:
        raise ParameterError("err_source_unknown", name=name, text=repr(text))


def check_arguments(args: argparse.Namespace) -> None:
    """Check the parsed arguments of any subcommand; raise a named error on the first bad one.

    Numeric options (:data:`NUMERIC_OPTIONS`), ``--min-households`` ≤ ``--max-households``,
    ``--crs``/``--crs-work`` and ``--source``; then the output folder ``--out`` is created (or
    found to be a writable folder). Values are normalised in place (``--k 3.0`` → 3).
    """
    for dest, rule in NUMERIC_OPTIONS.items():
        value = getattr(args, dest, None)
        if value is not None:
            setattr(args, dest, rule.check(value, _option(dest)))
    low, high = getattr(args, "min_households", None), getattr(args, "max_households", None)
    if low is not None and high is not None and low > high:
        raise ParameterError("err_band_reversed", low=low, high=high, example_low=MIN_HOUSEHOLDS,
                             example_high=MAX_HOUSEHOLDS)
    for dest in ("crs", "crs_work"):
        if getattr(args, dest, None):
            check_crs_text(getattr(args, dest), _option(dest))
    if getattr(args, "source", None):
        check_source_text(args.source)
    if getattr(args, "out", None):
        check_output_folder(args.out)


def _os_reason(exc: OSError) -> Message | str:
    """What an OSError means for an output folder, in words a user can act on."""
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return Message("err_os_file_in_way")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Message("err_os_no_permission")
    if exc.errno == errno.EROFS:
        return Message("err_os_read_only")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Message("err_os_disk_full")
    return exc.strerror or str(exc)


def check_output_folder(path: str | os.PathLike, option: str = "--out") -> Path:
    """Create the output folder (with its parents) and make sure a file can be written in it.

    Raises
    ------
    OutputError
        naming the folder, why it cannot be written (a file in the way, no permission,
        read-only or full disk) and what to do.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError("err_out_is_file", option=option, folder=folder,
                          example=folder.parent / (folder.stem + "_out"))
    blocker = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError("err_out_blocked", option=option, folder=folder, blocker=blocker)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".gridmap-probe-"):
            pass
    except OSError as exc:
        raise OutputError("err_out_unwritable", option=option, folder=folder, reason=_os_reason(exc),
                          detail=exc.strerror or str(exc)) from exc
    return folder


@contextmanager
def writing_to(folder: str | os.PathLike, option: str = "--out"):
    """Turn an OSError while writing outputs (disk full, folder removed, permission) into an OutputError."""
    try:
        yield
    except OSError as exc:
        target = exc.filename or folder
        raise OutputError("err_out_write_failed", target=target, reason=_os_reason(exc),
                          detail=exc.strerror or str(exc), folder=folder, option=option) from exc


def parse_thresholds(text: str) -> tuple[float, ...]:
    """``"300,500,1000"`` → ``(300.0, 500.0, 1000.0)``: finite walking metres, positive, increasing, ≤ 100 km."""
    from gridmap.access.accessibility import check_thresholds

    try:
        values = [float(t) for t in text.replace("，", ",").split(",") if t.strip()]
        limits = check_thresholds(values, "the limits")
        for value in limits:
            check_number(value, "each limit", "walking metres", above=0, maximum=WALK_LIMIT_M)
    except ValueError as exc:  # a word among the numbers, or a ParameterError
        raise argparse.ArgumentTypeError(Message("err_cli_expects_limits", text=text, detail=Joined([": ", exc], "")
                                                 if isinstance(exc, ParameterError) else "")) from exc
    return limits


def parse_share(text: str) -> float:
    """A share of 0–1: ``"0.95"`` or ``"95%"``; a bare number above 1 (``1.5``, ``95``) is refused, not guessed."""
    raw = text.strip()
    percent = raw.endswith("%")
    number = raw.rstrip("%").strip()
    try:
        value = float(number)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(Message("err_cli_expects_share_like_0_95", text=text)) from exc
    if percent:
        value /= 100.0
    elif value > 1:
        raise argparse.ArgumentTypeError(
            Message("err_cli_above_1_give_fraction_from", text=text, value=value))
    if not (value == value and 0 < value <= 1):  # also refuses nan
        raise argparse.ArgumentTypeError(Message("err_cli_must_share_above_0_and", text=text))
    return value
