"""A safety concern raised in the conversation: recorded for staff at once, and advised on."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.context import channel_of
from bot.cases import safety
from bot.intake import replies
from bot.intake.filing import case_store
from bot.policy import active_profile

logger = logging.getLogger(__name__)


def record_concern(tracker: Tracker, trigger: str) -> bool:
    """Record the concern for staff now (bot.cases.safety); False when the store could not."""
    try:
        safety.record_concern(case_store(), trigger, (tracker.latest_message or {}).get("text") or "",
                              tracker.slots, profile=active_profile(), channel=channel_of(tracker),
                              conversation_id=tracker.sender_id)
    except Exception:  # noqa: BLE001 - the advice must be given whatever broke
        logger.exception("could not record the %s of conversation %s", trigger, tracker.sender_id)
        return False
    return True


def advice(trigger: str, recorded: bool) -> str:
    profile = active_profile()
    if trigger == safety.EMERGENCY:
        text = replies.emergency_advice(profile)
        return text + (" " + safety.emergency_recorded() if recorded else "")
    return replies.safeguarding_advice(profile) if recorded else safety.advice_not_recorded(profile)


def flags(trigger: str) -> list[EventType]:
    events: list[EventType] = [SlotSet("urgent", True)]
    if trigger == safety.SAFEGUARDING:
        events.append(SlotSet("safeguarding", True))
    return events


async def record_and_advise(dispatcher: Any, tracker: Tracker, trigger: str,
                            in_form: bool) -> list[EventType]:
    """For an answer that also raised a concern: the advice, the record, and the flags; the
    answer itself is kept by the form."""
    recorded = await asyncio.to_thread(record_concern, tracker, trigger)
    dispatcher.utter_message(text=advice(trigger, recorded))
    if in_form:
        dispatcher.utter_message(text="I've kept your answer. We can carry on when you're ready.")
    return flags(trigger)
