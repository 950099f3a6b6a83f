"""The words every part of Intake shares, written once.

The five kinds of feedback a resident can give are the case types of the store, the kinds the
classifier tells apart, the kinds a policy profile sets timescales for and the rows of the staff
reports; each of those modules names them from here.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Literal, TypeGuard, get_args
from zoneinfo import ZoneInfo

CaseTypeName = Literal["complaint", "service_request", "asb_report", "comment", "compliment"]
CASE_TYPES: tuple[str, ...] = get_args(CaseTypeName)


def is_case_type(value: object) -> TypeGuard[CaseTypeName]:
    """Whether `value` is one of CASE_TYPES (for mypy, a str checked this way is one of them)."""
    return value in CASE_TYPES


# Every date and deadline is a UK one: working days, bank holidays, "today" for a resident, the
# times staff see. Datetimes are stored in UTC and shown and counted in this zone.
UK = ZoneInfo("Europe/London")


def uk_midnight(day: date) -> datetime:
    """The moment (in UTC) a UK calendar day starts: the bound of a day's cases or a cut-off."""
    return datetime(day.year, day.month, day.day, tzinfo=UK).astimezone(timezone.utc)
