"""Work shared among forked processes, one to a core: the bulk of a check or of `eta report
all` on a large repository.

The workers are forked, so they start with everything the parent has loaded (the
agreements, compiled templates) without it being sent to them; only each item and its
result cross between the processes, so both should be small plain data. Ctrl-C reaches the
parent alone, which ends the workers (`eta.interrupts`). Where there is no `fork`, where
this process runs threads (forking those is unsafe), or where there are too few items for
a pool to pay off, the work is done in this process.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

#: At most this many workers: the work is read from one disk into one parent.
MAX_WORKERS = 4

# The function a forked worker runs; set just before the pool starts, so that it is
# inherited rather than pickled.
_work: Callable[[object], object] | None = None


def forked_map(work: Callable[[T], R], items: Sequence[T], *, parallel_from: int,
               chunksize: int | None = None,
               meanwhile: Callable[[], object] | None = None) -> Iterator[R]:
    """`work(item)` for each of `items`, in their order, in forked workers when there are
    at least `parallel_from` items and more than one core.

    A worker takes `chunksize` items at a time; by default an eighth of its share, which
    suits items of about the same cost. `meanwhile` is called in this process once, while
    the workers run and before the first result is given (where the work is done in this
    process, before it): work that needs what this process holds, done without waiting
    on the workers. The garbage collector is off meanwhile (`collection_paused`).
    """
    global _work
    with collection_paused():
        cores = os.cpu_count() or 1
        if (len(items) < parallel_from or cores < 2 or threading.active_count() > 1
                or not _can_fork()):
            if meanwhile is not None:
                meanwhile()
            yield from map(work, items)
            return
        import multiprocessing

        from eta.interrupts import held_back, left_to_parent

        workers = min(cores, MAX_WORKERS)
        chunk = chunksize or max(1, len(items) // (workers * 8))
        _work = work  # type: ignore[assignment]
        try:
            # The pool's threads start with the stopping signals blocked, so the kernel
            # hands Ctrl-C to the main thread: one delivered to a pool thread would leave
            # the main thread waiting on the pool for ever; it ends the workers itself.
            with held_back():
                pool = multiprocessing.get_context("fork").Pool(
                    workers, initializer=left_to_parent, initargs=(os.getpid(),))
            try:
                batches = [items[start:start + chunk] for start in range(0, len(items), chunk)]
                taken = pool.imap(_in_worker, batches, chunksize=1)
                if meanwhile is not None:
                    meanwhile()
                for results in taken:
                    # Each result let go as it is taken, not with the rest of its batch: a
                    # view that reads one record at a time holds one at a time.
                    results.reverse()
                    while results:
                        yield cast(R, results.pop())
            finally:
                # The workers are told to stop by the pool's own sentinels and waited for.
                # `Pool.terminate` would take the queue's lock and count on SIGTERM to end
                # a worker waiting for that lock, but the workers ignore SIGTERM
                # (`left_to_parent`): it would wait for them for ever.
                pool.close()
                pool.join()
        finally:
            _work = None


@contextmanager
def collection_paused() -> Iterator[None]:
    """The garbage collector off for the length of the block (and back on after, if it was
    on): bulk work makes many objects that live to the end, and collecting them while they
    are made is wasted work.

    Every object of the process, what the block made among them, is frozen before the
    collector comes back: otherwise the first collections after a bulk read go through
    every record it made, again and again, for objects that live to the end anyway. Frozen
    objects are still freed when no reference to them is left; only cycles among them wait
    for the end of the process, which eta's commands, each a process of its own, reach
    soon."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _in_worker(batch: Sequence[object]) -> list[object]:
    assert _work is not None
    try:
        results = [_work(item) for item in batch]
    except BaseException as exc:  # a worker's end, whatever ends it, is the parent's to tell
        raise _portable(exc) from None
    # An exception given as a result (to be raised in its turn) crosses in the same way.
    return [_portable(r) if isinstance(r, BaseException) else r for r in results]


class WorkerFailed(Exception):
    """What a forked worker raised, where the exception itself cannot be raised again in
    the parent: the pool's thread that takes the results would die unpickling it, and an
    exception that ends the worker (`SystemExit`) would lose its batch; either way the
    parent would wait for ever."""


def _portable(exc: BaseException) -> Exception:
    """`exc` as the parent can raise it again: itself when it comes back from pickling as
    it went, else a `WorkerFailed` that names it."""
    import pickle

    if isinstance(exc, Exception):
        try:
            if type(pickle.loads(pickle.dumps(exc))) is type(exc):
                return exc
        except Exception:  # any failure means it cannot travel
            pass
    return WorkerFailed(f"a worker process failed: {type(exc).__name__}: {exc}")


def _can_fork() -> bool:
    """Whether this process may fork a pool: where `fork` exists, and not in a worker of
    a pool already (a daemonic process may start none; it does its share itself)."""
    import multiprocessing

    return ("fork" in multiprocessing.get_all_start_methods()
            and multiprocessing.parent_process() is None)
