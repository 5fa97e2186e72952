"""The cache of `eta check` gives the same findings as a full check, and is never stale."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, run_eta
from eta import user_cache
from eta.check.cache import seal, unseal
from eta.user_cache import KEY_NAME
from test_check_bad_input import CASES

PARTY = "afspraken/parties/poortwachter.yaml"
INCIDENT = """\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: INC-CACHE
title: Storing bij het inloggen
type: verstoring
reporter: poortwachter
priority: P3
times:
  detected: 2026-11-30T09:00:00+01:00
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
    outcome = run_eta("check", "--today", EXAMPLES_DATE, *args, cwd=root)
    return outcome.exit_code, outcome.stdout


def cached(cache_dir: Path, kind: str = "check") -> tuple[Path, dict[str, Any]]:
    """The cache file of `kind` in `cache_dir` (the content ids and the whole's findings,
    or `check-units`) and its data, as eta wrote it."""
    [cache_file] = (path for path in cache_dir.glob(f"{kind}-*.marshal")
                    if path.name.count("-") == kind.count("-") + 1)
    data = unseal((cache_dir / KEY_NAME).read_bytes(), cache_file.name, cache_file.read_bytes())
    assert data is not None
    return cache_file, data


def cached_units(cache_dir: Path) -> dict[str, Any]:
    return cached(cache_dir, "check-units")[1]["units"]  # type: ignore[no-any-return]


