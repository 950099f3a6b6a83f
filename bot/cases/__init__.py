"""The case store: every piece of feedback filed safely, with its history.

The API for the conversation layer and the staff pages:

    from bot.cases import CaseSubmission, file_case, find_by_reference

    case, created = file_case(store, CaseSubmission(case_type="complaint", channel="rest",
                                                    conversation_id=sender, ...),
                              profile, submission_key=form_submission_id)

`store` is a `CaseStore` (or a SQLAlchemy Session of one, to file inside the caller's own
transaction). The module-level helpers use `default_store()`, made from the settings on first
use. See `bot.cases.store.CaseStore` for the staff actions and the queue query.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.cases.models import (
    ACKNOWLEDGED, CASE_TYPES, CLOSED, EVENT_KINDS, NEW, NOT_ACCEPTED, NOT_ACCEPTED_PENDING,
    RESPONDED, SERVICES, STAGE2_PENDING, STATUSES, Case, CaseEvent, OutboxMessage,
)
from bot.cases.references import InvalidReference
from bot.cases.store import (
    CaseNotFound, CaseQuery, CaseStore, CaseStoreError, ConcurrentChange, InvalidTransition,
)
from bot.cases.submission import CaseSubmission

if TYPE_CHECKING:
    from bot.policy import Profile

__all__ = [
    "Case", "CaseEvent", "OutboxMessage", "CaseSubmission", "CaseStore", "CaseQuery",
    "CaseStoreError", "CaseNotFound", "InvalidReference", "InvalidTransition", "ConcurrentChange",
    "CASE_TYPES", "SERVICES", "STATUSES", "EVENT_KINDS", "NEW", "ACKNOWLEDGED", "RESPONDED",
    "CLOSED", "NOT_ACCEPTED", "NOT_ACCEPTED_PENDING", "STAGE2_PENDING",
    "default_store", "file_case", "find_by_reference", "add_information",
    "request_stage2",
]

_default: CaseStore | None = None
_lock = threading.Lock()


def default_store() -> CaseStore:
    """The process's store for INTAKE_DATABASE_URL (created on first use)."""
    global _default
    with _lock:
        if _default is None:
            _default = CaseStore()
        return _default


def file_case(session_or_store, submission: CaseSubmission | dict, profile: Profile | str | None = None,
              submission_key: str | None = None, *, actor: str = "assistant"
              ) -> tuple[Case, bool]:
    """File a case once per (conversation id, submission key): (case, created)."""
    from sqlalchemy.orm import Session

    if isinstance(session_or_store, Session):
        return default_store().file_in_session(session_or_store, submission, profile,
                                               submission_key, actor=actor)
    store = session_or_store or default_store()
    return store.file_case(submission, profile, submission_key, actor=actor)


def find_by_reference(reference: str, *, store: CaseStore | None = None,
                      with_history: bool = False) -> Case:
    return (store or default_store()).find_by_reference(reference, with_history=with_history)


def add_information(reference: str, text: str, actor: str = "resident", *,
                    store: CaseStore | None = None, **kwargs) -> tuple[Case, bool]:
    return (store or default_store()).add_information(reference, text, actor, **kwargs)


def request_stage2(reference: str, reasons: str | None = None, within_window: bool | None = None,
                   *, store: CaseStore | None = None, actor: str = "resident", **kwargs) -> Case:
    return (store or default_store()).request_stage2(reference, reasons, within_window,
                                                     actor=actor, **kwargs)
