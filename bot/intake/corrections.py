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
from difflib import SequenceMatcher
from typing import Any, Iterable, Mapping

from bot.intake import contact, slips, yesno
from bot.intake.digressions import STOP, Digression, is_short_digression, normalise

_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# "may" only where it is not the verb or a blessing ("may I", "may God reward you").
_MONTHS = (r"january|february|march|april|may(?! (?:god|allah|the lord|i|we|you|he|she|it|they|be|have|not|"
           r"well|also)\b)|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")

# Words that name an answer, or only fit one. Matched as whole words, case-insensitively.
FIELD_WORDS: dict[str, str] = {
    "event_date_text": rf"dates?|the day|wh?en( it (happened|started|began))?|yesterday|today|last (week|month|year)|"
                       rf"weeks? ago|months? ago|years? ago|ago|since|{_DAYS}|{_MONTHS}|\d{{1,2}}(st|nd|rd|th)|"
                       rf"\d{{1,2}}/\d{{1,2}}(/\d{{2,4}})?|\d{{4}}|happened on|started on|"
                       r"(the problem|the issue|the leak|the noise|the damp) (commenced|began|started) "
                       r"(in|on|around|at)|"
                       r"commenced (in|on)",
    "still_happening": r"still happening|still going on|ongoing|still there|not still|no longer happening|"
                       r"(is|it'?s|its|has|it has) stopped( now)?|stopped now|not happening (now|any ?more)|"
                       r"not stopped|still going",
    "aware_date_text": r"(became|become|first) aware|when i (first )?(noticed|found out|knew|saw|know|learn\w*|"
                       r"realis\w*|realiz\w*|see)( about)?|(first )?noticed|"
                       r"found out|i'?(ve)? ?(have )?(known|know|knew) about (it|this|the \w+) (since|from|in|for)",
    "home_date_text": r"complet(ed|ion)|moved in|reserv(ed|ation)|got the keys",
    "affected": r"affect\w*|who('?s| is| was| were)? (affected|involved)|household|who it affects|not just me|"
                r"only me|just me|"
                r"(my|me|the) neighbours (too|as well)|"
                r"(my|the) (kids|children|family)",
    "desired_outcome": r"outcome|put (it|things) right|apology|apologise|compensation|refund|"
                       r"what (i|a) want(ed)?|what i'?d like|i'?d like you to|i want you to|resolution|"
                       r"what (you|u) (should|could) do",
    "description": r"what happened|what went wrong|description|describe|the story|the problem|the issue|"
                   r"the first (part|bit|line|section)",
    "service": r"which service|the service",
    "already_investigated": r"(already )?investigat\w*|final (response|letter|reply|answer|decision)|looked into|"
                            r"already (complained|been through)|(been )?looked at (it )?before"
                            r"|(you|yous|u|you'?ve|we|they) (already )?looked at it"
                            r"( before)?|looked at it before",
    "legal_proceedings": r"legal( action)?|court|solicitor|proceedings|claim",
    "on_behalf": r"for someone else|on behalf|for myself|complaining for|who it'?s for|not for me|"
                 r"i'?m doing (it|this) for (her|him|them|my \w+)|"
                 r"who i'?m (doing (this|it)|complaining|making (this|it)) for|"
                 r"(it'?s |its )?for (me|myself) or (for )?(my|me|someone|somebody)",
    "represented_name": r"(the )?name of the person i'?m (doing (it|this)|complaining|making (it|this)) for|"
                        r"(the )?name of the person (it'?s|its|this is) for|the person (it'?s|its|this is) for|"
                        r"(their|his|her|(mum|mam|dad|mother|father|nan|nana|gran|grandad|brother|sister|son|"
                        r"daughter|client|wife|husband|partner)('?s)?) ((sur|first |last |full )?name|surname)",
    "representative_relationship": r"relationship|i'?m (his|her|their) (son|daughter|carer|advocate)|"
                                   # "Mrs Adeyemi is my neighbour, not my mother!"
                                   r"(is|'?s) (my|me) (\w+ )?(neighbou?r|friend|mother|mum|mam|father|dad|son|daughter|"
                                   r"carer|client|aunt|auntie|uncle|nan|gran|grandmother|grandfather|sister|brother|"
                                   r"cousin|niece|nephew|partner|wife|husband)\b,? (not|and not) (my|me|his|her)\b",
    "representative_consent": r"permission|consent|agreement",
    "subject": r"which (service|policy)|the policy|subject",
    "person_praised": r"who i('m| am|m) thanking|thank(ing)? (him|her|them)|the person|who to thank|team|"
                      r"(the )?(caretaker|officer|engineer|plumber|electrician|joiner|cleaner|receptionist|operative|"
                      r"contractor|surveyor|gardener|handyman|worker|repairs? (man|woman|guy|lady))('?s)? "
                      r"((sur|first |last |full )?name|surname)|"
                      r"(who|that) helped( me)?|helped me|"
                      r"(his|her) name is|who i (want|wanted) to thank|who you'?re thanking",
    "location": r"where|location|the place|(the )?(right|wrong) (place|spot|area|block)|which room|room|kitchen|"
                r"bathroom|"
                r"bedroom|living room|lounge|hallway|bin store|"
                r"stairs|ceiling|stairwell|car park|landing|loft|garden|"
                r"(is|it'?s|its) (on|in|at) the (stairs|stairwell|landing|car park|kitchen|bathroom|bedroom|hallway|"
                r"loft|garden|lift|communal \w+|bin store|balcony)",
    "urgency": r"urgent|urgency|emergency|can wait|how urgent|priority",
    "access_availability": r"access|availability|available|appointment|key safe|get(ting)? in|when (you|u) can come|"
                           rf"(not|never) in (on )?({_DAYS})s?|"
                           r"times|times? (that )?suit|i'?m (in|home|out|at work)|days i'?m|"
                           r"(mornings|afternoons|evenings) not|not (mornings|afternoons|evenings)|"
                           rf"can'?t do ({_DAYS})s?|(make|change) it (mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)"
                           rf"\w*|({_DAYS})s? (are|is) (no good|no use|out|bad)|(after|before) \d{{1,2}} ?(am|pm)|"
                           r"asleep in the (mornings?|afternoons?|day)",
    "frequency": r"how (often|ofen|offen|oftn)|often|every (single )?(night|day|week|weekend|morning|evening)|"
                 r"frequency|"
                 r"once a (week|day|month|fortnight)|(twice|three times|\d+ times) a (week|day|month)",
    "in_danger": r"danger|in danger",
    "evidence": r"evidence|photos?|pictures?|videos?|recordings?|diary|footage",
    "share_details": r"anonymous|anon|stay anonymous|share my details|give my details|"
                     r"(take|leave|keep) my name off|(don'?t|do not) (put|use) my name|without (my )?(details|name)|"
                     r"(i )?said no name",
    "name": r"my name|name is|name'?s|spelt|spelled|spelling|surname|first name|last name|misspelt|name",
    "address": r"(?<!mail )(?<!e-mail )add?ress?|addy|addie|postcod?e?|post code|house number|flat number|door number|"
               r"where (i|we) live|(my |our )?(flat|house) is (number |no\.? ?)?\d+|"
               r"street( name)?|road name|flat \d+/\d+|flat \d+\w?|house \d+|\d+\w? \w+ (road|street|crescent|close|"
               r"avenue|lane|drive|way|court|gardens|place|terrace|grove|view|walk|rise|square|st|rd|ave)",
    "contact_details": r"e-?mail( address)?|phone( number)?|mobile( number)?|(?<!reference )(?<!ref )(?<!case )"
                       r"numbers?(?! ?\d)|the contact (bit|part|section|one)|"
                       r"contact details|"
                       r"contact info|landline|my mob",
    "preferred_contact": r"preferred (contact|way|method|mode)( of contact)?|(mode|method|way) of contact|"
                         r"(phone|e-?mail|text|letter|post|a call) (is|would be) better( than)?|"
                         r"contact me by|prefer (a )?(call|letter|text|e-?mail|phone)|"
                         r"contact should (be|say) (by )?(e-?mail|phone|text|letter|post|a call)|"
                         r"contact (to|by|via|method|"
                         r"preference)|(call|ring|text|e-?mail|write to) me instead|"
                         r"(texts?|e-?mails?|letters?|post|phone calls?|calls?) only|no (phone )?calls?|"
                         r"can it (just )?be (texts?|e-?mails?|letters?|calls?|by post)|just (by )?texts?|"
                         r"write (us|me) a letter|(don'?t|dont|do not) (get|want|need) a (phone )?call|"
                         r"(nae|no) signal|"
                         r"(texts?|e-?mails?|letters?|post|phone calls?|calls?),? not (a )?(texts?|e-?mails?|letters?|"
                         r"post|phone calls?|calls?)|"
                         r"(text|call|ring|phone|e-?mail|write to) me,? (not|instead of|rather than) (text|call|ring|"
                         r"phone|e-?mail)|"
                         r"(text|call|phone|e-?mail|letter|post)( me)? instead of "
                         r"(a )?(text|call|phone|e-?mail|letter|post)|"
                         r"by (letter|post|text|phone|e-?mail)|rather (be )?(called|rung|texted|e-?mailed)|"
                         r"contact by|how (you|u) contact|how to contact|how (you|u|to) (get hold of|reach) me|"
                         r"how (you'?re|you are|you'?ll|you will|u|you) (get|getting|going to get|be getting|keep|"
                         r"keeping) in touch|"
                         r"(rang|ring|call|phoned?|texted) me|"
                         r"(a )?(phone call|call|text|letter|e-?mail) (would be|is) (better|easier|best)|"
                         r"(rather|prefer) (have )?(a )?(phone call|call|letter|text|e-?mail)|"
                         r"(texts?|calls?|e-?mails?|letters?|post) instead of (a |the )?(texts?|calls?|phone|"
                         r"e-?mails?|letters?|post)|(like|want|prefer) to be (contacted|reached)|"
                         r"(have|get|send me) (a |the )?(letters?|texts?|e-?mails?|phone calls?) (instead|please)",
    "preferred_format": r"format|large print|braille|easy read|audio|bigger print|language|translat\w*|"
                        r"(the )?print (should|size|needs|has to|must)|font( size)?|"
                        r"big(ger)? (writing|letters|print|text)|"
                        r"easy words",
    # An interpreter at visits or on calls is an adjustment; a reply in another language a format.
    "reasonable_adjustments": r"adjustments?|disability|support( i need| needs)?|health condition|interpreter|"
                              r"what (would|will|might) help|what helps|"
                              r"(the |extra )?help i need|extra help|"
                              r"things that make it easier|(my )?(hearing|eyesight|sight|deaf(ness)?|"
                              r"wheelchair|mobility|mental health)",
}
_PATTERNS = {name: re.compile(rf"\b({words})\b", re.I) for name, words in FIELD_WORDS.items()}
# Words that fit an answer's value rather than name the answer: they count only when no answer
# is named outright ("I'm in Wednesday afternoons" is about access, not the date).
_WEAK = {
    "event_date_text": re.compile(rf"\b({_DAYS}|{_MONTHS}|\d{{1,2}}(st|nd|rd|th)|\d{{4}}|yesterday|today|since|ago)\b",
                                  re.I),
    "contact_details": re.compile(r"\bnumber\b(?! ?\d)", re.I),   # ("behind number 6": a house)
    "address": re.compile(r"\b(flat \d+\w?|house \d+|\d+\w? \w+ (road|street|crescent|close|avenue|lane|drive|"
                          r"way|court|gardens|place|terrace|grove|view|walk|rise|square))\b", re.I),
    "location": re.compile(r"\b(kitchen|bathroom|bedroom|living room|lounge|hallway|stairs|ceiling|stairwell|"
                           r"car park|landing|loft|garden|room)\b", re.I),
}
_CHANGING = re.compile(
    # ("Send it before I change my mind.": not a change.)
    r"\b(wrong|incorrect|not right|isn'?t right|not correct|mistake|typo|change(?! my mind)|chnage|changed|update|"
    r"should (be|say|read|have said)|(?<!you )(?<!u )actually|meant|instead|not quite|fix|amend|correction|"
    r"correct (it|that|this)|edit|"
    r"spelt|spelled|misspelt|swap|replace|put|missed|forgot|left out|add|not|no longer|different)\b", re.I)
