"""Read "when did it happen" answers: the resident's words are kept, and a date parsed from them.

dateparser does the parsing; this module tidies the phrasing residents use that dateparser does
not take as it is ("last Tuesday", "since March", "a fortnight ago", "about 3 weeks ago"), and adds
thin rules only where dateparser gets it wrong:

- a phrase pointing to the future ("next Tuesday", "in two weeks") is not a date something
  happened on: `read_event_date` says FUTURE, so the resident is asked when it happened;
- a day that no month has ("31st of February") is IMPOSSIBLE, not the 1st of the month;
- "from the start": a month, a season or a year means its first day ("since March" is 1 March,
  "since 2020" is 1 January 2020, "summer 2025" is 1 June 2025); "end of October" is its last day;
- a bare day ("on the 4th") is that day of this month if it has passed, else of last month;
- holidays ("New Year's Eve", "Christmas", "Easter") and festivals ("Diwali", "Eid", "Burns
  night", "Whitsun") are their last occurrence; "the week after Easter" and "the Sunday after
  Remembrance Sunday" count from them; the dates of Diwali and Eid come from `holidays`;
- "may" is a month only where it is not the verb ("I may have reported it in June" is June).

`today` is the UK date: the caller passes the current time, and an aware time is read in
Europe/London.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser
from dateparser.search import search_dates
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from functools import lru_cache

import holidays

from bot import vocabulary
from bot.intake.numbers import NUMBER_WORDS, VAGUE_COUNTS

UK = vocabulary.UK

# What a reading is.
DATE = "date"              # a date in the past (or today)
UNSURE = "unsure"          # "not sure", "I don't remember": accepted without a date
FUTURE = "future"          # points to the future: ask when it happened
IMPOSSIBLE = "impossible"  # a day that does not exist, such as the 31st of February
UNREADABLE = "unreadable"  # no date in it: ask again


@dataclass(frozen=True)
class Reading:
    kind: str
    date: date | None = None


_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "DATE_ORDER": "DMY",          # British order: 02/05 is the 2nd of May
    "PREFER_DAY_OF_MONTH": "first",  # "since March" means from the start of March
    "RETURN_AS_TIMEZONE_AWARE": False,
}

_UNSURE = re.compile(
    r"^\s*((honestly|tbh|to be honest|sorry|um+|erm+|well|oh)[,.]?\s+)*(i\s*)?(don'?t|do not|dont|can'?t|cannot)\s+"
    r"(know|remember|recall|tell)|"
    r"^\s*(not sure|nae sure|no sure|unsure|no idea|dunno|idk|how would i know|i'?d be lying)\b",
    re.I)
_FILLER = re.compile(r"\b(about|around|roughly|approximately|approx|maybe|probably|since|from|on|at|in|for|"
                     r"it was|it started|started|began|back|ish|or so|the|just gone|gone)\b", re.I)
_LAST_WEEKDAY = re.compile(r"\blast\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_WORD_NUMBERS = {**{words: str(count) for words, count in VAGUE_COUNTS.items() if words != "few"},
                 "a fortnight": "2 weeks", "fortnight": "2 weeks", "a 2 weeks": "2 weeks"}

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Weekdays as residents shorten them ("sat", "tues", "thurs", "weds"): the day meant.
WEEKDAY_SHORT = {**{day[:n]: day for day in WEEKDAYS for n in (3, 4, 5)}, "weds": "wednesday"}
_WEEKDAY = "(" + "|".join(WEEKDAYS) + ")"
_UNIT = r"(day|week|month|year)s?"
_LEAD = r"(?:(?:on|since|from|around|about|approx\w*|roughly|maybe|probably|it was|it started|started|back|in)\s+)*"

_FUTURE = re.compile(
    r"\b(tomorrow|tonight\s+(?:at|after)|the day after tomorrow"
    rf"|next\s+(week|month|year|weekend|{_WEEKDAY[1:-1]}|{_MONTH[1:-1]})"
    rf"|in\s+(\d+|a|an|a few|a couple of)\s+(more\s+)?{_UNIT}(\s+time)?(?!\s+(ago|back|before))"
    rf"|\d+\s+{_UNIT}'?\s+time|from now|this coming|coming\s+{_WEEKDAY}|later\s+(today|this)"
    rf"|\d+\s+weeks?\s+(today|tomorrow|on\s+{_WEEKDAY}))\b")

_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}  # not "fall": "she had a fall"
_PART = (r"(early|the beginning of|beginning of|the start of|start of|mid|the middle of|middle of|late|"
         r"the end of|end of)")
_HOLIDAY = re.compile(
    r"\b(new years eve|new years day|new years|new year|christmas eve|christmas day|christmas|xmas|boxing day|"
    r"bonfire night|guy fawkes night|halloween|valentines day|valentines|good friday|easter monday|"
    r"easter sunday|easter|hogmanay|february half term|feb half term|may half term|october half term|"
    r"oct half term|end of the summer holidays|end of the summer hols|end of summer holidays|"
    r"back to school in august|summer holidays|summer hols|"
    r"burns night|st\.? patricks day|saint patricks day|paddys day|"
    r"st\.? davids day|st\.? georges day|st\.? andrews day|all saints( day)?|armistice day|remembrance day|"
    r"remembrance sunday|remembrance weekend|week of remembrance|remembrance|black friday|back to school|"
    r"whit sunday|whitsun|pentecost|shrove tuesday|pancake day|"
    r"mothering sunday|mothers day|fathers day|diwali|deepavali|divali|ramadan|ramzan|"
    r"eid (?:al|ul|el)[- ]?fitr|eid[- ]ul[- ]fitr|small eid|little eid|meethi eid|"
    r"eid (?:al|ul|el)[- ]?adha|eid[- ]ul[- ]adha|bakri eid|bakra eid|kurbani eid|qurbani eid|big eid|eid|"
    r"chinese new year|lunar new year|clocks back|clocks forward|clocks changed|vaisakhi|baisakhi|october week|"
    r"october holidays|"
    r"october hols|tattie holidays|notting hill carnival|jewish new year|"
    r"carnival weekend|carnival|erev rosh hashanah?|rosh hashanah?|yom kippur|erev pesach|pesach|passover|sukkot|"
    r"succot|shavuot|purim|tet|vietnamese new year|mid ramadan|after the easter holidays|grand national(?: day)?|"
    r"world cup final|euros final|euro final|platinum jubilee|jubilee (?:weekend|street party|bank holiday)|"
    r"coronation(?! (?:street|st|road|rd|avenue|close|drive|court|gardens))|the queen died|half term|"
    r"(?:the )?queen'?s funeral)\b(\s+(\d{4}))?")
# Days before or after a holiday: "the week after Easter", "the Sunday after Remembrance Sunday".
_NEAR_HOLIDAY = re.compile(r"\b(?:the )?(week|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                           r"(?: (?:morning|afternoon|evening|night))? (before|after)\s+$")
_FIXED_HOLIDAYS = {"new years eve": (12, 31), "new years day": (1, 1), "new years": (1, 1), "new year": (1, 1),
                   "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
                   "xmas": (12, 25), "boxing day": (12, 26), "bonfire night": (11, 5),
                   "guy fawkes night": (11, 5), "halloween": (10, 31), "valentines day": (2, 14),
                   "valentines": (2, 14), "hogmanay": (12, 31),
                   # School holidays in England, roughly: the Monday they usually start.
                   "february half term": (2, 16), "feb half term": (2, 16), "may half term": (5, 25),
                   "october half term": (10, 26), "oct half term": (10, 26), "summer holidays": (7, 22),
                   "summer hols": (7, 22), "back to school": (9, 3),
                   "end of the summer holidays": (9, 1), "end of the summer hols": (9, 1),
                   "end of summer holidays": (9, 1),
                   # Schools in Scotland go back in the middle of August.
                   "back to school in august": (8, 17),
                   "burns night": (1, 25), "st patricks day": (3, 17), "paddys day": (3, 17),
                   "st davids day": (3, 1), "st georges day": (4, 23), "st andrews day": (11, 30),
                   "all saints": (11, 1), "armistice day": (11, 11), "remembrance day": (11, 11),
                   "vaisakhi": (4, 14), "baisakhi": (4, 14), "october week": (10, 12)}
# The Notting Hill Carnival: the Sunday and Monday of the August bank holiday weekend.
# Schools go back about two weeks after Easter Sunday.
_EASTER_OFFSET = {"after the easter holidays": 15, "good friday": -2, "easter sunday": 0, "easter": 0,
                  "easter monday": 1, "whitsun": 49, "whit sunday": 49, "pentecost": 49, "shrove tuesday": -47,
                  "pancake day": -47,
                  "mothering sunday": -21, "mothers day": -21}
# Festivals whose dates move with other calendars, as the `holidays` package has them: the
# country whose calendar it is and the words of the holiday's name there. Ramadan is read as its
# start, about 29 days before Eid al-Fitr.
_FESTIVALS = {"diwali": ("IN", ("Diwali", "Deepavali")), "eid al fitr": ("AE", ("Eid al-Fitr",)),
              "eid al adha": ("AE", ("Eid al-Adha",)), "chinese new year": ("SG", ("Chinese New Year",)),
              # Jewish festivals, from Israel's calendar (the day; "erev" is the evening before).
              "pesach": ("IL", ("Pesach",)), "rosh hashanah": ("IL", ("Rosh Hashanah",)),
              "yom kippur": ("IL", ("Yom Kippur",)), "sukkot": ("IL", ("Sukkot",)),
              "shavuot": ("IL", ("Shavuot",)), "purim": ("IL", ("Purim",))}
_FESTIVAL_NAMES = {"deepavali": "diwali", "divali": "diwali", "small eid": "eid al fitr",
                   "little eid": "eid al fitr", "meethi eid": "eid al fitr", "bakri eid": "eid al adha",
                   "bakra eid": "eid al adha", "kurbani eid": "eid al adha", "qurbani eid": "eid al adha",
                   "big eid": "eid al adha", "lunar new year": "chinese new year", "ramzan": "ramadan",
                   "passover": "pesach", "rosh hashana": "rosh hashanah", "erev rosh hashana": "erev rosh hashanah",
                   "succot": "sukkot", "remembrance": "remembrance sunday", "jewish new year": "rosh hashanah",
                   "october holidays": "october week", "october hols": "october week",
                   "tattie holidays": "october week", "tet": "chinese new year",
                   "vietnamese new year": "chinese new year", "grand national day": "grand national",
                   "euro final": "euros final", "jubilee weekend": "platinum jubilee",
                   "jubilee street party": "platinum jubilee", "jubilee bank holiday": "platinum jubilee",
                   "the queens funeral": "queens funeral", "queen s funeral": "queens funeral",
                   "remembrance weekend": "remembrance sunday", "week of remembrance": "remembrance sunday"}
# Days people remember by the event that happened on them, which follow no rule: the years known.
_EVENTS = {"grand national": {2022: (4, 9), 2023: (4, 15), 2024: (4, 13), 2025: (4, 5), 2026: (4, 11)},
           "world cup final": {2018: (7, 15), 2022: (12, 18), 2026: (7, 19)},
           "euros final": {2021: (7, 11), 2024: (7, 14)},
           "platinum jubilee": {2022: (6, 2)}, "coronation": {2023: (5, 6)}, "the queen died": {2022: (9, 8)},
           "queens funeral": {2022: (9, 19)}}
_TIME_OF_DAY = re.compile(r"\b(in the |on a |a )?(early |late )?(morning|afternoon|evening|lunchtime|"
                          r"lunch time|teatime|night time|daytime)\b")


def nearest_weekday(day: date, weekday: int, after: bool) -> date:
    """The first `weekday` (0 Monday) strictly after `day`, or strictly before it."""
    if after:
        return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)
    return day - timedelta(days=(day.weekday() - weekday - 1) % 7 + 1)


def _clocks_said(near: str) -> str:
    """Which change of the clocks the words after "the clocks changed" name ("the spring one"):
    forward when spring, March or forward is said, back when autumn, October or back is; else
    "clocks changed" (the latest, see `_holiday`)."""
    if re.search(r"\b(spring|march|forward)", near):
        return "clocks forward"
    return "clocks back" if re.search(r"\b(autumn|october|back)", near) else "clocks changed"


def name_the_clocks(text: str) -> str:
    """"the clocks changed, the spring one" as "clocks forward" (the change the words after it
    name; "clocks changed" when they name none): before an answer is cut into pieces."""
    return re.sub(r"\b(the )?clocks (changed|change|changing)\b(?=([^.]{0,40}\w*))",
                  lambda match: _clocks_said(match.group(3)), text, flags=re.I)


def says_future(text: str) -> bool:
    """Whether the words name a time still to come ("next week", "in two days", "tomorrow")."""
    return bool(_FUTURE.search(_normalise(text)))


def is_unsure(text: str) -> bool:
    return bool(_UNSURE.search(text or ""))


def uk_today(now: datetime) -> datetime:
    """`now` as a naive UK wall-clock time (an aware time is converted to Europe/London)."""
    if now.tzinfo is not None and now.utcoffset() is not None:
        return now.astimezone(UK).replace(tzinfo=None)
    return now


# "may" after words that name a time is the month ("it began in May not long after..."), whatever follows.
MAY_NOT_THE_MONTH = "".join(rf"(?<!\b{word} )" for word in (
    "in", "since", "from", "of", "last", "this", "early", "late", "mid", "by", "until", "till", "before",
    "after", "end")) + r"\bmay"


# "stuck up on the 14th floor", "the 3rd time": an ordinal that is not a day.
NOT_A_DAY = re.compile(r"\b\d{1,3}(st|nd|rd|th) (floor|storey|story|time|birthday|anniversary|century|row|"
                        r"generation)s?\b", re.I)


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    # "may" is the month only where it is not the verb: "I may have", "it may be", "may have been".
    text = re.sub(r"\b(i|you|he|she|it|we|they|that|this|there|which|who)\s+may\b", r"\1 might", text)
    text = re.sub(MAY_NOT_THE_MONTH + r"\s+(have|be|been|not|well|also|of)\b", r"might \1", text)
    text = NOT_A_DAY.sub(" ", text)
    # "sat after bonfire nite": a weekday shortened, before or after a day.
    text = re.sub(r"\b(sat|sun|mon|tues?|weds?|thu|thur|thurs|fri)\s+(?=(after|before)\b)",
                  lambda m: WEEKDAY_SHORT[m.group(1)] + " ", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\bhalf-term\b", "half term", text)
    # "after Ramadan", "ramadan finish": the Eid at its end.
    text = re.sub(r"\b(after|end of|last days of) ramadan\b|\bramadan (finish\w*|ended|end|near the end)\b"
                  r"|\bjust before eid\b|\bramazan bayram\w*|\bseker bayram\w*", "eid al fitr", text)
    text = re.sub(r"\bkurban bayram\w*", "eid al adha", text)
    text = re.sub(r"\b(the )?(middle|mid)( of)?[- ]ramadan\b", "mid ramadan", text)
    if "mid ramadan" in text:  # "from Ramadan, maybe middle of Ramadan": the nearer said
        text = re.sub(r"(?<!mid )\bramadan\b", "mid ramadan", text)
    # "Eid, the first day of Eid after Ramadan": every Eid in it is the one named.
    for which in ("eid al fitr", "eid al adha"):
        if which in text and ("eid al adha" if which == "eid al fitr" else "eid al fitr") not in text:
            text = re.sub(r"\beid\b(?! al)", which, text)
    text = re.sub(r"\b((right |just )?after|end of) the easter (holidays|hols)\b"
                  r"|\b(kids|children|schools?) (went|go|going) back after easter\b", "after the easter holidays", text)
    # Schools in Scotland start in the middle of August: "since our Ellie started P1 in August".
    text = re.sub(r"\b(started|starting|start|went back to|back to) (school|p1|primary( school)?|nursery|reception|"
                  r"high school|secondary( school)?)( in| in the middle of| mid)? august\b", "back to school in august",
                  text)
    text = re.sub(r"\bautum\b", "autumn", text)
    text = re.sub(r"\bsum ?time\b", "sometime", text)
    text = re.sub(r"\b(a )?couple (of )?months? (back|ago)\b", "2 months ago", text)
    # The Twelfth (Northern Ireland) is said with a capital letter; "the eleventh night" is its eve.
    text = re.sub(r"\beleventh night\b", "11 july", text)
    text = re.sub(r"\b(the )?clocks (went|go|gone|change|changed|going|were going) "
                  r"(back|forwards?|for ?word|foward|forrit|forrard|forard)\b",
                  lambda m: "clocks back" if m.group(3) == "back" else "clocks forward", text)
    # "the clocks changed, the spring one": which change, said near it.
    text = name_the_clocks(text)
    # Back to school: the first week of September, however it is said.
    text = re.sub(r"\b(the )?(kids|schools?|children|they) (went|go|going|gone|were going|got) back( to school)?\b"
                  r"|\b(the )?(start|beginning) of (the )?(new )?school year\b|\bnew school year\b", "back to school",
                  text)
    # "the other day": a few days ago, as people mean it.
    text = re.sub(r"\b(the\s+)?other\s+day\b", "a few days ago", text)
    for words, number in _WORD_NUMBERS.items():
        text = re.sub(rf"\b{words}\b", number, text)
    text = re.sub(r"\b(" + "|".join(NUMBER_WORDS) + r")\b(?=\s+(more\s+)?(day|week|month|year)s?\b)",
                  lambda m: str(NUMBER_WORDS[m.group(1)]), text)
    text = re.sub(r"\b(a|an)\s+(day|week|month|year)\b", r"1 \2", text)
    text = re.sub(r"[^\w/.\- ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _tidy(text: str) -> str:
    """What dateparser is given: the normalised words without fillers."""
    text = _LAST_WEEKDAY.sub(r"\1", text)  # PREFER_DATES_FROM=past already means the last one
    text = _TIME_OF_DAY.sub(" ", text)
    text = re.sub(r"\b(a|on a)\s+(?=" + _WEEKDAY + r")", " ", text)  # "a Sunday morning"
    text = _FILLER.sub(" ", text)
    text = re.sub(r"\bof\b", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w/.\- ]", " ", text)).strip()


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _latest(candidates, today: date) -> date | None:
    """The latest of the candidate dates that is not after today."""
    past = [d for d in candidates if d is not None and d <= today]
    return max(past) if past else None


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the month has no such day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_of(text: str | None, today: date) -> int | None:
    if not text:
        return None
    text = text.strip()
    if text in ("this year", "the year"):
        return today.year
    if text == "last year":
        return today.year - 1
    return int(text) if text.isdigit() else None


def _impossible(text: str) -> bool:
    """A day of a named month that no year has (the 31st of February, the 31st of April)."""
    for match in re.finditer(rf"\b(\d{{1,2}})\s+(?:of\s+)?{_MONTH}\b(?:\s+(\d{{4}}))?", text):
        day, month, year = int(match.group(1)), MONTHS[match.group(2)], match.group(3)
        if safe_date(int(year) if year else 2024, month, day) is None:  # 2024: a leap year
            return True
    for match in re.finditer(rf"\b{_MONTH}\s+(\d{{1,2}})\b(?![\d:])(?:\s+(\d{{4}}))?", text):
        month, day, year = MONTHS[match.group(1)], int(match.group(2)), match.group(3)
        if safe_date(int(year) if year else 2024, month, day) is None:
            return True
    for match in re.finditer(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\b", text):
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if 1 <= month <= 12:
            full = int(year) + (2000 if len(year) == 2 else 0) if year else 2024
            if safe_date(full, month, day) is None:
                return True
    return False


@lru_cache(maxsize=64)
def _festival(name: str, year: int) -> date | None:
    """The first day of a festival in `year`, from the `holidays` package's calendars."""
    if name in ("ramadan", "mid ramadan"):
        eid = _festival("eid al fitr", year)
        return eid - timedelta(days=29 if name == "ramadan" else 15) if eid else None
    if name.startswith("erev "):
        day = _festival(name[5:], year)
        return day - timedelta(days=1) if day else None
    country, words = _FESTIVALS[name]
    # Purim is in Israel's optional category only.
    categories = ("public", "optional") if country == "IL" else ("public",)
    days = holidays.country_holidays(country, years=year, categories=categories)
    found = sorted(d for d, said in days.items() if any(word in said for word in words))
    return found[0] if found else None


