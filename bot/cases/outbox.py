"""Forwarding to the landlord's own system, through the outbox.

Each change to a case writes an outbox message in the same transaction (see `CaseStore._record`),
so a change is never forwarded without being stored, nor stored without being forwarded. The
delivery worker POSTs each message as JSON:

    POST INTAKE_FORWARD_URL
    Content-Type: application/json; charset=utf-8
    X-Intake-Event-Id: 6f1c...            the receiver's key for ignoring a repeat
    X-Intake-Event: case.filed
    X-Intake-Delivery-Attempt: 1
    X-Intake-Signature: sha256=<hex HMAC-SHA256 of the exact body, keyed with INTAKE_FORWARD_SECRET>

A 2xx answer marks the message delivered. Anything else (connection refused, timeout, 500, 4xx)
leaves it waiting, to be tried again after an exponential back-off (10 s, 20 s, 40 s ... at most an
hour), for as long as it takes: nothing is ever dropped. Delivery is at least once (a receiver
that times out after storing a message gets it again), so receivers deduplicate by event id.
Messages of one case are delivered in order: a later one waits while an earlier one is failing.
Several workers may run at once; each claims a message with a short lease before sending it.

Per team: a team of the policy profile may have an address of its own,
INTAKE_FORWARD_URL_<TEAM> (signed with INTAKE_FORWARD_SECRET_<TEAM>, else INTAKE_FORWARD_SECRET).
Each message goes to the address of the team its case has when it is delivered (cases.team, see
bot.policy.teams); a case of any other team, or of none, goes to INTAKE_FORWARD_URL. A case moved
to another team is forwarded to the new team from then on, the move itself included, and the team
it left gets a `case.left_team` notice naming the new team (bot.cases.team_notices): a message
addressed to a team (outbox.team) goes to that team's address whatever the case's team. Order is
kept per case and address, so one team's receiver being down holds up no other team's.

Residents' files: each message lists the case's files (bot.cases.forwarded_files). With
INTAKE_PUBLIC_URL set, the forwarder adds to each a signed link that fetches it until it expires
(INTAKE_FILE_LINK_SECRET, INTAKE_FILE_LINK_DAYS), made as the message is sent (and signed with
the rest of the body), so every attempt carries links that are fresh and no stored message
holds one.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy import select

from bot.cases.models import Case, OutboxMessage
from bot.ops import metrics

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Intake-Signature"
EVENT_ID_HEADER = "X-Intake-Event-Id"
EVENT_HEADER = "X-Intake-Event"
ATTEMPT_HEADER = "X-Intake-Delivery-Attempt"
BASE_DELAY = timedelta(seconds=10)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=2)
TIMEOUT = (5.0, 15.0)  # connect, read (seconds)


class ForwardingNotConfigured(RuntimeError):
    pass


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for `body`: `sha256=<hex>`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """For receivers (and tests): does the signature header match the body?"""
    if not header:
        return False
    return hmac.compare_digest(sign(body, secret), header)


def backoff(attempts: int, jitter: float = 0.2) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, ...)."""
    delay = min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    if jitter:
        delay *= 1 + random.uniform(-jitter, jitter)
    return delay


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)     # event ids
    failed: dict[str, str] = field(default_factory=dict)   # event id -> error
    deferred: int = 0                                     # waiting behind an earlier message

    @property
    def attempted(self) -> int:
        return len(self.delivered) + len(self.failed)


