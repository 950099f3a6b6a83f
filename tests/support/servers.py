"""Start the real Rasa server and action server for end-to-end tests, once per test session."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from bot import settings
from bot.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not become ready within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class FakeGraphAPI:
    """A local stand-in for Meta's Graph API: records every Send API call the assistant makes.

    The Rasa server's FACEBOOK_GRAPH_API_URL points here, so Messenger replies land in `calls`
    (each: path, query and JSON body) instead of going to Facebook.
    """

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self._lock = threading.Lock()
        # Meta's CDN, where Messenger attachments' addresses point: name -> [bytes, type, failures
        # still to answer with 500 (404 when the bytes are None)], and every GET made.
        self.media: dict[str, list] = {}
        self.fetched: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                name = urlsplit(self.path).path.rsplit("/", 1)[-1]
                with fake._lock:
                    fake.fetched.append(name)
                    found = fake.media.get(name)
                    failing = bool(found) and found[2] > 0
                    if failing:
                        found[2] -= 1
                if found is None or found[0] is None or failing:
                    self.send_response(500 if failing else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", found[1])
                self.send_header("Content-Length", str(len(found[0])))
                self.end_headers()
                self.wfile.write(found[0])

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                split = urlsplit(self.path)
                call = {"path": split.path, "query": {k: v[-1] for k, v in
                                                      parse_qs(split.query).items()},
                        "body": body}
                with fake._lock:
                    fake.calls.append(call)
                reply = json.dumps({"recipient_id": (body or {}).get("recipient", {}).get("id")
                                    if isinstance(body, dict) else None,
                                    "message_id": f"m_{len(fake.calls)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v21.0"

    def start(self) -> "FakeGraphAPI":
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def serve(self, name: str, data: bytes | None, content_type: str = "image/jpeg",
              failures: int = 0) -> str:
        """Put a file on the fake CDN (None: answer 404; `failures`: first answer 500 so many
        times); its address, as a Messenger attachment gives it."""
        with self._lock:
            self.media[name] = [data, content_type, failures]
        return f"http://127.0.0.1:{self._server.server_address[1]}/cdn/{name}?_nc_oh=x&oe=1"

    def sent_to(self, recipient_id: str) -> list[dict]:
        """The Send API bodies addressed to one resident, in order."""
        with self._lock:
            calls = list(self.calls)
        return [c["body"] for c in calls if isinstance(c["body"], dict)
                and c["body"].get("recipient", {}).get("id") == recipient_id]

    def messages_to(self, recipient_id: str) -> list[dict]:
        """Only the `message` objects (not typing indicators) sent to one resident."""
        return [b["message"] for b in self.sent_to(recipient_id) if "message" in b]


@dataclass
class RasaStack:
    """A Rasa server and an action server on free loopback ports, with their own databases."""

    model: Path
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    token: str = "test-token"
    action_secret: str = "test-action-secret"
    # A website that may embed the chat widget: the browser tests serve a page as this origin
    # (a loopback one: Chromium keeps pages on public origins from loading localhost scripts).
    webchat_test_origin: str = "http://localhost:8765"
    processes: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rasa_port = free_port()
        self.action_port = free_port()
        # Messenger replies go to a fake Graph API; the channel secrets are fixed test values.
        self.graph_api = FakeGraphAPI()
        # Every setting has a value (Rasa's ${VAR} substitution fails on an unset variable), as
        # `python -m bot env` gives the run command; the environment and the values below win.
        self.env = {s.name: s.default for s in settings.SETTINGS}
        self.env.update(os.environ)
        self.env.update(
            RASA_TELEMETRY_ENABLED="false",
            # Unbuffered, as the manifests run it: stdout and stderr share one log file, and a
            # test that reads "the lines after my request" needs them in the order they happened.
            PYTHONUNBUFFERED="1",
            INTAKE_DATABASE_URL=f"sqlite:///{self.workdir / 'intake.db'}",
            INTAKE_TRACKER_URL=f"sqlite:///{self.workdir / 'tracker.db'}",
            ACTION_PORT=str(self.action_port),
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            RASA_PORT=str(self.rasa_port),
            RASA_API_TOKEN=self.token,
            INTAKE_ACTION_SECRET=self.action_secret,
            FACEBOOK_APP_SECRET="test-app-secret",
            FACEBOOK_VERIFY_TOKEN="test-verify-token",
            FACEBOOK_PAGE_ACCESS_TOKEN="test-page-access-token",
            FACEBOOK_GRAPH_API_URL=self.graph_api.url,
            INTAKE_WEBCHAT_ORIGINS=self.webchat_test_origin,
            # Residents' files in the stack's own folder; Messenger's come from the fake CDN.
            INTAKE_EVIDENCE_STORE="folder",
            INTAKE_EVIDENCE_DIR=str(self.workdir / "evidence"),
            INTAKE_MESSENGER_MEDIA_HOSTS="127.0.0.1",
            # Every test resident shares 127.0.0.1: no per-address limit (the tests of the limit
            # set their own); the per-conversation limit stays as configured.
            INTAKE_RATE_LIMIT_ADDRESS="0",
            # Each process's metrics endpoint on a free loopback port (docs/operations.md).
            INTAKE_METRICS_HOST="127.0.0.1",
            INTAKE_METRICS_RASA_PORT=str(free_port()),
            INTAKE_METRICS_ACTIONS_PORT=str(free_port()),
        )
        self.env.update(self.extra_env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def facebook_app_secret(self) -> str:
        return self.env["FACEBOOK_APP_SECRET"]

    @property
    def facebook_verify_token(self) -> str:
        return self.env["FACEBOOK_VERIFY_TOKEN"]

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def start_actions(self) -> subprocess.Popen:
        process = self._spawn("actions", [sys.executable, "-m", "bot.rasa", "run", "actions",
                                          "--port", str(self.action_port)])
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.action_port}/health",
                                        timeout=2).ok, 120, "action server", process)
        return process

    def start_rasa(self) -> subprocess.Popen:
        process = self._spawn("rasa", [
            # As the Procfile runs it: the token comes from the environment (RASA_API_TOKEN).
            sys.executable, "-m", "bot.rasa", "run", "--enable-api",
            "--port", str(self.rasa_port), "--model", str(self.model),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"])
        wait_until(lambda: requests.get(f"{self.url}/status", params={"token": self.token},
                                        timeout=2).json().get("model_file"),
                   300, "Rasa server", process)
        return process

    def migrate(self) -> None:
        """Create the case store's schema, as the run command does before starting the servers."""
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=self.env,
                       check=True, capture_output=True)

    def start(self) -> "RasaStack":
        self.migrate()
        self.graph_api.start()
        self.start_actions()
        self.start_rasa()
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        self.processes.clear()
        self.graph_api.stop()

    def metrics(self, process: str) -> str:
        """The text of `process`'s metrics endpoint ("rasa" or "actions")."""
        port = self.env[f"INTAKE_METRICS_{process.upper()}_PORT"]
        response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        response.raise_for_status()
        return response.text

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def filed_case(self, reference: str):
        """The case filed under `reference` in this stack's case store (None when there is none)."""
        from bot.cases.store import CaseStore

        store = CaseStore(self.env["INTAKE_DATABASE_URL"])
        try:
            return store.find_by_reference(reference)
        finally:
            store.dispose()

    def say(self, sender: str, message: str) -> list[dict]:
        """Send one message as a resident over the REST channel; the assistant's replies."""
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(sender, message)]


def another_stack(name: str, trained_model, tmp_path_factory, **settings: str):
    """A second Rasa and action server with `settings` on top of the test defaults, for a fixture
    to yield from (started once by its fixture's scope, stopped after)."""
    stack = RasaStack(model=trained_model, workdir=tmp_path_factory.mktemp(f"{name}-stack"),
                      extra_env=settings)
    try:
        stack.start()
    except Exception:
        stack.stop()
        raise
    yield stack
    stack.stop()
