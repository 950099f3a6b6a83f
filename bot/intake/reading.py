"""Read a resident's message as an answer to the question pending, by a reader made for that
kind of question.

While a question is pending the message is read first as its answer: a yes/no question by
bot.intake.yesno ("no, it's for me", "nah", "go on then", "idk"), a date by bot.intake.dates
with "still happening" and "since..." understood, a name as a name, an address by its postcode
however it is spaced, contact details by what is in them, a choice by its words ("not urgent"
is not urgent), and a free-text question as what it says. "Skip", "anonymous", "rather not" are
understood at every question for personal details. Only a clear digression leaves the question
(bot.intake.digressions: how long, the ombudsman, what counts, a person, stop, a bot, emergency
or safeguarding words); and safety words inside an answer are reported with the answer, which
is kept. At the summary, a message is a confirmation, a correction (of the answer it names, with
the new value when it gives one), a digression, or unclear: never a new case.

`read(question, text, ...)` is a pure function: the Rasa server uses it to decide what a message
is before any rule runs (bot.rasa.reading), the action server to check the answer, and
`make bench-conversations` to measure it on answers written by residents.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from dataclasses import asdict, dataclass, field as _field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping

from dateutil.relativedelta import relativedelta

from bot.intake import contact, dates, numbers, slips, triage, yesno
from bot.intake.digressions import (EMERGENCY, SAFEGUARDING, SAFETY as SAFETY_TOPICS, STOP, Digression, digression_in,
                                    is_short_digression, normalise, safety_in, word_count)

# What a reading is.
YES, NO, UNSURE = yesno.YES, yesno.NO, yesno.UNSURE
ANSWER = "answer"          # kept as given (value: the answer as stored)
NONE = "none"              # "nothing to add" to an optional question
SKIP = "skip"              # declines to give a personal detail
DATE = "date"              # a date or period (date, ongoing)
CHANGE = "change"          # at the summary: change `field` (None: not said which), `new_value`
FIELD = "field"            # which answer to change: `field`
CONFIRM = "confirm"        # at the summary: send it
DIGRESSION = "digression"  # leaves the question: `topic`
UNCLEAR = "unclear"        # fits neither: the question is asked again, put differently
PAYLOAD = "payload"        # a button press ("/affirm"): read by Rasa, not here

# The questions, by the reader that reads them.
YES_NO = ("already_investigated", "legal_proceedings", "on_behalf", "representative_consent",
          "share_details", "in_danger", "complaint_choice", "still_happening", "reuse_details")
DATES = ("event_date_text", "aware_date_text", "home_date_text")
NAMES = ("name", "represented_name")
PERSONAL = ("name", "address", "contact_details", "preferred_contact", "preferred_format")
OPTIONAL = ("evidence", "reasonable_adjustments", "review_reasons", "affected",
            "access_availability", "additional_information")
CHOICES = ("urgency", "preferred_contact", "preferred_format", "feedback_kind", "service")
SUMMARY, WHICH_ANSWER = "confirm", "field_to_change"

_I = re.I | re.S


@dataclass(frozen=True)
class Reading:
    kind: str
    value: Any = None
    topic: str | None = None          # DIGRESSION: the intent it is
    safety: str | None = None         # emergency / safeguarding_concern carried by an answer
    field: str | None = None          # CHANGE, FIELD: the answer meant
    new_value: str | None = None      # CHANGE: the new answer given with it
    ongoing: bool | None = None       # DATE: still happening (None: not said)
    date: str | None = None           # DATE: ISO date it points at
    details: dict = _field(default_factory=dict)  # postcode, email, phone found in it

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, {})}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Reading | None":
        if not data or "kind" not in data:
            return None
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    @property
    def is_answer(self) -> bool:
        return self.kind not in (DIGRESSION, UNCLEAR, PAYLOAD)


# --- phrases every reader shares ------------------------------------------------------------------

_SKIP = re.compile(
    r"^(no,? |nah,? |nope,? |sorry,? |er+m*,? |um+,? )*(i'?d )?(rather|prefer|i prefer|i would prefer|i'?d prefer)"
    r"( not| to not| not to)?( say| give( it| that| them)?| share( it| that)?| tell( you)?| to say| to give)?"
    r"|^no,? thanks?( you)?\b|\bleave (it|that|my name|me) (out|off|blank)\b"
    r"|\banon(ymous|ymously|y)?\b|\bstay anon|\bcan'?t give (that|it|my address|them) out\b"
    r"|\b(don'?t|do not) want (any )?(contact|to be contacted)\b"
    r"|\b(not giving|not givin'?|won'?t give|"
    r"don'?t want to (give|share|say|leave)|"
    r"not comfortable (giving|sharing)|not saying|i'?m not saying)( you)?( my| me| it| that| any| them| those)?"
    r"( name| details| number| e-?mail| address| postcode| contact details| phone( number)?)?\b(?! is\b)"
    r"|^no (name|details|number|e-?mail|address|contact)\b|\brather (i|we) (didn'?t|did not|don'?t|not)\b"
    r"|\b(he|she|they)'?d rather (i|you|we) (didn'?t|did not|don'?t)\b"
    r"|^((no|nah|nope|just|oh|i'?ll)[,.]? )?(skip|pass)( it| this| that)?\b|\bnone of (your|ur) business\b"
    r"|\bnot telling\b|\brather (nuh|nah|not|no) (say|seh|tell)\b|\bcan i not (give|say|leave)\b"
    r"|\bi'?d rather not\b|\bcan i leave (that|it|this) (out|off|blank)\b"
    r"|\b(don'?t|dont|not|rather not|no) (wanna |want( to)? |to )?give\b"
    r"|\b(nah|nuh|not|don'?t|won'?t) (want to |wanna )?give (out )?(my|mi|me) (number|e-?mail|details|name)\b"
    r"|\b(just|jus) (write|send a letter) (to )?(me|mi)\b"
    r"|\bdon'?t want (them|him|her|anyone|anybody|people) (to )?(know|knowing|find out)"
    r"|\b(don'?t|do not|please don'?t) (contact|call|ring|e-?mail|text|write to|phone) me\b"
    r"|(?<!mind them )(?<!mind people )(?<!mind you )\bknow(ing)? it was me\b"
    r"|\b(leave|keep) (my|me) (name|details)? ?(out|private|off)\b"
    r"|^(no|nope|nah|no thanks?|no thank you|no ta|nah ta|not really)[\s.!]*$", _I)
_NOTHING = re.compile(
    r"^(no+|nope|nah|none|nothing|n/?a|na|no thanks?|no thank you|not really|nothing (else|thanks|really|"
    r"at all)|no,? (that'?s|thats) (it|all|fine)|that'?s (it|all)|nothing to add|i'?m (fine|ok|okay|good)|"
    r"no,? (i'?m )?(fine|ok|okay|good)|not needed|no need|nope,? (all|i'?m) good|none (really|at all|thanks?)|"
    r"no[,.]? nothing|not that i can think of|no,? not really|nah,? (i'?m )?(fine|good|ok)|not at the moment|"
    r"no one else|nobody else|just me|skip( it| this)?|no evidence|no photos?|i don'?t have any|"
    r"haven'?t got any|have no (evidence|photos|proof)|no,? i don'?t have any)[\s.!]*$", _I)
_UNSURE_ALONE = re.compile(
    r"^(i |i'?m |i am )?(not sure|unsure|dunno|idk|no idea|don'?t know|do not know|can'?t remember|"
    r"can'?t (rightly |really |honestly )?say|couldn'?t (rightly |really |honestly )?(tell|say)( you)?|"
    r"cannot remember|don'?t remember|not certain|no clue|i have no idea|haven'?t a clue|"
    r"not a clue|can'?t recall|no idea tbh|idk tbh|i really don'?t know|genuinely don'?t know)"
    r"([\s,.!?]+(sorry|tbh|really|honestly|to be honest( with you)?|mate|love))*"
    # "no idea, I'm hardly there": not knowing, and why.
    r"([\s,.!?]+(i'?m|im|i am|we'?re|i was) (hardly|never|not|rarely|away)( ever)? (there|home|in|here|around)\b.*"
    # "no idea honestly, im at me mams half the time so i wouldnt know"
    r"|[\s,.!?]+[^.!?]{0,60}\bso i (wouldn'?t|wouldnt|would not|don'?t|couldn'?t|can'?t|cannot) (really )?"
    r"(know|say|tell)\b"
    # "I am not sure, I work nights so I only hear from neighbour"
    r"|[\s,.!?]+(i'?m |im |i am |i )?(work|working|on) (nights|away|shifts|lates)\b.*"
    r"|[\s,.!?]+it (comes and goes|depends|varies|changes)\b.*)?"
    r"[\s.!?]*$", _I)

# --- choices --------------------------------------------------------------------------------------

_URGENCY_NEGATED = re.compile(r"\b((not|isn'?t|is not|ain'?t|no|nothing|nothing'?s|nothing is|not really)"
                              r"( that| so| very| too| really| an?| at all| super| massively| a| immediate| real)? "
                              r"(urgent|emergency|an emergency|dangerous|danger|rush(ed)?|hurry|life (or|and) death)"
                              r"|(nobody|no ?one|no-one|noone)( is|'s)? (in )?danger)\b", _I)
# The words that name a level first, then what suggests one.
_URGENCY = (
    ("emergency", re.compile(r"\bemergency\b|\bdanger\w*\b|\bunsafe\b|\b(health|safety) (risk|now)\b"
                             r"|\blife (or|and) death\b"
                             r"|\b(first|top) one\b|\bthe 1st\b", _I)),
    ("urgent", re.compile(r"\burgent\w*\b|\b(middle|second|2nd) one\b|\bthe 2nd\b|\bmedium\b|\bmiddle\b"
                          r"|\bmoderate\b", _I)),
    ("routine", re.compile(r"\bcan wait\b|\broutine\b|\bno (rush|hurry)\b|\bnot urgent\b|\bnon[- ]urgent\b"
                           r"|\b(last|bottom|third|3rd) one\b|\bnot (that|very|too|really) (urgent|important)\b"
                           r"|\bnot important\b|\bno emergency\b|\bwhenever\b", _I)),
)
# A level settled on after a doubt: "I don't know how to judge urgent. ... I think it can wait".
_LEVEL_AFTER_DOUBT = re.compile(r"[.!;]\s*(but )?(i think|i guess|i suppose|i'?d say|probably)?\s*(it )?"
                                r"(can wait|is urgent|'?s urgent|is an emergency|'?s an emergency)\b", _I)
_URGENCY_HINTS = (
    ("urgent", re.compile(r"\bcan'?t wait (weeks|long|ages|a month|months|forever|that long)\b|\bsoon\b"
                          r"|\b(few|couple of|couple|next) days\b|\basap\b|\bquick(ly)?\b|\bthis week\b"
                          r"|\bas soon as\b|\bwithin (a|the) (day|week)\b|\bpretty\b|\bfairly\b|\bquite\b"
                          r"|\bmiddl(in|ing)\b|\bin between\b", _I)),
    ("emergency", re.compile(r"\b(right )?now\b|\bimmediately\b|\bstraight ?away\b|\bcan'?t (stay|live|use|"
                             r"cope|sleep|breathe)\b|\btoday\b|\btonight\b", _I)),
    ("routine", re.compile(r"\bwait\b|\bbide\b|\bwhen(ever)? (you|u) (can|get)\b|\bin (your|ur) own time\b|\bminor\b"
                           r"|\blow\b|\bno big deal\b|\bnot a big deal\b|\bin a few weeks\b|\bwon'?t hurt\b"
                           r"|\bcan hold on\b|\bnot in a rush\b|\banother (week|few weeks|month|couple)\b"
                           # "not an emergency, I'm managing, but before the new year if possible"
                           r"|\b(i'?m|i am|we'?re|we are) (managing|coping|ok for now)\b"
                           r"|\bbefore (christmas|xmas|the new year|new year|the end of the (month|year))\b"
                           r"|\bin the (next )?(few|couple of) weeks\b|\b(your|the) (normal |usual )?time ?scales?\b",
                           _I)),
)
_CONTACT_METHODS = (
    ("email", r"e-?mail|mail|emial|emal|gmail|hotmail|inbox"),
    ("text", r"text|txt|sms|message me|whats ?app|texting|message on (my |the )?(phone|mobile)"),
    ("phone", r"phone|call|ring|telephone|mobile|tel|calling|ringing|speak|voice|bell me|give (me )?a bell"),
    ("post", r"post|letter|write|writing|in writing|royal mail|paper"),
)
_ANY_WAY = re.compile(r"\b(don'?t mind|doesn'?t matter|any|either|whatever|whichever|no preference|"
                      r"not bothered|easiest|up to you|any way|anyway|all (of them|fine))\b", _I)
_FORMATS = (
    ("large print", r"large|big(ger)? (print|font|writing|letters|text)|print bigger|font"
                    r"|larger (writing|text|letters|print)"),
    ("easy read", r"easy[- ]?read|easy to read|simple|plain (english|language)|simpler"),
    ("braille", r"braille|brail"),
    ("audio", r"audio|recording|read (it )?(out|aloud|to me)|spoken|voice|listen"),
    ("another language", r"language|translat\w*|interpret\w*|polish|urdu|arabic|somali|punjabi|bengali|"
                         r"romanian|portuguese|spanish|french|welsh|gujarati|farsi|kurdish|tigrinya|"
                         r"chinese|mandarin|cantonese|lithuanian|latvian|russian|ukrainian|turkish|"
                         r"vietnamese|tamil|amharic|hindi|italian|german|bulgarian|hungarian|czech|slovak|pashto|"
                         r"dari|swahili|yoruba|igbo|hausa|twi|malayalam|sinhala|thai|tagalog|korean|japanese|greek|"
                         r"albanian|sylheti|hebrew|persian|estonian|croatian|serbian|bosnian|slovenian|shona|"
                         r"in my own|first language|native"),
    ("bsl", r"bsl|sign language|signing"),
    ("standard", r"standard|normal|usual|regular|ordinary|no,? (that'?s )?fine|as it is|any|nope|nah|no|not really|"
                 r"nothing special|just e-?mail( it)?|e-?mail is fine|as normal|"
                 r"doesn'?t matter|not needed|no need|none|no thanks?|email is fine|fine|just normal|"
                 r"(?<!plain )english( is| would be)? (ok|okay|fine|good)|(?<!plain )(in )?english please|^english$"),
)
# Longer answers to "which kind is it?" are stories, read by the classifier.
SHORT_KIND_ANSWER_WORDS = 12
_KINDS = (
    ("complaint", r"complain\w*|unhappy|not happy|fed up|how (you'?ve|you have|they'?ve) (dealt|handled)|decision|"
                  r"look at .{0,30} again|review|"
                  r"dealt with|handled|first one|the first|make a complaint|it'?s a complaint|both|"
                  r"disgust\w*|useless"),
    ("service_request", r"repair|fix(ed)?|sort(ed)?|mend|get (it|something|this) done|done|request|"
                        r"second one|the second|someone (out|round|to come)|send someone|just want it"),
    ("asb_report", r"neighbou?r\w*|behaviou?r|anti[- ]?social|asb|noise|nuisance"),
    ("comment", r"suggestion|comment|idea|feedback"),
    ("compliment", r"thank\w*|compliment|prais\w*"),
)


_NEGATION_BEFORE = re.compile(r"\b(don'?t|do not|not|no|never|can'?t|cannot|won'?t|rather not|hate|"
                              r"without)\b(\s+\w+){0,3}\s*$", _I)


def _choice(text: str, options) -> str | None:
    """The option the words name first, leaving out the ones they deny ("a letter please, I
    don't do the e-mail" is a letter)."""
    found = []
    for value, words in options:
        for match in re.finditer(rf"\b({words})\b", text, _I):
            if not _NEGATION_BEFORE.search(text[:match.start()]):
                found.append((match.start(), value))
                break
    return min(found)[1] if found else None


_STILL = re.compile(r"\bstill\b(?! not)|\bongoing\b|\bkeeps? (happening|coming|leaking|going)\b|"
                    r"\bevery time it\b|\bhasn'?t (stopped|gone|been fixed)\b|\bcontinues\b|"
                    r"\b(is|are) getting worse\b|\b(remains?|is|still) (unresolved|outstanding)\b", _I)


def still_going_on(text: str) -> bool:
    """Whether words describing a problem say it is still happening."""
    return bool(_STILL.search(normalise(text)))


def read_urgency(said: str) -> str | None:
    """emergency / urgent / routine: a level named wins over the words around it, and a level
    denied ("not urgent", "not an emergency but soon") leaves what the rest says."""
    # The question said back: "I'll tell you how urgent it is when...", "I don't know how to judge urgent".
    said = re.sub(r"\bhow urgent (it|this) is\b"
                  r"|\b(how to (judge|tell|know|say)|what (counts as|is|'?s)) (what'?s )?urgent\b", " ", said)
    negated = _URGENCY_NEGATED.search(said)
    rest = _URGENCY_NEGATED.sub(" ", said) if negated else said
    for table in (_URGENCY, _URGENCY_HINTS):
        for level, words in table:
            if negated and level == "emergency":
                continue
            if words.search(rest):
                return level
    if negated:
        return "urgent" if re.search(r"emergency|danger|death", negated.group(0)) else "routine"
    return None


# --- names ----------------------------------------------------------------------------------------

_NAME_PREFIX = re.compile(
    r"^(hi|hello|hiya|yes|yeah|ok|okay|sure|just|it'?s|its|it is|my name is|my name'?s|my names|name'?s|names|name|"
    r"my good name is|(my|mi|me) name|myself|use mine( please)?|"
    r"name is|name:|the name'?s|i am|i'?m|im|this is|call me|i'?m called|they call me|you can call me|"
    r"her name is|his name is|their name is|her name'?s|his name'?s|her names|his names|she'?s called|"
    r"he'?s called|she is called|he is called|full name|it'?s for|for)[\s,:.\-]+", _I)
# (A full stop ends the name unless it follows an initial: "J. Smith". Case matters there.)
_NAME_STOP = re.compile(r"\s*(,|;|(?-i:(?<![A-Z]))(?<!\b[A-Za-z])(?<!\bmr|\bms|\bdr)(?<!\bmrs|\brev)"
                        r"(?<!\bprof|\bcllr)\.|!|\?|\(|\bbut\b|\bof\b|"
                        r"\band (i|my|me|everyone|people|you)\b|\beveryone\b|"
                        r"\bbecause\b|\bcos\b|\bthough\b|\bfrom (flat|number|no|house|the)\b|\bat (number|no)\b|"
                        r"\bof (flat|number)\b|\bflat\b|\bon the\b|\bplease\b|\bthanks\b|\bcheers\b|"
                        r"\bta\b|\bbut\b| - |\bwho\b|\bthat'?s\b|\bshe'?s\b|\bhe'?s\b|\bmy (mum|dad|name)\b|"
                        r"\bx+\b|\bpo\b|\bopo\b)", _I)
_TITLES = r"(mr|mrs|ms|miss|mx|dr|rev|reverend|pastor|elder|imam|sheikh|sir|dame|lady|lord|prof|cllr|councillor)\.?"
# "my mum, Joan Fairclough", "Dad - Keith Lomax": the relation is not the name.
_RELATIONS = (r"(mum|mom|mam|mother|dad|father|nan|nana|gran|grandma|grandad|son|daughter|wife|husband|partner|"
              r"brother|sister|aunt|auntie|uncle|friend|neighbou?r|client|tenant)")
_RELATION_START = r"^(it'?s |its |for )?(my |our |the |me )?" + _RELATIONS
# The name after the relation starts with a capital, or follows a comma or colon ("me mam, tracey
# doyle"): "my mum is ill" names nobody.
_RELATION_FIRST = re.compile(
    "(?i:" + _RELATION_START + r"(('?s)? name is\s+| is called\s+| called\s+|\s*[,:\-–]+\s*|\s+))(?=[A-Z])"
    "|(?i:" + _RELATION_START + r"\s*[,:]\s*)(?=[a-z])", re.S)
# A name given again after a slip: "Graham Hollis - sorry, Graham Hollins"; "use of Ali sorry its Yusuf Ali".
_NAME_AGAIN = re.compile(rf"\b{slips.words('sorry', 'oops')}\b[\s,:-]*(it'?s |its |i'?m |im )?", re.I)
# A name said last, after the rest: "Why do you need my name? Daniel Kerr."; "..., actually, Arjun Patel".
_NAME_LAST = re.compile(r"(?:[,.?!:]|\b(?i:it'?s|its|i'?m|im|i am))\s*([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,3})"
                        r"[.!]?\s*$")
# A title said after the name: "Beverley Campbell, Miss".
_TITLE_AFTER = re.compile(r"\s*,\s*(mr|mrs|ms|miss|mx|dr)\.?\s*$", re.I)
# Words of warmth residents end a sentence with ("Pauline Armstrong pet", "last nite bab, and..."):
# never part of a name or a date.
_WARMTH = r"bab|pet|love|luv|hun|la|mate|duck|hen|chuck|bruv|my lover|me duck"
# After a name, more of them, and fillers: not the name.
_ENDEARMENT = re.compile(rf"\s+({_WARMTH}|hon|babs|babe|innit|darlin'?|darling|sweetheart|cock|our kid|like|it is|"
                         r"(to|tae) you)\W*$", re.I)
_NOT_NAME_WORDS = frozenset("""
i im i'm me my mine you your yours the a an is are was were be to of in on at for with and or not no
yes yeah what why how who when where want wanted trying try send change it its it's this that these
those please sorry ok okay do does did have has had just anonymous anon rather prefer dont don't
won't wont thanks thank hi hello here there compliment complaint repair same details name names
give giving said say already told asked know think can could would should will shall bot person
human stop cancel help again email phone number address postcode contact why wrong right sure
his her hers their theirs our him them surname idk dunno unknown neighbour neighbor lad lass
cheers ta bye thx
""".split())


_RELATION_NAMED = re.compile(
    r"(?i:\b(my|his|her|our|the|me) " + _RELATIONS + r"( is| called| named|,)?) "
    r"([A-Z][a-z'’-]+( [A-Z][a-z'’-]+)?)\b|(?i:\b(called|named)) ([A-Z][a-z'’-]+( [A-Z][a-z'’-]+)?)\b")


# "FENWICK, Mark": the surname first, in capitals, as on forms.
# "OKAFOR, Chidi"; "Adeyemi, Emmanuel" (two words only: a form's order).
_SURNAME_FIRST = re.compile(r"^\s*([A-Z][A-Z'’-]+),\s*([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?)\s*\.?\s*$"
                            r"|^\s*([A-Z][a-z'’-]+),\s*([A-Z][a-z'’-]+)\s*\.?\s*$")


def _name_words(text: str) -> str:
    """The answer without what is not the name: a phone number or e-mail given with it, "with a
    V", letters spelt out one by one ("S T E V E Ashworth")."""
    text = re.sub(r"\S+@\S+", " ", text or "")
    # "My name is CHAN Wing Yan, but please call me Winnie Chan": the name asked to be used.
    called = re.search(r"\b(?:please |but |just |pls )*(?<!not )(?<!n't )(?:call me|use|put down|go by|known as)\s+"
                       r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)", text)
    if called and re.search(r"\b(but|please|pls|prefer)\b", text[:called.start() + 12], re.I):
        text = called.group(1)
    text = re.sub(r"^\s*(?:just |please |pls )*(?:put|write|use|say)\s+(?=[A-Z])", "", text, flags=re.I)
    text = re.sub(r"(\+44\s?|0)\d[\d\s-]{8,}\d", " ", text)
    text = re.sub(r"\s*\bwith an? [a-z]\b(?= [A-Z])", "", text, flags=re.I)
    # Spelt out after the name as well ("Hannah Pryce P R Y C E"): the name once.
    text = re.sub(r"\b((?:[A-Za-z] ){2,}[A-Za-z])\b",
                  lambda m: "" if re.search(rf"\b{m.group(1).replace(' ', '')}\b", text[:m.start()], re.I)
                  else m.group(1).replace(" ", "").title(), text)
    return re.sub(r"\s+", " ", text).strip()


def _slip_mended(name: str, correction: str, at_least: float = 0.7) -> str | None:
    """"Darren Cartwight, Cartwright sorry": a one-word correction put in place of the word it
    mends (the most alike, if alike enough)."""
    words = name.split()
    if len(correction.split()) != 1 or len(words) < 2:
        return None
    score, at = max((SequenceMatcher(None, w.lower(), correction.lower()).ratio(), i) for i, w in enumerate(words))
    if score < at_least:
        return None
    return " ".join(words[:at] + [correction] + words[at + 1:])


def read_name(text: str) -> str | None:
    """The name in an answer to "what is your name?", or None when it does not look like one.
    A name typed all in small letters or all in capitals is given capitals as a letter would
    ("sandra hingley" is "Sandra Hingley", "O'NEILL" is "O'Neill", "mcleish" is "McLeish")."""
    name = _name_in(text)
    return _capitalised(name) if name and (name.islower() or name.isupper()) else name


_PARTICLES = frozenset("van der den de von da di du le la bin binti ibn".split())


def _capitalised(name: str) -> str:
    def word(match: re.Match) -> str:
        part = match.group(0).lower()
        if part in _PARTICLES and match.start() > 0 and name[match.start() - 1] == " ":
            return part  # "Van der Berg", "Ali bin Hassan"
        part = part[:1].upper() + part[1:]
        return re.sub(r"^(Mc)([a-z])", lambda m: m.group(1) + m.group(2).upper(), part)

    return re.sub(r"[^\W\d_]+", word, name)


def _name_in(text: str) -> str | None:
    # "Hitesh Mistyr *Mistry": a word after an asterisk mends the word before it (a chat habit).
    starred = re.match(r"^(.*?)([A-Za-z'’-]+)\s+\*\s?([A-Za-z'’-]+)\W*$", text or "")
    if starred and starred.group(2)[:1].lower() == starred.group(3)[:1].lower():
        text = starred.group(1) + starred.group(3)
    # "Desmond Clark with an E on the end": the spelling told after the name.
    spelt = re.match(r"^(.*?[A-Za-z])\s*,?\s+with an? ([a-z])\b,? (on|at) the end\W*$", text or "", re.I)
    if spelt:
        text = spelt.group(1) + spelt.group(2).lower()
    text = _name_words(text)
    slip_words = slips.words("sorry", "oops")
    for slip in (re.match(rf"^(.+?)(?:,\s*|\s+)([A-Za-z'’-]+),?\s+(?:{slip_words}|typo)\b", text, re.I),
                 re.match(rf"^(.+?)\s+{slip_words}\s+([A-Za-z'’-]+)\W*(?:typo|sorry)?\W*$", text, re.I)):
        mended = _slip_mended(_name_at_start(slip.group(1)) or "", slip.group(2)) if slip else None
        if mended:
            return mended
    # "Mrs E. Prescott. Enid.": the initial's name said after.
    initial = re.match(_TITLES + r"\s+([A-Z])\.?\s+([A-Z][a-z'’-]+)\s*[.,]\s*([A-Z][a-z'’-]+)\W*$",
                       (text or "").strip(), re.I)
    if initial and initial.group(4)[0].upper() == initial.group(2).upper():
        return f"{initial.group(1).title()} {initial.group(4)} {initial.group(3)}"
    # "Do you need my real name? ok. Saba": the name alone after the question.
    after_asking = re.search(r"\?\s*(?:ok|okay|fine|right|alright|go on then)[.,!]*\s+([A-Z][a-z'’-]+)\W*$",
                             text or "", re.I)
    if after_asking and after_asking.group(1).lower() not in _NOT_NAME_WORDS:
        return after_asking.group(1)
    title = _TITLE_AFTER.search(text or "")
    if title:
        name = read_name(text[:title.start()])
        if name and not re.match(_TITLES, name, _I):
            return f"{title.group(1).title()} {name}"
    surname_first = _SURNAME_FIRST.match(text or "")
    if surname_first:
        surname = surname_first.group(1) or surname_first.group(3)
        given = surname_first.group(2) or surname_first.group(4)
        return f"{given} {surname.title()}"
    # ("trever, no, trevor penrose": a plain "no" between commas mends a name too.)
    # ("Elspeth Mackay. No. Mackie.": a "no" said alone between them as well.)
    again = list(_NAME_AGAIN.finditer(text or "")) or list(re.finditer(r"[,.]\s*no\s*[,.]\s*", text or "", re.I))
    if again:
        corrected = _name_at_start(text[again[-1].end():])
        if corrected and len(corrected.split()) >= 2:
            return corrected
        # (Said as a correction, a word less alike is still the one it mends: Mackay, Mackie.)
        mended = _slip_mended(_name_at_start(text[:again[-1].start()]) or "", corrected, 0.6) if corrected else None
        if mended:
            return mended  # "John Smyth, no sorry, Smith": the word it mends
    found = _name_at_start(text)
    if found and re.search(r"[,.]", text):
        # "its Sandra, sandra hingley", "Emeka please. Emeka Okafor-Bello": the name again in full.
        # Any later piece ("Alan, ma brother. Alan Fairlie"): "Mulgrew. Brendan Mulgrew" (the surname,
        # then the whole name); "MICK. MR WHITAKER TO YOU" (the given name, then title and surname).
        for fuller in filter(None, map(_name_at_start, re.split(r"[,.]", text)[1:])):
            if (fuller.lower().startswith(found.lower().split()[-1][:3])
                    or (len(found.split()) == 1 and found.lower() in fuller.lower().split())) \
                    and len(fuller.split()) > len(found.split()):
                return fuller
            if len(found.split()) == 1 and len(fuller.split()) == 1 and fuller[:1].isupper() \
                    and re.match(rf"^{re.escape(found)}[.,]\s*{re.escape(fuller)}\b", text.strip()):
                return f"{found} {fuller}"  # "Aaron. Whitfield. want my inside leg measurement...": one at a time
            titled = re.fullmatch(_TITLES + r"\.?\s+([^\W\d_][\w'’-]+)", fuller, _I)
            if titled and len(found.split()) == 1 and not re.fullmatch(_TITLES, found, _I):
                return f"{found} {titled.group(titled.lastindex)}"
    if found:
        return found
    last = _NAME_LAST.search(text or "")
    if last and _name_at_start(last.group(1)):
        return last.group(1)
    named = _RELATION_NAMED.search(text or "")
    if named:
        return named.group(4) or named.group(7)
    return None


def _name_at_start(text: str) -> str | None:
    said = (text or "").strip().strip("\"'")
    for _ in range(3):
        said = _NAME_PREFIX.sub("", said).strip()
        said = _RELATION_FIRST.sub("", said).strip()
    said = _NAME_STOP.split(said, maxsplit=1)[0].strip(" -:.,")
    if len(said.split()) >= 3:
        said = _ENDEARMENT.sub("", said)
    words = said.split()
    if not 1 <= len(words) <= 6:
        return None
    bare = [w for w in words if not re.fullmatch(_TITLES, w, _I)]
    if not bare:
        return None
    for word in bare:
        if not re.fullmatch(r"[^\W\d_]+([-'’.][^\W\d_]+)*\.?", word) and not re.fullmatch(r"[A-Za-z]\.", word):
            return None
        if word.lower().strip(".") in _NOT_NAME_WORDS:
            return None
    return " ".join(words)


# --- dates ------------------------------------------------------------------------------------------

_ONGOING = re.compile(
    r"\bstill\b(?! not)|\bongoing\b|\bon ?going\b|\bsince\b|\bcontinu\w+\b"
    # "I have been sitting in my coat with the little heater": living with it now.
    r"|\b(i'?ve|i have|we'?ve|we have|she'?s|he'?s|they'?ve) been (sitting|sleeping|boiling|wearing|using|managing|"
    r"coping|living (in|with))\b"
    r"|\bevery (day|night|week|weekend|month|morning|evening)\b|\b(no|nae|nuh|not|never) stop(ped)?\b"
    r"|\beveryday\b|\bevery single (day|night)\b|\bnightly\b|\bdaily\b"
    r"|\bon and off\b|\boff and on\b|\bgetting worse\b|\bto this day\b|\b(till|until|up to|right up to) "
    r"(now|today|this day)\b|\bever since\b|\bhasn'?t (stopped|gone|been (fixed|sorted))\b|\bnever (stopped|"
    r"been fixed|been sorted|went away|gone away)\b|\b(for|been) (the last |the past )?(\d+|a|an|one|two|three|"
    r"four|five|six|few|couple of|several|many|some) (days?|weeks?|months?|years?)\b|\bfor (ages|years|months|"
    r"weeks|a while|a long time|donkey'?s years)\b|\bcarr(y|ies|ied) on\b|\bkeeps? (happening|coming back)\b"
    r"|\bbeen (going on |happening )?(for )?(ages|years|months|weeks|forever|a while|a long time)\b"
    r"|\bgoing on\b|\bstill is\b"
    r"|\bhappening now\b|\ball the time\b|\bconstantly\b|\bnow\b$|\bright now\b|\bstarted\b|\bbegan\b|\bbegun\b"
    r"|\bit start\b|\bnon ?stop\b|\bstill (not|n'?t|nae|no) (fixed|sorted|done|repaired|resolved|right|working)\b"
    r"|\bpersists?\b|\bgrowing\b|\bgetting (bigger|worse)\b|\bspreading\b|\bunresolved\b|\b(remains?|is) outstanding\b"
    r"|\bfrom (that|this|then|there) (day|time|point|moment|night|date)?\s*(on(wards?)?|till now|it'?s|it is)\b"
    r"|^from\b(?![^.]*\b(to|till|until)\b)", _I)  # "from 2 November, I remember because...": since
_PLAINLY_ONGOING = re.compile(r"\b(everyday|every (single )?(day|night|week|weekend)|still (going|happening|there)|"
                              r"ever since|non ?stop|constantly|all the time)\b", _I)
# An appliance that stopped has broken down: "The boiler stopped on the Sunday before...".
_BROKE_DOWN = re.compile(r"\b(boiler|heating|shower|cooker|fridge|freezer|lift|pump|lights?|power|alarm)"
                         r"( has| had| just| has just)? stopped( working)?\b", _I)
_NOT_ONGOING = re.compile(r"(?<!not )(?<!n't )(?<!nt )(?<!never )(?<!still )(?<!not been )(?<!never been )(?<!no )"
                          # "nobody's fixed it", "no one has sorted it": not done
                          r"(?<!nobody )(?<!nobody's )(?<!nobodys )(?<!nobody has )(?<!no one )(?<!no one's )"
                          r"(?<!no one has )(?<!noone )(?<!noones )(?<!nobody's been )(?<!nobody has been )"
                          # "it ay stopped" (Black Country: hasn't), "it'd be sorted" (a promise)
                          r"(?<!ay )(?<!nae )(?<!be )(?<!get it )(?<!gets )(?<!want it )"
                          r"\b(stopped|ceased|fixed|sorted|resolved|ended|finished|one[- ]off|just (the )?once|"
                          r"only (the )?once|(just|only) (the )?(one|1) time|not any ?more|"
                          # ("about a yr ago? no longer, it was there when we moved in": no, longer than that.)
                          r"(?<![?] )(?<![?])no longer(?!\s*(than\b|[,.;!?]|$))|moved out|"
                          r"nothing (since|after)|(been|gone|it'?s|its) quiet (since|ever since|after)|"
                          r"since then (it'?s|it has|its|things have) been (quiet|fine|ok|okay|alright|better))\b", _I)
# Still there, said when the resident became aware ("It has not stopped", "crack is bigger now").
_AWARE_ONGOING = re.compile(r"\bstill\b(?! not)|\bongoing\b|\bbeen like (that|this)\b|\bgoing on\b"
                            r"|(\bnot|n'?t|\bnever|\bay|\bnae) (stopped|gone away|been (fixed|sorted))\b"
                            r"|\bever since\b|\b(bigger|worse|spreading) now\b|\bgetting (bigger|worse)\b", _I)
_ONGOING_SAID_LAST = re.compile(r"(?<!not )(?<!n't )(?<!never )(?<!nt )\b(and )?(ongoing|"
                                r"still (going( on)?|happening|there|at it|dripping|leaking)|"
                                r"recurred|came back|started again)[\s.!]*$", _I)
# Back after a pause, said after it stopped: "...then it stopped, now its started again at the weekend".
_RESUMED = re.compile(r"\b(now|but now|and now|then)\b[^.!?]{0,20}\b(started|starting|kicked off|come back|came back|"
                      r"back|going|at it) again\b", _I)
# A time counted from something ("after") and then named: "...started leaking again first proper rain
# after, so like july"; a time settled on: "...so a little before that, say the middle of April".
_SO_THEN = re.compile(r"\b(?:after|afterwards|after that|later|later on)\s*[,.;]?\s*so,?\s+(?:like|about|around|"
                      r"roughly|probably|prob|maybe|i'?d say|must (?:have )?been|it was|that'?s|that was)?\s*"
                      r"([^,.;!?]+?)[\s.!?]*$"
                      r"|[,.;]\s*(?:say|so say|call it|let'?s say)\s+([^,.;!?]+?)[\s.!?]*$", _I)
_VAGUE_PERIOD = re.compile(r"\b(ages|years|months|weeks|a while|a long time|long time|forever|donkey'?s years|"
                           r"as long as i can remember|since i moved in|since (we|i|they) moved( in)?|"
                           r"since the start|from the start|from day one|day one|beginning)\b", _I)
# A count in words, as durations and offsets are said ("three weeks", "the week after").
_COUNT_WORDS = "|".join(word for word, n in numbers.NUMBER_WORDS.items() if n <= 12)
_DURATION = re.compile(r"\b(\d+|a|an|" + _COUNT_WORDS + r"|"
                       r"a few|few|a couple of|couple of|a couple|several)\s*"
                       r"(days?|weeks?|months?|years?|fortnights?)\b", _I)
# A time counted from another: "3 weeks after we moved in, we moved in 3rd august", "about a month
# before Christmas last year", "the week after my hip operation, that was 9th September".
_OFFSET = re.compile(r"\b(?:(?:about|around|roughly|maybe|like|bout|approx(?:imately)?) )?"
                     r"(?:(\d{1,2}|a|an|" + _COUNT_WORDS + r"|"
                     + "|".join(numbers.VAGUE_COUNTS) + r") (day|week|month|fortnight)s?|the (day|week|fortnight))"
                     r",? (after|before)\b(?!\s*([,.?!]|$|that\b|then\b|this\b|now\b))", _I)


# A weekday counted from a day or a few weeks back: "the Monday after the clocks changed", "the
# sunday, 2 weeks past" (Scots "past": ago), "Friday before last".
_WEEKDAY_AFTER = re.compile(r"\bthe (monday|tuesday|wednesday|thursday|friday|saturday|sunday) (after|before)\b"
                            r"(?!\s*(last|that|then|this)\b)", _I)
_WEEKDAY_WEEKS_AGO = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b\W+(?:\w+\W+){0,2}?"
                                r"(a|one|two|three|four|\d) weeks? (ago|past|back)\b"
                                r"|\b(a|one|two|three|four|\d) weeks? (ago|past|back),? (?:on )?(?:the |a )?"
                                r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", _I)


def _weekday_counted(said: str, now: datetime, question: str) -> date | None:
    """The day a weekday counted from another day or from some weeks back names (None if none)."""
    today = dates.uk_today(now).date()
    after = _WEEKDAY_AFTER.search(said)
    if after:
        anchor = read_date(said[after.end():].strip(" ,.;:-"), now, question)
        if anchor.kind == DATE and anchor.date:
            day = dates.nearest_weekday(date.fromisoformat(anchor.date), dates.WEEKDAYS.index(after.group(1).lower()),
                                        after=after.group(2).lower() == "after")
            return day if day <= today else None
    ago = _WEEKDAY_WEEKS_AGO.search(said)
    if ago:
        name = (ago.group(1) or ago.group(6)).lower()
        weeks = numbers.count(ago.group(2) or ago.group(4))
        if weeks:  # the one nearest that many weeks back ("the sunday, 2 weeks past" on a Tuesday: 16 days)
            back = today - timedelta(weeks=weeks)
            before = back - timedelta(days=(back.weekday() - dates.WEEKDAYS.index(name)) % 7)
            after = before + timedelta(days=7)
            return after if after - back < back - before and after < today else before
    return None


def _counted_from(anchor: date, count: int, unit: str, direction: str) -> date:
    """The day `count` days, weeks, fortnights or months "after" or "before" `anchor`."""
    unit = unit.lower()
    step = relativedelta(months=count) if unit == "month" else timedelta(
        days=count * {"day": 1, "week": 7, "fortnight": 14}[unit])
    return anchor + (step if direction.lower() == "after" else -step)


_ABBREVIATIONS = ((r"\byrs\b", "years"), (r"\byr\b", "year"), (r"\bwks\b", "weeks"), (r"\bwk\b", "week"),
                  (r"\b(mths|mnths|mons)\b", "months"), (r"\b(mth|mnth)\b", "month"),
                  (r"\bdys\b", "days"), (r"\b(\d+)(years|weeks|months|days|yrs?|wks?|mths?)\b", r"\1 \2"),
                  (r"\bnite\b", "night"), (r"\btonite\b", "tonight"))
# When the resident became aware: the same moment as the event ("same day", "straight away").
_AWARE_AT_ONCE = re.compile(r"\b(same (day|time)|the day it (happened|started)|straight ?away|immediately|right "
                            r"away|at the time|when it (happened|started)|from the (start|beginning)|day one|"
                            r"(i'?ve )?always known|told you)\b", _I)
_PIECES = re.compile(r"\s*(?:[,;.!?]|\band\b|\bbut\b|\bso\b|\bthen\b|\bor\b|\babout\b|\baround\b|\bwhen\b|"
                     r"\bafter\b|\bbecause\b|\bcos\b|\s-\s)\s*", _I)
_BARE_DAY = re.compile(r"\b(the )?(\d{1,2})(st|nd|rd|th)\b", _I)


_AGO = re.compile(r"\b(ago|back|before|previously|earlier)\b", _I)


_ORDINALS = {word: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
             for n, word in enumerate(
                 "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
                 "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
                 "twentieth".split(), start=1)}
_ORDINALS.update({f"twenty-{word}": f"2{_ORDINALS[word][:-2]}{_ORDINALS[word][-2:]}"
                  for word in "first second third fourth fifth sixth seventh eighth ninth".split()})
_ORDINALS.update({"thirtieth": "30th", "thirty-first": "31st"})
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_WORDS = "(" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
# A span that ended on a day named: "Nightly from 6 November to 13 November inclusive".
_SPAN_ENDED = re.compile(r"\bfrom\b[^.!?]{1,40}\b(to|until|till|til|through|thru|-)\s*(the\s+)?"
                         r"(\d{1,2}(st|nd|rd|th)?\s+(of\s+)?" + _MONTH_WORDS + r"|" + _MONTH_WORDS + r"\s+\d{1,2})\b",
                         _I)
_ORDINAL_WORD = re.compile(
    r"\b(" + "|".join(sorted((w.replace("-", "[- ]") for w in _ORDINALS), key=len, reverse=True)) + r")\b"
    r"(?=(?: of)? (?:" + _MONTH_WORDS + r"|last month|this month|the month before last)\b)", _I)
_ORDINAL_ALONE = re.compile(
    r"\bthe (" + "|".join(sorted((w.replace("-", "[- ]") for w in _ORDINALS), key=len, reverse=True)) + r")\b"
    r"(?! (time|times|week|weekend|floor|visit|call|letter|one|day|night|person|thing|of)\b)", _I)
_WEEKDAYS = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
             "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday",
             "sun": "sunday"}
