"""On Messenger, a photo sent without words mid-form is acknowledged by the channel, and the
acknowledgement offers the pending question's quick replies again (Messenger hides them once the
resident sends anything), read from the conversation in the tracker store."""
from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels import facebook
from bot.channels.pending import pending_buttons
from tests.channels.test_messenger_unit import RecordingDesk, RecordingGraph, SECRET, event, signed

QUESTION = BotUttered("Has this already been investigated as a complaint?",
                      data={"buttons": [{"title": "Yes", "payload": "/affirm"},
                                        {"title": "No", "payload": "/deny"}]})


@pytest.fixture(autouse=True)
def _database(tmp_path, monkeypatch):
    from bot.cases.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'intake.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("INTAKE_DATABASE_URL", url)


class TrackerStore:
    """The one conversation the test holds, as Rasa's tracker store would give it."""

    def __init__(self, sender: str, events: list) -> None:
        self.sender, self.events = sender, events

    async def retrieve(self, sender_id: str):
        if sender_id != self.sender:
            return None
        return DialogueStateTracker.from_events(sender_id, self.events)

    retrieve_full_tracker = retrieve


def photo_from(sender: str, words: str | None = None) -> dict:
    message = {"mid": f"m.{uuid.uuid4().hex}", "attachments": [
        {"type": "image", "payload": {"url": "https://scontent.fbcdn.net/damp.jpg"}}]}
    if words:
        message["text"] = words
    return {"object": "page", "entry": [{"id": "PAGE", "time": 1,
                                          "messaging": [event(sender, message=message)]}]}


def run(events: list, payload: dict, monkeypatch) -> tuple[list[dict], list]:
    monkeypatch.setattr(facebook, "fetch", lambda url: b"the photo's bytes")
    fb = facebook.FacebookInput(verify_token="v", app_secret=SECRET, page_access_token="token")
    fb.graph, fb.evidence = RecordingGraph(), RecordingDesk()
    fb.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=TrackerStore("dana", events))))
    handled: list = []

    async def on_new_message(message):
        handled.append(message)

    async def go():
        await fb.receive(*signed(payload), on_new_message)
        await fb.idle()

    asyncio.run(go())
    return [b["message"] for b in fb.graph.sent if "message" in b], handled


def conversation(*more) -> list:
    return [ActionExecuted("action_listen"),
            UserUttered("I want to complain", input_channel="facebook"), QUESTION, *more]


def test_the_acknowledgement_offers_the_pending_question_s_quick_replies(monkeypatch):
    sent, handled = run(conversation(), photo_from("dana"), monkeypatch)
    assert handled == []                                 # the photo never reaches the assistant
    [ack] = sent
    assert ack["text"].startswith("Thanks, I've kept your photo with this conversation.")
    assert ack["quick_replies"] == [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"},
        {"content_type": "text", "title": "No", "payload": "/deny"}]


def test_no_quick_replies_when_no_question_waits_or_the_photo_came_with_words(monkeypatch):
    answered = conversation(UserUttered("no", input_channel="facebook"))
    sent, _ = run(answered, photo_from("dana"), monkeypatch)
    assert [("quick_replies" in m) for m in sent] == [False]
    sent, handled = run(conversation(), photo_from("dana", "here is the mould"), monkeypatch)
    assert [m.text for m in handled] == ["here is the mould"]    # the words go on, as before
    assert sent == []                                           # the assistant answers them


def test_the_last_question_with_buttons_since_the_resident_last_spoke():
    plain = BotUttered("Thanks.")
    assert pending_buttons(conversation(plain)) == QUESTION.data["buttons"]
    assert pending_buttons([]) == []
    assert pending_buttons([QUESTION, UserUttered("yes")]) == []
    quick = BotUttered("Pick one", data={"quick_replies": [{"title": "A", "payload": "a"}]})
    assert pending_buttons([quick]) == [{"title": "A", "payload": "a"}]


def test_a_tracker_store_that_fails_still_lets_the_acknowledgement_out(monkeypatch):
    class Broken(TrackerStore):
        async def retrieve(self, sender_id):
            raise RuntimeError("database down")

        async def retrieve_full_tracker(self, sender_id):
            return None

    monkeypatch.setattr(facebook, "fetch", lambda url: b"x")
    fb = facebook.FacebookInput(verify_token="v", app_secret=SECRET, page_access_token="token")
    fb.graph, fb.evidence = RecordingGraph(), RecordingDesk()
    fb.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=Broken("dana", []))))

    async def go():
        await fb.receive(*signed(photo_from("dana")), lambda m: None)
        await fb.idle()

    asyncio.run(go())
    [ack] = [b["message"] for b in fb.graph.sent if "message" in b]
    assert "quick_replies" not in ack and "kept your photo" in ack["text"]
    assert json.dumps(ack)


# --- a photo after the conversation filed its case joins that case at once ------------------------

def run_with_store(events: list, tmp_path, monkeypatch, database: str):
    """As `run`, with the real evidence desk on the test's case store database."""
    from bot.channels.evidence import EvidenceDesk
    from bot.evidence import FolderStore
    from tests.evidence.conftest import photo

    monkeypatch.setattr(facebook, "fetch", lambda url: photo())
    fb = facebook.FacebookInput(verify_token="v", app_secret=SECRET, page_access_token="token")
    fb.graph = RecordingGraph()
    fb.evidence = EvidenceDesk(database, FolderStore(tmp_path / "evidence"))
    fb.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=TrackerStore("dana", events))))

    async def go():
        await fb.receive(*signed(photo_from("dana")), lambda m: None)
        await fb.idle()

    try:
        asyncio.run(go())
    finally:
        fb.evidence.dispose()
    return [b["message"] for b in fb.graph.sent if "message" in b]


@pytest.fixture
def filed(monkeypatch):
    import os

    from bot.cases.store import CaseStore
    from tests.cases.conftest import submission

    database = os.environ["INTAKE_DATABASE_URL"]
    store = CaseStore(database, forward=False)
    case, _ = store.file_case(submission(conversation_id="dana", channel="facebook"),
                              "housing-ombudsman-code")
    yield store, case, database
    store.engine.dispose()


def test_a_photo_after_filing_is_added_to_the_case_and_the_resident_told_its_reference(
        filed, tmp_path, monkeypatch):
    store, case, database = filed
    anything_else = BotUttered(f"Your reference is {case.reference}. Anything else?",
                               data={"buttons": [{"title": "No, thanks", "payload": "/goodbye"}]})
    sent = run_with_store(conversation(UserUttered("yes", input_channel="facebook"), anything_else),
                          tmp_path, monkeypatch, database)
    [ack] = sent
    assert ack["text"] == (f"Thanks, I've added your photo to your case {case.reference}. Staff "
                           "will see it with the rest of your case.")
    assert ack["quick_replies"] == [{"content_type": "text", "title": "No, thanks",
                                     "payload": "/goodbye"}]
    entry = store.history(case.reference)[-1]
    assert entry.kind == "information_added" and entry.details["channel"] == "facebook"


def test_a_photo_while_a_new_form_is_under_way_waits_for_that_form(filed, tmp_path, monkeypatch):
    from rasa.shared.core.events import ActiveLoop

    store, case, database = filed
    sent = run_with_store(conversation(ActiveLoop("intake_form")), tmp_path, monkeypatch, database)
    [ack] = sent
    assert ack["text"].startswith("Thanks, I've kept your photo with this conversation.")
    assert [e.kind for e in store.history(case.reference)] == ["filed"]
