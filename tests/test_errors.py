"""check_number: the one range check of every parameter, with the unit in the message."""

from __future__ import annotations

import numpy as np
import pytest

from gridmap.errors import GridmapError, ParameterError, check_number
from gridmap.io.validate import LayerError


@pytest.mark.parametrize("value, kwargs, expected", [
    (5.0, {"minimum": 0}, 5.0),
    (0, {"minimum": 0}, 0),
    (np.float64(2.5), {"above": 0, "maximum": 3}, np.float64(2.5)),  # returned as given
    (3.0, {"minimum": 1, "integer": True}, 3),
    (np.int64(7), {"minimum": 1, "integer": True}, 7),
])
def test_accepted_values_come_back(value, kwargs, expected) -> None:
    out = check_number(value, "--x", "metres", **kwargs)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize("value, kwargs, message", [
    (float("nan"), {"minimum": 0}, "--x must be a finite number of metres ≥ 0, got nan"),
    (float("inf"), {}, "--x must be a finite number of metres, got inf"),
    (-1, {"minimum": 0}, "--x must be a finite number of metres ≥ 0, got -1"),
    (0, {"above": 0}, "--x must be a finite number of metres > 0, got 0"),
    (1001.0, {"minimum": 0, "maximum": 1000}, "--x must be a finite number of metres ≥ 0 and ≤ 1000, got 1001"),
    (2.5, {"integer": True}, "--x must be a whole number of metres, got 2.5"),
    ("5", {}, "--x must be a finite number of metres, got '5'"),
    (True, {}, "--x must be a finite number of metres, got True"),
    (None, {}, "--x must be a finite number of metres, got None"),
])
def test_refused_values_name_the_option_the_unit_and_the_range(value, kwargs, message) -> None:
    with pytest.raises(ParameterError) as info:
        check_number(value, "--x", "metres", **kwargs)
    assert str(info.value) == message


def test_named_errors_are_value_errors_with_one_base() -> None:
    """Callers catching ValueError keep working; the CLI catches GridmapError."""
    assert issubclass(LayerError, GridmapError) and issubclass(ParameterError, GridmapError)
    assert issubclass(GridmapError, ValueError)
