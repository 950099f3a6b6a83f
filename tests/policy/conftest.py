"""Fixtures for the policy tests: the source documents the profiles are checked against."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.policy import load_profile
from bot.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DOMAIN = SHARED / "DOMAIN.md"


def normalise(text: str) -> str:
    """One space between words, so line breaks and bullets in the seeds do not matter."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the policy seeds are not here ({SEEDS}); they live in ../shared/seeds/")
    return SEEDS


@pytest.fixture(scope="session")
def domain_text() -> str:
    if not DOMAIN.is_file():
        pytest.skip(f"DOMAIN.md is not here ({DOMAIN}); it lives in ../shared/")
    return normalise(DOMAIN.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def code():
    """The Housing Ombudsman's Code profile."""
    return load_profile("housing-ombudsman-code")


@pytest.fixture(scope="session")
def hpg():
    """Housing Plus Group's profile (housing, care and new-build sales)."""
    return load_profile("housing-plus-group")
