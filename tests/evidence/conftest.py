"""Fixtures for the evidence tests: pictures made on the fly (with EXIF and GPS), and a local
S3-compatible server (moto's server mode) started once per test session."""
from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image


def photo(fmt: str = "JPEG", size=(640, 480), gps: bool = True, mode: str = "RGB") -> bytes:
    """A picture as a phone sends it: with the camera's EXIF, a GPS position and an orientation."""
    image = Image.new(mode, size, (200, 60, 40) if mode == "RGB" else (200, 60, 40, 128))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0x0110] = "PhoneModel 12"       # Model
    exif[0x0112] = 6                     # Orientation: rotated 90 degrees
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 in server mode on a free loopback port: a real HTTP S3 API for boto3."""
    from moto.server import ThreadedMotoServer

    from tests.support.servers import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    name = f"evidence-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return name, client
