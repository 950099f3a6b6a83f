"""`python -m bot staff ...`: run the staff workspace and manage its accounts.

    staff serve [--host H] [--port P] [--threads N]    the web app (waitress), STAFF_HOST:STAFF_PORT
    staff create-admin [--username U] [--name N]       the first admin (asks for the password)
    staff create-user --role R [--username U] ...      another account
    staff set-password USERNAME                        a new password (ends the account's sessions)
    staff users                                        the accounts
    staff export-corrections [--output FILE]           intent corrections as Rasa NLU YAML

Passwords are asked for without echo, twice; `--password-stdin` reads one line from standard
input instead (for scripts).
"""
from __future__ import annotations

import argparse
import getpass
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.cli import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("serve", help="run the staff workspace (waitress)")
    p.add_argument("--host", help="address to listen on (default: STAFF_HOST)")
    p.add_argument("--port", type=int, help="port (default: STAFF_PORT)")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default: %(default)s)")

    for name, help_text in (("create-admin", "create an admin account (the first one)"),
                            ("create-user", "create a staff account")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--username", help="the login name (asked for when not given)")
        p.add_argument("--name", help="the person's name (asked for when not given)")
        if name == "create-user":
            from bot.staff.models import ROLES

            p.add_argument("--role", choices=ROLES, required=True)
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of asking")

    p = sub.add_parser("set-password", help="set a new password (ends the account's sessions)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")

    sub.add_parser("users", help="list the staff accounts")

    p = sub.add_parser("unlock", help="unlock an account locked after failed sign-ins")
    p.add_argument("username")

    p = sub.add_parser("export-corrections", help="intent corrections as Rasa NLU training data")
    p.add_argument("--output", type=Path, help="write to this file (default: standard output)")


def _store():
    from bot.cases.db import SchemaError, check_schema, hide_password
    from bot.cases.store import CaseStore

    try:
        store = CaseStore()
        check_schema(store.engine)
    except SchemaError as error:
        raise UserError(str(error)) from None
    except Exception as error:  # noqa: BLE001 - e.g. the database does not answer
        from bot import settings

        raise UserError(f"INTAKE_DATABASE_URL: cannot use "
                        f"{hide_password(settings.database_url())}: {error}") from None
    return store


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ask(prompt: str, given: str | None) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(f"{prompt.rstrip(': ').lower()} is needed: give it as an option")
    return input(prompt).strip()


def _password(args, username: str) -> str:
    from bot.staff.auth import password_problem

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise UserError("no terminal to ask for the password: use --password-stdin")
        password = getpass.getpass("Password (at least 12 characters): ")
        if password != getpass.getpass("The same password again: "):
            raise UserError("the two passwords are not the same")
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem)
    return password


def _create(args, role: str) -> int:
    from bot.staff import auth

    store = _store()
    username = auth.normalise_username(_ask("Username: ", args.username))
    problem = auth.username_problem(username)
    if problem:
        raise UserError(problem)
    name = _ask("Name: ", args.name)
    with store.read() as db:
        if auth.find_user(db, username) is not None:
            raise UserError(f"there is already an account called {username!r}")
    password = _password(args, username)
    try:
        with store.write() as db:
            auth.create_user(db, username, name, role, password, actor=_actor(), now=_now())
    except auth.AccountError as error:
        raise UserError(str(error)) from None
    print(f"Created the {role} account {username!r}. Sign in at "
          f"{_address()}/sign-in")
    return 0


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def _address() -> str:
    from bot import settings

    host = settings.get("STAFF_HOST")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{host}:{settings.get('STAFF_PORT')}"


def _set_password(args) -> int:
    from bot.staff import auth

    store = _store()
    with store.read() as db:
        if auth.find_user(db, args.username) is None:
            raise UserError(f"no account is called {args.username!r}")
    password = _password(args, auth.normalise_username(args.username))
    with store.write() as db:
        user = auth.find_user(db, args.username)
        auth.set_password(db, user, password, actor=_actor(), now=_now())
    print(f"New password set for {user.username!r}; their sessions have ended.")
    return 0


def _unlock(args) -> int:
    from bot.staff import auth

    store = _store()
    with store.write() as db:
        if auth.find_user(db, args.username) is None:
            raise UserError(f"no account is called {args.username!r}")
        forgotten = auth.unlock_account(db, args.username, actor=_actor(), now=_now())
    print(f"{auth.normalise_username(args.username)!r} unlocked ({forgotten} failed sign-in(s) "
          "forgotten).")
    return 0


