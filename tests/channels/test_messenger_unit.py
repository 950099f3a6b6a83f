"""Messenger without a server: signatures, batches, quick replies, splitting, the webhook handler."""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.channels import messenger
from bot.channels.deliveries import DeliveryLedger
from bot.channels.facebook import FacebookInput, GraphAPI, MessengerOutput
from bot.channels.messenger import (
    expected_signature,
    inbound_messages,
    outgoing_messages,
    quick_replies,
    shorten_title,
    signature_is_valid,
    split_text,
)

SECRET = "unit-app-secret"


def signed(payload: dict, secret: str = SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, expected_signature(secret, body)


def event(sender: str, **kind) -> dict:
    return {"sender": {"id": sender}, "recipient": {"id": "PAGE"}, "timestamp": 1700000000000, **kind}


BATCH = {"object": "page", "entry": [
    {"id": "PAGE", "time": 1, "messaging": [
        event("alice", message={"mid": "m.1", "text": "My boiler is broken"}),
        event("alice", delivery={"mids": ["m.0"], "watermark": 1}),
        event("bob", message={"mid": "m.2", "text": "Yes", "quick_reply": {"payload": "/affirm"}}),
        event("PAGE", message={"mid": "m.3", "text": "our own reply", "is_echo": True}),
    ]},
    {"id": "PAGE", "time": 2, "messaging": [
        event("alice", read={"watermark": 2}),
        event("alice", postback={"mid": "m.4", "title": "Report a repair", "payload": "/service_request"}),
        event("bob", reaction={"mid": "m.2", "action": "react", "reaction": "love"}),
        event("carol", message={"mid": "m.5", "attachments": [
            {"type": "image", "payload": {"url": "https://cdn.example/damp.jpg"}}]}),
    ]},
]}


# --- signature -----------------------------------------------------------------------------------

def test_a_correct_signature_validates():
    body, header = signed({"object": "page"})
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert signature_is_valid(SECRET, body, header)
    assert signature_is_valid(SECRET, body, header.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize("header", [None, "", "sha256=", "sha256=00", "sha1=abc", "garbage",
                                    "sha256=" + "0" * 64, "sha256=é" + "0" * 63])
def test_missing_or_wrong_signatures_do_not_validate(header):
    body, _ = signed({"object": "page"})
    assert not signature_is_valid(SECRET, body, header)


def test_a_signature_over_another_body_or_with_another_secret_does_not_validate():
    body, header = signed({"object": "page", "entry": []})
    assert not signature_is_valid(SECRET, body + b" ", header)
    assert not signature_is_valid("another-secret", body, header)


def test_with_no_secret_nothing_validates_not_even_a_signature_made_with_the_empty_secret():
    body = b"{}"
    assert not signature_is_valid("", body, expected_signature("", body))


def test_the_comparison_is_constant_time(monkeypatch):
    used = []
    real = messenger.hmac.compare_digest
    monkeypatch.setattr(messenger.hmac, "compare_digest", lambda a, b: used.append(1) or real(a, b))
    body, header = signed({})
    assert signature_is_valid(SECRET, body, header)
    assert used


# --- batches -------------------------------------------------------------------------------------

def test_every_message_and_postback_of_every_entry_in_order_and_nothing_else():
    found = inbound_messages(BATCH)
    assert [(m.sender_id, m.text) for m in found] == [
        ("alice", "My boiler is broken"),
        ("bob", "/affirm"),  # a quick reply gives its payload
        ("alice", "/service_request"),  # a postback gives its payload
        ("carol", ""),  # a photo alone: no words; the channel keeps the photo itself
    ]
    assert found[-1].evidence == ({"type": "image", "url": "https://cdn.example/damp.jpg"},)


def test_stickers_locations_and_links_are_not_evidence():
    sticker = event("dan", message={"mid": "m.6", "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/like.png", "sticker_id": 369239263222822}}]})
    place = event("dan", message={"mid": "m.7", "attachments": [
        {"type": "location", "payload": {"coordinates": {"lat": 51.5, "long": -0.1}}}]})
    with_words = event("dan", message={"mid": "m.8", "text": "the mould", "attachments": [
        {"type": "file", "payload": {"url": "https://cdn.example/report.pdf"}}]})
    found = inbound_messages({"object": "page", "entry": [{"id": "P", "messaging": [
        sticker, place, with_words]}]})
    assert [(m.text, m.evidence) for m in found] == [
        ("https://cdn.example/like.png", ()), ("51.5,-0.1", ()),
        ("the mould", ({"type": "file", "url": "https://cdn.example/report.pdf"},))]


