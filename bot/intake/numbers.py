"""Numbers residents write as words ("three weeks ago", "oh seven seven..."): one table for every
reader that needs them."""
from __future__ import annotations

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
# Counts said vaguely ("a couple of weeks", "a few days"), read as the number people usually mean.
VAGUE_COUNTS = {"a couple of": 2, "couple of": 2, "a couple": 2, "a few": 3, "few": 3}
# What people say for 0 when they read a phone number out.
ZERO_WORDS = ("oh", "o", "zero", "nought")
# One digit per word, for numbers read out digit by digit.
DIGIT_WORDS = {**{word: "0" for word in ZERO_WORDS},
               **{word: str(number) for word, number in NUMBER_WORDS.items() if number < 10}}


def count(word: str) -> int | None:
    """How many `word` means: digits, a number word, "a" or "an" ("a week ago") or a vague count ("a couple
    of"); None for anything else."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    return NUMBER_WORDS.get(word) or VAGUE_COUNTS.get(word)
