"""Work done in a forked child process while this process goes on with its own.

Most of a short eta run is Python importing modules, which takes one core. Work whose
result is plain data, such as what git says of a change, can run in a child on another
core meanwhile. Where there is no `fork`, or where this process runs threads (forking
those is unsafe), the work is done in this process when its result is asked for.
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar, cast

from eta import interrupts
from eta.errors import EtaError

T = TypeVar("T")


class InBackground(Generic[T]):
    """`work()`, started in a child process; `result()` returns or raises what it did.

    Use it as a context manager, so that the child is waited for however the parent
    leaves the block.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._child: tuple[int, int] | None = None
        self._outcome: tuple[bool, object] | None = None
        if hasattr(os, "fork") and threading.active_count() == 1:
            self._child = _fork(work)

    def result(self) -> T:
        if self._outcome is None:
            self._outcome = self._collect() if self._child is not None else _run(self._work)
        succeeded, value = self._outcome
        if not succeeded:
            assert isinstance(value, BaseException)
            raise value
        return cast(T, value)

    def _collect(self) -> tuple[bool, object]:
        assert self._child is not None
        pid, source = self._child
        self._child = None
        try:
            with os.fdopen(source, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
        finally:
            interrupts.release(pid)
            gc.unfreeze()
        if not data:
            return False, EtaError(f"a child process of eta ended without an answer "
                                   f"(wait status {status})")
        outcome: tuple[bool, object] = pickle.loads(data)
        return outcome

    def __enter__(self) -> InBackground[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._child is not None:
            self._collect()


def _run(work: Callable[[], object]) -> tuple[bool, object]:
    try:
        return True, work()
    except Exception as exc:
        return False, exc


def _fork(work: Callable[[], object]) -> tuple[int, int]:
    # What exists at the fork is kept out of collections until the child is done, as
    # Python's documentation advises: the child's collector then writes to none of the
    # pages it shares with the parent, and the parent's looks through less meanwhile.
    gc.freeze()
    source, sink = os.pipe()
    pid = os.fork()
    if pid:
        interrupts.adopt(pid)
        os.close(sink)
        return pid, source
    # The child: whatever happens, it must never return into the parent's code.
    try:
        os.close(source)
        outcome = _run(work)
        try:
            data = pickle.dumps(outcome)
        except Exception as exc:  # what cannot travel between processes is told in words
            data = pickle.dumps((False, EtaError(f"{outcome[1]!r} could not be passed on: {exc}")))
        with os.fdopen(sink, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
