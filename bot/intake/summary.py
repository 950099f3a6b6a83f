"""The summary a resident confirms before anything is filed, and the buttons to change an answer."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

from bot.intake.fields import FIELD_LABELS, KIND_LABELS, NOT_GIVEN, answered_fields
from bot.policy import wording

# Date answers in the resident's words, and the slot holding the date each points to.
DATE_ANSWERS = {"event_date_text": "event_date", "aware_date_text": "aware_date",
                "home_date_text": "home_date"}
_SHOWN_LIMIT = 300  # long answers are shortened in the summary only; the whole text is filed


def _shown(name: str, value: Any, slots: Mapping[str, Any]) -> str:
    if name in (slots.get("unsure_answers") or []) and name not in DATE_ANSWERS:
        return "not sure" + (" (recorded as yes, to be safe)" if value is True else "")
    if value == NOT_GIVEN:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    day = slots.get(DATE_ANSWERS.get(name) or "")
    if day:
        text = f"{text} ({wording.format_date(date.fromisoformat(day))})"
    if len(text) > _SHOWN_LIMIT:
        text = text[:_SHOWN_LIMIT].rstrip() + "..."
    return text


def summary_text(slots: Mapping[str, Any], services: Sequence[str] = ("housing",)) -> str:
    kind = KIND_LABELS.get(slots.get("feedback_kind"), "feedback")
    lines = [f"Here is your {kind} as I have it:"]
    for name in answered_fields(slots, services):
        if name == "complaint_choice":
            continue
        lines.append(f"- {FIELD_LABELS.get(name, name)}: {_shown(name, slots.get(name), slots)}")
    lines.append("Is that right? If so I'll send it now; otherwise choose what to change.")
    return "\n".join(lines)


def changeable_fields(slots: Mapping[str, Any], services: Sequence[str] = ("housing",)) -> list[str]:
    return [name for name in answered_fields(slots, services) if name != "complaint_choice"]


def change_buttons(slots: Mapping[str, Any], services: Sequence[str] = ("housing",)) -> list[dict[str, str]]:
    return [{"title": FIELD_LABELS.get(name, name), "payload": f'/inform{{"choice": "{name}"}}'}
            for name in changeable_fields(slots, services)]


def fields_to_clear(field: str) -> list[str]:
    """Changing an answer clears it and what was derived from it, so the form asks again."""
    derived = {
        "event_date_text": ["event_date", "still_happening", "aware_date_text", "aware_date",
                            "date_needs_check"],
        "still_happening": ["aware_date_text", "aware_date"],
        "aware_date_text": ["aware_date"],
        "home_date_text": ["home_date"],
        "service": ["home_date_text", "home_date", "home_date_needed"],
        "address": ["postcode"],
        "contact_details": ["email", "phone"],
        "on_behalf": ["represented_name", "representative_relationship", "representative_consent"],
        "share_details": ["name", "address", "postcode", "contact_details", "email", "phone",
                          "preferred_contact", "preferred_format", "reasonable_adjustments"],
    }
    return [field, *derived.get(field, [])]
