"""Check and tidy each answer the intake form receives.

`check(slot, value, ctx)` returns the slot values to set (the answer itself, cleaned, or None to
ask again, plus anything it implies: a parsed date, a flag, an exclusion) and what to tell the
resident. Nothing here talks to Rasa; the form's validation action applies the result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Mapping

from dateutil.relativedelta import relativedelta

from bot.intake import contact, dates, triage

# A message longer than this is still kept whole; the resident is only told we have it all.
LONG_MESSAGE = 5000
_NOTHING = re.compile(r"^\s*(no|nope|none|nothing|n/?a|no thanks?|no thank you|skip|not really|"
                      r"i'?m (fine|ok|okay)|no,? (i'?m )?(fine|ok|okay)|not needed|nah)\W*$", re.I)
_SERVICE_WORDS = {
    "care": re.compile(r"\b(care|carer|care home|support worker|home care|domiciliary|extra care|"
                       r"supported living|personal care|care worker)\b", re.I),
    "new-build": re.compile(r"\b(new[- ]?build|new home|reservation|completion|snagging|"
                            r"shared ownership sale|bought (my|our|the) (home|house|flat)|sales team)\b", re.I),
}


@dataclass
class Context:
    """What the checks need to know beyond the answer itself."""

    slots: Mapping[str, Any]
    now: datetime
    services: tuple[str, ...] = ("housing",)
    complaint_time_limit_months: int = 12
    exclusion_message: Callable[[str], str] = lambda key: ""
    emergency_advice: Callable[[], str] = lambda: ""
    kind_introduction: Callable[[str], list] = lambda kind: []
    latest_text: str = ""
    intent_ranking: list[dict] = field(default_factory=list)


@dataclass
class Outcome:
    slots: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str, **extra: Any) -> "Outcome":
        self.messages.append({"text": text, **extra})
        return self


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _free_text(slot: str, value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text:
        return Outcome({slot: None}).say("Sorry, I didn't get an answer there. Could you tell me again?")
    outcome = Outcome({slot: text})
    if len(text) > LONG_MESSAGE:
        outcome.say(f"Thank you, that's a long message ({len(text):,} characters). I've kept all of "
                    "it, and a member of staff will read it in full.")
    return outcome


def infer_service(text: str, services: tuple[str, ...]) -> str | None:
    for service, words in _SERVICE_WORDS.items():
        if service in services and words.search(text or ""):
            return service
    return None


def check_description(value: Any, ctx: Context) -> Outcome:
    outcome = _free_text("description", value, ctx)
    text = outcome.slots.get("description")
    if text is None:
        return outcome
    kind = ctx.slots.get("feedback_kind")
    if kind == "complaint" and len(ctx.services) > 1 and ctx.slots.get("service") is None:
        service = infer_service(text, ctx.services)
        if service:
            outcome.slots["service"] = service
    if kind in ("service_request", "asb_report", "comment") and not ctx.slots.get("complaint_offered") \
            and triage.expresses_dissatisfaction(text, ctx.intent_ranking):
        outcome.slots["complaint_offered"] = True  # the form asks complaint_choice next
    if kind == "service_request":
        category = triage.awaab_category(text)
        if category:
            outcome.slots["awaab_category"] = category
    return outcome


def check_feedback_kind(value: Any, ctx: Context) -> Outcome:
    """The kind is known (from the first message or the clarifying question): say what it is and
    what happens to it (a service request is not a complaint ...), once, whichever way it came."""
    from bot.intake.fields import KINDS

    if value not in KINDS:
        return Outcome({"feedback_kind": None})
    outcome = Outcome({"feedback_kind": value})
    outcome.messages.extend(ctx.kind_introduction(value))
    return outcome


def check_complaint_choice(value: Any, ctx: Context) -> Outcome:
    if value:
        return Outcome({"complaint_choice": True, "feedback_kind": "complaint", "service": None}).say(
            "OK, I'll take this as a complaint. I'll keep what you've told me so far.")
    return Outcome({"complaint_choice": False}).say(
        "OK, I'll carry on with this as it is. You can ask for a complaint to be raised at any time.")


def check_event_date_text(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text:
        return Outcome({"event_date_text": None})
    parsed = dates.parse_event_date(text, ctx.now)
    if parsed is None and not dates.is_unsure(text):
        return Outcome({"event_date_text": None}).say(
            "Sorry, I couldn't work out a date from that. Roughly when was it? For example "
            "\"last Tuesday\", \"about three weeks ago\" or \"2nd of May\". If you're not sure, say \"not sure\".")
    outcome = Outcome({"event_date_text": text, "event_date": parsed.isoformat() if parsed else None})
    if parsed and ctx.slots.get("feedback_kind") == "complaint":
        limit = ctx.now.date() - relativedelta(months=ctx.complaint_time_limit_months)
        if parsed < limit:
            outcome.slots["exclusion"] = "too_old"
            outcome.say(ctx.exclusion_message("too_old"))
    return outcome


def check_service(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower().replace("_", "-").replace(" ", "-")
    if text in ctx.services:
        return Outcome({"service": text})
    if text in ("housing", "my_home", "home", "repairs", "tenancy"):
        return Outcome({"service": "housing"})
    found = infer_service(value if isinstance(value, str) else "", ctx.services)
    if found:
        return Outcome({"service": found})
    return Outcome({"service": None}).say("Sorry, please choose one of the services below.")


def _yes_no_exclusion(slot: str, exclusion: str) -> Callable[[Any, Context], Outcome]:
    def check(value: Any, ctx: Context) -> Outcome:
        outcome = Outcome({slot: bool(value)})
        if value and not ctx.slots.get("exclusion"):
            outcome.slots["exclusion"] = exclusion
            outcome.say(ctx.exclusion_message(exclusion))
        return outcome
    return check


def check_name(value: Any, ctx: Context) -> Outcome:
    text = re.sub(r"^(my name is|my name's|i am|i'm|it's|its|this is)\s+", "", _text(value), flags=re.I)
    if not text or len(text) > 200 or not re.search(r"[^\W\d_]", text):
        return Outcome({"name": None}).say("Sorry, I didn't catch your name. What should we call you?")
    return Outcome({"name": text})


def check_address(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    postcode = contact.find_postcode(text)
    if not postcode and len(text) < 8:
        return Outcome({"address": None}).say(
            "Sorry, I couldn't find an address or a UK postcode in that. Could you give your postcode, "
            "for example \"M1 1AE\"?")
    return Outcome({"address": text, "postcode": postcode})


def check_contact_details(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    email, phone = contact.find_email(text), contact.find_phone(text)
    if not email and not phone:
        return Outcome({"contact_details": None}).say(
            "Sorry, that doesn't look like an e-mail address or a UK phone number. Could you check it? "
            "For example name@example.com or 07700 900123.")
    return Outcome({"contact_details": text, "email": email, "phone": phone})


_CONTACT_METHODS = {"email": r"e-?mail|mail", "phone": r"phone|call|ring|telephone|mobile",
                    "text": r"text|sms", "post": r"post|letter|write|writing"}


def check_preferred_contact(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower()
    for method, words in _CONTACT_METHODS.items():
        if text == method or re.search(rf"\b({words})\b", text):
            outcome = Outcome({"preferred_contact": method})
            if method == "email" and not ctx.slots.get("email"):
                outcome.say("I don't have an e-mail address for you yet, so we'll use the details you gave.")
            return outcome
    return Outcome({"preferred_contact": None}).say("Sorry, please choose e-mail, phone, text or letter.")


_FORMATS = ("standard", "large print", "easy read", "braille", "audio", "another language", "bsl")


def check_preferred_format(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    lowered = text.lower()
    if _NOTHING.match(text) or lowered in ("normal", "standard", "any", "doesn't matter", "no preference"):
        return Outcome({"preferred_format": "standard"})
    for known in _FORMATS:
        if known in lowered:
            return Outcome({"preferred_format": known})
    if "sign" in lowered:
        return Outcome({"preferred_format": "bsl"})
    return Outcome({"preferred_format": text[:200]})  # e.g. "Polish": kept as the resident said it


def check_reasonable_adjustments(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text or _NOTHING.match(text):
        return Outcome({"reasonable_adjustments": "none"})
    return Outcome({"reasonable_adjustments": text}).say(
        "Thank you for telling me. We'll record that and keep it in mind whenever we contact you.")


_URGENCY = {"emergency": r"emergency|danger|now|immediately|unsafe", "urgent": r"urgent|soon|days|asap",
            "routine": r"wait|routine|not urgent|whenever|no rush"}


def check_urgency(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower()
    for level, words in _URGENCY.items():
        if text == level or re.search(rf"\b({words})\b", text):
            outcome = Outcome({"urgency": level})
            description = ctx.slots.get("description") or ""
            category = triage.awaab_category(f"{description} {ctx.slots.get('location') or ''}", level)
            if category:
                outcome.slots["awaab_category"] = category
            if level == "emergency":
                outcome.slots["urgent"] = True
                outcome.say(ctx.emergency_advice())
            return outcome
    return Outcome({"urgency": None}).say("Sorry, please choose how urgent it is from the options below.")


def check_in_danger(value: Any, ctx: Context) -> Outcome:
    outcome = Outcome({"in_danger": bool(value)})
    if value:
        outcome.slots["urgent"] = True
        outcome.say("If anyone is in immediate danger, please call 999 now. I'll mark your report as "
                    "urgent, and we can carry on when you're safe.")
    return outcome


def check_yes_no(slot: str) -> Callable[[Any, Context], Outcome]:
    return lambda value, ctx: Outcome({slot: bool(value)})


def check_share_details(value: Any, ctx: Context) -> Outcome:
    outcome = Outcome({"share_details": bool(value)})
    if not value:
        outcome.say("That's fine, you can stay anonymous. Please be aware that we won't be able to "
                    "contact you or tell you the outcome.")
    return outcome


def check_representative_consent(value: Any, ctx: Context) -> Outcome:
    outcome = Outcome({"representative_consent": bool(value)})
    if not value:
        outcome.say("That's OK. We'll record the complaint now, but we'll need their written agreement "
                    "before we can discuss it with you. We'll explain how when we contact you.")
    return outcome


def check_verification(value: Any, ctx: Context) -> Outcome:
    return _free_text("verification", value, ctx)


CHECKS: dict[str, Callable[[Any, Context], Outcome]] = {
    "feedback_kind": check_feedback_kind,
    "description": check_description,
    "complaint_choice": check_complaint_choice,
    "event_date_text": check_event_date_text,
    "service": check_service,
    "already_investigated": _yes_no_exclusion("already_investigated", "already_investigated"),
    "legal_proceedings": _yes_no_exclusion("legal_proceedings", "legal_proceedings"),
    "name": check_name,
    "address": check_address,
    "contact_details": check_contact_details,
    "preferred_contact": check_preferred_contact,
    "preferred_format": check_preferred_format,
    "reasonable_adjustments": check_reasonable_adjustments,
    "urgency": check_urgency,
    "in_danger": check_in_danger,
    "on_behalf": check_yes_no("on_behalf"),
    "share_details": check_share_details,
    "representative_consent": check_representative_consent,
}


def check(slot: str, value: Any, ctx: Context) -> Outcome:
    """Check one answer; free-text questions without a special check are kept as typed."""
    checker = CHECKS.get(slot)
    if checker is not None:
        return checker(value, ctx)
    if isinstance(value, str):
        return _free_text(slot, value, ctx)
    return Outcome({slot: value})


def event_date(slots: Mapping[str, Any]) -> date | None:
    raw = slots.get("event_date")
    return date.fromisoformat(raw) if raw else None
