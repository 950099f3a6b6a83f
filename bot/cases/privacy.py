"""Personal data: the retention period, subject access, and erasure.

- `apply_retention`: closed cases (closed or not accepted) whose closure is older than the policy
  profile's retention period are anonymised.
- `subject_access_export`: everything held about one resident, found by e-mail, phone or a case
  reference (the reference's own e-mail and phone then find their other cases).
- `erase_subject`: anonymises every case of one resident now.

Anonymising empties the resident's words and details (PERSONAL_FIELDS, `extra`, the free text in
the history, and the copies waiting in the outbox) and keeps what the statistics need: type,
service, channel, status, stage, flags, dates, deadlines, the policy, and the history's kinds,
actors and dates. Each of these writes an entry to the case's history (and is forwarded, so the
landlord's own system can do the same).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.cases import contacts, references
from bot.cases.export import case_to_dict
from bot.cases.models import (
    FINAL_STATUSES, PERSONAL_FIELDS, Case, CaseEvent, OutboxMessage,
)
from bot.cases.store import LONDON, CaseNotFound, CaseStore

DEFAULT_RETENTION_YEARS = 6
REMOVED = "[removed]"
# History details that hold no personal data and stay after anonymisation.
SAFE_DETAIL_KEYS = frozenset({
    "policy_profile", "deadlines", "deadline", "deadline_error", "previous_date", "new_date",
    "reason", "within_window", "merged", "linked_reference", "related_reference", "exclusion",
    "accepted_despite_exclusion", "decision", "target_date", "done_date", "from", "to",
    "retention_years", "closed_before", "matched_by", "cases", "reason_text",
    "before_stage1_response",
})
# Of those, the ones that may be free text written about the resident.
_FREE_TEXT_KEYS = frozenset({"reason"})


def retention_years(profile) -> int:
    years = getattr(profile, "retention_years", None)
    return int(years) if years else DEFAULT_RETENTION_YEARS


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _scrub_details(details: dict[str, Any] | None) -> dict[str, Any]:
    scrubbed = {}
    for key, value in (details or {}).items():
        if key in SAFE_DETAIL_KEYS and key not in _FREE_TEXT_KEYS:
            scrubbed[key] = value
        elif key in _FREE_TEXT_KEYS and isinstance(value, str) and " " not in value.strip():
            scrubbed[key] = value  # a reason key such as "complex_repairs", not words
        elif value is not None:
            scrubbed[key] = REMOVED
        else:
            scrubbed[key] = None
    return scrubbed


def _anonymise(store: CaseStore, session, case: Case, kind: str, actor: str,
               details: dict[str, Any]) -> None:
    """Empty one case's personal data, within the caller's transaction, and record `kind`."""
    now = store.now()
    for name in PERSONAL_FIELDS:
        column = Case.__table__.c[name]
        setattr(case, name, "" if not column.nullable else None)
    case.extra = {}
    case.idempotency_key = "anonymised:" + case.reference
    case.anonymised_at = now
    events = session.execute(select(CaseEvent.id, CaseEvent.details).where(
        CaseEvent.case_id == case.id)).all()
    table = CaseEvent.__table__
    for event_id, event_details in events:
        # The one sanctioned change to the history: removing personal text from it.
        session.execute(table.update().where(table.c.id == event_id)
                        .values(details=_scrub_details(event_details)))
    session.flush()
    snapshot = case_to_dict(case)
    for message in session.execute(select(OutboxMessage).where(
            OutboxMessage.case_id == case.id)).scalars():
        payload = json.loads(message.payload)
        if message.delivered_at is None:
            payload["case"] = snapshot
            if isinstance(payload.get("event"), dict):
                payload["event"]["details"] = _scrub_details(payload["event"].get("details"))
        else:
            payload = {"event_id": payload.get("event_id"), "type": payload.get("type"),
                       "redacted": True}
        message.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":"))
    store._record(session, case, kind, actor, details, status_before=case.status, at=now)


# --- retention -------------------------------------------------------------------------------

@dataclass
class RetentionResult:
    years: int
    closed_before: date
    references: list[str] = field(default_factory=list)
    dry_run: bool = False


def apply_retention(store: CaseStore, *, years: int | None = None, as_of: date | None = None,
                    actor: str = "system:retention", dry_run: bool = False,
                    batch: int = 200) -> RetentionResult:
    """Anonymise closed cases whose closure is older than the retention period (in years; default
    the active policy profile's)."""
    if years is None:
        years = retention_years(store.profile(None))
    if years < 0:
        raise ValueError("the retention period cannot be negative")
    cutoff_day = years_before(as_of or store.today(), years)
    cutoff = datetime(cutoff_day.year, cutoff_day.month, cutoff_day.day,
                      tzinfo=LONDON).astimezone(timezone.utc)
    result = RetentionResult(years=years, closed_before=cutoff_day, dry_run=dry_run)
    condition = sa.and_(Case.status.in_(FINAL_STATUSES), Case.closed_at.is_not(None),
                        Case.closed_at < cutoff, Case.anonymised_at.is_(None))
    if dry_run:
        with store.read() as session:
            result.references = list(session.execute(
                select(Case.reference).where(condition).order_by(Case.closed_at)).scalars())
        return result
    while True:
        with store.write() as session:
            cases = list(session.execute(select(Case).where(condition).order_by(Case.id)
                                         .limit(batch).with_for_update()).scalars())
            for case in cases:
                _anonymise(store, session, case, "anonymised", actor,
                           {"retention_years": years, "closed_before": cutoff_day.isoformat()})
                result.references.append(case.reference)
        if len(cases) < batch:
            return result


# --- subject access and erasure ---------------------------------------------------------------

@dataclass
class Subject:
    """Who a subject access or erasure request is about."""

    email: str | None = None
    phone: str | None = None
    reference: str | None = None

    def describe(self) -> list[str]:
        return [name for name in ("email", "phone", "reference") if getattr(self, name)]


def find_subject_cases(session, subject: Subject) -> list[Case]:
    """The resident's cases: by e-mail, by phone, or a reference and the cases sharing its e-mail
    or phone. Anonymised cases hold nothing about anyone and are not found."""
    if not subject.describe():
        raise ValueError("give an e-mail address, a phone number or a case reference")
    email_keys, phone_keys, ids = set(), set(), set()
    if subject.email:
        key = contacts.email_key(subject.email)
        if key is None:
            raise ValueError(f"not an e-mail address: {subject.email!r}")
        email_keys.add(key)
    if subject.phone:
        key = contacts.phone_key(subject.phone)
        if key is None:
            raise ValueError(f"not a phone number: {subject.phone!r}")
        phone_keys.add(key)
    if subject.reference:
        canonical = references.parse(subject.reference)
        case = session.execute(select(Case).where(Case.reference == canonical)).scalar_one_or_none()
        if case is None:
            raise CaseNotFound(f"no case has the reference {canonical}")
        ids.add(case.id)
        if case.email_key:
            email_keys.add(case.email_key)
        if case.phone_key:
            phone_keys.add(case.phone_key)
    conditions = []
    if ids:
        conditions.append(Case.id.in_(ids))
    if email_keys:
        conditions.append(Case.email_key.in_(email_keys))
    if phone_keys:
        conditions.append(Case.phone_key.in_(phone_keys))
    return list(session.execute(
        select(Case).where(sa.or_(*conditions), Case.anonymised_at.is_(None))
        .options(selectinload(Case.events)).order_by(Case.created_at, Case.id)
        .with_for_update()).scalars())


def subject_access_export(store: CaseStore, subject: Subject, *, actor: str) -> dict[str, Any]:
    """Everything held about one resident, as JSON-ready data; each case's history records it."""
    with store.write() as session:
        cases = find_subject_cases(session, subject)
        exported = []
        for case in cases:
            related = case.related_case.reference if case.related_case_id else None
            exported.append(case_to_dict(case, related_reference=related, history=case.events))
        now = store.now()
        for case in cases:
            store._record(session, case, "subject_access_export", actor,
                          {"matched_by": subject.describe(), "cases": len(cases)},
                          status_before=case.status, at=now)
    return {"generated_at": now.isoformat(), "requested_by": actor,
            "matched_by": subject.describe(), "cases": exported}


def erase_subject(store: CaseStore, subject: Subject, *, actor: str) -> list[str]:
    """Anonymise every case of one resident now; returns their references."""
    with store.write() as session:
        cases = find_subject_cases(session, subject)
        for case in cases:
            _anonymise(store, session, case, "erased", actor,
                       {"matched_by": subject.describe(), "cases": len(cases)})
        return [case.reference for case in cases]
