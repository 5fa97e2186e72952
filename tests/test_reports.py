"""Reports: the golden files, escaping of record text, the sandbox, template lookup.

The golden files in tests/golden/ are every report of the example records, rendered by
`eta report all` from a git repository of them with a fixed history (report_helpers.HISTORY)
and judged as on GOLDEN_TODAY. When the example records or the templates change on purpose,
regenerate them and review the diff:

    ETA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_reports.py -k golden
"""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
from pathlib import Path

import pytest

from conftest import run_eta
from eta.classify import Verdict
from eta.plans.state import PARTY_DELIVERABLES, SignatureState
from eta.reports import Kind, Options, render_all
from eta.reports import labels as labels_module
from eta.reports.templating import (
    TemplateProblem,
    code_span,
    dutch_date,
    dutch_moment,
    dutch_number,
    environment,
    escape_markdown,
    escape_mermaid,
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
])
def test_every_value_has_a_dutch_word(enum: type[StrEnum], words: dict[StrEnum, str]) -> None:
    assert set(words) == set(enum)


def test_every_deliverable_and_fact_has_a_dutch_word() -> None:
    from eta.models.incident import Facts

    assert set(labels_module.DELIVERABLE) == set(PARTY_DELIVERABLES)
    assert set(labels_module.FACT) == set(Facts.model_fields) - {"expected_end"}


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
])
def test_a_template_that_misbehaves_fails_with_its_file_and_line(
    tmp_path: Path, source: str, message: str
) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _render_text(tmp_path, source, items=[1, 2])
    assert str(caught.value) == message


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
        assert f"`{entry.name}`" in readme, entry.name
