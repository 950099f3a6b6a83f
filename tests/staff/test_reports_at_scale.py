"""The reports counted in the database (issue 20, scale) give exactly the figures of the old way:
every case of the period loaded whole, turned into facts and counted in Python. The old way is
kept here, as it was, to compare with; the cases are varied on purpose: every kind, services
with and without the Code's stages, late acknowledgements, extensions, stage 2 (in time, late,
refused), responses with decisions, lessons learned, refusals, Awaab's Law hazards, cases either
side of UK midnight at a month's end, and months with nothing.

And the reports page's fast path (`report_queries.complaint_facts` and `lesson_facts`: a few
columns, UK dates worked out once per hour) gives the figures `bot.staff.reports` and
`bot.staff.governance` give on every case in the store, read whole: on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from bot.cases.models import SERVICES, Case, CaseEvent
from bot.staff import display, governance, report_queries, reports
from bot.staff.reports import CaseFacts, Period
from bot.vocabulary import UK
from tests.staff.conftest import file, store_on_either_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path, clock):
    """The case store behind the workspace, on SQLite and on PostgreSQL (overrides the staff
    fixture's SQLite-only one)."""
    yield from store_on_either_database(request.param, tmp_path, clock, "intake_reports",
                                        "the reports on PostgreSQL")


def _set_homes(store, homes: int | None) -> None:
    """The number of homes a landlord set in Settings (None: not set), for the TSM rates."""
    if homes:
        from bot.staff.models import StaffSetting

        with store.write() as db:
            db.add(StaffSetting(key="homes", value=str(homes), updated_by="test", updated_at=store.now()))


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the old computation, as it was before the reports were counted in the database --------------

def old_facts(store, period: Period) -> list[CaseFacts]:
    start = datetime.combine(period.start - timedelta(days=1), time(), tzinfo=UK)
    end = datetime.combine(period.end + timedelta(days=2), time(), tzinfo=UK)
    within = [sa.and_(column >= start, column < end) for column in (
        Case.created_at, Case.stage2_requested_at, Case.responded_at, Case.stage2_responded_at)]
    recorded = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind.in_(("lessons_learned", "not_accepted", "acknowledged")),
        CaseEvent.at >= start, CaseEvent.at < end)
    with store.read() as db:
        cases = db.execute(sa.select(Case).where(
            sa.or_(*within, Case.id.in_(recorded)))).scalars().all()
        ids = [c.id for c in cases]
        events: dict[int, list[CaseEvent]] = {}
        for chunk in range(0, len(ids), 500):
            for event in db.execute(sa.select(CaseEvent).where(
                    CaseEvent.case_id.in_(ids[chunk:chunk + 500]),
                    CaseEvent.kind.in_(reports.HISTORY_KINDS)).order_by(CaseEvent.id)).scalars():
                events.setdefault(event.case_id, []).append(event)
    return [CaseFacts.from_case(c, events.get(c.id, ())) for c in cases]


def old_tables(ws, period: Period, today: date):
    def profiles(name):
        try:
            return ws.profile(name)
        except Exception:  # noqa: BLE001
            return ws.profile(None)

    facts = old_facts(ws.store, period)
    homes = ws.setting("homes")
    by_type = reports.counts_by(facts, period, "case_type", reports.CASE_TYPES)
    by_service = reports.counts_by(facts, period, "service", SERVICES)
    by_channel = reports.counts_by(facts, period, "channel")
    months = reports.monthly_volumes(facts, period)
    tallies = reports.timeliness(facts, profiles, period, today)
    figures = reports.tsm(facts, ws.code_profile, homes, period)
    lessons = governance.lessons(facts, period)
    rates = governance.upheld_rates(facts, period, SERVICES)
    tables = {
        "tsm": reports.tsm_table(figures),
        "timeliness": reports.timeliness_table(tallies),
        "by-type": reports.count_table("by-type", "Cases received by type", "Type", by_type,
                                       display.TYPE_LABELS),
        "by-service": reports.count_table("by-service", "Cases received by service", "Service",
                                          by_service, display.SERVICE_LABELS),
        "by-channel": reports.count_table("by-channel", "Cases received by channel", "Channel",
                                          by_channel, display.CHANNEL_LABELS),
        "by-month": reports.monthly_table(months, reports.CASE_TYPES, display.TYPE_LABELS),
        "upheld": governance.upheld_table(rates, display.SERVICE_LABELS),
        "lessons": governance.lessons_table(lessons, today, display.TYPE_LABELS,
                                            display.SERVICE_LABELS),
    }
    return tables, months, figures, tallies, homes, lessons


