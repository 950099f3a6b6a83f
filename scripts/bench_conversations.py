"""`make bench-conversations`: how well the assistant reads residents' answers to its questions.

Reads every answer of the resident-answer sets (tests/conversations/answers_*.yml, written blind,
each labelled with what it means) as the assistant does while that question is pending
(bot.intake.reading, with the trained model's parse for the digressions it is sure of), and
prints the share read correctly per question, per set and overall, every misreading, and how
often an exclusion would have been explained on an answer that did not clearly give one.
Targets: at least 98% read correctly, and no exclusion on a guess. A measurement, not a test
(tests/conversations/test_answers.py holds a floor).

    uv run --no-sync python scripts/bench_conversations.py [--model PATH | --no-model]
        [--set dev|blind|fresh|...|thirteenth|all]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.conversations import answers as sets  # noqa: E402

TARGET = 0.98


def model_parser(model: Path):
    """The trained model's parse of a message (for the digressions it is very sure of)."""
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    return parse


def measure(items, parse) -> dict:
    started = time.perf_counter()
    readings = sets.read_all(items, parse)
    elapsed = time.perf_counter() - started
    per_question: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses, guesses, skipped = [], [], 0
    for item, got in zip(items, readings):
        if not sets.scoreable(item):
            skipped += 1
            continue
        ok = sets.correct(item, got)
        per_question[item.question][0] += ok
        per_question[item.question][1] += 1
        if not ok:
            misses.append({"set": item.source, "question": item.question, "text": item.text,
                           "label": item.label, **item.extra, "read": got.as_dict()})
        if sets.exclusion_on_a_guess(item, got):
            guesses.append({"question": item.question, "text": item.text, "read": got.as_dict()})
    right = sum(v[0] for v in per_question.values())
    total = sum(v[1] for v in per_question.values())
    return {"right": right, "total": total, "share": right / total if total else 0.0,
            "per_question": {q: {"right": v[0], "total": v[1]} for q, v in sorted(per_question.items())},
            "misreadings": misses, "exclusions_on_a_guess": guesses, "not_scored": skipped,
            "ms_per_answer": 1000 * elapsed / max(1, len(items))}


def report(name: str, result: dict, show: bool) -> None:
    print(f"\n== {name}: {result['right']}/{result['total']} read correctly "
          f"({100 * result['share']:.1f}%; target {100 * TARGET:.0f}%) ==")
    for question, counts in result["per_question"].items():
        share = counts["right"] / counts["total"]
        print(f"  {question:<28} {counts['right']:>3}/{counts['total']:<3} {100 * share:5.1f}%")
    print(f"  exclusion explained on an unclear answer: {len(result['exclusions_on_a_guess'])} (target 0)")
    if result["not_scored"]:
        print(f"  not scored: {result['not_scored']} (a labelled reference that is not a valid one of ours)")
    print(f"  reading time: {result['ms_per_answer']:.1f} ms an answer (with the model's parse)")
    if show and result["misreadings"]:
        print("  misreadings:")
        for miss in result["misreadings"]:
            expected = {k: v for k, v in miss.items() if k not in ("set", "question", "text", "read")}
            print(f"    [{miss['question']}] {miss['text']!r}\n        expected {expected}\n"
                  f"        read     {miss['read']}")
    for guess in result["exclusions_on_a_guess"]:
        print(f"  EXCLUSION ON A GUESS [{guess['question']}] {guess['text']!r} -> {guess['read']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="a trained model (default: train or reuse models/)")
    parser.add_argument("--no-model", action="store_true", help="read without the model's parse")
    # Each set by the end of its file's name ("answers_ninth.yml": "ninth"), or all of them.
    by_name = {path.stem.removeprefix("answers_"): [path] for path in sets.ALL_FILES}
    by_name["all"] = list(sets.ALL_FILES)
    parser.add_argument("--set", default="all", choices=tuple(by_name))
    parser.add_argument("--quiet", action="store_true", help="do not list every misreading")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "conversation-benchmark.json")
    args = parser.parse_args()

    parse = None
    if not args.no_model:
        model = args.model
        if model is None:
            from bot.ops.model import ensure_model

            model = ensure_model(ROOT / "models")
        parse = model_parser(model)
    chosen = by_name[args.set]
    results = {}
    everything = []
    for path in chosen:
        items = sets.load(path)
        everything += items
        results[path.name] = measure(items, parse)
        report(path.name, results[path.name], not args.quiet)
    if len(chosen) > 1:
        results["together"] = measure(everything, parse)
        report("all sets together", results["together"], False)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nWritten to {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
