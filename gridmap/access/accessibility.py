"""Walking access to service centres (可达性): network distances, life circles, services, summaries.

Method (docs/design.md §4.6): every resident and centre is snapped to its nearest street, one multi-source
Dijkstra from all centres gives every node its nearest centre, and each resident reads its distance
off its street edge — all in the routing kernel, :mod:`gridmap.access.routing`, whose docstring
gives the method and its invariants (distances include both snap legs, so ``network_m ≥
straight_m``; NaN, never ``inf``, with a status saying why: ``too_far_from_street``,
``unreachable``, ``no_geometry``).

This module asks the kernel for the distances (:func:`compute_access`) and turns them into what
officials read: households and special groups by life circle per grid (:func:`summarize_access`)
and the 上门服务名单 (:func:`home_visit_list`). Life circles follow GB 50180-2018 (5 / 10 /
15-minute walks ≈ 300 / 500 / 1000 m by default, configurable). The 基本服务清单: centres list their
services in ``services`` (``;``-joined; ``；``、``,``、``、`` are accepted too);
``network_m_<service>`` is the distance to the nearest centre offering that service.

Catchments and isochrones are in :mod:`gridmap.access.catchments`.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import (  # re-exported names are part of this module's API since 0.1
    BEYOND,
    DEFAULT_LABELS,
    DEFAULT_SNAP_LIMIT,
    DEFAULT_THRESHOLDS,
    MAJOR_COMPONENT_M,
    NO_ROUTE,
    SNAP_NO_GEOMETRY,
    SNAP_OK,
    SNAP_TOO_FAR,
    SNAP_UNREACHABLE,
    AccessResult,
    RoutingResult,
    access_tables,
    centre_services,
    check_thresholds,
    life_circle_labels,
    life_circles,
    nearest_center_arrays,
    parse_services,
    representative_xy,
    snap_centers,
    snap_residents,
    values_at,
)
from gridmap.access.snapping import EdgeIndex, Snap, snap_points
from gridmap.errors import MissingKeyError, check_number
from gridmap.io.validate import SPECIAL_GROUPS

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DEFAULT_LABELS",
    "DEFAULT_SNAP_LIMIT",
    "MAJOR_COMPONENT_M",
    "SPECIAL_GROUPS",
    "BEYOND",
    "NO_ROUTE",
    "SNAP_OK",
    "SNAP_TOO_FAR",
    "SNAP_UNREACHABLE",
    "SNAP_NO_GEOMETRY",
    "Snap",
    "EdgeIndex",
    "snap_points",
    "AccessResult",
    "RoutingResult",
    "check_thresholds",
    "values_at",
    "snap_centers",
    "snap_residents",
    "life_circle_labels",
    "parse_services",
    "representative_xy",
    "nearest_center_arrays",
    "compute_access",
    "life_circles",
    "summarize_access",
    "home_visit_list",
]


def compute_access(net: WalkNetwork, residents: gpd.GeoDataFrame, centers: gpd.GeoDataFrame, *,
                   thresholds: Sequence[float] = DEFAULT_THRESHOLDS, labels: Sequence[str] | None = None,
                   snap_limit: float = DEFAULT_SNAP_LIMIT, center_id: str = "center_id",
                   services_col: str | None = "services", index: EdgeIndex | None = None) -> AccessResult:
    """Walking access of every resident to the nearest centre, and to the nearest offering each service.

    Parameters
    ----------
    net : WalkNetwork
    residents : GeoDataFrame of points or building polygons (any CRS).
    centers : GeoDataFrame of points with ``center_id`` (and optionally ``services``).
    thresholds, labels : life-circle limits in metres (increasing) and their names.
    snap_limit : metres from the nearest street beyond which a point is not routed.
    center_id : id column of ``centers``.
    services_col : column listing each centre's services (``None``: no per-service access).
    index : prebuilt :class:`EdgeIndex` of ``net``.

    Returns
    -------
    AccessResult
        ``residents``: a copy with ``center_id``, ``network_m``, ``straight_m`` (to the nearest
        centre as the crow flies, KD-tree), ``detour`` (``network_m / straight_m``),
        ``life_circle``, ``snap_m`` (to the street used), ``snap_status`` and
        ``network_m_<service>`` per service; ``centers``: a copy with ``snap_m``, ``snap_status``
        and ``services_list``; plus the thresholds, labels and services
        (:func:`gridmap.access.routing.access_tables`).
    """
    thresholds = check_thresholds(thresholds)
    labels = life_circle_labels(thresholds, labels)
    check_number(snap_limit, "snap_limit", "metres", above=0)
    if center_id not in centers.columns:
        raise MissingKeyError("err_accessibility_centres_have_no_column", center_id=center_id)
    res_xy = representative_xy(residents, net.crs)
    cen_xy = representative_xy(centers, net.crs)
    services = centre_services(centers, services_col)
    rr = nearest_center_arrays(net, res_xy, cen_xy, snap_limit=snap_limit, service_sets=services.offers, index=index)
    return access_tables(residents, centers, rr, res_xy, cen_xy, services, thresholds=thresholds, labels=labels,
                         center_id=center_id)


# ------------------------------------------------------------------------------------------------
# tables


def _zone_labels(residents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None, zone_id: str) -> pd.Series:
    """The zone of each resident: from ``zones`` (its point inside the polygon) or its own column."""
    if zones is None:
        if zone_id not in residents.columns:
            raise MissingKeyError("err_accessibility_residents_have_no_column_pass", zone_id=zone_id)
        return residents[zone_id].astype(object).where(residents[zone_id].notna(), "(none)")
    if zone_id not in zones.columns:
        raise MissingKeyError("err_accessibility_zone_layer_has_no_column", zone_id=zone_id)
    xy = representative_xy(residents, zones.crs)
    pts = gpd.GeoDataFrame({"_row": np.arange(len(residents))}, geometry=shapely.points(xy), crs=zones.crs)
    hit = gpd.sjoin(pts[np.isfinite(xy).all(axis=1)], zones[[zone_id, zones.geometry.name]], how="inner",
                    predicate="within")
    first = hit.sort_values("_row").drop_duplicates("_row")  # overlapping zones: the first listed
    labels = pd.Series("(none)", index=np.arange(len(residents)), dtype=object)
    labels.iloc[first["_row"].to_numpy()] = first[zone_id].astype(object).to_numpy()
    labels.index = residents.index
    return labels


def summarize_access(residents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None = None, zone_id: str = "area_id",
                     *, groups: Sequence[str] = SPECIAL_GROUPS, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Households and each special group by life circle, per grid / community / zone.

    Parameters
    ----------
    residents : the ``residents`` of :func:`compute_access` (with ``life_circle``).
    zones : any polygon layer (grids, communities…); ``None`` uses the residents' ``zone_id`` column.
    zone_id : id column of ``zones`` (or of the residents).
    groups : special-group count columns to summarise (those absent are skipped).
    labels : life-circle labels, in order (default: the categories of ``life_circle``).

    Returns
    -------
    DataFrame
        One row per zone plus a ``TOTAL`` row: ``residents`` (features), then for ``households``
        and each group ``<col>_total``, ``<col>_<circle>`` for every circle, ``beyond`` and
        ``no_route``, and ``<col>_within_<last circle>_pct`` (share within the largest threshold,
        of all, in %). A resident inside several overlapping zones counts in the first.
    """
    zone = _zone_labels(residents, zones, zone_id)
    circle = residents["life_circle"]
    cats = list(circle.cat.categories) if hasattr(circle, "cat") else None
    if labels is None:
        labels = [c for c in (cats or []) if c not in (BEYOND, NO_ROUTE)] or list(DEFAULT_LABELS)
    circles = [*labels, BEYOND, NO_ROUTE]
    cols = [c for c in ("households", *groups) if c in residents.columns]
    frame = pd.DataFrame({"zone": zone.to_numpy(), "circle": circle.astype(object).to_numpy()})
    for c in cols:
        frame[c] = pd.to_numeric(residents[c], errors="coerce").fillna(0).to_numpy()
    rows = []
    for key, grp in [*frame.groupby("zone", sort=True), ("TOTAL", frame)]:
        row: dict[str, object] = {zone_id: key, "residents": len(grp)}
        for c in cols:
            total = grp[c].sum()
            row[f"{c}_total"] = total
            by = grp.groupby("circle")[c].sum()
            for lab in circles:
                row[f"{c}_{lab}"] = by.get(lab, 0)
            within = sum(by.get(lab, 0) for lab in labels)
            row[f"{c}_within_{labels[-1]}_pct"] = round(100.0 * within / total, 1) if total else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in out.columns:
        if c != zone_id and out[c].dtype.kind == "f" and not c.endswith("_pct") and np.allclose(out[c], out[c].round()):
            out[c] = out[c].round().astype("int64")
    return out


