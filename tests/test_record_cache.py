"""The record cache: the views read a record file again only when it changed, give what a
run without the cache gives, and believe no cache file eta did not write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, run_eta
from eta.records import read
from eta.records.yaml import load_bytes
from eta.user_cache import KEY_NAME

INCIDENT = "incidents/2026-11-16-q738dq.yaml"
#: The views that read through the cache, each as a command line.
VIEWS = {
    "agenda": ("agenda", "--today", EXAMPLES_DATE, "--format", "json"),
    "incident list": ("incident", "list", "--format", "json", "--now", "2026-12-01T09:00"),
    "overview": ("report", "overview", "--today", EXAMPLES_DATE),
    "report all": ("report", "all", "--only", "incident", "--only", "month", "-d", "rapporten",
                   "--today", EXAMPLES_DATE),
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ETA_CACHE_DIR", str(folder))
    return folder


class Parsed:
    """Counts the record files parsed, by name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []

        def counted(raw: bytes, display: str) -> object:
            self.names.append(display)
            return load_bytes(raw, display)

        monkeypatch.setattr(read, "load_bytes", counted)

    def take(self) -> list[str]:
        names, self.names = self.names, []
        return sorted(names)


def outputs(repo: Path, view: str) -> tuple[int, str, str, dict[str, str]]:
    outcome = run_eta(*VIEWS[view], cwd=repo)
    written = repo / "rapporten"
    reports = ({p.name: p.read_text() for p in written.iterdir()} if written.is_dir() else {})
    return outcome.exit_code, outcome.stdout.replace(str(repo), "REPO"), outcome.stderr, reports


