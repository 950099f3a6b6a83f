"""Search that an index serves (bot.cases.search): on SQLite an FTS5 table, `case_search`, kept in
step with `cases` by triggers; on PostgreSQL a stored generated column of the cases' text as a
tsvector (`cases.search_vector`) with a GIN index (`ix_cases_search`). Both are filled for the
cases already there. And an index on `cases.postcode_key`, which the search matches exactly.

SQLite drops a table's triggers with it: a later migration that rebuilds `cases` in batch mode
(move and copy) must create them again (`search.sqlite_drop()` then `search.sqlite_create()`,
which also refills the table). The search tests fail at head if it does not.

Revision ID: 0012_case_search
Revises: 0011_team_notices
Create Date: 2026-12-18 09:00:00

"""
from typing import Sequence, Union

from alembic import op

from bot.cases import search


revision: str = '0012_case_search'
down_revision: Union[str, Sequence[str], None] = '0011_team_notices'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _run(statements: list[str]) -> None:
    # As written: no bound parameters, so nothing in the SQL is read as one.
    connection = op.get_bind().execution_options(no_parameters=True)
    for statement in statements:
        connection.exec_driver_sql(statement)


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_postcode_key'), ['postcode_key'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        _run(search.postgres_create())
    else:
        _run(search.sqlite_create())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _run(search.postgres_drop())
    else:
        _run(search.sqlite_drop())
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_postcode_key'))
