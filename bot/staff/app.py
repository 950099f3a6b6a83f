"""The staff workspace's web app (Flask): sign-in, the case queue and case pages, conversation
review, reports and administration. The app factory registers the views (`bot.staff.views`);
what they share (the workspace, `requires`, `Page`, `safe_next`) is in `bot.staff.web`, which
never imports this module.

Security, in one place:
* Every page needs a signed-in account with a role (advocate < manager < admin) unless it is in
  PUBLIC_ENDPOINTS; a view asks for more with `@requires(MANAGER)` (`bot.staff.web`). Not signed
  in: a page redirects to the sign-in page, anything else gets 401. Too low a role: 403.
* Every POST needs the form's CSRF token (Flask-WTF); without a valid one: 403.
* The session cookie is HttpOnly, SameSite=Lax and Secure with STAFF_SECURE_COOKIES or whenever
  the request came over HTTPS (behind STAFF_TRUSTED_PROXIES, as X-Forwarded-Proto says); it holds
  a random token whose hash is looked up in the database (see `bot.staff.auth`).
* Templates escape everything (autoescaping is on for every template, not just .html), pages are
  never cached, and a strict Content-Security-Policy allows only the workspace's own CSS and JS.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from flask import (
    Flask, abort, g, has_request_context, redirect, render_template, request, session, url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot import settings
from bot.cases.store import CaseStore
from bot.staff import auth, config, display
from bot.staff.models import ADMIN, ADVOCATE, MANAGER, ROLE_DESCRIPTIONS
from bot.staff.transcripts import TrackerReader
from bot.staff.web import EXTENSION, SESSION_KEY, Workspace, workspace

log = logging.getLogger(__name__)

# evidence.shared_file: a resident's file on a signed, expiring link, for the landlord's system
# (bot.staff.views.evidence); it serves nothing without a valid link.
PUBLIC_ENDPOINTS = {"static", "auth.sign_in", "healthz", "evidence.shared_file"}


class _SessionInterface(SecureCookieSessionInterface):
    """Secure also when the setting was forgotten but the request came over HTTPS: a browser would
    otherwise send the session over plain HTTP to the same host."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


class _StaffFlask(Flask):
    # Escape in every template, whatever its file name.
    jinja_options = {**Flask.jinja_options, "autoescape": True, "undefined": StrictUndefined}


def create_app(*, database_url: str | None = None, tracker_url: str | None = None,
               store: CaseStore | None = None, tracker: TrackerReader | None = None,
               secret_key: str | None = None, secure_cookies: bool | None = None,
               trusted_proxies: int | None = None,
               clock: Callable[[], datetime] | None = None) -> Flask:
    """The app. With no arguments everything comes from the settings (INTAKE_DATABASE_URL,
    INTAKE_TRACKER_URL, STAFF_SECRET_KEY, STAFF_SECURE_COOKIES, STAFF_TRUSTED_PROXIES)."""
    app = _StaffFlask(__name__, static_folder="static", template_folder="templates")
    app.session_interface = _SessionInterface()
    secure = config.flag("STAFF_SECURE_COOKIES") if secure_cookies is None else secure_cookies
    app.config.update(
        SECRET_KEY=secret_key or config.secret_key(),
        SESSION_COOKIE_NAME="intake_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=auth.SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=None,            # valid as long as the session
        WTF_CSRF_SSL_STRICT=True,            # over HTTPS, the Referer must be this site
        MAX_CONTENT_LENGTH=1024 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        TEMPLATES_AUTO_RELOAD=False,
    )
    proxies = config.integer("STAFF_TRUSTED_PROXIES", 0, 10) if trusted_proxies is None \
        else trusted_proxies
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    store = store or CaseStore(database_url)
    tracker = tracker or TrackerReader(tracker_url)
    app.extensions[EXTENSION] = Workspace(store, tracker, clock)
    CSRFProtect(app)

    from bot.staff.views import (admin, cases, conversations, evidence, letters, reports, signin,
                                 teams)

    for blueprint in (signin.bp, cases.bp, letters.bp, conversations.bp, reports.bp, admin.bp,
                      teams.bp, evidence.bp):
        app.register_blueprint(blueprint)

    app.before_request(_load_user)
    app.before_request(_gate)
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    app.add_url_rule("/healthz", "healthz", lambda: ("ok\n", 200, {"Content-Type": "text/plain"}))
    _template_helpers(app)
    return app


