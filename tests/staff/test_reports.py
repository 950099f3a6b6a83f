"""Report figures against complaints with known dates over Christmas 2026 and New Year 2027.

England and Wales bank holidays in the period: Friday 25 December 2026 (Christmas Day), Monday 28
December 2026 (Boxing Day, substitute) and Friday 1 January 2027. The expected dates are counted
by hand in the comments; a calculator that ignored the bank holidays would get most of them wrong.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from bot.policy import load_profile
from bot.staff import reports
from bot.staff.reports import CaseFacts, Extension, Period

LONDON = ZoneInfo("Europe/London")
CODE = load_profile("housing-ombudsman-code")
SEED3 = load_profile("seed-003-landlord")
PROFILES = {p.name: p for p in (CODE, SEED3)}


def at(day: str, hour: int = 10) -> datetime:
    """A UK moment on `day` (10am by default), as the case store keeps it (aware, UTC)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=LONDON).astimezone(timezone.utc)


def d(day: str) -> date:
    return date.fromisoformat(day)


def complaint(reference: str, received: str, **kwargs) -> CaseFacts:
    moments = {k: at(v) if isinstance(v, str) else v for k, v in kwargs.items()
               if k.endswith("_at")}
    other = {k: v for k, v in kwargs.items() if not k.endswith("_at")}
    other.setdefault("status", "responded" if "responded_at" in moments else
                     "acknowledged" if "acknowledged_at" in moments else "new")
    other.setdefault("stage", 1)
    return CaseFacts(reference=reference, case_type="complaint", received_at=at(received),
                     **moments, **other)


# A: received Wed 23 Dec. Acknowledge by: 24, 29, 30, 31 Dec, 4 Jan -> Mon 4 Jan (met on 4 Jan).
#    Respond by, from 4 Jan: 5 6 7 8 11 12 13 14 15 18 -> Mon 18 Jan (met on 18 Jan).
A = complaint("CMP-AAAAA-A", "2026-12-23", acknowledged_at="2027-01-04", responded_at="2027-01-18")
# B: received Thu 24 Dec. Acknowledge by: 29 30 31 Dec, 4 5 Jan -> Tue 5 Jan (late on 6 Jan).
#    Respond by, from 5 Jan (when the acknowledgement was due; acknowledging late buys no time):
#    6 7 8 11 12 13 14 15 18 19 -> Tue 19 Jan; extended to Wed 3 Feb (as the case store counts
#    from the late acknowledgement), counted to Tue 2 Feb (the most the Code allows: 20 21 22 25
#    26 27 28 29 Jan, 1 2 Feb); responded 2 Feb: met.
B = complaint("CMP-BBBBB-B", "2026-12-24", acknowledged_at="2027-01-06",
              responded_at="2027-02-02", extensions=(Extension(1, d("2027-02-03")),))
# C: received Mon 21 Dec. Acknowledge by: 22 23 24 29 30 -> Wed 30 Dec (met on 30 Dec; counting
#    25 and 28 Dec as working days would make it late). Respond by, from 30 Dec:
#    31 Dec, 4 5 6 7 8 11 12 13 14 Jan -> Thu 14 Jan; responded 15 Jan: late.
C = complaint("CMP-CCCCC-C", "2026-12-21", acknowledged_at="2026-12-30", responded_at="2027-01-15")
# D: received Tue 22 Dec, acknowledged 23 Dec. Respond by: 24 29 30 31 Dec, 4 5 6 7 8 11 Jan ->
#    Mon 11 Jan. Extended (by a typed date) to 5 Feb, beyond the Code's 10 working days (to
#    Mon 25 Jan): counted to 25 Jan only, so the response on 1 Feb is late.
D = complaint("CMP-DDDDD-D", "2026-12-22", acknowledged_at="2026-12-23",
              responded_at="2027-02-01", extensions=(Extension(1, d("2027-02-05")),))
# E: received Tue 29 Dec, never acknowledged. Acknowledge by: 30 31 Dec, 4 5 6 Jan -> Wed 6 Jan.
#    Respond by (from the acknowledgement deadline): 7 8 11 12 13 14 15 18 19 20 -> Wed 20 Jan.
E = complaint("CMP-EEEEE-E", "2026-12-29")
# F: stage 1 in early December, then stage 2 asked for on Thu 17 Dec. Stage 2 acknowledge by:
#    18 21 22 23 24 Dec -> Thu 24 Dec (late on 29 Dec). Stage 2 respond by, from 24 Dec (when the
#    acknowledgement was due): 29 30 31 Dec, 4 5 6 7 8 11 12 13 14 15 18 19 20 21 22 25 26 Jan ->
#    Tue 26 Jan; responded 27 Jan: late (counted from the late acknowledgement it would not be).
#    Its stage 1: received Tue 1 Dec, acknowledged 2 Dec, respond by 16 Dec, responded 10 Dec.
F = complaint("CMP-FFFFF-F", "2026-12-01", acknowledged_at="2026-12-02", responded_at="2026-12-10",
              stage2_requested_at="2026-12-17", stage2_acknowledged_at="2026-12-29",
              stage2_responded_at="2027-01-27", stage=2, status="responded")
