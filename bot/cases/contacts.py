"""Normalised forms of contact details, for matching a resident (never shown to anyone)."""
from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_POSTCODE = re.compile(r"^[A-Z0-9]{5,8}$")


def email_key(value: str | None) -> str | None:
    if not value:
        return None
    key = value.strip().lower()
    if "@" not in key or len(key) > 320 or _SPACE.search(key):
        return None
    return key


def postcode_key(value: str | None) -> str | None:
    if not value:
        return None
    key = _SPACE.sub("", value).upper()
    return key if _POSTCODE.match(key) else None


def phone_key(value: str | None) -> str | None:
    """E.164 form of a phone number (UK numbers without a country code are taken as UK)."""
    if not value or len(value) > 64:
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def match_key(value: str) -> tuple[str | None, str | None]:
    """(postcode key, e-mail key) of what a resident gave to prove who they are."""
    return postcode_key(value), email_key(value)
