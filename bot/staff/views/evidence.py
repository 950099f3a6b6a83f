"""Residents' photos, videos, recordings and documents, served to signed-in staff, and to the
landlord's system on a signed link.

Nothing a resident uploads is ever served as a page or a script: each file goes out (`_send`, for
every route here) with the type it was checked to be (bot.evidence.checks),
`X-Content-Type-Options: nosniff`, a `Content-Disposition` (inline only for the pictures the
server re-encoded, attachment for everything else and for every download) under a name the server
makes, and a Content-Security-Policy that lets nothing run (`default-src 'none'; sandbox`). Never
cached.

`/files/<token>` is the one route without a session (PUBLIC_ENDPOINTS of bot.staff.app): the
download a forwarded case's `link` names (bot.cases.forwarded_files). It serves the one file the
token was signed for (bot.evidence.links), as an attachment, and nothing else: 403 for a token
this server did not sign, 410 for an expired one, 404 for a file deleted since (erasure,
retention). Each answer is logged with the file's id and the caller's address, never the token;
an address that sent REFUSAL_LIMIT links this server did not sign within REFUSAL_WINDOW seconds
gets 429 for a while (counted per process).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, g, request

from bot.cases.attachments import download_name
from bot.cases.models import STORED, Attachment, Case
from bot.evidence import MissingFile, links, store_from_settings
from bot.staff.web import workspace

log = logging.getLogger(__name__)

bp = Blueprint("evidence", __name__)

INLINE_TYPES = {"image/jpeg", "image/png"}   # what the server re-encoded itself
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox; frame-ancestors 'none'"


def files():
    """The evidence store (the app's own, when a test gave one)."""
    return current_app.config.get("INTAKE_EVIDENCE_STORE") or store_from_settings()


def file_links() -> links.FileLinks:
    """What links are checked with (the app's own, when a test gave one); LinksNotConfigured
    without INTAKE_FILE_LINK_SECRET."""
    return current_app.config.get("INTAKE_FILE_LINKS") or links.checker_from_settings()


def _load(attachment_id: int) -> tuple[Attachment, str | None]:
    ws = workspace()
    with ws.store.read() as db:
        row = db.get(Attachment, attachment_id)
        if row is None or row.status != STORED or not row.key:
            g.specific_404 = True
            abort(404, "There is no such file (it may have been deleted with its case).")
        reference = db.execute(sa.select(Case.reference).where(Case.id == row.case_id)
                               ).scalar_one_or_none() if row.case_id else None
        db.expunge(row)
    return row, reference


def _send(data: bytes, media_type: str, disposition: str, name: str) -> Response:
    answer = Response(data, mimetype=media_type)
    answer.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    answer.headers["Content-Security-Policy"] = FILE_CSP
    answer.headers["X-Content-Type-Options"] = "nosniff"
    answer.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return answer


@bp.route("/evidence/<int:attachment_id>")
def file(attachment_id: int):
    row, reference = _load(attachment_id)
    try:
        data = files().get(row.key)
    except MissingFile:
        g.specific_404 = True
        abort(404, "The file is no longer in the evidence store.")
    inline = row.media_type in INLINE_TYPES and request.args.get("download") != "1"
    log.info("staff: %s opened evidence %s", g.user.username, row.id)
    return _send(data, row.media_type or "application/octet-stream",
                 "inline" if inline else "attachment", download_name(row, reference))


@bp.route("/evidence/<int:attachment_id>/thumbnail")
def thumbnail(attachment_id: int):
    row, reference = _load(attachment_id)
    if not row.thumbnail_key:
        abort(404)
    try:
        data = files().get(row.thumbnail_key)
    except MissingFile:
        abort(404)
    return _send(data, "image/jpeg", "inline",
                 download_name(row, reference).rsplit(".", 1)[0] + "-small.jpg")


REFUSAL_LIMIT = 20        # refused links from one address ...
REFUSAL_WINDOW = 600.0    # ... within this many seconds: 429 until the oldest leaves the window


class Refusals:
    """Refused links per client address over a sliding window, in this process's memory (the
    signature makes guessing hopeless; this keeps a scanner from filling the log). At most
    `max_addresses` addresses are remembered, the least recently refused forgotten first."""

    def __init__(self, limit: int = REFUSAL_LIMIT, window: float = REFUSAL_WINDOW,
                 clock=time.monotonic, max_addresses: int = 10_000) -> None:
        self.limit, self.window, self.clock, self.max_addresses = limit, window, clock, max_addresses
        self._seen: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque:
        times = self._seen.get(address) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address, self.clock())) >= self.limit

    def add(self, address: str) -> None:
        with self._lock:
            now = self.clock()
            times = self._recent(address, now)
            times.append(now)
            self._seen.pop(address, None)
            self._seen[address] = times
            while len(self._seen) > self.max_addresses:
                self._seen.popitem(last=False)


def refusals() -> Refusals:
    return current_app.extensions.setdefault("intake_file_link_refusals", Refusals())


def _refuse(status: int, address: str, why: str, file_id: int | None = None):
    if status == 403:  # a link this server did not sign: what a scanner gets (the others were signed)
        refusals().add(address)
    log.warning("files: link refused (%s) for %s, file %s: %s", status, address,
                file_id if file_id is not None else "-", why)
    abort(status)


@bp.route("/files/<token>")
def shared_file(token: str):
    """The file a signed link names, for the landlord's system: no session (see the module)."""
    address = request.remote_addr or "-"
    if refusals().blocked(address):
        log.warning("files: %s refused too many links lately: 429", address)
        abort(429, "Too many refused links from this address: wait a few minutes.")
    try:
        link = file_links().check(token, now=workspace().now())
    except links.LinksNotConfigured as error:
        log.warning("files: a link was asked for but links are off: %s", error)
        abort(404)
    except links.ExpiredLink as error:
        _refuse(410, address, "expired", error.link.file_id)
    except links.BadLink as error:
        _refuse(403, address, str(error))
    with workspace().store.read() as db:
        row = db.get(Attachment, link.file_id)
        if row is None or row.status != STORED or not link.opens(row.key):
            _refuse(404, address, "no such file (deleted?)", link.file_id)
        reference = db.execute(sa.select(Case.reference).where(Case.id == row.case_id)
                               ).scalar_one_or_none() if row.case_id else None
        db.expunge(row)
    try:
        data = files().get(row.key)
    except MissingFile:
        _refuse(404, address, "no longer in the evidence store", link.file_id)
    log.info("files: link served file %s to %s (link expires %s)", row.id, address,
             link.expires_at.isoformat())
    return _send(data, row.media_type or "application/octet-stream", "attachment",
                 download_name(row, reference))


def size_text(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


NOUNS = {"photo": "Photo", "video": "Video", "audio": "Recording", "document": "Document"}


def describe(row: Attachment) -> str:
    return NOUNS.get(row.kind or "", "File")