# G: under seed 003's policy, stage 1 is answered within 10 working days of *receipt*: received
#    Wed 23 Dec -> 24 29 30 31 Dec, 4 5 6 7 8 11 Jan -> Mon 11 Jan; responded 15 Jan: late under
#    the landlord's policy, but within the Code's (from the acknowledgement on 4 Jan: 18 Jan).
G = complaint("CMP-GGGGG-G", "2026-12-23", acknowledged_at="2027-01-04",
              responded_at="2027-01-15", policy_profile="seed-003-landlord")
# H: not accepted (too old): not counted in CH01 nor in the timeliness figures.
H = complaint("CMP-HHHHH-H", "2026-12-30", status="not accepted", closed_at="2027-01-04")
# Other kinds of feedback, and a complaint about another service.
OTHERS = [
    CaseFacts("SRQ-11111-1", "service_request", at("2026-12-24"), channel="socketio"),
    CaseFacts("SRQ-22222-2", "service_request", at("2027-01-05"), channel="facebook"),
    CaseFacts("CPL-33333-3", "compliment", at("2027-01-05", hour=23), channel="socketio"),
    CaseFacts("ASB-44444-4", "asb_report", at("2027-02-14"), service="housing"),
]
CARE = complaint("CMP-IIIII-I", "2027-01-07", service="care", policy_profile="housing-ombudsman-code")
COMPLAINTS = [A, B, C, D, E, F, G, H]
ALL = COMPLAINTS + OTHERS


def test_stage_deadlines_count_working_days_around_christmas():
    assert reports.stage1_deadlines(A, CODE) == reports.StageDeadlines(d("2027-01-04"), d("2027-01-18"))
    assert reports.stage1_deadlines(B, CODE) == reports.StageDeadlines(d("2027-01-05"), d("2027-02-02"))
    assert reports.stage1_deadlines(C, CODE) == reports.StageDeadlines(d("2026-12-30"), d("2027-01-14"))
    assert reports.stage1_deadlines(D, CODE).response_by == d("2027-01-25")  # the permitted maximum
    assert reports.stage1_deadlines(E, CODE) == reports.StageDeadlines(d("2027-01-06"), d("2027-01-20"))
    assert reports.stage2_deadlines_of(F, CODE) == reports.StageDeadlines(d("2026-12-24"), d("2027-01-26"))
    assert reports.stage1_deadlines(G, SEED3).response_by == d("2027-01-11")
    assert reports.stage1_deadlines(G, CODE).response_by == d("2027-01-18")


def test_a_changed_profile_under_the_same_name_does_not_reuse_remembered_deadlines():
    """The deadlines are remembered by what a profile says, not by its name or the object: a
    profile changed under the same name is counted afresh, while one loaded again (another
    object, the same settings) gives the same deadlines."""
    assert reports.stage1_deadlines(E, CODE) == reports.StageDeadlines(d("2027-01-06"), d("2027-01-20"))
    slower = CODE.copy(update={"stage1": CODE.stage1.copy(update={"acknowledge_working_days": 10})},
                       deep=True)
    assert slower.name == CODE.name
    # E, received Tue 29 Dec: acknowledge by 30 31 Dec, 4 5 6 7 8 11 12 13 Jan -> Wed 13 Jan;
    # respond by (from then) 14 15 18 19 20 21 22 25 26 27 Jan -> Wed 27 Jan.
    assert reports.stage1_deadlines(E, slower) == reports.StageDeadlines(d("2027-01-13"),
                                                                         d("2027-01-27"))
    assert reports.stage_outcomes(E, slower, d("2027-01-08"))["stage1_acknowledged"] == "not yet due"
    # The original (and a fresh copy of it) still gets its own deadlines.
    assert reports.stage1_deadlines(E, CODE).acknowledge_by == d("2027-01-06")
    reloaded = load_profile("housing-ombudsman-code")
    assert reloaded is not CODE
    assert reports.stage1_deadlines(E, reloaded) == reports.stage1_deadlines(E, CODE)


