"""The pairing map (结对帮扶): who is paired with whom, helpers by load, residents by why people are left.

One builder, as for every analysis (``pairs.html`` of ``gridmap pair``): pair lines, helpers sized and
shaded by how many people they take, residents green where everyone is paired and otherwise
coloured by the reason people are left unpaired. Layer names come from the catalogue
(:mod:`gridmap.vocab.maps`) in the language asked for.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from gridmap.present import maps
from gridmap.present.map_labels import text

__all__ = ["STATUS_COLOURS", "LOAD_BINS", "pair_map"]

#: Residents by status: everyone paired, or why people are left.
STATUS_COLOURS = {"paired": "#1a9641", "helpers_full": "#fdae61", "no_helper_within_reach": "#d7191c",
                  "not_on_network": "#7f7f7f"}
#: Helpers by how many people they take: (fewest, most, fill colour).
LOAD_BINS = ((0, 0, "#ffffff"), (1, 1, "#c6dbef"), (2, 2, "#6baed6"), (3, 3, "#2171b5"), (4, 5, "#08519c"),
             (6, 9, "#08306b"), (10, 10**9, "#000000"))


def pair_map(result, streets: gpd.GeoDataFrame | None = None, lang: str = "zh") -> folium.Map:
    """Draw the map of a pairing (:class:`gridmap.people.pairing.PairingResult`).

    Parameters
    ----------
    result : the pairing: its ``links``, ``helpers``, ``residents`` and ``groups``.
    streets : the walking network's edges (``highway``, geometry) drawn as the vector basemap.
    lang : language of the layer names (``zh`` or ``en``).

    Returns
    -------
    folium.Map
        Layers: pairs, helpers per load class, residents per status (empty classes left out).
    """
    homes = result.residents
    m = maps.base_map(homes if homes.geometry.notna().any() else result.helpers)
    if streets is not None:
        maps.vector_basemap(m, streets_gdf=streets)
    links = result.links.assign(network_m=result.links["network_m"].round(0))
    if len(links):
        maps.add_layer(m, links, text("pair_layer_links", lang, n=int(links["people"].sum())), "#3f51b5",
                       ["resident_index", "helper_id", "people", "network_m"], weight=1.2)
    hel = result.helpers.assign(snap_m=result.helpers["snap_m"].round(1))
    hfields = [c for c in ("helper_id", "name", "assigned", "capacity", "free",
                           *(f"assigned_{g}" for g in result.groups), "snap_status") if c in hel.columns]
    for lo, hi, colour in LOAD_BINS:  # helpers sized (and shaded) by how many people they take
        part = hel[((hel["assigned"] >= lo) & (hel["assigned"] <= hi)).to_numpy()]
        if len(part):
            load = f"{lo}" if lo == hi else (f"{lo}–{hi}" if hi < 10**9 else f"{lo}+")
            maps.add_layer(m, part, text("pair_layer_helpers", lang, load=load, n=len(part)), "#08306b", hfields,
                           fill_color=colour, fill_opacity=0.85, weight=1.0, point_radius=3 + min(lo, 9))
    # residents on top: green where everyone is paired, else coloured by why people are left
    status = homes["reason"].where(homes["unpaired"] > 0, "paired").astype(object)
    fields = ["resident_index", "people", "paired", "unpaired", "reason"]
    for key, colour in STATUS_COLOURS.items():
        part = homes[(status == key).to_numpy()]
        if len(part):
            name = (text("pair_layer_all_paired", lang, n=int(part["people"].sum())) if key == "paired" else
                    text("pair_layer_unpaired", lang, reason=text(f"pair_reason_{key}", lang),
                         n=int(part["unpaired"].sum())))
            maps.add_layer(m, part, name, "#333333", fields, fill_color=colour, fill_opacity=0.9, weight=0.8,
                           point_radius=3.5)
    return m