def test_a_warm_check_reads_the_cache_and_agrees_with_a_cold_one(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    cold = findings(repo)
    assert cached_units(cache_dir)
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


def test_an_agreement_moved_to_another_folder_reaches_cached_records(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    # Moved below a folder that sorts where the file was: the agreements hold the same
    # files under the same names in the same order, but the party is gone from the register.
    assert findings(repo) == (0, f"{EXAMPLES_WARNING}41 files checked: 0 errors, 1 warning\n")
    moved = repo / "afspraken" / "parties" / "p" / "poortwachter.yaml"
    moved.parent.mkdir()
    (repo / PARTY).rename(moved)
    assert findings(repo) == findings(repo, "--no-cache")
    code, out = findings(repo)
    assert code == 1
    assert ("incidents/INC-CACHE.yaml:5:11: error [ref.unknown-party] `reporter` names party "
            "`poortwachter`, which does not exist\n") in out


def test_another_day_is_checked_anew(repo: Path, cache_dir: Path, incident: Path) -> None:
    findings(repo)
    before = cached(cache_dir)[1], cached(cache_dir, "check-units")[1]
    run_eta("check", "--today", "2026-12-02", cwd=repo)
    after = cached(cache_dir)[1], cached(cache_dir, "check-units")[1]
    assert all(f":{EXAMPLES_DATE}:" in data["salt"] for data in before)
    assert all(":2026-12-02:" in data["salt"] for data in after)
    assert set(after[1]["units"]) == set(before[1]["units"])


def test_an_edited_installation_of_eta_checks_anew(
    repo: Path, cache_dir: Path, incident: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editable install keeps its version while its code changes: findings of the code it
    # replaced must not be served.
    package = tmp_path / "site" / "eta"
    shutil.copytree(Path(user_cache.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(user_cache, "__file__", str(package / "user_cache.py"))
    findings(repo)
    first = cached(cache_dir)[1]["salt"]
    findings(repo)
    assert cached(cache_dir)[1]["salt"] == first
    rule = package / "rules" / "incidents.py"
    rule.write_text(rule.read_text() + "# edited\n")
    findings(repo)
    assert cached(cache_dir)[1]["salt"] != first


def test_another_version_of_a_library_or_of_the_time_zone_data_checks_anew(
    repo: Path, cache_dir: Path, incident: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is kept rests on the libraries too (validation, the calendar of holidays, the
    time zones' rules): an upgrade of one, or of the system's time zone data, is a build
    whose findings were never kept."""
    import sys
    import zoneinfo

    site = tmp_path / "site-packages"
    (site / "kalender").mkdir(parents=True)
    (site / "kalender" / "__init__.py").write_text("")
    (site / "kalender-1.0.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(user_cache, "LIBRARIES", (*user_cache.LIBRARIES, "kalender"))
    zones = tmp_path / "zoneinfo"
    zones.mkdir()
    (zones / "tzdata.zi").write_text("# version 2026a\n")
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(zones), *zoneinfo.TZPATH))
    findings(repo)
    first = cached(cache_dir)[1]["salt"]
    findings(repo)
    assert cached(cache_dir)[1]["salt"] == first
    (site / "kalender-1.0.dist-info").rename(site / "kalender-1.1.dist-info")
    findings(repo)
    second = cached(cache_dir)[1]["salt"]
    assert second != first
    (zones / "tzdata.zi").write_text("# version 2026b, with a new rule\n")
    findings(repo)
    assert cached(cache_dir)[1]["salt"] not in (first, second)
    assert "kalender" not in sys.modules  # found, not imported


def test_a_damaged_cache_is_ignored(repo: Path, cache_dir: Path, incident: Path) -> None:
    cold = findings(repo)
    content = cached(cache_dir)
    units = cached(cache_dir, "check-units")
    for cache_file, _ in (content, units):
        cache_file.write_bytes(b"\x00not marshal")
        assert findings(repo) == cold
    key = (cache_dir / KEY_NAME).read_bytes()
    wrongs: dict[str, list[dict[str, Any]]] = {
        "check": [{"files": "x"}, {"files": {"incidents/INC-CACHE.yaml": 7}}, {"units": {}},
                  {"written_at": "late"}, {"whole": 3}, {"whole": ("key", 5)}, {"salt": None}],
        "check-units": [{"units": {"incidents/INC-CACHE.yaml": 5}}, {"units": []},
                        {"files": {}}, {"units": {"incidents/INC-CACHE.yaml": ((), [5], [])}},
                        {"salt": None}],
    }
    for (cache_file, data), wrong in [(found, wrong) for found, kind in ((content, "check"),
                                                                         (units, "check-units"))
                                      for wrong in wrongs[kind]]:
        # Sealed with the user's own key, as only eta writes: a shape eta never wrote
        # (another version, a bug) still only costs speed.
        cache_file.write_bytes(seal(key, cache_file.name, {**data, **wrong}))
        assert findings(repo) == cold, wrong
        # With the whole's findings gone too, the units are looked up.
        if cache_file == units[0]:
            content[0].unlink()
            assert findings(repo) == cold, wrong


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


FAILING = INCIDENT.replace("title:", "titel:")
FAILED = (1, f"{EXAMPLES_WARNING}"
             "incidents/INC-CACHE.yaml:2:1: error [record.missing-key] missing required key "
             "`title`\n"
             "incidents/INC-CACHE.yaml:3:1: error [record.unknown-key] unknown key `titel`\n"
             "    hint: did you mean `title`?\n"
             "41 files checked: 2 errors, 1 warning\n")


def forged_as_clean(cache_dir: Path) -> dict[str, dict[str, Any]]:
    """The data of the cache's two files by their names, changed to say that every unit and
    the whole check found nothing."""
    content_file, data = cached(cache_dir)
    units_file, units = cached(cache_dir, "check-units")
    return {content_file.name: {**data, "whole": (data["whole"][0], [])},
            units_file.name: {**units, "units": {
                unit: (ids, [], entries) for unit, (ids, _, entries) in units["units"].items()}}}


def plant(folder: Path, key: bytes, files: dict[str, dict[str, Any]],
          sealed_as: Callable[[str], str] = str) -> None:
    """Each of `files` written to `folder` by its name, sealed under `key` as `sealed_as` of
    the name says."""
    for name, data in files.items():
        (folder / name).write_bytes(seal(key, sealed_as(name), data))


def forge_under_own_key(repo: Path, cache_dir: Path, incident: Path) -> list[Path]:
    """A failing check, then its cache changed to say clean and sealed again under the
    user's own key: what only the folder's protection can keep out. The cache files."""
    incident.write_text(FAILING)
    assert findings(repo) == FAILED
    forged = forged_as_clean(cache_dir)
    plant(cache_dir, (cache_dir / KEY_NAME).read_bytes(), forged)
    return [cache_dir / name for name in forged]


def test_a_forged_cache_cannot_turn_a_failing_check_green(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    incident.write_text(FAILING)
    assert findings(repo) == FAILED
    forged = forged_as_clean(cache_dir)
    # Anyone who can write the files but not read the user's key writes entries that are
    # well formed in every field, and they are ignored.
    for key in (secrets.token_bytes(32), b"\0" * 32):
        plant(cache_dir, key, forged)
        assert findings(repo) == FAILED
    # A valid seal for another repository's cache file is no seal for this one, nor one
    # of the other kind of file.
    real_key = (cache_dir / KEY_NAME).read_bytes()
    plant(cache_dir, real_key, forged, lambda name: name.rpartition("-")[0] + "-another.marshal")
    assert findings(repo) == FAILED
    content_name, units_name = forged
    plant(cache_dir, real_key, {content_name: forged[content_name]}, lambda name: units_name)
    assert findings(repo) == FAILED
    # The units alone under the user's key would be believed, once the whole's findings
    # are no longer those of these files; then the whole's too: the key is what protects.
    plant(cache_dir, real_key, {units_name: forged[units_name]})
    (cache_dir / content_name).unlink()
    assert findings(repo) == (0, "41 files checked: no problems found\n")
    incident.write_text(FAILING.replace("P3", "P2"))
    assert findings(repo)[0] == 1
    incident.write_text(FAILING)
    plant(cache_dir, real_key, forged)
    assert findings(repo) == (0, "41 files checked: no problems found\n")


def test_a_cache_folder_in_the_repository_is_neither_read_nor_written(
    repo: Path, cache_dir: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pull request commits a key and a cache sealed under it, private as a checkout with
    # umask 077 makes them, where ETA_CACHE_DIR points into the working tree.
    incident.write_text(FAILING)
    assert findings(repo) == FAILED
    forged = forged_as_clean(cache_dir)
    planted = repo / ".eta-cache"
    planted.mkdir(mode=0o700)
    key = secrets.token_bytes(32)
    (planted / KEY_NAME).write_bytes(key)
    plant(planted, key, forged)
    for path in planted.iterdir():
        path.chmod(0o600)
    monkeypatch.setenv("ETA_CACHE_DIR", str(planted))
    assert findings(repo) == FAILED
    assert sorted(path.name for path in planted.iterdir()) == sorted([KEY_NAME, *forged])


def test_a_cache_folder_others_may_write_is_neither_read_nor_written(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    cache_files = forge_under_own_key(repo, cache_dir, incident)
    planted = [path.read_bytes() for path in cache_files]
    for mode in (0o770, 0o707, 0o1777):
        cache_dir.chmod(mode)
        assert findings(repo) == FAILED, oct(mode)
        assert [path.read_bytes() for path in cache_files] == planted
    cache_dir.chmod(0o700)
    assert findings(repo) == (0, "41 files checked: no problems found\n")


def test_a_cache_below_a_folder_others_may_write_is_not_used(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, incident: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # not sticky: anyone may rename the cache folder and put another
    monkeypatch.setenv("ETA_CACHE_DIR", str(shared / "eta"))
    assert findings(repo)[0] == 0
    # Nothing is made there, not even the cache folder itself.
    assert list(shared.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_of_another_user_is_not_used(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    content, units = forge_under_own_key(repo, cache_dir, incident)
    key = cache_dir / KEY_NAME
    for planted in (cache_dir, key):
        os.chown(planted, 65534, 65534)
        assert findings(repo) == FAILED, planted.name
        os.chown(planted, 0, 0)
    # Each file forged alone, the other as eta wrote it; the units are looked up only
    # without the whole's findings.
    for forged_file in (content, units):
        content.unlink()
        units.unlink()
        assert findings(repo) == FAILED
        plant(cache_dir, key.read_bytes(), {forged_file.name: forged_as_clean(cache_dir)[
            forged_file.name]})
        if forged_file == units:
            content.unlink()
        os.chown(forged_file, 65534, 65534)
        assert findings(repo) == FAILED, forged_file.name
        os.chown(forged_file, 0, 0)


def test_links_planted_in_a_shared_cache_folder_overwrite_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, incident: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp is: sticky, writable by all
    monkeypatch.setenv("ETA_CACHE_DIR", str(shared))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    assert findings(repo)[0] == 0
    assert list(shared.iterdir()) == []  # nothing written where others may write
    cache_name = _cache_file_name(repo)
    for name in (cache_name, f".{cache_name}.{os.getpid()}.0123456789ab.tmp", KEY_NAME,
                 f".{KEY_NAME}.{os.getpid()}.tmp"):
        (shared / name).symlink_to(victim)
    assert findings(repo)[0] == 0
    assert victim.read_text() == "precious\n"
    assert all((shared / name).is_symlink() for name in (cache_name, KEY_NAME))


def test_links_in_the_private_cache_folder_are_replaced_never_followed(
    repo: Path, cache_dir: Path, tmp_path: Path, incident: Path
) -> None:
    cold = findings(repo)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    cache_file, _ = cached(cache_dir)
    cache_file.unlink()
    temporary = cache_dir / f".{cache_file.name}.{os.getpid()}.0123456789ab.tmp"
    for link in (cache_file, temporary):
        link.symlink_to(victim)
    assert findings(repo) == cold
    assert victim.read_text() == "precious\n"
    assert not cache_file.is_symlink() and not temporary.exists()
    assert cached_units(cache_dir)
    # A key that is a link is not the user's key: the cache is left alone.
    key = cache_dir / KEY_NAME
    key.unlink()
    key.symlink_to(victim)
    before = cache_file.read_bytes()
    assert findings(repo) == cold
    assert cache_file.read_bytes() == before
    assert victim.read_text() == "precious\n"


def test_a_key_others_may_read_is_not_trusted(
    repo: Path, cache_dir: Path, incident: Path
) -> None:
    forge_under_own_key(repo, cache_dir, incident)
    key = cache_dir / KEY_NAME
    key.chmod(0o644)
    assert findings(repo) == FAILED


def _cache_file_name(root: Path) -> str:
    import hashlib

    return f"check-{hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()}.marshal"


SUITE_FILES = ("afspraken/parties/testpartij.yaml", "releases/R2026-01/parties/testpartij.yaml",
               "incidents/testpartij.yaml")


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_check_suite_finds_the_same_with_and_without_the_cache(
    repo: Path, cache_dir: Path, case: str
) -> None:
    text, _ = CASES[case]
    for name in SUITE_FILES:
        path = repo / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    for args in ((), ("--format", "json"), SUITE_FILES[1:2]):
        uncached = findings(repo, "--no-cache", *args)
        assert uncached[0] == 1
        assert findings(repo, *args) == uncached  # cold: the cache is written
        assert findings(repo, *args) == uncached  # warm: read from the cache
    assert cached_units(cache_dir)


def test_a_check_of_unchanged_files_reads_the_units_only_when_something_changed(
    repo: Path, cache_dir: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The units are two thirds of the cache's bytes; the whole's findings need none."""
    read: list[str] = []
    real_read = user_cache.PrivateFolder.read

    def reading(folder: user_cache.PrivateFolder, name: str) -> bytes | None:
        read.append(name.rpartition("-")[0])
        return real_read(folder, name)

    monkeypatch.setattr(user_cache.PrivateFolder, "read", reading)
    cold = findings(repo)
    assert read == ["check", "check-units"]
    read.clear()
    assert findings(repo) == cold
    assert read == ["check"]
    read.clear()
    incident.write_text(FAILING)
    assert findings(repo) == FAILED
    assert read == ["check", "check-units"]


def test_a_check_of_some_files_keeps_the_other_units_for_the_next_check_of_all(
    repo: Path, cache_dir: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eta.check import engine

    cold = findings(repo)
    every_unit = set(cached_units(cache_dir))
    assert len(every_unit) > 10
    incident.write_text(FAILING)
    name = incident.relative_to(repo).as_posix()
    assert findings(repo, name)[0] == 1
    assert set(cached_units(cache_dir)) == every_unit
    checked: list[list[str]] = []
    real_check_units = engine._check_units

    def counted(root: Path, units: Any, *args: Any) -> Any:
        checked.extend(files for files, _ in units)
        return real_check_units(root, units, *args)

    monkeypatch.setattr(engine, "_check_units", counted)
    incident.write_text(INCIDENT.replace("inloggen", "uitloggen"))
    assert findings(repo) == cold
    assert checked == [[name]]
    # A unit whose files are gone drops out at the next check of everything.
    incident.unlink()
    findings(repo)
    assert set(cached_units(cache_dir)) == every_unit - {name}


def test_findings_of_agreements_changed_during_the_check_are_not_kept(
    repo: Path, cache_dir: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agreements changed between the cache's key and their reading (a `git pull`, a
    checkout): what the check found rests on the new version, under the old one's key. Kept,
    it would be served once the old version is back."""
    from eta.check import engine
    from eta.records.agreements import read_agreements as real

    party = repo / PARTY
    text = party.read_text()

    def changed_meanwhile(root: Path, *args: Any) -> Any:
        party.unlink()
        return real(root, *args)

    monkeypatch.setattr(engine, "read_agreements", changed_meanwhile)
    assert "does not exist" in findings(repo)[1]
    monkeypatch.setattr(engine, "read_agreements", real)
    party.write_text(text)
    assert findings(repo) == findings(repo, "--no-cache")
    assert "does not exist" not in findings(repo)[1]
