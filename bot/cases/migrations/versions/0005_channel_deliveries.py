"""Messages a channel's platform delivered, recorded once (Messenger re-deliveries are skipped by
every Rasa server, across restarts: bot.channels.deliveries).

Revision ID: 0005_channel_deliveries
Revises: 0004_verification_failures
Create Date: 2026-12-06 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0005_channel_deliveries'
down_revision: Union[str, Sequence[str], None] = '0004_verification_failures'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('channel_deliveries',
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'message_id', name=op.f('pk_channel_deliveries'))
    )
    with op.batch_alter_table('channel_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_deliveries_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('channel_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_deliveries_seen_at'))
    op.drop_table('channel_deliveries')
