"""Messenger against the session's real Rasa server: signed webhook batches in, replies out at the
fake Graph API (tests/support/servers.py), refused posts filing nothing."""
from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa

from bot.channels.messenger import expected_signature, shorten_title
from tests.channels.helpers import bot_offers, tracker, user_events

pytestmark = pytest.mark.e2e

PAGE_ID = "PAGE-1"


def psid(name: str) -> str:
    """A fresh page-scoped id (Messenger's sender id) for each test's resident."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def messaging(sender: str, **kind) -> dict:
    return {"sender": {"id": sender}, "recipient": {"id": PAGE_ID},
            "timestamp": int(time.time() * 1000), **kind}


def text(sender: str, words: str) -> dict:
    return messaging(sender, message={"mid": f"m.{uuid.uuid4().hex}", "text": words})


def tap(sender: str, title: str, payload: str) -> dict:
    """A quick reply tapped: Messenger sends its title as text and its payload."""
    return messaging(sender, message={"mid": f"m.{uuid.uuid4().hex}", "text": title,
                                      "quick_reply": {"payload": payload}})


def postback(sender: str, title: str, payload: str) -> dict:
    return messaging(sender, postback={"mid": f"m.{uuid.uuid4().hex}", "title": title,
                                       "payload": payload})


def echo(resident: str, words: str) -> dict:
    """Messenger echoing a message the page sent (the assistant's reply) back to the webhook."""
    return {"sender": {"id": PAGE_ID}, "recipient": {"id": resident},
            "timestamp": int(time.time() * 1000),
            "message": {"mid": f"m.echo.{uuid.uuid4().hex}", "is_echo": True,
                        "app_id": 1517776481860111, "text": words}}


def delivered(resident: str) -> dict:
    return messaging(resident, delivery={"mids": [f"m.sent.{uuid.uuid4().hex}"],
                                         "watermark": int(time.time() * 1000)})


def read(resident: str) -> dict:
    return messaging(resident, read={"watermark": int(time.time() * 1000)})


def batch(*entries: list[dict]) -> dict:
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000),
                                         "messaging": events} for events in entries]}


def post(stack, payload: dict, signature: str | None = "valid") -> requests.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = expected_signature(stack.facebook_app_secret, body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return requests.post(f"{stack.url}/webhooks/facebook/webhook", data=body, headers=headers,
                         timeout=30)


def turns(stack, sender: str) -> list[list[dict]]:
    """What the assistant sent one resident, one list of messages per handled message.

    The channel brackets each message's handling with sender actions (mark_seen, typing_on ...
    typing_off), so a turn is complete when its typing_off has arrived.
    """
    found: list[list[dict]] = []
    current: list[dict] | None = None
    for body in stack.graph_api.sent_to(sender):
        action = body.get("sender_action")
        if action == "typing_on":
            current = []
        elif action == "typing_off" and current is not None:
            found.append(current)
            current = None
        elif "message" in body and current is not None:
            current.append(body["message"])
    return found


def wait_for_turns(stack, sender: str, count: int, timeout: float = 60) -> list[list[dict]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = turns(stack, sender)
        if len(done) >= count:
            return done
        time.sleep(0.1)
    raise AssertionError(f"{sender}: {len(turns(stack, sender))} of {count} messages answered "
                         f"within {timeout:.0f} s; sent so far: {stack.graph_api.sent_to(sender)}")


def words(turn: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in turn)


def stored_rows(stack, sender: str) -> int:
    engine = sa.create_engine(stack.env["INTAKE_TRACKER_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                      {"s": sender}).scalar()
    finally:
        engine.dispose()


# --- the webhook ---------------------------------------------------------------------------------

def test_the_subscription_handshake_needs_the_verify_token(rasa_stack):
    url = f"{rasa_stack.url}/webhooks/facebook/webhook"
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                   "hub.verify_token": rasa_stack.facebook_verify_token}, timeout=10)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1",
                                      "hub.verify_token": "guess"}, timeout=10)
    assert wrong.status_code == 403


