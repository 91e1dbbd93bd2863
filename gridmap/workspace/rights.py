"""Who may do what: roles, scopes of 街道/社区 codes, and which columns hold personal data.

The rules of docs/design.md §7.1 as pure functions, so the workspace API
(:mod:`gridmap.workspace.workspace`) applies them the same way to every call and tests can check
them directly:

* **Projects.** Admins (and the system and open principals) see every project; planners and
  viewers only the projects granted to them (none by default).
* **Scope.** A planner's scope is a list of codes: a 街道 code (9 digits: county 6 + street 3), a
  社区 code (12 digits), a 区 code (6 digits), or an ``area_id``. A community is inside the scope
  when its 12-digit code prefix starts with one of the codes or its ``area_id`` equals one; a unit
  or a grid is inside when its community is. Admins' scope is everything; a viewer's is nothing.
* **Personal data.** Names, addresses, phone numbers, identity numbers and the special-group
  counts of individual residents (``elderly_alone``, ``left_behind_children``, ``disabled``) are
  personal when they sit on a layer of people (residents, helpers, party members, volunteers,
  staff). Admins see them; planners see them inside their scope (the rows outside come back with
  those cells empty, so household counts and maps stay whole); viewers never (the columns are
  removed). Counts per area reach everyone who may read the project
  (:func:`aggregate_counts`), but special groups only for areas holding at least
  :data:`MIN_FEATURES_FOR_GROUPS` features, so no area drawn around one building gives it away;
  for the same reason a viewer's plan units carry no special-group counts (:func:`protect_units`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.io.validate import SPECIAL_GROUPS
from gridmap.plans.grids import community_prefixes
from gridmap.plans.units import COUNT_COLUMNS
from gridmap.workspace.model import Principal, Role

__all__ = ["Scope", "scope_of", "may_read_project", "may_edit_project", "may_import", "may_store_results",
           "sees_personal",
           "is_person_layer", "personal_columns", "protect_layer", "area_prefixes", "areas_of_rows",
           "aggregate_counts", "protect_units", "protect_micro_grids", "PERSON_LAYERS", "LIST_LAYERS",
           "MIN_FEATURES_FOR_GROUPS", "valid_scope_code"]

#: Layer keys (or key prefixes) that hold people: their personal columns are protected.
PERSON_LAYERS: tuple[str, ...] = ("residents", "helpers", "members", "volunteers", "staff", "people", "visits")
#: Layers of people whose every row is a vulnerable person at home (the pairs of 结对帮扶): no row
#: reaches a viewer, nor a planner outside the scope (:func:`protect_layer`).
LIST_LAYERS: tuple[str, ...] = ("pairing_people",)
#: Special-group counts of an area reach those without personal rights only when it holds this many features.
MIN_FEATURES_FOR_GROUPS = 3

# Column names that hold who someone is or how to reach them (matched case-insensitively, by word).
_PERSONAL_WORDS = re.compile(
    r"(^|[_\s.-])(name|names|fullname|owner|contact|address|addr|street_address|room|door|phone|phones|tel|"
    r"telephone|mobile|cell|email|wechat|id_?card|id_?number|idno|passport|birth|birthday|birthdate|dob|age|"
    r"gender|sex)($|[_\s.-])", re.IGNORECASE)
_PERSONAL_CHINESE = ("姓名", "名字", "户主", "联系人", "联系方式", "地址", "住址", "门牌", "房号", "电话", "手机",
                     "微信", "身份证", "证件", "出生", "生日", "性别", "年龄")
_SCOPE_CODE = re.compile(r"^\d{6}$|^\d{9}$|^\d{12}$")


def valid_scope_code(code: str) -> bool:
    """A scope code: 6 (区), 9 (街道) or 12 (社区) digits, or an ``area_id`` (a word without spaces)."""
    code = str(code).strip()
    return bool(code) and (bool(_SCOPE_CODE.match(code)) or (not code.isdigit() and not re.search(r"\s", code)))


@dataclass(frozen=True)
class Scope:
    """The communities a principal may edit and see people in.

    Attributes
    ----------
    codes : scope codes (see the module docstring).
    everything : True for admins: every community is inside.
    """

    codes: tuple[str, ...] = ()
    everything: bool = False

    def contains(self, area_id: str, prefix: str | None) -> bool:
        """Whether the community ``area_id`` (12-digit code prefix ``prefix``) is inside the scope."""
        if self.everything:
            return True
        area_id = str(area_id)
        return any(area_id == c or (prefix is not None and str(prefix).startswith(c)) for c in self.codes)

    def area_mask(self, area_ids: Iterable, prefixes: Mapping[str, str]) -> np.ndarray:
        """Whether each area id (the community of a unit, row or grid) lies inside the scope, as a boolean mask."""
        ids = np.asarray([str(a) for a in area_ids], dtype=object)
        if self.everything:
            return np.ones(len(ids), dtype=bool)
        inside = {a: self.contains(a, prefixes.get(a)) for a in set(ids.tolist())}
        return np.fromiter((inside[a] for a in ids), dtype=bool, count=len(ids))

    def describe(self) -> str:
        """The scope in words, for messages."""
        return "everything" if self.everything else (", ".join(self.codes) or "nothing")


def scope_of(principal: Principal) -> Scope:
    """The scope a principal edits in: everything for admins, its codes for planners, nothing for viewers."""
    if principal.role == Role.ADMIN:
        return Scope(everything=True)
    if principal.role == Role.PLANNER:
        return Scope(tuple(principal.scopes))
    return Scope()


def may_read_project(principal: Principal, project: str) -> bool:
    """Admins read every project; planners and viewers the projects granted to them."""
    return principal.role == Role.ADMIN or project in principal.projects


def may_edit_project(principal: Principal, project: str) -> bool:
    """Admins edit every project; planners the projects granted to them (inside their scope); viewers none."""
    return principal.role == Role.ADMIN or (principal.role == Role.PLANNER and project in principal.projects)


def may_import(principal: Principal, project: str, exists: bool) -> bool:
    """Admins import anywhere and create projects; planners import into their own existing projects."""
    if principal.role == Role.ADMIN:
        return True
    return exists and principal.role == Role.PLANNER and project in principal.projects


def may_store_results(principal: Principal, project: str, area_ids: Iterable, prefixes: Mapping[str, str]) -> bool:
    """Admins store run results in any project; a planner only in a project granted whose every community
    (``area_ids``, with their 12-digit code ``prefixes``) lies inside the scope — a run covers the whole
    project, so a planner of one 街道 cannot replace the figures of the others; viewers never."""
    if principal.role == Role.ADMIN:
        return True
    if principal.role != Role.PLANNER or project not in principal.projects:
        return False
    ids = [str(a) for a in area_ids]
    return bool(ids) and bool(scope_of(principal).area_mask(ids, prefixes).all())


def sees_personal(principal: Principal) -> bool:
    """Whether a principal may see personal data at all (admins everywhere, planners inside their scope)."""
    return principal.role in (Role.ADMIN, Role.PLANNER)


def is_person_layer(key: str) -> bool:
    """Whether a layer key names people (``residents``, ``helpers``, ``members``, ``staff``, …)."""
    key = str(key).lower()
    return any(key == p or key.startswith(p + "_") or key.endswith("_" + p) for p in PERSON_LAYERS)


def personal_columns(columns: Iterable[str]) -> list[str]:
    """The columns of a table of people that hold personal data: special groups, names, addresses, phones, ids."""
    out = []
    for col in columns:
        name = str(col)
        if name == "geometry":
            continue
        if (name in SPECIAL_GROUPS or _PERSONAL_WORDS.search(name)
                or any(word in name for word in _PERSONAL_CHINESE)):
            out.append(name)
    return out


def area_prefixes(study_area: pd.DataFrame) -> dict[str, str]:
    """``{area_id: 12-digit code prefix}`` of the communities of a study area."""
    return community_prefixes(study_area, study_area["area_id"].astype(str).unique())


def _points(frame: pd.DataFrame, crs) -> np.ndarray | None:
    """Representative points of the rows in ``crs``: geometry (point on surface), else lon/lat columns."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns and frame.crs is not None:
        geoms = frame.geometry.to_crs(crs).to_numpy()
        return shapely.point_on_surface(geoms)
    if {"lon", "lat"} <= set(frame.columns):
        pts = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326").to_crs(crs)
        return pts.to_numpy()
    return None


