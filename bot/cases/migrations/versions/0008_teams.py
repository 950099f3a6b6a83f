"""Teams: each case is handled by the team its policy profile routes it to (cases.team), staff
may move it to another team (a "moved_to_team" history entry), and an index on case_events.at,
which the reports filter by.

Existing cases are routed by the rules of the profile each was filed under (cases.policy_profile),
as a new case would be; a case whose profile cannot be loaded, or has no teams, keeps team NULL:
"not routed", which the queue shows to every team.

Revision ID: 0008_teams
Revises: 0007_follow_ups
Create Date: 2026-12-08 12:00:00

"""
import logging
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008_teams'
down_revision: Union[str, Sequence[str], None] = '0007_follow_ups'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

log = logging.getLogger(__name__)

_KINDS = ('filed', 'acknowledged', 'extended', 'responded', 'stage2_requested', 'escalated',
          'closed', 'not_accepted', 'note_added', 'information_added', 'lessons_learned',
          'reassigned', 'subject_access_export', 'erased', 'anonymised', 'letter_sent',
          'follow_up_added', 'follow_up_done', 'hazard_work_done')
_NEW_KINDS = ('moved_to_team',)


def _kinds(kinds: tuple) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _swap(check: str) -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_events_kind'), type_='check')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_check_constraint('kind', check)


def _route_existing_cases() -> None:
    """Set the team of every case from its profile's routing rules, where the profile loads."""
    from bot.policy import load_profile
    from bot.policy.teams import team_for

    connection = op.get_bind()
    groups = connection.execute(sa.text(
        "SELECT DISTINCT policy_profile, case_type, service FROM cases WHERE team IS NULL")).all()
    profiles: dict = {}
    for profile_name, case_type, service in groups:
        if profile_name not in profiles:
            try:
                profiles[profile_name] = load_profile(profile_name)
            except Exception as error:  # noqa: BLE001 - a profile since removed: not routed
                log.warning("0008: cases of policy profile %r left without a team: %s",
                            profile_name, error)
                profiles[profile_name] = None
        profile = profiles[profile_name]
        team = team_for(profile, case_type, service) if profile is not None else None
        if team is None:
            continue
        connection.execute(sa.text(
            "UPDATE cases SET team = :team WHERE team IS NULL AND policy_profile = :profile "
            "AND case_type = :case_type AND service = :service"),
            {"team": team, "profile": profile_name, "case_type": case_type, "service": service})


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_team'), ['team'], unique=False)
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_at'), ['at'], unique=False)
    _swap(_kinds(_KINDS + _NEW_KINDS))
    _route_existing_cases()


def downgrade() -> None:
    op.execute("DELETE FROM case_events WHERE kind = 'moved_to_team'")
    _swap(_kinds(_KINDS))
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_at'))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_team'))
        batch_op.drop_column('team')
