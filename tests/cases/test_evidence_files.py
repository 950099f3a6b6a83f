"""Residents' files in the case store: kept against the conversation with who sent them and when,
linked to the case the conversation files (and to a case more information is added to), counted,
exported for subject access, and deleted with their bytes by erasure and retention."""
from __future__ import annotations

import base64
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from bot.cases import attachments
from bot.cases.models import Attachment
from bot.cases.privacy import Subject, apply_retention, erase_subject, subject_access_export
from bot.evidence import Refused
from tests.cases.conftest import submission
from tests.evidence.conftest import photo




def keep(desk, conversation="conv-1", data=None, name="IMG_0001.JPG", channel="facebook"):
    return desk.keep(conversation_id=conversation, channel=channel, sender_id=conversation,
                     data=data or photo(), original_name=name)


def rows(store) -> list[Attachment]:
    with store.read() as db:
        return list(db.execute(sa.select(Attachment).order_by(Attachment.id)).scalars())


def test_files_of_a_conversation_join_the_case_it_files_with_who_sent_them_and_when(
        store, desk, files, clock):
    first = keep(desk)
    clock.advance(minutes=1)
    keep(desk, data=b"%PDF-1.7\n" + b"0" * 100, name="../../letter from the council.pdf")
    keep(desk, conversation="someone-else")
    case, created = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    assert created
    kept = [row for row in rows(store) if row.conversation_id == "conv-1"]
    assert [(r.kind, r.case_id, r.channel, r.sender_id) for r in kept] == [
        ("photo", case.id, "facebook", "conv-1"), ("document", case.id, "facebook", "conv-1")]
    assert kept[0].id == first.attachment_id and kept[0].received_at < kept[1].received_at
    assert kept[1].original_name == "letter from the council.pdf"     # a name, never a path
    assert all(files.exists(r.key) for r in kept)
    assert not any("letter" in r.key or "IMG" in r.key for r in kept)
    other = next(r for r in rows(store) if r.conversation_id == "someone-else")
    assert other.case_id is None
    filed = store.history(case.reference)[0]
    assert filed.details["attachments"] == 2
    # A retried filing links nothing twice.
    again, created = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    assert not created and again.id == case.id


def test_evidence_sent_while_adding_information_joins_the_same_case(store, desk):
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    keep(desk, conversation="later-chat")
    store.add_information(case.reference, "Here is a photo of the mould now", channel="facebook",
                          conversation_id="later-chat")
    assert [r.case_id for r in rows(store)] == [case.id]


def test_the_number_of_files_per_conversation_is_limited(desk, monkeypatch):
    monkeypatch.setenv("INTAKE_EVIDENCE_MAX_FILES", "2")
    keep(desk)
    keep(desk)
    with pytest.raises(Refused) as refused:
        keep(desk)
    assert refused.value.reason == "count"
    keep(desk, conversation="another")  # per conversation


def test_subject_access_exports_the_files_without_their_location(store, desk, tracker, files):
    keep(desk)
    desk.missing(conversation_id="conv-1", channel="facebook", sender_id="conv-1", kind="video",
                 problem="HTTP 404")
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    export = subject_access_export(store, Subject(reference=case.reference), actor="test",
                                   tracker=tracker, files=files)
    exported = export["cases"][0]["attachments"]
    assert [(f["kind"], f["status"]) for f in exported] == [("photo", "stored"),
                                                             ("video", "missing")]
    picture = Image.open(io.BytesIO(base64.b64decode(exported[0]["content_base64"])))
    assert picture.format == "JPEG" and dict(picture.getexif()) == {}
    assert exported[0]["file_name"].endswith(".jpg") and exported[1]["problem"] == "HTTP 404"


