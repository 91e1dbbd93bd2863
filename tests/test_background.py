"""gridmap.io.background: work in a forked child gives what the same work gives here, and a child
that fails or dies leaves the work to the calling process, where its error surfaces."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest
import shapely

from gridmap.io.background import BackgroundCall, BackgroundWrite, can_fork

forks = pytest.mark.skipif(not can_fork(), reason="needs os.fork and a single-threaded test process")


@forks
def test_a_result_computed_in_the_child_is_the_one_computed_here() -> None:
    polygons = shapely.buffer(shapely.points(np.arange(2_000.0), np.zeros(2_000)), 0.7)
    expected = shapely.area(shapely.union_all(polygons))
    call = BackgroundCall(lambda: (os.getpid(), shapely.area(shapely.union_all(polygons))))
    pid, area = call.result()
    assert pid != os.getpid()  # computed in another process
    assert area == expected
    assert call.result() == (pid, area)  # asked again: the same value, nothing recomputed


@pytest.mark.slow
@forks
def test_a_large_result_crosses_the_pipe_whole() -> None:
    big = np.arange(5_000_000, dtype=np.int64)  # 40 MB: more than a pipe's buffer
    got = BackgroundCall(lambda: big * 2).result()
    np.testing.assert_array_equal(got, big * 2)


@forks
def test_a_failing_child_leaves_the_work_and_its_error_to_the_caller() -> None:
    calls = []

    def work() -> int:
        calls.append(os.getpid())
        raise ValueError("bad input in row 3")

    call = BackgroundCall(work)
    with pytest.raises(ValueError, match="row 3"):
        call.result()
    assert calls == [os.getpid()]  # the child's attempt is not in this process's list; ours is


@forks
def test_a_child_killed_midway_is_redone_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 42

    assert BackgroundCall(work).result() == 42


def test_with_several_threads_the_work_is_done_here() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        call = BackgroundCall(os.getpid)
        assert call.result() == os.getpid()
    finally:
        stop.set()
        other.join()


@forks
def test_a_background_write_writes_once(tmp_path) -> None:
    target = tmp_path / "out.txt"
    write = BackgroundWrite(lambda: target.write_text(f"{os.getpid()}", encoding="utf-8"))
    write.finish()
    writer = int(target.read_text(encoding="utf-8"))
    assert writer != os.getpid()
    write.finish()  # a second finish writes nothing
    assert int(target.read_text(encoding="utf-8")) == writer
