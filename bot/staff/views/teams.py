"""Teams in the workspace: moving a case to another team of its policy profile (a manager's
decision, kept in the case history). The queue's team choices are the queue's (views.cases).

Which team a new case goes to is the profile's routing rule (bot.policy.teams.team_for); the
case store records it at filing and moves it (`CaseStore.move_to_team`).
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

from bot.cases import lifecycle
from bot.cases.store import ConcurrentChange, InvalidTransition
from bot.staff import display
from bot.staff.web import requires, workspace

bp = Blueprint("teams", __name__)


@bp.route("/cases/<reference>/team/move", methods=["POST"])
@requires(lifecycle.ACTIONS["move_to_team"].role)  # the lifecycle table's role
def move(reference: str):
    from bot.staff.views.cases import _load, _version, render_case

    ws = workspace()
    case = _load(reference)
    team = (request.form.get("team") or "").strip()
    reason = (request.form.get("reason") or "").strip()[:2000] or None
    values = dict(request.form)
    if not team:
        return render_case(case, errors={"team": "Choose the team to move the case to."},
                           status=400, values=values)
    try:
        moved = ws.store.move_to_team(case.reference, g.user.actor, team, reason=reason,
                                      expected_version=_version())
    except ConcurrentChange:
        return render_case(_load(case.reference), errors={"team": (
            "Someone else changed this case while you were looking at it. Check its history "
            "below, then move it again if it is still needed.")}, status=409, values=values)
    except InvalidTransition as error:
        return render_case(case, errors={"team": display.as_sentence(error)}, status=400,
                           values=values)
    flash(f"Moved to {team_label(moved.policy_profile, moved.team)}.", "success")
    return redirect(url_for("cases.case_page", reference=case.reference), code=303)


def team_label(profile_name: str | None, key: str | None) -> str:
    """A team's name under the profile `profile_name`; its key if the profile is gone."""
    from bot.policy.teams import team_name

    try:
        return team_name(workspace().profile(profile_name), key)
    except Exception:  # noqa: BLE001 - a profile since removed
        return key or ""
