"""Photos and files as evidence over the session's real Rasa server: on Messenger a photo sent with
no words in the middle of the complaint form is fetched from the (fake) CDN, kept and acknowledged,
the form's question stays as it was, and the filed case has the photo; a fetch that keeps failing
is retried and recorded as missing. On the website chat the upload endpoint keeps a picture for the
session and refuses a page that is not the widget's and a session it does not know."""
from __future__ import annotations

import io
import re
import time
import uuid

import pytest
import requests
import sqlalchemy as sa
from PIL import Image

from tests.channels.helpers import user_events
from tests.channels.test_messenger_server import (
    batch, messaging, post, psid, tap, text, wait_for_turns, words,
)
from tests.evidence.conftest import photo

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"\bCMP-[A-Z0-9]{5}-[A-Z0-9]\b")
# What the resident answers to each of the assistant's questions (the first match wins), as the
# staff browser test does: the order of the questions is the assistant's business.
ANSWERS = (
    ("is that right", ("/affirm",)),
    ("what went wrong", ("The repairs team never came to fix the leak in my bathroom ceiling",
                         "The leak in my bathroom ceiling was never repaired")),
    ("when did this happen", ("last Tuesday", "2 weeks ago")),
    ("who has been affected", ("just me", "only me", "me")),
    ("put things right", ("fix the ceiling please", "repair the ceiling")),
    ("evidence", ("/deny", "no")),
    ("already investigated", ("/deny",)),
    ("legal action", ("/deny",)),
    ("for someone else", ("/deny",)),
    ("contact details", ("/deny",)),
)


def image_attachment(sender: str, url: str, kind: str = "image") -> dict:
    return messaging(sender, message={"mid": f"m.{uuid.uuid4().hex}",
                                      "attachments": [{"type": kind, "payload": {"url": url}}]})


def attachment_rows(stack, conversation: str) -> list[dict]:
    engine = sa.create_engine(stack.env["INTAKE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(sa.text(
                "SELECT * FROM attachments WHERE conversation_id = :c ORDER BY id"),
                {"c": conversation})]
    finally:
        engine.dispose()


def say(stack, sender: str, message: dict, turns_before: int) -> str:
    assert post(stack, batch([message])).status_code == 200
    return words(wait_for_turns(stack, sender, turns_before + 1)[turns_before])


def test_a_photo_mid_form_is_kept_as_evidence_and_linked_to_the_filed_case(rasa_stack):
    resident = psid("damp")
    url = rasa_stack.graph_api.serve(f"{resident}.jpg", photo())
    count = 0
    said = say(rasa_stack, resident, text(resident, "I want to make a complaint"), count)
    count += 1
    if "/complaint" in said or "complaint" not in said.lower():
        said = say(rasa_stack, resident, tap(resident, "Complaint", "/complaint"), count)
        count += 1
    question = said
    # A photo with no words while the form waits for an answer.
    events_before = len(user_events(rasa_stack, resident))
    ack = say(rasa_stack, resident, image_attachment(resident, url), count)
    count += 1
    assert ack.startswith("Thanks, I've kept your photo with this conversation.")
    assert len(user_events(rasa_stack, resident)) == events_before   # nothing reached the assistant
    [kept] = attachment_rows(rasa_stack, resident)
    assert (kept["kind"], kept["channel"], kept["sender_id"], kept["status"]) == (
        "photo", "facebook", resident, "stored")
    stored = rasa_stack.workdir / "evidence" / kept["key"][:2] / kept["key"]
    assert stored.is_file() and dict(Image.open(io.BytesIO(stored.read_bytes())).getexif()) == {}
    # The question that was pending is answered next, as if the photo had not interrupted it.
    asked: dict[str, int] = {}
    said = question
    for _turn in range(24):
        found = REFERENCE.search(said)
        if found:
            break
        last = said.lower().strip().split("\n")[-1]
        match = next(((key, answers) for key, answers in ANSWERS if key in last), None) or \
            next(((key, answers) for key, answers in ANSWERS if key in said.lower()), None)
        assert match is not None, f"a question this test cannot answer: {said!r}"
        key, answers = match
        tries = asked[key] = asked.get(key, 0) + 1
        assert tries <= len(answers), f"{key!r} asked {tries} times: {said!r}"
        answer = answers[tries - 1]
        message = tap(resident, answer, answer) if answer.startswith("/") else text(resident, answer)
        said = say(rasa_stack, resident, message, count)
        count += 1
    else:
        raise AssertionError("no case reference")
    assert "what went wrong" in question.lower() or asked, question
    case = rasa_stack.filed_case(found.group(0))
    assert "leak" in (case.description or "")
    [linked] = attachment_rows(rasa_stack, resident)
    assert linked["case_id"] == case.id


