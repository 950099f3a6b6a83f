"""`python -m bot nginx-config`: the nginx load balancer of the scaled-out layout.

Several Rasa servers share the conversations (tracker store in PostgreSQL, lock store in Redis),
so any server can take any message: the webhooks go to the least busy server. nginx passes a
request on to another server only when the first never received it (a refused connection, a
server restarting): a POST that a server had received and then died on is not sent again, since
it may have been half handled; the resident gets the polite "please send it again" reply below.
The website chat is socket.io with long polling, whose session lives in the memory of the server
that opened it: `/socket.io/` is pinned to a server by the client address. The action servers are
stateless (the case store is shared) and sit behind a second listener.

What the public listener serves: only `/webhooks/` (REST, Messenger, the widget and its demo
page) and `/socket.io/` (the website chat), and, with `--files`, `/files/`: the signed download
links to residents' files that the landlord's system is forwarded (bot/evidence/links.py), passed
to the staff workspace, so that the rest of the workspace can stay on the landlord's own network.
Rasa's HTTP API (/conversations, /model, /status...) is not served by the load balancer: reach
it on a Rasa server's own address from inside. The
action listener (the unauthenticated action webhook that files cases) listens on an internal
address only (default 127.0.0.1) and answers only the Rasa servers' addresses.

nginx limits each address's request rate before anything reaches Rasa (Messenger's webhook, which
Facebook posts from a few addresses for every resident, with a higher limit of its own), and answers what it
refuses itself (429 too fast, 413 too big, 502/503/504 no server) with the REST channel's
reply shape, a JSON list of one message with its text; the Rasa servers then trust one proxy
(INTAKE_TRUSTED_PROXIES=1) to count per address themselves.

    python -m bot nginx-config --rasa 10.0.0.11:5005 --rasa 10.0.0.12:5005 \
        --actions 10.0.0.21:5055 --actions 10.0.0.22:5055 [--listen 80] \
        [--actions-listen 10.0.0.10:5056] [--actions-allow 10.0.0.0/24] [--files 10.0.0.31:8000]

The tests render it for loopback ports and run Debian's nginx with it; deploy/nginx/intake.conf
is its output for the example above (a test keeps the two equal).
"""
from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

# What nginx answers itself, in the REST channel's shape (a list of messages with a text; no
# recipient_id, as nginx does not read the body). The wording follows bot/channels/limits.py and
# bot/rasa/guard.py.
TOO_FAST = ("You're sending messages faster than I can read them, so I haven't taken in that last "
            "one. Please wait 1 second, then send it again.")
TOO_BIG = ("Sorry, that message is too long for me to take in one go, so I haven't kept it. "
           "Please send it in shorter parts.")
UNAVAILABLE = ("I'm sorry, something went wrong on our side and I couldn't take in your last "
               "message. Everything you told me before it is kept. Please send it again in a minute.")
NOT_FOUND = "not found: this address serves only /webhooks/ and /socket.io/"
NOT_FOUND_WITH_FILES = "not found: this address serves only /webhooks/, /socket.io/ and /files/"


@dataclass
class Layout:
    rasa: Sequence[str]
    actions: Sequence[str]
    listen: str = "80"
    actions_listen: str = "127.0.0.1:5056"  # internal address:port of the action listener
    actions_allow: Sequence[str] = ()        # who may call it; empty: the Rasa servers' addresses
    prefix: str = "/var/lib/intake-nginx"  # pid file, logs and temporary files
    requests_per_second: int = 20          # per client address, with a burst of 40
    # Messenger's webhook: Facebook posts every resident's messages from a few addresses of its
    # own, so the residents' per-address limit would refuse a busy page's messages. Its own,
    # higher limit per address; each post is signed (checked by the channel before anything is
    # read) and each conversation is limited by the Rasa servers.
    messenger_requests_per_second: int = 200
    max_body: str = "1m"                   # a message is at most INTAKE_MAX_MESSAGE_CHARS
    # A message may wait for the conversation's turn before it (at most TICKET_LOCK_LIFETIME,
    # 180 s by default) and then take its own: twice the lock lifetime.
    read_timeout: int = 360
    # An action call files with retries for at most INTAKE_DB_RETRY_SECONDS (30 s): a hung action
    # server fails the turn after this (the resident is asked to send it again), well within the
    # lock lifetime, instead of holding it for Rasa's own 300 s.
    actions_read_timeout: int = 60
    user: str | None = None                # nginx's worker user (None: nginx's default)
    # Staff workspace servers that answer the file links on /files/ (none: not served here).
    files: Sequence[str] = ()
    extra: dict = field(default_factory=dict)


