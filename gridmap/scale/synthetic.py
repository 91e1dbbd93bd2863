"""A reproducible synthetic city at any size (10k … 1M+ buildings), for scaling tests and benchmarks.

:func:`synthetic_city` builds, from a seed and the documented parameters of :class:`CityParams`,
every input of the data model (docs/design.md §2) — no file, no network access, vectorised throughout
(1M buildings in well under a minute):

* **streets** — a grid of street-centre nodes ``block_m`` apart, each node jittered (normal,
  ``jitter_m``); the segments between grid neighbours are the walking network, minus a random
  ``missing_share`` of them (dead ends, blocks merged), plus a diagonal footpath across a random
  ``diagonal_share`` of blocks, plus a few short disconnected footway fragments inside blocks (as
  OSM has them). Returned as a :class:`~gridmap.access.network.WalkNetwork` (arrays), not an OSM file.
* **administration** — the blocks between streets are grouped into rectangular 社区 (communities)
  of ``community_blocks`` blocks a side (random per column/row of communities), communities into
  街道 (streets) of ``street_communities`` communities a side, 街道 into districts of
  ``district_streets``. Codes: ``county_code`` (6 digits, one per district: ``3201xx``),
  ``street_code`` (3, within the district), ``community_code`` (3, within the 街道);
  ``area_id`` = the 12 digits together. Community borders run along street centre lines.
* **buildings** (residents) — points, ``buildings_per_block`` per block on average, spread by a
  smooth random density surface (denser centres), set back from the street; ``households`` per
  building 1 + negative binomial (mean ≈ ``households_mean``, a few towers ×4, capped at 400),
  ``population`` ≈ 2.62 per household (Poisson), special groups binomial per household
  (独居老人 5 %, 留守儿童 1 %, 残疾人 4 %).
* **centres** (党群服务中心) — Poisson(``centers_per_community``) per community at one of its
  buildings (some communities have none: residents beyond 15 minutes exist), each offering a
  random subset of :data:`SERVICES`.
* **three zone layers** that disagree, each with gaps and overlaps:
  ``party`` (党建网格) — 2 × 2 blocks inside each community (follows streets and communities);
  ``security`` (综治网格) — Voronoi cells of random seeds, one per ``security_blocks`` blocks
  (ignores streets); ``urban`` (城管网格) — a square grid of ``urban_cell_m`` rotated by
  ``urban_angle_deg``, sticking out ``outside_m`` beyond the city edge (越界). In every layer a
  ``gap_share`` of zones is missing and an ``overlap_share`` is grown by ``overlap_m`` into its
  neighbours (多头); ``blind_spots`` discs (60–120 m) are cut out of all three layers (盲区).

Everything is in a projected metric CRS (CGCS2000 3-degree Gauss–Krüger, EPSG:4549 by default).
Same parameters and seed → identical tables and network.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.access.network import WalkNetwork
from gridmap.errors import ParameterError, check_number

__all__ = ["CityParams", "SyntheticCity", "synthetic_city", "SERVICES", "save_network", "load_network",
           "save_osm_xml", "write_city"]

#: Services centres may offer, with the share of centres offering each.
SERVICES: dict[str, float] = {"政务": 1.0, "党员活动": 0.8, "养老": 0.6, "就业": 0.5, "医疗": 0.4}


@dataclass(frozen=True)
class CityParams:
    """Parameters of :func:`synthetic_city` (all lengths in metres).

    Attributes
    ----------
    n_buildings : exact number of buildings (residents).
    seed : random seed; same parameters + seed → same city.
    block_m : distance between neighbouring street nodes (block size).
    jitter_m : standard deviation of the node jitter (clipped at 2.5 σ).
    missing_share : share of grid street segments left out.
    diagonal_share : share of blocks crossed by a diagonal footpath.
    fragment_share : disconnected footway fragments per block.
    buildings_per_block : mean buildings per block.
    households_mean : mean households per building.
    community_blocks : (min, max) blocks a side of a community.
    street_communities : (min, max) communities a side of a 街道.
    district_streets : (min, max) 街道 a side of a district.
    centers_per_community : mean centres per community (Poisson).
    security_blocks : blocks per security (Voronoi) zone.
    urban_cell_m, urban_angle_deg : side and rotation of the urban zone grid.
    gap_share, overlap_share, overlap_m : zones missing / grown by ``overlap_m``, per layer.
    blind_spots_per_km2 : discs cut out of every layer, per km² of city.
    outside_m : how far the urban layer sticks out of the city (越界).
    crs : projected CRS of every output; ``origin`` its south-west corner.
    """

    n_buildings: int = 10_000
    seed: int = 0
    block_m: float = 130.0
    jitter_m: float = 10.0
    missing_share: float = 0.04
    diagonal_share: float = 0.03
    fragment_share: float = 0.004
    buildings_per_block: float = 10.0
    households_mean: float = 8.0
    community_blocks: tuple[int, int] = (4, 7)
    street_communities: tuple[int, int] = (2, 4)
    district_streets: tuple[int, int] = (2, 3)
    centers_per_community: float = 0.8
    security_blocks: float = 5.0
    urban_cell_m: float = 330.0
    urban_angle_deg: float = 8.0
    gap_share: float = 0.03
    overlap_share: float = 0.05
    overlap_m: float = 15.0
    blind_spots_per_km2: float = 0.15
    outside_m: float = 40.0
    crs: str = "EPSG:4549"
    origin: tuple[float, float] = (480_000.0, 3_530_000.0)

    def __post_init__(self) -> None:
        """Refuse a parameter that is not a finite number in its range (:class:`gridmap.errors.ParameterError`)."""
        set_ = object.__setattr__  # frozen: normalise once, here
        for name, (unit, rule) in _PARAM_RULES.items():
            set_(self, name, check_number(getattr(self, name), name, unit, **rule))
        for name in ("community_blocks", "street_communities", "district_streets"):
            pair = getattr(self, name)
            if isinstance(pair, (str, bytes)) or np.ndim(pair) != 1 or len(pair) != 2:
                raise ParameterError("err_pair_numbers", name=name, got=repr(pair))
            low, high = (check_number(v, f"each of {name}", "", minimum=1, integer=True) for v in pair)
            if low > high:
                raise ParameterError("err_pair_order", name=name, got=repr(pair))
            set_(self, name, (low, high))
        if isinstance(self.origin, (str, bytes)) or np.ndim(self.origin) != 1 or len(self.origin) != 2:
            raise ParameterError("err_origin", got=repr(self.origin))
        set_(self, "origin", tuple(float(check_number(v, "each of origin", "metres")) for v in self.origin))
        try:
            crs = pyproj.CRS.from_user_input(self.crs)
        except (pyproj.exceptions.CRSError, TypeError) as exc:
            raise ParameterError("err_synthetic_crs_unknown", crs=repr(self.crs)) from exc
        if not crs.is_projected:
            raise ParameterError("err_synthetic_crs_degrees", crs=repr(self.crs))


#: Ranges of the numeric :class:`CityParams` (unit, bounds for :func:`gridmap.errors.check_number`).
_SHARE = {"minimum": 0, "maximum": 1}
_PARAM_RULES: dict[str, tuple[str, dict]] = {
    "n_buildings": ("buildings", {"minimum": 1, "integer": True}),
    "seed": ("", {"minimum": 0, "integer": True}),
    "block_m": ("metres", {"minimum": 20}),
    "jitter_m": ("metres", {"minimum": 0}),
    "missing_share": ("", _SHARE),
    "diagonal_share": ("", _SHARE),
    "fragment_share": ("", _SHARE),
    "buildings_per_block": ("buildings", {"above": 0}),
    "households_mean": ("households", {"minimum": 1}),
    "centers_per_community": ("centres", {"minimum": 0}),
    "security_blocks": ("blocks", {"above": 0}),
    "urban_cell_m": ("metres", {"minimum": 20}),
    "urban_angle_deg": ("degrees", {"minimum": -360, "maximum": 360}),
    "gap_share": ("", _SHARE),
    "overlap_share": ("", _SHARE),
    "overlap_m": ("metres", {"minimum": 0}),
    "blind_spots_per_km2": ("discs per km²", {"minimum": 0}),
    "outside_m": ("metres", {"minimum": 0}),
}


@dataclass
class SyntheticCity:
    """The generated inputs (every frame in ``params.crs``)."""

    params: CityParams
    # communities: area_id, name, county_code, street_code, community_code, street, district
    study_area: gpd.GeoDataFrame
    residents: gpd.GeoDataFrame  # building points: building_id, households, population, special groups
    centers: gpd.GeoDataFrame  # center_id, name, kind, services, capacity
    layers: dict[str, gpd.GeoDataFrame]  # party, security, urban: zone_id, name
    network: WalkNetwork
    streets: gpd.GeoDataFrame = field(repr=False)  # 街道: street_key, name, county_code, street_code
    districts: gpd.GeoDataFrame = field(repr=False)  # county_code, name

    def summary(self) -> dict[str, int]:
        """Counts of everything generated."""
        return {"buildings": len(self.residents), "households": int(self.residents["households"].sum()),
                "population": int(self.residents["population"].sum()), "communities": len(self.study_area),
                "streets": len(self.streets), "districts": len(self.districts), "centers": len(self.centers),
                **{f"zones_{k}": len(v) for k, v in self.layers.items()},
                "network_nodes": self.network.n_nodes, "network_edges": self.network.n_edges}


def _runs(n: int, lo: int, hi: int, rng: np.random.Generator) -> np.ndarray:
    """Cut ``0…n`` into consecutive runs of lo…hi (the last may be shorter); returns the run start of each cut."""
    edges = [0]
    while edges[-1] < n:
        edges.append(edges[-1] + int(rng.integers(lo, hi + 1)))
    edges[-1] = n
    if len(edges) > 2 and edges[-1] - edges[-2] < max(1, lo // 2):  # no sliver run at the end
        edges.pop(-2)
    return np.asarray(edges)


def _rect_polygons(node_xy: np.ndarray, nx1: int, c0: np.ndarray, c1: np.ndarray, r0: np.ndarray,
                   r1: np.ndarray) -> np.ndarray:
    """Polygons whose rings walk the (jittered) node grid around node-index rectangles [c0,c1]×[r0,r1]."""
    out = np.empty(len(c0), dtype=object)
    for k in range(len(c0)):
        a, b, r, s = int(c0[k]), int(c1[k]), int(r0[k]), int(r1[k])
        cols = np.concatenate([np.arange(a, b + 1), np.full(s - r, b), np.arange(b - 1, a - 1, -1),
                               np.full(s - r - 1, a)])
        rows = np.concatenate([np.full(b - a + 1, r), np.arange(r + 1, s + 1), np.full(b - a, s),
                               np.arange(s - 1, r, -1)])
        out[k] = node_xy[rows * nx1 + cols]
    return shapely.polygons([shapely.linearrings(c) for c in out])


def _cell_groups(n: int, size: int, starts: np.ndarray) -> np.ndarray:
    """Index of the run (from ``starts``) each of 0…n-1 falls in."""
    return np.searchsorted(starts, np.arange(n), side="right") - 1


def synthetic_city(n_buildings: int | None = None, seed: int | None = None, params: CityParams | None = None,
                   **overrides) -> SyntheticCity:
    """Generate a synthetic city (see the module docstring for what is in it).

    Parameters
    ----------
    n_buildings, seed : shortcuts for the two parameters that usually change.
    params : all parameters (:class:`CityParams`); ``overrides`` replace single fields.

    Returns
    -------
    SyntheticCity
    """
    p = params or CityParams()
    if n_buildings is not None:
        overrides["n_buildings"] = int(n_buildings)
    if seed is not None:
        overrides["seed"] = int(seed)
    p = replace(p, **overrides)
    rng = np.random.default_rng([p.seed, 20240608])
    crs = pyproj.CRS.from_user_input(p.crs)
    x0, y0 = p.origin

    # --- street grid: nodes, blocks -------------------------------------------------------------
    n_blocks = max(4, math.ceil(p.n_buildings / p.buildings_per_block))
    nx = max(2, round(math.sqrt(n_blocks * 1.25)))  # a bit wider than tall
    ny = max(2, math.ceil(n_blocks / nx))
    nx1, ny1 = nx + 1, ny + 1
    gx, gy = np.meshgrid(np.arange(nx1, dtype=float), np.arange(ny1, dtype=float))
    jitter = np.clip(rng.normal(0.0, p.jitter_m, (ny1, nx1, 2)), -2.5 * p.jitter_m, 2.5 * p.jitter_m)
    node_xy = np.column_stack([(x0 + gx * p.block_m + jitter[..., 0]).ravel(),
                               (y0 + gy * p.block_m + jitter[..., 1]).ravel()])
    nid = np.arange(nx1 * ny1).reshape(ny1, nx1)
    h_u, h_v = nid[:, :-1].ravel(), nid[:, 1:].ravel()
    v_u, v_v = nid[:-1, :].ravel(), nid[1:, :].ravel()
    eu, ev = np.concatenate([h_u, v_u]), np.concatenate([h_v, v_v])
    keep = rng.random(len(eu)) >= p.missing_share
    eu, ev = eu[keep], ev[keep]
    # blocks (cells) are indexed row-major: cell (i, j) has node corners (i, j), (i+1, j), (i+1, j+1), (i, j+1)
    n_cells = nx * ny
    cell_i, cell_j = np.tile(np.arange(nx), ny), np.repeat(np.arange(ny), nx)
    diag = np.flatnonzero(rng.random(n_cells) < p.diagonal_share)
    flip = rng.random(len(diag)) < 0.5
    du = np.where(flip, nid[cell_j[diag], cell_i[diag]], nid[cell_j[diag], cell_i[diag] + 1])
    dv = np.where(flip, nid[cell_j[diag] + 1, cell_i[diag] + 1], nid[cell_j[diag] + 1, cell_i[diag]])
    # disconnected footway fragments (two segments) inside random blocks
    frag = np.flatnonzero(rng.random(n_cells) < p.fragment_share)
    corners = lambda di, dj: node_xy[nid[cell_j + dj, cell_i + di]]  # noqa: E731
    c00, c10, c11, c01 = corners(0, 0), corners(1, 0), corners(1, 1), corners(0, 1)

    def in_cell(cells: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Bilinear map of (s, t) ∈ [0, 1]² onto the jittered quadrilateral of each cell."""
        s, t = s[:, None], t[:, None]
        return (c00[cells] * (1 - s) * (1 - t) + c10[cells] * s * (1 - t) + c11[cells] * s * t
                + c01[cells] * (1 - s) * t)

    f_xy = np.concatenate([in_cell(frag, np.full(len(frag), f), np.full(len(frag), 0.3 + 0.2 * f))
                           for f in (0.3, 0.45, 0.6)])
    f_ids = len(node_xy) + np.arange(3 * len(frag)).reshape(3, -1)
    all_xy = np.vstack([node_xy, f_xy])
    net = WalkNetwork.from_arrays(
        all_xy, np.concatenate([eu, du, f_ids[0], f_ids[1]]), np.concatenate([ev, dv, f_ids[1], f_ids[2]]), crs,
        edge_highway=np.concatenate([np.full(len(eu), "residential", dtype=object),
                                     np.full(len(du) + 2 * len(frag), "footway", dtype=object)]))

    # --- administration ---------------------------------------------------------------------------
    ccol = _runs(nx, *p.community_blocks, rng)
    crow = _runs(ny, *p.community_blocks, rng)
    scol = _runs(len(ccol) - 1, *p.street_communities, rng)
    srow = _runs(len(crow) - 1, *p.street_communities, rng)
    dcol = _runs(len(scol) - 1, *p.district_streets, rng)
    drow = _runs(len(srow) - 1, *p.district_streets, rng)
    n_ccol, n_crow = len(ccol) - 1, len(crow) - 1
    # community (a, b): column a, row b; 街道 and district of each
    ca, cb = (g.ravel() for g in np.meshgrid(np.arange(n_ccol), np.arange(n_crow)))
    sa, sb = _cell_groups(n_ccol, 0, scol)[ca], _cell_groups(n_crow, 0, srow)[cb]
    da, db = _cell_groups(len(scol) - 1, 0, dcol)[sa], _cell_groups(len(srow) - 1, 0, drow)[sb]
    n_dcol = len(dcol) - 1
    district = db * n_dcol + da
    street_global = sb * (len(scol) - 1) + sa
    frame = pd.DataFrame({"ca": ca, "cb": cb, "district": district, "street": street_global})
    # codes in reading order (north → south, west → east): districts, 街道 within, communities within
    frame["_n"] = -frame["cb"]
    frame = frame.sort_values(["district", "street", "_n", "ca"], kind="stable").reset_index(drop=True)
    d_rank = frame["district"].rank(method="dense").astype(int) - 1
    frame["county_code"] = [f"{3201 + k // 98:04d}{k % 98 + 2:02d}" for k in d_rank]
    frame["street_code"] = (frame.groupby("district")["street"].rank(method="dense").astype(int)).map("{:03d}".format)
    frame["community_code"] = (frame.groupby("street").cumcount() + 1).map("{:03d}".format)
    frame["area_id"] = frame["county_code"] + frame["street_code"] + frame["community_code"]
    frame["district_name"] = [f"第{k + 1}区" for k in d_rank]
    frame["street_name"] = frame["district_name"] + "第" + frame["street_code"].str.lstrip("0") + "街道"
    frame["name"] = frame["street_name"] + "第" + frame["community_code"].str.lstrip("0") + "社区"
    comm_geom = _rect_polygons(node_xy, nx1, ccol[frame["ca"]], ccol[frame["ca"] + 1], crow[frame["cb"]],
                               crow[frame["cb"] + 1])
    study_area = gpd.GeoDataFrame({
        "area_id": frame["area_id"], "name": frame["name"], "county_code": frame["county_code"],
        "street_code": frame["street_code"], "community_code": frame["community_code"],
        "street": frame["street_name"], "district": frame["district_name"]}, geometry=comm_geom, crs=crs)
    study_area = study_area.sort_values("area_id", kind="stable").reset_index(drop=True)
    # community of every cell
    comm_of = np.full((n_crow, n_ccol), -1)
    pos = study_area["area_id"].reset_index().set_index("area_id")["index"]
    comm_of[frame["cb"].to_numpy(), frame["ca"].to_numpy()] = pos.reindex(frame["area_id"]).to_numpy()
    cell_comm = comm_of[_cell_groups(ny, 0, crow)[cell_j], _cell_groups(nx, 0, ccol)[cell_i]]
    key = study_area["county_code"] + study_area["street_code"]
    streets = study_area.assign(street_key=key).dissolve("street_key", as_index=False, method="coverage")[
        ["street_key", "street", "county_code", "street_code", "geometry"]].rename(columns={"street": "name"})
    districts = study_area.dissolve("county_code", as_index=False, method="coverage")[
        ["county_code", "district", "geometry"]].rename(columns={"district": "name"})

    # --- buildings ----------------------------------------------------------------------------------
    # a smooth density surface: a few random centres of gravity, plus per-block noise
    n_hot = max(1, n_cells // 400)
    hx, hy = rng.uniform(0, nx, n_hot), rng.uniform(0, ny, n_hot)
    hw = rng.uniform(0.5, 1.5, n_hot)
    radius = max(3.0, math.sqrt(n_cells / n_hot) * 0.6)
    dens = 0.4 + np.zeros(n_cells)
    for k in range(n_hot):  # n_hot ≤ n_cells/400: a short loop over arrays
        dens += hw[k] * np.exp(-((cell_i - hx[k]) ** 2 + (cell_j - hy[k]) ** 2) / (2 * radius**2))
    dens *= rng.lognormal(0.0, 0.35, n_cells)
    per_cell = rng.multinomial(p.n_buildings, dens / dens.sum())
    b_cell = np.repeat(np.arange(n_cells), per_cell)
    b_xy = in_cell(b_cell, rng.uniform(0.15, 0.85, len(b_cell)), rng.uniform(0.15, 0.85, len(b_cell)))
    # negative binomial with mean households_mean - 1, plus 1; a few towers
    r_nb = 2.0
    m = max(p.households_mean - 1.0, 0.1)
    hh = 1 + rng.negative_binomial(r_nb, r_nb / (r_nb + m), len(b_cell))
    tower = rng.random(len(b_cell)) < 0.03
    hh = np.minimum(np.where(tower, hh * 4, hh), 400).astype(np.int64)
    residents = gpd.GeoDataFrame({
        "building_id": np.char.add("B", np.char.zfill(np.arange(1, len(hh) + 1).astype(str), 7)).astype(object),
        "households": hh,
        "population": np.maximum(hh, rng.poisson(hh * 2.62)).astype(np.int64),
        "elderly_alone": rng.binomial(hh, 0.05).astype(np.int64),
        "left_behind_children": rng.binomial(hh, 0.01).astype(np.int64),
        "disabled": rng.binomial(hh, 0.04).astype(np.int64),
    }, geometry=shapely.points(b_xy), crs=crs)

    # --- centres ------------------------------------------------------------------------------------
    b_comm = cell_comm[b_cell]
    n_cen = rng.poisson(p.centers_per_community, len(study_area))
    order = np.argsort(b_comm, kind="stable")
    starts = np.searchsorted(b_comm[order], np.arange(len(study_area)))
    counts = np.bincount(b_comm, minlength=len(study_area))
    n_cen = np.where(counts > 0, n_cen, 0)
    cen_comm = np.repeat(np.arange(len(study_area)), n_cen)
    pick = order[starts[cen_comm] + (rng.random(len(cen_comm)) * counts[cen_comm]).astype(np.int64)]
    offers = np.column_stack([rng.random(len(pick)) < share for share in SERVICES.values()])
    names = list(SERVICES)
    services = [";".join(n for n, o in zip(names, row, strict=True) if o) for row in offers]
    cen_xy = b_xy[pick] + rng.normal(0.0, 8.0, (len(pick), 2))
    big = rng.random(len(pick)) < 0.4
    centers = gpd.GeoDataFrame({
        "center_id": [f"C{k:06d}" for k in range(1, len(pick) + 1)],
        "name": [f"{study_area['name'].iat[c]}党群服务{'中心' if b else '站'}"
                 for c, b in zip(cen_comm, big, strict=True)],
        "kind": np.where(big, "党群服务中心", "党群服务站").astype(object),
        "services": services,
        "capacity": np.where(big, 300, 80).astype(np.int64),
    }, geometry=shapely.points(cen_xy), crs=crs)

    # --- zone layers --------------------------------------------------------------------------------
    city = shapely.coverage_union_all(study_area.geometry.to_numpy())
    # party: 2 × 2 blocks inside each community
    col_run, row_run = _cell_groups(nx, 0, ccol)[cell_i], _cell_groups(ny, 0, crow)[cell_j]
    pi = (cell_i - ccol[col_run]) // 2
    pj = (cell_j - crow[row_run]) // 2
    pkey = pd.DataFrame({"comm": cell_comm, "pi": pi, "pj": pj, "i": cell_i, "j": cell_j})
    pz = pkey.groupby(["comm", "pj", "pi"], sort=True).agg(i0=("i", "min"), i1=("i", "max"), j0=("j", "min"),
                                                           j1=("j", "max")).reset_index()
    party_geom = _rect_polygons(node_xy, nx1, pz["i0"].to_numpy(), pz["i1"].to_numpy() + 1, pz["j0"].to_numpy(),
                                pz["j1"].to_numpy() + 1)
    party_name = [f"{study_area['name'].iat[c]}党建网格{k + 1}" for c, k in
                  zip(pz["comm"], pz.groupby("comm").cumcount(), strict=True)]
    # security: Voronoi cells of random seeds
    minx, miny, maxx, maxy = shapely.bounds(city)
    n_sec = max(2, round(n_cells / p.security_blocks))
    seeds = np.column_stack([rng.uniform(minx, maxx, n_sec), rng.uniform(miny, maxy, n_sec)])
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=shapely.box(
        minx - 1000, miny - 1000, maxx + 1000, maxy + 1000), ordered=True))
    shapely.prepare(city)
    sec_geom = shapely.intersection(vor, city)
    # urban: a rotated square grid, clipped to the city grown by outside_m (越界 along the edge)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = math.hypot(maxx - minx, maxy - miny) / 2 + p.urban_cell_m
    steps = np.arange(-math.ceil(half / p.urban_cell_m), math.ceil(half / p.urban_cell_m))
    ux, uy = (g.ravel() for g in np.meshgrid(steps * p.urban_cell_m, steps * p.urban_cell_m))
    sq = np.stack([np.column_stack([ux, uy]), np.column_stack([ux + p.urban_cell_m, uy]),
                   np.column_stack([ux + p.urban_cell_m, uy + p.urban_cell_m]),
                   np.column_stack([ux, uy + p.urban_cell_m])], axis=1)
    ang = math.radians(p.urban_angle_deg)
    rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    sq = sq @ rot.T + np.array([cx, cy])
    urb = shapely.polygons(sq)
    grown = shapely.buffer(city, p.outside_m, join_style="mitre")
    hit = shapely.intersects(urb, grown)
    urb_geom = shapely.intersection(urb[hit], grown)

    blind_n = rng.poisson(p.blind_spots_per_km2 * shapely.area(city) / 1e6)
    blind = shapely.buffer(shapely.points(np.column_stack([rng.uniform(minx, maxx, blind_n),
                                                           rng.uniform(miny, maxy, blind_n)])),
                           rng.uniform(60.0, 120.0, blind_n), quad_segs=4)

    def finish(geoms: np.ndarray, prefix: str, names: list[str] | None) -> gpd.GeoDataFrame:
        geoms = np.asarray(geoms, dtype=object)
        ok = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 1.0)
        ids = np.array([f"{prefix}{k:06d}" for k in range(1, len(geoms) + 1)], dtype=object)
        nm = np.asarray(names if names is not None else [f"{prefix}{k}" for k in range(1, len(geoms) + 1)],
                        dtype=object)
        geoms, ids, nm = geoms[ok], ids[ok], nm[ok]
        drop = rng.random(len(geoms)) < p.gap_share
        grow = ~drop & (rng.random(len(geoms)) < p.overlap_share)
        geoms = geoms.copy()
        geoms[grow] = shapely.buffer(geoms[grow], p.overlap_m, join_style="mitre")
        if len(blind):
            tree = shapely.STRtree(blind)
            gi, bi = tree.query(geoms, predicate="intersects")
            for g in np.unique(gi):
                geoms[g] = shapely.difference(geoms[g], shapely.union_all(blind[bi[gi == g]]))
        geoms = shapely.make_valid(geoms)
        keep = ~drop & ~shapely.is_empty(geoms) & (shapely.area(geoms) > 1.0)
        return gpd.GeoDataFrame({"zone_id": ids[keep], "name": nm[keep]}, geometry=geoms[keep], crs=crs)

    layers = {
        "party": finish(party_geom, "DJ", party_name),
        "security": finish(sec_geom, "ZZ", None),
        "urban": finish(urb_geom, "CG", None),
    }
    return SyntheticCity(params=p, study_area=study_area, residents=residents, centers=centers, layers=layers,
                         network=net, streets=streets, districts=districts)


