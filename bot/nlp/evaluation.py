"""Scoring intent predictions: precision, recall, F1, confusion matrix, misfiled complaints.

Pure functions over `Prediction`s, shared by `scripts/bench_nlu.py` (the benchmark) and the tests
(the held-out floor), so both measure the same thing.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterable, Sequence

from bot.nlp import FEEDBACK_KINDS
from bot.nlp.clarify import SAFETY_INTENTS, needs_clarification

OTHER = "other"
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Prediction:
    text: str
    expected: str
    predicted: str  # the intent Rasa returns (may be nlu_fallback)
    confidence: float
    ranking: tuple[tuple[str, float], ...] = field(default=())
    parse_ms: float = 0.0
    offered: tuple[str, ...] = ()  # kinds offered with another route's answer (an enquiry's)

    @property
    def classifier_intent(self) -> str:
        """The classifier's own top intent, ignoring the fallback."""
        for name, _ in self.ranking:
            if name != FALLBACK_INTENT:
                return name
        return self.predicted

    @property
    def correct(self) -> bool:
        return self.predicted == self.expected

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ranking"] = [{"name": n, "confidence": round(c, 4)} for n, c in self.ranking[:5]]
        data["confidence"] = round(self.confidence, 4)
        data["parse_ms"] = round(self.parse_ms, 2)
        return data


def prediction_from_parse(text: str, expected: str, parsed: dict[str, Any],
                          parse_ms: float = 0.0) -> Prediction:
    intent = parsed.get("intent") or {}
    ranking = tuple((r.get("name"), float(r.get("confidence") or 0.0))
                    for r in parsed.get("intent_ranking") or [])
    offered = tuple((parsed.get("intake") or {}).get("offered") or ())
    return Prediction(text, expected, intent.get("name") or "", float(intent.get("confidence") or 0.0),
                      ranking, parse_ms, offered)


def advice_counts(predictions: Sequence[Prediction],
                  safety_intents: Sequence[str] = SAFETY_INTENTS) -> list[Prediction]:
    """An emergency or a safeguarding concern is read right when the classifier's own intent is
    that concern (the resident gets the advice), whatever form the message then starts."""
    return [replace(p, predicted=p.expected)
            if p.expected in safety_intents and p.classifier_intent == p.expected else p
            for p in predictions]


def per_intent_scores(predictions: Sequence[Prediction],
                      labels: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support for each label (every expected label by default)."""
    labels = list(labels) if labels is not None else sorted({p.expected for p in predictions})
    scores = {}
    for label in labels:
        tp = sum(1 for p in predictions if p.expected == label and p.predicted == label)
        fp = sum(1 for p in predictions if p.expected != label and p.predicted == label)
        fn = sum(1 for p in predictions if p.expected == label and p.predicted != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return scores


def macro_f1(predictions: Sequence[Prediction], labels: Sequence[str] = FEEDBACK_KINDS) -> float:
    """Mean F1 over `labels` (precision counts predictions of a label from any expected intent)."""
    scores = per_intent_scores(predictions, labels)
    return sum(scores[label]["f1"] for label in labels) / len(labels)


def confusion_matrix(predictions: Sequence[Prediction],
                     labels: Sequence[str] = FEEDBACK_KINDS) -> dict[str, dict[str, int]]:
    """Rows: expected label; columns: predicted label, or OTHER for any intent outside `labels`."""
    columns = list(labels) + [OTHER]
    matrix = {label: {column: 0 for column in columns} for label in labels}
    for p in predictions:
        if p.expected in matrix:
            column = p.predicted if p.predicted in labels else OTHER
            matrix[p.expected][column] += 1
    return matrix


def misfile_share(predictions: Sequence[Prediction], kind: str = "complaint",
                  into: Sequence[str] = ("service_request", "asb_report")) -> float:
    """Share of `kind` messages predicted as one of `into` (0.0 when there are none)."""
    of_kind = [p for p in predictions if p.expected == kind]
    if not of_kind:
        return 0.0
    return sum(1 for p in of_kind if p.predicted in into) / len(of_kind)


def misread_share(predictions: Sequence[Prediction], kind: str = "complaint") -> float:
    """Share of `kind` messages predicted as anything else (0.0 when there are none)."""
    of_kind = [p for p in predictions if p.expected == kind]
    if not of_kind:
        return 0.0
    return sum(1 for p in of_kind if p.predicted != kind) / len(of_kind)


def misread_as_share(predictions: Sequence[Prediction], kind: str = "complaint") -> float:
    """Share of messages that are not `kind` but were predicted as `kind` (0.0 when none)."""
    others = [p for p in predictions if p.expected != kind]
    if not others:
        return 0.0
    return sum(1 for p in others if p.predicted == kind) / len(others)


ASKED = "asked"        # the clarifying question, with the expected kind among its buttons
ASKED_WRONG = "asked without the right kind"
REPHRASE = "asked to put it another way"


def outcome(p: Prediction) -> str:
    """What the assistant does with a first message: starts the predicted kind's form, asks the
    clarifying question (bot.nlp.clarify; a kind or a fall-back that is mostly about the kinds),
    asks the resident to put it another way (any other fall-back), or takes another route."""
    if p.predicted in FEEDBACK_KINDS or p.predicted == FALLBACK_INTENT:
        question = needs_clarification([{"name": n, "confidence": c} for n, c in p.ranking])
        if question is not None:
            return ASKED if p.expected in question.intents else ASKED_WRONG
        if p.predicted == FALLBACK_INTENT:
            return REPHRASE
    if p.expected != p.predicted and p.expected in p.offered:
        return ASKED  # an enquiry answered with a complaint offered beside it
    return p.predicted


def routed_wrong_share(predictions: Sequence[Prediction], kind: str = "complaint") -> float:
    """Share of `kind` messages the assistant acts on as something else without asking: another
    kind's form or route, or a clarifying question that does not offer `kind`."""
    of_kind = [p for p in predictions if p.expected == kind]
    if not of_kind:
        return 0.0
    return sum(1 for p in of_kind if outcome(p) not in (kind, ASKED, REPHRASE)) / len(of_kind)


def routed_as_share(predictions: Sequence[Prediction], kind: str = "complaint") -> float:
    """Share of messages that are not `kind` that the assistant acts on as `kind` without asking."""
    others = [p for p in predictions if p.expected != kind]
    if not others:
        return 0.0
    return sum(1 for p in others if outcome(p) == kind) / len(others)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(milliseconds: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(milliseconds) if milliseconds else 0.0,
        "p95_ms": percentile(milliseconds, 95),
        "max_ms": max(milliseconds) if milliseconds else 0.0,
        "count": len(milliseconds),
    }


async def predict(agent: Any, examples: Iterable[tuple[str, str]],
                  transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                  warmup: int = 5) -> list[Prediction]:
    """Parse each (text, expected intent) with a loaded Rasa agent, timing every parse.

    `transform` is applied to each parse (timed with it), so a benchmark can score what the
    assistant acts on rather than the classifier alone.
    """
    examples = list(examples)
    for text, _ in examples[:warmup]:
        await agent.parse_message(text)
    out = []
    for text, expected in examples:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        if transform is not None:
            parsed = transform(parsed)
        elapsed = (time.perf_counter() - started) * 1000
        out.append(prediction_from_parse(text, expected, parsed, elapsed))
    return out
