"""What the conversation layer hands over when it files a case.

Residents' words are kept exactly as typed (no trimming, no clean-up), except that a lone UTF-16
surrogate, which no database can store as UTF-8, becomes U+FFFD. Closed sets (type, service,
contact method, Awaab category) are checked; anything flow-specific goes in `extra`.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Dict, Optional

from pydantic import BaseModel, Extra, validator

from bot.cases.models import AWAAB_CATEGORIES, CASE_TYPES, CONTACT_METHODS, SERVICES

MAX_TEXT = 1_000_000          # characters in one field: far beyond any message, short of abuse
MAX_EXTRA_JSON = 1_000_000    # characters of `extra` as JSON
_SURROGATES = re.compile("[\ud800-\udfff]")

TEXT_FIELDS = (
    "description", "event_date_text", "affected", "desired_outcome", "name", "address",
    "postcode", "email", "phone", "preferred_format", "reasonable_adjustments",
    "representative_name", "representative_relationship", "exclusion_explanation", "location",
    "access_availability", "evidence", "frequency", "complaint_choice",
)


def clean_text(value: str) -> str:
    """Lone UTF-16 surrogates (which cannot be written as UTF-8) as U+FFFD, the replacement
    character; everything else, NUL included, kept exactly. The channels use it too."""
    return _SURROGATES.sub("\ufffd", value)


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    return value


class CaseSubmission(BaseModel):
    """One filled-in form. Only `case_type`, `channel` and `conversation_id` are required."""

    case_type: str
    channel: str
    conversation_id: str
    service: str = "housing"

    description: Optional[str] = None
    event_date_text: Optional[str] = None     # the resident's own words, e.g. "last Tuesday"
    event_date: Optional[date] = None         # what they were parsed as
    affected: Optional[str] = None
    desired_outcome: Optional[str] = None

    name: Optional[str] = None
    address: Optional[str] = None
    postcode: Optional[str] = None
    email: Optional[str] = None
    phone: Optional[str] = None
    preferred_contact: Optional[str] = None   # email / phone / post / text
    preferred_format: Optional[str] = None    # e.g. large print, easy read, BSL, another language
    reasonable_adjustments: Optional[str] = None
    representative_name: Optional[str] = None
    representative_relationship: Optional[str] = None
    representative_consent: Optional[bool] = None
    anonymous: bool = False

    urgent: bool = False
    safeguarding: bool = False
    awaab_category: Optional[str] = None      # None / "emergency" / "significant"
    exclusion: Optional[str] = None           # an exclusion key of the policy, e.g. "too_old"
    exclusion_explanation: Optional[str] = None  # default: the profile's explanation, if any

    location: Optional[str] = None
    access_availability: Optional[str] = None
    evidence: Optional[str] = None
    frequency: Optional[str] = None
    complaint_offered: Optional[bool] = None  # dissatisfaction: was a complaint offered?
    complaint_choice: Optional[str] = None    # and what the resident chose
    extra: Dict[str, Any] = {}

    class Config:
        extra = Extra.forbid
        validate_assignment = True

    @validator("case_type")
    def _case_type(cls, value: str) -> str:
        if value not in CASE_TYPES:
            raise ValueError(f"must be one of {', '.join(CASE_TYPES)}")
        return value

    @validator("service", pre=True, always=True)
    def _service(cls, value: Any) -> str:
        value = "housing" if value in (None, "") else value
        if isinstance(value, str):
            value = value.strip().lower().replace("_", "-")  # "new_build" was the old key
        if value not in SERVICES:
            raise ValueError(f"must be one of {', '.join(SERVICES)}")
        return value

    @validator("channel")
    def _channel(cls, value: str) -> str:
        if not value or len(value) > 40 or not value.isprintable():
            raise ValueError("must be a short channel name such as rest, socketio or facebook")
        return value

    @validator("conversation_id")
    def _conversation_id(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 10_000:
            raise ValueError("is too long")
        return clean_text(value)

    @validator("preferred_contact", pre=True)
    def _preferred_contact(cls, value: Any) -> Optional[str]:
        if value in (None, ""):
            return None
        if value not in CONTACT_METHODS:
            raise ValueError(f"must be one of {', '.join(CONTACT_METHODS)}")
        return value

    @validator("awaab_category", pre=True)
    def _awaab(cls, value: Any) -> Optional[str]:
        if value in (None, ""):
            return None
        if value not in AWAAB_CATEGORIES:
            raise ValueError(f"must be empty or one of {', '.join(AWAAB_CATEGORIES)}")
        return value

    @validator("exclusion", pre=True)
    def _exclusion(cls, value: Any) -> Optional[str]:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 60 or not value.isprintable():
            raise ValueError("must be an exclusion key of the policy, such as too_old")
        return value

    @validator(*TEXT_FIELDS)
    def _text(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        if len(value) > MAX_TEXT:
            raise ValueError(f"is longer than {MAX_TEXT} characters")
        return clean_text(value)

    @validator("extra", pre=True)
    def _extra(cls, value: Any) -> Dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("must be a JSON object")
        value = _clean_json(value)
        try:
            encoded = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"must be plain JSON: {error}") from None
        if len(encoded) > MAX_EXTRA_JSON:
            raise ValueError(f"is larger than {MAX_EXTRA_JSON} characters as JSON")
        return value
