"""Personal data: the retention period, subject access, and erasure.

- `apply_retention`: closed cases (closed or not accepted) whose closure is older than the policy
  profile's retention period are anonymised, and their conversations deleted from the tracker
  store; conversations that filed no case are deleted once idle for
  INTAKE_CONVERSATION_RETENTION_DAYS.
- `subject_access_export`: everything held about one resident, found by e-mail, phone or a case
  reference (the reference's own e-mail and phone then find their other cases), with the
  transcript of the conversation that filed each case. A case whose e-mail or phone staff
  corrected is found by the value it had too: the old value lives on only in its history (the
  `field_corrected` entries), which the export includes.
- `erase_subject`: anonymises every case of one resident now (those found by a corrected value
  too) and deletes their conversations.

Anonymising empties the resident's words and details (PERSONAL_FIELDS, `extra`, the free text in
the history, the old and new values of its corrections among it, and the copies waiting in the
outbox) and keeps what the statistics need: type,
service, channel, status, stage, flags, dates, deadlines, the policy, and the history's kinds,
actors and dates. Each of these writes an entry to the case's history (and is forwarded, so the
landlord's own system can do the same); the entry says how many of the conversation's events were
deleted from the tracker store, nothing more.

The conversations live in another database (Rasa's tracker store, `bot.cases.tracker`), so no
transaction spans both. The order makes a failure visible instead of half done: the tracker store
is checked first; the cases are changed, unsaved, inside the case store's transaction; the
conversations are deleted inside the tracker store's; the tracker store commits, then the case
store. A failure before the tracker store's commit leaves both as they were; a failure of the
case store's commit after it (the only gap) is reported as such and running the command again
completes it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot import settings
from bot.cases import attachments, contacts, db, references, search
from bot.cases.export import case_to_dict
from bot.cases.models import (
    FINAL_STATUSES, PERSONAL_FIELDS, Case, CaseEvent, FollowUp, OutboxMessage,
)
from bot.cases.store import CaseNotFound, CaseStore
from bot.vocabulary import uk_midnight
from bot.cases.tracker import TrackerStore

DEFAULT_RETENTION_YEARS = 6
REMOVED = "[removed]"
# History details that hold no personal data and stay after anonymisation.
SAFE_DETAIL_KEYS = frozenset({
    "policy_profile", "deadlines", "deadline", "deadline_error", "previous_date", "new_date",
    "reason", "within_window", "merged", "linked_reference", "related_reference", "exclusion",
    "accepted_despite_exclusion", "decision", "target_date", "done_date", "from", "to",
    "retention_years", "closed_before", "matched_by", "cases", "reason_text",
    "before_stage1_response", "transcript_events", "team", "attachments", "field",
    "other_reference", "stopped",
})
# Of those, the ones that may be free text written about the resident: kept only as a key (an
# extension's "complex_repairs"), not as words, nor as a single "word" such as an e-mail address
# (a correction's reason).
_FREE_TEXT_KEYS = frozenset({"reason"})
_KEY = re.compile(r"[a-z0-9_]{1,64}")
# The fields whose corrections find a resident: a corrected case no longer has the old value, so
# only its history (`field_corrected`: "field", "old", "new") says it once held it.
_CONTACT_KEYS = {"email": contacts.email_key, "phone": contacts.phone_key}


def retention_years(profile) -> int:
    years = getattr(profile, "retention_years", None)
    return int(years) if years else DEFAULT_RETENTION_YEARS


def service_retention_years(profile) -> dict[str, int]:
    """The services whose retention differs from the profile's (e.g. care records kept longer)."""
    default = retention_years(profile)
    per_service = getattr(profile, "service_retention_years", None)
    found = per_service() if callable(per_service) else {}
    return {key: int(years) for key, years in found.items() if int(years) != default}


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
        elif key in _FREE_TEXT_KEYS and isinstance(value, str) and _KEY.fullmatch(value.strip()):
            scrubbed[key] = value  # a reason key such as "complex_repairs", not words
        elif value is not None:
            scrubbed[key] = REMOVED
        else:
            scrubbed[key] = None
    return scrubbed