def _host(address: str) -> str:
    """The host of HOST:PORT, [V6]:PORT, or a bare host."""
    address = address.strip()
    if address.startswith("["):
        return address[1:address.index("]")]
    if address.count(":") == 1:
        return address.split(":", 1)[0]
    return address


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _listen_host(listen: str) -> str | None:
    """The address part of an nginx `listen` value (None: a bare port, every interface)."""
    if listen.strip().isdigit():
        return None
    return _host(listen)


def action_allow_list(layout: Layout) -> list[str]:
    """The addresses allowed to call the action listener: the given ones, else the Rasa servers'
    addresses and this host's loopback. nginx's `allow` takes addresses, not host names."""
    if layout.actions_allow:
        entries = list(layout.actions_allow)
    else:
        entries = ["127.0.0.1"]
        for server in layout.rasa:
            host = _host(server)
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise ValueError(
                    f"--rasa {server}: {host} is a host name, and nginx's allow list takes "
                    "addresses: give the Rasa servers' addresses with --actions-allow "
                    "ADDRESS[/BITS]") from None
            if host not in entries:
                entries.append(host)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"--actions-allow {entry}: not an address or network "
                             "(such as 10.0.0.11 or 10.0.0.0/24)") from None
    return entries


def _check(layout: Layout) -> None:
    if not layout.rasa or not layout.actions:
        raise ValueError("at least one Rasa server and one action server")
    if layout.requests_per_second < 1 or layout.messenger_requests_per_second < 1:
        raise ValueError("--rate and --messenger-rate are requests a second per address, at least 1")
    host = _listen_host(layout.actions_listen)
    remote = [s for s in layout.rasa if not _is_loopback(_host(s))]
    if host is not None and _is_loopback(host) and remote:
        raise ValueError(
            f"--actions-listen {layout.actions_listen} is reachable from this host only, but the "
            f"Rasa server {remote[0]} is elsewhere: give the load balancer's internal address, "
            "e.g. --actions-listen 10.0.0.10:5056")


def _json_reply(text: str) -> str:
    """An nginx single-quoted string holding the JSON reply."""
    body = json.dumps([{"text": text}], ensure_ascii=True)
    return "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "'"


