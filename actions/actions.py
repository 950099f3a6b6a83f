"""Custom actions served by the Rasa action server. Kept thin: the logic lives in `bot/`."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import conversation
from bot.policy import active_profile


class ActionGreetResident(Action):
    def name(self) -> str:
        return "action_greet_resident"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=conversation.greeting(active_profile()))
        return []
