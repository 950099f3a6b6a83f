"""The staff search, served by an index (bot.cases.search): SQLite's FTS5 table and PostgreSQL's
GIN index find what the old LIKE search found, on both databases alike; what staff or residents
type is never read as query syntax; erasure takes the erased words out of the index; migration
0012 indexes the cases already there."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cases import CaseQuery, search
from bot.cases.db import downgrade, make_engine, upgrade
from bot.cases.models import Case
from bot.cases.privacy import Subject, erase_subject
from bot.cases.store import CaseStore
from bot.cases.submission import CaseSubmission
from tests.cases.conftest import BACKENDS

NOBODY = dict(name=None, email=None, phone=None, postcode=None)
RESIDENTS = {
    "ada": dict(name="Ada Lovelace", email="ada.lovelace@example.org", phone="07700 900123",
                postcode="SW1A 1AA", address="1 Analytical Row, London",
                description="Damp and black mould in the bedroom; the window leaks."),
    "zoe": dict(name="Zoë O'Brien", email="zoe@example.co.uk", phone="020 7946 0018",
                postcode="M1 1AE", address="Flat 3, 12 Piccadilly",
                description="The lift has been broken for 3 weeks (again!) and my mum can't use "
                            "the stairs."),
    "mo": dict(name="Mohammed Al-Sayed", phone="+44 7700 900456", postcode="LS1 4DY",
               description="Noise from next door's party every night; a well-known problem.",
               desired_outcome="An apology and £50 compensation."),
    "chen": dict(name="Chen Wei 陈伟", email="chen.wei@example.com", location="kitchen",
                 description="Boiler broke: no heating or hot water since 12/01. The engineer "
                             "didn't come."),
    "bob": dict(name="Bob Smith", description="Asked about a 100% rent refund.", evidence="photos",
                representative_name="Jane Smith", representative_relationship="daughter"),
    "sarah": dict(name="Sarah Jones-Smith", email="sarah@example.org", postcode="SW1A 2AA",
                  description="Mouldy bathroom ceiling and a damp smell.",
                  reasonable_adjustments="Uses a wheelchair; large print letters"),
    "anon": dict(description="Someone dumped a sofa by the bins.", anonymous=True),
}
# Searches whose words start where the text's words start: the old LIKE search's results. (None
# could be a part of a random reference by chance: each has a letter or digit references never
# have, or more letters than their parts.)
QUERIES = [
    "mould", "MOULD", "damp", "Damp and black", "lovelace", "Ada Lovelace", "zoë", "o'brien",
    "lift has been", "can't", "well-known", "£50", "陈伟", "12/01", "100%", "boiler", "Boil",
    "jones-smith", "smith", "SW1A", "SW1A 1AA", "ada.lovelace@example.org", "@example.org",
    "example", "07700", "07700 900123", "kitchen", "daughter", "photos", "sofa", "CMP",
    "nothing like this",
]


def _file(store, profile, key: str, **fields):
    values = dict(case_type="complaint", channel="rest", conversation_id=f"conv-{key}", **NOBODY)
    values.update(fields)
    case, _ = store.file_case(CaseSubmission(**values), profile, f"form-{key}")
    return case


@pytest.fixture
def cases(store, profile):
    filed = {key: _file(store, profile, key, **fields) for key, fields in RESIDENTS.items()}
    filed["repair"] = _file(store, profile, "repair", case_type="service_request",
                            description="Gutter repair please.")
    return filed


def _found(store, text: str, **filters) -> set[str]:
    found = {case.reference for case in store.query(CaseQuery(search=text, **filters))}
    assert store.count(CaseQuery(search=text, **filters)) == len(found)
    return found


def _like(store, text: str, fields=search.FIELDS) -> set[str]:
    """The old search: each field's text containing what was typed (LIKE), or the reference."""
    from bot.cases import references

    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = [getattr(Case, name).ilike(pattern, escape="\\") for name in fields]
    if references.is_valid(text):
        matches.append(Case.reference == references.parse(text))
    with store.read() as db:
        return set(db.execute(sa.select(Case.reference).where(sa.or_(*matches))).scalars())


def test_the_index_finds_what_the_like_search_found(store, cases):
    ada = cases["ada"].reference
    queries = QUERIES + [ada, ada.lower(), ada[4:9], ada[:7]]
    for text in queries:
        found = _found(store, text)
        assert found == _like(store, text), text
        # Everything the old search found (name, description, reference) is found still.
        assert _like(store, text, ("name", "description", "reference")) <= found, text
    assert _found(store, "mould") == {ada, cases["sarah"].reference}
    assert _found(store, "陈伟") == {cases["chen"].reference}
    assert len(_found(store, "CMP")) == len(RESIDENTS)


