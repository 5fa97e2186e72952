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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import jinja2

from eta.errors import EtaError
from eta.incidents.state import incident_file
from eta.records.cache import kept
from eta.records.snapshot import taken
from eta.reports import context as contexts
from eta.reports.sources import Provenance, records_at
from eta.reports.templating import TemplateProblem, environment, render
from eta.vocabulary import ReportKind as Kind

Output = TypeVar("Output")

RELEASE_KINDS = (Kind.PLAN, Kind.PROGRESS, Kind.EVALUATION)

#: The folders of records each kind of report reads.
_FOLDERS = {
    Kind.PLAN: ("afspraken", "releases"),
    Kind.PROGRESS: ("afspraken", "releases"),
    Kind.EVALUATION: ("afspraken", "releases", "incidents"),
    Kind.INCIDENT: ("afspraken", "incidents"),
    Kind.OVERVIEW: ("afspraken", "releases", "incidents"),
    Kind.AVAILABILITY: ("afspraken", "incidents"),
    Kind.MONTH: ("afspraken", "releases", "incidents"),
}


@dataclass(frozen=True, slots=True)
class Options:
    """What every report is rendered with besides its records."""

    today: dt.date
    #: The moment due and overdue are judged at, when one was given (`--now`); otherwise
    #: the start of `today`.
    now: dt.datetime | None = None
    #: Written into the report only when given: without it the output depends on nothing
    #: but the records and templates.
    generated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One report: the file name `eta report all` gives it, and its text."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A report whose file holds its text already: only its name, and the file's status
    when it was compared, come back from the worker that rendered it."""

    name: str
    status: tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class Planned:
    """One report `eta report all` writes: its file name, its kind and what it is of."""

    name: str
    kind: Kind
    subject: str | None


class Reporter:
    """Renders reports from the records at `records_root`; the templates and the audit
    trail come from the repository at `root`."""

    def __init__(self, root: Path, records_root: Path, provenance: Provenance, options: Options
                 ) -> None:
        self.root = root
        self.records_root = records_root
        self.provenance = provenance
        self.options = options
        self.env: jinja2.Environment = environment(root)

    def _render(self, kind: Kind, data: dict[str, Any], paths: list[str]) -> str:
        revision = self.provenance.revision
        data.update({
            "kind": str(kind),
            "today": self.options.today,
            "generated_at": self.options.generated_at,
            "revision": None if revision is None else {
                "name": revision, "commit": self.provenance.short_commit},
            "audit": self.provenance.trail(paths),
        })
        return render(self.env, kind.template, data)

    def release(self, kind: Kind, release_id: str) -> str:
        data = contexts.release_context(self.records_root, release_id, self.options.today,
                                        with_incidents=kind is Kind.EVALUATION,
                                        now=self.options.now)
        return self._render(kind, data, contexts.release_paths(release_id, data))

    def incident(self, incident_id: str) -> str:
        file = incident_file(self.records_root, incident_id)
        data = contexts.incident_context(self.records_root, file, self.options.today,
                                         self.options.now)
        return self._render(Kind.INCIDENT, data, contexts.incident_paths(file, data))

    def overview(self) -> str:
        data = contexts.overview_context(self.records_root, self.options.today,
                                         self.options.now)
        return self._render(Kind.OVERVIEW, data, contexts.overview_paths(data))

    def availability(self, month: str) -> str:
        from eta.reports import availability

        data, paths = availability.report_data(self.records_root, month, self.options.today,
                                               self.options.now)
        return self._render(Kind.AVAILABILITY, data, paths)

    def month(self, month: str) -> str:
        from eta.reports import month as monthly

        data, paths = monthly.month_context(self.records_root, month, self.options.today,
                                            self.options.now)
        return self._render(Kind.MONTH, data, paths)

    def document(self, kind: Kind, month: str) -> dict[str, Any]:
        """The figures of a month's report as the JSON document of its contract."""
        if kind is Kind.AVAILABILITY:
            from eta.reports.availability import availability_json

            return dict(availability_json(self.records_root, month, self.options.today,
                                          self.options.now))
        assert kind is Kind.MONTH
        from eta.reports.month import month_json

        return dict(month_json(self.records_root, month, self.options.today, self.options.now))

    def report(self, kind: Kind, subject: str | None) -> str:
        if kind is Kind.OVERVIEW:
            return self.overview()
        if kind is Kind.AVAILABILITY:
            assert subject is not None
            return self.availability(subject)
        if kind is Kind.MONTH:
            assert subject is not None
            return self.month(subject)
        assert subject is not None
        if kind is Kind.INCIDENT:
            return self.incident(subject)
        return self.release(kind, subject)

    def left_out(self, kind: Kind) -> list[str]:
        """The incident files a report of `kind` passes over for not being valid, when it
        is one that reads every incident."""
        if kind not in contexts.OVER_MANY:
            return []
        from eta.incidents.listing import invalid_incidents

        return invalid_incidents(self.records_root)

    def planned(self, kinds: frozenset[Kind] | None = None) -> list[Planned]:
        """Every report of the repository, or of `kinds` only: the overview, each
        release's plan, progress and evaluation, each incident's report, the availability
        of each month an outage lies in, and the monthly report of each month with
        records; with what many of them share read ahead, before they are shared among
        workers that would each read it again: every template compiled, and the records
        of the agreements (and for the reports over many records, all of them)."""
        wanted = kinds if kinds is not None else frozenset(Kind)
        with self.provenance.preloading():
            for name in self.env.list_templates():
                with suppress(Exception):  # a broken template is named by each report it breaks
                    self.env.get_template(name)
            contexts.read_ahead(self.records_root, wanted)
            return self._planned(wanted)

    def _planned(self, wanted: frozenset[Kind]) -> list[Planned]:
        found = [Planned("overview.md", Kind.OVERVIEW, None)] if Kind.OVERVIEW in wanted else []
        if wanted & set(RELEASE_KINDS):
            for release_id in contexts.release_ids(self.records_root):
                found.extend(Planned(f"{kind}-{release_id}.md", kind, release_id)
                             for kind in RELEASE_KINDS if kind in wanted)
        if Kind.INCIDENT in wanted:
            found.extend(Planned(f"incident-{incident_id}.md", Kind.INCIDENT, incident_id)
                         for incident_id in contexts.incident_ids(self.records_root))
        if Kind.AVAILABILITY in wanted:
            from eta.reports.availability import outage_months

            found.extend(Planned(f"availability-{month}.md", Kind.AVAILABILITY, str(month))
                         for month in outage_months(self.records_root, self.options.today,
                                                       self.options.now))
        if Kind.MONTH in wanted:
            from eta.reports.month import record_months

            found.extend(Planned(f"month-{month}.md", Kind.MONTH, str(month))
                         for month in record_months(self.records_root, self.options.today,
                                                       self.options.now))
        return found

    def everything(self) -> list[Rendered]:
        """Every report of the repository, rendered."""
        return [Rendered(item.name, self.report(item.kind, item.subject))
                for item in self.planned()]


