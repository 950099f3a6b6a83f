"""Staff corrections of what a resident gave, cases linked as the same resident's, and Awaab's
Law re-triage: their history entries, and the table of links.

Revision ID: 0010_corrections_links
Revises: 0009_attachments
Create Date: 2026-12-14 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010_corrections_links'
down_revision: Union[str, Sequence[str], None] = '0009_attachments'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KINDS = ('filed', 'acknowledged', 'extended', 'responded', 'stage2_requested', 'escalated',
          'closed', 'not_accepted', 'note_added', 'information_added', 'lessons_learned',
          'reassigned', 'subject_access_export', 'erased', 'anonymised', 'letter_sent',
          'follow_up_added', 'follow_up_done', 'hazard_work_done', 'moved_to_team')
_NEW_KINDS = ('field_corrected', 'cases_linked', 'cases_unlinked', 'hazard_retriaged')


def _kinds(kinds: tuple) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _swap(check: str) -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', check)


def upgrade() -> None:
    op.create_table('case_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('linked_case_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.CheckConstraint('case_id < linked_case_id', name=op.f('ck_case_links_ordered')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_links_case_id_cases')),
    sa.ForeignKeyConstraint(['linked_case_id'], ['cases.id'],
                            name=op.f('fk_case_links_linked_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')),
    sa.UniqueConstraint('case_id', 'linked_case_id',
                        name=op.f('uq_case_links_case_id_linked_case_id'))
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_linked_case_id'), ['linked_case_id'],
                              unique=False)
    _swap(_kinds(_KINDS + _NEW_KINDS))


def downgrade() -> None:
    op.execute("DELETE FROM case_events WHERE kind IN ('field_corrected', 'cases_linked', "
               "'cases_unlinked', 'hazard_retriaged')")
    _swap(_kinds(_KINDS))
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_links_linked_case_id'))
    op.drop_table('case_links')
