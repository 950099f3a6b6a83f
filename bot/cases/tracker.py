"""The conversations in Rasa's tracker store, as personal data: read one as a transcript for a
subject access request, delete them for erasure and retention, find the ones left idle.

Rasa's SQL tracker store (bot/tracker_store.py, INTAKE_TRACKER_URL) writes one row per event to
the table `events` (sender_id, type_name, timestamp, intent_name, action_name, data = the event
as JSON); a case's `conversation_id` is the sender id of the conversation that filed it. This
module reads and deletes those rows with SQLAlchemy alone (no Rasa), so the case commands stay
light. Any failure to reach the database is a `TrackerStoreUnavailable`, whose message names the
store (password hidden): the privacy commands stop on it rather than report a job half done.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from bot import settings
from bot.cases import db

# Rasa's table, as its SQLTrackerStore makes it (the staff workspace reads the same definition).
_metadata = sa.MetaData()
EVENTS = sa.Table(
    "events", _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
CHUNK = 500  # sender ids per IN (...) list


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store could not be read or changed; the message says which and why."""


def _hide_password(url: Any) -> str:
    try:
        return repr(make_url(str(url)))
    except Exception:  # noqa: BLE001 - only for messages
        return "<database URL>"


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _moment(timestamp: float | None) -> str | None:
    return None if timestamp is None else \
        datetime.fromtimestamp(timestamp, timezone.utc).isoformat()


def event_data(raw: str | None) -> dict[str, Any]:
    """One `events` row's JSON as a dict ({} when it is not a JSON object)."""
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _buttons(data: dict[str, Any]) -> list[dict[str, str]]:
    extra = data.get("data") or {}
    found = []
    for key in ("buttons", "quick_replies"):
        for button in extra.get(key) or []:
            if isinstance(button, dict):
                found.append({"title": str(button.get("title", "")),
                              "payload": str(button.get("payload", ""))})
    return found


@dataclass
class Deletion:
    """What one `TrackerStore.deleting()` block removed: events per conversation."""

    events: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.events.values())

    @property
    def conversations(self) -> int:
        return sum(1 for count in self.events.values() if count)


