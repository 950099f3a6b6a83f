"""The words every part of Intake shares, written once.

The five kinds of feedback a resident can give are the case types of the store, the kinds the
classifier tells apart, the kinds a policy profile sets timescales for and the rows of the staff
reports; each of those modules names them from here.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

CASE_TYPES: tuple[str, ...] = ("complaint", "service_request", "asb_report", "comment", "compliment")

# Every date and deadline is a UK one: working days, bank holidays, "today" for a resident, the
# times staff see. Datetimes are stored in UTC and shown and counted in this zone.
UK = ZoneInfo("Europe/London")
