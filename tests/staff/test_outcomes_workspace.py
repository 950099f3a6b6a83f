"""The outcome of a complaint's response, from the staff workspace: a decision per point and the
remedies recorded with the response (and shown on the case page, money as money), follow-up
actions added, shown overdue when late and marked done, the Awaab's Law hazard work recorded as
done, and what the Code self-assessment counts of them.

Through Flask's test client on a real SQLite case store, with the test clock of conftest (Monday 4
January 2027, 10am in London, unless a test moves it)."""
from __future__ import annotations

import re
from datetime import date

from bot.staff import display, governance
from bot.staff.reports import Period
from tests.staff.conftest import file

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def text(response) -> str:
    return response.get_data(as_text=True)


def section(page: str, start: str, end: str) -> str:
    """The part of the page from the heading `start` to `end`."""
    return page.split(start, 1)[1].split(end, 1)[0]


def version(store, reference: str) -> int:
    return store.find_by_reference(reference).version


RESPONSE = {
    "summary": "We were slow to fix the roof.", "decision": "partly_upheld",
    "point_1_text": "The repair took 3 months", "point_1_decision": "upheld",
    "point_2_text": f"The operative was rude {HOSTILE}", "point_2_decision": "not_upheld",
    "remedy_1_kind": "apology", "remedy_1_description": "Apology for the delay",
    "remedy_2_kind": "financial", "remedy_2_description": "Time and trouble",
    "remedy_2_amount": "1,250",
}


# --- the response's outcome ---------------------------------------------------------------------------

def test_a_response_with_two_points_and_a_financial_remedy_is_recorded_and_shown(signed_in, store):
    case = file(store, conversation_id="outcome-1")
    r = case.reference
    ada = signed_in("ada")
    form = text(ada.get(f"/cases/{r}"))
    # Three blank rows of each, without JavaScript; the decisions and kinds from the store's lists.
    assert all(f'name="point_{i}_text"' in form and f'name="remedy_{i}_amount"' in form
               for i in (1, 2, 3))
    assert 'name="point_4_text"' not in form
    assert '<option value="partly_upheld">Partly upheld</option>' in form
    assert '<option value="financial">Financial remedy</option>' in form

    response = ada.post(f"/cases/{r}/respond", {**RESPONSE, "version": case.version})
    assert response.status_code == 303
    event = store.history(r)[-1]
    assert (event.kind, event.actor) == ("responded", "staff:ada")
    assert event.details["decision"] == "partly_upheld"
    assert event.details["points"] == [
        {"point": "The repair took 3 months", "decision": "upheld"},
        {"point": f"The operative was rude {HOSTILE}", "decision": "not_upheld"}]
    assert event.details["remedies"] == [
        {"kind": "apology", "description": "Apology for the delay", "amount": None},
        {"kind": "financial", "description": "Time and trouble", "amount": "1250.00"}]

    page = text(ada.get(f"/cases/{r}"))
    outcome = section(page, '<h2 id="outcome">Outcome</h2>', '<h2 id="follow-ups">')
    assert "Stage 1 response" in outcome and "by Ada Advocate" in outcome
    assert "<strong>Partly upheld</strong>" in outcome
    assert re.search(r"<td>The repair took 3 months</td><td>Upheld</td>", outcome)
    assert f"<td>The operative was rude {ESCAPED}</td><td>Not upheld</td>" in outcome
    assert re.search(r"<td>Financial remedy</td><td>Time and trouble</td>"
                     r"<td class=\"num\">£1,250.00</td>", outcome)
    assert "<td>Apology</td><td>Apology for the delay</td>" in outcome
    assert "Total of the financial remedies" in outcome
    # ... and in the history, in words.
    history = section(page, '<h2 id="history">', '<h2 id="transcript">')
    assert "Decision per point:" in history
    assert "The repair took 3 months: Upheld" in history
    assert "Financial remedy: Time and trouble (£1,250.00)" in history
    assert HOSTILE not in page


