"""Which of the Complaint Handling Code's exclusions apply to a complaint, from its answers.

Worked out again from the answers as they stand (after every answer, and at filing), never kept
from an earlier answer: a corrected date, service or yes/no answer removes or adds one. An
exclusion never stops a complaint being recorded: it is filed as "not accepted - pending review"
for a person to decide. Only clear answers bring one (Code 2.2 / 2.3): "not sure" never does;
a problem still going on is never too old; and an old problem is too old only when the resident
also became aware of it longer ago than the time limit.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

from dateutil.relativedelta import relativedelta

# In the order the case records them (the first is the case's exclusion; staff see them all).
ORDER = ("already_investigated", "legal_proceedings", "too_old")


def event_date(slots: Mapping[str, Any]) -> date | None:
    raw = slots.get("event_date")
    return date.fromisoformat(raw) if raw else None


def too_old(event: date | None, today: date, months: int) -> bool:
    """Older than the time limit of `months` months before `today`."""
    return event is not None and event < today - relativedelta(months=months)


def applying(slots: Mapping[str, Any], today: date, time_limit_months: Callable[[str], int],
             service: str | None) -> list[str]:
    """The exclusions the answers show, in ORDER. `service` is the one whose time limit counts;
    None while it is not known yet (then "too old" waits for it: the limits differ)."""
    if slots.get("feedback_kind") != "complaint":
        return []
    unsure = set(slots.get("unsure_answers") or [])
    found = []
    if slots.get("already_investigated") is True and "already_investigated" not in unsure:
        found.append("already_investigated")
    if slots.get("legal_proceedings") is True and "legal_proceedings" not in unsure:
        found.append("legal_proceedings")
    if service and clearly_too_old(slots, today, time_limit_months(service), unsure):
        found.append("too_old")
    return found


def clearly_too_old(slots: Mapping[str, Any], today: date, months: int, unsure: set) -> bool:
    """Too old on clear answers: the problem has stopped (a clear no to "still happening"), it
    happened longer ago than the limit, and the resident became aware of it longer ago too.
    Where the limit counts from the home's reservation or completion (`home_date_needed`), only
    that date, given clearly, decides."""
    if slots.get("home_date_needed"):
        home = slots.get("home_date")
        return bool(home) and "home_date_text" not in unsure \
            and too_old(date.fromisoformat(home), today, months)
    if not too_old(event_date(slots), today, months):
        return False
    if slots.get("still_happening") is not False or "still_happening" in unsure:
        return False
    aware = slots.get("aware_date")
    if not aware or "aware_date_text" in unsure:
        return False
    return too_old(date.fromisoformat(aware), today, months)


def recorded(slots: Mapping[str, Any]) -> list[str]:
    """The exclusions already explained in this conversation (the `exclusion` slot holds their
    keys, separated by spaces)."""
    return [key for key in (slots.get("exclusion") or "").split() if key]
