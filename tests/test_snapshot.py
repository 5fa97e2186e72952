"""One run, one read: `eta report all` and `eta agenda` read each record file once and verify
each signature once, counted through the real functions."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import eta.git
from conftest import EXAMPLES_DATE, run_eta
from eta import signing
from eta.diagnostics import error
from eta.errors import EtaError
from eta.incidents import state
from eta.models.incident import Incident
from eta.models.release import Signature
from eta.records import agreements, read, snapshot
from eta.records.layout import covering, covers, record_names
from eta.records.read import FileResult, Loaded, load_record
from eta.records.yaml import read_file
from report_helpers import GOLDEN_TODAY
from test_concurrency import many_incidents


def _counted(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """How often each record file is read from disk, and each signature verified."""
    reads: Counter[str] = Counter()
    verified: Counter[str] = Counter()
    verify = signing.verify

    def counting_read(root: Path, name: str, display: str) -> bytes:
        reads[display] += 1
        return read_file(root, name, display)

    def counting_verify(armored: str, message: bytes, namespace: str = signing.NAMESPACE
                        ) -> signing.PublicKey:
        verified[armored] += 1
        return verify(armored, message, namespace)

    monkeypatch.setattr("eta.records.read.read_file", counting_read)
    monkeypatch.setattr(signing, "verify", counting_verify)
    return reads, verified


def _signatures(root: Path) -> set[str]:
    found = set()
    for name in record_names(root, [root / "releases"]):
        if "/signatures/" in name:
            result = load_record(root, root / name, name)
            assert result.loaded is not None
            assert isinstance(result.loaded.record, Signature)
            found.add(result.loaded.record.signature)
    return found


def test_report_all_reads_each_record_once_and_verifies_each_signature_once(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signatures = _signatures(git_repo)
    assert len(signatures) == 6
    reads, verified = _counted(monkeypatch)
    out = git_repo.parent / "rapporten"
    outcome = run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY, cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == f"wrote 26 reports to {out}\n"
    assert reads == Counter(dict.fromkeys(record_names(git_repo), 1))
    assert verified == Counter(dict.fromkeys(signatures, 1))


@pytest.mark.parametrize("when", [("--today", EXAMPLES_DATE), ("--now", f"{EXAMPLES_DATE}T12:00"),
                                  ()])
def test_the_agenda_reads_each_record_once(git_repo: Path, monkeypatch: pytest.MonkeyPatch,
                                           when: tuple[str, ...]) -> None:
    reads, verified = _counted(monkeypatch)
    outcome = run_eta("agenda", *when, cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert set(reads.values()) == {1}
    assert set(reads) >= set(record_names(git_repo, [git_repo / "afspraken"]))
    assert set(verified.values()) == {1}


def test_outside_a_snapshot_every_read_goes_to_the_disk(repo: Path) -> None:
    """An editing command reads what is on disk now, never a copy from earlier."""
    name = "afspraken/service-levels.yaml"
    before = load_record(repo, repo / name, name)
    (repo / name).write_text("not: [valid\n")
    after = load_record(repo, repo / name, name)
    assert before.loaded is not None
    assert after.loaded is None


def test_a_snapshot_keeps_what_it_read_and_gives_each_asker_its_own_findings(repo: Path
                                                                              ) -> None:
    name = "afspraken/service-levels.yaml"
    with snapshot.taken():
        first = load_record(repo, repo / name, name)
        (repo / name).write_text("not: [valid\n")
        first.diagnostics.append(error(name, 1, 1, "test.marker", "kept by the asker alone"))
        again = load_record(repo, repo / name, name)
    assert again.loaded is first.loaded
    assert again.diagnostics == []
    with snapshot.taken():
        assert load_record(repo, repo / name, name).loaded is None


def test_a_snapshot_raises_again_what_it_raised() -> None:
    calls: list[int] = []

    def failing() -> FileResult:
        calls.append(1)
        raise signing.BadSignature("not this one")

    ask: Callable[[], FileResult] = failing
    with snapshot.taken():
        for _ in range(2):
            with pytest.raises(signing.BadSignature, match="not this one"):
                snapshot.once(("signature", "x"), ask)
    assert calls == [1]


def test_report_all_judges_the_agreements_once(git_repo: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """The agreements are sorted and judged whole once a run, not again for each report."""
    judged: Counter[str] = Counter()
    sort = agreements.agreed

    def counting_agreed(records: Iterable[Loaded]) -> agreements.Agreed:
        found = sort(records)
        judged["whole" if found.service_levels is not None else "register"] += 1
        return found

    monkeypatch.setattr(agreements, "agreed", counting_agreed)
    out = git_repo.parent / "rapporten"
    outcome = run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY, cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert judged == Counter({"whole": 1, "register": 1})


def test_a_snapshot_judges_agreements_changed_after_it_afresh(repo: Path) -> None:
    """Outside the run that judged them, the agreements are read from the disk again."""
    with snapshot.taken():
        first = agreements.load_agreements(repo)
        assert agreements.load_agreements(repo) is first
    name = "afspraken/service-levels.yaml"
    (repo / name).write_text("not: [valid\n")
    with snapshot.taken(), pytest.raises(EtaError, match=r"afspraken/service-levels\.yaml"):
        agreements.load_agreements(repo)


def test_report_all_asks_git_for_the_head_once_and_reads_the_incidents_once(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What every report shares is found once a run: no report asks git or lists the
    incidents again for itself."""
    asked: Counter[str] = Counter()
    head_commit, load_all = eta.git.head_commit, state._load_incidents

    def counting_head(root: Path) -> str | None:
        asked["head"] += 1
        return head_commit(root)

    def counting_incidents(root: Path) -> tuple[list[Incident], list[str]]:
        asked["incidents"] += 1
        return load_all(root)

    monkeypatch.setattr(eta.git, "head_commit", counting_head)
    monkeypatch.setattr(state, "_load_incidents", counting_incidents)
    out = git_repo.parent / "rapporten"
    outcome = run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY, cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert asked == Counter({"head": 1, "incidents": 1})