def test_a_financial_remedy_without_its_amount_is_refused_and_what_was_typed_is_kept(
        signed_in, store):
    case = file(store, conversation_id="outcome-2")
    r = case.reference
    ada = signed_in("ada")
    form = {**RESPONSE, "remedy_2_amount": "", "version": case.version,
            # A row staff.js added beyond the three blank ones: read, and shown again.
            "point_4_text": "Nobody called back", "point_4_decision": "upheld"}
    response = ada.post(f"/cases/{r}/respond", form)
    assert response.status_code == 400
    page = text(response)
    assert "A financial remedy needs its amount." in page
    assert store.find_by_reference(r).status == "new"
    assert [e.kind for e in store.history(r)] == ["filed"]
    # The form comes back open with everything typed.
    assert 'id="action-respond" open data-error' in page
    assert "We were slow to fix the roof.</textarea>" in page
    assert 'name="point_1_text" maxlength="2000" value="The repair took 3 months"' in page
    assert f'value="The operative was rude {ESCAPED}"' in page
    assert 'name="point_4_text" maxlength="2000" value="Nobody called back"' in page
    respond_form = section(page, 'id="action-respond"', "</details>")
    assert re.search(r'name="remedy_2_kind">.*?<option value="financial" selected>', respond_form,
                     re.S)
    assert re.search(r'name="point_2_decision">.*?<option value="not_upheld" selected>',
                     respond_form, re.S)

    # A point without its decision, a decision without its point, a remedy without its kind.
    for changes, message in (
            ({"point_1_decision": ""}, "Choose a decision for the point"),
            ({"point_1_text": ""}, "Point 1 has a decision but no point"),
            ({"remedy_1_kind": ""}, "Remedy 1: choose what kind of remedy it is"),
            ({"remedy_1_kind": "voucher"}, "Remedy 1: choose its kind from the list"),
            ({"remedy_2_amount": "lots"}, "is not a sum of money")):
        bad = ada.post(f"/cases/{r}/respond", {**RESPONSE, **changes, "version": case.version})
        assert bad.status_code == 400 and message in text(bad), changes
    assert [e.kind for e in store.history(r)] == ["filed"]


# --- follow-up actions ---------------------------------------------------------------------------------

