"""Governance reports for the panel and the board: the lessons-learned register, upheld rates, and
the annual self-assessment against the Housing Ombudsman's Complaint Handling Code.

Pure functions of `CaseFacts` (with their `history`), a period and "today", like
`bot.staff.reports`, whose timeliness and CH02 functions the self-assessment reuses. The staff
pages (`bot/staff/views/reports.py`) fetch the cases and render what these return.

Definitions (also on the pages and in docs/staff.md):

* **Lessons-learned register**: every lessons-learned entry first recorded in the period (the UK
  date it was recorded), on any kind of case. Entries on one case with the same "what went wrong"
  and the same action (ignoring case and spacing) are one lesson recorded again, e.g. to add the
  done date: the row shows the first recording's date and the latest target and done dates given.
  Status, as of today: *done* when it has a done date; otherwise *overdue* when its target date
  has passed, and *due* when it has not (or has no target date).
* **Upheld rates**: complaints whose stage 1 (stage 2) response was issued in the period (the
  response date on the case, as CH02 counts it), per stage and service. The decision that counts
  is the one in the *last* response recorded at that stage. The rate is the share upheld or
  partly upheld of the responses that record a decision ("resolved" included); responses without
  one are counted apart and left out of the rate.
* **Self-assessment**: for a financial year (1 April to 31 March), the Code's main requirements,
  each with what the case data shows for complaints about housing (the service the Code covers)
  and a blank line for the landlord's evidence and commentary.
* **Remedies offered**: the remedies recorded with the responses issued in the year (the history
  entry's date, either stage), by kind, with the number of financial remedies and their total.
* **Follow-up actions**: the actions promised to residents (`FollowUp`) added in the year to
  complaints, their status as of today: *done*; otherwise *overdue* the day after their due date,
  *open* until then (or when they have no due date).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from bot.cases import models
from bot.policy import Profile
from bot.policy.deadlines import uk_date
from bot.staff import display, reports
from bot.vocabulary import UK
from bot.staff.reports import (
    TSM, TSM_SERVICES, CaseFacts, HistoryFact, Period, Table, Tally, percent, share,
)

# --- lessons learned ------------------------------------------------------------------------------

DONE, DUE, OVERDUE = "done", "due", "overdue"
STATUS_LABELS = {DONE: "Done", DUE: "Due", OVERDUE: "Overdue"}
# What anonymisation and erasure leave of free text (bot.cases.privacy.REMOVED): entries reduced
# to it are never taken for one lesson recorded again.
REMOVED = "[removed]"


@dataclass(frozen=True)
class Lesson:
    """One row of the register."""

    reference: str
    case_type: str
    service: str
    stage: int | None
    recorded: date
    what_went_wrong: str
    action: str
    target_date: date | None
    done_date: date | None
    entries: int = 1           # how many times it was recorded

    def status(self, today: date) -> str:
        if self.done_date is not None:
            return DONE
        if self.target_date is not None and self.target_date < today:
            return OVERDUE
        return DUE

    @property
    def done_by_target(self) -> bool:
        return (self.done_date is not None and self.target_date is not None
                and self.done_date <= self.target_date)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def lessons(cases: Iterable[CaseFacts], period: Period) -> list[Lesson]:
    """The register: each lesson first recorded in the period, oldest first."""
    rows = []
    for case in cases:
        groups: dict[tuple, list[HistoryFact]] = {}
        for index, event in enumerate(case.history):
            if event.kind != "lessons_learned":
                continue
            wrong = str(event.details.get("what_went_wrong") or "")
            action = str(event.details.get("action") or "")
            key: tuple = (_same(wrong), _same(action))
            if REMOVED in (wrong.strip(), action.strip()):
                key = ("entry", index)
            groups.setdefault(key, []).append(event)
        for entries in groups.values():
            first, last = entries[0], entries[-1]
            if first.day not in period:
                continue
            target = done = None
            for entry in entries:   # the latest date given wins
                target = _as_date(entry.details.get("target_date")) or target
                done = _as_date(entry.details.get("done_date")) or done
            rows.append(Lesson(
                reference=case.reference, case_type=case.case_type, service=case.service,
                stage=first.stage, recorded=first.day,
                what_went_wrong=str(last.details.get("what_went_wrong") or ""),
                action=str(last.details.get("action") or ""), target_date=target,
                done_date=done, entries=len(entries)))
    return sorted(rows, key=lambda r: (r.recorded, r.reference))


def lesson_counts(rows: Sequence[Lesson], today: date) -> dict[str, int]:
    """How many lessons are done (and of those, by their target date), due and overdue, and how
    many have no target date."""
    statuses = Counter(r.status(today) for r in rows)
    return {"recorded": len(rows), DONE: statuses[DONE], DUE: statuses[DUE],
            OVERDUE: statuses[OVERDUE], "done_by_target": sum(r.done_by_target for r in rows),
            "no_target": sum(r.target_date is None for r in rows)}


def lessons_table(rows: Sequence[Lesson], today: date,
                  type_labels: Mapping[str, str] | None = None,
                  service_labels: Mapping[str, str] | None = None) -> Table:
    type_labels, service_labels = type_labels or {}, service_labels or {}
    return Table("lessons", "Lessons-learned register",
                 ("Case", "Type", "Service", "Recorded", "What went wrong", "Action",
                  "Target date", "Done date", "Status"),
                 tuple((r.reference, type_labels.get(r.case_type, r.case_type),
                        service_labels.get(r.service, r.service), r.recorded,
                        r.what_went_wrong, r.action, r.target_date, r.done_date,
                        STATUS_LABELS[r.status(today)]) for r in rows))


# --- upheld rates ---------------------------------------------------------------------------------

DECISIONS = models.DECISIONS
NO_DECISION = "none"
DECISION_HEADINGS = {**display.DECISION_LABELS, NO_DECISION: "No decision recorded"}
ALL_SERVICES = "all"


@dataclass
class Decisions:
    """The decisions of the responses issued at one stage (for one service)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (*DECISIONS, NO_DECISION), 0))
    references: dict[str, list[str]] = field(default_factory=dict)

    def add(self, decision: str, reference: str) -> None:
        self.counts[decision] += 1
        self.references.setdefault(decision, []).append(reference)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def decided(self) -> int:
        return self.answered - self.counts[NO_DECISION]

    @property
    def upheld_or_partly(self) -> int:
        return self.counts["upheld"] + self.counts["partly_upheld"]

    @property
    def rate(self) -> Fraction | None:
        return share(self.upheld_or_partly, self.decided)


