"""The REST channel of the session's Rasa server: bad bodies, oversized messages and floods are
refused with a clear reply and nothing is stored; a client cannot pass itself off as Messenger."""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.channels.helpers import tracker, user_events


def post(stack, body) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(f"{stack.url}/webhooks/rest/webhook", data=data,
                         headers={"Content-Type": "application/json"}, timeout=60)


def test_a_malformed_body_gets_400_with_what_is_wrong(rasa_stack):
    for body, says in ((b"{not json", "must be JSON"), ([1, 2], "JSON object"),
                       ({"message": "hi"}, "sender"), ({"sender": "x", "message": ["hi"]}, "string")):
        answer = post(rasa_stack, body)
        assert answer.status_code == 400 and says in answer.json()["error"], (body, answer.text)


def test_an_oversized_message_is_refused_politely_and_not_stored(rasa_stack):
    sender = f"big-{uuid.uuid4().hex[:8]}"
    limit = int(rasa_stack.env["INTAKE_MAX_MESSAGE_CHARS"])
    answer = post(rasa_stack, {"sender": sender, "message": "a" * (limit + 1)})
    assert answer.status_code == 413
    assert "too long" in answer.json()[0]["text"] and "shorter parts" in answer.json()[0]["text"]
    requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                  json={"sender": sender, "message": "hello"}, timeout=60)
    assert [e["text"] for e in user_events(rasa_stack, sender)] == ["hello"]
    # A message of exactly the limit is taken in whole.
    whole = "b" * limit
    assert post(rasa_stack, {"sender": sender, "message": whole}).status_code == 200
    assert user_events(rasa_stack, sender)[-1]["text"] == whole


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(rasa_stack):
    """Sanic would read up to 100 MB of a body before any check: the server's limit follows the
    longest message instead, while a message a little over that limit (emoji included, 12 bytes
    of JSON each) still gets the reply with its length."""
    from bot.channels.limits import request_size_limit

    limit = int(rasa_stack.env["INTAKE_MAX_MESSAGE_CHARS"])
    huge = b'{"sender": "huge", "message": "' + b"a" * request_size_limit(limit) + b'"}'
    answer = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook", data=huge,
                           headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 413
    # Still a reply a chat client can show, but from the server: no sender, no length.
    [reply] = answer.json()
    assert reply["recipient_id"] is None
    assert "far too long" in reply["text"] and f"the most is {limit:,} characters" in reply["text"]
    assert user_events(rasa_stack, "huge") == []
    messenger = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=huge,
                              headers={"Content-Type": "application/json"}, timeout=60)
    assert messenger.status_code == 413 and "far too long" in messenger.json()["error"]
    for character in ("a", "\x00", "😀"):  # 1, 6 and 12 bytes of JSON a character
        twice = post(rasa_stack, {"sender": "huge", "message": character * (2 * limit)})
        assert twice.status_code == 413, character
        assert f"({2 * limit:,} characters" in twice.json()[0]["text"]
        assert twice.json()[0]["recipient_id"] == "huge"
    assert user_events(rasa_stack, "huge") == []


def test_a_flood_from_one_conversation_is_slowed_with_a_polite_reply(rasa_stack):
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    count, _ = rasa_stack.env["INTAKE_RATE_LIMIT_CONVERSATION"].split("/")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: post(rasa_stack, {"sender": sender, "message": f"hello {n}"}),
                                range(int(count) + 5)))
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 5 and all(a.status_code == 200 for a in answers if a not in refused)
    assert "faster than I can read" in refused[0].json()[0]["text"]
    assert int(refused[0].headers["Retry-After"]) >= 1
    assert len(user_events(rasa_stack, sender)) == int(count)  # the refused ones were not taken in


def test_the_channel_is_always_rest_whatever_the_client_says(rasa_stack):
    sender = f"claim-{uuid.uuid4().hex[:8]}"
    assert post(rasa_stack, {"sender": sender, "message": "hello",
                             "input_channel": "facebook"}).status_code == 200
    assert tracker(rasa_stack, sender)["latest_input_channel"] == "rest"