def _anonymise(store: CaseStore, session, case: Case, kind: str, actor: str,
               details: dict[str, Any], files=None) -> None:
    """Empty one case's personal data, within the caller's transaction, and record `kind`.
    The case's photos, videos and documents are deleted, rows and files (`files`: the evidence
    store, default the settings')."""
    now = store.now()
    removed_files = attachments.delete_for(session, files, case_ids=[case.id])
    if removed_files:
        details = {**details, "attachments": removed_files}
    for name in PERSONAL_FIELDS:
        column = Case.__table__.c[name]
        setattr(case, name, "" if not column.nullable else None)
    case.extra = {}
    for item in session.execute(select(FollowUp).where(FollowUp.case_id == case.id)).scalars():
        item.description = REMOVED  # what was promised may name the resident or their home
        item.done_note = REMOVED if item.done_note else None
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
            if "files" in payload:
                payload["files"] = []   # deleted with the case's anonymisation
            if isinstance(payload.get("event"), dict):
                payload["event"]["details"] = _scrub_details(payload["event"].get("details"))
        else:
            payload = {"event_id": payload.get("event_id"), "type": payload.get("type"),
                       "redacted": True}
        message.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":"))
    store._record(session, case, kind, actor, details, status_before=case.status, at=now)


# --- retention -------------------------------------------------------------------------------

def conversation_retention_days() -> int:
    """How long a conversation that filed no case is kept after its last message (a setting:
    what it holds is not a case record, so the policy profile's years do not apply)."""
    return settings.integer("INTAKE_CONVERSATION_RETENTION_DAYS", minimum=1, maximum=36500)


class PrivacyIncomplete(RuntimeError):
    """Part of the work was saved and part was not; the message says which, and running the
    command again finishes it."""


# The staff workspace's intent corrections (bot.staff.models.IntentCorrection, in the case
# store's database) keep a copy of single resident messages, by conversation. Named here rather
# than imported: the case store does not import the staff workspace.
_CORRECTIONS = sa.table("staff_intent_corrections", sa.column("sender_id"))


def _delete_corrections(session, conversations: set[str]) -> int:
    removed = 0
    for chunk in _chunks(sorted(conversations)):
        removed += session.execute(_CORRECTIONS.delete().where(
            _CORRECTIONS.c.sender_id.in_(chunk))).rowcount or 0
    return removed


