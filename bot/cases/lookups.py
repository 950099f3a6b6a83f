"""A resident looking up their case: the reference plus the postcode or e-mail it holds, with the
lockout counted in the same transaction as the look-up.

This is the only way to reach a case from a conversation (the status check, a stage 2 request,
adding information), so no path can go around the lockout. Failed look-ups are kept in the case
store's database (table `verification_failures`), never in the conversation, so restarting the
conversation changes nothing: MAX_FAILURES from one conversation within LOCK_SECONDS lock it for
LOCK_SECONDS; MAX_REFERENCE_FAILURES against one reference, from however many conversations,
within REFERENCE_WINDOW_SECONDS lock that reference as long (a few guesses a day, so nobody can
work through the postcodes of an area; the resident, if it is their case, is told to contact us).

Counted atomically: on SQLite the writing transaction (BEGIN IMMEDIATE) serialises look-ups; on
PostgreSQL each takes transaction-level advisory locks on its conversation and its reference
first, so two look-ups at once cannot both pass the check before either records its failure.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import contacts, references
from bot.cases.models import Case, VerificationFailure as Failure
from bot.ops import metrics

MAX_FAILURES = 3
LOCK_SECONDS = 15 * 60
MAX_REFERENCE_FAILURES = 5
REFERENCE_WINDOW_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Lookup:
    """What a look-up found: the case (None for a wrong pair, an unknown reference or a refused
    look-up) and, when look-ups are refused now, until when."""

    case: Case | None
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def _lock_key(kind: str, value: str) -> int:
    """A signed 64-bit advisory lock key for one conversation or reference."""
    digest = hashlib.sha256(f"intake-lookup:{kind}:{value}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _serialise(session: Session, conversation_id: str, reference: str | None) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the database's write lock
    keys = sorted({_lock_key("conversation", conversation_id),
                   *([_lock_key("reference", reference)] if reference else [])})
    for key in keys:  # always in the same order, so two look-ups cannot deadlock
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _until(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """`limit` failures within `window` lock for `window` after the last of them. `times`: the
    failures of the last two windows, oldest first."""
    until = None
    for last in range(limit - 1, len(times)):
        if times[last] - times[last - limit + 1] <= window:
            until = times[last] + window
    return until


def _locked_until(session: Session, now: datetime, conversation_id: str,
                  reference: str | None) -> datetime | None:
    conversation_window = timedelta(seconds=LOCK_SECONDS)
    reference_window = timedelta(seconds=REFERENCE_WINDOW_SECONDS)
    by_conversation = list(session.execute(
        select(Failure.at).where(Failure.conversation_id == conversation_id,
                                 Failure.at > now - 2 * conversation_window)
        .order_by(Failure.at)).scalars())
    by_reference = list(session.execute(
        select(Failure.at).where(Failure.reference == reference,
                                 Failure.at > now - 2 * reference_window)
        .order_by(Failure.at)).scalars()) if reference else []
    until = [moment for moment in (
        _until(by_conversation, MAX_FAILURES, conversation_window),
        _until(by_reference, MAX_REFERENCE_FAILURES, reference_window))
        if moment is not None and moment > now]
    return max(until) if until else None


def _matching_case(session: Session, reference: str, postcode_or_email: str) -> Case | None:
    """The case, if `postcode_or_email` matches the one it holds; otherwise None, the same for
    a wrong pair as for an unknown reference."""
    given_postcode, given_email = contacts.match_key(postcode_or_email or "")
    case = session.execute(select(Case).where(
        Case.reference == reference, Case.anonymised_at.is_(None))).scalar_one_or_none()
    held_postcode = case.postcode_key if case is not None else None
    held_email = case.email_key if case is not None else None
    matched = False
    # Compare both, always, in constant time, so that timing tells nothing either.
    for held, given in ((held_postcode, given_postcode), (held_email, given_email)):
        same = hmac.compare_digest((held or "\x00held").encode(), (given or "\x00given").encode())
        matched = matched or (same and held is not None)
    return case if matched else None


class ResidentLookup:
    """Look-ups of a case store (`store.write()` for sessions, `store.now()` for the clock)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def locked_until(self, conversation_id: str, reference: str | None = None) -> datetime | None:
        """Until when this conversation (and, given one, this reference) is refused look-ups;
        None when it may look up a case now."""
        with self.store.read() as session:
            return _locked_until(session, self.store.now(), conversation_id,
                                 _canonical(reference))

    def is_locked(self, conversation_id: str, reference: str | None = None) -> bool:
        return self.locked_until(conversation_id, reference) is not None

    def look_up(self, conversation_id: str, reference: str, postcode_or_email: str) -> Lookup:
        """The case for this reference and postcode or e-mail, in one transaction: refused while
        locked (nothing is looked up), a failure counted when they do not match. Raises
        InvalidReference for a reference that is not well-formed (nothing is counted: it
        cannot name a case)."""
        canonical = references.parse(reference)
        now = self.store.now()
        with self.store.write() as session:
            _serialise(session, conversation_id, canonical)
            locked = _locked_until(session, now, conversation_id, canonical)
            if locked is not None:
                metrics.CASE_LOOKUPS.labels("locked").inc()
                return Lookup(None, locked)
            case = _matching_case(session, canonical, postcode_or_email)
            if case is not None:
                metrics.CASE_LOOKUPS.labels("found").inc()
                return Lookup(case)
            oldest = now - 2 * timedelta(seconds=max(LOCK_SECONDS, REFERENCE_WINDOW_SECONDS))
            session.execute(sa.delete(Failure).where(Failure.at <= oldest))
            session.add(Failure(conversation_id=conversation_id[:255], reference=canonical, at=now))
            session.flush()
            locked = _locked_until(session, now, conversation_id, canonical)
            metrics.CASE_LOOKUPS.labels("not_matched").inc()
            if locked is not None:
                metrics.LOCKOUTS.inc()
            return Lookup(None, locked)


def _canonical(reference: str | None) -> str | None:
    if not reference:
        return None
    try:
        return references.parse(reference)
    except references.InvalidReference:
        return None
