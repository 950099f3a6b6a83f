"""The pending question owns the answer: the Rasa server reads each message in the light of the
question the conversation is waiting on, before any rule or form runs.

Rasa decides what happens next from the message's intent, and the classifier was trained on
first messages: "no, it's for me" to "are you complaining for someone else?" came out as a
fallback, "idk" as yes, a correction typed at the summary as a new complaint. This wraps
`MessageProcessor.parse_message` (which has the conversation): while a form asks a question, at
the summary, and while the resident chooses an answer to change, the message is read by
bot.intake.reading and its intent set to what it is for that question:

- an answer (any kind: yes, no, not sure, a date, skip, ...) or an unclear one: `inform`, so the
  form takes it as the answer and its check (bot.intake.answers) reads it, or asks again;
- a clear digression: its own intent (stop, ask_timescales, request_human, emergency, ...);
- at the summary: `affirm` to send, `inform` to change (the reading says what), never a new case;
- choosing an answer to change: `inform` with the `choice` entity of the answer meant;
- with nothing pending, a message holding a case reference goes to checking that case.

The reading and the classifier's own view are kept in the message's parse data (`intake`), for
the action server and for staff reading the transcript. A button press ("/affirm") is left as
Rasa reads it.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.nlp import FEEDBACK_KINDS
from bot.nlp.clarify import FALLBACK_INTENT
from bot.ops import metrics

log = logging.getLogger(__name__)

FORMS = ("intake_form", "existing_case_form")
CASE_TASK_INTENTS = ("check_case_status", "request_review", "add_information")


def pending_question(tracker: Any) -> str | None:
    """The question the conversation waits on: a form's requested slot, the summary, or the
    choice of an answer to change; None when nothing is pending."""
    from bot.intake import reading

    if tracker is None:
        return None
    if tracker.active_loop_name in FORMS:
        requested = tracker.get_slot("requested_slot")
        if requested:
            return requested
    if tracker.get_slot("awaiting_confirmation"):
        return reading.SUMMARY
    if tracker.get_slot("choosing_correction"):
        return reading.WHICH_ANSWER
    return None


def _changeable(tracker: Any) -> list[str]:
    from bot.intake import summary
    from bot.policy import active_profile

    slots = {name: slot.value for name, slot in tracker.slots.items()}
    return summary.changeable_fields(slots, tuple(active_profile().services))


def _set_intent(parse: dict, name: str) -> None:
    parse["intent"] = {"name": name, "confidence": 1.0}
    ranking = [row for row in parse.get("intent_ranking") or [] if row.get("name") != name]
    parse["intent_ranking"] = [{"name": name, "confidence": 1.0}, *ranking][:10]


def intent_for(question: str, got: Any) -> str | None:
    """The intent a reading stands for while `question` is pending (None: leave it)."""
    from bot.intake import reading

    if got.kind == reading.PAYLOAD:
        return None
    if got.kind == reading.DIGRESSION:
        return got.topic
    if question == reading.SUMMARY:
        return "affirm" if got.kind == reading.CONFIRM else "inform"
    if question == reading.WHICH_ANSWER:
        return "affirm" if got.kind == reading.CONFIRM else "inform"
    return "inform"


def read_in_context(parse: dict, tracker: Any, now: datetime | None = None) -> dict:
    """`parse` with its intent set by what the message is for the pending question."""
    from bot.intake import reading

    text = parse.get("text") or ""
    if not isinstance(text, str) or text.strip().startswith("/"):
        return parse
    question = pending_question(tracker)
    if question is None:
        return _read_opening(parse, text)
    changeable = _changeable(tracker) if question in (reading.SUMMARY, reading.WHICH_ANSWER) else ()
    answers = {name: tracker.get_slot(name) for name in changeable} if question == reading.SUMMARY else None
    got = reading.read(question, text, parse=parse, now=now, changeable=changeable,
                       kind=tracker.get_slot("feedback_kind"), answers=answers)
    parse["intake"] = {"question": question, "reading": got.as_dict(), "classifier": parse.get("intent")}
    intent = intent_for(question, got)
    if intent is None:
        return parse
    _set_intent(parse, intent)
    if question == reading.WHICH_ANSWER and got.kind == reading.FIELD and got.field:
        parse["entities"] = [e for e in parse.get("entities") or [] if e.get("entity") != "choice"] + [
            {"entity": "choice", "value": got.field, "start": 0, "end": len(text),
             "extractor": "intake_reading"}]
    return parse


# Never read as a task on an existing case: the safety advice comes first, and "stop" stops.
KEPT_AT_OPENING = ("emergency", "safeguarding_concern", "stop")

# Read as one of these, a message that says in words it is a complaint is one: "I want to make a
# complaint" is not a question about complaints, nor a message the classifier could not place.
DECLARABLE = (*(kind for kind in FEEDBACK_KINDS if kind != "complaint"), "enquiry",
              "ask_what_counts_as_complaint", FALLBACK_INTENT, "greet", "bot_challenge",
              "thanks", "inform", "affirm")


def _read_opening(parse: dict, text: str) -> dict:
    """With nothing pending: a message about a case the resident already has (a reference in it,
    or words that say so: bot.nlp.case_tasks) goes to that case's task; a message that says in
    words it is a complaint is one (bot.nlp.clarify.declared_complaint); a request about a failure
    that came back gets the complaint-or-request question."""
    from bot.intake import enquiries
    from bot.intake.digressions import sounds_unsafe
    from bot.intake.existing import find_reference
    from bot.nlp import case_tasks, clarify

    classified = (parse.get("intent") or {}).get("name")
    reference, _ = find_reference(text)
    task = (case_tasks.case_task(text, has_reference=bool(reference))
            if classified not in KEPT_AT_OPENING else None)
    if task == case_tasks.STATUS and classified in CASE_TASK_INTENTS:
        task = classified  # "a stage 2 review of CMP-...": the classifier saw more than a reference
    if task:
        parse["intake"] = {"classifier": parse.get("intent"), "task": task,
                           **({"reference": reference} if reference else {})}
        if task != classified:
            _set_intent(parse, task)
    elif classified in DECLARABLE and clarify.declared_complaint(text):
        parse["intake"] = {"classifier": parse.get("intent"), "declared": "complaint"}
        parse["intent_ranking"] = clarify.as_declared(parse.get("intent_ranking") or [])
        parse["intent"] = dict(parse["intent_ranking"][0])
    elif classified == "complaint" and clarify.about_someone_else(text):
        # "I want to complain about the couple upstairs, screaming all night": their behaviour.
        parse["intake"] = {"classifier": parse.get("intent"), "about": "behaviour"}
        parse["intent_ranking"] = clarify.as_behaviour(parse.get("intent_ranking") or [])
        parse["intent"] = dict(parse["intent_ranking"][0])
    elif classified == "asb_report" and clarify.by_our_people(text) and not clarify.denied_complaint(text):
        # "The contractors parked across my drive and swore at me": our service, not a neighbour.
        parse["intake"] = {"classifier": parse.get("intent"), "about": "our people"}
        parse["intent_ranking"] = clarify.as_declared(parse.get("intent_ranking") or [])
        parse["intent"] = dict(parse["intent_ranking"][0])
    elif classified in ("complaint", FALLBACK_INTENT, *CASE_TASK_INTENTS) and clarify.denied_complaint(text):
        # "I don't want to complain as such, just a comment": the next kind, or the question;
        # "i dont want to complain i just want someone to fix the gate", unplaced or read by the
        # classifier alone as a task on a case (the case-task reading above found none): the same.
        parse["intake"] = {"classifier": parse.get("intent"), "denied": "complaint"}
        parse["intent_ranking"] = clarify.without_complaint(parse.get("intent_ranking") or [])
        parse["intent"] = dict(parse["intent_ranking"][0])
    elif classified == clarify.FALLBACK_INTENT and clarify.safety_concern(parse.get("intent_ranking") or []) \
            and sounds_unsafe(text):
        # Not sure what it is, but it may be an emergency: the advice comes first, never "put
        # it another way" (the ranking stays, so the form starts as the likeliest kind). Not on
        # the ranking alone: "my grandson set this up for me, what with my hip and the hospital
        # appointments..." says nothing of danger, and a false alarm flags it for staff.
        concern = clarify.safety_concern(parse.get("intent_ranking") or [])
        parse["intake"] = {"classifier": parse.get("intent"), "safety": concern}
        _set_intent(parse, concern)
    elif classified == "enquiry" and enquiries.offers_complaint(text, parse.get("intent_ranking")):
        # A question unhappy with us: answered, and a complaint offered with the answer.
        parse["intake"] = {"classifier": parse.get("intent"), "offered": ["complaint"]}
    elif classified == "service_request" and clarify.repeated_failure(text):
        # Asked, not assumed: "fixed twice and leaking again" may be a complaint or a request.
        parse["intake"] = {"classifier": parse.get("intent"), "repeated": True}
        parse["intent_ranking"] = clarify.with_complaint_possible(parse.get("intent_ranking") or [])
    return parse


def read_first_message(parse: dict) -> dict:
    """The parse of a first message as the assistant acts on it (for the benchmark and the
    classifier tests): read_in_context with nothing pending, and a message read as an emergency
    or a safeguarding concern taken as the kind its form then starts as, after the advice
    (bot.intake.opening.kind_after_safety). The classifier's own intent stays in "classifier"."""
    from bot.intake.opening import kind_after_safety
    from bot.nlp.clarify import SAFETY_INTENTS

    parse = read_in_context(parse, None)
    intent = (parse.get("intent") or {}).get("name")
    if intent in SAFETY_INTENTS:
        starts, kind = kind_after_safety(parse)
        if starts and kind:
            parse["classifier"] = parse["intent"]
            parse["intent"] = {"name": kind, "confidence": parse["intent"].get("confidence")}
    return parse


def _read_by_question() -> None:
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties=True):
        parse = await original(self, message, tracker, only_output_properties)
        from bot.rasa.observe import count_parse

        metrics.safely(lambda: count_parse(parse, getattr(message, "text", None)))
        try:
            return read_in_context(parse, tracker)
        except Exception:  # noqa: BLE001 - the classifier's reading stands if ours fails
            log.exception("reading a message in the light of its question failed")
            return parse

    MessageProcessor.parse_message = parse_message


def patches() -> tuple:
    """This module's change to Rasa (bot/rasa/patches.py); Rasa is imported only when asked."""
    from rasa.core.processor import MessageProcessor

    from bot.rasa.patches import Expected, Patch

    return (Patch("_intake_reading_parse_message", MessageProcessor, _read_by_question, expects=(
        Expected(MessageProcessor, "parse_message",
                 "(self, message, tracker=None, only_output_properties=True)"),
    )),)


def install() -> None:
    """This module's patch alone (the server installs all of them: `bot.rasa.install()`)."""
    from bot.rasa import patches as rasa_patches

    rasa_patches.install(patches())