class Forwarder:
    """Delivers due outbox messages of a CaseStore to one URL, or per team to the team's own
    (`teams`: team key -> (URL, secret)) and to `url` for the rest."""

    def __init__(self, store, url: str, secret: str, *, http=None, timeout=TIMEOUT,
                 jitter: float = 0.2, teams: Mapping[str, tuple[str, str]] | None = None,
                 links=None) -> None:
        """`links`: a bot.evidence.links.FileLinks (with its base URL) that gives each forwarded
        file a download link; None: files are forwarded without links."""
        if not url:
            raise ForwardingNotConfigured("INTAKE_FORWARD_URL is not set: there is nowhere to "
                                          "forward cases to")
        if not secret:
            raise ForwardingNotConfigured("INTAKE_FORWARD_SECRET is not set: forwarded cases "
                                          "must be signed")
        for team, (team_url, team_secret) in (teams or {}).items():
            suffix = team.upper()
            if not team_url:
                raise ForwardingNotConfigured(f"INTAKE_FORWARD_URL_{suffix} is empty")
            if not team_secret:
                raise ForwardingNotConfigured(
                    f"INTAKE_FORWARD_SECRET_{suffix} (or INTAKE_FORWARD_SECRET) is not set: "
                    f"forwarded cases must be signed")
        import requests

        self.store, self.url, self.secret = store, url, secret
        self.teams = dict(teams or {})
        self.http = http or requests.Session()
        self.timeout = timeout
        self.jitter = jitter
        self.links = links

    @classmethod
    def from_settings(cls, store, **kwargs) -> "Forwarder":
        from bot import settings

        teams = settings.team_forwarding()
        if teams and "teams" not in kwargs:
            _check_teams(teams)
        kwargs.setdefault("teams", teams)
        if "links" not in kwargs:
            from bot.evidence.links import LinksNotConfigured, links_from_settings

            try:
                kwargs["links"] = links_from_settings()
            except LinksNotConfigured as error:
                raise ForwardingNotConfigured(str(error)) from None
        return cls(store, settings.get("INTAKE_FORWARD_URL"), settings.get("INTAKE_FORWARD_SECRET"),
                   **kwargs)

    def address(self, team: str | None) -> tuple[str, str]:
        """(URL, secret) that a message of a case of `team` is sent to and signed with."""
        return self.teams.get(team or "", (self.url, self.secret))

    def deliver_due(self, limit: int = 100) -> DeliveryReport:
        """Try each message that is due, oldest first, once. Returns what happened."""
        report = DeliveryReport()
        now = self.store.now()
        with self.store.read() as session:
            rows = session.execute(
                select(OutboxMessage.id, OutboxMessage.case_id, OutboxMessage.next_attempt_at,
                       OutboxMessage.locked_until, Case.team,
                       OutboxMessage.team.label("addressed"))
                .join(Case, Case.id == OutboxMessage.case_id, isouter=True)
                .where(OutboxMessage.delivered_at.is_(None))
                .order_by(OutboxMessage.id).limit(limit * 5)).all()
        # Kept in order per case and address: a team's notice of a case that left it neither
        # waits for, nor holds up, the messages going to the case's new team.
        blocked: set[tuple[int, str]] = set()
        for row in rows:
            if report.attempted >= limit:
                break
            team = row.addressed or row.team
            lane = (row.case_id, self.address(team)[0]) if row.case_id is not None else None
            due = row.next_attempt_at <= now and (row.locked_until is None
                                                  or row.locked_until <= now)
            if lane in blocked or not due:
                # Keep each case's messages in order: nothing overtakes a waiting message.
                if lane is not None:
                    blocked.add(lane)
                report.deferred += 1
                continue
            message = self._claim(row.id, now)
            if message is None:  # another worker got it first
                if lane is not None:
                    blocked.add(lane)
                continue
            error = self._send(message, team)
            self._settle(message, error)
            if error is None:
                report.delivered.append(message.event_id)
            else:
                report.failed[message.event_id] = error
                if lane is not None:
                    blocked.add(lane)
        return report

    def _claim(self, message_id: int, now: datetime) -> OutboxMessage | None:
        with self.store.write() as session:
            claimed = session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.delivered_at.is_(None),
                       sa.or_(OutboxMessage.locked_until.is_(None),
                              OutboxMessage.locked_until <= now))
                .values(locked_until=now + LEASE, attempts=OutboxMessage.attempts + 1,
                        last_attempt_at=now)
                .execution_options(synchronize_session=False)).rowcount
            if claimed != 1:
                return None
            return session.execute(select(OutboxMessage).where(
                OutboxMessage.id == message_id)).scalar_one()

    def _send(self, message: OutboxMessage, team: str | None = None) -> str | None:
        """None when the receiver took it, else what went wrong (one line)."""
        import requests

        url, secret = self.address(team)
        payload = message.payload
        if self.links is not None:
            from bot.cases.forwarded_files import with_links

            try:
                payload = with_links(self.store, payload, message.case_id, self.links)
            except Exception as error:  # noqa: BLE001 - a database hiccup: tried again later
                return f"file links not made: {type(error).__name__}: {str(error)[:300]}"
        body = payload.encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            EVENT_ID_HEADER: message.event_id,
            EVENT_HEADER: message.kind,
            ATTEMPT_HEADER: str(message.attempts),
            SIGNATURE_HEADER: sign(body, secret),
            "User-Agent": "intake-case-forwarder/1",
        }
        try:
            response = self.http.post(url, data=body, headers=headers, timeout=self.timeout,
                                      allow_redirects=False)
        except requests.RequestException as error:
            return f"{type(error).__name__}: {str(error)[:300]}"
        if 200 <= response.status_code < 300:
            return None
        excerpt = " ".join((response.text or "")[:200].split())
        return f"HTTP {response.status_code}" + (f": {excerpt}" if excerpt else "")

    def _settle(self, message: OutboxMessage, error: str | None) -> None:
        now = self.store.now()
        values: dict = {"locked_until": None}
        metrics.DELIVERIES.labels("delivered" if error is None else "failed").inc()
        if error is None:
            values.update(delivered_at=now, last_error=None)
            log.info("outbox: delivered %s (%s) after %d attempt(s)", message.event_id,
                     message.kind, message.attempts)
        else:
            wait = backoff(message.attempts, self.jitter)
            values.update(last_error=error, next_attempt_at=now + wait)
            log.warning("outbox: %s (%s) not delivered, attempt %d: %s; next try in %.0f s",
                        message.event_id, message.kind, message.attempts, error,
                        wait.total_seconds())
        with self.store.write() as session:
            session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id)
                            .values(**values).execution_options(synchronize_session=False))


