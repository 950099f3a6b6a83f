from datetime import date, datetime, timezone

from bot.intake import answers, fields, filing, summary

NOW = datetime(2026, 11, 23, 10, 30)


def ctx(**slots):
    return answers.Context(slots=slots, now=NOW, services=("housing", "care", "new-build"),
                           time_limit_months=lambda service: 24 if service == "new-build" else 12,
                           exclusion_message=lambda key, service: f"POLICY SAYS {key}",
                           emergency_advice=lambda: "CALL 999")


def test_unknown_kind_asks_which_kind_first():
    assert fields.required_slots({}) == ["feedback_kind"]


def test_complaint_questions_follow_the_answers():
    base = {"feedback_kind": "complaint"}
    asked = fields.required_slots(base, ("housing",))
    assert asked[:4] == ["feedback_kind", "description", "event_date_text", "affected"]
    assert "service" not in asked  # one service: nothing to ask
    assert "service" in fields.required_slots(base, ("housing", "care"))
    assert "represented_name" not in asked
    behalf = fields.required_slots({**base, "on_behalf": True})
    assert behalf.index("represented_name") < behalf.index("representative_consent") < behalf.index("share_details")
    anonymous = fields.required_slots({**base, "share_details": False})
    assert anonymous[-1] == "share_details" and "name" not in anonymous
    assert fields.required_slots({**base, "share_details": True})[-1] == "reasonable_adjustments"


def test_a_service_request_always_takes_contact_details_and_offers_a_complaint_when_unhappy():
    asked = fields.required_slots({"feedback_kind": "service_request"})
    assert "share_details" not in asked and "name" in asked and "contact_details" in asked
    offered = fields.required_slots({"feedback_kind": "service_request", "complaint_offered": True})
    assert offered[offered.index("description") + 1] == "complaint_choice"


def test_dissatisfaction_in_a_service_request_is_offered_as_a_complaint():
    outcome = answers.check("description", "I reported the leak three times and nobody came",
                            ctx(feedback_kind="service_request"))
    assert outcome.slots["complaint_offered"] is True
    choice = answers.check("complaint_choice", True, ctx(feedback_kind="service_request"))
    assert choice.slots["feedback_kind"] == "complaint" and choice.slots["complaint_choice"] is True


def test_damp_and_mould_in_a_repair_is_flagged_under_awaabs_law():
    outcome = answers.check("description", "black mould in the bedroom", ctx(feedback_kind="service_request"))
    assert outcome.slots["awaab_category"] == "significant"


def test_the_service_is_inferred_from_the_description_when_obvious():
    outcome = answers.check("description", "my mum's carer didn't turn up for her visit",
                            ctx(feedback_kind="complaint"))
    assert outcome.slots["service"] == "care"
    assert "service" not in answers.check("description", "the roof leaks", ctx(feedback_kind="complaint")).slots


def test_an_old_event_is_an_exclusion_only_once_it_has_stopped_and_they_knew_of_it_in_time():
    """Code 2.2 / 2.3: within 12 months of the issue or of becoming aware of it. An old date
    brings two questions (still happening? aware when?) and only clear answers exclude it."""
    old = ctx(feedback_kind="complaint", service="housing")
    outcome = answers.check("event_date_text", "2nd of May 2024", old)
    assert outcome.slots == {"event_date_text": "2nd of May 2024", "event_date": "2024-05-02",
                             "date_needs_check": True}
    assert outcome.messages == []  # nothing said on a guess
    asked = fields.required_slots({**old.slots, **outcome.slots, "description": "d"})
    assert asked[asked.index("event_date_text") + 1] == "still_happening"
    still = answers.check("still_happening", "yes its still there", ctx(**{**old.slots, **outcome.slots}))
    assert still.slots == {"still_happening": True} and "exclusion" not in still.slots
    stopped = {**old.slots, **outcome.slots, "still_happening": False}
    assert "aware_date_text" in fields.required_slots({**stopped, "description": "d"})
    aware_recently = answers.check("aware_date_text", "only noticed in September", ctx(**stopped))
    assert aware_recently.slots["aware_date"] == "2026-09-01" and "exclusion" not in aware_recently.slots
    aware_long_ago = answers.check("aware_date_text", "straight away", ctx(**stopped))
    assert aware_long_ago.slots["exclusion"] == "too_old"
    assert aware_long_ago.messages[0]["text"] == "POLICY SAYS too_old"
    ongoing = answers.check("event_date_text", "since 2024 and it's still there", old)
    assert ongoing.slots["still_happening"] is True and ongoing.slots["date_needs_check"] is False
    recent = answers.check("event_date_text", "last Tuesday", ctx(feedback_kind="complaint"))
    assert recent.slots == {"event_date_text": "last Tuesday", "event_date": "2026-11-17",
                            "date_needs_check": False}


