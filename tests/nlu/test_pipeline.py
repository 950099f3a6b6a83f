"""The project's spaCy pipeline: built from spacy.blank("en") + entity_ruler, saved, loaded back."""
from __future__ import annotations

import json

import pytest

from bot.nlp import ENTITY_LABELS, PIPELINE_RELATIVE_PATH, pipeline_exists, pipeline_path
from bot.nlp import build_pipeline
from bot.nlp.patterns import IGNORED_LABEL


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    import spacy

    out = tmp_path_factory.mktemp("spacy") / "intake_en"
    build_pipeline.build(out)
    return spacy.load(out)  # loaded from disk, as Rasa's SpacyNLP does


def ents(nlp, text: str, label: str | None = None) -> list[str]:
    return [e.text for e in nlp(text).ents if label is None or e.label_ == label]


def test_saved_pipeline_is_blank_english_with_the_entity_ruler(nlp, tmp_path):
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["intake_entities"]
    labels = set(nlp.get_pipe("intake_entities").labels) - {IGNORED_LABEL}
    assert labels == set(ENTITY_LABELS)
    assert nlp.path is not None  # Rasa refuses a pipeline that was not loaded from disk


def test_build_writes_a_fingerprint_and_is_current(tmp_path):
    out = tmp_path / "p"
    assert not build_pipeline.is_current(out)
    build_pipeline.build(out)
    meta = json.loads((out / "meta.json").read_text())
    assert meta["intake"]["fingerprint"] == build_pipeline.patterns_fingerprint()
    assert build_pipeline.is_current(out)
    assert not build_pipeline.is_current(out, base="en_core_web_sm")
    build_pipeline.build(out)  # rebuilding over an existing pipeline replaces it
    assert build_pipeline.is_current(out)


def test_main_if_needed_builds_once(tmp_path, capsys):
    out = tmp_path / "q"
    assert build_pipeline.main(["--out", str(out), "--if-needed"]) == 0
    assert "saved" in capsys.readouterr().out
    assert build_pipeline.main(["--out", str(out), "--if-needed"]) == 0
    assert capsys.readouterr().out == ""


def test_default_location_is_under_var(tmp_path):
    assert PIPELINE_RELATIVE_PATH.parts[0] == "var"
    assert pipeline_path(tmp_path) == tmp_path / "var" / "spacy" / "intake_en"
    assert not pipeline_exists(tmp_path)


def test_config_points_spacy_nlp_at_the_built_pipeline():
    import yaml

    from bot.settings import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    spacy_nlp = next(c for c in config["pipeline"] if c["name"] == "SpacyNLP")
    assert spacy_nlp["model"] == PIPELINE_RELATIVE_PATH.as_posix()
    extractor = next(c for c in config["pipeline"] if c["name"] == "SpacyEntityExtractor")
    assert set(extractor["dimensions"]) == set(ENTITY_LABELS)


@pytest.mark.parametrize("text, expected", [
    ("my postcode is M1 1AE", "M1 1AE"),
    ("it's sw1a 2aa", "sw1a 2aa"),
    ("SW1A2AA", "SW1A2AA"),
    ("flat 2, B15 2TT.", "B15 2TT"),
    ("ls6 2qt is mine", "ls6 2qt"),
])
def test_postcodes(nlp, text, expected):
    assert ents(nlp, text, "postcode") == [expected]


@pytest.mark.parametrize("text, expected", [
    ("call me on 07700 900123", "07700 900123"),
    ("ring +44 161 496 0000 after 5", "+44 161 496 0000"),
    ("0161 496 0000", "0161 496 0000"),
    ("07700900123", "07700900123"),
    ("+447700900123", "+447700900123"),
    ("my number: 0161-496-0000", "0161-496-0000"),
    ("(0161) 496 0000", "(0161) 496 0000"),
    ("+44 (0)161 496 0000", "+44 (0)161 496 0000"),
    ("020 7946 0000", "020 7946 0000"),
    ("07700 900 123", "07700 900 123"),
])
def test_phone_numbers(nlp, text, expected):
    assert ents(nlp, text, "phone") == [expected]


@pytest.mark.parametrize("text, expected", [
    ("email jo.bloggs@example.com please", "jo.bloggs@example.com"),
    ("SARAH_K+housing@mail.example.co.uk.", "SARAH_K+housing@mail.example.co.uk"),
])
def test_emails(nlp, text, expected):
    assert ents(nlp, text, "email") == [expected]


@pytest.mark.parametrize("text, expected", [
    ("my ref is CMP-7KQ4-X", "CMP-7KQ4-X"),
    ("CMP-7KQ4M-X", "CMP-7KQ4M-X"),
    ("cmp7kq4x", "cmp7kq4x"),
    ("srq 7kq4 x", "srq 7kq4 x"),
    ("CMP 7KQ4M X", "CMP 7KQ4M X"),
    ("asb-8wq2r-5 is the one", "asb-8wq2r-5"),
    ("CPL-7KQ4X", "CPL-7KQ4X"),
    ("it was ASB KQRMX 9", "ASB KQRMX 9"),
])
def test_case_references(nlp, text, expected):
    assert ents(nlp, text, "case_reference") == [expected]


@pytest.mark.parametrize("text", ["the asb team a while ago", "asb twice a week", "cmp please"])
def test_words_are_not_case_references(nlp, text):
    assert ents(nlp, text, "case_reference") == []


@pytest.mark.parametrize("text, expected", [
    ("it started last Tuesday", "last Tuesday"),
    ("about 3 weeks ago", "about 3 weeks ago"),
    ("on the 2nd of May", "the 2nd of May"),
    ("since March", "since March"),
    ("12/03/2026", "12/03/2026"),
    ("yesterday", "yesterday"),
    ("a couple of months ago", "a couple of months ago"),
    ("2026-03-12", "2026-03-12"),
    ("it's been like this for months", "for months"),
    ("last night", "last night"),
    ("14th June 2025", "14th June 2025"),
    ("since christmas", "since christmas"),
    ("it's been leaking since yesterday", "since yesterday"),
])
def test_dates(nlp, text, expected):
    assert ents(nlp, text, "date") == [expected]


@pytest.mark.parametrize("text", ["may i ask something", "i live on the 3rd floor", "flat 12/3",
                                  "i have 2 kids", "march on", "it costs £1.50"])
def test_not_dates(nlp, text):
    assert ents(nlp, text, "date") == []


def test_several_entities_in_one_message(nlp):
    doc = nlp("I'm at 4 Elm Road M1 1AE, 07700 900123, jo@example.com, ref CMP-7KQ4M-X, "
              "it started 3 weeks ago")
    found = {(e.label_, e.text) for e in doc.ents}
    assert found == {("postcode", "M1 1AE"), ("phone", "07700 900123"),
                     ("email", "jo@example.com"), ("case_reference", "CMP-7KQ4M-X"),
                     ("date", "3 weeks ago")}


def test_lowercased_text_tokenises_the_same(nlp):
    """Rasa tokenises the lower-cased text and extracts entities from the original."""
    text = "Ref CMP-7KQ4M-X, call 0161-496-0000 on 12-03-2026"
    assert [t.text.lower() for t in nlp(text)] == [t.text for t in nlp(text.lower())]


def test_an_unknown_base_pipeline_is_one_clear_error(tmp_path, capsys):
    assert build_pipeline.main(["--out", str(tmp_path / "x"), "--base", "no_such_pipeline_xyz"]) == 1
    assert "no_such_pipeline_xyz" in capsys.readouterr().err
