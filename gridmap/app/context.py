"""What every page gets: the language, the data in use (demo or uploads) and the map settings.

A :class:`Dataset` is the set of layers the analyses run on. Its ``key`` names its content (the
demo module, or a hash of the uploaded files and their settings), and every cached analysis in
:mod:`gridmap.app.analysis` is keyed on it: new uploads give a new key, a rerun reuses the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from gridmap.app.demo_data import LAYER_ORDER, demo_module_name, load_layers, osm_path
from gridmap.io.validate import ValidationReport

__all__ = ["Dataset", "MapSettings", "PageContext", "demo_dataset", "current_dataset", "map_settings", "session_choice",
           "UPLOAD_STATE",
           "TILES_STATE", "GCJ02_STATE", "TILE_PLACEHOLDERS"]

#: Session-state key of the dataset built from the user's uploads (absent: the demo is used).
UPLOAD_STATE = "uploaded_dataset"
#: Session-state keys of the map settings (set on the Data page, read by every page).
TILES_STATE = "map_tiles_url"
GCJ02_STATE = "map_gcj02"
TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


@dataclass(frozen=True, eq=False)
class Dataset:
    """The layers the analyses run on; never changed after it is built."""

    key: str
    source: str  # "project" (a workspace project), "demo" or "upload"
    zones: dict[str, gpd.GeoDataFrame]  # zone layer name (party, security, …) → zones
    study_area: gpd.GeoDataFrame
    residents: gpd.GeoDataFrame | None = None
    centers: gpd.GeoDataFrame | None = None
    osm_path: Path | None = None
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)  # reference layers (districts)
    reports: tuple[ValidationReport, ...] = ()
    project: str | None = None  # the workspace project the layers come from

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Every layer under its display key (``study_area``, ``zones_<name>``, …), in drawing order."""
        found: dict[str, gpd.GeoDataFrame] = {"study_area": self.study_area}
        found.update({f"zones_{name}": gdf for name, gdf in self.zones.items()})
        if self.residents is not None:
            found["residents"] = self.residents
        if self.centers is not None:
            found["centers"] = self.centers
        found.update(self.extra)
        ordered = {k: found[k] for k in LAYER_ORDER if k in found}
        ordered.update({k: v for k, v in found.items() if k not in ordered})
        return ordered

    @property
    def has_access_inputs(self) -> bool:
        """Whether the data set has what walking access needs (residents, centres, an OSM file); else the
        access and siting pages say what to upload."""
        return self.residents is not None and self.centers is not None and self.osm_path is not None


@dataclass(frozen=True)
class MapSettings:
    """Sidebar map settings: an intranet tile server, and whether its tiles are GCJ-02."""

    tiles_url: str | None = None
    gcj02: bool = False

    @property
    def display_system(self) -> str | None:
        """The coordinate system the tiles are drawn in, as the map builders take it (None: WGS84)."""
        return "gcj02" if self.gcj02 else None


def session_choice(key: str, options, default=None):
    """The value a widget keyed ``key`` holds, made one of ``options`` (``default``, else the first).

    Lets a page use a widget's value before drawing the widget (e.g. below the map it controls):
    the value is stored back, so the widget, drawn later without a value of its own, shows it.
    """
    options = list(options)
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if default is None else default
    return st.session_state[key]


def map_settings() -> tuple[MapSettings, bool]:
    """The map settings of this session, and whether the tile URL given (if any) is a valid template.

    An XYZ template must contain ``{z}``, ``{x}`` and ``{y}``; an invalid one is ignored.
    """
    url = str(st.session_state.get(TILES_STATE) or "").strip()
    ok = not url or all(p in url for p in TILE_PLACEHOLDERS)
    return MapSettings(url if url and ok else None, bool(st.session_state.get(GCJ02_STATE, False))), ok


@dataclass(frozen=True)
class PageContext:
    """What a page draws with: the language, the data, the map settings, and who acts in which project.

    ``session`` is the workspace session of the logged-in principal (rights are checked there);
    ``project`` the open project's name. Pages drawn outside the app (exports) may leave them None.
    """

    lang: str
    dataset: Dataset | None  # None: no data to show (the demo missing, a project unreadable)
    maps: MapSettings
    session: Any = None  # gridmap.workspace.WorkspaceSession
    project: str | None = None

    @property
    def data(self) -> Dataset:
        """The data set, for the parts of a page drawn after it checked that there is one."""
        if self.dataset is None:
            # contract: valid use never gets here; English on purpose (not a user's message)
            raise RuntimeError("no data set: a page checks ctx.dataset before drawing what needs data")
        return self.dataset

    @property
    def role(self) -> str:
        """The principal's role (``admin`` when no session: a file export drawn outside the app)."""
        return str(self.session.principal.role) if self.session is not None else "admin"

    @property
    def may_edit(self) -> bool:
        """Whether the principal may change plans and import inputs of the open project (rights are checked
        again in the store)."""
        if self.session is None:
            return True
        if self.project is None:  # no project open: only an admin may bring files in
            return self.session.principal.is_admin
        from gridmap.workspace.rights import may_edit_project

        return may_edit_project(self.session.principal, self.project)


def demo_dataset(module_name: str | None = None) -> Dataset:
    """The embedded demo as a :class:`Dataset` (layers cached by :mod:`gridmap.app.demo_data`).

    Raises ``DemoUnavailable`` when the demo is not there.
    """
    module_name = module_name or demo_module_name()
    layers = load_layers(module_name)
    zones = {k[len("zones_"):]: v for k, v in layers.items() if k.startswith("zones_")}
    extra = {k: v for k, v in layers.items()
             if k not in ("study_area", "residents", "centers") and not k.startswith("zones_")}
    return Dataset(
        key=f"demo:{module_name}",
        source="demo",
        zones=zones,
        study_area=layers["study_area"],
        residents=layers.get("residents"),
        centers=layers.get("centers"),
        osm_path=osm_path(module_name),
        extra=extra,
    )


def current_dataset(project_dataset: Dataset | None = None) -> Dataset | None:
    """The uploaded dataset when the user tried files in this session, else the project's (or the demo's)."""
    uploaded = st.session_state.get(UPLOAD_STATE)
    if uploaded is not None:
        return uploaded
    return project_dataset
