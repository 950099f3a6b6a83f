"""Is a message typed in answer to a question an interruption, or simply the answer?

Mid-form, a resident may ask how long things take, ask for a person, say "stop", or report an
emergency; the form then answers that and asks its question again. But answers are free text, and
the classifier reads some of them as interruptions: "send someone back" (what would put things
right) looks like asking for a person, "me and my two children" (who was affected) like a
safeguarding concern. Taking such an answer as an interruption loses it and asks again, so a
message counts as an interruption only when the classifier is confident; otherwise it is the
answer (and it is stored as typed for staff to read).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot.intake import triage

# The intents that interrupt a form (domain.yml's x-interruptions list).
INTERRUPTIONS = frozenset({"stop", "ask_timescales", "ask_ombudsman", "ask_what_counts_as_complaint",
                           "request_human", "emergency", "safeguarding_concern", "bot_challenge",
                           "empty_message", "markup_message", "other_language"})
SAFETY = frozenset({"emergency", "safeguarding_concern"})
# Confidence needed before an answer is taken as an interruption. Safety is taken at a lower
# confidence when the message speaks of harm or a hazard (a missed emergency costs more than a
# question asked twice); without such words, only at a very high one.
INTERRUPTION_CONFIDENCE = 0.90
SAFETY_CONFIDENCE = 0.60
SAFETY_WITHOUT_DANGER_WORDS = 0.97


def top_intent(ranking: Sequence[Mapping[str, Any]] | None, latest_intent: Mapping[str, Any] | None = None
               ) -> tuple[str | None, float]:
    """The classifier's choice for the message, ignoring Rasa's fallback row."""
    if latest_intent and latest_intent.get("name") and latest_intent.get("name") != "nlu_fallback":
        return latest_intent["name"], float(latest_intent.get("confidence") or 0.0)
    for row in ranking or ():
        if row.get("name") and row.get("name") != "nlu_fallback":
            return row["name"], float(row.get("confidence") or 0.0)
    return None, 0.0


def is_interruption(intent: str | None, confidence: float, text: str = "") -> bool:
    """True when a message given as an answer should be handled as an interruption instead."""
    if intent not in INTERRUPTIONS:
        return False
    if (text or "").strip().startswith("/"):
        return True  # a button press (such as "Stop"): the resident chose it
    if intent in SAFETY:
        threshold = SAFETY_CONFIDENCE if triage.mentions_danger(text) else SAFETY_WITHOUT_DANGER_WORDS
    else:
        threshold = INTERRUPTION_CONFIDENCE
    return confidence >= threshold


def answer_to_keep(requested_slot: str | None, free_text_slots: Sequence[str], text: str,
                   intent: str | None, confidence: float) -> str | None:
    """The message to take as the answer to the requested free-text question, or None.

    None when nothing was asked, the question is not free text, the message is empty, or the
    message is a confident interruption (the form's interruption rules then handle it).
    """
    text = (text or "").strip()
    if not requested_slot or requested_slot not in free_text_slots or not text:
        return None
    if intent not in INTERRUPTIONS or is_interruption(intent, confidence, text):
        return None
    return text
