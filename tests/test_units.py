"""Units: mosaic faces cut by the communities, slivers merged into the neighbour with the longest edge."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.plans.units import find_slivers, make_units, unit_adjacency

X0, Y0 = 500_000.0, 3_545_000.0
CRS = 4549


def box(x1, y1, x2, y2):
    return shapely.box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def _layout():
    """Two communities A [0,100]² and B [100,200]×[0,100].

    In A: a corner face C = [0,8]×[94,100] (48 m² < 50, 6 m wide) whose longest edge (8 m) is
    shared with M = [0,100]×[0,94] (T = [8,100]×[94,100] shares only 6 m). In B: a strip
    [100,101]×[0,100] (100 m², 1 m wide: thin) left by the security zone S1 overreaching by 1 m;
    its only neighbour in B is [101,200]×[0,100] (the 100 m edge towards A crosses a community).
    """
    area = gpd.GeoDataFrame({"area_id": ["320102001001", "320102001002"], "name": ["A", "B"]},
                            geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=CRS)
    party = gpd.GeoDataFrame({"zone_id": ["P1", "P2"], "name": ["p1", "p2"]},
                             geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=CRS)
    security = gpd.GeoDataFrame({"zone_id": ["S1", "S2", "S3"], "name": ["s1", "s2", "s3"]},
                                geometry=[box(0, 0, 101, 100), box(101, 0, 200, 100), box(0, 94, 8, 100)], crs=CRS)
    urban = gpd.GeoDataFrame({"zone_id": ["U1", "U2", "U3"], "name": ["u1", "u2", "u3"]},
                             geometry=[box(0, 94, 100, 100), box(0, 0, 100, 94), box(100, 0, 200, 100)], crs=CRS)
    pts = [(50, 50, 100, 1), (4, 97, 10, 2), (50, 97, 20, 0), (100.5, 50, 5, 0), (150, 50, 200, 3)]
    residents = gpd.GeoDataFrame({"households": [p[2] for p in pts], "population": [p[2] * 3 for p in pts],
                                  "elderly_alone": [p[3] for p in pts]},
                                 geometry=[shapely.Point(X0 + p[0], Y0 + p[1]) for p in pts], crs=CRS)
    return {"party": party, "security": security, "urban": urban}, area, residents


def test_slivers_merge_into_the_longest_edge_within_the_community() -> None:
    layers, area, residents = _layout()
    units = make_units(layers, area, residents, crs=CRS)
    assert len(units) == 3
    by_area = units.set_index(units["area_m2"].round(3))
    main_a = by_area.loc[9448.0]  # M (9400) + corner C (48)
    assert main_a["households"] == 110 and main_a["elderly_alone"] == 3 and main_a["population"] == 330
    assert main_a["security_ids"] == "S1" and main_a["urban_ids"] == "U2" and main_a["n_faces"] == 2
    top = by_area.loc[552.0]
    assert top["households"] == 20 and top["urban_ids"] == "U1" and top["n_faces"] == 1
    b = by_area.loc[10000.0]  # strip (100) + the rest of B (9900), not merged across the community border
    assert b["area_id"] == "320102001002" and b["households"] == 205 and b["security_ids"] == "S2"
    assert units["households"].sum() == residents["households"].sum()
    assert list(units["unit_id"]) == [1, 2, 3] and units.loc[0, "area_m2"] == pytest.approx(552.0)  # T is north
    assert shapely.coverage_is_valid(units.geometry.to_numpy())
    assert units.area.sum() == pytest.approx(area.area.sum(), rel=1e-12)
    assert not units["is_sliver"].any()


def test_sliver_rule_and_keeps_the_thin_strip_and_the_wide_corner() -> None:
    layers, area, residents = _layout()
    units = make_units(layers, area, residents, crs=CRS, sliver_rule="and")
    assert sorted(units["area_m2"].round(3)) == [48.0, 100.0, 552.0, 9400.0, 9900.0]
    units = make_units(layers, area, residents, crs=CRS, min_width_m=0)  # area only: the strip stays
    assert sorted(units["area_m2"].round(3)) == [100.0, 552.0, 9448.0, 9900.0]


def test_find_slivers_by_area_and_width() -> None:
    geoms = np.array([box(0, 0, 1.5, 100), box(0, 0, 10, 10), box(0, 0, 6, 6), box(0, 0, 5, 200)])
    assert find_slivers(geoms, 50, 2).tolist() == [True, False, True, False]
    assert find_slivers(geoms, 50, 2, "and").tolist() == [False, False, False, False]
    assert find_slivers(geoms, 0, 2).tolist() == [True, False, False, False]
    with pytest.raises(ValueError):
        find_slivers(geoms, sliver_rule="xor")


def test_adjacency_has_shared_edge_lengths_and_ignores_corner_contacts() -> None:
    # 2 x 2 squares of 10 m, the east pair split at y=5 on the shared edge with the west squares
    geoms = np.array([box(0, 0, 10, 10), box(0, 10, 10, 20), box(10, 0, 20, 20)])
    geoms = shapely.node(shapely.union_all(shapely.boundary(geoms)))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(geoms)))
    faces = np.array(sorted(faces, key=lambda g: (g.centroid.x, g.centroid.y)))
    i, j, length = unit_adjacency(faces)
    got = {(int(a), int(b)): float(m) for a, b, m in zip(i, j, length, strict=True)}
    assert got == {(0, 1): 10.0, (0, 2): 10.0, (1, 2): 10.0}
    diag = np.array([box(0, 0, 10, 10), box(10, 10, 20, 20)])
    assert len(unit_adjacency(diag)[0]) == 0


def test_faces_in_two_communities_are_residue_or_an_error() -> None:
    """Overlapping communities: a residue face (under 1 m², left where the validator removed an
    overlap) goes to one of them and merges there; a real overlap stops with both names."""
    from gridmap.io.validate import LayerError

    layers, area, residents = _layout()
    residue = area.copy()
    residue.loc[1, "geometry"] = box(99.999, 0, 200, 100)  # 0.1 m² inside A
    units = make_units(layers, residue, residents)
    assert set(units["area_id"]) == {"320102001001", "320102001002"}
    assert units.area.sum() == pytest.approx(200 * 100)
    overlap = area.copy()
    overlap.loc[1, "geometry"] = box(90, 0, 200, 100)  # 1000 m² inside A
    with pytest.raises(LayerError, match="320102001001 and 320102001002: 1,000 m²"):
        make_units(layers, overlap, residents)
