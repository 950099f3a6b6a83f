"""Governance reports: the lessons-learned register, upheld rates and the annual self-assessment
against the Complaint Handling Code.

The web tests build their cases through the real case store (SQLite, and PostgreSQL when
INTAKE_TEST_POSTGRES_URL names a server), moving a test clock through June to September 2026: no
bank holiday in England and Wales falls in it, so a working day is any Monday to Friday. The
expected figures are worked out by hand in the comments.
"""
from __future__ import annotations

import dataclasses

import csv
import io
from datetime import date

import pytest

from bot.cases.submission import CaseSubmission
from bot.policy import load_profile
from bot.staff import governance
from bot.staff.governance import Lesson
from bot.staff.reports import CaseFacts, Extension, HistoryFact, Period
from tests.staff.conftest import store_on_either_database
from tests.staff.conftest import uk

CODE = load_profile("housing-ombudsman-code")
HOSTILE = "<script>alert(1)</script>"


def d(day: str) -> date:
    return date.fromisoformat(day)


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response))))


# --- pure functions ---------------------------------------------------------------------------------

def event(kind: str, day: str, stage: int = 1, **details) -> HistoryFact:
    return HistoryFact(kind=kind, at=uk(f"{day}T10:00"), stage=stage, actor="staff:amy",
                       details=details)


def facts(reference: str, received: str, *history: HistoryFact, **fields) -> CaseFacts:
    fields.setdefault("case_type", "complaint")
    return CaseFacts(reference=reference, received_at=uk(f"{received}T10:00"),
                     history=tuple(history), **fields)


def test_the_decision_that_counts_is_the_last_response_recorded_at_that_stage():
    # Answered "not upheld", then the response recorded again as "partly upheld" (both at stage
    # 1), then stage 2 "upheld": stage 1 counts partly upheld, stage 2 upheld.
    case = facts("CMP-AAAAA-A", "2026-06-01",
                 event("responded", "2026-06-10", decision="not_upheld"),
                 event("responded", "2026-06-11", decision="partly_upheld"),
                 event("responded", "2026-07-20", stage=2, decision="upheld"),
                 responded_at=uk("2026-06-11T10:00"), stage=2,
                 stage2_requested_at=uk("2026-06-15T10:00"),
                 stage2_responded_at=uk("2026-07-20T10:00"))
    assert governance.stage_decision(case, 1) == "partly_upheld"
    assert governance.stage_decision(case, 2) == "upheld"
    # A decision not in the list, and none at all, are "no decision recorded".
    odd = facts("CMP-BBBBB-B", "2026-06-01", event("responded", "2026-06-10", decision="maybe"),
                responded_at=uk("2026-06-10T10:00"))
    silent = facts("CMP-CCCCC-C", "2026-06-01", event("responded", "2026-06-10", decision=None),
                   responded_at=uk("2026-06-10T10:00"))
    assert governance.stage_decision(odd, 1) == governance.stage_decision(silent, 1) == "none"
    rates = governance.upheld_rates([case, odd, silent], Period(d("2026-06-01"), d("2026-06-30")),
                                    ("housing", "care"))
    one = rates[(1, "housing")]
    assert (one.answered, one.decided, one.upheld_or_partly) == (3, 1, 1)
    assert one.rate == 1 and rates[(1, "care")].answered == 0
    # Stage 2 was answered in July, outside June.
    assert rates[(2, "all")].answered == 0
    table = governance.upheld_table(rates)
    assert table.rows[0] == ("Stage 1", "housing", 3, 0, 1, 0, 0, 2, "100.0%")
    assert table.rows[1] == ("Stage 1", "care", 0, 0, 0, 0, 0, 0, "-")


