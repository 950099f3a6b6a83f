"""Intent corrections: staff say what a resident's message meant, and the corrections are exported
as Rasa NLU training data to add to `data/`.

The export is a YAML file Rasa reads like the project's own (`version: "3.1"`, `nlu:` with
`- intent: X` / `examples: |`). It leaves out, with a comment saying why:

* a message that is already a training example of the same intent (nothing to add);
* a message that is a training example of *another* intent (Rasa's `data validate` refuses the
  same example under two intents: fix the training data by hand);
* a message Rasa would read as an entity annotation (`[text](entity)`), which would change it.

Messages are put on one line (line breaks become spaces) without control characters; when the
same message was corrected more than once, the latest correction wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.settings import PROJECT_ROOT
from bot.staff.models import IntentCorrection

EXPORT_VERSION = "3.1"
_INTENT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")


class CorrectionError(ValueError):
    """A correction that cannot be made; the message says why."""


# --- the intents a message may be given -----------------------------------------------------------

def domain_intents(domain_path: Path | None = None) -> list[str]:
    """The intents of the assistant's domain (domain.yml), in its order."""
    path = Path(domain_path or PROJECT_ROOT / "domain.yml")
    return list(_domain_intents(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _domain_intents(path: str, _mtime: int) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    names = []
    for item in domain.get("intents") or []:
        name = next(iter(item)) if isinstance(item, dict) else item
        if isinstance(name, str) and _INTENT_NAME.fullmatch(name) and name not in names:
            names.append(name)
    return tuple(names)


# --- recording ------------------------------------------------------------------------------------

def correct(session: Session, *, sender_id: str, event_id: int, text: str,
            predicted_intent: str | None, predicted_confidence: float | None, intent: str,
            actor: str, now: datetime, intents: Iterable[str]) -> IntentCorrection:
    """Record (or change) the intent of one resident message. The caller commits."""
    if not intent:
        raise CorrectionError("choose what the message means")
    if intent not in set(intents):
        raise CorrectionError(f"{intent!r} is not an intent of the assistant's domain")
    if not example_text(text):
        raise CorrectionError("this message has no text to learn from")
    row = session.execute(select(IntentCorrection).where(
        IntentCorrection.sender_id == sender_id, IntentCorrection.event_id == int(event_id))
    ).scalar_one_or_none()
    if row is None:
        row = IntentCorrection(sender_id=sender_id, event_id=int(event_id))
        session.add(row)
    row.text = text
    row.predicted_intent = predicted_intent
    row.predicted_confidence = predicted_confidence
    row.intent = intent
    row.actor = actor
    row.at = now
    session.flush()
    return row


def corrections(session: Session) -> list[IntentCorrection]:
    return list(session.execute(select(IntentCorrection).order_by(
        IntentCorrection.at.desc(), IntentCorrection.id.desc())).scalars())


def of_conversation(session: Session, sender_id: str) -> dict[int, IntentCorrection]:
    rows = session.execute(select(IntentCorrection).where(
        IntentCorrection.sender_id == sender_id)).scalars()
    return {row.event_id: row for row in rows}


def remove(session: Session, correction_id: int) -> bool:
    row = session.get(IntentCorrection, int(correction_id))
    if row is None:
        return False
    session.delete(row)
    return True


# --- exporting ------------------------------------------------------------------------------------

def example_text(text: str) -> str:
    """A message as one line of training data: line breaks and tabs become spaces, control and
    unpaired surrogate characters go, runs of spaces become one."""
    kept = []
    for char in text or "":
        if char in "\r\n\t\u2028\u2029\x85":
            kept.append(" ")
        elif char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF:
            kept.append(char)
    return " ".join("".join(kept).split())


def changed_by_rasa(text: str) -> bool:
    """Whether Rasa would read the example as something else (an entity annotation)."""
    if "[" not in text:
        return False
    from rasa.shared.nlu.training_data.entities_parser import parse_training_example

    try:
        return parse_training_example(text).get("text") != text
    except Exception:  # noqa: BLE001 - anything Rasa cannot parse is not safe to export
        return True


def training_examples(data_dir: Path | None = None) -> dict[str, set[str]]:
    """Every NLU example in the training data (`data/` by default): text -> its intents."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data_dir = Path(data_dir or PROJECT_ROOT / "data")
    found: dict[str, set[str]] = {}
    for path in sorted(data_dir.rglob("*.yml")) + sorted(data_dir.rglob("*.yaml")):
        try:
            if not RasaYAMLReader.is_yaml_nlu_file(path):
                continue
            data = RasaYAMLReader().read(path)
        except Exception:  # noqa: BLE001 - a broken file is `rasa data validate`'s to report
            continue
        for message in data.intent_examples:
            text = message.get("text")
            if text:
                found.setdefault(text, set()).add(message.get("intent"))
    return found


@dataclass
class Export:
    yaml: str
    examples: dict[str, list[str]]           # intent -> texts, as exported
    skipped: list[tuple[str, str, str]]      # (text, intent, why)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.examples.values())


def export(rows: Iterable[IntentCorrection], *, existing: Mapping[str, set[str]] | None = None,
           intents: Iterable[str] | None = None, generated: str = "") -> Export:
    """The corrections as Rasa NLU YAML. `existing`: the training data's examples
    (`training_examples()`); `intents`: the domain's (others are skipped)."""
    existing = existing or {}
    allowed = set(intents) if intents is not None else None
    latest: dict[str, IntentCorrection] = {}
    for row in sorted(rows, key=lambda r: (r.at, r.id or 0)):
        text = example_text(row.text)
        if text:
            latest[text] = row
    examples: dict[str, list[str]] = {}
    skipped: list[tuple[str, str, str]] = []
    for text, row in sorted(latest.items(), key=lambda item: (item[1].intent, item[0].lower())):
        known = existing.get(text, set())
        if allowed is not None and row.intent not in allowed:
            skipped.append((text, row.intent, "the intent is no longer in the domain"))
        elif row.intent in known and len(known) == 1:
            skipped.append((text, row.intent, "already a training example of this intent"))
        elif known - {row.intent}:
            others = ", ".join(sorted(known - {row.intent}))
            skipped.append((text, row.intent, f"already a training example of {others}: "
                                              "fix data/ by hand"))
        elif changed_by_rasa(text):
            skipped.append((text, row.intent, "Rasa would read part of it as an entity annotation"))
        else:
            examples.setdefault(row.intent, []).append(text)
    return Export(_render(examples, skipped, generated), examples, skipped)


def _comment(text: str) -> str:
    return "# " + text.replace("\n", " ")


def _render(examples: Mapping[str, list[str]], skipped: list[tuple[str, str, str]],
            generated: str) -> str:
    lines = [f'version: "{EXPORT_VERSION}"',
             "# Intent corrections made in the staff workspace"
             + (f", {generated}" if generated else "") + ".",
             "# Review them, then add this file to data/nlu/ and retrain."]
    for text, intent, why in skipped:
        lines.append(_comment(f"left out ({why}): {intent}: {text}"))
    if not examples:
        lines.append("nlu: []")
        return "\n".join(lines) + "\n"
    lines.append("nlu:")
    for intent in sorted(examples):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines += [f"    - {text}" for text in examples[intent]]
    return "\n".join(lines) + "\n"
