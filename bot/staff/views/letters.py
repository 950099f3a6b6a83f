"""Letters to the resident: a draft from the policy profile for each decision the case has
reached, read and edited by staff, then sent by e-mail (or written as an .eml file when no mail
server is set) or printed for post; either way kept in the case history with the text sent."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from bot import letters
from bot.cases.store import ConcurrentChange
from bot.letters import DeliveryFailed, Letter, LetterUnavailable
from bot.staff import display
from bot.staff.web import workspace
from bot.staff.views.cases import _load

bp = Blueprint("letters", __name__)
SUBJECT_LIMIT, BODY_LIMIT = 300, 20000


def _draft(reference: str, kind: str):
    ws = workspace()
    case = _load(reference)
    try:
        profile = ws.profile(case.policy_profile)
    except Exception as error:  # noqa: BLE001 - a profile since removed: no draft to write
        abort(409, f"The case's policy profile cannot be loaded ({error}), so no letter can be drafted.")
    try:
        letter = letters.compose(profile, case, case.events, kind, ws.today())
    except LetterUnavailable as error:
        g.specific_404 = True
        abort(404, display.as_sentence(error))
    return ws, case, profile, letter


def _page(case, letter: Letter, *, field_errors: dict[str, str] | None = None,
          error: str | None = None, method: str | None = None, status: int = 200):
    """The letter to read, change and send, with the deadline it answers and its status (the
    case page's words); after a form with problems, each next to its field and in the error
    summary, with the text as typed and the way of sending chosen."""
    ws = workspace()
    answers = None
    name = display.letter_deadline(case, letter.kind)
    if name:
        text, css = display.deadline_status(case, name, ws.today(), ws.now(),
                                            ws.store.region_of(case.policy_profile))
        answers = {"name": name, "when": display.fmt_deadline((case.deadlines or {}).get(name)),
                   "text": text, "css": css}
    field_errors = field_errors or {}
    return render_template("letter.html", case=case, letter=letter, answers=answers,
                           field_errors=field_errors, method=method,
                           method_id=_method_id(case),
                           error_links=display.error_links(field_errors, error),
                           postal_address=letters.postal_address(case)), status


def _method_id(case) -> str:
    """The id of the first way of sending the case allows (the error summary links to it)."""
    return "method-email" if case.email or not letters.postal_address(case) else "method-post"


def _problems(case, subject: str, body: str, method: str | None) -> dict[str, str]:
    """What is missing or wrong in the form, by field id: every problem at once."""
    problems = {}
    if not subject:
        problems["letter-subject"] = "Enter the subject of the letter."
    elif len(subject) > SUBJECT_LIMIT:
        problems["letter-subject"] = f"At most {SUBJECT_LIMIT} characters in the subject, please."
    if not body:
        problems["letter-body"] = "Enter the text of the letter."
    elif len(body) > BODY_LIMIT:
        problems["letter-body"] = f"At most {BODY_LIMIT:,} characters in the letter, please."
    if method not in letters.METHODS:
        problems[_method_id(case)] = "Choose how to send the letter."
    elif method == "email" and not case.email:
        problems[_method_id(case)] = ("The case has no e-mail address: print the letter and "
                                      "post it instead.")
    elif method == "post" and not letters.postal_address(case):
        problems[_method_id(case)] = ("The case has no postal address: send it by e-mail, or "
                                      "add the address in a note and write the letter by hand.")
    return problems


@bp.route("/cases/<reference>/letters/<kind>")
def preview(reference: str, kind: str):
    _ws, case, _profile, letter = _draft(reference, kind)
    return _page(case, letter)


@bp.route("/cases/<reference>/letters/<kind>", methods=["POST"])
def send(reference: str, kind: str):
    ws, case, profile, letter = _draft(reference, kind)
    subject = (request.form.get("subject") or "").strip()
    body = (request.form.get("body") or "").replace("\r\n", "\n").strip()
    edited = Letter(kind, subject, body)
    method = request.form.get("method")
    problems = _problems(case, subject, body, method)
    if problems:
        return _page(case, edited, field_errors=problems, method=method, status=400)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = None
    try:
        sent = letters.send_letter(ws.store, profile, case, edited, method=method or "",
                                   actor=g.user.actor, expected_version=version)
    except (ValueError, DeliveryFailed) as error:
        return _page(case, edited, error=display.as_sentence(error), method=method, status=400)
    except ConcurrentChange:
        return _page(case, edited, status=409, method=method, error=(
            "Someone else changed this case while you were writing. Check the case, then send "
            "the letter again if it is still needed."))
    if method == "post":
        return redirect(url_for("letters.printable", reference=case.reference, event_id=sent.id),
                        code=303)
    where = sent.details.get("sent_to") or ""
    flash(f"Sent to {case.email}." + (" No mail server is set, so it was written to "
                                      f"{where} to send on." if where and not where.startswith("smtp") else ""),
          "success")
    return redirect(url_for("cases.case_page", reference=case.reference), code=303)


@bp.route("/cases/<reference>/letters/sent/<int:event_id>")
def printable(reference: str, event_id: int):
    """A letter as sent, laid out to print (the browser's Print) and post."""
    ws = workspace()
    case = _load(reference)
    sent = next((e for e in case.events if e.id == event_id and e.kind == "letter_sent"), None)
    if sent is None:
        g.specific_404 = True
        abort(404, f"{case.reference} has no letter {event_id}.")
    try:
        profile = ws.profile(case.policy_profile)
        sender = profile.organisation.name if profile.organisation else profile.display_name
        sender_address = list(profile.organisation.postal_address or []) if profile.organisation else []
    except Exception:  # noqa: BLE001 - the letter as sent is still shown
        sender, sender_address = "", []
    return render_template("letter_print.html", case=case, sent=sent, sender=sender,
                           sender_address=sender_address)
