"""Two Rasa servers and two action servers share one PostgreSQL tracker store and case store and
a Redis lock store behind nginx: any server takes any message of any conversation, every event
is stored in order, and every case is filed exactly once."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.resilience.scripts import KINDS, reference_in

pytestmark = pytest.mark.e2e


def converse(stack, kind: str, number: int) -> dict:
    """One resident, each turn on the other Rasa server; the residents whose number is a multiple
    of three (0 and 3: half of them) talk through nginx instead."""
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

        def confirm(server: str, barrier=barrier, sender=sender) -> list[dict]:
            barrier.wait()
            return scaled_stack.say(sender, "/affirm", via=server)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(confirm, scaled_stack.rasa_names[:2]))
        references = {reference_in(a) for a in answers} - {None}
        assert len(references) == 1, answers
        assert scaled_stack.cases_of(sender) == [(references.pop(), "comment")]
        users = [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"]
        assert users == list(KINDS["comment"][:-1]) + ["/affirm", "/affirm"]


def test_a_conversation_gets_its_limit_in_all_not_per_server(scaled_stack):
    """INTAKE_RATE_LIMIT_CONVERSATION is counted in Redis by both servers together: with the
    counters in each server's memory, a conversation alternating between two servers would get
    twice the limit."""
    sender = f"limit-{uuid.uuid4().hex[:6]}"
    servers, limit = scaled_stack.rasa_names, scaled_stack.conversation_limit
    for n in range(limit):
        scaled_stack.say(sender, "hello", via=servers[n % 2])
    for base in [scaled_stack.server_url(name) for name in servers] + [scaled_stack.url]:
        answer = requests.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": "hello"},
                               headers=scaled_stack.rest_headers,
                               timeout=60)
        assert answer.status_code == 429, (base, answer.status_code, answer.text)
        assert "wait" in answer.json()[0]["text"] and int(answer.headers["Retry-After"]) >= 1
    users = [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"]
    assert users == ["hello"] * limit


def test_with_a_rest_token_set_rest_answers_only_calls_that_carry_it(scaled_stack):
    sender = f"token-{uuid.uuid4().hex[:6]}"
    for base in (scaled_stack.url, scaled_stack.server_url("rasa1")):
        for headers in ({}, {"Authorization": "Bearer wrong"},
                        {"Authorization": scaled_stack.rest_token}):
            answer = requests.post(f"{base}/webhooks/rest/webhook", headers=headers, timeout=30,
                                   json={"sender": sender, "message": "hello"})
            assert answer.status_code == 401 and "INTAKE_REST_TOKEN" in answer.json()["error"]
    assert scaled_stack.stored_events(sender) == []
    assert scaled_stack.say(sender, "hello")  # with it: answered


def test_the_load_balancer_serves_residents_only_the_webhooks(scaled_stack):
    """Rasa's HTTP API answers on a server's own (internal) address, never through nginx."""
    sender = f"api-{uuid.uuid4().hex[:6]}"
    scaled_stack.say(sender, "hello")
    path, token = f"/conversations/{sender}/tracker", {"token": scaled_stack.token}
    assert requests.get(f"{scaled_stack.server_url('rasa1')}{path}", params=token, timeout=30).ok
    for route in (path, "/model", "/status", "/"):
        answer = requests.get(f"{scaled_stack.url}{route}", params=token, timeout=30)
        assert answer.status_code == 404 and "error" in answer.json(), (route, answer.text)
    # The action listener takes the Rasa servers' calls (every conversation above went through
    # it) and nothing but the action webhook and its health check.
    actions = f"http://127.0.0.1:{scaled_stack.lb_actions_port}"
    assert requests.get(f"{actions}/health", timeout=10).ok
    assert requests.get(f"{actions}/actions", timeout=10).status_code == 404
    # Through nginx, a call without the shared secret runs nothing: the action server says 401.
    call = {"next_action": "action_file_case", "sender_id": sender, "version": "3.6.21",
            "domain": {}, "tracker": {"sender_id": sender, "slots": {"feedback_kind": "comment"},
                                      "latest_message": {}, "events": [], "paused": False,
                                      "followup_action": None, "active_loop": {},
                                      "latest_action_name": None}}
    for headers in ({}, {"Authorization": "Bearer not-the-secret"}):
        answer = requests.post(f"{actions}/webhook", json=call, headers=headers, timeout=30)
        assert answer.status_code == 401, answer.text
    assert scaled_stack.cases_of(sender) == []


def test_a_turn_holds_the_conversations_lock_for_the_configured_lifetime(scaled_stack):
    """Rasa reads TICKET_LOCK_LIFETIME from its environment (180 s, as `python -m bot env`
    exports it), not its own 60 s: a turn that waits on the action servers holds that long a
    ticket in Redis, long enough to outlast the slowest turn."""
    import json
    import os
    import signal
    import time

    import redis
    from rasa.core.lock import TicketLock

    from tests.support.servers import wait_until

    env = scaled_stack.env
    client = redis.Redis(host=env["INTAKE_REDIS_HOST"], port=int(env["INTAKE_REDIS_PORT"]),
                         db=int(env["INTAKE_REDIS_DB"]))
    sender = f"lock-{uuid.uuid4().hex[:6]}"
    actions = [p.popen.pid for name, p in scaled_stack.processes.items() if name.startswith("actions")]
    with ThreadPoolExecutor(1) as pool:
        for pid in actions:  # the turn waits on them while its lock is looked at
            os.killpg(pid, signal.SIGSTOP)
        try:
            turn = pool.submit(scaled_stack.say, sender, "/comment")
            wait_until(lambda: client.get(f"intake:lock:{sender}") is not None, 60,
                       "the conversation's lock in Redis")
            lock = TicketLock.from_dict(json.loads(client.get(f"intake:lock:{sender}")))
            remaining = lock.tickets[0].expires - time.time()
        finally:
            for pid in actions:
                os.killpg(pid, signal.SIGCONT)
            client.close()
        assert turn.result(timeout=120)
    assert int(env["TICKET_LOCK_LIFETIME"]) == 180
    assert 170 < remaining <= 180, remaining
