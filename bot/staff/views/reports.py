"""Reports (managers): counts, timeliness under the policy, the Tenant Satisfaction Measures, a
chart of volumes over time, the lessons-learned register and upheld rates, a CSV download of every
table, and the annual self-assessment against the Complaint Handling Code (a page and a Markdown
file). The figures come from `bot.staff.reports` and `bot.staff.governance`; this module only
fetches the cases and renders."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request

from bot.cases.models import Case, CaseEvent, SERVICES
from bot.staff import chart, display, governance, reports
from bot.staff.app import MANAGER, requires, workspace
from bot.staff.reports import CaseFacts, Period

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


def _facts(period: Period) -> list[CaseFacts]:
    """The cases with anything in the period: received, reached stage 2 or answered in it, or
    with a lessons-learned entry, a refusal or an acknowledgement recorded in it; with the history entries
    the reports read (`reports.HISTORY_KINDS`), in the order recorded. The margin of a day or two
    either side covers UK time; the figures then count by UK date."""
    ws = workspace()
    start = datetime.combine(period.start - timedelta(days=1), time(), tzinfo=display.LONDON)
    end = datetime.combine(period.end + timedelta(days=2), time(), tzinfo=display.LONDON)
    within = [sa.and_(column >= start, column < end) for column in (
        Case.created_at, Case.stage2_requested_at, Case.responded_at, Case.stage2_responded_at)]
    recorded = sa.select(CaseEvent.case_id).where(
        CaseEvent.kind.in_(("lessons_learned", "not_accepted", "acknowledged")),
        CaseEvent.at >= start, CaseEvent.at < end)
    with ws.store.read() as db:
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


def _profiles():
    ws = workspace()

    @lru_cache(maxsize=None)
    def load(name: str):
        try:
            return ws.profile(name)
        except Exception:  # noqa: BLE001 - a profile since removed: judge by the active one
            return ws.profile(None)
    return load


def _tables(period: Period, today: date):
    ws = workspace()
    facts = _facts(period)
    homes = ws.setting("homes")
    by_type = reports.counts_by(facts, period, "case_type", reports.CASE_TYPES)
    by_service = reports.counts_by(facts, period, "service", SERVICES)
    by_channel = reports.counts_by(facts, period, "channel")
    months = reports.monthly_volumes(facts, period)
    tallies = reports.timeliness(facts, _profiles(), period, today)
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
    tables = _tables(period, today)[0]
    if name not in tables:
        abort(404)
    table = tables[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(c) for c in row])
    filename = f"intake-{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
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
    figures = governance.code_figures(_facts(year), code, year, today, follow_ups=follow_ups)
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
