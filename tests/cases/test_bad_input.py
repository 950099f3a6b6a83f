"""Residents' words are stored exactly, whatever they are, and never break a query."""
from __future__ import annotations

import pytest

from bot.cases import CaseQuery
from tests.cases.conftest import submission

HOSTILE = {
    "big": ("A long story. " * 8000)[:100_000] + "\u2603 the end",
    "control": "bell\x07 backspace\x08 tab\t cr\r lf\n vt\x0b ff\x0c esc\x1b[31m nul\x00 del\x7f "
               "c1\x85\x9b zero-width\u200b bom\ufeff",
    "emoji": "Damp 😡🏚️👨‍👩‍👧‍👦 🇬🇧 — mould again 🍄",
    "rtl": "\u202eevil\u202c مرحبا، هناك عفن في شقتي שלום \u200f",
    "sql": "'; DROP TABLE cases; -- \" OR 1=1; SELECT * FROM case_events WHERE '1'='1",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)> &amp; &lt;b&gt; <!-- -->",
    "like": r"100% _certain_ \ backslash \\ %_% [brackets] ^caret",
    "private_use": "\ue000 \ue0000 \ue000\ue000 \x00\ue000",
    "unicode": "Zoë café naïve ß ﬁ Ǆ İstanbul ΑΒΓ 中文 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_is_stored_exactly_in_every_field(store, profile, kind):
    text = HOSTILE[kind]
    fields = dict(description=text, event_date_text=text, affected=text, desired_outcome=text,
                  name=text, address=text, postcode=text, email=text, phone=text,
                  preferred_format=text, reasonable_adjustments=text, representative_name=text,
                  location=text, evidence=text, conversation_id="conv-" + text[:5000],
                  extra={"said": text, text: [text]})
    case, _ = store.file_case(submission(**fields), profile, "form-" + text)
    found = store.find_by_reference(case.reference)
    for name, value in fields.items():
        assert getattr(found, name) == value, name
    again, created = store.file_case(submission(**fields), profile, "form-" + text)
    assert not created and again.reference == case.reference
    store.add_note(case.reference, text, actor="staff:" + text)
    [_, note] = store.history(case.reference)
    assert note.details["text"] == text and note.actor == "staff:" + text


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_searching_for_hostile_text_finds_it_and_nothing_else(store, profile, kind):
    text = HOSTILE[kind]
    plain, _ = store.file_case(submission(description="an ordinary repair"), profile, "p")
    hostile, _ = store.file_case(submission(description=text), profile, "h")
    # From the start of a word: the search finds words and their beginnings (bot.cases.search).
    fragment = text[:40] if kind != "control" else text[text.index("cr\r"):]
    found = [c.reference for c in store.query(CaseQuery(search=fragment))]
    assert hostile.reference in found
    if fragment.strip() and "ordinary repair" not in fragment:
        assert plain.reference not in found
    assert store.count(CaseQuery(search=fragment)) == len(found)


def test_like_wildcards_in_a_search_are_taken_literally(store, profile):
    store.file_case(submission(description="a 100% certain thing"), profile, "a")
    store.file_case(submission(description="a 1000 certain things"), profile, "b")
    assert [c.description for c in store.query(search="100%")] == ["a 100% certain thing"]
    assert store.query(search="_") == []


def test_a_lone_surrogate_is_replaced_not_an_error(store, profile):
    case, _ = store.file_case(submission(description="half \ud83d of an emoji"), profile, "f")
    assert store.find_by_reference(case.reference).description == "half \ufffd of an emoji"


def test_an_absurdly_long_field_is_refused_before_the_database():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        submission(description="x" * 1_000_001)
