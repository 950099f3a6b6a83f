"""The working-day calendar: weekends and the bank holidays of a UK region.

The rule every deadline follows (see the policy-profile issue):

* A working day is Monday to Friday and not a bank holiday of the region (substitute days
  included), from the `holidays` package.
* "Within N working days of D" is the Nth working day after D. D itself is never counted, whether
  or not it is a working day: a complaint received on a Saturday, on Christmas Day or on a Monday
  morning all count from the next working day.
* "Within N calendar days of D" is D + N days.

Regions are named as in the policy profiles: `england-and-wales` (the default), `scotland`,
`northern-ireland`. Datetimes are accepted wherever a date is and reduced to their date; callers
that hold timezone-aware datetimes should convert them to UK time first
(`bot.policy.deadlines.uk_date` does).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

DEFAULT_REGION = "england-and-wales"

# Region name in the profiles -> subdivision of holidays.UnitedKingdom. England and Wales share
# their bank holidays; "ENG" gives them, with substitute ("observed") days when one falls at a
# weekend, e.g. Monday 28 December 2026 and Monday 27 / Tuesday 28 December 2027.
REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


def _check_region(region: str) -> str:
    if region not in REGIONS:
        known = ", ".join(REGIONS)
        raise ValueError(f"unknown bank-holiday region {region!r}; known regions: {known}")
    return REGIONS[region]


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}: {d!r}")
    return d


@lru_cache(maxsize=None)
def _holidays_of(region: str, year: int) -> dict[date, str]:
    """The bank holidays of one region and year (cached: computing them is not free)."""
    subdiv = _check_region(region)
    return dict(holidays.country_holidays("GB", subdiv=subdiv, years=year, language="en_GB"))


def bank_holidays(year: int, region: str = DEFAULT_REGION) -> dict[date, str]:
    """The bank holidays of `region` in `year`, date -> name, in date order."""
    return dict(sorted(_holidays_of(region, year).items()))


def is_bank_holiday(d: date, region: str = DEFAULT_REGION) -> bool:
    d = _as_date(d)
    return d in _holidays_of(region, d.year)


def is_working_day(d: date, region: str = DEFAULT_REGION) -> bool:
    """Monday to Friday, and not a bank holiday of the region."""
    d = _as_date(d)
    _check_region(region)
    return d.weekday() < 5 and not is_bank_holiday(d, region)


def next_working_day(d: date, region: str = DEFAULT_REGION) -> date:
    """The first working day after `d` (`d` itself never counts)."""
    return add_working_days(d, 1, region)


def add_working_days(d: date, n: int, region: str = DEFAULT_REGION) -> date:
    """The Nth working day after `d`; `d` itself is never counted. n = 0 gives `d` unchanged."""
    d = _as_date(d)
    _check_region(region)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"number of working days must be a whole number of 0 or more, not {n!r}")
    day, counted = d, 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, region):
            counted += 1
    return day


def add_calendar_days(d: date, n: int) -> date:
    """`d` + N days ("within N calendar days of D")."""
    d = _as_date(d)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"number of calendar days must be a whole number of 0 or more, not {n!r}")
    return d + timedelta(days=n)


def working_days_between(start: date, end: date, region: str = DEFAULT_REGION) -> int:
    """How many working days after `start` up to and including `end` (0 if `end` <= `start`).

    The inverse of add_working_days for a working day `end`:
    working_days_between(d, add_working_days(d, n)) == n. Reports use it to say how many working
    days a response took, or how late it was.
    """
    start, end = _as_date(start), _as_date(end)
    _check_region(region)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, region):
            count += 1
    return count
