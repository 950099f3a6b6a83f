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

from bot.intake import contact, dates, exclusions, reading, triage, yesno
from bot.intake.fields import NOT_GIVEN

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
    # Whether a service's time limit counts from the home's reservation or completion (a
    # consumer code for new homes) rather than from the problem.
    limit_from_sale: Callable[[str], bool] = lambda service: False
    # What residents call each service (key -> name, e.g. "housing" -> "Homes Plus").
    service_names: Mapping[str, str] = field(default_factory=dict)
    # What the policy says about an exclusion (key), for a service (the time limits differ).
    exclusion_message: Callable[[str, str], str] = lambda key, service: ""
    emergency_advice: Callable[[], str] = lambda: ""
    danger_advice: Callable[[], str] = lambda: ""   # someone is in danger now: who to call
    kind_introduction: Callable[[str], list] = lambda kind: []
    latest_text: str = ""
    intent_ranking: list[dict] = field(default_factory=list)
    validating: frozenset = frozenset()  # the answers being checked in this turn
    # The question pending when the message came, and how the Rasa server read the message as
    # its answer (bot.intake.reading; None for a button or an older message).
    requested: str | None = None
    reading: "reading.Reading | None" = None

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
    # A safety concern the answer carried ("emergency" / "safeguarding_concern"): the answer is
    # kept, and the action layer records the concern and gives the advice.
    safety: str | None = None

    def say(self, text: str, **extra: Any) -> "Outcome":
        self.messages.append({"text": text, **extra})
        return self


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def read(slot: str, value: Any, ctx: Context) -> "reading.Reading":
    """How a typed answer to `slot` reads: the Rasa server's reading when it is of this answer,
    else read here (the same reader)."""
    given = ctx.reading
    if given is not None and ctx.requested == slot and isinstance(value, str) \
            and value.strip() == ctx.latest_text.strip():
        return given
    return reading.read(slot, value if isinstance(value, str) else "", now=ctx.now,
                        kind=ctx.slots.get("feedback_kind"))


def _unsure(ctx: Context) -> list[str]:
    return list(ctx.slots.get("unsure_answers") or [])


def _asked_again(outcome: "Outcome", slot: str) -> "Outcome":
    """The question is asked again, put differently (the domain's `asking_again` variant)."""
    outcome.slots[slot] = None
    outcome.slots["asking_again"] = slot
    return outcome


def _answered(outcome: "Outcome", slot: str, ctx: Context) -> "Outcome":
    if ctx.slots.get("asking_again") == slot:
        outcome.slots["asking_again"] = None
    return outcome


