"""Faults, each with a real process killed or stopped: the action server dies mid-form (between
turns, and while the confirming turn waits on it), a Rasa server restarts, the database restarts
while filings are in flight, the forwarding receiver is down for a while. Nothing a resident told
us is lost and no case is filed twice."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bot.settings import PROJECT_ROOT
from tests.support.services import missing
from tests.resilience.scripts import COMMENT, COMPLAINT, reference_in
from tests.resilience.stores import case_store_problems, cases_of
from tests.support.servers import free_port, stop, wait_until

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_the_action_server_dying_mid_form_keeps_the_residents_details(rasa_stack):
    sender = f"actions-down-{uuid.uuid4().hex[:8]}"
    for message in COMPLAINT[:3]:
        rasa_stack.say(sender, message)
    actions = next(p for p in rasa_stack.processes if "actions" in p.args)
    stop(actions)  # the action server dies
    try:
        said = texts(rasa_stack.say(sender, COMPLAINT[3]))
        assert "something went wrong on our side" in said and "kept" in said and "again" in said
    finally:
        rasa_stack.processes.remove(actions)
        rasa_stack.start_actions()  # back, on the same port
    # Back: the resident sends the same answer again and the form carries on from there.
    replies = []
    for message in COMPLAINT[3:]:
        replies = rasa_stack.say(sender, message)
    reference = reference_in(replies)
    assert reference, texts(replies)
    case = rasa_stack.filed_case(reference)
    assert case.affected == COMPLAINT[3] and case.description == COMPLAINT[1]
    assert case.event_date_text == COMPLAINT[2] and case.event_date is not None
    users = [e["text"] for e in requests.get(
        f"{rasa_stack.url}/conversations/{sender}/tracker", params={"token": rasa_stack.token},
        timeout=30).json()["events"] if e["event"] == "user"]
    assert users.count(COMPLAINT[3]) == 2  # the message sent during the outage is kept too
    assert cases_of(rasa_stack.env["INTAKE_DATABASE_URL"], sender) == [(reference, "complaint")]


def requests_waiting_at(port: int) -> int:
    """Connections to a local server holding a request it has not read yet (ss's Recv-Q)."""
    lines = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    return sum(1 for line in lines if line.split() and int(line.split()[0]) > 0)


def test_the_action_server_killed_while_the_confirmation_waits_on_it(rasa_stack):
    """SIGKILL with the confirming "/affirm" in flight: the action server is frozen (SIGSTOP) once
    the turn has started, so the request is sent and waits unread, then killed. The resident is
    told plainly that their details are kept; once the server is back, the same "yes" files the
    case, once."""
    if shutil.which("ss") is None:
        missing("this test watches the action server's socket with ss (iproute2)")
    sender = f"actions-killed-{uuid.uuid4().hex[:8]}"
    for message in COMMENT[:-1]:
        rasa_stack.say(sender, message)
    actions = next(p for p in rasa_stack.processes if "actions" in p.args)
    os.killpg(actions.pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(1) as pool:
            confirming = pool.submit(rasa_stack.say, sender, "/affirm")
            wait_until(lambda: requests_waiting_at(rasa_stack.action_port) > 0, 60,
                       "the confirming turn's call to the action server")
            os.killpg(actions.pid, signal.SIGKILL)  # dies with the request in flight
            actions.wait()
            said = texts(confirming.result(timeout=120))
    finally:
        if actions.poll() is None:
            os.killpg(actions.pid, signal.SIGKILL)
            actions.wait()
        rasa_stack.processes.remove(actions)
        rasa_stack.start_actions()
    assert "something went wrong on our side" in said and "kept" in said and "again" in said, said
    assert reference_in([{"text": said}]) is None
    database = rasa_stack.env["INTAKE_DATABASE_URL"]
    assert cases_of(database, sender) == []  # it never read the request
    # Back: the resident says yes again, and the conversation carries on from where it was.
    replies = rasa_stack.say(sender, "/affirm")
    reference = reference_in(replies)
    assert reference, texts(replies)
    assert cases_of(database, sender) == [(reference, "comment")]
    tracker = requests.get(f"{rasa_stack.url}/conversations/{sender}/tracker",
                           params={"token": rasa_stack.token}, timeout=30).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == \
        list(COMMENT[:-1]) + ["/affirm", "/affirm"]
    assert case_store_problems(database) == []


def _messenger(stack, server: str, payload: dict) -> None:
    from bot.channels.messenger import expected_signature

    body = json.dumps(payload).encode()
    answer = requests.post(f"{stack.server_url(server)}/webhooks/facebook/webhook", data=body,
                           headers={"Content-Type": "application/json", "X-Hub-Signature-256":
                                    expected_signature(stack.env["FACEBOOK_APP_SECRET"], body)},
                           timeout=30)
    assert answer.status_code == 200, answer.text


def _messenger_texts(stack, resident: str) -> list[str]:
    return [e["text"] for e in stack.stored_events(resident) if e["event"] == "user"]


def test_a_rasa_server_restart_continues_the_conversation_from_the_tracker_store(scaled_stack):
    sender = f"rasa-restart-{uuid.uuid4().hex[:8]}"
    for message in COMPLAINT[:4]:
        scaled_stack.say(sender, message, via="rasa1")
    # A Messenger message handled by rasa1 before it dies; Meta will deliver it again.
    resident = f"fb-{uuid.uuid4().hex[:8]}"
    delivered = {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        {"sender": {"id": resident}, "recipient": {"id": "PAGE"}, "timestamp": 1,
         "message": {"mid": f"m.{uuid.uuid4().hex}", "text": "hello"}}]}]}
    _messenger(scaled_stack, "rasa1", delivered)
    wait_until(lambda: _messenger_texts(scaled_stack, resident) == ["hello"], 60,
               "the Messenger message handled")
    scaled_stack.stop_process("rasa1", kill=True)
    try:
        # Through the load balancer: the other server takes the next message.
        said = texts(scaled_stack.say(sender, COMPLAINT[4]))
        assert "already investigated" in said.lower(), said
    finally:
        scaled_stack.start_process("rasa1")
    # Meta's redelivery, to the restarted server and to the other one, is skipped by both; the
    # positive signal: a new message of the same resident after it is handled.
    _messenger(scaled_stack, "rasa1", delivered)
    _messenger(scaled_stack, "rasa2", delivered)
    _messenger(scaled_stack, "rasa2", {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        {"sender": {"id": resident}, "recipient": {"id": "PAGE"}, "timestamp": 2,
         "message": {"mid": f"m.{uuid.uuid4().hex}", "text": "are you a robot?"}}]}]})
    wait_until(lambda: len(_messenger_texts(scaled_stack, resident)) >= 2, 60, "the new message")
    time.sleep(1)
    assert _messenger_texts(scaled_stack, resident) == ["hello", "are you a robot?"]
    # The restarted server reads the conversation back from PostgreSQL.
    said = texts(scaled_stack.say(sender, COMPLAINT[5], via="rasa1"))
    assert "legal action" in said.lower(), said
    for message in COMPLAINT[6:]:
        replies = scaled_stack.say(sender, message, via="rasa1")
    reference = reference_in(replies)
    assert scaled_stack.cases_of(sender) == [(reference, "complaint")]
    assert [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"] == list(COMPLAINT)


def _postgres_commands() -> tuple[list[str], list[str]] | None:
    """Stop and start the local PostgreSQL cluster (the highest version installed, as .ci/run)."""
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        return None
    # The newest version, as .ci/run picks it (`sort -V | tail -1`).
    version = max(os.listdir("/etc/postgresql"),
                  key=lambda v: [int(part) if part.isdigit() else 0 for part in v.split(".")])
    base = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]
    return base + ["stop", "-m", "fast"], base + ["start"]


