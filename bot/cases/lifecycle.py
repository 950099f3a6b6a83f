"""What may happen to a case: one table of the actions that change a case, used by the case store
(which refuses what does not fit), the staff workspace (which shows only the forms that fit, and
asks for the role the table names) and the command line (`python -m bot cases lifecycle` prints it).

    from bot.cases import lifecycle

    lifecycle.check(case, "close", actor="staff:amy", stage1_handlers={"bo"})   # or raises
    lifecycle.allowed(case, "record_response", role="advocate")                 # True / False
    lifecycle.role_needed(case, "record_response")                              # "manager" at stage 2

Each action names the case types, stages and statuses it fits, the role it needs in the workspace
(higher in some states: the stage 2 response is a manager's sign-off), who may not do it (at stage
2, whoever handled stage 1: Housing Ombudsman Complaint Handling Code, 6.13), and whether it needs
a landlord stage 2 (a service under a consumer code, new homes, has none). A refusal is the store's
InvalidTransition (NoStage2 for the missing stage 2), worded as the store always has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from bot.cases.errors import InvalidTransition, NoStage2
from bot.cases.models import (
    ACKNOWLEDGED, CLOSED, NEW, NOT_ACCEPTED_PENDING, OPEN_STATUSES, RESPONDED, STAGE2_PENDING,
    STATUSES, Case,
)

if TYPE_CHECKING:
    from bot.policy import Profile

# The staff roles, each able to do everything the ones before it can (bot.staff.models uses these).
ADVOCATE, MANAGER, ADMIN = "advocate", "manager", "admin"
ROLES = (ADVOCATE, MANAGER, ADMIN)
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}

CODE_6_13 = "Housing Ombudsman Complaint Handling Code, 6.13"


def role_covers(role: str | None, needed: str | None) -> bool:
    """Whether someone with `role` may do what needs `needed` (None: anyone may)."""
    return needed is None or ROLE_RANK.get(role or "", -1) >= ROLE_RANK[needed]


@dataclass(frozen=True)
class SignOff:
    """A higher role an action needs while the case is in some state: at one of `stages` and (if
    given) one of `statuses`. `why` is what the workspace tells someone without the role."""

    role: str
    why: str
    stages: tuple[int | None, ...] | None = None
    statuses: tuple[str, ...] | None = None

    def applies(self, case: Case) -> bool:
        return ((self.stages is None or case.stage in self.stages)
                and (self.statuses is None or case.status in self.statuses))

    def describe(self) -> str:
        where = []
        if self.stages is not None:
            where.append("at stage " + " or ".join(str(s) for s in self.stages))
        if self.statuses is not None:
            where.append("when " + _statuses_text(self.statuses))
        return f"{self.role} {' and '.join(where)}"


@dataclass(frozen=True)
class Condition:
    """Another fact of the case an action needs: `holds(case)`, else refused with `refusal`
    ({reference}: the case's)."""

    text: str
    holds: Callable[[Case], bool]
    refusal: str


@dataclass(frozen=True)
class Action:
    """One thing that may happen to a case, and when.

    `case_types`, `stages`, `statuses`: the case must have one of each (None: any). `role`: the
    staff role it needs (None: a resident's or the assistant's action, or a system's); `sign_offs`
    raise it in some states. `new_handler_at_stage2`: at stage 2 the stage 1 handlers may not do
    it; `new_assignee_at_stage2`: nor be given the case. `needs_stage2_process`: not for a service
    that follows a consumer code. `profile_flag`: only where the policy profile's rules for the
    stage have this flag set. `needs_awaabs_law`: only where the profile applies Awaab's Law to
    the case's service (social housing, not the sale of new homes). `form`: the workspace's form for it (the path after
    /cases/REFERENCE/; None: none on the case page); `method`: the CaseStore method that does it.
    """

    name: str
    label: str
    verb: str                              # "cannot {verb} CMP-...": the refusal's wording
    method: str
    by: str = "staff"
    case_types: tuple[str, ...] | None = None
    stages: tuple[int | None, ...] | None = None
    statuses: tuple[str, ...] | None = None
    role: str | None = ADVOCATE
    sign_offs: tuple[SignOff, ...] = ()
    new_handler_at_stage2: bool = False
    new_assignee_at_stage2: bool = False
    needs_stage2_process: bool = False
    profile_flag: str | None = None
    needs_awaabs_law: bool = False
    conditions: tuple[Condition, ...] = field(default=())
    form: str | None = None
    note: str = ""


STAGE2_SIGN_OFF = ("Closing a complaint at stage 2, or one waiting for a decision on a late "
                   "request for stage 2, is a manager's sign-off.")
NOT_ACCEPTED_SIGN_OFF = ("Not accepting a complaint at stage 2, or a late request for stage 2, "
                         "is a manager's decision.")


_NOT_ANONYMISED = Condition("its personal data is not removed",
                            lambda case: case.anonymised_at is None,
                            "{reference}: its personal data was removed")


def _has_awaab_timescales(case: Case) -> bool:
    return any(name.startswith("awaab_") for name in case.deadlines or {})


ACTIONS: dict[str, Action] = {action.name: action for action in (
    Action("acknowledge", "Acknowledge", "acknowledge", "acknowledge",
           statuses=(NEW, NOT_ACCEPTED_PENDING), new_handler_at_stage2=True, form="acknowledge",
           note="accepts a complaint flagged not accepted - pending review after all"),
    Action("extend", "Extend the response deadline", "extend", "extend",
           case_types=("complaint",), statuses=(ACKNOWLEDGED,), new_handler_at_stage2=True,
           form="extend", note="up to the policy's longest extension, for one of its reasons"),
    Action("further_extension", "Further extension, agreed with the resident", "extend", "extend",
           case_types=("complaint",), statuses=(ACKNOWLEDGED,), new_handler_at_stage2=True,
           profile_flag="further_extension_needs_agreement", form="extend",
           note="past the policy's longest extension, with how and when the resident agreed"),
    Action("record_response", "Record the response", "record a response to", "record_response",
           statuses=(NEW, ACKNOWLEDGED), new_handler_at_stage2=True, form="respond",
           sign_offs=(SignOff(MANAGER, "Recording the stage 2 response is a manager's sign-off.",
                              stages=(2,)),)),
    Action("escalate", "Escalate to stage 2", "escalate", "escalate",
           case_types=("complaint",), stages=(1,),
           statuses=(NEW, ACKNOWLEDGED, RESPONDED, CLOSED, STAGE2_PENDING),
           needs_stage2_process=True, form="escalate",
           sign_offs=(SignOff(MANAGER, "Accepting a late request for stage 2 is a manager's "
                                       "decision.", statuses=(STAGE2_PENDING,)),),
           note="a staff decision, or accepting a late request"),
    Action("request_stage2", "Ask for stage 2", "take to stage 2", "request_stage2",
           by="resident", role=None, case_types=("complaint",), stages=(1,),
           statuses=(NEW, ACKNOWLEDGED, RESPONDED, CLOSED), needs_stage2_process=True,
           note="inside the window it moves to stage 2; late or before the stage 1 response it "
                "waits for a manager (escalation requested - pending review)"),
    Action("close", "Close", "close", "close", statuses=OPEN_STATUSES,
           new_handler_at_stage2=True, form="close",
           sign_offs=(SignOff(MANAGER, STAGE2_SIGN_OFF, stages=(2,)),
                      SignOff(MANAGER, STAGE2_SIGN_OFF, statuses=(STAGE2_PENDING,)))),
    Action("mark_not_accepted", "Mark as not accepted", "mark as not accepted",
           "mark_not_accepted", case_types=("complaint",),
           statuses=(NEW, NOT_ACCEPTED_PENDING, ACKNOWLEDGED, STAGE2_PENDING),
           new_handler_at_stage2=True, form="not_accepted",
           sign_offs=(SignOff(MANAGER, NOT_ACCEPTED_SIGN_OFF, stages=(2,)),
                      SignOff(MANAGER, NOT_ACCEPTED_SIGN_OFF, statuses=(STAGE2_PENDING,))),
           note="with the exclusion and the explanation the resident is given"),
    Action("reassign", "Assign", "reassign", "reassign", statuses=OPEN_STATUSES,
           new_assignee_at_stage2=True, form="reassign"),
    Action("move_to_team", "Move to team", "move", "move_to_team", statuses=OPEN_STATUSES,
           role=MANAGER, form="team/move", note="to another team of the case's policy profile"),
    Action("add_note", "Add a note", "add a note to", "add_note", form="note"),
    Action("add_information", "Add information", "add information to", "add_information",
           by="resident", role=None,
           conditions=(_NOT_ANONYMISED,),
           note="joins an open case's stage 1 before its response; otherwise files a new case "
                "linked to it"),
    Action("record_lessons", "Record lessons learned", "record lessons learned on",
           "record_lessons", form="lessons"),
    Action("add_follow_up", "Add a follow-up action", "add a follow-up action to",
           "add_follow_up", statuses=OPEN_STATUSES, form="follow_up",
           note="what was promised, with its owner and due date (Code 6.6)"),
    Action("complete_follow_up", "Mark a follow-up action done", "complete a follow-up action of",
           "complete_follow_up", form="follow_up_done", note="one of the case's, not yet done"),
    Action("record_hazard_work_done", "Record the hazard work done (Awaab's Law)",
           "record the hazard work done on", "record_hazard_work_done", form="hazard_done",
           conditions=(Condition("it has Awaab's Law timescales", _has_awaab_timescales,
                                 "{reference} has no Awaab's Law timescales"),
                       Condition("its hazard work is not yet recorded as done",
                                 lambda case: case.hazard_work_done_at is None,
                                 "the hazard work of {reference} is already recorded as done")),
           note="stops the Awaab's Law clocks, which run on past the response"),
    Action("record_letter", "Send a letter", "send a letter about", "record_letter",
           note="the letters the case has reached, drafted from the policy profile"),
    Action("correct_field", "Correct what the resident gave", "correct", "correct_field",
           form="correct", conditions=(_NOT_ANONYMISED,),
           note="one field at a time, with the reason; the old and new values kept in the "
                "history"),
    Action("link_cases", "Link to the same resident's case", "link", "link_cases",
           form="link", note="recorded in both cases' histories"),
    Action("unlink_cases", "Unlink a case", "unlink", "unlink_cases", form="unlink",
           note="recorded in both cases' histories"),
    Action("retriage_hazard", "Re-triage the hazard (Awaab's Law)", "re-triage the hazard of",
           "retriage_hazard", statuses=OPEN_STATUSES, form="retriage", needs_awaabs_law=True,
           note="raise or lower the Awaab's Law hazard category, with the reason: raising "
                "starts the profile's clocks from now, lowering to none stops them"),
)}

FORMS: dict[str, str] = {}  # the workspace's form -> the action it does (the first, for extend)
for _action in ACTIONS.values():
    if _action.form:
        FORMS.setdefault(_action.form, _action.name)


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise ValueError(f"no such action in the lifecycle table: {name!r}") from None


def role_needed(case: Case, name: str) -> str | None:
    """The role the action needs for this case now (its sign-offs raise it in some states)."""
    item = action(name)
    role = item.role
    for sign_off in item.sign_offs:
        if sign_off.applies(case) and not role_covers(role, sign_off.role):
            role = sign_off.role
    return role


def sign_off_reason(case: Case, name: str) -> str:
    """What to tell someone without the role the action needs for this case."""
    item = action(name)
    for sign_off in item.sign_offs:
        if sign_off.applies(case) and sign_off.role == role_needed(case, name):
            return sign_off.why
    needed = role_needed(case, name)
    return f"{item.label} needs the {needed} role."


_T = TypeVar("_T")


def _resolve(value: _T | Callable[[], _T]) -> _T:
    return value() if callable(value) else value


def why_not(case: Case, name: str, *, role: str | None = None, check_role: bool = False,
            actor: str | None = None, assignee: str | None = None,
            stage1_handlers: Iterable[str] | Callable[[], Iterable[str]] | None = None,
            profile: Profile | Callable[[], Profile] | None = None) -> InvalidTransition | None:
    """The refusal (an InvalidTransition, not raised) if the action does not fit the case, or None.

    The case's type, stage, status and other facts always count. The rest only when given:
    `role` (with `check_role`, or when not None), the `actor` and `assignee` against the stage 1
    handlers (a set, or a function that finds them: called only when needed), and the `profile`
    (an object or a function returning one) for the stage 2 process and the profile's flags."""
    item = action(name)
    ref = case.reference
    if item.case_types is not None and case.case_type not in item.case_types:
        return InvalidTransition(f"cannot {item.verb} {ref}: it is a "
                                 f"{case.case_type.replace('_', ' ')}")
    if item.stages is not None and case.stage not in item.stages:
        return InvalidTransition(f"cannot {item.verb} {ref}: it is at stage {case.stage}")
    if item.statuses is not None and case.status not in item.statuses:
        return InvalidTransition(f"cannot {item.verb} {ref}: its status is {case.status!r}")
    for condition in item.conditions:
        if not condition.holds(case):
            return InvalidTransition(condition.refusal.format(reference=ref))
    if item.needs_awaabs_law and profile is not None:
        profile = _resolve(profile)
        if not profile.awaabs_law_applies(case.service):
            return InvalidTransition(
                f"cannot {item.verb} {ref}: Awaab's Law does not apply to its service "
                f"({case.service.replace('-', ' ')}) under the policy profile "
                f"{getattr(profile, 'name', '')!r}")
    if (item.needs_stage2_process or item.profile_flag) and profile is not None:
        profile = _resolve(profile)
        if item.needs_stage2_process and not profile.has_stage2(case.service):
            service = profile.service(case.service)
            assert service.consumer_code is not None  # what has_stage2 found: the code's process
            return NoStage2(f"{ref} follows the {service.consumer_code.name}, which has no stage 2: "
                            f"after the final response the resident can go to the "
                            f"{service.ombudsman.name}")
        if item.profile_flag:
            rules = profile.stage2 if case.stage == 2 else profile.stage1
            if not getattr(rules, item.profile_flag, False):
                return InvalidTransition(
                    f"cannot {item.verb} {ref} further: its policy profile "
                    f"{getattr(profile, 'name', '')!r} does not allow it at stage {case.stage or 1} "
                    f"({item.profile_flag} is not set)")
    if (check_role or role is not None) and not role_covers(role, role_needed(case, name)):
        return InvalidTransition(sign_off_reason(case, name))
    if case.stage == 2 and stage1_handlers is not None:
        if item.new_handler_at_stage2 and actor and actor.startswith("staff:"):
            username = _username(actor)
            if username in set(_resolve(stage1_handlers)):
                return InvalidTransition(
                    f"{ref}: {username} handled stage 1 of this complaint, so stage 2 must be "
                    f"handled by someone else ({CODE_6_13})")
        if item.new_assignee_at_stage2 and assignee:
            if _username(assignee) in set(_resolve(stage1_handlers)):
                return InvalidTransition(
                    f"{ref}: {assignee} handled stage 1 of this complaint, so stage 2 must be "
                    f"assigned to someone else ({CODE_6_13})")
    return None


def check(case: Case, name: str, **facts) -> None:
    """Raise the refusal if the action does not fit the case (see `why_not` for the facts)."""
    refusal = why_not(case, name, **facts)
    if refusal is not None:
        raise refusal


def allowed(case: Case, name: str, role: str | None, **facts) -> bool:
    """Whether someone with `role` (None: no staff role) may do the action to the case now."""
    return why_not(case, name, role=role, check_role=True, **facts) is None


def fits(case: Case, name: str, **facts) -> bool:
    """Whether the action fits the case, whoever does it (the role not counted)."""
    return why_not(case, name, **facts) is None


def _username(who: str) -> str:
    return who.removeprefix("staff:")


# --- the table in words (`python -m bot cases lifecycle`, docs/case-store.md) ----------------------

def _statuses_text(statuses: Iterable[str]) -> str:
    statuses = tuple(statuses)
    if set(statuses) == set(OPEN_STATUSES):
        return "open"
    ordered = [s for s in STATUSES if s in statuses]
    return ", ".join(ordered)


def _row(item: Action) -> list[str]:
    types = ", ".join(t.replace("_", " ") for t in item.case_types) if item.case_types else "any"
    stages = ", ".join(str(s) for s in item.stages) if item.stages else "any"
    statuses = _statuses_text(item.statuses) if item.statuses is not None else "any"
    role = item.role or "-"
    if item.sign_offs:
        seen: list[str] = []
        for sign_off in item.sign_offs:
            text = sign_off.describe()
            if text not in seen:
                seen.append(text)
        role += "; " + "; ".join(seen)
    not_by = []
    if item.new_handler_at_stage2:
        not_by.append("the stage 1 handlers, at stage 2 (Code 6.13)")
    if item.new_assignee_at_stage2:
        not_by.append("assigned to a stage 1 handler, at stage 2 (Code 6.13)")
    also = [c.text for c in item.conditions]
    if item.needs_stage2_process:
        also.append("a landlord stage 2 (not under a consumer code)")
    if item.profile_flag:
        also.append(f"the policy profile's `{item.profile_flag}`")
    if item.needs_awaabs_law:
        also.append("Awaab's Law applies to its service (not the sale of new homes)")
    if item.note:
        also.append(item.note)
    return [f"`{item.name}`", item.by, types, stages, statuses, role,
            "; ".join(not_by) or "-", "; ".join(also) or "-"]


HEADER = ["action", "by", "case types", "stage", "status", "role", "who may not", "also"]


def table_markdown() -> str:
    """The table as Markdown, one row per action (what `cases lifecycle` prints)."""
    rows = [HEADER, ["---"] * len(HEADER)] + [_row(item) for item in ACTIONS.values()]
    return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
                     for row in rows) + "\n"
