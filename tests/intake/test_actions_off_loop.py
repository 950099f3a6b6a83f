"""Actions that wait on the case store run on a worker thread, so one slow filing (or a filing
riding out a database restart) does not hold up every other conversation on the action server."""
from __future__ import annotations

import asyncio
import threading

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import flow


def test_a_filing_that_waits_does_not_stop_the_event_loop(monkeypatch):
    released = threading.Event()

    def slow_filing(*_args, **_kwargs):
        # Waits until a coroutine on the event loop runs: that can only happen if this filing
        # is not blocking the loop.
        if not released.wait(timeout=10):
            raise AssertionError("the event loop was blocked while the case store was waited on")
        raise flow.filing.FilingFailed("stop here")

    monkeypatch.setattr(flow.filing, "file_from_slots", slow_filing)
    tracker = Tracker("off-loop", {"awaiting_confirmation": True}, {}, [], False, None, {}, "")

    async def other_conversation() -> None:
        await asyncio.sleep(0.05)
        released.set()

    async def both() -> list:
        return await asyncio.gather(
            flow.ActionFileCase().run(CollectingDispatcher(), tracker, {}), other_conversation())

    events, _ = asyncio.run(both())
    assert any(e.get("name") == "awaiting_confirmation" for e in events)  # told it was not saved