class Transcript:
    """What one resident sent and was told, with when each message was sent and answered."""

    def __init__(self, stack, sender: str) -> None:
        self.stack, self.sender = stack, sender
        self.said: list[str] = []
        self.told: list[str] = []
        self.turns: list[tuple[str, float, float, str]] = []  # message, sent, answered, reply

    def say(self, message: str) -> str:
        sent = time.monotonic()
        replies = self.stack.say(self.sender, message)
        self.said.append(message)
        self.told += [r["text"] for r in replies if r.get("text")]
        reply = texts(replies)
        self.turns.append((message, sent, time.monotonic(), reply))
        return reply

    def converse(self, messages: tuple[str, ...]) -> str | None:
        for message in messages:
            self.say(message)
        return self.confirm()

    def confirm(self) -> str | None:
        """Yes, and yes again while told it was not saved; the reference given."""
        for _ in range(4):
            reference = reference_in([{"text": self.say("/affirm")}])
            if reference:
                return reference
            time.sleep(2)
        return None


def test_a_database_restart_while_filings_are_in_flight_loses_nothing(scaled_stack):
    """PostgreSQL is stopped while confirmations wait at the action servers (frozen, SIGSTOP, once
    each has its request) and while other residents keep talking, then started again. Every
    filing rides it out (the case store retries), every conversation event is kept (the tracker
    store retries), and every case is filed once."""
    commands = _postgres_commands()
    if commands is None:
        missing("restarting PostgreSQL needs root and pg_ctlcluster (the local server)")
    if shutil.which("ss") is None:
        missing("this test watches the action servers' sockets with ss (iproute2)")
    stop_db, start_db = commands
    stack = scaled_stack
    actions = [name for name in stack.processes if name.startswith("actions")]
    logs_before = {name: len(stack.log(name)) for name in stack.processes}
    confirming = [Transcript(stack, f"db-restart-{n}-{uuid.uuid4().hex[:6]}") for n in range(6)]
    talking = [Transcript(stack, f"db-talking-{n}-{uuid.uuid4().hex[:6]}") for n in range(4)]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda t: [t.say(m) for m in COMMENT[:-1]], confirming))  # up to the "yes"
    started_before = stack._query("SELECT pg_postmaster_start_time()")[0][0]

    def waiting() -> int:
        return sum(requests_waiting_at(stack.processes[name].port) for name in actions)

    references: dict[str, str | None] = {}
    with ThreadPoolExecutor(12) as pool:
        for name in actions:
            os.killpg(stack.processes[name].popen.pid, signal.SIGSTOP)
        try:
            filings = {t.sender: pool.submit(t.confirm) for t in confirming}
            wait_until(lambda: waiting() >= len(confirming), 60, "every confirmation at an action server")
            subprocess.run(stop_db, check=True, capture_output=True)
            down = time.monotonic()
        finally:
            for name in actions:  # the filings now meet a database that is not there
                os.killpg(stack.processes[name].popen.pid, signal.SIGCONT)
        chats = [pool.submit(t.converse, COMMENT[:-1]) for t in talking]  # new residents keep coming
        time.sleep(4)
        up = time.monotonic()
        subprocess.run(start_db, check=True, capture_output=True)
        references = {sender: future.result(timeout=300) for sender, future in filings.items()}
        references.update({t.sender: chat.result(timeout=300) for t, chat in zip(talking, chats)})
    assert stack._query("SELECT pg_postmaster_start_time()")[0][0] > started_before

    # The confirmations were in flight across the restart, and each was filed in that one turn.
    for t in confirming:
        message, sent, answered, reply = t.turns[len(COMMENT) - 1]
        assert message == "/affirm" and sent < down and answered > up, (t.sender, t.turns[-1])
        assert reference_in([{"text": reply}]) == references[t.sender], (t.sender, reply)
    # The others talked to it while it was down.
    assert all(t.turns[0][1] < up and t.turns[0][2] > up for t in talking), [t.turns[0] for t in talking]
    # Both stores retried (their log lines: bot/cases/store.py, bot/rasa/tracker_store.py).
    new = {name: stack.log(name)[logs_before[name]:] for name in stack.processes}
    assert any("case store: transient database error" in new[name] and "retrying" in new[name]
               for name in actions), "no filing met the database down"
    assert any(re.search(r"tracker store: .* failed .*; retrying", new[name]) for name in stack.rasa_names)
    # Every event kept, none twice: what each resident said and was told, in order; one case each.
    for t in confirming + talking:
        assert references[t.sender], (t.sender, t.turns)
        events = stack.stored_events(t.sender)
        assert [e["text"] for e in events if e["event"] == "user"] == t.said, t.sender
        assert [e["text"] for e in events if e["event"] == "bot"] == t.told, t.sender
        assert stack.cases_of(t.sender) == [(references[t.sender], "comment")], t.sender
    assert case_store_problems(stack.database_url) == []


