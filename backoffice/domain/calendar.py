"""Working days and calendar months, as the statutory timescales count them (domain-reference 5.1).

A working day is Monday to Friday and not an England-and-Wales bank holiday. Bank holidays come
offline from the maintained `holidays` package (GOV.UK's list, including substitute days), never
from a network call at run time. "Within N working days of X" counts X as day 0, whether or not X
is itself a working day. Months are calendar months, clamped to the end of a shorter month.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England-and-Wales bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


@lru_cache(maxsize=8192)  # a report asks it of the same few hundred dates for thousands of rows
def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n < 0: before it). `start` itself is day 0."""
    step = 1 if n >= 0 else -1
    day, remaining = start, abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def sub_working_days(day: date, n: int) -> date:
    """The n-th working day before `day`."""
    return add_working_days(day, -n)


def add_months(start: date, n: int) -> date:
    """Calendar months, clamped: 31 Aug 2025 + 6 months = 28 Feb 2026."""
    return start + relativedelta(months=n)


def working_days_between(start: date, end: date) -> int:
    """How many working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for k in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=k)))
