"""Random and hostile input to the webhooks of a real Rasa server (hypothesis): messages over the
size limit and beyond the rate limit, raw binary bodies (invalid UTF-8 included), deeply nested
JSON, control characters, lone surrogates and NULs, script and SQL, Messenger batches with events
of every shape, and REST ids reserved for Messenger. Every message accepted gets a reply, every
refusal is a clear one (REST: JSON with its text or error; Messenger: a text), the tracker store
holds exactly what was accepted (as every store can take it: bot.channels.limits.clean_text), in
order, and nothing of what was refused, and the case store stays consistent
(tests/resilience/stores.py). Seeded (derandomize): a failure found in CI is found again by the
same run here."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.channels.limits import clean_text, request_size_limit
from tests.resilience.stores import case_store_problems, event_count, user_texts

pytestmark = pytest.mark.e2e

MAX_CHARS = 100_000            # INTAKE_MAX_MESSAGE_CHARS of the session's server (the default)
BODY_LIMIT = request_size_limit(MAX_CHARS)  # the largest body that server reads
PER_CONVERSATION = 30          # INTAKE_RATE_LIMIT_CONVERSATION: 30/60
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)

CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]),
                  min_size=1, max_size=40)
SCRIPT_AND_SQL = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>",
    "javascript:alert(1)", "'; DROP TABLE events; --", "\" OR 1=1 --", "1; DELETE FROM cases",
    "Robert'); DROP TABLE cases;--", "{{7*7}}", "${jndi:ldap://x/a}", "%s%s%s%n", "../../etc/passwd",
    "\u202e\u0627\u0644\u0633\u0644\u0627\u0645", "😀" * 50, "\ud7ff\ue000\uffff",
    "/restart", "/nonexistent_intent", "/inform{\"choice\": ", "/complaint{\"x\": [[[[[[", " " * 1000,
    "\n\n\n", "I want to make a complaint",
])
# Over the limit: up to 2.5 times it, of plain, wide, control or markup characters (a body
# beyond the server's size bound, BODY_LIMIT, is refused unread: see check_message_answer).
OVER_LIMIT = st.builds(lambda n, chunk: (chunk * (n // len(chunk) + 1))[:n],
                       st.integers(MAX_CHARS + 1, int(MAX_CHARS * 2.5)),
                       st.sampled_from(["a", "😀", "\x00\x1b", "<script>", "é "]))
# Code points no store can take as they are: lone surrogates (JSON can carry them as \\u escapes)
# and NUL, inside ordinary text.
UNENCODABLE = st.builds(lambda a, b, c: a + b + c, st.text(max_size=20),
                        st.sampled_from(["\ud800", "\udfff", "\udbff", "\x00", "\ud83d x", "\udc00\ud800"]),
                        st.text(max_size=20))
MESSAGE = st.one_of(SCRIPT_AND_SQL, CONTROL, OVER_LIMIT, UNENCODABLE, st.text(max_size=300),
                    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=300),
                    st.builds(lambda a, b, c: a + b + c, st.text(max_size=20), CONTROL, SCRIPT_AND_SQL))


def _containers(inner):
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                       _containers, max_leaves=30)


def nested(depth: int, kind: str) -> str:
    return "[" * depth + "]" * depth if kind == "list" else '{"a": ' * depth + "1" + "}" * depth


# Bodies: raw bytes (invalid UTF-8 among them), random JSON, nearly right webhook bodies, deeply
# nested JSON (in the metadata, or the whole body), and right bodies with an over-limit message.
BODY = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=40).map(lambda b: b'{"sender": "x", "message": "' + b + b'"}'),
    JSONISH.map(lambda j: json.dumps(j).encode()),
    st.fixed_dictionaries({"sender": st.one_of(st.text(max_size=30), st.integers(), st.none(), JSONISH),
                           "message": st.one_of(SCRIPT_AND_SQL, st.integers(), st.none(), JSONISH)},
                          optional={"metadata": JSONISH}).map(lambda d: json.dumps(d).encode()),
    st.builds(lambda depth, kind: ('{"sender": "n", "message": "hi", "metadata": {"m": '
                                   + nested(depth, kind) + "}}").encode(),
              st.integers(1, 200_000), st.sampled_from(["list", "dict"])),
    st.builds(lambda depth: nested(depth, "list").encode(), st.integers(1, 200_000)),
    OVER_LIMIT.map(lambda m: json.dumps({"sender": f"big-{uuid.uuid4().hex[:8]}", "message": m}).encode()),
    UNENCODABLE.map(lambda m: json.dumps({"sender": f"bad-{uuid.uuid4().hex[:8]}", "message": m}).encode()),
    st.integers(0, 10**17).map(lambda n: json.dumps({"sender": str(n), "message": "hi"}).encode()),
)

# Messenger batches whose events have fields of every shape: a broken event is skipped alone.
FIELD = st.one_of(st.text(max_size=30), UNENCODABLE, JSONISH)
MESSENGER_EVENT = st.fixed_dictionaries(
    {"sender": st.one_of(st.fixed_dictionaries({"id": FIELD}), JSONISH)},
    optional={"message": st.one_of(st.fixed_dictionaries(
        {"mid": FIELD}, optional={"text": FIELD, "quick_reply": JSONISH, "attachments": JSONISH,
                                  "is_echo": JSONISH}), JSONISH),
              "postback": JSONISH, "timestamp": JSONISH})
MESSENGER_BATCH = st.lists(MESSENGER_EVENT, min_size=1, max_size=4).map(
    lambda events: json.dumps({"object": "page", "entry": [{"id": "PAGE", "messaging": events}]}).encode())


def post(stack, body: bytes, **headers) -> requests.Response:
    return requests.post(f"{stack.url}/webhooks/rest/webhook", data=body,
                         headers={"Content-Type": "application/json", **headers}, timeout=120)


def refusal_text(answer: requests.Response, sender: str | None = None) -> str:
    """The text of a refused message: the REST reply shape, one message with a text."""
    assert answer.headers.get("Content-Type", "").startswith("application/json"), answer.headers
    replies = answer.json()
    assert isinstance(replies, list) and len(replies) == 1, replies
    assert isinstance(replies[0].get("text"), str) and replies[0]["text"].strip(), replies
    if sender is not None:
        assert replies[0]["recipient_id"] == sender
    return replies[0]["text"]


def check_message_answer(message: str, answer: requests.Response, sender: str) -> bool:
    """Checks one REST answer to a message; True when the message was accepted."""
    assert answer.status_code in (200, 413, 429), (message[:200], answer.status_code, answer.text[:500])
    if answer.status_code == 413:
        assert len(message) > MAX_CHARS
        if len(json.dumps({"sender": sender, "message": message})) > BODY_LIMIT:
            # Too big to read: the server's refusal, in the reply shape but without a sender.
            text = refusal_text(answer)
            assert "far too long" in text and f"the most is {MAX_CHARS:,}" in text, text
        else:
            text = refusal_text(answer, sender)
            assert "too long" in text and f"{len(message):,} characters" in text, text
        return False
    if answer.status_code == 429:
        assert "wait" in refusal_text(answer, sender)
        assert answer.headers["Retry-After"].isdigit() and int(answer.headers["Retry-After"]) >= 1
        return False
    assert len(message) <= MAX_CHARS, "a message over the limit was accepted"
    replies = answer.json()
    assert isinstance(replies, list), replies
    if not message.strip().startswith("/"):
        assert any((r.get("text") or "").strip() for r in replies), (message[:200], replies)
    return True


def flood(stack, sender: str) -> list[str]:
    """The conversation's whole allowance at once: what was accepted."""
    messages = [f"flood {n} <b>'; --" for n in range(PER_CONVERSATION)]
    with ThreadPoolExecutor(PER_CONVERSATION) as pool:
        answers = list(pool.map(lambda m: post(stack, json.dumps({"sender": sender, "message": m}).encode()),
                                messages))
    assert [a.status_code for a in answers] == [200] * PER_CONVERSATION
    return messages


