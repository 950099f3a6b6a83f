"""Complaint-policy profiles: one YAML file per landlord in policies/.

(Foundation version: loads a profile and checks the few keys the greeting needs. The full schema
and validation arrive with the policy-profile issue.)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import settings


class PolicyError(Exception):
    """A profile that cannot be used; the message names the file, the key and what is wrong."""


@dataclass(frozen=True)
class Profile:
    name: str
    display_name: str
    source: Path


def available_profiles(directory: Path | None = None) -> list[str]:
    directory = directory or settings.policies_dir()
    return sorted(p.stem for p in directory.glob("*.yml"))


def load_profile(name: str, directory: Path | None = None) -> Profile:
    directory = directory or settings.policies_dir()
    path = directory / f"{name}.yml"
    if not path.is_file():
        known = ", ".join(available_profiles(directory)) or "none"
        raise PolicyError(f"unknown policy profile {name!r} (INTAKE_POLICY); known profiles: {known}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}".replace("\n", " ")) from None
    if not isinstance(data, dict) or not isinstance(data.get("display_name"), str):
        raise PolicyError(f"{path}: key 'display_name': missing or not text")
    return Profile(name=name, display_name=data["display_name"], source=path)


@lru_cache(maxsize=None)
def active_profile() -> Profile:
    return load_profile(settings.policy_name())