def areas_of_rows(frame: pd.DataFrame, study_area: gpd.GeoDataFrame) -> np.ndarray:
    """The community (``area_id``) of each row: where its geometry (or lon/lat) lies, else its ``area_id`` column.

    Location wins over a column because the study area is the authority on which community a
    place belongs to. Rows in no community get ``""`` (outside every scope).
    """
    points = _points(frame, study_area.crs)
    if points is None:
        if "area_id" in frame.columns:
            return frame["area_id"].astype(str).to_numpy(dtype=object)
        return np.full(len(frame), "", dtype=object)
    out = np.full(len(frame), "", dtype=object)
    ok = ~(shapely.is_missing(points) | shapely.is_empty(points))
    if ok.any():
        tree = shapely.STRtree(study_area.geometry.to_numpy())
        pi, ai = tree.query(points[ok], predicate="intersects")
        first = pd.Series(ai).groupby(pi).min()  # a point on a shared border: the first community
        rows = np.flatnonzero(ok)[first.index.to_numpy()]
        out[rows] = study_area["area_id"].astype(str).to_numpy()[first.to_numpy()]
    return out


def protect_layer(frame: pd.DataFrame, key: str, principal: Principal,
                  study_area: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """A layer as ``principal`` may see it.

    Layers that hold no people come back as they are. On a layer of people: admins get it whole;
    viewers get it without its personal columns; planners get every row, the personal cells of
    rows outside their scope emptied (their location decides, against ``study_area``). A list
    layer (:data:`LIST_LAYERS`, e.g. the pairs of 结对帮扶: every row is a vulnerable person's
    home) reaches planners with the rows inside their scope only, viewers with no rows.
    """
    if not is_person_layer(key) or principal.role == Role.ADMIN:
        return frame
    if key in LIST_LAYERS:  # each row is where someone vulnerable lives: whole rows, in scope, or none
        if principal.role != Role.PLANNER or study_area is None:
            return frame.iloc[0:0]
        inside = scope_of(principal).area_mask(areas_of_rows(frame, study_area), area_prefixes(study_area))
        return frame[inside]
    cols = personal_columns(frame.columns)
    if not cols:
        return frame
    if principal.role != Role.PLANNER or study_area is None:
        return frame.drop(columns=cols)
    inside = scope_of(principal).area_mask(areas_of_rows(frame, study_area), area_prefixes(study_area))
    out = frame.copy()
    for col in cols:
        if pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("Float64" if pd.api.types.is_float_dtype(out[col]) else "Int64")
        else:
            out[col] = out[col].astype(object)
        out.loc[~inside, col] = pd.NA
    return out


def protect_units(units: pd.DataFrame, principal: Principal) -> pd.DataFrame:
    """A plan's units as ``principal`` may see them: without special-group counts for a viewer.

    A unit sums the residents of one mosaic face, which may be a single building; a viewer gets its
    households and population, and special groups per grid or area only (:func:`aggregate_counts`,
    the grids stored with each revision).
    """
    if principal.role != Role.VIEWER:
        return units
    return units.drop(columns=[c for c in SPECIAL_GROUPS if c in units.columns])


def protect_micro_grids(micro: gpd.GeoDataFrame | None, principal: Principal) -> gpd.GeoDataFrame | None:
    """A plan's 微网格 as ``principal`` may see them: a viewer gets no 楼栋长 names or phones (a list of people)."""
    if micro is None or principal.role != Role.VIEWER:
        return micro
    out = micro.copy()
    for column in ("building_head", "building_head_phone"):
        if column in out:
            out[column] = ""
    return out


def aggregate_counts(people: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, id_column: str,
                     min_features: int = MIN_FEATURES_FOR_GROUPS) -> pd.DataFrame:
    """Counts of people per area (grid, community, hexagon): what everyone who reads a project may see.

    Each feature counts in the area holding its representative point (the first, on a border).

    Parameters
    ----------
    people : residents (``households``, ``population`` and special-group counts per feature).
    areas : polygons with an identifier column.
    id_column : that column.
    min_features : special-group sums of areas with fewer features are left empty (``<NA>``).

    Returns
    -------
    DataFrame ``id_column``, ``n_features``, and the sum of each count column present, one row per area.
    """
    counts = [c for c in COUNT_COLUMNS if c in people.columns]
    zones = areas.to_crs(people.crs) if areas.crs != people.crs else areas
    points = shapely.point_on_surface(people.geometry.to_numpy())
    tree = shapely.STRtree(zones.geometry.to_numpy())
    pi, ai = tree.query(points, predicate="intersects")
    first = pd.Series(ai).groupby(pi).min()
    which = np.full(len(people), -1, dtype=np.int64)
    which[first.index.to_numpy()] = first.to_numpy()
    inside = which >= 0
    out = pd.DataFrame({id_column: zones[id_column].to_numpy()})
    out["n_features"] = np.bincount(which[inside], minlength=len(zones)).astype(np.int64)
    for col in counts:
        values = pd.to_numeric(people[col], errors="coerce").fillna(0).to_numpy()[inside]
        out[col] = np.bincount(which[inside], weights=values, minlength=len(zones)).round().astype(np.int64)
    few = out["n_features"] < min_features
    for col in counts:
        if col in SPECIAL_GROUPS:
            out[col] = out[col].astype("Int64")
            out.loc[few, col] = pd.NA
    return out
