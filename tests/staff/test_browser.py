"""The staff workspace in a real browser (Debian's Chromium driven by Playwright) against the
session's Rasa server: a resident files a complaint by talking to the assistant; a member of staff
signs in, finds it, reads the conversation, acknowledges and extends it and downloads the CSV.
Pages are refused without signing in, with too low a role, and a form without its CSRF token.

The workspace runs as `python -m bot staff serve` on the stack's own databases, with accounts
made by `python -m bot staff create-user`."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import requests
from playwright.sync_api import Page, expect

from bot.settings import PROJECT_ROOT
from tests.channels.conftest import artifacts, browser  # noqa: F401 - shared fixtures
from tests.e2e.resident import Resident
from tests.support.staff_server import PASSWORD, watched_page

pytestmark = pytest.mark.e2e

HOSTILE = "<script>alert(1)</script>"
REFERENCE = re.compile(r"\bCMP-[A-Z0-9]{5}-[A-Z0-9]\b")
AXE = PROJECT_ROOT / "web" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# What the resident answers to each of the assistant's questions (the first match wins). The
# order of the questions is the assistant's business: the resident answers whatever it asks.
ANSWERS = (
    ("is that right", ("/affirm",)),
    ("what went wrong", ("The repairs team didn't turn up to fix my leaking roof",
                         "The repair to my roof was never done")),
    ("when did this happen", ("last Tuesday", "2 weeks ago")),
    ("who has been affected", ("just me", "only me", "me")),
    ("put things right", ("fix the roof please", "repair the roof")),
    ("already investigated", ("/deny",)),
    ("legal action", ("/deny",)),
    ("for someone else", ("/deny",)),
    ("contact details", ("/deny",)),
)


@pytest.fixture(scope="module")
def complaint(rasa_stack):
    """A complaint filed through a real conversation (as tests/e2e does), then one more message
    from the resident with markup in it. A question asked again gets the next way of answering
    it (the classifier may have taken the first for something else)."""
    resident = Resident(rasa_stack)
    said = resident.text("I want to make a complaint")
    if "/complaint" in [b["payload"] for b in resident.last_buttons()]:
        said = resident.text("/complaint")          # the assistant asked which kind it is
    asked: dict[str, int] = {}
    for _turn in range(24):
        found = REFERENCE.search(said)
        if found:
            break
        # The question is the assistant's last message of the turn.
        question = resident.transcript[-1][1][-1].get("text", "").lower()
        match = next(((key, answers) for key, answers in ANSWERS if key in question), None)
        assert match is not None, resident.dump("a question this test cannot answer")
        key, answers = match
        tries = asked[key] = asked.get(key, 0) + 1
        assert tries <= len(answers), resident.dump(f"{key!r} asked {tries} times")
        said = resident.text(answers[tries - 1])
    else:
        raise AssertionError(resident.dump("no case reference"))
    rasa_stack.say(resident.sender, HOSTILE)
    return found.group(0), resident.sender


@pytest.fixture
def page(browser, artifacts):  # noqa: F811 - the imported fixture
    yield from watched_page(browser, {"width": 1280, "height": 900}, accept_downloads=True)


def sign_in(page: Page, url: str, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page: Page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))   # past the page's CSP, as a tool does
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                          "help: v.help, targets: v.nodes.map(n => n.target)})))", AXE_TAGS)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_staff_find_read_acknowledge_extend_and_download_a_filed_complaint(
        page, staff_url, complaint, rasa_stack, artifacts, tmp_path):  # noqa: F811
    reference, sender = complaint
    # Not signed in: the queue sends the browser to the sign-in page.
    page.goto(f"{staff_url}/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(%2F|/)$"))
    sign_in(page, staff_url, "ada")
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    # Find the case by its reference and open it.
    page.get_by_label("Search").fill(reference)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator(".badge.status")).to_have_text("New")

    # The conversation that filed it (on its own tab): the resident's words with the intent and
    # its confidence, the assistant's replies, and the resident's markup shown as text, not run.
    page.get_by_role("link", name="Conversation", exact=True).click()
    transcript = page.locator("ol.transcript")
    expect(transcript).to_contain_text("I want to make a complaint")
    expect(transcript).to_contain_text("When did this happen?")
    first = transcript.locator("li.resident").first
    expect(first.locator(".nlu")).to_contain_text(re.compile(r"Detected intent complaint,\s+"
                                                             r"confidence \d+%"))
    expect(first.locator(".meta")).to_contain_text(re.compile(r"Resident, \w{3} \d+ \w{3} \d{4}, "
                                                              r"\d\d:\d\d"))
    expect(transcript.locator(".bubble", has_text=HOSTILE)).to_have_count(1)
    assert page.evaluate("() => document.querySelectorAll('ol.transcript script').length") == 0
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "staff-case.png"), full_page=True)
    page.get_by_role("link", name="Case", exact=True).click()

    # Acknowledge: the response deadline is counted from today.
    page.locator("summary", has_text="Acknowledge").click()
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.locator(".flash.success")).to_contain_text("Acknowledged. The response is due by")
    expect(page.locator(".badge.status")).to_have_text("Acknowledged")

    # Extend: a reason from the policy's list, and the new date shown before and after.
    page.locator("summary", has_text="Extend the response deadline").click()
    reason = page.locator("#ext-reason")
    assert reason.locator("option").all_inner_texts() == [
        "A reason explained to the resident, with the new date"]
    days = page.get_by_label("Extend by")
    days.select_option("10")
    chosen = days.locator("option:checked").inner_text()
    new_date = re.search(r"new date (\w+ \d+ \w+ \d{4})", chosen).group(1)
    page.get_by_label("Why, as you explained it to the resident").fill(
        "The surveyor cannot visit until next week; told Ms Jones by phone.")
    page.get_by_role("button", name="Extend", exact=True).click()
    expect(page.locator(".flash.success")).to_contain_text(
        f"Extended: the stage 1 response is now due by {new_date}.")
    row = page.locator("tr", has_text="Stage 1 response by")
    expect(row.first).to_contain_text(new_date)
    history = page.locator("table.history")
    expect(history).to_contain_text("Deadline extended")
    expect(history).to_contain_text("The surveyor cannot visit until next week")
    expect(history).to_contain_text("staff:ada")

    # The date is the policy's: ten working days after the acknowledged response date.
    from bot.cases.store import CaseStore
    from bot.policy import load_profile
    from bot.policy.deadlines import extend
    from bot.policy.wording import format_date

    store = CaseStore(rasa_stack.env["INTAKE_DATABASE_URL"])
    try:
        case = store.find_by_reference(reference, with_history=True)
    finally:
        store.dispose()
    extended = [e for e in case.events if e.kind == "extended"][-1]
    previous = date.fromisoformat(extended.details["previous_date"])
    expected = extend(load_profile(case.policy_profile), 1, previous, "explained", 10)
    assert format_date(expected) == new_date == format_date(case.deadline("stage1_response_by"))

    # Download the queue as CSV.
    page.get_by_role("link", name="Back to the cases").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these cases (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"cases-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(saved.read_text("utf-8")))}
    assert rows[reference]["status"] == "acknowledged"
    assert rows[reference]["deadline_stage1_response_by"] == expected.isoformat()
    assert rows[reference]["conversation_id"] == sender


def test_refused_without_sign_in_with_the_wrong_role_and_without_the_csrf_token(
        page, staff_url, complaint, rasa_stack):
    reference, _sender = complaint
    # Without signing in: the reports page sends the browser to sign in, and comes back after.
    page.goto(f"{staff_url}/reports")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(%2F|/)reports$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert requests.get(f"{staff_url}/cases/{reference}", allow_redirects=False,
                        timeout=10).status_code == 302
    # An advocate may not see the reports (a manager's): 403.
    sign_in(page, staff_url, "ada")
    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    expect(page.locator("main")).to_contain_text("This page needs the manager role")
    response = page.goto(f"{staff_url}/reports")
    assert response.status == 403
    # A form posted without its CSRF token is refused, and nothing is recorded.
    page.goto(f"{staff_url}/cases/{reference}")
    page.locator("summary", has_text="Add a note").click()
    page.get_by_label("Note", exact=True).fill("posted without the token")
    page.evaluate("() => document.querySelector('#action-note input[name=csrf_token]').remove()")
    with page.expect_response(lambda r: r.url.endswith("/note")) as posted:
        page.get_by_role("button", name="Add the note").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="Form refused")).to_be_visible()
    page.goto(f"{staff_url}/cases/{reference}")
    expect(page.locator("table.history")).not_to_contain_text("posted without the token")


def test_a_manager_sees_the_reports_and_downloads_a_table(page, staff_url, complaint, tmp_path):
    page.goto(f"{staff_url}/sign-in")
    sign_in(page, staff_url, "max")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("section", has_text="Cases received by type")).to_contain_text("Complaint")
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.locator("section", has_text="Tenant Satisfaction Measures").get_by_role(
            "link", name="Download CSV").click()
    saved = tmp_path / "tsm.csv"
    download_info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text("utf-8"))))
    assert rows[0] == ["Measure", "What", "Figures", "Result"]
    assert [r[0] for r in rows[1:]] == ["CH01 (stage 1)", "CH01 (stage 2)", "CH02 (stage 1)",
                                        "CH02 (stage 2)"]
    assert float(rows[1][3]) > 0          # the complaint filed in this session counts
