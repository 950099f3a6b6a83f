"""The resident-answer sets and how a reading is scored against their labels.

Each set (answers_*.yml) holds answers written blind by someone who had not seen the code or the
training data, each labelled with what it means. `answers_dev.yml` may be looked at and tuned
on; `answers_blind.yml` is held out: it is only measured (its misreadings are printed by the
benchmark, never copied into rules). Used by `make bench-conversations` and its CI floor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import yaml

from bot.intake import reading as r
from bot.intake.fields import FIELD_LABELS

HERE = Path(__file__).resolve().parent
DEV_FILE = HERE / "answers_dev.yml"
BLIND_FILE = HERE / "answers_blind.yml"
# Written blind after the reader was tuned on the two above; measured once, never tuned on.
FRESH_FILE = HERE / "answers_fresh.yml"
# Written blind after the reader was changed by class on the fresh set's misses; measured once.
FOURTH_FILE = HERE / "answers_fourth.yml"
# Written blind after the reader had been tuned on the fourth set's misses; measured once (84.3%),
# then tuned on by class.
FIFTH_FILE = HERE / "answers_fifth.yml"
# Dates, yes/no and choices, written blind while the reader was tuned on the fifth set; measured
# once after that round of changes (81.5%), then tuned on by class.
SIXTH_FILE = HERE / "answers_sixth.yml"
# The two date questions only, written blind while the reader was tuned on the sixth set; measured
# once (68.0%), then tuned on by class. Its writer took an answer to "since when" as still going on
# unless it said otherwise; the reader takes it as not said (the time-limit question follows).
SEVENTH_FILE = HERE / "answers_seventh.yml"
# Dates and three yes/no questions, written blind while the reader was tuned on the seventh set,
# "still going on" only where the answer says so; measured once (82.3%), then tuned on by class.
EIGHTH_FILE = HERE / "answers_eighth.yml"
# Dates, names, contact details, corrections at the summary and three yes/no questions, written
# blind while the reader was tuned on the eighth set; measured once (80.6%), then tuned on by class.
NINTH_FILE = HERE / "answers_ninth.yml"
# Names, contact details, addresses, corrections at the summary, dates and the two details
# questions, written blind while the reader was tuned on the ninth set; measured once after it
# (85.3%), then tuned on by class.
TENTH_FILE = HERE / "answers_tenth.yml"
# Dates above all, with names, contact details, the summary and four yes/no questions, written
# blind while the reader was tuned on the tenth set; measured once after it (77.7%), then tuned on
# by class.
ELEVENTH_FILE = HERE / "answers_eleventh.yml"
# Dates and the six yes/no questions told as stories, with the summary, written blind while the
# reader was tuned on the eleventh set; measured once after it (74.7%), then tuned on by class.
TWELFTH_FILE = HERE / "answers_twelfth.yml"
# Every question (10 to 15 answers each, more for the dates and the summary), written blind while the
# reader was tuned on the twelfth set; measured once after it (89.3%), then tuned on by class.
THIRTEENTH_FILE = HERE / "answers_thirteenth.yml"
# Every question, dates and the summary most, written blind while the reader was tuned on the
# thirteenth set (its first reading 89.3%); measured once after it (81.9%), then tuned on by class.
FOURTEENTH_FILE = HERE / "answers_fourteenth.yml"
# Dates, the summary and the yes/no questions most, written blind while the reader was tuned on the
# fourteenth set; measured once after it.
FIFTEENTH_FILE = HERE / "answers_fifteenth.yml"
# Every question, dates and the summary most, a new cast, written blind while the reader was tuned on
# the fifteenth set; measured once after it.
SIXTEENTH_FILE = HERE / "answers_sixteenth.yml"
# Every question, a new cast again, written blind while the reader was tuned on the sixteenth set;
# measured once after it, as the honest figure for residents not yet seen.
SEVENTEENTH_FILE = HERE / "answers_seventeenth.yml"
# Every question, a new cast again, written blind after the reader was tuned on the seventeenth set;
# measured once, as the honest figure for residents not yet seen.
EIGHTEENTH_FILE = HERE / "answers_eighteenth.yml"
# Every question, a new cast again, written blind after the reader was tuned on the eighteenth set;
# measured once, as the honest figure for residents not yet seen.
NINETEENTH_FILE = HERE / "answers_nineteenth.yml"
# Every question, a new cast again, written blind after the reader was tuned on the nineteenth set,
# its writer told to label "since X" as still going on like the others; measured once.
TWENTIETH_FILE = HERE / "answers_twentieth.yml"
# The same, after the reader was tuned on the twentieth; three summary answers change two things
# (`field` and `new_value` as lists).
TWENTYFIRST_FILE = HERE / "answers_twentyfirst.yml"
# Every question, a new cast again, written blind after the reader was tuned on the twenty-first set;
# measured once, as the honest figure for residents not yet seen.
TWENTYSECOND_FILE = HERE / "answers_twentysecond.yml"
# Every question, a new cast again, written blind while the reader was tuned on the twenty-second set;
# measured once after that round.
TWENTYTHIRD_FILE = HERE / "answers_twentythird.yml"
# Every question, a new cast again, written blind while the reader was tuned on the twenty-third set;
# measured once after that round.
TWENTYFOURTH_FILE = HERE / "answers_twentyfourth.yml"
# Every question, a new cast again (told to answer the wrong question, paste long messages, date by life
# events), written blind while the reader was tuned on the twenty-fourth set; measured once after that round.
TWENTYFIFTH_FILE = HERE / "answers_twentyfifth.yml"
# Every question, a new cast again (25 residents across the four nations), written blind after the reader
# was tuned on the twenty-fifth set; measured once, as the honest figure for residents not yet seen.
TWENTYSIXTH_FILE = HERE / "answers_twentysixth.yml"
# Every question, a new cast again (24 residents; told to answer with questions back, self-corrections,
# stories with no yes or no, relatives answering), written blind after the reader was tuned on the
# twenty-sixth set; measured once.
TWENTYSEVENTH_FILE = HERE / "answers_twentyseventh.yml"
# Every question, a new cast again (24 residents; corrections at the summary in their own words,
# limited English, durations and dates counted from other events), written blind after the reader was
# tuned on the twenty-seventh set; measured once.
TWENTYEIGHTH_FILE = HERE / "answers_twentyeighth.yml"
ALL_FILES = (DEV_FILE, BLIND_FILE, FRESH_FILE, FOURTH_FILE, FIFTH_FILE, SIXTH_FILE, SEVENTH_FILE, EIGHTH_FILE,
             NINTH_FILE, TENTH_FILE, ELEVENTH_FILE, TWELFTH_FILE, THIRTEENTH_FILE, FOURTEENTH_FILE, FIFTEENTH_FILE,
             SIXTEENTH_FILE, SEVENTEENTH_FILE, EIGHTEENTH_FILE, NINETEENTH_FILE, TWENTIETH_FILE,
             TWENTYFIRST_FILE, TWENTYSECOND_FILE,
             TWENTYTHIRD_FILE, TWENTYFOURTH_FILE, TWENTYFIFTH_FILE, TWENTYSIXTH_FILE,
             TWENTYSEVENTH_FILE, TWENTYEIGHTH_FILE)
# "Today" the answers were written for: Tuesday 1 December 2026, midday in the UK.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
# The answers a summary can name (every kind's).
CHANGEABLE = tuple(dict.fromkeys((*FIELD_LABELS, "still_happening", "aware_date_text")))
# The label sets' names for what the assistant calls otherwise.
QUESTION_NAMES = {"aware_date": "aware_date_text"}
TOPIC_NAMES = {"ask_what_counts": "ask_what_counts_as_complaint", "safeguarding": "safeguarding_concern"}
FIELD_NAMES = {"aware_date": "aware_date_text"}
EXCLUDING = ("already_investigated", "legal_proceedings")
TITLES = re.compile(r"^(mr|mrs|ms|miss|mx|dr|rev|reverend|pastor|elder|imam|sheikh|cllr|councillor)\.?\s+", re.I)


@dataclass
class Item:
    question: str
    text: str
    label: str
    extra: dict
    source: str

    @property
    def asked(self) -> str:
        return QUESTION_NAMES.get(self.question, self.question)


def load(path: Path) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = []
    for entry in data.get("answers") or []:
        extra = {k: v for k, v in entry.items() if k not in ("question", "text", "label")}
        items.append(Item(entry["question"], str(entry["text"]), str(entry["label"]), extra, path.name))
    return items


def _digits(text: Any) -> str:
    digits = re.sub(r"\D", "", str(text or ""))
    return digits[-10:]


def _name(text: Any) -> str:
    return TITLES.sub("", re.sub(r"\s+", " ", str(text or "")).strip().lower()).strip(" .")


# The later sets' writers were given the buttons' words as values ("letter", "large_print"):
# the same choices as the assistant's own values ("post", "large print").
CHOICE_NAMES = {"can wait": "routine", "letter": "post", "other language": "another language", "e-mail": "email",
                "phone call": "phone", "text message": "text", "sms": "text"}


def _choice(value: Any) -> str:
    said = str(value or "").lower().replace("_", " ").strip()
    return CHOICE_NAMES.get(said, said)


def _topic(item: Item) -> str | None:
    topic = item.extra.get("topic")
    return TOPIC_NAMES.get(topic, topic)


def _field(item: Item) -> str | tuple[str, ...] | None:
    field = item.extra.get("field")
    if isinstance(field, list):  # two answers changed in one message
        return tuple(FIELD_NAMES.get(name, name) for name in field)
    return FIELD_NAMES.get(field, field)


def _start_ok(item: Item, got: r.Reading) -> bool:
    start = item.extra.get("start")
    if not start:
        return True
    if not got.date:
        return False
    wanted = start if isinstance(start, date) else date.fromisoformat(str(start))
    tolerance = int(item.extra.get("tolerance_days") or 0)
    return abs((date.fromisoformat(got.date) - wanted).days) <= max(tolerance, 1)


def _value_ok(item: Item, got: r.Reading) -> bool:
    extra = item.extra
    if item.asked in r.NAMES and extra.get("value"):
        return _name(got.value) == _name(extra["value"])
    if item.asked == "address" and extra.get("postcode"):
        return (got.details or {}).get("postcode") == str(extra["postcode"]).upper()
    if item.asked == "contact_details":
        details = got.details or {}
        if extra.get("email") and (details.get("email") or "").lower() != str(extra["email"]).lower():
            return False
        if extra.get("phone") and _digits(details.get("phone")) != _digits(extra["phone"]):
            return False
        return True
    if item.asked in ("urgency", "preferred_contact", "preferred_format", "feedback_kind") \
            and extra.get("value"):
        return _choice(got.value) == _choice(extra["value"])
    if item.asked in ("case_reference", "verification") and extra.get("value"):
        return str(got.value or "").replace(" ", "").upper() == \
            str(extra["value"]).replace(" ", "").upper()
    return True


def scoreable(item: Item) -> bool:
    """A labelled reference that is not one of ours (a wrong check character) cannot be read."""
    if item.asked == "case_reference" and item.label == "answer" and item.extra.get("value"):
        from bot.cases import references

        try:
            references.parse(str(item.extra["value"]))
        except references.InvalidReference:
            return False
    return True


def correct(item: Item, got: r.Reading) -> bool:
    """Whether the reading means what the label says (the rules are in the module docstring)."""
    label = item.label
    # The danger question and the urgency question bring the danger advice with "yes" and with
    # "emergency" whatever the words: a safety flag there changes nothing.
    if item.asked in ("urgency",) and label == "answer_with_safety" and got.kind == r.ANSWER:
        return _value_ok(item, got) and (got.value == "emergency")
    safety_free = got.safety is None or item.asked in ("in_danger", "urgency")
    if item.asked == r.SUMMARY:
        if label == "yes":
            return got.kind == r.CONFIRM
        if label in ("no", "change"):
            wanted = _field(item)
            if isinstance(wanted, tuple):
                # Two answers changed at once: either of them, or asking which (the other is then
                # offered again), is right.
                return got.kind == r.CHANGE and (got.field is None or got.field in wanted)
            return got.kind == r.CHANGE and got.field == wanted
        if label == "digression":
            return got.kind == r.DIGRESSION and got.topic == _topic(item)
        return False
    if item.asked == r.WHICH_ANSWER:
        if label == "field":
            return got.kind == r.FIELD and got.field == _field(item)
        if label == "digression":
            return got.kind == r.DIGRESSION and got.topic == _topic(item)
        return False
    if label in ("yes", "no", "unsure"):
        return got.kind == label and safety_free
    if label == "skip":
        return got.kind == r.SKIP
    if label == "none":
        return got.kind in (r.NONE, r.ANSWER) and safety_free
    if label == "date":
        # A date that also tells of a danger (the later sets' `safety:`) must bring its advice.
        wanted = item.extra.get("safety")
        safety_ok = got.safety == TOPIC_NAMES.get(wanted, wanted) if wanted else safety_free
        return (got.kind == r.DATE and bool(got.ongoing) == bool(item.extra.get("ongoing"))
                and _start_ok(item, got) and safety_ok)
    if label == "answer":
        return got.kind in (r.ANSWER, r.NONE) and safety_free and _value_ok(item, got)
    if label == "digression":
        return got.kind == r.DIGRESSION and got.topic == _topic(item)
    if label == "answer_with_safety":
        kind_ok = got.kind == r.DATE if item.asked in r.DATES else got.kind not in (
            r.DIGRESSION, r.UNCLEAR, r.PAYLOAD)
        return kind_ok and got.safety == _topic(item) and _value_ok(item, got)
    return False


def exclusion_on_a_guess(item: Item, got: r.Reading) -> bool:
    """An answer that would bring an exclusion message though the resident did not clearly say
    so: "yes" read into an unclear already-investigated or legal-action answer, or a dated,
    finished problem read into an answer that is unsure or still going on."""
    if item.asked in EXCLUDING:
        return got.kind == r.YES and item.label != "yes"
    if item.asked in r.DATES:
        # Only a date older than the Code's 12 months can bring the "too old" exclusion.
        # A date read with nothing said either way (ongoing None) brings the question whether it
        # is still happening (bot.intake.answers), not the exclusion: only "over" read into it does.
        wrongly_finished = item.label == "unsure" or bool(item.extra.get("ongoing"))
        old = bool(got.date) and date.fromisoformat(got.date) < date(NOW.year - 1, NOW.month, NOW.day)
        return wrongly_finished and got.kind == r.DATE and got.ongoing is False and old
    return False


def read_all(items: list[Item], parse: Callable[[str], dict] | None = None) -> list[r.Reading]:
    return [r.read(item.asked, item.text, parse=parse(item.text) if parse else None, now=NOW,
                   changeable=CHANGEABLE) for item in items]
