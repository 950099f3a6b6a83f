"""Screenshots for the docs (`make screenshots`): the staff workspace's queue and a case page on a
laptop screen (1280x800), and the website chat on a phone (390x844) with a short conversation,
as PNGs in docs/screenshots/ (device scale factor 1, to keep them small).

The staff workspace: a throwaway SQLite case store in a temporary folder, demo cases filed through
the real case store (invented residents, example.com addresses, 07700 900xxx numbers), an advocate
account, and the workspace's own app (`bot.staff.app.create_app`, served by waitress as `python -m
bot staff serve` does) on a fixed clock: Wednesday 13 January 2027, 10am in London, so deadlines,
ages and history read the same at every run (only the case references, random, change).

The chat: the real Rasa server and action server, started as the tests start them
(tests/support/servers.py, on the trained model in models/, training it first if the training data
changed) in the same temporary folder, unless `--rasa-url` names one already running (`make run`'s:
http://127.0.0.1:5005). The resident opens the widget on its demo page, asks to make a complaint
and says what went wrong; the assistant's answers are the real ones.

    uv run python scripts/screenshots.py [--out DIR] [--rasa-url URL] [--staff-only] [--chat-only]

Needs Debian's Chromium (/usr/bin/chromium, or INTAKE_TEST_CHROMIUM), as the browser tests do.
"""
from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bot.vocabulary import UK  # noqa: E402

OUT = PROJECT_ROOT / "docs" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LONDON = UK  # the one UK zone (bot.vocabulary)
# The staff workspace's "now": Wednesday 13 January 2027, 10am in London.
NOW = datetime(2027, 1, 13, 10, 0, tzinfo=LONDON)
PROFILE = "housing-ombudsman-code"
USERNAME, NAME, PASSWORD = "sam", "Sam Advocate", "screenshot demo passphrase"
ADVOCATE = f"staff:{USERNAME}"
QUEUE_PNG, CASE_PNG, CHAT_PNG = "staff-queue.png", "staff-case.png", "webchat-phone.png"
REPLY_TIMEOUT = 60_000  # ms: the first reply waits for the model to warm up


def uk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


