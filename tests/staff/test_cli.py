"""`python -m bot staff ...` as a person runs it: accounts, the corrections export and the server."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest
import requests

from bot.cases.db import make_engine, upgrade
from bot.settings import PROJECT_ROOT
from tests.support.servers import free_port, wait_until

PASSWORD = "a long enough passphrase"


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return {**os.environ, "INTAKE_DATABASE_URL": url,
            "INTAKE_TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
            "STAFF_SECRET_KEY": "s" * 40, "RASA_TELEMETRY_ENABLED": "false"}


def staff(env, *args, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "bot", "staff", *args], cwd=PROJECT_ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_accounts_from_the_command_line(env):
    made = staff(env, "create-admin", "--username", "Ann", "--name", "Ann Admin",
                 "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert "Created the admin account 'ann'" in made.stdout and "/sign-in" in made.stdout
    again = staff(env, "create-admin", "--username", "ann", "--name", "Ann",
                  "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and again.stderr.strip() == "error: there is already an account called 'ann'"
    weak = staff(env, "create-user", "--role", "advocate", "--username", "ada", "--name", "Ada",
                 "--password-stdin", stdin="short\n")
    assert weak.returncode == 1 and "at least 12 characters" in weak.stderr
    no_terminal = staff(env, "create-user", "--role", "advocate", "--username", "ada",
                        "--name", "Ada", stdin="")
    assert no_terminal.returncode == 1 and "--password-stdin" in no_terminal.stderr
    assert staff(env, "create-user", "--role", "advocate", "--username", "ada", "--name",
                 "Ada Advocate", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    listed = staff(env, "users")
    assert listed.returncode == 0
    assert [line.split()[:2] for line in listed.stdout.splitlines()] == [["ada", "advocate"],
                                                                         ["ann", "admin"]]
    reset = staff(env, "set-password", "ada", "--password-stdin", stdin="another long passphrase\n")
    assert reset.returncode == 0 and "New password set for 'ada'" in reset.stdout
    assert staff(env, "set-password", "zed", "--password-stdin", stdin=PASSWORD).returncode == 1


def test_the_commands_need_a_migrated_case_store(tmp_path, env):
    env = {**env, "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = staff(env, "users")
    assert result.returncode == 1 and "run `python -m bot db upgrade`" in result.stderr


def test_exporting_corrections_to_a_file(env, tmp_path):
    assert "nlu: []" in staff(env, "export-corrections").stdout
    output = tmp_path / "corrections.yml"
    result = staff(env, "export-corrections", "--output", str(output))
    assert result.returncode == 0 and "Wrote 0 example(s)" in result.stderr
    assert output.read_text().startswith('version: "3.1"')


def test_serve_answers_and_stops(env):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot", "staff", "serve", "--port", str(port)],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok, 60,
                   "staff workspace", process)
        page = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=5)
        assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
        sign_in = requests.get(f"http://127.0.0.1:{port}/sign-in", timeout=5)
        assert sign_in.status_code == 200 and "Server" not in sign_in.headers
        assert "HttpOnly" in sign_in.headers["Set-Cookie"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=15)[0]
    assert f"Staff workspace on http://127.0.0.1:{port}/" in output


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root for a PID namespace")
def test_as_a_containers_first_process_it_stops_on_sigterm(env):
    """As PID 1 (a pod's container) the kernel drops a SIGTERM nobody handles: the workspace
    handles it, or every rollout waits out the grace period."""
    import time

    port = free_port()
    process = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", sys.executable, "-m", "bot",
                                "staff", "serve", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok, 60,
                   "staff workspace", process)
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
        pid_one = int(children.stdout.split()[0])  # the workspace: PID 1 of its namespace
        os.kill(pid_one, signal.SIGTERM)
        started = time.monotonic()
        process.wait(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_busy_port_is_one_clear_line(env):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = staff(env, "serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: cannot listen on 127.0.0.1:{port}")
