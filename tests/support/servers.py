"""Start the real Rasa server and action server for end-to-end tests, once per test session."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

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


@dataclass
class RasaStack:
    """A Rasa server and an action server on free loopback ports, with their own databases."""

    model: Path
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    token: str = "test-token"
    processes: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            INTAKE_DATABASE_URL=f"sqlite:///{self.workdir / 'intake.db'}",
            INTAKE_TRACKER_URL=f"sqlite:///{self.workdir / 'tracker.db'}",
            ACTION_PORT=str(self.action_port),
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            RASA_PORT=str(self.rasa_port),
            RASA_API_TOKEN=self.token,
        )
        self.env.update(self.extra_env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def start_actions(self) -> subprocess.Popen:
        process = self._spawn("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                          "--port", str(self.action_port)])
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.action_port}/health",
                                        timeout=2).ok, 120, "action server", process)
        return process

    def start_rasa(self) -> subprocess.Popen:
        process = self._spawn("rasa", [
            sys.executable, "-m", "rasa", "run", "--enable-api", "--auth-token", self.token,
            "--port", str(self.rasa_port), "--model", str(self.model),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"])
        wait_until(lambda: requests.get(f"{self.url}/status", params={"token": self.token},
                                        timeout=2).json().get("model_file"),
                   300, "Rasa server", process)
        return process

    def start(self) -> "RasaStack":
        self.start_actions()
        self.start_rasa()
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        self.processes.clear()

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def say(self, sender: str, message: str) -> list[dict]:
        """Send one message as a resident over the REST channel; the assistant's replies."""
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(sender, message)]
