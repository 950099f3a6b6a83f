"""What the workspace's pages (`bot.staff.views`) share, apart from the app that serves them
(`bot.staff.app`, which imports the views): the `Workspace` behind every request (`workspace()`),
the role a view needs (`@requires(MANAGER)`), pagination (`Page`), the session's key and where
sign-in may lead (`safe_next`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from bot.cases.store import CaseStore
from bot.staff import config
from bot.staff.models import ROLES
from bot.staff.transcripts import TrackerReader
from bot.vocabulary import UK

if TYPE_CHECKING:
    from bot.policy import Profile

SESSION_KEY = "sid"                 # the session cookie's entry holding the sign-in token
EXTENSION = "intake_staff"          # where the app keeps its Workspace (app.extensions)


def requires(role: str) -> Callable:
    """Mark a view as needing `role` (or a higher one)."""
    if role not in ROLES:
        raise ValueError(role)

    def mark(view):
        view.required_role = role
        return view
    return mark


class Workspace:
    """What the views share: the case store, the tracker store and the clock."""

    def __init__(self, store: CaseStore, tracker: TrackerReader,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.tracker = tracker
        self._clock = clock

    def now(self) -> datetime:
        return (self._clock or self.store.now)().astimezone(timezone.utc)

    def today(self) -> date:
        return self.now().astimezone(UK).date()

    def profile(self, name: str | None = None) -> Profile:
        return self.store.profile(name)

    @cached_property
    def code_profile(self) -> Profile:
        from bot.policy import load_profile

        return load_profile("housing-ombudsman-code")

    def setting(self, key: str):
        with self.store.read() as db:
            return config.get_editable(db, key)


def workspace() -> Workspace:
    """The current app's workspace."""
    return current_app.extensions[EXTENSION]


def safe_next(target: str | None) -> str:
    """Only a path on this site (no other host, no scheme) may be where sign-in leads."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("cases.queue")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return url_for("cases.queue")
    return target


@dataclass
class Page:
    """Pagination: which page of how many."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.size)

    @classmethod
    def from_request(cls, total: int, size: int = 50) -> "Page":
        try:
            number = max(1, int(request.args.get("page", "1")))
        except ValueError:
            number = 1
        page = cls(number, size, total)
        page.number = min(page.number, page.pages)
        return page
