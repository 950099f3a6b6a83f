"""The new-build service's key is `new-build`, as in the policy profiles (was `new_build`, which
no profile has, so a new-build complaint could not be filed with its deadlines).

Revision ID: 0003_new_build_key
Revises: 0002_staff
Create Date: 2026-12-01 19:40:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0003_new_build_key'
down_revision: Union[str, Sequence[str], None] = '0002_staff'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_OLD = "service IN ('housing', 'care', 'new_build')"
_NEW = "service IN ('housing', 'care', 'new-build')"


def _swap(check: str, old_key: str, new_key: str) -> None:
    # Batch mode: SQLite rebuilds the table; each block is applied when it ends.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_service'), type_='check')
    op.execute(f"UPDATE cases SET service = '{new_key}' WHERE service = '{old_key}'")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_check_constraint('service', check)


def upgrade() -> None:
    _swap(_NEW, 'new_build', 'new-build')


def downgrade() -> None:
    _swap(_OLD, 'new-build', 'new_build')