def _chunks(items: list[str], size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _linked(session, conversations: set[str], *, unless=None) -> set[str]:
    """Which of these conversations a case links that is not anonymised (nor, with `unless`, one
    of the cases that condition selects)."""
    linked: set[str] = set()
    for chunk in _chunks(sorted(c for c in conversations if c)):
        query = select(Case.conversation_id).where(Case.conversation_id.in_(chunk),
                                                   Case.anonymised_at.is_(None))
        if unless is not None:
            query = query.where(sa.not_(unless))
        linked.update(session.execute(query).scalars())
    return linked


@dataclass
class RetentionResult:
    years: int
    closed_before: date
    idle_before: date
    references: list[str] = field(default_factory=list)
    dry_run: bool = False
    conversation_days: int = 0
    # The conversations of the anonymised cases, deleted from the tracker store (those another
    # case still open or within its retention also links are kept with that case).
    case_conversations: int = 0
    case_transcript_events: int = 0
    # Conversations that filed no case, idle since before `idle_before`: deleted.
    conversations: list[str] = field(default_factory=list)
    conversation_events: int = 0
    # Services kept for a different number of years than `years` (service -> years).
    service_years: dict[str, int] = field(default_factory=dict)


def apply_retention(store: CaseStore, *, tracker: TrackerStore, years: int | None = None,
                    conversation_days: int | None = None, as_of: date | None = None,
                    actor: str = "system:retention", dry_run: bool = False,
                    batch: int = 200, files=None) -> RetentionResult:
    """Anonymise closed cases whose closure is older than the retention period (in years; default
    the active policy profile's) and delete their conversations from the tracker store; delete the
    conversations that filed no case once idle for `conversation_days` (default the setting
    INTAKE_CONVERSATION_RETENTION_DAYS). With `dry_run`, only say what would go."""
    # A given number of years applies to every service; otherwise each service has the
    # profile's retention or its own.
    by_service: dict[str, int] = {}
    if years is None:
        profile = store.profile(None)
        years, by_service = retention_years(profile), service_retention_years(profile)
    if years < 0:
        raise ValueError("the retention period cannot be negative")
    if conversation_days is None:
        conversation_days = conversation_retention_days()
    if conversation_days < 1:
        raise ValueError("conversations are kept at least a day (one may be going on now)")
    today = as_of or store.today()
    cutoff_day = years_before(today, years)
    cutoff = uk_midnight(cutoff_day)
    idle_day = today - timedelta(days=conversation_days)
    idle_before = uk_midnight(idle_day)
    result = RetentionResult(years=years, closed_before=cutoff_day, dry_run=dry_run,
                             conversation_days=conversation_days, idle_before=idle_day,
                             service_years=dict(by_service))
    old_enough = [sa.and_(Case.service.not_in(list(by_service)) if by_service else sa.true(),
                          Case.closed_at < cutoff)]
    old_enough += [sa.and_(Case.service == key,
                           Case.closed_at < uk_midnight(years_before(today, service_years)))
                   for key, service_years in by_service.items()]
    condition = sa.and_(Case.status.in_(FINAL_STATUSES), Case.closed_at.is_not(None),
                        sa.or_(*old_enough), Case.anonymised_at.is_(None))
    tracker.check()  # before anything changes
    if dry_run:
        with store.read() as session:
            rows = session.execute(select(Case.reference, Case.conversation_id)
                                   .where(condition).order_by(Case.closed_at)).all()
            result.references = [row.reference for row in rows]
            conversations = {row.conversation_id for row in rows if row.conversation_id}
            conversations -= _linked(session, conversations, unless=condition)
        counts = tracker.event_counts(conversations)
        result.case_conversations = len(counts)
        result.case_transcript_events = sum(counts.values())
        idle = tracker.idle_conversations(idle_before)
        with store.read() as session:
            linked = _linked(session, set(idle))
        counts = tracker.event_counts(set(idle) - linked)
        result.conversations = [s for s in idle if s in counts]
        result.conversation_events = sum(counts.values())
        return result
    unsaved = 0  # events deleted from the tracker store for cases whose anonymising is not saved
    try:
        while True:
            with store.write() as session:
                cases = list(session.execute(select(Case).where(condition).order_by(Case.id)
                                             .limit(batch).with_for_update()).scalars())
                conversations = {case.conversation_id for case in cases if case.conversation_id}
                conversations -= _linked(session, conversations, unless=condition)
                with tracker.deleting() as deleter:
                    removed = deleter.delete(conversations)
                    for case in cases:
                        kept = by_service.get(case.service, years)
                        _anonymise(store, session, case, "anonymised", actor,
                                   {"retention_years": kept,
                                    "closed_before": years_before(today, kept).isoformat(),
                                    "transcript_events": removed.get(case.conversation_id, 0)},
                                   files)
                    attachments.delete_for(session, files, conversations=conversations)
                    session.flush()
                    if cases:
                        search.forget_deleted(session)  # their words gone from the index too
                unsaved = deleter.done.total
                references = [case.reference for case in cases]
            unsaved = 0  # both saved
            result.references += references
            result.case_conversations += deleter.done.conversations
            result.case_transcript_events += deleter.done.total
            if len(cases) < batch:
                break
        idle = tracker.idle_conversations(idle_before)
        for chunk in _chunks(idle):
            with store.read() as session:
                linked = _linked(session, set(chunk))
            with store.write() as session, tracker.deleting() as deleter:
                removed = deleter.delete(set(chunk) - linked, idle_before=idle_before)
                # The files sent in them that no case has go with them.
                attachments.delete_for(session, files,
                                       conversations=[s for s in chunk if removed.get(s)])
            result.conversations += [s for s in chunk if removed.get(s)]
            result.conversation_events += deleter.done.total
    except Exception as error:
        done = []
        if unsaved:
            done.append(f"{unsaved} event(s) of the conversations of the cases being anonymised "
                        f"were deleted from the tracker store, but the case store did not save "
                        f"the anonymising")
        if result.references:
            done.append(f"{len(result.references)} case(s) were anonymised and "
                        f"{result.case_conversations} of their conversation(s) deleted")
        if result.conversations:
            done.append(f"{len(result.conversations)} conversation(s) that filed no case "
                        f"were deleted")
        if done:
            raise PrivacyIncomplete(f"{error}; so far {'; '.join(done)}: run it again to finish"
                                    ) from error
        raise
    if result.references:
        db.forget_freed_pages(store.engine)  # no old copy of their pages left in the SQLite log
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


def subject_conversations(cases: list[Case], tracker: TrackerStore) -> set[str]:
    """The conversations about a resident's cases: those that filed them, and those where the
    resident gave one of their references or their e-mail address (a status check, a stage 2
    request, more information), which hold her words and details too."""
    filed = {case.conversation_id for case in cases if case.conversation_id}
    needles = [value for case in cases for value in (case.reference, case.email) if value]
    # The e-mail addresses a case had before staff corrected it: she may have given one.
    needles += [value for case in cases for entry in contact_corrections(case.events)
                if entry.details.get("field") == "email"
                for value in (entry.details.get("old"), entry.details.get("new"))
                if isinstance(value, str) and value]
    return filed | tracker.conversations_mentioning(needles)


def _contact_values(details: dict[str, Any] | None) -> tuple[str | None, set[str]]:
    """A correction's field (if an e-mail or phone) and the keys of its old and new values."""
    details = details or {}
    field_name = details.get("field")
    key = _CONTACT_KEYS.get(field_name) if field_name is not None else None
    if key is None:
        return None, set()
    found = {key(value) for value in (details.get("old"), details.get("new"))
             if isinstance(value, str)}
    return field_name, {k for k in found if k is not None}


def contact_corrections(events, email_keys: set[str] | None = None,
                        phone_keys: set[str] | None = None) -> list[CaseEvent]:
    """A case's corrections of its e-mail or phone (its history's `field_corrected` entries);
    given the keys asked about, only those whose old or new value is one of them."""
    found = []
    for event in events:
        if event.kind != "field_corrected":
            continue
        field_name, keys = _contact_values(event.details)
        wanted = email_keys if field_name == "email" else phone_keys
        if field_name is not None and (email_keys is None and phone_keys is None
                                       or keys & (wanted or set())):
            found.append(event)
    return found


def _corrected_from(session, email_keys: set[str], phone_keys: set[str]) -> set[int]:
    """The ids of the cases (not anonymised) whose corrections held one of these e-mail or phone
    keys, as the old value or a new one corrected again since: the case itself no longer has
    it. Corrections are few, and a request rare: the entries are read and compared here."""
    field_name = CaseEvent.details["field"].as_string()
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.details).join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind == "field_corrected", field_name.in_(list(_CONTACT_KEYS)),
               Case.anonymised_at.is_(None))).all()
    ids = set()
    for case_id, details in rows:
        name, keys = _contact_values(details)
        if keys & (email_keys if name == "email" else phone_keys):
            ids.add(case_id)
    return ids


