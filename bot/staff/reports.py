"""Report figures, computed from plain facts about cases: no database, no web, no clock.

Everything here is a pure function of its arguments (case facts, policy profiles, a period and
"today"), so the figures can be checked against cases built with known dates. The staff pages
turn case rows into `CaseFacts` with `CaseFacts.from_case` and render what these functions return;
at a large landlord's volume the counts of cases received come from the database instead, and
only the cases the other figures read are turned into facts, with only what those figures read
and the moments as UK dates (`bot.staff.report_queries`). A moment may be a datetime or its UK
date: every figure counts by UK date.

Definitions (also on the Reports page and in docs/staff.md):

* A case's **received** date is the UK date it was filed; a stage 2 complaint's is the date
  stage 2 was asked for (`stage2_requested_at`).
* **Counts** (by type, service, channel and month): the cases received in the period.
* **Policy timeliness**, for complaints received in the period (stage 1) or that reached stage 2
  in the period (stage 2), under each case's own policy profile: acknowledged within the
  profile's time from receipt; responded within the profile's time, counted from the
  acknowledgement (or from receipt, if the profile says so), or by the extended date when the
  deadline was extended, up to the longest extension the profile allows. A late acknowledgement
  counts from when it was due (acknowledging late buys no time to respond). A response without
  an acknowledgement acknowledges too. A stage that ended without the action (closed, escalated,
  not accepted) counts as late only if it ended after the deadline. A case still waiting whose
  deadline has not passed yet is "not yet due" and left out of the share.
* **TSM CH01** (Regulator of Social Housing): stage 1 complaints received in the period, and
  complaints that reached stage 2 in the period, per 1,000 homes. A complaint not accepted (or
  still awaiting that decision) without ever being acknowledged or answered at that stage is not
  counted at it; one accepted at stage 1 still counts there when a later stage 2 request is
  refused.
* **TSM CH02**: of the stage 1 (stage 2) responses issued in the period, the share issued within
  the Complaint Handling Code's timescales (the `housing-ombudsman-code` profile, whatever the
  landlord's own), counted as above: from the acknowledgement, or from when it was due if it came
  late, an extension counting up to the Code's permitted length.
* CH01 and CH02 count complaints about the `housing` service: complaints about care or new-build
  sales go to other ombudsmen and codes.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

from bot.policy import Profile
from bot.policy.deadlines import (
    complaint_deadlines, max_extension_working_days, stage2_deadlines, uk_date,
)
from bot.workdays import add_working_days
from bot import vocabulary

CASE_TYPES = vocabulary.CASE_TYPES
TSM_SERVICES = ("housing",)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

# Outcomes of one timeliness measure for one case.
MET, LATE, OVERDUE = "met", "late", "overdue"
NOT_YET_DUE, NOT_COUNTED = "not yet due", "not counted"


# --- the facts ------------------------------------------------------------------------------------

def _uk_day(moment: datetime | date) -> date:
    """`uk_date`, at once for a date (the facts the reports page reads hold UK dates)."""
    return moment if moment.__class__ is date else uk_date(moment)


@dataclass(frozen=True)
class Extension:
    stage: int
    new_date: date
    agreed: bool = False    # a further extension the resident agreed to (past the usual limit)


@dataclass(frozen=True)
class HistoryFact:
    """One entry of a case's history that the governance reports read (`HISTORY_KINDS`): its
    kind, when, at which stage, by whom, the status before it, and its details."""

    kind: str
    at: datetime | date
    stage: int | None = None
    actor: str = ""
    status_before: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return _uk_day(self.at)


# The history entries kept in `CaseFacts.history`: responses (their decisions), lessons learned,
# refusals, acknowledgements (acceptance despite an exclusion), extensions and letters.
HISTORY_KINDS = ("acknowledged", "extended", "responded", "not_accepted", "lessons_learned",
                 "letter_sent")


def read_by_the_self_assessment(fact: HistoryFact) -> bool:
    """Whether the self-assessment reads a history entry: every one of `HISTORY_KINDS` but an
    acknowledgement, read only when it accepted the complaint despite an exclusion
    (`report_queries.assessment_facts` leaves the others out: nearly every complaint has one)."""
    return fact.kind != "acknowledged" or bool(fact.details.get("accepted_despite_exclusion"))


@dataclass(frozen=True)
class CaseFacts:
    """What the reports need to know about one case."""

    reference: str
    case_type: str
    received_at: datetime | date
    service: str = "housing"
    channel: str = "rest"
    status: str = "new"
    stage: int | None = None
    policy_profile: str = "housing-ombudsman-code"
    acknowledged_at: datetime | date | None = None
    responded_at: datetime | date | None = None
    stage2_requested_at: datetime | date | None = None
    stage2_acknowledged_at: datetime | date | None = None
    stage2_responded_at: datetime | date | None = None
    closed_at: datetime | date | None = None
    extensions: tuple[Extension, ...] = ()
    reasonable_adjustments: bool = False   # any recorded
    representative: bool = False           # made by someone on the resident's behalf
    history: tuple[HistoryFact, ...] = ()  # in the order recorded

    @classmethod
    def from_case(cls, case: Any, events: Iterable[Any] = (),
                  day: Callable[[Any], Any] | None = None) -> "CaseFacts":
        """From a case store `Case` and its history (in the order recorded: the extensions,
        and the entries of `HISTORY_KINDS`). `day`: the moments kept as UK dates, by `day`
        (`uk_day`), all the reports read of them; else as they are."""
        extensions, history = [], []
        for event in events:
            kind = getattr(event, "kind", None)
            if kind in HISTORY_KINDS:
                history.append(history_fact(event, day))
            if kind == "extended":
                extension = extension_of(event)
                if extension is not None:
                    extensions.append(extension)
        on = day or (lambda moment: moment)
        return cls(
            reference=case.reference, case_type=case.case_type, received_at=on(case.created_at),
            service=case.service, channel=case.channel, status=case.status, stage=case.stage,
            policy_profile=case.policy_profile, acknowledged_at=on(case.acknowledged_at),
            responded_at=on(case.responded_at), stage2_requested_at=on(case.stage2_requested_at),
            stage2_acknowledged_at=on(case.stage2_acknowledged_at),
            stage2_responded_at=on(case.stage2_responded_at), closed_at=on(case.closed_at),
            extensions=tuple(extensions),
            reasonable_adjustments=has_adjustments(getattr(case, "reasonable_adjustments", None)),
            representative=has_representative(getattr(case, "representative_name", None),
                                              getattr(case, "representative_relationship", None)),
            history=tuple(history),
        )

    # UK calendar dates of the moments
    @property
    def received(self) -> date:
        value = self.received_at
        return value if value.__class__ is date else uk_date(value)

    def day(self, name: str) -> date | None:
        value = getattr(self, name)
        return value if value is None or value.__class__ is date else uk_date(value)

    @property
    def not_accepted(self) -> bool:
        """Not accepted as a complaint, or still awaiting that decision."""
        return self.status in ("not accepted", "not accepted - pending review")

    @property
    def reached_stage2(self) -> bool:
        return self.stage == 2 and self.stage2_requested_at is not None

    @property
    def accepted_at_stage1(self) -> bool:
        """Taken on at stage 1: not refused (nor awaiting that decision) without ever having been
        acknowledged or answered. A later refusal, e.g. of a late stage 2 request, leaves the
        stage 1 complaint accepted."""
        return not (self.not_accepted and self.acknowledged_at is None
                    and self.responded_at is None)

    @property
    def accepted_at_stage2(self) -> bool:
        """Taken on at stage 2: reached it, and not refused there before any acknowledgement or
        response of stage 2."""
        return self.reached_stage2 and not (
            self.not_accepted and self.stage2_acknowledged_at is None
            and self.stage2_responded_at is None)


@lru_cache(maxsize=1 << 16)
def uk_date_of_utc_hour(year: int, month: int, day: int, hour: int) -> date:
    """The UK date of an hour in UTC (the UK's clocks change on the hour), worked out once: the
    reports read hundreds of thousands of moments that fall in a few thousand hours."""
    return uk_date(datetime(year, month, day, hour, tzinfo=timezone.utc))


def uk_day(moment: Any) -> Any:
    """`uk_date` of a moment through `uk_date_of_utc_hour` when it is in UTC; None and dates as they are."""
    if moment is None or moment.__class__ is date:
        return moment
    if moment.tzinfo is not timezone.utc:
        return uk_date(moment)
    return uk_date_of_utc_hour(moment.year, moment.month, moment.day, moment.hour)


def has_adjustments(adjustments: str | None) -> bool:
    """Whether a case records reasonable adjustments (a blank answer is none)."""
    return bool((adjustments or "").strip())


def has_representative(name: str | None, relationship: str | None) -> bool:
    """Whether someone brought the case for the resident (a name or a relationship given)."""
    return bool(name or relationship)


def counted_at(issued_at: str | None, recorded: Any, day: Callable[[Any], Any] | None = None) -> Any:
    """When a history entry counts from: a response recorded after the day it went out counts
    from when it was issued (`issued_at`, read by `day` when given); else when it was recorded."""
    if not issued_at:
        return recorded
    issued = datetime.fromisoformat(issued_at)
    return day(issued) if day else issued


def history_fact(event: Any, day: Callable[[Any], Any] | None = None) -> HistoryFact:
    """One history entry (a `CaseEvent`, or anything with its attributes) as a fact (`counted_at`).
    `day`: as `from_case`."""
    details = event.details or {}
    at = counted_at(details.get("issued_at"), event.at)
    return HistoryFact(kind=event.kind, at=day(at) if day else at,
                       stage=event.stage, actor=event.actor or "",
                       status_before=event.status_before, details=dict(details))


def extension_of(event: Any) -> Extension | None:
    """The extension an "extended" history entry gave (None without a new date)."""
    details = event.details or {}
    new_date = details.get("new_date")
    if not new_date:
        return None
    stage = event.stage or (2 if str(details.get("deadline", "")).startswith("stage2") else 1)
    return Extension(stage=int(stage), new_date=date.fromisoformat(str(new_date)),
                     agreed=bool(details.get("resident_agreement")))


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included (UK dates)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        months, (year, month) = [], (self.start.year, self.start.month)
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    @classmethod
    def financial_year(cls, today: date) -> "Period":
        """The reporting year of the TSMs (1 April to 31 March) that contains `today`, to date."""
        first = today.year if today.month >= 4 else today.year - 1
        return cls(date(first, 4, 1), min(today, date(first + 1, 3, 31)))


def month_label(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year}"


def share(numerator: int, denominator: int) -> Fraction | None:
    return None if denominator == 0 else Fraction(numerator, denominator)


def percent(value: Fraction | None, places: int = 1) -> str:
    """'87.5%' ('-' when there is nothing to divide)."""
    return "-" if value is None else f"{float(value) * 100:.{places}f}%"


# --- counts ---------------------------------------------------------------------------------------

def received_in(cases: Iterable[CaseFacts], period: Period) -> list[CaseFacts]:
    return [c for c in cases if c.received in period]


def counts_by(cases: Iterable[CaseFacts], period: Period, attribute: str,
              keys: Sequence[str] = ()) -> dict[str, int]:
    """Cases received in the period by `attribute` (case_type, service or channel). The `keys`
    come first, in their order, also when nothing has them; any others follow, sorted."""
    counts: dict[str, int] = {}
    for case in received_in(cases, period):
        value = getattr(case, attribute) or ""
        counts[value] = counts.get(value, 0) + 1
    return ordered_counts(counts, keys)


def ordered_counts(counts: Mapping[str, int], keys: Sequence[str] = ()) -> dict[str, int]:
    """The `keys` first, in their order, also when nothing has them; any others follow, sorted.
    (The database counts the same way: `bot.staff.report_queries`.)"""
    extra = sorted(k for k in counts if k not in keys)
    return {k: counts.get(k, 0) for k in (*keys, *extra)}


def monthly_volumes(cases: Iterable[CaseFacts], period: Period,
                    types: Sequence[str] = CASE_TYPES) -> list[dict[str, Any]]:
    """One row per month of the period: year, month, label, count per type and total."""
    rows = {ym: {t: 0 for t in types} for ym in period.months()}
    for case in received_in(cases, period):
        row = rows[(case.received.year, case.received.month)]
        row[case.case_type] = row.get(case.case_type, 0) + 1
    return [{"year": y, "month": m, "label": month_label(y, m), "counts": counts,
             "total": sum(counts.values())} for (y, m), counts in rows.items()]


# --- timeliness -----------------------------------------------------------------------------------

_TALLIED = {MET: "met", LATE: "late", OVERDUE: "overdue", NOT_YET_DUE: "not_yet_due"}


@dataclass
class Tally:
    """How many cases met a measure, missed it (late, or overdue and still waiting), and how many
    are not yet due."""

    met: int = 0
    late: int = 0
    overdue: int = 0
    not_yet_due: int = 0
    references: dict[str, list[str]] = field(default_factory=dict)

    def add(self, outcome: str, reference: str) -> None:
        if outcome == NOT_COUNTED:
            return
        attribute = _TALLIED[outcome]
        setattr(self, attribute, getattr(self, attribute) + 1)
        self.references.setdefault(outcome, []).append(reference)

    @property
    def missed(self) -> int:
        return self.late + self.overdue

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> Fraction | None:
        return share(self.met, self.counted)


def _outcome(deadline: date | None, done: date | None, ended: date | None, today: date) -> str:
    """`done`: when the action happened; `ended`: when the stage ended without it."""
    if deadline is None:
        return NOT_COUNTED
    if done is not None:
        return MET if done <= deadline else LATE
    if ended is not None:
        return LATE if ended > deadline else NOT_COUNTED
    return OVERDUE if today > deadline else NOT_YET_DUE


# Deadlines repeat: a year's 100,000 cases fall on 365 days, so each profile's deadlines are
# worked out once per (dates, service) and remembered; counting working days one day at a time
# for every case was most of the reports' time. They are remembered by what the profile says
# (`_settings_key`: its name and a digest of its settings), so a profile loaded again shares them
# and a changed one under the same name does not. Working out the digest takes about a
# millisecond, so it is done once per profile object: `_SEEN` goes from the object's id to the
# object itself (held, so that no other object can get its id while the entry lasts) and its
# deadlines.
_REMEMBERED: dict[tuple[str, str], dict] = {}
_UNKNOWN = object()
_SEEN: dict[int, tuple[Profile, dict]] = {}


def _settings_key(profile: Profile) -> tuple[str, str]:
    """What identifies a profile's deadlines: its name and a digest of everything it sets (not the
    file it was read from)."""
    text = profile.json(exclude={"source"}, sort_keys=True)
    return profile.name, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _remembered(profile: Profile, key: tuple, compute: Callable[[], Any]) -> Any:
    seen = _SEEN.get(id(profile))
    if seen is None or seen[0] is not profile:
        if len(_SEEN) > 64:
            _SEEN.clear()
            _REMEMBERED.clear()
        seen = _SEEN[id(profile)] = (profile, _REMEMBERED.setdefault(_settings_key(profile), {}))
    values = seen[1]
    value = values.get(key, _UNKNOWN)
    if value is _UNKNOWN:
        if len(values) > 100_000:
            values.clear()
        value = values[key] = compute()
    return value


def extension_limit(profile: Profile, stage: int, due: date) -> date:
    """The latest date an extension of `stage` may give, the response being due on `due`."""
    return _remembered(profile, ("limit", stage, due), lambda: add_working_days(
        due, max_extension_working_days(profile, stage), profile.region))


def _permitted(profile: Profile, stage: int, due: date, extensions: Iterable[Extension]) -> date:
    """The response deadline with the case's extensions of `stage`: at most the longest
    extension the profile allows after `due`, unless the resident agreed to a further one and
    the profile allows that (the store refuses one without the agreement)."""
    mine = [e for e in extensions if e.stage == stage]
    if not mine:
        return due
    limit = extension_limit(profile, stage, due)
    rules = profile.stage2 if stage == 2 else profile.stage1
    if getattr(rules, "further_extension_needs_agreement", False):
        agreed = [e.new_date for e in mine if e.agreed]
        if agreed:
            limit = max(limit, max(agreed))
    return min(max(max(e.new_date for e in mine), due), limit)


def _follows_code_stages(profile: Profile, service: str) -> bool:
    def compute() -> bool:
        try:
            return profile.service(service).consumer_code is None
        except Exception:  # noqa: BLE001 - a service the profile does not have
            return False
    return _remembered(profile, ("code stages", service), compute)


@dataclass(frozen=True)
class StageDeadlines:
    acknowledge_by: date | None
    response_by: date | None       # with permitted extensions


def stage1_deadlines(case: CaseFacts, profile: Profile) -> StageDeadlines:
    """Stage 1's acknowledgement and response deadlines, the response with the case's permitted
    extensions."""
    due = unextended_stage1(case, profile)
    if case.extensions and _follows_code_stages(profile, case.service):
        return StageDeadlines(due.acknowledge_by,
                              _permitted(profile, 1, due.response_by, case.extensions))
    return due   # no extension: the deadlines as they were


def unextended_stage1(case: CaseFacts, profile: Profile) -> StageDeadlines:
    """Stage 1's deadlines before any extension."""
    received = case.received
    acknowledged = case.day("acknowledged_at") or case.day("responded_at")
    if acknowledged is not None and acknowledged < received:
        acknowledged = received
    # A late acknowledgement buys no time: the policy counts from when it was due.
    def compute() -> StageDeadlines:
        values = complaint_deadlines(profile, received, service=case.service,
                                     acknowledged=acknowledged)
        return StageDeadlines(values["acknowledge_by"], values["stage1_response_by"])
    return _remembered(profile, ("stage1", received, acknowledged, case.service), compute)


