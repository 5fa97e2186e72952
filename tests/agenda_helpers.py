"""Records the agenda tests add to a copy of the example repository."""

from __future__ import annotations

from pathlib import Path

INCIDENT_SCHEMA = "# yaml-language-server: $schema=../schemas/incident.schema.json\n"

#: A P2 disruption reported on Saturday evening before the clocks go back: its response time
#: of 8 hours in the availability window runs 18:00-20:00 on Saturday and, after the
#: maintenance window, 06:00-12:00 CET on Sunday.
WEEKEND = "2026-10-24-wknd01"
WEEKEND_RECORD = f"""\
id: {WEEKEND}
title: Machtigingenregister traag in het weekend
type: verstoring
reporter: volmacht
affected:
  - poortwachter
priority: P2
status: in_progress
times:
  detected: 2026-10-24T17:50:00+02:00
  reported: 2026-10-24T18:00:00+02:00
"""

#: A reportable data breach, aware at 16:00 CEST on Friday: the 72 hours end at 15:00 CET on
#: Monday, across the night the clocks go back.
BREACH = "2026-10-23-datalk"
BREACH_RECORD = f"""\
id: {BREACH}
title: Export met aanvraaggegevens naar een verkeerde ontvanger gemaild
type: informatiebeveiligingsincident
reporter: tokenfabriek
priority: P3
status: new
times:
  detected: 2026-10-23T15:30:00+02:00
  reported: 2026-10-23T16:10:00+02:00
facts:
  confidentiality_integrity_impact: true
  reportable_data_breach: true
data_breach:
  aware_at: 2026-10-23T16:00:00+02:00
"""


def add_incident(root: Path, incident_id: str, body: str) -> Path:
    path = root / "incidents" / f"{incident_id}.yaml"
    path.write_text(INCIDENT_SCHEMA + body)
    return path