def test_unsigned_or_wrongly_signed_posts_are_refused_and_file_nothing(rasa_stack):
    resident = psid("mallory")
    payload = batch([text(resident, "hello"), postback(resident, "Robot?", "/bot_challenge")])
    body = json.dumps(payload).encode()
    other_secret = expected_signature("not-the-app-secret", body)
    old_style = "sha1=" + "0" * 40  # Rasa's own channel accepted only this header
    for signature in (None, "sha256=" + "0" * 64, other_secret, old_style, ""):
        answer = post(rasa_stack, payload, signature)
        assert answer.status_code == 403, (signature, answer.text)
    time.sleep(1.0)  # anything accepted would be handled by now
    assert stored_rows(rasa_stack, resident) == 0
    assert rasa_stack.graph_api.sent_to(resident) == []


def test_a_signed_batch_is_handled_event_by_event_for_every_resident(rasa_stack):
    alice, bob = psid("alice"), psid("bob")
    payload = batch(
        [text(alice, "hello"),
         messaging(alice, delivery={"mids": ["m.earlier"], "watermark": 1}),
         messaging(PAGE_ID, recipient={"id": alice},
                   message={"mid": "m.echo", "text": "echo of our reply", "is_echo": True})],
        [messaging(alice, read={"watermark": 2}),
         postback(alice, "Are you a robot?", "/bot_challenge"),
         tap(bob, "Hi", "/greet")],
    )
    answer = post(rasa_stack, payload)
    assert (answer.status_code, answer.text) == (200, "EVENT_RECEIVED")

    alice_turns = wait_for_turns(rasa_stack, alice, 2)
    assert len(alice_turns) == 2  # the message and the postback; not the delivery, read or echo
    assert "online assistant" in words(alice_turns[0])
    assert "automated assistant" in words(alice_turns[1])
    assert "online assistant" in words(wait_for_turns(rasa_stack, bob, 1)[0])
    assert rasa_stack.graph_api.sent_to(PAGE_ID) == []

    # Stored with their channel: the conversation layer stamps cases with it.
    said = user_events(rasa_stack, alice)
    assert [e["text"] for e in said] == ["hello", "/bot_challenge"]
    assert {e["input_channel"] for e in said} == {"facebook"}
    assert said[1]["parse_data"]["intent"]["name"] == "bot_challenge"
    assert said[0]["message_id"] == payload["entry"][0]["messaging"][0]["message"]["mid"]
    assert tracker(rasa_stack, alice)["latest_input_channel"] == "facebook"
    assert [e["text"] for e in user_events(rasa_stack, bob)] == ["/greet"]


def test_replies_go_out_with_the_page_token_and_appsecret_proof(rasa_stack):
    resident = psid("proof")
    assert post(rasa_stack, batch([text(resident, "hello")])).status_code == 200
    wait_for_turns(rasa_stack, resident, 1)
    calls = [c for c in rasa_stack.graph_api.calls
             if isinstance(c["body"], dict) and c["body"].get("recipient", {}).get("id") == resident]
    assert calls and all(c["path"].endswith("/me/messages") for c in calls)
    assert {c["query"]["access_token"] for c in calls} == {"test-page-access-token"}
    assert all(len(c["query"]["appsecret_proof"]) == 64 for c in calls)


def test_buttons_become_quick_replies_and_long_replies_are_split(rasa_stack):
    resident = psid("buttons")
    assert post(rasa_stack, batch([text(resident, "hello")])).status_code == 200
    wait_for_turns(rasa_stack, resident, 1)
    before = len(rasa_stack.graph_api.messages_to(resident))
    long_text = " ".join(f"Sentence {i} explains how we handle a complaint at stage one."
                         for i in range(70))
    buttons = [(f"Choice number {i}", f"/inform{{\"choice\": \"{i}\"}}") for i in range(15)]
    buttons[0] = ("Danger to health or safety now", '/inform{"choice": "emergency"}')
    bot_offers(rasa_stack, resident, long_text, buttons, channel="facebook")
    sent = rasa_stack.graph_api.messages_to(resident)[before:]
    assert len(sent) == 3 and all(len(m["text"]) <= 2000 for m in sent)
    assert all(m["text"].endswith("stage one.") for m in sent)
    assert "quick_replies" not in sent[0] and "quick_replies" not in sent[1]
    replies = sent[2]["quick_replies"]
    assert len(replies) == 13 and all(len(r["title"]) <= 20 for r in replies)
    assert replies[0] == {"content_type": "text", "title": "Danger to health or…",
                          "payload": '/inform{"choice": "emergency"}'}


