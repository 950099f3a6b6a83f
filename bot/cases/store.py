"""The case store: file cases idempotently, find them, and record every staff action in the history.

    store = CaseStore()                      # INTAKE_DATABASE_URL, schema made by `bot db upgrade`
    case, created = store.file_case(submission, profile, submission_key="form-3")
    store.acknowledge(case.reference, actor="staff:amy")

Every change runs in one transaction with its history entry and, when forwarding is configured,
its outbox message. Cases come back as detached ORM objects (read their fields freely; use
`get(reference, with_history=True)` for the history).
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot import settings
from bot.cases import attachments, contacts, forwarded_files, references, team_notices
from bot.cases import lifecycle, search
from bot.cases.db import WRITE, make_engine
from bot.cases.errors import (  # noqa: F401 - the store's errors, imported from here too
    CaseNotFound, CaseStoreError, ConcurrentChange, InvalidTransition, NoStage2, UnknownTeam,
)
from bot.cases.export import case_to_dict
from bot.cases.models import (
    ACKNOWLEDGED, AWAAB_CATEGORIES, CLOSED, CONTACT_METHODS, FILED, FINAL_STATUSES, NEW,
    NOT_ACCEPTED, NOT_ACCEPTED_PENDING, DECISIONS, OPEN_STATUSES, REMEDY_KINDS, RESPONDED,
    STAGE2_PENDING, Case, CaseEvent, CaseLink, FollowUp, OutboxMessage, deadline_counts, deadline_day,
)
from bot.cases.submission import TEXT_FIELDS, CaseSubmission, clean_text
from bot import vocabulary

if TYPE_CHECKING:   # for annotations only: the store imports bot.policy where it uses it
    from bot.policy import Profile

log = logging.getLogger(__name__)

DeadlineFn = Callable[..., Mapping[str, Any]]


# --- deadlines: from the policy module, injectable for tests ----------------------------------

def policy_case_deadlines(profile: Profile, case_type: str, filed_at: datetime,
                          service: str = "housing") -> Mapping[str, date]:
    """The default deadline function: the policy module's."""
    from bot.policy.deadlines import case_deadlines

    return case_deadlines(profile, case_type, filed_at, service=service)


def _dates_to_iso(values: Mapping[str, Any] | None) -> dict[str, str]:
    result = {}
    for name, value in (values or {}).items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.date()
        result[str(name)] = value.isoformat() if isinstance(value, date) else str(value)
    return result


def next_deadline_of(case: Case, follow_up_due: date | None = None) -> date | None:
    """The deadline the landlord has to meet next, given the case's status and stage.

    The stage's response (or closing) stops its clocks; Awaab's Law ones run on until the hazard
    work is done, and an open follow-up action's due date counts until it is done
    (`follow_up_due`: the earliest). Deadlines of the other stage, the outer limit of an
    extension and the resident's own window to ask for stage 2 do not count; neither does
    acknowledgement once the case is acknowledged.
    """
    if case.status in FINAL_STATUSES:
        return None
    best = follow_up_due
    for name, value in (case.deadlines or {}).items():
        if not value or not deadline_counts(case, name):
            continue
        try:
            day = deadline_day(value)  # a deadline counted in hours: the UK date of its time
        except (TypeError, ValueError):
            continue
        if day is not None and (best is None or day < best):  # (None only for an empty value)
            best = day
    return best


