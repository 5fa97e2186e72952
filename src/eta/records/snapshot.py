"""One run's view of the records: each record file read and validated once, and each
signature verified once, however many reports, agenda items and judgements ask for it.

A command that gathers much from the same records (`eta report all`, `eta agenda`) takes a
snapshot for the length of its run; while one is taken, `eta.records.read.load_record`
and the signature checks of `eta.plans.state` answer from it. Outside a snapshot every read
goes to the disk, as an editing command must. What a snapshot keeps is never changed by
those who ask: each is given its own list of findings.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

T = TypeVar("T")


class Snapshot:
    """What one run has read and verified, by what it asked."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: dict[tuple[Hashable, ...], tuple[bool, object]] = {}

    def holds(self, key: tuple[Hashable, ...]) -> bool:
        """Whether `key` was asked for already."""
        return key in self._found

    def once(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """What `compute` gives for `key`, computed the first time it is asked only; an
        exception it raised is raised again for each later ask."""
        found = self._found.get(key)
        if found is None:
            try:
                found = (True, compute())
            except Exception as exc:
                found = (False, exc)
            self._found[key] = found
        succeeded, value = found
        if not succeeded:
            assert isinstance(value, Exception)
            raise value
        return cast("T", value)


_taken: ContextVar[Snapshot | None] = ContextVar("eta_snapshot", default=None)


def current() -> Snapshot | None:
    """The snapshot of the run under way, or None outside one."""
    return _taken.get()


def once(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """What `compute` gives for `key`: from the snapshot of the run under way, computed
    afresh outside one."""
    snapshot = _taken.get()
    return compute() if snapshot is None else snapshot.once(key, compute)


@contextmanager
def taken() -> Iterator[Snapshot]:
    """A snapshot for the length of the `with` block; within one already taken, that one."""
    outer = _taken.get()
    if outer is not None:
        yield outer
        return
    snapshot = Snapshot()
    token = _taken.set(snapshot)
    try:
        yield snapshot
    finally:
        _taken.reset(token)
