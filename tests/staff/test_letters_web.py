"""Letters in the workspace: the draft, edited and sent by e-mail (an .eml file by default) or
printed for post, and the letter as sent kept in the history."""
from __future__ import annotations

import email
import re
from email import policy as email_policy

import pytest

from tests.staff.conftest import file


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def letters_dir(tmp_path, monkeypatch):
    folder = tmp_path / "letters"
    monkeypatch.setenv("INTAKE_LETTERS_DIR", str(folder))
    monkeypatch.delenv("INTAKE_SMTP_HOST", raising=False)
    return folder


def test_a_letter_is_drafted_edited_and_sent_by_email(signed_in, store, letters_dir):
    case = file(store, name="Bea <b>Resident</b>", email="bea@example.org",
                description="The lift has been broken for <script>x</script> weeks")
    ada = signed_in("ada")
    assert ada.post(f"/cases/{case.reference}/acknowledge", {}).status_code == 303
    page = text(ada.get(f"/cases/{case.reference}"))
    assert f"/cases/{case.reference}/letters/acknowledgement" in page
    assert f"/cases/{case.reference}/letters/stage1_response" not in page  # not reached yet
    draft = text(ada.get(f"/cases/{case.reference}/letters/acknowledgement"))
    assert "<script>x</script>" not in draft and "&lt;script&gt;" in draft  # escaped
    body = re.search(r'<textarea id="letter-body" name="body"[^>]*>(.*?)</textarea>', draft,
                     re.S).group(1)
    assert "We will send you our response by" in body and "Housing Ombudsman" in body
    sent = ada.post(f"/cases/{case.reference}/letters/acknowledgement",
                    {"subject": "Your complaint", "method": "email",
                     "body": "Dear Bea,\r\n\r\nWe are on it.\r\n\r\nYours sincerely"},
                    token_from=f"/cases/{case.reference}/letters/acknowledgement")
    assert sent.status_code == 303
    [path] = letters_dir.glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
    assert mail["To"] == "bea@example.org" and "We are on it." in mail.get_content()
    entry = store.history(case.reference)[-1]
    assert (entry.kind, entry.actor) == ("letter_sent", "staff:ada")
    assert entry.details["text"] == "Dear Bea,\n\nWe are on it.\n\nYours sincerely"
    page = text(ada.get(f"/cases/{case.reference}"))
    assert "Open the letter as sent" in page


def test_a_letter_for_post_is_recorded_and_opens_to_print(signed_in, store, letters_dir):
    case = file(store, name="Cy Resident", email=None, address="4 Mill Lane, Stafford",
                postcode="ST16 1AA")
    ada = signed_in("ada")
    store.acknowledge(case.reference, "staff:ada")
    path = f"/cases/{case.reference}/letters/acknowledgement"
    refused = ada.post(path, {"subject": "S", "body": "B", "method": "email"}, token_from=path)
    assert refused.status_code == 400 and "no e-mail address" in text(refused)
    sent = ada.post(path, {"subject": "Your complaint", "body": "Dear Cy,\n\nNoted.",
                           "method": "post"}, token_from=path)
    assert sent.status_code == 303 and "/letters/sent/" in sent.headers["Location"]
    printable = text(ada.get(sent.headers["Location"]))
    assert "4 Mill Lane<br>Stafford<br>ST16 1AA" in printable and "Noted." in printable
    assert not list(letters_dir.glob("*.eml"))
    assert [e.kind for e in store.history(case.reference)][-1] == "letter_sent"


def test_letters_need_a_signed_in_member_of_staff(anonymous, store):
    case = file(store)
    response = anonymous.get(f"/cases/{case.reference}/letters/acknowledgement")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]
