"""The case queue, its CSV download, the case page and the staff actions on a case."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from bot.cases import attachments, lifecycle
from bot.cases.export import case_to_dict, iter_csv, stream_cases, stream_deadline_names
from bot.cases.models import CASE_TYPES, SERVICES, STATUSES, Case, FollowUp, deadline_counts
from bot.cases.references import InvalidReference
from bot.cases.store import CaseNotFound, CaseQuery, ConcurrentChange, InvalidTransition
from bot.staff import corrections, display
from bot.staff.models import MANAGER, StaffUser
from bot.staff.transcripts import with_attachments
from bot.staff.web import Page, workspace

if TYPE_CHECKING:
    from bot.policy import Profile

bp = Blueprint("cases", __name__)
PAGE_SIZE = 50
VIEWS = {"open": "Open", "overdue": "Overdue", "all": "All cases"}
# The deadline status filter: the next deadline missed, today, or from today to the fifth
# working day after it (each case's policy profile's calendar: bank holidays are not counted).
DUE = {"overdue": "Overdue", "today": "Due today",
       "soon": "Due within 5 working days (today included)"}
SOON_WORKING_DAYS = 5
ANY_TEAM = "all"   # the queue's "any team" choice, which a default team does not override


# --- the queue ----------------------------------------------------------------------------------

def _filters() -> dict[str, Any]:
    import re

    args = request.args
    stage = args.get("stage", "")
    # No team chosen: the person's default team, if they have one; "all": every team.
    team = args.get("team")
    if team is None:
        team = getattr(g.user, "default_team", None) or ""
    team = "" if team == ANY_TEAM else team
    return {
        "view": args.get("view") if args.get("view") in VIEWS else "open",
        "type": args.get("type") if args.get("type") in CASE_TYPES else "",
        "status": args.get("status") if args.get("status") in STATUSES else "",
        "stage": int(stage) if stage in ("1", "2") else None,
        "service": args.get("service") if args.get("service") in SERVICES else "",
        "channel": args.get("channel", "")[:40],
        "from": display.filter_day(args.get("from")),
        "to": display.filter_day(args.get("to")),
        "q": args.get("q", "").strip()[:200],
        "mine": args.get("mine") == "1",
        # A team key of a policy profile: that team's cases, and those not yet routed.
        "team": team if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", team) else "",
        "due": args.get("due") if args.get("due") in DUE else "",
    }


def _query(filters: dict[str, Any], **extra) -> CaseQuery:
    return CaseQuery(
        case_type=filters["type"] or None, status=filters["status"] or None,
        stage=filters["stage"], service=filters["service"] or None,
        channel=filters["channel"] or None, created_from=filters["from"],
        created_to=filters["to"], search=filters["q"] or None,
        open_only=filters["view"] in ("open", "overdue"),
        overdue=filters["view"] == "overdue" or filters.get("due") == "overdue",
        assigned_to=g.user.username if filters["mine"] else None,
        team=filters.get("team") or None,
        **_due_filter(filters.get("due") or ""), **extra)


def _due_filter(due: str) -> dict[str, Any]:
    if due == "today":
        return {"due_on": workspace().today()}
    if due == "soon":
        return {"due_within_working_days": SOON_WORKING_DAYS}
    return {}


def _filter_args(filters: dict[str, Any], **changes) -> dict[str, str]:
    """The query string of the current filters (for links), with `changes`."""
    values = {"view": filters["view"], "type": filters["type"], "status": filters["status"],
              "stage": filters["stage"] or "", "service": filters["service"],
              "channel": filters["channel"], "from": filters["from"] or "",
              "to": filters["to"] or "", "q": filters["q"], "mine": "1" if filters["mine"] else "",
              "due": filters.get("due", "")}
    values.update(changes)
    return {k: str(v) for k, v in values.items() if v not in ("", None)}


def _channels() -> list[str]:
    ws = workspace()
    with ws.store.read() as db:
        found = db.execute(sa.select(Case.channel).distinct()).scalars().all()
    return sorted(set(found) | {"rest", "socketio", "facebook"})


@bp.route("/")
def queue():
    ws = workspace()
    filters = _filters()
    store = ws.store
    total = store.count(_query(filters))
    page = Page.from_request(total, PAGE_SIZE)
    cases = store.query(_query(filters, limit=PAGE_SIZE, offset=page.offset))
    counts = {view: store.count(_query({**filters, "view": view})) for view in VIEWS}
    now, today = ws.now(), ws.today()
    rows = []
    for case in cases:
        # Worded as on the case page (to the hour for a deadline counted in hours).
        status = display.running_deadline(case, today, now, region=store.region_of(case.policy_profile))
        running = case.is_open and case.next_deadline is not None
        rows.append({"case": case, "age": display.age_text(case.created_at, today),
                     "due": status["text"] if running else "", "due_class": status["css"],
                     "deadline_name": status["name"]})
    teams, team_labels = queue_teams(ws, cases)

    def filter_args(values: dict[str, Any], **changes) -> dict[str, str]:
        # "Any team" is kept in links, or a default team would come back on the next page.
        chosen = values.get("team") or (ANY_TEAM if g.user.default_team else "")
        return _filter_args(values, **{"team": chosen, **changes})

    return render_template("queue.html", rows=rows, filters=filters, page=page, counts=counts,
                           views=VIEWS, filter_args=filter_args, channels=_channels(),
                           case_types=CASE_TYPES, statuses=STATUSES, services=SERVICES,
                           teams=teams, team_labels=team_labels, due_choices=DUE,
                           any_team=ANY_TEAM)


@bp.route("/cases.csv")
def queue_csv():
    """Every matching case, streamed: read in batches and written a row at a time (23,000 open
    cases at a large landlord: never one list of them, nor one string)."""
    ws = workspace()
    query = _query(_filters())
    user = g.user   # the generator runs after the request: it keeps what it needs
    names = stream_deadline_names(ws.store, query)

    def rows():
        for case, related, _history in stream_cases(ws.store, query, related=True):
            row = case_to_dict(case, related_reference=related)
            if not display.sees_sensitive(user, case):
                row.update({name: display.RESTRICTED for name in display.SENSITIVE_FIELDS
                            if row.get(name)})
            yield row

    name = f"cases-{ws.today().isoformat()}.csv"
    return Response(iter_csv(rows(), names, spreadsheet_safe=True), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- a case -------------------------------------------------------------------------------------

@dataclass
class ActionForms:
    """Which actions the case page offers, and what they need: by form (`lifecycle.FORMS`), from
    the lifecycle table. `available`: the action fits the case (its box is shown);
    `needs_manager`: it needs a manager now (said in the box's title); `permitted`: the signed-in
    user may do it (its form is shown; otherwise the box says who decides)."""

    available: dict[str, bool] = field(default_factory=dict)
    needs_manager: dict[str, bool] = field(default_factory=dict)
    permitted: dict[str, bool] = field(default_factory=dict)
    extension: dict[str, Any] | None = None
    exclusions: list[tuple[str, str]] = field(default_factory=list)
    staff: list[StaffUser] = field(default_factory=list)
    stage1_handlers: set[str] = field(default_factory=set)  # not for stage 2 (Code 6.13)
    letters: list[tuple[str, str]] = field(default_factory=list)  # (kind, title) to draft
    owners: list[StaffUser] = field(default_factory=list)  # for a follow-up action: any active


def _user_role() -> str | None:
    user = g.get("user")
    return user.role if user is not None and user.active else None


def _actions(case: Case, profile: Profile | None) -> ActionForms:
    """The forms of the case page, each shown when the lifecycle table lets its action happen to
    the case (with its profile: no stage 2 under a consumer code) and the user has the role."""
    forms = ActionForms()
    role = _user_role()
    for form, name in lifecycle.FORMS.items():
        needed = lifecycle.role_needed(case, name)
        forms.available[form] = lifecycle.fits(case, name, profile=profile)
        forms.needs_manager[form] = needed == MANAGER
        forms.permitted[form] = forms.available[form] and lifecycle.role_covers(role, needed)
    if forms.available["extend"]:
        forms.extension = _extension_options(case, profile)
    if profile is not None:
        from bot import letters

        kinds = letters.available(profile, case, case.events, workspace().today())
        forms.letters = [(kind, letters.KINDS[kind]) for kind in kinds]
    if forms.available["not_accepted"] and profile is not None:
        forms.exclusions = [(key, item.title) for key, item in profile.exclusions.items()]
    ws = workspace()
    with ws.store.read() as db:
        if case.stage == 2:
            forms.stage1_handlers = ws.store.stage1_handlers(db, case)
        forms.owners = list(db.execute(
            sa.select(StaffUser).where(StaffUser.active.is_(True))
            .order_by(StaffUser.display_name)).scalars())
        forms.staff = [person for person in forms.owners
                       if person.username not in forms.stage1_handlers]
    return forms


def _extension_options(case: Case, profile: Profile | None) -> dict[str, Any]:
    """The extension form: the allowed reasons and, for each possible length, the new date."""
    from bot.policy import PolicyError
    from bot.policy.deadlines import extend, max_extension_working_days

    stage = case.stage or 1
    key = "stage2_response_by" if stage == 2 else "stage1_response_by"
    due = case.deadline(key)
    result: dict[str, Any] = {"stage": stage, "due": due, "reasons": [], "options": [],
                              "problem": None}
    if profile is None:
        result["problem"] = (f"The policy profile {case.policy_profile!r} cannot be loaded, so "
                             "the new date cannot be computed.")
        return result
    if due is None:
        result["problem"] = "This case has no response deadline to extend."
        return result
    try:
        reasons = [(r.key, r.text) for r in profile.extension_reasons(stage)]
        limit = max_extension_working_days(profile, stage)
    except (PolicyError, ValueError) as error:
        result["problem"] = str(error)
        return result
    result["reasons"] = reasons
    outer = case.deadline("stage2_extended_response_by" if stage == 2
                          else "stage1_extended_response_by")
    today = workspace().today()
    for days in range(limit, 0, -1):
        try:
            new_date = extend(profile, stage, due, reasons[0][0], days, service=case.service)
        except (PolicyError, IndexError) as error:
            result["problem"] = str(error) if isinstance(error, PolicyError) else \
                "The policy profile lists no reasons for an extension."
            return result
        if outer is not None and new_date > outer:
            continue
        if new_date < today:
            continue
        result["options"].append((days, new_date))
    # Past the policy's limit, only with the resident's agreement where the policy allows it.
    result["further"] = lifecycle.allowed(case, "further_extension", _user_role(),
                                          profile=profile)
    result["outer"] = outer
    if not result["options"]:
        result["problem"] = (
            f"The response is already due on the latest date the policy allows "
            f"({display.fmt_long_date(outer or due)})."
            + (" A further extension needs the resident's agreement: record it below."
               if result["further"] else " The policy allows no further extension."))
    return result


def _load(reference: str) -> Case:
    ws = workspace()
    try:
        return ws.store.find_by_reference(reference, with_history=True)
    except InvalidReference as error:
        g.specific_404 = True
        abort(404, f"{reference!r} is not a case reference: {error}")
    except CaseNotFound as error:
        g.specific_404 = True
        abort(404, display.as_sentence(error))


TABS = {"case": "Case", "conversation": "Conversation"}


def render_case(case: Case, *, errors: dict[str, str] | None = None, status: int = 200,
                values: dict[str, str] | None = None, field_errors: dict[str, str] | None = None,
                tab: str = "case"):
    """The case page. Its "Case" tab: summary and deadlines first, the resident's other cases,
    the details (each correctable), the history (newest first unless ?history=oldest) and the
    actions beside them; its "Conversation" tab: the transcript that filed it."""
    ws = workspace()
    try:
        profile = ws.profile(case.policy_profile)
    except Exception:  # noqa: BLE001 - a profile since removed: the page still shows the case
        profile = None
    region = getattr(profile, "region", None)
    transcript, transcript_error = [], None
    if tab == "conversation":
        try:
            transcript = ws.tracker.transcript(case.conversation_id) if case.conversation_id else []
        except Exception as error:  # noqa: BLE001 - the case page must not fail for the tracker
            transcript_error = f"The conversation could not be read from the tracker store: {error}"
    with ws.store.read() as db:
        corrected = corrections.of_conversation(db, case.conversation_id or "") \
            if tab == "conversation" else {}
        follow_ups = db.execute(sa.select(Case.reference).where(
            Case.related_case_id == case.id).order_by(Case.id)).scalars().all()
        names = dict(db.execute(sa.select(StaffUser.username, StaffUser.display_name)).all())
        actions_promised = list(db.execute(
            sa.select(FollowUp).where(FollowUp.case_id == case.id)
            .order_by(FollowUp.due_date.is_(None), FollowUp.due_date, FollowUp.id)).scalars())
        evidence = attachments.of_case(db, case.id)
        conversation_files = attachments.of_conversation(db, case.conversation_id or "") \
            if tab == "conversation" else []
    fields = case_to_dict(case)
    deadlines = []
    now, today = ws.now(), ws.today()
    for name, value in sorted((case.deadlines or {}).items(), key=lambda item: item[1]):
        # A date, or for a deadline counted in hours (Awaab's Law) its time, shown in UK time.
        day, moment = case.deadline(name), case.deadline_at(name)
        hour = moment if isinstance(moment, datetime) else None
        due, due_class = display.deadline_status(case, name, today, now, region)
        deadlines.append({"name": name, "value": value, "day": day, "due": due,
                          "when": display.fmt_datetime(hour) if hour else None,
                          "due_class": due_class,
                          "next": day == case.next_deadline and deadline_counts(case, name),
                          "link": None})
    follow_up_view = _follow_up_rows(actions_promised, names, today)
    next_name = display.next_deadline_name(case)
    first_due = min((f.due_date for f in actions_promised if f.done_at is None and f.due_date),
                    default=None)
    if first_due is not None:
        # An open follow-up action's due date counts as a deadline until it is done (the
        # store's next_deadline_of takes the earliest into the case's next deadline).
        due, due_class = display.due_text(first_due, today, case.is_open, region=region)
        is_next = first_due == case.next_deadline
        deadlines.append({"name": "follow_up_due", "value": first_due.isoformat(),
                          "day": first_due, "due": due, "when": None, "due_class": due_class,
                          "next": is_next, "link": "#follow-ups"})
        deadlines.sort(key=lambda d: d["day"] or date.max)
        if is_next and next_name is None:
            next_name = "follow_up_due"
    intents = []
    if tab == "conversation":
        try:
            intents = corrections.domain_intents()
        except OSError:
            intents = []
    sees = display.sees_sensitive(g.user, case)
    oldest_first = request.args.get("history") == "oldest"
    history = [{"event": event, "items": display.history_items(event, sees)}
               for event in case.events]
    if not oldest_first:
        history.reverse()
    errors = errors or {}
    return render_template(
        "case.html", case=case, fields=fields, field_groups=display.FIELD_GROUPS,
        sensitive=display.SENSITIVE_FIELDS, sees_sensitive=sees,
        deadlines=deadlines, history=history, oldest_first=oldest_first,
        actions=_actions(case, profile),
        profile=profile, evidence=evidence, tab=tab, tabs=TABS,
        transcript=with_attachments(display.masked_transcript(transcript, [case], g.user),
                                    conversation_files),
        transcript_error=transcript_error,
        corrected=corrected, intents=intents, follow_ups=follow_ups,
        staff_names=names, errors=errors, values=values or {},
        field_errors=field_errors or {}, error_links=_error_links(errors, field_errors or {}),
        decisions=display.DECISIONS, remedy_kinds=display.REMEDY_KINDS,
        response_rows=_response_rows(values or {}),
        outcomes=[{**o, "actor": _staff_name(o["actor"], names)}
                  for o in display.outcomes(case.events)],
        follow_up_actions=follow_up_view,
        overdue_follow_ups=sum(row["overdue"] for row in follow_up_view),
        hazard_done=_hazard_done_event(case, names),
        resident=_resident_panel(ws, case) if tab == "case" else None,
        correctable=display.CORRECTABLE_LABELS, correcting=_correcting(case, values or {}),
        awaab_categories=display.AWAAB_LABELS,
        low_confidence=ws.setting("low_confidence"), next_deadline_name=next_name,
        due=_running(case, today, now, region)), status


def _running(case: Case, today: date, now: datetime, region: str | None) -> tuple[str, str]:
    """The case's next deadline's status, as the queue words it."""
    status = display.running_deadline(case, today, now, region)
    return status["text"], status["css"]


def _error_links(errors: dict[str, str], field_errors: dict[str, str]) -> list[tuple[str, str]]:
    """The error summary's entries: each message, linked to its field (or to its form)."""
    links = [(f"#{field_id}", message) for field_id, message in field_errors.items()]
    shown = set(field_errors.values())
    for form, message in errors.items():
        if message not in shown:
            links.append((f"#action-{form}", message))
    return links


def _correcting(case: Case, values: dict[str, str]) -> dict[str, Any]:
    """The correction form: the field chosen (from ?correct=NAME, or the form sent back) and
    the value to start from (what the case says now, as the form shows it)."""
    name = values.get("field") or request.args.get("correct") or ""
    if name not in display.CORRECTABLE_LABELS or (
            name in display.SENSITIVE_FIELDS and not display.sees_sensitive(g.user, case)):
        return {"field": "", "value": values.get("value", "")}
    if "value" in values:
        return {"field": name, "value": values["value"]}
    current = getattr(case, name, None)
    if isinstance(current, date):
        current = display.uk_day(current)
    return {"field": name, "value": "" if current is None else str(current)}


def _resident_panel(ws, case: Case) -> dict[str, Any]:
    """"This resident": the cases linked to this one, the other cases that look like the same
    resident's (e-mail, phone, or postcode and name), and their conversations (those of the
    cases, and any other in the tracker store where the resident gave the same e-mail address
    or phone number)."""
    linked = ws.store.linked_cases(case.reference)
    linked_ids = {c.id for c in linked}
    words = {"email": "e-mail", "phone": "phone", "postcode and name": "postcode and name"}
    matches = [{"case": other, "why": [words.get(w, w) for w in why],
                "linked": other.id in linked_ids}
               for other, why in ws.store.same_resident(case.reference)]
    conversations: dict[str, str | None] = {}
    for other in [*linked, *(m["case"] for m in matches)]:
        if other.conversation_id and other.conversation_id != case.conversation_id:
            conversations.setdefault(other.conversation_id, other.reference)
    if case.anonymised_at is None:
        try:
            for sender in ws.tracker.conversations_mentioning(
                    [v for v in (case.email, case.phone) if v]):
                if sender != case.conversation_id:
                    conversations.setdefault(sender, None)
        except Exception:  # noqa: BLE001 - the case page must not fail for the tracker
            pass
    return {"linked": linked, "matches": matches,
            "conversations": sorted(conversations.items(), key=lambda item: item[1] or "~")}


def _staff_name(actor: str | None, names: dict[str, str]) -> str:
    """'Ada Advocate' for "staff:ada"; anyone else (the assistant, a resident) as recorded."""
    if not actor:
        return ""
    username = actor.removeprefix("staff:")
    return names.get(username, actor) if actor.startswith("staff:") else actor


def _follow_up_rows(items: list[FollowUp], names: dict[str, str], today: date) -> list[dict]:
    return [{"id": item.id, "description": item.description,
             "owner": names.get(item.owner, item.owner) if item.owner else "",
             "due_date": item.due_date, "overdue": item.is_overdue(today),
             "created_at": item.created_at, "created_by": _staff_name(item.created_by, names),
             "done": item.done_at is not None, "done_at": item.done_at,
             "done_by": _staff_name(item.done_by, names), "done_note": item.done_note or ""}
            for item in items]


def _hazard_done_event(case: Case, names: dict[str, str]) -> dict | None:
    """When and by whom the Awaab's Law hazard work was recorded as done (from the history)."""
    if case.hazard_work_done_at is None:
        return None
    event = next((e for e in reversed(case.events) if e.kind == "hazard_work_done"), None)
    if event is None:
        return {"at": case.hazard_work_done_at, "by": "", "note": ""}
    return {"at": event.at, "by": _staff_name(event.actor, names),
            "note": (event.details or {}).get("note") or ""}


# The response form's rows: points of the complaint, each with its decision, and remedies. This
# many blank ones without JavaScript (staff.js adds more); as many as were sent, after a problem.
RESPONSE_ROWS = 3
MAX_RESPONSE_ROWS = 30
POINT_FIELDS = ("text", "decision")
REMEDY_FIELDS = ("kind", "description", "amount")


def _response_rows(values: dict[str, str]) -> dict[str, int]:
    counts = {}
    for prefix, names in (("point", POINT_FIELDS), ("remedy", REMEDY_FIELDS)):
        used = [i for i in range(1, MAX_RESPONSE_ROWS + 1)
                if any((values.get(f"{prefix}_{i}_{n}") or "").strip() for n in names)]
        counts[prefix] = max([RESPONSE_ROWS, *used])
    return counts


@bp.route("/cases/<reference>")
def case_page(reference: str):
    case = _load(reference)
    if case.reference != reference:
        return redirect(url_for("cases.case_page", reference=case.reference))
    return render_case(case)


@bp.route("/cases/<reference>/conversation")
def case_conversation(reference: str):
    """The case page's Conversation tab: the transcript that filed the case."""
    case = _load(reference)
    if case.reference != reference:
        return redirect(url_for("cases.case_conversation", reference=case.reference))
    return render_case(case, tab="conversation")


# --- actions --------------------------------------------------------------------------------------

class FormProblem(ValueError):
    """A form filled in wrongly: shown in the error summary at the top of the page, linked to
    the field (`field`: its id), and next to the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# The id of each form field on the case page, by form and field name: a problem with the field
# is shown next to it, and the error summary links to it.
FIELD_IDS = {
    "correct": {"field": "fc-field", "value": "fc-value", "reason": "fc-reason"},
    "extend": {"reason": "ext-reason", "working_days": "ext-days", "why": "ext-why",
               "new_date": "fx-date", "agreement": "fx-agreement"},
    "respond": {"summary": "resp-summary", "decision": "resp-decision"},
    "note": {"text": "note-text"},
    "retriage": {"awaab_category": "rt-category", "retriage_reason": "rt-reason"},
    "link": {"other_reference": "link-reference"},
    "follow_up": {"follow_up_description": "fu-description", "follow_up_owner": "fu-owner",
                  "follow_up_due": "fu-due"},
    "lessons": {"what_went_wrong": "ll-wrong", "action": "ll-action",
                "target_date": "ll-target", "done_date": "ll-done"},
    "not_accepted": {"exclusion": "na-exclusion"},
}


def _field_id(name: str) -> str | None:
    form = request.view_args.get("action") if request.view_args else None
    if form == "extend" and request.form.get("further") and name == "reason":
        return "fx-reason"
    return FIELD_IDS.get(form or "", {}).get(name)


def _text(name: str, required: str | None = None, limit: int = 20000) -> str | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        if required:
            raise FormProblem(required, _field_id(name))
        return None
    if len(value) > limit:
        raise FormProblem(f"at most {limit:,} characters, please", _field_id(name))
    return value


def _form_date(name: str, what: str) -> date | None:
    try:
        return display.parse_day(request.form.get(name))
    except ValueError:
        raise FormProblem(f"the {what} is not a date: type it as day/month/year, "
                          f"e.g. 27/3/2026", _field_id(name)) from None


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def _require_role(case: Case, name: str) -> None:
    """The role the lifecycle table asks for this action on this case now (a manager's sign-off
    at stage 2, say), or 403."""
    needed = lifecycle.role_needed(case, name)
    if needed is not None and not g.user.can(needed):
        g.required_role = needed
        abort(403, lifecycle.sign_off_reason(case, name))


@bp.route("/cases/<reference>/<action>", methods=["POST"])
def act(reference: str, action: str):
    ws = workspace()
    case = _load(reference)
    handlers = {
        "acknowledge": _acknowledge, "extend": _extend, "respond": _respond,
        "escalate": _escalate, "close": _close, "not_accepted": _not_accepted,
        "note": _note, "lessons": _lessons, "reassign": _reassign,
        "follow_up": _follow_up, "follow_up_done": _follow_up_done, "hazard_done": _hazard_done,
        "correct": _correct, "link": _link, "unlink": _unlink, "retriage": _retriage,
    }
    if action not in handlers:
        abort(404)
    # The role first (what the page says), then the store refuses what does not fit the case.
    _require_role(case, lifecycle.FORMS[action])
    actor = g.user.actor
    version = _version()
    try:
        message = handlers[action](ws, case, actor, version)
    except FormProblem as problem:
        message = display.as_sentence(problem)
        return render_case(case, errors={action: message}, status=400, values=dict(request.form),
                           field_errors={problem.field: message} if problem.field else None)
    except ConcurrentChange:
        fresh = _load(case.reference)
        return render_case(fresh, errors={action: (
            "Someone else changed this case while you were looking at it. Check its history "
            "below, then do this again if it is still needed.")}, status=409,
            values=dict(request.form))
    except InvalidTransition as error:
        return render_case(case, errors={action: display.as_sentence(error)}, status=400,
                           values=dict(request.form))
    flash(message, "success")
    return redirect(url_for("cases.case_page", reference=case.reference), code=303)


def _acknowledge(ws, case, actor, version):
    updated = ws.store.acknowledge(case.reference, actor, note=_text("note", limit=5000),
                                   expected_version=version)
    due = updated.deadline("stage2_response_by" if updated.stage == 2 else "stage1_response_by")
    if updated.case_type == "complaint" and due:
        return (f"Acknowledged. The response is due by {display.fmt_long_date(due)}.")
    return "Acknowledged."


def _extend(ws, case, actor, version):
    if request.form.get("further"):
        return _further_extension(ws, case, actor, version)
    reason = _text("reason", "choose the reason for the extension")
    try:
        days = int(request.form.get("working_days", ""))
    except ValueError:
        raise FormProblem("choose how many working days to extend by", "ext-days") from None
    try:
        profile = ws.profile(case.policy_profile)
        allowed = [r.key for r in profile.extension_reasons(case.stage or 1)]
    except Exception:  # noqa: BLE001
        allowed = []
    if reason not in allowed:
        raise FormProblem("choose one of the reasons the policy allows", "ext-reason")
    explanation = _text("why", "say what you told the resident about why", limit=2000)
    updated = ws.store.extend(case.reference, actor, reason, working_days=days,
                              explanation=explanation, expected_version=version)
    key = "stage2_response_by" if updated.stage == 2 else "stage1_response_by"
    return (f"Extended: the stage {updated.stage or 1} response is now due by "
            f"{display.fmt_long_date(updated.deadline(key))}. Tell the resident why, with the new "
            "date and the Ombudsman's contact details.")


def _further_extension(ws, case, actor, version):
    """An extension past the policy's limit, agreed with the resident (seed 004)."""
    new_date = _form_date("new_date", "new date")
    if new_date is None:
        raise FormProblem("give the new date agreed with the resident", "fx-date")
    reason = _text("reason", "say why more time is needed", limit=2000)
    agreement = _text("agreement", "record how and when the resident agreed", limit=2000)
    updated = ws.store.extend(case.reference, actor, reason, new_date,
                              resident_agreement=agreement, expected_version=version)
    return (f"Extended with the resident's agreement: the stage {updated.stage or 1} response is "
            f"now due by {display.fmt_long_date(new_date)}.")


def _respond(ws, case, actor, version):
    summary = _text("summary", "summarise the response")
    decision = request.form.get("decision") or None
    if decision is not None and decision not in display.DECISION_LABELS:
        raise FormProblem("choose a decision from the list")
    points, remedies = _outcome_rows() if case.case_type == "complaint" else ([], [])
    ws.store.record_response(case.reference, actor, summary, decision=decision, points=points,
                             remedies=remedies, expected_version=version)
    return f"Response recorded (stage {case.stage})." if case.stage else "Response recorded."


def _outcome_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The response form's points (text and decision) and remedies (kind, description, amount),
    blank rows left out; the store checks the rest (a decision for each point, a financial
    remedy's amount)."""
    points, remedies = [], []
    for i in range(1, MAX_RESPONSE_ROWS + 1):
        point = {n: (request.form.get(f"point_{i}_{n}") or "").strip() for n in POINT_FIELDS}
        if point["decision"] and point["decision"] not in display.DECISION_LABELS:
            raise FormProblem(f"point {i}: choose its decision from the list")
        if point["decision"] and not point["text"]:
            raise FormProblem(f"point {i} has a decision but no point: write the point, or "
                              "leave its decision blank")
        if len(point["text"]) > 2000:
            raise FormProblem(f"point {i}: at most 2,000 characters, please")
        if point["text"]:
            points.append({"point": point["text"], "decision": point["decision"] or None})
        remedy = {n: (request.form.get(f"remedy_{i}_{n}") or "").strip() for n in REMEDY_FIELDS}
        if not any(remedy.values()):
            continue
        if not remedy["kind"]:
            raise FormProblem(f"remedy {i}: choose what kind of remedy it is")
        if remedy["kind"] not in display.REMEDY_LABELS:
            raise FormProblem(f"remedy {i}: choose its kind from the list")
        if len(remedy["description"]) > 2000 or len(remedy["amount"]) > 40:
            raise FormProblem(f"remedy {i}: that is too long")
        remedies.append(remedy)
    return points, remedies


def _escalate(ws, case, actor, version):
    updated = ws.store.escalate(case.reference, actor, reason=_text("reason", limit=5000),
                                expected_version=version)
    due = updated.deadline("stage2_acknowledge_by")
    extra = f" Acknowledge it by {display.fmt_long_date(due)}." if due else ""
    return "Escalated to stage 2." + extra


def _close(ws, case, actor, version):
    ws.store.close(case.reference, actor, outcome=_text("outcome", limit=5000),
                   expected_version=version)
    return "Closed."


def _not_accepted(ws, case, actor, version):
    exclusion = _text("exclusion", "choose which exclusion applies")
    profile = None
    try:
        profile = ws.profile(case.policy_profile)
    except Exception:  # noqa: BLE001
        pass
    if profile is not None and exclusion not in profile.exclusions:
        raise FormProblem("choose one of the policy's exclusions")
    explanation = _text("explanation", limit=5000)
    if explanation is None and profile is not None:
        from bot.cases.store import exclusion_explanation

        explanation = exclusion_explanation(profile, exclusion, case.service)
    if not explanation:
        raise FormProblem("explain to the resident why it is not accepted")
    ws.store.mark_not_accepted(case.reference, actor, exclusion, explanation,
                               expected_version=version)
    return ("Marked as not accepted. Tell the resident why, and that they can take this "
            "decision to the Ombudsman.")


def _note(ws, case, actor, version):
    ws.store.add_note(case.reference, _text("text", "write the note"), actor)
    return "Note added."


def _lessons(ws, case, actor, version):
    went_wrong = _text("what_went_wrong", "say what went wrong", limit=5000)
    action = _text("action", "say what will change", limit=5000)
    target = _form_date("target_date", "target date")
    done = _form_date("done_date", "date done")
    ws.store.record_lessons(case.reference, actor, went_wrong, action, target_date=target,
                            done_date=done)
    return "Lessons learned recorded."


def _active_staff(ws, username: str) -> bool:
    """Whether `username` is an active member of staff (an owner or assignee chosen on a form)."""
    with ws.store.read() as db:
        return db.execute(sa.select(StaffUser.username).where(
            StaffUser.username == username, StaffUser.active.is_(True))).scalar_one_or_none() is not None


def _follow_up(ws, case, actor, version):
    description = _text("follow_up_description", "describe the follow-up action", limit=2000)
    owner = (request.form.get("follow_up_owner") or "").strip() or None
    if owner is not None and not _active_staff(ws, owner):
        raise FormProblem("choose the owner from the list of staff, or nobody")
    due = _form_date("follow_up_due", "due date")
    if due is not None and due < ws.today():
        raise FormProblem("the due date is in the past: give today or a later date")
    ws.store.add_follow_up(case.reference, actor, description, owner=owner, due_date=due,
                           expected_version=version)
    when = f", due by {display.fmt_long_date(due)}" if due else ""
    return f"Follow-up action added{when}."


def _follow_up_done(ws, case, actor, version):
    try:
        item = int(request.form.get("follow_up_id", ""))
    except ValueError:
        raise FormProblem("choose which follow-up action is done") from None
    try:
        ws.store.complete_follow_up(case.reference, item, actor,
                                    note=_text("done_note", limit=5000), expected_version=version)
    except CaseNotFound:
        raise FormProblem("that follow-up action is not one of this case's") from None
    return "Follow-up action marked as done."


def _hazard_done(ws, case, actor, version):
    ws.store.record_hazard_work_done(case.reference, actor, _text("hazard_note", limit=5000),
                                     expected_version=version)
    return "Hazard work recorded as done: the Awaab's Law timescales have stopped."


def _reassign(ws, case, actor, version):
    assignee = (request.form.get("assignee") or "").strip() or None
    if assignee is not None and not _active_staff(ws, assignee):
        raise FormProblem("choose a member of staff from the list")
    if assignee == case.assigned_to:
        raise FormProblem("the case is already assigned to them" if assignee else
                          "the case is not assigned to anyone")
    ws.store.reassign(case.reference, actor, assignee, expected_version=version)
    return f"Assigned to {assignee}." if assignee else "No longer assigned to anyone."


def _correct(ws, case, actor, version):
    """Correct one field the resident gave, with the reason (both required)."""
    name = (request.form.get("field") or "").strip()
    if name not in display.CORRECTABLE_LABELS:
        raise FormProblem("choose the field to correct", "fc-field")
    if name in display.SENSITIVE_FIELDS and not display.sees_sensitive(g.user, case):
        raise FormProblem("only the member of staff the case is assigned to, or a manager, may "
                          "correct the support needs", "fc-field")
    from bot.cases.store import corrected_value

    value = request.form.get("value") or ""
    if name == "event_date":
        value = _form_date("value", "date")
    try:
        corrected_value(name, value)
    except InvalidTransition as error:
        raise FormProblem(str(error), "fc-value") from None
    reason = _text("reason", "say why you are correcting it", limit=2000)
    try:
        ws.store.correct_field(case.reference, actor, name, value, reason,
                               expected_version=version)
    except InvalidTransition as error:
        if "already says" in str(error):
            raise FormProblem(str(error), "fc-value") from None
        raise
    return f"{display.CORRECTABLE_LABELS[name]} corrected. The old value is kept in the history."


def _other_reference(ws, case) -> str:
    from bot.cases import references

    text = _text("other_reference", "give the reference of the other case", limit=40)
    try:
        return references.parse(text)
    except InvalidReference as error:
        raise FormProblem(f"{text!r} is not a case reference: {error}",
                          _field_id("other_reference")) from None


def _link(ws, case, actor, version):
    other = _other_reference(ws, case)
    try:
        ws.store.link_cases(case.reference, other, actor, reason=_text("link_reason", limit=2000),
                            expected_version=version)
    except CaseNotFound as error:
        raise FormProblem(str(error), _field_id("other_reference")) from None
    return f"Linked to {other}: both cases' histories say so."


def _unlink(ws, case, actor, version):
    other = _other_reference(ws, case)
    try:
        ws.store.unlink_cases(case.reference, other, actor, expected_version=version)
    except CaseNotFound as error:
        raise FormProblem(str(error)) from None
    return f"No longer linked to {other}."


def _retriage(ws, case, actor, version):
    """Raise or lower the Awaab's Law hazard category, with the reason."""
    category = (request.form.get("awaab_category") or "").strip()
    if category not in ("none", *display.AWAAB_LABELS):
        raise FormProblem("choose the hazard category", "rt-category")
    reason = _text("retriage_reason", "say why the hazard is re-triaged", limit=2000)
    try:
        updated = ws.store.retriage_hazard(case.reference, actor,
                                           None if category == "none" else category, reason,
                                           expected_version=version)
    except InvalidTransition as error:
        raise FormProblem(str(error), "rt-category") from None
    if updated.awaab_category is None:
        return "Hazard category removed: the Awaab's Law timescales have stopped."
    return (f"Hazard re-triaged as {display.AWAAB_LABELS[updated.awaab_category].lower()}: the "
            "Awaab's Law timescales are on the case.")


def queue_teams(ws, cases: Iterable[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The active profile's teams (the queue filter's choices, key -> name), and the names of
    those and of the teams of the cases shown (a case filed under another profile)."""
    from bot.policy.teams import team_names

    def names_of(profile_name: str | None) -> dict[str, str]:
        try:
            return team_names(ws.profile(profile_name))
        except Exception:  # noqa: BLE001 - a profile since removed: its keys are shown
            return {}

    teams = names_of(None)
    labels: dict[str, str] = {}
    for name in sorted({case.policy_profile for case in cases}):
        labels.update(names_of(name))
    return teams, {**labels, **teams}