def stage2_deadlines_of(case: CaseFacts, profile: Profile) -> StageDeadlines | None:
    """Stage 2's deadlines (the response with the permitted extensions), or None before it."""
    due = unextended_stage2(case, profile)
    if due is None or not case.extensions:
        return due
    return StageDeadlines(due.acknowledge_by,
                          _permitted(profile, 2, due.response_by, case.extensions))


def unextended_stage2(case: CaseFacts, profile: Profile) -> StageDeadlines | None:
    """Stage 2's deadlines before any extension, or None if the complaint never reached it."""
    if not case.reached_stage2 or not _follows_code_stages(profile, case.service):
        return None
    requested = case.day("stage2_requested_at")
    acknowledged = case.day("stage2_acknowledged_at") or case.day("stage2_responded_at")
    if acknowledged is not None and acknowledged < requested:
        acknowledged = requested
    def compute() -> StageDeadlines:
        values = stage2_deadlines(profile, requested, service=case.service,
                                  acknowledged=acknowledged)
        return StageDeadlines(values["acknowledge_by"], values["response_by"])
    return _remembered(profile, ("stage2", requested, acknowledged, case.service), compute)


def _stage1_end(case: CaseFacts) -> date | None:
    """When stage 1 ended without a response (escalated, closed or not accepted)."""
    if case.stage == 2 and case.stage2_requested_at is not None:
        return case.day("stage2_requested_at")
    if case.status in ("closed", "not accepted"):
        return case.day("closed_at")
    return None