@contextmanager
def reporter(root: Path, options: Options, *, at: str | None,
             folders: tuple[str, ...] = ("afspraken", "releases", "incidents")
             ) -> Iterator[Reporter]:
    """A reporter over the records of the working tree, or as they were at revision `at`;
    what its reports share of the records is read once (`eta.records.snapshot`), and the
    working tree's records are parsed only when they changed since an earlier run
    (`eta.records.cache`)."""
    with kept(root) if at is None else taken(), Provenance.open(root, at) as provenance:
        if at is None:
            yield Reporter(root, root, provenance, options)
            return
        assert provenance.git is not None and provenance.commit is not None
        with records_at(provenance.git, provenance.commit, folders) as snapshot:
            try:
                yield Reporter(root, snapshot, provenance, options)
            except TemplateProblem:
                raise
            except EtaError as exc:
                # The records are read from a copy: say which revision they came from.
                raise EtaError(f"at {at}: {exc}") from None


@dataclass(frozen=True, slots=True)
class One(Generic[Output]):
    """One report as asked for on the command line, and the incident files it left out for
    not being valid: a report over every incident that leaves one out is incomplete."""

    output: Output
    left_out: list[str]


def render_one(root: Path, kind: Kind, subject: str | None, options: Options,
               at: str | None = None) -> One[str]:
    with reporter(root, options, at=at, folders=_FOLDERS[kind]) as made:
        return One(made.report(kind, subject), made.left_out(kind))


def document_one(root: Path, kind: Kind, month: str, options: Options,
                 at: str | None = None) -> One[dict[str, Any]]:
    """The JSON document of the report of `kind` (availability or month) of `month`."""
    with reporter(root, options, at=at, folders=_FOLDERS[kind]) as made:
        return One(made.document(kind, month), made.left_out(kind))


def render_all(root: Path, options: Options, at: str | None = None) -> list[Rendered]:
    with reporter(root, options, at=at) as made:
        return made.everything()


@dataclass(frozen=True, slots=True)
class Failed:
    """A report that could not be rendered, and why."""

    name: str
    problem: str


class Progress(Protocol):
    """Told how many reports there are, then of each as it is done."""

    def start(self, total: int) -> None: ...

    def advance(self, name: str) -> None: ...