def find_subject_cases(session, subject: Subject) -> list[Case]:
    """The resident's cases: by e-mail, by phone, or a reference and the cases sharing its e-mail
    or phone; each also where the case had it before staff corrected it (its history holds the
    old value). Anonymised cases hold nothing about anyone and are not found."""
    return _find_subject(session, subject)[0]


def _find_subject(session, subject: Subject) -> tuple[list[Case], set[str], set[str]]:
    """find_subject_cases, with the e-mail and phone keys the cases were looked for by."""
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
    if email_keys or phone_keys:
        ids |= _corrected_from(session, email_keys, phone_keys)
    conditions = []
    if ids:
        conditions.append(Case.id.in_(ids))
    if email_keys:
        conditions.append(Case.email_key.in_(email_keys))
    if phone_keys:
        conditions.append(Case.phone_key.in_(phone_keys))
    cases = list(session.execute(
        select(Case).where(sa.or_(*conditions), Case.anonymised_at.is_(None))
        .options(selectinload(Case.events)).order_by(Case.created_at, Case.id)
        .with_for_update()).scalars())
    return cases, email_keys, phone_keys


def subject_access_export(store: CaseStore, subject: Subject, *, actor: str,
                          tracker: TrackerStore, files=None) -> dict[str, Any]:
    """Everything held about one resident, as JSON-ready data: each case with its history and
    the transcript of the conversation that filed it (`transcript`: the resident's and the
    assistant's messages with their times), the corrections of its e-mail or phone that held the
    value asked about (`corrections_matched`: a case found by what it said before a correction),
    and the other conversations about those cases (`other_conversations`). Each case's history
    records the export."""
    tracker.check()
    if files is None:
        from bot.evidence import store_from_settings

        files = store_from_settings()
    with store.write() as session:
        cases, email_keys, phone_keys = _find_subject(session, subject)
        about = subject_conversations(cases, tracker)
        transcripts = tracker.transcripts(about)
        filed = {case.conversation_id for case in cases}
        exported = []
        for case in cases:
            related = case.related_case.reference if case.related_case_id else None
            data = case_to_dict(case, related_reference=related, history=case.events)
            # The corrections that held the e-mail or phone asked about (also in `history`):
            # what the case said before staff corrected it, and so why it is here.
            data["corrections_matched"] = [
                event.as_dict() for event in contact_corrections(case.events, email_keys,
                                                                 phone_keys)]
            data["transcript"] = transcripts.get(case.conversation_id, [])
            # The photos, videos and documents sent with it, each with its bytes.
            data["attachments"] = [attachments.exported(row, files)
                                   for row in attachments.of_case(session, case.id)]
            exported.append(data)
        # Files sent in those conversations that no case has (yet).
        unlinked = [attachments.exported(row, files) for sender in sorted(about)
                    for row in attachments.of_conversation(session, sender) if row.case_id is None]
        now = store.now()
        for case in cases:
            store._record(session, case, "subject_access_export", actor,
                          {"matched_by": subject.describe(), "cases": len(cases)},
                          status_before=case.status, at=now)
    # Conversations about the cases that filed none (look-ups, stage 2 requests).
    others = [{"conversation": sender, "transcript": transcripts[sender]}
              for sender in sorted(about - filed) if transcripts.get(sender)]
    return {"generated_at": now.isoformat(), "requested_by": actor,
            "matched_by": subject.describe(), "cases": exported, "other_conversations": others,
            "other_attachments": unlinked}