def _holiday_name(said: str) -> str:
    name = re.sub(r"^(st\.?|saint) ", "st ", said.replace("-", " "))
    name = re.sub(r"^eid (al|ul|el) ?", "eid al ", re.sub(r"^eid ul ", "eid al ", name))
    return _FESTIVAL_NAMES.get(name, re.sub(r"^all saints day$", "all saints", name))


def _holiday_on(name: str, y: int) -> date | None:
    if name in _EASTER_OFFSET:
        return easter(y) + timedelta(days=_EASTER_OFFSET[name])
    if name in _FIXED_HOLIDAYS:
        month, day = _FIXED_HOLIDAYS[name]
        return date(y, month, day)
    if name in _EVENTS:
        known = _EVENTS[name].get(y)
        return date(y, *known) if known else None
    if name == "remembrance sunday":  # the second Sunday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7)
    if name in ("clocks back", "clocks forward"):  # the last Sunday of October (forward: of March)
        last = date(y, 10 if name == "clocks back" else 3, 31)
        return last - timedelta(days=(last.weekday() + 1) % 7)
    if name in ("carnival", "carnival weekend", "notting hill carnival"):
        last = date(y, 8, 31)
        return last - timedelta(days=(last.weekday() + 1) % 7)  # the Sunday before the last Monday
    if name == "black friday":  # the day after the fourth Thursday of November
        first = date(y, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21 + 1)
    if name == "fathers day":  # the third Sunday of June
        first = date(y, 6, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 14)
    if name == "eid":  # either Eid: the later of the two (see _holiday for a month said with it)
        days = [d for d in (_festival("eid al fitr", y), _festival("eid al adha", y)) if d]
        return max(days) if days else None
    return _festival(name, y)


