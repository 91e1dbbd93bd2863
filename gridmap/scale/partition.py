"""Cutting a large area into partitions (街道 or districts) that can be analysed independently.

A partition is a set of whole communities (社区). What each analysis needs to give, per partition,
exactly the answer the one-process run gives:

* **mosaic / units** — the zones that intersect the partition, its communities and the residents
  inside them: inside a community the linework is the same as in the whole area, so the faces are
  the same (docs/design.md §4.1). Faces outside the study area (越界) come from one *remainder* task over
  the zones that stick out of the study area and the study area's outline.
* **grids** — per community (each with its own random stream, drawn from its id), so whole
  communities make whole answers.
* **coverage** — gaps are per community; overlaps are dissolved per partition and re-dissolved
  where they cross a partition border; invalid edges are computed for the zones a partition *owns*
  (their point on surface lies in it) against every zone within ``gap_width`` of them.
* **access** — a *halo*: the partition's network is every street within ``H = max threshold +
  snap limit`` of it, and the centres within ``H``. A resident whose nearest centre is within the
  largest threshold is then routed exactly as on the whole network (the path and the centre lie
  within the threshold of the resident, the centre's street within the snap limit of the centre);
  :func:`certified` says which results are provably exact, and the rest (beyond the largest
  threshold, unreachable, snapped across a cut) are routed again on the whole network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.access.routing import CODE_NO_GEOMETRY, CODE_OK, CODE_TOO_FAR, RoutingResult, component_lengths
from gridmap.access.snapping import EdgeIndex

__all__ = ["Partition", "partition_keys", "split_inputs", "assign_points", "halo_network", "certified",
           "OUTSIDE"]

#: Key of the remainder partition (whatever lies outside every community).
OUTSIDE = "_outside"
#: Zones this close to a partition (metres) join its mosaic: every vertex that could take part in
#: noding the partition's linework (snap rounding to a 1 mm grid) is then present.
SNAP_MARGIN = 1.0


@dataclass
class Partition:
    """The inputs of one partition's tasks (all in the work CRS).

    Attributes
    ----------
    key : the partition key (e.g. county + street code), or :data:`OUTSIDE`.
    study_area : its communities (for :data:`OUTSIDE`: the outline of the whole study area, one row).
    layers : per layer, the zones intersecting it.
    residents : the residents inside it (``_row``: their row in the full table).
    owned_zones : per layer, ids of the zones whose invalid edges this partition reports.
    context_zones : per layer, the owned zones and every zone within ``gap_width`` of them.
    net : the halo network (None without a network).
    centers : positions in the full centre table of the centres inside the halo.
    """

    key: str
    study_area: gpd.GeoDataFrame
    layers: dict[str, gpd.GeoDataFrame]
    residents: gpd.GeoDataFrame
    owned_zones: dict[str, np.ndarray] = field(default_factory=dict)
    context_zones: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    net: WalkNetwork | None = None
    centers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    def sizes(self) -> dict[str, int]:
        """How many communities, residents, ... the partition holds: its share of the work."""
        return {"communities": len(self.study_area) if self.key != OUTSIDE else 0,
                "residents": len(self.residents),
                "zones": int(sum(len(v) for v in self.layers.values())),
                "network_edges": self.net.n_edges if self.net is not None else 0,
                "centers": len(self.centers)}


def partition_keys(study_area: pd.DataFrame, by: str = "street") -> np.ndarray:
    """The partition of each community.

    ``by``: ``street`` (街道: ``county_code`` + ``street_code``, else the first 9 digits of a
    12-digit ``area_id``), ``district`` (``county_code``, else the first 6 digits), ``community``
    (``area_id``), or the name of a column of the study area.
    """
    area_id = study_area["area_id"].astype(str)
    if by == "community":
        return area_id.to_numpy()
    if by in ("street", "district"):
        cols = ["county_code", "street_code"] if by == "street" else ["county_code"]
        if set(cols) <= set(study_area.columns):
            key = study_area[cols[0]].astype(str).str.zfill(6)
            if by == "street":
                key = key + study_area["street_code"].astype(str).str.zfill(3)
            return key.to_numpy()
        digits = 9 if by == "street" else 6
        if area_id.str.fullmatch(r"\d{12}").all():
            return area_id.str[:digits].to_numpy()
        raise ValueError(f"partition by {by}: the study area needs county_code/street_code or 12-digit area_id")
    if by in study_area.columns:
        return study_area[by].astype(str).to_numpy()
    raise ValueError(f"unknown partition key {by!r}: street, district, community or a study-area column")


def assign_points(xy: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point (the lowest if several; -1 if none or NaN)."""
    out = np.full(len(xy), -1, dtype=np.int64)
    ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
    if len(ok) == 0 or len(polygons) == 0:
        return out
    tree = shapely.STRtree(polygons)
    pt, poly = tree.query(shapely.points(xy[ok]), predicate="intersects")
    order = np.lexsort((poly, pt))
    pt, poly = pt[order], poly[order]
    first = np.r_[True, pt[1:] != pt[:-1]]
    out[ok[pt[first]]] = poly[first]
    return out


