"""The workspace tests' data: a small hand-made office, so every expected figure can be worked out by hand: two
communities of two different 街道 side by side — A (``320102001001``, street 001) on the west, B
(``320102002001``, street 002) on the east — cut into eight 100 m units, four grids of two units:

    north  u1 u2 | u3 u4        households: u_i has 10·i (u1 = 10 … u8 = 80)
    south  u5 u6 | u7 u8        grids: A1 = {u1, u5}  A2 = {u2, u6}  B1 = {u3, u7}  B2 = {u4, u8}
           A (west) | B (east)

Residents: one point per unit, centred, with ``name``, ``phone``, ``address`` and special-group
counts (unit u_i: ``elderly_alone`` = i).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from argon2 import PasswordHasher

from gridmap.plans.plan import Plan
from gridmap.workspace import AuthPolicy, Principal, Role

#: Login rules of the tests: the defaults, but argon2 hashes that take a millisecond, not a third of a second.
#: (The default hasher's strength is tested once, in test_workspace_auth.)
POLICY = AuthPolicy(hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E
X0, Y0, SIDE = 385_000.0, 3_548_000.0, 100.0
A, B = "320102001001", "320102002001"
A1, A2, B1, B2 = A + "001", A + "002", B + "001", B + "002"
HOUSEHOLDS = {i: 10 * i for i in range(1, 9)}


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, start: float = 1_790_000_000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def unit_box(i: int) -> shapely.Polygon:
    col, row = (i - 1) % 4, (i - 1) // 4
    x, y = X0 + col * SIDE, Y0 - row * SIDE
    return shapely.box(x, y - SIDE, x + SIDE, y)


def make_units() -> gpd.GeoDataFrame:
    ids = list(range(1, 9))
    return gpd.GeoDataFrame({"unit_id": ids, "area_id": [A if (i - 1) % 4 < 2 else B for i in ids],
                             "households": [HOUSEHOLDS[i] for i in ids],
                             "population": [3 * HOUSEHOLDS[i] for i in ids]},
                            geometry=[unit_box(i) for i in ids], crs=CRS)


def make_plan() -> Plan:
    assignment = pd.DataFrame({"unit_id": [1, 5, 2, 6, 3, 7, 4, 8], "grid_code": [A1, A1, A2, A2, B1, B1, B2, B2]})
    return Plan(make_units(), assignment, min_households=1, max_households=1000, name="plan")


def make_inputs() -> dict[str, gpd.GeoDataFrame]:
    area = gpd.GeoDataFrame(
        {"area_id": [A, B], "name": ["华侨路社区", "洪武路社区"], "county_code": ["320102", "320102"],
         "street_code": ["001", "002"], "community_code": ["001", "001"]},
        geometry=[shapely.box(X0, Y0 - 2 * SIDE, X0 + 2 * SIDE, Y0), shapely.box(X0 + 2 * SIDE, Y0 - 2 * SIDE,
                                                                               X0 + 4 * SIDE, Y0)], crs=CRS)
    zones = gpd.GeoDataFrame({"zone_id": ["P1", "P2"], "name": ["党建一", "党建二"]},
                             geometry=[shapely.box(X0, Y0 - 2 * SIDE, X0 + 2 * SIDE, Y0),
                                       shapely.box(X0 + 2 * SIDE, Y0 - 2 * SIDE, X0 + 4 * SIDE, Y0)], crs=CRS)
    ids = list(range(1, 9))
    residents = gpd.GeoDataFrame(
        {"building_id": [f"b{i}" for i in ids], "households": [HOUSEHOLDS[i] for i in ids],
         "population": [3 * HOUSEHOLDS[i] for i in ids], "elderly_alone": ids, "left_behind_children": [0] * 8,
         "disabled": [1] * 8, "name": [f"住户{i}" for i in ids], "phone": [f"1390000000{i}" for i in ids],
         "address": [f"华侨路{i}号" for i in ids]},
        geometry=[unit_box(i).centroid for i in ids], crs=CRS)
    centers = gpd.GeoDataFrame({"center_id": ["C1"], "name": ["党群服务中心"]},
                               geometry=[shapely.Point(X0 + 150, Y0 - 50)], crs=CRS)
    return {"study_area": area, "zones_party": zones, "residents": residents, "centers": centers}


PLANNER_A = Principal("planner_a", Role.PLANNER, scopes=("320102001",), projects=("office",))
PLANNER_B = Principal("planner_b", Role.PLANNER, scopes=(B,), projects=("office",))
VIEWER = Principal("viewer", Role.VIEWER, projects=("office",))
ADMIN = Principal("boss", Role.ADMIN)