def stage_decision(case: CaseFacts, stage: int) -> str:
    """The decision of the last response recorded at `stage` (NO_DECISION if it records none
    or none is recorded)."""
    decision = None
    for event in case.history:
        if event.kind == "responded" and (event.stage or 1) == stage:
            decision = event.details.get("decision")
    return decision if decision in DECISIONS else NO_DECISION


def _answered_in(case: CaseFacts, stage: int, period: Period) -> bool:
    if stage == 1:
        return case.day("responded_at") in period
    return case.reached_stage2 and case.day("stage2_responded_at") in period


def upheld_rates(cases: Iterable[CaseFacts], period: Period,
                 services: Sequence[str] = ()) -> dict[tuple[int, str], Decisions]:
    """Per (stage, service), and per (stage, ALL_SERVICES): the decisions of the complaints
    answered at that stage in the period. `services` come first, in their order, also when
    nothing has them; any others follow, sorted."""
    seen = {case.service for case in cases if case.case_type == "complaint"}
    keys = (*services, *sorted(seen - set(services)), ALL_SERVICES)
    rates = {(stage, key): Decisions() for stage in (1, 2) for key in keys}
    for case in cases:
        if case.case_type != "complaint":
            continue
        for stage in (1, 2):
            if _answered_in(case, stage, period):
                decision = stage_decision(case, stage)
                rates[(stage, case.service)].add(decision, case.reference)
                rates[(stage, ALL_SERVICES)].add(decision, case.reference)
    return rates


def upheld_table(rates: Mapping[tuple[int, str], Decisions],
                 service_labels: Mapping[str, str] | None = None) -> Table:
    service_labels = {**(service_labels or {}), ALL_SERVICES: "All services"}
    rows = tuple((f"Stage {stage}", service_labels.get(service, service), d.answered,
                  *(d.counts[k] for k in (*DECISIONS, NO_DECISION)), percent(d.rate))
                 for (stage, service), d in rates.items())
    return Table("upheld", "Complaints answered in the period, by decision",
                 ("Stage", "Service", "Answered", *(DECISION_HEADINGS[k] for k in DECISIONS),
                  DECISION_HEADINGS[NO_DECISION], "Upheld or partly upheld"), rows)


