"""A first install where several pods start at once on a fresh PostgreSQL database (Kubernetes:
two action pods' init containers run `python -m bot db upgrade` together, two Rasa pods create the
tracker store's table together): every one of them ends well and the schema is made once."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from bot.settings import PROJECT_ROOT
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.e2e

# Imports first, says "ready", then waits for "go" so that every process starts its upgrade at
# the same moment (importing takes seconds, more on a busy machine).
UPGRADE = """
import sys
from bot.cli import main
from bot.cases import db
import alembic.command, bot.cases.models, bot.staff.models
print("ready", flush=True)
sys.stdin.readline()
sys.exit(main(["db", "upgrade"]))
"""


@pytest.fixture
def fresh_database():
    yield from fresh_postgres_database("intake_first", "the first-install tests")


def test_migrations_started_together_take_turns(fresh_database):
    from bot.cases.db import current_revision, head_revision, make_engine

    env = {**os.environ, "INTAKE_DATABASE_URL": fresh_database}
    processes = [subprocess.Popen([sys.executable, "-c", UPGRADE], cwd=PROJECT_ROOT, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [code for code, _, _ in results] == [0, 0, 0, 0], results
    said = [out.strip() for _, out, _ in results]
    assert sum("upgraded from empty to" in line for line in said) == 1, said
    assert sum("already at revision" in line for line in said) == 3, said
    engine = make_engine(fresh_database)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_rasa_servers_creating_the_tracker_table_together_all_start(fresh_database):
    """Rasa's SQL tracker store makes its `events` table when it starts; two at once race to make
    it. Rasa survives the race itself (rasa/core/tracker_store.py: a duplicate table is logged and
    ignored, a duplicate type retried after 5 s), which the README relies on: no init step needed."""
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa.tracker_store import ResilientSQLTrackerStore

    start, stores, errors = threading.Barrier(4), [], []

    def create() -> None:
        start.wait()
        try:
            stores.append(ResilientSQLTrackerStore(host=fresh_database))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(4)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and len(stores) == 4, errors
    assert time.monotonic() - began < 60
    engine = sa.create_engine(fresh_database)
    try:
        assert sa.inspect(engine).has_table("events")
    finally:
        engine.dispose()
    import asyncio

    tracker = DialogueStateTracker.from_events("first-install", [UserUttered("hello")])
    asyncio.run(stores[0].save(tracker))
    read = asyncio.run(stores[3].retrieve("first-install"))
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["hello"]
    for store in stores:
        store.engine.dispose()
