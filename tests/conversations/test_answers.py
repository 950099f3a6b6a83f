"""A floor under how well residents' answers are read (bot.intake.reading), on the answer sets
written blind (tests/conversations/answers_*.yml), with the real model's parse from the
session's Rasa server. `make bench-conversations` prints the figures and every misreading;
this fails CI when a change reads them worse."""
from __future__ import annotations

import pytest
import requests

from tests.conversations import answers as sets

pytestmark = pytest.mark.e2e

FLOOR = 0.95
# The later sets were written blind after the reader had been tuned on the ones before, and measured
# once each before any change (fresh 86.1%, fourth 83.1%, fifth 84.3%, sixth 81.5%, seventh 68.0%,
# eighth 82.3%, ninth 80.6%, tenth 85.3%, eleventh 77.7%, twelfth 74.7%, thirteenth 89.3%,
# fourteenth 81.9%, 85.8% once its "since X" labels followed the others, fifteenth 86.9%, sixteenth
# 81.9%, seventeenth 78.0%, eighteenth 85.7%); their
# floors sit a little under what they read now (94.0%, 94.0%, 96.6%, 96.2%, 85.5%, 97.3%, 96.2%,
# 97.7%, 88.3%, 86.3%, 97.8%, 95.6%, 93.3%) while the gap to the target (98%) is worked on. No
# exclusion on a guess holds on every set.
FLOORS = {sets.FRESH_FILE: 0.90, sets.FOURTH_FILE: 0.90, sets.FIFTH_FILE: 0.93, sets.SIXTH_FILE: 0.92,
          sets.SEVENTH_FILE: 0.80, sets.EIGHTH_FILE: 0.93, sets.NINTH_FILE: 0.93, sets.TENTH_FILE: 0.95,
          sets.ELEVENTH_FILE: 0.86, sets.TWELFTH_FILE: 0.84, sets.THIRTEENTH_FILE: 0.95,
          sets.FOURTEENTH_FILE: 0.93, sets.FIFTEENTH_FILE: 0.90, sets.SIXTEENTH_FILE: 0.90,
          sets.SEVENTEENTH_FILE: 0.85, sets.EIGHTEENTH_FILE: 0.93, sets.NINETEENTH_FILE: 0.95,
          sets.TWENTIETH_FILE: 0.94, sets.TWENTYFIRST_FILE: 0.93,
          sets.TWENTYSECOND_FILE: 0.97, sets.TWENTYTHIRD_FILE: 0.95, sets.TWENTYFOURTH_FILE: 0.95,
          sets.TWENTYFIFTH_FILE: 0.90, sets.TWENTYSIXTH_FILE: 0.93, sets.TWENTYSEVENTH_FILE: 0.92,
          sets.TWENTYEIGHTH_FILE: 0.93}


@pytest.fixture(scope="module")
def parse(rasa_stack):
    cache: dict[str, dict] = {}

    def parse(text: str) -> dict:
        if text not in cache:
            answer = requests.post(f"{rasa_stack.url}/model/parse", params={"token": rasa_stack.token},
                                   json={"text": text}, timeout=60)
            answer.raise_for_status()
            cache[text] = answer.json()
        return cache[text]

    return parse


@pytest.mark.parametrize("path", sets.ALL_FILES, ids=lambda p: p.stem)
def test_answers_are_read_as_they_mean_and_never_excluded_on_a_guess(parse, path):
    items = [item for item in sets.load(path) if sets.scoreable(item)]
    readings = sets.read_all(items, parse)
    wrong = [(item.question, item.text, item.label, got.as_dict())
             for item, got in zip(items, readings) if not sets.correct(item, got)]
    share = 1 - len(wrong) / len(items)
    assert share >= FLOORS.get(path, FLOOR), f"{share:.1%} read correctly; misread:\n" + "\n".join(map(str, wrong))
    guesses = [(item.question, item.text) for item, got in zip(items, readings)
               if sets.exclusion_on_a_guess(item, got)]
    assert guesses == [], guesses
