"""Output formats of `eta check`, behind one registry.

Machine formats are plain writes of documented structures; the text format is coloured
only when the command line, which alone knows the terminal, asks for it. A diagnostic's
file, message and hint can hold record text (a key, a value, a file's name), so each format
shows them through the escaping of its reader (see `eta.escaping`): no control character,
terminal escape or bidirectional override reaches a terminal, a CI log or a step summary,
and the summary renders no link or image.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from eta import __version__
from eta.check.result import CheckResult
from eta.contracts import CHECK
from eta.diagnostics import Diagnostic, Severity
from eta.escaping import (
    ERROR_STYLE,
    PATH_STYLE,
    WARNING_STYLE,
    code_span,
    for_annotation,
    for_annotation_property,
    for_json,
    for_terminal,
    paint,
)

if TYPE_CHECKING:
    from eta.contracts.shapes import CheckDocument

Format = Callable[[CheckResult, TextIO], None]

def _counts(result: CheckResult) -> Counter[Severity]:
    return Counter(d.severity for d in result.diagnostics)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: CheckResult) -> str:
    counts = _counts(result)
    checked = f"{_plural(result.files, 'file')} checked"
    if not result.diagnostics:
        return f"{checked}: no problems found"
    parts = [_plural(counts[Severity.ERROR], "error"), _plural(counts[Severity.WARNING], "warning")]
    return f"{checked}: {', '.join(parts)}"


_SEVERITY_STYLES = {Severity.ERROR: ERROR_STYLE, Severity.WARNING: WARNING_STYLE}


def report_text(result: CheckResult, out: TextIO, *, colour: bool = False,
                quiet: bool = False) -> None:
    """`file:line:col: severity [code] message`, a hint below; then the summary line unless
    `quiet`. With `colour` (the command line decides: a terminal that wants it), the path is
    bold, errors red and warnings yellow."""
    for d in result.diagnostics:
        out.write(f"{paint(for_terminal(d.file), PATH_STYLE, colour)}:{d.line}:{d.column}: "
                  f"{paint(str(d.severity), _SEVERITY_STYLES[d.severity], colour)} [{d.code}] "
                  f"{for_terminal(d.message)}\n")
        if d.hint:
            out.write(f"    hint: {for_terminal(d.hint)}\n")
    if not quiet:
        out.write(summary_line(result) + "\n")


def report_json(result: CheckResult, out: TextIO) -> None:
    counts = _counts(result)
    document: CheckDocument = {
        "version": CHECK.version,
        "tool": {"name": "eta", "version": __version__},
        "files": result.files,
        "summary": {
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
        },
        "diagnostics": [d.as_dict() for d in result.diagnostics],
    }
    out.write(for_json(document) + "\n")


def github_annotation(d: Diagnostic) -> str:
    message = f"{d.message} ({d.hint})" if d.hint else d.message
    props = ",".join((
        f"file={for_annotation_property(d.file)}",
        f"line={d.line}",
        f"col={d.column}",
        f"title={for_annotation_property(d.code)}",
    ))
    return f"::{d.severity} {props}::{for_annotation(message)}"


def report_github(result: CheckResult, out: TextIO) -> None:
    for d in result.diagnostics:
        out.write(github_annotation(d) + "\n")
    out.write(summary_line(result) + "\n")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with Path(summary_file).open("a", encoding="utf-8") as summary:
            summary.write(markdown_summary(result))


def markdown_summary(result: CheckResult) -> str:
    lines = ["## eta check", "", summary_line(result), ""]
    if result.diagnostics:
        lines += ["| | Location | Code | Message |", "|---|---|---|---|"]
        for d in result.diagnostics:
            mark = "❌" if d.severity is Severity.ERROR else "⚠️"
            message = f"{d.message} ({d.hint})" if d.hint else d.message
            # Record text as code: no link, image, heading or tag of it is rendered.
            lines.append(f"| {mark} | {code_span(f'{d.file}:{d.line}:{d.column}')} | "
                         f"{code_span(d.code)} | {code_span(message)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def fingerprints(diagnostics: list[Diagnostic]) -> Iterator[str]:
    """A fingerprint of each finding that stays while lines move: its code, file and message,
    and how many equal findings came before it in the file. CI systems match findings of
    two runs by it, so that a finding is reported once, not again on every push."""
    seen: Counter[tuple[str, str, str]] = Counter()
    for d in diagnostics:
        key = (d.code, d.file, d.message)
        seen[key] += 1
        text = "\0".join((*key, str(seen[key])))
        yield hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_uri(path: str) -> str:
    """A repository path as a relative URI reference: spaces and non-ASCII percent-encoded."""
    return quote(path, safe="/")


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The key of eta's fingerprint among a result's partial fingerprints; the number is its
#: version, to change if the fingerprint ever does.
SARIF_FINGERPRINT = "etaFinding/v1"


def report_sarif(result: CheckResult, out: TextIO) -> None:
    from eta.catalogue import PROJECT_URL, as_help_text, as_markdown, code_named

    codes = sorted({d.code for d in result.diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    results: list[dict[str, Any]] = []
    for d, fingerprint in zip(result.diagnostics, fingerprints(result.diagnostics), strict=True):
        message = f"{d.message} ({d.hint})" if d.hint else d.message
        location: dict[str, Any] = {
            "artifactLocation": {"uri": file_uri(d.file), "uriBaseId": "%SRCROOT%"}}
        if d.line >= 1:
            location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        results.append({
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": d.severity.label,
            "message": {"text": message},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {SARIF_FINGERPRINT: fingerprint},
        })
    rules = []
    for code in codes:
        entry = code_named(code)
        rules.append({
            "id": code,
            "shortDescription": {"text": entry.title},
            "fullDescription": {"text": entry.explanation},
            "help": {"text": as_help_text(entry), "markdown": as_markdown(entry)},
            "helpUri": entry.help_uri,
            "defaultConfiguration": {"level": entry.severity.label},
        })
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "eta",
                "version": __version__,
                "informationUri": PROJECT_URL,
                "rules": rules,
            }},
            # eta counts a column in characters (Unicode code points), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    out.write(for_json(document) + "\n")


#: How GitLab's Code Quality report rates eta's severities.
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def report_gitlab(result: CheckResult, out: TextIO) -> None:
    """GitLab's Code Quality report: a list of findings, each with a stable fingerprint."""
    issues = [{
        "description": f"{d.message} ({d.hint})" if d.hint else d.message,
        "check_name": d.code,
        "fingerprint": fingerprint,
        "severity": GITLAB_SEVERITY[d.severity],
        "location": {"path": d.file, "lines": {"begin": max(d.line, 1)}},
    } for d, fingerprint in zip(result.diagnostics, fingerprints(result.diagnostics),
                                strict=True)]
    out.write(for_json(issues) + "\n")


FORMATS: dict[str, Format] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "sarif": report_sarif,
    "gitlab": report_gitlab,
}
