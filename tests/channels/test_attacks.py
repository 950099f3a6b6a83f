"""Attacks from outside against the session's real Rasa server and action server (issue: holes
found when the assistant was attacked): the action server without its secret, REST posing as
another channel's resident, broken and repeated Messenger batches, text no store can take, and
secrets on command lines."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.settings import PROJECT_ROOT
from tests.channels.helpers import tracker, user_events
from tests.channels.test_messenger_server import batch, post, psid, text, wait_for_turns, words
from tests.channels.test_webchat_server import Page

pytestmark = pytest.mark.e2e


# --- the action server -----------------------------------------------------------------------

def action_call(action: str, sender: str, slots: dict) -> dict:
    """A call as the Rasa server makes it (rasa.core.actions.action.RemoteAction)."""
    return {"next_action": action, "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "slots": slots, "latest_message": {
                "text": "/affirm", "intent": {"name": "affirm", "confidence": 1.0},
                "entities": []}, "latest_event_time": time.time(), "followup_action": None,
                "paused": False, "events": [], "latest_input_channel": "facebook",
                "active_loop": {}, "latest_action": {"action_name": "action_listen"},
                "latest_action_name": "action_listen"}}


def _store(stack):
    from bot.cases.store import CaseStore

    return CaseStore(stack.env["INTAKE_DATABASE_URL"], forward=False)


def _count(stack, sql: str, **params) -> int:
    engine = sa.create_engine(stack.env["INTAKE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def victims_case(rasa_stack):
    from bot.cases.submission import CaseSubmission

    store = _store(rasa_stack)
    try:
        case, _ = store.file_case(CaseSubmission(
            case_type="complaint", channel="socketio", conversation_id=f"victim-{uuid.uuid4().hex}",
            description="Mould in the bedroom", name="Vera Victim", email="vera@example.org",
            postcode="LS9 7QT"), "housing-ombudsman-code")
    finally:
        store.dispose()
    return case


def test_the_action_server_runs_nothing_for_a_call_without_the_secret(rasa_stack, victims_case):
    url = f"http://127.0.0.1:{rasa_stack.action_port}"
    attacker = f"attacker-{uuid.uuid4().hex[:8]}"
    filing = action_call("action_file_case", attacker, {
        "feedback_kind": "complaint", "description": "queue jumper", "urgent": True,
        "safeguarding": True, "submission_id": uuid.uuid4().hex, "share_details": False})
    guessing = action_call("action_run_case_task", attacker, {
        "case_task": "status", "case_reference": victims_case.reference, "verification": "ZZ1 1ZZ"})
    adding = action_call("action_run_case_task", attacker, {
        "case_task": "add_information", "case_reference": victims_case.reference,
        "verification": "LS9 7QT", "additional_information": "planted text"})
    history_before = _count(rasa_stack, "SELECT count(*) FROM case_events WHERE case_id = :id",
                            id=victims_case.id)
    for header in (None, "Bearer wrong", f"Bearer {rasa_stack.action_secret}x",
                   f"Basic {rasa_stack.action_secret}", rasa_stack.action_secret):
        headers = {"Authorization": header} if header else {}
        for body in (filing, guessing, adding):
            answer = requests.post(f"{url}/webhook", json=body, headers=headers, timeout=30)
            assert answer.status_code == 401, (header, answer.text)
            assert "Vera" not in answer.text and "queue jumper" not in answer.text
        assert requests.get(f"{url}/actions", headers=headers, timeout=10).status_code == 401
    assert requests.get(f"{url}/health", timeout=10).ok  # the probes' path says only "up"
    assert _count(rasa_stack, "SELECT count(*) FROM cases WHERE conversation_id = :c",
                  c=attacker) == 0
    assert _count(rasa_stack, "SELECT count(*) FROM case_events WHERE case_id = :id",
                  id=victims_case.id) == history_before
    assert _count(rasa_stack, "SELECT count(*) FROM verification_failures WHERE "
                  "conversation_id = :c", c=attacker) == 0
    assert "without the right secret" in rasa_stack.log("actions")


def test_with_the_secret_a_case_is_still_reached_only_through_the_lockout(rasa_stack, victims_case):
    """Even a caller holding the secret (a compromised Rasa server) gets no more than the chat:
    the task looks the case up through the case store's lockout."""
    url = f"http://127.0.0.1:{rasa_stack.action_port}/webhook"
    headers = {"Authorization": f"Bearer {rasa_stack.action_secret}"}
    caller = f"holder-{uuid.uuid4().hex[:8]}"
    texts = []
    for guess in ("ZZ1 1ZZ", "ZZ2 2ZZ", "ZZ3 3ZZ", "LS9 7QT"):
        answer = requests.post(url, headers=headers, timeout=30, json=action_call(
            "action_run_case_task", caller, {"case_task": "status",
                                             "case_reference": victims_case.reference,
                                             "verification": guess}))
        assert answer.status_code == 200, answer.text
        texts.append(" ".join(r.get("text") or "" for r in answer.json()["responses"]))
    assert all("couldn't find" in t for t in texts[:2]), texts
    # The third failure locked the conversation: the right postcode is no longer looked up.
    assert "For your security" in texts[3] and victims_case.reference not in texts[3]
    assert _count(rasa_stack, "SELECT count(*) FROM verification_failures WHERE "
                  "conversation_id = :c", c=caller) == 3


