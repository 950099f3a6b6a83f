"""Spot what needs more than the ordinary process: dissatisfaction (offer a complaint), hazards
under Awaab's Law, and urgency. Word lists, not a model: these decide what a resident is offered
and flagged for, so they must be predictable and easy for staff to read and extend."""
from __future__ import annotations

import re

_DISSATISFIED = re.compile(
    r"\b(reported|rang|called|phoned|chased|told|asked|emailed|complained)\b.{0,40}\b(times|again|weeks|months|ages|before|already|twice)\b"
    r"|\b(no ?one|nobody|no-one)\b.{0,25}\b(came|come|turned up|showed|called|rang|got back|replied|"
    r"bothered|listens?|did anything|has done)"
    r"|\bnever\b.{0,20}\b(came|turned up|showed up|got back|fixed|sorted|replied|called back)"
    r"|\bstill\b.{0,30}\b(not|no|nothing|waiting|broken|hasn'?t|haven'?t|isn'?t|leaking)"
    r"|\b(fed up|sick of|sick and tired|had enough|let down|waste of time|not good enough|not acceptable)\b"
    r"|\b(unacceptable|disgusting|disgraceful|appalling|shocking|ridiculous|useless|incompetent|rude|"
    r"terrible|awful|a joke)\b"
    r"|\b(unhappy|dissatisfied|disappointed|disappointing)\b"
    r"|\bnot (at all |very |really |too )?(happy|pleased|satisfied|impressed)\b"
    r"|\b(botched|bodged|shoddy|sloppy|half[- ]done|poor (work|job|service|workmanship))\b"
    r"|\b(didn'?t|did not|never|hasn'?t|has not|haven'?t|have not|wasn'?t|was not|weren'?t|not) "
    r"(fix(ed)?|repair(ed)?|do(ne)?|sort(ed)?|finish(ed)?)\b.{0,20}\b(properly|right|correctly|at all|fully)\b"
    r"|\b(been|was|were|am|are|is|i'?ve|we'?ve|i'?m|we'?re) (still )?waiting\b.{0,25}"
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few|couple|over|more than)"
    r"\b.{0,12}\b(days?|weeks?|months?|years?|ages)\b"
    r"|\bwaiting (for |since )?(ages|weeks|months|years)\b"
    r"|\b(second|third|fourth|fifth|2nd|3rd|4th|5th|umpteenth)\s+time\b"
    r"|\b(done|did) nothing\b|\bnothing (has been|was|got) done\b|\bignored\b|\bmissed (the |my |our )?appointment",
    re.I | re.S)

_DAMP_MOULD = re.compile(
    r"\b(damp|mou?ld|mou?ldy|mildew|condensation|black spots?|fungus|rising damp|wet walls?|"
    r"walls? (is |are )?(getting |always |constantly |very )?(wet|soaking|soaked|damp|sodden)|"
    r"water (is )?(coming|getting|seeping|leaking|running) (in|down the walls?|through the walls?)|"
    r"rain (is )?(coming|getting|leaking) in|water ingress|penetrating damp)\b", re.I)