def render(layout: Layout) -> str:
    _check(layout)
    allow = "\n".join(f"    allow {a};" for a in action_allow_list(layout))
    p = layout.prefix.rstrip("/")
    rasa = "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in layout.rasa)
    sticky = "\n".join(f"    server {a};" for a in layout.rasa)
    actions = "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in layout.actions)
    user = f"user {layout.user};\n" if layout.user else ""
    burst = layout.requests_per_second * 2
    files_upstream = files_location = ""
    not_found = NOT_FOUND
    if layout.files:
        servers = "\n".join(f"    server {a} max_fails=1 fail_timeout=5s;" for a in layout.files)
        files_upstream = f"""
  # The staff workspace, for the file links only (see the /files/ location).
  upstream staff_files {{
    least_conn;
{servers}
    keepalive 16;
    keepalive_timeout 4s;
  }}"""
        files_location = f"""
    # Signed links to residents' files, for the landlord's system: only GET, only /files/, never
    # logged (a link is a bearer credential); the workspace checks the signature, the expiry and
    # slows an address sending bad links (it trusts this one proxy: STAFF_TRUSTED_PROXIES=1).
    # Nothing else of the workspace is served here.
    location /files/ {{
      limit_except GET {{ deny all; }}
      limit_req zone=per_address burst={burst} nodelay;
      proxy_intercept_errors off;
      proxy_pass http://staff_files;
    }}"""
        not_found = NOT_FOUND_WITH_FILES
    return f"""# The Intake load balancer (rendered by `python -m bot nginx-config`; see bot/ops/loadbalancer.py).
{user}worker_processes auto;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 4096; }}

http {{
  access_log off;
  server_tokens off;
  client_body_temp_path {p}/client_body;
  proxy_temp_path {p}/proxy;
  fastcgi_temp_path {p}/fastcgi;
  uwsgi_temp_path {p}/uwsgi;
  scgi_temp_path {p}/scgi;
  client_max_body_size {layout.max_body};
  limit_req_zone $binary_remote_addr zone=per_address:10m rate={layout.requests_per_second}r/s;
  limit_req_zone $binary_remote_addr zone=messenger:1m rate={layout.messenger_requests_per_second}r/s;
  limit_req_status 429;

  # The webhooks: any server can take any message of any conversation.
  upstream rasa {{
    least_conn;
{rasa}
    keepalive 64;
    # Below the servers' own keep-alive (Sanic's 5 s), so that nginx never sends a message on a
    # connection the server is closing at that moment.
    keepalive_timeout 4s;
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
    keepalive_timeout 4s;
  }}{files_upstream}

  # The residents' listener: the webhooks and the website chat only.
  server {{
    listen {layout.listen};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Connection "";
    proxy_read_timeout {layout.read_timeout}s;
    # Passed on to the next server only when this one never received the request (refused
    # connection, restarting): nginx never resends a POST a server has received (no
    # non_idempotent), as it may have been half handled; the resident is asked to send it again.
    proxy_next_upstream error timeout http_502 http_503;
    proxy_next_upstream_tries 3;

    # What nginx refuses itself, in the REST channel's reply shape.
    error_page 429 @too_fast;
    error_page 413 @too_big;
    error_page 502 503 504 =503 @unavailable;

    # The REST and Messenger webhooks, the widget and its demo page (/webhooks/webchat/).
    location /webhooks/ {{
      limit_req zone=per_address burst={burst} nodelay;
      proxy_pass http://rasa;
    }}
    # Messenger: Facebook's few addresses carry every resident's messages (see Layout).
    location /webhooks/facebook/ {{
      limit_req zone=messenger burst={layout.messenger_requests_per_second * 2} nodelay;
      proxy_pass http://rasa;
    }}
    location /socket.io/ {{
      limit_req zone=per_address burst={burst} nodelay;
      proxy_pass http://rasa_socketio;
    }}{files_location}
    # Nothing else: Rasa's HTTP API (/conversations, /model, /status, ...) stays internal.
    location / {{
      default_type application/json;
      return 404 '{json.dumps({"error": not_found})}';
    }}
    location @too_fast {{
      default_type application/json;
      add_header Retry-After 1 always;
      return 429 {_json_reply(TOO_FAST)};
    }}
    location @too_big {{
      default_type application/json;
      return 413 {_json_reply(TOO_BIG)};
    }}
    location @unavailable {{
      default_type application/json;
      add_header Retry-After 60 always;
      return 503 {_json_reply(UNAVAILABLE)};
    }}
  }}

  # The Rasa servers' action endpoint (ACTION_SERVER_URL=http://{layout.actions_listen}/webhook):
  # the action webhook has no authentication and files cases, so it listens on an internal
  # address and answers only the Rasa servers.
  server {{
    listen {layout.actions_listen};
{allow}
    deny all;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_read_timeout {layout.actions_read_timeout}s;
    proxy_next_upstream error timeout http_502 http_503;
    location = /webhook {{ proxy_pass http://actions; }}
    location = /health {{ proxy_pass http://actions; }}
    location / {{ return 404; }}
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
    parser.add_argument("--actions-listen", default="127.0.0.1:5056", metavar="ADDRESS:PORT",
                        help="internal address:port for the Rasa servers' action calls "
                             "(127.0.0.1:5056; with Rasa servers on other hosts, the load "
                             "balancer's internal address)")
    parser.add_argument("--actions-allow", action="append", default=[], metavar="ADDRESS[/BITS]",
                        help="who may call the action listener (repeat; default: the --rasa "
                             "addresses and 127.0.0.1)")
    parser.add_argument("--prefix", default="/var/lib/intake-nginx",
                        help="folder for nginx's pid file, log and temporary files")
    parser.add_argument("--rate", type=int, default=20, help="requests per second per address (20)")
    parser.add_argument("--messenger-rate", type=int, default=200,
                        help="requests per second per address to Messenger's webhook, which "
                             "Facebook posts from a few addresses for every resident (200)")
    parser.add_argument("--user", default=None, help="the user nginx's workers run as (nginx's default)")
    parser.add_argument("--files", action="append", default=[], metavar="HOST:PORT",
                        help="a staff workspace server to answer the signed file links on /files/ "
                             "(repeat for each; default: /files/ is not served here)")


def run(args) -> int:
    from bot.cli import UserError

    layout = Layout(rasa=args.rasa, actions=args.actions, listen=args.listen,
                    actions_listen=args.actions_listen, actions_allow=args.actions_allow,
                    prefix=args.prefix, requests_per_second=args.rate,
                    messenger_requests_per_second=args.messenger_rate, user=args.user,
                    files=args.files)
    try:
        print(render(layout), end="")
    except ValueError as error:
        raise UserError(str(error)) from None
    return 0
