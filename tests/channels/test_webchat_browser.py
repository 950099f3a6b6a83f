"""The website chat in a real browser (Debian's Chromium, driven by Playwright) against the
session's Rasa server: a resident talks by typing and clicking, reloads and carries on; the widget
passes axe-core, works by keyboard on a phone-sized screen, and survives a lost connection."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from bot.settings import PROJECT_ROOT
from tests.channels.helpers import bot_offers, tracker, user_events

pytestmark = pytest.mark.e2e

AXE = (PROJECT_ROOT / "web" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REPLY_TIMEOUT = 30_000  # ms: the first reply of a session waits for the model to warm up


@pytest.fixture
def page(browser, rasa_stack):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(REPLY_TIMEOUT)
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def demo_url(stack) -> str:
    return f"{stack.url}/webhooks/webchat/demo"


def session_id(page: Page, stack) -> str | None:
    saved = page.evaluate("key => JSON.parse(localStorage.getItem(key))",
                          f"intake-chat:{stack.url}")
    return saved and saved["id"]


def bot_messages(page: Page):
    return page.locator(".ic-bot")


def conversation(page: Page):
    return page.get_by_role("log", name="Conversation")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.2 A/AA on the page as it is now."""
    page.evaluate(AXE)
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                          "help: v.help, targets: v.nodes.map(n => n.target)})))", AXE_TAGS)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def wait_for_reply(page: Page, containing: str, seen: int) -> None:
    """Wait for a new assistant message containing `containing` (`seen` of them were there)."""
    expect(bot_messages(page).filter(has_text=containing).nth(seen)).to_be_attached()


TURN_DONE = """seen => {
    const root = document.querySelector('#intake-chat').shadowRoot;
    return root.querySelectorAll('.ic-bot').length > seen && !root.querySelector('.ic-typing').firstChild;
}"""


def wait_for_turn(page: Page, seen: int) -> str:
    """Wait until the assistant has answered (new messages, and no longer typing); their text."""
    page.wait_for_function(TURN_DONE, arg=seen, timeout=REPLY_TIMEOUT)
    return "\n".join(bot_messages(page).all_inner_texts()[seen:])


def dump(page: Page) -> str:
    return "\n".join(m.strip() for m in page.locator(".ic-msg").all_inner_texts()[-8:])


