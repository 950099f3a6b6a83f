"""Facebook Messenger's rules, as plain functions (no Rasa, no network): testable on their own.

- `signature_is_valid`: the `X-Hub-Signature-256` check of a webhook POST.
- `inbound_messages`: every resident message and postback of a webhook batch, in order, without
  echoes, deliveries, reads and other events that are not something a resident said.
- `outgoing_messages`: a reply as Messenger message bodies: text split under the 2000-character
  limit at paragraph, sentence or word boundaries, buttons as at most 13 quick replies with titles
  of at most 20 characters.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from bot.channels.limits import clean_text

logger = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # characters in one Messenger text message
QUICK_REPLY_LIMIT = 13  # quick replies on one message
QUICK_REPLY_TITLE_LIMIT = 20  # characters in a quick reply's title
PAYLOAD_LIMIT = 1000  # characters in a quick reply's payload
ELLIPSIS = "…"

SIGNATURE_HEADER = "X-Hub-Signature-256"


# --- webhook signature ---------------------------------------------------------------------------

def expected_signature(app_secret: str, body: bytes) -> str:
    """The header value Meta sends with `body`: `sha256=` and the HMAC-SHA256 in hex."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` (X-Hub-Signature-256) signs `body` with `app_secret`, in constant time.

    An empty secret never validates: with no secret anyone could sign.
    """
    if not app_secret or not header:
        return False
    received = header.strip().encode("utf-8", "replace").lower()
    expected = expected_signature(app_secret, body).encode("ascii")
    return hmac.compare_digest(received, expected)


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """The Graph API's `appsecret_proof` for calls made with `access_token`."""
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"),
                    hashlib.sha256).hexdigest()


# --- incoming events -----------------------------------------------------------------------------

@dataclass(frozen=True)
class InboundMessage:
    """Something a resident said or chose, ready to become a Rasa `UserMessage`."""

    sender_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # Photos, videos, recordings and files sent with it ({"type", "url"}): evidence, which the
    # channel downloads and keeps itself (bot/channels/evidence.py). `text` is "" when the
    # resident sent only those.
    evidence: tuple[dict[str, str], ...] = ()

    @property
    def message_id(self) -> str | None:
        return self.metadata.get("facebook", {}).get("mid")


class MalformedEvent(ValueError):
    """A webhook event whose fields are not what Meta sends (a wrong type, say)."""


def inbound_messages(payload: Any) -> list[InboundMessage]:
    """Every resident message and postback in a webhook body, in the order Meta sent them.

    A batch may hold several entries (one per page and time slice), each with several
    `messaging` events. Echoes of our own messages, delivery and read receipts, reactions,
    opt-ins, referrals and anything else that is not a resident's words are left out. An event
    that is malformed (a field of the wrong type) is logged and left out on its own: the rest of
    the batch is still handled.
    """
    if not isinstance(payload, dict):
        return []
    found = []
    entries = payload.get("entry")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        events = entry.get("messaging")
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, dict):
                continue
            try:
                message = _parse_event(event, entry)
            except (MalformedEvent, TypeError, ValueError, AttributeError, KeyError) as error:
                logger.warning("Messenger: a malformed event was skipped (%s)", error)
                continue
            if message is not None:
                found.append(message)
    return found