def idempotency_key(conversation_id: str, submission_key: str) -> str:
    raw = json.dumps([conversation_id, submission_key], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def content_key(submission: CaseSubmission) -> str:
    """A submission key made of the form's content, for callers that have none of their own."""
    raw = json.dumps(submission.dict(), sort_keys=True, default=str, ensure_ascii=False)
    return "content:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


# --- queries -----------------------------------------------------------------------------------

SORTS = ("urgency", "newest", "oldest", "deadline")


@dataclass
class CaseQuery:
    """Filters for the staff queue and the command line. Each list filter matches any value."""

    case_type: str | Sequence[str] | None = None
    status: str | Sequence[str] | None = None
    stage: int | None = None
    service: str | Sequence[str] | None = None
    channel: str | Sequence[str] | None = None
    created_from: date | None = None       # inclusive, UK local dates
    created_to: date | None = None         # inclusive
    search: str | None = None              # reference, name or description
    overdue: bool = False
    due_by: date | None = None             # open cases whose next deadline is on or before it
    due_on: date | None = None             # open cases whose next deadline is that day
    # Open cases due from today to the Nth working day after it (each case's profile's calendar).
    due_within_working_days: int | None = None
    open_only: bool = False
    assigned_to: str | None = None
    team: str | Sequence[str] | None = None   # a team key: that team's cases...
    unrouted: bool = True                      # ...and, with a team, those not routed (no team)
    include_anonymised: bool = True
    sort: str = "urgency"
    limit: int | None = None
    offset: int = 0


def _as_list(value) -> list | None:
    if value is None:
        return None
    return [value] if isinstance(value, (str, int)) else list(value)


# --- the store ---------------------------------------------------------------------------------

class CaseStore:
    def __init__(self, engine: Engine | str | None = None, *, deadline_fn: DeadlineFn | None = None,
                 forward: bool | None = None, clock: Callable[[], datetime] | None = None,
                 profile_loader: Callable[[str], Profile] | None = None) -> None:
        """`engine`: an Engine or URL (default INTAKE_DATABASE_URL). `deadline_fn(profile,
        case_type, filed_at, service=...)` computes a new case's deadlines (default: the policy
        module's). `forward`: write outbox messages (default: when INTAKE_FORWARD_URL is set).
        `clock`: returns the current aware datetime (tests move it)."""
        self.engine = engine if isinstance(engine, Engine) else make_engine(engine)
        self.Session = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.deadline_fn = deadline_fn or policy_case_deadlines
        if forward is None:
            from bot import settings

            forward = bool(settings.get("INTAKE_FORWARD_URL"))
        self.forward = forward
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._profile_loader = profile_loader
        self._profiles: dict[str, Profile] = {}

    # -- plumbing --

    def now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None:
            raise ValueError("the store's clock must return an aware datetime")
        return value.astimezone(timezone.utc)

    def today(self) -> date:
        """Today in the UK, where deadlines are counted."""
        return self.now().astimezone(vocabulary.UK).date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a writing transaction (BEGIN IMMEDIATE on SQLite), committed at the end."""
        with self.Session() as session:
            with session.begin():
                session.connection(execution_options=WRITE)
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.Session() as session:
            with session.begin():
                yield session

    def _retrying(self, work: Callable[[], Any], within_seconds: float | None = None) -> Any:
        """Run an idempotent unit of work again after a transient database error, for up to
        INTAKE_DB_RETRY_SECONDS (a PostgreSQL restart takes a few seconds; the resident waits meanwhile)."""
        if within_seconds is None:
            within_seconds = settings.seconds("INTAKE_DB_RETRY_SECONDS")
        deadline = time.monotonic() + within_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                return work()
            except OperationalError as error:
                delay = min(0.05 * 2 ** attempt, 2.0)
                if not _is_transient(error) or time.monotonic() + delay > deadline:
                    raise
                log.warning("case store: transient database error (%s); retrying in %.2f s",
                            str(error.orig).strip().splitlines()[0] if error.orig else error, delay)
                time.sleep(delay)
                # A dropped PostgreSQL connection leaves dead ones in the pool.
                if not self.engine.dialect.name == "sqlite":
                    self.engine.dispose()

    def profile(self, profile: Profile | str | None = None) -> Profile:
        """A policy profile object from an object, a name, or None (the active profile)."""
        if profile is not None and not isinstance(profile, str):
            return profile
        if profile is None:
            from bot.policy import active_profile

            return active_profile()
        if profile not in self._profiles:
            if self._profile_loader is not None:
                self._profiles[profile] = self._profile_loader(profile)
            else:
                from bot.policy import load_profile

                self._profiles[profile] = load_profile(profile)
        return self._profiles[profile]

    def dispose(self) -> None:
        """Close the store's database connections."""
        self.engine.dispose()

    # -- filing --

    def file_case(self, submission: CaseSubmission | Mapping[str, Any], profile: Profile | str | None = None,
                  submission_key: str | None = None, *, actor: str = "assistant"
                  ) -> tuple[Case, bool]:
        """File a case once: (case, True) the first time, (the same case, False) for a retry of the
        same submission (same conversation id and submission key)."""
        submission = _submission(submission)
        profile_obj = self.profile(profile)

        def work():
            with self.write() as session:
                return self.file_in_session(session, submission, profile_obj, submission_key,
                                            actor=actor)

        return self._retrying(work)

    def file_in_session(self, session: Session, submission: CaseSubmission | Mapping[str, Any],
                        profile: Profile | str | None,
                        submission_key: str | None, *, actor: str = "assistant",
                        related_case: Case | None = None) -> tuple[Case, bool]:
        """File within the caller's transaction (the caller commits)."""
        submission = _submission(submission)
        key = submission_key or content_key(submission)
        ikey = idempotency_key(submission.conversation_id, key)
        existing = _by_idempotency_key(session, ikey)
        if existing is not None:
            return existing, False
        profile = self.profile(profile)
        # A service the profile does not have (care under a housing-only landlord) has no rules
        # to file it by: refused with the reason (PolicyError), not filed without deadlines.
        profile.service(submission.service)
        now = self.now()
        deadlines, deadline_error = self._filing_deadlines(profile, submission, now)
        for _ in range(20):
            case = self._new_case(submission, profile, key, ikey, deadlines, now)
            if related_case is not None:
                case.related_case_id = related_case.id
                if related_case.team:  # more about a case stays with the team that has it
                    case.team = related_case.team
            try:
                with session.begin_nested():
                    session.add(case)
                    session.flush()
            except IntegrityError:
                existing = _by_idempotency_key(session, ikey)
                if existing is not None:
                    return existing, False
                continue  # the random reference is taken: draw another
            details: dict[str, Any] = {"policy_profile": case.policy_profile,
                                       "deadlines": dict(case.deadlines), "team": case.team}
            if deadline_error:
                details["deadline_error"] = deadline_error
            if related_case is not None:
                details["related_reference"] = related_case.reference
            # The photos, videos and documents the resident sent in this conversation so far.
            linked = attachments.link_conversation(session, case, now)
            if linked:
                details["attachments"] = linked
            self._record(session, case, FILED, actor, details, status_before=None, at=now)
            return case, True
        raise RuntimeError("could not draw a free case reference in 20 attempts")

    def _filing_deadlines(self, profile: Profile, submission: CaseSubmission, now: datetime):
        local = now.astimezone(vocabulary.UK)
        try:
            values = dict(self.deadline_fn(profile, submission.case_type, local,
                                           service=submission.service))
        except Exception as error:  # noqa: BLE001 - a case is never lost for want of a date
            log.exception("case store: deadlines could not be computed; filing without them")
            return {}, f"{type(error).__name__}: {error}"
        if submission.exclusion or submission.awaab_category or submission.case_type == "complaint":
            try:
                values.update(extra_filing_deadlines(profile, submission, local))
            except Exception as error:  # noqa: BLE001
                log.exception("case store: exclusion, director or Awaab's Law deadlines not computed")
                return _dates_to_iso(values), f"{type(error).__name__}: {error}"
        return _dates_to_iso(values), None

    def _new_case(self, submission: CaseSubmission, profile: Profile, key: str, ikey: str,
                  deadlines: dict[str, str], now: datetime) -> Case:
        data = submission.dict()
        status = NOT_ACCEPTED_PENDING if submission.exclusion else NEW
        explanation = submission.exclusion_explanation
        if submission.exclusion and not explanation:
            explanation = exclusion_explanation(profile, submission.exclusion, submission.service)
        case = Case(
            reference=references.new_reference(submission.case_type),
            case_type=submission.case_type, service=submission.service, status=status,
            stage=1 if submission.case_type == "complaint" else None,
            channel=submission.channel, conversation_id=submission.conversation_id,
            idempotency_key=ikey, submission_key=key,
            event_date=submission.event_date,
            preferred_contact=submission.preferred_contact,
            representative_consent=submission.representative_consent,
            anonymous=submission.anonymous, urgent=submission.urgent,
            safeguarding=submission.safeguarding, awaab_category=submission.awaab_category,
            exclusion=submission.exclusion, complaint_offered=submission.complaint_offered,
            extra=data["extra"] or {}, policy_profile=_profile_name(profile),
            team=_routed_team(profile, submission),
            deadlines=deadlines, version=1, created_at=now, updated_at=now,
        )
        for name in TEXT_FIELDS:
            setattr(case, name, data[name])
        case.exclusion_explanation = explanation
        case.email_key = contacts.email_key(submission.email)
        case.phone_key = contacts.phone_key(submission.phone)
        case.postcode_key = contacts.postcode_key(submission.postcode)
        case.next_deadline = next_deadline_of(case)
        return case

    # -- history and outbox --

    def _record(self, session: Session, case: Case, kind: str, actor: str,
                details: Mapping[str, Any] | None = None, *, status_before: str | None,
                at: datetime | None = None) -> CaseEvent:
        at = at or self.now()
        if kind != FILED:
            case.version = (case.version or 0) + 1
            case.updated_at = at
            session.flush()  # a follow-up added or done in this transaction counts
            follow_up_due = session.execute(
                select(sa.func.min(FollowUp.due_date)).where(
                    FollowUp.case_id == case.id, FollowUp.done_at.is_(None))).scalar()
            case.next_deadline = next_deadline_of(case, follow_up_due)
        event = CaseEvent(case_id=case.id, kind=kind, actor=_actor(actor), at=at, stage=case.stage,
                          status_before=status_before, status_after=case.status,
                          details=_json_safe(details or {}))
        session.add(event)
        if self.forward:
            self._enqueue(session, case, event)
        session.flush()
        return event

    def _enqueue(self, session: Session, case: Case, event: CaseEvent) -> None:
        event_id = str(uuid4())
        related = None
        if case.related_case_id:
            related = session.execute(select(Case.reference).where(
                Case.id == case.related_case_id)).scalar_one_or_none()
        payload = {
            "event_id": event_id,
            "type": f"case.{event.kind}",
            "occurred_at": event.at.isoformat(),
            "event": {"kind": event.kind, "actor": event.actor, "at": event.at.isoformat(),
                      "stage": event.stage, "status_before": event.status_before,
                      "status_after": event.status_after, "details": event.details},
            "case": case_to_dict(case, related_reference=related),
            # What is known of each of its files, and where staff open it; never the bytes.
            "files": forwarded_files.described(session, case),
        }
        session.add(OutboxMessage(
            event_id=event_id, case_id=case.id, kind=f"case.{event.kind}",
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            created_at=event.at, attempts=0, next_attempt_at=event.at))

    # -- finding --

    def find_by_reference(self, reference: str, *, with_history: bool = False) -> Case:
        """The case with this reference. InvalidReference (before any query) for a malformed or
        mistyped one; CaseNotFound for a well-formed one that no case has."""
        canonical = references.parse(reference)
        with self.read() as session:
            query = select(Case).where(Case.reference == canonical)
            if with_history:
                query = query.options(selectinload(Case.events))
            case = session.execute(query).scalar_one_or_none()
            if case is None:
                raise CaseNotFound(f"no case has the reference {canonical}")
            if case.related_case_id:
                _ = case.related_case  # load it while the session is open
            return case

    get = find_by_reference

    def history(self, reference: str) -> list[CaseEvent]:
        return list(self.find_by_reference(reference, with_history=True).events)

    def look_up(self, conversation_id: str, reference: str, postcode_or_email: str):
        """A resident's look-up of their case (reference plus postcode or e-mail), with the
        lockout counted in the same transaction: see bot.cases.lookups. Raises
        InvalidReference for a mistyped reference."""
        from bot.cases.lookups import ResidentLookup

        return self._retrying(lambda: ResidentLookup(self).look_up(
            conversation_id, reference, postcode_or_email))

    def query(self, q: CaseQuery | None = None, **filters) -> list[Case]:
        """Cases matching the filters, sorted (default: by urgency)."""
        q = q or CaseQuery(**filters)
        with self.read() as session:
            return list(session.execute(self.select_matching(q, Case)).scalars())

    def select_matching(self, q: CaseQuery, *columns: Any) -> sa.Select:
        """A SELECT of `columns` (ORM entities or columns) over the cases `q` filters, in its sort
        order and with its offset and limit: for a caller that reads other columns than `query`
        does, or reads them in batches (the exports)."""
        statement = self._filtered(select(*columns), q).order_by(*self._order(q.sort))
        if q.offset:
            statement = statement.offset(q.offset)
        if q.limit is not None:
            statement = statement.limit(q.limit)
        return statement

    def count(self, q: CaseQuery | None = None, **filters) -> int:
        q = q or CaseQuery(**filters)
        statement = self._filtered(select(sa.func.count(Case.id)), q)
        with self.read() as session:
            return session.execute(statement).scalar_one()

    def _filtered(self, statement, q: CaseQuery):
        conditions = []
        for column, value in ((Case.case_type, q.case_type), (Case.status, q.status),
                              (Case.service, q.service), (Case.channel, q.channel)):
            values = _as_list(value)
            if values:
                conditions.append(column.in_(values))
        if q.stage is not None:
            conditions.append(Case.stage == int(q.stage))
        if q.created_from is not None:
            conditions.append(Case.created_at >= vocabulary.uk_midnight(q.created_from))
        if q.created_to is not None:
            conditions.append(Case.created_at < vocabulary.uk_midnight(q.created_to + timedelta(days=1)))
        if q.due_by is not None:
            conditions += [Case.status.in_(OPEN_STATUSES), Case.next_deadline.isnot(None),
                           Case.next_deadline <= q.due_by]
        if q.due_on is not None:
            conditions += [Case.status.in_(OPEN_STATUSES), Case.next_deadline == q.due_on]
        if q.due_within_working_days is not None:
            today = self.today()
            within = [sa.and_(Case.policy_profile == name, Case.next_deadline <= last)
                      for name, last in self._working_day_cutoffs(
                          today, q.due_within_working_days).items()]
            conditions += [Case.status.in_(OPEN_STATUSES), Case.next_deadline >= today,
                           sa.or_(*within) if within else sa.false()]
        if q.overdue:
            # A deadline counted in hours (an Awaab's Law emergency) is overdue from its time.
            made_safe_late = sa.and_(
                Case.awaab_category == "emergency", Case.next_deadline.isnot(None),
                sa.or_(Case.stage.is_(None), Case.stage != 2),
                Case.deadlines["awaab_make_safe_by"].as_string() < _utc_iso(self.now()))
            conditions += [sa.or_(Case.next_deadline < self.today(), made_safe_late),
                           Case.status.in_(OPEN_STATUSES)]
        if q.open_only:
            conditions.append(Case.status.in_(OPEN_STATUSES))
        if q.assigned_to is not None:
            conditions.append(Case.assigned_to == q.assigned_to)
        teams = _as_list(q.team)
        if teams:
            in_team = Case.team.in_(teams)
            conditions.append(sa.or_(in_team, Case.team.is_(None)) if q.unrouted else in_team)
        if not q.include_anonymised:
            conditions.append(Case.anonymised_at.is_(None))
        if q.search:
            # Words through the full-text index, identifiers exactly: see bot.cases.search.
            conditions.append(search.condition(clean_text(q.search.strip()), self.engine.dialect.name))
        return statement.where(*conditions) if conditions else statement

    def _working_day_cutoffs(self, today: date, days: int) -> dict[str, date]:
        """The Nth working day after today under each policy profile the cases were filed under
        (profiles differ in their bank holidays: Scotland's are not England's)."""
        from bot.workdays import DEFAULT_REGION, add_working_days

        with self.read() as session:
            names = session.execute(select(Case.policy_profile).distinct()).scalars().all()
        cutoffs = {}
        for name in names:
            cutoffs[name] = add_working_days(today, days, self.region_of(name))
        return cutoffs if names else {"": add_working_days(today, days, DEFAULT_REGION)}

    def region_of(self, profile_name: str | None) -> str:
        """The bank-holiday region of a policy profile (England and Wales if it cannot be read)."""
        from bot.workdays import DEFAULT_REGION

        try:
            return getattr(self.profile(profile_name), "region", None) or DEFAULT_REGION
        except Exception:  # noqa: BLE001 - a profile since removed: the default calendar
            return DEFAULT_REGION

    def _order(self, sort: str):
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        if sort == "newest":
            return [Case.created_at.desc(), Case.id.desc()]
        if sort == "oldest":
            return [Case.created_at.asc(), Case.id.asc()]
        no_deadline = sa.case((Case.next_deadline.is_(None), 1), else_=0)
        by_deadline = [no_deadline, Case.next_deadline.asc(), Case.created_at.asc(), Case.id.asc()]
        if sort == "deadline":
            return by_deadline
        closed = sa.case((Case.status.in_(FINAL_STATUSES), 1), else_=0)
        emergency = sa.case((Case.awaab_category == "emergency", 0), else_=1)
        # Open before closed; safeguarding, urgent and Awaab emergencies first; then by the next
        # deadline, so overdue cases come before those due soonest; then the oldest.
        return [closed, Case.safeguarding.desc(), Case.urgent.desc(), emergency, *by_deadline]

    # -- staff and resident actions --

    @contextmanager
    def _acting(self, reference: str, expected_version: int | None = None) -> Iterator[tuple]:
        canonical = references.parse(reference)
        with self.write() as session:
            case = session.execute(select(Case).where(Case.reference == canonical)
                                   .with_for_update()).scalar_one_or_none()
            if case is None:
                raise CaseNotFound(f"no case has the reference {canonical}")
            if expected_version is not None and case.version != expected_version:
                raise ConcurrentChange(f"{canonical} was changed by someone else meanwhile "
                                       f"(version {case.version}, not {expected_version})")
            yield session, case

    def acknowledge(self, reference: str, actor: str, *, note: str | None = None,
                    at: datetime | None = None, expected_version: int | None = None) -> Case:
        """Acknowledge a new case at its stage. For a case flagged "not accepted - pending review"
        this accepts it after all (the landlord's discretion)."""
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "acknowledge", actor=actor)
            before, at = case.status, _aware(at) or self.now()
            details: dict[str, Any] = {}
            if before == NOT_ACCEPTED_PENDING:
                details["accepted_despite_exclusion"] = case.exclusion
            if note:
                details["note"] = clean_text(note)
            case.status = ACKNOWLEDGED
            if case.stage == 2:
                case.stage2_acknowledged_at = at
            else:
                case.acknowledged_at = at
            self._update_deadlines(case, "acknowledged", at)
            self._record(session, case, "acknowledged", actor, details, status_before=before)
        return case

    def extend(self, reference: str, actor: str, reason: str, new_date: date | None = None, *,
               working_days: int | None = None, resident_agreement: str | None = None,
               explanation: str | None = None, expected_version: int | None = None) -> Case:
        """Extend the response deadline of an acknowledged complaint's current stage.

        `reason` is one of the profile's extension reasons (its key), or a reason in words.
        `new_date` None: computed by the policy (`working_days`, default the longest extension
        allowed), which then requires a reason key of the profile. A given date must be later
        than the current deadline, not in the past, and not later than the stage's extended
        response date under the case's policy profile (unchecked if the profile cannot be
        loaded). Past that date only where the profile lets a further extension be agreed with
        the resident (`further_extension_needs_agreement`, seed 004), and then only with
        `resident_agreement`: how and when the resident agreed, kept in the history."""
        if not reason or not reason.strip():
            raise InvalidTransition("an extension needs a reason")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "extend", actor=actor)
            key = "stage2_response_by" if case.stage == 2 else "stage1_response_by"
            previous = case.deadline(key)
            try:
                profile = self.profile(case.policy_profile)
                reason_text = {r.key: r.text for r in profile.extension_reasons(case.stage)
                               }.get(reason)
            except Exception:  # noqa: BLE001 - e.g. a profile since removed: a given date will do
                profile, reason_text = None, None
            if new_date is None:
                if previous is None or profile is None:
                    raise InvalidTransition(f"{case.reference}: the new {key} cannot be computed "
                                            f"from the policy: give the date")
                from bot.policy import PolicyError
                from bot.policy.deadlines import extend as policy_extend

                try:
                    new_date = policy_extend(profile, case.stage, previous, reason, working_days,
                                             service=case.service)
                except PolicyError as error:
                    raise InvalidTransition(str(error)) from None
            new_date = _as_day(new_date)
            if previous is not None and new_date <= previous:
                raise InvalidTransition(f"the new date {new_date} is not after the current one, "
                                        f"{previous}")
            # However many extensions, none may go past the policy's outer limit for the stage
            # (a typed date or a second extension would otherwise pass it unnoticed).
            latest = None
            if profile is not None:
                from bot.policy import deadlines as policy

                try:
                    if case.stage == 2:
                        latest = policy.stage2_deadlines(
                            profile, case.stage2_requested_at, case.stage2_acknowledged_at,
                            service=case.service)["extended_response_by"]
                    else:
                        latest = policy.complaint_deadlines(
                            profile, case.created_at, case.acknowledged_at,
                            service=case.service)["stage1_extended_response_by"]
                except Exception:  # noqa: BLE001 - no limit to check rather than no extension
                    log.exception("case store: the extension limit of %s could not be computed",
                                  case.reference)
            further = latest is not None and new_date > latest
            if further:
                assert profile is not None  # `latest` is the profile's
                agreed = (resident_agreement or "").strip()
                if lifecycle.why_not(case, "further_extension", profile=profile) is not None:
                    raise InvalidTransition(
                        f"the new date {new_date} is later than policy profile "
                        f"{_profile_name(profile)!r} allows for the stage {case.stage or 1} "
                        f"response ({latest}, with the longest extension)")
                if not agreed:
                    raise InvalidTransition(
                        f"the new date {new_date} is later than policy profile "
                        f"{_profile_name(profile)!r} allows for the stage {case.stage or 1} "
                        f"response ({latest}, with the longest extension); a further extension "
                        f"needs the resident's agreement: record how and when they agreed")
            if new_date < self.today():
                raise InvalidTransition(f"the new date {new_date} is in the past")
            case.deadlines = {**(case.deadlines or {}), key: new_date.isoformat()}
            details = {"reason": clean_text(reason), "reason_text": reason_text, "deadline": key,
                       "previous_date": previous.isoformat() if previous else None,
                       "new_date": new_date.isoformat()}
            if explanation and explanation.strip():  # the reason as told to the resident
                details["explanation"] = clean_text(explanation.strip())
            if further:
                details["resident_agreement"] = clean_text(agreed)
            self._record(session, case, "extended", actor, details, status_before=case.status)
        return case

    def record_response(self, reference: str, actor: str, summary: str, *,
                        decision: str | None = None, points: Iterable[Mapping[str, Any]] = (),
                        remedies: Iterable[Mapping[str, Any]] = (), at: datetime | None = None,
                        expected_version: int | None = None) -> Case:
        """Record that the current stage's response was issued (e.g. decision: upheld), with a
        decision per point of the complaint ({"point", "decision"}) and the remedies offered
        ({"kind", "description", "amount"}: see `outcome_details`). It stops the stage's clocks;
        Awaab's Law ones and follow-up actions run on."""
        outcome = outcome_details(decision, points, remedies)
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "record_response", actor=actor)
            before, at = case.status, _aware(at) or self.now()
            case.status = RESPONDED
            if case.stage == 2:
                case.stage2_responded_at = at
            else:
                case.responded_at = at
            self._update_deadlines(case, "responded", at)
            details = {"summary": clean_text(summary or ""), **outcome}
            if at != self.now():  # recorded after the day it went out: the history says both
                details["issued_at"] = _utc_iso(at)
            self._record(session, case, "responded", actor, details, status_before=before)
        return case

    # -- after the response: follow-up actions and the hazard work --

    def add_follow_up(self, reference: str, actor: str, description: str, *,
                      owner: str | None = None, due_date: date | None = None,
                      expected_version: int | None = None) -> FollowUp:
        """An action promised to the resident, with its owner and due date (Code 6.6)."""
        if not description or not description.strip():
            raise InvalidTransition("a follow-up action needs a description")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "add_follow_up", actor=actor)
            item = FollowUp(case_id=case.id, description=clean_text(description.strip()),
                            owner=_username(owner) if owner else None, due_date=due_date,
                            created_at=self.now(), created_by=_actor(actor))
            session.add(item)
            session.flush()
            self._record(session, case, "follow_up_added", actor,
                         {"follow_up": item.id, "text": item.description, "owner": item.owner,
                          "due_date": due_date.isoformat() if due_date else None},
                         status_before=case.status)
            session.expunge(item)
        return item

    def complete_follow_up(self, reference: str, follow_up_id: int, actor: str, *,
                           note: str | None = None, expected_version: int | None = None) -> FollowUp:
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "complete_follow_up", actor=actor)
            item = session.get(FollowUp, follow_up_id)
            if item is None or item.case_id != case.id:
                raise CaseNotFound(f"{case.reference} has no follow-up action {follow_up_id}")
            if item.done_at is not None:
                raise InvalidTransition(f"that follow-up action of {case.reference} is already done")
            item.done_at, item.done_by = self.now(), _actor(actor)
            item.done_note = clean_text(note.strip()) if note and note.strip() else None
            self._record(session, case, "follow_up_done", actor,
                         {"follow_up": item.id, "text": item.description, "note": item.done_note},
                         status_before=case.status)
            session.expunge(item)
        return item

    def follow_ups(self, reference: str) -> list[FollowUp]:
        with self.read() as session:
            case = self.find_by_reference(reference)
            items = list(session.execute(select(FollowUp).where(FollowUp.case_id == case.id)
                                         .order_by(FollowUp.due_date.is_(None), FollowUp.due_date,
                                                   FollowUp.id)).scalars())
            for item in items:
                session.expunge(item)
        return items

    def record_hazard_work_done(self, reference: str, actor: str, note: str | None = None, *,
                                expected_version: int | None = None) -> Case:
        """The Awaab's Law hazard work is done: its clocks stop (they do not stop with the
        complaint's response)."""
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "record_hazard_work_done", actor=actor)
            case.hazard_work_done_at = self.now()
            self._record(session, case, "hazard_work_done", actor,
                         {"note": clean_text(note.strip()) if note and note.strip() else None},
                         status_before=case.status)
        return case

    # -- corrections, the same resident's cases, and re-triage --

    def correct_field(self, reference: str, actor: str, field_name: str, value: Any, reason: str,
                      *, expected_version: int | None = None) -> Case:
        """Correct one field the resident gave (a garbled answer, a mistyped e-mail address),
        with the reason; the old and the new value are kept in the history (`field_corrected`).
        A corrected e-mail, phone or postcode is what letters, forwarding and look-ups use from
        then on. An empty value clears the field (not the description)."""
        if field_name not in CORRECTABLE_FIELDS:
            raise InvalidTransition(f"{field_name!r} is not a field staff may correct")
        if not (reason or "").strip():
            raise InvalidTransition("say why the field is corrected")
        new = corrected_value(field_name, value)
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "correct_field", actor=actor)
            old = getattr(case, field_name)
            if (old in (None, "") and new is None) or old == new:
                raise InvalidTransition("that is what the case already says")
            setattr(case, field_name, new)
            if field_name in ("email", "phone", "postcode"):
                key = getattr(contacts, f"{field_name}_key")
                setattr(case, f"{field_name}_key", key(new))
            self._record(session, case, "field_corrected", actor, {
                "field": field_name, "old": _plain(old), "new": _plain(new),
                "reason": clean_text(reason.strip())}, status_before=case.status)
        return case

    def same_resident(self, reference: str, *, limit: int = 50) -> list[tuple[Case, list[str]]]:
        """Other cases that look like the same resident's, newest first, each with what matched:
        "email" (ignoring case), "phone" (the number, however it was typed) or "postcode and
        name" (the postcode without spaces, and the name ignoring case, spaces and full stops).
        Anonymised cases match nothing."""
        case = self.find_by_reference(reference)
        name = name_key(case.name)
        conditions = []
        if case.email_key:
            conditions.append(Case.email_key == case.email_key)
        if case.phone_key:
            conditions.append(Case.phone_key == case.phone_key)
        if case.postcode_key and name:
            conditions.append(Case.postcode_key == case.postcode_key)
        if not conditions or case.anonymised_at is not None:
            return []
        with self.read() as session:
            candidates = session.execute(
                select(Case).where(Case.id != case.id, Case.anonymised_at.is_(None),
                                   sa.or_(*conditions))
                .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit * 4)).scalars()
            found = []
            for other in candidates:
                why = []
                if case.email_key and other.email_key == case.email_key:
                    why.append("email")
                if case.phone_key and other.phone_key == case.phone_key:
                    why.append("phone")
                if name and case.postcode_key and other.postcode_key == case.postcode_key \
                        and name_key(other.name) == name:
                    why.append("postcode and name")
                if why:
                    found.append((other, why))
            return found[:limit]

    def linked_cases(self, reference: str) -> list[Case]:
        """The cases staff linked to this one (either way round), oldest link first."""
        case = self.find_by_reference(reference)
        with self.read() as session:
            rows = session.execute(select(CaseLink).where(
                sa.or_(CaseLink.case_id == case.id, CaseLink.linked_case_id == case.id))
                .order_by(CaseLink.id)).scalars().all()
            ids = [r.linked_case_id if r.case_id == case.id else r.case_id for r in rows]
            if not ids:
                return []
            cases = {c.id: c for c in session.execute(select(Case).where(Case.id.in_(ids))).scalars()}
            return [cases[i] for i in ids if i in cases]

    def link_cases(self, reference: str, other_reference: str, actor: str, *,
                   reason: str | None = None, expected_version: int | None = None) -> Case:
        """Link two cases as the same resident's: a `cases_linked` entry in both histories."""
        return self._linking(reference, other_reference, actor, reason, expected_version,
                             link=True)

    def unlink_cases(self, reference: str, other_reference: str, actor: str, *,
                     reason: str | None = None, expected_version: int | None = None) -> Case:
        """Undo a link: a `cases_unlinked` entry in both histories."""
        return self._linking(reference, other_reference, actor, reason, expected_version,
                             link=False)

    def _linking(self, reference: str, other_reference: str, actor: str, reason: str | None,
                 expected_version: int | None, *, link: bool) -> Case:
        first, second = references.parse(reference), references.parse(other_reference)
        if first == second:
            raise InvalidTransition(f"{first} cannot be linked to itself")
        name = "link_cases" if link else "unlink_cases"
        with self.write() as session:
            # Both rows locked, in one order, so two people linking the pair wait for each other.
            found = {c.reference: c for c in session.execute(
                select(Case).where(Case.reference.in_((first, second))).order_by(Case.id)
                .with_for_update()).scalars()}
            for ref in (first, second):
                if ref not in found:
                    raise CaseNotFound(f"no case has the reference {ref}")
            case, other = found[first], found[second]
            if expected_version is not None and case.version != expected_version:
                raise ConcurrentChange(f"{first} was changed by someone else meanwhile "
                                       f"(version {case.version}, not {expected_version})")
            for item in (case, other):
                self._check(session, item, name, actor=actor)
            low, high = sorted((case.id, other.id))
            row = session.execute(select(CaseLink).where(
                CaseLink.case_id == low, CaseLink.linked_case_id == high)).scalar_one_or_none()
            if link and row is not None:
                raise InvalidTransition(f"{first} and {second} are already linked")
            if not link and row is None:
                raise InvalidTransition(f"{first} and {second} are not linked")
            if link:
                session.add(CaseLink(case_id=low, linked_case_id=high, created_at=self.now(),
                                     created_by=_actor(actor)))
            else:
                session.delete(row)
            kind = "cases_linked" if link else "cases_unlinked"
            note = clean_text(reason.strip()) if reason and reason.strip() else None
            for item, partner in ((case, other), (other, case)):
                self._record(session, item, kind, actor,
                             {"other_reference": partner.reference, "reason": note},
                             status_before=item.status)
        return case

    def retriage_hazard(self, reference: str, actor: str, category: str | None, reason: str, *,
                        expected_version: int | None = None) -> Case:
        """Raise or lower a case's Awaab's Law hazard category after intake (a coughing child in
        a mouldy room), with the reason. A category starts the profile's Awaab's Law clocks: from
        now when the hazard is first recognised or raised to an emergency, from when it was first
        recognised when an emergency is lowered to significant; none removes them (they stop).
        The history entry (`hazard_retriaged`) keeps both the new and the removed deadlines."""
        if category is not None and category not in AWAAB_CATEGORIES:
            raise InvalidTransition(f"the hazard category is one of {', '.join(AWAAB_CATEGORIES)}"
                                    f" or none, not {category!r}")
        if not (reason or "").strip():
            raise InvalidTransition("say why the hazard is re-triaged")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "retriage_hazard", actor=actor)
            before, now = case.awaab_category, self.now()
            if before == category:
                raise InvalidTransition(
                    f"{case.reference} already has "
                    + (f"the hazard category {category!r}" if category else "no hazard category"))
            new: dict[str, str] = {}
            if category is not None:
                from bot.policy import deadlines as policy

                profile = self.profile(case.policy_profile)   # the table checked Awaab's Law
                start = now
                if before is not None and category != "emergency":
                    start = self._hazard_recognised_at(session, case)
                values = policy.awaab_deadlines(profile, start.astimezone(vocabulary.UK), category)
                new = {f"awaab_{k}": _utc_iso(v) if isinstance(v, datetime)
                       else policy.uk_date(v).isoformat() for k, v in values.items()}
            removed = {k: v for k, v in (case.deadlines or {}).items() if k.startswith("awaab_")}
            case.deadlines = {**{k: v for k, v in (case.deadlines or {}).items()
                                 if not k.startswith("awaab_")}, **new}
            case.awaab_category = category
            if category is not None:
                case.hazard_work_done_at = None   # new clocks run until the work is done
            self._record(session, case, "hazard_retriaged", actor, {
                "from": before, "to": category, "reason": clean_text(reason.strip()),
                "deadlines": new or None, "stopped": removed or None}, status_before=case.status)
        return case

    @staticmethod
    def _hazard_recognised_at(session: Session, case: Case) -> datetime:
        """When the case's current hazard was first recognised: the latest re-triage from no
        category, or its filing."""
        moment = case.created_at
        for at, details in session.execute(
                select(CaseEvent.at, CaseEvent.details).where(
                    CaseEvent.case_id == case.id, CaseEvent.kind == "hazard_retriaged")
                .order_by(CaseEvent.id)):
            if (details or {}).get("from") is None and (details or {}).get("to"):
                moment = at
        return moment

    def escalate(self, reference: str, actor: str, *, reason: str | None = None,
                 expected_version: int | None = None) -> Case:
        """Escalate a complaint to stage 2 (a staff decision, or accepting a late request)."""
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "escalate", actor=actor)
            before = case.status
            moved = self._to_stage2(case)
            self._record(session, case, "escalated", actor,
                         {"reason": clean_text(reason) if reason else None, **moved},
                         status_before=before)
        return case

    def request_stage2(self, reference: str, reasons: str | None = None,
                       within_window: bool | None = None, *, actor: str = "resident",
                       channel: str | None = None, conversation_id: str | None = None) -> Case:
        """The resident asks for stage 2. Reasons are invited, never required. Inside the window
        the complaint moves to stage 2; outside it, it waits for a person to decide
        ("escalation requested - pending review"). `within_window` None: judged from the case's
        `stage2_request_by` deadline, when it has one. Before the stage 1 response has been
        recorded there is no window yet: stage 1 is not skipped, the request waits for a person
        to decide, as a late one does (history detail `before_stage1_response`).

        `channel` and `conversation_id`: where the resident asked (kept in the history entry, so
        staff can read the request in its transcript; the case keeps the filing conversation's
        id); files sent in that conversation and in no case yet join the case, as with
        `add_information`."""
        with self._acting(reference) as (session, case):
            self._check(session, case, "request_stage2", actor=actor)
            before, now = case.status, self.now()
            early = False
            if within_window is None:
                limit = case.deadline("stage2_request_by")
                if limit is not None:
                    within_window = self.today() <= limit
                else:
                    early = case.responded_at is None
                    within_window = not early
            case.stage2_requested_at = now
            moved: dict[str, Any] = {}
            if within_window:
                moved = self._to_stage2(case)
            else:
                case.status = STAGE2_PENDING
                case.closed_at = None
            details: dict[str, Any] = {"reasons": clean_text(reasons) if reasons else None,
                                       "within_window": bool(within_window)}
            if early:
                details["before_stage1_response"] = True
            details.update(self._asked_in(session, case, channel, conversation_id))
            self._record(session, case, "stage2_requested", actor, {**details, **moved},
                         status_before=before)
        return case

    def _asked_in(self, session: Session, case: Case, channel: str | None,
                  conversation_id: str | None) -> dict[str, Any]:
        """History details naming the conversation a resident's request came from (none when
        not known), with how many of its files joined the case."""
        details: dict[str, Any] = {}
        if channel:
            details["channel"] = channel
        if conversation_id:
            details["conversation_id"] = conversation_id
            linked = attachments.link_conversation(session, case, self.now(), conversation_id)
            if linked:
                details["attachments"] = linked
        return details

    def _check(self, session: Session, case: Case, name: str, *, actor: str | None = None,
               assignee: str | None = None) -> None:
        """Refuse what the lifecycle table (bot.cases.lifecycle) does not let happen to the case
        now: its type, stage and status; at stage 2, the stage 1 handlers (Code 6.13); a stage 2
        under a consumer code (NoStage2). The role is the workspace's to check."""
        lifecycle.check(case, name, actor=actor, assignee=assignee,
                        stage1_handlers=lambda: self.stage1_handlers(session, case),
                        profile=lambda: self.profile(case.policy_profile))

    @staticmethod
    def stage1_handlers(session: Session, case: Case) -> set[str]:
        """The staff who considered stage 1 (Code 6.13: stage 2 is someone else's): whoever
        recorded the stage 1 response, and whoever the case was assigned to when stage 1 ended
        (kept in the history entry of the move to stage 2)."""
        handlers = {_username(case.assigned_to)} if case.stage == 1 and case.assigned_to else set()
        for kind, actor, stage, details in session.execute(
                select(CaseEvent.kind, CaseEvent.actor, CaseEvent.stage, CaseEvent.details)
                .where(CaseEvent.case_id == case.id)):
            if kind == "responded" and stage == 1 and actor.startswith("staff:"):
                handlers.add(_username(actor))
            elif kind in ("escalated", "stage2_requested") and (details or {}).get("stage1_assignee"):
                handlers.add(_username(details["stage1_assignee"]))
        return handlers

    def _to_stage2(self, case: Case) -> dict[str, Any]:
        """Move to stage 2; the stage 1 assignee is unassigned (stage 2 is someone else's). The
        details returned go into the history entry."""
        now = self.now()
        details: dict[str, Any] = {}
        if case.assigned_to:
            details["stage1_assignee"] = case.assigned_to
            case.assigned_to = None
        case.stage = 2
        case.status = NEW
        case.closed_at = None
        case.stage2_requested_at = case.stage2_requested_at or now
        self._update_deadlines(case, "stage2", case.stage2_requested_at)
        return details

    def close(self, reference: str, actor: str, *, outcome: str | None = None,
              expected_version: int | None = None) -> Case:
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "close", actor=actor)
            before = case.status
            case.status = CLOSED
            case.closed_at = self.now()
            self._record(session, case, "closed", actor,
                         {"outcome": clean_text(outcome) if outcome else None},
                         status_before=before)
        return case

    def mark_not_accepted(self, reference: str, actor: str, exclusion: str, explanation: str, *,
                          expected_version: int | None = None) -> Case:
        """A person decides that an exclusion applies. The explanation is what the resident is
        told (with their right to take the decision to the Ombudsman)."""
        if not exclusion or not explanation or not explanation.strip():
            raise InvalidTransition("not accepting a complaint needs the exclusion and an explanation")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "mark_not_accepted", actor=actor)
            before = case.status
            case.status = NOT_ACCEPTED
            case.exclusion = exclusion
            case.exclusion_explanation = clean_text(explanation)
            case.closed_at = self.now()
            self._record(session, case, "not_accepted", actor,
                         {"exclusion": exclusion, "explanation": clean_text(explanation)},
                         status_before=before)
        return case

    def record_letter(self, reference: str, actor: str, *, letter: str, subject: str, text: str,
                      method: str, to: str | None, sent_to: str | None = None,
                      expected_version: int | None = None) -> CaseEvent:
        """A letter sent to the resident (by e-mail, or printed for post), with the text sent;
        returns its history entry. Once the director's letter is sent, the director contact is
        no longer due."""
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "record_letter", actor=actor)
            if letter == "director_contact" and "director_contact_by" in (case.deadlines or {}):
                case.deadlines = {k: v for k, v in case.deadlines.items() if k != "director_contact_by"}
            event = self._record(session, case, "letter_sent", actor,
                                 {"letter": letter, "subject": clean_text(subject),
                                  "text": clean_text(text), "method": method, "to": to,
                                  "sent_to": sent_to}, status_before=case.status)
        return event

    def add_note(self, reference: str, text: str, actor: str, *,
                 expected_version: int | None = None) -> Case:
        if not text or not text.strip():
            raise InvalidTransition("a note needs some text")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "add_note", actor=actor)
            self._record(session, case, "note_added", actor, {"text": clean_text(text)},
                         status_before=case.status)
        return case

    def add_information(self, reference: str, text: str, actor: str = "resident", *,
                        submission_key: str | None = None, channel: str | None = None,
                        conversation_id: str | None = None, as_new_case: bool = False
                        ) -> tuple[Case, bool]:
        """More information from the resident about an existing case.

        While the stage 1 response has not been issued (and the case is open), it is merged into
        the case: (the case, True). Afterwards it starts a new case linked to the first, with the
        resident's details copied: (the new case, False). Staff may ask for a new case anyway
        (`as_new_case`, e.g. when merging would unreasonably delay the response, as seed 004's
        policy allows). Idempotent per `submission_key`
        (default: the text), so a retried message is added once.
        """
        if not text or not text.strip():
            raise InvalidTransition("there is no information to add")
        text = clean_text(text)
        key = submission_key or "information:" + hashlib.sha256(
            text.encode("utf-8", "surrogatepass")).hexdigest()

        def work():
            with self._acting(reference) as (session, case):
                self._check(session, case, "add_information", actor=actor)
                merge = (not as_new_case and case.status not in FINAL_STATUSES
                         and case.responded_at is None and case.stage != 2
                         and self._merges_additional(case))
                if merge:
                    seen = session.execute(select(CaseEvent.details).where(
                        CaseEvent.case_id == case.id, CaseEvent.kind == "information_added"))
                    if any((d or {}).get("key") == key for (d,) in seen):
                        return case, True
                    details = {"text": text, "merged": True, "key": key,
                               "channel": channel, "conversation_id": conversation_id}
                    # Evidence sent in the conversation that adds the information joins too.
                    linked = attachments.link_conversation(session, case, self.now(),
                                                           conversation_id) \
                        if conversation_id else 0
                    if linked:
                        details["attachments"] = linked
                    self._record(session, case, "information_added", actor, details,
                                 status_before=case.status)
                    return case, True
                new_case, created = self.file_in_session(
                    session, _follow_up(case, text, channel, conversation_id),
                    case.policy_profile, f"{case.reference}:{key}", actor=actor,
                    related_case=case)
                if created:
                    self._record(session, case, "information_added", actor,
                                 {"text": text, "merged": False, "key": key,
                                  "linked_reference": new_case.reference},
                                 status_before=case.status)
                return new_case, False

        return self._retrying(work)

    def _merges_additional(self, case: Case) -> bool:
        """Whether the case's profile joins more from the resident to an open complaint's stage 1
        (`stage1.merge_additional_complaints`, the Code's rule); other kinds of case always
        take it. A profile that cannot be read falls back to the Code's rule, with a warning."""
        if case.case_type != "complaint":
            return True
        from bot.policy import PolicyError

        try:
            return bool(self.profile(case.policy_profile).stage1.merge_additional_complaints)
        except PolicyError:
            log.warning("case store: profile %r of %s could not be read; more information joins "
                        "it as the Code says", case.policy_profile, case.reference)
            return True

    def record_lessons(self, reference: str, actor: str, what_went_wrong: str, action: str, *,
                       target_date: date | None = None, done_date: date | None = None,
                       expected_version: int | None = None) -> Case:
        """Lessons learned: what went wrong, what will change, when it is due and when done."""
        if not (what_went_wrong or "").strip() or not (action or "").strip():
            raise InvalidTransition("lessons learned need what went wrong and the action")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "record_lessons", actor=actor)
            self._record(session, case, "lessons_learned", actor, {
                "what_went_wrong": clean_text(what_went_wrong), "action": clean_text(action),
                "target_date": _as_day(target_date).isoformat() if target_date else None,
                "done_date": _as_day(done_date).isoformat() if done_date else None,
            }, status_before=case.status)
        return case

    def reassign(self, reference: str, actor: str, assignee: str | None, *,
                 expected_version: int | None = None) -> Case:
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "reassign", actor=actor, assignee=assignee)
            previous = case.assigned_to
            case.assigned_to = assignee or None
            self._record(session, case, "reassigned", actor,
                         {"from": previous, "to": case.assigned_to}, status_before=case.status)
        return case

    def move_to_team(self, reference: str, actor: str, team: str, *, reason: str | None = None,
                     expected_version: int | None = None) -> Case:
        """Move an open case to another team of its policy profile (a staff decision, kept in the
        history with the team it came from); whoever held it is unassigned, for the new team to
        choose. A team the profile does not have: UnknownTeam."""
        from bot.policy.teams import require_team, team_names

        team = (team or "").strip()
        if not team:
            raise UnknownTeam("choose the team to move the case to")
        with self._acting(reference, expected_version) as (session, case):
            self._check(session, case, "move_to_team", actor=actor)
            try:
                profile = self.profile(case.policy_profile)
                require_team(profile, team)
            except Exception as error:  # noqa: BLE001 - PolicyError: no such team, or no profile
                raise UnknownTeam(f"cannot move {case.reference}: {error}") from None
            if case.team == team:
                raise InvalidTransition(f"{case.reference} is already with the team {team!r}")
            previous = case.team
            case.team = team
            details: dict[str, Any] = {"from": previous, "to": team}
            if reason and reason.strip():
                details["reason"] = clean_text(reason.strip())
            if case.assigned_to:
                details["unassigned"], case.assigned_to = case.assigned_to, None
            event = self._record(session, case, "moved_to_team", actor, details,
                                 status_before=case.status)
            if self.forward and previous:
                # The team the case left is told too (its receiver would otherwise never hear).
                session.add(team_notices.left_team(case, event, previous, team_names(profile)))
        return case

    # -- deadlines after filing --

    def _update_deadlines(self, case: Case, moment: str, at: datetime) -> None:
        """Recompute the deadlines that count from a later moment (acknowledgement, the stage 1
        response, a stage 2 request), when the policy module offers it."""
        try:
            profile = self.profile(case.policy_profile)
            values = stage_deadlines(profile, case, moment, at.astimezone(vocabulary.UK))
        except Exception:  # noqa: BLE001 - the action itself must not fail for a date
            log.exception("case store: could not recompute deadlines of %s after %s",
                          case.reference, moment)
            return
        if values:
            case.deadlines = {**(case.deadlines or {}), **_dates_to_iso(values)}


