"""Deadlines under a policy profile, counted on the profile's working-day calendar.

All counting follows `bot.workdays`: "within N working days of D" is the Nth working day after D
(D itself never counts, even when it is a working day), "within N calendar days of D" is D + N.
A case filed at a weekend or on a bank holiday counts from that day like any other.

Datetimes: a timezone-aware datetime is first converted to UK time (Europe/London), so a case
filed at 23:30 UTC on a summer evening counts from the next day, as the resident sees it. A naive
datetime is taken to be UK time already.

Services: a service whose profile entry has a `consumer_code` (e.g. new-build sales under the New
Homes Quality Code) follows that code's calendar-day process instead of stage 1 and stage 2.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.policy import PolicyError
from bot.policy.schema import CASE_TYPES, Profile
from bot.workdays import add_calendar_days, add_working_days
from bot import vocabulary

UK = vocabulary.UK

__all__ = [
    "uk_date", "complaint_deadlines", "case_deadlines", "stage2_deadlines", "stage2_request_by",
    "stage2_request_in_time", "extend", "extend_stage1", "extend_stage2", "extension_reasons",
    "awaab_deadlines", "repair_deadline", "not_accepted_reply_by", "director_contact_by",
    "consumer_code_start", "consumer_code_deadlines", "max_extension_working_days",
]


def uk_date(moment: date) -> date:
    """The UK calendar date of a date or datetime (aware datetimes converted to Europe/London)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(UK)
        return moment.date()
    if isinstance(moment, date):
        return moment
    raise TypeError(f"expected a date or datetime, got {type(moment).__name__}: {moment!r}")


def _wd(profile: Profile, d: date, n: int) -> date:
    return add_working_days(d, n, profile.region)


def _not_before(name: str, value: date | None, earliest: date, earliest_name: str) -> None:
    if value is not None and value < earliest:
        raise ValueError(f"{name} ({value.isoformat()}) is before {earliest_name} "
                         f"({earliest.isoformat()})")


def response_base_of(acknowledged: date | None, acknowledge_by: date) -> date:
    """What a stage's response window counts from: the acknowledgement, or when it was due if it
    came late (or has not come). The Code (5.4, 6.3) counts the response from the acknowledgement
    and sets a time for the acknowledgement: reading it so that acknowledging late buys no extra
    time is the reading that keeps the resident's total wait within the Code's, and it is the one
    rule the case record, the extension limit and the reports all use."""
    return acknowledge_by if acknowledged is None else min(acknowledged, acknowledge_by)


# --- stage 1 ------------------------------------------------------------------------------------

def complaint_deadlines(profile: Profile, received: date, acknowledged: date | None = None,
                        stage1_response: date | None = None, *,
                        service: str = "housing") -> dict[str, date]:
    """A complaint's deadlines, as `python -m bot deadlines` prints them.

    Keys: acknowledge_by, stage1_response_by (counted from `acknowledged`, or from acknowledge_by
    if that is earlier or no acknowledgement is given: see `response_base`; from receipt if the
    profile's stage 1 counts from receipt),
    stage1_extended_response_by (stage1_response_by plus the longest extension) and, only when
    `stage1_response` is given, stage2_request_by (the end of the window to ask for stage 2);
    stage1_contact_by when the profile sets when the handler gets in touch (from receipt).

    For a consumer-code service: acknowledge_by, stage1_response_by (the code's response) and
    stage1_extended_response_by (the code's final point, e.g. the eight-week letter), and
    resolution_plan_by where the code sets one; there is no stage 2, so no stage2_request_by.
    """
    received = uk_date(received)
    acknowledged = uk_date(acknowledged) if acknowledged is not None else None
    stage1_response = uk_date(stage1_response) if stage1_response is not None else None
    _not_before("acknowledged", acknowledged, received, "received")
    _not_before("stage 1 response", stage1_response, received, "received")

    code = profile.service(service).consumer_code
    if code is not None:
        start = consumer_code_start(profile, received)
        found = {
            "acknowledge_by": add_calendar_days(start, code.acknowledge_calendar_days),
            "stage1_response_by": add_calendar_days(start, code.response_calendar_days),
            "stage1_extended_response_by": add_calendar_days(start, code.final_calendar_days),
        }
        if code.resolution_plan_calendar_days is not None:  # the resident is told this date too
            found["resolution_plan_by"] = add_calendar_days(start, code.resolution_plan_calendar_days)
        return found

    stage1 = profile.stage1
    acknowledge_by = _wd(profile, received, stage1.acknowledge_working_days)
    if stage1.respond_from == "receipt":
        response_base = received
    else:
        response_base = response_base_of(acknowledged, acknowledge_by)
    response_by = _wd(profile, response_base, stage1.respond_working_days)
    result = {
        "acknowledge_by": acknowledge_by,
        "stage1_response_by": response_by,
        "stage1_extended_response_by": _wd(profile, response_by, stage1.extension_working_days),
    }
    if stage1.contact_working_days is not None:  # the handler gets in touch (if the policy says)
        result["stage1_contact_by"] = _wd(profile, received, stage1.contact_working_days)
    if stage1_response is not None:
        result["stage2_request_by"] = stage2_request_by(profile, stage1_response)
    return result


