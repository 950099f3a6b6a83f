"""The queue's and the reports' CSV downloads are streamed (issue 20, scale): a generator response,
a row at a time, the same text as when they were built in one string."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from bot.cases import export
from bot.cases.export import case_to_dict, to_csv
from bot.cases.models import Case
from bot.cases.store import CaseQuery
from bot.staff import display
from tests.staff.conftest import file

COUNT = 130


def test_the_queue_csv_streams_every_case_a_row_at_a_time(signed_in, store, monkeypatch):
    for n in range(COUNT):
        case = file(store, ("complaint", "service_request", "asb_report")[n % 3], name=f"R{n}",
                    description=f'"Quoted",\nand =1+1 {n}',
                    reasonable_adjustments="Large print" if n % 10 == 0 else None)
        if n % 4 == 0:
            store.acknowledge(case.reference, "staff:max")
    first, second = store.query(CaseQuery(limit=2))
    with store.write() as db:   # a related case: its reference has a column of its own
        db.execute(sa.update(Case).where(Case.id == first.id).values(related_case_id=second.id))
    monkeypatch.setattr(export, "BATCH", 40)   # the batches' edges are crossed

    # What it was before: every case loaded, then one string; an advocate sees no support needs.
    cases = store.query(CaseQuery(open_only=True))
    rows = [case_to_dict(c, related_reference=second.reference if c.id == first.id else None)
            for c in cases]
    for row in rows:
        row.update({k: display.RESTRICTED for k in display.SENSITIVE_FIELDS if row.get(k)})
    expected = to_csv(rows)

    def refuse(*args, **kwargs):
        raise AssertionError("the CSV was built as one string")
    monkeypatch.setattr(export, "to_csv", refuse)

    response = signed_in("ada").client.get("/cases.csv", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    pieces = [piece.decode("utf-8") for piece in response.response]
    assert len(pieces) == COUNT + 1                 # the heading, then a piece per case
    assert "".join(pieces) == expected
    parsed = list(csv.DictReader(io.StringIO(expected)))
    assert len(parsed) == COUNT and parsed[0]["related_reference"] == second.reference
    assert {r["reasonable_adjustments"] for r in parsed} == {"", display.RESTRICTED}


def test_a_report_csv_is_streamed(signed_in, store):
    file(store)
    response = signed_in("max").client.get("/reports/by-type.csv", buffered=False)
    assert response.is_streamed and response.mimetype == "text/csv"
    lines = [piece.decode("utf-8") for piece in response.response]
    assert lines[0] == "Type,Cases,Share\r\n" and lines[1] == "Complaint,1,100.0%\r\n"