_SHORT_WEEKDAY = re.compile(r"\b((?:on |last |this |since )?)(mon|tues?|weds?|thu|thurs?|fri|sat|sun)\b"
                            r"(?=\.? (night|morning|afternoon|evening|just gone)\b|\.?\s*$)", _I)


def _and_a_half(count: int, unit: str) -> str:
    """"2 and a half months" as days or months the date reader counts back."""
    return {"week": f"{count * 7 + 3} days", "month": f"{round(count * 30.44 + 15)} days",
            "year": f"{count * 12 + 6} months"}[unit]


# Dates as residents type them: misspelt, clipped ("mornin"), dialect ("neet"), "3 weeks back".
_DATE_TYPOS = ((r"\bsin[cs]e?s?e\b|\bsinse\b|\bsinc\b", "since"), (r"\bbegg?in+ing\b", "beginning"),
               (r"\boct[oa]?b[ae]?r\b", "october"), (r"\bnov[ea]?m?b[ae]?r\b", "november"),
               (r"\bdec[ei]?m?b[ae]?r\b", "december"), (r"\bjan[uw]?[ae]?ry\b", "january"),
               (r"\bfeb(?:u|ru)?a?ry\b|\bfeburary\b", "february"),
               (r"\ba?ugust\b|\bagust\b|\baug[eu]?st\b|\baugst\b", "august"),
               (r"\bsep?t[ae]?m?b[ae]?r\b", "september"), (r"\bcup+le\b", "couple"),
               (r"\b(?:octber|ocotber|octobre|octuber|ocktober)\b", "october"), (r"\bfortnite\b", "fortnight"),
               (r"\b(?:crismas|chrismas|christmass|xmass)\b", "christmas"), (r"\bbefor\b", "before"),
               (r"\b(?:yeer|yer)\b", "year"), (r"\blas\b", "last"), (r"\bmun?th\b", "month"), (r"\b2day\b", "today"),
               (r"\b2nite\b", "tonight"), (r"\bsumtime\b", "sometime"),
               (r"\bback end o[f']? (?=(the )?(summer|year|autumn|spring|winter)\b)", "end of "),
               (r"\bsum+[ae]r\b|\bsumr\b", "summer"),
               (r"\bhol+[iy]?day\b|\bhoilday\b", "holiday"), (r"\bwee?k[ei]?n?d\b|\bweekened\b", "weekend"),
               (r"\btoo (?=(?:days|weeks|months|years)\b)", "two "),
               (r"\bo'(?=\s)", "of"), (r"\b(mon|tues?|weds?|thu|thurs?|fri|sat|sun)(day)? gone\b", r"last \1\2"),
               # Voice typing and dialect: "oak tober", "in a gust", "in julie", "june the tense",
               # "aboot", "fae", "efter", "gaun", "b4", "to weeks", "for months ago".
               (r"\boak ?tober\b", "october"), (r"\bin a gust\b", "in august"), (r"\bin julie\b", "in july"),
               (r"\bin mark\b", "in march"), (r"\b(" + "|".join(_MONTHS) + r") the tense\b", r"\1 the 10th"),
               # Black Country and Yorkshire: "the wik before last", "it wor the Tuesday".
               (r"\bwiks?\b", lambda m: m.group(0).replace("wik", "week")), (r"\bit wor\b", "it was"),
               (r"\baboot\b", "about"), (r"\bfae\b", "from"), (r"\b(\d{1,2}) (st|nd|rd|th)\b", r"\1\2"),
               (r"\b(\d{1,2}) of (?=(" + "|".join(_MONTHS) + r")\b)", r"\1 "),
               (r"\b(a )?twelve ?month\b", "a year"), (r"\bwen\b", "when"),
               (r"\bfor the (winter|summer|season)\b", ""), (r"\bturm\b", "term"),
               # "may I speak to someone?" is not the month of May.
               (dates.MAY_NOT_THE_MONTH + r" (i|we|you|be|have|not|well)\b", r"might \1"),
               (r"\befter\b", "after"), (r"\bb4\b", "before"),
               (r"\b(gaun|gannin|gannin')\b", "going"), (r"\bfort night\b", "fortnight"),
               (r"\bthe fortnight ago\b", "a fortnight ago"),
               (r"\b(to|for) (?=(?:days|weeks|months|years) ago\b)", lambda m: {"to": "two ", "for": "four "}[
                   m.group(1).lower()]),
               (r"\bo (?=(the|last|this|" + "|".join(_MONTHS) + r")\b)", "of "),
               (r"\b(latter|second) (part|half) of\b", "late"), (r"\b(first|early) (part|half) of\b", "early"),
               (r"\bhalf (a )?year\b", "6 months"), (r"\b(one|a|1) year and (a )?half\b", "18 months"),
               (r"\bcannot recall\b", "can't recall"),
               (r"^(only|just|like|honestly)\s+", ""), (r"\bhalf term,? the (\w+) one\b", r"\1 half term"),
               (r"\bfrom (the )?(\d{1,2})(st|nd|rd|th)? (to|till|until) (about |around )?(the )?"
                r"\d{1,2}(st|nd|rd|th)?\b",
                r"the \2\3"),
               (r"\b(morn|even)in\b", r"\1ing"),
               (r"\b(\d+|a few|few|a couple of|couple of|a couple) (days?|weeks?|months?|years?) back\b", r"\1 \2 ago"),
               (r"(?<!a )\bfew (days|weeks|months) ago\b", r"a few \1 ago"),
               (r"\bwe+ks\b", "weeks"), (r"\bwe+k\b", "week"), (r"\bmonts\b|\bmnoths\b", "months"),
               (r"\b(\d+|a few|few|couple of|a couple of) moths\b", r"\1 months"), (r"\b(lasr|lsat|lst)\b", "last"),
               (r"\blast year,? (?:around|about|in|roughly|maybe|sometime in) (" + "|".join(_MONTHS) + r")\b",
                r"\1 last year"),
               (r"\b(tuesdy|tusday|teusday|tueday)\b", "tuesday"), (r"\b(wensday|wednsday|wedensday|wedsday)\b",
                                                                   "wednesday"),
               (r"\b(thursdy|thurday|thrusday)\b", "thursday"), (r"\b(fridy|firday)\b", "friday"),
               (r"\b(saterday|satuday|saturdy)\b", "saturday"), (r"\b(sundy|sunady)\b", "sunday"),
               (r"\b(mondy|monady)\b", "monday"), (r"\b(hallowen|holloween|haloween|halloweeen)\b", "halloween"),
               (r"\b(\d)[oO](st|nd|rd|th)?\b", r"\g<1>0\2"), (r"\b(\d{4}) year\b", r"\1"),
               (r"\b(novembro|noviembre|novembre)\b", "november"), (r"\b(outubro|octubre|octobre)\b", "october"),
               (r"\b(setembro|septiembre|septembre)\b", "september"), (r"\b(dezembro|diciembre|decembre)\b",
                                                                         "december"),
               # "the 5 of 10": the 5th of October.
               (r"\b(?:the )?([12]?\d|3[01]) of (1[0-2]|0?[1-9])\b(?! (days|weeks|months|years|them|us))",
                r"\1/\2"),
               # "2 n half weeks ago": 17 days ago.
               # (and "two month and half", "a month and a half ago").
               (r"\b(\d+) (?:n|and|&) (?:a )?half (week|month|year)s?\b"
                r"|\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (week|month|year)s? "
                r"(?:n|and|&) (?:a )?half\b",
                lambda m: _and_a_half(numbers.count(m.group(1) or m.group(3)) or 1,
                                      (m.group(2) or m.group(4)).lower())),
               (r"\blast month,? (?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last) week\b",
                lambda m: f"the {_WEEK_STARTS[m.group(1).lower()]}th of last month"),
               (r"\b(?:on )?(?:the )?(\d{1,2}) (?:of )?(last|this) month\b", r"the \1th of \2 month"),
               (r"\b(a)?bout\b", "about"),
               # Yorkshire "since t'spring", "t'clocks went back": the spring, the clocks.
               (r"\bt'(?=[a-z])", "the "),
               # The Christmas decorations come out at the start of December, not on Christmas Day.
               # (A weekday said with it is the day: "...for t'christmas decs. sunday".)
               (r"\b(the )?(christmas|xmas) (decs|decorations|tree|lights)\b",
                lambda m: "the decorations" + ("" if re.search(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b",
                                                               m.string, re.I) else " at the start of december"
                                               + (" last year" if re.search(r"\blast year\b", m.string, re.I)
                                                  else ""))),
               (r"\byesterdy\b|\byestaday\b|\byday\b", "yesterday"),
               # "three weeks since, like" (Scots, northern English): three weeks ago.
               (r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|a couple of|couple of) "
                r"(days?|weeks?|months?|years?) since\b(?!\s+(?:i|we|they|he|she|it|the|then|my|our|last|this|that)\b)",
                r"\1 \2 ago"),
               # "late last year, November I reckon": the month of last year.
               (r"\blast year[,;]? (" + "|".join(_MONTHS) + r")\b", r"\1 last year"))
