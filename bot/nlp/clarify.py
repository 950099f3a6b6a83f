"""Ask, don't guess: decide when the assistant should ask which kind of feedback a message is.

Filing a complaint as a repair request takes away the resident's right to the complaints process,
so when the classifier cannot tell two kinds apart, or is unsure altogether, the assistant asks one
short question with buttons. This module only decides (a pure function of the parsed message's
intent ranking); the conversation sends the question and keeps the answer for the conversation.

    from bot.nlp.clarify import needs_clarification
    clarification = needs_clarification(tracker.latest_message["intent_ranking"])
    if clarification:
        dispatcher.utter_message(**clarification.as_message())

Each button's payload is an intent payload (`/complaint`, `/service_request`, ...): pressing it
sends that intent with confidence 1.0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from bot.nlp import FEEDBACK_KINDS

# The thresholds below were chosen on tests/nlu/tuning_real.yml only, for the blended classifier
# (DIET and the linear model, config.yml), whose confidences are less peaked than DIET's alone:
# the question catches 6 of its 10 misreadings for 14 questions in 125 messages
# (docs/classifier.md has the figures on the held-out sets).
# The top kind is "close" to the runner-up when their confidences differ by less than this.
CLOSE_MARGIN = 0.20
# Filing a complaint as a service request or an ASB report costs the resident the complaints
# process, so those pairs count as close over a wider margin.
COMPLAINT_MARGIN = 0.40
COMPLAINT_PAIRS: frozenset[frozenset[str]] = frozenset({
    frozenset({"complaint", "service_request"}), frozenset({"complaint", "asb_report"})})
# Residents' complaints often read as requests ("...so please just send someone"): when another
# kind is on top but a complaint has at least this confidence, ask about the two. Chosen on the
# tuning set: complaints acted on as another kind 8 of 40 -> 2 of 40, for 11 more questions in 150.
COMPLAINT_RUNNER_UP = 0.10
# Below this confidence for the top kind, the assistant is unsure whatever the runner-up.
LOW_CONFIDENCE = 0.40
# A kind is offered as an answer to an unsure question only above this confidence.
OPTION_FLOOR = 0.05
# Most buttons a question offers (plus none for "something else": the resident can type).
MAX_OPTIONS = 3
# The message is about feedback at all when the five kinds together carry at least this much
# confidence, or one of them is the top intent. Otherwise (a greeting, an answer to a question,
# "stop") there is nothing to clarify.
KIND_MASS = 0.50
# Never hold up an emergency or a safeguarding concern with a question: when either has at least
# this confidence, the conversation must deal with it first.
SAFETY_FLOOR = 0.20
SAFETY_INTENTS: tuple[str, ...] = ("emergency", "safeguarding_concern")
# Rasa's FallbackClassifier puts this at the top of the ranking; it says nothing about the kinds.
FALLBACK_INTENT = "nlu_fallback"

# Pairs of kinds that are easy to confuse and matter: a specific question for each.
PAIR_QUESTIONS: dict[frozenset[str], str] = {
    frozenset({"complaint", "service_request"}):
        "Just to check: are you unhappy with how we've dealt with this and want to make a "
        "complaint, or do you want us to get something done, like a repair?",
    frozenset({"complaint", "asb_report"}):
        "Just to check: do you want to complain about how we've handled things, or report "
        "someone's behaviour, like a neighbour's?",
    frozenset({"complaint", "comment"}):
        "Just to check: do you want to make a complaint, or give us a suggestion or comment?",
    frozenset({"service_request", "asb_report"}):
        "Just to check: do you need something fixed or done, or are you reporting someone's "
        "behaviour?",
    frozenset({"comment", "compliment"}):
        "Just to check: is this a suggestion for us, or would you like to pass on thanks?",
    frozenset({"complaint", "compliment"}):
        "Just to check: do you want to make a complaint, or pass on thanks?",
    frozenset({"service_request", "comment"}):
        "Just to check: do you need something done, or is this a suggestion for us?",
    frozenset({"asb_report", "comment"}):
        "Just to check: are you reporting someone's behaviour, or giving us a suggestion?",
}
GENERAL_QUESTION = "Just so I get this right, which of these is it?"

BUTTON_TITLES: dict[str, str] = {
    "complaint": "Make a complaint",
    "service_request": "Request a repair or service",
    "asb_report": "Report a neighbour or anti-social behaviour",
    "comment": "Give a suggestion or comment",
    "compliment": "Pass on thanks",
}


@dataclass(frozen=True)
class Clarification:
    """One clarifying question: the text, and a button per kind it offers (best first)."""

    question: str
    intents: tuple[str, ...]
    reason: str  # "close" (two kinds nearly tied) or "low_confidence"
    confidences: Mapping[str, float] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [{"title": BUTTON_TITLES[intent], "payload": f"/{intent}"} for intent in self.intents]

    def as_message(self) -> dict[str, Any]:
        """Keyword arguments for `dispatcher.utter_message` (text and buttons)."""
        return {"text": self.question, "buttons": self.buttons}


def _confidences(intent_ranking: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Intent name -> confidence, ignoring the fallback entry and malformed rows."""
    out: dict[str, float] = {}
    for row in intent_ranking or ():
        name = row.get("name") if isinstance(row, Mapping) else None
        if not name or name == FALLBACK_INTENT:
            continue
        try:
            confidence = float(row.get("confidence") or 0.0)
        except (TypeError, ValueError):
            continue
        out[name] = max(confidence, out.get(name, 0.0))
    return out