# --- a visit, step by step -----------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One thing the resident does in the widget, and what the assistant's answer must contain.

    open: click the launcher (the widget says "/greet" for a new conversation); type: type `text`
    and press Enter; click: click the assistant's button titled `text`; start: type `text`, and if
    the assistant asks which kind of feedback it is, click `choose`; reload: reload the page (the
    conversation must come back, with the same session); offer: (test scaffold) make the assistant
    offer `buttons` with the words `text`, through Rasa's HTTP API.
    """

    action: str
    text: str = ""
    expect: str = ""  # words the assistant's answer must contain (any case)
    expect_pattern: str = ""  # a regular expression the answer must match (a case reference)
    choose: str = ""
    buttons: tuple[tuple[str, str], ...] = ()


def click_choice(page: Page, title: str) -> None:
    button = page.get_by_role("group", name="Suggested replies").get_by_role(
        "button", name=title, exact=True)
    assert button.evaluate("b => b.tagName") == "BUTTON"
    button.click()
    expect(page.locator(".ic-user").last).to_have_text(re.compile(re.escape(title)))
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()


def type_message(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".ic-user").last).to_have_text(re.compile(re.escape(text)))
    expect(box).to_have_value("")


def run_visit(page: Page, stack, steps: tuple[Step, ...], *, load: bool = True) -> None:
    """Do the steps in the widget (`load`: open the demo page first, else carry on in it)."""
    if load:
        page.goto(demo_url(stack))
    for number, step in enumerate(steps, 1):
        seen = bot_messages(page).count()
        if step.action == "open":
            page.get_by_role("button", name="Chat with us").click()
        elif step.action in ("type", "start"):
            type_message(page, step.text)
        elif step.action == "click":
            click_choice(page, step.text)
        elif step.action == "offer":
            bot_offers(stack, session_id(page, stack), step.text, step.buttons, channel="socketio")
            for title, _payload in step.buttons:
                expect(page.get_by_role("button", name=title, exact=True)).to_be_visible()
            continue
        elif step.action == "reload":
            before = [m.strip() for m in page.locator(".ic-msg").all_inner_texts()]
            sender = session_id(page, stack)
            page.reload()
            expect(page.locator(".ic-msg")).to_have_count(len(before))
            assert [m.strip() for m in page.locator(".ic-msg").all_inner_texts()] == before
            assert session_id(page, stack) == sender  # the same conversation carries on
            continue
        else:
            raise ValueError(f"step {number}: unknown action {step.action!r}")
        said = wait_for_turn(page, seen)
        if step.action == "start" and step.expect.lower() not in said.lower() and step.choose:
            seen = bot_messages(page).count()
            click_choice(page, step.choose)  # "Is this a complaint, a repair ...?"
            said = wait_for_turn(page, seen)
        where = f"step {number} {step}: the assistant said:\n{said}\n--- last messages:\n{dump(page)}"
        assert step.expect.lower() in said.lower(), where
        if step.expect_pattern:
            assert re.search(step.expect_pattern, said), where


# Greeting, a typed question, a button click, a reload, and on. The `offer` step is scaffolding:
# the assistant offers buttons through Rasa's HTTP API, so this visit does not depend on the
# conversation flows or the NLU data.
VISIT: tuple[Step, ...] = (
    Step("open", expect="online assistant"),
    Step("type", "are you a bot", expect="automated assistant"),
    Step("offer", "Can I help with anything else?",
         buttons=(("Say hello again", "/greet"), ("Are you a robot?", "/bot_challenge"))),
    Step("click", "Are you a robot?", expect="automated assistant"),
    Step("reload"),
    Step("type", "hello", expect="online assistant"),
)

CASE_REFERENCE = r"\bCMP-[A-Z0-9]{5}-[A-Z0-9]\b"

# A complaint, as a resident makes it: typing the answers and clicking the assistant's buttons,
# with a reload in the middle, until the case is filed...
COMPLAINT: tuple[Step, ...] = (
    Step("open", expect="online assistant"),
    Step("start", "I want to make a complaint", choose="Complaint", expect="what went wrong"),
    Step("type", "The repairs team didn't turn up to fix my leaking roof and nobody called me",
         expect="when did this happen"),
    Step("type", "last Tuesday", expect="who has been affected"),
    Step("type", "me and my two children", expect="put things right"),
    Step("type", "I want the roof fixed and an apology", expect="already investigated"),
    Step("click", "No", expect="legal action"),
    Step("click", "No", expect="for someone else"),
    Step("click", "No, for myself", expect="contact details"),
    Step("click", "Give my details", expect="your name"),
    Step("type", "Jo Bloggs", expect="postcode"),
    Step("reload"),
    Step("type", "12 Acacia Avenue, Manchester M1 1AE", expect="e-mail address or phone"),
    Step("type", "jo.bloggs@example.com", expect="how would you like us to contact you"),
    Step("click", "E-mail", expect="format"),
    Step("click", "Large print", expect="easier for you"),
    Step("type", "no thanks", expect="is that right"),
    Step("click", "Yes, send it", expect="reference", expect_pattern=CASE_REFERENCE),
)
# ... and after it is filed: a reload, and the conversation carries on.
AFTER_FILING: tuple[Step, ...] = (
    Step("reload"),
    Step("type", "are you a bot", expect="automated assistant"),
)


def test_a_resident_talks_by_typing_and_clicking_reloads_and_carries_on(page, rasa_stack,
                                                                        artifacts):
    run_visit(page, rasa_stack, VISIT)
    page.screenshot(path=str(artifacts / "webchat-conversation.png"))
    violations = axe_violations(page)
    assert violations == [], violations
    # One conversation, on the socket.io channel, with the click stored as its payload.
    sender = session_id(page, rasa_stack)
    said = user_events(rasa_stack, sender)
    assert {e["input_channel"] for e in said} == {"socketio"}
    assert [e["text"] for e in said] == ["/greet", "are you a bot", "/bot_challenge", "hello"]
    assert said[0]["metadata"]["webchat"] == {"opening": True}  # the widget's "/greet"
    assert all("webchat" not in (e.get("metadata") or {}) for e in said[1:])
    assert tracker(rasa_stack, sender)["latest_input_channel"] == "socketio"
    user_bubbles = page.locator(".ic-user").all_inner_texts()
    assert [t.replace("You:", "").strip() for t in user_bubbles] == [
        "are you a bot", "Are you a robot?", "hello"]


def test_numbers_and_addresses_in_a_reply_can_be_tapped(page, rasa_stack):
    """Asked for a person, the resident gets the landlord's numbers and addresses as links:
    tel: for phone numbers (999 too), mailto: for e-mail, the web form opening in a new tab."""
    run_visit(page, rasa_stack, (Step("open", expect="online assistant"),
                                 Step("type", "can I speak to a person please", expect="0113 496 0000")))
    reply = bot_messages(page).filter(has_text="0113 496 0000").last
    expect(reply.locator('a[href="tel:01134960000"]')).to_have_text("0113 496 0000")
    expect(reply.locator('a[href="mailto:complaints@demo-homes.example"]')).to_have_count(1)
    web = reply.locator('a[href="https://www.demo-homes.example/complaints"]')
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    violations = axe_violations(page)
    assert violations == [], violations


SHOW_TEXT = """(message, text) => {
    // Scroll the conversation to `text` (in `message`); then whether it is on screen and on top
    // (not covered, not scrolled away): what a screenshot shows.
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.data.includes(text));
    if (!node) return false;
    const range = document.createRange();
    range.setStart(node, node.data.indexOf(text));
    range.setEnd(node, node.data.indexOf(text) + text.length);
    const log = message.closest('.ic-log');
    // The message's top at the top of the conversation; then, if the text is still out of view
    // (a long message), the text itself.
    log.scrollTop += message.getBoundingClientRect().top - log.getBoundingClientRect().top - 16;
    let shown = range.getBoundingClientRect(), view = log.getBoundingClientRect();
    if (shown.top < view.top) log.scrollTop -= view.top - shown.top + 16;
    else if (shown.bottom > view.bottom) log.scrollTop += shown.bottom - view.bottom + 16;
    shown = range.getBoundingClientRect();
    view = log.getBoundingClientRect();
    const inside = shown.top >= Math.max(view.top, 0)
        && shown.bottom <= Math.min(view.bottom, innerHeight)
        && shown.left >= Math.max(view.left, 0) && shown.right <= Math.min(view.right, innerWidth);
    const root = message.getRootNode();
    return inside && [...range.getClientRects()].every((r) =>
        message.contains(root.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)));
}"""


def screenshot_showing(page: Page, message, text: str, path) -> None:
    """A screenshot of the page with `text` of `message` (a locator) scrolled into view."""
    assert message.evaluate(SHOW_TEXT, text), f"{text!r} cannot be shown on screen"
    expect(message).to_be_in_viewport()
    page.screenshot(path=str(path))


def test_a_resident_completes_a_complaint_and_it_is_filed_with_its_channel(page, rasa_stack,
                                                                           artifacts):
    run_visit(page, rasa_stack, COMPLAINT)
    filed = bot_messages(page).filter(has_text=re.compile(CASE_REFERENCE))
    expect(filed).to_have_count(1)
    reference = re.search(CASE_REFERENCE, filed.inner_text()).group(0)
    # The artefact: the finished complaint, its reference on screen.
    screenshot_showing(page, filed, reference, artifacts / "webchat-complaint.png")

    run_visit(page, rasa_stack, AFTER_FILING, load=False)
    # Still there after the reload and a later turn (the artefact shows the later turn).
    expect(bot_messages(page).filter(has_text=reference)).to_have_count(1)
    page.screenshot(path=str(artifacts / "webchat-complaint-after-reload.png"))
    violations = axe_violations(page)
    assert violations == [], violations

    sender = session_id(page, rasa_stack)
    assert {e["input_channel"] for e in user_events(rasa_stack, sender)} == {"socketio"}
    case = rasa_stack.filed_case(reference)
    assert case is not None, reference
    assert case.case_type == "complaint" and case.channel == "socketio"
    assert case.conversation_id == sender
    assert (case.name, case.postcode, case.preferred_format) == ("Jo Bloggs", "M1 1AE",
                                                                 "large print")


def test_keyboard_only_on_a_phone_sized_screen(browser, rasa_stack, artifacts):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    try:
        page.goto(demo_url(rasa_stack))
        launcher = page.get_by_role("button", name="Chat with us")
        for _ in range(10):  # Tab until the launcher has focus
            page.keyboard.press("Tab")
            if launcher.evaluate("b => b.getRootNode().activeElement === b"):
                break
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("Enter")
        box = page.get_by_role("textbox", name="Your message")
        expect(box).to_be_focused()
        wait_for_reply(page, "online assistant", 0)
        page.keyboard.type("are you a bot")
        page.keyboard.press("Enter")
        wait_for_reply(page, "automated assistant", 0)

        # The chat fills the small screen without sideways scrolling.
        panel = page.get_by_role("region", name="Chat with us")
        box_size = panel.bounding_box()
        assert box_size["x"] >= 0 and box_size["width"] <= 360 and box_size["height"] <= 640
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert layout_problems(page) == []

        # Focus is visible: the focused button gets the yellow focus colour.
        focused = "() => document.querySelector('#intake-chat').shadowRoot.activeElement"
        for _ in range(5):  # Shift+Tab back to the header's buttons
            page.keyboard.press("Shift+Tab")
            if page.evaluate(f"({focused})().tagName") == "BUTTON":
                break
        focused_colour = page.evaluate(f"getComputedStyle(({focused})()).backgroundColor")
        assert focused_colour == "rgb(255, 221, 0)"
        page.screenshot(path=str(artifacts / "webchat-phone.png"))
        violations = axe_violations(page)
        assert violations == [], violations

        page.keyboard.press("Escape")  # minimise: focus goes back to the launcher
        expect(panel).to_be_hidden()
        expect(launcher).to_be_focused()
    finally:
        context.close()


LAYOUT_PROBLEMS = """() => {
    const root = document.querySelector('#intake-chat').shadowRoot;
    const panel = root.querySelector('.ic-panel');
    const log = root.querySelector('.ic-log');
    const width = document.documentElement.clientWidth, height = window.innerHeight;
    const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('');
    const px = (n) => Math.round(n) + 'px';
    const problems = [];
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth > width)
        problems.push(`the page scrolls sideways (${px(pageWidth)} in ${px(width)})`);
    for (const el of [panel, ...panel.querySelectorAll('*')]) {
        if (el.closest('.ic-sr')) continue;  // screen-reader-only text is 1px on purpose
        const box = el.getBoundingClientRect();
        if (!box.width && !box.height) continue;  // not shown
        if (box.left < -0.5 || box.right > width + 0.5)
            problems.push(`${name(el)} sticks out of the ${px(width)} wide window `
                          + `(${px(box.left)} to ${px(box.right)})`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
            problems.push(`${name(el)}'s content is wider than it `
                          + `(${px(el.scrollWidth)} in ${px(el.clientWidth)})`);
    }
    // Nothing is cut off at the bottom: the panel fits the window, or the reader can scroll it.
    const overflowY = getComputedStyle(panel).overflowY;
    if (panel.scrollHeight > panel.clientHeight + 1 && !['auto', 'scroll'].includes(overflowY))
        problems.push(`the panel cuts off ${px(panel.scrollHeight - panel.clientHeight)} of its `
                      + `content (overflow-y: ${overflowY})`);
    // Every control can be brought whole into the window.
    for (const el of panel.querySelectorAll('button, textarea, [tabindex]')) {
        el.scrollIntoView({block: 'nearest', inline: 'nearest'});
        const box = el.getBoundingClientRect();
        if (box.top < -0.5 || box.bottom > height + 0.5
                || box.left < -0.5 || box.right > width + 0.5)
            problems.push(`${name(el)} cannot be scrolled whole into the window`);
    }
    // The conversation stays readable: at least four lines of it show at once.
    const lineHeight = parseFloat(getComputedStyle(root.querySelector('.ic-msg')).lineHeight);
    if (log.clientHeight < 4 * lineHeight)
        problems.push(`only ${(log.clientHeight / lineHeight).toFixed(1)} lines of the `
                      + `conversation show`);
    panel.scrollTop = 0;
    log.scrollTop = log.scrollHeight;
    return problems;
}"""


def layout_problems(page: Page) -> list[str]:
    """What does not fit in the open chat panel: anything wider than the window or than its box,
    content cut off, a control that cannot be scrolled into view, too little of the conversation
    shown to read it."""
    return page.evaluate(LAYOUT_PROBLEMS)


def message_font_size(page: Page) -> float:
    size = bot_messages(page).last.evaluate("m => getComputedStyle(m).fontSize")
    return float(size.removesuffix("px"))


LONG_REPLY = ("You can also report a repair online with photos at "
              "https://www.example-homes.org.uk/residents/repairs/report-a-repair-online-with-photos"
              " or call us, any time of day. Which would you like?")
LONG_CHOICES = (("Danger to health or safety now", "/greet"),
                ("Report it online myself with photos", "/greet"),
                ("Ask the assistant", "/bot_challenge"))


@pytest.mark.parametrize("viewport, zoom, text_size", [
    # WCAG 1.4.4: the browser's default text size doubled (16 px to 32 px), on a laptop screen
    # and on a phone.
    pytest.param({"width": 1024, "height": 768}, 1, 32, id="text-200pc-laptop"),
    pytest.param({"width": 360, "height": 640}, 2, 32, id="text-200pc-phone"),
    # WCAG 1.4.10: a 1280 x 1024 screen zoomed to 400% is a window 320 CSS px wide, 256 high.
    pytest.param({"width": 320, "height": 256}, 4, 16, id="reflow-320px"),
])
def test_text_resizes_and_reflows_without_loss(browser, rasa_stack, artifacts, viewport, zoom,
                                               text_size, request):
    context = browser.new_context(viewport=viewport, device_scale_factor=zoom, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    try:
        page.goto(demo_url(rasa_stack))
        page.get_by_role("button", name="Chat with us").click()
        wait_for_reply(page, "online assistant", 0)
        # What is hardest to fit: a long word from the resident, a long web address and long
        # button titles from the assistant.
        seen = bot_messages(page).count()
        type_message(page, "my e-mail is jo.bloggs.at.flat.12b@riverside-court-residents.example")
        wait_for_turn(page, seen)
        bot_offers(rasa_stack, session_id(page, rasa_stack), LONG_REPLY, LONG_CHOICES,
                   channel="socketio")
        expect(page.get_by_role("button", name=LONG_CHOICES[1][0])).to_be_visible()

        assert message_font_size(page) == 16  # Chromium's default text size
        if text_size != 16:
            # As a reader sets it in the browser's settings (chrome://settings/fonts).
            cdp = page.context.new_cdp_session(page)
            cdp.send("Page.setFontSizes", {"fontSizes": {"standard": text_size}})
            expect(bot_messages(page).last).to_have_css("font-size", f"{text_size}px")
            expect(page.get_by_role("button", name="Send")).to_have_css("font-size",
                                                                         f"{text_size}px")
        assert message_font_size(page) == text_size
        problems = layout_problems(page)
        page.screenshot(path=str(artifacts / f"webchat-{request.node.callspec.id}.png"))
        assert problems == []
    finally:
        context.close()


def test_a_lost_connection_is_announced_and_the_chat_reconnects_by_itself(page, rasa_stack):
    page.goto(demo_url(rasa_stack))
    page.get_by_role("button", name="Chat with us").click()
    wait_for_reply(page, "online assistant", 0)
    status = page.locator(".ic-conn")
    expect(status).to_have_attribute("role", "status")

    page.context.set_offline(True)
    expect(status).to_contain_text("Connection lost")
    box = page.get_by_role("textbox", name="Your message")
    box.fill("are you a bot")
    box.press("Enter")
    expect(status).to_contain_text("will be sent when the connection is back")

    page.context.set_offline(False)
    expect(status).to_contain_text("Connected again")
    wait_for_reply(page, "automated assistant", 0)  # the message waited, then went
    said = user_events(rasa_stack, session_id(page, rasa_stack))
    assert [e["text"] for e in said].count("are you a bot") == 1


TYPING = "The assistant is typing\u2026"


def test_the_typing_indicator_shows_while_a_reply_is_pending(page, rasa_stack):
    page.goto(demo_url(rasa_stack))
    page.get_by_role("button", name="Chat with us").click()
    wait_for_reply(page, "online assistant", 0)
    typing = page.get_by_role("status").filter(has_text=TYPING)
    expect(typing).to_have_count(0)  # nothing pending

    # Hold back the socket.io POST that carries the resident's message: while it waits, the
    # assistant has not answered and must be shown typing.
    held = []

    def hold_the_message(route):
        if route.request.method == "POST" and "user_uttered" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()
    page.route(re.compile(r"/socket\.io/"), hold_the_message)
    seen = bot_messages(page).count()
    type_message(page, "are you a bot")
    expect(typing).to_be_visible()
    expect(typing).to_have_attribute("aria-live", "polite")
    page.wait_for_timeout(1500)  # a reply that takes its time
    assert len(held) == 1
    expect(typing).to_be_visible()
    expect(bot_messages(page)).to_have_count(seen)

    held[0].continue_()
    wait_for_reply(page, "automated assistant", 0)
    expect(typing).to_have_count(0)  # the answer came: no longer typing
    page.unroute(re.compile(r"/socket\.io/"))
    said = [e["text"] for e in user_events(rasa_stack, session_id(page, rasa_stack))]
    assert said.count("are you a bot") == 1


def test_the_widget_works_on_an_allowed_website_and_not_on_another(browser, rasa_stack):
    """The landlord's site (INTAKE_WEBCHAT_ORIGINS) may use the chat; any other site may not."""
    page_html = ("<!doctype html><html lang='en'><head><title>Landlord</title></head><body>"
                 "<main><h1>Landlord</h1></main>"
                 f"<script src='{rasa_stack.url}/webhooks/webchat/widget.js'></script>"
                 "</body></html>")
    for origin, allowed in ((rasa_stack.webchat_test_origin, True),
                            ("http://localhost:8766", False)):
        # Both pages come from Playwright (page.route), on loopback origins that Chromium lets
        # load from the local Rasa server once local network access is granted.
        context = browser.new_context(permissions=["local-network-access"])
        page = context.new_page()
        page.set_default_timeout(REPLY_TIMEOUT)
        page.route(f"{origin}/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body=page_html))
        try:
            page.goto(f"{origin}/contact")
            page.get_by_role("button", name="Chat with us").click()
            if allowed:
                wait_for_reply(page, "online assistant", 0)
            else:
                expect(page.locator(".ic-conn")).to_contain_text("Cannot reach the assistant")
                expect(bot_messages(page)).to_have_count(0)
        finally:
            context.close()


def test_end_chat_forgets_the_conversation_on_this_device(page, rasa_stack):
    page.goto(demo_url(rasa_stack))
    page.get_by_role("button", name="Chat with us").click()
    wait_for_reply(page, "online assistant", 0)
    type_message(page, "are you a bot")
    wait_for_reply(page, "automated assistant", 0)
    first = session_id(page, rasa_stack)

    page.get_by_role("button", name="End chat").click()
    # It asks first (tests/channels/test_widget_edges.py tries the other answers).
    page.get_by_role("alertdialog", name="End this chat?").get_by_role(
        "button", name="End chat").click()
    expect(conversation(page)).to_contain_text("You ended the chat")
    wait_for_reply(page, "online assistant", 0)  # a new conversation, greeted afresh
    second = session_id(page, rasa_stack)
    assert second and second != first
    page.reload()
    expect(bot_messages(page)).to_have_count(1)
    expect(conversation(page)).not_to_contain_text("automated assistant")


def test_a_long_pasted_message_reaches_the_assistant_whole(page, rasa_stack):
    """A browser's maxlength would cut a paste short without a word: the widget sends it all."""
    page.goto(demo_url(rasa_stack))
    page.get_by_role("button", name="Chat with us").click()
    wait_for_reply(page, "online assistant", 0)
    letter = ("Dear Sir or Madam, I am writing about the damp in my flat, which is getting worse. " * 60).strip()
    assert len(letter) > 4000
    seen = bot_messages(page).count()
    type_message(page, letter)
    wait_for_turn(page, seen)
    said = [e["text"] for e in user_events(rasa_stack, session_id(page, rasa_stack))]
    assert said[-1] == letter
