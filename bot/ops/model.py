"""`python -m bot model`: train only when the training inputs changed since the last model.

The model's file name carries a fingerprint of everything training reads (config, domain, data and
the code that builds the spaCy pipeline), so an unchanged project starts at once with its model.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bot import settings

MODEL_PREFIX = "intake-"
# Paths (files or folders, relative to the project) whose content decides the model.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "bot/nlp")


def add_arguments(parser) -> None:
    parser.add_argument("--out", default="models", help="folder for models (default: models)")
    parser.add_argument("--force", action="store_true", help="train even when nothing changed")


def fingerprint(root: Path = settings.PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for entry in TRAINING_INPUTS:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists() or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(out: Path, fp: str) -> Path:
    return out / f"{MODEL_PREFIX}{fp}.tar.gz"


def prepare_training(root: Path) -> None:
    """Build what training needs that is not committed (the project's spaCy pipeline)."""
    builder = root / "bot" / "nlp" / "build_pipeline.py"
    if builder.exists():
        subprocess.run([sys.executable, "-m", "bot.nlp.build_pipeline"], cwd=root, check=True)


def prepare_serving(root: Path) -> None:
    """Build the spaCy pipeline a model loads from var/ at run time, if it is missing or stale."""
    builder = root / "bot" / "nlp" / "build_pipeline.py"
    if builder.exists():
        subprocess.run([sys.executable, "-m", "bot.nlp.build_pipeline", "--if-needed",
                        "--out", str(root / "var" / "spacy" / "intake_en")], cwd=root, check=True)


def ensure_model(out: Path, force: bool = False, root: Path = settings.PROJECT_ROOT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    fp = fingerprint(root)
    target = model_path(out, fp)
    if target.exists() and not force:
        prepare_serving(root)
        print(f"Model up to date: {target.relative_to(root) if target.is_relative_to(root) else target}"
              " (training data and config unchanged; not retraining)")
        return target
    print(f"Training a model (training data or config changed; fingerprint {fp})...", flush=True)
    started = time.monotonic()
    prepare_training(root)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
         "--data", "data", "--out", str(out), "--fixed-model-name", target.name[: -len(".tar.gz")]],
        cwd=root, env=env,
    )
    if result.returncode != 0 or not target.exists():
        raise SystemExit(f"error: training failed (rasa train exited {result.returncode}); see above")
    elapsed = time.monotonic() - started
    print(f"Training took {elapsed:.0f} s; model: {target}", flush=True)
    for old in out.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()  # the Rasa server loads the newest model in the folder; keep only this one
    return target


def run(args) -> int:
    ensure_model(settings.PROJECT_ROOT / args.out if not os.path.isabs(args.out) else Path(args.out),
                 force=args.force)
    return 0
