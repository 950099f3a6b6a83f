"""What a resident means at the summary: send it, change an answer (which, and to what), or
something else; and which answer they mean when asked to choose one.

"The date was last Monday not Tuesday" is about when it happened; "my email is wrong" about the
e-mail or phone; "no the already investigated bit is wrong, nobody has investigated anything"
names an answer and gives its new value; "yep send it" confirms. Words that name an answer are
matched against the answers the summary shows (and the labels it shows them with); when they
point at more than one, the longest match wins, and a tie is not guessed. A message that
confirms nothing and names nothing is unclear: the summary's question is asked again. Nothing
said at the summary starts another case.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable

from bot.intake import contact, yesno
from bot.intake.digressions import STOP, Digression, is_short_digression, normalise

_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")

# Words that name an answer, or only fit one. Matched as whole words, case-insensitively.
FIELD_WORDS: dict[str, str] = {
    "event_date_text": rf"dates?|the day|when( it (happened|started))?|yesterday|today|last (week|month|year)|"
                       rf"weeks? ago|months? ago|years? ago|ago|since|{_DAYS}|{_MONTHS}|\d{{1,2}}(st|nd|rd|th)|"
                       rf"\d{{1,2}}/\d{{1,2}}(/\d{{2,4}})?|\d{{4}}|happened on|started on",
    "still_happening": r"still happening|still going on|ongoing|still there|not still|no longer happening",
    "aware_date_text": r"(became|become|first) aware|when i (noticed|found out|first knew)|noticed|found out",
    "home_date_text": r"complet(ed|ion)|moved in|reserv(ed|ation)|got the keys",
    "affected": r"affected|who was (affected|involved)|household|who it affects|not just me|only me|just me|"
                r"(my|the) (kids|children|family)",
    "desired_outcome": r"outcome|put (it|things) right|apology|apologise|compensation|refund|"
                       r"what i want(ed)?|what i'?d like|i'?d like you to|i want you to|resolution|"
                       r"what (you|u) (should|could) do",
    "description": r"what happened|what went wrong|description|describe|the story|the problem|the issue",
    "service": r"which service|the service",
    "already_investigated": r"(already )?investigat\w*|final response|looked into",
    "legal_proceedings": r"legal( action)?|court|solicitor|proceedings|claim",
    "on_behalf": r"for someone else|on behalf|for myself|complaining for",
    "represented_name": r"their name|his name|her name|(mum|mam|dad|mother|father|nan|gran)'?s name",
    "representative_relationship": r"relationship|i'?m (his|her|their) (son|daughter|carer|advocate)",
    "representative_consent": r"permission|consent|agreement",
    "subject": r"which (service|policy)|the policy|subject",
    "person_praised": r"who i('m| am|m) thanking|thank(ing)? (him|her|them)|the person|who to thank|team|"
                      r"(who|that) helped( me)?|helped me|"
                      r"(his|her) name is|who i (want|wanted) to thank|who you'?re thanking",
    "location": r"where|location|which room|room|kitchen|bathroom|bedroom|living room|lounge|hallway|"
                r"stairs|ceiling|stairwell|car park|landing|loft|garden",
    "urgency": r"urgent|urgency|emergency|can wait|how urgent|priority",
    "access_availability": r"access|availability|available|appointment|key safe|get in|when (you|u) can come|"
                           r"times|times? (that )?suit|i'?m (in|home|out|at work)|days i'?m|"
                           r"(mornings|afternoons|evenings) not|not (mornings|afternoons|evenings)",
    "frequency": r"how often|often|every (night|day|week|weekend)|frequency",
    "in_danger": r"danger|in danger",
    "evidence": r"evidence|photos?|pictures?|videos?|recordings?|diary|footage",
    "share_details": r"anonymous|anon|stay anonymous|share my details|give my details",
    "name": r"my name|name is|name'?s|spelt|spelled|spelling|surname|first name|last name|misspelt|name",
    "address": r"(?<!mail )(?<!e-mail )address|postcode|post code|house number|flat number|door number",
    "contact_details": r"e-?mail( address)?|phone( number)?|mobile( number)?|number|contact details|"
                       r"contact info|landline|my mob",
    "preferred_contact": r"contact me by|prefer (a )?(call|letter|text|e-?mail|phone)|contact (to|by|via|method|"
                         r"preference)|(call|ring|text|e-?mail|write to) me instead|"
                         r"(text|call|phone|e-?mail|letter|post)( me)? instead of "
                         r"(a )?(text|call|phone|e-?mail|letter|post)|"
                         r"by (letter|post|text|phone|e-?mail)|rather (be )?(called|rung|texted|e-?mailed)|"
                         r"contact by|how (you|u) contact|how to contact|how (you|u|to) (get hold of|reach) me|"
                         r"(rang|ring|call|phoned?|texted) me",
    "preferred_format": r"format|large print|braille|easy read|audio|bigger print",
    "reasonable_adjustments": r"adjustments?|disability|support( i need| needs)?|health condition|"
                              r"things that make it easier|(my )?(hearing|eyesight|sight|deaf(ness)?|"
                              r"wheelchair|mobility|mental health)",
}
_PATTERNS = {name: re.compile(rf"\b({words})\b", re.I) for name, words in FIELD_WORDS.items()}
# Words that fit an answer's value rather than name the answer: they count only when no answer
# is named outright ("I'm in Wednesday afternoons" is about access, not the date).
_WEAK = {
    "event_date_text": re.compile(rf"\b({_DAYS}|{_MONTHS}|\d{{1,2}}(st|nd|rd|th)|\d{{4}}|yesterday|today)\b", re.I),
    "location": re.compile(r"\b(kitchen|bathroom|bedroom|living room|lounge|hallway|stairs|ceiling|stairwell|"
                           r"car park|landing|loft|garden|room)\b", re.I),
}
_CHANGING = re.compile(
    r"\b(wrong|incorrect|not right|isn'?t right|not correct|mistake|typo|change|chnage|changed|update|"
    r"should (be|say|read|have said)|actually|meant|instead|not quite|fix|amend|correction|correct (it|that|this)|edit|"
    r"spelt|spelled|misspelt|swap|replace|put|missed|forgot|left out|add|not|no longer|different)\b", re.I)
_SEND = re.compile(
    r"^(yes+|yeah|yep|yup|yh|aye|ok(ay)?|sure|correct|right|perfect|spot on|lovely|great|brilliant|"
    r"cheers|fine|all (good|correct|fine|right)|looks (good|right|fine|ok|correct)|that'?s (right|correct|"
    r"fine|it|all|all correct|perfect|spot on|great|grand)|go (on|ahead)( then)?|send( it)?|submit( it)?|"
    r"all done|done|thats grand|grand|good|yes please|please send|send please|sound|ace|champion|bang on|"
    r"ta|nice one|that'?ll do|all sorted|sorted|that is (correct|right|all correct|fine)|please proceed|"
    r"proceed)\b|^\W*(👍|👌|✅|✔️|🙂|😊)+\W*$", re.I)
# Said at the end, after a chat: "proper job, send it", "all looks right to me duck, off you go".
_SEND_LAST = re.compile(r"(?<!n't )(?<!nt )(?<!not )(?<!nae )(?<!never )"
                        r"\b(send it( off| over| through| in)?|off you go|go ahead|fire away|crack on|submit it|"
                        r"(all |that all |it all )?looks? (good|right|fine|correct|spot on)( to me)?)\W*(\w+\W*)?$",
                        re.I)
_MISSED = re.compile(r"\b(missed out|left out|forgot to (mention|say|add)|didn'?t (mention|say|put)|add (that|this)|"
                     r"also (add|put|mention)|you'?ve missed)\b", re.I)
# Answers short enough that "X not Y" means X.
_SHORT_ANSWERS = frozenset({"name", "represented_name", "event_date_text", "aware_date_text",
                            "home_date_text", "address", "contact_details", "preferred_contact",
                            "preferred_format", "location", "service"})
_NO_VALUE = re.compile(r"^(wrong|incorrect|not right|not correct|thing|bit|part|one|answer|question|too|"
                       r"as well|also|than\b.*)?$", re.I)
# "the already investigated bit is wrong, nobody has investigated anything": the new answer is
# what follows the word that says the old one is wrong.
_AFTER_WRONG = re.compile(r"\b(?:wrong|incorrect|not right|not correct|a mistake)\b[\s,.;:!-]+(\w.*)$", re.I)
_YES_NO_FIELDS = frozenset({"already_investigated", "legal_proceedings", "on_behalf",
                            "representative_consent", "share_details", "in_danger",
                            "still_happening"})
_NEW_VALUE = re.compile(
    r"\b(?:should (?:be|say|read|have said)|is actually|it'?s actually|was actually|is now|it'?s now|"
    r"change (?:it )?to|changed to|update (?:it )?to|to say|it was|it'?s|its|is|was|to|:|-|=)\s+(.+)$", re.I)


def _matches(text: str, changeable: Iterable[str]) -> list[tuple[str, int]]:
    """The changeable answers the words point at, with the length of the longest match."""
    found = []
    for name in changeable:
        pattern = _PATTERNS.get(name)
        if pattern is None:
            continue
        weak = _WEAK.get(name)
        spans = [m.end() - m.start() + (0 if weak and weak.fullmatch(m.group(0)) else 100)
                 for m in pattern.finditer(text)]
        if spans:
            found.append((name, max(spans)))
    return found


def fields_named(text: str, changeable: Iterable[str]) -> list[str]:
    """The changeable answers the words point at, in the summary's order."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return []
    return [name for name, _ in _matches(text, changeable)]


