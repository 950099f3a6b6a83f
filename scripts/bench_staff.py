"""Benchmark: the staff workspace and `cases export` at a large landlord's volume.

    uv run --no-sync python scripts/bench_staff.py [--cases N] [--postgres URL] [--keep PATH]
        [--keep-postgres NAME] [--only TEXT]

Files N cases (default 100,000) across the year before "today" with their histories, then times
each staff page through the real Flask app (its test client, signed in as a manager): the queue,
a search, a case page, the reports page, every report CSV and the queue CSV; and `cases export`
as CSV and JSON in a child process (time, and the child's peak resident memory).

Filing: 1,000 "template" cases go through the real store, one transaction each, with a clock
moved across the year and their lifecycles (acknowledged, some late; extended; responded with a
decision; stage 2; closed; refused; lessons learned; Awaab's Law hazards). The rest are copies of
those rows and their history entries (the store's own models and columns, a fresh reference,
conversation id and keys each), inserted in bulk in the order a store records them (cases by
when they were filed, then history entries by when they were recorded): filing 100,000 one by
one takes most of an hour on the 2-core machine. PostgreSQL's statistics are gathered after the
load, as autovacuum would. SQLite runs on a temporary file (`--keep PATH` keeps it, and reuses
it when it exists); PostgreSQL on a temporary database on --postgres (default
INTAKE_TEST_POSTGRES_URL), dropped afterwards (`--keep-postgres NAME` keeps one and reuses it).
This measures and prints; it asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine.url import make_url  # noqa: E402

from bot.cases import references  # noqa: E402
from bot.cases.db import make_engine, upgrade  # noqa: E402
from bot.cases.models import Case, CaseEvent  # noqa: E402
from bot.cases.store import CaseStore  # noqa: E402
from bot.cases.submission import CaseSubmission  # noqa: E402
from bot.vocabulary import UK  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LONDON = UK  # the one UK zone (bot.vocabulary)
TYPES = ("complaint", "complaint", "service_request", "service_request", "asb_report", "comment",
         "compliment")
TEMPLATES = 1000
PASSWORD = "correct horse battery staple"
# "Today" for the benchmark: a Monday; the cases span the year before it.
TODAY = datetime(2027, 3, 29, 10, 0, tzinfo=LONDON)


class Clock:
    def __init__(self) -> None:
        self.moment = TODAY.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment


def _try(action, *args, **kwargs) -> bool:
    """A lifecycle step the case may not allow (the store refuses it): skipped."""
    try:
        action(*args, **kwargs)
        return True
    except Exception:  # noqa: BLE001 - a refused transition: the case just stops there
        return False


def _at(clock: Clock, filed: datetime, days: float) -> bool:
    """Move the clock to `days` after filing; False if that is after "today"."""
    moment = filed + timedelta(days=days)
    if moment > TODAY.astimezone(timezone.utc):
        return False
    clock.moment = moment
    return True


def _file_template(store: CaseStore, clock: Clock, n: int, rng: random.Random) -> None:
    case_type = TYPES[n % len(TYPES)]
    filed = (TODAY - timedelta(days=rng.uniform(0, 364))).astimezone(timezone.utc)
    clock.moment = filed
    hazard = case_type == "service_request" and n % 9 == 0
    case, _ = store.file_case(CaseSubmission(
        case_type=case_type, channel=("rest", "socketio", "facebook")[n % 3],
        conversation_id=f"bench-{n}", description=f"Case {n}: the boiler broke again. " * 4,
        event_date_text="last Tuesday", name=f"Resident {n}", email=f"resident{n}@example.org",
        postcode="SW1A 1AA", phone="07700 900123", preferred_contact="email",
        urgent=n % 17 == 0, safeguarding=n % 101 == 0, extra={"turns": n % 12},
        awaab_category=("emergency" if n % 2 else "significant") if hazard else None,
        reasonable_adjustments="Large print" if n % 13 == 0 else None,
    ), "housing-ombudsman-code", f"form-{n}")
    ref, staff = case.reference, "staff:bench"
    if case_type != "complaint":
        if rng.random() < 0.7 and _at(clock, filed, rng.uniform(1, 40)):
            _try(store.close, ref, staff)
        return
    if n % 23 == 0 and _at(clock, filed, 2):
        _try(store.mark_not_accepted, ref, staff, "too_old", "It happened too long ago.")
        return
    # Acknowledged within the Code's 5 working days, or late.
    if not _at(clock, filed, rng.choice((0.5, 1, 2, 3, 6, 9))):
        return
    _try(store.acknowledge, ref, staff)
    if rng.random() < 0.15 and _at(clock, filed, 10):
        _try(store.extend, ref, staff, "explained", working_days=rng.choice((5, 10)))
    if not _at(clock, filed, rng.choice((5, 8, 12, 15, 20, 28))):
        return
    _try(store.record_response, ref, staff, "Our answer.",
         decision=rng.choice(("upheld", "partly_upheld", "not_upheld", None)))
    if rng.random() < 0.05:
        _try(store.record_lessons, ref, staff, "We were slow.", "Faster repairs.",
             target_date=clock().date() + timedelta(days=30))
    if rng.random() < 0.2 and _at(clock, filed, 35):
        if _try(store.request_stage2, ref, "Not happy with the answer."):
            if _at(clock, filed, rng.choice((36, 38, 42))):
                _try(store.acknowledge, ref, staff)
            if _at(clock, filed, rng.choice((50, 55, 65, 80))):
                _try(store.record_response, ref, "staff:manager", "Final answer.",
                     decision=rng.choice(("upheld", "not_upheld")))
    if rng.random() < 0.8 and _at(clock, filed, 90):
        _try(store.close, ref, staff)


def _reference(case_type: str, number: int, taken: set[str]) -> str:
    """A valid reference made from the case's id (random ones collide at 100,000 cases)."""
    while True:
        body, n = "", number
        for _ in range(references.BODY_LENGTH):
            n, digit = divmod(n, len(references.ALPHABET))
            body += references.ALPHABET[digit]
        reference = references.format_reference(references.PREFIXES[case_type], body)
        if reference not in taken:
            return reference
        number += 10 ** 7   # a template's random reference: another body