class Clock:
    """The demo's clock: set to each case's filing time while filing, then left at NOW."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(timezone.utc)


# (when filed, the submission's fields, what staff did next: (when, action, arguments)).
# The featured case (the case page) is the first.
DEMO_CASES = (
    ("2027-01-05T09:12", dict(
        case_type="complaint", channel="socketio",
        description="Roof leak over my kitchen: the repairs team was booked three times and never "
                    "came. Water comes through the light fitting when it rains.",
        event_date_text="since the start of December", event_date=date(2026, 12, 1),
        affected="Me and my two children",
        desired_outcome="Fix the roof and the kitchen ceiling, and an apology for the missed "
                        "appointments",
        name="Priya Shah", address="Flat 4, 12 Example Road, Exampletown", postcode="EX1 2AB",
        email="priya.shah@example.com", phone="07700 900123", preferred_contact="email"),
     (("2027-01-06T11:30", "acknowledge", {"note": "Called Ms Shah; repairs visit booked for 14 January"}),
      ("2027-01-06T11:35", "add_note", {"text": "Repairs manager asked to attend with the roofer."}))),
    ("2026-12-21T16:40", dict(
        case_type="complaint", channel="rest",
        description="Black mould is back in the bathroom since October.",
        event_date_text="October", affected="The whole household", awaab_category="significant",
        desired_outcome="Find the cause of the damp and treat it properly",
        name="Tom Okafor", postcode="EX2 7CD", email="tom.okafor@example.com",
        phone="07700 900456", preferred_contact="phone"), ()),
    ("2027-01-12T18:05", dict(
        case_type="service_request", channel="facebook", urgent=True,
        description="No heating or hot water: boiler fault F28.",
        name="Grace Miller", postcode="EX3 4EF", phone="07700 900789",
        preferred_contact="phone"), ()),
    ("2026-12-02T10:20", dict(
        case_type="complaint", channel="socketio",
        description="Charged for a front door never fitted.",
        event_date_text="the November statement", affected="Just me",
        desired_outcome="Take the charge off my rent account",
        name="Daniel Evans", postcode="EX4 5GH", email="daniel.evans@example.com",
        preferred_contact="email"),
     (("2026-12-03T09:00", "acknowledge", {}),
      ("2026-12-29T14:00", "extend", {"reason": "explained",
                                       "explanation": "Waiting for the contractor's invoices"}))),
    ("2027-01-11T22:47", dict(
        case_type="asb_report", channel="socketio",
        description="Loud music upstairs after midnight.",
        frequency="Most nights for three weeks", name="Alex Morgan", postcode="EX1 9JK",
        email="alex.morgan@example.com", preferred_contact="email"), ()),
    ("2027-01-08T13:15", dict(
        case_type="compliment", channel="rest",
        description="The caretaker cleared the snow early.",
        name="Margaret Lewis", postcode="EX5 1LM"), ()),
    ("2027-01-10T08:30", dict(
        case_type="comment", channel="facebook", anonymous=True,
        description="The new bin store is too far away."), ()),
    ("2027-01-13T08:05", dict(
        case_type="complaint", channel="socketio",
        description="No reply to three e-mails about my transfer.",
        event_date_text="the last six weeks", affected="Just me",
        desired_outcome="A reply, and to know where I am on the list",
        name="Chris Patel", postcode="EX6 3NP", email="chris.patel@example.com",
        preferred_contact="email"), ()),
)


def file_demo_cases(store, clock: Clock) -> list[str]:
    """File the demo cases through the case store, with staff's actions on them; their references."""
    from bot.cases.submission import CaseSubmission

    references = []
    for number, (filed, fields, actions) in enumerate(DEMO_CASES, 1):
        clock.now = uk(filed)
        submission = CaseSubmission(conversation_id=f"demo-conversation-{number}", **fields)
        case, _ = store.file_case(submission, PROFILE)
        references.append(case.reference)
        for when, action, arguments in actions:
            clock.now = uk(when)
            if action == "add_note":
                store.add_note(case.reference, arguments["text"], ADVOCATE)
            else:
                getattr(store, action)(case.reference, ADVOCATE, **arguments)
    clock.now = NOW
    return references