def test_a_follow_up_action_is_added_shown_overdue_when_late_and_marked_done(
        signed_in, store, clock):
    case = file(store, conversation_id="outcome-3")
    r = case.reference
    store.record_response(r, "staff:max", "Upheld: the fan will be replaced", decision="upheld")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{r}"))
    assert "No follow-up action recorded." in page
    # The owner is any active member of staff, or nobody.
    owners = section(page, 'id="fu-owner"', "</select>")
    assert '<option value="">Nobody yet</option>' in owners
    assert all(f'value="{u}"' in owners for u in ("ada", "max", "ann"))

    path = f"/cases/{r}/follow_up"
    for form, message in (
            ({"follow_up_description": ""}, "Describe the follow-up action"),
            ({"follow_up_description": "x", "follow_up_owner": "nobody-here"},
             "Choose the owner from the list of staff"),
            ({"follow_up_description": "x", "follow_up_due": "next week"}, "not a date"),
            ({"follow_up_description": "x", "follow_up_due": "2027-01-01"}, "in the past")):
        bad = ada.post(path, {**form, "version": version(store, r)})
        assert bad.status_code == 400 and message in text(bad), form
    kept = text(ada.post(path, {"follow_up_description": f"Replace the fan {HOSTILE}",
                                "follow_up_owner": "max", "follow_up_due": "2026-12-01",
                                "version": version(store, r)}))
    assert f"Replace the fan {ESCAPED}</textarea>" in kept
    assert '<option value="max" selected>' in kept and 'value="2026-12-01"' in kept
    assert store.follow_ups(r) == []

    response = ada.post(path, {"follow_up_description": f"Replace the fan {HOSTILE}",
                               "follow_up_owner": "max", "follow_up_due": "2027-01-11",
                               "version": version(store, r)})
    assert response.status_code == 303
    [item] = store.follow_ups(r)
    assert (item.owner, item.due_date, item.created_by) == ("max", date(2027, 1, 11), "staff:ada")
    added = store.history(r)[-1]
    assert added.kind == "follow_up_added" and added.details["owner"] == "max"
    page = text(ada.get(f"/cases/{r}"))
    assert "Follow-up action added, due by Monday 11 January 2027." in page
    listed = section(page, '<h2 id="follow-ups">', "</table>")
    assert f"Replace the fan {ESCAPED}" in listed and HOSTILE not in page
    assert "<td>Max Manager</td>" in listed and "Mon 11 Jan 2027" in listed
    assert "Overdue" not in listed and "Mark done" in listed
    # The responded case's next deadline is now the follow-up action's due date.
    assert "Next deadline: <strong>Monday 11 January 2027</strong> (follow-up action due)" in page

    # Tuesday 12 January: a day late. (Signed in again: the session ended, unused for a week.)
    clock.set_uk("2027-01-12T09:00")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{r}"))
    row = section(page, f'id="follow-up-{item.id}"', "</tr>")
    assert '<strong class="overdue">Overdue</strong>' in row
    assert "1 follow-up action is past its due date" in page
    assert "overdue by 1 working day" in page

    # A stale form is refused; then done, with a note.
    stale = ada.post(f"/cases/{r}/follow_up_done", {"follow_up_id": item.id, "version": 1,
                                                     "done_note": "Fitted"})
    assert stale.status_code == 409 and store.follow_ups(r)[0].done_at is None
    missing = ada.post(f"/cases/{r}/follow_up_done", {"follow_up_id": 99999,
                                                       "version": version(store, r)})
    assert missing.status_code == 400 and "not one of this case&#39;s" in text(missing)
    response = ada.post(f"/cases/{r}/follow_up_done", {
        "follow_up_id": item.id, "done_note": f"Fitted on the 12th {HOSTILE}",
        "version": version(store, r)})
    assert response.status_code == 303
    done = store.history(r)[-1]
    assert (done.kind, done.actor) == ("follow_up_done", "staff:ada")
    assert done.details["note"] == f"Fitted on the 12th {HOSTILE}"
    page = text(ada.get(f"/cases/{r}"))
    row = section(page, f'id="follow-up-{item.id}"', "</tr>")
    assert "<strong>Done</strong>" in row and "by Ada Advocate" in row
    assert f"Fitted on the 12th {ESCAPED}" in row
    assert "Overdue" not in row and "Mark done" not in row
    assert "past its due date" not in page
    assert store.find_by_reference(r).next_deadline is None
    again = ada.post(f"/cases/{r}/follow_up_done", {"follow_up_id": item.id,
                                                     "version": version(store, r)})
    assert again.status_code == 400 and "already done" in text(again)


def test_follow_up_forms_need_a_session_and_the_csrf_token(signed_in, anonymous, store):
    case = file(store, conversation_id="outcome-4")
    r = case.reference
    item = store.add_follow_up(r, "staff:max", "Call the resident back")
    form = {"follow_up_description": "Call back", "version": case.version}
    assert anonymous.client.post(f"/cases/{r}/follow_up", data=form).status_code == 403
    token = anonymous.token("/sign-in")
    assert anonymous.client.post(f"/cases/{r}/follow_up",
                                 data={**form, "csrf_token": token}).status_code == 401
    ada = signed_in("ada")
    assert ada.post(f"/cases/{r}/follow_up", form, csrf=False).status_code == 403
    assert ada.post(f"/cases/{r}/follow_up_done", {"follow_up_id": item.id}, csrf=False
                    ).status_code == 403
    assert ada.post(f"/cases/{r}/hazard_done", {}, csrf=False).status_code == 403
    assert "Form refused" in text(ada.post(f"/cases/{r}/follow_up",
                                           {**form, "csrf_token": "forged"}))
    assert len(store.follow_ups(r)) == 1 and store.follow_ups(r)[0].done_at is None
    assert [e.kind for e in store.history(r)] == ["filed", "follow_up_added"]
    # Every form of the case page carries the token, the new ones too.
    page = text(ada.get(f"/cases/{r}"))
    assert "/follow_up_done" in page and "/follow_up\"" in page
    assert page.count("<form") == page.count('name="csrf_token"')
    # Any member of staff may add and complete them: an advocate is enough.
    assert ada.post(f"/cases/{r}/follow_up_done", {"follow_up_id": item.id,
                                                    "version": version(store, r)}
                    ).status_code == 303
    # A closed case takes no new follow-up action (the form is not offered either).
    store.close(r, "staff:max")
    page = text(ada.get(f"/cases/{r}"))
    assert "Add a follow-up action" not in page
    closed = ada.post(f"/cases/{r}/follow_up", {**form, "version": version(store, r)})
    assert closed.status_code == 400 and "Cannot add a follow-up action to" in text(closed)