def _copy_templates(engine, copies: int) -> None:
    """Insert `copies` copies of every case filed so far, with their history entries, in the
    order a store records them: the cases by when they were filed, then the history entries by
    when they were recorded. Ids follow time, as in a store filled day by day, so the rows of a
    period lie together (copied template by template instead, a year's rows were scattered
    across the tables, and every read of a period by an index was a read of the whole file)."""
    cases, events = Case.__table__, CaseEvent.__table__
    with engine.begin() as db:
        templates = [dict(r._mapping) for r in db.execute(sa.select(cases).order_by(cases.c.id))]
        history: dict[int, list[dict]] = {}
        for row in db.execute(sa.select(events).order_by(events.c.id)):
            history.setdefault(row.case_id, []).append(dict(row._mapping))
        next_id = db.execute(sa.select(sa.func.max(cases.c.id))).scalar_one() + 1
    taken = {template["reference"] for template in templates}
    filed = sorted((template["created_at"], copy, n) for copy in range(copies)
                   for n, template in enumerate(templates))
    batch: list[dict] = []
    recorded = []   # (when, case id, the template's history entry)

    def flush(table) -> None:
        with engine.begin() as db:
            db.execute(table.insert(), batch)
        batch.clear()

    for _created, copy, n in filed:
        template = templates[n]
        case_id, next_id = next_id, next_id + 1
        suffix = f"-copy{copy}"
        batch.append({**template, "id": case_id,
                      "reference": _reference(template["case_type"], case_id, taken),
                      "conversation_id": template["conversation_id"] + suffix,
                      "idempotency_key": uuid.uuid4().hex,
                      "submission_key": template["submission_key"] + suffix,
                      "related_case_id": None})
        recorded += [(event["at"], case_id, index, event)
                     for index, event in enumerate(history.get(template["id"], ()))]
        if len(batch) >= 5000:
            flush(cases)
    if batch:
        flush(cases)
    recorded.sort(key=lambda item: item[:3])
    for _at, case_id, _index, event in recorded:
        batch.append({**{k: v for k, v in event.items() if k != "id"}, "case_id": case_id})
        if len(batch) >= 5000:
            flush(events)
    if batch:
        flush(events)
    if engine.dialect.name == "postgresql":   # the ids were given: move the sequence past them
        with engine.begin() as db:
            db.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), "
                               "(SELECT max(id) FROM cases))")


