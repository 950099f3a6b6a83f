"""The website chat: Rasa's socket.io channel made safe, plus the widget and a demo page.

One `<script>` tag on the landlord's site loads the widget from the Rasa server:

    <script src="https://RASA-HOST/webhooks/webchat/widget.js" defer></script>

Routes (the blueprint's prefix is /webhooks/webchat; socket.io sits at /socket.io/):

- GET  /webhooks/webchat/            health
- GET  /webhooks/webchat/widget.js   the widget (web/dist/intake-chat.js), with an ETag
- GET  /webhooks/webchat/demo        a demo page that loads the widget
- POST /webhooks/webchat/upload      a photo, video, recording or PDF from the widget (one per
                                     request, the session id in X-Intake-Session; see
                                     bot/channels/evidence.py): kept, or refused with the reason
- GET/POST /socket.io/               socket.io, long-polling only (WebSocket fails under sanic 21.12 on Python 3.11)

What this adds to Rasa's `SocketIOInput` (whose channel name, "socketio", it keeps):

- Origins: socket.io answers only pages of the Rasa server itself and the origins in
  INTAKE_WEBCHAT_ORIGINS (Rasa's own channel switches the check off). The socket.io route writes
  its own CORS headers, so Rasa's `--cors` does not add a second, conflicting set.
- Sessions: a socket speaks only for the session it joined with `session_request`; a session id
  the client brings back must look like one this server hands out (32 hex digits) and must not
  belong to a conversation of another channel, so a page cannot take one over. `enter_room` is
  awaited when it is a coroutine (python-socketio 5.10+, RasaHQ/rasa#13027).
- History: the `history_request` event answers (as a socket.io acknowledgement) with the latest
  conversation session of the joined session, so a reloaded page shows the conversation so far,
  including replies that arrived while it was reloading.
- Metadata sent by the page is not stored with the conversation (it cannot be trusted); only
  the widget's opening message (`"opening": true`, the `/greet` that makes the assistant speak
  first) is marked, as `{"webchat": {"opening": true}}`, so the transcript can leave it out.
"""
from __future__ import annotations

import asyncio
import hashlib
import html
import inspect
import logging
import re
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import unquote, urlsplit

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, Event, SessionStarted, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.ops import logs, metrics
from bot.channels.limits import (MessageLimits, clean_text, client_address, max_message_chars,
                                 request_size_limit)
from bot.channels.evidence import EvidenceDesk
from bot.channels.pending import read_waiting
from bot.evidence import Refused
from bot.evidence import replies as evidence_replies
from bot.evidence.checks import max_bytes
from bot.rasa import require_installed
from bot.rasa.guard import apology
from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

WEB_DIR = PROJECT_ROOT / "web"
WIDGET_FILE = WEB_DIR / "dist" / "intake-chat.js"
DEMO_FILE = WEB_DIR / "demo.html"

CHANNEL_NAME = "socketio"
URL_PREFIX = "webchat"
SESSION_ID = re.compile(r"[0-9a-f]{32}")
HISTORY_EVENT = "history_request"

# sanic-cors marks a request whose CORS headers are already written with this attribute of
# request.ctx; its response middleware then leaves the response alone.
try:
    from sanic_cors.core import SANIC_CORS_EVALUATED
except ImportError:  # pragma: no cover - sanic-cors is a dependency of Rasa
    SANIC_CORS_EVALUATED = "_sanic_cors_e"


def parse_origins(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """`https://a.example, https://b.example/` -> ("https://a.example", "https://b.example")."""
    if value is None:
        return ()
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)
    return tuple(item.strip().rstrip("/").lower() for item in items if item and item.strip())


def origin_allowed(origin: str, host: str, allowed: Iterable[str]) -> bool:
    """Whether a page at `origin` may use the socket.io endpoint served at `host`.

    Pages of the server itself (same host name and port, whichever scheme a proxy in front
    uses) always may; others only when listed, or when the list holds "*".
    """
    allowed = tuple(allowed)
    origin = origin.strip().rstrip("/").lower()
    if "*" in allowed or origin in allowed:
        return True
    netloc = urlsplit(origin).netloc
    return bool(netloc) and netloc == host.strip().lower()


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def _button(button: dict) -> dict:
    return {"content_type": "text", "title": button.get("title", ""),
            "payload": button.get("payload", "")}


def file_items(kind: str, reference: str | None = None) -> list[dict[str, Any]]:
    """A file the resident sent, as the widget showed it: "Sent a photo" and the channel's reply
    (with `reference`, that it was added to that filed case)."""
    return [{"sender": "user", "text": sent_text(kind)},
            {"sender": "bot", "text": evidence_replies.kept([kind], reference)}]


