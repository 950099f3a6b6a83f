"""`python -m bot check` accepts the operations settings it can use and names the ones it cannot."""
from __future__ import annotations

import pytest

from bot.ops import preflight


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in ("INTAKE_LOG_FORMAT", "INTAKE_METRICS_RASA_PORT", "INTAKE_METRICS_ACTIONS_PORT",
                 "INTAKE_METRICS_STAFF_PORT", "INTAKE_METRICS_FORWARDER_PORT", "RASA_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_off_by_default_and_ports_of_their_own_are_accepted(monkeypatch):
    assert preflight.check_operations() == []
    for name, port in (("RASA", 9401), ("ACTIONS", 9402), ("STAFF", 9403), ("FORWARDER", 9404)):
        monkeypatch.setenv(f"INTAKE_METRICS_{name}_PORT", str(port))
    monkeypatch.setenv("INTAKE_LOG_FORMAT", "json")
    assert preflight.check_operations() == []


@pytest.mark.parametrize("env, says", [
    ({"INTAKE_METRICS_RASA_PORT": "metrics"}, "INTAKE_METRICS_RASA_PORT: expected a whole number"),
    ({"INTAKE_METRICS_STAFF_PORT": "70000"}, "INTAKE_METRICS_STAFF_PORT: expected a number from 1"),
    ({"INTAKE_METRICS_RASA_PORT": "5005"}, "INTAKE_METRICS_RASA_PORT: port 5005 is already RASA_PORT's"),
    ({"INTAKE_METRICS_RASA_PORT": "9401", "INTAKE_METRICS_ACTIONS_PORT": "9401"},
     "INTAKE_METRICS_ACTIONS_PORT: port 9401 is already INTAKE_METRICS_RASA_PORT's"),
    ({"INTAKE_LOG_FORMAT": "xml"}, "INTAKE_LOG_FORMAT: expected text or json"),
])
def test_what_cannot_be_used_is_named(monkeypatch, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    problems = preflight.check_operations()
    assert len(problems) == 1 and problems[0].startswith(says.split(":")[0]) and says in problems[0]