def test_erasure_deletes_the_files_of_the_case_and_of_its_conversation(store, desk, tracker, files):
    keep(desk)
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    keep(desk)  # sent after filing: the conversation's, no case's yet
    keys = [k for r in rows(store) for k in (r.key, r.thumbnail_key)]
    assert keys and all(files.exists(k) for k in keys)
    erase_subject(store, Subject(reference=case.reference), actor="test", tracker=tracker,
                  files=files)
    assert rows(store) == []
    assert not any(files.exists(k) for k in keys)
    erased = store.history(case.reference)[-1]
    assert erased.kind == "erased" and erased.details["attachments"] == 1


def test_retention_deletes_the_files_of_anonymised_cases_and_idle_conversations(
        store, desk, tracker, files, clock):
    keep(desk)
    keep(desk, conversation="no-case")
    case, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    store.close(case.reference, "staff:amy")
    keys = [k for r in rows(store) for k in (r.key, r.thumbnail_key)]
    clock.advance(days=365 * 7)
    apply_retention(store, tracker=tracker, files=files)
    # The conversation that filed no case has no events, so it is not idle yet: its file stays.
    assert [r.conversation_id for r in rows(store)] == ["no-case"]
    assert not any(files.exists(k) for k in keys[:2])
    assert attachments.display_name("C:\\Users\\ada\\photo.jpg") == "photo.jpg"


# --- a file sent after the conversation filed its case ---------------------------------------------

def test_a_file_sent_after_filing_joins_the_conversation_s_last_case_at_once(store, desk, clock):
    first, _ = store.file_case(submission(conversation_id="conv-1"), "housing-ombudsman-code")
    clock.advance(minutes=5)
    second, _ = store.file_case(submission(conversation_id="conv-1", description="Another matter"),
                                "housing-ombudsman-code", "second")
    clock.advance(minutes=5)
    kept = desk.keep(conversation_id="conv-1", channel="webchat", sender_id="conv-1",
                     data=photo(), original_name="later.jpg", join_filed_case=True)
    assert kept.reference == second.reference
    [row] = rows(store)
    assert (row.case_id, row.channel, row.sender_id) == (second.id, "webchat", "conv-1")
    assert row.linked_at == row.received_at == clock()
    entry = store.history(second.reference)[-1]
    assert (entry.kind, entry.actor) == ("information_added", "resident")
    assert entry.details["attachments"] == 1 and entry.details["file"] == "photo"
    assert entry.details["channel"] == "webchat" and entry.details["conversation_id"] == "conv-1"
    assert entry.details["received_at"] == clock().isoformat()
    from bot.staff.display import detail_items

    shown = dict(detail_items(entry.details))
    assert shown["File"] == "photo" and shown["Received"].endswith(clock().strftime("%H:%M"))
    assert store.get(second.reference).version == second.version + 1
    assert [e.kind for e in store.history(first.reference)] == ["filed"]


def test_a_file_sent_while_a_form_is_under_way_or_before_any_filing_waits(store, desk):
    waiting = desk.keep(conversation_id="conv-2", channel="facebook", sender_id="conv-2",
                        data=photo(), join_filed_case=True)          # nothing filed yet
    assert waiting.reference is None
    case, _ = store.file_case(submission(conversation_id="conv-2"), "housing-ombudsman-code")
    mid_form = desk.keep(conversation_id="conv-2", channel="facebook", sender_id="conv-2",
                         data=photo(), join_filed_case=False)        # the channel: a form is open
    assert mid_form.reference is None
    assert [r.case_id for r in rows(store)] == [case.id, None]     # the first joined at filing


def test_an_anonymised_case_takes_no_more_files(store, desk, files, tracker):
    case, _ = store.file_case(submission(conversation_id="conv-3"), "housing-ombudsman-code")
    erase_subject(store, Subject(reference=case.reference), actor="test", tracker=tracker,
                  files=files)
    kept = desk.keep(conversation_id="conv-3", channel="facebook", sender_id="conv-3",
                     data=photo(), join_filed_case=True)
    assert kept.reference is None and rows(store)[-1].case_id is None
