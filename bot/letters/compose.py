"""The letters a complaint's decisions call for, written from the policy profile with real dates.

Each letter is plain text (an e-mail body, or a printed letter with the resident's address above
it): the Code wants the resident told, in writing, of the acknowledgement (with our understanding
of the complaint and the outcome wanted), of any extension with the ombudsman's details (6.5), of
a refusal with the reasons and the right to go to the ombudsman (2.3), and of each stage's
response with the decision, the reasons and how to escalate (6.6, 7). Staff read and may edit the
draft before it is sent; what was sent is kept in the case history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from bot.policy import deadlines as dl
from bot.policy import wording
from bot.policy.schema import Profile

# Kind -> the title staff choose it by.
KINDS = {
    "acknowledgement": "Acknowledgement (stage 1)",
    "extension": "Extension",
    "not_accepted": "Not accepted",
    "stage1_response": "Stage 1 response",
    "stage2_acknowledgement": "Acknowledgement (stage 2)",
    "stage2_response": "Stage 2 (final) response",
    "director_contact": "Director contact",
    "final_response": "Final response (consumer code)",
}
DECISION_WORDS = {"upheld": "upheld", "partly_upheld": "partly upheld",
                  "not_upheld": "not upheld", "resolved": "resolved"}


class LetterUnavailable(ValueError):
    """The case is not at a point where this letter can be written."""


@dataclass
class Letter:
    kind: str
    subject: str
    body: str

    @property
    def title(self) -> str:
        return KINDS[self.kind]


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    return dl.uk_date(value)


def _on(value: Any, what: str) -> date:
    """The UK date of a moment a letter needs: a clear refusal, not a broken letter, when the case
    never recorded it."""
    day = _day(value)
    if day is None:
        raise LetterUnavailable(f"the case records no {what}")
    return day


def _last(events: Iterable[Any], kind: str, stage: int | None = None) -> Any | None:
    found = None
    for event in events:
        if event.kind == kind and (stage is None or event.stage == stage):
            found = event
    return found


def _consumer_code(profile: Profile, case: Any):
    return profile.service(case.service).consumer_code


def available(profile: Profile, case: Any, events: Iterable[Any], today: date) -> list[str]:
    """The letters this complaint's history calls for now, in the order they happen."""
    if case.case_type != "complaint" or getattr(case, "anonymised_at", None) is not None:
        return []
    events = list(events)
    code = _consumer_code(profile, case)
    kinds = []
    if case.acknowledged_at is not None or case.status in ("new", "acknowledged"):
        kinds.append("acknowledgement")
    if _last(events, "extended", case.stage or 1) is not None and code is None:
        kinds.append("extension")
    if case.status == "not accepted" or (case.exclusion and case.status != "closed"):
        kinds.append("not_accepted")
    if case.responded_at is not None:
        kinds.append("final_response" if code is not None else "stage1_response")
    if case.stage == 2:
        kinds.append("stage2_acknowledgement")
        if case.stage2_responded_at is not None:
            kinds.append("stage2_response")
    if code is None and case.stage == 1 and case.responded_at is None:
        due = dl.director_contact_by(profile, case.created_at)
        if due is not None and today >= due:
            kinds.append("director_contact")
    return kinds


def compose(profile: Profile, case: Any, events: Iterable[Any], kind: str, today: date) -> Letter:
    """The draft of one letter. Raises LetterUnavailable when the case has not reached it."""
    events = list(events)
    if kind not in KINDS:
        raise LetterUnavailable(f"there is no letter {kind!r}; the letters: {', '.join(KINDS)}")
    if kind not in available(profile, case, events, today):
        raise LetterUnavailable(f"{case.reference} has not reached the point for the letter "
                                f"{KINDS[kind].lower()!r}")
    paragraphs = _WRITERS[kind](profile, case, events, today)
    greeting = f"Dear {case.name}," if case.name else "Dear resident,"
    subject = f"Your complaint {case.reference}: {KINDS[kind].lower()}"
    team = profile.organisation.name if profile.organisation else profile.display_name
    signed = "A director" if kind == "director_contact" else "Complaints team"
    body = "\n\n".join([greeting, *paragraphs, wording.contact_channels_text(profile),
                        f"Yours sincerely,\n\n{signed}\n{team}"])
    return Letter(kind, subject, body)


def _understanding(case: Any) -> list[str]:
    """Our understanding of the complaint and the outcome wanted (Code 5.x: set out in the
    acknowledgement), in the resident's own words."""
    lines = []
    if case.description:
        lines.append(f"As we understand it, your complaint is about: {case.description.strip()}")
    if case.desired_outcome:
        lines.append(f"The outcome you would like: {case.desired_outcome.strip()}")
    if not lines:
        return []
    return ["\n".join(lines + ["If we have misunderstood anything, please tell us."])]


def _acknowledgement(profile: Profile, case, events, today) -> list[str]:
    received = wording.format_date(_on(case.created_at, "date received"))
    code = _consumer_code(profile, case)
    first = (f"Thank you for your complaint, which we received on {received}. We have recorded "
             f"it under our complaints policy"
             + (f", which follows the {code.name}." if code else " at stage 1."))
    dates = case.deadlines or {}
    if code is None and case.acknowledged_at is not None:
        # The date as it stood at the acknowledgement (a later extension has its own letter).
        due = dl.complaint_deadlines(profile, _on(case.created_at, "date received"),
                                     _on(case.acknowledged_at, "acknowledgement"),
                                     service=case.service)["stage1_response_by"]
        when = (f"We will send you our response by {wording.format_date(due)}. If we need more "
                f"time, we will tell you why and give you a new date.")
    elif code is None and dates.get("stage1_response_by"):
        when = (f"We will send you our response by "
                f"{wording.format_date(date.fromisoformat(dates['stage1_response_by']))}. If we "
                f"need more time, we will tell you why and give you a new date.")
    else:
        when = wording.complaint_next_steps(profile, case.created_at, case.service)
    return [first, *_understanding(case), when,
            wording.ombudsman_text(profile, case.service)]


