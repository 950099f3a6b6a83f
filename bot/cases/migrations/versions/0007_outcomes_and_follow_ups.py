"""A complaint's outcome after its response: follow-up actions tracked to done, the Awaab's Law
hazard work recorded as done (its clocks run past the response until then), and their history
entries.

Revision ID: 0007_follow_ups
Revises: 0006_letter_sent
Create Date: 2026-12-06 12:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007_follow_ups'
down_revision: Union[str, Sequence[str], None] = '0006_letter_sent'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KINDS = ('filed', 'acknowledged', 'extended', 'responded', 'stage2_requested', 'escalated',
          'closed', 'not_accepted', 'note_added', 'information_added', 'lessons_learned',
          'reassigned', 'subject_access_export', 'erased', 'anonymised', 'letter_sent')
_NEW_KINDS = ('follow_up_added', 'follow_up_done', 'hazard_work_done')


def _kinds(kinds: tuple) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _swap(check: str) -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', check)


def upgrade() -> None:
    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.Text(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_follow_ups_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hazard_work_done_at', sa.DateTime(timezone=True), nullable=True))
    _swap(_kinds(_KINDS + _NEW_KINDS))


def downgrade() -> None:
    op.execute("DELETE FROM case_events WHERE kind IN ('follow_up_added', 'follow_up_done', "
               "'hazard_work_done')")
    _swap(_kinds(_KINDS))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('hazard_work_done_at')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_case_id'))
    op.drop_table('follow_ups')
