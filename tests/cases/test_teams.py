"""Teams in the case store: a case is filed with the team its profile routes it to, staff move it
to another team (kept in the history), the queue filters by team, existing cases are routed by
the migration, and each team's cases are forwarded to the team's own address (else the default)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bot import settings
from bot.cases import outbox
from bot.cases.db import downgrade, make_engine, upgrade
from bot.cases.models import Case, OutboxMessage
from bot.cases.outbox import Forwarder, ForwardingNotConfigured
from bot.cases.store import ConcurrentChange, InvalidTransition, UnknownTeam
from bot.policy import load_profile
from bot.settings import PROJECT_ROOT
from tests.cases.conftest import BACKENDS, submission
from tests.cases.receiver import Receiver

SECRET = "default-secret"
NEIGHBOURHOOD_SECRET = "neighbourhood-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hpg():
    return load_profile("housing-plus-group")


# --- filing ---------------------------------------------------------------------------------------

def test_filing_sets_the_team_the_profile_routes_to(store, profile, hpg):
    filed = {}
    for n, (case_type, service, chosen) in enumerate([
            ("complaint", "housing", profile), ("asb_report", "housing", profile),
            ("service_request", "housing", profile), ("comment", "housing", profile),
            ("complaint", "care", hpg), ("complaint", "new-build", hpg),
            ("asb_report", "care", hpg), ("service_request", "housing", hpg)]):
        case, created = store.file_case(submission(case_type=case_type, service=service,
                                                   conversation_id=f"c{n}"), chosen, "f")
        assert created
        filed[(chosen.name, case_type, service)] = case
    assert {key: case.team for key, case in filed.items()} == {
        ("housing-ombudsman-code", "complaint", "housing"): "complaints",
        ("housing-ombudsman-code", "asb_report", "housing"): "neighbourhood",
        ("housing-ombudsman-code", "service_request", "housing"): "repairs",
        ("housing-ombudsman-code", "comment", "housing"): "complaints",
        ("housing-plus-group", "complaint", "care"): "care_plus",
        ("housing-plus-group", "complaint", "new-build"): "county_town_homes",
        ("housing-plus-group", "asb_report", "care"): "neighbourhood",
        ("housing-plus-group", "service_request", "housing"): "complaints",
    }
    asb = filed[("housing-ombudsman-code", "asb_report", "housing")]
    stored = store.get(asb.reference, with_history=True)
    assert stored.team == "neighbourhood"
    assert stored.events[0].kind == "filed" and stored.events[0].details["team"] == "neighbourhood"


def test_a_profile_without_teams_files_the_case_not_routed(store, profile):
    bare = profile.copy(update={"teams": {}, "routing": []})
    case, _ = store.file_case(submission(), bare, "f")
    assert case.team is None


def test_more_information_after_the_response_stays_with_the_team_that_has_the_case(store, profile):
    case, _ = store.file_case(submission(), profile, "f")
    store.move_to_team(case.reference, "staff:max", "repairs")
    store.acknowledge(case.reference, "staff:a")
    store.record_response(case.reference, "staff:a", "We have looked into it.")
    follow_up, merged = store.add_information(case.reference, "One more thing.", actor="resident")
    assert not merged and follow_up.reference != case.reference
    assert follow_up.team == "repairs"


# --- moving a case to another team ------------------------------------------------------------------

def test_moving_a_case_keeps_the_old_and_new_team_in_the_history(store, profile):
    case, _ = store.file_case(submission(case_type="asb_report"), profile, "f")
    assert case.team == "neighbourhood"
    moved = store.move_to_team(case.reference, "staff:max", "complaints",
                               reason="  It is about how a report was handled.  ",
                               expected_version=case.version)
    assert moved.team == "complaints" and moved.version == case.version + 1
    history = store.history(case.reference)
    assert history[-1].kind == "moved_to_team"
    assert history[-1].actor == "staff:max"
    assert history[-1].details == {"from": "neighbourhood", "to": "complaints",
                                   "reason": "It is about how a report was handled."}
    assert history[-1].status_before == history[-1].status_after == "new"
    assert store.get(case.reference).team == "complaints"


def test_a_case_moved_to_another_team_is_no_longer_assigned_to_the_old_teams_officer(
        store, profile):
    case, _ = store.file_case(submission(case_type="asb_report"), profile, "asb")
    store.reassign(case.reference, "staff:max", "nina")
    moved = store.move_to_team(case.reference, "staff:max", "complaints")
    assert moved.assigned_to is None
    entry = store.history(case.reference)[-1]
    assert entry.details["unassigned"] == "nina" and entry.details["to"] == "complaints"
    # Moved back with nobody assigned: nothing to record.
    again = store.move_to_team(case.reference, "staff:max", "neighbourhood")
    assert again.assigned_to is None
    assert "unassigned" not in store.history(case.reference)[-1].details


def test_an_unknown_team_the_same_team_a_closed_case_and_a_stale_version_are_refused(store,
                                                                                  profile):
    case, _ = store.file_case(submission(), profile, "f")
    with pytest.raises(UnknownTeam, match="has no team 'care_plus'; its teams: complaints, "
                                          "neighbourhood, repairs"):
        store.move_to_team(case.reference, "staff:max", "care_plus")
    with pytest.raises(UnknownTeam, match="choose the team"):
        store.move_to_team(case.reference, "staff:max", " ")
    with pytest.raises(InvalidTransition, match="already with the team 'complaints'"):
        store.move_to_team(case.reference, "staff:max", "complaints")
    with pytest.raises(ConcurrentChange):
        store.move_to_team(case.reference, "staff:max", "repairs", expected_version=case.version + 5)
    store.close(case.reference, "staff:max")
    with pytest.raises(InvalidTransition, match="cannot move .* its status is 'closed'"):
        store.move_to_team(case.reference, "staff:max", "repairs")
    assert [e.kind for e in store.history(case.reference)] == ["filed", "closed"]


# --- the queue's filter ---------------------------------------------------------------------------

def test_the_team_filter_shows_the_team_s_cases_and_those_not_routed(store, profile):
    complaint, _ = store.file_case(submission(conversation_id="a"), profile, "f")
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="b"), profile, "f")
    request, _ = store.file_case(submission(case_type="service_request", conversation_id="c"),
                                 profile, "f")
    bare = profile.copy(update={"teams": {}, "routing": []})
    unrouted, _ = store.file_case(submission(conversation_id="d"), bare, "f")

    def refs(**filters):
        return {case.reference for case in store.query(**filters)}

    assert refs(team="neighbourhood") == {asb.reference, unrouted.reference}
    assert refs(team="neighbourhood", unrouted=False) == {asb.reference}
    assert refs(team=["repairs", "complaints"], unrouted=False) == {request.reference,
                                                                    complaint.reference}
    assert refs() == {complaint.reference, asb.reference, request.reference, unrouted.reference}
    assert store.count(team="complaints") == 2
    store.move_to_team(asb.reference, "staff:max", "repairs")
    assert refs(team="repairs", unrouted=False) == {asb.reference, request.reference}


# --- the migration --------------------------------------------------------------------------------

@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres_databases").create()


def _insert_case(connection, reference, case_type, service, policy_profile):
    row = {"reference": reference, "case_type": case_type, "service": service,
           "status": "new", "stage": 1 if case_type == "complaint" else None, "channel": "rest",
           "conversation_id": reference, "idempotency_key": reference, "submission_key": "s",
           "anonymous": False, "urgent": False, "safeguarding": False, "extra": "{}",
           "policy_profile": policy_profile, "deadlines": "{}", "version": 1,
           "created_at": "2026-12-01 10:00:00", "updated_at": "2026-12-01 10:00:00"}
    connection.execute(sa.text(f"INSERT INTO cases ({', '.join(row)}) VALUES "
                               f"({', '.join(':' + k for k in row)})"), row)


def test_the_migration_routes_existing_cases_by_their_profile_and_adds_the_indexes(
        empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007_follow_ups")
        with engine.begin() as connection:
            _insert_case(connection, "CMP-AAAAA-A", "complaint", "housing", "housing-ombudsman-code")
            _insert_case(connection, "ASB-AAAAA-A", "asb_report", "housing", "housing-ombudsman-code")
            _insert_case(connection, "CMP-BBBBB-B", "complaint", "care", "housing-plus-group")
            _insert_case(connection, "CMP-CCCCC-C", "complaint", "housing", "a-removed-landlord")
        upgrade(engine)
        with engine.connect() as connection:
            teams = dict(connection.execute(sa.text("SELECT reference, team FROM cases")).all())
        assert teams == {"CMP-AAAAA-A": "complaints", "ASB-AAAAA-A": "neighbourhood",
                         "CMP-BBBBB-B": "care_plus", "CMP-CCCCC-C": None}
        inspector = sa.inspect(engine)
        assert "ix_case_events_at" in {i["name"] for i in inspector.get_indexes("case_events")}
        assert "ix_cases_team" in {i["name"] for i in inspector.get_indexes("cases")}
        # A move is a history entry the schema accepts; going back removes it and the column.
        with engine.begin() as connection:
            case_id = connection.execute(sa.text(
                "SELECT id FROM cases WHERE reference = 'CMP-AAAAA-A'")).scalar_one()
            connection.execute(sa.text(
                "INSERT INTO case_events (case_id, kind, actor, at, details) VALUES "
                "(:id, 'moved_to_team', 'staff:max', '2026-12-02 10:00:00', '{}')"), {"id": case_id})
        downgrade(engine, "0007_follow_ups")
        inspector = sa.inspect(engine)
        assert "team" not in {c["name"] for c in inspector.get_columns("cases")}
        assert "ix_case_events_at" not in {i["name"] for i in inspector.get_indexes("case_events")}
        with engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM case_events WHERE kind = 'moved_to_team'")).scalar() == 0
        upgrade(engine)
    finally:
        engine.dispose()


# --- forwarding per team --------------------------------------------------------------------------

@pytest.fixture
def receivers():
    default = Receiver(free_port(), SECRET)
    neighbourhood = Receiver(free_port(), NEIGHBOURHOOD_SECRET)
    default.start()
    neighbourhood.start()
    yield default, neighbourhood
    default.stop()
    neighbourhood.stop()


def _types(receiver) -> list[tuple[str, str]]:
    return [(p["type"], p["case"]["reference"]) for p in
            (receiver.accepted[e] for e in receiver.order)]


def test_an_asb_case_goes_to_the_neighbourhood_team_s_address_and_a_complaint_to_the_default(
        make_store, profile, receivers):
    store = make_store(forward=True)
    default, neighbourhood = receivers
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    complaint, _ = store.file_case(submission(conversation_id="b"), profile, "f")
    request, _ = store.file_case(submission(case_type="service_request", conversation_id="c"),
                                 profile, "f")
    forwarder = Forwarder(store, default.url, SECRET, jitter=0,
                          teams={"neighbourhood": (neighbourhood.url, NEIGHBOURHOOD_SECRET)})
    report = forwarder.deliver_due()
    assert (len(report.delivered), len(report.failed)) == (3, 0)
    assert _types(neighbourhood) == [("case.filed", asb.reference)]
    # The repairs team has no address of its own: its case goes to the default, like a complaint.
    assert _types(default) == [("case.filed", complaint.reference),
                               ("case.filed", request.reference)]
    # Each receiver checked the signature with its own secret.
    assert all(r["signed"] for r in default.receipts + neighbourhood.receipts)
    assert len(default.receipts) == 2 and len(neighbourhood.receipts) == 1

    # Moved to the complaints team, the case's changes go to the default address from then on.
    store.move_to_team(asb.reference, "staff:max", "complaints")
    store.acknowledge(asb.reference, "staff:a")
    assert len(forwarder.deliver_due().delivered) == 3       # the move, the notice, the ack
    assert _types(default)[-2:] == [("case.moved_to_team", asb.reference),
                                    ("case.acknowledged", asb.reference)]
    moved = default.accepted[default.order[-2]]
    assert moved["event"]["details"] == {"from": "neighbourhood", "to": "complaints"}
    # The team it left is told where it went, and hears nothing more of it.
    assert _types(neighbourhood) == [("case.filed", asb.reference), ("case.left_team", asb.reference)]


def test_the_team_a_case_left_is_told_the_new_team_s_name_at_its_own_address(
        make_store, profile, receivers):
    store = make_store(forward=True)
    default, neighbourhood = receivers
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    forwarder = Forwarder(store, default.url, SECRET, jitter=0,
                          teams={"neighbourhood": (neighbourhood.url, NEIGHBOURHOOD_SECRET)})
    forwarder.deliver_due()
    store.move_to_team(asb.reference, "staff:max", "repairs", reason="It is a repair.")
    assert len(forwarder.deliver_due().delivered) == 2
    notice = neighbourhood.accepted[neighbourhood.order[-1]]
    assert notice["type"] == "case.left_team"
    assert notice["event"]["details"] == {
        "from": "neighbourhood", "from_name": "Neighbourhood team", "to": "repairs",
        "to_name": profile.teams["repairs"].name, "reason": "It is a repair."}
    assert notice["case"]["reference"] == asb.reference
    assert notice["case"]["team_name"] == profile.teams["repairs"].name
    assert "email" not in notice["case"] and "name" not in notice["case"]   # not theirs any more
    assert neighbourhood.receipts[-1]["signed"]
    assert _types(default) == [("case.moved_to_team", asb.reference)]


def test_a_notice_to_a_team_that_is_down_holds_up_nothing_for_the_new_team(
        make_store, profile, receivers):
    store = make_store(forward=True)
    default, neighbourhood = receivers
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    forwarder = Forwarder(store, default.url, SECRET, jitter=0,
                          teams={"neighbourhood": (neighbourhood.url, NEIGHBOURHOOD_SECRET)})
    forwarder.deliver_due()
    neighbourhood.mode = "500"
    store.move_to_team(asb.reference, "staff:max", "complaints")
    store.acknowledge(asb.reference, "staff:a")
    report = forwarder.deliver_due()
    # The notice waits for the neighbourhood team; the new team gets its messages meanwhile.
    assert len(report.failed) == 1 and len(report.delivered) == 2
    assert _types(default) == [("case.moved_to_team", asb.reference),
                               ("case.acknowledged", asb.reference)]
    assert [w.kind for w in outbox.waiting(store)] == ["case.left_team"]


def test_no_notice_without_forwarding_or_for_a_case_that_had_no_team(make_store, profile):
    quiet = make_store(forward=False)
    case, _ = quiet.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    quiet.move_to_team(case.reference, "staff:max", "complaints")
    assert outbox.waiting(quiet) == []
    store = make_store(forward=True)
    bare = profile.copy(update={"teams": {}, "routing": []})
    unrouted, _ = store.file_case(submission(conversation_id="b"), bare, "f")
    assert unrouted.team is None
    store.move_to_team(unrouted.reference, "staff:max", "repairs")
    assert [w.kind for w in outbox.waiting(store)] == ["case.filed", "case.moved_to_team"]


def test_a_team_s_address_that_is_down_holds_only_its_own_cases(make_store, profile, receivers,
                                                                  clock):
    store = make_store(forward=True)
    default, _ = receivers
    down = f"http://127.0.0.1:{free_port()}/intake"
    store.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    store.file_case(submission(conversation_id="b"), profile, "f")
    forwarder = Forwarder(store, default.url, SECRET, jitter=0,
                          teams={"neighbourhood": (down, NEIGHBOURHOOD_SECRET)})
    report = forwarder.deliver_due()
    assert (len(report.delivered), len(report.failed)) == (1, 1)
    waiting = outbox.waiting(store)
    assert len(waiting) == 1 and "Connection" in waiting[0].last_error
    assert len(default.accepted) == 1


def test_per_team_settings_and_their_checks(store, monkeypatch):
    for name in list(os.environ):
        if name.startswith("INTAKE_FORWARD"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTAKE_POLICY", "housing-ombudsman-code")
    from bot.policy import active_profile

    active_profile.cache_clear()
    monkeypatch.setenv("INTAKE_FORWARD_URL", "http://127.0.0.1:9/default")
    monkeypatch.setenv("INTAKE_FORWARD_SECRET", SECRET)
    monkeypatch.setenv("INTAKE_FORWARD_URL_NEIGHBOURHOOD", "http://127.0.0.1:9/asb")
    monkeypatch.setenv("INTAKE_FORWARD_URL_REPAIRS", "http://127.0.0.1:9/repairs")
    monkeypatch.setenv("INTAKE_FORWARD_SECRET_REPAIRS", "repairs-secret")
    assert settings.get("INTAKE_FORWARD_URL_COMPLAINTS") == ""        # a team without one
    assert settings.team_setting("INTAKE_FORWARD_URL_", "care_plus").name == \
        "INTAKE_FORWARD_URL_CARE_PLUS"
    with pytest.raises(KeyError):
        settings.get("INTAKE_NOT_A_SETTING")
    assert settings.team_forwarding() == {
        "neighbourhood": ("http://127.0.0.1:9/asb", SECRET),            # the default secret
        "repairs": ("http://127.0.0.1:9/repairs", "repairs-secret"),
    }
    forwarder = Forwarder.from_settings(store)
    assert forwarder.address("repairs") == ("http://127.0.0.1:9/repairs", "repairs-secret")
    assert forwarder.address("complaints") == ("http://127.0.0.1:9/default", SECRET)
    assert forwarder.address(None) == ("http://127.0.0.1:9/default", SECRET)

    monkeypatch.setenv("INTAKE_FORWARD_URL_NEIGBOURHOOD", "http://127.0.0.1:9/typo")
    with pytest.raises(ForwardingNotConfigured, match="INTAKE_FORWARD_URL_NEIGBOURHOOD: the "
                                                      "policy profile has no team 'neigbourhood'"):
        Forwarder.from_settings(store)
    monkeypatch.delenv("INTAKE_FORWARD_URL_NEIGBOURHOOD")
    monkeypatch.delenv("INTAKE_FORWARD_URL")
    with pytest.raises(ForwardingNotConfigured, match="INTAKE_FORWARD_URL is not set"):
        Forwarder.from_settings(store)
    with pytest.raises(ForwardingNotConfigured, match="INTAKE_FORWARD_SECRET_REPAIRS"):
        Forwarder(store, "http://127.0.0.1:9/", SECRET, teams={"repairs": ("http://x/", "")})
    active_profile.cache_clear()


def test_the_deliver_command_forwards_per_team(make_store, profile, receivers, database_url):
    store = make_store(forward=True)
    default, neighbourhood = receivers
    asb, _ = store.file_case(submission(case_type="asb_report", conversation_id="a"), profile, "f")
    complaint, _ = store.file_case(submission(conversation_id="b"), profile, "f")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_FORWARD")}
    env.update({"INTAKE_DATABASE_URL": database_url, "INTAKE_POLICY": "housing-ombudsman-code",
                "INTAKE_FORWARD_URL": default.url, "INTAKE_FORWARD_SECRET": SECRET,
                "INTAKE_FORWARD_URL_NEIGHBOURHOOD": neighbourhood.url,
                "INTAKE_FORWARD_SECRET_NEIGHBOURHOOD": NEIGHBOURHOOD_SECRET})
    result = subprocess.run([sys.executable, "-m", "bot", "outbox", "deliver"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _types(neighbourhood) == [("case.filed", asb.reference)]
    assert _types(default) == [("case.filed", complaint.reference)]
    with store.read() as session:
        assert session.execute(select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.delivered_at.is_(None))).scalar_one() == 0
        assert session.execute(select(Case.team).where(
            Case.reference == asb.reference)).scalar_one() == "neighbourhood"
    payload = json.loads(neighbourhood.receipts[0]["body"])
    assert payload["case"]["type"] == "asb_report"
