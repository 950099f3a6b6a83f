"""Residents as they really write, end to end over REST against the real servers.

Each script in tests/e2e/residents/ was written blind (by someone who had not read the question
code or the training data): a resident's opening, their answer to each question as they would
type it, what they type at the summary, and what the stored case must hold. The driver answers
whichever question the assistant asks (read from the conversation's tracker), so the script
never depends on the order of the questions. Checked for each: the stored case (every answer
kept, none overwritten, the right status), the number of turns (at most the questions asked plus
two, plus the resident's own digressions and corrections), and the replies (never the generic
"I didn't understand" in the middle of a form).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

from tests.resilience.scripts import reference_in

pytestmark = pytest.mark.e2e

SCRIPTS = sorted((Path(__file__).parent / "residents").glob("*.yml"))
GENERIC_FALLBACK = "Sorry, I didn't understand that"
QUESTION_IDS = {"aware_date_text": "aware_date"}
MAX_TURNS = 60


@dataclass
class Talk:
    stack: object
    sender: str
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)
    questions: set = field(default_factory=set)
    turns: int = 0
    said_to: dict = field(default_factory=dict)  # question -> what the resident answered
    opening: list = field(default_factory=list)

    def say(self, message: str) -> list[dict]:
        for _ in range(5):
            answer = requests.post(f"{self.stack.url}/webhooks/rest/webhook", timeout=120,
                                   json={"sender": self.sender, "message": message})
            if answer.status_code != 429:
                break
            # Faster than any resident types (the conversation's rate limit): wait as told.
            time.sleep(float(answer.headers.get("Retry-After") or 5))
        answer.raise_for_status()
        replies = answer.json()
        self.turns += 1
        self.transcript.append((message, [r.get("text") or "" for r in replies]))
        return replies

    def state(self) -> dict:
        tracker = requests.get(f"{self.stack.url}/conversations/{self.sender}/tracker",
                               params={"token": self.stack.token}, timeout=30).json()
        slots = tracker.get("slots") or {}
        loop = (tracker.get("active_loop") or {}).get("name")
        return {"loop": loop, "requested": slots.get("requested_slot") if loop else None,
                "confirming": bool(slots.get("awaiting_confirmation")),
                "choosing": bool(slots.get("choosing_correction"))}

    def dump(self) -> str:
        lines = [f"conversation {self.sender}:"]
        for message, replies in self.transcript:
            lines.append(f"  resident: {message}")
            lines += [f"      bot: {reply}" for reply in replies]
        return "\n".join(lines)


def _answers(part: dict) -> dict[str, list[str]]:
    out = {}
    for question, given in (part.get("answers") or {}).items():
        out[question] = list(given) if isinstance(given, list) else [given]
    return out


def run_part(talk: Talk, part: dict, reference: str | None,
             other: dict | None = None) -> tuple[str | None, int]:
    """Talk one piece of feedback through; (the reference given, the allowance of extra turns).
    A question the script has no answer for in this part is answered as the same resident
    answered it in the script's other part (the same home, the same person)."""
    fill = (lambda text: str(text).replace("{reference}", reference or "")) if reference else str
    answers = {**_answers(other or {}), **_answers(part)}
    after_change = {q: list(v) for q, v in _answers(
        {"answers": part.get("answers_after_change") or {}}).items()}
    interruptions = dict(part.get("interruptions") or {})
    at_summary = [fill(m) for m in part.get("at_summary") or []]
    changed = False
    given_reference = None
    expect_kind = (part.get("expect") or {}).get("kind")
    allowance = 2 + len(interruptions) + 2 * max(0, len(at_summary) - 1)
    for message in part.get("opening") or []:
        talk.opening.append(fill(message))
        given_reference = reference_in(talk.say(fill(message))) or given_reference
    for _ in range(MAX_TURNS):
        state = talk.state()
        if state["requested"]:
            question = QUESTION_IDS.get(state["requested"], state["requested"])
            talk.questions.add(question)
            if question == "feedback_kind" and not answers.get(question) and expect_kind:
                # Asked which kind it is: the resident presses the button of what they meant.
                message = f"/{expect_kind}"
            elif question == "complaint_choice" and not answers.get(question) and expect_kind:
                # Offered a complaint: the resident says what they came for, in words.
                message = ("yes I want to make a complaint" if expect_kind == "complaint"
                           else "no thanks, just sort it out")
            elif question in interruptions:
                message = interruptions.pop(question)
            elif changed and after_change.get(question):
                message = after_change[question].pop(0)
            elif answers.get(question):
                message = answers[question].pop(0) if len(answers[question]) > 1 else answers[question][0]
            else:
                pytest.fail(f"the script has no answer for the question {question!r}\n{talk.dump()}")
        elif state["confirming"]:
            talk.questions.add("confirm")
            if not at_summary:
                pytest.fail(f"the summary was shown again and the script has nothing more to say\n{talk.dump()}")
            message = at_summary.pop(0)
            changed = True
        elif state["choosing"]:
            talk.questions.add("field_to_change")
            if not answers.get("field_to_change"):
                pytest.fail(f"asked which answer to change; the script has none\n{talk.dump()}")
            message = answers["field_to_change"][0]
        else:
            return given_reference, allowance
        replies = talk.say(fill(message))
        if state["requested"]:
            talk.said_to.setdefault(question, []).append(message)
        given_reference = reference_in(replies) or given_reference
        if state["requested"] or state["confirming"]:
            said = " ".join(r.get("text") or "" for r in replies)
            assert GENERIC_FALLBACK not in said, f"the generic fallback inside a form\n{talk.dump()}"
    pytest.fail(f"still talking after {MAX_TURNS} turns\n{talk.dump()}")