# --- remedies and follow-up actions -------------------------------------------------------------

@dataclass(frozen=True)
class Remedies:
    """The remedies recorded with the responses issued in a period."""

    responses: int = 0                     # responses issued (history entries, either stage)
    with_remedy: int = 0                   # ... that record at least one remedy
    by_kind: dict[str, int] = field(default_factory=dict)
    financial: int = 0                     # financial remedies (each with its amount)
    financial_total: Decimal = Decimal("0.00")

    @property
    def offered(self) -> int:
        return sum(self.by_kind.values())


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def remedies(cases: Iterable[CaseFacts], period: Period) -> Remedies:
    """The remedies of the responses recorded in the period (the history entry's UK date)."""
    responses = with_remedy = financial = 0
    kinds: Counter[str] = Counter()
    total = Decimal("0.00")
    for case in cases:
        for event in case.history:
            if event.kind != "responded" or event.day not in period:
                continue
            responses += 1
            given = [r for r in event.details.get("remedies") or () if isinstance(r, Mapping)]
            with_remedy += bool(given)
            for remedy in given:
                kind = str(remedy.get("kind") or "other")
                kinds[kind] += 1
                if kind == "financial":
                    financial += 1
                    total += _amount(remedy.get("amount")) or 0
    order = {k: i for i, k in enumerate(models.REMEDY_KINDS)}
    return Remedies(responses, with_remedy,
                    dict(sorted(kinds.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))),
                    financial, total)


FOLLOW_UP_OPEN = "open"


@dataclass(frozen=True)
class FollowUpFact:
    """One follow-up action promised to a resident (`bot.cases.models.FollowUp`)."""

    reference: str
    case_type: str
    service: str
    added: date                 # the UK date it was added
    due: date | None
    done: date | None           # the UK date it was done

    def status(self, today: date) -> str:
        if self.done is not None:
            return DONE
        if self.due is not None and self.due < today:
            return OVERDUE
        return FOLLOW_UP_OPEN


def follow_up_facts(session, period: Period | None = None) -> list[FollowUpFact]:
    """The follow-up actions in the case store (`session`: a case store session), those added
    in `period` (with a day's margin either side for UK time: count them by `added`)."""
    import sqlalchemy as sa

    query = (sa.select(models.FollowUp, models.Case.reference, models.Case.case_type,
                       models.Case.service)
             .join(models.Case, models.Case.id == models.FollowUp.case_id)
             .order_by(models.FollowUp.id))
    if period is not None:
        start = datetime.combine(period.start - timedelta(days=1), time(), tzinfo=UK)
        end = datetime.combine(period.end + timedelta(days=2), time(), tzinfo=UK)
        query = query.where(models.FollowUp.created_at >= start, models.FollowUp.created_at < end)
    return [FollowUpFact(reference, case_type, service, uk_date(item.created_at),
                         item.due_date, uk_date(item.done_at) if item.done_at else None)
            for item, reference, case_type, service in session.execute(query)]


def follow_up_counts(items: Iterable[FollowUpFact], period: Period,
                     today: date) -> dict[str, int]:
    """Of the follow-up actions added in the period: how many, done (and of those, by their due
    date), overdue and open as of `today`, and without a due date."""
    added = [f for f in items if f.added in period]
    statuses = Counter(f.status(today) for f in added)
    return {"added": len(added), DONE: statuses[DONE], OVERDUE: statuses[OVERDUE],
            FOLLOW_UP_OPEN: statuses[FOLLOW_UP_OPEN],
            "done_by_due": sum(f.done is not None and f.due is not None and f.done <= f.due
                               for f in added),
            "no_due_date": sum(f.due is None for f in added)}


# --- the self-assessment's figures ----------------------------------------------------------------

@dataclass(frozen=True)
class ExtensionCheck:
    """One extension of a complaint's response, against the longest extension the Code allows
    (counted from when the response was due without it)."""

    reference: str
    stage: int
    new_date: date
    due: date
    limit: date

    @property
    def within(self) -> bool:
        return self.new_date <= self.limit


