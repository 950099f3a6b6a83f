"""Sending a letter by e-mail: through the landlord's SMTP server when one is set, else written as
an `.eml` file under var/letters/ (the default run needs no mail server; any mail program opens
the file, and staff can send it on by hand)."""
from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from bot import settings
from bot.letters.compose import Letter

if TYPE_CHECKING:
    from bot.policy.schema import Profile


class DeliveryFailed(RuntimeError):
    """The letter was not sent; the message says why (staff see it, nothing is recorded)."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str
    folder: Path

    @classmethod
    def from_environment(cls, profile: Profile | None = None) -> "MailSettings":
        sender = settings.get("INTAKE_LETTERS_FROM")
        if not sender and profile is not None:
            sender = next((c.value for c in profile.contact.channels if c.kind == "email" and c.value), "")
        folder = settings.get("INTAKE_LETTERS_DIR")
        path = Path(folder) if folder else settings.var_dir() / "letters"
        if not path.is_absolute():
            path = settings.PROJECT_ROOT / path
        return cls(host=settings.get("INTAKE_SMTP_HOST"),
                   port=settings.integer("INTAKE_SMTP_PORT", 1, 65535),
                   username=settings.get("INTAKE_SMTP_USERNAME"),
                   password=settings.get("INTAKE_SMTP_PASSWORD"),
                   starttls=settings.get("INTAKE_SMTP_STARTTLS").strip().lower() in ("1", "true", "yes", "on"),
                   sender=sender or "complaints@localhost", folder=path)

    @property
    def method(self) -> str:
        return f"smtp://{self.host}:{self.port}" if self.host else "eml"


def message(letter: Letter, to: str, sender: str, *, now: datetime | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = letter.subject
    mail["Date"] = format_datetime(now or datetime.now(timezone.utc))
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    mail.set_content(letter.body)
    return mail


def send(letter: Letter, to: str, reference: str, mail_settings: MailSettings, *,
         now: datetime | None = None) -> str:
    """Send (or write) the letter; returns where it went: "smtp://host:port" or the file's path."""
    if not to or "@" not in to:
        raise DeliveryFailed("the case has no e-mail address: print the letter and post it instead")
    now = now or datetime.now(timezone.utc)
    mail = message(letter, to, mail_settings.sender, now=now)
    if not mail_settings.host:
        mail_settings.folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9-]", "", reference)
        path = mail_settings.folder / f"{safe}-{letter.kind}-{now:%Y%m%dT%H%M%S%f}.eml"
        path.write_bytes(bytes(mail))
        return str(path)
    try:
        with smtplib.SMTP(mail_settings.host, mail_settings.port, timeout=30) as smtp:
            if mail_settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mail_settings.username:
                smtp.login(mail_settings.username, mail_settings.password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryFailed(f"the mail server {mail_settings.host}:{mail_settings.port} did not "
                             f"take the letter ({error}); nothing was sent or recorded") from None
    return mail_settings.method
