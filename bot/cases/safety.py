"""Safety concerns reach staff the moment they are raised, not only if a case is filed later.

When a resident reports an emergency or a safeguarding concern (in a form or not), the assistant
gives the advice and records the concern at once as its own case: a service request (a request
for us to act now) flagged urgent, and safeguarding for a safeguarding concern, holding the
resident's words. Flagged, it is at the top of the staff queue, and it stays there whether or not
the resident goes on to finish a form, says "stop" or leaves.

Why a service request, whatever the form was about: outside a form there is no kind yet, and
recording a complaint before the resident has made one would start a complaint's timescales and
count in the complaint figures. The concern is something to act on; the complaint (or request,
report, ...) the resident may go on to file is a separate case, linked to it.

One open record per conversation: a further concern in the same conversation is added to its
history (and raises its flags); a case the conversation files later is linked to it
(`related_case_id`, with a note in both histories), so staff see one concern and the case it
belongs with, not two unrelated entries.
"""
from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy import select

from bot.cases.models import FINAL_STATUSES, Case, CaseEvent
from bot.ops import metrics

if TYPE_CHECKING:
    from bot.policy import Profile

log = logging.getLogger(__name__)

EMERGENCY = "emergency"
SAFEGUARDING = "safeguarding_concern"
TRIGGERS = (EMERGENCY, SAFEGUARDING)
KEY_PREFIX = "safety-concern"  # submission key of the record (one open record per conversation)
ACTOR = "assistant"


def concern_submission(trigger: str, text: str, slots: Mapping[str, Any], *, channel: str,
                       conversation_id: str) -> dict[str, Any]:
    """The record of a concern: the resident's words, flags, and whatever contact details the
    conversation already has (so staff can reach them)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {', '.join(TRIGGERS)}")
    shared = slots.get("share_details") is not False
    fields: dict[str, Any] = {
        "case_type": "service_request",
        "service": slots.get("service") or "housing",
        "channel": channel,
        "conversation_id": conversation_id,
        "description": text,
        "urgent": True,
        "safeguarding": trigger == SAFEGUARDING,
        "extra": {"safety_concern": trigger, "raised_during": slots.get("feedback_kind")},
    }
    if shared:
        for name in ("name", "address", "postcode", "email", "phone"):
            if slots.get(name):
                fields[name] = slots[name]
    return fields


def open_concern(session, conversation_id: str, *, before_id: int | None = None) -> Case | None:
    """The conversation's open concern record (the newest), if any."""
    query = (select(Case).where(Case.conversation_id == conversation_id,
                                Case.submission_key.like(f"{KEY_PREFIX}%"),
                                Case.status.notin_(FINAL_STATUSES))
             .order_by(Case.id.desc()))
    if before_id is not None:
        query = query.where(Case.id < before_id)
    return session.execute(query.limit(1)).scalars().first()


def record_concern(store: Any, trigger: str, text: str, slots: Mapping[str, Any], *,
                   profile: Profile | str | None, channel: str, conversation_id: str) -> Case:
    """Record a concern for staff now; returns its case. Idempotent: the same words again (a
    retried message) change nothing; new words are added to the conversation's open record."""
    fields = concern_submission(trigger, text, slots, channel=channel,
                                conversation_id=conversation_id)
    with store.read() as session:
        existing = open_concern(session, conversation_id)
        earlier = session.execute(select(Case.id).where(
            Case.conversation_id == conversation_id,
            Case.submission_key.like(f"{KEY_PREFIX}%"))).scalars().all()
    if existing is None:
        # A new key after a record staff have closed; the first one otherwise.
        key = KEY_PREFIX if not earlier else f"{KEY_PREFIX}:{len(earlier) + 1}"
        case, created = store.file_case(fields, profile, submission_key=key, actor=ACTOR)
        if created:
            metrics.SAFETY_RECORDS.labels(trigger, "new").inc()
            return case
        existing = case
    case = _add_to(store, existing.id, trigger, text)
    metrics.SAFETY_RECORDS.labels(trigger, "added").inc()
    return case


def _add_to(store: Any, case_id: int, trigger: str, text: str) -> Case:
    from bot.cases.submission import clean_text

    text = clean_text(text or "")
    key = "concern:" + hashlib.sha256(f"{trigger}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()
    with store.write() as session:
        case = session.execute(select(Case).where(Case.id == case_id).with_for_update()).scalar_one()
        seen = session.execute(select(CaseEvent.details).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "information_added")).scalars()
        if case.description == text or any((d or {}).get("key") == key for d in seen):
            return case
        raised = []
        if not case.urgent:
            case.urgent = True
            raised.append("urgent")
        if trigger == SAFEGUARDING and not case.safeguarding:
            case.safeguarding = True
            raised.append("safeguarding")
        store._record(session, case, "information_added", "resident",
                      {"text": text, "merged": True, "key": key, "safety_concern": trigger,
                       "flags_raised": raised}, status_before=case.status)
        return case


def link_to_concern(store: Any, case: Any) -> Case | None:
    """Link a case just filed to the open concern its conversation raised earlier, if any: the
    case points at the concern (`related_case_id`) and both histories say so. Returns the
    concern's record, or None. Safe to repeat."""
    with store.write() as session:
        concern = open_concern(session, case.conversation_id, before_id=case.id)
        if concern is None or concern.id == case.id:
            return None
        filed = session.execute(select(Case).where(Case.id == case.id).with_for_update()).scalar_one()
        if filed.related_case_id == concern.id:
            return concern
        if filed.related_case_id is not None:  # already linked to something else: leave it
            return None
        filed.related_case_id = concern.id
        kind = "safeguarding concern" if concern.safeguarding else "emergency"
        store._record(session, filed, "note_added", ACTOR, {
            "text": f"The resident raised a {kind} earlier in this conversation, recorded as "
                    f"{concern.reference}.", "related_reference": concern.reference},
            status_before=filed.status)
        store._record(session, concern, "note_added", ACTOR, {
            "text": f"The resident went on to file {filed.reference} in the same conversation.",
            "linked_reference": filed.reference}, status_before=concern.status)
        return concern


def advice_not_recorded(profile: Profile) -> str:
    """Said instead of "I've flagged this ..." when the concern could not be recorded."""
    from bot.policy import wording

    emergency = profile.contact.emergency
    return (f"Thank you for telling me. If someone is in immediate danger, call "
            f"{emergency.services_phone} now. I couldn't pass this to a member of staff just now "
            "because of a problem on our side, so please also contact us directly. "
            f"{wording.contact_channels_text(profile)} You can also contact your local council's "
            "adult or children's social care team, who deal with abuse and neglect.")


def emergency_recorded() -> str:
    return "I've also passed this to a member of staff as urgent."