@dataclass(frozen=True)
class Refusal:
    """A complaint not accepted (stage 1), or a request for stage 2 refused."""

    reference: str
    day: date
    exclusion: str
    stage2_request: bool
    letter: bool          # a "not accepted" letter is recorded after the decision


@dataclass(frozen=True)
class Stage2Requests:
    requested: int = 0
    taken: int = 0             # the complaint went to stage 2
    refused: int = 0
    awaiting: int = 0          # a late request waiting for a manager's decision
    closed: int = 0            # closed without stage 2


@dataclass(frozen=True)
class CodeFigures:
    """What the case data shows for one financial year, for the self-assessment."""

    year: Period
    today: date
    received: dict[str, int]                 # housing cases received, by type
    channels: dict[str, int]                 # housing complaints received, by channel
    adjustments: int                         # ... recording a reasonable adjustment
    representatives: int                     # ... made by a representative
    timeliness: dict[str, Tally]             # under the Code, housing complaints
    tsm: TSM                                 # CH02 (and CH01's counts)
    extensions: tuple[ExtensionCheck, ...]
    extended: dict[int, int]                 # complaints extended, per stage
    extension_letters: dict[int, int]        # ... with an extension letter at that stage
    refusals: tuple[Refusal, ...]
    awaiting_acceptance: int                 # flagged as possibly excluded, no decision yet
    accepted_despite_exclusion: int
    stage2: Stage2Requests
    stage2_handlers: tuple[int, int]         # stage 2 responses by someone else, by the same
    decisions: dict[int, Decisions]
    lessons: tuple[Lesson, ...]
    remedies: Remedies = field(default_factory=Remedies)
    follow_ups: tuple[FollowUpFact, ...] = ()  # on complaints, added in the year

    def follow_up_counts(self) -> dict[str, int]:
        return follow_up_counts(self.follow_ups, self.year, self.today)

    @property
    def complete(self) -> bool:
        """The year has ended (by today)."""
        return self.today > self.year.end

    @property
    def complaints(self) -> int:
        return self.received.get("complaint", 0)

    def lesson_counts(self) -> dict[str, int]:
        return lesson_counts(self.lessons, self.today)


def financial_year(first: int, today: date) -> Period:
    """1 April `first` to 31 March of the next year, or to today if the year is not over.
    ValueError for a year that has not started."""
    start = date(first, 4, 1)
    if start > today:
        raise ValueError(f"the year {first}/{(first + 1) % 100:02d} has not started")
    return Period(start, min(date(first + 1, 3, 31), today))


def long_day(day: date) -> str:
    """'1 April 2026'."""
    return f"{day.day} {reports.MONTH_NAMES[day.month - 1]} {day.year}"


def year_label(period: Period) -> str:
    return f"{period.start.year}/{(period.start.year + 1) % 100:02d}"


def _letter_after(case: CaseFacts, index: int, letter: str, stage: int | None = None) -> bool:
    return any(e.kind == "letter_sent" and e.details.get("letter") == letter
               and (stage is None or (e.stage or 1) == stage)
               for e in case.history[index + 1:])


def _responder(case: CaseFacts, stage: int) -> str | None:
    actor = None
    for event in case.history:
        if event.kind == "responded" and (event.stage or 1) == stage:
            actor = event.actor
    return actor


