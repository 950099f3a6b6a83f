"""Answers a resident can ask for at any point, even in the middle of a form."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import channel_of, now, say_all
from actions.threads import off_the_event_loop
from bot.cases import safety
from bot.intake import replies
from bot.intake.filing import case_store
from bot.nlp import screen
from bot.policy import active_profile

logger = logging.getLogger(__name__)


def _service(tracker: Tracker) -> str:
    return tracker.get_slot("service") or "housing"


def _record_concern(tracker: Tracker, trigger: str) -> bool:
    """Record the concern for staff now (bot.cases.safety); False when the store could not."""
    try:
        safety.record_concern(case_store(), trigger, (tracker.latest_message or {}).get("text") or "",
                              tracker.slots, profile=active_profile(), channel=channel_of(tracker),
                              conversation_id=tracker.sender_id)
    except Exception:  # noqa: BLE001 - the advice must be given whatever broke
        logger.exception("could not record the %s of conversation %s", trigger, tracker.sender_id)
        return False
    return True


class ActionExplainTimescales(Action):
    def name(self) -> str:
        return "action_explain_timescales"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.timescales(active_profile(), now(),
                                               tracker.get_slot("feedback_kind"), _service(tracker)))
        return []


class ActionExplainOmbudsman(Action):
    def name(self) -> str:
        return "action_explain_ombudsman"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.ombudsman(active_profile(), _service(tracker)))
        return []


class ActionExplainWhatCounts(Action):
    def name(self) -> str:
        return "action_explain_what_counts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.what_counts(active_profile()))
        return []


class ActionOfferHuman(Action):
    def name(self) -> str:
        return "action_offer_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.speak_to_a_person(active_profile(),
                                                      in_form=bool(tracker.active_loop_name)))
        return []


class ActionEmergencyAdvice(Action):
    """Emergency advice first, at any point; the concern is recorded for staff as urgent at once,
    any case filed later is flagged urgent too, and the conversation goes on."""

    def name(self) -> str:
        return "action_emergency_advice"

    @off_the_event_loop
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        profile = active_profile()
        advice = replies.emergency_advice(profile)
        if _record_concern(tracker, safety.EMERGENCY):
            advice += " " + safety.emergency_recorded()
        dispatcher.utter_message(text=advice)
        dispatcher.utter_message(text=replies.after_advice(bool(tracker.active_loop_name)))
        return [SlotSet("urgent", True)]


class ActionSafeguardingAdvice(Action):
    """The advice says the concern is flagged for staff: it is recorded at once (flagged
    safeguarding and urgent), or, if that failed, the resident is told so and how to reach us."""

    def name(self) -> str:
        return "action_safeguarding_advice"

    @off_the_event_loop
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        profile = active_profile()
        recorded = _record_concern(tracker, safety.SAFEGUARDING)
        dispatcher.utter_message(text=replies.safeguarding_advice(profile) if recorded
                                 else safety.advice_not_recorded(profile))
        dispatcher.utter_message(text=replies.after_advice(bool(tracker.active_loop_name)))
        return [SlotSet("safeguarding", True), SlotSet("urgent", True)]


class ActionScreenedMessage(Action):
    """An empty message, code or markup, or another language: a kind reply, never a guess."""

    def name(self) -> str:
        return "action_screened_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        latest = tracker.latest_message or {}
        verdict = (latest.get("intent") or {}).get("name") or screen.EMPTY
        found = screen.language_of(latest.get("text") or "") if verdict == screen.OTHER_LANGUAGE else None
        say_all(dispatcher, replies.screened_message(active_profile(), verdict,
                                                     in_form=bool(tracker.active_loop_name),
                                                     language=screen.language_name(found[0]) if found else None))
        return []
