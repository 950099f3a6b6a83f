"""The import rules of docs/architecture.md, checked on the source: a change that makes the policy
reach the case store, the intake code reach Rasa, or the library reach the action adapter fails
here. Every import counts, also those inside functions."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

# package -> the project packages it must never import
FORBIDDEN = {
    "bot.policy": {"bot.cases", "bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "bot.staff", "actions"},
    "bot.cases": {"bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "actions"},
    "bot.staff": {"bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "actions"},
    "bot.nlp": {"bot.cases", "bot.intake", "bot.staff", "bot.channels", "bot.rasa", "actions"},
    "bot.intake": {"bot.rasa", "bot.channels", "bot.staff", "actions"},
    # The metrics and log format: a leaf every package may count in, like bot.settings.
    "bot.ops": {"bot.cases", "bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "bot.staff",
                "bot.policy", "actions"},
    # Residents' files: checks and storage, a leaf the channels, cases and staff all use.
    "bot.evidence": {"bot.cases", "bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "bot.staff",
                     "bot.policy", "actions"},
    "bot": {"actions"},
}
# Domain code is testable without Rasa: these never import Rasa or its SDK.
WITHOUT_RASA = ("bot.policy", "bot.cases", "bot.intake", "bot.ops", "bot.evidence")
# Known exceptions, each with its reason (issue 22 is to remove them).
ALLOWED = {
    # Alembic's environment puts the staff workspace's tables on the same metadata.
    ("bot/cases/migrations/env.py", "bot.staff"),
}


def modules() -> list[Path]:
    return sorted(p for p in (PROJECT_ROOT / "bot").rglob("*.py") if "__pycache__" not in p.parts)


def package_of(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:2]) if len(parts) > 2 else "bot"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def reaches(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_imports_follow_the_layers(path):
    own = package_of(path)
    relative = str(path.relative_to(PROJECT_ROOT))
    rules = FORBIDDEN.get(own, set()) | FORBIDDEN["bot"]
    broken = sorted({(name, package) for name in imported(path) for package in rules
                     if reaches(name, package) and not reaches(own, package)
                     and (relative, package) not in ALLOWED})
    assert broken == [], f"{relative} ({own}) imports {broken}: see docs/architecture.md"
    if own in WITHOUT_RASA:
        rasa = sorted(n for n in imported(path) if reaches(n, "rasa") or reaches(n, "rasa_sdk"))
        assert rasa == [], f"{relative} imports Rasa ({rasa}); domain code stays testable without it"


def test_the_rules_see_imports_inside_functions(tmp_path):
    """The check itself: a function-local import is found."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from bot.cases import store\n    import actions.flow\n")
    assert {"bot.cases", "bot.cases.store", "actions.flow"} <= imported(source)
