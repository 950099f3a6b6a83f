"""The staff workspace's and the forwarder's metrics, scraped from the real processes on the
session stack's case store (the filed complaint of tests/ops/test_metrics.py among its cases)."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from bot.settings import PROJECT_ROOT
from tests.cases.receiver import Receiver
from tests.ops.test_metrics import samples, total, value
from tests.support.servers import free_port, stop, wait_until

SECRET = "ops-forward-secret"


def spawn(env, workdir, name, *args):
    log = open(workdir / f"{name}.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def scrape(port: int) -> dict:
    return samples(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text)


@pytest.fixture
def env(rasa_stack):
    return dict(rasa_stack.env)


def test_the_staff_workspace_counts_sign_ins_and_overdue_cases(env, tmp_path):
    port, metrics_port = free_port(), free_port()
    env.update(STAFF_PORT=str(port), STAFF_HOST="127.0.0.1", STAFF_SECRET_KEY="ops-" + "k" * 40,
               INTAKE_METRICS_STAFF_PORT=str(metrics_port))
    process = spawn(env, tmp_path, "staff", "staff", "serve")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, "staff", process)
        before = scrape(metrics_port)
        session = requests.Session()
        page = session.get(f"{url}/sign-in", timeout=10).text
        import re

        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        form = {"username": "nobody", "password": "not-the-password"}
        if token:
            form["csrf_token"] = token.group(1)
        assert session.post(f"{url}/sign-in", data=form, timeout=10).status_code == 401
        after = scrape(metrics_port)
    finally:
        stop(process)
    assert total(after, "intake_staff_sign_ins_total", outcome="refused") \
        - total(before, "intake_staff_sign_ins_total", outcome="refused") == 1
    # The overdue gauge is worked out from the case store: one series per type and stage.
    overdue = {labels for (name, labels) in after if name == "intake_cases_overdue"}
    assert (("case_type", "complaint"), ("stage", "1")) in overdue
    # Forms residents walked away from, read from the tracker store at each scrape.
    assert ("intake_forms_abandoned", ()) in after
    assert total(after, "intake_metrics_collect_errors_total") == 0


def test_the_forwarder_reports_its_backlog_and_failures(env, rasa_stack, tmp_path):
    receiver = Receiver(free_port(), SECRET)   # down until started
    metrics_port = free_port()
    # A new case while forwarding is on gets an outbox row (the action server's setting).
    sender = "ops-forward"
    env.update(INTAKE_FORWARD_URL=receiver.url, INTAKE_FORWARD_SECRET=SECRET,
               INTAKE_METRICS_FORWARDER_PORT=str(metrics_port))
    from bot.cases.store import CaseStore
    from bot.policy import load_profile
    from tests.cases.conftest import submission

    store = CaseStore(env["INTAKE_DATABASE_URL"], forward=True)
    try:
        store.file_case(submission(conversation_id=sender), load_profile(env["INTAKE_POLICY"]),
                        "ops-forward-1")
    finally:
        store.dispose()
    process = spawn(env, tmp_path, "forwarder", "outbox", "deliver", "--loop", "--interval", "0.5")
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{metrics_port}/metrics",
                                        timeout=2).ok, 60, "forwarder", process)
        wait_until(lambda: total(scrape(metrics_port), "intake_outbox_deliveries_total",
                                 outcome="failed") >= 1, 30, "a failed delivery")
        down = scrape(metrics_port)
        assert value(down, "intake_outbox_backlog") >= 1
        assert value(down, "intake_outbox_oldest_seconds") > 0
        assert value(down, "intake_outbox_last_round_timestamp_seconds") > 0
    finally:
        stop(process)
        receiver.stop()
