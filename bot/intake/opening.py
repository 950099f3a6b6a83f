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
