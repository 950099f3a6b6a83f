"""The website chat's rough edges (issue 20), in a real browser (Debian's Chromium, driven by
Playwright) against the session's Rasa server, on a laptop (1280 x 800) and a phone (390 x 844,
touch): End chat asks first; the minimise button says what it is called; the Shift+Enter hint
only where there is a keyboard; the conversation gets most of a phone's screen, also with the
on-screen keyboard up; the case reference stays pinned under the header. axe-core finds nothing
in any of these states."""
from __future__ import annotations

import importlib.util
import re

import pytest
from playwright.sync_api import Page, expect

from bot.settings import PROJECT_ROOT
from tests.channels.helpers import bot_offers
from tests.channels.test_webchat_browser import (AXE, AXE_TAGS, REPLY_TIMEOUT, bot_messages,
                                                 conversation, demo_url, session_id,
                                                 type_message, wait_for_reply)

pytestmark = pytest.mark.e2e


def _references_module():
    """bot/cases/references.py by itself (the bot.cases package imports the case store)."""
    spec = importlib.util.spec_from_file_location(
        "intake_case_references", PROJECT_ROOT / "bot" / "cases" / "references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


new_reference = _references_module().new_reference

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}
DEVICES = [pytest.param(LAPTOP, id="laptop"), pytest.param(PHONE, id="phone")]
HINT = "Shift and Enter starts a new line"


def open_page(browser, device: dict, **extra):
    context = browser.new_context(locale="en-GB", **device, **extra)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(REPLY_TIMEOUT)
    return context, page, errors


@pytest.fixture
def laptop(browser, rasa_stack):
    context, page, errors = open_page(browser, LAPTOP)
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def phone(browser, rasa_stack):
    context, page, errors = open_page(browser, PHONE)
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def all_axe_violations(page: Page) -> list[dict]:
    """Every axe-core violation of WCAG 2.2 A/AA (any impact, color-contrast included)."""
    page.evaluate(AXE)
    return page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                         ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                         "help: v.help, targets: v.nodes.map(n => n.target)})))", AXE_TAGS)


def assert_accessible(page: Page, state: str) -> None:
    violations = all_axe_violations(page)
    assert violations == [], f"{state}: {violations}"


def start_chat(page: Page, stack) -> None:
    page.goto(demo_url(stack))
    page.get_by_role("button", name="Chat with us").click()
    wait_for_reply(page, "online assistant", 0)


FOCUSED = "() => document.querySelector('#intake-chat').shadowRoot.activeElement"


def focused_text(page: Page) -> str:
    return page.evaluate(f"(({FOCUSED})() || {{}}).textContent || ''")


def panel(page: Page):
    return page.get_by_role("region", name="Chat with us")