def _holiday(text: str, today: date) -> Reading | None:
    match = _HOLIDAY.search(text)
    if not match:
        return None
    name, year = _holiday_name(match.group(1)), match.group(3)
    month = re.search(rf"\b{_MONTH}\b", text)
    if name == "eid" and month:
        # "since Eid in March": the Eid of that month.
        for which in ("eid al fitr", "eid al adha"):
            if any((day := _festival(which, y)) and day.month == MONTHS[month.group(1)]
                   for y in (today.year, today.year - 1)):
                name = which
                break
    near = _NEAR_HOLIDAY.search(text[:match.start()])
    # "when we went back after half term": the Monday the week off ended with.
    back_after = "half term" in name and re.search(r"\b(back|returned|return)( to (school|work|college))? after "
                                                   r"(the )?$", text[:match.start()])
    if name == "half term":  # "since half term": the latest of February's, May's and October's
        terms = [(day, f"{term} half term") for y in (today.year, today.year - 1)
                 for term in ("february", "may", "october")
                 if (day := _holiday_on(f"{term} half term", int(year) if year else y)) and day <= today]
        name = max(terms)[1] if terms else "october half term"
    if name == "clocks changed":
        name = _clocks_said(text[match.end():match.end() + 40])
    if name == "clocks changed":  # nothing said of which: the latest change
        changes = [(day, which) for y in (today.year, today.year - 1) for which in ("clocks back", "clocks forward")
                   if (day := _holiday_on(which, int(year) if year else y)) and day <= today]
        name = max(changes)[1] if changes else "clocks back"

    def on(y: int) -> date | None:
        day = _holiday_on(name, y)
        if day is not None and back_after:
            return day + timedelta(days=7)
        if day is None or near is None:
            return day
        step = 1 if near.group(2) == "after" else -1
        if near.group(1) == "week":
            return day + timedelta(days=7 * step)
        weekday = 5 if near.group(1) == "weekend" else WEEKDAYS.index(near.group(1))  # a weekend: its Saturday
        return nearest_weekday(day, weekday, after=step == 1)

    if year:
        day = on(int(year))
        if day is None:
            return None
        return Reading(DATE, day) if day <= today else Reading(FUTURE)
    years = {today.year, today.year - 1}
    if name in _EVENTS:  # a day that comes once ("the coronation"): its latest known year
        years |= {max((y for y in _EVENTS[name] if y <= today.year), default=today.year)}
    latest = _latest([on(y) for y in sorted(years, reverse=True)], today)
    return Reading(DATE, latest) if latest else None


