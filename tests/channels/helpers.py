"""Helpers shared by the channel tests that use the session's Rasa server (`rasa_stack`)."""
from __future__ import annotations

from typing import Iterable

import requests


def tracker(stack, sender_id: str) -> dict:
    """The conversation as Rasa's HTTP API gives it (events, latest_input_channel, ...)."""
    response = requests.get(f"{stack.url}/conversations/{sender_id}/tracker",
                            params={"token": stack.token}, timeout=30)
    response.raise_for_status()
    return response.json()


def user_events(stack, sender_id: str) -> list[dict]:
    return [e for e in tracker(stack, sender_id)["events"] if e["event"] == "user"]


def bot_offers(stack, sender_id: str, text: str, buttons: Iterable[tuple[str, str]],
               channel: str) -> None:
    """Make the assistant say `text` with `buttons` to a resident on `channel`, now.

    Uses Rasa's HTTP API (append a bot event, execute its side effects on the channel's output),
    so button rendering and clicking can be tested whatever the conversation flows offer.
    """
    event = {"event": "bot", "text": text,
             "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]}}
    response = requests.post(f"{stack.url}/conversations/{sender_id}/tracker/events",
                             params={"token": stack.token, "output_channel": channel,
                                     "execute_side_effects": "true"},
                             json=[event], timeout=30)
    response.raise_for_status()