def test_lessons_recorded_again_are_one_lesson_with_the_latest_dates():
    case = facts(
        "CMP-AAAAA-A", "2026-06-01",
        event("lessons_learned", "2026-06-20", what_went_wrong="Repair  booked late",
              action="Check the diary", target_date="2026-07-31", done_date=None),
        event("lessons_learned", "2026-08-03", what_went_wrong="repair booked late",
              action="Check the diary ", target_date=None, done_date="2026-08-01"),
        event("lessons_learned", "2026-06-21", what_went_wrong="Nobody called back",
              action="Call-back rota", target_date="2026-06-30", done_date=None),
        # Anonymised entries are never merged, though their text is the same.
        event("lessons_learned", "2026-06-22", what_went_wrong="[removed]", action="[removed]",
              target_date="2026-09-30", done_date=None),
        event("lessons_learned", "2026-06-23", what_went_wrong="[removed]", action="[removed]",
              target_date=None, done_date=None))
    register = governance.lessons([case], Period(d("2026-06-01"), d("2026-06-30")))
    assert [(r.recorded, r.what_went_wrong, r.target_date, r.done_date, r.entries)
            for r in register] == [
        (d("2026-06-20"), "repair booked late", d("2026-07-31"), d("2026-08-01"), 2),
        (d("2026-06-21"), "Nobody called back", d("2026-06-30"), None, 1),
        (d("2026-06-22"), "[removed]", d("2026-09-30"), None, 1),
        (d("2026-06-23"), "[removed]", None, None, 1)]
    today = d("2026-09-30")
    assert [r.status(today) for r in register] == ["done", "overdue", "due", "due"]
    assert register[0].done_by_target is False            # done 1 Aug, the target 31 July
    assert governance.lesson_counts(register, today) == {
        "recorded": 4, "done": 1, "due": 2, "overdue": 1, "done_by_target": 0, "no_target": 1}
    # First recorded in July: not in the July register, even though recorded again in August.
    assert governance.lessons([case], Period(d("2026-07-01"), d("2026-08-31"))) == []


def test_a_lesson_is_due_on_its_target_date_and_overdue_the_day_after():
    lesson = Lesson("CMP-AAAAA-A", "complaint", "housing", 1, d("2026-06-01"), "x", "y",
                    target_date=d("2026-06-30"), done_date=None)
    assert lesson.status(d("2026-06-30")) == "due" and lesson.status(d("2026-07-01")) == "overdue"


def test_extensions_are_checked_against_the_code_s_longest_one():
    # Received Mon 1 Jun, acknowledged Tue 2 Jun: respond by 3 4 5 8 9 10 11 12 15 16 -> Tue 16
    # Jun; the longest extension: 17 18 19 22 23 24 25 26 29 30 -> Tue 30 Jun. One extension to
    # 30 Jun is within it; a second one typed as 1 Jul is not.
    case = facts("CMP-DDDDD-D", "2026-06-01", acknowledged_at=uk("2026-06-02T10:00"),
                 status="acknowledged", stage=1,
                 extensions=(Extension(1, d("2026-06-30")), Extension(1, d("2026-07-01"))))
    figures = governance.code_figures([case], CODE, Period(d("2026-04-01"), d("2026-07-10")),
                                      d("2026-07-10"))
    assert [(c.new_date, c.due, c.limit, c.within) for c in figures.extensions] == [
        (d("2026-06-30"), d("2026-06-16"), d("2026-06-30"), True),
        (d("2026-07-01"), d("2026-06-16"), d("2026-06-30"), False)]
    assert figures.extended == {1: 1, 2: 0} and figures.extension_letters == {1: 0, 2: 0}
    shown = {r.provisions: r.shows for r in governance.self_assessment(figures, CODE)}
    assert shown["6.4, 6.5"][0] == ("2 extensions on 1 complaint: 1 within 10 working days of the "
                                    "date the response was due, 1 beyond it (CMP-DDDDD-D).")


def test_the_financial_year():
    assert governance.financial_year(2026, d("2027-05-01")) == Period(d("2026-04-01"), d("2027-03-31"))
    assert governance.financial_year(2026, d("2026-09-16")) == Period(d("2026-04-01"), d("2026-09-16"))
    with pytest.raises(ValueError):
        governance.financial_year(2027, d("2027-03-31"))
    assert governance.year_label(Period(d("2099-04-01"), d("2100-03-31"))) == "2099/00"


# --- through the case store and the workspace ------------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path, clock):
    """The case store behind the workspace (overrides the staff fixture's SQLite-only one)."""
    yield from store_on_either_database(request.param, tmp_path, clock, "intake_governance",
                                        "the governance reports on PostgreSQL")


def _file(store, clock, when: str, *, profile: str = "housing-ombudsman-code", **fields):
    clock.set_uk(f"{when}T10:00")
    fields.setdefault("case_type", "complaint")
    fields.setdefault("channel", "rest")
    fields.setdefault("description", "Something went wrong")
    fields.setdefault("conversation_id", f"conv-{when}-{fields.get('name', '')}")
    case, _ = store.file_case(CaseSubmission(**fields), profile)
    return case.reference


