"""Failed case look-ups (reference plus postcode or e-mail that did not match), kept server-side
so that restarting a conversation does not reset the lockout (bot.intake.existing).

Revision ID: 0004_verification_failures
Revises: 0003_new_build_key
Create Date: 2026-12-03 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0004_verification_failures'
down_revision: Union[str, Sequence[str], None] = '0003_new_build_key'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('verification_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_failures'))
    )
    with op.batch_alter_table('verification_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_failures_at'), ['at'], unique=False)
        batch_op.create_index('ix_verification_failures_conversation_id_at', ['conversation_id', 'at'], unique=False)
        batch_op.create_index('ix_verification_failures_reference_at', ['reference', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('verification_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_verification_failures_reference_at')
        batch_op.drop_index('ix_verification_failures_conversation_id_at')
        batch_op.drop_index(batch_op.f('ix_verification_failures_at'))
    op.drop_table('verification_failures')
