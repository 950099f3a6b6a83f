"""Teams, continued: an outbox message may be addressed to a team (outbox.team), so the team a
case was moved away from is told where it went (bot.cases.team_notices); and a staff account may
have a default team (staff_users.default_team), whose cases its queue shows first.

Existing messages keep team NULL: each goes to the address of its case's team, as before.
Existing accounts have no default team: their queue shows every team, as before.

Revision ID: 0011_team_notices
Revises: 0010_corrections_links
Create Date: 2026-12-16 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011_team_notices'
down_revision: Union[str, Sequence[str], None] = '0010_corrections_links'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sa.String(length=40), nullable=True))
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_team', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('default_team')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('team')