def _contains(stored: str | None, wanted: list[str], what: str, talk: Talk,
              question: str | None = None) -> None:
    """Each word must be kept, if the resident said it: in their answer to `question`, or in
    their opening (where the assistant may have taken it from instead of asking)."""
    said = " ".join(talk.said_to.get(question, []) + talk.opening).lower() if question else None
    for word in wanted or []:
        if said is not None and word.lower() not in said:
            continue
        assert stored and word.lower() in stored.lower(), \
            f"{what}: {word!r} not in {stored!r}\n{talk.dump()}"


def _digits(text) -> str:
    return re.sub(r"\D", "", str(text or ""))[-10:]


def check_case(case, expect: dict, talk: Talk) -> None:
    extra = case.extra or {}
    unsure = set(extra.get("not_sure") or [])
    on_behalf = bool(case.representative_name or case.representative_relationship)
    resident_name = case.representative_name if on_behalf else case.name
    checks = {
        "kind": case.case_type, "status": case.status, "anonymous": case.anonymous,
        "urgency": extra.get("urgency"), "in_danger": extra.get("in_danger"),
        "urgent_flag": case.urgent, "safeguarding_flag": case.safeguarding,
        "consent": case.representative_consent, "on_behalf": on_behalf,
        "preferred_contact": case.preferred_contact,
    }
    where = f"\n{talk.dump()}\ncase: {case.reference} {case.case_type} {case.status} extra={extra}"
    for key, stored in checks.items():
        if key in expect:
            assert stored == expect[key], f"{key}: stored {stored!r}, expected {expect[key]!r}{where}"
    for key in ("already_investigated", "legal_proceedings"):
        if key in expect:
            if expect[key] == "unsure":
                assert key in unsure, f"{key}: not recorded as not sure{where}"
            else:
                assert extra.get(key) is expect[key] and key not in unsure, \
                    f"{key}: stored {extra.get(key)!r}, expected {expect[key]!r}{where}"
    # Whether it is still going on matters (and is asked) only for a date older than the time
    # limit; otherwise it is recorded when the resident says so.
    if "ongoing" in expect and ("still_happening" in talk.questions or "still_happening" in extra):
        assert bool(extra.get("still_happening")) == expect["ongoing"], f"ongoing{where}"
    if "name" in expect:
        assert (resident_name or "").lower() == expect["name"].lower(), f"name: {resident_name!r}{where}"
    if "represented_name" in expect:
        assert (case.name or "").lower() == expect["represented_name"].lower(), f"represented: {case.name!r}{where}"
    if "postcode" in expect:
        assert case.postcode == expect["postcode"], f"postcode: {case.postcode!r}{where}"
    if "email" in expect:
        assert (case.email or "").lower() == expect["email"].lower(), f"email: {case.email!r}{where}"
    if "phone" in expect:
        assert _digits(case.phone) == _digits(expect["phone"]), f"phone: {case.phone!r}{where}"
    if "preferred_format" in expect:
        assert (case.preferred_format or "").lower() == expect["preferred_format"].lower(), \
            f"format: {case.preferred_format!r}{where}"
    for key, question, stored in (
            ("description_contains", "description", case.description),
            ("when_contains", "event_date_text", case.event_date_text),
            ("affected_contains", "affected", case.affected),
            ("outcome_contains", "desired_outcome", case.desired_outcome),
            ("relationship_contains", "representative_relationship", case.representative_relationship),
            ("adjustments_contains", "reasonable_adjustments", case.reasonable_adjustments),
            ("location_contains", "location", case.location),
            ("access_contains", "access_availability", case.access_availability),
            ("frequency_contains", "frequency", case.frequency),
            ("evidence_contains", "evidence", case.evidence)):
        _contains(stored, expect.get(key), key, talk, question)


