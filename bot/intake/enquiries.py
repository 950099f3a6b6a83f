"""Questions the assistant cannot file as one of the five kinds of feedback: rent and payments,
the tenancy, the housing register, benefits, the tenant portal, who to contact. They are answered
with where to go, from the policy profile (its `enquiries`, else its contact channels), and the
resident is offered a request if they want something done. Never a complaint form: asking a
question is not dissatisfaction. A question that is also unhappy with us ("you took eight months
to treat the mould: who is going to pay for my coats?") is offered a complaint as well: under the
Code dissatisfaction however it is put is a complaint, and the resident chooses.
"""
from __future__ import annotations

import re
from typing import Any

from bot.intake import triage
from bot.nlp import clarify
from bot.policy import wording
from bot.policy.schema import Profile

# Applications the lettings and tenancy teams hold (a resident waits on them; they are not cases
# filed here): one list for the topics below and for bot.intake.existing.
REGISTER_APPLICATIONS = r"housing register|housing application|waiting list|transfer|bid|bidding|banding|rehous\w*|" \
                        r"decant\w*|downsiz\w*"
TENANCY_APPLICATIONS = r"succession|mutual exchange|house swap|swap|right to buy"
# What a question is about, by its words (first match wins).
TOPICS = (
    ("benefits", r"universal credit|\buc\b|housing benefit|benefits?|dwp|council tax reduction|"
                 r"discretionary housing payment|\bdhp\b|bedroom tax|housing costs"),
    ("rent", r"\brent\b|arrears|direct debit|standing order|pay(ing|ment|ments)?\b|service charge|"
             r"rent statement|balance|owe|refund|overpa\w+"),
    ("housing_register", REGISTER_APPLICATIONS + r"|register|\bband\b|move (to|house)|bigger (house|flat|place)|"
                                                 r"choice based"),
    ("portal", r"portal|\bapp\b|log ?in|password|online account|my account|website|sign in"),
    ("tenancy", TENANCY_APPLICATIONS + r"|tenancy|succeed|joint|lodger|sublet|"
                r"right to acquire|end my tenancy|notice|pets?|dog|cat|permission|decorat\w*|"
                r"keys?|move out|moving out|garden|shed|satellite dish|car ?port|driveway|parking"),
)
_TOPIC_PATTERNS = [(topic, re.compile(rf"\b({words})\b", re.I)) for topic, words in TOPICS]
TOPIC_WORDS = {"rent": "rent and payments", "tenancy": "your tenancy",
               "housing_register": "the housing register and moving home",
               "benefits": "benefits and help with housing costs", "portal": "the tenant portal",
               "repairs": "repairs", "other": "that"}
OFFER = [{"title": "Log a request", "payload": "/service_request"},
         {"title": "No, that's all", "payload": "/thanks"}]
COMPLAINT_BUTTON = {"title": clarify.BUTTON_TITLES["complaint"], "payload": "/complaint"}


def offers_complaint(text: str, intent_ranking: list[dict] | None = None) -> bool:
    """Whether a question also shows dissatisfaction with us (its words, a failure that came back,
    or the classifier's complaint as a runner-up), so that a complaint is offered with the answer."""
    complaint = max([float(row.get("confidence") or 0) for row in intent_ranking or []
                     if row.get("name") == "complaint"] + [0.0])
    return (complaint >= clarify.COMPLAINT_RUNNER_UP or clarify.repeated_failure(text)
            or triage.expresses_dissatisfaction(text, intent_ranking))


def topic_of(text: str) -> str:
    for topic, pattern in _TOPIC_PATTERNS:
        if pattern.search(text or ""):
            return topic
    return "other"


def answer(profile: Profile, text: str, intent_ranking: list[dict] | None = None) -> list[dict[str, Any]]:
    """Where to go with the question, and the offer of a request (and of a complaint, when the
    question is unhappy with us)."""
    topic = topic_of(text)
    found = profile.enquiries.get(topic) or profile.enquiries.get("other")
    about = TOPIC_WORDS[topic]
    if found is not None:
        where = f"Questions about {about} are best answered by {found.who}"
        where += f": {found.how}." if found.how else "."
    else:
        where = (f"I can't answer questions about {about} here, but {profile.display_name} can. "
                 + wording.contact_channels_text(profile))
    if offers_complaint(text, intent_ranking):
        return [{"text": where},
                {"text": "If you're unhappy with how we've dealt with this, I can take a complaint now. Or, if "
                         "you'd like us to do something about it, I can log a request.",
                 "buttons": [COMPLAINT_BUTTON, *OFFER]}]
    return [{"text": where},
            {"text": "If you'd like us to do something about it, I can log a request for you now.",
             "buttons": OFFER}]
