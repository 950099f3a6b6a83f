"""What the stores hold, read straight from their databases: shared by the fuzz and fault tests."""
from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa

from bot.cases import references


def _rows(url: str, sql: str, **params) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def tracker_events(url: str, sender: str) -> list[dict]:
    """A conversation's events in the tracker store, in the order stored."""
    return [json.loads(data) for (data,) in
            _rows(url, "SELECT data FROM events WHERE sender_id = :s ORDER BY id", s=sender)]


def user_texts(url: str, sender: str) -> list[str]:
    return [e.get("text") for e in tracker_events(url, sender) if e.get("event") == "user"]


def bot_texts(url: str, sender: str) -> list[str]:
    return [e.get("text") for e in tracker_events(url, sender) if e.get("event") == "bot"]


def event_count(url: str) -> int:
    return _rows(url, "SELECT count(*) FROM events")[0][0]


def cases_of(url: str, sender: str) -> list[tuple[str, str]]:
    """(reference, type) of every case the conversation filed."""
    return _rows(url, "SELECT reference, case_type FROM cases WHERE conversation_id = :s ORDER BY id",
                 s=sender)


def case_store_problems(url: str) -> list[str]:
    """What is inconsistent in a case store: a case without a (valid) reference or whose
    reference names another type, a submission filed twice, a case whose history does not start
    with its one `filed` entry, history or outbox entries of no case."""
    problems = []
    cases = _rows(url, "SELECT id, reference, case_type, conversation_id, submission_key FROM cases")
    ids = {row[0] for row in cases}
    for case_id, reference, case_type, _conversation, _key in cases:
        if not reference:
            problems.append(f"case {case_id} has no reference")
        elif not references.is_valid(reference):
            problems.append(f"case {case_id}: {reference!r} is not a valid reference")
        elif references.case_type_of(reference) != case_type:
            problems.append(f"case {case_id}: {reference} is not a {case_type}")
    for (conversation, key), count in Counter((row[3], row[4]) for row in cases).items():
        if count > 1:
            problems.append(f"submission {key!r} of conversation {conversation!r} filed {count} times")
    references_seen = Counter(row[1] for row in cases)
    problems += [f"reference {r} used {n} times" for r, n in references_seen.items() if n > 1]
    history: dict[int, list[str]] = {}
    for case_id, kind in _rows(url, "SELECT case_id, kind FROM case_events ORDER BY id"):
        if case_id not in ids:
            problems.append(f"a history entry ({kind}) of no case ({case_id})")
        history.setdefault(case_id, []).append(kind)
    for case_id in ids:
        kinds = history.get(case_id, [])
        if not kinds or kinds[0] != "filed" or kinds.count("filed") != 1:
            problems.append(f"case {case_id}: its history is {kinds[:3]}..., not one `filed` first")
    for (case_id,) in _rows(url, "SELECT case_id FROM outbox WHERE case_id IS NOT NULL"):
        if case_id not in ids:
            problems.append(f"an outbox entry of no case ({case_id})")
    return problems
