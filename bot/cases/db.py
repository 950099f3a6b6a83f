"""Engines and schema migrations for the case store.

SQLite (the default) runs in WAL mode with a busy timeout, and every writing transaction starts
with `BEGIN IMMEDIATE`, so that concurrent filings queue for the write lock instead of failing
with "database is locked" when a read transaction tries to become a write one. PostgreSQL needs
nothing special: unique constraints and row locks do the work.

The schema is made by Alembic only (`python -m bot db upgrade`); the migration environment lives
in `bot/cases/migrations/` and is configured here in code, so no alembic.ini is needed. Migrations
run one at a time however many start at once (two Kubernetes pods' init containers on a first
install): on PostgreSQL each takes a transaction-level advisory lock first, so the second waits,
then finds the schema up to date; on SQLite the writing transaction (BEGIN IMMEDIATE) does it.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from bot import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "cases_alembic_version"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option that asks for a writing transaction (BEGIN IMMEDIATE on SQLite).
WRITE = {"intake_write": True}
# PostgreSQL advisory lock key held while the schema changes (any fixed 64-bit number: this is
# "intake" in ASCII).
MIGRATION_LOCK_KEY = 0x696E74616B65


class SchemaError(RuntimeError):
    """The database's schema is missing or older than this code."""


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for the case store at `url` (default: the INTAKE_DATABASE_URL setting)."""
    url = settings.resolve_sqlite_path(url or settings.database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        if database and database != ":memory:":
            # SQLAlchemy 1.4 opens a new SQLite connection per use (NullPool) for files; keep a
            # pool instead, as 2.0 does (connections are safe across threads with WAL).
            kwargs.setdefault("poolclass", sa.pool.QueuePool)
        engine = sa.create_engine(url, future=True, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        secure_delete(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": 10}
        connect_args.update(kwargs.pop("connect_args", {}))
        kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(url, future=True, connect_args=connect_args, **kwargs)
    return sa.create_engine(url, future=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, instead of the driver's own
        # implicit (deferred) transactions, so savepoints and BEGIN IMMEDIATE both work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("intake_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def secure_delete(engine: Engine) -> None:
    """Overwrite deleted content on every connection of a SQLite engine: an erased resident's
    words must not stay readable in the file's free pages (UK GDPR erasure)."""
    if is_sqlite(engine):
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA secure_delete = ON")


def forget_freed_pages(engine: Engine) -> None:
    """After an erasure, copy the write-ahead log into the database and empty it, so the old
    versions of the pages erased (with the resident's words) are not left in the -wal file.
    Nothing to do on PostgreSQL (VACUUM removes dead rows) or when SQLite is busy: the log is
    checkpointed again by later writes, and secure_delete has already zeroed the database's copy."""
    if not is_sqlite(engine):
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# --- migrations ------------------------------------------------------------------------------

def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = VERSION_TABLE
    return config


def _one_at_a_time(connection) -> None:
    """Wait for any other migration of this database to finish (the lock is released when this
    transaction ends). SQLite's BEGIN IMMEDIATE has already serialised the writers."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _revision(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}
                                      ).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema up to `revision` (default: the newest); the revision it was at, read once
    no other migration runs."""
    from alembic import command

    with engine.connect() as connection:
        connection.execution_options(**WRITE)
        with connection.begin():
            _one_at_a_time(connection)
            before = _revision(connection)
            command.upgrade(alembic_config(connection), revision)
    return before


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as connection:
        connection.execution_options(**WRITE)
        with connection.begin():
            _one_at_a_time(connection)
            command.downgrade(alembic_config(connection), revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise SchemaError unless the database is at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaError(f"the case store's schema is {where}, this code needs {head}: "
                          f"run `python -m bot db upgrade`")


def hide_password(url) -> str:
    try:
        return repr(make_url(str(url)))
    except Exception:  # noqa: BLE001 - only for messages
        return "<database URL>"
