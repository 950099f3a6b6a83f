"""Residents' files in the staff workspace: thumbnails on the case and in the transcript, the full
picture and downloads served only to signed-in staff, with Content-Disposition, nosniff and a CSP
that lets nothing run."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.evidence import EvidenceDesk
from bot.evidence import FolderStore
from tests.evidence.conftest import photo
from tests.staff.conftest import file


@pytest.fixture
def files(app, tmp_path):
    store = FolderStore(tmp_path / "evidence")
    app.config["INTAKE_EVIDENCE_STORE"] = store
    return store


@pytest.fixture
def filed(app, store, files, clock, tracker):
    desk = EvidenceDesk(str(store.engine.url), files, clock=clock)
    tracker.user("conv-evidence", "my ceiling is black with mould", "complain", 0.9)
    kept = desk.keep(conversation_id="conv-evidence", channel="socketio",
                     sender_id="conv-evidence", data=photo(),
                     original_name='<img src=x onerror=alert(1)>.jpg')
    pdf = desk.keep(conversation_id="conv-evidence", channel="socketio",
                    sender_id="conv-evidence", data=b"%PDF-1.7\n<html><script>1</script>")
    desk.missing(conversation_id="conv-evidence", channel="facebook", sender_id="conv-evidence",
                 kind="video", problem="HTTP 404")
    desk.dispose()
    case = file(store, conversation_id="conv-evidence", name="Mo")
    return case, kept.attachment_id, pdf.attachment_id


def test_files_are_refused_without_signing_in(anonymous, filed):
    _case, photo_id, pdf_id = filed
    for path in (f"/evidence/{photo_id}", f"/evidence/{photo_id}/thumbnail",
                 f"/evidence/{pdf_id}?download=1"):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]
        assert b"%PDF" not in answer.data and not answer.data.startswith(b"\xff\xd8")


def test_the_case_page_shows_thumbnails_that_open_the_picture_and_download_links(signed_in, filed):
    case, photo_id, pdf_id = filed
    ada = signed_in("ada")
    page = ada.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Evidence from the resident" in page
    assert f'src="/evidence/{photo_id}/thumbnail"' in page
    assert f'href="/evidence/{photo_id}"' in page and f'href="/evidence/{pdf_id}?download=1"' in page
    assert "Video not received" in page and "HTTP 404" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.jpg" in page
    assert page.count(f'/evidence/{photo_id}/thumbnail') == 1   # the transcript has its own tab
    transcript = ada.get(f"/cases/{case.reference}/conversation").get_data(as_text=True)
    assert transcript.count(f'/evidence/{photo_id}/thumbnail') == 1
    conversation = ada.get("/conversation?id=conv-evidence").get_data(as_text=True)
    assert f'/evidence/{photo_id}/thumbnail' in conversation


def test_files_are_served_with_safe_headers(signed_in, filed):
    case, photo_id, pdf_id = filed
    ada = signed_in("ada")
    picture = ada.get(f"/evidence/{photo_id}")
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert picture.headers["Content-Disposition"] == \
        f'inline; filename="{case.reference}-photo-{photo_id}.jpg"'
    download = ada.get(f"/evidence/{photo_id}?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    pdf = ada.get(f"/evidence/{pdf_id}")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == \
        f'attachment; filename="{case.reference}-document-{pdf_id}.pdf"'
    for answer in (picture, download, pdf, ada.get(f"/evidence/{photo_id}/thumbnail")):
        assert answer.status_code == 200
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
        assert answer.headers["Cache-Control"] == "no-store"
    assert ada.get("/evidence/999999").status_code == 404


# --- signed links for the landlord's system (issue 23) -------------------------------------------

LINK_SECRET = "link-secret-for-tests-0123456789abcdef"
FORWARD_SECRET = "forward-secret-for-tests"


@pytest.fixture
def file_links(app):
    from bot.evidence.links import FileLinks

    links = FileLinks(LINK_SECRET, base_url="https://complaints.example.org/")
    app.config["INTAKE_FILE_LINKS"] = links
    return links


@pytest.fixture
def receiver():
    from tests.cases.receiver import Receiver
    from tests.support.servers import free_port

    receiver = Receiver(free_port(), FORWARD_SECRET)
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def forwarded(request, store, files, file_links, receiver):
    """The `filed` case forwarded to a real receiver with links: (case, photo id, pdf id, the
    files as the landlord's system got them, by id)."""
    from bot.cases.outbox import Forwarder

    store.forward = True
    case, photo_id, pdf_id = request.getfixturevalue("filed")
    report = Forwarder(store, receiver.url, FORWARD_SECRET, links=file_links, jitter=0).deliver_due()
    assert report.failed == {} and len(report.delivered) == 1
    [payload] = receiver.accepted.values()               # signed, links and all
    return case, photo_id, pdf_id, {item["id"]: item for item in payload["files"]}


def path_of(link: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "complaints.example.org")
    return parts.path


def test_a_forwarded_case_s_links_fetch_the_exact_files_without_signing_in(
        anonymous, forwarded, store, files, clock):
    import hashlib

    from bot.cases.models import Attachment

    case, photo_id, pdf_id, sent = forwarded
    [missing] = [item for item in sent.values() if item["status"] == "missing"]
    assert "link" not in missing and "link_expires_at" not in missing
    for file_id, media_type, name in ((photo_id, "image/jpeg", "photo"),
                                      (pdf_id, "application/pdf", "document")):
        item = sent[file_id]
        assert item["link_expires_at"] == (clock() + timedelta(days=7)).isoformat()
        answer = anonymous.get(path_of(item["link"]))
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        with store.read() as db:
            key = db.get(Attachment, file_id).key
        assert answer.data == files.get(key)                       # the exact bytes kept
        assert hashlib.sha256(answer.data).hexdigest() == item["sha256"]
        assert answer.mimetype == media_type
        # The staff route's safe headers, and always a download.
        assert answer.headers["Content-Disposition"] == \
            f'attachment; filename="{case.reference}-{name}-{file_id}.{key.rsplit(".", 1)[1]}"'
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
        assert answer.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in answer.headers                  # no session is started
    # The staff routes still need a session; the link route lists nothing.
    for path in (f"/evidence/{photo_id}", f"/evidence/{pdf_id}?download=1"):
        assert anonymous.get(path).status_code == 302
    for path in ("/files/", "/files"):     # no such page: to sign in, like any unknown address
        assert anonymous.get(path).status_code == 302


def test_a_tampered_foreign_or_unsigned_token_is_refused_with_403(anonymous, forwarded, file_links,
                                                                  clock):
    from bot.evidence.links import FileLinks

    _case, photo_id, pdf_id, sent = forwarded
    photo_token = path_of(sent[photo_id]["link"]).rsplit("/", 1)[1]
    pdf_token = path_of(sent[pdf_id]["link"]).rsplit("/", 1)[1]
    file_id, expiry, tag, signature = photo_token.split(".")
    last = "A" if signature[-1] != "A" else "B"
    foreign = FileLinks("not-the-workspace-s-secret", base_url="https://x.org").token(
        photo_id, "0" * 32 + ".jpg", now=clock())[0]
    for token in (f"{file_id}.{expiry}.{tag}.{signature[:-1]}{last}",   # tampered signature
                  f"{pdf_id}.{expiry}.{tag}.{signature}",               # another file's id
                  f"{file_id}.{int(expiry) + 86400}.{tag}.{signature}",  # a later expiry
                  f"{photo_id}." + pdf_token.split(".", 1)[1],           # the pdf's token, re-aimed
                  foreign, "12", "not-a-token"):
        answer = anonymous.get(f"/files/{token}")
        assert answer.status_code == 403, token
        assert b"%PDF" not in answer.data and not answer.data.startswith(b"\xff\xd8")
    # A genuine link opens its own file and no other.
    assert anonymous.get(f"/files/{pdf_token}").data.startswith(b"%PDF")
    # A link signed for this file id but another stored file (an id given again) is not found.
    stale = file_links.token(photo_id, "f" * 32 + ".jpg", now=clock())[0]
    assert anonymous.get(f"/files/{stale}").status_code == 404


def test_an_expired_link_is_refused_with_410(anonymous, forwarded, clock):
    _case, photo_id, _pdf_id, sent = forwarded
    path = path_of(sent[photo_id]["link"])
    clock.advance(days=7, seconds=-1)
    assert anonymous.get(path).status_code == 200
    clock.advance(seconds=1)
    answer = anonymous.get(path)
    assert answer.status_code == 410 and not answer.data.startswith(b"\xff\xd8")


def test_a_link_to_an_erased_file_is_refused_with_404(anonymous, forwarded, store, files, tracker):
    from bot.cases.privacy import Subject, erase_subject
    from bot.cases.tracker import TrackerStore

    case, photo_id, pdf_id, sent = forwarded
    assert anonymous.get(path_of(sent[photo_id]["link"])).status_code == 200
    reader = TrackerStore(tracker.url)
    try:
        erase_subject(store, Subject(reference=case.reference), actor="test", tracker=reader,
                      files=files)
    finally:
        reader.dispose()
    for file_id in (photo_id, pdf_id):
        answer = anonymous.get(path_of(sent[file_id]["link"]))
        assert answer.status_code == 404 and not answer.data.startswith((b"%PDF", b"\xff\xd8"))


def test_a_link_whose_bytes_are_gone_is_refused_with_404(anonymous, forwarded, store, files):
    from bot.cases.models import Attachment

    _case, photo_id, _pdf_id, sent = forwarded
    with store.read() as db:
        files.delete(db.get(Attachment, photo_id).key)
    assert anonymous.get(path_of(sent[photo_id]["link"])).status_code == 404


def test_links_are_refused_when_the_workspace_has_no_link_secret(app, anonymous, forwarded,
                                                                  monkeypatch):
    _case, photo_id, _pdf_id, sent = forwarded
    app.config["INTAKE_FILE_LINKS"] = None
    monkeypatch.delenv("INTAKE_FILE_LINK_SECRET", raising=False)
    assert anonymous.get(path_of(sent[photo_id]["link"])).status_code == 404
    monkeypatch.setenv("INTAKE_FILE_LINK_SECRET", LINK_SECRET)       # the forwarder's, from the settings
    assert anonymous.get(path_of(sent[photo_id]["link"])).status_code == 200


def test_an_address_sending_many_bad_links_is_slowed_down(app, anonymous, forwarded, caplog):
    from bot.staff.views.evidence import REFUSAL_LIMIT, Refusals

    _case, photo_id, _pdf_id, sent = forwarded
    now = [1000.0]
    app.extensions["intake_file_link_refusals"] = Refusals(clock=lambda: now[0])
    good = path_of(sent[photo_id]["link"])
    token = good.rsplit("/", 1)[1]
    with caplog.at_level("INFO", logger="bot.staff.views.evidence"):
        for _ in range(REFUSAL_LIMIT):
            assert anonymous.get(f"/files/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}"
                                 ).status_code == 403
        assert anonymous.get(good).status_code == 429          # even a good link, for a while
        now[0] += 601
        assert anonymous.get(good).status_code == 200
    logged = caplog.text
    assert "link refused (403)" in logged and f"served file {photo_id}" in logged
    assert token not in logged and token[-20:] not in logged   # the log never holds a link
