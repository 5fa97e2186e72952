"""Work in a forked child process: its result, its errors, and the same without a fork."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator

import pytest

from eta.background import InBackground
from eta.errors import EtaError
from eta.git import GitError


@pytest.fixture(params=["forked", "in this process"])
def forking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    """Each test runs with a fork, and as where forking is not safe: with a thread running."""
    if request.param == "in this process":
        monkeypatch.setattr(threading, "active_count", lambda: 2)
    yield request.param == "forked"


def test_the_result_comes_back(forking: bool) -> None:
    parent = os.getpid()
    with InBackground(lambda: (os.getpid(), {"base": b"bytes", "paths": ["a", "b"]})) as work:
        pid, value = work.result()
        assert work.result() == (pid, value)  # asked twice, answered the same
    assert value == {"base": b"bytes", "paths": ["a", "b"]}
    assert (pid != parent) is forking


def test_an_error_of_the_work_is_raised_in_the_parent(forking: bool) -> None:
    def refuse() -> None:
        raise GitError("`nope` names no commit in this repository")

    with InBackground(refuse) as work, pytest.raises(GitError) as raised:
        work.result()
    assert str(raised.value) == "`nope` names no commit in this repository"


def test_a_result_that_cannot_travel_is_told_in_words() -> None:
    with InBackground(lambda: (lambda: None)) as work, pytest.raises(EtaError) as raised:
        work.result()
    assert str(raised.value).startswith("<function ")
    assert "could not be passed on: Can't pickle" in str(raised.value)


def test_a_child_that_dies_is_an_error_not_a_hang() -> None:
    with InBackground(lambda: os._exit(3)) as work, pytest.raises(EtaError) as raised:
        work.result()
    assert str(raised.value) == ("a child process of eta ended without an answer "
                                 "(wait status 768)")


def test_leaving_the_block_without_asking_waits_for_the_child() -> None:
    from eta import interrupts

    with InBackground(os.getpid):
        [child] = interrupts._children
    # The child is gone, not even a zombie: only the children of other tests may be left.
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


def test_what_is_kept_from_the_collector_while_the_child_works_is_given_back(forking: bool
                                                                            ) -> None:
    with InBackground(gc.get_freeze_count) as work:
        frozen_in_child = work.result()
    assert (frozen_in_child > 0) is forking
    assert gc.get_freeze_count() == 0


def test_a_forked_child_is_known_until_it_is_waited_for(forking: bool) -> None:
    """So that Ctrl-C ends it with the command (eta.interrupts)."""
    from eta import interrupts

    with InBackground(os.getpid) as work:
        children = set(interrupts._children)
        assert len(children) == (1 if forking else 0)
        pid = work.result()
        assert children == ({pid} if forking else set())
        assert interrupts._children == set()
