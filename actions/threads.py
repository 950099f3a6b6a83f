"""Database work off the action server's event loop.

The Rasa SDK runs a synchronous `run` (or `validate_<slot>`) on its event loop, so while one
action waits on the case store (a filing, or a retry while the database restarts) every other
conversation's action waits too. Methods decorated here run on a worker thread instead; the
dispatcher and tracker they are given belong to that one call, so nothing is shared.
"""
from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable


def off_the_event_loop(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def in_a_thread(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(method, *args, **kwargs)

    return in_a_thread