def consumer_code_start(profile: Profile, received: date) -> date:
    """A consumer code counts calendar days from the first working day after receipt."""
    return _wd(profile, uk_date(received), 1)


def consumer_code_deadlines(profile: Profile, received: date, service: str = "new-build") -> dict[str, date]:
    """Every milestone of a consumer-code service: acknowledge_by, resolution_plan_by (if the code
    has one), response_by and final_by (when the resident may go to the code's ombudsman)."""
    code = profile.service(service).consumer_code
    if code is None:
        raise PolicyError(f"service {service!r} of policy profile {profile.name!r} follows the "
                          f"complaint stages, not a consumer code")
    start = consumer_code_start(profile, received)
    result = {"acknowledge_by": add_calendar_days(start, code.acknowledge_calendar_days)}
    if code.resolution_plan_calendar_days is not None:
        result["resolution_plan_by"] = add_calendar_days(start, code.resolution_plan_calendar_days)
    result["response_by"] = add_calendar_days(start, code.response_calendar_days)
    result["final_by"] = add_calendar_days(start, code.final_calendar_days)
    return result


def not_accepted_reply_by(profile: Profile, received: date) -> date:
    """By when a resident must be told that their complaint is not accepted, and why."""
    return _wd(profile, uk_date(received), profile.time_limits.not_accepted_reply_working_days)


def director_contact_by(profile: Profile, received: date) -> date | None:
    """When a director must contact the resident if stage 1 is still unanswered (if the policy says)."""
    days = profile.stage1.director_contact_working_days
    return None if days is None else _wd(profile, uk_date(received), days)


# --- what the case store records when a case is filed -----------------------------------------

def case_deadlines(profile: Profile, case_type: str, filed_at: datetime,
                   service: str = "housing") -> dict[str, date]:
    """The deadlines recorded with a new case, counted from the moment it is filed.

    complaint: acknowledge_by, stage1_response_by, stage1_extended_response_by (for the
    service's process). service_request, asb_report, comment, compliment: acknowledge_by and/or
    respond_by where the profile sets a target for that kind; empty if it sets none.
    """
    if not vocabulary.is_case_type(case_type):
        raise ValueError(f"unknown case type {case_type!r}; known: {', '.join(CASE_TYPES)}")
    filed = uk_date(filed_at)
    if case_type == "complaint":
        return complaint_deadlines(profile, filed, service=service)
    profile.service(service)  # an unknown service is an error for every kind of case
    targets = profile.case_types.get(case_type)
    result: dict[str, date] = {}
    if targets is not None:
        if targets.acknowledge_working_days is not None:
            result["acknowledge_by"] = _wd(profile, filed, targets.acknowledge_working_days)
        if targets.respond_working_days is not None:
            result["respond_by"] = _wd(profile, filed, targets.respond_working_days)
    return result


# --- stage 2 ------------------------------------------------------------------------------------

def _stage2_service(profile: Profile, service: str, what: str = "stage 2") -> None:
    code = profile.service(service).consumer_code
    if code is not None:
        raise PolicyError(f"service {service!r} of policy profile {profile.name!r} follows the "
                          f"{code.name}, which has no {what}")


def stage2_request_by(profile: Profile, stage1_response: date, service: str = "housing") -> date:
    """The last day of the window to ask for stage 2, from the stage 1 response."""
    _stage2_service(profile, service)
    days, unit = profile.stage2.request_window
    sent = uk_date(stage1_response)
    return add_calendar_days(sent, days) if unit == "calendar" else _wd(profile, sent, days)


def stage2_request_in_time(profile: Profile, stage1_response: date, requested: date,
                           service: str = "housing") -> bool:
    """Whether a stage 2 request falls inside the profile's window (outside it, a person decides)."""
    return uk_date(requested) <= stage2_request_by(profile, stage1_response, service)


def stage2_deadlines(profile: Profile, requested: date, acknowledged: date | None = None,
                     service: str = "housing") -> dict[str, date]:
    """A stage 2 request's deadlines.

    Keys: contact_by (only if the policy sets a contact time), acknowledge_by, response_by
    (from `acknowledged`, or from acknowledge_by if that is earlier or no acknowledgement is
    given; from the request if the profile counts from it), extended_response_by.
    """
    _stage2_service(profile, service)
    requested = uk_date(requested)
    acknowledged = uk_date(acknowledged) if acknowledged is not None else None
    _not_before("acknowledged", acknowledged, requested, "the stage 2 request")
    stage2 = profile.stage2
    result: dict[str, date] = {}
    if stage2.contact_working_days is not None:
        result["contact_by"] = _wd(profile, requested, stage2.contact_working_days)
    acknowledge_by = _wd(profile, requested, stage2.acknowledge_working_days)
    result["acknowledge_by"] = acknowledge_by
    base = (requested if stage2.respond_from == "request"
            else response_base_of(acknowledged, acknowledge_by))
    response_by = _wd(profile, base, stage2.respond_working_days)
    result["response_by"] = response_by
    result["extended_response_by"] = _wd(profile, response_by, stage2.extension_working_days)
    return result


