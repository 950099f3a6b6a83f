"""What residents are told: dates in words, and every fact from the profile."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.intake.replies import emergency_advice
from bot.policy import PolicyError, load_profile
from bot.policy.wording import (
    awaab_text, case_next_steps, complaint_next_steps, contact_channels_text, days_text,
    exclusion_text, extension_text, format_date, format_datetime, format_time,
    join_words, ombudsman_text, stage2_next_steps, stage2_window_text, timescales_text,
)


def test_format_date_has_no_leading_zero():
    assert format_date(date(2027, 1, 4)) == "Monday 4 January 2027"
    assert format_date(date(2028, 2, 29)) == "Tuesday 29 February 2028"
    assert format_date(datetime(2026, 12, 25, 10)) == "Friday 25 December 2026"


def test_format_time_and_datetime():
    assert format_time(datetime(2027, 1, 4, 15)) == "3pm"
    assert format_time(datetime(2027, 1, 4, 9, 5)) == "9:05am"
    assert format_time(datetime(2027, 1, 4, 12)) == "midday"
    assert format_time(datetime(2027, 1, 4, 0)) == "midnight"
    assert format_datetime(datetime(2027, 1, 4, 15, 30)) == "3:30pm on Monday 4 January 2027"
    # Aware datetimes are shown in UK time (BST in summer).
    assert format_datetime(datetime(2026, 7, 1, 14, 0, tzinfo=timezone.utc)) == "3pm on Wednesday 1 July 2026"


def test_small_helpers():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"
    assert days_text(1) == "1 working day"
    assert days_text(28, "calendar") == "28 calendar days"


def test_complaint_next_steps_with_real_dates(code):
    text = complaint_next_steps(code, datetime(2026, 12, 23, 14))
    assert text.startswith("We will acknowledge your complaint by Monday 4 January 2027 and send "
                           "you our response by Monday 18 January 2027.")
    assert "no later than Monday 1 February 2027" in text


def test_complaint_next_steps_from_a_bank_holiday(code):
    text = complaint_next_steps(code, datetime(2026, 12, 25, 10))
    assert "acknowledge your complaint by Tuesday 5 January 2027" in text


def test_new_build_next_steps_follow_the_consumer_code(hpg):
    text = complaint_next_steps(hpg, datetime(2026, 12, 23, 14), "new-build")
    assert "acknowledge your complaint by Tuesday 29 December 2026" in text
    assert "tell you how we plan to resolve it by Sunday 3 January 2027" in text
    assert "full response by Saturday 23 January 2027" in text
    assert "not resolved by Thursday 18 February 2027, you can take it to the New Homes Ombudsman Service" in text


def test_case_next_steps_for_other_kinds(hpg, code):
    comment = case_next_steps(hpg, "comment", datetime(2026, 12, 23, 14))
    assert comment == ("We will consider your comment when we next review the relevant policy. "
                       "We will acknowledge it by Monday 4 January 2027.")
    asb = case_next_steps(hpg, "asb_report", datetime(2026, 12, 23, 14))
    assert "your local neighbourhood officer" in asb
    filed = datetime(2026, 12, 23)
    assert case_next_steps(code, "complaint", filed) == complaint_next_steps(code, filed)
    assert "raise a complaint" in case_next_steps(code, "service_request", datetime(2026, 12, 23))


def test_timescales_in_numbers(code, hpg):
    text = timescales_text(code)
    assert "within 5 working days" in text and "within 10 working days of acknowledging it" in text
    assert "stage 2 within 20 working days" in text
    seed3 = timescales_text(load_profile("seed-003-landlord"))
    assert "within 10 working days of receiving it" in seed3 and "28 calendar days" in seed3
    new_build = timescales_text(hpg, "new-build")
    assert "New Homes Quality Code" in new_build and "5 calendar days" in new_build


def test_stage2_window_and_reasons(code):
    text = stage2_window_text(code, date(2027, 1, 15))
    assert "within 20 working days of our stage 1 response, that is by Friday 12 February 2027" in text
    assert "You do not have to give reasons" in text
    seed3 = stage2_window_text(load_profile("seed-003-landlord"))
    assert "28 calendar days" in seed3 and "ask you for your reasons" in seed3
    assert "may be extended" in seed3


def test_stage2_next_steps(code):
    seed4 = stage2_next_steps(load_profile("seed-004-landlord"), datetime(2027, 3, 25, 11))
    assert seed4.startswith("We will contact you by Thursday 1 April 2027")
    assert "acknowledge your request by Monday 5 April 2027" in seed4
    assert "final response by Tuesday 4 May 2027" in seed4
    assert "contact you" not in stage2_next_steps(code, datetime(2027, 3, 25, 11))


def test_ombudsman_text_per_service(hpg):
    housing = ombudsman_text(hpg)
    assert "Housing Ombudsman" in housing and "0300 111 3000" in housing
    assert "PO Box 1484, Unit D, Preston, PR2 0ET" in housing
    assert "www.housing-ombudsman.org.uk" in housing
    care = ombudsman_text(hpg, "care")
    assert "Local Government and Social Care Ombudsman" in care and "0300 061 0614" in care
    assert "Monday to Friday, 10am to 4pm" in care and "PO Box 4771, Coventry, CV4 0EH" in care
    assert "Care Quality Commission (CQC)" in care and "enquiries@cqc.org.uk" in care
    assert "regulatory issue" in care
    assert "Housing Ombudsman" not in care
    new_build = ombudsman_text(hpg, "new-build")
    for detail in ("New Homes Ombudsman Service", "www.nhos.org.uk", "customer.services@nhos.org.uk"):
        assert detail in new_build


def test_contact_channels_from_the_profile(hpg, code):
    text = contact_channels_text(hpg)
    assert text.startswith("You can contact Housing Plus Group by phone on 0800 048 8955")
    for part in ("feedback@housingplusgroup.co.uk", "Acton Gate, Stafford, ST18 9AP", "Facebook",
                 "online chat", "in person"):
        assert part in text
    assert contact_channels_text(code) == ("You can contact the landlord by phone, by e-mail, using "
                                           "the online form, by post, in person (to any member of "
                                           "staff) or on social media.")


def test_exclusion_text_fills_in_the_time_limit(code, hpg):
    text = exclusion_text(code, "too_old")
    assert "within 12 months" in text and "{" not in text
    assert text.endswith("you can ask the Housing Ombudsman to look at it.")
    assert "24 months" in exclusion_text(hpg, "too_old", "new-build")
    assert "court" in exclusion_text(code, "legal_proceedings", with_ombudsman=False)
    assert "already" in exclusion_text(code, "already_investigated")
    with pytest.raises(PolicyError, match="no exclusion"):
        exclusion_text(code, "because")


def test_awaab_text(code):
    emergency = awaab_text(code, "emergency", datetime(2026, 12, 24, 18, 45))
    assert emergency.endswith("within 24 hours: by 6:45pm on Friday 25 December 2026.")
    significant = awaab_text(code, "significant", datetime(2026, 12, 23, 10))
    assert "investigated within 10 working days, by Monday 11 January 2027" in significant
    assert "3 working days" in significant and "5 working days" in significant


def test_extension_text_names_the_reason_date_and_ombudsman(hpg):
    text = extension_text(hpg, 1, date(2027, 2, 1), "third_party_delay")
    assert "a delay in receiving relevant information from a third party" in text
    assert "respond by Monday 1 February 2027" in text and "0300 111 3000" in text
    with pytest.raises(PolicyError):
        extension_text(hpg, 1, date(2027, 2, 1), "whim")


@pytest.mark.parametrize("name", ["housing-ombudsman-code", "housing-plus-group",
                                  "seed-003-landlord", "seed-004-landlord"])
def test_every_sentence_builds_for_every_profile_and_service(name):
    profile = load_profile(name)
    when = datetime(2027, 3, 25, 11)
    for service in profile.services:
        assert complaint_next_steps(profile, when, service)
        assert ombudsman_text(profile, service)
        assert timescales_text(profile, service)
        for key in profile.exclusions:
            assert "{" not in exclusion_text(profile, key, service)
    for kind in ("complaint", "service_request", "asb_report", "comment", "compliment"):
        case_next_steps(profile, kind, when)
    assert contact_channels_text(profile) and emergency_advice(profile)
    assert stage2_window_text(profile, date(2027, 4, 1)) and stage2_next_steps(profile, when)
    assert awaab_text(profile, "significant", when)