# A time of day ("0700hrs", "7.30pm") says nothing about the date, and "0700" is not a year.
_TIME_OF_DAY = re.compile(r"\b\d{3,4}\s?(?:hrs|hours|h)\b|\b\d{1,2}:\d{2}\s?(?:am|pm|hrs)?\b"
                          r"|\b\d{1,2}\.\d{2}\s?(?:am|pm|hrs)\b|\b\d{1,2}\s?(?:am|pm)\b", _I)
# "From 15.09", "01.11.26": a day and month with full stops (a time has a colon or am/pm).
_DOTTED_DATE = re.compile(r"\b(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])(?:\.(\d{2}|\d{4}))?\b")


_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4, "year": 365}
_HALVES = re.compile(r"\b(\d{1,2}|a|an|" + _COUNT_WORDS + r") and (?:a )?half (day|week|month|year)s?\b", _I)


def _tidy_date_words(said: str) -> str:
    """What dates.read_event_date takes more easily: "mid-August" as "mid August", "this morning
    when I got up" as "this morning", "between the 10th and 12th" as "the 10th"."""
    # Year first ("2026-10-03", "2026/11/18", "2026.09.21") and dashed ("25-11-2026"): day/month/year.
    said = re.sub(r"\b(20\d\d|19\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b", r"\3/\2/\1", said)
    said = re.sub(r"\b(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})\b", r"\1/\2/\3", said)
    said = _TIME_OF_DAY.sub(" ", said)
    said = _DOTTED_DATE.sub(lambda m: f"{m.group(1)}/{m.group(2)}" + (f"/{m.group(3)}" if m.group(3) else ""), said)
    for pattern, replacement in _DATE_TYPOS:
        said = re.sub(pattern, replacement, said, flags=re.I)
    said = dates.name_the_clocks(said)
    # "two and a half months", "3 and half weeks": in days, as the reader counts a duration.
    said = _HALVES.sub(lambda m: f"{round((numbers.count(m.group(1)) + 0.5) * _UNIT_DAYS[m.group(2).lower()])} days",
                       said)
    # "that were the October one, 12th onwards": the one in October.
    said = re.sub(r"\bthe (" + "|".join(_MONTHS) + r") one\b", r"\1", said, flags=re.I)
    # "last tues and its been non stop": a weekday cut short after "last" or "since".
    said = re.sub(r"\b(last|since) (mon|tues?|weds?|thu|thurs?|fri|sat|sun)\b",
                  lambda m: f"{m.group(1)} {_WEEKDAYS[m.group(2).lower()]}", said, flags=re.I)
    # "in September, end of month": the end of September.
    said = re.sub(rf"\b({'|'.join(m for m in _MONTHS if len(m) > 3)})\W+(?:about |around |roughly |i think )?(the )?"
                  r"(end|beginning|start|middle) of (the )?month\b", r"\3 of \1", said, flags=re.I)
    for pattern, replacement in _ABBREVIATIONS:
        said = re.sub(pattern, replacement, said)
    said = re.sub(r"^(a )?(week|month|year|fortnight) ago\b", r"1 \2 ago", said)
    # A weekday before a day of the month: "Tues 17th" is the 17th just gone.
    said = re.sub(r"\b(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(day)?\.? (the )?(\d{1,2})(st|nd|rd|th)\b",
                  r"the \4\5", said)
    said = re.sub(r"\b(mid|early|late)-", r"\1 ", said)
    # Words of warmth ("last nite bab, and..."), and a time of day in words ("Thursday evening about
    # seven ish"), say nothing about the date.
    said = re.sub(rf"\s*\b({_WARMTH}|lol|haha|tbh|innit)\b(?=\s*([,.!?]|$))", "", said)
    if re.search(r"\b(morning|afternoon|evening|night|" + "|".join(_WEEKDAY_NAMES) + r")\b", said):
        said = re.sub(r"\b(?:at|about|around|roughly)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                      r"twelve|\d{1,2})(?:\s?ish|\s?o'?clock)?\b(?!\s+(days?|weeks?|months?|years?|ago))", " ", said)
    # Ordinals in words before a month: "the third of November", "twenty-first of May".
    said = _ORDINAL_WORD.sub(lambda m: _ORDINALS[m.group(1).replace(" ", "-")], said)
    # "...in June, I think it was the fourteenth": an ordinal word said alone, after "the".
    said = _ORDINAL_ALONE.sub(lambda m: "the " + _ORDINALS[m.group(1).replace(" ", "-")], said)
    # A weekday cut short before a time of day: "sat night", "on tues".
    said = _SHORT_WEEKDAY.sub(lambda m: m.group(1) + _WEEKDAYS[m.group(2)], said)
    said = re.sub(r"\bbetween (the )?(\d{1,2})(st|nd|rd|th)? and (the )?\d{1,2}(st|nd|rd|th)?", r"the \2\3", said)
    # "14th to 16th November - three nights in a row": from the first day of the span.
    said = re.sub(r"\b(\d{1,2})(st|nd|rd|th)? (to|till|until|-) (the )?\d{1,2}(st|nd|rd|th)? (of )?("
                  + "|".join(_MONTHS) + r")\b", r"\1\2 \7", said, flags=re.I)
    # "march or april": the turn of the two months.
    said = re.sub(rf"\b({'|'.join(_MONTHS)}) or ({'|'.join(_MONTHS)})\b", r"the 1st of \2", said, flags=re.I)
    # "the 2nd or 3rd of November": the first of the two.
    said = re.sub(r"\b(the )?(\d{1,2})(st|nd|rd|th)? or (the )?\d{1,2}(st|nd|rd|th)?\b", r"the \2\3", said)
    # "from Ramadan, maybe middle of Ramadan": the nearer said, wherever it is.
    if re.search(r"\b(middle|mid)( of)?[- ]ramadan\b", said):
        said = re.sub(r"(?<!of )(?<!mid )(?<!mid-)\bramadan\b", "middle of ramadan", said)
    # "the first day of Eid ul Adha at the end of May": the festival names the day; the part of the
    # month only places it.
    said = re.sub(r"\b(eid(?: (?:al|ul|el)[- ]?(?:adha|fitr))?|diwali|ramadan|vaisakhi|easter|passover|pesach|"
                  r"rosh hashanah?|yom kippur|chinese new year|lunar new year)\b,?\s+(?:at|in|around|towards)\s+"
                  r"(?:the\s+)?(?:very\s+)?(?:end|start|beginning|middle)\s+of\s+" + _MONTH_WORDS + r"\b", r"\1", said,
                  flags=re.I)
    # "the back end of October" (northern English): late October.
    said = re.sub(r"\b(the )?back ?end (o'?|of) (t'?|the )?", "late ", said)
    day = _BARE_DAY.search(said)
    if day and re.search(r"\blast month\b", said):
        since = re.search(r"\b(ever )?since\b", said[:day.start()])
        return ("since " if since else "") + f"the {day.group(2)} of last month"
    return said


_MONTH_NAMED = re.compile(
    r"\b(january|february|march|april|june|july|august|september|october|november|december|jan|feb|"
    r"apr|jun|jul|aug|sept?|oct|nov|dec|may(?= (this|last|\d{4})))\b(?: (?:of )?(this year|last year|\d{4}))?", _I)


def _month_in(said: str, now: datetime) -> date | None:
    """A month named anywhere in a longer answer ("only found out in september this year when
    I got my statement"): its first day, the latest one not to come unless a year is given."""
    match = _MONTH_NAMED.search(said)
    if not match:
        return None
    today = dates.uk_today(now).date()
    year = match.group(3)
    if not year:
        elsewhere = re.search(r"\b(19\d\d|20\d\d)\b", said)  # "in the autumn of 2024, I think September"
        year = elsewhere.group(1) if elsewhere else None
    if year == "this year":
        year = str(today.year)
    elif year == "last year":
        year = str(today.year - 1)
    part = dates.read_event_date(f"{match.group(1)} {year}" if year else match.group(1), now)
    return part.date if part.kind == dates.DATE else None


_LAST_MONTH = re.compile(r"\blast (" + "|".join(_MONTHS) + r")\b", _I)
_WEEK_OF_MONTH = re.compile(r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last) week (?:of|in) "
                            r"(" + "|".join(_MONTHS) + r")\b", _I)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_OF_MONTH = re.compile(r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last) "
                               r"(weekend|" + "|".join(_WEEKDAY_NAMES) + r") (?:of|in) "
                               r"(" + "|".join(_MONTHS) + r")\b", _I)


