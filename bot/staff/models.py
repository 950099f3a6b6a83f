"""The staff workspace's tables, in the case store's database and migration chain.

They live on the case store's metadata, so `python -m bot db upgrade` makes them and the
migrations test compares them like the case store's own (the migration environment imports this
module). Case data itself stays in the case store's tables: staff actions go through
`bot.cases.store.CaseStore`, which writes the case history.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

# The roles, each able to do everything the ones before it can: named by the lifecycle table
# (bot.cases.lifecycle), which says what each may do to a case.
from bot.cases.lifecycle import ADMIN, ADVOCATE, MANAGER, ROLE_RANK, ROLES  # noqa: F401
from bot.cases.models import Base, _in
from bot.cases.types import ExactText, UTCDateTime

ROLE_DESCRIPTIONS = {
    ADVOCATE: "works cases: the queue, case pages and their actions, conversation review",
    MANAGER: "also reports, and signs off stage 2 (its response, and late requests for it)",
    ADMIN: "also staff accounts and the workspace settings",
}


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)   # lower case
    display_name = sa.Column(sa.String(200), nullable=False)
    role = sa.Column(sa.String(20), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False)
    password_changed_at = sa.Column(UTCDateTime, nullable=False)
    last_sign_in_at = sa.Column(UTCDateTime)
    # The team whose cases the queue shows this person first (a team key of the active policy
    # profile, set by an admin); None: every team. They can still choose another, or any.
    default_team = sa.Column(sa.String(40))

    sessions = relationship("StaffSession", back_populates="user", passive_deletes=True)

    __table_args__ = (sa.CheckConstraint(_in("role", ROLES), name="role"),)

    def can(self, role: str) -> bool:
        """Whether this user has `role` or a higher one."""
        return bool(self.active) and ROLE_RANK.get(self.role, -1) >= ROLE_RANK[role]

    @property
    def actor(self) -> str:
        """How the case history names this user."""
        return f"staff:{self.username}"

    def __repr__(self) -> str:
        return f"<StaffUser {self.username} {self.role}{'' if self.active else ' (inactive)'}>"


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so the
    table cannot be used to sign in. Deleting the row signs the browser out."""

    __tablename__ = "staff_sessions"

    id = sa.Column(sa.String(64), primary_key=True)                    # sha256(token), hex
    user_id = sa.Column(sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    last_seen_at = sa.Column(UTCDateTime, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False)
    ip = sa.Column(sa.String(64))
    user_agent = sa.Column(sa.String(300))

    user = relationship("StaffUser", back_populates="sessions")


class SignInFailure(Base):
    """A failed sign-in, for the rate limit (per username and address, and per address)."""

    __tablename__ = "staff_sign_in_failures"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False)
    ip = sa.Column(sa.String(64), nullable=False)
    at = sa.Column(UTCDateTime, nullable=False)

    __table_args__ = (
        sa.Index("ix_staff_sign_in_failures_username_ip_at", "username", "ip", "at"),
        sa.Index("ix_staff_sign_in_failures_ip_at", "ip", "at"),
    )


class IntentCorrection(Base):
    """A person's view of what a resident's message meant, for the NLU training data export.

    `event_id` is the row of Rasa's tracker store; `text` is the message as it was corrected
    (kept, so the export does not depend on the tracker store keeping it)."""

    __tablename__ = "staff_intent_corrections"

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False)
    event_id = sa.Column(sa.Integer, nullable=False)
    text = sa.Column(ExactText, nullable=False)
    predicted_intent = sa.Column(sa.String(255))
    predicted_confidence = sa.Column(sa.Float)
    intent = sa.Column(sa.String(255), nullable=False)
    actor = sa.Column(ExactText, nullable=False)
    at = sa.Column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("sender_id", "event_id"),)


class StaffSetting(Base):
    """A workspace setting changed by an admin (it wins over the environment's default)."""

    __tablename__ = "staff_settings"

    key = sa.Column(sa.String(64), primary_key=True)
    value = sa.Column(sa.Text, nullable=False)
    updated_by = sa.Column(ExactText, nullable=False)
    updated_at = sa.Column(UTCDateTime, nullable=False)


class StaffAudit(Base):
    """Who did what to accounts and settings (case actions are in each case's own history)."""

    __tablename__ = "staff_audit"

    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(UTCDateTime, nullable=False, index=True)
    actor = sa.Column(ExactText, nullable=False)
    action = sa.Column(sa.String(60), nullable=False)
    details = sa.Column(sa.JSON, nullable=False, default=dict)
