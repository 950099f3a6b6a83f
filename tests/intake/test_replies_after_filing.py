"""What the resident is told after filing: the reference, real dates from the profile, and for a
complaint the ombudsman; nothing hard-coded."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from bot.intake.replies import after_filing, danger_advice, emergency_advice
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
    assert f"We will acknowledge your comment by {format_date(targets['acknowledge_by'])}" in text
    assert "next review" in text
    anonymous = said(after_filing(profile, case(**{**vars(comment), "anonymous": True}), {}))
    assert "We will acknowledge your comment" not in anonymous
    # Told what they can and cannot do later, and how to reach us instead.
    assert "can't contact you" in anonymous and "won't be able to check on it" in anonymous


def test_every_ending_says_what_happens_next_with_dates():
    profile = load_profile("demo-landlord")
    asb_targets = deadlines.case_deadlines(profile, "asb_report", FILED)
    asb = case(case_type="asb_report", reference="ASB-8J9KT-6",
               deadlines={k: v.isoformat() for k, v in asb_targets.items()})
    assert (f"The neighbourhood team will contact you by {format_date(asb_targets['acknowledge_by'])}"
            in said(after_filing(profile, asb, {})))
    repair = case(case_type="service_request", reference="SRQ-8J9KT-6", extra={"urgency": "urgent"})
    due = deadlines.repair_deadline(profile, "urgent", FILED)
    assert f"We aim to do urgent repairs by {format_date(due)}" in said(after_filing(profile, repair, {}))
    thanks_targets = deadlines.case_deadlines(profile, "compliment", FILED)
    thanks = case(case_type="compliment", reference="CPL-8J9KT-6",
                  deadlines={k: v.isoformat() for k, v in thanks_targets.items()})
    assert (f"We will acknowledge your compliment by {format_date(thanks_targets['acknowledge_by'])}"
            in said(after_filing(profile, thanks, {})))


def test_an_asb_report_is_told_who_deals_with_it():
    profile = load_profile("housing-plus-group")
    text = said(after_filing(profile, case(case_type="asb_report", reference="ASB-8J9KT-6", urgent=True), {}))
    assert "neighbourhood officer" in text and "999" in text


def _with_emergency(profile, **emergency):
    from bot.policy.schema import Profile

    data = profile.dict()
    data["contact"]["emergency"].update(emergency)
    return Profile(**data)


def test_the_emergency_numbers_come_from_the_profile():
    profile = _with_emergency(load_profile("housing-plus-group"), services_phone="112")
    text = said(after_filing(profile, case(case_type="asb_report", reference="ASB-8J9KT-6", urgent=True), {}))
    assert "always call 112 first" in text and "999" not in text
    assert emergency_advice(profile).startswith("If anyone is in danger, call 112 now.")
    assert "call 112 now" in danger_advice(profile)


def test_without_an_emergency_repairs_line_the_advice_gives_the_phone_channel_and_says_so():
    hpg = load_profile("housing-plus-group")
    assert hpg.contact.emergency.repairs_phone is None
    advice = emergency_advice(hpg)
    assert "0800 048 8955" in advice and "customer advocacy team" in advice
    assert "emergency repairs line." not in advice   # no line with no number
    # A profile with no phone number at all: told to contact the landlord, with its channels.
    code = load_profile("housing-ombudsman-code")
    advice = emergency_advice(code)
    assert f"contact {code.display_name} straight away" in advice
    # With a line, the line.
    lined = _with_emergency(hpg, repairs_phone="0800 123 4567", repairs_hours="24 hours a day")
    assert "emergency repairs line on 0800 123 4567 (24 hours a day)" in emergency_advice(lined)
    assert "0800 048 8955" not in emergency_advice(lined)


def test_a_complaint_about_a_hazard_is_told_the_awaab_timescale():
    profile = load_profile("housing-ombudsman-code")
    text = said(after_filing(profile, case(awaab_category="significant"), {}))
    assert "Awaab's Law" in text and "Housing Ombudsman" in text
