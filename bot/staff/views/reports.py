"""Reports (managers): counts, timeliness under the policy, the Tenant Satisfaction Measures, a
chart of volumes over time, the lessons-learned register and upheld rates, a CSV download of every
table, and the annual self-assessment against the Complaint Handling Code (a page and a Markdown
file). The figures come from `bot.staff.reports` and `bot.staff.governance`, the cases they read
from `bot.staff.report_queries`; this module renders, and works out only what a page or a CSV
shows."""
from __future__ import annotations

import gc
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import date
from functools import cached_property, lru_cache
from itertools import chain

from flask import Blueprint, Response, abort, render_template, request

from bot.cases.export import csv_lines
from bot.cases.models import SERVICES
from bot.staff import chart, display, governance, report_queries, reports
from bot.staff.models import MANAGER
from bot.staff.reports import CaseFacts, Period
from bot.staff.web import requires, workspace

bp = Blueprint("reports", __name__)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _period(today: date) -> tuple[Period, str | None]:
    default = Period.financial_year(today)
    given_from, given_to = request.args.get("from"), request.args.get("to")
    try:
        start = display.parse_day(given_from) or default.start
        end = display.parse_day(given_to) or default.end
        return Period(start, end), None
    except ValueError:
        return default, "That period is not valid (the dates are day/month/year, e.g. 27/3/2026, " \
                        "the end after the start); showing this reporting year instead."


def _facts(period: Period, *, complaints_only: bool = True) -> list[CaseFacts]:
    """The facts of the cases with anything in the period (see
    `report_queries.assessment_facts`): the self-assessment's."""
    with workspace().store.read() as db:
        return report_queries.assessment_facts(db, period, complaints_only=complaints_only)


def _profiles():
    ws = workspace()

    @lru_cache(maxsize=None)
    def load(name: str):
        try:
            return ws.profile(name)
        except Exception:  # noqa: BLE001 - a profile since removed: judge by the active one
            return ws.profile(None)
    return load


class _Reports:
    """The report of a period, each figure worked out when first asked for, from only what it
    reads: a CSV of counts needs only the counts (one query), the lessons-learned register only
    the cases with lessons learned in the period, and neither the complaints' facts."""

    def __init__(self, period: Period, today: date) -> None:
        self.ws, self.period, self.today = workspace(), period, today

    @cached_property
    def counts(self):
        with self.ws.store.read() as db:
            return report_queries.received_counts(db, self.period)

    @cached_property
    def complaints(self) -> list[CaseFacts]:
        """What timeliness, the TSMs and the upheld rates read of the complaints they count."""
        with self.ws.store.read() as db:
            return report_queries.complaint_facts(db, self.period)

    @cached_property
    def lesson_cases(self) -> list[CaseFacts]:
        """The cases with a lessons-learned entry recorded in the period, with those entries."""
        with self.ws.store.read() as db:
            return report_queries.lesson_facts(db, self.period)

    @cached_property
    def homes(self):
        return self.ws.setting("homes")

    @cached_property
    def months(self):
        return report_queries.monthly_volumes(self.counts, self.period)

    @cached_property
    def tallies(self):
        return reports.timeliness(self.complaints, _profiles(), self.period, self.today)

    @cached_property
    def figures(self):
        return reports.tsm(self.complaints, self.ws.code_profile, self.homes, self.period)

    @cached_property
    def lessons(self):
        return governance.lessons(self.lesson_cases, self.period)

    def _count_table(self, name: str, title: str, heading: str, attribute: str, keys, labels):
        counts = report_queries.counts_by(self.counts, attribute, keys)
        return reports.count_table(name, title, heading, counts, labels)

    def table(self, name: str) -> reports.Table:
        build = {
            "tsm": lambda: reports.tsm_table(self.figures),
            "timeliness": lambda: reports.timeliness_table(self.tallies),
            "by-type": lambda: self._count_table("by-type", "Cases received by type", "Type",
                                                 "case_type", reports.CASE_TYPES,
                                                 display.TYPE_LABELS),
            "by-service": lambda: self._count_table("by-service", "Cases received by service",
                                                    "Service", "service", SERVICES,
                                                    display.SERVICE_LABELS),
            "by-channel": lambda: self._count_table("by-channel", "Cases received by channel",
                                                    "Channel", "channel", (),
                                                    display.CHANNEL_LABELS),
            "by-month": lambda: reports.monthly_table(self.months, reports.CASE_TYPES,
                                                      display.TYPE_LABELS),
            "upheld": lambda: governance.upheld_table(
                governance.upheld_rates(self.complaints, self.period, SERVICES),
                display.SERVICE_LABELS),
            "lessons": lambda: governance.lessons_table(self.lessons, self.today,
                                                        display.TYPE_LABELS,
                                                        display.SERVICE_LABELS),
        }.get(name)
        if build is None:
            raise KeyError(name)
        return build()


TABLES = ("tsm", "timeliness", "by-type", "by-service", "by-channel", "by-month", "upheld",
          "lessons")