def test_metadata_keeps_the_message_id_page_and_what_the_resident_saw():
    alice, bob, postback, carol = inbound_messages(BATCH)
    assert alice.message_id == "m.1" and alice.metadata["facebook"]["page_id"] == "PAGE"
    assert bob.metadata["facebook"]["quick_reply_title"] == "Yes"
    assert postback.metadata["facebook"]["postback_title"] == "Report a repair"
    assert carol.metadata["facebook"]["attachments"] == [
        {"type": "image", "url": "https://cdn.example/damp.jpg"}]


@pytest.mark.parametrize("payload", [None, [], "text", {"object": "page"}, {"entry": None},
                                     {"entry": [{"messaging": [None, {"sender": {}}]}]}])
def test_odd_bodies_give_no_messages(payload):
    assert inbound_messages(payload) == []


# --- quick replies -------------------------------------------------------------------------------

def test_buttons_become_at_most_13_quick_replies_with_short_titles():
    buttons = [{"title": f"Option {i}", "payload": f"/inform{{\"choice\": \"{i}\"}}"}
               for i in range(15)]
    buttons[0]["title"] = "Danger to health or safety now"
    replies = quick_replies(buttons)
    assert len(replies) == 13
    assert all(r["content_type"] == "text" and len(r["title"]) <= 20 for r in replies)
    assert replies[0] == {"content_type": "text", "title": "Danger to health or…",
                          "payload": '/inform{"choice": "0"}'}
    assert replies[12]["title"] == "Option 12"


@pytest.mark.parametrize("title, short", [
    ("No", "No"),
    ("Exactly twenty chars", "Exactly twenty chars"),
    ("Urgent, in the next few days", "Urgent, in the next…"),
    ("Yes, for someone else", "Yes, for someone…"),
    ("Supercalifragilisticexpialidocious", "Supercalifragilisti…"),
    ("  spaced   out\ttitle  ", "spaced out title"),
])
def test_titles_are_shortened_at_a_word_boundary(title, short):
    assert shorten_title(title) == short
    assert len(shorten_title(title)) <= 20


def test_payloads_too_long_for_messenger_are_left_out_and_special_types_pass_through():
    replies = quick_replies([{"title": "Long", "payload": "/x" + "y" * 1000},
                             {"content_type": "user_email"}, {"title": "Ok", "payload": "/affirm"}])
    assert replies == [{"content_type": "user_email"},
                       {"content_type": "text", "title": "Ok", "payload": "/affirm"}]


# --- splitting -----------------------------------------------------------------------------------

def test_a_short_reply_is_one_message_and_paragraphs_are_separate_messages():
    assert split_text("Hello.") == ["Hello."]
    assert split_text("First.\n\nSecond.\n \nThird.") == ["First.", "Second.", "Third."]
    assert split_text("Line one\nline two") == ["Line one\nline two"]


def test_long_text_is_split_at_sentence_ends_under_the_limit():
    sentences = [f"This is sentence number {i} of a long explanation of the complaint policy."
                 for i in range(80)]
    text = " ".join(sentences)
    assert len(text) > 4000
    parts = split_text(text)
    assert len(parts) == 3
    assert all(len(p) <= 2000 for p in parts)
    assert all(p.endswith("policy.") for p in parts)
    assert " ".join(parts) == text