def _weekday_of_month(which: str, day_name: str, month_name: str, today: date) -> date:
    """The day of "the first Friday in September", or the Saturday of "the last weekend in
    November" (in the latest such month not after today)."""
    month = _MONTHS.index(month_name.lower()) + 1
    weekday = 5 if day_name.lower() == "weekend" else _WEEKDAY_NAMES.index(day_name.lower())

    def in_year(year: int) -> date:
        if which.lower() == "last":
            return dates.nearest_weekday(date(year + month // 12, month % 12 + 1, 1), weekday, after=False)
        first = dates.nearest_weekday(date(year, month, 1) - timedelta(days=1), weekday, after=True)
        return first + timedelta(weeks={"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}.get(
            which.lower(), 3))
    day = in_year(today.year)
    return day if day <= today else in_year(today.year - 1)


_WEEK_STARTS = {"first": 4, "1st": 4, "second": 11, "2nd": 11, "third": 18, "3rd": 18, "fourth": 25, "4th": 25,
                "last": 25}
_BEFORE_LAST = re.compile(r"\b(" + "|".join(_WEEKDAY_NAMES) + r") before last\b|\bweek before last\b[^.?!]{0,20}?\b("
                          + "|".join(_WEEKDAY_NAMES) + r")\b", _I)
_BANK_HOLIDAY = re.compile(r"\b(?:(" + "|".join(_MONTHS) + r"|easter|christmas|summer|spring|early may) )?"
                           r"bank holiday(?: monday| weekend)?"
                           r"(?: (?:in|of) (" + "|".join(_MONTHS) + r"))?\b", _I)


def _day_words(day: date) -> str:
    return f"the {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _named_days(said: str, today: date) -> str:
    """Days residents name by what happened around them, as plain dates: "last December" (on 1
    December, the one a year ago), "the second week of November", "Thursday before last", "the
    bank holiday in August" (England and Wales)."""
    def last_month(match: re.Match) -> str:
        month = _MONTHS.index(match.group(1).lower()) + 1
        return f"{match.group(1)} {today.year - 1 if month >= today.month else today.year}"

    said = _LAST_MONTH.sub(last_month, said)
    said = _WEEK_OF_MONTH.sub(lambda m: f"the {_WEEK_STARTS[m.group(1).lower()]}th of {m.group(2)}", said)
    said = _WEEKDAY_OF_MONTH.sub(lambda m: _day_words(_weekday_of_month(m.group(1), m.group(2), m.group(3), today)),
                                 said)
    weekdays_ago = re.search(r"\b(\d|two|three|four) (" + "|".join(_WEEKDAY_NAMES) + r")s ago\b", said)
    if weekdays_ago:
        # "2 saturdays ago": the Saturday before last.
        weekday = _WEEKDAY_NAMES.index(weekdays_ago.group(2))
        back = (today.weekday() - weekday) % 7 or 7
        weeks = numbers.count(weekdays_ago.group(1))
        said = (said[:weekdays_ago.start()] + _day_words(today - timedelta(days=back + 7 * (weeks - 1)))
                + said[weekdays_ago.end():])
    weeks_ago_on = re.search(r"\b(\d|a|one|two|three|four) weeks? ago,? (on )?(the )?(" + "|".join(_WEEKDAY_NAMES)
                             + r")\b", said)
    if weeks_ago_on:
        # "two weeks ago Sunday", "2 weeks ago on the thursday": that day nearest to two weeks ago.
        weekday = _WEEKDAY_NAMES.index(weeks_ago_on.group(4))
        then = today - timedelta(weeks=numbers.count(weeks_ago_on.group(1)) or 1)
        ahead = (weekday - then.weekday()) % 7
        day = then + timedelta(days=ahead if ahead <= 3 else ahead - 7)
        said = said[:weeks_ago_on.start()] + _day_words(min(day, today)) + said[weeks_ago_on.end():]
    before = _BEFORE_LAST.search(said)
    if not before:
        alone = re.search(r"\b(the )?week before last\b", said)
        if alone:  # the middle of the week before last
            said = said[:alone.start()] + _day_words(today - timedelta(days=today.weekday() + 12)) + said[alone.end():]
    if before:
        weekday = _WEEKDAY_NAMES.index((before.group(1) or before.group(2)).lower())
        back = (today.weekday() - weekday) % 7 or 7
        said = said[:before.start()] + _day_words(today - timedelta(days=back + 7)) + said[before.end():]
    weeks_on = re.search(r"\b(\w+) weeks? (past |last |gone )?(?:on|this) (a )?(monday|tuesday|wednesday|thursday|"
                         r"friday|saturday|sunday)\b", said)
    if weeks_on and numbers.count(weeks_on.group(1)) is not None:
        # "three weeks on Saturday": three weeks before the coming Saturday; "three weeks past on Sunday"
        # before the last one.
        weekday = _WEEKDAY_NAMES.index(weeks_on.group(4).lower())
        day = (today - timedelta(days=(today.weekday() - weekday) % 7) if weeks_on.group(2)
               else today + timedelta(days=(weekday - today.weekday()) % 7))
        weeks = numbers.count(weeks_on.group(1))
        said = said[:weeks_on.start()] + _day_words(day - timedelta(weeks=weeks)) + said[weeks_on.end():]
    before_last = re.search(r"\b(spring|summer|autumn|winter) before last\b", said)
    if before_last:
        starts = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}[before_last.group(1)]
        last = today.year if date(today.year, starts, 1) <= today else today.year - 1
        said = said[:before_last.start()] + f"{before_last.group(1)} {last - 1}" + said[before_last.end():]
    month_before = re.search(r"\b(the )?month before last\b", said)
    if month_before:  # "the 3rd of the month before last"
        then = today - relativedelta(months=2)
        said = said[:month_before.start()] + f"{_MONTHS[then.month - 1]} {then.year}" + said[month_before.end():]
    weekend = re.search(r"\b(the )?weekend before last\b", said)
    if weekend:
        saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
        said = said[:weekend.start()] + _day_words(saturday - timedelta(days=7)) + said[weekend.end():]
    before_christmas = re.search(r"\b(the )?week before (christmas|xmas)( last year)?\b", said)
    if before_christmas:
        year = today.year - 1 if before_christmas.group(3) or today < date(today.year, 12, 18) else today.year
        said = said[:before_christmas.start()] + _day_words(date(year, 12, 18)) + said[before_christmas.end():]
    near = re.search(r"\b(the )?(weekend|week|" + "|".join(_WEEKDAY_NAMES) + r")( morning| afternoon| evening| night)? "
                     r"(before|after)\b", said)
    if near:
        # "the Tuesday after bonfire night", "the week before Easter": as the day it names (the
        # fewest words after "after" that name a holiday, so the rest of the answer is kept).
        words = list(re.finditer(r"[^\s,.;!?]+", said[near.end():]))[:5]
        for word in words:
            end = near.end() + word.end()
            near_day = dates.day_near_holiday(said[near.start():end], today)
            if near_day is not None:
                said = said[:near.start()] + _day_words(near_day) + said[end:]
                break
    holiday = _BANK_HOLIDAY.search(said)
    if holiday:
        from bot.workdays import bank_holidays

        elsewhere = re.search(r"\b(" + "|".join(_MONTHS) + r")\b", said)
        month = holiday.group(1) or holiday.group(2) or (elsewhere.group(1) if elsewhere else "")
        past = sorted((d for year in (today.year - 1, today.year) for d, name in bank_holidays(year).items()
                       if d < today and (not month or (month.lower() in _MONTHS and d.month == _MONTHS.index(
                           month.lower()) + 1) or month.lower() in name.lower())), reverse=True)
        if past:
            day = past[0]
            # "late May bank holiday, the Saturday": the day of that weekend named after it.
            weekday = re.match(r"\W*(?:weekend\W*)?(?:the|on the|it was the)\s+(" + "|".join(_WEEKDAY_NAMES) + r")\b",
                               said[holiday.end():], _I)
            end = holiday.end() + (weekday.end() if weekday else 0)
            if weekday:
                offset = (_WEEKDAY_NAMES.index(weekday.group(1).lower()) - day.weekday() + 3) % 7 - 3
                day = min(day + timedelta(days=offset), today)
            said = said[:holiday.start()] + _day_words(day) + said[end:]
    return said


_SEASON = re.compile(r"\b(spring|summer|autumn|fall|winter)\b(?! (holidays|hols|half term|term))", _I)
_SEASON_MONTHS = {"spring": (2, 3, 4, 5, 6), "summer": (5, 6, 7, 8, 9), "autumn": (8, 9, 10, 11, 12),
                  "fall": (8, 9, 10, 11, 12), "winter": (11, 12, 1, 2, 3)}
_MONTH_WORD = r"(" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
# A date given outright, day and month or part of a month: it says more than anything around it
# ("about a month ago? it was the 29th October"; "since like freshers week lol so late september").
_EXPLICIT = re.compile(
    rf"\b(the )?\d{{1,2}}(st|nd|rd|th)? (of )?{_MONTH_WORD}\b( \d{{4}}| last year| this year)?"
    rf"|\b{_MONTH_WORD} (the )?\d{{1,2}}(st|nd|rd|th)?\b(?! (days|weeks|months|years))( \d{{4}})?"
    rf"|\b(early|mid|late|the (beginning|start|middle|end) of|(beginning|start|middle|end) of) {_MONTH_WORD}\b"
    rf"( \d{{4}}| last year| this year)?"
    r"|\b\d{1,2}/\d{1,2}(/\d{2,4})?\b", _I)
# "It was Sunday 29th, no sorry, Saturday 28th": what follows the correction.
_DATE_CORRECTED = slips.marker("sorry", "hang on")
# "a fortnight last Tuesday" (Scotland and the North): two weeks before last Tuesday.
_FORTNIGHT_LAST = re.compile(r"\b(a fortnight|a week|week|two weeks|2 weeks) (last|past|gone|on) "
                             r"(monday|tuesday|wednesday|"
                             r"thursday|friday|saturday|sunday)\b", _I)


def _fortnight_last(match: re.Match, today: date) -> str:
    weekday = dates.WEEKDAYS.index(match.group(3).lower())
    last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    day = last - timedelta(days=7 if match.group(1).lower() in ("a week", "week") else 14)
    return f"{day.day} {day.strftime('%B').lower()} {day.year}"


_TODAY_ASKED = re.compile(r"\b(what'?s|whats|wat|wot|what) (is )?(the )?(date|day)( is it| is)?( today)?\b[^?]{0,30}\?"
                          r"(\s*[^.?!]{0,20}\?)*", _I)
# "since saturday. no friday": a bare "no" puts a day right only when a day follows it at once.
# (and "about a yr ago? no longer, it was there when we moved in, nov 2024": no, longer than that.)
_NO_THEN_A_DAY = re.compile(r"[.,;!?]\s*no[,.]?\s+((longer|earlier|later|more|before that|further back)( than that)?"
                            r"[,.]?\s+([^.,;!?]{0,40}[,.;]\s*)?)?(it was |it'?s |in )?"
                            r"(?=(the |last |on )?(monday|tuesday|"
                            r"wednesday|thursday|friday|saturday|sunday|\d|yesterday|" + "|".join(_MONTHS)
                            + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b)", _I)
# What a correction must name for the words after it to be the date meant.
_NAMES_A_TIME = re.compile(r"\d|\b" + _MONTH_WORD + r"\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|"
                           r"sunday|yesterday|spring|summer|autumn|winter|last (week|month|year)|christmas|easter|"
                           r"new year|halloween|bonfire night)\b", _I)
_WEEKDAY_WORD = re.compile(r"\b(the )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                           r"( night| morning| afternoon| evening)?\b", _I)
# "since the summer, worse since halloween": the first "since" says when it started.
_STARTED = re.compile(r"\b(since|from|started|began|begun)\b", _I)


_PART_OF_MONTH = re.compile(r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last) week\b|\b(middle|mid)\b"
                            r"|\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b(?! (?:time|times|floor|visit|call|attempt))", _I)


def _within_month(day: date | None, said: str, today: date) -> date | None:
    """A month read as its first day, with the part of it said elsewhere in the answer: "in August,
    about the 20th"; "October middle"; "in July, I think the second week"."""
    if day is None or day.day != 1 or len(_MONTH_NAMED.findall(said)) != 1:
        return day
    match = _PART_OF_MONTH.search(said)
    if not match:
        return day
    week, middle, number = match.groups()
    within = _WEEK_STARTS[week.lower()] if week else 15 if middle else int(number)
    found = dates.safe_date(day.year, day.month, within)
    return found if found is not None and found <= today else day


def read_date(text: str, now: datetime, question: str = "event_date_text") -> Reading:
    """DATE (with the date it points at, if any, and whether it is still going on), UNSURE, or
    UNCLEAR (no date in it, or one still to come, or a day that does not exist). When the
    resident became aware of a problem is a moment: never "still going on"."""
    # "the Twelfth" with a capital is the 12th of July (Northern Ireland), not a day of this month.
    said = _named_days(_tidy_date_words(normalise(dates.NOT_A_DAY.sub(" ", re.sub(r"\b(?-i:Twelfth)\b", "12th of July",
                                                                                text)))),
                       dates.uk_today(now).date())
    # "whats the date today, the 1st? then about six weeks": the question back is not the answer.
    said = _TODAY_ASKED.sub(" ", said).strip() or said
    said = _FORTNIGHT_LAST.sub(lambda m: _fortnight_last(m, dates.uk_today(now).date()), said)
    # Still going on (True), over (False), or not said (None): a date with neither brings the
    # question whether it is still happening when it is older than the time limit.
    # "The boiler stopped on the Sunday before...": a breakdown, when it began, not the problem over.
    told = _BROKE_DOWN.sub(r"\1 broke down", said)
    ongoing: bool | None = True if _ONGOING.search(told) and not _NOT_ONGOING.search(told) else (
        False if _NOT_ONGOING.search(told) else None)
    if _ONGOING_SAID_LAST.search(said) or _RESUMED.search(said):
        ongoing = True  # "Resolved 02/10/2026 after your plumber attended. Recurred 16/11 and ongoing."
    if _SPAN_ENDED.search(normalise(text)) and not (_ONGOING_SAID_LAST.search(said) or _RESUMED.search(said)):
        ongoing = False
    if ongoing is None and _PLAINLY_ONGOING.search(normalise(text)):
        ongoing = True  # tidying a date can drop the rest: "the 3rd of last month, everyday"
    duration = _DURATION.search(said)
    if duration and not _AGO.search(said) and not _NOT_ONGOING.search(said):
        ongoing = True  # "about 2 months": going on for two months
    if question == "aware_date_text":
        # When they became aware is a moment; only words saying it is still going on count.
        ongoing = bool(_AWARE_ONGOING.search(said)) and not _NOT_ONGOING.search(said)

    def dated(day: date | None) -> Reading:
        day = _within_month(day, said, dates.uk_today(now).date())
        return Reading(DATE, value=text.strip(), date=day.isoformat() if day else None, ongoing=ongoing)

    # A date said, then doubted: "...the week of his birthday but his birthday's in August so I don't think
    # that's right. It packed in for good three weeks ago today": what follows the doubt.
    doubted = re.search(r"\b(?:so )?i (?:don'?t|do not) think (?:that'?s|it'?s|that is|it is|that was) right\b"
                        r"|\bthat can'?t be right\b", said, _I)
    if doubted and said[doubted.end():].strip(" .,!"):
        part = read_date(said[doubted.end():], now, question)
        if part.kind == DATE and part.date:
            return dated(date.fromisoformat(part.date))
    # A day of the month with its weekday and no month: "which was a Wednesday because Wednesday is bin
    # day..., the 11th I think"; "The 1st, a Sunday.": the latest such day.
    # (One day said, and the weekday said first said again last, if twice: "..., or was it the Thursday,
    # no, Wednesday, definitely". Not a weekday counted from a day: "the saturday after".)
    days_of_month = re.findall(r"\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b", said, _I)
    weekday_named = [dates.WEEKDAY_SHORT.get(name.lower(), name.lower()) for name in re.findall(
        r"\b(" + "|".join(dates.WEEKDAYS) + r"|weds|thurs|tues)\b(?! (?:after|before)\b)", said, _I)]
    if len(days_of_month) == 1 and re.search(r"\bthe " + days_of_month[0], said, _I) and weekday_named \
            and weekday_named[0] == weekday_named[-1] and not re.search(r"\b" + _MONTH_WORD + r"\b", said, _I):
        wanted = dates.WEEKDAYS.index(weekday_named[0])
        month = dates.uk_today(now).date().replace(day=1)
        for _ in range(3):
            day = dates.safe_date(month.year, month.month, int(days_of_month[0]))
            if day is not None and day <= dates.uk_today(now).date() and day.weekday() == wanted:
                return dated(day)
            month = (month - timedelta(days=1)).replace(day=1)
    # The day settled on at the end: "...didn't read it to me until the Thursday, so the 22nd"; when a
    # letter came rather than its date: "your letter dated 2 November (it arrived on the 5th)"; a day said
    # after the month: "in early October. I believe it was Wednesday the 7th".
    settled = re.search(r"\bso,? (?:it was |that'?s |that was )?the (\d{1,2})(?:st|nd|rd|th)\W*$", said, _I) \
        or re.search(r"\bi (?:believe|think|reckon) it was (?:(?:on )?(?:" + "|".join(dates.WEEKDAYS) + r") )?"
                     r"the (\d{1,2})(?:st|nd|rd|th)\b", said, _I) or (
        re.search(r"\b(?:it )?(?:arrived|came|got here|reached me|landed)(?: on)?(?: \w+day)? "
                  r"the (\d{1,2})(?:st|nd|rd|th)\b",
                  said, _I) if question == "aware_date_text" else None)
    month = re.search(r"\b" + _MONTH_WORD + r"\b", said[:settled.start()], _I) if settled else None
    if settled and month:
        part = read_date(f"the {settled.group(1)} {month.group(0)}", now, question)
        if part.date:
            return dated(date.fromisoformat(part.date))
    # Counted from a date said before: "14/09/2026 is when I reported it. It started a week before that."
    # Or with nothing after it: "...that were 12th September, so sometime after that. Week or so after maybe".
    before_that = re.search(r"\b(?:roughly |about |around |maybe )?"
                            r"(?:(a|an|one|two|three|four|\d{1,2}|a couple of|a few) )?"
                            r"(day|week|fortnight|month)s?(?: or so| or two)? (before|after)"
                            r"(?: (?:that|then|this)\b|(?=\W*(?:maybe|probably|i think|or so)?\W*$))", said, _I)
    if before_that and before_that.start() > 0:
        anchor = read_date(said[:before_that.start()], now, question)
        count = numbers.count(before_that.group(1)) if before_that.group(1) else 1
        if anchor.kind == DATE and anchor.date and count:
            day = _counted_from(date.fromisoformat(anchor.date), count, before_that.group(2),
                                before_that.group(3))
            if day <= dates.uk_today(now).date():
                return dated(day)

    # A time "now" said first, what happened since after it: "bout 3 weeks now. the knife thing was saturday".
    lasted = re.match(r"^\W*(?:(?:about|around|bout|roughly|maybe|like|nearly|almost|over|just over|going on) )?"
                      + _DURATION.pattern + r" now\b\W*(?:[.;]|$)", said, _I)
    if lasted:
        part = dates.read_event_date(f"{lasted.group(1)} {lasted.group(2)} ago", now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    if question == "aware_date_text":
        # "mum noticed it last winter but didnt tell anyone til ramadan": when they noticed.
        told_later = re.search(r"\bbut (?:\w+ )?(?:didn'?t|did not|never|not|wouldn'?t|didnt) "
                               r"(?:tell|report|say|mention|ring|call|get round to)\w*\b[^.]*\b(?:til|till|until)\b",
                               said, _I)
        if told_later and told_later.start() > 0:
            part = read_date(said[:told_later.start()], now, question)
            if part.kind == DATE and part.date:
                return dated(date.fromisoformat(part.date))
    so_then = _SO_THEN.search(said)
    if so_then:
        part = dates.read_event_date(so_then.group(1) or so_then.group(2), now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    weekday = _weekday_counted(said, now, question)
    if weekday is not None:
        return dated(weekday)
    offset = _OFFSET.search(said)
    said_first = said[:offset.start()].strip(" ,.;:-") if offset else ""
    if said_first and read_date(said_first, now, question).date:
        offset = None  # "eleven days ago, the day after I got home": the date comes first; the rest says why
    if offset and not re.search(r"\bso\b", said[offset.end():]):
        # (Not "the week after our Independence Day programme, so around 10th March": the day said is the answer.)
        anchor = read_date((said[:offset.start()] + " " + said[offset.end():]).strip(), now, question)
        if anchor.kind == DATE and anchor.date:
            count = 1 if offset.group(3) else numbers.count(offset.group(1))
            day = _counted_from(date.fromisoformat(anchor.date), count, offset.group(2) or offset.group(3),
                                offset.group(4))
            if day <= dates.uk_today(now).date():
                return Reading(DATE, value=text.strip(), date=day.isoformat(), ongoing=anchor.ongoing)
    # The last slip a time follows ("the 3rd of October no wait the 3rd of November, sorry": not the
    # closing "sorry").
    corrected = [m for m in (list(_DATE_CORRECTED.finditer(said)) or list(_NO_THEN_A_DAY.finditer(said)))
                 if _NAMES_A_TIME.search(said[m.end():])]
    if corrected:
        # "Sunday 29th, no sorry, Saturday 28th": what follows the slip.
        before, said = said[:corrected[-1].start()], said[corrected[-1].end():]
        month = re.search(r"\b" + _MONTH_WORD + r"\b", before, _I)
        bare = _BARE_DAY.search(said)
        if month and bare and not re.search(r"\b" + _MONTH_WORD + r"\b|\b(last|this) month\b", said, _I):
            said = said[:bare.end()] + f" {month.group(0)}" + said[bare.end():]  # "14 October. Sorry, the 15th"
        if re.search(r"\bsince\b", before, _I) and not re.search(r"\bsince\b", said, _I):
            said = "since " + said  # "since 15 of this month.. no sorry, last month, 15 november"
        duration = _DURATION.search(said) or duration  # "a month ago no actually more like 6 weeks"
    explicit = _EXPLICIT.search(said)
    starts = list(_STARTED.finditer(said))
    if explicit and len(starts) > 1 and explicit.start() > starts[1].start():
        explicit = None  # "since the spring, but worse since the start of November": the first
    if explicit:
        part = dates.read_event_date(explicit.group(0), now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    day_named = _BARE_DAY.search(said)
    if day_named and _WEEKDAY_WORD.search(said):
        # "the Friday night, the 20th": the day of the month says which Friday.
        part = dates.read_event_date(f"the {day_named.group(2)}{day_named.group(3)}", now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    season = _SEASON.search(said)
    if season:
        # "in the spring, around April": the month is the closer of the two (not "since the
        # spring, worse since November": another time).
        month = _month_in(said, now)
        if month is not None and month.month in _SEASON_MONTHS[season.group(1).lower()]:
            return dated(month)
    pieces = [p for p in _PIECES.split(said) if p and p.strip()]
    if len(_STARTED.findall(said)) > 1 or (len(pieces) > 1 and _STARTED.search(pieces[0])):
        part = dates.read_event_date(next(p for p in pieces if _STARTED.search(p)), now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
        if len(starts) > 1:
            # "it started not long after he moved in, in April, but much worse since mid-September":
            # the time told with the first start, before the second.
            first = read_date(said[:starts[1].start()], now, question)
            if first.kind == DATE and first.date:
                return dated(date.fromisoformat(first.date))
    whole = dates.read_event_date(said, now)
    year_said = re.search(r"\b(19\d\d|20\d\d)\b", said)
    if whole.kind == dates.DATE and whole.date is not None and year_said and whole.date.year != int(year_said.group(1)):
        # "Years ago now, when we first moved in, 2015": the year said, not "now".
        part = dates.read_event_date(year_said.group(1), now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    if whole.kind == dates.DATE:
        if whole.date is not None and whole.date.day == 1 and _BARE_DAY.search(said):
            # "the day it started, 31st August" read as August: the piece that names the day.
            for piece in pieces:
                part = dates.read_event_date(piece, now) if _BARE_DAY.search(piece) else None
                if part and part.kind == dates.DATE and part.date and part.date.month == whole.date.month:
                    return dated(part.date)
        return dated(whole.date)
    if whole.kind == dates.FUTURE and not dates.says_future(said):
        # Read as ahead only as a whole ("eleven days ago, day after i got home"): a piece that
        # names a day gone is the answer.
        for piece in pieces:
            part = dates.read_event_date(piece, now)
            if part.kind == dates.DATE and part.date is not None:
                return dated(part.date)
    if whole.kind in (dates.FUTURE, dates.IMPOSSIBLE):
        return Reading(UNCLEAR, value=whole.kind)
    # A date inside a longer answer: "since they moved in, about 2 months"; "2024 and still there";
    # "can't remember exactly, sometime in september".
    for piece in pieces:
        part = dates.read_event_date(piece, now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    if duration:
        part = dates.read_event_date(f"{duration.group(0)} ago", now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    day = _BARE_DAY.search(said)
    if day:
        part = dates.read_event_date(f"the {day.group(2)}{day.group(3)}", now)
        if part.kind == dates.DATE and part.date is not None:
            return dated(part.date)
    month = _month_in(said, now)
    if month is not None:
        return dated(month)
    if question == "aware_date_text" and _AWARE_AT_ONCE.search(said):
        return dated(None)
    # "ages ago mate, years, couldnt tell you wen": a vague time, and not knowing when said outright.
    when_unknown = re.search(r"\b(can'?t|cant|couldn'?t|couldnt|cannot|don'?t|dont|do not) (\w+ )?(tell|say|know|"
                             r"remember|mind)( you)? (when|wen)\b|\bno idea (when|wen)\b", said)
    # "ages ago. years prob. idk": a vague time, and not knowing said outright.
    unknown = re.search(r"\b(idk|dunno|no idea|no clue|not sure|(don'?t|dont|do not) know)\b", said)
    if (yesno.doubtful(said) and not ongoing) or (yesno.unsure_anywhere(said) and not _VAGUE_PERIOD.search(said)) \
            or (unknown and not duration and not ongoing and re.search(r"\b(ages|years)\b", said)) \
            or (when_unknown and (not ongoing or re.search(r"\b(when|wen) (it |this |they )?(started|began|start)",
                                                           said))):
        return Reading(UNSURE)  # "can't remember, a while ago"; "I cannot recall when it began"
    if ongoing or _VAGUE_PERIOD.search(said):
        if re.search(r"^\W*(ages|years|months|forever|donkey'?s years|for ever)\W*$", said) or (
                question == "event_date_text" and not _NOT_ONGOING.search(said) and not re.search(r"\bago\b", said)):
            ongoing = True  # "ages", "donkey's years man": it has been going on for that long
        return dated(None)
    if whole.kind == dates.UNSURE or _UNSURE_ALONE.match(said) or yesno.unsure_anywhere(said):
        return Reading(UNSURE)
    return Reading(UNCLEAR, value=dates.UNREADABLE)


# --- the readers ----------------------------------------------------------------------------------

def _with_safety(reading: Reading, text: str) -> Reading:
    """An answer that also carries safety words says so (the answer is kept)."""
    safety = safety_in(text)
    if safety and reading.is_answer and reading.safety is None:
        return Reading(**{**asdict(reading), "safety": safety})
    return reading


# A question asked without its question mark: "how quick can u get someone out tho".
_QUESTION_FIRST = re.compile(r"^(how|when|what|why|can|could|will|would|is|are|do|does)\b", _I)


def _leave(digression: Digression | None, text: str) -> Reading | None:
    """The digression, when the message is one and is not also an answer of this question's kind."""
    if digression is None:
        return None
    return Reading(DIGRESSION, topic=digression.topic)


def _yes_no(question: str, text: str, digression: Digression | None) -> Reading:
    if question == "share_details" and (contact.find_email(text) or contact.find_phone(text)):
        return Reading(YES, value=True)
    said = normalise(text)
    first = re.sub(r"^((oh|wait|sorry|hang on|um+|erm+|so|ok(ay)?|hello|hi)\W+)+", "", said.split("?")[0] + "?")
    if digression is not None and digression.strong and digression.topic not in (STOP, *SAFETY_TOPICS) and \
            "?" in said and re.match(r"(am|have|has|did|was|were|how|when|what|why|can|could|will|would|"
                                                r"is|are|do|does)\b", first) \
            and (asked := digression_in(first)) is not None \
            and asked.topic == digression.topic:
        return Reading(DIGRESSION, topic=digression.topic)  # "Oh, is this a computer I'm writing to? ... for me"
    answer = yesno.read(question, text)
    if question in ("representative_consent", "legal_proceedings", "already_investigated") and digression is not None \
            and digression.topic == "ask_what_counts_as_complaint" and not re.search(r"\bcomplain", said):
        return Reading(UNSURE)  # "I've got the DWP letter saying I'm his appointee, does that count?"
    if question == "complaint_choice" and digression is not None and digression.topic == "ask_what_counts_as_complaint":
        return Reading(DIGRESSION, topic=digression.topic)  # "what's the difference, is it not a complaint already?"
    if digression is not None and digression.strong and digression.topic not in (STOP, *SAFETY_TOPICS) \
            and not yesno.from_question_phrase(question, text) and not yesno.plainly_said(text):
        return Reading(DIGRESSION, topic=digression.topic)
    if question == "in_danger" and answer is None and digression is not None and digression.topic in SAFETY_TOPICS:
        return Reading(YES, value=True)  # "he threatened me last night and he's still next door"
    if question == "in_danger" and answer == NO and digression is not None and digression.topic == SAFEGUARDING \
            and re.search(r"\b(worried|concerned|scared|afraid|frightened) (about|for)\b", said):
        # "no not me, but I'm worried about the old chap at 14, not seen him for a week": a concern
        # for someone else, which the safeguarding advice answers.
        return Reading(DIGRESSION, topic=digression.topic)
    if question == "in_danger" and answer == NO and safety_in(text) == SAFEGUARDING:
        # "No. Not from the flat anyway. Some nights I don't see the point of any of it": the
        # answer is kept, and the words bring the safeguarding advice.
        return Reading(NO, value=False, safety=SAFEGUARDING)
    if digression is not None and digression.topic in SAFETY_TOPICS and question != "in_danger" and (
            answer is None or _ASKING_WHAT_TO_DO.search(said)):
        return Reading(DIGRESSION, topic=digression.topic)
    if digression is not None and digression.topic == STOP and answer == YES and question in yesno.GUESS_IS_NOT_YES \
            and not yesno.plainly_said(text):
        # "Please stop. I do not want to continue now.": a stop, never a yes that ends the complaint.
        return Reading(DIGRESSION, topic=STOP)
    if answer is not None and not (digression and digression.strong and digression.topic != STOP
                                   and answer == UNSURE and question != "in_danger"):
        if digression is not None and digression.topic == STOP and answer == NO and \
                is_short_digression(text, digression):
            return Reading(DIGRESSION, topic=STOP)
        return Reading(answer, value={YES: True, NO: False}.get(answer))
    return _leave(digression, text) or Reading(UNCLEAR)


def _personal(question: str, text: str, said: str, digression: Digression | None, now) -> Reading | None:
    """Name, address, contact details: what they hold, a refusal, or None."""
    # A refusal, unless the message is also a clear request for something else ("I'd rather speak
    # to a person"). Read before a name: "skip" is what the question says to type, not a name.
    declined = bool(_SKIP.search(said)) and not (digression and digression.strong and digression.topic != STOP)
    if question in NAMES:
        first_only = re.search(r"[.,;]\s*(i'?d )?(rather|prefer)( not| to not| not to) (give|say|share) (a |my )?"
                               r"(surname|last name|second name|family name)", text, _I)
        if first_only:
            text, declined = text[:first_only.start()], False  # "Graham. I'd rather not give a surname."
        if declined:
            return Reading(SKIP)
        name = read_name(text)
        if name:
            return Reading(ANSWER, value=name)
    elif question == "address":
        postcode = contact.find_postcode(text)
        if postcode:
            return Reading(ANSWER, value=text.strip(), details={"postcode": postcode})
    elif question == "contact_details":
        email, phone = contact.find_email(contact.spoken_email(text)), contact.find_phone_corrected(text)
        if email or phone:
            found = {k: v for k, v in (("email", email), ("phone", phone)) if v}
            return Reading(ANSWER, value=text.strip(), details=found)
        if re.search(r"\bsame (as|details|ones|number|e-?mail)|\bas (before|above|earlier|last time)\b|"
                     r"\byou('ve)? (already )?(have|got) (it|them|my)", said, _I):
            return Reading(ANSWER, value="same as before", details={"reuse": True})
    if declined:
        return Reading(SKIP)
    if question == "address" and len(said) >= 8 and not digression and re.search(r"\d|road|street|st\b|"
                                                                                  r"lane|close|avenue|court|"
                                                                                  r"house|flat|way|drive|"
                                                                                  r"crescent|place|gardens|"
                                                                                  r"tower|estate|terrace|walk|"
                                                                                  r"row|mews|green|grove|hill|"
                                                                                  r"park|rise|square|view|yard|"
                                                                                  r"parade|mount|wharf|apartment|"
                                                                                  r"bungalow|block|lodge", said):
        return Reading(ANSWER, value=text.strip())
    return None


# What an answer to some free-text questions looks like: a safety report without it (or asking
# what to do) is a digression, with it an answer that also carries the concern.
_ANSWER_SHAPE = {
    "location": r"room|kitchen|bathroom|bedroom|lounge|living|hall|landing|stairs|stairwell|ceiling|wall|"
                r"floor|window|door|garden|loft|flat|house|block|car ?park|outside|upstairs|downstairs|\d|"
                r"road|street|close|court|tower|estate|front|back|corridor|lift|bins?|shed|garage|balcony|"
                r"toilet|boiler|cupboard|entrance|communal|next door|above|below",
    "access_availability": r"day|morning|afternoon|evening|any ?time|weekday|weekend|monday|tuesday|wednesday|"
                           r"thursday|friday|saturday|sunday|am\b|pm\b|\d|home|\bin\b|key|dog|cat|pet|"
                           r"parking|after|before|except|anytime|whenever|asap|need someone|today|tomorrow",
    "frequency": r"every|night|day|week|weekend|times?|once|twice|daily|constantly|always|often|sometimes|"
                 r"all the|morning|evening|hour|now and then|regularly|non ?stop|\d",
    "evidence": r"photo|picture|pic|video|record|diary|log|note|screenshot|footage|camera|doorbell|witness|"
                r"none|nothing|\bno\b|texts?|messages?|letters?|emails?",
    "affected": r"\bme\b|\bmy\b|\bus\b|\bwe\b|\bour\b|family|kids|children|son|daughter|household|"
                r"neighbou?r|everyone|whole|mum|dad|partner|wife|husband|nobody|just|all of",
    "desired_outcome": r"want|fix|repair|sort|apolog|compensat|refund|move|rehous|transfer|\bstop\b|action|"
                       r"need|like|done|replace|evict|remove|deal with|back on|put in|working|\bget (it|them|the)\b|"
                       r"\bfit(ted)?\b|install",
}
# Leaving the question for the safety report: "never mind that, my kitchen's flooding".
_LEAVING = re.compile(r"^(never ?mind|forget (that|this|the)|hang on|hold on|wait|sorry|help|quick)\b", _I)
_PUTTING_OFF = re.compile(r"\?|\b(forget (the|that|it|this)|never ?mind (the|that)|before i (answer|continue|go on))\b",
                          _I)
_ASKING_WHAT_TO_DO = re.compile(r"\?|\b(should i|what do i do|what should i|who do i (tell|call|ring)|"
                                r"help me|help!|do i (ring|call))\b", _I)


# A person asked for in so many words: "can I not just speak to somebody who knows the estate".
_ASKS_FOR_A_PERSON = re.compile(r"\b(can|could|may) i (not )?(please )?(just )?(speak|talk) (to|with)\b"
                                r"|(^|[.!?,]\s*)(just |please |pls |can you |could you |can u )*put me through\b", _I)


def _free_text(question: str, text: str, said: str, digression: Digression | None) -> Reading:
    safety_topic = digression is not None and digression.topic in ("emergency", "safeguarding_concern")
    if digression is not None and not safety_topic and (
            digression.topic == STOP or is_short_digression(text, digression)
            or (digression.topic == "request_human" and _ASKS_FOR_A_PERSON.search(said))):
        return Reading(DIGRESSION, topic=digression.topic)
    if safety_topic:
        shape = _ANSWER_SHAPE.get(question)
        answers_it = shape is None or re.search(shape, said, _I)
        if not answers_it or (_ASKING_WHAT_TO_DO.search(said) and word_count(said) <= 16) or _LEAVING.search(said) or \
                (not digression.strong and word_count(said) <= 8):
            return Reading(DIGRESSION, topic=digression.topic)
    if question in OPTIONAL and _NOTHING.match(said):
        return Reading(NONE, value="none")
    if question in OPTIONAL and re.match(r"^(i'?d |i would |i )?(rather|prefer|prefer to) not (to )?(say|go into "
                                         r"(it|that|this|details|detail)|talk about (it|that)|share( it| that)?|"
                                         r"discuss( it| that)?|get into (it|that))(,? (thanks|thank you|ta))?\W*$"
                                         r"|^(i'?d |id |i would )?(rather|prefer to) keep (that|it|this) "
                                         r"(to myself|private)\W*$",
                                         said):
        return Reading(SKIP, value=text.strip())  # "I'd rather not go into that."
    # "I don't know really, just for someone to come and look at it?": a hedge, then the wish.
    wish_after_doubt = re.search(r"^[^,.;!?]*[,.;!]\s*(just|only|i (just|only) (want|need)|i'?d (just )?like|"
                                 r"maybe just)\b\W*(\w+\W+){3}", said)
    if _UNSURE_ALONE.match(said) or (yesno.doubtful(said) and not wish_after_doubt and (
            "?" in said or re.search(r"^\W*\w+( \w+)?\W+(really|tbh|sorry|mate|love)\W*$", said))):
        return Reading(UNSURE, value=text.strip())
    return _with_safety(Reading(ANSWER, value=text.strip()), text)


def _classified_kind(parse: Mapping[str, Any] | None) -> str | None:
    """The kind of feedback the classifier is sure a message is (a description given in answer
    to the clarifying question)."""
    from bot.intake.fields import KINDS

    for row in (parse or {}).get("intent_ranking") or []:
        if row.get("name") in KINDS:
            return row["name"] if float(row.get("confidence") or 0) >= 0.6 else None
    return None


def _hazard_described(text: str) -> bool:
    """A hazard described, not a question about one ("should she ring 999 or the gas line?")."""
    return "?" not in text and safety_in(text) == EMERGENCY


_PLAIN_SLIP = slips.marker()


def _choice_reading(question: str, text: str, said: str, digression: Digression | None,
                    parse: Mapping[str, Any] | None = None) -> Reading | None:
    if question == "urgency":
        level = read_urgency(said)
        if level and safety_in(text) == EMERGENCY:
            level = "emergency"  # "very urgent, water is in the electric socket now": a danger now
        return Reading(ANSWER, value=level) if level else None
    if question == "preferred_contact":
        # "ring me, no wait, put it in a letter": what follows the slip is meant.
        slip = list(_PLAIN_SLIP.finditer(said))
        method = (_choice(said[slip[-1].end():], _CONTACT_METHODS) if slip else None) or _choice(said, _CONTACT_METHODS)
        if method:
            return Reading(ANSWER, value=method)
        if _ANY_WAY.search(said) and not _SKIP.search(said):  # (not "I do not want any contact")
            return Reading(ANSWER, value=None, details={"any": True})
        return None
    if question == "preferred_format":
        # "mum reads somali but i'll read it to her anyway so english is fine": the choice settled on.
        settled = re.search(r"\b(so|anyway)\b[^.?!]{0,30}\b((plain )?english|standard|normal)"
                            r"( is| will be| would be|'?s|'?ll be)? (fine|ok|okay|good|grand|alright)\b", said, _I)
        found = "standard" if settled else _choice(said, _FORMATS)
        if found == "standard" and digression is not None:
            return None
        return Reading(ANSWER, value=found) if found else None
    if question == "feedback_kind":
        # A short answer names its kind ("the second one", "a repair"); in a story told in
        # answer, a word like "sort" says little, and the classifier reads the whole of it.
        classified = _classified_kind(parse)
        if classified and len(said.split()) > SHORT_KIND_ANSWER_WORDS:
            return Reading(ANSWER, value=classified)
        kind = _choice(said, _KINDS) or classified
        return Reading(ANSWER, value=kind) if kind else None
    if question == "service":
        return Reading(ANSWER, value=text.strip()) if said else None
    return None


# Voice typing that writes the punctuation out ("Ron Llewellyn full stop", "in the spring comma
# around April"): the marks themselves, so that names, dates and yes/no read as typed.
_SPOKEN_MARKS = ((re.compile(r"\s*\bfull stop\b", re.I), "."), (re.compile(r"\s*\bcomma\b", re.I), ","),
                 (re.compile(r"\s*\bquestion mark\b", re.I), "?"),
                 (re.compile(r"\s*\bexclamation (mark|point)\b", re.I), "!"))


def spoken_punctuation(text: str) -> str:
    for spoken, mark in _SPOKEN_MARKS:
        text = spoken.sub(mark, text)
    return text


def read(question: str, text: str, *, parse: Mapping[str, Any] | None = None,
         now: datetime | None = None, changeable: Iterable[str] = (),
         kind: str | None = None, answers: Mapping[str, Any] | None = None) -> Reading:
    """The message `text` read as the answer to `question` (a slot name, SUMMARY or
    WHICH_ANSWER). `parse` is the classifier's (for digressions it is very sure of); `now` the
    time dates are read at; `changeable` the answers the summary shows, `answers` what it shows
    for them; `kind` the kind of feedback the form is for (a gas leak is the description of a
    repair, not of a complaint)."""
    text = spoken_punctuation(text if isinstance(text, str) else "")
    said = normalise(text)
    if said.startswith("/"):
        return Reading(PAYLOAD)
    if not said:
        return Reading(UNCLEAR)
    now = now or datetime.now(dates.UK)
    digression = digression_in(text, parse)
    if question == SUMMARY:
        from bot.intake import corrections

        if digression is not None and digression.topic in SAFETY_TOPICS and (
                re.search(r"\b(what do i do|what should i do|should i|who do i (call|ring)|help me|help!)\b"
                          r"|(?<!not )\b(just|right now|now)\b", said) and safety_in(text)):
            # "before i send this the smell of gas has just got really strong, what do i do": the
            # danger first; the summary waits.
            return Reading(DIGRESSION, topic=digression.topic)
        return corrections.read_summary_answer(text, digression, list(changeable), now, answers)
    if question == WHICH_ANSWER:
        from bot.intake import corrections

        return corrections.read_which_answer(text, digression, list(changeable))
    if question in YES_NO:
        if question != "in_danger":
            return _with_safety(_yes_no(question, text, digression), text)
        reading = _yes_no(question, text, digression)
        if reading.kind in (YES, NO, UNSURE) and reading.safety is None and safety_in(text) == EMERGENCY:
            # "Yes. She's 88 with a heart condition and no proper heating", "Nobody is hurt. But the light
            # was buzzing with the water inside": a danger from the home, whose advice (the emergency
            # repairs line) the danger advice does not give.
            return Reading(**{**asdict(reading), "safety": EMERGENCY})
        return reading
    if question in DATES:
        reading = read_date(text, now, question)
        # ("the gas smell?? since yday evening, its still there": the question said back, then the date.)
        echoed = re.match(r"^([^.!?]{0,25})\?+", said)
        asking = _ASKING_WHAT_TO_DO.search(said[echoed.end():] if reading.date and echoed and not re.search(
            r"\b(what|how|should|who|when|where|can|could|do|does|is|are|will)\b", echoed.group(1)) else said)
        if digression is not None and digression.topic in SAFETY_TOPICS and asking:
            return Reading(DIGRESSION, topic=digression.topic)
        if digression is not None and digression.topic == "request_human" and _ASKS_FOR_A_PERSON.search(said):
            return Reading(DIGRESSION, topic=digression.topic)  # "...in June. Can I please speak to a person"
        if digression is not None and (reading.kind != DATE or (
                digression.topic not in ("emergency", "safeguarding_concern")
                and is_short_digression(text, digression, 6) and not reading.date)):
            return Reading(DIGRESSION, topic=digression.topic)
        if digression is not None and digression.strong and digression.topic not in SAFETY_TOPICS and (
                (not reading.date and (_PUTTING_OFF.search(said) or _QUESTION_FIRST.match(said)))
                or re.match(r"^(before i (answer|continue|go on|say)|first(ly)?,? (can|could) i ask)\b", said)):
            # "Before I continue, am I chatting with a robot?"; "forget the date, I want the
            # ombudsman": no date given, and the question back comes first.
            return Reading(DIGRESSION, topic=digression.topic)
        return _with_safety(reading, text)
    if question in CHOICES:
        if question == "urgency" and digression is not None and digression.topic == EMERGENCY \
                and _hazard_described(text):
            # "dunno, water's coming through the light fitting": the danger is the answer.
            return Reading(ANSWER, value="emergency", safety=EMERGENCY)
        if question == "feedback_kind" and digression is not None and digression.strong \
                and digression.topic in SAFETY_TOPICS:
            # "my ex has found out where i live and he's sat outside": danger, not a kind of feedback,
            # however sure the classifier is of a kind for the story.
            return Reading(DIGRESSION, topic=digression.topic)
        if yesno.doubtful(said) and question in ("urgency", "feedback_kind") and not (
                question == "urgency" and _LEVEL_AFTER_DOUBT.search(said)) and not (
                digression is not None and digression.strong and "?" in said):
            return Reading(UNSURE)
        found = _choice_reading(question, text, said, digression, parse)
        if found is None and question == "preferred_contact" and _SKIP.search(said):
            found = Reading(SKIP)
        # A choice found is the answer ("ring me please" to how to contact), unless the message
        # asks something else back ("how long do emergency repairs take?").
        # ("Could I have it in Welsh please? Yn Gymraeg os gwelwch yn dda": the other language is the answer.)
        asks_back = digression is not None and digression.strong and digression.topic != "other_language" and (
            "?" in said or (_QUESTION_FIRST.match(said) and (
                digression.topic != "request_human" or re.search(r"\b(speak|talk)\b", said))))
        if found is not None and not asks_back:
            return _with_safety(found, text)
        return _leave(digression, text) or (Reading(UNSURE) if _UNSURE_ALONE.match(said) else Reading(UNCLEAR))
    if question in PERSONAL or question in NAMES:
        found = _personal(question, text, said, digression, now)
        if found is not None:
            return _with_safety(found, text)
        return _leave(digression, text) or (Reading(UNSURE) if _UNSURE_ALONE.match(said) else Reading(UNCLEAR))
    if question == "case_reference":
        from bot.intake.existing import find_reference

        reference, _ = find_reference(text)
        if reference:
            return Reading(ANSWER, value=reference)
        if digression is not None and digression.topic == "request_human" and digression.strong:
            return Reading(DIGRESSION, topic=digression.topic)  # "lost the letter, can someone ring me"
        if digression is not None:
            return Reading(DIGRESSION, topic=digression.topic)
        if _UNSURE_ALONE.match(said) or yesno.doubtful(said) or re.search(
                r"\b(lost|don'?t have|can'?t find|no idea|forgot|haven'?t got|not got|what ref\w*|"
                r"(nobody|no one|no-one|never) (gave|give|given|sent)|never (got|had|given))\b", said):
            return Reading(UNSURE)
        return _leave(digression, text) or Reading(UNCLEAR, value=text.strip())
    if question == "verification":
        postcode, email = contact.find_postcode(text), contact.find_email(text)
        if postcode or email:
            return Reading(ANSWER, value=postcode or email)
        if _UNSURE_ALONE.match(said) or yesno.doubtful(said):
            return Reading(UNSURE)
        return _leave(digression, text) or Reading(ANSWER, value=text.strip())
    if question == "description" and kind not in (None, "service_request", "asb_report") \
            and digression is not None and digression.topic in SAFETY_TOPICS \
            and not triage.expresses_dissatisfaction(text):
        return Reading(DIGRESSION, topic=digression.topic)  # the concern first; then the complaint
    return _free_text(question, text, said, digression)
