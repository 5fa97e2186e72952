"""`eta report`: the commands, their options, and what they do to files (nothing, but --output)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import commit, commit_by_hand, git, run_eta
from eta.reports import Kind
from report_helpers import GOLDEN, GOLDEN_TODAY, example_history
from test_concurrency import folder_bytes, many_incidents

MEASURE_PATH = "releases/R2026-01/parties/volmacht.yaml"
ETA = Path(sys.executable).parent / "eta"
AUDIT_HEAD = ("| Datum | Auteur | Commit | Omschrijving | Gewijzigde records |\n"
              "|---|---|---|---|---|\n")


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "records"
    return root, example_history(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def _tail(text: str) -> str:
    return text[text.index("## Audittrail"):]


def test_a_report_goes_to_standard_output(history: tuple[Path, list[str]]) -> None:
    root, _ = history
    outcome = run_eta("report", "plan", "R2026-01", "--today", GOLDEN_TODAY, cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == (GOLDEN / "plan-R2026-01.md").read_text()
    assert outcome.stderr == ""


@pytest.mark.parametrize(("args", "golden"), [
    (("plan", "R2026-02"), "plan-R2026-02.md"),
    (("progress", "R2026-01"), "progress-R2026-01.md"),
    (("evaluation", "R2026-01"), "evaluation-R2026-01.md"),
    (("incident", "2026-11-16-q738dq"), "incident-2026-11-16-q738dq.md"),
    (("overview",), "overview.md"),
])
def test_each_command_writes_its_report_atomically_to_output(
    history: tuple[Path, list[str]], args: tuple[str, ...], golden: str
) -> None:
    root, _ = history
    target = root.parent / "uit" / "rapport.md"
    outcome = run_eta("report", *args, "--today", GOLDEN_TODAY, "--output", str(target),
                      cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""
    assert target.read_text() == (GOLDEN / golden).read_text()
    assert [p.name for p in target.parent.iterdir()] == ["rapport.md"]


def test_the_same_records_give_the_same_text_and_no_clock_time(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    first = run_eta("report", "overview", "--today", GOLDEN_TODAY, cwd=root)
    second = run_eta("report", "overview", "--today", GOLDEN_TODAY, cwd=root)
    assert first.stdout == second.stdout
    assert "Opgesteld op" not in first.stdout


def test_generated_at_is_written_only_when_asked(history: tuple[Path, list[str]]) -> None:
    root, _ = history
    outcome = run_eta("report", "overview", "--today", GOLDEN_TODAY, "--generated-at",
                      "2026-12-01T09:30", cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith(
        "# Overzicht van releases en incidenten\n\n- **Peildatum:** 1 december 2026\n"
        "- **Opgesteld op:** 1 december 2026 09:30\n\n")
    now = run_eta("report", "overview", "--generated-at", "now", cwd=root)
    assert "- **Opgesteld op:** " in now.stdout
    bad = run_eta("report", "overview", "--generated-at", "gisteren", cwd=root)
    assert bad.exit_code == 2
    assert bad.stderr == ("eta: error: --generated-at: 'gisteren' is no date and time; write "
                          "it as 2026-03-28T14:30 or 2026-03-28T14:30+01:00\n")


def test_the_audit_trail_lists_the_commits_of_the_records_shown(
    history: tuple[Path, list[str]]
) -> None:
    root, shas = history
    outcome = run_eta("report", "incident", "2026-04-08-mwfaqt", "--today", GOLDEN_TODAY,
                      cwd=root)
    assert _tail(outcome.stdout) == (
        "## Audittrail\n\nDe commits die de records in dit rapport hebben gewijzigd, de "
        "nieuwste eerst:\n\n" + AUDIT_HEAD
        + f"| 2026-11-20 | Femke Hoekstra | `{shas[2][:12]}` | Incidenten van 2026 | "
        "incidents/2026-04-08-mwfaqt.yaml |\n"
        f"| 2026-01-05 | Femke Hoekstra | `{shas[0][:12]}` | Afspraken: deelnemers, "
        "serviceniveaus en criteria | afspraken/criteria.yaml, afspraken/parties/"
        "kenniskaart.yaml, afspraken/service-levels.yaml |\n")


def test_the_audit_trail_names_changes_not_yet_committed(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    path = root / MEASURE_PATH
    path.write_text(path.read_text().replace("status: in_progress", "status: done"))
    outcome = run_eta("report", "progress", "R2026-01", "--today", GOLDEN_TODAY, cwd=root)
    assert outcome.stdout.endswith(
        "\n\nNog niet vastgelegd in git (gewijzigd in de werkmap): "
        "releases/R2026-01/parties/volmacht.yaml.\n")


def test_at_renders_the_records_as_they_were_at_a_revision(
    history: tuple[Path, list[str]]
) -> None:
    root, shas = history
    path = root / MEASURE_PATH
    path.write_text(path.read_text().replace(
        "status: in_progress\n    status_on: 2026-11-20",
        "status: done\n    status_on: 2026-11-27"))
    later = commit(root, "Volmacht leest ondertekende metadata in", "2026-11-27T11:00:00+01:00")
    path.write_text(path.read_text().replace("Ilse Kramer", "Iris Kramer"))
    before = snapshot(root)
    status_before = git(root, "status", "--porcelain")

    now = run_eta("report", "progress", "R2026-01", "--today", GOLDEN_TODAY, cwd=root)
    assert ("| Volmachtregister Nederland B.V. | Ondertekende netwerkmetadata inlezen en de "
            "handtekening controleren (`metadata-inlezen`) | 29 januari 2027 | gereed | "
            "27 november 2026 |") in now.stdout
    assert f"`{later[:12]}`" in now.stdout

    then = run_eta("report", "progress", "R2026-01", "--today", GOLDEN_TODAY, "--at",
                   "HEAD~1", cwd=root)
    assert then.exit_code == 0, then.stderr
    assert ("| Volmachtregister Nederland B.V. | Ondertekende netwerkmetadata inlezen en de "
            "handtekening controleren (`metadata-inlezen`) | 29 januari 2027 | in uitvoering "
            "| 20 november 2026 |") in then.stdout
    assert then.stdout.startswith(
        "# Voortgangsrapportage R2026-01: Afsprakenstelsel 1.14: ondertekende "
        "netwerkmetadata\n\n- **Release:** R2026-01\n- **Versie van het afsprakenstelsel:** "
        "1.14\n- **Releasemanager:** Femke Hoekstra (f.hoekstra@beheer.example.nl)\n"
        "- **Status van de release:** in realisatie; volgende stap: uitgerold\n"
        "- **Peildatum:** 1 december 2026\n"
        f"- **Stand van de records:** revisie `HEAD~1` (commit `{shas[2][:12]}`)\n\n")
    trail = _tail(then.stdout)
    assert later[:12] not in trail
    assert trail.startswith(
        f"## Audittrail\n\nDit rapport toont de records zoals ze waren in revisie `HEAD~1` "
        f"(commit `{shas[2][:12]}`).\n\nDe commits die de records in dit rapport hebben "
        "gewijzigd, de nieuwste eerst:\n\n" + AUDIT_HEAD
        + f"| 2026-04-23 | Femke Hoekstra | `{shas[1][:12]}` | Releases en hun "
        "implementatieplannen |")
    assert "Nog niet vastgelegd" not in trail
    # The working tree, its uncommitted change included, is exactly as it was.
    assert snapshot(root) == before
    assert git(root, "status", "--porcelain") == status_before


def test_at_a_revision_before_the_release_existed(history: tuple[Path, list[str]]) -> None:
    root, shas = history
    outcome = run_eta("report", "plan", "R2026-01", "--at", shas[0], cwd=root)
    assert outcome.exit_code == 2
    assert outcome.stderr == (f"eta: error: at {shas[0]}: there is no release `R2026-01` "
                              "(no folder releases/R2026-01/)\n")


@pytest.mark.parametrize(("revision", "message"), [
    ("--all", "`--all` is not a git revision: a revision never starts with `-`"),
    ("geen-tak", "`geen-tak` names no commit in this repository"),
])
def test_at_refuses_what_names_no_commit(history: tuple[Path, list[str]], revision: str,
                                         message: str) -> None:
    root, _ = history
    outcome = run_eta("report", "overview", f"--at={revision}", cwd=root)
    assert outcome.exit_code == 2
    assert outcome.stderr == f"eta: error: {message}\n"


def test_without_git_a_report_says_it_has_no_audit_trail(repo: Path) -> None:
    outcome = run_eta("report", "plan", "R2026-03", "--today", GOLDEN_TODAY, cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert _tail(outcome.stdout) == ("## Audittrail\n\nDe records staan niet in een "
                                     "git-repository; er is geen audittrail.\n")
    at = run_eta("report", "plan", "R2026-03", "--at", "HEAD", cwd=repo)
    assert at.exit_code == 2
    assert at.stderr.startswith("eta: error: ")
    assert at.stderr.endswith(" is not in a git repository: --at needs git\n")


@pytest.mark.parametrize(("args", "message"), [
    (("plan", "R2026-1"), "there is no release `R2026-1` (no folder releases/R2026-1/); "
     "did you mean `R2026-01`?"),
    (("incident", "2026-11-16-q738dx"), "no incident `2026-11-16-q738dx` "
     "(incidents/2026-11-16-q738dx.yaml does not exist); did you mean `2026-11-16-q738dq`?"),
])
def test_an_unknown_subject_is_refused(history: tuple[Path, list[str]],
                                       args: tuple[str, ...], message: str) -> None:
    root, _ = history
    outcome = run_eta("report", *args, cwd=root)
    assert outcome.exit_code == 2
    assert outcome.stderr == f"eta: error: {message}\n"
    assert outcome.stdout == ""


def test_a_repository_template_wins_over_etas_own(history: tuple[Path, list[str]]) -> None:
    root, _ = history
    (root / "templates").mkdir()
    (root / "templates" / "overview.md.j2").write_text(
        "# Ons overzicht per {{ today|datum }}\n\n"
        "{% for r in releases %}- {{ r.release.id }}: {{ r.release.title|md }}\n{% endfor %}")
    outcome = run_eta("report", "overview", "--today", GOLDEN_TODAY, cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == (
        "# Ons overzicht per 1 december 2026\n\n"
        "- R2026-01: Afsprakenstelsel 1.14: ondertekende netwerkmetadata\n"
        "- R2026-02: Afsprakenstelsel 1.15: EU Digitale Identiteit Wallet als middel\n"
        "- R2026-03: Afsprakenstelsel 1.16: uitfasering van SHA-1 in SAML-berichten\n")


def test_a_repository_partial_changes_every_report_that_includes_it(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    (root / "templates").mkdir()
    (root / "templates" / "_audittrail.md.j2").write_text(
        "## Historie\n\n{{ audit.commits|length }} commits.\n")
    outcome = run_eta("report", "plan", "R2026-01", "--today", GOLDEN_TODAY, cwd=root)
    expected = (GOLDEN / "plan-R2026-01.md").read_text()
    assert outcome.stdout == expected[:expected.index("## Audittrail")] + (
        "## Historie\n\n2 commits.\n")


def test_a_template_reaching_for_python_internals_fails_cleanly(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    (root / "templates").mkdir()
    (root / "templates" / "incident.md.j2").write_text(
        "# {{ incident.id }}\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    target = root.parent / "rapport.md"
    target.write_text("vorige versie\n")
    outcome = run_eta("report", "incident", "2026-11-16-q738dq", "--output", str(target),
                      cwd=root)
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "eta: error: templates/incident.md.j2:3: not allowed in a template: access to "
        "attribute '__class__' of 'str' object is unsafe.\n")
    assert outcome.stdout == ""
    assert target.read_text() == "vorige versie\n"


def test_a_template_with_nested_loops_stops_with_its_line(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    (root / "templates").mkdir()
    (root / "templates" / "incident.md.j2").write_text(
        "# {{ incident.id }}\n{% for a in range(100000) %}{% for b in range(100000) %}"
        "x{% endfor %}{% endfor %}\n")
    target = root.parent / "rapport.md"
    target.write_text("vorige versie\n")
    outcome = subprocess.run(
        [str(ETA), "report", "incident", "2026-11-16-q738dq", "--output", str(target)],
        cwd=root, capture_output=True, text=True, timeout=60, check=False)
    assert (outcome.returncode, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "eta: error: templates/incident.md.j2:2: too much work: the loops ran more than "
        "1,000,000 times; no report needs that many\n")
    assert target.read_text() == "vorige versie\n"


def test_all_names_the_reports_that_fail_and_writes_the_others(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    (root / "templates").mkdir()
    (root / "templates" / "evaluation.md.j2").write_text("{{ release.nothing }}\n")
    broken = root / "incidents" / "2026-11-16-q738dq.yaml"
    broken.write_text(broken.read_text().replace("  detected: 2026-11-16T09:12:00+01:00",
                                                 "  detected: gisteren"))
    out = root.parent / "rapporten"
    outcome = run_eta("report", "all", "--output-dir", str(out), "--today", GOLDEN_TODAY,
                      cwd=root)
    problem = ("templates/evaluation.md.j2:1: undefined: 'dict object' has no attribute "
               "'nothing'")
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        f"eta: error: evaluation-R2026-01.md not written: {problem}\n"
        f"eta: error: evaluation-R2026-02.md not written: {problem}\n"
        f"eta: error: evaluation-R2026-03.md not written: {problem}\n"
        "eta: error: incident-2026-11-16-q738dq.md not written: "
        "incidents/2026-11-16-q738dq.yaml is not a valid incident; run `eta check "
        "incidents/2026-11-16-q738dq.yaml`\n"
        f"wrote 21 reports to {out}; 4 failed\n")
    names = sorted(p.name for p in out.iterdir())
    assert "incident-2026-11-16-q738dq.md" not in names
    assert not any(name.startswith("evaluation-") for name in names)
    assert len(names) == 21
    # A month's figures leave the invalid incident out, and say so.
    assert ("Niet meegenomen, want ongeldig (zie `eta check`): "
            "incidents/2026-11-16-q738dq.yaml.") in (out / "month-2026-10.md").read_text()
    assert (out / "plan-R2026-01.md").read_text() == (GOLDEN / "plan-R2026-01.md").read_text()


def test_all_again_rewrites_only_the_reports_whose_text_changed(
    history: tuple[Path, list[str]]
) -> None:
    root, _ = history
    out = root.parent / "rapporten"
    assert run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY,
                   cwd=root).exit_code == 0
    edited, lengthened = out / "plan-R2026-01.md", out / "overview.md"
    text = edited.read_text()
    edited.write_text(text.replace("R2026-01", "R2026-0X", 1))  # as long as before
    lengthened.write_text(lengthened.read_text() + "\n")
    before = {p.name: p.stat() for p in out.iterdir()}
    again = run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY, cwd=root)
    assert (again.exit_code, again.stdout) == (0, f"wrote {len(before)} reports to {out}\n")
    assert edited.read_text() == text == (GOLDEN / "plan-R2026-01.md").read_text()
    after = {p.name: p.stat() for p in out.iterdir()}
    rewritten = sorted(name for name in before
                       if (before[name].st_ino, before[name].st_mtime_ns)
                       != (after[name].st_ino, after[name].st_mtime_ns))
    assert rewritten == ["overview.md", "plan-R2026-01.md"]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a pool of workers needs two cores")
def test_all_in_workers_writes_what_one_process_writes_and_again_only_what_changed(
    history: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import eta.parallel
    import eta.reports

    root, _ = history
    parallel_from = eta.reports.PARALLEL_FROM
    many_incidents(root, parallel_from)
    commit(root, "Veel incidenten", "2026-11-17T10:00:00+01:00")
    can_fork = eta.parallel._can_fork
    pools: list[bool] = []

    def probed() -> bool:
        pools.append(can_fork())
        return pools[-1]

    monkeypatch.setattr(eta.parallel, "_can_fork", probed)
    pooled, alone = root.parent / "in-workers", root.parent / "in-one-process"
    argv = ("report", "all", "--today", GOLDEN_TODAY, "-d")
    outcome = run_eta(*argv, str(pooled), cwd=root)
    assert (outcome.exit_code, outcome.stderr, pools) == (0, "", [True])
    monkeypatch.setattr(eta.reports, "PARALLEL_FROM", sys.maxsize)
    reference = run_eta(*argv, str(alone), cwd=root)
    assert (reference.exit_code, reference.stderr, pools) == (0, "", [True])
    assert outcome.stdout.replace(str(pooled), str(alone)) == reference.stdout
    assert folder_bytes(pooled) == folder_bytes(alone)

    # A report a worker renders and one rendered meanwhile in the parent, each changed.
    edited, lengthened = pooled / "incident-2026-11-16-000042.md", pooled / "overview.md"
    edited.write_text(edited.read_text().replace("000042", "000043", 1))  # as long as before
    lengthened.write_text(lengthened.read_text() + "\n")
    before = {p.name: p.stat() for p in pooled.iterdir()}
    monkeypatch.setattr(eta.reports, "PARALLEL_FROM", parallel_from)
    again = run_eta(*argv, str(pooled), cwd=root)
    assert (again.exit_code, again.stdout, pools) == (
        0, f"wrote {len(before)} reports to {pooled}\n", [True, True])
    assert folder_bytes(pooled) == folder_bytes(alone)
    after = {p.name: p.stat() for p in pooled.iterdir()}
    assert sorted(name for name in before
                  if (before[name].st_ino, before[name].st_mtime_ns)
                  != (after[name].st_ino, after[name].st_mtime_ns)) == [
        "incident-2026-11-16-000042.md", "overview.md"]

    # Reports found as they should be, then removed or changed before the run ends: the
    # run puts them right, as it says it did.
    import eta.records.files

    holds = eta.records.files.holds
    removed, changed = "incident-2026-11-16-000007.md", "incident-2026-11-16-000150.md"

    def changed_after_the_comparison(path: Path, text: str) -> bool:
        answer = holds(path, text)
        if answer and path.name == removed:
            path.unlink()
        elif answer and path.name == changed:
            with path.open("a") as handle:
                handle.write("bijgewerkt\n")
        return answer

    monkeypatch.setattr(eta.records.files, "holds", changed_after_the_comparison)
    last = run_eta(*argv, str(pooled), cwd=root)
    assert (last.exit_code, last.stdout) == (0, f"wrote {len(before)} reports to {pooled}\n")
    assert folder_bytes(pooled) == folder_bytes(alone)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a pool of workers needs two cores")
@pytest.mark.parametrize("own_template", [False, True])
def test_the_heavy_reports_are_rendered_here_only_with_etas_own_templates(
    history: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, own_template: bool
) -> None:
    """A repository's templates render within limits of memory and time that hold for the
    whole process: the pool's threads here would be held to them too (a thread taking
    results that fails for memory leaves the command waiting for ever). So the workers
    render those reports then."""
    import eta.reports

    root, _ = history
    many_incidents(root, eta.reports.PARALLEL_FROM)
    if own_template:
        (root / "templates").mkdir()
        (root / "templates" / "overview.md.j2").write_text("# Overzicht {{ kind }}\n")
    log = root.parent / "rendered-by.txt"
    report = eta.reports.Reporter.report

    def logged(self: eta.reports.Reporter, kind: Kind, subject: str | None) -> str:
        with log.open("a") as handle:
            handle.write(f"{os.getpid()} {kind}\n")
        return report(self, kind, subject)

    monkeypatch.setattr(eta.reports.Reporter, "report", logged)
    outcome = run_eta("report", "all", "--today", GOLDEN_TODAY, "-d", str(root.parent / "out"),
                      cwd=root)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    here = {kind for pid, kind in (line.split() for line in log.read_text().splitlines())
            if int(pid) == os.getpid()}
    assert here == (set() if own_template else {"overview", "month", "availability"})


def test_all_writes_only_the_kinds_asked_for(history: tuple[Path, list[str]]) -> None:
    root, _ = history
    out = root.parent / "rapporten"
    outcome = run_eta("report", "all", "-d", str(out), "--only", "plan", "--only", "overview",
                      "--today", GOLDEN_TODAY, cwd=root)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout == f"wrote 4 reports to {out}\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "overview.md", "plan-R2026-01.md", "plan-R2026-02.md", "plan-R2026-03.md"]
    outcome = run_eta("report", "all", "-d", str(out), "--only", "plannen", cwd=root)
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "Error: Invalid value for '--only': 'plannen' is not one of 'plan', 'progress', "
        "'evaluation', 'incident', 'overview', 'availability', 'month'.\n")


def test_all_shows_its_progress_on_a_terminal_only(history: tuple[Path, list[str]]) -> None:
    import os
    import pty

    root, _ = history
    out = root.parent / "rapporten"
    leader, follower = pty.openpty()
    try:
        outcome = subprocess.run(
            [str(ETA), "report", "all", "-d", str(out), "--only", "plan"], cwd=root,
            stdout=subprocess.PIPE, stderr=follower, text=True, timeout=120, check=False,
            env={**os.environ, "COLUMNS": "80", "TERM": "xterm"})
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything is read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert (outcome.returncode, outcome.stdout) == (0, f"wrote 3 reports to {out}\n")
    assert b"3/3" in drawn
    piped = subprocess.run([str(ETA), "report", "all", "-d", str(out), "--only", "plan"],
                           cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert (piped.returncode, piped.stdout, piped.stderr) == (
        0, f"wrote 3 reports to {out}\n", "")


def test_all_at_a_revision(history: tuple[Path, list[str]]) -> None:
    root, shas = history
    out = root.parent / "rapporten"
    outcome = run_eta("report", "all", "-d", str(out), "--at", shas[1], "--today",
                      GOLDEN_TODAY, cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["evaluation-R2026-01.md", "evaluation-R2026-02.md",
                     "evaluation-R2026-03.md", "overview.md", "plan-R2026-01.md",
                     "plan-R2026-02.md", "plan-R2026-03.md", "progress-R2026-01.md",
                     "progress-R2026-02.md", "progress-R2026-03.md"]
    overview = (out / "overview.md").read_text()
    assert "Er zijn geen open incidenten." in overview
    assert outcome.stdout == f"wrote 10 reports to {out}\n"


def test_every_report_of_all_has_the_audit_trail_it_has_alone(
    history: tuple[Path, list[str]]
) -> None:
    """`report all` reads the history of every record at once and finds each report's trail
    in it; rendered alone, a report asks git for its own records' commits."""
    root, _ = history
    for path in (root / MEASURE_PATH, root / "incidents" / "2026-04-08-mwfaqt.yaml"):
        path.write_text(path.read_text() + "# nagekeken\n")
    commit(root, "Nagekeken", "2026-11-25T10:00:00+01:00")
    out = root.parent / "rapporten"
    everything = run_eta("report", "all", "-d", str(out), "--today", GOLDEN_TODAY, cwd=root)
    assert everything.exit_code == 0, everything.stderr
    for written in sorted(out.iterdir()):
        kind, _, subject = written.stem.partition("-")
        named = (["--month", subject] if kind in ("availability", "month")
                 else [subject] if subject else [])
        alone = run_eta("report", kind, *named, "--today", GOLDEN_TODAY, cwd=root)
        assert alone.stdout == written.read_text(), written.name


