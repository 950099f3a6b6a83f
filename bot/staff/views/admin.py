"""Administration (admins): staff accounts and the workspace settings."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from bot import settings
from bot.staff import auth, config, display
from bot.staff.models import ADMIN, ROLE_DESCRIPTIONS, ROLES, StaffAudit, StaffUser
from bot.staff.web import requires, workspace

bp = Blueprint("admin", __name__, url_prefix="/admin")
SECRET_SETTINGS = ("SECRET", "TOKEN", "PASSWORD")


# The ids of the fields of the "Add an account" form, by auth's name of each detail.
NEW_ACCOUNT_FIELDS = {"username": "new-username", "display_name": "new-name", "role": "new-role",
                      "password": "new-password"}


def _field_errors(error: auth.AccountError, ids: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """An account problem for the error summary: next to its field (`ids`: auth's name of the
    field -> its id on the page), or, about no field of the form, on its own."""
    message = display.as_sentence(error)
    field_id = ids.get(getattr(error, "field", None) or "")
    return ({field_id: message}, None) if field_id else ({}, message)


def _users_page(field_errors: dict[str, str] | None = None, problem: str | None = None,
                values: dict | None = None, status: int = 200):
    """The accounts page; after a form with problems, each said next to its field and in the
    error summary, with what was typed (not a password) kept."""
    ws = workspace()
    with ws.store.read() as db:
        users = db.execute(sa.select(StaffUser).order_by(StaffUser.active.desc(),
                                                         StaffUser.username)).scalars().all()
        activity = db.execute(sa.select(StaffAudit).order_by(StaffAudit.id.desc())
                              .limit(30)).scalars().all()
        now = ws.now()
        locked = {user.id for user in users if auth.account_locked(db, user.username, now)}
    return render_template("users.html", users=users, roles=ROLES, locked=locked,
                           role_descriptions=ROLE_DESCRIPTIONS, activity=activity,
                           field_errors=field_errors or {},
                           error_links=display.error_links(field_errors or {}, problem),
                           values=values or {}, teams=_teams()), status


def _teams() -> dict[str, str]:
    """The active policy profile's teams (key -> name): the choices of a default team."""
    from bot.policy.teams import team_names

    try:
        return team_names(workspace().profile(None))
    except Exception:  # noqa: BLE001 - no profile: no teams to choose from
        return {}


def _set_default_team(db, user: StaffUser, value: str) -> list[str]:
    """Give `user` the default team `value` ("" for none), audited; what changed, as words."""
    value = value.strip()
    teams = _teams()
    if value and value not in teams:
        raise auth.AccountError(f"there is no team {value!r}; choose one of "
                                f"{', '.join(teams.values()) or 'none'}", "default_team")
    if (user.default_team or "") == value:
        return []
    ws = workspace()
    auth.audit(db, g.user.actor, "default_team_changed",
               {"username": user.username, "from": user.default_team, "to": value or None}, ws.now())
    user.default_team = value or None
    return [f"default team {teams[value] if value else 'none (every team)'}"]


@bp.route("/users")
@requires(ADMIN)
def users():
    return _users_page()


@bp.route("/users", methods=["POST"])
@requires(ADMIN)
def create_user():
    ws = workspace()
    form = request.form
    details = [form.get(name, "") for name in ("username", "display_name", "role", "password")]
    values = {k: v for k, v in form.items() if k not in ("password", "csrf_token")}
    # Every missing or wrong detail at once, each by its field.
    problems = {NEW_ACCOUNT_FIELDS[name]: display.as_sentence(message)
                for name, message in auth.account_problems(*details).items()}
    if problems:
        return _users_page(problems, values=values, status=400)
    try:
        with ws.store.write() as db:
            auth.create_user(db, *details, actor=g.user.actor, now=ws.now())
    except auth.AccountError as error:
        field_errors, problem = _field_errors(error, NEW_ACCOUNT_FIELDS)
        return _users_page(field_errors, problem, values, 400)
    flash(f"Account {auth.normalise_username(form.get('username', ''))} created. Give the person "
          "their password in a safe way; they can change it on their Account page.", "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/users/<int:user_id>", methods=["POST"])
@requires(ADMIN)
def update_user(user_id: int):
    ws = workspace()
    form = request.form
    # This account's fields on the page, by auth's name of each.
    ids = {"password": f"pw-{user_id}", "role": f"role-{user_id}", "active": f"active-{user_id}",
           "default_team": f"team-{user_id}"}
    try:
        with ws.store.write() as db:
            user = db.get(StaffUser, user_id)
            if user is None:
                abort(404)
            if form.get("unlock"):
                forgotten = auth.unlock_account(db, user.username, actor=g.user.actor, now=ws.now())
                message = (f"{user.username} is unlocked: {forgotten} failed sign-in(s) "
                           "forgotten.")
            elif "password" in form:        # the "New password" form, sent empty or not
                if not form["password"]:
                    raise auth.AccountError(f"enter a new password for {user.username}", "password")
                auth.set_password(db, user, form["password"], actor=g.user.actor, now=ws.now())
                message = f"New password set for {user.username}; their sessions have ended."
            else:
                active = {"1": True, "0": False}.get(form.get("active", ""))
                changes = auth.update_user(db, user, actor=g.user.actor, now=ws.now(),
                                           role=form.get("role") or None, active=active,
                                           display_name=form.get("display_name") or None)
                if "default_team" in form:
                    changes = [*changes, *_set_default_team(db, user, form["default_team"])]
                message = (f"{user.username}: {', '.join(changes)}." if changes
                           else f"{user.username}: nothing changed.")
    except auth.AccountError as error:
        field_errors, problem = _field_errors(error, ids)
        return _users_page(field_errors, problem, status=400)
    flash(message, "success")
    return redirect(url_for("admin.users"), code=303)


def _without_credentials(url: str) -> str:
    """A URL without its user name and password (they are nobody's business here)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "(set)"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


@bp.route("/settings", methods=["GET", "POST"])
@requires(ADMIN)
def settings_page():
    ws = workspace()
    error = None
    if request.method == "POST":
        try:
            with ws.store.write() as db:
                for key in config.EDITABLE:
                    if key in request.form:
                        before = config.get_editable(db, key)
                        after = config.set_editable(db, key, request.form[key],
                                                    actor=g.user.actor, now=ws.now())
                        if before != after:
                            auth.audit(db, g.user.actor, "setting_changed",
                                       {"key": key, "from": before, "to": after}, ws.now())
        except config.ConfigError as problem:
            error = display.as_sentence(problem)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings_page"), code=303)
    with ws.store.read() as db:
        editable = [(item, config.get_editable(db, key), config.is_overridden(db, key))
                    for key, item in config.EDITABLE.items()]
    environment = []
    for setting in settings.SETTINGS:
        value = settings.get(setting.name)
        if any(word in setting.name for word in SECRET_SETTINGS):
            value = "(set)" if value else "(empty)"
        elif setting.name.endswith("_URL") and value:
            value = _without_credentials(value)
        environment.append((setting, value))
    profile = ws.profile(None)
    return render_template("settings.html", editable=editable, environment=environment,
                           profile=profile, error=error), 400 if error else 200
