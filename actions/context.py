"""What several actions need from the tracker and the active policy profile."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker

from bot.intake import answers, replies
from bot.policy import active_profile


def now() -> datetime:
    return datetime.now(timezone.utc)


def services() -> tuple[str, ...]:
    return replies.service_keys(active_profile())


def answer_context(tracker: Tracker) -> answers.Context:
    profile = active_profile()
    latest = tracker.latest_message or {}
    return answers.Context(
        slots=dict(tracker.slots),
        now=now(),
        services=services(),
        complaint_time_limit_months=replies.complaint_time_limit_months(profile),
        exclusion_message=lambda key: replies.exclusion_message(profile, key),
        emergency_advice=lambda: replies.emergency_advice(profile),
        latest_text=latest.get("text") or "",
        intent_ranking=latest.get("intent_ranking") or [],
    )


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def say_all(dispatcher: Any, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)
