"""The NLU training data and the held-out set: coverage, variety, and no leakage between them."""
from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from bot.nlp import FEEDBACK_KINDS
from bot.nlp.screen import SCREEN_INTENTS
from bot.settings import PROJECT_ROOT
from tests.nlu.nludata import (HELDOUT_FILE, HELDOUT_FILES, HELDOUT_LEAK_JACCARD, NLU_DIR, TUNING_FILES,
                               heldout_examples, near_duplicates, tokens, training_examples)

MIN_PER_KIND = 80
MIN_HELDOUT_PER_KIND = 25
SAFETY_INTENTS = ("emergency", "safeguarding_concern")


@pytest.fixture(scope="module")
def training():
    return training_examples()


@pytest.fixture(scope="module")
def heldout():
    """Every message never trained on: the held-out sets and the real-writing tuning set."""
    return heldout_examples(HELDOUT_FILES + TUNING_FILES)


def domain_intents() -> list[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


def test_every_domain_intent_has_training_examples(training):
    """Except the screen's intents, which MessageScreen sets and the classifier never learns."""
    counts = Counter(e.intent for e in training)
    missing = [intent for intent in domain_intents() if counts[intent] == 0]
    assert sorted(missing) == sorted(SCREEN_INTENTS), \
        f"intents in domain.yml without training examples: {missing}"


def test_training_data_uses_only_domain_intents(training):
    assert not {e.intent for e in training} & set(SCREEN_INTENTS)
    unknown = sorted({e.intent for e in training} - set(domain_intents()))
    assert not unknown, f"training examples for intents not in domain.yml: {unknown}"


@pytest.mark.parametrize("kind", FEEDBACK_KINDS)
def test_each_kind_has_enough_examples(training, kind):
    count = sum(1 for e in training if e.intent == kind)
    assert count >= MIN_PER_KIND, f"{kind}: {count} examples, need at least {MIN_PER_KIND}"


def test_examples_are_in_the_file_of_their_intent(training):
    """One file per intent: data/nlu/<intent>.yml holds exactly that intent's examples."""
    misplaced = [(e.source, e.intent, e.text) for e in training if e.source != f"{e.intent}.yml"]
    assert not misplaced, misplaced[:10]


def test_no_exact_duplicates_in_training_data(training):
    seen = Counter(" ".join(sorted(tokens(e.text))) for e in training)
    repeated = [text for text, n in seen.items() if n > 1]
    assert not repeated, repeated[:10]


def test_no_near_duplicates_in_training_data(training):
    pairs = near_duplicates(training)
    listing = [f"{a.intent}: {a.text!r} ~ {b.intent}: {b.text!r} ({score:.2f})" for a, b, score in pairs]
    assert not pairs, "near-duplicate training examples:\n" + "\n".join(listing[:20])


def test_near_duplicate_detector_finds_a_reworded_copy():
    from tests.nlu.nludata import Example

    a = Example("I reported the leak three times and nobody came!", "complaint", "x")
    b = Example("i reported the leak 3 times and nobody came", "complaint", "y")
    c = Example("i reported the leak three times and nobody ever came", "complaint", "z")
    found = {(x.source, y.source) for x, y, _ in near_duplicates([a, b, c])}
    assert ("x", "z") in found  # one added word: still a near-duplicate
    assert not near_duplicates([a], [Example("my boiler is broken", "service_request", "w")])


def test_heldout_set_lives_outside_the_training_data():
    assert HELDOUT_FILE.exists() and any("real" in path.name for path in HELDOUT_FILES)
    assert TUNING_FILES
    for path in HELDOUT_FILES + TUNING_FILES:
        assert NLU_DIR not in path.parents
        assert (PROJECT_ROOT / "data") not in path.parents


@pytest.mark.parametrize("kind", FEEDBACK_KINDS)
def test_heldout_has_enough_messages_per_kind(heldout, kind):
    count = sum(1 for e in heldout if e.intent == kind)
    assert count >= MIN_HELDOUT_PER_KIND, f"{kind}: {count} held-out messages"


def test_heldout_covers_emergency_and_safeguarding(heldout):
    counts = Counter(e.intent for e in heldout)
    assert all(counts[intent] >= 5 for intent in SAFETY_INTENTS), counts


def test_heldout_shares_no_message_with_training(training, heldout):
    train_texts = {e.text.strip().lower() for e in training}
    shared = [e.text for e in heldout if e.text.strip().lower() in train_texts]
    assert not shared, shared


def test_heldout_has_no_near_duplicate_in_training(training, heldout):
    pairs = near_duplicates(heldout, training, threshold=HELDOUT_LEAK_JACCARD)
    listing = [f"held-out {a.text!r} ~ training {b.text!r} ({score:.2f})" for a, b, score in pairs]
    assert not pairs, "\n".join(listing)


def test_heldout_has_no_near_duplicates_within_itself(heldout):
    assert not near_duplicates(heldout)


def test_lookup_tables_and_regexes_are_valid():
    document = yaml.safe_load((NLU_DIR / "lookups.yml").read_text(encoding="utf-8"))
    for block in document["nlu"]:
        assert "lookup" in block or "regex" in block, block
        elements = [line.strip()[2:] for line in block["examples"].splitlines()
                    if line.strip().startswith("- ")]
        assert elements, block
        if "regex" in block:
            for pattern in elements:
                re.compile(pattern)


def test_regex_features_agree_with_the_spacy_rules():
    """The data regexes mark the same shapes the entity rules find (one example each)."""
    document = yaml.safe_load((NLU_DIR / "lookups.yml").read_text(encoding="utf-8"))
    regexes = {b["regex"]: b["examples"].strip()[2:] for b in document["nlu"] if "regex" in b}
    samples = {"case_reference": "ref CMP-7KQ4M-X please", "uk_postcode": "it's m1 1ae",
               "uk_phone": "ring 0161 496 0000", "email_address": "jo@example.com"}
    for name, text in samples.items():
        assert re.search(regexes[name], text, re.IGNORECASE), name


def test_synonyms_are_date_spellings_the_rules_recognise():
    from bot.nlp.patterns import DATE_WORDS

    document = yaml.safe_load((NLU_DIR / "synonyms.yml").read_text(encoding="utf-8"))
    for block in document["nlu"]:
        for line in block["examples"].splitlines():
            spelling = line.strip()[2:]
            if spelling:
                assert spelling in DATE_WORDS, spelling
