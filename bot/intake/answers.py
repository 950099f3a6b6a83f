"""Check and tidy each answer the intake form receives.

`check(slot, value, ctx)` returns the slot values to set (the answer itself, cleaned, or None to
ask again, plus anything it implies: a parsed date, a flag, the complaint offer) and what to tell
the resident. After every answer the exclusions are worked out again from all the answers
(bot.intake.exclusions), so a corrected answer adds or removes one, and each is explained once.
`check_all` checks the answers of one turn together. Nothing here talks to Rasa; the form's
validation action applies the result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Callable, Mapping

from bot.intake import contact, dates, exclusions, triage

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
# Where dissatisfaction is looked for in a service request, an ASB report or a comment: every
# answer in the resident's own words (not names, addresses or contact details).
OFFER_KINDS = ("service_request", "asb_report", "comment")
WATCHED_ANSWERS = ("description", "subject", "event_date_text", "frequency", "location", "urgency",
                   "access_availability", "evidence", "reasonable_adjustments")
_AWAAB_ORDER = (None, "significant", "emergency")


@dataclass
class Context:
    """What the checks need to know beyond the answer itself."""

    slots: Mapping[str, Any]
    now: datetime                      # an aware time is read as UK time (dates.uk_today)
    services: tuple[str, ...] = ("housing",)
    # The profile's time limit for raising a complaint about a service, in months.
    time_limit_months: Callable[[str], int] = lambda service: 12
    # What the policy says about an exclusion (key), for a service (the time limits differ).
    exclusion_message: Callable[[str, str], str] = lambda key, service: ""
    emergency_advice: Callable[[], str] = lambda: ""
    danger_advice: Callable[[], str] = lambda: ""   # someone is in danger now: who to call
    kind_introduction: Callable[[str], list] = lambda kind: []
    latest_text: str = ""
    intent_ranking: list[dict] = field(default_factory=list)
    validating: frozenset = frozenset()  # the answers being checked in this turn

    @property
    def today(self) -> date:
        """The UK date."""
        return dates.uk_today(self.now).date()

    def known_service(self, slots: Mapping[str, Any]) -> str | None:
        """The service of the answers, or the only one there is; None until it is known."""
        return slots.get("service") or (self.services[0] if len(self.services) == 1 else None)


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


def _stronger(*categories: str | None) -> str | None:
    return max(categories, key=lambda c: _AWAAB_ORDER.index(c) if c in _AWAAB_ORDER else 0)


def _description_findings(text: str, slots: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """What a description implies for its kind: the service of a complaint when it is obvious,
    and a hazard under Awaab's Law in a repair or a complaint (kept on the case either way)."""
    kind = slots.get("feedback_kind")
    found: dict[str, Any] = {}
    if kind == "complaint" and len(ctx.services) > 1 and slots.get("service") is None:
        service = infer_service(text, ctx.services)
        if service:
            found["service"] = service
    if kind in ("service_request", "complaint"):
        category = _stronger(triage.awaab_category(text), slots.get("awaab_category"))
        if category and category != slots.get("awaab_category"):
            found["awaab_category"] = category
    return found


def check_description(value: Any, ctx: Context) -> Outcome:
    outcome = _free_text("description", value, ctx)
    text = outcome.slots.get("description")
    if text is None:
        return outcome
    outcome.slots.update(_description_findings(text, {**ctx.slots, **outcome.slots}, ctx))
    return outcome


def check_feedback_kind(value: Any, ctx: Context) -> Outcome:
    """The kind is known (from the first message or the clarifying question): say what it is and
    what happens to it (a service request is not a complaint ...), once, whichever way it came.

    A description given before the kind was known (the clarifying question came after it) is
    read again for this kind: the service, Awaab's Law, and (in `check`) the complaint offer."""
    from bot.intake.fields import KINDS

    if value not in KINDS:
        return Outcome({"feedback_kind": None})
    outcome = Outcome({"feedback_kind": value})
    outcome.messages.extend(ctx.kind_introduction(value))
    description = ctx.slots.get("description")
    if isinstance(description, str) and description.strip() and "description" not in ctx.validating:
        outcome.slots.update(_description_findings(description, {**ctx.slots, "feedback_kind": value}, ctx))
    return outcome


def _answers_in_words(slots: Mapping[str, Any]) -> str:
    return "\n".join(slots[name] for name in WATCHED_ANSWERS if isinstance(slots.get(name), str))


