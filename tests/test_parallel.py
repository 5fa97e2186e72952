"""Work shared among forked workers ends with every worker gone, however the work ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from conftest import all_ended, children, wait_for

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2 or sys.platform == "win32",
                                reason="a pool of forked workers needs fork and two cores")

#: Runs many small pools one after the other in a process that is eta's command, whose
#: workers ignore the stopping signals; prints the children left at the end.
_MANY_POOLS = """
import multiprocessing, sys
from eta import interrupts
from eta.parallel import forked_map

interrupts.install()
items = list(range(-50, 50))
for _ in range(int(sys.argv[1])):
    assert list(forked_map(abs, items, parallel_from=1)) == [abs(i) for i in items]
print(len(multiprocessing.active_children()))
"""

#: A pool whose work fails on one item, and a pool left before its last result.
_ENDED_EARLY = """
import multiprocessing
from eta import interrupts
from eta.parallel import forked_map

def fail_on_seven(item):
    if item == 7:
        raise ValueError("seven")
    return item

interrupts.install()
try:
    list(forked_map(fail_on_seven, list(range(40)), parallel_from=1))
except ValueError as exc:
    print("raised", exc)
results = forked_map(abs, list(range(40)), parallel_from=1)
print("first", next(results))
results.close()
print(len(multiprocessing.active_children()))
"""


def _run(script: str, *argv: str) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a run that would hang; it asserts nothing about speed.
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                          text=True, timeout=300, check=False)


def test_many_pools_in_turn_each_end_with_their_workers() -> None:
    """A pool is ended by its own sentinels: the workers ignore SIGTERM, so ending them by
    it (as `Pool.terminate` does) left one waiting for the queue's lock for ever, about once
    in a few hundred pools."""
    outcome = _run(_MANY_POOLS, "300")
    assert (outcome.returncode, outcome.stdout, outcome.stderr) == (0, "0\n", "")


def test_a_failing_or_abandoned_pool_ends_with_its_workers() -> None:
    outcome = _run(_ENDED_EARLY)
    assert (outcome.returncode, outcome.stdout, outcome.stderr) == (
        0, "raised seven\nfirst 0\n0\n", "")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_for_bulk_work_and_as_it_was_after(enabled: bool) -> None:
    import gc

    from eta.parallel import collection_paused

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collection_paused():
            raise KeyError("stopped halfway")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_what_bulk_work_made_is_left_out_of_the_collections_after_it() -> None:
    import gc
    import weakref

    from eta.parallel import collection_paused

    class Record:
        pass

    was = gc.isenabled()
    gc.enable()
    try:
        frozen_before = gc.get_freeze_count()
        with collection_paused():
            records = [Record() for _ in range(10_000)]
        assert gc.get_freeze_count() - frozen_before >= len(records)
        dropped = weakref.ref(records[0])
        del records
        assert dropped() is None
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


#: Work that fails in ways the parent cannot take back as they were: an exception that
#: does not unpickle, raised or given as a result, and one that ends the worker.
_FAILING_BADLY = """
import sys
from eta import interrupts
from eta.parallel import WorkerFailed, forked_map

class TwoPartError(Exception):
    def __init__(self, what, why):
        super().__init__(f"{what}: {why}")

def fail(item):
    if item == 7:
        raise TwoPartError("seven", "no")
    if item == 9:
        sys.exit(3)
    return item

def give_back(item):
    return TwoPartError("five", "given") if item == 5 else item

interrupts.install()
for items in ([1, 7, 2] * 20, [1, 9, 2] * 20):
    try:
        list(forked_map(fail, items, parallel_from=1))
    except WorkerFailed as exc:
        print(exc)
given = list(forked_map(give_back, [1, 5, 2] * 20, parallel_from=1))
print({f"{type(r).__name__}: {r}" for r in given if isinstance(r, Exception)})
"""


def test_work_that_fails_in_a_way_no_exception_can_carry_back_still_ends() -> None:
    outcome = _run(_FAILING_BADLY)
    assert (outcome.returncode, outcome.stdout, outcome.stderr) == (0, (
        "a worker process failed: TwoPartError: seven: no\n"
        "a worker process failed: SystemExit: 3\n"
        "{'WorkerFailed: a worker process failed: TwoPartError: five: given'}\n"), "")


#: Work given with something to do meanwhile, in a pool and in this process.
_MEANWHILE = """
import multiprocessing, os
from eta import interrupts
from eta.parallel import MAX_WORKERS, forked_map

parent = os.getpid()
pool = min(os.cpu_count(), MAX_WORKERS)

def square(item):
    return (item * item, os.getpid() == parent)

def meanwhile():
    print("meanwhile here:", os.getpid() == parent,
          "workers:", len(multiprocessing.active_children()) // pool)

interrupts.install()
for parallel_from in (1, 1000):
    results = forked_map(square, list(range(40)), parallel_from=parallel_from,
                         meanwhile=meanwhile)
    print("first", next(results))
    rest = list(results)
    print("squares", [n for n, _ in rest] == [i * i for i in range(1, 40)],
          "here", {here for _, here in rest})
"""


def test_what_is_done_meanwhile_is_done_here_while_the_workers_run() -> None:
    outcome = _run(_MEANWHILE)
    assert (outcome.returncode, outcome.stdout, outcome.stderr) == (0, (
        "meanwhile here: True workers: 1\nfirst (0, False)\nsquares True here {False}\n"
        "meanwhile here: True workers: 0\nfirst (0, True)\nsquares True here {True}\n"), "")


#: A pool whose workers sit idle while this process waits meanwhile, for ever.
_IDLE_POOL = """
import time
from eta import interrupts
from eta.parallel import forked_map

interrupts.install()
list(forked_map(abs, [1], parallel_from=1, meanwhile=lambda: time.sleep(600)))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_workers_that_replace_killed_ones_end_with_their_parent_killed() -> None:
    """Workers killed while idle leave the lock of the pool's queue held for ever; the
    pool replaces them, and the replacements wait on that lock. SIGKILL gives the parent
    no moment to end them: they end with it."""
    command = subprocess.Popen([sys.executable, "-c", _IDLE_POOL], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(children(command.pid)) == 2, "the pool's workers")
        first = children(command.pid)
        for pid in first:
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: len(children(command.pid) - first) == 2, "the replacements")
        replacements = children(command.pid) - first
    finally:
        command.kill()
    stdout, stderr = command.communicate(timeout=30)
    assert (command.returncode, stdout, stderr) == (-signal.SIGKILL, "", "")
    wait_for(lambda: all_ended(replacements), "the replacements to end", seconds=30)
