"""The evidence store: a folder under var/ by default, an S3-compatible store (tested against moto's
S3 server over HTTP) when configured; keys drawn by the server, never a path."""
from __future__ import annotations

import stat

import pytest

from bot.evidence import FolderStore, MissingFile, S3Store, new_key, store_from_settings
from bot.evidence.storage import thumbnail_key
from bot.settings import PROJECT_ROOT


def round_trip(store) -> None:
    key = new_key("jpg")
    store.put(key, b"\xff\xd8\xffpicture", "image/jpeg")
    assert store.exists(key)
    assert store.get(key) == b"\xff\xd8\xffpicture"
    thumb = thumbnail_key(key)
    store.put(thumb, b"small", "image/jpeg")
    assert store.get(thumb) == b"small"
    store.delete(key)
    store.delete(key)                     # already gone: no error
    assert not store.exists(key)
    with pytest.raises(MissingFile):
        store.get(key)
    assert store.get(thumb) == b"small"


def test_the_folder_store_keeps_files_private_under_random_names(tmp_path):
    store = FolderStore(tmp_path / "evidence")
    round_trip(store)
    key = new_key("pdf")
    store.put(key, b"%PDF-1.7", "application/pdf")
    path = store.path(key)
    assert path.parent.parent == tmp_path / "evidence" and path.name == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".incoming")]


@pytest.mark.parametrize("key", ["../../etc/passwd", "photo.jpg", "/tmp/x.jpg", "a" * 32 + ".jpg/..",
                                 "A" * 32 + ".jpg", "a" * 32 + ".jpg\x00.html", ""])
def test_a_key_that_is_not_one_the_server_draws_is_refused(tmp_path, key):
    store = FolderStore(tmp_path)
    for use in (lambda: store.put(key, b"x", "image/jpeg"), lambda: store.get(key),
                lambda: store.delete(key)):
        with pytest.raises(ValueError):
            use()
    assert list(tmp_path.iterdir()) == []


def test_the_default_is_a_folder_under_var(monkeypatch):
    monkeypatch.delenv("INTAKE_EVIDENCE_STORE", raising=False)
    monkeypatch.delenv("INTAKE_EVIDENCE_DIR", raising=False)
    store = store_from_settings()
    assert isinstance(store, FolderStore)
    assert store.root == PROJECT_ROOT / "var" / "evidence"


def test_the_s3_store_against_a_local_s3_server(s3_server, s3_bucket, monkeypatch):
    bucket, client = s3_bucket
    monkeypatch.setenv("INTAKE_EVIDENCE_STORE", "s3")
    monkeypatch.setenv("INTAKE_EVIDENCE_S3_BUCKET", bucket)
    monkeypatch.setenv("INTAKE_EVIDENCE_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("INTAKE_EVIDENCE_S3_PREFIX", "intake/")
    store = store_from_settings()
    assert isinstance(store, S3Store)
    round_trip(store)
    key = new_key("jpg")
    store.put(key, b"\xff\xd8\xffx", "image/jpeg")
    head = client.head_object(Bucket=bucket, Key="intake/" + key)
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentDisposition"] == "attachment"
    listed = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert listed == ["intake/" + key] or ("intake/" + key) in listed
    assert all(name.startswith("intake/") for name in listed)
