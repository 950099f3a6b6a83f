"""The nginx load balancer of the scaled-out layout (bot/ops/loadbalancer.py).

deploy/nginx/intake.conf is exactly what `python -m bot nginx-config` renders for the example in
docs/production.md; and Debian's real nginx, run with a rendered configuration in front of small fake
servers, serves the residents only /webhooks/ and /socket.io/, answers what it refuses itself
(429, 413, no server) as JSON in the REST channel's reply shape, and keeps the action listener on
its internal address for the allowed addresses only.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from bot.ops import loadbalancer
from bot.cli import main
from bot.ops.loadbalancer import Layout, prepare_prefix, render
from bot.settings import PROJECT_ROOT
from tests.support.servers import free_port, stop, wait_until
from tests.support.services import missing

EXAMPLE = PROJECT_ROOT / "deploy" / "nginx" / "intake.conf"
# The example of docs/production.md: two Rasa servers, two action servers, the load balancer's internal
# address 10.0.0.10 for the action listener.
EXAMPLE_ARGS = ["--rasa", "10.0.0.11:5005", "--rasa", "10.0.0.12:5005",
                "--actions", "10.0.0.21:5055", "--actions", "10.0.0.22:5055",
                "--actions-listen", "10.0.0.10:5056", "--user", "www-data"]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def rendered(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["nginx-config", *args])
    return code, out.getvalue(), err.getvalue()


def test_the_example_configuration_is_what_the_command_renders():
    code, text, _ = rendered(*EXAMPLE_ARGS)
    assert code == 0
    assert EXAMPLE.read_text() == text, (
        "deploy/nginx/intake.conf differs from `python -m bot nginx-config "
        + " ".join(EXAMPLE_ARGS) + "`: render it again")


def test_the_example_serves_only_the_public_paths_and_hides_the_action_listener():
    text = EXAMPLE.read_text()
    public, actions = text.split("# The Rasa servers' action endpoint")
    assert "location /webhooks/ {" in public and "location /socket.io/ {" in public
    assert "return 404" in public.split("location / {")[1].split("}")[0]
    assert "listen 10.0.0.10:5056;" in actions
    assert [line.strip() for line in actions.splitlines() if line.strip().startswith(("allow", "deny"))] \
        == ["allow 127.0.0.1;", "allow 10.0.0.11;", "allow 10.0.0.12;", "deny all;"]
    # A POST a server has received is never sent to another (it may have been half handled).
    assert all("non_idempotent" not in line for line in text.splitlines()
               if line.strip().startswith("proxy_next_upstream "))


@pytest.mark.parametrize("args, expected", [
    (["--rasa", "10.0.0.11:5005", "--actions", "10.0.0.21:5055"],
     "--actions-listen 127.0.0.1:5056 is reachable from this host only, but the Rasa server "
     "10.0.0.11:5005 is elsewhere"),
    (["--rasa", "rasa1.internal:5005", "--actions", "10.0.0.21:5055",
      "--actions-listen", "10.0.0.10:5056"],
     "rasa1.internal is a host name, and nginx's allow list takes addresses"),
    (["--rasa", "10.0.0.11:5005", "--actions", "10.0.0.21:5055", "--actions-listen",
      "10.0.0.10:5056", "--actions-allow", "everyone"],
     "--actions-allow everyone: not an address or network"),
    (["--rasa", "127.0.0.1:5005", "--actions", "127.0.0.1:5055", "--rate", "0"],
     "--rate and --messenger-rate are requests a second per address, at least 1"),
])
def test_an_unsafe_or_impossible_layout_is_one_clear_line(args, expected):
    code, text, err = rendered(*args)
    assert code == 1 and text == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err


def test_host_names_are_allowed_when_their_addresses_are_given():
    text = render(Layout(rasa=["rasa1.internal:5005"], actions=["10.0.0.21:5055"],
                         actions_listen="10.0.0.10:5056", actions_allow=["10.0.1.0/24"]))
    assert "allow 10.0.1.0/24;\n    deny all;" in text


# --- the real nginx ------------------------------------------------------------------------------

class FakeServer:
    """Answers every request with JSON naming its path; remembers the paths it saw."""

    def __init__(self, name: str) -> None:
        self.paths: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                fake.paths.append(self.path)
                body = json.dumps([{"text": f"{name} saw {self.path}"}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _nginx_missing() -> None:
    missing("the load balancer tests need Debian's nginx")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def running_nginx(layout: Layout, prefix: Path):
    """Debian's nginx with the rendered configuration, until the block ends."""
    if not (shutil.which("nginx") or Path(NGINX).exists()):
        _nginx_missing()
    layout.prefix = str(prefix)
    layout.user = "root" if os.geteuid() == 0 else None
    prepare_prefix(str(prefix))
    (prefix / "nginx.conf").write_text(render(layout))
    log = open(prefix / "nginx.log", "ab")
    process = subprocess.Popen([NGINX, "-c", str(prefix / "nginx.conf"), "-p", str(prefix),
                                "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        port = int(layout.listen.rsplit(":", 1)[-1])
        wait_until(lambda: _listening(port), 30, "nginx", process)
        yield process
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def balancer(tmp_path_factory):
    rasa, actions = FakeServer("rasa"), FakeServer("actions")
    public, internal = free_port(), free_port()
    layout = Layout(rasa=[f"127.0.0.1:{rasa.port}"], actions=[f"127.0.0.1:{actions.port}"],
                    listen=f"127.0.0.1:{public}",
                    # 127.0.0.2 (loopback too): shows that it listens on that one address only.
                    actions_listen=f"127.0.0.2:{internal}",
                    # Only an address this test never comes from may call the actions.
                    actions_allow=["10.9.9.9"], requests_per_second=2, max_body="1k")
    try:
        with running_nginx(layout, tmp_path_factory.mktemp("nginx")):
            yield {"public": f"http://127.0.0.1:{public}", "internal": ("127.0.0.2", internal),
                   "rasa": rasa, "actions": actions}
    finally:
        rasa.close()
        actions.close()


def _json_reply(answer: requests.Response) -> str:
    assert answer.headers["Content-Type"].startswith("application/json"), answer.headers
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["text"], body
    return body[0]["text"]


def test_the_webhooks_and_the_website_chat_reach_rasa(balancer):
    answer = requests.post(f"{balancer['public']}/webhooks/rest/webhook",
                           json={"sender": "a", "message": "hi"}, timeout=10)
    assert answer.status_code == 200 and "/webhooks/rest/webhook" in balancer["rasa"].paths
    assert requests.get(f"{balancer['public']}/socket.io/?EIO=4&transport=polling", timeout=10).ok
    assert requests.get(f"{balancer['public']}/webhooks/webchat/demo", timeout=10).ok


@pytest.mark.parametrize("path", ["/conversations/someone/tracker?token=x", "/model", "/status",
                                  "/", "/webhook", "/webhooksx"])
def test_rasas_http_api_and_everything_else_is_not_served(balancer, path):
    seen = len(balancer["rasa"].paths)
    answer = requests.get(f"{balancer['public']}{path}", timeout=10)
    assert answer.status_code == 404
    assert "only /webhooks/ and /socket.io/" in answer.json()["error"]
    assert requests.post(f"{balancer['public']}{path}", json={}, timeout=10).status_code == 404
    assert len(balancer["rasa"].paths) == seen, "the request reached a Rasa server"


def test_too_fast_is_a_polite_json_reply_with_retry_after(balancer):
    answers = [requests.post(f"{balancer['public']}/webhooks/rest/webhook",
                             json={"sender": "flood", "message": "hi"}, timeout=10)
               for _ in range(12)]  # 2 a second with a burst of 4
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    for answer in refused:
        assert answer.headers["Retry-After"] == "1"
        assert "faster than I can read them" in _json_reply(answer)


def test_messengers_webhook_has_its_own_higher_limit(balancer):
    """Facebook posts every resident's messages from a few addresses: the residents' limit (here
    2 a second, burst 4) would refuse them; Messenger's own (200 a second) lets them through."""
    seen = len(balancer["rasa"].paths)
    answers = [requests.post(f"{balancer['public']}/webhooks/facebook/webhook",
                             json={"object": "page", "entry": []}, timeout=10) for _ in range(12)]
    assert [a.status_code for a in answers] == [200] * 12
    assert balancer["rasa"].paths[seen:] == ["/webhooks/facebook/webhook"] * 12


def test_a_body_too_big_is_a_polite_json_reply(balancer):
    answer = requests.post(f"{balancer['public']}/webhooks/rest/webhook",
                           json={"sender": "big", "message": "x" * 5000}, timeout=10)
    assert answer.status_code == 413
    assert "too long" in _json_reply(answer)


def test_no_rasa_server_is_a_polite_json_reply(tmp_path):
    public = free_port()
    layout = Layout(rasa=[f"127.0.0.1:{free_port()}"],  # nothing listens there
                    actions=[f"127.0.0.1:{free_port()}"], listen=f"127.0.0.1:{public}",
                    actions_listen=f"127.0.0.1:{free_port()}")
    with running_nginx(layout, tmp_path):
        answer = requests.post(f"http://127.0.0.1:{public}/webhooks/rest/webhook",
                               json={"sender": "a", "message": "hi"}, timeout=30)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "60"
    assert "send it again" in _json_reply(answer)


def test_with_files_only_the_file_links_reach_the_staff_workspace(tmp_path):
    """`--files`: the signed links of the landlord's system are passed to the workspace (GET
    only, the workspace's own refusals passed through as they are); nothing else of it is."""
    rasa, staff = FakeServer("rasa"), FakeServer("staff")
    public = free_port()
    layout = Layout(rasa=[f"127.0.0.1:{rasa.port}"], actions=[f"127.0.0.1:{free_port()}"],
                    listen=f"127.0.0.1:{public}", actions_listen=f"127.0.0.1:{free_port()}",
                    files=[f"127.0.0.1:{staff.port}"])
    base = f"http://127.0.0.1:{public}"
    try:
        with running_nginx(layout, tmp_path):
            answer = requests.get(f"{base}/files/12.1799661600.0123456789abcdef.c2ln", timeout=10)
            assert answer.status_code == 200
            assert staff.paths == ["/files/12.1799661600.0123456789abcdef.c2ln"]
            for path in ("/", "/cases", "/login", "/queue.csv", "/static/staff.css", "/filesx"):
                assert requests.get(f"{base}{path}", timeout=10).status_code == 404, path
            assert requests.post(f"{base}/files/12.1.2.3", data="x", timeout=10).status_code == 403
            assert requests.post(f"{base}/webhooks/rest/webhook", json={"sender": "a"},
                                 timeout=10).ok
            assert staff.paths == ["/files/12.1799661600.0123456789abcdef.c2ln"]
            assert rasa.paths == ["/webhooks/rest/webhook"]
            assert "/files/" in requests.get(f"{base}/model", timeout=10).json()["error"]
        # Never in a log: nginx logs no request here (a link is a bearer credential).
        logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*.log"))
        assert "c2ln" not in logs
    finally:
        rasa.close()
        staff.close()
    assert "/files/" not in render(Layout(rasa=["127.0.0.1:5005"], actions=["127.0.0.1:5055"]))


def test_the_action_listener_is_internal_and_answers_only_the_allowed_addresses(balancer):
    host, port = balancer["internal"]
    seen = len(balancer["actions"].paths)
    answer = requests.post(f"http://{host}:{port}/webhook", json={"next_action": "x"}, timeout=10)
    assert answer.status_code == 403  # 127.0.0.1 is not 10.9.9.9
    assert len(balancer["actions"].paths) == seen
    # It listens on its one address: not on 127.0.0.1 (nor on any other interface).
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_render_and_the_default_listener_agree():
    """The default action listener is loopback-only, with the loopback allowed."""
    text = render(Layout(rasa=["127.0.0.1:5005"], actions=["127.0.0.1:5055"]))
    assert "listen 127.0.0.1:5056;\n    allow 127.0.0.1;\n    deny all;" in text
    assert loadbalancer.Layout.actions_listen == "127.0.0.1:5056"


def test_the_timeouts_fit_the_lock_lifetime():
    """A turn through the load balancer (reading the conversation, the action call, saving it)
    ends within TICKET_LOCK_LIFETIME even with a hung action server, and nginx waits for a
    message that first waits for the conversation's previous one."""
    from bot.settings import SETTINGS

    defaults = {s.name: s.default for s in SETTINGS}
    lifetime, tracker = int(defaults["TICKET_LOCK_LIFETIME"]), float(defaults["INTAKE_TRACKER_RETRY_SECONDS"])
    layout = Layout(rasa=["127.0.0.1:5005"], actions=["127.0.0.1:5055"])
    action = float(defaults["INTAKE_ACTION_TIMEOUT_SECONDS"])
    # Rasa gives up on a hung action server first (and tells the resident), nginx after it.
    assert float(defaults["INTAKE_DB_RETRY_SECONDS"]) < action <= layout.actions_read_timeout
    assert 2 * tracker + action < lifetime
    assert layout.read_timeout >= 2 * lifetime
    public, actions = render(layout).split("# The Rasa servers' action endpoint")
    assert f"proxy_read_timeout {layout.read_timeout}s;" in public
    assert f"proxy_read_timeout {layout.actions_read_timeout}s;" in actions