def check_complaint_choice(value: Any, ctx: Context) -> Outcome:
    """Accepting the complaint offer makes it a complaint; what was said so far is kept, and the
    service is worked out again as for a complaint (asked only when it is not obvious)."""
    if not value:
        return Outcome({"complaint_choice": False}).say(
            "OK, I'll carry on with this as it is. You can ask for a complaint to be raised at any time.")
    service = None
    if len(ctx.services) > 1:
        service = infer_service(_answers_in_words(ctx.slots), ctx.services)
        if service is None and ctx.slots.get("feedback_kind") == "asb_report" and "housing" in ctx.services:
            service = "housing"  # anti-social behaviour is dealt with by the housing service
    outcome = Outcome({"complaint_choice": True, "feedback_kind": "complaint", "service": service})
    return outcome.say("OK, I'll take this as a complaint. I'll keep what you've told me so far.")


_DATE_EXAMPLES = ("For example \"last Tuesday\", \"about three weeks ago\" or \"2nd of May\". If "
                  "you're not sure, say \"not sure\".")


def check_event_date_text(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text:
        return Outcome({"event_date_text": None})
    reading = dates.read_event_date(text, ctx.now)
    if reading.kind == dates.FUTURE:
        return Outcome({"event_date_text": None}).say(
            "That sounds like a time still to come. I need to know when it happened, or when it "
            f"started. Roughly when was that? {_DATE_EXAMPLES}")
    if reading.kind == dates.IMPOSSIBLE:
        return Outcome({"event_date_text": None}).say(
            f"Sorry, that date doesn't exist (that month doesn't have that day). Could you check it? {_DATE_EXAMPLES}")
    if reading.kind == dates.UNREADABLE:
        return Outcome({"event_date_text": None}).say(
            f"Sorry, I couldn't work out a date from that. Roughly when was it? {_DATE_EXAMPLES}")
    return Outcome({"event_date_text": text,
                    "event_date": reading.date.isoformat() if reading.date else None})


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
        outcome.say(ctx.danger_advice())
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
    "already_investigated": check_yes_no("already_investigated"),  # exclusions: see _review_exclusions
    "legal_proceedings": check_yes_no("legal_proceedings"),
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


def _offer_complaint(slot: str, value: Any, outcome: Outcome, ctx: Context) -> None:
    """Dissatisfaction in any answer of a service request, ASB report or comment offers a
    complaint (the form asks it next), once. When the kind becomes known, the answers given
    before it are read too."""
    slots = {**ctx.slots, **outcome.slots}
    if slots.get("feedback_kind") not in OFFER_KINDS or slots.get("complaint_offered") \
            or slots.get("complaint_choice") is not None:
        return
    if slot == "feedback_kind":
        said = [(slots.get(name), None) for name in WATCHED_ANSWERS if name not in ctx.validating]
    elif slot in WATCHED_ANSWERS and outcome.slots.get(slot) is not None:
        # The classifier's view counts for the first message only (it was trained on those).
        said = [(value, ctx.intent_ranking if slot == "description" else None)]
    else:
        return
    if any(isinstance(text, str) and triage.expresses_dissatisfaction(text, ranking)
           for text, ranking in said):
        outcome.slots["complaint_offered"] = True


def _review_exclusions(outcome: Outcome, ctx: Context) -> None:
    """Work the exclusions out again from all the answers; explain each new one, once. The
    `exclusion` slot keeps the keys of those that apply (and so have been explained)."""
    slots = {**ctx.slots, **outcome.slots}
    service = ctx.known_service(slots)
    found = exclusions.applying(slots, ctx.today, ctx.time_limit_months, service)
    explained = exclusions.recorded(slots)
    for key in found:
        if key not in explained:
            outcome.say(ctx.exclusion_message(key, service or "housing"))
    value = " ".join(found) or None
    if value != ctx.slots.get("exclusion"):
        outcome.slots["exclusion"] = value


def check(slot: str, value: Any, ctx: Context) -> Outcome:
    """Check one answer; free-text questions without a special check are kept as typed."""
    checker = CHECKS.get(slot)
    if checker is not None:
        outcome = checker(value, ctx)
    elif isinstance(value, str):
        outcome = _free_text(slot, value, ctx)
    else:
        outcome = Outcome({slot: value})
    _offer_complaint(slot, value, outcome, ctx)
    _review_exclusions(outcome, ctx)
    return outcome


def check_all(values: Mapping[str, Any], ctx: Context) -> Outcome:
    """Check the answers of one turn in order, each seeing what the ones before it set."""
    ctx = replace(ctx, slots=dict(ctx.slots), validating=frozenset(values))
    total = Outcome()
    for slot, value in values.items():
        outcome = check(slot, value, ctx)
        total.slots.update(outcome.slots)
        total.messages.extend(m for m in outcome.messages if m.get("text"))
        ctx.slots = {**ctx.slots, **outcome.slots}
    return total


def event_date(slots: Mapping[str, Any]) -> date | None:
    return exclusions.event_date(slots)
