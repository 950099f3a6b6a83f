"""Words and formats the staff pages show: labels for codes, dates in UK time, ages."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot import vocabulary
from bot.cases import models


TYPE_LABELS = {
    "complaint": "Complaint", "service_request": "Service request", "asb_report": "ASB report",
    "comment": "Comment", "compliment": "Compliment",
}
SERVICE_LABELS = {"housing": "Housing", "care": "Care", "new-build": "New-build sales"}
CHANNEL_LABELS = {
    "rest": "REST API", "socketio": "Website chat", "facebook": "Facebook Messenger",
    "webchat": "Website chat", "cmdline": "Command line",
}
STATUS_LABELS = {
    "new": "New", "acknowledged": "Acknowledged", "responded": "Responded", "closed": "Closed",
    "not accepted - pending review": "Not accepted? (a person decides)",
    "not accepted": "Not accepted",
    "escalation requested - pending review": "Stage 2 asked late (a manager decides)",
}
EVENT_LABELS = {
    "filed": "Filed", "acknowledged": "Acknowledged", "extended": "Deadline extended",
    "responded": "Response recorded", "stage2_requested": "Stage 2 requested",
    "escalated": "Escalated to stage 2", "closed": "Closed", "not_accepted": "Not accepted",
    "note_added": "Note", "information_added": "More information",
    "lessons_learned": "Lessons learned", "reassigned": "Reassigned", "moved_to_team": "Moved to another team",
    "subject_access_export": "Subject access export", "erased": "Personal data erased",
    "anonymised": "Anonymised", "letter_sent": "Letter sent",
    "follow_up_added": "Follow-up action added", "follow_up_done": "Follow-up action done",
    "hazard_work_done": "Hazard work done", "field_corrected": "Corrected",
    "cases_linked": "Linked to a case", "cases_unlinked": "Unlinked from a case",
    "hazard_retriaged": "Hazard re-triaged (Awaab's Law)",
}
AWAAB_LABELS = {"emergency": "Emergency", "significant": "Significant"}
DEADLINE_LABELS = {
    "acknowledge_by": "Acknowledge by", "stage1_response_by": "Stage 1 response by",
    "stage1_extended_response_by": "Stage 1 response at the latest (with an extension)",
    "stage2_request_by": "Resident may ask for stage 2 until",
    "resolution_plan_by": "Tell the resident the plan to resolve it by",
    "stage1_contact_by": "Contact the resident by", "stage2_contact_by": "Stage 2 contact by",
    "stage2_acknowledge_by": "Stage 2 acknowledge by",
    "stage2_response_by": "Stage 2 response by",
    "stage2_extended_response_by": "Stage 2 response at the latest (with an extension)",
    "respond_by": "Respond by", "not_accepted_reply_by": "Decide on acceptance by",
    "director_contact_by": "A director contacts the resident by (if stage 1 is unanswered)",
    "awaab_investigate_by": "Awaab's Law: investigate by",
    "awaab_make_safe_by": "Awaab's Law: make safe by",
    "awaab_summary_by": "Awaab's Law: written summary by",
    "awaab_safety_work_by": "Awaab's Law: safety work by",
    "follow_up_due": "Follow-up action due",   # not stored: the earliest open follow-up action
}
# A response's decisions and the kinds of remedy: the keys are the case store's (one list, in
# bot.cases.models); these are their words. A key added there shows as itself until worded here.
_DECISION_WORDS = {"upheld": "Upheld", "partly_upheld": "Partly upheld",
                   "not_upheld": "Not upheld", "resolved": "Resolved"}
_REMEDY_WORDS = {"apology": "Apology", "repair": "Repair",
                 "financial": "Financial remedy", "explanation": "Explanation", "other": "Other"}
DECISION_LABELS = {key: _DECISION_WORDS.get(key) or key.replace("_", " ").capitalize()
                   for key in models.DECISIONS}
REMEDY_LABELS = {key: _REMEDY_WORDS.get(key) or key.replace("_", " ").capitalize()
                 for key in models.REMEDY_KINDS}
DECISIONS = tuple(DECISION_LABELS.items())        # (key, label), in the store's order
REMEDY_KINDS = tuple(REMEDY_LABELS.items())
# The fields of a case page, in groups (the name in the case store -> the label).
# Health and disability details (UK GDPR special category data): shown to the member of staff
# the case is assigned to and to managers; others see that something is recorded.
SENSITIVE_FIELDS = frozenset({"reasonable_adjustments"})
RESTRICTED = "[shown to the case's handler and managers]"


def sees_sensitive(user: Any, case: Any) -> bool:
    from bot.cases.lifecycle import MANAGER

    if user is None:
        return False
    if user.can(MANAGER):
        return True
    assigned = (case.assigned_to or "").removeprefix("staff:")
    return bool(assigned) and assigned == user.username


def masked_transcript(turns: list, cases: list, user: Any) -> list:
    """A transcript as `user` may read it: a resident message that gave a support need of a case
    they may not see it on is replaced, like the field (the same words, hidden alike)."""
    hidden = {str(getattr(case, name)).strip().casefold()
              for case in cases if not sees_sensitive(user, case)
              for name in SENSITIVE_FIELDS if getattr(case, name, None)}
    if not hidden:
        return turns
    from dataclasses import replace

    return [replace(turn, text=RESTRICTED)
            if turn.kind == "resident" and (turn.text or "").strip().casefold() in hidden else turn
            for turn in turns]


FIELD_GROUPS = (
    ("What happened", (
        ("description", "Description"), ("event_date_text", "When (as told)"),
        ("event_date", "When (date)"), ("affected", "Who is affected"),
        ("desired_outcome", "What would put it right"), ("location", "Where"),
        ("access_availability", "Access and availability"), ("evidence", "Evidence"),
        ("frequency", "How often"))),
    ("Resident", (
        ("name", "Name"), ("address", "Address"), ("postcode", "Postcode"), ("email", "E-mail"),
        ("phone", "Phone"), ("preferred_contact", "Preferred contact"),
        ("preferred_format", "Preferred format"),
        ("reasonable_adjustments", "Reasonable adjustments"), ("anonymous", "Anonymous"),
        ("representative_name", "Representative"),
        ("representative_relationship", "Representative's relationship"),
        ("representative_consent", "Resident's consent to the representative"))),
    ("Triage", (
        ("urgent", "Urgent"), ("safeguarding", "Safeguarding"),
        ("awaab_category", "Awaab's Law hazard"), ("exclusion", "Exclusion"),
        ("exclusion_explanation", "Exclusion explained to the resident"),
        ("complaint_offered", "Offered a complaint"), ("complaint_choice", "Resident's choice"))),
    ("Handling", (
        ("service", "Service"), ("assigned_to", "Assigned to"),
        ("policy_profile", "Policy profile"),
        ("channel", "Channel"), ("conversation_id", "Conversation"),
        ("created_at", "Received"), ("updated_at", "Last changed"),
        ("acknowledged_at", "Acknowledged"), ("responded_at", "Stage 1 response"),
        ("stage2_requested_at", "Stage 2 requested"),
        ("stage2_acknowledged_at", "Stage 2 acknowledged"),
        ("stage2_responded_at", "Stage 2 response"), ("closed_at", "Closed"),
        ("anonymised_at", "Anonymised"), ("version", "Version"))),
)


def _correctable_labels() -> dict[str, str]:
    from bot.cases.store import CORRECTABLE_FIELDS

    titles = {name: title for _group, items in FIELD_GROUPS for name, title in items}
    return {name: titles.get(name, name.replace("_", " ").capitalize())
            for name in CORRECTABLE_FIELDS}


# What a resident gave that staff may correct (the case store's CORRECTABLE_FIELDS), worded as
# the case page words them, in the case store's order.
CORRECTABLE_LABELS = _correctable_labels()


def label(mapping: dict[str, str], key) -> str:
    if key is None:
        return ""
    return mapping.get(key, str(key).replace("_", " ").capitalize())


def uk(moment: datetime) -> datetime:
    return moment.astimezone(vocabulary.UK) if moment.tzinfo else moment


def fmt_date(value) -> str:
    """'Mon 4 Jan 2027'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = uk(value).date()
    return value.strftime("%a ") + f"{value.day} " + value.strftime("%b %Y")


