"""`make bench-nlu`: train an NLU-only model on data/, evaluate it on the held-out set, report.

Prints per-intent precision/recall/F1, the macro-F1 over the five kinds of feedback, their
confusion matrix, every miss, the share of complaints filed as service requests or ASB reports,
how often the clarifying question would be asked, and the parse latency; writes the same as JSON
(default results/nlu-benchmark.json).

    uv run --no-sync python scripts/bench_nlu.py [--model PATH] [--heldout FILE] [--json FILE]

The held-out set (tests/nlu/heldout.yml, and later batches tests/nlu/heldout_*.yml) is never
trained on; the figures are given for all of it and for each file. Targets: macro-F1 >= 0.95, complaint
misfile share < 3 %, median parse < 30 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.nlp import FEEDBACK_KINDS  # noqa: E402
from bot.nlp import evaluation as ev  # noqa: E402
from bot.nlp.clarify import needs_clarification  # noqa: E402

TARGET_MACRO_F1 = 0.95
TARGET_MISFILE = 0.03
TARGET_MEDIAN_MS = 30.0
SHORT = {"complaint": "CMP", "service_request": "SRQ", "asb_report": "ASB", "comment": "CMT",
         "compliment": "CPL", ev.OTHER: "other"}


def train(out_dir: Path, config: Path) -> tuple[Path, float]:
    """Train an NLU-only model into out_dir; return its path and the training time in seconds."""
    subprocess.run([sys.executable, "-m", "bot.nlp.build_pipeline", "--if-needed"], cwd=ROOT,
                   check=True)
    started = time.monotonic()
    log = out_dir / "train.log"
    with log.open("w") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config), "--nlu", "data",
             "--out", str(out_dir), "--fixed-model-name", "bench-nlu"],
            cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
            env=dict(os.environ, RASA_TELEMETRY_ENABLED="false"))
    elapsed = time.monotonic() - started
    model = out_dir / "bench-nlu.tar.gz"
    if result.returncode != 0 or not model.exists():
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"error: rasa train nlu failed (exit {result.returncode})")
    return model, elapsed


def load_heldout(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(text, intent, file name) of every held-out message."""
    from tests.nlu.nludata import read_examples

    return [(e.text, e.intent, e.source) for path in paths for e in read_examples(path)]


def evaluate(model: Path, examples: list[tuple[str, str]]) -> list[ev.Prediction]:
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return asyncio.run(ev.predict(agent, examples))


def report(predictions: list[ev.Prediction], train_seconds: float | None, model: Path,
           sources: list[str]) -> dict:
    intents = sorted({p.expected for p in predictions})
    by_source = {}
    for source in dict.fromkeys(sources):
        subset = [p for p, s in zip(predictions, sources) if s == source]
        by_source[source] = {"messages": len(subset), "macro_f1_five_kinds": ev.macro_f1(subset),
                             "complaint_misfile_share": ev.misfile_share(subset)}
    scores = ev.per_intent_scores(predictions, intents)
    kind_predictions = [p for p in predictions if p.expected in FEEDBACK_KINDS]
    clarify = []
    for p in kind_predictions:
        question = needs_clarification([{"name": n, "confidence": c} for n, c in p.ranking])
        clarify.append((p, question))
    asked_correct = sum(1 for p, q in clarify if q and p.correct)
    asked_wrong = sum(1 for p, q in clarify if q and not p.correct)
    wrong = sum(1 for p, _ in clarify if not p.correct)
    complaints = [p for p, q in clarify if p.expected == "complaint"]
    unasked_misfiles = [p for p, q in clarify if p.expected == "complaint" and not q
                        and p.predicted in ("service_request", "asb_report")]
    return {
        "model": str(model),
        "train_seconds": round(train_seconds, 1) if train_seconds is not None else None,
        "heldout_messages": len(predictions),
        "macro_f1_five_kinds": ev.macro_f1(predictions),
        "by_file": by_source,
        "accuracy_all_intents": sum(p.correct for p in predictions) / len(predictions),
        "per_intent": scores,
        "confusion_matrix": ev.confusion_matrix(predictions),
        "complaint_misfile_share": ev.misfile_share(predictions),
        "complaint_misfile_share_without_clarifying": (len(unasked_misfiles) / len(complaints)
                                                       if complaints else 0.0),
        "clarification": {
            "asked_share_of_kind_messages": (asked_correct + asked_wrong) / max(len(clarify), 1),
            "asked_when_correct": asked_correct,
            "asked_when_wrong": asked_wrong,
            "wrong_total": wrong,
        },
        "fallbacks": sum(1 for p in predictions if p.predicted == ev.FALLBACK_INTENT),
        "latency": ev.latency_summary([p.parse_ms for p in predictions]),
        "misses": [p.as_dict() for p in predictions if not p.correct],
        "predictions": [p.as_dict() for p in predictions],
    }