# ------------------------------------------------------------------------------------------------
# files


def save_network(net: WalkNetwork, path: str | Path) -> Path:
    """Write a :class:`WalkNetwork` as ``.npz`` (node_xy, edge_u, edge_v, node_id, edge_highway, crs WKT)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez(f, crs=np.array(net.crs.to_wkt()), node_id=net.node_id, node_xy=net.node_xy, edge_u=net.edge_u,
                 edge_v=net.edge_v, edge_highway=net.edge_highway.astype(str))
    return path


def save_osm_xml(net: WalkNetwork, path: str | Path) -> Path:
    """Write a :class:`WalkNetwork` as an OSM XML street file (``.osm``, or ``.osm.bz2`` compressed).

    Every edge becomes a two-node way tagged with its ``highway`` (``footway`` when unknown), node
    coordinates in WGS84 lon/lat to 1e-9 degrees (~0.1 mm): what ``gridmap access``/``site``/
    ``report`` read with ``--osm``, so the synthetic city runs through the command line too.
    """
    import bz2

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lon, lat = pyproj.Transformer.from_crs(net.crs, "EPSG:4326", always_xy=True).transform(
        net.node_xy[:, 0], net.node_xy[:, 1])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="gridmap.scale.synthetic">']
    lines += [f'  <node id="{k + 1}" version="1" lat="{y:.9f}" lon="{x:.9f}"/>'
              for k, (x, y) in enumerate(zip(lon, lat, strict=True))]
    edges = zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_highway.tolist(), strict=True)
    for e, (u, v, hw) in enumerate(edges):
        lines.append(f'  <way id="{e + 1}" version="1"><nd ref="{u + 1}"/><nd ref="{v + 1}"/>'
                     f'<tag k="highway" v="{hw or "footway"}"/></way>')
    lines.append("</osm>\n")
    data = "\n".join(lines).encode("utf-8")
    path.write_bytes(bz2.compress(data) if path.suffix.lower() == ".bz2" else data)
    return path


def load_network(path: str | Path) -> WalkNetwork:
    """Read a network written by :func:`save_network`."""
    with np.load(path, allow_pickle=False) as z:
        return WalkNetwork.from_arrays(z["node_xy"], z["edge_u"], z["edge_v"], pyproj.CRS.from_wkt(str(z["crs"])),
                                       node_id=z["node_id"], edge_highway=z["edge_highway"].astype(object))


def write_city(city: SyntheticCity, folder: str | Path) -> dict[str, Path]:
    """Write the city as GeoParquet layers + ``network.npz`` into ``folder``; returns the paths by role."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"study_area": folder / "study_area.parquet", "residents": folder / "residents.parquet",
             "centers": folder / "centers.parquet", "network": folder / "network.npz"}
    city.study_area.to_parquet(paths["study_area"])
    city.residents.to_parquet(paths["residents"])
    city.centers.to_parquet(paths["centers"])
    for name, gdf in city.layers.items():
        paths[f"zones_{name}"] = folder / f"zones_{name}.parquet"
        gdf.to_parquet(paths[f"zones_{name}"])
    save_network(city.network, paths["network"])
    (folder / "params.txt").write_text("\n".join(f"{k} = {v!r}" for k, v in asdict(city.params).items()) + "\n",
                                       encoding="utf-8")
    return paths
