"""Rule-based entity patterns for the project's spaCy pipeline (pure data and generators).

Two parts, both saved with the pipeline by `bot.nlp.build_pipeline`:

* `TOKEN_MATCH`: a regular expression the tokenizer uses to keep a few things in one token that the
  default English tokenizer would split on their hyphens or brackets (case references such as
  `CMP-7KQ4-X`, phone numbers written `0161-496-0000`, dates written `12-03-2026`). spaCy stores
  the pattern text in the pipeline, so it must carry its flags inline.
* `entity_patterns()`: the `entity_ruler` patterns for the five labels. The `SpacyEntityExtractor`
  runs the pipeline on the resident's original text, so the patterns match case-insensitively
  (`LOWER`, `(?i)`). When two matches overlap the ruler keeps the longest.

The patterns only find spans; turning a span into a value (a date, a canonical reference) is the
job of the code that uses it (e.g. `bot.cases.references.parse` for a reference).
"""
from __future__ import annotations

import itertools
from typing import Any, Iterable, Iterator

Pattern = dict[str, Any]
Token = dict[str, Any]

# --- case references ---------------------------------------------------------------------------
# A type prefix, a body of 4 or 5 characters and a check character: CMP-7KQ4M-X (bot.cases issues
# 5-character bodies; shorter ones are accepted so that a mistyped reference is still recognised
# and can be queried). Dashes are optional; bot.cases.references.parse() validates the check.
CASE_PREFIXES: tuple[str, ...] = ("CMP", "SRQ", "ASB", "CMT", "CPL")
_PREFIX = "(?:" + "|".join(p.lower() for p in CASE_PREFIXES) + ")"
_BODY = "[a-z0-9]{4,5}"
# A body on its own, holding both a digit and a letter (kept in one token by the tokenizer).
CASE_BODY_TOKEN_RE = r"^(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,5}$"
# Whole reference in one token.
CASE_REFERENCE_RE = rf"(?i)^{_PREFIX}-?{_BODY}-?[a-z0-9]$"

# --- postcodes -------------------------------------------------------------------------------
# Outward code (area letters, district digit, optional letter or digit) and inward code (digit and
# two letters; the inward letters never include C, I, K, M, O or V).
_OUTWARD = r"[a-z]{1,2}\d[a-z\d]?"
_INWARD = r"\d[abd-hjlnp-uw-z]{2}"
POSTCODE_OUTWARD_RE = rf"(?i)^{_OUTWARD}$"
POSTCODE_INWARD_RE = rf"(?i)^{_INWARD}$"
POSTCODE_WHOLE_RE = rf"(?i)^{_OUTWARD}{_INWARD}$"

# --- phone numbers -----------------------------------------------------------------------------
# A phone number in one token, with or without -, . or brackets: 10 or 11 digits from a leading 0,
# or +44 / 0044 followed by 10 digits (an optional "(0)" adds one).
_PHONE_DIGITS = r"(?=(?:[^\d]*\d){10,13}[^\d]*$)"
PHONE_WHOLE_RE = (
    rf"^{_PHONE_DIGITS}(?:(?:\+|00)44[-.]?(?:\(0\))?[-.]?\(?[1-9]|\(?0[1-9])[\d().\-]*\d$"
)
# Pieces of a phone number written with spaces.
_NATIONAL_TOTALS = (10, 11)
_INTERNATIONAL_DIGITS = 10

# --- e-mail addresses --------------------------------------------------------------------------
EMAIL_RE = r"(?i)^[a-z0-9][a-z0-9._%+'-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"

# --- dates -------------------------------------------------------------------------------------
NUMERIC_DATE_RE = (
    r"^(?:(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:\d{4}|\d{2})"
    r"|(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])"
    r"|\d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01]))$"
)
DAY_OF_MONTH_RE = r"(?i)^(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?$"
YEAR_RE = r"^(?:19[5-9]\d|20[0-4]\d)$"
SHORT_YEAR_RE = r"^'\d{2}$"
COUNT_RE = r"^\d{1,2}$"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_SHORT = ("mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_SHORT = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
# Month names that are safe on their own (not "may", "march", or an abbreviation such as "jan").
MONTHS_ALONE = tuple(m for m in MONTHS if m not in ("may", "march"))
ALL_MONTHS = MONTHS + MONTH_SHORT
UNITS = ("day", "days", "week", "weeks", "wk", "wks", "month", "months", "mth", "mths", "mnths",
         "year", "years", "yr", "yrs", "fortnight", "fortnights", "hour", "hours", "hrs")
NUMBER_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "fifteen", "twenty", "few", "a few", "several",
                "a couple of", "couple of", "a couple", "a good few", "a number of", "many")
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night", "lunchtime", "teatime")
# Single words that are dates on their own (with common spellings; EntitySynonymMapper maps the
# spellings listed in data/nlu/synonyms.yml to the standard word).
DATE_WORDS = ("yesterday", "yday", "yest", "ystrday", "yesterdy", "today", "tday", "2day",
              "tonight", "tonite", "2nite", "lastnight", "overnight")