def stage_deadlines(profile: Profile, case: Case, moment: str, at: datetime) -> Mapping[str, Any]:
    """Deadlines that count from a later moment of a complaint, from the policy module:
    "acknowledged" (the response counts from the acknowledgement), "responded" (the window to ask
    for stage 2 opens) and "stage2" (a stage 2 request). Empty for other kinds of case, and for a
    service that follows a consumer code (it has no stage 2)."""
    if case.case_type != "complaint":
        return {}
    from bot.policy import deadlines as policy

    if profile.service(case.service).consumer_code is not None:
        return {}
    if moment == "acknowledged" and case.stage == 2:
        values = policy.stage2_deadlines(profile, case.stage2_requested_at, acknowledged=at,
                                         service=case.service)
        return {f"stage2_{k}": v for k, v in values.items() if k != "acknowledge_by"}
    if moment == "acknowledged":
        values = policy.complaint_deadlines(profile, case.created_at, acknowledged=at,
                                            service=case.service)
        return {k: v for k, v in values.items() if k != "acknowledge_by"}
    if moment == "responded" and case.stage == 1:
        return {"stage2_request_by": policy.stage2_request_by(profile, at, service=case.service)}
    if moment == "stage2":
        values = policy.stage2_deadlines(profile, at, service=case.service)
        return {f"stage2_{k}": v for k, v in values.items()}
    return {}


