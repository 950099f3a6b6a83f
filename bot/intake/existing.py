"""A resident's existing case: find it safely, then check its status, ask for stage 2 or add to it.

A reference alone never opens a case: it must come with the postcode or e-mail it holds, and a
wrong pair gets the same answer as an unknown reference. Failed look-ups are kept in the case
store's database (table `verification_failures`), not in the conversation, so restarting the
conversation changes nothing: too many from one conversation, or against one reference from any
conversations, are refused for a while.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

from bot.cases import references
from bot.intake.fields import KIND_LABELS

# From one conversation: MAX_FAILURES failed look-ups within LOCK_SECONDS lock it for LOCK_SECONDS.
MAX_FAILURES = 3
LOCK_SECONDS = 15 * 60
# Against one reference, from however many conversations: MAX_REFERENCE_FAILURES within
# REFERENCE_WINDOW_SECONDS lock that reference as long (a few guesses a day, so nobody can work
# through the postcodes of an area; the resident, if it is their case, is told to contact us).
MAX_REFERENCE_FAILURES = 5
REFERENCE_WINDOW_SECONDS = 24 * 60 * 60
TASKS = {"check_case_status": "status", "request_review": "review", "add_information": "add_information"}
_CANDIDATE = re.compile(r"\b[A-Za-z]{3}[\s-]*[A-Za-z0-9]{4,5}[\s-]*[A-Za-z0-9]\b")
NOT_FOUND = ("I couldn't find a case with that reference and those details. Please check both "
             "and try again.")

STATUS_WORDS = {
    "new": "received, and waiting to be acknowledged",
    "acknowledged": "being looked into",
    "responded": "answered: we have sent our response",
    "closed": "closed",
    "not accepted - pending review": "with a member of staff, who is deciding whether our complaints policy covers it",
    "not accepted": "not accepted under our complaints policy",
    "escalation requested - pending review": "with a member of staff, who is deciding on your request for stage 2",
}
DEADLINE_WORDS = {
    "acknowledge_by": "We will acknowledge it by",
    "stage1_response_by": "We will respond by",
    "stage1_extended_response_by": "We will respond by",
    "stage2_acknowledge_by": "We will acknowledge your stage 2 request by",
    "stage2_response_by": "We will send our stage 2 response by",
}


@dataclass
class Check:
    slots: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def find_reference(text: str) -> tuple[str | None, str | None]:
    """(canonical reference, None) or (None, why it is not one)."""
    text = (text or "").strip()
    candidates = [text, *_CANDIDATE.findall(text)]
    reason = None
    for candidate in candidates:
        try:
            return references.parse(candidate), None
        except references.InvalidReference as error:
            reason = reason or str(error)
    return None, reason


class Lockout:
    """Failed look-ups, counted in the case store's database (`store.now()` is the clock)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def _until(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
        """`limit` failures within `window` lock for `window` after the last of them. `times`:
        the failures of the last two windows, oldest first."""
        until = None
        for last in range(limit - 1, len(times)):
            if times[last] - times[last - limit + 1] <= window:
                until = times[last] + window
        return until

    def locked_until(self, conversation_id: str, reference: str | None = None) -> datetime | None:
        """Until when this conversation (and, given one, this reference) is refused look-ups;
        None when it may look up a case now."""
        from sqlalchemy import select

        from bot.cases.models import VerificationFailure as Failure

        now = self.store.now()
        conversation_window = timedelta(seconds=LOCK_SECONDS)
        reference_window = timedelta(seconds=REFERENCE_WINDOW_SECONDS)
        with self.store.read() as session:
            by_conversation = list(session.execute(
                select(Failure.at).where(Failure.conversation_id == conversation_id,
                                         Failure.at > now - 2 * conversation_window)
                .order_by(Failure.at)).scalars())
            by_reference = list(session.execute(
                select(Failure.at).where(Failure.reference == reference,
                                         Failure.at > now - 2 * reference_window)
                .order_by(Failure.at)).scalars()) if reference else []
        until = [moment for moment in (
            self._until(by_conversation, MAX_FAILURES, conversation_window),
            self._until(by_reference, MAX_REFERENCE_FAILURES, reference_window))
            if moment is not None and moment > now]
        return max(until) if until else None

    def is_locked(self, conversation_id: str, reference: str | None = None) -> bool:
        return self.locked_until(conversation_id, reference) is not None

    def record_failure(self, conversation_id: str, reference: str) -> None:
        """Count one failed look-up (and forget those older than any window counts)."""
        from sqlalchemy import delete

        from bot.cases.models import VerificationFailure as Failure

        now = self.store.now()
        oldest = now - 2 * timedelta(seconds=max(LOCK_SECONDS, REFERENCE_WINDOW_SECONDS))
        with self.store.write() as session:
            session.execute(delete(Failure).where(Failure.at <= oldest))
            session.add(Failure(conversation_id=conversation_id, reference=reference, at=now))


