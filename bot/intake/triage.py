"""Spot what needs more than the ordinary process: dissatisfaction (offer a complaint), hazards
under Awaab's Law, and urgency. Word lists, not a model: these decide what a resident is offered
and flagged for, so they must be predictable and easy for staff to read and extend."""
from __future__ import annotations

import re

_DISSATISFIED = re.compile(
    r"\b(reported|rang|called|phoned|chased|told|asked|emailed|complained)\b.{0,40}\b(times|again|weeks|months|ages|before|already|twice)\b"
    r"|\b(no ?one|nobody|no-one)\b.{0,25}\b(came|come|turned up|showed|called|rang|got back|replied|bothered|listens?|did anything|has done)"
    r"|\bnever\b.{0,20}\b(came|turned up|showed up|got back|fixed|sorted|replied|called back)"
    r"|\bstill\b.{0,30}\b(not|no|nothing|waiting|broken|hasn'?t|haven'?t|isn'?t|leaking)"
    r"|\b(fed up|sick of|sick and tired|had enough|let down|waste of time|not good enough|not acceptable)\b"
    r"|\b(unacceptable|disgusting|disgraceful|appalling|shocking|ridiculous|useless|incompetent|rude|terrible|awful|a joke)\b"
    r"|\b(third|fourth|fifth|3rd|4th|5th|umpteenth)\s+time\b"
    r"|\b(done|did) nothing\b|\bnothing (has been|was|got) done\b|\bignored\b|\bmissed (the )?appointment",
    re.I | re.S)

_DAMP_MOULD = re.compile(r"\b(damp|mou?ld|mildew|condensation|black spots?|fungus|rising damp|wet walls?)\b", re.I)
_EMERGENCY_HAZARD = re.compile(
    r"\b(gas (smell|leak)|smell(s|ing)? (of )?gas|carbon monoxide|co alarm|exposed wires?|live wires?|sparking|"
    r"electric(al)? shock|ceiling (has )?(collapsed|falling|coming down)|structural|no heating|no hot water|"
    r"flood(ed|ing)?|sewage|fire)\b", re.I)


_DANGER = re.compile(
    r"\b(danger|dangerous|unsafe|999|ambulance|police|emergency|hurt|hurting|injur\w*|bleeding|"
    r"unconscious|collapsed|can'?t breathe|suicid\w*|kill\w*|self[- ]harm\w*|abus\w*|neglect\w*|"
    r"hit|hits|hitting|beat|beats|beating|beaten|harm\w*|scared|afraid|frightened|threat\w*|"
    r"exploit\w*|groom\w*|violen\w*|bruis\w*|locked in|starv\w*|domestic|controlling|attack\w*|"
    r"weapon|knife|gun)\b", re.I)


def mentions_danger(text: str) -> bool:
    """Words of harm, danger or abuse, or of a hazard such as gas, fire or flooding."""
    return bool(_DANGER.search(text or "") or _EMERGENCY_HAZARD.search(text or ""))


def expresses_dissatisfaction(text: str, intent_ranking: list[dict] | None = None) -> bool:
    """True when the message shows the resident is unhappy with what we did or did not do."""
    for entry in (intent_ranking or [])[:2]:
        if entry.get("name") == "complaint" and float(entry.get("confidence") or 0) >= 0.5:
            return True
    return bool(_DISSATISFIED.search(text or ""))


def awaab_category(text: str, urgency: str | None = None) -> str | None:
    """"emergency" or "significant" when Awaab's Law timescales apply to a repair, else None."""
    text = text or ""
    if _EMERGENCY_HAZARD.search(text) or (urgency == "emergency" and _DAMP_MOULD.search(text)):
        return "emergency"
    if _DAMP_MOULD.search(text):
        return "significant"
    if urgency == "emergency":
        return "emergency"
    return None
