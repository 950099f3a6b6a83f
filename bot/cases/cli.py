"""`python -m bot cases ...`: the case store on the command line, for staff and scripts.

    cases list [--type T] [--status S] [--overdue] [--search TEXT] ...   a table, most urgent first
    cases show REFERENCE [--json]                                        one case and its history
    cases export --format json|csv [filters] [--output FILE]             every field of every case
    cases anonymise [--years N] [--conversation-days N] [--dry-run] [--json]
                                                         apply the retention periods
    cases subject-access --email E | --phone P | --reference R           everything about a resident
    cases erase --email E | --phone P | --reference R --yes              erase it
    cases lifecycle                                          what may happen to a case (the table)

Retention, subject access and erasure also cover the conversations in Rasa's tracker store
(INTAKE_TRACKER_URL): they stop, changing nothing, when it cannot be reached.

Standard output carries only what the command produces (JSON, the table, the references or the
names of what was removed); what it says about it goes to standard error.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from bot.cli import UserError

COMMANDS = ("list", "show", "export", "anonymise", "subject-access", "erase", "lifecycle")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def _filters(parser: argparse.ArgumentParser) -> None:
    from bot.cases.models import CASE_TYPES, SERVICES, STATUSES

    group = parser.add_argument_group("filters")
    group.add_argument("--type", dest="case_type", action="append", choices=CASE_TYPES,
                       help="only this type (repeatable)")
    group.add_argument("--status", action="append", choices=STATUSES, metavar="STATUS",
                       help=f"only this status (repeatable): {', '.join(STATUSES)}")
    group.add_argument("--stage", type=int, choices=(1, 2), help="only complaints at this stage")
    group.add_argument("--service", action="append", choices=SERVICES, help="only this service")
    group.add_argument("--channel", action="append", help="only this channel (rest, socketio, ...)")
    group.add_argument("--from", dest="created_from", type=_day, metavar="YYYY-MM-DD",
                       help="filed on or after this day")
    group.add_argument("--to", dest="created_to", type=_day, metavar="YYYY-MM-DD",
                       help="filed on or before this day")
    group.add_argument("--search", help="words of the reference, name, contact details, "
                                         "address or answers (docs/case-store.md#search)")
    group.add_argument("--overdue", action="store_true", help="only open cases past a deadline")
    group.add_argument("--open", dest="open_only", action="store_true", help="only open cases")
    group.add_argument("--sort", choices=("urgency", "newest", "oldest", "deadline"),
                       default="urgency")


def _subject(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="the resident's e-mail address")
    who.add_argument("--phone", help="the resident's phone number")
    who.add_argument("--reference", help="one of the resident's case references")
    parser.add_argument("--actor", default=_default_actor(),
                        help="who is doing this, for the history (default: %(default)s)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list cases, most urgent first")
    _filters(p)
    p.add_argument("--limit", type=int, default=50, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("show", help="one case with its history")
    p.add_argument("reference")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("export", help="every field of every (matching) case, as JSON or CSV")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--output", type=Path, help="write to this file instead of standard output")
    p.add_argument("--raw", action="store_true",
                   help="CSV: do not defuse cells that a spreadsheet would run as formulas")
    p.add_argument("--history", action="store_true", help="JSON: include each case's history")
    _filters(p)

    p = sub.add_parser("anonymise", help="anonymise closed cases older than the retention period, "
                                         "delete their conversations and idle ones that filed no case")
    p.add_argument("--years", type=int, help="retention in years (default: the policy profile's)")
    p.add_argument("--conversation-days", type=int, metavar="N",
                   help="delete conversations that filed no case once idle this many days "
                        "(default: INTAKE_CONVERSATION_RETENTION_DAYS)")
    p.add_argument("--dry-run", action="store_true",
                   help="only list what would be anonymised and deleted")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    p.add_argument("--actor", default="system:retention", help="for the history")

    p = sub.add_parser("subject-access", help="export everything held about one resident (JSON)")
    _subject(p)
    p.add_argument("--output", type=Path, help="write to this file instead of standard output")

    p = sub.add_parser("erase", help="erase (anonymise) everything held about one resident")
    _subject(p)
    p.add_argument("--yes", action="store_true", help="really erase (it cannot be undone)")

    sub.add_parser("lifecycle", help="print what may happen to a case: each action with its case "
                                     "types, stages, statuses, role and who may not do it")


def open_store():
    """The store of INTAKE_DATABASE_URL, after checking its schema is current."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cases.db import SchemaError, check_schema, hide_password
    from bot.cases.store import CaseStore

    try:
        store = CaseStore()
        check_schema(store.engine)
    except SchemaError as error:
        raise UserError(str(error)) from None
    except SQLAlchemyError as error:
        from bot import settings

        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise UserError(f"INTAKE_DATABASE_URL: cannot use "
                        f"{hide_password(settings.database_url())}: {reason}") from None
    return store


