"""What is kept as evidence: the type read from the content, size limits, pictures re-encoded
without their metadata (HEIC from phones too), and the attacks: HTML or SVG named .jpg, a polyglot,
a decompression bomb."""
from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from bot.evidence import Refused, check, sniff
from bot.evidence import replies
from tests.evidence.conftest import photo

GPS_TAG = 0x8825


def reopened(data: bytes) -> Image.Image:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return Image.open(io.BytesIO(data))


def test_a_phone_photo_is_kept_upright_without_exif_or_location():
    sent = photo()
    assert reopened(sent).getexif().get(GPS_TAG)  # the original has a location
    kept = check(sent)
    assert (kept.kind, kept.media_type, kept.extension) == ("photo", "image/jpeg", "jpg")
    image = reopened(kept.data)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}                   # no EXIF at all: no GPS, no camera
    assert b"Exif" not in kept.data[:200] and b"PhoneModel" not in kept.data
    assert image.size == (480, 640)                      # turned as the orientation said
    assert kept.thumbnail and reopened(kept.thumbnail).size[1] <= 480
    assert len(kept.sha256) == 64


def test_a_heic_photo_from_an_iphone_is_kept_as_a_jpeg_without_its_location():
    sent = photo("HEIF")
    assert sniff(sent)[1] == "image/heic"
    kept = check(sent)
    assert kept.media_type == "image/jpeg"
    assert dict(reopened(kept.data).getexif()) == {}


def test_a_transparent_png_stays_a_png_and_loses_its_text_chunks():
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 12 Acacia Avenue")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    kept = check(out.getvalue())
    assert kept.media_type == "image/png"
    assert b"Acacia" not in kept.data


@pytest.mark.parametrize("name, data", [
    ("html named .jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("svg named .jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    ("svg with an xml declaration", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ("an executable", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("a zip (or a Word file)", b"PK\x03\x04\x14\x00\x06\x00"),
    ("plain text", b"hello, this is not a photo"),
])
def test_files_that_are_not_evidence_are_refused_whatever_their_name(name, data):
    with pytest.raises(Refused) as refused:
        check(data)
    assert refused.value.reason == "type"
    assert "photos, videos, voice recordings and PDF documents" in refused.value.message


def test_a_jpeg_html_polyglot_is_neutralised_by_the_re_encoding():
    polyglot = photo(gps=False) + b"<html><script>alert(document.cookie)</script></html>"
    kept = check(polyglot)
    assert b"<script>" not in kept.data and b"<html>" not in kept.data
    assert reopened(kept.data).format == "JPEG"


def test_a_broken_picture_is_refused_politely():
    with pytest.raises(Refused) as refused:
        check(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    assert refused.value.reason == "picture"
    assert "couldn't open that picture" in refused.value.message


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG header claiming a huge picture, with a tiny compressed body."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)   # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 64)                  # a few rows, squeezed
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = _png_bomb(30000, 30000)   # 900 megapixels, a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(Refused) as refused:
        check(bomb)
    assert refused.value.reason == "picture"


def test_size_is_limited_before_anything_is_decoded():
    with pytest.raises(Refused) as refused:
        check(photo(), limit=1000)
    assert refused.value.reason == "size"
    assert "too big" in refused.value.message
    with pytest.raises(Refused) as empty:
        check(b"")
    assert empty.value.reason == "empty"


@pytest.mark.parametrize("head, kind, media_type", [
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video", "video/quicktime"),
    (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom", "audio", "audio/mp4"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01", "video", "video/webm"),
    (b"OggS\x00\x02\x00\x00", "audio", "audio/ogg"),
    (b"ID3\x04\x00\x00\x00\x00", "audio", "audio/mpeg"),
    (b"#!AMR\n", "audio", "audio/amr"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "document", "application/pdf"),
])
def test_videos_recordings_and_pdfs_are_known_by_their_first_bytes(head, kind, media_type):
    kept = check(head + b"\x00" * 64)
    assert (kept.kind, kept.media_type) == (kind, media_type)
    assert kept.thumbnail is None


def test_the_replies_name_the_file_and_the_limits(monkeypatch):
    monkeypatch.setenv("INTAKE_EVIDENCE_MAX_MB", "10")
    monkeypatch.setenv("INTAKE_EVIDENCE_MAX_FILES", "3")
    assert replies.kept(["photo"]).startswith("Thanks, I've kept your photo with this conversation.")
    assert "your 2 photos" in replies.kept(["photo", "photo"])
    assert "your 2 files" in replies.kept(["photo", "video"])
    assert "10 MB" in replies.refusal("size")
    assert "3 files" in replies.refusal("count")
