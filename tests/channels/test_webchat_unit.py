"""The website chat without a browser: origins, session ids, the transcript, the committed files."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot import settings
from bot.channels.webchat import (
    DEMO_FILE,
    WIDGET_FILE,
    WebChatInput,
    origin_allowed,
    parse_origins,
    transcript,
    valid_session_id,
)
from bot.settings import PROJECT_ROOT
from tests.support.services import missing

WEB = PROJECT_ROOT / "web"


def test_origins_setting_is_a_comma_or_space_separated_list():
    assert parse_origins("") == ()
    assert parse_origins(None) == ()
    assert parse_origins("https://A.example/, https://b.example  http://c.example:8080") == (
        "https://a.example", "https://b.example", "http://c.example:8080")


@pytest.mark.parametrize("origin, host, allowed, ok", [
    ("http://127.0.0.1:5005", "127.0.0.1:5005", (), True),  # the server's own demo page
    ("https://chat.example", "chat.example", (), True),  # behind a TLS proxy
    ("https://www.landlord.example", "chat.example", ("https://www.landlord.example",), True),
    ("https://www.landlord.example/", "chat.example", ("https://www.landlord.example",), True),
    ("https://evil.example", "chat.example", ("https://www.landlord.example",), False),
    ("https://chat.example.evil.example", "chat.example", (), False),
    ("http://127.0.0.1:9999", "127.0.0.1:5005", (), False),  # another port is another site
    ("null", "chat.example", (), False),  # sandboxed frames, files
    ("https://anything.example", "chat.example", ("*",), True),
])
def test_who_may_use_the_socket_io_endpoint(origin, host, allowed, ok):
    assert origin_allowed(origin, host, allowed) is ok


def test_only_session_ids_this_server_hands_out_are_accepted():
    assert valid_session_id("0123456789abcdef0123456789abcdef")
    for bad in (None, "", "foundation-hello", "0123456789ABCDEF0123456789ABCDEF", "1234567" * 5,
                {"id": 1}, "0123456789abcdef0123456789abcdef\n"):
        assert not valid_session_id(bad)


def test_the_transcript_shows_the_conversation_as_the_widget_received_it():
    buttons = [{"title": "Yes, for someone else", "payload": "/affirm"},
               {"title": "No, for myself", "payload": "/deny"}]
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("/greet", input_channel="socketio",  # the widget's opening, not shown
                    metadata={"webchat": {"opening": True}}),
        BotUttered("Hello.\n\nWhat would you like to tell us?"),
        UserUttered("I want to complain", input_channel="socketio"),
        BotUttered("Are you making this complaint for someone else?", data={"buttons": buttons}),
        UserUttered("/deny", input_channel="socketio"),  # a click: shown as the button's title
        BotUttered("Thank you.", data={"image": "https://cdn.example/x.png"}),
        UserUttered("/affirm", input_channel="socketio"),  # typed, no button offered: as typed
    ]
    assert transcript(events) == [
        {"sender": "bot", "text": "Hello."},
        {"sender": "bot", "text": "What would you like to tell us?"},
        {"sender": "user", "text": "I want to complain"},
        {"sender": "bot", "text": "Are you making this complaint for someone else?",
         "quick_replies": [{"content_type": "text", **b} for b in buttons]},
        {"sender": "user", "text": "No, for myself"},
        {"sender": "bot", "text": "Thank you."},
        {"sender": "bot", "attachment": {"type": "image",
                                         "payload": {"src": "https://cdn.example/x.png"}}},
        {"sender": "user", "text": "/affirm"},
    ]


def test_files_are_shown_where_they_came_with_the_reply_the_resident_had():
    from datetime import datetime, timezone

    def at(second: int) -> datetime:
        return datetime.fromtimestamp(1_800_000_000 + second, timezone.utc)

    events = [UserUttered("the lift is broken", input_channel="socketio", timestamp=at(10).timestamp()),
              BotUttered("Thank you. Your reference is CMP-7KQ4M-X.", timestamp=at(20).timestamp())]
    shown = transcript(events, [(at(30), "photo", "CMP-7KQ4M-X"), (at(5), "video", None)])
    assert [item["text"] for item in shown] == [
        "Sent a video",
        "Thanks, I've kept your video with this conversation. Staff will see it with what you "
        "tell me. Please carry on where we were.",
        "the lift is broken", "Thank you. Your reference is CMP-7KQ4M-X.",
        "Sent a photo",
        "Thanks, I've added your photo to your case CMP-7KQ4M-X. Staff will see it with the rest "
        "of your case."]


def test_the_channel_keeps_rasas_socketio_name_and_serves_under_webchat():
    channel = WebChatInput.from_credentials({"session_persistence": True,
                                             "allowed_origins": "https://www.landlord.example"})
    assert channel.name() == "socketio"
    assert channel.url_prefix() == "webchat"
    assert channel.allowed_origins == ("https://www.landlord.example",)
    assert channel.session_persistence is True


def test_credentials_name_both_channels_with_settings_from_the_environment():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    web = credentials["bot.channels.webchat.WebChatInput"]
    assert web["session_persistence"] is True
    assert web["allowed_origins"] == "${INTAKE_WEBCHAT_ORIGINS}"
    facebook = credentials["bot.channels.facebook.FacebookInput"]
    assert facebook == {"verify": "${FACEBOOK_VERIFY_TOKEN}", "secret": "${FACEBOOK_APP_SECRET}",
                        "page-access-token": "${FACEBOOK_PAGE_ACCESS_TOKEN}",
                        "graph-api-url": "${FACEBOOK_GRAPH_API_URL}"}
    named = set(re.findall(r"\$\{([A-Z_]+)\}", (PROJECT_ROOT / "credentials.yml").read_text()))
    assert named <= {s.name for s in settings.SETTINGS}  # `python -m bot env` exports them all


def test_the_built_widget_and_the_vendored_axe_core_are_committed_files():
    assert WIDGET_FILE.stat().st_size > 20_000 and DEMO_FILE.exists()
    assert (WEB / "vendor" / "axe.min.js").stat().st_size > 100_000
    bundle = WIDGET_FILE.read_text()
    assert "transports" in bundle and "session_request" in bundle
    # Nothing is fetched from elsewhere at run time: the only addresses are an XML namespace and
    # a link in one of socket.io-client's error messages.
    addresses = set(re.findall(r"https?://[^\"' )]+", bundle))
    assert addresses <= {"http://www.w3.org/2000/svg",
                         "https://socket.io/docs/v3/migrating-from-2-x-to-3-0/"}, addresses


def test_the_widget_never_puts_text_on_the_page_as_html():
    for source in (WEB / "src").glob("*.js"):
        code = source.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                     "new Function"):
            assert sink not in code, f"{source.name} uses {sink}"


def test_the_committed_bundle_is_built_from_the_current_source(tmp_path):
    if not (WEB / "node_modules" / ".bin" / "esbuild").exists() or not shutil.which("node"):
        missing("the widget's npm packages are not installed (web/build.sh and make test "
                "install them)")
    out = tmp_path / "intake-chat.js"
    subprocess.run([str(WEB / "node_modules" / ".bin" / "esbuild"), "src/widget.js", "--bundle",
                    "--minify", "--format=iife", "--target=es2020", "--legal-comments=eof",
                    "--log-level=warning", f"--outfile={out}"], cwd=WEB, check=True, timeout=60)
    assert out.read_bytes() == WIDGET_FILE.read_bytes(), "run web/build.sh and commit web/dist"
    build = (WEB / "build.sh").read_text()
    assert "--minify --format=iife --target=es2020" in build and "--legal-comments=eof" in build
