"""The files residents send as evidence, in the case store: which conversation each came in, who
sent it (channel and sender id) and when, and the case it belongs to once filed.

    record(session, conversation_id=..., channel=..., sender_id=..., evidence=..., key=...)
    record_missing(session, ..., problem="HTTP 404")      # a Messenger file that could not be fetched
    link_conversation(session, case, at)                  # at filing: the conversation's files join the case
    of_case(session, case_id) / of_conversation(session, conversation_id)
    delete_for(session, files, case_ids=..., conversations=...)   # anonymisation, erasure, retention

The bytes themselves are in the evidence store (`bot.evidence.storage`); the rows hold its keys.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.models import MISSING, STORED, Attachment, Case

log = logging.getLogger(__name__)

NAME_LIMIT = 200


def display_name(name: str | None) -> str | None:
    """A file name as sent, for staff to read (never used as a path): its last part, printable,
    at most NAME_LIMIT characters."""
    if not name:
        return None
    last = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in last if c.isprintable()).strip()
    return clean[:NAME_LIMIT] or None


def count_for_conversation(session: Session, conversation_id: str) -> int:
    return session.execute(select(sa.func.count(Attachment.id)).where(
        Attachment.conversation_id == conversation_id, Attachment.status == STORED)).scalar_one()


def record(session: Session, *, conversation_id: str, channel: str, sender_id: str,
           received_at: datetime, evidence, key: str, thumbnail_key: str | None = None,
           original_name: str | None = None) -> Attachment:
    """A stored file (`evidence`: a `bot.evidence.checks.Evidence`)."""
    row = Attachment(conversation_id=conversation_id[:255], channel=channel,
                     sender_id=sender_id[:255], received_at=received_at, status=STORED,
                     kind=evidence.kind, media_type=evidence.media_type, size=evidence.size,
                     sha256=evidence.sha256, key=key, thumbnail_key=thumbnail_key,
                     width=evidence.width, height=evidence.height,
                     original_name=display_name(original_name))
    session.add(row)
    session.flush()
    return row


def record_missing(session: Session, *, conversation_id: str, channel: str, sender_id: str,
                   received_at: datetime, kind: str | None, problem: str) -> Attachment:
    """A file the resident sent that could not be fetched: kept as a record, so staff know."""
    row = Attachment(conversation_id=conversation_id[:255], channel=channel,
                     sender_id=sender_id[:255], received_at=received_at, status=MISSING,
                     kind=kind if kind in ("photo", "video", "audio", "document") else None,
                     problem=problem[:500])
    session.add(row)
    session.flush()
    return row


def link_conversation(session: Session, case: Case, at: datetime,
                      conversation_id: str | None = None) -> int:
    """Give `case` the files of its conversation (or of `conversation_id`) that belong to no
    case yet; how many. Called in the filing's (or the added information's) transaction."""
    conversation_id = conversation_id or case.conversation_id
    if not conversation_id or "\x00" in conversation_id or len(conversation_id) > 255:
        return 0  # not a channel's conversation id (those are short, plain text): no files
    table = Attachment.__table__
    result = session.execute(table.update().where(
        table.c.conversation_id == conversation_id, table.c.case_id.is_(None))
        .values(case_id=case.id, linked_at=at))
    return result.rowcount or 0


def of_case(session: Session, case_id: int) -> list[Attachment]:
    return list(session.execute(select(Attachment).where(Attachment.case_id == case_id)
                                .order_by(Attachment.received_at, Attachment.id)).scalars())


def of_conversation(session: Session, conversation_id: str) -> list[Attachment]:
    return list(session.execute(select(Attachment).where(
        Attachment.conversation_id == conversation_id)
        .order_by(Attachment.received_at, Attachment.id)).scalars())


def cases_of(session: Session, rows: Iterable[Attachment]) -> list[Case]:
    """The cases these files were given to."""
    ids = {row.case_id for row in rows if row.case_id is not None}
    return list(session.execute(select(Case).where(Case.id.in_(ids))).scalars()) if ids else []


def keys_of(rows: Iterable[Attachment]) -> list[str]:
    return [k for row in rows for k in (row.key, row.thumbnail_key) if k]


def delete_for(session: Session, files, *, case_ids: Iterable[int] = (),
               conversations: Iterable[str] = ()) -> int:
    """Delete the files of these cases and those of these conversations that no case has: their rows in the caller's
    transaction, and their bytes from the evidence store `files` (before the caller commits, so
    a failure leaves the rows, and running again finishes the job; deleting a file already gone
    is no error). How many files."""
    case_ids, conversations = sorted(set(case_ids)), sorted(c for c in set(conversations) if c)
    if not case_ids and not conversations:
        return 0
    conditions = []
    for start in range(0, len(case_ids), 500):
        conditions.append(Attachment.case_id.in_(case_ids[start:start + 500]))
    for start in range(0, len(conversations), 500):
        # A conversation's files that no case has (those of a case go with that case).
        conditions.append(sa.and_(Attachment.conversation_id.in_(conversations[start:start + 500]),
                                  Attachment.case_id.is_(None)))
    rows = list(session.execute(select(Attachment).where(sa.or_(*conditions))).scalars())
    if not rows:
        return 0
    if files is None:
        from bot.evidence import store_from_settings

        files = store_from_settings()
    for key in keys_of(rows):
        files.delete(key)
    table = Attachment.__table__
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        session.execute(table.delete().where(table.c.id.in_(ids[start:start + 500])))
    for row in rows:
        session.expunge(row)
    return len(rows)


def exported(row: Attachment, files) -> dict:
    """One file for a subject access export: what is known of it and, when stored, its bytes
    (base64), as kept (a photo without its metadata)."""
    import base64

    data = {"id": row.id, "kind": row.kind, "status": row.status, "media_type": row.media_type,
            "size": row.size, "sha256": row.sha256, "received_at": row.received_at.isoformat(),
            "channel": row.channel, "sender_id": row.sender_id,
            "original_name": row.original_name, "problem": row.problem,
            "file_name": download_name(row)}
    if row.status == STORED and row.key:
        from bot.evidence import MissingFile

        try:
            data["content_base64"] = base64.b64encode(files.get(row.key)).decode("ascii")
        except MissingFile:
            data["problem"] = "the file is no longer in the evidence store"
    return data


EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4",
              "video/quicktime": "mov", "video/3gpp": "3gp", "video/webm": "webm",
              "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/wav": "wav",
              "audio/aac": "aac", "audio/amr": "amr", "application/pdf": "pdf"}


def download_name(row: Attachment, reference: str | None = None) -> str:
    """The name a file is downloaded under: made by us (reference or conversation, number and
    the extension of what is kept), never the resident's."""
    extension = EXTENSIONS.get(row.media_type or "", "bin")
    return f"{reference or 'evidence'}-{row.kind or 'file'}-{row.id}.{extension}"
