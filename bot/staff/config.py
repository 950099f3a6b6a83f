"""The staff workspace's configuration: environment settings, the generated secret key, and the
settings an admin changes in the workspace (kept in the case-store database; they win over the
environment's defaults)."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from bot import settings
from bot.staff.models import StaffSetting
from bot.staff.transcripts import DEFAULT_LOW_CONFIDENCE

SECRET_KEY_FILE = "staff-secret-key"
TRUE = ("1", "true", "yes", "on")


class ConfigError(ValueError):
    """A bad setting; the message names it."""


def secret_key() -> str:
    """STAFF_SECRET_KEY, or the key in var/staff-secret-key (made on first use)."""
    key = settings.get("STAFF_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("STAFF_SECRET_KEY: use at least 32 random characters "
                              "(or leave it empty to have one generated into var/)")
        return key
    path = settings.var_dir() / SECRET_KEY_FILE
    if not path.exists():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass        # another process made it meanwhile
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{path}: the generated key is damaged: delete the file to make a new one")
    return key


def flag(name: str) -> bool:
    value = settings.get(name).strip().lower()
    if value not in TRUE + ("0", "false", "no", "off"):
        raise ConfigError(f"{name}: expected true or false, not {value!r}")
    return value in TRUE


def integer(name: str, minimum: int = 0, maximum: int = 10**9) -> int:
    try:
        return settings.integer(name, minimum, maximum)
    except settings.SettingError as error:
        raise ConfigError(str(error)) from None


# --- settings an admin changes in the workspace ---------------------------------------------------

@dataclass(frozen=True)
class Editable:
    key: str
    label: str
    help: str
    parse: Callable[[str], object]
    default: Callable[[], object]


def _homes(text: str) -> int:
    try:
        value = int(str(text).replace(",", "").strip())
    except ValueError:
        raise ConfigError("the number of homes must be a whole number") from None
    if not 1 <= value <= 10_000_000:
        raise ConfigError("the number of homes must be from 1 to 10,000,000")
    return value


def _threshold(text: str) -> float:
    text = str(text).strip()
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise ConfigError("the confidence threshold must be a number from 0 to 1") from None
    if not 0 < value <= 1:
        raise ConfigError("the confidence threshold must be more than 0 and at most 1")
    return value


def _homes_default() -> int | None:
    """STAFF_HOMES, or None when it is not set: a made-up number would make a made-up CH01."""
    if not settings.get("STAFF_HOMES").strip():
        return None
    return integer("STAFF_HOMES", 1, 10_000_000)


EDITABLE = {
    "homes": Editable("homes", "Number of homes",
                      "Homes the landlord manages, for TSM CH01 (complaints per 1,000 homes). "
                      "Default: the STAFF_HOMES setting (not set if it is empty).", _homes,
                      _homes_default),
    "low_confidence": Editable("low_confidence", "Low-confidence threshold",
                               "A resident message classified with less confidence than this is "
                               "flagged for review (0 to 1).", _threshold,
                               lambda: DEFAULT_LOW_CONFIDENCE),
}


def get_editable(session: Session, key: str):
    item = EDITABLE[key]
    row = session.get(StaffSetting, key)
    if row is not None:
        try:
            return item.parse(row.value)
        except ConfigError:
            pass
    return item.default()


def is_overridden(session: Session, key: str) -> bool:
    return session.get(StaffSetting, key) is not None


def set_editable(session: Session, key: str, text: str | None, *, actor: str,
                 now: datetime) -> object:
    """Set (or, with empty text, reset to its default) one setting; its new value."""
    item = EDITABLE[key]
    row = session.get(StaffSetting, key)
    if text is None or not str(text).strip():
        if row is not None:
            session.delete(row)
        return item.default()
    value = item.parse(text)
    if row is None:
        row = StaffSetting(key=key)
        session.add(row)
    row.value, row.updated_by, row.updated_at = str(value), actor, now
    return value