def code_figures(cases: Iterable[CaseFacts], code_profile: Profile, year: Period, today: date,
                 services: Sequence[str] = TSM_SERVICES,
                 follow_ups: Iterable[FollowUpFact] = (),
                 received: Mapping[str, int] | None = None) -> CodeFigures:
    """The figures for the self-assessment: complaints about `services` (housing), judged under
    the Code (`code_profile`), for the financial year `year`; `follow_ups`: the follow-up actions
    (`follow_up_facts`), of which those on such complaints added in the year count. `received`:
    the cases of `services` received in the year by type, when counted in the database (then
    `cases` need only be the complaints and the cases with lessons learned); else from `cases`."""
    ours = [c for c in cases if c.service in services]
    complaints = [c for c in ours if c.case_type == "complaint"]
    if received is None:
        received = reports.counts_by(ours, year, "case_type", reports.CASE_TYPES)
    received_complaints = reports.received_in(complaints, year)
    channels = reports.counts_by(complaints, year, "channel")
    tallies = reports.timeliness(complaints, lambda _name: code_profile, year, today)
    figures = reports.tsm(complaints, code_profile, None, year, services)

    checks: list[ExtensionCheck] = []
    extended: Counter[int] = Counter()
    letters: Counter[int] = Counter()
    refused: list[Refusal] = []
    despite = awaiting = 0
    requests: Counter[str] = Counter()
    handlers: Counter[bool] = Counter()
    for case in complaints:
        cohort = {1: case.received in year and case.accepted_at_stage1,
                  2: case.reached_stage2 and case.day("stage2_requested_at") in year}
        for stage in (1, 2):
            mine = [e for e in case.extensions if e.stage == stage]
            if not (cohort[stage] and mine):
                continue
            due = (reports.unextended_stage1(case, code_profile) if stage == 1
                   else reports.unextended_stage2(case, code_profile))
            if due is None or due.response_by is None:
                continue
            limit = reports.extension_limit(code_profile, stage, due.response_by)
            checks.extend(ExtensionCheck(case.reference, stage, e.new_date, due.response_by,
                                         limit) for e in mine)
            extended[stage] += 1
            if any(e.kind == "letter_sent" and e.details.get("letter") == "extension"
                   and (e.stage or 1) == stage for e in case.history):
                letters[stage] += 1
        for index, event in enumerate(case.history):
            if event.kind == "not_accepted" and event.day in year:
                refused.append(Refusal(
                    case.reference, event.day, str(event.details.get("exclusion") or ""),
                    event.stage == 2 or event.status_before == "escalation requested - pending review",
                    _letter_after(case, index, "not_accepted")))
            elif (event.kind == "acknowledged" and event.day in year
                    and event.details.get("accepted_despite_exclusion")):
                despite += 1
        if case.received in year and case.status == "not accepted - pending review":
            awaiting += 1
        if case.day("stage2_requested_at") in year:
            requests["requested"] += 1
            if case.reached_stage2:
                requests["taken"] += 1
            elif case.status == "escalation requested - pending review":
                requests["awaiting"] += 1
            elif case.status == "not accepted":
                requests["refused"] += 1
            else:
                requests["closed"] += 1
        if case.reached_stage2 and case.day("stage2_responded_at") in year:
            first, second = _responder(case, 1), _responder(case, 2)
            if first and second:
                handlers[first != second] += 1
    rates = upheld_rates(complaints, year)
    return CodeFigures(
        year=year, today=today, received=received, channels=channels,
        adjustments=sum(c.reasonable_adjustments for c in received_complaints),
        representatives=sum(c.representative for c in received_complaints),
        timeliness=tallies, tsm=figures, extensions=tuple(checks),
        extended={1: extended[1], 2: extended[2]},
        extension_letters={1: letters[1], 2: letters[2]}, refusals=tuple(refused),
        awaiting_acceptance=awaiting, accepted_despite_exclusion=despite,
        stage2=Stage2Requests(**requests), stage2_handlers=(handlers[True], handlers[False]),
        decisions={1: rates[(1, ALL_SERVICES)], 2: rates[(2, ALL_SERVICES)]},
        lessons=tuple(lessons(ours, year)), remedies=remedies(complaints, year),
        follow_ups=tuple(f for f in follow_ups if f.case_type == "complaint"
                         and f.service in services and f.added in year))


# --- the self-assessment --------------------------------------------------------------------------

CANNOT_SHOW = "The case data cannot show this."


@dataclass(frozen=True)
class Requirement:
    """One requirement of the Code (paraphrased) and what the data shows for it."""

    section: str
    provisions: str            # the Code's paragraphs, e.g. "6.2"
    requirement: str
    shows: tuple[str, ...]     # empty: the data cannot show it

    @property
    def from_data(self) -> bool:
        return bool(self.shows)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _of(part: int, whole: int) -> str:
    return f"{part} of {whole}" + (f" ({percent(share(part, whole))})" if whole else "")


def _lower(label: str) -> str:
    """A label inside a sentence: 'Service request' -> 'service request', 'ASB report' and
    'REST API' unchanged."""
    return label if len(label) > 1 and label[1].isupper() else label[:1].lower() + label[1:]


