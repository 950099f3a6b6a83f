"""A conversation belongs to the channel that started it.

Every channel names its conversations itself (the website chat with ids it issues, Messenger with
the resident's page-scoped id, REST with whatever the caller sends), and all of them share one
tracker store. Without a check, a REST caller posting as a Messenger resident's id would read her
summary and could file for her. So before a message goes on, the channel asks which channel
started its conversation (the first message in the tracker store) and refuses it when that is
another one. The answer never changes once given, so it is remembered.

Ids made only of digits are Messenger's (page-scoped ids): REST may not start a conversation with
one, so that no REST caller can prepare a conversation a Messenger resident would then join.
"""
from __future__ import annotations

import logging
import re
from collections import OrderedDict
from typing import Any, Optional

log = logging.getLogger(__name__)

MESSENGER_ID = re.compile(r"[0-9]+")
REMEMBERED = 50_000  # conversations whose channel is remembered per server


def base_tracker_store(store: Any) -> Any:
    """The project's tracker store inside Rasa's wrappers (AwaitableTrackerStore,
    FailSafeTrackerStore)."""
    for _ in range(5):
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            break
        store = inner
    return store


class ConversationOwners:
    """Which channel started each conversation, read from the tracker store and remembered."""

    def __init__(self) -> None:
        self._known: OrderedDict[str, str] = OrderedDict()

    def remember(self, sender_id: str, channel: str) -> None:
        self._known[sender_id] = channel
        self._known.move_to_end(sender_id)
        while len(self._known) > REMEMBERED:
            self._known.popitem(last=False)

    async def started_on(self, tracker_store: Any, sender_id: str) -> Optional[str]:
        """The channel of the conversation's first message; None for a new conversation."""
        if sender_id in self._known:
            return self._known[sender_id]
        if tracker_store is None:
            return None
        store = base_tracker_store(tracker_store)
        finder = getattr(store, "first_input_channel", None)
        if finder is not None:
            channel = await finder(sender_id)
        else:  # another tracker store: read the conversation
            tracker = await tracker_store.retrieve_full_tracker(sender_id)
            channel = None
            for event in (tracker.events if tracker is not None else []):
                if getattr(event, "type_name", None) == "user":
                    channel = event.input_channel
                    break
        if channel:
            self.remember(sender_id, channel)
        return channel

    async def refuses(self, app: Any, sender_id: str, channel: str) -> bool:
        """Whether a message on `channel` for `sender_id` must be refused: its conversation was
        started on another channel. (A conversation whose first message carried no channel is
        nobody's, as in Rasa's own API.)"""
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        owner = await self.started_on(getattr(agent, "tracker_store", None), sender_id)
        if owner is not None and owner != channel:
            log.warning("a %s message for a conversation started on %s was refused", channel, owner)
            return True
        return False


def reserved_for_messenger(sender_id: str) -> bool:
    return MESSENGER_ID.fullmatch(sender_id) is not None