def print_report(data: dict) -> None:
    print()
    print(f"Held-out messages: {data['heldout_messages']}   model: {data['model']}")
    if data["train_seconds"] is not None:
        print(f"NLU training time: {data['train_seconds']:.0f} s")
    print()
    print(f"{'intent':30} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for name, s in data["per_intent"].items():
        star = " *" if name in FEEDBACK_KINDS else ""
        print(f"{name + star:30} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
              f"{s['support']:8d}")
    print("(* the five kinds of feedback)")
    print()
    print("Confusion matrix (rows: expected, columns: predicted)")
    columns = list(FEEDBACK_KINDS) + [ev.OTHER]
    print(" " * 6 + "".join(f"{SHORT[c]:>7}" for c in columns))
    for kind, row in data["confusion_matrix"].items():
        print(f"{SHORT[kind]:6}" + "".join(f"{row[c]:7d}" for c in columns))
    print()
    misses = data["misses"]
    print(f"Misses ({len(misses)}):")
    for m in misses:
        print(f"  - expected {m['expected']}, got {m['predicted']} ({m['confidence']:.2f}): "
              f"{m['text']}")
    clar = data["clarification"]
    lat = data["latency"]
    print()
    ok = lambda good: "ok" if good else "BELOW TARGET"  # noqa: E731
    print(f"Macro-F1 over the five kinds: {data['macro_f1_five_kinds']:.3f} "
          f"(target >= {TARGET_MACRO_F1}: {ok(data['macro_f1_five_kinds'] >= TARGET_MACRO_F1)})")
    for source, part in data["by_file"].items():
        print(f"  {source}: macro-F1 {part['macro_f1_five_kinds']:.3f}, complaints misfiled "
              f"{part['complaint_misfile_share']:.1%} ({part['messages']} messages)")
    print(f"Complaints filed as service_request or asb_report: "
          f"{data['complaint_misfile_share']:.1%} (target < {TARGET_MISFILE:.0%}: "
          f"{ok(data['complaint_misfile_share'] < TARGET_MISFILE)}); "
          f"without a clarifying question: {data['complaint_misfile_share_without_clarifying']:.1%}")
    print(f"Clarifying question asked for {clar['asked_share_of_kind_messages']:.1%} of the five "
          f"kinds' messages: {clar['asked_when_wrong']} of {clar['wrong_total']} misses, "
          f"{clar['asked_when_correct']} correct ones")
    print(f"nlu_fallback: {data['fallbacks']} messages")
    print(f"Parse latency: median {lat['median_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms "
          f"(target median < {TARGET_MEDIAN_MS:.0f} ms: {ok(lat['median_ms'] < TARGET_MEDIAN_MS)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="evaluate this model instead of training one")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="Rasa config to train with (default: config.yml)")
    parser.add_argument("--heldout", type=Path, nargs="+", default=None,
                        help="held-out files (default: tests/nlu/heldout.yml and heldout_*.yml)")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "nlu-benchmark.json")
    args = parser.parse_args(argv)

    from tests.nlu.nludata import HELDOUT_FILES

    examples = load_heldout(args.heldout or list(HELDOUT_FILES))
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        if args.model:
            model, seconds = args.model, None
        else:
            print("Training an NLU-only model on data/ (about a minute)...", flush=True)
            model, seconds = train(Path(tmp), args.config.resolve())
        predictions = evaluate(model, [(text, intent) for text, intent, _ in examples])
        data = report(predictions, seconds, model, [source for _, _, source in examples])
    print_report(data)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2))
    print(f"\nWritten to {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
