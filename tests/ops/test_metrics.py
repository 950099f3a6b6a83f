"""Each process's metrics after a real conversation on the real servers (the session's Rasa
server and action server, whose metrics endpoints tests/support/servers.py turns on), and the
metrics kept off the residents' listener."""
from __future__ import annotations

import re
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.settings import PROJECT_ROOT
from tests.resilience.scripts import COMPLAINT, reference_in


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def total(scraped: dict, name: str, **labels) -> float:
    """The sum over every series of `name` whose labels include `labels`."""
    return sum(v for (n, got), v in scraped.items()
               if n == name and set(labels.items()) <= set(got))


@pytest.fixture(scope="module")
def conversation(rasa_stack):
    """Both processes' metrics before and after one complaint filed over REST, a repeated
    confirmation, one message refused as too long and one body too big to read."""
    before = {p: samples(rasa_stack.metrics(p)) for p in ("rasa", "actions")}
    sender = f"ops-{uuid.uuid4().hex[:10]}"
    replies = []
    for text in COMPLAINT:
        replies = rasa_stack.say(sender, text)
    reference = reference_in(replies)
    assert reference, replies
    rasa_stack.say(sender, "/affirm")  # a repeated "yes": files nothing new
    too_long = "x" * (int(rasa_stack.env["INTAKE_MAX_MESSAGE_CHARS"]) + 1)
    refused = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook",
                            json={"sender": sender, "message": too_long}, timeout=60)
    assert refused.status_code == 413
    # A body too big to read at all: refused before any channel sees it, and still counted.
    from bot.channels.limits import request_size_limit

    limit = request_size_limit(int(rasa_stack.env["INTAKE_MAX_MESSAGE_CHARS"]))
    unread = requests.post(f"{rasa_stack.url}/webhooks/rest/webhook", data=b"x" * (limit + 1),
                           headers={"Content-Type": "application/json"}, timeout=60)
    assert unread.status_code == 413
    after = {p: samples(rasa_stack.metrics(p)) for p in ("rasa", "actions")}
    return before, after, reference, len(COMPLAINT) + 1


def moved(conversation, process, name, **labels) -> float:
    before, after, *_ = conversation
    return total(after[process], name, **labels) - total(before[process], name, **labels)


def test_a_filed_complaint_counts_once(conversation, rasa_stack):
    _before, _after, reference, _sent = conversation
    assert rasa_stack.filed_case(reference).case_type == "complaint"
    assert moved(conversation, "actions", "intake_cases_filed_total", case_type="complaint") == 1
    assert moved(conversation, "actions", "intake_cases_filed_total") == 1
    assert moved(conversation, "actions", "intake_forms_started_total", kind="complaint") == 1
    assert moved(conversation, "actions", "intake_action_calls_total",
                 action="action_file_case", outcome="ok") == 1
    assert moved(conversation, "actions", "intake_action_seconds_count",
                 action="action_file_case") == 1
    assert moved(conversation, "actions", "intake_action_calls_total", outcome="error") == 0


def test_each_message_counts_as_answered_or_refused(conversation):
    _before, _after, _reference, sent = conversation
    assert moved(conversation, "rasa", "intake_messages_total", channel="rest",
                 outcome="answered") == sent
    assert moved(conversation, "rasa", "intake_turn_seconds_count", channel="rest") == sent
    assert moved(conversation, "rasa", "intake_messages_total", channel="rest",
                 outcome="refused") == 2
    assert moved(conversation, "rasa", "intake_refusals_total", channel="rest",
                 reason="too_long") == 2
    assert moved(conversation, "rasa", "intake_messages_total", outcome="failed") == 0


def test_the_classifier_counts_typed_messages_only(conversation):
    typed = sum(1 for text in COMPLAINT if not text.startswith("/"))
    assert moved(conversation, "rasa", "intake_nlu_messages_total") == typed


def test_the_processes_report_their_own_metrics_only(conversation):
    _before, after, *_ = conversation
    assert not [key for key in after["rasa"] if key[0].startswith("intake_cases_filed")
                and after["rasa"][key]]
    assert total(after["actions"], "intake_messages_total") == 0
    assert value(after["rasa"], "process_open_fds") > 0  # the process collector is there


def test_metrics_are_not_on_the_residents_listener(rasa_stack):
    for path in ("/metrics", "/webhooks/metrics", "/webhooks/rest/metrics"):
        response = requests.get(f"{rasa_stack.url}{path}", timeout=10)
        assert "intake_messages_total" not in response.text, path
    assert rasa_stack.env["INTAKE_METRICS_RASA_PORT"] != str(rasa_stack.rasa_port)
    # The action server's own port does not serve them either.
    response = requests.get(f"http://127.0.0.1:{rasa_stack.action_port}/metrics", timeout=10)
    assert "intake_action_calls_total" not in response.text


def test_nginx_and_the_ingress_pass_only_the_public_paths():
    """The residents' listener of deploy/nginx/intake.conf proxies only /webhooks/ and
    /socket.io/ to the Rasa servers' own port, and the Ingress only those paths: no metrics
    port or path is ever behind them."""
    conf = (PROJECT_ROOT / "deploy" / "nginx" / "intake.conf").read_text()
    public = conf.split("server {")[1]
    proxied = re.findall(r"location\s+([^\s{]+)\s*\{[^}]*proxy_pass", public)
    assert proxied and set(proxied) <= {"/webhooks/", "/webhooks/facebook/", "/socket.io/"}
    assert re.search(r"location\s+/\s*\{[^}]*return 404", public)
    upstream_ports = set(re.findall(r"server\s+[\d.]+:(\d+)", conf))
    assert upstream_ports <= {"5005", "5055"}, upstream_ports
    ingress = (PROJECT_ROOT / "deploy" / "kubernetes" / "ingress.yaml").read_text()
    assert "metrics" not in ingress
