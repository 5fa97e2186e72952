"""The audit trail of a report is the same whether the history of every record was read
once for many reports (`eta report all`) or for this report alone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import commit, commit_without_date, git, run_eta
from eta.git import GitError
from eta.reports.sources import Provenance

#: Each commit: the files it writes (None removes one).
HISTORY: list[dict[str, str | None]] = [
    {"incidents/a.yaml": "1", "incidents/b.yaml": "1", "afspraken/criteria.yaml": "1",
     "afspraken/parties/p.yaml": "1", "releases/R1/release.yaml": "1",
     "releases/R1/parties/p.yaml": "1", "releases/R2": "a file, for now"},
    {"incidents/a.yaml": "2", "afspraken/parties/p.yaml": "2"},
    # A file becomes a folder of the same name, in one commit.
    {"releases/R2": None, "releases/R2/release.yaml": "1", "releases/R1/parties/p.yaml": "2"},
    # A file removed where one of the same text is added: no rename, two changes.
    {"incidents/b.yaml": None, "releases/R10/release.yaml": "1"},
    {"afspraken/criteria.yaml": "2", "incidents/a.yaml": "3", "incidents/c.yaml": "1"},
]

#: What a report showing these records has in its trail: the commits, newest first.
TRAILS = {
    "incidents/a.yaml afspraken/criteria.yaml afspraken/parties/p.yaml": [
        "Stap 5", "Stap 2", "Stap 1"],
    "incidents/b.yaml": ["Stap 4", "Stap 1"],
    "releases/R1 afspraken/parties/p.yaml": ["Stap 3", "Stap 2", "Stap 1"],
    "releases/R1/": ["Stap 3", "Stap 1"],
    "releases/R2": ["Stap 3", "Stap 1"],
    "releases/R2/release.yaml": ["Stap 3"],
    "releases": ["Stap 4", "Stap 3", "Stap 1"],
    "incidents releases/R10": ["Stap 5", "Stap 4", "Stap 2", "Stap 1"],
    ".": ["Stap 5", "Stap 4", "Stap 3", "Stap 2", "Stap 1"],
    "releases/R3 incidents/none.yaml": [],
}
WANTED = [names.split() for names in TRAILS]


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trail")
    git(root, "init", "-q")
    for number, files in enumerate(HISTORY, start=1):
        for name, text in files.items():
            path = root / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
        commit(root, f"Stap {number}", f"2026-03-{number:02d}T10:00:00+01:00")
    (root / "incidents/c.yaml").write_text("2")  # not committed
    return root


def trail_alone_and_among_many(root: Path, wanted: list[str]) -> dict[str, Any]:
    """The trail of a report of `wanted`, read for it alone; asserted to be the trail read
    from the history of every record at once (and read from it twice)."""
    with Provenance.open(root, None) as alone:
        expected = alone.trail(wanted)
    with Provenance.open(root, None) as shared:
        with shared.preloading():
            pass
        assert shared.trail(wanted) == shared.trail(wanted) == expected
    return expected


@pytest.mark.parametrize("wanted", WANTED, ids=" ".join)
def test_a_trail_read_for_many_reports_is_the_trail_read_alone(
    repository: Path, wanted: list[str]
) -> None:
    expected = trail_alone_and_among_many(repository, wanted)
    assert [c["subject"] for c in expected["commits"]] == TRAILS[" ".join(wanted)]
    if wanted == ["releases/R2"]:
        assert [c["files"] for c in expected["commits"]] == [
            ["releases/R2", "releases/R2/release.yaml"], ["releases/R2"]]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with a side branch merged back: `a` in conflict, resolved with a text of
    neither side; `b` taken from the side; `d` changed on the side and changed back."""
    root = tmp_path_factory.mktemp("merged")
    git(root, "init", "-q", "-b", "main")
    _write(root, {"incidents/a.yaml": "1", "incidents/b.yaml": "1", "incidents/d.yaml": "1"})
    commit(root, "Stap 1", "2026-03-01T10:00:00+01:00")
    git(root, "checkout", "-q", "-b", "side")
    _write(root, {"incidents/a.yaml": "side", "incidents/b.yaml": "2"})
    commit(root, "Zijtak 1", "2026-03-02T10:00:00+01:00")
    _write(root, {"incidents/d.yaml": "2"})
    commit(root, "Zijtak 2", "2026-03-03T10:00:00+01:00")
    _write(root, {"incidents/d.yaml": "1"})
    commit(root, "Zijtak 3", "2026-03-04T10:00:00+01:00")
    git(root, "checkout", "-q", "main")
    _write(root, {"incidents/a.yaml": "main"})
    commit(root, "Stap 2", "2026-03-05T10:00:00+01:00")
    subprocess.run(["git", "merge", "-q", "side"], cwd=root, capture_output=True, check=False)
    _write(root, {"incidents/a.yaml": "both"})
    commit(root, "Samenvoeging", "2026-03-06T10:00:00+01:00")
    git(root, "mv", "incidents/b.yaml", "incidents/e.yaml")  # staged, not committed
    return root


MERGED_TRAILS = {
    "incidents/a.yaml": (["Samenvoeging", "Stap 2", "Zijtak 1", "Stap 1"], []),
    "incidents/b.yaml": (["Zijtak 1", "Stap 1"], ["incidents/b.yaml"]),
    "incidents/d.yaml": (["Zijtak 3", "Zijtak 2", "Stap 1"], []),
    "incidents/e.yaml": ([], ["incidents/e.yaml"]),
    "incidents": (["Samenvoeging", "Stap 2", "Zijtak 3", "Zijtak 2", "Zijtak 1", "Stap 1"],
                  ["incidents/b.yaml", "incidents/e.yaml"]),
}


