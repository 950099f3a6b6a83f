"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

# PostgreSQL text cannot hold U+0000. Residents' text is stored exactly all the same: on
# PostgreSQL, U+0000 is written as ESCAPE + "0" and ESCAPE itself (a private-use character) as
# ESCAPE + ESCAPE, and read back reversed. Other text, and searches for it, are unchanged.
_ESCAPE = "\ue000"


def _escape_nul(value: str) -> str:
    if "\x00" not in value and _ESCAPE not in value:
        return value
    return value.replace(_ESCAPE, _ESCAPE + _ESCAPE).replace("\x00", _ESCAPE + "0")


def _unescape_nul(value: str) -> str:
    if _ESCAPE not in value:
        return value
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == _ESCAPE and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\x00" if nxt == "0" else nxt)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


class ExactText(TypeDecorator):
    """Unbounded text, stored exactly (including U+0000 on PostgreSQL)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and dialect.name == "postgresql":
            return _escape_nul(value)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and dialect.name == "postgresql":
            return _unescape_nul(value)
        return value


class UTCDateTime(TypeDecorator):
    """A moment in time: written as UTC, always read back as an aware UTC datetime."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # SQLite raw text, e.g. from a hand-written query
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