# Requests working out figures now, and whether the collector was on before the first of them.
_working = {"requests": 0, "collector_was_on": False}
_working_lock = threading.Lock()


@contextmanager
def _collector_paused():
    """No passes of the cyclic garbage collector while figures are worked out. A year's figures
    make some 100,000 objects (facts, rows, tallies), none in a cycle: reference counting frees
    them, and each collector pass on the way only walked all of them again (a fifth of the
    reports page's time at 100,000 cases). Back on when the last request doing so ends."""
    with _working_lock:
        if _working["requests"] == 0:
            _working["collector_was_on"] = gc.isenabled()
            gc.disable()
        _working["requests"] += 1
    try:
        yield
    finally:
        with _working_lock:
            _working["requests"] -= 1
            if _working["requests"] == 0 and _working["collector_was_on"]:
                gc.enable()


def _tables(period: Period, today: date):
    report = _Reports(period, today)
    with _collector_paused():
        tables = {name: report.table(name) for name in TABLES}
    return tables, report.months, report.figures, report.tallies, report.homes, report.lessons


@bp.route("/reports")
@requires(MANAGER)
def index():
    ws = workspace()
    today = ws.today()
    period, problem = _period(today)
    tables, months, figures, tallies, homes, lessons = _tables(period, today)
    svg = chart.stacked_bars(months, reports.CASE_TYPES, display.TYPE_LABELS,
                             title=f"Cases received by month and type, "
                                   f"{display.fmt_date(period.start)} to "
                                   f"{display.fmt_date(period.end)}")
    return render_template("reports.html", period=period, problem=problem, tables=tables,
                           chart=svg, figures=figures, tallies=tallies, homes=homes,
                           lessons=lessons, lesson_counts=governance.lesson_counts(lessons, today),
                           today=today,
                           profile=ws.profile(None), code=ws.code_profile,
                           query={"from": period.start.isoformat(), "to": period.end.isoformat()})


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text == "-":
        return ""
    try:
        float(text.rstrip("%"))
        return text
    except ValueError:
        return "'" + text if text.startswith(_FORMULA_START) else text


@bp.route("/reports/<name>.csv")
@requires(MANAGER)
def table_csv(name: str):
    ws = workspace()
    today = ws.today()
    period, _problem = _period(today)
    if name not in TABLES:
        abort(404)
    with _collector_paused():
        table = _Reports(period, today).table(name)   # only this table's figures
    rows = chain([table.columns], table.rows)
    filename = f"intake-{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(csv_lines([_cell(c) for c in row] for row in rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- the annual self-assessment against the Code --------------------------------------------------

def _year(today: date) -> tuple[Period, str | None]:
    current = Period.financial_year(today).start.year
    given = request.args.get("year")
    try:
        return governance.financial_year(int(given) if given else current, today), None
    except ValueError:
        return governance.financial_year(current, today), (
            "That year is not valid (give the year it starts, e.g. 2026 for April 2026 to March "
            "2027, and not one still to come); showing this year instead.")


def _self_assessment(today: date):
    ws = workspace()
    year, problem = _year(today)
    code = ws.code_profile
    with ws.store.read() as db:
        follow_ups = governance.follow_up_facts(db, year)
        counts = report_queries.received_counts(db, year, by_month=False)
    # Every case received is counted in the database; only the complaints (and the cases with
    # lessons learned) are read whole: a large landlord's other cases are most of the year's.
    received = report_queries.counts_by(
        Counter({key: n for key, n in counts.items() if key[1] in reports.TSM_SERVICES}), "case_type",
        reports.CASE_TYPES)
    with _collector_paused():
        figures = governance.code_figures(_facts(year), code, year, today, follow_ups=follow_ups,
                                          received=received)
    profile = ws.profile(None)
    titles = {k: e.title for p in (code, profile) for k, e in p.exclusions.items()}
    requirements = governance.self_assessment(figures, code, titles, display.TYPE_LABELS,
                                              display.CHANNEL_LABELS)
    return figures, requirements, profile, problem


@bp.route("/reports/self-assessment")
@requires(MANAGER)
def self_assessment():
    ws = workspace()
    today = ws.today()
    figures, requirements, profile, problem = _self_assessment(today)
    current = Period.financial_year(today).start.year
    return render_template(
        "self_assessment.html", figures=figures, requirements=requirements, problem=problem,
        profile=profile, code=ws.code_profile, label=governance.year_label(figures.year),
        span=governance.span(figures), years=range(current, current - 6, -1),
        cannot_show=governance.CANNOT_SHOW)


@bp.route("/reports/self-assessment.md")
@requires(MANAGER)
def self_assessment_markdown():
    ws = workspace()
    figures, requirements, profile, _problem = _self_assessment(ws.today())
    text = governance.self_assessment_markdown(figures, requirements, profile.display_name)
    label = governance.year_label(figures.year).replace("/", "-")
    return Response(text, mimetype="text/markdown",
                    headers={"Content-Disposition":
                             f'attachment; filename="intake-self-assessment-{label}.md"'})