def _list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _timely(tally: Tally, what: str, days: int, base: str) -> str:
    text = (f"{_of(tally.met, tally.counted)} {what} were {base} within {days} working days")
    rest = []
    if tally.late:
        rest.append(f"{tally.late} late")
    if tally.overdue:
        rest.append(f"{tally.overdue} still waiting past the deadline")
    if tally.not_yet_due:
        rest.append(f"{tally.not_yet_due} not yet due")
    return text + (f"; {_list(rest)}" if rest else "") + "."


def _extensions_shown(figures: CodeFigures, stage: int, days: int) -> tuple[str, ...]:
    checks = [c for c in figures.extensions if c.stage == stage]
    if not checks:
        return (f"No stage {stage} complaint of the year was extended.",)
    beyond = [c for c in checks if not c.within]
    lines = [f"{_n(len(checks), 'extension')} on {_n(figures.extended[stage], 'complaint')}: "
             f"{len(checks) - len(beyond)} within {days} working days of the date the response "
             f"was due, {len(beyond)} beyond it"
             + (f" ({', '.join(sorted({c.reference for c in beyond}))})." if beyond else ".")]
    lines.append(f"An extension letter (with the Ombudsman's details) is recorded for "
                 f"{_of(figures.extension_letters[stage], figures.extended[stage])} extended "
                 f"complaints.")
    return tuple(lines)


def _decisions_line(stage: int, d: Decisions) -> str:
    if not d.answered:
        return f"Stage {stage}: no response issued in the year."
    parts = [f"{d.counts[k]} {DECISION_HEADINGS[k].lower()}" for k in DECISIONS]
    if d.counts[NO_DECISION]:
        parts.append(f"{d.counts[NO_DECISION]} with no decision recorded")
    return (f"Stage {stage}: {_n(d.answered, 'response')} issued: {_list(parts)}; "
            f"{percent(d.rate)} of those with a decision upheld or partly upheld.")


def _remedies_lines(r: Remedies) -> tuple[str, ...]:
    if not r.responses:
        return ("No response issued in the year, so no remedy recorded.",)
    if not r.offered:
        return (f"None of the {_n(r.responses, 'response')} issued in the year records a remedy.",)
    kinds = _list([f"{_lower(display.label(display.REMEDY_LABELS, k))} {n}"
                   for k, n in r.by_kind.items()])
    money = (f"{_n(r.financial, 'financial remedy', 'financial remedies')} offered, totalling "
             f"{display.fmt_money(r.financial_total)}." if r.financial
             else "No financial remedy offered.")
    return (f"{_n(r.offered, 'remedy', 'remedies')} offered with {_of(r.with_remedy, r.responses)} "
            f"responses issued in the year (by kind: {kinds}).", money)


def _follow_ups_lines(figures: CodeFigures) -> tuple[str, ...]:
    c = figures.follow_up_counts()
    if not c["added"]:
        return ("Follow-up actions (6.6): none promised on a complaint in the year.",)
    return (f"Follow-up actions (6.6): {_n(c['added'], 'action')} promised in the year: "
            f"{c[DONE]} done "
            f"({c['done_by_due']} by the due date), {c[OVERDUE]} overdue, "
            f"{c[FOLLOW_UP_OPEN]} open and not yet due (as of {long_day(figures.today)}); "
            f"{c['no_due_date']} without a due date.",)