@pytest.mark.parametrize("wanted", MERGED_TRAILS)
def test_merges_and_renames_give_one_trail_alone_and_among_many(
    merged: Path, wanted: str
) -> None:
    """A merge is in the trail of the files it gave a text of neither side; a side branch
    is walked whatever its merge kept; a staged rename is a file removed and one added."""
    expected = trail_alone_and_among_many(merged, [wanted])
    subjects, uncommitted = MERGED_TRAILS[wanted]
    assert [c["subject"] for c in expected["commits"]] == subjects
    assert expected["uncommitted"] == uncommitted
    if wanted == "incidents":
        assert expected["commits"][0]["files"] == ["incidents/a.yaml"]


#: A subject written to pass for the separators an older trail split git's output on.
FORGED_SUBJECT = ("Echt\x1e" + "0" * 40 + "\x1fMallory\x1fm@example.org\x1f"
                  "2020-01-01T00:00:00+00:00\x1f2020-01-01T00:00:00+00:00\x1fVervalst")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    git(root, "init", "-q")
    _write(root, {"incidents/a.yaml": "1", "incidents/x\x1ey\x1fz\nw.yaml": "1"})
    _commit_as(root, FORGED_SUBJECT, "Eva <eva@example.org>", "2026-03-01T10:00:00+01:00")
    _write(root, {"incidents/a.yaml": "2"})
    _commit_as(root, "Twee", "Mal\x1flory <m\x1e@example.org>", "2026-03-02T10:00:00+01:00")
    return root


def _commit_as(root: Path, message: str, author: str, date: str) -> None:
    git(root, "add", "-A")
    subprocess.run(["git", "commit", "-q", "-m", message, "--author", author], cwd=root,
                   check=True, env={**os.environ, "GIT_AUTHOR_DATE": date,
                                    "GIT_COMMITTER_DATE": date})


@pytest.mark.parametrize("wanted", [["incidents"], ["incidents/a.yaml"], ["."]])
def test_no_subject_author_or_file_name_forges_a_trail_entry(
    hostile: Path, wanted: list[str]
) -> None:
    expected = trail_alone_and_among_many(hostile, wanted)
    found = [(c["subject"], c["author"], c["email"], c["files"]) for c in expected["commits"]]
    everything = ["incidents/a.yaml", "incidents/x\x1ey\x1fz\nw.yaml"]
    assert found == [
        ("Twee", "Mal\x1flory", "m\x1e@example.org", ["incidents/a.yaml"]),
        (FORGED_SUBJECT, "Eva", "eva@example.org",
         ["incidents/a.yaml"] if wanted == ["incidents/a.yaml"] else everything)]


def test_a_commit_git_cannot_date_is_refused_by_name(hostile: Path, tmp_path: Path) -> None:
    """git prints the date of a commit whose author line it cannot read as the format
    asked for it: the trail names the commit rather than guess a time."""
    root = tmp_path / "malformed"
    git(tmp_path, "clone", "-q", str(hostile), str(root))
    _write(root, {"incidents/a.yaml": "3"})
    written = commit_without_date(root, "Zonder datum")
    refusal = (f"^commit {written[:12]} holds no valid date \\('%aI'\\): the commit object "
               "is malformed$")
    with Provenance.open(root, None) as provenance, pytest.raises(GitError, match=refusal):
        provenance.trail(["incidents"])


def test_a_commit_git_cannot_date_fails_only_the_reports_whose_trail_holds_it(
        git_repo: Path) -> None:
    incident = git_repo / "incidents" / "2026-11-16-q738dq.yaml"
    incident.write_text(incident.read_text().replace("\ntitle: ", "\ntitle: Nu ", 1))
    written = commit_without_date(git_repo, "Zonder datum")
    outcome = run_eta("report", "all", "--output-dir", "out", cwd=git_repo)
    refusal = (f"not written: commit {written[:12]} holds no valid date ('%aI'): the commit "
               "object is malformed")
    # The incident's own report and the month it lies in show its commit; nothing else does.
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (f"eta: error: incident-2026-11-16-q738dq.md {refusal}\n"
                              f"eta: error: month-2026-11.md {refusal}\n"
                              "wrote 24 reports to out; 2 failed\n")
    assert len(list((git_repo / "out").iterdir())) == 24
    assert not (git_repo / "out" / "incident-2026-11-16-q738dq.md").exists()


def test_the_trail_of_an_incident_holding_another_id_is_that_of_its_own_file(
        git_repo: Path) -> None:
    incident = git_repo / "incidents" / "2026-11-16-q738dq.yaml"
    incident.write_text(incident.read_text().replace("id: 2026-11-16-q738dq",
                                                     "id: 2026-02-10-bq1pzv"))
    changed = commit(git_repo, "Een ander id", "2026-11-20T10:00:00+01:00")
    outcome = run_eta("report", "incident", "2026-11-16-q738dq", cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    trail = outcome.stdout.split("## Audittrail", 1)[1]
    assert "2026-02-10-bq1pzv" not in trail
    assert (f"| 2026-11-20 | Femke Hoekstra | `{changed[:12]}` | Een ander id | "
            "incidents/2026-11-16-q738dq.yaml |\n") in trail
