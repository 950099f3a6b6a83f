"""The import rules of docs/architecture.md, checked on the source: a change that makes the policy
reach the case store, the intake code reach Rasa, or the library reach the action adapter fails
here. Every import counts, also those inside functions."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

# Everything of ours a module could import.
OURS = {"bot.settings", "bot.vocabulary", "bot.workdays", "bot.conversation", "bot.cli", "bot.policy",
        "bot.cases", "bot.evidence", "bot.letters", "bot.nlp", "bot.intake", "bot.staff",
        "bot.channels", "bot.rasa", "bot.ops", "actions"}


def everything_but(*allowed: str) -> set[str]:
    return OURS - set(allowed)


# package (or module: the longest name that contains a module decides) -> what of ours it must
# never import
FORBIDDEN = {
    "bot.policy": {"bot.cases", "bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "bot.staff", "actions"},
    "bot.cases": {"bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "actions"},
    "bot.staff": {"bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "actions"},
    "bot.nlp": {"bot.cases", "bot.intake", "bot.staff", "bot.channels", "bot.rasa", "actions"},
    "bot.intake": {"bot.rasa", "bot.channels", "bot.staff", "actions"},
    # Rasa's adaptations and its start: the domain below it, never the channels above it (they
    # call bot.rasa) nor the staff workspace.
    "bot.rasa": {"bot.channels", "bot.staff", "bot.letters", "actions"},
    "bot.channels": {"bot.staff", "bot.intake", "bot.nlp", "bot.letters", "actions"},
    # Operations: the metrics, the log format and the small commands (env, ready, model,
    # nginx-config) are a leaf every package may use, like bot.settings ...
    "bot.ops": everything_but("bot.settings", "bot.cli") | {"bot.ops.preflight"},
    # ... but `python -m bot check` checks everything before a start.
    "bot.ops.preflight": {"bot.intake", "bot.nlp", "bot.staff", "bot.letters", "actions"},
    # Residents' files: checks and storage, a leaf the channels, cases and staff all use.
    "bot.evidence": {"bot.cases", "bot.intake", "bot.nlp", "bot.rasa", "bot.channels", "bot.staff",
                     "bot.policy", "actions"},
    # Letters to residents: from the policy's wording; the staff workspace sends them.
    "bot.letters": everything_but("bot.policy", "bot.settings", "bot.vocabulary", "bot.workdays"),
    "bot.settings": everything_but(),
    "bot": {"actions"},
}
# The workspace's pages never import the app that registers them (that was an import cycle):
# what they share is in bot.staff.web, which imports neither.
FORBIDDEN["bot.staff.views"] = FORBIDDEN["bot.staff"] | {"bot.staff.app"}
FORBIDDEN["bot.staff.web"] = FORBIDDEN["bot.staff"] | {"bot.staff.app", "bot.staff.views"}
# Moving a case between teams renders the case page (views.teams uses views.cases), never the other
# way round: the queue's team choices are the queue's own.
FORBIDDEN["bot.staff.views.cases"] = FORBIDDEN["bot.staff.views"] | {"bot.staff.views.teams"}
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


def module_of(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rules_for(module: str) -> set[str]:
    """What the module must never import: the rules of the longest name in FORBIDDEN that
    contains it, and the library's (never the action adapter)."""
    key = max((name for name in FORBIDDEN if reaches(module, name)), key=len, default="bot")
    return FORBIDDEN[key] | FORBIDDEN["bot"]


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
    own, module = package_of(path), module_of(path)
    relative = str(path.relative_to(PROJECT_ROOT))
    # (a module may import its own package, and itself, unless a rule names that part of it)
    broken = sorted({(name, package) for name in imported(path) for package in rules_for(module)
                     if reaches(name, package) and not reaches(module, package)
                     and (relative, package) not in ALLOWED})
    assert broken == [], f"{relative} ({own}) imports {broken}: see docs/architecture.md"
    if own in WITHOUT_RASA:
        rasa = sorted(n for n in imported(path) if reaches(n, "rasa") or reaches(n, "rasa_sdk"))
        assert rasa == [], f"{relative} imports Rasa ({rasa}); domain code stays testable without it"


def test_the_rules_follow_the_longest_name():
    assert "bot.ops.preflight" in rules_for("bot.ops.metrics")
    assert "bot.policy" in rules_for("bot.ops.envfile")
    assert "bot.policy" not in rules_for("bot.ops.preflight")
    assert rules_for("bot.cli") == {"actions"}


def test_only_the_launcher_installs_the_adaptations_of_rasa():
    """No import installs a patch of Rasa as a side effect: `bot.rasa.install()` is called by
    the launcher alone (and by tests), never at a module's top level."""
    calls = []
    for path in modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            for call in ast.walk(node) if isinstance(node, (ast.Expr, ast.Assign)) else ():
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                        and call.func.attr == "install":
                    calls.append(str(path.relative_to(PROJECT_ROOT)))
    assert calls == []
    launcher = (PROJECT_ROOT / "bot" / "rasa" / "launcher.py").read_text()
    assert "from bot.rasa import install" in launcher


def test_the_rules_see_imports_inside_functions(tmp_path):
    """The check itself: a function-local import is found."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from bot.cases import store\n    import actions.flow\n")
    assert {"bot.cases", "bot.cases.store", "actions.flow"} <= imported(source)


def test_every_way_of_starting_rasa_goes_through_the_launcher():
    """The Procfile, the Kubernetes manifests, the tests' servers and the story tests start Rasa
    with `python -m bot.rasa`, which installs the adaptations first; none calls `rasa` itself."""
    import re

    import yaml

    procfile = dict(line.split(": ", 1) for line in
                    (PROJECT_ROOT / "Procfile").read_text().splitlines() if ": " in line)
    assert procfile["rasa"].startswith("uv run --no-sync python -m bot.rasa run ")
    assert procfile["actions"].startswith("uv run --no-sync python -m bot.rasa run actions")
    commands = []
    for manifest in sorted((PROJECT_ROOT / "deploy" / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(manifest.read_text()):
            pod = ((document or {}).get("spec") or {}).get("template", {}).get("spec", {})
            for container in pod.get("containers", []):
                commands.append((container["name"], container.get("command")))
    assert ("rasa", ["python", "-m", "bot.rasa"]) in commands
    servers = PROJECT_ROOT / "tests" / "support" / "servers.py"
    foundation = PROJECT_ROOT / "tests" / "test_foundation.py"
    starters = {path: path.read_text() for path in (servers, foundation)}
    for path, text in starters.items():
        assert not re.search(r'"-m", "rasa", "(run|test|shell)"', text), path
    assert '"-m", "bot.rasa", "run", "--enable-api"' in starters[servers]
    assert '"-m", "bot.rasa", "test", "core"' in starters[foundation]
