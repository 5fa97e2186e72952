"""Every view of what is overdue says the same: the agenda, the overview and progress
reports, `eta plan status`, `eta incident list` and `eta check`, item for item, on the
example records and on a generated repository, on several days."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, PROJECT, run_eta
from eta.reports.labels import DUE_KIND
from eta.reports.templating import dutch_date

#: The kind of item each code of `eta check` says is overdue.
CHECK_KINDS = {
    "plan.milestone.overdue": "milestone",
    "plan.deadline.overdue": "deadline",
    "plan.measure.overdue": "measure",
    "plan.signature.overdue": "signature",
    "release.evaluation.overdue": "evaluation",
    "incident.response-time.exceeded": "response-time",
    "incident.duty.overdue": "reporting-duty",
    "incident.data-breach.undecided": "reporting-duty",
    "incident.classification.overdue": "classification",
    "availability.below-target": "availability",
}
KIND_OF_LABEL = {label: kind for kind, label in DUE_KIND.items()}

#: (record, kind, the day it was due)
Item = tuple[str, str, str]


def eta_json(root: Path, *args: str) -> object:
    outcome = run_eta(*args, "--format", "json", "--root", str(root))
    assert outcome.exit_code in (0, 1), outcome.stderr
    return json.loads(outcome.stdout)


def agenda_overdue(root: Path, day: str) -> list[dict[str, object]]:
    document = eta_json(root, "agenda", "--today", day, "--days", "0")
    assert isinstance(document, dict)
    return [item for item in document["items"] if item["overdue"]]


def release_ids(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "releases").iterdir() if path.is_dir())


def check_items(root: Path, day: str) -> Counter[tuple[str, str]]:
    document = eta_json(root, "check", "--today", day)
    assert isinstance(document, dict)
    found: Counter[tuple[str, str]] = Counter()
    for diagnostic in document["diagnostics"]:
        kind = CHECK_KINDS.get(diagnostic["code"])
        if kind is not None:
            parts = diagnostic["file"].split("/")
            record = parts[1] if parts[0] == "releases" else parts[1].removesuffix(".yaml")
            found[record, kind] += 1
    return found


def incident_list_items(root: Path, day: str) -> Counter[tuple[str, str]]:
    document = eta_json(root, "incident", "list", "--now", f"{day}T00:00")
    assert isinstance(document, dict)
    return Counter((incident["id"], CHECK_KINDS[finding["code"]])
                   for incident in document["incidents"] for finding in incident["findings"]
                   if finding["code"] in CHECK_KINDS)


def plan_status_items(root: Path, day: str) -> Counter[Item]:
    found: Counter[Item] = Counter()
    for release in release_ids(root):
        document = eta_json(root, "plan", "status", release, "--today", day)
        assert isinstance(document, dict)
        found.update((release, item["kind"], item["due"]) for item in document["overdue"])
    return found


def table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The rows of the table under `heading`, cell by cell."""
    section = markdown.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def report(root: Path, *args: str) -> str:
    outcome = run_eta("report", *args, "--root", str(root))
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def overview_items(root: Path, day: str) -> Counter[Item]:
    rows = table_rows(report(root, "overview", "--today", day), "Achterstallig")
    return Counter((record.replace("\\", ""), KIND_OF_LABEL[kind], due)
                   for record, kind, _party, _what, due in rows)


def progress_items(root: Path, day: str) -> Counter[Item]:
    found: Counter[Item] = Counter()
    for release in release_ids(root):
        text = report(root, "progress", release, "--today", day)
        if "## Achterstallig per" not in text:
            continue  # a release without a plan
        rows = table_rows(text, "Achterstallig per")
        found.update((release, KIND_OF_LABEL[kind], due) for kind, _party, _what, due in rows)
    return found


def assert_every_view_agrees(root: Path, day: str) -> int:
    """Every view lists exactly the agenda's overdue items on `day`; how many there are."""
    agenda = agenda_overdue(root, day)
    by_record = Counter((str(i["record"]), str(i["kind"])) for i in agenda)
    releases = [i for i in agenda if str(i["id"]).startswith("release/")]
    incidents = Counter((str(i["record"]), str(i["kind"])) for i in agenda
                        if str(i["id"]).startswith("incident/"))
    day_of = {str(i["id"]): str(i["due"])[:10] for i in agenda}

    assert check_items(root, day) == by_record
    assert incident_list_items(root, day) == incidents
    assert plan_status_items(root, day) == Counter(
        (str(i["record"]), str(i["kind"]), day_of[str(i["id"])]) for i in releases)
    assert progress_items(root, day) == Counter(
        (str(i["record"]), str(i["kind"]), _dutch(day_of[str(i["id"])])) for i in releases
        if (root / "releases" / str(i["record"]) / "plan.yaml").is_file())
    assert overview_items(root, day) == Counter(
        (str(i["record"]), str(i["kind"]), _dutch(day_of[str(i["id"])])) for i in agenda)
    return len(agenda)


def _dutch(iso_day: str) -> str:
    import datetime as dt

    return dutch_date(dt.date.fromisoformat(iso_day))


@pytest.mark.parametrize("day", [EXAMPLES_DATE, "2027-02-01", "2027-06-30"])
def test_every_view_of_the_example_records_agrees_on_what_is_overdue(repo: Path, day: str
                                                                      ) -> None:
    assert assert_every_view_agrees(repo, day) > 0


def test_the_overview_lists_the_classification_the_agenda_finds_overdue(repo: Path) -> None:
    rows = table_rows(report(repo, "overview", "--today", EXAMPLES_DATE), "Achterstallig")
    assert rows == [["2026-11-16-q738dq", "classificatie", "-",
                     "Het incident (opnieuw) classificeren", "16 november 2026"]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated") / "records"
    subprocess.run([sys.executable, str(PROJECT / "bench" / "generate.py"), str(target),
                    "--parties", "5", "--releases", "4", "--incidents", "30", "--commits", "8",
                    "--broken-percent", "0", "--seed", "3"], check=True, capture_output=True)
    return target


@pytest.mark.parametrize("day", ["2024-03-01", "2027-03-05", "2027-04-10", "2027-08-01"])
def test_every_view_of_a_generated_repository_agrees_on_what_is_overdue(generated: Path,
                                                                       day: str) -> None:
    count = assert_every_view_agrees(generated, day)
    assert count > 0 or day == "2024-03-01"


def test_the_kinds_of_check_codes_are_the_kinds_of_items() -> None:
    assert set(CHECK_KINDS.values()) == set(DUE_KIND)
    assert all(re.fullmatch(r"[a-z-]+", kind) for kind in DUE_KIND)
