"""Residents' files in the staff workspace: thumbnails on the case and in the transcript, the full
picture and downloads served only to signed-in staff, with Content-Disposition, nosniff and a CSP
that lets nothing run."""
from __future__ import annotations

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