def sent_text(kind: str) -> str:
    return f"Sent a {evidence_replies.NOUNS.get(kind, 'file')}"


def transcript(events: Iterable[Event],
               files: Iterable[tuple[Any, str, str | None]] = ()) -> list[dict[str, Any]]:
    """The conversation as the widget shows it, in the shape of its live messages.

    Bot messages are split at blank lines and carry their buttons as `quick_replies` on the last
    part, exactly as Rasa's socket.io output sends them. A button the resident clicked shows as
    its title; the widget's opening message (such as "/greet") is left out. `files`: (time, kind,
    reference of the filed case it joined, or None) of each file the resident sent, which never
    reached the assistant: shown where they came.
    """
    items: list[dict[str, Any]] = []
    offered: list[dict] = []
    waiting = sorted(((moment.timestamp(), kind, reference) for moment, kind, reference in files),
                     key=lambda f: f[0])
    for event in events:
        while waiting and isinstance(event, (UserUttered, BotUttered)) \
                and waiting[0][0] <= (event.timestamp or 0):
            items += file_items(*waiting.pop(0)[1:])
        if isinstance(event, UserUttered):
            text = (event.text or "").strip()
            title = next((b.get("title") for b in offered if b.get("payload") == text), None)
            opening = ((event.metadata or {}).get("webchat") or {}).get("opening")
            if text and not opening:
                items.append({"sender": "user", "text": title or text})
            offered = []
        elif isinstance(event, BotUttered):
            data = event.data or {}
            buttons = [b for b in (data.get("buttons") or data.get("quick_replies") or [])
                       if isinstance(b, dict)]
            parts = (event.text or "").strip().split("\n\n") if event.text else []
            parts = [part for part in parts if part.strip()] or ([""] if buttons else [])
            for index, part in enumerate(parts):
                item: dict[str, Any] = {"sender": "bot", "text": part}
                if buttons and index == len(parts) - 1:
                    item["quick_replies"] = [_button(b) for b in buttons]
                items.append(item)
            if data.get("image"):
                items.append({"sender": "bot", "attachment": {
                    "type": "image", "payload": {"src": data["image"]}}})
            offered = buttons
    for _moment, kind, reference in waiting:
        items += file_items(kind, reference)
    return items


class _Asset:
    """A file served with an ETag, read once (and again when it changes on disk)."""

    def __init__(self, path: Path, content_type: str) -> None:
        self.path, self.content_type = path, content_type
        self._mtime: float | None = None
        self.body, self.etag = b"", ""

    def load(self) -> bool:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        if mtime != self._mtime:
            self.body = self.path.read_bytes()
            self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
            self._mtime = mtime
        return True


