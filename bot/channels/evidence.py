"""Photos, videos, recordings and documents residents send on the channels, kept as evidence.

A file that arrives without words is dealt with by the channel itself: it is checked
(`bot.evidence.checks`), stored (`bot.evidence.storage`), recorded against the conversation
(`bot.cases.attachments`) and the resident gets a short acknowledgement, and nothing is passed to
the assistant, so the question a form is waiting on stays exactly as it was: a photo sent in the
middle of a form is evidence for that form, never read as an answer. With words, the file is kept
the same way and only the words go on. When the conversation files a case, its files join the
case (`CaseStore.file_in_session`); one sent after that, with no form under way, joins the
conversation's last filed case at once (`bot.cases.late_files`).

Messenger sends addresses, not files, and they expire within days: `fetch` downloads each at once
(only from INTAKE_MESSENGER_MEDIA_HOSTS; retried; limited to INTAKE_EVIDENCE_MAX_MB while it
reads), and one that cannot be fetched is recorded as missing and the resident asked to send it
again, rather than dropped silently.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa

from bot import settings
from bot.cases import attachments, late_files
from bot.evidence import Refused, check, new_key, store_from_settings
from bot.evidence.checks import max_bytes, max_files
from bot.evidence.storage import thumbnail_key

log = logging.getLogger(__name__)

MESSENGER_EVIDENCE_TYPES = {"image": "photo", "video": "video", "audio": "audio", "file": "document"}
FETCH_TRIES = 3
REDIRECTS = 3


@dataclass(frozen=True)
class Kept:
    attachment_id: int
    kind: str
    reference: str | None = None   # the filed case it joined at once (bot.cases.late_files)


class EvidenceDesk:
    """Keeps residents' files: one per Rasa server, on the case store's database."""

    def __init__(self, url: str | None = None, files=None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.url = url
        self._files = files
        self.clock = clock
        self._engine: sa.engine.Engine | None = None
        self._store = None
        self._lock = threading.Lock()

    @property
    def files(self):
        if self._files is None:
            self._files = store_from_settings()
        return self._files

    def _connect(self) -> sa.engine.Engine:
        with self._lock:
            if self._engine is None:
                from bot.cases.db import make_engine

                self._engine = make_engine(self.url, pool_size=2, max_overflow=2)
            return self._engine

    def _case_store(self):
        """A case store on the desk's database, for its history entries (and their outbox)."""
        from bot.cases.store import CaseStore

        if self._store is None:
            self._store = CaseStore(self._connect(), clock=self.clock)
        return self._store

    def keep(self, *, conversation_id: str, channel: str, sender_id: str, data: bytes,
             original_name: str | None = None, join_filed_case: bool = False) -> Kept:
        """Check and store one file; Refused (with the resident's message) when it is not kept.
        `join_filed_case`: no form is under way, so a file the conversation sends after filing a
        case joins that case now (bot.cases.late_files) instead of waiting for a filing."""
        evidence = check(data)
        from bot.cases.db import WRITE
        from sqlalchemy.orm import Session

        engine = self._connect()
        with Session(engine, future=True) as session:
            with session.begin():
                session.connection(execution_options=WRITE)
                if attachments.count_for_conversation(session, conversation_id) >= max_files():
                    raise Refused("count", f"{conversation_id} already has {max_files()} files")
                key = new_key(evidence.extension)
                thumb = thumbnail_key(key) if evidence.thumbnail else None
                stored: list[str] = []
                try:
                    self.files.put(key, evidence.data, evidence.media_type)
                    stored.append(key)
                    if thumb:
                        self.files.put(thumb, evidence.thumbnail, "image/jpeg")
                        stored.append(thumb)
                    row = attachments.record(
                        session, conversation_id=conversation_id, channel=channel,
                        sender_id=sender_id, received_at=self.clock(), evidence=evidence,
                        key=key, thumbnail_key=thumb, original_name=original_name)
                    joined = late_files.join_filed_case(self._case_store(), session, row) \
                        if join_filed_case else None
                    kept = Kept(row.id, evidence.kind, joined.reference if joined else None)
                except Exception:
                    for name in stored:  # nothing stored that no row names
                        try:
                            self.files.delete(name)
                        except Exception:  # noqa: BLE001
                            log.exception("evidence: could not remove %s after a failure", name)
                    raise
        log.info("evidence: kept a %s (%d bytes) from %s conversation %s", evidence.kind,
                 evidence.size, channel, conversation_id)
        return kept

    def missing(self, *, conversation_id: str, channel: str, sender_id: str, kind: str | None,
                problem: str) -> None:
        from bot.cases.db import WRITE
        from sqlalchemy.orm import Session

        with Session(self._connect(), future=True) as session:
            with session.begin():
                session.connection(execution_options=WRITE)
                attachments.record_missing(session, conversation_id=conversation_id,
                                           channel=channel, sender_id=sender_id,
                                           received_at=self.clock(), kind=kind, problem=problem)
        log.warning("evidence: a %s from %s conversation %s could not be fetched: %s",
                    kind or "file", channel, conversation_id, problem)

    def stored_since(self, conversation_id: str) -> list[tuple[datetime, str, str | None]]:
        """(time, kind, reference) of each file of a conversation, for the chat's history:
        `reference` is the case's when the file came after that case was filed (it was added to
        it straight away, and the resident was told so), else None."""
        from sqlalchemy.orm import Session

        with Session(self._connect(), future=True) as session:
            rows = [row for row in attachments.of_conversation(session, conversation_id)
                    if row.status == "stored"]
            cases = {case.id: case for case in attachments.cases_of(session, rows)}
            shown = []
            for row in rows:
                case = cases.get(row.case_id)
                late = case is not None and row.received_at >= case.created_at
                shown.append((row.received_at, row.kind or "file",
                              case.reference if late else None))
            return shown

    async def keep_async(self, **kwargs) -> Kept:
        return await asyncio.to_thread(self.keep, **kwargs)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._store = None