def _existing_case(stack, spec: dict):
    from bot.cases.store import CaseStore
    from bot.cases.submission import CaseSubmission

    store = CaseStore(stack.env["INTAKE_DATABASE_URL"], forward=False)
    try:
        case, _ = store.file_case(CaseSubmission(
            case_type=spec.get("kind", "complaint"), channel="rest",
            conversation_id=f"earlier-{id(spec)}", description="An earlier case",
            postcode=spec.get("postcode"), email=spec.get("email"), name="A Resident"),
            "demo-landlord")
    finally:
        store.dispose()
    return case


def _stored(stack, reference: str):
    return stack.filed_case(reference) if reference else None


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_a_resident_in_their_own_words(rasa_stack, path):
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    talk = Talk(rasa_stack, f"res-{path.stem[:20]}-{abs(hash(path.name)) % 10**6}-{id(script) % 10**4}")
    existing = _existing_case(rasa_stack, script["existing_case"]) if script.get("existing_case") else None
    reference = existing.reference if existing else None
    parts = [script] + ([script["then"]] if script.get("then") else [])
    for index, part in enumerate(parts):
        talk.questions, before_turns = set(), talk.turns
        other = parts[1 - index] if len(parts) == 2 else None
        given, allowance = run_part(talk, part, reference, other)
        expect = part.get("expect") or {}
        asked = len(talk.questions)
        turns = talk.turns - before_turns - len(part.get("opening") or [])
        assert turns <= asked + allowance, \
            f"{turns} turns for {asked} questions (allowed {asked + allowance})\n{talk.dump()}"
        if expect.get("stopped"):
            assert given is None, f"a case was filed though the resident stopped\n{talk.dump()}"
            continue
        if expect.get("status_shown"):
            said = " ".join(r for _, replies in talk.transcript for r in replies)
            assert reference in said and re.search(r"Your .* is (received|being looked into|answered|"
                                                   r"closed|with a member of staff)", said), talk.dump()
            continue
        if expect.get("information_added_contains"):
            from bot.cases.store import CaseStore

            store = CaseStore(rasa_stack.env["INTAKE_DATABASE_URL"], forward=False)
            try:
                history = store.find_by_reference(reference, with_history=True).events
            finally:
                store.dispose()
            added = " ".join(str(e.details) for e in history if e.kind == "information_added")
            _contains(added, expect["information_added_contains"], "information added", talk,
                      "additional_information")
            continue
        assert given, f"no reference was given\n{talk.dump()}"
        check_case(_stored(rasa_stack, given), expect, talk)
