"""The audit trail of a report is the same whether the history of every record was read
once for many reports (`eta report all`) or for this report alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import commit, git
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


@pytest.mark.parametrize("wanted", WANTED, ids=" ".join)
def test_a_trail_read_for_many_reports_is_the_trail_read_alone(
    repository: Path, wanted: list[str]
) -> None:
    with Provenance.open(repository, None) as alone:
        expected = alone.trail(wanted)
    with Provenance.open(repository, None) as shared:
        with shared.preloading():
            pass
        assert shared.trail(wanted) == shared.trail(wanted) == expected
    assert [c["subject"] for c in expected["commits"]] == TRAILS[" ".join(wanted)]
    if wanted == ["releases/R2"]:
        assert [c["files"] for c in expected["commits"]] == [
            ["releases/R2", "releases/R2/release.yaml"], ["releases/R2"]]