def self_assessment(figures: CodeFigures, code_profile: Profile,
                    exclusion_titles: Mapping[str, str] | None = None,
                    type_labels: Mapping[str, str] | None = None,
                    channel_labels: Mapping[str, str] | None = None) -> tuple[Requirement, ...]:
    """The Code's main requirements (paraphrased), each with what `figures` show."""
    titles, types, channels = exclusion_titles or {}, type_labels or {}, channel_labels or {}
    one, two = code_profile.stage1, code_profile.stage2
    t = figures.timeliness
    tsm = figures.tsm

    received = _list([f"{n} {_lower(types.get(k, k))}{'' if n == 1 else 's'}"
                      for k, n in figures.received.items()])
    refusals = figures.refusals
    kinds = Counter(r.exclusion for r in refusals)
    refused_lines: list[str] = []
    if refusals:
        at_stage2 = sum(r.stage2_request for r in refusals)
        refused_lines.append(
            f"{_n(len(refusals), 'refusal')} in the year: "
            + _list([f'{n} "{titles.get(k, k or "no exclusion given")}"'
                     for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))])
            + f" ({_n(len(refusals) - at_stage2, 'complaint')} not accepted at stage 1, "
              f"{_n(at_stage2, 'request')} for stage 2 refused).")
        refused_lines.append(f"A \"not accepted\" letter is recorded after "
                             f"{_of(sum(r.letter for r in refusals), len(refusals))} of them.")
    else:
        refused_lines.append("No complaint was refused in the year.")
    refused_lines.append(f"Complaints received in the year that the assistant flagged as "
                         f"possibly excluded: {figures.awaiting_acceptance} awaiting a person's "
                         f"decision; accepted all the same in the year: "
                         f"{figures.accepted_despite_exclusion}.")

    channel_text = _list([f"{n} by {_lower(channels.get(k, k))}"
                          for k, n in figures.channels.items()
                          if n]) or "none"
    s2 = figures.stage2
    different, same = figures.stage2_handlers
    lc = figures.lesson_counts()
    lessons_lines = (
        f"{_n(lc['recorded'], 'lesson')} learned recorded in the year: {lc[DONE]} done "
        f"({lc['done_by_target']} by the target date), {lc[DUE]} due, {lc[OVERDUE]} overdue "
        f"(as of {long_day(figures.today)}); {lc['no_target']} without a target "
        f"date.",
        "The lessons-learned register on the Reports page lists them, for the panel and board.")

    return (
        Requirement(
            "1. Definitions", "1.2 to 1.5",
            "Any expression of dissatisfaction, however made, is treated as a complaint; "
            "service requests are recorded, and dissatisfaction with one is raised as a "
            "complaint, even while the request is still being dealt with.",
            (f"Received in the year: {received or 'nothing'}.",)),
        Requirement(
            "2. Exclusions", "2.2, 2.3",
            "A complaint is refused only for a reason the policy lists, decided case by case; "
            "the resident is told why, and of their right to take the decision to the Ombudsman.",
            tuple(refused_lines)),
        Requirement(
            "3. Accessibility and awareness", "3.1, 3.2",
            "Residents can complain in any way and to any member of staff; reasonable "
            "adjustments are anticipated, recorded and kept under review.",
            (f"Complaints received in the year: {channel_text}.",
             f"With a reasonable adjustment recorded: "
             f"{_of(figures.adjustments, figures.complaints)}; made by a representative: "
             f"{_of(figures.representatives, figures.complaints)}.")),
        Requirement(
            "4. Complaint handling staff", "section 4",
            "A person or team is responsible for complaint handling, including liaison with the "
            "Ombudsman and reporting to the governing body, with the access and authority to "
            "put things right.", ()),
        Requirement(
            "5. The complaint handling process", "section 5",
            "Exactly two stages, with no informal stage; on logging, the landlord sets out its "
            "understanding of the complaint and the outcome the resident wants.",
            (f"The case store has two stages and no other: "
             f"{tsm.stage1_received} complaints were taken on at stage 1 in the year and "
             f"{tsm.stage2_received} reached stage 2.",)),
        Requirement(
            "6. Stage 1: acknowledgement", "6.2",
            f"Acknowledged, defined and logged within {one.acknowledge_working_days} working "
            f"days of receipt.",
            (_timely(t["stage1_acknowledged"], "complaints received in the year",
                     one.acknowledge_working_days, "acknowledged"),)),
        Requirement(
            "6. Stage 1: response", "6.3",
            f"Responded to within {one.respond_working_days} working days of the "
            f"acknowledgement (or by an extension's date).",
            (f"CH02: {_of(tsm.stage1_responded_in_time, tsm.stage1_responded)} stage 1 "
             f"responses issued in the year were within the Code's timescales.",
             _timely(t["stage1_responded"], "complaints received in the year",
                     one.respond_working_days, "answered"))),
        Requirement(
            "6. Stage 1: extensions", "6.4, 6.5",
            f"An extension of no more than {one.extension_working_days} working days, with the "
            f"reasons explained and the Ombudsman's contact details given.",
            _extensions_shown(figures, 1, one.extension_working_days)),
        Requirement(
            "6. Stage 2: requests", "6.12",
            "A request for stage 2 is taken on (the resident need not give reasons), unless an "
            "exclusion applies.",
            (f"{_n(s2.requested, 'request')} for stage 2 in the year: {s2.taken} taken to "
             f"stage 2, {s2.refused} refused, {s2.awaiting} awaiting a manager's decision on a "
             f"late request, {s2.closed} closed without stage 2.",)),
        Requirement(
            "6. Stage 2: acknowledgement", "6.11",
            f"Acknowledged within {two.acknowledge_working_days} working days of the request.",
            (_timely(t["stage2_acknowledged"], "complaints that reached stage 2 in the year",
                     two.acknowledge_working_days, "acknowledged"),)),
        Requirement(
            "6. Stage 2: handled by someone new", "6.13",
            "Stage 2 is considered by someone who did not handle stage 1.",
            ((f"{_of(different, different + same)} stage 2 responses issued in the year were "
              f"recorded by someone other than whoever recorded the stage 1 response."
              if different + same else "No stage 2 response issued in the year."),)),
        Requirement(
            "6. Stage 2: response", "section 6",
            f"Responded to within {two.respond_working_days} working days of the "
            f"acknowledgement, an extension of no more than {two.extension_working_days} "
            f"working days.",
            (f"CH02: {_of(tsm.stage2_responded_in_time, tsm.stage2_responded)} stage 2 "
             f"responses issued in the year were within the Code's timescales.",
             _timely(t["stage2_responded"], "complaints that reached stage 2 in the year",
                     two.respond_working_days, "answered"),
             *_extensions_shown(figures, 2, two.extension_working_days))),
        Requirement(
            "7. Putting things right", "section 7, 6.6",
            "Where something has gone wrong, the landlord puts it right: an apology, an "
            "explanation, action, a financial remedy, a change of policy. The response is issued "
            "when the answer is known; the actions it promises are tracked and carried out "
            "promptly (6.6).",
            (_decisions_line(1, figures.decisions[1]), _decisions_line(2, figures.decisions[2]),
             *_remedies_lines(figures.remedies), *_follow_ups_lines(figures))),
        Requirement(
            "8. Self-assessment, reporting and compliance", "section 8",
            "An annual complaints performance and service improvement report, with this "
            "self-assessment, goes to the governing body and is published.", ()),
        Requirement(
            "9. Learning from complaints", "section 9",
            "Complaints are used to learn and improve: lessons are identified, acted on and "
            "reported to the governing body.", lessons_lines),
        Requirement(
            "9. Scrutiny and oversight", "section 9",
            "A Member Responsible for Complaints on the governing body; the complaints officer "
            "has access to it.", ()),
    )


