"""The run command says where the website chat's demo page is, and the page is there."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_the_ready_message_gives_the_demo_page_address_and_it_answers(rasa_stack):
    process = subprocess.Popen([sys.executable, "-m", "bot", "ready", "--timeout", "60"],
                               cwd=PROJECT_ROOT, env=rasa_stack.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    demo = f"{rasa_stack.url}/webhooks/webchat/demo"
    assert any(demo in line for line in lines), "".join(lines)
    page = requests.get(demo, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "/webhooks/webchat/widget.js" in page.text
    assert "Content-Security-Policy" in page.headers
    widget = requests.get(f"{rasa_stack.url}/webhooks/webchat/widget.js", timeout=10)
    assert widget.status_code == 200 and "javascript" in widget.headers["Content-Type"]
    again = requests.get(f"{rasa_stack.url}/webhooks/webchat/widget.js",
                         headers={"If-None-Match": widget.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
