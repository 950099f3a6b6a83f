"""Does a resident's first message already say what the matter is, or only what kind it is?

"There is black mould all over my bedroom wall" is the description of a service request, so the
resident is not asked "what needs doing?" again. "I want to make a complaint" only names the kind:
the form still asks what went wrong.
"""
from __future__ import annotations

import re

# Words that only say the resident wants to give feedback of some kind, or are filler.
_GENERIC = frozenset("""
a an the and or but so to of for in on at about with please hi hello hey hiya morning afternoon
evening good dear sir madam i i'm im i'd id i've ive me my we we'd we'm our us you your can could
would will want wanted wanna like love need needs needed wish have has got get make making made
raise raising log logging put file filing submit lodge register report reporting give giving
leave pass send sending do does how where who what is it this that there be been am are was
just some something an official formal new another quick little one bit few thing things
complaint complaints complain complaining compliment compliments praise thanks thank suggestion
suggestions suggest comment comments feedback idea ideas request requests repair repairs
service services issue issues problem problems concern concerns matter help someone somebody
anti-social antisocial behaviour behavior asb neighbour neighbours neighbor neighbors
""".split())
_WORD = re.compile(r"[a-z0-9']+")
# Content words needed before a message counts as describing the matter.
MIN_CONTENT_WORDS = 3


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if w.strip("'") not in _GENERIC]


def describes_the_matter(text: str) -> bool:
    """True when the message says what happened or what is needed, beyond naming the kind."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return False
    return len(content_words(text)) >= MIN_CONTENT_WORDS


# The least confidence the classifier must give a kind before a safety message's form starts as
# that kind; below it the form asks which kind.
KIND_AFTER_SAFETY_FLOOR = 0.1


def kind_after_safety(parse: dict) -> tuple[bool, str | None]:
    """For a first message read as an emergency or a safeguarding concern, after the advice:
    whether it also says what the matter is (then the form starts with it as the description)
    and which kind of feedback it is (None: the form asks). An emergency is a repair unless the
    classifier sees another kind."""
    from bot.cases.safety import EMERGENCY
    from bot.intake.fields import KINDS

    text = (parse.get("text") or "").strip()
    if not describes_the_matter(text):
        return False, None
    kinds = [row for row in parse.get("intent_ranking") or [] if row.get("name") in KINDS]
    if kinds and float(kinds[0].get("confidence") or 0) >= KIND_AFTER_SAFETY_FLOOR:
        return True, kinds[0]["name"]
    intent = (parse.get("intent") or {}).get("name")
    return True, ("service_request" if intent == EMERGENCY else None)
