"""Starting, summarising, correcting, cancelling and filing a piece of feedback."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import answer_context, channel_of, latest_reading, say_all, services
from actions.threads import off_the_event_loop
from bot.cases import safety
from bot.intake import answers, corrections, fields, filing, opening, reading, replies, summary
from bot.intake.fields import FIELD_LABELS, NOT_GIVEN
from bot.nlp.clarify import needs_clarification
from bot.ops import metrics
from bot.policy import active_profile

logger = logging.getLogger(__name__)

# Everything the intake form gathers; cleared when a case is filed or the form is cancelled.
INTAKE_SLOTS = (
    "feedback_kind", "description", "event_date_text", "event_date", "affected", "desired_outcome",
    "subject", "person_praised", "location", "access_availability", "frequency", "evidence",
    "representative_relationship", "represented_name", "name", "address", "postcode",
    "contact_details", "email", "phone", "reasonable_adjustments", "service", "urgency",
    "preferred_contact", "preferred_format", "legal_proceedings", "already_investigated",
    "on_behalf", "representative_consent", "share_details", "in_danger", "complaint_choice",
    "complaint_offered", "awaab_category", "exclusion", "submission_id", "awaiting_confirmation",
    "choosing_correction", "field_to_change", "still_happening", "aware_date_text", "aware_date",
    "home_date_text", "home_date", "home_date_needed",
    "reuse_details", "unsure_answers", "asking_again", "date_needs_check", "opening_description",
)
# What is remembered of the resident after a form, to offer back for the next one.
CONTACT_SLOTS = ("name", "address", "postcode", "contact_details", "email", "phone",
                 "preferred_contact", "preferred_format")
SEND_OR_CHANGE = [{"title": "Yes, send it", "payload": "/affirm"},
                  {"title": "Change something", "payload": "/deny"}]


def clear_intake(slots: dict[str, Any], keep: tuple[str, ...] = ()) -> list[EventType]:
    """Empty the answers that have a value (only those: every event is stored and read back on
    each of the conversation's later messages)."""
    return [SlotSet(name, None) for name in INTAKE_SLOTS
            if name not in keep and slots.get(name) is not None]


def known_contact(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The contact details the resident gave (none when anonymous), to offer back later."""
    if slots.get("share_details") is False:
        return None
    given = {name: slots.get(name) for name in CONTACT_SLOTS
             if slots.get(name) not in (None, "", NOT_GIVEN)}
    return given if given.get("name") or given.get("email") or given.get("phone") else None


def keep_contact(slots: dict[str, Any]) -> list[EventType]:
    given = known_contact(slots)
    return [SlotSet("known_contact", given)] if given else []


def back_to_the_summary(dispatcher: Any, tracker: Tracker) -> list[EventType]:
    """After a digression at the summary (or while choosing an answer to change), its question
    again, with its buttons."""
    if tracker.get_slot("awaiting_confirmation"):
        dispatcher.utter_message(text="Shall I send it as it is?", buttons=SEND_OR_CHANGE)
    elif tracker.get_slot("choosing_correction"):
        dispatcher.utter_message(text="Which answer would you like to change?",
                                 buttons=summary.change_buttons(tracker.slots, services()))
    return []


def opening_form(tracker: Tracker) -> tuple[bool, str | None]:
    """For a first message that raised a safety concern: whether the form starts with it, and as
    which kind (bot.intake.opening.kind_after_safety)."""
    return opening.kind_after_safety(tracker.latest_message or {})


def start_events(tracker: Tracker, kind: str | None) -> list[EventType]:
    """What starting the intake form sets: a fresh submission, the kind when it is known (the
    form asks otherwise), and the first message as the description when it says what happened."""
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    # Flags raised earlier in the conversation (an emergency, a safeguarding concern) stay.
    events = clear_intake(tracker.slots)
    events.append(SlotSet("submission_id", uuid.uuid4().hex))
    metrics.FORMS_STARTED.labels(kind or "unclear").inc()
    if kind:  # the form's check of feedback_kind says what this kind is and what happens next
        events.append(SlotSet("feedback_kind", kind))
    if opening.describes_the_matter(text):  # not asked "what went wrong?" again
        events += [SlotSet("description", text), SlotSet("opening_description", True)]
    return events


class ActionStartFeedback(Action):
    """Start the intake form for the kind of feedback the resident's message is."""

    def name(self) -> str:
        return "action_start_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        text = (latest.get("text") or "").strip()
        ranking = latest.get("intent_ranking") or []
        kind = intent if intent in fields.KINDS else None
        if kind and needs_clarification(ranking) is not None and not text.startswith("/"):
            kind = None  # the form asks which kind it is (action_ask_feedback_kind)
        return start_events(tracker, kind)


class ActionClarifyOrFallback(Action):
    """A message the classifier could not place (nlu_fallback), or an answer-like message
    (inform) with nothing going on: when most of its weight is on the kinds of feedback, the
    intake form starts and asks the clarifying question (as for a kind that is not clear);
    otherwise the plain "please put it another way".

    Sets `kind_unclear`, which the rules read: True, the intake form comes next; False, the
    assistant waits (in a form, the form asks its question again, as before).
    """

    def name(self) -> str:
        return "action_clarify_or_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        latest = tracker.latest_message or {}
        text = (latest.get("text") or "").strip()
        busy = (tracker.active_loop_name or tracker.get_slot("awaiting_confirmation")
                or tracker.get_slot("choosing_correction"))
        if not busy and not text.startswith("/") \
                and needs_clarification(latest.get("intent_ranking") or []) is not None:
            # The form's first question is the kind: action_ask_feedback_kind asks it.
            return [*start_events(tracker, None), SlotSet("kind_unclear", True)]
        dispatcher.utter_message(response="utter_default")
        return [SlotSet("kind_unclear", False)]


class ActionAskFeedbackKind(Action):
    """The clarifying question when the kind of feedback is not clear."""

    def name(self) -> str:
        return "action_ask_feedback_kind"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        question = needs_clarification(ranking)
        metrics.CLARIFYING_QUESTIONS.inc()
        if question is not None:
            dispatcher.utter_message(**question.as_message())
        else:
            dispatcher.utter_message(**replies.which_kind_question())
        return []


class ActionAskService(Action):
    def name(self) -> str:
        return "action_ask_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(**replies.which_service_question(active_profile()))
        return []


class ActionShowSummary(Action):
    def name(self) -> str:
        return "action_show_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=summary.summary_text(tracker.slots, services()),
                                 buttons=SEND_OR_CHANGE)
        return [SlotSet("awaiting_confirmation", True), SlotSet("choosing_correction", None)]


class ActionAskFieldToChange(Action):
    """The resident wants to change the summary (bot.intake.corrections read how). A correction
    that names the answer and gives its new value is applied, and the summary shown again; one
    that names only the answer asks that question again (every other answer stays); otherwise
    the buttons of the answers. Nothing said here starts another case.

    Sets `awaiting_confirmation` (True: the summary again) and `choosing_correction` (True:
    waiting for a button; False: the intake form asks the named question again).
    """

    def name(self) -> str:
        return "action_ask_field_to_change"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        changeable = summary.changeable_fields(tracker.slots, services())
        got = latest_reading(tracker)
        if got is not None and got.kind == reading.CHANGE:
            meant, new_value = got.field, got.new_value
        else:
            meant = corrections.field_meant(text, changeable) if not text.startswith("/") else None
            new_value = corrections.new_value(text, meant) if meant else None
        if meant in changeable:
            applied = apply_correction(meant, new_value, tracker)
            if applied is not None:
                label = FIELD_LABELS.get(meant, meant)
                dispatcher.utter_message(text=f"OK, I've changed \"{label}\". Your other answers "
                                              "stay as they are.")
                slots = {**tracker.slots, **applied}
                dispatcher.utter_message(text=summary.summary_text(slots, services()),
                                         buttons=SEND_OR_CHANGE)
                return [*(SlotSet(name, value) for name, value in applied.items()),
                        SlotSet("awaiting_confirmation", True), SlotSet("choosing_correction", None)]
            dispatcher.utter_message(text=(
                f"OK, let's change \"{FIELD_LABELS.get(meant, meant)}\". I'll ask that question "
                "again; your other answers stay as they are."))
            return [SlotSet("awaiting_confirmation", False), SlotSet("choosing_correction", False),
                    *[SlotSet(name, None) for name in summary.fields_to_clear(meant)],
                    SlotSet("field_to_change", meant)]
        if text and not text.startswith("/"):
            question = ("I couldn't tell from that which answer you mean. Please choose the one to "
                        "change below, and I'll ask that question again.")
        else:
            question = "Which answer would you like to change?"
        dispatcher.utter_message(text=question, buttons=summary.change_buttons(tracker.slots, services()))
        return [SlotSet("awaiting_confirmation", False), SlotSet("choosing_correction", True)]


# Answers a correction can give in the same message, read as the question's own answer.
DIRECT = frozenset(reading.YES_NO) | {"event_date_text", "address", "contact_details", "name",
                                      "preferred_contact", "preferred_format", "urgency"}


def apply_correction(field: str, new_value: str | None, tracker: Tracker) -> dict[str, Any] | None:
    """The slots to set when a correction gives the new answer itself ("the postcode is LS9
    7QT", "nobody has investigated anything"), checked as that question's answer; None when
    the question should be asked again instead."""
    if field not in DIRECT:
        return None
    ctx = answer_context(tracker)
    ctx = replace_context(ctx, requested=field, reading=None, latest_text="")
    value: Any = new_value
    if field in reading.YES_NO:
        current = tracker.get_slot(field)
        said = reading.read(field, new_value or "", now=ctx.now).kind if new_value else None
        if said in (reading.YES, reading.NO):
            value = said == reading.YES
        elif isinstance(current, bool):
            value = not current  # "the already investigated bit is wrong": the other answer
        else:
            return None
    elif not new_value:
        return None
    outcome = answers.check(field, value, ctx)
    if outcome.slots.get(field) is None or outcome.slots.get("asking_again"):
        return None
    return outcome.slots


def replace_context(ctx: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(ctx, **changes)


class ActionResetField(Action):
    """Clear the chosen answer; the intake form then asks that question again. When no answer
    can be told from the message, the buttons again (the resident is still choosing)."""

    def name(self) -> str:
        return "action_reset_field"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        chosen = next(tracker.get_latest_entity_values("choice"), None)
        changeable = summary.changeable_fields(tracker.slots, services())
        if chosen in changeable:
            return [SlotSet("choosing_correction", False), SlotSet("awaiting_confirmation", False),
                    *[SlotSet(name, None) for name in summary.fields_to_clear(chosen)],
                    SlotSet("field_to_change", chosen)]
        dispatcher.utter_message(text="Sorry, I couldn't tell which answer you meant. Please choose "
                                      "one below, or say \"send it\" if nothing needs changing.",
                                 buttons=[*summary.change_buttons(tracker.slots, services()),
                                          {"title": "Nothing, send it", "payload": "/affirm"}])
        return [SlotSet("choosing_correction", True), SlotSet("awaiting_confirmation", False)]


class ActionCancelForm(Action):
    """"Stop" or "cancel": end the form without filing, and say so."""

    def name(self) -> str:
        return "action_cancel_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_stopped")
        if tracker.active_loop_name == "intake_form" or tracker.get_slot("awaiting_confirmation"):
            metrics.FORMS_STOPPED.inc()
        return [ActiveLoop(None), SlotSet("requested_slot", None), *clear_intake(tracker.slots),
                *keep_contact(tracker.slots), SlotSet("case_task", None),
                SlotSet("case_reference", None), SlotSet("verification", None)]


class ActionFileCase(Action):
    """File the confirmed feedback, then give the reference and what happens next, with dates.

    If the case store cannot take it, the answers stay in the conversation and the resident is
    told plainly, with another way to reach us; saying "yes" again retries.
    """

    def name(self) -> str:
        return "action_file_case"

    @off_the_event_loop
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        profile = active_profile()
        try:
            case = filing.file_from_slots(tracker.slots, profile=profile,
                                          channel=channel_of(tracker),
                                          conversation_id=tracker.sender_id)
        except filing.FilingFailed:
            say_all(dispatcher, replies.filing_failed(profile))
            return [SlotSet("awaiting_confirmation", True)]
        try:  # a safety concern raised earlier in this conversation: link it (bot.cases.safety)
            safety.link_to_concern(filing.case_store(), case)
        except Exception:  # noqa: BLE001 - the case is filed; the link is for staff's convenience
            logger.exception("could not link %s to its conversation's safety concern", case.reference)
        say_all(dispatcher, replies.after_filing(profile, case, tracker.slots))
        return [*clear_intake(tracker.slots), *keep_contact(tracker.slots), SlotSet("urgent", None),
                SlotSet("safeguarding", None), SlotSet("last_reference", case.reference)]