def test_identifiers_are_found_however_typed_and_words_in_any_order(store, cases):
    ada, sarah = cases["ada"].reference, cases["sarah"].reference
    assert _found(store, "sw1a1aa") == {ada}                        # the postcode unspaced
    assert _found(store, "sw1a 2aa") == {sarah}
    assert _found(store, "07700900123") == {ada}                    # the phone number unspaced
    assert _found(store, "+44 7700 900 123") == {ada}
    assert _found(store, "ADA.LOVELACE@EXAMPLE.ORG") == {ada}
    assert _found(store, ada.replace("-", " ").lower()) == {ada}    # a reference read out
    assert _found(store, "lovelace ada") == {ada}                   # words in any order
    assert _found(store, "bedroom damp") == {ada}
    assert _found(store, "lovelac") == {ada}                        # the start of a word...
    assert _found(store, "lovelac@") == set()                       # ...or a whole one, then "@"
    assert _found(store, "ada.lovelace@") == {ada}


def test_every_filter_still_applies_to_a_search(store, cases, clock):
    ada, sarah = cases["ada"].reference, cases["sarah"].reference
    store.close(sarah, "staff:amy")
    assert _found(store, "damp") == {ada, sarah}
    assert _found(store, "damp", open_only=True) == {ada}
    assert _found(store, "damp", status="closed") == {sarah}
    assert _found(store, "repair", case_type="service_request") == {cases["repair"].reference}
    assert _found(store, "repair", case_type="complaint") == set()
    today = clock().date()
    assert _found(store, "damp", created_from=today, created_to=today) == {ada, sarah}
    assert _found(store, "damp", created_from=today + timedelta(days=1)) == set()
    store.reassign(ada, "staff:amy", "staff:amy")
    assert _found(store, "damp", assigned_to="staff:amy") == {ada}
    assert _found(store, "damp", team="nobody", unrouted=False) == set()
    assert len(store.query(CaseQuery(search="damp", limit=1))) == 1


def test_a_sensitive_field_is_not_searched(store, cases):
    """Health and disability details show only to the case's handler and managers: a search
    would tell everyone else whose they are."""
    from bot.staff.display import SENSITIVE_FIELDS

    assert not SENSITIVE_FIELDS & set(search.FIELDS)
    assert _found(store, "wheelchair") == set()
    assert _found(store, "large print") == set()


HOSTILE_SEARCHES = [
    '"', '""', "*", "**", "OR", "AND", "NOT", "NEAR", "NEAR(damp mould)", '"damp" OR "x"',
    "damp*", "-mould", "name:ada", "body:damp", "^ada", "damp\" OR 1=1 --", "'", "''", "!",
    "&", "|", ":*", "<->", "damp & !mould", "damp | lift", "(", ")", "'damp':*", "\\", "%", "_",
    "{damp}", "damp + mould", "🏚", "\x00", "a" * 300, "mould " * 40,
]


def test_what_is_typed_is_never_query_syntax(store, profile, cases):
    said, _ = store.file_case(CaseSubmission(
        case_type="complaint", channel="rest", conversation_id="conv-said", **NOBODY,
        description='He wrote "NEAR(" OR * AND NOT xylophone -y ^z {a} \'bee\':* <-> & ! | 50% _ \\ '
                    'then left'),
        profile, "form-said")
    for text in HOSTILE_SEARCHES:
        _found(store, text)   # no error, and the count agrees
    said = said.reference
    # An operator typed is a word like any other (the last, the start of one); words must all
    # be there.
    assert _found(store, "OR") == {said, cases["chen"].reference,   # "heating or hot water"
                                   cases["ada"].reference, cases["sarah"].reference}  # ".org"
    assert _found(store, "OR xylo") == {said}
    assert _found(store, "NEAR") == {said}
    assert _found(store, "NOT") == {said}
    assert _found(store, '"damp" OR "x"') == set()
    assert _found(store, "NEAR(damp mould)") == set()
    assert _found(store, "damp | lift") == set()
    assert _found(store, "damp*") == {cases["ada"].reference, cases["sarah"].reference}
    assert _found(store, "'bee':*") == {said}
    # No words at all: the characters as typed, as the search always did.
    assert _found(store, '"') == {said}
    assert _found(store, "*") == {said}
    assert _found(store, "<->") == {said}
    assert _found(store, "%") == {said, cases["bob"].reference}
    assert _found(store, "_") == {said}
    assert _found(store, "\\") == {said}
    assert _found(store, "🏚") == set()


def test_the_queries_quote_every_word():
    assert search.fts5_query('damp" OR "x*') == '"damp" AND "OR" AND "x"'
    assert search.fts5_query("NEAR(damp mou") == '"NEAR" AND "damp" AND "mou"*'
    assert search.tsquery("damp & !mou") == "'damp' & 'mou':*"
    assert search.tsquery("o'brien:*") == "'o' & 'brien'"
    assert search.fts5_query("*") is None and search.tsquery("'") is None


def test_a_correction_changes_what_is_found(store, cases):
    ada = cases["ada"].reference
    store.correct_field(ada, "staff:amy", "address", "2 Babbage Street", "she moved")
    assert _found(store, "analytical") == set()
    assert _found(store, "babbage street") == {ada}