def test_an_unreadable_date_is_asked_again_but_not_sure_is_accepted():
    again = answers.check("event_date_text", "purple", ctx(feedback_kind="complaint"))
    assert again.slots == {"event_date_text": None} and "couldn't work out a date" in again.messages[0]["text"]
    unsure = answers.check("event_date_text", "not sure", ctx(feedback_kind="complaint"))
    assert unsure.slots == {"event_date_text": "not sure", "event_date": None,
                            "date_needs_check": False, "unsure_answers": ["event_date_text"]}


def test_legal_proceedings_is_an_exclusion():
    outcome = answers.check("legal_proceedings", True, ctx(feedback_kind="complaint"))
    assert outcome.slots == {"legal_proceedings": True, "exclusion": "legal_proceedings"}
    assert answers.check("legal_proceedings", False, ctx()).slots == {"legal_proceedings": False}


def test_contact_details_must_hold_an_email_or_phone():
    ok = answers.check("contact_details", "jo@example.com or 07700 900123", ctx())
    assert ok.slots["email"] == "jo@example.com" and ok.slots["phone"] == "+447700900123"
    bad = answers.check("contact_details", "ask my neighbour", ctx())
    # Asked again, put differently (the domain's variant of the question).
    assert bad.slots == {"contact_details": None, "asking_again": "contact_details"} and bad.messages


def test_address_keeps_the_words_and_the_postcode():
    outcome = answers.check("address", "12 Acacia Avenue, m1 1ae", ctx())
    assert outcome.slots == {"address": "12 Acacia Avenue, m1 1ae", "postcode": "M1 1AE"}
    assert answers.check("address", "abc", ctx()).slots == {"address": None, "asking_again": "address"}


def test_choices_typed_or_clicked_are_normalised():
    outcome = answers.check("preferred_contact", "by email please", ctx(email="a@b.co"))
    assert outcome.slots == {"preferred_contact": "email"}
    assert answers.check("preferred_contact", "phone", ctx()).slots == {"preferred_contact": "phone"}
    assert answers.check("preferred_format", "large print", ctx()).slots == {"preferred_format": "large print"}
    assert answers.check("preferred_format", "Polish please", ctx()).slots == {"preferred_format": "Polish please"}
    assert answers.check("reasonable_adjustments", "no thanks", ctx()).slots == {"reasonable_adjustments": "none"}
    emergency = answers.check("urgency", "emergency", ctx(description="water pouring through the light"))
    assert emergency.slots["urgent"] is True and emergency.messages[0]["text"] == "CALL 999"


def test_a_very_long_answer_is_kept_whole():
    text = "x" * 20000
    outcome = answers.check("description", text, ctx(feedback_kind="complaint"))
    assert outcome.slots["description"] == text
    assert "kept all of it" in outcome.messages[0]["text"]


