"""The availability of one month as data for its report, its chart and `--format json`.

`availability_json` is what `eta report availability --format json` prints, by its contract
(`eta.contracts.AVAILABILITY`, schemas/output/availability.schema.json).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eta.incidents.availability import (
    Figure,
    Month,
    MonthAvailability,
    Period,
    month_availability,
    periods_of,
    shown_percent,
)
from eta.incidents.state import load_incidents
from eta.models.party import Party
from eta.records.agreements import Agreements, load_agreements
from eta.records.snapshot import once
from eta.reports import labels
from eta.vocabulary import Role, SystemRule

if TYPE_CHECKING:
    from eta.contracts.shapes import (
        AvailabilityDocument,
        AvailabilityFigure,
        AvailabilityFigures,
    )

Data = dict[str, Any]

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")

#: The short names of the roles on a chart's axis.
ROLE_SHORT = {
    Role.HERKENNINGSMAKELAAR: "HM",
    Role.AUTHENTICATIEDIENST: "AD",
    Role.MACHTIGINGENREGISTER: "MR",
    Role.MIDDELENUITGEVER: "MU",
    Role.EIDAS_BERICHTENSERVICE: "EB",
    Role.BSNK: "BSNk",
    Role.BEHEERORGANISATIE: "BO",
}

SYSTEM_RULE = {
    SystemRule.ANY_ROLE: "het stelsel is onbeschikbaar zodra een partij in een van haar "
                         "rollen onbeschikbaar is",
    SystemRule.MEAN_OF_ROLES: "het gemiddelde van de beschikbaarheid van alle partijen in "
                              "al hun rollen",
}


def month_label(month: Month) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def hours_label(span: dt.timedelta) -> str:
    """`40 uur 38 min`, `0 uur`."""
    minutes = int(span.total_seconds()) // 60
    hours, minute = divmod(minutes, 60)
    return f"{hours} uur" + (f" {minute} min" if minute else "")


def outage_periods(root: Path) -> list[Period]:
    """Every outage of the incidents at `root`, as a period; found once in a run's snapshot,
    for all its months."""
    return once(("outage periods", str(root)), lambda: [
        period for incident in load_incidents(root)[0] for period in periods_of(incident)])


def month_figures(root: Path, month: Month, now: dt.datetime,
                  agreements: Agreements | None = None) -> MonthAvailability:
    """The availability of `month` from the incidents at `root`, as at `now`."""
    agreements = agreements or load_agreements(root)
    return month_availability(month, outage_periods(root), agreements.parties,
                              agreements.service_levels, now)


def _figure(figure: Figure, register: Mapping[str, Party]) -> Data:
    party = register.get(figure.party) if figure.party is not None else None
    role = Role(figure.role) if figure.role is not None else None
    return {
        "party": figure.party,
        "party_name": party.name if party is not None else None,
        "role": figure.role,
        "role_label": labels.ROLE[role] if role is not None else None,
        "label": (f"{figure.party} {ROLE_SHORT[role]}" if role is not None else "stelsel"),
        "percent": figure.percent,
        "percent_label": shown_percent(figure.percent),
        "target": figure.target_percent,
        "target_label": shown_percent(figure.target_percent),
        "met": figure.met,
        "unavailable": hours_label(figure.unavailable),
        "degraded": hours_label(figure.degraded),
        "incidents": list(figure.incidents),
    }


def chart_floor(figures: MonthAvailability) -> int:
    """The lowest percentage on the chart's axis: a whole number below every bar and the
    targets, so that the difference between 99 and 100 stays visible."""
    lowest = min([f.percent for f in figures.roles] + [figures.system.percent,
                 figures.system.target_percent, *(f.target_percent for f in figures.roles)])
    return max(0, min(99, math.floor(lowest) - 1))


def availability_context(figures: MonthAvailability, agreements: Agreements,
                         invalid: list[str]) -> Data:
    """The month's figures for the templates; `invalid` names the incident files left out,
    which are not valid incidents."""
    tz = agreements.tz
    roles = [_figure(f, agreements.parties) for f in figures.roles]
    return {
        "month": str(figures.month),
        "month_label": month_label(figures.month),
        "timezone": tz.key,
        "start": figures.start.astimezone(tz),
        "end": figures.end.astimezone(tz),
        "closed": figures.closed,
        "window": hours_label(figures.window),
        "rule": str(figures.rule),
        "rule_label": SYSTEM_RULE[figures.rule],
        "degraded_counts_percent": figures.degraded_counts_percent,
        "degraded_counts_label": shown_percent(figures.degraded_counts_percent),
        "roles": roles,
        "missed": [r for r in roles if figures.closed and not r["met"]],
        "system": _figure(figures.system, agreements.parties),
        "chart_floor": chart_floor(figures),
        "maintenance": bool(agreements.service_levels.maintenance_windows),
        "invalid": invalid,
    }


def _figure_document(figure: Figure) -> AvailabilityFigure:
    document: AvailabilityFigure = {
        "available_percent": figure.percent,
        "target_percent": figure.target_percent,
        "met": figure.met,
        "unavailable_seconds": int(figure.unavailable.total_seconds()),
        "degraded_seconds": int(figure.degraded.total_seconds()),
        "incidents": list(figure.incidents),
    }
    if figure.party is not None and figure.role is not None:
        document = {"party": figure.party, "role": figure.role, **document}
    return document


def availability_figures(figures: MonthAvailability, agreements: Agreements,
                         invalid: list[str]) -> AvailabilityFigures:
    """The figures of a month as its JSON contract holds them."""
    return {
        "month": str(figures.month),
        "timezone": agreements.tz.key,
        "start": figures.start.astimezone(agreements.tz).isoformat(),
        "end": figures.end.astimezone(agreements.tz).isoformat(),
        "now": figures.now.astimezone(agreements.tz).isoformat(),
        "closed": figures.closed,
        "window_seconds": int(figures.window.total_seconds()),
        "system_rule": str(figures.rule),
        "degraded_counts_percent": figures.degraded_counts_percent,
        "roles": [_figure_document(f) for f in figures.roles],
        "system": _figure_document(figures.system),
        "invalid_incidents": invalid,
    }


def judged_at(today: dt.date, now: dt.datetime | None, agreements: Agreements) -> dt.datetime:
    """The moment a month is measured up to: `now` when given, else the start of `today`."""
    return now or dt.datetime.combine(today, dt.time(0), tzinfo=agreements.tz)


def availability_json(root: Path, month_text: str, today: dt.date,
                      now: dt.datetime | None = None) -> AvailabilityDocument:
    """What `eta report availability --format json` prints."""
    from eta.contracts import AVAILABILITY

    agreements = load_agreements(root)
    invalid = load_incidents(root)[1]
    figures = month_figures(root, Month.parse(month_text), judged_at(today, now, agreements),
                            agreements)
    return {"version": AVAILABILITY.version,
            **availability_figures(figures, agreements, invalid)}


def report_data(root: Path, month_text: str, today: dt.date,
                now: dt.datetime | None = None) -> tuple[Data, list[str]]:
    """The data of the availability report of `month_text`, judged at `now` or the start
    of `today`, with the record files it shows."""
    month = Month.parse(month_text)
    agreements = load_agreements(root)
    invalid = load_incidents(root)[1]
    figures = month_figures(root, month, judged_at(today, now, agreements), agreements)
    data = availability_context(figures, agreements, invalid)
    shown = sorted({i for f in figures.roles for i in f.incidents})
    return ({"availability": data, "timezone": agreements.tz.key},
            ["afspraken/service-levels.yaml", "afspraken/parties",
             *(f"incidents/{i}.yaml" for i in shown)])


def outage_months(root: Path, today: dt.date, given: dt.datetime | None = None) -> list[str]:
    """Every month an outage of the incidents at `root` lies in, up to `given` or the start
    of `today`."""
    from eta.incidents.availability import months_touched

    agreements = load_agreements(root)
    now = judged_at(today, given, agreements)
    return [str(m) for m in months_touched(outage_periods(root), agreements.tz, now)]
