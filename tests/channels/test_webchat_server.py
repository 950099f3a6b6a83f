"""The socket.io channel against the session's Rasa server, with python-socketio as the client:
sessions, history, and what a page may not do."""
from __future__ import annotations

import threading
import uuid

import pytest
import requests
import socketio

from tests.channels.helpers import user_events

pytestmark = pytest.mark.e2e


class Page:
    """A socket.io client speaking to the channel as the widget does."""

    def __init__(self, stack, origin: str | None = None) -> None:
        self.client = socketio.Client(reconnection=False)
        self.confirmed = threading.Event()
        self.session_id: str | None = None
        self.bot: list[dict] = []
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self.bot.append)
        headers = {"Origin": origin} if origin else {}
        self.client.connect(stack.url, transports=["polling"], headers=headers, wait_timeout=10)

    def _confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self.confirmed.set()

    def join(self, session_id: str | None = None) -> str:
        self.confirmed.clear()
        self.client.emit("session_request", {"session_id": session_id})
        assert self.confirmed.wait(10), "no session_confirm"
        return self.session_id

    def say(self, message: str, session_id: str | None = None) -> None:
        """Send a message and wait until the channel has handled it (the acknowledgement)."""
        self.client.call("user_uttered", {"message": message,
                                          "session_id": session_id or self.session_id},
                         timeout=60)

    def history(self) -> dict:
        return self.client.call("history_request", {}, timeout=30)

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def pages(rasa_stack):
    opened: list[Page] = []

    def open_page(origin: str | None = None) -> Page:
        opened.append(Page(rasa_stack, origin))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def test_a_session_is_kept_across_connections_and_its_history_comes_back(rasa_stack, pages):
    first = pages()
    session = first.join()
    assert len(session) == 32
    first.say("are you a bot")
    assert any("automated assistant" in m.get("text", "") for m in first.bot)
    first.close()

    again = pages()
    assert again.join(session) == session  # a reload: the same conversation
    history = again.history()
    assert history["session_id"] == session
    assert history["messages"][0] == {"sender": "user", "text": "are you a bot"}
    assert "automated assistant" in history["messages"][1]["text"]
    again.say("hello")
    said = user_events(rasa_stack, session)
    assert [e["text"] for e in said] == ["are you a bot", "hello"]
    assert {e["input_channel"] for e in said} == {"socketio"}


def test_a_page_cannot_take_over_another_conversation(rasa_stack, pages):
    rest_conversation = f"rest-{uuid.uuid4().hex[:8]}"
    rasa_stack.say(rest_conversation, "hello")
    page = pages()
    # A session id that is not one the server hands out gets a fresh session instead.
    assert page.join(rest_conversation) != rest_conversation
    # A message for a session the socket has not joined is ignored.
    victim = f"{uuid.uuid4().hex}"
    page.say("hello", session_id=victim)
    assert user_events(rasa_stack, victim) == []
    # A conversation of another channel whose id looks like a session id cannot be joined.
    lookalike = uuid.uuid4().hex
    rasa_stack.say(lookalike, "hello")
    other = pages()
    assert other.join(lookalike) != lookalike
    assert other.history()["messages"] == []
    assert [e["text"] for e in user_events(rasa_stack, lookalike)] == ["hello"]
    assert [e["text"] for e in user_events(rasa_stack, rest_conversation)] == ["hello"]


def test_pages_of_other_websites_are_refused(rasa_stack):
    handshake = f"{rasa_stack.url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": "https://evil.example"}, timeout=10)
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers  # nor Rasa's --cors "*"
    allowed = requests.get(handshake, headers={"Origin": rasa_stack.webchat_test_origin},
                           timeout=10)
    assert allowed.status_code == 200
    # Exactly one CORS header (requests would join a repeated one with a comma).
    assert allowed.headers["Access-Control-Allow-Origin"] == rasa_stack.webchat_test_origin
    own = requests.get(handshake, headers={"Origin": rasa_stack.url}, timeout=10)
    assert own.status_code == 200
    websocket = requests.get(f"{rasa_stack.url}/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert websocket.status_code == 400  # polling only: WebSocket fails with sanic 21.12 on 3.11


def test_a_long_message_is_taken_whole_and_an_over_long_one_refused_politely(rasa_stack, pages):
    """engine.io's own size limit would drop a long POST with a bare 400 and disconnect: the
    channel's limit (INTAKE_MAX_MESSAGE_CHARS, 100,000 by default) decides instead."""
    page = pages()
    session = page.join()
    letter = ("My neighbour's music was loud again last night and the night before. " * 1200)[:80_000]
    page.say(letter)
    assert page.bot, "no reply to an 80,000-character message"
    assert [e["text"] for e in user_events(rasa_stack, session)] == [letter]  # kept whole
    page.bot.clear()
    page.say("x" * 150_000)
    assert any("too long" in m.get("text", "") for m in page.bot), page.bot
    assert len(user_events(rasa_stack, session)) == 1  # the refused one was not taken
    assert page.client.connected
