"""Forwarding tells the landlord's system what is known of each of a case's files and where staff
open it in the workspace, never the bytes or the resident's own file name; a file added later
is forwarded with the change, and anonymisation empties the list of what still waits. With
INTAKE_PUBLIC_URL set, the forwarder adds a signed, expiring link to each file as it delivers."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.cases import attachments
from bot.cases.models import Attachment, OutboxMessage
from bot.cases.outbox import Forwarder, ForwardingNotConfigured
from bot.cases.privacy import Subject, erase_subject
from bot.evidence import links
from tests.cases.conftest import submission
from tests.cases.receiver import Receiver
from tests.evidence.conftest import photo
from tests.support.servers import free_port




def payloads(store) -> list[dict]:
    with store.read() as db:
        return [json.loads(p) for p in db.execute(
            sa.select(OutboxMessage.payload).order_by(OutboxMessage.id)).scalars()]


def test_the_filing_forwards_each_file_s_metadata_and_its_workspace_link(make_store, desk, clock):
    store = make_store(forward=True)
    kept = desk.keep(conversation_id="conv-1", channel="facebook", sender_id="conv-1",
                     data=photo(), original_name="Flat 3 Smith St.jpg")
    desk.missing(conversation_id="conv-1", channel="facebook", sender_id="conv-1", kind="video",
                 problem="HTTP 404")
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    [filed] = payloads(store)
    stored, missing = filed["files"]
    assert stored == {
        "id": kept.attachment_id, "kind": "photo", "status": "stored", "media_type": "image/jpeg",
        "size": stored["size"], "sha256": stored["sha256"], "received_at": clock().isoformat(),
        "channel": "facebook", "file_name": f"{case.reference}-photo-{kept.attachment_id}.jpg",
        "workspace_path": f"/evidence/{kept.attachment_id}?download=1"}
    assert stored["size"] > 0 and len(stored["sha256"]) == 64
    assert missing["status"] == "missing" and missing["problem"] == "HTTP 404"
    assert "workspace_path" not in missing and "size" not in missing
    assert "Smith" not in json.dumps(filed)                     # the resident's file name stays
    assert "content_base64" not in json.dumps(filed)            # and so do the bytes


def test_a_file_added_after_filing_is_forwarded_with_that_change(make_store, desk, monkeypatch):
    # The desk (in the Rasa server) writes the outbox when forwarding is set, as every store does.
    monkeypatch.setenv("INTAKE_FORWARD_URL", "http://127.0.0.1:9/intake")
    store = make_store(forward=True)
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    assert payloads(store)[0]["files"] == []
    desk.keep(conversation_id="conv-1", channel="webchat", sender_id="conv-1", data=photo(),
              join_filed_case=True)
    added = payloads(store)[-1]
    assert added["type"] == "case.information_added"
    assert [f["kind"] for f in added["files"]] == ["photo"]
    assert added["event"]["details"]["attachments"] == 1


def test_anonymisation_empties_the_files_of_what_still_waits(make_store, desk, files, tracker):
    store = make_store(forward=True)
    desk.keep(conversation_id="conv-1", channel="facebook", sender_id="conv-1", data=photo())
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    assert len(payloads(store)[0]["files"]) == 1
    erase_subject(store, Subject(reference=case.reference), actor="test", tracker=tracker,
                  files=files)
    assert all(p["files"] == [] for p in payloads(store))


# --- signed links (issue 23) ---------------------------------------------------------------------

FORWARD_SECRET = "forward-secret-for-tests"
LINK_SECRET = "link-secret-for-tests-0123456789abcdef"


@pytest.fixture
def receiver():
    receiver = Receiver(free_port(), FORWARD_SECRET)
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def forwarding(monkeypatch, receiver):
    """The forwarding settings, without links."""
    monkeypatch.setenv("INTAKE_FORWARD_URL", receiver.url)
    monkeypatch.setenv("INTAKE_FORWARD_SECRET", FORWARD_SECRET)
    for name in ("INTAKE_PUBLIC_URL", "INTAKE_FILE_LINK_SECRET", "INTAKE_FILE_LINK_PREVIOUS_SECRET",
                 "INTAKE_FILE_LINK_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def delivered(store, receiver) -> list[bytes]:
    report = Forwarder.from_settings(store, jitter=0).deliver_due()
    assert report.failed == {}
    assert all(r["signed"] for r in receiver.receipts)
    return [r["body"] for r in receiver.receipts]


def test_without_a_public_address_files_are_forwarded_without_links(make_store, desk, receiver,
                                                                    forwarding):
    store = make_store(forward=True)
    desk.keep(conversation_id="conv-1", channel="webchat", sender_id="conv-1", data=photo())
    store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    [body] = delivered(store, receiver)
    with store.read() as db:
        [stored] = db.execute(sa.select(OutboxMessage.payload)).scalars()
    assert body == stored.encode()                         # exactly what was written
    [item] = json.loads(body)["files"]
    assert item["status"] == "stored" and "link" not in item and "link_expires_at" not in item


def test_a_public_address_without_a_link_secret_stops_the_forwarder(make_store, forwarding):
    forwarding.setenv("INTAKE_PUBLIC_URL", "https://complaints.example.org")
    with pytest.raises(ForwardingNotConfigured, match="INTAKE_FILE_LINK_SECRET is not set"):
        Forwarder.from_settings(make_store(forward=True))


def test_with_links_each_stored_file_gets_a_signed_link_made_at_delivery(
        make_store, desk, files, receiver, forwarding, clock):
    forwarding.setenv("INTAKE_PUBLIC_URL", "https://complaints.example.org/")
    forwarding.setenv("INTAKE_FILE_LINK_SECRET", LINK_SECRET)
    forwarding.setenv("INTAKE_FILE_LINK_DAYS", "3")
    store = make_store(forward=True)
    kept = desk.keep(conversation_id="conv-1", channel="webchat", sender_id="conv-1", data=photo())
    desk.missing(conversation_id="conv-1", channel="facebook", sender_id="conv-1", kind="video",
                 problem="HTTP 404")
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    clock.advance(days=2)                                   # the receiver was down meanwhile
    [body] = delivered(store, receiver)
    stored, missing = json.loads(body)["files"]
    assert stored["link_expires_at"] == (clock() + timedelta(days=3)).isoformat()
    assert stored["link"].startswith(f"https://complaints.example.org/files/{kept.attachment_id}.")
    token = stored["link"].rsplit("/", 1)[1]
    with store.read() as db:
        key = db.get(Attachment, kept.attachment_id).key
    link = links.checker_from_settings().check(token, now=clock())
    assert link.file_id == kept.attachment_id and link.opens(key)
    assert "link" not in missing
    assert payloads(store)[0]["files"][0].get("link") is None   # the outbox holds no link

    # A file deleted after the change was written gets no link in what is delivered later.
    store.acknowledge(case.reference, "staff:a")
    with store.write() as db:
        attachments.delete_for(db, files, case_ids=[case.id])
    _first, later = delivered(store, receiver)
    [listed, _missing] = json.loads(later)["files"]
    assert listed["id"] == kept.attachment_id and "link" not in listed
