"""Letters at each decision: drafted from the profile with real dates, sent through a real SMTP
server (aiosmtpd) or written as .eml files by default, and kept in the case history."""
from __future__ import annotations

import email
from datetime import date
from email import policy as email_policy

import pytest

from bot import letters
from bot.letters import DeliveryFailed, MailSettings
from bot.policy import deadlines as dl
from bot.policy import load_profile
from bot.policy.wording import format_date
from tests.cases.conftest import submission
from tests.support.servers import free_port


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.received = received
    yield controller
    controller.stop()


def settings_for(tmp_path, host="", port=25):
    return MailSettings(host=host, port=port, username="", password="", starttls=False,
                        sender="complaints@landlord.example", folder=tmp_path / "letters")


def history_letters(store, reference):
    return [e for e in store.history(reference) if e.kind == "letter_sent"]


def test_the_acknowledgement_goes_through_a_real_smtp_server(store, profile, clock, tmp_path,
                                                            smtp_server):
    case, _ = store.file_case(submission(desired_outcome="Fix the boiler and say sorry"),
                              profile, "ack")
    store.acknowledge(case.reference, "staff:amy")
    case, letter = letters.draft(store, profile, case.reference, "acknowledgement", clock().date())
    due = dl.complaint_deadlines(profile, date(2026, 3, 2), date(2026, 3, 2))["stage1_response_by"]
    assert f"We will send you our response by {format_date(due)}" in letter.body
    assert "The repair was not done." in letter.body and "Fix the boiler and say sorry" in letter.body
    assert "Housing Ombudsman" in letter.body and "0300 111 3000" in letter.body
    entry = letters.send_letter(store, profile, case, letter, method="email", actor="staff:amy",
                                mail_settings=settings_for(tmp_path, "127.0.0.1",
                                                           smtp_server.port))
    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert mail["To"] == "ada@example.org" and mail["From"] == "complaints@landlord.example"
    assert case.reference in mail["Subject"]
    assert format_date(due) in mail.get_payload(decode=True).decode()
    [kept] = history_letters(store, case.reference)
    assert kept.id == entry.id and kept.actor == "staff:amy"
    assert kept.details["letter"] == "acknowledgement" and kept.details["method"] == "email"
    assert kept.details["text"] == letter.body and kept.details["sent_to"].startswith("smtp://")


def test_by_default_the_letter_is_written_as_an_eml_file(store, profile, clock, tmp_path):
    case, _ = store.file_case(submission(), profile, "eml")
    store.acknowledge(case.reference, "staff:amy")
    store.record_response(case.reference, "staff:amy", "We replaced the boiler on 10 March.",
                          decision="upheld")
    case, letter = letters.draft(store, profile, case.reference, "stage1_response", clock().date())
    edited = letters.Letter(letter.kind, letter.subject, letter.body + "\n\nPS: thank you.")
    letters.send_letter(store, profile, case, edited, method="email", actor="staff:amy",
                        mail_settings=settings_for(tmp_path))
    [path] = (tmp_path / "letters").glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
    body = mail.get_content()
    window = dl.stage2_request_by(profile, clock().date())
    assert "your complaint is upheld" in body and "We replaced the boiler on 10 March." in body
    assert f"that is by {format_date(window)}" in body and "PS: thank you." in body
    assert history_letters(store, case.reference)[0].details["sent_to"] == str(path)


def test_a_failed_send_records_nothing(store, profile, clock, tmp_path):
    case, _ = store.file_case(submission(), profile, "fail")
    store.acknowledge(case.reference, "staff:amy")
    case, letter = letters.draft(store, profile, case.reference, "acknowledgement", clock().date())
    with pytest.raises(DeliveryFailed, match="did not take the letter"):
        letters.send_letter(store, profile, case, letter, method="email", actor="staff:amy",
                            mail_settings=settings_for(tmp_path, "127.0.0.1", 9))
    assert history_letters(store, case.reference) == []
    anonymous, _ = store.file_case(submission(email=None, phone=None), profile, "no-mail")
    anonymous, letter = letters.draft(store, profile, anonymous.reference, "acknowledgement",
                                      clock().date())
    with pytest.raises(DeliveryFailed, match="no e-mail address"):
        letters.send_letter(store, profile, anonymous, letter, method="email", actor="staff:amy",
                            mail_settings=settings_for(tmp_path))


