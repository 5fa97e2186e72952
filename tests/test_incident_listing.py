"""The incident list keeps what it works out of each incident, and says at every moment what
a list that keeps nothing says: before, at and after each deadline its findings name."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from conftest import run_eta
from eta.incidents import listing
from eta.incidents.listing import Listed, listed_incidents
from eta.records import read
from eta.records.agreements import load_agreements
from eta.records.cache import kept
from eta.user_cache import KEY_NAME

INCIDENT = "incidents/2026-11-16-q738dq.yaml"
#: An open crisis whose every clock runs: the telephone report, the stages of NIS2, the data
#: breach undecided, the response time, and a classification its facts no longer fit.
RUNNING = """\
id: 2026-11-20-t1m3d5
title: Storing bij het inloggen
type: verstoring
reporter: kenniskaart
affected: [poortwachter]
priority: P1
status: in_progress
times:
  detected: 2026-11-20T09:00:00+01:00
  reported: 2026-11-20T09:10:00+01:00
facts:
  direct_serious_hindrance: true
data_breach:
  aware_at: 2026-11-20T10:00:00+01:00
classifications:
  - class: crisis
    criteria: [C1]
    facts:
      direct_serious_hindrance: false
    at: 2026-11-20T09:30:00+01:00
    by: Sanne Verbeek <s.verbeek@beheer.example.nl>
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ETA_CACHE_DIR", str(folder))
    return folder


#: The views that keep what they work out of each incident, each as a command line.
VIEWS = {"incident list": ("incident", "list"), "overview": ("report", "overview"),
         "agenda": ("agenda", "--days", "3660")}
#: The formats of each view compared.
FORMATS = {"incident list": ["json", "text"], "overview": [], "agenda": ["json", "ics", "text"]}


def listed(repo: Path, *args: str, cache: Path | None = None, view: str = "incident list"
           ) -> tuple[int, str, str]:
    env = None if cache is None else {"ETA_CACHE_DIR": str(cache)}
    outcome = run_eta(*VIEWS[view], *args, cwd=repo, env=env)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def deadlines(repo: Path) -> list[dt.datetime]:
    """Every moment a finding of an example incident holds from."""
    with kept(repo):
        rows, _ = listed_incidents(repo, load_agreements(repo))
    return sorted({at for row in rows for at, _ in row.timed if at is not None})


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_kept_view_says_at_every_moment_around_each_deadline_what_a_fresh_one_says(
    repo: Path, cache_dir: Path, tmp_path: Path, view: str
) -> None:
    (repo / "incidents" / "2026-11-20-t1m3d5.yaml").write_text(RUNNING)
    moments = deadlines(repo)
    assert len(moments) >= 6
    # What is kept is kept from here on.
    assert listed(repo, "--now", "2026-01-01T00:00", view=view)[0] == 0
    fresh = tmp_path / "fresh"
    formats: list[tuple[str, ...]] = [("--format", name) for name in FORMATS[view]] or [()]
    seen = set()
    for moment in moments:
        for step in (-1, 0, 1):
            at = (moment + dt.timedelta(seconds=step)).isoformat()
            for output in formats:
                kept_view = listed(repo, "--now", at, *output, view=view)
                assert kept_view == listed(repo, "--now", at, *output, view=view,
                                           cache=fresh / at / "-".join(output)), at
                seen.add(kept_view[1])
    # The moments tell findings apart: the view is not the same before and after them.
    assert len(seen) > len(formats) * 3


