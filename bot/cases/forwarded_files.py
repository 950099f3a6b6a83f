"""Residents' files in what is forwarded to the landlord's system: what is known of each file,
never its bytes, and where staff open it.

Every forwarded message carries the case's files as they are when the change is written:

    "files": [{"id": 12, "kind": "photo", "status": "stored", "media_type": "image/jpeg",
               "size": 183204, "sha256": "9f2c...", "received_at": "2026-03-02T10:05:00+00:00",
               "channel": "facebook", "file_name": "CMP-7KQ4M-X-photo-12.jpg",
               "workspace_path": "/evidence/12?download=1"}, ...]

A file that could not be fetched from Messenger has `status: "missing"`, its `problem`, and no
size, digest or path. `workspace_path` is the file's download in the staff workspace (relative to
its address): files are served to signed-in staff only, with the headers that keep them inert
(docs/security.md), so a link in the landlord's system opens for its staff after they sign in and
for nobody else, and stops working when erasure or retention deletes the file. The bytes are not
pushed, nor offered on an unauthenticated signed link: that would put residents' photos outside
the workspace's sign-in, roles and erasure. `sha256` lets a receiver that stores a copy (fetched
by its staff) check it is the file the case names.

The names are the server's (`attachments.download_name`); the resident's own file name is not
forwarded (it may name people or places, and the landlord's system does not need it).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.cases import attachments
from bot.cases.models import STORED, Case


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
