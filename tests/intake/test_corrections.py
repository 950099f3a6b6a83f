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