_SEND = re.compile(
    r"^(yes+|yeah|yep|yup|yh|ys|aye|ar|ok(ay)?|sure|correct|right|perfect|spot on|lovely|great|brilliant|"
    r"everything('?s| is)? (good|fine|correct|right|ok)|proper job|"
    r"cheers|fine|all (good|correct|fine|right)|looks (good|right|fine|ok|correct)|that'?s (right|correct|"
    r"fine|it|all|all correct|perfect|spot on|great|grand)|go (on|ahead)( then)?|send( it)?|submit( it)?|"
    r"all done|done|thats grand|grand|good|yes please|please send|send please|sound|ace|champion|bang on|"
    r"ta|nice one|that'?ll do|it'?ll do|itll do|(that|it) will do|all sorted|sorted|"
    r"that is (correct|right|all correct|fine)|please proceed|"
    r"proceed|confirm(ed)?|((that|it|this|everything) )?(all )?(seems|sounds|reads|looks) "
    r"(correct|right|fine|ok|okay|good|"
    r"accurate|in order|spot on)|(it'?s |its |is |that'?s |that is |all |it'?s all |that is all |that'?s all )"
    r"(correct|right|accurate|in order|fine)|accurate)\b|^\W*(👍|👌|✅|✔️|🙂|😊)+\W*$", re.I)