def _check_teams(teams: Mapping[str, tuple[str, str]]) -> None:
    problems = team_forwarding_problems(teams)
    if problems:
        raise ForwardingNotConfigured(problems[0])


def team_forwarding_problems(teams: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
    """Each INTAKE_FORWARD_URL_<TEAM> names a team of the active policy profile (a misspelt
    one would silently send that team's cases to INTAKE_FORWARD_URL), and comes with the
    default address and a secret to sign with. For the forwarder and `python -m bot check`."""
    from bot import settings
    from bot.policy import active_profile
    from bot.policy.teams import team_names

    teams = settings.team_forwarding() if teams is None else teams
    if not teams:
        return []
    known = team_names(active_profile())
    problems = []
    for team, (_url, secret) in teams.items():
        suffix = team.upper()
        if team not in known:
            listed = ", ".join(known) or "none"
            problems.append(f"INTAKE_FORWARD_URL_{suffix}: the policy profile has no team "
                            f"{team!r} (its teams: {listed})")
        elif not secret:
            problems.append(f"INTAKE_FORWARD_SECRET_{suffix} (or INTAKE_FORWARD_SECRET) is not "
                            f"set: forwarded cases must be signed")
    if not settings.get("INTAKE_FORWARD_URL"):
        problems.append("INTAKE_FORWARD_URL is not set: a team's own address needs the default "
                        "one for the other teams")
    return problems


@dataclass
class Waiting:
    id: int
    event_id: str
    kind: str
    reference: str | None
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None


def waiting(store, *, include_delivered: bool = False, limit: int | None = None) -> list[Waiting]:
    """The outbox's messages that wait to be delivered (oldest first)."""
    statement = (select(OutboxMessage, Case.reference)
                 .join(Case, Case.id == OutboxMessage.case_id, isouter=True)
                 .order_by(OutboxMessage.id))
    if not include_delivered:
        statement = statement.where(OutboxMessage.delivered_at.is_(None))
    if limit is not None:
        statement = statement.limit(limit)
    with store.read() as session:
        return [Waiting(m.id, m.event_id, m.kind, reference, m.created_at, m.attempts,
                        m.next_attempt_at, m.last_error, m.delivered_at)
                for m, reference in session.execute(statement)]


def counts(store) -> dict[str, int]:
    with store.read() as session:
        pending = session.execute(select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.delivered_at.is_(None))).scalar_one()
        delivered = session.execute(select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.delivered_at.is_not(None))).scalar_one()
    return {"waiting": pending, "delivered": delivered}


def backlog(store) -> tuple[int, float]:
    """(messages not yet delivered, age in seconds of the oldest of them; 0 when none)."""
    with store.read() as session:
        waiting, oldest = session.execute(
            select(sa.func.count(OutboxMessage.id), sa.func.min(OutboxMessage.created_at))
            .where(OutboxMessage.delivered_at.is_(None))).one()
    if not waiting or oldest is None:
        return 0, 0.0
    if oldest.tzinfo is None:
        from datetime import timezone

        oldest = oldest.replace(tzinfo=timezone.utc)
    return int(waiting), max(0.0, (store.now() - oldest).total_seconds())


def run_worker(forwarder: Forwarder, *, interval: float = 5.0, stop: Callable[[], bool] = lambda: False,
               sleep: Callable[[float], None] | None = None, on_report=None) -> None:
    """Deliver until `stop()` says so: straight on while there is work, else every `interval` s."""
    import time

    sleep = sleep or time.sleep
    while not stop():
        try:
            report = forwarder.deliver_due()
        except Exception:  # noqa: BLE001 - a database hiccup must not end the worker
            log.exception("outbox: delivery round failed; trying again in %.0f s", interval)
            metrics.DELIVERY_ROUNDS_FAILED.inc()
            sleep(interval)
            continue
        metrics.LAST_ROUND.set_to_current_time()
        if on_report is not None:
            on_report(report)
        if not report.delivered:
            sleep(interval)
