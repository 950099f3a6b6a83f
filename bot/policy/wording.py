"""What the assistant tells residents about timescales, the ombudsman, contact and exclusions.

Every number, date, name and contact detail comes from the policy profile; this module only
puts them into plain sentences. Residents are told dates, not only numbers: "We will acknowledge
your complaint by Monday 4 January 2027".
"""
from __future__ import annotations

from datetime import date, datetime

from bot.policy import deadlines as dl
from bot.policy.schema import Body, Channel, Profile
from bot.vocabulary import CaseTypeName

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


# --- dates and small pieces ---------------------------------------------------------------------

def format_date(d: date) -> str:
    """'Monday 4 January 2027' (no leading zero; English names whatever the locale)."""
    d = dl.uk_date(d)
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_time(moment: datetime) -> str:
    """'3pm', '3:15pm', 'midday', 'midnight' (UK time for aware datetimes)."""
    moment = _uk(moment)
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def format_datetime(moment: datetime) -> str:
    """'3:15pm on Monday 4 January 2027'."""
    moment = _uk(moment)
    return f"{format_time(moment)} on {format_date(moment.date())}"


def _uk(moment: datetime) -> datetime:
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(dl.UK)
    return moment


def join_words(items: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def days_text(n: int, unit: str = "working") -> str:
    """'5 working days', '1 working day', '28 calendar days'."""
    return f"{n} {unit} day{'' if n == 1 else 's'}"


def address_text(lines: list[str] | None) -> str:
    return ", ".join(lines or [])


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _the(name: str) -> str:
    return name if name.lower().startswith("the ") else f"the {name}"


# --- complaints ---------------------------------------------------------------------------------

def complaint_next_steps(profile: Profile, filed_at: datetime, service: str = "housing") -> str:
    """What happens next to a complaint filed at `filed_at`, with real dates."""
    svc = profile.service(service)
    if svc.consumer_code is not None:
        steps = dl.consumer_code_deadlines(profile, filed_at, service)
        parts = [f"acknowledge your complaint by {format_date(steps['acknowledge_by'])}"]
        if "resolution_plan_by" in steps:
            parts.append(f"tell you how we plan to resolve it by {format_date(steps['resolution_plan_by'])}")
        parts.append(f"send you our full response by {format_date(steps['response_by'])}")
        return (f"We will {join_words(parts)}. If your complaint is not resolved by "
                f"{format_date(steps['final_by'])}, you can take it to {_the(svc.ombudsman.name)}.")
    steps = dl.complaint_deadlines(profile, filed_at, service=service)
    text = f"We will acknowledge your complaint by {format_date(steps['acknowledge_by'])}"
    if "stage1_contact_by" in steps:
        text += (f", the person handling it will contact you by "
                 f"{format_date(steps['stage1_contact_by'])} to understand it,")
    text += f" and send you our response by {format_date(steps['stage1_response_by'])}."
    if profile.stage1.there_and_then_resolution:
        # Still stage 1 (the Code has no informal stage): a quick answer is confirmed in writing.
        text += (" If we can put things right there and then, we will, and we will still confirm "
                 "it in writing, with how to take it further if you are not happy.")
    if profile.stage1.extension_working_days:
        text += (f" If we need more time, we will tell you why and give you a new date, no later "
                 f"than {format_date(steps['stage1_extended_response_by'])}.")
    return text


def case_next_steps(profile: Profile, case_type: CaseTypeName, filed_at: datetime,
                    service: str = "housing") -> str:
    """What happens next to any kind of case (complaint, service request, ASB report, comment,
    compliment), with the dates the profile sets for that kind."""
    if case_type == "complaint":
        return complaint_next_steps(profile, filed_at, service)
    found = dl.case_deadlines(profile, case_type, filed_at, service)
    kind = profile.case_types.get(case_type)
    sentences = []
    if kind is not None and kind.what_happens:
        sentences.append(_sentence(profile.fill(kind.what_happens, service)))
    if "acknowledge_by" in found and "respond_by" in found:
        sentences.append(f"We will acknowledge it by {format_date(found['acknowledge_by'])} and "
                         f"respond by {format_date(found['respond_by'])}.")
    elif "acknowledge_by" in found:
        sentences.append(f"We will acknowledge it by {format_date(found['acknowledge_by'])}.")
    elif "respond_by" in found:
        sentences.append(f"We will respond by {format_date(found['respond_by'])}.")
    return " ".join(sentences)


def timescales_text(profile: Profile, service: str = "housing") -> str:
    """The complaint timescales in numbers, for "how long does it take?"."""
    svc = profile.service(service)
    code = svc.consumer_code
    if code is not None:
        parts = [f"acknowledge it within {days_text(code.acknowledge_calendar_days, 'calendar')}"]
        if code.resolution_plan_calendar_days is not None:
            parts.append(f"tell you how we plan to resolve it within "
                         f"{days_text(code.resolution_plan_calendar_days, 'calendar')}")
        parts.append(f"send our full response within {days_text(code.response_calendar_days, 'calendar')}")
        return (f"For {svc.name}, complaints follow the {code.name}. We {join_words(parts)}, "
                f"counted from the first working day after we receive your complaint. If it is not "
                f"resolved within {days_text(code.final_calendar_days, 'calendar')}, you can take "
                f"it to {_the(svc.ombudsman.name)}.")
    s1, s2 = profile.stage1, profile.stage2
    base = "of receiving it" if s1.respond_from == "receipt" else "of acknowledging it"
    text = (f"We acknowledge a complaint within {days_text(s1.acknowledge_working_days)} and "
            f"respond within {days_text(s1.respond_working_days)} {base}.")
    if s1.extension_working_days:
        text += (f" If we need more time, we can extend that by up to "
                 f"{days_text(s1.extension_working_days)} and will tell you why.")
    window, unit = s2.request_window
    base2 = "of the request" if s2.respond_from == "request" else "of acknowledging it"
    text += (f" If you are unhappy with our response, you can ask for stage 2 within "
             f"{days_text(window, unit)} of it; we acknowledge that within "
             f"{days_text(s2.acknowledge_working_days)} and respond within "
             f"{days_text(s2.respond_working_days)} {base2}")
    if s2.extension_working_days:
        text += f" (or up to {days_text(s2.extension_working_days)} more, with reasons)"
    return text + "."


def who_can_complain_text(profile: Profile) -> str | None:
    """Who may complain under the profile's policy (None if the profile does not say)."""
    if not profile.who_can_complain:
        return None
    people = list(profile.who_can_complain)
    # The entries have commas of their own: semicolons keep them apart.
    listed = people[0] if len(people) == 1 else f"{'; '.join(people[:-1])}; and {people[-1]}"
    return f"Under our policy, complaints can come from {listed}."


def stage2_window_text(profile: Profile, stage1_response: date | None = None,
                       service: str = "housing") -> str:
    """How and until when a resident can ask for stage 2, and whether reasons are needed."""
    window, unit = profile.stage2.request_window
    text = (f"You can ask for your complaint to go to stage 2 within {days_text(window, unit)} of "
            f"our stage 1 response")
    if stage1_response is not None:
        text += f", that is by {format_date(dl.stage2_request_by(profile, stage1_response, service))}"
    sentences = [text + "."]
    if profile.stage2.late_requests:
        sentences.append(_sentence(profile.fill(profile.stage2.late_requests, service)))
    sentences.append({
        "invited": "You do not have to give reasons, but it helps us if you tell us why you are "
                   "still unhappy and what would put it right.",
        "not_asked": "You do not need to give reasons.",
        "required": "We will ask you for your reasons, or for information we have not yet considered.",
    }[profile.stage2.reasons])
    return " ".join(sentences)


def stage2_next_steps(profile: Profile, requested_at: datetime, service: str = "housing") -> str:
    """What happens next after a resident asks for stage 2, with real dates."""
    steps = dl.stage2_deadlines(profile, requested_at, service=service)
    sentences = []
    if "contact_by" in steps:
        sentences.append(f"We will contact you by {format_date(steps['contact_by'])} to understand "
                         f"what is still wrong and the outcome you want.")
    sentences.append(f"We will acknowledge your request by {format_date(steps['acknowledge_by'])} "
                     f"and send you our final response by {format_date(steps['response_by'])}.")
    if profile.stage2.extension_working_days:
        sentences.append(f"If we need more time, we will tell you why and give you a new date, no "
                         f"later than {format_date(steps['extended_response_by'])}.")
    return " ".join(sentences)


def extension_text(profile: Profile, stage: int, new_date: date, reason: str,
                   service: str = "housing") -> str:
    """The letter line for an extension: the reason, the new date and the ombudsman's details
    (the Code asks for the ombudsman's contact details with any extension)."""
    reasons = dict(dl.extension_reasons(profile, stage))
    if reason not in reasons:
        allowed = ", ".join(reasons)
        raise dl.PolicyError(f"{reason!r} is not an allowed reason for extending stage {stage}; "
                             f"allowed: {allowed}")
    text = reasons[reason]
    return (f"We need more time to respond to your complaint. The reason: "
            f"{text[0].lower() + text[1:]}. We will now respond by {format_date(new_date)}. "
            + ombudsman_text(profile, service))


# --- who else residents can turn to -------------------------------------------------------------

def body_contact_text(body: Body) -> str:
    """'phone 0300 111 3000, online at www..., or write to ...' for an ombudsman or regulator."""
    parts = []
    if body.phone:
        parts.append(f"phone {body.phone}" + (f" ({body.phone_hours})" if body.phone_hours else ""))
    if body.email:
        parts.append(f"e-mail {body.email}")
    if body.web:
        parts.append(f"online at {body.web}")
    if body.postal_address:
        parts.append(f"write to {address_text(body.postal_address)}")
    return join_words(parts, "or")


def ombudsman_text(profile: Profile, service: str = "housing") -> str:
    """The resident's right to go to the service's ombudsman (and regulator), with contact details."""
    svc = profile.service(service)
    body = svc.ombudsman
    sentences = []
    if body.when:
        sentences.append(_sentence(profile.fill(body.when, service)))
    sentences.append(f"To contact {_the(body.name)}: {body_contact_text(body)}.")
    if svc.regulator is not None:
        assert svc.regulator_matters is not None  # Service: a regulator needs regulator_matters
        matters = profile.fill(svc.regulator_matters, service).rstrip(".")
        sentences.append(f"{_sentence(matters)[:-1]}, you can contact {_the(svc.regulator.name)}: "
                         f"{body_contact_text(svc.regulator)}.")
    return " ".join(sentences)


# --- how to reach the landlord ------------------------------------------------------------------

def _channel_text(channel: Channel) -> str:
    value = channel.value
    address = address_text(channel.postal_address)
    label = channel.label
    if channel.kind == "phone":
        text = f"by phone on {value}" if value else "by phone"
        if label:
            text += f" ({label})" if value else f" to the {label}"
    elif channel.kind == "email":
        text = f"by e-mail to {value}" if value else "by e-mail"
    elif channel.kind == "web_form":
        text = f"using the form at {value}" if value else "using the online form"
    elif channel.kind == "post":
        text = f"by post to {address or value}" if (address or value) else "by post"
    elif channel.kind == "in_person":
        text = f"in person {label}" if label else "in person"
        if label and not label.startswith(("at ", "to ", "in ")):
            text = f"in person ({label})"
    elif channel.kind == "social_media":
        text = f"on {label}" if label else "on social media"
        if value:
            text += f" ({value})"
    elif channel.kind == "online_chat":
        text = f"by online chat at {value}" if value else "by online chat"
    elif channel.kind == "portal":
        text = f"through the {label or 'online portal'}" + (f" at {value}" if value else "")
    else:  # text_message
        text = f"by text message to {value}" if value else "by text message"
    if channel.hours:
        text += f" ({channel.hours})"
    if channel.notes and channel.kind != "in_person":
        text += f", {channel.notes}"
    elif channel.notes:
        text += f" ({channel.notes})"
    return text


def contact_channels_text(profile: Profile) -> str:
    """'You can contact Housing Plus Group by phone on ..., by e-mail to ... or ...'."""
    parts = [_channel_text(c) for c in profile.contact.channels]
    if any(c.value or c.postal_address for c in profile.contact.channels):
        return f"You can contact {profile.display_name} " + "; ".join(parts[:-1]) + \
            ("; or " if len(parts) > 1 else "") + parts[-1] + "."
    return f"You can contact {profile.display_name} {join_words(parts, 'or')}."


# --- exclusions and repairs ---------------------------------------------------------------------

def exclusion_explanation(profile: Profile, exclusion_key: str, service: str = "housing") -> str:
    """The profile's explanation of an exclusion for `service`. A new home's time limit counts
    from its reservation or completion, whatever the profile's general wording says."""
    if exclusion_key == "too_old" and profile.limit_from_sale(service):
        svc = profile.service(service)
        assert svc.consumer_code is not None  # what limit_from_sale found
        return (f"For {svc.name}, the {svc.consumer_code.name} expects a complaint within "
                f"{profile.raise_within_months(service)} months of reserving or completing on "
                f"your home. That limit may not apply if you have a good reason for not "
                f"complaining sooner.")
    return profile.fill(profile.exclusion(exclusion_key).explanation, service)


def exclusion_text(profile: Profile, exclusion_key: str, service: str = "housing",
                   with_ombudsman: bool = True) -> str:
    """The profile's explanation of an exclusion, with the right to take the decision to the
    ombudsman (the Code: a refusal is explained, with that right)."""
    text = _sentence(exclusion_explanation(profile, exclusion_key, service))
    if with_ombudsman:
        text += (f" If you disagree with this decision, you can ask "
                 f"{_the(profile.service(service).ombudsman.name)} to look at it.")
    return text


def awaab_text(profile: Profile, severity: str, reported_at: datetime) -> str:
    """What Awaab's Law promises for a hazard reported at `reported_at`, with dates."""
    law = profile.repairs.awaabs_law
    found = dl.awaab_deadlines(profile, reported_at, severity)
    assert law is not None  # awaab_deadlines refuses a profile without Awaab's Law
    if severity == "emergency":
        hours = f"{law.emergency_hours} hour{'' if law.emergency_hours == 1 else 's'}"
        make_safe_by = found["make_safe_by"]
        assert isinstance(make_safe_by, datetime)  # an emergency's dates are times
        return (f"Under Awaab's Law, an emergency hazard must be investigated and made safe within "
                f"{hours}: by {format_datetime(make_safe_by)}.")
    return (f"Under Awaab's Law, significant damp and mould must be investigated within "
            f"{days_text(law.significant_investigate_working_days)}, by "
            f"{format_date(found['investigate_by'])}. You will get a written summary of what was "
            f"found within {days_text(law.significant_summary_working_days)} of the investigation, "
            f"and any safety work is due within {days_text(law.significant_safety_work_working_days)} "
            f"of it.")
