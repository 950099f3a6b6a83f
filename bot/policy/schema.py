"""The shape of a complaint-policy profile (policies/NAME.yml), as pydantic (v1) models.

Every number, contact detail and rule the assistant, the case store and the staff pages use comes
from here. Types are strict: a phone number written without quotes (which YAML reads as a number
and strips of its leading zero), "5" for a number of days or a misspelt key are errors, not
guesses. Text given to residents may use the placeholders {landlord} (the display name) and
{months} (the time limit for raising a complaint with the service concerned).
"""
from __future__ import annotations

import re
import string
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Literal, Optional, get_args, overload

from pydantic import BaseModel, Field, StrictBool, conint, constr, root_validator, validator
from bot import vocabulary

Region = Literal["england-and-wales", "scotland", "northern-ireland"]   # as bot.workdays.REGIONS
REGIONS: tuple[str, ...] = get_args(Region)
CASE_TYPES = vocabulary.CASE_TYPES
PLACEHOLDERS = frozenset({"landlord", "months"})

if TYPE_CHECKING:
    # mypy cannot use the classes conint and constr make at run time as types; it checks the
    # values as the plain int and str they are (pydantic v1's documented way).
    Days = int
    PositiveDays = int
    Months = int
    Years = int
    Hours = int
    Text = str
    Key = str
