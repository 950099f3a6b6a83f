"""Signed, expiring links to residents' files, for the landlord's own system.

    links = FileLinks(secret, base_url="https://complaints.example.org", lifetime=timedelta(days=7))
    url, expires_at = links.url(12, row.key, now=now)
        # https://complaints.example.org/files/12.1773064800.5d0c2f6e9a1b4c3d.<signature>
    link = links.check(token, now=now)     # a Link, or BadLink (403) / ExpiredLink (410)
    link.opens(row.key)                    # False: the file is not the one linked (404)

A token is `<file id>.<expiry>.<tag>.<signature>`: the expiry in Unix seconds, the tag the first
16 hex digits of the SHA-256 of the file's storage key (never the key itself), and the signature
HMAC-SHA256 of everything before it (itsdangerous' `Signer`, compared in constant time) keyed
with INTAKE_FILE_LINK_SECRET. The tag ties a link to one stored file: SQLite gives the id of an
erased file to the next file stored, and the tag keeps an old link from opening that one.

Rotation: links are signed with INTAKE_FILE_LINK_SECRET and accepted with it or with
INTAKE_FILE_LINK_PREVIOUS_SECRET, so the old key can be kept there until the links it signed have
expired (INTAKE_FILE_LINK_DAYS); a leaked key is replaced without keeping it, which ends every
link it signed at once. The forwarder makes the links (bot.cases.forwarded_files) and the staff
workspace checks them (bot.staff.views.evidence): both need the same secrets.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from itsdangerous import BadSignature, Signer
from itsdangerous.encoding import base64_decode, base64_encode

from bot import settings

SALT = b"intake.evidence.file-link"
PATH = "/files/"                 # the route of the staff workspace that serves a link
DEFAULT_LIFETIME = timedelta(days=7)
MAX_TOKEN = 200                  # longer is not a token of ours (refused before any work)
_TAG_DIGITS = 16


class LinksNotConfigured(settings.SettingError):
    """Links are asked for, but a setting they need is missing or unusable."""


class BadLink(ValueError):
    """Not a link this server signed (tampered with, made up, or signed with a retired key)."""


class ExpiredLink(ValueError):
    """A link this server signed, past its expiry."""

    def __init__(self, link: "Link") -> None:
        super().__init__(f"the link to file {link.file_id} expired at {link.expires_at.isoformat()}")
        self.link = link


@dataclass(frozen=True)
class Link:
    file_id: int
    expires_at: datetime
    tag: str

    def opens(self, key: str | None) -> bool:
        """Whether the link is for the file stored under `key` (not another given its id)."""
        return bool(key) and tag_of(key) == self.tag


def tag_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_TAG_DIGITS]


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(timezone.utc)


class FileLinks:
    """Makes and checks the links. `secret` signs; `previous` (optional) is also accepted."""

    def __init__(self, secret: str, *, previous: str = "", base_url: str = "",
                 lifetime: timedelta = DEFAULT_LIFETIME) -> None:
        if not secret:
            raise LinksNotConfigured("INTAKE_FILE_LINK_SECRET is not set: files' download links "
                                     "cannot be signed or checked without it")
        if lifetime <= timedelta(0):
            raise ValueError("a link's lifetime must be positive")
        keys = [previous, secret] if previous and previous != secret else [secret]
        # The last key signs; every key is tried when checking (hmac.compare_digest).
        self._signer = Signer(keys, salt=SALT, sep=".", key_derivation="hmac",
                              digest_method=hashlib.sha256)
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime

    def token(self, file_id: int, key: str, *, now: datetime | None = None) -> tuple[str, datetime]:
        """(token, expiry) of a link to the file `file_id` stored under `key`."""
        if not isinstance(file_id, int) or isinstance(file_id, bool) or file_id < 1:
            raise ValueError(f"not a file id: {file_id!r}")
        expires = int((_utc(now) + self.lifetime).timestamp())
        value = f"{file_id}.{expires}.{tag_of(key)}"
        return self._signer.sign(value).decode("ascii"), datetime.fromtimestamp(expires, timezone.utc)

    def url(self, file_id: int, key: str, *, now: datetime | None = None) -> tuple[str, datetime]:
        """(address, expiry) of a link, under `base_url`."""
        if not self.base_url:
            raise LinksNotConfigured("INTAKE_PUBLIC_URL is not set: there is no address to link to")
        token, expires = self.token(file_id, key, now=now)
        return f"{self.base_url}{PATH}{token}", expires

    def check(self, token: str, *, now: datetime | None = None) -> Link:
        """The link `token` stands for: BadLink unless this server signed it (the signature is
        checked first, so nothing is learnt of a made-up one), ExpiredLink once it has expired."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN or not token.isascii():
            raise BadLink("not a file link")
        if not _canonical(token.rsplit(".", 1)[-1]):
            raise BadLink("the signature is not written the way this server writes it")
        try:
            value = self._signer.unsign(token).decode("ascii")
        except BadSignature:
            raise BadLink("the signature does not match") from None
        try:
            file_id, expires, tag = value.split(".")
            link = Link(int(file_id), datetime.fromtimestamp(int(expires), timezone.utc), tag)
        except (ValueError, OverflowError, OSError):
            raise BadLink("a signed value that is not a file link") from None
        if _utc(now) >= link.expires_at:
            raise ExpiredLink(link)
        return link


def _canonical(signature: str) -> bool:
    """Whether `signature` is base64 as we write it. The decoder ignores the spare low bits of the
    last character, so without this one link has four spellings and a tampered one still opens."""
    try:
        return base64_encode(base64_decode(signature)).decode("ascii") == signature
    except (BadSignature, ValueError):
        return False


def lifetime_from_settings() -> timedelta:
    try:
        return timedelta(days=settings.integer("INTAKE_FILE_LINK_DAYS", 1, 90))
    except settings.SettingError as error:
        raise LinksNotConfigured(str(error)) from None


def public_url() -> str:
    """INTAKE_PUBLIC_URL without its final slash ('' when unset); LinksNotConfigured unless it is
    an http(s) address with a host and nothing after its path."""
    value = settings.get("INTAKE_PUBLIC_URL").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise LinksNotConfigured(f"INTAKE_PUBLIC_URL: expected an address such as "
                                 f"https://complaints.example.org, not {value!r}")
    return value.rstrip("/")


def checker_from_settings(base_url: str = "") -> FileLinks:
    """What the staff workspace checks links with; LinksNotConfigured without a secret."""
    return FileLinks(settings.get("INTAKE_FILE_LINK_SECRET"),
                     previous=settings.get("INTAKE_FILE_LINK_PREVIOUS_SECRET"),
                     base_url=base_url, lifetime=lifetime_from_settings())


def links_from_settings() -> FileLinks | None:
    """What the forwarder makes links with: None when INTAKE_PUBLIC_URL is not set (files are
    forwarded without links); LinksNotConfigured when it is set and the secret is not."""
    base_url = public_url()
    if not base_url:
        return None
    if not settings.get("INTAKE_FILE_LINK_SECRET"):
        raise LinksNotConfigured("INTAKE_FILE_LINK_SECRET is not set: with INTAKE_PUBLIC_URL set, "
                                 "forwarded files carry download links, which must be signed")
    return checker_from_settings(base_url)


def problems() -> list[str]:
    """For `python -m bot check`: the link settings, when links are asked for."""
    try:
        links_from_settings()
    except LinksNotConfigured as error:
        return [str(error)]
    return []
