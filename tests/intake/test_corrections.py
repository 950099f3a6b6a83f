"""Which answer a resident means when they correct the summary in words."""
from bot.intake.corrections import field_meant

COMPLAINT = ["description", "event_date_text", "affected", "desired_outcome", "already_investigated",
             "legal_proceedings", "on_behalf", "share_details", "name", "address", "contact_details",
             "preferred_contact", "preferred_format", "reasonable_adjustments"]


def test_clear_corrections_name_one_answer():
    assert field_meant("the date was last Monday not Tuesday", COMPLAINT) == "event_date_text"
    assert field_meant("it happened on the 3rd", COMPLAINT) == "event_date_text"
    assert field_meant("my email address is wrong", COMPLAINT) == "contact_details"
    assert field_meant("you've spelt my name wrong", COMPLAINT) == "name"
    assert field_meant("my postcode is M1 1AE", COMPLAINT) == "address"
    assert field_meant("please contact me by letter instead", COMPLAINT) == "preferred_contact"
    assert field_meant("I'd like it in large print", COMPLAINT) == "preferred_format"


def test_unclear_or_unanswered_corrections_name_none():
    assert field_meant("that's not quite how it went", COMPLAINT) is None
    assert field_meant("/deny", COMPLAINT) is None
    assert field_meant("", COMPLAINT) is None
    # Two answers at once: the resident chooses.
    assert field_meant("wrong date and wrong email", COMPLAINT) is None
    # Not an answer of this summary (an ASB report's "how often").
    assert field_meant("it happens every night", COMPLAINT) is None


def _change(text):
    from datetime import datetime, timezone

    from bot.intake.corrections import read_summary_answer

    reading = read_summary_answer(text, None, COMPLAINT, datetime(2026, 12, 6, 12, tzinfo=timezone.utc))
    assert reading.kind == "change", (text, reading)
    return reading.field, reading.new_value


def test_a_correction_gives_the_new_value_without_the_old_one():
    assert _change("my names spelt wrong, its Sian not Sean") == ("name", "Sian")
    assert _change("the name should be Jo Smith") == ("name", "Jo Smith")


def test_words_that_only_say_an_answer_is_wrong_give_no_new_value():
    # The answer is asked again rather than replaced by "wrong", "thing" or "too".
    assert _change("hang on the date is wrong") == ("event_date_text", None)
    assert _change("i wasnt sure about the legal thing") == ("legal_proceedings", None)
    assert _change("its not just me its my kids too") == ("affected", None)
    assert _change("i'd rather you rang me than emailed") == ("preferred_contact", None)


def test_a_yes_no_answer_corrected_in_words_keeps_the_words_that_answer_it():
    field, value = _change("no the already investigated bit is wrong, nobody has investigated anything")
    assert field == "already_investigated" and value == "nobody has investigated anything"
    from bot.intake import yesno

    assert yesno.read(field, value) == yesno.NO
