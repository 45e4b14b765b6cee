"""The one clock: instants in UTC, "today" as it is in England, asked for in one place."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from backoffice import clock

BACKOFFICE = Path(__file__).parent.parent / "backoffice"


@pytest.mark.parametrize("instant, in_england", [
    (datetime(2026, 7, 1, 22, 59, tzinfo=timezone.utc), date(2026, 7, 1)),
    (datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc), date(2026, 7, 2)),  # past midnight in British Summer Time
    (datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc), date(2026, 12, 1)),  # Greenwich Mean Time: still the 1st
    (datetime(2027, 3, 28, 0, 30, tzinfo=timezone.utc), date(2027, 3, 28)),  # the night the clocks go forward
])
def test_today_is_the_date_in_england_not_on_the_server(instant, in_england):
    assert clock.today(instant) == in_england


def test_now_is_an_instant_in_utc():
    assert clock.now().utcoffset().total_seconds() == 0


def test_no_module_reads_the_servers_own_clock():
    readers = [
        f"{path.relative_to(BACKOFFICE)}:{number}"
        for path in BACKOFFICE.rglob("*.py") if path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bdate\.today\(\)|\bdatetime\.(now|utcnow|today)\(", line)
    ]
    assert readers == []
