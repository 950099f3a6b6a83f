"""The action server (`python -m bot.rasa run actions`): the Rasa SDK's, locked down.

The SDK's own server listens on every interface and runs any action for anyone who can reach
it: a caller could then file cases under another conversation's id, or try a case's postcode
without the chat's lockout. This one
- listens on ACTION_HOST, loopback by default;
- runs nothing for a call that does not carry the shared secret INTAKE_ACTION_SECRET
  (`Authorization: Bearer ...`, compared in constant time): 401, and the call is logged;
- refuses to start off loopback unless the secret was set explicitly (a generated one lives in
  var/ on this machine only, so a Rasa server elsewhere could not know it);
- allows no browser origin (CORS) and never echoes a request body in an error.

The Rasa server sends the secret as a header of every call (endpoints.yml).
"""
from __future__ import annotations

import argparse
import hmac
import ipaddress
import json
import logging
import sys
import time
import zlib
from typing import Sequence

from bot import settings
from bot.ops import logs, metrics

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})  # the probes' path: says only that the server is up


def authorised(header: str | None, secret: str) -> bool:
    """Whether an Authorization header carries `secret` (never true for an empty secret)."""
    if not secret or not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode("utf-8", "replace"), secret.encode("utf-8"))


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secret_problem(host: str, explicit_secret: str) -> str | None:
    """Why the action server must not start listening on `host`, or None."""
    if not is_loopback(host) and not explicit_secret:
        return (f"ACTION_HOST={host} makes the action server reachable from other machines: set "
                "INTAKE_ACTION_SECRET (the same value for the Rasa servers) first")
    return None


def create_app(secret: str, actions_package: str = "actions"):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    if not secret:
        raise ValueError("the action server needs a secret")
    app = sdk_app(actions_package, cors_origins="")

    from rasa_sdk.executor import ActionExecutor

    registered = ActionExecutor()
    sdk_log = logging.getLogger("rasa_sdk.executor")
    level, sdk_log.level = sdk_log.level, logging.WARNING  # the SDK said each name already
    try:
        registered.register_package(actions_package)
    finally:
        sdk_log.setLevel(level)
    known = set(registered.actions)  # the metric's action label takes only these

    def call_of(request) -> dict:
        """The action call's JSON (deflated as the SDK accepts it), or {}."""
        try:
            body = request.body
            if request.headers.get("content-encoding") == "deflate":
                body = zlib.decompress(body)
            call = json.loads(body or b"null")
        except Exception:  # noqa: BLE001 - the SDK answers a bad body itself
            return {}
        return call if isinstance(call, dict) else {}

    def action_of(call: dict) -> str:
        """The action a call runs, as a metric label: only names of this server's actions."""
        name = call.get("next_action")
        return name if isinstance(name, str) and name in known else "unknown"

    @app.middleware("request")
    async def require_secret(request):
        if request.path in OPEN_PATHS:
            return None
        if authorised(request.headers.get("authorization"), secret):
            request.ctx.started = time.perf_counter()
            call = call_of(request) if request.path == "/webhook" else {}
            request.ctx.action = action_of(call)
            sender = call.get("sender_id")
            logs.conversation.set(sender if isinstance(sender, str) else None)
            return None
        metrics.ACTION_CALLS.labels("unknown", "refused").inc()
        log.warning("action server: a call to %s without the right secret from %s was refused",
                    request.path, request.ip)
        return response.json({"error": "unauthorised: this server answers the Rasa server only"},
                             status=401)

    @app.middleware("response")
    async def count_call(request, resp):
        started = getattr(request.ctx, "started", None)
        if started is None or request.path != "/webhook":
            return
        action = getattr(request.ctx, "action", "unknown")
        outcome = "error" if resp is not None and resp.status >= 500 else "ok"
        metrics.ACTION_CALLS.labels(action, outcome).inc()
        metrics.ACTION_SECONDS.labels(action).observe(time.perf_counter() - started)

    def failed(request, exception: Exception):
        # The SDK's handler echoes the request body (a resident's answers) in the error.
        log.error("action server: %s failed", request.path, exc_info=exception)
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main(argv: Sequence[str] = ()) -> int:
    from bot.ops.envfile import generated_secret

    parser = argparse.ArgumentParser(prog="python -m bot.rasa run actions",
                                     description="the project's action server")
    parser.add_argument("--host", default=None, help="address to listen on (ACTION_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (ACTION_PORT)")
    parser.add_argument("--actions", default="actions", help="the package of actions")
    parser.add_argument("--debug", action="store_true", help="log at debug level")
    args = parser.parse_args(list(argv))
    host = args.host or settings.get("ACTION_HOST")
    try:
        port = args.port or settings.integer("ACTION_PORT", 1, 65535)
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    problem = secret_problem(host, settings.get("INTAKE_ACTION_SECRET"))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    secret = generated_secret("INTAKE_ACTION_SECRET", generate=True)
    try:
        logs.log_format()
        metrics.configured_port("actions")
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    from rasa_sdk import utils

    level = "DEBUG" if args.debug else "INFO"
    utils.configure_colored_logging(level)
    utils.update_sanic_log_level()
    logs.apply("actions")
    app = create_app(secret, args.actions)
    metrics.serve("actions")
    log.info("Action server listening on http://%s:%s (calls need INTAKE_ACTION_SECRET)", host, port)
    app.run(host, port, workers=1, access_log=False)
    return 0