def test_outcomes_of_each_complaint():
    today = d("2027-01-08")
    assert reports.stage_outcomes(A, CODE, today) == {"stage1_acknowledged": "met",
                                                      "stage1_responded": "met"}
    assert reports.stage_outcomes(B, CODE, today) == {"stage1_acknowledged": "late",
                                                      "stage1_responded": "met"}
    assert reports.stage_outcomes(C, CODE, today)["stage1_responded"] == "late"
    assert reports.stage_outcomes(D, CODE, today)["stage1_responded"] == "late"
    # E on Fri 8 Jan: the acknowledgement (due 6 Jan) is overdue; the response is not yet due.
    assert reports.stage_outcomes(E, CODE, today) == {"stage1_acknowledged": "overdue",
                                                      "stage1_responded": "not yet due"}
    assert reports.stage_outcomes(E, CODE, d("2027-01-21"))["stage1_responded"] == "overdue"
    assert reports.stage_outcomes(F, CODE, today) == {
        "stage1_acknowledged": "met", "stage1_responded": "met",
        "stage2_acknowledged": "late", "stage2_responded": "late"}
    assert reports.stage_outcomes(H, CODE, today) == {}


def test_a_late_acknowledgement_buys_no_time_to_respond():
    # Received Tue 1 Dec: acknowledge by 2 3 4 7 8 Dec -> Tue 8 Dec; respond by 9 10 11 14 15 16
    # 17 18 21 22 Dec -> Tue 22 Dec. Acknowledged on Fri 5 Feb and answered on Thu 18 Feb: within
    # 10 working days of that acknowledgement, but two months after the response was due.
    late = complaint("CMP-LLLLL-L", "2026-12-01", acknowledged_at="2027-02-05",
                     responded_at="2027-02-18")
    assert reports.stage1_deadlines(late, CODE) == reports.StageDeadlines(d("2026-12-08"),
                                                                          d("2026-12-22"))
    assert reports.stage_outcomes(late, CODE, d("2027-03-01")) == {
        "stage1_acknowledged": "late", "stage1_responded": "late"}
    figures = reports.tsm([late], CODE, homes=1000, period=Period(d("2027-02-01"), d("2027-02-28")))
    assert (figures.stage1_responded_in_time, figures.stage1_responded) == (0, 1)
    # Acknowledged early, it counts from the acknowledgement as before: Wed 2 Dec -> Wed 16 Dec.
    early = complaint("CMP-MMMMM-M", "2026-12-01", acknowledged_at="2026-12-02")
    assert reports.stage1_deadlines(early, CODE).response_by == d("2026-12-16")


def test_a_stage_that_ends_without_the_action_counts_only_if_it_ended_late():
    # Closed on Wed 30 Dec, before its acknowledgement was due (Mon 4 Jan): not counted.
    early = complaint("CMP-JJJJJ-J", "2026-12-23", status="closed", closed_at="2026-12-30")
    assert reports.stage_outcomes(early, CODE, d("2027-03-01")) == {
        "stage1_acknowledged": "not counted", "stage1_responded": "not counted"}
    # Escalated to stage 2 on 20 Jan without a stage 1 response due on 18 Jan: late.
    escalated = complaint("CMP-KKKKK-K", "2026-12-23", acknowledged_at="2027-01-04",
                          stage2_requested_at="2027-01-20", stage=2, status="new")
    assert reports.stage_outcomes(escalated, CODE, d("2027-01-21"))["stage1_responded"] == "late"


def test_policy_timeliness_uses_each_case_s_own_profile():
    period = Period(d("2026-12-01"), d("2027-02-28"))
    tallies = reports.timeliness(ALL, PROFILES.__getitem__, period, today=d("2027-02-10"))
    ack1, resp1 = tallies["stage1_acknowledged"], tallies["stage1_responded"]
    # Acknowledged: A, C, D, F, G in time; B late; E overdue. H (not accepted) is left out.
    assert (ack1.met, ack1.late, ack1.overdue, ack1.not_yet_due) == (5, 1, 1, 0)
    assert ack1.share == Fraction(5, 7)
    assert sorted(ack1.references["met"]) == ["CMP-AAAAA-A", "CMP-CCCCC-C", "CMP-DDDDD-D",
                                              "CMP-FFFFF-F", "CMP-GGGGG-G"]
    # Responded: A, B (extended), F in time; C, D and G (under seed 003) late; E overdue.
    assert (resp1.met, resp1.late, resp1.overdue) == (3, 3, 1)
    assert sorted(resp1.references["late"]) == ["CMP-CCCCC-C", "CMP-DDDDD-D", "CMP-GGGGG-G"]
    assert reports.percent(resp1.share) == "42.9%"
    ack2, resp2 = tallies["stage2_acknowledged"], tallies["stage2_responded"]
    assert (ack2.met, ack2.late, resp2.met, resp2.late) == (0, 1, 0, 1)


