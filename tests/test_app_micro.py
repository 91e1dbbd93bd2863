"""The Grid page's 微网格 section (issue 16) with AppTest: a planner sets a 楼栋长 of a 微网格 in the
scope and saves; the workspace's plan and its edit log hold it after reopening; a viewer gets the
list without names and no controls.
"""

from __future__ import annotations

import copy

import pytest
from test_app_workspace import (  # noqa: F401 (office: a fixture)
    PROJECT,
    add_accounts,
    fake_grid_map,
    log_in,
    office,
    run,
)

from gridmap.plans.micro import build_micro_grids


def micro_table(at):
    """The 微网格 list of the page (the table with a 楼栋长 column)."""
    return next(d.value for d in at.dataframe if "楼栋长" in map(str, d.value.columns))


def open_micro_plan(office, at):  # noqa: F811
    """Save the session's plan with 微网格 (10–70 households) as workspace plan ``m`` and open it in ``at``."""
    from gridmap.app import grid_page

    admin = office.as_system("setup")
    plan = copy.deepcopy(at.session_state[grid_page.STATE].plan)
    plan.micro_grids = build_micro_grids(plan.grids()[["grid_code", "geometry"]], admin.layer(PROJECT, "residents"),
                                         min_households=10, max_households=70).micro_grids
    admin.create_plan(PROJECT, "m", plan)
    at.run()
    at.selectbox(key="grid_open_name").set_value("m").run()
    at.button(key="grid_open").click().run()
    return at.session_state[grid_page.STATE]