# --- whole conversations, turn by turn ----------------------------------------------------------

@dataclass(frozen=True)
class Turn:
    """One thing the resident does on Messenger, and what the assistant's answer must contain.

    say: type words; tap: tap the quick reply with this title (as the domain writes it; Messenger
    shows it shortened to 20 characters) from the assistant's last message; postback: press a
    menu or template button with this payload; choose: with `say`, the payload of the quick reply
    to tap when the assistant asks which kind of feedback it is (its title depends on which kinds
    it is choosing between); offer: (test scaffold) make the assistant offer
    these buttons through Rasa's HTTP API.
    """

    say: str = ""
    tap: str = ""
    postback: str = ""
    choose: str = ""
    offer: tuple[tuple[str, str], ...] = ()
    expect: str = ""  # words the replies must contain (any case)
    expect_pattern: str = ""  # a regular expression the replies must match (a case reference)


# Greeting, quick reply and postback; the `offer` turn is scaffolding, so this conversation does
# not depend on the conversation flows or the NLU data.
BASICS: tuple[Turn, ...] = (
    Turn(say="hello", expect="online assistant"),
    Turn(offer=(("Say hello again", "/greet"), ("Are you a robot?", "/bot_challenge"))),
    Turn(tap="Are you a robot?", expect="automated assistant"),
    Turn(postback="/greet", expect="online assistant"),
)

CASE_REFERENCE = r"\bSRQ-[A-Z0-9]{5}-[A-Z0-9]\b"

# A repair request about damp and mould, as a resident makes it on Messenger. Each tuple is one
# webhook POST; with the resident's words it carries what Meta sends meanwhile (the echo of the
# assistant's last reply, its delivery receipt and the read receipt). Twice the resident says two
# things before the assistant has answered the first, and Meta delivers both in one batch: a quick
# reply tapped then a message typed straight after, and two messages typed one after the other.
SERVICE_REQUEST: tuple[tuple[Turn, ...], ...] = (
    (Turn(say="There is black mould all over my bedroom wall and ceiling",
          choose="/service_request", expect="where is it"),),
    (Turn(say="Bedroom, 4 Elm Court, Leeds LS1 4AP", expect="how urgent"),),
    (Turn(tap="Urgent, in the next few days", expect="when could we get in"),
     Turn(say="weekday mornings, there's a dog", expect="your name")),
    (Turn(say="Sam Patel", expect="e-mail address or phone"),
     Turn(say="07700 900123", expect="how would you like us to contact you")),
    (Turn(tap="Phone call", expect="easier for you"),),
    (Turn(say="I'm hard of hearing so please text first", expect="is that right"),),
    (Turn(tap="Yes, send it", expect="reference", expect_pattern=CASE_REFERENCE),),
)


