"""Abuse limits shared by the channels: message size, and message rate per conversation and per
address, each refused with a polite reply that says what to do instead.

The rate limiter is a sliding window kept in the server's memory (per Rasa server: behind a load
balancer each server counts its own share; nginx adds a per-address limit in front, see
`bot/deploy/nginx.py`). Written here rather than taken from the `limits` package, whose releases
need packaging >= 21 while Rasa 3.6 pins packaging < 21.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable, Optional

from bot import settings


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


def too_long(length: int, limit: int) -> Refusal:
    return Refusal(413, (
        f"Sorry, that message is too long for me to take in one go ({length:,} characters; the most "
        f"is {limit:,}), so I haven't kept it. Please send it in shorter parts. "
        f"{_other_ways()}"))


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
                 max_chars: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        per_conversation = per_conversation or Rate.parse(
            settings.get("INTAKE_RATE_LIMIT_CONVERSATION"), "INTAKE_RATE_LIMIT_CONVERSATION")
        per_address = per_address or Rate.parse(
            settings.get("INTAKE_RATE_LIMIT_ADDRESS"), "INTAKE_RATE_LIMIT_ADDRESS")
        self.max_chars = max_chars or max_message_chars()
        self.conversations = SlidingWindowLimiter(per_conversation, clock)
        self.addresses = SlidingWindowLimiter(per_address, clock)

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
