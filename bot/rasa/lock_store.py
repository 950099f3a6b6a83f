"""Rasa's lock store, made safe for several Rasa servers sharing one Redis.

Rasa's `RedisLockStore` keeps each conversation's ticket lock as one JSON value and changes it by
reading it, changing it in Python and writing it back. Two servers that take the same
conversation's messages at the same moment (a double click that the load balancer sends to both)
can then both read "no tickets", both write ticket 1 and both go ahead: the second server's events
are then never stored, because the tracker store writes only the events it does not have yet.
Cleaning up has the same race: a server can delete a lock that another has just queued on.

`AtomicRedisLockStore` makes every such change one Redis transaction (WATCH the key, MULTI/EXEC,
retried when another server changed it meanwhile), so tickets are unique and a queued ticket is
never lost. endpoints.yml names `IntakeLockStore`, which gives this store for
`INTAKE_LOCK_STORE=redis` and Rasa's in-memory store (one process: nothing to race) otherwise.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.patches import Expected

T = TypeVar("T")
BACKENDS = ("in_memory", "redis")

# What of Rasa's Redis lock store this one overrides, and how it reads and writes a lock;
# checked by `bot.rasa.install()` before the server starts (bot/rasa/patches.py).
RELIES_ON = (
    Expected(RedisLockStore, "issue_ticket", "(self, conversation_id, lock_lifetime=...)"),
    Expected(RedisLockStore, "update_lock", "(self, conversation_id)"),
    Expected(RedisLockStore, "finish_serving", "(self, conversation_id, ticket_number)"),
    Expected(RedisLockStore, "cleanup", "(self, conversation_id, ticket_number)"),
    Expected(RedisLockStore, "create_lock", "(conversation_id)"),
    Expected(TicketLock, "from_dict", "(data)"),
    Expected(TicketLock, "dumps", "(self)"),
)


class AtomicRedisLockStore(RedisLockStore):
    """A Redis lock store whose every read-change-write of a lock is one transaction."""

    def _change(self, conversation_id: Text,
                change: Callable[[Optional[TicketLock]], tuple[Optional[TicketLock], T]]) -> T:
        """Apply `change` to the conversation's lock atomically; it returns the lock to store (None:
        delete it) and a result. Retried from a fresh read when another server got in first."""
        key = self.key_prefix + conversation_id
        result: list[T] = []

        def transaction(pipe: Any) -> None:
            result.clear()
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, outcome = change(lock)
            pipe.multi()
            if new_lock is None or not new_lock.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            result.append(outcome)

        self.red.transaction(transaction, key)
        return result[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # noqa: BLE001 - Rasa expects a LockError, as its own store raises
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # One transaction: remove our ticket and delete the lock only if nobody queued meanwhile
        # (Rasa's own check-then-delete could drop a ticket issued between the two steps).
        self.finish_serving(conversation_id, ticket_number)


class IntakeLockStore(LockStore):
    """What endpoints.yml names: `backend: redis` gives an `AtomicRedisLockStore` (the other keys
    are `RedisLockStore`'s), anything else Rasa's `InMemoryLockStore`. Rasa builds a custom lock
    store as `cls(endpoint_config=...)`; this class only chooses, so it returns the store itself."""

    def __new__(cls, endpoint_config: EndpointConfig) -> LockStore:  # type: ignore[misc]
        options = dict(endpoint_config.kwargs)
        backend = options.pop("backend", "in_memory") or "in_memory"
        if backend not in BACKENDS:
            raise ValueError(f"lock store backend {backend!r}: use {' or '.join(BACKENDS)}")
        if backend == "in_memory":
            return InMemoryLockStore()
        return AtomicRedisLockStore(host=endpoint_config.url, **options)
