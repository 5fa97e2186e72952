"""Reports: the golden files, escaping of record text, the sandbox, template lookup.

The golden files in tests/golden/ are every report of the example records, rendered by
`eta report all` from a git repository of them with a fixed history (report_helpers.HISTORY)
and judged as on GOLDEN_TODAY. When the example records or the templates change on purpose,
regenerate them and review the diff:

    ETA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_reports.py -k golden
"""

from __future__ import annotations

import datetime as dt
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Any

import jinja2
import pytest

from client_helpers import gantt
from conftest import PROJECT, run_eta
from eta.escaping import (
    MERMAID_GANTT_KEYWORDS,
    code_span,
    escape_markdown,
    escape_mermaid,
    markdown_link,
)
from eta.incidents.classify import DeelnemersBasis, Since, classify_by
from eta.models.incident import Incident
from eta.plans.state import PARTY_DELIVERABLES, SignatureState
from eta.records.agreements import load_agreements
from eta.reports import Kind, Options, render_all, render_one, templating
from eta.reports import labels as labels_module
from eta.reports.grounds import dutch_duration, dutch_grounds
from eta.reports.templating import (
    TemplateProblem,
    dutch_date,
    dutch_moment,
    dutch_number,
    environment,
    render,
)
from eta.vocabulary import (
    ImpactLevel,
    IncidentClass,
    IncidentStatus,
    IncidentType,
    MeasureStatus,
    ReleaseStatus,
    Role,
    Verdict,
)
from report_helpers import GOLDEN, GOLDEN_TODAY, example_history, table_shapes

# -- Golden files -------------------------------------------------------------------------