def locked_message(contact: str = "") -> str:
    return ("For your security, I can't look up a case for you here for a while, after several "
            "attempts that didn't match. Please try again later, or contact us directly."
            + (f" {contact}" if contact else ""))


def check_reference(value: Any) -> Check:
    reference, reason = find_reference(value if isinstance(value, str) else "")
    if reference is None:
        return Check({"case_reference": None},
                     [f"That doesn't look like one of our case references ({reason}). Please check it; "
                      "it looks like CMP-7KQ4M-X."])
    return Check({"case_reference": reference})


def check_verification(store: Any, slots: Mapping[str, Any], value: Any, conversation_id: str,
                       lockout: Lockout | None = None) -> Check:
    """The postcode or e-mail given for the reference. A wrong pair and an unknown reference are
    answered alike, and both count as a failure; once locked, nothing is looked up (the form then
    ends and the task says why)."""
    lockout = lockout or Lockout(store)
    reference = slots.get("case_reference")
    if not reference:
        return Check({"verification": None})
    if lockout.is_locked(conversation_id, reference):
        return Check({"verification": None})
    if store.verify_resident(reference, value or "") is not None:
        return Check({"verification": value})
    lockout.record_failure(conversation_id, reference)
    if lockout.is_locked(conversation_id, reference):
        return Check({"verification": None})
    return Check({"verification": None, "case_reference": None}, [NOT_FOUND])


def required_slots(slots: Mapping[str, Any], stage2_reasons: str = "invited",
                   locked: bool = False) -> list[str]:
    """The questions still to ask; none once look-ups are locked (the task then says so)."""
    if locked:
        return []
    asked = ["case_reference", "verification"]
    task = slots.get("case_task")
    if task == "review" and stage2_reasons != "not_asked":
        asked.append("review_reasons")
    elif task == "add_information":
        asked.append("additional_information")
    return asked


def status_text(case: Any, format_date) -> str:
    kind = KIND_LABELS.get(case.case_type, "case")
    stage = f" at stage {case.stage}" if case.stage else ""
    text = f"Your {kind} {case.reference}{stage} is {STATUS_WORDS.get(case.status, case.status)}."
    deadlines = case.deadlines or {}
    upcoming = [(name, value) for name, value in deadlines.items() if name in DEADLINE_WORDS]
    next_due = getattr(case, "next_deadline", None)
    for name, value in upcoming:
        if next_due is not None and value == next_due.isoformat():
            text += f" {DEADLINE_WORDS[name]} {format_date(next_due)}."
            break
    return text


def no_reasons(text: Any) -> bool:
    return not isinstance(text, str) or bool(re.match(r"^\s*(no|nope|none|skip|no thanks?|n/?a|nah)\W*$", text, re.I))


def cannot_do_text(task: str | None, case: Any) -> str:
    if task == "review":
        if case.case_type != "complaint":
            return (f"{case.reference} is not a complaint, so it has no stage 2. If you're unhappy "
                    "with how it was handled, you can make a complaint about that.")
        return f"Your complaint {case.reference} is already at stage 2, or can't be moved to it now."
    return f"I can't add information to {case.reference} now. Please contact us directly."


def not_saved_text(profile: Any) -> str:
    from bot.policy import wording

    return ("I'm sorry, I couldn't save that just now because of a problem on our side. Please "
            "try again in a few minutes, or contact us directly: "
            + wording.contact_channels_text(profile))
