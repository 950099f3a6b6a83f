"""Which platform messages have been handled already, shared by every Rasa server.

Meta delivers a Messenger message again when it doubts the first delivery (a slow answer, a
restart), and behind the load balancer the repeat may reach another Rasa server. Each message id
is recorded once in the case store's database (table `channel_deliveries`, an insert that does
nothing when the row exists, so two servers cannot both claim it); the recent ones are also
remembered in memory so the common case costs no query. Should the database not answer, the
message is handled rather than lost (a repeat answered twice is the lesser harm), and the log
says so.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import Callable

import sqlalchemy as sa

log = logging.getLogger(__name__)

KEEP = timedelta(days=7)        # Meta stops retrying within a day
PRUNE_EVERY = 500               # claims between deletions of old rows
REMEMBERED = 4096               # ids kept in memory per server


class DeliveryLedger:
    def __init__(self, url: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.url = url
        self.clock = clock
        self._engine: sa.engine.Engine | None = None
        self._engine_lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._claims = 0

    def _connect(self) -> sa.engine.Engine:
        with self._engine_lock:
            if self._engine is None:
                from bot.cases.db import make_engine

                self._engine = make_engine(self.url, pool_size=2, max_overflow=2)
            return self._engine

    def _remember(self, key: tuple[str, str]) -> None:
        self._recent[key] = None
        self._recent.move_to_end(key)
        while len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)

    def first_time(self, channel: str, message_id: str) -> bool:
        """Record the message; True when no server had recorded it before."""
        key = (channel, message_id[:255])
        if key in self._recent:
            return False
        from bot.cases.db import WRITE
        from bot.cases.models import ChannelDelivery

        try:
            engine = self._connect()
            table = ChannelDelivery.__table__
            values = {"channel": key[0], "message_id": key[1], "seen_at": self.clock()}
            if engine.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            with engine.connect() as connection:
                connection.execution_options(**WRITE)
                with connection.begin():
                    inserted = connection.execute(
                        insert(table).values(**values).on_conflict_do_nothing()).rowcount == 1
                    self._claims += 1
                    if self._claims % PRUNE_EVERY == 0:
                        connection.execute(sa.delete(table).where(
                            table.c.seen_at < self.clock() - KEEP))
        except sa.exc.SQLAlchemyError as error:
            log.error("could not record %s message %s as handled (%s): handling it anyway",
                      channel, message_id, str(error).splitlines()[0])
            inserted = True
        self._remember(key)
        return inserted

    async def claim(self, channel: str, message_id: str) -> bool:
        return await asyncio.to_thread(self.first_time, channel, message_id)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