def test_tsm_ch01_and_ch02():
    period = Period(d("2026-12-01"), d("2027-02-28"))
    figures = reports.tsm(ALL + [CARE], CODE, homes=2500, period=period)
    # CH01: A B C D E F G received at stage 1 (H not accepted, CARE is about care); F reached stage 2.
    assert (figures.stage1_received, figures.stage2_received, figures.not_counted) == (7, 1, 1)
    assert figures.ch01_stage1 == Fraction(7 * 1000, 2500)
    assert reports.per_thousand(figures.ch01_stage1) == "2.8"
    assert reports.per_thousand(figures.ch01_stage2) == "0.4"
    # CH02 stage 1: responses by A, B, C, D, F, G; in the Code's timescales: A, B (extension
    # within the Code's limit), F and G (the Code counts from the acknowledgement).
    assert (figures.stage1_responded_in_time, figures.stage1_responded) == (4, 6)
    assert reports.percent(figures.ch02_stage1) == "66.7%"
    assert (figures.stage2_responded_in_time, figures.stage2_responded) == (0, 1)   # F: late
    # The period decides: in January 2027 only A, C and G responded (B and D did in February).
    january = reports.tsm(ALL, CODE, homes=2500, period=Period(d("2027-01-01"), d("2027-01-31")))
    assert (january.stage1_responded_in_time, january.stage1_responded) == (2, 3)
    assert january.stage1_received == 0 and january.stage2_received == 0
    table = reports.tsm_table(figures)
    assert table.rows[0][-1] == "2.8" and table.rows[2][-1] == "66.7%"


def test_ch01_leaves_out_only_complaints_never_accepted_at_that_stage():
    period = Period(d("2026-12-01"), d("2027-02-28"))
    # Accepted and answered at stage 1; a stage 2 request after the window was then refused.
    refused_stage2 = complaint("CMP-NNNNN-N", "2026-12-01", acknowledged_at="2026-12-02",
                               responded_at="2026-12-10", stage2_requested_at="2027-02-01",
                               status="not accepted", closed_at="2027-02-03")
    # Taken to stage 2, then found to be outside the policy before stage 2 acknowledged it.
    refused_at_stage2 = complaint("CMP-OOOOO-O", "2026-12-01", acknowledged_at="2026-12-02",
                                  responded_at="2026-12-10", stage2_requested_at="2026-12-15",
                                  stage=2, status="not accepted", closed_at="2026-12-16")
    # Accepted at stage 2 (acknowledged), then closed: counted at both stages.
    closed_at_stage2 = complaint("CMP-PPPPP-P", "2026-12-01", acknowledged_at="2026-12-02",
                                 responded_at="2026-12-10", stage2_requested_at="2026-12-15",
                                 stage2_acknowledged_at="2026-12-16", stage=2, status="closed",
                                 closed_at="2027-01-05")
    figures = reports.tsm([refused_stage2, refused_at_stage2, closed_at_stage2, H], CODE,
                          homes=1000, period=period)
    # Stage 1: all three were accepted (H never was); stage 2: only the last one.
    assert (figures.stage1_received, figures.stage2_received, figures.not_counted) == (3, 1, 1)
    assert not H.accepted_at_stage1 and refused_stage2.accepted_at_stage1
    assert not refused_stage2.accepted_at_stage2 and not refused_at_stage2.accepted_at_stage2


def test_no_homes_and_no_responses_give_no_figure_rather_than_a_division_by_zero():
    figures = reports.tsm([], CODE, homes=0, period=Period(d("2027-01-01"), d("2027-01-31")))
    assert figures.ch01_stage1 is None and figures.ch02_stage1 is None
    assert [row[-1] for row in reports.tsm_table(figures).rows] == [
        reports.HOMES_NOT_SET, reports.HOMES_NOT_SET, "-", "-"]


def test_without_the_number_of_homes_ch01_shows_the_counts_and_no_rate():
    period = Period(d("2026-12-01"), d("2027-02-28"))
    figures = reports.tsm(ALL, CODE, homes=None, period=period)
    assert (figures.stage1_received, figures.stage2_received) == (7, 1)
    assert figures.ch01_stage1 is None and figures.ch01_stage2 is None
    rows = reports.tsm_table(figures).rows
    assert rows[0][2:] == ("7 complaints", "Set the number of homes (Settings) to see CH01 per "
                                           "1,000 homes")
    assert rows[1][2:] == ("1 complaint", reports.HOMES_NOT_SET)
    assert rows[2][-1] == "66.7%"                     # CH02 needs no number of homes


