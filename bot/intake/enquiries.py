"""Questions the assistant cannot file as one of the five kinds of feedback: rent and payments,
the tenancy, the housing register, benefits, the tenant portal, who to contact. They are answered
with where to go, from the policy profile (its `enquiries`, else its contact channels), and the
resident is offered a request if they want something done. Never a complaint form: asking a
question is not dissatisfaction.
"""
from __future__ import annotations

import re
from typing import Any

from bot.policy import wording
from bot.policy.schema import Profile

# What a question is about, by its words (first match wins).
TOPICS = (
    ("benefits", r"universal credit|\buc\b|housing benefit|benefits?|dwp|council tax reduction|"
                 r"discretionary housing payment|\bdhp\b|bedroom tax|housing costs"),
    ("rent", r"\brent\b|arrears|direct debit|standing order|pay(ing|ment|ments)?\b|service charge|"
             r"rent statement|balance|owe|refund|overpa\w+"),
    ("housing_register", r"waiting list|housing register|register|bidding|\bbid\b|banding|\bband\b|"
                         r"transfer|move (to|house)|bigger (house|flat|place)|rehous\w*|choice based"),
    ("portal", r"portal|\bapp\b|log ?in|password|online account|my account|website|sign in"),
    ("tenancy", r"tenancy|succession|succeed|joint|lodger|sublet|mutual exchange|swap|right to buy|"
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


def topic_of(text: str) -> str:
    for topic, pattern in _TOPIC_PATTERNS:
        if pattern.search(text or ""):
            return topic
    return "other"


def answer(profile: Profile, text: str) -> list[dict[str, Any]]:
    """Where to go with the question, and the offer of a request."""
    topic = topic_of(text)
    found = profile.enquiries.get(topic) or profile.enquiries.get("other")
    about = TOPIC_WORDS[topic]
    if found is not None:
        where = f"Questions about {about} are best answered by {found.who}"
        where += f": {found.how}." if found.how else "."
    else:
        where = (f"I can't answer questions about {about} here, but {profile.display_name} can. "
                 + wording.contact_channels_text(profile))
    return [{"text": where},
            {"text": "If you'd like us to do something about it, I can log a request for you now.",
             "buttons": OFFER}]