# --- Awaab's Law hazard work -------------------------------------------------------------------------

def test_the_hazard_work_action_is_only_on_an_awaab_case_and_stops_its_clocks(signed_in, store):
    plain = file(store, conversation_id="outcome-5")
    ada = signed_in("ada")
    assert f"/cases/{plain.reference}/hazard_done" not in text(ada.get(f"/cases/{plain.reference}"))
    refused = ada.post(f"/cases/{plain.reference}/hazard_done", {"version": plain.version})
    assert refused.status_code == 400 and "has no Awaab" in text(refused)

    case = file(store, conversation_id="outcome-6", awaab_category="significant",
                description="Black mould in the bedroom")
    r = case.reference
    investigate = case.deadline("awaab_investigate_by")
    assert investigate is not None
    store.record_response(r, "staff:max", "We will treat the mould", decision="upheld")
    assert store.find_by_reference(r).next_deadline == investigate  # runs past the response
    page = text(ada.get(f"/cases/{r}"))
    assert f"/cases/{r}/hazard_done" in page and "Record the hazard work done" in page
    assert "stopped: hazard work done" not in page

    response = ada.post(f"/cases/{r}/hazard_done", {"hazard_note": f"Mould treated {HOSTILE}",
                                                    "version": version(store, r)})
    assert response.status_code == 303
    done = store.find_by_reference(r)
    assert done.hazard_work_done_at is not None and done.next_deadline is None
    event = store.history(r)[-1]
    assert (event.kind, event.actor) == ("hazard_work_done", "staff:ada")
    assert event.details["note"] == f"Mould treated {HOSTILE}"
    page = text(ada.get(f"/cases/{r}"))
    assert f"/cases/{r}/hazard_done" not in page
    notice = section(page, 'id="hazard-done"', "</p>")
    assert "recorded as done on Mon 4 Jan 2027, 10:00 by Ada Advocate" in notice
    assert f"Mould treated {ESCAPED}" in notice and HOSTILE not in page
    assert "stopped: hazard work done" in page
    assert "Next deadline:" not in page
    again = ada.post(f"/cases/{r}/hazard_done", {"version": version(store, r)})
    assert again.status_code == 400 and "already recorded as done" in text(again)


# --- the self-assessment ----------------------------------------------------------------------------

