"""Rasa's SQL tracker store, made to ride out a database restart.

Rasa's own `SQLTrackerStore` reuses pooled connections that a restarted PostgreSQL has closed,
and Rasa wraps every tracker store in a `FailSafeTrackerStore` that, on any error, carries on with
an in-memory store: the conversation's events of that moment are then never written. This store
checks a pooled connection before using it (`pool_pre_ping`) and retries a failed read or write,
with back-off, while the database comes back, so a restart costs the resident a few seconds,
not their conversation. endpoints.yml names it as the tracker store type; the table and its
rows are Rasa's own (`events`), so everything that reads them (the staff workspace) is unchanged.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import weakref
from typing import Any, Awaitable, Callable, Iterable, Iterator, Optional, Text, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, OperationalError
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings
from bot.rasa.patches import Expected

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DELAY, MAX_DELAY = 0.2, 5.0

# What of Rasa's own store this one overrides or calls beyond its public interface; checked by
# `bot.rasa.install()` before the server starts (bot/rasa/patches.py).
RELIES_ON = (
    Expected(SQLTrackerStore, "_retrieve", "(self, sender_id, fetch_events_from_all_sessions)"),
    Expected(SQLTrackerStore, "_additional_events", "(self, session, tracker)"),
    Expected(SQLTrackerStore, "_event_query",
             "(self, session, sender_id, fetch_events_from_all_sessions)"),
    Expected(SQLTrackerStore, "stream_events", "(self, tracker)"),
    Expected(SQLTrackerStore, "session_scope", "(self)"),
    Expected(SQLTrackerStore, "SQLEvent"),
    Expected(SQLTrackerStore, "save", "(self, tracker)"),
)


def _is_transient(error: Exception) -> bool:
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and bool(getattr(error, "connection_invalidated", False)))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """The one-machine default: write-ahead logging (the staff workspace reads while Rasa writes)
    and one sync per checkpoint rather than per message (safe against a crash of the process; a
    power cut can lose the last moments, as with the case store's SQLite file)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            # SQLAlchemy 1.4 gives a SQLite file no pool: every message would open the file and
            # set the pragmas again (a tenth of the Rasa server's time under load). One kept
            # connection per thread instead; nothing restarts under a file, so no pre-ping.
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # How many of a tracker's events the database holds, for the tracker objects this store
        # read back or saved (by id, forgotten when the tracker is). Rasa's save counts them in
        # the database again on every message; under the conversation's lock nothing else
        # writes to it between this server's read and its save, so the count is already known.
        self._stored_counts: dict[int, int] = {}

    def _remember_stored(self, tracker: DialogueStateTracker) -> None:
        key = id(tracker)
        if key not in self._stored_counts:
            weakref.finalize(tracker, self._stored_counts.pop, key, None)
        self._stored_counts[key] = len(tracker.events)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        known = self._stored_counts.get(id(tracker))
        if known is None:  # a tracker this store did not read (a new conversation): count
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, known, len(tracker.events))

    async def _retrying(self, what: str, work: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        # How long to keep trying while the database is away (a restart takes seconds).
        deadline = loop.time() + settings.seconds("INTAKE_TRACKER_RETRY_SECONDS")
        delay = FIRST_DELAY
        while True:
            try:
                return await work()
            except Exception as error:  # noqa: BLE001 - only transient errors are retried
                if not _is_transient(error) or loop.time() + delay > deadline:
                    raise
                log.warning("tracker store: %s failed (%s); retrying in %.1f s", what,
                            str(error).splitlines()[0], delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    async def _retrieve(self, sender_id: Text,
                        fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        # Rasa's own, reading only the JSON column: building an ORM object for every event of
        # the conversation on every message was the largest single cost of a turn under load.
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions) \
                .with_entities(self.SQLEvent.data).all()
        events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            self._remember_stored(tracker)
            return tracker
        return None

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(f"reading conversation {sender_id}",
                                    lambda: super(ResilientSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(
            f"reading conversation {conversation_id}",
            lambda: super(ResilientSQLTrackerStore, self).retrieve_full_tracker(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        # Safe to repeat: only the events the database does not have yet are written. A failed
        # attempt may have committed before it failed, so a repeat counts them in the database.
        attempts = 0

        async def attempt() -> None:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self._stored_counts.pop(id(tracker), None)
            await self._save_new_events(tracker)
            self._remember_stored(tracker)

        await self._retrying(f"saving conversation {tracker.sender_id}", attempt)

    async def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save`, the same rows written in one INSERT rather than through
        an ORM object per event (the ORM's bookkeeping was most of the cost of a save)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    async def first_input_channel(self, sender_id: Text) -> Optional[Text]:
        """The channel of the conversation's first message (None when it has none yet): one
        indexed read of one row, where `retrieve` would replay the whole conversation."""
        def read() -> Optional[Text]:
            with self.session_scope() as session:
                row = (session.query(self.SQLEvent.data)
                       .filter(self.SQLEvent.sender_id == sender_id,
                               self.SQLEvent.type_name == "user")
                       .order_by(self.SQLEvent.id).first())
            return json.loads(row[0]).get("input_channel") if row else None

        async def work() -> Optional[Text]:
            return await asyncio.to_thread(read)

        return await self._retrying(f"reading conversation {sender_id}", work)

    async def keys(self) -> Iterable[Text]:
        return await self._retrying("listing conversations",
                                    lambda: super(ResilientSQLTrackerStore, self).keys())
