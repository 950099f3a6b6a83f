"""Fixtures for the case-store tests: a fresh, migrated database per test, on SQLite always and on
PostgreSQL when INTAKE_TEST_POSTGRES_URL names a server (a database of its own is created for the
test session and dropped afterwards). With INTAKE_REQUIRE_SERVICES=1 a missing server fails the
PostgreSQL variants instead of skipping them."""
from __future__ import annotations

import os
from dataclasses import dataclass
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

from bot.cases.db import make_engine, upgrade
from bot.cases.store import CaseStore
from bot.policy import load_profile
from tests.support.clock import Clock
from tests.support.services import missing, services_required

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))
PROFILE = "housing-ombudsman-code"


@pytest.fixture(scope="session")
def postgres_server_url():
    url = os.environ.get("INTAKE_TEST_POSTGRES_URL")
    if not url:
        missing("PostgreSQL variant: set INTAKE_TEST_POSTGRES_URL "
                "(e.g. postgresql://postgres@127.0.0.1:5432/test) to run it")
    return url


class PostgresDatabases:
    """Creates throw-away databases on the test server, and drops them at the end."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        # pool_pre_ping: the resilience tests restart the server mid-session, which would leave
        # this pool holding dead connections for the drop at the end.
        self.admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", future=True,
                                      pool_pre_ping=True)
        self.created: list[str] = []

    def create(self) -> str:
        name = f"intake_test_{uuid.uuid4().hex[:12]}"
        try:
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except sa.exc.OperationalError as error:
            if services_required():
                raise
            pytest.skip(f"PostgreSQL at {self.server_url} does not answer: {error.orig}")
        self.created.append(name)
        return str(make_url(self.server_url).set(database=name))

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server_url):
    databases = PostgresDatabases(postgres_server_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def postgres_cases_url(postgres_databases):
    """One migrated database for the session's store tests (emptied before each test)."""
    url = postgres_databases.create()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """The URL of an empty, migrated case store."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cases.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("postgres_cases_url")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE outbox, case_events, cases RESTART IDENTITY CASCADE")
    engine.dispose()
    return url


@pytest.fixture
def tracker_url(request, database_url, tmp_path):
    """An empty tracker store (Rasa's `events` table) on the case store's kind of database: a
    SQLite file, or a PostgreSQL database of its own."""
    from bot.cases.tracker import EVENTS

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("postgres_databases").create()
    engine = sa.create_engine(url)
    EVENTS.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def tracker(tracker_url):
    from bot.cases.tracker import TrackerStore

    store = TrackerStore(tracker_url)
    yield store
    store.dispose()


@pytest.fixture
def clock():
    return Clock(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc))  # a Monday


@pytest.fixture(scope="session")
def profile():
    return load_profile(PROFILE)


@pytest.fixture
def make_store(database_url, clock):
    stores = []

    def make(**kwargs) -> CaseStore:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("forward", False)
        store = CaseStore(database_url, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def store(make_store):
    return make_store()


def submission(**fields):
    from bot.cases.submission import CaseSubmission

    values = dict(case_type="complaint", channel="rest", conversation_id="conv-1",
                  description="The repair was not done.", name="Ada Resident",
                  email="ada@example.org", postcode="SW1A 1AA", phone="07700 900123")
    values.update(fields)
    return CaseSubmission(**values)


@pytest.fixture
def files(tmp_path):
    """Residents' files in a folder of the test's own."""
    from bot.evidence import FolderStore

    return FolderStore(tmp_path / "evidence")


@pytest.fixture
def desk(database_url, files, clock):
    """The channels' evidence desk on the test's database and folder."""
    from bot.channels.evidence import EvidenceDesk

    desk = EvidenceDesk(database_url, files, clock=clock)
    yield desk
    desk.dispose()


@dataclass
class Result:
    """What a `python -m bot` command returned and printed."""
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def bot(database_url, tracker_url, monkeypatch, capsys):
    """`python -m bot ...` run in this process (the same entry point, without the start-up time;
    test_outbox and test_migrations run the real command in a subprocess)."""
    monkeypatch.setenv("INTAKE_DATABASE_URL", database_url)
    monkeypatch.setenv("INTAKE_TRACKER_URL", tracker_url)

    from bot.cli import main

    def run(*args, expect=0):
        capsys.readouterr()
        returncode = main(list(args))
        out, err = capsys.readouterr()
        result = Result(returncode, out, err)
        assert result.returncode == expect, result.stdout + result.stderr
        return result
    return run