class MessengerResident:
    """A resident on Messenger: posts signed webhooks, reads the replies at the fake Graph API."""

    def __init__(self, stack, name: str) -> None:
        self.stack, self.id = stack, psid(name)
        self.answered = 0
        self.quick_replies: list[dict] = []
        self.last_said = ""
        self.said: list[str] = []  # what the assistant was given: the words, or the payloads

    def receipts(self) -> tuple[list[dict], list[dict]]:
        """What Meta posts after the assistant's last reply: its echo and delivery receipt (one
        entry), the read receipt (the next entry, with the resident's next words)."""
        sent = self.stack.graph_api.messages_to(self.id)
        if not sent:
            return [], []
        return [echo(self.id, sent[-1].get("text", "")), delivered(self.id)], [read(self.id)]

    def send_batch(self, events: list[dict], receipts: bool = False) -> list[str]:
        """Post `events` in one signed webhook (with the receipts if asked); the replies to each."""
        before, after = self.receipts() if receipts else ([], [])
        payload = batch(before, after + events) if before else batch(events)
        answer = post(self.stack, payload)
        assert (answer.status_code, answer.text) == (200, "EVENT_RECEIVED")
        for event in events:
            message = event.get("message") or event["postback"]
            self.said.append((message.get("quick_reply") or {}).get("payload")
                             or message.get("payload") or message["text"])
        first = self.answered
        self.answered += len(events)
        replies = wait_for_turns(self.stack, self.id, self.answered)[first:self.answered]
        with_buttons = [m for m in replies[-1] if m.get("quick_replies")]
        self.quick_replies = with_buttons[-1]["quick_replies"] if with_buttons else []
        self.last_said = words(replies[-1])
        return [words(reply) for reply in replies]

    def send(self, event: dict) -> str:
        return self.send_batch([event])[0]

    def tap_event(self, title: str = "", payload: str = "") -> dict:
        """Tapping a quick reply of the assistant's last message (by title or by payload)."""
        shown = shorten_title(title) if title else ""
        chosen = [r for r in self.quick_replies if (title and r.get("title") == shown)
                  or (payload and r.get("payload") == payload)]
        assert chosen, (f"no quick reply {shown or payload!r} in {self.quick_replies}; the "
                        f"assistant said {self.last_said!r}")
        return tap(self.id, chosen[0]["title"], chosen[0]["payload"])

    def event(self, turn: Turn) -> dict:
        if turn.tap:
            return self.tap_event(turn.tap)
        if turn.postback:
            return postback(self.id, turn.postback, turn.postback)
        return text(self.id, turn.say)

    def turn(self, turn: Turn, number: int) -> str:
        if turn.offer:
            bot_offers(self.stack, self.id, "Can I help with anything else?", turn.offer,
                       channel="facebook")
            self.quick_replies = self.stack.graph_api.messages_to(self.id)[-1]["quick_replies"]
            return ""
        return self.turns((turn,), number, receipts=False)[0]

    def turns(self, together: tuple[Turn, ...], number: int, receipts: bool = True) -> list[str]:
        """The resident's turns sent in one webhook POST; what the assistant said to each.

        Only the first may tap a quick reply: the later ones answer questions the resident has not
        seen yet when the batch goes, and quick replies go when the resident writes.
        """
        assert all(not turn.tap for turn in together[1:]), "a quick reply tapped after a message"
        assert len(together) == 1 or not any(turn.choose for turn in together)
        said = self.send_batch([self.event(turn) for turn in together], receipts)
        turn = together[0]
        if turn.choose and turn.expect.lower() not in said[0].lower():
            # "Which of these is closest?": tapped, in a batch like the others.
            said[0] = self.send_batch([self.tap_event(payload=turn.choose)], receipts)[0]
        for offset, (turn, reply) in enumerate(zip(together, said)):
            where = f"turn {number + offset} ({turn}): the assistant said {reply!r}"
            assert turn.expect.lower() in reply.lower(), where
            if turn.expect_pattern:
                assert re.search(turn.expect_pattern, reply), where
        return said


def cases_of(stack, conversation_id: str) -> list:
    """Every case filed from one conversation."""
    from bot.cases.models import Case
    from bot.cases.store import CaseStore

    store = CaseStore(stack.env["INTAKE_DATABASE_URL"])
    try:
        with store.read() as session:
            return list(session.execute(
                sa.select(Case).where(Case.conversation_id == conversation_id)).scalars())
    finally:
        store.dispose()


def test_greeting_quick_reply_and_postback_over_messenger(rasa_stack):
    resident = MessengerResident(rasa_stack, "basics")
    for number, turn in enumerate(BASICS, 1):
        resident.turn(turn, number)
    said = user_events(rasa_stack, resident.id)
    assert [e["text"] for e in said] == ["hello", "/bot_challenge", "/greet"]
    assert {e["input_channel"] for e in said} == {"facebook"}
    assert tracker(rasa_stack, resident.id)["latest_input_channel"] == "facebook"