def test_the_self_assessment_counts_remedies_and_follow_up_actions(signed_in, store, clock):
    clock.set_uk("2026-11-02T10:00")         # Monday 2 November 2026, in the year 2026/27
    a = file(store, conversation_id="sa-a")
    b = file(store, conversation_id="sa-b")
    care = file(store, conversation_id="sa-care", service="care")
    store.record_response(a.reference, "staff:ada", "Sorry", decision="upheld", remedies=[
        {"kind": "apology", "description": "Apology"},
        {"kind": "financial", "description": "Time and trouble", "amount": "1,250"},
        {"kind": "financial", "description": "Damaged carpet", "amount": "50.5"}])
    store.record_response(b.reference, "staff:ada", "No fault found", decision="not_upheld")
    # Care complaints go to another ombudsman: not in the Code's self-assessment.
    store.record_response(care.reference, "staff:ada", "Sorry", decision="upheld",
                          remedies=[{"kind": "financial", "amount": "999"}])
    in_time = store.add_follow_up(a.reference, "staff:ada", "Pay", due_date=date(2026, 11, 9))
    store.add_follow_up(a.reference, "staff:ada", "Replace the carpet", due_date=date(2026, 11, 20))
    store.add_follow_up(b.reference, "staff:ada", "Call back")           # no due date
    store.add_follow_up(care.reference, "staff:ada", "Visit", due_date=date(2026, 11, 3))
    clock.set_uk("2026-11-05T10:00")
    store.complete_follow_up(a.reference, in_time.id, "staff:ada", note="Paid")
    clock.set_uk("2026-12-01T10:00")         # the carpet is overdue now

    max_ = signed_in("max")
    md = text(max_.get("/reports/self-assessment.md?year=2026"))
    lines = set(md.splitlines())
    assert ("- 3 remedies offered with 1 of 2 (50.0%) responses issued in the year (by kind: "
            "apology 1 and financial remedy 2).") in lines
    assert "- 2 financial remedies offered, totalling £1,300.50." in lines
    assert ("- Follow-up actions (6.6): 3 actions promised in the year: 1 done (1 by the due "
            "date), 1 overdue, 1 open and not yet due (as of 1 December 2026); 1 without a due "
            "date.") in lines
    assert "The remedies given are not counted here" not in md
    page = text(max_.get("/reports/self-assessment?year=2026"))
    assert "2 financial remedies offered, totalling £1,300.50." in page
    assert "<dt>Follow-up actions</dt>" in page
    # Managers only, as the rest of the reports.
    assert signed_in("ada").get("/reports/self-assessment?year=2026").status_code == 403
    # The year before has none of them.
    previous = set(text(max_.get("/reports/self-assessment.md?year=2025")).splitlines())
    assert "- Follow-up actions (6.6): none promised on a complaint in the year." in previous
    assert "- No response issued in the year, so no remedy recorded." in previous


def test_remedy_and_follow_up_counts_as_pure_functions():
    from bot.staff.reports import CaseFacts, HistoryFact
    from tests.staff.conftest import uk

    year = Period(date(2026, 4, 1), date(2027, 3, 31))
    facts = CaseFacts(reference="CMP-AAAAA-A", case_type="complaint",
                      received_at=uk("2026-05-01T10:00"), history=(
                          HistoryFact("responded", uk("2026-03-31T10:00"), 1,
                                      details={"remedies": [{"kind": "financial",
                                                             "amount": "10.00"}]}),
                          HistoryFact("responded", uk("2026-06-01T10:00"), 2, details={
                              "remedies": [{"kind": "repair", "description": "Fix"},
                                           {"kind": "financial", "amount": "0.99"}]})))
    counted = governance.remedies([facts], year)
    assert (counted.responses, counted.with_remedy, counted.offered) == (1, 1, 2)
    assert counted.by_kind == {"repair": 1, "financial": 1}
    assert display.fmt_money(counted.financial_total) == "£0.99"
    items = [governance.FollowUpFact("X", "complaint", "housing", date(2026, 5, 1),
                                     date(2026, 5, 10), date(2026, 5, 11)),     # done, late
             governance.FollowUpFact("X", "complaint", "housing", date(2026, 5, 1),
                                     date(2026, 6, 1), None),                   # overdue
             governance.FollowUpFact("X", "complaint", "housing", date(2026, 3, 1),
                                     None, None)]                               # last year
    assert governance.follow_up_counts(items, year, date(2026, 6, 2)) == {
        "added": 2, "done": 1, "overdue": 1, "open": 0, "done_by_due": 0, "no_due_date": 0}
    assert display.fmt_money("1250.5") == "£1,250.50" and display.fmt_money("lots") == "lots"