def _text_field(value: Any, what: str) -> str | None:
    """A field that must be text when present (numbers are taken as Meta's ids sometimes are)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MalformedEvent(f"{what} is a {type(value).__name__}, not text")
    return clean_text(str(value))


def _parse_event(event: dict, entry: dict) -> InboundMessage | None:
    sender = event.get("sender")
    sender_id = _text_field(sender.get("id") if isinstance(sender, dict) else None, "sender.id") or ""
    if not sender_id:
        return None
    facebook: dict[str, Any] = {"page_id": _text_field(entry.get("id"), "entry.id") or ""}
    if event.get("timestamp") is not None:
        if not isinstance(event["timestamp"], (int, float)) or isinstance(event["timestamp"], bool):
            raise MalformedEvent("timestamp is not a number")
        facebook["timestamp"] = event["timestamp"]
    message = event.get("message")
    postback = event.get("postback")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        facebook["mid"] = _text_field(message.get("mid"), "message.mid")
        quick_reply = message.get("quick_reply") or {}
        if not isinstance(quick_reply, dict):
            raise MalformedEvent("quick_reply is not an object")
        raw_attachments = message.get("attachments") or []
        if not isinstance(raw_attachments, list):
            raise MalformedEvent("attachments is not a list")
        attachments = [a for a in raw_attachments if isinstance(a, dict)]
        payload = _text_field(quick_reply.get("payload"), "quick_reply.payload")
        words = _text_field(message.get("text"), "message.text")
        evidence = tuple(found for found in (_evidence(a) for a in attachments) if found)
        if payload:
            text = payload
            facebook["quick_reply_title"] = words
        elif words:
            text = words
        elif evidence:
            text = ""  # only files: the channel keeps them and answers; nothing for the assistant
        elif attachments:
            # A location, a sticker or a shared link with no words: pass its address on, as
            # Rasa's own channel does, and keep every attachment in the metadata.
            text = _attachment_text(attachments[0])
        else:
            return None
        if attachments:
            facebook["attachments"] = [
                {"type": _text_field(a.get("type"), "attachment.type"),
                 "url": _text_field((a.get("payload") or {}).get("url")
                                    if isinstance(a.get("payload") or {}, dict) else None,
                                    "attachment.url")}
                for a in attachments]
        if not text and not evidence:
            return None
        return InboundMessage(sender_id, text, {"facebook": facebook}, evidence)
    if isinstance(postback, dict):
        text = (_text_field(postback.get("payload"), "postback.payload")
                or _text_field(postback.get("title"), "postback.title") or "")
        if not text:
            return None
        facebook["mid"] = _text_field(postback.get("mid"), "postback.mid")
        facebook["postback_title"] = _text_field(postback.get("title"), "postback.title")
        return InboundMessage(sender_id, text, {"facebook": facebook})
    return None  # delivery, read, reaction, optin, referral, account linking, ...


EVIDENCE_TYPES = ("image", "video", "audio", "file")


def _evidence(attachment: dict) -> dict[str, str] | None:
    """A photo, video, recording or file (not a sticker, a location or a shared link), as
    {"type", "url"}."""
    kind = attachment.get("type")
    payload = attachment.get("payload") or {}
    if kind not in EVIDENCE_TYPES or not isinstance(payload, dict) or payload.get("sticker_id"):
        return None
    url = _text_field(payload.get("url"), "attachment.url")
    return {"type": kind, "url": url} if url else None


def _attachment_text(attachment: dict) -> str:
    payload = attachment.get("payload") or {}
    if not isinstance(payload, dict):
        raise MalformedEvent("attachment payload is not an object")
    if payload.get("url"):
        return _text_field(payload["url"], "attachment.url") or ""
    coordinates = payload.get("coordinates") or {}
    if isinstance(coordinates, dict) and "lat" in coordinates and "long" in coordinates:
        return clean_text(f"{coordinates['lat']},{coordinates['long']}")
    return ""


# --- outgoing messages ---------------------------------------------------------------------------

def _units(text: str) -> int:
    """Length as Messenger counts it, in UTF-16 code units (an emoji may count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    if _units(text) <= limit:
        return len(text)
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def _boundary(window: str) -> int | None:
    """Where to end a chunk within `window`: after a sentence, else a line, else a word."""
    floor = len(window) // 3  # never cut so early that the chunks become tiny
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() > floor]
    if ends:
        return ends[-1]
    newline = window.rfind("\n")
    if newline > floor:
        return newline + 1
    space = max(window.rfind(" "), window.rfind("\t"))
    if space > floor:
        return space + 1
    return None


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """A reply as Messenger texts: one per paragraph (blank line), none longer than `limit`.

    A paragraph over the limit is cut at the last sentence end that fits, else at a line break,
    else between words; only a single unbroken word longer than the limit is cut inside.
    """
    chunks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        paragraph = paragraph.strip()
        while paragraph:
            fits = max(1, _longest_prefix(paragraph, limit))
            if fits == len(paragraph):
                chunks.append(paragraph)
                break
            # One character past the limit, so that a space right after it counts as a boundary
            # (whitespace at the cut is stripped, so the chunk still fits).
            cut = _boundary(paragraph[:fits + 1]) or fits
            chunks.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
    return chunks


