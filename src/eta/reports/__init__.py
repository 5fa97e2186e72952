"""Markdown reports for the Tactisch Beraad, rendered from Jinja templates.

- `context`: what each report shows, as plain data gathered from the records;
- `templating`: the sandboxed Jinja environment, its filters and where templates are found;
- `sources`: the records as they are or as they were at a git revision, and the audit trail
  of each report (the commits that changed the records it shows).

A report is a pure function of the records, the templates, the day it judges deadlines by
and, only when asked, the moment it was made: rendered twice it is the same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from eta.errors import EtaError
from eta.reports import context as contexts
from eta.reports.sources import History, records_at
from eta.reports.templating import ReportEnvironment, TemplateProblem, environment, render


class Kind(StrEnum):
    PLAN = "plan"
    PROGRESS = "progress"
    EVALUATION = "evaluation"
    INCIDENT = "incident"
    OVERVIEW = "overview"

    @property
    def template(self) -> str:
        return f"{self.value}.md.j2"


RELEASE_KINDS = (Kind.PLAN, Kind.PROGRESS, Kind.EVALUATION)

#: The folders of records each kind of report reads.
_FOLDERS = {
    Kind.PLAN: ("afspraken", "releases"),
    Kind.PROGRESS: ("afspraken", "releases"),
    Kind.EVALUATION: ("afspraken", "releases", "incidents"),
    Kind.INCIDENT: ("afspraken", "incidents"),
    Kind.OVERVIEW: ("afspraken", "releases", "incidents"),
}


@dataclass(frozen=True, slots=True)
class Options:
    """What every report is rendered with besides its records."""

    today: dt.date
    #: Written into the report only when given: without it the output depends on nothing
    #: but the records and templates.
    generated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One report: the file name `eta report all` gives it, and its text."""

    name: str
    text: str


class Reporter:
    """Renders reports from the records at `records_root`; the templates and the audit
    trail come from the repository at `root`."""

    def __init__(self, root: Path, records_root: Path, history: History, options: Options
                 ) -> None:
        self.root = root
        self.records_root = records_root
        self.history = history
        self.options = options
        self.env: ReportEnvironment = environment(root)

    def _render(self, kind: Kind, data: dict[str, Any], paths: list[str]) -> str:
        revision = self.history.revision
        data.update({
            "kind": str(kind),
            "today": self.options.today,
            "generated_at": self.options.generated_at,
            "revision": None if revision is None else {
                "name": revision, "commit": self.history.short_commit},
            "audit": self.history.trail(paths),
        })
        return render(self.env, kind.template, data)

    def release(self, kind: Kind, release_id: str) -> str:
        data = contexts.release_context(self.records_root, release_id, self.options.today,
                                        with_incidents=kind is Kind.EVALUATION)
        return self._render(kind, data, contexts.release_paths(release_id, data))

    def incident(self, incident_id: str) -> str:
        data = contexts.incident_context(self.records_root, incident_id, self.options.today)
        return self._render(Kind.INCIDENT, data, contexts.incident_paths(data))

    def overview(self) -> str:
        data = contexts.overview_context(self.records_root, self.options.today)
        return self._render(Kind.OVERVIEW, data, contexts.overview_paths(data))

    def report(self, kind: Kind, subject: str | None) -> str:
        if kind is Kind.OVERVIEW:
            return self.overview()
        assert subject is not None
        if kind is Kind.INCIDENT:
            return self.incident(subject)
        return self.release(kind, subject)

    def everything(self) -> list[Rendered]:
        """Every report of the repository: the overview, each release's plan, progress and
        evaluation, and each incident's report."""
        self.history.preload()
        found = [Rendered("overview.md", self.overview())]
        for release_id in contexts.release_ids(self.records_root):
            for kind in RELEASE_KINDS:
                found.append(Rendered(f"{kind}-{release_id}.md", self.release(kind, release_id)))
        for incident_id in contexts.incident_ids(self.records_root):
            found.append(Rendered(f"incident-{incident_id}.md", self.incident(incident_id)))
        return found


@contextmanager
def reporter(root: Path, options: Options, *, at: str | None,
             folders: tuple[str, ...] = ("afspraken", "releases", "incidents")
             ) -> Iterator[Reporter]:
    """A reporter over the records of the working tree, or as they were at revision `at`."""
    with History.open(root, at) as history:
        if at is None:
            yield Reporter(root, root, history, options)
            return
        assert history.git is not None and history.commit is not None
        with records_at(history.git, history.commit, folders) as snapshot:
            try:
                yield Reporter(root, snapshot, history, options)
            except TemplateProblem:
                raise
            except EtaError as exc:
                # The records are read from a copy: say which revision they came from.
                raise EtaError(f"at {at}: {exc}") from None


def render_one(root: Path, kind: Kind, subject: str | None, options: Options,
               at: str | None = None) -> str:
    with reporter(root, options, at=at, folders=_FOLDERS[kind]) as made:
        return made.report(kind, subject)


def render_all(root: Path, options: Options, at: str | None = None) -> list[Rendered]:
    with reporter(root, options, at=at) as made:
        return made.everything()


__all__ = ["Kind", "Options", "Rendered", "Reporter", "render_all", "render_one",
           "reporter"]
