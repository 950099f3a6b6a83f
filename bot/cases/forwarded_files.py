"""Residents' files in what is forwarded to the landlord's system: what is known of each file,
where staff open it and, when links are configured, a signed, expiring link to fetch it; never
its bytes.

Every forwarded message carries the case's files as they are when the change is written:

    "files": [{"id": 12, "kind": "photo", "status": "stored", "media_type": "image/jpeg",
               "size": 183204, "sha256": "9f2c...", "received_at": "2026-03-02T10:05:00+00:00",
               "channel": "facebook", "file_name": "CMP-7KQ4M-X-photo-12.jpg",
               "workspace_path": "/evidence/12?download=1"}, ...]

A file that could not be fetched from Messenger has `status: "missing"`, its `problem`, and no
size, digest or path. `workspace_path` is the file's download in the staff workspace (relative to
its address), for the landlord's staff once they sign in.

With INTAKE_PUBLIC_URL (and INTAKE_FILE_LINK_SECRET) set, the forwarder adds to each stored file,
as it sends the message (`with_links`), a `link` and its `link_expires_at`:

    "link": "https://complaints.example.org/files/12.1773064800.5d0c2f6e9a1b4c3d.Qm9...",
    "link_expires_at": "2026-03-09T10:05:00+00:00"

The link opens the file without signing in until it expires (INTAKE_FILE_LINK_DAYS, counted from
that delivery attempt: a message that waited for a receiver that was down gets fresh links), with
the headers that keep it inert (bot.staff.views.evidence, bot.evidence.links), and stops working
once erasure or retention deletes the file. The links are made at delivery, not stored: the
outbox holds no working link, the processes that file cases need no link key, and a file erased
since the change was written gets none. `sha256` lets the receiver check what it fetched.

The names are the server's (`attachments.download_name`); the resident's own file name is not
forwarded (it may name people or places, and the landlord's system does not need it).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases import attachments
from bot.cases.models import STORED, Attachment, Case


def described(session: Session, case: Case) -> list[dict[str, Any]]:
    """The case's files, as forwarded (oldest first)."""
    files = []
    for row in attachments.of_case(session, case.id):
        item: dict[str, Any] = {"id": row.id, "kind": row.kind, "status": row.status,
                                "received_at": row.received_at.isoformat(),
                                "channel": row.channel}
        if row.status == STORED:
            item.update(media_type=row.media_type, size=row.size, sha256=row.sha256,
                        file_name=attachments.download_name(row, case.reference),
                        workspace_path=f"/evidence/{row.id}?download=1")
        else:
            item["problem"] = row.problem
        files.append(item)
    return files


def with_links(store, payload: str, case_id: int | None, links, *, now: datetime | None = None) -> str:
    """The outbox message `payload` (JSON text) of the case `case_id` with a signed `link` and
    its `link_expires_at` added to each stored file that is still the case's (same id, same
    digest); the payload as it is when it lists no such file. `links`: a
    bot.evidence.links.FileLinks with its base URL."""
    data = json.loads(payload)
    files = data.get("files") if isinstance(data, dict) else None
    wanted = {item["id"]: item.get("sha256") for item in files or ()
              if isinstance(item, dict) and item.get("status") == STORED
              and isinstance(item.get("id"), int)}
    if not wanted or case_id is None:
        return payload
    with store.read() as session:
        kept = {row.id: row for row in session.execute(
            select(Attachment.id, Attachment.key, Attachment.sha256).where(
                Attachment.id.in_(sorted(wanted)), Attachment.case_id == case_id,
                Attachment.status == STORED, Attachment.key.is_not(None)))}
    now = now or store.now()
    changed = False
    for item in files or ():  # (not None here: `wanted` came from it)
        row = kept.get(item.get("id")) if isinstance(item, dict) else None
        if row is None or row.sha256 != wanted[row.id]:
            continue  # erased since the change was written (its id may be another file's now)
        url, expires = links.url(row.id, row.key, now=now)
        item.update(link=url, link_expires_at=expires.isoformat())
        changed = True
    if not changed:
        return payload
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
