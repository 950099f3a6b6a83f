"""Issue 20, the rest (Flask test client): the sign-in, account, letter and staff-account forms
answer a missing or too short value with the error summary linked to the fields (not the
browser's pop-ups), keeping what was typed but never a password; and the conversations list and
the letter page show the deadline status in the queue's and the case page's words."""
from __future__ import annotations

import html
import re

import pytest

from bot.staff.models import SignInFailure, StaffUser
from tests.staff.conftest import PASSWORD, file

SECRET = "not-to-be-shown-again"


def text(response) -> str:
    return response.get_data(as_text=True)


def summary_links(page: str) -> list[str]:
    """The fields the error summary links to, in order."""
    box = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert box, "no error summary"
    assert "There is a problem" in box.group(0)
    return re.findall(r'<a href="#([^"]+)"', box.group(0))


def field_message(page: str, field_id: str) -> str:
    """The message shown by a field (its id + "-error"), and the field pointing at it."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page,
                      re.S)
    assert found, f"no message by {field_id}"
    assert re.search(rf'id="{re.escape(field_id)}"[^>]*aria-invalid="true" '
                     rf'aria-describedby="{re.escape(field_id)}-error"', page), field_id
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip())


def no_browser_validation(page: str, form_action: str) -> None:
    form = re.search(rf'<form[^>]*action="{re.escape(form_action)}"[^>]*>', page)
    assert form and "novalidate" in form.group(0), form_action
    assert " required" not in page and "minlength" not in page


# --- the sign-in form ----------------------------------------------------------------------------

def test_an_empty_sign_in_says_what_is_missing_next_to_each_field(anonymous, store):
    page = text(anonymous.get("/sign-in"))
    no_browser_validation(page, "/sign-in")
    assert "error-summary" not in page and " autofocus" in page

    response = anonymous.post("/sign-in", {"username": "", "password": ""}, token_from="/sign-in")
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["username", "password"]
    assert field_message(page, "username") == "Enter your username."
    assert field_message(page, "password") == "Enter your password."
    assert " autofocus" not in page          # the error summary takes the focus
    no_browser_validation(page, "/sign-in")

    # The username is kept; the password is never sent back. Neither counts as a failure.
    response = anonymous.post("/sign-in", {"username": "ada", "password": ""},
                              token_from="/sign-in")
    assert response.status_code == 400
    assert summary_links(text(response)) == ["password"]
    assert 'id="username" name="username" value="ada"' in text(response)
    response = anonymous.post("/sign-in", {"username": "  ", "password": SECRET},
                              token_from="/sign-in")
    assert summary_links(text(response)) == ["username"] and SECRET not in text(response)
    with store.read() as db:
        assert db.query(SignInFailure).count() == 0
    assert anonymous.sign_in("ada").status_code == 303


def test_a_wrong_password_is_said_in_the_error_summary(anonymous):
    response = anonymous.sign_in("ada", SECRET)
    assert response.status_code == 401
    page = text(response)
    assert summary_links(page) == []        # about no one field
    assert "<li>The username or password is not right.</li>" in page and SECRET not in page
    assert 'value="ada"' in page


# --- the account page ----------------------------------------------------------------------------

def test_changing_a_password_says_each_missing_or_short_value_by_its_field(signed_in):
    ada = signed_in("ada")
    no_browser_validation(text(ada.get("/account")), "/account")
    response = ada.post("/account", {"current_password": "", "new_password": "",
                                     "confirm_password": ""})
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["current_password", "new_password", "confirm_password"]
    assert field_message(page, "current_password") == "Enter your current password."
    assert field_message(page, "new_password") == "Enter a new password."
    assert field_message(page, "confirm_password") == "Enter the new password again."
    no_browser_validation(page, "/account")

    response = ada.post("/account", {"current_password": PASSWORD, "new_password": "short!",
                                     "confirm_password": "short?"})
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["new_password", "confirm_password"]
    assert field_message(page, "new_password") == "The password must be at least 12 characters long."
    assert field_message(page, "confirm_password") == "The two new passwords are not the same."
    assert "short!" not in page and "short?" not in page and PASSWORD not in page

    response = ada.post("/account", {"current_password": SECRET, "new_password": "a new long one!",
                                     "confirm_password": "a new long one!"})
    assert response.status_code == 400
    assert summary_links(text(response)) == ["current_password"]
    assert field_message(text(response), "current_password") == "Your current password is not right."
    assert SECRET not in text(response) and "a new long one!" not in text(response)


# --- staff accounts -------------------------------------------------------------------------------

def _id(store, username: str) -> int:
    with store.read() as db:
        return db.query(StaffUser).filter_by(username=username).one().id


def test_adding_an_account_says_every_missing_or_short_detail_at_once(signed_in, store):
    ann = signed_in("ann")
    page = text(ann.get("/admin/users"))
    no_browser_validation(page, "/admin/users")
    response = ann.post("/admin/users", {"username": "", "display_name": "Zoe <b>Z</b>",
                                         "role": "manager", "password": ""})
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["new-username", "new-password"]
    assert field_message(page, "new-username") == "Enter a username."
    assert field_message(page, "new-password") == "Enter a password."
    # What was typed is kept (escaped); the role chosen too.
    assert 'id="new-name" name="display_name" value="Zoe &lt;b&gt;Z&lt;/b&gt;"' in page
    assert '<option value="manager" selected>' in page

    response = ann.post("/admin/users", {"username": "zoe", "display_name": " ",
                                         "role": "advocate", "password": "short one"})
    page = text(response)
    assert response.status_code == 400 and summary_links(page) == ["new-name", "new-password"]
    assert field_message(page, "new-name") == "Enter the person's name."
    assert field_message(page, "new-password") == "The password must be at least 12 characters long."
    assert "short one" not in page and 'value="zoe"' in page

    response = ann.post("/admin/users", {"username": "ada", "display_name": "Another Ada",
                                         "role": "advocate", "password": SECRET})
    page = text(response)
    assert response.status_code == 400 and summary_links(page) == ["new-username"]
    assert field_message(page, "new-username") == "There is already an account called 'ada'."
    assert SECRET not in page
    with store.read() as db:
        assert db.query(StaffUser).count() == 3


def test_setting_someone_s_password_needs_one_long_enough(signed_in, store):
    ann = signed_in("ann")
    ada = _id(store, "ada")
    for sent, message in (("", "Enter a new password for ada."),
                          ("too short", "The password must be at least 12 characters long.")):
        response = ann.post(f"/admin/users/{ada}", {"password": sent})
        assert response.status_code == 400, sent
        page = text(response)
        assert summary_links(page) == [f"pw-{ada}"]
        assert field_message(page, f"pw-{ada}") == message
        assert "too short" not in page.replace(message, "")
    # Not a role change in disguise: ada is as she was and can still sign in.
    assert signed_in("ada").get("/").status_code == 200
    # A problem with the role form is said by the role.
    response = ann.post(f"/admin/users/{_id(store, 'ann')}", {"role": "manager", "active": "1"})
    assert response.status_code == 400
    assert field_message(text(response), f"role-{_id(store, 'ann')}").startswith(
        "This is the only active admin")


# --- letters -------------------------------------------------------------------------------------

@pytest.fixture
def letters_dir(tmp_path, monkeypatch):
    folder = tmp_path / "letters"
    monkeypatch.setenv("INTAKE_LETTERS_DIR", str(folder))
    monkeypatch.delenv("INTAKE_SMTP_HOST", raising=False)
    return folder


def test_a_letter_sent_without_its_subject_text_or_way_of_sending_says_so(signed_in, store,
                                                                          letters_dir):
    case = file(store, name="Bea Resident", email="bea@example.org")
    ada = signed_in("ada")
    path = f"/cases/{case.reference}/letters/acknowledgement"
    no_browser_validation(text(ada.get(path)), path)
    response = ada.post(path, {"subject": "  ", "body": "", "version": "1"}, token_from=path)
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["letter-subject", "letter-body", "method-email"]
    assert field_message(page, "letter-subject") == "Enter the subject of the letter."
    assert field_message(page, "letter-body") == "Enter the text of the letter."
    assert 'aria-describedby="method-email-error"' in page
    assert "Choose how to send the letter." in page
    no_browser_validation(page, path)

    response = ada.post(path, {"subject": "Your complaint", "body": "x" * 20001,
                               "method": "post"}, token_from=path)
    page = text(response)
    assert response.status_code == 400 and summary_links(page) == ["letter-body", "method-email"]
    assert field_message(page, "letter-body") == "At most 20,000 characters in the letter, please."
    assert "The case has no postal address" in page
    assert 'value="Your complaint"' in page              # what was typed is kept
    assert not list(letters_dir.glob("*.eml"))
    assert [e.kind for e in store.history(case.reference)] == ["filed"]


def test_a_letter_by_e_mail_for_a_case_without_one_points_at_the_post(signed_in, store,
                                                                    letters_dir):
    case = file(store, name="Cy Resident", email=None, address="4 Mill Lane, Stafford",
                postcode="ST16 1AA")
    ada = signed_in("ada")
    path = f"/cases/{case.reference}/letters/acknowledgement"
    response = ada.post(path, {"subject": "S", "body": "B", "method": "email"}, token_from=path)
    assert response.status_code == 400
    page = text(response)
    assert summary_links(page) == ["method-post"]
    assert "The case has no e-mail address: print the letter and post it instead." in page
    assert ada.post(path, {"subject": "S", "body": "B", "method": "post"},
                    token_from=path).status_code == 303


# --- the deadline status where it was missing ------------------------------------------------------

def _status(page: str, reference: str) -> str:
    """The deadline status shown with a case on the conversations list, as text."""
    row = re.search(rf'{reference}</a><br><small>(.*?)</small>', page, re.S)
    assert row, reference
    return row.group(1)


def test_the_conversations_list_shows_each_case_s_deadline_status(signed_in, store, tracker,
                                                                  clock):
    # Filed Monday 4 January 2027: acknowledge by Monday 11 January (5 working days).
    tracker.user("late-one", "My roof leaks", "complaint", 0.9)
    late = file(store, conversation_id="late-one", name="Al")
    clock.set_uk("2027-01-18T10:00")      # a week after its acknowledgement was due
    tracker.user("new-one", "The lift is broken", "complaint", 0.9)
    fresh = file(store, conversation_id="new-one", name="Bo")
    tracker.user("done-one", "Noisy boiler", "complaint", 0.9)
    done = file(store, conversation_id="done-one", name="Cy")
    store.acknowledge(done.reference, "staff:ada")
    store.record_response(done.reference, "staff:ada", "Fixed.", decision="upheld")
    page = text(signed_in("ada").get("/conversations"))
    assert _status(page, late.reference) == (
        '<span class="deadline-status">Acknowledge by: '
        '<span class="overdue">overdue by 5 working days</span></span>')
    assert _status(page, fresh.reference) == (
        '<span class="deadline-status">Acknowledge by: '
        '<span class="due">due in 5 working days</span></span>')
    assert _status(page, done.reference) == (
        '<span class="deadline-status">Stage 1 response by: '
        '<span class="muted">met</span></span>')
    # The same words and class as the queue's.
    queue = text(signed_in("ada").get("/"))
    assert '<span class="overdue">overdue by 5 working days</span>' in queue
    assert '<span class="due">due in 5 working days</span>' in queue


def _answers(page: str) -> str:
    found = re.search(r'<p class="letter-deadline">(.*?)</p>', page, re.S)
    assert found, "no deadline on the letter page"
    return found.group(1)


def test_the_letter_page_shows_the_deadline_it_answers_and_its_status(signed_in, store, clock,
                                                                     letters_dir):
    due = file(store, name="Bea", email="bea@example.org")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{due.reference}/letters/acknowledgement"))
    assert _answers(page) == ('The deadline this letter answers: <strong>Acknowledge by Mon 11 Jan '
                              '2027</strong>, <span class="due">due in 5 working days</span>.')
    clock.set_uk("2027-01-18T10:00")
    ada = signed_in("ada")               # a week on: a new session
    page = text(ada.get(f"/cases/{due.reference}/letters/acknowledgement"))
    assert _answers(page) == ('The deadline this letter answers: <strong>Acknowledge by Mon 11 Jan '
                              '2027</strong>, <span class="overdue">overdue by 5 working days'
                              '</span>.')
    # Acknowledged late: the letter says so in the case page's words.
    store.acknowledge(due.reference, "staff:ada")
    page = text(ada.get(f"/cases/{due.reference}/letters/acknowledgement"))
    assert '<span class="muted">met 5 working days late</span>' in _answers(page)
    case_page = text(ada.get(f"/cases/{due.reference}"))
    assert '<span class="muted">met 5 working days late</span>' in case_page
    # A refused send shows it too.
    response = ada.post(f"/cases/{due.reference}/letters/acknowledgement", {"subject": ""},
                        token_from=f"/cases/{due.reference}/letters/acknowledgement")
    assert response.status_code == 400 and "met 5 working days late" in _answers(text(response))
