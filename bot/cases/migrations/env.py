"""Alembic environment of the case store, configured in code by `bot.cases.db.alembic_config`.

Run it through `python -m bot db upgrade` (or `bot.cases.db.upgrade(engine)`). For a new
migration, from the project folder:

    uv run --no-sync python -c "from bot.cases.db import alembic_config, make_engine; \
from alembic import command; e = make_engine(); c = e.connect(); \
command.revision(alembic_config(c), autogenerate=True, message='what changed')"
"""
from __future__ import annotations

from alembic import context

from bot.cases.db import VERSION_TABLE, make_engine
from bot.cases.models import metadata
from bot.cases.search import not_search_table
import bot.staff.models  # noqa: F401,E402 - the staff workspace's tables, on the same metadata

config = context.config


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=config.attributes.get("version_table", VERSION_TABLE),
        render_as_batch=True,        # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        include_name=not_search_table,   # the search index's tables are no model's (0012)
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
elif context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `python -m bot db upgrade`")
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
