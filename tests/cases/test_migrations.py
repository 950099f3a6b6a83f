"""The schema is made by the Alembic migrations alone, and they produce exactly the models."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.cases.db import (
    SchemaError, VERSION_TABLE, check_schema, current_revision, downgrade, head_revision,
    make_engine, upgrade,
)
from bot.cases.models import metadata
from bot.cases.search import not_search_table
from bot.settings import PROJECT_ROOT
from tests.cases.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres_databases").create()


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": not_search_table})
        return compare_metadata(context, metadata)


def test_upgrade_on_an_empty_database_gives_the_models_schema_and_downgrade_removes_it(
        empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        assert current_revision(engine) is None
        with pytest.raises(SchemaError, match="db upgrade"):
            check_schema(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check_schema(engine)
        differences = [d for d in _differences(engine)
                       if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]
        assert differences == []

        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert set(sa.inspect(engine).get_table_names()) <= {VERSION_TABLE}

        upgrade(engine)
        upgrade(engine)  # again: nothing to do
        assert {"cases", "case_events", "outbox"} <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_db_command_upgrades_and_reports(tmp_path):
    env = {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def bot(*args):
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    listed = bot("cases", "list")
    assert listed.returncode == 1
    assert listed.stderr.strip().splitlines() == [
        f"error: the case store's schema is empty, this code needs {head_revision()}: "
        f"run `python -m bot db upgrade`"]
    before = bot("db", "current")
    assert before.returncode == 1 and before.stdout.startswith("empty")
    upgraded = bot("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from empty to {head_revision()}" in upgraded.stdout
    assert "already at revision" in bot("db", "upgrade").stdout
    assert bot("db", "current").stdout.strip() == f"{head_revision()} (newest)"
    refused = bot("db", "downgrade", "base")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    unknown = bot("db", "upgrade", "nope")
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1


def test_a_new_build_case_filed_under_the_old_key_is_carried_over_and_back(empty_database_url):
    """0003 renames the service key new_build to the profiles' new-build, keeping every case."""
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0002_staff")
        row = {"reference": "CMP-7KQ4M-X", "case_type": "complaint", "service": "new_build",
               "status": "new", "stage": 1, "channel": "rest", "conversation_id": "c1",
               "idempotency_key": "k", "submission_key": "s", "anonymous": False, "urgent": False,
               "safeguarding": False, "extra": "{}", "policy_profile": "housing-plus-group",
               "deadlines": "{}", "version": 1, "created_at": "2026-12-01 10:00:00",
               "updated_at": "2026-12-01 10:00:00"}
        with engine.begin() as connection:
            connection.execute(sa.text(f"INSERT INTO cases ({', '.join(row)}) VALUES "
                                       f"({', '.join(':' + k for k in row)})"), row)
        upgrade(engine)
        service = "SELECT service FROM cases WHERE reference = 'CMP-7KQ4M-X'"
        with engine.connect() as connection:
            assert connection.execute(sa.text(service)).scalar() == "new-build"
        with pytest.raises(sa.exc.IntegrityError):  # the old key is refused now
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE cases SET service = 'new_build'"))
        downgrade(engine, "0002_staff")
        with engine.connect() as connection:
            assert connection.execute(sa.text(service)).scalar() == "new_build"
    finally:
        engine.dispose()
