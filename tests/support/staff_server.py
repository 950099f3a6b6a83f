"""The staff workspace as the browser tests use it: `python -m bot staff serve` on the session
stack's own databases, with an advocate (ada) and a manager (max). One per test session: the
fixture `staff_url` (tests/conftest.py) is the only way in, so two test files never create the
same accounts twice."""
from __future__ import annotations

import subprocess
import sys

import requests

from bot.settings import PROJECT_ROOT
from tests.support.servers import free_port, stop, wait_until

PASSWORD = "browser test passphrase"


def start_staff_server(rasa_stack, tmp_path_factory):
    """The staff workspace on a free port, on the stack's case store and tracker store."""
    port = free_port()
    env = {**rasa_stack.env, "STAFF_PORT": str(port), "STAFF_HOST": "127.0.0.1",
           "STAFF_SECRET_KEY": "browser-test-" + "k" * 40, "STAFF_SECURE_COOKIES": "false",
           "STAFF_HOMES": "1000"}  # CH01 per 1,000 homes needs the number of homes

    def bot(*args, stdin=None):
        result = subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
                                input=stdin, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result

    bot("db", "upgrade")
    for username, name, role in (("ada", "Ada Advocate", "advocate"),
                                 ("max", "Max Manager", "manager")):
        bot("staff", "create-user", "--role", role, "--username", username, "--name", name,
            "--password-stdin", stdin=PASSWORD + "\n")
    log = open(tmp_path_factory.mktemp("staff") / "staff.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "staff", "serve"], cwd=PROJECT_ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, "staff workspace",
                   process)
        yield url
    finally:
        stop(process)
        log.close()


def watched_page(browser, viewport: dict, **options):
    """A page in a new browser context that fails the test on a script error or an unexpected
    "Are you sure?" dialog (nothing in these tests should ask), for a fixture to yield from."""
    context = browser.new_context(viewport=viewport, locale="en-GB", **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not problems, problems