def _stage2_end(case: CaseFacts) -> date | None:
    return case.day("closed_at") if case.status in ("closed", "not accepted") else None


def stage_outcomes(case: CaseFacts, profile: Profile, today: date) -> dict[str, str]:
    """The outcome of each measure for one complaint: stage1_acknowledged, stage1_responded,
    and, once it reached stage 2, stage2_acknowledged and stage2_responded."""
    result: dict[str, str] = {}
    if case.case_type != "complaint":
        return result
    if not case.accepted_at_stage1:
        return result  # refused (or awaiting the decision): neither acknowledged nor answered
    one = stage1_deadlines(case, profile)
    acknowledged = case.day("acknowledged_at") or case.day("responded_at")
    end1 = _stage1_end(case)
    result["stage1_acknowledged"] = _outcome(one.acknowledge_by, acknowledged, end1, today)
    result["stage1_responded"] = _outcome(one.response_by, case.day("responded_at"), end1, today)
    two = stage2_deadlines_of(case, profile)
    if two is not None:
        acknowledged2 = case.day("stage2_acknowledged_at") or case.day("stage2_responded_at")
        end2 = _stage2_end(case)
        result["stage2_acknowledged"] = _outcome(two.acknowledge_by, acknowledged2, end2, today)
        result["stage2_responded"] = _outcome(two.response_by, case.day("stage2_responded_at"),
                                              end2, today)
    return result


