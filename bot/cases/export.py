"""A case as plain data: for the JSON and CSV exports, the forwarding payloads and subject access.

The exports (`cases export`, the staff queue's CSV) are streamed: cases are read from the store in
batches (`stream_cases`) and written a row (a JSON item) at a time (`iter_csv`, `iter_json`), so
100,000 cases take no more memory than 500. `to_csv` and `to_json` give the same text in one
string, for a few cases.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from bot.cases.models import Case, CaseEvent

BATCH = 500   # cases read at a time (and ids per IN list, under SQLite's old 999 parameters)

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


def iter_json(cases: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`to_json`'s text in pieces, one case at a time: the same array, indented alike."""
    first = True
    for case in cases:
        item = json.dumps(case, ensure_ascii=False, indent=2)
        # Inside the array every line is indented two more spaces (a newline in a value is
        # written as \n, so the only newlines are json.dumps's own).
        yield ("[\n  " if first else ",\n  ") + item.replace("\n", "\n  ")
        first = False
    yield "[]" if first else "\n]"


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


def csv_columns(deadline_names: Iterable[str]) -> list[str]:
    """The CSV's columns: the representative is split into three columns and every deadline gets
    its own `deadline_<name>` column."""
    columns = []
    for field in FIELDS:
        if field == "representative":
            columns += ["representative_name", "representative_relationship",
                        "representative_consent"]
        elif field == "deadlines":
            columns += [f"deadline_{name}" for name in sorted(deadline_names)]
        else:
            columns.append(field)
    return columns


def csv_row(case: dict[str, Any], columns: list[str], spreadsheet_safe: bool) -> list[str]:
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
    return row


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Each row as one CSV line (\r\n), as it comes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def iter_csv(cases: Iterable[dict[str, Any]], deadline_names: Iterable[str], *,
             spreadsheet_safe: bool = True) -> Iterator[str]:
    """The CSV a line at a time. The deadline columns must be known before the first row:
    `deadline_names` (e.g. from `stream_deadline_names`)."""
    columns = csv_columns(deadline_names)
    yield from csv_lines([columns])
    yield from csv_lines(csv_row(case, columns, spreadsheet_safe) for case in cases)


def to_csv(cases: list[dict[str, Any]], *, spreadsheet_safe: bool = True) -> str:
    """One row per case (see `csv_columns`); `extra` stays JSON."""
    names = {name for case in cases for name in (case.get("deadlines") or {})}
    return "".join(iter_csv(cases, names, spreadsheet_safe=spreadsheet_safe))


# --- reading the cases in batches -----------------------------------------------------------------

def stream_deadline_names(store, query) -> set[str]:
    """The names of the deadlines the matching cases have (the CSV's columns), reading only that
    column."""
    names: set[str] = set()
    with store.read() as session:
        statement = store.select_matching(query, Case.deadlines).execution_options(yield_per=BATCH)
        for deadlines in session.execute(statement).scalars():
            names.update(deadlines or {})
    return names


def stream_cases(store, query, *, related: bool = False, history: bool = False
                 ) -> Iterator[tuple[Case, str | None, list[CaseEvent] | None]]:
    """(case, the related case's reference, its history) for each case matching `query`, in its
    order, read `BATCH` at a time in one read transaction. `related`: look the related
    reference up (else None); `history`: the history in the order recorded (else None). The
    cases are not kept: the session's identity map holds them weakly, so memory stays that of a
    batch."""
    other = aliased(Case)
    columns = [Case, other.reference] if related else [Case]
    statement = store.select_matching(query, *columns)
    if related:
        statement = statement.outerjoin(other, Case.related_case_id == other.id)
    with store.read() as session:
        result = session.execute(statement.execution_options(yield_per=BATCH))
        for batch in result.partitions():
            events: dict[int, list[CaseEvent]] = {}
            if history:
                for event in session.execute(sa.select(CaseEvent).where(
                        CaseEvent.case_id.in_([row[0].id for row in batch]))
                        .order_by(CaseEvent.id)).scalars():
                    events.setdefault(event.case_id, []).append(event)
            for row in batch:
                case = row[0]
                yield (case, row[1] if related else None,
                       events.get(case.id, []) if history else None)
