"""`python -m bot nginx-config`: the nginx load balancer of the scaled-out layout.

Several Rasa servers share the conversations (tracker store in PostgreSQL, lock store in Redis),
so any server can take any message: the webhooks go round-robin to the least busy server and on
to another when one is down (a request the server never received is safe to pass on, POST too).
The website chat is socket.io with long polling, whose session lives in the memory of the server
that opened it: `/socket.io/` is pinned to a server by the client address. The action servers are
stateless (the case store is shared) and sit behind a second listener. nginx also limits each
address's request rate before anything reaches Rasa; the Rasa servers then trust one proxy
(INTAKE_TRUSTED_PROXIES=1) to count per address themselves.

    python -m bot nginx-config --rasa 10.0.0.11:5005 --rasa 10.0.0.12:5005 \
        --actions 10.0.0.21:5055 --actions 10.0.0.22:5055 [--listen 80] [--actions-listen 5056]

The tests render it for loopback ports and run Debian's nginx with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence


@dataclass
class Layout:
    rasa: Sequence[str]
    actions: Sequence[str]
    listen: str = "80"
    actions_listen: str = "5056"
    prefix: str = "/var/lib/intake-nginx"  # pid file, logs and temporary files
    requests_per_second: int = 20          # per client address, with a burst of 40
    max_body: str = "1m"                   # a message is at most INTAKE_MAX_MESSAGE_CHARS
    user: str | None = None                # nginx's worker user (None: nginx's default)
    extra: dict = field(default_factory=dict)


def render(layout: Layout) -> str:
    if not layout.rasa or not layout.actions:
        raise ValueError("at least one Rasa server and one action server")
    p = layout.prefix.rstrip("/")
    rasa = "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in layout.rasa)
    sticky = "\n".join(f"    server {a};" for a in layout.rasa)
    actions = "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in layout.actions)
    user = f"user {layout.user};\n" if layout.user else ""
    return f"""# The Intake load balancer (rendered by `python -m bot nginx-config`; see bot/loadbalancer.py).
{user}worker_processes auto;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 4096; }}

http {{
  access_log off;
  client_body_temp_path {p}/client_body;
  proxy_temp_path {p}/proxy;
  fastcgi_temp_path {p}/fastcgi;
  uwsgi_temp_path {p}/uwsgi;
  scgi_temp_path {p}/scgi;
  client_max_body_size {layout.max_body};
  limit_req_zone $binary_remote_addr zone=per_address:10m rate={layout.requests_per_second}r/s;
  limit_req_status 429;

  # Webhooks and the HTTP API: any server can take any message of any conversation.
  upstream rasa {{
    least_conn;
{rasa}
    keepalive 64;
  }}
  # socket.io long polling keeps its session in one server's memory: stay on it.
  upstream rasa_socketio {{
    ip_hash;
{sticky}
  }}
  upstream actions {{
    least_conn;
{actions}
    keepalive 64;
  }}

  server {{
    listen {layout.listen};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_read_timeout 300s;
    # A server that refused the connection or is restarting never saw the request: try the next.
    proxy_next_upstream error timeout http_502 http_503;
    proxy_next_upstream_tries 3;

    location /socket.io/ {{
      limit_req zone=per_address burst={layout.requests_per_second * 2} nodelay;
      proxy_set_header Connection "";
      proxy_pass http://rasa_socketio;
    }}
    location / {{
      limit_req zone=per_address burst={layout.requests_per_second * 2} nodelay;
      proxy_set_header Connection "";
      proxy_pass http://rasa;
    }}
  }}

  # The Rasa servers' action endpoint (ACTION_SERVER_URL=http://this-host:{layout.actions_listen}/webhook).
  server {{
    listen {layout.actions_listen};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_read_timeout 300s;
    proxy_next_upstream error timeout http_502 http_503;
    location / {{ proxy_pass http://actions; }}
  }}
}}
"""


def prepare_prefix(prefix: str) -> None:
    for sub in ("", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        Path(prefix, sub).mkdir(parents=True, exist_ok=True)


def add_arguments(parser) -> None:
    parser.add_argument("--rasa", action="append", required=True, metavar="HOST:PORT",
                        help="a Rasa server (repeat for each)")
    parser.add_argument("--actions", action="append", required=True, metavar="HOST:PORT",
                        help="an action server (repeat for each)")
    parser.add_argument("--listen", default="80", help="address:port or port for the residents (80)")
    parser.add_argument("--actions-listen", default="5056", help="port for the Rasa servers' action calls")
    parser.add_argument("--prefix", default="/var/lib/intake-nginx",
                        help="folder for nginx's pid file, log and temporary files")
    parser.add_argument("--rate", type=int, default=20, help="requests per second per address (20)")
    parser.add_argument("--user", default=None, help="the user nginx's workers run as (nginx's default)")


def run(args) -> int:
    layout = Layout(rasa=args.rasa, actions=args.actions, listen=args.listen,
                    actions_listen=args.actions_listen, prefix=args.prefix,
                    requests_per_second=args.rate, user=args.user)
    print(render(layout), end="")
    return 0
