"""Rasa's REST channel (`/webhooks/rest/webhook`, channel name "rest"), made safe to expose.

Rasa's own answers a malformed body with a 500 (or processes a non-text "message"), lets the
client name any input channel (so a case could claim to come from Messenger), and has no size or
rate limit. This one:
- answers 400 with a clear error to a body that is not a JSON object with a text `sender` and a
  text `message` (and, optionally, an object `metadata` of at most 8 kB);
- always records the channel as "rest";
- with INTAKE_REST_TOKEN set, answers only calls that carry it (`Authorization: Bearer`; 401);
- never speaks for another channel's conversation: a `sender` whose conversation was started on
  the website chat or Messenger is refused (409, nothing stored, nothing shown), and ids made
  only of digits, which are Messenger's, are refused (400) (bot/channels/ownership.py);
- stores text as every store can take it (lone surrogates replaced, NUL dropped);
- refuses a message over INTAKE_MAX_MESSAGE_CHARS (413) or beyond the per-conversation or
  per-address rate (429, with Retry-After), with a reply in the usual shape saying what to do.
"""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels.limits import (MessageLimits, Refusal, body_too_large, clean_json, clean_text,
                                 client_address, max_message_chars, request_size_limit)
from bot.channels.ownership import ConversationOwners, reserved_for_messenger
from bot.ops import logs, metrics
from bot.rasa import require_installed
from bot.rasa.guard import apology

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 255  # Rasa's tracker store column
MAX_METADATA_BYTES = 8192
# Rasa copies a new conversation's metadata recursively (session start): a few hundred levels
# of nesting, small enough for the byte limit, would exceed Python's recursion limit there.
MAX_METADATA_DEPTH = 32


def nesting_depth(value: Any) -> int:
    """How deeply JSON lists and objects nest in `value` (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


class BadRequest(ValueError):
    pass


def parse_body(raw: bytes) -> tuple[str, str, Optional[dict]]:
    """(sender, message, metadata) of a webhook body, or BadRequest saying what is wrong."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, RecursionError):
        raise BadRequest("the body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object with sender and message")
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("sender must be a non-empty string (the conversation id)")
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise BadRequest(f"sender must be printable text of at most {MAX_SENDER_CHARS} characters")
    if reserved_for_messenger(sender):
        raise BadRequest("sender ids made only of digits are Messenger's: choose another "
                         "conversation id (letters, digits and dashes, say)")
    if not isinstance(message, str):
        raise BadRequest("message must be a string")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise BadRequest("metadata must be a JSON object")
        if nesting_depth(metadata) > MAX_METADATA_DEPTH:
            raise BadRequest(f"metadata is too deeply nested (at most {MAX_METADATA_DEPTH} levels)")
        size = len(json.dumps(metadata))
        if size > MAX_METADATA_BYTES:
            raise BadRequest(f"metadata must be at most {MAX_METADATA_BYTES} bytes of JSON")
        metadata = clean_json(metadata)
    return sender, message, metadata


def token_accepted(header: Optional[str], token: str) -> bool:
    """Whether a REST call may go on: no token is set, or the Authorization header carries it."""
    if not token:
        return True
    scheme, _, value = (header or "").strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode("utf-8", "replace"), token.encode("utf-8"))


class RestInput(RasaRestInput):
    def __init__(self, limits: MessageLimits | None = None, token: str | None = None) -> None:
        self.limits = limits or MessageLimits()
        self.token = settings.get("INTAKE_REST_TOKEN") if token is None else token
        self.owners = ConversationOwners()

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[Text, Any]]) -> "RestInput":
        return cls()

    def refusal_response(self, sender: Optional[str], refusal: Refusal) -> HTTPResponse:
        return response.json([{"recipient_id": sender, "text": refusal.text}],
                             status=refusal.status, headers=refusal.headers)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        require_installed("the REST channel")
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("before_server_start")
        async def limit_body_size(app: Any, _loop: Any) -> None:
            # Server-wide: every channel's bodies are bounded by the longest message we take.
            app.config.REQUEST_MAX_SIZE = request_size_limit(max_message_chars())
            app.error_handler.add(PayloadTooLarge, refuse_unread_body)

        def refuse_unread_body(request: Request, error: PayloadTooLarge) -> HTTPResponse:
            # Sanic's own 413 page is not a reply a chat client shows: a REST client gets the
            # usual reply shape (no sender: the body was not read), any other path an error.
            refusal = body_too_large(max_message_chars())
            rest = request.path.rstrip("/").endswith("/webhooks/rest/webhook")
            metrics.refused(self.name() if rest else "other", refusal.status)  # counted, though unread
            if rest:
                return self.refusal_response(None, refusal)
            return response.json({"error": refusal.text}, status=refusal.status)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not token_accepted(request.headers.get("authorization"), self.token):
                return response.json({"error": "this channel needs INTAKE_REST_TOKEN as "
                                               "'Authorization: Bearer <token>'"}, status=401)
            try:
                sender, text, metadata = parse_body(request.body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            if await self.owners.refuses(request.app, sender, self.name()):
                return response.json({"error": "this conversation id is in use on another "
                                               "channel: choose another sender id"}, status=409)
            address = client_address(request.ip, request.headers.get("x-forwarded-for"))
            refusal = self.limits.check(text, sender, address)
            if refusal is not None:
                metrics.refused(self.name(), refusal.status)
                return self.refusal_response(sender, refusal)
            text = clean_text(text)  # counted as sent; stored as every store can take it
            collector = CollectingOutputChannel()
            logs.conversation.set(sender)
            try:
                with metrics.turn(self.name()):
                    await on_new_message(UserMessage(text, collector, sender,
                                                     input_channel=self.name(), metadata=metadata))
            except Exception:  # noqa: BLE001 - the resident must hear that it failed
                logger.exception("REST: the assistant failed on a message from %s", sender)
                return response.json([*collector.messages, {"recipient_id": sender, "text": apology()}],
                                     status=500)
            self.owners.remember(sender, self.name())
            return response.json(collector.messages)

        return webhook

