"""Fixtures for the channel tests: Debian's Chromium driven by Playwright, once per module (the
staff workspace's browser tests use the same fixture). Without Chromium the browser tests are
skipped, and with INTAKE_REQUIRE_SERVICES=1 (CI) they fail."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.support.services import missing

CHROMIUM = Path(os.environ.get("INTAKE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def require_chromium(path: Path = CHROMIUM) -> None:
    if not path.exists():
        missing(f"{path} is missing: install Debian's chromium (apt-get install chromium); "
                "scripts/test.sh does it when run as root")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (scripts/test.sh installs it when missing); never a Playwright download."""
    require_chromium(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