def test_random_and_hostile_messages_get_an_answer_and_are_stored_exactly(rasa_stack):
    tracker, cases = rasa_stack.env["INTAKE_TRACKER_URL"], rasa_stack.env["INTAKE_DATABASE_URL"]
    # One conversation that has sent its whole allowance: the next messages are refused (429),
    # until its minute is over (then accepted and counted again).
    flooded = f"fuzz-flooded-{uuid.uuid4().hex[:8]}"
    sent = flood(rasa_stack, flooded)
    stored = user_texts(tracker, flooded)
    assert sorted(stored) == sorted(sent)  # all kept, in the order the lock let them in
    accepted: dict[str, list[str]] = {flooded: stored}
    statuses: set[int] = set()

    @settings(FUZZ, max_examples=45)
    @given(messages=st.lists(MESSAGE, min_size=1, max_size=3), to_flooded=st.booleans())
    def run(messages, to_flooded):
        sender = flooded if to_flooded else f"fuzz-{uuid.uuid4().hex[:10]}"
        kept = accepted.setdefault(sender, [])
        for message in messages:
            before = event_count(tracker)
            answer = post(rasa_stack, json.dumps({"sender": sender, "message": message}).encode())
            statuses.add(answer.status_code)
            if check_message_answer(message, answer, sender):
                kept.append(clean_text(message).strip())  # Rasa strips the whitespace around it
            else:
                assert event_count(tracker) == before, "a refused message left events"
        # Exactly what was accepted, in the order sent, and nothing that was refused.
        assert user_texts(tracker, sender) == kept

    run()
    assert {200, 413, 429} <= statuses, f"not every answer was tried: {statuses}"
    assert case_store_problems(cases) == []