# --- who is asking ------------------------------------------------------------------------------

def _load_user() -> None:
    g.user = None
    token = session.get(SESSION_KEY)
    if not token:
        return
    ws = workspace()
    now = ws.now()
    with ws.store.read() as db:
        found = auth.session_user(db, token, now)
    if found is None:
        session.pop(SESSION_KEY, None)
        return
    g.user, row = found
    g.session_token = token
    if auth.needs_touch(row, now):
        with ws.store.write() as db:
            auth.touch_session(db, token, now)


def _gate():
    view = current_view()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    required = getattr(view, "required_role", ADVOCATE)
    if g.user is None:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.sign_in", next=_here()))
        abort(401)
    if not g.user.can(required):
        g.required_role = required
        abort(403)
    return None


def current_view():
    from flask import current_app

    return current_app.view_functions.get(request.endpoint) if request.endpoint else None


def _here() -> str:
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def _headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        # Pages hold residents' personal data: never kept by the browser or a proxy.
        response.headers["Cache-Control"] = "no-store"
    from flask import current_app

    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


# --- errors -------------------------------------------------------------------------------------

ERROR_TITLES = {
    400: "The request was not understood", 401: "Please sign in",
    403: "You cannot do that", 404: "Not found", 405: "Not allowed",
    409: "Changed meanwhile", 410: "Expired", 413: "Too much data", 429: "Too many attempts",
    500: "Something went wrong",
}


def error_page(status: int, message: str, title: str | None = None):
    return render_template("error.html", status=status, title=title or ERROR_TITLES.get(
        status, "Error"), message=message), status


def _csrf_error(error: CSRFError):
    return error_page(403, "This form had expired or did not come from this workspace. Go back, "
                           "reload the page and try again.", "Form refused")


def _http_error(error: HTTPException):
    if error.code == 403:
        required = g.get("required_role")
        message = (f"This page needs the {required} role ({ROLE_DESCRIPTIONS[required]}). Ask an "
                   "admin if you need it." if required else (error.description or ""))
        return error_page(403, message)
    if error.code == 401:
        return error_page(401, "Sign in to the staff workspace first.")
    if error.code == 404:
        return error_page(404, error.description if g.get("specific_404") else
                          "There is nothing at this address.")
    return error_page(error.code or 500, error.description or "")


def _server_error(error: Exception):
    log.exception("staff workspace: unexpected error on %s %s", request.method, request.path)
    return error_page(500, "The workspace could not do that. The error is in its log; try "
                           "again, and tell whoever runs the workspace if it happens again.")


# --- template helpers -----------------------------------------------------------------------------

def _template_helpers(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        date=display.fmt_date, long_date=display.fmt_long_date, datetime=display.fmt_datetime,
        time=display.fmt_time, yes_no=display.yes_no, field=display.field_text,
        details=display.detail_items, mid_sentence=display.mid_sentence, uk_day=display.uk_day)

    app.jinja_env.tests["figure"] = display.is_figure
    from bot.staff.views.evidence import describe, size_text

    app.jinja_env.filters.update(file_size=size_text, file_kind=describe)

    @app.context_processor
    def helpers() -> dict[str, Any]:
        user = g.get("user")
        return {
            "user": user,
            "can": (lambda role: bool(user and user.can(role))),
            "ADVOCATE": ADVOCATE, "MANAGER": MANAGER, "ADMIN": ADMIN,
            "label": display.label, "TYPE_LABELS": display.TYPE_LABELS,
            "SERVICE_LABELS": display.SERVICE_LABELS, "CHANNEL_LABELS": display.CHANNEL_LABELS,
            "STATUS_LABELS": display.STATUS_LABELS, "EVENT_LABELS": display.EVENT_LABELS,
            "DEADLINE_LABELS": display.DEADLINE_LABELS, "today": workspace().today(),
            "settings_host": settings.get("STAFF_HOST"),
        }