def _free_text(slot: str, value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text:
        return Outcome({slot: None}).say("Sorry, I didn't get an answer there. Could you tell me again?")
    found = read(slot, text, ctx)
    if found.kind == reading.UNSURE and slot == "description":
        return Outcome({slot: None}).say("That's OK. Just tell me in a few words what the problem "
                                         "is, and I'll ask the rest.")
    outcome = Outcome({slot: text})
    if found.safety:
        outcome.safety = found.safety
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
    if reading.still_going_on(text):  # "it's still coming through the ceiling"
        outcome.slots["still_happening"] = True
    outcome.slots.update(_description_findings(text, {**ctx.slots, **outcome.slots}, ctx))
    return outcome


def check_feedback_kind(value: Any, ctx: Context) -> Outcome:
    """The kind is known (from the first message or the clarifying question): say what it is and
    what happens to it (a service request is not a complaint ...), once, whichever way it came.

    A description given before the kind was known (the clarifying question came after it) is
    read again for this kind: the service, Awaab's Law, and (in `check`) the complaint offer."""
    from bot.intake.fields import KINDS

    if value not in KINDS and isinstance(value, str):
        found = read("feedback_kind", value, ctx)
        value = found.value if found.kind == reading.ANSWER else None
        if value not in KINDS:
            return Outcome({"feedback_kind": None}).say(
                "Sorry, I couldn't tell which it is. Please choose the one closest below.")
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
    if value is not True and value is not False:
        value, asked = yes_no("complaint_choice", value, ctx)
        if value is None:
            return asked
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


def _date_answer(slot: str, value: Any, ctx: Context) -> tuple["reading.Reading | None", Outcome]:
    text = _text(value)
    if not text:
        return None, Outcome({slot: None})
    found = read(slot, text, ctx)
    if found.kind == reading.UNCLEAR and found.value == dates.FUTURE:
        return None, Outcome({slot: None}).say(
            "That sounds like a time still to come. I need to know when it happened, or when it "
            f"started. Roughly when was that? {_DATE_EXAMPLES}")
    if found.kind == reading.UNCLEAR and found.value == dates.IMPOSSIBLE:
        return None, Outcome({slot: None}).say(
            f"Sorry, that date doesn't exist (that month doesn't have that day). Could you check it? {_DATE_EXAMPLES}")
    if found.kind not in (reading.DATE, reading.UNSURE):
        return None, Outcome({slot: None}).say(
            f"Sorry, I couldn't work out a date from that. Roughly when was it? {_DATE_EXAMPLES}")
    return found, Outcome({slot: text})


def check_event_date_text(value: Any, ctx: Context) -> Outcome:
    """When it happened, in the resident's words, and the date they point to. A problem still
    going on is recorded as such (and cannot be too old); a date older than the time limit
    brings the questions whether it is still happening and when they became aware of it."""
    found, outcome = _date_answer("event_date_text", value, ctx)
    if found is None:
        return outcome
    outcome.slots["event_date"] = found.date
    if found.ongoing:
        outcome.slots["still_happening"] = True
    limit = ctx.time_limit_months(ctx.known_service(ctx.slots) or "housing")
    old = found.date is not None and exclusions.too_old(date.fromisoformat(found.date), ctx.today, limit)
    outcome.slots["date_needs_check"] = bool(old and not found.ongoing
                                             and not ctx.slots.get("home_date_needed")
                                             and ctx.slots.get("still_happening") is not True)
    if found.kind == reading.UNSURE:
        outcome.slots["unsure_answers"] = sorted({*_unsure(ctx), "event_date_text"})
    return outcome


def check_aware_date_text(value: Any, ctx: Context) -> Outcome:
    found, outcome = _date_answer("aware_date_text", value, ctx)
    if found is None:
        return outcome
    if found.kind == reading.DATE and found.date is None and ctx.slots.get("event_date"):
        outcome.slots["aware_date"] = ctx.slots["event_date"]  # "straight away", "same day"
    else:
        outcome.slots["aware_date"] = found.date
    if found.kind == reading.UNSURE:
        outcome.slots["unsure_answers"] = sorted({*_unsure(ctx), "aware_date_text"})
    return outcome


def check_home_date_text(value: Any, ctx: Context) -> Outcome:
    """When the resident completed on (or reserved) a new home: a consumer code's time limit
    counts from it, not from the problem."""
    found, outcome = _date_answer("home_date_text", value, ctx)
    if found is None:
        return outcome
    outcome.slots["home_date"] = found.date
    if found.kind == reading.UNSURE:
        outcome.slots["unsure_answers"] = sorted({*_unsure(ctx), "home_date_text"})
    return outcome


def check_service(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower().replace("_", "-").replace(" ", "-")
    if text in ctx.services:
        return Outcome({"service": text})
    if text in ("housing", "my_home", "home", "repairs", "tenancy"):
        return Outcome({"service": "housing"})
    said = _text(value).lower()
    named = [key for key, name in ctx.service_names.items()
             if key in ctx.services and name and name.lower() in said]
    if len(named) == 1:  # "homes plus, im a tenant": the service by the name the buttons show
        return Outcome({"service": named[0]})
    found = infer_service(value if isinstance(value, str) else "", ctx.services)
    if found:
        return Outcome({"service": found})
    return Outcome({"service": None}).say("Sorry, please choose one of the services below.")


_ANONYMOUS = ("That's fine, you can stay anonymous. Please be aware that we won't be able to "
              "contact you or tell you what happens.")


def _stay_anonymous(ctx: Context) -> Outcome:
    """A resident who will not give their name stays anonymous: no more personal questions."""
    cleared = {name: None for name in ("name", "address", "postcode", "contact_details", "email",
                                      "phone", "preferred_contact", "preferred_format")}
    return Outcome({**cleared, "share_details": False, "asking_again": None}).say(_ANONYMOUS)


def check_name(value: Any, ctx: Context) -> Outcome:
    found = read("name", value, ctx)
    if found.kind == reading.SKIP:
        return _stay_anonymous(ctx)
    if found.kind == reading.ANSWER and found.value and len(found.value) <= 200:
        return _answered(Outcome({"name": found.value}), "name", ctx)
    return _asked_again(Outcome(), "name").say("Sorry, I didn't catch your name.")


def check_represented_name(value: Any, ctx: Context) -> Outcome:
    found = read("represented_name", value, ctx)
    if found.kind == reading.ANSWER and found.value:
        return Outcome({"represented_name": found.value})
    if found.kind == reading.SKIP:
        return Outcome({"represented_name": NOT_GIVEN}).say(
            "That's OK, we'll ask for it when we contact you.")
    return _free_text("represented_name", value, ctx)


def check_address(value: Any, ctx: Context) -> Outcome:
    found = read("address", value, ctx)
    if found.kind == reading.SKIP:
        return _answered(Outcome({"address": NOT_GIVEN, "postcode": None}), "address", ctx)
    if found.kind == reading.ANSWER:
        return _answered(Outcome({"address": _text(value),
                                  "postcode": (found.details or {}).get("postcode")}), "address", ctx)
    return _asked_again(Outcome(), "address").say(
        "Sorry, I couldn't find an address or a UK postcode in that.")


def check_contact_details(value: Any, ctx: Context) -> Outcome:
    found = read("contact_details", value, ctx)
    details = found.details or {}
    if found.kind == reading.SKIP:
        return _answered(Outcome({"contact_details": NOT_GIVEN, "email": None, "phone": None}),
                         "contact_details", ctx)
    if details.get("reuse"):
        known = ctx.slots.get("known_contact") or {}
        if known.get("email") or known.get("phone"):
            return _answered(Outcome({"contact_details": known.get("contact_details") or "as before",
                                      "email": known.get("email"), "phone": known.get("phone")}),
                             "contact_details", ctx).say("Thank you, I'll use the same details as before.")
    if found.kind == reading.ANSWER and (details.get("email") or details.get("phone")):
        return _answered(Outcome({"contact_details": _text(value), "email": details.get("email"),
                                  "phone": details.get("phone")}), "contact_details", ctx)
    return _asked_again(Outcome(), "contact_details").say(
        "Sorry, that doesn't look like an e-mail address or a UK phone number.")


_CONTACT_METHODS = ("email", "phone", "text", "post")  # the buttons' values; words: bot.intake.reading


def check_preferred_contact(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower()
    method = text if text in _CONTACT_METHODS else None
    if method is None:
        found = read("preferred_contact", value, ctx)
        if found.kind == reading.SKIP:
            return Outcome({"preferred_contact": NOT_GIVEN})
        method = found.value if found.kind == reading.ANSWER else None
        if found.kind == reading.ANSWER and method is None:  # "don't mind": what they gave
            method = ("email" if ctx.slots.get("email") else "phone" if ctx.slots.get("phone")
                      else "post")
    if method in _CONTACT_METHODS:
        outcome = Outcome({"preferred_contact": method})
        if method == "email" and not ctx.slots.get("email"):
            outcome.say("I don't have an e-mail address for you yet, so we'll use the details you gave.")
        return outcome
    return Outcome({"preferred_contact": None}).say("Sorry, please choose e-mail, phone, text or letter.")


_FORMATS = ("standard", "large print", "easy read", "braille", "audio", "another language", "bsl")


# "normal is fine", "the usual", "doesn't matter": no special format.
_STANDARD_FORMAT = re.compile(
    r"^\W*(just |the |as )?(normal|standard|usual|regular|any|whatever|ordinary|plain)\b|"
    r"does ?n'?t matter|no preference|not fussed|^\W*(that'?s |it'?s |its )?(fine|ok|okay)\W*$")


def check_preferred_format(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    lowered = text.lower()
    if _NOTHING.match(text) or _STANDARD_FORMAT.search(lowered):
        return Outcome({"preferred_format": "standard"})
    for known in _FORMATS:
        if known in lowered:
            return Outcome({"preferred_format": known})
    if "sign" in lowered:
        return Outcome({"preferred_format": "bsl"})
    return Outcome({"preferred_format": text[:200]})  # e.g. "Polish": kept as the resident said it


def check_reasonable_adjustments(value: Any, ctx: Context) -> Outcome:
    text = _text(value)
    if not text or _NOTHING.match(text) or read("reasonable_adjustments", text, ctx).kind == reading.NONE \
            or (len(text.split()) <= 3 and yesno.read("reasonable_adjustments", text) == yesno.NO):
        return Outcome({"reasonable_adjustments": "none"})  # "no ta", "nah ta"
    return Outcome({"reasonable_adjustments": text}).say(
        "Thank you for telling me. We'll record that and keep it in mind whenever we contact you.")


_URGENCY = ("emergency", "urgent", "routine")  # the buttons' values; words: bot.intake.reading


def check_urgency(value: Any, ctx: Context) -> Outcome:
    text = _text(value).lower()
    level = text if text in _URGENCY else None
    if level is None:
        found = read("urgency", value, ctx)
        level = found.value if found.kind == reading.ANSWER else None
    if level not in _URGENCY:
        return Outcome({"urgency": None}).say("Sorry, I couldn't tell how urgent it is. Please choose "
                                              "one of the options below.")
    outcome = Outcome({"urgency": level})
    description = ctx.slots.get("description") or ""
    category = triage.awaab_category(f"{description} {ctx.slots.get('location') or ''}", level)
    if category:
        outcome.slots["awaab_category"] = category
    if level == "emergency":
        outcome.slots["urgent"] = True
        outcome.say(ctx.emergency_advice())
    return outcome


def check_in_danger(value: Any, ctx: Context) -> Outcome:
    answer, outcome = yes_no("in_danger", value, ctx)
    if answer:
        outcome.slots["urgent"] = True
        outcome.say(ctx.danger_advice())
    return outcome


# What "not sure" is recorded as, when the resident is still not sure after the question was
# explained: never as a yes that would bring an exclusion; as danger, where safety is at stake.
UNSURE_MEANS = {"already_investigated": False, "legal_proceedings": False, "on_behalf": False,
                "representative_consent": False, "in_danger": True, "complaint_choice": False,
                "still_happening": False, "share_details": False, "reuse_details": False}
_EXPLAINED = "That's OK, let me put it another way."
_NOT_CAUGHT = "Sorry, I couldn't tell whether that was a yes or a no."


def yes_no(slot: str, value: Any, ctx: Context) -> tuple[bool | None, Outcome]:
    """(True/False, outcome) for an answer to a yes/no question; (None, outcome) when it is
    asked again. "Not sure" is explained the first time and recorded as not sure the second."""
    if isinstance(value, bool):
        return value, _answered(Outcome({slot: value}), slot, ctx)
    if value == "unsure":  # the "Not sure" button
        got = reading.UNSURE
    else:
        found = read(slot, value, ctx)
        got = found.kind
        if got == reading.SKIP:
            got = reading.NO
    if got in (reading.YES, reading.NO):
        answer = got == reading.YES
        outcome = _answered(Outcome({slot: answer}), slot, ctx)
        if slot in _unsure(ctx):
            outcome.slots["unsure_answers"] = [name for name in _unsure(ctx) if name != slot]
        return answer, outcome
    if got == reading.UNSURE and (ctx.slots.get("asking_again") == slot or value == "unsure"
                                  or slot == "in_danger"):
        answer = UNSURE_MEANS[slot]
        outcome = _answered(Outcome({slot: answer, "unsure_answers": sorted({*_unsure(ctx), slot})}),
                            slot, ctx)
        return answer, outcome.say("OK, I'll note that you're not sure.")
    if got == reading.UNSURE:
        return None, _asked_again(Outcome(), slot).say(_EXPLAINED)
    return None, _asked_again(Outcome(), slot).say(_NOT_CAUGHT)


def check_yes_no(slot: str) -> Callable[[Any, Context], Outcome]:
    return lambda value, ctx: yes_no(slot, value, ctx)[1]


def check_share_details(value: Any, ctx: Context) -> Outcome:
    answer, outcome = yes_no("share_details", value, ctx)
    if answer is False:
        outcome.say("That's fine, you can stay anonymous. Please be aware that we won't be able to "
                    "contact you or tell you the outcome.")
    elif answer is True and isinstance(value, str):
        # "yes, it's jo@example.com": the details in the answer are kept.
        email, phone = contact.find_email(value), contact.find_phone(value)
        if email or phone:
            outcome.slots.update({"contact_details": value.strip(), "email": email, "phone": phone})
    return outcome


def check_reuse_details(value: Any, ctx: Context) -> Outcome:
    """The details given earlier in the conversation: used again, or asked afresh."""
    answer, outcome = yes_no("reuse_details", value, ctx)
    known = ctx.slots.get("known_contact") or {}
    if answer:
        outcome.slots.update({name: given for name, given in known.items() if given})
        outcome.say("Thank you, I'll use the same details.")
    return outcome


def check_still_happening(value: Any, ctx: Context) -> Outcome:
    return yes_no("still_happening", value, ctx)[1]


def check_representative_consent(value: Any, ctx: Context) -> Outcome:
    answer, outcome = yes_no("representative_consent", value, ctx)
    if answer is None:
        return outcome
    outcome.slots["representative_consent"] = answer
    if not answer:
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
    "still_happening": check_still_happening,
    "aware_date_text": check_aware_date_text,
    "home_date_text": check_home_date_text,
    "reuse_details": check_reuse_details,
    "represented_name": check_represented_name,
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
    if outcome.safety is None and isinstance(value, str) and slot == ctx.requested \
            and ctx.reading is not None and ctx.reading.safety:
        outcome.safety = ctx.reading.safety
    _offer_complaint(slot, value, outcome, ctx)
    _note_sale_limit(outcome, ctx)
    _review_exclusions(outcome, ctx)
    return outcome


def _note_sale_limit(outcome: Outcome, ctx: Context) -> None:
    """A complaint about a service whose time limit counts from the home's reservation or
    completion asks for that date (`home_date_needed`), once the service is known."""
    slots = {**ctx.slots, **outcome.slots}
    service = ctx.known_service(slots)
    needed = bool(slots.get("feedback_kind") == "complaint" and service
                  and ctx.limit_from_sale(service))
    if needed != bool(slots.get("home_date_needed")):
        outcome.slots["home_date_needed"] = needed
        if needed:
            outcome.slots["date_needs_check"] = False  # the problem's date does not decide it


# An answer this long to the first question after an opening is the resident still telling
# what happened: it is added to the description (and kept as the answer too).
STORY_WORDS = 20


def _story_goes_on(values: Mapping[str, Any], ctx: Context) -> Outcome:
    outcome = Outcome()
    if not ctx.slots.get("opening_description") or "description" in values:
        return outcome
    outcome.slots["opening_description"] = None  # only the first answer after the opening
    for slot in ("feedback_kind", "event_date_text"):
        text = values.get(slot)
        if isinstance(text, str) and len(text.split()) >= STORY_WORDS and not text.startswith("/"):
            outcome.slots["description"] = f"{ctx.slots.get('description') or ''}\n{text.strip()}".strip()
    return outcome


def check_all(values: Mapping[str, Any], ctx: Context) -> Outcome:
    """Check the answers of one turn in order, each seeing what the ones before it set."""
    ctx = replace(ctx, slots=dict(ctx.slots), validating=frozenset(values))
    total = _story_goes_on(values, ctx)
    ctx.slots = {**ctx.slots, **total.slots}
    for slot, value in values.items():
        outcome = check(slot, value, ctx)
        total.slots.update(outcome.slots)
        total.messages.extend(m for m in outcome.messages if m.get("text"))
        total.safety = total.safety or outcome.safety
        ctx.slots = {**ctx.slots, **outcome.slots}
    return total


def event_date(slots: Mapping[str, Any]) -> date | None:
    return exclusions.event_date(slots)