MEASURES = ("stage1_acknowledged", "stage1_responded", "stage2_acknowledged", "stage2_responded")
MEASURE_LABELS = {
    "stage1_acknowledged": "Stage 1 acknowledged in time",
    "stage1_responded": "Stage 1 responded to in time",
    "stage2_acknowledged": "Stage 2 acknowledged in time",
    "stage2_responded": "Stage 2 responded to in time",
}


def timeliness(cases: Iterable[CaseFacts], profiles: Callable[[str], Profile], period: Period,
               today: date) -> dict[str, Tally]:
    """Policy timeliness of complaints: stage 1 measures for complaints received in the period,
    stage 2 measures for complaints that reached stage 2 in the period, each under the case's
    own policy profile (`profiles(name)` gives it)."""
    tallies = {measure: Tally() for measure in MEASURES}
    for case in cases:
        if case.case_type != "complaint":
            continue
        in_stage1 = case.received in period
        in_stage2 = case.reached_stage2 and case.day("stage2_requested_at") in period
        if not (in_stage1 or in_stage2):
            continue
        outcomes = stage_outcomes(case, profiles(case.policy_profile), today)
        for measure, outcome in outcomes.items():
            if (measure.startswith("stage1") and in_stage1) or (
                    measure.startswith("stage2") and in_stage2):
                tallies[measure].add(outcome, case.reference)
    return tallies


