"""`python -m bot outbox ...`: what waits to be forwarded, and the delivery worker.

    outbox show [--all] [--json]          the messages waiting (and why the last try failed)
    outbox deliver [--loop] [--interval]  deliver what is due once, or keep delivering
"""
from __future__ import annotations

import json
import signal
import sys
from datetime import datetime

from bot.cli import UserError


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="list the messages waiting to be forwarded")
    p.add_argument("--all", action="store_true", help="include delivered messages")
    p.add_argument("--limit", type=int, default=200, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser("deliver", help="forward what is due to INTAKE_FORWARD_URL")
    p.add_argument("--loop", action="store_true", help="keep delivering until stopped (Ctrl-C)")
    p.add_argument("--interval", type=float, default=5.0,
                   help="seconds between rounds when there is nothing to do (default 5)")
    p.add_argument("--batch", type=int, default=100, help="messages per round (default 100)")
    p.add_argument("--idle-if-unset", action="store_true",
                   help="with --loop: when INTAKE_FORWARD_URL is not set, say so and wait to be "
                        "stopped instead of failing (the run command's forwarder process)")


def _age(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def run(args) -> int:
    from bot.cases.cli import open_store

    store = open_store()
    try:
        return _run(args, store)
    finally:
        store.dispose()


def _run(args, store) -> int:
    from bot.cases import outbox

    if args.action == "show":
        rows = outbox.waiting(store, include_delivered=args.all, limit=args.limit or None)
        if args.json:
            print(json.dumps([{
                "id": r.id, "event_id": r.event_id, "kind": r.kind, "reference": r.reference,
                "created_at": r.created_at.isoformat(), "attempts": r.attempts,
                "next_attempt_at": r.next_attempt_at.isoformat(), "last_error": r.last_error,
                "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
            } for r in rows], indent=2, ensure_ascii=False))
            return 0
        now = store.now()
        counts = outbox.counts(store)
        print(f"{'id':>6}  {'event':<24} {'case':<12} {'age':>8}  {'tries':>5}  "
              f"{'next try':<19}  last error")
        for r in rows:
            state = "delivered" if r.delivered_at else r.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S")
            print(f"{r.id:>6}  {r.kind:<24} {r.reference or '-':<12} {_age(r.created_at, now):>8}  "
                  f"{r.attempts:>5}  {state:<19}  {(r.last_error or '')[:100]}")
        print(f"{counts['waiting']} waiting, {counts['delivered']} delivered", file=sys.stderr)
        return 0

    if args.loop:  # the forwarder process: its log format and metrics (docs/operations.md)
        _observe(store)
    try:
        forwarder = outbox.Forwarder.from_settings(store)
    except outbox.ForwardingNotConfigured as error:
        if args.loop and args.idle_if_unset:
            # Ready for SIGTERM before saying so: whoever reads the line may stop us at once.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            print(f"forwarding is off: {error}", file=sys.stderr, flush=True)
            return _wait_until_stopped()
        raise UserError(str(error)) from None
    if not store.forward:
        print("note: INTAKE_FORWARD_URL was not set when cases were stored, so only what was "
              "stored while it was set is waiting", file=sys.stderr)
    if not args.loop:
        report = forwarder.deliver_due(limit=args.batch)
        print(f"delivered {len(report.delivered)}, failed {len(report.failed)}, "
              f"waiting behind a failure or not yet due {report.deferred}")
        for event_id, reason in report.failed.items():
            print(f"  {event_id}: {reason}", file=sys.stderr)
        return 0 if not report.failed else 1

    stopping = []

    def _stop(*_):
        stopping.append(True)

    signal.signal(signal.SIGTERM, _stop)
    print(f"delivering to {forwarder.url} every {args.interval:g} s; Ctrl-C stops", file=sys.stderr)
    try:
        outbox.run_worker(forwarder, interval=args.interval, stop=lambda: bool(stopping))
    except KeyboardInterrupt:
        pass
    return 0


def _observe(store) -> None:
    """Log in INTAKE_LOG_FORMAT and serve the forwarder's metrics (INTAKE_METRICS_FORWARDER_PORT),
    with the outbox's backlog read from the store at each scrape."""
    from bot import settings
    from bot.cases import outbox
    from bot.ops import observe

    try:
        observe("forwarder", level="INFO", backlog=lambda: outbox.backlog(store))
    except settings.SettingError as error:
        raise UserError(str(error)) from None


def _wait_until_stopped() -> int:
    """Idle until SIGTERM or Ctrl-C (honcho stops every process when one of them exits)."""
    try:
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    return 0
