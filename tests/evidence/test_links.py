"""Signed, expiring links to residents' files (bot/evidence/links.py): HMAC-SHA256 over the file's
id, its expiry and a tag of its storage key; a link opens its own file only, until it expires, and
only while the key that signed it is accepted."""
from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64decode
from datetime import datetime, timedelta, timezone

import pytest

from bot.evidence import links
from bot.evidence.links import BadLink, ExpiredLink, FileLinks, LinksNotConfigured

SECRET = "link-secret-for-tests-0123456789abcdef"
KEY = "0123456789abcdef0123456789abcdef.jpg"
OTHER_KEY = "fedcba9876543210fedcba9876543210.jpg"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def test_a_link_names_its_file_and_expiry_and_is_an_hmac_sha256_of_them():
    made = FileLinks(SECRET, base_url="https://complaints.example.org/")
    url, expires = made.url(12, KEY, now=NOW)
    assert expires == NOW + timedelta(days=7)
    assert url.startswith("https://complaints.example.org/files/12.")
    token = url.rsplit("/", 1)[1]
    file_id, expiry, tag, signature = token.split(".")
    assert (file_id, int(expiry)) == ("12", int(expires.timestamp()))
    assert tag == hashlib.sha256(KEY.encode()).hexdigest()[:16] and KEY[:32] not in token
    # HMAC-SHA256 of "<id>.<expiry>.<tag>", keyed with a key derived from the secret.
    key = hmac.new(SECRET.encode(), links.SALT, hashlib.sha256).digest()
    expected = hmac.new(key, f"{file_id}.{expiry}.{tag}".encode(), hashlib.sha256).digest()
    assert urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected

    link = made.check(token, now=NOW)
    assert (link.file_id, link.expires_at) == (12, expires)
    assert link.opens(KEY) and not link.opens(OTHER_KEY) and not link.opens(None)


def test_a_tampered_or_foreign_token_is_refused():
    made = FileLinks(SECRET)
    token, _ = made.token(12, KEY, now=NOW)
    file_id, expiry, tag, signature = token.split(".")
    other, _ = made.token(13, OTHER_KEY, now=NOW)
    forged = [
        f"13.{expiry}.{tag}.{signature}",                        # another file's id
        f"{file_id}.{int(expiry) + 86400}.{tag}.{signature}",    # a later expiry
        f"{file_id}.{expiry}.{links.tag_of(OTHER_KEY)}.{signature}",
        f"{file_id}.{expiry}.{tag}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        f"{file_id}.{expiry}.{tag}.{other.rsplit('.', 1)[1]}",   # another link's signature
        FileLinks("another-secret-entirely")
        .token(12, KEY, now=NOW)[0],                              # signed with another key
        f"{file_id}.{expiry}.{tag}", "", "12", "...", "x" * 5000, "12.é.x.y",
    ]
    for token in forged:
        with pytest.raises(BadLink):
            made.check(token, now=NOW)


def test_only_the_signature_as_written_opens_a_link():
    # The last of 43 base64 characters carries 2 spare bits a decoder ignores: the three other
    # spellings of it decode to the same HMAC and must still be refused.
    made = FileLinks(SECRET)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for file_id in range(1, 30):
        token, _ = made.token(file_id, KEY, now=NOW)
        assert made.check(token, now=NOW).file_id == file_id
        last = alphabet.index(token[-1])
        for spare in (1, 2, 3):
            twin = token[:-1] + alphabet[last ^ spare]
            with pytest.raises(BadLink):
                made.check(twin, now=NOW)


def test_a_link_expires_at_its_expiry_and_the_lifetime_is_configurable():
    made = FileLinks(SECRET, lifetime=timedelta(days=2))
    token, expires = made.token(12, KEY, now=NOW)
    assert expires == NOW + timedelta(days=2)
    assert made.check(token, now=expires - timedelta(seconds=1)).file_id == 12
    with pytest.raises(ExpiredLink) as refused:
        made.check(token, now=expires)
    assert refused.value.link.file_id == 12
    # Expiry is checked after the signature: a forged "expired" link is a bad one.
    with pytest.raises(BadLink):
        made.check(token[:-1] + ("A" if token[-1] != "A" else "B"), now=expires + timedelta(days=1))


def test_the_secret_is_rotated_through_the_previous_one():
    old = FileLinks("old-link-secret-0123456789")
    token, _ = old.token(12, KEY, now=NOW)
    rotating = FileLinks("new-link-secret-0123456789", previous="old-link-secret-0123456789")
    assert rotating.check(token, now=NOW).file_id == 12        # old links open until they expire
    fresh, _ = rotating.token(12, KEY, now=NOW)                # new ones are signed with the new key
    with pytest.raises(BadLink):
        old.check(fresh, now=NOW)
    rotated = FileLinks("new-link-secret-0123456789")          # the old key dropped (or leaked)
    with pytest.raises(BadLink):
        rotated.check(token, now=NOW)
    assert rotated.check(fresh, now=NOW).file_id == 12


def test_links_need_a_secret():
    with pytest.raises(LinksNotConfigured, match="INTAKE_FILE_LINK_SECRET"):
        FileLinks("")
    with pytest.raises(LinksNotConfigured, match="INTAKE_PUBLIC_URL"):
        FileLinks(SECRET).url(12, KEY, now=NOW)


def test_the_settings_turn_links_on_and_say_what_is_missing(monkeypatch):
    for name in ("INTAKE_PUBLIC_URL", "INTAKE_FILE_LINK_SECRET", "INTAKE_FILE_LINK_PREVIOUS_SECRET",
                 "INTAKE_FILE_LINK_DAYS"):
        monkeypatch.delenv(name, raising=False)
    assert links.links_from_settings() is None and links.problems() == []
    with pytest.raises(LinksNotConfigured, match="INTAKE_FILE_LINK_SECRET"):
        links.checker_from_settings()

    monkeypatch.setenv("INTAKE_PUBLIC_URL", "https://complaints.example.org/intake/")
    with pytest.raises(LinksNotConfigured, match="INTAKE_FILE_LINK_SECRET is not set"):
        links.links_from_settings()
    assert len(links.problems()) == 1 and "INTAKE_FILE_LINK_SECRET" in links.problems()[0]
    from bot.ops.preflight import check_file_links

    assert check_file_links() == links.problems()

    monkeypatch.setenv("INTAKE_FILE_LINK_SECRET", SECRET)
    monkeypatch.setenv("INTAKE_FILE_LINK_DAYS", "3")
    made = links.links_from_settings()
    url, expires = made.url(12, KEY, now=NOW)
    assert url.startswith("https://complaints.example.org/intake/files/12.")
    assert expires == NOW + timedelta(days=3) and links.problems() == []
    assert links.checker_from_settings().check(url.rsplit("/", 1)[1], now=NOW).file_id == 12

    for bad in ("complaints.example.org", "ftp://x.org", "https://x.org/?a=1", "https://u:p@x.org"):
        monkeypatch.setenv("INTAKE_PUBLIC_URL", bad)
        with pytest.raises(LinksNotConfigured, match="INTAKE_PUBLIC_URL"):
            links.links_from_settings()
    monkeypatch.setenv("INTAKE_PUBLIC_URL", "https://x.org")
    monkeypatch.setenv("INTAKE_FILE_LINK_DAYS", "0")
    with pytest.raises(LinksNotConfigured, match="INTAKE_FILE_LINK_DAYS"):
        links.links_from_settings()
