"""A staff account's default team: an admin sets it (audited), the person's queue opens on that
team's cases (and those not routed), "Any" still shows every team and stays chosen from page to
page, and an account without one sees every team as before."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from bot.policy import active_profile
from bot.staff.models import StaffAudit, StaffUser
from tests.staff.conftest import file
from tests.staff.test_teams_workspace import references, text


@pytest.fixture(autouse=True)
def active_code_profile(monkeypatch):
    monkeypatch.setenv("INTAKE_POLICY", "housing-ombudsman-code")
    active_profile.cache_clear()
    yield
    active_profile.cache_clear()


def user_id(store, username: str) -> int:
    with store.read() as db:
        return db.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).scalar_one()


def set_default(admin, store, username: str, team: str):
    return admin.post(f"/admin/users/{user_id(store, username)}",
                      {"role": "manager", "active": "1", "default_team": team},
                      token_from="/admin/users")


def test_an_admin_sets_a_default_team_and_the_queue_opens_on_it(signed_in, store):
    complaint = file(store, name="Carla Complaint")
    asb = file(store, "asb_report", name="Andy Asb")
    ann = signed_in("ann")
    accounts = text(ann.get("/admin/users"))
    assert 'name="default_team"' in accounts and ">Neighbourhood team</option>" in accounts

    answer = set_default(ann, store, "max", "neighbourhood")
    assert answer.status_code == 303
    with store.read() as db:
        assert db.execute(sa.select(StaffUser.default_team).where(
            StaffUser.username == "max")).scalar_one() == "neighbourhood"
        [entry] = db.execute(sa.select(StaffAudit).where(
            StaffAudit.action == "default_team_changed")).scalars().all()
    assert entry.actor == "staff:ann" and entry.details == {
        "username": "max", "from": None, "to": "neighbourhood"}
    assert "Neighbourhood team" in text(ann.get("/admin/users"))

    max_ = signed_in("max")
    first = text(max_.get("/"))
    assert references(first) == {asb.reference}
    tabs = [html.unescape(link) for link in re.findall(r'href="(/\?view=[^"]*)"', first)]
    assert {"/?view=overdue&team=neighbourhood", "/?view=all&team=neighbourhood"} <= set(tabs)
    everything = text(max_.get("/?team=all"))
    assert references(everything) == {complaint.reference, asb.reference}
    # "Any" is kept in the links, so the next page does not fall back to the default team.
    tabs = [html.unescape(link) for link in re.findall(r'href="(/\?view=[^"]*)"', everything)]
    assert {"/?view=overdue&team=all", "/?view=all&team=all"} <= set(tabs)
    assert references(text(max_.get("/?team=repairs"))) == set()

    # Without a default team the queue shows every team, as before.
    assert references(text(signed_in("ada").get("/"))) == {complaint.reference, asb.reference}
    assert set_default(ann, store, "max", "").status_code == 303
    assert references(text(max_.get("/"))) == {complaint.reference, asb.reference}


def test_a_team_the_profile_does_not_have_is_refused(signed_in, store):
    ann = signed_in("ann")
    answer = set_default(ann, store, "max", "care_plus")
    assert answer.status_code == 400
    assert "no team" in text(answer)
    with store.read() as db:
        assert db.execute(sa.select(StaffUser.default_team).where(
            StaffUser.username == "max")).scalar_one() is None