def test_counts_by_type_service_channel_and_month():
    period = Period(d("2026-12-01"), d("2027-01-31"))
    by_type = reports.counts_by(ALL + [CARE], period, "case_type", reports.CASE_TYPES)
    # The ASB report of 14 Feb is outside the period; the compliment at 11pm on 5 Jan is in it.
    assert by_type == {"complaint": 9, "service_request": 2, "asb_report": 0, "comment": 0,
                       "compliment": 1}
    assert reports.counts_by(ALL + [CARE], period, "service", ("housing", "care")) == {
        "housing": 11, "care": 1}
    assert reports.counts_by(ALL, period, "channel") == {"facebook": 1, "rest": 8, "socketio": 2}
    months = reports.monthly_volumes(ALL + [CARE], period)
    assert [m["label"] for m in months] == ["December 2026", "January 2027"]
    assert months[0]["counts"]["complaint"] == 8 and months[0]["counts"]["service_request"] == 1
    assert months[1]["counts"] == {"complaint": 1, "service_request": 1, "asb_report": 0,
                                   "comment": 0, "compliment": 1}
    assert months[1]["total"] == 3
    table = reports.monthly_table(months, reports.CASE_TYPES)
    assert table.columns[0] == "Month" and table.rows[1] == ("January 2027", 1, 1, 0, 0, 1, 3)
    counted = reports.count_table("by-type", "By type", "Type", by_type)
    assert counted.rows[-1] == ("Total", 12, "100.0%")


def test_a_late_evening_case_counts_on_its_uk_date():
    # 11:30pm on 31 January in London is still January (it is 23:30 UTC in winter); 00:30 on
    # 1 July in London is 30 June 23:30 UTC, and belongs to July.
    winter = CaseFacts("CMT-AAAAA-A", "comment", at("2027-01-31", hour=23))
    summer = CaseFacts("CMT-BBBBB-B", "comment",
                       datetime(2027, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert winter.received == d("2027-01-31") and summer.received == d("2027-07-01")


def test_the_reporting_year_runs_from_april_to_march():
    assert Period.financial_year(d("2026-11-23")) == Period(d("2026-04-01"), d("2026-11-23"))
    assert Period.financial_year(d("2027-02-01")) == Period(d("2026-04-01"), d("2027-02-01"))
    assert Period.financial_year(d("2027-04-01")) == Period(d("2027-04-01"), d("2027-04-01"))
    with pytest.raises(ValueError):
        Period(d("2027-02-01"), d("2027-01-01"))


def test_facts_from_a_real_case_store_history(tmp_path):
    """Build B through the case store itself (moving its clock across Christmas): filing,
    acknowledgement, a policy extension and the response give the same facts and figures."""
    from bot.cases.db import make_engine, upgrade
    from bot.cases.store import CaseStore
    from bot.cases.submission import CaseSubmission

    moment = {"now": at("2026-12-24")}
    engine = make_engine(f"sqlite:///{tmp_path / 'cases.db'}")
    upgrade(engine)
    store = CaseStore(engine, clock=lambda: moment["now"], forward=False)
    case, _ = store.file_case(CaseSubmission(case_type="complaint", channel="rest",
                                             conversation_id="c1", description="x"), CODE)
    assert case.deadlines["acknowledge_by"] == "2027-01-05"
    moment["now"] = at("2027-01-06")
    acknowledged = store.acknowledge(case.reference, "staff:amy")
    # A day late: the response still counts from 5 January, on the case as in the reports.
    assert acknowledged.deadlines["stage1_response_by"] == "2027-01-19"
    moment["now"] = at("2027-01-19")
    extended = store.extend(case.reference, "staff:amy", "explained")
    assert extended.deadlines["stage1_response_by"] == "2027-02-02"
    moment["now"] = at("2027-02-02")
    store.record_response(case.reference, "staff:amy", "sorted")
    full = store.find_by_reference(case.reference, with_history=True)
    facts = CaseFacts.from_case(full, full.events)
    assert facts.extensions == (Extension(1, d("2027-02-02")),)
    assert (facts.received, facts.day("acknowledged_at"), facts.day("responded_at")) == (
        d("2026-12-24"), d("2027-01-06"), d("2027-02-02"))
    assert reports.stage_outcomes(facts, CODE, d("2027-03-01")) == {
        "stage1_acknowledged": "late", "stage1_responded": "met"}
    engine.dispose()