def test_an_erased_resident_is_found_no_more(store, profile, cases, tracker):
    ada, zoe = cases["ada"].reference, cases["zoe"].reference
    if store.engine.dialect.name == "sqlite":
        # No merging by chance: whether her words leave the index's segments must not depend on
        # how many writes came before.
        with store.write() as db:
            db.execute(sa.text(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('automerge', 0)"))
    erased = erase_subject(store, Subject(email="ada.lovelace@example.org"), actor="staff:dpo",
                           tracker=tracker)
    assert erased.references == [ada]
    for text in ("lovelace", "Ada Lovelace", "analytical", "bedroom", "SW1A 1AA",
                 "ada.lovelace@example.org", "07700 900123", "07700", ada[4:9] + " damp"):
        assert _found(store, text) == set(), text
    assert _found(store, ada) == {ada}          # the reference stays, as on the case
    assert _found(store, "zoë") == {zoe}
    assert "lovelace" not in _indexed_words(store, ada)
    # FTS5 stores a word after the letters it shares with the word before it: look for its end.
    assert _in_any_table(store, "velace") == [], "her words are still in a table of the index"


def _in_any_table(store, word: str) -> list[str]:
    """The tables (the index's own among them: FTS5 keeps a deleted entry's words in its segments
    until they merge) whose rows hold the word, as text or as bytes."""
    found = []
    with store.read() as db:
        tables = sa.inspect(db.bind).get_table_names()
        for table in tables:
            for row in db.execute(sa.text(f'SELECT * FROM "{table}"')):
                if any(word.encode() in (value if isinstance(value, bytes) else str(value).lower().encode())
                       for value in row):
                    found.append(table)
                    break
    return found


def _indexed_words(store, reference: str) -> str:
    """What the index holds for the case, as text."""
    with store.read() as db:
        case_id = db.execute(sa.select(Case.id).where(Case.reference == reference)).scalar_one()
        if store.engine.dialect.name == "postgresql":
            sql = f"SELECT {search.PG_COLUMN}::text FROM cases WHERE id = :id"
        else:
            sql = f"SELECT body FROM {search.FTS_TABLE} WHERE rowid = :id"
        return db.execute(sa.text(sql), {"id": case_id}).scalar_one().lower()


def test_the_search_is_served_by_the_index(store, cases):
    """The query plan reads the full-text index (and the identifiers' indexes), not every case."""
    statement = store.select_matching(CaseQuery(search="sw1a 1aa"), Case.id)
    sql = str(statement.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as db:
        if store.engine.dialect.name == "postgresql":
            db.exec_driver_sql("SET enable_seqscan = off")   # a few cases: it would scan them
            plan = "\n".join(row[0] for row in db.exec_driver_sql("EXPLAIN " + sql))
            assert search.PG_INDEX in plan and "ix_cases_postcode_key" in plan, plan
            assert "Seq Scan" not in plan, plan
        else:
            plan = "\n".join(row[-1] for row in db.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "VIRTUAL TABLE INDEX" in plan and "ix_cases_postcode_key" in plan, plan
            assert "SCAN cases" not in plan, plan


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres_databases").create()


def test_the_migration_indexes_the_cases_already_there(empty_database_url, profile, clock):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0011_team_notices")
        store = CaseStore(engine, clock=clock, forward=False)
        old = _file(store, profile, "old", **RESIDENTS["ada"])
        upgrade(engine)
        assert _found(store, "lovelace") == {old.reference}
        assert _found(store, "sw1a1aa") == {old.reference}
        new = _file(store, profile, "new", **RESIDENTS["zoe"])
        assert _found(store, "zoë") == {new.reference}

        downgrade(engine, "0011_team_notices")
        inspector = sa.inspect(engine)
        assert not {"ix_cases_postcode_key", search.PG_INDEX} & {
            i["name"] for i in inspector.get_indexes("cases")}
        assert search.PG_COLUMN not in {c["name"] for c in inspector.get_columns("cases")}
        assert not [name for name in sa.inspect(engine).get_table_names()
                    if name.startswith(search.FTS_TABLE)]
        _file(store, profile, "between", **RESIDENTS["mo"])   # filed with no index to keep
        upgrade(engine)
        assert _found(store, "well-known") == {_ref(store, "conv-between")}
        assert _found(store, "lovelace") == {old.reference}
        store.dispose()
    finally:
        engine.dispose()


def _ref(store, conversation_id: str) -> str:
    with store.read() as db:
        return db.execute(sa.select(Case.reference).where(
            Case.conversation_id == conversation_id)).scalar_one()


def test_an_erased_residents_words_are_not_left_in_the_sqlite_file(store, cases, tracker):
    """Deleted rows leave their bytes in SQLite's free pages and in its write-ahead log unless
    they are overwritten: the file itself must not hold her name after the erasure."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite file")
    erase_subject(store, Subject(email="ada.lovelace@example.org"), actor="staff:dpo", tracker=tracker)
    path = Path(store.engine.url.database)
    held = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    for word in (b"Lovelace", b"velace", b"ada.lovelace@example.org", b"nalytical"):
        assert word not in held, word
