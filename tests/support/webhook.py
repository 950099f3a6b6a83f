"""A throwaway action-server stand-in for unit tests: an aiohttp app answering POST /webhook."""
from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web


async def serve_webhook(handler: Callable[[web.Request], Awaitable[web.Response]],
                        port: int = 0) -> tuple[web.AppRunner, int]:
    """Start it on 127.0.0.1 (`port` 0: any free one); returns the runner (`cleanup()` stops it)
    and the port."""
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]
