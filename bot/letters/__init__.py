"""Letters to the resident at each decision of a complaint: drafted from the policy profile
(`compose`), read and edited by staff, sent by e-mail or printed for post (`delivery`), and kept
in the case history with the text that was sent (`send_letter`)."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.letters.compose import KINDS, Letter, LetterUnavailable, available, compose
from bot.letters.delivery import DeliveryFailed, MailSettings, send

if TYPE_CHECKING:
    from bot.policy.schema import Profile

METHODS = ("email", "post")

__all__ = ["KINDS", "METHODS", "Letter", "LetterUnavailable", "DeliveryFailed", "MailSettings",
           "available", "compose", "draft", "send_letter"]


def draft(store, profile: Profile, reference: str, kind: str, today: date) -> tuple[Any, Letter]:
    """The case (with its history) and the letter's draft."""
    case = store.find_by_reference(reference, with_history=True)
    return case, compose(profile, case, case.events, kind, today)


def send_letter(store, profile: Profile, case, letter: Letter, *, method: str, actor: str,
                mail_settings: MailSettings | None = None, expected_version: int | None = None):
    """Send an edited letter and record it. By e-mail: sent first (nothing is recorded if it
    fails); for post: recorded, and the caller shows the printable letter. Returns the history
    entry."""
    if method not in METHODS:
        raise ValueError(f"send a letter by one of {', '.join(METHODS)}, not {method!r}")
    if not letter.body.strip() or not letter.subject.strip():
        raise ValueError("a letter needs a subject and a text")
    if method == "email":
        mail_settings = mail_settings or MailSettings.from_environment(profile)
        sent_to = send(letter, case.email or "", case.reference, mail_settings)
        to = case.email
    else:
        sent_to, to = None, postal_address(case)
        if not to:
            raise ValueError("the case has no postal address: send it by e-mail, or add the address "
                             "in a note and write the letter by hand")
    return store.record_letter(case.reference, actor, letter=letter.kind, subject=letter.subject,
                               text=letter.body, method=method, to=to, sent_to=sent_to,
                               expected_version=expected_version)


def postal_address(case) -> str | None:
    lines = [line.strip() for line in (case.address or "").replace(",", "\n").splitlines() if line.strip()]
    if case.postcode and not any(case.postcode.replace(" ", "").upper() in line.replace(" ", "").upper()
                                 for line in lines):
        lines.append(case.postcode)
    return "\n".join(lines) or None
