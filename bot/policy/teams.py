"""Which team handles a case: the one place the profile's routing rule is applied.

A profile names its teams (`teams:`, exactly one `default: true`) and a list of `routing:` rules,
each a case type and/or a service and the team that gets such cases. The rules are tried in order,
the first that matches wins, and a case no rule matches goes to the default team:

    teams:
      complaints: {name: "Complaints team", default: true}
      neighbourhood: {name: "Neighbourhood team"}
    routing:
      - {case_type: asb_report, team: neighbourhood}

The case store files each case with `team_for(...)`; staff may move it to another team later.
A profile without teams routes nothing (None: "not routed", which every team's queue shows).
"""
from __future__ import annotations

from typing import Any

__all__ = ["team_for", "default_team", "team_name", "team_names", "require_team"]


def _teams(profile: Any) -> dict:
    return dict(getattr(profile, "teams", None) or {})


def default_team(profile: Any) -> str | None:
    """The key of the team that gets every case no rule matches (None without teams)."""
    return next((key for key, team in _teams(profile).items() if team.default), None)


def team_for(profile: Any, case_type: str, service: str | None = "housing") -> str | None:
    """The key of the team that gets a new case of `case_type` about `service`: the first
    routing rule that matches, else the default team. None if the profile has no teams."""
    if not _teams(profile):
        return None
    service = service or "housing"
    for rule in getattr(profile, "routing", None) or ():
        if rule.case_type not in (None, case_type):
            continue
        if rule.service not in (None, service):
            continue
        return rule.team
    return default_team(profile)


def team_names(profile: Any) -> dict[str, str]:
    """Team key -> the name staff know it by, in the profile's order."""
    return {key: team.name for key, team in _teams(profile).items()}


def team_name(profile: Any, key: str | None) -> str:
    """The team's name; its key if the profile does not have it; "" for no team."""
    if not key:
        return ""
    return team_names(profile).get(key, key)


def require_team(profile: Any, key: str):
    """The team `key` of the profile, or a PolicyError naming the teams it has."""
    from bot.policy import PolicyError

    teams = _teams(profile)
    if key in teams:
        return teams[key]
    name = getattr(profile, "name", "?")
    if not teams:
        raise PolicyError(f"policy profile {name!r} has no teams")
    raise PolicyError(f"policy profile {name!r} has no team {key!r}; its teams: "
                      f"{', '.join(teams)}")