@pytest.mark.parametrize("wanted", [[], ["."], ["incidents"], ["incidents/"],
                                    ["releases/R1", "afspraken/parties/a.yaml"], ["/"]])
def test_covering_answers_as_covers(wanted: list[str]) -> None:
    names = ["incidents", "incidents/a.yaml", "incidentsx/a.yaml", "releases/R1",
             "releases/R1/plan.yaml", "releases/R10/plan.yaml", "afspraken/parties/a.yaml",
             "afspraken/parties/a.yaml/x", "/abs", "", "."]
    covered = covering(wanted)
    assert [covered(name) for name in names] == [covers(name, wanted) for name in names]


#: Runs eta with its many records read in this one process, as a reference.
_ONE_PROCESS = ("import sys, eta.records.read as read; read.PARALLEL_FROM = sys.maxsize; "
                "from eta.main import main; main()")
#: Runs eta and says on stderr's last line whether a pool of workers was started.
_PROBED = ("import atexit, sys, eta.parallel as parallel; can_fork = parallel._can_fork; "
           "started = []; parallel._can_fork = lambda: started.append(can_fork()) or started[-1]; "
           "atexit.register(lambda: sys.stderr.write(f'pool: {any(started)}\\n')); "
           "from eta.main import main; main()")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a pool of workers needs two cores")
@pytest.mark.parametrize(("command", "shown"), [
    (["incident", "list", "--format", "json"], ["2026-11-16-000006", "2026-11-16-000007.yaml"]),
    (["agenda", "--format", "json"], ["2026-11-16-000006", "2026-11-16-000007.yaml"]),
    (["report", "overview"], ["Overzicht van releases en incidenten"]),
])
def test_many_incidents_read_in_workers_say_what_one_process_says(
    git_repo: Path, command: list[str], shown: list[str]
) -> None:
    """Read in a pool of workers, the records give every view exactly the output they give
    read in one process: each incident, the broken one named among them."""
    many_incidents(git_repo, read.PARALLEL_FROM)
    (git_repo / "incidents/2026-11-16-000007.yaml").write_text("id: [broken\n")
    argv = [*command, "--today", EXAMPLES_DATE]
    pooled = subprocess.run([sys.executable, "-c", _PROBED, *argv], cwd=git_repo,
                            capture_output=True, text=True, check=False)
    alone = subprocess.run([sys.executable, "-c", _ONE_PROCESS, *argv], cwd=git_repo,
                           capture_output=True, text=True, check=False)
    assert pooled.stderr.endswith("pool: True\n")
    assert (pooled.returncode, pooled.stdout, pooled.stderr.removesuffix("pool: True\n")) == (
        alone.returncode, alone.stdout, alone.stderr)
    assert all(text in alone.stdout + alone.stderr for text in shown)
