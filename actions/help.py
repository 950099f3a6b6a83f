"""Answers a resident can ask for at any point, even in the middle of a form."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import safety as safety_actions
from actions.context import now, say_all
from actions.flow import back_to_the_summary, opening_form, start_events
from actions.threads import off_the_event_loop
from bot.cases import safety
from bot.intake import replies
from bot.nlp import screen
from bot.policy import active_profile


def _waiting(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("awaiting_confirmation") or tracker.get_slot("choosing_correction"))

logger = logging.getLogger(__name__)


def _service(tracker: Tracker) -> str:
    return tracker.get_slot("service") or "housing"


class ActionExplainTimescales(Action):
    def name(self) -> str:
        return "action_explain_timescales"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.timescales(active_profile(), now(),
                                               tracker.get_slot("feedback_kind"), _service(tracker)))
        return back_to_the_summary(dispatcher, tracker)


class ActionExplainOmbudsman(Action):
    def name(self) -> str:
        return "action_explain_ombudsman"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.ombudsman(active_profile(), _service(tracker)))
        return back_to_the_summary(dispatcher, tracker)


class ActionExplainWhatCounts(Action):
    def name(self) -> str:
        return "action_explain_what_counts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.what_counts(active_profile()))
        return back_to_the_summary(dispatcher, tracker)


class ActionOfferHuman(Action):
    def name(self) -> str:
        return "action_offer_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say_all(dispatcher, replies.speak_to_a_person(active_profile(),
                                                      in_form=bool(tracker.active_loop_name or _waiting(tracker))))
        return back_to_the_summary(dispatcher, tracker)


class _SafetyAdvice:
    """Advice first, at any point; the concern is recorded for staff at once (urgent, and
    safeguarding for a safeguarding concern), any case filed later is flagged too, and the
    conversation goes on. A first message that also says what the matter is ("no heating and my
    2 year old is freezing") starts the form with it, so it is not asked again; at the summary,
    the summary's question comes back."""

    trigger = ""  # (a mixin, not an Action: the SDK registers every Action subclass by name)

    @off_the_event_loop
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        recorded = safety_actions.record_concern(tracker, self.trigger)
        dispatcher.utter_message(text=safety_actions.advice(self.trigger, recorded))
        events = safety_actions.flags(self.trigger)
        start, kind = opening_form(tracker)
        if not tracker.active_loop_name and not _waiting(tracker) and start:
            dispatcher.utter_message(text="I've kept what you told me, and I'll record it for you now.")
            return [*events, *start_events(tracker, kind), FollowupAction("intake_form")]
        dispatcher.utter_message(text=replies.after_advice(bool(tracker.active_loop_name)))
        return [*events, *back_to_the_summary(dispatcher, tracker)]


class ActionEmergencyAdvice(_SafetyAdvice, Action):
    trigger = safety.EMERGENCY

    def name(self) -> str:
        return "action_emergency_advice"


class ActionSafeguardingAdvice(_SafetyAdvice, Action):
    trigger = safety.SAFEGUARDING

    def name(self) -> str:
        return "action_safeguarding_advice"


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
