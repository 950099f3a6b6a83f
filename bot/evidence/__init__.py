"""Residents' evidence: photos, videos, voice recordings and documents sent on the channels.

- `checks`: what may be kept. The type is read from the content (magic bytes), never from the
  name; size and count have limits (INTAKE_EVIDENCE_MAX_MB, INTAKE_EVIDENCE_MAX_FILES); pictures
  are decoded and re-encoded with Pillow (HEIC from phones via pillow-heif), which drops EXIF,
  location and any other metadata and neutralises a file that is something else too (a polyglot),
  and a picture too large to decode safely (a decompression bomb) is refused.
- `storage`: one small interface over where the files live: a folder under `var/` by default
  (`FolderStore`), any S3-compatible object store in production (`S3Store`, boto3). Files are
  named by random keys the server draws, never by the resident's file name.
- `replies`: what the resident is told (kept, refused and why).
- `links`: signed, expiring links to one file each, for the landlord's system (HMAC-SHA256 keyed
  with INTAKE_FILE_LINK_SECRET); the forwarder makes them, the staff workspace checks them.

Which conversation and case a file belongs to, who sent it and when, is in the case store
(`bot.cases.attachments`, table `attachments`). This package is a leaf: it imports only
`bot.settings`, so the channels, the case store and the staff workspace can all use it.
"""
from __future__ import annotations

from bot.evidence.checks import KINDS, Evidence, Refused, check, sniff
from bot.evidence.storage import (EvidenceStore, FolderStore, MissingFile, S3Store, new_key,
                                  store_from_settings)

__all__ = ["KINDS", "Evidence", "Refused", "check", "sniff", "EvidenceStore", "FolderStore",
           "S3Store", "MissingFile", "new_key", "store_from_settings"]
