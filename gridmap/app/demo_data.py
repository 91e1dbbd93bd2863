"""Loading the embedded demo for the app, cached across reruns and sessions.

The demo loader is ``gridmap.demo.load_demo`` (``dict`` of layer key → GeoDataFrame, plus
``DEMO_OSM``, the path of the OSM XML file). The environment variable ``GRIDMAP_DEMO_MODULE`` names
another module with the same two names; the tests use it to run the app on a small stand-in.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import geopandas as gpd
import streamlit as st

from gridmap.io.osm import read_osm_basemap
from gridmap.vocab import Message

__all__ = ["DEMO_MODULE_ENV", "LAYER_ORDER", "DemoUnavailable", "demo_module_name", "load_layers", "load_osm_basemap",
           "osm_path"]

DEMO_MODULE_ENV = "GRIDMAP_DEMO_MODULE"

#: Demo layers in drawing order (bottom to top); further layers follow in their own order.
LAYER_ORDER = ("districts", "study_area", "zones_party", "zones_security", "zones_urban", "residents", "centers")


class DemoUnavailable(RuntimeError):
    """The demo module or its data file is not there (as opposed to a bug while reading it)."""


def demo_module_name() -> str:
    """Module that provides ``load_demo`` and ``DEMO_OSM`` (default ``gridmap.demo``)."""
    return os.environ.get(DEMO_MODULE_ENV, "gridmap.demo")


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise DemoUnavailable(Message("err_demo_data_module_not_available", name=name)) from exc
        raise


@st.cache_resource(show_spinner=False)
def load_layers(module_name: str) -> dict[str, gpd.GeoDataFrame]:
    """The demo layers, ordered by :data:`LAYER_ORDER`.

    One shared copy for every session (``cache_resource``: no unpickling per run, which cost a
    tenth of a second of every page's first run); pages never modify layers.

    Raises
    ------
    DemoUnavailable
        If the demo module or its data file is missing.
    """
    mod = _module(module_name)
    try:
        layers = mod.load_demo()
    except FileNotFoundError as exc:
        raise DemoUnavailable(str(exc)) from exc
    ordered = {k: layers[k] for k in LAYER_ORDER if k in layers}
    ordered.update({k: v for k, v in layers.items() if k not in ordered})
    return ordered


def osm_path(module_name: str) -> Path | None:
    """The demo's OSM XML file, or ``None`` when it has none."""
    path = getattr(_module(module_name), "DEMO_OSM", None)
    return Path(path) if path is not None and Path(path).is_file() else None


@st.cache_data(show_spinner=False)
def load_osm_basemap(module_name: str) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Streets and buildings of the demo's OSM file for the vector basemap (``None`` if absent).

    Display only (``gridmap.io.osm.read_osm_basemap``); the walking network comes from gridmap.access.network.
    """
    path = osm_path(module_name)
    if path is None:
        return None, None
    return read_osm_basemap(path)