def test_without_sentences_it_splits_between_words_and_a_giant_word_is_cut():
    words = " ".join(["word"] * 1000)  # 4999 characters, no sentence end
    parts = split_text(words)
    assert all(len(p) <= 2000 for p in parts) and " ".join(parts) == words
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)
    giant = "x" * 4500
    assert [len(p) for p in split_text(giant)] == [2000, 2000, 500]


def test_the_limit_counts_emoji_as_messenger_does():
    parts = split_text("🙂" * 1500)  # 3000 UTF-16 units
    assert [len(p) for p in parts] == [1000, 500]


def test_quick_replies_go_on_the_last_part_only():
    messages = outgoing_messages("Para one.\n\nPara two?", [{"title": "Yes", "payload": "/affirm"}])
    assert messages == [{"text": "Para one."}, {"text": "Para two?", "quick_replies": [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"}]}]
    assert outgoing_messages("", [{"title": "Yes", "payload": "/affirm"}])[0]["text"]
    assert outgoing_messages("Hi") == [{"text": "Hi"}]


# --- the webhook handler, without a server -------------------------------------------------------

class RecordingGraph(GraphAPI):
    def __init__(self) -> None:
        super().__init__("http://graph.invalid/v21.0", "token", SECRET)
        self.sent: list[dict] = []

    async def send(self, body: dict) -> bool:
        self.sent.append(body)
        return True


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory):
    """A case store database (SQLite, migrated) for the channel's record of handled messages."""
    from bot.cases.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('deliveries') / 'intake.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def _ledger_database(ledger_url, monkeypatch):
    monkeypatch.setenv("INTAKE_DATABASE_URL", ledger_url)


class RecordingDesk:
    """Stands in for the evidence desk (bot/channels/evidence.py): records what it is given."""

    def __init__(self) -> None:
        self.kept: list[dict] = []
        self.lost: list[dict] = []

    async def keep_async(self, **kwargs):
        from bot.channels.evidence import Kept

        self.kept.append(kwargs)
        return Kept(len(self.kept), "photo")

    def missing(self, **kwargs) -> None:
        self.lost.append(kwargs)

    def dispose(self) -> None:
        pass


def channel(ledger: DeliveryLedger | None = None) -> FacebookInput:
    fb = FacebookInput(verify_token="verify-me", app_secret=SECRET, page_access_token="token",
                       ledger=ledger)
    fb.graph = RecordingGraph()
    fb.evidence = RecordingDesk()
    return fb


def run_webhook(fb: FacebookInput, body: bytes, header: str | None):
    handled = []

    async def on_new_message(message):
        handled.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"you said {message.text}")

    async def go():
        answer = await fb.receive(body, header, on_new_message)
        await fb.idle()
        return answer

    return asyncio.run(go()), handled


def test_a_signed_batch_is_acknowledged_and_every_message_handled_in_order():
    fb = channel()
    answer, handled = run_webhook(fb, *signed(BATCH))
    assert answer.status == 200
    # Residents are handled side by side, each one's messages in the order they were sent.
    assert sorted((m.sender_id, m.text, m.input_channel) for m in handled) == [
        ("alice", "/service_request", "facebook"),
        ("alice", "My boiler is broken", "facebook"),
        ("bob", "/affirm", "facebook"),
    ]  # carol sent only a photo: kept by the channel (here: not from a Messenger host), not passed on
    assert [(lost["sender_id"], lost["kind"]) for lost in fb.evidence.lost] == [("carol", "photo")]
    to_carol = [b["message"]["text"] for b in fb.graph.sent
                if b["recipient"]["id"] == "carol" and "message" in b]
    assert to_carol == ["Sorry, I couldn't fetch a file you sent from Messenger. Please send it "
                        "again; we can carry on meanwhile."]
    alice = [m.text for m in handled if m.sender_id == "alice"]
    assert alice == ["My boiler is broken", "/service_request"]
    first = next(m for m in handled if m.sender_id == "alice")
    assert first.message_id == "m.1" and first.metadata["facebook"]["mid"] == "m.1"
    to_alice = [b for b in fb.graph.sent if b["recipient"]["id"] == "alice"]
    assert [b.get("sender_action") or b["message"]["text"] for b in to_alice] == [
        "mark_seen", "typing_on", "you said My boiler is broken", "typing_off",
        "mark_seen", "typing_on", "you said /service_request", "typing_off"]
    assert all(b["messaging_type"] == "RESPONSE" for b in to_alice if "message" in b)


@pytest.mark.parametrize("header", [None, "sha256=" + "0" * 64, "sha1=0123"])
def test_unsigned_or_wrongly_signed_posts_get_403_and_nothing_is_handled(header):
    fb = channel()
    body, _ = signed(BATCH)
    answer, handled = run_webhook(fb, body, header)
    assert answer.status == 403
    assert handled == [] and fb.graph.sent == []


def test_a_post_signed_with_another_secret_gets_403():
    answer, handled = run_webhook(channel(), *signed(BATCH, secret="not-the-app-secret"))
    assert answer.status == 403 and handled == []


def test_with_no_app_secret_set_every_post_is_refused():
    fb = FacebookInput(verify_token="v", app_secret="", page_access_token="t")
    body = json.dumps(BATCH).encode()
    answer, handled = run_webhook(fb, body, expected_signature("", body))
    assert answer.status == 403 and handled == []


def test_meta_redelivering_the_same_message_is_handled_once():
    fb = channel()
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        event("dave", message={"mid": "m.dup", "text": "hello"})]}]}
    first, handled_first = run_webhook(fb, *signed(payload))
    again, handled_again = run_webhook(fb, *signed(payload))
    assert first.status == again.status == 200
    assert len(handled_first) == 1 and handled_again == []


