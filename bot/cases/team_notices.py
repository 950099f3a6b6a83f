"""Telling a team that a case it had has gone to another team.

Forwarding sends each change of a case to the address of the team the case has when the change
is delivered (bot.cases.outbox), so once a case moves, the team it left hears nothing more of it:
its own system would show the case as still theirs. A move therefore also writes, in the same
transaction, a `case.left_team` message addressed to the old team (outbox.team), delivered to
that team's address even though the case is no longer theirs:

    {"event_id": "...", "type": "case.left_team", "occurred_at": "2026-03-02T10:00:00+00:00",
     "event": {"kind": "left_team", "actor": "staff:max", "at": "...",
               "details": {"from": "neighbourhood", "from_name": "Neighbourhood team",
                           "to": "complaints", "to_name": "Complaints team", "reason": "..."}},
     "case": {"reference": "ASB-...", "type": "asb_report", "status": "new", "stage": null,
              "team": "complaints", "team_name": "Complaints team"}}

The notice carries the reference and where the case went, not the resident's details again: the
old team no longer handles the case (data minimisation). The new team gets the usual
`case.moved_to_team` message with the whole case.
"""
from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from bot.cases.models import Case, CaseEvent, OutboxMessage

KIND = "case.left_team"


def left_team(case: Case, event: CaseEvent, old_team: str, names: dict[str, str]) -> OutboxMessage:
    """The outbox message telling `old_team` that `case` left it (`event`: the move's history
    entry; `names`: team key -> name, from the profile)."""
    event_id = str(uuid4())
    details: dict[str, Any] = {"from": old_team, "from_name": names.get(old_team, old_team),
                               "to": case.team, "to_name": names.get(case.team, case.team)}
    if (event.details or {}).get("reason"):
        details["reason"] = event.details["reason"]
    payload = {
        "event_id": event_id,
        "type": KIND,
        "occurred_at": event.at.isoformat(),
        "event": {"kind": "left_team", "actor": event.actor, "at": event.at.isoformat(),
                  "details": details},
        "case": {"reference": case.reference, "type": case.case_type, "status": case.status,
                 "stage": case.stage, "team": case.team, "team_name": details["to_name"]},
    }
    return OutboxMessage(
        event_id=event_id, case_id=case.id, kind=KIND, team=old_team,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        created_at=event.at, attempts=0, next_attempt_at=event.at)