# --- Tenant Satisfaction Measures -----------------------------------------------------------------

# Shown instead of CH01's rate until the number of homes is set: a default would be made up.
HOMES_NOT_SET = "Set the number of homes (Settings) to see CH01 per 1,000 homes"


@dataclass(frozen=True)
class TSM:
    homes: int | None           # None: not set
    stage1_received: int
    stage2_received: int
    stage1_responded: int
    stage1_responded_in_time: int
    stage2_responded: int
    stage2_responded_in_time: int
    not_counted: int            # complaints received in the period but not (yet) accepted

    @property
    def homes_set(self) -> bool:
        return self.homes is not None and self.homes > 0

    @property
    def ch01_stage1(self) -> Fraction | None:
        return Fraction(self.stage1_received * 1000, self.homes) if self.homes_set else None

    @property
    def ch01_stage2(self) -> Fraction | None:
        return Fraction(self.stage2_received * 1000, self.homes) if self.homes_set else None

    @property
    def ch02_stage1(self) -> Fraction | None:
        return share(self.stage1_responded_in_time, self.stage1_responded)

    @property
    def ch02_stage2(self) -> Fraction | None:
        return share(self.stage2_responded_in_time, self.stage2_responded)


def per_thousand(value: Fraction | None, places: int = 1) -> str:
    return "-" if value is None else f"{float(value):.{places}f}"


