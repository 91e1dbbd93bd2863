"""The Grid page's 微网格 section (issue 16) with AppTest: a planner sets a 楼栋长 of a 微网格 in the
scope and saves; the workspace's plan and its edit log hold it after reopening; a viewer gets the
list without names and no controls.
"""

from __future__ import annotations

import copy

import pytest
from test_app_workspace import PROJECT, add_accounts, log_in, office, run  # noqa: F401 (office: a fixture)

from gridmap.plans.micro import build_micro_grids


def micro_table(at):
    """The 微网格 list of the page (the table with a 楼栋长 column)."""
    return next(d.value for d in at.dataframe if "楼栋长" in map(str, d.value.columns))


@pytest.mark.slow
def test_a_planner_sets_a_building_head_saves_and_the_plan_keeps_it(office) -> None:  # noqa: F811
    from gridmap.app import grid_page

    area = add_accounts(office)
    at = log_in(run("grid"), "li")
    s = at.session_state[grid_page.STATE]
    admin = office.as_system("setup")
    plan = copy.deepcopy(s.plan)
    plan.micro_grids = build_micro_grids(plan.grids()[["grid_code", "geometry"]], admin.layer(PROJECT, "residents"),
                                         min_households=10, max_households=70).micro_grids
    admin.create_plan(PROJECT, "m", plan)
    at.run()
    at.selectbox(key="grid_open_name").set_value("m").run()
    at.button(key="grid_open").click().run()
    s = at.session_state[grid_page.STATE]
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
