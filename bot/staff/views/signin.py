"""Sign-in, sign-out and the account page (a person changes their own password)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from bot.ops import metrics
from bot.staff import auth, display
from bot.staff.web import SESSION_KEY, safe_next, workspace

bp = Blueprint("auth", __name__)


def _sign_in_page(target: str, username: str, *, field_errors: dict[str, str] | None = None,
                  problem: str | None = None, status: int = 200):
    """The sign-in form, with the error summary: each empty field's message linked to it, or a
    problem with no one field (a wrong password, the rate limit). The username is kept."""
    field_errors = field_errors or {}
    return render_template("sign_in.html", next=target, username=username,
                           field_errors=field_errors,
                           error_links=display.error_links(field_errors, problem)), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    target = safe_next(request.values.get("next"))
    if g.user is not None and request.method == "GET":
        return redirect(target)
    if request.method == "GET":
        return _sign_in_page(target, "")
    username = request.form.get("username", "")[:200]
    password = request.form.get("password", "")[:auth.MAX_PASSWORD_LENGTH]
    # A field left empty is said next to it (the form has no browser pop-ups), and is not a
    # failed sign-in: no password was tried.
    missing = {field_id: message for field_id, value, message in (
        ("username", username.strip(), "Enter your username."),
        ("password", password, "Enter your password.")) if not value}
    if missing:
        return _sign_in_page(target, username, field_errors=missing, status=400)
    ws = workspace()
    now = ws.now()
    with ws.store.write() as db:
        result = auth.sign_in(db, username, password, ip=request.remote_addr,
                              user_agent=request.headers.get("User-Agent"), now=now)
        user_id = result.user.id if result.user else None
    metrics.STAFF_SIGN_INS.labels(
        "ok" if result.ok else "locked" if result.account_locked
        else "throttled" if result.retry_after is not None else "refused").inc()
    if result.retry_after is not None:
        minutes = -(-result.retry_after // 60)
        if result.account_locked:
            error = ("This account is locked after too many failed sign-ins. For your security, "
                     "ask an admin to unlock it (Staff accounts), or wait "
                     f"{minutes} minute{'s' if minutes != 1 else ''}.")
        else:
            error = (f"Too many failed sign-ins for this account from your network. For your "
                     f"security, wait {minutes} minute{'s' if minutes != 1 else ''} before "
                     "trying again, or ask an admin to set a new password.")
        page, status = _sign_in_page(target, username, problem=error, status=429)
        return page, status, {"Retry-After": str(result.retry_after)}
    if not result.ok:
        return _sign_in_page(target, username, problem="The username or password is not right.",
                             status=401)
    session.clear()                     # a new session (and CSRF token) for the signed-in person
    session.permanent = True
    session[SESSION_KEY] = result.token
    g.user_id = user_id
    return redirect(target, code=303)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    ws = workspace()
    with ws.store.write() as db:
        auth.end_session(db, session.get(SESSION_KEY))
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"), code=303)


@bp.route("/account", methods=["GET", "POST"])
def account():
    # Every problem is said next to its field and in the error summary (400); no password is
    # put back in the form.
    errors: dict[str, str] = {}
    if request.method == "POST":
        ws = workspace()
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        again = request.form.get("confirm_password", "")
        if not current:
            errors["current_password"] = "Enter your current password."
        if not new:
            errors["new_password"] = "Enter a new password."
        elif problem := auth.password_problem(new, g.user.username):
            errors["new_password"] = display.as_sentence(problem)
        if not again:
            errors["confirm_password"] = "Enter the new password again."
        elif new and new != again:
            errors["confirm_password"] = "The two new passwords are not the same."
        if not errors:
            with ws.store.write() as db:
                user = db.get(type(g.user), g.user.id)
                if not auth.verify_password(user.password_hash, current):
                    errors["current_password"] = "Your current password is not right."
                else:
                    try:
                        auth.set_password(db, user, new, actor=g.user.actor, now=ws.now(),
                                          keep_token=session.get(SESSION_KEY))
                    except auth.AccountError as problem:
                        errors["new_password"] = display.as_sentence(problem)
        if not errors:
            flash("Your password has been changed; your other sessions have been signed out.",
                  "success")
            return redirect(url_for("auth.account"), code=303)
    return render_template("account.html", field_errors=errors,
                           error_links=display.error_links(errors)), 400 if errors else 200
