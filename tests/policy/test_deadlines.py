"""Deadlines under the profiles, with dates worked out by hand from DOMAIN.md's bank holidays."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.policy import PolicyError, load_profile
from bot.policy.deadlines import (
    awaab_deadlines, case_deadlines, complaint_deadlines, consumer_code_deadlines,
    director_contact_by, extend, extend_stage1, extend_stage2, extension_reasons,
    not_accepted_reply_by, repair_deadline, stage2_deadlines, stage2_request_by,
    stage2_request_in_time, uk_date,
)


@pytest.fixture(scope="module")
def seed3():
    return load_profile("seed-003-landlord")


@pytest.fixture(scope="module")
def seed4():
    return load_profile("seed-004-landlord")


# --- stage 1 ------------------------------------------------------------------------------------

def test_complaint_over_christmas_2026(code):
    # Wed 23 Dec 2026: acknowledge by Mon 4 Jan (24, 29, 30, 31, 4); respond 10 working days
    # later: 5-8 (4), 11-15 (9), Mon 18 Jan; extended 10 more: 19-22 (4), 25-29 (9), Mon 1 Feb.
    assert complaint_deadlines(code, date(2026, 12, 23)) == {
        "acknowledge_by": date(2027, 1, 4),
        "stage1_response_by": date(2027, 1, 18),
        "stage1_extended_response_by": date(2027, 2, 1),
    }


def test_response_counts_from_the_actual_acknowledgement_when_given(code):
    # Acknowledged early, on Tue 29 Dec: 30, 31 (2), 4-8 Jan (7), 11, 12, 13 (10).
    found = complaint_deadlines(code, date(2026, 12, 23), acknowledged=date(2026, 12, 29))
    assert found["acknowledge_by"] == date(2027, 1, 4)
    assert found["stage1_response_by"] == date(2027, 1, 13)
    assert found["stage1_extended_response_by"] == date(2027, 1, 27)


def test_stage2_request_by_only_with_a_stage1_response(code, seed3):
    assert "stage2_request_by" not in complaint_deadlines(code, date(2027, 1, 4))
    # 20 working days from Fri 15 Jan 2027: 18-22 (5), 25-29 (10), 1-5 Feb (15), 8-12 Feb (20).
    found = complaint_deadlines(code, date(2026, 12, 23), stage1_response=date(2027, 1, 15))
    assert found["stage2_request_by"] == date(2027, 2, 12)
    assert list(found) == ["acknowledge_by", "stage1_response_by", "stage1_extended_response_by",
                           "stage2_request_by"]
    # Seed 003: 28 calendar days, across the end of February 2028 (a leap year).
    assert stage2_request_by(seed3, date(2028, 2, 1)) == date(2028, 2, 29)


def test_seed_003_counts_the_response_from_receipt(seed3):
    # Wed 23 Dec 2026 + 10 working days: 24, 29, 30, 31, 4, 5, 6, 7, 8, Mon 11 Jan.
    found = complaint_deadlines(seed3, date(2026, 12, 23), acknowledged=date(2026, 12, 24))
    assert found["stage1_response_by"] == date(2027, 1, 11)


def test_dates_before_receipt_are_refused(code):
    with pytest.raises(ValueError, match="before received"):
        complaint_deadlines(code, date(2027, 1, 10), acknowledged=date(2027, 1, 9))
    with pytest.raises(ValueError, match="before received"):
        complaint_deadlines(code, date(2027, 1, 10), stage1_response=date(2027, 1, 1))


def test_easter_and_may_bank_holidays_in_a_complaint(code):
    # Thu 25 Mar 2027: 30, 31 Mar, 1, 2, Mon 5 Apr. Then 10: 6-9 (4), 12-16 (9), Mon 19 Apr.
    found = complaint_deadlines(code, date(2027, 3, 25))
    assert found["acknowledge_by"] == date(2027, 4, 5)
    assert found["stage1_response_by"] == date(2027, 4, 19)
    # Extended 10 more: 20-23 (4), 26-30 (9), [Mon 3 May bank holiday], Tue 4 May (10).
    assert found["stage1_extended_response_by"] == date(2027, 5, 4)


def test_scotland_counts_its_own_holidays(code):
    scottish = code.copy(update={"bank_holiday_region": "scotland"})
    # Wed 31 Dec 2025: England 2, 5, 6, 7, 8 Jan; Scotland (2 Jan a holiday) 5, 6, 7, 8, 9 Jan.
    assert complaint_deadlines(code, date(2025, 12, 31))["acknowledge_by"] == date(2026, 1, 8)
    assert complaint_deadlines(scottish, date(2025, 12, 31))["acknowledge_by"] == date(2026, 1, 9)


# --- filing a case ----------------------------------------------------------------------------------

@pytest.mark.parametrize("filed_at", [
    datetime(2026, 12, 24, 16, 0),      # Thursday before Christmas
    datetime(2026, 12, 25, 10, 30),     # Christmas Day
    datetime(2026, 12, 26, 23, 59),     # Boxing Day, a Saturday
    datetime(2026, 12, 28, 8, 0),       # substitute bank holiday
])
def test_case_filed_at_a_weekend_or_bank_holiday_counts_from_that_day(code, filed_at):
    # From any of these: 29, 30, 31 Dec, 4, 5 Jan.
    assert case_deadlines(code, "complaint", filed_at) == {
        "acknowledge_by": date(2027, 1, 5),
        "stage1_response_by": date(2027, 1, 19),
        "stage1_extended_response_by": date(2027, 2, 2),
    }


def test_case_filed_on_saturday_and_on_friday_share_deadlines(code):
    friday = case_deadlines(code, "complaint", datetime(2027, 1, 8, 9))
    saturday = case_deadlines(code, "complaint", datetime(2027, 1, 9, 9))
    assert friday == saturday
    assert friday["acknowledge_by"] == date(2027, 1, 15)


def test_aware_datetimes_count_on_uk_dates():
    # 23:30 UTC on Tue 30 Jun 2026 is 00:30 on Wed 1 Jul in London (BST).
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)) == date(2026, 7, 1)
    # In winter London is on UTC.
    assert uk_date(datetime(2026, 1, 5, 23, 30, tzinfo=timezone.utc)) == date(2026, 1, 5)
    assert uk_date(datetime(2026, 6, 30, 23, 30)) == date(2026, 6, 30)   # naive: UK time already
    assert uk_date(date(2026, 6, 30)) == date(2026, 6, 30)


def test_case_filed_late_in_a_summer_evening_utc(code):
    utc = case_deadlines(code, "complaint", datetime(2026, 7, 2, 23, 30, tzinfo=timezone.utc))
    london = case_deadlines(code, "complaint", datetime(2026, 7, 3, 0, 30))
    assert utc == london   # Friday 3 July in London: acknowledge by Fri 10 July
    assert utc["acknowledge_by"] == date(2026, 7, 10)


def test_new_build_complaint_follows_the_consumer_code_in_calendar_days(hpg):
    # Wed 23 Dec 2026: the count starts on the first working day after, Thu 24 Dec.
    found = case_deadlines(hpg, "complaint", datetime(2026, 12, 23, 12), service="new-build")
    assert found == {
        "acknowledge_by": date(2026, 12, 29),                 # 24 Dec + 5
        "stage1_response_by": date(2027, 1, 23),              # 24 Dec + 30
        "stage1_extended_response_by": date(2027, 2, 18),     # 24 Dec + 56, the eight-week letter
        "resolution_plan_by": date(2027, 1, 3),               # 24 Dec + 10: kept with the case
    }
    every = consumer_code_deadlines(hpg, date(2026, 12, 23))
    assert every["resolution_plan_by"] == found["resolution_plan_by"]
    assert every["final_by"] == found["stage1_extended_response_by"]
    # No stage 2 under the code.
    assert "stage2_request_by" not in complaint_deadlines(
        hpg, date(2026, 12, 23), stage1_response=date(2027, 1, 20), service="new-build")
    with pytest.raises(PolicyError, match="no stage 2"):
        stage2_deadlines(hpg, date(2027, 1, 20), service="new-build")


def test_care_complaint_follows_the_stages(hpg):
    assert case_deadlines(hpg, "complaint", datetime(2026, 12, 23, 12), service="care") == \
        case_deadlines(hpg, "complaint", datetime(2026, 12, 23, 12))


def test_other_kinds_of_case_get_the_profiles_targets(hpg, code):
    # Housing Plus Group acknowledges feedback within 5 working days.
    assert case_deadlines(hpg, "comment", datetime(2026, 12, 23, 12)) == {"acknowledge_by": date(2027, 1, 4)}
    assert case_deadlines(hpg, "compliment", datetime(2026, 12, 23, 12)) == {"acknowledge_by": date(2027, 1, 4)}
    # No targets in the profile: nothing made up.
    assert case_deadlines(hpg, "service_request", datetime(2026, 12, 23, 12)) == {}
    assert case_deadlines(code, "asb_report", datetime(2026, 12, 23, 12)) == {}


def test_respond_by_for_a_kind_with_a_response_target(code):
    profile = code.copy(update={"case_types": {
        **code.case_types,
        "service_request": code.case_types["service_request"].copy(update={"respond_working_days": 3}),
    }})
    assert case_deadlines(profile, "service_request", datetime(2027, 1, 8, 12)) == {
        "respond_by": date(2027, 1, 13)}


def test_unknown_case_type_or_service(code):
    with pytest.raises(ValueError, match="unknown case type 'moan'"):
        case_deadlines(code, "moan", datetime(2027, 1, 8))
    with pytest.raises(PolicyError, match="no service 'care'"):
        case_deadlines(code, "complaint", datetime(2027, 1, 8), service="care")
    with pytest.raises(PolicyError, match="no service 'care'"):
        case_deadlines(code, "comment", datetime(2027, 1, 8), service="care")


def test_not_accepted_reply_and_director_contact(hpg, code):
    assert not_accepted_reply_by(hpg, date(2026, 12, 23)) == date(2027, 1, 4)
    # 20 working days from Wed 23 Dec 2026: 24, 29, 30, 31 (4), 4-8 (9), 11-15 (14), 18-22 (19), 25 Jan.
    assert director_contact_by(hpg, date(2026, 12, 23)) == date(2027, 1, 25)
    assert director_contact_by(code, date(2026, 12, 23)) is None


# --- stage 2 ------------------------------------------------------------------------------------

def test_stage2_deadlines_with_a_contact_time(seed4):
    # Thu 25 Mar 2027, before Easter: contact 3 (30, 31 Mar, 1 Apr); acknowledge 5 (2, 5 Apr);
    # respond 20 from 5 Apr: 6-9 (4), 12-16 (9), 19-23 (14), 26-30 (19), [3 May], Tue 4 May;
    # extended 20: 5-7 (3), 10-14 (8), 17-21 (13), 24-28 (18), [31 May], 1, 2 Jun.
    assert stage2_deadlines(seed4, date(2027, 3, 25)) == {
        "contact_by": date(2027, 4, 1),
        "acknowledge_by": date(2027, 4, 5),
        "response_by": date(2027, 5, 4),
        "extended_response_by": date(2027, 6, 2),
    }


def test_stage2_deadlines_without_a_contact_time(code):
    found = stage2_deadlines(code, date(2027, 3, 25), acknowledged=date(2027, 3, 30))
    assert "contact_by" not in found
    assert found["acknowledge_by"] == date(2027, 4, 5)
    # From Tue 30 Mar: 31, 1, 2 (3), 5-9 (8), 12-16 (13), 19-23 (18), 26, 27 Apr (20).
    assert found["response_by"] == date(2027, 4, 27)


def test_stage2_window(code, seed3):
    assert stage2_request_in_time(code, date(2027, 1, 15), date(2027, 2, 12))
    assert not stage2_request_in_time(code, date(2027, 1, 15), date(2027, 2, 15))
    assert stage2_request_in_time(seed3, date(2027, 1, 15), datetime(2027, 2, 12, 17))
    assert not stage2_request_in_time(seed3, date(2027, 1, 15), date(2027, 2, 13))


# --- extensions ----------------------------------------------------------------------------------

def test_extension_reasons_come_from_the_profile(hpg, code):
    keys = [key for key, _text in extension_reasons(hpg, 1)]
    assert "third_party_delay" in keys and len(keys) == 9
    assert extension_reasons(hpg, 2) == extension_reasons(hpg, 1)
    assert extension_reasons(code, 1) == [("explained", "A reason explained to the resident, with the new date")]


def test_extend_computes_the_new_date(hpg):
    # Stage 1 due Mon 18 Jan 2027, extended by the full 10 working days: Mon 1 Feb.
    assert extend_stage1(hpg, date(2027, 1, 18), "third_party_delay") == date(2027, 2, 1)
    assert extend_stage1(hpg, date(2027, 1, 18), "third_party_delay", working_days=3) == date(2027, 1, 21)
    # Stage 2 due Tue 4 May 2027, 20 more working days: Wed 2 Jun (31 May a bank holiday).
    assert extend_stage2(hpg, date(2027, 5, 4), "key_staff_absent") == date(2027, 6, 2)
    assert extend(hpg, 2, date(2027, 5, 4), "key_staff_absent") == date(2027, 6, 2)


def test_extend_refuses_what_the_profile_does_not_allow(hpg):
    with pytest.raises(PolicyError, match="not an allowed reason.*allowed: key_staff_absent"):
        extend_stage1(hpg, date(2027, 1, 18), "fancied a holiday")
    with pytest.raises(PolicyError, match="1 to 10 working days"):
        extend_stage1(hpg, date(2027, 1, 18), "third_party_delay", working_days=11)
    with pytest.raises(PolicyError, match="no stage 1 extension"):
        extend_stage1(hpg, date(2027, 1, 18), "third_party_delay", service="new-build")
    with pytest.raises(ValueError, match="stage must be 1 or 2"):
        extend(hpg, 3, date(2027, 1, 18), "third_party_delay")


# --- Awaab's Law and repairs ---------------------------------------------------------------------

def test_awaab_emergency_is_24_hours_to_the_minute(code):
    reported = datetime(2026, 12, 24, 18, 45)
    found = awaab_deadlines(code, reported, "emergency")
    assert found == {"investigate_by": reported + timedelta(hours=24),
                     "make_safe_by": datetime(2026, 12, 25, 18, 45)}   # Christmas Day too


def test_awaab_significant_damp_and_mould(code):
    # Reported Wed 23 Dec 2026, investigated within 10 working days:
    # 24 (1), 29 (2), 30 (3), 31 (4), 4 Jan (5), 5 (6), 6 (7), 7 (8), 8 (9), Mon 11 Jan (10).
    found = awaab_deadlines(code, datetime(2026, 12, 23, 10), "significant")
    assert found["investigate_by"] == date(2027, 1, 11)
    assert found["summary_by"] == date(2027, 1, 14)       # 3 working days after 11 Jan
    assert found["safety_work_by"] == date(2027, 1, 18)   # 5 working days after 11 Jan
    # Counted from the actual investigation when known: Thu 31 Dec -> 4, 5, 6 Jan; 4..8 Jan.
    found = awaab_deadlines(code, datetime(2026, 12, 23, 10), "significant", investigated=date(2026, 12, 31))
    assert found["summary_by"] == date(2027, 1, 6)
    assert found["safety_work_by"] == date(2027, 1, 8)


def test_awaab_refuses_unknown_severity_and_profiles_without_it(code):
    with pytest.raises(ValueError, match="'emergency' or 'significant'"):
        awaab_deadlines(code, datetime(2027, 1, 4), "mild")
    without = code.copy(update={"repairs": code.repairs.copy(update={"awaabs_law": None})})
    with pytest.raises(PolicyError, match="does not apply Awaab's Law"):
        awaab_deadlines(without, datetime(2027, 1, 4), "emergency")


def test_repair_priorities_when_a_profile_has_them(code):
    from bot.policy.schema import RepairPriority

    priorities = [RepairPriority(key="emergency", name="Emergency", within_hours=24),
                  RepairPriority(key="urgent", name="Urgent", within_working_days=3),
                  RepairPriority(key="routine", name="Routine", within_calendar_days=28)]
    profile = code.copy(update={"repairs": code.repairs.copy(update={"priorities": priorities})})
    reported = datetime(2026, 12, 24, 9)
    assert repair_deadline(profile, "emergency", reported) == datetime(2026, 12, 25, 9)
    assert repair_deadline(profile, "urgent", reported) == date(2026, 12, 31)
    assert repair_deadline(profile, "routine", reported) == date(2027, 1, 21)
    with pytest.raises(PolicyError, match="no repair priority 'soon'"):
        repair_deadline(profile, "soon", reported)