def fill(url: str, count: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    clock = Clock()
    store = CaseStore(engine, clock=clock, forward=False)
    rng = random.Random(20)
    templates = min(TEMPLATES, count)
    started = time.perf_counter()
    for n in range(templates):
        _file_template(store, clock, n, rng)
    filed = time.perf_counter() - started
    started = time.perf_counter()
    copies, rest = divmod(count, templates)
    _copy_templates(engine, copies - 1)
    if rest:  # the last few: filed through the store too
        for n in range(templates, templates + rest):
            _file_template(store, clock, n, rng)
    if engine.dialect.name == "postgresql":
        # The planner's statistics, as autovacuum would gather them after a load like this
        # (the test server runs without it, and a plan for empty tables reads 100,000 cases
        # one index lookup at a time).
        with engine.begin() as db:
            db.exec_driver_sql("ANALYZE")
    with engine.connect() as db:
        total = db.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
        history = db.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one()
    print(f"  filed {templates} cases through the store in {filed:.0f} s, copied the rest in "
          f"{time.perf_counter() - started:.0f} s: {total} cases, {history} history entries")
    store.dispose()


# --- timing -------------------------------------------------------------------------------------

def _client(url: str, tracker_url: str):
    from argon2 import PasswordHasher, profiles

    from bot.staff import auth
    from bot.staff.app import create_app
    from bot.staff.models import StaffUser
    from bot.staff.transcripts import TrackerReader

    auth.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    clock = Clock()
    store = CaseStore(make_engine(url), clock=clock, forward=False)
    with store.write() as db:
        if db.execute(sa.select(StaffUser).where(StaffUser.username == "bench")).first() is None:
            auth.create_user(db, "bench", "Bench Manager", "manager", PASSWORD, actor="bench",
                             now=clock())
    app = create_app(store=store, tracker=TrackerReader(tracker_url), secret_key="bench-" + "x" * 40,
                     secure_cookies=False, trusted_proxies=0, clock=clock)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = client.post("/sign-in", data={"username": "bench", "password": PASSWORD,
                                           "csrf_token": token})
    assert signed.status_code == 303, signed.status_code
    return client, store


def _get(client, path: str) -> tuple[float, int]:
    """Seconds to the last byte, and the body's size (read as it streams, not kept)."""
    started = time.perf_counter()
    response = client.get(path, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return elapsed, size


# Runs `python -m bot ...` and then writes the process's own peak RSS (VmHWM, which starts again
# at exec: the rusage of a child forked from this big process would count this one's memory).
_CHILD = """import sys
from bot.cli import main
code = main(sys.argv[2:])
with open("/proc/self/status") as status, open(sys.argv[1], "w") as out:
    out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
sys.exit(code)
"""


def _export(url: str, fmt: str) -> tuple[float, float, int]:
    """`cases export --format fmt` in a child process: seconds, its peak RSS in MiB, bytes."""
    with tempfile.TemporaryDirectory() as folder:
        out, peak = Path(folder) / f"export.{fmt}", Path(folder) / "peak"
        env = {**os.environ, "INTAKE_DATABASE_URL": url}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD, str(peak), "cases", "export",
                               "--format", fmt, "--output", str(out)], cwd=ROOT, env=env,
                              stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"cases export --format {fmt} failed ({done.returncode})")
        return elapsed, int(peak.read_text()) / 1024, out.stat().st_size


