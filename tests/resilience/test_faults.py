"""Faults, each with a real process killed or stopped: the action server dies mid-form, a Rasa
server restarts, the database restarts during a burst of filings, the forwarding receiver is down
for a while. Nothing a resident told us is lost and no case is filed twice."""
from __future__ import annotations

import json
import os
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
from tests.resilience.scripts import COMMENT, COMPLAINT, reference_in
from tests.support.servers import free_port, stop, wait_until

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_the_action_server_dying_mid_form_keeps_the_residents_details(rasa_stack):
    sender = f"actions-down-{uuid.uuid4().hex[:8]}"
    for message in COMPLAINT[:3]:
        rasa_stack.say(sender, message)
    actions = next(p for p in rasa_stack.processes if "rasa_sdk" in p.args)
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


def test_a_rasa_server_restart_continues_the_conversation_from_the_tracker_store(scaled_stack):
    sender = f"rasa-restart-{uuid.uuid4().hex[:8]}"
    for message in COMPLAINT[:4]:
        scaled_stack.say(sender, message, via="rasa1")
    scaled_stack.stop_process("rasa1", kill=True)
    try:
        # Through the load balancer: the other server takes the next message.
        said = texts(scaled_stack.say(sender, COMPLAINT[4]))
        assert "already investigated" in said.lower(), said
    finally:
        scaled_stack.start_process("rasa1")
    # The restarted server reads the conversation back from PostgreSQL.
    said = texts(scaled_stack.say(sender, COMPLAINT[5], via="rasa1"))
    assert "legal action" in said.lower(), said
    for message in COMPLAINT[6:]:
        replies = scaled_stack.say(sender, message, via="rasa1")
    reference = reference_in(replies)
    assert scaled_stack.cases_of(sender) == [(reference, "complaint")]
    assert [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"] == list(COMPLAINT)


def _postgres_restart_command() -> list[str] | None:
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        return None
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"]


def test_a_database_restart_during_a_burst_of_filings_loses_nothing(scaled_stack):
    command = _postgres_restart_command()
    if command is None:
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster (the local server)")
    senders = [f"db-restart-{n}-{uuid.uuid4().hex[:6]}" for n in range(8)]
    for sender in senders:
        for message in COMMENT[:-1]:
            scaled_stack.say(sender, message)

    def confirm(sender: str) -> list[str]:
        said = [texts(scaled_stack.say(sender, "/affirm"))]
        while not reference_in([{"text": said[-1]}]) and len(said) < 4:
            time.sleep(2)  # told it was not saved: the resident says yes again
            said.append(texts(scaled_stack.say(sender, "/affirm")))
        return said

    started_before = scaled_stack._query("SELECT pg_postmaster_start_time()")[0][0]
    with ThreadPoolExecutor(9) as pool:
        futures = [pool.submit(confirm, sender) for sender in senders[:4]]
        restart = pool.submit(subprocess.run, command, check=True, capture_output=True)
        futures += [pool.submit(confirm, sender) for sender in senders[4:]]
        answers = [f.result() for f in futures]
        restart.result()
    assert scaled_stack._query("SELECT pg_postmaster_start_time()")[0][0] > started_before
    for sender, said in zip(senders, answers):
        reference = reference_in([{"text": said[-1]}])
        assert reference, (sender, said)
        assert scaled_stack.cases_of(sender) == [(reference, "comment")], sender
        users = [e["text"] for e in scaled_stack.stored_events(sender) if e["event"] == "user"]
        assert users == list(COMMENT[:-1]) + ["/affirm"] * len(said), (sender, users)


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
    lines = [json.loads(line) for line in received.read_text().splitlines()]
    assert sorted({line["payload"]["case"]["reference"] for line in lines}) == sorted(filed)
    assert len({line["event_id"] for line in lines}) == 10  # each case.filed once (by event id)
