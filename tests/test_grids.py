"""build_grids (band, contiguity, zones, reasons, determinism) and grid codes (format, order, stability)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.plans.grids import GridStats, build_grids, community_prefixes, dissolve_grids, number_grids
from gridmap.plans.units import unit_adjacency

X0, Y0 = 500_000.0, 3_545_000.0


def lattice(nx: int, ny: int, hh, area_id="320102001001", x_off: float = 0.0, party=None, size: float = 100.0,
            first_id: int = 1) -> gpd.GeoDataFrame:
    """nx × ny square units (row-major from the north-west), households ``hh`` (scalar or list)."""
    geoms, rows = [], []
    k = 0
    for r in range(ny):
        for c in range(nx):
            x, y = X0 + x_off + c * size, Y0 + (ny - 1 - r) * size
            geoms.append(shapely.box(x, y, x + size, y + size))
            h = hh[k] if np.ndim(hh) else hh
            rows.append({"unit_id": first_id + k, "area_id": area_id, "households": int(h), "population": int(h) * 3,
                         "party_ids": party[k] if party is not None else "P1", "party_count": 1})
            k += 1
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=4549)
    gdf["area_m2"] = gdf.area
    return gdf


def _contiguous(units: gpd.GeoDataFrame, codes: np.ndarray) -> bool:
    i, j, _ = unit_adjacency(units.geometry.to_numpy())
    same = codes[i] == codes[j]
    n = len(units)
    _, comp = connected_components(coo_matrix((np.ones(same.sum()), (i[same], j[same])), shape=(n, n)), directed=False)
    return all(len(set(comp[codes == c])) == 1 for c in set(codes))


def test_codes_are_15_digits_unique_and_read_west_to_east_then_north_to_south() -> None:
    units = lattice(3, 2, 10)
    # nudge the middle north unit 20 m south: still the same row
    units.loc[1, "geometry"] = shapely.affinity.translate(units.geometry[1], 0, -20)
    labels = np.array([5, 3, 9, 0, 7, 1])  # any numbering
    codes = number_grids(units, labels, {"320102001001": "320102001001"})
    assert all(re.fullmatch(r"\d{15}", c) for c in codes) and len(set(codes)) == 6
    assert [c[-3:] for c in codes] == ["001", "002", "003", "004", "005", "006"]
    assert codes[0][:6] == "320102" and codes[0][6:9] == "001" and codes[0][9:12] == "001"


def test_codes_of_unchanged_grids_are_kept_and_new_grids_take_free_numbers() -> None:
    units = lattice(3, 2, 10)
    prefixes = {"320102001001": "320102001001"}
    first = number_grids(units, np.array([0, 0, 1, 2, 2, 3]), prefixes)
    previous = pd.DataFrame({"unit_id": units["unit_id"], "grid_code": first})
    # grid of units 1-2 unchanged; units 3 and 6 change hands
    second = number_grids(units, np.array([0, 0, 1, 1, 2, 3]), prefixes, previous)
    assert second[0] == first[0]
    assert len(set(second)) == 4 and set(second) - {first[0]} == set(first) - {first[0]}  # free numbers reused
    # a study area gives the prefix from county + street + community codes
    area = pd.DataFrame({"area_id": ["X"], "county_code": ["320104"], "street_code": ["2"], "community_code": ["7"]})
    assert community_prefixes(area, ["X", "Y", "Z"]) == {"X": "320104002007", "Y": "000000000001",
                                                         "Z": "000000000002"}


def test_build_grids_meets_the_band_contiguously_and_deterministically() -> None:
    units = pd.concat([lattice(6, 6, 50), lattice(4, 4, [40, 60] * 8, "320102001002", x_off=700, first_id=37)],
                      ignore_index=True)
    units = gpd.GeoDataFrame(units, geometry="geometry", crs=4549)
    build = build_grids(units, 300, 500, seed=3)
    grids = build.grids
    assert ((grids["households"] >= 300) & (grids["households"] <= 500)).all()
    assert grids["households"].sum() == units["households"].sum()
    assert (grids["n_communities"] == 1).all()
    codes = build.assignment["grid_code"].to_numpy()
    assert _contiguous(units, codes)
    assert list(build.status["status"]) == ["ok", "ok"] and list(build.status["n_grids"]) == [5, 2]
    again = build_grids(units, 300, 500, seed=3)
    assert (again.assignment["grid_code"] == build.assignment["grid_code"]).all()
    assert shapely.coverage_is_valid(grids.geometry.to_numpy())
    assert grids.area.sum() == pytest.approx(units.area.sum(), rel=1e-9)


def test_grids_follow_the_zones_when_asked_to() -> None:
    # 4 x 2 units of 100 households; party zone P1 = north row, P2 = south row
    units = lattice(4, 2, 100, party=["P1"] * 4 + ["P2"] * 4)
    rows = build_grids(units, 300, 500, seed=0, zone_weight=2.0).grids
    assert list(rows["party_share"]) == [1.0, 1.0] and set(rows["party_main"]) == {"P1", "P2"}
    blocks = build_grids(units, 300, 500, seed=0, zone_weight=0.0).grids  # compactness only: 2 x 2 blocks
    assert list(blocks["party_share"]) == [0.5, 0.5]
    assert blocks["polsby_popper"].tolist() == pytest.approx([np.pi / 4] * 2)


def test_communities_that_cannot_meet_the_band_say_why() -> None:
    few = lattice(2, 1, 50, "320102001001")
    big = lattice(3, 1, [600, 200, 150], "320102001002", x_off=300, first_id=3)
    odd = lattice(3, 1, [200, 189, 200], "320102001003", x_off=700, first_id=6)
    # a community in two pieces: 4 units of 100 to the west, one unit of 50 far east
    split = lattice(4, 1, 100, "320102001004", x_off=1100, first_id=9)
    island = lattice(1, 1, 50, "320102001004", x_off=2000, first_id=13)
    units = gpd.GeoDataFrame(pd.concat([few, big, odd, split, island], ignore_index=True), geometry="geometry",
                             crs=4549)
    build = build_grids(units, 300, 500, seed=1)
    st = build.status.set_index("area_id")
    assert st.loc["320102001001", "reason"] == "too few households (100 < 300)"
    assert st.loc["320102001001", "n_grids"] == 1
    assert "unit alone above the maximum (600 households > 500)" in st.loc["320102001002", "reason"]
    assert st.loc["320102001002", "n_grids"] == 2  # the big unit alone, the rest (350) a grid in the band
    assert st.loc["320102001002", "n_in_band"] == 1
    assert "no number of grids fits 589 households into 300–500" in st.loc["320102001003", "reason"]
    assert "disconnected piece of 1 unit(s) with 50 households" in st.loc["320102001004", "reason"]
    assert (st["status"] == "band not met").all()
    assert _contiguous(units, build.assignment["grid_code"].to_numpy())


def test_grid_stats_sums_and_perimeter_without_dissolving() -> None:
    units = lattice(3, 1, [10, 20, 30])
    table = GridStats(units).table(np.array(["A", "A", None], dtype=object))
    assert table["households"].tolist() == [30] and table["perimeter_m"].tolist() == pytest.approx([600.0])
    assert table["polsby_popper"].tolist() == pytest.approx([4 * np.pi * 20_000 / 600**2])


# --------------------------------------------------------------------------------------------
# codes that cannot be made: refused with the reason, never overflowing or shared


def test_communities_sharing_an_admin_code_cannot_get_codes() -> None:
    from gridmap.errors import GridCodeError

    table = pd.DataFrame({"area_id": ["A", "B", "C"], "county_code": ["320102"] * 3, "street_code": ["001"] * 3,
                          "community_code": ["001", "001", "002"]})
    with pytest.raises(GridCodeError, match=r"e\.g\. 320102001001 \(county \+ street \+ community code\) by A, B"):
        community_prefixes(table, ["A", "B", "C"])


def test_more_than_999_uncoded_communities_cannot_get_codes() -> None:
    from gridmap.errors import GridCodeError

    assert len(set(community_prefixes(None, [f"C{k}" for k in range(999)]).values())) == 999
    with pytest.raises(GridCodeError, match="1000 communities have no county_code"):
        community_prefixes(None, [f"C{k}" for k in range(1000)])


def test_a_piece_in_two_communities_cannot_get_a_code() -> None:
    from gridmap.errors import GridCodeError

    with pytest.raises(GridCodeError, match="belong to several communities at once .A;B."):
        community_prefixes(None, ["A", "A;B"])


def test_more_than_999_grids_in_a_community_cannot_be_coded() -> None:
    from gridmap.errors import GridCodeError

    units = lattice(40, 25, 1, size=10.0)  # 1000 units
    prefixes = {"320102001001": "320102001001"}
    assert len(set(number_grids(units.iloc[:999], np.arange(999), prefixes))) == 999
    with pytest.raises(GridCodeError, match="community 320102001001: 1000 grids, but a grid's sequence number has 3"):
        number_grids(units, np.arange(1000), prefixes)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_households": 0, "max_households": 0}, "min_households must be a whole number of households ≥ 1, got 0"),
    ({"min_households": 10.5}, "min_households must be a whole number of households ≥ 1, got 10.5"),
    ({"max_households": float("nan")}, "max_households must be a whole number of households ≥ 1, got nan"),
    ({"min_households": 600, "max_households": 500}, "min_households 600 > max_households 500"),
    ({"seed": -1}, "seed must be a whole number ≥ 0, got -1"),
])
def test_build_grids_refuses_bad_parameters(kwargs, message) -> None:
    from gridmap.errors import ParameterError

    with pytest.raises(ParameterError, match=re.escape(message)):
        build_grids(lattice(2, 2, 100), **kwargs)


def test_dissolve_grids_takes_each_grids_own_units_when_some_are_unassigned() -> None:
    """Unassigned units (None or "") before assigned ones must not shift which polygons a grid gets."""
    boxes = [shapely.box(10 * k, 0, 10 * k + 10, 10) for k in range(5)]
    units = gpd.GeoDataFrame({"unit_id": range(5)}, geometry=boxes, crs="EPSG:4549")
    grids = dissolve_grids(units, np.array([None, "", "A", "B", "A"], dtype=object))
    assert list(grids.index) == ["A", "B"]
    assert grids["B"].equals(boxes[3])
    assert shapely.equals(grids["A"], shapely.union_all([boxes[2], boxes[4]]))
    assert grids["A"].area == pytest.approx(200.0)
