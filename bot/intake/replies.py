"""What the assistant tells residents, from the active policy profile: nothing here hard-codes a
timescale, a phone number or an ombudsman. Each function returns messages for the dispatcher
(dicts with `text` and optional `buttons`)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from bot.intake.fields import KIND_LABELS, KINDS
from bot.nlp import screen
from bot.policy import deadlines, wording
from bot.policy.schema import Profile

Message = dict[str, Any]


def service_keys(profile: Profile) -> tuple[str, ...]:
    return tuple(profile.services)


def complaint_time_limit_months(profile: Profile, service: str = "housing") -> int:
    return profile.raise_within_months(service)


def _what_happens(profile: Profile, kind: str) -> str | None:
    case_type = profile.case_types.get(kind)
    return profile.fill(case_type.what_happens) if case_type and case_type.what_happens else None


def kind_introduction(profile: Profile, kind: str) -> list[Message]:
    """Said when a flow starts: a service request or ASB report is told what it is and is not."""
    if kind == "complaint":
        return [{"text": "I can help you make a complaint. I'll ask a few questions, then show you "
                         "a summary to check before anything is sent."}]
    text = _what_happens(profile, kind) if kind in ("service_request", "asb_report") else None
    opening = {"service_request": "I can log that for you.",
               "asb_report": "I'm sorry you're dealing with this. I can pass it to the right team.",
               "comment": "Thank you, we welcome suggestions.",
               "compliment": "Thank you for taking the time to tell us."}[kind]
    return [{"text": f"{opening} {text}" if text else opening}]


def which_kind_question() -> Message:
    return {"text": "So I can help in the right way, which of these is closest?",
            "buttons": [{"title": KIND_LABELS[k].capitalize(), "payload": f"/{k}"} for k in KINDS]}


def which_service_question(profile: Profile) -> Message:
    return {"text": "Which of our services is this about?",
            "buttons": [{"title": service.name[:1].upper() + service.name[1:],
                         "payload": f'/inform{{"choice": "{key}"}}'}
                        for key, service in profile.services.items()]}


def exclusion_message(profile: Profile, key: str, service: str = "housing") -> str:
    """What the policy says about an exclusion, with the time limit of `service`."""
    explanation = wording.exclusion_explanation(profile, key, service)
    return (f"I need to let you know what our policy says: {explanation} I'll still record "
            "everything you tell me, and a member of staff will decide whether we can take it as "
            "a complaint. They will tell you what they decide, and why.")


def emergency_phone(profile: Profile) -> str:
    return profile.contact.emergency.services_phone


def repairs_line_fallback(profile: Profile) -> Any | None:
    """Where an emergency repair is reported when the profile has no emergency repairs line: its
    first phone contact channel with a number (None when it has none)."""
    return next((c for c in profile.contact.channels if c.kind == "phone" and c.value), None)


def _emergency_repair_text(profile: Profile) -> str:
    emergency = profile.contact.emergency
    if emergency.repairs_phone:
        hours = f" ({emergency.repairs_hours})" if emergency.repairs_hours else ""
        return (f"For an emergency repair, call our emergency repairs line on "
                f"{emergency.repairs_phone}{hours}.")
    channel = repairs_line_fallback(profile)
    if channel is not None:
        which = f"the number of our {channel.label}" if channel.label else "our main phone number"
        hours = f" ({channel.hours})" if channel.hours else ""
        return (f"For an emergency repair, phone us straight away on {channel.value}{hours}: "
                f"that is {which}, as I don't have a separate emergency repairs number to give you.")
    return (f"For an emergency repair, contact {profile.display_name} straight away, by phone if "
            f"you can. {wording.contact_channels_text(profile)}")


def emergency_advice(profile: Profile) -> str:
    emergency = profile.contact.emergency
    lines = [f"If anyone is in danger, call {emergency.services_phone} now.",
             f"If you smell gas, open windows, don't use switches or flames, leave the property and "
             f"call the {emergency.gas_service_name} on {emergency.gas_phone}.",
             _emergency_repair_text(profile)]
    return " ".join(lines)


def danger_advice(profile: Profile) -> str:
    """Someone is in danger now (asked in an ASB report)."""
    return (f"If anyone is in immediate danger, please call {emergency_phone(profile)} now. I'll "
            "mark your report as urgent, and we can carry on when you're safe.")


def safeguarding_advice(profile: Profile) -> str:
    emergency = profile.contact.emergency
    return (f"Thank you for telling me. If someone is in immediate danger, call "
            f"{emergency.services_phone} now. I've flagged this conversation as a safeguarding "
            "concern so that a member of staff sees it as a priority. You can also contact your "
            "local council's adult or children's social care team, who deal with abuse and neglect.")


def after_advice(in_form: bool) -> str:
    if in_form:
        return "When you're ready, we can carry on where we were."
    return "When you're ready, tell me what has happened and I'll record it for you."


def what_counts(profile: Profile) -> list[Message]:
    text = ("A complaint is when you tell us you're unhappy with our service, with something we "
            "did, or with something we didn't do, whoever did it for us. You don't have to use "
            "the word \"complaint\". Asking us to do something for the first time, like a "
            "repair, is a service request. If you're unhappy with how a request or a report about "
            "a neighbour was handled, that is a complaint, and you can make one at any time.")
    who = wording.who_can_complain_text(profile)
    return [{"text": f"{text} {who}" if who else text}]


def ombudsman(profile: Profile, service: str = "housing") -> list[Message]:
    return [{"text": wording.ombudsman_text(profile, service)}]


def speak_to_a_person(profile: Profile, in_form: bool) -> list[Message]:
    text = f"You can speak to a person. {wording.contact_channels_text(profile)}"
    messages: list[Message] = [{"text": text}]
    if in_form:
        messages.append({"text": "Or we can carry on here, and a member of staff will pick it up."})
    return messages


def screened_message(profile: Profile, verdict: str, in_form: bool,
                     language: str | None = None) -> list[Message]:
    """The reply to a message the assistant does not try to understand (bot.nlp.screen)."""
    carry_on = " Please answer in your own words:" if in_form else ""
    if verdict == screen.EMPTY:
        return [{"text": "I didn't get any words in that message." +
                         (carry_on or " What would you like to tell us?")}]
    if verdict == screen.MARKUP:
        return [{"text": "That looks like computer code or part of a web page, so I haven't acted on "
                         "it. It is kept in this conversation." +
                         (carry_on or " Please tell me in your own words what has happened.")}]
    which = f" (your message looks like {language})" if language else ""
    text = (f"I'm sorry, I can only understand English at the moment{which}. If you'd like help in "
            f"another language, please contact {profile.display_name} and say which language you "
            f"need. {wording.contact_channels_text(profile)}")
    messages: list[Message] = [{"text": text}]
    if in_form:
        messages.append({"text": "Or, if you can, we can carry on here in English."})
    return messages


def timescales(profile: Profile, now: datetime, kind: str | None, service: str = "housing") -> list[Message]:
    if kind in ("service_request", "asb_report", "comment", "compliment"):
        text = _what_happens(profile, kind)
        if text:
            return [{"text": text}]
    steps = wording.complaint_next_steps(profile, now, service)
    if steps.startswith("We "):
        steps = "w" + steps[1:]
    return [{"text": "If you make a complaint today, " + steps}]


def filing_failed(profile: Profile) -> list[Message]:
    return [{"text": (
        "I'm sorry, I couldn't save this just now because of a problem on our side. Nothing you've "
        "told me is lost: it is kept in this conversation. Please say \"yes\" to try again in a "
        f"minute, or contact {profile.display_name} directly: "
        f"{wording.contact_channels_text(profile)}")}]


def after_filing(profile: Profile, case: Any, slots: Mapping[str, Any]) -> list[Message]:
    """The reference, what happens next with real dates, and (complaints) the right to the Ombudsman."""
    kind = case.case_type
    label = KIND_LABELS.get(kind, "feedback")
    keep = ("Please keep it, and quote it if you contact us about it." if case.anonymous else
            "Please keep it: you'll need it to check on it or add information.")
    messages: list[Message] = [{"text": f"Thank you. Your {label} has been sent. Your reference is "
                                        f"{case.reference}. {keep}"}]
    filed_at = case.created_at
    if kind == "complaint":
        if case.exclusion:
            decide_by = deadlines.not_accepted_reply_by(profile, filed_at)
            messages.append({"text": "Because of what our policy says, a member of staff will first "
                                     "decide whether we can take this as a complaint, and tell you "
                                     f"what they decide, and why, by {wording.format_date(decide_by)}."})
        else:
            messages.append({"text": wording.complaint_next_steps(profile, filed_at, case.service)})
        if case.awaab_category and profile.awaabs_law_applies(case.service):
            messages.append({"text": wording.awaab_text(profile, case.awaab_category, filed_at)})
        messages.append({"text": wording.ombudsman_text(profile, case.service)})
        if case.anonymous:
            messages.append({"text": anonymous_text(profile, kind)})
        if case.representative_name and not case.representative_consent:
            messages.append({"text": "Remember we'll need the written agreement of the person you "
                                     "are complaining for before we can discuss it with you."})
        return messages
    text = _what_happens(profile, kind)
    if text:
        messages.append({"text": text})
    if kind == "service_request":
        if case.awaab_category and profile.awaabs_law_applies(case.service):
            messages.append({"text": wording.awaab_text(profile, case.awaab_category, filed_at)})
        repair = _repair_due(profile, case, filed_at)
        if repair:
            messages.append({"text": repair})
    next_contact = _contact_dates(profile, case)
    if next_contact:
        messages.append({"text": next_contact})
    if kind == "asb_report" and getattr(case, "urgent", False):
        messages.append({"text": f"If anyone is in danger, always call {emergency_phone(profile)} first."})
    if case.anonymous:
        messages.append({"text": anonymous_text(profile, kind)})
    return messages


def anonymous_text(profile: Profile, kind: str) -> str:
    """What a resident who stayed anonymous can and cannot do later."""
    who = "the team" if kind == "asb_report" else "we"
    return (f"As you chose to stay anonymous, {who} can't contact you about it, and you won't be "
            "able to check on it or add to it here (that needs the postcode or e-mail address of "
            "the case). If you want to later, contact us with the reference. "
            + wording.contact_channels_text(profile))


def _repair_due(profile: Profile, case: Any, filed_at: datetime) -> str | None:
    """The repair's target under the profile's priorities (the urgency the resident chose)."""
    priority = (getattr(case, "extra", None) or {}).get("urgency")
    if not priority or not any(p.key == priority for p in profile.repairs.priorities):
        return None
    due = deadlines.repair_deadline(profile, priority, filed_at)
    when = wording.format_datetime(due) if isinstance(due, datetime) else wording.format_date(due)
    return f"We aim to do {priority} repairs by {when}."


def stage2_request_reply(profile: Profile, case: Any, now: datetime) -> list[Message]:
    """What a resident is told after asking for stage 2 (the case as the store left it)."""
    if case.stage == 2:
        text = (f"I've asked for your complaint {case.reference} to go to stage 2. "
                + wording.stage2_next_steps(profile, now, case.service))
    elif getattr(case, "responded_at", None) is None:
        text = (f"We haven't sent our stage 1 response to your complaint {case.reference} yet, "
                "and stage 2 is for when you're unhappy with that response. I've recorded your "
                "request, and a member of staff will decide what happens next and contact you.")
    else:
        late = profile.fill(profile.stage2.late_requests, case.service) or ""
        text = (f"Your request for stage 2 of {case.reference} is outside the time our policy "
                f"gives for asking. I've recorded it, and a member of staff will decide and "
                f"contact you. {late}").strip()
    return [{"text": text}, {"text": wording.ombudsman_text(profile, case.service)}]


def _contact_dates(profile: Profile, case: Any) -> str | None:
    """When we will be in touch, where the profile sets targets for the kind: 'The neighbourhood
    team will contact you by ...', 'We will acknowledge your comment by ...'."""
    dates = {key: value for key, value in (getattr(case, "deadlines", None) or {}).items() if value}
    acknowledge, respond = dates.get("acknowledge_by"), dates.get("respond_by")

    def as_date(value: Any) -> str:
        return wording.format_date(value if not isinstance(value, str) else date.fromisoformat(value))

    kind = case.case_type
    if not (acknowledge or respond):
        return None
    if case.anonymous:
        return (f"We will acknowledge it by {as_date(acknowledge or respond)}, even though we can't "
                "tell you.")
    target = profile.case_types.get(kind)
    who = (target.handled_by if target and target.handled_by else "We")
    who = who[:1].upper() + who[1:]
    if kind in ("comment", "compliment"):
        label = KIND_LABELS[kind]
        text = f"We will acknowledge your {label} by {as_date(acknowledge or respond)}"
        return text + (f", and respond by {as_date(respond)}." if acknowledge and respond else ".")
    if acknowledge and respond:
        return f"{who} will contact you by {as_date(acknowledge)}, and respond by {as_date(respond)}."
    return f"{who} will contact you by {as_date(acknowledge or respond)}."
