"""A letter sent to the resident is an entry in the case history ("letter_sent", with its text).

Revision ID: 0006_letter_sent
Revises: 0005_channel_deliveries
Create Date: 2026-12-06 12:00:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0006_letter_sent'
down_revision: Union[str, Sequence[str], None] = '0005_channel_deliveries'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KINDS = ('filed', 'acknowledged', 'extended', 'responded', 'stage2_requested', 'escalated',
          'closed', 'not_accepted', 'note_added', 'information_added', 'lessons_learned',
          'reassigned', 'subject_access_export', 'erased', 'anonymised')


def _kinds(kinds: tuple) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _swap(check: str) -> None:
    # Batch mode: SQLite rebuilds the table; each block is applied when it ends.
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', check)


def upgrade() -> None:
    _swap(_kinds(_KINDS + ('letter_sent',)))


def downgrade() -> None:
    op.execute("DELETE FROM case_events WHERE kind = 'letter_sent'")
    _swap(_kinds(_KINDS))
