"""Case references residents can read out, type and mistype safely: `CMP-7KQ4M-X`.

A reference is a type prefix, five random characters and a check character. The alphabet leaves out
characters that are easily confused when read, heard or handwritten (0/O, 1/I/L, U/V), and has 29
symbols, a prime, so that a weighted sum modulo 29 can serve as the check:

    sum(weight_i * value_i) == 0 (mod 29), weights 1, 2, ..., 7

over the type's number, the five body characters and the check character. Because 29 is prime and
the weights are distinct and non-zero modulo 29, every single-character substitution and every
transposition of two characters (adjacent or not) changes the sum, so each is detected; so is
replacing one type prefix by another. This is the ISBN-10 construction over a larger alphabet.

`parse()` is tolerant of case, spaces, dots and missing dashes, and raises `InvalidReference` for
anything that is not a well-formed reference with a correct check character, without touching the
database.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
MODULUS = len(ALPHABET)
assert MODULUS == 29
BODY_LENGTH = 5

# case type -> prefix. The order is part of the check character: never reorder, only append.
PREFIXES: dict[str, str] = {
    "complaint": "CMP",
    "service_request": "SRQ",
    "asb_report": "ASB",
    "comment": "CMT",
    "compliment": "CPL",
}
_TYPE_NUMBER = {prefix: number for number, prefix in enumerate(PREFIXES.values(), start=1)}
_TYPE_BY_PREFIX = {prefix: case_type for case_type, prefix in PREFIXES.items()}
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = tuple(range(1, BODY_LENGTH + 3))  # type, body..., check
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._/]+")


class InvalidReference(ValueError):
    """Not a case reference: malformed, or its check character does not match (a typing mistake)."""


def _check_value(prefix: str, body: str) -> int:
    values = [_TYPE_NUMBER[prefix]] + [_VALUE[c] for c in body]
    total = sum(w * v for w, v in zip(_WEIGHTS, values))
    # Solve total + w_check * c == 0 (mod 29) for c.
    return (-total * pow(_WEIGHTS[-1], -1, MODULUS)) % MODULUS


def format_reference(prefix: str, body: str) -> str:
    return f"{prefix}-{body}-{ALPHABET[_check_value(prefix, body)]}"


def new_reference(case_type: str) -> str:
    """A fresh random reference for a case of this type (uniqueness is the database's job)."""
    try:
        prefix = PREFIXES[case_type]
    except KeyError:
        raise ValueError(f"unknown case type {case_type!r}") from None
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_reference(prefix, body)


def parse(text: str) -> str:
    """The canonical form of a reference typed by a person, or InvalidReference.

    Accepts `cmp 7kq4m x`, `CMP7KQ4MX`, ` CMP-7KQ4M-X ` alike.
    """
    if not isinstance(text, str):
        raise InvalidReference("a reference is text")
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) != 3 + BODY_LENGTH + 1:
        raise InvalidReference(
            f"a reference has a three-letter prefix and {BODY_LENGTH + 1} characters, like CMP-7KQ4M-X")
    prefix, body, check = compact[:3], compact[3:3 + BODY_LENGTH], compact[-1]
    if prefix not in _TYPE_NUMBER:
        raise InvalidReference(f"a reference starts with one of {', '.join(PREFIXES.values())}")
    if any(c not in _VALUE for c in body + check):
        raise InvalidReference("a reference never contains 0, 1, O, I, L, U or V")
    if ALPHABET[_check_value(prefix, body)] != check:
        raise InvalidReference("that reference is not quite right: a character may be mistyped")
    return f"{prefix}-{body}-{check}"


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidReference:
        return False
    return True


def case_type_of(reference: str) -> str:
    """The case type a (valid) reference belongs to."""
    return _TYPE_BY_PREFIX[parse(reference)[:3]]
