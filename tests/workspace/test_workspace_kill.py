"""A save killed half-way leaves the last revision whole, and the next save works (issue 14, §7.1).

A separate Python process opens the test office, edits the plan and saves it; the save's progress
callback stops it at a chosen point of the write — inside the data transaction, or after the data
is written but before the head moves — and the test kills it there with SIGKILL (no clean-up runs).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from ws_data import A1, A2, ADMIN

SAVER = """
import sys, time
from gridmap.workspace import open_workspace

location, stage = sys.argv[1], sys.argv[2]
session = open_workspace(location).as_system("doomed")
plan = session.open_plan("office", "grids")
plan.assign([2, 6], "{A1}")

def progress(message):
    if message == stage:
        print("STAGE", flush=True)
        time.sleep(600)

session.save_plan("office", "grids", plan, message="never lands", progress=progress)
print("SAVED", flush=True)
""".replace("{A1}", A1)


def kill_at_stage(script: str, *argv: str) -> None:
    """Run ``script`` in a new Python process and SIGKILL it once it prints ``STAGE`` (no clean-up runs)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.strip() == "STAGE" or proc.poll() is not None:
                break
        assert line.strip() == "STAGE", f"{argv} did not reach its stage: {line!r} {proc.stderr.read()}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _kill_during(location: str, stage: str) -> None:
    kill_at_stage(SAVER, location, stage)


@pytest.mark.parametrize("stage", ["assignment half written", "grids written", "data committed"])
def test_a_killed_save_leaves_the_last_revision_whole(workspace, stage: str) -> None:
    admin = workspace.as_user(ADMIN)
    before = admin.open_plan("office", "grids").assignment()
    _kill_during(workspace.location, stage)
    info = admin.plan_info("office", "grids")
    assert (info.head, info.last_revision) == (1, 1)
    assert [r.number for r in admin.revisions("office", "grids")] == [1]
    assert admin.open_plan("office", "grids").assignment().equals(before)
    assert not any(e.user == "doomed" for e in admin.log("office"))
    # the store is not stuck: the next save lands whole
    plan = admin.open_plan("office", "grids")
    plan.assign([2, 6], A1)
    result = admin.save_plan("office", "grids", plan)
    assert result.revision.number == 2 and not result.merged
    after = dict(zip(*admin.open_plan("office", "grids").assignment().to_dict("list").values(), strict=True))
    assert after[2] == A1 and after[6] == A1 and after[1] == A1 and list(after.values()).count(A2) == 0
    assert sorted(admin.grids_at("office", "grids")["grid_code"]) == sorted(plan.registry)
