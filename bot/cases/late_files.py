"""A file a resident sends after their conversation has filed a case joins that case at once.

Files sent while a case is being made wait for the filing, which gives them all to the new case
(`CaseStore.file_in_session`). One sent afterwards ("here's the photo I mentioned") would wait for
a filing that never comes, unseen by staff; so the channel, when no form or summary is under way
in the conversation (bot/channels/pending.py), asks for it to join the conversation's last filed
case straight away, in the transaction that records the file. The case's history says so (an
`information_added` entry with `attachments: 1`, the channel, the conversation and when the file
was received; the file's row keeps who sent it), which also forwards the change, and the resident
is told the case reference it was added to.

A case anonymised since (erasure, retention) takes nothing more: the file stays with the
conversation, to go with it.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.models import Attachment, Case


def filed_case_of(session: Session, conversation_id: str) -> Case | None:
    """The case this conversation filed last, if it still holds the resident's details (locked
    for the change)."""
    return session.execute(
        select(Case).where(Case.conversation_id == conversation_id, Case.anonymised_at.is_(None))
        .order_by(Case.id.desc()).limit(1).with_for_update()).scalar_one_or_none()


def join_filed_case(store: Any, session: Session, row: Attachment) -> Case | None:
    """Give the stored file `row` to its conversation's last filed case, in the caller's
    transaction, with a history entry; the case, or None when the conversation has filed none."""
    case = filed_case_of(session, row.conversation_id)
    if case is None:
        return None
    row.case_id, row.linked_at = case.id, store.now()
    store._record(session, case, "information_added", "resident", {
        "merged": True, "attachments": 1, "file": row.kind, "channel": row.channel,
        "conversation_id": row.conversation_id, "received_at": row.received_at.isoformat(),
        "key": f"attachment:{row.id}"}, status_before=case.status)
    return case