def measure(url: str, tracker_url: str, label: str, repeat: int,
            only: str | None = None) -> list[tuple[str, str, str]]:
    client, store = _client(url, tracker_url)
    with store.read() as db:
        reference = db.execute(sa.select(Case.reference).where(Case.case_type == "complaint")
                               .order_by(Case.id.desc()).limit(1)).scalar_one()
        open_cases = db.execute(sa.select(sa.func.count(Case.id)).where(
            Case.status.notin_(("closed", "not accepted")))).scalar_one()
    year = f"from={(TODAY.date() - timedelta(days=364)).isoformat()}&to={TODAY.date().isoformat()}"
    pages = [("queue", "/"), ("queue, overdue", "/?view=overdue"),
             ("search (a name)", "/?view=all&q=Resident+42"), ("case page", f"/cases/{reference}"),
             ("reports (a year)", f"/reports?{year}"),
             ("self-assessment (this financial year)", "/reports/self-assessment"),
             ("self-assessment Markdown", "/reports/self-assessment.md")]
    pages += [(f"reports CSV {name}", f"/reports/{name}.csv?{year}")
              for name in ("tsm", "timeliness", "by-type", "by-service", "by-channel",
                           "by-month", "upheld", "lessons")]
    pages += [(f"queue CSV ({open_cases:,} open cases)", "/cases.csv")]
    rows = []
    for what, path in pages:
        if only and only not in what:
            continue
        times, size = [], 0
        for _ in range(repeat):
            elapsed, size = _get(client, path)
            times.append(elapsed)
        rows.append((f"{label} {what}", f"{min(times):.2f} s", f"{size / 1024:,.0f} KiB"))
        print(f"  {rows[-1][0]:<58} {rows[-1][1]:>9} {rows[-1][2]:>12}", flush=True)
    store.dispose()
    for fmt in ("csv", "json"):
        if only and only not in f"cases export --format {fmt}":
            continue
        elapsed, rss, size = _export(url, fmt)
        rows.append((f"{label} cases export --format {fmt}", f"{elapsed:.1f} s",
                     f"{size / 2**20:,.0f} MiB, peak RSS {rss:,.0f} MiB"))
        print(f"  {rows[-1][0]:<58} {rows[-1][1]:>9} {rows[-1][2]:>12}", flush=True)
    return rows


def _tracker(folder: str) -> str:
    path = Path(folder) / "tracker.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER NOT NULL PRIMARY KEY, sender_id "
                   "VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, "
                   "intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    return f"sqlite:///{path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="times each page (the best counts)")
    parser.add_argument("--postgres", default=os.environ.get("INTAKE_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL to create a temporary database on")
    parser.add_argument("--keep", type=Path, help="SQLite: keep the database here (reused if it "
                                                  "exists, to time the same cases again)")
    parser.add_argument("--keep-postgres", metavar="NAME",
                        help="PostgreSQL: use the database NAME on the server and keep it (filled "
                             "if it is new, reused if it exists) instead of a temporary one")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--only", metavar="TEXT", help="time only the pages (and exports) whose "
                                                       "label has TEXT, e.g. 'reports'")
    args = parser.parse_args()
    os.environ.setdefault("INTAKE_FORWARD_URL", "")
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        tracker = _tracker(folder)
        if not args.no_sqlite:
            path = args.keep or Path(folder) / "bench.db"
            url = f"sqlite:///{path}"
            print(f"SQLite: {args.cases:,} cases", flush=True)
            if not path.exists():
                fill(url, args.cases)
            else:   # kept from an earlier run: brought to this code's schema
                upgrade(make_engine(url))
            rows += measure(url, tracker, "SQLite", args.repeat, args.only)
        if not args.postgres:
            print("PostgreSQL skipped: give --postgres URL or set INTAKE_TEST_POSTGRES_URL")
        else:
            admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT", future=True)
            name = args.keep_postgres or f"intake_bench_{uuid.uuid4().hex[:10]}"
            with admin.connect() as connection:
                new = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                         {"name": name}).first() is None
                if new:
                    connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            try:
                url = make_url(args.postgres).set(database=name).render_as_string(
                    hide_password=False)
                print(f"PostgreSQL: {args.cases:,} cases", flush=True)
                if new:
                    fill(url, args.cases)
                else:   # kept from an earlier run: brought to this code's schema
                    upgrade(make_engine(url))
                rows += measure(url, tracker, "PostgreSQL", args.repeat, args.only)
            finally:
                if not args.keep_postgres:
                    with admin.connect() as connection:
                        connection.exec_driver_sql(
                            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    print(f"\n| measured ({date.today().isoformat()}) | time | size |\n| --- | --- | --- |")
    for row in rows:
        print(f"| {' | '.join(row)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
