"""The foundation: training data validates, the stack answers over HTTP, bad settings stop cleanly."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings
from bot.settings import PROJECT_ROOT

ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false")


def run_bot(*args: str, cwd: Path = PROJECT_ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=dict(ENV, **env),
                          capture_output=True, text=True, timeout=120)


def test_rasa_data_validate_accepts_the_training_data():
    result = subprocess.run([sys.executable, "-m", "rasa", "data", "validate", "--domain",
                             "domain.yml", "--data", "data", "--config", "config.yml"],
                            cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_hello_over_the_rest_webhook_is_answered_by_the_action_server(rasa_stack):
    replies = rasa_stack.texts("foundation-hello", "hello")
    assert len(replies) == 1
    # The greeting is written by action_greet_resident on the action server, from the profile.
    assert "online assistant" in replies[0]
    assert "complaint" in replies[0]
    assert "POST /webhook" in rasa_stack.log("actions") or "action_greet_resident" in rasa_stack.log("actions")


def test_rest_conversation_is_kept_in_the_sql_tracker_store(rasa_stack):
    import sqlalchemy as sa

    rasa_stack.texts("foundation-tracker", "good morning")
    engine = sa.create_engine(rasa_stack.env["INTAKE_TRACKER_URL"])
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT type_name, action_name FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": "foundation-tracker"}).fetchall()
    assert ("user", None) in [(r[0], r[1]) for r in rows]
    assert ("action", "action_greet_resident") in [(r[0], r[1]) for r in rows]


def test_http_api_needs_the_token(rasa_stack):
    import requests

    assert requests.get(f"{rasa_stack.url}/status", timeout=10).status_code == 401
    assert requests.get(f"{rasa_stack.url}/status", params={"token": rasa_stack.token},
                        timeout=10).status_code == 200


def test_test_stories_pass_with_no_prediction_errors(trained_model, tmp_path):
    result = subprocess.run(
        # Through bot.rasa, as the servers start: the stories test what production runs.
        [sys.executable, "-m", "bot.rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, detail


# --- a bad setting stops the start with one clear line -------------------------------------------

def test_unknown_policy_profile_is_one_clear_line():
    result = run_bot("check", INTAKE_POLICY="no-such-landlord")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no-such-landlord" in lines[0] and "INTAKE_POLICY" in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = run_bot("check", INTAKE_DATABASE_URL="postgresql://intake@127.0.0.1:9/cases")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: INTAKE_DATABASE_URL: cannot connect to postgresql://")
    assert "Traceback" not in result.stderr


def test_malformed_training_data_is_one_clear_line_naming_the_file(tmp_path):
    for entry in ("bot", "policies", "data"):
        shutil.copytree(PROJECT_ROOT / entry, tmp_path / entry,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for entry in ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml"):
        shutil.copy(PROJECT_ROOT / entry, tmp_path / entry)
    broken = tmp_path / "data" / "nlu" / "broken.yml"
    broken.write_text("version: '3.1'\nnlu:\n- intent: greet\n  examples: |\n    - hi\n  - oops: [\n")
    result = run_bot("check", "--skip-database", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: data/nlu/broken.yml: line ")
    assert "malformed YAML" in lines[0]


@pytest.mark.parametrize("name, value, expected", [
    ("RASA_PORT", "abc", "error: RASA_PORT: expected a whole number, not 'abc'"),
    ("ACTION_PORT", "99999", "error: ACTION_PORT: expected a number from 1 to 65535, not 99999"),
    ("STAFF_PORT", "x", "error: STAFF_PORT: expected a whole number, not 'x'"),
    ("INTAKE_DB_RETRY_SECONDS", "soon",
     "error: INTAKE_DB_RETRY_SECONDS: expected a number of seconds, not 'soon'"),
    ("INTAKE_TRACKER_RETRY_SECONDS", "-5",
     "error: INTAKE_TRACKER_RETRY_SECONDS: expected zero or more seconds, not '-5'"),
])
def test_a_setting_that_is_not_a_number_is_one_clear_line(name, value, expected):
    result = run_bot("check", "--skip-database", **{name: value})
    assert result.returncode == 1
    assert result.stderr.strip() == expected


def test_an_action_server_off_loopback_without_a_secret_is_refused(tmp_path):
    urls = dict(INTAKE_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
                INTAKE_TRACKER_URL=f"sqlite:///{tmp_path / 't.db'}")
    refused = run_bot("check", ACTION_HOST="0.0.0.0", INTAKE_ACTION_SECRET="", **urls)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "error: ACTION_HOST=0.0.0.0 makes the action server reachable from other machines: set "
        "INTAKE_ACTION_SECRET (the same value for the Rasa servers) first"]
    assert run_bot("check", ACTION_HOST="0.0.0.0", INTAKE_ACTION_SECRET="a-long-shared-secret",
                   **urls).returncode == 0
    assert run_bot("check", ACTION_HOST="127.0.0.1", INTAKE_ACTION_SECRET="", **urls).returncode == 0


def test_good_settings_pass_the_check(tmp_path):
    result = run_bot("check", INTAKE_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
                     INTAKE_TRACKER_URL=f"sqlite:///{tmp_path / 't.db'}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


# --- settings and documentation ------------------------------------------------------------------

def test_every_setting_is_documented_in_the_settings_table():
    page = (PROJECT_ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", page, flags=re.M))
    assert documented == {s.name for s in settings.SETTINGS}


def test_env_command_exports_defaults_that_rasa_substitutes(tmp_path):
    clean = {k: v for k, v in ENV.items() if not k.startswith(("INTAKE_", "RASA_", "ACTION_"))}
    result = subprocess.run([sys.executable, "-m", "bot", "env"], cwd=PROJECT_ROOT, env=clean,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    exported = dict(re.findall(r"^export (\w+)=(.*)$", result.stdout, flags=re.M))
    assert exported["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    assert exported["INTAKE_TRACKER_URL"] == f"sqlite:///{PROJECT_ROOT}/var/tracker.db"
    assert exported["RASA_TELEMETRY_ENABLED"] == "false"
    # Every ${VAR} that Rasa will substitute in endpoints.yml / credentials.yml is exported.
    for name in ("endpoints.yml", "credentials.yml"):
        for var in re.findall(r"\$\{(\w+)\}", (PROJECT_ROOT / name).read_text()):
            assert var in exported, f"{name} uses ${{{var}}} but `python -m bot env` does not export it"


def test_a_trained_model_is_never_committed():
    tracked = subprocess.run(["git", "ls-files", "models"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True).stdout.split()
    assert [p for p in tracked if p.endswith(".tar.gz")] == []
    assert "/models/*" in (PROJECT_ROOT / ".gitignore").read_text()


def test_a_bad_lock_store_setting_stops_the_start_with_one_line(tmp_path):
    base = dict(INTAKE_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
                INTAKE_TRACKER_URL=f"sqlite:///{tmp_path / 't.db'}")
    unknown = run_bot("check", INTAKE_LOCK_STORE="memcached", **base)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == ("error: INTAKE_LOCK_STORE: 'memcached' is not a lock store; "
                                      "use in_memory or redis")
    unreachable = run_bot("check", INTAKE_LOCK_STORE="redis", INTAKE_REDIS_PORT="1", **base)
    assert unreachable.returncode == 1
    lines = unreachable.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: INTAKE_REDIS_HOST: cannot connect to the lock store's Redis at 127.0.0.1:1")


def test_a_teams_forwarding_address_is_checked_before_the_start():
    base = dict(INTAKE_FORWARD_URL="https://cases.example.org/in", INTAKE_FORWARD_SECRET="k" * 32)
    misspelt = run_bot("check", "--skip-database", INTAKE_FORWARD_URL_NEIGHBOURHOD="https://asb.example.org",
                       **base)
    assert misspelt.returncode == 1
    assert misspelt.stderr.strip().startswith(
        "error: INTAKE_FORWARD_URL_NEIGHBOURHOD: the policy profile has no team 'neighbourhod'")
    alone = run_bot("check", "--skip-database", INTAKE_FORWARD_URL_NEIGHBOURHOOD="https://asb.example.org")
    assert alone.returncode == 1 and "INTAKE_FORWARD_URL is not set" in alone.stderr
    assert "INTAKE_FORWARD_SECRET_NEIGHBOURHOOD (or INTAKE_FORWARD_SECRET) is not set" in alone.stderr
    placeholder = run_bot("check", "--skip-database", INTAKE_FORWARD_URL_NEIGHBOURHOOD="https://asb.example.org",
                          INTAKE_FORWARD_SECRET_NEIGHBOURHOOD="replace-with-a-secret", **base)
    assert placeholder.returncode == 1
    assert "INTAKE_FORWARD_SECRET_NEIGHBOURHOOD" in placeholder.stderr
    assert "replace-with-a-secret" not in placeholder.stderr
    assert run_bot("check", "--skip-database", INTAKE_FORWARD_URL_NEIGHBOURHOOD="https://asb.example.org",
                   **base).returncode == 0