def halo_network(net: WalkNetwork, edge_tree: shapely.STRtree, region, distance: float) -> WalkNetwork:
    """The sub-network of every edge within ``distance`` of ``region`` (same coordinates and lengths)."""
    edges = np.sort(edge_tree.query(region, predicate="dwithin", distance=distance))
    nodes, inverse = np.unique(np.concatenate([net.edge_u[edges], net.edge_v[edges]]), return_inverse=True)
    inverse = inverse.ravel()
    m = len(edges)
    return WalkNetwork(crs=net.crs, node_id=net.node_id[nodes], node_xy=net.node_xy[nodes], edge_u=inverse[:m],
                       edge_v=inverse[m:], edge_length=net.edge_length[edges], edge_highway=net.edge_highway[edges])


def certified(net: WalkNetwork, rr: RoutingResult, res_xy: np.ndarray, cen_xy: np.ndarray, limit: float,
              halo: float, index: EdgeIndex, major_m: float) -> np.ndarray:
    """Which residents' results on a halo network are provably those of the whole network.

    Parameters
    ----------
    net : the halo network (every street within ``halo`` of the partition).
    rr : :func:`gridmap.access.routing.nearest_center_arrays` on it (residents of the partition, centres in the halo).
    res_xy, cen_xy : the points routed.
    limit : distances up to this are exact (``halo`` − snap limit).
    halo : the halo width.
    index : the network's :class:`EdgeIndex`.
    major_m : :data:`gridmap.access.routing.MAJOR_COMPONENT_M`.

    A routed resident is certified when every distance it got (nearest centre and nearest per
    service) is at most ``limit`` — the path and that centre then lie inside the halo, so the whole
    network has the same path and no shorter one — and no snapping rule that looks at network
    components could have decided differently on the cut network: the resident was snapped to its
    nearest street (not moved off a piece no centre is on), that street's piece of the halo network
    is at least ``major_m`` long, and no centre it was routed to was moved off its nearest street.
    A resident too far from every street is certified when its nearest street is within the halo
    (the whole network has no nearer one); one with no geometry always is.
    """
    n = len(res_xy)
    status = rr.status
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return ok
    plain = index.nearest(res_xy)
    ok |= status == CODE_NO_GEOMETRY
    ok |= (status == CODE_TOO_FAR) & (plain.dist <= halo)  # and the whole network has no nearer street
    comp = net.component
    comp_len = component_lengths(net)
    if net.n_edges == 0 or comp_len.max() < major_m:
        return ok  # the cut network cannot tell fragments from the main network: route everything again
    cplain = index.nearest(cen_xy) if len(cen_xy) else None
    moved = np.zeros(max(len(cen_xy), 1), dtype=bool)
    if cplain is not None:
        routed_c = rr.center_status == CODE_OK
        moved = routed_c & ~np.isclose(rr.center_snap_m, cplain.dist, rtol=0.0, atol=1e-9)
    good = (status == CODE_OK) & np.isclose(rr.snap_m, plain.dist, rtol=0.0, atol=1e-9)
    edge = np.clip(plain.edge, 0, None)
    good &= comp_len[comp[net.edge_u[edge]]] >= major_m
    for dist, centre in [(rr.network_m, rr.center), *rr.per_service.values()]:
        within = np.isfinite(dist) & (dist <= limit)
        good &= within & ~moved[np.clip(centre, 0, None)] & (centre >= 0)
    return ok | good