def day_near_holiday(phrase: str, today: date) -> date | None:
    """The day a phrase such as "the Tuesday after bonfire night" or "the week before Easter"
    names, or None when it does not start that way."""
    words = _normalise(phrase)
    match = _HOLIDAY.search(words)
    if not match or not _NEAR_HOLIDAY.search(words[:match.start()]):
        return None
    reading = _holiday(words, today)
    return reading.date if reading is not None and reading.kind == DATE else None


def _season(text: str, today: date) -> Reading | None:
    match = re.search(r"\b(?:(early|mid|late|(?:the )?(?:start|beginning|middle|end) of(?: the)?)\s+)?"
                      r"(?:(last|this)\s+)?(spring|summer|autumn|winter)"
                      r"\b(?:\s+(?:of\s+)?(\d{4}|last year|this year))?", text)
    if not match:
        return None
    part, which, season, year = match.groups()
    if part is not None and " of" in part:  # "the end of the summer": its last month
        part = {"start": "early", "beginning": "early", "middle": "mid", "end": "late"}[
            re.sub(r"^the ", "", part).split()[0]]
    if part is None and re.search(r"\b(just )?before( the)?\s+$", text[:match.start()]):
        # "before the summer": the fortnight before it started, as near as can be said.
        start = _season(text[match.start():], today)
        if start is not None and start.date is not None:
            first = date(start.date.year, _SEASONS[season], 1)
            return Reading(DATE, first - timedelta(days=14))
        return start
    # A season said on its own ("last spring") is read as its middle: closer to what was meant,
    # whichever part of it that was. With a year ("summer 2025") it is read from its start.
    middle = part is None and year is None
    offset = {"early": 0, "mid": 1, "late": 2, None: 1 if middle else 0}[part]
    start_month = _SEASONS[season]

    def start(y: int) -> date:
        return date(y, start_month, 1) + relativedelta(months=offset, day=15 if part == "mid" or middle else 1)

    given = _year_of(year, today)
    if given is not None:
        day = start(given)
        return Reading(DATE, day) if day <= today else Reading(FUTURE)
    latest = _latest((start(today.year), start(today.year - 1)), today)
    if which == "last" and latest is not None and date(latest.year, start_month, 1) + relativedelta(months=3) > today:
        latest = start(latest.year - 1)  # "last summer" said during the summer: the one before
    return Reading(DATE, latest)


