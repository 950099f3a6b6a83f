"""The words residents use to put a slip right in the middle of an answer: "the 3rd, no sorry
the 4th", "07700 900123 wait no 900132", "Graham Hollis - sorry, Graham Hollins", "the date is
wrong, I mean the 14th". One list, read by every reader of answers (dates, names, contact
details, corrections at the summary): what follows the last of them is what the resident meant.

A plain "sorry" or "hang on" is as often politeness ("sorry, the date is wrong"), so each reader
says which of the weaker words it also takes where a slip is all they can mean.
"""
from __future__ import annotations

import re

# Words that only ever put something right.
PLAIN = ("no wait", "wait no", "sorry no", "no sorry", "no hang on", "i mean", "i meant", "scratch that",
         "correction", "actually no", "no actually", "or rather", "ach no")
# Words that put something right only in a narrow answer (a date, a name, a number).
WEAKER = ("sorry", "hang on", "oops", "wait", "no")


def words(*weaker: str) -> str:
    """A regex alternation of the plain slip words and the `weaker` ones named (longest first)."""
    unknown = set(weaker) - set(WEAKER)
    if unknown:
        raise ValueError(f"not a slip word: {sorted(unknown)}")
    return "(?:" + "|".join(sorted(map(re.escape, (*PLAIN, *weaker)), key=len, reverse=True)) + ")"


def marker(*weaker: str) -> re.Pattern:
    """The slip words (and the `weaker` ones named) with the punctuation after them."""
    return re.compile(rf"\b{words(*weaker)}\b[\s,.;:!-]*", re.I)
