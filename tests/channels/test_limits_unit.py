"""The channels' size and rate limits, and the REST channel's input checks (no server needed)."""
from __future__ import annotations

import json

import pytest

from bot.channels.limits import (MessageLimits, Rate, SettingError, SlidingWindowLimiter,
                                 client_address)
from bot.channels.rest import BadRequest, parse_body


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_rate_is_parsed_or_refused_with_the_setting_named():
    assert Rate.parse("30/60") == Rate(30, 60.0)
    assert Rate.parse("0").unlimited and Rate.parse("").unlimited
    with pytest.raises(SettingError, match="INTAKE_RATE_LIMIT_ADDRESS: 'lots'"):
        Rate.parse("lots", "INTAKE_RATE_LIMIT_ADDRESS")
    with pytest.raises(SettingError):
        Rate.parse("5/0")


def test_the_sliding_window_allows_the_rate_and_says_how_long_to_wait():
    clock = Clock()
    limiter = SlidingWindowLimiter(Rate(3, 10), clock)
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    clock.now += 4
    assert limiter.hit("a") == pytest.approx(6.0)  # the first of the three leaves the window at 10 s
    assert limiter.hit("b") is None                  # other keys are counted apart
    clock.now += 6.01
    assert limiter.hit("a") is None


def test_the_limiter_forgets_old_keys_beyond_its_size():
    limiter = SlidingWindowLimiter(Rate(1, 60), Clock(), max_keys=100)
    for n in range(1000):
        limiter.hit(f"k{n}")
    assert len(limiter._hits) == 100


def test_message_limits_refuse_too_long_and_too_fast_politely():
    clock = Clock()
    limits = MessageLimits(Rate(2, 60), Rate(3, 60), max_chars=10, clock=clock)
    long = limits.check("x" * 11, "c1", "1.2.3.4")
    assert long.status == 413 and "too long" in long.text and "11 characters" in long.text
    assert limits.check("hi", "c1", "1.2.3.4") is None
    assert limits.check("hi", "c1", "1.2.3.4") is None
    fast = limits.check("hi", "c1", "1.2.3.4")  # a third from the conversation within the minute
    assert fast.status == 429 and "wait" in fast.text and fast.headers["Retry-After"] == "60"
    assert limits.check("hi", "c2", "1.2.3.4") is not None  # the address has had its 3 (and one refused)


def test_the_client_address_behind_trusted_proxies():
    assert client_address("10.0.0.9", "203.0.113.7", trusted_proxies=0) == "10.0.0.9"
    assert client_address("10.0.0.9", "203.0.113.7", trusted_proxies=1) == "203.0.113.7"
    # A client cannot choose its address by sending its own X-Forwarded-For.
    assert client_address("10.0.0.9", "6.6.6.6, 203.0.113.7", trusted_proxies=1) == "203.0.113.7"
    assert client_address("10.0.0.9", None, trusted_proxies=1) == "10.0.0.9"


