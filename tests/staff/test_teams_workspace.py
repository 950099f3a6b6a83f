"""Teams in the staff workspace: the queue filters by team (with the cases not yet routed), shows
each case's team, and its CSV follows the filter; the case page shows the team, and a manager
(not an advocate) moves a case to another team, kept in its history."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
import sqlalchemy as sa

from bot.cases.models import Case
from bot.cases.submission import CaseSubmission
from bot.policy import active_profile, load_profile
from tests.staff.conftest import file

CODE = "housing-ombudsman-code"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def active_code_profile(monkeypatch):
    """The queue's team choices come from the active profile."""
    monkeypatch.setenv("INTAKE_POLICY", CODE)
    active_profile.cache_clear()
    yield
    active_profile.cache_clear()


@pytest.fixture
def cases(store):
    complaint = file(store, name="Carla Complaint")
    asb = file(store, "asb_report", name="Andy Asb")
    request = file(store, "service_request", name="Rita Repair")
    # Filed under a profile without teams (since removed): not routed.
    bare = load_profile(CODE).copy(update={"name": "teamless", "teams": {}, "routing": []})
    unrouted, _ = store.file_case(CaseSubmission(
        case_type="complaint", channel="rest", conversation_id="conv-unrouted",
        description="Filed before teams", name="Nora Notrouted"), bare)
    return {"complaint": complaint, "asb": asb, "request": request, "unrouted": unrouted}


def references(page: str) -> set[str]:
    return set(re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', page))


def test_the_queue_filters_by_team_and_shows_each_case_s_team(signed_in, cases):
    ada = signed_in("ada")
    everything = text(ada.get("/"))
    assert references(everything) == {c.reference for c in cases.values()}
    for name in ("Complaints team", "Neighbourhood team", "Repairs team"):
        assert f">{name}</option>" in everything      # the filter's choices
        assert f"<td>{name}<br>" in everything        # the team column (who it is assigned to below)
    assert "not routed" in everything

    page = text(ada.get("/?team=neighbourhood"))
    # The team's cases, and those not routed yet (every team sees them).
    assert references(page) == {cases["asb"].reference, cases["unrouted"].reference}
    assert '<option value="neighbourhood" selected>' in page
    # The tabs, the pages and the download keep the team.
    links = [html.unescape(link) for link in re.findall(r'href="(/[^"]*)"', page)]
    assert any(link.startswith("/?") and "view=overdue" in link and "team=neighbourhood" in link
               for link in links)
    csv_link = next(link for link in links if link.startswith("/cases.csv"))
    assert "team=neighbourhood" in csv_link
    rows = list(csv.DictReader(io.StringIO(text(ada.get(csv_link)))))
    assert {row["reference"] for row in rows} == {cases["asb"].reference,
                                                  cases["unrouted"].reference}

    repairs = text(ada.get("/?team=repairs&type=service_request"))
    assert references(repairs) == {cases["request"].reference}
    # A badly formed team is ignored (everything shown), an unknown one matches no team.
    assert references(text(ada.get("/?team=Bad%20Team"))) == references(everything)
    assert references(text(ada.get("/?team=nobody"))) == {cases["unrouted"].reference}


def test_the_case_page_shows_the_team_and_only_a_manager_may_move_it(signed_in, store, cases):
    asb = cases["asb"]
    ada, max_ = signed_in("ada"), signed_in("max")
    page = text(ada.get(f"/cases/{asb.reference}"))
    assert "Team: <strong>Neighbourhood team</strong>" in page
    assert "Moving a case to another team is a manager's decision." in page
    assert 'action="/cases/%s/team/move"' % asb.reference not in page

    # An advocate's post is refused by the workspace, whatever the form says.
    refused = ada.post(f"/cases/{asb.reference}/team/move",
                       {"team": "complaints", "version": asb.version})
    assert refused.status_code == 403 and "manager" in text(refused)
    assert store.get(asb.reference).team == "neighbourhood"

    page = text(max_.get(f"/cases/{asb.reference}"))
    assert f'action="/cases/{asb.reference}/team/move"' in page
    assert '<option value="neighbourhood" selected>Neighbourhood team</option>' in page
    moved = max_.post(f"/cases/{asb.reference}/team/move",
                      {"team": "complaints", "reason": "About how a report was handled",
                       "version": asb.version})
    assert moved.status_code == 303
    page = text(max_.get(f"/cases/{asb.reference}"))
    assert "Moved to Complaints team." in page
    assert "Team: <strong>Complaints team</strong>" in page
    assert "Moved to another team" in page and "About how a report was handled" in page
    event = store.history(asb.reference)[-1]
    assert (event.kind, event.actor) == ("moved_to_team", "staff:max")
    assert event.details == {"from": "neighbourhood", "to": "complaints",
                             "reason": "About how a report was handled"}
    assert references(text(ada.get("/?team=neighbourhood"))) == {cases["unrouted"].reference}


def test_a_move_to_an_unknown_team_a_stale_form_and_no_csrf_token_are_refused(signed_in, store,
                                                                               cases):
    case = cases["complaint"]
    max_ = signed_in("max")
    unknown = max_.post(f"/cases/{case.reference}/team/move",
                        {"team": "care_plus", "version": case.version})
    assert unknown.status_code == 400
    assert "has no team &#39;care_plus&#39;" in text(unknown)
    empty = max_.post(f"/cases/{case.reference}/team/move", {"team": "", "version": case.version})
    assert empty.status_code == 400 and "Choose the team" in text(empty)
    same = max_.post(f"/cases/{case.reference}/team/move",
                     {"team": "complaints", "version": case.version})
    assert same.status_code == 400 and "already with the team" in text(same)
    store.add_note(case.reference, "Someone else was here", "staff:ada")
    stale = max_.post(f"/cases/{case.reference}/team/move",
                      {"team": "repairs", "version": case.version})
    assert stale.status_code == 409 and "Someone else changed this case" in text(stale)
    no_token = max_.post(f"/cases/{case.reference}/team/move",
                         {"team": "repairs"}, csrf=False)
    assert no_token.status_code == 403
    assert store.get(case.reference).team == "complaints"
    assert "moved_to_team" not in [e.kind for e in store.history(case.reference)]


def test_a_case_not_routed_says_so_and_can_be_routed(signed_in, store, cases):
    case = cases["unrouted"]
    max_ = signed_in("max")
    page = text(max_.get(f"/cases/{case.reference}"))
    # Its profile cannot be loaded: there is no team to move it to.
    assert 'Team: <span class="muted">not routed</span>' in page and "Move to team" not in page
    # A case filed under a profile with teams, whose team was lost, can be given one.
    routed = cases["request"]
    with store.write() as db:
        db.execute(sa.update(Case).where(Case.id == routed.id).values(team=None))
    page = text(max_.get(f"/cases/{routed.reference}"))
    assert 'Team: <span class="muted">not routed</span>' in page and "Move to team" in page
    version = store.get(routed.reference).version
    assert max_.post(f"/cases/{routed.reference}/team/move",
                     {"team": "repairs", "version": version}).status_code == 303
    assert store.history(routed.reference)[-1].details == {"from": None, "to": "repairs"}
