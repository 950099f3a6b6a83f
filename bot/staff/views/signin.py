"""Sign-in, sign-out and the account page (a person changes their own password)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from bot.ops import metrics
from bot.staff import auth, display
from bot.staff.app import SESSION_KEY, safe_next, workspace

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    target = safe_next(request.values.get("next"))
    if g.user is not None and request.method == "GET":
        return redirect(target)
    if request.method == "GET":
        return render_template("sign_in.html", next=target, username="", error=None)
    username = request.form.get("username", "")[:200]
    password = request.form.get("password", "")[:auth.MAX_PASSWORD_LENGTH]
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
        return (render_template("sign_in.html", next=target, username=username, error=error),
                429, {"Retry-After": str(result.retry_after)})
    if not result.ok:
        return (render_template("sign_in.html", next=target, username=username,
                                error="The username or password is not right."), 401)
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
    error = None
    if request.method == "POST":
        ws = workspace()
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            error = "The two new passwords are not the same."
        else:
            with ws.store.write() as db:
                user = db.get(type(g.user), g.user.id)
                if not auth.verify_password(user.password_hash, current):
                    error = "Your current password is not right."
                else:
                    try:
                        auth.set_password(db, user, new, actor=g.user.actor, now=ws.now(),
                                          keep_token=session.get(SESSION_KEY))
                    except auth.AccountError as problem:
                        error = display.as_sentence(problem)
        if error is None:
            flash("Your password has been changed; your other sessions have been signed out.",
                  "success")
            return redirect(url_for("auth.account"), code=303)
    return render_template("account.html", error=error), 400 if error else 200
