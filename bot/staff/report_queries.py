"""The database side of the reports: what `bot.staff.reports` and `bot.staff.governance` count,
fetched without loading every case of the period.

* The counts of cases received (by type, service, channel and month) are one GROUP BY in the
  database: a case's received date is the UK date of `created_at`, so "received in the period"
  and "received in that month" are ranges between UK midnights, which work the same on SQLite and
  PostgreSQL (no time-zone functions).
* Timeliness, the TSMs and upheld rates need working-day deadlines under each case's policy
  profile, which SQL cannot count: for those the reports page reads only the complaints received,
  reaching stage 2 or answered in the period, and only what those figures read of them
  (`complaint_facts`: one query, the complaints joined to their extensions and responses). Each
  moment comes as its UTC hour and is turned into its UK date once per hour (`_UKDays`: parsing
  and converting 200,000 datetimes was a large part of the page's time); a response's decision
  is taken out of its JSON by the database.
* The lessons-learned register reads only the cases with a lessons-learned entry recorded in the
  period, with those entries (`lesson_facts`, one query).
* The self-assessment reads the complaints with anything in its year (and the cases with
  lessons learned in it) with every history entry its figures read (`assessment_facts`, one
  query, the same UK dates per hour, each distinct details text decoded once).

All of them give exactly the figures the pure functions give on every case in the store: the
cases left out are ones those functions skip, the facts left out ones they do not read
(`tests/staff/test_reports_at_scale.py` checks this on SQLite and PostgreSQL).
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from itertools import chain, groupby
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.cases.models import Case, CaseEvent
from bot.cases.types import UTCDateTime
from bot.staff import reports
from bot.staff.reports import CaseFacts, HistoryFact, Period
from bot.vocabulary import uk_midnight

BATCH = 500   # ids per IN list: under SQLite's old limit of 999 parameters


# --- counts of cases received, in the database -----------------------------------------------------

def received_counts(db: Session, period: Period, *, by_month: bool = True) -> Counter:
    """Cases received in the period, counted by (case_type, service, channel, month index): the
    month index is the place of the month in `period.months()` (0 for all of them when not
    `by_month`: the month of each case costs a test per month on every row)."""
    months = period.months() if by_month else [(period.start.year, period.start.month)]
    starts = [uk_midnight(max(period.start, date(y, m, 1))) for y, m in months]
    end = uk_midnight(period.end + timedelta(days=1))
    # The month of each case: the last month that starts at or before it. A period within one
    # month is not grouped by it (PostgreSQL takes GROUP BY 0 for a column's place).
    by = [Case.case_type, Case.service, Case.channel]
    if len(starts) > 1:
        month = sa.case(*((Case.created_at < start, index - 1)
                          for index, start in enumerate(starts) if index),
                        else_=len(starts) - 1).label("month")
        by.append(month)
    else:
        month = sa.literal(0).label("month")
    statement = (sa.select(Case.case_type, Case.service, Case.channel, month, sa.func.count())
                 .where(Case.created_at >= starts[0], Case.created_at < end)
                 .group_by(*by))
    return Counter({(t, s, c, int(m)): n for t, s, c, m, n in db.execute(statement)})


def counts_by(counts: Counter, attribute: str, keys=()) -> dict[str, int]:
    """`reports.counts_by` from `received_counts`."""
    position = {"case_type": 0, "service": 1, "channel": 2}[attribute]
    totals: Counter = Counter()
    for key, n in counts.items():
        totals[key[position] or ""] += n
    return reports.ordered_counts(totals, keys)


def monthly_volumes(counts: Counter, period: Period, types=reports.CASE_TYPES) -> list[dict]:
    """`reports.monthly_volumes` from `received_counts`."""
    rows = [{t: 0 for t in types} for _ in period.months()]
    for (case_type, _service, _channel, month), n in sorted(counts.items()):
        rows[month][case_type] = rows[month].get(case_type, 0) + n
    rows = [{"year": year, "month": month, "label": reports.month_label(year, month),
             "counts": row, "total": sum(row.values())}
            for (year, month), row in zip(period.months(), rows)]
    return rows


# --- the facts of the cases the timeliness and governance figures read ----------------------------

def _window(period: Period):
    """Cases with anything in the period: received, reached stage 2 or answered in it, or with a
    lessons-learned entry, a refusal or an acknowledgement recorded in it. The margin of a day
    or two either side covers UK time; the figures then count by UK date."""
    start = uk_midnight(period.start - timedelta(days=1))
    end = uk_midnight(period.end + timedelta(days=2))
    within = [sa.and_(column >= start, column < end) for column in (
        Case.created_at, Case.stage2_requested_at, Case.responded_at, Case.stage2_responded_at)]
    recorded = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind.in_(("lessons_learned", "not_accepted", "acknowledged")),
        CaseEvent.at >= start, CaseEvent.at < end)
    lessons = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind == "lessons_learned", CaseEvent.at >= start, CaseEvent.at < end)
    return sa.or_(*within, Case.id.in_(recorded)), Case.id.in_(lessons)


def assessment_facts(db: Session, period: Period, *, complaints_only: bool = True
                     ) -> list[CaseFacts]:
    """The facts of the cases with anything in the period, as `CaseFacts.from_case` gives them
    with `uk_day` (the self-assessment's: every history entry it reads, with its details; an
    acknowledgement only when it accepted the complaint despite an exclusion, the one thing read
    of them).
    `complaints_only`: the complaints, and other cases only when they have a lessons-learned
    entry in the period (the only figure that reads cases of other types); otherwise every case
    in the window.

    Two queries of Core rows, the cases and their history entries (in the order recorded; a
    query each: the case's columns repeated on each entry's row cost more to fetch than the
    join saves), the moments as UTC hours turned into UK dates once per hour (`_UKDays`), the
    details as JSON text decoded once per distinct text (most entries share a few)."""
    connection = db.connection()
    dialect = connection.dialect.name
    days = _UKDays(connection.dialect)
    anything, lessons = _window(period)
    # The type first: most cases of a large landlord are not complaints, and the window's
    # test of four moments and a list of entries costs more than it (0.17 s to 0.08 s at 100,000).
    where = sa.and_(sa.or_(Case.case_type == "complaint", lessons), anything) \
        if complaints_only else anything
    entry = sa.select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.stage, CaseEvent.actor,
                      CaseEvent.status_before, _hour(CaseEvent.at, dialect),
                      sa.cast(CaseEvent.details, sa.Text)) \
        .where(CaseEvent.kind.in_(reports.HISTORY_KINDS), sa.or_(
            CaseEvent.kind != "acknowledged",   # nearly every complaint has one; read when it matters
            CaseEvent.details["accepted_despite_exclusion"].as_string().is_not(None))) \
        .order_by(CaseEvent.id)
    cases = connection.execute(
        sa.select(Case.id, Case.reference, Case.case_type, Case.service, Case.channel,
                  Case.status, Case.stage, Case.policy_profile, Case.reasonable_adjustments,
                  Case.representative_name, Case.representative_relationship,
                  *(_hour(getattr(Case, name), dialect) for name in MOMENTS))
        .where(where).order_by(Case.id)).all()
    ids = [row[0] for row in cases]
    entries = chain.from_iterable(   # by the ids found: the window again would cost more
        connection.execute(entry.where(CaseEvent.case_id.in_(ids[i:i + BATCH]))).all()
        for i in range(0, len(ids), BATCH))
    decoded: dict[Any, dict] = {None: {}}   # facts are read, never changed: shared
    history: dict[int, list[HistoryFact]] = {}
    extensions: dict[int, list[reports.Extension]] = {}
    for case_id, kind, stage, actor, status_before, hour, text in entries:
        details = decoded.get(text)
        if details is None:
            details = decoded[text] = json.loads(text) or {}
        history.setdefault(case_id, []).append(HistoryFact(
            kind=kind, at=reports.counted_at(details.get("issued_at"), days[hour], reports.uk_day),
            stage=stage, actor=actor or "", status_before=status_before,
            details=details))
        if kind == "extended":
            extension = reports.extension_of(SimpleNamespace(stage=stage, details=details))
            if extension is not None:
                extensions.setdefault(case_id, []).append(extension)
    return [CaseFacts(
        reference=reference, case_type=case_type, received_at=days[received], service=service,
        channel=channel, status=status, stage=stage, policy_profile=profile,
        acknowledged_at=days[acknowledged], responded_at=days[responded],
        stage2_requested_at=days[requested2], stage2_acknowledged_at=days[acknowledged2],
        stage2_responded_at=days[responded2], closed_at=days[closed],
        extensions=tuple(extensions.get(case_id, ())),
        reasonable_adjustments=reports.has_adjustments(adjustments),
        representative=reports.has_representative(represented, relationship),
        history=tuple(history.get(case_id, ())))
        for (case_id, reference, case_type, service, channel, status, stage, profile,
             adjustments, represented, relationship, received, acknowledged, responded,
             requested2, acknowledged2, responded2, closed) in cases]


# --- the facts the reports page reads: a few columns, UK dates -------------------------------------

# The moments of a case the reports page reads, in the order `complaint_facts` reads them.
MOMENTS = ("created_at", "acknowledged_at", "responded_at", "stage2_requested_at",
           "stage2_acknowledged_at", "stage2_responded_at", "closed_at")
# A moment as `UTCDateTime` keeps it on SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff', UTC.
_SQLITE_MOMENT = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*"


def _hour(column, dialect: str):
    """A moment's UTC hour, what its UK date depends on (the UK's clocks change on the hour,
    UTC): on SQLite its text as `UTCDateTime` keeps it cut to 'YYYY-MM-DD HH' (text in another
    form is given whole); on PostgreSQL the hours since 1970. Another database gives the
    datetime itself."""
    if dialect == "sqlite":
        text = sa.type_coerce(column, sa.String)
        return sa.case((text.op("GLOB")(_SQLITE_MOMENT), sa.func.substr(text, 1, 13)),
                       else_=text)
    if dialect == "postgresql":   # (a double: exact to the microsecond until about 2100)
        return sa.cast(sa.func.floor(sa.func.date_part("epoch", column) / 3600), sa.Integer)
    return column


class _UKDays(dict):
    """UK dates of the moments read by `_hour`, `days[hour]`: each hour worked out once, by
    `uk_date` as for the datetime (parsing and converting 200,000 datetimes one by one was a
    large part of the reports page's time); anything else read as the column's type reads it."""

    def __init__(self, dialect) -> None:
        super().__init__({None: None})
        self.read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)

    def __missing__(self, value: Any) -> date:
        if isinstance(value, int):
            moment = datetime.fromtimestamp(value * 3600, timezone.utc)
        elif isinstance(value, str) and len(value) == 13 and value[10] == " ":
            moment = datetime(int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]),
                              tzinfo=timezone.utc)
        else:
            moment = self.read(value) if isinstance(value, str) else value
        day = self[value] = reports.uk_day(moment)
        return day


def _margins(period: Period) -> tuple[datetime, datetime]:
    """The period from the UK midnight a day before it to the one two days after it: the margin
    covers UK time; the figures then count by UK date."""
    return uk_midnight(period.start - timedelta(days=1)), uk_midnight(period.end + timedelta(days=2))


def _complaints_in(period: Period):
    """Complaints received, reaching stage 2 or answered (either stage) in the period: the only
    cases timeliness, the TSMs and the upheld rates count."""
    start, end = _margins(period)
    return sa.and_(Case.case_type == "complaint", sa.or_(*(
        sa.and_(column >= start, column < end) for column in (
            Case.created_at, Case.stage2_requested_at, Case.responded_at,
            Case.stage2_responded_at))))


def complaint_facts(db: Session, period: Period) -> list[CaseFacts]:
    """The facts timeliness (`reports.timeliness`), the TSMs (`reports.tsm`) and the upheld rates
    (`governance.upheld_rates`) read, of the complaints they count: the moments as UK dates, the
    extensions, and the responses as history with the details the upheld rates read (the
    decision). Not for other figures: the reasonable adjustments, the representative and the
    rest of the history are left out.

    One query: each complaint with its extensions and responses (a row each, in the order
    recorded), a few short columns."""
    connection = db.connection()   # Core rows: the ORM's handling of each row is not needed
    dialect = connection.dialect.name
    days = _UKDays(connection.dialect)
    rows = connection.execute(   # all at once: fetching a row at a time is slower
        sa.select(Case.id, Case.reference, Case.service, Case.channel, Case.status, Case.stage,
                  Case.policy_profile, *(_hour(getattr(Case, name), dialect) for name in MOMENTS),
                  CaseEvent.kind, CaseEvent.stage, _hour(CaseEvent.at, dialect),
                  CaseEvent.details["decision"].as_string(),
                  CaseEvent.details["issued_at"].as_string(),
                  # As text: decoding JSON (here, only an extension's) row by row costs.
                  sa.case((CaseEvent.kind == "extended",
                           sa.type_coerce(CaseEvent.details, sa.Text))))
        .select_from(Case)
        .outerjoin(CaseEvent, sa.and_(CaseEvent.case_id == Case.id,
                                      CaseEvent.kind.in_(("extended", "responded"))))
        .where(_complaints_in(period))
        .order_by(Case.id, CaseEvent.id)).all()
    # Responses on the same day, at the same stage, with the same decision are one fact, shared.
    responses: dict[tuple, HistoryFact] = {}
    facts = []
    for _case_id, group in groupby(rows, key=itemgetter(0)):
        rows_of_case = list(group)   # the case's columns, then one history entry's (or none)
        (_, reference, service, channel, status, stage, profile, received, acknowledged,
         responded, requested2, acknowledged2, responded2, closed) = rows_of_case[0][:14]
        extensions, history = [], []
        for kind, event_stage, hour, decision, issued_at, details in (
                row[14:] for row in rows_of_case):
            if kind == "extended":
                if isinstance(details, str):   # PostgreSQL's driver decodes JSON itself
                    details = json.loads(details)
                extension = reports.extension_of(SimpleNamespace(stage=event_stage,
                                                                 details=details))
                if extension is not None:
                    extensions.append(extension)
            elif kind == "responded":
                at = reports.counted_at(issued_at, days[hour], reports.uk_day)
                response = responses.get((at, event_stage, decision))
                if response is None:
                    response = responses[(at, event_stage, decision)] = HistoryFact(
                        kind="responded", at=at, stage=event_stage,
                        details={"decision": decision})
                history.append(response)
        facts.append(CaseFacts(
            reference=reference, case_type="complaint", received_at=days[received],
            service=service, channel=channel, status=status, stage=stage,
            policy_profile=profile, acknowledged_at=days[acknowledged],
            responded_at=days[responded], stage2_requested_at=days[requested2],
            stage2_acknowledged_at=days[acknowledged2], stage2_responded_at=days[responded2],
            closed_at=days[closed], extensions=tuple(extensions), history=tuple(history)))
    return facts


def lesson_facts(db: Session, period: Period) -> list[CaseFacts]:
    """The facts the lessons-learned register (`governance.lessons`) reads: the cases, of any
    type, with a lessons-learned entry recorded in the period, each with all its lessons-learned
    entries (one recorded again in the period may have been first recorded before it)."""
    connection = db.connection()
    dialect = connection.dialect
    days = _UKDays(dialect)
    start, end = _margins(period)
    recorded = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind == "lessons_learned", CaseEvent.at >= start, CaseEvent.at < end)
    cases: dict[int, tuple] = {}
    history: dict[int, list] = {}
    for (case_id, reference, case_type, service, created, stage, actor, status_before, details,
         hour) in connection.execute(
            sa.select(Case.id, Case.reference, Case.case_type, Case.service,
                      _hour(Case.created_at, dialect.name), CaseEvent.stage, CaseEvent.actor,
                      CaseEvent.status_before, CaseEvent.details,
                      _hour(CaseEvent.at, dialect.name))
            .select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.kind == "lessons_learned", CaseEvent.case_id.in_(recorded))
            .order_by(CaseEvent.id)).all():
        cases[case_id] = (reference, case_type, service, created)
        history.setdefault(case_id, []).append(reports.history_fact(SimpleNamespace(
            kind="lessons_learned", at=days[hour], stage=stage, actor=actor,
            status_before=status_before, details=details)))
    return [CaseFacts(reference=reference, case_type=case_type, received_at=days[created],
                      service=service, history=tuple(history[case_id]))
            for case_id, (reference, case_type, service, created) in sorted(cases.items())]