def split_inputs(study_area: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], residents: gpd.GeoDataFrame,
                 centers: gpd.GeoDataFrame | None, net: WalkNetwork | None, *, by: str = "street",
                 halo: float = 1300.0, gap_width: float = 0.0, res_xy: np.ndarray | None = None,
                 cen_xy: np.ndarray | None = None) -> list[Partition]:
    """Cut the (projected) inputs into partitions of whole communities, plus the remainder.

    Returns the partitions in key order, then :data:`OUTSIDE` when something lies outside every
    community (residents, zones sticking out).
    """
    crs = study_area.crs
    study_area = study_area.reset_index(drop=True)
    keys = partition_keys(study_area, by)
    comm_geom = study_area.geometry.to_numpy()
    outline = shapely.coverage_union_all(comm_geom)
    if res_xy is None:
        geoms = residents.geometry.to_numpy()
        res_xy = np.full((len(geoms), 2), np.nan)
        has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        pts = geoms[has]
        pts = np.where(shapely.get_type_id(pts) == 0, pts, shapely.point_on_surface(pts))
        res_xy[has] = shapely.get_coordinates(pts)
    res_comm = assign_points(res_xy, comm_geom)
    res_key = np.where(res_comm >= 0, keys[np.clip(res_comm, 0, None)], OUTSIDE)
    residents = residents.assign(_row=np.arange(len(residents)))
    trees = {name: shapely.STRtree(gdf.geometry.to_numpy()) for name, gdf in layers.items()}
    # zone ownership for invalid edges: the partition holding the zone's point on surface
    owner = {}
    for name, gdf in layers.items():
        pos = shapely.point_on_surface(gdf.geometry.to_numpy())
        c = assign_points(shapely.get_coordinates(pos) if len(pos) else np.empty((0, 2)), comm_geom)
        owner[name] = np.where(c >= 0, keys[np.clip(c, 0, None)], OUTSIDE)
    edge_tree = shapely.STRtree(net.edge_lines()) if net is not None and net.n_edges else None
    cen_tree = None
    if centers is not None and net is not None and cen_xy is not None and len(cen_xy):
        finite = np.isfinite(cen_xy).all(axis=1)
        cen_pts = np.where(finite, shapely.points(np.where(finite[:, None], cen_xy, 0.0)), None)
        cen_tree = shapely.STRtree(cen_pts)

    def context(name: str, owned: np.ndarray) -> gpd.GeoDataFrame:
        gdf = layers[name]
        if not owned.any():
            return gdf.iloc[:0]
        near = trees[name].query(gdf.geometry.to_numpy()[owned], predicate="dwithin", distance=gap_width + 1.0)[1]
        return gdf.iloc[np.unique(np.concatenate([np.flatnonzero(owned), near]))]

    def with_network(part: Partition, region) -> Partition:
        if net is not None and edge_tree is not None and len(part.residents):
            part.net = halo_network(net, edge_tree, region, halo)
            if cen_tree is not None:
                part.centers = np.sort(cen_tree.query(region, predicate="dwithin", distance=halo))
        return part

    parts = []
    for key in sorted(set(keys.tolist())):
        mine = keys == key
        region = shapely.coverage_union_all(comm_geom[mine])
        sub_layers = {name: gdf.iloc[np.sort(trees[name].query(region, predicate="dwithin", distance=SNAP_MARGIN))]
                      for name, gdf in layers.items()}
        part = Partition(key=key, study_area=study_area[mine].reset_index(drop=True), layers=sub_layers,
                         residents=residents[res_key == key])
        for name in layers:
            owned = owner[name] == key
            part.owned_zones[name] = layers[name]["zone_id"].astype(str).to_numpy()[owned]
            part.context_zones[name] = context(name, owned)
        parts.append(with_network(part, region))
    # the remainder: zones sticking out of the study area, residents outside every community
    shapely.prepare(outline)
    # and the zones near its outline, whose vertices take part in noding the outline (snap rounding)
    rim = shapely.boundary(outline)
    out_layers = {}
    for name, gdf in layers.items():
        sticking = ~shapely.covered_by(gdf.geometry.to_numpy(), outline)
        sticking[trees[name].query(rim, predicate="dwithin", distance=SNAP_MARGIN)] = True
        out_layers[name] = gdf[sticking]
    out_res = residents[res_key == OUTSIDE]
    owned_out = {name: owner[name] == OUTSIDE for name in layers}
    if any(len(v) for v in out_layers.values()) or len(out_res) or any(v.any() for v in owned_out.values()):
        part = Partition(key=OUTSIDE, study_area=gpd.GeoDataFrame({"area_id": [OUTSIDE]}, geometry=[outline], crs=crs),
                         layers=out_layers, residents=out_res)
        for name in layers:
            part.owned_zones[name] = layers[name]["zone_id"].astype(str).to_numpy()[owned_out[name]]
            part.context_zones[name] = context(name, owned_out[name])
        region = shapely.multipoints(res_xy[res_key == OUTSIDE]) if len(out_res) else outline
        parts.append(with_network(part, region))
    return parts