def test_a_redelivery_to_a_restarted_or_another_server_is_handled_once():
    # A new channel object has nothing in memory: only the database can know.
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        event("dora", message={"mid": "m.restart", "text": "hello"})]}]}
    _, handled_first = run_webhook(channel(), *signed(payload))
    _, handled_after_restart = run_webhook(channel(), *signed(payload))
    assert len(handled_first) == 1 and handled_after_restart == []


def test_a_broken_event_is_skipped_and_the_rest_of_its_batch_answered_once():
    good = event("fran", message={"mid": "m.good", "text": "my window is broken"})
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        good,
        event("gus", message={"mid": {"not": "text"}, "text": "hello"}),
        event("hal", message={"mid": "m.h", "text": ["not", "text"]}),
        event("ivy", message={"mid": "m.i", "quick_reply": "nonsense"}),
        {"sender": "nobody", "message": {"mid": "m.j", "text": "x"}},
    ]}]}
    answer, handled = run_webhook(channel(), *signed(payload))
    assert answer.status == 200
    assert [(m.sender_id, m.text) for m in handled] == [("fran", "my window is broken")]
    # Meta, not sure the batch arrived, sends it again: the good message is not answered twice.
    again, handled_again = run_webhook(channel(), *signed(payload))
    assert again.status == 200 and handled_again == []


def test_lone_surrogates_in_a_message_are_replaced_before_anything_reads_them():
    body = ('{"object": "page", "entry": [{"id": "PAGE", "messaging": [{"sender": {"id": "kit"}, '
            '"message": {"mid": "m.sur", "text": "leak \\ud800 in the \\udfff bathroom\\u0000"}}]}]}'
            ).encode()
    answer, handled = run_webhook(channel(), body, expected_signature(SECRET, body))
    assert answer.status == 200
    assert [m.text for m in handled] == ["leak \ufffd in the \ufffd bathroom"]
    handled[0].text.encode("utf-8")  # storable


def test_bodies_that_are_not_json_or_not_a_page_are_refused_after_the_signature():
    fb = channel()
    assert run_webhook(fb, b"not json", expected_signature(SECRET, b"not json"))[0].status == 400
    assert run_webhook(fb, *signed({"object": "instagram", "entry": []}))[0].status == 404


