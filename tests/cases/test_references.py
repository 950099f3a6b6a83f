"""References: readable, typed by type, and every single mistake caught by the check character."""
from __future__ import annotations

import random
import re

import pytest

from bot.cases import references
from bot.cases.references import ALPHABET, PREFIXES, InvalidReference, new_reference, parse


def _sample(count: int = 300) -> list[str]:
    rng = random.Random(4)
    result = []
    for _ in range(count):
        prefix = rng.choice(list(PREFIXES.values()))
        body = "".join(rng.choice(ALPHABET) for _ in range(references.BODY_LENGTH))
        result.append(references.format_reference(prefix, body))
    return result


def test_a_new_reference_looks_like_cmp_7kq4m_x_and_is_valid():
    for case_type, prefix in PREFIXES.items():
        reference = new_reference(case_type)
        assert re.fullmatch(rf"{prefix}-[{ALPHABET}]{{5}}-[{ALPHABET}]", reference)
        assert parse(reference) == reference
        assert references.case_type_of(reference) == case_type


def test_the_alphabet_leaves_out_characters_that_are_easily_confused():
    for confusable in "0O1IL UV":
        assert confusable.strip() == "" or confusable not in ALPHABET
    assert len(ALPHABET) == len(set(ALPHABET)) == 29


@pytest.mark.parametrize("typed", [
    "{r}", "{r_lower}", " {r} ", "{compact}", "{spaced}", "{r_dots}", "{compact_lower}",
    "{r_dashes}",
])
def test_parse_is_tolerant_of_case_spaces_and_missing_dashes(typed):
    reference = new_reference("complaint")
    compact = reference.replace("-", "")
    text = typed.format(r=reference, r_lower=reference.lower(), compact=compact,
                        spaced=f"{compact[:3]} {compact[3:8]} {compact[8]}",
                        r_dots=reference.replace("-", "."), compact_lower=compact.lower(),
                        r_dashes=reference.replace("-", "\u2013"))
    assert parse(text) == reference


def test_every_single_character_substitution_is_detected():
    for reference in _sample():
        compact = reference.replace("-", "")
        for position in range(3, len(compact)):          # body and check character
            for char in ALPHABET:
                if char == compact[position]:
                    continue
                typo = compact[:position] + char + compact[position + 1:]
                with pytest.raises(InvalidReference):
                    parse(typo)


def test_every_transposition_of_two_characters_is_detected():
    for reference in _sample():
        compact = reference.replace("-", "")
        for i in range(3, len(compact)):
            for j in range(i + 1, len(compact)):
                if compact[i] == compact[j]:
                    continue
                chars = list(compact)
                chars[i], chars[j] = chars[j], chars[i]
                with pytest.raises(InvalidReference):
                    parse("".join(chars))


def test_another_type_prefix_with_the_same_characters_is_detected():
    for reference in _sample(100):
        for prefix in PREFIXES.values():
            if prefix != reference[:3]:
                with pytest.raises(InvalidReference):
                    parse(prefix + reference[3:])


@pytest.mark.parametrize("text", ["", "CMP", "CMP-7KQ4-X", "XYZ-23456-7", "CMP-O2345-7",
                                  "CMP-12345-7", "CMP-23456-78", "CMP-2345\u00e9-7",
                                  "CMP-2345'; DROP TABLE cases;--", "\x00" * 11])
def test_malformed_references_are_invalid(text):
    with pytest.raises(InvalidReference):
        parse(text)


def test_not_text_is_invalid():
    with pytest.raises(InvalidReference):
        parse(None)  # type: ignore[arg-type]
