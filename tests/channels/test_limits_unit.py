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
])
def test_a_bad_webhook_body_is_refused_with_what_is_wrong(raw, complaint):
    with pytest.raises(BadRequest, match=complaint):
        parse_body(raw)


def test_a_good_webhook_body_is_read():
    assert parse_body(b'{"sender": "me", "message": "hello", "metadata": {"a": 1}}') == \
        ("me", "hello", {"a": 1})