def make_tracker(path: Path) -> str:
    """An empty tracker store as Rasa's SQLTrackerStore makes it (table `events`)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER NOT NULL PRIMARY KEY, sender_id "
                   "VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, "
                   "intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    return f"sqlite:///{path}"


@contextlib.contextmanager
def staff_workspace(workdir: Path):
    """The staff workspace on a free loopback port, on a fresh demo case store in `workdir`:
    yields (its address, the featured case's reference)."""
    from waitress import create_server

    from bot.cases.db import make_engine, upgrade
    from bot.cases.store import CaseStore
    from bot.staff import auth
    from bot.staff.app import create_app
    from bot.staff.transcripts import TrackerReader

    clock = Clock(NOW)
    engine = make_engine(f"sqlite:///{workdir / 'intake.db'}")
    upgrade(engine)
    store = CaseStore(engine, clock=clock, forward=False)
    references = file_demo_cases(store, clock)
    with store.write() as db:
        auth.create_user(db, USERNAME, NAME, "advocate", PASSWORD, actor="screenshots", now=clock())
    tracker = TrackerReader(make_tracker(workdir / "tracker.db"))
    app = create_app(store=store, tracker=tracker, secret_key="screenshots-" + "s" * 40,
                     secure_cookies=False, trusted_proxies=0, clock=clock)
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", references[0]
    finally:
        server.close()
        thread.join(10)
        tracker.dispose()
        store.dispose()


def shrink(path: Path) -> Path:
    """Rewrite a screenshot as a 256-colour PNG: the pages are flat colours and text, so it looks
    the same at about half the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


def launch_browser(playwright):
    """Debian's Chromium, as the browser tests launch it (never a Playwright download)."""
    from tests.channels.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
                         " or set INTAKE_TEST_CHROMIUM")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def staff_screenshots(browser, out: Path, workdir: Path) -> list[Path]:
    """The queue and the featured case's page, signed in as the advocate, at 1280x800."""
    from playwright.sync_api import expect

    out.mkdir(parents=True, exist_ok=True)
    with staff_workspace(workdir) as (url, reference):
        context = browser.new_context(viewport=LAPTOP, device_scale_factor=1, locale="en-GB",
                                      timezone_id="Europe/London", reduced_motion="reduce")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{url}/sign-in")
            page.get_by_label("Username").fill(USERNAME)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
            page.screenshot(path=out / QUEUE_PNG, full_page=True, animations="disabled", caret="hide")
            page.goto(f"{url}/cases/{reference}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
            page.screenshot(path=out / CASE_PNG, animations="disabled", caret="hide")
        finally:
            context.close()
    return [shrink(out / QUEUE_PNG), shrink(out / CASE_PNG)]


@contextlib.contextmanager
def rasa_server(workdir: Path, url: str | None):
    """The Rasa server's address: `url`, or a stack started as the tests start it."""
    if url:
        yield url.rstrip("/")
        return
    from bot.ops.model import ensure_model
    from tests.support.servers import RasaStack

    stack = RasaStack(model=ensure_model(PROJECT_ROOT / "models"), workdir=workdir)
    print("starting the Rasa server and the action server (about a minute)...", flush=True)
    try:
        stack.start()
    except Exception:
        for name in ("actions", "rasa"):
            if (workdir / f"{name}.log").exists():
                print(f"--- {name} log ---\n{stack.log(name)[-4000:]}", file=sys.stderr)
        stack.stop()
        raise
    try:
        yield stack.url
    finally:
        stack.stop()


TURN_DONE = """seen => {
    const root = document.querySelector('#intake-chat').shadowRoot;
    return root.querySelectorAll('.ic-bot').length > seen && !root.querySelector('.ic-typing').firstChild;
}"""


def chat_screenshot(browser, out: Path, rasa_url: str) -> Path:
    """The website chat's demo page on a phone: the resident opens the chat, asks to make a
    complaint (choosing Complaint if asked which kind) and says what went wrong."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, locale="en-GB", timezone_id="Europe/London",
                                  reduced_motion="reduce")
    try:
        page = context.new_page()
        page.set_default_timeout(REPLY_TIMEOUT)
        bot = page.locator(".ic-bot")

        def turn(do) -> str:
            seen = bot.count()
            do()
            page.wait_for_function(TURN_DONE, arg=seen, timeout=REPLY_TIMEOUT)
            return "\n".join(bot.all_inner_texts()[seen:])

        def type_message(text: str) -> str:
            box = page.get_by_role("textbox", name="Your message")
            return turn(lambda: (box.fill(text), box.press("Enter")))

        page.goto(f"{rasa_url}/webhooks/webchat/demo")
        turn(lambda: page.get_by_role("button", name="Chat with us").click())
        said = type_message("I want to make a complaint")
        if "what went wrong" not in said.lower():
            choices = page.get_by_role("group", name="Suggested replies")
            turn(lambda: choices.get_by_role("button", name="Complaint", exact=True).click())
        type_message("The repairs team never came to fix my leaking roof")
        page.get_by_role("textbox", name="Your message").blur()
        time.sleep(0.5)  # the last message's scroll into view
        page.screenshot(path=out / CHAT_PNG, animations="disabled", caret="hide")
    finally:
        context.close()
    return shrink(out / CHAT_PNG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default: %(default)s)")
    parser.add_argument("--rasa-url", help="a running Rasa server (e.g. make run's http://127.0.0.1:5005) "
                                           "instead of starting one")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--staff-only", action="store_true", help="only the staff workspace's screenshots")
    only.add_argument("--chat-only", action="store_true", help="only the website chat's screenshot")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as temp, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            if not args.chat_only:
                (Path(temp) / "staff").mkdir()
                written += staff_screenshots(browser, args.out, Path(temp) / "staff")
            if not args.staff_only:
                (Path(temp) / "stack").mkdir()
                with rasa_server(Path(temp) / "stack", args.rasa_url) as url:
                    written.append(chat_screenshot(browser, args.out, url))
        finally:
            browser.close()
    for path in written:
        print(f"{path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}: "
              f"{path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
