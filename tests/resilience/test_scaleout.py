"""Two Rasa servers and two action servers share one PostgreSQL tracker store and case store and
a Redis lock store behind nginx: any server takes any message of any conversation, every event
is stored in order, and every case is filed exactly once."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.resilience.scripts import KINDS, reference_in

pytestmark = pytest.mark.e2e


def converse(stack, kind: str, number: int) -> dict:
    """One resident, each turn on the other Rasa server (every third resident via nginx)."""
    sender = f"scale-{kind}-{number}-{uuid.uuid4().hex[:6]}"
    servers = stack.rasa_names
    said, replies_seen, reference = [], [], None
    for turn, message in enumerate(KINDS[kind]):
        via = None if number % 3 == 0 else servers[(turn + number) % len(servers)]
        replies = stack.say(sender, message, via=via)
        assert replies, f"{sender} turn {turn} ({message!r}) on {via or 'nginx'}: no reply"
        said.append(message)
        replies_seen += [r.get("text") for r in replies if r.get("text")]
        reference = reference_in(replies) or reference
    return {"sender": sender, "kind": kind, "said": said, "replies": replies_seen, "reference": reference}


def test_conversations_whose_turns_alternate_between_servers_are_stored_in_order(scaled_stack):
    jobs = [(kind, n) for n in range(4) for kind in KINDS]  # 16 residents at once
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda job: converse(scaled_stack, *job), jobs))
    for result in results:
        events = scaled_stack.stored_events(result["sender"])
        assert [e["text"] for e in events if e["event"] == "user"] == result["said"], result["sender"]
        assert [e["text"] for e in events if e["event"] == "bot"] == result["replies"], result["sender"]
        stamps = [e["timestamp"] for e in events]
        assert stamps == sorted(stamps), f"{result['sender']}: events out of order"
        assert result["reference"], f"{result['sender']}: no case reference given"
        assert scaled_stack.cases_of(result["sender"]) == [(result["reference"], result["kind"])]


def test_the_same_confirmation_at_both_servers_at_once_files_one_case(scaled_stack):
    """A double click that two servers receive together: the lock store lets one handle it first."""
    for attempt in range(3):
        sender = f"race-{attempt}-{uuid.uuid4().hex[:6]}"
        for message in KINDS["comment"][:-1]:
            scaled_stack.say(sender, message, via="rasa1")
        barrier = threading.Barrier(2)

        def confirm(server: str) -> list[dict]:
            barrier.wait()
            return scaled_stack.say(sender, "/affirm", via=server)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(confirm, scaled_stack.rasa_names[:2]))
        references = {reference_in(a) for a in answers} - {None}
        assert len(references) == 1, answers
        assert scaled_stack.cases_of(sender) == [(references.pop(), "comment")]
        users = [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"]
        assert users == list(KINDS["comment"][:-1]) + ["/affirm", "/affirm"]
