"""The staff workspace's forms in a real browser (Debian's Chromium driven by Playwright), against
the session's staff workspace (issue 20): an empty sign-in is sent to the server, not stopped by
the browser's own pop-up, and comes back with the error summary, which takes the focus; its
links move to the fields, and what was typed (not the password) is kept."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.channels.conftest import artifacts, browser  # noqa: F401 - shared fixtures
from tests.staff.test_browser import axe_violations
from tests.support.staff_server import watched_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser, artifacts):  # noqa: F811 - the imported fixture
    yield from watched_page(browser, {"width": 1280, "height": 900})


def test_an_empty_sign_in_shows_the_error_summary_with_the_focus_on_it(
        page: Page, staff_url, artifacts):  # noqa: F811
    page.goto(f"{staff_url}/sign-in")
    expect(page.locator(".error-summary")).to_have_count(0)
    page.get_by_role("button", name="Sign in").click()

    # The server answered (the browser did not stop the form with a pop-up of its own).
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your username.")).to_have_attribute(
        "href", "#username")
    expect(summary.get_by_role("link", name="Enter your password.")).to_have_attribute(
        "href", "#password")
    expect(page.locator("#username-error")).to_contain_text("Enter your username.")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "sign-in-empty.png"))
    assert axe_violations(page) == []

    # A link in the summary moves to its field.
    summary.get_by_role("link", name="Enter your password.").click()
    expect(page.locator("#password")).to_be_focused()

    # With the username typed, only the password is asked for; the username is kept.
    page.locator("#username").fill("ada")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary li")).to_have_count(1)
    expect(page.locator(".error-summary")).to_contain_text("Enter your password.")
    expect(page.locator("#username")).to_have_value("ada")
    expect(page).to_have_url(re.compile(r"/sign-in"))