class TrackerStore:
    """The tracker store's conversations, for the privacy commands."""

    def __init__(self, engine: Engine | str | None = None) -> None:
        if isinstance(engine, Engine):
            self.engine = engine
        else:
            url = settings.resolve_sqlite_path(engine or settings.tracker_url())
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                # Rasa writes while we work: wait for its write lock rather than fail.
                self.engine = sa.create_engine(url, future=True, connect_args={
                    "timeout": 15, "check_same_thread": False})
            elif parsed.get_backend_name() == "postgresql":
                self.engine = sa.create_engine(url, future=True, pool_pre_ping=True,
                                               connect_args={"connect_timeout": 10})
            else:
                self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        self.name = _hide_password(self.engine.url)
        db.secure_delete(self.engine)  # an erased conversation is overwritten, not only unlinked

    def dispose(self) -> None:
        self.engine.dispose()

    # -- reaching it ---------------------------------------------------------------------------

    def _unavailable(self, error: Exception) -> TrackerStoreUnavailable:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        return TrackerStoreUnavailable(
            f"the tracker store (INTAKE_TRACKER_URL: {self.name}) cannot be used: "
            f"{reason[0] if reason else type(error).__name__}")

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        try:
            yield
        except TrackerStoreUnavailable:
            raise
        except sa.exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    def check(self) -> bool:
        """Raise TrackerStoreUnavailable unless the store answers; True when it holds Rasa's
        table (False: Rasa has not started on it yet, so it holds no conversation).

        A SQLite file that does not exist is an error, not an empty store: SQLite would make a
        new file, and a mistyped INTAKE_TRACKER_URL would then pass for a store with nothing in
        it while the real one keeps every conversation."""
        database = self.engine.url.database or ""
        if (self.engine.dialect.name == "sqlite" and database not in ("", ":memory:")
                and not database.startswith("file:") and not Path(database).is_file()):
            raise TrackerStoreUnavailable(
                f"the tracker store (INTAKE_TRACKER_URL: {self.name}) cannot be used: "
                f"there is no file {database}")
        with self._guarded():
            with self.engine.connect() as connection:
                return sa.inspect(connection).has_table("events")

    # -- reading -------------------------------------------------------------------------------

    def transcripts(self, sender_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The resident's and the assistant's messages of each conversation, in order, with
        their times (UTC, ISO 8601); a conversation the store does not hold is []."""
        wanted = sorted({s for s in sender_ids if s})
        found: dict[str, list[dict[str, Any]]] = {s: [] for s in wanted}
        if not wanted or not self.check():
            return found
        e = EVENTS.c
        with self._guarded(), self.engine.connect() as connection:
            for chunk in _chunks(wanted):
                rows = connection.execute(
                    sa.select(e.sender_id, e.type_name, e.timestamp, e.data)
                    .where(e.sender_id.in_(chunk), e.type_name.in_(("user", "bot")))
                    .order_by(e.sender_id, e.id)).all()
                offered: dict[str, list[dict[str, str]]] = {}
                for row in rows:
                    turn: dict[str, str | list[str] | None]
                    data = event_data(row.data)
                    text = str(data.get("text") or "")
                    if row.type_name == "bot":
                        buttons = _buttons(data)
                        offered[row.sender_id] = buttons or offered.get(row.sender_id, [])
                        turn = {"at": _moment(row.timestamp), "from": "assistant", "text": text}
                        if buttons:
                            turn["buttons"] = [b["title"] for b in buttons]
                    else:
                        turn = {"at": _moment(row.timestamp), "from": "resident", "text": text}
                        pressed = next((b["title"] for b in offered.get(row.sender_id, [])
                                        if text and b["payload"] == text), None)
                        if pressed is not None:
                            turn["button"] = pressed
                    found[row.sender_id].append(turn)
        return found

    def conversations_mentioning(self, needles: Iterable[str]) -> set[str]:
        """The conversations whose events hold any of `needles` (case-insensitive): those where a
        resident gave a case reference or an e-mail address to look a case up, ask for stage 2
        or add to it, besides the one that filed it. Read from the stored JSON, so a value
        counts only as written there (e-mails and references are plain ASCII)."""
        wanted = sorted({n.strip().lower() for n in needles if n and len(n.strip()) >= 6})
        if not wanted or not self.check():
            return set()
        e = EVENTS.c
        found: set[str] = set()
        with self._guarded(), self.engine.connect() as connection:
            for chunk in _chunks(wanted):
                condition = sa.or_(*(sa.func.lower(e.data).contains(n, autoescape=True)
                                     for n in chunk))
                found.update(connection.execute(
                    sa.select(e.sender_id).where(e.type_name.in_(("user", "slot")), condition)
                    .distinct()).scalars())
        return found

    def event_counts(self, sender_ids: Iterable[str]) -> dict[str, int]:
        """How many events the store holds of each conversation (those it holds)."""
        wanted = sorted({s for s in sender_ids if s})
        if not wanted or not self.check():
            return {}
        e = EVENTS.c
        counts: dict[str, int] = {}
        with self._guarded(), self.engine.connect() as connection:
            for chunk in _chunks(wanted):
                counts.update(connection.execute(
                    sa.select(e.sender_id, sa.func.count()).where(e.sender_id.in_(chunk))
                    .group_by(e.sender_id)).all())
        return counts

    def idle_conversations(self, before: datetime) -> list[str]:
        """The conversations whose last event is older than `before`, oldest first."""
        if not self.check():
            return []
        e = EVENTS.c
        last = sa.func.max(e.timestamp)
        with self._guarded(), self.engine.connect() as connection:
            return list(connection.execute(
                sa.select(e.sender_id).group_by(e.sender_id)
                .having(last < before.timestamp()).order_by(last, e.sender_id)).scalars())

    def forms_left_open(self, before: datetime, form: str = "intake_form") -> int:
        """Conversations whose `form` is still open (its latest active_loop event opened it) and
        whose last event is older than `before`: residents who walked away mid-form."""
        if not self.check():
            return 0
        e = EVENTS.c
        loops = (sa.select(e.sender_id, sa.func.max(e.id).label("id"))
                 .where(e.type_name == "active_loop").group_by(e.sender_id).subquery())
        seen = (sa.select(e.sender_id, sa.func.max(e.timestamp).label("last"))
                .group_by(e.sender_id).subquery())
        # Rasa writes the event as json.dumps of its dict: {"event": "active_loop", ..., "name": "intake_form"}
        opened = sa.or_(e.data.like(f'%"name": "{form}"%'), e.data.like(f'%"name":"{form}"%'))
        with self._guarded(), self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(
                    EVENTS.join(loops, e.id == loops.c.id).join(seen, seen.c.sender_id == e.sender_id))
                .where(opened, seen.c.last < before.timestamp())).scalar_one()

    # -- deleting ------------------------------------------------------------------------------

    @contextmanager
    def deleting(self) -> Iterator["Deleter"]:
        """A transaction that deletes conversations, committed when the block ends without an
        error and rolled back otherwise. The caller does its own part of the work inside the
        block, so that a failure of that part leaves the conversations where they were; only a
        failure of the commit that ends the block comes after them."""
        has_table = self.check()
        with self._guarded():
            connection = self.engine.connect()
        try:
            with self._guarded():
                transaction = connection.begin()
            deleter = Deleter(self, connection if has_table else None)
            try:
                yield deleter
            except BaseException:
                try:
                    transaction.rollback()
                except sa.exc.SQLAlchemyError:
                    pass  # the caller's error is the one to report
                raise
            with self._guarded():
                transaction.commit()
        finally:
            connection.close()
        if deleter.done.total:
            db.forget_freed_pages(self.engine)


class Deleter:
    """Deletes conversations within a `TrackerStore.deleting()` block; `done` is the tally."""

    def __init__(self, store: TrackerStore, connection) -> None:
        self._store = store
        self._connection = connection
        self.done = Deletion()

    def delete(self, sender_ids: Iterable[str], *, idle_before: datetime | None = None
               ) -> dict[str, int]:
        """Delete every event of these conversations (with `idle_before`: only of those still
        without an event since then); returns the events deleted per conversation."""
        removed: dict[str, int] = {}
        for sender_id in sorted({s for s in sender_ids if s}):
            count = 0
            if self._connection is not None:
                statement = EVENTS.delete().where(EVENTS.c.sender_id == sender_id)
                if idle_before is not None:
                    newer = EVENTS.alias("newer")
                    statement = statement.where(~sa.exists().where(
                        newer.c.sender_id == sender_id,
                        newer.c.timestamp >= idle_before.timestamp()))
                with self._store._guarded():
                    count = self._connection.execute(statement).rowcount or 0
            removed[sender_id] = count
            self.done.events[sender_id] = self.done.events.get(sender_id, 0) + count
        return removed