def _part_of(text: str, today: date) -> Reading | None:
    """"end of October", "early this year", "mid 2024", "the start of last month"."""
    match = re.search(rf"\b{_PART}\s+(?:(this|last)\s+)?{_MONTH}\b(?:\s+(\d{{4}}))?", text)
    if match:
        part, which, month, year = match.groups()
        month = MONTHS[month]

        def pick(y: int) -> date:
            if part.endswith(("beginning of", "start of")) or part == "early":
                return date(y, month, 1)
            if part.endswith("middle of") or part == "mid":
                return date(y, month, 15)
            if part == "late":
                return date(y, month, 24)  # the middle of its last third; "the end of" is its last day
            return date(y, month, _last_day(y, month))

        if year:
            day = pick(int(year))
            return Reading(DATE, day) if day <= today else Reading(FUTURE)
        if which == "last":
            return Reading(DATE, pick(today.year - 1))
        return Reading(DATE, _latest((pick(today.year), pick(today.year - 1)), today))
    match = re.search(rf"\b{_PART}\s+(this year|last year|the year|\d{{4}}|this month|last month|the month)\b", text)
    if match:
        part, when = match.groups()
        if when.endswith("month"):
            first = today.replace(day=1) - (relativedelta(months=1) if when == "last month" else relativedelta())
            start, end = first, first + relativedelta(day=31)
            middle = first.replace(day=15)
        else:
            y = _year_of(when, today)
            start, middle, end = date(y, 1, 1), date(y, 7, 1), date(y, 12, 31)
            # "early last year", "late 2024": a third of a year, not its first or last day.
            if part == "early":
                start = date(y, 2, 1)
            elif part == "late":
                end = date(y, 11, 1)
        if part.endswith(("beginning of", "start of")) or part == "early":
            day = start
        elif part.endswith("middle of") or part == "mid":
            day = middle
        else:
            day = end
        if when == "the month" and day >= today:
            # "since the start of the month" said on the 1st, "the middle of the month" on the 5th:
            # the month they have been living in, the one before.
            day = (start - relativedelta(months=1)) + relativedelta(day=day.day if day.day <= 28 else 31)
        return Reading(DATE, day) if day <= today else Reading(FUTURE)
    if re.fullmatch(_LEAD + r"(this year)", text):
        return Reading(DATE, date(today.year, 1, 1))
    return None