else:
    # A count of days or hours: a whole number, written as one (not "5", not 5.0, not true).
    Days = conint(strict=True, ge=0, le=366)
    PositiveDays = conint(strict=True, ge=1, le=366)
    Months = conint(strict=True, ge=1, le=120)
    Years = conint(strict=True, ge=1, le=100)
    Hours = conint(strict=True, ge=1, le=24 * 366)
    Text = constr(strict=True, strip_whitespace=True, min_length=1)
    Key = constr(strict=True, regex=r"^[a-z][a-z0-9_]*$")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_SERVICE_KEY = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def _check_mapping_keys(value, pattern: re.Pattern, example: str):
    """Name a badly formed key of a mapping (pydantic v1 would only say "(key)")."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str) or not pattern.fullmatch(key):
                raise ValueError(f"key {key!r} is not allowed: use lower-case words, e.g. {example}")
    return value


def _check_placeholders(text: Optional[str]) -> Optional[str]:
    if text is None:
        return text
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as error:
        raise ValueError(f"badly formed placeholder ({error}); write {{{{ and }}}} for braces") from None
    unknown = sorted(n for n in names if n not in PLACEHOLDERS)
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; allowed: {allowed}")
    return text


class _Model(BaseModel):
    class Config:
        extra = "forbid"
        allow_mutation = False
        anystr_strip_whitespace = True


# --- who residents can turn to ------------------------------------------------------------------

class Body(_Model):
    """An ombudsman, regulator or other body a resident can go to."""

    name: Text
    phone: Optional[Text] = None
    phone_hours: Optional[Text] = None
    email: Optional[Text] = None
    web: Optional[Text] = Field(None, description="web address or online form")
    postal_address: Optional[List[Text]] = Field(None, description="address lines")
    when: Optional[Text] = Field(None, description="resident-facing: when and how to use it")

    @root_validator(skip_on_failure=True)
    def _reachable(cls, values):
        if not any(values.get(k) for k in ("phone", "email", "web", "postal_address")):
            raise ValueError("give at least one of phone, email, web or postal_address")
        return values

    @validator("when")
    def _placeholders(cls, v):
        return _check_placeholders(v)


class ConsumerCode(_Model):
    """A consumer code with its own complaint process (e.g. the New Homes Quality Code).

    Counted in calendar days from the first working day after the complaint is received; its
    `raise_within_months` counts from the home's reservation or completion, which the assistant
    asks for.
    """

    name: Text
    raise_within_months: Months
    acknowledge_calendar_days: PositiveDays
    resolution_plan_calendar_days: Optional[PositiveDays] = None
    response_calendar_days: PositiveDays
    final_calendar_days: PositiveDays = Field(
        ..., description="when the resident may go to the code's ombudsman (the 'eight-week letter')")

    @root_validator(skip_on_failure=True)
    def _in_order(cls, values):
        ack, response, final = (values["acknowledge_calendar_days"], values["response_calendar_days"],
                                values["final_calendar_days"])
        if not ack <= response <= final:
            raise ValueError("expected acknowledge_calendar_days <= response_calendar_days <= final_calendar_days")
        return values


class Service(_Model):
    """A service the landlord provides, with the ombudsman (and regulator) for its complaints."""

    name: Text = Field(..., description="what residents call it, e.g. 'Homes Plus' or 'housing'")
    description: Optional[Text] = None
    ombudsman: Body
    regulator: Optional[Body] = None
    regulator_matters: Optional[Text] = Field(
        None, description="resident-facing: which matters go to the regulator")
    retention_years: Optional[Years] = Field(
        None, description="years its case records are kept after closure, if not the profile's "
                          "(care records are commonly kept longer)")
    consumer_code: Optional[ConsumerCode] = Field(
        None, description="if set, complaints follow this code's process instead of stage 1/2")

    @property
    def process(self) -> str:
        return "consumer-code" if self.consumer_code else "complaint-handling-code"

    @root_validator(skip_on_failure=True)
    def _regulator_matters(cls, values):
        if values.get("regulator") and not values.get("regulator_matters"):
            raise ValueError("a regulator needs regulator_matters (which matters go to it)")
        return values


# --- how residents reach the landlord -----------------------------------------------------------

ChannelKind = Literal["phone", "email", "web_form", "post", "in_person", "social_media",
                      "online_chat", "portal", "text_message"]


class Channel(_Model):
    kind: ChannelKind
    label: Optional[Text] = Field(None, description="e.g. 'customer advocacy team', 'Facebook'")
    value: Optional[Text] = Field(None, description="number, address, link; empty if not published")
    postal_address: Optional[List[Text]] = None
    hours: Optional[Text] = None
    notes: Optional[Text] = None


class Emergency(_Model):
    services_phone: Text = "999"
    gas_phone: Text
    gas_service_name: Text
    repairs_phone: Optional[Text] = Field(None, description="the landlord's emergency repairs line")
    repairs_hours: Optional[Text] = None


class Contact(_Model):
    channels: List[Channel] = Field(..., min_items=1)
    emergency: Emergency


# --- the two stages -----------------------------------------------------------------------------

class ExtensionReason(_Model):
    key: Key
    text: Text


def _unique_keys(items, what):
    keys = [item.key for item in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"{what} key {duplicates[0]!r} appears more than once")
    return items


class Stage1(_Model):
    acknowledge_working_days: PositiveDays = Field(..., description="from receipt")
    contact_working_days: Optional[PositiveDays] = Field(
        None, description="when the person handling it gets in touch (if the policy says)")
    respond_working_days: PositiveDays
    respond_from: Literal["acknowledgement", "receipt"] = "acknowledgement"
    extension_working_days: Days
    extension_reasons: List[ExtensionReason] = Field(..., min_items=1)
    further_extension_needs_agreement: StrictBool = False
    director_contact_working_days: Optional[PositiveDays] = Field(
        None, description="if not answered by then, a director must contact the resident")
    there_and_then_resolution: StrictBool = False
    merge_additional_complaints: StrictBool = Field(
        True, description="a related new complaint joins an open stage 1 until its response is sent")

    _unique = validator("extension_reasons", allow_reuse=True)(
        lambda v: _unique_keys(v, "extension reason"))


class Stage2(_Model):
    request_within_working_days: Optional[PositiveDays] = None
    request_within_calendar_days: Optional[PositiveDays] = None
    late_requests: Optional[Text] = Field(None, description="resident-facing: if asked later")
    contact_working_days: Optional[PositiveDays] = None
    acknowledge_working_days: PositiveDays = Field(..., description="from the request")
    respond_working_days: PositiveDays
    respond_from: Literal["acknowledgement", "request"] = "acknowledgement"
    extension_working_days: Days
    extension_reasons: Optional[List[ExtensionReason]] = Field(
        None, description="if absent, stage 1's reasons apply")
    further_extension_needs_agreement: StrictBool = False
    reasons: Literal["invited", "required", "not_asked"] = Field(
        ..., description="whether the landlord asks why the resident wants stage 2 "
                         "(the Code: a resident must not be required to give reasons)")

    @root_validator(skip_on_failure=True)
    def _one_window(cls, values):
        given = [k for k in ("request_within_working_days", "request_within_calendar_days")
                 if values.get(k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of request_within_working_days or "
                             "request_within_calendar_days")
        return values

    @validator("extension_reasons")
    def _unique(cls, v):
        return v if v is None else _unique_keys(v, "extension reason")

    @property
    def request_window(self) -> tuple[int, str]:
        """(days, "working" | "calendar")."""
        if self.request_within_working_days is not None:
            return self.request_within_working_days, "working"
        assert self.request_within_calendar_days is not None  # _one_window: one of the two is given
        return self.request_within_calendar_days, "calendar"


# --- limits, exclusions, other kinds of feedback ------------------------------------------------

class TimeLimits(_Model):
    raise_within_months: Months = Field(..., description="after the event, or after becoming aware")
    late_complaints: Optional[Text] = Field(None, description="resident-facing: when older ones are taken")
    not_accepted_reply_working_days: PositiveDays

    @validator("late_complaints")
    def _placeholders(cls, v):
        return _check_placeholders(v)


class Exclusion(_Model):
    title: Text = Field(..., description="for staff, e.g. 'Older than the time limit'")
    explanation: Text = Field(..., description="resident-facing: why it is not taken as a complaint")

    @validator("explanation")
    def _placeholders(cls, v):
        return _check_placeholders(v)


class CaseType(_Model):
    """What happens to a service request, ASB report, comment or compliment."""

    acknowledge_working_days: Optional[PositiveDays] = None
    respond_working_days: Optional[PositiveDays] = None
    handled_by: Optional[Text] = None
    what_happens: Optional[Text] = Field(None, description="resident-facing")

    @validator("what_happens")
    def _placeholders(cls, v):
        return _check_placeholders(v)


# --- teams: who handles a case ------------------------------------------------------------------

class Team(_Model):
    """A team of the landlord's that handles cases: what the staff queue filters by and where a
    case's changes are forwarded (INTAKE_FORWARD_URL_<TEAM>, else INTAKE_FORWARD_URL). What
    residents are told about who handles a kind of case is `case_types.<type>.handled_by`."""

    name: Text = Field(..., description="what staff call it, e.g. 'Neighbourhood team'")
    description: Optional[Text] = Field(None, description="for staff: what the team handles")
    default: StrictBool = Field(False, description="gets every case no routing rule matches "
                                                   "(exactly one team is the default)")


class RoutingRule(_Model):
    """One rule of `routing`: cases of this type and/or service go to `team`. The rules are
    tried in order and the first that matches wins; a case no rule matches goes to the default
    team. The rule itself is applied in one place, bot.policy.teams.team_for."""

    case_type: Optional[vocabulary.CaseTypeName] = None
    service: Optional[Text] = None
    team: Text

    @root_validator(skip_on_failure=True)
    def _matches_something(cls, values):
        if values.get("case_type") is None and values.get("service") is None:
            raise ValueError("a rule needs a case_type, a service or both (a case no rule "
                             "matches goes to the default team)")
        return values


# --- repairs ------------------------------------------------------------------------------------

class RepairPriority(_Model):
    key: Key
    name: Text
    description: Optional[Text] = None
    within_hours: Optional[Hours] = None
    within_working_days: Optional[PositiveDays] = None
    within_calendar_days: Optional[PositiveDays] = None

    @root_validator(skip_on_failure=True)
    def _one_target(cls, values):
        given = [k for k in ("within_hours", "within_working_days", "within_calendar_days")
                 if values.get(k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of within_hours, within_working_days or "
                             "within_calendar_days")
        return values


class AwaabsLaw(_Model):
    """Awaab's Law (Hazards in Social Housing regulations, in force 27 October 2025)."""

    in_force_from: Text
    hazards: Text = Field(..., description="resident-facing: what it covers")
    emergency_hours: Hours
    significant_investigate_working_days: PositiveDays
    significant_summary_working_days: PositiveDays = Field(..., description="after the investigation")
    significant_safety_work_working_days: PositiveDays = Field(..., description="after the investigation")


