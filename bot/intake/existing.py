"""A resident's existing case: find it safely, then check its status, ask for stage 2 or add to it.

A reference alone never opens a case: it must come with the postcode or e-mail it holds, and a
wrong pair gets the same answer as an unknown reference. The look-up and its lockout are the case
store's (bot.cases.lookups): counted there, in the database, in the same transaction, whichever
path asks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from bot.cases import references
from bot.cases.lookups import ResidentLookup
from bot.intake.enquiries import REGISTER_APPLICATIONS, TENANCY_APPLICATIONS
from bot.intake.fields import KIND_LABELS
from bot.nlp.case_tasks import looks_like_reference

if TYPE_CHECKING:
    from bot.policy.schema import Profile

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
    "resolution_plan_by": "We will tell you how we plan to resolve it by",
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


def known_answers(text_reference: str | None, slots: Mapping[str, Any]) -> dict[str, Any]:
    """What a new task on an existing case starts with: the reference the message holds, else the
    case this conversation already found or filed; the postcode or e-mail it was found with when
    it is that case. The task still looks the pair up through the lockout (ActionRunCaseTask)."""
    verified = slots.get("verified_reference")
    reference = text_reference or verified or slots.get("last_reference")
    if not reference:
        return {}
    known: dict[str, Any] = {"case_reference": reference}
    if reference == verified and slots.get("verified_check"):
        known["verification"] = slots["verified_check"]
    return known


def locked_message(contact: str = "") -> str:
    return ("For your security, I can't look up a case for you here for a while, after several "
            "attempts that didn't match. Please try again later, or contact us directly."
            + (f" {contact}" if contact else ""))


def check_reference(value: Any) -> Check:
    reference, reason = find_reference(value if isinstance(value, str) else "")
    if reference is None:
        return Check({"case_reference": None},
                     [f"That doesn't look like one of our case references ({reason}). Please check "
                      "it: it's three letters, five letters and numbers, and one more, as in the "
                      "message or letter we sent you."])
    return Check({"case_reference": reference})


# Applications the landlord's lettings and tenancy teams hold, not cases filed here: a resident
# asking after one ("has my mutual exchange been approved yet?") has no case reference to give.
_APPLICATION = re.compile(rf"\b({REGISTER_APPLICATIONS}|{TENANCY_APPLICATIONS})\b", re.I)
# Unless it is one of ours: "any update on my complaint about the transfer decision?"
_ONE_OF_OURS = re.compile(r"\b(complain\w*|report\w*|repair\w*|case|ref|reference|stage)\b", re.I)
APPLICATION_NOT_A_CASE = ("I can look up complaints, repairs and reports logged with us by their "
                          "reference, but not applications such as a transfer, a mutual exchange or "
                          "the housing register.")


def about_an_application(text: str) -> bool:
    """Whether a request for news is about an application rather than a case filed here."""
    text = text or ""
    return bool(_APPLICATION.search(text)) and not _ONE_OF_OURS.search(text) and not looks_like_reference(text)


def no_reference_text(contact: str) -> str:
    return ("That's OK. Without the reference I can't look a case up here, but we can find it for "
            f"you: {contact[:1].lower()}{contact[1:]} You can also tell me what has happened and "
            "I'll record it again.")


def _can_go_to_stage2(store: Any, case: Any) -> bool:
    """A complaint at stage 1 of a service with a landlord stage 2 (not a consumer code's)."""
    if case.case_type != "complaint" or case.stage == 2:
        return False
    from bot.policy import PolicyError

    try:
        return store.profile(case.policy_profile).has_stage2(case.service)
    except PolicyError:
        return True  # the store will decide; the reasons are worth having


def check_verification(store: Any, slots: Mapping[str, Any], value: Any,
                       conversation_id: str) -> Check:
    """The postcode or e-mail given for the reference, looked up by the case store with its
    lockout. A wrong pair and an unknown reference are answered alike, and both count as a
    failure; once locked, nothing is looked up (the form then ends and the task says why)."""
    reference = slots.get("case_reference")
    if not reference:
        return Check({"verification": None})
    try:
        found = store.look_up(conversation_id, reference, value if isinstance(value, str) else "")
    except references.InvalidReference:
        return Check({"verification": None, "case_reference": None}, [NOT_FOUND])
    if found.case is not None:
        if slots.get("case_task") == "review" and not _can_go_to_stage2(store, found.case):
            # Not asked why they want a stage it cannot have: the task says so at once.
            return Check({"verification": value, "review_reasons": ""})
        return Check({"verification": value})
    if found.locked:
        return Check({"verification": None})
    return Check({"verification": None, "case_reference": None}, [NOT_FOUND])


def is_locked(store: Any, conversation_id: str, reference: str | None = None) -> bool:
    return ResidentLookup(store).is_locked(conversation_id, reference)


def required_slots(slots: Mapping[str, Any], stage2_reasons: str = "invited",
                   locked: bool = False) -> list[str]:
    """The questions still to ask; none once look-ups are locked (the task then says so), or
    once the resident has said they have no reference (they were told what to do instead)."""
    if locked or not slots.get("case_task"):
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


def cannot_do_text(task: str | None, case: Any, profile: Profile | None = None) -> str:
    if task == "review":
        code = profile.service(case.service).consumer_code if profile is not None else None
        if profile is not None and code is not None and case.case_type == "complaint" \
                and not profile.has_stage2(case.service):
            from bot.policy import wording

            return (f"Your complaint {case.reference} follows the {code.name}, so there is no "
                    "second stage with us. " + wording.ombudsman_text(profile, case.service))
        if case.case_type != "complaint":
            return (f"{case.reference} is not a complaint, so it has no stage 2. If you're unhappy "
                    "with how it was handled, you can make a complaint about that.")
        return f"Your complaint {case.reference} is already at stage 2, or can't be moved to it now."
    return f"I can't add information to {case.reference} now. Please contact us directly."


def not_saved_text(profile: Profile) -> str:
    from bot.policy import wording

    return ("I'm sorry, I couldn't save that just now because of a problem on our side. Please "
            "try again in a few minutes, or contact us directly: "
            + wording.contact_channels_text(profile))