def test_the_forwarding_receiver_down_for_a_while_gets_everything_once(tmp_path):
    from bot.cases.db import make_engine, upgrade
    from bot.cases.store import CaseStore
    from tests.cases.conftest import submission

    secret, port = "forward-secret", free_port()
    received = tmp_path / "received.jsonl"
    env = {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'forward.db'}",
           "INTAKE_FORWARD_URL": f"http://127.0.0.1:{port}/intake", "INTAKE_FORWARD_SECRET": secret}
    engine = make_engine(env["INTAKE_DATABASE_URL"])
    upgrade(engine)
    engine.dispose()
    store = CaseStore(env["INTAKE_DATABASE_URL"], forward=True)
    forwarder = subprocess.Popen([sys.executable, "-m", "bot", "outbox", "deliver", "--loop",
                                  "--interval", "0.5"], cwd=PROJECT_ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def start_receiver() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "tests.cases.receiver", str(port), secret,
                                    str(received)], cwd=PROJECT_ROOT, start_new_session=True)
        wait_until(lambda: requests.post(f"http://127.0.0.1:{port}/intake", timeout=2).status_code == 401,
                   30, "receiver", process)
        return process

    def event_ids() -> list[str]:
        if not received.exists():
            return []
        return [json.loads(line)["event_id"] for line in received.read_text().splitlines()]

    try:
        # Down from the start: cases filed meanwhile wait in the outbox.
        filed = [store.file_case(submission(conversation_id=f"f{n}"), "housing-ombudsman-code",
                                 submission_key=f"k{n}")[0].reference for n in range(5)]
        time.sleep(2)
        receiver = start_receiver()
        wait_until(lambda: len(event_ids()) >= 5, 60, "first deliveries")
        os.killpg(receiver.pid, signal.SIGKILL)  # down again, mid-stream
        receiver.wait()
        filed += [store.file_case(submission(conversation_id=f"g{n}"), "housing-ombudsman-code",
                                  submission_key=f"j{n}")[0].reference for n in range(5)]
        time.sleep(2)
        receiver = start_receiver()
        wait_until(lambda: len(set(event_ids())) >= 10, 90, "deliveries after the restart")
        os.killpg(receiver.pid, signal.SIGTERM)
        receiver.wait()
    finally:
        os.killpg(forwarder.pid, signal.SIGTERM)
        forwarder.wait(timeout=30)
        store.dispose()
    # Delivery is at least once: a post the receiver stored but whose answer never came back (it
    # was killed) is sent again, and the receiver deduplicates by X-Intake-Event-Id. So: every
    # event of the outbox delivered, and any copy the same event (same id, same body).
    lines = [json.loads(line) for line in received.read_text().splitlines()]
    copies: dict[str, list[dict]] = {}
    for line in lines:
        copies.setdefault(line["event_id"], []).append(line["payload"])
    engine = make_engine(env["INTAKE_DATABASE_URL"])
    with engine.connect() as connection:
        outbox = {event_id: (json.loads(payload), delivered_at) for event_id, payload, delivered_at in
                  connection.exec_driver_sql("SELECT event_id, payload, delivered_at FROM outbox")}
    engine.dispose()
    assert len(outbox) == 10
    assert all(delivered_at is not None for _, delivered_at in outbox.values())
    assert set(copies) == set(outbox), "every event delivered, and only those"
    for event_id, bodies in copies.items():
        assert all(body == outbox[event_id][0] for body in bodies), f"{event_id}: a copy differs"
    assert sorted(bodies[0]["case"]["reference"] for bodies in copies.values()) == sorted(filed)