def needs_clarification(
    intent_ranking: Sequence[Mapping[str, Any]],
    *,
    kinds: Sequence[str] = FEEDBACK_KINDS,
    close_margin: float = CLOSE_MARGIN,
    complaint_margin: float = COMPLAINT_MARGIN,
    low_confidence: float = LOW_CONFIDENCE,
    complaint_runner_up: float = COMPLAINT_RUNNER_UP,
) -> Clarification | None:
    """The question to ask before acting on this message, or None when the kind is clear enough.

    `intent_ranking` is Rasa's parse result `intent_ranking` (a list of {"name", "confidence"},
    best first; an `nlu_fallback` row is ignored). Returns None when:
    - an emergency or safeguarding concern is plausible (at least SAFETY_FLOOR): deal with it first;
    - the message is not about feedback (no kind on top and the kinds' total below KIND_MASS);
    - the top kind is confident (at least `low_confidence`) and ahead of every other kind by at
      least `close_margin` (`complaint_margin` when the two are a complaint and a service request
      or an ASB report), and, when it is not a complaint, a complaint has less than
      `complaint_runner_up`.
    Otherwise asks about the two close kinds (a specific question for a known pair) or, when the
    top kind is simply unsure, offers up to MAX_OPTIONS likely kinds.
    """
    confidences = _confidences(intent_ranking)
    if not confidences:
        return None
    if any(confidences.get(name, 0.0) >= SAFETY_FLOOR for name in SAFETY_INTENTS):
        return None
    top_intent = max(confidences, key=confidences.__getitem__)
    ranked = sorted((k for k in kinds if k in confidences), key=lambda k: -confidences[k])
    if not ranked:
        return None
    mass = sum(confidences[k] for k in ranked)
    if top_intent not in kinds and mass < KIND_MASS:
        return None

    first = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    c1 = confidences[first]
    c2 = confidences[second] if second else 0.0
    shown = {k: round(confidences[k], 4) for k in ranked[:MAX_OPTIONS]}

    if first != "complaint" and "complaint" in kinds \
            and confidences.get("complaint", 0.0) >= complaint_runner_up:
        pair = frozenset({first, "complaint"})
        return Clarification(PAIR_QUESTIONS.get(pair, GENERAL_QUESTION), (first, "complaint"),
                             "close", shown)
    pair = frozenset({first, second}) if second else frozenset()
    margin = complaint_margin if pair in COMPLAINT_PAIRS else close_margin
    if second and c1 - c2 < margin and c2 >= OPTION_FLOOR:
        question = PAIR_QUESTIONS.get(pair, GENERAL_QUESTION)
        return Clarification(question, (first, second), "close", shown)

    if c1 < low_confidence:
        options = tuple(k for k in ranked[:MAX_OPTIONS] if confidences[k] >= OPTION_FLOOR)
        if len(options) < 2:
            # Unsure, but no other kind is plausible: offer the likely kind and its usual confusion.
            partner = "service_request" if first == "complaint" else "complaint"
            options = (first, partner)
        if len(options) == 2:
            question = PAIR_QUESTIONS.get(frozenset(options), GENERAL_QUESTION)
        else:
            question = GENERAL_QUESTION
        return Clarification(question, options, "low_confidence", shown)
    return None


def answered_kind(text: str, kinds: Sequence[str] = FEEDBACK_KINDS) -> str | None:
    """The kind a button payload such as "/complaint" names, or None."""
    text = (text or "").strip()
    if text.startswith("/"):
        name = text[1:].split("{", 1)[0].split("@", 1)[0].strip()
        if name in kinds:
            return name
    return None


