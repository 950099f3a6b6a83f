"""Forwarding: signed JSON through an outbox written with the change; a receiver that is down,
answers 500 or times out loses nothing and, deduplicating by event id, gets nothing twice."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.cases import outbox
from bot.cases.models import Case, CaseEvent, OutboxMessage
from bot.cases.outbox import Forwarder, ForwardingNotConfigured, sign, verify
from bot.settings import PROJECT_ROOT
from tests.cases.conftest import submission
from tests.cases.receiver import Receiver

SECRET = "s3cret-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def receiver():
    receiver = Receiver(free_port(), SECRET)   # not started: "down" until a test starts it
    yield receiver
    receiver.stop()


@pytest.fixture
def forwarding_store(make_store):
    return make_store(forward=True)


def _outbox(store) -> list[OutboxMessage]:
    with store.read() as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_the_signature_is_an_hmac_sha256_of_the_exact_body():
    body = '{"a":"é"}'.encode()
    assert sign(body, "k") == "sha256=" + __import__("hmac").new(
        b"k", body, "sha256").hexdigest()
    assert verify(body, "k", sign(body, "k"))
    assert not verify(body, "other", sign(body, "k"))
    assert not verify(body + b" ", "k", sign(body, "k"))
    assert not verify(body, "k", None)


def test_each_change_writes_one_outbox_message_in_its_own_transaction(forwarding_store, profile):
    store = forwarding_store
    case, _ = store.file_case(submission(), profile, "f")
    store.acknowledge(case.reference, "staff:a")
    store.file_case(submission(), profile, "f")            # a retry: no change, no message
    messages = _outbox(store)
    assert [m.kind for m in messages] == ["case.filed", "case.acknowledged"]
    payload = json.loads(messages[1].payload)
    assert payload["event_id"] == messages[1].event_id
    assert payload["type"] == "case.acknowledged"
    assert payload["case"]["reference"] == case.reference
    assert payload["case"]["status"] == "acknowledged"
    assert payload["event"]["actor"] == "staff:a"


def test_a_change_that_fails_is_neither_stored_nor_forwarded(forwarding_store, profile,
                                                             monkeypatch):
    store = forwarding_store

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(store, "_enqueue", broken)
    with pytest.raises(RuntimeError):
        store.file_case(submission(), profile, "f")
    with store.read() as session:
        for model in (Case, CaseEvent, OutboxMessage):
            assert session.execute(select(func.count()).select_from(model)).scalar_one() == 0


def test_nothing_is_written_to_the_outbox_when_forwarding_is_off(store, profile):
    store.file_case(submission(), profile, "f")
    assert _outbox(store) == []


def test_forwarding_needs_an_address_and_a_secret(store):
    with pytest.raises(ForwardingNotConfigured):
        Forwarder(store, "", SECRET)
    with pytest.raises(ForwardingNotConfigured):
        Forwarder(store, "http://127.0.0.1:9/", "")


def test_a_receiver_down_then_failing_then_slow_gets_everything_once(forwarding_store, profile,
                                                                     receiver, clock):
    store = forwarding_store
    a, _ = store.file_case(submission(conversation_id="a"), profile, "f")
    store.acknowledge(a.reference, "staff:a")                 # a second message for case a
    b, _ = store.file_case(submission(conversation_id="b"), profile, "f")
    c, _ = store.file_case(submission(conversation_id="c", description="«ünïcödé» 😀"),
                           profile, "f")
    event_ids = [m.event_id for m in _outbox(store)]
    forwarder = Forwarder(store, receiver.url, SECRET, timeout=(2.0, 0.3), jitter=0)

    # 1. The receiver is down: connection refused. Case a's second message waits behind its first.
    report = forwarder.deliver_due()
    assert (len(report.delivered), len(report.failed), report.deferred) == (0, 3, 1)
    waiting = outbox.waiting(store)
    assert len(waiting) == 4
    assert all("Connection" in w.last_error for w in waiting if w.attempts)
    assert forwarder.deliver_due().attempted == 0              # backing off: nothing due yet

    # 2. It is up but answers 500.
    receiver.start()
    receiver.mode = "500"
    clock.advance(seconds=11)
    report = forwarder.deliver_due()
    assert len(report.failed) == 3 and all(e == "HTTP 500" for e in report.failed.values())
    assert receiver.accepted == {}
    clock.advance(seconds=15)
    assert forwarder.deliver_due().attempted == 0              # 20 s back-off after 2 failures

    # 3. It stores the messages but answers too late: the sender cannot know, so it retries.
    receiver.mode = "store-then-hang"
    clock.advance(seconds=10)
    report = forwarder.deliver_due()
    assert len(report.failed) == 3 and all("Timeout" in e for e in report.failed.values())
    assert len(receiver.accepted) == 3

    # 4. It is well again: everything is delivered, a's messages in order.
    receiver.mode = "ok"
    clock.advance(seconds=41)
    report = forwarder.deliver_due()
    assert (len(report.delivered), len(report.failed)) == (4, 0)
    assert outbox.waiting(store) == []
    assert forwarder.deliver_due().attempted == 0

    # Nothing lost, nothing twice at a receiver that deduplicates by event id.
    assert sorted(receiver.accepted) == sorted(event_ids)
    assert len(receiver.receipts) == 3 + 3 + 4                 # the sends it actually saw
    assert all(r["signed"] for r in receiver.receipts)
    assert receiver.order.index(event_ids[0]) < receiver.order.index(event_ids[1])
    first = receiver.accepted[event_ids[0]]
    assert first["type"] == "case.filed" and first["case"]["reference"] == a.reference
    assert receiver.accepted[event_ids[3]]["case"]["description"] == "«ünïcödé» 😀"
    headers = receiver.receipts[-1]["headers"]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Intake-Event"] in ("case.filed", "case.acknowledged")
    delivered = {m.event_id: m for m in _outbox(store)}
    assert delivered[event_ids[3]].attempts == 4 and delivered[event_ids[3]].delivered_at


def test_several_workers_at_once_send_each_message_once(forwarding_store, profile, receiver):
    store = forwarding_store
    for n in range(30):
        store.file_case(submission(conversation_id=f"c{n}"), profile, "f")
    receiver.start()
    forwarders = [Forwarder(store, receiver.url, SECRET, jitter=0) for _ in range(3)]
    threads = [threading.Thread(target=f.deliver_due) for f in forwarders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outbox.waiting(store) == []
    assert len(receiver.receipts) == 30 == len(receiver.accepted)


def test_the_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n, jitter=0).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert outbox.backoff(40, jitter=0) == timedelta(hours=1)
    assert timedelta(seconds=8) <= outbox.backoff(1) <= timedelta(seconds=12)


def _bot(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def test_the_commands_show_what_waits_and_deliver_it(forwarding_store, profile, receiver,
                                                     database_url):
    case, _ = forwarding_store.file_case(submission(), profile, "f")
    env = {"INTAKE_DATABASE_URL": database_url, "INTAKE_FORWARD_URL": receiver.url,
           "INTAKE_FORWARD_SECRET": SECRET}
    shown = _bot("outbox", "show", env=env)
    assert shown.returncode == 0, shown.stderr
    assert case.reference in shown.stdout and "case.filed" in shown.stdout
    assert "1 waiting, 0 delivered" in shown.stderr

    down = _bot("outbox", "deliver", env=env)
    assert down.returncode == 1 and "delivered 0, failed 1" in down.stdout
    assert "Connection" in _bot("outbox", "show", env=env).stdout

    receiver.start()
    with forwarding_store.write() as session:   # skip the back-off
        for message in session.execute(select(OutboxMessage)).scalars():
            message.next_attempt_at = message.created_at
    delivered = _bot("outbox", "deliver", env=env)
    assert delivered.returncode == 0, delivered.stderr
    assert "delivered 1, failed 0" in delivered.stdout
    assert list(receiver.accepted.values())[0]["case"]["reference"] == case.reference
    listing = json.loads(_bot("outbox", "show", "--all", "--json", env=env).stdout)
    assert listing[0]["delivered_at"] and listing[0]["attempts"] == 2

    unset = _bot("outbox", "deliver", env={**env, "INTAKE_FORWARD_SECRET": ""})
    assert unset.returncode == 1
    assert unset.stderr.strip().splitlines() == [
        "error: INTAKE_FORWARD_SECRET is not set: forwarded cases must be signed"]


def test_the_worker_keeps_going_through_a_failed_round(forwarding_store, profile, receiver):
    store = forwarding_store
    store.file_case(submission(), profile, "f")
    receiver.start()
    forwarder = Forwarder(store, receiver.url, SECRET, jitter=0)
    real = forwarder.deliver_due
    rounds, sleeps, reports = [], [], []

    def flaky():
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database restarting")
        return real()

    forwarder.deliver_due = flaky
    outbox.run_worker(forwarder, interval=7, stop=lambda: len(rounds) >= 3,
                      sleep=sleeps.append, on_report=reports.append)
    assert [len(r.delivered) for r in reports] == [1, 0]
    assert sleeps == [7, 7]                  # after the failed round and after the idle one
    assert outbox.waiting(store) == [] and len(receiver.accepted) == 1