class WebChatBlueprint(Blueprint):
    """Mounts the socket.io endpoint on the app itself (its path has no /webhooks prefix)."""

    def __init__(self, channel: "WebChatInput", endpoint: Callable, *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.channel = channel
        self.ctx.endpoint = endpoint

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        channel: WebChatInput = self.ctx.channel
        channel.app = app
        path = "/{}/".format(channel.socketio_path.strip("/"))
        app.add_route(self.ctx.endpoint, path, methods=["GET", "POST", "OPTIONS"],
                      name="intake_webchat_socketio")
        super().register(app, options)


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel for the website widget; see the module's docstring."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def url_prefix(self) -> str:
        return URL_PREFIX

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            bool(credentials.get("session_persistence", True)),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            allowed_origins=credentials.get("allowed_origins"),
        )

    def __init__(self, *args: Any, allowed_origins: str | Iterable[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.socketio_path = self.socketio_path or "/socket.io"
        self.allowed_origins = parse_origins(allowed_origins)
        self.app: Sanic | None = None
        self._sessions: dict[str, str] = {}  # socket id -> the session (Rasa sender id) it joined
        self._addresses: dict[str, str] = {}  # socket id -> the resident's network address
        self.limits = MessageLimits()
        self.evidence = EvidenceDesk()
        self._widget = _Asset(WIDGET_FILE, "application/javascript; charset=utf-8")
        self._demo = _Asset(DEMO_FILE, "text/html; charset=utf-8")
        if not self.session_persistence:
            logger.warning("socket.io session_persistence is off: the widget cannot keep a "
                           "conversation across page loads")

    # --- HTTP: socket.io endpoint, widget and demo page ------------------------------------------

    async def _socketio_endpoint(self, request: Request) -> HTTPResponse:
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")  # engine.io writes the CORS headers
        origin = request.headers.get("origin")
        if origin and not origin_allowed(origin, request.headers.get("host", ""),
                                         self.allowed_origins):
            logger.warning("socket.io: a page at %s was refused (not in INTAKE_WEBCHAT_ORIGINS)",
                           origin)
            return response.text(f"{origin} may not use this chat (INTAKE_WEBCHAT_ORIGINS)",
                                 status=403)
        assert self.sio is not None
        return await self.sio.handle_request(request)

    def _serve(self, request: Request, asset: _Asset, body: bytes | None = None,
               headers: dict[str, str] | None = None) -> HTTPResponse:
        if not asset.load():
            return response.text(f"{asset.path.relative_to(PROJECT_ROOT)} is missing: build the "
                                 "widget with web/build.sh", status=404)
        common = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                  **(headers or {})}
        if body is None:
            common["ETag"] = asset.etag
            if request.headers.get("if-none-match") == asset.etag:
                return response.empty(status=304, headers=common)
        return response.raw(asset.body if body is None else body,
                            content_type=asset.content_type, headers=common)

    def _demo_page(self, request: Request) -> HTTPResponse:
        if not self._demo.load():
            return self._serve(request, self._demo)
        widget_url = f"{request.scheme}://{request.host}/webhooks/{URL_PREFIX}/widget.js"
        page = self._demo.body.decode("utf-8").replace("{{WIDGET_URL}}", html.escape(widget_url))
        csp = ("default-src 'none'; script-src 'self'; connect-src 'self'; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'none'")
        return self._serve(request, self._demo, page.encode("utf-8"),
                           {"Content-Security-Policy": csp, "Referrer-Policy": "no-referrer"})

    # --- socket.io -------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        require_installed("the website chat channel")
        # Origins are checked in _socketio_endpoint; "*" here makes engine.io echo the (allowed)
        # origin in its CORS headers. WebSocket does not work on Python 3.11 with sanic 21.12,
        # so polling is the only transport offered.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins="*", cors_credentials=False,
                          transports=["polling"], allow_upgrades=False,
                          ping_interval=15, ping_timeout=10,
                          max_http_buffer_size=request_size_limit(max_message_chars()))
        self.sio = sio
        webchat = WebChatBlueprint(self, self._socketio_endpoint, "intake_webchat", __name__)

        @webchat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/widget.js", methods=["GET", "HEAD"])
        async def widget(request: Request) -> HTTPResponse:
            return self._serve(request, self._widget)

        @webchat.route("/demo", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            return self._demo_page(request)

        @webchat.route("/upload", methods=["POST", "OPTIONS"], stream=True)
        async def upload(request: Request) -> HTTPResponse:
            return await self.upload(request)

        @webchat.listener("after_server_stop")
        async def close_evidence(*_: Any) -> None:
            self.evidence.dispose()

        namespace = self.namespace

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if self.jwt_key:
                token = (auth or {}).get("token")
                if not token or not rasa.core.channels.channel.decode_bearer_token(
                        token, self.jwt_key, self.jwt_algorithm):
                    return False
            self._addresses[sid] = client_address(environ.get("REMOTE_ADDR"),
                                                  environ.get("HTTP_X_FORWARDED_FOR"))
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str) -> None:
            self._sessions.pop(sid, None)
            self._addresses.pop(sid, None)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            if valid_session_id(requested) and await self.held_here(requested):
                session_id = requested
            else:
                session_id = uuid.uuid4().hex
            previous = self._sessions.get(sid)
            if self.session_persistence:
                if previous and previous != session_id:
                    await _maybe_await(sio.leave_room(sid, previous, namespace=namespace))
                await _maybe_await(sio.enter_room(sid, session_id, namespace=namespace))
            self._sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = self._sessions.get(sid)
                if not sender_id or data.get("session_id", sender_id) != sender_id:
                    logger.warning("socket.io: a message for a session this socket has not "
                                   "joined was ignored")
                    return
            else:
                sender_id = sid
            text = str(data.get("message") or "").strip()
            refusal = self.limits.check(text, sender_id, self._addresses.get(sid))
            if refusal is not None:  # told plainly, on this socket only
                metrics.refused(self.name(), refusal.status)
                await sio.emit(self.bot_message_evt, {"text": refusal.text}, room=sid,
                               namespace=namespace)
                return
            text = clean_text(text)  # counted as sent; stored as every store can take it
            output = SocketIOOutput(sio, self.bot_message_evt)
            metadata = {"webchat": {"opening": True}} if data.get("opening") is True else None
            logs.conversation.set(sender_id)
            try:
                with metrics.turn(self.name()):
                    await on_new_message(UserMessage(text, output, sender_id,
                                                     input_channel=self.name(), metadata=metadata))
            except Exception:  # noqa: BLE001 - the resident must hear that it failed
                logger.exception("website chat: the assistant failed on a message of %s", sender_id)
                await sio.emit(self.bot_message_evt, {"text": apology()}, room=sid,
                               namespace=namespace)

        @sio.on(HISTORY_EVENT, namespace=namespace)
        async def history(sid: str, data: Any = None) -> dict[str, Any]:
            session_id = self._sessions.get(sid)
            if not session_id:
                return {"session_id": None, "messages": []}
            return {"session_id": session_id, "messages": await self.history(session_id)}

        return webchat

    async def _events(self, session_id: str) -> list[Event] | None:
        """The latest conversation session's events, or None when there is no such conversation."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(session_id)
        return None if tracker is None else list(tracker.events)

    def _other_channels(self, events: list[Event]) -> set:
        return {e.input_channel for e in events if isinstance(e, UserUttered)} - {self.name(), None}

    async def held_here(self, session_id: str) -> bool:
        """Whether a page may join `session_id`: a new conversation, or one held on this channel."""
        events = await self._events(session_id)
        return events is None or not self._other_channels(events)

    async def history(self, session_id: str) -> list[dict[str, Any]]:
        """The latest conversation session of `session_id`, if it was held on this channel."""
        events = await self._events(session_id)
        if not events or self._other_channels(events):
            return []  # never show a conversation held on another channel
        try:
            files = await asyncio.to_thread(self.evidence.stored_since, session_id)
        except Exception:  # noqa: BLE001 - the history still shows the words
            logger.exception("website chat: the files of %s could not be read", session_id)
            files = []
        start = max((e.timestamp for e in events if isinstance(e, SessionStarted)), default=None)
        return transcript(events, [file for file in files
                                   if start is None or file[0].timestamp() >= start])

    # --- files: photos, videos, recordings, documents --------------------------------------------

    def _cors(self, request: Request) -> dict[str, str] | None:
        """CORS headers for an allowed page (the widget on the landlord's site); None: refused."""
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        origin = request.headers.get("origin")
        if not origin:
            return {}
        if not origin_allowed(origin, request.headers.get("host", ""), self.allowed_origins):
            return None
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}

    async def upload(self, request: Request) -> HTTPResponse:
        """POST /webhooks/webchat/upload: one file as the body, the session id in
        X-Intake-Session, the file's name (shown to staff only) in X-Intake-File-Name."""
        cors = self._cors(request)
        if cors is None:
            logger.warning("website chat: an upload from a page at %s was refused",
                           request.headers.get("origin"))
            return response.json({"ok": False, "text": "This page may not use the chat."},
                                 status=403)
        if request.method == "OPTIONS":
            return response.empty(status=204, headers={
                **cors, "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type, X-Intake-Session, X-Intake-File-Name",
                "Access-Control-Max-Age": "600"})

        def answer(ok: bool, text: str, status: int = 200, **extra: Any) -> HTTPResponse:
            return response.json({"ok": ok, "text": text, **extra}, status=status, headers=cors)

        session_id = request.headers.get("x-intake-session", "")
        if not valid_session_id(session_id) or not await self.held_here(session_id):
            return answer(False, "This chat session is not known. Please reload the page.", 403)
        limit = max_bytes()
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return answer(False, evidence_replies.refusal("size"), 413, reason="size")
        refusal = self.limits.check("", session_id, client_address(
            request.remote_addr or request.ip, request.headers.get("x-forwarded-for")))
        if refusal is not None:
            metrics.refused(self.name(), refusal.status)
            return answer(False, refusal.text, refusal.status)
        request.stream.request_max_size = limit + 1
        body = bytearray()
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            body += chunk
            if len(body) > limit:
                return answer(False, evidence_replies.refusal("size"), 413, reason="size")
        name = unquote(request.headers.get("x-intake-file-name", ""))[:200]
        waiting = await read_waiting(self.app, session_id)
        try:
            kept = await self.evidence.keep_async(
                conversation_id=session_id, channel=CHANNEL_NAME, sender_id=session_id,
                data=bytes(body), original_name=name, join_filed_case=not waiting.busy)
        except Refused as refused:
            logger.info("website chat: a file from %s was refused: %s", session_id, refused)
            return answer(False, refused.message, 413 if refused.reason == "size" else 422,
                          reason=refused.reason)
        except Exception:  # noqa: BLE001 - the store failed: say so, the chat goes on
            logger.exception("website chat: a file from %s could not be kept", session_id)
            return answer(False, evidence_replies.refusal("unavailable"), 503)
        return answer(True, evidence_replies.kept([kept.kind], kept.reference), kind=kept.kind,
                      shown=sent_text(kept.kind), reference=kept.reference)


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result

