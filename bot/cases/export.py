"""A case as plain data: for the JSON and CSV exports, the forwarding payloads and subject access."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any, Iterable

from bot.cases.models import Case

# The flat fields, in export order (the required keys first).
FIELDS = (
    "reference", "type", "service", "status", "stage", "channel", "conversation_id",
    "description", "event_date", "event_date_text", "affected", "desired_outcome", "name",
    "address", "postcode", "email", "phone", "preferred_contact", "preferred_format",
    "reasonable_adjustments", "representative", "anonymous", "urgent", "safeguarding",
    "awaab_category", "exclusion", "exclusion_explanation", "location", "access_availability",
    "evidence", "frequency", "complaint_offered", "complaint_choice", "extra", "policy_profile",
    "deadlines", "next_deadline", "team", "assigned_to", "related_reference", "created_at", "updated_at",
    "acknowledged_at", "responded_at", "stage2_requested_at", "stage2_acknowledged_at",
    "stage2_responded_at", "closed_at", "anonymised_at", "version",
)


def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def case_to_dict(case: Case, *, related_reference: str | None = None,
                 history: Iterable | None = None) -> dict[str, Any]:
    """Every field of a case as JSON-ready values (dates as ISO text)."""
    data: dict[str, Any] = {}
    for field in FIELDS:
        if field == "type":
            value = case.case_type
        elif field == "representative":
            value = case.representative
        elif field == "deadlines":
            value = dict(sorted((case.deadlines or {}).items()))
        elif field == "extra":
            value = dict(case.extra or {})
        elif field == "related_reference":
            value = related_reference
        else:
            value = getattr(case, field)
        data[field] = _iso(value)
    if history is not None:
        data["history"] = [event.as_dict() for event in history]
    return data


def to_json(cases: list[dict[str, Any]]) -> str:
    return json.dumps(cases, ensure_ascii=False, indent=2)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, spreadsheet_safe: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if spreadsheet_safe and text.startswith(_FORMULA_START):
        # A cell starting like a formula would be run by a spreadsheet (CSV injection).
        return "'" + text
    return text


def to_csv(cases: list[dict[str, Any]], *, spreadsheet_safe: bool = True) -> str:
    """One row per case. The representative is split into three columns and every deadline gets
    its own `deadline_<name>` column; `extra` stays JSON."""
    deadline_names = sorted({name for case in cases for name in (case.get("deadlines") or {})})
    columns = []
    for field in FIELDS:
        if field == "representative":
            columns += ["representative_name", "representative_relationship",
                        "representative_consent"]
        elif field == "deadlines":
            columns += [f"deadline_{name}" for name in deadline_names]
        else:
            columns.append(field)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for case in cases:
        representative = case.get("representative") or {}
        deadlines = case.get("deadlines") or {}
        row = []
        for column in columns:
            if column.startswith("representative_"):
                value = representative.get(column[len("representative_"):])
            elif column.startswith("deadline_"):
                value = deadlines.get(column[len("deadline_"):])
            else:
                value = case.get(column)
            row.append(_cell(value, spreadsheet_safe))
        writer.writerow(row)
    return out.getvalue()