# Emergency hazards under Awaab's Law: an imminent risk to health or safety. Appliances and
# fittings named after a hazard ("fire alarm", "gas fire", "fire door", "flood light") are not one
# by themselves: only the hazard happening is.
_EMERGENCY_HAZARD = re.compile(
    r"\b(gas (smell|leak)|smell(s|ing)? (a bit |a little |a little bit |little bit |bit |slightly |faintly )?"
    r"(of |like )?"
    r"gas|leaking gas|"
    # Mercaptan, the smell added to gas, is how residents describe a leak without naming it.
    r"(smell\w* )?(like |of )?rotten eggs?|eggy smell|smell\w* (like|of) eggs|"
    r"carbon monoxide(?! (alarm|detector|tester))|(co|carbon monoxide) (alarm|detector) (is )?"
    r"(going off|gone off|went off|keeps going off|sounding|alarming)|"
    r"exposed wires?|live wires?|sparking|sparks|electric(al)? shocks?|wires? (hanging|sticking|dangling|poking) "
    r"(out|down)|"
    r"ceiling('?s| has| is)?( now)? (collapsed|collapsing|falling|fallen|coming down|caved in|bulging|sagging|bowing)|"
    r"(bulging|sagging|bowing) ceiling|"
    r"(water|leak)\w* (is |are )?(?!away )(\w+ )?(through|from|in|out of) the (ceiling|light( fitting)?s?|electrics|"
    r"sockets?|fuse ?box|consumer unit)|"
    # "...dripping into a bucket, not near the lights": water said to be away from the electrics is not.
    r"(water|rain\w*|leak\w*|drip\w*|pour\w*|flood\w*|gush\w*)\b"
    r"(?:(?!not near|nowhere near|not anywhere near|away from|not by|not touching|well clear of)[^.!?]){0,40}"
    r"\b(light fittings?|light switch|"
    r"ceiling lights?|"
    r"(the|a) switch(es)?|"
    r"where the light is|the lights?|my lights?|(the|my|me|our) \w+ lights?|electrics|electric|plug sockets?|"
    r"sockets?|fuse ?box|"
    r"consumer unit|wiring|meter)\b|"
    r"(pouring|gushing|pissing|flooding) (out of|out|through|thru|from|down) (the|my) (\w+ )?ceiling|"
    # "the light in bathroom was buzzing with the water inside".
    r"(light|lights|light fittings?|sockets?|switch(es)?)\b[^.!?]{0,30}\b(buzz\w*|fizz\w*|flicker\w*|crackl\w*)"
    r"[^.!?]{0,30}\bwater\b|"
    # The water unnamed in a leak's story: "still coming thru now, its coming out the light".
    r"(coming|dripping|pouring|running|leaking|trickling) (out of|out|out round|out around|through|thru|from|round|"
    r"around) (the|my|our|me) "
    r"(light|lights|light fittings?|bulb|ceiling rose|lamp)\b(?! (is|are|was|were)\b)|"
    r"water (near|round|around|on|in|into) the (electrics|sockets?|lights?|fuse ?box|consumer unit)|"
    r"structural (damage|collapse|failure)|no heating|no hot water|"
    r"flood(s|ed|ing)?\b(?![- ]?lights?)|sewage|"
    r"(dripping|pouring|gushing|leaking|pissing) (down )?(through|from) the ceiling|"
    r"on fire|caught fire|catching fire|fire (broke out|has started|started)|"
    r"(house|flat|kitchen|electrical) fire\b(?! ?(doors?|alarms?|exits?|escapes?|extinguishers?|blankets?|"
    r"safety|risk|checks?|service))|"
    r"(?<!gas )(?<!electric )(?<!coal )(?<!log )fire (in|at) (the|my|our|a)|smoke (is )?(coming|pouring|filling)|"
    r"flames|smell(s|ing)? (of )?burning|burning smell|"
    # A socket or switch heating up or scorched: "the double socket by the kettle, its warm to touch now".
    r"(sockets?|plugs?|switch(es)?|fuse ?box|consumer unit|wires?|cables?)\b[^.!?]{0,40}\b(warm|hot|burning) to (the )?"
    r"touch|(sockets?|plugs?|switch(es)?)( is| are|'s)? (getting |going )?(hot|melt\w*|scorch\w*|smoking|black)\b|"
    r"scorch marks?|"
    # Plaster or ceiling fallen on someone: "plaster fall on my daughter head".
    r"(plaster|ceiling|bits of (the )?ceiling|chunks? of (plaster|ceiling))\b[^.!?]{0,15}\b(fell|fall|falls|falling|"
    r"came down|come down|coming down|dropped) (on|onto|near|next to) (my|our|the|her|his|me|us|him|her)|"
    # "a chunk of plaster came off the kitchen ceiling", "another bit of ceiling has just come down".
    r"(chunk|bit|piece|lump|lot)s? of (the )?(plaster|ceiling|wall(?! ?paper)|roof)\b[^.!?]{0,40}"
    r"\b(came|come|fell|fallen|falling|coming|dropped|dropping) (off|down|in|through)\b|"
    r"(ceiling|roof)( has| is|'s) (just )?(come|coming|fallen|falling|caved) (down|in)\b|"
    # Wiring laid bare: "the wires behind the cooker are chewed through, bare copper showing".
    r"bare (wires?|copper|cables?)|(wires?|cables?|flex)\b[^.!?]{0,30}\b(chewed|exposed|melted)\b|"
    r"chewed (through )?(the |some |all the )?(wires?|cables?)|"
    # No working smoke alarm: "nothing on the ceiling at all since his dad took the battery out".
    r"(smoke|fire) (alarm|detector)s?\b[^!?]{0,120}\b(batter(y|ies) out|took (it|them) down|taken down|"
    r"nothing on the ceiling)|(no|without( a)?|not got a|haven'?t got a) (working )?(smoke|fire) (alarm|detector)s?\b)",
    re.I)


_DANGER = re.compile(
    r"\b(danger|dangerous|unsafe|999|ambulance|police|emergency|hurt|hurting|injur\w*|bleeding|"
    r"unconscious|collapsed|can'?t breathe|suicid\w*|kill\w*|self[- ]harm\w*|abus\w*|neglect\w*|"
    r"hit|hits|hitting|beat|beats|beating|beaten|harm\w*|scared|afraid|frightened|threat\w*|"
    r"exploit\w*|groom\w*|violen\w*|bruis\w*|locked in|starv\w*|domestic|controlling|attack\w*|"
    r"weapon|knife|gun)\b", re.I)


# A hazard said not to be happening, just before its words: "it's not like it's flooding", "no gas smell".
_DENIED_BEFORE = re.compile(r"\b(not like|not as if|not as though|isn'?t|is not|not|no|never|without)"
                            r"( it'?s| its| it is| there'?s| theres| there is| we'?ve got| i'?ve got)?( a| any)?\s*$",
                            re.I)


def emergency_hazards(text: str) -> list[str]:
    """The words of each emergency hazard said to be happening (gas, fire, flooding...), in order."""
    text = text or ""
    return [match.group(0) for match in _EMERGENCY_HAZARD.finditer(text)
            if not _DENIED_BEFORE.search(text[max(0, match.start() - 30):match.start()])]



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
    """"emergency" or "significant" when Awaab's Law timescales apply to a repair, else None.

    Only a hazard described brings the law's duties: the resident's "emergency" button makes
    damp and mould an emergency hazard and the repair urgent, but a lock that will not turn is
    an emergency repair, not a hazard under Awaab's Law."""
    text = text or ""
    if _EMERGENCY_HAZARD.search(text) or (urgency == "emergency" and _DAMP_MOULD.search(text)):
        return "emergency"
    if _DAMP_MOULD.search(text):
        return "significant"
    return None
