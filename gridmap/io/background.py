"""Work done in a forked process while the command goes on: a value computed, a file written.

``gridmap coverage`` has work that does not depend on the step before it — the edges to fix
between neighbouring zones depend on the layers, not on the mosaic; the 100,000 faces can be
written while the map is drawn — and most of it is GEOS or pure Python, which a thread would run
under the interpreter lock. A forked child runs it on the other core and sends the result back
pickled.

Forking is done only where it is safe and useful: on a system with ``fork`` and from a process
with a single thread (the command line; forking a threaded process, such as the app's server, can
deadlock). Everywhere else, and whenever the child fails for any reason, the work is done again
in the calling process when its result is asked for, so every error surfaces where and as it
would have without the child. Floor: :mod:`gridmap.io` (standard library only).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

__all__ = ["BackgroundCall", "BackgroundWrite", "can_fork"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether work can go to a forked child here: ``fork`` exists and this process has one thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


class BackgroundCall(Generic[T]):
    """Compute ``func()`` in a forked process; :meth:`result` waits for it.

    Parameters
    ----------
    func : the work, with everything it needs bound (the child sees the parent's memory as it
        was at the fork; nothing is pickled on the way in). Its result must pickle.
    """

    def __init__(self, func: Callable[[], T]):
        self._func = func
        self._process: multiprocessing.process.BaseProcess | None = None
        self._inbox: Connection | None = None
        self._received: tuple[T] | None = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            inbox, outbox = context.Pipe(duplex=False)
            for stream in (sys.stdout, sys.stderr):  # or the child would print what is buffered again
                stream.flush()
            self._process = context.Process(target=_send_result, args=(func, outbox), daemon=True)
            self._process.start()
            outbox.close()  # the child holds the only writing end: its exit ends the parent's recv()
            self._inbox = inbox

    def join(self) -> None:
        """Wait for the child (if any) and keep what it sent; computes nothing here."""
        if self._process is None or self._inbox is None:
            return
        try:
            self._received = self._inbox.recv()  # before join(): a large result would fill the pipe
        except (EOFError, OSError):
            self._received = None  # the child died without sending (an error, killed, out of memory)
        finally:
            self._inbox.close()
            self._process.join()
            self._process, self._inbox = None, None

    def result(self) -> T:
        """The value: from the child, or — if there was none or it failed — computed here, now."""
        self.join()
        if self._received is not None:
            return self._received[0]
        return self._func()


class BackgroundWrite(BackgroundCall[object]):
    """Write a file in a forked process while this one goes on with other work.

    ``gridmap coverage`` writes 100,000 faces (~1.5 s of CPU, pure Python and GEOS) while it
    computes the coverage report and draws the map. The write must replace the file atomically
    (:func:`gridmap.io.files.atomic_write`), so that a file is never seen half written; if the
    child fails, :meth:`finish` writes it again here and any error surfaces here.
    """

    def finish(self) -> None:
        """Wait for the file: written by the child, or else now, here."""
        self.result()
        self._func = _nothing


def _nothing() -> None:
    """What a finished write does when asked again."""


def _send_result(func: Callable[[], object], outbox: Connection) -> None:
    """Run ``func`` in the child and send its result; any failure is a silent exit (the parent redoes it)."""
    try:
        outbox.send((func(),))
    except BaseException:  # noqa: BLE001 - redone and reported by the parent
        os._exit(1)
