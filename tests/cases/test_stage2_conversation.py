"""A resident's request for stage 2 keeps the conversation it was made in: its id and channel in
the history entry (so staff can read the request where it was made), and the files sent in that
conversation join the case, through the store and through the chat's action alike."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.staff.display import detail_items
from tests.cases.conftest import submission
from tests.evidence.conftest import photo



def responded(store, profile):
    case, _ = store.file_case(submission(conversation_id="filing-chat"), profile, "f")
    store.acknowledge(case.reference, "staff:a")
    store.record_response(case.reference, "staff:a", "We have looked into it.")
    return case


def test_the_history_names_the_conversation_that_asked_and_its_files_join_the_case(
        store, profile, desk):
    case = responded(store, profile)
    desk.keep(conversation_id="later-chat", channel="facebook", sender_id="later-chat",
              data=photo(), original_name="IMG_0002.JPG")
    moved = store.request_stage2(case.reference, "Nothing was fixed", channel="facebook",
                                 conversation_id="later-chat")
    assert moved.stage == 2
    entry = store.history(case.reference)[-1]
    assert entry.kind == "stage2_requested"
    assert (entry.details["channel"], entry.details["conversation_id"]) == ("facebook", "later-chat")
    assert entry.details["attachments"] == 1
    assert ("Conversation", "later-chat") in detail_items(entry.details)
    # The case keeps the conversation that filed it.
    assert store.get(case.reference).conversation_id == "filing-chat"


def test_a_request_without_a_conversation_records_none(store, profile):
    case = responded(store, profile)
    store.request_stage2(case.reference, None, within_window=False)
    assert store.history(case.reference)[-1].details == {"reasons": None, "within_window": False}


def test_the_chat_s_stage2_request_records_its_conversation(store, profile, monkeypatch):
    from actions import existing as action_module

    case = responded(store, profile)
    monkeypatch.setattr(action_module, "case_store", lambda: store)
    slots = {"case_task": "review", "case_reference": case.reference,
             "verification": "SW1A 1AA", "review_reasons": "It is still leaking"}
    events = [{"event": "user", "text": "I want to take it further", "input_channel": "webchat"}]
    tracker = Tracker("web-chat-42", slots, {"text": "I want to take it further"}, events, False,
                      None, {}, "")
    dispatcher = CollectingDispatcher()
    asyncio.run(action_module.ActionRunCaseTask().run(dispatcher, tracker, {}))
    assert dispatcher.messages, "the resident was told something"
    entry = store.history(case.reference)[-1]
    assert entry.kind == "stage2_requested", [m.get("text") for m in dispatcher.messages]
    assert entry.details["conversation_id"] == "web-chat-42"
    assert entry.details["channel"] == "webchat"
    assert entry.details["reasons"] == "It is still leaking"
    assert store.get(case.reference).stage == 2
