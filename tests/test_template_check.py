"""`eta check` checks the report templates of the repository as it checks records: a
template that cannot be used is a located error before any report is made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES_DATE, PROJECT, run_eta

OWN_TEMPLATES = PROJECT / "src" / "eta" / "templates"


def findings(repo: Path, *paths: str) -> tuple[int, list[tuple[Any, ...]]]:
    """The findings of `eta check` in `paths`, the templates unless said otherwise: the
    records beside them hold their own warning (conftest.EXAMPLES_WARNING)."""
    outcome = run_eta("check", "--format", "json", "--today", EXAMPLES_DATE,
                      *(paths or ("templates",)), cwd=repo)
    found = [(d["file"], d["line"], d["column"], d["severity"], d["code"], d["message"],
              d["hint"]) for d in json.loads(outcome.stdout)["diagnostics"]]
    return outcome.exit_code, found


def template(repo: Path, name: str, text: str) -> str:
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates" / name).write_text(text, encoding="utf-8")
    return f"templates/{name}"


def test_a_copy_of_an_own_template_has_no_findings(repo: Path) -> None:
    for name in ("plan.md.j2", "_audittrail.md.j2"):
        template(repo, name, (OWN_TEMPLATES / name).read_text(encoding="utf-8"))
    assert findings(repo) == (0, [])


@pytest.mark.parametrize(("text", "line", "message"), [
    ("# {{ release.title }\n", 1, "unexpected '}'"),
    ("# Plan\n\n{% block inhoud %}\n{{ release.title }}\n", 4,
     "Unexpected end of template. Jinja was looking for the following tags: 'endblock'. "
     "The innermost block that needs to be closed is 'block'."),
    ("{{ release.title | geen_filter }}\n", 1, "No filter named 'geen_filter'."),
])
def test_a_template_that_does_not_compile_is_located(repo: Path, text: str, line: int,
                                                     message: str) -> None:
    name = template(repo, "plan.md.j2", text)
    assert findings(repo) == (1, [(name, line, 1, "error", "template.syntax", message, None)])


def test_an_include_of_a_template_that_exists_nowhere_is_located(repo: Path) -> None:
    name = template(repo, "plan.md.j2", "# Plan\n\n{% include '_stnd.md.j2' %}\n"
                    "{% include '_elders.md.j2' ignore missing %}\n")
    assert findings(repo) == (1, [
        (name, 3, 1, "error", "template.syntax",
         "`_stnd.md.j2` is neither in templates/ nor among eta's own templates",
         "did you mean `_stand.md.j2`?")])


def test_a_template_that_includes_itself_is_located(repo: Path) -> None:
    name = template(repo, "availability.md.j2",
                    '# Beschikbaarheid\n{% include "availability.md.j2" %}\n')
    assert findings(repo) == (1, [
        (name, 2, 1, "error", "template.syntax", "`availability.md.j2` includes itself: "
         "availability.md.j2 -> availability.md.j2; it could never be rendered", None)])


def test_partials_that_include_each_other_are_located_in_each(repo: Path) -> None:
    template(repo, "_a.md.j2", "{% include '_b.md.j2' %}\n")
    template(repo, "_b.md.j2", "# B\n{% include '_a.md.j2' %}\n")
    template(repo, "month.md.j2", "{% include '_a.md.j2' %}\n")
    assert findings(repo) == (1, [
        ("templates/_a.md.j2", 1, 1, "error", "template.syntax",
         "`_a.md.j2` includes itself: _a.md.j2 -> _b.md.j2 -> _a.md.j2; it could never be "
         "rendered", None),
        ("templates/_b.md.j2", 2, 1, "error", "template.syntax",
         "`_b.md.j2` includes itself: _b.md.j2 -> _a.md.j2 -> _b.md.j2; it could never be "
         "rendered", None)])


def test_an_include_of_an_own_partial_or_of_the_repositorys_own_is_used(repo: Path) -> None:
    template(repo, "_kop.md.j2", "# Kop\n")
    template(repo, "plan.md.j2", "{% include '_kop.md.j2' %}\n{% include '_stand.md.j2' %}\n")
    assert findings(repo) == (0, [])


def test_a_template_by_a_name_eta_does_not_use_is_a_warning(repo: Path) -> None:
    name = template(repo, "plann.md.j2", "# Plan\n")
    assert findings(repo) == (0, [
        (name, 1, 1, "warning", "template.unknown",
         "eta makes no report from a template named `plann.md.j2`; it is used only where "
         "another template includes it", "did you mean `plan.md.j2`?")])


def test_a_template_that_is_not_utf8_is_located(repo: Path) -> None:
    template(repo, "plan.md.j2", "")
    (repo / "templates" / "plan.md.j2").write_bytes(b"# Plan \xff\n")
    assert findings(repo) == (1, [
        ("templates/plan.md.j2", 1, 1, "error", "file.encoding",
         "the template is not UTF-8 text: byte 0xff cannot be decoded", None)])


def test_a_link_among_the_templates_is_refused_unread(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elders.md.j2"
    outside.write_text("{{ geheim }}\n")
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates" / "plan.md.j2").symlink_to(outside)
    code, found = findings(repo)
    assert code == 1
    assert [(f[0], f[4]) for f in found] == [("templates/plan.md.j2", "file.symlink")]


def test_a_template_named_on_the_command_line_is_checked_alone(repo: Path) -> None:
    name = template(repo, "plan.md.j2", "{% for %}\n")
    template(repo, "incident.md.j2", "{{ }}\n")
    code, found = findings(repo, name)
    assert code == 1
    assert [(f[0], f[4]) for f in found] == [(name, "template.syntax")]


def test_an_edit_of_a_template_after_a_cached_check_is_seen(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETA_CACHE_DIR", str(tmp_path / "cache"))
    name = template(repo, "plan.md.j2", (OWN_TEMPLATES / "plan.md.j2").read_text())
    assert findings(repo) == (0, [])
    assert findings(repo) == (0, [])
    (repo / name).write_text("{% if %}\n")
    assert findings(repo)[0] == 1


@pytest.mark.parametrize(("text", "message"), [
    # Python compiles no more than 20 nested blocks, and Jinja writes a loop as one.
    ("{% for a in x %}" * 25 + "{% endfor %}" * 25,
     "the template cannot be compiled: too many statically nested blocks"),
    ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}",
     "the template nests expressions or blocks too deeply to be compiled"),
    ("{% include 'a\\x00b' %}\n",
     "`a\x00b` cannot be used: templates/a\x00b: no file can have this name"),
])
def test_a_template_python_cannot_compile_or_name_is_located(repo: Path, text: str,
                                                              message: str) -> None:
    name = template(repo, "plan.md.j2", text)
    assert findings(repo) == (1, [(name, 1, 1, "error", "template.syntax", message, None)])