def _bare_year(text: str, today: date) -> Reading | None:
    match = re.fullmatch(_LEAD + r"(\d{4})(?:\s+(?:or so|ish|or thereabouts))?", text)
    if not match:
        return None
    year = int(match.group(1))
    if year > today.year:
        return Reading(FUTURE)
    if year < 1900:
        return Reading(UNREADABLE)
    return Reading(DATE, date(year, 1, 1))


def _bare_day(original: str, today: date) -> Reading | None:
    """"on the 4th", "since the 10th": that day of this month if it has passed, else of last
    month (or the latest month before that has such a day)."""
    match = re.fullmatch(_LEAD + r"(the\s+)?(\d{1,2})(st|nd|rd|th)?(?:\s+of\s+(this|last)\s+month)?",
                         original.strip().lower())
    if not match or not (match.group(1) or match.group(3)):
        return None  # a bare number is not taken as a day
    day, which = int(match.group(2)), match.group(4)
    if not 1 <= day <= 31:
        return Reading(IMPOSSIBLE)
    first = today.replace(day=1)
    if which == "last":
        first -= relativedelta(months=1)
    for back in range(0, 12):
        month = first - relativedelta(months=back)
        found = safe_date(month.year, month.month, day)
        if found is not None and found <= today:
            return Reading(DATE, found)
        if which == "this":
            return Reading(FUTURE) if found is not None else Reading(IMPOSSIBLE)
    return None