def test_random_bodies_are_refused_cleanly_by_both_webhooks(rasa_stack):
    tracker, cases = rasa_stack.env["INTAKE_TRACKER_URL"], rasa_stack.env["INTAKE_DATABASE_URL"]
    secret = rasa_stack.facebook_app_secret.encode()
    statuses: set[int] = set()

    @settings(FUZZ, max_examples=150)
    @given(body=BODY)
    def run(body):
        before = event_count(tracker)
        rest = post(rasa_stack, body)
        statuses.add(rest.status_code)
        assert rest.status_code in (200, 400, 409, 413, 429), (body[:200], rest.status_code, rest.text[:300])
        if rest.status_code in (400, 409):
            error = rest.json()
            assert isinstance(error, dict) and isinstance(error.get("error"), str) and error["error"]
            assert event_count(tracker) == before, "a refused body left events"
        elif rest.status_code in (413, 429):
            refusal_text(rest)
            assert event_count(tracker) == before, "a refused body left events"
        else:  # a well-formed webhook body: its message is stored and answered
            sent = json.loads(body)
            assert check_message_answer(sent["message"], rest, sent["sender"])
            assert user_texts(tracker, sent["sender"])[-1] == clean_text(sent["message"]).strip()

        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        before = event_count(tracker)
        facebook = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=body,
                                 headers={"Content-Type": "application/json",
                                          "X-Hub-Signature-256": signature}, timeout=60)
        assert facebook.status_code in (200, 400, 404, 413), (body[:200], facebook.status_code, facebook.text)
        if facebook.status_code == 413:  # only a body too big to read at all
            assert len(body) > BODY_LIMIT, len(body)
            assert "far too long" in facebook.json()["error"], facebook.text[:300]
        assert facebook.text.strip(), "a Messenger answer without a text"
        if facebook.status_code != 200:
            assert event_count(tracker) == before, "a refused Messenger body left events"
        unsigned = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=body, timeout=60)
        # Refused either way: unread when too big (no signature can be checked), else unsigned.
        too_big = len(body) > BODY_LIMIT
        assert unsigned.status_code == (413 if too_big else 403) and unsigned.text.strip()

    run()
    assert {400, 413} <= statuses, statuses
    assert case_store_problems(cases) == []
    assert requests.get(f"{rasa_stack.url}/", timeout=10).ok  # the server is still up


def test_messenger_batches_of_every_shape_never_fail_the_webhook(rasa_stack):
    """Signed batches whose events have fields of any type: 200 or a clear 400, never a 500, and
    the server keeps answering (each broken event is logged and skipped on its own)."""
    secret = rasa_stack.facebook_app_secret.encode()
    failures = ("Handling a Messenger message failed", "The assistant failed on a Messenger",
                "Task exception was never retrieved")
    before = sum(rasa_stack.log("rasa").count(f) for f in failures)

    @settings(FUZZ, max_examples=60)
    @given(body=MESSENGER_BATCH)
    def run(body):
        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        answer = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=body,
                               headers={"Content-Type": "application/json",
                                        "X-Hub-Signature-256": signature}, timeout=60)
        assert answer.status_code in (200, 400), (body[:300], answer.status_code, answer.text)

    run()
    # The positive signal that every batch above was handled: a last good message is answered.
    from tests.channels.test_messenger_server import batch, psid, text, wait_for_turns

    last = psid("after-fuzz")
    good = json.dumps(batch([text(last, "hello")])).encode()
    requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=good, timeout=60, headers={
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret, good, hashlib.sha256).hexdigest()})
    wait_for_turns(rasa_stack, last, 1)
    assert sum(rasa_stack.log("rasa").count(f) for f in failures) == before


def test_a_deeply_nested_body_is_refused_not_crashed(rasa_stack):
    tracker = rasa_stack.env["INTAKE_TRACKER_URL"]
    before = event_count(tracker)
    nest = nested(500_000, "list")
    rest = post(rasa_stack, f'{{"sender": "n", "message": "hi", "metadata": {nest}}}'.encode())
    assert rest.status_code == 400 and rest.json()["error"]
    raw = f'{{"object": "page", "entry": {nest}}}'.encode()
    signature = "sha256=" + hmac.new(rasa_stack.facebook_app_secret.encode(), raw, hashlib.sha256).hexdigest()
    facebook = requests.post(f"{rasa_stack.url}/webhooks/facebook/webhook", data=raw,
                             headers={"X-Hub-Signature-256": signature}, timeout=60)
    assert facebook.status_code == 400 and facebook.text.strip()
    time.sleep(0.5)
    assert event_count(tracker) == before
    assert requests.get(f"{rasa_stack.url}/", timeout=10).ok  # the server is still up


def test_the_limit_itself_is_accepted_and_one_more_refused(rasa_stack):
    tracker = rasa_stack.env["INTAKE_TRACKER_URL"]
    sender = f"fuzz-edge-{uuid.uuid4().hex[:8]}"
    over = post(rasa_stack, json.dumps({"sender": sender, "message": "é" * (MAX_CHARS + 1)}).encode())
    assert over.status_code == 413 and "100,001 characters" in refusal_text(over, sender)
    at = post(rasa_stack, json.dumps({"sender": sender, "message": "é" * MAX_CHARS}).encode())
    assert check_message_answer("é" * MAX_CHARS, at, sender)
    assert user_texts(tracker, sender) == ["é" * MAX_CHARS]
