"""The privacy notice when a chat starts, and Messenger's confidentiality line (UK GDPR: told
when the data is collected; seed 002: social media only where confidentiality is protected)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from bot import conversation
from bot.cli import main
from bot.policy import active_profile, available_profiles, load_profile


def _with_privacy_url(name: str, url: str):
    profile = load_profile(name)
    return profile.copy(update={"organisation": profile.organisation.copy(
        update={"privacy_notice_url": url})}, deep=True)


def test_the_website_greeting_says_how_what_is_told_is_kept():
    profile = _with_privacy_url("housing-plus-group", "https://example.org/privacy")
    text = conversation.greeting(profile, "webchat")
    assert text.startswith("Hello, I'm the online assistant for Housing Plus Group")
    assert "kept by Housing Plus Group" in text and "https://example.org/privacy" in text
    assert "Meta" not in text


def test_on_messenger_the_greeting_says_that_meta_carries_the_messages():
    profile = load_profile("housing-plus-group")
    text = conversation.greeting(profile, "facebook")
    assert "Facebook Messenger, which Meta runs" in text and "speak to a person" in text
    assert "How we use your information" not in text  # the profile names no notice page


@pytest.mark.parametrize("name", available_profiles())
def test_every_profiles_messenger_welcome_fits_metas_limit(name):
    text = conversation.messenger_welcome(load_profile(name))
    assert 0 < len(text) <= conversation.MESSENGER_GREETING_LIMIT and "Meta" in text


class _GraphAPI(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the handler's API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        status = 400 if "bad" in self.path else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"result": "success"}' if status == 200 else b'{"error": "no"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def graph_api():
    _GraphAPI.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GraphAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def housing_plus_group(monkeypatch):
    monkeypatch.setenv("INTAKE_POLICY", "housing-plus-group")
    active_profile.cache_clear()
    yield
    active_profile.cache_clear()


def test_messenger_profile_sets_the_welcome_screen(graph_api, housing_plus_group, monkeypatch, capsys):
    monkeypatch.setenv("FACEBOOK_GRAPH_API_URL", graph_api + "/v21.0")
    monkeypatch.setenv("FACEBOOK_PAGE_ACCESS_TOKEN", "page-token")
    assert main(["messenger-profile"]) == 0
    [(path, body)] = _GraphAPI.received
    url = urlparse(path)
    assert url.path == "/v21.0/me/messenger_profile"
    assert parse_qs(url.query) == {"access_token": ["page-token"]}
    assert body["get_started"] == {"payload": "/greet"}
    assert body["greeting"][0]["locale"] == "default"
    assert "Meta" in body["greeting"][0]["text"] and "Housing Plus Group" in body["greeting"][0]["text"]
    assert "page-token" not in capsys.readouterr().out


def test_messenger_profile_says_plainly_what_is_wrong(graph_api, monkeypatch, capsys):
    monkeypatch.setenv("FACEBOOK_PAGE_ACCESS_TOKEN", "")
    assert main(["messenger-profile"]) == 1
    assert "FACEBOOK_PAGE_ACCESS_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("FACEBOOK_PAGE_ACCESS_TOKEN", "page-token")
    monkeypatch.setenv("FACEBOOK_GRAPH_API_URL", graph_api + "/bad")
    assert main(["messenger-profile"]) == 1
    assert "refused the welcome screen (400)" in capsys.readouterr().err
    assert len(_GraphAPI.received) == 1 and _GraphAPI.received[0][0].startswith("/bad/")
