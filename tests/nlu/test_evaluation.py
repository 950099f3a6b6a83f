"""The benchmark's scoring functions."""
from __future__ import annotations

import asyncio

import pytest

from bot.nlp import evaluation as ev


def p(expected, predicted, confidence=0.9, ranking=()):
    return ev.Prediction("t", expected, predicted, confidence, ranking)


def test_per_intent_scores():
    preds = [p("complaint", "complaint"), p("complaint", "service_request"),
             p("service_request", "service_request"), p("greet", "complaint")]
    scores = ev.per_intent_scores(preds, ["complaint", "service_request"])
    assert scores["complaint"]["precision"] == pytest.approx(0.5)
    assert scores["complaint"]["recall"] == pytest.approx(0.5)
    assert scores["complaint"]["f1"] == pytest.approx(0.5)
    assert scores["service_request"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})


def test_macro_f1_of_perfect_predictions_is_one():
    kinds = ("complaint", "service_request", "asb_report", "comment", "compliment")
    assert ev.macro_f1([p(k, k) for k in kinds]) == 1.0
    assert ev.macro_f1([p(k, "greet") for k in kinds]) == 0.0


def test_confusion_matrix_and_misfile_share():
    preds = [p("complaint", "complaint")] * 8 + [p("complaint", "asb_report"),
                                                p("complaint", "nlu_fallback")]
    matrix = ev.confusion_matrix(preds)
    assert matrix["complaint"]["complaint"] == 8
    assert matrix["complaint"]["asb_report"] == 1
    assert matrix["complaint"][ev.OTHER] == 1
    assert ev.misfile_share(preds) == pytest.approx(0.1)
    assert ev.misfile_share([]) == 0.0


def test_percentiles():
    assert ev.percentile([], 95) == 0.0
    assert ev.percentile([5.0], 95) == 5.0
    assert ev.percentile(list(range(1, 101)), 50) == pytest.approx(50.5)
    assert ev.latency_summary([1.0, 2.0, 3.0])["median_ms"] == 2.0


def test_classifier_intent_skips_the_fallback():
    pred = p("complaint", "nlu_fallback", 0.3, (("nlu_fallback", 0.3), ("complaint", 0.28)))
    assert pred.classifier_intent == "complaint"
    assert not pred.correct
    assert pred.as_dict()["ranking"][1] == {"name": "complaint", "confidence": 0.28}


def test_predict_times_each_parse():
    class FakeAgent:
        async def parse_message(self, text):
            return {"intent": {"name": "greet", "confidence": 0.8},
                    "intent_ranking": [{"name": "greet", "confidence": 0.8}]}

    preds = asyncio.run(ev.predict(FakeAgent(), [("hi", "greet"), ("yo", "affirm")], warmup=1))
    assert [x.correct for x in preds] == [True, False]
    assert all(x.parse_ms >= 0 for x in preds)
