"""The case store's tables: cases, their append-only history, and the forwarding outbox.

The schema is created and changed only by the Alembic migrations in `bot/cases/migrations/`
(`python -m bot db upgrade`); a test checks that the migrations produce exactly these models.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import declarative_base, relationship

from bot.cases.types import ExactText, UTCDateTime
from bot import vocabulary

# Stable constraint names, so migrations can refer to them on both databases.
metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})
Base: Any = declarative_base(metadata=metadata)  # SQLAlchemy 1.4 is untyped (pyproject.toml [tool.mypy])

CASE_TYPES = vocabulary.CASE_TYPES
SERVICES = ("housing", "care", "new-build")  # the policy profiles' service keys
CONTACT_METHODS = ("email", "phone", "post", "text")
AWAAB_CATEGORIES = ("emergency", "significant")

# Status of a case (stage is separate: 1 or 2 for complaints, None for everything else).
NEW = "new"                                   # received; awaiting acknowledgement at its stage
ACKNOWLEDGED = "acknowledged"                 # acknowledged; being looked into
RESPONDED = "responded"                       # the stage's response has been issued
CLOSED = "closed"
NOT_ACCEPTED_PENDING = "not accepted - pending review"  # an exclusion applies; a person decides
NOT_ACCEPTED = "not accepted"                 # a person confirmed the exclusion, with reasons
STAGE2_PENDING = "escalation requested - pending review"  # stage 2 asked outside the window
STATUSES = (NEW, ACKNOWLEDGED, RESPONDED, CLOSED, NOT_ACCEPTED_PENDING, NOT_ACCEPTED,
            STAGE2_PENDING)
FINAL_STATUSES = (CLOSED, NOT_ACCEPTED)
OPEN_STATUSES = tuple(s for s in STATUSES if s not in FINAL_STATUSES)
STAGES = (1, 2)

# History event kinds.
FILED = "filed"
EVENT_KINDS = (
    FILED, "acknowledged", "extended", "responded", "stage2_requested", "escalated", "closed",
    "not_accepted", "note_added", "information_added", "lessons_learned", "reassigned",
    "subject_access_export", "erased", "anonymised", "letter_sent",
    "follow_up_added", "follow_up_done", "hazard_work_done", "moved_to_team",
    "field_corrected", "cases_linked", "cases_unlinked", "hazard_retriaged",
)
# A complaint's outcome, recorded with its response: a decision per point, and the remedies.
DECISIONS = ("upheld", "partly_upheld", "not_upheld", "resolved")
REMEDY_KINDS = ("apology", "repair", "financial", "explanation", "other")

# The resident's personal data: emptied by anonymisation and erasure. Everything else (type,
# service, channel, status, stage, flags, dates, deadlines, policy) stays for the statistics.
PERSONAL_FIELDS = (
    "conversation_id", "submission_key", "description", "event_date_text", "affected",
    "desired_outcome", "name", "address", "postcode", "email", "phone", "preferred_format",
    "reasonable_adjustments", "representative_name", "representative_relationship", "location",
    "access_availability", "evidence", "frequency", "complaint_choice", "exclusion_explanation",
    "email_key", "phone_key", "postcode_key",
)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(Base):
    __tablename__ = "cases"

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(16), nullable=False, unique=True)
    case_type = sa.Column(sa.String(20), nullable=False)
    service = sa.Column(sa.String(20), nullable=False, default="housing")
    status = sa.Column(sa.String(40), nullable=False, default=NEW)
    stage = sa.Column(sa.Integer, nullable=True)
    channel = sa.Column(sa.String(40), nullable=False)
    conversation_id = sa.Column(ExactText, nullable=False)
    # Identifies one form submission of one conversation: sha256 of (conversation id, key).
    idempotency_key = sa.Column(sa.String(64), nullable=False, unique=True)
    submission_key = sa.Column(ExactText, nullable=False)

    # What happened
    description = sa.Column(ExactText)
    event_date_text = sa.Column(ExactText)
    event_date = sa.Column(sa.Date)
    affected = sa.Column(ExactText)
    desired_outcome = sa.Column(ExactText)
    location = sa.Column(ExactText)
    access_availability = sa.Column(ExactText)
    evidence = sa.Column(ExactText)
    frequency = sa.Column(ExactText)

    # Who: the resident, how to reach them, and what they need
    name = sa.Column(ExactText)
    address = sa.Column(ExactText)
    postcode = sa.Column(ExactText)
    email = sa.Column(ExactText)
    phone = sa.Column(ExactText)
    preferred_contact = sa.Column(sa.String(20))
    preferred_format = sa.Column(ExactText)
    reasonable_adjustments = sa.Column(ExactText)
    representative_name = sa.Column(ExactText)
    representative_relationship = sa.Column(ExactText)
    representative_consent = sa.Column(sa.Boolean)
    anonymous = sa.Column(sa.Boolean, nullable=False, default=False)
    # Normalised contact details for verification and subject access (never shown).
    email_key = sa.Column(sa.String(320), index=True)
    phone_key = sa.Column(sa.String(32), index=True)
    postcode_key = sa.Column(sa.String(16), index=True)   # the search matches it exactly

    # Flags and triage
    urgent = sa.Column(sa.Boolean, nullable=False, default=False)
    safeguarding = sa.Column(sa.Boolean, nullable=False, default=False)
    awaab_category = sa.Column(sa.String(20))
    exclusion = sa.Column(sa.String(60))
    exclusion_explanation = sa.Column(ExactText)
    complaint_offered = sa.Column(sa.Boolean)
    complaint_choice = sa.Column(ExactText)
    extra = sa.Column(sa.JSON, nullable=False, default=dict)

    # Policy and timescales
    policy_profile = sa.Column(sa.String(100), nullable=False)
    deadlines = sa.Column(sa.JSON, nullable=False, default=dict)   # name -> ISO date
    next_deadline = sa.Column(sa.Date, index=True)                  # the one that matters now

    # Handling
    # The team that handles it (a team key of the policy profile), from the profile's routing
    # rules at filing (bot.policy.teams.team_for), moved by staff; None: not routed.
    team = sa.Column(sa.String(40), index=True)
    assigned_to = sa.Column(sa.String(200))
    related_case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"))
    version = sa.Column(sa.Integer, nullable=False, default=1)
    created_at = sa.Column(UTCDateTime, nullable=False, index=True)
    updated_at = sa.Column(UTCDateTime, nullable=False)
    acknowledged_at = sa.Column(UTCDateTime)
    responded_at = sa.Column(UTCDateTime)
    stage2_requested_at = sa.Column(UTCDateTime)
    stage2_acknowledged_at = sa.Column(UTCDateTime)
    stage2_responded_at = sa.Column(UTCDateTime)
    closed_at = sa.Column(UTCDateTime, index=True)
    anonymised_at = sa.Column(UTCDateTime)
    # Awaab's Law clocks run on their own, past the response, until the hazard work is done.
    hazard_work_done_at = sa.Column(UTCDateTime)

    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.id",
                          cascade="save-update, merge", passive_deletes="all")
    related_case = relationship("Case", remote_side=[id], uselist=False)

    __table_args__ = (
        sa.CheckConstraint(_in("case_type", CASE_TYPES), name="case_type"),
        sa.CheckConstraint(_in("service", SERVICES), name="service"),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint("stage IS NULL OR stage IN (1, 2)", name="stage"),
        sa.CheckConstraint("preferred_contact IS NULL OR " + _in("preferred_contact", CONTACT_METHODS),
                           name="preferred_contact"),
        sa.CheckConstraint("awaab_category IS NULL OR " + _in("awaab_category", AWAAB_CATEGORIES),
                           name="awaab_category"),
        sa.Index("ix_cases_status_type", "status", "case_type"),
    )

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def representative(self) -> dict[str, Any] | None:
        if not (self.representative_name or self.representative_relationship
                or self.representative_consent is not None):
            return None
        return {"name": self.representative_name,
                "relationship": self.representative_relationship,
                "consent": self.representative_consent}

    def deadline(self, name: str) -> date | None:
        """The UK date of a deadline (of its time, for one counted in hours)."""
        return deadline_day((self.deadlines or {}).get(name))

    def deadline_at(self, name: str) -> date | datetime | None:
        """A deadline as stored: a date, or an aware time for one counted in hours."""
        return deadline_moment((self.deadlines or {}).get(name))

    def is_overdue(self, now: date | datetime) -> bool:
        """Past a deadline that counts now. Given the current time (a datetime), a deadline
        counted in hours (Awaab's Law: made safe within 24 hours) is overdue from its hour, not
        from the next day; given a date, deadlines are compared by their UK date."""
        if not self.is_open or self.next_deadline is None:
            return False
        if not isinstance(now, datetime):
            return self.next_deadline < now
        now = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
        if self.next_deadline < now.astimezone(UK).date():
            return True
        for name, value in (self.deadlines or {}).items():
            try:
                moment = deadline_moment(value)
            except (TypeError, ValueError):
                continue
            if isinstance(moment, datetime) and deadline_counts(self, name) and moment < now:
                return True
        return False

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.case_type} {self.status!r} stage={self.stage}>"


class CaseEvent(Base):
    """One entry of a case's history. Append-only: the ORM refuses to change or delete one
    (only anonymisation and erasure redact personal text, with explicit statements)."""

    __tablename__ = "case_events"

    id = sa.Column(sa.Integer, primary_key=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"), nullable=False)
    kind = sa.Column(sa.String(40), nullable=False)
    actor = sa.Column(ExactText, nullable=False)
    at = sa.Column(UTCDateTime, nullable=False, index=True)   # the reports filter by it
    stage = sa.Column(sa.Integer)
    status_before = sa.Column(sa.String(40))
    status_after = sa.Column(sa.String(40))
    details = sa.Column(sa.JSON, nullable=False, default=dict)

    case = relationship("Case", back_populates="events")

    __table_args__ = (
        sa.Index("ix_case_events_case_id_id", "case_id", "id"),
        sa.CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
    )

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "actor": self.actor, "at": self.at.isoformat(),
                "stage": self.stage, "status_before": self.status_before,
                "status_after": self.status_after, "details": dict(self.details or {})}

    def __repr__(self) -> str:
        return f"<CaseEvent {self.kind} by {self.actor!r} at {self.at:%Y-%m-%d %H:%M}>"


class FollowUp(Base):
    """Something promised in a response (a repair, a payment, a call back), owned by a member of
    staff, due on a date and tracked to done (Code 6.6: outstanding actions are followed up)."""

    __tablename__ = "follow_ups"

    id = sa.Column(sa.Integer, primary_key=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True)
    description = sa.Column(ExactText, nullable=False)
    owner = sa.Column(sa.String(200))
    due_date = sa.Column(sa.Date)
    created_at = sa.Column(UTCDateTime, nullable=False)
    created_by = sa.Column(ExactText, nullable=False)
    done_at = sa.Column(UTCDateTime)
    done_by = sa.Column(ExactText)
    done_note = sa.Column(ExactText)

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_date is not None and self.due_date < today

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} of case {self.case_id} due {self.due_date}>"


class CaseLink(Base):
    """Two cases staff linked as the same resident's (her ASB report and her complaint), recorded
    in both histories. One row per pair, the lower case id first; unlinking deletes the row (the
    histories keep both the link and the unlinking)."""

    __tablename__ = "case_links"

    id = sa.Column(sa.Integer, primary_key=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"), nullable=False)
    linked_case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    created_by = sa.Column(ExactText, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("case_id", "linked_case_id"),
        sa.CheckConstraint("case_id < linked_case_id", name="ordered"),
    )

    def __repr__(self) -> str:
        return f"<CaseLink {self.case_id} - {self.linked_case_id}>"


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete a history entry."""


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - a programming error
    raise AppendOnlyError("case history is append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper, connection, target):  # pragma: no cover - a programming error
    raise AppendOnlyError("case history is append-only")


class OutboxMessage(Base):
    """A change waiting to be forwarded to the landlord's own system, written in the same
    transaction as the change itself."""

    __tablename__ = "outbox"

    id = sa.Column(sa.Integer, primary_key=True)
    event_id = sa.Column(sa.String(36), nullable=False, unique=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"))
    kind = sa.Column(sa.String(60), nullable=False)
    payload = sa.Column(ExactText, nullable=False)      # the exact JSON body that is signed and sent
    created_at = sa.Column(UTCDateTime, nullable=False)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(UTCDateTime, nullable=False)
    last_attempt_at = sa.Column(UTCDateTime)
    last_error = sa.Column(ExactText)
    locked_until = sa.Column(UTCDateTime)               # a worker's lease while it sends
    delivered_at = sa.Column(UTCDateTime)
    # Addressed to this team's forwarding address, whatever team the case has when it is
    # delivered (a notice to the team a case left); None: the case's team at delivery.
    team = sa.Column(sa.String(40))

    case = relationship("Case")

    __table_args__ = (
        sa.Index("ix_outbox_pending", "delivered_at", "id"),
        sa.Index("ix_outbox_case_id", "case_id"),
    )

    def __repr__(self) -> str:
        state = "delivered" if self.delivered_at else f"pending, {self.attempts} attempts"
        return f"<OutboxMessage {self.id} {self.kind} {state}>"


class VerificationFailure(Base):
    """A reference and postcode or e-mail that did not match (or an unknown reference), from one
    conversation. Kept server-side, so restarting the conversation does not reset the count:
    too many from one conversation, or against one reference from any conversation, are refused
    for a while (bot.intake.existing). Rows older than the longest window are deleted."""

    __tablename__ = "verification_failures"

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(sa.String(255), nullable=False)   # Rasa's sender id
    reference = sa.Column(sa.String(16), nullable=False)          # canonical, well-formed
    at = sa.Column(UTCDateTime, nullable=False, index=True)

    __table_args__ = (
        sa.Index("ix_verification_failures_conversation_id_at", "conversation_id", "at"),
        sa.Index("ix_verification_failures_reference_at", "reference", "at"),
    )

    def __repr__(self) -> str:
        return f"<VerificationFailure {self.reference} from {self.conversation_id!r} at {self.at:%H:%M:%S}>"


UK = vocabulary.UK


def deadline_moment(value: Any) -> date | datetime | None:
    """A stored deadline: an ISO date ("2026-03-03"), or for a deadline counted in hours an ISO
    time in UTC ("2026-03-03T09:00:00+00:00"), read as an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def deadline_day(value: Any) -> date | None:
    """The UK date of a stored deadline."""
    moment = deadline_moment(value)
    return moment.astimezone(UK).date() if isinstance(moment, datetime) else moment


def deadline_counts(case: "Case", name: str) -> bool:
    """Whether the deadline `name` is one the landlord has to meet now, given the case's status
    and stage (for the case's next deadline): not the other stage's, not the outer limit of an
    extension, not the resident's own window to ask for stage 2, not acknowledgement once the
    case is acknowledged, and the not-accepted reply only while that is pending."""
    key = name.lower()
    if key.startswith("awaab_"):
        return awaab_clock_running(case, key)
    if case.status in (RESPONDED, CLOSED, NOT_ACCEPTED):
        return False  # the stage's response (or the decision) stops its clocks
    if "extended" in key or "request_by" in key:
        return False
    if (case.stage == 2) != key.startswith("stage2"):
        return False
    if case.status == ACKNOWLEDGED and ("acknowledge" in key or "contact" in key) \
            and not key.startswith("director"):  # the director's contact is about the response
        return False
    if "not_accepted" in key and case.status != NOT_ACCEPTED_PENDING:
        return False
    return True


def awaab_clock_running(case: "Case", name: str) -> bool:
    """An Awaab's Law deadline counts until the hazard work is recorded as done, whatever the
    case's stage or response (not once the case is closed or refused)."""
    return (name.startswith("awaab_") and case.hazard_work_done_at is None
            and case.status not in FINAL_STATUSES)


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


class ChannelDelivery(Base):
    """A message a channel's platform delivered (Messenger's `mid`), recorded once when it is
    first handled. Meta delivers a message again when it doubts it was received, to whichever
    Rasa server the load balancer picks, possibly after a restart: the row, shared by every
    server, makes the repeat be skipped. Rows older than a week are deleted (Meta retries for
    a day at most)."""

    __tablename__ = "channel_deliveries"

    channel = sa.Column(sa.String(20), primary_key=True)
    message_id = sa.Column(sa.String(255), primary_key=True)
    seen_at = sa.Column(UTCDateTime, nullable=False, index=True)


ATTACHMENT_KINDS = ("photo", "video", "audio", "document")
STORED, MISSING = "stored", "missing"


class Attachment(Base):
    """A file a resident sent (a photo, a video, a recording, a document), kept in the evidence
    store (`bot.evidence.storage`) under `key`, a random name drawn by the server. It belongs to
    the conversation it was sent in and, once that conversation files a case (or adds information
    to one), to the case. A Messenger file that could not be fetched is recorded as `missing`,
    with why, rather than dropped. Deleted, with its file, when its case is anonymised or erased
    or its conversation is deleted (bot.cases.privacy)."""

    __tablename__ = "attachments"

    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(sa.String(255), nullable=False, index=True)  # Rasa's sender id
    channel = sa.Column(sa.String(40), nullable=False)
    sender_id = sa.Column(sa.String(255), nullable=False)   # who sent it, on that channel
    received_at = sa.Column(UTCDateTime, nullable=False)
    status = sa.Column(sa.String(20), nullable=False, default=STORED)
    kind = sa.Column(sa.String(20))
    media_type = sa.Column(sa.String(100))
    size = sa.Column(sa.Integer)
    sha256 = sa.Column(sa.String(64))
    key = sa.Column(sa.String(64), unique=True)              # None when missing
    thumbnail_key = sa.Column(sa.String(64))
    width = sa.Column(sa.Integer)
    height = sa.Column(sa.Integer)
    original_name = sa.Column(ExactText)                     # shown to staff; never a path
    problem = sa.Column(ExactText)                           # why it is missing
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id"), index=True)
    linked_at = sa.Column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(_in("status", (STORED, MISSING)), name="status"),
        sa.CheckConstraint("kind IS NULL OR " + _in("kind", ATTACHMENT_KINDS), name="kind"),
    )

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.kind} {self.status} of {self.conversation_id!r}>"