def shorten_title(title: str, limit: int = QUICK_REPLY_TITLE_LIMIT) -> str:
    """A button title of at most `limit` characters, shortened at a word boundary with "…"."""
    title = " ".join(str(title).split())
    if len(title) <= limit:
        return title
    room = limit - len(ELLIPSIS)
    cut = title.rfind(" ", 0, room + 1)
    head = title[:cut] if cut >= room // 2 else title[:room]
    return head.rstrip(" ,;:-–—") + ELLIPSIS


def quick_replies(buttons: Iterable[dict]) -> list[dict]:
    """Rasa buttons (or quick replies) as Messenger quick replies: at most 13, short titles.

    A quick reply asking for the resident's e-mail address or phone number (content type
    `user_email` / `user_phone_number`) passes through. Buttons past the 13th, and buttons whose
    payload is too long for Messenger, are left out with a warning in the log.
    """
    rendered: list[dict] = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        content_type = button.get("content_type") or "text"
        if content_type != "text":
            rendered.append({"content_type": content_type})
            continue
        title = shorten_title(button.get("title") or "")
        payload = str(button.get("payload") or button.get("title") or "")
        if not title or not payload:
            continue
        if len(payload) > PAYLOAD_LIMIT:
            logger.warning("Messenger: a button's payload is longer than %d characters; "
                           "left out: %r", PAYLOAD_LIMIT, title)
            continue
        rendered.append({"content_type": "text", "title": title, "payload": payload})
    if len(rendered) > QUICK_REPLY_LIMIT:
        logger.warning("Messenger shows at most %d quick replies; %d left out: %s",
                       QUICK_REPLY_LIMIT, len(rendered) - QUICK_REPLY_LIMIT,
                       ", ".join(r.get("title", r["content_type"])
                                 for r in rendered[QUICK_REPLY_LIMIT:]))
        rendered = rendered[:QUICK_REPLY_LIMIT]
    return rendered


# A UK phone number in a reply (not 999: Messenger's call buttons want a full international
# number, and everyone knows how to dial 999).
_PHONE = re.compile(r"(?<!\d)0\d{2,4}(?: ?\d){6,8}(?!\d)")
CALL_BUTTONS = 3  # the most a button template holds


def call_buttons(text: str) -> list[dict]:
    """"Call ..." buttons for the phone numbers a reply gives, so they can be tapped."""
    buttons, seen = [], set()
    for match in _PHONE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(0))
        if digits in seen:
            continue
        seen.add(digits)
        title = shorten_title(f"Call {match.group(0)}")
        buttons.append({"type": "phone_number", "title": title, "payload": "+44" + digits[1:]})
    return buttons[:CALL_BUTTONS]


def outgoing_messages(text: str | None, buttons: Iterable[dict] = ()) -> list[dict]:
    """The Messenger `message` objects for one reply; quick replies go on the last one. A reply
    that gives phone numbers (and offers no choices) ends with a button to call each."""
    replies = quick_replies(buttons)
    chunks = split_text(text or "")
    if replies and not chunks:
        chunks = ["Please choose:"]  # Messenger needs text to hang quick replies on
    messages: list[dict] = [{"text": chunk} for chunk in chunks]
    if replies:
        messages[-1]["quick_replies"] = replies
    else:
        calls = call_buttons(text or "")
        if calls:
            messages.append({"attachment": {"type": "template", "payload": {
                "template_type": "button", "text": "Tap to call:", "buttons": calls}}})
    return messages
