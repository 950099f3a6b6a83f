"""Abuse limits shared by the channels: message size, and message rate per conversation and per
address, each refused with a polite reply that says what to do instead.

The rate limiter is a sliding window. With one Rasa server (INTAKE_LOCK_STORE=in_memory) it is
kept in the server's memory. With several servers sharing the conversations
(INTAKE_LOCK_STORE=redis) it is kept in the lock store's Redis, so that the servers count
together and a conversation gets INTAKE_RATE_LIMIT_CONVERSATION messages in all, not that many
per server: each message is one Lua script (drop the hits older than the window, count, add), so
two servers cannot both let the last one through. Should Redis not answer, each server counts in
its own memory meanwhile (and says so in its log) rather than refuse the residents. nginx adds a
per-address limit in front (`bot/ops/loadbalancer.py`). Written here rather than taken from the
`limits` package, whose releases need packaging >= 21 while Rasa 3.6 pins packaging < 21.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Callable, Optional

from bot import settings
from bot.cases.submission import clean_text as storable_text

log = logging.getLogger(__name__)


class SettingError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    """At most `count` messages in any `seconds`; count 0 means no limit."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str, setting: str = "rate") -> "Rate":
        """'30/60' (30 per 60 seconds), or '0' for no limit."""
        text = (text or "").strip()
        if text in ("", "0", "off"):
            return cls(0, 1.0)
        try:
            count, seconds = text.split("/", 1)
            rate = cls(int(count), float(seconds))
        except ValueError:
            raise SettingError(f"{setting}: {text!r} is not a rate such as 30/60 (30 messages per "
                               "60 seconds) or 0 (no limit)") from None
        if rate.count < 0 or not rate.seconds > 0:
            raise SettingError(f"{setting}: {text!r}: the count must be 0 or more and the seconds more than 0")
        return rate

    @property
    def unlimited(self) -> bool:
        return self.count == 0


class SlidingWindowLimiter:
    """Counts hits per key over the last `rate.seconds`; forgets the least recently seen keys
    beyond `max_keys`, so a flood of new keys cannot exhaust memory."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.rate, self.clock, self.max_keys = rate, clock, max_keys
        self._hits: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> Optional[float]:
        """Record a message for `key`: None when allowed, else the seconds until it would be."""
        if self.rate.unlimited:
            return None
        now = self.clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.rate.seconds:
                hits.popleft()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            if len(hits) >= self.rate.count:
                return max(0.0, hits[0] + self.rate.seconds - now)
            hits.append(now)
            return None


# KEYS[1]: the key's sorted set of hits (score: the time in microseconds). ARGV: the count, the
# window in microseconds, a unique member for this hit, and "now" in microseconds ('' for Redis's
# own clock, the same for every server). Returns -1 when allowed, else the microseconds to wait.
_WINDOW_SCRIPT = """
local now
if ARGV[4] ~= '' then
  now = tonumber(ARGV[4])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window - now
  if wait < 0 then wait = 0 end
  return wait
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return -1
"""
REDIS_PREFIX = "intake:rate:"
REDIS_RETRY_SECONDS = 10.0  # after Redis failed, count in memory this long before trying again


class RedisWindowLimiter:
    """The sliding window of `SlidingWindowLimiter`, kept in Redis and shared by every server
    that uses the same Redis and `name`. While Redis cannot be reached it counts in `fallback`."""

    def __init__(self, rate: Rate, client: Any, name: str,
                 clock: Optional[Callable[[], float]] = None,
                 fallback: Optional[SlidingWindowLimiter] = None) -> None:
        self.rate, self.client, self.clock = rate, client, clock
        self.prefix = f"{REDIS_PREFIX}{name}:"
        self.fallback = fallback or SlidingWindowLimiter(rate)
        self._script = client.register_script(_WINDOW_SCRIPT)
        self._down_until = 0.0

    def key(self, key: str) -> str:
        # Conversation ids and addresses come from outside: a fixed-size key whatever they are.
        return self.prefix + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]

    def hit(self, key: str) -> Optional[float]:
        """Record a message for `key`: None when allowed, else the seconds until it would be."""
        if self.rate.unlimited:
            return None
        if time.monotonic() < self._down_until:
            return self.fallback.hit(key)
        import redis

        now = "" if self.clock is None else str(int(self.clock() * 1_000_000))
        try:
            wait = self._script(keys=[self.key(key)], args=[
                self.rate.count, int(self.rate.seconds * 1_000_000), uuid.uuid4().hex, now])
        except redis.RedisError as error:
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning("rate limits: Redis does not answer (%s); counting in this server's memory "
                        "for %.0f s", str(error).splitlines()[0] if str(error) else type(error).__name__,
                        REDIS_RETRY_SECONDS)
            return self.fallback.hit(key)
        wait = int(wait)
        return None if wait < 0 else wait / 1_000_000


_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def shared_redis() -> Any:
    """The lock store's Redis when INTAKE_LOCK_STORE=redis (several servers), else None. One
    client per process; it connects on first use, so a Redis that is slow to start does not stop
    the server (the limiter counts in memory until it answers)."""
    if settings.get("INTAKE_LOCK_STORE") != "redis":
        return None
    import redis

    options = (settings.get("INTAKE_REDIS_HOST"), int(settings.get("INTAKE_REDIS_PORT")),
               int(settings.get("INTAKE_REDIS_DB")), settings.get("INTAKE_REDIS_PASSWORD") or None)
    with _clients_lock:
        if options not in _clients:
            host, port, db, password = options
            _clients[options] = redis.Redis(host=host, port=port, db=db, password=password,
                                            socket_timeout=1, socket_connect_timeout=1)
        return _clients[options]


def clean_text(text: str) -> str:
    """`text` with what cannot be stored or parsed made harmless: lone surrogates become U+FFFD
    as the case store does (bot.cases.submission.clean_text: spaCy and SQLite fail on them), and
    NUL characters are dropped (Rasa's tracker store on PostgreSQL refuses NUL in text; the case
    store keeps them exactly)."""
    if not isinstance(text, str):
        return ""
    return storable_text(text).replace("\x00", "")


def clean_json(value: Any) -> Any:
    """`clean_text` applied to every string (keys too) of parsed JSON."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return value