def home_visit_list(residents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None = None, zone_id: str = "area_id",
                    *, groups: Sequence[str] = SPECIAL_GROUPS, id_columns: Sequence[str] = ("building_id", "name"),
                    labels: Sequence[str] | None = None) -> pd.DataFrame:
    """The 上门服务名单: residents with special-group members outside the largest life circle.

    Lists every resident (building) with at least one of ``groups`` whose ``life_circle`` is
    ``beyond`` (farther than the largest threshold) or ``no_route`` (too far from a street, or
    on a piece of network no centre reaches — it cannot be shown to be within the circle).

    Returns
    -------
    DataFrame
        ``zone_id``, the resident's id columns present, ``households``, each group, ``special_total``,
        ``center_id``, ``network_m``, ``life_circle``, ``snap_status``, ``reason`` (``beyond`` or the
        snap status), ``lon``, ``lat`` (WGS84 of the resident's point); sorted by zone, farthest first.
    """
    groups = [g for g in groups if g in residents.columns]
    zone = _zone_labels(residents, zones, zone_id)
    special = residents[groups].apply(pd.to_numeric, errors="coerce").fillna(0) if groups else pd.DataFrame(
        index=residents.index)
    total = special.sum(axis=1) if groups else pd.Series(0, index=residents.index)
    circle = residents["life_circle"].astype(object)
    keep = (total > 0) & circle.isin([BEYOND, NO_ROUTE])
    sel = residents[keep.to_numpy()]
    xy = representative_xy(sel, "EPSG:4326")
    out = pd.DataFrame({zone_id: zone[keep.to_numpy()].to_numpy()})
    for c in id_columns:
        if c in sel.columns:
            out[c] = sel[c].to_numpy()
    if "households" in sel.columns:
        out["households"] = sel["households"].to_numpy()
    for g in groups:
        out[g] = special.loc[keep, g].astype("int64").to_numpy()
    out["special_total"] = total[keep].astype("int64").to_numpy()
    out["center_id"] = sel["center_id"].to_numpy()
    out["network_m"] = sel["network_m"].round(1).to_numpy()
    out["life_circle"] = circle[keep].to_numpy()
    out["snap_status"] = sel["snap_status"].to_numpy()
    out["reason"] = np.where(out["life_circle"] == BEYOND, BEYOND, out["snap_status"])
    out["lon"] = np.round(xy[:, 0], 7)
    out["lat"] = np.round(xy[:, 1], 7)
    return out.sort_values([zone_id, "network_m"], ascending=[True, False], na_position="first",
                           kind="stable").reset_index(drop=True)