def tsm(cases: Iterable[CaseFacts], code_profile: Profile, homes: int | None, period: Period,
        services: Sequence[str] = TSM_SERVICES) -> TSM:
    """CH01 and CH02 for the period (see the module's docstring for the definitions)."""
    stage1 = stage2 = not_counted = 0
    responded1 = in_time1 = responded2 = in_time2 = 0
    for case in cases:
        if case.case_type != "complaint" or case.service not in services:
            continue
        if case.received in period:
            if case.accepted_at_stage1:
                stage1 += 1
            else:
                not_counted += 1
        if case.accepted_at_stage2 and case.day("stage2_requested_at") in period:
            stage2 += 1
        if case.day("responded_at") in period:
            responded1 += 1
            if case.day("responded_at") <= stage1_deadlines(case, code_profile).response_by:
                in_time1 += 1
        if case.reached_stage2 and case.day("stage2_responded_at") in period:
            two = stage2_deadlines_of(case, code_profile)
            if two is not None:
                responded2 += 1
                if case.day("stage2_responded_at") <= two.response_by:
                    in_time2 += 1
    return TSM(homes=homes, stage1_received=stage1, stage2_received=stage2,
               stage1_responded=responded1, stage1_responded_in_time=in_time1,
               stage2_responded=responded2, stage2_responded_in_time=in_time2,
               not_counted=not_counted)


