"""The scaled-out layout on loopback: several Rasa servers and action servers sharing a PostgreSQL
tracker store and case store and a Redis lock store, behind Debian's nginx (bot/ops/loadbalancer.py).
Used by the scale-out and fault tests and the load benchmark."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bot import settings
from bot.ops.loadbalancer import Layout, prepare_prefix, render
from bot.settings import PROJECT_ROOT
from tests.support.servers import free_port, stop, wait_until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def create_database(admin_url: str, prefix: str = "intake_scale") -> tuple[str, str]:
    """A new, empty PostgreSQL database next to `admin_url`'s: (its URL, its name)."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    parts = urlsplit(admin_url)
    return parts._replace(path=f"/{name}").geturl(), name


def drop_database(admin_url: str, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@dataclass
class Process:
    name: str
    args: list[str]
    port: int
    health: str
    popen: subprocess.Popen | None = None


@dataclass
class ScaledStack:
    model: Path
    workdir: Path
    postgres_admin_url: str
    redis_url: str
    rasa_servers: int = 2
    action_servers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    token: str = "scale-token"
    # The REST webhook needs a token here, as in production (the Kubernetes Secret sets one).
    rest_token: str = "scale-rest-token"
    conversation_limit: int = 20
    processes: dict[str, Process] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.database_url, self.database_name = create_database(self.postgres_admin_url)
        redis = urlsplit(self.redis_url)
        self.lb_port, self.lb_actions_port = free_port(), free_port()
        self.env = {s.name: s.default for s in settings.SETTINGS}
        self.env.update(os.environ)
        self.env.update(
            RASA_TELEMETRY_ENABLED="false",
            # Unbuffered, as the manifests run it: stdout and stderr share one log file, and a
            # test that reads "the lines after my request" needs them in the order they happened.
            PYTHONUNBUFFERED="1",
            INTAKE_DATABASE_URL=self.database_url,
            INTAKE_TRACKER_URL=self.database_url,
            INTAKE_LOCK_STORE="redis",
            INTAKE_REDIS_HOST=redis.hostname or "127.0.0.1",
            INTAKE_REDIS_PORT=str(redis.port or 6379),
            INTAKE_REDIS_DB=(redis.path or "/0").strip("/") or "0",
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.lb_actions_port}/webhook",
            RASA_API_TOKEN=self.token,
            INTAKE_ACTION_SECRET="scale-action-secret",
            INTAKE_REST_TOKEN=self.rest_token,
            INTAKE_TRUSTED_PROXIES="1",
            # Every simulated resident comes from 127.0.0.1 through nginx.
            INTAKE_RATE_LIMIT_ADDRESS="0",
            # Counted in Redis by both servers together (a test sends one more than this); more
            # than any one conversation of the other tests sends in a minute.
            INTAKE_RATE_LIMIT_CONVERSATION=f"{self.conversation_limit}/60",
            FACEBOOK_APP_SECRET="scale-secret",
            # Nothing listens there: replies to Messenger residents fail at once (not after
            # waiting on Facebook's unreachable servers).
            FACEBOOK_GRAPH_API_URL="http://127.0.0.1:9/v21.0",
        )
        self.env.update(self.extra_env)
        for n in range(self.action_servers):
            port = free_port()
            self.processes[f"actions{n + 1}"] = Process(
                f"actions{n + 1}", [sys.executable, "-m", "bot.rasa", "run", "actions",
                                    "--port", str(port)], port, "/health")
        for n in range(self.rasa_servers):
            port = free_port()
            self.processes[f"rasa{n + 1}"] = Process(
                f"rasa{n + 1}", [sys.executable, "-m", "bot.rasa", "run", "--enable-api",
                                 "--port", str(port),
                                 "--model", str(self.model), "--endpoints", "endpoints.yml",
                                 "--credentials", "credentials.yml"], port, "/")
        self.nginx_prefix = self.workdir / "nginx"

    # --- addresses -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The load balancer: what residents reach."""
        return f"http://127.0.0.1:{self.lb_port}"

    def server_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.processes[name].port}"

    @property
    def rasa_names(self) -> list[str]:
        return [n for n in self.processes if n.startswith("rasa")]

    # --- processes -------------------------------------------------------------------------------

    def start_process(self, name: str, timeout: float = 300) -> None:
        process = self.processes[name]
        log = open(self.workdir / f"{name}.log", "ab")
        process.popen = subprocess.Popen(process.args, cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{process.port}{process.health}"
        wait_until(lambda: requests.get(url, timeout=2).ok, timeout, name, process.popen)

    def stop_process(self, name: str, kill: bool = False) -> None:
        process = self.processes[name]
        if process.popen is not None:
            if kill:
                os.killpg(process.popen.pid, 9)
                process.popen.wait()
            else:
                stop(process.popen)
            process.popen = None

    def start_nginx(self) -> None:
        prepare_prefix(str(self.nginx_prefix))
        layout = Layout(rasa=[f"127.0.0.1:{self.processes[n].port}" for n in self.rasa_names],
                        actions=[f"127.0.0.1:{p.port}" for n, p in self.processes.items()
                                 if n.startswith("actions")],
                        listen=f"127.0.0.1:{self.lb_port}",
                        actions_listen=f"127.0.0.1:{self.lb_actions_port}",
                        prefix=str(self.nginx_prefix), requests_per_second=100_000,
                        user="root" if os.geteuid() == 0 else None)
        conf = self.nginx_prefix / "nginx.conf"
        conf.write_text(render(layout))
        log = open(self.workdir / "nginx.log", "ab")
        self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.nginx_prefix),
                                       "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.lb_actions_port}/health",
                                        timeout=2).status_code < 600, 30, "nginx", self.nginx)

    def start(self) -> "ScaledStack":
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT,
                       env=self.env, check=True, capture_output=True)
        for name in self.processes:
            if name.startswith("actions"):
                self.start_process(name)
        self.start_nginx()
        # One at a time: each Rasa server creates the tracker store's table if it is missing.
        for name in self.rasa_names:
            self.start_process(name)
        return self

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_process(name)
        if getattr(self, "nginx", None) is not None:
            stop(self.nginx)
        drop_database(self.postgres_admin_url, self.database_name)

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    # --- talking ---------------------------------------------------------------------------------

    def say(self, sender: str, message: str, via: str | None = None) -> list[dict]:
        """One message over REST, through the load balancer or straight to one Rasa server."""
        base = self.server_url(via) if via else self.url
        answer = requests.post(f"{base}/webhooks/rest/webhook", headers=self.rest_headers,
                               json={"sender": sender, "message": message}, timeout=120)
        answer.raise_for_status()
        return answer.json()

    @property
    def rest_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.rest_token}"}

    # --- what was stored ---------------------------------------------------------------------------

    def _query(self, sql: str, **params) -> list:
        import sqlalchemy as sa

        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(sa.text(sql), params)]
        finally:
            engine.dispose()

    def stored_events(self, sender: str) -> list[dict]:
        """The conversation's events in the tracker store, in the order stored."""
        import json

        return [json.loads(data) for (data,) in
                self._query("SELECT data FROM events WHERE sender_id = :s ORDER BY id", s=sender)]

    def cases_of(self, sender: str) -> list[tuple[str, str]]:
        """(reference, type) of every case the conversation filed."""
        return self._query("SELECT reference, case_type FROM cases WHERE conversation_id = :s", s=sender)