def safety_concern(intent_ranking: Sequence[Mapping[str, Any]],
                   floor: float = SAFETY_FLOOR) -> str | None:
    """"emergency" or "safeguarding_concern" when either is plausible (at least `floor`), even if
    not the top intent; the likelier of the two. The conversation should give the safety advice
    first in that case (needs_clarification() never asks then)."""
    confidences = _confidences(intent_ranking)
    plausible = [(confidences[name], name) for name in SAFETY_INTENTS
                 if confidences.get(name, 0.0) >= floor]
    return max(plausible)[1] if plausible else None


# Words of worry for someone's safety that the hazard and harm lists do not hold.
# A resident who says in so many words that they want to complain is making a complaint (Code 1.3:
# a resident asking for a complaint to be raised must have one raised), whatever the classifier
# reads from the rest ("I want to complain about the damp in my flat" is not only a repair).
# "...a complaint without giving my name / by phone / if...": a question about complaints.
_NOT_A_QUESTION_OF_HOW = (r"(?!\s+(?:without|if|when|anonymous|by\s+|online|in\s+writing|over\s+the|"
                          r"on\s+(?:the\s+)?phone|for\s+someone))")
_DECLARED = re.compile(
    r"\b(i('d| would| do)?|we('d| would| do)?) (really )?(like|want|wish|need|wanna|have) (to )?"
    r"(make|file|raise|log|put in|lodge|submit|register) (a |an |an official |a formal |another )?complaint\b"
    r"|\b(i|we)('d| would)? (like|want|wish|need|wanna|have) (to )?complain\b|\bi'?m complaining\b"
    r"|\bi am complaining\b|\bthis is a (formal |official )?complaint\b|\bformal complaint\b"
    r"|\bcomplaint (about|against|regarding|re)\b"
    r"|\b(raise|raising|log|logging|treat|treating|make|making|put|putting|take|taking) (this|it) (in )?as a "
    r"(formal |official )?complaint\b"
    # "can I register a complaint" (not "can I make a complaint without giving my name": that is
    # a question about complaints, as "can I complain about a contractor?" is)
    r"|\b(can|could|may) (i|we) (please )?(make|raise|log|put in|lodge|submit|register|file|have|do) "
    rf"(a |an )?(formal |official )?complaint\b{_NOT_A_QUESTION_OF_HOW}"
    r"|\b(i|we) (have|'ve got|ve got|have got|got) (a |another )?(formal |official )?complaint\b"
    r"|\b(help|assist) (me |us )?(to )?(make|raise|log|put in|with|file|lodge|do) (a |my |an )?complaint\b"
    r"|\b(wanting|looking|trying|hoping|needing|going) to (make|raise|log|put in|lodge|submit|register|file) "
    r"(a |an )?(formal |official )?complaint\b|\b(wanting|looking|trying|hoping|needing) to complain\b"
    r"|\b(want|wanna|need|would like|'d like) (to )?complain\b"
    r"|\b(want|wanna|need|would like|'d like) to (make|raise|log|put in|lodge|submit|register|file) "
    r"(a |an )?(formal |official )?complaint\b|\b(start|starting|open|opening) (a |an )?(new )?complaint\b"
    rf"|\bput (a|an) (formal |official )?complaint in\b{_NOT_A_QUESTION_OF_HOW}"
    rf"|\bhow (do|can|would|should) (i|we) (go about )?(make|making|raise|raising|log|logging|put in|"
    rf"putting in|file|lodge|submit)( a| an)?( formal| official)? complaint\b{_NOT_A_QUESTION_OF_HOW}"
    rf"|\bhow (do|can|would|should) (i|we) (go about )?complain(ing)?\b{_NOT_A_QUESTION_OF_HOW}"
    # The whole message: "complaint", "Complaint please", "hi, make a complaint"
    r"|^\W*((hi|hello|hiya|hey|morning|evening|afternoon|good (morning|afternoon|evening))\W+)?"
    r"((i want to |i'd like to )?(make|raise|log) )?(a |new )?(complaint|complaints|complain)\W*(please|pls|plz)?\W*$",
    re.I)


# "What kind of things can I make a complaint about?" asks about complaints; it makes none.
_QUESTION_ABOUT_COMPLAINTS = re.compile(r"\bwhat (kinds?|sorts?|types?) of\b|\bwhat can (i|we)\b", re.I)