def _weekday_phrase(text: str, today: date) -> Reading | None:
    if re.fullmatch(_LEAD + r"(this (morning|afternoon|evening)|today|earlier today|tonight)", text):
        return Reading(DATE, today)
    if re.fullmatch(_LEAD + r"(last night|yesterday (morning|afternoon|evening))", text):
        return Reading(DATE, today - timedelta(days=1))
    match = re.search(r"\b(last|the|over the|at the|this)?\s*weekend\b", text)
    if match:
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        if match.group(1) == "last" and today.weekday() >= 5:
            saturday -= timedelta(days=7)
        return Reading(DATE, saturday)
    match = re.search(rf"\b{_WEEKDAY}\s+(?:of\s+)?last week\b|\blast week\s+(?:on\s+)?{_WEEKDAY}\b", text)
    if match:
        weekday = WEEKDAYS.index(match.group(1) or match.group(2))
        monday = today - timedelta(days=today.weekday() + 7)
        return Reading(DATE, monday + timedelta(days=weekday))
    return None


def _parse(candidate: str, settings: dict) -> datetime | None:
    return dateparser.parse(candidate, languages=["en"], settings=settings) if candidate else None


_DATE_WORDS = re.compile(rf"\b{_MONTH}\b|\b{_WEEKDAY}\b|\bago\b|\byesterday\b|\btoday\b|\blast (week|month|year)\b"
                         r"|\d{1,2}[/.]\d{1,2}")


