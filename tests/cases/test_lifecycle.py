"""The lifecycle table (bot.cases.lifecycle), each rule tested through the case store and through
the staff workspace from the same table: over every action and a range of case states, the store
refuses exactly what the table refuses (with the table's words), and the workspace shows a form,
and accepts it, exactly when the table allows it for the user's role."""
from __future__ import annotations

import inspect
import re
from datetime import timedelta
from itertools import count

import pytest
import sqlalchemy as sa

from bot.cases import lifecycle
from bot.cases.models import Case
from bot.cases.store import CaseStore, InvalidTransition
from bot.cases.submission import CaseSubmission
from bot.cli import main
from bot.settings import PROJECT_ROOT
from tests.staff import conftest as _staff
from tests.staff.conftest import file as staff_file

# The staff workspace's fixtures: a store on a clock, the Flask app and signed-in clients.
app, cheap_password_hashes, clock = _staff.app, _staff.cheap_password_hashes, _staff.clock
signed_in, store, tracker, users = _staff.signed_in, _staff.store, _staff.tracker, _staff.users

_numbers = count()


# --- case states --------------------------------------------------------------------------------

def _file(store, case_type="complaint", profile=None, **fields):
    fields.setdefault("conversation_id", f"lifecycle-{next(_numbers)}")
    if profile is None:
        case = staff_file(store, case_type, **fields)
    else:
        case, _ = store.file_case(CaseSubmission(case_type=case_type, channel="rest",
                                                 description="Something happened", **fields),
                                  profile)
    # An open follow-up action on every case, for completing one.
    item = store.add_follow_up(case.reference, "staff:ann", "Call the resident back")
    return case.reference, item.id


def _acknowledged(store, **fields):
    r, item = _file(store, **fields)
    store.acknowledge(r, "staff:ann")
    return r, item


def _responded(store, **fields):
    r, item = _acknowledged(store, **fields)
    store.record_response(r, "staff:ada", "Stage 1 answer", decision="not_upheld")  # ada: stage 1
    return r, item


def _stage2(store, **fields):
    r, item = _responded(store, **fields)
    store.request_stage2(r, "I disagree", within_window=True)
    return r, item


def _then(build, *steps):
    def make(store):
        r, item = build(store)
        for step in steps:
            step(store, r)
        return r, item
    return make


def _anonymised(store):
    r, item = _file(store)
    with store.write() as db:
        db.execute(sa.update(Case).where(Case.reference == r).values(anonymised_at=store.now()))
    return r, item


STATES = {
    "new complaint": _file,
    "pending review": lambda s: _file(s, exclusion="too_old", event_date_text="May 2023"),
    "acknowledged": _acknowledged,
    "responded": _responded,
    "closed": _then(_responded, lambda s, r: s.close(r, "staff:ada")),
    "late stage 2 request": _then(
        _responded, lambda s, r: s.request_stage2(r, "late", within_window=False)),
    "stage 2 new": _stage2,
    "stage 2 acknowledged": _then(_stage2, lambda s, r: s.acknowledge(r, "staff:max")),
    "stage 2 responded": _then(_stage2, lambda s, r: s.acknowledge(r, "staff:max"),
                               lambda s, r: s.record_response(r, "staff:max", "Final")),
    "not accepted": _then(_file, lambda s, r: s.mark_not_accepted(r, "staff:ada", "too_old",
                                                                   "Too old")),
    "service request": lambda s: _file(s, "service_request"),
    "new-build complaint": lambda s: _responded(s, service="new-build"),
    "hazard": lambda s: _acknowledged(s, awaab_category="significant",
                                      description="Black mould in the bedroom"),
    "hazard work done": _then(lambda s: _acknowledged(s, awaab_category="significant",
                                                      description="Black mould in the bedroom"),
                              lambda s, r: s.record_hazard_work_done(r, "staff:ann")),
    "anonymised": _anonymised,
    "further extension allowed": lambda s: _acknowledged(s, profile="seed-004-landlord"),
    "further extension allowed at stage 2": _then(
        lambda s: _stage2(s, profile="seed-004-landlord"),
        lambda s, r: s.acknowledge(r, "staff:max")),
}