# --- a varied year of cases -----------------------------------------------------------------------

def _try(action, *args, **kwargs) -> None:
    try:
        action(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a step the lifecycle refuses: the case stops there
        pass


@pytest.fixture
def year(store, clock):
    """About 130 cases from April 2026 to January 2027 (nothing in August), "today" being
    1 February 2027."""
    staff = "staff:ada"
    n = 0
    for month in (4, 5, 6, 7, 9, 10, 11, 12, 13):
        y, m = (2026, month) if month <= 12 else (2027, month - 12)
        for day, hour in ((1, 0), (3, 10), (9, 14), (16, 23), (28, 9)):
            for kind in ("complaint", "complaint", "service_request", "asb_report", "comment",
                         "compliment"):
                if n % 4 == 3 and kind != "complaint":
                    continue
                n += 1
                clock.set_uk(f"{y}-{m:02d}-{day:02d}T{hour:02d}:30")
                service = "care" if n % 11 == 0 else "housing"
                case = file(store, kind, name=f"R{n}", conversation_id=f"c{n}", service=service,
                            channel=("rest", "socketio", "facebook")[n % 3],
                            awaab_category="emergency" if kind == "service_request" and n % 5 == 0
                            else None,
                            reasonable_adjustments="Large print" if n % 7 == 0 else None)
                _life(store, clock, case.reference, kind, n, staff)
    clock.set_uk("2027-02-01T10:00")
    return n


def _life(store, clock, ref: str, kind: str, n: int, staff: str) -> None:
    def later(days: float) -> bool:
        clock.advance(days=days)
        return clock().date() < date(2027, 2, 1)

    filed = clock()
    if kind != "complaint":
        if n % 2 and later(3):
            _try(store.close, ref, staff)
        if n % 13 == 0 and later(1):
            _try(store.record_lessons, ref, staff, "Slow", "Faster", target_date=date(2026, 12, 1))
        clock.set(filed)
        return
    if n % 17 == 0:
        if later(2):
            _try(store.mark_not_accepted, ref, staff, "too_old", "Too long ago.")
        clock.set(filed)
        return
    if n % 19 == 0:   # never acknowledged: overdue, or answered without an acknowledgement
        if n % 2 and later(40):
            _try(store.record_response, ref, staff, "Answer", decision="upheld")
        clock.set(filed)
        return
    if not later((1, 2, 6, 9)[n % 4]):       # late acknowledgements among them
        clock.set(filed)
        return
    _try(store.acknowledge, ref, staff)
    if n % 3 == 0 and later(5):
        _try(store.extend, ref, staff, "explained", working_days=(5, 10)[n % 2])
    if later((4, 8, 14, 30)[(n // 2) % 4]):
        _try(store.record_response, ref, staff, "Answer",
             decision=("upheld", "partly_upheld", "not_upheld", None)[n % 4])
        if n % 5 == 0:
            _try(store.record_lessons, ref, staff, "What went wrong", "The action",
                 target_date=date(2026, 10, 1), done_date=date(2026, 9, 1) if n % 2 else None)
        if n % 2 == 0 and later(10):
            _try(store.request_stage2, ref, "Unhappy")
            if later((2, 9)[n % 2 == 0 and n % 4 == 0]):
                _try(store.acknowledge, ref, "staff:max")
            if n % 8 != 0 and later((15, 30, 50)[n % 3]):
                _try(store.record_response, ref, "staff:max", "Final",
                     decision=("upheld", "not_upheld")[n % 2])
        elif n % 7 == 0 and later(60):          # a late request, waiting or refused
            _try(store.request_stage2, ref, "Late", within_window=False)
        if n % 3 == 1 and later(20):
            _try(store.close, ref, staff)
    clock.set(filed)


PERIODS = [Period(date(2026, 4, 1), date(2027, 3, 31)), Period(date(2026, 4, 1), date(2027, 2, 1)),
           Period(date(2026, 6, 15), date(2026, 10, 2)), Period(date(2026, 8, 1), date(2026, 8, 31)),
           Period(date(2026, 12, 16), date(2026, 12, 16))]


def _normal(tallies):
    """Tallies with their references sorted (the old query returned cases in no set order)."""
    return {m: (t.met, t.late, t.overdue, t.not_yet_due,
                {k: sorted(v) for k, v in t.references.items()}) for m, t in tallies.items()}


def test_the_cases_are_varied(year, store):
    with store.read() as db:
        kinds = dict(db.execute(sa.select(CaseEvent.kind, sa.func.count()).group_by(
            CaseEvent.kind)).all())
        statuses = set(db.execute(sa.select(Case.status).distinct()).scalars())
        stage2 = db.execute(sa.select(sa.func.count()).where(Case.stage == 2)).scalar_one()
    assert year > 120 and stage2 >= 5
    for kind in ("acknowledged", "extended", "responded", "lessons_learned", "not_accepted",
                 "stage2_requested", "closed"):
        assert kinds.get(kind, 0) >= 3, (kind, kinds)
    assert {"closed", "not accepted", "acknowledged", "responded", "new"} <= statuses


@pytest.mark.parametrize("homes", [None, 2500])
def test_every_figure_is_the_same_as_counted_the_old_way(app, year, store, signed_in, homes):
    from bot.staff.views import reports as view

    ws = app.extensions["intake_staff"]
    _set_homes(store, homes)
    today = ws.today()
    staff = signed_in("max")
    for period in PERIODS:
        with app.test_request_context():
            new = view._tables(period, today)
            old = old_tables(ws, period, today)
        tables, months, figures, tallies, got_homes, lessons = new
        assert tables == old[0], period
        assert (months, figures, got_homes, lessons) == (old[1], old[2], old[4], old[5]), period
        assert _normal(tallies) == _normal(old[3]), period
        query = f"?from={period.start.isoformat()}&to={period.end.isoformat()}"
        for name, table in old[0].items():
            response = staff.get(f"/reports/{name}.csv{query}")
            assert response.status_code == 200, name
            expected = [[view._cell(c) for c in row] for row in (table.columns, *table.rows)]
            assert list(csv.reader(io.StringIO(text(response)))) == expected, (period, name)
        assert staff.get(f"/reports{query}").status_code == 200
    # Something was counted in each: no comparison of empty tables.
    whole = old_tables(ws, PERIODS[0], today)
    assert whole[2].stage1_received > 20 and whole[2].stage2_received > 3
    assert 0 < whole[2].stage1_responded_in_time < whole[2].stage1_responded
    assert all(whole[3][m].counted for m in reports.MEASURES) and whole[5]


_MOMENTS = ("received_at", "acknowledged_at", "responded_at", "stage2_requested_at", "stage2_acknowledged_at",
            "stage2_responded_at", "closed_at")


def _in_uk_days(fact: CaseFacts) -> CaseFacts:
    from dataclasses import replace

    from bot.policy.deadlines import uk_date

    moments = {name: uk_date(getattr(fact, name)) for name in _MOMENTS if getattr(fact, name) is not None}
    return replace(fact, **moments, history=tuple(replace(h, at=uk_date(h.at)) for h in fact.history))


def test_the_facts_read_from_a_few_columns_are_those_of_the_whole_cases(app, year, store):
    """The self-assessment reads every case of the year; the reports page only the complaints
    (and cases with lessons learned): each from the few columns it needs, the same facts."""
    from dataclasses import replace

    from bot.staff import report_queries

    period = Period(date(2026, 4, 1), date(2027, 3, 31))
    # The moments come as UK dates (all the reports read of them), each worked out here one by one.
    old = sorted((_in_uk_days(f) for f in old_facts(store, period)), key=lambda f: f.reference)
    with store.read() as db:
        every = list(report_queries.assessment_facts(db, period, complaints_only=False))
        some = report_queries.assessment_facts(db, period)
    # Acknowledgements are read only where the figures read them.
    old = [replace(f, history=tuple(filter(reports.read_by_the_self_assessment, f.history))) for f in old]
    assert sorted(every, key=lambda f: f.reference) == old
    lessons = {f.reference for f in old if any(h.kind == "lessons_learned" for h in f.history)}
    assert sorted(some, key=lambda f: f.reference) == [
        f for f in old if f.case_type == "complaint" or f.reference in lessons]
    assert any(f.case_type != "complaint" for f in some)


def test_a_table_s_csv_works_out_only_that_table(app, year, signed_in, monkeypatch):
    """A CSV of counts is one GROUP BY: it never reads the complaints' facts; the lessons-learned
    register reads only the cases with lessons learned, and the other tables never read those."""
    read = []

    def counted(name, function):
        def run(*args, **kwargs):
            read.append(name)
            return function(*args, **kwargs)
        return run

    for name in ("assessment_facts", "complaint_facts", "lesson_facts", "received_counts"):
        monkeypatch.setattr(report_queries, name, counted(name, getattr(report_queries, name)))
    staff = signed_in("max")
    expected = {"by-type": ["received_counts"], "by-service": ["received_counts"],
                "by-channel": ["received_counts"], "by-month": ["received_counts"],
                "tsm": ["complaint_facts"], "timeliness": ["complaint_facts"],
                "upheld": ["complaint_facts"], "lessons": ["lesson_facts"]}
    for name, reads in expected.items():
        read.clear()
        assert staff.get(f"/reports/{name}.csv").status_code == 200
        assert read == reads, name
    read.clear()
    assert staff.get("/reports").status_code == 200   # the page: each read once
    assert sorted(read) == ["complaint_facts", "lesson_facts", "received_counts"]


# --- the fast path against the pure functions on every case, read whole ---------------------------

def every_fact(store) -> list[CaseFacts]:
    """Every case in the store, whole, with its whole history, as `CaseFacts.from_case` makes
    them: what the pure functions are defined on."""
    with store.read() as db:
        history: dict[int, list[CaseEvent]] = {}
        for event in db.execute(sa.select(CaseEvent).order_by(CaseEvent.id)).scalars():
            history.setdefault(event.case_id, []).append(event)
        return [CaseFacts.from_case(case, history.get(case.id, ()))
                for case in db.execute(sa.select(Case).order_by(Case.id)).scalars()]


def pure_tables(ws, facts: list[CaseFacts], period: Period, today: date):
    """The reports page's tables worked out by the pure functions alone, from `facts`."""
    def profiles(name):
        try:
            return ws.profile(name)
        except Exception:  # noqa: BLE001
            return ws.profile(None)

    homes = ws.setting("homes")
    months = reports.monthly_volumes(facts, period)
    tallies = reports.timeliness(facts, profiles, period, today)
    figures = reports.tsm(facts, ws.code_profile, homes, period)
    lessons = governance.lessons(facts, period)
    tables = {
        "tsm": reports.tsm_table(figures),
        "timeliness": reports.timeliness_table(tallies),
        "by-type": reports.count_table(
            "by-type", "Cases received by type", "Type",
            reports.counts_by(facts, period, "case_type", reports.CASE_TYPES), display.TYPE_LABELS),
        "by-service": reports.count_table(
            "by-service", "Cases received by service", "Service",
            reports.counts_by(facts, period, "service", SERVICES), display.SERVICE_LABELS),
        "by-channel": reports.count_table(
            "by-channel", "Cases received by channel", "Channel",
            reports.counts_by(facts, period, "channel"), display.CHANNEL_LABELS),
        "by-month": reports.monthly_table(months, reports.CASE_TYPES, display.TYPE_LABELS),
        "upheld": governance.upheld_table(governance.upheld_rates(facts, period, SERVICES),
                                          display.SERVICE_LABELS),
        "lessons": governance.lessons_table(lessons, today, display.TYPE_LABELS,
                                            display.SERVICE_LABELS),
    }
    return tables, months, figures, tallies, homes, lessons


# Every period of PERIODS, and periods that start or end on a UK midnight a case was filed
# either side of (00:30 and 23:30 UK time: 23:30 and 22:30 UTC in summer), a stage 2 year and
# one day with nothing.
FAST_PERIODS = PERIODS + [
    Period(date(2026, 5, 1), date(2026, 5, 16)), Period(date(2026, 5, 17), date(2026, 6, 1)),
    Period(date(2026, 10, 1), date(2026, 10, 31)), Period(date(2026, 7, 2), date(2027, 2, 1)),
    Period(date(2026, 8, 15), date(2026, 8, 15))]


@pytest.mark.parametrize("homes", [None, 2500])
def test_the_page_s_figures_are_those_of_the_pure_functions_on_every_case(
        app, year, store, signed_in, homes):
    """What the page and its CSVs show, from a few columns of the cases with something in the
    period, is what the pure functions give on every case in the store read whole: tables,
    the chart's months, the TSMs, the timeliness tallies (with their cases) and the register."""
    from bot.staff.views import reports as view

    ws = app.extensions["intake_staff"]
    _set_homes(store, homes)
    today = ws.today()
    facts = every_fact(store)
    staff = signed_in("max")
    compared = 0
    for period in FAST_PERIODS:
        with app.test_request_context():
            tables, months, figures, tallies, got_homes, lessons = view._tables(period, today)
            expected = pure_tables(ws, facts, period, today)
        assert tables == expected[0], period
        assert (months, figures, got_homes, lessons) == (
            expected[1], expected[2], expected[4], expected[5]), period
        assert _normal(tallies) == _normal(expected[3]), period
        query = f"?from={period.start.isoformat()}&to={period.end.isoformat()}"
        for name, table in expected[0].items():
            response = staff.get(f"/reports/{name}.csv{query}")
            expected_rows = [[view._cell(c) for c in row] for row in (table.columns, *table.rows)]
            assert list(csv.reader(io.StringIO(text(response)))) == expected_rows, (period, name)
        compared += sum(t.counted for t in tallies.values()) + len(lessons)
    assert compared > 100   # the comparisons were of figures, not of empty tables


def _days(fact: CaseFacts) -> tuple:
    return tuple(fact.day(name) for name in (
        "received_at", "acknowledged_at", "responded_at", "stage2_requested_at",
        "stage2_acknowledged_at", "stage2_responded_at", "closed_at"))


def test_the_fast_path_s_facts_are_those_of_the_whole_cases(app, year, store):
    """Field by field: each complaint's UK dates (the cases filed either side of UK midnight
    included), status, stage, profile, service, extensions and responses (stage, decision, day),
    and each case's lessons-learned entries; and the complaints read are all those with
    something in the period."""
    facts = {f.reference: f for f in every_fact(store)}
    seen = {"extension": 0, "response": 0, "lesson": 0}
    for period in FAST_PERIODS:
        with store.read() as db:
            complaints = report_queries.complaint_facts(db, period)
            lesson_cases = report_queries.lesson_facts(db, period)
        seen["extension"] += sum(bool(f.extensions) for f in complaints)
        seen["response"] += sum(bool(f.history) for f in complaints)
        seen["lesson"] += len(lesson_cases)
        for fast in complaints:
            whole = facts[fast.reference]
            assert whole.case_type == fast.case_type == "complaint"
            assert (fast.service, fast.channel, fast.status, fast.stage, fast.policy_profile) == (
                whole.service, whole.channel, whole.status, whole.stage, whole.policy_profile)
            assert _days(fast) == _days(whole), fast.reference
            assert fast.extensions == whole.extensions
            assert [(h.stage, h.details["decision"], h.day) for h in fast.history] == [
                (h.stage, h.details.get("decision"), h.day) for h in whole.history
                if h.kind == "responded"]
        counted = {f.reference for f in facts.values() if f.case_type == "complaint" and any(
            f.day(name) in period for name in (
                "received_at", "stage2_requested_at", "responded_at", "stage2_responded_at"))}
        assert counted <= {f.reference for f in complaints}, period
        for fast in lesson_cases:
            whole = facts[fast.reference]
            assert (fast.case_type, fast.service, fast.received) == (
                whole.case_type, whole.service, whole.received)
            entries = [h for h in whole.history if h.kind == "lessons_learned"]
            assert [(h.kind, h.day, h.stage, h.actor, h.status_before, h.details)
                    for h in fast.history] == [
                (h.kind, h.day, h.stage, h.actor, h.status_before, h.details) for h in entries]
        recorded = {f.reference for f in facts.values() if any(
            h.kind == "lessons_learned" and h.day in period for h in f.history)}
        assert recorded <= {f.reference for f in lesson_cases}, period
    assert min(seen.values()) > 3, seen   # each kind was compared


def test_uk_dates_are_worked_out_per_hour_as_for_the_datetime():
    """Every hour of two years (both clock changes each year) in either database's form; and on
    SQLite, text in another form than `UTCDateTime` writes is read as the column reads it."""
    from datetime import timezone

    from sqlalchemy.dialects import postgresql, sqlite

    from bot.cases.types import UTCDateTime
    from bot.policy.deadlines import uk_date

    lite, pg = report_queries._UKDays(sqlite.dialect()), report_queries._UKDays(
        postgresql.psycopg2.dialect())
    moment = datetime(2026, 1, 1, 0, 59, 59, 999999, tzinfo=timezone.utc)
    while moment.year < 2028:
        stored = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
        assert lite[stored[:13]] == uk_date(moment), stored
        assert pg[int(moment.timestamp() // 3600)] == uk_date(moment), stored
        moment += timedelta(hours=1)
    assert lite[None] is None and pg[None] is None
    engine = sa.create_engine("sqlite://")
    table = sa.Table("moments", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UTCDateTime))
    table.metadata.create_all(engine)
    odd = ["2026-06-30 23:30:00.123456", "2026-06-30 23:30:00", "2026-10-24 23:30:00+01:00",
           "2026-6-30 23:30:00", "2026-03-29 00:59:59.999999", "2026-03-29 01:00:00.000000"]
    with engine.begin() as db:
        for n, text_ in enumerate(odd):
            db.exec_driver_sql("INSERT INTO moments VALUES (?, ?)", (n, text_))
        rows = db.execute(sa.select(table.c.at, report_queries._hour(table.c.at, "sqlite"))
                          .order_by(table.c.id)).all()
    days = report_queries._UKDays(engine.dialect)
    assert [days[hour] for _, hour in rows] == [uk_date(at) for at, _ in rows]
    assert [hour for _, hour in rows][3] == "2026-6-30 23:30:00"   # read whole, as the column


def test_the_collector_is_back_as_it_was_after_the_figures(app, signed_in):
    """The cyclic garbage collector is paused while figures are worked out, and back as it was
    after: on once the last of overlapping requests ends (or fails), still off if it was off."""
    import gc

    from bot.staff.views import reports as view

    staff = signed_in("max")
    assert gc.isenabled()
    assert staff.get("/reports").status_code == 200 and gc.isenabled()
    assert staff.get("/reports/tsm.csv").status_code == 200 and gc.isenabled()
    with view._collector_paused():
        assert not gc.isenabled()
        with view._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()   # another request still at it
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with view._collector_paused():
            raise RuntimeError("a failed report")
    assert gc.isenabled()
    gc.disable()
    try:
        assert staff.get("/reports").status_code == 200 and not gc.isenabled()
    finally:
        gc.enable()
