"""Working days and months as the statutory timescales count them (domain-reference 5.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.domain.calendar import (
    add_months,
    add_working_days,
    is_working_day,
    sub_working_days,
    working_days_between,
)

# (start, working days, expected): the worked examples of domain-reference 5.1 and other real dates
# around Christmas, New Year, Easter and the May bank holidays in England.
WORKING_DAY_TABLE = [
    (date(2025, 5, 2), 5, date(2025, 5, 12)),  # SIN due: Mon 5 May is a bank holiday
    (date(2025, 12, 17), 15, date(2026, 1, 12)),  # RR due: 25, 26 Dec and 1 Jan skipped
    (date(2026, 3, 27), 15, date(2026, 4, 21)),  # RR due: Good Friday 3 Apr, Easter Monday 6 Apr
    (date(2025, 12, 24), 1, date(2025, 12, 29)),  # Christmas Eve + 1: over Christmas and Boxing Day
    (date(2025, 12, 31), 1, date(2026, 1, 2)),  # New Year's Day skipped
    (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Boxing Day is a Saturday: substitute Mon 28 Dec
    (date(2025, 4, 17), 1, date(2025, 4, 22)),  # Maundy Thursday + 1: Good Friday and Easter Monday
    (date(2025, 5, 23), 1, date(2025, 5, 27)),  # Spring bank holiday Mon 26 May
    (date(2025, 11, 22), 5, date(2025, 11, 28)),  # a Saturday start counts as day 0
    (date(2025, 11, 24), 0, date(2025, 11, 24)),
]


@pytest.mark.parametrize("start, n, expected", WORKING_DAY_TABLE)
def test_working_days_skip_weekends_and_english_bank_holidays(start, n, expected):
    assert add_working_days(start, n) == expected


def test_seven_working_days_before_a_planned_publication():
    assert sub_working_days(date(2026, 3, 2), 7) == date(2026, 2, 19)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 10, 31), 1, date(2025, 11, 30)),
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_bank_holidays_are_those_of_england_not_scotland():
    assert not is_working_day(date(2025, 8, 25))  # England's late summer bank holiday
    assert is_working_day(date(2025, 8, 4))  # Scotland's summer bank holiday is a working day here
    assert is_working_day(date(2026, 1, 2))  # 2 January is a holiday in Scotland only


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=120)


@given(days, st.integers(min_value=1, max_value=120))
def test_the_result_is_always_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@given(days, counts)
def test_adding_then_subtracting_returns_no_later_than_the_start(start, n):
    assert sub_working_days(add_working_days(start, n), n) <= start


@given(days, counts)
def test_adding_then_subtracting_returns_the_start_when_it_is_a_working_day(start, n):
    if is_working_day(start):
        assert sub_working_days(add_working_days(start, n), n) == start


@given(days, counts, counts)
def test_monotonic_in_the_number_of_days(start, a, b):
    low, high = sorted((a, b))
    assert add_working_days(start, low) <= add_working_days(start, high)


@given(days, counts)
def test_counting_back_the_working_days_between_gives_the_same_count(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(days, st.integers(min_value=1, max_value=60))
def test_n_working_days_take_at_least_n_calendar_days(start, n):
    assert add_working_days(start, n) - start >= timedelta(days=n)
