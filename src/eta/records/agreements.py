"""The standing agreements as one run reads them: the time zone they set.

The register of parties, the service levels and the incident criteria live in afspraken/;
what every command needs of them is read from here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from eta.models.agreements import ServiceLevels


def timezone_of(levels: ServiceLevels | None) -> ZoneInfo:
    """The time zone the service levels name, the default without them."""
    if levels is not None:
        return levels.zone
    from zoneinfo import ZoneInfo

    from eta.models.agreements import DEFAULT_TIMEZONE

    return ZoneInfo(DEFAULT_TIMEZONE)


def repository_zone(root: Path) -> ZoneInfo:
    """The time zone afspraken/service-levels.yaml names, or the default where that file is
    missing or invalid (`eta check` reports it; a time given with its offset needs none)."""
    import os

    from eta.models.agreements import ServiceLevels
    from eta.records.layout import relative
    from eta.records.read import load_record

    path = root / "afspraken" / "service-levels.yaml"
    result = load_record(root, path, relative(root, path)) if os.path.lexists(path) else None
    record = result.loaded.record if result is not None and result.loaded is not None else None
    return timezone_of(record if isinstance(record, ServiceLevels) else None)


def now_in(tz: ZoneInfo) -> dt.datetime:
    """The clock's moment in `tz`, to the second, as records write moments."""
    return dt.datetime.now(tz).replace(microsecond=0)
