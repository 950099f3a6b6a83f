"""Forwarding tells the landlord's system what is known of each of a case's files and where staff
open it in the workspace, never the bytes or the resident's own file name; a file added later
is forwarded with the change, and anonymisation empties the list of what still waits."""
from __future__ import annotations

import json

import sqlalchemy as sa

from bot.cases.models import OutboxMessage
from bot.cases.privacy import Subject, erase_subject
from tests.cases.conftest import submission
from tests.evidence.conftest import photo




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