# --- the actions, done through the store ---------------------------------------------------------

def _reason(store, case):
    return store.profile(case.policy_profile).extension_reasons(case.stage or 1)[0].key


def _beyond_the_limit(store, case):
    outer = case.deadline("stage2_extended_response_by" if case.stage == 2
                          else "stage1_extended_response_by")
    return (outer or store.today() + timedelta(days=200)) + timedelta(days=10)


def _other_team(store, case):
    return next(key for key in store.profile(case.policy_profile).teams if key != case.team)


def _exclusion(store, case):
    return next(iter(store.profile(case.policy_profile).exclusions))


DO = {
    "acknowledge": lambda s, c, who, item: s.acknowledge(c.reference, f"staff:{who}"),
    "extend": lambda s, c, who, item: s.extend(c.reference, f"staff:{who}", _reason(s, c)),
    "further_extension": lambda s, c, who, item: s.extend(
        c.reference, f"staff:{who}", "the contractor is delayed", _beyond_the_limit(s, c),
        resident_agreement="Agreed on the phone today"),
    "record_response": lambda s, c, who, item: s.record_response(
        c.reference, f"staff:{who}", "The answer", decision="upheld"),
    "escalate": lambda s, c, who, item: s.escalate(c.reference, f"staff:{who}"),
    "request_stage2": lambda s, c, who, item: s.request_stage2(c.reference, "Not fixed"),
    "close": lambda s, c, who, item: s.close(c.reference, f"staff:{who}"),
    "mark_not_accepted": lambda s, c, who, item: s.mark_not_accepted(
        c.reference, f"staff:{who}", _exclusion(s, c), "It is outside the policy"),
    "reassign": lambda s, c, who, item: s.reassign(c.reference, f"staff:{who}", who),
    "move_to_team": lambda s, c, who, item: s.move_to_team(c.reference, f"staff:{who}",
                                                           _other_team(s, c)),
    "add_note": lambda s, c, who, item: s.add_note(c.reference, "A note", f"staff:{who}"),
    "add_information": lambda s, c, who, item: s.add_information(c.reference, "And the sink"),
    "record_lessons": lambda s, c, who, item: s.record_lessons(
        c.reference, f"staff:{who}", "Slow to call back", "Call within a day"),
    "add_follow_up": lambda s, c, who, item: s.add_follow_up(c.reference, f"staff:{who}",
                                                             "Send the report"),
    "complete_follow_up": lambda s, c, who, item: s.complete_follow_up(c.reference, item,
                                                                       f"staff:{who}"),
    "record_hazard_work_done": lambda s, c, who, item: s.record_hazard_work_done(
        c.reference, f"staff:{who}"),
    "record_letter": lambda s, c, who, item: s.record_letter(
        c.reference, f"staff:{who}", letter="acknowledgement", subject="Your complaint",
        text="Dear resident", method="email", to="resident@example.org"),
    "correct_field": lambda s, c, who, item: s.correct_field(
        c.reference, f"staff:{who}", "name", "Someone Else", "the name was mistyped"),
    "link_cases": lambda s, c, who, item: s.link_cases(c.reference, _another(s), f"staff:{who}"),
    "unlink_cases": lambda s, c, who, item: s.unlink_cases(
        c.reference, _linked(s, c), f"staff:{who}"),
    "retriage_hazard": lambda s, c, who, item: s.retriage_hazard(
        c.reference, f"staff:{who}", _other_category(c), "found out more on the visit"),
}


def _another(store) -> str:
    """Another case (the same resident's, say), to link to."""
    return staff_file(store, conversation_id=f"lifecycle-{next(_numbers)}").reference


def _linked(store, case) -> str:
    """A case linked to this one (linking fits any case), to unlink."""
    other = _another(store)
    store.link_cases(case.reference, other, "staff:ann")
    return other