def accessible_controls(page: Page) -> list[tuple[str, str]]:
    """The chat's buttons and text boxes in Chromium's accessibility tree (not ignored ones)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = []
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in ("button", "textbox"):
            continue
        name = node.get("name", {}).get("value", "")
        if name != "Chat with us":  # the launcher, hidden while the panel is open anyway
            found.append((role, name))
    return found


def confirm_dialog(page: Page):
    return page.get_by_role("alertdialog", name="End this chat?")


# --- End chat asks first -------------------------------------------------------------------------

def test_end_chat_asks_first_and_only_a_confirmed_end_wipes_the_conversation(laptop, rasa_stack,
                                                                              artifacts):
    page = laptop
    start_chat(page, rasa_stack)
    type_message(page, "are you a bot")
    wait_for_reply(page, "automated assistant", 0)
    first = session_id(page, rasa_stack)
    messages = page.locator(".ic-msg").count()
    header_end = panel(page).get_by_role("button", name="End chat")

    # Asked, in the widget (no window.confirm: a browser dialog would fail this test).
    page.on("dialog", lambda dialog: pytest.fail(f"a browser dialog: {dialog.message}"))
    header_end.click()
    dialog = confirm_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_have_accessible_description(re.compile("no longer be shown on this device"))
    keep = dialog.get_by_role("button", name="Keep chatting", exact=True)
    end = dialog.get_by_role("button", name="End chat", exact=True)
    expect(keep).to_be_focused()  # focus moves into it, on the harmless choice
    # The rest of the panel is out of reach meanwhile (inert): Chromium's accessibility tree, as
    # a screen reader gets it, offers only the dialog's buttons.
    assert accessible_controls(page) == [("button", "End chat"), ("button", "Keep chatting")]
    # Tab stays in the dialog.
    page.keyboard.press("Tab")
    expect(end).to_be_focused()
    page.keyboard.press("Tab")
    expect(keep).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(end).to_be_focused()
    page.screenshot(path=str(artifacts / "webchat-end-chat-confirm.png"))
    assert_accessible(page, "the End chat dialog, End chat focused")
    page.keyboard.press("Shift+Tab")

    # Escape cancels (and does not minimise): focus goes back to the header's End chat.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(panel(page)).to_be_visible()
    expect(header_end).to_be_focused()
    expect(page.locator(".ic-msg")).to_have_count(messages)

    # "Keep chatting" keeps the conversation, and the same session.
    page.keyboard.press("Enter")  # End chat, by keyboard
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")  # Keep chatting
    expect(dialog).to_be_hidden()
    expect(header_end).to_be_focused()
    expect(page.locator(".ic-msg")).to_have_count(messages)
    expect(conversation(page)).to_contain_text("automated assistant")
    assert session_id(page, rasa_stack) == first
    assert_accessible(page, "after Keep chatting")

    # Confirming ends it: a new conversation, greeted afresh, and the old one gone on a reload.
    header_end.click()
    end.click()
    expect(dialog).to_be_hidden()
    expect(conversation(page)).to_contain_text("You ended the chat")
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()
    wait_for_reply(page, "online assistant", 0)
    second = session_id(page, rasa_stack)
    assert second and second != first
    assert_accessible(page, "after End chat")
    page.reload()
    expect(bot_messages(page)).to_have_count(1)
    expect(conversation(page)).not_to_contain_text("automated assistant")


# --- the minimise button -------------------------------------------------------------------------

LABEL_IN_NAME = """() => {
    // Each of the chat's buttons: its visible text and its accessible name (from its content,
    // an aria-label or a title), for those that show.
    const root = document.querySelector('#intake-chat').shadowRoot;
    return [...root.querySelectorAll('button')].filter((b) => b.offsetParent).map((b) => ({
        visible: b.innerText.trim(), ariaLabel: b.getAttribute('aria-label'),
        title: b.getAttribute('title')}));
}"""


@pytest.mark.parametrize("device", DEVICES)
def test_the_minimise_button_says_what_it_is_called(browser, rasa_stack, artifacts, device,
                                                     request):
    context, page, errors = open_page(browser, device)
    try:
        start_chat(page, rasa_stack)
        minimise = panel(page).get_by_role("button", name="Minimise", exact=True)
        expect(minimise).to_be_visible()
        expect(minimise).to_have_text("Minimise")  # visible text == accessible name
        expect(minimise).to_have_accessible_name("Minimise")
        for button in page.evaluate(LABEL_IN_NAME):  # no button says one thing and is called another
            assert button["ariaLabel"] is None and button["title"] is None, button
            assert button["visible"], button
        assert_accessible(page, "open")

        # Its states: focused by keyboard (yellow), hovered.
        minimise.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        expect(minimise).to_be_focused()
        expect(minimise).to_have_css("background-color", "rgb(255, 221, 0)")
        assert_accessible(page, "Minimise focused")
        page.screenshot(path=str(artifacts / f"webchat-minimise-{request.node.callspec.id}.png"))
        if device is LAPTOP:
            minimise.blur()
            minimise.hover()
            expect(minimise).to_have_css("background-color", "rgb(22, 61, 112)")
            assert_accessible(page, "Minimise hovered")
        minimise.click()
        expect(panel(page)).to_be_hidden()
        expect(page.get_by_role("button", name="Chat with us")).to_be_focused()
        assert_accessible(page, "minimised")
    finally:
        context.close()
    assert not errors, errors


# --- the Shift+Enter hint ------------------------------------------------------------------------

def test_the_shift_enter_hint_shows_with_a_keyboard_not_on_a_phone(browser, rasa_stack):
    for device, shown in ((LAPTOP, True), (PHONE, False)):
        context, page, errors = open_page(browser, device)
        try:
            start_chat(page, rasa_stack)
            hint = page.get_by_text(HINT)
            box = page.get_by_role("textbox", name="Your message")
            if shown:
                expect(hint).to_be_visible()
                expect(box).to_have_accessible_description(re.compile(HINT))
            else:
                expect(hint).to_be_hidden()
                expect(box).to_have_accessible_description("")
                expect(box).to_have_attribute("enterkeyhint", "send")  # the key says "Send"
            assert_accessible(page, f"hint {'shown' if shown else 'hidden'}")
        finally:
            context.close()
        assert not errors, errors


# --- the conversation gets most of a phone's screen ------------------------------------------------

SHARES = """() => {
    const root = document.querySelector('#intake-chat').shadowRoot;
    const height = (selector) => root.querySelector(selector).getBoundingClientRect().height;
    const view = window.visualViewport ? visualViewport.height : innerHeight;
    const panel = root.querySelector('.ic-panel').getBoundingClientRect();
    return {log: height('.ic-log') / view, view, panelTop: panel.top, panelBottom: panel.bottom};
}"""

# The on-screen keyboard, as Chromium on Android and Safari on iOS bring it up: the visual
# viewport shrinks to the part of the screen above it, the layout viewport stays. Headless
# Chromium has no on-screen keyboard, so the visual viewport's height is replaced.
KEYBOARD_UP = """height => {
    Object.defineProperty(window.visualViewport, 'height', {configurable: true, get: () => height});
    window.visualViewport.dispatchEvent(new Event('resize'));
}"""


def test_on_a_phone_the_conversation_gets_most_of_the_screen(phone, rasa_stack, artifacts):
    page = phone
    start_chat(page, rasa_stack)
    type_message(page, "are you a bot")
    wait_for_reply(page, "automated assistant", 0)
    bot_offers(rasa_stack, session_id(page, rasa_stack),
               f"Thank you. Your reference is {new_reference('service_request')}.", (),
               channel="socketio")
    expect(page.get_by_text("Your reference:")).to_be_visible()  # the pinned bar takes room too
    shares = page.evaluate(SHARES)
    assert shares["log"] >= 0.55, shares
    page.screenshot(path=str(artifacts / "webchat-phone-layout.png"))
    assert_accessible(page, "phone, keyboard down")

    # The keyboard comes up (844 - 336 px): the panel fits above it, the conversation still
    # gets most of it, and the message box is still on screen.
    page.get_by_role("textbox", name="Your message").focus()
    page.evaluate(KEYBOARD_UP, 508)
    expect(panel(page)).to_have_class(re.compile(r"\bic-squeezed\b"))
    shares = page.evaluate(SHARES)
    assert shares["panelTop"] == 0 and abs(shares["panelBottom"] - 508) < 1, shares
    assert shares["log"] >= 0.55, shares
    box = page.get_by_role("textbox", name="Your message")
    size = box.bounding_box()
    assert size["y"] + size["height"] <= 508, size
    page.screenshot(path=str(artifacts / "webchat-phone-keyboard-up.png"))
    assert_accessible(page, "phone, keyboard up")
    # The one-line message box grows with what is typed.
    box.fill("My kitchen ceiling is leaking\nwater through the light fitting\nsince this morning")
    assert box.bounding_box()["height"] > size["height"] + 20
    box.fill("")

    # The keyboard goes: the whole screen again.
    page.evaluate("() => { delete window.visualViewport.height; "
                  "window.visualViewport.dispatchEvent(new Event('resize')); }")
    expect(panel(page)).not_to_have_class(re.compile(r"\bic-squeezed\b"))
    assert page.evaluate(SHARES)["panelBottom"] == 844


# --- the case reference stays in view ------------------------------------------------------------

COVERED = """el => {
    // Whether `el` is on screen and on top (not covered, not scrolled away).
    const box = el.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= innerHeight || !box.width) return true;
    const hit = el.getRootNode().elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return !el.contains(hit);
}"""


@pytest.mark.parametrize("device", DEVICES)
def test_a_case_reference_stays_pinned_under_the_header(browser, rasa_stack, artifacts, device,
                                                        request):
    context, page, errors = open_page(browser, device,
                                      permissions=["clipboard-read", "clipboard-write"])
    name = request.node.callspec.id
    try:
        start_chat(page, rasa_stack)
        sender = session_id(page, rasa_stack)
        bar = page.get_by_text("Your reference:")
        expect(bar).to_be_hidden()

        # A mistyped reference quoted back is not pinned (its check character is wrong).
        reference = new_reference("complaint")
        wrong = reference[:-1] + ("2" if reference[-1] != "2" else "3")
        bot_offers(rasa_stack, sender, f"I couldn't find {wrong}.", (), channel="socketio")
        expect(bot_messages(page).filter(has_text=wrong)).to_have_count(1)
        expect(bar).to_be_hidden()

        bot_offers(rasa_stack, sender, "Thank you. Your complaint has been sent to the team. "
                   f"Your reference is {reference}. Please keep it safe.", (), channel="socketio")
        filed = bot_messages(page).filter(has_text=f"reference is {reference}")
        expect(filed).to_have_count(1)
        expect(bar).to_be_visible()
        expect(bar).to_have_text(f"Your reference: {reference}")
        copy = panel(page).get_by_role("button", name="Copy reference", exact=True)
        expect(copy).to_be_visible()
        assert_accessible(page, "reference pinned")

        # Ten more messages: the one with the reference scrolls away, the bar stays in view.
        for number in range(1, 11):
            bot_offers(rasa_stack, sender, f"Message {number} of ten.\nWith a second line, "
                       "and a third one\nto take up room.", (), channel="socketio")
        expect(bot_messages(page).filter(has_text="Message 10 of ten.")).to_have_count(1)
        expect(filed).not_to_be_in_viewport()
        expect(bar).to_be_in_viewport()
        assert not bar.evaluate(COVERED)
        assert not copy.evaluate(COVERED)
        page.screenshot(path=str(artifacts / f"webchat-reference-pinned-{name}.png"))

        # Copy puts it on the clipboard, and says so.
        copy.click()
        expect(panel(page).get_by_role("status").filter(has_text="Copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == reference
        assert_accessible(page, "reference copied")

        # Kept across a reload, like the rest of the conversation; later messages do not move it.
        page.reload()
        expect(bot_messages(page).filter(has_text="Message 10 of ten.")).to_have_count(1)
        expect(bar).to_have_text(f"Your reference: {reference}")
        expect(bar).to_be_in_viewport()
        type_message(page, "are you a bot")
        wait_for_reply(page, "automated assistant", 0)
        expect(bar).to_have_text(f"Your reference: {reference}")
        assert not bar.evaluate(COVERED)
        assert_accessible(page, "reference after reload")

        # A later reference replaces it; ending the chat removes it.
        newer = new_reference("service_request")
        bot_offers(rasa_stack, sender, f"Your new reference is {newer}.", (), channel="socketio")
        expect(bar).to_have_text(f"Your reference: {newer}")
        panel(page).get_by_role("button", name="End chat").click()
        confirm_dialog(page).get_by_role("button", name="End chat").click()
        expect(conversation(page)).to_contain_text("You ended the chat")
        expect(bar).to_be_hidden()
    finally:
        context.close()
    assert not errors, errors