def _users(args) -> int:
    import sqlalchemy as sa

    from bot.staff.models import StaffUser

    store = _store()
    with store.read() as db:
        users = db.execute(sa.select(StaffUser).order_by(StaffUser.username)).scalars().all()
    if not users:
        print("No staff accounts yet: create the first with `python -m bot staff create-admin`.")
        return 0
    for user in users:
        last = (user.last_sign_in_at.isoformat(timespec="minutes") if user.last_sign_in_at
                else "never")
        state = "" if user.active else "  (deactivated)"
        print(f"{user.username:<24} {user.role:<9} {user.display_name}  "
              f"last sign-in: {last}{state}")
    return 0


def _export(args) -> int:
    from bot.staff import corrections

    store = _store()
    with store.read() as db:
        rows = corrections.corrections(db)
    result = corrections.export(rows, existing=corrections.training_examples(),
                                intents=corrections.domain_intents(),
                                generated=f"exported {_now().date().isoformat()}")
    if args.output:
        args.output.write_text(result.yaml, encoding="utf-8")
        print(f"Wrote {result.count} example(s) to {args.output}"
              + (f"; {len(result.skipped)} left out (see the comments)" if result.skipped else ""),
              file=sys.stderr)
    else:
        sys.stdout.write(result.yaml)
    return 0


def overdue_by_stage(store) -> dict[tuple[str, str], int]:
    """{(case type, stage): open cases past a deadline that counts now}, stage "1", "2" or
    "none" (a case without complaint stages), for the metric intake_cases_overdue."""
    from bot.vocabulary import CASE_TYPES

    counts = {}
    for case_type in CASE_TYPES:
        total = store.count(overdue=True, case_type=case_type)
        staged = {stage: store.count(overdue=True, case_type=case_type, stage=stage) if total else 0
                  for stage in (1, 2)}
        for stage, count in staged.items():
            counts[(case_type, str(stage))] = count
        counts[(case_type, "none")] = total - sum(staged.values())
    return counts


def forms_left_open_counter(make_tracker=None):
    """A count of intake forms with no message for an hour, from the tracker store (the metrics'
    gauge). One tracker store for the process, opened at the first scrape: an engine made at every
    scrape would open a new connection pool each minute."""
    from datetime import timedelta

    held: list = []

    def count() -> int:
        if not held:
            from bot.cases.tracker import TrackerStore

            held.append((make_tracker or TrackerStore)())
        return held[0].forms_left_open(datetime.now(timezone.utc) - timedelta(hours=1))

    return count


def _serve(args) -> int:
    from waitress import serve

    from bot import settings
    from bot.staff.app import create_app
    from bot.staff.config import ConfigError, integer

    store = _store()
    try:
        port = args.port or integer("STAFF_PORT", 1, 65535)
        proxies = integer("STAFF_TRUSTED_PROXIES", 0, 10)
        app = create_app(store=store)
    except ConfigError as error:
        raise UserError(str(error)) from None
    host = args.host or settings.get("STAFF_HOST")
    from bot.ops import observe

    try:
        observe("staff", overdue=lambda: overdue_by_stage(store), abandoned=forms_left_open_counter())
    except settings.SettingError as error:
        raise UserError(str(error)) from None
    # A container's first process ignores SIGTERM unless it handles it: the pod would wait out
    # its whole grace period at every rollout. Stop at once; a request in flight is retried.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Staff workspace on http://{host}:{port}/", flush=True)
    try:
        serve(app, host=host, port=port, threads=args.threads, ident="",
              # Behind trusted proxies the app reads X-Forwarded-* itself (ProxyFix); otherwise
              # nobody may set them.
              clear_untrusted_proxy_headers=not proxies)
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port} (STAFF_HOST, STAFF_PORT): "
                        f"{error.strerror or error}") from None
    return 0


def run(args) -> int:
    if args.action == "serve":
        return _serve(args)
    if args.action == "create-admin":
        return _create(args, "admin")
    if args.action == "create-user":
        return _create(args, args.role)
    if args.action == "set-password":
        return _set_password(args)
    if args.action == "users":
        return _users(args)
    if args.action == "unlock":
        return _unlock(args)
    return _export(args)