def test_now_judges_an_incident_report_at_that_moment(history: tuple[Path, list[str]]) -> None:
    root, _ = history
    incident = root / "incidents" / "2026-12-01-nu0001.yaml"
    incident.write_text((root / "incidents" / "2026-11-16-q738dq.yaml").read_text()
                        .replace("2026-11-16-q738dq", "2026-12-01-nu0001"))
    # an open P1 incident reported at 08:05: its response time of 4 hours ends at 12:05
    text = incident.read_text()
    start = text.index("status:")
    incident.write_text(
        text[:start] + "status: in_progress\ntimes:\n  detected: 2026-12-01T08:00:00+01:00\n"
        "  reported: 2026-12-01T08:05:00+01:00\n  phoned: 2026-12-01T08:06:00+01:00\n")
    incident.write_text(incident.read_text().replace("priority: P2", "priority: P1"))
    before = run_eta("report", "overview", "--now", "2026-12-01T12:00", cwd=root)
    after = run_eta("report", "overview", "--now", "2026-12-01T12:30", cwd=root)
    assert (before.exit_code, after.exit_code) == (0, 0), after.stderr
    def open_row(overview: str) -> str:
        section = overview.split("## Open incidenten", 1)[1]
        return next(line for line in section.splitlines() if "nu0001" in line)

    assert "(**overschreden**)" in open_row(after.stdout)
    assert "(**overschreden**)" not in open_row(before.stdout)
    # What is overdue at 12:30 is overdue in the overview's own list too, as in the agenda.
    assert ("| 2026-12-01-nu0001 | responstijd | - | Oplossen binnen de responstijd | "
            "1 december 2026 |\n"
            in after.stdout.split("## Achterstallig", 1)[1].split("## ", 1)[0])
    assert "nu0001" not in before.stdout.split("## Achterstallig", 1)[1].split("## ", 1)[0]


