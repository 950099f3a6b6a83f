import pytest

from bot.intake.contact import find_email, find_phone, find_postcode


@pytest.mark.parametrize("text, expected", [
    ("my postcode is m1 1ae", "M1 1AE"),
    ("10 Downing St, SW1A2AA", "SW1A 2AA"),
    ("flat 3, B33 8TH", "B33 8TH"),
    ("CR2 6XH", "CR2 6XH"),
    ("dn55 1pt thanks", "DN55 1PT"),
    ("22 Harbour Row, Hull H U 1 2 A B", "HU1 2AB"),  # spelt out by voice typing
    ("L S 9 7 Q T", "LS9 7QT"),
])
def test_uk_postcodes_are_found_and_formatted(text, expected):
    assert find_postcode(text) == expected


@pytest.mark.parametrize("text", ["no postcode here", "12345", "QQ1 1AA", "flat 2 a b 1 2 c d"])
def test_text_without_a_postcode(text):
    assert find_postcode(text) is None


@pytest.mark.parametrize("text, expected", [
    ("07700 900123", "+447700900123"),
    ("call me on 0161 496 0000 after 5", "+441614960000"),
    ("+44 161 496 0000", "+441614960000"),
    ("020 7946 0018", "+442079460018"),
])
def test_uk_phone_numbers(text, expected):
    assert find_phone(text) == expected


def test_not_a_phone_number():
    assert find_phone("my flat is number 12") is None
    assert find_phone("0770") is None


def test_emails_are_found_inside_sentences_and_bad_ones_refused():
    assert find_email("it's jo.bloggs@example.co.uk thanks") == "jo.bloggs@example.co.uk"
    assert find_email("JO@Example.com.") == "JO@example.com"
    assert find_email("jo@") is None
    assert find_email("jo at example dot com") is None
