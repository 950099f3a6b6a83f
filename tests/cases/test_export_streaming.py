"""`cases export` streamed (issue 20, scale): read in batches and written a case at a time, the
text the same as the one-string export gave, valid and complete, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json

import pytest

from bot.cases import export
from bot.cases.export import case_to_dict, iter_csv, iter_json, to_csv, to_json
from bot.cases.store import CaseQuery
from tests.cases.conftest import submission

COUNT = 240


@pytest.fixture
def many(store, profile, monkeypatch):
    """COUNT cases of every kind, some acknowledged (more deadlines), with text a CSV or JSON
    writer must escape; read 50 at a time, so that the batches' edges are crossed."""
    kinds = ("complaint", "service_request", "asb_report", "comment", "compliment")
    for n in range(COUNT):
        case, _ = store.file_case(submission(
            case_type=kinds[n % 5], conversation_id=f"c{n}", urgent=n % 7 == 0,
            name=f"Resident {n}", description=f'Line one, "quoted"\nline two =SUM(A1) 😀 {n}',
            representative_name="Sam" if n % 9 == 0 else None), profile, f"k{n}")
        if n % 4 == 0:
            store.acknowledge(case.reference, "staff:amy")
    monkeypatch.setattr(export, "BATCH", 50)


def _old_export(store, history: bool = False) -> list[dict]:
    """What the export wrote before it was streamed: every case loaded, then dicts."""
    cases = store.query(CaseQuery())
    if history:
        cases = [store.find_by_reference(c.reference, with_history=True) for c in cases]
    return [case_to_dict(c, history=c.events if history else None) for c in cases]


def test_the_streamed_exports_are_the_old_text_valid_and_complete(bot, many, store, tmp_path,
                                                                  monkeypatch):
    old_json, old_csv = to_json(_old_export(store)), to_csv(_old_export(store))
    old_history = to_json(_old_export(store, history=True))

    # The command never builds the whole text in one string.
    def refuse(*args, **kwargs):
        raise AssertionError("the export was built as one string")
    monkeypatch.setattr(export, "to_json", refuse)
    monkeypatch.setattr(export, "to_csv", refuse)

    printed = bot("cases", "export", "--format", "json").stdout
    assert printed == old_json + "\n"
    exported = json.loads(printed)
    assert len(exported) == COUNT == len({c["reference"] for c in exported})
    assert bot("cases", "export", "--history").stdout == old_history + "\n"
    assert all(c["history"][0]["kind"] == "filed" for c in json.loads(old_history))

    out = tmp_path / "cases.csv"
    bot("cases", "export", "--format", "csv", "--output", str(out))
    written = out.read_bytes().decode("utf-8")
    assert written == old_csv and not list(tmp_path.glob("*.part"))
    rows = list(csv.DictReader(io.StringIO(written)))
    assert len(rows) == COUNT and rows[0]["description"].startswith("Line one")
    assert "deadline_acknowledge_by" in rows[0]
    assert bot("cases", "export", "--format", "csv").stdout == old_csv
    # Filters still apply, and nothing matching is an empty array.
    assert len(json.loads(bot("cases", "export", "--type", "comment").stdout)) == COUNT // 5
    assert bot("cases", "export", "--search", "nobody has this").stdout == "[]\n"


def test_the_pieces_are_one_case_each():
    cases = [{"reference": f"R{n}", "deadlines": {"a": "2027-01-01"}, "extra": {"x": [1, 2]},
              "description": "two\nlines"} for n in range(5)]
    pieces = iter_json(iter(cases))
    assert iter(pieces) is pieces                   # a generator, not a string
    pieces = list(pieces)
    assert len(pieces) == 6 and "".join(pieces) == to_json(cases)
    assert list(iter_json(iter([]))) == ["[]"] and to_json([]) == "[]"
    lines = list(iter_csv(iter(cases), {"a"}))
    assert len(lines) == 6 and "".join(lines) == to_csv(cases)
    assert all(line.endswith("\r\n") for line in lines)
