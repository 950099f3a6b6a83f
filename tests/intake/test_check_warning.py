"""`python -m bot check` warns, without failing, when the profile has no emergency repairs line
(the emergency advice then gives the profile's phone number instead)."""
from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import PROJECT_ROOT


def check(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "check", "--skip-database"], cwd=PROJECT_ROOT,
                          env=dict(os.environ, RASA_TELEMETRY_ENABLED="false", **env),
                          capture_output=True, text=True, timeout=120)


def test_a_profile_without_an_emergency_repairs_line_is_a_warning_not_an_error():
    result = check(INTAKE_POLICY="housing-plus-group")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == (
        "warning: policy housing-plus-group: no emergency repairs line "
        "(contact.emergency.repairs_phone); the emergency advice gives its phone number 0800 048 8955")


def test_the_warning_comes_with_errors_without_adding_to_them():
    result = check(INTAKE_POLICY="housing-ombudsman-code", RASA_PORT="abc")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: RASA_PORT: expected a whole number, not 'abc'"
    assert result.stdout.startswith("warning: policy housing-ombudsman-code: no emergency repairs line")