def records_of(repo: Path) -> list[str]:
    return sorted(p.relative_to(repo).as_posix() for folder in ("afspraken", "releases",
                                                               "incidents")
                  for p in (repo / folder).rglob("*.yaml"))


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_view_parses_again_only_the_file_that_changed_and_says_the_same(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    parsed = Parsed(monkeypatch)
    cold = outputs(repo, view)
    assert cold[0] == 0, cold[2]
    assert set(parsed.take()) <= set(records_of(repo))
    assert outputs(repo, view) == cold
    assert parsed.take() == []
    # The same length and the same modification time: only the content tells the change.
    path = repo / INCIDENT
    before = path.stat()
    text = path.read_text()
    assert "priority: P2\n" in text
    path.write_text(text.replace("priority: P2\n", "priority: P1\n", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    changed = outputs(repo, view)
    assert parsed.take() == [INCIDENT]
    monkeypatch.setenv("ETA_CACHE_DIR", str(cache_dir.parent / "no-cache-yet"))
    assert outputs(repo, view) == changed


def test_a_view_without_a_private_cache_folder_reads_every_file_and_writes_none(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("ETA_CACHE_DIR", str(shared))
    parsed = Parsed(monkeypatch)
    first = outputs(repo, "agenda")
    counted = parsed.take()
    assert outputs(repo, "agenda") == first
    assert parsed.take() == counted
    assert list(shared.iterdir()) == []


def test_a_cache_planted_in_the_repository_is_not_used(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETA_CACHE_DIR", str(repo / ".eta-cache"))
    parsed = Parsed(monkeypatch)
    first = outputs(repo, "agenda")
    counted = parsed.take()
    assert outputs(repo, "agenda") == first
    assert parsed.take() == counted
    assert not (repo / ".eta-cache").exists()


def test_a_cache_file_changed_by_anyone_but_eta_is_ignored(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = Parsed(monkeypatch)
    first = outputs(repo, "report all")
    counted = parsed.take()
    [cache_file] = cache_dir.glob("records-*.marshal")
    sealed = bytearray(cache_file.read_bytes())
    sealed[-1] ^= 1
    cache_file.write_bytes(bytes(sealed))
    assert outputs(repo, "report all") == first
    assert parsed.take() == counted
    # Sealed again under another key, it is not believed either.
    (cache_dir / KEY_NAME).write_bytes(os.urandom(32))
    assert outputs(repo, "report all") == first
    assert parsed.take() == counted


def test_a_record_replaced_by_a_link_is_refused_not_served_from_the_cache(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert outputs(repo, "incident list")[0] == 0
    path = repo / INCIDENT
    target = repo.parent / "elders.yaml"
    target.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(target)
    code, stdout, stderr, _ = outputs(repo, "incident list")
    assert code == 1
    assert "2026-11-16-q738dq" not in stdout
    assert stderr == (f"eta: warning: skipped {INCIDENT}, which is not a valid incident; "
                      f"run `eta check {INCIDENT}`\n")


def test_an_invalid_record_stays_invalid_when_served_from_the_cache(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo / INCIDENT
    path.write_text(path.read_text().replace("priority: P2\n", "priority: P9\n", 1))
    first = outputs(repo, "report all")
    assert first[0] == 1
    parsed = Parsed(monkeypatch)
    assert outputs(repo, "report all") == first
    assert parsed.take() == []


def test_many_records_are_cached_from_the_forked_workers_too(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "PARALLEL_FROM", 2)
    first = outputs(repo, "report all")
    parsed = Parsed(monkeypatch)
    assert outputs(repo, "report all") == first
    assert parsed.take() == []


def test_every_example_record_comes_back_from_the_cache_as_it_was_read() -> None:
    """A record kept as the JSON of its model and validated again is the record read:
    equal, with the same fields set, references and findings."""
    from conftest import PROJECT
    from eta.records.layout import relative

    paths = [p for folder in ("afspraken", "releases", "incidents")
             for p in sorted((PROJECT / folder).rglob("*.yaml"))]
    assert len(paths) > 30
    for path in paths:
        result = read.without_tree(read._load_record(PROJECT, path, relative(PROJECT, path)))
        assert result.loaded is not None, path
        back = read.of_plain(read.as_plain(result))
        assert back is not None and back.loaded is not None
        assert back.loaded.record == result.loaded.record
        assert back.loaded.record.model_dump(exclude_unset=True) == \
            result.loaded.record.model_dump(exclude_unset=True)
        assert (back.loaded.kind, back.loaded.file, back.loaded.references, back.diagnostics) \
            == (result.loaded.kind, result.loaded.file, result.loaded.references,
                result.diagnostics)


@pytest.mark.parametrize("plain", [
    None, 3, (None,), (None, [("f", 1, 1, "error", "c", "m")]),
    (("incident", "incidents/x.yaml", "{}", []), []),
    (("nothing", "x", "{}", []), []),
    ((None, None, None, None), []),
])
def test_plain_data_that_eta_did_not_write_gives_nothing(plain: object) -> None:
    assert read.of_plain(plain) is None


def test_a_record_reached_through_a_linked_folder_is_refused_not_served(
    repo: Path, cache_dir: Path, tmp_path: Path
) -> None:
    """The content id is taken by the file's path: a folder on the way replaced by a link
    to the same files (moved, so even their inodes are the same) must not be believed."""
    report = ("report", "incident", "2026-11-16-q738dq", "--today", EXAMPLES_DATE)
    assert run_eta(*report, cwd=repo).exit_code == 0
    outside = tmp_path / "elders"
    (repo / "incidents").rename(outside)
    (repo / "incidents").symlink_to(outside)
    outcome = run_eta(*report, cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert "incidents:1:1: " in outcome.stderr and "link" in outcome.stderr


def test_a_repository_whose_path_is_not_text_keeps_its_cache(
    tmp_path: Path, repo: Path, cache_dir: Path
) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/map-\xff"))
    repo.rename(odd)
    first = run_eta("incident", "list", "--format", "json", "--now", "2026-12-01T09:00",
                    cwd=odd)
    assert (first.exit_code, first.stderr) == (0, "")
    again = run_eta("incident", "list", "--format", "json", "--now", "2026-12-01T09:00",
                    cwd=odd)
    assert again == first
    assert len(list(cache_dir.glob("records-*.marshal"))) == 1


@pytest.mark.parametrize("planted", ["key", "records"])
def test_a_pipe_planted_in_the_cache_folder_is_passed_over_not_waited_on(
    repo: Path, tmp_path: Path, planted: str
) -> None:
    import subprocess
    import sys

    cache = tmp_path / "cache"
    env = {**os.environ, "ETA_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "eta", "incident", "list", "--now", "2026-12-01T09:00"]
    truth = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                           timeout=60, check=False)
    assert truth.returncode == 0, truth.stderr
    [target] = (cache.glob("records-*.marshal") if planted == "records"
                else [cache / KEY_NAME])
    target.unlink()
    os.mkfifo(target)
    outcome = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert (outcome.returncode, outcome.stdout) == (0, truth.stdout)


def test_a_file_grown_past_the_largest_record_is_not_read_to_be_hashed(
    tmp_path: Path
) -> None:
    from eta.user_cache import ContentIds

    path = tmp_path / "groot.yaml"
    path.write_bytes(b"id: x\n")
    ids = ContentIds({}, 0.0, largest=1024)
    small = ids.of(str(path), "groot.yaml")
    with path.open("r+b") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: nothing is written
    assert ids.of(str(path), "groot.yaml") == "unreadable:large"
    assert small != "unreadable:large"


def test_a_write_killed_halfway_leaves_no_file_behind_for_long(
    repo: Path, cache_dir: Path
) -> None:
    """A run killed while it writes the cache leaves its temporary file; the next run that
    writes removes it, but never the file of a run that is still writing."""
    import subprocess

    assert outputs(repo, "incident list")[0] == 0
    [cache_file] = cache_dir.glob("records-*.marshal")
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        left = cache_dir / f".{cache_file.name}.{dead.pid}.0123456789ab.tmp"
        writing = cache_dir / f".{cache_file.name}.{alive.pid}.0123456789ab.tmp"
        left.write_bytes(b"half")
        writing.write_bytes(b"half")
        path = repo / INCIDENT
        path.write_text(path.read_text().replace("priority: P2\n", "priority: P1\n", 1))
        assert outputs(repo, "incident list")[0] == 0
        assert not left.exists()
        assert writing.exists()
    finally:
        alive.kill()
        alive.wait()


@pytest.mark.parametrize("workers", [True, False])
def test_the_views_over_every_incident_hold_one_incident_at_a_time(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    """`each_record` of the incident files (what the views that keep what they work out of
    each incident read them with) gives what `load_incidents` gives, in the order of the
    files, one at a time: an incident let go is gone before the next is read, and none is
    kept in the run's snapshot; the second time every one comes from the record cache. Read
    in forked workers too, whose parsing this process cannot count."""
    import weakref

    from eta.incidents.state import incident_files, load_incidents
    from eta.records.cache import kept
    from eta.records.snapshot import current

    incidents, invalid = load_incidents(repo)
    assert len(incidents) > 3 and invalid == []
    monkeypatch.setattr(read, "PARALLEL_FROM", 2 if workers else 10_000)
    parsed = Parsed(monkeypatch)
    for run in ("cold", "warm"):
        given: list[tuple[str, str]] = []
        earlier: weakref.ref[object] | None = None
        with kept(repo):
            for name, result in read.each_record(repo, incident_files(repo)):
                assert result.loaded is not None
                incident = result.loaded.record
                del result
                assert earlier is None or earlier() is None, run
                given.append((name, incident.model_dump_json()))
                earlier = weakref.ref(incident)
                del incident
            snapshot = current()
            assert snapshot is not None and not snapshot.holds(("incidents", str(repo)))
        assert given == sorted((f"incidents/{i.id}.yaml", i.model_dump_json())
                               for i in incidents), run
        assert parsed.take() == ([] if run == "warm" or workers else [n for n, _ in given])


def test_a_view_keeps_no_node_tree_of_a_record_it_reads_whether_cached_or_not(
    repo: Path, cache_dir: Path
) -> None:
    """The views locate nothing in a record: what they read is kept as the cache gives it
    back, without the node tree that locates each value."""
    from eta.records.cache import kept

    release = repo / "releases/R2026-01/release.yaml"
    alone = read.load_record(repo, release, "releases/R2026-01/release.yaml")
    assert alone.loaded is not None and alone.loaded.document is not None
    for run in ("cold", "warm"):
        with kept(repo):
            viewed = read.load_record(repo, release, "releases/R2026-01/release.yaml")
        assert viewed.loaded is not None and viewed.loaded.document is None, run
        assert viewed.loaded.record == alone.loaded.record, run
        assert viewed.diagnostics == alone.diagnostics, run


def test_a_view_that_writes_the_cache_keeps_what_other_views_read_of_files_still_there(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident list reads no plan: when it writes the cache, the plans the overview
    read stay in it, and the overview parses none of them again. A record deleted since
    drops out."""
    from eta.records.cache import RecordCache

    parsed = Parsed(monkeypatch)
    assert outputs(repo, "overview")[0] == 0
    plans = [name for name in parsed.take() if name.startswith("releases/")]
    assert plans
    deleted = sorted(set(records_of(repo)) - {INCIDENT} - set(plans))[-1]
    assert deleted.startswith("incidents/")
    (repo / deleted).unlink()
    path = repo / INCIDENT
    path.write_text(path.read_text().replace("priority: P2\n", "priority: P1\n", 1))
    assert outputs(repo, "incident list")[0] == 0
    assert parsed.take() == [INCIDENT]
    assert outputs(repo, "overview")[0] == 0
    assert parsed.take() == []
    kept = RecordCache.open(repo)._entries
    assert set(plans) <= set(kept)
    assert INCIDENT in kept and deleted not in kept


def test_a_known_id_is_carried_to_a_later_write_only_when_its_times_can_tell_a_change(
    tmp_path: Path
) -> None:
    """A file changed within the racy window of the cache's last write may change again with
    the same times; a later write, whose window is past them, would take the old id for
    good. Its id is dropped instead, and its file hashed again when next read."""
    from eta.user_cache import RACY_SECONDS, ContentIds

    written_at = 1_800_000_000.0
    seconds = int(written_at * 1e9)
    window = int(RACY_SECONDS * 1e9)

    def known(changed: int) -> tuple[tuple[int, ...], str]:
        return ((6, changed, changed, 7, 0o100644), "id")

    ids = ContentIds({"old.yaml": known(seconds - window - 1_000_000),
                      "racy.yaml": known(seconds - window),
                      "late.yaml": known(seconds + 5),
                      "odd.yaml": ("no", "id")}, written_at, largest=1024)
    assert ids.settled(["old.yaml", "racy.yaml", "late.yaml", "odd.yaml", "none.yaml"]) == {
        "old.yaml": known(seconds - window - 1_000_000)}
