"""Ctrl-C and termination: one line, exit 128 + the signal, never a traceback, never half a file.

A signal ends the process at once through `os._exit`: no exception unwinds through code
that was never written to be interrupted, so no process of eta (the command, the workers of
a parallel check, a child reading git) prints a traceback. What must not be cut in two, the
writing of a change, runs with these signals held back (`held_back`); they take effect when
it is done. A kill that cannot be held back is what the journal is for (eta.journal).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

#: The signals a user or a supervisor stops a command with.
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_command: int | None = None
_children: set[int] = set()
#: Set by the command as it stops, before it ends its children: a pool worker forked after
#: (a pool replaces a worker that was ended) finds it set in its copy of the memory.
_stopping = False
#: The option of Linux's prctl that signals a process when its parent ends.
_PR_SET_PDEATHSIG = 1


def install() -> None:
    """Make this process the command: a stopping signal ends it, and the children it forks."""
    global _command
    _command = os.getpid()
    for number in STOPPING:
        signal.signal(number, _stop)


def adopt(pid: int) -> None:
    """A child this process forked, to be ended with it."""
    _children.add(pid)


def release(pid: int) -> None:
    """A child that has been waited for."""
    _children.discard(pid)


def _stop(number: int, frame: FrameType | None) -> None:
    global _stopping
    if os.getpid() == _command:
        _stopping = True
        # A parallel check's workers and a child reading git would go on with no one to
        # read their answer; they end now, killed, so they print nothing either.
        for pid in _children | _pool_workers():
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        name = ("interrupted" if number == signal.SIGINT
                else f"stopped by {signal.Signals(number).name}")
        os.write(2, f"eta: {name}\n".encode())
    os._exit(128 + number)


def _pool_workers() -> set[int]:
    # Nothing is imported here: the signal may come in the middle of an import.
    multiprocessing = sys.modules.get("multiprocessing")
    try:
        return {child.pid for child in multiprocessing.active_children() if child.pid
                } if multiprocessing is not None else set()
    except Exception:  # multiprocessing itself half imported
        return set()


@contextmanager
def held_back() -> Iterator[None]:
    """Keep the stopping signals from taking effect until the block is done."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def left_to_parent(parent: int) -> None:
    """For a pool worker forked by `parent` inside `held_back`: the stopping signals leave
    it alone, and its parent ends it. A worker that ended itself would be replaced by a new
    one that nobody ends, which prints a traceback when it finds its parent gone.

    The pool replaces the workers its parent ends as it stops. A replacement would wait
    for ever on the lock of the pool's queue that a killed worker held, so it ends with
    its parent: at once where it was forked once the parent was stopping, and on Linux by
    the kernel's word when the parent ends, however late it was forked or the parent ended
    (SIGKILL included)."""
    for number in STOPPING:
        signal.signal(number, signal.SIG_IGN)
    if _stopping or (_ended_with_parent() and os.getppid() != parent):
        os._exit(128 + signal.SIGTERM)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)


def _ended_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; whether it could be asked.
    (The kernel asks it of the thread that forked, which for a pool's replacement workers
    is a thread of the pool that lives as long as the pool, and they are no use after.)"""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    return int(ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