@dataclass
class ErasureResult:
    references: list[str] = field(default_factory=list)
    conversations: int = 0          # deleted from the tracker store
    transcript_events: int = 0      # their events
    intent_corrections: int = 0     # the staff's corrections of their messages


def erase_subject(store: CaseStore, subject: Subject, *, actor: str,
                  tracker: TrackerStore, files=None) -> ErasureResult:
    """Anonymise every case of one resident now, delete the conversations that filed them from
    the tracker store, and the staff's intent corrections of those conversations' messages.

    A conversation is deleted whole, also when it filed a case for someone else as well: the
    case records keep what was filed."""
    tracker.check()  # before anything changes
    result = ErasureResult()
    conversations_deleted = False
    try:
        with store.write() as session:
            cases = find_subject_cases(session, subject)
            conversations = subject_conversations(cases, tracker)
            with tracker.deleting() as deleter:
                removed = deleter.delete(conversations)
                corrections = _delete_corrections(session, conversations)
                for case in cases:
                    _anonymise(store, session, case, "erased", actor,
                               {"matched_by": subject.describe(), "cases": len(cases),
                                "transcript_events": removed.get(case.conversation_id, 0)},
                               files)
                attachments.delete_for(session, files, conversations=conversations)
                session.flush()
                if cases:
                    search.forget_deleted(session)  # her words gone from the search index too
            conversations_deleted = deleter.done.total > 0
            references = [case.reference for case in cases]
    except Exception as error:
        if conversations_deleted:
            raise PrivacyIncomplete(
                f"the {deleter.done.total} event(s) of {deleter.done.conversations} "
                f"conversation(s) were deleted from the tracker store, but the case store did "
                f"not save the erasure of {len(cases)} case(s): {error}") from error
        raise
    if references:
        db.forget_freed_pages(store.engine)  # no old copy of her pages left in the SQLite log
    result.references = references
    result.conversations = deleter.done.conversations
    result.transcript_events = deleter.done.total
    result.intent_corrections = corrections
    return result
