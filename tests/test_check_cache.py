"""The cache of `eta check` gives the same findings as a full check, and is never stale."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from conftest import run_eta

PARTY = "afspraken/parties/poortwachter.yaml"
INCIDENT = """\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: INC-CACHE
title: Storing bij het inloggen
type: verstoring
reporter: poortwachter
priority: P3
times:
  detected: 2026-11-27T09:00:00+01:00
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ETA_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def incident(repo: Path) -> Path:
    path = repo / "incidents" / "INC-CACHE.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(INCIDENT)
    return path


def findings(root: Path, *args: str) -> tuple[int, str]:
    outcome = run_eta("check", "--today", "2026-11-28", *args, cwd=root)
    return outcome.exit_code, outcome.stdout


def test_a_warm_check_reads_the_cache_and_agrees_with_a_cold_one(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    cold = findings(repo)
    [cache_file] = cache_dir.glob("check-*.marshal")
    assert marshal.loads(cache_file.read_bytes())["units"]
    assert findings(repo) == cold == findings(repo, "--no-cache")


def test_an_edit_after_a_cached_check_is_seen(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    assert "titel" not in findings(repo)[1]
    incident.write_text(incident.read_text().replace("title:", "titel:", 1))
    code, out = findings(repo)
    assert code == 1
    assert f"{incident.relative_to(repo).as_posix()}:" in out
    assert "unknown key `titel`" in out


def test_an_edit_of_the_same_size_with_the_old_modification_time_is_seen(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    before = incident.stat()
    assert "titel" not in findings(repo)[1]
    incident.write_text(INCIDENT.replace("title:", "titel:"))
    assert incident.stat().st_size == before.st_size
    os.utime(incident, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out = findings(repo)
    assert code == 1
    assert "unknown key `titel`" in out


def test_a_change_to_the_agreements_reaches_cached_records(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    assert "does not exist" not in findings(repo)[1]
    (repo / PARTY).unlink()
    code, out = findings(repo)
    assert code == 1
    assert "names party `poortwachter`, which does not exist" in out


def test_another_day_is_checked_anew(repo: Path, cache_dir: Path, incident: Path) -> None:
    findings(repo)
    before = marshal.loads(next(cache_dir.glob("check-*.marshal")).read_bytes())
    run_eta("check", "--today", "2026-11-29", cwd=repo)
    after = marshal.loads(next(cache_dir.glob("check-*.marshal")).read_bytes())
    assert ":2026-11-28:" in before["salt"]
    assert ":2026-11-29:" in after["salt"]
    assert set(after["units"]) == set(before["units"])


def test_a_damaged_cache_is_ignored(repo: Path, cache_dir: Path, incident: Path) -> None:
    cold = findings(repo)
    cache_file = next(cache_dir.glob("check-*.marshal"))
    cache_file.write_bytes(b"\x00not marshal")
    assert findings(repo) == cold
    salt = marshal.loads(cache_file.read_bytes())["salt"]
    cache_file.write_bytes(marshal.dumps({
        "format": 3, "salt": salt, "files": {}, "units": {"incidents/INC-CACHE.yaml": 5},
    }))
    assert findings(repo) == cold


def test_a_check_of_part_of_a_release_sees_a_change_elsewhere_in_its_folder(
    repo: Path, cache_dir: Path
) -> None:
    release = "releases/R2026-01/release.yaml"
    assert findings(repo, release) == (0, "1 file checked: no problems found\n")
    signature = repo / "releases/R2026-01/signatures/poortwachter.yaml"
    signature.write_text(_tampered(signature.read_text()))
    code, out = findings(repo, release)
    assert code == 1
    assert "[plan.not-in-force]" in out


def _tampered(text: str) -> str:
    """The signature file with one hex digit of its digest changed."""
    head, _, digest = text.partition("digest: sha256:")
    flipped = ("1" if digest[0] == "0" else "0") + digest[1:]
    return f"{head}digest: sha256:{flipped}"
