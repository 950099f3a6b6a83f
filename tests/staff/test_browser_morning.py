"""A complaints officer's morning (issue 20), in a real browser (Debian's Chromium driven by
Playwright) against the session's staff workspace: sign in, find the overdue cases with the
deadline status filter, correct a field with the reason (after the form refuses it without one,
with an error summary, not a browser pop-up), extend with a reason, record a response, see the
resident's other case in the "this resident" panel and link it. axe-core finds no serious or
critical violation on any page or state touched, on a laptop and on a phone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from bot.cases.store import CaseStore
from bot.cases.submission import CaseSubmission
from tests.channels.conftest import artifacts, browser  # noqa: F401 - shared fixtures
from tests.staff.test_browser import axe_violations, sign_in
from tests.support.staff_server import watched_page

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def morning(rasa_stack):
    """Two cases of one resident, filed through the case store on the stack's database: a
    complaint acknowledged nearly three weeks ago (its response now overdue), and an ASB report
    from this week with her e-mail address typed differently."""
    now = datetime.now(timezone.utc)
    moment = {"at": now - timedelta(days=20)}
    store = CaseStore(rasa_stack.env["INTAKE_DATABASE_URL"], clock=lambda: moment["at"],
                      forward=False)
    try:
        complaint, _ = store.file_case(CaseSubmission(
            case_type="complaint", channel="socketio", conversation_id="morning-complaint",
            description="The repair to my kitchen ceiling was never done.",
            desired_outcome="ive already told you this", name="Grace Okafor",
            email="Grace.Okafor@example.org", postcode="LS6 2AB", phone="07700 900456"),
            "housing-ombudsman-code", "morning-1")
        store.acknowledge(complaint.reference, "staff:max")
        moment["at"] = now - timedelta(days=2)
        asb, _ = store.file_case(CaseSubmission(
            case_type="asb_report", channel="socketio", conversation_id="morning-asb",
            description="Loud music every night from the flat above.", name="Grace Okafor",
            email="grace.okafor@EXAMPLE.org"), "housing-ombudsman-code", "morning-2")
    finally:
        store.dispose()
    return complaint.reference, asb.reference


@pytest.fixture
def page(browser, artifacts):  # noqa: F811 - the imported fixture
    yield from watched_page(browser, LAPTOP)


def accessible(page: Page, state: str, artifacts) -> None:  # noqa: F811
    """No serious or critical axe-core violation on a laptop and on a phone."""
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        found = axe_violations(page)
        assert found == [], (state, name, found)
    page.screenshot(path=str(artifacts / f"morning-{state}-phone.png"))
    page.set_viewport_size(LAPTOP)


def test_a_mornings_work(page, staff_url, morning, artifacts):  # noqa: F811
    complaint, asb = morning
    page.goto(f"{staff_url}/")
    sign_in(page, staff_url, "ada")
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    accessible(page, "queue", artifacts)

    # The overdue cases, with the deadline status filter; the column says by how much.
    page.get_by_label("Deadline status").select_option("overdue")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"due=overdue"))
    row = page.locator("table.queue tr", has_text=complaint)
    expect(row).to_contain_text(re.compile(r"overdue by \d+ working days?"))
    expect(page.locator("table.queue")).not_to_contain_text(asb)
    accessible(page, "queue-overdue", artifacts)

    # The case: summary and deadlines first, the status of each in working days.
    row.get_by_role("link", name=complaint).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint)
    expect(page.locator("main")).to_contain_text(re.compile(r"Next deadline: .*overdue by \d+ working day"))
    accessible(page, "case", artifacts)

    # Correct the garbled answer: without a reason the form says so at the top and by the field.
    page.get_by_role("link", name="Correct what would put it right").click()
    form = page.locator("#action-correct")
    expect(form.get_by_label("Field")).to_have_value("desired_outcome")
    form.get_by_label("Correct value").fill("A working kitchen ceiling, and an apology.")
    form.get_by_role("button", name="Save the correction").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Say why you are correcting it.")).to_be_visible()
    expect(page.locator("#fc-reason-error")).to_be_visible()
    accessible(page, "correct-error", artifacts)
    summary.get_by_role("link", name="Say why you are correcting it.").click()
    expect(page.locator("#fc-reason")).to_be_focused()
    page.locator("#fc-reason").fill("The chat answer was garbled; confirmed with Ms Okafor by phone.")
    page.locator("#action-correct").get_by_role("button", name="Save the correction").click()
    expect(page.locator(".flash.success")).to_contain_text("What would put it right corrected")
    history = page.locator("table.history")
    first = history.locator("tbody tr").first                      # newest first
    expect(first).to_contain_text("Corrected")
    expect(first).to_contain_text("Was: ive already told you this")
    expect(first).to_contain_text("Now: A working kitchen ceiling, and an apology.")
    expect(first).to_contain_text("confirmed with Ms Okafor by phone")

    # Extend with a reason.
    page.locator("summary", has_text="Extend the response deadline").click()
    days = page.get_by_label("Extend by")
    days.select_option(index=0)
    page.get_by_label("Why, as you explained it to the resident").fill(
        "The contractor's report is not back yet; told Ms Okafor by phone.")
    page.get_by_role("button", name="Extend", exact=True).click()
    expect(page.locator(".flash.success")).to_contain_text("Extended: the stage 1 response is now due by")
    expect(history.locator("tbody tr").first).to_contain_text("Deadline extended")
    accessible(page, "extended", artifacts)

    # Record the response.
    page.locator("summary", has_text="Record the response").click()
    page.get_by_label("Decision", exact=True).select_option("upheld")
    page.get_by_label("Summary of the response").fill("We will repair the ceiling on Monday.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".flash.success")).to_contain_text("Response recorded")
    expect(page.locator(".badge.status")).to_have_text("Responded")

    # Her ASB report in the "this resident" panel (the same e-mail, typed differently): link it.
    panel = page.locator("#resident")
    other = panel.locator("tr", has_text=asb)
    expect(other).to_contain_text("e-mail")
    accessible(page, "resident-panel", artifacts)
    other.get_by_role("button", name=f"Link {asb}").click()
    expect(page.locator(".flash.success")).to_contain_text(f"Linked to {asb}")
    expect(panel.locator("tr", has_text=asb)).to_contain_text("Linked")
    page.locator("table.history").get_by_role("link", name=asb).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(asb)
    expect(page.locator("#resident tr", has_text=complaint)).to_contain_text("Linked")
    expect(page.locator("table.history tbody tr").first).to_contain_text("Linked to a case")
    accessible(page, "linked", artifacts)

    # The transcript on its own tab.
    page.get_by_role("link", name="Conversation", exact=True).click()
    expect(page.get_by_role("heading", name="Conversation", exact=True)).to_be_visible()
    accessible(page, "conversation-tab", artifacts)
