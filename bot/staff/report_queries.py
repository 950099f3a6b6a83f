"""The database side of the reports: what `bot.staff.reports` and `bot.staff.governance` count,
fetched without loading every case of the period.

* The counts of cases received (by type, service, channel and month) are one GROUP BY in the
  database: a case's received date is the UK date of `created_at`, so "received in the period"
  and "received in that month" are ranges between UK midnights, which work the same on SQLite and
  PostgreSQL (no time-zone functions).
* Timeliness, the TSMs and upheld rates need working-day deadlines under each case's policy
  profile, which SQL cannot count: for those, only the complaints with something in the period
  (and the cases with a lessons-learned entry in it) are read, only the columns `CaseFacts`
  needs, in batches (`yield_per`), each batch with its history entries of `HISTORY_KINDS`.

Both give exactly the figures the pure functions gave on every case of the period: the cases
left out here are ones those functions skip.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.cases.models import Case, CaseEvent
from bot.staff import display, reports
from bot.staff.reports import CaseFacts, Period

BATCH = 500   # cases per batch (and ids per IN list: under SQLite's old limit of 999 parameters)

# The columns `CaseFacts.from_case` reads (the rest of a case, its free text above all, is not).
FACT_COLUMNS = (
    Case.id, Case.reference, Case.case_type, Case.created_at, Case.service, Case.channel,
    Case.status, Case.stage, Case.policy_profile, Case.acknowledged_at, Case.responded_at,
    Case.stage2_requested_at, Case.stage2_acknowledged_at, Case.stage2_responded_at,
    Case.closed_at, Case.reasonable_adjustments, Case.representative_name,
    Case.representative_relationship,
)
EVENT_COLUMNS = (CaseEvent.case_id, CaseEvent.kind, CaseEvent.at, CaseEvent.stage,
                 CaseEvent.actor, CaseEvent.status_before, CaseEvent.details)


def uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=display.LONDON)


# --- counts of cases received, in the database -----------------------------------------------------

def received_counts(db: Session, period: Period) -> Counter:
    """Cases received in the period, counted by (case_type, service, channel, month index): the
    month index is the place of the month in `period.months()`."""
    months = period.months()
    starts = [uk_midnight(max(period.start, date(y, m, 1))) for y, m in months]
    end = uk_midnight(period.end + timedelta(days=1))
    # The month of each case: the last month that starts at or before it.
    month = sa.case(*((Case.created_at < start, index - 1)
                      for index, start in enumerate(starts) if index), else_=len(starts) - 1) \
        if len(starts) > 1 else sa.literal(0)
    month = month.label("month")
    statement = (sa.select(Case.case_type, Case.service, Case.channel, month, sa.func.count())
                 .where(Case.created_at >= starts[0], Case.created_at < end)
                 .group_by(Case.case_type, Case.service, Case.channel, month))
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


def iter_facts(db: Session, period: Period, *, complaints_only: bool = True
               ) -> Iterator[CaseFacts]:
    """The facts of the cases with anything in the period, in batches. `complaints_only`: the
    complaints, and other cases only when they have a lessons-learned entry in the period (the
    only figure that reads cases of other types); otherwise every case in the window."""
    anything, lessons = _window(period)
    where = sa.and_(anything, sa.or_(Case.case_type == "complaint", lessons)) \
        if complaints_only else anything
    statement = sa.select(*FACT_COLUMNS).where(where).order_by(Case.id) \
        .execution_options(yield_per=BATCH)
    for batch in db.execute(statement).partitions():
        history: dict[int, list] = {}
        for event in db.execute(sa.select(*EVENT_COLUMNS).where(
                CaseEvent.case_id.in_([row.id for row in batch]),
                CaseEvent.kind.in_(reports.HISTORY_KINDS)).order_by(CaseEvent.id)):
            history.setdefault(event.case_id, []).append(event)
        for row in batch:
            yield CaseFacts.from_case(row, history.get(row.id, ()))