# --- REST posing as another channel's resident ------------------------------------------------------

def _stored(stack, sender: str) -> int:
    engine = sa.create_engine(stack.env["INTAKE_TRACKER_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                      {"s": sender}).scalar()
    finally:
        engine.dispose()


def test_rest_cannot_speak_for_a_messenger_resident(rasa_stack):
    resident = psid("vera")
    assert post(rasa_stack, batch([text(resident, "My name is Vera and my flat has mould")])).ok
    wait_for_turns(rasa_stack, resident, 1)
    stored = _stored(rasa_stack, resident)
    for message in ("hello", "/affirm", "show me the summary"):
        answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                               json={"sender": resident, "message": message}, timeout=30)
        assert answer.status_code == 409, answer.text
        assert set(answer.json()) == {"error"} and "mould" not in answer.text
    assert _stored(rasa_stack, resident) == stored
    # Messenger's own ids (digits only) cannot be started over REST at all.
    answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                           json={"sender": "2718281828459045", "message": "hello"}, timeout=30)
    assert answer.status_code == 400 and "Messenger" in answer.json()["error"]
    assert _stored(rasa_stack, "2718281828459045") == 0


def test_a_messenger_message_for_a_rest_conversation_is_not_joined(rasa_stack):
    planted = f"planted-{uuid.uuid4().hex[:8]}"
    rasa_stack.say(planted, "I want to make a complaint")
    assert post(rasa_stack, batch([text(planted, "hello")])).ok
    # The positive signal: a message of a real Messenger resident in a later batch is answered.
    other = psid("after")
    assert post(rasa_stack, batch([text(other, "hello")])).ok
    wait_for_turns(rasa_stack, other, 1)
    assert [e["text"] for e in user_events(rasa_stack, planted)] == ["I want to make a complaint"]
    assert rasa_stack.graph_api.sent_to(planted) == []


def test_rest_cannot_speak_for_a_website_chat_resident(rasa_stack):
    page = Page(rasa_stack)
    try:
        session = page.join()
        page.say("My boiler is broken and I have a baby")
        before = page.history()["messages"]
        stored = _stored(rasa_stack, session)
        answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                               json={"sender": session, "message": "/restart"}, timeout=30)
        assert answer.status_code == 409 and "boiler" not in answer.text
        assert _stored(rasa_stack, session) == stored
        assert page.history()["messages"] == before
    finally:
        page.close()
    reloaded = Page(rasa_stack)
    try:
        assert reloaded.join(session) == session
        assert reloaded.history()["messages"] == before
    finally:
        reloaded.close()


def test_browsers_on_other_sites_get_no_cors_permission(rasa_stack):
    url = f"{rasa_stack.url}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    evil = requests.options(url, headers={"Origin": "https://evil.example", **preflight}, timeout=10)
    assert "Access-Control-Allow-Origin" not in evil.headers
    ours = requests.options(url, headers={"Origin": rasa_stack.webchat_test_origin, **preflight},
                            timeout=10)
    assert ours.headers.get("Access-Control-Allow-Origin") == rasa_stack.webchat_test_origin


# --- Messenger batches ------------------------------------------------------------------------

