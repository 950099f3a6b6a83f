"""`python -m bot deadlines`, run as staff and scripts run it: a subprocess, JSON on stdout."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT


def deadlines(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "INTAKE_POLICY"}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "bot", "deadlines", *args], cwd=PROJECT_ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_prints_one_json_object_with_iso_dates():
    result = deadlines("--policy", "housing-ombudsman-code", "--received", "2026-12-23")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "acknowledge_by": "2027-01-04",
        "stage1_response_by": "2027-01-18",
        "stage1_extended_response_by": "2027-02-01",
    }
    assert result.stderr == ""


def test_acknowledged_and_stage1_response():
    result = deadlines("--policy", "housing-ombudsman-code", "--received", "2026-12-23",
                       "--acknowledged", "2026-12-29", "--stage1-response", "2027-01-15")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "acknowledge_by": "2027-01-04",
        "stage1_response_by": "2027-01-13",          # 10 working days from 29 Dec
        "stage1_extended_response_by": "2027-01-27",
        "stage2_request_by": "2027-02-12",           # 20 working days from 15 Jan
    }


def test_seed_003_calendar_day_window_and_the_default_policy_setting():
    result = deadlines("--received", "2028-01-10", "--stage1-response", "2028-02-01",
                       INTAKE_POLICY="seed-003-landlord")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stage2_request_by"] == "2028-02-29"


def test_new_build_service():
    result = deadlines("--policy", "housing-plus-group", "--service", "new-build", "--received", "2026-12-23")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["acknowledge_by"] == "2026-12-29"


def test_unknown_profile_is_one_clear_line():
    line = one_error_line(deadlines("--policy", "no-such-landlord", "--received", "2026-12-23"))
    assert "no-such-landlord" in line and "--policy" in line and "housing-ombudsman-code" in line


@pytest.mark.parametrize("option,value", [
    ("--received", "23/12/2026"),
    ("--received", "2026-02-30"),
    ("--received", "20261223"),
    ("--acknowledged", "yesterday"),
    ("--stage1-response", "2027-1-15"),
])
def test_malformed_date_is_one_clear_line(option, value):
    args = {"--received": "2026-12-23"}
    args[option] = value
    line = one_error_line(deadlines("--policy", "housing-ombudsman-code",
                                    *[x for pair in args.items() for x in pair]))
    assert option in line and repr(value) in line
    assert "YYYY-MM-DD" in line or "not a real date" in line


def test_acknowledged_before_received_is_one_clear_line():
    line = one_error_line(deadlines("--received", "2027-01-10", "--acknowledged", "2027-01-09"))
    assert "before received" in line


def test_unknown_service_is_one_clear_line():
    line = one_error_line(deadlines("--policy", "housing-ombudsman-code", "--service", "care",
                                    "--received", "2027-01-10"))
    assert "no service 'care'" in line