def _other_category(case) -> str:
    return "significant" if case.awaab_category == "emergency" else "emergency"

# CaseStore methods that change no case, or file a new one (not an action on a case).
NOT_ACTIONS = {"now", "today", "write", "read", "profile", "dispose", "file_case",
               "file_in_session", "find_by_reference", "get", "history", "look_up", "query",
               "select_matching", "count", "follow_ups", "stage1_handlers", "same_resident", "linked_cases",
               "region_of"}


def test_the_table_has_every_action_of_the_store_and_the_tests_do_each():
    public = {name for name, _ in inspect.getmembers(CaseStore, inspect.isfunction)
              if not name.startswith("_")}
    assert public - NOT_ACTIONS == {a.method for a in lifecycle.ACTIONS.values()}
    assert set(DO) == set(lifecycle.ACTIONS)
    for item in lifecycle.ACTIONS.values():
        assert item.role in (None, *lifecycle.ROLES)
        assert all(s.role in lifecycle.ROLES for s in item.sign_offs)


def _facts(store, case, who):
    with store.read() as db:
        handlers = store.stage1_handlers(db, case)
    return dict(actor=f"staff:{who}", assignee=who, stage1_handlers=handlers,
                profile=store.profile(case.policy_profile))


@pytest.mark.parametrize("state", STATES)
def test_the_store_refuses_exactly_what_the_table_refuses(store, state):
    """Each action on a fresh case in the state, by someone new (zed) and by the stage 1 handler
    (ada): refused with the table's words exactly when the table says no."""
    wrong = []
    for name in lifecycle.ACTIONS:
        for who in ("zed", "ada"):
            reference, item = STATES[state](store)
            case = store.find_by_reference(reference)
            expected = lifecycle.why_not(case, name, **_facts(store, case, who))
            try:
                DO[name](store, case, who, item)
                refused = None
            except InvalidTransition as error:
                refused = error
            if (expected is None) != (refused is None):
                wrong.append(f"{name} by {who}: table {expected!r}, store {refused!r}")
            elif expected is not None:
                if type(expected) is not type(refused) or (
                        name != "further_extension" and str(expected) != str(refused)):
                    wrong.append(f"{name} by {who}: table {expected!r}, store {refused!r}")
    assert wrong == []


def test_the_states_reach_every_rule(store):
    """The states above exercise each rule of the table: each action both allowed and refused
    somewhere, the stage 1 handler refused, a manager's sign-off needed."""
    allowed, refused, handler_refused, sign_offs = set(), set(), set(), set()
    for build in STATES.values():
        reference, _ = build(store)
        case = store.find_by_reference(reference)
        for name in lifecycle.ACTIONS:
            for who in ("zed", "ada"):
                result = lifecycle.why_not(case, name, **_facts(store, case, who))
                (allowed if result is None else refused).add(name)
                if result is not None and "6.13" in str(result):
                    handler_refused.add(name)
            if lifecycle.role_needed(case, name) == lifecycle.MANAGER:
                sign_offs.add(name)
    always = {"add_note", "record_lessons", "complete_follow_up", "record_letter", "link_cases",
              "unlink_cases"}
    assert allowed == set(lifecycle.ACTIONS)
    assert refused == set(lifecycle.ACTIONS) - always
    assert handler_refused == {n for n, a in lifecycle.ACTIONS.items()
                               if a.new_handler_at_stage2 or a.new_assignee_at_stage2}
    assert sign_offs == {"record_response", "escalate", "close", "mark_not_accepted",
                         "move_to_team"}


# --- through the workspace -----------------------------------------------------------------------

ROLES = {"ada": "advocate", "max": "manager"}


