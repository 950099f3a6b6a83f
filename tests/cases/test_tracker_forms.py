"""The forms residents walked away from (the metrics' intake_forms_abandoned), read from Rasa's own
tracker store as the real SQL tracker store writes it, on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.cases.test_privacy_transcripts import DOMAIN, rasa, tracker  # noqa: F401 - fixtures

HOUR = 3600.0


def conversation(stack, sender: str, at: float, *, opened: str | None = "intake_form",
                 closed: bool = False) -> None:
    moments = iter(at + n for n in range(20))
    events = [ActionExecuted("action_listen", timestamp=next(moments)),
              UserUttered("I want to complain", intent={"name": "complain", "confidence": 0.9},
                          timestamp=next(moments))]
    if opened:
        events.append(ActiveLoop(opened, timestamp=next(moments)))
        events.append(UserUttered("the roof leaks", timestamp=next(moments)))
    if closed:
        events.append(ActiveLoop(None, timestamp=next(moments)))
    _, store = stack
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))


def test_only_forms_still_open_and_idle_for_an_hour_count(rasa, tracker):  # noqa: F811
    now = time.time()
    conversation(rasa, "left-mid-form", now - 2 * HOUR)
    conversation(rasa, "still-typing", now - 60)
    conversation(rasa, "filed", now - 2 * HOUR, closed=True)
    conversation(rasa, "status-check", now - 2 * HOUR, opened="existing_case_form")
    conversation(rasa, "only-said-hello", now - 2 * HOUR, opened=None)
    an_hour_ago = datetime.fromtimestamp(now - HOUR, timezone.utc)
    assert tracker.forms_left_open(an_hour_ago) == 1
    assert tracker.forms_left_open(an_hour_ago, form="existing_case_form") == 1
    assert tracker.forms_left_open(datetime.fromtimestamp(now + 1, timezone.utc)) == 2


def test_the_staff_process_counts_with_one_tracker_store(rasa, tracker):  # noqa: F811
    from bot.staff.cli import forms_left_open_counter

    made = []

    def make():
        made.append(tracker)
        return tracker

    conversation(rasa, "walked-away", time.time() - 2 * HOUR)
    count = forms_left_open_counter(make)
    assert made == []  # nothing opened until the first scrape
    assert [count(), count(), count()] == [1, 1, 1]
    assert len(made) == 1  # one store (and its engine) for every scrape
