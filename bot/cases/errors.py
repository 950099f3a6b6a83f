"""The case store's errors (`bot.cases.store` re-exports them): here so that the lifecycle table
(`bot.cases.lifecycle`), which the store uses, can raise them too."""
from __future__ import annotations


class CaseStoreError(Exception):
    """Base of the store's errors that callers are expected to handle."""


class CaseNotFound(CaseStoreError):
    """A well-formed reference that no case has."""


class InvalidTransition(CaseStoreError):
    """The action does not fit the case's type, status or stage."""


class NoStage2(InvalidTransition):
    """The case's service follows a consumer code (new homes): there is no landlord stage 2."""


class UnknownTeam(InvalidTransition):
    """A team the case's policy profile does not have."""


class ConcurrentChange(CaseStoreError):
    """The case changed since the caller read it (its version moved on)."""
