"""Fixtures for the policy tests: the source documents the profiles are checked against."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.policy import load_profile
from bot.settings import PROJECT_ROOT

# The profiles' source documents, kept with the profiles so that these checks always run (a
# clean clone need not sit next to ../shared); test_sources_match_the_shared_originals keeps the
# copies equal to ../shared/ wherever that is present.
SOURCES = PROJECT_ROOT / "policies" / "sources"
SEEDS = SOURCES / "seeds"
DOMAIN = SOURCES / "DOMAIN.md"
SHARED = PROJECT_ROOT.parent / "shared"


def normalise(text: str) -> str:
    """One space between words, so line breaks and bullets in the seeds do not matter."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def domain_text() -> str:
    return normalise(DOMAIN.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def code():
    """The Housing Ombudsman's Code profile."""
    return load_profile("housing-ombudsman-code")


@pytest.fixture(scope="session")
def hpg():
    """Housing Plus Group's profile (housing, care and new-build sales)."""
    return load_profile("housing-plus-group")
