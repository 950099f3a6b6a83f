"""Benchmark: file 10,000 cases into the case store and print cases per second.

    uv run --no-sync python scripts/bench_cases.py [--count N] [--threads T] [--forward]
        [--postgres URL]

Each case is filed as the assistant files one: its own transaction with the idempotency check,
the policy's deadlines, the history entry (and with --forward the outbox message). SQLite runs
on a temporary file; PostgreSQL on a temporary database created on the server named by --postgres
or INTAKE_TEST_POSTGRES_URL (skipped when neither is given) and dropped afterwards. This measures;
it is not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine.url import make_url  # noqa: E402

from bot.cases.db import make_engine, upgrade  # noqa: E402
from bot.cases.store import CaseStore  # noqa: E402
from bot.cases.submission import CaseSubmission  # noqa: E402
from bot.policy import load_profile  # noqa: E402

TYPES = ("complaint", "service_request", "asb_report", "comment", "compliment")


def _submission(n: int) -> CaseSubmission:
    return CaseSubmission(
        case_type=TYPES[n % len(TYPES)], channel=("rest", "socketio", "facebook")[n % 3],
        conversation_id=f"bench-{n}", description=f"Case number {n}: the boiler broke again. " * 4,
        event_date_text="last Tuesday", name=f"Resident {n}", email=f"resident{n}@example.org",
        postcode="SW1A 1AA", phone="07700 900123", preferred_contact="email",
        urgent=n % 17 == 0, safeguarding=n % 101 == 0, extra={"turns": n % 12})


def bench(url: str, count: int, threads: int, forward: bool) -> float:
    engine = make_engine(url)
    upgrade(engine)
    store = CaseStore(engine, forward=forward)
    profile = load_profile("housing-ombudsman-code")
    store.file_case(_submission(-1), profile, "warm-up")
    submissions = [_submission(n) for n in range(count)]
    errors: list[BaseException] = []

    def work(part: list[CaseSubmission]) -> None:
        try:
            for sub in part:
                store.file_case(sub, profile, "form-1")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    parts = [submissions[i::threads] for i in range(threads)]
    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(part,)) for part in parts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    with engine.connect() as connection:
        filed = connection.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    assert filed == count + 1, f"expected {count + 1} cases, found {filed}"
    store.dispose()
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4],
                        help="concurrent filers to measure with (default: 1 and 4)")
    parser.add_argument("--forward", action="store_true", help="also write outbox messages")
    parser.add_argument("--postgres", default=os.environ.get("INTAKE_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL to create a temporary database on")
    args = parser.parse_args()

    print(f"filing {args.count} cases, one transaction each"
          f"{' (with outbox messages)' if args.forward else ''}")
    for threads in args.threads:
        with tempfile.TemporaryDirectory() as folder:
            rate = bench(f"sqlite:///{folder}/bench.db", args.count, threads, args.forward)
        print(f"SQLite      {threads} thread(s): {rate:8.0f} cases/s")
    if not args.postgres:
        print("PostgreSQL  skipped: give --postgres URL or set INTAKE_TEST_POSTGRES_URL")
        return 0
    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT", future=True)
    for threads in args.threads:
        name = f"intake_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = str(make_url(args.postgres).set(database=name))
            rate = bench(url, args.count, threads, args.forward)
            print(f"PostgreSQL  {threads} thread(s): {rate:8.0f} cases/s")
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