HOLIDAYS = ("christmas", "xmas", "easter", "halloween", "summer", "winter", "spring", "autumn",
            "new year", "bonfire night", "the summer", "the winter", "the spring", "the autumn",
            "the new year", "the holidays", "the school holidays", "bank holiday",
            "the bank holiday", "boxing day", "new years", "new year's day", "new years eve")
# Words before a month that change its meaning ("since March") are part of the date; neutral ones
# ("in", "during") are only needed, and only included, before month names that are also ordinary
# words or abbreviations ("in May", "in mar").
ANCHORS = ("since", "from", "until", "till", "before", "after", "early", "mid", "late", "end of",
           "the end of", "start of", "the start of", "beginning of", "the beginning of",
           "middle of", "the middle of")
NEUTRAL_ANCHORS = ("in", "during", "on", "over", "around", "about", "last", "this", "next")
RELATIVE = ("last", "this", "next", "past", "previous")


# --- pattern helpers ---------------------------------------------------------------------------
def words(*options: str, op: str | None = None) -> list[Token]:
    """Token(s) matching any of the options (case-insensitive). Multi-word options are expanded."""
    single = sorted({o for o in options if " " not in o})
    multi = [o for o in options if " " in o]
    if multi:
        raise ValueError("use phrase() for multi-word options")
    token: Token = {"LOWER": {"IN": single}}
    if op:
        token["OP"] = op
    return [token]


def regex(pattern: str, op: str | None = None) -> Token:
    token: Token = {"TEXT": {"REGEX": pattern}}
    if op:
        token["OP"] = op
    return token


def orth(text: str, op: str | None = None) -> Token:
    token: Token = {"ORTH": text}
    if op:
        token["OP"] = op
    return token


def phrases(options: Iterable[str]) -> list[list[Token]]:
    """Alternative token sequences, one per option (each word matched case-insensitively)."""
    return [[{"LOWER": w} for w in option.split()] for option in options]


def sequences(*slots: list[list[Token]]) -> Iterator[list[Token]]:
    """Every concatenation of one alternative per slot (an empty alternative makes it optional)."""
    for combination in itertools.product(*slots):
        tokens = [token for part in combination for token in part]
        if tokens:
            yield tokens


def _one(*tokens: Token) -> list[list[Token]]:
    return [list(tokens)]


def _optional(alternatives: list[list[Token]]) -> list[list[Token]]:
    return [[]] + alternatives


# --- postcode ----------------------------------------------------------------------------------
def postcode_patterns() -> list[list[Token]]:
    return [
        [regex(POSTCODE_WHOLE_RE)],
        [regex(POSTCODE_OUTWARD_RE), regex(POSTCODE_INWARD_RE)],
    ]


# --- phone -------------------------------------------------------------------------------------
def _groupings(total: int, first: Iterable[int], max_groups: int = 4,
               smallest: int = 2, largest: int = 8) -> Iterator[tuple[int, ...]]:
    """Ways of writing `total` digits as 2..max_groups groups, the first of a length in `first`."""
    for head in first:
        rest_total = total - head
        for count in range(1, max_groups):
            for rest in itertools.product(range(smallest, largest + 1), repeat=count):
                if sum(rest) == rest_total:
                    yield (head, *rest)


def _digits(n: int, leading: str = r"\d") -> Token:
    return regex(rf"^{leading}\d{{{n - 1}}}$")


def phone_patterns() -> list[list[Token]]:
    dash = orth("-", "?")
    out: list[list[Token]] = [[regex(PHONE_WHOLE_RE)]]
    # National numbers written with spaces: 0161 496 0000, 07700 900123, (0161) 496 0000 ...
    for total in _NATIONAL_TOTALS:
        for groups in _groupings(total, first=(3, 4, 5)):
            tokens = [orth("(", "?"), _digits(groups[0], "0"), orth(")", "?")]
            for size in groups[1:]:
                tokens += [dash, _digits(size)]
            out.append(tokens)
    # International: +44 161 496 0000, +44 (0)161 496 0000, +44 (0) 7700 900123, 0044 20 7946 0000
    lead = regex(r"^(?:\+44|0044)$")
    for groups in _groupings(_INTERNATIONAL_DIGITS, first=(2, 3, 4)):
        for zero in ("none", "separate", "attached"):
            tokens = [lead]
            if zero == "separate":
                tokens += [orth("("), orth("0"), orth(")")]
            first_digit = r"(?:\(0\))?[1-9]" if zero == "attached" else "[1-9]"
            if zero == "attached":
                tokens.append(regex(rf"^\(0\)[1-9]\d{{{groups[0] - 1}}}$"))
            else:
                tokens.append(_digits(groups[0], first_digit))
            for size in groups[1:]:
                tokens += [dash, _digits(size)]
            out.append(tokens)
    # "+44 7700900123" (the rest in one token)
    out.append([lead, regex(r"^(?:\(0\))?[1-9]\d{9}$")])
    return out


