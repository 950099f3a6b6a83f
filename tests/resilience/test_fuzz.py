"""Random and hostile input to the webhooks of a real Rasa server: every message gets a reply or a
clear refusal, and the conversation store holds exactly what was accepted, in order."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import requests
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "'; DROP TABLE events; --", "\" OR 1=1 --", "\x00\x01\x02\x7f",
    "\u202e\u0627\u0644\u0633\u0644\u0627\u0645", "😀" * 50, "/restart", "/nonexistent_intent",
    "/inform{\"choice\": ", "{{7*7}}", "%s%s%s%n", "../../etc/passwd", "\ud7ff\ue000\uffff",
    "a" * 20_000, " " * 1000, "\n\n\n", "I want to make a complaint",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=300),
                 st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=500))
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                       max_leaves=30)


def _accepted_texts(stack, sender: str) -> list[str]:
    engine = sa.create_engine(stack.env["INTAKE_TRACKER_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s AND "
                                              "type_name = 'user' ORDER BY id"), {"s": sender})
            return [json.loads(data)["text"] for (data,) in rows]
    finally:
        engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(messages=st.lists(TEXT, min_size=1, max_size=3))
def test_random_and_hostile_messages_get_an_answer_and_are_stored_exactly(rasa_stack, messages):
    sender = f"fuzz-{uuid.uuid4().hex[:10]}"
    accepted = []
    for message in messages:
        answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                               json={"sender": sender, "message": message}, timeout=120)
        assert answer.status_code in (200, 413, 429), (message, answer.status_code, answer.text)
        replies = answer.json()
        if answer.status_code == 200:
            accepted.append(message)
            if message.strip() not in ("/restart",) and not message.startswith("/"):
                assert replies and any(r.get("text") for r in replies), (message, replies)
        else:
            assert replies[0]["text"], replies
    # Rasa strips the whitespace around a message; otherwise it keeps exactly what was accepted,
    # in the order sent, and nothing that was refused.
    assert _accepted_texts(rasa_stack, sender) == [m.strip() for m in accepted]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(JSONISH.map(json.dumps), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_random_bodies_are_refused_cleanly_by_both_webhooks(rasa_stack, body):
    raw = body.encode("utf-8", "surrogatepass")
    rest = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook", data=raw,
                         headers={"Content-Type": "application/json"}, timeout=60)
    assert rest.status_code in (200, 400, 413, 429), (body, rest.status_code, rest.text)
    signature = "sha256=" + hmac.new(rasa_stack.facebook_app_secret.encode(), raw, hashlib.sha256).hexdigest()
    facebook = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=raw,
                             headers={"Content-Type": "application/json",
                                      "X-Hub-Signature-256": signature}, timeout=60)
    assert facebook.status_code in (200, 400, 404), (body, facebook.status_code, facebook.text)
    unsigned = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=raw, timeout=60)
    assert unsigned.status_code == 403


def test_a_deeply_nested_body_is_refused_not_crashed(rasa_stack):
    nested = "[" * 50_000 + "]" * 50_000
    rest = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                         data=f'{{"sender": "n", "message": "hi", "metadata": {nested}}}', timeout=60)
    assert rest.status_code == 400
    raw = f'{{"object": "page", "entry": {nested}}}'.encode()
    signature = "sha256=" + hmac.new(rasa_stack.facebook_app_secret.encode(), raw, hashlib.sha256).hexdigest()
    facebook = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=raw,
                             headers={"X-Hub-Signature-256": signature}, timeout=60)
    assert facebook.status_code == 400
    assert requests.get(f"{rasa_stack.url}/", timeout=10).ok  # the server is still up
