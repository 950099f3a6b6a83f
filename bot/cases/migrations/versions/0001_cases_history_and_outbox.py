"""Cases, their append-only history, and the forwarding outbox.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:18:27.098557

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('case_type', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('conversation_id', sa.Text(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('submission_key', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('event_date_text', sa.Text(), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('affected', sa.Text(), nullable=True),
    sa.Column('desired_outcome', sa.Text(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('access_availability', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('frequency', sa.Text(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('postcode', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('preferred_contact', sa.String(length=20), nullable=True),
    sa.Column('preferred_format', sa.Text(), nullable=True),
    sa.Column('reasonable_adjustments', sa.Text(), nullable=True),
    sa.Column('representative_name', sa.Text(), nullable=True),
    sa.Column('representative_relationship', sa.Text(), nullable=True),
    sa.Column('representative_consent', sa.Boolean(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('email_key', sa.String(length=320), nullable=True),
    sa.Column('phone_key', sa.String(length=32), nullable=True),
    sa.Column('postcode_key', sa.String(length=16), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('safeguarding', sa.Boolean(), nullable=False),
    sa.Column('awaab_category', sa.String(length=20), nullable=True),
    sa.Column('exclusion', sa.String(length=60), nullable=True),
    sa.Column('exclusion_explanation', sa.Text(), nullable=True),
    sa.Column('complaint_offered', sa.Boolean(), nullable=True),
    sa.Column('complaint_choice', sa.Text(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('policy_profile', sa.String(length=100), nullable=False),
    sa.Column('deadlines', sa.JSON(), nullable=False),
    sa.Column('next_deadline', sa.Date(), nullable=True),
    sa.Column('assigned_to', sa.String(length=200), nullable=True),
    sa.Column('related_case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage2_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage2_acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage2_responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("awaab_category IS NULL OR awaab_category IN ('emergency', 'significant')", name=op.f('ck_cases_awaab_category')),
    sa.CheckConstraint("case_type IN ('complaint', 'service_request', 'asb_report', 'comment', 'compliment')", name=op.f('ck_cases_case_type')),
    sa.CheckConstraint("preferred_contact IS NULL OR preferred_contact IN ('email', 'phone', 'post', 'text')", name=op.f('ck_cases_preferred_contact')),
    sa.CheckConstraint("service IN ('housing', 'care', 'new_build')", name=op.f('ck_cases_service')),
    sa.CheckConstraint("status IN ('new', 'acknowledged', 'responded', 'closed', 'not accepted - pending review', 'not accepted', 'escalation requested - pending review')", name=op.f('ck_cases_status')),
    sa.CheckConstraint('stage IS NULL OR stage IN (1, 2)', name=op.f('ck_cases_stage')),
    sa.ForeignKeyConstraint(['related_case_id'], ['cases.id'], name=op.f('fk_cases_related_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_cases_idempotency_key')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_next_deadline'), ['next_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_phone_key'), ['phone_key'], unique=False)
        batch_op.create_index('ix_cases_status_type', ['status', 'case_type'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('status_before', sa.String(length=40), nullable=True),
    sa.Column('status_after', sa.String(length=40), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('filed', 'acknowledged', 'extended', 'responded', 'stage2_requested', 'escalated', 'closed', 'not_accepted', 'note_added', 'information_added', 'lessons_learned', 'reassigned', 'subject_access_export', 'erased', 'anonymised')", name=op.f('ck_case_events_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_id_id', ['case_id', 'id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['delivered_at', 'id'], unique=False)



def downgrade() -> None:
    """Drop them (and every case with them)."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index('ix_outbox_case_id')

    op.drop_table('outbox')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case_id_id')

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_type')
        batch_op.drop_index(batch_op.f('ix_cases_phone_key'))
        batch_op.drop_index(batch_op.f('ix_cases_next_deadline'))
        batch_op.drop_index(batch_op.f('ix_cases_email_key'))
        batch_op.drop_index(batch_op.f('ix_cases_created_at'))
        batch_op.drop_index(batch_op.f('ix_cases_closed_at'))

    op.drop_table('cases')