def test_a_batch_with_a_broken_event_answers_every_good_message_exactly_once(rasa_stack):
    good, broken = psid("good"), psid("broken")
    first = text(good, "hello")
    payload = batch([first, {"sender": {"id": broken}, "recipient": {"id": "PAGE-1"},
                             "message": {"mid": {"not": "text"}, "text": "hello"}}])
    assert post(rasa_stack, payload).status_code == 200
    wait_for_turns(rasa_stack, good, 1)
    assert post(rasa_stack, payload).status_code == 200  # Meta retries the whole batch
    # The positive signal: a new message after the retry is answered, and only it.
    assert post(rasa_stack, batch([text(good, "are you a robot?")])).status_code == 200
    turns = wait_for_turns(rasa_stack, good, 2)
    time.sleep(0.5)
    assert len(wait_for_turns(rasa_stack, good, 2)) == 2
    assert [e["text"] for e in user_events(rasa_stack, good)] == ["hello", "are you a robot?"]
    assert "automated assistant" in words(turns[1])
    assert user_events(rasa_stack, broken) == []
    assert "malformed event" in rasa_stack.log("rasa")


# --- text no store can take ---------------------------------------------------------------------------

SURROGATES = '"my sink \\ud800 is leaking \\udfff\\u0000"'


def test_lone_surrogates_over_rest_get_an_answer_not_a_500(rasa_stack):
    sender = f"surrogate-{uuid.uuid4().hex[:8]}"
    body = f'{{"sender": "{sender}", "message": {SURROGATES}}}'.encode()
    logged_before = len(rasa_stack.log("rasa"))
    answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook", data=body,
                           headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json() and all(r.get("text") for r in answer.json())
    stored = user_events(rasa_stack, sender)[0]["text"]
    assert stored == "my sink \ufffd is leaking \ufffd"
    assert "Traceback" not in rasa_stack.log("rasa")[logged_before:]  # only this request's lines


def test_lone_surrogates_on_the_website_chat_get_an_answer(rasa_stack):
    page = Page(rasa_stack)
    try:
        page.join()
        page.say("my sink \ud800 is leaking")
        deadline = time.monotonic() + 30
        while not page.bot and time.monotonic() < deadline:
            time.sleep(0.1)
        assert page.bot, "no reply"
        assert user_events(rasa_stack, page.session_id)[0]["text"] == "my sink \ufffd is leaking"
    finally:
        page.close()


def test_lone_surrogates_on_messenger_get_an_answer(rasa_stack):
    resident = psid("surrogate")
    raw = json.dumps(batch([text(resident, "PLACEHOLDER")])).replace('"PLACEHOLDER"', SURROGATES)
    from bot.channels.messenger import expected_signature

    answer = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=raw.encode(),
                           headers={"Content-Type": "application/json", "X-Hub-Signature-256":
                                    expected_signature(rasa_stack.facebook_app_secret, raw.encode())},
                           timeout=30)
    assert answer.status_code == 200
    assert words(wait_for_turns(rasa_stack, resident, 1)[0])
    assert user_events(rasa_stack, resident)[0]["text"] == "my sink \ufffd is leaking \ufffd"


# --- secrets on command lines -----------------------------------------------------------------------

def _command_lines(pid: int) -> list[str]:
    """The command lines of a process and all its descendants, as `ps` shows them."""
    lines, pending = [], [pid]
    while pending:
        current = pending.pop()
        proc = Path(f"/proc/{current}")
        try:
            lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            for task in (proc / "task").iterdir():
                children = (task / "children").read_text().split()
                pending += [int(child) for child in children]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return lines


def test_ps_shows_no_secret(rasa_stack):
    lines = [line for process in rasa_stack.processes for line in _command_lines(process.pid)]
    assert any("bot.rasa run --enable-api" in line for line in lines), lines
    assert any("bot.rasa run actions" in line for line in lines), lines
    for line in lines:
        assert rasa_stack.token not in line and rasa_stack.action_secret not in line, line
    procfile = (PROJECT_ROOT / "Procfile").read_text()
    assert "TOKEN" not in procfile and "SECRET" not in procfile and "--auth-token" not in procfile
    assert tracker(rasa_stack, "nobody")["sender_id"] == "nobody"  # the token still works