def declared_complaint(text: str) -> bool:
    return (bool(_DECLARED.search(text or "")) and not denied_complaint(text)
            and not _QUESTION_ABOUT_COMPLAINTS.search(text or "") and not about_someone_else(text))


# "I want to complain about the couple upstairs, screaming all night": the complaint is about a
# neighbour's behaviour, which is an ASB report (data/README.md), unless the resident is unhappy
# with how we dealt with it ("...and your housing officer has done nothing").
_ABOUT_SOMEONE = re.compile(
    r"\bcomplain(?:t|ts|ing)?\s+(?:about|against|regarding|re|of)\s+(?:the\s+|my\s+|our\s+|a\s+|an\s+)?"
    r"(?:(?:\w+\s+){0,2}?(?:neighbou?rs?|next\s*door|tenants?|residents?|occupants?|couple|family|famil(?:y|ies)|"
    r"lads?|kids|youths?|teenagers|people|man|woman|men|women|guy|fella|bloke|lady|girl|boy|dogs?|visitors?)"
    r"|(?:no\.?|number|flat|house)\s*\d+|\d+[a-z]?\s+\w+\s+(?:road|street|close|avenue|lane|court|way|drive)"
    r"|(?:up|down)stairs|the\s+flat\s+(?:above|below|upstairs|downstairs|next\s+door))", re.I)
_LANDLORD_HANDLING = re.compile(
    r"\b(?:you|your|yous|u)\b|\b(?:housing|neighbourhood|asb|tenancy)\s+(?:officer|team|manager|department)\b"
    r"|\b(?:council|landlord|association|officer|staff|contractor|caseworker)\b|\bnothing\s+(?:has\s+been|is\s+being|"
    r"'?s\s+been|was|ever\s+gets?|gets?)\s+done\b|\bdone\s+nothing\b|\bignor|\bno\s*one\s+(?:has|have|will|is)\b"
    r"|\bnobody\s+(?:has|have|will|is)\b|\bclosed\b|\breported\b"
    # Someone working for us: "the repairs man who came yesterday", "the gas engineer".
    r"|\brepairs?\s+(?:man|men|guy|guys|bloke|lady|woman|team|people)\b|\bworkm[ae]n\b|\bplumbers?\b"
    r"|\belectricians?\b|\bengineers?\b|\bjoiners?\b|\bsurveyors?\b|\bhandym[ae]n\b|\bgas\s+(?:man|men)\b"
    r"|\boperatives?\b|\btechnicians?\b|\bdecorators?\b|\bplasterers?\b|\broofers?\b|\bbuilders?\b", re.I)


# "The contractors parked their van across my drive", "your grounds maintenance lads strimmed my
# car", "contractor smoked in my flat": how the people working for us behaved is our service, so a
# complaint (the Code), not a neighbour's anti-social behaviour.
_OUR_PEOPLE = re.compile(
    r"\b(?:your|the|ur|yer|ya)\s+(?:\w+\s+)?(?:contractors?|workm[ae]n|operatives?|scaffolders?|builders?|"
    r"caretakers?|grounds\s*(?:maintenance|men|staff|team)|repairs?\s+(?:team|men|man|lads)|engineers?|"
    r"painters?|decorators?|plumbers?|electricians?|roofers?|glaziers?|joiners?|fitters?|cleaners?|"
    r"surveyors?|housing\s+officers?|staff)\b"
    r"|\bcontractors?\b|\b(?:your|ur)\s+(?:lads|men|guys|people|workers)\b", re.I)
_NEIGHBOUR = re.compile(r"\bneighbou?rs?\b|\bnext\s*door\b|\b(?:up|down)stairs\b|\bflat\s+(?:above|below)\b"
                        r"|\b(?:no\.?|number|flat|house)\s*\d+\b|\btenants?\b|\bresidents?\b", re.I)


def by_our_people(text: str) -> bool:
    """A message about what our staff or contractors did, with no neighbour in it."""
    return bool(_OUR_PEOPLE.search(text or "")) and not _NEIGHBOUR.search(text or "")


def about_someone_else(text: str) -> bool:
    """A complaint in words about a neighbour's behaviour, not about how we handled it."""
    return bool(_ABOUT_SOMEONE.search(text or "")) and not _LANDLORD_HANDLING.search(text or "")


