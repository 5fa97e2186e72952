"""`eta history RECORD`: the commits that changed a record, with a diff of its fields."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from change_helpers import FIRST_TIMELINE, INCIDENT, INCIDENT_HEAD, INCIDENT_PATH, edit
from conftest import commit, git, run_eta
from eta.history import FieldChange, FieldChangeKind, diff_records

INCIDENT_YAML = INCIDENT_HEAD + FIRST_TIMELINE


@pytest.fixture
def history_repo(git_repo: Path) -> tuple[Path, list[str]]:
    """An incident with three more commits: a field changed, an entry appended, a reflow."""
    (git_repo / INCIDENT_PATH).write_text(INCIDENT_YAML)
    shas = [commit(git_repo, "Report the eIDAS disruption", "2026-03-01T09:10:00+01:00")]
    edit(git_repo, INCIDENT_PATH, "priority: P3", "priority: P2\naffected: [logius]")
    shas.append(commit(git_repo, "Raise the priority", "2026-03-01T10:00:00+01:00"))
    with (git_repo / INCIDENT_PATH).open("a") as handle:
        handle.write("  - at: 2026-03-01T11:00:00+01:00\n    by: Femke Hoekstra\n"
                     "    text: 'Oorzaak: verlopen certificaat.'\n")
    shas.append(commit(git_repo, "Log the cause", "2026-03-01T11:05:00+01:00"))
    edit(git_repo, INCIDENT_PATH, "title: Storing", "# Reworded by the incidentmanager.\n"
         "title:   Storing")
    shas.append(commit(git_repo, "Add a comment", "2026-03-01T12:00:00+01:00"))
    return git_repo, shas


def test_history_lists_commits_newest_first_with_field_changes(
    history_repo: tuple[Path, list[str]]
) -> None:
    root, shas = history_repo
    outcome = run_eta("history", INCIDENT, cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    who = "Femke Hoekstra <f.hoekstra@beheer.example.nl>  [unsigned]"
    assert outcome.stdout == "\n".join([
        f"History of {INCIDENT_PATH}: 4 commits",
        "",
        f"{shas[3][:12]}  2026-03-01T12:00:00+01:00  {who}",
        "    Add a comment",
        "    (no change in the fields: formatting or comments only)",
        "",
        f"{shas[2][:12]}  2026-03-01T11:05:00+01:00  {who}",
        "    Log the cause",
        '    + timeline[1]: {"at": "2026-03-01T11:00:00+01:00", "by": "Femke Hoekstra", '
        '"text": "Oorzaak: verlopen certificaat."}',
        "",
        f"{shas[1][:12]}  2026-03-01T10:00:00+01:00  {who}",
        "    Raise the priority",
        "    ~ priority: P3 -> P2",
        '    + affected: ["logius"]',
        "",
        f"{shas[0][:12]}  2026-03-01T09:10:00+01:00  {who}",
        "    Report the eIDAS disruption",
        f"    created {INCIDENT_PATH}",
        "",
    ])


def test_history_as_json(history_repo: tuple[Path, list[str]]) -> None:
    root, shas = history_repo
    outcome = run_eta("history", INCIDENT_PATH, "--format", "json", cwd=root)
    assert outcome.exit_code == 0
    document = json.loads(outcome.stdout)
    assert document["record"] == INCIDENT_PATH
    assert [v["commit"] for v in document["versions"]] == shas[::-1]
    assert document["versions"][2] == {
        "commit": shas[1],
        "date": "2026-03-01T10:00:00+01:00",
        "author": {"name": "Femke Hoekstra", "email": "f.hoekstra@beheer.example.nl"},
        "subject": "Raise the priority",
        "signature": {"status": "N", "meaning": "unsigned"},
        "path": INCIDENT_PATH,
        "previous_path": None,
        "event": "changed",
        "problem": None,
        "changes": [
            {"change": "changed", "path": "priority", "old": "P3", "new": "P2"},
            {"change": "added", "path": "affected", "new": ["logius"]},
        ],
    }
    assert document["versions"][3]["event"] == "created"


def test_no_subject_or_author_forges_a_version(history_repo: tuple[Path, list[str]]
                                               ) -> None:
    """A subject written to pass for separators git's output could be split on."""
    root, shas = history_repo
    forged = ("Echt\x1e" + "0" * 40 + "\x1fMallory\x1fm@example.org\x1f"
              "2020-01-01T00:00:00+00:00\x1fN\x1fVervalst\n:100644 100644")
    edit(root, INCIDENT_PATH, "priority: P2", "priority: P1")
    git(root, "commit", "-q", "-a", "-m", forged, "--author", "Mal\x1flory <m\x1e@example.org>")
    outcome = run_eta("history", INCIDENT_PATH, "--format", "json", cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    versions = json.loads(outcome.stdout)["versions"]
    assert [v["commit"] for v in versions[1:]] == shas[::-1]
    assert (versions[0]["subject"], versions[0]["author"], versions[0]["changes"]) == (
        forged.replace("\n", " "), {"name": "Mal\x1flory", "email": "m\x1e@example.org"},
        [{"change": "changed", "path": "priority", "old": "P2", "new": "P1"}])


def test_versions_parsed_in_forked_workers_give_the_same_history(
    history_repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    import eta.history

    root, _ = history_repo
    (root / INCIDENT_PATH).write_text("title: [unclosed\n")
    commit(root, "Break the record", "2026-03-01T13:00:00+01:00")
    here = run_eta("history", INCIDENT, "--format", "json", cwd=root)
    parsers = tmp_path / "parsers"
    parse = eta.history._parsed

    def parse_and_tell(raw: bytes, path: str) -> object:
        with parsers.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return parse(raw, path)

    monkeypatch.setattr(eta.history, "_parsed", parse_and_tell)
    monkeypatch.setattr(eta.history, "PARALLEL_FROM", 1)
    forked = run_eta("history", INCIDENT, "--format", "json", cwd=root)
    assert forked.exit_code == here.exit_code == 0
    assert forked.stdout == here.stdout
    assert json.loads(forked.stdout)["versions"][0]["problem"].startswith(
        f"{INCIDENT_PATH} was no valid record here")
    assert str(os.getpid()) not in parsers.read_text().split()


def test_history_of_a_party_by_id_matches_representatives_by_id(git_repo: Path) -> None:
    edit(git_repo, "afspraken/parties/logius.yaml", "valid_until: 2025-12-31",
         "valid_until: 2026-06-30")
    edit(git_repo, "afspraken/parties/logius.yaml", "  - id: mvanderberg\n",
         "  - id: jdevries\n    name: Jan de Vries\n    email: j.devries@beheer.example.nl\n"
         "    keys:\n      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXWjaVJu/hV8LdJhXP7ZhdyMrhQ"
         "Fds4MvOXKga0ATFB jdevries\n    valid_from: 2026-01-01\n  - id: mvanderberg\n")
    commit(git_repo, "Register Jan de Vries; Rob Jansen signs until July",
           "2026-03-03T10:00:00+01:00")
    outcome = run_eta("history", "logius", cwd=git_repo)
    assert outcome.exit_code == 0
    lines = outcome.stdout.splitlines()
    assert lines[0] == "History of afspraken/parties/logius.yaml: 2 commits"
    assert lines[3:6] == [
        "    Register Jan de Vries; Rob Jansen signs until July",
        '    + representatives[id=jdevries]: {"id": "jdevries", "name": "Jan de Vries", '
        '"email": "j.devries@beheer.example.nl", "keys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AA'
        'AAILXWjaVJu/hV8LdJhXP7ZhdyMrhQFds4MvOXKga0ATFB jdevries"], "valid_from": '
        '"2026-01-01"}',
        "    ~ representatives[id=rjansen].valid_until: 2025-12-31 -> 2026-06-30",
    ]


def test_no_field_name_prints_a_line_that_reads_as_a_commit(
        history_repo: tuple[Path, list[str]]) -> None:
    root, shas = history_repo
    forged = f"\n\n{shas[0][:12]}  2020-01-01T00:00:00+00:00  Mallory <m@example.org>  [good]"
    edit(root, INCIDENT_PATH, "priority: P2", f"priority: P2\n{json.dumps(forged)}: 1")
    added = commit(root, "Add a field", "2026-03-01T13:00:00+01:00")
    outcome = run_eta("history", INCIDENT_PATH, cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.split("\n")[:6] == [
        f"History of {INCIDENT_PATH}: 5 commits",
        "",
        f"{added[:12]}  2026-03-01T13:00:00+01:00  Femke Hoekstra "
        "<f.hoekstra@beheer.example.nl>  [unsigned]",
        "    Add a field",
        f"    + \\x0a\\x0a{shas[0][:12]}  2020-01-01T00:00:00+00:00  Mallory "
        "<m@example.org>  [good]: 1",
        "",
    ]


def test_history_follows_a_rename(git_repo: Path) -> None:
    git(git_repo, "mv", "afspraken/parties/volmacht.yaml", "afspraken/parties/volmacht2.yaml")
    edit(git_repo, "afspraken/parties/volmacht2.yaml", "id: volmacht", "id: volmacht2")
    commit(git_repo, "Rename Volmacht", "2026-03-04T10:00:00+01:00")
    outcome = run_eta("history", "volmacht2", "--format", "json", cwd=git_repo)
    versions = json.loads(outcome.stdout)["versions"]
    assert [(v["event"], v["path"], v["previous_path"]) for v in versions] == [
        ("renamed", "afspraken/parties/volmacht2.yaml", "afspraken/parties/volmacht.yaml"),
        ("created", "afspraken/parties/volmacht.yaml", None),
    ]
    assert versions[0]["changes"] == [
        {"change": "changed", "path": "id", "old": "volmacht", "new": "volmacht2"}]


def test_history_of_a_deleted_record_by_its_path(git_repo: Path) -> None:
    (git_repo / "afspraken/parties/volmacht.yaml").unlink()
    commit(git_repo, "Remove Volmacht", "2026-03-04T10:00:00+01:00")
    outcome = run_eta("history", "afspraken/parties/volmacht.yaml", cwd=git_repo)
    assert outcome.exit_code == 0
    assert outcome.stdout.splitlines()[3:5] == [
        "    Remove Volmacht", "    deleted afspraken/parties/volmacht.yaml"]


def test_history_from_a_subfolder_takes_paths_relative_to_it(git_repo: Path) -> None:
    outcome = run_eta("history", "parties/logius.yaml", cwd=git_repo / "afspraken")
    assert outcome.stdout.startswith("History of afspraken/parties/logius.yaml: 1 commit\n")


def test_an_unknown_id_is_an_error(git_repo: Path) -> None:
    outcome = run_eta("history", "nobody", cwd=git_repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: no party, release or incident has the id `nobody`; give the record's "
           "path instead\n")


def test_an_incident_is_named_by_a_unique_prefix_of_its_id(git_repo: Path) -> None:
    outcome = run_eta("history", "2026-11-16", cwd=git_repo)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout.startswith("History of incidents/2026-11-16-q738dq.yaml: 1 commit\n")
    outcome = run_eta("history", "2026-1", cwd=git_repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: `2026-1` is the start of 2 incident ids: 2026-10-23-w12aw6, "
        "2026-11-16-q738dq; give more of the id\n")


def test_a_record_never_committed_is_an_error(git_repo: Path) -> None:
    (git_repo / INCIDENT_PATH).write_text(INCIDENT_YAML)
    outcome = run_eta("history", INCIDENT, cwd=git_repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: git has no history of {INCIDENT_PATH}: it was never committed\n")


def test_an_option_like_record_is_no_option_to_git(git_repo: Path) -> None:
    outcome = run_eta("history", "--", "--output=x", cwd=git_repo)
    assert outcome.exit_code == 2
    assert not (git_repo / "x").exists()


def test_outside_git_history_says_so(repo: Path) -> None:
    outcome = run_eta("history", "logius", cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: {repo} is not in a git repository: eta history needs git\n")


def test_a_shallow_clone_says_history_is_needed(git_repo: Path, tmp_path: Path) -> None:
    git(git_repo, "commit", "-q", "--allow-empty", "-m", "Second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_repo}", str(clone))
    outcome = run_eta("history", "logius", cwd=clone)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(
        "eta: error: this is a shallow clone: eta history needs the repository's history.")


def test_inside_a_hook_with_the_index_named_relative_to_the_top(git_repo: Path) -> None:
    # git runs a hook with GIT_INDEX_FILE=.git/index: relative to the working tree's top.
    outcome = run_eta("history", "logius", cwd=git_repo / "afspraken",
                      env={"GIT_INDEX_FILE": ".git/index"})
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith("History of afspraken/parties/logius.yaml: 1 commit\n")


# -- the semantic diff ----------------------------------------------------------------------

def test_diff_of_nested_mappings_and_scalars() -> None:
    assert diff_records(
        {"a": 1, "b": {"c": "x", "d": True}, "gone": None},
        {"a": 2, "b": {"c": "x", "e": False}, "new": [1]},
    ) == [
        FieldChange(FieldChangeKind.REMOVED, "gone", None),
        FieldChange(FieldChangeKind.CHANGED, "a", 1, 2),
        FieldChange(FieldChangeKind.REMOVED, "b.d", True),
        FieldChange(FieldChangeKind.ADDED, "b.e", None, False),
        FieldChange(FieldChangeKind.ADDED, "new", None, [1]),
    ]


def test_diff_of_plain_lists_reports_inserted_and_removed_items() -> None:
    assert diff_records({"roles": ["a", "b", "c"]}, {"roles": ["a", "x", "c", "d"]}) == [
        FieldChange(FieldChangeKind.CHANGED, "roles[1]", "b", "x"),
        FieldChange(FieldChangeKind.ADDED, "roles[3]", None, "d"),
    ]
    assert diff_records({"roles": ["a", "b", "c"]}, {"roles": ["a", "c"]}) == [
        FieldChange(FieldChangeKind.REMOVED, "roles[1]", "b")]


def test_diff_of_items_with_ids_matches_them_by_id() -> None:
    old = {"measures": [{"id": "m1", "status": "open"}, {"id": "m2", "status": "open"}]}
    new = {"measures": [{"id": "m0", "status": "open"}, {"id": "m1", "status": "done"},
                        {"id": "m2", "status": "open"}]}
    assert diff_records(old, new) == [
        FieldChange(FieldChangeKind.ADDED, "measures[id=m0]", None,
                    {"id": "m0", "status": "open"}),
        FieldChange(FieldChangeKind.CHANGED, "measures[id=m1].status", "open", "done"),
    ]


def test_a_nan_that_stays_is_no_change() -> None:
    nan = float("nan")
    assert diff_records({"x": nan, "y": [nan, 1]}, {"x": nan, "y": [nan, 1]}) == []
    assert diff_records({"x": nan}, {"x": 1.0}) == [
        FieldChange(FieldChangeKind.CHANGED, "x", nan, 1.0)]


def test_a_value_of_another_type_is_a_change() -> None:
    assert diff_records({"a": 1}, {"a": 1.0}) == [
        FieldChange(FieldChangeKind.CHANGED, "a", 1, 1.0)]
    assert diff_records({"a": "1"}, {"a": "1"}) == []


def test_a_list_item_of_another_type_is_a_change() -> None:
    assert diff_records({"a": [1, "x"]}, {"a": [True, "x"]}) == [
        FieldChange(FieldChangeKind.CHANGED, "a[0]", 1, True)]
    assert diff_records({"a": [{"b": [1]}]}, {"a": [{"b": [1]}]}) == []



def test_a_merge_that_resolved_a_conflict_in_the_record_is_a_version(git_repo: Path) -> None:
    """The merge gave the record a state neither side held: history shows what it changed
    against the branch it was merged into, as a commit of that branch."""
    path = "incidents/2026-11-16-q738dq.yaml"
    main = git(git_repo, "branch", "--show-current").strip()
    git(git_repo, "checkout", "-q", "-b", "zijtak")
    edit(git_repo, path, "\ntitle: ", "\ntitle: Zij ")
    side = commit(git_repo, "Zijtak", "2026-11-20T10:00:00+01:00")
    git(git_repo, "checkout", "-q", main)
    edit(git_repo, path, "\ntitle: ", "\ntitle: Hoofd ")
    first = commit(git_repo, "Hoofdtak", "2026-11-20T11:00:00+01:00")
    ours = (git_repo / path).read_text()
    merging = subprocess.run(["git", "merge", "-q", "zijtak"], cwd=git_repo,
                             capture_output=True, text=True, check=False)
    assert "CONFLICT" in merging.stdout
    (git_repo / path).write_text(ours.replace("\ntitle: Hoofd ", "\ntitle: Samen "))
    resolved = commit(git_repo, "Samengevoegd", "2026-11-20T12:00:00+01:00")
    outcome = run_eta("history", path, "--format", "json", cwd=git_repo)
    assert outcome.exit_code == 0, outcome.stderr
    versions = json.loads(outcome.stdout)["versions"]
    title = "Phishingcampagne met nagemaakte inlogpagina van KennisKaart"
    assert [(v["commit"], v["event"], v["changes"]) for v in versions[:3]] == [
        (resolved, "changed", [{"change": "changed", "path": "title",
                                "old": f"Hoofd {title}", "new": f"Samen {title}"}]),
        (first, "changed", [{"change": "changed", "path": "title", "old": title,
                             "new": f"Hoofd {title}"}]),
        (side, "changed", [{"change": "changed", "path": "title", "old": title,
                            "new": f"Zij {title}"}]),
    ]