def test_a_service_request_over_messenger_in_real_batches_is_filed_with_its_channel(rasa_stack):
    resident = MessengerResident(rasa_stack, "service")
    number = 1
    for together in SERVICE_REQUEST:
        said = resident.turns(together, number)
        number += len(together)
    reference = re.search(CASE_REFERENCE, said[-1]).group(0)

    time.sleep(1.0)  # anything else the batches set off would have been answered by now
    # One answer for each thing the resident said; none for the echoes and receipts, nothing sent
    # to the page itself (the echoes' sender).
    answered = turns(rasa_stack, resident.id)
    assert len(answered) == resident.answered == len(resident.said) >= 9, answered
    assert rasa_stack.graph_api.sent_to(PAGE_ID) == []
    stored = user_events(rasa_stack, resident.id)
    assert [e["text"] for e in stored] == resident.said
    assert {e["input_channel"] for e in stored} == {"facebook"}
    assert tracker(rasa_stack, resident.id)["latest_input_channel"] == "facebook"

    case = rasa_stack.filed_case(reference)
    assert case is not None, reference
    assert case.case_type == "service_request" and case.channel == "facebook"
    assert case.conversation_id == resident.id
    assert (case.name, case.postcode) == ("Sam Patel", "LS1 4AP")
    assert [c.reference for c in cases_of(rasa_stack, resident.id)] == [reference]


def test_a_refused_confirmation_files_nothing_and_the_signed_one_files_once(rasa_stack):
    """Partway through a service request, the final "Yes, send it" posted unsigned or wrongly
    signed is refused: nothing filed, nothing stored, nothing answered; signed, it files once."""
    resident = MessengerResident(rasa_stack, "refused")
    number = 1
    for together in SERVICE_REQUEST[:-1]:
        resident.turns(together, number)
        number += len(together)
    assert "is that right" in resident.last_said.lower()
    (confirm,) = SERVICE_REQUEST[-1]
    payload = batch([resident.tap_event(confirm.tap)])
    assert payload["entry"][0]["messaging"][0]["message"]["quick_reply"]["payload"]
    body = json.dumps(payload).encode()
    stored, answered = stored_rows(rasa_stack, resident.id), len(turns(rasa_stack, resident.id))
    sent = len(rasa_stack.graph_api.sent_to(resident.id))
    other_body = json.dumps(batch([text(resident.id, "Yes, send it")])).encode()
    for signature in (None, "", "sha256=" + "0" * 64,
                      expected_signature("not-the-app-secret", body),
                      expected_signature(rasa_stack.facebook_app_secret, other_body),
                      expected_signature(rasa_stack.facebook_app_secret, body).replace(
                          "sha256=", "sha1=")):
        answer = post(rasa_stack, payload, signature)
        assert answer.status_code == 403, (signature, answer.text)
    time.sleep(1.5)  # anything accepted would be handled by now
    assert cases_of(rasa_stack, resident.id) == []
    assert stored_rows(rasa_stack, resident.id) == stored
    assert len(rasa_stack.graph_api.sent_to(resident.id)) == sent
    assert len(turns(rasa_stack, resident.id)) == answered

    # The same post, correctly signed (the same message id: the refused posts were not taken
    # for a delivery already handled).
    answer = post(rasa_stack, payload)
    assert (answer.status_code, answer.text) == (200, "EVENT_RECEIVED")
    said = words(wait_for_turns(rasa_stack, resident.id, answered + 1)[answered])
    reference = re.search(CASE_REFERENCE, said)
    assert reference, said
    time.sleep(1.0)
    filed = cases_of(rasa_stack, resident.id)
    assert [c.reference for c in filed] == [reference.group(0)]
    assert filed[0].channel == "facebook"
    assert [e["text"] for e in user_events(rasa_stack, resident.id)][-1] == \
        payload["entry"][0]["messaging"][0]["message"]["quick_reply"]["payload"]
