"""What the resident is told after filing: the reference, real dates from the profile, and for a
complaint the ombudsman; nothing hard-coded."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from bot.intake.replies import after_filing
from bot.policy import deadlines, load_profile
from bot.policy.wording import format_date

FILED = datetime(2026, 12, 18, 15, 0, tzinfo=timezone.utc)  # a Friday before Christmas


def case(**fields):
    base = dict(case_type="complaint", reference="CMP-7KQ4M-X", created_at=FILED, service="housing",
                exclusion=None, anonymous=False, representative_name=None, representative_consent=None,
                urgent=False, awaab_category=None, deadlines={})
    return SimpleNamespace(**{**base, **fields})


def said(messages) -> str:
    return "\n".join(m["text"] for m in messages)


def test_a_complaint_is_told_its_dates_and_the_ombudsman():
    profile = load_profile("housing-ombudsman-code")
    text = said(after_filing(profile, case(), {}))
    expected = deadlines.complaint_deadlines(profile, date(2026, 12, 18))
    assert "CMP-7KQ4M-X" in text
    assert format_date(expected["acknowledge_by"]) in text  # over Christmas and Boxing Day
    assert "Housing Ombudsman" in text


def test_an_excluded_complaint_is_told_when_a_person_will_decide():
    profile = load_profile("housing-ombudsman-code")
    text = said(after_filing(profile, case(exclusion="too_old"), {}))
    decide_by = deadlines.not_accepted_reply_by(profile, date(2026, 12, 18))
    assert f"by {format_date(decide_by)}" in text and "member of staff will first decide" in text


def test_a_care_complaint_is_told_about_the_lgsco():
    profile = load_profile("housing-plus-group")
    text = said(after_filing(profile, case(service="care"), {}))
    assert "Local Government and Social Care Ombudsman" in text


def test_other_kinds_are_told_the_profiles_contact_date_unless_anonymous():
    profile = load_profile("housing-plus-group")  # comments are acknowledged within 5 working days
    targets = deadlines.case_deadlines(profile, "comment", FILED)
    assert set(targets) == {"acknowledge_by"}
    comment = case(case_type="comment", reference="CMT-8J9KT-6",
                   deadlines={k: v.isoformat() for k, v in targets.items()})
    text = said(after_filing(profile, comment, {}))
    assert f"We will contact you by {format_date(targets['acknowledge_by'])}" in text
    assert "next review" in text
    anonymous = said(after_filing(profile, case(**{**vars(comment), "anonymous": True}), {}))
    assert "We will contact you" not in anonymous


def test_an_asb_report_is_told_who_deals_with_it():
    profile = load_profile("housing-plus-group")
    text = said(after_filing(profile, case(case_type="asb_report", reference="ASB-8J9KT-6", urgent=True), {}))
    assert "neighbourhood officer" in text and "999" in text
