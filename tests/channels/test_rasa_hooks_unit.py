"""The project's additions to the Rasa server process (bot/rasa_hooks.py), without a server."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.channels.rest  # noqa: F401 - loading a channel installs the hooks, as in the server
from bot import rasa_guard


def test_loading_the_channels_installs_both_hooks():
    assert getattr(RemoteAction, "_intake_fast_validation", False)
    from rasa.core.processor import MessageProcessor

    assert getattr(MessageProcessor, "_intake_guarded", False)


def test_action_responses_are_still_validated_with_rasas_error():
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}],
                                           "responses": [{"text": "hi"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_the_slots_a_failed_turn_set_are_put_back():
    domain = Domain.from_dict({"slots": {"a": {"type": "text", "mappings": [{"type": "custom"}]},
                                         "b": {"type": "text", "mappings": [{"type": "custom"}]}}})
    tracker = DialogueStateTracker.from_events("s", [
        ActionExecuted("action_listen"), SlotSet("a", "kept"), UserUttered("first"),
        ActionExecuted("action_listen"), UserUttered("second"), SlotSet("a", "changed"),
        SlotSet("b", "new")], slots=domain.slots)
    restore = rasa_guard.slots_before_last_message(tracker)
    assert {(e.key, e.value) for e in restore} == {("a", "kept"), ("b", None)}


def test_the_apology_names_other_ways_to_reach_the_landlord():
    text = rasa_guard.apology()
    assert "kept" in text and "again" in text and "you can contact" in text