@dataclass(frozen=True)
class Refusal:
    status: int
    text: str
    retry_after: Optional[float] = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(math.ceil(self.retry_after))} if self.retry_after else {}


def max_message_chars() -> int:
    value = settings.get("INTAKE_MAX_MESSAGE_CHARS")
    try:
        chars = int(value)
    except ValueError:
        raise SettingError(f"INTAKE_MAX_MESSAGE_CHARS: {value!r} is not a number of characters") from None
    if chars < 1:
        raise SettingError("INTAKE_MAX_MESSAGE_CHARS: must be at least 1")
    return chars


def request_size_limit(max_chars: int) -> int:
    """The largest HTTP body the Rasa server reads (REST and Messenger webhooks, socket.io
    long-polling POSTs): a message of twice the longest allowed length as JSON (up to 12 bytes a
    character: a character outside the Basic Multilingual Plane, an emoji say, is two \\u
    escapes), with room around it, so a message somewhat over INTAKE_MAX_MESSAGE_CHARS still gets
    the channel's polite refusal with its length. A bigger body is refused with 413 before it is
    read (`body_too_large`); Sanic's own default is 100 MB, and engine.io's 64 KiB would drop a
    long chat message with a bare 400 and a disconnect."""
    return 2 * 12 * max_chars + 64 * 1024


def too_long(length: int, limit: int) -> Refusal:
    return Refusal(413, (
        f"Sorry, that message is too long for me to take in one go ({length:,} characters; the most "
        f"is {limit:,}), so I haven't kept it. Please send it in shorter parts. "
        f"{_other_ways()}"))


def body_too_large(limit: int) -> Refusal:
    """The refusal of a body too big to read at all: its length is not known."""
    return Refusal(413, (
        f"Sorry, that message is far too long for me to take in one go (the most is {limit:,} "
        f"characters), so I haven't kept it. Please send it in shorter parts. {_other_ways()}"))


def too_fast(retry_after: float) -> Refusal:
    wait = max(1, math.ceil(retry_after))
    return Refusal(429, (
        "You're sending messages faster than I can read them, so I haven't taken in that last one. "
        f"Please wait {wait} second{'s' if wait != 1 else ''}, then send it again."), retry_after)


def _other_ways() -> str:
    try:
        from bot.policy import active_profile, wording

        return wording.contact_channels_text(active_profile())
    except Exception:  # noqa: BLE001 - a refusal must never fail
        return ""


class MessageLimits:
    """The checks a channel makes before a message reaches the assistant."""

    def __init__(self, per_conversation: Rate | None = None, per_address: Rate | None = None,
                 max_chars: int | None = None, clock: Optional[Callable[[], float]] = None,
                 redis_client: Any = None) -> None:
        """The counters are in `redis_client` if given, else in the lock store's Redis with
        INTAKE_LOCK_STORE=redis, else in memory. `clock` is for tests (Redis: its own clock)."""
        per_conversation = per_conversation or Rate.parse(
            settings.get("INTAKE_RATE_LIMIT_CONVERSATION"), "INTAKE_RATE_LIMIT_CONVERSATION")
        per_address = per_address or Rate.parse(
            settings.get("INTAKE_RATE_LIMIT_ADDRESS"), "INTAKE_RATE_LIMIT_ADDRESS")
        self.max_chars = max_chars or max_message_chars()
        memory_clock = clock or time.monotonic
        client = redis_client if redis_client is not None else shared_redis()
        self.conversations: SlidingWindowLimiter | RedisWindowLimiter
        self.addresses: SlidingWindowLimiter | RedisWindowLimiter
        if client is None:
            self.conversations = SlidingWindowLimiter(per_conversation, memory_clock)
            self.addresses = SlidingWindowLimiter(per_address, memory_clock)
        else:
            self.conversations = RedisWindowLimiter(
                per_conversation, client, "conversation", clock,
                SlidingWindowLimiter(per_conversation, memory_clock))
            self.addresses = RedisWindowLimiter(
                per_address, client, "address", clock, SlidingWindowLimiter(per_address, memory_clock))

    def check(self, text: str, conversation: str, address: str | None) -> Optional[Refusal]:
        """None when the message may go on; otherwise the refusal to send (nothing was kept)."""
        if len(text) > self.max_chars:
            return too_long(len(text), self.max_chars)
        for limiter, key in ((self.addresses, address), (self.conversations, conversation)):
            if key:
                wait = limiter.hit(key)
                if wait is not None:
                    return too_fast(wait)
        return None


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: int | None = None) -> str:
    """The resident's address: the socket peer, or, behind `trusted_proxies` reverse proxies,
    the address the first of them saw (X-Forwarded-For, counted from the right)."""
    if trusted_proxies is None:
        trusted_proxies = int(settings.get("INTAKE_TRUSTED_PROXIES") or 0)
    if trusted_proxies > 0 and forwarded_for:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        if hops:
            return hops[-min(trusted_proxies, len(hops))]
    return peer or ""
