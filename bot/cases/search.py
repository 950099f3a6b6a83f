"""The staff queue's search, served by an index on both databases.

What staff type is taken as words (letters and digits; everything else separates them): a case
matches when it has every word, in any of the searched fields, the last word also as the start
of a longer one while it is still being typed ("damp mou" finds "damp and mouldy"; "100%" finds
"100" but not "1000"). Beside the words, what full-text search tokenises badly is matched exactly,
each through an index of its own: a whole reference (however typed), an e-mail address, a phone
number and a postcode (however spaced). A part of a reference, an e-mail address, a phone number
or a postcode is found through its words: "7KQ4M", "CMP-7KQ", "ada@example", "07700", "SW1A".

The index:

- SQLite: an FTS5 table, `case_search` (its rowid is the case's id, one column of the case's
  searched text), kept in step by triggers on `cases`, so every write (the store's, an
  anonymisation, a bulk copy) changes it in the same transaction.
- PostgreSQL: a stored generated column, `cases.search_vector` (`to_tsvector('simple', <the same
  text>)`, computed by the database on every write), with a GIN index, `ix_cases_search`. Not an
  expression index: where the planner starts from another index (the open cases' statuses) it
  would compute the vector again for every row it checks (5 s at 100,000 cases). The column is no
  model's: the ORM never reads it.

Both made by migration 0012. Both tokenise the same way: the 'simple' configuration (no stemming,
no stop words, no accents removed) against FTS5's unicode61 with diacritics kept; PostgreSQL's
parser would keep an e-mail address or "well-known" as one token, so its text has ASCII
punctuation turned into spaces first. What staff type never reaches either query language as
syntax: it is cut into words here, and each word is quoted (FTS5) or single-quoted (tsquery)
with nothing in it that either would read as an operator; the query string is a bound parameter.

A search with no words at all (only punctuation or symbols, "*" or "%") matches the characters as
typed, by scanning, as the search always did.
"""
from __future__ import annotations

import re
import string

import sqlalchemy as sa

from bot.cases import contacts, references
from bot.cases.models import Case

# What staff search: the reference and what the resident gave in words. Not searched:
# `reasonable_adjustments` (health and disability details, shown only to the case's handler and
# managers: a search for "wheelchair" would tell everyone else whose they are), and the landlord's
# own words (`exclusion_explanation`, `extra`). Changing this list needs a migration that
# rebuilds the index (see 0012), or PostgreSQL's index no longer matches the query.
FIELDS = (
    "reference", "name", "email", "phone", "postcode", "address", "description",
    "event_date_text", "affected", "desired_outcome", "location", "access_availability",
    "evidence", "frequency", "representative_name", "representative_relationship",
    "preferred_format", "complaint_choice",
)
FTS_TABLE = "case_search"
PG_INDEX = "ix_cases_search"
PG_COLUMN = "search_vector"
# Characters of a case's text PostgreSQL indexes (the start of it): a tsvector holds at most
# 1 MB, and a field may hold a million characters; no staff search needs the 100,001st.
MAX_INDEXED = 100_000
MAX_WORDS = 32

# Letters and digits (Unicode categories L and N), as both tokenisers take them.
_WORD = re.compile(r"[^\W_]+")
# Turned into spaces before PostgreSQL's parser sees the text, which joins words with them into
# e-mail, host, file and hyphenated tokens (the Unicode ones: for a database whose ctype would
# take them as letters). "%" and "\\" join nothing, and would need escaping in the SQL.
_PG_SEPARATORS = (string.punctuation.replace("%", "").replace("\\", "")
                  + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\ue000")
_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def _literal(text: str) -> str:
    """A SQL string literal (standard: only the quote is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _text_sql(prefix: str) -> str:
    """The searched fields joined by spaces, as SQL on the row `prefix` names ("new." in a
    trigger, "cases." in a query, "" in an index)."""
    return " || ' ' || ".join(f"coalesce({prefix}{name}, '')" for name in FIELDS)


def sqlite_text_sql(prefix: str = "new.") -> str:
    # All of it: FTS5 has no limit, and SQLite's substr() would stop at a U+0000.
    return _text_sql(prefix)


def postgres_vector_sql(prefix: str = "") -> str:
    """The generated column's expression. Every function in it is immutable, as it must be."""
    # PostgreSQL keeps U+0000 as ESC "0" and ESC as ESC ESC (cases.types): both separate words.
    escape = chr(0xE000)
    text = f"left({_text_sql(prefix)}, {MAX_INDEXED})"
    text = f"replace(replace({text}, {_literal(escape * 2)}, ' '), {_literal(escape + '0')}, ' ')"
    spaces = " " * len(_PG_SEPARATORS)
    return (f"to_tsvector('simple'::regconfig, translate({text}, {_literal(_PG_SEPARATORS)}, "
            f"{_literal(spaces)}))")


def forget_deleted(session) -> None:
    """Merge the SQLite index so that the words of entries deleted or rewritten are gone from it.

    FTS5 records a deletion as a marker and keeps the old words in its segments until they merge:
    after an erasure or an anonymisation, "Pickles" could still be read from `case_search_data`.
    Merging every segment ('optimize') drops them; it rewrites the index, so it is run once per
    erasure or retention batch, not per case. PostgreSQL's generated column holds only the current
    text (its dead row versions go with VACUUM, as for every other column)."""
    if session.bind.dialect.name != "sqlite":
        return
    exists = session.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
                             {"name": FTS_TABLE}).first()
    if exists:
        session.execute(sa.text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


# --- schema: used by migration 0012 ----------------------------------------------------------

def sqlite_create() -> list[str]:
    """The FTS5 table and the triggers that keep it in step with `cases`."""
    columns = ", ".join(FIELDS)
    row = sqlite_text_sql("new.")
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, "
        f"tokenize = \"unicode61 remove_diacritics 0 categories 'L* N*'\")",
        f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON cases BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, {row}); END",
        # Only a change to a searched field rewrites the entry (not every action's version bump);
        # deleted and inserted again, so an entry missing for any reason comes back.
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF {columns} ON cases BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
        f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, {row}); END",
        f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON cases BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
        f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id, {sqlite_text_sql('')} FROM cases",
    ]


def sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}" for name in ("insert", "update", "delete")
            ] + [f"DROP TABLE IF EXISTS {FTS_TABLE}"]


def postgres_create() -> list[str]:
    return [f"ALTER TABLE cases ADD COLUMN {PG_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({postgres_vector_sql()}) STORED",
            f"CREATE INDEX {PG_INDEX} ON cases USING gin ({PG_COLUMN})",
            "ANALYZE cases"]   # statistics for the new column, so the planner weighs it


def postgres_drop() -> list[str]:
    return [f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE cases DROP COLUMN IF EXISTS {PG_COLUMN}"]


def not_search_table(name, type_, parent_names) -> bool:
    """For Alembic's comparisons (`include_name`): the FTS5 table and its shadow tables, and
    PostgreSQL's column and index, are made by migration 0012, not by a model, and are no
    difference to report."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    return name not in (PG_COLUMN, PG_INDEX)


# --- the query -------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return _WORD.findall(text)[:MAX_WORDS]


def fts5_query(text: str) -> str | None:
    """An FTS5 query: every word, as a quoted string (a quoted "OR" or "NEAR" is a word)."""
    found = words(text)
    if not found:
        return None
    terms = [f'"{word}"' for word in found]
    if _open_ended(text, found):
        terms[-1] += "*"
    return " AND ".join(terms)


def tsquery(text: str) -> str | None:
    """A to_tsquery('simple', ...) query: every word, single-quoted ('or', not an operator)."""
    found = words(text)
    if not found:
        return None
    terms = [f"'{word}'" for word in found]
    if _open_ended(text, found):
        terms[-1] += ":*"
    return " & ".join(terms)


def _open_ended(text: str, found: list[str]) -> bool:
    """The last word may be the start of a longer one: the text ends with it (still typing)."""
    return len(found) == len(_WORD.findall(text)) and bool(_WORD.search(text[-1:]))


def condition(text: str, dialect: str) -> sa.sql.ColumnElement:
    """Cases matching what staff typed: words through the full-text index, or one of the
    identifiers matched exactly through its own index."""
    matches = []
    if dialect == "postgresql":
        query = tsquery(text)
        if query:
            matches.append(sa.literal_column(f"cases.{PG_COLUMN}").op("@@")(
                sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), query)))
    else:
        query = fts5_query(text)
        if query:
            # FTS5 reads its own query language from the bound value alone: no SQL is built from it.
            found = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query")
            matches.append(Case.id.in_(found.bindparams(fts_query=query)
                                       .columns(sa.column("rowid", sa.Integer))))
    if not query:
        matches.append(_scan(text))
    matches += _exact(text)
    return sa.or_(*matches)


def _exact(text: str) -> list[sa.sql.ColumnElement]:
    found = []
    if references.is_valid(text):
        found.append(Case.reference == references.parse(text))
    if "@" in text and text.isprintable() and contacts.email_key(text):  # NUL is no text to PG
        found.append(Case.email_key == contacts.email_key(text))
    if re.fullmatch(r"[\d\s()+\-.]{7,}", text) and contacts.phone_key(text):
        found.append(Case.phone_key == contacts.phone_key(text))
    postcode = re.sub(r"\s+", "", text).upper()
    if _UK_POSTCODE.match(postcode):
        found.append(Case.postcode_key == postcode)
    return found


def _scan(text: str) -> sa.sql.ColumnElement:
    """No words to look up: the characters as typed, anywhere in the searched fields (LIKE's own
    wildcards taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    # The reference is plain characters (and NUL is no text to PostgreSQL: the other fields
    # escape it, cases.types).
    fields = FIELDS if text.isprintable() else [name for name in FIELDS if name != "reference"]
    return sa.or_(*(getattr(Case, name).ilike(pattern, escape="\\") for name in fields))
