"""Turn the intake form's answers into a case submission, and file it in the case store."""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Mapping

from bot.intake import answers, contact, dates, exclusions
from bot.intake.fields import NOT_GIVEN
from bot.ops import metrics

if TYPE_CHECKING:
    from bot.policy.schema import Profile

log = logging.getLogger(__name__)


class FilingFailed(RuntimeError):
    """The case store could not take the case; the answers are still in the conversation."""


def filed_exclusions(slots: Mapping[str, Any], profile: Profile, today: date) -> list[str]:
    """Worked out again from the final answers (a corrected date, service or answer can remove
    or add one): too old for the service's own time limit, legal proceedings, already
    investigated."""
    service = slots.get("service") or "housing"
    # Whether the limit counts from the home's sale is the profile's rule, not an answer.
    slots = {**slots, "home_date_needed": slots.get("feedback_kind") == "complaint"
             and profile.limit_from_sale(service)}
    return exclusions.applying(slots, today, profile.raise_within_months, service)


def submission_fields(slots: Mapping[str, Any], channel: str, conversation_id: str, *,
                      profile: Any = None, today: date | None = None) -> dict[str, Any]:
    """The case store's submission fields from the slots (see bot.cases CaseSubmission).

    `profile` (default: the active one) gives the time limits, `today` (default: the UK date)
    the day the exclusions are judged on."""
    if profile is None:
        from bot.policy import active_profile

        profile = active_profile()
    today = today or dates.uk_today(datetime.now(dates.UK)).date()
    # A detail the resident chose not to give is not a value.
    slots = {name: (None if value == NOT_GIVEN else value) for name, value in slots.items()}
    kind = slots.get("feedback_kind")
    service = slots.get("service") or "housing"
    found = filed_exclusions(slots, profile, today)
    anonymous = slots.get("share_details") is False
    on_behalf = bool(slots.get("on_behalf"))
    name = None if anonymous else slots.get("name")
    extra = {key: slots.get(key) for key in ("subject", "person_praised", "in_danger", "urgency",
                                             "still_happening", "aware_date_text", "aware_date",
                                             "home_date_text", "home_date",
                                             "already_investigated", "legal_proceedings")
             if slots.get(key) is not None}
    if slots.get("unsure_answers"):
        extra["not_sure"] = list(slots["unsure_answers"])  # answered "not sure": staff should ask
    if len(found) > 1:
        extra["exclusions"] = found  # the case keeps the first; staff see them all
    return {
        "case_type": kind,
        "service": service,
        "channel": channel,
        "conversation_id": conversation_id,
        "description": slots.get("description"),
        "event_date_text": slots.get("event_date_text"),
        "event_date": answers.event_date(slots),
        "affected": slots.get("affected"),
        "desired_outcome": slots.get("desired_outcome"),
        # When complaining for someone else, the case is theirs and the resident is the representative.
        "name": slots.get("represented_name") if on_behalf else name,
        "address": None if anonymous else slots.get("address") or (
            slots.get("location") if kind == "service_request" else None),
        "postcode": None if anonymous else (
            slots.get("postcode") or contact.find_postcode(slots.get("location") or "")),
        "email": None if anonymous else slots.get("email"),
        "phone": None if anonymous else slots.get("phone"),
        "preferred_contact": None if anonymous else slots.get("preferred_contact"),
        "preferred_format": None if anonymous else slots.get("preferred_format"),
        "reasonable_adjustments": slots.get("reasonable_adjustments"),
        "representative_name": name if on_behalf else None,
        "representative_relationship": slots.get("representative_relationship") if on_behalf else None,
        "representative_consent": slots.get("representative_consent") if on_behalf else None,
        "anonymous": anonymous,
        "urgent": bool(slots.get("urgent") or slots.get("in_danger") or slots.get("urgency") == "emergency"),
        "safeguarding": bool(slots.get("safeguarding")),
        # A hazard in a repair request, or described in a complaint (also one that began as a
        # repair request), keeps its Awaab's Law timescales, in a home the law covers.
        "awaab_category": slots.get("awaab_category") if kind in ("service_request", "complaint")
        and profile.awaabs_law_applies(service) else None,
        "exclusion": found[0] if found else None,
        "location": slots.get("location"),
        "access_availability": slots.get("access_availability"),
        "evidence": slots.get("evidence"),
        "frequency": slots.get("frequency"),
        "complaint_offered": slots.get("complaint_offered"),
        "complaint_choice": slots.get("complaint_choice"),
        "extra": extra,
    }


_store = None


def case_store():
    """One store (and connection pool) per action-server process."""
    global _store
    if _store is None:
        from bot.cases.store import CaseStore

        _store = CaseStore()
    return _store


def file_from_slots(slots: Mapping[str, Any], *, profile: Profile, channel: str,
                    conversation_id: str) -> Any:
    """File the form's answers once per submission (a retry returns the same case).

    Any failure becomes FilingFailed, so the resident is always told plainly; the answers stay in
    the conversation's slots for the retry.
    """
    submission = submission_fields(slots, channel, conversation_id, profile=profile)
    try:
        case, created = case_store().file_case(submission, profile,
                                               submission_key=slots.get("submission_id") or None)
    except Exception as error:  # noqa: BLE001 - whatever broke, the resident must hear of it
        log.exception("filing failed for conversation %s", conversation_id)
        metrics.FILING_FAILURES.inc()
        raise FilingFailed(str(error)) from error
    if created:  # a retried confirmation gets the same case: counted once
        log.info("filed %s (%s, %s)", case.reference, case.case_type, case.service)
        metrics.safely(lambda: metrics.CASES_FILED.labels(case.case_type, case.service).inc())
    return case
