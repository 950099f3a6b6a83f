"""Validation of the intake form: which question comes next, and what each answer means.

Thin: the questions are chosen by bot.intake.fields and the answers checked by bot.intake.answers.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import answer_context, services
from actions.safety import record_and_advise
from bot.intake import answers, fields


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict[str, Any]) -> list[str]:
        return fields.required_slots(tracker.slots, services())

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict[str, Any]) -> list[EventType]:
        values = {slot: value for slot, value in tracker.slots_to_validate().items()
                  if slot != "requested_slot" and not _unchanged(tracker, slot, value)}
        outcome = answers.check_all(values, answer_context(tracker))
        for message in outcome.messages:
            dispatcher.utter_message(**message)
        events = [SlotSet(slot, value) for slot, value in outcome.slots.items()]
        if outcome.safety:  # the answer is kept; the concern is recorded and advised on too
            events += await record_and_advise(dispatcher, tracker, outcome.safety, in_form=True)
        return events


def _unchanged(tracker: Tracker, slot: str, value: Any) -> bool:
    """True when the slot already had this value before the resident's latest message.

    When the form is activated again (after the resident chose an answer to change), Rasa hands
    every answer already given back for validation; those were checked, and their messages said,
    when they were given.
    """
    seen_user_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user_message = True
        elif seen_user_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value") == value
    return False
