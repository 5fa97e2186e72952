"""Recording an incident's outages from the command line: which one an update means.

`eta incident update ID --outage PARTY:ROLE` names the outage of a party in a role. It
updates the last outage of that party and role that has not ended; without one, it records
a new one, which needs its start. An outage that has ended is corrected by naming it again
without a new start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eta.diagnostics import did_you_mean
from eta.errors import EtaError
from eta.models.incident import Incident
from eta.models.party import Party
from eta.vocabulary import OutageState, Role


@dataclass(frozen=True, slots=True)
class OutageChange:
    """What to write: the values of the outage at `index`, or of a new one (index None)."""

    index: int | None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "outages" if self.index is None else f"outages[{self.index}]"


def party_role(text: str, parties: Mapping[str, Party], option: str = "--outage"
               ) -> tuple[str, Role]:
    """`volmacht:machtigingenregister` as a party of the register and a role of the
    framework. Whether the party holds the role is `eta check`'s judgement
    (`incident.outage.role-not-held`), which the update asks of the record it would write."""
    party_id, colon, role_text = text.strip().partition(":")
    if not colon or not party_id or not role_text:
        raise EtaError(f"{option}: write the party and its role as PARTY:ROLE, e.g. "
                       "volmacht:machtigingenregister")
    party = parties.get(party_id)
    if party is None:
        hint = did_you_mean(party_id, sorted(parties))
        raise EtaError(f"{option}: no party `{party_id}` in afspraken/parties/"
                       + (f"; {hint}" if hint else ""))
    try:
        role = Role(role_text)
    except ValueError:
        hint = did_you_mean(role_text, [str(r) for r in party.roles])
        raise EtaError(f"{option}: `{role_text}` is no role of the framework; the roles of "
                       f"{party_id}: {', '.join(str(r) for r in party.roles)}"
                       + (f"; {hint}" if hint else "")) from None
    return party_id, role


def outage_change(
    incident: Incident,
    parties: Mapping[str, Party],
    which: str,
    state: OutageState | None,
    start: dt.datetime | None,
    expected_end: dt.datetime | None,
    end: dt.datetime | None,
) -> OutageChange:
    party_id, role = party_role(which, parties)
    matching = [i for i, o in enumerate(incident.outages)
                if o.party == party_id and o.role is role]
    going = [i for i in matching if incident.outages[i].end is None]
    index: int | None
    if going:
        index = going[-1]
    elif start is not None or not matching:
        if start is None:
            raise EtaError(f"--outage {which}: the incident records no outage of {party_id} "
                           f"as {role}; give --outage-started-at to record one")
        index = None
    else:
        index = matching[-1]
    values: dict[str, Any] = {}
    if index is None:
        values.update({"party": party_id, "role": str(role),
                       "state": str(state or OutageState.UNAVAILABLE)})
    elif state is not None:
        values["state"] = str(state)
    for name, moment in (("start", start), ("expected_end", expected_end), ("end", end)):
        if moment is not None:
            values[name] = moment
    if index is not None:
        current = incident.outages[index]
        values = {k: v for k, v in values.items() if getattr(current, k) != v}
    from eta.incidents.state import timestamp

    return OutageChange(index, {k: timestamp(v) if isinstance(v, dt.datetime) else v
                                for k, v in values.items()})
