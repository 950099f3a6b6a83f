"""Natural-language understanding helpers: the project's spaCy pipeline and the clarify decision.

Importing this package is cheap (no spaCy, no TensorFlow): the run command and the action server
use the constants and pure functions here.
"""
from __future__ import annotations

from pathlib import Path
from bot import vocabulary

# Where `python -m bot.nlp.build_pipeline` saves the spaCy pipeline, relative to the project root.
# config.yml names the same relative path (SpacyNLP `model:`): Rasa is always started from the
# project root (Procfile, `bot model`, the tests), so the relative path resolves there.
PIPELINE_RELATIVE_PATH = Path("var") / "spacy" / "intake_en"

# The five kinds of feedback, in the order reports list them.
FEEDBACK_KINDS: tuple[str, ...] = vocabulary.CASE_TYPES

# Entity labels the rule-based recogniser produces (the domain declares the same names).
ENTITY_LABELS: tuple[str, ...] = ("postcode", "phone", "email", "case_reference", "date")


def pipeline_path(root: Path) -> Path:
    """The saved spaCy pipeline of the project at `root`."""
    return root / PIPELINE_RELATIVE_PATH


def pipeline_exists(root: Path) -> bool:
    path = pipeline_path(root)
    return (path / "meta.json").is_file() and (path / "config.cfg").is_file()
