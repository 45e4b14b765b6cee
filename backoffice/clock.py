"""The one clock. Instants are kept in UTC; "today" is the date in England.

The server runs in UTC, but a partnership in England counts its days in Europe/London: between 23:00
and midnight in British Summer Time it is already tomorrow there. Every deadline, "in the future"
check and publication date asks this module, never `date.today()` or `datetime.now()`.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")  # tzdata is pinned, so this works without the system's zone files


def now() -> datetime:
    """This instant, in UTC (as timestamps are stored)."""
    return datetime.now(timezone.utc)


def today(at: datetime | None = None) -> date:
    """The date in England now (or at the instant `at`)."""
    return (at or now()).astimezone(ENGLAND).date()