def open_tracker():
    """The conversations of INTAKE_TRACKER_URL (reached only when used)."""
    from bot.cases.tracker import TrackerStore

    try:
        return TrackerStore()
    except Exception as error:  # noqa: BLE001 - a URL SQLAlchemy cannot read
        raise UserError(f"INTAKE_TRACKER_URL: {error}") from None


def _query(args):
    from bot.cases.store import CaseQuery

    return CaseQuery(case_type=args.case_type, status=args.status, stage=args.stage,
                     service=args.service, channel=args.channel, created_from=args.created_from,
                     created_to=args.created_to, search=args.search, overdue=args.overdue,
                     open_only=args.open_only, sort=args.sort,
                     limit=(args.limit or None) if hasattr(args, "limit") else None)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {output}", file=sys.stderr)


def _write_pieces(pieces, output: Path | None) -> None:
    """`_write` for text that comes in pieces: each written as it comes."""
    last = ""
    if output is None:
        for piece in pieces:
            sys.stdout.write(piece)
            last = piece or last
        if not last.endswith("\n"):
            sys.stdout.write("\n")
        return
    # Written beside it, then renamed: a failure half-way leaves no half a file under its name.
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as file:
            for piece in pieces:
                file.write(piece)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    print(f"wrote {output}", file=sys.stderr)


def _one_line(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    text = "".join(c if c.isprintable() else "\ufffd" for c in text)
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _printable(text: str) -> str:
    """One line of standard output for a name that is anyone's choice (a conversation's id)."""
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def run(args) -> int:
    from bot.cases.privacy import PrivacyIncomplete
    from bot.cases.references import InvalidReference
    from bot.cases.store import CaseStoreError
    from bot.cases.tracker import TrackerStoreUnavailable

    if args.action == "lifecycle":  # the table itself: no database needed
        from bot.cases import lifecycle

        sys.stdout.write(lifecycle.table_markdown())
        return 0
    try:
        return _run(args)
    except (InvalidReference, CaseStoreError) as error:
        raise UserError(str(error)) from None
    except TrackerStoreUnavailable as error:
        unchanged = {"erase": "nothing was erased", "anonymise": "nothing was anonymised or "
                     "deleted", "subject-access": "nothing was exported"}.get(args.action)
        raise UserError(f"{error}; {unchanged}" if unchanged else str(error)) from None
    except PrivacyIncomplete as error:
        raise UserError(str(error)) from None
    except ValueError as error:
        raise UserError(str(error)) from None


def _run(args) -> int:
    store = open_store()
    try:
        return _act(args, store)
    finally:
        store.dispose()


def _act(args, store) -> int:
    from bot.cases.export import (
        case_to_dict, iter_csv, iter_json, stream_cases, stream_deadline_names, to_json,
    )
    from bot.vocabulary import UK

    if args.action == "list":
        cases = store.query(_query(args))
        if args.json:
            _write(to_json([case_to_dict(c) for c in cases]), None)
            return 0
        today = store.today()
        print(f"{'reference':<12} {'type':<16} {'status':<38} {'stage':<5} {'service':<9} "
              f"{'channel':<9} {'filed':<10} {'due':<10} {'':<4} name")
        for case in cases:
            due = case.next_deadline.isoformat() if case.next_deadline else "-"
            flags = "".join(f for f, on in (("!", case.is_overdue(today)),
                                           ("S", case.safeguarding), ("U", case.urgent)) if on)
            who = "(anonymous)" if case.anonymous else _one_line(case.name, 30)
            print(f"{case.reference:<12} {case.case_type:<16} {case.status:<38} "
                  f"{case.stage or '-':<5} {case.service:<9} {_one_line(case.channel, 9):<9} "
                  f"{case.created_at.astimezone(UK):%Y-%m-%d} {due:<10} {flags:<4} {who}")
        print(f"{len(cases)} case(s); flags: ! overdue, S safeguarding, U urgent", file=sys.stderr)
        return 0

    if args.action == "show":
        case = store.find_by_reference(args.reference, with_history=True)
        related = case.related_case.reference if case.related_case_id else None
        data = case_to_dict(case, related_reference=related, history=case.events)
        if args.json:
            _write(json.dumps(data, ensure_ascii=False, indent=2), None)
            return 0
        history = data.pop("history")
        width = max(len(k) for k in data)
        for key, value in data.items():
            if value in (None, "", {}, []):
                continue
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) \
                else str(value)
            print(f"{key:<{width}}  {_one_line(shown, 200)}")
        print("\nhistory:")
        for event in history:
            details = json.dumps(event["details"], ensure_ascii=False) if event["details"] else ""
            status = f"{event['status_before'] or '-'} -> {event['status_after']}" \
                if event["status_before"] != event["status_after"] else ""
            print(f"  {event['at'][:19].replace('T', ' ')}  {event['kind']:<22} "
                  f"by {_one_line(event['actor'], 40)}  {status}  {_one_line(details, 200)}")
        return 0

    if args.action == "export":
        # Streamed: a batch of cases in memory at a time, written as it is read.
        query = _query(args)
        if args.format == "csv":
            names = stream_deadline_names(store, query)   # the columns, before the first row
            cases = (case_to_dict(c) for c, _related, _history in stream_cases(store, query))
            _write_pieces(iter_csv(cases, names, spreadsheet_safe=not args.raw), args.output)
        else:
            cases = (case_to_dict(c, history=history)
                     for c, _related, history in stream_cases(store, query, history=args.history))
            _write_pieces(iter_json(cases), args.output)
        return 0

    if args.action in ("anonymise", "subject-access", "erase"):
        tracker = open_tracker()
        try:
            return _personal_data(args, store, tracker)
        finally:
            tracker.dispose()
    raise UserError(f"unknown action {args.action!r}")


