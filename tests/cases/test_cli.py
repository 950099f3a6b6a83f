"""`python -m bot cases ...`: list, show, export (JSON and CSV), retention, subject access, erasure."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tests.cases.conftest import submission

REQUIRED_KEYS = {"reference", "type", "service", "status", "stage", "channel", "conversation_id",
                 "description", "event_date", "desired_outcome", "name", "email", "phone",
                 "postcode", "preferred_contact", "representative", "anonymous", "urgent",
                 "safeguarding", "deadlines", "created_at"}


@pytest.fixture
def cases(store, profile):
    complaint, _ = store.file_case(submission(
        event_date=date(2026, 2, 20), desired_outcome="fix it", preferred_contact="email",
        representative_name="Sam", representative_relationship="son",
        representative_consent=True, description="=HYPERLINK(\"x\") <b>leak</b> 😀"),
        profile, "a")
    request, _ = store.file_case(submission(case_type="service_request", urgent=True,
                                            name="Bo", email="bo@example.org"), profile, "b")
    store.acknowledge(request.reference, "staff:amy")
    return complaint, request


def test_export_json_is_a_list_with_the_required_keys(bot, cases):
    complaint, request = cases
    exported = json.loads(bot("cases", "export", "--format", "json").stdout)
    assert isinstance(exported, list) and len(exported) == 2
    for item in exported:
        assert REQUIRED_KEYS <= set(item)
    by_ref = {item["reference"]: item for item in exported}
    item = by_ref[complaint.reference]
    assert item["type"] == "complaint" and item["stage"] == 1
    assert item["event_date"] == "2026-02-20"
    assert item["representative"] == {"name": "Sam", "relationship": "son", "consent": True}
    assert item["deadlines"] == complaint.deadlines
    for value in item["deadlines"].values():
        date.fromisoformat(value)
    assert item["description"] == "=HYPERLINK(\"x\") <b>leak</b> 😀"
    assert item["created_at"].startswith("2026-03-02T10:00:00")
    assert by_ref[request.reference]["representative"] is None
    assert by_ref[request.reference]["status"] == "acknowledged"
    only = json.loads(bot("cases", "export", "--type", "service_request").stdout)
    assert [i["reference"] for i in only] == [request.reference]
    with_history = json.loads(bot("cases", "export", "--history").stdout)
    assert {e["kind"] for i in with_history for e in i["history"]} == {"filed", "acknowledged"}


def test_export_csv_has_a_row_per_case_and_defuses_formulas(bot, cases, tmp_path):
    complaint, _ = cases
    rows = list(csv.DictReader(io.StringIO(bot("cases", "export", "--format", "csv").stdout)))
    assert len(rows) == 2
    row = next(r for r in rows if r["reference"] == complaint.reference)
    assert row["description"].startswith("'=HYPERLINK")
    assert row["representative_relationship"] == "son"
    assert row["deadline_acknowledge_by"] == complaint.deadlines["acknowledge_by"]
    out = tmp_path / "cases.csv"
    bot("cases", "export", "--format", "csv", "--raw", "--output", str(out))
    raw = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert next(r for r in raw if r["reference"] == complaint.reference)["description"] == \
        complaint.description


def test_list_and_show(bot, cases):
    complaint, request = cases
    listed = bot("cases", "list").stdout.splitlines()
    assert listed[1].startswith(request.reference)            # urgent first
    assert complaint.reference in listed[2]
    assert bot("cases", "list", "--status", "acknowledged").stdout.count("\n") == 2
    # Filed in March 2026 by the test clock: overdue by now, on the real clock the command uses.
    assert complaint.reference in bot("cases", "list", "--overdue").stdout
    shown = bot("cases", "show", request.reference.lower().replace("-", " ")).stdout
    assert "history:" in shown and "acknowledged" in shown and "staff:amy" in shown
    data = json.loads(bot("cases", "show", complaint.reference, "--json").stdout)
    assert data["history"][0]["kind"] == "filed"


def test_a_mistyped_reference_is_one_clear_line(bot, cases):
    complaint, _ = cases
    typo = complaint.reference[:-1] + ("2" if complaint.reference[-1] != "2" else "3")
    result = bot("cases", "show", typo, expect=1)
    assert result.stderr.strip().splitlines() == [
        "error: that reference is not quite right: a character may be mistyped"]
    from bot.cases.references import new_reference

    unknown = bot("cases", "show", new_reference("compliment"), expect=1)
    assert unknown.stderr.startswith("error: no case has the reference")


def test_retention_subject_access_and_erasure_commands(bot, cases, store):
    complaint, request = cases
    assert "would anonymise 0 case(s)" in bot("cases", "anonymise", "--dry-run").stderr
    store.close(request.reference, "staff:amy")
    assert f"case {request.reference}" in bot("cases", "anonymise", "--years", "0").stdout

    export = json.loads(bot("cases", "subject-access", "--email", "ada@example.org",
                            "--actor", "staff:dpo").stdout)
    assert [c["reference"] for c in export["cases"]] == [complaint.reference]
    assert bot("cases", "erase", "--email", "ada@example.org", expect=1).stderr.startswith(
        "error: erasing cannot be undone")
    erased = bot("cases", "erase", "--email", "ada@example.org", "--yes")
    assert erased.stdout.split() == [complaint.reference]
    assert store.find_by_reference(complaint.reference).name is None
    assert store.history(complaint.reference)[-1].kind == "erased"
    bad = bot("cases", "subject-access", "--email", "not an address", expect=1)
    assert bad.stderr.startswith("error: not an e-mail address")


def test_the_run_commands_forwarder_idles_without_a_forwarding_address(tmp_path):
    """Under honcho one process ending stops them all, so without INTAKE_FORWARD_URL the
    forwarder says forwarding is off and waits, and stops cleanly when told to."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from bot.settings import PROJECT_ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_FORWARD")}
    env["INTAKE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'idle.db'}"
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=env,
                   check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, "-m", "bot", "outbox", "deliver", "--loop",
                                "--idle-if-unset"], cwd=PROJECT_ROOT, env=env,
                               stderr=subprocess.PIPE, text=True)
    try:
        # Wait for it to say so (start-up takes seconds on a busy machine), then a little more.
        said = ""
        while not said.startswith("forwarding is off"):
            said = process.stderr.readline()
            assert said, "the forwarder ended without saying forwarding is off"
        assert "INTAKE_FORWARD_URL" in said
        time.sleep(1)
        assert process.poll() is None, process.stderr.read()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0
    # Without the flag, the missing address is an error, as before.
    plain = subprocess.run([sys.executable, "-m", "bot", "outbox", "deliver", "--loop"],
                           cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert plain.returncode != 0 and "INTAKE_FORWARD_URL" in plain.stderr
