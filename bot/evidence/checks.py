"""What a resident may send as evidence, checked from the content alone.

    evidence = check(data)          # Evidence(kind, media_type, extension, data, thumbnail, ...)
                                    # or raises Refused(reason, message for the resident)

Accepted: photos (JPEG, PNG, GIF, WebP, HEIC/HEIF), videos (MP4, QuickTime, 3GP, WebM), voice
recordings and audio (M4A/AAC, MP3, Ogg, WAV, AMR) and PDF documents. The type comes from the
file's first bytes (its "magic"); the name and the type the sender claims are ignored, so an HTML
or SVG page named `photo.jpg` is refused. Photos are decoded and re-encoded (JPEG, or PNG when
they have transparency), turned upright as the camera said, with every piece of metadata left
behind: EXIF, GPS location, XMP, comments. What is kept is a new picture, so bytes hidden after
or inside the original (a polyglot) do not survive. Videos, audio and PDFs are kept as sent (the
server has no video encoder); staff download them as attachments, never displayed in a page.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from bot import settings

KINDS = ("photo", "video", "audio", "document")
# Pictures larger than this are refused before they are decoded (a decompression bomb: a small
# file that decodes to gigabytes). 50 megapixels is more than any phone camera takes.
MAX_PIXELS = 50_000_000
THUMBNAIL_SIZE = (480, 480)
JPEG_QUALITY = 88

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1"}
_AUDIO_MP4_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_3GP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gs7", b"3ge6", b"3g2a", b"3g2b", b"3g2c"}


class Refused(ValueError):
    """A file that is not kept. `reason`: "type", "size", "count", "empty", "picture" or
    "unavailable"; `str(error)` is for the log, `message` for the resident."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason

    @property
    def message(self) -> str:
        from bot.evidence.replies import refusal

        return refusal(self.reason)


@dataclass(frozen=True)
class Evidence:
    """A checked file, ready to store."""

    kind: str                 # photo, video, audio or document
    media_type: str           # of `data`, as it will be served
    extension: str            # of `data`, for the stored key and the download's name
    data: bytes               # re-encoded for a photo; as sent otherwise
    thumbnail: bytes | None = None   # a small JPEG, for photos
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def max_bytes() -> int:
    return settings.integer("INTAKE_EVIDENCE_MAX_MB", 1, 2048) * 1024 * 1024


def max_files() -> int:
    return settings.integer("INTAKE_EVIDENCE_MAX_FILES", 0, 10_000)


def sniff(data: bytes) -> tuple[str, str, str] | None:
    """(kind, media type, extension) read from the first bytes, or None for anything else."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo", "image/png", "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "photo", "image/gif", "gif"
    if head.startswith(b"RIFF") and len(head) >= 12:
        form = head[8:12]
        if form == b"WEBP":
            return "photo", "image/webp", "webp"
        if form == b"WAVE":
            return "audio", "audio/wav", "wav"
        return None
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "photo", "image/heic", "heic"
        if brand in (b"avif", b"avis"):
            return None  # AVIF pictures: not kept (the server's Pillow may not read them)
        if brand in _AUDIO_MP4_BRANDS:
            return "audio", "audio/mp4", "m4a"
        if brand == b"qt  ":
            return "video", "video/quicktime", "mov"
        if brand in _3GP_BRANDS:
            return "video", "video/3gpp", "3gp"
        return "video", "video/mp4", "mp4"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video", "video/webm", "webm"
    if head.startswith(b"OggS"):
        return "audio", "audio/ogg", "ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                   and head[1] in (0xFB, 0xF3, 0xF2, 0xFA)):
        return "audio", "audio/mpeg", "mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] in (0xF1, 0xF9):
        return "audio", "audio/aac", "aac"
    if head.startswith(b"#!AMR"):
        return "audio", "audio/amr", "amr"
    if head.startswith(b"%PDF-"):
        return "document", "application/pdf", "pdf"
    return None


def check(data: bytes, *, limit: int | None = None) -> Evidence:
    """The file as it will be kept, or Refused (see the module's docstring)."""
    limit = max_bytes() if limit is None else limit
    if not data:
        raise Refused("empty", "the file is empty")
    if len(data) > limit:
        raise Refused("size", f"{len(data)} bytes, more than the {limit} allowed")
    found = sniff(data)
    if found is None:
        raise Refused("type", f"not a type that is kept (starts {data[:8]!r})")
    kind, media_type, extension = found
    if kind == "photo":
        return _photo(data)
    return Evidence(kind, media_type, extension, bytes(data))


def _open_image(data: bytes):
    from PIL import Image

    if sniff(data)[1] == "image/heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS or width < 1 or height < 1:
            raise Refused("picture", f"{width} x {height} pixels, more than {MAX_PIXELS}")
        image.load()
    return image


def _photo(data: bytes) -> Evidence:
    from PIL import Image, ImageOps

    try:
        image = _open_image(data)
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # noqa: BLE001 - a broken orientation tag: keep it as it is
            upright = image
        alpha = upright.mode in ("RGBA", "LA", "PA") or (
            upright.mode == "P" and "transparency" in upright.info)
        mode = "RGBA" if alpha else "RGB"
        pixels = upright.convert(mode)
        # A new picture made of the pixels alone: no EXIF, GPS, XMP, ICC, comments or trailing
        # bytes of the original can come along.
        clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
        out = io.BytesIO()
        if alpha:
            clean.save(out, "PNG", optimize=False)
            media_type, extension = "image/png", "png"
        else:
            clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            media_type, extension = "image/jpeg", "jpg"
        thumb = clean.convert("RGBA") if alpha else clean.copy()
        thumb.thumbnail(THUMBNAIL_SIZE)
        if alpha:
            backed = Image.new("RGB", thumb.size, (255, 255, 255))
            backed.paste(thumb, mask=thumb.getchannel("A"))
            thumb = backed
        small = io.BytesIO()
        thumb.save(small, "JPEG", quality=80)
    except Refused:
        raise
    except Exception as error:  # noqa: BLE001 - whatever Pillow cannot read is refused
        raise Refused("picture", f"the picture could not be read: {type(error).__name__}: "
                                 f"{error}") from None
    return Evidence("photo", media_type, extension, out.getvalue(), small.getvalue(),
                    clean.width, clean.height)
