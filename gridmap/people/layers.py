"""The layers of people a project keeps for and from ``gridmap staff`` and ``gridmap pair`` (issue 16).

``staff`` (网格员), ``members`` (党员), ``units`` (驻区单位) and ``helpers`` (结对帮扶 helpers)
are point layers of people. :func:`check_people_layer` checks one exactly as the command that
reads it does (:func:`gridmap.people.staffing.check_staff`, :func:`~gridmap.people.staffing.check_members`,
:func:`~gridmap.people.staffing.check_units`, :func:`gridmap.people.pairing.helper_capacities`),
so a layer a project accepts is one those commands accept; it raises
:class:`gridmap.io.validate.LayerError` naming the file, rows, ids and columns otherwise.

:func:`pairing_layers` turns a pairing run (:func:`gridmap.people.pairing.pair_residents`) into
the layers a project keeps: ``pairing_grids`` (counts per grid, for everyone who may open the
project: the app's "people not paired" map layer) apart from ``pairing_people`` (the list of
pairs, a list of people that only admins and planners in scope read).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.io.validate import LayerError
from gridmap.people.pairing import REASONS, PairingResult, helper_capacities
from gridmap.people.staffing import check_members, check_staff, check_units

__all__ = ["PEOPLE_LAYERS", "PAIRING_LAYERS", "check_people_layer", "pairing_layers"]

#: The keys of the layers of people a project may hold for the people commands, and what reads them.
PEOPLE_LAYERS: dict[str, str] = {"staff": "gridmap staff", "members": "gridmap staff", "units": "gridmap staff",
                                 "helpers": "gridmap pair"}
#: The layers a pairing run leaves in a project: counts per grid, and the list of pairs (people).
PAIRING_LAYERS = ("pairing_grids", "pairing_people")


def check_people_layer(key: str, layer: gpd.GeoDataFrame, grid_codes: Sequence[str] | None = None) -> None:
    """Check a layer of people as the command that reads it does; raise :class:`LayerError` if it is unusable.

    Parameters
    ----------
    key : one of :data:`PEOPLE_LAYERS`.
    layer : the layer as read (points with a CRS; ``attrs["source"]`` names the file in messages).
    grid_codes : the grid codes kept assignments of ``staff`` may name (None: not checked).
    """
    if key not in PEOPLE_LAYERS:
        raise LayerError("err_people_layer_key", key=key, keys=", ".join(PEOPLE_LAYERS))
    if key == "staff":
        check_staff(layer, grid_codes)
    elif key == "members":
        check_members(layer)
    elif key == "units":
        check_units(layer)
    else:
        helper_capacities(layer)


def pairing_layers(result: PairingResult, grids: gpd.GeoDataFrame, *, plan: str = "",
                   revision: int | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The results of a pairing run as the layers a project keeps (:data:`PAIRING_LAYERS`).

    Counts and lists are kept apart, so each reader gets what they may see:

    * ``pairing_grids`` — the grid polygons with ``n_paired`` and ``n_unpaired`` (people of the
      special groups living in the grid, by the ``grid_code`` the run gave each person) and the
      unpaired by reason (``n_no_helper_within_reach``, ``n_helpers_full``, ``n_not_on_network``);
      no names, ids or homes;
    * ``pairing_people`` — one row per person paired (the columns of ``pairs.csv``: ``resident_index``,
      ``group``, ``helper_id``, ``network_m``, ``grid_code`` …) at their home's point, so a
      planner's scope applies to it by location.

    Both carry ``plan`` and ``revision``: the plan revision the run was made on. ``grids`` are the
    plan's grids (``grid_code``, polygons); the run must have been made with them as the
    ``grid_code`` tie-break layer (``zone_layers``), else every count is 0.
    """
    crs = grids.crs
    codes = grids["grid_code"].astype(str)

    def per_grid(table: pd.DataFrame) -> pd.Series:
        if "grid_code" not in table.columns or not len(table):
            return pd.Series(0, index=codes.to_numpy(), dtype=np.int64)
        counted = table["grid_code"].dropna().astype(str).value_counts()
        return counted.reindex(codes.to_numpy()).fillna(0).astype(np.int64)

    layer = gpd.GeoDataFrame({"grid_code": codes.to_numpy()}, geometry=grids.geometry.to_numpy(), crs=crs)
    layer["n_paired"] = per_grid(result.pairs).to_numpy()
    layer["n_unpaired"] = per_grid(result.unpaired).to_numpy()
    for reason in REASONS:
        layer[f"n_{reason}"] = per_grid(result.unpaired[result.unpaired["reason"] == reason]).to_numpy()
    homes = result.residents.set_index("resident_index").geometry.to_crs(crs)
    pairs = result.pairs.reset_index(drop=True)
    where = homes.reindex(pairs["resident_index"].to_numpy()).to_numpy()
    people = gpd.GeoDataFrame(pairs, geometry=gpd.GeoSeries(where, crs=crs), crs=crs)
    layers = {"pairing_grids": layer, "pairing_people": people}
    for frame in layers.values():
        frame["plan"] = plan
        frame["revision"] = -1 if revision is None else int(revision)
    return layers
