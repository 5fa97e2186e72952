"""The catalogue of diagnostic codes: every example in it makes the real `eta check` report
its code, with its severity, so the examples in `eta rules` and docs/rules.md are proven."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, PROJECT, commit, git, run_eta
from eta.catalogue import (
    CATALOGUE,
    INCIDENT_CLASSIFICATION_OVERDUE,
    Change,
    Code,
    Example,
    UnknownCode,
    code_named,
)
from eta.records.files import MAX_FILE_BYTES
from eta.records.kinds import KINDS, reference_paths
from plan_helpers import example_key, write_signature

#: When the base of an example's change was committed, and the change on top of it.
BASE_TIME = "2026-11-24T10:00:00+01:00"
CHANGE_TIME = "2026-11-25T10:00:00+01:00"


def apply_change(root: Path, change: Change) -> None:
    """Make `change` to the example records at `root`."""
    path = root / change.file
    path.parent.mkdir(parents=True, exist_ok=True)
    if change.action == "edit":
        text = path.read_text(encoding="utf-8")
        assert change.replace and change.replace in text, (change.file, change.replace)
        path.write_text(text.replace(change.replace, change.by, 1), encoding="utf-8")
    elif change.action == "write":
        path.write_text(change.by, encoding="utf-8")
    elif change.action == "delete":
        path.unlink()
    elif change.action == "rename":
        path.rename(root / change.by)
    elif change.action == "symlink":
        path.symlink_to(change.by)
    elif change.action == "fifo":
        os.mkfifo(path)
    elif change.action == "grow":
        path.write_text("# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    elif change.action == "unreadable":
        path.chmod(0)
    elif change.action == "submodule":
        # As a checkout leaves a submodule that is not cloned: its commit, an empty folder.
        blob = "0123456789abcdef0123456789abcdef01234567"
        git(root, "update-index", "--add", "--cacheinfo", f"160000,{blob},{change.file}")
        path.mkdir()
    else:
        assert change.action == "sign" and change.at is not None
        party, representative = change.by.split("-")
        release, signer = path.parts[-3], path.stem
        write_signature(root, release, signer, representative, example_key(party, representative),
                        dt.datetime.fromisoformat(change.at))


def codes_reported(root: Path, example: Example) -> set[tuple[str, str, str, str]]:
    """Each diagnostic `eta check` reports after `example`: its code, severity, file and
    message."""
    args = ["check", "--format", "json", "--no-cache", "--today", example.today or EXAMPLES_DATE]
    if example.base:
        args += ["--base", "HEAD~1"]
    if any(change.action == "unreadable" for change in example.changes) and os.geteuid() == 0:
        stdout = _check_as_another_user(root, args)
    else:
        outcome = run_eta(*args, cwd=root)
        assert outcome.exit_code in (0, 1), outcome.stderr
        stdout = outcome.stdout
    return {(d["code"], d["severity"], d["file"], d["message"])
            for d in json.loads(stdout)["diagnostics"]}


def _check_as_another_user(root: Path, args: list[str]) -> str:
    """eta run as `nobody`: for root, no permission makes a file unreadable."""
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records"
        shutil.copytree(root, records, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        Path(folder).chmod(0o755)
        outcome = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "eta", *args], cwd=records, capture_output=True, text=True, check=False,
            env={"PATH": os.environ["PATH"], "HOME": folder, "PYTHONPATH": str(PROJECT / "src")})
    assert outcome.returncode in (0, 1), outcome.stderr
    return outcome.stdout


def make_example(root: Path, example: Example) -> None:
    for change in example.before:
        apply_change(root, change)
    if example.base:
        git(root, "add", "-A")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GIT_AUTHOR_DATE", BASE_TIME)
            patch.setenv("GIT_COMMITTER_DATE", BASE_TIME)
            git(root, "commit", "-q", "--allow-empty", "-m", "The base")
    for change in example.changes:
        apply_change(root, change)
    if example.base:
        commit(root, "The change", CHANGE_TIME)


#: What `eta check` reports of the example records as they are, on the day they were
#: written for: the demo incident's classification still waits for a fact, which was due
#: when its response time ran out (the agenda lists it as overdue as well).
EXAMPLES_REPORT = {
    (INCIDENT_CLASSIFICATION_OVERDUE.code, "warning", "incidents/2026-11-16-q738dq.yaml")}


@pytest.mark.parametrize("entry", list(CATALOGUE.values()), ids=str)
def test_each_example_makes_eta_report_its_code(git_repo: Path, entry: Code) -> None:
    before = codes_reported(git_repo, Example("", today=EXAMPLES_DATE))
    assert {(code, severity, file) for code, severity, file, _ in before} == EXAMPLES_REPORT
    make_example(git_repo, entry.example)
    reported = codes_reported(git_repo, entry.example)
    # The example's own finding: one the example records did not have before it.
    assert (entry.code, str(entry.severity)) in {
        (code, severity) for code, severity, _, _ in reported - before}
    assert {code for code, _, _, _ in reported} <= set(CATALOGUE)


def test_eta_rules_lists_every_code() -> None:
    outcome = run_eta("rules")
    assert outcome.exit_code == 0
    lines = outcome.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(CATALOGUE)
    width = max(map(len, CATALOGUE))
    assert f"{'yaml.duplicate-key':<{width}}  error    A key appears twice in one mapping" in lines
    assert f"{'path.unknown':<{width}}  warning  A file that is not a record eta knows by its " \
        "path" in lines


def test_eta_rules_explains_one_code() -> None:
    outcome = run_eta("rules", "yaml.duplicate-key")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout == (
        "yaml.duplicate-key (error)\n\nA key appears twice in one mapping\n\n"
        "YAML parsers disagree on which of two equal keys wins, so a reviewer could read a "
        "different value than eta; eta refuses the file.\n\n"
        "Fix: Remove one of the two keys; each key may appear once per mapping.\n\n"
        "Example, starting from eta's example records:\n"
        "  1. In `incidents/2026-11-16-q738dq.yaml`, replace:\n"
        "       priority: P2\n"
        "     by:\n"
        "       priority: P2\n"
        "       priority: P1\n"
        "  2. Run `eta check`.\n")


@pytest.mark.parametrize(("given", "expected"), [
    ("plan.signature.stal", "eta: error: unknown code `plan.signature.stal` (did you mean "
     "`plan.signature.stale`?); `eta rules` lists every code\n"),
    ("nothing", "eta: error: unknown code `nothing`; `eta rules` lists every code\n"),
    ("\x1b[2Jplan", "eta: error: unknown code `\\x1b[2Jplan`; `eta rules` lists every code\n"),
])
def test_an_unknown_code_gets_a_did_you_mean_and_exit_2(given: str, expected: str) -> None:
    for output_format in ("text", "json", "markdown"):
        outcome = run_eta("rules", given, "--format", output_format)
        assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (2, "", expected)


def test_code_named_refuses_a_code_the_catalogue_lacks() -> None:
    assert code_named("yaml.tab") is CATALOGUE["yaml.tab"]
    expected = "unknown code `yaml.tabs` (did you mean `yaml.tab`?)"
    with pytest.raises(UnknownCode, match=re.escape(expected)):
        code_named("yaml.tabs")


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    outcome = run_eta("rules", "--format", "markdown")
    assert outcome.exit_code == 0
    assert (PROJECT / "docs/rules.md").read_text(encoding="utf-8") == outcome.stdout, (
        "docs/rules.md differs from the catalogue: run `make docs`")


def test_every_code_has_its_heading_where_its_help_uri_points() -> None:
    text = (PROJECT / "docs/rules.md").read_text(encoding="utf-8")
    for entry in CATALOGUE.values():
        assert f"\n## {entry.code}\n" in text
        assert entry.help_uri.endswith(f"/docs/rules.md#{entry.code.replace('.', '')}")


def _code_literals(path: Path) -> list[str]:
    """Where the module at `path` writes a diagnostic code as text, not through the
    catalogue: a string that is a code, or an f-string that composes one outside
    `code_named`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    composed_inside = {id(node.args[0]) for node in ast.walk(tree)
                       if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                       and node.func.id == "code_named" and node.args}
    prefixes = {code.split(".", 1)[0] + "." for code in CATALOGUE}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in CATALOGUE:
            found.append(f"{path.name}:{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.JoinedStr) and id(node) not in composed_inside:
            head = node.values[0] if node.values else None
            if (isinstance(head, ast.Constant) and isinstance(head.value, str)
                    and any(head.value.startswith(p) for p in prefixes)):
                found.append(f"{path.name}:{node.lineno}: f{head.value!r}...")
    return found


def test_codes_are_named_through_the_catalogue_never_as_free_text() -> None:
    found = [literal for path in sorted((PROJECT / "src/eta").rglob("*.py"))
             if path.name != "catalogue.py" for literal in _code_literals(path)]
    assert found == []


def test_the_finder_of_free_codes_finds_them(tmp_path: Path) -> None:
    module = tmp_path / "rule.py"
    module.write_text('CODE = "yaml.tab"\nother = f"base.{name}.rewritten"\n'
                      'fine = code_named(f"base.{name}.rewritten")\nplain = "release.yaml"\n')
    assert _code_literals(module) == ["rule.py:1: 'yaml.tab'", "rule.py:2: f'base.'..."]


def test_every_composed_code_is_in_the_catalogue() -> None:
    composed = [f"base.{name}.rewritten" for kind in KINDS for name, _ in kind.append_only]
    composed += [f"ref.unknown-{ref_kind}" for kind in KINDS
                 for _, ref_kind in reference_paths(kind.model)]
    assert composed
    for code in composed:
        assert code_named(code).code == code
