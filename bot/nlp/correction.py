"""Which answer a resident means when they correct the summary in words.

"The date was last Monday not Tuesday" is about when it happened; "my email is wrong" about the
e-mail or phone. When the words point at exactly one of the answers shown in the summary, the
assistant asks that question again (it does not try to pull the new value out of the sentence:
"last Monday not Tuesday" would be easy to get wrong); otherwise it asks the resident to choose.
A pure function of the message and the answers that can be changed.
"""
from __future__ import annotations

import re
from typing import Iterable

_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")

# Words that name an answer, or only fit one. Matched as whole words, case-insensitively.
FIELD_WORDS: dict[str, str] = {
    "event_date_text": rf"dates?|day|when|yesterday|today|last (week|month|year)|weeks?|months?|"
                       rf"years? ago|ago|since|{_DAYS}|{_MONTHS}|\d{{1,2}}(st|nd|rd|th)",
    "affected": r"affected|who was (affected|involved)|household",
    "desired_outcome": r"outcome|put (it|things) right|apology|apologise|compensation|"
                       r"what i want|i'd like you to|i want you to",
    "description": r"what happened|what went wrong|description|describe",
    "service": r"which service|the service",
    "already_investigated": r"investigated|final response",
    "legal_proceedings": r"legal|court|solicitor|proceedings",
    "on_behalf": r"for someone else|on behalf|for myself",
    "represented_name": r"their name|his name|her name",
    "representative_relationship": r"relationship|i'm (his|her|their) (son|daughter|carer|advocate)",
    "representative_consent": r"permission|consent|agreement",
    "subject": r"which (service|policy)|the policy",
    "person_praised": r"who i('m| am) thanking|thank (him|her|them)|the person",
    "location": r"where|location|which room|kitchen|bathroom|bedroom|living room|hallway|stairs|"
                r"ceiling|stairwell|car park",
    "urgency": r"urgent|urgency|emergency|can wait",
    "access_availability": r"access|availability|available|appointment|key safe|get in",
    "frequency": r"how often|often|every (night|day|week|weekend)|frequency",
    "in_danger": r"danger",
    "evidence": r"evidence|photos?|videos?|recordings?|diary",
    "share_details": r"anonymous|stay anonymous|my details",
    "name": r"my name|name is|name's|spelt|spelled|surname|first name",
    "address": r"(?<!mail )(?<!e-mail )address|postcode|post code",
    "contact_details": r"e-?mail|phone number|mobile|number|phone",
    "preferred_contact": r"contact me by|prefer (a )?(call|letter|text|e-?mail)|"
                         r"by (letter|post|text|phone|e-?mail)",
    "preferred_format": r"format|large print|braille|easy read|audio",
    "reasonable_adjustments": r"adjustments?|disability|support",
}
_PATTERNS = {name: re.compile(rf"\b({words})\b", re.I) for name, words in FIELD_WORDS.items()}


def fields_named(text: str, changeable: Iterable[str]) -> list[str]:
    """The changeable answers the words point at, in the summary's order."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return []
    return [name for name in changeable if name in _PATTERNS and _PATTERNS[name].search(text)]


def field_meant(text: str, changeable: Iterable[str]) -> str | None:
    """The one answer the words clearly mean, or None (none, or more than one, fits)."""
    found = fields_named(text, changeable)
    if "preferred_contact" in found and "contact_details" in found:
        found.remove("contact_details")  # "contact me by e-mail": how, not the address itself
    return found[0] if len(found) == 1 else None
