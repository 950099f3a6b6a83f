"""JSON log lines (INTAKE_LOG_FORMAT=json) on a real Rasa server and action server: one object a
line, with the conversation id, and never a resident's words, name, e-mail or phone number."""
from __future__ import annotations

import json
import logging
import re
import uuid

import pytest

from bot.ops import logs
from tests.resilience.scripts import reference_in

# A resident who gives their name, address, phone number and e-mail, and says unusual words.
NAME, PHONE, EMAIL = "Zebedee Quimby", "07700 900461", "zebedee.quimby@example.org"
WORDS = "the gazebo xylophone behind flat nine keeps humming"
SERVICE_REQUEST = ("/service_request", f"my kitchen tap is dripping and {WORDS}",
                   "Kitchen, 4 Elm Court, Leeds LS1 4AP", '/inform{"choice": "routine"}',
                   "weekday mornings", NAME, PHONE, '/inform{"choice": "phone"}', "no", "/affirm")
SECRETS = (NAME, "Quimby", PHONE, "07700900461", "900461", EMAIL, "xylophone", "gazebo",
           "Elm Court", "LS1 4AP", "dripping")


@pytest.fixture(scope="module")
def json_stack(trained_model, tmp_path_factory):
    from tests.support.servers import RasaStack

    stack = RasaStack(model=trained_model, workdir=tmp_path_factory.mktemp("json-logs"),
                      # Rasa's DEBUG lines quote every message and slot: JSON mode drops them.
                      extra_env={"INTAKE_LOG_FORMAT": "json", "INTAKE_LOG_LEVEL": "DEBUG",
                                 "LOG_LEVEL": "DEBUG"})
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def talked(json_stack):
    sender = f"json-{uuid.uuid4().hex[:10]}"
    replies = []
    for text in SERVICE_REQUEST:
        replies = json_stack.say(sender, text)
    assert reference_in(replies), replies
    json_stack.say(sender, f"also e-mail me at {EMAIL} please, {NAME}")
    return sender


def lines(stack, name: str) -> list[str]:
    return [line for line in stack.log(name).splitlines() if line.strip()]


@pytest.mark.parametrize("process", ["rasa", "actions"])
def test_no_log_line_holds_what_the_resident_typed(json_stack, talked, process):
    text = json_stack.log(process)
    assert text.strip(), process
    leaked = [s for s in SECRETS if s.lower() in text.lower()]
    assert leaked == [], f"{process} log holds {leaked}"


TEXT_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S* +(DEBUG|INFO|WARNING|ERROR)")


@pytest.mark.parametrize("process", ["rasa", "actions"])
def test_log_lines_are_json_objects(json_stack, talked, process):
    parsed = [json.loads(line) for line in lines(json_stack, process) if line.startswith("{")]
    assert len(parsed) >= 2, process
    for entry in parsed:
        assert {"time", "level", "logger", "message", "process"} <= set(entry)
        assert entry["process"] == process
    # No line in the text format (what a library prints itself, outside logging, may remain).
    assert [line for line in lines(json_stack, process) if TEXT_LOG_LINE.match(line)] == []


def test_action_server_lines_carry_the_conversation(json_stack, talked):
    import requests

    entries = [json.loads(line) for line in lines(json_stack, "actions") if line.startswith("{")]
    (filed,) = [e for e in entries if e["message"].startswith("filed SRQ-")]
    assert filed["conversation"] == talked and filed["logger"] == "bot.intake.filing"
    # A call without the secret is logged, and belongs to no conversation.
    requests.post(f"http://127.0.0.1:{json_stack.action_port}/webhook",
                  json={"next_action": "action_file_case", "sender_id": talked}, timeout=10)
    entries = [json.loads(line) for line in lines(json_stack, "actions") if line.startswith("{")]
    (refused,) = [e for e in entries if "without the right secret" in e["message"]]
    assert "conversation" not in refused


# --- the formatter itself ------------------------------------------------------------------------

def record(name="bot.x", level=logging.INFO, msg="hello %s", args=("there",), exc_info=None):
    return logging.LogRecord(name, level, __file__, 1, msg, args, exc_info)


def test_the_formatter_writes_one_object_with_the_conversation():
    token = logs.conversation.set("conv-1")
    try:
        line = logs.JsonFormatter("rasa").format(record())
    finally:
        logs.conversation.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "hello there" and entry["conversation"] == "conv-1"
    assert entry["level"] == "INFO" and entry["logger"] == "bot.x" and "\n" not in line


def test_an_exception_is_its_type_and_place_never_its_message():
    try:
        raise ValueError(f"bad value {EMAIL} {WORDS}")
    except ValueError:
        import sys

        line = logs.JsonFormatter("actions").format(record(exc_info=sys.exc_info()))
    entry = json.loads(line)
    assert entry["exception"]["type"] == "builtins.ValueError"
    assert "xylophone" not in line and EMAIL not in line


def test_contact_details_left_in_a_message_are_masked():
    entry = json.loads(logs.JsonFormatter("staff").format(
        record(msg="reply to %s or %s", args=(EMAIL, "+44 7700 900461"))))
    assert entry["message"] == "reply to [email] or [phone]"


def test_library_debug_and_echoing_loggers_are_dropped():
    privacy = logs.PrivacyFilter()
    assert not privacy.filter(record(name="rasa.core.agent", level=logging.DEBUG))
    assert not privacy.filter(record(name="rasa.core.processor", level=logging.INFO))
    assert privacy.filter(record(name="rasa.core.agent", level=logging.WARNING))
    assert privacy.filter(record(name="bot.cases.outbox", level=logging.DEBUG))


def test_an_unknown_format_is_refused(monkeypatch):
    monkeypatch.setenv("INTAKE_LOG_FORMAT", "xml")
    from bot import settings

    with pytest.raises(settings.SettingError, match="INTAKE_LOG_FORMAT"):
        logs.log_format()
