"""The standing agreements as one run reads them: the time zone they set.

The register of parties, the service levels and the incident criteria live in afspraken/;
what every command needs of them is read from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.models.agreements import ServiceLevels

#: The time zone of records judged without service levels to name one.
DEFAULT_TIMEZONE = "Europe/Amsterdam"


def timezone_of(levels: ServiceLevels | None) -> ZoneInfo:
    """The time zone the service levels name, the default without them."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(levels.timezone if levels is not None else DEFAULT_TIMEZONE)

