"""Where evidence files live, behind one small interface:

    store = store_from_settings()           # INTAKE_EVIDENCE_STORE: folder (default) or s3
    key = new_key("jpg")                    # "3f0c...9a.jpg": drawn here, never a resident's name
    store.put(key, data, "image/jpeg")
    store.get(key)                          # bytes, or MissingFile
    store.delete(key)                       # nothing happens if it is already gone

`FolderStore` keeps each file under INTAKE_EVIDENCE_DIR (default `var/evidence`), in a folder
named by the key's first two characters, readable by the server's user only. `S3Store` keeps it in
a bucket of Amazon S3 or any S3-compatible store (INTAKE_EVIDENCE_S3_BUCKET, _PREFIX,
_ENDPOINT_URL, _REGION; credentials from boto3's usual places). A key is 32 hex digits, an
optional `.thumb` and an extension: anything else is refused before any path or object name is
made of it, so nothing is ever written or read outside the store.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Protocol

from bot import settings

log = logging.getLogger(__name__)

KEY = re.compile(r"[0-9a-f]{32}(?:\.thumb)?\.[a-z0-9]{2,5}")


class MissingFile(LookupError):
    """No file is stored under that key (deleted, or never stored)."""


def new_key(extension: str, *, thumbnail: bool = False) -> str:
    key = uuid.uuid4().hex + (".thumb" if thumbnail else "") + "." + extension
    return valid_key(key)


def thumbnail_key(key: str) -> str:
    """The key of a file's thumbnail: the same random part, `.thumb.jpg`."""
    return valid_key(valid_key(key)[:32] + ".thumb.jpg")


def valid_key(key: str) -> str:
    if not isinstance(key, str) or KEY.fullmatch(key) is None:
        raise ValueError(f"not an evidence key: {key!r}")
    return key


class EvidenceStore(Protocol):
    def put(self, key: str, data: bytes, media_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def describe(self) -> str: ...


class FolderStore:
    """Files in a folder on this machine (every Rasa server and the staff workspace must see the
    same folder: one machine, or a shared volume)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        key = valid_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, media_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise MissingFile(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def describe(self) -> str:
        return f"folder {self.root}"


class S3Store:
    """Files in a bucket of an S3-compatible object store (boto3)."""

    def __init__(self, bucket: str, *, prefix: str = "evidence/", endpoint_url: str | None = None,
                 region: str | None = None, client=None) -> None:
        if not bucket:
            raise ValueError("INTAKE_EVIDENCE_S3_BUCKET: a bucket is needed with "
                             "INTAKE_EVIDENCE_STORE=s3")
        self.bucket = bucket
        self.prefix = prefix or ""
        self.endpoint_url = endpoint_url or None
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("s3", endpoint_url=self.endpoint_url, region_name=region or None,
                                  config=Config(signature_version="s3v4", connect_timeout=5,
                                                read_timeout=30,
                                                retries={"max_attempts": 3, "mode": "standard"}))
        self.client = client

    def _name(self, key: str) -> str:
        return self.prefix + valid_key(key)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                               ContentType=media_type, ContentDisposition="attachment")

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise MissingFile(key) from None
            raise
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"S3 bucket {self.bucket}{where}, prefix {self.prefix!r}"


def evidence_dir() -> Path:
    path = Path(settings.get("INTAKE_EVIDENCE_DIR"))
    return path if path.is_absolute() else settings.PROJECT_ROOT / path


_cache: dict[tuple, EvidenceStore] = {}
_lock = threading.Lock()


def store_from_settings() -> EvidenceStore:
    """The store the settings name (one per process and configuration)."""
    kind = settings.get("INTAKE_EVIDENCE_STORE").strip().lower()
    if kind == "folder":
        config: tuple = ("folder", str(evidence_dir()))
    elif kind == "s3":
        config = ("s3", settings.get("INTAKE_EVIDENCE_S3_BUCKET"),
                  settings.get("INTAKE_EVIDENCE_S3_PREFIX"),
                  settings.get("INTAKE_EVIDENCE_S3_ENDPOINT_URL"),
                  settings.get("INTAKE_EVIDENCE_S3_REGION"))
    else:
        raise settings.SettingError(f"INTAKE_EVIDENCE_STORE: folder or s3, not {kind!r}")
    with _lock:
        if config not in _cache:
            if config[0] == "folder":
                _cache[config] = FolderStore(config[1])
            else:
                _cache[config] = S3Store(config[1], prefix=config[2], endpoint_url=config[3],
                                         region=config[4])
        return _cache[config]