def _at(clock, when: str, action, *args, **kwargs):
    clock.set_uk(f"{when}T10:00")
    return action(*args, **kwargs)


@pytest.fixture
def year(store, clock):
    """Cases of June to September 2026 (housing, under the Code, unless said otherwise)."""
    s = store
    refs = {}
    # A: received Mon 1 Jun; acknowledge by 2 3 4 5 8 -> Mon 8 Jun, done Wed 3 Jun. Respond by
    # 4 5 8 9 10 11 12 15 16 17 -> Wed 17 Jun; answered Tue 16 Jun by Ada: upheld. Escalated on
    # Mon 22 Jun; stage 2 acknowledge by 23 24 25 26 29 -> Mon 29 Jun, done Wed 24 Jun by Max;
    # respond by 20 working days from 24 Jun -> Wed 22 Jul; answered Fri 17 Jul by Max: not upheld.
    refs["A"] = a = _file(s, clock, "2026-06-01", name="A")
    _at(clock, "2026-06-03", s.acknowledge, a, "staff:ada")
    _at(clock, "2026-06-16", s.record_response, a, "staff:ada", "Fixed", decision="upheld")
    _at(clock, "2026-06-22", s.escalate, a, "staff:max")
    _at(clock, "2026-06-24", s.acknowledge, a, "staff:max")
    _at(clock, "2026-07-17", s.record_response, a, "staff:max", "Reviewed", decision="not_upheld")
    _at(clock, "2026-07-17", s.record_lessons, a, "staff:ada", f"Repair booked {HOSTILE} twice",
        "=HYPERLINK(\"http://example.org\")", target_date=d("2026-08-31"))
    # B: received Mon 1 Jun by a representative; acknowledged late on Tue 9 Jun (due 8 Jun), so
    # the response counts from 8 Jun: 9 10 11 12 15 16 17 18 19 22 -> Mon 22 Jun. Extended on
    # Fri 19 Jun by the longest the policy allows: 23 24 25 26 29 30, 1 2 3 6 Jul -> Mon 6 Jul
    # (within the Code's limit), with an extension letter; answered Thu 2 Jul: partly upheld.
    refs["B"] = b = _file(s, clock, "2026-06-01", name="B", representative_name="Bea Helper",
                          representative_relationship="daughter", representative_consent=True)
    _at(clock, "2026-06-09", s.acknowledge, b, "staff:ada")
    extended = _at(clock, "2026-06-19", s.extend, b, "staff:ada", "explained")
    assert extended.deadlines["stage1_response_by"] == "2026-07-06"
    _at(clock, "2026-06-19", s.record_letter, b, "staff:ada", letter="extension",
        subject="Extension", text="We need more time", method="post", to=None)
    _at(clock, "2026-07-02", s.record_response, b, "staff:ada", "Partly", decision="partly_upheld")
    _at(clock, "2026-07-03", s.record_lessons, b, "staff:ada", "Slow survey", "Book surveys sooner",
        target_date=d("2026-09-30"))
    # C: received Tue 2 Jun, not accepted (too old) on Wed 3 Jun, with the letter.
    refs["C"] = c = _file(s, clock, "2026-06-02", name="C")
    _at(clock, "2026-06-03", s.mark_not_accepted, c, "staff:ada", "too_old", "Too old")
    _at(clock, "2026-06-03", s.record_letter, c, "staff:ada", letter="not_accepted",
        subject="Not accepted", text="Sorry", method="post", to=None)
    # D: a care complaint (Housing Plus Group), received Mon 1 Jun, answered Wed 10 Jun: upheld.
    refs["D"] = dd = _file(s, clock, "2026-06-01", profile="housing-plus-group", service="care",
                           name="D")
    _at(clock, "2026-06-02", s.acknowledge, dd, "staff:ada")
    _at(clock, "2026-06-10", s.record_response, dd, "staff:ada", "Care", decision="upheld")
    # E: received Mon 8 Jun on the website chat, with a reasonable adjustment; acknowledge by
    # 9 10 11 12 15 -> Mon 15 Jun, done Tue 9 Jun; answered Mon 15 Jun with no decision.
    refs["E"] = e = _file(s, clock, "2026-06-08", name="E", channel="socketio",
                          reasonable_adjustments="Large print, please")
    _at(clock, "2026-06-09", s.acknowledge, e, "staff:ada")
    _at(clock, "2026-06-15", s.record_response, e, "staff:ada", "Answered")
    # F: a service request with a lesson, done before its target.
    refs["F"] = f = _file(s, clock, "2026-06-05", case_type="service_request", name="F")
    _at(clock, "2026-06-10", s.record_lessons, f, "staff:ada", "Lost the request", "Log on receipt",
        target_date=d("2026-06-30"), done_date=d("2026-06-25"))
    # H: received Mon 1 Jun, acknowledged Tue 2 Jun, answered Fri 5 Jun: resolved. Stage 2 asked
    # for late on Tue 1 Sep and refused by Max on Wed 2 Sep.
    refs["H"] = h = _file(s, clock, "2026-06-01", name="H")
    _at(clock, "2026-06-02", s.acknowledge, h, "staff:ada")
    _at(clock, "2026-06-05", s.record_response, h, "staff:ada", "Done", decision="resolved")
    _at(clock, "2026-09-01", s.request_stage2, h, "Still unhappy", within_window=False)
    _at(clock, "2026-09-02", s.mark_not_accepted, h, "staff:max", "too_old", "Asked too late")
    # I: flagged as possibly too old, accepted all the same on Thu 4 Jun; J: flagged, waiting.
    refs["I"] = i = _file(s, clock, "2026-06-02", name="I", exclusion="too_old")
    _at(clock, "2026-06-04", s.acknowledge, i, "staff:ada")
    refs["J"] = _file(s, clock, "2026-09-14", name="J", exclusion="too_old")
    # A lesson recorded in August, outside June and July.
    _at(clock, "2026-08-03", s.record_lessons, e, "staff:ada", "Format missed", "Check adjustments",
        target_date=d("2026-08-10"), done_date=d("2026-08-07"))
    clock.set_uk("2026-09-16T10:00")
    return refs