def field_meant(text: str, changeable: Iterable[str]) -> str | None:
    """The one answer the words clearly mean, or None (none fits, or two fit equally)."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    changeable = list(dict.fromkeys(changeable))  # each answer once, however often it is offered
    found = _matches(text, changeable)
    names = [name for name, _ in found]
    if "preferred_contact" in names and "contact_details" in names:
        found = [f for f in found if f[0] != "contact_details"]  # "contact me by e-mail": how
    # What the words hold decides when they hold an address or contact details.
    if not found:
        if contact.find_postcode(text) and "address" in changeable:
            return "address"
        if (contact.find_email(text) or contact.find_phone(text)) and "contact_details" in changeable:
            return "contact_details"
        return None
    if len(found) == 1:
        return found[0][0]
    found.sort(key=lambda item: -item[1])
    # Two answers named about as plainly ("wrong date and wrong email"): the resident chooses.
    if found[0][1] - found[1][1] >= 4:
        return found[0][0]
    return None


def new_value(text: str, field: str) -> str | None:
    """The new answer given with a correction, if the words give one."""
    if field == "address":
        postcode = contact.find_postcode(text)
        if postcode:
            return postcode
    if field == "contact_details":
        found = contact.find_email(text) or contact.find_phone(text)
        if found:
            return found
    if field in _YES_NO_FIELDS:
        after = _AFTER_WRONG.search(text)
        if after:
            return after.group(1).strip(" ,.;:!-\"'") or None
    pattern = _PATTERNS.get(field)
    tail = text
    if pattern is not None:
        mentions = list(pattern.finditer(text))
        if mentions:
            tail = text[mentions[-1].end():]
    match = _NEW_VALUE.search(tail)
    value = match.group(1) if match else re.sub(r"^[\s,.;:!-]*(bit|part|one|answer|bit is|is)?\s*"
                                                r"(is |was )?(wrong|incorrect|not right)?[\s,.;:!-]*", "", tail)
    value = value.strip(" ,.;:!-\"'")
    if field in _SHORT_ANSWERS:
        # "its Sian not Sean", "august not september": the new value, without the old one.
        value = re.sub(r"\s*,?\s*\b(not|instead of|rather than)\s+\S.*$", "", value, flags=re.I) or value
    if _NO_VALUE.match(value):
        return None  # "the date is wrong", "the legal thing": which answer, but no new value
    return value or None


def read_summary_answer(text: str, digression: Digression | None, changeable: list[str],
                        now: datetime):
    """CONFIRM, CHANGE (with the field and new value when said), DIGRESSION or UNCLEAR."""
    from bot.intake.reading import CHANGE, CONFIRM, DIGRESSION, UNCLEAR, Reading

    said = normalise(text)
    if digression is not None and (digression.topic == STOP or is_short_digression(text, digression)):
        return Reading(DIGRESSION, topic=digression.topic)
    meant = field_meant(text, changeable)
    if "description" in changeable and _MISSED.search(said) and (
            meant is None or _WEAK.get(meant) is not None):
        meant = "description"  # "you've missed out that the contractor left rubbish"
    changing = bool(_CHANGING.search(said))
    answer = yesno.read("confirm", text)
    if meant is not None and (changing or answer != yesno.YES or len(said.split()) > 3):
        return Reading(CHANGE, field=meant, new_value=new_value(text, meant))
    if answer == yesno.YES and not changing and not re.search(r"\bbut\b|\bexcept\b", said):
        return Reading(CONFIRM)
    if (_SEND.match(said) or _SEND_LAST.search(said)) and not changing and not re.search(r"\bbut\b|\bexcept\b", said):
        return Reading(CONFIRM)
    if answer == yesno.NO or changing or re.search(r"\bbut\b|\bexcept\b", said):
        return Reading(CHANGE, field=meant)
    if digression is not None:
        return Reading(DIGRESSION, topic=digression.topic)
    return Reading(UNCLEAR)


def read_which_answer(text: str, digression: Digression | None, changeable: list[str]):
    """FIELD (the answer meant; None when it cannot be told), DIGRESSION or CONFIRM."""
    from bot.intake.reading import CONFIRM, DIGRESSION, FIELD, Reading

    meant = field_meant(text, changeable)
    if meant is not None:
        return Reading(FIELD, field=meant)
    said = normalise(text)
    if digression is not None:
        return Reading(DIGRESSION, topic=digression.topic)
    if re.match(r"^(nothing|none|no(thing)?,? (it'?s|its) (fine|right|ok)|it'?s (all )?(fine|right|ok)|"
                r"send it|just send it|leave it|all good|never ?mind)\b", said):
        return Reading(CONFIRM)
    return Reading(FIELD, field=None)
