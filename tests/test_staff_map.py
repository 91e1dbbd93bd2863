"""The staffing map's classes and layers (counts only), checked by hand on three grids."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from gridmap.present.staff_map import LOAD_BREAKS, LOAD_COLORS, MEMBER_BREAKS, UNSTAFFED_COLOR, classify, staffing_map

X0, Y0 = 385_000.0, 3_548_000.0


def _grids() -> gpd.GeoDataFrame:
    boxes = [shapely.box(X0 + 100 * i, Y0, X0 + 100 * (i + 1), Y0 + 100) for i in range(3)]
    return gpd.GeoDataFrame({"grid_code": ["g1", "g2", "g3"], "households": [200, 900, 300], "n_staff": [1, 1, 0],
                             "households_per_staff": [200.0, 900.0, np.nan], "staffed": [True, True, False],
                             "reason": ["", "", "no_staff_within_reach"], "staff_names": ["张三", "李四", ""]},
                            geometry=boxes, crs="EPSG:4549")


def test_classes_by_hand() -> None:
    assert classify(np.array([0, 250, 251, 400, 500, 501, 750, 751, np.nan]), LOAD_BREAKS).tolist() == \
        [0, 0, 1, 1, 2, 3, 3, 4, -1]
    assert classify(np.array([0, 1, 2, 3, 4, 9]), MEMBER_BREAKS).tolist() == [0, 1, 2, 2, 3, 3]


def test_the_map_colours_each_grid_by_its_class_and_draws_no_names() -> None:
    micro = gpd.GeoDataFrame({"micro_code": ["g101", "g102"], "households": [40, 160], "n_members": [0, 2]},
                             geometry=[shapely.box(X0, Y0, X0 + 50, Y0 + 100), shapely.box(X0 + 50, Y0, X0 + 100,
                                                                                          Y0 + 100)],
                             crs="EPSG:4549")
    html = staffing_map(_grids(), micro, lang="en").get_root().render()
    assert f'"_fill": "{LOAD_COLORS[0]}"' in html and f'"_fill": "{LOAD_COLORS[4]}"' in html  # 200 and 900
    assert f'"_fill": "{UNSTAFFED_COLOR}"' in html  # g3
    for layer in ("Households per staff member", "Grids without staff", "Party members per micro grid"):
        assert layer in html
    assert "\\u5f20\\u4e09" not in html and "张三" not in html  # the staff names never reach the map
