"""Build the project's spaCy pipeline: `python -m bot.nlp.build_pipeline [--out DIR] [--base NAME]`.

The pipeline is `spacy.blank("en")` with a tokenizer that keeps case references and hyphenated
phone numbers in one token, and an `entity_ruler` that finds UK postcodes, UK phone numbers, e-mail
addresses, case references and dates (labels: postcode, phone, email, case_reference, date). It is
saved under var/spacy/intake_en (not committed): Rasa's SpacyNLP loads it from there when training
and when serving. `bot.model.ensure_model` runs this before training, and whenever the folder is
missing.

`--base NAME` (or the INTAKE_SPACY_BASE environment variable) starts from an installed pretrained
spaCy pipeline (for example en_core_web_sm) instead of the blank one: its tagger and lemmatizer
then feed Rasa's LexicalSyntacticFeaturizer, and the rule-based entities still take precedence over
its statistical ones. A model trained with one base must be retrained (`bot model --force`) after
switching to another.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from bot.nlp import ENTITY_LABELS, PIPELINE_RELATIVE_PATH
from bot.nlp import patterns as P

BASE_ENV = "INTAKE_SPACY_BASE"


def patterns_fingerprint(base: str | None = None) -> str:
    """Identifies what a built pipeline contains: the pattern code and the base pipeline."""
    digest = hashlib.sha256(Path(P.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update((base or "blank:en").encode())
    return digest.hexdigest()[:16]


def make_nlp(base: str | None = None):
    """The pipeline in memory (not saved)."""
    import spacy

    if base:
        nlp = spacy.load(base, exclude=["parser"])
    else:
        nlp = spacy.blank("en")
    nlp.tokenizer.token_match = re.compile(P.TOKEN_MATCH).match
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="intake_entities",
                         config={"validate": True, "overwrite_ents": True}, **before)
    ruler.add_patterns(P.entity_patterns())
    labels = set(ruler.labels) - {P.IGNORED_LABEL}
    if labels != set(ENTITY_LABELS):
        raise RuntimeError(f"entity_ruler labels {sorted(labels)} != {sorted(ENTITY_LABELS)}")
    nlp.meta["name"] = "intake_en"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Intake: rule-based entities for UK housing conversations"
    nlp.meta["intake"] = {"fingerprint": patterns_fingerprint(base), "base": base or "blank:en"}
    return nlp


def built_fingerprint(path: Path) -> str | None:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (meta.get("intake") or {}).get("fingerprint")


def is_current(path: Path, base: str | None = None) -> bool:
    return built_fingerprint(path) == patterns_fingerprint(base)


def build(out: Path, base: str | None = None) -> Path:
    """Build and save the pipeline to `out` (replacing what is there), atomically."""
    nlp = make_nlp(base)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the pipeline from a service's own user
    try:
        nlp.to_disk(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    from bot.settings import PROJECT_ROOT

    parser = argparse.ArgumentParser(prog="python -m bot.nlp.build_pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / PIPELINE_RELATIVE_PATH,
                        help="folder to save the pipeline to (default: var/spacy/intake_en)")
    parser.add_argument("--base", default=os.environ.get(BASE_ENV) or None,
                        help=f"installed pretrained spaCy pipeline to start from (env {BASE_ENV}); "
                             "default: spacy.blank('en')")
    parser.add_argument("--if-needed", action="store_true",
                        help="do nothing when the saved pipeline is already current")
    args = parser.parse_args(argv)
    if args.if_needed and is_current(args.out, args.base):
        return 0
    try:
        build(args.out, args.base)
    except OSError as error:
        if args.base:
            print(f"error: cannot load the spaCy pipeline '{args.base}' ({BASE_ENV}): {error}",
                  file=sys.stderr)
            return 1
        raise
    print(f"spaCy pipeline saved to {args.out} ({len(P.entity_patterns())} entity patterns)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