def test_an_extension_letter_gives_the_reason_the_date_and_the_ombudsman(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "ext")
    store.acknowledge(case.reference, "staff:amy")
    reason = profile.extension_reasons(1)[0]
    extended = store.extend(case.reference, "staff:amy", reason.key)
    new_date = date.fromisoformat(extended.deadlines["stage1_response_by"])
    _case, letter = letters.draft(store, profile, case.reference, "extension", clock().date())
    assert f"We will now respond by {format_date(new_date)}" in letter.body
    assert reason.text[1:] in letter.body and "0300 111 3000" in letter.body  # Code 6.5


def test_a_refusal_explains_and_gives_the_right_to_the_ombudsman(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "refuse")
    store.mark_not_accepted(case.reference, "staff:amy", "too_old",
                            "The events were more than 12 months ago.")
    _case, letter = letters.draft(store, profile, case.reference, "not_accepted", clock().date())
    assert "The events were more than 12 months ago." in letter.body
    assert "If you disagree with this decision, you can ask the Housing Ombudsman" in letter.body


def test_stage2_letters_and_the_final_response(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "s2")
    store.record_response(case.reference, "staff:amy", "answer", decision="not_upheld")
    store.request_stage2(case.reference, "I disagree")
    store.acknowledge(case.reference, "staff:bob")
    case, letter = letters.draft(store, profile, case.reference, "stage2_acknowledgement",
                                 clock().date())
    due = date.fromisoformat(case.deadlines["stage2_response_by"])
    assert f"final response by {format_date(due)}" in letter.body
    assert "someone who was not involved at stage 1" in letter.body
    store.record_response(case.reference, "staff:bob", "We still think it was right.",
                          decision="not_upheld")
    _case, letter = letters.draft(store, profile, case.reference, "stage2_response", clock().date())
    assert "our final response" in letter.body and "not upheld" in letter.body
    assert "take your complaint to the ombudsman now" in letter.body


def test_a_letter_the_case_has_not_reached_is_refused(store, profile, clock):
    case, _ = store.file_case(submission(), profile, "early")
    with pytest.raises(letters.LetterUnavailable):
        letters.draft(store, profile, case.reference, "stage1_response", clock().date())
    with pytest.raises(letters.LetterUnavailable):
        letters.draft(store, profile, case.reference, "no_such_letter", clock().date())


def test_housing_plus_group_director_contact_after_20_working_days(store, clock, tmp_path):
    group = load_profile("housing-plus-group")
    case, _ = store.file_case(submission(), group, "director")
    due = date.fromisoformat(case.deadlines["director_contact_by"])
    assert due == dl.director_contact_by(group, clock().date())
    store.acknowledge(case.reference, "staff:amy")
    assert "director_contact" not in letters.available(group, store.find_by_reference(
        case.reference, with_history=True), store.history(case.reference), clock().date())
    clock.set_uk(f"{due.isoformat()}T09:00")
    fresh = store.find_by_reference(case.reference)
    assert fresh.next_deadline <= due  # the director's contact is due, acknowledged or not
    case, letter = letters.draft(store, group, case.reference, "director_contact", due)
    assert "has not been answered within 20 working days" in letter.body
    assert letter.body.rstrip().endswith("A director\nHousing Plus Group")
    letters.send_letter(store, group, case, letter, method="email", actor="staff:dir",
                        mail_settings=settings_for(tmp_path))
    assert "director_contact_by" not in store.find_by_reference(case.reference).deadlines


def test_a_new_build_complaint_gets_a_final_response_with_no_stage_2(store, clock):
    group = load_profile("housing-plus-group")
    case, _ = store.file_case(submission(service="new-build"), group, "nhqc")
    assert "director_contact_by" not in case.deadlines
    store.record_response(case.reference, "staff:amy", "We will fix the snagging.",
                          decision="upheld")
    case = store.find_by_reference(case.reference, with_history=True)
    kinds = letters.available(group, case, case.events, clock().date())
    assert "final_response" in kinds and "stage1_response" not in kinds
    _case, letter = letters.draft(store, group, case.reference, "final_response", clock().date())
    assert "New Homes Quality Code" in letter.body and "no second stage" in letter.body
    assert "New Homes Ombudsman Service" in letter.body and "stage 2" not in letter.body