# --- e-mail --------------------------------------------------------------------------------------
def email_patterns() -> list[list[Token]]:
    return [[regex(EMAIL_RE)]]


# --- case reference ----------------------------------------------------------------------------
def case_reference_patterns() -> list[list[Token]]:
    dash = orth("-", "?")
    check = regex(r"(?i)^[a-z0-9]\.?$")  # "x." at the end of a sentence is one token
    prefix = {"LOWER": {"IN": [p.lower() for p in CASE_PREFIXES]}}
    # Written in pieces ("CMP 7KQ4M X", "srq-7kq4m x"), the body must hold a digit or be written
    # in capitals, so ordinary words after a prefix ("asb twice a week", "cmp please") are not
    # taken for a reference.
    body = r"(?:(?=[a-zA-Z]*\d)[a-zA-Z0-9]{4,5}|[A-Z0-9]{4,5})"
    body_check = r"(?:(?=[a-zA-Z]*\d)[a-zA-Z0-9]{4,5}-?[a-zA-Z0-9]|[A-Z0-9]{4,5}-?[A-Z0-9])"
    return [
        [regex(CASE_REFERENCE_RE)],
        [prefix, dash, regex(rf"^{body}$"), dash, check],
        [prefix, dash, regex(rf"^{body_check}$")],
        [regex(rf"(?i)^{_PREFIX}-?(?=[a-z]*\d)[a-z0-9]{{4,5}}$"), dash, check],
        [regex(rf"^(?:{'|'.join(CASE_PREFIXES)})-?[A-Z0-9]{{4,5}}$"), dash, check],
    ]


# --- dates ---------------------------------------------------------------------------------------
def date_patterns() -> list[list[Token]]:
    the = [[{"LOWER": "the"}]]
    of = [[{"LOWER": "of"}]]
    day = [[regex(DAY_OF_MONTH_RE)]]
    month_any = [words(*ALL_MONTHS)]
    month_alone = [words(*MONTHS_ALONE)]
    year = [[regex(YEAR_RE)], [regex(SHORT_YEAR_RE)]]
    weekday = [words(*WEEKDAYS)]
    part_of_day = [words(*PARTS_OF_DAY)]
    relative = [words(*RELATIVE)]
    anchors = phrases(ANCHORS)
    count = [[regex(COUNT_RE)]] + phrases(NUMBER_WORDS)  # "3", "two", "a couple of"
    units = [words(*UNITS)]
    ago = [words("ago", "back", "before")]
    fuzzy = phrases(("about", "around", "roughly", "nearly", "almost", "over", "more than",
                     "less than", "just over", "just under", "at least", "a good"))

    out: list[list[Token]] = []
    add = out.extend
    # 12/03/2026, 12.03.26, 2026-03-12, 12/03
    out.append([regex(NUMERIC_DATE_RE)])
    # yesterday, today, tonight (optionally "yesterday morning"); "the day before yesterday"
    add(sequences([words(*DATE_WORDS)], _optional(part_of_day)))
    # since yesterday, from this morning, until tonight
    add(sequences(phrases(("since", "from", "until", "till", "before", "after")),
                  [words(*DATE_WORDS)], _optional(part_of_day)))
    add(phrases(("the day before yesterday", "the other day", "the other night", "earlier today",
                 "earlier this week", "earlier this month", "earlier this year", "this time last year",
                 "at the weekend", "over the weekend", "last weekend", "this weekend", "the weekend",
                 "a while ago", "a while back", "a long time ago", "ages ago", "recently",
                 "last thing at night", "first thing this morning")))
    # last night, this morning, last Tuesday, this week, past month, last Tuesday night
    add(sequences(relative, [words("night", "morning", "afternoon", "evening", "week", "month",
                                   "year", "weekend", "fortnight", "summer", "winter", "spring",
                                   "autumn", "christmas", "easter")]))
    add(sequences(_optional(relative + phrases(("since", "until", "from", "before", "after",
                                                 "by"))),
                  weekday, _optional(part_of_day)))
    add(sequences(relative + phrases(("on", "since", "until", "from", "before", "after", "by")),
                  [words(*WEEKDAY_SHORT)], _optional(part_of_day)))
    # 3 weeks ago, a couple of months ago, about two years ago
    add(sequences(_optional(fuzzy), count, units, ago))
    # for 3 weeks, for the last 2 months, the past few days, over a year, for months
    add(sequences(phrases(("for", "for the last", "for the past", "the last", "the past",
                           "over the last", "over the past", "in the last", "in the past",
                           "for over", "for nearly", "for almost", "for about", "for more than",
                           "for at least", "within the last")),
                  count, units))
    add(phrases(("for weeks", "for months", "for years", "for ages", "for days",
                 "for weeks now", "for months now", "for years now", "for ages now",
                 "for a long time", "for a while", "for over a year", "for nearly a year")))
    # 2nd of May, the 2nd of May 2026, 2 May, 2nd May 2026
    add(sequences(_optional(the), day, _optional(of), month_any, _optional(year)))
    # May 2nd, May 2nd 2026, May 2026
    add(sequences(month_any, day, _optional(year)))
    add(sequences(month_any, year))
    # since March, end of April, early June 2025; in May, during mar
    add(sequences(anchors, month_any, _optional(year)))
    ambiguous_months = [words(*(m for m in ALL_MONTHS if m not in MONTHS_ALONE))]
    add(sequences(phrases(NEUTRAL_ANCHORS), ambiguous_months, _optional(year)))
    # June, September 2025 (month names that are not also ordinary words)
    add(sequences(month_alone, _optional(year)))
    # since 2024, in 2023
    add(sequences(phrases(("since", "in", "from", "during", "early", "late", "mid", "end of",
                           "the end of", "summer", "spring", "autumn", "winter")), year))
    # since Christmas, over Easter, before the summer
    add(sequences(phrases(("since", "over", "at", "before", "after", "around", "during", "until",
                           "from", "last", "this")), phrases(HOLIDAYS)))
    # since last week, since 3 weeks ago -> the longest match already covers these, but
    # "since last Tuesday" needs "since" + relative + weekday
    add(sequences(phrases(("since", "from", "until", "before", "after")), relative,
                  weekday + [words("week", "month", "year", "night", "weekend", "summer",
                                   "winter", "christmas", "easter", "fortnight")]))
    # on the 3rd, the 14th (only with "on the" / "since the", to avoid "3rd floor")
    add(sequences(phrases(("on the", "since the", "from the", "until the", "before the",
                           "after the", "by the")), day))
    return out