def test_a_fetch_that_fails_is_retried_then_recorded_as_missing(rasa_stack):
    resident = psid("lost")
    flaky = rasa_stack.graph_api.serve(f"{resident}-flaky.jpg", photo(), failures=1)
    gone = rasa_stack.graph_api.serve(f"{resident}-gone.mp4", None, "video/mp4")
    said = say(rasa_stack, resident, image_attachment(resident, flaky), 0)
    assert "kept your photo" in said                     # the 500 was retried
    said = say(rasa_stack, resident, image_attachment(resident, gone, "video"), 1)
    assert "couldn't fetch a file you sent" in said
    rows = attachment_rows(rasa_stack, resident)
    assert [(r["kind"], r["status"]) for r in rows] == [("photo", "stored"), ("video", "missing")]
    assert rows[1]["problem"] == "HTTP 404" and rows[1]["key"] is None
    assert rasa_stack.graph_api.fetched.count(f"{resident}-flaky.jpg") == 2


def test_words_with_a_photo_go_on_and_the_photo_is_kept(rasa_stack):
    resident = psid("words")
    url = rasa_stack.graph_api.serve(f"{resident}.jpg", photo())
    message = messaging(resident, message={"mid": f"m.{uuid.uuid4().hex}", "text": "hello",
                                           "attachments": [{"type": "image",
                                                            "payload": {"url": url}}]})
    said = say(rasa_stack, resident, message, 0)
    assert "kept your photo" not in said
    assert [e["text"] for e in user_events(rasa_stack, resident)] == ["hello"]
    assert len(attachment_rows(rasa_stack, resident)) == 1


def _session(stack) -> str:
    """A website chat session id the server handed out (joined over socket.io)."""
    import socketio

    client = socketio.Client()
    got: list[str] = []
    client.on("session_confirm", lambda sid: got.append(sid))
    client.connect(stack.url, transports=["polling"], socketio_path="socket.io")
    client.emit("session_request", {"session_id": None})
    deadline = time.monotonic() + 20
    while not got and time.monotonic() < deadline:
        time.sleep(0.1)
    client.disconnect()
    assert got
    return got[0]


def test_the_website_chat_upload_keeps_a_picture_and_refuses_what_it_must(rasa_stack):
    session = _session(rasa_stack)
    url = f"{rasa_stack.url}/webhooks/webchat/upload"
    origin = rasa_stack.webchat_test_origin
    # The browser's preflight (answered by the Rasa server's CORS layer or the route itself).
    preflight = requests.options(url, timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-intake-session,x-intake-file-name"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "x-intake-session" in preflight.headers["Access-Control-Allow-Headers"].lower()
    ok = requests.post(url, data=photo(), timeout=30, headers={
        "Origin": origin, "X-Intake-Session": session, "X-Intake-File-Name": "..%2F..%2Fdamp.jpg"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["ok"] and ok.json()["text"].startswith("Thanks, I've kept your photo")
    assert ok.headers["Access-Control-Allow-Origin"] == origin
    [row] = attachment_rows(rasa_stack, session)
    assert row["channel"] == "socketio" and row["original_name"] == "damp.jpg"
    assert not list((rasa_stack.workdir / "evidence").rglob("*damp*"))
    html = requests.post(url, data=b"<html><script>alert(1)</script></html>", timeout=30,
                         headers={"X-Intake-Session": session, "X-Intake-File-Name": "x.jpg"})
    assert html.status_code == 422 and not html.json()["ok"]
    assert "can't keep that kind of file" in html.json()["text"]
    elsewhere = requests.post(url, data=photo(), timeout=30, headers={
        "Origin": "https://evil.example", "X-Intake-Session": session})
    assert elsewhere.status_code == 403
    unknown = requests.post(url, data=photo(), timeout=30,
                            headers={"X-Intake-Session": uuid.uuid4().hex})
    assert unknown.status_code in (200, 403)   # a new session id is a new, empty conversation
    bad = requests.post(url, data=photo(), timeout=30, headers={"X-Intake-Session": "../../x"})
    assert bad.status_code == 403
    assert len(attachment_rows(rasa_stack, session)) == 1