def _extension(profile: Profile, case, events, today) -> list[str]:
    event = _last(events, "extended", case.stage or 1)
    if event is None:
        raise LetterUnavailable(f"{case.reference} records no extension at stage {case.stage or 1}")
    details = event.details or {}
    new_date = date.fromisoformat(details["new_date"])
    reason = details.get("reason") or ""
    keys = dict(dl.extension_reasons(profile, case.stage or 1))
    if reason in keys:
        text = wording.extension_text(profile, case.stage or 1, new_date, reason, case.service)
    else:  # a reason staff wrote in their own words
        text = (f"We need more time to respond to your complaint. The reason: {reason.strip()}. "
                f"We will now respond by {wording.format_date(new_date)}. "
                + wording.ombudsman_text(profile, case.service))
    return [text]


def _not_accepted(profile: Profile, case, events, today) -> list[str]:
    received = wording.format_date(_on(case.created_at, "date received"))
    first = (f"Thank you for contacting us on {received}. We have carefully considered whether "
             f"we can take this forward as a complaint, and we are sorry that we cannot.")
    ombudsman = profile.service(case.service).ombudsman.name
    if case.exclusion_explanation:
        why = (case.exclusion_explanation.strip() + f" If you disagree with this decision, you "
               f"can ask the {ombudsman} to look at it.")
    elif case.exclusion:
        why = wording.exclusion_text(profile, case.exclusion, case.service)
    else:
        raise LetterUnavailable(f"{case.reference} records no reason for not accepting it")
    return [first, why, wording.ombudsman_text(profile, case.service)]


def _response(profile: Profile, case, events, stage: int) -> tuple[str, str]:
    event = _last(events, "responded", stage)
    details = (event.details or {}) if event is not None else {}
    decision = DECISION_WORDS.get(details.get("decision") or "", None)
    summary = (details.get("summary") or "").strip()
    verdict = (f"Our decision: your complaint is {decision}." if decision
               else "We have now completed our investigation.")
    return verdict, summary


def _stage1_response(profile: Profile, case, events, today) -> list[str]:
    verdict, summary = _response(profile, case, events, 1)
    responded = _on(case.responded_at, "stage 1 response")
    paragraphs = [f"This is our stage 1 response to your complaint, which we received on "
                  f"{wording.format_date(_on(case.created_at, 'date received'))}.", verdict]
    if summary:
        paragraphs.append(f"What we found, and what we will do:\n{summary}")
    paragraphs.append(wording.stage2_window_text(profile, responded, case.service))
    paragraphs.append(wording.ombudsman_text(profile, case.service))
    return paragraphs


def _final_response(profile: Profile, case, events, today) -> list[str]:
    verdict, summary = _response(profile, case, events, 1)
    code = _consumer_code(profile, case)
    paragraphs = [f"This is our final response to your complaint under the {code.name}.", verdict]
    if summary:
        paragraphs.append(f"What we found, and what we will do:\n{summary}")
    paragraphs.append("This completes our complaints process: there is no second stage with us. "
                      + wording.ombudsman_text(profile, case.service))
    return paragraphs


def _stage2_acknowledgement(profile: Profile, case, events, today) -> list[str]:
    requested = wording.format_date(_on(case.stage2_requested_at, "stage 2 request"))
    dates = case.deadlines or {}
    paragraphs = [f"Thank you for asking us on {requested} to review your complaint at stage 2. "
                  f"It will be considered by someone who was not involved at stage 1."]
    if dates.get("stage2_response_by"):
        paragraphs.append(f"We will send you our final response by "
                          f"{wording.format_date(date.fromisoformat(dates['stage2_response_by']))}. "
                          f"If we need more time, we will tell you why and give you a new date.")
    paragraphs.append(wording.ombudsman_text(profile, case.service))
    return paragraphs


def _stage2_response(profile: Profile, case, events, today) -> list[str]:
    verdict, summary = _response(profile, case, events, 2)
    paragraphs = ["This is our stage 2 response, our final response to your complaint.", verdict]
    if summary:
        paragraphs.append(f"What we found, and what we will do:\n{summary}")
    paragraphs.append("This completes our complaints process. If you are still unhappy, you can "
                      "take your complaint to the ombudsman now. "
                      + wording.ombudsman_text(profile, case.service))
    return paragraphs


def _director_contact(profile: Profile, case, events, today) -> list[str]:
    days = profile.stage1.director_contact_working_days
    if days is None:
        raise LetterUnavailable(f"{profile.display_name}'s policy has no director contact")
    return [f"I am writing because your complaint, received on "
            f"{wording.format_date(_on(case.created_at, 'date received'))}, has not been answered within "
            f"{wording.days_text(days)}. I am sorry for the delay. I have asked for an update "
            f"and will make sure you receive our response as soon as possible.",
            wording.ombudsman_text(profile, case.service)]


_WRITERS = {
    "acknowledgement": _acknowledgement, "extension": _extension, "not_accepted": _not_accepted,
    "stage1_response": _stage1_response, "final_response": _final_response,
    "stage2_acknowledgement": _stage2_acknowledgement, "stage2_response": _stage2_response,
    "director_contact": _director_contact,
}
