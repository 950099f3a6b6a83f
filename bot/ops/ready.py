"""`python -m bot ready`: wait until both servers answer, say where to talk, then stay up.

Run by honcho beside the servers; it stays alive because honcho stops everything when any of its
processes ends.
"""
from __future__ import annotations

import signal
import time

import requests

from bot import settings


def add_arguments(parser) -> None:
    parser.add_argument("--timeout", type=float, default=600)


def wait_for(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(1)
    return False


def staff_line() -> str:
    """Where the staff workspace is (it starts in a few seconds, long before Rasa is ready, so
    it is checked once, not waited for)."""
    host = settings.get("STAFF_HOST")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{host}:{settings.get('STAFF_PORT')}/"
    try:
        answering = requests.get(f"{url}healthz", timeout=2).ok
    except requests.RequestException:
        answering = False
    line = f"Staff workspace (open it in a browser): {url}"
    if not answering:
        line += " (not answering yet: see the staff lines of the log)"
    return line + "\n    First time: uv run python -m bot staff create-admin"


def run(args) -> int:
    started = time.monotonic()
    deadline = started + args.timeout
    rasa = f"http://127.0.0.1:{settings.get('RASA_PORT')}"
    actions = settings.action_server_url().rsplit("/webhook", 1)[0]
    if not (wait_for(f"{rasa}/", deadline) and wait_for(f"{actions}/health", deadline)):
        print("error: the Rasa server or the action server did not start; see the log above")
        return 1
    print(f"Intake is ready after {time.monotonic() - started:.0f} s of server start-up.\n"
          f"  Talk to the assistant (REST): curl -s -X POST {rasa}/webhooks/rest/webhook "
          "-H 'Content-Type: application/json' -d '{\"sender\": \"me\", \"message\": \"hello\"}'\n"
          f"  Website chat demo (open it in a browser): {rasa}/webhooks/webchat/demo\n"
          f"  {staff_line()}\n"
          "  Press Ctrl-C to stop everything.", flush=True)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # honcho's stop: end quietly
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