class Repairs(_Model):
    priorities: List[RepairPriority] = []
    awaabs_law: Optional[AwaabsLaw] = None

    _unique = validator("priorities", allow_reuse=True)(
        lambda v: _unique_keys(v, "repair priority"))


class Enquiry(_Model):
    """Where residents go with a question of one kind (rent, the register, ...)."""

    who: Text = Field(..., description="resident-facing: who answers it, e.g. 'our income team'")
    how: Optional[Text] = Field(None, description="how to reach them: a number, a link, a place")


EnquiryTopic = Literal["rent", "tenancy", "housing_register", "benefits", "portal", "repairs", "other"]
ENQUIRY_TOPICS: tuple[str, ...] = get_args(EnquiryTopic)


class Retention(_Model):
    case_records_years_after_closure: Years


class Organisation(_Model):
    name: Text
    website: Optional[Text] = None
    postal_address: Optional[List[Text]] = None
    privacy_notice_url: Optional[Text] = Field(
        None, description="the landlord's privacy notice, linked when a chat starts")


# --- the profile ----------------------------------------------------------------------------------

class Profile(_Model):
    """One landlord's complaint policy. `name` is the file name; `source` the file it came from."""

    name: Text
    source: Optional[Path] = None

    display_name: Text = Field(..., description="the landlord as the assistant names it")
    description: Optional[Text] = None
    # A profile whose contact details are made up (the demo landlord) or absent (a template):
    # `python -m bot check` refuses to start any other without a phone number for complaints and
    # an emergency repairs line.
    demo: StrictBool = False
    sources: List[Text] = Field([], description="the documents the numbers come from")
    organisation: Optional[Organisation] = None
    bank_holiday_region: Region = "england-and-wales"
    who_can_complain: List[Text] = []
    services: Dict[str, Service]
    contact: Contact
    stage1: Stage1
    stage2: Stage2
    time_limits: TimeLimits
    exclusions: Dict[str, Exclusion]
    case_types: Dict[Literal["service_request", "asb_report", "comment", "compliment"], CaseType] = {}
    repairs: Repairs
    retention: Retention
    enquiries: Dict[EnquiryTopic, Enquiry] = {}
    teams: Dict[str, Team] = Field({}, description="team key -> team; exactly one is the default")
    routing: List[RoutingRule] = Field([], description="which team gets a case, first match wins")

    @validator("services", pre=True)
    def _service_keys(cls, v):
        return _check_mapping_keys(v, _SERVICE_KEY, "housing, care, new-build")

    @validator("exclusions", pre=True)
    def _exclusion_keys(cls, v):
        return _check_mapping_keys(v, _KEY, "too_old, legal_proceedings")

    @validator("teams", pre=True)
    def _team_keys(cls, v):
        return _check_mapping_keys(v, _KEY, "complaints, neighbourhood, care_plus")

    @validator("teams")
    def _one_default(cls, v):
        defaults = [key for key, team in v.items() if team.default]
        if v and not defaults:
            raise ValueError("no team is the default: mark exactly one `default: true` (it gets "
                             "every case no routing rule matches)")
        if len(defaults) > 1:
            raise ValueError(f"only one team can be the default, not {' and '.join(defaults)}")
        return v

    @validator("routing")
    def _known_teams_and_services(cls, v, values):
        if not v:
            return v
        if "teams" not in values:
            return v  # the teams themselves are wrong: that error is reported
        teams = values["teams"]
        if not teams:
            raise ValueError("routing rules need a teams section naming the teams")
        services = values.get("services") or {}
        for number, rule in enumerate(v, start=1):
            if rule.team not in teams:
                raise ValueError(f"rule {number} names the team {rule.team!r}, which is not in "
                                 f"teams (its teams: {', '.join(teams)})")
            if rule.service is not None and services and rule.service not in services:
                raise ValueError(f"rule {number} names the service {rule.service!r}, which the "
                                 f"profile does not have (its services: {', '.join(services)})")
        return v

    @validator("services")
    def _has_housing(cls, v):
        if "housing" not in v:
            raise ValueError("a 'housing' service is required (it is the default service)")
        return v

    @validator("exclusions")
    def _code_exclusions(cls, v):
        missing = [k for k in ("too_old", "legal_proceedings", "already_investigated") if k not in v]
        if missing:
            raise ValueError(f"the Code's exclusion {missing[0]!r} is missing")
        return v

    def __hash__(self) -> int:  # usable as a cache key, like the foundation's frozen dataclass
        return hash((self.name, str(self.source)))

    # --- conveniences -------------------------------------------------------------------------

    @property
    def region(self) -> str:
        return self.bank_holiday_region

    @property
    def emergency_repairs_phone(self) -> Optional[str]:
        return self.contact.emergency.repairs_phone

    @property
    def gas_emergency_phone(self) -> str:
        return self.contact.emergency.gas_phone

    @property
    def retention_years(self) -> int:
        return self.retention.case_records_years_after_closure

    def limit_from_sale(self, key: str) -> bool:
        """Whether the time limit of service `key` counts from the home's reservation or
        completion (a consumer code for new homes) rather than from the problem."""
        service = self.services.get(key)
        return bool(service and service.consumer_code)

    def service_retention_years(self) -> dict[str, int]:
        """Each service's retention in years (its own, or the profile's)."""
        return {key: service.retention_years or self.retention_years
                for key, service in self.services.items()}

    def service(self, key: str = "housing") -> Service:
        """The service `key`, or a PolicyError naming the services the profile has."""
        from bot.policy import PolicyError

        try:
            return self.services[key]
        except KeyError:
            known = ", ".join(self.services)
            raise PolicyError(f"policy profile {self.name!r} has no service {key!r}; "
                              f"its services: {known}") from None

    def exclusion(self, key: str) -> Exclusion:
        from bot.policy import PolicyError

        try:
            return self.exclusions[key]
        except KeyError:
            known = ", ".join(self.exclusions)
            raise PolicyError(f"policy profile {self.name!r} has no exclusion {key!r}; "
                              f"its exclusions: {known}") from None

    def raise_within_months(self, service: str = "housing") -> int:
        """The time limit for raising a complaint about `service`, in months."""
        code = self.service(service).consumer_code
        return code.raise_within_months if code else self.time_limits.raise_within_months

    def awaabs_law_applies(self, service: str = "housing") -> bool:
        """Whether Awaab's Law timescales apply to a hazard in `service`: the profile sets them,
        and the service is not the sale of homes under a consumer code (the law covers social
        rented homes, not homes sold to their owners)."""
        try:
            return self.repairs.awaabs_law is not None and self.service(service).consumer_code is None
        except Exception:  # noqa: BLE001 - PolicyError: a service the profile does not have
            return False

    def has_stage2(self, service: str = "housing") -> bool:
        """Whether complaints about `service` have a landlord stage 2 (a consumer code has none:
        after its final response the resident goes to the code's ombudsman)."""
        return self.service(service).consumer_code is None

    def extension_reasons(self, stage: int = 1) -> List[ExtensionReason]:
        """The reasons allowed for extending stage 1 or stage 2 (stage 2 falls back to stage 1's)."""
        if stage == 1:
            return list(self.stage1.extension_reasons)
        if stage == 2:
            return list(self.stage2.extension_reasons or self.stage1.extension_reasons)
        raise ValueError(f"stage must be 1 or 2, not {stage!r}")

    @overload
    def fill(self, text: str, service: str = "housing") -> str: ...
    @overload
    def fill(self, text: None, service: str = "housing") -> None: ...
    @overload
    def fill(self, text: Optional[str], service: str = "housing") -> Optional[str]: ...

    def fill(self, text: Optional[str], service: str = "housing") -> Optional[str]:
        """Resident-facing text from the profile with its placeholders filled in."""
        if text is None:
            return None
        return text.format(landlord=self.display_name, months=self.raise_within_months(service))