def _form_data(store, case, form, who, item):
    return {
        "acknowledge": {},
        "extend": {"reason": _reason(store, case), "working_days": "1",
                   "why": "the contractor's report is late"},
        "respond": {"summary": "The answer", "decision": "upheld"},
        "escalate": {},
        "close": {},
        "not_accepted": {"exclusion": _exclusion(store, case), "explanation": "Outside the policy"},
        "note": {"text": "A note"},
        "lessons": {"what_went_wrong": "Slow", "action": "Faster"},
        "reassign": {"assignee": who},
        "follow_up": {"follow_up_description": "Send the report"},
        "follow_up_done": {"follow_up_id": str(item)},
        "hazard_done": {},
        "team/move": {"team": _other_team(store, case)},
        "correct": {"field": "name", "value": "Someone Else", "reason": "mistyped"},
        "link": {"other_reference": _another(store)} if form == "link" else {},
        "unlink": {"other_reference": _linked(store, case)} if form == "unlink" else {},
        "retriage": {"awaab_category": _other_category(case),
                     "retriage_reason": "found out more on the visit"},
    }[form]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_the_workspace_offers_and_accepts_exactly_what_the_table_allows(store, signed_in, state,
                                                                        who):
    staff = signed_in(who)
    role = ROLES[who]
    reference, item = STATES[state](store)
    case = store.find_by_reference(reference)
    profile = store.profile(case.policy_profile)
    page = staff.get(f"/cases/{reference}").get_data(as_text=True)
    shown = {form for form in lifecycle.FORMS if f'action="/cases/{reference}/{form}"' in page}
    # Unlinking is offered beside each linked case, and these cases have none.
    expected = {form for form, name in lifecycle.FORMS.items()
                if lifecycle.allowed(case, name, role, profile=profile) and form != "unlink"}
    assert shown == expected
    # The further extension's form, where the profile allows it.
    further = "Further extension, agreed with the resident" in page
    assert further == lifecycle.allowed(case, "further_extension", role, profile=profile)

    wrong = []
    for form, name in lifecycle.FORMS.items():
        reference, item = STATES[state](store)  # a fresh case for each action
        case = store.find_by_reference(reference)
        if not lifecycle.role_covers(role, lifecycle.role_needed(case, name)):
            want = 403
        elif lifecycle.why_not(case, name, **_facts(store, case, who)) is not None:
            want = 400
        else:
            want = 303
        response = staff.post(f"/cases/{reference}/{form}",
                              _form_data(store, case, form, who, item))
        if response.status_code != want:
            body = re.sub(r"\s+", " ", response.get_data(as_text=True))
            problem = re.search(r'role="alert">([^<]*)<', body)
            wrong.append(f"{form}: {response.status_code}, not {want}"
                         f" ({problem.group(1) if problem else ''})")
    assert wrong == []


def test_a_sign_off_names_the_manager_in_the_page_for_an_advocate(store, signed_in):
    reference, _ = _stage2(store)
    page = signed_in("ada").get(f"/cases/{reference}").get_data(as_text=True)
    assert "The stage 2 response is signed off by a manager." in page
    assert f'action="/cases/{reference}/respond"' not in page
    assert f'action="/cases/{reference}/acknowledge"' in page
    page = signed_in("max").get(f"/cases/{reference}").get_data(as_text=True)
    assert f'action="/cases/{reference}/respond"' in page


# --- the table in words --------------------------------------------------------------------------

def test_the_command_prints_the_table_without_a_database(capsys, monkeypatch):
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["cases", "lifecycle"]) == 0
    out = capsys.readouterr().out
    assert out == lifecycle.table_markdown()
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(lifecycle.ACTIONS)
    close = next(row for row in rows if row.startswith("| `close`"))
    assert "manager at stage 2" in close and "Code 6.13" in close


def test_the_documented_table_is_the_table():
    page = (PROJECT_ROOT / "docs" / "case-store.md").read_text(encoding="utf-8")
    section = page.split("\n## Lifecycle\n", 1)[1].split("\n## ", 1)[0]
    documented = "\n".join(line for line in section.splitlines() if line.startswith("|")) + "\n"
    assert documented == lifecycle.table_markdown(), (
        "docs/case-store.md's Lifecycle table differs from `python -m bot cases lifecycle`: "
        "paste the command's output there")
    commands = (PROJECT_ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert "`uv run python -m bot cases lifecycle`" in commands