# dateparser reads a lone "years" as the 1st of this month: a date needs one of these.
_DATEISH = re.compile(rf"\d|\b{_MONTH}\b|\b{_WEEKDAY}\b|\b(yesterday|today|ago|last|this|previous)\b")


def _search(candidate: str, settings: dict, today: date) -> Reading | None:
    """A date inside a longer sentence ("I rang on the 2nd of November"): only a match that
    names a month, a weekday or a time ago, or a year alone (its first day)."""
    try:
        found = search_dates(candidate, languages=["en"], settings=settings) or []
    except Exception:  # noqa: BLE001 - dateparser's search raises on odd input
        found = []
    for words, moment in found:
        words = words.strip()
        if re.fullmatch(r"\D*\b(\d{4})\b\D*", words) and not _DATE_WORDS.search(words):
            year = int(re.search(r"\d{4}", words).group())
            return _bare_year(str(year), today)
        if _DATE_WORDS.search(words):
            return Reading(DATE, moment.date()) if moment.date() <= today else Reading(FUTURE)
    return None


def _year_named(words: str, today: date) -> str:
    """"march this year", "the 2nd of june last year": the year as a number, so the month (and
    day) are kept; "last year" alone still means about a year ago."""
    def year(match: re.Match) -> str:
        return f"{match.group('month')} {today.year - (match.group('which') == 'last')}"

    return re.sub(rf"\b(?P<month>{_MONTH})\s+(?P<which>this|last)\s+year\b", year, words)


def read_event_date(text: str, now: datetime) -> Reading:
    """What a resident's answer to "when did it happen?" says (see the module's rules)."""
    if not text or not text.strip():
        return Reading(UNREADABLE)
    if is_unsure(text):
        return Reading(UNSURE)
    text = NOT_A_DAY.sub(" ", text)
    now = uk_today(now)
    today = now.date()
    words = _year_named(_normalise(text), today)
    if not words:
        return Reading(UNREADABLE)
    if _FUTURE.search(words):
        return Reading(FUTURE)
    if _impossible(words):
        return Reading(IMPOSSIBLE)
    for rule in (_holiday, _season, _part_of, _bare_year, _weekday_phrase):
        reading = rule(words, today)
        if reading is not None:
            return reading
    reading = _bare_day(text, today)
    if reading is not None:
        return reading
    if re.fullmatch(r"\d{1,2}", words):
        return Reading(UNREADABLE)  # "4": a number, not a date
    settings = dict(_SETTINGS, RELATIVE_BASE=now)
    tidy = _tidy(words)
    for candidate in dict.fromkeys((tidy, words)):
        parsed = _parse(candidate, settings) if _DATEISH.search(candidate) else None
        if parsed is not None:
            return Reading(DATE, parsed.date()) if parsed.date() <= today else Reading(FUTURE)
    return _search(tidy, settings, today) or Reading(UNREADABLE)


def parse_event_date(text: str, now: datetime) -> date | None:
    """The date a resident's words point to, or None when there is none (or it is in the future)."""
    return read_event_date(text, now).date
