"""Compare two plans over the same units: who moved, what each grid gained and lost, a change map."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.errors import GridmapError
from gridmap.plans.plan import Plan
from gridmap.plans.units import COUNT_COLUMNS

__all__ = ["compare_plans", "PlanComparison"]


@dataclass
class PlanComparison:
    """The difference between plan A and plan B.

    Attributes
    ----------
    moved : units whose grid differs: ``unit_id``, ``grid_a``, ``grid_b``, counts.
    per_grid : every grid of either plan: ``grid_code``, ``households_a``, ``households_b``,
        ``gained`` / ``lost`` (households coming from / going to other grids), ``net``,
        ``units_gained``, ``units_lost``.
    changes : the change map layer — moved units dissolved per (``grid_a``, ``grid_b``) with their
        counts and ``area_m2``, in the units' CRS.
    """

    moved: pd.DataFrame
    per_grid: pd.DataFrame
    changes: gpd.GeoDataFrame


def compare_plans(a: Plan, b: Plan) -> PlanComparison:
    """Compare two plans built on the same units (same ``unit_id`` set).

    Raises
    ------
    ValueError : the plans do not share their units.
    """
    if set(a.unit_ids.tolist()) != set(b.unit_ids.tolist()):
        raise GridmapError("err_compare_plans_on_different_units_compare")
    aa = a.assignment().set_index("unit_id")["grid_code"]
    bb = b.assignment().set_index("unit_id")["grid_code"].reindex(aa.index)
    counts = [c for c in COUNT_COLUMNS if c in a.units.columns]
    base = a.units.set_index("unit_id")
    moved_mask = (aa != bb).to_numpy()
    moved = pd.DataFrame({"unit_id": aa.index[moved_mask], "grid_a": aa[moved_mask].to_numpy(),
                          "grid_b": bb[moved_mask].to_numpy()})
    for col in counts:
        moved[col] = base.loc[moved["unit_id"], col].to_numpy()
    hh = base["households"] if "households" in base else pd.Series(0, index=base.index)
    per_a = hh.groupby(aa).sum()
    per_b = hh.groupby(bb).sum()
    codes = sorted((set(a.registry) | set(b.registry) | set(per_a.index) | set(per_b.index)) - {""})
    per = pd.DataFrame({"grid_code": codes})
    per["households_a"] = per_a.reindex(codes, fill_value=0).to_numpy().astype(np.int64)
    per["households_b"] = per_b.reindex(codes, fill_value=0).to_numpy().astype(np.int64)
    mh = moved["households"] if "households" in moved else pd.Series(0, index=moved.index)
    per["gained"] = mh.groupby(moved["grid_b"]).sum().reindex(codes, fill_value=0).to_numpy().astype(np.int64)
    per["lost"] = mh.groupby(moved["grid_a"]).sum().reindex(codes, fill_value=0).to_numpy().astype(np.int64)
    per["net"] = per["households_b"] - per["households_a"]
    per["units_gained"] = moved.groupby("grid_b").size().reindex(codes, fill_value=0).to_numpy()
    per["units_lost"] = moved.groupby("grid_a").size().reindex(codes, fill_value=0).to_numpy()
    per["in_a"] = per["grid_code"].isin(set(a.registry))
    per["in_b"] = per["grid_code"].isin(set(b.registry))
    geoms = base.geometry.loc[moved["unit_id"]].to_numpy() if len(moved) else np.empty(0, dtype=object)
    rows, out_geoms = [], []
    if len(moved):
        for (ga, gb), idx in moved.groupby(["grid_a", "grid_b"]).indices.items():
            row = {"grid_a": ga, "grid_b": gb, "n_units": len(idx)}
            for col in counts:
                row[col] = int(moved[col].to_numpy()[idx].sum())
            rows.append(row)
            out_geoms.append(shapely.coverage_union_all(geoms[idx]))
    changes = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["grid_a", "grid_b", "n_units", *counts]),
                               geometry=out_geoms, crs=a.crs)
    changes["area_m2"] = changes.geometry.area
    return PlanComparison(moved=moved, per_grid=per, changes=changes)
