"""What a conversation is waiting on, read back from the tracker store, for a channel that
answers something itself (a file sent without words, bot/channels/evidence.py).

- The pending question's buttons. Nothing reaches the assistant, so it does not ask its question
  again; on Messenger the question's quick replies vanish as soon as the resident sends anything,
  a photo included, and the resident would have to type what the buttons made easy. So the
  channel offers them again with its acknowledgement.
- Whether a case is being made (a form, or its summary, is under way): a file sent then is for the
  case that will be filed; otherwise it joins the conversation's last filed case at once
  (bot/cases/late_files.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable

from rasa.shared.core.events import BotUttered, UserUttered

log = logging.getLogger(__name__)

# Slots that say the resident is at the summary of a case not yet filed (actions/flow.py).
SUMMARY_SLOTS = ("awaiting_confirmation", "choosing_correction")


@dataclass(frozen=True)
class Waiting:
    buttons: list[dict] = field(default_factory=list)   # the pending question's buttons
    busy: bool = False                                   # a form or its summary is under way


# When the conversation cannot be read: no buttons, and a file waits for a filing as it always did.
UNKNOWN = Waiting(busy=True)


def pending_buttons(events: Iterable[Any]) -> list[dict]:
    """The buttons (or quick replies) of the assistant's last message that had any, when the
    resident has said nothing since; [] when the last word was the resident's (no question waits)."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered):
            data = event.data or {}
            buttons = [b for b in (data.get("buttons") or data.get("quick_replies") or [])
                       if isinstance(b, dict)]
            if buttons:
                return buttons
    return []


def waiting_of(tracker: Any) -> Waiting:
    """What the conversation in `tracker` (Rasa's DialogueStateTracker) is waiting on."""
    if tracker is None:
        return Waiting()
    busy = bool(tracker.active_loop_name) or any(tracker.get_slot(s) for s in SUMMARY_SLOTS)
    return Waiting(pending_buttons(tracker.events), busy)


async def read_waiting(app: Any, sender_id: str) -> Waiting:
    """`waiting_of` the conversation `sender_id` in the Rasa app's tracker store; UNKNOWN when the
    store cannot be read (the acknowledgement goes out anyway)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return UNKNOWN
    try:
        return waiting_of(await store.retrieve(sender_id))
    except Exception:  # noqa: BLE001 - a convenience, never worth a failure
        log.exception("could not read the conversation %s for what it waits on", sender_id)
        return UNKNOWN