# --- Messenger: fetching the files from Meta's CDN ------------------------------------------------

class FetchFailed(RuntimeError):
    pass


def media_hosts() -> tuple[str, ...]:
    return tuple(h.strip().lower().lstrip(".") for h in
                 settings.get("INTAKE_MESSENGER_MEDIA_HOSTS").split(",") if h.strip())


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_url(url: str, hosts: tuple[str, ...] | None = None) -> bool:
    """Only Meta's media hosts (and their subdomains), over HTTPS; plain HTTP only to a loopback
    host named in the list (the tests' fake CDN)."""
    hosts = media_hosts() if hosts is None else hosts
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if not host or parts.username or parts.password:
        return False
    listed = any(host == h or host.endswith("." + h) for h in hosts)
    if parts.scheme == "https":
        return listed
    return parts.scheme == "http" and listed and _loopback(host)


def fetch(url: str, *, limit: int | None = None, tries: int = FETCH_TRIES,
          hosts: tuple[str, ...] | None = None, pause: float = 0.5) -> bytes:
    """The bytes at `url` (see `allowed_url`), retried on network errors, 429 and 5xx; FetchFailed
    with the reason otherwise; Refused("size") past the limit (read no further)."""
    import requests

    limit = max_bytes() if limit is None else limit
    problem = "not tried"
    for attempt in range(1, tries + 1):
        target = url
        try:
            for _hop in range(REDIRECTS + 1):
                if not allowed_url(target, hosts):
                    raise FetchFailed(f"not a Messenger media address: {urlsplit(target).hostname}")
                with requests.get(target, stream=True, timeout=(5, 30),
                                  allow_redirects=False) as answer:
                    if answer.is_redirect:
                        target = urljoin(target, answer.headers.get("location", ""))
                        continue
                    if answer.status_code == 429 or answer.status_code >= 500:
                        problem = f"HTTP {answer.status_code}"
                        break
                    if answer.status_code != 200:
                        raise FetchFailed(f"HTTP {answer.status_code}")
                    declared = answer.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > limit:
                        raise Refused("size", f"{declared} bytes announced")
                    body = bytearray()
                    for chunk in answer.iter_content(64 * 1024):
                        body += chunk
                        if len(body) > limit:
                            raise Refused("size", f"more than {limit} bytes")
                    return bytes(body)
            else:
                raise FetchFailed("too many redirects")
        except (FetchFailed, Refused):
            raise
        except requests.RequestException as error:
            problem = f"{type(error).__name__}"
        if attempt < tries:
            time.sleep(pause * attempt)
    raise FetchFailed(f"{problem} after {tries} tries")
