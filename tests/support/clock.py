"""A clock the tests move by hand, for code that takes `now` as a callable."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock:
    """Timezone-aware (UTC) moments; `advance` and `set` move it, `set_uk` takes UK local time."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def set_uk(self, text: str) -> None:
        self.moment = datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(timezone.utc)