# --- tables, for the page and the CSV downloads ---------------------------------------------------

@dataclass(frozen=True)
class Table:
    """A report table: its name (for the CSV file), title, column headings and rows of cells."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def count_table(name: str, title: str, heading: str, counts: Mapping[str, int],
                labels: Mapping[str, str] | None = None) -> Table:
    labels = labels or {}
    total = sum(counts.values())
    rows = [(labels.get(k, k or "(none)"), n, percent(share(n, total))) for k, n in counts.items()]
    rows.append(("Total", total, percent(share(total, total)) if total else "-"))
    return Table(name, title, (heading, "Cases", "Share"), tuple(rows))


def monthly_table(volumes: list[dict[str, Any]], types: Sequence[str],
                  labels: Mapping[str, str] | None = None) -> Table:
    labels = labels or {}
    columns = ("Month", *(labels.get(t, t) for t in types), "Total")
    rows = tuple((row["label"], *(row["counts"].get(t, 0) for t in types), row["total"])
                 for row in volumes)
    return Table("by-month", "Cases received by month", columns, rows)


def timeliness_table(tallies: Mapping[str, Tally]) -> Table:
    rows = tuple((MEASURE_LABELS[m], t.met, t.late, t.overdue, t.not_yet_due, percent(t.share))
                 for m, t in tallies.items())
    return Table("timeliness", "Complaints within the policy's timescales",
                 ("Measure", "In time", "Late", "Overdue (still waiting)", "Not yet due",
                  "Share in time"), rows)


def tsm_table(figures: TSM) -> Table:
    def ch01(received: int, rate: Fraction | None) -> tuple[str, str]:
        if figures.homes_set:
            return f"{received} / {figures.homes:,} homes", per_thousand(rate)
        return f"{received} complaint{'s' if received != 1 else ''}", HOMES_NOT_SET

    rows = (
        ("CH01 (stage 1)", "Stage 1 complaints received per 1,000 homes",
         *ch01(figures.stage1_received, figures.ch01_stage1)),
        ("CH01 (stage 2)", "Stage 2 complaints received per 1,000 homes",
         *ch01(figures.stage2_received, figures.ch01_stage2)),
        ("CH02 (stage 1)", "Stage 1 complaints responded to within the Code's timescales",
         f"{figures.stage1_responded_in_time} of {figures.stage1_responded}",
         percent(figures.ch02_stage1)),
        ("CH02 (stage 2)", "Stage 2 complaints responded to within the Code's timescales",
         f"{figures.stage2_responded_in_time} of {figures.stage2_responded}",
         percent(figures.ch02_stage2)),
    )
    return Table("tsm", "Tenant Satisfaction Measures", ("Measure", "What", "Figures", "Result"),
                 rows)