def fmt_long_date(value) -> str:
    from bot.policy.wording import format_date

    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = uk(value).date()
    return format_date(value)


def fmt_datetime(value: datetime | None) -> str:
    """'Mon 4 Jan 2027, 14:05' in UK time."""
    if value is None:
        return ""
    moment = uk(value)
    return f"{fmt_date(moment.date())}, {moment:%H:%M}"


def fmt_deadline(value) -> str:
    """A stored deadline for people: a date ('Mon 4 Jan 2027'), or for one counted in hours (an
    Awaab's Law emergency) its UK date and time ('Mon 4 Jan 2027, 14:05'); anything else as it is."""
    from bot.cases.models import deadline_moment

    try:
        moment = deadline_moment(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if isinstance(moment, datetime):
        return fmt_datetime(moment)
    return fmt_date(moment) if moment is not None else ""


def fmt_time(value: datetime | None) -> str:
    return "" if value is None else f"{uk(value):%H:%M:%S}"


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def age_text(created_at: datetime, today: date) -> str:
    days = (today - uk(created_at).date()).days
    return "today" if days <= 0 else days_text(days)


def working_days_text(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def due_text(deadline: date | None, today: date, is_open: bool = True,
             moment: datetime | None = None, now: datetime | None = None,
             region: str | None = None) -> tuple[str, str]:
    """A deadline's status in working days of the profile's calendar (`region`; bank holidays
    are not working days): ('due in 3 working days', 'due'), ('due today', 'due-soon'),
    ('overdue by 2 working days', 'overdue'), with a CSS class. A deadline counted in hours
    (`moment`, with the current time `now`) is overdue from its time ('overdue since 14:05').
    Working days are counted as the deadlines are: today not included, so a deadline on the
    next working day is "due in 1 working day", and one missed yesterday (or on Friday, seen on
    Monday) is "overdue by 1 working day". One before the next working day but not today (a
    Saturday) is "due before the next working day"."""
    from bot.workdays import DEFAULT_REGION, working_days_between

    region = region or DEFAULT_REGION
    if deadline is None or not is_open:
        return "", ""
    if moment is not None and now is not None and now >= moment:
        local = uk(moment)
        if local.date() == today:
            return f"overdue since {local:%H:%M}", "overdue"
        late = max(1, working_days_between(local.date(), today, region))
        return f"overdue by {working_days_text(late)}", "overdue"
    if deadline < today:
        late = max(1, working_days_between(deadline, today, region))
        return f"overdue by {working_days_text(late)}", "overdue"
    if deadline == today:
        if moment is not None:
            return f"due today at {uk(moment):%H:%M}", "due-soon"
        return "due today", "due-soon"
    ahead = working_days_between(today, deadline, region)
    if ahead == 0:
        return "due before the next working day", "due-soon"
    return f"due in {working_days_text(ahead)}", "due-soon" if ahead <= 2 else "due"


def deadline_status(case, name: str, today: date, now: datetime | None = None,
                    region: str | None = None) -> tuple[str, str]:
    """One deadline's status with its CSS class, as the case page's deadlines table words it:
    while it counts, due_text's ("due in 3 working days", "overdue by 2 working days", to its
    hour for one counted in hours); once it no longer does, whether it was met (deadline_met:
    "met", "met 2 working days late"), or "not running"; ("", "") for one the case has not."""
    day = case.deadline(name)
    if day is None:
        return "", ""
    if name.startswith("awaab_") and case.hazard_work_done_at is not None:
        return "stopped: hazard work done", "muted"
    if case.is_open and models.deadline_counts(case, name):
        moment = case.deadline_at(name)
        return due_text(day, today, True, moment if isinstance(moment, datetime) else None, now,
                        region)
    met = deadline_met(case, name, region)
    return (met or "not running"), "muted"


# The deadlines whose met / not met is said for a case with none running: its responses first.
_ANSWERED = ("stage2_response_by", "stage1_response_by", "respond_by", "stage2_acknowledge_by",
             "acknowledge_by")


def running_deadline(case, today: date, now: datetime | None = None,
                     region: str | None = None) -> dict[str, Any]:
    """The status of a case's running deadline (its next one), as the queue's "Deadline status"
    column says it (due_text; to the hour for one counted in hours, as the case page does):
    {"name", "day", "text", "css"}. With none running: whether the last one was met
    (deadline_met, as on the case page), else "no deadline running" or "closed"."""
    if case.next_deadline is not None and case.is_open:
        name = next_deadline_name(case)
        moment = case.deadline_at(name) if name else None
        text, css = due_text(case.next_deadline, today, True,
                             moment if isinstance(moment, datetime) else None, now, region)
        return {"name": name, "day": case.next_deadline, "text": text, "css": css}
    for name in _ANSWERED:
        met = deadline_met(case, name, region) if case.deadline(name) else ""
        if met:
            return {"name": name, "day": case.deadline(name), "text": met, "css": "muted"}
    return {"name": None, "day": None, "css": "muted",
            "text": "no deadline running" if case.is_open else "closed"}


# The deadline each letter answers (bot.letters.KINDS), the first the case has; an extension's
# is the response deadline of the case's stage, which it moves.
LETTER_DEADLINES = {
    "acknowledgement": ("acknowledge_by",),
    "not_accepted": ("not_accepted_reply_by", "acknowledge_by"),
    "stage1_response": ("stage1_response_by",),
    "final_response": ("stage1_response_by", "respond_by"),
    "stage2_acknowledgement": ("stage2_acknowledge_by",),
    "stage2_response": ("stage2_response_by",),
    "director_contact": ("director_contact_by",),
}


def letter_deadline(case, kind: str) -> str | None:
    """The name of the deadline a letter of `kind` answers, if the case has it."""
    if kind == "extension":
        names = ("stage2_response_by",) if case.stage == 2 else ("stage1_response_by",)
    else:
        names = LETTER_DEADLINES.get(kind, ())
    return next((name for name in names if case.deadline(name) is not None), None)


def next_deadline_name(case) -> str | None:
    """Which of the case's deadlines its next deadline is (for the label)."""
    from bot.cases.models import deadline_counts

    if case.next_deadline is None:
        return None
    # Only one that counts now (after the response, not the acknowledgement due the same day);
    # compared by UK date, as one counted in hours is stored with its time.
    names = [n for n in (case.deadlines or {})
             if case.deadline(n) == case.next_deadline and "extended" not in n and "request_by" not in n
             and deadline_counts(case, n)]
    preferred = [n for n in names if (case.stage == 2) == n.startswith("stage2")]
    return (preferred or names or [None])[0]


def yes_no(value) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


def field_text(value) -> str:
    """A case field as text for the case page."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {field_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(field_text(v) for v in value)
    return str(value)


DETAIL_LABELS = {
    "reason": "Reason", "reason_text": "Reason", "unassigned": "No longer assigned to", "deadline": "Deadline",
    "previous_date": "Was due", "new_date": "Now due", "summary": "Summary",
    "decision": "Decision", "outcome": "Outcome", "exclusion": "Exclusion",
    "explanation": "Explanation", "text": "Text", "what_went_wrong": "What went wrong",
    "action": "Action", "target_date": "Target date", "done_date": "Done", "from": "From",
    "to": "To", "note": "Note", "reasons": "Reasons", "within_window": "Within the window",
    "policy_profile": "Policy profile", "deadlines": "Deadlines", "merged": "Merged into the case",
    "linked_reference": "New linked case", "related_reference": "Follows up",
    "accepted_despite_exclusion": "Accepted despite the exclusion",
    "deadline_error": "Deadlines not computed",
    "before_stage1_response": "Asked before the stage 1 response",
    "resident_agreement": "Agreed with the resident", "stage1_assignee": "Stage 1 assignee (unassigned)",
    "letter": "Letter", "subject": "Subject", "method": "Sent by", "sent_to": "Sent through",
    "points": "Decision per point", "remedies": "Remedies", "owner": "Owner",
    "due_date": "Due", "field": "Field", "old": "Was", "new": "Now",
    "other_reference": "Other case", "stopped": "Timescales stopped",
    "conversation_id": "Conversation", "channel": "Channel", "attachments": "Files joined",
    "file": "File", "received_at": "Received",
}
HIDDEN_DETAILS = ("key", "follow_up")


def detail_items(details: dict | None) -> list[tuple[str, str]]:
    """A history entry's details as (label, text) pairs."""
    items = []
    details = details or {}
    for key, value in details.items():
        if key in HIDDEN_DETAILS or value is None or value == "":
            continue
        if key == "reason" and details.get("reason_text"):
            continue  # the policy's words for it follow ("Reason: explained" said nothing)
        if key == "deadline":
            value = label(DEADLINE_LABELS, value)
        elif key == "decision":
            value = label(DECISION_LABELS, value)
        elif key in ("previous_date", "new_date", "target_date", "done_date", "due_date") and \
                isinstance(value, str):
            value = fmt_deadline(value)
        elif key == "received_at" and isinstance(value, str):
            try:
                value = fmt_datetime(datetime.fromisoformat(value))
            except ValueError:
                pass
        elif key == "points" and isinstance(value, list):
            value = "; ".join(f"{p.get('point', '')}: {label(DECISION_LABELS, p.get('decision'))}"
                              for p in value if isinstance(p, dict))
        elif key == "remedies" and isinstance(value, list):
            value = "; ".join(remedy_text(r) for r in value if isinstance(r, dict))
        elif key in ("deadlines", "stopped") and isinstance(value, dict):
            value = "; ".join(
                f"{label(DEADLINE_LABELS, k)} {fmt_deadline(v)}"
                for k, v in sorted(value.items(), key=lambda kv: str(kv[1])))
        name = DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())
        items.append((name, field_text(value)))
    return items


def history_items(event, sees_sensitive: bool = True) -> list[tuple[str, str]]:
    """A history entry's details as the case page shows them: a correction names the field in
    words, and one of a support need is hidden from those who may not see it."""
    details = dict(event.details or {})
    if event.kind == "field_corrected":
        name = details.get("field")
        if name in SENSITIVE_FIELDS and not sees_sensitive:
            details["old"] = details["new"] = RESTRICTED
        details["field"] = CORRECTABLE_LABELS.get(name, name)
        if name == "event_date":
            details = {k: fmt_deadline(v) if k in ("old", "new") and v else v
                       for k, v in details.items()}
        if name == "preferred_contact":
            details = {k: CONTACT_LABELS.get(v, v) if k in ("old", "new") else v
                       for k, v in details.items()}
        for key in ("old", "new"):
            if details.get(key) in (None, ""):
                details[key] = "(empty)"
    if event.kind == "hazard_retriaged":
        for key in ("from", "to"):
            details[key] = AWAAB_LABELS.get(details.get(key), "No hazard category")
    return detail_items(details)


CONTACT_LABELS = {"email": "E-mail", "phone": "Phone", "post": "Post", "text": "Text message"}


def deadline_met(case, name: str, region: str | None = None) -> str:
    """For a deadline that no longer runs, whether it was met: "met" or "met 2 working days
    late" for an acknowledgement or a response, from when it happened; "" when it cannot be
    said (stopped by the case's closing, or not the landlord's to meet)."""
    from bot.workdays import DEFAULT_REGION, working_days_between

    done = None
    if name in ("acknowledge_by", "stage1_acknowledge_by"):
        done = case.acknowledged_at
    elif name == "stage2_acknowledge_by":
        done = case.stage2_acknowledged_at
    elif name in ("stage1_response_by", "respond_by"):
        done = case.responded_at
    elif name == "stage2_response_by":
        done = case.stage2_responded_at
    day = case.deadline(name)
    if done is None or day is None:
        return ""
    on = uk(done).date()
    if on <= day:
        return "met"
    late = max(1, working_days_between(day, on, region or DEFAULT_REGION))
    return f"met {late} working day{'s' if late != 1 else ''} late"


def fmt_money(amount) -> str:
    """An amount in pounds as money: '£1,250.00' (from '1250.5', 1250.5 or a Decimal); anything
    that is not a number as it is."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount).strip().lstrip("£").replace(",", ""))
    except InvalidOperation:
        return str(amount)
    if not value.is_finite():
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def remedy_text(remedy: dict) -> str:
    """'Financial remedy: time and trouble (£1,250.00)'."""
    words = label(REMEDY_LABELS, remedy.get("kind"))
    if remedy.get("description"):
        words += f": {remedy['description']}"
    if remedy.get("amount"):
        words += f" ({fmt_money(remedy['amount'])})"
    return words


def outcomes(events) -> list[dict]:
    """The outcome of each response recorded on a case (oldest first), from its "responded"
    history entry: when, by whom, at which stage, the overall decision, the decision per point
    and the remedies offered (amounts as money), with the financial total."""
    found = []
    for event in events:
        if event.kind != "responded":
            continue
        details = event.details or {}
        points = [{"point": p.get("point", ""), "decision": label(DECISION_LABELS, p.get("decision"))}
                  for p in details.get("points") or () if isinstance(p, dict)]
        remedies, total = [], Decimal(0)
        for remedy in details.get("remedies") or ():
            if not isinstance(remedy, dict):
                continue
            remedies.append({"kind": label(REMEDY_LABELS, remedy.get("kind")),
                             "description": remedy.get("description") or "",
                             "amount": fmt_money(remedy.get("amount"))})
            try:
                total += Decimal(str(remedy.get("amount") or 0))
            except InvalidOperation:
                pass
        found.append({"at": event.at, "actor": event.actor, "stage": event.stage,
                      "decision": label(DECISION_LABELS, details.get("decision")),
                      "summary": details.get("summary") or "", "points": points,
                      "remedies": remedies, "total": fmt_money(total) if total else ""})
    return found


def is_figure(value) -> bool:
    """A number, a share or "-": right-aligned in tables."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    text = str(value).replace(",", "").rstrip("%")
    if text == "-":
        return True
    try:
        float(text)
        return True
    except ValueError:
        return False


def parse_day(text: str | None) -> date | None:
    """A date typed the UK way (27/3/2026, 27-03-2026, 27.3.26) or as ISO 8601 (2026-03-27, the
    form links use); None for nothing; ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    uk = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})", text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
        year += 2000 if year < 100 else 0
    else:
        raise ValueError(f"{text!r} is not a date: type it as day/month/year, e.g. 27/3/2026")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date that exists") from None


def filter_day(text: str | None) -> date | None:
    """A filter's date (see parse_day); one that cannot be read is no filter."""
    try:
        return parse_day(text)
    except ValueError:
        return None


def uk_day(value: date | None) -> str:
    """A date as a UK form shows it: 27/03/2026."""
    return value.strftime("%d/%m/%Y") if value else ""


# Label words that keep their capital inside a sentence.
_PROPER_STARTS = ("Awaab", "ASB", "CH0", "Care Plus", "County Town", "New Homes")


def mid_sentence(label: object) -> str:
    """A label as it reads inside a sentence: "Stage 1 response by" -> "stage 1 response by",
    but "Awaab's Law: ...", "ASB report" keep their capitals (|lower made "awaab's law")."""
    text = str(label)
    if not text or text.startswith(_PROPER_STARTS) or text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def error_links(field_errors: dict[str, str], problem: object = None
                ) -> list[tuple[str | None, str]]:
    """The entries of a form's error summary (the error_summary macro): each field's message
    linked to the field (by its id), then a problem with no one field, as a sentence, unlinked."""
    links: list[tuple[str | None, str]] = [(f"#{field_id}", message)
                                           for field_id, message in field_errors.items()]
    if problem:
        links.append((None, as_sentence(problem)))
    return links


def as_sentence(message: object) -> str:
    """An error message as a sentence: its first letter raised and a full stop, and nothing else
    changed (str.capitalize would lower "HPG-7K2QX-4" and "New Homes Quality Code")."""
    text = str(message).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