SUMMER = "?from=2026-06-01&to=2026-07-31"


def test_the_register_and_upheld_rates_on_the_page_and_as_csv(signed_in, year, store, clock):
    staff = signed_in("max")
    page = text(staff.get("/reports" + SUMMER))
    # Escaped, never run: the lesson's text is shown as text.
    assert HOSTILE not in page and "Repair booked &lt;script&gt;alert(1)&lt;/script&gt; twice" in page
    assert "the one in the <strong>last response recorded at that stage</strong>" in page
    assert "3 lessons: 1 done, 1 due, 1 overdue." in page

    register = rows(staff.get("/reports/lessons.csv" + SUMMER))
    assert register[0] == ["Case", "Type", "Service", "Recorded", "What went wrong", "Action",
                           "Target date", "Done date", "Status"]
    # Oldest first; as of Wed 16 Sep: F done, A's target (31 Aug) passed, B's (30 Sep) not yet.
    # E's lesson of August is outside the period. A's action would run as a formula: defused.
    assert register[1:] == [
        [year["F"], "Service request", "Housing", "2026-06-10", "Lost the request",
         "Log on receipt", "2026-06-30", "2026-06-25", "Done"],
        [year["B"], "Complaint", "Housing", "2026-07-03", "Slow survey", "Book surveys sooner",
         "2026-09-30", "", "Due"],
        [year["A"], "Complaint", "Housing", "2026-07-17", f"Repair booked {HOSTILE} twice",
         "'=HYPERLINK(\"http://example.org\")", "2026-08-31", "", "Overdue"]]

    # Stage 1 answered in June and July: A upheld, B partly upheld, E no decision, H resolved
    # (housing); D upheld (care). Rate: upheld or partly of those with a decision: housing 2 of
    # 3, all services 3 of 4. Stage 2: A not upheld, 0 of 1. C was never answered.
    upheld = rows(staff.get("/reports/upheld.csv" + SUMMER))
    assert upheld[0] == ["Stage", "Service", "Answered", "Upheld", "Partly upheld", "Not upheld",
                         "Resolved", "No decision recorded", "Upheld or partly upheld"]
    assert upheld[1:] == [
        ["Stage 1", "Housing", "4", "1", "1", "0", "1", "1", "66.7%"],
        ["Stage 1", "Care", "1", "1", "0", "0", "0", "0", "100.0%"],
        ["Stage 1", "New-build sales", "0", "0", "0", "0", "0", "0", ""],
        ["Stage 1", "All services", "5", "2", "1", "0", "1", "1", "75.0%"],
        ["Stage 2", "Housing", "1", "0", "0", "1", "0", "0", "0.0%"],
        ["Stage 2", "Care", "0", "0", "0", "0", "0", "0", ""],
        ["Stage 2", "New-build sales", "0", "0", "0", "0", "0", "0", ""],
        ["Stage 2", "All services", "1", "0", "0", "1", "0", "0", "0.0%"]]
    # June alone: B's response (2 Jul) and A's stage 2 (17 Jul) fall outside it.
    june = rows(staff.get("/reports/upheld.csv?from=2026-06-01&to=2026-06-30"))
    assert june[1] == ["Stage 1", "Housing", "3", "1", "0", "0", "1", "1", "50.0%"]
    assert june[8] == ["Stage 2", "All services", "0", "0", "0", "0", "0", "0", ""]

    # A's lesson recorded again with the same words and a done date: one row, now done.
    clock.set_uk("2026-09-16T11:00")
    store.record_lessons(year["A"], "staff:ada", f"Repair booked {HOSTILE} twice",
                         "=HYPERLINK(\"http://example.org\")", done_date=d("2026-09-16"))
    again = rows(staff.get("/reports/lessons.csv" + SUMMER))
    assert len(again) == 4 and again[3][-3:] == ["2026-08-31", "2026-09-16", "Done"]


