"""The lock store the scaled-out layout uses (bot/rasa/lock_store.py), against the real Redis: two
servers (two stores, each with its own connection and event loop) that take the same
conversation's messages at the same moment are served one at a time, and none loses its turn."""
from __future__ import annotations

import asyncio
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.lock_store import AtomicRedisLockStore, IntakeLockStore
from tests.support.services import missing



@pytest.fixture(scope="module")
def redis_options() -> dict:
    url = os.environ.get("INTAKE_TEST_REDIS_URL")
    if not url:
        missing("the lock store tests need INTAKE_TEST_REDIS_URL")
    parts = urlsplit(url)
    return {"url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
            "db": int((parts.path or "/0").strip("/") or 0), "key_prefix": "intaketest"}


def redis_store(options: dict) -> LockStore:
    """As the Rasa server builds it from endpoints.yml with INTAKE_LOCK_STORE=redis."""
    return LockStore.create(EndpointConfig.from_dict(
        {"type": "bot.rasa.lock_store.IntakeLockStore", "backend": "redis", **options}))


def test_endpoints_choose_the_store():
    memory = LockStore.create(EndpointConfig.from_dict(
        {"type": "bot.rasa.lock_store.IntakeLockStore", "backend": "in_memory", "url": "127.0.0.1"}))
    assert isinstance(memory, InMemoryLockStore)
    with pytest.raises(ValueError, match="memcached"):
        IntakeLockStore(EndpointConfig.from_dict({"backend": "memcached"}))


def test_tickets_issued_at_once_by_two_servers_are_all_different(redis_options):
    stores = [redis_store(redis_options), redis_store(redis_options)]
    assert all(isinstance(s, AtomicRedisLockStore) for s in stores)
    conversation = f"tickets-{uuid.uuid4().hex}"
    start = threading.Barrier(16)

    def issue(n: int) -> int:
        start.wait()
        return stores[n % 2].issue_ticket(conversation, 60)

    with ThreadPoolExecutor(16) as pool:
        tickets = list(pool.map(issue, range(16)))
    assert sorted(tickets) == list(range(16))
    lock = stores[0].get_lock(conversation)
    assert [t.number for t in lock.tickets] == list(range(16)), "a queued ticket was lost"
    for ticket in tickets:
        stores[ticket % 2].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None, "the lock outlived its last ticket"


def test_two_servers_handle_one_conversation_one_message_at_a_time(redis_options):
    """Each 'message' reads a value, waits (as a turn waits on the action server) and writes it
    back plus one: without mutual exclusion, turns that overlap lose increments."""
    conversation = f"turns-{uuid.uuid4().hex}"
    counter_key = f"intaketest:counter:{conversation}"
    messages_per_server = 12
    start = threading.Barrier(2)

    def server() -> int:
        store = redis_store(redis_options)
        overlaps = 0
        inside = store.red.incr  # shared flag of how many turns run now, kept in Redis

        async def turn() -> None:
            nonlocal overlaps
            async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.005):
                if inside(counter_key + ":inside") != 1:
                    overlaps += 1
                value = int(store.red.get(counter_key) or 0)
                await asyncio.sleep(0.003)
                store.red.set(counter_key, value + 1)
                store.red.decr(counter_key + ":inside")

        async def run() -> None:
            start.wait()
            await asyncio.gather(*(turn() for _ in range(messages_per_server)))

        asyncio.run(run())
        return overlaps

    with ThreadPoolExecutor(2) as pool:
        overlaps = list(pool.map(lambda _: server(), range(2)))
    store = redis_store(redis_options)
    try:
        assert overlaps == [0, 0], "two turns of one conversation ran at once"
        assert int(store.red.get(counter_key)) == 2 * messages_per_server
        assert store.get_lock(conversation) is None
    finally:
        store.red.delete(counter_key, counter_key + ":inside")
