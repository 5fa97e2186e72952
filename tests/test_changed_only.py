"""`eta check --base REF --changed-only` is sound: whatever a full check finds that it did not
find at the base, a check of the change alone finds too.

Each change below alters the findings of records it does not touch: a key replaced in the
register makes two signatures invalid, a dropped criterion leaves eight classifications
citing nothing, a shorter response time puts incidents past their deadline, a removed party
or release leaves references dangling, a copied record takes an id that is another's.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, commit, run_eta

Finding = tuple[str, int, int, str, str]


def check(root: Path, *args: str) -> tuple[int, set[Finding]]:
    """The findings of a check, and how many files it read."""
    outcome = run_eta("check", "--format", "json", "--no-cache", "--today", EXAMPLES_DATE,
                      *args, cwd=root)
    assert outcome.exit_code in (0, 1), outcome.stderr
    report = json.loads(outcome.stdout)
    return report["files"], {(d["file"], d["line"], d["column"], d["code"], d["message"])
                             for d in report["diagnostics"]}


def replace_key(root: Path) -> None:
    """mvanderberg, who signed two plans for logius, gets a new key in their stead."""
    key = root.parent / "nieuw"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "nieuw", "-f",
                    str(key)], check=True)
    path = root / "afspraken/parties/logius.yaml"
    text = path.read_text()
    old = next(line for line in text.splitlines() if "logius-mvanderberg" in line)
    path.write_text(text.replace(old.strip(), key.with_name("nieuw.pub").read_text().strip()))


def drop_criterion(root: Path) -> None:
    path = root / "afspraken/criteria.yaml"
    text = path.read_text()
    start = text.index("  - id: C2\n")
    end = text.index("  - id: C3\n")
    path.write_text(text[:start] + text[end:])


def open_an_incident(root: Path) -> None:
    """An incident still open, well within its response time of 40 business hours."""
    (root / "incidents/2026-11-26-cp5rrs.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/incident.schema.json\n"
        "id: 2026-11-26-cp5rrs\ntitle: Trage metadata\ntype: verstoring\n"
        "reporter: sleutelbrug\naffected:\n  - kenniskaart\npriority: P4\nstatus: new\n"
        "times:\n  detected: 2026-11-26T10:00:00+01:00\n"
        "  reported: 2026-11-26T10:05:00+01:00\n")


def shorten_response_times(root: Path) -> None:
    path = root / "afspraken/service-levels.yaml"
    path.write_text(re.sub(r"hours: \d+", "hours: 1", path.read_text()))


def remove_party(root: Path) -> None:
    (root / "afspraken/parties/sleutelbrug.yaml").unlink()


def remove_release(root: Path) -> None:
    shutil.rmtree(root / "releases/R2026-01")


def copy_an_incident(root: Path) -> None:
    source = root / "incidents/2026-11-16-q738dq.yaml"
    (root / "incidents/2026-01-01-aaaaaa.yaml").write_text(source.read_text())


def share_a_key(root: Path) -> None:
    """A new party, whose file sorts first, registers a key another party holds already."""
    text = (root / "afspraken/parties/logius.yaml").read_text()
    (root / "afspraken/parties/aaa.yaml").write_text(text.replace("id: logius", "id: aaa", 1))


#: Each change, with what the base holds beside the examples.
CHANGES: dict[str, tuple[Callable[[Path], None] | None, Callable[[Path], None]]] = {
    "a key replaced in the register": (None, replace_key),
    "a criterion dropped": (None, drop_criterion),
    "shorter response times": (open_an_incident, shorten_response_times),
    "a party removed": (None, remove_party),
    "a release removed": (None, remove_release),
    "an incident copied under another name": (None, copy_an_incident),
    "a key registered twice": (None, share_a_key),
}


@pytest.mark.parametrize("name", CHANGES)
def test_changed_only_finds_every_new_finding_of_a_full_check(git_repo: Path, name: str
                                                              ) -> None:
    prepare, change = CHANGES[name]
    if prepare is not None:
        prepare(git_repo)
        commit(git_repo, "The base", "2026-11-27T10:00:00+01:00")
    _, at_base = check(git_repo)
    change(git_repo)
    full_files, full = check(git_repo, "--base", "HEAD")
    changed_files, changed = check(git_repo, "--base", "HEAD", "--changed-only")
    new = full - at_base
    assert new, "the change must alter some findings"
    assert new - changed == set()
    # Only what the change touches is checked; the full check reads more.
    assert changed_files <= full_files


def test_a_register_change_brings_the_signatures_it_invalidates(git_repo: Path) -> None:
    replace_key(git_repo)
    _, changed = check(git_repo, "--base", "HEAD", "--changed-only")
    assert sorted((f[0], f[3]) for f in changed if f[3].startswith("plan.signature")) == [
        ("releases/R2026-01/signatures/logius.yaml", "plan.signature.unregistered-key"),
        ("releases/R2026-02/signatures/logius.yaml", "plan.signature.unregistered-key"),
    ]


def test_a_dropped_criterion_brings_every_incident_citing_it(git_repo: Path) -> None:
    drop_criterion(git_repo)
    files, changed = check(git_repo, "--base", "HEAD", "--changed-only")
    unknown = {f for f in changed if f[3] == "ref.unknown-criterion"}
    # Four incidents cite C2, in ten classifications.
    assert (len(unknown), len({f[0] for f in unknown})) == (10, 4)
    full_files, full = check(git_repo, "--base", "HEAD")
    assert unknown == {f for f in full if f[3] == "ref.unknown-criterion"}
    # The agreements and the incidents; no release depends on the criteria.
    assert not [f for f in changed if f[0].startswith("releases/")]
    assert files < full_files
