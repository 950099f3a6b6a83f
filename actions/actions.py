"""The greeting, and the answer to a question that is not feedback. The action server
(`rasa run actions --actions actions`) loads every module of this package: flow.py,
intake_form.py, help.py and existing.py hold the other actions.

Kept thin: each action reads the tracker, calls into `bot/`, and says what `bot/` wrote.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import conversation
from bot.intake import enquiries
from actions.context import channel_of
from bot.policy import active_profile


class ActionGreetResident(Action):
    def name(self) -> str:
        return "action_greet_resident"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=conversation.greeting(active_profile(), channel_of(tracker)))
        return []


class ActionAnswerEnquiry(Action):
    """A question about rent, the tenancy, the register, ...: where to go (bot.intake.enquiries)."""

    def name(self) -> str:
        return "action_answer_enquiry"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        latest = tracker.latest_message or {}
        text = latest.get("text") or ""
        for message in enquiries.answer(active_profile(), text, latest.get("intent_ranking")):
            dispatcher.utter_message(**message)
        return []