def outcome_details(decision: str | None, points: Iterable[Mapping[str, Any]],
                    remedies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A response's outcome as kept in the history: the overall decision, a decision per point
    and the remedies (a financial remedy with its amount in pounds, as text with pence)."""
    from decimal import Decimal, InvalidOperation

    if decision is not None and decision not in DECISIONS:
        raise InvalidTransition(f"the decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    kept_points = []
    for point in points:
        text = (point.get("point") or "").strip()
        if not text:
            continue
        if point.get("decision") not in DECISIONS:
            raise InvalidTransition(f"choose a decision for the point {text[:60]!r}")
        kept_points.append({"point": clean_text(text), "decision": point["decision"]})
    kept_remedies = []
    for remedy in remedies:
        kind, text = remedy.get("kind"), (remedy.get("description") or "").strip()
        amount = str(remedy.get("amount") or "").strip().lstrip("£").replace(",", "")
        if not kind and not text and not amount:
            continue
        if kind not in REMEDY_KINDS:
            raise InvalidTransition(f"a remedy is one of {', '.join(REMEDY_KINDS)}, not {kind!r}")
        value = None
        if amount:
            try:
                value = Decimal(amount).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise InvalidTransition(f"the amount {amount!r} is not a sum of money") from None
            if value <= 0:
                raise InvalidTransition("an amount must be more than nothing")
        if kind == "financial" and value is None:
            raise InvalidTransition("a financial remedy needs its amount")
        kept_remedies.append({"kind": kind, "description": clean_text(text),
                              "amount": str(value) if value is not None else None})
    details: dict[str, Any] = {"decision": decision}
    if kept_points:
        details["points"] = kept_points
    if kept_remedies:
        details["remedies"] = kept_remedies
    return details


def extra_filing_deadlines(profile: Profile, submission: CaseSubmission, filed_at: datetime
                           ) -> dict[str, Any]:
    """Deadlines beyond the policy's case deadlines that some cases carry: the reply to a
    complaint that may not be accepted, and Awaab's Law for a flagged hazard."""
    from bot.policy import deadlines as policy

    result: dict[str, Any] = {}
    if submission.exclusion and submission.case_type == "complaint":
        result["not_accepted_reply_by"] = policy.not_accepted_reply_by(profile, filed_at)
    if submission.case_type == "complaint" and profile.has_stage2(submission.service):
        # A director contacts the resident if stage 1 is still unanswered by then (seed 002).
        director = policy.director_contact_by(profile, filed_at)
        if director is not None:
            result["director_contact_by"] = director
    if submission.awaab_category and profile.awaabs_law_applies(submission.service):
        values = policy.awaab_deadlines(profile, filed_at, submission.awaab_category)
        for key, value in values.items():
            # Counted in hours (an emergency: made safe within 24 hours): the time itself, in
            # UTC, so it is overdue from that hour; counted in working days: the UK date.
            result[f"awaab_{key}"] = _utc_iso(value) if isinstance(value, datetime) \
                else policy.uk_date(value)
    return result


def _utc_iso(moment: datetime) -> str:
    """An aware time as stored in `deadlines`: ISO 8601 in UTC, to the second (these sort and
    compare as text)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# --- corrections -------------------------------------------------------------------------------

# What a resident gave, which staff may correct (bot.cases.lifecycle: `correct_field`).
CORRECTABLE_FIELDS = (
    "description", "event_date_text", "event_date", "affected", "desired_outcome", "location",
    "access_availability", "evidence", "frequency", "name", "address", "postcode", "email",
    "phone", "preferred_contact", "preferred_format", "reasonable_adjustments",
    "representative_name", "representative_relationship",
)


def corrected_value(field_name: str, value: Any) -> Any:
    """A corrected value as the case keeps it (None: cleared), or InvalidTransition saying why
    it cannot be: an e-mail address, phone number or UK postcode that is not one, a contact
    method not on the list, a date in the wrong form, no description."""
    from bot.cases.submission import MAX_TEXT

    if field_name == "event_date":
        if value in (None, ""):
            return None
        try:
            return _as_day(value)
        except ValueError:
            raise InvalidTransition(f"{value!r} is not a date") from None
    text = clean_text(str(value or "")).strip()
    if len(text) > MAX_TEXT:
        raise InvalidTransition(f"at most {MAX_TEXT:,} characters, please")
    if not text:
        if field_name == "description":
            raise InvalidTransition("a case needs its description: correct it rather than empty it")
        return None
    if field_name == "email" and contacts.email_key(text) is None:
        raise InvalidTransition(f"{text!r} is not an e-mail address")
    if field_name == "phone" and contacts.phone_key(text) is None:
        raise InvalidTransition(f"{text!r} is not a phone number")
    if field_name == "postcode":
        if contacts.postcode_key(text) is None:
            raise InvalidTransition(f"{text!r} is not a UK postcode")
        text = " ".join(text.upper().split())
    if field_name == "preferred_contact" and text not in CONTACT_METHODS:
        raise InvalidTransition(f"the preferred contact is one of {', '.join(CONTACT_METHODS)}")
    return text


def name_key(name: str | None) -> str | None:
    """A name for matching: ignoring case, spaces and full stops ("Mrs. A  Jones" = "mrs a jones")."""
    if not name:
        return None
    key = " ".join(name.replace(".", " ").casefold().split())
    return key or None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- helpers -----------------------------------------------------------------------------------

def _is_transient(error: OperationalError) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    code = getattr(getattr(error, "orig", None), "pgcode", None)
    return (code in ("40001", "40P01", "57P01", "57P02", "57P03")
            or "database is locked" in text or "deadlock" in text
            or "server closed the connection" in text or "connection refused" in text
            or "terminating connection" in text or "could not connect" in text
            or getattr(error, "connection_invalidated", False))


def _by_idempotency_key(session: Session, key: str) -> Case | None:
    return session.execute(select(Case).where(Case.idempotency_key == key)).scalar_one_or_none()


def _submission(value: CaseSubmission | Mapping[str, Any]) -> CaseSubmission:
    if isinstance(value, CaseSubmission):
        return value
    return CaseSubmission(**dict(value))


def _routed_team(profile: Profile, submission: CaseSubmission) -> str | None:
    """The team the profile's routing rules give a new case (None: the profile has no teams)."""
    from bot.policy.teams import team_for

    try:
        return team_for(profile, submission.case_type, submission.service)
    except Exception:  # noqa: BLE001 - a case is never lost for want of a team: not routed
        log.exception("case store: no team could be chosen; filing it not routed")
        return None


def _profile_name(profile: Profile | str) -> str:
    name = getattr(profile, "name", None) or (profile if isinstance(profile, str) else None)
    if not name:
        raise ValueError(f"not a policy profile: {profile!r}")
    return str(name)


def exclusion_explanation(profile: Profile, key: str, service: str = "housing") -> str | None:
    """The profile's resident-facing explanation of an exclusion (None if it has no such key)."""
    exclusions = getattr(profile, "exclusions", None) or {}
    entry = exclusions.get(key) if isinstance(exclusions, Mapping) else None
    text = getattr(entry, "explanation", None) or (entry if isinstance(entry, str) else None)
    if text and hasattr(profile, "limit_from_sale"):  # a policy profile: its own wording rules
        from bot.policy import PolicyError, wording

        try:
            return wording.exclusion_explanation(profile, key, service)
        except PolicyError:
            return text
    if text and hasattr(profile, "fill"):
        try:
            return profile.fill(text, service)
        except Exception:  # noqa: BLE001 - the raw text is better than nothing
            return text
    return text


def _username(who: str) -> str:
    """A member of staff as assignments name them ("amy"), from an actor ("staff:amy") too."""
    return who.removeprefix("staff:")


def _actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError("every action needs an actor (who did it)")
    return clean_text(actor)


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError("give times with a timezone")
    return at.astimezone(timezone.utc)


def _as_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _json_safe(details: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(details), default=str, ensure_ascii=False))


def _follow_up(case: Case, text: str, channel: str | None,
               conversation_id: str | None) -> CaseSubmission:
    """A new case for information that arrived after the stage 1 response: the same resident."""
    copied = {name: getattr(case, name) for name in (
        "name", "address", "postcode", "email", "phone", "preferred_contact", "preferred_format",
        "reasonable_adjustments", "representative_name", "representative_relationship",
        "representative_consent", "anonymous", "urgent", "safeguarding")}
    return CaseSubmission(case_type=case.case_type, service=case.service,
                          channel=channel or case.channel,
                          conversation_id=conversation_id or case.conversation_id or case.reference,
                          description=text, extra={"follows_up": case.reference}, **copied)