#: Below this many reports, a pool of processes costs more than it saves.
PARALLEL_FROM = 200
#: How many light reports a worker renders at a time: enough that passing them costs
#: little, few enough that the workers finish together.
BATCH = 32
#: The reports that each take as long as hundreds of others, most of it in what they
#: share (every incident's months and deadlines).
_HEAVY = (Kind.MONTH, Kind.AVAILABILITY, Kind.OVERVIEW)


def _batches(planned: list[Planned], indices: list[int]) -> list[list[int]]:
    """The `indices` of `planned` in the batches workers take them in: the heavy reports
    first, one to a batch, so that none is left to one worker at the end while the others
    wait, then the others by `BATCH`."""
    heavy = sorted((i for i in indices if planned[i].kind in _HEAVY),
                   key=lambda i: _HEAVY.index(planned[i].kind))
    light = [i for i in indices if planned[i].kind not in _HEAVY]
    return [[i] for i in heavy] + [light[n:n + BATCH] for n in range(0, len(light), BATCH)]


def render_each(root: Path, options: Options, progress: Progress, *, at: str | None = None,
                kinds: frozenset[Kind] | None = None, compared_with: Path | None = None
                ) -> tuple[list[Rendered | Unchanged], list[Failed]]:
    """Every report (of `kinds`), each on its own: one that fails, on an invalid record or
    a broken template, is named with its problem, and the others are rendered still. A
    report whose file in the folder `compared_with` holds its text already is `Unchanged`.

    Many reports are shared among forked workers (`eta.parallel`) in batches: each renders
    from the history read once here, compares what it rendered with its file, and only the
    texts of changed reports come back. With eta's own templates, the heavy reports are
    rendered here meanwhile, so that what they share is worked out once; a repository's
    templates are rendered within limits of memory and time that hold for a whole process
    (`eta.reports.templating`), which would then count the pool's threads here too, so
    the workers take those first. Both lists are in the order of `Reporter.planned`."""
    from eta.parallel import forked_map
    from eta.records.files import holds
    from eta.reports.templating import ReportEnvironment
    from eta.user_cache import stat_key

    outcomes: dict[int, Rendered | Unchanged | Failed] = {}
    with reporter(root, options, at=at) as made:
        planned = made.planned(kinds)
        progress.start(len(planned))

        def render(item: Planned) -> Rendered | Unchanged | Failed:
            try:
                text = made.report(item.kind, item.subject)
            except EtaError as exc:
                records_problem = at is not None and not isinstance(exc, TemplateProblem)
                return Failed(item.name, f"at {at}: {exc}" if records_problem else str(exc))
            if compared_with is not None:
                # The status before the comparison: a change during it shows at the end.
                status = stat_key(str(compared_with / item.name))
                if holds(compared_with / item.name, text):
                    return Unchanged(item.name, status)
            return Rendered(item.name, text)

        def render_batch(batch: list[int]) -> list[Rendered | Unchanged | Failed]:
            return [render(planned[index]) for index in batch]

        def taken(index: int, outcome: Rendered | Unchanged | Failed) -> None:
            outcomes[index] = outcome
            progress.advance(outcome.name)

        def render_heavy() -> None:
            for index in heavy:
                taken(index, render(planned[index]))

        everything = list(range(len(planned)))
        heavy: list[int]
        if len(planned) < PARALLEL_FROM:
            heavy, batches = [], [everything]
        elif isinstance(made.env, ReportEnvironment):
            heavy, batches = [], _batches(planned, everything)
        else:
            heavy = [i for i in everything if planned[i].kind in _HEAVY]
            batches = _batches(planned, [i for i in everything
                                         if planned[i].kind not in _HEAVY])
        done = forked_map(render_batch, batches, parallel_from=2, chunksize=1,
                          meanwhile=render_heavy)
        for batch, results in zip(batches, done, strict=True):
            for index, outcome in zip(batch, results, strict=True):
                taken(index, outcome)
        # A worker compared a report with its file long before the end: one changed since
        # is rendered again here, to be written.
        for index, outcome in outcomes.items():
            if (isinstance(outcome, Unchanged) and compared_with is not None
                    and stat_key(str(compared_with / outcome.name)) != outcome.status):
                outcomes[index] = render(planned[index])
    ordered = [outcomes[index] for index in range(len(planned))]
    return ([o for o in ordered if not isinstance(o, Failed)],
            [o for o in ordered if isinstance(o, Failed)])


__all__ = ["Failed", "Kind", "Options", "Planned", "Progress", "Rendered", "Reporter",
           "Unchanged", "render_all", "render_each", "render_one",
           "reporter"]