def test_the_self_assessment_page_and_its_markdown(signed_in, year):
    staff = signed_in("max")
    page = text(staff.get("/reports/self-assessment?year=2026"))
    assert "This is a draft to complete." in page
    assert "1 April 2026 to 16 September 2026 (the year is not over: figures to date)" in page
    assert page.count("Evidence / commentary:") == 16
    assert "The case data cannot show this." in page
    draft = staff.get("/reports/self-assessment.md?year=2026")
    assert draft.status_code == 200 and draft.mimetype == "text/markdown"
    assert 'filename="intake-self-assessment-2026-27.md"' in draft.headers["Content-Disposition"]
    md = text(draft)
    assert md.startswith("# Complaint Handling Code self-assessment 2026/27: DRAFT")
    lines = set(md.splitlines())
    # Housing only (D is care). Received: A B C E H I J complaints, F a service request.
    assert ("- Received in the year: 7 complaints, 1 service request, 0 ASB reports, 0 comments "
            "and 0 compliments.") in lines
    # Refusals: C (too old, stage 1, letter sent) and H's late stage 2 request (no letter).
    assert ('- 2 refusals in the year: 2 "Older than the time limit" (1 complaint not accepted '
            "at stage 1, 1 request for stage 2 refused).") in lines
    assert '- A "not accepted" letter is recorded after 1 of 2 (50.0%) of them.' in lines
    assert ("- Complaints received in the year that the assistant flagged as possibly excluded: "
            "1 awaiting a person's decision; accepted all the same in the year: 1.") in lines
    assert "- Complaints received in the year: 6 by REST API and 1 by website chat." in lines
    assert ("- With a reasonable adjustment recorded: 1 of 7 (14.3%); made by a representative: "
            "1 of 7 (14.3%).") in lines
    # Stage 1 under the Code: A, B, E, H and I were taken on (C refused, J waiting).
    # Acknowledged: A, E, H, I in time, B late. Answered: A, B (extended), E, H in time; I,
    # acknowledged Thu 4 Jun, was due by 5 8 9 10 11 12 15 16 17 18 -> Thu 18 Jun: overdue.
    assert "- 4 of 5 (80.0%) complaints received in the year were acknowledged within 5 " \
           "working days; 1 late." in lines
    assert "- CH02: 4 of 4 (100.0%) stage 1 responses issued in the year were within the " \
           "Code's timescales." in lines
    assert "- 4 of 5 (80.0%) complaints received in the year were answered within 10 working " \
           "days; 1 still waiting past the deadline." in lines
    assert ("- 1 extension on 1 complaint: 1 within 10 working days of the date the response "
            "was due, 0 beyond it.") in lines
    assert ("- An extension letter (with the Ombudsman's details) is recorded for 1 of 1 "
            "(100.0%) extended complaints.") in lines
    assert ("- 2 requests for stage 2 in the year: 1 taken to stage 2, 1 refused, 0 awaiting a "
            "manager's decision on a late request, 0 closed without stage 2.") in lines
    assert "- 1 of 1 (100.0%) complaints that reached stage 2 in the year were acknowledged " \
           "within 5 working days." in lines
    assert ("- 1 of 1 (100.0%) stage 2 responses issued in the year were recorded by someone "
            "other than whoever recorded the stage 1 response.") in lines
    assert "- CH02: 1 of 1 (100.0%) stage 2 responses issued in the year were within the " \
           "Code's timescales." in lines
    assert ("- Stage 1: 4 responses issued: 1 upheld, 1 partly upheld, 0 not upheld, 1 resolved "
            "and 1 with no decision recorded; 66.7% of those with a decision upheld or partly "
            "upheld.") in lines
    assert ("- Stage 2: 1 response issued: 0 upheld, 0 partly upheld, 1 not upheld and 0 "
            "resolved; 0.0% of those with a decision upheld or partly upheld.") in lines
    # Lessons (housing, all year): F done by its target, E's done by its target, B due, A overdue.
    assert ("- 4 lessons learned recorded in the year: 2 done (2 by the target date), 1 due, 1 "
            "overdue (as of 16 September 2026); 0 without a target date.") in lines
    assert md.count("**Evidence / commentary:** ______") == 16
    assert HOSTILE not in md and "<" not in md
    # A year not yet started, or not a year: this year instead, said so.
    assert "That year is not valid" in text(staff.get("/reports/self-assessment?year=2031"))
    assert "That year is not valid" in text(staff.get("/reports/self-assessment?year=abc"))
    assert "1 April 2025 to 31 March 2026." in text(staff.get("/reports/self-assessment.md?year=2025"))


