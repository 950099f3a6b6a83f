"""Residents' photos, videos, recordings and documents, served to signed-in staff only.

Nothing a resident uploads is ever served as a page or a script: each file goes out with the type
it was checked to be (bot.evidence.checks), `X-Content-Type-Options: nosniff`, a
`Content-Disposition` (inline only for the pictures the server re-encoded, attachment for
everything else and for every download) under a name the server makes, and a Content-Security-
Policy that lets nothing run (`default-src 'none'; sandbox`). Never cached.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Response, abort, g, request

from bot.cases.attachments import download_name
from bot.cases.models import STORED, Attachment, Case
from bot.evidence import MissingFile, store_from_settings
from bot.staff.app import workspace

log = logging.getLogger(__name__)

bp = Blueprint("evidence", __name__)

INLINE_TYPES = {"image/jpeg", "image/png"}   # what the server re-encoded itself
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox; frame-ancestors 'none'"


def files():
    """The evidence store (the app's own, when a test gave one)."""
    from flask import current_app

    return current_app.config.get("INTAKE_EVIDENCE_STORE") or store_from_settings()


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


def size_text(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


NOUNS = {"photo": "Photo", "video": "Video", "audio": "Recording", "document": "Document"}


def describe(row: Attachment) -> str:
    return NOUNS.get(row.kind or "", "File")