# Spans that look like a date to the patterns above but are not one ("on the 3rd floor", "flat
# 12/3"). They are matched under this label so that, being longer, they win over the date; Rasa's
# SpacyEntityExtractor only passes on the five project labels, so they never reach a conversation.
IGNORED_LABEL = "not_an_entity"


def not_a_date_patterns() -> list[list[Token]]:
    day = [[regex(DAY_OF_MONTH_RE)]]
    things = [words("floor", "floors", "time", "times", "attempt", "visit", "visits", "occasion",
                    "call", "calls", "letter", "email", "engineer", "contractor", "person",
                    "stage", "complaint", "one", "house", "door", "block", "flat", "week", "month",
                    "year", "day", "appointment", "repair", "job")]
    return (
        list(sequences(_optional(phrases(("on the", "since the", "from the", "until the",
                                          "before the", "after the", "by the", "the"))), day,
                       things))
        + list(sequences(phrases(("flat", "apartment", "apt", "unit", "room", "no", "number",
                                  "house", "block", "door")), [[regex(NUMERIC_DATE_RE)]]))
    )


def entity_patterns() -> list[Pattern]:
    """Every `entity_ruler` pattern, labelled with the project's entity names (and the ignored
    label of spans that only look like one)."""
    groups = {
        "postcode": postcode_patterns(),
        "phone": phone_patterns(),
        "email": email_patterns(),
        "case_reference": case_reference_patterns(),
        "date": date_patterns(),
        IGNORED_LABEL: not_a_date_patterns(),
    }
    patterns: list[Pattern] = []
    for label, token_patterns in groups.items():
        seen: set[str] = set()
        for tokens in token_patterns:
            key = repr(tokens)
            if key in seen:
                continue
            seen.add(key)
            patterns.append({"label": label, "pattern": tokens})
    return patterns


# The tokenizer keeps these in one token (each alternative is anchored; spaCy calls `.match`).
TOKEN_MATCH = "|".join(
    f"(?:{alternative})"
    for alternative in (
        CASE_REFERENCE_RE.replace("(?i)", ""),
        PHONE_WHOLE_RE,
        NUMERIC_DATE_RE,
        r"^\(0\)[1-9]\d{1,4}$",
        # the body of a reference written in pieces ("cmp 7kq4m x"): otherwise a trailing "m"
        # after a digit is split off as a unit of length
        CASE_BODY_TOKEN_RE,
    )
)
TOKEN_MATCH = "(?i)" + TOKEN_MATCH