@pytest.mark.parametrize("args", [
    ("overview",),
    ("evaluation", "R2026-01"),
    ("availability", "--month", "2026-10"),
    ("availability", "--month", "2026-10", "--format", "json"),
    ("month", "--month", "2026-10"),
    ("month", "--month", "2026-10", "--format", "json"),
])
def test_a_report_over_every_incident_that_leaves_one_out_names_it_and_exits_1(
    history: tuple[Path, list[str]], args: tuple[str, ...]
) -> None:
    """A report over all incidents is incomplete when one is not valid: it is still shown,
    the incident is named, and the exit status says so, as `eta agenda` and `eta incident
    list` do."""
    root, _ = history
    broken = root / "incidents" / "2026-11-16-q738dq.yaml"
    broken.write_text(broken.read_text().replace("  detected: 2026-11-16T09:12:00+01:00",
                                                 "  detected: gisteren"))
    outcome = run_eta("report", *args, "--today", GOLDEN_TODAY, cwd=root)
    assert outcome.exit_code == 1
    assert outcome.stdout.startswith("{" if "json" in args else "#")
    assert outcome.stderr == (
        "eta: warning: skipped incidents/2026-11-16-q738dq.yaml, which is not a valid "
        "incident; run `eta check incidents/2026-11-16-q738dq.yaml`\n")
    broken.write_text(broken.read_text().replace("gisteren", "2026-11-16T09:12:00+01:00"))
    assert run_eta("report", *args, "--today", GOLDEN_TODAY, cwd=root).exit_code == 0


def test_bytes_of_git_that_are_no_utf8_are_shown_as_bytes(git_repo: Path) -> None:
    """A commit that names an encoding git cannot convert from comes out of git as it was
    written; its bytes that are no UTF-8 are shown as `\\xNN`, in every report."""
    incident = git_repo / "incidents" / "2026-11-16-q738dq.yaml"
    incident.write_text(incident.read_text().replace("\ntitle: ", "\ntitle: Nu ", 1))
    written = commit_by_hand(git_repo, b"M\xe9l <m@example.org> 1764000000 +0100",
                             b"Herstel \xff", b"encoding geen-bestaande\n")
    row = (f"| 2025-11-24 | M\\xe9l | `{written[:12]}` | Herstel \\xff | "
           "incidents/2026-11-16-q738dq.yaml |\n")
    alone = run_eta("report", "incident", "2026-11-16-q738dq", cwd=git_repo)
    assert alone.exit_code == 0, alone.stderr
    assert row in alone.stdout
    every = run_eta("report", "all", "--output-dir", "out", cwd=git_repo)
    assert every.exit_code == 0, every.stderr
    written_report = (git_repo / "out" / "incident-2026-11-16-q738dq.md").read_text()
    assert row in written_report