def test_a_warm_list_reads_and_validates_no_record(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = listed(repo, "--now", "2026-12-01T09:00")
    validated: list[object] = []
    real_of_plain = read.of_plain

    def counted(plain: object) -> object:
        validated.append(plain)
        return real_of_plain(plain)

    monkeypatch.setattr(read, "of_plain", counted)
    monkeypatch.setattr(read, "load_bytes", lambda *_: pytest.fail("a record was parsed"))
    assert listed(repo, "--now", "2026-12-01T09:00") == cold
    # The agreements only: the list works out its incidents' deadlines from them.
    assert validated
    assert all(plain[0][1].startswith("afspraken/") for plain in validated  # type: ignore[index]
               if plain[0] is not None)  # type: ignore[index]


def test_a_warm_overview_reads_of_the_incidents_only_the_open_ones_and_the_agenda_none(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "incidents" / "2026-11-20-t1m3d5.yaml").write_text(RUNNING)
    cold = listed(repo, "--now", "2026-12-01T09:00", view="overview")
    validated: list[str] = []
    real_of_plain = read.of_plain

    def counted(plain: object) -> object:
        validated.append(plain[0][1])  # type: ignore[index]
        return real_of_plain(plain)

    monkeypatch.setattr(read, "of_plain", counted)
    assert listed(repo, "--now", "2026-12-01T09:00", view="overview") == cold
    read_incidents = sorted(name for name in validated if name.startswith("incidents/"))
    assert read_incidents == ["incidents/2026-11-20-t1m3d5.yaml"]
    assert "Storing bij het inloggen" in cold[1]
    # The agenda needs none of them: what each owes, and its outages, are kept.
    agenda = listed(repo, "--now", "2026-12-01T09:00", "--format", "json", view="agenda")
    validated.clear()
    assert listed(repo, "--now", "2026-12-01T09:00", "--format", "json", view="agenda") == agenda
    assert not [name for name in validated if name.startswith("incidents/")]
    assert "2026-11-20-t1m3d5" in agenda[1]


def test_an_edited_incident_or_agreement_is_listed_anew(
    repo: Path, cache_dir: Path, tmp_path: Path
) -> None:
    at = ("--now", "2026-12-01T09:00", "--format", "json")
    listed(repo, *at)
    path = repo / INCIDENT
    before = path.stat()
    text = path.read_text()
    path.write_text(text.replace("priority: P2\n", "priority: P1\n", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = listed(repo, *at)
    assert '"priority": "P1"' in edited[1]
    assert edited == listed(repo, *at, cache=tmp_path / "fresh-1")
    levels = repo / "afspraken" / "service-levels.yaml"
    levels_text = levels.read_text()
    assert "P1:" in levels_text
    levels.write_text(levels_text.replace("Europe/Amsterdam", "Europe/London", 1))
    moved = listed(repo, *at)
    assert moved == listed(repo, *at, cache=tmp_path / "fresh-2")
    assert moved != edited


def test_a_kept_list_not_sealed_under_the_users_key_is_ignored(
    repo: Path, cache_dir: Path
) -> None:
    at = ("--now", "2026-12-01T09:00", "--format", "json")
    truth = listed(repo, *at)
    [kept_file] = cache_dir.glob("incident-list-*.marshal")
    with kept(repo):
        rows, invalid = listed_incidents(repo, load_agreements(repo))
    assert rows and not invalid
    data = listing.FILES.unseal((cache_dir / KEY_NAME).read_bytes(), kept_file.name,
                                kept_file.read_bytes())
    assert data is not None
    # Every incident said closed, with a title of the forger's, sealed under another key.
    forged = {**data, "entries": {name: (content, (
        {**entry, "title": "vervalst", "status": "closed"}, False, [], []))
        for name, (content, (entry, *_)) in data["entries"].items()}}
    kept_file.write_bytes(listing.FILES.seal(os.urandom(32), kept_file.name, forged))
    assert listed(repo, *at) == truth
    kept_file.write_bytes(listing.FILES.seal((cache_dir / KEY_NAME).read_bytes(),
                                             "incident-list-elders.marshal", forged))
    assert listed(repo, *at) == truth


OWED = ("incident/x/response-time", "response-time", "2026-11-20T13:10:00+01:00", "w", "x",
        "incidents/x.yaml", ["a"], "response-time", "t", None)


PERIOD = ("poortwachter", "dienstverlener", "unavailable", "2026-11-20T09:00:00+01:00", None)


@pytest.mark.parametrize("plain", [
    None, 3, "invalid", ({}, True, [], []), ({}, "yes", [], [], []),
    ({}, True, [(None,)], [], []),
    ({}, True, [("gisteren", ["status"], "warning", "c", "m", None, False)], [], []),
    ({}, True, [(None, ["status"], "fatal", "c", "m", None, False)], [], []),
    ({}, True, [], [OWED[:2]], []), ({}, True, [], [(*OWED[:1], "nothing", *OWED[2:])], []),
    ({}, True, [], [(*OWED[:2], "2026-11-20T13:10:00", *OWED[3:])], []),
    ({"id": "x"}, True, [], [], [PERIOD[:4]]),
    ({"id": "x"}, True, [], [], [(*PERIOD[:2], "gone", *PERIOD[3:])]),
    ({"id": "x"}, True, [], [], [(*PERIOD[:4], "later")]),
])
def test_kept_data_of_a_shape_eta_does_not_write_gives_nothing(plain: object) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    assert Listed.of_plain(({"id": "x"}, True, [], [OWED], [PERIOD]), zone, "x") is not None
    assert Listed.of_plain(plain, zone, "x") is None


def test_two_files_of_one_id_are_listed_in_the_order_of_their_files_warm_or_cold(
    repo: Path, cache_dir: Path, tmp_path: Path
) -> None:
    """`eta check` refuses a second file of an id; until it is fixed, the views show both,
    the kept ones in the same order as the ones read anew."""
    at = ("--now", "2026-11-20T12:00:00+01:00", "--format", "json")
    listed(repo, *at)
    original = (repo / INCIDENT).read_text()
    copy = repo / "incidents" / "2026-11-16-aaaaaa.yaml"
    copy.write_text(original.replace("title: Phishingcampagne", "title: Kopie", 1))
    warm = listed(repo, *at)
    assert warm[1].count('"id": "2026-11-16-q738dq"') == 2
    assert warm == listed(repo, *at, cache=tmp_path / "fresh")


def test_the_overview_sums_up_each_open_incident_from_its_own_file(
    repo: Path, cache_dir: Path, tmp_path: Path
) -> None:
    """Two open incidents of one id: each summary is its own file's, warm or cold, not the
    record its id names."""
    (repo / "incidents" / "2026-11-20-t1m3d5.yaml").write_text(RUNNING)
    (repo / "incidents" / "2026-11-20-zzzzzz.yaml").write_text(
        RUNNING.replace("title: Storing bij het inloggen", "title: Tweede storing"))
    at = ("--now", "2026-12-01T09:00")
    cold = listed(repo, *at, view="overview", cache=tmp_path / "fresh")
    assert cold[1].count("Storing bij het inloggen") == 1
    assert cold[1].count("Tweede storing") == 1
    listed(repo, *at, view="overview")
    assert listed(repo, *at, view="overview") == cold


def test_what_is_kept_rests_on_the_agreements_as_they_were_read_not_as_they_are_after(
    repo: Path, cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agreement changed while a view runs (a `git pull`, an editor's save) after the
    view read it: what the view works out rests on the version it read, and is kept under
    that version's key, not the new one's."""
    at = ("--now", "2026-11-20T12:00:00+01:00", "--format", "json")
    levels = repo / "afspraken" / "service-levels.yaml"
    text = levels.read_text()
    real = listing._listed_incidents

    def changed_meanwhile(root: Path, agreements: object) -> object:
        levels.write_text(text.replace("Europe/Amsterdam", "Europe/London", 1))
        return real(root, agreements)  # type: ignore[arg-type]

    monkeypatch.setattr(listing, "_listed_incidents", changed_meanwhile)
    listed(repo, *at)
    monkeypatch.setattr(listing, "_listed_incidents", real)
    assert "GMT" in listed(repo, *at, cache=tmp_path / "fresh")[1]
    assert listed(repo, *at) == listed(repo, *at, cache=tmp_path / "fresh-2")