def test_the_self_assessment_reads_the_same_facts_as_the_whole_cases_give(year, store, clock):
    """The self-assessment reads a few columns and every history entry of the complaints (and
    of the cases with lessons learned) in one query: the facts, and so every figure, are those
    `CaseFacts.from_case` gives on the whole cases: letters, refusals, acceptance despite an
    exclusion, extensions, responses recorded later with remedies, lessons learned."""
    import sqlalchemy as sa

    from bot.cases.models import Case, CaseEvent
    from bot.staff import report_queries, reports

    # A response recorded on Wed 16 Sep as issued on Fri 11 Sep, with remedies.
    late = _file(store, clock, "2026-09-01", name="K")
    _at(clock, "2026-09-02", store.acknowledge, late, "staff:ada")
    clock.set_uk("2026-09-16T10:00")
    store.record_response(late, "staff:ada", "Sorry", decision="upheld",
                          at=uk("2026-09-11T15:00"),
                          remedies=[{"kind": "apology", "description": "Apology"},
                                    {"kind": "financial", "description": "Time and trouble",
                                     "amount": "75.00"}])
    period = governance.financial_year(2026, date(2026, 9, 16))
    with store.read() as db:
        history: dict[int, list] = {}
        for event in db.execute(sa.select(CaseEvent).order_by(CaseEvent.id)).scalars():
            history.setdefault(event.case_id, []).append(event)
        whole = [CaseFacts.from_case(case, history.get(case.id, ()), reports.uk_day)
                 for case in db.execute(sa.select(Case).order_by(Case.id)).scalars()]
        read = report_queries.assessment_facts(db, period)
    wanted = [f for f in whole if f.case_type == "complaint"
              or any(h.kind == "lessons_learned" for h in f.history)]
    # Acknowledgements are read only when they accepted a complaint despite an exclusion.
    wanted = [dataclasses.replace(f, history=tuple(filter(reports.read_by_the_self_assessment, f.history)))
              for f in wanted]
    assert read == wanted
    assert not all(reports.read_by_the_self_assessment(h) for f in whole for h in f.history)  # some left out
    kinds = {h.kind for f in read for h in f.history}
    assert {"letter_sent", "not_accepted", "acknowledged", "extended", "responded",
            "lessons_learned"} <= kinds
    today = date(2026, 9, 16)
    assert governance.code_figures(read, CODE, period, today) == \
        governance.code_figures(whole, CODE, period, today)
    assert governance.remedies(read, period).financial_total == 75


@pytest.mark.parametrize("path", [
    "/reports/self-assessment", "/reports/self-assessment.md", "/reports/lessons.csv",
    "/reports/upheld.csv"])
def test_only_managers_see_the_governance_reports(signed_in, anonymous, path):
    assert signed_in("ada").get(path).status_code == 403
    assert anonymous.get(path).status_code == 302
    assert signed_in("max").get(path).status_code == 200
