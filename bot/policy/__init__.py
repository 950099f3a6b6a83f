"""Complaint-policy profiles: one YAML file per landlord in policies/.

A profile holds everything the assistant, the case store and the staff pages need to know about a
landlord's complaint policy: its services and their ombudsman, how residents reach it, the stage 1
and stage 2 timescales, time limits and exclusions, repair timescales (Awaab's Law), retention and
the bank-holiday region. The shape is in `bot.policy.schema`; a profile is validated when loaded,
and a problem is reported on one line naming the file, the key and what is wrong:

    policies/x.yml: stage1.acknowledge_working_days: value is not a valid integer

The active profile is chosen by the setting INTAKE_POLICY. Deadlines are in
`bot.policy.deadlines`, resident-facing sentences in `bot.policy.wording`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot import settings
from bot.policy.schema import Profile

__all__ = ["PolicyError", "UnknownProfile", "Profile", "load_profile", "available_profiles",
           "active_profile"]


class PolicyError(Exception):
    """A profile that cannot be used; the message names the file, the key and what is wrong."""


class UnknownProfile(PolicyError):
    """No profile of that name in the policies folder."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        listed = ", ".join(known) or "none"
        super().__init__(f"unknown policy profile {name!r} (INTAKE_POLICY); known profiles: {listed}")


def available_profiles(directory: Path | None = None) -> list[str]:
    directory = Path(directory) if directory else settings.policies_dir()
    return sorted(p.stem for p in directory.glob("*.yml"))


def load_profile(name: str, directory: Path | None = None) -> Profile:
    """Load and validate policies/NAME.yml (or DIRECTORY/NAME.yml)."""
    directory = Path(directory) if directory else settings.policies_dir()
    path = directory / f"{name}.yml"
    if not name or "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise UnknownProfile(name, available_profiles(directory))
    return load_profile_file(path)


def load_profile_file(path: Path) -> Profile:
    """Load and validate one profile file; the profile's name is the file name without .yml."""
    path = Path(path)
    label = _label(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{label}: not UTF-8 text") from None
    except OSError as error:
        raise PolicyError(f"{label}: cannot read: {error.strerror or error}") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise PolicyError(f"{label}:{_yaml_where(error)} malformed YAML: {_yaml_what(error)}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{label}: expected a mapping of keys (display_name: ..., stage1: ...), "
                          f"found {type(data).__name__}")
    for reserved in ("name", "source"):
        if reserved in data:
            raise PolicyError(f"{label}: {reserved}: unknown key (the profile's name is its file name)")
    try:
        return Profile.parse_obj({**data, "name": path.stem, "source": path})
    except ValidationError as error:
        raise PolicyError(f"{label}: {_describe(error)}") from None


@lru_cache(maxsize=None)
def active_profile() -> Profile:
    """The profile named by INTAKE_POLICY (loaded once per process)."""
    return load_profile(settings.policy_name())


# --- error messages -------------------------------------------------------------------------------

def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if part == "__root__":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "__key__":
            out += " (key)"
        else:
            out += ("." if out else "") + str(part)
    return out


_MESSAGES = {
    "value_error.extra": "unknown key",
    "value_error.missing": "missing (required)",
    "type_error.none.not_allowed": "must not be empty",
    "type_error.str": "expected text (put phone numbers and other text in quotes)",
}


def _describe(error: ValidationError) -> str:
    seen, parts = set(), []
    for item in error.errors():
        key = _key_path(item["loc"])
        message = _MESSAGES.get(item["type"], item["msg"])
        if item["type"] == "value_error.str.regex" and key.endswith("(key)"):
            message = "keys are lower-case words (services: joined by '-'; others by '_')"
        line = f"{key}: {message}" if key else message
        if line not in seen:
            seen.add(line)
            parts.append(line)
    return "; ".join(parts)


def _yaml_where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return f" line {mark.line + 1}, column {mark.column + 1}:" if mark is not None else ""


def _yaml_what(error: yaml.YAMLError) -> str:
    return (getattr(error, "problem", None) or str(error).splitlines()[0]).strip()


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: dict[str | int | float | None, int] = {}  # key -> its line
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool, type(None))):
            continue  # an unusual key; the schema will refuse it with a clearer message
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (first on line {seen[key] + 1})",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