def test_every_report_of_the_example_records_equals_its_golden_file(tmp_path: Path) -> None:
    root = tmp_path / "records"
    example_history(root)
    out = tmp_path / "out"
    outcome = run_eta("report", "all", "--output-dir", str(out), "--today", GOLDEN_TODAY,
                      cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    rendered = {path.name: path.read_text() for path in sorted(out.iterdir())}
    if os.environ.get("ETA_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob("*.md"):
            old.unlink()
        for name, text in rendered.items():
            (GOLDEN / name).write_text(text)
    golden = {path.name: path.read_text() for path in sorted(GOLDEN.glob("*.md"))}
    assert sorted(rendered) == sorted(golden)
    for name, text in rendered.items():
        assert text == golden[name], f"{name} differs from tests/golden/{name}"
    assert outcome.stdout == f"wrote {len(rendered)} reports to {out}\n"


def test_the_golden_files_cover_every_kind_of_report() -> None:
    names = {path.name for path in GOLDEN.glob("*.md")}
    for kind in Kind:
        assert any(name.startswith(f"{kind}") for name in names), kind


# -- Escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Gewone tekst, met komma's.", "Gewone tekst, met komma's."),
    ("a|b", "a\\|b"),
    ("a\\|b", "a\\\\\\|b"),
    ("regel een\nregel twee\r\nregel drie", "regel een<br>regel twee<br>regel drie"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("AT&T &lt;", "AT&amp;T &amp;lt;"),
    ("*vet* _schuin_ `code` [link](x) ~~weg~~ #kop",
     "\\*vet\\* \\_schuin\\_ \\`code\\` \\[link\\](x) \\~\\~weg\\~\\~ \\#kop"),
    ("- geen lijst", "\\- geen lijst"),
    ("1. geen lijst", "1\\. geen lijst"),
    ("versie 1.14", "versie 1.14"),
    ("+31 70 000 0100", "+31 70 000 0100"),
    ("eerste\n> geen citaat", "eerste<br>&gt; geen citaat"),
    (None, ""),
    (14, "14"),
])
def test_markdown_escaping(text: object, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_escaped_text_is_not_escaped_twice() -> None:
    assert escape_markdown(escape_markdown("a|b")) == "a\\|b"


def test_what_the_escaping_filters_make_holds_no_control_left_to_escape_when_printed(
) -> None:
    """A template prints Markdown that a filter made without scanning it again for controls
    (`templating._printed`): no character may come through a filter unescaped."""
    from eta.escaping import for_text_block

    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"a{chr(code)}b\n{chr(code)}"
        for made in (escape_markdown(text), code_span(text), escape_mermaid(text),
                     markdown_link(f"https://x.example.nl/{chr(code)}")):
            assert for_text_block(made) == made, (hex(code), made)


def test_text_python_calls_printable_is_printed_unscanned_only_as_escaping_leaves_it() -> None:
    """A template prints printable text without scanning it for controls
    (`templating._printed`): none of the characters `for_text_block` escapes is printable."""
    import sys

    from eta.escaping import for_text_block

    for code in range(sys.maxunicode + 1):
        text = f"a{chr(code)}b"
        if text.isprintable():
            assert for_text_block(text) == text, hex(code)
    assert "Overzicht — \u2018één\u2019 café, 16 november 2026 09:12".isprintable()


def test_plain_text_passes_escaping_unscanned_only_when_escaping_would_not_change_it() -> None:
    from eta.escaping import _escaped_markdown

    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:  # surrogates are no text
            continue
        character = chr(code)
        for text in (f"a{character}b", f"{character}- x", f"{character}"):
            assert escape_markdown(text) == _escaped_markdown(text), repr(text)


IMPACT_DOCUMENT = "https://beheer.example.nl/docs/Impact_analyse.pdf?versie=2&taal=nl#p_3"


def rendered_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    html: str = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return html


def test_a_web_address_is_a_link_to_that_address() -> None:
    assert markdown_link(IMPACT_DOCUMENT) == f"<{IMPACT_DOCUMENT}>"
    html = rendered_html(f"| a |\n|---|\n| {markdown_link(IMPACT_DOCUMENT + '|x')} |\n")
    assert ('<td><a href="https://beheer.example.nl/docs/Impact_analyse.pdf?versie=2&amp;'
            'taal=nl#p_3%7Cx">') in html


@pytest.mark.parametrize("text", [
    "javascript:alert(1)", "zie https://x.example.nl", "https://x.example.nl/a b",
    "https://x.example.nl/<script>", "https://x.example.nl/\u202eevil", "D-2026-014 (intranet)",
])
def test_what_is_no_web_address_stays_text(text: str) -> None:
    assert markdown_link(text) == escape_markdown(text)
    assert "<a " not in rendered_html(markdown_link(text))


def test_a_document_address_in_a_record_is_a_working_link_in_the_plan(repo: Path) -> None:
    party = repo / "releases/R2026-01/parties/logius.yaml"
    party.write_text(party.read_text().replace(
        "https://beheer.example.nl/releases/as-1.14/impactanalyse-bo.pdf", IMPACT_DOCUMENT))
    outcome = run_eta("report", "plan", "R2026-01", "--today", GOLDEN_TODAY, cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert f"  - Volledige analyse: <{IMPACT_DOCUMENT}>\n" in outcome.stdout
    assert (f'href="{IMPACT_DOCUMENT.replace("&", "&amp;")}"'
            in rendered_html(outcome.stdout))


def mermaid_block(report: str) -> str:
    start = report.index("```mermaid\n") + len("```mermaid\n")
    return report[start:report.index("```", start)]


#: Task names that start with every keyword of Mermaid's Gantt lexer, in three cases, and
#: with a date.
STATEMENT_NAMES = [
    *(f"{word} weekends 2026-01-01" for word in MERMAID_GANTT_KEYWORDS),
    *(f"{word.upper()} x" for word in MERMAID_GANTT_KEYWORDS),
    *(f"{word.capitalize()}" for word in MERMAID_GANTT_KEYWORDS),
    "weekday monday", "weekend friday", "2026-01-01 live", "Section\tx", "  click  x",
]


@pytest.mark.parametrize("name", STATEMENT_NAMES)
def test_a_name_that_starts_with_a_mermaid_keyword_is_quoted(name: str) -> None:
    assert escape_mermaid(name).startswith("\u201c")


def test_a_name_that_only_resembles_a_keyword_stays_as_it_is() -> None:
    assert escape_mermaid("Titelpagina") == "Titelpagina"
    assert escape_mermaid("Sectionering") == "Sectionering"


def test_mermaid_reads_every_task_name_of_the_plan_as_a_task(repo: Path) -> None:
    plan = repo / "releases/R2026-01/plan.yaml"
    milestones = "".join(
        f"  - id: m{number}\n    date: 2026-06-01\n    title: {json.dumps(name)}\n"
        for number, name in enumerate(STATEMENT_NAMES))
    text = plan.read_text()
    plan.write_text(text.replace("milestones:\n", f"milestones:\n{milestones}", 1))
    outcome = run_eta("report", "plan", "R2026-01", "--today", "2026-12-01", cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    chart = gantt(mermaid_block(outcome.stdout))
    assert (chart["type"], chart["title"], chart["dateFormat"]) == (
        "gantt", "Planning R2026-01", "YYYY-MM-DD")
    assert (chart["excludes"], chart["includes"], chart["todayMarker"]) == ([], [], "off")
    assert chart["sections"] == [
        "Logius, Beheerorganisatie eHerkenning", "Poortwachter Identiteit B.V.",
        "Sleutelbrug Toegang B.V.", "Volmachtregister Nederland B.V.",
        "Mijlpalen", "Deadlines"]
    on_the_day = [task for task in chart["tasks"]
                  if task["section"] == "Mijlpalen" and task["start"] == "2026-06-01"]
    # The example's own milestone of that day, and every one added, each as a milestone.
    assert sorted(task["name"].strip() for task in on_the_day) == sorted(
        ["Specificatie netwerkmetadata 1.14 vastgesteld",
         *(str(escape_mermaid(name)) for name in STATEMENT_NAMES)])
    assert all(task["milestone"] for task in on_the_day)


def test_the_chart_marks_the_report_s_peildatum(repo: Path) -> None:
    outcome = run_eta("report", "plan", "R2026-01", "--today", "2026-12-01", cwd=repo)
    chart = gantt(mermaid_block(outcome.stdout))
    assert chart["todayMarker"] == "off"
    marks = [task for task in chart["tasks"] if task["vert"]]
    assert [(task["name"].strip(), task["start"]) for task in marks] == [
        ("Peildatum", "2026-12-01")]


def test_code_spans_and_mermaid_names() -> None:
    assert code_span("SHA256:ab+/c") == "`SHA256:ab+/c`"
    assert code_span("a`b|c\nd") == "`a'b\\|c d`"
    assert escape_mermaid("Stap 1: bouw; test #2\n```") == "Stap 1 bouw test 2"
    assert escape_mermaid("") == "-"


def test_dutch_dates_and_numbers() -> None:
    day = dt.date(2026, 4, 2)
    assert dutch_date(day) == "2 april 2026"
    assert dutch_date(day, "kort") == "2026-04-02"
    assert dutch_date(day, "dag") == "donderdag 2 april 2026"
    assert dutch_date(None) == "-"
    moment = dt.datetime(2026, 11, 16, 9, 5, tzinfo=dt.UTC)
    assert dutch_moment(moment) == "16 november 2026 09:05"
    assert dutch_number(8.0) == "8"
    assert dutch_number(8.5) == "8,5"
    with pytest.raises(ValueError, match="unknown style 'lang2'"):
        dutch_date(day, "lang2")


@pytest.mark.parametrize(("enum", "words"), [
    (ReleaseStatus, labels_module.RELEASE_STATUS),
    (MeasureStatus, labels_module.MEASURE_STATUS),
    (ImpactLevel, labels_module.IMPACT_LEVEL),
    (SignatureState, labels_module.SIGNATURE_STATE),
    (Role, labels_module.ROLE),
    (IncidentType, labels_module.INCIDENT_TYPE),
    (IncidentStatus, labels_module.INCIDENT_STATUS),
    (IncidentClass, labels_module.INCIDENT_CLASS),
    (Verdict, labels_module.VERDICT),
    (Since, labels_module.DISRUPTION_SINCE),
])
def test_every_value_has_a_dutch_word(enum: type[StrEnum], words: dict[StrEnum, str]) -> None:
    assert set(words) == set(enum)


def test_every_deliverable_and_fact_has_a_dutch_word() -> None:
    from eta.models.incident import Facts

    assert set(labels_module.DELIVERABLE) == set(PARTY_DELIVERABLES)
    assert set(labels_module.FACT) == set(Facts.model_fields) - {"expected_end"}


# -- The grounds of a criterion in Dutch -------------------------------------------------

EXAMPLE_AGREEMENTS = load_agreements(PROJECT)
#: A Monday morning in winter, inside the availability window (06:00 to midnight).
MONDAY = dt.datetime.fromisoformat("2026-03-02T10:00:00+01:00")
HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)


def dutch_grounds_of(criterion: str, *, facts: dict[str, object] | None = None,
                     affected: tuple[str, ...] = (), priority: str = "P1",
                     started: dt.datetime | None = None,
                     disruption: dt.timedelta | None = None) -> tuple[Verdict, str]:
    """The verdict on `criterion` for an incident reported by sleutelbrug, detected on
    MONDAY, by the example agreements, and its grounds as the incident report gives them."""
    known: dict[str, object] = dict(facts or {})
    if disruption is not None:
        known["expected_end"] = (started or MONDAY) + disruption
    subject = Incident.model_validate({
        "id": "2026-03-02-test01", "title": "Test", "type": "verstoring",
        "reporter": "sleutelbrug", "affected": list(affected), "priority": priority,
        "times": {"detected": MONDAY, **({"started": started} if started else {})},
        "facts": known,
    })
    outcome = classify_by(EXAMPLE_AGREEMENTS, subject)
    assessment = next(a for a in outcome.assessments if a.criterion.id == criterion)
    return assessment.verdict, dutch_grounds(assessment.basis)


@pytest.mark.parametrize(("value", "verdict", "expected"), [
    (True, Verdict.MET, "Impact op vertrouwelijkheid en integriteit: ja"),
    (False, Verdict.NOT_MET, "Impact op vertrouwelijkheid en integriteit: nee"),
    (None, Verdict.UNKNOWN, "Impact op vertrouwelijkheid en integriteit: onbekend"),
])
def test_dutch_grounds_of_a_flag(value: bool | None, verdict: Verdict, expected: str) -> None:
    assert dutch_grounds_of("C4", facts={"confidentiality_integrity_impact": value}) == (
        verdict, expected)


@pytest.mark.parametrize(("affected", "verdict", "expected"), [
    (("kenniskaart",), Verdict.MET,
     "2 deelnemers betrokken (sleutelbrug, kenniskaart); het criterium vraagt er ten minste 2"),
    (("logius",), Verdict.NOT_MET,
     "1 deelnemer betrokken (sleutelbrug); het criterium vraagt er ten minste 2"),
    (("volmacht", "grensweg"), Verdict.MET,
     "3 deelnemers betrokken (sleutelbrug, volmacht, grensweg); het criterium vraagt er ten "
     "minste 2"),
])
def test_dutch_grounds_of_min_deelnemers(affected: tuple[str, ...], verdict: Verdict,
                                          expected: str) -> None:
    assert dutch_grounds_of("C2", affected=affected) == (verdict, expected)


def test_dutch_grounds_when_no_deelnemer_is_involved() -> None:
    assert dutch_grounds(DeelnemersBasis((), 2.5)) == (
        "geen deelnemers betrokken; het criterium vraagt er ten minste 2,5")


@pytest.mark.parametrize(("changes", "verdict", "expected"), [
    # Exactly the response time does not exceed it; one second more does.
    ({"disruption": 4 * HOUR}, Verdict.NOT_MET,
     "verwachte verstoring van 4 uur binnen het beschikbaarheidsvenster (vanaf de ontdekking "
     "op 2 maart 2026 10:00 tot 2 maart 2026 14:00) overschrijdt de responstijd van 4 uur "
     "voor P1 niet"),
    ({"disruption": 4 * HOUR + SECOND}, Verdict.MET,
     "verwachte verstoring van 4 uur en 1 seconde binnen het beschikbaarheidsvenster (vanaf "
     "de ontdekking op 2 maart 2026 10:00 tot 2 maart 2026 14:00) overschrijdt de responstijd "
     "van 4 uur voor P1"),
    ({"priority": "P2", "disruption": 6 * HOUR}, Verdict.NOT_MET,
     "verwachte verstoring van 6 uur binnen het beschikbaarheidsvenster (vanaf de ontdekking "
     "op 2 maart 2026 10:00 tot 2 maart 2026 16:00) overschrijdt de responstijd van 8 uur "
     "voor P2 niet"),
    # Saturday 18:00 to Sunday 08:00: 14 hours, of which 4 hours and a minute in the window.
    ({"started": dt.datetime.fromisoformat("2026-03-07T18:00:00+01:00"),
      "disruption": 14 * HOUR + 61 * SECOND}, Verdict.MET,
     "verwachte verstoring van 4 uur, 1 minuut en 1 seconde binnen het "
     "beschikbaarheidsvenster (vanaf het begin van de verstoring op 7 maart 2026 18:00 tot "
     "8 maart 2026 08:01) overschrijdt de responstijd van 4 uur voor P1"),
    ({}, Verdict.UNKNOWN, "Verwacht einde van de verstoring: onbekend"),
])
def test_dutch_grounds_of_a_disruption_against_the_response_time(
    changes: dict[str, Any], verdict: Verdict, expected: str
) -> None:
    assert dutch_grounds_of("C1", **changes) == (verdict, expected)


@pytest.mark.parametrize(("changes", "verdict", "expected"), [
    # Exactly 48 hours is not longer than 48 hours; a minute more is.
    ({"disruption": 48 * HOUR}, Verdict.NOT_MET,
     "verwachte verstoring van 48 uur (vanaf de ontdekking op 2 maart 2026 10:00 tot "
     "4 maart 2026 10:00) duurt niet langer dan 48 uur"),
    ({"disruption": 48 * HOUR + 60 * SECOND}, Verdict.MET,
     "verwachte verstoring van 48 uur en 1 minuut (vanaf de ontdekking op 2 maart 2026 10:00 "
     "tot 4 maart 2026 10:01) duurt langer dan 48 uur"),
    ({"started": MONDAY - 2 * HOUR, "disruption": 70 * HOUR + 30 * 60 * SECOND}, Verdict.MET,
     "verwachte verstoring van 70 uur en 30 minuten (vanaf het begin van de verstoring op "
     "2 maart 2026 08:00 tot 5 maart 2026 06:30) duurt langer dan 48 uur"),
    ({}, Verdict.UNKNOWN, "Verwacht einde van de verstoring: onbekend"),
])
def test_dutch_grounds_of_a_disruption_in_hours(
    changes: dict[str, Any], verdict: Verdict, expected: str
) -> None:
    assert dutch_grounds_of("K2", **changes) == (verdict, expected)


@pytest.mark.parametrize(("span", "expected"), [
    (dt.timedelta(0), "0 uur"),
    (HOUR, "1 uur"),
    (5 * HOUR + 15 * 60 * SECOND, "5 uur en 15 minuten"),
    (60 * SECOND, "0 uur en 1 minuut"),
    (4 * HOUR + SECOND, "4 uur en 1 seconde"),
    (40 * HOUR + 38 * 60 * SECOND + 5 * SECOND, "40 uur, 38 minuten en 5 seconden"),
])
def test_dutch_durations(span: dt.timedelta, expected: str) -> None:
    assert dutch_duration(span) == expected


def _classification_section(report: str) -> str:
    return report.split("## 2. Classificatie\n\n", 1)[1].split("\n### Toetsing", 1)[0]


def test_a_classification_shows_its_dutch_grounds_only_where_they_still_hold(
    tmp_path: Path
) -> None:
    """Once a deelnemer is added to the incident, the C2 grounds recorded with the
    classification can no longer be told from the records: the report shows the facts the
    classification was made on instead, and never the recorded English text."""
    root = tmp_path / "records"
    example_history(root)
    record = root / "incidents/2026-11-16-q738dq.yaml"
    _poison(record, "affected:\n  - poortwachter\n", "affected:\n  - poortwachter\n  - volmacht\n")
    report = render_one(root, Kind.INCIDENT, "2026-11-16-q738dq",
                        Options(today=dt.date(2026, 12, 1))).output
    assert _classification_section(report) == (
        "Het incident is op 16 november 2026 12:05 door Sanne Verbeek "
        "&lt;s.verbeek@beheer.example.nl&gt; geclassificeerd als **calamiteit**.\n"
        "\n"
        "De criteria waaraan het incident voldoet:\n"
        "\n"
        "| Criterium | Klasse | Tekst van het afsprakenstelsel | Onderbouwing |\n"
        "|---|---|---|---|\n"
        "| `C2` | calamiteit | Betrokkenheid van tenminste twee deelnemers. | zie de feiten bij "
        "de classificatie hieronder |\n"
        "| `C4` | calamiteit | Impact op vertrouwelijkheid en integriteit. | Impact op "
        "vertrouwelijkheid en integriteit: ja |\n"
        "\n"
        "Niet elke onderbouwing van deze classificatie is nog uit de records af te leiden: de "
        "betrokken partijen, de tijden, de prioriteit of de afspraken zijn sindsdien gewijzigd, "
        "of de onderbouwing is niet vastgelegd. De feiten zoals ze bij de classificatie waren "
        "vastgelegd:\n"
        "\n"
        "| Feit | Vastgesteld |\n"
        "|---|---|\n"
        "| Verwacht (of werkelijk) einde van de verstoring | 16 november 2026 09:12 |\n"
        "| Directe en ernstige hinder | nee |\n"
        "| Impact op vertrouwelijkheid en integriteit | ja |\n"
        "| Meldplichtig datalek | nee |\n"
        "| Grote impact op imago en vertrouwen | onbekend |\n"
        "| Politieke besluitvorming of implicaties | nee |\n"
        "| Fundamentele juridische of technische kwetsbaarheid | nee |\n"
        "\n"
        "Nog niet te beoordelen bij deze classificatie: `K1` (De calamiteit heeft een grote "
        "impact op de uitstraling/imago van eHerkenning en het vertrouwen van bedrijven en "
        "overheidsdienstverleners in het stelsel.).\n")
    assert "involved" not in report
    # The assessment on the facts as they are now tells the new grounds in Dutch.
    assert ("| voldaan | 3 deelnemers betrokken (kenniskaart, poortwachter, volmacht); het "
            "criterium vraagt er ten minste 2 |") in report


def test_a_classification_on_other_facts_is_told_from_the_facts_it_was_made_on(
    tmp_path: Path
) -> None:
    """The grounds of a stored classification come from the facts stored with it, not from
    the facts as they are now."""
    root = tmp_path / "records"
    example_history(root)
    record = root / "incidents/2026-11-16-q738dq.yaml"
    _poison(record, "facts:\n  expected_end: 2026-11-16T09:12:00+01:00\n"
            "  direct_serious_hindrance: false\n  confidentiality_integrity_impact: true\n",
            "facts:\n  expected_end: 2026-11-16T09:12:00+01:00\n"
            "  direct_serious_hindrance: false\n  confidentiality_integrity_impact: false\n")
    report = render_one(root, Kind.INCIDENT, "2026-11-16-q738dq",
                        Options(today=dt.date(2026, 12, 1))).output
    section = _classification_section(report)
    assert ("| `C4` | calamiteit | Impact op vertrouwelijkheid en integriteit. | Impact op "
            "vertrouwelijkheid en integriteit: ja |\n") in section
    assert "Niet elke onderbouwing" not in section
    assert ("| `C4` | calamiteit | Impact op vertrouwelijkheid en integriteit. | niet voldaan | "
            "Impact op vertrouwelijkheid en integriteit: nee |\n") in report


HOSTILE = "Zwart|wit\n<script>alert('x')</script> **vet** [klik](javascript:x)"


def _poison(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def test_record_text_breaks_no_table_and_injects_no_markup(tmp_path: Path) -> None:
    root = tmp_path / "records"
    example_history(root)
    hostile = HOSTILE.replace("\n", "\\n").replace('"', '\\"')
    quoted = f'"{hostile}"'
    _poison(root / "releases/R2026-01/release.yaml",
            "title: 'Afsprakenstelsel 1.14: ondertekende netwerkmetadata'", f"title: {quoted}")
    _poison(root / "releases/R2026-01/parties/volmacht.yaml",
            "description: Ondertekende netwerkmetadata inlezen en de handtekening controleren",
            f"description: {quoted}")
    _poison(root / "releases/R2026-01/parties/volmacht.yaml",
            "name: Ilse Kramer", f"name: {quoted}")
    _poison(root / "releases/R2026-01/plan.yaml",
            "title: Ketentest met alle deelnemers afgerond", f"title: {quoted}")
    _poison(root / "afspraken/parties/volmacht.yaml",
            "name: Volmachtregister Nederland B.V.", f"name: {quoted}")
    _poison(root / "incidents/2026-11-16-q738dq.yaml",
            "title: Phishingcampagne met nagemaakte inlogpagina van KennisKaart",
            f"title: {quoted}")
    _poison(root / "incidents/2026-11-16-q738dq.yaml",
            "by: Lotte Visser <l.visser@kenniskaart.example.nl>", f"by: {quoted}")
    reports = render_all(root, Options(today=dt.date(2026, 12, 1)))
    assert len(reports) > 10
    for report in reports:
        assert "<script" not in report.text, report.name
        assert "[klik](" not in report.text, report.name
        for shape in table_shapes(report.text):
            assert len(set(shape)) == 1, (report.name, shape)
    plan = next(r.text for r in reports if r.name == "plan-R2026-01.md")
    escaped = ("Zwart\\|wit<br>&lt;script&gt;alert('x')&lt;/script&gt; \\*\\*vet\\*\\* "
               "\\[klik\\](javascript:x)")
    assert f"# Implementatieplan R2026-01: {escaped}\n" in plan
    assert f"| {escaped} | Machtigingenregister | Ilse Kramer |" not in plan
    assert f"| {escaped} | Machtigingenregister | {escaped} | laag |" in plan
    assert "    Zwart wit script alert('x') /script **vet** klik (javascript x) :milestone" in plan


# -- The sandbox and template lookup ------------------------------------------------------


@pytest.mark.parametrize(("layout", "own"), [
    ({}, False),
    ({"templates/README.md": "Eigen sjablonen"}, False),
    ({"templates/incident.md.j2": "# {{ incident.id }}\n"}, True),
    ({"templates/_stand.md.j2": "x"}, True),
    ({"templates/incident.md.j2/": ""}, True),
    ({"templates@": "elders"}, True),
    ({"templates/incident.md.j2@": "../elders/incident.md.j2"}, True),
    ({"templates": "geen map"}, True),
])
def test_the_sandbox_is_used_wherever_the_repository_may_hold_a_template(
    tmp_path: Path, layout: dict[str, str], own: bool
) -> None:
    """eta's own templates are its code and render in a plain environment; a repository
    that holds anything that could be a template of its own renders in the sandbox."""
    root = tmp_path / "records"
    root.mkdir()
    (tmp_path / "elders").mkdir()
    for name, content in layout.items():
        if name.endswith("@"):
            (root / name[:-1]).parent.mkdir(parents=True, exist_ok=True)
            (root / name[:-1]).symlink_to(tmp_path / "elders" / Path(content).name)
        elif name.endswith("/"):
            (root / name).mkdir(parents=True)
        else:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
    assert templating.has_own_templates(root) is own
    env = environment(root)
    assert isinstance(env, templating.ReportEnvironment) is own


def test_eta_s_own_templates_read_no_template_the_repository_gains_later(
    tmp_path: Path
) -> None:
    env = environment(tmp_path)
    assert not isinstance(env, templating.ReportEnvironment)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_stand.md.j2").write_text("{{ ''.__class__.__mro__ }}")
    assert env.get_template("_stand.md.j2").filename == "eta:templates/_stand.md.j2"


def test_eta_s_own_templates_are_compiled_once_and_their_code_kept_beside_them(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    first = environment(None)
    assert isinstance(first.bytecode_cache, templating.PackagedCode)
    first.get_template("incident.md.j2")

    def compiled(*args: object, **kwargs: object) -> object:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compiled)
    assert environment(None).get_template("incident.md.j2").name == "incident.md.j2"


class _Counting(jinja2.Environment):
    """Counts the templates it compiles."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        self.compiled += 1
        return super().compile(*args, **kwargs)


def _kept(sources: dict[str, str], folder: Path, build: str) -> tuple[str, int]:
    env = _Counting(loader=jinja2.DictLoader(sources),
                    bytecode_cache=templating.PackagedCode(folder, build))
    return env.get_template("x.md.j2").render(), env.compiled


def test_kept_template_code_is_taken_only_for_the_same_text_and_build(tmp_path: Path) -> None:
    sources = {"x.md.j2": "{{ 1 + 1 }}"}
    assert _kept(sources, tmp_path, "one build") == ("2", 1)
    assert _kept(sources, tmp_path, "one build") == ("2", 0)
    assert _kept(sources, tmp_path, "another build") == ("2", 1)
    sources["x.md.j2"] = "{{ 2 + 2 }}"
    assert _kept(sources, tmp_path, "another build") == ("4", 1)


def test_template_code_damaged_on_disk_is_compiled_again_and_replaced(tmp_path: Path) -> None:
    sources = {"x.md.j2": "{{ 5 }}"}
    assert _kept(sources, tmp_path, "b") == ("5", 1)
    [kept] = tmp_path.iterdir()
    whole = kept.read_bytes()
    for damaged in (whole[:40], whole[:-10], b"\0" * len(whole)):
        kept.write_bytes(damaged)
        assert _kept(sources, tmp_path, "b") == ("5", 1)
        assert kept.read_bytes() == whole
    assert _kept(sources, tmp_path, "b") == ("5", 0)


def test_template_code_that_cannot_be_kept_is_compiled_at_each_run(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    assert _kept({"x.md.j2": "{{ 3 }}"}, gone, "b") == ("3", 1)
    assert _kept({"x.md.j2": "{{ 3 }}"}, gone, "b") == ("3", 1)
    assert not gone.exists()


@pytest.mark.parametrize("own", [False, True])
def test_a_name_on_record_data_is_its_item_unless_a_dict_has_that_attribute(
    tmp_path: Path, own: bool
) -> None:
    import jinja2

    if own:
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "x.md.j2").write_text("x")
    env = environment(tmp_path)
    assert isinstance(env, templating.ReportEnvironment) is own
    data = {"name": "Logius", "items": 3, "keys": "k"}
    template = env.from_string("{{ d.name }} {{ d['items'] }} {{ d.items()|list|length }} "
                               "{{ d.keys is callable }} {{ d.get('name') }}")
    assert template.render(d=data) == "Logius 3 3 True Logius"
    with pytest.raises(jinja2.UndefinedError, match="'dict object' has no attribute 'gone'"):
        env.from_string("{{ d.gone }}").render(d=data)


def _render_text(tmp_path: Path, source: str, name: str = "x.md.j2", **data: object) -> str:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / name).write_text(source)
    return render(environment(tmp_path), name, dict(data))


@pytest.mark.parametrize(("source", "message"), [
    ("a\nb\n{{ ''.__class__.__mro__ }}\n",
     "templates/x.md.j2:3: not allowed in a template: access to attribute '__class__' of "
     "'str' object is unsafe."),
    ("{{ cycler.__init__.__globals__ }}",
     "templates/x.md.j2:1: not allowed in a template: access to attribute '__init__' of "
     "'type' object is unsafe."),
    ("{{ items.append(3) }}",
     "templates/x.md.j2:1: not allowed in a template: access to attribute 'append' of "
     "'list' object is unsafe."),
    ("\n{{ 'ab' * 10000000 }}",
     "templates/x.md.j2:2: not allowed in a template: `*` would build a value of more than "
     "1000000 items"),
    ("{{ 9 ** 99999 }}",
     "templates/x.md.j2:1: not allowed in a template: the power 99999 is larger than 1000"),
    ("{{ missing }}", "templates/x.md.j2:1: undefined: 'missing' is undefined"),
    ("{% if missing %}x{% endif %}", "templates/x.md.j2:1: undefined: 'missing' is undefined"),
    ("a\n{% for x in %}", "templates/x.md.j2:2: Expected an expression, got 'end of "
     "statement block'"),
    ("{{ items[0] / 0 }}", "templates/x.md.j2:1: ZeroDivisionError: division by zero"),
    ("{% include 'nowhere.md.j2' %}",
     "templates/x.md.j2:1: no template `nowhere.md.j2` in templates/ or among eta's own "
     "templates"),
    ("{% include '../afspraken/service-levels.yaml' %}",
     "templates/x.md.j2:1: no template `../afspraken/service-levels.yaml` in templates/ or "
     "among eta's own templates"),
    ("a\n{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
     "templates/x.md.j2:2: too much work: the loops ran more than 1,000,000 times; no report "
     "needs that many"),
    ('{% set ns = namespace(s="x") %}\n'
     "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
     "templates/x.md.j2:2: too much work: `~` would build a text of more than 4,000,000 "
     "characters"),
    ("{% macro d(s, n) %}{% if n %}{{ d(s + s, n-1) }}{% endif %}{% endmacro %}{{ d('x', 40) }}",
     "templates/x.md.j2:1: too much work: `+` would build a value of more than 4,000,000 "
     "characters or items"),
    ("{% macro d(s, n) %}{% if n %}{% set t %}{{ s }}{{ s }}{% endset %}{{ d(t, n-1) }}"
     "{% endif %}{% endmacro %}\n\n{{ d('x', 40) }}",
     "templates/x.md.j2:1: too much work: a value of more than 4,000,000 characters is "
     "printed"),
    ("{{ 'x'|center(2000000000) }}",
     "templates/x.md.j2:1: too much work: `center` was given 2000000000; a number an "
     "operation on text takes may be at most 100,000"),
    ("{{ 'x'.ljust(2000000000) }}",
     "templates/x.md.j2:1: too much work: `ljust` was given 2000000000; a number an "
     "operation on text takes may be at most 100,000"),
    ("{{ '%2000000000d'|format(1) }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ '%2000000000d' % 1 }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ '{:>2000000000}'.format(1) }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ '%(a)2000000000s'|format(a=1) }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ '%((a))2000000000s' % {'(a)': 1} }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    # The width comes from an argument, as text: only the field Python formats shows it.
    ("{{ '{0:{1}}'.format('x', '2000000000') }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ '{a:{b}}'.format_map({'a': 'x', 'b': '2000000000'}) }}",
     "templates/x.md.j2:1: too much work: a format field of a million characters or more"),
    ("{{ ('x' * 100000).replace('', 'y' * 100) }}",
     "templates/x.md.j2:1: too much work: `replace` would build a text of more than "
     "4,000,000 characters"),
    ("{{ (['x' * 100] * 10000)|join('y' * 1000) }}",
     "templates/x.md.j2:1: too much work: `join` would build a text of more than 4,000,000 "
     "characters"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
     "templates/x.md.j2:1: too much work: macros or loops call themselves too deeply"),
    ("{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}",
     "templates/x.md.j2:1: too much work: macros or loops call themselves too deeply"),
    ("\n{% for i in range(40) %}{{ 'y' * 1000000 }}{% endfor %}",
     "templates/x.md.j2:2: the report would be longer than 32,000,000 characters"),
    # Half of a surrogate pair: Python's text may hold one, a UTF-8 file cannot. A printed
    # value shows it escaped; the text a filter block makes is not printed.
    ("Eerst\n\n{% for i in items %}{{ i }}{% filter replace('x', '\\udc80') %}"
     "{{ 'x' if i == 2 }}{% endfilter %}{% endfor %}",
     "templates/x.md.j2:3: the report would hold U+DC80, half of a surrogate pair, which no "
     "text file can hold"),
    # Two copies of two copies of ...: small in memory, but Python compares or prints it in
    # one step that the time limit cannot interrupt.
    ('{% set ns = namespace(a=[1], b=[1]) %}\n{% for i in range(60) %}'
     "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}{{ ns.a == ns.b }}",
     "templates/x.md.j2:2: too much work: a list, tuple or dict of more than 4,000,000 "
     "characters or items in all is built"),
    ("{% set ns = namespace(a=[1]) %}{% for i in range(60) %}{% set ns.a = [ns.a] * 2 %}"
     "{% endfor %}{{ ns.a }}",
     "templates/x.md.j2:1: too much work: `*` built a value of more than 4,000,000 "
     "characters or items"),
    ("{% set ns = namespace(a={}) %}{% for i in range(60) %}"
     "{% set ns.a = dict(x=ns.a, y=ns.a) %}{% endfor %}",
     "templates/x.md.j2:1: too much work: `dict` built a value of more than 4,000,000 "
     "characters or items"),
    # Arithmetic on huge whole numbers is one uninterruptible step of minutes.
    ("{% set ns = namespace(x=3) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}"
     "{% endfor %}",
     "templates/x.md.j2:1: too much work: `*` would compute a number of more than 10,000 "
     "bits"),
    ("{{ ((9 ** 999) ** 999) ** 999 }}",
     "templates/x.md.j2:1: too much work: `**` would compute a number of more than 10,000 "
     "bits"),
])
def test_a_template_that_misbehaves_fails_with_its_file_and_line(
    tmp_path: Path, source: str, message: str
) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _render_text(tmp_path, source, items=[1, 2])
    assert str(caught.value) == message


def test_a_template_that_runs_too_long_is_stopped_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each call makes two more, and prints little: neither the loops nor the text limit it.
    monkeypatch.setattr(templating, "TIME_LIMIT", 0.5)
    source = ("{% macro d(n) %}{% if n %}{{ caller() }}{{ caller() }}{% endif %}{% endmacro %}"
              "\n{% macro e(n) %}{% call d(n) %}{{ e(n - 1) if n else 'x' }}{% endcall %}"
              "{% endmacro %}\n{{ e(40) }}")
    with pytest.raises(TemplateProblem, match=r"^templates/x\.md\.j2:[12]: too much work: the "
                       r"report took more than 0\.5 seconds of processor time to render$"):
        _render_text(tmp_path, source)


def test_half_of_a_surrogate_pair_a_template_prints_is_shown_escaped(tmp_path: Path) -> None:
    # The bytes of a file name that are no UTF-8 reach Python as U+DC80..U+DCFF.
    source = "{% set s = 'é\\ud800' %}\n{{ s|upper }} {{ 'a\\udc80b' }} {{ 'c\\udc80'|md }}"
    assert _render_text(tmp_path, source) == "É\\ud800 a\\x80b c\\x80\n"


def test_a_template_cannot_catch_its_own_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `len(loop)` runs the rest of the loop's items, 0.8 s of work, inside `is sequence`,
    # whose Jinja version catches every exception: the time limit's too, once.
    monkeypatch.setattr(templating, "TIME_LIMIT", 0.2)
    source = ("{% for i in range(99999)|map('string')|map('center', 99999)|map('length') %}"
              "{% if loop.first %}{{ loop is sequence }}{% endif %}{% endfor %}done")
    with pytest.raises(TemplateProblem, match=r"^templates/x\.md\.j2:1: too much work: the "
                       r"report took more than 0\.2 seconds of processor time to render$"):
        _render_text(tmp_path, source)


def test_a_template_that_needs_too_much_memory_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templating, "MEMORY_LIMIT", 64 << 20)
    source = ("{% set t %}{% for i in range(100) %}{{ 'y' * 1000000 }}{% endfor %}{% endset %}"
              "\n{{ t|length }}")
    with pytest.raises(TemplateProblem) as caught:
        _render_text(tmp_path, source)
    assert str(caught.value) == (
        "templates/x.md.j2:1: too much work: the report needs more than 64 MiB of memory")
    # The limit is lifted once the render ends.
    assert len("z" * (256 << 20)) == 256 << 20


def test_format_fields_of_ordinary_widths_still_format(tmp_path: Path) -> None:
    source = ("{{ '%(n)3d|%(m)-3s|' % {'n': 7, 'm': 'a'} }} {{ '%5s'|format('ab') }} "
              "{{ '{0:>{1}}'.format('x', 3) }} {{ '{a:*^5}'.format_map({'a': 'b'}) }} "
              "{{ '%%%d' % 1 }}")
    assert _render_text(tmp_path, source) == "  7|a  |    ab   x **b** %1\n"


def test_the_line_of_an_included_template_is_named(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_deel.md.j2").write_text("ok\n{{ x.__class__ }}\n")
    with pytest.raises(TemplateProblem, match=r"^templates/_deel\.md\.j2:2: "):
        _render_text(tmp_path, "{% include '_deel.md.j2' %}", x=1)


def test_a_template_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.md.j2").write_bytes(b"caf\xe9")
    with pytest.raises(TemplateProblem, match=r"^templates/x\.md\.j2: the template is not "
                       r"UTF-8 text \(byte 3\)$"):
        render(environment(tmp_path), "x.md.j2", {})


def test_output_is_tidied_to_single_blank_lines_and_one_final_newline(tmp_path: Path) -> None:
    assert _render_text(tmp_path, "\n\n# a\n\n\n\nb  \n\n\n") == "# a\n\nb  \n"


def test_eta_ships_a_template_for_every_report() -> None:
    from importlib import resources

    packaged = resources.files("eta") / "templates"
    for kind in Kind:
        assert (packaged / kind.template).is_file(), kind
    for partial in ("_stand.md.j2", "_audittrail.md.j2"):
        assert (packaged / partial).is_file()


def test_the_repository_holds_no_stale_copies_of_etas_templates() -> None:
    """templates/ overrides eta's own; this repository keeps only its README there, so the
    reports of the example records are always those of eta's templates."""
    from conftest import PROJECT

    assert sorted(p.name for p in (PROJECT / "templates").iterdir()) == ["README.md"]
    readme = (PROJECT / "templates" / "README.md").read_text()
    from importlib import resources

    for entry in (resources.files("eta") / "templates").iterdir():
        if entry.name.endswith(".j2"):  # beside them, only the code they were compiled to
            assert f"`{entry.name}`" in readme, entry.name