# --- extensions (staff actions) -----------------------------------------------------------------

def extension_reasons(profile: Profile, stage: int) -> list[tuple[str, str]]:
    """The allowed reasons for extending `stage` (1 or 2), as (key, text) pairs for a form."""
    return [(reason.key, reason.text) for reason in profile.extension_reasons(stage)]


def max_extension_working_days(profile: Profile, stage: int) -> int:
    if stage == 1:
        return profile.stage1.extension_working_days
    if stage == 2:
        return profile.stage2.extension_working_days
    raise ValueError(f"stage must be 1 or 2, not {stage!r}")


def extend(profile: Profile, stage: int, due: date, reason: str, working_days: int | None = None,
           service: str = "housing") -> date:
    """The new response date when staff extend `stage` whose response is due on `due`.

    `reason` must be one of the profile's allowed reason keys for that stage. `working_days`
    defaults to the longest extension the profile allows and may not exceed it.
    """
    _stage2_service(profile, service, f"stage {stage} extension")
    limit = max_extension_working_days(profile, stage)
    allowed = [key for key, _text in extension_reasons(profile, stage)]
    if reason not in allowed:
        raise PolicyError(f"{reason!r} is not an allowed reason for extending stage {stage} under "
                          f"policy profile {profile.name!r}; allowed: {', '.join(allowed)}")
    if limit == 0:
        raise PolicyError(f"policy profile {profile.name!r} allows no extension at stage {stage}")
    days = limit if working_days is None else working_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise PolicyError(f"an extension at stage {stage} must be 1 to {limit} working days under "
                          f"policy profile {profile.name!r}, not {working_days!r}")
    return _wd(profile, uk_date(due), days)


def extend_stage1(profile: Profile, due: date, reason: str, working_days: int | None = None,
                  service: str = "housing") -> date:
    return extend(profile, 1, due, reason, working_days, service)


def extend_stage2(profile: Profile, due: date, reason: str, working_days: int | None = None,
                  service: str = "housing") -> date:
    return extend(profile, 2, due, reason, working_days, service)


# --- repairs ------------------------------------------------------------------------------------

def awaab_deadlines(profile: Profile, reported_at: datetime, severity: str,
                    investigated: date | None = None) -> dict[str, date | datetime]:
    """Awaab's Law dates for a hazard reported at `reported_at`.

    emergency: investigate_by and make_safe_by, both datetimes `emergency_hours` after the report.
    significant: investigate_by (working days after the report), then summary_by and
    safety_work_by counted from the investigation: from `investigated` when it is known,
    otherwise from investigate_by (the latest the investigation may conclude).
    """
    law = profile.repairs.awaabs_law
    if law is None:
        raise PolicyError(f"policy profile {profile.name!r} does not apply Awaab's Law")
    if severity == "emergency":
        if not isinstance(reported_at, datetime):
            raise TypeError("an emergency hazard needs the time it was reported (a datetime)")
        by = reported_at + timedelta(hours=law.emergency_hours)
        return {"investigate_by": by, "make_safe_by": by}
    if severity == "significant":
        reported = uk_date(reported_at)
        investigate_by = _wd(profile, reported, law.significant_investigate_working_days)
        base = uk_date(investigated) if investigated is not None else investigate_by
        _not_before("investigated", base, reported, "reported")
        return {
            "investigate_by": investigate_by,
            "summary_by": _wd(profile, base, law.significant_summary_working_days),
            "safety_work_by": _wd(profile, base, law.significant_safety_work_working_days),
        }
    raise ValueError(f"severity must be 'emergency' or 'significant', not {severity!r}")


def repair_deadline(profile: Profile, priority: str, reported_at: datetime) -> date | datetime:
    """When a repair of the profile's `priority` is due (a datetime for an hours target)."""
    for item in profile.repairs.priorities:
        if item.key == priority:
            if item.within_hours is not None:
                return reported_at + timedelta(hours=item.within_hours)
            if item.within_working_days is not None:
                return _wd(profile, uk_date(reported_at), item.within_working_days)
            assert item.within_calendar_days is not None  # RepairPriority: one target is given
            return add_calendar_days(uk_date(reported_at), item.within_calendar_days)
    known = ", ".join(p.key for p in profile.repairs.priorities) or "none"
    raise PolicyError(f"policy profile {profile.name!r} has no repair priority {priority!r}; "
                      f"its priorities: {known}")