def test_summary_lists_the_answers_and_offers_each_for_change():
    slots = {"feedback_kind": "complaint", "description": "<b>no heat</b>", "event_date_text": "last Tuesday",
             "event_date": "2026-11-17", "affected": "me", "desired_outcome": "fix it",
             "already_investigated": False, "legal_proceedings": False, "on_behalf": False,
             "share_details": False}
    text = summary.summary_text(slots)
    assert "- What happened: <b>no heat</b>" in text
    assert "- When: last Tuesday (Tuesday 17 November 2026)" in text
    assert "- Giving your contact details: no" in text
    payloads = [b["payload"] for b in summary.change_buttons(slots)]
    assert payloads[0] == '/inform{"choice": "description"}' and len(payloads) == 8
    assert summary.fields_to_clear("contact_details") == ["contact_details", "email", "phone"]


def test_submission_for_a_representative_and_an_anonymous_resident():
    slots = {"feedback_kind": "complaint", "description": "d", "on_behalf": True,
             "represented_name": "Mary Smith", "representative_relationship": "daughter",
             "representative_consent": True, "share_details": True, "name": "Ann Smith",
             "address": "1 Road, M1 1AE", "postcode": "M1 1AE", "email": "a@b.co",
             "event_date": "2026-11-17", "legal_proceedings": True}
    fields_ = filing.submission_fields(slots, "rest", "conv-1")
    assert fields_["name"] == "Mary Smith" and fields_["representative_name"] == "Ann Smith"
    assert fields_["representative_consent"] is True and fields_["exclusion"] == "legal_proceedings"
    assert fields_["event_date"] == date(2026, 11, 17)
    anonymous = filing.submission_fields({"feedback_kind": "asb_report", "share_details": False,
                                          "name": "x", "email": "e@x.co", "in_danger": True},
                                         "facebook", "c2")
    assert anonymous["anonymous"] is True and anonymous["name"] is None and anonymous["email"] is None
    assert anonymous["urgent"] is True and anonymous["channel"] == "facebook"


def test_the_kind_is_introduced_once_it_is_known_whichever_way():
    from bot.intake import answers
    from bot.intake.replies import kind_introduction
    from bot.policy import load_profile

    profile = load_profile("housing-ombudsman-code")
    ctx = answers.Context(slots={}, now=datetime(2026, 12, 1, tzinfo=timezone.utc),
                          kind_introduction=lambda kind: kind_introduction(profile, kind))
    outcome = answers.check("feedback_kind", "service_request", ctx)
    assert outcome.slots == {"feedback_kind": "service_request"}
    assert "not a complaint" in outcome.messages[0]["text"]
    assert answers.check("feedback_kind", "nonsense", ctx).slots == {"feedback_kind": None}


def test_a_service_typed_by_the_name_its_button_shows_is_taken():
    named = answers.Context(slots={"feedback_kind": "complaint"}, now=NOW,
                            services=("housing", "care", "new-build"),
                            service_names={"housing": "Homes Plus", "care": "Care Plus",
                                           "new-build": "County Town Homes"})
    assert answers.check("service", "Homes Plus", named).slots["service"] == "housing"
    assert answers.check("service", "homes plus, im a tenant", named).slots["service"] == "housing"
    assert answers.check("service", "its county town homes", named).slots["service"] == "new-build"
    refused = answers.check("service", "the council", named)
    assert refused.slots["service"] is None and refused.messages


def test_plain_answers_to_format_and_support_are_not_kept_as_needs():
    for said in ("no ta", "nah ta", "no ta love"):
        assert answers.check("reasonable_adjustments", said, ctx()).slots["reasonable_adjustments"] == "none"
    kept = answers.check("reasonable_adjustments", "no stairs please, I use a wheelchair", ctx())
    assert kept.slots["reasonable_adjustments"] == "no stairs please, I use a wheelchair"
    for said in ("normal is fine", "the usual", "doesn't matter", "its fine"):
        assert answers.check("preferred_format", said, ctx()).slots["preferred_format"] == "standard", said
    assert answers.check("preferred_format", "large print please", ctx()).slots["preferred_format"] == "large print"