def span(figures: CodeFigures) -> str:
    """'1 April 2026 to 31 March 2027', or to today while the year is not over."""
    text = (f"{long_day(figures.year.start)} to "
            f"{long_day(figures.year.end)}")
    return text if figures.complete else text + " (the year is not over: figures to date)"


def self_assessment_markdown(figures: CodeFigures, requirements: Sequence[Requirement],
                             landlord: str | None = None) -> str:
    """The draft as a Markdown file for the landlord to complete."""
    lines = [
        f"# Complaint Handling Code self-assessment {year_label(figures.year)}: DRAFT",
        "",
        f"{landlord + ': ' if landlord else ''}{span(figures)}.",
        "",
        "This is a draft to complete. It lists the Housing Ombudsman's Complaint Handling Code's "
        "main requirements (paraphrased: check them against the Code itself), with what the "
        "case data shows for complaints about housing. Where the data cannot tell, write the "
        "evidence and commentary yourselves; then have the governing body approve it and "
        "publish it with the annual complaints performance and service improvement report.",
        "",
    ]
    for req in requirements:
        lines += [f"## {req.section} ({req.provisions})", "", f"**Requirement:** {req.requirement}",
                  "", "**What the data shows:**", ""]
        lines += [f"- {line}" for line in (req.shows or (CANNOT_SHOW,))]
        lines += ["", "**Evidence / commentary:** ______________________________", ""]
    lines += [f"_Drafted by Intake on {long_day(figures.today)}._", ""]
    return "\n".join(lines)
