"""Find and check contact details in what a resident typed: e-mail, UK phone numbers, postcodes."""
from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.intake import numbers, slips

# The UK postcode format (outward code, then inward code), however it is spaced ("LS9  7QT",
# "LS97QT"), any case.
POSTCODE = re.compile(
    r"\b(GIR *0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPS-UW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)[ \t]*[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.I)
_EMAIL_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


# A postcode spelt out a character at a time, as voice typing and some screen readers give it
# ("S A 1 8 P L"): the characters are joined before looking again.
_SPELT_OUT = re.compile(r"\b((?:[A-Za-z0-9] ){4,6}[A-Za-z0-9])\b")
# ...or in pieces of one or two characters ("M 8 5 NQ").
_IN_PIECES = re.compile(r"(?=\b((?:[A-Za-z0-9]{1,2} ){2,5}[A-Za-z0-9]{1,3})\b)")


# Letters and numbers as voice typing writes them out: "bee twenty one four you why" is B21 4UY.
_LETTER_NAMES = {"ay": "A", "a": "A", "bee": "B", "be": "B", "b": "B", "see": "C", "sea": "C", "c": "C",
                 "dee": "D", "d": "D", "ee": "E", "e": "E", "ef": "F", "eff": "F", "f": "F", "gee": "G", "g": "G",
                 "aitch": "H", "haitch": "H", "h": "H", "eye": "I", "jay": "J", "j": "J", "kay": "K", "k": "K",
                 "el": "L", "l": "L", "em": "M", "m": "M", "en": "N", "n": "N", "pee": "P", "p": "P",
                 "queue": "Q", "cue": "Q", "q": "Q", "ar": "R", "are": "R", "r": "R", "ess": "S", "s": "S",
                 "tee": "T", "tea": "T", "t": "T", "you": "U", "u": "U", "vee": "V", "v": "V",
                 "w": "W", "ex": "X", "x": "X", "why": "Y", "y": "Y", "zed": "Z", "zee": "Z",
                 "z": "Z"}
_TENS = {**{word: number for word, number in numbers.NUMBER_WORDS.items() if number >= 10},
         "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def _spoken_postcode(text: str) -> re.Match | None:
    """A postcode said in words at the end of the message (voice typing), as a match of POSTCODE."""
    words = re.findall(r"[a-z]+|\d+", re.sub(r"\bdouble[ -]?you\b", " w ", text.lower()))
    out: list[str] = []
    for word in reversed(words[-8:]):
        if word in _LETTER_NAMES:
            piece = _LETTER_NAMES[word]
        elif word.isdigit():
            piece = word
        elif word in numbers.DIGIT_WORDS:
            piece = numbers.DIGIT_WORDS[word]
        elif word in _TENS:
            piece = str(_TENS[word])
            if out and len(out[0]) == 1 and out[0].isdigit() and _TENS[word] >= 20:
                piece, out[0] = str(_TENS[word] + int(out[0])), ""  # "twenty one"
        else:
            break
        out.insert(0, piece)
    spoken = "".join(out)
    # The shortest run at the end that is a postcode: the words before it may be a street.
    for start in range(max(0, len(spoken) - 7), len(spoken) - 4):
        found = POSTCODE.fullmatch(spoken[start:])
        if found and spoken[start].isalpha():
            return found
    return None


def find_postcode(text: str) -> str | None:
    match = POSTCODE.search(text or "")
    if not match:
        spelt = _SPELT_OUT.search(text or "")
        match = POSTCODE.fullmatch(spelt.group(1).replace(" ", "")) if spelt else None
    if not match:
        match = next((found for piece in _IN_PIECES.findall(text or "")
                      if (found := POSTCODE.fullmatch(piece.replace(" ", "")))), None)
    if not match:
        match = _spoken_postcode(text or "")
    if not match:
        # "ip3 8 ey": the inward code typed apart (a short answer only: not letters and numbers
        # that happen to end a sentence).
        words = re.findall(r"[A-Za-z0-9]+", text or "")
        tail = "".join(words[-3:])
        match = POSTCODE.fullmatch(tail) if len(words) <= 6 and 5 <= len(tail) <= 7 else None
    if not match:
        return None
    if match.string == text:
        # "LL65 2SN - no wait, LL65 2NS, sorry": a whole postcode typed again after a slip.
        again_whole = re.search(rf"\b{slips.words('wait', 'sorry', 'no', 'oops')}\b\W+" + POSTCODE.pattern,
                                text[match.end():], re.I)
        if again_whole:
            match = POSTCODE.search(text, match.end() + again_whole.start())
    raw = re.sub(r"\s", "", match.group(1)).upper()
    # "TS10 1RH. No, 1RF, I always get that wrong": the end typed again after a slip word.
    again = re.match(rf"[\s,.;!-]*{slips.words('wait', 'sorry', 'no', 'oops')}\b[\s,.;:!-]*(\d[A-Za-z]{{2}})\b",
                     (text or "")[match.end():] if match.string == text else "", re.I)
    if again:
        raw = raw[:-3] + again.group(1).upper()
    return f"{raw[:-3]} {raw[-3:]}"


# The end of an address mended straight after it: "tyler@example.con sorry .com", "...co.uk* .com".
_ENDING_MENDED = re.compile(r"(\S+@\S+?)(\.[a-z]{2,6})\s*(?:,\s*)?(?:sorry|oops|i mean|i meant|meant|\*)\W*"
                            r"(\.[a-z]{2,6}(?:\.[a-z]{2})?)\b", re.I)


def find_email(text: str) -> str | None:
    text = _ENDING_MENDED.sub(lambda m: m.group(1) + m.group(3), text or "")
    for candidate in _EMAIL_CANDIDATE.findall(text or ""):
        candidate = candidate.rstrip(".")
        try:
            return validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


# An e-mail address read out ("lisa dot thompson 84 at example dot com", "ken wright at example dot
# com all one word"): the words before "at" that belong to it are joined.
_SPOKEN = ((r"\s+dot\s+", "."), (r"\s+underscore\s+", "_"), (r"\s+(dash|hyphen)\s+", "-"))
_NOT_ADDRESS_WORDS = frozenset("is my its it's email e-mail address me on or and at use it mail the your".split())


def spoken_email(text: str) -> str:
    """`text` with an e-mail address said in words written as one; unchanged when none is."""
    text = re.sub(r"\s*@\s*", "@", text or "")
    if not re.search(r"\b(dot|at)\b", text, re.I):
        return text
    said = text
    for spoken, mark in _SPOKEN:
        said = re.sub(spoken, mark, said, flags=re.I)
    match = re.search(r"\s+at\s+([\w-]+(?:\.[\w-]+)+)", said, re.I)
    if not match:
        return text
    before = said[:match.start()].split()
    local: list[str] = []
    while before and re.fullmatch(r"[\w.+'-]+", before[-1]) and before[-1].lower() not in _NOT_ADDRESS_WORDS:
        local.insert(0, before.pop())
    if not local:
        return text
    return " ".join(before + ["".join(local) + "@" + match.group(1)]) + said[match.end():]


_DIGIT = r"(?:(?:double|treble|triple)\s+)?(?:" + "|".join(numbers.DIGIT_WORDS) + r")\b"
# Seven words or more ("double oh" is two digits); fewer than ten digits in all is left as it is.
_SPOKEN_DIGITS = re.compile(r"\b" + _DIGIT + r"(?:[\s,-]+" + _DIGIT + r"){6,}", re.I)


def spoken_phone(text: str) -> str:
    """`text` with a phone number said in words written in digits ("oh seven seven oh oh nine oh
    oh one two three", "double seven"); unchanged when there are not ten digits or more."""
    def digits(match: re.Match) -> str:
        out, repeat = [], 1
        for word in re.findall(r"[a-z]+", match.group(0).lower()):
            if word in ("double", "treble", "triple"):
                repeat = 2 if word == "double" else 3
                continue
            out.append(numbers.DIGIT_WORDS[word] * repeat)
            repeat = 1
        said = "".join(out)
        return said if len(said) >= 10 else match.group(0)

    return _SPOKEN_DIGITS.sub(digits, text or "")


def find_phone_corrected(text: str) -> str | None:
    """The phone number in `text`, the corrected one when the resident put a slip right ("07700
    900123 wait no 900132": the end of the number typed again)."""
    text = spoken_phone(text)
    first = find_phone(text)
    slip = re.search(rf"(\d[\d ]{{8,}}\d)\W+{slips.words('wait', 'sorry', 'no', 'oops')}\b[\w\s,.!-]*?"
                     r"(\d[\d ]{1,12}\d)(?!.*\d)", text or "", re.I)
    if not first or not slip:
        return first
    again = find_phone(slip.group(2))
    if again:
        return again
    old, tail = re.sub(r"\D", "", slip.group(1)), re.sub(r"\D", "", slip.group(2))
    return find_phone(old[:-len(tail)] + tail) if len(tail) < len(old) else first


def find_phone(text: str) -> str | None:
    """The first UK phone number, in international format (+44 ...).

    Numbers of a possible UK length are accepted even where the numbering plan has no such range
    (e.g. Ofcom's 07700 900xxx, reserved for drama): refusing a resident's real number is worse.
    """
    for match in phonenumbers.PhoneNumberMatcher(text or "", "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        if phonenumbers.is_valid_number(match.number) or (
                match.number.country_code == 44 and len(str(match.number.national_number)) >= 9
                and phonenumbers.is_possible_number(match.number)):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalise_postcode(text: str) -> str | None:
    return find_postcode(text)
