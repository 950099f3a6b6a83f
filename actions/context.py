"""What several actions need from the tracker and the active policy profile."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from bot.intake import answers, reading, replies
from bot.policy import active_profile
from bot import vocabulary


UK = vocabulary.UK


def now() -> datetime:
    """The current time in the UK: "today" is the UK date (not UTC's, an hour behind in summer)."""
    return datetime.now(UK)


def services() -> tuple[str, ...]:
    return replies.service_keys(active_profile())


def answer_context(tracker: Tracker) -> answers.Context:
    profile = active_profile()
    latest = tracker.latest_message or {}
    return answers.Context(
        slots=dict(tracker.slots),
        now=now(),
        services=services(),
        time_limit_months=lambda service: replies.complaint_time_limit_months(profile, service),
        limit_from_sale=profile.limit_from_sale,
        service_names={key: service.name for key, service in profile.services.items()},
        exclusion_message=lambda key, service: replies.exclusion_message(profile, key, service),
        emergency_advice=lambda: replies.emergency_advice(profile),
        danger_advice=lambda: replies.danger_advice(profile),
        kind_introduction=lambda kind: replies.kind_introduction(profile, kind),
        latest_text=latest.get("text") or "",
        intent_ranking=latest.get("intent_ranking") or [],
        requested=tracker.get_slot("requested_slot"),
        reading=latest_reading(tracker),
    )


def latest_reading(tracker: Tracker) -> "reading.Reading | None":
    """How the Rasa server read the latest message as the answer to the question pending
    (bot.rasa.reading), if it did."""
    intake = (tracker.latest_message or {}).get("intake") or {}
    return reading.Reading.from_dict(intake.get("reading"))


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def say_all(dispatcher: Any, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


def free_text_slots(domain: dict[str, Any]) -> list[str]:
    """The slots whose answers are taken as typed (a `from_text` mapping in the domain)."""
    return [name for name, slot in (domain.get("slots") or {}).items()
            if any(m.get("type") == "from_text" for m in slot.get("mappings") or [])]
