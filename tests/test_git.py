"""eta's access to git, on real repositories in temporary folders."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import commit, git
from eta.changes import ChangeStatus, FileChange
from eta.git import (
    GitError,
    GitRepository,
    SignatureStatus,
    check_revision,
    commits_changing,
)


@pytest.mark.parametrize(("revision", "message"), [
    ("--output=x", "`--output=x` is not a git revision: a revision never starts with `-`"),
    ("-p", "`-p` is not a git revision: a revision never starts with `-`"),
    ("", "the revision is empty"),
    ("main branch", "'main branch' is not a git revision: it holds a space or a control "
                    "character"),
    ("main\n--output=x", "'main\\n--output=x' is not a git revision: it holds a space or a "
                         "control character"),
])
def test_revisions_git_could_read_as_options_are_refused(revision: str, message: str) -> None:
    with pytest.raises(GitError) as refused:
        check_revision(revision)
    assert str(refused.value) == message


@pytest.mark.parametrize("revision", ["main", "origin/main", "HEAD~2", "v1.0^{commit}",
                                      "a1b2c3d"])
def test_ordinary_revisions_pass(revision: str) -> None:
    assert check_revision(revision) == revision


def test_a_folder_outside_git_is_refused_clearly(repo: Path) -> None:
    with pytest.raises(GitError) as refused:
        GitRepository.open(repo, "eta history")
    assert str(refused.value) == f"{repo} is not in a git repository: eta history needs git"


def test_a_revision_that_names_no_commit_is_refused(git_repo: Path) -> None:
    with GitRepository.open(git_repo, "test") as repository, pytest.raises(GitError) as refused:
        repository.resolve_commit("no-such-branch")
    assert str(refused.value) == "`no-such-branch` names no commit in this repository"


def test_a_repository_without_commits_has_no_merge_base(repo: Path) -> None:
    git(repo, "init", "-q")
    with GitRepository.open(repo, "test") as repository, pytest.raises(GitError) as refused:
        repository.merge_base("main", "test")
    assert str(refused.value) == "`main` names no commit in this repository"


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """A git repository whose records live in a subfolder, `records/`."""
    top = tmp_path / "top"
    records = top / "records"
    for name in ("afspraken/parties/a.yaml", "afspraken/parties/b.yaml", "incidents/x.yaml",
                 "incidents/y.yaml"):
        (records / name).parent.mkdir(parents=True, exist_ok=True)
        (records / name).write_text(f"name: {name}\n")
    (top / "README.md").write_text("outside the records\n")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "First")
    return records


def test_changed_files_since_a_commit_relative_to_the_records_root(nested: Path) -> None:
    top = nested.parent
    (nested / "incidents/x.yaml").write_text("name: changed\n")
    (nested / "incidents/y.yaml").unlink()
    git(top, "mv", "records/afspraken/parties/b.yaml", "records/afspraken/parties/c.yaml")
    (nested / "incidents/z.yaml").write_text("name: new, untracked\n")
    (top / "README.md").write_text("changed, but no record\n")
    with GitRepository.open(nested, "test") as repository:
        base = repository.merge_base("HEAD", "test")
        assert repository.changed_files(base, ["afspraken", "incidents"]) == [
            FileChange(ChangeStatus.RENAMED, "afspraken/parties/c.yaml",
                       "afspraken/parties/b.yaml", "100644", "100644"),
            FileChange(ChangeStatus.MODIFIED, "incidents/x.yaml", "incidents/x.yaml",
                       "100644", "100644"),
            FileChange(ChangeStatus.DELETED, "incidents/y.yaml", "incidents/y.yaml",
                       None, "100644"),
            FileChange(ChangeStatus.ADDED, "incidents/z.yaml", None),
        ]


def test_the_merge_base_of_a_branch_that_shares_no_history_is_refused(nested: Path) -> None:
    top = nested.parent
    branch = git(top, "branch", "--show-current").strip()
    git(top, "checkout", "-q", "--orphan", "elsewhere")
    git(top, "commit", "-q", "-m", "Unrelated")
    git(top, "checkout", "-q", branch)
    with GitRepository.open(nested, "test") as repository, pytest.raises(GitError) as refused:
        repository.merge_base("elsewhere", "test")
    assert str(refused.value) == "`elsewhere` and HEAD share no history: no merge base"


def test_a_failing_git_command_among_several_says_which_and_why(nested: Path) -> None:
    missing = "0" * 40
    with GitRepository.open(nested, "test") as repository, pytest.raises(GitError) as refused:
        repository.changed_files(missing, ["incidents"])
    assert str(refused.value) == f"git diff failed: fatal: bad object {missing}"


def test_a_shallow_clone_is_named_before_a_revision_it_lacks(nested: Path, tmp_path: Path
                                                             ) -> None:
    git(nested.parent, "commit", "-q", "--allow-empty", "-m", "Second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{nested.parent}", str(clone))
    with GitRepository.open(clone / "records", "test") as repository:
        for revision in ("HEAD", "HEAD~1"):
            with pytest.raises(GitError) as refused:
                repository.merge_base(revision, "eta check --base")
            assert str(refused.value).startswith("this is a shallow clone: eta check --base")


def test_reading_many_files_at_a_revision(nested: Path) -> None:
    first = git(nested, "rev-parse", "HEAD").strip()
    (nested / "incidents/x.yaml").write_text("name: changed\n")
    git(nested, "commit", "-q", "-am", "Second")
    with GitRepository.open(nested, "test") as repository:
        assert repository.list_files(first, "incidents") == ["incidents/x.yaml",
                                                             "incidents/y.yaml"]
        assert repository.read_texts(first, ["incidents/x.yaml", "incidents/y.yaml",
                                             "incidents/none.yaml", "incidents"]) == {
            "incidents/x.yaml": b"name: incidents/x.yaml\n",
            "incidents/y.yaml": b"name: incidents/y.yaml\n",
            "incidents/none.yaml": None,
            "incidents": None,
        }
        assert repository.read_texts("HEAD", ["incidents/x.yaml"]) == {
            "incidents/x.yaml": b"name: changed\n"}


def test_history_follows_renames(nested: Path) -> None:
    top = nested.parent
    (nested / "incidents/x.yaml").write_text("name: second\n")
    git(top, "commit", "-q", "-am", "Second")
    git(top, "mv", "records/incidents/x.yaml", "records/incidents/w.yaml")
    git(top, "commit", "-q", "-m", "Rename")
    with GitRepository.open(nested, "test") as repository:
        commits = list(repository.file_history("incidents/w.yaml"))
    assert [(c.subject, c.status, c.path, c.old_path) for c in commits] == [
        ("Rename", ChangeStatus.RENAMED, "incidents/w.yaml", "incidents/x.yaml"),
        ("Second", ChangeStatus.MODIFIED, "incidents/x.yaml", "incidents/x.yaml"),
        ("First", ChangeStatus.ADDED, "incidents/x.yaml", None),
    ]
    assert {(c.author_name, c.author_email, c.date.isoformat()) for c in commits} == {
        ("Femke Hoekstra", "f.hoekstra@beheer.example.nl", "2026-03-02T10:00:00+01:00")}
    assert {c.signature for c in commits} == {SignatureStatus.UNSIGNED}


def test_signature_status_of_ssh_signed_commits(nested: Path, tmp_path: Path) -> None:
    key = tmp_path / "signer"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "signer", "-f",
                    str(key)], check=True)
    top = nested.parent
    git(top, "config", "gpg.format", "ssh")
    git(top, "config", "user.signingkey", f"{key}.pub")
    (nested / "incidents/x.yaml").write_text("name: signed\n")
    git(top, "commit", "-q", "-S", "-am", "Signed")
    with GitRepository.open(nested, "test") as repository:
        unchecked = next(repository.file_history("incidents/x.yaml"))
    assert (unchecked.subject, unchecked.signature) == ("Signed", SignatureStatus.CANNOT_CHECK)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"f.hoekstra@beheer.example.nl {Path(f'{key}.pub').read_text()}")
    git(top, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    with GitRepository.open(nested, "test") as repository:
        signed, unsigned = list(repository.file_history("incidents/x.yaml"))
    assert (signed.signature, signed.signature.meaning) == (SignatureStatus.GOOD,
                                                            "signed, verified")
    assert (unsigned.signature, unsigned.signature.meaning) == (SignatureStatus.UNSIGNED,
                                                                "unsigned")


def test_a_shallow_clone_asks_for_history(nested: Path, tmp_path: Path) -> None:
    top = nested.parent
    git(top, "commit", "-q", "--allow-empty", "-m", "Second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{top}", str(clone))
    with GitRepository.open(clone / "records", "test") as repository:
        assert repository.is_shallow()
        with pytest.raises(GitError) as refused:
            repository.require_history("eta history")
    assert str(refused.value).startswith("this is a shallow clone: eta history needs the "
                                         "repository's history.")
    with GitRepository.open(nested, "test") as repository:
        assert not repository.is_shallow()
        repository.require_history("eta history")


def test_relative_git_dir_work_tree_and_index_file_are_read_as_git_reads_them(
    nested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = nested.parent
    (nested / "incidents/x.yaml").write_text("name: changed\n")
    monkeypatch.chdir(nested / "incidents")
    monkeypatch.setenv("GIT_DIR", "../../.git")
    monkeypatch.setenv("GIT_WORK_TREE", "../..")
    # git reads the index's path from the top of the working tree, the others from here.
    monkeypatch.setenv("GIT_INDEX_FILE", ".git/index")
    with GitRepository.open(nested, "test") as repository:
        assert repository.toplevel == top.resolve()
        assert repository.changed_files(repository.head(), ["incidents"]) == [
            FileChange(ChangeStatus.MODIFIED, "incidents/x.yaml", "incidents/x.yaml",
                       "100644", "100644")]
    assert os.environ["GIT_DIR"] == "../../.git"


def test_many_objects_are_read_in_order_across_batches(nested: Path) -> None:
    top = nested.parent
    for number in range(300):
        (top / f"spaced name {number}.txt").write_text(f"{number}\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Many")
    with GitRepository.open(top, "test") as repository:
        specs = [f"HEAD:spaced name {n}.txt" for n in range(300)]
        # git answers `HEAD:no such missing` to the first: three words, as an object's are.
        found = repository.read_objects(["HEAD:no such", *specs, "HEAD:a\nb"])
    assert [f.data if f else None for f in found] == [
        None, *(f"{n}\n".encode() for n in range(300)), None]


def test_git_log_failing_is_an_error_with_its_reason(repo: Path) -> None:
    git(repo, "init", "-q")
    with GitRepository.open(repo, "test") as repository, pytest.raises(GitError) as refused:
        list(repository.file_history("incidents/x.yaml"))
    assert str(refused.value).startswith("git log failed: fatal: ")


@pytest.mark.parametrize("main_changes", [True, False])
def test_a_merge_read_by_parent_names_what_it_holds_unlike_each(tmp_path: Path,
                                                                main_changes: bool) -> None:
    """`a.yaml` changed on a side branch, `b.yaml` on the main one or not at all, merged
    without a conflict: the merge holds each unlike one parent, and, where the main branch
    changed nothing, like the side in all."""
    repo = tmp_path / "records"
    repo.mkdir()
    git(repo, "init", "-q")
    folder = repo / "incidents"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text("1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Eerste")
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "zij")
    (folder / "a.yaml").write_text("2\n")
    git(repo, "commit", "-q", "-am", "Zij")
    git(repo, "checkout", "-q", main)
    if main_changes:
        (folder / "b.yaml").write_text("2\n")
        git(repo, "commit", "-q", "-am", "Hoofd")
    git(repo, "merge", "-q", "--no-ff", "-m", "Samen", "zij")
    with GitRepository.open(repo, "test") as repository:
        found = {c.subject: (c.paths, c.from_every_parent)
                 for c in commits_changing(repository, "HEAD", ["incidents"], by_parent=True)}
        combined = [c.subject for c in commits_changing(repository, "HEAD", ["incidents"])]
    side = ("incidents/a.yaml",)
    both = ("incidents/a.yaml", "incidents/b.yaml")
    assert found == {
        "Samen": (both, ()) if main_changes else (side, ()),
        **({"Hoofd": (("incidents/b.yaml",),) * 2} if main_changes else {}),
        "Zij": (side, side),
        "Eerste": (both, both),
    }
    # As a trail reads it, the merge changed nothing: each file is one side's.
    assert "Samen" not in combined and "Zij" in combined


def test_history_read_by_parent_is_a_graph_in_its_own_order_not_that_of_its_dates(
        tmp_path: Path) -> None:
    """Each side changed another folder, and the commit after their merge has a date older
    than all: read by parent, the merge that changed nothing asked for is still listed, as
    the parent of what follows, and each commit comes before its parents."""
    repo = tmp_path / "records"
    (repo / "incidents").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "incidents/a.yaml").write_text("1\n")
    commit(repo, "Eerste", "2026-01-01T09:00:00+01:00")
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "zij")
    (repo / "zij.txt").write_text("zij\n")
    commit(repo, "Zij", "2026-01-02T09:00:00+01:00")
    git(repo, "checkout", "-q", main)
    (repo / "hoofd.txt").write_text("hoofd\n")
    commit(repo, "Hoofd", "2026-01-03T09:00:00+01:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "Samen", "zij")
    (repo / "incidents/a.yaml").write_text("2\n")
    commit(repo, "Daarna", "2025-01-01T09:00:00+01:00")
    with GitRepository.open(repo, "test") as repository:
        found = commits_changing(repository, "HEAD", ["incidents"], by_parent=True)
        plain = commits_changing(repository, "HEAD", ["incidents"])
    subject = {c.sha: c.subject for c in found}
    assert [(c.subject, [subject[p] for p in c.parents], c.paths) for c in found] == [
        ("Daarna", ["Samen"], ("incidents/a.yaml",)),
        ("Samen", ["Eerste"], ()),
        ("Eerste", [], ("incidents/a.yaml",)),
    ]
    assert [(c.subject, c.parents) for c in plain] == [("Daarna", ()), ("Eerste", ())]


@pytest.mark.parametrize("below", ["", "records/"])
def test_the_history_of_every_record_folder_picked_out_here_is_the_one_git_limits_to_them(
        tmp_path: Path, below: str) -> None:
    """Read for most of the history (every record folder), git lists every commit's files
    and eta picks out the records': the commits and files are those of a `git log` limited
    to the folders, merges with a conflict resolved or none, and commits of other files."""
    top = tmp_path / "top"
    root = top / below
    (root / "incidents").mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    (root / "incidents/a.yaml").write_text("1\n")
    (top / "README.md").write_text("1\n")
    commit(top, "Eerste", "2026-01-01T09:00:00+01:00")
    (top / "README.md").write_text("2\n")
    (root / "schemas").mkdir()
    (root / "schemas/x.json").write_text("{}\n")
    commit(top, "Alleen andere bestanden", "2026-01-02T09:00:00+01:00")
    git(top, "checkout", "-q", "-b", "zij")
    (root / "incidents/a.yaml").write_text("zij\n")
    (root / "incidents/b.yaml").write_text("1\n")
    (top / "README.md").write_text("zij\n")
    commit(top, "Zij", "2026-01-03T09:00:00+01:00")
    git(top, "checkout", "-q", "main")
    (root / "incidents/a.yaml").write_text("hoofd\n")
    (root / "afspraken").mkdir()
    (root / "afspraken/criteria.yaml").write_text("1\n")
    commit(top, "Hoofd", "2026-01-04T09:00:00+01:00")
    subprocess.run(["git", "merge", "-q", "zij"], cwd=top, capture_output=True, check=False)
    (root / "incidents/a.yaml").write_text("samen\n")
    (top / "README.md").write_text("samen\n")
    commit(top, "Samen met conflict", "2026-01-05T09:00:00+01:00")
    git(top, "checkout", "-q", "-b", "tweede")
    (root / "releases/R1").mkdir(parents=True)
    (root / "releases/R1/release.yaml").write_text("1\n")
    commit(top, "Tweede zij", "2026-01-06T09:00:00+01:00")
    git(top, "checkout", "-q", "main")
    (top / "README.md").write_text("3\n")
    commit(top, "Weer anders", "2026-01-07T09:00:00+01:00")
    git(top, "merge", "-q", "--no-ff", "-m", "Samen zonder conflict", "tweede")
    folders = ["afspraken", "releases", "incidents"]
    with GitRepository.open(root, "test") as repository:
        limited = commits_changing(repository, "HEAD", folders)
        picked = commits_changing(repository, "HEAD", folders, most=True)
    assert picked == limited
    assert [(c.subject, c.paths) for c in picked] == [
        ("Tweede zij", ("releases/R1/release.yaml",)),
        ("Samen met conflict", ("incidents/a.yaml",)),
        ("Hoofd", ("afspraken/criteria.yaml", "incidents/a.yaml")),
        ("Zij", ("incidents/a.yaml", "incidents/b.yaml")),
        ("Eerste", ("incidents/a.yaml",)),
    ]