def _personal_data(args, store, tracker) -> int:
    from bot.cases import privacy

    if args.action == "anonymise":
        result = privacy.apply_retention(store, tracker=tracker, years=args.years,
                                         conversation_days=args.conversation_days,
                                         dry_run=args.dry_run, actor=args.actor)
        if args.json:
            _write(json.dumps({
                "dry_run": result.dry_run, "retention_years": result.years,
                "service_retention_years": result.service_years,
                "closed_before": result.closed_before.isoformat(), "cases": result.references,
                "case_conversations": result.case_conversations,
                "case_transcript_events": result.case_transcript_events,
                "conversation_retention_days": result.conversation_days,
                "idle_before": result.idle_before.isoformat(),
                "conversations": result.conversations,
                "conversation_events": result.conversation_events,
            }, ensure_ascii=False, indent=2), None)
        else:
            for reference in result.references:
                print(f"case {reference}")
            for sender_id in result.conversations:
                print(f"conversation {_printable(sender_id)}")
        anonymised, deleted = (("would anonymise", "would delete") if result.dry_run
                               else ("anonymised", "deleted"))
        print(f"{anonymised} {len(result.references)} case(s) closed before "
              f"{result.closed_before.isoformat()} (retention {result.years} years); "
              f"{deleted} {result.case_conversations} of their conversation(s) "
              f"({result.case_transcript_events} event(s)) from the tracker store", file=sys.stderr)
        for service, years in sorted(result.service_years.items()):
            print(f"  {service} cases: closed before "
                  f"{privacy.years_before(result.closed_before, years - result.years).isoformat()} "
                  f"(retention {years} years)", file=sys.stderr)
        print(f"{deleted} {len(result.conversations)} conversation(s) that filed no case "
              f"({result.conversation_events} event(s)), idle since before "
              f"{result.idle_before.isoformat()} (retention {result.conversation_days} days)",
              file=sys.stderr)
        return 0

    subject = privacy.Subject(email=args.email, phone=args.phone, reference=args.reference)
    if args.action == "subject-access":
        data = privacy.subject_access_export(store, subject, actor=args.actor, tracker=tracker)
        _write(json.dumps(data, ensure_ascii=False, indent=2), args.output)
        with_transcript = sum(1 for case in data["cases"] if case["transcript"])
        print(f"{len(data['cases'])} case(s) found, {with_transcript} with its conversation's "
              f"transcript", file=sys.stderr)
        return 0

    if not args.yes:
        raise UserError("erasing cannot be undone: add --yes to go ahead")
    erased = privacy.erase_subject(store, subject, actor=args.actor, tracker=tracker)
    for reference in erased.references:
        print(reference)
    print(f"erased the personal data of {len(erased.references)} case(s), deleted "
          f"{erased.conversations} conversation(s) ({erased.transcript_events} event(s)) from "
          f"the tracker store and {erased.intent_corrections} intent correction(s) of their "
          f"messages", file=sys.stderr)
    return 0