# Thanks at the end of a confirmation: "That all looks correct, thank you kindly."
_THANKS_LAST = re.compile(r"[\s,.!-]*\b(thank you|thanks|thankyou|ta|cheers|many thanks|diolch( yn fawr)?)"
                          r"( (very much|kindly|so much|"
                          r"a lot|love|mate|pet|duck))?( for (your|all your|the|all the) (help|time|patience))?"
                          r"[\s.!]*$", re.I)
# Said at the end, after a chat: "proper job, send it", "all looks right to me duck, off you go".
_SEND_LAST = re.compile(r"(?<!n't )(?<!nt )(?<!not )(?<!nae )(?<!never )"
                        r"\b(send (it|'?er|her|that|this)( off| over| through| in)?|off you go|go ahead|fire away|"
                        r"crack on|submit it|(you )?can send|(please |just )?send\W*$|"
                        r"(all |that all |it all )?(looks?|seems?|sounds?) (good|right|fine|correct|spot on)( to me)?)"
                        r"\W*(\w+\W*)?$",
                        re.I)
# ("I didn't say it started in June, it was in July" corrects a value: not something missed.)
_MISSED = re.compile(r"\b(missed out|missed (it|that|this) (out|off)|left out|forgot to (mention|say|add)|"
                     r"i want (to )?add|"
                     r"didn'?t (mention|say|put)(?! (that )?it (was|started|happened|is|began)\b)|add (that|this)|"
                     r"you forg[eo]t|please add|"
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


# "urgency no wait, the where bit": what follows the resident's own correction is what they mean.
# "the date is wrong, no wait, the address": what follows the slip words (only the plain ones: a
# "sorry" at the summary is politeness).
_SELF_CORRECTION = slips.marker()


# Said outright, these give the new answer before any "is" earlier in the sentence does ("my
# name is wrong it should be Jo Bloggs").
_NEW_VALUE_PLAIN = re.compile(
    r"\b(?:should (?:be|say|read|have said)|is actually|it'?s actually|was actually|change (?:it )?to|changed to|"
    r"update (?:it )?to)\s+(.+)$", re.I)


def _matches(text: str, changeable: Iterable[str]) -> list[tuple[str, int]]:
    """The changeable answers the words point at, with the length of the longest match. A match
    inside a longer one for another answer does not count ("her name is" names the person
    complained for, not the resident's own name)."""
    corrected = list(_SELF_CORRECTION.finditer(text))
    if corrected and text[corrected[-1].end():].strip():
        text = text[corrected[-1].end():]
    spans: list[tuple[str, int, int, int]] = []
    for name in changeable:
        pattern = _PATTERNS.get(name)
        if pattern is None:
            continue
        weak = _WEAK.get(name)
        spans += [(name, m.start(), m.end(), m.end() - m.start() + (0 if weak and weak.fullmatch(m.group(0)) else 100))
                  for m in pattern.finditer(text)]
    best: dict[str, int] = {}
    for name, start, end, score in spans:
        covered = any(other != name and o_start < end and start < o_end and o_end - o_start > end - start
                      for other, o_start, o_end, _ in spans)
        if not covered:
            best[name] = max(best.get(name, 0), score)
    return list(best.items())


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
    if "represented_name" in changeable and re.search(
            r"\b(?!(?:My|I|Caretaker|Officer|Engineer|Plumber|Cleaner|Contractor|Surveyor|Electrician|Joiner|Gardener|"
            r"Worker)\b)[A-Z][a-z]+['’]s (sur|first |last |full |second )?name\b", text):
        return "represented_name"  # "Daniel's surname": someone named, not the resident ("my surname")
    # "where it says who's affected", "the bit where it asks...": words that point, not a place.
    pointed = re.sub(r"\b(the (bit|part|line|question) )?where (it|you) (says?|say|asks?|ask|has|have|put)\b", " ",
                     normalise(text))
    # "Adjustments should say BSL interpreter needed": the answer named before "should say".
    named_first = re.match(r"^(.{3,50}?)\s+(should (say|be|read|have said)|is wrong|needs? to say|is (spelt|spelled) "
                           r"wrong|is better)\b|^(the \w+)\s+(is|was)\b", pointed)
    if named_first and named_first.group(2) == "is better" and _PATTERNS["preferred_contact"].search(pointed):
        named_first = None  # "But phone is better than email": how to contact, not the number
    # "You've put it's just me affected, it's the whole block!": the answer quoted back.
    quoted = re.match(r"^(?:you'?ve|you have) (?:put|got|written)\s+(.{3,50}?)\s*[,.!;]", pointed)
    if quoted and not named_first:
        first = _matches(quoted.group(1), changeable)
        if len(first) == 1:
            return first[0][0]
    if named_first:
        first = _matches(named_first.group(1) or named_first.group(5), changeable)
        if [name for name, _ in first] == ["event_date_text"] and "aware_date_text" in changeable \
                and _PATTERNS["aware_date_text"].search(pointed):
            return "aware_date_text"  # "the date is wrong, i know about it since july": which date, said after
        if len(first) == 1:
            return first[0][0]
    # "Please amend the desired outcome to include a management move for the family": the answer
    # named after the word that changes it, not what the new words mention.
    after_verb = re.match(r"^(please |pls |can you |could you |can u )*(amend|change|update|edit|correct|fix|alter) "
                          r"(the|my|me|our) (.{3,40}?)\s+(to|so|because|as|as it|:|,|-)\s", pointed)
    if after_verb:
        first = _matches(after_verb.group(4), changeable)
        if len(first) == 1:
            return first[0][0]
    found = _matches(pointed, changeable)
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
    if field == "access_availability":
        made = re.search(r"\b(?:make|change) it\s+(.+)$", text, re.I)
        if made:
            return made.group(1).strip(" ,.;:!-\"'")  # "can't do Mondays, make it fri or sat only"
    if field == "preferred_contact":
        said_first = re.search(r"\b(text|call|ring|phone|e-?mail|write to)( me)?,? (not|instead of|rather than)\b",
                               text, re.I)
        if said_first:
            return said_first.group(1)  # "can u change it so u text me not ring"
    if field in ("preferred_contact", "preferred_format"):
        instead = re.search(r"\b([\w-]+(?: [\w-]+)?)\s+instead\b", text, re.I)
        if instead:
            return instead.group(1)  # "could I have letters instead of emails?"
        better = re.search(r"\b([\w-]+)\s+(?:is|would be)\s+better\b", text, re.I)
        if better:
            return better.group(1)  # "phone is better than email, I don't read email much"
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
    after = _AFTER_WRONG.search(tail)
    if after:
        tail = " " + after.group(1)  # "my name is wrong, it's Hodan": what follows "wrong"
    match = _NEW_VALUE_PLAIN.search(tail) or _NEW_VALUE.search(tail)
    value = match.group(1) if match else re.sub(r"^[\s,.;:!-]*(bit|part|one|answer|bit is|is)?\s*"
                                                r"(is |was )?(wrong|incorrect|not right)?[\s,.;:!-]*", "", tail)
    value = value.strip(" ,.;:!-\"'")
    if field in _SHORT_ANSWERS:
        # "its Sian not Sean", "august not september": the new value, without the old one.
        value = re.sub(r"\s*,?\s*\b(not|instead of|rather than)\s+\S.*$", "", value, flags=re.I) or value
    if _NO_VALUE.match(value):
        return None  # "the date is wrong", "the legal thing": which answer, but no new value
    return value or None


# The word said to be wrong: "its Tremayne not Tremain", "Wrong. It's not 'Wes'. Wesley.",
# "Smyth not Smith".
_SAID_WRONG = re.compile(r"\b(?:not|isn'?t|wasn'?t|instead of|rather than)\s+(?:the\s+|a\s+|an\s+|my\s+)?['\"‘“]?"
                         r"([A-Za-z][\w'’-]+)"
                         r"|['\"‘“]([A-Za-z][\w'’-]+)['\"’”]", re.I)


def _held(word: str, value: Any) -> re.Match | None:
    return re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", value, re.I) if isinstance(value, str) else None


def word_corrected(text: str, answers: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The one answer shown in the summary that holds the word the resident says is wrong, and
    that answer with the word put right when the message gives it ("its Tremayne not Tremain"
    when the name given was Bev Tremain: ("name", "Bev Tremayne")); None when no single answer
    holds it."""
    found: dict[str, str] = {}
    for match in _SAID_WRONG.finditer(text or ""):
        word = (match.group(1) or match.group(2) or "").strip("'’")
        if len(word) < 3 or word.lower() in ("the", "that", "this", "right", "correct", "wrong", "mine", "me"):
            continue
        found.update({name: word for name, value in answers.items() if _held(word, value)})
    if len(found) != 1:
        return None
    (name, wrong), = found.items()
    # The right word: the one most like the wrong one ("Wesley" for "Wes"), if alike enough.
    words = [w for w in (w.strip("'’") for w in re.findall(r"[A-Za-z][\w'’-]+", text)) if w.lower() != wrong.lower()]
    score, right = max(((SequenceMatcher(None, w.lower(), wrong.lower()).ratio()
                         + (0.3 if w.lower().startswith(wrong.lower()) else 0), w) for w in words),
                       default=(0.0, ""))
    if score < 0.6:
        return name, None
    value = str(answers[name])
    held = _held(wrong, value)
    assert held is not None
    return name, value[:held.start()] + right + value[held.end():]


def read_summary_answer(text: str, digression: Digression | None, changeable: list[str],
                        now: datetime, answers: Mapping[str, Any] | None = None):
    """CONFIRM, CHANGE (with the field and new value when said), DIGRESSION or UNCLEAR.
    `answers`: what the summary shows for each answer (to find the one a correction names only
    by its wrong word)."""
    from bot.intake.reading import CHANGE, CONFIRM, DIGRESSION, UNCLEAR, Reading

    said = normalise(text)
    if "description" in changeable and re.search(
            r"\b(take|cut|leave|keep) (out|off) (the (bit|part|line)|what i said|where i (said|mentioned))\b"
            r"|\b(remove|delete|drop) (the (bit|part|line)|what i said)\b"
            r"|\b(don'?t|do not) put (our|my|the|his|her|their) \w+( \w+)? in\b"
            r"|(^|[.?!]\s+)\W*(please |can you |could you |can u |pls )?(put|add|say|mention|include)( in)? that\b"
            r"(?! (i|we) (want|would like|'?d like|need))", said) \
            and field_meant(text, changeable) in (None, "description"):
        # "take out the bit about the knife, dont want them knowing i said", "put that the youths
        # threaten people as well": what happened, changed.
        return Reading(CHANGE, field="description")
    if digression is not None and (digression.topic == STOP or is_short_digression(text, digression)):
        return Reading(DIGRESSION, topic=digression.topic)
    said = _THANKS_LAST.sub("", said) or said
    unthanked = _THANKS_LAST.sub("", text) or text  # as typed, for the new value
    if re.search(r"(?<!n't )(?<!nt )(?<!not )(?<!never )\bsend it (anyway|regardless|all the same)\b"
                 r"|\b(doesn'?t|does not|don'?t|do not) (really |even |much |that much )?matter\b[^.?!]{0,25}"
                 r"(?<!n't )(?<!nt )(?<!not )\bsend it\b",
                 said):
        return Reading(CONFIRM)  # "...apart from my daughter is 14 not 15 but it doesnt matter send it"
    meant = field_meant(text, changeable)
    if meant is None and answers:
        corrected = word_corrected(unthanked,
                                   {name: value for name, value in answers.items() if name in changeable})
        if corrected is not None:
            return Reading(CHANGE, field=corrected[0], new_value=corrected[1])
    if meant in ("event_date_text", "aware_date_text") and re.search(r"\b(one of )?the dates\b", said):
        meant = None  # "one of the dates is wrong": there are two; ask which
    last = [piece for piece in re.split(r"[.?!]+", said) if piece.strip()]
    if meant is None and len(last) > 1 and _SEND.match(last[-1].strip()) and not _CHANGING.search(said):
        return Reading(CONFIRM)  # "I think so? Yes. Yes that's right, sorry"
    if len(last) > 1 and _SEND.match(last[0].strip()) and not _CHANGING.search(said) \
            and re.search(r"\b(a )?cop(y|ies) (of (it|this|that) )?(to|for|sent to)\b", said):
        return Reading(CONFIRM)  # "That is correct, please send. I would appreciate a copy to my council email"
    if len(last) > 1 and _SEND.match(last[0].strip()) and not re.search(
            r"\b(wrong|incorrect|not right|should be|change|mistake|typo|instead)\b", said) and re.search(
            r"\b(a |another |totally |completely )?(different|separate|other) (thing|issue|matter|problem|job)\b",
            said):
        return Reading(CONFIRM)  # "Yes send it. Also the light in the hallway is out, but that's a different thing."
    if "description" in changeable and _MISSED.search(said) and (
            meant is None or _WEAK.get(meant) is not None):
        meant = "description"  # "you've missed out that the contractor left rubbish"
        if "desired_outcome" in changeable and re.search(
                r"\b(add|put|say|mention)( in)? (that )?(i|we) (want|would like|'?d like|need)\b", said):
            meant = "desired_outcome"  # "can u add that i want the boys room re plastered"
    changing = bool(_CHANGING.search(said))
    answer = yesno.read("confirm", text)
    if meant is not None and (changing or answer != yesno.YES or len(said.split()) > 3):
        return Reading(CHANGE, field=meant, new_value=new_value(unthanked, meant))
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

    said = normalise(text)
    if digression is not None and digression.strong and ("?" in said or digression.topic == STOP):
        return Reading(DIGRESSION, topic=digression.topic)  # "is this where I can go to the ombudsman?"
    if digression is not None and digression.strong and re.match(r"^(none|neither|nothing|no)( of (them|those|it))?\b",
                                                                  said):
        return Reading(DIGRESSION, topic=digression.topic)  # "None of them. Just get a human to ring me."
    # "My name. You put my daughter name": the part named first, when it names one alone.
    first = re.split(r"[.!?]\s+", said)[0]
    if first != said:
        named = _matches(first, list(dict.fromkeys(changeable)))
        if len(named) == 1:
            return Reading(FIELD, field=named[0][0])
    meant = field_meant(text, changeable)
    if meant is not None:
        return Reading(FIELD, field=meant)
    if digression is not None:
        return Reading(DIGRESSION, topic=digression.topic)
    if re.match(r"^(nothing|none|no(thing)?,? (it'?s|its) (fine|right|ok)|it'?s (all )?(fine|right|ok)|"
                r"send it|just send it|leave it|all good|never ?mind)\b", said):
        return Reading(CONFIRM)
    return Reading(FIELD, field=None)
