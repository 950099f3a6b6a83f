"""Evidence in the website chat, in Chromium: during a complaint a resident attaches a photo with
the Attach button (the file chooser), sees it in the conversation with the assistant's
acknowledgement, has a wrong file refused politely, passes axe-core, carries on and files; the
photo is linked to the case, a second one sent after filing joins that case and says so (after a
reload too), and a member of staff sees the thumbnails on the case page."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.channels.conftest import artifacts, browser  # noqa: F401 - shared fixtures
from tests.channels.test_webchat_browser import (
    CASE_REFERENCE, COMPLAINT, axe_violations, bot_messages, run_visit, session_id,
)
from tests.evidence.conftest import photo
from tests.staff.test_browser import sign_in

pytestmark = pytest.mark.e2e


def attach(page, name: str, data: bytes, mime: str) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach", exact=True).click()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 800}],
                         ids=["laptop", "phone"])
def test_a_photo_attached_mid_complaint_is_shown_kept_filed_and_seen_by_staff(
        browser, rasa_stack, artifacts, staff_url, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(30_000)
    run_visit(page, rasa_stack, COMPLAINT[:2])               # asked "what went wrong"
    attach(page, "IMG_2041.JPG", photo(), "image/jpeg")
    picture = page.locator(".ic-user img")
    expect(picture).to_have_count(1)
    expect(picture).to_have_attribute("alt", "Your picture: IMG_2041.JPG")
    expect(bot_messages(page).filter(has_text="I've kept your photo")).to_have_count(1)
    expect(page.locator(".ic-user").filter(has_text="Sent a photo")).to_have_count(1)
    attach(page, "not-really.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    expect(bot_messages(page).filter(has_text="can't keep that kind of file")).to_have_count(1)
    page.screenshot(path=str(artifacts / f"webchat-evidence-{viewport['width']}.png"))
    violations = axe_violations(page)
    assert violations == [], violations
    # The form goes on where it was (the refused file, never kept, is not in the server's
    # record, so the reloads are left for the end).
    run_visit(page, rasa_stack, tuple(s for s in COMPLAINT[2:] if s.action != "reload"),
              load=False)
    filed = bot_messages(page).filter(has_text=re.compile(CASE_REFERENCE))
    reference = re.search(CASE_REFERENCE, filed.inner_text()).group(0)
    # A photo sent after filing ("here's the other one") joins the case at once, and says so.
    attach(page, "IMG_2042.JPG", photo(), "image/jpeg")
    added = f"I've added your photo to your case {reference}"
    expect(bot_messages(page).filter(has_text=added)).to_have_count(1)
    page.reload()                                 # both photos are in the history, as they were
    expect(page.locator(".ic-user").filter(has_text="Sent a photo")).to_have_count(2)
    expect(bot_messages(page).filter(has_text="I've kept your photo")).to_have_count(1)
    expect(bot_messages(page).filter(has_text=added)).to_have_count(1)
    case = rasa_stack.filed_case(reference)
    sender = session_id(page, rasa_stack)
    engine = sa.create_engine(rasa_stack.env["INTAKE_DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT kind, case_id, channel FROM attachments "
                                          "WHERE conversation_id = :c ORDER BY id"),
                                  {"c": sender}).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("photo", case.id, "socketio")] * 2
    assert not errors, errors
    context.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    desk = staff.new_page()
    desk.goto(f"{staff_url}/cases/{reference}")
    sign_in(desk, staff_url, "ada")
    evidence = desk.locator(".evidence-list img")
    expect(evidence).to_have_count(2)
    evidence.first.scroll_into_view_if_needed()  # thumbnails load lazily, when in view
    expect(evidence.first).to_have_js_property("complete", True)
    assert desk.evaluate("img => img.naturalWidth", evidence.first.element_handle()) > 0
    # The conversation is on its own tab, with the photo where the resident sent it.
    desk.get_by_role("link", name="Conversation", exact=True).click()
    expect(desk.locator(".transcript .evidence img")).to_have_count(2)
    desk.screenshot(path=str(artifacts / "staff-case-evidence.png"), full_page=True)
    staff.close()