# "I don't want to complain as such", "this isn't a complaint", "not moaning but": the resident
# says what it is not; the word "complain" must not decide it.
_DENIED = re.compile(
    r"\b(don'?t|do not|not|never|no|isn'?t|is not|wasn'?t|am not|i'?m not)\s+"
    r"((want|wanting|trying|mean|meaning|looking|here|writing|ringing|going) to |a |an |really |"
    r"as such |official |formal )*(complain|complaint|complaining|moan|moaning|whinge|whinging)\b",
    re.I)


def denied_complaint(text: str) -> bool:
    return bool(_DENIED.search(text or ""))


def without_complaint(intent_ranking: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ranking for a message that says it is not a complaint: the complaint far below (below
    COMPLAINT_RUNNER_UP, so it is not offered); the other kinds of feedback (and an enquiry) come
    before conversational intents, in their order: "I don't want to complain, just leave a
    comment" talks about feedback, not about stopping."""
    rows = [dict(row) for row in intent_ranking or []]
    for row in rows:
        if row.get("name") == "complaint":
            row["confidence"] = round(min(float(row.get("confidence") or 0) * 0.05,
                                          COMPLAINT_RUNNER_UP / 2), 4)
    about_feedback = {*FEEDBACK_KINDS, "enquiry"} - {"complaint"}
    return sorted(rows, key=lambda row: (row.get("name") not in about_feedback,
                                         -float(row.get("confidence") or 0)))


def as_declared(intent_ranking: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ranking for a message that declares a complaint: a complaint; but when the classifier
    reads someone's behaviour (ASB), close to that, so that the clarifying question asks
    whether it is about how we handled it or the behaviour itself (the neighbourhood team)."""
    confidences = _confidences(intent_ranking)
    kinds = [k for k in FEEDBACK_KINDS if k in confidences]
    top = max(kinds, key=confidences.__getitem__) if kinds else None
    # The other kinds keep their order, far below: the declaration settles it.
    rest = [{"name": name, "confidence": round(confidence * 0.1, 4)}
            for name, confidence in confidences.items() if name not in ("complaint", "asb_report")]
    if top == "asb_report":
        return [{"name": "complaint", "confidence": 0.5}, {"name": "asb_report", "confidence": 0.45}, *rest]
    return [{"name": "complaint", "confidence": 1.0}, *rest]


def as_behaviour(intent_ranking: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ranking for a complaint in words about a neighbour's behaviour: an ASB report first,
    with the classifier's confidence in a complaint; the complaint after it, well below."""
    confidences = _confidences(intent_ranking)
    top = max(confidences.get("complaint", 0.0), confidences.get("asb_report", 0.0))
    rows = [{"name": "asb_report", "confidence": top},
            {"name": "complaint", "confidence": round(min(confidences.get("complaint", 0.0),
                                                          COMPLAINT_RUNNER_UP / 2), 4)}]
    rows += [{"name": name, "confidence": confidence} for name, confidence in confidences.items()
             if name not in ("complaint", "asb_report")]
    return sorted(rows, key=lambda row: -float(row["confidence"]))


# A repair that failed again, or one reported before, is dissatisfaction with the service as much
# as a request (the Code), whatever the resident asks for: "the lift is broke AGAIN".
_REPEATED = re.compile(
    r"\bagain\b|\bonce more\b|\btwice\b|\bchased\b"
    r"|\bstill (not|no|isn'?t|hasn'?t|has not|is not|broken|leaking|waiting|nothing)\b"
    r"|\b(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|\d+(th)?) time\b"
    r"|\bkeeps? (on )?(breaking|going off|happening|coming back|failing|leaking|cutting out)\b"
    r"|\b(came|come|coming) back\b|\bsame (problem|issue|fault|thing)\b"
    r"|\bnever (came|turned up|showed|fixed|sorted)\b"
    r"|\breported (it |this )?(already|before|\d+ times|twice|three times|several times|many times)\b",
    re.I)


def repeated_failure(text: str) -> bool:
    return bool(_REPEATED.search(text or ""))


def with_complaint_possible(intent_ranking: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ranking with a complaint at least COMPLAINT_RUNNER_UP, so that needs_clarification
    asks whether the resident wants to complain or only to have it put right."""
    rows = [dict(row) for row in intent_ranking or [] if row.get("name") != "complaint"]
    complaint = max([float(row.get("confidence") or 0) for row in intent_ranking or []
                     if row.get("name") == "complaint"] + [COMPLAINT_RUNNER_UP])
    rows.append({"name": "complaint", "confidence": complaint})
    return sorted(rows, key=lambda row: -float(row.get("confidence") or 0))