@pytest.mark.parametrize("raw, complaint", [
    (b"not json", "must be JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"message": "hi"}', "sender must be"),
    (b'{"sender": "", "message": "hi"}', "sender must be"),
    (b'{"sender": "a\\u0000b", "message": "hi"}', "printable"),
    (json.dumps({"sender": "x" * 300, "message": "hi"}).encode(), "at most 255"),
    (b'{"sender": "a", "message": 5}', "message must be a string"),
    (b'{"sender": "a", "message": "hi", "metadata": [1]}', "metadata must be a JSON object"),
    (json.dumps({"sender": "a", "message": "hi", "metadata": {"k": "v" * 9000}}).encode(), "8192 bytes"),
    (b'{"sender": "a", "message": "hi", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "JSON"),
    # Small enough for the byte limit, deep enough to break Rasa's copy of a new conversation's
    # metadata (found by the fuzz test: a 500 for the first message of a conversation).
    (b'{"sender": "a", "message": "hi", "metadata": {"m": ' + b'{"a": ' * 489 + b"1" + b"}" * 489 + b"}}",
     "too deeply nested"),
    (b'{"sender": "a", "message": "hi", "metadata": {"m": ' + b"[" * 32 + b"]" * 32 + b"}}",
     "too deeply nested"),
])
def test_a_bad_webhook_body_is_refused_with_what_is_wrong(raw, complaint):
    with pytest.raises(BadRequest, match=complaint):
        parse_body(raw)


def test_a_good_webhook_body_is_read():
    assert parse_body(b'{"sender": "me", "message": "hello", "metadata": {"a": 1}}') == \
        ("me", "hello", {"a": 1})
    nested = {"m": [[{"a": [1]}]]}
    assert parse_body(json.dumps({"sender": "me", "message": "hi", "metadata": nested}).encode())[2] == nested


# --- counters shared by several servers in Redis (INTAKE_LOCK_STORE=redis) ---------------------

def _redis_client():
    import os
    from urllib.parse import urlsplit

    import redis

    url = os.environ.get("INTAKE_TEST_REDIS_URL")
    if not url:
        from tests.support.services import missing

        missing("the shared rate limit tests need INTAKE_TEST_REDIS_URL")
    parts = urlsplit(url)
    return redis.Redis(host=parts.hostname or "127.0.0.1", port=parts.port or 6379,
                       db=int((parts.path or "/0").strip("/") or 0))


@pytest.fixture
def shared_redis():
    client = _redis_client()
    yield client
    for key in client.scan_iter("intake:rate:*"):
        if client.ttl(key) > 3600 or client.ttl(key) == -1:  # nothing of ours outlives its window
            raise AssertionError(f"{key!r} has no expiry")
    client.close()


def _key() -> str:
    import uuid

    return f"conversation-{uuid.uuid4().hex}"


def test_two_servers_share_one_conversation_limit_in_redis(shared_redis):
    """Behind a load balancer a conversation's messages alternate between servers: together they
    allow the setting's count, not that many each (in memory, each would allow 3 here)."""
    servers = [MessageLimits(Rate(3, 60), Rate(0, 1), max_chars=100, redis_client=shared_redis)
               for _ in range(2)]
    conversation = _key()
    results = [servers[n % 2].check("hi", conversation, None) for n in range(6)]
    assert results[:3] == [None, None, None]
    assert all(r is not None and r.status == 429 for r in results[3:]), results
    assert 58 <= results[3].retry_after <= 60 and results[3].headers["Retry-After"] == "60"
    assert servers[0].check("hi", _key(), None) is None  # other conversations are counted apart


def test_the_shared_window_slides_as_the_memory_one_does(shared_redis):
    clock = Clock()
    limiter = MessageLimits(Rate(3, 10), Rate(0, 1), max_chars=100, clock=clock,
                            redis_client=shared_redis).conversations
    key = _key()
    assert [limiter.hit(key) for _ in range(3)] == [None, None, None]
    clock.now += 4
    assert limiter.hit(key) == pytest.approx(6.0)
    clock.now += 6.01
    assert limiter.hit(key) is None
    ttl = shared_redis.pttl(limiter.key(key))
    assert 0 < ttl <= 10_000  # the counter goes away with its window


def test_servers_hitting_redis_at_once_never_let_more_through(shared_redis):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    servers = [MessageLimits(Rate(10, 60), Rate(0, 1), max_chars=100, redis_client=shared_redis)
               for _ in range(4)]
    conversation = _key()
    start = threading.Barrier(40)

    def send(n: int):
        start.wait()
        return servers[n % 4].check("hi", conversation, None)

    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(send, range(40)))
    assert results.count(None) == 10


def test_the_address_limit_is_shared_too(shared_redis):
    servers = [MessageLimits(Rate(0, 1), Rate(2, 60), max_chars=100, redis_client=shared_redis)
               for _ in range(2)]
    address = f"203.0.113.{__import__('random').randint(1, 254)}-{_key()}"
    assert servers[0].check("hi", "a", address) is None
    assert servers[1].check("hi", "b", address) is None
    assert servers[0].check("hi", "c", address).status == 429


def test_without_redis_each_server_counts_in_memory_and_says_so(caplog):
    import redis

    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_timeout=1, socket_connect_timeout=1)
    limits = MessageLimits(Rate(2, 60), Rate(0, 1), max_chars=100, redis_client=unreachable)
    with caplog.at_level("WARNING", logger="bot.channels.limits"):
        results = [limits.check("hi", "c1", None) for _ in range(3)]
    assert results[:2] == [None, None] and results[2].status == 429  # still limited, never crashed
    warnings = [r for r in caplog.records if "Redis does not answer" in r.getMessage()]
    assert len(warnings) == 1, "one warning, then memory until Redis is tried again"


def test_the_counters_go_to_redis_only_with_the_redis_lock_store(monkeypatch):
    from bot.channels import limits

    monkeypatch.setenv("INTAKE_LOCK_STORE", "in_memory")
    assert limits.shared_redis() is None
    assert isinstance(MessageLimits(Rate(1, 1), Rate(1, 1), max_chars=1).conversations,
                      SlidingWindowLimiter)
    monkeypatch.setenv("INTAKE_LOCK_STORE", "redis")
    monkeypatch.setenv("INTAKE_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("INTAKE_REDIS_PORT", "6379")
    monkeypatch.setenv("INTAKE_REDIS_DB", "0")
    client = limits.shared_redis()
    assert client is not None and limits.shared_redis() is client  # one client per process
    assert isinstance(MessageLimits(Rate(1, 1), Rate(1, 1), max_chars=1).conversations,
                      limits.RedisWindowLimiter)