def test_the_verification_handshake():
    fb = channel()
    ok = fb.verification_answer("subscribe", "verify-me", "1158201444")
    assert ok.status == 200 and ok.body == b"1158201444"
    assert fb.verification_answer("subscribe", "wrong", "1").status == 403
    assert fb.verification_answer("subscribe", None, "1").status == 403
    assert fb.verification_answer("unsubscribe", "verify-me", "1").status == 403
    unconfigured = FacebookInput(verify_token="", app_secret=SECRET, page_access_token="t")
    assert unconfigured.verification_answer("subscribe", "", "1").status == 403


def test_the_output_channel_renders_buttons_as_quick_replies():
    graph = RecordingGraph()
    out = MessengerOutput(graph)

    async def go():
        await out.send_response("erin", {"text": "Is anyone in danger?", "buttons": [
            {"title": "Yes, someone is in danger", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"}]})
        await out.send_response("erin", {"text": "Pick one", "quick_replies": [
            {"title": "A", "payload": "/a"}]})
        await out.send_image_url("erin", "https://cdn.example/map.png")

    asyncio.run(go())
    messages = [b["message"] for b in graph.sent]
    assert messages[0] == {"text": "Is anyone in danger?", "quick_replies": [
        {"content_type": "text", "title": "Yes, someone is in…", "payload": "/affirm"},
        {"content_type": "text", "title": "No", "payload": "/deny"}]}
    assert messages[1]["quick_replies"][0]["payload"] == "/a"
    assert messages[2]["attachment"]["payload"]["url"] == "https://cdn.example/map.png"


def test_the_graph_api_client_posts_with_token_and_proof_to_the_configured_address():
    from tests.support.servers import FakeGraphAPI

    fake = FakeGraphAPI().start()
    try:
        graph = GraphAPI(fake.url, "page-token", SECRET)

        async def go():
            try:
                return await graph.send({"recipient": {"id": "x"}, "message": {"text": "hi"}})
            finally:
                await graph.close()

        assert asyncio.run(go()) is True
        (call,) = fake.calls
        assert call["path"] == "/v21.0/me/messages"
        assert call["query"]["access_token"] == "page-token"
        assert call["query"]["appsecret_proof"] == messenger.appsecret_proof(SECRET, "page-token")
        assert call["body"]["message"] == {"text": "hi"}
    finally:
        fake.stop()


def test_an_unreachable_graph_api_is_logged_without_the_token_and_does_not_raise(caplog):
    graph = GraphAPI("http://127.0.0.1:9/v21.0", "secret-page-token", SECRET, timeout=2)
    graph.RETRIES = 2

    async def go():
        try:
            return await graph.send({"recipient": {"id": "x"}, "message": {"text": "hi"}})
        finally:
            await graph.close()

    assert asyncio.run(go()) is False
    assert "Graph API unavailable" in caplog.text
    assert "secret-page-token" not in caplog.text


def test_a_reply_with_phone_numbers_ends_with_buttons_to_call_them():
    text = ("You can contact Demo Homes by phone on 0113 496 0000; for an emergency repair call "
            "0808 157 0123; if anyone is in danger call 999.")
    messages = outgoing_messages(text)
    assert messages[0] == {"text": text}
    template = messages[-1]["attachment"]["payload"]
    assert template["template_type"] == "button"
    assert template["buttons"] == [
        {"type": "phone_number", "title": "Call 0113 496 0000", "payload": "+441134960000"},
        {"type": "phone_number", "title": "Call 0808 157 0123", "payload": "+448081570123"}]
    # With choices offered, the quick replies come instead (one set of buttons a reply).
    with_choices = outgoing_messages(text, [{"title": "Yes", "payload": "/affirm"}])
    assert "attachment" not in with_choices[-1] and with_choices[-1]["quick_replies"]