@pytest.mark.slow
def test_a_planner_sets_a_building_head_saves_and_the_plan_keeps_it(office) -> None:  # noqa: F811
    from gridmap.app import grid_page

    area = add_accounts(office)
    at = log_in(run("grid"), "li")
    s = open_micro_plan(office, at)
    inside = next(c for c, a in s.plan.registry.items() if a == area and c not in s.plan.exclusive)
    s.selected = inside
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    micro = s.plan.micro_of(inside)["micro_code"].tolist()
    assert micro_table(at).shape[0] == len(micro)
    at.selectbox(key="micro_pick").set_value(micro[0])
    at.text_input(key="micro_head_name").input("赵楼长")
    at.text_input(key="micro_head_phone").input("02584000000")
    next(b for b in at.button if b.label in ("保存楼栋长", "Set building head")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    s = at.session_state[grid_page.STATE]
    assert s.plan.micro_of(inside).set_index("micro_code").at[micro[0], "building_head"] == "赵楼长"
    at.button(key="grid_save").click().run()
    reopened = office.as_system().plan_at(PROJECT, "m")
    assert reopened.micro_of(inside).set_index("micro_code").at[micro[0], "building_head"] == "赵楼长"
    assert reopened.edit_log()["op"].tolist()[-1] == "micro_head"
    assert office.as_system().revisions(PROJECT, "m")[-1].author == "li"
    # a viewer: the list without names, no controls
    viewer = log_in(run("grid"), "wang")
    viewer.selectbox(key="grid_open_name").set_value("m").run()
    viewer.button(key="grid_open").click().run()
    viewer.session_state[grid_page.STATE].selected = inside
    viewer.run()
    table = micro_table(viewer)
    assert len(table) == len(micro) and "赵楼长" not in table.to_string()
    assert "micro_pick" not in {w.key for w in viewer.selectbox}


@pytest.mark.slow
def test_a_project_with_a_pairing_run_only_shows_its_counts(office) -> None:  # noqa: F811
    admin = office.as_system("setup")
    area = admin.layer(PROJECT, "study_area")
    counts = area[["area_id", "geometry"]].rename(columns={"area_id": "grid_code"}).assign(
        n_paired=1, n_unpaired=[2] + [0] * (len(area) - 1), plan="p", revision=1)
    admin.store_layers(PROJECT, "pairing", {"pairing_grids": counts})
    at = run("grid")
    assert any(f"未结对 {2} 人" in c.value for c in at.caption), [c.value for c in at.caption]


def _lasso_case(plan, residents, area):
    """A base grid of the planner's community with 微网格, a target 微网格 T in it and a polygon drawn
    around the two buildings of another 微网格 nearest to T (in the plan's CRS) that the core accepts
    (they border T). Returns (grid, T, polygon)."""
    import shapely

    from gridmap.errors import GridmapError

    points = residents.to_crs(plan.crs).geometry.representative_point()
    for grid in (c for c, a in plan.registry.items() if a == area and c not in plan.exclusive):
        micro = plan.micro_of(grid)
        if len(micro) < 2:
            continue
        for target, shape in zip(micro["micro_code"], micro.geometry, strict=True):
            others = points[points.within(plan.grids([grid]).geometry.iloc[0]) & ~points.within(shape)]
            if len(others) < 2:
                continue
            nearest = others.distance(shape).sort_values().index[:2]
            polygon = shapely.convex_hull(shapely.union_all(residents.to_crs(plan.crs).geometry[nearest].buffer(1.0)))
            trial = copy.deepcopy(plan)
            try:
                trial.move_micro(target, polygon=polygon)
            except GridmapError:  # not neighbours of T: another case
                continue
            return grid, target, polygon
    raise AssertionError("no 微网格 lasso case in the stand-in demo")


@pytest.mark.slow
def test_a_planner_draws_around_buildings_and_they_join_the_chosen_micro_grid(office, monkeypatch) -> None:  # noqa: F811
    """The 微网格 draw mode: the buildings inside the drawn polygon, within the selected grid, join the
    chosen 微网格 — its households are exactly those of its old buildings plus the drawn ones, counted
    here from the residents layer — the other 微网格 lose them, undo restores; a refusal is a message in
    Chinese; a viewer has no such control."""
    import geopandas as gpd
    import shapely

    from gridmap.app import grid_page

    value = fake_grid_map(monkeypatch)
    area = add_accounts(office)
    residents = office.as_system("setup").layer(PROJECT, "residents")
    at = log_in(run("grid"), "li")
    s = open_micro_plan(office, at)
    grid, target, polygon = _lasso_case(s.plan, residents, area)
    s.selected = grid
    at.run()
    at.radio(key="grid_draw_mode").set_value("micro").run()
    at.selectbox(key="micro_lasso_target").set_value(target).run()
    assert not at.exception, [e.value for e in at.exception]

    # what should move, from the residents layer: building points in the grid and in the drawn polygon
    drawn = gpd.GeoSeries([polygon], crs=s.plan.crs).to_crs(4326).iloc[0]
    points = residents.to_crs(s.plan.crs).geometry.representative_point()
    households = residents["households"].astype(int)
    in_grid = points.intersects(s.plan.grids([grid]).geometry.iloc[0])
    picked = in_grid & points.within(gpd.GeoSeries([drawn], crs=4326).to_crs(s.plan.crs).iloc[0])
    before = s.plan.micro_of(grid).set_index("micro_code")
    micro_check = s.plan.checks().set_index("check").at["micro", "status"]
    in_micro_before = {code: in_grid & points.within(shape) for code, shape in before.geometry.items()}
    assert picked.any() and (picked & ~in_micro_before[target]).any()

    value["last_active_drawing"] = {"type": "Feature", "properties": {},
                                    "geometry": shapely.geometry.mapping(drawn)}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    s = at.session_state[grid_page.STATE]
    after = s.plan.micro_of(grid).set_index("micro_code")
    joined = in_micro_before[target] | picked
    assert int(after.at[target, "households"]) == int(households[joined].sum())
    now_in_target = in_grid & points.within(after.at[target, "geometry"])
    assert set(now_in_target[now_in_target].index) == set(joined[joined].index)
    for code, mine in in_micro_before.items():  # the others lost exactly the drawn buildings
        if code != target:
            left = int(households[mine & ~picked].sum())
            assert (int(after.at[code, "households"]) if code in after.index else 0) == left, code
    assert any("栋楼划入微网格" in m.value and target in m.value for m in at.success), [m.value for m in at.success]
    assert s.plan.edit_log()["op"].tolist()[-1] == "micro_move"
    assert s.plan.checks().set_index("check").at["micro", "status"] == micro_check  # every household still in one

    at.button(key="grid_undo").click().run()
    s = at.session_state[grid_page.STATE]
    restored = s.plan.micro_of(grid).set_index("micro_code")
    assert restored["households"].to_dict() == before["households"].to_dict()

    # the core's refusal, in the user's language: a polygon outside the grid (no building of it inside)
    x0, y0, _, _ = s.plan.grids([grid]).total_bounds
    away = gpd.GeoSeries([shapely.box(x0 - 300, y0 - 300, x0 - 200, y0 - 200)], crs=s.plan.crs).to_crs(4326)
    value["last_active_drawing"] = {"type": "Feature", "properties": {},
                                    "geometry": shapely.geometry.mapping(away.iloc[0])}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("无法修改" in w.value and "没有楼栋" in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.session_state[grid_page.STATE].plan.micro_of(grid)["households"].tolist() == \
        restored["households"].tolist()

    # a viewer: no draw modes, no 微网格 target
    viewer = log_in(run("grid"), "wang")
    viewer.selectbox(key="grid_open_name").set_value("m").run()
    viewer.button(key="grid_open").click().run()
    viewer.session_state[grid_page.STATE].selected = grid
    viewer.run()
    assert "grid_draw_mode" not in {r.key for r in viewer.radio}
    assert "micro_lasso_target" not in {w.key for w in viewer.selectbox}
