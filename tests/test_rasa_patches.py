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


def test_a_hung_action_server_is_cut_off_and_counts_as_a_failure(monkeypatch):
    """Rasa would wait 5 minutes (and past the conversation's lock): the call ends after
    INTAKE_ACTION_TIMEOUT_SECONDS, and the guard takes it as the action server failing."""
    import asyncio
    import time

    from aiohttp import web
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.utils.endpoints import EndpointConfig

    import rasa.core.actions.action as rasa_action
    from tests.support.webhook import serve_webhook

    # (put back after the test: other tests in this process call actions with the default)
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    monkeypatch.setenv("INTAKE_ACTION_TIMEOUT_SECONDS", "1")
    rasa_guard.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 1

    async def scenario():
        release = asyncio.Event()

        async def hang(request):
            await release.wait()  # until the test is done with it
            return web.json_response({"events": [], "responses": []})

        runner, port = await serve_webhook(hang)
        action = RemoteAction("action_file_case", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        domain = Domain.from_dict({"actions": ["action_file_case"]})
        tracker = DialogueStateTracker.from_events("hung", [ActionExecuted("action_listen")])
        began = time.monotonic()
        try:
            await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                             tracker, domain)
        except Exception as error:  # noqa: BLE001 - examined below
            return error, time.monotonic() - began
        finally:
            release.set()
            await runner.cleanup()
        return None, time.monotonic() - began

    error, took = asyncio.run(scenario())
    assert error is not None and took < 10, (error, took)
    assert rasa_guard._is_action_server_failure(RemoteAction("action_file_case", None), error)
