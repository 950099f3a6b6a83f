"""Facebook Messenger as a Rasa input channel, made safe and testable.

Rasa's own `facebook` channel checks only the old SHA-1 signature (with `==`, answering 200 when
it is wrong), handles only the first event of a batch, sends through a client whose Graph API
address cannot be changed, and blocks the event loop while it sends. This one:

- refuses (403) a webhook POST whose `X-Hub-Signature-256` is missing or wrong, compared in
  constant time, and refuses everything while no app secret is set;
- answers the subscription handshake (`hub.verify_token`, `hub.challenge`) only with the right
  token;
- acknowledges a valid POST at once (Meta wants 200 within seconds and retries otherwise) and then
  handles every message and postback of every entry of the batch, in order for each resident,
  skipping echoes, delivery and read receipts, malformed events (each on its own: the rest of the
  batch goes on), and deliveries Meta repeats (recorded in the database, so a repeat is skipped
  by every Rasa server and after a restart: bot/channels/deliveries.py);
- sends replies with aiohttp to a Graph API base URL from the settings (FACEBOOK_GRAPH_API_URL),
  with `appsecret_proof`, retrying briefly when the Graph API is busy;
- renders buttons as quick replies and splits long texts (see `bot.channels.messenger`).

Webhook: `/webhooks/facebook/webhook` (GET handshake, POST events). The channel name stored on
the tracker is "facebook".
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Iterable

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.ops import logs, metrics
from bot.channels.deliveries import DeliveryLedger
from bot.channels.evidence import MESSENGER_EVIDENCE_TYPES, EvidenceDesk, FetchFailed, fetch
from bot.evidence import Refused
from bot.evidence import replies as evidence_replies
from bot.channels.limits import MessageLimits
from bot.channels.ownership import ConversationOwners
from bot.channels.pending import read_waiting
from bot.rasa import require_installed
from bot.rasa.guard import apology
from bot.channels.messenger import (
    SIGNATURE_HEADER,
    InboundMessage,
    appsecret_proof,
    inbound_messages,
    outgoing_messages,
    signature_is_valid,
)

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_API_URL = "https://graph.facebook.com/v21.0"
CHANNEL_NAME = "facebook"
GENERIC_TEMPLATE_LIMIT = 10  # elements in one generic template


class GraphAPI:
    """The Send API of Meta's Graph API, called with aiohttp so the event loop never blocks."""

    RETRIES = 3

    def __init__(self, base_url: str, access_token: str, app_secret: str = "",
                 timeout: float = 10.0) -> None:
        self.base_url = (base_url or DEFAULT_GRAPH_API_URL).rstrip("/")
        self.access_token = access_token
        self.app_secret = app_secret
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._warned_no_token = False

    def _params(self) -> dict[str, str]:
        params = {"access_token": self.access_token}
        if self.app_secret:
            params["appsecret_proof"] = appsecret_proof(self.app_secret, self.access_token)
        return params

    def _redact(self, text: str) -> str:
        return text.replace(self.access_token, "***") if self.access_token else text

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def send(self, body: dict[str, Any]) -> bool:
        """POST one Send API call; True when the Graph API accepted it. Never raises."""
        if not self.access_token:
            if not self._warned_no_token:
                logger.error("FACEBOOK_PAGE_ACCESS_TOKEN is not set: Messenger replies are not sent")
                self._warned_no_token = True
            return False
        url = f"{self.base_url}/me/messages"
        for attempt in range(1, self.RETRIES + 1):
            try:
                client = await self._client()
                async with client.post(url, params=self._params(), json=body) as reply:
                    if reply.status < 300:
                        return True
                    detail = self._redact((await reply.text())[:500])
                    if reply.status != 429 and reply.status < 500:
                        logger.error("Graph API refused a Messenger message (HTTP %s): %s",
                                     reply.status, detail)
                        return False
                    problem = f"HTTP {reply.status}: {detail}"
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                problem = self._redact(f"{type(error).__name__}: {error}")
            if attempt < self.RETRIES:
                logger.warning("Graph API unavailable (%s); retrying", problem)
                await asyncio.sleep(0.5 * attempt)
        logger.error("Graph API unavailable after %d tries (%s); a Messenger message was lost",
                     self.RETRIES, problem)
        return False

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class MessengerOutput(OutputChannel):
    """Sends the assistant's replies to one resident on Messenger."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, graph: GraphAPI) -> None:
        self.graph = graph

    async def send_message(self, recipient_id: str, message: dict[str, Any]) -> bool:
        return await self.graph.send({"recipient": {"id": recipient_id},
                                      "messaging_type": "RESPONSE", "message": message})

    async def _send_all(self, recipient_id: str, messages: Iterable[dict[str, Any]]) -> None:
        for message in messages:
            await self.send_message(recipient_id, message)

    async def send_action(self, recipient_id: str, sender_action: str) -> bool:
        """A sender action: "mark_seen", "typing_on" or "typing_off"."""
        return await self.graph.send({"recipient": {"id": recipient_id},
                                      "sender_action": sender_action})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_all(recipient_id, outgoing_messages(text))

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        await self._send_all(recipient_id, outgoing_messages(text, buttons))

    async def send_quick_replies(self, recipient_id: str, text: str,
                                 quick_replies: list[dict[str, Any]], **kwargs: Any) -> None:
        await self._send_all(recipient_id, outgoing_messages(text, quick_replies))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_message(recipient_id, {"attachment": {
            "type": "image", "payload": {"url": image, "is_reusable": True}}})

    async def send_attachment(self, recipient_id: str, attachment: Any,  # type: ignore[override]
                              **kwargs: Any) -> None:
        if isinstance(attachment, dict):
            await self.send_message(recipient_id, {"attachment": attachment})
        else:
            await self.send_text_message(recipient_id, str(attachment))

    async def send_elements(self, recipient_id: str, elements: Iterable[dict[str, Any]],
                            **kwargs: Any) -> None:
        elements = [dict(element) for element in elements]
        for element in elements:
            element["buttons"] = [{"type": "postback", **button}
                                  for button in element.get("buttons") or []]
            if not element["buttons"]:
                del element["buttons"]
        for start in range(0, len(elements), GENERIC_TEMPLATE_LIMIT):
            await self.send_message(recipient_id, {"attachment": {"type": "template", "payload": {
                "template_type": "generic",
                "elements": elements[start:start + GENERIC_TEMPLATE_LIMIT]}}})

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        """A custom response is sent as Messenger `message` objects, as it is written."""
        for message in json_message if isinstance(json_message, list) else [json_message]:
            if isinstance(message, dict):
                await self.send_message(recipient_id, message)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class FacebookInput(InputChannel):
    """The Messenger webhook; see the module's docstring."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "FacebookInput":
        credentials = credentials or {}
        return cls(verify_token=str(credentials.get("verify") or ""),
                   app_secret=str(credentials.get("secret") or ""),
                   page_access_token=str(credentials.get("page-access-token") or ""),
                   graph_api_url=str(credentials.get("graph-api-url") or DEFAULT_GRAPH_API_URL))

    def __init__(self, verify_token: str, app_secret: str, page_access_token: str,
                 graph_api_url: str = DEFAULT_GRAPH_API_URL,
                 ledger: DeliveryLedger | None = None) -> None:
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.graph = GraphAPI(graph_api_url, page_access_token, app_secret)
        self.limits = MessageLimits()
        self._tails: dict[str, asyncio.Task] = {}  # per resident: the task handling their events
        self.ledger = ledger or DeliveryLedger()
        self.evidence = EvidenceDesk()
        self.owners = ConversationOwners()
        self.app: Any = None
        if not app_secret:
            logger.warning("FACEBOOK_APP_SECRET is not set: every Messenger webhook is refused")

    def get_output_channel(self) -> OutputChannel:
        return MessengerOutput(self.graph)

    # --- webhook ---------------------------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        require_installed("the Messenger channel")
        webhook = Blueprint("intake_facebook", __name__)

        @webhook.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            self.app = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verification(request: Request) -> HTTPResponse:
            return self.verification_answer(request.args.get("hub.mode"),
                                            request.args.get("hub.verify_token"),
                                            request.args.get("hub.challenge"))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request.body or b"", request.headers.get(SIGNATURE_HEADER),
                                      on_new_message)

        @webhook.listener("after_server_stop")
        async def close_graph_session(*_: Any) -> None:
            await self.graph.close()
            self.ledger.dispose()
            self.evidence.dispose()

        return webhook

    def verification_answer(self, mode: str | None, token: str | None,
                            challenge: str | None) -> HTTPResponse:
        """The answer to Meta's subscription handshake: the challenge, for the right token only."""
        if not self.verify_token:
            logger.warning("FACEBOOK_VERIFY_TOKEN is not set: Messenger webhook handshake refused")
            return response.text("verification is not configured", status=403)
        if (mode == "subscribe" and token and challenge is not None
                and hmac.compare_digest(token.encode(), self.verify_token.encode())):
            return response.text(challenge)
        logger.warning("Messenger webhook handshake with a wrong verify token refused")
        return response.text("wrong verify token", status=403)

    async def receive(self, body: bytes, signature: str | None,
                      on_new_message: OnNewMessage) -> HTTPResponse:
        """Check and acknowledge one webhook POST; its messages are handled right after."""
        if not self.app_secret:
            logger.error("FACEBOOK_APP_SECRET is not set: a Messenger webhook was refused")
            return response.text("not configured", status=403)
        if not signature_is_valid(self.app_secret, body, signature):
            logger.warning("Messenger webhook with a %s %s refused",
                           "wrong" if signature else "missing", SIGNATURE_HEADER)
            return response.text("invalid signature", status=403)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return response.text("body is not JSON", status=400)
        if not isinstance(payload, dict) or payload.get("object") != "page":
            return response.text("not a page subscription", status=404)
        try:
            messages = inbound_messages(payload)
        except (TypeError, AttributeError, KeyError, ValueError, RecursionError):
            logger.warning("Messenger webhook with malformed events refused")
            return response.text("malformed events", status=400)
        self.schedule(messages, on_new_message)
        return response.text("EVENT_RECEIVED")

    # --- evidence ----------------------------------------------------------------------------------

    async def keep_evidence(self, message: InboundMessage, *,
                            join_filed_case: bool = False) -> list[str]:
        """Download, check and keep the files of one message; what to tell the resident.
        `join_filed_case`: see `EvidenceDesk.keep`."""
        kept: list[str] = []
        joined: str | None = None
        refusals: list[str] = []
        lost = 0
        for item in message.evidence:
            kind = MESSENGER_EVIDENCE_TYPES.get(item["type"])
            try:
                data = await asyncio.to_thread(fetch, item["url"])
                result = await self.evidence.keep_async(
                    conversation_id=message.sender_id, channel=CHANNEL_NAME,
                    sender_id=message.sender_id, data=data, join_filed_case=join_filed_case)
                kept.append(result.kind)
                joined = joined or result.reference
            except Refused as refused:
                logger.info("Messenger: a %s from %s was refused: %s", item["type"],
                            message.sender_id, refused)
                if refused.message not in refusals:
                    refusals.append(refused.message)
            except FetchFailed as error:
                lost += 1
                await asyncio.to_thread(self.evidence.missing, conversation_id=message.sender_id,
                                        channel=CHANNEL_NAME, sender_id=message.sender_id,
                                        kind=kind, problem=str(error))
            except Exception:  # noqa: BLE001 - the store failed: say so, the chat goes on
                logger.exception("Messenger: a %s from %s could not be kept", item["type"],
                                 message.sender_id)
                refusals.append(evidence_replies.refusal("unavailable"))
        replies = []
        if kept and (joined or not message.text):
            # Added to a filed case: said even with words, which the assistant does not know of.
            replies.append(evidence_replies.kept(kept, joined))
        if lost:
            replies.append(evidence_replies.missing(lost))
        return replies + refusals

    # --- handling the messages -------------------------------------------------------------------

    def schedule(self, messages: list[InboundMessage], on_new_message: OnNewMessage) -> None:
        """Handle `messages` in the background: in order for each resident, residents in parallel."""
        by_sender: dict[str, list[InboundMessage]] = {}
        for message in messages:
            by_sender.setdefault(message.sender_id, []).append(message)
        for sender_id, own in by_sender.items():
            previous = self._tails.get(sender_id)
            task = asyncio.get_running_loop().create_task(
                self._handle_in_turn(previous, own, on_new_message))
            self._tails[sender_id] = task
            task.add_done_callback(lambda done, s=sender_id: self._finished(s, done))

    def _finished(self, sender_id: str, task: asyncio.Task) -> None:
        if self._tails.get(sender_id) is task:
            del self._tails[sender_id]
        if not task.cancelled() and task.exception() is not None:
            logger.error("Handling a Messenger message failed", exc_info=task.exception())

    async def idle(self) -> None:
        """Wait until every scheduled message has been handled (for tests and shutdown)."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))

    async def _handle_in_turn(self, previous: asyncio.Task | None,
                              messages: list[InboundMessage], on_new_message: OnNewMessage) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        for message in messages:
            if message.message_id and not await self.ledger.claim(CHANNEL_NAME, message.message_id):
                logger.info("Messenger delivered message %s again; skipped", message.message_id)
                continue
            await self.handle(message, on_new_message)

    async def handle(self, message: InboundMessage, on_new_message: OnNewMessage) -> None:
        output = MessengerOutput(self.graph)
        if await self.owners.refuses(self.app, message.sender_id, CHANNEL_NAME):
            return  # a conversation of another channel: never joined (bot/channels/ownership.py)
        # Per conversation only: every Messenger post comes from Meta's servers, not the resident.
        refusal = self.limits.check(message.text, message.sender_id, None)
        if refusal is not None:
            metrics.refused(self.name(), refusal.status)
            await output.send_text_message(message.sender_id, refusal.text)
            return
        if message.evidence:
            # Kept by the channel; without words nothing goes to the assistant, so the question
            # it is waiting on stays as it was (bot/channels/evidence.py).
            await output.send_action(message.sender_id, "mark_seen")
            await output.send_action(message.sender_id, "typing_on")
            try:
                waiting = await read_waiting(self.app, message.sender_id)
                replies = await self.keep_evidence(message, join_filed_case=not waiting.busy)
                buttons = waiting.buttons if not message.text else []
                for index, reply in enumerate(replies):
                    if buttons and index == len(replies) - 1:
                        # The pending question's quick replies again (bot/channels/pending.py).
                        await output.send_text_with_buttons(message.sender_id, reply, buttons)
                    else:
                        await output.send_text_message(message.sender_id, reply)
            finally:
                if not message.text:
                    await output.send_action(message.sender_id, "typing_off")
            if not message.text:
                return
        await output.send_action(message.sender_id, "mark_seen")
        await output.send_action(message.sender_id, "typing_on")
        logs.conversation.set(message.sender_id)
        try:
            with metrics.turn(self.name()):
                await on_new_message(UserMessage(message.text, output, message.sender_id,
                                                 input_channel=self.name(),
                                                 message_id=message.message_id,
                                                 metadata=message.metadata))
        except Exception:
            logger.exception("The assistant failed on a Messenger message from %s",
                             message.sender_id)
            await output.send_text_message(message.sender_id, apology())
        finally:
            await output.send_action(message.sender_id, "typing_off")

