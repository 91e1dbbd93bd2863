"""PROJ transformers, built once per thread and pair of CRSs.

``pyproj.Transformer.from_crs`` costs ~50 ms of CPU (PROJ searches its database for the best
operation); reading, checking and choosing the working CRS of four layers asked for the same few
transformers a dozen times, half a second of a ``gridmap coverage`` run. Transformer objects must
not be shared between threads (the app serves sessions from threads), so the cache is per thread.
"""

from __future__ import annotations

import threading

import pyproj

__all__ = ["transformer"]

_local = threading.local()


def transformer(source: pyproj.CRS | str | int, target: pyproj.CRS | str | int) -> pyproj.Transformer:
    """Return the ``always_xy`` transformer from ``source`` to ``target``, made once per thread."""
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    source, target = pyproj.CRS.from_user_input(source), pyproj.CRS.from_user_input(target)
    key = (source.to_wkt(), target.to_wkt())
    found = cache.get(key)
    if found is None:
        found = cache[key] = pyproj.Transformer.from_crs(source, target, always_xy=True)
    return found
